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
/// *prepared* G2 points (a decryption key keeps its lines prepared), ready for
/// [`floor_pairing`].
pub struct FloorInputs {
    g1: Vec<G1Affine>,
    g2: Vec<G2Prepared>,
}

impl FloorInputs {
    /// Inputs for `pairs` pairings (seeded by `pairs`).
    pub fn new(pairs: usize) -> Self {
        let mut rng = rng(pairs as u64);
        let g1 = (0..pairs)
            .map(|_| G1Projective::random(&mut rng).to_affine())
            .collect();
        let g2 = (0..pairs)
            .map(|_| G2Prepared::from(G2Affine::from(G2Projective::random(&mut rng))))
            .collect();
        FloorInputs { g1, g2 }
    }

    /// One multi-Miller loop over every pair and one final exponentiation: what the pairings of
    /// a decryption cost in raw `blstrs`, with nothing else (collecting the `pairs` references
    /// costs well under a microsecond).
    pub fn run(&self) -> blstrs::Gt {
        let terms: Vec<(&G1Affine, &G2Prepared)> = self.g1.iter().zip(self.g2.iter()).collect();
        Bls12::multi_miller_loop(black_box(&terms)).final_exponentiation()
    }
}
