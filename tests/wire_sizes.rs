//! The size formulas of `docs/WIRE.md`, checked against `to_bytes()` of real objects.
//!
//! Every ABE object is built through the public API (seeded ChaCha20) for two parameter choices
//! that change every variable a formula has: time depth `D_t`, tree depth `D`, attribute count,
//! attribute lengths, policy leaves and text, period (so `Cover(T)`), revocations (so `R` and
//! the number of key-update entries) and payload length. Each helper below is one formula of
//! WIRE.md, with the section it comes from; if a layout changes, the document and this file
//! change together.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use common::{parse, rng, set};
use rs_habe::{
    AttributeSet, Authority, Delegator, Envelope, FreshnessGuard, Header, Recipient, SetupParams,
};

/// WIRE.md §1: magic (4) ‖ version (1) ‖ object type (1).
const PREFIX: usize = 6;
const G1: usize = 48;
const G2: usize = 96;
const GT: usize = 288;
/// A key component pair `(A2, A3)` or `(B2, B3)`.
const PAIR: usize = 2 * G2;

/// WIRE.md §3.2: u32 count, then per attribute a u8 length and its UTF-8 bytes.
fn attr_list_len(s: &AttributeSet) -> usize {
    4 + s.iter().map(|a| 1 + a.as_str().len()).sum::<usize>()
}

/// WIRE.md §4.1: `55 + 144·(D_t + 7)`.
fn public_params_len(dt: u8) -> usize {
    55 + 144 * (usize::from(dt) + 7)
}

/// WIRE.md §3.4: `69 + 16·R`.
fn issuer_tree_len(revoked: usize) -> usize {
    69 + 16 * revoked
}

/// WIRE.md §4.2: `175 + |PP| + 16·R`.
fn authority_len(dt: u8, revoked: usize) -> usize {
    PREFIX + 4 + public_params_len(dt) + G2 + issuer_tree_len(revoked)
}

/// WIRE.md §4.3: `32 + A + 192·(D + 1)·(1 + |S|)`.
fn secret_key_len(tree_depth: u8, s: &AttributeSet) -> usize {
    32 + attr_list_len(s) + 192 * (usize::from(tree_depth) + 1) * (1 + s.len())
}

/// WIRE.md §4.5: `327 + A + 192·(|S| + D_t + 1)`.
fn decryption_key_len(dt: u8, s: &AttributeSet) -> usize {
    327 + attr_list_len(s) + PAIR * (s.len() + usize::from(dt) + 1)
}

/// WIRE.md §4.4, authority update: `45 + n·(201 + 192·(D_t + 1))`.
fn authority_update_len(dt: u8, entries: usize) -> usize {
    45 + entries * (9 + 2 * G2 + PAIR * (usize::from(dt) + 1))
}

/// WIRE.md §4.4, delegated update: `45 + A + n·(297 + 192·(|S_KU| + D_t + 1))`.
fn delegated_update_len(dt: u8, s_ku: &AttributeSet, entries: usize) -> usize {
    45 + attr_list_len(s_ku) + entries * (9 + 3 * G2 + PAIR * (s_ku.len() + usize::from(dt) + 1))
}

/// WIRE.md §4.6: `19 + |P| + 48·(1 + 3L) + 48·Σ_{j ∈ bits(2^D_t − T)} (3 + j)`.
fn header_len(dt: u8, period: u64, policy_text: &str, leaves: usize) -> usize {
    let cover_len: u64 = (1u64 << dt) - period;
    let time_part: usize = (0..=dt)
        .filter(|j| cover_len >> j & 1 == 1)
        .map(|j| G1 * (3 + usize::from(j)))
        .sum();
    19 + policy_text.len() + G1 * (1 + 3 * leaves) + time_part
}

/// WIRE.md §4.7: `100 + A + 16·R`.
fn delegator_len(s: &AttributeSet, revoked: usize) -> usize {
    100 + attr_list_len(s) + 16 * revoked
}

/// WIRE.md §4.8: `10 + 24·m`.
fn guard_len(issuers: usize) -> usize {
    10 + 24 * issuers
}

/// WIRE.md §5.3: STREAM payload, `P + 16·max(1, ⌈P / 65536⌉)`.
fn payload_len(plaintext: usize) -> usize {
    plaintext + 16 * plaintext.div_ceil(64 * 1024).max(1)
}

/// One parameter choice.
struct Case {
    time_depth: u8,
    tree_depth: u8,
    /// Enrolled with the authority; the first user is the delegator.
    users: &'static [&'static [&'static str]],
    /// Leaves revoked by the authority (from period 0).
    revoke: &'static [u64],
    /// Children of the delegator, and how many of them it revokes.
    children: &'static [&'static [&'static str]],
    child_revocations: usize,
    policy: &'static str,
    leaves: usize,
    enc_period: u64,
    key_period: u64,
    plaintext_len: usize,
    /// The number of authority key-update entries (`|KUNodes(T)|`) the revocations give.
    expected_entries: usize,
}

const CASES: [Case; 2] = [
    Case {
        time_depth: 4,
        tree_depth: 3,
        users: &[&["cardiology", "doctor"], &["nurse"]],
        revoke: &[1],
        children: &[&["doctor"]],
        child_revocations: 0,
        policy: "doctor and cardiology",
        leaves: 2,
        enc_period: 0,
        key_period: 3,
        plaintext_len: 0,
        // One revoked leaf in a tree of depth 3: one sibling subtree per level.
        expected_entries: 3,
    },
    Case {
        time_depth: 7,
        tree_depth: 2,
        users: &[
            &["cardiology", "doctor", "on-call", "ward 3", "é-unit"],
            &["nurse"],
            &["nurse", "ward 3"],
        ],
        revoke: &[],
        children: &[&["doctor", "on-call"], &["cardiology"], &["doctor"]],
        child_revocations: 2,
        policy: "2 OF (doctor, \"ward 3\", on-call) and (cardiology or \"12\" or doctor)",
        leaves: 6,
        enc_period: 37,
        key_period: 101,
        plaintext_len: 64 * 1024 + 5,
        // Nobody revoked: the root covers everyone.
        expected_entries: 1,
    },
];

#[test]
fn every_abe_object_has_its_documented_size() {
    for (n, case) in CASES.iter().enumerate() {
        check_case(n as u64, case);
    }
}

fn check_case(seed: u64, c: &Case) {
    let mut rng = rng(0x5749_5245 + seed); // "WIRE"
    let dt = c.time_depth;
    let mut authority = Authority::setup(
        &mut rng,
        SetupParams {
            time_depth: dt,
            tree_depth: c.tree_depth,
        },
    )
    .unwrap();
    let pp = authority.public_params().clone();
    assert_eq!(pp.to_bytes().len(), public_params_len(dt), "PublicParams");
    assert_eq!(pp.encoded_len(), public_params_len(dt), "PublicParams");

    let sets: Vec<AttributeSet> = c.users.iter().map(|u| set(u)).collect();
    let keys: Vec<_> = sets
        .iter()
        .map(|s| authority.enrol(&mut rng, s).unwrap())
        .collect();
    for (sk, s) in keys.iter().zip(&sets) {
        assert_eq!(
            sk.to_bytes().len(),
            secret_key_len(c.tree_depth, s),
            "SecretKey"
        );
    }
    for &leaf in c.revoke {
        authority.revoke(&keys[leaf as usize].user_id(), 0).unwrap();
    }
    assert_eq!(
        authority.to_bytes().len(),
        authority_len(dt, c.revoke.len()),
        "Authority state"
    );

    let update = authority.key_update(&mut rng, c.key_period).unwrap();
    assert_eq!(update.entry_count(), c.expected_entries);
    assert_eq!(
        update.to_bytes().len(),
        authority_update_len(dt, update.entry_count()),
        "KeyUpdate (authority)"
    );

    let dk = keys[0].decryption_key(&update).unwrap();
    assert_eq!(
        dk.to_bytes().len(),
        decryption_key_len(dt, &sets[0]),
        "DecryptionKey"
    );
    // A restricted key has the same layout with fewer attributes.
    let device_set = set(c.children[0]);
    let device = dk.restrict(&mut rng, &pp, &device_set).unwrap();
    assert_eq!(
        device.to_bytes().len(),
        decryption_key_len(dt, &device_set),
        "DecryptionKey (restricted)"
    );

    // Header at the encryption period, then moved by the cloud to the key's period.
    let policy = parse(c.policy);
    assert_eq!(policy.leaf_count(), c.leaves);
    let text = policy.to_string();
    let (header, _) = Header::encapsulate(&mut rng, &pp, &policy, c.enc_period).unwrap();
    assert_eq!(
        header.to_bytes().len(),
        header_len(dt, c.enc_period, &text, c.leaves),
        "Header"
    );
    assert_eq!(header.encoded_len(), header.to_bytes().len());
    for later in [c.enc_period + 1, c.key_period] {
        let moved = header.update(&mut rng, &pp, later).unwrap();
        assert_eq!(
            moved.to_bytes().len(),
            header_len(dt, later, &text, c.leaves),
            "Header updated to {later}"
        );
    }

    // Delegation: the first user issues keys to children.
    let mut delegator = Delegator::new(&mut rng, &dk, c.tree_depth).unwrap();
    let child_sets: Vec<AttributeSet> = c.children.iter().map(|s| set(s)).collect();
    let children: Vec<_> = child_sets
        .iter()
        .map(|s| delegator.enrol(&mut rng, &pp, s).unwrap())
        .collect();
    for (sk, s) in children.iter().zip(&child_sets) {
        assert_eq!(
            sk.to_bytes().len(),
            secret_key_len(c.tree_depth, s),
            "SecretKey (child)"
        );
    }
    for child in children.iter().skip(1).take(c.child_revocations) {
        delegator.revoke(&child.user_id(), 0).unwrap();
    }
    assert_eq!(
        delegator.to_bytes().len(),
        delegator_len(&sets[0], c.child_revocations),
        "Delegator state"
    );
    let child_update = delegator.key_update(&mut rng, &pp, &dk).unwrap();
    assert_eq!(
        child_update.to_bytes().len(),
        delegated_update_len(dt, &sets[0], child_update.entry_count()),
        "KeyUpdate (delegated)"
    );
    let child_dk = children[0].decryption_key(&child_update).unwrap();
    assert_eq!(
        child_dk.to_bytes().len(),
        decryption_key_len(dt, &child_sets[0]),
        "DecryptionKey (child)"
    );

    // Freshness guard: one issuer, then two.
    let mut guard = FreshnessGuard::default();
    assert_eq!(guard.to_bytes().len(), guard_len(0), "FreshnessGuard");
    guard.check(&update).unwrap();
    assert_eq!(guard.to_bytes().len(), guard_len(1), "FreshnessGuard");
    guard.check(&child_update).unwrap();
    assert_eq!(guard.to_bytes().len(), guard_len(2), "FreshnessGuard");

    // Outsourced decryption.
    let (tk, rk) = dk.outsource(&mut rng, &pp).unwrap();
    assert_eq!(
        tk.to_bytes().len(),
        decryption_key_len(dt, &sets[0]),
        "TransformKey"
    );
    assert_eq!(&tk.to_bytes()[..5], b"RSHB\x02");
    assert_eq!(tk.to_bytes()[5], 0x20);
    assert_eq!(rk.to_bytes().len(), PREFIX + G2, "RetrievalKey");
    let partial = tk.transform(&header).unwrap();
    assert_eq!(
        partial.to_bytes().len(),
        PREFIX + 4 + GT,
        "PartialDecryption"
    );

    // Envelope with one policy recipient: only the recipient slots and the payload are sized
    // here; the fixed part is WIRE.md §5.1.
    let plaintext = vec![0x42u8; c.plaintext_len];
    let envelope = Envelope::seal(
        &mut rng,
        &pp,
        &[Recipient::Policy {
            policy: &policy,
            period: c.enc_period,
        }],
        b"aad",
        &plaintext,
    )
    .unwrap();
    let slot = 1 + 4 + header_len(dt, c.enc_period, &text, c.leaves) + 48;
    assert_eq!(envelope.payload().len(), payload_len(c.plaintext_len));
    let fixed = envelope.to_bytes().len() - slot - payload_len(c.plaintext_len);
    assert_eq!(envelope.header().to_bytes().len(), fixed + slot);
    // Prefix 6, id 16, key commitment 32 (scheme.md §11), nonce prefix 7, recipient count 4
    // (WIRE.md §5.1).
    assert_eq!(fixed, 65, "envelope fixed part");
}

/// The prefix of every object: magic, version 2, and the object-type byte of WIRE.md §1.
#[test]
fn prefixes_carry_the_documented_object_types() {
    let mut rng = rng(0x5052_4546);
    let mut authority = Authority::setup(
        &mut rng,
        SetupParams {
            time_depth: 2,
            tree_depth: 1,
        },
    )
    .unwrap();
    let pp = authority.public_params().clone();
    let sk = authority.enrol(&mut rng, &set(&["a"])).unwrap();
    let update = authority.key_update(&mut rng, 1).unwrap();
    let dk = sk.decryption_key(&update).unwrap();
    let (header, _) = Header::encapsulate(&mut rng, &pp, &parse("a"), 0).unwrap();
    let delegator = Delegator::new(&mut rng, &dk, 1).unwrap();
    let (tk, rk) = dk.outsource(&mut rng, &pp).unwrap();
    let partial = tk.transform(&header).unwrap();
    let envelope = Envelope::seal(
        &mut rng,
        &pp,
        &[Recipient::Policy {
            policy: &parse("a"),
            period: 0,
        }],
        b"",
        b"x",
    )
    .unwrap();
    let objects: [(&str, Vec<u8>, u8); 12] = [
        ("PublicParams", pp.to_bytes(), 0x01),
        ("Authority", authority.to_bytes().to_vec(), 0x02),
        ("SecretKey", sk.to_bytes().to_vec(), 0x03),
        ("KeyUpdate", update.to_bytes(), 0x04),
        ("DecryptionKey", dk.to_bytes().to_vec(), 0x05),
        ("Header", header.to_bytes(), 0x06),
        ("Delegator", delegator.to_bytes().to_vec(), 0x07),
        ("Envelope", envelope.to_bytes(), 0x08),
        ("FreshnessGuard", FreshnessGuard::default().to_bytes(), 0x09),
        ("TransformKey", tk.to_bytes(), 0x20),
        ("PartialDecryption", partial.to_bytes(), 0x21),
        ("RetrievalKey", rk.to_bytes().to_vec(), 0x22),
    ];
    for (name, bytes, ty) in objects {
        assert_eq!(&bytes[..4], b"RSHB", "{name}");
        assert_eq!(bytes[4], 2, "{name}: wire version");
        assert_eq!(bytes[5], ty, "{name}: object type");
    }
}

/// PRE v2 objects (WIRE.md §6): fixed sizes, and the delegation record's `462 + 48·n`.
#[test]
fn pre_sizes_match_wire_md() {
    use rs_habe::pre::{self, KeyPair};
    let mut rng = rng(31);
    let alice = KeyPair::random(&mut rng);
    let bob = KeyPair::random(&mut rng);
    assert_eq!(alice.public_key().to_bytes().len(), 150);
    assert_eq!(alice.to_bytes().len(), 38);
    let (capsule, _) = pre::encapsulate(&mut rng, &alice.public_key()).unwrap();
    assert_eq!(capsule.to_bytes().len(), 134);
    for (t, n) in [(1, 1), (2, 3), (3, 5)] {
        let (kfrags, record) = alice.delegate(&mut rng, &bob.public_key(), t, n).unwrap();
        assert_eq!(record.to_bytes().len(), 462 + 48 * n, "t = {t}, n = {n}");
        let checked = record.check().unwrap();
        let kfrag = kfrags.into_iter().next().unwrap();
        assert_eq!(kfrag.to_bytes().len(), 58);
        let proxy = kfrag.verify(&checked).unwrap();
        let verified = capsule.verify(&alice.public_key()).unwrap();
        let cfrag = proxy.reencrypt(&mut rng, &verified).unwrap();
        assert_eq!(cfrag.to_bytes().len(), 170);
        assert_eq!(checked.delegatee_key(&bob).unwrap().to_bytes().len(), 122);
    }
}
