//! Key pairs and public keys (scheme.md §10 v2 "KeyPair"); the owner's own decapsulation.

use alloc::vec::Vec;
use core::fmt;

use blstrs::{G1Affine, G1Projective, G2Affine, G2Projective, Scalar};
use ff::Field;
use group::{Curve, Group};
use rand_core::CryptoRngCore;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::{random_nonzero, ScalarCell};
use crate::encoding::{self, Decode, Encode, Object, ObjectType, Reader, Writer};
use crate::error::{DecodeErrorKind, Error, Result};
use crate::gt::{are_twins, GtElem};
use crate::SharedKey;

use super::capsule::Capsule;

/// A public key for proxy re-encryption: the twins `P1 = g^a ∈ G1` and `P2 = ĝ^a ∈ G2`.
///
/// Decoding checks that both halves carry the same exponent (`e(P1, ĝ) = e(g, P2)`), so every
/// `PublicKey` value is well formed.
///
/// ```
/// use rs_habe::pre::{KeyPair, PublicKey};
/// let pk = KeyPair::random(&mut rand::thread_rng()).public_key();
/// assert_eq!(PublicKey::from_bytes(&pk.to_bytes()).unwrap(), pk);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey {
    pub(crate) p1: G1Affine,
    pub(crate) p2: G2Affine,
}

impl PublicKey {
    /// The wire encoding (scheme.md §12): prefix, `P1` (48 bytes), `P2` (96 bytes).
    ///
    /// ```
    /// use rs_habe::pre::KeyPair;
    /// let pk = KeyPair::random(&mut rand::thread_rng()).public_key();
    /// assert_eq!(pk.to_bytes().len(), 6 + 48 + 96);
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        encoding::to_bytes(self)
    }

    /// Strictly decodes [`to_bytes`](Self::to_bytes): canonical subgroup points, neither the
    /// identity, matching twins, no trailing bytes.
    ///
    /// ```
    /// use rs_habe::pre::{KeyPair, PublicKey};
    /// let mut bytes = KeyPair::random(&mut rand::thread_rng()).public_key().to_bytes();
    /// bytes.push(0);
    /// assert!(PublicKey::from_bytes(&bytes).is_err());
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        encoding::from_bytes(bytes)
    }
}

impl Object for PublicKey {
    const OBJECT: ObjectType = ObjectType::PrePublicKey;
}

impl Encode for PublicKey {
    fn write_body(&self, out: &mut dyn Writer) {
        out.put_g1(&self.p1);
        out.put_g2(&self.p2);
    }
}

impl Decode for PublicKey {
    /// Reads `P1 ‖ P2` and checks `e(P1, ĝ) · e(−g, P2) = 1` with one Miller loop.
    fn read_body(r: &mut Reader<'_>) -> Result<Self> {
        let at = r.offset();
        let p1 = r.g1()?;
        let p2 = r.g2()?;
        if !are_twins(&p1, &p2) {
            return Err(r.err_at(DecodeErrorKind::InconsistentKey, at).into());
        }
        Ok(PublicKey { p1, p2 })
    }
}

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
