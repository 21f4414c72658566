//! Shared fixtures for the integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rs_habe::{AttributeSet, Policy};

/// A seeded RNG.
pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// Proptest case count: small by default (pairings are slow), more with `RSHABE_PROPTEST_CASES`.
pub fn cases(default: u32) -> u32 {
    std::env::var("RSHABE_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

pub fn set(attrs: &[&str]) -> AttributeSet {
    AttributeSet::new(attrs.iter().copied()).unwrap()
}

/// The small attribute universe random policies are drawn over.
pub const UNIVERSE: [&str; 5] = ["doctor", "nurse", "cardiology", "ward:3", "on-call"];

/// A random policy text over [`UNIVERSE`]: AND / OR / k-of-n gates, repeated attributes allowed,
/// depth ≤ 3, at most a dozen leaves.
pub fn policy_text() -> impl Strategy<Value = String> {
    let leaf = (0..UNIVERSE.len()).prop_map(|i| UNIVERSE[i].to_string());
    leaf.prop_recursive(3, 12, 4, |inner| {
        (prop::collection::vec(inner, 2..4), 0u8..3, any::<prop::sample::Index>()).prop_map(|(kids, kind, k)| {
            let n = kids.len();
            let body = kids.iter().map(|c| format!("({c})")).collect::<Vec<_>>();
            match kind {
                0 => body.join(" and "),
                1 => body.join(" or "),
                _ => format!("{} of ({})", 1 + k.index(n), body.join(", ")),
            }
        })
    })
}

/// A random non-empty subset of [`UNIVERSE`].
pub fn attribute_set() -> impl Strategy<Value = AttributeSet> {
    (1u32..(1 << UNIVERSE.len())).prop_map(|mask| {
        AttributeSet::new(UNIVERSE.iter().enumerate().filter(|(i, _)| mask >> i & 1 == 1).map(|(_, a)| *a)).unwrap()
    })
}

pub fn parse(text: &str) -> Policy {
    Policy::parse(text).unwrap()
}
