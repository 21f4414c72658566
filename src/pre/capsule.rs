//! Capsules with their proof of knowledge: encapsulation to a public key and the check of a
//! capsule against it (scheme.md §10 v2 "Capsule").

use alloc::vec::Vec;

use blstrs::{G1Affine, G1Projective, Scalar};
use group::{prime::PrimeCurveAffine, Curve};
use rand_core::CryptoRngCore;
use zeroize::Zeroizing;

use super::{challenge_128, challenge_to_bytes, random_nonzero, ScalarCell};
use crate::arith::{g1_generator_mul, mul_challenge_vartime};
use crate::domain;
use crate::encoding::{self, Decode, Encode, Object, ObjectType, Reader, Writer};
use crate::error::{Error, Result};
use crate::gt::GtElem;
use crate::SharedKey;

use super::public_key::PublicKey;

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
        encoding::to_bytes(self)
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
        encoding::from_bytes(bytes)
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

impl Object for Capsule {
    const OBJECT: ObjectType = ObjectType::Capsule;
}

impl Encode for Capsule {
    fn write_body(&self, out: &mut dyn Writer) {
        out.put_g1(&self.e);
        out.put_g1(&self.v);
        out.put_scalar(&self.sigma);
    }
}

impl Decode for Capsule {
    fn read_body(r: &mut Reader<'_>) -> Result<Self> {
        let e = r.g1()?;
        let v = r.g1()?;
        let sigma = r.scalar()?;
        Ok(Capsule { e, v, sigma })
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
