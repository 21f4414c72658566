//! Decoding failures: what a strict decoder reports (re-exported as `rs_habe::DecodeError`).

use core::fmt;

/// A strict decoder rejected its input.
///
/// ```
/// use rs_habe::{DecodeErrorKind, Error, Header};
/// match Header::from_bytes(b"RSHB\x09") {
///     Err(Error::Decode(e)) => assert_eq!((e.kind, e.offset), (DecodeErrorKind::UnsupportedVersion, 4)),
///     other => panic!("{other:?}"),
/// }
/// ```
///
/// `#[non_exhaustive]`: its fields are read, not built, outside this crate (a later version
/// may add one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeError {
    /// What was wrong.
    pub kind: DecodeErrorKind,
    /// Byte offset in the input at which the problem was detected.
    pub offset: usize,
}

impl DecodeError {
    pub(crate) const fn new(kind: DecodeErrorKind, offset: usize) -> Self {
        DecodeError { kind, offset }
    }
}

/// The kinds of [`DecodeError`].
///
/// # Examples
///
/// ```
/// use rs_habe::{Authority, DecodeErrorKind, Error, Header, Policy, SetupParams};
/// // The kind and byte offset a decoder reports for a few malformed inputs.
/// let decode = |bytes: &[u8]| match Header::from_bytes(bytes) {
///     Err(Error::Decode(e)) => Some((e.kind, e.offset)),
///     _ => None,
/// };
/// assert_eq!(decode(b"\x89PNG\r\n"), Some((DecodeErrorKind::BadMagic, 0)));
/// assert_eq!(decode(b"RSHB\x09\x06"), Some((DecodeErrorKind::UnsupportedVersion, 4)));
/// assert_eq!(decode(b"RSHB\x03\x05"), Some((DecodeErrorKind::WrongObjectType, 5)));
/// assert_eq!(decode(b"RSHB\x03\x06"), Some((DecodeErrorKind::Truncated, 6)));
///
/// // A valid header followed by one extra byte.
/// let mut rng = rand::thread_rng();
/// let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
/// let policy = Policy::parse("nurse")?;
/// let (header, _) = Header::encapsulate(&mut rng, authority.public_params(), &policy, 0)?;
/// let mut bytes = header.to_bytes();
/// let end = bytes.len();
/// bytes.push(0);
/// assert_eq!(decode(&bytes), Some((DecodeErrorKind::TrailingBytes, end)));
/// # Ok::<(), rs_habe::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The 4-byte magic is not this crate's.
    BadMagic,
    /// The format version is not supported.
    UnsupportedVersion,
    /// The object-type byte names another object.
    WrongObjectType,
    /// The input ends before the object does.
    Truncated,
    /// Bytes remain after the object.
    TrailingBytes,
    /// A group element is not a canonical compressed encoding of a point in the prime-order
    /// subgroup.
    InvalidPoint,
    /// A group element is the identity where it cannot be.
    IdentityPoint,
    /// A scalar is not canonical (not below the group order), or zero where it cannot be.
    InvalidScalar,
    /// A count or length exceeds its limit.
    LimitExceeded,
    /// A field holds a value outside its range or inconsistent with the rest of the object.
    InvalidValue,
    /// An embedded policy text is invalid.
    InvalidPolicy,
    /// An attribute list is not strictly sorted or holds an invalid attribute.
    InvalidAttribute,
    /// The public parameters' twin elements do not match (`e(X, ĝ) != e(g, X̂)`).
    InconsistentParams,
    /// A proxy re-encryption public key's twins do not match (`e(P1, ĝ) != e(g, P2)`).
    InconsistentKey,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind, self.offset)
    }
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DecodeErrorKind::BadMagic => "not an rs-habe object (bad magic)",
            DecodeErrorKind::UnsupportedVersion => "unsupported format version",
            DecodeErrorKind::WrongObjectType => "another kind of object",
            DecodeErrorKind::Truncated => "input ends early",
            DecodeErrorKind::TrailingBytes => "bytes after the object",
            DecodeErrorKind::InvalidPoint => "not a canonical point of the prime-order subgroup",
            DecodeErrorKind::IdentityPoint => "identity point where none is allowed",
            DecodeErrorKind::InvalidScalar => "non-canonical or zero scalar",
            DecodeErrorKind::LimitExceeded => "count or length over its limit",
            DecodeErrorKind::InvalidValue => "field value out of range or inconsistent",
            DecodeErrorKind::InvalidPolicy => "invalid embedded policy",
            DecodeErrorKind::InvalidAttribute => "attribute list unsorted or invalid",
            DecodeErrorKind::InconsistentParams => "public parameters' twin elements differ",
            DecodeErrorKind::InconsistentKey => "public key's twin elements differ",
        })
    }
}

impl core::error::Error for DecodeError {}
