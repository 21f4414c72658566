//! Key components (scheme.md §5 as replaced by abe-v2.md §5): what secret keys, key updates and
//! decryption keys are made of, their re-randomisation and restriction, and their codec.
//!
//! - Attribute part with one `r` for the whole key: `K̂ = ĝ^r ∈ G2`,
//!   `K0 = g^α · H₀^r · w_T^R ∈ G1`, `K_τ = H(τ)^r ∈ G1` for `τ ∈ S`.
//! - `TimeComp(X, R)` with fresh `q`: `B2 = ĝ^q`, `B3 = F̂_X^q · v̂_T^{−R}` (as v1.1).
//! - `DK_{S,T} = { K̂, K0, {K_τ}_{τ∈S}, K1T = ĝ^R, {TimeComp(Prefix(T, k), R)}_{k=0..D_t} }`
//!   (the [`DecryptionKey`](crate::DecryptionKey) type is in `decryption_key`).

use alloc::vec::Vec;

use blstrs::{G1Affine, G1Projective, G2Projective, Scalar};
use group::Group;
use rand_core::CryptoRngCore;
use zeroize::Zeroize;

use super::params::{Base1, Base2, PublicParams};
use super::time_tree::{self, MAX_TIME_DEPTH};
use crate::encoding::{Reader, Writer};
use crate::error::{DecodeError, DecodeErrorKind};
use crate::hash;
use crate::policy::{Attribute, AttributeSet, MAX_ATTRIBUTES};
use crate::secret::{SecretG1, SecretG2, SecretScalar};

/// Two G2 elements of a time component `(B2, B3)`.
#[derive(Clone, Copy, Default, PartialEq, Eq, Zeroize)]
pub(crate) struct Pair {
    pub(crate) a: SecretG2,
    pub(crate) b: SecretG2,
}

impl Pair {
    /// A pair from projective points, each normalised on its own: secret points never sit in a
    /// shared normalisation buffer that could not be wiped.
    pub(crate) fn from_proj([a, b]: [G2Projective; 2]) -> Pair {
        Pair {
            a: SecretG2::from(a),
            b: SecretG2::from(b),
        }
    }

    pub(crate) fn write(&self, out: &mut dyn Writer) {
        out.put_g2(&self.a.0);
        out.put_g2(&self.b.0);
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> core::result::Result<Self, DecodeError> {
        Ok(Pair {
            a: SecretG2(r.g2()?),
            b: SecretG2(r.g2()?),
        })
    }
}

/// `H(τ)` for every attribute of a set, in set order: each hashed once per call (an enrolment
/// uses them at every node of the path, a delegated key update at every entry).
pub(crate) fn attribute_points(attributes: &AttributeSet) -> Vec<G1Affine> {
    attributes.iter().map(hash::attribute_point).collect()
}

/// The time components `{TimeComp(Prefix(T, k), R)}_{k=0..D_t}`, handed to `sink` as
/// `(k, [B2, B3])`: `B2 = ĝ^q`, `B3 = F̂_X^q · v̂_T^{−R}` with a fresh `q` per component (never one
/// `q` for several: scheme.md §5, §13). `v̂_T^{R}` is computed once, and `F̂` of each prefix from
/// the previous one.
pub(crate) fn time_comps(
    pp: &PublicParams,
    period: u64,
    big_r: &Scalar,
    rng: &mut impl CryptoRngCore,
    mut sink: impl FnMut(usize, [G2Projective; 2]),
) {
    let v_t_r = pp.mul_g2(Base2::VT, big_r);
    let leaf = time_tree::prefix(pp.time_depth, period, pp.time_depth);
    let mut f_x = G2Projective::identity();
    for (k, twin) in (0u8..).zip(pp.f()) {
        let f_k = G2Projective::from(twin.g2);
        f_x += if k > 0 && leaf.label(k) == 2 {
            f_k.double()
        } else {
            f_k
        };
        let q = SecretScalar::random(&mut *rng);
        sink(usize::from(k), [pp.mul_g2(Base2::G, &q), f_x * *q - v_t_r]);
    }
}

/// The group elements of a `DK_{S,T}` (also the body of a key update entry, scheme.md §6).
#[derive(Clone, Default, Zeroize)]
pub(crate) struct KeyBody {
    /// `K̂ = ĝ^r` (the identity in an authority's update entry, which has no attribute part).
    pub(crate) k_hat: SecretG2,
    /// `K0 ∈ G1`.
    pub(crate) k0: SecretG1,
    /// `K_τ = H(τ)^r`, one per attribute, in the (sorted) order of the key's attribute set.
    pub(crate) attrs: Vec<SecretG1>,
    pub(crate) k1t: SecretG2,
    /// One pair per depth `k = 0..=D_t`: the component of `Prefix(T, k)`.
    pub(crate) time: Vec<Pair>,
}

impl KeyBody {
    /// Keeps only the `K_τ` of `keep` (a subset of `held`, the attributes the body's `K_τ` belong
    /// to, in order); the dropped components are wiped, not just forgotten.
    pub(crate) fn keep_attributes(&mut self, held: &AttributeSet, keep: &AttributeSet) {
        let kept = held
            .iter()
            .zip(self.attrs.iter())
            .filter(|(a, _)| keep.contains(a))
            .map(|(_, k)| *k)
            .collect();
        core::mem::replace(&mut self.attrs, kept).zeroize();
    }

    /// Re-randomises the body in place (abe-v2.md §5): fresh `δ` (one for `K̂` and every
    /// `K_τ`: the key has a single `r`), fresh `δ_T`, and a fresh `q'` per time component.
    /// `points` are the `H(τ)` of the body's attributes, in order ([`attribute_points`]).
    pub(crate) fn rerandomize(
        &mut self,
        pp: &PublicParams,
        points: &[G1Affine],
        period: u64,
        rng: &mut impl CryptoRngCore,
    ) {
        let delta = SecretScalar::random(&mut *rng);
        let d_t = SecretScalar::random(&mut *rng);
        self.k_hat = SecretG2::from(self.k_hat.proj() + pp.mul_g2(Base2::G, &delta));
        self.k0 = SecretG1::from(
            self.k0.proj() + pp.mul_g1(Base1::H0, &delta) + pp.mul_g1(Base1::WT, &d_t),
        );
        for (k, point) in self.attrs.iter_mut().zip(points) {
            *k = SecretG1::from(k.proj() + G1Projective::from(point) * *delta);
        }
        self.k1t = SecretG2::from(self.k1t.proj() + pp.mul_g2(Base2::G, &d_t));
        let time = &mut self.time;
        time_comps(pp, period, &d_t, rng, |k, [a, b]| {
            if let Some(pair) = time.get_mut(k) {
                *pair = Pair::from_proj([pair.a.proj() + a, pair.b.proj() + b]);
            }
        });
    }
}

/// Reads `D_t` and a period below `2^D_t`.
pub(crate) fn read_time_depth_and_period(
    r: &mut Reader<'_>,
) -> core::result::Result<(u8, u64), DecodeError> {
    let at = r.offset();
    let time_depth = r.u8()?;
    if time_depth == 0 || time_depth > MAX_TIME_DEPTH {
        return Err(r.err_at(DecodeErrorKind::InvalidValue, at));
    }
    let at = r.offset();
    let period = r.u64()?;
    if time_tree::check_period(time_depth, period).is_err() {
        return Err(r.err_at(DecodeErrorKind::InvalidValue, at));
    }
    Ok((time_depth, period))
}

impl KeyBody {
    /// Writes `[K̂, K0, K_τ…]` (or just `K0` without the attribute part), `K1T` and the time
    /// components.
    pub(crate) fn write(&self, out: &mut dyn Writer, with_attrs: bool) {
        if with_attrs {
            out.put_g2(&self.k_hat.0);
        }
        out.put_g1(&self.k0.0);
        if with_attrs {
            for k in &self.attrs {
                out.put_g1(&k.0);
            }
        }
        out.put_g2(&self.k1t.0);
        for p in &self.time {
            p.write(out);
        }
    }
}

/// Reads a key body written by [`KeyBody::write`]: `[K̂,] K0, [K_τ…,] K1T, D_t + 1 time pairs`.
pub(crate) fn read_body(
    r: &mut Reader<'_>,
    n_attrs: usize,
    time_depth: u8,
    with_attrs: bool,
) -> core::result::Result<KeyBody, DecodeError> {
    let k_hat = if with_attrs {
        SecretG2(r.g2()?)
    } else {
        SecretG2::default()
    };
    let k0 = SecretG1(r.g1()?);
    let mut attrs = Vec::new();
    if with_attrs {
        attrs.reserve_exact(n_attrs);
        for _ in 0..n_attrs {
            attrs.push(SecretG1(r.g1()?));
        }
    }
    let k1t = SecretG2(r.g2()?);
    let mut time = Vec::with_capacity(usize::from(time_depth) + 1);
    for _ in 0..=time_depth {
        time.push(Pair::read(r)?);
    }
    Ok(KeyBody {
        k_hat,
        k0,
        attrs,
        k1t,
        time,
    })
}

/// Writes an attribute set: count, then each as a u8 length and UTF-8, strictly sorted.
pub(crate) fn write_attributes(out: &mut dyn Writer, attrs: &AttributeSet) {
    out.put_len(attrs.len());
    for a in attrs {
        out.put_u8(a.as_str().len() as u8);
        out.put_bytes(a.as_str().as_bytes());
    }
}

/// Reads an attribute set written by [`write_attributes`]: strictly increasing, valid UTF-8,
/// non-empty attributes, at most [`MAX_ATTRIBUTES`].
pub(crate) fn read_attributes(
    r: &mut Reader<'_>,
) -> core::result::Result<AttributeSet, DecodeError> {
    let at = r.offset();
    let n = r.count(MAX_ATTRIBUTES, 2)?;
    // Keys, delegators and delegated updates always hold at least one attribute.
    if n == 0 {
        return Err(r.err_at(DecodeErrorKind::InvalidAttribute, at));
    }
    let mut set = AttributeSet::default();
    let mut last: Option<Attribute> = None;
    for _ in 0..n {
        let at = r.offset();
        let len = usize::from(r.u8()?);
        let bytes = r.bytes(len)?;
        let bad = || r.err_at(DecodeErrorKind::InvalidAttribute, at);
        let s = core::str::from_utf8(bytes).map_err(|_| bad())?;
        let a = Attribute::new(s).map_err(|_| bad())?;
        if last.as_ref().is_some_and(|l| *l >= a) {
            return Err(bad());
        }
        last = Some(a.clone());
        set.insert(a);
    }
    Ok(set)
}
