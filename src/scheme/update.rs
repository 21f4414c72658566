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

use blstrs::{G1Projective, Scalar};
use group::Group;
use rand_core::CryptoRngCore;

use super::kem::{Header, TimeRow};
use super::params::{Base1, PublicParams};
use super::time::{self, TimeNode};
use crate::error::{Error, Result};
use crate::secret::SecretScalar;

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
        time::check_period(self.time_depth, period)?;
        if period < self.period {
            return Err(Error::PeriodInPast);
        }
        let cover = time::cover(self.time_depth, period);
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
