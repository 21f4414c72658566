//! End to end: a hospital shares a patient's record through an untrusted cloud.
//!
//! Flow:
//! 1. The hospital's attribute authority runs setup (a period is a day here).
//! 2. It enrols two doctors in cardiology and a nurse on ward 3.
//! 3. A patient's record is sealed for `(doctor and cardiology) or (nurse and ward:3)` in period 1
//!    and stored in the cloud.
//! 4. Dr. Adams reads it with her key for period 1.
//! 5. In period 3 Dr. Baker is revoked; the authority publishes the period-3 key update.
//! 6. The cloud updates the stored record to period 3 (public parameters only; the payload is
//!    untouched) and deletes the old copy.
//! 7. Dr. Baker can open neither the updated record nor a new one sealed in period 3; Dr. Adams
//!    and the nurse open both.
//!
//! Run: `cargo run --release --example ehr_sharing`. Exits non-zero if an expectation fails.

use std::process::ExitCode;
use std::time::Instant;

use rand::rngs::OsRng;
use rs_habe::{AttributeSet, Authority, Envelope, Error, Policy, Recipient, SetupParams};

fn check(ok: bool, what: &str, failures: &mut u32) {
    if ok {
        println!("   ok: {what}");
    } else {
        println!("   FAILED: {what}");
        *failures += 1;
    }
}

fn main() -> Result<ExitCode, Error> {
    let mut rng = OsRng;
    let mut failures = 0;

    println!("1. The hospital's attribute authority runs setup (2^20 periods, 2^20 users).");
    let t = Instant::now();
    let mut authority = Authority::setup(&mut rng, SetupParams::default())?;
    let pp = authority.public_params().clone();
    println!(
        "   public parameters: {} bytes ({:.1} ms)",
        pp.to_bytes().len(),
        t.elapsed().as_secs_f64() * 1e3
    );

    println!("2. It enrols staff by attributes, not by name.");
    let adams = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "cardiology"])?)?;
    let baker = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "cardiology"])?)?;
    let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse", "ward:3"])?)?;
    println!("   Dr. Adams, Dr. Baker: doctor, cardiology; the nurse: nurse, ward:3");
    println!("   secret key size: {} bytes each", adams.to_bytes().len());

    println!("3. A patient's record is sealed in period 1 and stored in the cloud.");
    let record = format!(
        "{{\"patient\":\"P-0042\",\"name\":\"Jane Roe\",\"ecg\":[{}],\"notes\":\"sinus rhythm, follow up in 3 months\"}}",
        (0..400).map(|i| ((i * 37) % 100).to_string()).collect::<Vec<_>>().join(",")
    );
    let policy = Policy::parse("(doctor and cardiology) or (nurse and ward:3)")?;
    let aad = b"record P-0042/ecg";
    let envelope = Envelope::seal(
        &mut rng,
        &pp,
        &[Recipient::Policy {
            policy: &policy,
            period: 1,
        }],
        aad,
        record.as_bytes(),
    )?;
    let mut cloud = envelope.to_bytes();
    println!("   policy: {policy}");
    println!(
        "   record: {} bytes, stored envelope: {} bytes",
        record.len(),
        cloud.len()
    );

    println!("4. Dr. Adams reads it with her key for period 1.");
    let update1 = authority.key_update(&mut rng, 1)?;
    let adams_dk1 = adams.decryption_key(&update1)?;
    let opened = Envelope::from_bytes(&cloud)?.open(&adams_dk1, aad)?;
    check(
        opened.as_slice() == record.as_bytes(),
        "Dr. Adams reads the record in period 1",
        &mut failures,
    );
    let baker_dk1 = baker.decryption_key(&update1)?;

    println!("5. Period 3: Dr. Baker leaves cardiology and is revoked; the authority publishes the update.");
    authority.revoke(&baker.user_id(), 3)?;
    let update3 = authority.key_update(&mut rng, 3)?;
    println!(
        "   key update for period 3: {} entries, {} bytes",
        update3.entry_count(),
        update3.to_bytes().len()
    );
    let baker3 = baker.decryption_key(&update3);
    check(
        matches!(baker3, Err(Error::Revoked)),
        "Dr. Baker gets no key for period 3 (Revoked)",
        &mut failures,
    );

    println!("6. The cloud moves the stored record to period 3 and deletes the old copy.");
    let old_len = cloud.len();
    let updated = Envelope::from_bytes(&cloud)?.update(&mut rng, &pp, 3)?;
    check(
        updated.payload() == envelope.payload(),
        "the payload bytes are untouched",
        &mut failures,
    );
    cloud = updated.to_bytes();
    println!("   envelope {old_len} -> {} bytes", cloud.len());

    println!("7. Who can read what now?");
    let stored = Envelope::from_bytes(&cloud)?;
    let new_record = b"{\"patient\":\"P-0042\",\"note\":\"new ECG after revocation\"}";
    let fresh = Envelope::seal(
        &mut rng,
        &pp,
        &[Recipient::Policy {
            policy: &policy,
            period: 3,
        }],
        aad,
        new_record,
    )?;
    check(
        matches!(stored.open(&baker_dk1, aad), Err(Error::PeriodNotCovered)),
        "Dr. Baker's old key (period 1) fails on the updated record",
        &mut failures,
    );
    check(
        matches!(fresh.open(&baker_dk1, aad), Err(Error::PeriodNotCovered)),
        "Dr. Baker's old key fails on a record sealed in period 3",
        &mut failures,
    );
    let adams_dk3 = adams.decryption_key(&update3)?;
    check(
        stored
            .open(&adams_dk3, aad)
            .map(|p| p.as_slice() == record.as_bytes())
            .unwrap_or(false),
        "Dr. Adams reads the updated record in period 3",
        &mut failures,
    );
    check(
        fresh
            .open(&adams_dk3, aad)
            .map(|p| p.as_slice() == new_record)
            .unwrap_or(false),
        "Dr. Adams reads the new record",
        &mut failures,
    );
    let nurse_dk3 = nurse.decryption_key(&update3)?;
    check(
        stored
            .open(&nurse_dk3, aad)
            .map(|p| p.as_slice() == record.as_bytes())
            .unwrap_or(false),
        "the ward-3 nurse reads the updated record",
        &mut failures,
    );
    check(
        matches!(
            stored.open(&adams_dk3, b"another record"),
            Err(Error::Decryption)
        ),
        "the record does not open under another record's associated data",
        &mut failures,
    );

    if failures == 0 {
        println!("\nAll expectations held.");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("\n{failures} expectation(s) failed.");
        Ok(ExitCode::FAILURE)
    }
}
