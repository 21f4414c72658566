//! The size formulas of the wire format, checked against `to_bytes()` of real objects.
//!
//! Every ABE object is built through the public API (seeded ChaCha20) for two parameter choices
//! that change every variable a formula has: time depth `D_t`, tree depth `D`, attribute count,
//! attribute lengths, policy leaves, occurrence layers and text, period (so `Cover(T)`),
//! revocations (so `R` and the number of key-update entries) and payload length. Each helper
//! below is one formula, with the section of `docs/WIRE.md` it comes from; if a layout changes,
//! the document and this file change together.
//!
//! Wire format 3 (ABE v2, abe-v2.md §12) changed the ABE objects' attribute part: the formulas of
//! `PublicParams`, `Authority`, `SecretKey`, `KeyUpdate`, `DecryptionKey`/`TransformKey`,
//! `Header` and `RetrievalKey` below are v2's, derived field by field from the v2 layouts (each
//! helper spells the fields out). The others are unchanged from version 2.
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
/// A time component pair `(B2, B3)`.
const PAIR: usize = 2 * G2;
/// prefix ‖ user id (issuer 16 ‖ leaf 8).
const HOLDER: usize = 16 + 8;

/// WIRE.md §3.2: u32 count, then per attribute a u8 length and its UTF-8 bytes.
fn attr_list_len(s: &AttributeSet) -> usize {
    4 + s.iter().map(|a| 1 + a.as_str().len()).sum::<usize>()
}

/// WIRE.md §4.1, v2: prefix ‖ D_t ‖ Ω̂₁ (G2) ‖ w_T (G1) ‖ twins (G1 ‖ G2) v_T, f_0..f_{D_t}:
/// `151 + 144·(D_t + 2)`.
fn public_params_len(dt: u8) -> usize {
    let len = PREFIX + 1 + G2 + G1 + (G1 + G2) * (1 + usize::from(dt) + 1);
    assert_eq!(len, 151 + 144 * (usize::from(dt) + 2));
    len
}

/// WIRE.md §3.4: `69 + 16·R`.
fn issuer_tree_len(revoked: usize) -> usize {
    69 + 16 * revoked
}

/// WIRE.md §4.2, v2: prefix ‖ u32 |PP| ‖ PP ‖ g^α (G1) ‖ issuer tree: `127 + |PP| + 16·R`.
fn authority_len(dt: u8, revoked: usize) -> usize {
    let len = PREFIX + 4 + public_params_len(dt) + G1 + issuer_tree_len(revoked);
    assert_eq!(len, 127 + public_params_len(dt) + 16 * revoked);
    len
}

/// WIRE.md §4.3, v2: prefix ‖ user ‖ tree depth ‖ D_t ‖ attributes ‖ per path node K̂ (G2) ‖ K0
/// (G1) ‖ K_τ (G1 each): `32 + A + (D + 1)·(144 + 48·|S|)`.
fn secret_key_len(tree_depth: u8, s: &AttributeSet) -> usize {
    let per_node = G2 + G1 + G1 * s.len();
    let len = PREFIX + HOLDER + 1 + 1 + attr_list_len(s) + (usize::from(tree_depth) + 1) * per_node;
    assert_eq!(
        len,
        32 + attr_list_len(s) + (usize::from(tree_depth) + 1) * (144 + 48 * s.len())
    );
    len
}

/// WIRE.md §4.5, v2: prefix ‖ holder ‖ D_t ‖ period ‖ attributes ‖ K̂ (G2) ‖ K0 (G1) ‖ K_τ (G1
/// each) ‖ K1T (G2) ‖ D_t + 1 time pairs: `279 + A + 48·|S| + 192·(D_t + 1)`.
fn decryption_key_len(dt: u8, s: &AttributeSet) -> usize {
    let len = PREFIX
        + HOLDER
        + 1
        + 8
        + attr_list_len(s)
        + G2
        + G1
        + G1 * s.len()
        + G2
        + PAIR * (usize::from(dt) + 1);
    assert_eq!(
        len,
        279 + attr_list_len(s) + 48 * s.len() + 192 * (usize::from(dt) + 1)
    );
    len
}

/// The fixed part of a `KeyUpdate`: prefix ‖ issuer ‖ D_t ‖ period ‖ tree depth ‖ counter ‖
/// delegated flag, and the u32 entry count.
const UPDATE_FIXED: usize = PREFIX + 16 + 1 + 8 + 1 + 8 + 1 + 4;

/// WIRE.md §4.4, authority update, v2: per entry node (9) ‖ K0 (G1) ‖ K1T (G2) ‖ time pairs:
/// `45 + n·(153 + 192·(D_t + 1))`.
fn authority_update_len(dt: u8, entries: usize) -> usize {
    let entry = 9 + G1 + G2 + PAIR * (usize::from(dt) + 1);
    let len = UPDATE_FIXED + entries * entry;
    assert_eq!(len, 45 + entries * (153 + 192 * (usize::from(dt) + 1)));
    len
}

/// WIRE.md §4.4, delegated update, v2: the attribute list S_KU, then per entry node (9) ‖ K̂ (G2)
/// ‖ K0 (G1) ‖ K_τ (G1 each, S_KU order) ‖ K1T (G2) ‖ time pairs:
/// `45 + A + n·(249 + 48·|S_KU| + 192·(D_t + 1))`.
fn delegated_update_len(dt: u8, s_ku: &AttributeSet, entries: usize) -> usize {
    let entry = 9 + G2 + G1 + G1 * s_ku.len() + G2 + PAIR * (usize::from(dt) + 1);
    let len = UPDATE_FIXED + attr_list_len(s_ku) + entries * entry;
    assert_eq!(
        len,
        45 + attr_list_len(s_ku) + entries * (249 + 48 * s_ku.len() + 192 * (usize::from(dt) + 1))
    );
    len
}

/// WIRE.md §4.6, v2: prefix ‖ D_t ‖ period ‖ u32 |P| ‖ policy ‖ Ĉ0 (G2) ‖ u16 m ‖ Ĉ1 (G2) × m ‖
/// C_i (G1) × L ‖ time rows:
/// `19 + |P| + 98 + 96·m + 48·L + 48·Σ_{j ∈ bits(2^D_t − T)} (3 + j)`.
fn header_len(dt: u8, period: u64, policy_text: &str, leaves: usize, layers: usize) -> usize {
    let cover_len: u64 = (1u64 << dt) - period;
    let time_part: usize = (0..=dt)
        .filter(|j| cover_len >> j & 1 == 1)
        .map(|j| G1 * (3 + usize::from(j)))
        .sum();
    let len =
        PREFIX + 1 + 8 + 4 + policy_text.len() + G2 + 2 + G2 * layers + G1 * leaves + time_part;
    assert_eq!(
        len,
        19 + policy_text.len() + 98 + 96 * layers + 48 * leaves + time_part
    );
    len
}

/// The number of occurrence layers m of a policy: the largest multiplicity of an attribute
/// (abe-v2.md §7).
fn layer_count(policy: &rs_habe::Policy) -> usize {
    let mut counts = std::collections::HashMap::new();
    for a in policy.leaves() {
        *counts.entry(a.as_str()).or_insert(0usize) += 1;
    }
    counts.into_values().max().unwrap_or(1)
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
    /// Occurrence layers: the largest multiplicity of an attribute in the policy.
    layers: usize,
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
        layers: 1,
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
        // `doctor` twice.
        layers: 2,
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
    let mut authority = Authority::setup(&mut rng, SetupParams::new(dt, c.tree_depth)).unwrap();
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
    assert_eq!(layer_count(&policy), c.layers);
    let text = policy.to_string();
    let (header, _) = Header::encapsulate(&mut rng, &pp, &policy, c.enc_period).unwrap();
    assert_eq!(
        header.to_bytes().len(),
        header_len(dt, c.enc_period, &text, c.leaves, c.layers),
        "Header"
    );
    assert_eq!(header.encoded_len(), header.to_bytes().len());
    for later in [c.enc_period + 1, c.key_period] {
        let moved = header.update(&mut rng, &pp, later).unwrap();
        assert_eq!(
            moved.to_bytes().len(),
            header_len(dt, later, &text, c.leaves, c.layers),
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
    assert_eq!(&tk.to_bytes()[..5], b"RSHB\x03");
    assert_eq!(tk.to_bytes()[5], 0x20);
    // v2 (abe-v2.md §8a): RK = g^β ∈ G1.
    assert_eq!(rk.to_bytes().len(), PREFIX + G1, "RetrievalKey");
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
    let slot = 1 + 4 + header_len(dt, c.enc_period, &text, c.leaves, c.layers) + 48;
    assert_eq!(envelope.payload().len(), payload_len(c.plaintext_len));
    let fixed = envelope.to_bytes().len() - slot - payload_len(c.plaintext_len);
    assert_eq!(envelope.header().to_bytes().len(), fixed + slot);
    // Prefix 6, id 16, key commitment 32 (scheme.md §11), nonce prefix 7, recipient count 4
    // (WIRE.md §5.1).
    assert_eq!(fixed, 65, "envelope fixed part");
}

/// The prefix of every object: magic, version 3 (ABE v2), and the object-type byte of WIRE.md
/// §1.
#[test]
fn prefixes_carry_the_documented_object_types() {
    let mut rng = rng(0x5052_4546);
    let mut authority = Authority::setup(&mut rng, SetupParams::new(2, 1)).unwrap();
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
        assert_eq!(bytes[4], 3, "{name}: wire version");
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
