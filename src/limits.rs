//! Every bound the crate enforces on its inputs, in one place.
//!
//! Each constant is also re-exported where it was first defined (`rs_habe::policy::MAX_LEAVES`
//! and `rs_habe::limits::MAX_LEAVES` are the same item). Decoders check counts against these
//! bounds and against the bytes that remain before they allocate anything (docs/WIRE.md §2.2).

/// The longest attribute, in bytes of UTF-8 (scheme.md §9).
///
/// # Examples
///
/// ```
/// use rs_habe::policy::{Attribute, MAX_ATTRIBUTE_LEN};
/// use rs_habe::PolicyErrorKind;
/// assert!(Attribute::new(&"x".repeat(MAX_ATTRIBUTE_LEN)).is_ok());
/// let err = Attribute::new(&"x".repeat(MAX_ATTRIBUTE_LEN + 1)).unwrap_err();
/// assert_eq!(err.kind, PolicyErrorKind::AttributeTooLong);
/// // The limit counts bytes, not characters: 128 two-byte characters are too many.
/// assert!(Attribute::new(&"é".repeat(128)).is_err());
/// ```
pub const MAX_ATTRIBUTE_LEN: usize = 255;

/// The most attributes in one key or attribute set (the same bound as a policy's leaves).
///
/// # Examples
///
/// ```
/// use rs_habe::policy::{AttributeSet, MAX_ATTRIBUTES};
/// use rs_habe::Error;
/// let names = |n: usize| (0..n).map(|i| format!("a{i}"));
/// assert_eq!(AttributeSet::new(names(MAX_ATTRIBUTES))?.len(), MAX_ATTRIBUTES);
/// assert!(matches!(
///     AttributeSet::new(names(MAX_ATTRIBUTES + 1)),
///     Err(Error::InvalidAttributeSet)
/// ));
/// # Ok::<(), rs_habe::Error>(())
/// ```
pub const MAX_ATTRIBUTES: usize = 1024;

/// The most leaves in one policy (so the most attribute rows in one ciphertext).
///
/// # Examples
///
/// ```
/// use rs_habe::policy::{Policy, MAX_LEAVES};
/// use rs_habe::PolicyErrorKind;
/// let any_of = |n: usize| (0..n).map(|i| format!("a{i}")).collect::<Vec<_>>().join(" or ");
/// assert_eq!(Policy::parse(&any_of(MAX_LEAVES))?.leaf_count(), MAX_LEAVES);
/// let err = Policy::parse(&any_of(MAX_LEAVES + 1)).unwrap_err();
/// assert_eq!(err.kind, PolicyErrorKind::TooManyLeaves);
/// # Ok::<(), rs_habe::PolicyError>(())
/// ```
pub const MAX_LEAVES: usize = 1024;

/// The deepest nesting of a policy text: the top level is level 1 and every `(` opens one more
/// level, so a text has at most `MAX_DEPTH - 1` nested parentheses and no root-to-leaf path of
/// its tree crosses more than `MAX_DEPTH` gates.
///
/// # Examples
///
/// ```
/// use rs_habe::policy::{Policy, MAX_DEPTH};
/// use rs_habe::PolicyErrorKind;
/// let nested = |parens: usize| format!("{}a and b{}", "(".repeat(parens), ")".repeat(parens));
/// assert!(Policy::parse(&nested(MAX_DEPTH - 1)).is_ok());
/// let err = Policy::parse(&nested(MAX_DEPTH)).unwrap_err();
/// // Reported at the `(` that opens level MAX_DEPTH + 1.
/// assert_eq!((err.kind, err.offset), (PolicyErrorKind::TooDeep, MAX_DEPTH - 1));
/// ```
pub const MAX_DEPTH: usize = 64;

/// The longest policy text accepted by [`Policy::parse`](crate::Policy::parse), in bytes.
///
/// # Examples
///
/// ```
/// use rs_habe::policy::{Policy, MAX_POLICY_TEXT_LEN};
/// use rs_habe::PolicyErrorKind;
/// // Checked before parsing: the error points at the first byte past the limit.
/// let err = Policy::parse(&"a".repeat(MAX_POLICY_TEXT_LEN + 1)).unwrap_err();
/// assert_eq!((err.kind, err.offset), (PolicyErrorKind::TooLong, MAX_POLICY_TEXT_LEN));
/// ```
pub const MAX_POLICY_TEXT_LEN: usize = 1 << 20;

/// The largest time-tree depth `D_t` (periods are below `2^32`).
///
/// # Examples
///
/// ```
/// use rs_habe::abe::MAX_TIME_DEPTH;
/// use rs_habe::{Authority, Error, Parameter, SetupParams};
/// let mut rng = rand::thread_rng();
/// let too_deep = SetupParams::new(MAX_TIME_DEPTH + 1, 2);
/// assert!(matches!(
///     Authority::setup(&mut rng, too_deep),
///     Err(Error::InvalidParameter(Parameter::TimeDepth))
/// ));
/// let deepest = SetupParams::new(MAX_TIME_DEPTH, 2);
/// assert_eq!(Authority::setup(&mut rng, deepest)?.public_params().periods(), 1 << 32);
/// # Ok::<(), rs_habe::Error>(())
/// ```
pub const MAX_TIME_DEPTH: u8 = 32;

/// The largest user-tree depth (at most `2^32` children per issuer).
///
/// # Examples
///
/// ```
/// use rs_habe::abe::MAX_TREE_DEPTH;
/// use rs_habe::{Authority, Error, Parameter, SetupParams};
/// let mut rng = rand::thread_rng();
/// let too_deep = SetupParams::new(4, MAX_TREE_DEPTH + 1);
/// assert!(matches!(
///     Authority::setup(&mut rng, too_deep),
///     Err(Error::InvalidParameter(Parameter::TreeDepth))
/// ));
/// // The deepest tree has room for 2^32 users; leaves are allocated lazily.
/// let widest = SetupParams::new(4, MAX_TREE_DEPTH);
/// assert_eq!(Authority::setup(&mut rng, widest)?.enrolled_count(), 0);
/// # Ok::<(), rs_habe::Error>(())
/// ```
pub const MAX_TREE_DEPTH: u8 = 32;

/// The most issuers a decoded [`FreshnessGuard`](crate::FreshnessGuard) may list (a hospital hierarchy has far fewer).
///
/// # Examples
///
/// ```
/// use rs_habe::{abe::MAX_GUARDED_ISSUERS, DecodeErrorKind, Error, FreshnessGuard};
/// // A length field over the limit is refused before anything is allocated.
/// let mut bytes = FreshnessGuard::default().to_bytes();
/// bytes[6..10].copy_from_slice(&(MAX_GUARDED_ISSUERS as u32 + 1).to_be_bytes());
/// match FreshnessGuard::from_bytes(&bytes) {
///     Err(Error::Decode(e)) => assert_eq!(e.kind, DecodeErrorKind::LimitExceeded),
///     other => panic!("{other:?}"),
/// }
/// ```
pub const MAX_GUARDED_ISSUERS: usize = 1 << 16;

/// The most recipients one envelope may have.
///
/// # Examples
///
/// ```
/// use rs_habe::envelope::MAX_RECIPIENTS;
/// use rs_habe::{pre, Authority, Envelope, Error, Parameter, Recipient, SetupParams};
/// let mut rng = rand::thread_rng();
/// let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
/// let pp = authority.public_params();
/// let patient = pre::KeyPair::random(&mut rng).public_key();
/// let too_many = vec![Recipient::Pre(&patient); MAX_RECIPIENTS + 1];
/// assert!(matches!(
///     Envelope::seal(&mut rng, pp, &too_many, b"", b"x"),
///     Err(Error::InvalidParameter(Parameter::Recipients))
/// ));
/// let envelope = Envelope::seal(&mut rng, pp, &too_many[..MAX_RECIPIENTS], b"", b"x")?;
/// assert_eq!(envelope.header().recipient_count(), MAX_RECIPIENTS);
/// # Ok::<(), rs_habe::Error>(())
/// ```
pub const MAX_RECIPIENTS: usize = 64;

/// The largest number of key fragments (proxies) of one delegation; also bounds the threshold.
///
/// ```
/// use rs_habe::{pre::{KeyPair, MAX_SHARES}, Error, Parameter};
/// let mut rng = rand::thread_rng();
/// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
/// assert_eq!(
///     alice.delegate(&mut rng, &bob.public_key(), 1, MAX_SHARES + 1).unwrap_err(),
///     Error::InvalidParameter(Parameter::Threshold)
/// );
/// ```
pub const MAX_SHARES: usize = 255;
