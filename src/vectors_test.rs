//! Reproduces every entry of `shared/design/vectors.json` (scheme.md §13): the RNG-free parts of
//! the scheme — attribute hash, `expand_message_xmd`, node secrets, `Cover(T)` and `KUNodes` —
//! computed independently from RFC 9380 / RFC 5869.
//!
//! The file is looked up beside the crate (`$CARGO_MANIFEST_DIR/../shared/design/vectors.json`)
//! and then at `/work/shared/design/vectors.json`; if neither exists the tests fail.

extern crate std;

use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;
use std::path::PathBuf;

use serde_json::Value;

use crate::domain;
use crate::hash;
use crate::scheme::{time, tree};

fn vectors() -> Value {
    let candidates = [
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/design/vectors.json"),
        PathBuf::from("/work/shared/design/vectors.json"),
    ];
    let path = candidates
        .iter()
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("vectors.json not found in any of {candidates:?}"));
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap()
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

#[test]
fn attribute_hash_vectors() {
    let v = vectors();
    assert_eq!(
        v["attribute_hash"]["dst"].as_str().unwrap().as_bytes(),
        domain::DST_ATTRIBUTE
    );
    for c in cases(&v, "attribute_hash") {
        let attr = c["attribute"].as_str().unwrap();
        assert_eq!(
            scalar_hex(&hash::attribute_hash(attr)),
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

#[test]
fn node_secret_vectors() {
    let v = vectors();
    let seed: [u8; 32] = hex::decode(v["node_secret"]["seed_hex"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    for c in cases(&v, "node_secret") {
        let k = u8::try_from(c["k"].as_u64().unwrap()).unwrap();
        let b = c["b"].as_u64().unwrap();
        assert_eq!(
            scalar_hex(&hash::node_secret(&seed, k, b)),
            c["scalar"].as_str().unwrap(),
            "node ({k}, {b})"
        );
    }
}

#[test]
fn cover_vectors() {
    let v = vectors();
    for c in cases(&v, "cover") {
        let dt = u8::try_from(c["D_t"].as_u64().unwrap()).unwrap();
        let t = c["T"].as_u64().unwrap();
        let got: Vec<(u8, u64)> = time::cover(dt, t)
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
        let got: Vec<(u8, u64)> = tree::ku_nodes(depth, &revoked)
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
