//! Fuzz targets of the decoders and of two whole-flow invariants — **not API**.
//!
//! Hidden from the documentation, compiled only with the `fuzzing` cargo feature (which implies
//! `std`), and free to change in any release without notice: do not depend on it. It is public
//! only so that the repository's cargo-fuzz crate (`fuzz/`, which depends on this crate with
//! `features = ["fuzzing"]`) and the crate's own `tests/fuzz_replay.rs` (which replays the
//! committed seed corpus under plain `cargo test --all-features`) run the very same code.
//!
//! One `pub fn NAME(data: &[u8])` per target, each asserting its invariant: a failed assertion or
//! any panic is a finding, so this module, unlike the rest of the library, panics on purpose
//! (the crate's `unwrap_used` / `expect_used` / `panic` / `indexing_slicing` denials are lifted
//! here). It needs `std` only for [`std::sync::OnceLock`] (the fixture is built once per
//! process); everything else is `core` + `alloc`. The invariants are listed in `fuzz/README.md`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;
use std::sync::OnceLock;

use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;

use crate::encoding::{self, Decode, Encode};
use crate::pre::{
    Capsule, CapsuleFrag, DelegateeKey, DelegationRecord, KeyFrag, KeyPair, PublicKey,
};
use crate::{
    AttributeSet, Authority, DecryptionKey, Delegator, Envelope, EnvelopeHeader, FreshnessGuard,
    Header, KeyUpdate, PartialDecryption, Policy, PublicParams, Recipient, RetrievalKey, SecretKey,
    SetupParams, TransformKey,
};

/// A target function.
pub type Target = fn(&[u8]);

/// Every target, by name (the names of the repository's `fuzz/fuzz_targets/*.rs` and
/// `fuzz/seeds/*/`).
pub const TARGETS: &[(&str, Target)] = &[
    ("policy_parse", policy_parse),
    ("decode_public_params", decode_public_params),
    ("decode_authority", decode_authority),
    ("decode_secret_key", decode_secret_key),
    ("decode_key_update", decode_key_update),
    ("decode_freshness_guard", decode_freshness_guard),
    ("decode_decryption_key", decode_decryption_key),
    ("decode_header", decode_header),
    ("decode_delegator", decode_delegator),
    ("decode_envelope", decode_envelope),
    ("decode_envelope_header", decode_envelope_header),
    ("decode_transform_key", decode_transform_key),
    ("decode_partial_decryption", decode_partial_decryption),
    ("decode_retrieval_key", decode_retrieval_key),
    ("decode_pre_public_key", decode_pre_public_key),
    ("decode_pre_key_pair", decode_pre_key_pair),
    ("decode_pre_capsule", decode_pre_capsule),
    ("decode_pre_key_frag", decode_pre_key_frag),
    ("decode_pre_delegation_record", decode_pre_delegation_record),
    ("decode_pre_delegatee_key", decode_pre_delegatee_key),
    ("decode_pre_capsule_frag", decode_pre_capsule_frag),
    ("envelope_open", envelope_open),
    ("header_update", header_update),
];

// ---------------------------------------------------------------------------------------------
// Policy text

/// `Policy::parse` never panics; a parsed policy's canonical text re-parses to the same policy
/// and is a fixed point of parse-then-display.
pub fn policy_parse(data: &[u8]) {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    let Ok(p) = Policy::parse(text) else {
        return;
    };
    let shown = p.to_string();
    let q = match Policy::parse(&shown) {
        Ok(q) => q,
        Err(e) => panic!("canonical text {shown:?} of {text:?} does not re-parse: {e:?}"),
    };
    assert!(
        p == q,
        "parse(display(p)) != p for {text:?} (display {shown:?})"
    );
    assert_eq!(
        q.to_string(),
        shown,
        "display is not idempotent for {text:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Decoders: never panic; a decoded value re-encodes to exactly the input (strict, canonical
// decoding), and encode → decode → encode is byte-identical.

/// The decoder invariant of one object type, through the crate's encoding driver (which every
/// object's `from_bytes` / `to_bytes` calls): `from_bytes::<T>` never panics; whatever it accepts
/// has `encoded_len` equal to the input's length and re-encodes, through `to_bytes` and through
/// `to_secret_bytes` alike, to exactly the input; that encoding decodes again, to a value whose
/// encoding is the same. Returns the decoded value.
fn roundtrip<T: Encode + Decode>(data: &[u8]) -> Option<T> {
    let name = core::any::type_name::<T>();
    let v = encoding::from_bytes::<T>(data).ok()?;
    assert_eq!(
        v.encoded_len(),
        data.len(),
        "{name}: encoded_len is not exact"
    );
    let enc = encoding::to_bytes(&v);
    assert!(
        enc == data,
        "{name}: accepted a non-canonical encoding ({} bytes in, {} bytes re-encoded)",
        data.len(),
        enc.len()
    );
    let secret = encoding::to_secret_bytes(&v);
    assert!(
        secret[..] == enc[..],
        "{name}: to_secret_bytes differs from to_bytes"
    );
    let w = match encoding::from_bytes::<T>(&enc) {
        Ok(w) => w,
        Err(e) => panic!("{name}: own encoding does not decode: {e:?}"),
    };
    assert!(
        encoding::to_bytes(&w) == enc,
        "{name}: re-encoding is not stable"
    );
    Some(v)
}

macro_rules! decode_target {
    ($(#[$doc:meta])* $name:ident, $ty:ty) => {
        $(#[$doc])*
        pub fn $name(data: &[u8]) {
            roundtrip::<$ty>(data);
        }
    };
}

decode_target!(
    /// `PublicParams::from_bytes`.
    decode_public_params,
    PublicParams
);
decode_target!(
    /// `Authority::from_bytes`.
    decode_authority,
    Authority
);
decode_target!(
    /// `SecretKey::from_bytes`.
    decode_secret_key,
    SecretKey
);
decode_target!(
    /// `KeyUpdate::from_bytes`.
    decode_key_update,
    KeyUpdate
);
decode_target!(
    /// `FreshnessGuard::from_bytes`.
    decode_freshness_guard,
    FreshnessGuard
);
decode_target!(
    /// `TransformKey::from_bytes`.
    decode_transform_key,
    TransformKey
);
decode_target!(
    /// `PartialDecryption::from_bytes`.
    decode_partial_decryption,
    PartialDecryption
);
decode_target!(
    /// `RetrievalKey::from_bytes`.
    decode_retrieval_key,
    RetrievalKey
);
decode_target!(
    /// `DecryptionKey::from_bytes`.
    decode_decryption_key,
    DecryptionKey
);
decode_target!(
    /// `Header::from_bytes`.
    decode_header,
    Header
);
decode_target!(
    /// `Delegator::from_bytes`.
    decode_delegator,
    Delegator
);
decode_target!(
    /// `Envelope::from_bytes` (header part strict, the rest is the payload).
    decode_envelope,
    Envelope
);
decode_target!(
    /// `EnvelopeHeader::from_bytes`.
    decode_envelope_header,
    EnvelopeHeader
);
decode_target!(
    /// `pre::PublicKey::from_bytes`.
    decode_pre_public_key,
    PublicKey
);
decode_target!(
    /// `pre::KeyPair::from_bytes`.
    decode_pre_key_pair,
    KeyPair
);
decode_target!(
    /// `pre::Capsule::from_bytes`.
    decode_pre_capsule,
    Capsule
);
decode_target!(
    /// `pre::KeyFrag::from_bytes`.
    decode_pre_key_frag,
    KeyFrag
);
/// `pre::DelegationRecord::from_bytes` (the decoder invariant), then `check()` on whatever
/// decodes: the checks of scheme.md §10 v2 must refuse or accept, never panic.
pub fn decode_pre_delegation_record(data: &[u8]) {
    if let Some(record) = roundtrip::<DelegationRecord>(data) {
        let _ = record.check();
    }
}
decode_target!(
    /// `pre::DelegateeKey::from_bytes`.
    decode_pre_delegatee_key,
    DelegateeKey
);
decode_target!(
    /// `pre::CapsuleFrag::from_bytes`.
    decode_pre_capsule_frag,
    CapsuleFrag
);

// ---------------------------------------------------------------------------------------------
// A fixed valid setup, built once per process.

/// Time depth of the fixed setup (16 periods).
pub const FIXTURE_TIME_DEPTH: u8 = 4;
/// The policy both fixture envelopes are sealed to.
pub const FIXTURE_POLICY: &str = "doctor and (cardiology or 2 of (nurse, ward:3, on-call))";
/// The period the fixture envelopes are sealed for.
pub const FIXTURE_PERIOD: u64 = 2;
/// The caller's associated data of the fixture envelopes.
pub const FIXTURE_AAD: &[u8] = b"rs-habe fuzz fixture";
/// The small fixture envelope's plaintext (one STREAM chunk).
pub const SMALL_PLAINTEXT: &[u8] = b"patient 0042: ECG normal, follow-up in 6 months";
/// Length of the large fixture plaintext: one full 64 KiB STREAM chunk and a partial one.
pub const LARGE_PLAINTEXT_LEN: usize = 64 * 1024 + 300;

/// The fixed setup shared by `envelope_open` and `header_update` (and the corpus generator).
pub struct Fixture {
    /// Public parameters (time depth [`FIXTURE_TIME_DEPTH`]).
    pub pp: PublicParams,
    /// A decryption key, for period [`FIXTURE_PERIOD`], that satisfies [`FIXTURE_POLICY`].
    pub dk: DecryptionKey,
    /// The large plaintext (deterministic bytes).
    pub large_plaintext: Vec<u8>,
    /// Encoding of an envelope of [`SMALL_PLAINTEXT`] (a policy and a PRE recipient).
    pub small: Vec<u8>,
    /// Encoding of an envelope of `large_plaintext` (policy recipient only).
    pub large: Vec<u8>,
}

fn build_fixture() -> Fixture {
    let mut rng = ChaCha20Rng::seed_from_u64(0x5eed_f022);
    let mut authority =
        Authority::setup(&mut rng, SetupParams::new(FIXTURE_TIME_DEPTH, 2)).expect("setup");
    let attrs = AttributeSet::new(["doctor", "cardiology", "ward:3"]).expect("attributes");
    let sk = authority.enrol(&mut rng, &attrs).expect("enrol");
    let update = authority
        .key_update(&mut rng, FIXTURE_PERIOD)
        .expect("key update");
    let dk = sk.decryption_key(&update).expect("decryption key");
    let pp = authority.public_params().clone();
    let policy = Policy::parse(FIXTURE_POLICY).expect("policy");
    let owner = KeyPair::random(&mut rng);
    let owner_pk = owner.public_key();
    let by_policy = Recipient::Policy {
        policy: &policy,
        period: FIXTURE_PERIOD,
    };
    let small = Envelope::seal(
        &mut rng,
        &pp,
        &[by_policy, Recipient::Pre(&owner_pk)],
        FIXTURE_AAD,
        SMALL_PLAINTEXT,
    )
    .expect("seal small")
    .to_bytes();
    let large_plaintext: Vec<u8> = (0..LARGE_PLAINTEXT_LEN)
        .map(|i| (i.wrapping_mul(31) ^ (i >> 8)) as u8)
        .collect();
    let large = Envelope::seal(&mut rng, &pp, &[by_policy], FIXTURE_AAD, &large_plaintext)
        .expect("seal large")
        .to_bytes();
    Fixture {
        pp,
        dk,
        large_plaintext,
        small,
        large,
    }
}

/// The fixed setup (built on first use, deterministic).
pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(build_fixture)
}

/// Reads a little-endian 24-bit number from the front of `data`.
fn take_u24(data: &mut &[u8]) -> Option<usize> {
    let d: &[u8] = data;
    match d {
        [a, b, c, rest @ ..] => {
            let (a, b, c) = (*a, *b, *c);
            *data = rest;
            Some(usize::from(a) | usize::from(b) << 8 | usize::from(c) << 16)
        }
        _ => None,
    }
}

/// Builds the envelope bytes `envelope_open` works on, and the plaintexts it may legitimately
/// yield. The first input byte picks the mode (mod 4):
///
/// - 0: the rest of the input is the whole envelope;
/// - 1: XOR patches `(u24 position, u8 mask)*` applied to the small fixture envelope;
/// - 2: the same on the large (two-chunk) fixture envelope;
/// - 3: splice: the small fixture envelope cut at `u24 position`, then the rest of the input.
pub fn envelope_open_input(data: &[u8]) -> Option<(Vec<u8>, Vec<&'static [u8]>)> {
    let fx = fixture();
    let small_pt: &'static [u8] = SMALL_PLAINTEXT;
    let large_pt: &'static [u8] = &fx.large_plaintext;
    let (&mode, mut rest) = data.split_first()?;
    match mode % 4 {
        0 => Some((rest.to_vec(), vec![small_pt, large_pt])),
        1 | 2 => {
            let (mut bytes, pt) = if mode % 4 == 1 {
                (fx.small.clone(), small_pt)
            } else {
                (fx.large.clone(), large_pt)
            };
            let len = bytes.len();
            while let Some(pos) = take_u24(&mut rest) {
                let Some((&mask, tail)) = rest.split_first() else {
                    break;
                };
                rest = tail;
                if let Some(b) = bytes.get_mut(pos % len) {
                    *b ^= mask;
                }
            }
            Some((bytes, vec![pt]))
        }
        _ => {
            let cut = take_u24(&mut rest)? % (fx.small.len() + 1);
            let mut bytes = fx.small.get(..cut)?.to_vec();
            bytes.extend_from_slice(rest);
            Some((bytes, vec![small_pt]))
        }
    }
}

/// Opening a mutated fixture envelope (buffered and streamed, with the fixture's decryption
/// key) either fails or yields exactly an original plaintext — never other bytes. The two
/// openings agree; a failed streamed opening has written at most a prefix of the plaintext.
pub fn envelope_open(data: &[u8]) {
    let Some((bytes, plaintexts)) = envelope_open_input(data) else {
        return;
    };
    let dk = &fixture().dk;
    let is_original = |out: &[u8]| plaintexts.contains(&out);

    let buffered = Envelope::from_bytes(&bytes).and_then(|e| e.open(dk, FIXTURE_AAD));
    if let Ok(out) = &buffered {
        assert!(
            is_original(out),
            "Envelope::open returned {} bytes that are not the plaintext",
            out.len()
        );
    }

    let mut streamed = Vec::new();
    let r = Envelope::open_stream(dk, FIXTURE_AAD, &bytes[..], &mut streamed);
    match &r {
        Ok(n) => {
            assert_eq!(*n, streamed.len() as u64, "open_stream miscounted");
            assert!(
                is_original(&streamed),
                "Envelope::open_stream wrote {} bytes that are not the plaintext",
                streamed.len()
            );
        }
        Err(_) => assert!(
            plaintexts.iter().any(|p| p.starts_with(&streamed)),
            "a failed open_stream released {} bytes that are not a plaintext prefix",
            streamed.len()
        ),
    }
    assert_eq!(
        buffered.is_ok(),
        r.is_ok(),
        "open and open_stream disagree: {:?} vs {:?}",
        buffered.as_ref().err(),
        r.as_ref().err()
    );
}

// ---------------------------------------------------------------------------------------------
// Header update

/// A decoded header of the fixture's time depth can be updated (public parameters only) to any
/// later period without panicking; an updated header keeps its policy and period, re-decodes,
/// and re-encodes identically. Decapsulating any of them with the fixture key never panics.
pub fn header_update(data: &[u8]) {
    let Ok(h) = Header::from_bytes(data) else {
        return;
    };
    let fx = fixture();
    // Must not panic whatever the header (its rows are not bound to these parameters).
    let _ = fx.dk.decapsulate(&h);
    if h.time_depth() != fx.pp.time_depth() {
        assert!(
            h.update(&mut ChaCha20Rng::seed_from_u64(0), &fx.pp, h.period())
                .is_err(),
            "update accepted parameters of another time depth"
        );
        return;
    }
    let last = fx.pp.periods() - 1;
    assert!(
        h.period() <= last,
        "decoded a header whose period is out of range"
    );
    let mut targets = vec![h.period(), h.period().saturating_add(1), last];
    if let Some(&b) = data.last() {
        targets.push(h.period() + u64::from(b) % (last - h.period() + 1));
    }
    for period in targets {
        let mut rng = ChaCha20Rng::seed_from_u64(period);
        let Ok(u) = h.update(&mut rng, &fx.pp, period) else {
            continue;
        };
        assert!(
            period >= h.period() && period <= last,
            "update to bad period {period}"
        );
        assert_eq!(u.period(), period);
        assert_eq!(u.time_depth(), h.time_depth());
        assert!(u.policy() == h.policy(), "update changed the policy");
        let enc = u.to_bytes();
        assert_eq!(enc.len(), u.encoded_len(), "encoded_len is wrong");
        let v = match Header::from_bytes(&enc) {
            Ok(v) => v,
            Err(e) => panic!("updated header does not re-decode: {e:?}"),
        };
        assert!(v == u, "updated header decodes to another header");
        assert_eq!(v.to_bytes(), enc, "updated header re-encodes differently");
        if period == h.period() {
            assert!(u == h, "an update to the same period changed the header");
        }
        let _ = fx.dk.decapsulate(&u);
    }
    if last < u64::MAX {
        assert!(
            h.update(&mut ChaCha20Rng::seed_from_u64(1), &fx.pp, last + 1)
                .is_err(),
            "update accepted a period past the last"
        );
    }
}
