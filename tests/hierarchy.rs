//! Hierarchy and delegation (scheme.md §6, §13): a 3-level hospital — authority → hospital
//! admin → department heads (cardiology, oncology) → staff.
//!
//! Correctness at every level over random policies and periods; and access control across the
//! hierarchy: a child never gains an attribute its parent lacks, siblings cannot pool
//! attributes, a revoked child cannot collude with an unrevoked sibling, revoking a head
//! cascades to its whole department (and to nobody else), mismatched objects give typed errors,
//! restricted keys open exactly what their set satisfies, and child updates never share
//! randomness. The attacker tests work only through the public API and the encodings.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashSet;

use common::*;
use proptest::prelude::*;
use rand_chacha::ChaCha20Rng;
use rs_habe::{
    Attribute, AttributeSet, Authority, DecryptionKey, Delegator, Error, Header, KeyUpdate,
    PublicParams, SecretKey, SetupParams, UserId,
};

/// The hospital admin holds every attribute of the hospital.
const ADMIN_SET: [&str; 6] = [
    "cardiology",
    "doctor",
    "nurse",
    "on-call",
    "oncology",
    "ward:3",
];
/// The cardiology head holds the test universe (which has no `oncology`).
const CARDIOLOGY_SET: [&str; 5] = UNIVERSE;
/// The oncology head (no `cardiology`, no `ward:3`).
const ONCOLOGY_SET: [&str; 4] = ["doctor", "nurse", "on-call", "oncology"];

/// Authority → admin → {cardiology head, oncology head}; every issuer's tree has depth 3.
/// The admin's leaves: cardiology head 0, oncology head 1.
struct Hospital {
    pp: PublicParams,
    authority: Authority,
    admin_sk: SecretKey,
    admin: Delegator,
    cardio_sk: SecretKey,
    cardio: Delegator,
    onco_sk: SecretKey,
    onco: Delegator,
}

fn hospital(rng: &mut ChaCha20Rng, time_depth: u8) -> Hospital {
    let mut authority = Authority::setup(rng, SetupParams::new(time_depth, 3)).unwrap();
    let pp = authority.public_params().clone();
    let admin_sk = authority.enrol(rng, &set(&ADMIN_SET)).unwrap();
    let admin_dk = admin_sk
        .decryption_key(&authority.key_update(rng, 0).unwrap())
        .unwrap();
    let mut admin = Delegator::new(rng, &admin_dk, 3).unwrap();
    let cardio_sk = admin.enrol(rng, &pp, &set(&CARDIOLOGY_SET)).unwrap();
    let onco_sk = admin.enrol(rng, &pp, &set(&ONCOLOGY_SET)).unwrap();
    let admin_update = admin.key_update(rng, &pp, &admin_dk).unwrap();
    let cardio_dk = cardio_sk.decryption_key(&admin_update).unwrap();
    let onco_dk = onco_sk.decryption_key(&admin_update).unwrap();
    let cardio = Delegator::new(rng, &cardio_dk, 3).unwrap();
    let onco = Delegator::new(rng, &onco_dk, 3).unwrap();
    Hospital {
        pp,
        authority,
        admin_sk,
        admin,
        cardio_sk,
        cardio,
        onco_sk,
        onco,
    }
}

/// An update as its receivers see it: published as bytes and decoded.
fn published(update: KeyUpdate) -> KeyUpdate {
    KeyUpdate::from_bytes(&update.to_bytes()).unwrap()
}

/// Everything published and derived down the hierarchy for one period (nobody revoked at it).
struct PeriodKeys {
    admin_update: KeyUpdate,
    admin: DecryptionKey,
    cardio: DecryptionKey,
    onco: DecryptionKey,
    cardio_update: KeyUpdate,
    onco_update: KeyUpdate,
}

fn period_keys(h: &Hospital, rng: &mut ChaCha20Rng, t: u64) -> PeriodKeys {
    let authority_update = published(h.authority.key_update(rng, t).unwrap());
    let admin = h.admin_sk.decryption_key(&authority_update).unwrap();
    let admin_update = published(h.admin.key_update(rng, &h.pp, &admin).unwrap());
    let cardio = h.cardio_sk.decryption_key(&admin_update).unwrap();
    let onco = h.onco_sk.decryption_key(&admin_update).unwrap();
    let cardio_update = published(h.cardio.key_update(rng, &h.pp, &cardio).unwrap());
    let onco_update = published(h.onco.key_update(rng, &h.pp, &onco).unwrap());
    for dk in [&admin, &cardio, &onco] {
        assert_eq!(dk.period(), t);
    }
    PeriodKeys {
        admin_update,
        admin,
        cardio,
        onco,
        cardio_update,
        onco_update,
    }
}

/// Whether a forged encoded key recovers `key` from `header`. Every forgery in this file is a
/// well-formed encoding whose period and attributes fit the header, so it must decode and run
/// the decryption math to the end (a wrong key); anything else would make the test vacuous.
fn opens(dk_bytes: &[u8], header: &Header, key: &[u8; 32]) -> bool {
    let dk = DecryptionKey::from_bytes(dk_bytes).expect("forged key decodes");
    let k = dk
        .decapsulate(header)
        .expect("forged key runs the decryption");
    *k == *key
}

/// The same for a forged encoded secret key combined with `update`.
fn sk_opens(sk_bytes: &[u8], update: &KeyUpdate, header: &Header, key: &[u8; 32]) -> bool {
    let sk = SecretKey::from_bytes(sk_bytes).expect("forged secret key decodes");
    let dk = sk
        .decryption_key(update)
        .expect("forged secret key meets the update");
    dk_opens(&dk, header, key)
}

fn dk_opens(dk: &DecryptionKey, header: &Header, key: &[u8; 32]) -> bool {
    *dk.decapsulate(header).expect("key runs the decryption") == *key
}

fn attrs(names: &[&str]) -> Vec<Attribute> {
    names.iter().map(|a| Attribute::new(a).unwrap()).collect()
}

/// `key` opens `header` (and checks its period/policy bookkeeping on the way).
fn assert_opens(dk: &DecryptionKey, header: &Header, key: &[u8; 32], who: &str) {
    match dk.decapsulate(header) {
        Ok(k) => assert_eq!(*k, *key, "{who}: wrong key"),
        Err(e) => panic!("{who}: {e:?}"),
    }
}

fn sorted_periods(time_depth: u8) -> impl Strategy<Value = (u64, u64, u64)> {
    let n = 1u64 << time_depth;
    (0..n, 0..n, 0..n).prop_map(|(a, b, c)| {
        let mut v = [a, b, c];
        v.sort_unstable();
        (v[0], v[1], v[2])
    })
}

/// Header at `t`, moved to `mid`, then to `key_period` (through its encoding); every level's
/// key for `key_period` opens all three iff its set satisfies the policy.
fn check_every_level(text: &str, staff_attrs: &AttributeSet, periods: (u64, u64, u64), seed: u64) {
    let mut rng = rng(seed);
    let mut h = hospital(&mut rng, 6);
    let pp = h.pp.clone();
    let policy = parse(text);
    let (t, mid, key_period) = periods;

    let cardio_staff = h.cardio.enrol(&mut rng, &pp, staff_attrs).unwrap();
    let onco_attrs = AttributeSet::new(
        staff_attrs
            .iter()
            .map(Attribute::as_str)
            .filter(|a| ONCOLOGY_SET.contains(a))
            .chain(["oncology"]),
    )
    .unwrap();
    let onco_staff = h.onco.enrol(&mut rng, &pp, &onco_attrs).unwrap();

    let keys = period_keys(&h, &mut rng, key_period);
    let cardio_staff_dk = cardio_staff.decryption_key(&keys.cardio_update).unwrap();
    let onco_staff_dk = onco_staff.decryption_key(&keys.onco_update).unwrap();

    let (header, key) = Header::encapsulate(&mut rng, &pp, &policy, t).unwrap();
    let h1 = header.update(&mut rng, &pp, mid).unwrap();
    let h2 = h1.update(&mut rng, &pp, key_period).unwrap();
    let levels = [
        ("admin (level 1)", &keys.admin),
        ("cardiology head (level 2)", &keys.cardio),
        ("oncology head (level 2)", &keys.onco),
        ("cardiology staff (level 3)", &cardio_staff_dk),
        ("oncology staff (level 3)", &onco_staff_dk),
    ];
    for hdr in [&header, &h1, &h2] {
        let hdr = Header::from_bytes(&hdr.to_bytes()).unwrap();
        for (who, dk) in levels {
            assert_eq!(dk.period(), key_period);
            let satisfied = policy.is_satisfied_by(dk.attributes());
            match dk.decapsulate(&hdr) {
                Ok(k) => {
                    assert!(satisfied, "{who} opened {text} with {:?}", dk.attributes());
                    assert_eq!(*k, *key, "{who}: wrong key for {text}, T={}", hdr.period());
                }
                Err(Error::PolicyNotSatisfied) => assert!(!satisfied, "{who}: {text}"),
                Err(e) => panic!("{who}: unexpected {e:?} for {text}, T={}", hdr.period()),
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(6), ..ProptestConfig::default() })]

    /// scheme.md §13 correctness: random policies, staff sets and periods `T ≤ mid ≤ T'`; every
    /// level of both departments decrypts exactly when its set satisfies the policy.
    #[test]
    fn every_level_decrypts_iff_satisfied(
        text in policy_text(), staff in attribute_set(), p in sorted_periods(6), seed in any::<u64>(),
    ) {
        check_every_level(&text, &staff, p, seed);
    }
}

/// The same chain at `D_t = 20`: 2^20 periods, headers moved across most of the range.
#[test]
fn every_level_decrypts_at_time_depth_20() {
    let mut rng = rng(20);
    let mut h = hospital(&mut rng, 20);
    let pp = h.pp.clone();
    let adams = h
        .cardio
        .enrol(&mut rng, &pp, &set(&["doctor", "cardiology"]))
        .unwrap();
    let chen = h
        .onco
        .enrol(&mut rng, &pp, &set(&["doctor", "oncology"]))
        .unwrap();
    let (t, mid, key_period) = (5, 524_289, (1 << 20) - 1);
    let keys = period_keys(&h, &mut rng, key_period);
    let adams_dk = adams.decryption_key(&keys.cardio_update).unwrap();
    let chen_dk = chen.decryption_key(&keys.onco_update).unwrap();
    for (text, dk, who) in [
        ("cardiology and doctor", &adams_dk, "cardiology staff"),
        ("oncology and doctor", &chen_dk, "oncology staff"),
        ("cardiology and ward:3", &keys.cardio, "cardiology head"),
        ("oncology and on-call", &keys.admin, "admin"),
    ] {
        let (header, key) = Header::encapsulate(&mut rng, &pp, &parse(text), t).unwrap();
        let h1 = header.update(&mut rng, &pp, mid).unwrap();
        let h2 = h1.update(&mut rng, &pp, key_period).unwrap();
        for hdr in [&header, &h1, &h2] {
            assert_opens(dk, hdr, &key, who);
        }
    }
    assert_eq!(
        adams_dk
            .decapsulate(
                &Header::encapsulate(&mut rng, &pp, &parse("oncology"), 0)
                    .unwrap()
                    .0
            )
            .err(),
        Some(Error::PolicyNotSatisfied)
    );
}

/// Enrolment with a set that is not a subset of the parent's is `NotASubset`, naming exactly the
/// extra attributes, sorted — and it consumes no leaf.
#[test]
fn enrolment_outside_the_parents_set_names_the_extra_attributes() {
    let mut rng = rng(30);
    let mut h = hospital(&mut rng, 5);
    let pp = h.pp.clone();
    let before = h.cardio.counter();
    assert_eq!(
        h.cardio
            .enrol(
                &mut rng,
                &pp,
                &set(&["zeta", "doctor", "oncology", "alpha"])
            )
            .err(),
        Some(Error::NotASubset(attrs(&["alpha", "oncology", "zeta"])))
    );
    assert_eq!(
        h.cardio.counter(),
        before,
        "a failed enrolment changed state"
    );
    assert_eq!(
        h.onco
            .enrol(&mut rng, &pp, &set(&["cardiology", "nurse", "ward:3"]))
            .err(),
        Some(Error::NotASubset(attrs(&["cardiology", "ward:3"])))
    );
    assert_eq!(
        h.admin.enrol(&mut rng, &pp, &set(&["radiology"])).err(),
        Some(Error::NotASubset(attrs(&["radiology"])))
    );
    assert_eq!(
        h.cardio.enrol(&mut rng, &pp, &set(&[])).err(),
        Some(Error::InvalidAttributeSet)
    );
    // A subset works, and so does the parent's whole set.
    assert!(h.cardio.enrol(&mut rng, &pp, &set(&UNIVERSE)).is_ok());
    assert!(h.cardio.counter() > before);
}

/// A cardiology child (whose parent lacks `oncology`) relabels its key's attributes, or grafts
/// an `oncology` component from another key — the oncology staff's, the admin's, or the public
/// updates of the oncology head and of the admin — and gets a wrong key, never the right one.
#[test]
fn child_never_gains_an_attribute_its_parent_lacks() {
    let mut rng = rng(31);
    let mut h = hospital(&mut rng, 5);
    let pp = h.pp.clone();
    let child = h
        .cardio
        .enrol(&mut rng, &pp, &set(&["cardiology", "doctor"]))
        .unwrap();
    let lone = h.cardio.enrol(&mut rng, &pp, &set(&["doctor"])).unwrap();
    let onco_staff = h
        .onco
        .enrol(&mut rng, &pp, &set(&["doctor", "oncology"]))
        .unwrap();
    let t = 12;
    let keys = period_keys(&h, &mut rng, t);
    let child_dk = child.decryption_key(&keys.cardio_update).unwrap();
    let onco_dk = onco_staff.decryption_key(&keys.onco_update).unwrap();

    let (single, single_key) = Header::encapsulate(&mut rng, &pp, &parse("oncology"), t).unwrap();
    let (both, both_key) =
        Header::encapsulate(&mut rng, &pp, &parse("doctor and oncology"), t).unwrap();
    assert_eq!(
        child_dk.decapsulate(&both).err(),
        Some(Error::PolicyNotSatisfied)
    );
    // The oncology staff really opens both (the headers are good).
    assert_opens(&onco_dk, &single, &single_key, "oncology staff");
    assert_opens(&onco_dk, &both, &both_key, "oncology staff");

    // v2 (abe-v2.md §5): a key's attribute part is `K̂ = ĝ^r` and one `K_τ = H(τ)^r` per
    // attribute, all with the key's single `r`; `K̂` plays v1's `K1A`, each `K_τ` an attribute
    // pair. The forgeries below graft `K_τ` (and `K̂`) exactly where v1's grafted pairs (and K1A).
    let c = split_dk(&child_dk.to_bytes());
    let c_k_hat = c.k_hat.clone(); // [cardiology, doctor]
    let (cardiology_k, doctor_k) = (c.k_tau[0].clone(), c.k_tau[1].clone());
    let o = split_dk(&onco_dk.to_bytes()); // [doctor, oncology]
    let o_k_hat = o.k_hat.clone();
    let admin_parts = split_dk(&keys.admin.to_bytes());
    let admin_oncology = admin_parts.k_tau[4].clone(); // ADMIN_SET is sorted; oncology is 5th.
    assert_eq!(admin_parts.k_tau.len(), ADMIN_SET.len());
    // Public delegated updates: an entry is K̂, K0·H_φ, K_τ of S_KU (sorted), K1T, time pairs —
    // the delegator's re-randomised key, so its `K_τ` are published `H(τ)^{r'}`.
    let public_entry = |update: &KeyUpdate| {
        let e = update_entries(&update.to_bytes()).remove(0);
        assert_eq!(e.k_tau.len(), update.attributes().unwrap().len());
        e
    };
    let onco_entry = public_entry(&keys.onco_update);
    let admin_entry = public_entry(&keys.admin_update);
    let onco_update_oncology = onco_entry.k_tau[3].clone(); // ONCOLOGY_SET: 4th.
    let admin_update_oncology = admin_entry.k_tau[4].clone();

    // (what, K̂, K_τ labelled [doctor, oncology]) on the child's K0 and time part.
    let both_list = attr_list(&["doctor", "oncology"]);
    let forgeries = [
        ("relabelled in place", c_k_hat.clone(), c.k_tau.clone()),
        (
            "relabelled, doctor keeps its K_τ, cardiology's K_τ as oncology",
            c_k_hat.clone(),
            vec![doctor_k.clone(), cardiology_k.clone()],
        ),
        (
            "doctor's K_τ for both",
            c_k_hat.clone(),
            vec![doctor_k.clone(), doctor_k.clone()],
        ),
        (
            "oncology K_τ grafted from the oncology staff's key",
            c_k_hat.clone(),
            vec![doctor_k.clone(), o.k_tau[1].clone()],
        ),
        (
            "oncology K_τ and K̂ grafted from the oncology staff's key",
            o_k_hat.clone(),
            vec![doctor_k.clone(), o.k_tau[1].clone()],
        ),
        (
            "oncology K_τ grafted from the admin's key",
            c_k_hat.clone(),
            vec![doctor_k.clone(), admin_oncology.clone()],
        ),
        (
            "oncology K_τ and K̂ grafted from the admin's key",
            admin_parts.k_hat.clone(),
            vec![doctor_k.clone(), admin_oncology.clone()],
        ),
        (
            "oncology K_τ grafted from the oncology head's public update",
            c_k_hat.clone(),
            vec![doctor_k.clone(), onco_update_oncology.clone()],
        ),
        (
            "oncology K_τ and K̂ grafted from the oncology head's public update",
            onco_entry.k_hat.clone().unwrap(),
            vec![doctor_k.clone(), onco_update_oncology.clone()],
        ),
        (
            "oncology K_τ grafted from the admin's public update",
            c_k_hat.clone(),
            vec![doctor_k.clone(), admin_update_oncology.clone()],
        ),
        (
            "oncology K_τ and K̂ grafted from the admin's public update",
            admin_entry.k_hat.clone().unwrap(),
            vec![doctor_k.clone(), admin_update_oncology.clone()],
        ),
    ];
    for (what, k_hat, k_tau) in &forgeries {
        let mut p = split_dk(&child_dk.to_bytes());
        p.attrs = both_list.clone();
        p.k_hat = k_hat.clone();
        p.k_tau = k_tau.clone();
        assert!(!opens(&join_dk(&p), &both, &both_key), "{what} opened");
        // The single-attribute policy, with the grafted/relabelled oncology K_τ alone.
        p.attrs = attr_list(&["oncology"]);
        p.k_tau = k_tau[1..].to_vec();
        assert!(!opens(&join_dk(&p), &single, &single_key), "{what} opened");
    }
    // The oncology staff's K̂, K0 and time part with the child's cardiology K_τ and its own
    // doctor K_τ.
    let mut p = split_dk(&onco_dk.to_bytes());
    p.attrs = attr_list(&["cardiology", "doctor"]);
    p.k_tau = vec![cardiology_k.clone(), o.k_tau[0].clone()];
    let (cd, cd_key) =
        Header::encapsulate(&mut rng, &pp, &parse("cardiology and doctor"), t).unwrap();
    assert!(!opens(&join_dk(&p), &cd, &cd_key));
    // ... and with the child's K̂ as well (the child's whole attribute part on the oncology
    // staff's K0).
    p.k_hat = c_k_hat.clone();
    p.k_tau = vec![cardiology_k.clone(), doctor_k.clone()];
    assert!(!opens(&join_dk(&p), &cd, &cd_key));
    // Positive control: the child's own key opens that header.
    assert_opens(&child_dk, &cd, &cd_key, "cardiology child");

    // At the secret-key level: a child claiming `oncology` gets a typed error from its parent's
    // update (S_KU lacks it) ...
    let mut s = split_sk(&lone.to_bytes());
    s.attrs = attr_list(&["oncology"]);
    assert_eq!(
        SecretKey::from_bytes(&join_sk(&s))
            .unwrap()
            .decryption_key(&keys.cardio_update)
            .err(),
        Some(Error::NotASubset(attrs(&["oncology"])))
    );
    // ... and one claiming an attribute the parent has but it was not given (its `doctor`
    // components relabelled `cardiology`) gets a wrong key.
    s.attrs = attr_list(&["cardiology"]);
    let (only_c, only_c_key) = Header::encapsulate(&mut rng, &pp, &parse("cardiology"), t).unwrap();
    assert!(!sk_opens(
        &join_sk(&s),
        &keys.cardio_update,
        &only_c,
        &only_c_key
    ));
}

/// Sibling A holds {doctor}, sibling B {cardiology}: every combination of their keys' parts
/// (holder, K0, K̂, time part; each attribute's K_τ from its owner), and every splice of their
/// secret keys combined with the parent's update, fails on `doctor and cardiology`.
#[test]
fn siblings_cannot_pool_attributes() {
    let mut rng = rng(32);
    let mut h = hospital(&mut rng, 5);
    let pp = h.pp.clone();
    let a = h.cardio.enrol(&mut rng, &pp, &set(&["doctor"])).unwrap();
    let b = h
        .cardio
        .enrol(&mut rng, &pp, &set(&["cardiology"]))
        .unwrap();
    let t = 20;
    let keys = period_keys(&h, &mut rng, t);
    let a_dk = a.decryption_key(&keys.cardio_update).unwrap();
    let b_dk = b.decryption_key(&keys.cardio_update).unwrap();
    let policy = parse("doctor and cardiology");
    let (fresh, fresh_key) = Header::encapsulate(&mut rng, &pp, &policy, t).unwrap();
    let (old, moved_key) = Header::encapsulate(&mut rng, &pp, &policy, 3).unwrap();
    let moved = old.update(&mut rng, &pp, t).unwrap();
    for dk in [&a_dk, &b_dk] {
        assert_eq!(
            dk.decapsulate(&fresh).err(),
            Some(Error::PolicyNotSatisfied)
        );
    }

    // v2: a key's parts are the holder id, K̂, K0, the K_τ and the time part (abe-v2.md §5; K̂
    // plays v1's K1A, each K_τ an attribute pair).
    let pa = split_dk(&a_dk.to_bytes());
    let pb = split_dk(&b_dk.to_bytes());
    let pooled = vec![pb.k_tau[0].clone(), pa.k_tau[0].clone()]; // [cardiology, doctor]
    let pick = |bit: bool| if bit { &pb } else { &pa };
    for mask in 0u8..16 {
        let forged = DkParts {
            head: pick(mask & 1 != 0).head.clone(),
            period: t,
            attrs: attr_list(&["cardiology", "doctor"]),
            k_hat: pick(mask & 4 != 0).k_hat.clone(),
            k0: pick(mask & 2 != 0).k0.clone(),
            k_tau: pooled.clone(),
            time_part: pick(mask & 8 != 0).time_part.clone(),
        };
        let bytes = join_dk(&forged);
        assert!(!opens(&bytes, &fresh, &fresh_key), "DK splice {mask:04b}");
        assert!(!opens(&bytes, &moved, &moved_key), "DK splice {mask:04b}");
    }

    // Secret keys: per path node, K̂ from one sibling and K0 from one (the same or the other),
    // each K_τ from its owner, under either sibling's identity; then the parent's (public)
    // update.
    let sa = split_sk(&a.to_bytes());
    let sb = split_sk(&b.to_bytes());
    let pick_sk = |bit: bool| if bit { &sb } else { &sa };
    for mask in 0u8..8 {
        let (ids, hats, k0s) = (
            pick_sk(mask & 1 != 0),
            pick_sk(mask & 2 != 0),
            pick_sk(mask & 4 != 0),
        );
        let forged = SkParts {
            head: ids.head.clone(),
            attrs: attr_list(&["cardiology", "doctor"]),
            nodes: (0..sa.nodes.len())
                .map(|i| SkNodeParts {
                    k_hat: hats.nodes[i].k_hat.clone(),
                    k0: k0s.nodes[i].k0.clone(),
                    k_tau: vec![sb.nodes[i].k_tau[0].clone(), sa.nodes[i].k_tau[0].clone()],
                })
                .collect(),
        };
        let bytes = join_sk(&forged);
        assert!(
            !sk_opens(&bytes, &keys.cardio_update, &fresh, &fresh_key),
            "SK splice {mask:03b}"
        );
    }
}

/// A child revoked by its head from `t_r` holding {cardiology, doctor}, and an unrevoked sibling
/// holding {nurse, on-call}, splice their keys (as in access_control.rs) and fail.
#[test]
fn revoked_child_and_unrevoked_sibling_cannot_collude() {
    let mut rng = rng(33);
    let mut h = hospital(&mut rng, 5);
    let pp = h.pp.clone();
    let holder = h
        .cardio
        .enrol(&mut rng, &pp, &set(&["cardiology", "doctor"]))
        .unwrap();
    let lacker = h
        .cardio
        .enrol(&mut rng, &pp, &set(&["nurse", "on-call"]))
        .unwrap();
    let t_r = 10;
    let before = period_keys(&h, &mut rng, t_r - 1);
    let holder_old = holder.decryption_key(&before.cardio_update).unwrap();

    h.cardio.revoke(&holder.user_id(), t_r).unwrap();
    assert!(h.cardio.is_revoked(&holder.user_id(), t_r));
    assert!(!h.cardio.is_revoked(&holder.user_id(), t_r - 1));
    let now = period_keys(&h, &mut rng, t_r);
    assert!(now.cardio_update.entry_count() > 1);
    assert_eq!(
        holder.decryption_key(&now.cardio_update).err(),
        Some(Error::Revoked)
    );
    let lacker_now = lacker.decryption_key(&now.cardio_update).unwrap();

    let policy = parse("doctor and cardiology");
    let (fresh, fresh_key) = Header::encapsulate(&mut rng, &pp, &policy, t_r).unwrap();
    let (old, moved_key) = Header::encapsulate(&mut rng, &pp, &policy, t_r - 4).unwrap();
    assert_opens(&holder_old, &old, &moved_key, "holder before revocation");
    let moved = old.update(&mut rng, &pp, t_r).unwrap();
    assert_eq!(
        holder_old.decapsulate(&moved).err(),
        Some(Error::PeriodNotCovered)
    );

    let hp = split_dk(&holder_old.to_bytes());
    let lp = split_dk(&lacker_now.to_bytes());
    // K0 from either, K̂ from either (v2's K̂ plays v1's K1A); the holder's K_τ; the lacker's
    // current time part and period; either holder id.
    for mask in 0u8..8 {
        let forged = DkParts {
            head: if mask & 4 != 0 { &hp } else { &lp }.head.clone(),
            period: t_r,
            attrs: hp.attrs.clone(),
            k_hat: if mask & 2 != 0 { &hp } else { &lp }.k_hat.clone(),
            k0: if mask & 1 != 0 { &hp } else { &lp }.k0.clone(),
            k_tau: hp.k_tau.clone(),
            time_part: lp.time_part.clone(),
        };
        let bytes = join_dk(&forged);
        assert!(!opens(&bytes, &fresh, &fresh_key), "splice {mask:03b}");
        assert!(!opens(&bytes, &moved, &moved_key), "splice {mask:03b}");
    }
    // The holder's old key with only its period forged.
    let mut forged = split_dk(&holder_old.to_bytes());
    forged.period = t_r;
    assert!(!opens(&join_dk(&forged), &fresh, &fresh_key));

    // Secret-key level: the holder claims the lacker's leaf to pick an unrevoked entry of the
    // head's update with its own components.
    let mut s = split_sk(&holder.to_bytes());
    s.head[22..30].copy_from_slice(&lacker.user_id().leaf.to_be_bytes());
    let spliced = SecretKey::from_bytes(&join_sk(&s)).unwrap();
    let dk = spliced.decryption_key(&now.cardio_update).unwrap();
    assert!(!dk_opens(&dk, &fresh, &fresh_key));
    assert!(!dk_opens(&dk, &moved, &moved_key));
}

/// The admin revokes the cardiology head from `t_r`: the head gets `Revoked` at `t_r`, so it has
/// no key to derive its department's update; its staff's keys for `t_r − 1` (and the head's
/// stale update) fail on fresh and updated headers of `t_r` — typed, and with forged periods a
/// wrong key; the oncology department under the same admin keeps working.
#[test]
fn revoking_a_head_cascades_to_its_department_only() {
    let mut rng = rng(34);
    let mut h = hospital(&mut rng, 5);
    let pp = h.pp.clone();
    let adams = h
        .cardio
        .enrol(&mut rng, &pp, &set(&["cardiology", "doctor"]))
        .unwrap();
    let chen = h
        .onco
        .enrol(&mut rng, &pp, &set(&["doctor", "oncology"]))
        .unwrap();
    let t_r = 9;
    let cardio_policy = parse("cardiology and doctor");
    let onco_policy = parse("oncology and doctor");
    let (cardio_stored, cardio_stored_key) =
        Header::encapsulate(&mut rng, &pp, &cardio_policy, t_r - 3).unwrap();
    let (onco_stored, onco_stored_key) =
        Header::encapsulate(&mut rng, &pp, &onco_policy, t_r - 3).unwrap();

    let before = period_keys(&h, &mut rng, t_r - 1);
    let head_stale = before.cardio;
    let adams_old = adams.decryption_key(&before.cardio_update).unwrap();
    let stale_update = before.cardio_update;
    assert_opens(
        &adams_old,
        &cardio_stored,
        &cardio_stored_key,
        "Adams at t_r-1",
    );

    h.admin.revoke(&h.cardio_sk.user_id(), t_r).unwrap();
    assert!(h.admin.is_revoked(&h.cardio_sk.user_id(), t_r));
    assert!(!h.admin.is_revoked(&h.onco_sk.user_id(), t_r));

    for t in [t_r, t_r + 1, 31] {
        let authority_update = published(h.authority.key_update(&mut rng, t).unwrap());
        let admin_dk = h.admin_sk.decryption_key(&authority_update).unwrap();
        let admin_update = published(h.admin.key_update(&mut rng, &pp, &admin_dk).unwrap());
        // The head has no key for t, hence nothing to derive its department's update from.
        assert_eq!(
            h.cardio_sk.decryption_key(&admin_update).err(),
            Some(Error::Revoked),
            "T={t}"
        );
        // The head can still run `key_update`, but only with its stale key: that update is
        // for t_r − 1, not t.
        let from_stale = h.cardio.key_update(&mut rng, &pp, &head_stale).unwrap();
        assert_eq!(from_stale.period(), t_r - 1);

        let (cardio_fresh, cardio_fresh_key) =
            Header::encapsulate(&mut rng, &pp, &cardio_policy, t).unwrap();
        let cardio_moved = cardio_stored.update(&mut rng, &pp, t).unwrap();
        let stale_staff_dk = adams.decryption_key(&from_stale).unwrap();
        for (hdr, key) in [
            (&cardio_fresh, &cardio_fresh_key),
            (&cardio_moved, &cardio_stored_key),
        ] {
            for (who, dk) in [
                ("staff key for t_r - 1", &adams_old),
                ("staff key from the head's stale update", &stale_staff_dk),
                ("the head's own stale key", &head_stale),
            ] {
                assert_eq!(
                    dk.decapsulate(hdr).err(),
                    Some(Error::PeriodNotCovered),
                    "{who}"
                );
                let mut p = split_dk(&dk.to_bytes());
                p.period = t;
                assert!(
                    !opens(&join_dk(&p), hdr, key),
                    "{who} with forged period T={t}"
                );
            }
            // The stale update with its period field forged to t.
            let mut u = stale_update.to_bytes();
            u[UPDATE_PERIOD].copy_from_slice(&t.to_be_bytes());
            let forged_update = KeyUpdate::from_bytes(&u).unwrap();
            assert_eq!(forged_update.period(), t);
            let forged_dk = adams.decryption_key(&forged_update).unwrap();
            assert!(
                !dk_opens(&forged_dk, hdr, key),
                "stale update with forged period T={t}"
            );
            // The revoked head claims the oncology head's leaf in the admin's tree.
            let mut s = split_sk(&h.cardio_sk.to_bytes());
            s.head[22..30].copy_from_slice(&h.onco_sk.user_id().leaf.to_be_bytes());
            let spliced = SecretKey::from_bytes(&join_sk(&s)).unwrap();
            let dk = spliced.decryption_key(&admin_update).unwrap();
            assert!(
                !dk_opens(&dk, hdr, key),
                "revoked head at the oncology leaf"
            );
            // The cardiology staff's secret key presented as a child of the admin, at a leaf the
            // admin's update covers (the oncology head's).
            let mut s = split_sk(&adams.to_bytes());
            s.head[6..22].copy_from_slice(h.admin.issuer_id().as_bytes());
            s.head[22..30].copy_from_slice(&h.onco_sk.user_id().leaf.to_be_bytes());
            assert!(
                !sk_opens(&join_sk(&s), &admin_update, hdr, key),
                "staff key relabelled as the admin's child"
            );
        }

        // Oncology, under the same admin, keeps working on fresh and updated headers.
        let onco_dk = h.onco_sk.decryption_key(&admin_update).unwrap();
        let onco_update = published(h.onco.key_update(&mut rng, &pp, &onco_dk).unwrap());
        let chen_dk = chen.decryption_key(&onco_update).unwrap();
        let (onco_fresh, onco_fresh_key) =
            Header::encapsulate(&mut rng, &pp, &onco_policy, t).unwrap();
        let onco_moved = onco_stored.update(&mut rng, &pp, t).unwrap();
        assert_opens(&chen_dk, &onco_fresh, &onco_fresh_key, "oncology staff");
        assert_opens(&chen_dk, &onco_moved, &onco_stored_key, "oncology staff");
        assert_opens(&onco_dk, &onco_fresh, &onco_fresh_key, "oncology head");
    }
}

#[test]
fn mismatched_issuers_and_sets_are_typed_errors() {
    let mut rng = rng(35);
    let mut h = hospital(&mut rng, 5);
    let pp = h.pp.clone();
    let adams = h
        .cardio
        .enrol(&mut rng, &pp, &set(&["cardiology", "doctor"]))
        .unwrap();
    let chen = h
        .onco
        .enrol(&mut rng, &pp, &set(&["doctor", "oncology"]))
        .unwrap();
    let keys = period_keys(&h, &mut rng, 4);
    let adams_dk = adams.decryption_key(&keys.cardio_update).unwrap();
    let authority_update = h.authority.key_update(&mut rng, 4).unwrap();

    // A child's secret key with an update from another issuer.
    for (what, update) in [
        ("the oncology head's update", &keys.onco_update),
        ("the admin's update", &keys.admin_update),
        ("the authority's update", &authority_update),
    ] {
        assert_eq!(
            adams.decryption_key(update).err(),
            Some(Error::IssuerMismatch),
            "{what}"
        );
    }
    assert_eq!(
        chen.decryption_key(&keys.cardio_update).err(),
        Some(Error::IssuerMismatch)
    );
    // A delegator asked to derive its children's update from someone else's key.
    for (what, dk) in [
        ("the oncology head's key", &keys.onco),
        ("the admin's key", &keys.admin),
        ("its own child's key", &adams_dk),
    ] {
        assert_eq!(
            h.cardio.key_update(&mut rng, &pp, dk).err(),
            Some(Error::IssuerMismatch),
            "{what}"
        );
    }
    // From its own key restricted below its attribute set.
    let restricted = keys
        .cardio
        .restrict(&mut rng, &pp, &set(&["doctor", "nurse"]))
        .unwrap();
    assert_eq!(
        h.cardio.key_update(&mut rng, &pp, &restricted).err(),
        Some(Error::NotASubset(attrs(&[
            "cardiology",
            "on-call",
            "ward:3"
        ])))
    );
    // Revoking someone else's child, or a leaf never enrolled.
    assert_eq!(
        h.cardio.revoke(&chen.user_id(), 5).err(),
        Some(Error::IssuerMismatch)
    );
    assert_eq!(
        h.cardio
            .revoke(
                &UserId {
                    issuer: h.cardio.issuer_id(),
                    leaf: 7
                },
                5
            )
            .err(),
        Some(Error::UnknownUser)
    );
    assert_eq!(
        h.cardio.revoke(&adams.user_id(), 32).err(),
        Some(Error::PeriodOutOfRange)
    );
    // Parameters of another time depth.
    let other = Authority::setup(&mut rng, SetupParams::new(6, 3)).unwrap();
    assert_eq!(
        h.cardio
            .enrol(&mut rng, other.public_params(), &set(&["doctor"]))
            .err(),
        Some(Error::ParamsMismatch)
    );
    assert_eq!(
        h.cardio
            .key_update(&mut rng, other.public_params(), &keys.cardio)
            .err(),
        Some(Error::ParamsMismatch)
    );
}

/// A level-2 key restricted to a smaller set opens exactly the policies that set satisfies; it
/// can feed a delegator only if it keeps the delegator's attributes.
#[test]
fn restricted_level_two_keys() {
    let mut rng = rng(36);
    let mut h = hospital(&mut rng, 5);
    let pp = h.pp.clone();
    let t = 17;
    let staff = h
        .cardio
        .enrol(&mut rng, &pp, &set(&["cardiology", "doctor"]))
        .unwrap();
    let keys = period_keys(&h, &mut rng, t);
    let head = &keys.cardio;
    let device = head
        .restrict(&mut rng, &pp, &set(&["doctor", "on-call"]))
        .unwrap();
    assert_eq!(device.period(), t);
    assert_eq!(device.user_id(), head.user_id());
    for (text, ok) in [
        ("doctor and on-call", true),
        ("doctor", true),
        ("on-call or oncology", true),
        ("2 of (doctor, cardiology, on-call)", true),
        ("doctor and cardiology", false),
        ("cardiology", false),
        ("ward:3 or nurse", false),
        ("2 of (cardiology, nurse, on-call)", false),
    ] {
        let (header, key) = Header::encapsulate(&mut rng, &pp, &parse(text), t - 6).unwrap();
        let header = header.update(&mut rng, &pp, t).unwrap();
        assert_opens(head, &header, &key, text); // the unrestricted key opens all of them
        match device.decapsulate(&header) {
            Ok(k) => assert!(ok && *k == *key, "{text}"),
            Err(e) => assert!(!ok && e == Error::PolicyNotSatisfied, "{text}: {e:?}"),
        }
        // Relabelling the device key's two components as any pair of attributes that
        // satisfies the policy gives a wrong key.
        if !ok {
            for (i, x) in UNIVERSE.iter().enumerate() {
                for y in &UNIVERSE[i + 1..] {
                    let mut pair = [*x, *y];
                    pair.sort_unstable();
                    if !parse(text).is_satisfied_by(&set(&pair)) {
                        continue;
                    }
                    let mut p = split_dk(&device.to_bytes());
                    p.attrs = attr_list(&pair);
                    assert!(!opens(&join_dk(&p), &header, &key), "{text} as {pair:?}");
                }
            }
        }
    }
    assert_eq!(
        head.restrict(&mut rng, &pp, &set(&["oncology", "doctor"]))
            .err(),
        Some(Error::NotASubset(attrs(&["oncology"])))
    );

    // A restricted key keeping all the delegator's attributes (a re-randomised copy) still feeds
    // the department's update; a narrower one does not.
    let full_copy = head.restrict(&mut rng, &pp, &set(&CARDIOLOGY_SET)).unwrap();
    assert_ne!(full_copy.to_bytes(), head.to_bytes());
    let update = h.cardio.key_update(&mut rng, &pp, &full_copy).unwrap();
    let staff_dk = staff.decryption_key(&update).unwrap();
    let (header, key) =
        Header::encapsulate(&mut rng, &pp, &parse("cardiology and doctor"), t).unwrap();
    assert_opens(&staff_dk, &header, &key, "staff via a restricted source");
    assert_eq!(
        h.cardio.key_update(&mut rng, &pp, &device).err(),
        Some(Error::NotASubset(attrs(&["cardiology", "nurse", "ward:3"])))
    );

    // A delegator made from the restricted key issues only within the restricted set; its
    // update can come from the restricted key or from the full one (S_KU stays its own set).
    let mut small = Delegator::new(&mut rng, &device, 2).unwrap();
    assert_eq!(small.attributes(), &set(&["doctor", "on-call"]));
    assert_eq!(
        small
            .enrol(&mut rng, &pp, &set(&["cardiology", "doctor"]))
            .err(),
        Some(Error::NotASubset(attrs(&["cardiology"])))
    );
    let pager = small.enrol(&mut rng, &pp, &set(&["on-call"])).unwrap();
    let (on_call, on_call_key) = Header::encapsulate(&mut rng, &pp, &parse("on-call"), t).unwrap();
    for source in [&device, head] {
        let update = small.key_update(&mut rng, &pp, source).unwrap();
        assert_eq!(update.attributes(), Some(&set(&["doctor", "on-call"])));
        let pager_dk = pager.decryption_key(&update).unwrap();
        assert_opens(&pager_dk, &on_call, &on_call_key, "pager");
        assert_eq!(
            pager_dk.decapsulate(&header).err(),
            Some(Error::PolicyNotSatisfied)
        );
    }
}

/// Each update entry is an independently re-randomised copy of the delegator's key: two updates
/// for one period differ byte for byte, no group element (G1 or G2) repeats within or across
/// updates (so no two entries share K0 or K̂), and none of the delegator's own key elements is
/// published.
#[test]
fn child_updates_never_share_randomness() {
    let mut rng = rng(37);
    let mut h = hospital(&mut rng, 5);
    let pp = h.pp.clone();
    let staff: Vec<SecretKey> = (0..6)
        .map(|_| h.cardio.enrol(&mut rng, &pp, &set(&["doctor"])).unwrap())
        .collect();
    h.cardio.revoke(&staff[0].user_id(), 3).unwrap();
    h.cardio.revoke(&staff[5].user_id(), 3).unwrap();
    let keys = period_keys(&h, &mut rng, 7);
    let next = period_keys(&h, &mut rng, 8);
    let u1 = h.cardio.key_update(&mut rng, &pp, &keys.cardio).unwrap();
    let u2 = h.cardio.key_update(&mut rng, &pp, &keys.cardio).unwrap();
    let u3 = h.cardio.key_update(&mut rng, &pp, &next.cardio).unwrap();
    assert_eq!(u1.period(), u2.period());
    assert_ne!(u1.to_bytes(), u2.to_bytes());
    let e1 = update_entries(&u1.to_bytes());
    assert!(e1.len() >= 4, "want several entries, got {}", e1.len());

    let k0s: HashSet<&Vec<u8>> = e1.iter().map(|e| &e.k0).collect();
    assert_eq!(k0s.len(), e1.len(), "two entries share K0");
    let k_hats: HashSet<&Vec<u8>> = e1.iter().map(|e| e.k_hat.as_ref().unwrap()).collect();
    assert_eq!(k_hats.len(), e1.len(), "two entries share K̂ (one r)");

    let mut seen = HashSet::new();
    let own: HashSet<Vec<u8>> = dk_elements(&keys.cardio.to_bytes())
        .into_iter()
        .chain(dk_elements(&next.cardio.to_bytes()))
        .collect();
    for (name, u) in [("u1", &u1), ("u2", &u2), ("u3", &u3)] {
        for (i, entry) in update_entries(&u.to_bytes()).into_iter().enumerate() {
            let elements = entry.elements();
            // K̂, K0·H_φ, one K_τ per attribute of S_KU (the head's set), K1T, time pairs.
            assert_eq!(
                elements.len(),
                1 + 1 + CARDIOLOGY_SET.len() + 1 + 2 * (5 + 1),
                "{name} entry {i}"
            );
            for (j, el) in elements.into_iter().enumerate() {
                assert!(
                    !own.contains(&el),
                    "{name} entry {i} element {j} is the head's"
                );
                assert!(seen.insert(el), "{name} entry {i} element {j} repeats");
            }
        }
    }
    // Both updates for the period work for every unrevoked child.
    let (header, key) = Header::encapsulate(&mut rng, &pp, &parse("doctor"), 7).unwrap();
    for u in [&u1, &u2] {
        for (i, s) in staff.iter().enumerate() {
            match s.decryption_key(u) {
                Ok(dk) => {
                    assert!(i != 0 && i != 5);
                    assert_opens(&dk, &header, &key, "staff");
                }
                Err(e) => assert!((i == 0 || i == 5) && e == Error::Revoked),
            }
        }
    }
}

/// Positive control for the attacker tests: an honest key taken apart and put back together by
/// the splicing helpers still opens, so the forgeries above fail because of the scheme, not
/// because of the helpers.
#[test]
fn splicing_helpers_are_faithful() {
    let mut rng = rng(38);
    let mut h = hospital(&mut rng, 5);
    let pp = h.pp.clone();
    let staff = h
        .cardio
        .enrol(&mut rng, &pp, &set(&["cardiology", "doctor"]))
        .unwrap();
    let keys = period_keys(&h, &mut rng, 6);
    let dk = staff.decryption_key(&keys.cardio_update).unwrap();
    let (header, key) =
        Header::encapsulate(&mut rng, &pp, &parse("cardiology and doctor"), 6).unwrap();

    let mut p = split_dk(&dk.to_bytes());
    assert_eq!(p.k_tau.len(), 2);
    assert_eq!((p.k_hat.len(), p.k0.len()), (G2, G1));
    let (k_hat, k_tau) = (p.k_hat.clone(), p.k_tau.clone());
    p.k_hat = k_hat.clone();
    p.k_tau = k_tau.clone();
    p.attrs = attr_list(&["cardiology", "doctor"]);
    assert_eq!(join_dk(&p), dk.to_bytes().to_vec());
    assert!(opens(&join_dk(&p), &header, &key));
    // K̂, K0, one K_τ per attribute, K1T, D_t + 1 time pairs.
    assert_eq!(
        dk_elements(&dk.to_bytes()).len(),
        1 + 1 + 2 + 1 + 2 * (5 + 1)
    );

    let s = split_sk(&staff.to_bytes());
    assert_eq!(s.nodes.len(), 4);
    assert_eq!(join_sk(&s), staff.to_bytes().to_vec());
    assert!(sk_opens(&join_sk(&s), &keys.cardio_update, &header, &key));

    let bytes = keys.cardio_update.to_bytes();
    let entries = update_entries(&bytes);
    assert_eq!(entries.len(), keys.cardio_update.entry_count());
    assert_eq!(entries[0].node, [0u8; 9]); // the root: nobody revoked
    assert_eq!(
        u64::from_be_bytes(bytes[UPDATE_PERIOD].try_into().unwrap()),
        keys.cardio_update.period()
    );
    // Negative control: the head's own `doctor` K_τ (a valid component of a valid key) grafted
    // in place of the staff's makes a key that no longer opens.
    let head_parts = split_dk(&keys.cardio.to_bytes()); // CARDIOLOGY_SET: doctor is 2nd.
    let mut forged = split_dk(&dk.to_bytes());
    forged.k_tau = vec![k_tau[0].clone(), head_parts.k_tau[1].clone()];
    assert!(!opens(&join_dk(&forged), &header, &key));
    // And so does the staff key with its K̂ swapped for the head's.
    let mut forged = split_dk(&dk.to_bytes());
    forged.k_hat = head_parts.k_hat.clone();
    assert!(!opens(&join_dk(&forged), &header, &key));
}
