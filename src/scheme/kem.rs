//! Encryption and decryption of the key encapsulation (scheme.md §7, §8 "Decrypt").
//!
//! Encrypt for policy `P` and period `T`: `s` fresh, `λ_i` shares of `s` over the leaves of `P`;
//! `C0 = g^s`; per leaf with fresh `t_i`: `C_{i,1} = w_A^{λ_i} v_A^{t_i}`,
//! `C_{i,2} = (u^{H(τ_i)} h)^{−t_i}`, `C_{i,3} = g^{t_i}`; per node `N = (k, b) ∈ Cover(T)` with
//! fresh `t_N`: `E_{N,1} = w_T^s v_T^{t_N}`, `E_{N,2} = F_N^{−t_N}`, `E_{N,3} = g^{t_N}`,
//! `D_{N,j} = f_j^{−t_N}` for `j = k+1..D_t`. Key: `KDF(Ω^s, "RSHABE-V1-KEM" ‖ canonical policy)`.
//!
//! Decrypt with `DK_{S,T'}`, `T ≤ T'`: `N` the node of `Cover(T)` that is a prefix of `T'`,
//! `(I, ω)` the reconstruction of §9:
//! `Ω^s = e(C0, K0) / [ e(Π C_{i,1}^{ω_i}, K1A) · Π e(C_{i,2}^{ω_i}, A2) e(C_{i,3}^{ω_i}, A3)
//! · e(E_{N,1}, K1T) e(E_{N,2}, B2_N) e(E_{N,3}, B3_N) ]` — one multi-Miller loop over
//! `2|I| + 5` pairs against the key's prepared lines (inverses moved into G1) and one final
//! exponentiation; for AND/OR-only policies no G1 exponentiation at all.
//!
//! `Ω^s` is computed as `e(Ω₁^s, ĝ)` (v1.1): a constant-time fixed-base G1 multiplication and one
//! pairing against `ĝ`'s lines, never `Ω * s` in GT, whose square-and-multiply leaks `s`
//! (scheme.md §1; see `crate::gt`).

use alloc::vec::Vec;

use blstrs::{G1Affine, G1Projective, G2Prepared, Scalar};
use group::{Curve, Group};
use rand_core::CryptoRngCore;
use zeroize::Zeroizing;

use super::keys::DecryptionKey;
use super::params::{Base, PublicParams};
use super::time::{self, TimeNode};
use crate::domain;
use crate::encoding::{ObjectType, Reader, Writer};
use crate::error::{DecodeErrorKind, Error, Result};
use crate::gt::GtElem;
use crate::hash;
use crate::policy::{Policy, MAX_POLICY_TEXT_LEN};
use crate::secret::SecretScalar;

/// A 32-byte key produced by a key encapsulation; zeroized on drop.
///
/// # Examples
///
/// ```
/// use rs_habe::{Authority, Header, Policy, SetupParams, SharedKey};
/// let mut rng = rand::thread_rng();
/// let authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
/// let (pp, policy) = (authority.public_params(), Policy::parse("nurse")?);
/// let (_header, key): (Header, SharedKey) = Header::encapsulate(&mut rng, pp, &policy, 0)?;
/// // Derefs to the 32 key bytes (for an AEAD, say); they are wiped when `key` is dropped.
/// let bytes: &[u8; 32] = &key;
/// let (_, other) = Header::encapsulate(&mut rng, pp, &policy, 0)?;
/// assert_ne!(bytes, &*other); // fresh for every encapsulation
/// # Ok::<(), rs_habe::Error>(())
/// ```
pub type SharedKey = Zeroizing<[u8; 32]>;

/// One time row of a header: the node of `Cover(T)` it belongs to, `E_{N,1..3}` and the
/// delegation elements `D_{N,j}` for `j = k+1..D_t`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TimeRow {
    pub(crate) node: TimeNode,
    pub(crate) e: [G1Affine; 3],
    pub(crate) d: Vec<G1Affine>,
}

/// The ABE part of a ciphertext (scheme.md §7): policy, period, `C0`, one row per policy leaf
/// and one time row per node of `Cover(T)`. Public; the cloud moves it to later periods with
/// [`update`](Self::update).
///
/// ```
/// use rs_habe::{Authority, AttributeSet, Header, Policy, SetupParams};
/// let mut rng = rand::thread_rng();
/// let mut authority = Authority::setup(&mut rng, SetupParams { time_depth: 8, tree_depth: 4 })?;
/// let pp = authority.public_params().clone();
/// let policy = Policy::parse("doctor and cardiology")?;
/// let (header, key) = Header::encapsulate(&mut rng, &pp, &policy, 2)?;
///
/// let sk = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "cardiology"])?)?;
/// let dk = sk.decryption_key(&authority.key_update(&mut rng, 5)?)?;
/// assert_eq!(*dk.decapsulate(&header)?, *key);
/// # Ok::<(), rs_habe::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Header {
    pub(crate) time_depth: u8,
    pub(crate) period: u64,
    pub(crate) policy: Policy,
    pub(crate) c0: G1Affine,
    /// `[C_{i,1}, C_{i,2}, C_{i,3}]` per leaf, in leaf order.
    pub(crate) rows: Vec<[G1Affine; 3]>,
    /// In `Cover(T)` order.
    pub(crate) time_rows: Vec<TimeRow>,
}

impl core::fmt::Debug for Header {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Header")
            .field("period", &self.period)
            .field("policy", &self.policy)
            .field("time_rows", &self.time_rows.len())
            .finish_non_exhaustive()
    }
}

/// Normalises projective G1 points with one shared inversion.
pub(crate) fn normalize_g1(points: &[G1Projective]) -> Vec<G1Affine> {
    let mut out = alloc::vec![G1Affine::default(); points.len()];
    G1Projective::batch_normalize(points, &mut out);
    out
}

impl TimeRow {
    /// A time row from its projective points, normalised in two batches (no filler values: the
    /// array and the vector are sized by what they receive).
    pub(crate) fn normalize(node: TimeNode, e: &[G1Projective; 3], d: &[G1Projective]) -> TimeRow {
        let mut e_affine = [G1Affine::default(); 3];
        G1Projective::batch_normalize(e, &mut e_affine);
        TimeRow {
            node,
            e: e_affine,
            d: normalize_g1(d),
        }
    }
}

impl Header {
    /// Encapsulates a fresh key for `policy` at `period` (scheme.md §7). Returns the header and
    /// the 32-byte key; anyone whose attributes satisfy the policy and who holds a decryption key
    /// for `period` or later recovers the key.
    ///
    /// # Errors
    /// [`Error::PeriodOutOfRange`].
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Error, Header, Policy, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let pp = authority.public_params().clone();
    /// let policy = Policy::parse("doctor or nurse")?;
    /// let (header, key) = Header::encapsulate(&mut rng, &pp, &policy, 3)?;
    /// assert_eq!((header.period(), header.policy()), (3, &policy));
    ///
    /// // A nurse with a key for period 3 or later recovers the key.
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 4)?)?;
    /// assert_eq!(*dk.decapsulate(&header)?, *key);
    ///
    /// assert!(matches!(
    ///     Header::encapsulate(&mut rng, &pp, &policy, pp.periods()),
    ///     Err(Error::PeriodOutOfRange)
    /// ));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn encapsulate(
        rng: &mut impl CryptoRngCore,
        pp: &PublicParams,
        policy: &Policy,
        period: u64,
    ) -> Result<(Header, SharedKey)> {
        time::check_period(pp.time_depth, period)?;
        let s = SecretScalar::random(&mut *rng);
        let shares = policy.share(&s, rng);
        let cover = time::cover(pp.time_depth, period);

        let c0 = pp.mul_g1(Base::G, &s).to_affine();
        // The attribute rows, normalised in one batch.
        let mut rows_proj = Vec::with_capacity(shares.len());
        for (attr, lambda) in policy.leaves().iter().zip(shares.iter()) {
            let t = SecretScalar::random(&mut *rng);
            rows_proj.push([
                pp.mul_g1(Base::WA, &lambda.0) + pp.mul_g1(Base::VA, &t),
                -pp.attr_base_g1_pow(&hash::attribute_hash(attr.as_str()), &t),
                pp.mul_g1(Base::G, &t),
            ]);
        }
        drop(shares); // wiped: the shares of `s` are as secret as `s`
        let mut rows = alloc::vec![[G1Affine::default(); 3]; rows_proj.len()];
        G1Projective::batch_normalize(rows_proj.as_flattened(), rows.as_flattened_mut());

        let w_t_s = pp.mul_g1(Base::WT, &s);
        let time_rows = cover
            .iter()
            .map(|node| {
                let t = SecretScalar::random(&mut *rng);
                let e = [
                    w_t_s + pp.mul_g1(Base::VT, &t),
                    -(pp.f_node_g1(node) * *t),
                    pp.mul_g1(Base::G, &t),
                ];
                let d: Vec<G1Projective> = pp
                    .f_muls_g1(node.depth + 1, &t)
                    .into_iter()
                    .map(|p| -p)
                    .collect();
                TimeRow::normalize(*node, &e, &d)
            })
            .collect();
        let header = Header {
            time_depth: pp.time_depth,
            period,
            policy: policy.clone(),
            c0,
            rows,
            time_rows,
        };
        let key = kem_key(&pp.omega_pow(&s), policy)?;
        Ok((header, key))
    }

    /// The header's period.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, Header, Policy, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let pp = authority.public_params();
    /// let (header, _) = Header::encapsulate(&mut rng, pp, &Policy::parse("nurse")?, 3)?;
    /// assert_eq!(header.period(), 3);
    /// assert_eq!(header.update(&mut rng, pp, 9)?.period(), 9); // moved on by the cloud
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn period(&self) -> u64 {
        self.period
    }

    /// The header's policy.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, Header, Policy, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let policy = Policy::parse("Nurse AND \"ward 3\"")?;
    /// let (header, _) = Header::encapsulate(&mut rng, authority.public_params(), &policy, 0)?;
    /// // Public, in canonical form: a user can check it before trying to decrypt.
    /// assert_eq!(header.policy().to_string(), "Nurse and \"ward 3\"");
    /// assert!(header.policy().is_satisfied_by(&AttributeSet::new(["Nurse", "ward 3"])?));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The time-tree depth of the parameters the header was made under.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Error, Header, Policy, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let a = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let mut b = Authority::setup(&mut rng, SetupParams { time_depth: 5, tree_depth: 2 })?;
    /// let policy = Policy::parse("nurse")?;
    /// let (header, _) = Header::encapsulate(&mut rng, a.public_params(), &policy, 0)?;
    /// assert_eq!(header.time_depth(), 4);
    /// // A key made under parameters of another depth cannot open it.
    /// let nurse = b.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let dk = nurse.decryption_key(&b.key_update(&mut rng, 0)?)?;
    /// assert_ne!(dk.time_depth(), header.time_depth());
    /// assert!(matches!(dk.decapsulate(&header), Err(Error::ParamsMismatch)));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn time_depth(&self) -> u8 {
        self.time_depth
    }

    /// Size of the encoding in bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, Header, Policy, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let pp = authority.public_params();
    /// let (one, _) = Header::encapsulate(&mut rng, pp, &Policy::parse("a")?, 0)?;
    /// let (two, _) = Header::encapsulate(&mut rng, pp, &Policy::parse("a or b")?, 0)?;
    /// assert_eq!(one.encoded_len(), one.to_bytes().len());
    /// // Each leaf adds three G1 points (144 bytes), plus its share of the policy text.
    /// assert_eq!(two.encoded_len() - one.encoded_len(), 144 + "a or b".len() - "a".len());
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn encoded_len(&self) -> usize {
        crate::encoding::PREFIX_LEN
            + 1
            + 8
            + 4
            + self.policy.canonical_text().len()
            + 48 * (1 + 3 * self.rows.len())
            + self
                .time_rows
                .iter()
                .map(|r| 48 * (3 + r.d.len()))
                .sum::<usize>()
    }

    /// The canonical encoding (scheme.md §12).
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, Header, Policy, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let policy = Policy::parse("doctor and cardiology")?;
    /// let (header, _) = Header::encapsulate(&mut rng, authority.public_params(), &policy, 2)?;
    /// let bytes = header.to_bytes(); // public: store it next to the ciphertext
    /// let decoded = Header::from_bytes(&bytes)?;
    /// assert_eq!(decoded, header);
    /// assert_eq!(decoded.to_bytes(), bytes);
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.write(&mut out);
        out
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.put_prefix(ObjectType::Header);
        out.put_u8(self.time_depth);
        out.put_u64(self.period);
        out.put_var_bytes(self.policy.canonical_text().as_bytes());
        out.put_g1(&self.c0);
        for row in &self.rows {
            for p in row {
                out.put_g1(p);
            }
        }
        for row in &self.time_rows {
            for p in row.e.iter().chain(row.d.iter()) {
                out.put_g1(p);
            }
        }
    }

    /// Strict decoding: the policy text must be canonical, there must be exactly one row per
    /// leaf and one time row per node of `Cover(T)` with `D_t − k` delegation elements, every
    /// point in the subgroup and none the identity, no trailing bytes.
    ///
    /// # Errors
    /// [`Error::Decode`] with the offending kind and offset.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, DecodeErrorKind, Error, Header, Policy, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let pp = authority.public_params().clone();
    /// let (header, key) = Header::encapsulate(&mut rng, &pp, &Policy::parse("nurse")?, 1)?;
    /// let bytes = header.to_bytes();
    ///
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// assert_eq!(*dk.decapsulate(&Header::from_bytes(&bytes)?)?, *key);
    ///
    /// // The policy text (at byte 19, after its length at 15) must be canonical: " urse" is not.
    /// let mut edited = bytes.clone();
    /// edited[19] = b' ';
    /// match Header::from_bytes(&edited) {
    ///     Err(Error::Decode(e)) => {
    ///         assert_eq!((e.kind, e.offset), (DecodeErrorKind::InvalidPolicy, 15))
    ///     }
    ///     other => panic!("{other:?}"),
    /// }
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        let h = Self::read(&mut r)?;
        r.finish()?;
        Ok(h)
    }

    pub(crate) fn read(
        r: &mut Reader<'_>,
    ) -> core::result::Result<Self, crate::error::DecodeError> {
        r.prefix(ObjectType::Header)?;
        let (time_depth, period) = super::keys::read_time_depth_and_period(r)?;
        let at = r.offset();
        let text = r.var_bytes(MAX_POLICY_TEXT_LEN)?;
        let bad_policy = || r.err_at(DecodeErrorKind::InvalidPolicy, at);
        let text = core::str::from_utf8(text).map_err(|_| bad_policy())?;
        let policy = Policy::parse(text).map_err(|_| bad_policy())?;
        if policy.canonical_text() != text {
            return Err(bad_policy());
        }
        let n = policy.leaf_count();
        if n.saturating_mul(3 * 48) > r.remaining() {
            return Err(r.err(DecodeErrorKind::Truncated));
        }
        let c0 = r.g1()?;
        let mut rows = Vec::with_capacity(n);
        for _ in 0..n {
            rows.push([r.g1()?, r.g1()?, r.g1()?]);
        }
        let cover = time::cover(time_depth, period);
        let mut time_rows = Vec::with_capacity(cover.len());
        for node in cover {
            let e = [r.g1()?, r.g1()?, r.g1()?];
            let mut d = Vec::with_capacity(usize::from(time_depth - node.depth));
            for _ in node.depth + 1..=time_depth {
                d.push(r.g1()?);
            }
            time_rows.push(TimeRow { node, e, d });
        }
        Ok(Header {
            time_depth,
            period,
            policy,
            c0,
            rows,
            time_rows,
        })
    }
}

/// `p · ω` for a *public* scalar (a reconstruction coefficient, computed from the policy alone).
/// Variable-time: coefficients that are small integers or their negatives (2-of-3 over children
/// 1 and 2 gives 2 and −1) take a short double-and-add; others a full multiplication.
fn mul_public_vartime(p: G1Projective, omega: &Scalar) -> G1Projective {
    let small = |w: &Scalar| -> Option<u64> {
        let b = w.to_bytes_le();
        let (lo, hi) = b.split_at(8);
        if hi.iter().all(|&x| x == 0) {
            lo.try_into().ok().map(u64::from_le_bytes)
        } else {
            None
        }
    };
    let double_and_add = |k: u64| {
        let mut acc = G1Projective::identity();
        for i in (0..64 - k.leading_zeros()).rev() {
            acc = acc.double();
            if (k >> i) & 1 == 1 {
                acc += p;
            }
        }
        acc
    };
    match (small(omega), small(&-omega)) {
        (Some(k), _) => double_and_add(k),
        (_, Some(k)) => -double_and_add(k),
        _ => p * omega,
    }
}

/// `KDF(Ω^s, "RSHABE-V1-KEM" ‖ canonical policy bytes)` (scheme.md §7).
pub(crate) fn kem_key(z: &GtElem, policy: &Policy) -> Result<SharedKey> {
    z.kdf(domain::LABEL_KEM, &[policy.canonical_text().as_bytes()])
}

impl DecryptionKey {
    /// Recovers the key encapsulated in `header` (scheme.md §8).
    ///
    /// # Errors
    /// - [`Error::ParamsMismatch`]: key and header are for different time-tree depths.
    /// - [`Error::PeriodNotCovered`]: the header's period is later than the key's.
    /// - [`Error::PolicyNotSatisfied`]: the key's attributes do not satisfy the policy.
    /// - [`Error::Decryption`]: the pairing result is degenerate (only for a malformed header).
    ///
    /// A key of a revoked or otherwise wrong user yields a wrong key (rejected by the AEAD that
    /// uses it), never the right one.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Error, Header, Policy, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let pp = authority.public_params().clone();
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse", "ward:3"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 5)?)?;
    ///
    /// let policy = Policy::parse("nurse and ward:3")?;
    /// let (header, key) = Header::encapsulate(&mut rng, &pp, &policy, 5)?;
    /// assert_eq!(*dk.decapsulate(&header)?, *key);
    ///
    /// // Public facts come back as typed errors.
    /// let (later, _) = Header::encapsulate(&mut rng, &pp, &Policy::parse("nurse")?, 6)?;
    /// assert!(matches!(dk.decapsulate(&later), Err(Error::PeriodNotCovered)));
    /// let (for_doctors, _) = Header::encapsulate(&mut rng, &pp, &Policy::parse("doctor")?, 5)?;
    /// assert!(matches!(dk.decapsulate(&for_doctors), Err(Error::PolicyNotSatisfied)));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn decapsulate(&self, header: &Header) -> Result<SharedKey> {
        let z = self.decapsulate_gt(header)?;
        kem_key(&z, &header.policy)
    }

    /// `Ω^s` for a header (before the KDF).
    pub(crate) fn decapsulate_gt(&self, header: &Header) -> Result<GtElem> {
        let (g1, lines) = self.pairing_inputs(header)?;
        let terms: Vec<(&G1Affine, &G2Prepared)> = g1.iter().zip(lines.iter().copied()).collect();
        Ok(GtElem::multi_pairing(&terms))
    }

    /// The G1 side (with inverses folded in) and the prepared G2 side of the decryption
    /// multi-pairing, `2|I| + 5` pairs.
    pub(crate) fn pairing_inputs<'a>(
        &'a self,
        header: &Header,
    ) -> Result<(Vec<G1Affine>, Vec<&'a G2Prepared>)> {
        if header.time_depth != self.time_depth {
            return Err(Error::ParamsMismatch);
        }
        if header.period > self.period {
            return Err(Error::PeriodNotCovered);
        }
        let recon = header
            .policy
            .reconstruct(&self.attributes)
            .ok_or(Error::PolicyNotSatisfied)?;
        let leaf = TimeNode {
            depth: self.time_depth,
            index: self.period,
        };
        let row = header
            .time_rows
            .iter()
            .find(|r| r.node.is_prefix_of(&leaf))
            .ok_or(Error::PeriodNotCovered)?;
        let time_lines = self.time_lines(row.node.depth).ok_or(Error::Decryption)?;
        let lines = self.lines();

        let n = recon.terms.len();
        let mut g1 = Vec::with_capacity(2 * n + 5);
        let mut g2: Vec<&G2Prepared> = Vec::with_capacity(2 * n + 5);
        let mut sum_c1 = G1Projective::identity();
        let mut rest = Vec::with_capacity(2 * n);
        for (i, omega) in &recon.terms {
            let c = header.rows.get(*i).ok_or(Error::Decryption)?;
            let attr = header.policy.leaves().get(*i).ok_or(Error::Decryption)?;
            let pos = self
                .attributes
                .iter()
                .position(|a| a == attr)
                .ok_or(Error::PolicyNotSatisfied)?;
            let al = lines.attrs.get(pos).ok_or(Error::Decryption)?;
            let [c1, c2, c3] = c.map(G1Projective::from);
            if recon.all_ones {
                sum_c1 += c1;
                rest.push(-c2);
                rest.push(-c3);
            } else {
                sum_c1 += mul_public_vartime(c1, omega);
                rest.push(-mul_public_vartime(c2, omega));
                rest.push(-mul_public_vartime(c3, omega));
            }
            g2.push(&al[0]);
            g2.push(&al[1]);
        }
        let [e1, e2, e3] = row.e.map(G1Projective::from);
        let mut proj = Vec::with_capacity(2 * n + 5);
        proj.push(G1Projective::from(header.c0));
        proj.push(-sum_c1);
        proj.extend(rest);
        proj.extend([-e1, -e2, -e3]);
        g1.extend(normalize_g1(&proj));
        let mut all = Vec::with_capacity(2 * n + 5);
        all.push(&lines.k0);
        all.push(&lines.k1a);
        all.extend(g2);
        all.extend([&lines.k1t, &time_lines[0], &time_lines[1]]);
        Ok((g1, all))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ff::Field;
    use rand::SeedableRng;

    #[test]
    fn public_vartime_multiplication_matches_the_constant_time_one() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3);
        let p = G1Projective::random(&mut rng);
        let big = Scalar::random(&mut rng);
        for w in [
            Scalar::ZERO,
            Scalar::ONE,
            Scalar::from(2u64),
            -Scalar::ONE,
            -Scalar::from(3u64),
            Scalar::from(u64::MAX),
            -Scalar::from(u64::MAX),
            big,
            -big,
        ] {
            assert_eq!(mul_public_vartime(p, &w), p * w);
        }
    }
}
