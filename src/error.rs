//! Error types.
//!
//! Facts that anyone can compute from public data (a policy the key does not satisfy, a revoked
//! user, a period the key does not cover, a malformed encoding) get their own variant, so callers
//! can act on them. Everything that fails *after* a key has been derived — a wrong key, a tampered
//! header, a tampered payload — is the single opaque [`Error::Decryption`]: telling those apart
//! would hand an attacker an oracle.

use alloc::vec::Vec;
use core::fmt;

use crate::policy::Attribute;

/// Everything that can go wrong in this crate.
///
/// ```
/// use rs_habe::{Authority, AttributeSet, Error, Header, Policy, SetupParams};
/// let mut rng = rand::thread_rng();
/// let mut authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
/// let pp = authority.public_params().clone();
/// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
/// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 3)?)?;
/// let (header, _) = Header::encapsulate(&mut rng, &pp, &Policy::parse("doctor")?, 2)?;
/// match dk.decapsulate(&header) {
///     Err(Error::PolicyNotSatisfied) => {} // public fact: ask someone else
///     Err(Error::Decryption) => unreachable!("only after key derivation"),
///     other => panic!("{other:?}"),
/// }
/// let err = Policy::parse("doctor and").unwrap_err();
/// assert_eq!(err.offset, 10);
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A byte string is not a valid encoding of the expected object.
    Decode(DecodeError),
    /// A policy text does not parse, or exceeds a limit.
    Policy(PolicyError),
    /// A parameter is outside its documented range (see [`Parameter`]).
    InvalidParameter(Parameter),
    /// The key's attributes do not satisfy the header's policy.
    PolicyNotSatisfied,
    /// The user is revoked at this period: no entry of the key update lies on its path.
    Revoked,
    /// The key's period is earlier than the header's period: a key for period `T'` only opens
    /// headers of periods `T <= T'`.
    PeriodNotCovered,
    /// A header update was asked to move a header to an earlier period (headers only move forward).
    PeriodInPast,
    /// A period is not below `2^D_t`.
    PeriodOutOfRange,
    /// Two objects were made under different public parameters (different time-tree depth).
    ParamsMismatch,
    /// A key update, secret key or decryption key belongs to another issuer or another user.
    IssuerMismatch,
    /// A secret key and a key update (or two keys) are for different periods.
    PeriodMismatch,
    /// The issuer's user tree has no free leaf left.
    TreeFull,
    /// No user with this id was enrolled by this issuer.
    UnknownUser,
    /// The attribute set is not a subset of the issuer's (or key's) set; the extra attributes are
    /// listed, sorted.
    NotASubset(Vec<Attribute>),
    /// An attribute set is empty where at least one attribute is needed, or too large.
    InvalidAttributeSet,
    /// A key update is older than one already seen from the same issuer (stale issuer state).
    StaleKeyUpdate,
    /// Fewer proxy re-encryption fragments than the threshold were supplied.
    NotEnoughFragments,
    /// Two fragments with the same index were supplied.
    DuplicateFragment,
    /// A key or capsule fragment belongs to another capsule or another delegation (or its index
    /// is outside `1..=n`), or a capsule was checked against a key other than the delegation's
    /// owner.
    FragmentMismatch,
    /// A fragment's proof of correct re-encryption does not verify.
    InvalidProof,
    /// An envelope has no recipient this key or capsule can open.
    NoMatchingRecipient,
    /// A capsule's proof of knowledge of its exponent does not verify against the public key it
    /// was checked against: it was altered, or made for another key (scheme.md §10 v2).
    InvalidCapsule,
    /// A proxy re-encryption delegation record fails one of the checks of scheme.md §10 v2.
    InvalidDelegation(DelegationCheck),
    /// A key fragment does not match its verification key in the delegation record
    /// (`g^{kfrag_i} ≠ VK_i`).
    InvalidKeyFrag,
    /// The key pair is not the receiver that the delegation record names.
    ReceiverMismatch,
    /// Opaque: the key is wrong, or the header, the wrapped key or the payload was modified, or
    /// the stream was truncated or reordered. No plaintext is released.
    Decryption,
    /// An I/O error while streaming (only with the `std` feature).
    #[cfg(feature = "std")]
    Io(std::io::ErrorKind),
}

/// A parameter whose value was out of range.
///
/// # Examples
///
/// ```
/// use rs_habe::{pre::KeyPair, Authority, Envelope, Error, Parameter, SetupParams};
/// let mut rng = rand::thread_rng();
/// let setup = |time_depth, tree_depth| {
///     Authority::setup(&mut rand::thread_rng(), SetupParams { time_depth, tree_depth })
/// };
/// assert!(matches!(setup(0, 4), Err(Error::InvalidParameter(Parameter::TimeDepth))));
/// assert!(matches!(setup(4, 33), Err(Error::InvalidParameter(Parameter::TreeDepth))));
///
/// // A threshold above the number of shares.
/// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
/// assert!(matches!(
///     alice.delegate(&mut rng, &bob.public_key(), 3, 2),
///     Err(Error::InvalidParameter(Parameter::Threshold))
/// ));
///
/// // An envelope without recipients.
/// let pp = setup(4, 2)?.public_params().clone();
/// assert!(matches!(
///     Envelope::seal(&mut rng, &pp, &[], b"", b"for nobody"),
///     Err(Error::InvalidParameter(Parameter::Recipients))
/// ));
///
/// // Every parameter says its range (a plaintext above 256 TiB cannot be sealed).
/// let err = Error::InvalidParameter(Parameter::Plaintext);
/// assert!(err.to_string().contains("at most 256 TiB"));
/// # Ok::<(), rs_habe::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Parameter {
    /// The time-tree depth `D_t` (1..=32).
    TimeDepth,
    /// A user-tree depth (1..=32).
    TreeDepth,
    /// A threshold `t` or share count `n` of proxy re-encryption (1 <= t <= n <= 255).
    Threshold,
    /// An envelope must have between 1 and [`MAX_RECIPIENTS`](crate::limits::MAX_RECIPIENTS)
    /// recipients.
    Recipients,
    /// An envelope's plaintext can be at most 256 TiB: `2^32` STREAM chunks of 64 KiB, as many as
    /// its 32-bit chunk counter can number (scheme.md §11).
    Plaintext,
}

/// Which check of a proxy re-encryption delegation record failed (scheme.md §10 v2).
///
/// # Examples
///
/// ```
/// use rs_habe::{pre::{DelegationRecord, KeyPair}, DelegationCheck, Error};
/// let mut rng = rand::thread_rng();
/// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
/// let carol = KeyPair::random(&mut rng);
/// let (_, record) = alice.delegate(&mut rng, &bob.public_key(), 2, 3)?;
/// // The same record relabelled for Carol: D̂ does not match her key.
/// let mut bytes = record.to_bytes();
/// let at = 6 + 16 + 4 + 4 + 144;
/// bytes[at..at + 144].copy_from_slice(&carol.public_key().to_bytes()[6..]);
/// let forged = DelegationRecord::from_bytes(&bytes)?;
/// assert_eq!(forged.check().unwrap_err(), Error::InvalidDelegation(DelegationCheck::ReceiverKey));
/// # Ok::<(), rs_habe::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DelegationCheck {
    /// The verification keys `VK_1..n` do not lie on one polynomial of degree below `t`.
    Polynomial,
    /// `e(M, ĝ) ≠ e(V₀, P2_A)`: `M` is not `P1_A^m` for the `m = f(0)` the keys share.
    OwnerKey,
    /// `e(M, D̂) ≠ e(P1_B, ĝ)`: `D̂` is not `P2_B^{1/(a·m)}` for the receiver the record names.
    ReceiverKey,
}

impl fmt::Display for DelegationCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DelegationCheck::Polynomial => {
                "the verification keys do not lie on one polynomial of degree below t"
            }
            DelegationCheck::OwnerKey => "M does not match the owner's key and the shared secret",
            DelegationCheck::ReceiverKey => "D̂ does not match the receiver's key and M",
        })
    }
}

impl fmt::Display for Parameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Parameter::TimeDepth => "the time-tree depth D_t must be in 1..=32",
            Parameter::TreeDepth => "a user-tree depth must be in 1..=32",
            Parameter::Threshold => "a re-encryption threshold must satisfy 1 <= t <= n <= 255",
            Parameter::Recipients => "an envelope needs between 1 and 64 recipients",
            Parameter::Plaintext => {
                "an envelope's plaintext can be at most 256 TiB (2^32 chunks of 64 KiB); split \
                 the record over several envelopes"
            }
        })
    }
}

impl fmt::Display for Error {
    /// One sentence: what happened, then (after a semicolon) what to do about it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Decode(e) => write!(
                f,
                "invalid encoding ({e}); the bytes are corrupted, truncated, or not the object \
                 expected here"
            ),
            Error::Policy(e) => write!(f, "invalid policy ({e}); fix the policy text there"),
            Error::InvalidParameter(p) => write!(f, "parameter out of range: {p}"),
            Error::PolicyNotSatisfied => f.write_str(
                "the key's attributes do not satisfy the header's policy; this key cannot open \
                 it, a key with the attributes the policy names can",
            ),
            Error::Revoked => f.write_str(
                "the user is revoked at this period (no entry of the key update covers it); \
                 only the issuer can restore access, by enrolling the user again",
            ),
            Error::PeriodNotCovered => f.write_str(
                "the key is for an earlier period than the header; derive a decryption key from \
                 a key update for the header's period or a later one",
            ),
            Error::PeriodInPast => f.write_str(
                "headers only move forward; update to a period at or after the header's own",
            ),
            Error::PeriodOutOfRange => f.write_str(
                "the period is not below 2^D_t; use a period the public parameters' time tree \
                 covers (PublicParams::periods)",
            ),
            Error::ParamsMismatch => f.write_str(
                "the objects were made under different public parameters; use the parameters \
                 published by the authority that issued the key",
            ),
            Error::IssuerMismatch => f.write_str(
                "the objects belong to different issuers or users; use the key update published \
                 by the issuer that enrolled this key",
            ),
            Error::PeriodMismatch => f.write_str(
                "the objects are for different periods; pair each key with the key update of \
                 its own period",
            ),
            Error::TreeFull => f.write_str(
                "the issuer's user tree has no free leaf; set up an issuer with a deeper tree \
                 (SetupParams::tree_depth)",
            ),
            Error::UnknownUser => f.write_str(
                "this issuer enrolled no user with this id; revoke users through the issuer \
                 that enrolled them",
            ),
            Error::NotASubset(extra) => {
                f.write_str("the issuer does not hold these attributes, so it cannot grant them:")?;
                for a in extra {
                    write!(f, " {a}")?;
                }
                f.write_str("; grant only a subset of the issuer's attributes")
            }
            Error::InvalidAttributeSet => f.write_str(
                "the attribute set is empty or larger than MAX_ATTRIBUTES; give at least one \
                 attribute",
            ),
            Error::StaleKeyUpdate => f.write_str(
                "the key update is older than one already seen from this issuer; do not use it \
                 (the issuer may have restarted from a stale copy of its state)",
            ),
            Error::NotEnoughFragments => f.write_str(
                "fewer verified fragments than the delegation's threshold; collect fragments \
                 from more proxies",
            ),
            Error::DuplicateFragment => f.write_str(
                "two fragments come from the same proxy (same index); supply fragments with \
                 distinct indices",
            ),
            Error::FragmentMismatch => f.write_str(
                "the fragment belongs to another capsule or delegation, or the capsule was checked \
                 against a key other than the delegation's owner; use the capsule and the \
                 delegation record it was made for",
            ),
            Error::InvalidProof => f.write_str(
                "the fragment's proof of re-encryption does not verify; discard it (the proxy \
                 misbehaved or the bytes were corrupted) and ask another proxy",
            ),
            Error::NoMatchingRecipient => f.write_str(
                "no recipient of the envelope can be opened with this key or capsule; check that \
                 the key's attributes satisfy one of its policies or that it names this PRE key",
            ),
            Error::InvalidCapsule => f.write_str(
                "the capsule's proof of knowledge does not verify against this public key; it was \
                 altered or made for another key, so refuse it",
            ),
            Error::InvalidDelegation(check) => write!(
                f,
                "the delegation record is inconsistent ({check}); refuse it and obtain the record \
                 from its owner over an authenticated channel"
            ),
            Error::InvalidKeyFrag => f.write_str(
                "the key fragment does not match its verification key in the delegation record; \
                 refuse it and ask the delegating owner for the right fragment",
            ),
            Error::ReceiverMismatch => f.write_str(
                "this key pair is not the receiver the delegation record names; use the receiver's \
                 own key pair",
            ),
            Error::Decryption => f.write_str(
                "decryption failed: the key is wrong or the data was modified, truncated or \
                 reordered; no plaintext was released",
            ),
            #[cfg(feature = "std")]
            Error::Io(kind) => write!(f, "i/o error while streaming: {kind}"),
        }
    }
}

impl core::error::Error for Error {}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Error::Decode(e)
    }
}

impl From<PolicyError> for Error {
    fn from(e: PolicyError) -> Self {
        Error::Policy(e)
    }
}

/// A strict decoder rejected its input.
///
/// ```
/// use rs_habe::{DecodeErrorKind, Error, Header};
/// match Header::from_bytes(b"RSHB\x09") {
///     Err(Error::Decode(e)) => assert_eq!((e.kind, e.offset), (DecodeErrorKind::UnsupportedVersion, 4)),
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
/// let authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
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

/// A policy text is invalid.
///
/// # Examples
///
/// ```
/// use rs_habe::{Error, Policy, PolicyError, PolicyErrorKind};
/// let err: PolicyError = Policy::parse("doctor and (nurse or").unwrap_err();
/// assert_eq!((err.kind, err.offset), (PolicyErrorKind::UnexpectedEnd, 20));
/// assert!(err.to_string().ends_with("at byte 20")); // the message names the offset too
///
/// // In a function returning `rs_habe::Result`, `?` wraps it in `Error::Policy`.
/// fn parse(text: &str) -> rs_habe::Result<Policy> {
///     Ok(Policy::parse(text)?)
/// }
/// assert_eq!(parse("doctor and (nurse or"), Err(Error::Policy(err)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyError {
    /// What was wrong.
    pub kind: PolicyErrorKind,
    /// Byte offset in the policy text at which the problem was detected.
    pub offset: usize,
}

/// The kinds of [`PolicyError`].
///
/// # Examples
///
/// ```
/// use rs_habe::{Policy, PolicyErrorKind as Kind};
/// let cases = [
///     ("doctor and", Kind::UnexpectedEnd, 10),
///     ("doctor & nurse", Kind::UnexpectedChar, 7),
///     ("doctor and and nurse", Kind::UnexpectedToken, 11),
///     ("\"ward 3", Kind::UnterminatedString, 0),
///     ("\"ward\\n3\"", Kind::BadEscape, 5),
///     ("\"\"", Kind::EmptyAttribute, 0),
///     ("3 of (a, b)", Kind::InvalidThreshold, 0),
///     ("doctor nurse", Kind::TrailingInput, 7),
///     ("a and b or c", Kind::MixedOperators, 8),
/// ];
/// for (text, kind, offset) in cases {
///     let err = Policy::parse(text).unwrap_err();
///     assert_eq!((err.kind, err.offset), (kind, offset), "{text}");
/// }
///
/// // A caller can turn the kind into advice for whoever typed the policy.
/// let advice = |text: &str| match Policy::parse(text).map_err(|e| e.kind) {
///     Ok(_) => "ok",
///     Err(Kind::MixedOperators) => "add parentheses, as in (a and b) or c",
///     Err(Kind::UnterminatedString) => "close the quote",
///     Err(_) => "see the offset",
/// };
/// assert_eq!(advice("a and b or c"), "add parentheses, as in (a and b) or c");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyErrorKind {
    /// The input (or a gate) is empty where an expression was expected.
    UnexpectedEnd,
    /// A character that cannot start or continue a token.
    UnexpectedChar,
    /// A token in the wrong place (for example `and` where an attribute was expected).
    UnexpectedToken,
    /// A quoted attribute has no closing quote.
    UnterminatedString,
    /// A backslash escape other than `\"` or `\\`.
    BadEscape,
    /// An empty attribute (`""`).
    EmptyAttribute,
    /// An attribute longer than [`MAX_ATTRIBUTE_LEN`](crate::policy::MAX_ATTRIBUTE_LEN) bytes.
    AttributeTooLong,
    /// More than [`MAX_LEAVES`](crate::policy::MAX_LEAVES) leaves.
    TooManyLeaves,
    /// Nesting deeper than [`MAX_DEPTH`](crate::policy::MAX_DEPTH).
    TooDeep,
    /// A `k of (…)` gate with `k = 0` or `k` greater than its number of children.
    InvalidThreshold,
    /// Input remains after a complete policy.
    TrailingInput,
    /// `and` and `or` mixed at one level without parentheses.
    MixedOperators,
    /// The policy text is longer than [`MAX_POLICY_TEXT_LEN`](crate::policy::MAX_POLICY_TEXT_LEN).
    TooLong,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind, self.offset)
    }
}

impl fmt::Display for PolicyErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::policy::{MAX_ATTRIBUTE_LEN, MAX_DEPTH, MAX_LEAVES, MAX_POLICY_TEXT_LEN};
        match self {
            PolicyErrorKind::UnexpectedEnd => f.write_str("an expression is missing"),
            PolicyErrorKind::UnexpectedChar => f.write_str("unexpected character"),
            PolicyErrorKind::UnexpectedToken => f.write_str("unexpected token"),
            PolicyErrorKind::UnterminatedString => f.write_str("unterminated quoted attribute"),
            PolicyErrorKind::BadEscape => f.write_str("only \\\" and \\\\ escapes are allowed"),
            PolicyErrorKind::EmptyAttribute => f.write_str("empty attribute"),
            PolicyErrorKind::AttributeTooLong => {
                write!(f, "attribute longer than {MAX_ATTRIBUTE_LEN} bytes")
            }
            PolicyErrorKind::TooManyLeaves => write!(f, "more than {MAX_LEAVES} attributes"),
            PolicyErrorKind::TooDeep => write!(f, "nested deeper than {MAX_DEPTH}"),
            PolicyErrorKind::InvalidThreshold => {
                f.write_str("k of (...) needs 1 <= k <= its number of children")
            }
            PolicyErrorKind::TrailingInput => f.write_str("input after a complete policy"),
            PolicyErrorKind::MixedOperators => {
                f.write_str("and/or mixed at one level; add parentheses")
            }
            PolicyErrorKind::TooLong => {
                write!(f, "policy text longer than {MAX_POLICY_TEXT_LEN} bytes")
            }
        }
    }
}

impl core::error::Error for PolicyError {}

/// Shorthand for results of this crate.
///
/// # Examples
///
/// ```
/// use rs_habe::{AttributeSet, Error, Policy, Result};
///
/// // Whether a holder of `attrs` may open records sealed for `policy`.
/// fn may_open(policy: &str, attrs: &[&str]) -> Result<bool> {
///     let policy = Policy::parse(policy)?; // a `PolicyError` becomes `Error::Policy`
///     let attrs = AttributeSet::new(attrs)?;
///     Ok(policy.is_satisfied_by(&attrs))
/// }
/// assert_eq!(may_open("doctor or nurse", &["nurse"]), Ok(true));
/// assert_eq!(may_open("doctor and nurse", &["nurse"]), Ok(false));
/// assert!(matches!(may_open("doctor or", &["nurse"]), Err(Error::Policy(_))));
/// ```
pub type Result<T> = core::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    /// Every message names what went wrong and, after a semicolon, what to do about it.
    #[test]
    fn messages_say_what_to_do() {
        let all = [
            Error::Decode(DecodeError::new(DecodeErrorKind::Truncated, 7)),
            Error::Policy(PolicyError {
                kind: PolicyErrorKind::MixedOperators,
                offset: 3,
            }),
            Error::PolicyNotSatisfied,
            Error::Revoked,
            Error::PeriodNotCovered,
            Error::PeriodInPast,
            Error::PeriodOutOfRange,
            Error::ParamsMismatch,
            Error::IssuerMismatch,
            Error::PeriodMismatch,
            Error::TreeFull,
            Error::UnknownUser,
            Error::NotASubset(alloc::vec![Attribute::new("surgeon").unwrap()]),
            Error::InvalidAttributeSet,
            Error::StaleKeyUpdate,
            Error::NotEnoughFragments,
            Error::DuplicateFragment,
            Error::FragmentMismatch,
            Error::InvalidProof,
            Error::NoMatchingRecipient,
            Error::Decryption,
        ];
        for e in &all {
            let msg = e.to_string();
            assert!(msg.contains("; "), "{msg}");
        }
        assert_eq!(
            all[0].to_string(),
            "invalid encoding (input ends early at byte 7); the bytes are corrupted, truncated, \
             or not the object expected here"
        );
        assert!(all[12]
            .to_string()
            .contains(": surgeon; grant only a subset"));
        assert_eq!(
            Error::InvalidParameter(Parameter::Threshold).to_string(),
            "parameter out of range: a re-encryption threshold must satisfy 1 <= t <= n <= 255"
        );
    }
}
