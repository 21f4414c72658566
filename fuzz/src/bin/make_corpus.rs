//! Writes the committed seed corpus: real encodings of every object (seeded RNG, so the output
//! is reproducible) and a few hand-made malformed variants, into `seeds/<target>/`.
//!
//! Run from `fuzz/`: `cargo run --release --bin make_corpus [OUT_DIR]` (default `seeds`).
//! The directories are cleared first; the files are named after what they hold.

use std::fs;
use std::path::{Path, PathBuf};

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rs_habe::pre::{encapsulate, KeyPair};
use rs_habe::{
    AttributeSet, Authority, Delegator, Envelope, FreshnessGuard, Header, Policy, Recipient,
    SetupParams,
};
use rs_habe_fuzz::{fixture, FIXTURE_AAD, FIXTURE_PERIOD, TARGETS};

struct Out {
    root: PathBuf,
    total: usize,
}

impl Out {
    fn put(&mut self, target: &str, name: &str, bytes: &[u8]) {
        let dir = self.root.join(target);
        fs::create_dir_all(&dir).expect("mkdir");
        fs::write(dir.join(name), bytes).expect("write");
        self.total += bytes.len();
    }

    /// A valid encoding and its malformed variants: empty, truncated by one byte, a trailing
    /// byte, bad magic, another version, another object type, and one flipped bit in the body.
    fn object(&mut self, target: &str, name: &str, bytes: &[u8]) {
        self.put(target, &format!("{name}.bin"), bytes);
        self.put(target, "bad-empty", b"");
        self.put(target, "bad-magic-only", b"RSHB");
        let n = bytes.len();
        self.put(target, &format!("bad-{name}-truncated"), &bytes[..n - 1]);
        self.put(target, &format!("bad-{name}-half"), &bytes[..n / 2]);
        let mut trailing = bytes.to_vec();
        trailing.push(0);
        self.put(target, &format!("bad-{name}-trailing"), &trailing);
        for (what, pos, mask) in [("magic", 0, 0x20), ("version", 4, 0x01), ("type", 5, 0x7f)] {
            let mut b = bytes.to_vec();
            b[pos] ^= mask;
            self.put(target, &format!("bad-{name}-{what}"), &b);
        }
        let mut b = bytes.to_vec();
        b[n * 2 / 3] ^= 0x04;
        self.put(target, &format!("bad-{name}-bitflip"), &b);
    }
}

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "seeds".into()));
    for (t, _) in TARGETS {
        let _ = fs::remove_dir_all(root.join(t));
    }
    let mut out = Out { root, total: 0 };
    let mut rng = ChaCha20Rng::seed_from_u64(0xc0ffee);
    let set = |a: &[&str]| AttributeSet::new(a.iter().copied()).expect("attributes");

    // Policies: valid texts in every shape, and malformed ones.
    let policies: &[(&str, &str)] = &[
        ("leaf", "doctor"),
        ("and", "doctor and cardiology"),
        ("or", "doctor or nurse or \"on call\""),
        ("threshold", "2 OF (a, b, \"and\")"),
        (
            "nested",
            "doctor and (cardiology or 2 of (nurse, ward:3, on-call))",
        ),
        ("deep", "a and (b or (c and (d or (e and f))))"),
        ("parens", "((x))"),
        ("one-of", "1 of (x)"),
        ("number-attr", "3 and 4"),
        ("escapes", "\"a\\\"b\" or \"c\\\\d\" or \"\u{e9}t\u{e9}\""),
        ("repeat", "a or (b and a) or 2 of (a, b, c)"),
        ("bad-mixed", "a and b or c"),
        ("bad-threshold-zero", "0 of (a, b)"),
        ("bad-threshold-big", "3 of (a, b)"),
        ("bad-unterminated", "a and \"b"),
        ("bad-escape", "\"a\\n\""),
        ("bad-empty-parens", "a and ()"),
        ("bad-keyword", "and"),
        ("bad-trailing", "a b"),
        (
            "bad-deep",
            "((((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))))))",
        ),
        ("bad-empty", ""),
        ("bad-comma", "2 of (a,, b)"),
        ("bad-huge-k", "99999999999999999999 of (a, b)"),
    ];
    for (name, text) in policies {
        out.put("policy_parse", name, text.as_bytes());
    }

    // The scheme: an authority (time depth 4), users, a delegator and its child.
    let mut authority = Authority::setup(
        &mut rng,
        SetupParams::new(4, 2),
    )
    .expect("setup");
    let pp = authority.public_params().clone();
    out.object("decode_public_params", "pp-depth4", &pp.to_bytes());
    let pp1 = Authority::setup(
        &mut rng,
        SetupParams::new(1, 1),
    )
    .expect("setup")
    .public_params()
    .to_bytes();
    out.object("decode_public_params", "pp-depth1", &pp1);

    out.object("decode_authority", "authority-fresh", &authority.to_bytes());
    let alice = authority
        .enrol(&mut rng, &set(&["doctor", "cardiology", "ward:3"]))
        .expect("enrol");
    let bob = authority.enrol(&mut rng, &set(&["nurse"])).expect("enrol");
    authority.revoke(&bob.user_id(), 3).expect("revoke");
    out.object(
        "decode_authority",
        "authority-enrolled-revoked",
        &authority.to_bytes(),
    );
    out.object("decode_secret_key", "sk-alice", &alice.to_bytes());
    out.object("decode_secret_key", "sk-bob", &bob.to_bytes());

    let ku1 = authority.key_update(&mut rng, 1).expect("key update");
    let ku5 = authority.key_update(&mut rng, 5).expect("key update");
    out.object("decode_key_update", "ku-period1", &ku1.to_bytes());
    out.object("decode_key_update", "ku-period5-revoked", &ku5.to_bytes());

    let dk = alice.decryption_key(&ku5).expect("dk");
    out.object("decode_decryption_key", "dk-alice-p5", &dk.to_bytes());
    let dk_r = dk
        .restrict(&mut rng, &pp, &set(&["doctor"]))
        .expect("restrict");
    out.object("decode_decryption_key", "dk-restricted", &dk_r.to_bytes());

    let mut delegator = Delegator::new(&mut rng, &dk, 2).expect("delegator");
    out.object("decode_delegator", "delegator-fresh", &delegator.to_bytes());
    let child = delegator
        .enrol(&mut rng, &pp, &set(&["doctor", "ward:3"]))
        .expect("child");
    let child2 = delegator
        .enrol(&mut rng, &pp, &set(&["cardiology"]))
        .expect("child");
    delegator.revoke(&child2.user_id(), 6).expect("revoke");
    out.object(
        "decode_delegator",
        "delegator-enrolled-revoked",
        &delegator.to_bytes(),
    );
    out.object("decode_secret_key", "sk-child", &child.to_bytes());
    let dku = delegator.key_update(&mut rng, &pp, &dk).expect("ku");
    out.object("decode_key_update", "ku-delegator", &dku.to_bytes());
    let mut guard = FreshnessGuard::default();
    out.object("decode_freshness_guard", "guard-empty", &guard.to_bytes());
    guard.check(&ku5).expect("fresh");
    guard.check(&dku).expect("fresh");
    out.object(
        "decode_freshness_guard",
        "guard-two-issuers",
        &guard.to_bytes(),
    );
    let dk_child = child.decryption_key(&dku).expect("child dk");
    out.object("decode_decryption_key", "dk-child", &dk_child.to_bytes());

    // Headers (time depth 4, so they are also `header_update` seeds), and one of depth 1.
    for (i, (text, period)) in [
        ("doctor", 0u64),
        ("doctor and cardiology", 5),
        ("2 of (doctor, nurse, ward:3)", 9),
        ("a or (b and c) or \"d e\"", 15),
        // Repeated attributes: three occurrence layers (m = 3, abe-v2.md §7).
        ("2 of (a, a, b) and (a or c)", 6),
    ]
    .into_iter()
    .enumerate()
    {
        let policy = Policy::parse(text).expect("policy");
        let (h, _key) = Header::encapsulate(&mut rng, &pp, &policy, period).expect("encap");
        out.object(
            "decode_header",
            &format!("header{i}-p{period}"),
            &h.to_bytes(),
        );
        out.put(
            "header_update",
            &format!("header{i}-p{period}"),
            &h.to_bytes(),
        );
        if period < 15 {
            let u = h.update(&mut rng, &pp, period + 3).expect("update");
            let name = format!("header{i}-updated-p{}", period + 3);
            out.put("decode_header", &name, &u.to_bytes());
            out.put("header_update", &name, &u.to_bytes());
        }
    }
    let pp1 = rs_habe::PublicParams::from_bytes(&pp1).expect("pp1");
    let (h1, _) =
        Header::encapsulate(&mut rng, &pp1, &Policy::parse("x").expect("p"), 1).expect("encap");
    out.object("decode_header", "header-depth1", &h1.to_bytes());
    out.put("header_update", "header-depth1", &h1.to_bytes());

    // Proxy re-encryption.
    let owner = KeyPair::random(&mut rng);
    let receiver = KeyPair::random(&mut rng);
    out.object(
        "decode_pre_public_key",
        "pk",
        &owner.public_key().to_bytes(),
    );
    out.object("decode_pre_key_pair", "keypair", &owner.to_bytes());
    let (capsule, _key) = encapsulate(&mut rng, &owner.public_key()).expect("capsule");
    out.object("decode_pre_capsule", "capsule", &capsule.to_bytes());
    let (kfrags, record) = owner
        .delegate(&mut rng, &receiver.public_key(), 2, 3)
        .expect("delegate");
    out.object("decode_pre_key_frag", "kfrag1-of-3", &kfrags[0].to_bytes());
    out.object("decode_pre_key_frag", "kfrag3-of-3", &kfrags[2].to_bytes());
    out.object(
        "decode_pre_delegation_record",
        "record-2-of-3",
        &record.to_bytes(),
    );
    let (_, record1) = owner
        .delegate(&mut rng, &receiver.public_key(), 1, 1)
        .expect("delegate");
    out.object(
        "decode_pre_delegation_record",
        "record-1-of-1",
        &record1.to_bytes(),
    );
    let record = record.check().expect("check");
    out.object(
        "decode_pre_delegatee_key",
        "delegatee-key",
        &record.delegatee_key(&receiver).expect("delegatee key").to_bytes(),
    );
    let capsule = capsule.verify(&owner.public_key()).expect("capsule proof");
    let proxy = kfrags
        .into_iter()
        .nth(1)
        .expect("kfrag 2")
        .verify(&record)
        .expect("kfrag check");
    let cfrag = proxy.reencrypt(&mut rng, &capsule).expect("reencrypt");
    out.object("decode_pre_capsule_frag", "cfrag2", &cfrag.to_bytes());

    // Envelopes: policy + PRE recipients, PRE only, two policies; short and two-chunk payloads.
    let policy = Policy::parse("doctor and cardiology").expect("policy");
    let policy2 = Policy::parse("nurse or ward:3").expect("policy");
    let owner_pk = owner.public_key();
    let p = |policy| Recipient::Policy { policy, period: 4 };
    let envelopes = [
        (
            "env-policy-pre",
            vec![p(&policy), Recipient::Pre(&owner_pk)],
            40usize,
        ),
        ("env-pre-only", vec![Recipient::Pre(&owner_pk)], 0),
        ("env-two-policies", vec![p(&policy), p(&policy2)], 200),
        ("env-two-chunks", vec![p(&policy)], 64 * 1024 + 10),
    ];
    for (name, recipients, len) in envelopes {
        let pt: Vec<u8> = (0..len).map(|i| i as u8).collect();
        let env = Envelope::seal(&mut rng, &pp, &recipients, b"aad", &pt).expect("seal");
        if len < 1000 {
            out.object("decode_envelope", name, &env.to_bytes());
        } else {
            out.put("decode_envelope", &format!("{name}.bin"), &env.to_bytes());
        }
        out.object("decode_envelope_header", name, &env.header().to_bytes());
    }

    // envelope_open: mode byte, then as described in `envelope_open_input`.
    let fx = fixture();
    let mut whole = vec![0u8];
    whole.extend_from_slice(&fx.small);
    out.put("envelope_open", "whole-small", &whole);
    let mut whole = vec![4u8];
    whole.extend_from_slice(&fx.large);
    out.put("envelope_open", "whole-large", &whole);
    out.put("envelope_open", "patch-small-none", &[1]);
    out.put("envelope_open", "patch-large-none", &[2]);
    // Flip a bit of the envelope id, of the recipient count, and of the last payload byte.
    out.put("envelope_open", "patch-small-id", &[1, 6, 0, 0, 1]);
    out.put("envelope_open", "patch-small-count", &[1, 32, 0, 0, 1]);
    let last = fx.large.len() - 1;
    let [a, b, c, _] = (last as u32).to_le_bytes();
    out.put("envelope_open", "patch-large-tag", &[2, a, b, c, 0x80]);
    let cut = fx.small.len() - 16;
    let [a, b, c, _] = (cut as u32).to_le_bytes();
    out.put("envelope_open", "splice-small-cut-tag", &[3, a, b, c]);
    out.put(
        "envelope_open",
        "splice-small-trailing",
        &[3, 255, 255, 255, 0],
    );
    // An envelope of another setup: must fail to open.
    let mut other = vec![0u8];
    let env = Envelope::seal(
        &mut rng,
        &pp,
        &[Recipient::Policy {
            policy: &policy,
            period: FIXTURE_PERIOD,
        }],
        FIXTURE_AAD,
        b"other",
    )
    .expect("seal");
    other.extend_from_slice(&env.to_bytes());
    out.put("envelope_open", "whole-other-setup", &other);

    // Outsourced decryption (last, so that the RNG stream of the seeds above is unchanged).
    let (tk, rk) = dk.outsource(&mut rng, &pp).expect("outsource");
    out.object("decode_transform_key", "tk-alice-p5", &tk.to_bytes());
    out.object("decode_retrieval_key", "rk-alice-p5", &rk.to_bytes());
    let (tk_child, _) = dk_child.outsource(&mut rng, &pp).expect("outsource");
    out.object("decode_transform_key", "tk-child", &tk_child.to_bytes());
    let (h, _) = Header::encapsulate(&mut rng, &pp, &policy, 4).expect("encap");
    let partial = tk.transform(&h).expect("transform");
    out.object("decode_partial_decryption", "partial", &partial.to_bytes());

    println!(
        "wrote {} bytes of seeds under {}",
        out.total,
        Path::new(&out.root).display()
    );
}
