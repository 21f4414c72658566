//! Key pairs (scheme.md §10 v2 "KeyPair") and the owner's own decapsulation.

use alloc::vec::Vec;
use core::fmt;

use blstrs::{G1Projective, G2Projective, Scalar};
use ff::Field;
use group::{Curve, Group};
use rand_core::CryptoRngCore;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::{random_nonzero, ScalarCell};
use crate::encoding::{self, Decode, Encode, Object, ObjectType, Reader, Writer};
use crate::error::{Error, Result};
use crate::gt::GtElem;
use crate::SharedKey;

use super::capsule::Capsule;
use super::public_key::PublicKey;

/// A key pair for proxy re-encryption: the secret scalar `a` and its [`PublicKey`].
///
/// Zeroized on drop; `Debug` prints only the public key. Not `Clone`: keep one copy of the
/// secret, and move it or re-decode it from [`to_bytes`](Self::to_bytes) if you need another.
///
/// ```
/// use rs_habe::pre::{encapsulate, KeyPair};
/// # fn main() -> rs_habe::Result<()> {
/// let mut rng = rand::thread_rng();
/// let alice = KeyPair::random(&mut rng);
/// let (capsule, key) = encapsulate(&mut rng, &alice.public_key())?;
/// assert_eq!(*alice.decapsulate(&capsule)?, *key);
/// # Ok(())
/// # }
/// ```
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct KeyPair {
    secret: ScalarCell,
    #[zeroize(skip)]
    public: PublicKey,
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyPair")
            .field("secret", &"[redacted]")
            .field("public", &self.public)
            .finish()
    }
}

impl KeyPair {
    /// A fresh key pair with a uniformly random non-zero secret.
    ///
    /// ```
    /// let kp = rs_habe::pre::KeyPair::random(&mut rand::thread_rng());
    /// assert!(format!("{kp:?}").contains("[redacted]"));
    /// ```
    pub fn random(rng: &mut impl CryptoRngCore) -> Self {
        Self::from_secret(random_nonzero(rng))
    }

    fn from_secret(a: Scalar) -> Self {
        let public = PublicKey {
            p1: (G1Projective::generator() * a).to_affine(),
            p2: (G2Projective::generator() * a).to_affine(),
        };
        KeyPair {
            secret: ScalarCell(a),
            public,
        }
    }

    /// The public key.
    ///
    /// ```
    /// let kp = rs_habe::pre::KeyPair::random(&mut rand::thread_rng());
    /// let _pk: rs_habe::pre::PublicKey = kp.public_key();
    /// ```
    pub fn public_key(&self) -> PublicKey {
        self.public
    }

    pub(crate) fn secret(&self) -> &Scalar {
        &self.secret.0
    }

    /// The secret encoding (scheme.md §12): prefix and the 32-byte scalar `a`. Zeroized on drop.
    ///
    /// ```
    /// use rs_habe::pre::KeyPair;
    /// let kp = KeyPair::random(&mut rand::thread_rng());
    /// let back = KeyPair::from_bytes(&kp.to_bytes()).unwrap();
    /// assert_eq!(back.public_key(), kp.public_key());
    /// ```
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        encoding::to_secret_bytes(self)
    }

    /// Strictly decodes [`to_bytes`](Self::to_bytes): a canonical non-zero scalar, no trailing
    /// bytes. The public key is recomputed from the secret.
    ///
    /// ```
    /// use rs_habe::pre::KeyPair;
    /// assert!(KeyPair::from_bytes(&[0u8; 38]).is_err());
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        encoding::from_bytes(bytes)
    }

    /// Opens a capsule made for this key pair (scheme.md §10 v2): `Z^k = e(E^{1/a}, ĝ)` — one
    /// constant-time G1 multiplication by the secret `1/a`, then one pairing.
    ///
    /// The capsule's proof is not needed for this (the owner only uses its own secret); a
    /// capsule made for another key yields a different, useless key (the KEM has no integrity;
    /// the envelope's AEAD is what rejects it).
    ///
    /// ```
    /// use rs_habe::pre::{encapsulate, KeyPair};
    /// # fn main() -> rs_habe::Result<()> {
    /// let mut rng = rand::thread_rng();
    /// let kp = KeyPair::random(&mut rng);
    /// let (capsule, key) = encapsulate(&mut rng, &kp.public_key())?;
    /// assert_eq!(*kp.decapsulate(&capsule)?, *key);
    /// # Ok(())
    /// # }
    /// ```
    pub fn decapsulate(&self, capsule: &Capsule) -> Result<SharedKey> {
        let inv = Zeroizing::new(ScalarCell(
            Option::<Scalar>::from(self.secret.0.invert()).ok_or(Error::Decryption)?,
        ));
        let e_inv = (capsule.e * inv.0).to_affine();
        let zk = Zeroizing::new(GtElem::pair_with_g2_generator(&e_inv));
        capsule.derive_key(&zk)
    }

    /// The former name of [`decapsulate`](Self::decapsulate), kept so that code written
    /// against it still compiles.
    #[deprecated(
        since = "0.1.0",
        note = "renamed to `decapsulate` (one KEM vocabulary with the ABE scheme)"
    )]
    pub fn open(&self, capsule: &Capsule) -> Result<SharedKey> {
        self.decapsulate(capsule)
    }
}

impl Object for KeyPair {
    const OBJECT: ObjectType = ObjectType::PreSecretKey;
}

impl Encode for KeyPair {
    fn write_body(&self, out: &mut dyn Writer) {
        out.put_scalar(&self.secret.0);
    }
}

impl Decode for KeyPair {
    fn read_body(r: &mut Reader<'_>) -> Result<Self> {
        let a = Zeroizing::new(ScalarCell(r.nonzero_scalar()?));
        Ok(Self::from_secret(a.0))
    }
}
