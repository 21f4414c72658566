//! Public parameters (scheme.md §2 as replaced by abe-v2.md §2).
//!
//! `PP = { D_t; G1: w_T, v_T, f_0 … f_{D_t}; G2: v̂_T, f̂_0 … f̂_{D_t}; Ω̂₁ = ĝ^α }`. The
//! attribute part needs no parameter at all: its points are hashed (`H₀`, `H(τ)`, see
//! `crate::hash`). `Ω = e(g, Ω̂₁)` is never encoded, nor even stored: encryption needs `Ω^{s₀}`,
//! computed as `e(g^{s₀}, Ω̂₁)` with a constant-time fixed-base table of `g` and `Ω̂₁`'s
//! Miller-loop lines prepared once, so no secret ever becomes a GT exponent (§1). The master
//! secret is `g^α ∈ G1`: `g^α` must never be public in v2 (a key's `K0` lives in G1, and `g^α`
//! would let anyone forge it), so v1.1's public `Ω₁ = g^α` is gone and `ĝ^α`, v1.1's master
//! secret, is what is published. Decoding refuses an identity `Ω̂₁`, `w_T` or twin half.
//!
//! Decoding checks the twin pairs `(v_T, v̂_T)` and `(f_j, f̂_j)` at once with a random linear
//! combination, `e(Π X^{ρ_X}, ĝ) = e(g, Π X̂^{ρ_X})`; `w_T` has no twin. Deviation from
//! scheme.md: the design draws the `ρ_X` at random, which would make decoding need an RNG; here
//! they are hashed from the whole encoding (Fiat–Shamir). An encoding that passes with hashed
//! coefficients but has a mismatched twin would need the adversary to predict the hash of its
//! own encoding: in the random-oracle model the two checks are equally sound (error ≤
//! queries/r).

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;

use once_cell::race::OnceBox;

use blstrs::{G1Affine, G1Projective, G2Affine, G2Prepared, G2Projective, Scalar};
use ff::Field;
use group::prime::PrimeCurveAffine;
use group::{Curve, Group};
use rand_core::CryptoRngCore;
use sha2::{Digest, Sha256};

use super::time_tree::{TimeNode, MAX_TIME_DEPTH};
use crate::arith::{FixedBaseG1, FixedBaseG2};
use crate::domain;
use crate::encoding::{self, Decode, Encode, Object, ObjectType, Reader, Writer};
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
/// let authority = Authority::setup(&mut rng, SetupParams::new(8, 4))?;
/// let bytes = authority.public_params().to_bytes();
/// let pp = PublicParams::from_bytes(&bytes)?;
/// assert_eq!(pp.time_depth(), 8);
/// # Ok::<(), rs_habe::Error>(())
/// ```
#[derive(Clone)]
pub struct PublicParams {
    pub(crate) time_depth: u8,
    /// `Ω̂₁ = ĝ^α ∈ G2` (abe-v2.md §2).
    pub(crate) omega1_hat: G2Affine,
    /// `w_T ∈ G1` (no twin: abe-v2.md §2).
    pub(crate) w_t: G1Affine,
    pub(crate) v_t: Twin,
    /// `f_0, f_1, …, f_{D_t}`.
    pub(crate) f: Vec<Twin>,
    /// Fixed-base tables, built by [`PublicParams::precompute`] and shared by clones.
    pub(crate) tables: Arc<OnceBox<Tables>>,
    /// `Ω̂₁`'s Miller-loop lines, prepared on the first encryption and shared by clones.
    omega_lines: Arc<OnceBox<G2Prepared>>,
}

impl PartialEq for PublicParams {
    fn eq(&self, other: &Self) -> bool {
        self.time_depth == other.time_depth
            && self.omega1_hat == other.omega1_hat
            && self.w_t == other.w_t
            && self.twins().eq(other.twins())
    }
}

impl Eq for PublicParams {}

/// A public G1 point with a fixed-base table (the `f_j` have their own, see
/// [`PublicParams::f_muls_g1`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Base1 {
    /// `g`.
    G,
    /// `w_T`.
    WT,
    /// `v_T`.
    VT,
    /// `H₀` (abe-v2.md: hashed, not a parameter, but multiplied by secrets at every enrolment,
    /// re-randomisation and leaf).
    H0,
}

/// A public G2 point with a fixed-base table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Base2 {
    /// `ĝ`.
    G,
    /// `v̂_T`.
    VT,
}

/// Fixed-base tables of every public generator (see `crate::arith`'s `fixed_base`).
pub(crate) struct Tables {
    g1: [FixedBaseG1; 4],
    g2: [FixedBaseG2; 2],
    /// `f_0 … f_{D_t}` in G1, one per entry of `PublicParams::f`.
    f_g1: Vec<FixedBaseG1>,
}

impl Base1 {
    fn index(self) -> usize {
        match self {
            Base1::G => 0,
            Base1::WT => 1,
            Base1::VT => 2,
            Base1::H0 => 3,
        }
    }
}

impl Base2 {
    fn index(self) -> usize {
        match self {
            Base2::G => 0,
            Base2::VT => 1,
        }
    }
}

impl core::fmt::Debug for PublicParams {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PublicParams")
            .field("time_depth", &self.time_depth)
            .finish_non_exhaustive()
    }
}

impl PublicParams {
    /// Generates fresh parameters (a fresh `α`: abe-v2.md §2 forbids reusing a v1 `α`) and
    /// returns them with `g^α ∈ G1`, the master secret.
    pub(crate) fn generate(
        time_depth: u8,
        rng: &mut impl CryptoRngCore,
    ) -> Result<(Self, G1Projective)> {
        if time_depth == 0 || time_depth > MAX_TIME_DEPTH {
            return Err(Error::InvalidParameter(Parameter::TimeDepth));
        }
        let alpha = SecretScalar::random(&mut *rng);
        // Both constant-time group multiplications; Ω itself is never computed here (§1).
        let omega1_hat = (G2Projective::generator() * *alpha).to_affine();
        let msk = G1Projective::generator() * *alpha;
        let pp = PublicParams {
            time_depth,
            omega1_hat,
            w_t: (G1Projective::generator() * Scalar::random(&mut *rng)).to_affine(),
            v_t: Twin::random(rng),
            f: (0..=time_depth).map(|_| Twin::random(rng)).collect(),
            tables: Arc::new(OnceBox::new()),
            omega_lines: Arc::new(OnceBox::new()),
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
    /// let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
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
    /// let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
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
    /// generators (`g`, `w_T`, `v_T`, `H₀`, the `f_j` in G1; `ĝ`, `v̂_T` in G2) with
    /// constant-time table lookups instead of variable-base scalar multiplication (BENCHMARKS.md
    /// gives the speed-ups), at the cost of about 4 MB of memory at `D_t = 20` (27 tables) and a
    /// one-off build. Results are identical with or without tables.
    ///
    /// ```
    /// # use rs_habe::{Authority, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params().clone();
    /// pp.precompute();
    /// assert!(pp.is_precomputed());
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn precompute(&self) {
        let _ = self.tables.get_or_init(|| {
            let g1 = |p: &G1Affine| FixedBaseG1::new(&G1Projective::from(p));
            let g2 = |p: &G2Affine| FixedBaseG2::new(&G2Projective::from(p));
            Box::new(Tables {
                g1: [
                    g1(&G1Affine::generator()),
                    g1(&self.w_t),
                    g1(&self.v_t.g1),
                    g1(hash::h0()),
                ],
                g2: [g2(&G2Affine::generator()), g2(&self.v_t.g2)],
                f_g1: self.f.iter().map(|t| g1(&t.g1)).collect(),
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
    /// # let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
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

    fn base_g1(&self, base: Base1) -> G1Affine {
        match base {
            Base1::G => G1Affine::generator(),
            Base1::WT => self.w_t,
            Base1::VT => self.v_t.g1,
            Base1::H0 => *hash::h0(),
        }
    }

    fn base_g2(&self, base: Base2) -> G2Affine {
        match base {
            Base2::G => G2Affine::generator(),
            Base2::VT => self.v_t.g2,
        }
    }

    /// `base^k` in G1: a table lookup after [`precompute`](Self::precompute), else a
    /// variable-base multiplication (constant-time either way).
    pub(crate) fn mul_g1(&self, base: Base1, k: &Scalar) -> G1Projective {
        match self.tables.get().and_then(|t| t.g1.get(base.index())) {
            Some(t) => t.mul(k),
            None => G1Projective::from(self.base_g1(base)) * k,
        }
    }

    /// `base^k` in G2, as [`mul_g1`](Self::mul_g1).
    pub(crate) fn mul_g2(&self, base: Base2, k: &Scalar) -> G2Projective {
        match self.tables.get().and_then(|t| t.g2.get(base.index())) {
            Some(t) => t.mul(k),
            None => G2Projective::from(self.base_g2(base)) * k,
        }
    }

    /// `Ω^{s₀} = e(g^{s₀}, Ω̂₁)` (abe-v2.md §7): a constant-time G1 multiplication (through the
    /// fixed-base table once [`precompute`](Self::precompute)d) and one pairing against `Ω̂₁`'s
    /// lines, prepared once. Never `Ω * s₀` in GT (§1).
    pub(crate) fn omega_pow(&self, s: &Scalar) -> GtElem {
        let p = self.mul_g1(Base1::G, s).to_affine();
        let lines = self
            .omega_lines
            .get_or_init(|| Box::new(G2Prepared::from(self.omega1_hat)));
        GtElem::multi_pairing(&[(&p, lines)])
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

    fn twins(&self) -> impl Iterator<Item = &Twin> {
        core::iter::once(&self.v_t).chain(self.f.iter())
    }

    /// Size of the encoding in bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params();
    /// assert_eq!(pp.encoded_len(), pp.to_bytes().len());
    /// // 151 bytes of prefix, depth, Ω̂₁ and w_T, then 144 bytes per twin pair: v_T and the
    /// // D_t + 1 f_j.
    /// assert_eq!(pp.encoded_len(), 151 + (1 + 5) * 144);
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
    /// use rs_habe::{Authority, PublicParams, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let bytes = authority.public_params().to_bytes();
    /// assert_eq!(&bytes[..4], b"RSHB");
    /// let pp = PublicParams::from_bytes(&bytes)?;
    /// assert_eq!(&pp, authority.public_params());
    /// assert_eq!(pp.to_bytes(), bytes); // canonical
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        encoding::to_bytes(self)
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
    /// let params = SetupParams::new(4, 2);
    /// let a = Authority::setup(&mut rng, params)?.public_params().to_bytes();
    /// let b = Authority::setup(&mut rng, params)?.public_params().to_bytes();
    /// assert!(PublicParams::from_bytes(&a).is_ok());
    ///
    /// // Splice the G1 half of the first twin pair from another setup: every point is still
    /// // valid on its own, but the pair no longer matches.
    /// let first_g1 = 6 + 1 + 96 + 48; // v_T, after prefix, D_t, Ω̂₁ and w_T
    /// let mut spliced = a.clone();
    /// spliced[first_g1..first_g1 + 48].copy_from_slice(&b[first_g1..first_g1 + 48]);
    /// match PublicParams::from_bytes(&spliced) {
    ///     Err(Error::Decode(e)) => assert_eq!(e.kind, DecodeErrorKind::InconsistentParams),
    ///     other => panic!("{other:?}"),
    /// }
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        encoding::from_bytes(bytes)
    }

    /// Reads parameters embedded in another object (prefix included); what follows them is the
    /// outer object's.
    pub(crate) fn read_embedded(r: &mut Reader<'_>) -> core::result::Result<Self, DecodeError> {
        let start = r.offset();
        r.prefix(ObjectType::PublicParams)?;
        Self::read_fields(r, start, false)
    }

    /// Reads the fields after the prefix, which starts at `start`; `whole`: the parameters must
    /// end the input.
    fn read_fields(
        r: &mut Reader<'_>,
        start: usize,
        whole: bool,
    ) -> core::result::Result<Self, DecodeError> {
        let at = r.offset();
        let time_depth = r.u8()?;
        if time_depth == 0 || time_depth > MAX_TIME_DEPTH {
            return Err(r.err_at(DecodeErrorKind::InvalidValue, at));
        }
        let omega1_hat = r.g2()?;
        let w_t = r.g1()?;
        let read_twin = |r: &mut Reader<'_>| -> core::result::Result<Twin, DecodeError> {
            Ok(Twin {
                g1: r.g1()?,
                g2: r.g2()?,
            })
        };
        let v_t = read_twin(r)?;
        let mut f = Vec::with_capacity(usize::from(time_depth) + 1);
        for _ in 0..=time_depth {
            f.push(read_twin(r)?);
        }
        let end = r.offset();
        let pp = PublicParams {
            time_depth,
            omega1_hat,
            w_t,
            v_t,
            f,
            tables: Arc::new(OnceBox::new()),
            omega_lines: Arc::new(OnceBox::new()),
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

    /// Whether `msk = g^α` for this `Ω̂₁ = ĝ^α`: `e(msk, ĝ) · e(g, Ω̂₁)^{−1} = 1`, one
    /// multi-pairing (the inverse moved into G1).
    pub(crate) fn matches_master_secret(&self, msk: &G1Affine) -> bool {
        crate::gt::are_twins(msk, &self.omega1_hat)
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

impl Object for PublicParams {
    const OBJECT: ObjectType = ObjectType::PublicParams;
}

impl Encode for PublicParams {
    fn write_body(&self, out: &mut dyn Writer) {
        out.put_u8(self.time_depth);
        out.put_g2(&self.omega1_hat);
        out.put_g1(&self.w_t);
        for t in self.twins() {
            out.put_g1(&t.g1);
            out.put_g2(&t.g2);
        }
    }
}

impl Decode for PublicParams {
    /// The fields, then the trailing-bytes check (before the twin check: it is cheap, and the
    /// hash must cover exactly the object), then the twin check.
    fn read_body(r: &mut Reader<'_>) -> Result<Self> {
        let start = r.offset().saturating_sub(encoding::PREFIX_LEN);
        Ok(Self::read_fields(r, start, true)?)
    }
}
