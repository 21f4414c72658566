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
    std::env::var("RSHABE_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
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
        (
            prop::collection::vec(inner, 2..4),
            0u8..3,
            any::<prop::sample::Index>(),
        )
            .prop_map(|(kids, kind, k)| {
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
        AttributeSet::new(
            UNIVERSE
                .iter()
                .enumerate()
                .filter(|(i, _)| mask >> i & 1 == 1)
                .map(|(_, a)| *a),
        )
        .unwrap()
    })
}

pub fn parse(text: &str) -> Policy {
    Policy::parse(text).unwrap()
}

/// Byte layout of an encoded `DecryptionKey`, for the attacker tests that splice keys through
/// their encodings: `prefix (6) ‖ holder (24) ‖ D_t (1) ‖ period (8) ‖ attribute list ‖ K0 ‖ K1A
/// ‖ attribute pairs ‖ K1T ‖ time pairs`.
pub struct DkParts {
    pub head: Vec<u8>,
    pub period: u64,
    pub attrs: Vec<u8>,
    pub k0: Vec<u8>,
    pub attr_part: Vec<u8>,
    pub time_part: Vec<u8>,
}

pub fn split_dk(bytes: &[u8]) -> DkParts {
    let head = bytes[..31].to_vec();
    let period = u64::from_be_bytes(bytes[31..39].try_into().unwrap());
    let n = u32::from_be_bytes(bytes[39..43].try_into().unwrap()) as usize;
    let mut at = 43;
    for _ in 0..n {
        at += 1 + bytes[at] as usize;
    }
    let attrs = bytes[39..at].to_vec();
    let k0 = bytes[at..at + 96].to_vec();
    let attr_part = bytes[at + 96..at + 96 + 96 + 192 * n].to_vec();
    let time_part = bytes[at + 96 + 96 + 192 * n..].to_vec();
    DkParts {
        head,
        period,
        attrs,
        k0,
        attr_part,
        time_part,
    }
}

pub fn join_dk(p: &DkParts) -> Vec<u8> {
    let mut out = p.head.clone();
    out.extend_from_slice(&p.period.to_be_bytes());
    out.extend_from_slice(&p.attrs);
    out.extend_from_slice(&p.k0);
    out.extend_from_slice(&p.attr_part);
    out.extend_from_slice(&p.time_part);
    out
}

/// An encoded attribute list (sorted by the caller).
pub fn attr_list(attrs: &[&str]) -> Vec<u8> {
    let mut out = (attrs.len() as u32).to_be_bytes().to_vec();
    for a in attrs {
        out.push(a.len() as u8);
        out.extend_from_slice(a.as_bytes());
    }
    out
}
