//! Reproduces every entry of the design's RNG-free vectors (scheme.md §13): `vectors.json` — the
//! attribute hash, `expand_message_xmd`, node secrets, `Cover(T)` and `KUNodes` — and
//! `vectors-v2.json` — the 128-bit challenges and the hedged PRE nonce of §10 v2 — computed
//! independently from RFC 9380 / RFC 5869.
//!
//! The crate keeps its own byte-exact copies in `tests/data/` (refreshed when the design's files
//! change), compiled in with `include_str!`: the tests never read anything outside the crate.

use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;

use serde_json::Value;

use crate::abe::{time_tree, user_tree};
use crate::domain;
use crate::hash;

/// `tests/data/vectors.json`, a copy of the design's `vectors.json`.
const VECTORS: &str = include_str!("../tests/data/vectors.json");
/// `tests/data/vectors-v2.json`, a copy of the design's `vectors-v2.json`.
const VECTORS_V2: &str = include_str!("../tests/data/vectors-v2.json");

fn vectors() -> Value {
    serde_json::from_str(VECTORS).unwrap()
}

fn vectors_v2() -> Value {
    serde_json::from_str(VECTORS_V2).unwrap()
}

fn scalar_hex(s: &blstrs::Scalar) -> String {
    hex::encode(s.to_bytes_be())
}

fn cases<'a>(v: &'a Value, section: &str) -> &'a Vec<Value> {
    let section = &v[section];
    let list = section.get("cases").unwrap_or(section);
    let list = list.as_array().unwrap();
    assert!(!list.is_empty(), "no cases in vectors.json");
    list
}

fn nodes(v: &Value) -> Vec<(u8, u64)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let n = n.as_array().unwrap();
            assert_eq!(n.len(), 2);
            (
                u8::try_from(n[0].as_u64().unwrap()).unwrap(),
                n[1].as_u64().unwrap(),
            )
        })
        .collect()
}

/// v1's attribute hash (a scalar) is retired by ABE v2, whose attribute points are hashed to G1
/// (pinned in `abe_v2_hash_to_curve_values`). The section still checks `hash_to_scalar`, which
/// v2 keeps for the parameters' twin check, with the DST the file names.
#[test]
fn attribute_hash_vectors() {
    let v = vectors();
    let dst = v["attribute_hash"]["dst"].as_str().unwrap();
    assert_eq!(dst, "RSHABE-V1-ATTRIBUTE");
    assert_ne!(dst.as_bytes(), domain::DST_ATTRIBUTE, "v2 uses its own DST");
    for c in cases(&v, "attribute_hash") {
        let attr = c["attribute"].as_str().unwrap();
        assert_eq!(
            scalar_hex(&hash::hash_to_scalar(&[attr.as_bytes()], dst.as_bytes())),
            c["scalar"].as_str().unwrap(),
            "attribute {attr:?}"
        );
    }
}

#[test]
fn expand_message_xmd_vectors() {
    let v = vectors();
    let dst = v["expand_message_xmd_sha256"]["dst"].as_str().unwrap();
    // The DST is v1's retired proof tag; it is only test data for expand_message_xmd now.
    for c in cases(&v, "expand_message_xmd_sha256") {
        let msg = hex::decode(c["msg_hex"].as_str().unwrap()).unwrap();
        let out: [u8; 64] = hash::expand_message_xmd::<64>(&[&msg], dst.as_bytes());
        assert_eq!(hex::encode(out), c["out64_hex"].as_str().unwrap());
        assert_eq!(
            scalar_hex(&hash::hash_to_scalar(&[&msg], dst.as_bytes())),
            c["scalar"].as_str().unwrap()
        );
        // The message may be given in parts: splitting it anywhere changes nothing.
        let (a, b) = msg.split_at(msg.len() / 2);
        assert_eq!(hash::expand_message_xmd::<64>(&[a, b], dst.as_bytes()), out);
    }
}

/// A file's `node_secret` section: the seed and each case's `(k, b, scalar hex)`.
fn node_secret_cases(v: &Value) -> ([u8; 32], Vec<(u8, u64, &str)>) {
    let seed = hex::decode(v["node_secret"]["seed_hex"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let nodes = cases(v, "node_secret")
        .iter()
        .map(|c| {
            (
                u8::try_from(c["k"].as_u64().unwrap()).unwrap(),
                c["b"].as_u64().unwrap(),
                c["scalar"].as_str().unwrap(),
            )
        })
        .collect();
    (seed, nodes)
}

#[test]
fn node_secret_vectors() {
    let v = vectors();
    let (seed, nodes) = node_secret_cases(&v);
    for (k, b, scalar) in nodes {
        // The design's file holds v1's node secrets (label RSHABE-V1-NODE); v2 derives with
        // RSHABE-V2-NODE (abe-v2.md §4), pinned in `abe_v2_hash_vectors`.
        assert_eq!(
            scalar_hex(&hash::node_secret_with_label(
                &seed,
                b"RSHABE-V1-NODE",
                k,
                b
            )),
            scalar,
            "node ({k}, {b})"
        );
        assert_ne!(
            scalar_hex(&hash::node_secret(&seed, k, b)),
            scalar,
            "v2 node secrets differ from v1's for the same seed"
        );
    }
}

#[test]
fn cover_vectors() {
    let v = vectors();
    for c in cases(&v, "cover") {
        let dt = u8::try_from(c["D_t"].as_u64().unwrap()).unwrap();
        let t = c["T"].as_u64().unwrap();
        let got: Vec<(u8, u64)> = time_tree::cover(dt, t)
            .iter()
            .map(|n| (n.depth, n.index))
            .collect();
        assert_eq!(got, nodes(&c["nodes"]), "Cover({t}) at D_t = {dt}");
    }
}

#[test]
fn kunodes_vectors() {
    let v = vectors();
    for c in cases(&v, "kunodes") {
        let depth = u8::try_from(c["depth"].as_u64().unwrap()).unwrap();
        let revoked: BTreeSet<u64> = c["revoked"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap())
            .collect();
        let got: Vec<(u8, u64)> = user_tree::ku_nodes(depth, &revoked)
            .iter()
            .map(|n| (n.depth, n.index))
            .collect();
        let mut want = nodes(&c["nodes"]);
        want.sort_unstable();
        assert_eq!(got, want, "KUNodes(depth {depth}, revoked {revoked:?})");
    }
}

/// Every section of the file is covered by a test above: a new section must get one.
#[test]
fn every_section_is_reproduced() {
    let v = vectors();
    let keys: BTreeSet<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let known: BTreeSet<&str> = [
        "about",
        "attribute_hash",
        "expand_message_xmd_sha256",
        "node_secret",
        "cover",
        "kunodes",
    ]
    .into_iter()
    .collect();
    assert_eq!(keys, known);
}

/// `challenge_128` (§10 v2): the first 16 bytes of the 64-byte `expand_message_xmd` output, read
/// big-endian, so a scalar below 2^128. Only the hash primitive is pinned here (with the DST the
/// file names); the PRE code that uses it has its own tests.
#[test]
fn challenge_128_vectors() {
    let v = vectors_v2();
    for c in cases(&v, "challenge_128") {
        let dst = c["dst"].as_str().unwrap().as_bytes();
        let msg = hex::decode(c["msg_hex"].as_str().unwrap()).unwrap();
        let out: [u8; 64] = hash::expand_message_xmd::<64>(&[&msg], dst);
        let mut be = [0u8; 32];
        be[16..].copy_from_slice(&out[..16]);
        assert_eq!(hex::encode(be), c["scalar"].as_str().unwrap());
    }
}

/// `pre_nonce` (§10 v2): the hedged nonce, the wide reduction of `expand_message_xmd` over
/// `be32(kfrag) || compress(E) || rnd32`.
#[test]
fn pre_nonce_vectors() {
    let v = vectors_v2();
    let dst = v["pre_nonce"]["dst"].as_str().unwrap().as_bytes();
    for c in cases(&v, "pre_nonce") {
        let part = |k: &str| hex::decode(c[k].as_str().unwrap()).unwrap();
        let (kfrag, e, rnd) = (part("kfrag"), part("e_compressed_hex"), part("rnd_hex"));
        assert_eq!((kfrag.len(), e.len(), rnd.len()), (32, 48, 32));
        assert_eq!(
            scalar_hex(&hash::hash_to_scalar(&[&kfrag, &e, &rnd], dst)),
            c["nonce"].as_str().unwrap()
        );
    }
}

/// Every section of `vectors-v2.json` is covered by a test above.
#[test]
fn every_v2_section_is_reproduced() {
    let v = vectors_v2();
    let keys: BTreeSet<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let known: BTreeSet<&str> = ["about", "challenge_128", "pre_nonce"]
        .into_iter()
        .collect();
    assert_eq!(keys, known);
}

/// `tests/data/vectors-abe-v2.json`: ABE v2's hashes, computed by an independent implementation
/// (py_ecc, Python's hmac; see the file's `about`).
const VECTORS_ABE_V2: &str = include_str!("../tests/data/vectors-abe-v2.json");

fn g1_hex(p: &blstrs::G1Affine) -> String {
    hex::encode(p.to_compressed())
}

/// blst's `hash_to_curve` for G1 against RFC 9380's `BLS12381G1_XMD:SHA-256_SSWU_RO_` suite
/// (the first two cases are the RFC's own, Appendix J.9.1).
#[test]
fn rfc9380_g1_hash_to_curve_vectors() {
    use group::Curve;
    let v: Value = serde_json::from_str(VECTORS_ABE_V2).unwrap();
    let dst = v["rfc9380_g1"]["dst"].as_str().unwrap();
    for c in cases(&v, "rfc9380_g1") {
        let msg = c["msg"].as_str().unwrap();
        let p = blstrs::G1Projective::hash_to_curve(msg.as_bytes(), dst.as_bytes(), b"");
        assert_eq!(
            g1_hex(&p.to_affine()),
            c["point"].as_str().unwrap(),
            "{msg:?}"
        );
    }
}

/// `H₀`, `H(τ)` (including a 255-byte attribute) and the v2 node secrets (abe-v2.md
/// "Notation and hashes", §4), with the crate's own DSTs and label.
#[test]
fn abe_v2_hash_vectors() {
    let v: Value = serde_json::from_str(VECTORS_ABE_V2).unwrap();
    assert_eq!(v["h0"]["dst"].as_str().unwrap().as_bytes(), domain::DST_H0);
    assert_eq!(g1_hex(hash::h0()), v["h0"]["point"].as_str().unwrap());
    assert_eq!(
        v["attribute_point"]["dst"].as_str().unwrap().as_bytes(),
        domain::DST_ATTRIBUTE
    );
    let mut long_one = false;
    for c in cases(&v, "attribute_point") {
        let a = crate::policy::Attribute::new(c["attribute"].as_str().unwrap()).unwrap();
        long_one |= a.as_str().len() == crate::policy::MAX_ATTRIBUTE_LEN;
        assert_eq!(
            g1_hex(&hash::attribute_point(&a)),
            c["point"].as_str().unwrap(),
            "{a:?}"
        );
        assert_ne!(hash::attribute_point(&a), *hash::h0());
    }
    assert!(long_one, "the vectors include a longest attribute");
    assert_eq!(
        v["node_secret"]["label"].as_str().unwrap().as_bytes(),
        domain::LABEL_NODE
    );
    let (seed, nodes) = node_secret_cases(&v);
    for (k, b, scalar) in nodes {
        assert_eq!(
            scalar_hex(&hash::node_secret(&seed, k, b)),
            scalar,
            "node ({k}, {b})"
        );
    }
}
