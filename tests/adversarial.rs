//! The attacker with only the public API and the encodings (issue: hardening): mixing rows
//! between headers, moving a header back in time by hand, replaying old key updates after a
//! revocation. Each attempt must end in a typed error or a wrong key — never the right key.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use common::*;
use rs_habe::{Authority, DecryptionKey, Envelope, Error, Header, Recipient, SetupParams};

/// Byte layout of a header (wire format 3, abe-v2.md §12): prefix (6) ‖ D_t (1) ‖ period (8) ‖
/// policy length (4) ‖ policy ‖ Ĉ0 (G2) ‖ m (u16) ‖ Ĉ1⁽¹..ᵐ⁾ (G2 each) ‖ C_i (G1, one per leaf) ‖
/// time rows.
struct HeaderLayout {
    c0: usize,
    c1: usize,
    rows: usize,
    time: usize,
}

fn header_layout(bytes: &[u8]) -> HeaderLayout {
    let len = u32::from_be_bytes(bytes[15..19].try_into().unwrap()) as usize;
    let c0 = 19 + len;
    let m_at = c0 + G2;
    let m = usize::from(u16::from_be_bytes(
        bytes[m_at..m_at + 2].try_into().unwrap(),
    ));
    let c1 = m_at + 2;
    let rows = c1 + m * G2;
    let policy = rs_habe::Policy::parse(std::str::from_utf8(&bytes[19..c0]).unwrap()).unwrap();
    HeaderLayout {
        c0,
        c1,
        rows,
        time: rows + policy.leaf_count() * G1,
    }
}

/// Whether the (possibly edited) header bytes decode and `dk` recovers `key` from them.
fn opens(dk: &DecryptionKey, bytes: &[u8], key: &[u8; 32]) -> bool {
    match Header::from_bytes(bytes) {
        Ok(h) => dk.decapsulate(&h).map(|k| *k == *key).unwrap_or(false),
        Err(_) => false,
    }
}

/// The same, for edited bytes that are a well-formed header the key can run on: a header
/// refused before the decryption math would make the assertion vacuous.
fn runs_and_opens(dk: &DecryptionKey, bytes: &[u8], key: &[u8; 32]) -> bool {
    let h = Header::from_bytes(bytes).expect("edited header decodes");
    *dk.decapsulate(&h).expect("the key runs the decryption") == *key
}

#[test]
fn mixing_rows_between_headers_never_recovers_a_key() {
    let mut rng = rng(31);
    let mut authority = Authority::setup(&mut rng, SetupParams::new(5, 3)).unwrap();
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
    // The key holds only "doctor": the attacker splices Ĉ0, the layer element Ĉ1, the attribute
    // rows C_i and the time rows of one header into the other, alone and together (v2's
    // attribute part is Ĉ0, m, Ĉ1⁽¹..ᵐ⁾ and the C_i; v1's per-leaf triples are gone).
    let splices = |bytes: &[u8]| -> [(&str, std::ops::Range<usize>); 6] {
        let l = header_layout(bytes);
        [
            ("Ĉ0", l.c0..l.c0 + G2),
            ("Ĉ1", l.c1..l.rows),
            ("attribute rows", l.rows..l.time),
            ("time rows", l.time..bytes.len()),
            ("Ĉ1 and attribute rows", l.c1..l.time),
            ("Ĉ0, Ĉ1 and attribute rows", l.c0..l.time),
        ]
    };
    let satisfying = parse("doctor or nurse");
    let (s1, key_s1) = Header::encapsulate(&mut rng, &pp, &satisfying, 4).unwrap();
    let (s2, key_s2) = Header::encapsulate(&mut rng, &pp, &satisfying, 4).unwrap();
    assert_eq!(*dk.decapsulate(&s1).unwrap(), *key_s1);
    assert_eq!(*dk.decapsulate(&s2).unwrap(), *key_s2);
    let (s1, s2) = (s1.to_bytes(), s2.to_bytes());
    for ((name, range), (_, srange)) in splices(&a).into_iter().zip(splices(&s1)) {
        assert!(!range.is_empty() && !srange.is_empty(), "{name}");
        assert_ne!(a[range.clone()], b[range.clone()], "{name}");
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
            !runs_and_opens(&dk, &mixed, &key_s1) && !runs_and_opens(&dk, &mixed, &key_s2),
            "{name}"
        );
    }
    // Positive control: splicing every field gives back the other header, which opens.
    let mut whole = s1.clone();
    let l = header_layout(&s1);
    whole[l.c0..].copy_from_slice(&s2[l.c0..]);
    assert!(runs_and_opens(&dk, &whole, &key_s2));

    // Occurrence layers (abe-v2.md §7): `2 of (doctor, doctor, nurse)` has m = 2 and opens for
    // {doctor} through both doctor-leaves, one per layer. One layer's Ĉ1 or one leaf's C_i from
    // another header, or the two layers' Ĉ1 swapped, gives a key that is neither header's.
    let layered = parse("2 of (doctor, doctor, nurse)");
    let (r1, key_r1) = Header::encapsulate(&mut rng, &pp, &layered, 4).unwrap();
    let (r2, key_r2) = Header::encapsulate(&mut rng, &pp, &layered, 4).unwrap();
    assert_eq!(*dk.decapsulate(&r1).unwrap(), *key_r1);
    assert_eq!(*dk.decapsulate(&r2).unwrap(), *key_r2);
    let (r1, r2) = (r1.to_bytes(), r2.to_bytes());
    let l = header_layout(&r1);
    assert_eq!(l.rows - l.c1, 2 * G2, "two layers");
    let edits: [(&str, std::ops::Range<usize>); 4] = [
        ("Ĉ1 of layer 1", l.c1..l.c1 + G2),
        ("Ĉ1 of layer 2", l.c1 + G2..l.rows),
        ("C_i of the first doctor-leaf", l.rows..l.rows + G1),
        (
            "C_i of the second doctor-leaf",
            l.rows + G1..l.rows + 2 * G1,
        ),
    ];
    for (name, range) in edits {
        let mut mixed = r1.clone();
        mixed[range.clone()].copy_from_slice(&r2[range]);
        assert!(
            !runs_and_opens(&dk, &mixed, &key_r1) && !runs_and_opens(&dk, &mixed, &key_r2),
            "{name}"
        );
    }
    let mut swapped = r1.clone();
    swapped[l.c1..l.c1 + G2].copy_from_slice(&r1[l.c1 + G2..l.rows]);
    swapped[l.c1 + G2..l.rows].copy_from_slice(&r1[l.c1..l.c1 + G2]);
    assert!(!runs_and_opens(&dk, &swapped, &key_r1), "layers swapped");
}

#[test]
fn a_header_cannot_be_moved_back_in_time_by_hand() {
    let mut rng = rng(32);
    let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2)).unwrap();
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
    // The attribute parts (Ĉ0, m, Ĉ1, C_i) of both headers have the same length: "doctor", m = 1.
    let time = header_layout(&h2).time;
    assert_eq!(header_layout(&h5).time, time);
    let mut grafted = h5[..time].to_vec();
    grafted[7..15].copy_from_slice(&2u64.to_be_bytes());
    grafted.extend_from_slice(&h2[time..]);
    // A well-formed period-2 header: the key runs the decryption and gets a wrong key.
    assert!(
        !runs_and_opens(&dk2, &grafted, &key),
        "the period-2 time rows of another header"
    );
}

#[test]
fn old_key_updates_do_not_outlive_a_revocation() {
    let mut rng = rng(33);
    let mut authority = Authority::setup(&mut rng, SetupParams::new(5, 3)).unwrap();
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
