//! Durable issuer state: a restart keeps every enrolment and revocation; stale updates are
//! refused.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use common::*;
use rs_habe::{Authority, Delegator, Error, FreshnessGuard, SetupParams};

#[test]
fn restart_keeps_enrolments_and_revocations_and_stale_updates_are_refused() {
    let mut rng = rng(21);
    let mut authority = Authority::setup(&mut rng, SetupParams::new(6, 4)).unwrap();
    let pp = authority.public_params().clone();
    let users: Vec<_> = (0..5)
        .map(|_| authority.enrol(&mut rng, &set(&["nurse"])).unwrap())
        .collect();
    let stale = authority.to_bytes();
    authority.revoke(&users[1].user_id(), 3).unwrap();
    authority.revoke(&users[3].user_id(), 7).unwrap();

    let restarted = Authority::from_bytes(&authority.to_bytes()).unwrap();
    assert_eq!(restarted.enrolled_count(), 5);
    assert_eq!(restarted.counter(), authority.counter());
    assert_eq!(restarted.public_params(), &pp);
    for period in [2u64, 3, 7, 40] {
        for (i, u) in users.iter().enumerate() {
            assert_eq!(
                restarted.is_revoked(&u.user_id(), period),
                authority.is_revoked(&u.user_id(), period)
            );
            let revoked = (i == 1 && period >= 3) || (i == 3 && period >= 7);
            let dk = u.decryption_key(&restarted.key_update(&mut rng, period).unwrap());
            assert_eq!(dk.is_err(), revoked, "user {i} period {period}");
        }
    }
    // A new enrolment after the restart takes a fresh leaf.
    let mut restarted = restarted;
    let late = restarted.enrol(&mut rng, &set(&["nurse"])).unwrap();
    assert_eq!(late.user_id().leaf, 5);

    let mut guard = FreshnessGuard::default();
    guard
        .check(&restarted.key_update(&mut rng, 8).unwrap())
        .unwrap();
    let old = Authority::from_bytes(&stale).unwrap();
    assert_eq!(
        guard.check(&old.key_update(&mut rng, 8).unwrap()),
        Err(Error::StaleKeyUpdate)
    );
    assert_eq!(
        guard.newest(&restarted.issuer_id()),
        Some(restarted.counter())
    );

    // Delegator state too.
    let dk = users[0]
        .decryption_key(&restarted.key_update(&mut rng, 8).unwrap())
        .unwrap();
    let mut dept = Delegator::new(&mut rng, &dk, 3).unwrap();
    let child = dept.enrol(&mut rng, &pp, &set(&["nurse"])).unwrap();
    dept.revoke(&child.user_id(), 8).unwrap();
    let dept = Delegator::from_bytes(&dept.to_bytes()).unwrap();
    assert!(dept.is_revoked(&child.user_id(), 8));
    let update = dept.key_update(&mut rng, &pp, &dk).unwrap();
    assert_eq!(child.decryption_key(&update).err(), Some(Error::Revoked));
}

/// A user's guard survives its own restart: reloaded from its encoding it still refuses an
/// update made from a stale copy of every issuer it has seen, and accepts fresh ones.
#[test]
fn reloaded_guard_still_refuses_stale_updates() {
    let mut rng = rng(77);
    let params = SetupParams::new(4, 3);
    let mut hospital = Authority::setup(&mut rng, params).unwrap();
    let mut clinic = Authority::setup(&mut rng, params).unwrap();
    let nurse = hospital.enrol(&mut rng, &set(&["nurse"])).unwrap();
    clinic.enrol(&mut rng, &set(&["gp"])).unwrap();
    let (stale_hospital, stale_clinic) = (hospital.to_bytes(), clinic.to_bytes());
    hospital.revoke(&nurse.user_id(), 2).unwrap();
    let gp2 = clinic.enrol(&mut rng, &set(&["gp"])).unwrap();
    clinic.revoke(&gp2.user_id(), 3).unwrap();

    let mut guard = FreshnessGuard::default();
    guard
        .check(&hospital.key_update(&mut rng, 2).unwrap())
        .unwrap();
    guard
        .check(&clinic.key_update(&mut rng, 2).unwrap())
        .unwrap();
    let saved = guard.to_bytes();
    drop(guard);

    let mut reloaded = FreshnessGuard::from_bytes(&saved).unwrap();
    assert_eq!(reloaded.to_bytes(), saved);
    for (stale, fresh) in [(&stale_hospital, &hospital), (&stale_clinic, &clinic)] {
        let old = Authority::from_bytes(stale).unwrap();
        assert_eq!(
            reloaded.check(&old.key_update(&mut rng, 3).unwrap()),
            Err(Error::StaleKeyUpdate)
        );
        assert_eq!(reloaded.newest(&fresh.issuer_id()), Some(fresh.counter()));
        reloaded
            .check(&fresh.key_update(&mut rng, 3).unwrap())
            .unwrap();
    }
}
