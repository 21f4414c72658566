//! Key commitment (scheme.md §11 v1.1), tested as security: envelopes crafted by a malicious
//! sender, built from the crate's internals, including a real two-key AES-GCM collision.
//!
//! The attack ("invisible salamanders"): the sender of an envelope for a cardiologist (policy
//! recipient) and a patient (PRE recipient) wraps a different content key for each, and makes the
//! payload authenticate under both derived payload keys, so the two read different records from
//! one envelope. AES-GCM is not key-committing, so such a payload exists and is easy to compute
//! (GHASH is affine in the ciphertext); only the key commitment stops it.

use alloc::vec::Vec;

use aes::cipher::BlockEncrypt;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};

use super::*;
use crate::{AttributeSet, Authority, SetupParams};

const AAD: &[u8] = b"record 42";

/// A care team's policy recipient (a cardiologist's key) and a patient's PRE recipient.
struct World {
    rng: ChaCha20Rng,
    pp: PublicParams,
    cardiologist: DecryptionKey,
    patient: KeyPair,
    policy: Policy,
}

fn world() -> World {
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let mut authority = Authority::setup(&mut rng, SetupParams::new(3, 2)).unwrap();
    let sk = authority
        .enrol(
            &mut rng,
            &AttributeSet::new(["doctor", "cardiology"]).unwrap(),
        )
        .unwrap();
    let cardiologist = sk
        .decryption_key(&authority.key_update(&mut rng, 1).unwrap())
        .unwrap();
    let patient = KeyPair::random(&mut rng);
    World {
        pp: authority.public_params().clone(),
        cardiologist,
        patient,
        policy: Policy::parse("doctor and cardiology").unwrap(),
        rng,
    }
}

impl World {
    /// An honest envelope to both, and the two recipients' KEM keys (slot 0: cardiologist,
    /// slot 1: patient), as only the sender and each recipient know them.
    fn seal(&mut self, plaintext: &[u8]) -> (Envelope, [crate::SharedKey; 2]) {
        let patient_pk = self.patient.public_key();
        let recipients = [
            Recipient::Policy {
                policy: &self.policy,
                period: 1,
            },
            Recipient::Pre(&patient_pk),
        ];
        let envelope =
            Envelope::seal(&mut self.rng, &self.pp, &recipients, AAD, plaintext).unwrap();
        let header = envelope.header().policy_headers().next().unwrap();
        let capsule = envelope.header().capsules().next().unwrap();
        let kem = [
            self.cardiologist.decapsulate(header).unwrap(),
            self.patient.decapsulate(capsule).unwrap(),
        ];
        (envelope, kem)
    }

    fn openers(&self) -> [Opener<'_>; 2] {
        [
            Opener::Key(&self.cardiologist),
            Opener::PreOwner(&self.patient),
        ]
    }
}

/// What a malicious sender does with its own envelope: commits to `committed`, wraps `cks[i]` to
/// recipient `i`, and puts `payload(ad, nonce prefix)` as the payload. Returns the encoding.
fn craft(
    honest: &Envelope,
    kem: &[crate::SharedKey; 2],
    cks: [&ContentKey; 2],
    committed: &ContentKey,
    payload: impl FnOnce(&[u8; 32], &[u8; payload::NONCE_PREFIX_SIZE]) -> Vec<u8>,
) -> Vec<u8> {
    let mut header = honest.header().clone();
    header.commitment = committed.derive(&header.id).unwrap().1;
    let ad = header.ad(AAD);
    for ((slot, key), ck) in header.slots.iter_mut().zip(kem).zip(cks) {
        *slot.wrapped_mut() = wrap(key, &ad, ck).unwrap();
    }
    let payload = payload(&ad, &header.nonce_prefix);
    Envelope { header, payload }.to_bytes()
}

/// Opens `bytes` one-shot and streamed. The streamed opening must agree, and when it fails it
/// must not have read a single payload byte (the commitment is checked first) nor written any.
fn open_both(opener: Opener<'_>, bytes: &[u8]) -> Result<Vec<u8>> {
    let envelope = Envelope::from_bytes(bytes).unwrap();
    let one_shot = envelope.open(opener, AAD).map(|p| p.to_vec());
    let mut rest = bytes;
    let mut out = Vec::new();
    let streamed = Envelope::open_stream(opener, AAD, &mut rest, &mut out).map(|_| out.clone());
    assert_eq!(one_shot, streamed);
    if streamed.is_err() {
        assert_eq!(
            rest.len(),
            envelope.payload().len(),
            "payload bytes were read"
        );
        assert!(out.is_empty());
    }
    one_shot
}

/// Each recipient's view of `bytes`: `Ok(plaintext)` or the error.
fn views(w: &World, bytes: &[u8]) -> [Result<Vec<u8>>; 2] {
    w.openers().map(|o| open_both(o, bytes))
}

// ---------------------------------------------------------------------------------------------
// Wraps of different content keys (no collision needed)

/// scheme.md §13 v1.1: an envelope whose two wraps carry different content keys opens for at
/// most one recipient; the other gets the opaque error before the payload is read. Whichever key
/// the sender commits to (and seals the payload under), only its holder opens.
#[test]
fn wraps_of_different_content_keys_open_for_at_most_one_recipient() {
    let mut w = world();
    let (honest, kem) = w.seal(b"ECG: normal");
    let ck = [
        ContentKey::random(&mut w.rng),
        ContentKey::random(&mut w.rng),
    ];
    for (i, committed) in ck.iter().enumerate() {
        let bytes = craft(&honest, &kem, [&ck[0], &ck[1]], committed, |ad, prefix| {
            let (payload_key, _) = committed.derive(honest.header().id()).unwrap();
            payload::seal(&payload_key, prefix, ad, b"ECG: normal").unwrap()
        });
        let views = views(&w, &bytes);
        assert_eq!(
            views[i].as_deref(),
            Ok(&b"ECG: normal"[..]),
            "committed to {i}"
        );
        assert_eq!(views[1 - i], Err(Error::Decryption), "committed to {i}");
        // The failure is the commitment check itself: it comes before the payload layer.
        let envelope = Envelope::from_bytes(&bytes).unwrap();
        assert_eq!(
            envelope
                .header
                .payload_key(w.openers()[1 - i], AAD)
                .map(|_| ()),
            Err(Error::Decryption)
        );
    }
}

/// The commitment is in the invariant core: changing it breaks every wrap (and so every
/// recipient), like any other change of the core.
#[test]
fn the_commitment_is_bound_by_the_associated_data() {
    let mut w = world();
    let (honest, _) = w.seal(b"x");
    let bytes = honest.to_bytes();
    assert!(views(&w, &bytes).iter().all(Result::is_ok));
    let at = crate::encoding::PREFIX_LEN + ID_LEN;
    assert_eq!(&bytes[at..at + COMMITMENT_LEN], &honest.header().commitment);
    for i in [at, at + COMMITMENT_LEN - 1] {
        let mut damaged = bytes.clone();
        damaged[i] ^= 1;
        for view in views(&w, &damaged) {
            assert_eq!(view, Err(Error::Decryption));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A real two-key AES-GCM collision

/// GF(2^128) as GCM uses it (NIST SP 800-38D §6.3): a block read big-endian, the coefficient of
/// `x^0` in the most significant bit, reduction by `x^128 + x^7 + x^2 + x + 1`.
mod gf128 {
    /// The multiplicative identity.
    pub const ONE: u128 = 1 << 127;

    /// SP 800-38D Algorithm 1.
    pub fn mul(x: u128, y: u128) -> u128 {
        const R: u128 = 0xe1 << 120;
        let (mut z, mut v) = (0u128, y);
        for i in 0..128 {
            if (x >> (127 - i)) & 1 == 1 {
                z ^= v;
            }
            v = if v & 1 == 1 { (v >> 1) ^ R } else { v >> 1 };
        }
        z
    }

    pub fn pow(x: u128, mut e: u128) -> u128 {
        let (mut acc, mut base) = (ONE, x);
        while e != 0 {
            if e & 1 == 1 {
                acc = mul(acc, base);
            }
            base = mul(base, base);
            e >>= 1;
        }
        acc
    }

    /// `x^(2^128 - 2)`, the inverse of a nonzero `x`.
    pub fn inv(x: u128) -> u128 {
        pow(x, u128::MAX - 1)
    }
}

/// `AES-256_key(block)` as a field element.
fn aes_block(key: &[u8; 32], block: [u8; 16]) -> u128 {
    let cipher = aes::Aes256::new(key.into());
    let mut b = block.into();
    cipher.encrypt_block(&mut b);
    u128::from_be_bytes(b.into())
}

/// A one-block AES-256-GCM ciphertext (16 bytes and the tag) that authenticates under both `k1`
/// and `k2` with the same 12-byte `nonce` and 32-byte associated data `ad`.
///
/// With `H_i = AES_{K_i}(0^128)`, `E_i = AES_{K_i}(nonce ‖ 0^31 ‖ 1)`, `ad = A1 ‖ A2` and the
/// length block `L`, the tag is `T_i = A1·H_i^4 + A2·H_i^3 + C·H_i^2 + L·H_i + E_i`. It is
/// affine in the ciphertext block `C`, so `T_1 = T_2` is one linear equation:
/// `C·(H1^2 + H2^2) = A1·(H1^4 + H2^4) + A2·(H1^3 + H2^3) + L·(H1 + H2) + E1 + E2`, solvable
/// since `H1^2 + H2^2 = (H1 + H2)^2 != 0` for `H1 != H2` (characteristic 2).
fn two_key_collision(k1: &[u8; 32], k2: &[u8; 32], nonce: &[u8; 12], ad: &[u8; 32]) -> Vec<u8> {
    use gf128::{inv, mul, pow};
    let mut j0 = [0u8; 16];
    j0[..12].copy_from_slice(nonce);
    j0[15] = 1;
    let (h1, h2) = (aes_block(k1, [0; 16]), aes_block(k2, [0; 16]));
    let (e1, e2) = (aes_block(k1, j0), aes_block(k2, j0));
    let a1 = u128::from_be_bytes(ad[..16].try_into().unwrap());
    let a2 = u128::from_be_bytes(ad[16..].try_into().unwrap());
    let l = (256u128 << 64) | 128; // bit lengths of the associated data and of the ciphertext
    let rhs = mul(a1, pow(h1, 4) ^ pow(h2, 4))
        ^ mul(a2, pow(h1, 3) ^ pow(h2, 3))
        ^ mul(l, h1 ^ h2)
        ^ e1
        ^ e2;
    let c = mul(rhs, inv(mul(h1, h1) ^ mul(h2, h2)));
    let tag = mul(a1, pow(h1, 4)) ^ mul(a2, pow(h1, 3)) ^ mul(c, mul(h1, h1)) ^ mul(l, h1) ^ e1;
    [c.to_be_bytes(), tag.to_be_bytes()].concat()
}

/// The STREAM nonce of a payload's only (final) chunk: `prefix ‖ BE32(0) ‖ 0x01`.
fn final_chunk_nonce(prefix: &[u8; payload::NONCE_PREFIX_SIZE]) -> [u8; 12] {
    let mut nonce = [0u8; 12];
    nonce[..payload::NONCE_PREFIX_SIZE].copy_from_slice(prefix);
    nonce[11] = 1;
    nonce
}

fn gcm_open(key: &[u8; 32], nonce: &[u8; 12], ad: &[u8], ct: &[u8]) -> Option<Vec<u8>> {
    Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key))
        .decrypt(Nonce::from_slice(nonce), Payload { msg: ct, aad: ad })
        .ok()
}

#[test]
fn gf128_arithmetic() {
    use gf128::{inv, mul, ONE};
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    for _ in 0..8 {
        let x = u128::from(rng.next_u64()) << 64 | u128::from(rng.next_u64());
        assert_eq!(mul(x, ONE), x);
        assert_eq!(mul(x, inv(x)), ONE);
    }
    // x · x^127 = x^128 = x^7 + x^2 + x + 1 (coefficient of x^i at bit 127 - i).
    let x = ONE >> 1;
    let x127 = 1u128;
    assert_eq!(mul(x, x127), ONE | ONE >> 1 | ONE >> 2 | ONE >> 7);
}

/// The premise: AES-GCM alone is not key-committing. One block, solved in GF(2^128), opens under
/// two unrelated keys with the same nonce and associated data, to two different plaintexts
/// (checked with the `aes-gcm` crate itself).
#[test]
fn aes_gcm_alone_is_not_key_committing() {
    let mut rng = ChaCha20Rng::seed_from_u64(6);
    let (mut k1, mut k2, mut nonce, mut ad) = ([0u8; 32], [0u8; 32], [0u8; 12], [0u8; 32]);
    for b in [&mut k1[..], &mut k2, &mut nonce, &mut ad] {
        rng.fill_bytes(b);
    }
    let ct = two_key_collision(&k1, &k2, &nonce, &ad);
    let p1 = gcm_open(&k1, &nonce, &ad, &ct).expect("opens under k1");
    let p2 = gcm_open(&k2, &nonce, &ad, &ct).expect("opens under k2");
    assert_eq!((p1.len(), p2.len()), (16, 16));
    assert_ne!(p1, p2);
    // Not a fluke of the tag check: other associated data is refused by both.
    assert!(gcm_open(&k1, &nonce, &ad[1..], &ct).is_none());
    assert!(gcm_open(&k2, &nonce, &[0u8; 32], &ct).is_none());
}

/// The crafted envelope of the attack: wraps of two content keys `CK1 != CK2` (slot 0 for the
/// cardiologist, slot 1 for the patient), commitment to `CK1`, and a payload that is a two-key
/// collision under the payload keys the sender derives from `CK1` and `CK2`, for the STREAM nonce
/// and associated data the envelope actually uses.
struct Salamander {
    bytes: Vec<u8>,
    kem: [crate::SharedKey; 2],
    ck: [ContentKey; 2],
}

fn salamander(w: &mut World) -> Salamander {
    let (honest, kem) = w.seal(b"placeholder");
    let ck = [
        ContentKey::random(&mut w.rng),
        ContentKey::random(&mut w.rng),
    ];
    let id = *honest.header().id();
    let payload_keys = [&ck[0], &ck[1]].map(|c| c.derive(&id).unwrap().0);
    let bytes = craft(&honest, &kem, [&ck[0], &ck[1]], &ck[0], |ad, prefix| {
        let [k1, k2] = &payload_keys;
        two_key_collision(k1.as_bytes(), k2.as_bytes(), &final_chunk_nonce(prefix), ad)
    });
    Salamander { bytes, kem, ck }
}

/// Without the commitment check (v1.0's opener: unwrap `CK`, key the payload with it), the
/// crafted envelope is accepted by both recipients, and they read different plaintexts. Shown
/// at the AEAD level with the real pieces: each recipient's wrap opens to its own `CK`, the
/// payload key is derived from it as the crate does, and the crate's own STREAM opener (and
/// plain AES-256-GCM with the final-chunk nonce) accepts the payload under both.
#[test]
fn crafted_collision_envelope_fools_both_recipients_without_the_commitment_check() {
    let mut w = world();
    let s = salamander(&mut w);
    let envelope = Envelope::from_bytes(&s.bytes).unwrap();
    let header = envelope.header();
    let ad = header.ad(AAD);
    let nonce = final_chunk_nonce(&header.nonce_prefix);
    let mut plaintexts = Vec::new();
    for ((slot, kem), ck) in header.slots.iter().zip(&s.kem).zip(&s.ck) {
        let wrapped = match slot {
            Slot::Policy { wrapped, .. } | Slot::Pre { wrapped, .. } => wrapped,
        };
        // The wrap is genuine: this recipient unwraps the content key meant for it.
        let unwrapped = unwrap_key(kem, &ad, wrapped).unwrap();
        assert_eq!(unwrapped.as_bytes(), ck.as_bytes());
        // Skipping the commitment check, the derived payload key opens the payload.
        let (payload_key, _) = unwrapped.derive(&header.id).unwrap();
        let opened = payload::open(&payload_key, &header.nonce_prefix, &ad, envelope.payload())
            .expect("accepted without the commitment check");
        let raw = gcm_open(payload_key.as_bytes(), &nonce, &ad, envelope.payload()).unwrap();
        assert_eq!(opened.as_slice(), &raw[..]);
        plaintexts.push(raw);
    }
    assert_ne!(plaintexts[0], plaintexts[1], "two recipients, two records");
}

/// With the commitment check, the same crafted envelope opens for exactly one recipient: the
/// holder of the committed content key. The other gets the opaque error before a byte of the
/// payload is read.
#[test]
fn crafted_collision_envelope_opens_for_exactly_one_recipient_with_the_commitment_check() {
    let mut w = world();
    let s = salamander(&mut w);
    let [cardiologist, patient] = views(&w, &s.bytes);
    let record = cardiologist.expect("the committed recipient opens it");
    assert_eq!(record.len(), 16);
    assert_eq!(patient, Err(Error::Decryption));
}
