//! Correctness (scheme.md §13): for random policies, random attribute sets and random periods
//! `T ≤ T'`, decryption returns the encapsulated key exactly when the set satisfies the policy —
//! at every hierarchy level, after any chain of header updates, for `D_t ∈ {4, 20}`.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use common::*;
use proptest::prelude::*;
use rs_habe::{AttributeSet, Authority, DecryptionKey, Delegator, Error, Header, SetupParams};

/// A key for `attrs` at `period`, issued `level` levels below the authority (1 = by the
/// authority itself). Every intermediate delegator holds the whole universe.
fn key_at_level(
    authority: &mut Authority,
    attrs: &AttributeSet,
    period: u64,
    level: usize,
    seed: u64,
) -> DecryptionKey {
    let mut rng = rng(seed);
    let pp = authority.public_params().clone();
    let universe = AttributeSet::new(UNIVERSE).unwrap();
    let first = if level == 1 { attrs } else { &universe };
    let sk = authority.enrol(&mut rng, first).unwrap();
    let mut dk = sk
        .decryption_key(&authority.key_update(&mut rng, period).unwrap())
        .unwrap();
    for l in 2..=level {
        let mut delegator = Delegator::new(&mut rng, &dk, 3).unwrap();
        let child_set = if l == level { attrs } else { &universe };
        let child = delegator.enrol(&mut rng, &pp, child_set).unwrap();
        let update = delegator.key_update(&mut rng, &pp, &dk).unwrap();
        dk = child.decryption_key(&update).unwrap();
    }
    assert_eq!(dk.attributes(), attrs);
    dk
}

fn check(
    time_depth: u8,
    text: &str,
    attrs: &AttributeSet,
    periods: (u64, u64, u64),
    level: usize,
    seed: u64,
) {
    let mut rng = rng(seed);
    let mut authority = Authority::setup(&mut rng, SetupParams::new(time_depth, 3)).unwrap();
    let pp = authority.public_params().clone();
    if seed % 2 == 0 {
        // Half the cases run with fixed-base tables: results must not depend on them.
        pp.precompute();
    }
    let policy = parse(text);
    let (t, mid, key_period) = periods;
    let (header, key) = Header::encapsulate(&mut rng, &pp, &policy, t).unwrap();
    let dk = key_at_level(&mut authority, attrs, key_period, level, seed ^ 1);
    // A chain of updates: T -> mid -> key period (each step may be a no-op).
    let h1 = header.update(&mut rng, &pp, mid).unwrap();
    let h2 = h1.update(&mut rng, &pp, key_period).unwrap();
    for h in [&header, &h1, &h2] {
        let h = Header::from_bytes(&h.to_bytes()).unwrap();
        match dk.decapsulate(&h) {
            Ok(k) => {
                assert!(
                    policy.is_satisfied_by(attrs),
                    "opened without satisfying: {text} / {attrs:?}"
                );
                assert_eq!(
                    *k, *key,
                    "wrong key for a satisfying set: {text} / {attrs:?}"
                );
            }
            Err(Error::PolicyNotSatisfied) => assert!(!policy.is_satisfied_by(attrs)),
            Err(e) => panic!("unexpected error {e:?} for {text} / {attrs:?}"),
        }
    }
}

fn periods(time_depth: u8) -> impl Strategy<Value = (u64, u64, u64)> {
    let n = 1u64 << time_depth;
    (0..n, 0..n, 0..n).prop_map(|(a, b, c)| {
        let mut v = [a, b, c];
        v.sort_unstable();
        (v[0], v[1], v[2])
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(16), ..ProptestConfig::default() })]

    #[test]
    fn decrypts_iff_satisfied_small_tree(
        text in policy_text(), attrs in attribute_set(), p in periods(4), level in 1usize..=3, seed in any::<u64>(),
    ) {
        check(4, &text, &attrs, p, level, seed);
    }

    #[test]
    fn decrypts_iff_satisfied_depth_20(
        text in policy_text(), attrs in attribute_set(), p in periods(20), level in 1usize..=2, seed in any::<u64>(),
    ) {
        check(20, &text, &attrs, p, level, seed);
    }
}

#[test]
fn every_period_pair_of_a_small_tree_decrypts() {
    // Exhaustive over T <= T' at D_t = 3, single update step.
    let mut rng = rng(7);
    let mut authority = Authority::setup(&mut rng, SetupParams::new(3, 2)).unwrap();
    let pp = authority.public_params().clone();
    let sk = authority.enrol(&mut rng, &set(&["doctor"])).unwrap();
    let policy = parse("doctor");
    for key_period in 0..8u64 {
        let dk = sk
            .decryption_key(&authority.key_update(&mut rng, key_period).unwrap())
            .unwrap();
        for t in 0..8u64 {
            let (header, key) = Header::encapsulate(&mut rng, &pp, &policy, t).unwrap();
            if t > key_period {
                assert_eq!(dk.decapsulate(&header).err(), Some(Error::PeriodNotCovered));
                continue;
            }
            for later in t..=key_period {
                let h = header.update(&mut rng, &pp, later).unwrap();
                assert_eq!(
                    *dk.decapsulate(&h).unwrap(),
                    *key,
                    "T={t} -> {later}, key {key_period}"
                );
            }
        }
    }
}

#[test]
fn delegation_works_to_depth_four() {
    for level in 1..=4 {
        let mut rng = rng(level as u64);
        let mut authority = Authority::setup(&mut rng, SetupParams::new(6, 3)).unwrap();
        let pp = authority.public_params().clone();
        let dk = key_at_level(&mut authority, &set(&["nurse", "ward:3"]), 40, level, 99);
        let (header, key) =
            Header::encapsulate(&mut rng, &pp, &parse("nurse and ward:3"), 33).unwrap();
        assert_eq!(*dk.decapsulate(&header).unwrap(), *key, "level {level}");
        let (header, _) = Header::encapsulate(&mut rng, &pp, &parse("doctor"), 33).unwrap();
        assert_eq!(
            dk.decapsulate(&header).err(),
            Some(Error::PolicyNotSatisfied)
        );
    }
}

#[test]
fn restricted_keys_open_exactly_what_their_set_satisfies() {
    let mut rng = rng(3);
    let mut authority = Authority::setup(&mut rng, SetupParams::new(5, 2)).unwrap();
    let pp = authority.public_params().clone();
    let sk = authority
        .enrol(&mut rng, &set(&["doctor", "cardiology", "on-call"]))
        .unwrap();
    let dk = sk
        .decryption_key(&authority.key_update(&mut rng, 9).unwrap())
        .unwrap();
    let small = dk
        .restrict(&mut rng, &pp, &set(&["doctor", "on-call"]))
        .unwrap();
    assert_eq!(small.period(), 9);
    for (text, ok) in [
        ("doctor and on-call", true),
        ("doctor", true),
        ("doctor and cardiology", false),
        ("cardiology", false),
        ("2 of (doctor, cardiology, on-call)", true),
        ("2 of (cardiology, nurse, on-call)", false),
    ] {
        let (header, key) = Header::encapsulate(&mut rng, &pp, &parse(text), 9).unwrap();
        match small.decapsulate(&header) {
            Ok(k) => assert!(ok && *k == *key, "{text}"),
            Err(e) => assert!(!ok && e == Error::PolicyNotSatisfied, "{text}: {e:?}"),
        }
    }
    assert!(matches!(
        dk.restrict(&mut rng, &pp, &set(&["nurse"])),
        Err(Error::NotASubset(_))
    ));
}
