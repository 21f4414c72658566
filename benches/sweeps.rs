//! Scaling sweeps for researchers: how each cost grows with the parameter that drives it, as
//! criterion groups whose benchmark ids carry the parameter, so the HTML report
//! (`target/criterion/report/index.html`) draws one line per function against it.
//!
//! Parameters: time-tree depth `D_t = 20`, user trees of depth 20, period `T = 1000`, fixed-base
//! tables built (`PublicParams::precompute`, what a long-running service does) unless the id says
//! `plain`. Every run uses seeded ChaCha20 generators.
//!
//! | group | parameter | lines |
//! |---|---|---|
//! | `sweep_encrypt` | leaves of an AND policy: 2, 5, 10, 20, 50 | `tables`, `plain` |
//! | `sweep_decrypt` | the same | `rs-habe` (prepared key), `floor` (raw `blstrs`: one multi-Miller loop over the same `2n + 5` prepared pairs and one final exponentiation) |
//! | `sweep_key_update` | revoked users: 0, 1, 16, 128, 1024 | `authority` (throughput: `KUNodes` entries per second) |
//! | `sweep_header_update` | period distance `d`: header at `T` moved to `T + d`, `d` = 1, 16, 256, 4096, 65536, 524288 | `tables`, `plain` (log-scale plot) |
//!
//! Encryption, key update and header update do no pairing: their yardstick is the `primitives`
//! group of the `abe` bench (G1/G2 scalar multiplications). Only decryption is pairing-bound, so
//! only it is timed next to its floor, in the same run.
//!
//! The key-update sweep: an authority whose depth-20 tree has 4096 users enrolled (leaves
//! 0..4096, set through the authority's state encoding instead of 4096 enrolments), `r` of them
//! revoked at evenly spread leaves (`i · 4096 / r`): `KUNodes` then has `r · (12 − log2 r) + 8`
//! entries (`1` for `r = 0`; asserted), the most that `r` revocations among 4096 users can
//! give. A key update's cost and size are linear in its entries; the entry counts and byte sizes
//! of every point that ran, and the header sizes of the other sweeps, are printed at the end and
//! written to `target/criterion/sweeps.txt`.
//!
//! ```text
//! cargo bench --bench sweeps                  # the measurement (~10 min on 2 cores, most at r = 1024)
//! cargo bench --bench sweeps -- --test        # every point once (CI)
//! cargo bench --bench sweeps -- sweep_decrypt # one group
//! ```
//!
//! Absolute times drift between runs on shared machines: compare ratios taken in one run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{AxisScale, BenchmarkId, Criterion, PlotConfiguration, SamplingMode, Throughput};
use rs_habe::{AttributeSet, Authority, Header, Policy, PublicParams, SetupParams, UserId};

use common::{rng, FloorInputs};

/// Depth of the time tree.
const TIME_DEPTH: u8 = 20;
/// Depth of the authority's user tree.
const TREE_DEPTH: u8 = 20;
/// The period headers are encrypted for.
const T: u64 = 1000;
/// Leaves of the AND policies.
const LEAVES: [usize; 5] = [2, 5, 10, 20, 50];
/// Revoked users in the key-update sweep.
const REVOKED: [u64; 5] = [0, 1, 16, 128, 1024];
/// Users enrolled (leaves allocated) in the key-update sweep's tree.
const ENROLLED: u64 = 4096;
/// Period distances in the header-update sweep.
const DISTANCES: [u64; 6] = [1, 16, 256, 4096, 65536, 524_288];

fn attr(i: usize) -> String {
    format!("a{i:02}")
}

fn and_policy(n: usize) -> Policy {
    Policy::parse(&(0..n).map(attr).collect::<Vec<_>>().join(" and ")).unwrap()
}

/// Public parameters, plain and with fixed-base tables (decoded afresh, so the two never share
/// tables), and the authority.
fn setup() -> (Authority, PublicParams, PublicParams) {
    let authority =
        Authority::setup(&mut rng(1), SetupParams::new(TIME_DEPTH, TREE_DEPTH)).unwrap();
    let plain = authority.public_params().clone();
    let tables = PublicParams::from_bytes(&plain.to_bytes()).unwrap();
    tables.precompute();
    (authority, plain, tables)
}

fn sweep_encrypt(c: &mut Criterion, plain: &PublicParams, tables: &PublicParams, out: &mut String) {
    let mut g = c.benchmark_group("sweep_encrypt");
    let mut rng = rng(2);
    let _ = writeln!(out, "\n## sweep_encrypt: header bytes, AND of n, T = {T}");
    for n in LEAVES {
        let policy = and_policy(n);
        let (h, _) = Header::encapsulate(&mut rng, tables, &policy, T).unwrap();
        let _ = writeln!(out, "n = {n:>3}  header {:>7} bytes", h.to_bytes().len());
        for (line, pp) in [("tables", tables), ("plain", plain)] {
            g.bench_with_input(BenchmarkId::new(line, n), &policy, |b, policy| {
                b.iter(|| Header::encapsulate(&mut rng, pp, policy, T).unwrap())
            });
        }
    }
    g.finish();
}

fn sweep_decrypt(c: &mut Criterion, authority: &mut Authority, tables: &PublicParams) {
    let mut g = c.benchmark_group("sweep_decrypt");
    let mut rng = rng(3);
    let max = LEAVES[LEAVES.len() - 1];
    let sk = authority
        .enrol(&mut rng, &AttributeSet::new((0..max).map(attr)).unwrap())
        .unwrap();
    let dk = sk
        .decryption_key(&authority.key_update(&mut rng, T).unwrap())
        .unwrap();
    dk.prepare();
    // The pairings of an AND of any size (abe-v2.md §8): 6 pairs, 4 against the key's prepared
    // lines and 2 against the header's Ĉ0 and Ĉ1, prepared per call. Two floors, flat in n:
    // all 6 prepared beforehand (the issue's yardstick), and 4 + 2 (the same work).
    let floors = [
        ("floor-6-pairs", FloorInputs::new(6)),
        ("floor-4+2-pairs", FloorInputs::with_fresh(4, 2)),
    ];
    for n in LEAVES {
        for (name, floor) in &floors {
            g.bench_function(BenchmarkId::new(*name, n), |b| b.iter(|| floor.run()));
        }
        let (header, key) = Header::encapsulate(&mut rng, tables, &and_policy(n), T).unwrap();
        assert_eq!(*dk.decapsulate(&header).unwrap(), *key);
        g.bench_with_input(BenchmarkId::new("rs-habe", n), &header, |b, header| {
            b.iter(|| dk.decapsulate(black_box(header)).unwrap())
        });
    }
    g.finish();
}

/// An authority with [`ENROLLED`] leaves allocated and `r` users revoked at `T`, spread evenly.
///
/// Enrolling 4096 users would take minutes, and a key update never looks at the keys: the
/// authority's state encoding (wire format v1: the issuer tree ends with depth `u8`, next free
/// leaf `u64`, counter `u64`, revocation count `u32`) is decoded with the next free leaf set to
/// 4096, and the users are revoked through the public API.
fn authority_with_revocations(base: &Authority, r: u64) -> Authority {
    let mut state = base.to_bytes().to_vec();
    assert_eq!(
        base.enrolled_count(),
        1,
        "the sweep's authority enrolled one user"
    );
    let n = state.len();
    assert_eq!(state[n - 4..], [0, 0, 0, 0], "no revocations yet");
    assert_eq!(state[n - 21], TREE_DEPTH, "issuer tree layout");
    state[n - 20..n - 12].copy_from_slice(&ENROLLED.to_be_bytes());
    let mut a = Authority::from_bytes(&state).expect("state with 4096 users enrolled");
    assert_eq!(a.enrolled_count(), ENROLLED);
    a.public_params().precompute();
    for i in 0..r {
        let leaf = i * ENROLLED / r;
        let user = UserId {
            issuer: a.issuer_id(),
            leaf,
        };
        a.revoke(&user, T).unwrap();
    }
    a
}

fn sweep_key_update(c: &mut Criterion, out: &mut String) {
    let mut g = c.benchmark_group("sweep_key_update");
    g.sampling_mode(SamplingMode::Flat);
    let mut rng = rng(4);
    let mut base = Authority::setup(&mut rng, SetupParams::new(TIME_DEPTH, TREE_DEPTH)).unwrap();
    base.enrol(&mut rng, &AttributeSet::new(["a00"]).unwrap())
        .unwrap();
    let _ = writeln!(
        out,
        "\n## sweep_key_update: {ENROLLED} users enrolled in a depth-{TREE_DEPTH} tree, r revoked (spread evenly), T = {T}"
    );
    for r in REVOKED {
        let authority = authority_with_revocations(&base, r);
        let entries = expected_entries(r);
        g.throughput(Throughput::Elements(entries));
        // iter_custom rather than iter: the last update of the run is kept (outside the timed
        // loop) for its entry count and size, so no extra key update is made just to report
        // them (at r = 1024 one takes seconds). A filtered-out point reports nothing.
        let mut last = None;
        g.bench_function(BenchmarkId::new("authority", r), |b| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                let mut ku = None;
                for _ in 0..iters {
                    ku = Some(black_box(authority.key_update(&mut rng, T).unwrap()));
                }
                let elapsed = start.elapsed();
                last = ku;
                elapsed
            })
        });
        let Some(ku) = last else { continue };
        assert_eq!(ku.entry_count() as u64, entries, "KUNodes size for r = {r}");
        let _ = writeln!(
            out,
            "r = {r:>4}  KUNodes entries {entries:>5}  key update {:>9} bytes",
            ku.to_bytes().len()
        );
    }
    g.finish();
}

/// `|KUNodes|` for `r` revocations spread evenly over the first [`ENROLLED`] = 2^12 leaves of a
/// depth-20 tree: `r · (12 − log2 r)` covering the enrolled subtree plus the 8 siblings on its
/// path to the root; the root alone when nobody is revoked.
fn expected_entries(r: u64) -> u64 {
    assert!(r.is_power_of_two() || r == 0);
    match r {
        0 => 1,
        r => {
            r * (u64::from(ENROLLED.ilog2()) - u64::from(r.ilog2())) + u64::from(TREE_DEPTH)
                - u64::from(ENROLLED.ilog2())
        }
    }
}

fn sweep_header_update(
    c: &mut Criterion,
    plain: &PublicParams,
    tables: &PublicParams,
    out: &mut String,
) {
    let mut g = c.benchmark_group("sweep_header_update");
    g.plot_config(PlotConfiguration::default().summary_scale(AxisScale::Logarithmic));
    let mut rng = rng(5);
    let (header, _) = Header::encapsulate(&mut rng, tables, &and_policy(5), T).unwrap();
    let _ = writeln!(
        out,
        "\n## sweep_header_update: AND of 5, T = {T} -> T + d (header at T: {} bytes)",
        header.to_bytes().len()
    );
    for d in DISTANCES {
        let to = T + d;
        let moved = header.update(&mut rng, tables, to).unwrap();
        let _ = writeln!(
            out,
            "d = {d:>6}  header at T + d {:>7} bytes",
            moved.to_bytes().len()
        );
        for (line, pp) in [("tables", tables), ("plain", plain)] {
            g.bench_function(BenchmarkId::new(line, d), |b| {
                b.iter(|| header.update(&mut rng, pp, to).unwrap())
            });
        }
    }
    g.finish();
}

/// Prints the sizes collected by the sweeps and writes them to `target/criterion/sweeps.txt`.
fn write_report(s: &str) {
    eprint!("{s}");
    let dir = std::path::Path::new(
        &std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".to_owned()),
    )
    .join("criterion");
    if let Err(e) =
        std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(dir.join("sweeps.txt"), s))
    {
        eprintln!("could not write {}: {e}", dir.join("sweeps.txt").display());
    }
}

fn main() {
    let (mut authority, plain, tables) = setup();
    // 2 shared cores: short measurements, compare ratios within one run.
    let mut c = Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500))
        .configure_from_args();
    let mut out =
        format!("# rs-habe sweeps: sizes (D_t = {TIME_DEPTH}, tree depth {TREE_DEPTH})\n");
    sweep_encrypt(&mut c, &plain, &tables, &mut out);
    sweep_decrypt(&mut c, &mut authority, &tables);
    sweep_header_update(&mut c, &plain, &tables, &mut out);
    sweep_key_update(&mut c, &mut out);
    write_report(&out);
    c.final_summary();
}
