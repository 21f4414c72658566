//! Error types: the crate's one [`Error`], which gathers the failures of every module.
//!
//! The error kinds of a module live with it and are re-exported here: [`DecodeError`] with the
//! wire format (`encoding`), [`PolicyError`] with policies (`policy`).
//!
//! Facts that anyone can compute from public data (a policy the key does not satisfy, a revoked
//! user, a period the key does not cover, a malformed encoding) get their own variant, so callers
//! can act on them. Everything that fails *after* a key has been derived — a wrong key, a tampered
//! header, a tampered payload — is the single opaque [`Error::Decryption`]: telling those apart
//! would hand an attacker an oracle.

use alloc::vec::Vec;
use core::fmt;

pub use crate::encoding::{DecodeError, DecodeErrorKind};
use crate::limits::MAX_ATTRIBUTE_LEN;
use crate::policy::Attribute;
pub use crate::policy::{PolicyError, PolicyErrorKind};

/// Everything that can go wrong in this crate.
///
/// ```
/// use rs_habe::{Authority, AttributeSet, Error, Header, Policy, SetupParams};
/// let mut rng = rand::thread_rng();
/// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
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
    /// Entry `index` (counting from 0, in the order given) of a list of attribute strings is not
    /// a valid attribute: `reason` is [`PolicyErrorKind::EmptyAttribute`] or
    /// [`PolicyErrorKind::AttributeTooLong`]. Returned by
    /// [`AttributeSet::new`](crate::AttributeSet::new).
    ///
    /// ```
    /// use rs_habe::{AttributeSet, Error, PolicyErrorKind};
    /// let err = AttributeSet::new(["doctor", "cardiology", ""]).unwrap_err();
    /// assert_eq!(err, Error::InvalidAttribute { index: 2, reason: PolicyErrorKind::EmptyAttribute });
    /// assert!(err.to_string().starts_with("attribute 2 of the list is invalid"));
    /// ```
    InvalidAttribute {
        /// Position of the bad entry in the caller's list.
        index: usize,
        /// What is wrong with it.
        reason: PolicyErrorKind,
    },
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
///     Authority::setup(&mut rand::thread_rng(), SetupParams::new(time_depth, tree_depth))
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
            Error::InvalidAttribute { index, reason } => write!(
                f,
                "attribute {index} of the list is invalid ({reason}); an attribute is 1 to \
                 {MAX_ATTRIBUTE_LEN} bytes of UTF-8"
            ),
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
            Error::InvalidAttribute {
                index: 3,
                reason: PolicyErrorKind::AttributeTooLong,
            },
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
