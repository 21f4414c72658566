//! Public parameters (scheme.md §2).
//!
//! `PP = { D_t, Ω₁ = g^α ∈ G1, and every X with its twin X̂ }` for
//! `X ∈ {w_A, v_A, u, h, w_T, v_T, f_0, …, f_{D_t}}` (v1.1). `Ω = e(g, ĝ)^α = e(Ω₁, ĝ)` is never
//! encoded, nor even stored: encryption needs `Ω^s`, computed as `e(Ω₁^s, ĝ)` with a constant-time
//! fixed-base table of `Ω₁` (scheme.md §7), so no secret ever becomes a GT exponent (§1).
//! Decoding refuses an identity `Ω₁` (it would make every encapsulated key `KDF(1)`, which fails
//! closed anyway).
//!
//! Decoding checks every twin pair at once with a random linear combination,
//! `e(Π X^{ρ_X}, ĝ) = e(g, Π X̂^{ρ_X})`. Deviation from scheme.md: the design draws the `ρ_X` at
//! random, which would make decoding need an RNG; here they are hashed from the whole encoding
//! (Fiat–Shamir). An encoding that passes with hashed coefficients but has a mismatched twin
//! would need the adversary to predict the hash of its own encoding: in the random-oracle model
//! the two checks are equally sound (error ≤ queries/r).

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;

use once_cell::race::OnceBox;

use blstrs::{G1Affine, G1Projective, G2Affine, G2Projective, Scalar};
use ff::Field;
use group::prime::PrimeCurveAffine;
use group::{Curve, Group};
use rand_core::CryptoRngCore;
use sha2::{Digest, Sha256};

use super::fixed_base::{FixedBaseG1, FixedBaseG2};
use super::time::{TimeNode, MAX_TIME_DEPTH};
use crate::domain;
use crate::encoding::{ObjectType, Reader, Writer};
use crate::error::{DecodeError, DecodeErrorKind, Error, Parameter, Result};
use crate::gt::GtElem;
use crate::hash;
use crate::secret::SecretScalar;

/// A public scalar published in both groups: `X = g^ξ ∈ G1` and `X̂ = ĝ^ξ ∈ G2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Twin {
    pub(crate) g1: G1Affine,
    pub(crate) g2: G2Affine,
}

impl Twin {
    fn random(rng: &mut impl CryptoRngCore) -> Twin {
        let xi = Scalar::random(&mut *rng);
        Twin {
            g1: (G1Projective::generator() * xi).to_affine(),
            g2: (G2Projective::generator() * xi).to_affine(),
        }
    }
}

/// The public parameters of an attribute authority (scheme.md §2): everything anyone needs to
/// encrypt, to update a header to a later period, and to check keys.
///
/// Made by [`Authority::setup`](crate::Authority::setup); publish them with
/// [`to_bytes`](Self::to_bytes). Decoding verifies every twin pair.
///
/// ```
/// use rs_habe::{Authority, PublicParams, SetupParams};
/// let mut rng = rand::thread_rng();
/// let authority = Authority::setup(&mut rng, SetupParams { time_depth: 8, tree_depth: 4 })?;
/// let bytes = authority.public_params().to_bytes();
/// let pp = PublicParams::from_bytes(&bytes)?;
/// assert_eq!(pp.time_depth(), 8);
/// # Ok::<(), rs_habe::Error>(())
/// ```
#[derive(Clone)]
pub struct PublicParams {
    pub(crate) time_depth: u8,
    /// `Ω₁ = g^α` (scheme.md §2, v1.1).
    pub(crate) omega1: G1Affine,
    pub(crate) w_a: Twin,
    pub(crate) v_a: Twin,
    pub(crate) u: Twin,
    pub(crate) h: Twin,
    pub(crate) w_t: Twin,
    pub(crate) v_t: Twin,
    /// `f_0, f_1, …, f_{D_t}`.
    pub(crate) f: Vec<Twin>,
    /// Fixed-base tables, built by [`PublicParams::precompute`] and shared by clones.
    pub(crate) tables: Arc<OnceBox<Tables>>,
}

impl PartialEq for PublicParams {
    fn eq(&self, other: &Self) -> bool {
        self.time_depth == other.time_depth
            && self.omega1 == other.omega1
            && self.twins().eq(other.twins())
    }
}

impl Eq for PublicParams {}

/// A public generator with a fixed-base table (the `f_j` have their own, see
/// [`PublicParams::f_muls_g1`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Base {
    /// `g` / `ĝ`.
    G,
    WA,
    VA,
    U,
    H,
    WT,
    VT,
}

/// One value per [`Base`].
struct PerBase<T> {
    g: T,
    w_a: T,
    v_a: T,
    u: T,
    h: T,
    w_t: T,
    v_t: T,
}

impl<T> PerBase<T> {
    fn get(&self, base: Base) -> &T {
        match base {
            Base::G => &self.g,
            Base::WA => &self.w_a,
            Base::VA => &self.v_a,
            Base::U => &self.u,
            Base::H => &self.h,
            Base::WT => &self.w_t,
            Base::VT => &self.v_t,
        }
    }

    fn map<U>(&self, f: impl Fn(&T) -> U) -> PerBase<U> {
        PerBase {
            g: f(&self.g),
            w_a: f(&self.w_a),
            v_a: f(&self.v_a),
            u: f(&self.u),
            h: f(&self.h),
            w_t: f(&self.w_t),
            v_t: f(&self.v_t),
        }
    }
}

/// Fixed-base tables of every public generator (see `fixed_base`).
pub(crate) struct Tables {
    g1: PerBase<FixedBaseG1>,
    g2: PerBase<FixedBaseG2>,
    /// `f_0 … f_{D_t}` in G1, one per entry of `PublicParams::f`.
    f_g1: Vec<FixedBaseG1>,
    /// `Ω₁` (G1 only: it has no twin).
    omega1: FixedBaseG1,
}

impl core::fmt::Debug for PublicParams {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PublicParams")
            .field("time_depth", &self.time_depth)
            .finish_non_exhaustive()
    }
}

impl PublicParams {
    /// Generates fresh parameters and returns them with `ĝ^α`, the master secret.
    pub(crate) fn generate(
        time_depth: u8,
        rng: &mut impl CryptoRngCore,
    ) -> Result<(Self, G2Projective)> {
        if time_depth == 0 || time_depth > MAX_TIME_DEPTH {
            return Err(Error::InvalidParameter(Parameter::TimeDepth));
        }
        let alpha = SecretScalar::random(&mut *rng);
        // Both constant-time group multiplications; Ω itself is never computed here (§1).
        let omega1 = (G1Projective::generator() * *alpha).to_affine();
        let msk = G2Projective::generator() * *alpha;
        let pp = PublicParams {
            time_depth,
            omega1,
            w_a: Twin::random(rng),
            v_a: Twin::random(rng),
            u: Twin::random(rng),
            h: Twin::random(rng),
            w_t: Twin::random(rng),
            v_t: Twin::random(rng),
            f: (0..=time_depth).map(|_| Twin::random(rng)).collect(),
            tables: Arc::new(OnceBox::new()),
        };
        Ok((pp, msk))
    }

    /// The time-tree depth `D_t`: periods are `0 ..= 2^D_t − 1`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, Header, Policy, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let pp = authority.public_params();
    /// assert_eq!(pp.time_depth(), 4);
    /// // Headers and keys record the depth they were made under.
    /// let (header, _) = Header::encapsulate(&mut rng, pp, &Policy::parse("nurse")?, 0)?;
    /// assert_eq!(header.time_depth(), pp.time_depth());
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn time_depth(&self) -> u8 {
        self.time_depth
    }

    /// The number of periods, `2^D_t`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, Error, Header, Policy, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let pp = authority.public_params();
    /// assert_eq!(pp.periods(), 16);
    /// let policy = Policy::parse("nurse")?;
    /// // The last period is `periods() - 1`.
    /// assert!(Header::encapsulate(&mut rng, pp, &policy, pp.periods() - 1).is_ok());
    /// assert!(matches!(
    ///     Header::encapsulate(&mut rng, pp, &policy, pp.periods()),
    ///     Err(Error::PeriodOutOfRange)
    /// ));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn periods(&self) -> u64 {
        1u64 << self.time_depth
    }

    /// Builds the fixed-base tables of the public generators, once (clones share them).
    ///
    /// Afterwards encryption, header updates, enrolment and key updates multiply the public
    /// generators with table lookups instead of variable-base scalar multiplication — several
    /// times faster (README, Performance) — at the cost of about 3.6 MB of memory at
    /// `D_t = 20` and a one-off ~60 ms. Results are identical with or without tables.
    ///
    /// ```
    /// # use rs_habe::{Authority, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let pp = authority.public_params().clone();
    /// pp.precompute();
    /// assert!(pp.is_precomputed());
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn precompute(&self) {
        let _ = self.tables.get_or_init(|| {
            let twins = self.bases();
            Box::new(Tables {
                g1: twins.map(|t| FixedBaseG1::new(&G1Projective::from(t.g1))),
                g2: twins.map(|t| FixedBaseG2::new(&G2Projective::from(t.g2))),
                f_g1: self
                    .f
                    .iter()
                    .map(|t| FixedBaseG1::new(&G1Projective::from(t.g1)))
                    .collect(),
                omega1: FixedBaseG1::new(&G1Projective::from(self.omega1)),
            })
        });
    }

    /// Whether [`precompute`](Self::precompute) has run (on this value or a clone).
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, PublicParams, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let pp = authority.public_params().clone();
    /// assert!(!pp.is_precomputed());
    /// let copy = pp.clone();
    /// pp.precompute();
    /// assert!(copy.is_precomputed()); // clones share the tables
    /// // Decoded parameters start without tables.
    /// assert!(!PublicParams::from_bytes(&pp.to_bytes())?.is_precomputed());
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn is_precomputed(&self) -> bool {
        self.tables.get().is_some()
    }

    /// Every [`Base`] with its twin; `g`/`ĝ` are the generators.
    fn bases(&self) -> PerBase<Twin> {
        PerBase {
            g: Twin {
                g1: G1Affine::generator(),
                g2: G2Affine::generator(),
            },
            w_a: self.w_a,
            v_a: self.v_a,
            u: self.u,
            h: self.h,
            w_t: self.w_t,
            v_t: self.v_t,
        }
    }

    /// `base^k` in G1: a table lookup after [`precompute`](Self::precompute), else a
    /// variable-base multiplication.
    pub(crate) fn mul_g1(&self, base: Base, k: &Scalar) -> G1Projective {
        match self.tables.get() {
            Some(t) => t.g1.get(base).mul(k),
            None => G1Projective::from(self.bases().get(base).g1) * k,
        }
    }

    /// `base^k` in G2, as [`mul_g1`](Self::mul_g1).
    pub(crate) fn mul_g2(&self, base: Base, k: &Scalar) -> G2Projective {
        match self.tables.get() {
            Some(t) => t.g2.get(base).mul(k),
            None => G2Projective::from(self.bases().get(base).g2) * k,
        }
    }

    /// `Ω^s = e(Ω₁^s, ĝ)` (scheme.md §7, v1.1): a constant-time G1 multiplication (through the
    /// fixed-base table once [`precompute`](Self::precompute)d) and one pairing against `ĝ`'s
    /// lines, prepared once per process. Never `Ω * s` in GT (§1).
    pub(crate) fn omega_pow(&self, s: &Scalar) -> GtElem {
        let p = match self.tables.get() {
            Some(t) => t.omega1.mul(s),
            None => G1Projective::from(self.omega1) * s,
        };
        GtElem::pair_with_g2_generator(&p.to_affine())
    }

    /// `f_j^{t}` in G1 for `j = from..=D_t`, in order: through the tables after
    /// [`precompute`](Self::precompute), else variable-base multiplications (constant-time
    /// either way: `t` is secret).
    pub(crate) fn f_muls_g1(&self, from: u8, t: &Scalar) -> Vec<G1Projective> {
        let skip = usize::from(from);
        match self.tables.get() {
            Some(tables) => tables.f_g1.iter().skip(skip).map(|b| b.mul(t)).collect(),
            None => self
                .f
                .iter()
                .skip(skip)
                .map(|b| G1Projective::from(b.g1) * t)
                .collect(),
        }
    }

    /// The `f_j` twins, `j = 0..=D_t`.
    pub(crate) fn f(&self) -> &[Twin] {
        &self.f
    }

    /// `F_N = f_0 · Π_{j=1..k} f_j^{x_j(N)}` in G1 (scheme.md §3).
    pub(crate) fn f_node_g1(&self, node: &TimeNode) -> G1Projective {
        let mut acc = G1Projective::identity();
        for (j, twin) in (0u8..=node.depth).zip(self.f.iter()) {
            let fj = G1Projective::from(twin.g1);
            acc += if j > 0 && node.label(j) == 2 {
                fj.double()
            } else {
                fj
            };
        }
        acc
    }

    /// `(u^{H(τ)} h)^t = u^{H(τ)·t} h^t` in G1.
    pub(crate) fn attr_base_g1_pow(&self, h_tau: &Scalar, t: &Scalar) -> G1Projective {
        self.mul_g1(Base::U, &(h_tau * t)) + self.mul_g1(Base::H, t)
    }

    /// `(û^{H(τ)} ĥ)^r = û^{H(τ)·r} ĥ^r` in G2.
    pub(crate) fn attr_base_g2_pow(&self, h_tau: &Scalar, r: &Scalar) -> G2Projective {
        self.mul_g2(Base::U, &(h_tau * r)) + self.mul_g2(Base::H, r)
    }

    fn twins(&self) -> impl Iterator<Item = &Twin> {
        [&self.w_a, &self.v_a, &self.u, &self.h, &self.w_t, &self.v_t]
            .into_iter()
            .chain(self.f.iter())
    }

    /// Size of the encoding in bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// let authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let pp = authority.public_params();
    /// assert_eq!(pp.encoded_len(), pp.to_bytes().len());
    /// // 55 bytes of prefix, depth and Ω₁, then 144 bytes per twin pair: 6 + (D_t + 1) pairs.
    /// assert_eq!(pp.encoded_len(), 55 + (6 + 5) * 144);
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn encoded_len(&self) -> usize {
        crate::encoding::PREFIX_LEN + 1 + 48 + (6 + self.f.len()) * (48 + 96)
    }

    /// The canonical encoding (scheme.md §12).
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, PublicParams, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let bytes = authority.public_params().to_bytes();
    /// assert_eq!(&bytes[..4], b"RSHB");
    /// let pp = PublicParams::from_bytes(&bytes)?;
    /// assert_eq!(&pp, authority.public_params());
    /// assert_eq!(pp.to_bytes(), bytes); // canonical
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        out.put_prefix(ObjectType::PublicParams);
        out.put_u8(self.time_depth);
        out.put_g1(&self.omega1);
        for t in self.twins() {
            out.put_g1(&t.g1);
            out.put_g2(&t.g2);
        }
        out
    }

    /// Strict decoding: subgroup checks, no identity anywhere, exact length, and the batched
    /// twin check.
    ///
    /// # Errors
    /// [`Error::Decode`] with the offending kind and offset;
    /// [`DecodeErrorKind::InconsistentParams`] when a twin pair does not match.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, DecodeErrorKind, Error, PublicParams, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let params = SetupParams { time_depth: 4, tree_depth: 2 };
    /// let a = Authority::setup(&mut rng, params)?.public_params().to_bytes();
    /// let b = Authority::setup(&mut rng, params)?.public_params().to_bytes();
    /// assert!(PublicParams::from_bytes(&a).is_ok());
    ///
    /// // Splice the G1 half of the first twin pair from another setup: every point is still
    /// // valid on its own, but the pair no longer matches.
    /// let first_g1 = 6 + 1 + 48; // after prefix, D_t and Ω₁
    /// let mut spliced = a.clone();
    /// spliced[first_g1..first_g1 + 48].copy_from_slice(&b[first_g1..first_g1 + 48]);
    /// match PublicParams::from_bytes(&spliced) {
    ///     Err(Error::Decode(e)) => assert_eq!(e.kind, DecodeErrorKind::InconsistentParams),
    ///     other => panic!("{other:?}"),
    /// }
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        Ok(Self::read(&mut Reader::new(bytes), true)?)
    }

    pub(crate) fn read(r: &mut Reader<'_>, whole: bool) -> core::result::Result<Self, DecodeError> {
        let start = r.offset();
        r.prefix(ObjectType::PublicParams)?;
        let at = r.offset();
        let time_depth = r.u8()?;
        if time_depth == 0 || time_depth > MAX_TIME_DEPTH {
            return Err(r.err_at(DecodeErrorKind::InvalidValue, at));
        }
        let omega1 = r.g1()?;
        let read_twin = |r: &mut Reader<'_>| -> core::result::Result<Twin, DecodeError> {
            Ok(Twin {
                g1: r.g1()?,
                g2: r.g2()?,
            })
        };
        let w_a = read_twin(r)?;
        let v_a = read_twin(r)?;
        let u = read_twin(r)?;
        let h = read_twin(r)?;
        let w_t = read_twin(r)?;
        let v_t = read_twin(r)?;
        let mut f = Vec::with_capacity(usize::from(time_depth) + 1);
        for _ in 0..=time_depth {
            f.push(read_twin(r)?);
        }
        let end = r.offset();
        let pp = PublicParams {
            time_depth,
            omega1,
            w_a,
            v_a,
            u,
            h,
            w_t,
            v_t,
            f,
            tables: Arc::new(OnceBox::new()),
        };
        // The trailing-bytes check comes first: it is cheap, and the hash must cover exactly
        // the object.
        if whole && r.remaining() != 0 {
            return Err(r.err(DecodeErrorKind::TrailingBytes));
        }
        let encoded = pp.to_bytes();
        debug_assert_eq!(encoded.len(), end - start);
        if !pp.twins_consistent(&encoded) {
            return Err(r.err_at(DecodeErrorKind::InconsistentParams, start));
        }
        Ok(pp)
    }

    /// Whether `msk = ĝ^α` for this `Ω₁ = g^α`: `e(Ω₁, ĝ) · e(g, msk)^{−1} = 1`, one
    /// multi-pairing (the inverse moved into G1).
    pub(crate) fn matches_master_secret(&self, msk: &G2Affine) -> bool {
        crate::gt::are_twins(&self.omega1, msk)
    }

    /// `e(Σ ρ_X X, ĝ) == e(g, Σ ρ_X X̂)` with `ρ_X` hashed from the encoding (full-width
    /// coefficients, a little stronger than the 128-bit ones scheme.md §2 asks for; decoding
    /// parameters is rare, so the extra bits cost nothing that matters).
    fn twins_consistent(&self, encoded: &[u8]) -> bool {
        let digest = Sha256::digest(encoded);
        let (mut a, mut b) = (G1Projective::identity(), G2Projective::identity());
        for (i, t) in self.twins().enumerate() {
            let rho = hash::hash_to_scalar(
                &[&digest, &(i as u32).to_be_bytes()],
                domain::DST_PARAMS_CHECK,
            );
            a += G1Projective::from(t.g1) * rho;
            b += G2Projective::from(t.g2) * rho;
        }
        crate::gt::are_twins(&a.to_affine(), &b.to_affine())
    }
}
