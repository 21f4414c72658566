//! A patient shares a lab report with an outside specialist through proxies.
//!
//! Flow:
//! 1. The hospital's attribute authority runs setup and enrols a cardiologist by attributes.
//! 2. The patient makes her own proxy re-encryption (PRE) key pair.
//! 3. Her lab report is sealed once, for the cardiology team's policy *and* for her own PRE key,
//!    and stored in the cloud. The cardiologist and the patient both read it.
//! 4. Later she wants a second opinion from a specialist at another clinic, who has no
//!    attributes in this hospital's system — only a PRE key pair. She delegates to him, 2 of 3:
//!    one secret key fragment (kfrag) to each of three proxies, and the public delegation record
//!    to the specialist and the proxies (authentically: signed, or handed over in person).
//!    Everyone checks the record against both public keys; a copy whose receiver was swapped
//!    in transit is refused (`InvalidDelegation(ReceiverKey)`). Each proxy checks its kfrag
//!    against the record.
//! 5. The proxies check the record's capsule (its proof of knowledge, against the patient's
//!    key) and re-encrypt it (134 bytes; never the record itself) into capsule fragments
//!    (cfrags) with a proof of honest work. Proxy 2 cheats: it replays a fragment it computed
//!    for another record, relabelled as this one.
//! 6. The specialist verifies every fragment: proxy 2's proof fails (`InvalidProof`). One
//!    honest fragment is not enough (`NotEnoughFragments`); with proxies 1 and 3 he opens the
//!    record with his delegatee key.
//!
//! None of the proxies or the cloud ever sees the report or a key that opens it.
//!
//! Run: `cargo run --release --example patient_share`. Exits non-zero if an expectation fails.

use std::process::ExitCode;
use std::time::Instant;

use rand::rngs::OsRng;
use rs_habe::pre::{
    CapsuleFrag, DelegationRecord, KeyFrag, KeyPair, VerifiedCapsuleFrag, VerifiedKeyFrag,
};
use rs_habe::{
    AttributeSet, Authority, DelegationCheck, Envelope, Error, Opener, Policy, Recipient,
    SetupParams,
};

/// Where the capsule's point `E` sits in an encoded capsule fragment: after the 6-byte prefix,
/// the 16-byte delegation id and the 4-byte index (see `CapsuleFrag::to_bytes`).
const CFRAG_E: std::ops::Range<usize> = 26..74;
/// Where the receiver's public key sits in an encoded delegation record: after the prefix (6),
/// id (16), t and n (4 + 4) and the owner's key (144) (see `DelegationRecord::to_bytes`).
const RECORD_RECEIVER: std::ops::Range<usize> = 174..318;

fn check(ok: bool, what: &str, failures: &mut u32) {
    if ok {
        println!("   ok: {what}");
    } else {
        println!("   FAILED: {what}");
        *failures += 1;
    }
}

fn ms(t: Instant) -> String {
    format!("{:.2} ms", t.elapsed().as_secs_f64() * 1e3)
}

fn main() -> Result<ExitCode, Error> {
    let mut rng = OsRng;
    let mut failures = 0;

    println!("1. The hospital's authority runs setup and enrols a cardiologist by attributes.");
    let t = Instant::now();
    let mut authority = Authority::setup(&mut rng, SetupParams::default())?;
    let pp = authority.public_params().clone();
    let cardiologist = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "cardiology"])?)?;
    let cardiologist_dk = cardiologist.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    println!("   setup, enrolment and a period-1 key: {}", ms(t));

    println!("2. The patient makes her PRE key pair; only the public key leaves her phone.");
    let t = Instant::now();
    let patient = KeyPair::random(&mut rng);
    let patient_pk = patient.public_key();
    println!(
        "   public key: {} bytes ({})",
        patient_pk.to_bytes().len(),
        ms(t)
    );

    println!("3. Her lab report is sealed for the cardiology team and for herself.");
    let report = format!(
        "{{\"patient\":\"P-0042\",\"test\":\"lipid panel\",\"ldl\":3.1,\"hdl\":1.4,\
         \"troponin\":\"<14 ng/L\",\"series\":[{}]}}",
        (0..300)
            .map(|i| ((i * 53) % 97).to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    let policy = Policy::parse("doctor and cardiology")?;
    let aad = b"record P-0042/lab/2026-11-24";
    let t = Instant::now();
    let envelope = Envelope::seal(
        &mut rng,
        &pp,
        &[
            Recipient::Policy {
                policy: &policy,
                period: 1,
            },
            Recipient::Pre(&patient_pk),
        ],
        aad,
        report.as_bytes(),
    )?;
    let sealed_in = ms(t);
    let cloud = envelope.to_bytes();
    let capsule = *envelope
        .header()
        .capsules()
        .next()
        .ok_or(Error::NoMatchingRecipient)?;
    println!(
        "   report {} bytes -> stored envelope {} bytes ({sealed_in}); its PRE capsule: {} bytes",
        report.len(),
        cloud.len(),
        capsule.to_bytes().len()
    );

    let stored = Envelope::from_bytes(&cloud)?;
    let t = Instant::now();
    let by_cardiologist = stored.open(&cardiologist_dk, aad);
    let cardio_ms = ms(t);
    check(
        by_cardiologist.is_ok_and(|p| p.as_slice() == report.as_bytes()),
        &format!("the cardiologist reads it with her attribute key ({cardio_ms})"),
        &mut failures,
    );
    let t = Instant::now();
    let by_patient = stored.open(&patient, aad);
    let own_ms = ms(t);
    check(
        by_patient.is_ok_and(|p| p.as_slice() == report.as_bytes()),
        &format!("the patient reads it with her own key pair ({own_ms})"),
        &mut failures,
    );

    println!("4. She delegates to an outside specialist, 2 of 3 proxies.");
    let specialist = KeyPair::random(&mut rng); // his clinic's key; not in the hospital's system
    let t = Instant::now();
    let (kfrags, record) = patient.delegate(&mut rng, &specialist.public_key(), 2, 3)?;
    println!("   delegation made in {}", ms(t));
    // Over the wire: each kfrag to its proxy (secret, over a confidential channel), the record
    // to the specialist and the proxies (public, but must be authentic).
    let kfrag_bytes: Vec<_> = kfrags.iter().map(|k| k.to_bytes()).collect();
    let record_bytes = record.to_bytes();
    println!(
        "   kfrag: {} bytes per proxy; delegation record: {} bytes",
        kfrag_bytes.first().map_or(0, |k| k.len()),
        record_bytes.len()
    );
    check(
        matches!(stored.open(&specialist, aad), Err(Error::Decryption)),
        "without the proxies the specialist's key alone opens nothing (Decryption)",
        &mut failures,
    );
    // A copy of the record whose receiver was swapped in transit for an intruder's key.
    let intruder = KeyPair::random(&mut rng);
    let mut forged = record_bytes.clone();
    if let (Some(dst), Some(src)) = (
        forged.get_mut(RECORD_RECEIVER),
        intruder.public_key().to_bytes().get(6..),
    ) {
        dst.copy_from_slice(src);
    }
    let forged_check = DelegationRecord::from_bytes(&forged)?.check();
    check(
        matches!(
            forged_check,
            Err(Error::InvalidDelegation(DelegationCheck::ReceiverKey))
        ),
        "a record relabelled for an intruder is refused (InvalidDelegation(ReceiverKey))",
        &mut failures,
    );
    let t = Instant::now();
    let record = DelegationRecord::from_bytes(&record_bytes)?.check()?;
    println!("   the genuine record decodes and checks ({})", ms(t));

    println!("5. The proxies check their kfrag and the capsule, then re-encrypt it.");
    let proxies: Vec<VerifiedKeyFrag> = kfrag_bytes
        .iter()
        .map(|b| KeyFrag::from_bytes(b)?.verify(&record))
        .collect::<Result<_, _>>()?;
    // Each proxy checks the capsule's proof against the owner the record names (never against a
    // key that comes with the request).
    let capsule = capsule.verify(&record.record().owner())?;
    let mut replies: Vec<Vec<u8>> = Vec::new();
    for (i, proxy) in proxies.iter().enumerate() {
        let t = Instant::now();
        let cfrag = proxy.reencrypt(&mut rng, &capsule)?;
        let took = ms(t);
        let mut bytes = cfrag.to_bytes();
        if i == 1 {
            // Proxy 2 cheats: it skips the work and replays the fragment it made for another
            // of the patient's records yesterday, relabelled with today's capsule.
            let yesterday = Envelope::seal(
                &mut rng,
                &pp,
                &[Recipient::Pre(&patient_pk)],
                b"record P-0042/lab/2026-11-23",
                b"yesterday's report",
            )?;
            let old_capsule = yesterday
                .header()
                .capsules()
                .next()
                .ok_or(Error::NoMatchingRecipient)?
                .verify(&patient_pk)?;
            bytes = proxy.reencrypt(&mut rng, &old_capsule)?.to_bytes();
            if let (Some(dst), Some(src)) = (
                bytes.get_mut(CFRAG_E),
                capsule.capsule().to_bytes().get(6..54),
            ) {
                dst.copy_from_slice(src);
            }
            println!("   proxy 2: replays an old fragment relabelled as this record's");
        } else {
            println!(
                "   proxy {}: cfrag of {} bytes with its proof ({took})",
                i + 1,
                bytes.len()
            );
        }
        replies.push(bytes);
    }

    println!("6. The specialist verifies each fragment against the checked record.");
    let mut verified: Vec<VerifiedCapsuleFrag> = Vec::new();
    for (i, bytes) in replies.iter().enumerate() {
        let t = Instant::now();
        let result = CapsuleFrag::from_bytes(bytes)?.verify(&capsule, &record);
        let took = ms(t);
        match (i, result) {
            (1, Err(Error::InvalidProof)) => check(
                true,
                &format!("proxy 2 is caught: its proof does not verify (InvalidProof, {took})"),
                &mut failures,
            ),
            (1, other) => check(
                false,
                &format!(
                    "proxy 2 should fail with InvalidProof, got {:?}",
                    other.err()
                ),
                &mut failures,
            ),
            (_, Ok(v)) => {
                check(
                    true,
                    &format!("proxy {}'s fragment verifies ({took})", i + 1),
                    &mut failures,
                );
                verified.push(v);
            }
            (_, Err(e)) => check(
                false,
                &format!("proxy {} should verify, got {e:?}", i + 1),
                &mut failures,
            ),
        }
    }

    // The specialist's delegatee key, once per delegation.
    let key = record.delegatee_key(&specialist)?;
    let stored = Envelope::from_bytes(&cloud)?;
    let one = stored.open(
        Opener::PreDelegatee {
            key: &key,
            fragments: verified.get(..1).unwrap_or(&[]),
        },
        aad,
    );
    check(
        matches!(one, Err(Error::NotEnoughFragments)),
        "one honest fragment is not enough (NotEnoughFragments)",
        &mut failures,
    );
    let t = Instant::now();
    let opened = stored.open(
        Opener::PreDelegatee {
            key: &key,
            fragments: &verified,
        },
        aad,
    );
    let took = ms(t);
    check(
        opened.is_ok_and(|p| p.as_slice() == report.as_bytes()),
        &format!("with proxies 1 and 3 the specialist reads the report (combine + open: {took})"),
        &mut failures,
    );
    check(
        matches!(
            record.delegatee_key(&intruder),
            Err(Error::ReceiverMismatch)
        ),
        "someone who intercepts the record and fragments gets no delegatee key (ReceiverMismatch)",
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
