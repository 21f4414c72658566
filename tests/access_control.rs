//! Access control (scheme.md §13): every failure mode ends in the typed error, or in a wrong key
//! that the AEAD rejects — never in the right key. The attacker tests work only through the
//! public API and the encodings: they edit and splice encoded keys the way a real attacker
//! holding several keys could.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use common::*;
use proptest::prelude::*;
use rs_habe::{
    Authority, DecryptionKey, Envelope, Error, Header, PublicParams, Recipient, SecretKey,
    SetupParams,
};

fn authority(seed: u64) -> (Authority, PublicParams) {
    let mut rng = rng(seed);
    let a = Authority::setup(&mut rng, SetupParams::new(5, 3)).unwrap();
    let pp = a.public_params().clone();
    (a, pp)
}

/// Whether a forged encoded key recovers `key` from `header`. Every forgery in this file is a
/// well-formed encoding whose period and attributes fit the header, so it must decode and run
/// the decryption math to the end (a wrong key); a forgery refused earlier would make its
/// assertion vacuous (as a splice at stale offsets would be), so that is a test failure.
fn opens(dk_bytes: &[u8], header: &Header, key: &[u8; 32]) -> bool {
    let dk = DecryptionKey::from_bytes(dk_bytes).expect("forged key decodes");
    let k = dk
        .decapsulate(header)
        .expect("forged key runs the decryption");
    *k == *key
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(16), ..ProptestConfig::default() })]

    /// Unsatisfying sets fail with the typed error; relabelling the key's attributes through the
    /// encoding (to any satisfying set of the same size) gives a wrong key.
    #[test]
    fn unsatisfying_sets_never_recover_the_key(text in policy_text(), attrs in attribute_set(), seed in any::<u64>()) {
        let policy = parse(&text);
        prop_assume!(!policy.is_satisfied_by(&attrs));
        let (mut a, pp) = authority(seed);
        let mut rng = rng(seed);
        let sk = a.enrol(&mut rng, &attrs).unwrap();
        let dk = sk.decryption_key(&a.key_update(&mut rng, 3).unwrap()).unwrap();
        let (header, key) = Header::encapsulate(&mut rng, &pp, &policy, 2).unwrap();
        prop_assert_eq!(dk.decapsulate(&header).err(), Some(Error::PolicyNotSatisfied));
        // Relabel to every same-size subset of the universe that satisfies the policy.
        let n = attrs.len();
        for mask in 1u32..(1 << UNIVERSE.len()) {
            if mask.count_ones() as usize != n { continue; }
            let mut forged: Vec<&str> = UNIVERSE.iter().enumerate().filter(|(i, _)| mask >> i & 1 == 1).map(|(_, a)| *a).collect();
            forged.sort_unstable();
            if !policy.is_satisfied_by(&set(&forged)) { continue; }
            let mut parts = split_dk(&dk.to_bytes());
            parts.attrs = attr_list(&forged);
            prop_assert!(!opens(&join_dk(&parts), &header, &key), "relabelled {:?} as {:?}", attrs, forged);
        }
    }
}

#[test]
fn keys_do_not_open_later_periods_even_with_a_forged_period() {
    let (mut a, pp) = authority(1);
    let mut rng = rng(1);
    let sk = a.enrol(&mut rng, &set(&["doctor"])).unwrap();
    let dk = sk
        .decryption_key(&a.key_update(&mut rng, 4).unwrap())
        .unwrap();
    let policy = parse("doctor");
    for t in [5u64, 6, 8, 31] {
        let (header, key) = Header::encapsulate(&mut rng, &pp, &policy, t).unwrap();
        assert_eq!(dk.decapsulate(&header).err(), Some(Error::PeriodNotCovered));
        let mut parts = split_dk(&dk.to_bytes());
        for forged in [t, 31] {
            parts.period = forged;
            assert!(
                !opens(&join_dk(&parts), &header, &key),
                "forged period {forged} opened T={t}"
            );
        }
        // Updated headers too.
        let (old, key) = Header::encapsulate(&mut rng, &pp, &policy, 2).unwrap();
        let moved = old.update(&mut rng, &pp, t).unwrap();
        assert_eq!(dk.decapsulate(&moved).err(), Some(Error::PeriodNotCovered));
        parts.period = t;
        assert!(!opens(&join_dk(&parts), &moved, &key));
    }
}

#[test]
fn headers_only_move_forward() {
    let (_, pp) = authority(2);
    let mut rng = rng(2);
    let (header, _) = Header::encapsulate(&mut rng, &pp, &parse("a"), 7).unwrap();
    assert_eq!(
        header.update(&mut rng, &pp, 6).err(),
        Some(Error::PeriodInPast)
    );
    assert_eq!(
        header.update(&mut rng, &pp, 32).err(),
        Some(Error::PeriodOutOfRange)
    );
    assert_eq!(header.update(&mut rng, &pp, 7).unwrap(), header);
}

/// A user revoked from `t_r`: no key for `t_r` on; its key for `t_r − 1` fails on headers
/// encrypted at or updated to `t_r` (typed error, and a wrong key with a forged period); the
/// envelope path reports `Decryption` for the forged key.
#[test]
fn revoked_users_lose_fresh_and_updated_records() {
    let (mut a, pp) = authority(3);
    let mut rng = rng(3);
    let doctor = a.enrol(&mut rng, &set(&["doctor", "cardiology"])).unwrap();
    let other = a.enrol(&mut rng, &set(&["doctor", "cardiology"])).unwrap();
    let t_r = 9;
    let policy = parse("doctor and cardiology");
    let stored = Envelope::seal(
        &mut rng,
        &pp,
        &[Recipient::Policy {
            policy: &policy,
            period: 4,
        }],
        b"",
        b"old record",
    )
    .unwrap();
    let old_dk = doctor
        .decryption_key(&a.key_update(&mut rng, t_r - 1).unwrap())
        .unwrap();
    assert_eq!(&stored.open(&old_dk, b"").unwrap()[..], b"old record");

    a.revoke(&doctor.user_id(), t_r).unwrap();
    for t in [t_r, t_r + 1, 31] {
        let update = a.key_update(&mut rng, t).unwrap();
        assert_eq!(doctor.decryption_key(&update).err(), Some(Error::Revoked));
        assert!(other.decryption_key(&update).is_ok());
    }
    // Before t_r the revoked user still has keys (revocation is not retroactive).
    assert!(doctor
        .decryption_key(&a.key_update(&mut rng, t_r - 1).unwrap())
        .is_ok());

    let updated = stored.update(&mut rng, &pp, t_r).unwrap();
    let fresh = Envelope::seal(
        &mut rng,
        &pp,
        &[Recipient::Policy {
            policy: &policy,
            period: t_r,
        }],
        b"",
        b"new",
    )
    .unwrap();
    for env in [&updated, &fresh] {
        assert_eq!(env.open(&old_dk, b"").err(), Some(Error::PeriodNotCovered));
        let mut parts = split_dk(&old_dk.to_bytes());
        parts.period = t_r;
        let forged = DecryptionKey::from_bytes(&join_dk(&parts)).unwrap();
        assert_eq!(env.open(&forged, b"").err(), Some(Error::Decryption));
    }
    let other_dk = other
        .decryption_key(&a.key_update(&mut rng, t_r).unwrap())
        .unwrap();
    assert_eq!(&updated.open(&other_dk, b"").unwrap()[..], b"old record");
    assert_eq!(&fresh.open(&other_dk, b"").unwrap()[..], b"new");
}

/// The collusion of scheme.md §13: a revoked user holding the attributes and an unrevoked user
/// lacking them splice their keys through the encodings, every way the key splits into parts.
#[test]
fn revoked_holder_and_unrevoked_non_holder_cannot_collude() {
    let (mut a, pp) = authority(4);
    let mut rng = rng(4);
    let holder = a.enrol(&mut rng, &set(&["cardiology", "doctor"])).unwrap();
    let lacker = a.enrol(&mut rng, &set(&["nurse", "on-call"])).unwrap();
    let t_r = 6;
    let holder_old = holder
        .decryption_key(&a.key_update(&mut rng, t_r - 1).unwrap())
        .unwrap();
    a.revoke(&holder.user_id(), t_r).unwrap();
    let update = a.key_update(&mut rng, t_r).unwrap();
    let lacker_now = lacker.decryption_key(&update).unwrap();
    let (header, key) =
        Header::encapsulate(&mut rng, &pp, &parse("doctor and cardiology"), t_r).unwrap();

    let h = split_dk(&holder_old.to_bytes());
    let l = split_dk(&lacker_now.to_bytes());
    let with = |f: &dyn Fn(&mut DkParts)| {
        let mut p = split_dk(&lacker_now.to_bytes());
        f(&mut p);
        join_dk(&p)
    };
    // v2 (abe-v2.md §5): the key's attribute part is `K̂ = ĝ^r` and `K_τ = H(τ)^r` with one `r`;
    // `K0 = g^α · H₀^r · w_T^R` binds that `r` to the time part's `R`.
    let attempts = [
        // The holder's attribute part (K̂ and K_τ) on the lacker's current K0 and time part.
        with(&|p| {
            p.attrs = h.attrs.clone();
            p.k_hat = h.k_hat.clone();
            p.k_tau = h.k_tau.clone();
        }),
        // The holder's key (K̂, K0, K_τ) with the lacker's current time part.
        with(&|p| {
            p.head = h.head.clone();
            p.attrs = h.attrs.clone();
            p.k_hat = h.k_hat.clone();
            p.k0 = h.k0.clone();
            p.k_tau = h.k_tau.clone();
        }),
        // The holder's K_τ alone on the lacker's K̂, K0 and time part.
        with(&|p| {
            p.attrs = h.attrs.clone();
            p.k_tau = h.k_tau.clone();
            p.k_hat = l.k_hat.clone();
            p.k0 = l.k0.clone();
        }),
        // The holder's K̂ and K_τ, and K0 from the holder's old key, on the lacker's time part
        // and identity.
        with(&|p| {
            p.attrs = h.attrs.clone();
            p.k_hat = h.k_hat.clone();
            p.k_tau = h.k_tau.clone();
            p.k0 = h.k0.clone();
        }),
    ];
    for (i, forged) in attempts.iter().enumerate() {
        assert!(
            !opens(forged, &header, &key),
            "splice {i} opened the header"
        );
    }

    // At the secret-key level: the holder claims the lacker's leaf to pick the lacker's update
    // entry with its own components.
    let mut sk_bytes = holder.to_bytes().to_vec();
    sk_bytes[22..30].copy_from_slice(&lacker.user_id().leaf.to_be_bytes());
    let spliced = SecretKey::from_bytes(&sk_bytes).unwrap();
    let dk = spliced.decryption_key(&update).unwrap();
    assert!(!dk.decapsulate(&header).map(|k| *k == *key).unwrap_or(false));
}

#[test]
fn mismatched_objects_give_typed_errors() {
    let (mut a, pp) = authority(5);
    let (mut b, pp_b) = {
        let mut rng = rng(55);
        let b = Authority::setup(&mut rng, SetupParams::new(6, 3)).unwrap();
        let pp = b.public_params().clone();
        (b, pp)
    };
    let mut rng = rng(5);
    let sk = a.enrol(&mut rng, &set(&["doctor"])).unwrap();
    let other_update = b.key_update(&mut rng, 1).unwrap();
    assert_eq!(
        sk.decryption_key(&other_update).err(),
        Some(Error::IssuerMismatch)
    );
    let dk = sk
        .decryption_key(&a.key_update(&mut rng, 1).unwrap())
        .unwrap();
    let (h, _) = Header::encapsulate(&mut rng, &pp_b, &parse("doctor"), 1).unwrap();
    assert_eq!(dk.decapsulate(&h).err(), Some(Error::ParamsMismatch));
    assert_eq!(
        h.update(&mut rng, &pp, 2).err(),
        Some(Error::ParamsMismatch)
    );
    let other = b.enrol(&mut rng, &set(&["doctor"])).unwrap();
    assert_eq!(
        a.revoke(&other.user_id(), 1).err(),
        Some(Error::IssuerMismatch)
    );
    assert_eq!(
        a.key_update(&mut rng, 32).err(),
        Some(Error::PeriodOutOfRange)
    );
    assert_eq!(
        a.enrol(&mut rng, &set(&[])).err(),
        Some(Error::InvalidAttributeSet)
    );
}
