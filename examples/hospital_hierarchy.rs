//! Delegation: a hospital and its departments issue their own keys, and revoking a department
//! head cuts off the whole department.
//!
//! Flow:
//! 1. The attribute authority runs setup (2^20 periods; a period is a day here).
//! 2. It enrols one user: St. Mary's hospital admin, holding every attribute of the hospital.
//!    The admin becomes an issuer (a `Delegator`) and enrols two department heads with subsets
//!    of its attributes; each head becomes an issuer and enrols its staff with subsets of its
//!    own. The authority is involved only once: no master secret below level 1.
//! 3. Every period, each issuer publishes one key update, from the top down: the authority's
//!    update lets the admin derive its decryption key for the period; from that key the admin
//!    derives the heads' update; from theirs, the heads derive their staff's update.
//! 4. Period 1: a cardiology record is sealed and stored in the cloud; the cardiology staff
//!    read it, oncology staff cannot. Dr. Adams makes a key for her tablet with `restrict`.
//! 5. Period 2: the cloud moves the stored records forward; everyone keeps reading.
//! 6. Period 3: the admin revokes the cardiology head. The head gets no key for period 3, so
//!    it cannot publish its department's update: every cardiology staff member goes dark —
//!    on records sealed in period 3 and on records the cloud moved to period 3. Oncology, under
//!    the same admin, keeps working.
//!
//! Sizes printed are `to_bytes().len()` of each object.
//!
//! Run: `cargo run --release --example hospital_hierarchy`. Exits non-zero if an expectation fails.

use std::process::ExitCode;
use std::time::Instant;

use rand::rngs::OsRng;
use rs_habe::{
    AttributeSet, Authority, DecryptionKey, Delegator, Envelope, Error, KeyUpdate, Policy,
    PublicParams, Recipient, SecretKey, SetupParams,
};

/// User-tree depth of every delegator: 2^10 children each.
const DELEGATOR_DEPTH: u8 = 10;

fn check(ok: bool, what: &str, failures: &mut u32) {
    if ok {
        println!("   ok: {what}");
    } else {
        println!("   FAILED: {what}");
        *failures += 1;
    }
}

/// `{a, b, c}` for an attribute set.
fn names(set: &AttributeSet) -> String {
    let list: Vec<&str> = set.iter().map(|a| a.as_str()).collect();
    format!("{{{}}}", list.join(", "))
}

fn describe_update(who: &str, update: &KeyUpdate) {
    println!(
        "   {who} publishes its key update for period {}: {} entr{}, {} bytes",
        update.period(),
        update.entry_count(),
        if update.entry_count() == 1 {
            "y"
        } else {
            "ies"
        },
        update.to_bytes().len()
    );
}

/// Whether `key` opens `envelope` and gets `expected`.
fn reads(envelope: &Envelope, key: &DecryptionKey, aad: &[u8], expected: &[u8]) -> bool {
    envelope
        .open(key, aad)
        .map(|p| p.as_slice() == expected)
        .unwrap_or(false)
}

fn seal(pp: &PublicParams, policy: &Policy, period: u64, aad: &[u8], body: &[u8]) -> Envelope {
    Envelope::seal(
        &mut OsRng,
        pp,
        &[Recipient::Policy { policy, period }],
        aad,
        body,
    )
    .expect("sealing with valid parameters")
}

/// The hospital's issuers and the staff's secret keys.
struct Hospital {
    authority: Authority,
    admin_sk: SecretKey,
    admin: Delegator,
    cardio_sk: SecretKey,
    cardio: Delegator,
    onco_sk: SecretKey,
    onco: Delegator,
    adams: SecretKey,
    baker: SecretKey,
    chen: SecretKey,
}

/// What one period's updates give each member (None: no key this period).
struct Keys {
    cardio_head: Option<DecryptionKey>,
    adams: Option<DecryptionKey>,
    baker: Option<DecryptionKey>,
    chen: Option<DecryptionKey>,
}

/// Every issuer publishes its update for `period`, top down, and every member derives its key.
fn publish(h: &Hospital, pp: &PublicParams, period: u64) -> Result<Keys, Error> {
    let mut rng = OsRng;
    let authority_update = h.authority.key_update(&mut rng, period)?;
    describe_update("the authority", &authority_update);
    let admin_dk = h.admin_sk.decryption_key(&authority_update)?;
    println!(
        "   -> the admin derives its decryption key: {} bytes",
        admin_dk.to_bytes().len()
    );
    let admin_update = h.admin.key_update(&mut rng, pp, &admin_dk)?;
    describe_update("St. Mary's admin", &admin_update);

    let onco_dk = h.onco_sk.decryption_key(&admin_update)?;
    let onco_update = h.onco.key_update(&mut rng, pp, &onco_dk)?;
    describe_update("the oncology head", &onco_update);
    let chen = h.chen.decryption_key(&onco_update)?;
    println!(
        "   -> decryption keys: oncology head {} bytes, Dr. Chen {} bytes",
        onco_dk.to_bytes().len(),
        chen.to_bytes().len()
    );

    let (cardio_head, adams, baker) = match h.cardio_sk.decryption_key(&admin_update) {
        Ok(cardio_dk) => {
            let cardio_update = h.cardio.key_update(&mut rng, pp, &cardio_dk)?;
            describe_update("the cardiology head", &cardio_update);
            let adams = h.adams.decryption_key(&cardio_update)?;
            let baker = h.baker.decryption_key(&cardio_update)?;
            (Some(cardio_dk), Some(adams), Some(baker))
        }
        Err(Error::Revoked) => {
            println!(
                "   the cardiology head is revoked: it gets no key for period {period} and \
                 publishes nothing"
            );
            (None, None, None)
        }
        Err(e) => return Err(e),
    };
    if let (Some(head), Some(adams)) = (&cardio_head, &adams) {
        println!(
            "   -> decryption keys: cardiology head {} bytes, Dr. Adams {} bytes, Nurse Baker {} \
             bytes",
            head.to_bytes().len(),
            adams.to_bytes().len(),
            baker.as_ref().map_or(0, |k| k.to_bytes().len())
        );
    }
    Ok(Keys {
        cardio_head,
        adams,
        baker,
        chen: Some(chen),
    })
}

fn main() -> Result<ExitCode, Error> {
    let mut rng = OsRng;
    let mut failures = 0;
    let started = Instant::now();

    println!("1. The attribute authority runs setup (2^20 periods, 2^20 users).");
    let mut authority = Authority::setup(&mut rng, SetupParams::default())?;
    let pp = authority.public_params().clone();
    println!("   public parameters: {} bytes", pp.to_bytes().len());

    println!("2. The hierarchy is built once, top down.");
    let admin_set = AttributeSet::new(["cardiology", "doctor", "nurse", "on-call", "oncology"])?;
    let admin_sk = authority.enrol(&mut rng, &admin_set)?;
    println!(
        "   the authority enrols St. Mary's admin {}: secret key {} bytes ({} path nodes)",
        names(&admin_set),
        admin_sk.to_bytes().len(),
        SetupParams::default().tree_depth + 1
    );
    // A delegator is created from any of its holder's decryption keys (only the holder and the
    // attribute set are taken from it).
    let admin_dk0 = admin_sk.decryption_key(&authority.key_update(&mut rng, 0)?)?;
    let mut admin = Delegator::new(&mut rng, &admin_dk0, DELEGATOR_DEPTH)?;
    let cardio_set = AttributeSet::new(["cardiology", "doctor", "nurse", "on-call"])?;
    let onco_set = AttributeSet::new(["doctor", "nurse", "on-call", "oncology"])?;
    let cardio_sk = admin.enrol(&mut rng, &pp, &cardio_set)?;
    let onco_sk = admin.enrol(&mut rng, &pp, &onco_set)?;
    println!(
        "   the admin enrols the cardiology head {} and the oncology head {}: secret keys {} \
         bytes ({} path nodes)",
        names(&cardio_set),
        names(&onco_set),
        cardio_sk.to_bytes().len(),
        DELEGATOR_DEPTH + 1
    );
    let refused = admin.enrol(&mut rng, &pp, &AttributeSet::new(["radiology"])?);
    check(
        matches!(&refused, Err(Error::NotASubset(extra)) if extra.len() == 1),
        "the admin cannot hand out an attribute it does not hold (radiology: NotASubset)",
        &mut failures,
    );
    let admin_update0 = admin.key_update(&mut rng, &pp, &admin_dk0)?;
    let mut cardio = Delegator::new(
        &mut rng,
        &cardio_sk.decryption_key(&admin_update0)?,
        DELEGATOR_DEPTH,
    )?;
    let mut onco = Delegator::new(
        &mut rng,
        &onco_sk.decryption_key(&admin_update0)?,
        DELEGATOR_DEPTH,
    )?;
    let adams = cardio.enrol(
        &mut rng,
        &pp,
        &AttributeSet::new(["cardiology", "doctor", "on-call"])?,
    )?;
    let baker = cardio.enrol(&mut rng, &pp, &AttributeSet::new(["cardiology", "nurse"])?)?;
    let chen = onco.enrol(&mut rng, &pp, &AttributeSet::new(["doctor", "oncology"])?)?;
    println!(
        "   the cardiology head enrols Dr. Adams {} and Nurse Baker {}; the oncology head \
         enrols Dr. Chen {}",
        names(adams.attributes()),
        names(baker.attributes()),
        names(chen.attributes())
    );
    println!(
        "   staff secret keys: {} bytes (Dr. Adams), {} bytes (Nurse Baker)",
        adams.to_bytes().len(),
        baker.to_bytes().len()
    );
    let mut h = Hospital {
        authority,
        admin_sk,
        admin,
        cardio_sk,
        cardio,
        onco_sk,
        onco,
        adams,
        baker,
        chen,
    };

    println!("3. Period 1: each issuer publishes its update, top down.");
    let k1 = publish(&h, &pp, 1)?;

    println!("4. A cardiology record and an oncology record are sealed in period 1.");
    let cardio_policy = Policy::parse("cardiology and (doctor or nurse)")?;
    let onco_policy = Policy::parse("oncology and doctor")?;
    let cardio_aad = b"record P-0042/echo";
    let onco_aad = b"record P-0077/biopsy";
    let cardio_record = b"{\"patient\":\"P-0042\",\"echo\":\"EF 55%, mild MR\"}".as_slice();
    let onco_record = b"{\"patient\":\"P-0077\",\"biopsy\":\"benign\"}".as_slice();
    let mut cardio_stored = seal(&pp, &cardio_policy, 1, cardio_aad, cardio_record).to_bytes();
    let mut onco_stored = seal(&pp, &onco_policy, 1, onco_aad, onco_record).to_bytes();
    println!("   cardiology policy: {cardio_policy}; oncology policy: {onco_policy}");
    let stored = Envelope::from_bytes(&cardio_stored)?;
    let (adams1, baker1, chen1) = (
        k1.adams.expect("period 1"),
        k1.baker.expect("period 1"),
        k1.chen.expect("period 1"),
    );
    check(
        reads(&stored, &adams1, cardio_aad, cardio_record),
        "Dr. Adams reads the cardiology record",
        &mut failures,
    );
    check(
        reads(&stored, &baker1, cardio_aad, cardio_record),
        "Nurse Baker reads the cardiology record",
        &mut failures,
    );
    check(
        matches!(
            stored.open(&chen1, cardio_aad),
            Err(Error::PolicyNotSatisfied)
        ),
        "Dr. Chen (oncology) cannot (PolicyNotSatisfied)",
        &mut failures,
    );
    check(
        reads(
            &Envelope::from_bytes(&onco_stored)?,
            &chen1,
            onco_aad,
            onco_record,
        ),
        "Dr. Chen reads the oncology record",
        &mut failures,
    );

    println!("   Dr. Adams makes a key for her tablet: her period-1 key restricted to cardiology, doctor.");
    let tablet = adams1.restrict(&mut rng, &pp, &AttributeSet::new(["cardiology", "doctor"])?)?;
    println!(
        "   tablet key: {} bytes (her own: {} bytes), period {}",
        tablet.to_bytes().len(),
        adams1.to_bytes().len(),
        tablet.period()
    );
    check(
        reads(&stored, &tablet, cardio_aad, cardio_record),
        "the tablet reads the cardiology record",
        &mut failures,
    );
    let on_call_note = seal(
        &pp,
        &Policy::parse("on-call and cardiology")?,
        1,
        b"",
        b"pager note",
    );
    check(
        reads(&on_call_note, &adams1, b"", b"pager note"),
        "Dr. Adams reads an on-call note",
        &mut failures,
    );
    check(
        matches!(
            on_call_note.open(&tablet, b""),
            Err(Error::PolicyNotSatisfied)
        ),
        "the tablet, without on-call, cannot (PolicyNotSatisfied)",
        &mut failures,
    );

    println!("5. Period 2: new updates; the cloud moves the stored records to period 2.");
    let k2 = publish(&h, &pp, 2)?;
    cardio_stored = Envelope::from_bytes(&cardio_stored)?
        .update(&mut rng, &pp, 2)?
        .to_bytes();
    onco_stored = Envelope::from_bytes(&onco_stored)?
        .update(&mut rng, &pp, 2)?
        .to_bytes();
    let adams2 = k2.adams.expect("period 2");
    let baker2 = k2.baker.expect("period 2");
    let head2 = k2.cardio_head.expect("period 2");
    let stored = Envelope::from_bytes(&cardio_stored)?;
    check(
        reads(&stored, &adams2, cardio_aad, cardio_record),
        "Dr. Adams reads the moved record with her period-2 key",
        &mut failures,
    );
    check(
        matches!(
            stored.open(&adams1, cardio_aad),
            Err(Error::PeriodNotCovered)
        ),
        "her period-1 key does not open the period-2 copy (PeriodNotCovered)",
        &mut failures,
    );

    println!("6. Period 3: the admin revokes the cardiology head from period 3.");
    let head_id = h.cardio_sk.user_id();
    h.admin.revoke(&head_id, 3)?;
    let k3 = publish(&h, &pp, 3)?;
    check(
        k3.cardio_head.is_none() && k3.adams.is_none() && k3.baker.is_none(),
        "the head gets no key for period 3 (Revoked), so its staff get none either",
        &mut failures,
    );
    // All the head can still derive comes from its period-2 key: an update for period 2.
    let stale = h.cardio.key_update(&mut rng, &pp, &head2)?;
    println!(
        "   the head's old key only yields an update for period {} — useless for period 3",
        stale.period()
    );
    cardio_stored = Envelope::from_bytes(&cardio_stored)?
        .update(&mut rng, &pp, 3)?
        .to_bytes();
    onco_stored = Envelope::from_bytes(&onco_stored)?
        .update(&mut rng, &pp, 3)?
        .to_bytes();
    let moved = Envelope::from_bytes(&cardio_stored)?;
    let fresh = seal(
        &pp,
        &cardio_policy,
        3,
        cardio_aad,
        b"{\"patient\":\"P-0042\",\"echo\":\"post-op\"}",
    );
    let adams_stale = h.adams.decryption_key(&stale)?;
    for (what, env) in [
        ("the record the cloud moved to period 3", &moved),
        ("a record sealed in period 3", &fresh),
    ] {
        for (who, key) in [
            ("Dr. Adams (period-2 key)", &adams2),
            ("Nurse Baker (period-2 key)", &baker2),
            ("Dr. Adams (from the head's stale update)", &adams_stale),
        ] {
            check(
                matches!(env.open(key, cardio_aad), Err(Error::PeriodNotCovered)),
                &format!("{who} cannot open {what} (PeriodNotCovered)"),
                &mut failures,
            );
        }
    }
    let chen3 = k3.chen.expect("oncology is not revoked");
    let onco_fresh = seal(
        &pp,
        &onco_policy,
        3,
        onco_aad,
        b"{\"patient\":\"P-0077\",\"scan\":\"clear\"}",
    );
    check(
        reads(
            &Envelope::from_bytes(&onco_stored)?,
            &chen3,
            onco_aad,
            onco_record,
        ),
        "Dr. Chen (oncology) reads the record the cloud moved to period 3",
        &mut failures,
    );
    check(
        reads(
            &onco_fresh,
            &chen3,
            onco_aad,
            b"{\"patient\":\"P-0077\",\"scan\":\"clear\"}",
        ),
        "Dr. Chen reads a record sealed in period 3",
        &mut failures,
    );

    println!("\nDone in {:.2} s.", started.elapsed().as_secs_f64());
    if failures == 0 {
        println!("All expectations held.");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{failures} expectation(s) failed.");
        Ok(ExitCode::FAILURE)
    }
}
