//! Re-encryption with proofs, verification, and combination by the receiver (scheme.md §10).

use alloc::vec::Vec;

use blstrs::{G1Affine, G2Affine, G2Prepared, Gt, Scalar};
use ff::Field;
use group::{prime::PrimeCurveAffine, Curve};
use rand_core::{CryptoRng, RngCore};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::kfrag::read_index;
use super::{
    g2_generator_mul, gt_pow_fixed_window, gt_pow_vartime, lagrange_at_zero, pair_prepared,
    random_nonzero, Capsule, DelegationId, KeyFrag, KeyPair, ScalarCell, VerificationKeys,
    DELEGATION_ID_LEN,
};
use crate::domain;
use crate::encoding::{ObjectType, Reader, Writer, PREFIX_LEN};
use crate::error::{Error, Result};
use crate::hash::{self, GT_BYTES};
use crate::secret::{SecretG2, SecretGt};

/// Encoded length of a [`CapsuleFrag`].
const CAPSULE_FRAG_LEN: usize = PREFIX_LEN + DELEGATION_ID_LEN + 4 + 48 + GT_BYTES + 32 + 96;

/// The proof challenge `c = H(u64_be(i) ‖ E ‖ cfrag_i ‖ W_i ‖ T1 ‖ T2)` (scheme.md §10), with
/// DST `RSHABE-V1-PRE-PROOF`. Any GT input equal to the identity is rejected before hashing
/// (it has no encoding, and only a malformed or forged fragment produces one).
fn challenge(index: u8, e: &G1Affine, gts: [&Gt; 4]) -> Result<Scalar> {
    let mut enc = [[0u8; GT_BYTES]; 4];
    for (out, z) in enc.iter_mut().zip(gts) {
        *out = *hash::gt_to_bytes(z).map_err(|_| Error::InvalidProof)?;
    }
    let [cfrag, w, t1, t2] = &enc;
    Ok(hash::hash_to_scalar(
        &[
            &u64::from(index).to_be_bytes(),
            &e.to_compressed(),
            cfrag,
            w,
            t1,
            t2,
        ],
        domain::DST_PRE_PROOF,
    ))
}

impl KeyFrag {
    /// Re-encrypts `capsule` with this fragment: `cfrag_i = e(E, kfrag_i)`, with a Schnorr proof
    /// `(c, z)` for `x ↦ (e(E, x), e(g, x))` that anyone can check against the delegation's
    /// [`VerificationKeys`] ([`CapsuleFrag::verify`]). Costs three pairings, `ĝ^s` from a
    /// fixed-base table and `kfrag_i^c` (from the fragment's table after
    /// [`prepare`](Self::prepare), else one scalar multiplication); the first call on a fragment
    /// also prepares `kfrag_i` and computes `W_i` (a fourth pairing), which the fragment keeps.
    ///
    /// The error is unreachable for well-formed inputs (decoded capsules and fragments are never
    /// the identity, so no GT value of the proof is); it is kept so that nothing can panic.
    ///
    /// ```
    /// use rs_habe::pre::{encapsulate, KeyPair};
    /// # fn main() -> rs_habe::Result<()> {
    /// let mut rng = rand::thread_rng();
    /// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (capsule, _key) = encapsulate(&mut rng, &alice.public_key())?;
    /// let (kfrags, vks) = alice.delegate(&mut rng, &bob.public_key(), 1, 1)?;
    /// let cfrag = kfrags[0].reencrypt(&mut rng, &capsule)?;
    /// assert!(cfrag.verify(&capsule, &vks).is_ok());
    /// # Ok(())
    /// # }
    /// ```
    pub fn reencrypt(
        &self,
        rng: &mut (impl RngCore + CryptoRng),
        capsule: &Capsule,
    ) -> Result<CapsuleFrag> {
        let e = capsule.e;
        let g = G1Affine::generator();
        let proxy = self.prepared();
        let cfrag = pair_prepared(&e, &proxy.kfrag);
        // The prover's W_i (cached with the fragment), equal to the published one for an honest
        // fragment.
        let w = proxy.w;
        let s = Zeroizing::new(ScalarCell(random_nonzero(rng)));
        let rho = Zeroizing::new(SecretG2::from(g2_generator_mul(&s.0)));
        let rho_prep = G2Prepared::from(rho.0);
        let t1 = pair_prepared(&e, &rho_prep);
        let t2 = pair_prepared(&g, &rho_prep);
        let c = challenge(self.index, &e, [&cfrag, &w, &t1, &t2])?;
        let z = (rho.proj() + self.kfrag_times(&c)).to_affine();
        Ok(CapsuleFrag {
            id: self.id,
            index: self.index,
            e,
            cfrag,
            c,
            z,
        })
    }
}

/// A capsule fragment from one proxy, *not yet verified*: `cfrag_i = e(E, kfrag_i)` with its
/// proof. The only thing to do with it is [`verify`](Self::verify) it (or move its bytes).
///
/// ```
/// use rs_habe::pre::{encapsulate, CapsuleFrag, KeyPair};
/// # fn main() -> rs_habe::Result<()> {
/// let mut rng = rand::thread_rng();
/// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
/// let (capsule, _key) = encapsulate(&mut rng, &alice.public_key())?;
/// let (kfrags, vks) = alice.delegate(&mut rng, &bob.public_key(), 1, 1)?;
/// let bytes = kfrags[0].reencrypt(&mut rng, &capsule)?.to_bytes(); // proxy → receiver
/// let verified = CapsuleFrag::from_bytes(&bytes)?.verify(&capsule, &vks)?;
/// assert_eq!(verified.index(), 1);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapsuleFrag {
    pub(crate) id: DelegationId,
    pub(crate) index: u8,
    pub(crate) e: G1Affine,
    pub(crate) cfrag: Gt,
    pub(crate) c: Scalar,
    pub(crate) z: G2Affine,
}

impl CapsuleFrag {
    /// The delegation the fragment claims to belong to.
    ///
    /// ```
    /// # use rs_habe::pre::{encapsulate, KeyPair};
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// # let (capsule, _) = encapsulate(&mut rng, &a.public_key()).unwrap();
    /// let (kfrags, vks) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// let cfrag = kfrags[0].reencrypt(&mut rng, &capsule).unwrap();
    /// assert_eq!(cfrag.delegation_id(), vks.delegation_id());
    /// ```
    pub fn delegation_id(&self) -> DelegationId {
        self.id
    }

    /// The index `i` of the proxy that made it.
    ///
    /// ```
    /// # use rs_habe::pre::{encapsulate, KeyPair};
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// # let (capsule, _) = encapsulate(&mut rng, &a.public_key()).unwrap();
    /// let (kfrags, _) = a.delegate(&mut rng, &b.public_key(), 1, 2).unwrap();
    /// assert_eq!(kfrags[1].reencrypt(&mut rng, &capsule).unwrap().index(), 2);
    /// ```
    pub fn index(&self) -> u8 {
        self.index
    }

    /// The capsule the fragment claims to be made for.
    ///
    /// ```
    /// # use rs_habe::pre::{encapsulate, KeyPair};
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// # let (capsule, _) = encapsulate(&mut rng, &a.public_key()).unwrap();
    /// let (kfrags, _) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// assert_eq!(kfrags[0].reencrypt(&mut rng, &capsule).unwrap().capsule(), capsule);
    /// ```
    pub fn capsule(&self) -> Capsule {
        Capsule { e: self.e }
    }

    /// Checks the fragment against the capsule and the delegation's verification keys.
    ///
    /// The delegation id and the capsule must match and the index must be in `1..=n`, else
    /// [`Error::FragmentMismatch`]. Then `T1 = e(E, z) · cfrag^{−c}` and
    /// `T2 = e(g, z) · W_i^{−c}` are recomputed and the fragment is accepted iff the challenge
    /// over them equals `c`, else [`Error::InvalidProof`]. Costs one G2 preparation shared by two
    /// Miller loops, two final exponentiations, one GT exponentiation by the public `c` and one
    /// through the comb of `W_i` that `vks` keeps (built on the first fragment of index `i` it
    /// verifies, about 0.7 ms, 144 KiB).
    ///
    /// ```
    /// use rs_habe::{pre::{encapsulate, KeyPair}, Error};
    /// # fn main() -> rs_habe::Result<()> {
    /// let mut rng = rand::thread_rng();
    /// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (capsule, _) = encapsulate(&mut rng, &alice.public_key())?;
    /// let (other, _) = encapsulate(&mut rng, &alice.public_key())?;
    /// let (kfrags, vks) = alice.delegate(&mut rng, &bob.public_key(), 1, 1)?;
    /// let cfrag = kfrags[0].reencrypt(&mut rng, &capsule)?;
    /// assert_eq!(cfrag.clone().verify(&other, &vks).unwrap_err(), Error::FragmentMismatch);
    /// assert!(cfrag.verify(&capsule, &vks).is_ok());
    /// # Ok(())
    /// # }
    /// ```
    pub fn verify(self, capsule: &Capsule, vks: &VerificationKeys) -> Result<VerifiedCapsuleFrag> {
        if self.id != vks.id || self.e != capsule.e {
            return Err(Error::FragmentMismatch);
        }
        let w = vks.w(self.index).ok_or(Error::FragmentMismatch)?;
        let w_c = vks
            .w_pow_public(self.index, &self.c)
            .ok_or(Error::FragmentMismatch)?;
        let z = G2Prepared::from(self.z);
        let t1 = pair_prepared(&self.e, &z) - gt_pow_vartime(&self.cfrag, &self.c);
        let t2 = pair_prepared(&G1Affine::generator(), &z) - w_c;
        let c = challenge(self.index, &self.e, [&self.cfrag, w, &t1, &t2])?;
        if bool::from(c.ct_eq(&self.c)) {
            Ok(VerifiedCapsuleFrag(self))
        } else {
            Err(Error::InvalidProof)
        }
    }

    /// The wire encoding (scheme.md §12): prefix, delegation id (16), index (u32), `E` (48),
    /// `cfrag_i` (288), `c` (32), `z` (96).
    ///
    /// ```
    /// # use rs_habe::pre::{encapsulate, KeyPair};
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// # let (capsule, _) = encapsulate(&mut rng, &a.public_key()).unwrap();
    /// let (kfrags, _) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// let cfrag = kfrags[0].reencrypt(&mut rng, &capsule).unwrap();
    /// assert_eq!(cfrag.to_bytes().len(), 6 + 16 + 4 + 48 + 288 + 32 + 96);
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(CAPSULE_FRAG_LEN);
        out.put_prefix(ObjectType::CapsuleFrag);
        out.extend_from_slice(self.id.as_bytes());
        out.put_u32(u32::from(self.index));
        out.put_g1(&self.e);
        out.put_gt(&self.cfrag);
        out.put_scalar(&self.c);
        out.put_g2(&self.z);
        out
    }

    /// Strictly decodes [`to_bytes`](Self::to_bytes): index in `1..=255`, canonical subgroup
    /// elements that are not the identity, a canonical scalar, no trailing bytes. Decoding says
    /// nothing about the proof: [`verify`](Self::verify) the result.
    ///
    /// ```
    /// use rs_habe::pre::CapsuleFrag;
    /// assert!(CapsuleFrag::from_bytes(&[0u8; 490]).is_err());
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        r.prefix(ObjectType::CapsuleFrag)?;
        let id = DelegationId::read(&mut r)?;
        let index = read_index(&mut r)?;
        let e = r.g1()?;
        let cfrag = r.gt()?;
        let c = r.scalar()?;
        let z = r.g2()?;
        r.finish()?;
        Ok(CapsuleFrag {
            id,
            index,
            e,
            cfrag,
            c,
            z,
        })
    }
}

/// A capsule fragment whose proof has been checked by [`CapsuleFrag::verify`] — the only way to
/// obtain one — against a capsule and a delegation's verification keys. This is what
/// [`open_reencrypted`] takes. It converts back to the unverified form (and its bytes) but cannot
/// be decoded directly: a received fragment must be verified again.
///
/// ```
/// use rs_habe::pre::{encapsulate, KeyPair};
/// # fn main() -> rs_habe::Result<()> {
/// let mut rng = rand::thread_rng();
/// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
/// let (capsule, _) = encapsulate(&mut rng, &alice.public_key())?;
/// let (kfrags, vks) = alice.delegate(&mut rng, &bob.public_key(), 1, 1)?;
/// let verified = kfrags[0].reencrypt(&mut rng, &capsule)?.verify(&capsule, &vks)?;
/// let unverified = verified.into_unverified();
/// # let _ = unverified;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedCapsuleFrag(pub(crate) CapsuleFrag);

impl VerifiedCapsuleFrag {
    /// The index `i` of the proxy that made it.
    ///
    /// ```
    /// # use rs_habe::pre::{encapsulate, KeyPair};
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// # let (capsule, _) = encapsulate(&mut rng, &a.public_key()).unwrap();
    /// # let (kfrags, vks) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// let v = kfrags[0].reencrypt(&mut rng, &capsule).unwrap().verify(&capsule, &vks).unwrap();
    /// assert_eq!(v.index(), 1);
    /// ```
    pub fn index(&self) -> u8 {
        self.0.index
    }

    /// The delegation it belongs to.
    ///
    /// ```
    /// # use rs_habe::pre::{encapsulate, KeyPair};
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// # let (capsule, _) = encapsulate(&mut rng, &a.public_key()).unwrap();
    /// # let (kfrags, vks) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// let v = kfrags[0].reencrypt(&mut rng, &capsule).unwrap().verify(&capsule, &vks).unwrap();
    /// assert_eq!(v.delegation_id(), vks.delegation_id());
    /// ```
    pub fn delegation_id(&self) -> DelegationId {
        self.0.id
    }

    /// The capsule it was verified for.
    ///
    /// ```
    /// # use rs_habe::pre::{encapsulate, KeyPair};
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// # let (capsule, _) = encapsulate(&mut rng, &a.public_key()).unwrap();
    /// # let (kfrags, vks) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// let v = kfrags[0].reencrypt(&mut rng, &capsule).unwrap().verify(&capsule, &vks).unwrap();
    /// assert_eq!(v.capsule(), capsule);
    /// ```
    pub fn capsule(&self) -> Capsule {
        self.0.capsule()
    }

    /// The encoding of the (unverified) fragment, as [`CapsuleFrag::to_bytes`].
    ///
    /// ```
    /// # use rs_habe::pre::{encapsulate, CapsuleFrag, KeyPair};
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// # let (capsule, _) = encapsulate(&mut rng, &a.public_key()).unwrap();
    /// # let (kfrags, vks) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// let v = kfrags[0].reencrypt(&mut rng, &capsule).unwrap().verify(&capsule, &vks).unwrap();
    /// let again = CapsuleFrag::from_bytes(&v.to_bytes()).unwrap().verify(&capsule, &vks).unwrap();
    /// assert_eq!(again, v);
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.to_bytes()
    }

    /// Drops the verified status.
    ///
    /// ```
    /// # use rs_habe::pre::{encapsulate, KeyPair};
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// # let (capsule, _) = encapsulate(&mut rng, &a.public_key()).unwrap();
    /// # let (kfrags, vks) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// let v = kfrags[0].reencrypt(&mut rng, &capsule).unwrap().verify(&capsule, &vks).unwrap();
    /// assert_eq!(v.clone().into_unverified().to_bytes(), v.to_bytes());
    /// ```
    pub fn into_unverified(self) -> CapsuleFrag {
        self.0
    }
}

/// The receiver combines verified fragments into the capsule's key.
///
/// Checks, in this order: the receiver is the delegation's receiver, and every fragment belongs
/// to this capsule and delegation with an index in `1..=n` ([`Error::FragmentMismatch`]); the
/// indices are distinct ([`Error::DuplicateFragment`]); there are at least `t` of them
/// ([`Error::NotEnoughFragments`]). The first `t` fragments are combined:
/// `Y = Π cfrag_i^{L_i(0)} = Z^{kb}`, `Z^k = Y^{1/b}`, and the key is derived as in
/// [`encapsulate`](super::encapsulate).
///
/// ```
/// use rs_habe::{pre::{encapsulate, open_reencrypted, KeyPair}, Error};
/// # fn main() -> rs_habe::Result<()> {
/// let mut rng = rand::thread_rng();
/// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
/// let (capsule, key) = encapsulate(&mut rng, &alice.public_key())?;
/// let (kfrags, vks) = alice.delegate(&mut rng, &bob.public_key(), 2, 2)?;
/// let frags = kfrags
///     .iter()
///     .map(|k| k.reencrypt(&mut rng, &capsule)?.verify(&capsule, &vks))
///     .collect::<rs_habe::Result<Vec<_>>>()?;
/// assert_eq!(
///     open_reencrypted(&bob, &capsule, &frags[..1], &vks).unwrap_err(),
///     Error::NotEnoughFragments
/// );
/// assert_eq!(*open_reencrypted(&bob, &capsule, &frags, &vks)?, *key);
/// # Ok(())
/// # }
/// ```
pub fn open_reencrypted(
    receiver: &KeyPair,
    capsule: &Capsule,
    frags: &[VerifiedCapsuleFrag],
    vks: &VerificationKeys,
) -> Result<Zeroizing<[u8; 32]>> {
    if receiver.public_key() != vks.receiver {
        return Err(Error::FragmentMismatch);
    }
    let mut seen = [false; 256];
    for VerifiedCapsuleFrag(f) in frags {
        if f.id != vks.id || f.e != capsule.e || vks.w(f.index).is_none() {
            return Err(Error::FragmentMismatch);
        }
    }
    for VerifiedCapsuleFrag(f) in frags {
        let slot = seen
            .get_mut(usize::from(f.index))
            .ok_or(Error::FragmentMismatch)?;
        if *slot {
            return Err(Error::DuplicateFragment);
        }
        *slot = true;
    }
    let chosen = frags
        .get(..usize::from(vks.threshold))
        .ok_or(Error::NotEnoughFragments)?;
    let indices: Vec<u8> = chosen.iter().map(|f| f.0.index).collect();
    let coeffs = lagrange_at_zero(&indices)?;
    // Public values and public coefficients: variable time is fine here.
    let y: Gt = chosen
        .iter()
        .zip(&coeffs)
        .map(|(f, l)| gt_pow_vartime(&f.0.cfrag, l))
        .sum();
    let b_inv = Zeroizing::new(ScalarCell(
        Option::<Scalar>::from(receiver.secret().invert()).ok_or(Error::Decryption)?,
    ));
    let zk = Zeroizing::new(SecretGt(gt_pow_fixed_window(&y, &b_inv.0)));
    capsule.derive_key(&zk.0)
}
