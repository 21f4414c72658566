//! Proxy re-encryption through envelopes (scheme.md §10, §11).
//!
//! A patient seals a record for a care-team policy *and* for her own PRE key. She opens it
//! herself, the care team opens it with a decryption key, and an outside specialist — who has no
//! attributes in the hospital's system — opens it with `t` verified fragments from `n` proxies.
//! Every failure mode of the delegated path ends in its exact typed error, never in a plaintext;
//! the cloud's update of the policy header leaves the PRE path working.
#![allow(missing_docs, clippy::unwrap_used, clippy::type_complexity)]

mod common;

use common::*;
use proptest::prelude::*;
use rand_chacha::ChaCha20Rng;
use rs_habe::pre::{
    Capsule, CapsuleFrag, CheckedRecord, DelegateeKey, KeyPair, VerifiedCapsule,
    VerifiedCapsuleFrag, VerifiedKeyFrag,
};
use rs_habe::{
    Authority, DecryptionKey, Envelope, Error, Opener, Policy, PublicParams, Recipient, SetupParams,
};

const AAD: &[u8] = b"record P-0042/lab";
const CARE_TEAM: &str = "(doctor and cardiology) or (nurse and ward:3)";
const THRESHOLDS: [(usize, usize); 3] = [(1, 1), (2, 3), (3, 5)];

/// Byte layout of an encoded `CapsuleFrag`: prefix (6) ‖ id (16) ‖ index (4) ‖ E (48) ‖
/// cfrag (48) ‖ c (16) ‖ z (32).
const CFRAG_INDEX: core::ops::Range<usize> = 22..26;
const CFRAG_E: core::ops::Range<usize> = 26..74;
const CFRAG_POINT: core::ops::Range<usize> = 74..122;
const CFRAG_C: core::ops::Range<usize> = 122..138;
const CFRAG_Z: core::ops::Range<usize> = 138..170;
/// Length of an encoded capsule: prefix (6) ‖ E (48) ‖ V (48) ‖ σ (32).
const CAPSULE_LEN: usize = 134;

/// One delegation as the specialist and the verifiers hold it: the checked record and the
/// specialist's delegatee key.
struct Delegation {
    record: CheckedRecord,
    key: DelegateeKey,
}

/// The hospital (authority, a care-team key for period 1), the patient and the specialist.
struct World {
    rng: ChaCha20Rng,
    authority: Authority,
    pp: PublicParams,
    policy: Policy,
    cardiologist: DecryptionKey,
    patient: KeyPair,
    specialist: KeyPair,
}

fn world(seed: u64) -> World {
    let mut rng = rng(seed);
    let mut authority = Authority::setup(&mut rng, SetupParams::new(8, 4)).unwrap();
    let pp = authority.public_params().clone();
    let sk = authority
        .enrol(&mut rng, &set(&["doctor", "cardiology"]))
        .unwrap();
    let cardiologist = sk
        .decryption_key(&authority.key_update(&mut rng, 1).unwrap())
        .unwrap();
    let patient = KeyPair::random(&mut rng);
    let specialist = KeyPair::random(&mut rng);
    World {
        rng,
        authority,
        pp,
        policy: parse(CARE_TEAM),
        cardiologist,
        patient,
        specialist,
    }
}

impl World {
    /// An envelope for the care team (period 1) and the patient's PRE key.
    fn seal(&mut self, plaintext: &[u8]) -> Envelope {
        let pk = self.patient.public_key();
        Envelope::seal(
            &mut self.rng,
            &self.pp,
            &[
                Recipient::Policy {
                    policy: &self.policy,
                    period: 1,
                },
                Recipient::Pre(&pk),
            ],
            AAD,
            plaintext,
        )
        .unwrap()
    }

    /// The patient delegates to the specialist, `t` of `n`; each proxy checks its fragment
    /// against the checked record, and the specialist makes its delegatee key.
    fn delegate(&mut self, t: usize, n: usize) -> (Vec<VerifiedKeyFrag>, Delegation) {
        let (kfrags, record) = self
            .patient
            .delegate(&mut self.rng, &self.specialist.public_key(), t, n)
            .unwrap();
        let record = record.check().unwrap();
        let proxies = kfrags
            .into_iter()
            .map(|k| k.verify(&record).unwrap())
            .collect();
        let key = record.delegatee_key(&self.specialist).unwrap();
        (proxies, Delegation { record, key })
    }

    /// The envelope's capsule, checked against the patient's key (what a proxy does first).
    fn capsule(&self, envelope: &Envelope) -> VerifiedCapsule {
        envelope
            .header()
            .capsules()
            .next()
            .unwrap()
            .verify(&self.patient.public_key())
            .unwrap()
    }

    /// Proxies `which` (0-based) re-encrypt the envelope's capsule; the fragments are verified.
    fn fragments(
        &mut self,
        envelope: &Envelope,
        kfrags: &[VerifiedKeyFrag],
        vks: &Delegation,
        which: &[usize],
    ) -> Vec<VerifiedCapsuleFrag> {
        let capsule = self.capsule(envelope);
        which
            .iter()
            .map(|&i| {
                kfrags[i]
                    .reencrypt(&mut self.rng, &capsule)
                    .unwrap()
                    .verify(&capsule, &vks.record)
                    .unwrap()
            })
            .collect()
    }
}

fn delegatee<'a>(key: &'a DelegateeKey, fragments: &'a [VerifiedCapsuleFrag]) -> Opener<'a> {
    Opener::PreDelegatee { key, fragments }
}

/// The result must be exactly `expected`: in particular no plaintext of any kind.
#[track_caller]
fn assert_err<T>(result: Result<T, Error>, expected: Error, what: &str) {
    match result {
        Ok(_) => panic!("{what}: opened (expected {expected:?})"),
        Err(e) => assert_eq!(e, expected, "{what}"),
    }
}

fn payload(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// Which `t` of the `n` proxies answer: the last `t`, so indices other than `1..=t` are combined.
fn last(t: usize, n: usize) -> Vec<usize> {
    (n - t..n).collect()
}

/// The whole flow for one payload, through `Envelope::seal` / `open`.
fn round_trip(w: &mut World, t: usize, n: usize, plaintext: &[u8]) {
    let envelope = w.seal(plaintext);
    // Through the cloud: bytes in, bytes out.
    let envelope = Envelope::from_bytes(&envelope.to_bytes()).unwrap();
    assert_eq!(envelope.header().capsules().count(), 1);

    let own = envelope.open(&w.patient, AAD).unwrap();
    assert_eq!(own.as_slice(), plaintext, "patient opens her own record");

    let care = envelope.open(&w.cardiologist, AAD).unwrap();
    assert_eq!(care.as_slice(), plaintext, "care team opens the record");

    let (kfrags, vks) = w.delegate(t, n);
    assert_eq!(
        (
            vks.record.record().threshold(),
            vks.record.record().shares()
        ),
        (t, n)
    );
    let frags = w.fragments(&envelope, &kfrags, &vks, &last(t, n));
    let theirs = envelope.open(delegatee(&vks.key, &frags), AAD).unwrap();
    assert_eq!(
        theirs.as_slice(),
        plaintext,
        "specialist opens, t={t} n={n}"
    );

    // Any other t-subset works as well (here: the first t proxies), and so do more than t.
    let frags = w.fragments(&envelope, &kfrags, &vks, &(0..t).collect::<Vec<_>>());
    let again = envelope.open(delegatee(&vks.key, &frags), AAD).unwrap();
    assert_eq!(again.as_slice(), plaintext);
    let all = w.fragments(&envelope, &kfrags, &vks, &(0..n).collect::<Vec<_>>());
    let more = envelope.open(delegatee(&vks.key, &all), AAD).unwrap();
    assert_eq!(more.as_slice(), plaintext);
}

#[test]
fn every_opener_reads_small_and_chunk_sized_payloads() {
    let mut w = world(1);
    for (t, n) in THRESHOLDS {
        for len in [0, 1, 64 * 1024] {
            round_trip(&mut w, t, n, &payload(len, len as u8));
        }
    }
}

#[test]
fn every_opener_streams_a_multi_mib_payload() {
    let mut w = world(2);
    let plaintext = payload(3 * 1024 * 1024 + 12_345, 7);
    for (t, n) in THRESHOLDS {
        let pk = w.patient.public_key();
        let mut sealed = Vec::new();
        let written = Envelope::seal_stream(
            &mut w.rng,
            &w.pp,
            &[
                Recipient::Policy {
                    policy: &w.policy,
                    period: 1,
                },
                Recipient::Pre(&pk),
            ],
            AAD,
            plaintext.as_slice(),
            &mut sealed,
        )
        .unwrap();
        assert_eq!(written, plaintext.len() as u64);

        let mut out = Vec::new();
        Envelope::open_stream(&w.patient, AAD, sealed.as_slice(), &mut out).unwrap();
        assert!(out == plaintext, "patient streams her own record");

        out.clear();
        Envelope::open_stream(&w.cardiologist, AAD, sealed.as_slice(), &mut out).unwrap();
        assert!(out == plaintext, "care team streams the record");

        // The proxies only need the capsule, i.e. the header part.
        let envelope = Envelope::from_bytes(&sealed).unwrap();
        let (kfrags, vks) = w.delegate(t, n);
        let frags = w.fragments(&envelope, &kfrags, &vks, &last(t, n));
        out.clear();
        let read = Envelope::open_stream(
            delegatee(&vks.key, &frags),
            AAD,
            sealed.as_slice(),
            &mut out,
        )
        .unwrap();
        assert_eq!(read, plaintext.len() as u64);
        assert!(
            out == plaintext,
            "specialist streams the record, t={t} n={n}"
        );

        // One-shot and streamed encodings are the same format.
        let one_shot = envelope.open(delegatee(&vks.key, &frags), AAD).unwrap();
        assert!(one_shot.as_slice() == plaintext.as_slice());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(4), ..ProptestConfig::default() })]

    #[test]
    fn random_sizes_round_trip(seed in any::<u64>(), len in 0usize..200_000, which in 0usize..3) {
        let mut w = world(seed);
        let (t, n) = THRESHOLDS[which];
        round_trip(&mut w, t, n, &payload(len, seed as u8));
    }
}

#[test]
fn fewer_than_t_fragments() {
    let mut w = world(3);
    let envelope = w.seal(b"potassium 4.1 mmol/L");
    let (kfrags, vks) = w.delegate(3, 5);
    let frags = w.fragments(&envelope, &kfrags, &vks, &[0, 4]);
    assert_err(
        envelope.open(delegatee(&vks.key, &frags), AAD),
        Error::NotEnoughFragments,
        "two of a 3-of-5 delegation",
    );
    assert_err(
        envelope.open(delegatee(&vks.key, &frags[..1]), AAD),
        Error::NotEnoughFragments,
        "one of a 3-of-5 delegation",
    );
    assert_err(
        envelope.open(delegatee(&vks.key, &[]), AAD),
        Error::NotEnoughFragments,
        "no fragments at all",
    );
}

#[test]
fn duplicated_index() {
    let mut w = world(4);
    let envelope = w.seal(b"potassium 4.1 mmol/L");
    let (kfrags, vks) = w.delegate(2, 3);
    // The same proxy asked twice gives two different fragments (fresh proof randomness), both
    // valid, with the same index: together they are still only one share.
    let frags = w.fragments(&envelope, &kfrags, &vks, &[1, 1]);
    assert_ne!(frags[0].to_bytes(), frags[1].to_bytes());
    assert_eq!(frags[0].index(), frags[1].index());
    assert_err(
        envelope.open(delegatee(&vks.key, &frags), AAD),
        Error::DuplicateFragment,
        "the same proxy twice",
    );
    // A duplicate is refused even when enough distinct fragments are present as well.
    let frags = w.fragments(&envelope, &kfrags, &vks, &[0, 2, 0]);
    assert_err(
        envelope.open(delegatee(&vks.key, &frags), AAD),
        Error::DuplicateFragment,
        "two distinct and a duplicate",
    );
}

#[test]
fn fragment_for_another_envelopes_capsule() {
    let mut w = world(5);
    let envelope = w.seal(b"record one");
    let other = w.seal(b"record two");
    let capsule = w.capsule(&envelope);
    let other_capsule = w.capsule(&other);
    assert_ne!(capsule, other_capsule);
    let (kfrags, vks) = w.delegate(2, 3);

    // A proxy re-encrypts the wrong envelope: the verifier of `envelope` refuses the fragment.
    let foreign = kfrags[0].reencrypt(&mut w.rng, &other_capsule).unwrap();
    assert_err(
        foreign.clone().verify(&capsule, &vks.record),
        Error::FragmentMismatch,
        "verify against this envelope's capsule",
    );

    // Verified for the other capsule (it is a correct fragment of *that* envelope) and smuggled
    // into the opening of this one, mixed with a genuine fragment: refused.
    let foreign = foreign.verify(&other_capsule, &vks.record).unwrap();
    let genuine = w.fragments(&envelope, &kfrags, &vks, &[1]).remove(0);
    let mixed = [genuine.clone(), foreign.clone()];
    assert_err(
        envelope.open(delegatee(&vks.key, &mixed), AAD),
        Error::FragmentMismatch,
        "genuine + foreign fragment",
    );
    let mixed = [foreign.clone(), genuine];
    assert_err(
        envelope.open(delegatee(&vks.key, &mixed), AAD),
        Error::FragmentMismatch,
        "foreign + genuine fragment",
    );
    // Only foreign fragments: they belong to none of this envelope's capsules.
    let foreign2 = w.fragments(&other, &kfrags, &vks, &[2]).remove(0);
    let all_foreign = [foreign, foreign2];
    assert_err(
        envelope.open(delegatee(&vks.key, &all_foreign), AAD),
        Error::FragmentMismatch,
        "only foreign fragments",
    );
    // …while they do open the envelope they were made for.
    let opened = other.open(delegatee(&vks.key, &all_foreign), AAD).unwrap();
    assert_eq!(opened.as_slice(), b"record two");
}

#[test]
fn fragments_from_a_different_delegation() {
    let mut w = world(6);
    let envelope = w.seal(b"troponin < 14 ng/L");
    let capsule = w.capsule(&envelope);
    // Two delegations to the same specialist with the same (t, n): different polynomials,
    // so shares of the two must never be combined (that would give a wrong key).
    let (kfrags1, vks1) = w.delegate(2, 3);
    let (kfrags2, vks2) = w.delegate(2, 3);
    assert_ne!(
        vks1.record.record().delegation_id(),
        vks2.record.record().delegation_id()
    );

    let cfrag2 = kfrags2[0].reencrypt(&mut w.rng, &capsule).unwrap();
    assert_err(
        cfrag2.clone().verify(&capsule, &vks1.record),
        Error::FragmentMismatch,
        "verify a delegation-2 fragment against delegation 1's record",
    );

    let from1 = w.fragments(&envelope, &kfrags1, &vks1, &[1]).remove(0);
    let from2 = cfrag2.verify(&capsule, &vks2.record).unwrap();
    let mixed = [from1, from2];
    for vks in [&vks1, &vks2] {
        assert_err(
            envelope.open(delegatee(&vks.key, &mixed), AAD),
            Error::FragmentMismatch,
            "one fragment of each delegation",
        );
    }
    // Each delegation on its own works.
    for (kfrags, vks) in [(&kfrags1, &vks1), (&kfrags2, &vks2)] {
        let frags = w.fragments(&envelope, kfrags, vks, &[0, 2]);
        let opened = envelope.open(delegatee(&vks.key, &frags), AAD).unwrap();
        assert_eq!(opened.as_slice(), b"troponin < 14 ng/L");
    }
}

#[test]
fn forged_or_tampered_fragments_fail_the_proof() {
    let mut w = world(7);
    let envelope = w.seal(b"HbA1c 5.4%");
    let capsule = w.capsule(&envelope);
    let (kfrags, vks) = w.delegate(2, 3);
    let honest = kfrags[0].reencrypt(&mut w.rng, &capsule).unwrap();
    let other = kfrags[1].reencrypt(&mut w.rng, &capsule).unwrap();
    let (hb, ob) = (honest.to_bytes(), other.to_bytes());

    // Splices that still decode: another fragment's point, challenge, response or index.
    let splices: [(&str, core::ops::Range<usize>); 4] = [
        ("cfrag point of another proxy", CFRAG_POINT),
        ("challenge c of another proxy", CFRAG_C),
        ("proof response z of another proxy", CFRAG_Z),
        ("index of another proxy", CFRAG_INDEX),
    ];
    for (what, range) in splices {
        let mut bytes = hb.clone();
        bytes[range.clone()].copy_from_slice(&ob[range]);
        let tampered = CapsuleFrag::from_bytes(&bytes).unwrap();
        assert_err(
            tampered.verify(&capsule, &vks.record),
            Error::InvalidProof,
            what,
        );
    }

    // A wholesale forgery: the cfrag of *another* capsule with its valid proof, relabelled with
    // this capsule's E: the verifier sees the right E, but the proof binds the other one.
    let other_envelope = w.seal(b"x");
    let other_capsule = w.capsule(&other_envelope);
    let mut relabelled = kfrags[0]
        .reencrypt(&mut w.rng, &other_capsule)
        .unwrap()
        .to_bytes();
    relabelled[CFRAG_E].copy_from_slice(&hb[CFRAG_E]);
    let relabelled = CapsuleFrag::from_bytes(&relabelled).unwrap();
    assert_err(
        relabelled.verify(&capsule, &vks.record),
        Error::InvalidProof,
        "another capsule's cfrag relabelled",
    );

    // An index outside 1..=n has no verification key at all.
    let mut bytes = hb.clone();
    bytes[CFRAG_INDEX].copy_from_slice(&9u32.to_be_bytes());
    assert_err(
        CapsuleFrag::from_bytes(&bytes)
            .unwrap()
            .verify(&capsule, &vks.record),
        Error::FragmentMismatch,
        "index 9 of a 2-of-3 delegation",
    );

    // The honest proxies still suffice.
    let frags = [
        honest.verify(&capsule, &vks.record).unwrap(),
        other.verify(&capsule, &vks.record).unwrap(),
    ];
    let opened = envelope.open(delegatee(&vks.key, &frags), AAD).unwrap();
    assert_eq!(opened.as_slice(), b"HbA1c 5.4%");
}

#[test]
fn wrong_receiver() {
    let mut w = world(8);
    let (kfrags, record) = w
        .patient
        .delegate(&mut w.rng, &w.specialist.public_key(), 2, 3)
        .unwrap();
    let record = record.check().unwrap();
    let intruder = KeyPair::random(&mut w.rng);
    assert_err(
        record.delegatee_key(&intruder),
        Error::ReceiverMismatch,
        "the specialist's delegation, claimed by someone else",
    );
    // Nor can the patient herself act as the receiver of her delegation.
    assert_err(
        record.delegatee_key(&w.patient),
        Error::ReceiverMismatch,
        "the patient as receiver",
    );
    // An intruder's delegatee key from its own delegation does not open the specialist's
    // fragments (another delegation id).
    let (_, own) = w
        .patient
        .delegate(&mut w.rng, &intruder.public_key(), 2, 3)
        .unwrap();
    let intruders_key = own.check().unwrap().delegatee_key(&intruder).unwrap();
    let envelope = w.seal(b"CRP 2 mg/L");
    let capsule = w.capsule(&envelope);
    let frags: Vec<_> = kfrags
        .into_iter()
        .take(2)
        .map(|k| {
            let proxy = k.verify(&record).unwrap();
            proxy
                .reencrypt(&mut w.rng, &capsule)
                .unwrap()
                .verify(&capsule, &record)
                .unwrap()
        })
        .collect();
    assert_err(
        envelope.open(delegatee(&intruders_key, &frags), AAD),
        Error::FragmentMismatch,
        "fragments for the specialist, opened with another delegation's key",
    );
}

#[test]
fn pre_owner_without_a_capsule() {
    let mut w = world(9);
    // (a) No PRE recipient at all: a public fact, so a typed error.
    let policy_only = Envelope::seal(
        &mut w.rng,
        &w.pp,
        &[Recipient::Policy {
            policy: &w.policy,
            period: 1,
        }],
        AAD,
        b"ward round notes",
    )
    .unwrap();
    assert_err(
        policy_only.open(&w.patient, AAD),
        Error::NoMatchingRecipient,
        "PRE owner on a policy-only envelope",
    );
    let (kfrags, vks) = w.delegate(1, 1);
    let frags = {
        let with_capsule = w.seal(b"x");
        w.fragments(&with_capsule, &kfrags, &vks, &[0])
    };
    assert_err(
        policy_only.open(delegatee(&vks.key, &frags), AAD),
        Error::NoMatchingRecipient,
        "PRE delegatee on a policy-only envelope",
    );
    // (b) A capsule for someone else: a capsule E = P1^k names no public key, so nothing public
    // says it is not hers. Her key derives a wrong KEM key and the wrap's AEAD rejects it:
    // opaque `Decryption`.
    let envelope = w.seal(b"for the patient only");
    assert_err(
        envelope.open(&w.specialist, AAD),
        Error::Decryption,
        "another key pair as PRE owner",
    );
    // Likewise a decryption key on a PRE-only envelope has no recipient of its kind.
    let pk = w.patient.public_key();
    let pre_only =
        Envelope::seal(&mut w.rng, &w.pp, &[Recipient::Pre(&pk)], AAD, b"diary").unwrap();
    assert_err(
        pre_only.open(&w.cardiologist, AAD),
        Error::NoMatchingRecipient,
        "decryption key on a PRE-only envelope",
    );
}

/// Position of `needle` in `haystack` (exactly once).
fn find(haystack: &[u8], needle: &[u8]) -> usize {
    let hits: Vec<usize> = haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, win)| *win == needle)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(hits.len(), 1);
    hits[0]
}

#[test]
fn tampered_envelope_bytes() {
    let mut w = world(10);
    let envelope = w.seal(b"biopsy: benign");
    let other = w.seal(b"biopsy: other patient");
    let capsule: Capsule = *envelope.header().capsules().next().unwrap();
    let other_capsule = *other.header().capsules().next().unwrap();
    let (kfrags, vks) = w.delegate(2, 3);
    let frags = w.fragments(&envelope, &kfrags, &vks, &[0, 1]);
    let other_frags = w.fragments(&other, &kfrags, &vks, &[0, 1]);

    let bytes = envelope.to_bytes();
    let at = find(&bytes, &capsule.to_bytes());

    // (a) The capsule swapped for another valid capsule (of another envelope for the same
    // patient): the envelope decodes, but the capsule is in the associated data, so *every*
    // recipient's wrap fails — the care team's header is untouched, yet it no longer opens.
    let mut swapped = bytes.clone();
    swapped[at..at + CAPSULE_LEN].copy_from_slice(&other_capsule.to_bytes());
    let swapped = Envelope::from_bytes(&swapped).unwrap();
    assert_eq!(*swapped.header().capsules().next().unwrap(), other_capsule);
    assert_err(
        swapped.open(&w.patient, AAD),
        Error::Decryption,
        "owner, swapped capsule",
    );
    assert_err(
        swapped.open(&w.cardiologist, AAD),
        Error::Decryption,
        "care team, swapped capsule",
    );
    assert_err(
        swapped.open(delegatee(&vks.key, &other_frags), AAD),
        Error::Decryption,
        "delegatee with fragments of the swapped-in capsule",
    );
    assert_err(
        swapped.open(delegatee(&vks.key, &frags), AAD),
        Error::FragmentMismatch,
        "delegatee with fragments of the original capsule",
    );

    // (a') Only V or σ of the capsule changed, E intact (so the owner's KEM key is the same):
    // the associated data binds the whole capsule, so the envelope opens for nobody.
    let mut v_changed = bytes.clone();
    v_changed.copy_within(at + 6..at + 54, at + 54);
    let mut sigma_changed = bytes.clone();
    sigma_changed[at + CAPSULE_LEN - 1] ^= 1;
    for (what, changed) in [("V", v_changed), ("sigma", sigma_changed)] {
        let changed = Envelope::from_bytes(&changed).unwrap();
        assert_err(changed.open(&w.patient, AAD), Error::Decryption, what);
        assert_err(changed.open(&w.cardiologist, AAD), Error::Decryption, what);
        // A proxy checking the altered capsule refuses it.
        let altered = *changed.header().capsules().next().unwrap();
        assert_err(
            altered.verify(&w.patient.public_key()),
            Error::InvalidCapsule,
            what,
        );
    }

    // (b) A capsule that is no longer a point: a decoding error, before any key is derived.
    let mut broken = bytes.clone();
    broken[at + 6 + 47] ^= 0x01;
    assert!(
        matches!(Envelope::from_bytes(&broken), Err(Error::Decode(_))),
        "corrupted capsule point"
    );
    // And through the streaming path.
    let mut out = Vec::new();
    assert!(matches!(
        Envelope::open_stream(&w.patient, AAD, broken.as_slice(), &mut out),
        Err(Error::Decode(_))
    ));
    assert!(out.is_empty());

    // (c) The wrapped key of the PRE slot (right after the capsule) flipped: only the PRE
    // openers fail, opaquely; the care team's own wrap is intact.
    let mut wrap = bytes.clone();
    wrap[at + CAPSULE_LEN] ^= 0x80;
    let wrap = Envelope::from_bytes(&wrap).unwrap();
    assert_err(wrap.open(&w.patient, AAD), Error::Decryption, "owner, wrap");
    assert_err(
        wrap.open(delegatee(&vks.key, &frags), AAD),
        Error::Decryption,
        "delegatee, wrap",
    );
    assert_eq!(
        wrap.open(&w.cardiologist, AAD).unwrap().as_slice(),
        b"biopsy: benign"
    );

    // (d) A payload byte flipped: nobody gets anything.
    let mut body = bytes.clone();
    *body.last_mut().unwrap() ^= 1;
    let body = Envelope::from_bytes(&body).unwrap();
    assert_err(
        body.open(&w.patient, AAD),
        Error::Decryption,
        "owner, payload",
    );
    assert_err(
        body.open(delegatee(&vks.key, &frags), AAD),
        Error::Decryption,
        "delegatee, payload",
    );

    // The untouched envelope still opens for all three.
    let intact = Envelope::from_bytes(&bytes).unwrap();
    for opened in [
        intact.open(&w.patient, AAD).unwrap(),
        intact.open(&w.cardiologist, AAD).unwrap(),
        intact.open(delegatee(&vks.key, &frags), AAD).unwrap(),
    ] {
        assert_eq!(opened.as_slice(), b"biopsy: benign");
    }
}

#[test]
fn wrong_caller_aad() {
    let mut w = world(11);
    let envelope = w.seal(b"lipid panel");
    let (kfrags, vks) = w.delegate(2, 3);
    let frags = w.fragments(&envelope, &kfrags, &vks, &[0, 2]);
    for aad in [&b""[..], b"record P-0043/lab", b"record P-0042/lab "] {
        assert_err(envelope.open(&w.patient, aad), Error::Decryption, "owner");
        assert_err(
            envelope.open(&w.cardiologist, aad),
            Error::Decryption,
            "care team",
        );
        assert_err(
            envelope.open(delegatee(&vks.key, &frags), aad),
            Error::Decryption,
            "delegatee",
        );
    }
}

#[test]
fn cloud_update_leaves_the_pre_path_working() {
    let mut w = world(12);
    let plaintext = payload(200_000, 3);
    let envelope = w.seal(&plaintext);
    let capsule = *envelope.header().capsules().next().unwrap();
    // Fragments made before the update.
    let (kfrags, vks) = w.delegate(2, 3);
    let frags = w.fragments(&envelope, &kfrags, &vks, &[0, 2]);

    // The cloud moves the policy header to period 5.
    let updated = envelope.update(&mut w.rng, &w.pp, 5).unwrap();
    assert_ne!(updated.to_bytes(), envelope.to_bytes());
    assert_eq!(*updated.header().capsules().next().unwrap(), capsule);
    assert_eq!(updated.payload(), envelope.payload());
    assert_eq!(
        updated.header().policy_headers().next().unwrap().period(),
        5
    );

    assert!(updated.open(&w.patient, AAD).unwrap().as_slice() == plaintext.as_slice());
    assert!(
        updated
            .open(delegatee(&vks.key, &frags), AAD)
            .unwrap()
            .as_slice()
            == plaintext.as_slice(),
        "fragments made before the update"
    );
    // Fragments made after the update, from the updated envelope's capsule.
    let after = w.fragments(&updated, &kfrags, &vks, &[1, 2]);
    assert!(
        updated
            .open(delegatee(&vks.key, &after), AAD)
            .unwrap()
            .as_slice()
            == plaintext.as_slice()
    );
    // The policy side moved: the period-1 key no longer covers it, a period-5 key does.
    assert_err(
        updated.open(&w.cardiologist, AAD),
        Error::PeriodNotCovered,
        "period-1 key on the period-5 header",
    );
    let sk = w
        .authority
        .enrol(&mut w.rng, &set(&["nurse", "ward:3"]))
        .unwrap();
    let nurse5 = sk
        .decryption_key(&w.authority.key_update(&mut w.rng, 5).unwrap())
        .unwrap();
    assert!(updated.open(&nurse5, AAD).unwrap().as_slice() == plaintext.as_slice());

    // The same through the streaming update.
    let mut moved = Vec::new();
    let copied = Envelope::update_stream(
        &mut w.rng,
        &w.pp,
        5,
        envelope.to_bytes().as_slice(),
        &mut moved,
    )
    .unwrap();
    assert_eq!(copied, envelope.payload().len() as u64);
    let mut out = Vec::new();
    Envelope::open_stream(delegatee(&vks.key, &frags), AAD, moved.as_slice(), &mut out).unwrap();
    assert!(out == plaintext);
}
