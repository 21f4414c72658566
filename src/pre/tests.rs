//! Tests of scheme.md §10: correctness, every failure mode with its typed error, the proof
//! challenge vectors, and strict decoding of every encoding.

use alloc::vec::Vec;

use blstrs::{pairing, G1Affine, G2Affine, G2Projective, Gt, Scalar};
use ff::Field;
use group::{prime::PrimeCurveAffine, Curve, Group};
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::*;
use crate::error::{DecodeErrorKind as K, Error};
use crate::secret::SecretG2;

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn decode_kind<T: core::fmt::Debug>(r: crate::Result<T>) -> K {
    match r {
        Err(Error::Decode(e)) => e.kind,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

/// Alice, Bob, one capsule for Alice and a t-of-n delegation to Bob.
struct Setup {
    alice: KeyPair,
    bob: KeyPair,
    capsule: Capsule,
    key: zeroize::Zeroizing<[u8; 32]>,
    kfrags: Vec<KeyFrag>,
    vks: VerificationKeys,
}

fn setup(t: usize, n: usize, r: &mut ChaCha20Rng) -> Setup {
    let alice = KeyPair::random(r);
    let bob = KeyPair::random(r);
    let (capsule, key) = encapsulate(r, &alice.public_key()).unwrap();
    let (kfrags, vks) = alice.delegate(r, &bob.public_key(), t, n).unwrap();
    Setup {
        alice,
        bob,
        capsule,
        key,
        kfrags,
        vks,
    }
}

fn verified_all(s: &Setup, r: &mut ChaCha20Rng) -> Vec<VerifiedCapsuleFrag> {
    s.kfrags
        .iter()
        .map(|k| {
            k.reencrypt(r, &s.capsule)
                .unwrap()
                .verify(&s.capsule, &s.vks)
                .unwrap()
        })
        .collect()
}

/// All subsets of `0..n` of size `t`.
fn subsets(n: usize, t: usize) -> Vec<Vec<usize>> {
    (0u32..1 << n)
        .filter(|m| m.count_ones() as usize == t)
        .map(|m| (0..n).filter(|i| m >> i & 1 == 1).collect())
        .collect()
}

#[test]
fn z_is_the_gt_generator() {
    assert_eq!(
        pairing(&G1Affine::generator(), &G2Affine::generator()),
        Gt::generator()
    );
}

#[test]
fn gt_exponentiations_match_blstrs() {
    let mut r = rng(1);
    let x = Gt::random(&mut r);
    let mut exps = alloc::vec![
        Scalar::ZERO,
        Scalar::ONE,
        Scalar::from(15u64),
        Scalar::from(16u64),
        Scalar::from(31u64),
        -Scalar::ONE,
        -Scalar::from(16u64),
    ];
    exps.extend((0..4).map(|_| Scalar::random(&mut r)));
    for e in &exps {
        let expect = x * e;
        assert_eq!(gt_pow_vartime(&x, e), expect, "vartime, e = {e:?}");
        assert_eq!(
            gt_pow_fixed_window(&x, e),
            expect,
            "fixed window, e = {e:?}"
        );
    }
}

#[test]
fn lagrange_coefficients_interpolate_at_zero() {
    // f(x) = 7 + 3x + 5x^2 sampled at 2, 4, 9.
    let f = |x: u64| Scalar::from(7 + 3 * x + 5 * x * x);
    let idx = [2u8, 4, 9];
    let l = lagrange_at_zero(&idx).unwrap();
    let at0: Scalar = idx.iter().zip(&l).map(|(&i, c)| f(u64::from(i)) * c).sum();
    assert_eq!(at0, Scalar::from(7u64));
}

#[test]
fn proof_challenge_vectors() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/vectors.json");
    let text = std::fs::read_to_string(path).expect("vectors.json beside the crate");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let xmd = &v["expand_message_xmd_sha256"];
    assert_eq!(
        xmd["dst"].as_str().unwrap().as_bytes(),
        crate::domain::DST_PRE_PROOF
    );
    let cases = xmd["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 3);
    for case in cases {
        let msg = hex::decode(case["msg_hex"].as_str().unwrap()).unwrap();
        let out: [u8; 64] = crate::hash::expand_message_xmd(&[&msg], crate::domain::DST_PRE_PROOF);
        assert_eq!(hex::encode(out), case["out64_hex"].as_str().unwrap());
        let s = crate::hash::hash_to_scalar(&[&msg], crate::domain::DST_PRE_PROOF);
        assert_eq!(
            hex::encode(s.to_bytes_be()),
            case["scalar"].as_str().unwrap()
        );
    }
}

#[test]
fn owner_opens_own_capsule_and_keys_differ() {
    let mut r = rng(2);
    let s = setup(1, 1, &mut r);
    assert_eq!(*s.alice.open(&s.capsule).unwrap(), *s.key);
    // Bob cannot open Alice's capsule directly; fresh capsules carry fresh keys.
    assert_ne!(*s.bob.open(&s.capsule).unwrap(), *s.key);
    let (_, key2) = encapsulate(&mut r, &s.alice.public_key()).unwrap();
    assert_ne!(*key2, *s.key);
    // The key is KDF(Z^k) with Z = Gt::generator(): recompute Z^k from k's pairing form.
    let zk = pairing(
        &(s.capsule.e * s.alice.secret().invert().unwrap()).to_affine(),
        &G2Affine::generator(),
    );
    assert_eq!(*s.capsule.derive_key(&zk).unwrap(), *s.key);
}

#[test]
fn reencryption_correct_for_every_threshold_subset() {
    let mut r = rng(3);
    for (t, n) in [(1, 1), (2, 3), (3, 5)] {
        let s = setup(t, n, &mut r);
        let frags = verified_all(&s, &mut r);
        for subset in subsets(n, t) {
            let chosen: Vec<_> = subset.iter().map(|&i| frags[i].clone()).collect();
            let key = open_reencrypted(&s.bob, &s.capsule, &chosen, &s.vks).unwrap();
            assert_eq!(*key, *s.key, "t={t} n={n} subset={subset:?}");
        }
        // More than t fragments, in reverse order.
        let mut all = frags.clone();
        all.reverse();
        assert_eq!(
            *open_reencrypted(&s.bob, &s.capsule, &all, &s.vks).unwrap(),
            *s.key
        );
    }
}

#[test]
fn plain_afgh_kfrag_is_g2_to_b_over_a() {
    let mut r = rng(4);
    let s = setup(1, 1, &mut r);
    let b_over_a = *s.bob.secret() * s.alice.secret().invert().unwrap();
    assert_eq!(
        s.kfrags[0].kfrag.0,
        G2Affine::from(G2Projective::generator() * b_over_a)
    );
}

#[test]
fn delegate_rejects_bad_thresholds() {
    let mut r = rng(5);
    let a = KeyPair::random(&mut r);
    let pk = KeyPair::random(&mut r).public_key();
    for (t, n) in [(0, 0), (0, 1), (2, 1), (1, 256), (256, 256), (1, 0)] {
        assert_eq!(
            a.delegate(&mut r, &pk, t, n).unwrap_err(),
            Error::InvalidParameter(crate::error::Parameter::Threshold),
            "t={t} n={n}"
        );
    }
    let (k, v) = a.delegate(&mut r, &pk, 1, 255).unwrap();
    assert_eq!((k.len(), v.shares()), (255, 255));
}

#[test]
fn delegations_get_fresh_ids_and_polynomials() {
    let mut r = rng(6);
    let a = KeyPair::random(&mut r);
    let pk = KeyPair::random(&mut r).public_key();
    let (k1, v1) = a.delegate(&mut r, &pk, 2, 2).unwrap();
    let (k2, v2) = a.delegate(&mut r, &pk, 2, 2).unwrap();
    assert_ne!(v1.delegation_id(), v2.delegation_id());
    assert_ne!(k1[0].kfrag, k2[0].kfrag);
}

#[test]
fn too_few_fragments() {
    let mut r = rng(7);
    let s = setup(3, 5, &mut r);
    let frags = verified_all(&s, &mut r);
    for k in 0..3 {
        assert_eq!(
            open_reencrypted(&s.bob, &s.capsule, &frags[..k], &s.vks).unwrap_err(),
            Error::NotEnoughFragments
        );
    }
}

#[test]
fn duplicate_fragments() {
    let mut r = rng(8);
    let s = setup(2, 3, &mut r);
    let f0 = s.kfrags[0]
        .reencrypt(&mut r, &s.capsule)
        .unwrap()
        .verify(&s.capsule, &s.vks)
        .unwrap();
    // Same fragment twice, and two different re-encryptions by the same proxy.
    let f0b = s.kfrags[0]
        .reencrypt(&mut r, &s.capsule)
        .unwrap()
        .verify(&s.capsule, &s.vks)
        .unwrap();
    assert_ne!(f0, f0b);
    let f1 = s.kfrags[1]
        .reencrypt(&mut r, &s.capsule)
        .unwrap()
        .verify(&s.capsule, &s.vks)
        .unwrap();
    for frags in [
        alloc::vec![f0.clone(), f0.clone()],
        alloc::vec![f0.clone(), f0b],
        alloc::vec![f1.clone(), f0.clone(), f1],
    ] {
        assert_eq!(
            open_reencrypted(&s.bob, &s.capsule, &frags, &s.vks).unwrap_err(),
            Error::DuplicateFragment
        );
    }
}

#[test]
fn fragment_for_another_capsule() {
    let mut r = rng(9);
    let s = setup(1, 2, &mut r);
    let (other, other_key) = encapsulate(&mut r, &s.alice.public_key()).unwrap();
    let cf = s.kfrags[0].reencrypt(&mut r, &other).unwrap();
    assert_eq!(
        cf.clone().verify(&s.capsule, &s.vks).unwrap_err(),
        Error::FragmentMismatch
    );
    // Verified for the other capsule, then offered for this one.
    let v = cf.verify(&other, &s.vks).unwrap();
    assert_eq!(
        open_reencrypted(&s.bob, &s.capsule, core::slice::from_ref(&v), &s.vks).unwrap_err(),
        Error::FragmentMismatch
    );
    assert_eq!(
        *open_reencrypted(&s.bob, &other, &[v], &s.vks).unwrap(),
        *other_key
    );
}

#[test]
fn fragment_from_another_delegation() {
    let mut r = rng(10);
    let s = setup(2, 3, &mut r);
    let (kfrags2, vks2) = s.alice.delegate(&mut r, &s.bob.public_key(), 2, 3).unwrap();
    let cf = kfrags2[0].reencrypt(&mut r, &s.capsule).unwrap();
    assert_eq!(
        cf.clone().verify(&s.capsule, &s.vks).unwrap_err(),
        Error::FragmentMismatch
    );
    let v2 = cf.verify(&s.capsule, &vks2).unwrap();
    let v1 = s.kfrags[1]
        .reencrypt(&mut r, &s.capsule)
        .unwrap()
        .verify(&s.capsule, &s.vks)
        .unwrap();
    assert_eq!(
        open_reencrypted(&s.bob, &s.capsule, &[v1, v2], &s.vks).unwrap_err(),
        Error::FragmentMismatch
    );
    // A fragment with the right id but an index beyond n.
    let mut cf = s.kfrags[0].reencrypt(&mut r, &s.capsule).unwrap();
    cf.index = 4;
    assert_eq!(
        cf.verify(&s.capsule, &s.vks).unwrap_err(),
        Error::FragmentMismatch
    );
}

#[test]
fn forged_fragment_with_valid_proof_for_another_value() {
    let mut r = rng(11);
    let s = setup(1, 1, &mut r);
    // A proxy that uses another G2 element: its proof is a valid proof for *its* value, but
    // against the published W_1 it fails.
    let rogue = KeyFrag::new(
        s.kfrags[0].id,
        1,
        SecretG2::from(G2Projective::random(&mut r)),
    );
    let forged = rogue.reencrypt(&mut r, &s.capsule).unwrap();
    assert_eq!(
        forged.clone().verify(&s.capsule, &s.vks).unwrap_err(),
        Error::InvalidProof
    );
    // Had the receiver used it, the key would be wrong: the proof is what protects the key.
    let bypass = VerifiedCapsuleFrag(forged);
    assert_ne!(
        *open_reencrypted(&s.bob, &s.capsule, &[bypass], &s.vks).unwrap(),
        *s.key
    );
}

#[test]
fn tampered_cfrag_c_or_z() {
    let mut r = rng(12);
    let s = setup(2, 2, &mut r);
    let cf = s.kfrags[1].reencrypt(&mut r, &s.capsule).unwrap();
    let mut bad_c = cf.clone();
    bad_c.c += Scalar::ONE;
    let mut bad_z = cf.clone();
    bad_z.z = (G2Projective::from(bad_z.z) + G2Projective::generator()).to_affine();
    let mut bad_cfrag = cf.clone();
    bad_cfrag.cfrag += Gt::generator();
    let mut bad_index = cf.clone();
    bad_index.index = 1;
    for bad in [bad_c, bad_z, bad_cfrag, bad_index] {
        assert_eq!(
            bad.verify(&s.capsule, &s.vks).unwrap_err(),
            Error::InvalidProof
        );
    }
    // A z that makes T1 the identity is refused before hashing, as an invalid proof.
    let mut zero_t = cf.clone();
    zero_t.z = G2Affine::identity();
    zero_t.c = Scalar::ZERO;
    assert_eq!(
        zero_t.verify(&s.capsule, &s.vks).unwrap_err(),
        Error::InvalidProof
    );
    assert!(cf.verify(&s.capsule, &s.vks).is_ok());
}

#[test]
fn wrong_receiver() {
    let mut r = rng(13);
    let s = setup(1, 1, &mut r);
    let frags = verified_all(&s, &mut r);
    let eve = KeyPair::random(&mut r);
    assert_eq!(
        open_reencrypted(&eve, &s.capsule, &frags, &s.vks).unwrap_err(),
        Error::FragmentMismatch
    );
    assert_eq!(
        open_reencrypted(&s.alice, &s.capsule, &frags, &s.vks).unwrap_err(),
        Error::FragmentMismatch
    );
}

#[test]
fn fewer_than_t_fragments_do_not_give_the_key_even_bypassing_the_check() {
    let mut r = rng(14);
    let s = setup(3, 5, &mut r);
    let frags = verified_all(&s, &mut r);
    let chosen = &frags[..2];
    let idx: Vec<u8> = chosen.iter().map(|f| f.index()).collect();
    let l = lagrange_at_zero(&idx).unwrap();
    let y: Gt = chosen.iter().zip(&l).map(|(f, c)| f.0.cfrag * c).sum();
    let zk = y * s.bob.secret().invert().unwrap();
    assert_ne!(*s.capsule.derive_key(&zk).unwrap(), *s.key);
}

#[test]
fn secrets_are_redacted() {
    let mut r = rng(15);
    let s = setup(1, 1, &mut r);
    let secret_hex = hex::encode(s.alice.secret().to_bytes_be());
    let dbg = alloc::format!("{:?}", s.alice);
    assert!(
        dbg.contains("[redacted]") && !dbg.contains(&secret_hex),
        "{dbg}"
    );
    let dbg = alloc::format!("{:?}", s.kfrags[0]);
    assert!(
        dbg.contains("[redacted]") && dbg.contains("index: 1"),
        "{dbg}"
    );
    assert!(!dbg.contains("G2"), "{dbg}");
}

// ---------------------------------------------------------------------------------------------
// Encodings

/// A compressed G1 encoding of a point on the curve outside the prime-order subgroup.
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
    unreachable!("half of all x are on the curve, almost none in the subgroup")
}

/// A compressed G2 encoding of a point on the curve outside the prime-order subgroup.
fn g2_off_subgroup() -> [u8; 96] {
    for x in 1u8..=255 {
        let mut b = [0u8; 96];
        b[0] = 0x80;
        b[95] = x;
        let on_curve = bool::from(G2Affine::from_compressed_unchecked(&b).is_some());
        if on_curve && bool::from(G2Affine::from_compressed(&b).is_none()) {
            return b;
        }
    }
    unreachable!("half of all x are on the curve, almost none in the subgroup")
}

fn identity_g1() -> [u8; 48] {
    G1Affine::identity().to_compressed()
}

fn identity_g2() -> [u8; 96] {
    G2Affine::identity().to_compressed()
}

fn splice(bytes: &[u8], at: usize, with: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[at..at + with.len()].copy_from_slice(with);
    out
}

/// Truncation at every length, one extra byte, and a wrong object type.
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
        decode_kind(decode(&splice(bytes, 4, &[2]))),
        K::UnsupportedVersion
    );
    assert_eq!(
        decode_kind(decode(&splice(bytes, 5, &[0x01]))),
        K::WrongObjectType
    );
}

#[test]
fn public_key_encoding() {
    let mut r = rng(20);
    let pk = KeyPair::random(&mut r).public_key();
    let bytes = pk.to_bytes();
    assert_eq!(PublicKey::from_bytes(&bytes).unwrap(), pk);
    check_framing(&bytes, PublicKey::from_bytes);
    assert_eq!(
        decode_kind(PublicKey::from_bytes(&splice(
            &bytes,
            6,
            &g1_off_subgroup()
        ))),
        K::InvalidPoint
    );
    assert_eq!(
        decode_kind(PublicKey::from_bytes(&splice(
            &bytes,
            54,
            &g2_off_subgroup()
        ))),
        K::InvalidPoint
    );
    assert_eq!(
        decode_kind(PublicKey::from_bytes(&splice(&bytes, 6, &identity_g1()))),
        K::IdentityPoint
    );
    assert_eq!(
        decode_kind(PublicKey::from_bytes(&splice(&bytes, 54, &identity_g2()))),
        K::IdentityPoint
    );
    // Twins with different exponents.
    let other = KeyPair::random(&mut r).public_key();
    let mixed = splice(&bytes, 54, &other.p2.to_compressed());
    assert_eq!(
        decode_kind(PublicKey::from_bytes(&mixed)),
        K::InconsistentKey
    );
}

#[test]
fn key_pair_encoding() {
    let mut r = rng(21);
    let kp = KeyPair::random(&mut r);
    let bytes = kp.to_bytes();
    let back = KeyPair::from_bytes(&bytes).unwrap();
    assert_eq!(back.public_key(), kp.public_key());
    assert_eq!(back.secret(), kp.secret());
    check_framing(&bytes, KeyPair::from_bytes);
    assert_eq!(
        decode_kind(KeyPair::from_bytes(&splice(&bytes, 6, &[0u8; 32]))),
        K::InvalidScalar
    );
    assert_eq!(
        decode_kind(KeyPair::from_bytes(&splice(&bytes, 6, &[0xff; 32]))),
        K::InvalidScalar
    );
    // r itself is not canonical.
    let order =
        hex::decode("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001").unwrap();
    assert_eq!(
        decode_kind(KeyPair::from_bytes(&splice(&bytes, 6, &order))),
        K::InvalidScalar
    );
}

#[test]
fn capsule_encoding() {
    let mut r = rng(22);
    let s = setup(1, 1, &mut r);
    let bytes = s.capsule.to_bytes();
    assert_eq!(Capsule::from_bytes(&bytes).unwrap(), s.capsule);
    check_framing(&bytes, Capsule::from_bytes);
    assert_eq!(
        decode_kind(Capsule::from_bytes(&splice(&bytes, 6, &g1_off_subgroup()))),
        K::InvalidPoint
    );
    assert_eq!(
        decode_kind(Capsule::from_bytes(&splice(&bytes, 6, &identity_g1()))),
        K::IdentityPoint
    );
    let mut flipped = bytes.clone();
    flipped[20] ^= 0x01;
    assert_ne!(Capsule::from_bytes(&flipped).ok(), Some(s.capsule));
}

#[test]
fn key_frag_encoding() {
    let mut r = rng(23);
    let s = setup(2, 3, &mut r);
    let kf = &s.kfrags[2];
    let bytes = kf.to_bytes();
    let back = KeyFrag::from_bytes(&bytes).unwrap();
    assert_eq!(
        (back.id, back.index, back.kfrag),
        (kf.id, kf.index, kf.kfrag)
    );
    check_framing(&bytes, KeyFrag::from_bytes);
    for bad_index in [0u32, 256, u32::MAX] {
        let b = splice(&bytes, 22, &bad_index.to_be_bytes());
        assert_eq!(decode_kind(KeyFrag::from_bytes(&b)), K::InvalidValue);
    }
    assert_eq!(
        decode_kind(KeyFrag::from_bytes(&splice(&bytes, 26, &g2_off_subgroup()))),
        K::InvalidPoint
    );
    assert_eq!(
        decode_kind(KeyFrag::from_bytes(&splice(&bytes, 26, &identity_g2()))),
        K::IdentityPoint
    );
}

#[test]
fn verification_keys_encoding() {
    let mut r = rng(24);
    let s = setup(2, 3, &mut r);
    let bytes = s.vks.to_bytes();
    assert_eq!(VerificationKeys::from_bytes(&bytes).unwrap(), s.vks);
    check_framing(&bytes, VerificationKeys::from_bytes);
    let t_at = 6 + 16 + 48 + 96;
    let n_at = t_at + 4;
    let w_at = n_at + 4;
    // t > n, t = 0, t beyond u8.
    for t in [4u32, 0, 258] {
        let b = splice(&bytes, t_at, &t.to_be_bytes());
        assert_eq!(
            decode_kind(VerificationKeys::from_bytes(&b)),
            K::InvalidValue,
            "t={t}"
        );
    }
    // n above the limit is refused before allocating; n = 0 makes any t > n.
    let b = splice(&bytes, n_at, &256u32.to_be_bytes());
    assert_eq!(
        decode_kind(VerificationKeys::from_bytes(&b)),
        K::LimitExceeded
    );
    let b = splice(&bytes, n_at, &u32::MAX.to_be_bytes());
    assert_eq!(
        decode_kind(VerificationKeys::from_bytes(&b)),
        K::LimitExceeded
    );
    let b = splice(&bytes, n_at, &0u32.to_be_bytes());
    assert_eq!(
        decode_kind(VerificationKeys::from_bytes(&b[..w_at])),
        K::InvalidValue
    );
    // A lying count larger than the input.
    let b = splice(&bytes, n_at, &255u32.to_be_bytes());
    assert_eq!(decode_kind(VerificationKeys::from_bytes(&b)), K::Truncated);
    // Receiver key checks apply.
    assert_eq!(
        decode_kind(VerificationKeys::from_bytes(&splice(
            &bytes,
            22,
            &identity_g1()
        ))),
        K::IdentityPoint
    );
    let other = KeyPair::random(&mut r).public_key();
    let mixed = splice(&bytes, 22 + 48, &other.p2.to_compressed());
    assert_eq!(
        decode_kind(VerificationKeys::from_bytes(&mixed)),
        K::InconsistentKey
    );
    // A W_i that is not a GT element.
    let mut flipped = bytes.clone();
    flipped[w_at + 288 + 100] ^= 0x01;
    assert_eq!(
        decode_kind(VerificationKeys::from_bytes(&flipped)),
        K::InvalidPoint
    );
}

#[test]
fn capsule_frag_encoding() {
    let mut r = rng(25);
    let s = setup(1, 2, &mut r);
    let cf = s.kfrags[1].reencrypt(&mut r, &s.capsule).unwrap();
    let bytes = cf.to_bytes();
    assert_eq!(CapsuleFrag::from_bytes(&bytes).unwrap(), cf);
    let v = cf.clone().verify(&s.capsule, &s.vks).unwrap();
    assert_eq!(v.to_bytes(), bytes);
    check_framing(&bytes, CapsuleFrag::from_bytes);
    let (e_at, gt_at) = (26, 74);
    let (c_at, z_at) = (gt_at + 288, gt_at + 288 + 32);
    for bad_index in [0u32, 256] {
        let b = splice(&bytes, 22, &bad_index.to_be_bytes());
        assert_eq!(decode_kind(CapsuleFrag::from_bytes(&b)), K::InvalidValue);
    }
    assert_eq!(
        decode_kind(CapsuleFrag::from_bytes(&splice(
            &bytes,
            e_at,
            &g1_off_subgroup()
        ))),
        K::InvalidPoint
    );
    assert_eq!(
        decode_kind(CapsuleFrag::from_bytes(&splice(
            &bytes,
            e_at,
            &identity_g1()
        ))),
        K::IdentityPoint
    );
    let mut flipped = bytes.clone();
    flipped[gt_at + 5] ^= 0x10;
    assert_eq!(
        decode_kind(CapsuleFrag::from_bytes(&flipped)),
        K::InvalidPoint
    );
    assert_eq!(
        decode_kind(CapsuleFrag::from_bytes(&splice(&bytes, c_at, &[0xff; 32]))),
        K::InvalidScalar
    );
    assert_eq!(
        decode_kind(CapsuleFrag::from_bytes(&splice(
            &bytes,
            z_at,
            &g2_off_subgroup()
        ))),
        K::InvalidPoint
    );
    assert_eq!(
        decode_kind(CapsuleFrag::from_bytes(&splice(
            &bytes,
            z_at,
            &identity_g2()
        ))),
        K::IdentityPoint
    );
    assert_eq!(z_at + 96, bytes.len());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Any single-byte change of a capsule fragment's encoding either fails to decode or yields
    /// a fragment that does not verify — never one that combines to a key.
    #[test]
    fn tampered_capsule_frag_never_verifies(seed in any::<u64>(), pos in 0usize..490, bit in 0u8..8) {
        let mut r = rng(seed);
        let s = setup(1, 1, &mut r);
        let mut bytes = s.kfrags[0].reencrypt(&mut r, &s.capsule).unwrap().to_bytes();
        prop_assert_eq!(bytes.len(), 490);
        bytes[pos] ^= 1 << bit;
        if let Ok(cf) = CapsuleFrag::from_bytes(&bytes) {
            let err = cf.verify(&s.capsule, &s.vks).unwrap_err();
            prop_assert!(matches!(err, Error::FragmentMismatch | Error::InvalidProof), "{:?}", err);
        }
    }

    /// Round trips through every encoding, for random delegations.
    #[test]
    fn encodings_round_trip(seed in any::<u64>(), n in 1usize..4) {
        let mut r = rng(seed);
        let s = setup(1, n, &mut r);
        prop_assert_eq!(PublicKey::from_bytes(&s.bob.public_key().to_bytes()).unwrap(), s.bob.public_key());
        prop_assert_eq!(KeyPair::from_bytes(&s.bob.to_bytes()).unwrap().public_key(), s.bob.public_key());
        prop_assert_eq!(Capsule::from_bytes(&s.capsule.to_bytes()).unwrap(), s.capsule);
        prop_assert_eq!(&VerificationKeys::from_bytes(&s.vks.to_bytes()).unwrap(), &s.vks);
        for k in &s.kfrags {
            let back = KeyFrag::from_bytes(&k.to_bytes()).unwrap();
            prop_assert_eq!(back.to_bytes(), k.to_bytes());
        }
    }
}

#[test]
fn gt_comb_agrees_with_exponentiation() {
    let mut r = rng(41);
    let base = Gt::random(&mut r);
    let comb = super::GtComb::new(&base);
    for e in [
        Scalar::ZERO,
        Scalar::ONE,
        -Scalar::ONE,
        Scalar::from(u64::MAX),
    ]
    .into_iter()
    .chain((0..8).map(|_| Scalar::random(&mut r)))
    {
        assert_eq!(comb.pow_public(&e), base * e);
    }
}

/// `KeyFrag::prepare` and the verifier's cached combs change nothing but speed: the same
/// randomness gives byte-identical fragments, and cached and fresh verification keys agree.
#[test]
fn caches_change_nothing_but_speed() {
    let mut r = rng(42);
    let s = setup(2, 3, &mut r);
    let bytes = s.kfrags[1].to_bytes();
    let (plain, prepared) = (
        KeyFrag::from_bytes(&bytes).unwrap(),
        KeyFrag::from_bytes(&bytes).unwrap(),
    );
    prepared.prepare();
    prepared.prepare(); // idempotent
    for seed in 0..3 {
        let a = plain.reencrypt(&mut rng(100 + seed), &s.capsule).unwrap();
        let b = prepared
            .reencrypt(&mut rng(100 + seed), &s.capsule)
            .unwrap();
        assert_eq!(a.to_bytes(), b.to_bytes());
        // The first verification builds the comb of W_2, later ones use it; a clone starts
        // without it. All accept, and a tampered challenge is refused either way.
        assert!(a.clone().verify(&s.capsule, &s.vks).is_ok());
        assert!(b.clone().verify(&s.capsule, &s.vks.clone()).is_ok());
        let mut forged = b;
        forged.c += Scalar::ONE;
        assert_eq!(
            forged.clone().verify(&s.capsule, &s.vks).unwrap_err(),
            Error::InvalidProof
        );
        assert_eq!(
            forged.verify(&s.capsule, &s.vks.clone()).unwrap_err(),
            Error::InvalidProof
        );
    }
}
