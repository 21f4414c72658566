//! Access policies and their secret sharing (scheme.md §9).
//!
//! A [`Policy`] is parsed from a text such as `(doctor and cardiology) or (nurse and "ward 3")`
//! or `2 of (a, b, c)` into a checked tree of `k`-of-`n` gates over [`Attribute`]s. Its
//! canonical text ([`Display`](core::fmt::Display)) is what a ciphertext binds. Encryption shares
//! the secret over the leaves; decryption reconstructs it from the leaves whose attributes the
//! key holds.

mod attribute;
mod parser;
mod share;
#[cfg(test)]
pub(crate) mod strategies;
mod tree;

pub use attribute::{Attribute, AttributeSet, MAX_ATTRIBUTES, MAX_ATTRIBUTE_LEN};
pub use tree::Policy;

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

/// The longest policy text accepted by [`Policy::parse`], in bytes.
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
