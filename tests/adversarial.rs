//! The attacker with only the public API and the encodings (issue: hardening): mixing rows
//! between headers, moving a header back in time by hand, replaying old key updates after a
//! revocation. Each attempt must end in a typed error or a wrong key — never the right key.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use common::*;
use rs_habe::{Authority, DecryptionKey, Envelope, Error, Header, Recipient, SetupParams};

const G1: usize = 48;

/// Byte layout of a header: prefix (6) ‖ D_t (1) ‖ period (8) ‖ policy length (4) ‖ policy ‖ C0
/// ‖ 3 G1 per leaf ‖ time rows.
fn header_rows(bytes: &[u8]) -> (usize, usize) {
    let len = u32::from_be_bytes(bytes[15..19].try_into().unwrap()) as usize;
    let c0 = 19 + len;
    (c0, c0 + G1)
}

fn opens(dk: &DecryptionKey, bytes: &[u8], key: &[u8; 32]) -> bool {
    match Header::from_bytes(bytes) {
        Ok(h) => dk.decapsulate(&h).map(|k| *k == *key).unwrap_or(false),
        Err(_) => false,
    }
}

#[test]
fn mixing_rows_between_headers_never_recovers_a_key() {
    let mut rng = rng(31);
    let mut authority = Authority::setup(
        &mut rng,
        SetupParams {
            time_depth: 5,
            tree_depth: 3,
        },
    )
    .unwrap();
    let pp = authority.public_params().clone();
    let sk = authority.enrol(&mut rng, &set(&["doctor"])).unwrap();
    let dk = sk
        .decryption_key(&authority.key_update(&mut rng, 9).unwrap())
        .unwrap();
    // Same policy text and period: every row lines up byte for byte.
    let policy = parse("doctor and nurse");
    let (a, key_a) = Header::encapsulate(&mut rng, &pp, &policy, 4).unwrap();
    let (b, key_b) = Header::encapsulate(&mut rng, &pp, &policy, 4).unwrap();
    let (a, b) = (a.to_bytes(), b.to_bytes());
    // The key holds only "doctor": the attacker splices C0, the attribute rows and the time rows
    // of one header into the other, alone and together.
    let splices = |bytes: &[u8]| -> [(&str, std::ops::Range<usize>); 4] {
        let (c0, rows) = header_rows(bytes);
        let time = rows + 2 * 3 * G1;
        [
            ("C0", c0..c0 + G1),
            ("attribute rows", rows..time),
            ("time rows", time..bytes.len()),
            ("C0 and attribute rows", c0..time),
        ]
    };
    let satisfying = parse("doctor or nurse");
    let (s1, key_s1) = Header::encapsulate(&mut rng, &pp, &satisfying, 4).unwrap();
    let (s2, key_s2) = Header::encapsulate(&mut rng, &pp, &satisfying, 4).unwrap();
    assert_eq!(*dk.decapsulate(&s1).unwrap(), *key_s1);
    let (s1, s2) = (s1.to_bytes(), s2.to_bytes());
    for ((name, range), (_, srange)) in splices(&a).into_iter().zip(splices(&s1)) {
        let mut mixed = a.clone();
        mixed[range.clone()].copy_from_slice(&b[range.clone()]);
        assert_eq!(
            Header::from_bytes(&mixed)
                .and_then(|h| dk.decapsulate(&h))
                .err(),
            Some(Error::PolicyNotSatisfied),
            "{name}"
        );
        assert!(
            !opens(&dk, &mixed, &key_a) && !opens(&dk, &mixed, &key_b),
            "{name}"
        );
        // With a policy the key satisfies, mixing gives a key that is neither header's.
        let mut mixed = s1.clone();
        mixed[srange.clone()].copy_from_slice(&s2[srange.clone()]);
        assert!(
            !opens(&dk, &mixed, &key_s1) && !opens(&dk, &mixed, &key_s2),
            "{name}"
        );
    }
}

#[test]
fn a_header_cannot_be_moved_back_in_time_by_hand() {
    let mut rng = rng(32);
    let mut authority = Authority::setup(
        &mut rng,
        SetupParams {
            time_depth: 4,
            tree_depth: 2,
        },
    )
    .unwrap();
    let pp = authority.public_params().clone();
    let sk = authority.enrol(&mut rng, &set(&["doctor"])).unwrap();
    let dk2 = sk
        .decryption_key(&authority.key_update(&mut rng, 2).unwrap())
        .unwrap();
    let (h0, key) = Header::encapsulate(&mut rng, &pp, &parse("doctor"), 0).unwrap();
    let h5 = h0.update(&mut rng, &pp, 5).unwrap().to_bytes();
    // Relabel the period-5 header as period 2, and graft the period-0 header's root row onto
    // the period-5 header's attribute part: a key for period 2 must not open either.
    let mut relabelled = h5.clone();
    relabelled[7..15].copy_from_slice(&2u64.to_be_bytes());
    assert!(
        !opens(&dk2, &relabelled, &key),
        "relabelled period decodes only if rows fit Cover(2)"
    );
    let (h2, _) = Header::encapsulate(&mut rng, &pp, &parse("doctor"), 2).unwrap();
    let h2 = h2.to_bytes();
    let (_, rows) = header_rows(&h2);
    let time = rows + 3 * G1;
    let mut grafted = h5[..time].to_vec();
    grafted[7..15].copy_from_slice(&2u64.to_be_bytes());
    grafted.extend_from_slice(&h2[time..]);
    assert!(
        !opens(&dk2, &grafted, &key),
        "the period-2 time rows of another header"
    );
}

#[test]
fn old_key_updates_do_not_outlive_a_revocation() {
    let mut rng = rng(33);
    let mut authority = Authority::setup(
        &mut rng,
        SetupParams {
            time_depth: 5,
            tree_depth: 3,
        },
    )
    .unwrap();
    let pp = authority.public_params().clone();
    let user = authority.enrol(&mut rng, &set(&["doctor"])).unwrap();
    let old = authority.key_update(&mut rng, 6).unwrap();
    authority.revoke(&user.user_id(), 7).unwrap();
    // The update of period 6 with its period field edited to 7 (bytes 23..31: prefix 6, issuer 16, D_t 1).
    let mut edited = old.to_bytes();
    edited[23..31].copy_from_slice(&7u64.to_be_bytes());
    let edited = rs_habe::KeyUpdate::from_bytes(&edited).unwrap();
    let dk = user.decryption_key(&edited).unwrap();
    assert_eq!(dk.period(), 7);
    let envelope = Envelope::seal(
        &mut rng,
        &pp,
        &[Recipient::Policy {
            policy: &parse("doctor"),
            period: 7,
        }],
        b"",
        b"x",
    )
    .unwrap();
    assert_eq!(envelope.open(&dk, b"").err(), Some(Error::Decryption));
    // And the honest update of period 7 refuses the revoked user.
    assert_eq!(
        user.decryption_key(&authority.key_update(&mut rng, 7).unwrap())
            .err(),
        Some(Error::Revoked)
    );
}

/// Every public object can be shared between threads (a cloud's worker pool, a proxy serving
/// requests concurrently): the caches some of them build on first use (`OnceBox`) keep them
/// `Send + Sync`.
#[test]
fn public_objects_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<rs_habe::Authority>();
    check::<rs_habe::Delegator>();
    check::<rs_habe::PublicParams>();
    check::<rs_habe::SecretKey>();
    check::<rs_habe::KeyUpdate>();
    check::<rs_habe::DecryptionKey>();
    check::<rs_habe::TransformKey>();
    check::<rs_habe::RetrievalKey>();
    check::<rs_habe::PartialDecryption>();
    check::<rs_habe::FreshnessGuard>();
    check::<rs_habe::Header>();
    check::<rs_habe::Policy>();
    check::<rs_habe::AttributeSet>();
    check::<rs_habe::Envelope>();
    check::<rs_habe::EnvelopeHeader>();
    check::<rs_habe::Error>();
    check::<rs_habe::pre::KeyPair>();
    check::<rs_habe::pre::PublicKey>();
    check::<rs_habe::pre::Capsule>();
    check::<rs_habe::pre::KeyFrag>();
    check::<rs_habe::pre::VerifiedCapsule>();
    check::<rs_habe::pre::VerifiedKeyFrag>();
    check::<rs_habe::pre::DelegationRecord>();
    check::<rs_habe::pre::CheckedRecord>();
    check::<rs_habe::pre::DelegateeKey>();
    check::<rs_habe::pre::CapsuleFrag>();
    check::<rs_habe::pre::VerifiedCapsuleFrag>();
}
