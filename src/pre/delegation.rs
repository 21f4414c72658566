//! Delegation (scheme.md §10 v2): key fragments, the public delegation record and its checks,
//! and the delegatee's key.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;

use blstrs::{G1Affine, G1Projective, G2Affine, G2Projective, Scalar};
use ff::Field;
use group::{prime::PrimeCurveAffine, Curve};
use once_cell::race::OnceBox;
use rand_core::CryptoRngCore;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::{random_nonzero, KeyPair, PublicKey, ScalarCell, DELEGATION_ID_LEN, MAX_SHARES};
use crate::arith::{eval_poly, g1_generator_mul, lagrange_vartime, multi_exp_vartime, FixedBaseG1};
use crate::encoding::{self, Decode, Encode, Object, ObjectType, Reader, Writer};
use crate::error::{DecodeError, DecodeErrorKind, DelegationCheck, Error, Parameter, Result};
use crate::gt::pairings_equal;
use crate::secret::SecretG2;

/// The random 16-byte identifier of one delegation, carried by its record, key fragments and
/// capsule fragments so that pieces of different delegations are never combined.
///
/// ```
/// use rs_habe::pre::KeyPair;
/// # fn main() -> rs_habe::Result<()> {
/// let mut rng = rand::thread_rng();
/// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
/// let (kfrags, record) = alice.delegate(&mut rng, &bob.public_key(), 1, 1)?;
/// assert_eq!(kfrags[0].delegation_id(), record.delegation_id());
/// assert_eq!(record.delegation_id().as_bytes().len(), 16);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DelegationId(pub(crate) [u8; DELEGATION_ID_LEN]);

impl DelegationId {
    /// The 16 bytes of the id.
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// # let (_, record) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// let id = record.delegation_id();
    /// let bytes: &[u8; 16] = id.as_bytes();
    /// # let _ = bytes;
    /// ```
    pub fn as_bytes(&self) -> &[u8; DELEGATION_ID_LEN] {
        &self.0
    }

    fn random(rng: &mut impl CryptoRngCore) -> Self {
        let mut id = [0u8; DELEGATION_ID_LEN];
        rng.fill_bytes(&mut id);
        DelegationId(id)
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> core::result::Result<Self, DecodeError> {
        Ok(DelegationId(r.array()?))
    }
}

/// Reads a fragment index: a u32 in `1..=MAX_SHARES`.
pub(crate) fn read_index(r: &mut Reader<'_>) -> core::result::Result<u8, DecodeError> {
    let at = r.offset();
    let i = r.u32()?;
    u8::try_from(i)
        .ok()
        .filter(|&i| i != 0)
        .ok_or(r.err_at(DecodeErrorKind::InvalidValue, at))
}

/// A key fragment (scheme.md §10 v2): the secret scalar `kfrag_i = f(i)` that proxy `i` of a
/// delegation uses, with the delegation id and the index. *Not yet checked*: a proxy first
/// [`verify`](Self::verify)s it against the checked delegation record (`g^{kfrag_i} = VK_i`).
///
/// Secret: zeroized on drop, `Debug` prints only the id and the index. Not `Clone`: each
/// fragment belongs to one proxy; move it, or re-decode it from its bytes.
///
/// ```
/// use rs_habe::pre::{KeyFrag, KeyPair};
/// # fn main() -> rs_habe::Result<()> {
/// let mut rng = rand::thread_rng();
/// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
/// let (kfrags, record) = alice.delegate(&mut rng, &bob.public_key(), 2, 3)?;
/// let bytes = kfrags[0].to_bytes(); // to proxy 1, over a confidential channel
/// let kfrag = KeyFrag::from_bytes(&bytes)?;
/// assert_eq!(kfrag.index(), 1);
/// let _proxy = kfrag.verify(&record.check()?)?;
/// # Ok(())
/// # }
/// ```
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct KeyFrag {
    #[zeroize(skip)]
    pub(crate) id: DelegationId,
    #[zeroize(skip)]
    pub(crate) index: u8,
    pub(crate) kfrag: ScalarCell,
}

impl fmt::Debug for KeyFrag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyFrag")
            .field("id", &self.id)
            .field("index", &self.index)
            .field("kfrag", &"[redacted]")
            .finish()
    }
}

impl KeyFrag {
    /// The delegation this fragment claims to belong to.
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (kfrags, record) = a.delegate(&mut rng, &b.public_key(), 1, 2).unwrap();
    /// assert!(kfrags.iter().all(|k| k.delegation_id() == record.delegation_id()));
    /// ```
    pub fn delegation_id(&self) -> DelegationId {
        self.id
    }

    /// The fragment's index `i` (1-based; `1..=n`).
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (kfrags, _) = a.delegate(&mut rng, &b.public_key(), 2, 3).unwrap();
    /// assert_eq!(kfrags.iter().map(|k| k.index()).collect::<Vec<_>>(), [1, 2, 3]);
    /// ```
    pub fn index(&self) -> u8 {
        self.index
    }

    /// The proxy's check (scheme.md §10 v2): the fragment belongs to the record (same id,
    /// `1 ≤ i ≤ n`, else [`Error::FragmentMismatch`]) and `g^{kfrag_i} = VK_i` (else
    /// [`Error::InvalidKeyFrag`]; compared in constant time, `g^{kfrag_i}` from a constant-time
    /// fixed-base table). The result remembers `VK_i` and the owner's key for
    /// [`reencrypt`](VerifiedKeyFrag::reencrypt).
    ///
    /// ```
    /// use rs_habe::{pre::{KeyFrag, KeyPair}, Error};
    /// # fn main() -> rs_habe::Result<()> {
    /// let mut rng = rand::thread_rng();
    /// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (mut kfrags, record) = alice.delegate(&mut rng, &bob.public_key(), 2, 3)?;
    /// let (_, other) = alice.delegate(&mut rng, &bob.public_key(), 2, 3)?;
    /// let proxy_1 = kfrags.remove(0);
    /// assert_eq!(proxy_1.verify(&other.check()?).unwrap_err(), Error::FragmentMismatch);
    /// assert!(kfrags.remove(0).verify(&record.check()?).is_ok());
    /// # Ok(())
    /// # }
    /// ```
    pub fn verify(self, record: &CheckedRecord) -> Result<VerifiedKeyFrag> {
        let r = &record.record;
        if self.id != r.id {
            return Err(Error::FragmentMismatch);
        }
        let vk = *r.vk(self.index).ok_or(Error::FragmentMismatch)?;
        let mine = g1_generator_mul(&self.kfrag.0).to_affine();
        if !bool::from(mine.to_compressed().ct_eq(&vk.to_compressed())) {
            return Err(Error::InvalidKeyFrag);
        }
        Ok(VerifiedKeyFrag {
            id: self.id,
            index: self.index,
            kfrag: self.kfrag,
            vk,
            owner: r.owner,
        })
    }

    /// The secret encoding (scheme.md §12): prefix, delegation id (16 bytes), index (u32),
    /// `kfrag_i` (32 bytes). Zeroized on drop.
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (kfrags, _) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// assert_eq!(kfrags[0].to_bytes().len(), 6 + 16 + 4 + 32);
    /// ```
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        encoding::to_secret_bytes(self)
    }

    /// Strictly decodes [`to_bytes`](Self::to_bytes): index in `1..=255`, a canonical non-zero
    /// scalar, no trailing bytes.
    ///
    /// ```
    /// use rs_habe::pre::KeyFrag;
    /// assert!(KeyFrag::from_bytes(&[]).is_err());
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        encoding::from_bytes(bytes)
    }
}

impl Object for KeyFrag {
    const OBJECT: ObjectType = ObjectType::KeyFrag;
}

impl Encode for KeyFrag {
    fn write_body(&self, out: &mut dyn Writer) {
        out.put_bytes(self.id.as_bytes());
        out.put_u32(u32::from(self.index));
        out.put_scalar(&self.kfrag.0);
    }
}

impl Decode for KeyFrag {
    fn read_body(r: &mut Reader<'_>) -> Result<Self> {
        let id = DelegationId::read(r)?;
        let index = read_index(r)?;
        let kfrag = Zeroizing::new(ScalarCell(r.nonzero_scalar()?));
        Ok(KeyFrag {
            id,
            index,
            kfrag: *kfrag,
        })
    }
}

/// A key fragment checked by [`KeyFrag::verify`] against a checked delegation record: what a
/// proxy keeps and re-encrypts with ([`reencrypt`](Self::reencrypt)). Secret: zeroized on drop,
/// `Debug` prints only public fields; it has no encoding (store the [`KeyFrag`] and verify it
/// again on load).
///
/// ```
/// use rs_habe::pre::{encapsulate, KeyPair};
/// # fn main() -> rs_habe::Result<()> {
/// let mut rng = rand::thread_rng();
/// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
/// let (kfrags, record) = alice.delegate(&mut rng, &bob.public_key(), 1, 1)?;
/// let record = record.check()?;
/// let proxy = kfrags.into_iter().next().unwrap().verify(&record)?;
/// assert!(format!("{proxy:?}").contains("[redacted]"));
/// # Ok(())
/// # }
/// ```
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct VerifiedKeyFrag {
    #[zeroize(skip)]
    pub(crate) id: DelegationId,
    #[zeroize(skip)]
    pub(crate) index: u8,
    pub(crate) kfrag: ScalarCell,
    #[zeroize(skip)]
    pub(crate) vk: G1Affine,
    #[zeroize(skip)]
    pub(crate) owner: PublicKey,
}

impl fmt::Debug for VerifiedKeyFrag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedKeyFrag")
            .field("id", &self.id)
            .field("index", &self.index)
            .field("kfrag", &"[redacted]")
            .field("vk", &self.vk)
            .finish()
    }
}

impl VerifiedKeyFrag {
    /// The fragment's index `i`.
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (kfrags, record) = a.delegate(&mut rng, &b.public_key(), 1, 2).unwrap();
    /// let record = record.check().unwrap();
    /// let proxy = kfrags.into_iter().nth(1).unwrap().verify(&record).unwrap();
    /// assert_eq!(proxy.index(), 2);
    /// ```
    pub fn index(&self) -> u8 {
        self.index
    }

    /// The delegation it belongs to.
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (kfrags, record) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// let checked = record.check().unwrap();
    /// let proxy = kfrags.into_iter().next().unwrap().verify(&checked).unwrap();
    /// assert_eq!(proxy.delegation_id(), record.delegation_id());
    /// ```
    pub fn delegation_id(&self) -> DelegationId {
        self.id
    }
}

/// The public record of a delegation A → B (scheme.md §10 v2):
/// `(id, t, n, pk_A, pk_B, D̂ = P2_B^{1/(a·m)}, M = P1_A^m, VK_i = g^{f(i)} for i = 1..n)`.
///
/// Decoding checks the encoding only (subgroup, canonical, no identity, `1 ≤ t ≤ n ≤ 255`,
/// twin-consistent public keys). [`check`](Self::check) runs the checks of §10 v2 and returns
/// the [`CheckedRecord`] that proxies, verifiers and B work with. The record must still reach B
/// authentically (signed by A or over an authenticated channel): checking ties it to the two
/// keys it names, not to who sent it.
///
/// ```
/// use rs_habe::pre::{DelegationRecord, KeyPair};
/// # fn main() -> rs_habe::Result<()> {
/// let mut rng = rand::thread_rng();
/// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
/// let (_kfrags, record) = alice.delegate(&mut rng, &bob.public_key(), 2, 3)?;
/// assert_eq!((record.threshold(), record.shares()), (2, 3));
/// assert_eq!(DelegationRecord::from_bytes(&record.to_bytes())?, record);
/// assert!(record.check().is_ok());
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DelegationRecord {
    pub(crate) id: DelegationId,
    pub(crate) threshold: u8,
    pub(crate) owner: PublicKey,
    pub(crate) receiver: PublicKey,
    pub(crate) d_hat: G2Affine,
    pub(crate) m: G1Affine,
    pub(crate) vk: Vec<G1Affine>,
}

impl DelegationRecord {
    /// The delegation id.
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (kfrags, record) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// assert_eq!(record.delegation_id(), kfrags[0].delegation_id());
    /// ```
    pub fn delegation_id(&self) -> DelegationId {
        self.id
    }

    /// The threshold `t`: how many fragments B needs.
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (_, record) = a.delegate(&mut rng, &b.public_key(), 2, 4).unwrap();
    /// assert_eq!(record.threshold(), 2);
    /// ```
    pub fn threshold(&self) -> usize {
        usize::from(self.threshold)
    }

    /// The number of fragments `n`.
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (_, record) = a.delegate(&mut rng, &b.public_key(), 2, 4).unwrap();
    /// assert_eq!(record.shares(), 4);
    /// ```
    pub fn shares(&self) -> usize {
        self.vk.len()
    }

    /// The delegating owner's public key `pk_A`.
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (_, record) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// assert_eq!(record.owner(), a.public_key());
    /// ```
    pub fn owner(&self) -> PublicKey {
        self.owner
    }

    /// The receiver's public key `pk_B`.
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (_, record) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// assert_eq!(record.receiver(), b.public_key());
    /// ```
    pub fn receiver(&self) -> PublicKey {
        self.receiver
    }

    /// `VK_i` for the 1-based index `i`, if `1 <= i <= n`.
    pub(crate) fn vk(&self, index: u8) -> Option<&G1Affine> {
        self.vk.get(usize::from(index).checked_sub(1)?)
    }

    /// The checks of scheme.md §10 v2, for B and each proxy, once per delegation:
    /// 1. the `VK_i` lie on one polynomial of degree `< t`: with `V₀ = Π_{i≤t} VK_i^{L_i(0)}`,
    ///    every `VK_j` for `j > t` equals `Π_{i≤t} VK_i^{L_i(j)}`
    ///    ([`DelegationCheck::Polynomial`]);
    /// 2. `e(M, ĝ) = e(V₀, P2_A)` ([`DelegationCheck::OwnerKey`]);
    /// 3. `e(M, D̂) = e(P1_B, ĝ)` ([`DelegationCheck::ReceiverKey`]).
    ///
    /// No element is the identity (decoding refuses it). All values are public, so the
    /// interpolation uses variable-time multi-exponentiations: `n − t + 1` of `t` points each,
    /// and two double pairings.
    ///
    /// # Errors
    /// [`Error::InvalidDelegation`] naming the first check that fails.
    ///
    /// ```
    /// use rs_habe::{pre::{DelegationRecord, KeyPair}, DelegationCheck, Error};
    /// # fn main() -> rs_habe::Result<()> {
    /// let mut rng = rand::thread_rng();
    /// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (_, record) = alice.delegate(&mut rng, &bob.public_key(), 2, 3)?;
    /// let checked = record.check()?;
    /// assert_eq!(checked.record(), &record);
    /// // Claiming a threshold of 1 for a 2-of-3 delegation: VK_2, VK_3 are off the constant.
    /// let mut bytes = record.to_bytes();
    /// bytes[6 + 16 + 3] = 1;
    /// assert_eq!(
    ///     DelegationRecord::from_bytes(&bytes)?.check().unwrap_err(),
    ///     Error::InvalidDelegation(DelegationCheck::Polynomial)
    /// );
    /// # Ok(())
    /// # }
    /// ```
    pub fn check(&self) -> Result<CheckedRecord> {
        let t = usize::from(self.threshold);
        let (base, rest) = (self.vk.get(..t), self.vk.get(t..));
        let (Some(base), Some(rest)) = (base, rest) else {
            return Err(Error::InvalidDelegation(DelegationCheck::Polynomial));
        };
        let base_points: Vec<G1Projective> = base.iter().map(G1Projective::from).collect();
        let indices: Vec<u8> = (1..=self.threshold).collect();
        let interpolate = |x: u64| -> Result<G1Projective> {
            let l = lagrange_vartime(&indices, x)
                .ok_or(Error::InvalidDelegation(DelegationCheck::Polynomial))?;
            Ok(multi_exp_vartime(&base_points, &l))
        };
        for (j, vk_j) in (t as u64 + 1..).zip(rest) {
            if interpolate(j)? != G1Projective::from(*vk_j) {
                return Err(Error::InvalidDelegation(DelegationCheck::Polynomial));
            }
        }
        let v0 = interpolate(0)?.to_affine();
        if bool::from(v0.is_identity())
            || !pairings_equal(&self.m, &G2Affine::generator(), &v0, &self.owner.p2)
        {
            return Err(Error::InvalidDelegation(DelegationCheck::OwnerKey));
        }
        if !pairings_equal(
            &self.m,
            &self.d_hat,
            &self.receiver.p1,
            &G2Affine::generator(),
        ) {
            return Err(Error::InvalidDelegation(DelegationCheck::ReceiverKey));
        }
        Ok(CheckedRecord::new(self.clone()))
    }

    /// The wire encoding (scheme.md §12): prefix, id (16), `t` (u32), `n` (u32), `pk_A` (144),
    /// `pk_B` (144), `D̂` (96), `M` (48), then `VK_1..VK_n` (48 bytes each).
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (_, record) = a.delegate(&mut rng, &b.public_key(), 3, 5).unwrap();
    /// assert_eq!(record.to_bytes().len(), 6 + 16 + 4 + 4 + 144 + 144 + 96 + 48 + 5 * 48);
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        encoding::to_bytes(self)
    }

    /// Strictly decodes [`to_bytes`](Self::to_bytes): `1 <= t <= n <= 255` (the count is checked
    /// before anything is allocated), valid public keys, canonical subgroup points that are not
    /// the identity, no trailing bytes. Says nothing about the checks of §10 v2:
    /// [`check`](Self::check) the result.
    ///
    /// ```
    /// use rs_habe::pre::DelegationRecord;
    /// assert!(DelegationRecord::from_bytes(b"RSHB\x02\x14").is_err());
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        encoding::from_bytes(bytes)
    }
}

impl Object for DelegationRecord {
    const OBJECT: ObjectType = ObjectType::DelegationRecord;
}

impl Encode for DelegationRecord {
    fn write_body(&self, out: &mut dyn Writer) {
        out.put_bytes(self.id.as_bytes());
        out.put_u32(u32::from(self.threshold));
        out.put_len(self.vk.len());
        self.owner.write_body(out);
        self.receiver.write_body(out);
        out.put_g2(&self.d_hat);
        out.put_g1(&self.m);
        for vk in &self.vk {
            out.put_g1(vk);
        }
    }
}

impl Decode for DelegationRecord {
    fn read_body(r: &mut Reader<'_>) -> Result<Self> {
        let id = DelegationId::read(r)?;
        let t_at = r.offset();
        let t = r.u32()?;
        let n = r.count(MAX_SHARES, 48)?;
        let threshold = u8::try_from(t)
            .ok()
            .filter(|&t| t != 0 && usize::from(t) <= n)
            .ok_or(r.err_at(DecodeErrorKind::InvalidValue, t_at))?;
        let owner = PublicKey::read_body(r)?;
        let receiver = PublicKey::read_body(r)?;
        let d_hat = r.g2()?;
        let m = r.g1()?;
        let mut vk = Vec::with_capacity(n);
        for _ in 0..n {
            vk.push(r.g1()?);
        }
        Ok(DelegationRecord {
            id,
            threshold,
            owner,
            receiver,
            d_hat,
            m,
            vk,
        })
    }
}

/// A [`DelegationRecord`] that passed [`DelegationRecord::check`] — the only way to obtain one.
/// Proxies verify their key fragments against it, verifiers check capsule fragments against it,
/// and B derives its [`DelegateeKey`] from it.
///
/// A verifier that checks many fragments of one delegation calls
/// [`prepare_verification`](Self::prepare_verification) once: it caches a fixed-base table per
/// `VK_i` (133 KiB each), which makes [`CapsuleFrag::verify`](super::CapsuleFrag::verify)
/// cheaper. The tables are a cache: equality and encodings ignore them.
///
/// ```
/// use rs_habe::pre::KeyPair;
/// # fn main() -> rs_habe::Result<()> {
/// let mut rng = rand::thread_rng();
/// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
/// let (_, record) = alice.delegate(&mut rng, &bob.public_key(), 2, 3)?;
/// let checked = record.check()?;
/// assert_eq!(checked.record().threshold(), 2);
/// # Ok(())
/// # }
/// ```
pub struct CheckedRecord {
    pub(crate) record: DelegationRecord,
    /// A fixed-base table of each `VK_i`, built by `prepare_verification`.
    tables: Vec<OnceBox<FixedBaseG1>>,
}

impl Clone for CheckedRecord {
    fn clone(&self) -> Self {
        CheckedRecord::new(self.record.clone())
    }
}

impl PartialEq for CheckedRecord {
    fn eq(&self, other: &Self) -> bool {
        self.record == other.record
    }
}

impl Eq for CheckedRecord {}

impl fmt::Debug for CheckedRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CheckedRecord").field(&self.record).finish()
    }
}

impl CheckedRecord {
    fn new(record: DelegationRecord) -> Self {
        let tables = record.vk.iter().map(|_| OnceBox::new()).collect();
        CheckedRecord { record, tables }
    }

    /// The record.
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (_, record) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// assert_eq!(record.check().unwrap().record().to_bytes(), record.to_bytes());
    /// ```
    pub fn record(&self) -> &DelegationRecord {
        &self.record
    }

    /// Builds (once) the fixed-base table of every `VK_i` for fragment verification: about
    /// 1 ms and 133 KiB per index. Idempotent; verification gives the same answers with or
    /// without it.
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (_, record) = a.delegate(&mut rng, &b.public_key(), 2, 3).unwrap();
    /// let verifier = record.check().unwrap();
    /// verifier.prepare_verification(); // a long-running verifier, once
    /// ```
    pub fn prepare_verification(&self) {
        for (vk, slot) in self.record.vk.iter().zip(&self.tables) {
            let _ = slot.get_or_init(|| Box::new(FixedBaseG1::new(&G1Projective::from(*vk))));
        }
    }

    /// `VK_i^c` for the public `c`: from the cached table if there is one, else `None`.
    pub(crate) fn vk_mul_cached_vartime(&self, index: u8, c: &Scalar) -> Option<G1Projective> {
        let table = self.tables.get(usize::from(index).checked_sub(1)?)?.get()?;
        Some(table.mul_public(c))
    }

    /// B's delegatee key (scheme.md §10 v2): `R̂_B = D̂^{1/b} = ĝ^{1/(a·m)}`, made once per
    /// delegation (one constant-time G2 multiplication by the secret `1/b`).
    ///
    /// # Errors
    /// [`Error::ReceiverMismatch`] if `receiver` is not the record's `pk_B`.
    ///
    /// ```
    /// use rs_habe::{pre::KeyPair, Error};
    /// # fn main() -> rs_habe::Result<()> {
    /// let mut rng = rand::thread_rng();
    /// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (_, record) = alice.delegate(&mut rng, &bob.public_key(), 2, 3)?;
    /// let record = record.check()?;
    /// assert!(record.delegatee_key(&bob).is_ok());
    /// assert_eq!(record.delegatee_key(&alice).unwrap_err(), Error::ReceiverMismatch);
    /// # Ok(())
    /// # }
    /// ```
    pub fn delegatee_key(&self, receiver: &KeyPair) -> Result<DelegateeKey> {
        if receiver.public_key() != self.record.receiver {
            return Err(Error::ReceiverMismatch);
        }
        let b_inv = Zeroizing::new(ScalarCell(
            Option::<Scalar>::from(receiver.secret().invert()).ok_or(Error::Decryption)?,
        ));
        let r_hat = SecretG2::from(G2Projective::from(self.record.d_hat) * b_inv.0);
        Ok(DelegateeKey {
            id: self.record.id,
            threshold: self.record.threshold,
            r_hat,
        })
    }
}

/// B's key for one delegation (scheme.md §10 v2): `R̂_B = D̂^{1/b} = ĝ^{1/(a·m)}` with the
/// delegation's id and threshold, made once by [`CheckedRecord::delegatee_key`]. B opens
/// capsules with `t` verified fragments ([`decapsulate`](Self::decapsulate)); the envelope's
/// [`Opener::PreDelegatee`](crate::Opener::PreDelegatee) takes it.
///
/// Secret: zeroized on drop, `Debug` prints only the id and threshold.
///
/// ```
/// use rs_habe::pre::{DelegateeKey, KeyPair};
/// # fn main() -> rs_habe::Result<()> {
/// let mut rng = rand::thread_rng();
/// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
/// let (_, record) = alice.delegate(&mut rng, &bob.public_key(), 2, 3)?;
/// let key = record.check()?.delegatee_key(&bob)?;
/// let again = DelegateeKey::from_bytes(&key.to_bytes())?;
/// assert_eq!(again.threshold(), 2);
/// assert!(format!("{key:?}").contains("[redacted]"));
/// # Ok(())
/// # }
/// ```
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct DelegateeKey {
    #[zeroize(skip)]
    pub(crate) id: DelegationId,
    #[zeroize(skip)]
    pub(crate) threshold: u8,
    pub(crate) r_hat: SecretG2,
}

impl fmt::Debug for DelegateeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DelegateeKey")
            .field("id", &self.id)
            .field("threshold", &self.threshold)
            .field("r_hat", &"[redacted]")
            .finish()
    }
}

impl DelegateeKey {
    /// The delegation this key opens fragments of.
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (_, record) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// let key = record.check().unwrap().delegatee_key(&b).unwrap();
    /// assert_eq!(key.delegation_id(), record.delegation_id());
    /// ```
    pub fn delegation_id(&self) -> DelegationId {
        self.id
    }

    /// The threshold `t`.
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (_, record) = a.delegate(&mut rng, &b.public_key(), 2, 2).unwrap();
    /// assert_eq!(record.check().unwrap().delegatee_key(&b).unwrap().threshold(), 2);
    /// ```
    pub fn threshold(&self) -> usize {
        usize::from(self.threshold)
    }

    /// The secret encoding (scheme.md §12): prefix, id (16), `t` (u32), `R̂_B` (96). Zeroized on
    /// drop.
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (_, record) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// let key = record.check().unwrap().delegatee_key(&b).unwrap();
    /// assert_eq!(key.to_bytes().len(), 6 + 16 + 4 + 96);
    /// ```
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        encoding::to_secret_bytes(self)
    }

    /// Strictly decodes [`to_bytes`](Self::to_bytes): `1 <= t <= 255`, a canonical subgroup
    /// point that is not the identity, no trailing bytes.
    ///
    /// ```
    /// use rs_habe::pre::DelegateeKey;
    /// assert!(DelegateeKey::from_bytes(&[0u8; 122]).is_err());
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        encoding::from_bytes(bytes)
    }
}

impl Object for DelegateeKey {
    const OBJECT: ObjectType = ObjectType::DelegateeKey;
}

impl Encode for DelegateeKey {
    fn write_body(&self, out: &mut dyn Writer) {
        out.put_bytes(self.id.as_bytes());
        out.put_u32(u32::from(self.threshold));
        out.put_g2(&self.r_hat.0);
    }
}

impl Decode for DelegateeKey {
    fn read_body(r: &mut Reader<'_>) -> Result<Self> {
        let id = DelegationId::read(r)?;
        let threshold = read_index(r)?;
        let r_hat = Zeroizing::new(SecretG2(r.g2()?));
        Ok(DelegateeKey {
            id,
            threshold,
            r_hat: *r_hat,
        })
    }
}

impl KeyPair {
    /// Delegates decryption of this key pair's capsules to `receiver`, split among `shares`
    /// proxies of which any `threshold` suffice (`1 <= threshold <= shares <= 255`, else
    /// [`Error::InvalidParameter`]`(`[`Parameter::Threshold`]`)`), as in scheme.md §10 v2:
    /// `m ≠ 0` and `f(x) = m + c_1 x + … + c_{t−1} x^{t−1}` fresh (redrawn if some `f(i) = 0`),
    /// `kfrag_i = f(i)`, and the public record with `D̂ = P2_B^{1/(a·m)}`, `M = P1_A^m`,
    /// `VK_i = g^{f(i)}`. `m` and `f` are wiped before returning.
    ///
    /// Returns the key fragments (fragment `i` at position `i − 1`, each for one proxy, to be
    /// sent confidentially) and the [`DelegationRecord`] (public; to B authentically).
    ///
    /// ```
    /// use rs_habe::{pre::KeyPair, Error, Parameter};
    /// # fn main() -> rs_habe::Result<()> {
    /// let mut rng = rand::thread_rng();
    /// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (kfrags, record) = alice.delegate(&mut rng, &bob.public_key(), 2, 3)?;
    /// assert_eq!(kfrags.len(), 3);
    /// assert_eq!(
    ///     alice.delegate(&mut rng, &bob.public_key(), 4, 3).unwrap_err(),
    ///     Error::InvalidParameter(Parameter::Threshold)
    /// );
    /// # let _ = record;
    /// # Ok(())
    /// # }
    /// ```
    pub fn delegate(
        &self,
        rng: &mut impl CryptoRngCore,
        receiver: &PublicKey,
        threshold: usize,
        shares: usize,
    ) -> Result<(Vec<KeyFrag>, DelegationRecord)> {
        let t =
            u8::try_from(threshold).map_err(|_| Error::InvalidParameter(Parameter::Threshold))?;
        let n = u8::try_from(shares).map_err(|_| Error::InvalidParameter(Parameter::Threshold))?;
        if t == 0 || t > n {
            return Err(Error::InvalidParameter(Parameter::Threshold));
        }
        // f(x) = m + c_1 x + … + c_{t−1} x^{t−1}, coefficients lowest first.
        let mut coeffs: Zeroizing<Vec<ScalarCell>> =
            Zeroizing::new(Vec::with_capacity(usize::from(t)));
        // f(i) = 0 would make VK_i the identity (probability n/r): redraw the polynomial.
        let evals = loop {
            coeffs.clear();
            for _ in 0..t {
                coeffs.push(ScalarCell(random_nonzero(rng)));
            }
            let evals: Zeroizing<Vec<ScalarCell>> = Zeroizing::new(
                (1..=n)
                    .map(|i| eval_poly(&coeffs, &Scalar::from(u64::from(i))))
                    .collect(),
            );
            if evals.iter().all(|e| !bool::from(e.0.is_zero())) {
                break evals;
            }
        };
        let m = Zeroizing::new(coeffs.first().copied().ok_or(Error::Decryption)?);
        let am_inv = Zeroizing::new(ScalarCell(
            Option::<Scalar>::from((self.secret() * m.0).invert()).ok_or(Error::Decryption)?,
        ));
        let d_hat = (G2Projective::from(receiver.p2) * am_inv.0).to_affine();
        let m_point = (G1Projective::from(self.public_key().p1) * m.0).to_affine();
        let vk_proj: Vec<G1Projective> = evals.iter().map(|f| g1_generator_mul(&f.0)).collect();
        let mut vk = alloc::vec![G1Affine::identity(); vk_proj.len()];
        G1Projective::batch_normalize(&vk_proj, &mut vk);
        let id = DelegationId::random(rng);
        let kfrags = (1..=n)
            .zip(evals.iter())
            .map(|(index, f)| KeyFrag {
                id,
                index,
                kfrag: *f,
            })
            .collect();
        let record = DelegationRecord {
            id,
            threshold: t,
            owner: self.public_key(),
            receiver: *receiver,
            d_hat,
            m: m_point,
            vk,
        };
        Ok((kfrags, record))
    }
}
