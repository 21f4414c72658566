//! Private wrappers for secret group elements.
//!
//! `blstrs` zeroizes `Scalar` but not its group elements, and its `Gt::default()` is not the
//! identity. These newtypes give secret G2 and GT values a `Default` that *is* the identity, so
//! that `zeroize::DefaultIsZeroes` overwrites them with a harmless value on drop.
//!
//! Caveat (README, Security): `blstrs` types are `Copy`, so temporaries made during arithmetic can
//! survive on the stack; and the prepared Miller-loop lines kept with a decryption key
//! (`G2Prepared`) cannot be wiped because `blstrs` does not expose them.

use blstrs::{G2Projective, Gt};
use group::Group;
use zeroize::DefaultIsZeroes;

/// A secret element of G2 (key components, master secret, node secrets).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct SecretG2(pub(crate) G2Projective);

impl Default for SecretG2 {
    fn default() -> Self {
        SecretG2(G2Projective::identity())
    }
}

impl DefaultIsZeroes for SecretG2 {}

impl core::fmt::Debug for SecretG2 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SecretG2([redacted])")
    }
}

/// A secret element of GT (encapsulated keys before the KDF).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct SecretGt(pub(crate) Gt);

impl Default for SecretGt {
    fn default() -> Self {
        SecretGt(Gt::identity())
    }
}

impl DefaultIsZeroes for SecretGt {}

impl core::fmt::Debug for SecretGt {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SecretGt([redacted])")
    }
}
