//! Hybrid envelopes (scheme.md §11): a payload encrypted once under a fresh content key, the
//! key wrapped once per recipient.
//!
//! ```text
//! envelope = magic ‖ version ‖ type ‖ id (16) ‖ key commitment (32) ‖ nonce prefix (7)
//!            ‖ u32 recipient count
//!            ‖ { kind (1) ‖ u32 len ‖ header or capsule ‖ wrapped key (48) }*
//!            ‖ payload (AES-256-GCM STREAM, 64 KiB chunks, to the end)
//! ```
//!
//! The fixed part before the recipients is 65 bytes: the 6-byte prefix, 16 + 32 + 7 bytes, and
//! the count.
//!
//! - A **policy recipient** is an ABE [`Header`] (scheme.md §7): whoever holds a
//!   [`DecryptionKey`] satisfying the policy, for the header's period or later, unwraps the key.
//! - A **PRE recipient** is a proxy re-encryption capsule (scheme.md §10) for a public key; its
//!   owner opens it directly, a delegatee with `t` verified fragments from proxies.
//! - The wrapped key is `AES-256-GCM(KEM key, nonce = 0, ad, CK)`; each KEM key is fresh and used
//!   exactly once, so the fixed nonce is safe.
//! - `CK` never keys the payload itself (v1.1): the payload key and a 32-byte key commitment are
//!   derived from `CK` with HKDF, salted with the envelope id. Every opener checks the stored
//!   commitment in constant time before it touches the payload, so all recipients who open an
//!   envelope read the same record, even if a malicious sender wrapped a different `CK` for each
//!   (AES-GCM alone is not key-committing). A mismatch is the opaque [`Error::Decryption`].
//! - The associated data `ad` of the wraps and of every payload chunk is a SHA-256 digest of the
//!   envelope's *invariant core*: format version, suite id, envelope id, key commitment, nonce
//!   prefix, each policy recipient's canonical policy, each PRE recipient's capsule, and the
//!   caller's associated data. It does not cover the header rows or period, which the cloud
//!   legitimately rewrites when it [updates](EnvelopeHeader::update) an envelope to a later
//!   period; the payload is never touched by an update.

mod content_key;
#[cfg(feature = "std")]
mod io;
mod payload;
#[cfg(test)]
mod tests;

use alloc::vec::Vec;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use rand_core::CryptoRngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::abe::{
    DecryptionKey, Header, PartialDecryption, PublicParams, RetrievalKey, TransformKey,
};
use crate::domain;
use crate::encoding::{self, Decode, Encode, Object, ObjectType, Reader, Writer};
use crate::error::{DecodeError, DecodeErrorKind, Error, Parameter, Result};
use crate::policy::Policy;
use crate::pre::{Capsule, DelegateeKey, KeyPair, PublicKey, VerifiedCapsuleFrag};

use content_key::{ContentKey, COMMITMENT_LEN, ID_LEN};
use payload::PayloadKey;

pub use crate::limits::MAX_RECIPIENTS;

/// The largest encoded recipient (an ABE header with a long policy) accepted when decoding.
pub(crate) const MAX_RECIPIENT_LEN: usize = 8 << 20;

/// Size of a wrapped content key: 32 bytes and a 16-byte tag.
const WRAPPED_LEN: usize = 48;

/// The fewest bytes an encoded recipient takes: kind, length and wrapped key.
const MIN_SLOT_LEN: usize = 1 + 4 + WRAPPED_LEN;

const KIND_POLICY: u8 = 1;
const KIND_PRE: u8 = 2;

/// A recipient of an envelope: a policy (with the period the record is sealed for) or a PRE
/// public key. See [`Opener`] for an envelope with both.
///
/// # Examples
///
/// ```
/// use rs_habe::{pre, Authority, AttributeSet, Envelope, Policy, Recipient, SetupParams};
/// let mut rng = rand::thread_rng();
/// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
/// let pp = authority.public_params().clone();
/// let patient = pre::KeyPair::random(&mut rng);
/// let patient_pk = patient.public_key();
/// let cardiologists = Policy::parse("doctor and cardiology")?;
/// let recipients = [
///     // Staff whose attributes satisfy the policy, with a key for period 3 or later…
///     Recipient::Policy { policy: &cardiologists, period: 3 },
///     // …and the patient.
///     Recipient::Pre(&patient_pk),
/// ];
/// let envelope = Envelope::seal(&mut rng, &pp, &recipients, b"", b"allergy: penicillin")?;
///
/// let doctor = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "cardiology"])?)?;
/// let dk = doctor.decryption_key(&authority.key_update(&mut rng, 3)?)?;
/// assert_eq!(&envelope.open(&dk, b"")?[..], b"allergy: penicillin");
/// assert_eq!(&envelope.open(&patient, b"")?[..], b"allergy: penicillin");
/// # Ok::<(), rs_habe::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Recipient<'a> {
    /// Everyone whose attributes satisfy `policy`, with a key for `period` or later.
    Policy {
        /// The access policy.
        policy: &'a Policy,
        /// The period the record is encrypted for (usually the current one).
        period: u64,
    },
    /// The holder of a proxy re-encryption key pair (typically the patient), who can also
    /// delegate the record to others through proxies (scheme.md §10).
    Pre(&'a PublicKey),
}

/// What opens an envelope: a decryption key (policy recipients), a PRE key pair (its own
/// capsule), a PRE delegatee with verified fragments from `t` proxies, or the user's half of an
/// outsourced decryption. `&DecryptionKey` and `&pre::KeyPair` convert into it.
///
/// ```
/// use rs_habe::{pre, Authority, Envelope, Opener, Policy, Recipient, SetupParams};
/// let mut rng = rand::thread_rng();
/// let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
/// let (patient, specialist) = (pre::KeyPair::random(&mut rng), pre::KeyPair::random(&mut rng));
/// let policy = Policy::parse("doctor")?;
/// let envelope = Envelope::seal(
///     &mut rng,
///     authority.public_params(),
///     &[Recipient::Policy { policy: &policy, period: 0 }, Recipient::Pre(&patient.public_key())],
///     b"",
///     b"lab report",
/// )?;
/// // The patient opens her own capsule…
/// assert_eq!(&envelope.open(&patient, b"")?[..], b"lab report");
/// // …and lets 2 of 3 proxies re-encrypt it for a specialist.
/// let (kfrags, record) = patient.delegate(&mut rng, &specialist.public_key(), 2, 3)?;
/// let record = record.check()?;
/// let capsule = envelope.header().capsules().next().unwrap().verify(&patient.public_key())?;
/// let mut fragments = Vec::new();
/// for kfrag in kfrags.into_iter().take(2) {
///     let proxy = kfrag.verify(&record)?;
///     fragments.push(proxy.reencrypt(&mut rng, &capsule)?.verify(&capsule, &record)?);
/// }
/// let key = record.delegatee_key(&specialist)?;
/// let opener = Opener::PreDelegatee { key: &key, fragments: &fragments };
/// assert_eq!(&envelope.open(opener, b"")?[..], b"lab report");
/// # Ok::<(), rs_habe::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum Opener<'a> {
    /// An attribute-based decryption key.
    Key(&'a DecryptionKey),
    /// The owner of a PRE key pair, opening the capsule made for its public key.
    PreOwner(&'a KeyPair),
    /// A delegatee combining `t` verified fragments of one of the envelope's capsules.
    PreDelegatee {
        /// The delegatee's key for the delegation
        /// ([`CheckedRecord::delegatee_key`](crate::pre::CheckedRecord::delegatee_key)).
        key: &'a DelegateeKey,
        /// At least `t` fragments of one of the envelope's capsules, verified against the
        /// delegation's checked record.
        fragments: &'a [VerifiedCapsuleFrag],
    },
    /// A user finishing an outsourced decryption: the server's partial result (from
    /// [`EnvelopeHeader::transform`]) and the user's retrieval key.
    Outsourced {
        /// The user's retrieval key `RK = ĝ^β` (scheme.md §8a).
        retrieval_key: &'a RetrievalKey,
        /// The server's result for one policy recipient of this envelope.
        partial: &'a PartialDecryption,
    },
}

impl<'a> From<&'a DecryptionKey> for Opener<'a> {
    fn from(dk: &'a DecryptionKey) -> Self {
        Opener::Key(dk)
    }
}

impl<'a> From<&'a KeyPair> for Opener<'a> {
    fn from(kp: &'a KeyPair) -> Self {
        Opener::PreOwner(kp)
    }
}

/// One recipient slot of an envelope header.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Slot {
    Policy {
        header: Header,
        wrapped: [u8; WRAPPED_LEN],
    },
    Pre {
        capsule: Capsule,
        wrapped: [u8; WRAPPED_LEN],
    },
}

impl Slot {
    fn wrapped_mut(&mut self) -> &mut [u8; WRAPPED_LEN] {
        match self {
            Slot::Policy { wrapped, .. } | Slot::Pre { wrapped, .. } => wrapped,
        }
    }
}

/// An envelope without its payload: id, key commitment, nonce prefix and recipients. This is all
/// the cloud rewrites when it moves an envelope to a later period (and of it, only the policy
/// recipients' headers change).
///
/// ```
/// use rs_habe::{Authority, Envelope, Policy, Recipient, SetupParams};
/// let mut rng = rand::thread_rng();
/// let authority = Authority::setup(&mut rng, SetupParams::new(6, 3))?;
/// let pp = authority.public_params();
/// let policy = Policy::parse("nurse")?;
/// let envelope = Envelope::seal(&mut rng, pp, &[Recipient::Policy { policy: &policy, period: 2 }], b"", b"x")?;
/// let moved = envelope.header().update(&mut rng, pp, 5)?;
/// assert_eq!(moved.policy_headers().next().map(|h| h.period()), Some(5));
/// assert_eq!(moved.id(), envelope.header().id()); // same envelope, same content key
/// # Ok::<(), rs_habe::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct EnvelopeHeader {
    id: [u8; ID_LEN],
    /// The key commitment derived from the content key (scheme.md §11 v1.1).
    commitment: [u8; COMMITMENT_LEN],
    nonce_prefix: [u8; payload::NONCE_PREFIX_SIZE],
    slots: Vec<Slot>,
}

impl core::fmt::Debug for EnvelopeHeader {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EnvelopeHeader")
            .field("recipients", &self.slots.len())
            .finish_non_exhaustive()
    }
}

/// A sealed record: an [`EnvelopeHeader`] and the encrypted payload.
///
/// ```
/// use rs_habe::{Authority, AttributeSet, Envelope, Policy, Recipient, SetupParams};
/// let mut rng = rand::thread_rng();
/// let mut authority = Authority::setup(&mut rng, SetupParams::new(8, 4))?;
/// let pp = authority.public_params().clone();
/// let policy = Policy::parse("(doctor and cardiology) or (nurse and ward:3)")?;
/// let envelope = Envelope::seal(
///     &mut rng, &pp, &[Recipient::Policy { policy: &policy, period: 1 }], b"record 42", b"ECG: normal",
/// )?;
///
/// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse", "ward:3"])?)?;
/// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
/// let bytes = envelope.to_bytes();
/// let plaintext = Envelope::from_bytes(&bytes)?.open(&dk, b"record 42")?;
/// assert_eq!(&plaintext[..], b"ECG: normal");
/// # Ok::<(), rs_habe::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Envelope {
    header: EnvelopeHeader,
    payload: Vec<u8>,
}

impl core::fmt::Debug for Envelope {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Envelope")
            .field("header", &self.header)
            .field("payload_len", &self.payload.len())
            .finish()
    }
}

/// `AES-256-GCM(kem_key, 0, ad, ck)`.
fn wrap(kem_key: &[u8; 32], ad: &[u8; 32], ck: &ContentKey) -> Result<[u8; WRAPPED_LEN]> {
    let aead = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(kem_key));
    let ct = aead
        .encrypt(
            Nonce::from_slice(&[0u8; 12]),
            Payload {
                msg: ck.as_bytes(),
                aad: ad,
            },
        )
        .map_err(|_| Error::Decryption)?;
    ct.as_slice().try_into().map_err(|_| Error::Decryption)
}

/// The inverse of [`wrap`]; any failure is the opaque [`Error::Decryption`]. The content key it
/// returns is not yet checked against the envelope's commitment
/// ([`ContentKey::payload_key`] does that).
fn unwrap_key(
    kem_key: &[u8; 32],
    ad: &[u8; 32],
    wrapped: &[u8; WRAPPED_LEN],
) -> Result<ContentKey> {
    let aead = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(kem_key));
    let pt = Zeroizing::new(
        aead.decrypt(
            Nonce::from_slice(&[0u8; 12]),
            Payload {
                msg: wrapped,
                aad: ad,
            },
        )
        .map_err(|_| Error::Decryption)?,
    );
    ContentKey::from_slice(&pt).ok_or(Error::Decryption)
}

impl EnvelopeHeader {
    /// Makes a header with a fresh content key wrapped for every recipient; returns it with the
    /// payload key derived from that content key and the associated data.
    fn seal(
        rng: &mut impl CryptoRngCore,
        pp: &PublicParams,
        recipients: &[Recipient<'_>],
        aad: &[u8],
    ) -> Result<(EnvelopeHeader, PayloadKey, [u8; 32])> {
        if recipients.is_empty() || recipients.len() > MAX_RECIPIENTS {
            return Err(Error::InvalidParameter(Parameter::Recipients));
        }
        let ck = ContentKey::random(rng);
        let mut id = [0u8; ID_LEN];
        rng.fill_bytes(&mut id);
        // scheme.md §11 v1.1: the payload is keyed by a key derived from CK, and CK is committed.
        let (payload_key, commitment) = ck.derive(&id)?;
        let mut nonce_prefix = [0u8; payload::NONCE_PREFIX_SIZE];
        rng.fill_bytes(&mut nonce_prefix);
        let mut keys = Vec::with_capacity(recipients.len());
        let mut slots = Vec::with_capacity(recipients.len());
        for r in recipients {
            match r {
                Recipient::Policy { policy, period } => {
                    let (header, key) = Header::encapsulate(rng, pp, policy, *period)?;
                    keys.push(key);
                    slots.push(Slot::Policy {
                        header,
                        wrapped: [0u8; WRAPPED_LEN],
                    });
                }
                Recipient::Pre(pk) => {
                    let (capsule, key) = crate::pre::encapsulate(rng, pk)?;
                    keys.push(key);
                    slots.push(Slot::Pre {
                        capsule,
                        wrapped: [0u8; WRAPPED_LEN],
                    });
                }
            }
        }
        let mut header = EnvelopeHeader {
            id,
            commitment,
            nonce_prefix,
            slots,
        };
        let ad = header.ad(aad);
        for (slot, key) in header.slots.iter_mut().zip(keys.iter()) {
            *slot.wrapped_mut() = wrap(key, &ad, &ck)?;
        }
        Ok((header, payload_key, ad))
    }

    /// The digest of the invariant core, used as associated data (see the module docs).
    fn ad(&self, aad: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        let mut put = |b: &[u8]| {
            h.update((b.len() as u64).to_be_bytes());
            h.update(b);
        };
        put(domain::LABEL_ENVELOPE_AD);
        put(&[domain::WIRE_VERSION]);
        put(domain::SUITE_ID);
        put(&self.id);
        put(&self.commitment);
        put(&self.nonce_prefix);
        put(&(self.slots.len() as u64).to_be_bytes());
        for slot in &self.slots {
            match slot {
                Slot::Policy { header, .. } => {
                    put(&[KIND_POLICY]);
                    put(header.policy().canonical_text().as_bytes());
                }
                Slot::Pre { capsule, .. } => {
                    put(&[KIND_PRE]);
                    put(&capsule.to_bytes());
                }
            }
        }
        put(aad);
        h.finalize().into()
    }

    /// The random 16-byte envelope id.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, Envelope, Policy, Recipient, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params();
    /// let policy = Policy::parse("nurse")?;
    /// let to_nurses = [Recipient::Policy { policy: &policy, period: 2 }];
    /// let envelope = Envelope::seal(&mut rng, pp, &to_nurses, b"", b"x")?;
    /// let id = *envelope.header().id();
    /// // Stable across the cloud's updates: a name to store the record under.
    /// assert_eq!(envelope.update(&mut rng, pp, 5)?.header().id(), &id);
    /// // Random for every envelope, even with the same recipients and content.
    /// assert_ne!(Envelope::seal(&mut rng, pp, &to_nurses, b"", b"x")?.header().id(), &id);
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn id(&self) -> &[u8; 16] {
        &self.id
    }

    /// The ABE headers of the policy recipients.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{pre, Authority, Envelope, Policy, Recipient, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let patient = pre::KeyPair::random(&mut rng).public_key();
    /// let (doctors, nurses) = (Policy::parse("doctor")?, Policy::parse("nurse")?);
    /// let recipients = [
    ///     Recipient::Policy { policy: &doctors, period: 2 },
    ///     Recipient::Pre(&patient),
    ///     Recipient::Policy { policy: &nurses, period: 2 },
    /// ];
    /// let envelope = Envelope::seal(&mut rng, authority.public_params(), &recipients, b"", b"x")?;
    /// let policies: Vec<String> =
    ///     envelope.header().policy_headers().map(|h| h.policy().to_string()).collect();
    /// assert_eq!(policies, ["doctor", "nurse"]);
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn policy_headers(&self) -> impl Iterator<Item = &Header> + '_ {
        self.slots.iter().filter_map(|s| match s {
            Slot::Policy { header, .. } => Some(header),
            Slot::Pre { .. } => None,
        })
    }

    /// The server's half of an outsourced decryption: runs the pairing work for the first policy
    /// recipient the transform key can open, and says which one it was.
    ///
    /// # Errors
    /// The public errors of [`DecryptionKey::decapsulate`] for the first policy recipient, or
    /// [`Error::NoMatchingRecipient`] when there is none.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{
    ///     pre, Authority, AttributeSet, Envelope, Error, Opener, Policy, Recipient, SetupParams,
    /// };
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params().clone();
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// let (transform, retrieval) = dk.outsource(&mut rng, &pp)?;
    ///
    /// let policy = Policy::parse("nurse")?;
    /// let to_nurses = [Recipient::Policy { policy: &policy, period: 1 }];
    /// let envelope = Envelope::seal(&mut rng, &pp, &to_nurses, b"", b"x-ray")?;
    /// let partial = envelope.header().transform(&transform)?; // on the server
    /// let opener = Opener::Outsourced { retrieval_key: &retrieval, partial: &partial };
    /// assert_eq!(&envelope.open(opener, b"")?[..], b"x-ray"); // on the phone
    ///
    /// // An envelope without policy recipients gives the server nothing to do.
    /// let patient = pre::KeyPair::random(&mut rng).public_key();
    /// let pre_only = Envelope::seal(&mut rng, &pp, &[Recipient::Pre(&patient)], b"", b"x")?;
    /// assert!(matches!(pre_only.header().transform(&transform), Err(Error::NoMatchingRecipient)));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn transform(&self, key: &TransformKey) -> Result<PartialDecryption> {
        let mut first_error = None;
        for (index, slot) in self.slots.iter().enumerate() {
            if let Slot::Policy { header, .. } = slot {
                match key.transform(header) {
                    Ok(mut partial) => {
                        partial.slot = u32::try_from(index).map_err(|_| Error::Decryption)?;
                        return Ok(partial);
                    }
                    Err(e) => {
                        first_error.get_or_insert(e);
                    }
                }
            }
        }
        Err(first_error.unwrap_or(Error::NoMatchingRecipient))
    }

    /// The capsules of the PRE recipients (what proxies re-encrypt).
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{pre, Authority, Envelope, Policy, Recipient, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let patient = pre::KeyPair::random(&mut rng);
    /// let patient_pk = patient.public_key();
    /// let policy = Policy::parse("doctor")?;
    /// let recipients = [
    ///     Recipient::Policy { policy: &policy, period: 0 },
    ///     Recipient::Pre(&patient_pk),
    /// ];
    /// let envelope = Envelope::seal(&mut rng, authority.public_params(), &recipients, b"", b"x")?;
    /// let capsules: Vec<_> = envelope.header().capsules().collect();
    /// assert_eq!(capsules.len(), 1);
    /// // The patient opens it directly; proxies re-encrypt this same capsule for others.
    /// assert!(patient.decapsulate(capsules[0]).is_ok());
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn capsules(&self) -> impl Iterator<Item = &Capsule> + '_ {
        self.slots.iter().filter_map(|s| match s {
            Slot::Pre { capsule, .. } => Some(capsule),
            Slot::Policy { .. } => None,
        })
    }

    /// The number of recipients.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{pre, Authority, Envelope, Policy, Recipient, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let patient = pre::KeyPair::random(&mut rng).public_key();
    /// let policy = Policy::parse("doctor")?;
    /// let recipients = [Recipient::Policy { policy: &policy, period: 0 }, Recipient::Pre(&patient)];
    /// let header = Envelope::seal(&mut rng, authority.public_params(), &recipients, b"", b"x")?
    ///     .header()
    ///     .clone();
    /// assert_eq!(header.recipient_count(), 2);
    /// let (policies, capsules) = (header.policy_headers().count(), header.capsules().count());
    /// assert_eq!(header.recipient_count(), policies + capsules);
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn recipient_count(&self) -> usize {
        self.slots.len()
    }

    /// Moves every policy recipient to `period` (scheme.md §8) with public parameters only; the
    /// content key and payload are unchanged. The cloud must delete the old header.
    ///
    /// # Errors
    /// As [`Header::update`].
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Envelope, Error, Policy, Recipient, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params().clone();
    /// let policy = Policy::parse("nurse")?;
    /// let to_nurses = [Recipient::Policy { policy: &policy, period: 2 }];
    /// let envelope = Envelope::seal(&mut rng, &pp, &to_nurses, b"", b"x")?;
    ///
    /// // The cloud rewrites the header part only; the payload stays where it is.
    /// let header = envelope.header().update(&mut rng, &pp, 6)?;
    /// assert_eq!(header.policy_headers().map(|h| h.period()).collect::<Vec<_>>(), [6]);
    /// let mut stored = header.to_bytes();
    /// stored.extend_from_slice(envelope.payload());
    /// let moved = Envelope::from_bytes(&stored)?;
    ///
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 6)?)?;
    /// assert_eq!(&moved.open(&dk, b"")?[..], b"x");
    /// assert!(matches!(header.update(&mut rng, &pp, 1), Err(Error::PeriodInPast)));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn update(
        &self,
        rng: &mut impl CryptoRngCore,
        pp: &PublicParams,
        period: u64,
    ) -> Result<Self> {
        let mut out = self.clone();
        for slot in &mut out.slots {
            if let Slot::Policy { header, .. } = slot {
                *header = header.update(rng, pp, period)?;
            }
        }
        Ok(out)
    }

    /// Recovers the payload key: tries every recipient the opener can open, unwraps its content
    /// key and accepts it only if it matches the envelope's key commitment (scheme.md §11 v1.1).
    /// A recipient whose wrap opens to an uncommitted content key counts as a failed attempt
    /// ([`Error::Decryption`] if no other recipient succeeds); the payload is never touched here.
    fn payload_key(&self, opener: Opener<'_>, aad: &[u8]) -> Result<PayloadKey> {
        let ad = self.ad(aad);
        let mut public_error = None;
        let mut tried = false;
        // A delegatee whose fragments belong to none of the envelope's capsules.
        let mut foreign_fragments = false;
        for (index, slot) in self.slots.iter().enumerate() {
            let attempt = match (slot, opener) {
                (Slot::Policy { header, wrapped }, Opener::Key(dk)) => {
                    dk.decapsulate(header).map(|k| (k, wrapped))
                }
                (Slot::Pre { capsule, wrapped }, Opener::PreOwner(kp)) => {
                    kp.decapsulate(capsule).map(|k| (k, wrapped))
                }
                (Slot::Pre { capsule, wrapped }, Opener::PreDelegatee { key, fragments }) => {
                    match fragments.first() {
                        None => Err(Error::NotEnoughFragments),
                        Some(f) if !f.is_for(capsule) => {
                            foreign_fragments = true;
                            continue;
                        }
                        Some(_) => key.decapsulate(capsule, fragments).map(|k| (k, wrapped)),
                    }
                }
                (
                    Slot::Policy { header, wrapped },
                    Opener::Outsourced {
                        retrieval_key,
                        partial,
                    },
                ) => {
                    if usize::try_from(partial.slot).ok() != Some(index) {
                        continue;
                    }
                    retrieval_key.finish(header, partial).map(|k| (k, wrapped))
                }
                _ => continue,
            };
            match attempt {
                Ok((key, wrapped)) => {
                    tried = true;
                    let committed = unwrap_key(&key, &ad, wrapped)
                        .and_then(|ck| ck.payload_key(&self.id, &self.commitment));
                    if let Ok(payload_key) = committed {
                        return Ok(payload_key);
                    }
                }
                Err(e) => {
                    public_error.get_or_insert(e);
                }
            }
        }
        if tried {
            return Err(Error::Decryption);
        }
        Err(public_error.unwrap_or(if foreign_fragments {
            Error::FragmentMismatch
        } else {
            Error::NoMatchingRecipient
        }))
    }

    /// The canonical encoding of the header part.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, Envelope, EnvelopeHeader, Policy, Recipient, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let policy = Policy::parse("nurse")?;
    /// let recipients = [Recipient::Policy { policy: &policy, period: 0 }];
    /// let envelope = Envelope::seal(&mut rng, authority.public_params(), &recipients, b"", b"x")?;
    /// let header_part = envelope.header().to_bytes();
    /// // An envelope's encoding is its header part followed by the payload.
    /// assert_eq!([&header_part[..], envelope.payload()].concat(), envelope.to_bytes());
    /// assert_eq!(EnvelopeHeader::from_bytes(&header_part)?, *envelope.header());
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        encoding::to_bytes(self)
    }

    /// Strict decoding of [`to_bytes`](Self::to_bytes).
    ///
    /// # Errors
    /// [`Error::Decode`] with the offending kind and offset.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{
    ///     Authority, DecodeErrorKind, Envelope, EnvelopeHeader, Error, Policy, Recipient,
    ///     SetupParams,
    /// };
    /// let mut rng = rand::thread_rng();
    /// let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let policy = Policy::parse("nurse")?;
    /// let recipients = [Recipient::Policy { policy: &policy, period: 0 }];
    /// let envelope = Envelope::seal(&mut rng, authority.public_params(), &recipients, b"", b"x")?;
    /// let bytes = envelope.to_bytes();
    /// let n = envelope.header().to_bytes().len();
    /// assert_eq!(EnvelopeHeader::from_bytes(&bytes[..n])?, *envelope.header());
    /// // The header part alone: a payload after it is trailing bytes (use `Envelope::from_bytes`).
    /// match EnvelopeHeader::from_bytes(&bytes) {
    ///     Err(Error::Decode(e)) => {
    ///         assert_eq!((e.kind, e.offset), (DecodeErrorKind::TrailingBytes, n))
    ///     }
    ///     other => panic!("{other:?}"),
    /// }
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        encoding::from_bytes(bytes)
    }
}

impl Object for EnvelopeHeader {
    const OBJECT: ObjectType = ObjectType::Envelope;
}

impl Encode for EnvelopeHeader {
    fn write_body(&self, out: &mut dyn Writer) {
        out.put_bytes(&self.id);
        out.put_bytes(&self.commitment);
        out.put_bytes(&self.nonce_prefix);
        out.put_len(self.slots.len());
        for slot in &self.slots {
            match slot {
                Slot::Policy { header, wrapped } => {
                    out.put_u8(KIND_POLICY);
                    encoding::write_nested(out, header);
                    out.put_bytes(wrapped);
                }
                Slot::Pre { capsule, wrapped } => {
                    out.put_u8(KIND_PRE);
                    encoding::write_nested(out, capsule);
                    out.put_bytes(wrapped);
                }
            }
        }
    }
}

impl Decode for EnvelopeHeader {
    /// Reads the header part; the reader is left at the start of the payload.
    fn read_body(r: &mut Reader<'_>) -> Result<Self> {
        let id = r.array()?;
        let commitment = r.array()?;
        let nonce_prefix = r.array()?;
        let at = r.offset();
        let n = r.count(MAX_RECIPIENTS, MIN_SLOT_LEN)?;
        if n == 0 {
            return Err(r.err_at(DecodeErrorKind::InvalidValue, at).into());
        }
        let mut slots = Vec::with_capacity(n);
        for _ in 0..n {
            let at = r.offset();
            match r.u8()? {
                KIND_POLICY => {
                    let header = read_nested(r)?;
                    slots.push(Slot::Policy {
                        header,
                        wrapped: r.array()?,
                    });
                }
                KIND_PRE => {
                    let capsule = read_nested(r)?;
                    slots.push(Slot::Pre {
                        capsule,
                        wrapped: r.array()?,
                    });
                }
                _ => return Err(r.err_at(DecodeErrorKind::InvalidValue, at).into()),
            }
        }
        Ok(EnvelopeHeader {
            id,
            commitment,
            nonce_prefix,
            slots,
        })
    }
}

/// A recipient's object: a length-prefixed sub-encoding of at most [`MAX_RECIPIENT_LEN`] bytes,
/// decoded whole; errors are reported at their offset in the envelope.
fn read_nested<T: Decode>(r: &mut Reader<'_>) -> core::result::Result<T, DecodeError> {
    let body = r.var_bytes(MAX_RECIPIENT_LEN)?;
    encoding::from_nested_bytes(body, r.offset() - body.len())
}

impl Envelope {
    /// Encrypts `plaintext` once for every recipient (scheme.md §11). `aad` is the caller's
    /// associated data: bound to the envelope, not stored in it, needed again to open it.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for no or too many recipients
    /// ([`Parameter::Recipients`]) or a plaintext above 256 TiB ([`Parameter::Plaintext`]); the
    /// errors of [`Header::encapsulate`].
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{
    ///     Authority, AttributeSet, Envelope, Error, Parameter, Policy, Recipient, SetupParams,
    /// };
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params().clone();
    /// let policy = Policy::parse("doctor or nurse")?;
    /// let plaintext = b"blood pressure 120/80";
    /// let to_staff = [Recipient::Policy { policy: &policy, period: 4 }];
    /// let envelope = Envelope::seal(&mut rng, &pp, &to_staff, b"patient 17", plaintext)?;
    /// // The payload is the plaintext plus a 16-byte tag per 64 KiB chunk.
    /// assert_eq!(envelope.payload().len(), plaintext.len() + 16);
    ///
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 4)?)?;
    /// assert_eq!(&envelope.open(&dk, b"patient 17")?[..], plaintext);
    /// assert!(matches!(
    ///     Envelope::seal(&mut rng, &pp, &[], b"", plaintext),
    ///     Err(Error::InvalidParameter(Parameter::Recipients))
    /// ));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn seal(
        rng: &mut impl CryptoRngCore,
        pp: &PublicParams,
        recipients: &[Recipient<'_>],
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Envelope> {
        let (header, payload_key, ad) = EnvelopeHeader::seal(rng, pp, recipients, aad)?;
        let payload = payload::seal(&payload_key, &header.nonce_prefix, &ad, plaintext)?;
        Ok(Envelope { header, payload })
    }

    /// Decrypts with a decryption key, a PRE key pair, or a PRE delegatee's verified
    /// fragments (see [`Opener`]). Nothing is released unless the whole payload authenticates.
    ///
    /// # Errors
    /// [`Error::PolicyNotSatisfied`], [`Error::PeriodNotCovered`], [`Error::ParamsMismatch`] when
    /// no policy recipient can be opened by this key; the PRE errors of
    /// [`pre::DelegateeKey::decapsulate`](crate::pre::DelegateeKey::decapsulate) for a delegatee (also
    /// [`Error::FragmentMismatch`] when the fragments belong to none of the envelope's capsules,
    /// [`Error::NotEnoughFragments`] for no fragments at all);
    /// [`Error::NoMatchingRecipient`] when the envelope has no recipient of the opener's kind;
    /// [`Error::Decryption`] for a wrong key, a content key that does not match the envelope's
    /// key commitment (checked before the payload is touched), or any tampering.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Envelope, Error, Policy, Recipient, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params().clone();
    /// let policy = Policy::parse("nurse")?;
    /// let to_nurses = [Recipient::Policy { policy: &policy, period: 2 }];
    /// let envelope = Envelope::seal(&mut rng, &pp, &to_nurses, b"record 7", b"temperature 37.2")?;
    ///
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 2)?)?;
    /// assert_eq!(&envelope.open(&dk, b"record 7")?[..], b"temperature 37.2");
    /// // Other associated data: nothing is released, and nothing says why.
    /// assert!(matches!(envelope.open(&dk, b"record 8"), Err(Error::Decryption)));
    /// // Public facts are typed: this key is for period 2, the moved envelope for period 3.
    /// let moved = envelope.update(&mut rng, &pp, 3)?;
    /// assert!(matches!(moved.open(&dk, b"record 7"), Err(Error::PeriodNotCovered)));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn open<'a>(
        &self,
        opener: impl Into<Opener<'a>>,
        aad: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        let payload_key = self.header.payload_key(opener.into(), aad)?;
        payload::open(
            &payload_key,
            &self.header.nonce_prefix,
            &self.header.ad(aad),
            &self.payload,
        )
    }

    /// The header part (recipients).
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Envelope, Policy, Recipient, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let policy = Policy::parse("doctor or nurse")?;
    /// let recipients = [Recipient::Policy { policy: &policy, period: 2 }];
    /// let envelope = Envelope::seal(&mut rng, authority.public_params(), &recipients, b"", b"x")?;
    /// // Public: decide whether a key is worth trying without touching the payload.
    /// let mine = AttributeSet::new(["nurse"])?;
    /// let (my_period, header) = (5, envelope.header());
    /// assert!(header
    ///     .policy_headers()
    ///     .any(|h| h.policy().is_satisfied_by(&mine) && h.period() <= my_period));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn header(&self) -> &EnvelopeHeader {
        &self.header
    }

    /// The encrypted payload bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, Envelope, Policy, Recipient, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params();
    /// let policy = Policy::parse("nurse")?;
    /// let recipients = [Recipient::Policy { policy: &policy, period: 2 }];
    /// let scan = vec![7u8; 100_000]; // two 64 KiB chunks
    /// let envelope = Envelope::seal(&mut rng, pp, &recipients, b"", &scan)?;
    /// assert_eq!(envelope.payload().len(), scan.len() + 2 * 16);
    /// // The cloud's period updates never touch the payload.
    /// assert_eq!(envelope.update(&mut rng, pp, 9)?.payload(), envelope.payload());
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// Moves every policy recipient to a later period (scheme.md §8); the payload is untouched.
    ///
    /// # Errors
    /// As [`Header::update`].
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Envelope, Error, Policy, Recipient, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params().clone();
    /// let policy = Policy::parse("nurse")?;
    /// let to_nurses = [Recipient::Policy { policy: &policy, period: 2 }];
    /// let envelope = Envelope::seal(&mut rng, &pp, &to_nurses, b"", b"scan")?;
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let old_dk = nurse.decryption_key(&authority.key_update(&mut rng, 2)?)?;
    /// assert_eq!(&envelope.open(&old_dk, b"")?[..], b"scan");
    ///
    /// // After the move, keys of earlier periods (say, of a user revoked since) no longer open it.
    /// let moved = envelope.update(&mut rng, &pp, 6)?;
    /// assert!(matches!(moved.open(&old_dk, b""), Err(Error::PeriodNotCovered)));
    /// let new_dk = nurse.decryption_key(&authority.key_update(&mut rng, 6)?)?;
    /// assert_eq!(&moved.open(&new_dk, b"")?[..], b"scan");
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn update(
        &self,
        rng: &mut impl CryptoRngCore,
        pp: &PublicParams,
        period: u64,
    ) -> Result<Envelope> {
        Ok(Envelope {
            header: self.header.update(rng, pp, period)?,
            payload: self.payload.clone(),
        })
    }

    /// The canonical encoding: header part, then the payload to the end.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, Envelope, Policy, Recipient, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let policy = Policy::parse("nurse")?;
    /// let recipients = [Recipient::Policy { policy: &policy, period: 0 }];
    /// let envelope = Envelope::seal(&mut rng, authority.public_params(), &recipients, b"", b"x")?;
    /// let bytes = envelope.to_bytes();
    /// assert!(bytes.ends_with(envelope.payload()));
    /// assert_eq!(Envelope::from_bytes(&bytes)?, envelope);
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        encoding::to_bytes(self)
    }

    /// Strict decoding of the header part; the rest is the payload (authenticated on opening).
    ///
    /// # Errors
    /// [`Error::Decode`] with the offending kind and offset.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{
    ///     Authority, AttributeSet, DecodeErrorKind, Envelope, Error, Policy, Recipient, SetupParams,
    /// };
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params().clone();
    /// let policy = Policy::parse("nurse")?;
    /// let to_nurses = [Recipient::Policy { policy: &policy, period: 0 }];
    /// let bytes = Envelope::seal(&mut rng, &pp, &to_nurses, b"", b"lab result")?.to_bytes();
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 0)?)?;
    /// assert_eq!(&Envelope::from_bytes(&bytes)?.open(&dk, b"")?[..], b"lab result");
    ///
    /// // Damage to the header part is a decoding error…
    /// match Envelope::from_bytes(&bytes[..20]) {
    ///     Err(Error::Decode(e)) => assert_eq!(e.kind, DecodeErrorKind::Truncated),
    ///     other => panic!("{other:?}"),
    /// }
    /// // …damage to the payload shows only when opening.
    /// let mut damaged = bytes.clone();
    /// let last = damaged.len() - 1;
    /// damaged[last] ^= 1;
    /// assert!(matches!(Envelope::from_bytes(&damaged)?.open(&dk, b""), Err(Error::Decryption)));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        encoding::from_bytes(bytes)
    }
}

impl Object for Envelope {
    const OBJECT: ObjectType = ObjectType::Envelope;
}

/// The header part, then the payload to the end.
impl Encode for Envelope {
    fn write_body(&self, out: &mut dyn Writer) {
        self.header.write_body(out);
        out.put_bytes(&self.payload);
    }
}

/// Strict decoding of the header part; the rest is the payload (authenticated on opening).
impl Decode for Envelope {
    fn read_body(r: &mut Reader<'_>) -> Result<Self> {
        let header = EnvelopeHeader::read_body(r)?;
        let rest = r.bytes(r.remaining())?;
        if rest.len() < payload::TAG_SIZE {
            return Err(r.err(DecodeErrorKind::Truncated).into());
        }
        Ok(Envelope {
            header,
            payload: rest.to_vec(),
        })
    }
}
