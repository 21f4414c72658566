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

/// Sizes of the compressed group elements.
pub const G1: usize = 48;
pub const G2: usize = 96;

/// Byte layout of an encoded `DecryptionKey` (wire format 3, abe-v2.md §12), for the attacker
/// tests that splice keys through their encodings: `prefix (6) ‖ holder (24) ‖ D_t (1) ‖ period
/// (8) ‖ attribute list ‖ K̂ (G2) ‖ K0 (G1) ‖ K_τ (G1, one per attribute, list order) ‖ K1T (G2) ‖
/// time pairs (G2)`.
///
/// v2's key has one randomness `r` for its whole attribute part: `K̂ = ĝ^r`, `K_τ = H(τ)^r`, and
/// `K0 = g^α · H₀^r · w_T^R` ties `r` to the time part's `R`. (v1's `K1A` and per-attribute pairs
/// are gone: `K̂` plays `K1A`'s role, each `K_τ` that of an attribute pair.)
pub struct DkParts {
    pub head: Vec<u8>,
    pub period: u64,
    pub attrs: Vec<u8>,
    pub k_hat: Vec<u8>,
    pub k0: Vec<u8>,
    /// One `K_τ` per attribute, in the order of the attribute list.
    pub k_tau: Vec<Vec<u8>>,
    /// `K1T ‖ time pairs`.
    pub time_part: Vec<u8>,
}

/// The end of the attribute list starting at `at`, and its attribute count.
fn attr_list_end(bytes: &[u8], at: usize) -> (usize, usize) {
    let n = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    let mut end = at + 4;
    for _ in 0..n {
        end += 1 + bytes[end] as usize;
    }
    (end, n)
}

/// `n` consecutive elements of `len` bytes starting at `*at` (which is advanced past them).
fn take(bytes: &[u8], at: &mut usize, n: usize, len: usize) -> Vec<Vec<u8>> {
    let out = bytes[*at..*at + n * len]
        .chunks(len)
        .map(<[u8]>::to_vec)
        .collect();
    *at += n * len;
    out
}

pub fn split_dk(bytes: &[u8]) -> DkParts {
    let head = bytes[..31].to_vec();
    let time_depth = bytes[30] as usize;
    let period = u64::from_be_bytes(bytes[31..39].try_into().unwrap());
    let (mut at, n) = attr_list_end(bytes, 39);
    let attrs = bytes[39..at].to_vec();
    let k_hat = take(bytes, &mut at, 1, G2).remove(0);
    let k0 = take(bytes, &mut at, 1, G1).remove(0);
    let k_tau = take(bytes, &mut at, n, G1);
    let time_part = bytes[at..].to_vec();
    assert_eq!(
        time_part.len(),
        G2 * (1 + 2 * (time_depth + 1)),
        "decryption key layout"
    );
    DkParts {
        head,
        period,
        attrs,
        k_hat,
        k0,
        k_tau,
        time_part,
    }
}

pub fn join_dk(p: &DkParts) -> Vec<u8> {
    let mut out = p.head.clone();
    out.extend_from_slice(&p.period.to_be_bytes());
    out.extend_from_slice(&p.attrs);
    out.extend_from_slice(&p.k_hat);
    out.extend_from_slice(&p.k0);
    for k in &p.k_tau {
        out.extend_from_slice(k);
    }
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

/// Every group element (G1 and G2) of an encoded `DecryptionKey`, in order: `K̂`, `K0`, the
/// `K_τ`, `K1T`, the time pairs.
pub fn dk_elements(bytes: &[u8]) -> Vec<Vec<u8>> {
    let p = split_dk(bytes);
    let mut out = vec![p.k_hat, p.k0];
    out.extend(p.k_tau);
    out.extend(p.time_part.chunks(G2).map(<[u8]>::to_vec));
    out
}

/// Byte range of the period field of an encoded `KeyUpdate`: `prefix (6) ‖ issuer (16) ‖ D_t (1)
/// ‖ period (8) ‖ tree depth (1) ‖ counter (8) ‖ delegated flag (1) ‖ [attribute list] ‖ count
/// (4) ‖ entries`.
pub const UPDATE_PERIOD: std::ops::Range<usize> = 23..31;

/// One entry of an encoded `KeyUpdate`: its node (depth ‖ index, 9 bytes) and its group
/// elements. An authority's entry is `K0 (G1) ‖ K1T (G2) ‖ time pairs (G2)`; a delegated entry
/// is `K̂ (G2) ‖ K0 (G1) ‖ K_τ (G1, one per attribute of S_KU, list order) ‖ K1T ‖ time pairs`.
pub struct UpdateEntryBytes {
    pub node: Vec<u8>,
    /// `K̂`: only in a delegated update's entry.
    pub k_hat: Option<Vec<u8>>,
    pub k0: Vec<u8>,
    /// `K_τ` for `S_KU`, in list order (empty in an authority's update).
    pub k_tau: Vec<Vec<u8>>,
    pub k1t: Vec<u8>,
    /// `B2, B3` of each of the `D_t + 1` time components, flattened.
    pub time: Vec<Vec<u8>>,
}

impl UpdateEntryBytes {
    /// Every group element of the entry, in encoding order.
    pub fn elements(&self) -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = self.k_hat.iter().cloned().collect();
        out.push(self.k0.clone());
        out.extend(self.k_tau.iter().cloned());
        out.push(self.k1t.clone());
        out.extend(self.time.iter().cloned());
        out
    }
}

/// Parses the entries of an encoded `KeyUpdate` (panics if the layout does not add up).
pub fn update_entries(bytes: &[u8]) -> Vec<UpdateEntryBytes> {
    let time_depth = bytes[22] as usize;
    let delegated = bytes[40] == 1;
    let mut at = 41;
    let mut n_attrs = 0;
    if delegated {
        (at, n_attrs) = attr_list_end(bytes, at);
    }
    let count = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    at += 4;
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let node = bytes[at..at + 9].to_vec();
        at += 9;
        let k_hat = delegated.then(|| take(bytes, &mut at, 1, G2).remove(0));
        let k0 = take(bytes, &mut at, 1, G1).remove(0);
        let k_tau = take(bytes, &mut at, n_attrs, G1);
        let k1t = take(bytes, &mut at, 1, G2).remove(0);
        let time = take(bytes, &mut at, 2 * (time_depth + 1), G2);
        out.push(UpdateEntryBytes {
            node,
            k_hat,
            k0,
            k_tau,
            k1t,
            time,
        });
    }
    assert_eq!(at, bytes.len(), "key update layout");
    out
}

/// Byte layout of an encoded `SecretKey`: `prefix (6) ‖ user (24) ‖ tree depth (1) ‖ D_t (1) ‖
/// attribute list ‖ per path node (root first): K̂ (G2) ‖ K0 (G1) ‖ K_τ (G1, list order)`.
pub struct SkParts {
    /// Prefix, user id (issuer at 6..22, leaf at 22..30) and the two depths.
    pub head: Vec<u8>,
    pub attrs: Vec<u8>,
    pub nodes: Vec<SkNodeParts>,
}

/// One path node's `SK_θ = { K̂ = ĝ^{r_θ}, K0, K_τ = H(τ)^{r_θ} }`.
pub struct SkNodeParts {
    pub k_hat: Vec<u8>,
    pub k0: Vec<u8>,
    pub k_tau: Vec<Vec<u8>>,
}

pub fn split_sk(bytes: &[u8]) -> SkParts {
    let head = bytes[..32].to_vec();
    let tree_depth = bytes[30] as usize;
    let (mut at, n) = attr_list_end(bytes, 32);
    let attrs = bytes[32..at].to_vec();
    let mut nodes = Vec::with_capacity(tree_depth + 1);
    for _ in 0..=tree_depth {
        let k_hat = take(bytes, &mut at, 1, G2).remove(0);
        let k0 = take(bytes, &mut at, 1, G1).remove(0);
        let k_tau = take(bytes, &mut at, n, G1);
        nodes.push(SkNodeParts { k_hat, k0, k_tau });
    }
    assert_eq!(at, bytes.len(), "secret key layout");
    SkParts { head, attrs, nodes }
}

pub fn join_sk(p: &SkParts) -> Vec<u8> {
    let mut out = p.head.clone();
    out.extend_from_slice(&p.attrs);
    for n in &p.nodes {
        out.extend_from_slice(&n.k_hat);
        out.extend_from_slice(&n.k0);
        for k in &n.k_tau {
            out.extend_from_slice(k);
        }
    }
    out
}
