//! Interoperability checker for the Python bindings (run by `bindings/python/tests/test_interop.py`).
//!
//! `rs-habe-interop make DIR` makes one object of every kind in Rust and writes each as its
//! canonical bytes (`DIR/<name>.bin`); `rs-habe-interop check DIR` reads the same files made by
//! Python, checks that every object decodes and re-encodes to the very same bytes, and that the
//! envelopes and headers open, with every kind of opener, to the expected plaintext and keys.
//! `check` exits non-zero (naming the failed check) if anything differs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rs_habe::pre::{CapsuleFrag, DelegateeKey, DelegationRecord, KeyFrag, KeyPair, PublicKey};
use rs_habe::rand_core::OsRng;
use rs_habe::{
    AttributeSet, Authority, DecryptionKey, Delegator, Envelope, EnvelopeHeader, FreshnessGuard,
    Header, KeyUpdate, Opener, PartialDecryption, Policy, PublicParams, Recipient, RetrievalKey,
    SecretKey, SetupParams, TransformKey,
};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// The fixed scenario both sides follow (the Python side: `tests/test_interop.py`).
const POLICY: &str = "nurse and ward:3";
const SEAL_PERIOD: u64 = 2;
const MOVED_PERIOD: u64 = 5;
const AAD: &[u8] = b"interop";

fn setup_params(time_depth: u8, tree_depth: u8) -> SetupParams {
    SetupParams::new(time_depth, tree_depth)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> Res<()> {
    std::fs::write(dir.join(format!("{name}.bin")), bytes)?;
    Ok(())
}

fn read(dir: &Path, name: &str) -> Res<Vec<u8>> {
    let path = dir.join(format!("{name}.bin"));
    std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()).into())
}

fn make(dir: &Path) -> Res<()> {
    let rng = &mut OsRng;
    let mut authority = Authority::setup(rng, setup_params(6, 4))?;
    let pp = authority.public_params().clone();
    let sk = authority.enrol(rng, &AttributeSet::new(["nurse", "ward:3", "icu"])?)?;
    let ku = authority.key_update(rng, MOVED_PERIOD)?;
    let dk = sk.decryption_key(&ku)?;
    let owner = KeyPair::random(rng);
    let receiver = KeyPair::random(rng);
    let (kfrags, record) = owner.delegate(rng, &receiver.public_key(), 2, 3)?;
    let policy = Policy::parse(POLICY)?;
    let plaintext = b"made in Rust: blood pressure 120/80".to_vec();
    let envelope = Envelope::seal(
        rng,
        &pp,
        &[
            Recipient::Policy {
                policy: &policy,
                period: SEAL_PERIOD,
            },
            Recipient::Pre(&owner.public_key()),
        ],
        AAD,
        &plaintext,
    )?;
    let moved = envelope.update(rng, &pp, MOVED_PERIOD)?;
    let checked = record.check()?;
    let capsule = envelope
        .header()
        .capsules()
        .next()
        .ok_or("no capsule")?
        .verify(&owner.public_key())?;
    let mut cfrags = Vec::new();
    for k in &kfrags {
        let k = KeyFrag::from_bytes(&k.to_bytes())?.verify(&checked)?;
        cfrags.push(k.reencrypt(rng, &capsule)?);
    }
    let delegatee = checked.delegatee_key(&receiver)?;
    let (header, header_key) = Header::encapsulate(rng, &pp, &policy, SEAL_PERIOD)?;
    let (tk, rk) = dk.outsource(rng, &pp)?;
    let partial = moved.header().transform(&tk)?;
    let delegator = Delegator::new(rng, &dk, 3)?;
    let mut delegator = delegator;
    let child = delegator.enrol(rng, &pp, &AttributeSet::new(["nurse"])?)?;
    let child_ku = delegator.key_update(rng, &pp, &dk)?;
    let mut guard = FreshnessGuard::default();
    guard.check(&ku)?;

    write(dir, "authority", &authority.to_bytes())?;
    write(dir, "pp", &pp.to_bytes())?;
    write(dir, "sk", &sk.to_bytes())?;
    write(dir, "ku", &ku.to_bytes())?;
    write(dir, "dk", &dk.to_bytes())?;
    write(dir, "owner", &owner.to_bytes())?;
    write(dir, "owner_pk", &owner.public_key().to_bytes())?;
    write(dir, "receiver", &receiver.to_bytes())?;
    write(dir, "record", &record.to_bytes())?;
    for (i, k) in kfrags.iter().enumerate() {
        write(dir, &format!("kfrag{i}"), &k.to_bytes())?;
    }
    for (i, c) in cfrags.iter().enumerate() {
        write(dir, &format!("cfrag{i}"), &c.to_bytes())?;
    }
    write(dir, "capsule", &capsule.capsule().to_bytes())?;
    write(dir, "delegatee", &delegatee.to_bytes())?;
    write(dir, "envelope", &envelope.to_bytes())?;
    write(dir, "envelope_header", &envelope.header().to_bytes())?;
    write(dir, "moved", &moved.to_bytes())?;
    write(dir, "plaintext", &plaintext)?;
    write(dir, "header", &header.to_bytes())?;
    write(dir, "header_key", &header_key[..])?;
    write(dir, "tk", &tk.to_bytes())?;
    write(dir, "rk", &rk.to_bytes())?;
    write(dir, "partial", &partial.to_bytes())?;
    write(dir, "delegator", &delegator.to_bytes())?;
    write(dir, "child", &child.to_bytes())?;
    write(dir, "child_ku", &child_ku.to_bytes())?;
    write(dir, "guard", &guard.to_bytes())?;
    Ok(())
}

/// Decodes `DIR/name.bin` with `decode`, re-encodes with `encode`, requires identical bytes.
fn same<T>(
    dir: &Path,
    name: &str,
    decode: impl Fn(&[u8]) -> rs_habe::Result<T>,
    encode: impl Fn(&T) -> Vec<u8>,
) -> Res<T> {
    let bytes = read(dir, name)?;
    let obj = decode(&bytes).map_err(|e| format!("{name}: decoding failed: {e}"))?;
    if encode(&obj) != bytes {
        return Err(format!("{name}: re-encoding differs").into());
    }
    println!(
        "ok  {name}: decodes and re-encodes to the same {} bytes",
        bytes.len()
    );
    Ok(obj)
}

fn check(dir: &Path) -> Res<()> {
    let authority = same(dir, "authority", Authority::from_bytes, |a| {
        a.to_bytes().to_vec()
    })?;
    let pp = same(dir, "pp", PublicParams::from_bytes, PublicParams::to_bytes)?;
    if authority.public_params() != &pp {
        return Err("pp: not the authority's public parameters".into());
    }
    let sk = same(dir, "sk", SecretKey::from_bytes, |k| k.to_bytes().to_vec())?;
    let ku = same(dir, "ku", KeyUpdate::from_bytes, KeyUpdate::to_bytes)?;
    let dk = same(dir, "dk", DecryptionKey::from_bytes, |k| {
        k.to_bytes().to_vec()
    })?;
    let owner = same(dir, "owner", KeyPair::from_bytes, |k| k.to_bytes().to_vec())?;
    let owner_pk = same(dir, "owner_pk", PublicKey::from_bytes, PublicKey::to_bytes)?;
    let receiver = same(dir, "receiver", KeyPair::from_bytes, |k| {
        k.to_bytes().to_vec()
    })?;
    let record = same(
        dir,
        "record",
        DelegationRecord::from_bytes,
        DelegationRecord::to_bytes,
    )?;
    for i in 0..3 {
        same(dir, &format!("kfrag{i}"), KeyFrag::from_bytes, |k| {
            k.to_bytes().to_vec()
        })?;
    }
    let mut cfrags = Vec::new();
    for i in 0..3 {
        cfrags.push(same(
            dir,
            &format!("cfrag{i}"),
            CapsuleFrag::from_bytes,
            CapsuleFrag::to_bytes,
        )?);
    }
    let delegatee = same(dir, "delegatee", DelegateeKey::from_bytes, |k| {
        k.to_bytes().to_vec()
    })?;
    let envelope = same(dir, "envelope", Envelope::from_bytes, Envelope::to_bytes)?;
    let envelope_header = same(
        dir,
        "envelope_header",
        EnvelopeHeader::from_bytes,
        EnvelopeHeader::to_bytes,
    )?;
    let moved = same(dir, "moved", Envelope::from_bytes, Envelope::to_bytes)?;
    let header = same(dir, "header", Header::from_bytes, Header::to_bytes)?;
    let tk = same(dir, "tk", TransformKey::from_bytes, TransformKey::to_bytes)?;
    let rk = same(dir, "rk", RetrievalKey::from_bytes, |k| {
        k.to_bytes().to_vec()
    })?;
    let partial = same(
        dir,
        "partial",
        PartialDecryption::from_bytes,
        PartialDecryption::to_bytes,
    )?;
    let delegator = same(dir, "delegator", Delegator::from_bytes, |d| {
        d.to_bytes().to_vec()
    })?;
    let child = same(dir, "child", SecretKey::from_bytes, |k| {
        k.to_bytes().to_vec()
    })?;
    let child_ku = same(dir, "child_ku", KeyUpdate::from_bytes, KeyUpdate::to_bytes)?;
    let guard = same(
        dir,
        "guard",
        FreshnessGuard::from_bytes,
        FreshnessGuard::to_bytes,
    )?;
    let plaintext = read(dir, "plaintext")?;
    let header_key = read(dir, "header_key")?;

    let expect = |what: &str, ok: bool| -> Res<()> {
        if ok {
            println!("ok  {what}");
            Ok(())
        } else {
            Err(format!("FAILED: {what}").into())
        }
    };
    expect(
        "envelope header part is the envelope's header",
        envelope.header() == &envelope_header,
    )?;
    expect(
        "envelope opens with the decryption key",
        envelope.open(&dk, AAD)?[..] == plaintext[..],
    )?;
    expect(
        "moved envelope opens with the decryption key",
        moved.open(&dk, AAD)?[..] == plaintext[..],
    )?;
    expect(
        "moved envelope is at the moved period",
        moved
            .header()
            .policy_headers()
            .all(|h| h.period() == MOVED_PERIOD),
    )?;
    expect(
        "the secret key and the key update give a key for the update's period",
        sk.decryption_key(&ku)?.period() == ku.period() && dk.period() == ku.period(),
    )?;
    expect(
        "envelope opens with the owner's PRE key pair",
        envelope.open(&owner, AAD)?[..] == plaintext[..],
    )?;
    expect(
        "owner_pk is the owner's key",
        owner.public_key() == owner_pk,
    )?;
    let checked = record.check()?;
    let capsule = envelope
        .header()
        .capsules()
        .next()
        .ok_or("no capsule")?
        .verify(&owner_pk)?;
    let verified = cfrags
        .into_iter()
        .map(|c| c.verify(&capsule, &checked))
        .collect::<rs_habe::Result<Vec<_>>>()?;
    let key = checked.delegatee_key(&receiver)?;
    expect(
        "delegatee key is the receiver's",
        key.to_bytes() == delegatee.to_bytes(),
    )?;
    for pair in [[0, 1], [1, 2], [0, 2]] {
        let frags: Vec<_> = pair
            .iter()
            .filter_map(|&i| verified.get(i).cloned())
            .collect();
        let opener = Opener::PreDelegatee {
            key: &delegatee,
            fragments: &frags,
        };
        expect(
            &format!("delegatee opens the moved envelope with fragments {pair:?}"),
            moved.open(opener, AAD)?[..] == plaintext[..],
        )?;
    }
    expect(
        "header decapsulates to the header key",
        dk.decapsulate(&header)?[..] == header_key[..],
    )?;
    let opener = Opener::Outsourced {
        retrieval_key: &rk,
        partial: &partial,
    };
    expect(
        "outsourced opening (Python's partial, Rust's finish)",
        moved.open(opener, AAD)?[..] == plaintext[..],
    )?;
    let fresh = moved.header().transform(&tk)?;
    let opener = Opener::Outsourced {
        retrieval_key: &rk,
        partial: &fresh,
    };
    expect(
        "outsourced opening (Rust's partial)",
        moved.open(opener, AAD)?[..] == plaintext[..],
    )?;
    let child_dk = child.decryption_key(&child_ku)?;
    expect(
        "delegator's child key opens a nurse envelope",
        Envelope::seal(
            &mut OsRng,
            &pp,
            &[Recipient::Policy {
                policy: &Policy::parse("nurse")?,
                period: 1,
            }],
            b"",
            b"child",
        )?
        .open(&child_dk, b"")?[..]
            == b"child"[..],
    )?;
    expect(
        "delegator is the key holder",
        delegator.user_id() == dk.user_id(),
    )?;
    expect(
        "guard saw the key update",
        guard.newest(&ku.issuer_id()) == Some(ku.counter()),
    )?;
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (cmd, dir) = match (args.get(1), args.get(2)) {
        (Some(c), Some(d)) => (c.as_str(), PathBuf::from(d)),
        _ => {
            eprintln!("usage: rs-habe-interop (make|check) DIR");
            return ExitCode::from(2);
        }
    };
    let result = match cmd {
        "make" => make(&dir),
        "check" => check(&dir),
        _ => Err(format!("unknown command {cmd}").into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
