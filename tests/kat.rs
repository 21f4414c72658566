//! Known-answer vectors (scheme.md §13 "Determinism"): with a seeded RNG the public API produces
//! byte-for-byte stable encodings. Each object of the scenario in `tests/fixtures` is compared
//! with `tests/vectors/<object>.hex`.
//!
//! A missing or different file fails the test. To regenerate (only with a wire-format version
//! bump and a CHANGELOG "Wire format" entry):
//!
//! ```text
//! RSHABE_REGENERATE_VECTORS=1 cargo test --test kat
//! ```
#![allow(missing_docs, clippy::unwrap_used)]

mod fixtures;

use std::path::PathBuf;

use fixtures::{Kind, AAD, PLAINTEXT};

fn vector_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(format!("{name}.hex"))
}

fn regenerate() -> bool {
    std::env::var("RSHABE_REGENERATE_VECTORS").is_ok_and(|v| v == "1")
}

#[test]
fn encodings_match_the_committed_vectors() {
    let fixture = fixtures::build();
    let mut failures = Vec::new();
    for (name, _, bytes) in fixture.encodings() {
        let path = vector_path(name);
        let hex = hex::encode(&bytes);
        if regenerate() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, format!("{hex}\n")).unwrap();
            continue;
        }
        match std::fs::read_to_string(&path) {
            Err(e) => failures.push(format!("{name}: cannot read {}: {e}", path.display())),
            Ok(want) if want.trim() != hex => {
                let want = want.trim();
                let first = want
                    .bytes()
                    .zip(hex.bytes())
                    .position(|(a, b)| a != b)
                    .unwrap_or(want.len().min(hex.len()));
                failures.push(format!(
                    "{name}: differs from {} (lengths {} / {} hex chars, first difference at byte {})",
                    path.display(),
                    want.len(),
                    hex.len(),
                    first / 2
                ));
            }
            Ok(_) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "known-answer vectors do not match:\n{}",
        failures.join("\n")
    );
}

/// Running the scenario twice gives the same bytes: nothing depends on anything but the seed.
#[test]
fn the_scenario_is_deterministic() {
    let a = fixtures::build().encodings();
    let b = fixtures::build().encodings();
    assert_eq!(a.len(), b.len());
    for ((name, _, x), (_, _, y)) in a.iter().zip(b.iter()) {
        assert_eq!(x, y, "{name}");
    }
}

/// decode(encode(x)) re-encodes to the same bytes, for every object of the scenario, and for the
/// committed vectors themselves (so the files stay decodable, not merely equal).
#[test]
fn every_vector_round_trips() {
    let fixture = fixtures::build();
    for (name, kind, bytes) in fixture.encodings() {
        assert_eq!(kind.reencode(&bytes).unwrap(), bytes, "{name}");
        if let Ok(text) = std::fs::read_to_string(vector_path(name)) {
            let file = hex::decode(text.trim()).unwrap();
            assert_eq!(kind.reencode(&file).unwrap(), file, "{name} (file)");
        }
    }
    // Every object type with a decoder is pinned by at least one vector.
    let kinds: Vec<Kind> = fixture.encodings().iter().map(|e| e.1).collect();
    for k in Kind::ALL {
        assert!(kinds.contains(&k), "{k:?} has no vector");
    }
}

/// The pinned objects are not just stable but working: the keys open the header (fresh and
/// updated) and the envelope, at both hierarchy levels.
#[test]
fn the_pinned_objects_work() {
    let f = fixtures::build();
    for dk in [&f.alice_dk, &f.child_dk] {
        assert_eq!(*dk.decapsulate(&f.header).unwrap(), f.header_key);
        assert_eq!(*dk.decapsulate(&f.header_updated).unwrap(), f.header_key);
        assert_eq!(&f.envelope.open(dk, AAD).unwrap()[..], PLAINTEXT);
    }
    // The PRE objects: the patient opens her capsule, the pinned fragment verifies against the
    // pinned record, and the specialist's pinned key opens with it and proxy 1's fragment.
    assert_eq!(*f.patient.decapsulate(&f.capsule).unwrap(), f.capsule_key);
    let checked = f.record.check().unwrap();
    let capsule = f.capsule.verify(&f.patient.public_key()).unwrap();
    let pinned = f.cfrag.clone().verify(&capsule, &checked).unwrap();
    let _ = &f.specialist;
    let kfrag = rs_habe::pre::KeyFrag::from_bytes(&f.kfrag.to_bytes()).unwrap();
    assert_eq!(kfrag.index(), 2);
    assert_eq!(pinned.index(), 2);
    assert_eq!(f.delegatee_key.threshold(), 2);
    assert_eq!(
        f.delegatee_key
            .decapsulate(&f.capsule, &[pinned])
            .unwrap_err(),
        rs_habe::Error::NotEnoughFragments
    );
    assert_eq!(f.key_update.period(), 3);
    assert_eq!(f.child_key_update.period(), 3);
    assert!(f.child_key_update.attributes().is_some());
}
