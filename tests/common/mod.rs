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

/// Splits `DkParts::attr_part` into `K1A` and one 192-byte `(A2, A3)` pair per attribute.
pub fn k1a_and_pairs(attr_part: &[u8]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let k1a = attr_part[..96].to_vec();
    let pairs = attr_part[96..].chunks(192).map(<[u8]>::to_vec).collect();
    (k1a, pairs)
}

/// The inverse of [`k1a_and_pairs`].
pub fn attr_part_of(k1a: &[u8], pairs: &[Vec<u8>]) -> Vec<u8> {
    let mut out = k1a.to_vec();
    for p in pairs {
        out.extend_from_slice(p);
    }
    out
}

/// Every 96-byte G2 element of an encoded `DecryptionKey`, in order.
pub fn dk_elements(bytes: &[u8]) -> Vec<Vec<u8>> {
    let p = split_dk(bytes);
    [&p.k0[..], &p.attr_part[..], &p.time_part[..]]
        .iter()
        .flat_map(|part| part.chunks(96).map(<[u8]>::to_vec))
        .collect()
}

/// Byte range of the period field of an encoded `KeyUpdate`: `prefix (6) ‖ issuer (16) ‖ D_t (1)
/// ‖ period (8) ‖ tree depth (1) ‖ counter (8) ‖ delegated flag (1) ‖ [attribute list] ‖ count
/// (4) ‖ entries`.
pub const UPDATE_PERIOD: std::ops::Range<usize> = 23..31;

/// One entry of an encoded `KeyUpdate`: its node (depth ‖ index, 9 bytes) and its G2 elements
/// (`K0`, [`K1A`, attribute pairs], `K1T`, time pairs), 96 bytes each.
pub struct UpdateEntryBytes {
    pub node: Vec<u8>,
    pub elements: Vec<Vec<u8>>,
}

/// Parses the entries of an encoded `KeyUpdate` (panics if the layout does not add up).
pub fn update_entries(bytes: &[u8]) -> Vec<UpdateEntryBytes> {
    let time_depth = bytes[22] as usize;
    let delegated = bytes[40] == 1;
    let mut at = 41;
    let mut n_attrs = 0;
    if delegated {
        n_attrs = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        at += 4;
        for _ in 0..n_attrs {
            at += 1 + bytes[at] as usize;
        }
    }
    let count = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    at += 4;
    let per_entry = 1 + usize::from(delegated) * (1 + 2 * n_attrs) + 1 + 2 * (time_depth + 1);
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let node = bytes[at..at + 9].to_vec();
        at += 9;
        let elements = bytes[at..at + 96 * per_entry]
            .chunks(96)
            .map(<[u8]>::to_vec)
            .collect();
        at += 96 * per_entry;
        out.push(UpdateEntryBytes { node, elements });
    }
    assert_eq!(at, bytes.len(), "key update layout");
    out
}

/// Byte layout of an encoded `SecretKey`: `prefix (6) ‖ user (24) ‖ tree depth (1) ‖ D_t (1) ‖
/// attribute list ‖ per path node (root first): K0 ‖ K1A ‖ attribute pairs`.
pub struct SkParts {
    /// Prefix, user id (issuer at 6..22, leaf at 22..30) and the two depths.
    pub head: Vec<u8>,
    pub attrs: Vec<u8>,
    pub nodes: Vec<SkNodeParts>,
}

pub struct SkNodeParts {
    pub k0: Vec<u8>,
    pub k1a: Vec<u8>,
    pub pairs: Vec<Vec<u8>>,
}

pub fn split_sk(bytes: &[u8]) -> SkParts {
    let head = bytes[..32].to_vec();
    let tree_depth = bytes[30] as usize;
    let n = u32::from_be_bytes(bytes[32..36].try_into().unwrap()) as usize;
    let mut at = 36;
    for _ in 0..n {
        at += 1 + bytes[at] as usize;
    }
    let attrs = bytes[32..at].to_vec();
    let mut nodes = Vec::with_capacity(tree_depth + 1);
    for _ in 0..=tree_depth {
        let k0 = bytes[at..at + 96].to_vec();
        let k1a = bytes[at + 96..at + 192].to_vec();
        at += 192;
        let pairs = bytes[at..at + 192 * n]
            .chunks(192)
            .map(<[u8]>::to_vec)
            .collect();
        at += 192 * n;
        nodes.push(SkNodeParts { k0, k1a, pairs });
    }
    assert_eq!(at, bytes.len(), "secret key layout");
    SkParts { head, attrs, nodes }
}

pub fn join_sk(p: &SkParts) -> Vec<u8> {
    let mut out = p.head.clone();
    out.extend_from_slice(&p.attrs);
    for n in &p.nodes {
        out.extend_from_slice(&n.k0);
        out.extend_from_slice(&n.k1a);
        for pair in &n.pairs {
            out.extend_from_slice(pair);
        }
    }
    out
}
