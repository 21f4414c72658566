//! Private wrappers for secret group elements.
//!
//! `blstrs` 0.7.1 implements `Zeroize` for none of its types (not even `Scalar`). These newtypes
//! give secret scalars, G1 and G2 values a `Default` that is harmless (zero, the identity), so that
//! `zeroize::DefaultIsZeroes` overwrites them on drop. Secret GT values are `crate::gt::GtElem`,
//! whose `Default` is the identity for the same reason.
//!
//! Caveat (README, Security): `blstrs` types are `Copy`, so temporaries made during arithmetic can
//! survive on the stack; and the prepared Miller-loop lines kept with a decryption key
//! (`G2Prepared`) cannot be wiped because `blstrs` does not expose them.

use blstrs::{G1Affine, G1Projective, G2Affine, G2Projective};
use group::prime::PrimeCurveAffine;
use zeroize::DefaultIsZeroes;

macro_rules! secret_point {
    ($(#[$doc:meta])* $name:ident, $affine:ty, $proj:ty) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq)]
        pub(crate) struct $name(pub(crate) $affine);

        impl $name {
            /// The point in projective form, for arithmetic.
            pub(crate) fn proj(&self) -> $proj {
                <$proj>::from(self.0)
            }
        }

        impl From<$proj> for $name {
            fn from(p: $proj) -> Self {
                $name(<$affine>::from(p))
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name(<$affine>::identity())
            }
        }

        impl DefaultIsZeroes for $name {}

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret_point!(
    /// A secret element of G1 (a key's `K0` and `K_τ`, the master secret `g^α`, node secrets,
    /// a retrieval key), stored affine.
    SecretG1,
    G1Affine,
    G1Projective
);
secret_point!(
    /// A secret element of G2 (a key's `K̂`, `K1T` and time components), stored affine.
    SecretG2,
    G2Affine,
    G2Projective
);

/// A secret scalar as a `Copy` value whose `Zeroize` (through `DefaultIsZeroes`) overwrites it
/// with zero; wrap it in `Zeroizing` to wipe it on drop.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ScalarCell(pub(crate) blstrs::Scalar);

impl DefaultIsZeroes for ScalarCell {}

impl core::fmt::Debug for ScalarCell {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ScalarCell([redacted])")
    }
}

/// A secret scalar (randomness `r`, `s`, `t`, `δ`, node secrets), wiped when dropped.
/// `blstrs::Scalar` implements no `Zeroize`, so the value lives in a `DefaultIsZeroes` cell.
pub(crate) struct SecretScalar(ScalarCell);

impl SecretScalar {
    pub(crate) fn new(s: blstrs::Scalar) -> Self {
        SecretScalar(ScalarCell(s))
    }

    pub(crate) fn random<R: rand_core::RngCore + rand_core::CryptoRng>(rng: &mut R) -> Self {
        Self::new(<blstrs::Scalar as ff::Field>::random(&mut *rng))
    }
}

impl core::ops::Deref for SecretScalar {
    type Target = blstrs::Scalar;
    fn deref(&self) -> &blstrs::Scalar {
        &self.0 .0
    }
}

impl Drop for SecretScalar {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl core::fmt::Debug for SecretScalar {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SecretScalar([redacted])")
    }
}
