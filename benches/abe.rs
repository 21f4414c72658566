//! Criterion benchmarks of the revocable hierarchical CP-ABE scheme (scheme.md §2–§8).
//!
//! Parameters: time-tree depth `D_t = 20`, every user tree of depth 20, mid period `T = 1000`.
//! Every run uses a seeded ChaCha20 RNG, so two runs time the same inputs.
//!
//! Groups: `primitives` (G1/G2 scalar multiplication and one pairing: the in-run yardstick),
//! `setup`, `enrol`, `key_update` (per `KUNodes` entry: read the `thrpt` line, or divide the
//! median by the entry count in the id), `dk_derivation` (levels 1–3), `encrypt`, `decrypt` (each
//! policy next to its floor: one multi-Miller loop over the same number of prepared pairs plus
//! one final exponentiation), `header_update`, `batch_update` (parallel vs one thread with the
//! `parallel` feature), `outsourced`. Operations on public generators are timed `plain`
//! (variable-base multiplication) and with `tables` (`PublicParams::precompute`). Encoding sizes
//! are printed
//! first and written to `target/criterion/sizes.txt`.
//!
//! ```text
//! cargo bench --bench abe              # the measurement (a few minutes on 2 cores)
//! cargo bench --bench abe -- --test    # run every benchmark once
//! cargo bench --bench abe -- decrypt   # one group
//! ```
//!
//! Absolute times drift between runs on shared machines: compare ratios taken in one run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use blstrs::{Bls12, G1Projective, G2Projective, Scalar};
use criterion::{Criterion, SamplingMode, Throughput};
use ff::Field;
use group::{Curve, Group};
use pairing::Engine;
use rand_chacha::ChaCha20Rng;
use rs_habe::{
    update_headers, AttributeSet, Authority, DecryptionKey, Delegator, Header, KeyUpdate, Policy,
    PublicParams, SecretKey, SetupParams,
};

use common::{rng, FloorInputs};

/// Depth of the time tree.
const TIME_DEPTH: u8 = 20;
/// Depth of every issuer's user tree (authority and delegators).
const TREE_DEPTH: u8 = 20;
/// The fixed mid period.
const T_MID: u64 = 1000;
/// The worst period for encryption: `Cover(1)` has the most delegation elements.
const T_WORST: u64 = 1;
/// Sizes of the AND policies.
const AND_SIZES: [usize; 4] = [2, 5, 10, 20];

fn setup_params() -> SetupParams {
    SetupParams::new(TIME_DEPTH, TREE_DEPTH)
}

/// `a00, a01, …`: the attribute universe.
fn attr(i: usize) -> String {
    format!("a{i:02}")
}

fn attrs(n: usize) -> AttributeSet {
    AttributeSet::new((0..n).map(attr)).unwrap()
}

/// The benchmarked policies: `(name, policy, header-side pairs of decryption)`. Decryption
/// pairs `5 + m'` (abe-v2.md §8): 4 pairs against the key's prepared `K̂`, `K1T`, `B2`, `B3`,
/// and `1 + m'` against the header's `Ĉ0` and `Ĉ1⁽ʲ⁾`, prepared per call (`m'` = the occurrence
/// layers among the leaves used: 1 unless an attribute repeats).
fn policies() -> Vec<(String, Policy, usize)> {
    let mut out: Vec<(String, Policy, usize)> = AND_SIZES
        .iter()
        .map(|&n| {
            let text = (0..n).map(attr).collect::<Vec<_>>().join(" and ");
            (format!("and-{n}"), Policy::parse(&text).unwrap(), 2)
        })
        .collect();
    out.push((
        "2of3".to_owned(),
        Policy::parse("2 of (a00, a01, a02)").unwrap(),
        2,
    ));
    // AND-10 over five attributes, each used twice: two occurrence layers, 7 pairs.
    let twice = (0..10)
        .map(|i| attr(i / 2))
        .collect::<Vec<_>>()
        .join(" and ");
    out.push(("and-10-5x2".to_owned(), Policy::parse(&twice).unwrap(), 3));
    out
}

/// Everything the benchmarks need, built once.
struct Fixture {
    authority: Authority,
    pp: PublicParams,
    /// The same parameters, decoded afresh and with fixed-base tables built.
    pp_tables: PublicParams,
    /// A level-1 secret key with 5 attributes.
    sk5: SecretKey,
    /// The authority's update at `T_MID`, one user revoked: `TREE_DEPTH` entries.
    ku_mid: KeyUpdate,
    /// The authority's update at `T_MID - 1` (nobody revoked yet): one entry.
    ku_before: KeyUpdate,
    /// Level-1 decryption keys at `T_MID`.
    dk5: DecryptionKey,
    dk20: DecryptionKey,
    /// Delegators (|S_P| = 5 and 20) with one revoked child each.
    del5: Delegator,
    del20: Delegator,
    /// A level-2 child of `del5` (5 attributes) and `del5`'s update at `T_MID`.
    child2: SecretKey,
    ku2: KeyUpdate,
    /// `del5`'s update at `T_MID - 1` (one entry), for sizes.
    ku2_before: KeyUpdate,
    dk_l2: DecryptionKey,
    /// A level-3 child (5 attributes) of the level-2 key's delegator, and that delegator's update.
    child3: SecretKey,
    ku3: KeyUpdate,
    dk_l3: DecryptionKey,
}

impl Fixture {
    fn new() -> Self {
        let mut rng = rng(1);
        let mut authority = Authority::setup(&mut rng, setup_params()).unwrap();
        let pp = authority.public_params().clone();
        let sk20 = authority.enrol(&mut rng, &attrs(20)).unwrap();
        let sk5 = authority.enrol(&mut rng, &attrs(5)).unwrap();
        let victim = authority.enrol(&mut rng, &attrs(1)).unwrap();
        authority.revoke(&victim.user_id(), T_MID).unwrap();
        let ku_mid = authority.key_update(&mut rng, T_MID).unwrap();
        let ku_before = authority.key_update(&mut rng, T_MID - 1).unwrap();
        let dk5 = sk5.decryption_key(&ku_mid).unwrap();
        let dk20 = sk20.decryption_key(&ku_mid).unwrap();
        let dk5_before = sk5.decryption_key(&ku_before).unwrap();

        // A delegator whose first child is kept and whose second is revoked at T_MID.
        let delegator = |rng: &mut ChaCha20Rng, dk: &DecryptionKey| {
            let mut del = Delegator::new(rng, dk, TREE_DEPTH).unwrap();
            let child = del.enrol(rng, &pp, &attrs(5)).unwrap();
            let victim = del.enrol(rng, &pp, &attrs(1)).unwrap();
            del.revoke(&victim.user_id(), T_MID).unwrap();
            (del, child)
        };
        let (del5, child2) = delegator(&mut rng, &dk5);
        let (del20, _) = delegator(&mut rng, &dk20);
        let ku2 = del5.key_update(&mut rng, &pp, &dk5).unwrap();
        let ku2_before = del5.key_update(&mut rng, &pp, &dk5_before).unwrap();
        let dk_l2 = child2.decryption_key(&ku2).unwrap();
        let (del_l2, child3) = delegator(&mut rng, &dk_l2);
        let ku3 = del_l2.key_update(&mut rng, &pp, &dk_l2).unwrap();
        let dk_l3 = child3.decryption_key(&ku3).unwrap();
        assert_eq!(ku_mid.entry_count(), usize::from(TREE_DEPTH));
        assert_eq!(ku2.entry_count(), usize::from(TREE_DEPTH));
        assert_eq!(ku_before.entry_count(), 1);
        assert_eq!(ku2_before.entry_count(), 1);

        Fixture {
            authority,
            pp_tables: {
                let p = PublicParams::from_bytes(&pp.to_bytes()).unwrap();
                p.precompute();
                p
            },
            pp,
            sk5,
            ku_mid,
            ku_before,
            dk5,
            dk20,
            del5,
            del20,
            child2,
            ku2,
            ku2_before,
            dk_l2,
            child3,
            ku3,
            dk_l3,
        }
    }
}

/// Byte sizes of every public and secret object, printed once and written to
/// `target/criterion/sizes.txt`.
fn report_sizes(fx: &Fixture) {
    let mut rng = rng(2);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# rs-habe encoding sizes (bytes), D_t = {TIME_DEPTH}, tree depth {TREE_DEPTH}"
    );
    let _ = writeln!(
        s,
        "public params                     {:>7}",
        fx.pp.to_bytes().len()
    );
    let _ = writeln!(
        s,
        "secret key, level 1, |S| = 5      {:>7}",
        fx.sk5.to_bytes().len()
    );
    let per_entry = |many: &KeyUpdate, one: &KeyUpdate| {
        let (a, b) = (many.to_bytes().len(), one.to_bytes().len());
        let per = (a - b) / (many.entry_count() - one.entry_count());
        (per, b - per, a, many.entry_count())
    };
    for (name, many, one) in [
        (
            "key update, level 1             ",
            &fx.ku_mid,
            &fx.ku_before,
        ),
        ("key update, level 2, |S_P| = 5  ", &fx.ku2, &fx.ku2_before),
    ] {
        let (per, fixed, total, n) = per_entry(many, one);
        let _ = writeln!(
            s,
            "{name}  {per:>7} per entry (+{fixed} fixed; {total} for {n} entries)"
        );
    }
    for (name, dk) in [
        ("decryption key, level 1, |S| = 5 ", &fx.dk5),
        ("decryption key, level 1, |S| = 20", &fx.dk20),
        ("decryption key, level 2, |S| = 5 ", &fx.dk_l2),
        ("decryption key, level 3, |S| = 5 ", &fx.dk_l3),
    ] {
        let _ = writeln!(s, "{name} {:>7}", dk.to_bytes().len());
    }
    for (name, policy, _) in policies() {
        for t in [T_MID, T_WORST] {
            let (h, _) = Header::encapsulate(&mut rng, &fx.pp, &policy, t).unwrap();
            let _ = writeln!(
                s,
                "header {name:<6} T = {t:<5}          {:>7}",
                h.to_bytes().len()
            );
        }
    }
    eprint!("{s}");
    let dir = std::path::Path::new(
        &std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".to_owned()),
    )
    .join("criterion");
    if let Err(e) =
        std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(dir.join("sizes.txt"), &s))
    {
        eprintln!("could not write {}: {e}", dir.join("sizes.txt").display());
    }
}

/// Reference primitives (costs.md), so each run carries its own yardstick: on these shared
/// machines only ratios within one run are comparable.
fn bench_primitives(c: &mut Criterion) {
    let mut g = c.benchmark_group("primitives");
    let mut rng = rng(9);
    let s = Scalar::random(&mut rng);
    let p1 = G1Projective::random(&mut rng);
    let p2 = G2Projective::random(&mut rng);
    let (a1, a2) = (p1.to_affine(), p2.to_affine());
    g.bench_function("g1-mul", |b| b.iter(|| black_box(p1) * black_box(s)));
    g.bench_function("g2-mul", |b| b.iter(|| black_box(p2) * black_box(s)));
    g.bench_function("pairing", |b| {
        b.iter(|| Bls12::pairing(black_box(&a1), black_box(&a2)))
    });
    g.finish();
}

fn bench_setup(c: &mut Criterion) {
    let mut g = c.benchmark_group("setup");
    let mut rng = rng(10);
    g.bench_function("D_t=20", |b| {
        b.iter(|| Authority::setup(&mut rng, setup_params()).unwrap())
    });
    g.finish();
}

/// An authority restored from `fx.authority`'s state, with fixed-base tables built (its
/// parameters do not share tables with `fx.pp`, which stays plain).
fn authority_with_tables(fx: &Fixture) -> Authority {
    let a = Authority::from_bytes(&fx.authority.to_bytes()).unwrap();
    a.public_params().precompute();
    a
}

fn bench_enrol(c: &mut Criterion, fx: &mut Fixture) {
    let mut g = c.benchmark_group("enrol");
    g.sampling_mode(SamplingMode::Flat);
    let mut rng = rng(11);
    let set = attrs(5);
    g.bench_function("level1-S5/plain", |b| {
        b.iter(|| fx.authority.enrol(&mut rng, &set).unwrap())
    });
    let mut tabled = authority_with_tables(fx);
    g.bench_function("level1-S5/tables", |b| {
        b.iter(|| tabled.enrol(&mut rng, &set).unwrap())
    });
    // A child of a level-1 delegator (tree depth 20): no master secret, same shape.
    for (mode, pp) in [("plain", fx.pp.clone()), ("tables", fx.pp_tables.clone())] {
        g.bench_function(format!("child-S5/{mode}"), |b| {
            b.iter(|| fx.del5.enrol(&mut rng, &pp, &set).unwrap())
        });
    }
    g.finish();
}

fn bench_key_update(c: &mut Criterion, fx: &Fixture) {
    let mut g = c.benchmark_group("key_update");
    g.sampling_mode(SamplingMode::Flat);
    let mut rng = rng(12);
    let n = fx.ku_mid.entry_count();
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(format!("level1-{n}-entries/plain"), |b| {
        b.iter(|| fx.authority.key_update(&mut rng, T_MID).unwrap())
    });
    let tabled = authority_with_tables(fx);
    g.bench_function(format!("level1-{n}-entries/tables"), |b| {
        b.iter(|| tabled.key_update(&mut rng, T_MID).unwrap())
    });
    for (sp, del, dk) in [(5, &fx.del5, &fx.dk5), (20, &fx.del20, &fx.dk20)] {
        let n = del.key_update(&mut rng, &fx.pp, dk).unwrap().entry_count();
        g.throughput(Throughput::Elements(n as u64));
        for (mode, pp) in [("plain", &fx.pp), ("tables", &fx.pp_tables)] {
            g.bench_function(format!("child-SP{sp}-{n}-entries/{mode}"), |b| {
                b.iter(|| del.key_update(&mut rng, pp, dk).unwrap())
            });
        }
    }
    g.finish();
}

fn bench_dk_derivation(c: &mut Criterion, fx: &Fixture) {
    let mut g = c.benchmark_group("dk_derivation");
    for (name, sk, ku) in [
        ("level1", &fx.sk5, &fx.ku_mid),
        ("level2", &fx.child2, &fx.ku2),
        ("level3", &fx.child3, &fx.ku3),
    ] {
        g.bench_function(name, |b| b.iter(|| sk.decryption_key(ku).unwrap()));
    }
    g.finish();
}

fn bench_encrypt(c: &mut Criterion, fx: &Fixture) {
    let mut g = c.benchmark_group("encrypt");
    let mut rng = rng(13);
    for (name, policy, _) in policies() {
        for t in [T_MID, T_WORST] {
            for (mode, pp) in [("plain", &fx.pp), ("tables", &fx.pp_tables)] {
                g.bench_function(format!("{name}/T{t}/{mode}"), |b| {
                    b.iter(|| Header::encapsulate(&mut rng, pp, &policy, t).unwrap())
                });
            }
        }
    }
    g.finish();
}

fn bench_floor(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    prepared: usize,
    fresh: usize,
) {
    let floor = if fresh == 0 {
        FloorInputs::new(prepared)
    } else {
        FloorInputs::with_fresh(prepared, fresh)
    };
    let name = if fresh == 0 {
        format!("floor-{prepared}-pairs")
    } else {
        format!("floor-{prepared}+{fresh}-pairs")
    };
    g.bench_function(name, |b| b.iter(|| floor.run()));
}

fn bench_decrypt(c: &mut Criterion, fx: &Fixture) {
    let mut g = c.benchmark_group("decrypt");
    let mut rng = rng(14);
    fx.dk20.prepare();
    fx.dk_l3.prepare();
    let mut floors = std::collections::BTreeSet::new();
    for (name, policy, fresh) in policies() {
        let (header, key) = Header::encapsulate(&mut rng, &fx.pp, &policy, T_MID).unwrap();
        assert_eq!(*fx.dk20.decapsulate(&header).unwrap(), *key);
        g.bench_function(name.as_str(), |b| {
            b.iter(|| fx.dk20.decapsulate(black_box(&header)).unwrap())
        });
        // Every policy without a repeated attribute pairs 6 times: one pair of floors serves
        // them all (`floor-6-pairs`: all lines prepared; `floor-4+2-pairs`: two prepared per
        // run, the same work as a decryption).
        if floors.insert(fresh) {
            bench_floor(&mut g, 4 + fresh, 0);
            bench_floor(&mut g, 4, fresh);
        }
        if name == "and-5" {
            assert_eq!(*fx.dk_l3.decapsulate(&header).unwrap(), *key);
            g.bench_function("and-5-level3", |b| {
                b.iter(|| fx.dk_l3.decapsulate(black_box(&header)).unwrap())
            });
        }
    }
    g.finish();
}

fn bench_header_update(c: &mut Criterion, fx: &Fixture) {
    let mut g = c.benchmark_group("header_update");
    let mut rng = rng(15);
    let policy = Policy::parse("a00 and a01 and a02 and a03 and a04").unwrap();
    for (from, to) in [
        (T_MID, T_MID + 1),
        (T_MID + 1, T_MID + 2),
        (T_MID, T_MID + 1000),
    ] {
        let (header, _) = Header::encapsulate(&mut rng, &fx.pp, &policy, from).unwrap();
        for (mode, pp) in [("plain", &fx.pp), ("tables", &fx.pp_tables)] {
            g.bench_function(format!("T{from}-to-T{to}/{mode}"), |b| {
                b.iter(|| header.update(&mut rng, pp, to).unwrap())
            });
        }
    }
    g.finish();
}

/// The cloud's nightly job: `update_headers` over 64 headers, T -> T+1 (one derived row each),
/// with fixed-base tables. With the `parallel` feature it is timed on rayon's default pool and
/// on a one-thread pool in the same run; `thrpt` reads as headers per second.
fn bench_batch_update(c: &mut Criterion, fx: &Fixture) {
    let mut g = c.benchmark_group("batch_update");
    let mut rng = rng(16);
    let policy = Policy::parse("a00 and a01").unwrap();
    let headers: Vec<Header> = (0..64)
        .map(|_| {
            Header::encapsulate(&mut rng, &fx.pp_tables, &policy, T_MID)
                .unwrap()
                .0
        })
        .collect();
    g.throughput(Throughput::Elements(headers.len() as u64));
    let pp = &fx.pp_tables;
    let update = |rng: &mut ChaCha20Rng| {
        let mut hs = headers.clone();
        update_headers(rng, pp, &mut hs, T_MID + 1).unwrap();
        hs
    };
    #[cfg(feature = "parallel")]
    {
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        g.bench_function("64-headers/1-thread", |b| {
            b.iter(|| one.install(|| update(&mut rng)))
        });
        let n = rayon::current_num_threads();
        g.bench_function(format!("64-headers/{n}-threads"), |b| {
            b.iter(|| update(&mut rng))
        });
    }
    #[cfg(not(feature = "parallel"))]
    g.bench_function("64-headers/sequential", |b| b.iter(|| update(&mut rng)));
    g.finish();
}

/// Outsourced decryption: the server's transform (the pairings) and the user's finish (one GT
/// exponentiation and the KDF), next to full decryption of the same header.
fn bench_outsourced(c: &mut Criterion, fx: &Fixture) {
    let mut g = c.benchmark_group("outsourced");
    let mut rng = rng(17);
    let policy = Policy::parse("a00 and a01 and a02 and a03 and a04").unwrap();
    let (header, key) = Header::encapsulate(&mut rng, &fx.pp, &policy, T_MID).unwrap();
    let (tk, rk) = fx.dk5.outsource(&mut rng, &fx.pp).unwrap();
    fx.dk5.prepare();
    let partial = tk.transform(&header).unwrap();
    assert_eq!(*rk.finish(&header, &partial).unwrap(), *key);
    let _ = tk.transform(&header).unwrap(); // prepares the transform key's lines
    g.bench_function("and-5/full-decrypt", |b| {
        b.iter(|| fx.dk5.decapsulate(black_box(&header)).unwrap())
    });
    g.bench_function("and-5/server-transform", |b| {
        b.iter(|| tk.transform(black_box(&header)).unwrap())
    });
    g.bench_function("and-5/user-finish", |b| {
        b.iter(|| rk.finish(black_box(&header), &partial).unwrap())
    });
    g.finish();
}

fn main() {
    let mut fx = Fixture::new();
    report_sizes(&fx);
    // 2 shared cores: short measurements, compare ratios within one run.
    let mut c = Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500))
        .configure_from_args();
    bench_primitives(&mut c);
    bench_setup(&mut c);
    bench_enrol(&mut c, &mut fx);
    bench_key_update(&mut c, &fx);
    bench_dk_derivation(&mut c, &fx);
    bench_encrypt(&mut c, &fx);
    bench_decrypt(&mut c, &fx);
    bench_header_update(&mut c, &fx);
    bench_batch_update(&mut c, &fx);
    bench_outsourced(&mut c, &fx);
    c.final_summary();
}
