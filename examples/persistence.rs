//! Durable issuer state: an authority saves its state atomically after every change, and users
//! refuse key updates made from a stale copy.
//!
//! Flow:
//! 1. Set up an authority, enrol two nurses, save the state (temporary file, fsync, rename).
//! 2. Keep a backup copy of that state; revoke one nurse; save again.
//! 3. Restart from the saved state: every enrolment and the revocation survive.
//! 4. A user's `FreshnessGuard` accepts the restarted authority's update…
//! 5. …but refuses an update made by an authority restarted from the stale backup, which would
//!    have silently un-revoked the nurse.
//!
//! Run: `cargo run --release --example persistence`. Exits non-zero if an expectation fails.

use std::fs::{self, File};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use rand::rngs::OsRng;
use rs_habe::{AttributeSet, Authority, Error, FreshnessGuard, SetupParams};

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, fsync, rename,
/// fsync of the directory.
fn save_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent() {
        File::open(dir)?.sync_all()?;
    }
    Ok(())
}

fn check(ok: bool, what: &str, failures: &mut u32) {
    println!("   {}: {what}", if ok { "ok" } else { "FAILED" });
    *failures += u32::from(!ok);
}

fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let mut rng = OsRng;
    let mut failures = 0;
    let dir = std::env::temp_dir().join(format!("rs-habe-persistence-{}", std::process::id()));
    fs::create_dir_all(&dir)?;
    let state_path = dir.join("authority.state");

    println!("1. Setup, two nurses enrolled, state saved atomically.");
    let mut authority = Authority::setup(&mut rng, SetupParams::new(10, 8))?;
    let nurse_a = authority.enrol(&mut rng, &AttributeSet::new(["nurse", "ward:3"])?)?;
    let nurse_b = authority.enrol(&mut rng, &AttributeSet::new(["nurse", "ward:3"])?)?;
    save_atomically(&state_path, &authority.to_bytes())?;
    let backup = authority.to_bytes();
    println!(
        "   state: {} bytes, counter {}",
        backup.len(),
        authority.counter()
    );

    println!("2. Nurse B is revoked from period 5; the state is saved again.");
    authority.revoke(&nurse_b.user_id(), 5)?;
    save_atomically(&state_path, &authority.to_bytes())?;
    // Nurse A's device checks every update it uses and saves its guard the same way.
    let guard_path = dir.join("guard.bin");
    let mut guard = FreshnessGuard::default();
    guard.check(&authority.key_update(&mut rng, 5)?)?;
    save_atomically(&guard_path, &guard.to_bytes())?;
    drop(authority);
    drop(guard);

    println!("3. The authority restarts from its saved state.");
    let restarted = Authority::from_bytes(&fs::read(&state_path)?)?;
    check(
        restarted.enrolled_count() == 2,
        "both enrolments survived",
        &mut failures,
    );
    check(
        restarted.is_revoked(&nurse_b.user_id(), 5),
        "the revocation survived",
        &mut failures,
    );
    // The device restarts too: its guard comes back from disk.
    let mut guard = FreshnessGuard::from_bytes(&fs::read(&guard_path)?)?;
    let update = restarted.key_update(&mut rng, 6)?;
    check(
        guard.check(&update).is_ok(),
        "the user's guard accepts the restarted authority's update",
        &mut failures,
    );
    check(
        matches!(nurse_b.decryption_key(&update), Err(Error::Revoked)),
        "nurse B is still revoked",
        &mut failures,
    );
    check(
        nurse_a.decryption_key(&update).is_ok(),
        "nurse A still gets keys",
        &mut failures,
    );

    println!("4. Someone restarts the authority from the stale backup instead.");
    let stale = Authority::from_bytes(&backup)?;
    let stale_update = stale.key_update(&mut rng, 6)?;
    check(
        nurse_b.decryption_key(&stale_update).is_ok(),
        "(the stale update would un-revoke nurse B)",
        &mut failures,
    );
    check(
        matches!(guard.check(&stale_update), Err(Error::StaleKeyUpdate)),
        "the reloaded guard refuses the stale update (StaleKeyUpdate)",
        &mut failures,
    );

    fs::remove_dir_all(&dir)?;
    if failures == 0 {
        println!("\nAll expectations held.");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("\n{failures} expectation(s) failed.");
        Ok(ExitCode::FAILURE)
    }
}
