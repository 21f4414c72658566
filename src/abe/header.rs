//! Headers: the key encapsulation's ciphertext (scheme.md §7 as replaced by abe-v2.md §7), its
//! codec, and the cloud's ciphertext update (§8 "Update"). Decryption (§8, summarised here)
//! lives with the key, in `decryption_key`.
//!
//! Encrypt for policy `P` and period `T`: `s₀` fresh, `λ_i` shares of `s₀` over the leaves of
//! `P` (§9); a fresh `s₁⁽ʲ⁾` per occurrence layer `j = 1..m` (leaf `i` is in layer `j(i)` when it
//! is the `j`-th occurrence of its attribute; `m` is the largest multiplicity, 1 when no attribute
//! repeats). `Ĉ0 = ĝ^{s₀}`, `Ĉ1⁽ʲ⁾ = ĝ^{s₁⁽ʲ⁾}` (G2); per leaf `C_i = H₀^{λ_i} H(τ_i)^{s₁^{(j(i))}}`
//! (G1); per node `N = (k, b) ∈ Cover(T)` with fresh `t_N`: `E_{N,1} = w_T^{s₀} v_T^{t_N}`,
//! `E_{N,2} = F_N^{−t_N}`, `E_{N,3} = g^{t_N}`, `D_{N,j} = f_j^{−t_N}` for `j = k+1..D_t`.
//! Key: `KDF(Ω^{s₀}, "RSHABE-V2-KEM" ‖ canonical policy)`.
//!
//! Why one `s₁` per layer: with a single `s₁` for every leaf, a repeated attribute lets a user
//! combine the rows linearly so that the repeated attribute's points cancel — `2 of (a, a, b)` is
//! opened with `b` alone by `3C₁ − 3C₂ + C₃ = H₀^{s₀} H(b)^{s₁}` (abe-v2.md F-AB2; the regression
//! tests are in `attack_tests`). Why time rows keep their own `t_N` with `s₀` only in `E_{N,1}`: rows
//! sharing `s₀` directly (`E_N = F_N^{s₀}`) let a revoked user's old key open newer headers
//! (F-AB6).
//!
//! Decrypt with `DK_{S,T'}`, `T ≤ T'`: `N` the node of `Cover(T)` that is a prefix of `T'`,
//! `(I, ω)` the reconstruction of §9:
//! `Ω^{s₀} = e(K0, Ĉ0) · Π_j e(Π_{i∈I, j(i)=j} K_{τ_i}^{ω_i}, Ĉ1⁽ʲ⁾)
//! / [ e(Π_{i∈I} C_i^{ω_i}, K̂) · e(E_{N,1}, K1T) · e(E_{N,2}, B2_N) · e(E_{N,3}, B3_N) ]` — one
//! multi-Miller loop over `5 + m'` pairs (`m'` the layers among the chosen leaves; 6 when no
//! attribute repeats, whatever the policy's size), inverses moved into G1, the key's `K̂`, `K1T`
//! and time lines prepared once and the header's `Ĉ0`, `Ĉ1⁽ʲ⁾` per call, and one final
//! exponentiation. For AND/OR-only policies every `ω_i = 1`: G1 additions only.
//!
//! `Ω^{s₀}` is computed as `e(g^{s₀}, Ω̂₁)`: a constant-time fixed-base G1 multiplication and one
//! pairing against `Ω̂₁`'s prepared lines, never `Ω * s₀` in GT, whose square-and-multiply leaks
//! `s₀` (scheme.md §1; see `crate::gt`).
//!
//! # Ciphertext update
//! Ciphertext update (scheme.md §8 "Update"): the cloud moves a header to a later period using
//! public parameters only, so that a user revoked in between cannot open it any more.
//!
//! A node in both `Cover(T)` and `Cover(T')` keeps its row. Every other `N' = (k', b') ∈
//! Cover(T')` lies under some `N = (k, b) ∈ Cover(T)`; its row is derived with its **own** fresh
//! `t'` (two rows derived with one `t'` would reveal `f_{k+1}^{t'}` and let anyone climb back to
//! the older parent row — the regression test `shared_update_randomness_lets_anyone_climb_back`
//! shows it):
//! `E'_1 = E_{N,1} v_T^{t'}`, `E'_2 = E_{N,2} Π_{j=k+1..k'} D_{N,j}^{x_j(N')} F_{N'}^{−t'}`,
//! `E'_3 = E_{N,3} g^{t'}`, `D'_j = D_{N,j} f_j^{−t'}` for `j = k'+1..D_t`.
//! `Ĉ0`, the attribute part and the payload are untouched: the encapsulated key does not change.
//!
//! The old header must be deleted by whoever stores it: a revoked user who kept a copy can
//! still open it.
use alloc::vec::Vec;

use blstrs::{G1Affine, G1Projective, G2Affine, G2Projective, Scalar};
use group::{Curve, Group};
use rand_core::CryptoRngCore;

use super::params::{Base1, Base2, PublicParams};
use super::time_tree::{self, TimeNode};
use crate::domain;
use crate::encoding::{self, Decode, Encode, Object, ObjectType, Reader, Writer};
use crate::error::{DecodeErrorKind, Error, Result};
use crate::gt::GtElem;
use crate::policy::{Policy, MAX_POLICY_TEXT_LEN};
use crate::secret::SecretScalar;
use crate::SharedKey;

/// One time row of a header: the node of `Cover(T)` it belongs to, `E_{N,1..3}` and the
/// delegation elements `D_{N,j}` for `j = k+1..D_t`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TimeRow {
    pub(crate) node: TimeNode,
    pub(crate) e: [G1Affine; 3],
    pub(crate) d: Vec<G1Affine>,
}

/// The ABE part of a ciphertext (abe-v2.md §7): policy, period, `Ĉ0`, one `Ĉ1⁽ʲ⁾` per
/// occurrence layer, one `C_i` per policy leaf and one time row per node of `Cover(T)`. Public;
/// the cloud moves it to later periods with [`update`](Self::update).
///
/// ```
/// use rs_habe::{Authority, AttributeSet, Header, Policy, SetupParams};
/// let mut rng = rand::thread_rng();
/// let mut authority = Authority::setup(&mut rng, SetupParams::new(8, 4))?;
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
    /// `Ĉ0 = ĝ^{s₀}`.
    pub(crate) c0: G2Affine,
    /// `Ĉ1⁽ʲ⁾ = ĝ^{s₁⁽ʲ⁾}`, one per occurrence layer (`m = policy.layer_count()` of them).
    pub(crate) c1: Vec<G2Affine>,
    /// `C_i = H₀^{λ_i} H(τ_i)^{s₁^{(j(i))}}`, one per leaf, in leaf order.
    pub(crate) rows: Vec<G1Affine>,
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

/// Normalises projective points (G1 or G2) with one shared inversion. Public points only: the
/// output buffer is not wiped.
pub(crate) fn normalize<C: Curve>(points: &[C]) -> Vec<C::AffineRepr>
where
    C::AffineRepr: Default + Clone,
{
    let mut out = alloc::vec![C::AffineRepr::default(); points.len()];
    C::batch_normalize(points, &mut out);
    out
}

impl TimeRow {
    /// The row of `node ∈ Cover(T)` with randomness `t_N` (abe-v2.md §7, as v1.1):
    /// `E_{N,1} = w_T^{s₀} v_T^{t_N}`, `E_{N,2} = F_N^{−t_N}`, `E_{N,3} = g^{t_N}`,
    /// `D_{N,j} = f_j^{−t_N}` for `j = k+1..D_t`; `w_t_s` is `w_T^{s₀}`, computed once per header.
    pub(crate) fn encrypt(
        pp: &PublicParams,
        node: TimeNode,
        w_t_s: &G1Projective,
        t: &Scalar,
    ) -> TimeRow {
        let e = [
            w_t_s + pp.mul_g1(Base1::VT, t),
            -(pp.f_node_g1(&node) * t),
            pp.mul_g1(Base1::G, t),
        ];
        let d: Vec<G1Projective> = pp
            .f_muls_g1(node.depth + 1, t)
            .into_iter()
            .map(|p| -p)
            .collect();
        TimeRow::normalize(node, &e, &d)
    }

    /// A time row from its projective points, normalised in two batches (no filler values: the
    /// array and the vector are sized by what they receive).
    pub(crate) fn normalize(node: TimeNode, e: &[G1Projective; 3], d: &[G1Projective]) -> TimeRow {
        let mut e_affine = [G1Affine::default(); 3];
        G1Projective::batch_normalize(e, &mut e_affine);
        TimeRow {
            node,
            e: e_affine,
            d: normalize(d),
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
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
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
        time_tree::check_period(pp.time_depth, period)?;
        let s0 = SecretScalar::random(&mut *rng);
        let shares = policy.share(&s0, rng);
        let cover = time_tree::cover(pp.time_depth, period);

        let c0 = pp.mul_g2(Base2::G, &s0).to_affine();
        // One s₁ per occurrence layer (abe-v2.md §7, F-AB2).
        let s1: Vec<SecretScalar> = (0..policy.layer_count())
            .map(|_| SecretScalar::random(&mut *rng))
            .collect();
        let c1: Vec<G2Projective> = s1.iter().map(|s| pp.mul_g2(Base2::G, s)).collect();
        let c1 = normalize(&c1);
        let points = policy.leaf_points();
        let mut rows_proj = Vec::with_capacity(shares.len());
        for ((lambda, point), layer) in shares.iter().zip(points).zip(policy.layers()) {
            let s1_j = s1.get(usize::from(*layer)).ok_or(Error::Decryption)?;
            rows_proj.push(pp.mul_g1(Base1::H0, &lambda.0) + G1Projective::from(point) * **s1_j);
        }
        drop(shares); // wiped: the shares of `s₀` are as secret as `s₀`
        drop(s1);
        let rows = normalize(&rows_proj);

        let w_t_s = pp.mul_g1(Base1::WT, &s0);
        let time_rows = cover
            .iter()
            .map(|node| TimeRow::encrypt(pp, *node, &w_t_s, &SecretScalar::random(&mut *rng)))
            .collect();
        let header = Header {
            time_depth: pp.time_depth,
            period,
            policy: policy.clone(),
            c0,
            c1,
            rows,
            time_rows,
        };
        let key = kem_key(&pp.omega_pow(&s0), policy)?;
        Ok((header, key))
    }

    /// The header's period.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, Header, Policy, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
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
    /// # let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
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
    /// let a = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let mut b = Authority::setup(&mut rng, SetupParams::new(5, 2))?;
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
    /// # let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params();
    /// let (one, _) = Header::encapsulate(&mut rng, pp, &Policy::parse("a")?, 0)?;
    /// let (two, _) = Header::encapsulate(&mut rng, pp, &Policy::parse("a or b")?, 0)?;
    /// assert_eq!(one.encoded_len(), one.to_bytes().len());
    /// // Each leaf adds one G1 point (48 bytes), plus its share of the policy text.
    /// assert_eq!(two.encoded_len() - one.encoded_len(), 48 + "a or b".len() - "a".len());
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn encoded_len(&self) -> usize {
        Encode::encoded_len(self)
    }

    /// The canonical encoding (scheme.md §12).
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, Header, Policy, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let policy = Policy::parse("doctor and cardiology")?;
    /// let (header, _) = Header::encapsulate(&mut rng, authority.public_params(), &policy, 2)?;
    /// let bytes = header.to_bytes(); // public: store it next to the ciphertext
    /// let decoded = Header::from_bytes(&bytes)?;
    /// assert_eq!(decoded, header);
    /// assert_eq!(decoded.to_bytes(), bytes);
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        encoding::to_bytes(self)
    }

    /// Strict decoding: the policy text must be canonical, the layer count `m` must equal the
    /// largest multiplicity of an attribute in the policy, there must be exactly one `C_i` per
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
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
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
        encoding::from_bytes(bytes)
    }
}

impl Object for Header {
    const OBJECT: ObjectType = ObjectType::Header;
}

impl Encode for Header {
    fn write_body(&self, out: &mut dyn Writer) {
        out.put_u8(self.time_depth);
        out.put_u64(self.period);
        out.put_var_bytes(self.policy.canonical_text().as_bytes());
        out.put_g2(&self.c0);
        // m ≤ MAX_LEAVES (1024) fits a u16.
        out.put_u16(self.c1.len() as u16);
        for c in &self.c1 {
            out.put_g2(c);
        }
        for c in &self.rows {
            out.put_g1(c);
        }
        for row in &self.time_rows {
            for p in row.e.iter().chain(row.d.iter()) {
                out.put_g1(p);
            }
        }
    }
}

impl Decode for Header {
    fn read_body(r: &mut Reader<'_>) -> Result<Self> {
        let (time_depth, period) = super::components::read_time_depth_and_period(r)?;
        let at = r.offset();
        let text = r.var_bytes(MAX_POLICY_TEXT_LEN)?;
        let bad_policy = || r.err_at(DecodeErrorKind::InvalidPolicy, at);
        let text = core::str::from_utf8(text).map_err(|_| bad_policy())?;
        let policy = Policy::parse(text).map_err(|_| bad_policy())?;
        if policy.canonical_text() != text {
            return Err(bad_policy().into());
        }
        let c0 = r.g2()?;
        let at = r.offset();
        let m = usize::from(r.u16()?);
        if m != policy.layer_count() {
            return Err(r.err_at(DecodeErrorKind::InvalidValue, at).into());
        }
        let n = policy.leaf_count();
        if (96 * m).saturating_add(48 * n) > r.remaining() {
            return Err(r.err(DecodeErrorKind::Truncated).into());
        }
        let mut c1 = Vec::with_capacity(m);
        for _ in 0..m {
            c1.push(r.g2()?);
        }
        let mut rows = Vec::with_capacity(n);
        for _ in 0..n {
            rows.push(r.g1()?);
        }
        let cover = time_tree::cover(time_depth, period);
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
            c1,
            rows,
            time_rows,
        })
    }
}

/// `KDF(Ω^{s₀}, "RSHABE-V2-KEM" ‖ canonical policy bytes)` (abe-v2.md §7).
pub(crate) fn kem_key(z: &GtElem, policy: &Policy) -> Result<SharedKey> {
    z.kdf(
        domain::SUITE_ID_ABE,
        domain::LABEL_KEM,
        &[policy.canonical_text().as_bytes()],
    )
}

/// Derives the row of `child` (a descendant of, or equal to, `parent.node`) with randomness `t'`.
pub(crate) fn derive_row(
    pp: &PublicParams,
    parent: &TimeRow,
    child: TimeNode,
    t: &Scalar,
) -> Option<TimeRow> {
    let k = parent.node.depth;
    let k2 = child.depth;
    if !parent.node.is_prefix_of(&child) {
        return None;
    }
    let [e1, e2, e3] = parent.e.map(G1Projective::from);
    let mut e2 = e2;
    for j in k + 1..=k2 {
        let d = G1Projective::from(*parent.d.get(usize::from(j - k - 1))?);
        e2 += if child.label(j) == 2 { d.double() } else { d };
    }
    let e = [
        e1 + pp.mul_g1(Base1::VT, t),
        e2 - pp.f_node_g1(&child) * t,
        e3 + pp.mul_g1(Base1::G, t),
    ];
    // D'_j = D_{N,j} f_j^{−t'} for j = k'+1..D_t: the parent's last D_t − k' elements.
    let kept = parent.d.get(usize::from(k2 - k)..)?;
    let d: Vec<G1Projective> = kept
        .iter()
        .zip(pp.f_muls_g1(k2 + 1, t))
        .map(|(d, f)| G1Projective::from(*d) - f)
        .collect();
    Some(TimeRow::normalize(child, &e, &d))
}

impl Header {
    /// Moves the header to a later period (scheme.md §8), with public parameters only — the
    /// cloud's job. `period == self.period()` returns an identical copy.
    ///
    /// ```
    /// use rs_habe::{Authority, Header, Policy, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let authority = Authority::setup(&mut rng, SetupParams::new(8, 4))?;
    /// let pp = authority.public_params();
    /// let (header, _key) = Header::encapsulate(&mut rng, pp, &Policy::parse("nurse")?, 3)?;
    /// let later = header.update(&mut rng, pp, 4)?;
    /// assert_eq!(later.period(), 4);
    /// assert!(matches!(later.update(&mut rng, pp, 3), Err(rs_habe::Error::PeriodInPast)));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::PeriodInPast`] for an earlier period, [`Error::PeriodOutOfRange`],
    /// [`Error::ParamsMismatch`] if `pp` has another time depth.
    pub fn update(
        &self,
        rng: &mut impl CryptoRngCore,
        pp: &PublicParams,
        period: u64,
    ) -> Result<Header> {
        if pp.time_depth != self.time_depth {
            return Err(Error::ParamsMismatch);
        }
        time_tree::check_period(self.time_depth, period)?;
        if period < self.period {
            return Err(Error::PeriodInPast);
        }
        let cover = time_tree::cover(self.time_depth, period);
        let mut time_rows = Vec::with_capacity(cover.len());
        for node in cover {
            let parent = self
                .time_rows
                .iter()
                .find(|r| r.node.is_prefix_of(&node))
                .ok_or(Error::Decryption)?;
            if parent.node == node {
                time_rows.push(parent.clone());
                continue;
            }
            let t = SecretScalar::random(&mut *rng);
            let row = derive_row(pp, parent, node, &t).ok_or(Error::Decryption);
            time_rows.push(row?);
        }
        Ok(Header {
            time_depth: self.time_depth,
            period,
            policy: self.policy.clone(),
            c0: self.c0,
            c1: self.c1.clone(),
            rows: self.rows.clone(),
            time_rows,
        })
    }
}

/// Moves every header of `headers` to `period` (scheme.md §8): the cloud's nightly job.
///
/// With the `parallel` feature the headers are updated on rayon's thread pool; each header gets
/// its own ChaCha20 generator seeded from `rng` (drawn in order, so a seeded `rng` still gives
/// reproducible results). Either every header is updated or, on the first error, none is.
///
/// ```
/// use rs_habe::{update_headers, Authority, Header, Policy, SetupParams};
/// let mut rng = rand::thread_rng();
/// let authority = Authority::setup(&mut rng, SetupParams::new(8, 4))?;
/// let pp = authority.public_params();
/// let policy = Policy::parse("nurse")?;
/// let mut stored: Vec<Header> =
///     (0..4).map(|t| Header::encapsulate(&mut rng, pp, &policy, t).map(|(h, _)| h)).collect::<Result<_, _>>()?;
/// update_headers(&mut rng, pp, &mut stored, 10)?;
/// assert!(stored.iter().all(|h| h.period() == 10));
/// # Ok::<(), rs_habe::Error>(())
/// ```
///
/// # Errors
/// As [`Header::update`], for the first header that fails.
pub fn update_headers(
    rng: &mut impl CryptoRngCore,
    pp: &PublicParams,
    headers: &mut [Header],
    period: u64,
) -> Result<()> {
    #[cfg(feature = "parallel")]
    let updated: Vec<Header> = {
        use rand_chacha::rand_core::SeedableRng;
        use rayon::prelude::*;
        let seeds: Vec<[u8; 32]> = headers
            .iter()
            .map(|_| {
                let mut seed = [0u8; 32];
                rng.fill_bytes(&mut seed);
                seed
            })
            .collect();
        headers
            .par_iter()
            .zip(seeds.into_par_iter())
            .map(|(h, seed)| h.update(&mut rand_chacha::ChaCha20Rng::from_seed(seed), pp, period))
            .collect::<Result<_>>()?
    };
    #[cfg(not(feature = "parallel"))]
    let updated: Vec<Header> = headers
        .iter()
        .map(|h| h.update(rng, pp, period))
        .collect::<Result<_>>()?;
    for (slot, new) in headers.iter_mut().zip(updated) {
        *slot = new;
    }
    Ok(())
}
