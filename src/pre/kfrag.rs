//! Delegation: key fragments for the proxies and the public verification keys (scheme.md §10).

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;

use blstrs::{G1Affine, G2Prepared, G2Projective, Gt, Scalar};
use ff::Field;
use group::prime::PrimeCurveAffine;
use once_cell::race::OnceBox;
use rand_core::{CryptoRng, RngCore};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::{
    pair, pair_prepared, random_nonzero, GtComb, KeyPair, PublicKey, ScalarCell, DELEGATION_ID_LEN,
    MAX_SHARES,
};
use crate::encoding::{ObjectType, Reader, Writer, PREFIX_LEN};
use crate::error::{DecodeErrorKind, Error, Parameter, Result};
use crate::hash::GT_BYTES;
use crate::scheme::fixed_base::FixedBaseG2;
use crate::secret::SecretG2;

/// Encoded length of a [`KeyFrag`].
const KEY_FRAG_LEN: usize = PREFIX_LEN + DELEGATION_ID_LEN + 4 + 96;

/// The random 16-byte identifier of one delegation, carried by its key fragments, verification
/// keys and capsule fragments so that pieces of different delegations are never combined.
///
/// ```
/// use rs_habe::pre::KeyPair;
/// # fn main() -> rs_habe::Result<()> {
/// let mut rng = rand::thread_rng();
/// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
/// let (kfrags, vks) = alice.delegate(&mut rng, &bob.public_key(), 1, 1)?;
/// assert_eq!(kfrags[0].delegation_id(), vks.delegation_id());
/// assert_eq!(vks.delegation_id().as_bytes().len(), 16);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DelegationId([u8; DELEGATION_ID_LEN]);

impl DelegationId {
    /// The 16 bytes of the id.
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// # let (_, vks) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// let id = vks.delegation_id();
    /// let bytes: &[u8; 16] = id.as_bytes();
    /// # let _ = bytes;
    /// ```
    pub fn as_bytes(&self) -> &[u8; DELEGATION_ID_LEN] {
        &self.0
    }

    fn random(rng: &mut (impl RngCore + CryptoRng)) -> Self {
        let mut id = [0u8; DELEGATION_ID_LEN];
        rng.fill_bytes(&mut id);
        DelegationId(id)
    }

    pub(crate) fn read(
        r: &mut Reader<'_>,
    ) -> core::result::Result<Self, crate::error::DecodeError> {
        Ok(DelegationId(r.array()?))
    }
}

/// Reads a fragment index: a u32 in `1..=MAX_SHARES`.
pub(crate) fn read_index(
    r: &mut Reader<'_>,
) -> core::result::Result<u8, crate::error::DecodeError> {
    let at = r.offset();
    let i = r.u32()?;
    u8::try_from(i)
        .ok()
        .filter(|&i| i != 0)
        .ok_or(r.err_at(DecodeErrorKind::InvalidValue, at))
}

/// A key fragment: the secret `kfrag_i = P2_B^{f(i)} ∈ G2` that proxy `i` of a delegation uses
/// to re-encrypt capsules (see [`KeyFrag::reencrypt`]).
///
/// Secret: zeroized on drop, `Debug` prints only the delegation id and the index. Not `Clone`:
/// each fragment belongs to one proxy; move it, or re-decode it from its bytes.
///
/// A proxy re-encrypts many capsules with one fragment, so the fragment keeps, from its first
/// [`reencrypt`](Self::reencrypt) on, the prepared Miller-loop lines of `kfrag_i` and the
/// proxy's `W_i = e(g, kfrag_i)` (a pairing the proof hashes). A long-running proxy also calls
/// [`prepare`](Self::prepare) once, for a fixed-base table of `kfrag_i`. Like a
/// [`DecryptionKey`](crate::DecryptionKey)'s lines, the prepared lines are derived from the
/// secret and cannot be wiped (`blstrs` does not expose them); the README's Security section
/// says so. The table is wiped on drop.
///
/// ```
/// use rs_habe::pre::{KeyFrag, KeyPair};
/// # fn main() -> rs_habe::Result<()> {
/// let mut rng = rand::thread_rng();
/// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
/// let (kfrags, _vks) = alice.delegate(&mut rng, &bob.public_key(), 2, 3)?;
/// let bytes = kfrags[0].to_bytes(); // send to proxy 1 over a confidential channel
/// let kfrag = KeyFrag::from_bytes(&bytes)?;
/// assert_eq!(kfrag.index(), 1);
/// # Ok(())
/// # }
/// ```
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct KeyFrag {
    #[zeroize(skip)]
    pub(crate) id: DelegationId,
    #[zeroize(skip)]
    pub(crate) index: u8,
    pub(crate) kfrag: SecretG2,
    /// Built on the first re-encryption (see the type's docs).
    #[zeroize(skip)]
    prepared: OnceBox<ProxyLines>,
    /// Built by [`prepare`](Self::prepare); wipes itself on drop.
    #[zeroize(skip)]
    table: OnceBox<SecretTable>,
}

/// What a proxy computes once per fragment: the prepared lines of `kfrag_i` and its `W_i`.
pub(crate) struct ProxyLines {
    pub(crate) kfrag: G2Prepared,
    pub(crate) w: Gt,
}

/// A fixed-base table of the secret `kfrag_i`, for the proof's `kfrag_i^c`; wiped on drop.
pub(crate) struct SecretTable(pub(crate) FixedBaseG2);

impl Drop for SecretTable {
    fn drop(&mut self) {
        self.0.zeroize();
    }
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
    pub(crate) fn new(id: DelegationId, index: u8, kfrag: SecretG2) -> Self {
        KeyFrag {
            id,
            index,
            kfrag,
            prepared: OnceBox::new(),
            table: OnceBox::new(),
        }
    }

    /// The prepared lines of `kfrag_i` and `W_i = e(g, kfrag_i)`, computed on first use.
    pub(crate) fn prepared(&self) -> &ProxyLines {
        self.prepared.get_or_init(|| {
            let kfrag = G2Prepared::from(self.kfrag.0);
            let w = pair_prepared(&G1Affine::generator(), &kfrag);
            Box::new(ProxyLines { kfrag, w })
        })
    }

    /// `kfrag_i^c` for the public challenge `c`: through the table if [`prepare`](Self::prepare)
    /// built one, else one constant-time scalar multiplication.
    pub(crate) fn kfrag_times(&self, c: &Scalar) -> G2Projective {
        match self.table.get() {
            // c is public: the table of the secret kfrag_i is read at c's digits.
            Some(table) => table.0.mul_public(c),
            None => self.kfrag.proj() * c,
        }
    }

    /// Makes re-encryption as fast as it gets, for a proxy that keeps this fragment and
    /// re-encrypts many capsules with it: prepares the lines of `kfrag_i`, computes `W_i` and
    /// builds a 266 KiB fixed-base table of `kfrag_i` (wiped on drop) for the proof's
    /// `kfrag_i^c`. About 7 ms once; it then saves about 0.14 ms per re-encryption, so a proxy
    /// that decodes a fragment for one request should not call it. Idempotent; the results are
    /// the same with or without it.
    ///
    /// ```
    /// use rs_habe::pre::{encapsulate, KeyPair};
    /// # fn main() -> rs_habe::Result<()> {
    /// let mut rng = rand::thread_rng();
    /// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (kfrags, vks) = alice.delegate(&mut rng, &bob.public_key(), 1, 1)?;
    /// let proxy = &kfrags[0];
    /// proxy.prepare(); // a long-running proxy, once
    /// for _ in 0..3 {
    ///     let (capsule, _) = encapsulate(&mut rng, &alice.public_key())?;
    ///     assert!(proxy.reencrypt(&mut rng, &capsule)?.verify(&capsule, &vks).is_ok());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn prepare(&self) {
        let _ = self.prepared();
        let _ = self
            .table
            .get_or_init(|| Box::new(SecretTable(FixedBaseG2::new(&self.kfrag.proj()))));
    }

    /// The delegation this fragment belongs to.
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (kfrags, vks) = a.delegate(&mut rng, &b.public_key(), 1, 2).unwrap();
    /// assert!(kfrags.iter().all(|k| k.delegation_id() == vks.delegation_id()));
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

    /// The secret encoding (scheme.md §12): prefix, delegation id (16 bytes), index (u32),
    /// `kfrag_i` (96 bytes). Zeroized on drop.
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (kfrags, _) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// assert_eq!(kfrags[0].to_bytes().len(), 6 + 16 + 4 + 96);
    /// ```
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        // Exact capacity: no reallocation leaves a copy of the secret behind.
        let mut out = Zeroizing::new(Vec::with_capacity(KEY_FRAG_LEN));
        out.put_prefix(ObjectType::KeyFrag);
        out.extend_from_slice(self.id.as_bytes());
        out.put_u32(u32::from(self.index));
        out.put_g2(&self.kfrag.0);
        out
    }

    /// Strictly decodes [`to_bytes`](Self::to_bytes): index in `1..=255`, a canonical subgroup
    /// point that is not the identity, no trailing bytes.
    ///
    /// ```
    /// use rs_habe::pre::KeyFrag;
    /// assert!(KeyFrag::from_bytes(&[]).is_err());
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        r.prefix(ObjectType::KeyFrag)?;
        let id = DelegationId::read(&mut r)?;
        let index = read_index(&mut r)?;
        let kfrag = SecretG2(r.g2()?);
        r.finish()?;
        Ok(KeyFrag::new(id, index, kfrag))
    }
}

/// The public side of a delegation: its id, the threshold `t`, the receiver's public key and
/// `W_i = e(g, P2_B)^{f(i)} ∈ GT` for `i = 1..=n`, against which capsule fragments are verified.
///
/// Must reach the receiver and verifiers authentically (see the module's trust model).
///
/// ```
/// use rs_habe::pre::{KeyPair, VerificationKeys};
/// # fn main() -> rs_habe::Result<()> {
/// let mut rng = rand::thread_rng();
/// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
/// let (_kfrags, vks) = alice.delegate(&mut rng, &bob.public_key(), 2, 3)?;
/// assert_eq!((vks.threshold(), vks.shares()), (2, 3));
/// assert_eq!(VerificationKeys::from_bytes(&vks.to_bytes())?, vks);
/// # Ok(())
/// # }
/// ```
pub struct VerificationKeys {
    pub(crate) id: DelegationId,
    pub(crate) threshold: u8,
    pub(crate) receiver: PublicKey,
    pub(crate) w: Vec<Gt>,
    /// A comb of each `W_i` for `W_i^c` in verification, built on first use (144 KiB each).
    combs: Vec<OnceBox<GtComb>>,
}

// By hand: the combs are a cache, not part of the value.
impl Clone for VerificationKeys {
    fn clone(&self) -> Self {
        VerificationKeys::new(self.id, self.threshold, self.receiver, self.w.clone())
    }
}

impl PartialEq for VerificationKeys {
    fn eq(&self, other: &Self) -> bool {
        (self.id, self.threshold, &self.receiver, &self.w)
            == (other.id, other.threshold, &other.receiver, &other.w)
    }
}

impl Eq for VerificationKeys {}

impl fmt::Debug for VerificationKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerificationKeys")
            .field("id", &self.id)
            .field("threshold", &self.threshold)
            .field("receiver", &self.receiver)
            .field("w", &self.w)
            .finish()
    }
}

impl VerificationKeys {
    /// The delegation these keys belong to.
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (_, vks) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// let _id = vks.delegation_id();
    /// ```
    pub fn delegation_id(&self) -> DelegationId {
        self.id
    }

    /// The threshold `t`: how many fragments the receiver needs.
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (_, vks) = a.delegate(&mut rng, &b.public_key(), 2, 4).unwrap();
    /// assert_eq!(vks.threshold(), 2);
    /// ```
    pub fn threshold(&self) -> usize {
        usize::from(self.threshold)
    }

    /// The number of fragments `n` of the delegation.
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (_, vks) = a.delegate(&mut rng, &b.public_key(), 2, 4).unwrap();
    /// assert_eq!(vks.shares(), 4);
    /// ```
    pub fn shares(&self) -> usize {
        self.w.len()
    }

    /// The receiver's public key.
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (_, vks) = a.delegate(&mut rng, &b.public_key(), 1, 1).unwrap();
    /// assert_eq!(vks.receiver(), b.public_key());
    /// ```
    pub fn receiver(&self) -> PublicKey {
        self.receiver
    }

    pub(crate) fn new(id: DelegationId, threshold: u8, receiver: PublicKey, w: Vec<Gt>) -> Self {
        let combs = w.iter().map(|_| OnceBox::new()).collect();
        VerificationKeys {
            id,
            threshold,
            receiver,
            w,
            combs,
        }
    }

    /// `W_i` for the 1-based index `i`, if `1 <= i <= n`.
    pub(crate) fn w(&self, index: u8) -> Option<&Gt> {
        self.w.get(usize::from(index).checked_sub(1)?)
    }

    /// `W_i^e` for a public `e` through `W_i`'s comb (built on first use), if `1 <= i <= n`.
    pub(crate) fn w_pow_public(&self, index: u8, e: &Scalar) -> Option<Gt> {
        let slot = usize::from(index).checked_sub(1)?;
        let w = self.w.get(slot)?;
        let comb = self.combs.get(slot)?;
        Some(comb.get_or_init(|| Box::new(GtComb::new(w))).pow_public(e))
    }

    /// The wire encoding (scheme.md §12): prefix, delegation id (16), receiver `P1` (48) and
    /// `P2` (96), `t` (u32), `n` (u32), then `W_1..W_n` (288 bytes each).
    ///
    /// ```
    /// # use rs_habe::pre::KeyPair;
    /// # let mut rng = rand::thread_rng();
    /// # let (a, b) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (_, vks) = a.delegate(&mut rng, &b.public_key(), 1, 2).unwrap();
    /// assert_eq!(vks.to_bytes().len(), 6 + 16 + 48 + 96 + 4 + 4 + 2 * 288);
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(PREFIX_LEN + DELEGATION_ID_LEN + 152 + self.w.len() * GT_BYTES);
        out.put_prefix(ObjectType::VerificationKeys);
        out.extend_from_slice(self.id.as_bytes());
        self.receiver.write_body(&mut out);
        out.put_u32(u32::from(self.threshold));
        out.put_len(self.w.len());
        for w in &self.w {
            out.put_gt(w);
        }
        out
    }

    /// Strictly decodes [`to_bytes`](Self::to_bytes): a valid receiver key, `1 <= t <= n <= 255`
    /// (the count is checked before anything is allocated), GT elements in the subgroup and not
    /// the identity, no trailing bytes.
    ///
    /// ```
    /// use rs_habe::pre::VerificationKeys;
    /// assert!(VerificationKeys::from_bytes(b"RSHB\x01\x14").is_err());
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        r.prefix(ObjectType::VerificationKeys)?;
        let id = DelegationId::read(&mut r)?;
        let receiver = PublicKey::read_body(&mut r)?;
        let t_at = r.offset();
        let t = r.u32()?;
        let n = r.count(MAX_SHARES, GT_BYTES)?;
        let threshold = u8::try_from(t)
            .ok()
            .filter(|&t| t != 0 && usize::from(t) <= n)
            .ok_or(r.err_at(DecodeErrorKind::InvalidValue, t_at))?;
        let mut w = Vec::with_capacity(n);
        for _ in 0..n {
            w.push(r.gt()?);
        }
        r.finish()?;
        Ok(VerificationKeys::new(id, threshold, receiver, w))
    }
}

impl KeyPair {
    /// Delegates decryption of this key pair's capsules to `receiver`, split among `shares`
    /// proxies of which any `threshold` suffice (`1 <= threshold <= shares <= 255`, else
    /// [`Error::InvalidParameter`]`(`[`Parameter::Threshold`]`)`).
    ///
    /// Returns the key fragments (fragment `i` at position `i − 1`, each for one proxy, to be sent
    /// confidentially) and the public [`VerificationKeys`] (for the receiver and verifiers).
    /// Every call draws a fresh [`DelegationId`] and a fresh polynomial.
    ///
    /// ```
    /// use rs_habe::{pre::KeyPair, Error, Parameter};
    /// # fn main() -> rs_habe::Result<()> {
    /// let mut rng = rand::thread_rng();
    /// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
    /// let (kfrags, vks) = alice.delegate(&mut rng, &bob.public_key(), 2, 3)?;
    /// assert_eq!(kfrags.len(), 3);
    /// assert_eq!(
    ///     alice.delegate(&mut rng, &bob.public_key(), 4, 3).unwrap_err(),
    ///     Error::InvalidParameter(Parameter::Threshold)
    /// );
    /// # let _ = vks;
    /// # Ok(())
    /// # }
    /// ```
    pub fn delegate(
        &self,
        rng: &mut (impl RngCore + CryptoRng),
        receiver: &PublicKey,
        threshold: usize,
        shares: usize,
    ) -> Result<(Vec<KeyFrag>, VerificationKeys)> {
        let t =
            u8::try_from(threshold).map_err(|_| Error::InvalidParameter(Parameter::Threshold))?;
        let n = u8::try_from(shares).map_err(|_| Error::InvalidParameter(Parameter::Threshold))?;
        if t == 0 || t > n {
            return Err(Error::InvalidParameter(Parameter::Threshold));
        }
        let a_inv = Option::<Scalar>::from(self.secret().invert()).ok_or(Error::Decryption)?;
        // f(x) = 1/a + c_1 x + … + c_{t−1} x^{t−1}, coefficients lowest first.
        let mut coeffs: Zeroizing<Vec<ScalarCell>> =
            Zeroizing::new(Vec::with_capacity(usize::from(t)));
        coeffs.push(ScalarCell(a_inv));
        // f(i) = 0 would give an identity fragment (probability n/r): redraw the polynomial.
        let evals = loop {
            coeffs.truncate(1);
            for _ in 1..t {
                coeffs.push(ScalarCell(random_nonzero(rng)));
            }
            let evals: Zeroizing<Vec<ScalarCell>> = Zeroizing::new(
                (1..=n)
                    .map(|i| {
                        let x = Scalar::from(u64::from(i));
                        ScalarCell(
                            coeffs
                                .iter()
                                .rev()
                                .fold(Scalar::ZERO, |acc, c| acc * x + c.0),
                        )
                    })
                    .collect(),
            );
            if evals.iter().all(|e| !bool::from(e.0.is_zero())) {
                break evals;
            }
        };
        let id = DelegationId::random(rng);
        let g = G1Affine::generator();
        let mut kfrags = Vec::with_capacity(usize::from(n));
        let mut w = Vec::with_capacity(usize::from(n));
        for (i, f_i) in (1..=n).zip(evals.iter()) {
            let kfrag = SecretG2::from(G2Projective::from(receiver.p2) * f_i.0);
            // W_i = e(g, P2_B)^{f(i)} = e(g, kfrag_i): a constant-time pairing instead of a GT
            // exponentiation by the secret f(i).
            w.push(pair(&g, &kfrag.0));
            kfrags.push(KeyFrag::new(id, i, kfrag));
        }
        Ok((kfrags, VerificationKeys::new(id, t, *receiver, w)))
    }
}
