//! Helpers shared by the `abe` and `sweeps` benches (a module, not a bench target).

use std::hint::black_box;

use blstrs::{Bls12, G1Affine, G1Projective, G2Affine, G2Prepared, G2Projective};
use group::{Curve, Group};
use pairing::{MillerLoopResult, MultiMillerLoop};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

/// A seeded generator: two runs time the same inputs.
pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// The raw `blstrs` floor of a decryption over `pairs` pairings: random G1 points and
/// *prepared* G2 points (a decryption key keeps its lines prepared); optionally some G2 points
/// left unprepared and prepared inside [`run`](Self::run), as a decryption must do for the
/// header's `Ĉ0` and `Ĉ1⁽ʲ⁾` (abe-v2.md §8).
pub struct FloorInputs {
    g1: Vec<G1Affine>,
    g2: Vec<G2Prepared>,
    fresh: Vec<G2Affine>,
}

impl FloorInputs {
    /// Inputs for `pairs` pairings, every G2 side prepared beforehand (seeded by `pairs`).
    pub fn new(pairs: usize) -> Self {
        Self::with_fresh(pairs, 0)
    }

    /// Inputs for `prepared + fresh` pairings, of which `fresh` G2 sides are prepared on every
    /// run (seeded by the two counts).
    pub fn with_fresh(prepared: usize, fresh: usize) -> Self {
        let mut rng = rng((prepared * 1000 + fresh) as u64);
        let g1 = (0..prepared + fresh)
            .map(|_| G1Projective::random(&mut rng).to_affine())
            .collect();
        let g2 = (0..prepared)
            .map(|_| G2Prepared::from(G2Affine::from(G2Projective::random(&mut rng))))
            .collect();
        let fresh = (0..fresh)
            .map(|_| G2Projective::random(&mut rng).to_affine())
            .collect();
        FloorInputs { g1, g2, fresh }
    }

    /// The unprepared G2 sides are prepared, then one multi-Miller loop over every pair and one
    /// final exponentiation: what the pairings of a decryption cost in raw `blstrs`, with
    /// nothing else (collecting the references costs well under a microsecond).
    pub fn run(&self) -> blstrs::Gt {
        let fresh: Vec<G2Prepared> = black_box(&self.fresh)
            .iter()
            .map(|q| G2Prepared::from(*q))
            .collect();
        let terms: Vec<(&G1Affine, &G2Prepared)> = self
            .g1
            .iter()
            .zip(fresh.iter().chain(self.g2.iter()))
            .collect();
        Bls12::multi_miller_loop(black_box(&terms)).final_exponentiation()
    }
}
