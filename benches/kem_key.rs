//! The KEM key's `Ω^s` before and after the constant-time fix of scheme.md v1.1 §1/§7, timed in
//! one run with raw `blstrs` calls (the crate's own path is inside `Header::encapsulate`, timed
//! by `benches/abe.rs`):
//!
//! - `gt-mul-vartime` — v1: `Ω * s` in GT, square-and-multiply with a branch per bit of the
//!   secret `s` (removed from the crate: its time leaks `s`);
//! - `pairing-g1-mul` — v1.1 without tables: `e(Ω₁^s, ĝ)`, a variable-base (constant-time) G1
//!   multiplication and one Miller loop against `ĝ`'s lines prepared once, plus the final
//!   exponentiation;
//! - `pairing-only` — the same pairing with `Ω₁^s` given: what remains once `precompute()`'s
//!   fixed-base table has made the G1 multiplication cheap.
//!
//! `gt-mul-vartime/weight-2` and `/weight-254` show the leak: the same operation on scalars of
//! Hamming weight 2 and 254.
//!
//! ABE v2 (abe-v2.md §7) computes `Ω^{s₀} = e(g^{s₀}, Ω̂₁)`: the same shape as v1.1's — one
//! constant-time G1 multiplication (by the fixed-base table of `g` after `precompute()`) and one
//! Miller loop against fixed G2 lines prepared once (`Ω̂₁`'s instead of `ĝ`'s) — so
//! `pairing-g1-mul` and `pairing-only` time it as well.
//!
//! Run: `cargo bench --bench kem_key`.
#![allow(missing_docs, clippy::unwrap_used)]

use blstrs::{Bls12, G1Affine, G1Projective, G2Affine, G2Prepared, Gt, Scalar};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use ff::Field;
use group::prime::PrimeCurveAffine;
use group::{Curve, Group};
use pairing::{MillerLoopResult, MultiMillerLoop};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

fn scalar_of_weight(weight: u32) -> Scalar {
    // The lowest `weight` bits set: below r for every weight up to 254.
    let mut s = Scalar::ZERO;
    for i in 0..weight {
        s += Scalar::from(2u64).pow_vartime([u64::from(i)]);
    }
    s
}

fn bench(c: &mut Criterion) {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let alpha = Scalar::random(&mut rng);
    let omega = Gt::generator() * alpha;
    let omega1 = (G1Projective::generator() * alpha).to_affine();
    let g2_lines = G2Prepared::from(G2Affine::generator());
    let s = Scalar::random(&mut rng);
    let omega1_s = (G1Projective::from(omega1) * s).to_affine();
    // Both routes give the same Ω^s.
    let via_pairing = Bls12::multi_miller_loop(&[(&omega1_s, &g2_lines)]).final_exponentiation();
    assert_eq!(via_pairing, omega * s);

    let mut g = c.benchmark_group("omega-pow");
    g.sample_size(30);
    g.bench_function("gt-mul-vartime", |b| {
        b.iter(|| black_box(omega) * black_box(s))
    });
    for weight in [2, 254] {
        let sw = scalar_of_weight(weight);
        g.bench_function(format!("gt-mul-vartime/weight-{weight}"), |b| {
            b.iter(|| black_box(omega) * black_box(sw))
        });
    }
    g.bench_function("pairing-g1-mul", |b| {
        b.iter(|| {
            let p: G1Affine = (G1Projective::from(black_box(omega1)) * black_box(s)).to_affine();
            Bls12::multi_miller_loop(&[(&p, &g2_lines)]).final_exponentiation()
        })
    });
    g.bench_function("pairing-only", |b| {
        b.iter(|| {
            Bls12::multi_miller_loop(&[(black_box(&omega1_s), &g2_lines)]).final_exponentiation()
        })
    });
    g.bench_function("g1-mul", |b| {
        b.iter(|| G1Projective::from(black_box(omega1)) * black_box(s))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
