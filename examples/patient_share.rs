//! A patient shares a lab report with an outside specialist through proxies.
//!
//! Flow:
//! 1. The hospital's attribute authority runs setup and enrols a cardiologist by attributes.
//! 2. The patient makes her own proxy re-encryption (PRE) key pair.
//! 3. Her lab report is sealed once, for the cardiology team's policy *and* for her own PRE key,
//!    and stored in the cloud. The cardiologist and the patient both read it.
//! 4. Later she wants a second opinion from a specialist at another clinic, who has no
//!    attributes in this hospital's system — only a PRE key pair. She delegates to him, 2 of 3:
//!    one secret key fragment (kfrag) to each of three proxies, and the public verification
//!    keys to the specialist (authentically: signed, or handed over in person).
//! 5. The proxies re-encrypt the record's capsule (48 bytes; never the record itself) into
//!    capsule fragments (cfrags) with a proof of honest work. Proxy 2 cheats: it replays a
//!    fragment it computed for another record, relabelled as this one.
//! 6. The specialist verifies every fragment: proxy 2's proof fails (`InvalidProof`). One
//!    honest fragment is not enough (`NotEnoughFragments`); with proxies 1 and 3 he opens the
//!    record.
//!
//! None of the proxies or the cloud ever sees the report or a key that opens it.
//!
//! Run: `cargo run --release --example patient_share`. Exits non-zero if an expectation fails.

use std::process::ExitCode;
use std::time::Instant;

use rand::rngs::OsRng;
use rs_habe::pre::{CapsuleFrag, KeyFrag, KeyPair, VerificationKeys, VerifiedCapsuleFrag};
use rs_habe::{AttributeSet, Authority, Envelope, Error, Opener, Policy, Recipient, SetupParams};

/// Where the capsule's point `E` sits in an encoded capsule fragment: after the 6-byte prefix,
/// the 16-byte delegation id and the 4-byte index (see `CapsuleFrag::to_bytes`).
const CFRAG_E: std::ops::Range<usize> = 26..74;

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
    let (kfrags, vks) = patient.delegate(&mut rng, &specialist.public_key(), 2, 3)?;
    println!("   delegation made in {}", ms(t));
    // Over the wire: each kfrag to its proxy (secret, over a confidential channel), the
    // verification keys to the specialist (public, but must be authentic).
    let kfrag_bytes: Vec<_> = kfrags.iter().map(|k| k.to_bytes()).collect();
    let vks_bytes = vks.to_bytes();
    println!(
        "   kfrag: {} bytes per proxy; verification keys: {} bytes",
        kfrag_bytes.first().map_or(0, |k| k.len()),
        vks_bytes.len()
    );
    check(
        matches!(stored.open(&specialist, aad), Err(Error::Decryption)),
        "without the proxies the specialist's key alone opens nothing (Decryption)",
        &mut failures,
    );

    println!("5. The proxies fetch the capsule from the cloud and re-encrypt it.");
    let proxies: Vec<KeyFrag> = kfrag_bytes
        .iter()
        .map(|b| KeyFrag::from_bytes(b))
        .collect::<Result<_, _>>()?;
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
                .ok_or(Error::NoMatchingRecipient)?;
            bytes = proxy.reencrypt(&mut rng, old_capsule)?.to_bytes();
            if let (Some(dst), Some(src)) = (
                bytes.get_mut(CFRAG_E),
                capsule.to_bytes().get(6..).map(<[u8]>::to_vec),
            ) {
                dst.copy_from_slice(&src);
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

    println!("6. The specialist verifies each fragment against the verification keys.");
    let vks = VerificationKeys::from_bytes(&vks_bytes)?;
    let mut verified: Vec<VerifiedCapsuleFrag> = Vec::new();
    for (i, bytes) in replies.iter().enumerate() {
        let t = Instant::now();
        let result = CapsuleFrag::from_bytes(bytes)?.verify(&capsule, &vks);
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

    let stored = Envelope::from_bytes(&cloud)?;
    let one = stored.open(
        Opener::PreDelegatee {
            receiver: &specialist,
            fragments: verified.get(..1).unwrap_or(&[]),
            verification_keys: &vks,
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
            receiver: &specialist,
            fragments: &verified,
            verification_keys: &vks,
        },
        aad,
    );
    let took = ms(t);
    check(
        opened.is_ok_and(|p| p.as_slice() == report.as_bytes()),
        &format!("with proxies 1 and 3 the specialist reads the report (combine + open: {took})"),
        &mut failures,
    );
    let intruder = KeyPair::random(&mut rng);
    check(
        matches!(
            stored.open(
                Opener::PreDelegatee {
                    receiver: &intruder,
                    fragments: &verified,
                    verification_keys: &vks,
                },
                aad,
            ),
            Err(Error::FragmentMismatch)
        ),
        "someone who intercepts the fragments cannot use them (FragmentMismatch)",
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
