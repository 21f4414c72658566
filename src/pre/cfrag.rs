//! Re-encryption with a Chaum–Pedersen proof, verification, and B's opening (scheme.md §10 v2).

use alloc::vec::Vec;

use blstrs::{G1Affine, G1Projective, Scalar};
use group::{prime::PrimeCurveAffine, Curve};
use rand_core::CryptoRngCore;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::delegation::read_index;
use super::{
    challenge_128, challenge_from_bytes, challenge_to_bytes, pre_nonce, Capsule, CheckedRecord,
    DelegateeKey, DelegationId, ScalarCell, VerifiedCapsule, VerifiedKeyFrag,
};
use crate::arith::{
    g1_generator_mul, g1_generator_mul_vartime, interpolate_at_zero_vartime, mul_challenge_vartime,
};
use crate::domain;
use crate::encoding::{self, Decode, Encode, Object, ObjectType, Reader, Writer};
use crate::error::{Error, Result};
use crate::gt::GtElem;
use crate::SharedKey;

/// `c = H128("RSHABE-V2-PRE-DLEQ", id ‖ u32_be(i) ‖ E ‖ VK_i ‖ cfrag_i ‖ R1 ‖ R2)`
/// (scheme.md §10 v2).
fn dleq_challenge(id: &DelegationId, index: u8, points: [&G1Affine; 5]) -> Scalar {
    let [e, vk, cfrag, r1, r2] = points.map(G1Affine::to_compressed);
    challenge_128(
        &[
            id.as_bytes(),
            &u32::from(index).to_be_bytes(),
            &e,
            &vk,
            &cfrag,
            &r1,
            &r2,
        ],
        domain::DST_PRE_DLEQ,
    )
}

impl VerifiedKeyFrag {
    /// Re-encrypts a capsule (scheme.md §10 v2): `cfrag_i = E^{kfrag_i}` with a Chaum–Pedersen
    /// proof that `log_g VK_i = log_E cfrag_i`. The nonce is hedged,
    /// `ν = wide-reduce(expand_message_xmd(be32(kfrag_i) ‖ E ‖ 32 fresh RNG bytes))`, so a
    /// repeating RNG does not leak `kfrag_i`; `R1 = g^ν` (constant-time fixed-base table),
    /// `R2 = E^ν`, `c = H128(id ‖ i ‖ E ‖ VK_i ‖ cfrag_i ‖ R1 ‖ R2)`, `z = ν + c·kfrag_i`.
    /// Two constant-time G1 multiplications and one fixed-base one; no pairing.
    ///
    /// # Errors
    /// [`Error::FragmentMismatch`] if the capsule was verified against a key other than the
    /// delegation's owner (a proxy never re-encrypts for a key of the requester's choosing).
    ///
    /// ```
    /// use rs_habe::pre::{encapsulate, KeyPair};
    /// # fn main() -> rs_habe::Result<()> {
    /// let mut rng = rand::thread_rng();
    /// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (capsule, _key) = encapsulate(&mut rng, &alice.public_key())?;
    /// let (kfrags, record) = alice.delegate(&mut rng, &bob.public_key(), 1, 1)?;
    /// let record = record.check()?;
    /// let proxy = kfrags.into_iter().next().unwrap().verify(&record)?;
    /// let capsule = capsule.verify(&record.record().owner())?;
    /// let cfrag = proxy.reencrypt(&mut rng, &capsule)?;
    /// assert!(cfrag.verify(&capsule, &record).is_ok());
    /// # Ok(())
    /// # }
    /// ```
    pub fn reencrypt(
        &self,
        rng: &mut impl CryptoRngCore,
        capsule: &VerifiedCapsule,
    ) -> Result<CapsuleFrag> {
        if capsule.owner != self.owner {
            return Err(Error::FragmentMismatch);
        }
        let e = capsule.capsule.e;
        let e_bytes = e.to_compressed();
        let mut rnd = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(&mut rnd[..]);
        let nu = Zeroizing::new(ScalarCell(pre_nonce(&self.kfrag.0, &e_bytes, &rnd)));
        let e_proj = G1Projective::from(e);
        let mut points = [G1Affine::identity(); 3];
        G1Projective::batch_normalize(
            &[
                e_proj * self.kfrag.0,
                g1_generator_mul(&nu.0),
                e_proj * nu.0,
            ],
            &mut points,
        );
        let [cfrag, r1, r2] = points;
        let c = dleq_challenge(&self.id, self.index, [&e, &self.vk, &cfrag, &r1, &r2]);
        let z = nu.0 + c * self.kfrag.0;
        Ok(CapsuleFrag {
            id: self.id,
            index: self.index,
            e,
            cfrag,
            c: challenge_to_bytes(&c),
            z,
        })
    }
}

/// A capsule fragment from one proxy (scheme.md §10 v2), *not yet verified*:
/// `(id, i, E, cfrag_i = E^{kfrag_i}, c, z)`. The only thing to do with it is
/// [`verify`](Self::verify) it (or move its bytes).
///
/// ```
/// use rs_habe::pre::{encapsulate, CapsuleFrag, KeyPair};
/// # fn main() -> rs_habe::Result<()> {
/// let mut rng = rand::thread_rng();
/// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
/// let (capsule, _key) = encapsulate(&mut rng, &alice.public_key())?;
/// let (kfrags, record) = alice.delegate(&mut rng, &bob.public_key(), 1, 1)?;
/// let record = record.check()?;
/// let capsule = capsule.verify(&alice.public_key())?;
/// let proxy = kfrags.into_iter().next().unwrap().verify(&record)?;
/// let bytes = proxy.reencrypt(&mut rng, &capsule)?.to_bytes(); // proxy → B
/// let verified = CapsuleFrag::from_bytes(&bytes)?.verify(&capsule, &record)?;
/// assert_eq!(verified.index(), 1);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CapsuleFrag {
    pub(crate) id: DelegationId,
    pub(crate) index: u8,
    pub(crate) e: G1Affine,
    pub(crate) cfrag: G1Affine,
    pub(crate) c: [u8; 16],
    pub(crate) z: Scalar,
}

impl CapsuleFrag {
    /// The delegation the fragment claims to belong to.
    ///
    /// ```
    /// # use rs_habe::pre::{encapsulate, KeyPair};
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// # let (capsule, _) = encapsulate(&mut rng, &a.public_key()).unwrap();
    /// let (kfrags, record) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// let proxy = kfrags.into_iter().next().unwrap().verify(&record.check().unwrap()).unwrap();
    /// let cfrag = proxy.reencrypt(&mut rng, &capsule.verify(&a.public_key()).unwrap()).unwrap();
    /// assert_eq!(cfrag.delegation_id(), record.delegation_id());
    /// ```
    pub fn delegation_id(&self) -> DelegationId {
        self.id
    }

    /// The index `i` of the proxy that claims to have made it.
    ///
    /// ```
    /// # use rs_habe::pre::{encapsulate, KeyPair};
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// # let (capsule, _) = encapsulate(&mut rng, &a.public_key()).unwrap();
    /// let (kfrags, record) = a.delegate(&mut rng, &b.public_key(), 1, 2).unwrap();
    /// let proxy = kfrags.into_iter().nth(1).unwrap().verify(&record.check().unwrap()).unwrap();
    /// let cfrag = proxy.reencrypt(&mut rng, &capsule.verify(&a.public_key()).unwrap()).unwrap();
    /// assert_eq!(cfrag.index(), 2);
    /// ```
    pub fn index(&self) -> u8 {
        self.index
    }

    /// Checks the fragment (scheme.md §10 v2) against a verified capsule and a checked record.
    ///
    /// Preconditions, else [`Error::FragmentMismatch`]: the capsule was verified against the
    /// record's `pk_A`, the id is the record's, `1 ≤ i ≤ n`, `E` is the capsule's `E`
    /// (`cfrag_i` is never the identity: decoding refuses it). Then
    /// `R1 = g^z · VK_i^{−c}` and `R2 = E^z · cfrag_i^{−c}` are recomputed (public values,
    /// variable time: `g^z` from the fixed-base table of `g`, `VK_i^c` from the record's cached
    /// table after [`CheckedRecord::prepare_verification`], else a 128-bit multiplication, `E^z`
    /// one `blst` multiplication and `cfrag_i^c` a 128-bit one) and the fragment is accepted iff
    /// `H128` gives `c` back, else [`Error::InvalidProof`].
    ///
    /// ```
    /// use rs_habe::{pre::{encapsulate, KeyPair}, Error};
    /// # fn main() -> rs_habe::Result<()> {
    /// let mut rng = rand::thread_rng();
    /// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (capsule, _) = encapsulate(&mut rng, &alice.public_key())?;
    /// let (other, _) = encapsulate(&mut rng, &alice.public_key())?;
    /// let (capsule, other) = (capsule.verify(&alice.public_key())?, other.verify(&alice.public_key())?);
    /// let (kfrags, record) = alice.delegate(&mut rng, &bob.public_key(), 1, 1)?;
    /// let record = record.check()?;
    /// let proxy = kfrags.into_iter().next().unwrap().verify(&record)?;
    /// let cfrag = proxy.reencrypt(&mut rng, &capsule)?;
    /// assert_eq!(cfrag.clone().verify(&other, &record).unwrap_err(), Error::FragmentMismatch);
    /// assert!(cfrag.verify(&capsule, &record).is_ok());
    /// # Ok(())
    /// # }
    /// ```
    pub fn verify(
        self,
        capsule: &VerifiedCapsule,
        record: &CheckedRecord,
    ) -> Result<VerifiedCapsuleFrag> {
        let r = &record.record;
        if capsule.owner != r.owner || self.id != r.id || self.e != capsule.capsule.e {
            return Err(Error::FragmentMismatch);
        }
        let vk = *r.vk(self.index).ok_or(Error::FragmentMismatch)?;
        if bool::from(self.cfrag.is_identity()) {
            return Err(Error::FragmentMismatch);
        }
        let c = challenge_from_bytes(&self.c);
        // All values are public: variable time is fine. g^z from the generator's table; VK_i^c
        // from the record's cached table, else a 128-bit multiplication.
        let vk_c = match record.vk_mul_cached_vartime(self.index, &c) {
            Some(vk_c) => vk_c,
            None => mul_challenge_vartime(&G1Projective::from(vk), &self.c),
        };
        let r1 = g1_generator_mul_vartime(&self.z) - vk_c;
        let r2 = G1Projective::from(self.e) * self.z
            - mul_challenge_vartime(&G1Projective::from(self.cfrag), &self.c);
        let mut points = [G1Affine::identity(); 2];
        G1Projective::batch_normalize(&[r1, r2], &mut points);
        let [r1, r2] = points;
        let expected = dleq_challenge(&self.id, self.index, [&self.e, &vk, &self.cfrag, &r1, &r2]);
        if bool::from(challenge_to_bytes(&expected).ct_eq(&self.c)) {
            Ok(VerifiedCapsuleFrag(self))
        } else {
            Err(Error::InvalidProof)
        }
    }

    /// The wire encoding (scheme.md §12): prefix, delegation id (16), index (u32), `E` (48),
    /// `cfrag_i` (48), `c` (16), `z` (32).
    ///
    /// ```
    /// # use rs_habe::pre::{encapsulate, KeyPair};
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// # let (capsule, _) = encapsulate(&mut rng, &a.public_key()).unwrap();
    /// let (kfrags, record) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// let proxy = kfrags.into_iter().next().unwrap().verify(&record.check().unwrap()).unwrap();
    /// let cfrag = proxy.reencrypt(&mut rng, &capsule.verify(&a.public_key()).unwrap()).unwrap();
    /// assert_eq!(cfrag.to_bytes().len(), 6 + 16 + 4 + 48 + 48 + 16 + 32);
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        encoding::to_bytes(self)
    }

    /// Strictly decodes [`to_bytes`](Self::to_bytes): index in `1..=255`, canonical subgroup
    /// points that are not the identity, a canonical scalar, no trailing bytes. Decoding says
    /// nothing about the proof: [`verify`](Self::verify) the result.
    ///
    /// ```
    /// use rs_habe::pre::CapsuleFrag;
    /// assert!(CapsuleFrag::from_bytes(&[0u8; 170]).is_err());
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        encoding::from_bytes(bytes)
    }
}

impl Object for CapsuleFrag {
    const OBJECT: ObjectType = ObjectType::CapsuleFrag;
}

impl Encode for CapsuleFrag {
    fn write_body(&self, out: &mut dyn Writer) {
        out.put_bytes(self.id.as_bytes());
        out.put_u32(u32::from(self.index));
        out.put_g1(&self.e);
        out.put_g1(&self.cfrag);
        out.put_bytes(&self.c);
        out.put_scalar(&self.z);
    }
}

impl Decode for CapsuleFrag {
    fn read_body(r: &mut Reader<'_>) -> Result<Self> {
        let id = DelegationId::read(r)?;
        let index = read_index(r)?;
        let e = r.g1()?;
        let cfrag = r.g1()?;
        let c = r.array()?;
        let z = r.scalar()?;
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

/// A capsule fragment whose proof was checked by [`CapsuleFrag::verify`] — the only way to
/// obtain one — against a verified capsule and a checked record. It records `(id, i, E,
/// cfrag_i)`; B's [`DelegateeKey::decapsulate`] refuses a mixture of capsules or delegations. It
/// converts back to the unverified form (and its bytes) but cannot be decoded directly: a
/// received fragment must be verified again.
///
/// ```
/// use rs_habe::pre::{encapsulate, KeyPair};
/// # fn main() -> rs_habe::Result<()> {
/// let mut rng = rand::thread_rng();
/// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
/// let (capsule, _) = encapsulate(&mut rng, &alice.public_key())?;
/// let capsule = capsule.verify(&alice.public_key())?;
/// let (kfrags, record) = alice.delegate(&mut rng, &bob.public_key(), 1, 1)?;
/// let record = record.check()?;
/// let proxy = kfrags.into_iter().next().unwrap().verify(&record)?;
/// let verified = proxy.reencrypt(&mut rng, &capsule)?.verify(&capsule, &record)?;
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
    /// # let capsule = capsule.verify(&a.public_key()).unwrap();
    /// # let (kfrags, record) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// # let record = record.check().unwrap();
    /// # let proxy = kfrags.into_iter().next().unwrap().verify(&record).unwrap();
    /// let v = proxy.reencrypt(&mut rng, &capsule).unwrap().verify(&capsule, &record).unwrap();
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
    /// # let capsule = capsule.verify(&a.public_key()).unwrap();
    /// # let (kfrags, record) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// # let record = record.check().unwrap();
    /// # let proxy = kfrags.into_iter().next().unwrap().verify(&record).unwrap();
    /// let v = proxy.reencrypt(&mut rng, &capsule).unwrap().verify(&capsule, &record).unwrap();
    /// assert_eq!(v.delegation_id(), record.record().delegation_id());
    /// ```
    pub fn delegation_id(&self) -> DelegationId {
        self.0.id
    }

    /// Whether it was made for `capsule` (the same `E`).
    ///
    /// ```
    /// # use rs_habe::pre::{encapsulate, KeyPair};
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// # let (capsule, _) = encapsulate(&mut rng, &a.public_key()).unwrap();
    /// # let (other, _) = encapsulate(&mut rng, &a.public_key()).unwrap();
    /// # let verified_capsule = capsule.verify(&a.public_key()).unwrap();
    /// # let (kfrags, record) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// # let record = record.check().unwrap();
    /// # let proxy = kfrags.into_iter().next().unwrap().verify(&record).unwrap();
    /// let v = proxy.reencrypt(&mut rng, &verified_capsule).unwrap().verify(&verified_capsule, &record).unwrap();
    /// assert!(v.is_for(&capsule) && !v.is_for(&other));
    /// ```
    pub fn is_for(&self, capsule: &Capsule) -> bool {
        self.0.e == capsule.e
    }

    /// The encoding of the (unverified) fragment, as [`CapsuleFrag::to_bytes`].
    ///
    /// ```
    /// # use rs_habe::pre::{encapsulate, CapsuleFrag, KeyPair};
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// # let (capsule, _) = encapsulate(&mut rng, &a.public_key()).unwrap();
    /// # let capsule = capsule.verify(&a.public_key()).unwrap();
    /// # let (kfrags, record) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// # let record = record.check().unwrap();
    /// # let proxy = kfrags.into_iter().next().unwrap().verify(&record).unwrap();
    /// let v = proxy.reencrypt(&mut rng, &capsule).unwrap().verify(&capsule, &record).unwrap();
    /// let again = CapsuleFrag::from_bytes(&v.to_bytes()).unwrap().verify(&capsule, &record).unwrap();
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
    /// # let capsule = capsule.verify(&a.public_key()).unwrap();
    /// # let (kfrags, record) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// # let record = record.check().unwrap();
    /// # let proxy = kfrags.into_iter().next().unwrap().verify(&record).unwrap();
    /// let v = proxy.reencrypt(&mut rng, &capsule).unwrap().verify(&capsule, &record).unwrap();
    /// assert_eq!(v.clone().into_unverified().to_bytes(), v.to_bytes());
    /// ```
    pub fn into_unverified(self) -> CapsuleFrag {
        self.0
    }
}

impl DelegateeKey {
    /// B opens a capsule with verified fragments (scheme.md §10 v2).
    ///
    /// Checks, in this order: every fragment belongs to this delegation and to `capsule`
    /// ([`Error::FragmentMismatch`]); the indices are distinct ([`Error::DuplicateFragment`]);
    /// there are at least `t` ([`Error::NotEnoughFragments`]). The first `t` are combined:
    /// `Y = Π cfrag_i^{L_i(0)} = E^m` (public values and coefficients, variable time: the
    /// coefficients are ratios of small integers, so this is one short shared double-and-add
    /// and one multiplication), `Z^k = e(Y, R̂_B)` (one pairing), and the key is derived as in
    /// [`encapsulate`](super::encapsulate).
    ///
    /// ```
    /// use rs_habe::{pre::{encapsulate, KeyPair}, Error};
    /// # fn main() -> rs_habe::Result<()> {
    /// let mut rng = rand::thread_rng();
    /// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (capsule, key) = encapsulate(&mut rng, &alice.public_key())?;
    /// let checked = capsule.verify(&alice.public_key())?;
    /// let (kfrags, record) = alice.delegate(&mut rng, &bob.public_key(), 2, 2)?;
    /// let record = record.check()?;
    /// let mut frags = Vec::new();
    /// for kfrag in kfrags {
    ///     let proxy = kfrag.verify(&record)?;
    ///     frags.push(proxy.reencrypt(&mut rng, &checked)?.verify(&checked, &record)?);
    /// }
    /// let bobs = record.delegatee_key(&bob)?;
    /// assert_eq!(bobs.decapsulate(&capsule, &frags[..1]).unwrap_err(), Error::NotEnoughFragments);
    /// assert_eq!(*bobs.decapsulate(&capsule, &frags)?, *key);
    /// # Ok(())
    /// # }
    /// ```
    pub fn decapsulate(
        &self,
        capsule: &Capsule,
        frags: &[VerifiedCapsuleFrag],
    ) -> Result<SharedKey> {
        for VerifiedCapsuleFrag(f) in frags {
            if f.id != self.id || f.e != capsule.e {
                return Err(Error::FragmentMismatch);
            }
        }
        let mut seen = [false; 256];
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
            .get(..usize::from(self.threshold))
            .ok_or(Error::NotEnoughFragments)?;
        let indices: Vec<u8> = chosen.iter().map(|f| f.0.index).collect();
        let points: Vec<G1Projective> = chosen
            .iter()
            .map(|f| G1Projective::from(f.0.cfrag))
            .collect();
        let y = interpolate_at_zero_vartime(&indices, &points)
            .ok_or(Error::DuplicateFragment)?
            .to_affine();
        let zk = Zeroizing::new(GtElem::pairing(&y, &self.r_hat.0));
        capsule.derive_key(&zk)
    }

    /// The former name of [`decapsulate`](Self::decapsulate), kept so that code written
    /// against it still compiles.
    #[deprecated(
        since = "0.1.0",
        note = "renamed to `decapsulate` (one KEM vocabulary with the ABE scheme)"
    )]
    pub fn open(&self, capsule: &Capsule, frags: &[VerifiedCapsuleFrag]) -> Result<SharedKey> {
        self.decapsulate(capsule, frags)
    }
}
