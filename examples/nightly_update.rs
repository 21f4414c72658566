//! The cloud's nightly job at scale: move N stored headers to the next period, streamed from a
//! reader to a writer in batches, and show that peak memory does not grow with N.
//!
//! Flow:
//! 1. Write N headers (length-prefixed records) to a temporary file. To keep the set-up fast the
//!    same header is written N times; the update gives every copy its own fresh randomness.
//! 2. Stream the file through `update_headers` in batches of 256 (parallel with the `parallel`
//!    feature), writing the updated records to a second file.
//! 3. Print throughput and the peak resident memory (`VmHWM` from `/proc/self/status`) after
//!    each tenth of the records: the figures stay flat.
//! 4. Spot-check that updated records still decrypt.
//!
//! Run: `cargo run --release --features parallel --example nightly_update -- 100000`
//! (N defaults to 10 000). Exits non-zero if an expectation fails.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::process::ExitCode;
use std::time::Instant;

use rand::rngs::OsRng;
use rs_habe::{update_headers, AttributeSet, Authority, Header, Policy, SetupParams};

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn read_record<R: Read>(r: &mut R, buf: &mut Vec<u8>) -> std::io::Result<bool> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(false),
        Err(e) => return Err(e),
    }
    buf.resize(u32::from_be_bytes(len) as usize, 0);
    r.read_exact(buf)?;
    Ok(true)
}

fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(10_000);
    let mut rng = OsRng;
    let mut authority = Authority::setup(&mut rng, SetupParams::default())?;
    let pp = authority.public_params().clone();
    pp.precompute();
    let t = pp.periods() - 2; // a late, even period: small headers, one derived row per update
    let policy = Policy::parse("doctor and cardiology")?;
    let (header, key) = Header::encapsulate(&mut rng, &pp, &policy, t)?;
    let bytes = header.to_bytes();
    println!(
        "1. Writing {n} stored headers of {} bytes (period {t}).",
        bytes.len()
    );

    let dir = std::env::temp_dir();
    let input = dir.join(format!("rs-habe-nightly-in-{}", std::process::id()));
    let output = dir.join(format!("rs-habe-nightly-out-{}", std::process::id()));
    {
        let mut w = BufWriter::new(File::create(&input)?);
        for _ in 0..n {
            w.write_all(&(bytes.len() as u32).to_be_bytes())?;
            w.write_all(&bytes)?;
        }
        w.flush()?;
    }
    println!(
        "   peak RSS after set-up: {} KiB",
        peak_rss_kib().unwrap_or(0)
    );

    println!(
        "2. Updating them to period {} in batches of 256, streamed.",
        t + 1
    );
    let start = Instant::now();
    let mut reader = BufReader::new(File::open(&input)?);
    let mut writer = BufWriter::new(File::create(&output)?);
    let mut buf = Vec::new();
    let mut batch = Vec::with_capacity(256);
    let mut done = 0usize;
    let mut next_report = n.div_ceil(10);
    let mut rss = Vec::new();
    loop {
        let more = read_record(&mut reader, &mut buf)?;
        if more {
            batch.push(Header::from_bytes(&buf)?);
        }
        if batch.len() == 256 || (!more && !batch.is_empty()) {
            update_headers(&mut rng, &pp, &mut batch, t + 1)?;
            for h in batch.drain(..) {
                let out = h.to_bytes();
                writer.write_all(&(out.len() as u32).to_be_bytes())?;
                writer.write_all(&out)?;
                done += 1;
            }
            if done >= next_report {
                let kib = peak_rss_kib().unwrap_or(0);
                println!("   {done:>8} headers, peak RSS {kib} KiB");
                rss.push(kib);
                next_report += n.div_ceil(10);
            }
        }
        if !more {
            break;
        }
    }
    writer.flush()?;
    let secs = start.elapsed().as_secs_f64();
    let threads = if cfg!(feature = "parallel") {
        std::thread::available_parallelism()?.get()
    } else {
        1
    };
    println!(
        "3. {done} headers in {secs:.1} s: {:.0} headers/s ({:.0} per second per thread, {threads} thread(s), \
         decode + update + encode)",
        done as f64 / secs,
        done as f64 / secs / threads as f64
    );

    println!("4. Spot-checking updated records.");
    let sk = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "cardiology"])?)?;
    let dk = sk.decryption_key(&authority.key_update(&mut rng, t + 1)?)?;
    let mut reader = BufReader::new(File::open(&output)?);
    let mut ok = done == n;
    for _ in 0..3 {
        if read_record(&mut reader, &mut buf)? {
            let h = Header::from_bytes(&buf)?;
            ok &= h.period() == t + 1 && *dk.decapsulate(&h)? == *key;
        }
    }
    std::fs::remove_file(&input)?;
    std::fs::remove_file(&output)?;
    let flat = match (rss.first(), rss.last()) {
        (Some(first), Some(last)) => *last <= first + first / 10,
        _ => true,
    };
    println!("   records decrypt after the update: {ok}; peak memory flat (within 10%): {flat}");
    Ok(if ok && flat {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
