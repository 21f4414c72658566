//! Tests of scheme.md §10 v2: the RNG-free vectors, correctness, every failure mode with its
//! typed error, the hedged nonce, the closed Diffie–Hellman-oracle path, and strict decoding.

use alloc::vec::Vec;

use blstrs::{G1Affine, G1Projective, G2Affine, G2Projective, Scalar};
use ff::Field;
use group::{prime::PrimeCurveAffine, Curve, Group};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::*;
use crate::arith::g1_generator_mul;
use crate::error::{DecodeErrorKind as K, DelegationCheck, Error};
use crate::gt::pairings_equal;

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn decode_kind<T: core::fmt::Debug>(r: crate::Result<T>) -> K {
    match r {
        Err(Error::Decode(e)) => e.kind,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

/// Alice, Bob, one capsule for Alice and a checked t-of-n delegation to Bob.
struct Setup {
    alice: KeyPair,
    bob: KeyPair,
    capsule: Capsule,
    checked_capsule: VerifiedCapsule,
    key: crate::SharedKey,
    kfrags: Vec<KeyFrag>,
    record: DelegationRecord,
    checked: CheckedRecord,
}

fn setup(t: usize, n: usize, r: &mut ChaCha20Rng) -> Setup {
    let alice = KeyPair::random(r);
    let bob = KeyPair::random(r);
    let (capsule, key) = encapsulate(r, &alice.public_key()).unwrap();
    let checked_capsule = capsule.verify(&alice.public_key()).unwrap();
    let (kfrags, record) = alice.delegate(r, &bob.public_key(), t, n).unwrap();
    let checked = record.check().unwrap();
    Setup {
        alice,
        bob,
        capsule,
        checked_capsule,
        key,
        kfrags,
        record,
        checked,
    }
}

/// A copy of a key fragment (tests only: the type is deliberately not `Clone`).
fn copy(k: &KeyFrag) -> KeyFrag {
    KeyFrag::from_bytes(&k.to_bytes()).unwrap()
}

fn proxies(s: &Setup) -> Vec<VerifiedKeyFrag> {
    s.kfrags
        .iter()
        .map(|k| copy(k).verify(&s.checked).unwrap())
        .collect()
}

fn cfrags(s: &Setup, r: &mut ChaCha20Rng) -> Vec<CapsuleFrag> {
    proxies(s)
        .iter()
        .map(|p| p.reencrypt(r, &s.checked_capsule).unwrap())
        .collect()
}

fn verified_all(s: &Setup, r: &mut ChaCha20Rng) -> Vec<VerifiedCapsuleFrag> {
    cfrags(s, r)
        .into_iter()
        .map(|c| c.verify(&s.checked_capsule, &s.checked).unwrap())
        .collect()
}

fn subsets(n: usize, t: usize) -> Vec<Vec<usize>> {
    (0u32..1 << n)
        .filter(|m| m.count_ones() as usize == t)
        .map(|m| (0..n).filter(|i| m >> i & 1 == 1).collect())
        .collect()
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

// ---------------------------------------------------------------------------------------------
// RNG-free vectors (tests/data/vectors-v2.json, an exact copy of shared/design/vectors-v2.json)

const VECTORS_V2: &str = include_str!("../../tests/data/vectors-v2.json");

#[test]
fn challenge_128_vectors() {
    let v: serde_json::Value = serde_json::from_str(VECTORS_V2).unwrap();
    let cases = v["challenge_128"]["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 6);
    for case in cases {
        let dst = case["dst"].as_str().unwrap().as_bytes();
        assert!(dst == crate::domain::DST_PRE_DLEQ || dst == crate::domain::DST_CAPSULE);
        let msg = unhex(case["msg_hex"].as_str().unwrap());
        let c = challenge_128(&[&msg], dst);
        assert_eq!(
            hex::encode(c.to_bytes_be()),
            case["scalar"].as_str().unwrap()
        );
        // The 16-byte wire form round-trips.
        assert_eq!(challenge_from_bytes(&challenge_to_bytes(&c)), c);
        // Split messages hash the same.
        let (a, b) = msg.split_at(msg.len() / 2);
        assert_eq!(challenge_128(&[a, b], dst), c);
    }
}

#[test]
fn pre_nonce_vectors() {
    let v: serde_json::Value = serde_json::from_str(VECTORS_V2).unwrap();
    let nonce = &v["pre_nonce"];
    assert_eq!(
        nonce["dst"].as_str().unwrap().as_bytes(),
        crate::domain::DST_PRE_NONCE
    );
    let cases = nonce["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 2);
    for case in cases {
        let k: [u8; 32] = unhex(case["kfrag"].as_str().unwrap()).try_into().unwrap();
        let k = Option::<Scalar>::from(Scalar::from_bytes_be(&k)).unwrap();
        let e: [u8; 48] = unhex(case["e_compressed_hex"].as_str().unwrap())
            .try_into()
            .unwrap();
        assert_eq!(e, G1Affine::generator().to_compressed());
        let rnd: [u8; 32] = unhex(case["rnd_hex"].as_str().unwrap()).try_into().unwrap();
        assert_eq!(
            hex::encode(pre_nonce(&k, &e, &rnd).to_bytes_be()),
            case["nonce"].as_str().unwrap()
        );
    }
}

#[test]
fn domain_strings_of_v2() {
    assert_eq!(crate::domain::DST_CAPSULE, b"RSHABE-V2-CAPSULE");
    assert_eq!(crate::domain::DST_PRE_DLEQ, b"RSHABE-V2-PRE-DLEQ");
    assert_eq!(crate::domain::DST_PRE_NONCE, b"RSHABE-V2-PRE-NONCE");
    assert_eq!(crate::domain::LABEL_PRE, b"RSHABE-V1-PRE");
}

// The arithmetic helpers (challenge multiplication, Lagrange coefficients, interpolation in the
// exponent) are tested in `crate::arith`.

// ---------------------------------------------------------------------------------------------
// Correctness

#[test]
fn owner_and_delegatee_get_the_key_for_every_subset() {
    let mut r = rng(1);
    for (t, n) in [(1, 1), (1, 3), (2, 3), (3, 5)] {
        let s = setup(t, n, &mut r);
        assert_eq!(*s.alice.decapsulate(&s.capsule).unwrap(), *s.key);
        assert_ne!(*s.bob.decapsulate(&s.capsule).unwrap(), *s.key);
        let all = verified_all(&s, &mut r);
        let dk = s.checked.delegatee_key(&s.bob).unwrap();
        for subset in subsets(n, t) {
            let chosen: Vec<_> = subset.iter().map(|&i| all[i].clone()).collect();
            assert_eq!(
                *dk.decapsulate(&s.capsule, &chosen).unwrap(),
                *s.key,
                "{t}/{n}"
            );
        }
        // More than t: the first t are used.
        assert_eq!(*dk.decapsulate(&s.capsule, &all).unwrap(), *s.key);
        // The delegatee key survives its encoding.
        let dk2 = DelegateeKey::from_bytes(&dk.to_bytes()).unwrap();
        assert_eq!(*dk2.decapsulate(&s.capsule, &all).unwrap(), *s.key);
    }
}

#[test]
fn delegate_rejects_bad_thresholds() {
    let mut r = rng(2);
    let (a, b) = (KeyPair::random(&mut r), KeyPair::random(&mut r));
    for (t, n) in [(0, 1), (2, 1), (1, 256), (300, 300)] {
        assert_eq!(
            a.delegate(&mut r, &b.public_key(), t, n).unwrap_err(),
            Error::InvalidParameter(crate::Parameter::Threshold)
        );
    }
}

#[test]
fn the_record_is_what_the_design_says() {
    let mut r = rng(3);
    let s = setup(2, 3, &mut r);
    let rec = &s.record;
    // D̂ = P2_B^{1/(a·m)} and M = P1_A^m: e(M, D̂) = e(g, P2_B) = e(P1_B, ĝ).
    assert!(pairings_equal(
        &rec.m,
        &rec.d_hat,
        &G1Affine::generator(),
        &s.bob.public_key().p2
    ));
    for (i, k) in s.kfrags.iter().enumerate() {
        assert_eq!(g1_generator_mul(&k.kfrag.0).to_affine(), rec.vk[i]);
    }
    // Fresh ids and polynomials per delegation.
    let (k2, rec2) = s.alice.delegate(&mut r, &s.bob.public_key(), 2, 3).unwrap();
    assert_ne!(rec2.id, rec.id);
    assert_ne!(k2[0].kfrag.0, s.kfrags[0].kfrag.0);
}

// ---------------------------------------------------------------------------------------------
// Capsules

fn random_g1(r: &mut ChaCha20Rng) -> G1Affine {
    G1Projective::random(r).to_affine()
}

#[test]
fn capsule_with_altered_e_v_or_sigma_or_for_another_key() {
    let mut r = rng(10);
    let s = setup(1, 1, &mut r);
    let pk = s.alice.public_key();
    let c = s.capsule;
    let x = random_g1(&mut r);
    for bad in [
        Capsule { e: x, ..c },
        Capsule { v: x, ..c },
        Capsule {
            sigma: c.sigma + Scalar::ONE,
            ..c
        },
        // E and V swapped.
        Capsule {
            e: c.v,
            v: c.e,
            ..c
        },
    ] {
        assert_eq!(bad.verify(&pk).unwrap_err(), Error::InvalidCapsule);
    }
    assert_eq!(
        c.verify(&s.bob.public_key()).unwrap_err(),
        Error::InvalidCapsule
    );
    assert_eq!(c.verify(&pk).unwrap().capsule, c);
}

/// The Diffie–Hellman-oracle path of §10 v2 is closed: a requester who picks a point X whose
/// discrete log (to base P1_A) it cannot prove gets no re-encryption of it.
#[test]
fn proxy_refuses_points_whose_discrete_log_is_not_proven() {
    let mut r = rng(11);
    let s = setup(2, 3, &mut r);
    let proxy = copy(&s.kfrags[0]).verify(&s.checked).unwrap();
    let pk_a = s.alice.public_key();

    // 1. X of the attacker's choice, with a made-up proof: refused when checked against pk_A.
    let x = random_g1(&mut r);
    for sigma in [Scalar::ZERO, Scalar::ONE, Scalar::random(&mut r)] {
        let forged = Capsule {
            e: x,
            v: random_g1(&mut r),
            sigma,
        };
        assert_eq!(forged.verify(&pk_a).unwrap_err(), Error::InvalidCapsule);
    }
    // 2. A proxy's own output X = E^{f(i)} fed back (a chained query) with V, σ of the honest
    //    capsule: refused.
    let out = proxy.reencrypt(&mut r, &s.checked_capsule).unwrap();
    let chained = Capsule {
        e: out.cfrag,
        ..s.capsule
    };
    assert_eq!(chained.verify(&pk_a).unwrap_err(), Error::InvalidCapsule);
    // 3. A valid proof for X against a key the attacker chose (it knows log_{P1_M} X): the
    //    capsule verifies for that key, but the proxy refuses it since the key is not its pk_A.
    let mallory = KeyPair::random(&mut r);
    let (mal_capsule, _) = encapsulate(&mut r, &mallory.public_key()).unwrap();
    let mal_checked = mal_capsule.verify(&mallory.public_key()).unwrap();
    assert_eq!(
        proxy.reencrypt(&mut r, &mal_checked).unwrap_err(),
        Error::FragmentMismatch
    );
    // …and the same E relabelled as a capsule for A does not verify.
    assert_eq!(
        mal_capsule.verify(&pk_a).unwrap_err(),
        Error::InvalidCapsule
    );
    // 4. The attacker's point with the generator as base (X = g^x, x known) also fails for pk_A.
    let xs = Scalar::random(&mut r);
    let us = Scalar::random(&mut r);
    let e = (G1Projective::generator() * xs).to_affine();
    let v = (G1Projective::generator() * us).to_affine();
    let h = challenge_128(
        &[
            &pk_a.p1.to_compressed(),
            &e.to_compressed(),
            &v.to_compressed(),
        ],
        crate::domain::DST_CAPSULE,
    );
    let wrong_base = Capsule {
        e,
        v,
        sigma: us + h * xs,
    };
    assert_eq!(wrong_base.verify(&pk_a).unwrap_err(), Error::InvalidCapsule);
}

// ---------------------------------------------------------------------------------------------
// Delegation records

fn g2(r: &mut ChaCha20Rng) -> G2Affine {
    G2Projective::random(r).to_affine()
}

#[test]
fn record_failing_each_check() {
    let mut r = rng(20);
    let s = setup(2, 4, &mut r);
    let err = |rec: &DelegationRecord| rec.check().unwrap_err();
    let poly = Error::InvalidDelegation(DelegationCheck::Polynomial);
    let owner = Error::InvalidDelegation(DelegationCheck::OwnerKey);
    let receiver = Error::InvalidDelegation(DelegationCheck::ReceiverKey);

    // M altered.
    let mut rec = s.record.clone();
    rec.m = random_g1(&mut r);
    assert_eq!(err(&rec), owner);
    // D̂ altered.
    let mut rec = s.record.clone();
    rec.d_hat = g2(&mut r);
    assert_eq!(err(&rec), receiver);
    // A VK off the polynomial (beyond t, and within the first t).
    for i in [3, 0] {
        let mut rec = s.record.clone();
        rec.vk[i] = random_g1(&mut r);
        assert_eq!(err(&rec), poly, "VK_{}", i + 1);
    }
    // Wrong t: lowered (the VKs then lie on no line through fewer points).
    let mut rec = s.record.clone();
    rec.threshold = 1;
    assert_eq!(err(&rec), poly);
    // t = n: no VK beyond t, so an altered VK shows up as a wrong V₀ (owner check).
    let s5 = setup(3, 3, &mut r);
    let mut rec = s5.record.clone();
    rec.vk[1] = random_g1(&mut r);
    assert_eq!(err(&rec), owner);
    // Relabelled owner or receiver.
    let carol = KeyPair::random(&mut r);
    let mut rec = s.record.clone();
    rec.owner = carol.public_key();
    assert_eq!(err(&rec), owner);
    let mut rec = s.record.clone();
    rec.receiver = carol.public_key();
    assert_eq!(err(&rec), receiver);
    // A record made by Mallory in Alice's name: Mallory knows m, so M = P1_A^m and the VKs are
    // consistent, but D̂ needs 1/(a·m); D̂ = P2_B^{1/m} (her best guess) fails.
    let m = Scalar::random(&mut r);
    let mut rec = s.record.clone();
    rec.m = (G1Projective::from(s.alice.public_key().p1) * m).to_affine();
    rec.vk = (1..=4)
        .map(|_| (G1Projective::generator() * m).to_affine())
        .collect();
    rec.threshold = 1;
    rec.d_hat = (G2Projective::from(s.bob.public_key().p2) * m.invert().unwrap()).to_affine();
    assert_eq!(err(&rec), receiver);
    // The honest one passes.
    assert!(s.record.check().is_ok());
}

#[test]
fn key_fragment_checks() {
    let mut r = rng(21);
    let s = setup(2, 3, &mut r);
    // A scalar that is not f(i): InvalidKeyFrag.
    let bad = KeyFrag {
        id: s.record.id,
        index: 1,
        kfrag: ScalarCell(Scalar::random(&mut r)),
    };
    assert_eq!(bad.verify(&s.checked).unwrap_err(), Error::InvalidKeyFrag);
    // Fragment 2 relabelled as fragment 1.
    let mut relabelled = copy(&s.kfrags[1]);
    relabelled.index = 1;
    assert_eq!(
        relabelled.verify(&s.checked).unwrap_err(),
        Error::InvalidKeyFrag
    );
    // Index beyond n, or another delegation's id.
    let mut beyond = copy(&s.kfrags[0]);
    beyond.index = 4;
    assert_eq!(
        beyond.verify(&s.checked).unwrap_err(),
        Error::FragmentMismatch
    );
    let (other, other_rec) = s.alice.delegate(&mut r, &s.bob.public_key(), 2, 3).unwrap();
    assert_eq!(
        copy(&other[0]).verify(&s.checked).unwrap_err(),
        Error::FragmentMismatch
    );
    // Another delegation's fragment relabelled with this id.
    let mut moved = copy(&other[0]);
    moved.id = s.record.id;
    assert_eq!(moved.verify(&s.checked).unwrap_err(), Error::InvalidKeyFrag);
    assert!(copy(&other[0]).verify(&other_rec.check().unwrap()).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Capsule fragments

#[test]
fn altered_or_relabelled_fragments_are_refused() {
    let mut r = rng(30);
    let s = setup(2, 3, &mut r);
    let cf = cfrags(&s, &mut r).remove(0);
    let check = |c: CapsuleFrag| c.verify(&s.checked_capsule, &s.checked).unwrap_err();
    let mut c = cf.clone();
    c.c[15] ^= 1;
    assert_eq!(check(c), Error::InvalidProof);
    let mut c = cf.clone();
    c.z += Scalar::ONE;
    assert_eq!(check(c), Error::InvalidProof);
    let mut c = cf.clone();
    c.cfrag = random_g1(&mut r);
    assert_eq!(check(c), Error::InvalidProof);
    // cfrag scaled consistently with R2 is still caught (the hash binds VK_i's side too).
    let mut c = cf.clone();
    c.cfrag = (G1Projective::from(c.cfrag) * Scalar::from(2u64)).to_affine();
    assert_eq!(check(c), Error::InvalidProof);
    let mut c = cf.clone();
    c.e = random_g1(&mut r);
    assert_eq!(check(c), Error::FragmentMismatch);
    let mut c = cf.clone();
    c.id = DelegationId([0xab; 16]);
    assert_eq!(check(c), Error::FragmentMismatch);
    let mut c = cf.clone();
    c.index = 2;
    assert_eq!(check(c), Error::InvalidProof);
    for i in [0u8, 4, 255] {
        let mut c = cf.clone();
        c.index = i;
        assert_eq!(check(c), Error::FragmentMismatch);
    }
    assert!(cf.verify(&s.checked_capsule, &s.checked).is_ok());
}

/// A cheating proxy (a key other than its kfrag, with an honest-looking proof for it) is caught.
#[test]
fn cheating_proxy_is_caught() {
    let mut r = rng(31);
    let s = setup(2, 3, &mut r);
    let cheat = VerifiedKeyFrag {
        id: s.record.id,
        index: 1,
        kfrag: ScalarCell(Scalar::random(&mut r)),
        vk: s.record.vk[0],
        owner: s.alice.public_key(),
    };
    let cf = cheat.reencrypt(&mut r, &s.checked_capsule).unwrap();
    assert_eq!(
        cf.verify(&s.checked_capsule, &s.checked).unwrap_err(),
        Error::InvalidProof
    );
    // Same with the verifier's tables.
    let cf = cheat.reencrypt(&mut r, &s.checked_capsule).unwrap();
    s.checked.prepare_verification();
    assert_eq!(
        cf.verify(&s.checked_capsule, &s.checked).unwrap_err(),
        Error::InvalidProof
    );
}

#[test]
fn fragments_of_another_capsule_or_delegation() {
    let mut r = rng(32);
    let s = setup(2, 3, &mut r);
    let (other, _) = encapsulate(&mut r, &s.alice.public_key()).unwrap();
    let other_checked = other.verify(&s.alice.public_key()).unwrap();
    let p = proxies(&s);
    let cf = p[0].reencrypt(&mut r, &s.checked_capsule).unwrap();
    assert_eq!(
        cf.clone().verify(&other_checked, &s.checked).unwrap_err(),
        Error::FragmentMismatch
    );
    // Another delegation (same A and B).
    let (k2, rec2) = s.alice.delegate(&mut r, &s.bob.public_key(), 2, 3).unwrap();
    let rec2 = rec2.check().unwrap();
    assert_eq!(
        cf.clone().verify(&s.checked_capsule, &rec2).unwrap_err(),
        Error::FragmentMismatch
    );
    // A capsule checked against another key than the record's owner.
    let mallory = KeyPair::random(&mut r);
    let (mc, _) = encapsulate(&mut r, &mallory.public_key()).unwrap();
    let mc = mc.verify(&mallory.public_key()).unwrap();
    assert_eq!(
        cf.clone().verify(&mc, &s.checked).unwrap_err(),
        Error::FragmentMismatch
    );
    // B's open refuses a mixture: of capsules, and of delegations.
    let dk = s.checked.delegatee_key(&s.bob).unwrap();
    let v_this = cf.verify(&s.checked_capsule, &s.checked).unwrap();
    let v_other = p[1]
        .reencrypt(&mut r, &other_checked)
        .unwrap()
        .verify(&other_checked, &s.checked)
        .unwrap();
    assert_eq!(
        dk.decapsulate(&s.capsule, &[v_this.clone(), v_other.clone()])
            .unwrap_err(),
        Error::FragmentMismatch
    );
    let p2 = copy(&k2[1]).verify(&rec2).unwrap();
    let v_deleg = p2
        .reencrypt(&mut r, &s.checked_capsule)
        .unwrap()
        .verify(&s.checked_capsule, &rec2)
        .unwrap();
    assert_eq!(
        dk.decapsulate(&s.capsule, &[v_this, v_deleg]).unwrap_err(),
        Error::FragmentMismatch
    );
}

#[test]
fn duplicates_fewer_than_t_and_wrong_receiver() {
    let mut r = rng(33);
    let s = setup(3, 5, &mut r);
    let all = verified_all(&s, &mut r);
    let dk = s.checked.delegatee_key(&s.bob).unwrap();
    for k in 0..3 {
        assert_eq!(
            dk.decapsulate(&s.capsule, &all[..k]).unwrap_err(),
            Error::NotEnoughFragments
        );
    }
    // Two fragments of proxy 1 (two re-encryptions of the same capsule) and one of proxy 2.
    let p = proxies(&s);
    let again = p[0]
        .reencrypt(&mut r, &s.checked_capsule)
        .unwrap()
        .verify(&s.checked_capsule, &s.checked)
        .unwrap();
    assert_eq!(
        dk.decapsulate(&s.capsule, &[all[0].clone(), again, all[1].clone()])
            .unwrap_err(),
        Error::DuplicateFragment
    );
    assert_eq!(
        dk.decapsulate(
            &s.capsule,
            &[all[0].clone(), all[0].clone(), all[1].clone()]
        )
        .unwrap_err(),
        Error::DuplicateFragment
    );
    // The wrong receiver gets no delegatee key.
    let eve = KeyPair::random(&mut r);
    assert_eq!(
        s.checked.delegatee_key(&eve).unwrap_err(),
        Error::ReceiverMismatch
    );
    assert_eq!(
        s.checked.delegatee_key(&s.alice).unwrap_err(),
        Error::ReceiverMismatch
    );
}

/// t − 1 fragments do not give the key even when the threshold check is bypassed.
#[test]
fn fewer_than_t_do_not_give_the_key_even_bypassing_the_check() {
    let mut r = rng(34);
    let s = setup(3, 4, &mut r);
    let all = verified_all(&s, &mut r);
    let mut dk = s.checked.delegatee_key(&s.bob).unwrap();
    dk.threshold = 2;
    assert_ne!(*dk.decapsulate(&s.capsule, &all[..2]).unwrap(), *s.key);
}

/// A repeating RNG does not reveal a kfrag: two proofs with the same RNG output on different
/// capsules use different nonces, so the classic `(z1 − z2)/(c1 − c2)` extraction fails.
#[test]
fn repeating_rng_does_not_reveal_the_kfrag() {
    struct Stuck;
    impl rand_core::RngCore for Stuck {
        fn next_u32(&mut self) -> u32 {
            7
        }
        fn next_u64(&mut self) -> u64 {
            7
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            dest.fill(7);
        }
        fn try_fill_bytes(
            &mut self,
            dest: &mut [u8],
        ) -> core::result::Result<(), rand_core::Error> {
            dest.fill(7);
            Ok(())
        }
    }
    impl rand_core::CryptoRng for Stuck {}

    let mut r = rng(35);
    let s = setup(1, 2, &mut r);
    let (c2, _) = encapsulate(&mut r, &s.alice.public_key()).unwrap();
    let c2 = c2.verify(&s.alice.public_key()).unwrap();
    let p = proxies(&s);
    let f1 = p[0].reencrypt(&mut Stuck, &s.checked_capsule).unwrap();
    let f2 = p[0].reencrypt(&mut Stuck, &c2).unwrap();
    let rnd = [7u8; 32];
    let k = &s.kfrags[0].kfrag.0;
    let n1 = pre_nonce(k, &s.capsule.e.to_compressed(), &rnd);
    let n2 = pre_nonce(k, &c2.capsule.e.to_compressed(), &rnd);
    assert_ne!(n1, n2);
    // The nonces are what the proofs used.
    let (c1s, c2s) = (challenge_from_bytes(&f1.c), challenge_from_bytes(&f2.c));
    assert_eq!(f1.z, n1 + c1s * k);
    assert_eq!(f2.z, n2 + c2s * k);
    let guess = (f1.z - f2.z) * (c1s - c2s).invert().unwrap();
    assert_ne!(guess, *k);
    assert_ne!(g1_generator_mul(&guess).to_affine(), s.record.vk[0]);
    // Both proofs still verify.
    assert!(f1.verify(&s.checked_capsule, &s.checked).is_ok());
    assert!(f2.verify(&c2, &s.checked).is_ok());
}

#[test]
fn cached_tables_change_nothing_but_speed() {
    let mut r = rng(36);
    let s = setup(2, 3, &mut r);
    let frags = cfrags(&s, &mut r);
    let before: Vec<_> = frags
        .iter()
        .map(|c| c.clone().verify(&s.checked_capsule, &s.checked).is_ok())
        .collect();
    s.checked.prepare_verification();
    s.checked.prepare_verification();
    let after: Vec<_> = frags
        .iter()
        .map(|c| c.clone().verify(&s.checked_capsule, &s.checked).is_ok())
        .collect();
    assert_eq!(before, after);
    assert!(after.iter().all(|&ok| ok));
    assert_eq!(s.checked.clone(), s.checked);
}

#[test]
fn secrets_are_redacted() {
    let mut r = rng(37);
    let s = setup(1, 1, &mut r);
    let secret_hex = hex::encode(s.kfrags[0].kfrag.0.to_bytes_be());
    let dk = s.checked.delegatee_key(&s.bob).unwrap();
    let proxy = copy(&s.kfrags[0]).verify(&s.checked).unwrap();
    for dbg in [
        alloc::format!("{:?}", s.kfrags[0]),
        alloc::format!("{proxy:?}"),
        alloc::format!("{dk:?}"),
        alloc::format!("{:?}", s.bob),
    ] {
        assert!(dbg.contains("[redacted]"), "{dbg}");
        assert!(!dbg.contains(&secret_hex), "{dbg}");
        assert!(!dbg.contains("Scalar"), "{dbg}");
    }
}

// ---------------------------------------------------------------------------------------------
// Encodings

fn g1_off_subgroup() -> [u8; 48] {
    for x in 1u8..=255 {
        let mut b = [0u8; 48];
        b[0] = 0x80;
        b[47] = x;
        let on_curve = bool::from(G1Affine::from_compressed_unchecked(&b).is_some());
        if on_curve && bool::from(G1Affine::from_compressed(&b).is_none()) {
            return b;
        }
    }
    unreachable!()
}

fn splice(bytes: &[u8], at: usize, with: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[at..at + with.len()].copy_from_slice(with);
    out
}

/// Truncation at every length, one extra byte, bad magic, version and object type.
fn check_framing<T: core::fmt::Debug>(bytes: &[u8], decode: impl Fn(&[u8]) -> crate::Result<T>) {
    for len in 0..bytes.len() {
        let k = decode_kind(decode(&bytes[..len]));
        assert!(
            matches!(k, K::Truncated | K::LimitExceeded),
            "length {len} of {}: {k:?}",
            bytes.len()
        );
    }
    let mut longer = bytes.to_vec();
    longer.push(0);
    assert_eq!(decode_kind(decode(&longer)), K::TrailingBytes);
    assert_eq!(decode_kind(decode(&splice(bytes, 0, b"XSHB"))), K::BadMagic);
    assert_eq!(
        decode_kind(decode(&splice(bytes, 4, &[1]))),
        K::UnsupportedVersion
    );
    assert_eq!(
        decode_kind(decode(&splice(bytes, 5, &[0x01]))),
        K::WrongObjectType
    );
}

const R_HEX: &str = "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001";

#[test]
fn capsule_encoding() {
    let mut r = rng(40);
    let s = setup(1, 1, &mut r);
    let bytes = s.capsule.to_bytes();
    assert_eq!(bytes.len(), 134);
    check_framing(&bytes, Capsule::from_bytes);
    let id = G1Affine::identity().to_compressed();
    assert_eq!(
        decode_kind(Capsule::from_bytes(&splice(&bytes, 6, &id))),
        K::IdentityPoint
    );
    assert_eq!(
        decode_kind(Capsule::from_bytes(&splice(&bytes, 54, &id))),
        K::IdentityPoint
    );
    assert_eq!(
        decode_kind(Capsule::from_bytes(&splice(&bytes, 54, &g1_off_subgroup()))),
        K::InvalidPoint
    );
    assert_eq!(
        decode_kind(Capsule::from_bytes(&splice(&bytes, 102, &unhex(R_HEX)))),
        K::InvalidScalar
    );
}

#[test]
fn key_frag_and_delegatee_key_encodings() {
    let mut r = rng(41);
    let s = setup(2, 3, &mut r);
    let bytes = s.kfrags[2].to_bytes();
    assert_eq!(bytes.len(), 58);
    check_framing(&bytes, KeyFrag::from_bytes);
    assert_eq!(
        decode_kind(KeyFrag::from_bytes(&splice(&bytes, 22, &[0, 0, 0, 0]))),
        K::InvalidValue
    );
    assert_eq!(
        decode_kind(KeyFrag::from_bytes(&splice(&bytes, 22, &[0, 0, 1, 0]))),
        K::InvalidValue
    );
    assert_eq!(
        decode_kind(KeyFrag::from_bytes(&splice(&bytes, 26, &[0; 32]))),
        K::InvalidScalar
    );
    let dk = s.checked.delegatee_key(&s.bob).unwrap();
    let bytes = dk.to_bytes();
    assert_eq!(bytes.len(), 122);
    check_framing(&bytes, DelegateeKey::from_bytes);
    assert_eq!(
        decode_kind(DelegateeKey::from_bytes(&splice(
            &bytes,
            26,
            &G2Affine::identity().to_compressed()
        ))),
        K::IdentityPoint
    );
}

#[test]
fn delegation_record_encoding() {
    let mut r = rng(42);
    let s = setup(3, 5, &mut r);
    let bytes = s.record.to_bytes();
    assert_eq!(bytes.len(), 702);
    assert_eq!(DelegationRecord::from_bytes(&bytes).unwrap(), s.record);
    check_framing(&bytes, DelegationRecord::from_bytes);
    // t = 0, t > n.
    for t in [0u8, 6] {
        assert_eq!(
            decode_kind(DelegationRecord::from_bytes(&splice(&bytes, 25, &[t]))),
            K::InvalidValue
        );
    }
    // n above the limit, before anything is allocated.
    assert_eq!(
        decode_kind(DelegationRecord::from_bytes(&splice(
            &bytes,
            26,
            &[0, 0, 1, 0]
        ))),
        K::LimitExceeded
    );
    // n larger than the input holds.
    assert_eq!(
        decode_kind(DelegationRecord::from_bytes(&splice(
            &bytes,
            26,
            &[0, 0, 0, 200]
        ))),
        K::Truncated
    );
    // Mismatched twins in pk_A.
    let mut twisted = bytes.clone();
    twisted[30..78].copy_from_slice(&s.bob.public_key().p1.to_compressed());
    assert_eq!(
        decode_kind(DelegationRecord::from_bytes(&twisted)),
        K::InconsistentKey
    );
    // Identity D̂, M, and VK_5.
    let id2 = G2Affine::identity().to_compressed();
    let id1 = G1Affine::identity().to_compressed();
    for (at, with) in [(318, &id2[..]), (414, &id1[..]), (702 - 48, &id1[..])] {
        assert_eq!(
            decode_kind(DelegationRecord::from_bytes(&splice(&bytes, at, with))),
            K::IdentityPoint,
            "at {at}"
        );
    }
}

#[test]
fn capsule_frag_encoding() {
    let mut r = rng(43);
    let s = setup(1, 1, &mut r);
    let cf = cfrags(&s, &mut r).remove(0);
    let bytes = cf.to_bytes();
    assert_eq!(bytes.len(), 170);
    assert_eq!(CapsuleFrag::from_bytes(&bytes).unwrap(), cf);
    check_framing(&bytes, CapsuleFrag::from_bytes);
    let id1 = G1Affine::identity().to_compressed();
    for at in [26, 74] {
        assert_eq!(
            decode_kind(CapsuleFrag::from_bytes(&splice(&bytes, at, &id1))),
            K::IdentityPoint
        );
    }
    assert_eq!(
        decode_kind(CapsuleFrag::from_bytes(&splice(&bytes, 22, &[0, 0, 0, 0]))),
        K::InvalidValue
    );
    assert_eq!(
        decode_kind(CapsuleFrag::from_bytes(&splice(&bytes, 138, &unhex(R_HEX)))),
        K::InvalidScalar
    );
}

// ---------------------------------------------------------------------------------------------
// Property tests over (t, n) up to (5, 9). RSHABE_PROPTEST_CASES raises the case count.

fn cases(default: u32) -> u32 {
    std::env::var("RSHABE_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

extern crate std;

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(4), ..ProptestConfig::default() })]

    /// Any t distinct verified fragments give the key; t − 1 give NotEnoughFragments; a
    /// tampered byte in any fragment never verifies.
    #[test]
    fn threshold_property(
        seed in any::<u64>(),
        (t, n) in (1usize..=5).prop_flat_map(|t| (Just(t), t..=9)),
        pick in any::<u64>(),
        pos in 0usize..170,
        bit in 0u8..8,
    ) {
        let mut r = rng(seed);
        let s = setup(t, n, &mut r);
        let all = verified_all(&s, &mut r);
        // A pseudo-random subset of t indices.
        let mut order: Vec<usize> = (0..n).collect();
        let mut x = pick;
        for i in (1..n).rev() {
            order.swap(i, (x % (i as u64 + 1)) as usize);
            x /= i as u64 + 1;
        }
        let chosen: Vec<_> = order[..t].iter().map(|&i| all[i].clone()).collect();
        let dk = s.checked.delegatee_key(&s.bob).unwrap();
        prop_assert_eq!(*dk.decapsulate(&s.capsule, &chosen).unwrap(), *s.key);
        prop_assert_eq!(dk.decapsulate(&s.capsule, &chosen[..t - 1]).unwrap_err(), Error::NotEnoughFragments);
        let mut bytes = all[order[0]].to_bytes();
        bytes[pos] ^= 1 << bit;
        if let Ok(cf) = CapsuleFrag::from_bytes(&bytes) {
            let err = cf.verify(&s.checked_capsule, &s.checked).unwrap_err();
            prop_assert!(matches!(err, Error::FragmentMismatch | Error::InvalidProof), "{:?}", err);
        }
    }

    /// Round trips through every encoding.
    #[test]
    fn encodings_round_trip(seed in any::<u64>(), n in 1usize..4) {
        let mut r = rng(seed);
        let s = setup(1, n, &mut r);
        prop_assert_eq!(Capsule::from_bytes(&s.capsule.to_bytes()).unwrap(), s.capsule);
        prop_assert_eq!(&DelegationRecord::from_bytes(&s.record.to_bytes()).unwrap(), &s.record);
        for k in &s.kfrags {
            prop_assert_eq!(copy(k).to_bytes(), k.to_bytes());
        }
    }
}

#[cfg(feature = "serde")]
#[test]
fn pre_objects_round_trip_through_serde_json() {
    let mut r = rng(50);
    let s = setup(2, 3, &mut r);
    let json = serde_json::to_string(&s.record).unwrap();
    let record: DelegationRecord = serde_json::from_str(&json).unwrap();
    assert_eq!(record, s.record);
    let capsule: Capsule =
        serde_json::from_str(&serde_json::to_string(&s.capsule).unwrap()).unwrap();
    assert_eq!(capsule, s.capsule);
    let kfrag: KeyFrag =
        serde_json::from_str(&serde_json::to_string(&s.kfrags[0]).unwrap()).unwrap();
    assert_eq!(kfrag.to_bytes(), s.kfrags[0].to_bytes());
    let cf = cfrags(&s, &mut r).remove(1);
    let cf2: CapsuleFrag = serde_json::from_str(&serde_json::to_string(&cf).unwrap()).unwrap();
    assert_eq!(cf2, cf);
    let dk = s.checked.delegatee_key(&s.bob).unwrap();
    let dk2: DelegateeKey = serde_json::from_str(&serde_json::to_string(&dk).unwrap()).unwrap();
    assert_eq!(dk2.to_bytes(), dk.to_bytes());
    // The strict decoder runs: a record with t = 0 is refused.
    let mut bytes = s.record.to_bytes();
    bytes[25] = 0;
    let bad = serde_json::to_string(&bytes).unwrap();
    assert!(serde_json::from_str::<DelegationRecord>(&bad).is_err());
}
