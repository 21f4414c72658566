//! Proxy re-encryption (scheme.md §10) and envelope throughput (§11).
//!
//! Run: `cargo bench --bench pre` (about three minutes); `cargo bench --bench pre -- --test`
//! runs every benchmark once as a smoke test.
//!
//! - `pre/*`: each operation of the PRE module, and next to the two that are pairing-bound their
//!   **floor** — the pairings of scheme.md §10's formula in raw `blstrs`, each a
//!   `multi_miller_loop` plus a `final_exponentiation`. A long-lived G2 point (the proxy's
//!   `kfrag_i`) is prepared outside the timed loop; a point that is fresh in every call (`ρ` in
//!   re-encryption, the proof's `z` in verification) is prepared inside it, once, and shared by
//!   the two Miller loops that use it — as the plainest correct raw code would:
//!   - re-encrypt's floor is three pairings: `cfrag = e(E, kfrag)` and the proof's commitments
//!     `T1 = e(E, ρ)`, `T2 = e(g, ρ)`. The operation also computes `ĝ^s` and `kfrag^c` (fixed-base
//!     tables), four GT compressions and the hash. `reencrypt-with-proof` is a long-running
//!     proxy's steady state after `KeyFrag::prepare`; `reencrypt-unprepared` the steady state
//!     without it (`kfrag^c` is then a plain scalar multiplication); `reencrypt-first-call` a
//!     freshly decoded fragment, which also prepares `kfrag` and computes `W_i = e(g, kfrag)`
//!     (a fourth pairing);
//!   - verify's floor is two pairings, `e(E, z)` and `e(g, z)`; the operation also raises
//!     `cfrag` to the challenge (254 squarings in GT, which `blstrs` offers only as generic
//!     `Fp12` squarings), raises `W_i` to it through the comb the verification keys keep,
//!     compresses four GT elements and hashes. `verify` is the steady state of a receiver that
//!     checks many fragments of one delegation; `verify-first-call` uses a fresh copy of the
//!     verification keys, so it also builds `W_i`'s comb.
//! - `envelope-*/*`: sealing and opening a whole envelope for 1 KiB, 1 MiB and 64 MiB — `seal`
//!   for a care-team policy recipient (`D_t = 20`, fixed-base tables precomputed) and the
//!   patient's PRE recipient, `seal-pre-only` for the PRE recipient alone, `open` by the patient
//!   with her key pair — next to a plain AES-256-GCM baseline doing the same work on the same bytes: 64 KiB
//!   chunks, each copied into a buffer, encrypted in place under a 12-byte nonce
//!   (`prefix ‖ BE32(i) ‖ last`) with 32 bytes of associated data, and appended to the output.
//!   The envelope additionally pays its KEMs, the key wraps, the header encoding, and (on open)
//!   zeroizing the plaintext buffer when it is dropped.
//!
//! Measurement is short (10 samples, 0.5 s warm-up, 2 s; 64 MiB: flat sampling, 8 s) and
//! seeded (`ChaCha20Rng`), so runs are comparable but a single run on a shared machine is noisy.

use std::time::Duration;

use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use blstrs::{Bls12, G1Affine, G2Affine, G2Prepared, G2Projective};
use criterion::{
    black_box, criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, SamplingMode,
    Throughput,
};
use ff::Field;
use group::{prime::PrimeCurveAffine, Curve, Group};
use pairing::{MillerLoopResult, MultiMillerLoop};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rs_habe::pre::{encapsulate, open_reencrypted, KeyFrag, KeyPair};
use rs_habe::{Authority, Envelope, Policy, Recipient, SetupParams};

const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;

fn rng() -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(0x5eed_0042)
}

fn configured() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

/// One pairing on a prepared G2 point: Miller loop and final exponentiation.
fn pairing(p: &G1Affine, q: &G2Prepared) -> blstrs::Gt {
    Bls12::multi_miller_loop(&[(p, q)]).final_exponentiation()
}

fn bench_pre(c: &mut Criterion) {
    let mut rng = rng();
    let patient = KeyPair::random(&mut rng);
    let specialist = KeyPair::random(&mut rng);
    let pk = patient.public_key();
    let (capsule, _key) = encapsulate(&mut rng, &pk).unwrap();

    let mut group = c.benchmark_group("pre");
    group.bench_function("encapsulate", |b| {
        b.iter(|| encapsulate(&mut rng, black_box(&pk)).unwrap())
    });
    group.bench_function("self-open", |b| {
        b.iter(|| patient.open(black_box(&capsule)).unwrap())
    });
    for (t, n) in [(2, 3), (3, 5), (10, 20)] {
        let receiver = specialist.public_key();
        group.bench_with_input(
            BenchmarkId::new("kfrag-generation", format!("{t}-of-{n}")),
            &(t, n),
            |b, &(t, n)| b.iter(|| patient.delegate(&mut rng, &receiver, t, n).unwrap()),
        );
    }

    let (kfrags, vks) = patient
        .delegate(&mut rng, &specialist.public_key(), 3, 5)
        .unwrap();
    // A long-running proxy: `prepare()` once (lines, W_i, the table of kfrag_i).
    kfrags[0].prepare();
    group.bench_function("reencrypt-with-proof", |b| {
        b.iter(|| kfrags[0].reencrypt(&mut rng, black_box(&capsule)).unwrap())
    });
    // Without `prepare()`: the lines and W_i are cached by the first call, kfrag_i^c is a plain
    // scalar multiplication.
    let _ = kfrags[1].reencrypt(&mut rng, &capsule).unwrap();
    group.bench_function("reencrypt-unprepared", |b| {
        b.iter(|| kfrags[1].reencrypt(&mut rng, black_box(&capsule)).unwrap())
    });
    let kfrag_bytes = kfrags[0].to_bytes();
    group.bench_function("kfrag-prepare", |b| {
        b.iter_batched(
            || KeyFrag::from_bytes(&kfrag_bytes).unwrap(),
            |k| {
                k.prepare();
                k
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("reencrypt-first-call", |b| {
        b.iter_batched(
            || KeyFrag::from_bytes(&kfrag_bytes).unwrap(),
            |k| k.reencrypt(&mut rng, black_box(&capsule)).unwrap(),
            BatchSize::SmallInput,
        )
    });

    // The points the floors pair: E from the capsule, the proxy's kfrag, a fresh ρ, and a
    // proof response z — decoded from the public encodings, prepared outside the loop.
    let e = G1Affine::from_compressed(capsule.to_bytes()[6..54].try_into().unwrap()).unwrap();
    let x = G2Affine::from_compressed(kfrags[0].to_bytes()[26..122].try_into().unwrap()).unwrap();
    let rho = (G2Projective::generator() * blstrs::Scalar::random(&mut rng)).to_affine();
    let cfrag = kfrags[0].reencrypt(&mut rng, &capsule).unwrap();
    let z = G2Affine::from_compressed(cfrag.to_bytes()[394..490].try_into().unwrap()).unwrap();
    let g = G1Affine::generator();
    let x = G2Prepared::from(x);
    group.bench_function("reencrypt-floor-3-pairings", |b| {
        b.iter(|| {
            let rho = G2Prepared::from(black_box(rho));
            (
                pairing(black_box(&e), &x),
                pairing(black_box(&e), &rho),
                pairing(black_box(&g), &rho),
            )
        })
    });

    group.bench_function("verify", |b| {
        b.iter(|| black_box(cfrag.clone()).verify(&capsule, &vks).unwrap())
    });
    group.bench_function("verify-first-call", |b| {
        b.iter_batched(
            || (cfrag.clone(), vks.clone()),
            |(cfrag, vks)| cfrag.verify(&capsule, &vks).unwrap(),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("verify-floor-2-pairings", |b| {
        b.iter(|| {
            let z = G2Prepared::from(black_box(z));
            (pairing(black_box(&e), &z), pairing(black_box(&g), &z))
        })
    });

    for t in [2usize, 3] {
        let (kfrags, vks) = patient
            .delegate(&mut rng, &specialist.public_key(), t, t + 1)
            .unwrap();
        let frags: Vec<_> = kfrags[..t]
            .iter()
            .map(|k| {
                k.reencrypt(&mut rng, &capsule)
                    .unwrap()
                    .verify(&capsule, &vks)
                    .unwrap()
            })
            .collect();
        group.bench_with_input(BenchmarkId::new("combine-and-open", t), &t, |b, _| {
            b.iter(|| open_reencrypted(&specialist, black_box(&capsule), &frags, &vks).unwrap())
        });
    }
    group.finish();
}

/// The plain baseline: AES-256-GCM over 64 KiB chunks, the same copies as the envelope.
fn aes_seal(cipher: &Aes256Gcm, prefix: &[u8; 7], ad: &[u8; 32], pt: &[u8]) -> Vec<u8> {
    let chunks = pt.len().div_ceil(CHUNK).max(1);
    let mut out = Vec::with_capacity(pt.len() + chunks * TAG);
    let mut buf = Vec::with_capacity(CHUNK + TAG);
    for (i, chunk) in pt.chunks(CHUNK).enumerate() {
        buf.clear();
        buf.extend_from_slice(chunk);
        let nonce = nonce(prefix, i, i + 1 == chunks);
        cipher
            .encrypt_in_place(Nonce::from_slice(&nonce), ad, &mut buf)
            .unwrap();
        out.extend_from_slice(&buf);
    }
    out
}

fn aes_open(cipher: &Aes256Gcm, prefix: &[u8; 7], ad: &[u8; 32], ct: &[u8]) -> Vec<u8> {
    let chunks = ct.len().div_ceil(CHUNK + TAG).max(1);
    let mut out = Vec::with_capacity(ct.len() - chunks * TAG);
    let mut buf = Vec::with_capacity(CHUNK + TAG);
    for (i, chunk) in ct.chunks(CHUNK + TAG).enumerate() {
        buf.clear();
        buf.extend_from_slice(chunk);
        let nonce = nonce(prefix, i, i + 1 == chunks);
        cipher
            .decrypt_in_place(Nonce::from_slice(&nonce), ad, &mut buf)
            .unwrap();
        out.extend_from_slice(&buf);
    }
    out
}

fn nonce(prefix: &[u8; 7], i: usize, last: bool) -> [u8; 12] {
    let mut n = [0u8; 12];
    n[..7].copy_from_slice(prefix);
    n[7..11].copy_from_slice(&(i as u32).to_be_bytes());
    n[11] = u8::from(last);
    n
}

fn bench_envelope(c: &mut Criterion) {
    let mut rng = rng();
    let authority = Authority::setup(&mut rng, SetupParams::default()).unwrap();
    let pp = authority.public_params().clone();
    // Fixed-base tables, as a long-lived sealing service would use (same results, faster KEM).
    pp.precompute();
    let policy = Policy::parse("(doctor and cardiology) or (nurse and ward:3)").unwrap();
    let patient = KeyPair::random(&mut rng);
    let pk = patient.public_key();
    let recipients = [
        Recipient::Policy {
            policy: &policy,
            period: 1,
        },
        Recipient::Pre(&pk),
    ];
    let pre_only = [Recipient::Pre(&pk)];
    let aad = b"record P-0042/scan";
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&[7u8; 32]));
    let (prefix, ad) = ([1u8; 7], [2u8; 32]);

    for (label, len) in [
        ("1KiB", 1usize << 10),
        ("1MiB", 1 << 20),
        ("64MiB", 64 << 20),
    ] {
        let pt: Vec<u8> = (0..len).map(|i| (i * 31) as u8).collect();
        let envelope = Envelope::seal(&mut rng, &pp, &recipients, aad, &pt).unwrap();
        let baseline_ct = aes_seal(&cipher, &prefix, &ad, &pt);
        assert_eq!(aes_open(&cipher, &prefix, &ad, &baseline_ct), pt);

        let mut group = c.benchmark_group(format!("envelope-{label}"));
        group.throughput(Throughput::Bytes(len as u64));
        if len >= 64 << 20 {
            group
                .sampling_mode(SamplingMode::Flat)
                .measurement_time(Duration::from_secs(8));
        }
        group.bench_function("seal", |b| {
            b.iter(|| Envelope::seal(&mut rng, &pp, &recipients, aad, black_box(&pt)).unwrap())
        });
        group.bench_function("seal-pre-only", |b| {
            b.iter(|| Envelope::seal(&mut rng, &pp, &pre_only, aad, black_box(&pt)).unwrap())
        });
        group.bench_function("aes-gcm-seal", |b| {
            b.iter(|| aes_seal(&cipher, &prefix, &ad, black_box(&pt)))
        });
        group.bench_function("open", |b| {
            b.iter(|| black_box(&envelope).open(&patient, aad).unwrap())
        });
        group.bench_function("aes-gcm-open", |b| {
            b.iter(|| aes_open(&cipher, &prefix, &ad, black_box(&baseline_ct)))
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = configured();
    targets = bench_pre, bench_envelope
}
criterion_main!(benches);
