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
mod strategies;
mod tree;

pub use attribute::{Attribute, AttributeSet, MAX_ATTRIBUTES, MAX_ATTRIBUTE_LEN};
pub use tree::Policy;

/// The most leaves in one policy (so the most attribute rows in one ciphertext).
pub const MAX_LEAVES: usize = 1024;

/// The deepest nesting of a policy text: the top level is level 1 and every `(` opens one more
/// level, so a text has at most `MAX_DEPTH - 1` nested parentheses and no root-to-leaf path of
/// its tree crosses more than `MAX_DEPTH` gates.
pub const MAX_DEPTH: usize = 64;

/// The longest policy text accepted by [`Policy::parse`], in bytes.
pub const MAX_POLICY_TEXT_LEN: usize = 1 << 20;
