//! Key pairs, public keys, capsules with their proof of knowledge: encapsulation, checking and
//! opening by the owner (scheme.md §10 v2).

use alloc::vec::Vec;
use core::fmt;

use blstrs::{G1Affine, G1Projective, G2Affine, G2Projective, Scalar};
use ff::Field;
use group::{prime::PrimeCurveAffine, Curve, Group};
use rand_core::CryptoRngCore;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::{challenge_128, challenge_to_bytes, random_nonzero, ScalarCell};
use crate::arith::{g1_generator_mul, mul_challenge_vartime};
use crate::domain;
use crate::encoding::{secret_bytes, ObjectType, Reader, Writer, PREFIX_LEN};
use crate::error::{DecodeError, DecodeErrorKind, Error, Result};
use crate::gt::{are_twins, GtElem};
use crate::SharedKey;

/// Encoded length of a [`PublicKey`].
const PUBLIC_KEY_LEN: usize = PREFIX_LEN + 48 + 96;
/// Encoded length of a [`Capsule`].
const CAPSULE_LEN: usize = PREFIX_LEN + 48 + 48 + 32;

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
        let mut out = Vec::with_capacity(PUBLIC_KEY_LEN);
        out.put_prefix(ObjectType::PrePublicKey);
        self.write_body(&mut out);
        out
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
        let mut r = Reader::new(bytes);
        r.prefix(ObjectType::PrePublicKey)?;
        let pk = Self::read_body(&mut r)?;
        r.finish()?;
        Ok(pk)
    }

    pub(crate) fn write_body(&self, out: &mut Vec<u8>) {
        out.put_g1(&self.p1);
        out.put_g2(&self.p2);
    }

    /// Reads `P1 ‖ P2` and checks `e(P1, ĝ) · e(−g, P2) = 1` with one Miller loop.
    pub(crate) fn read_body(r: &mut Reader<'_>) -> core::result::Result<Self, DecodeError> {
        let at = r.offset();
        let p1 = r.g1()?;
        let p2 = r.g2()?;
        if !are_twins(&p1, &p2) {
            return Err(r.err_at(DecodeErrorKind::InconsistentKey, at));
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
        secret_bytes(|out| {
            out.put_prefix(ObjectType::PreSecretKey);
            out.put_scalar(&self.secret.0);
        })
    }

    /// Strictly decodes [`to_bytes`](Self::to_bytes): a canonical non-zero scalar, no trailing
    /// bytes. The public key is recomputed from the secret.
    ///
    /// ```
    /// use rs_habe::pre::KeyPair;
    /// assert!(KeyPair::from_bytes(&[0u8; 38]).is_err());
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        r.prefix(ObjectType::PreSecretKey)?;
        let a = Zeroizing::new(ScalarCell(r.nonzero_scalar()?));
        r.finish()?;
        Ok(Self::from_secret(a.0))
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

/// A capsule (scheme.md §10 v2): `E = P1_A^k` with a proof of knowledge of `k`,
/// `V = P1_A^u`, `σ = u + h·k` where `h = H128("RSHABE-V2-CAPSULE", P1_A ‖ E ‖ V)`.
///
/// A capsule names no key: decoding checks only the encoding and that `E` and `V` are not the
/// identity. [`verify`](Self::verify) checks the proof against a given key; a proxy re-encrypts
/// only a [`VerifiedCapsule`] checked against its delegation record's `pk_A`.
///
/// ```
/// use rs_habe::pre::{encapsulate, Capsule, KeyPair};
/// # fn main() -> rs_habe::Result<()> {
/// let mut rng = rand::thread_rng();
/// let alice = KeyPair::random(&mut rng);
/// let (capsule, _key) = encapsulate(&mut rng, &alice.public_key())?;
/// assert_eq!(Capsule::from_bytes(&capsule.to_bytes())?, capsule);
/// assert!(capsule.verify(&alice.public_key()).is_ok());
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capsule {
    pub(crate) e: G1Affine,
    pub(crate) v: G1Affine,
    pub(crate) sigma: Scalar,
}

/// `h = H128("RSHABE-V2-CAPSULE", P1_A ‖ E ‖ V)` (scheme.md §10 v2).
fn capsule_challenge(p1: &G1Affine, e: &G1Affine, v: &G1Affine) -> Scalar {
    challenge_128(
        &[&p1.to_compressed(), &e.to_compressed(), &v.to_compressed()],
        domain::DST_CAPSULE,
    )
}

impl Capsule {
    /// Checks the proof of knowledge against `pk` (scheme.md §10 v2): valid iff
    /// `P1^σ = V · E^h` (public values: one `blst` multiplication and one variable-time
    /// multiplication by the 128-bit `h`).
    ///
    /// # Errors
    /// [`Error::InvalidCapsule`] if `E`, `V` or `σ` was altered, or the capsule was made for
    /// another key.
    ///
    /// ```
    /// use rs_habe::{pre::{encapsulate, KeyPair}, Error};
    /// # fn main() -> rs_habe::Result<()> {
    /// let mut rng = rand::thread_rng();
    /// let (alice, eve) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (capsule, _) = encapsulate(&mut rng, &alice.public_key())?;
    /// assert!(capsule.verify(&alice.public_key()).is_ok());
    /// assert_eq!(capsule.verify(&eve.public_key()).unwrap_err(), Error::InvalidCapsule);
    /// # Ok(())
    /// # }
    /// ```
    pub fn verify(&self, pk: &PublicKey) -> Result<VerifiedCapsule> {
        let h = capsule_challenge(&pk.p1, &self.e, &self.v);
        // P1^σ = V · E^h; σ and h are public (variable time is fine).
        let lhs = G1Projective::from(pk.p1) * self.sigma;
        let rhs =
            mul_challenge_vartime(&G1Projective::from(self.e), &challenge_to_bytes(&h)) + self.v;
        if bool::from(self.e.is_identity() | self.v.is_identity()) || lhs != rhs {
            return Err(Error::InvalidCapsule);
        }
        Ok(VerifiedCapsule {
            capsule: *self,
            owner: *pk,
        })
    }

    /// The wire encoding (scheme.md §12): prefix, `E` (48), `V` (48), `σ` (32).
    ///
    /// ```
    /// # use rs_habe::pre::{encapsulate, KeyPair};
    /// # let mut rng = rand::thread_rng();
    /// # let alice = KeyPair::random(&mut rng);
    /// # let (capsule, _) = encapsulate(&mut rng, &alice.public_key()).unwrap();
    /// assert_eq!(capsule.to_bytes().len(), 6 + 48 + 48 + 32);
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(CAPSULE_LEN);
        out.put_prefix(ObjectType::Capsule);
        out.put_g1(&self.e);
        out.put_g1(&self.v);
        out.put_scalar(&self.sigma);
        out
    }

    /// Strictly decodes [`to_bytes`](Self::to_bytes): canonical subgroup points that are not the
    /// identity, a canonical scalar, no trailing bytes. The proof is *not* checked (a capsule
    /// names no key): [`verify`](Self::verify) the result.
    ///
    /// ```
    /// use rs_habe::pre::Capsule;
    /// assert!(Capsule::from_bytes(b"RSHB").is_err());
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        r.prefix(ObjectType::Capsule)?;
        let e = r.g1()?;
        let v = r.g1()?;
        let sigma = r.scalar()?;
        r.finish()?;
        Ok(Capsule { e, v, sigma })
    }

    /// `KDF(Z^k, "RSHABE-V1-PRE" ‖ compress(E))` (scheme.md §1, §10 v2).
    pub(crate) fn derive_key(&self, zk: &GtElem) -> Result<SharedKey> {
        zk.kdf(
            domain::SUITE_ID,
            domain::LABEL_PRE,
            &[&self.e.to_compressed()],
        )
    }
}

/// A [`Capsule`] whose proof of knowledge was checked by [`Capsule::verify`] against a public
/// key (the only way to obtain one); it remembers that key. Proxies re-encrypt only these, and
/// only when the key is their delegation's owner.
///
/// ```
/// use rs_habe::pre::{encapsulate, KeyPair};
/// # fn main() -> rs_habe::Result<()> {
/// let mut rng = rand::thread_rng();
/// let alice = KeyPair::random(&mut rng);
/// let (capsule, _) = encapsulate(&mut rng, &alice.public_key())?;
/// let verified = capsule.verify(&alice.public_key())?;
/// assert_eq!(*verified.capsule(), capsule);
/// assert_eq!(verified.owner(), alice.public_key());
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifiedCapsule {
    pub(crate) capsule: Capsule,
    pub(crate) owner: PublicKey,
}

impl VerifiedCapsule {
    /// The capsule.
    ///
    /// ```
    /// # use rs_habe::pre::{encapsulate, KeyPair};
    /// # let mut rng = rand::thread_rng();
    /// # let alice = KeyPair::random(&mut rng);
    /// let (capsule, _) = encapsulate(&mut rng, &alice.public_key()).unwrap();
    /// assert_eq!(capsule.verify(&alice.public_key()).unwrap().capsule().to_bytes(), capsule.to_bytes());
    /// ```
    pub fn capsule(&self) -> &Capsule {
        &self.capsule
    }

    /// The public key the proof was checked against.
    ///
    /// ```
    /// # use rs_habe::pre::{encapsulate, KeyPair};
    /// # let mut rng = rand::thread_rng();
    /// # let alice = KeyPair::random(&mut rng);
    /// let (capsule, _) = encapsulate(&mut rng, &alice.public_key()).unwrap();
    /// assert_eq!(capsule.verify(&alice.public_key()).unwrap().owner(), alice.public_key());
    /// ```
    pub fn owner(&self) -> PublicKey {
        self.owner
    }
}

/// Encapsulates a fresh 32-byte key to `pk` (scheme.md §10 v2): `k, u` fresh and non-zero,
/// `E = P1^k`, `V = P1^u`, `σ = u + h·k`, key `KDF(Z^k, "RSHABE-V1-PRE" ‖ E)`.
///
/// `Z^k` is computed as the pairing `e(g^k, ĝ)` (`g^k` from a constant-time fixed-base table):
/// no GT exponentiation by the secret `k`. The error is unreachable for a valid public key
/// (`Z^k` is never the identity for `k ≠ 0`) and kept so that nothing can panic.
///
/// ```
/// use rs_habe::pre::{encapsulate, KeyPair};
/// # fn main() -> rs_habe::Result<()> {
/// let mut rng = rand::thread_rng();
/// let kp = KeyPair::random(&mut rng);
/// let (capsule, key) = encapsulate(&mut rng, &kp.public_key())?;
/// assert_eq!(key.len(), 32);
/// assert_eq!(*kp.decapsulate(&capsule)?, *key);
/// # Ok(())
/// # }
/// ```
pub fn encapsulate(rng: &mut impl CryptoRngCore, pk: &PublicKey) -> Result<(Capsule, SharedKey)> {
    let k = Zeroizing::new(ScalarCell(random_nonzero(rng)));
    let u = Zeroizing::new(ScalarCell(random_nonzero(rng)));
    let p1 = G1Projective::from(pk.p1);
    let mut points = [G1Affine::identity(); 2];
    G1Projective::batch_normalize(&[p1 * k.0, p1 * u.0], &mut points);
    let [e, v] = points;
    let h = capsule_challenge(&pk.p1, &e, &v);
    let sigma = u.0 + h * k.0;
    let capsule = Capsule { e, v, sigma };
    let gk = g1_generator_mul(&k.0).to_affine();
    let zk = Zeroizing::new(GtElem::pair_with_g2_generator(&gk));
    let key = capsule.derive_key(&zk)?;
    Ok((capsule, key))
}
