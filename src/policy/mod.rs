//! Access policies and their secret sharing (scheme.md §9).
//!
//! A [`Policy`] is parsed from a text such as `(doctor and cardiology) or (nurse and "ward 3")`
//! or `2 of (a, b, c)` into a checked tree of `k`-of-`n` gates over [`Attribute`]s. Its
//! canonical text ([`Display`](core::fmt::Display)) is what a ciphertext binds. Encryption shares
//! the secret over the leaves; decryption reconstructs it from the leaves whose attributes the
//! key holds.

mod access_policy;
mod ast;
mod attribute;
mod attribute_set;
mod error;
mod parser;
mod share;
#[cfg(test)]
pub(crate) mod strategies;

pub use access_policy::Policy;
pub use attribute::{Attribute, MAX_ATTRIBUTE_LEN};
pub use attribute_set::{AttributeSet, MAX_ATTRIBUTES};
pub use error::{PolicyError, PolicyErrorKind};

pub use crate::limits::MAX_LEAVES;

pub use crate::limits::MAX_DEPTH;

pub use crate::limits::MAX_POLICY_TEXT_LEN;
