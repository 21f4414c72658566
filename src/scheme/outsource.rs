//! Outsourced decryption (for phones and wearables; not in scheme.md — the standard
//! Green–Hohenberger–Waters transformation applied to the §5 key).
//!
//! The user picks a secret `z` and raises every element of its decryption key to `1/z`: the
//! result is a [`TransformKey`] of exactly the §5 form whose master part is `ĝ^{α/z}`. Any
//! untrusted server runs the whole pairing computation of §8 with it and gets `(Ω^s)^{1/z}`, a
//! [`PartialDecryption`]. The user, holding the small [`RetrievalKey`] `z`, finishes with one GT
//! exponentiation and the KDF.
//!
//! The server learns `(Ω^s)^{1/z}` only: without `z` that is a uniformly random-looking GT
//! element, and the transform key alone is a key "for a different master secret" that opens
//! nothing. A server that returns garbage makes the user derive a wrong key, which the AEAD of the
//! envelope rejects ([`Error::Decryption`](crate::Error::Decryption)); no plaintext is released.

use alloc::vec::Vec;

use blstrs::{G2Projective, Gt, Scalar};
use ff::Field;
use rand_core::{CryptoRng, RngCore};
use zeroize::Zeroizing;

use super::kem::{kem_key, Header, SharedKey};
use super::keys::{normalize, DecryptionKey, KeyBody, Pair};
use super::tree::UserId;
use crate::encoding::{ObjectType, Reader, Writer};
use crate::error::{DecodeErrorKind, Result};
use crate::policy::AttributeSet;
use crate::secret::SecretScalar;

/// A decryption key blinded by `1/z`, for an untrusted server. Useless without the matching
/// [`RetrievalKey`]; it carries the same attribute set and period as the key it came from.
///
/// # Examples
///
/// ```
/// use rs_habe::{Authority, AttributeSet, Header, Policy, SetupParams, TransformKey};
/// let mut rng = rand::thread_rng();
/// let mut authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
/// let pp = authority.public_params().clone();
/// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
/// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
/// let (header, key) = Header::encapsulate(&mut rng, &pp, &Policy::parse("nurse")?, 1)?;
///
/// let (transform, retrieval) = dk.outsource(&mut rng);
/// let on_server = TransformKey::from_bytes(&transform.to_bytes())?; // sent to the server
/// let partial = on_server.transform(&header)?;
/// assert_eq!(*retrieval.finish(&header, &partial)?, *key);
/// // The server's work is useless with any other retrieval key.
/// let (_, unrelated) = dk.outsource(&mut rng);
/// assert_ne!(*unrelated.finish(&header, &partial)?, *key);
/// # Ok::<(), rs_habe::Error>(())
/// ```
pub struct TransformKey(pub(crate) DecryptionKey);

/// The user's secret `z`: 32 bytes that turn a server's [`PartialDecryption`] into the key.
/// Zeroized on drop, never printed.
///
/// # Examples
///
/// ```
/// use rs_habe::{Authority, AttributeSet, Header, Policy, RetrievalKey, SetupParams};
/// let mut rng = rand::thread_rng();
/// let mut authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
/// let pp = authority.public_params().clone();
/// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
/// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
/// let (header, key) = Header::encapsulate(&mut rng, &pp, &Policy::parse("nurse")?, 1)?;
///
/// let (transform, retrieval) = dk.outsource(&mut rng);
/// let stored = retrieval.to_bytes(); // the phone keeps these 38 bytes
/// let partial = transform.transform(&header)?; // on the server
/// let retrieval = RetrievalKey::from_bytes(&stored)?;
/// assert_eq!(*retrieval.finish(&header, &partial)?, *key);
/// # Ok::<(), rs_habe::Error>(())
/// ```
pub struct RetrievalKey(SecretScalar);

/// What the server returns: `(Ω^s)^{1/z}` for one header (or one policy recipient of an
/// envelope, identified by its position).
///
/// # Examples
///
/// ```
/// use rs_habe::{Authority, AttributeSet, Header, PartialDecryption, Policy, SetupParams};
/// let mut rng = rand::thread_rng();
/// let mut authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
/// let pp = authority.public_params().clone();
/// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
/// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
/// let (header, key) = Header::encapsulate(&mut rng, &pp, &Policy::parse("nurse")?, 1)?;
/// let (transform, retrieval) = dk.outsource(&mut rng);
///
/// let reply = transform.transform(&header)?.to_bytes(); // the server's answer
/// let partial = PartialDecryption::from_bytes(&reply)?;
/// assert_eq!(partial.slot(), 0); // a bare header, not an envelope recipient
/// assert_eq!(*retrieval.finish(&header, &partial)?, *key);
/// # Ok::<(), rs_habe::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PartialDecryption {
    pub(crate) value: Gt,
    pub(crate) slot: u32,
}

impl core::fmt::Debug for TransformKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TransformKey")
            .field("period", &self.0.period)
            .field("attributes", &self.0.attributes)
            .finish_non_exhaustive()
    }
}

impl core::fmt::Debug for RetrievalKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("RetrievalKey([redacted])")
    }
}

impl core::fmt::Debug for PartialDecryption {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PartialDecryption")
            .field("slot", &self.slot)
            .finish_non_exhaustive()
    }
}

impl DecryptionKey {
    /// Splits this key for outsourced decryption: a [`TransformKey`] for a server and a
    /// [`RetrievalKey`] the user keeps.
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Header, Policy, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams { time_depth: 6, tree_depth: 3 })?;
    /// let pp = authority.public_params().clone();
    /// let sk = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let dk = sk.decryption_key(&authority.key_update(&mut rng, 2)?)?;
    /// let (header, key) = Header::encapsulate(&mut rng, &pp, &Policy::parse("nurse")?, 1)?;
    ///
    /// let (transform, retrieval) = dk.outsource(&mut rng);
    /// let partial = transform.transform(&header)?; // on the server
    /// assert_eq!(*retrieval.finish(&header, &partial)?, *key); // on the phone
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn outsource<R: RngCore + CryptoRng>(&self, rng: &mut R) -> (TransformKey, RetrievalKey) {
        let z = loop {
            let z = Scalar::random(&mut *rng);
            if !bool::from(z.is_zero()) {
                break SecretScalar::new(z);
            }
        };
        // z is non-zero, so the inverse exists.
        let inv = SecretScalar::new(Option::<Scalar>::from(z.invert()).unwrap_or(Scalar::ONE));
        let b = &self.body;
        let mut pts: Vec<G2Projective> = Vec::with_capacity(3 + 2 * (b.attrs.len() + b.time.len()));
        for p in [&b.k0, &b.k1a, &b.k1t] {
            pts.push(p.proj() * *inv);
        }
        for pair in b.attrs.iter().chain(b.time.iter()) {
            pts.push(pair.a.proj() * *inv);
            pts.push(pair.b.proj() * *inv);
        }
        let flat = normalize(&pts);
        let mut it = flat.into_iter();
        let mut next = || it.next().unwrap_or_default();
        let (k0, k1a, k1t) = (next(), next(), next());
        let attrs = b
            .attrs
            .iter()
            .map(|_| Pair {
                a: next(),
                b: next(),
            })
            .collect();
        let time = b
            .time
            .iter()
            .map(|_| Pair {
                a: next(),
                b: next(),
            })
            .collect();
        let body = KeyBody {
            k0,
            k1a,
            attrs,
            k1t,
            time,
        };
        let tk = DecryptionKey::new(
            self.holder,
            self.time_depth,
            self.period,
            self.attributes.clone(),
            body,
        );
        (TransformKey(tk), RetrievalKey(z))
    }
}

impl TransformKey {
    /// The server's work on a header: the full multi-pairing of scheme.md §8 with the blinded
    /// key. Decides the same public facts as decryption.
    ///
    /// # Errors
    /// [`Error::PolicyNotSatisfied`](crate::Error::PolicyNotSatisfied), [`Error::PeriodNotCovered`](crate::Error::PeriodNotCovered), [`Error::ParamsMismatch`](crate::Error::ParamsMismatch).
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Error, Header, Policy, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let pp = authority.public_params().clone();
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// let (transform, retrieval) = dk.outsource(&mut rng);
    ///
    /// let (header, key) = Header::encapsulate(&mut rng, &pp, &Policy::parse("nurse")?, 1)?;
    /// let partial = transform.transform(&header)?;
    /// assert_eq!(*retrieval.finish(&header, &partial)?, *key);
    /// // The server learns the same public facts as a decryptor would.
    /// let (for_doctors, _) = Header::encapsulate(&mut rng, &pp, &Policy::parse("doctor")?, 1)?;
    /// assert!(matches!(transform.transform(&for_doctors), Err(Error::PolicyNotSatisfied)));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn transform(&self, header: &Header) -> Result<PartialDecryption> {
        Ok(PartialDecryption {
            value: self.0.decapsulate_gt(header)?,
            slot: 0,
        })
    }

    /// The period of the decryption key it was made from: it transforms headers of this period
    /// and earlier ones. With [`attributes`](Self::attributes) and [`user_id`](Self::user_id),
    /// what a server holding many transform keys picks one by.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse", "ward:3"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 6)?)?;
    /// let (transform, _retrieval) = dk.outsource(&mut rng);
    /// assert_eq!(transform.period(), 6);
    /// assert!(transform.attributes().contains_str("ward:3"));
    /// assert_eq!(transform.user_id(), nurse.user_id());
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn period(&self) -> u64 {
        self.0.period()
    }

    /// The attributes of the decryption key it was made from (see [`period`](Self::period)).
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let attrs = AttributeSet::new(["nurse"])?;
    /// let update = authority.key_update(&mut rng, 1)?;
    /// let dk = authority.enrol(&mut rng, &attrs)?.decryption_key(&update)?;
    /// assert_eq!(dk.outsource(&mut rng).0.attributes(), &attrs);
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn attributes(&self) -> &AttributeSet {
        self.0.attributes()
    }

    /// The user the decryption key it was made from belongs to (see [`period`](Self::period)).
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// assert_eq!(dk.outsource(&mut rng).0.user_id(), nurse.user_id());
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn user_id(&self) -> UserId {
        self.0.user_id()
    }

    /// The canonical encoding (the same layout as a decryption key's, another object type).
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, DecryptionKey, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// let (transform, _retrieval) = dk.outsource(&mut rng);
    /// let bytes = transform.to_bytes();
    /// assert_eq!(bytes.len(), dk.to_bytes().len()); // a decryption key's layout…
    /// assert!(DecryptionKey::from_bytes(&bytes).is_err()); // …that cannot pass for one
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.0.to_bytes().to_vec();
        if let Some(ty) = out.get_mut(crate::encoding::PREFIX_LEN - 1) {
            *ty = ObjectType::TransformKey as u8;
        }
        out
    }

    /// Strict decoding of [`to_bytes`](Self::to_bytes).
    ///
    /// # Errors
    /// [`Error::Decode`](crate::Error::Decode) with the offending kind and offset.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, DecodeErrorKind, Error, SetupParams, TransformKey};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// let (transform, _retrieval) = dk.outsource(&mut rng);
    /// let restored = TransformKey::from_bytes(&transform.to_bytes())?;
    /// assert_eq!(restored.to_bytes(), transform.to_bytes());
    /// // A decryption key is refused: it must never be sent to a server.
    /// match TransformKey::from_bytes(&dk.to_bytes()) {
    ///     Err(Error::Decode(e)) => {
    ///         assert_eq!((e.kind, e.offset), (DecodeErrorKind::WrongObjectType, 5))
    ///     }
    ///     other => panic!("{other:?}"),
    /// }
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        r.prefix(ObjectType::TransformKey)?;
        let mut copy = Zeroizing::new(bytes.to_vec());
        if let Some(ty) = copy.get_mut(crate::encoding::PREFIX_LEN - 1) {
            *ty = ObjectType::DecryptionKey as u8;
        }
        Ok(TransformKey(DecryptionKey::from_bytes(&copy)?))
    }
}

impl PartialDecryption {
    /// The canonical encoding: prefix, slot index (u32), the GT element.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, Header, PartialDecryption, Policy, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let params = SetupParams { time_depth: 4, tree_depth: 2 };
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// # let pp = authority.public_params().clone();
    /// # let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// # let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// # let (header, _) = Header::encapsulate(&mut rng, &pp, &Policy::parse("nurse")?, 1)?;
    /// let (transform, _retrieval) = dk.outsource(&mut rng);
    /// let partial = transform.transform(&header)?;
    /// let bytes = partial.to_bytes();
    /// assert_eq!(bytes.len(), 6 + 4 + 288); // prefix, slot, one GT element
    /// assert_eq!(PartialDecryption::from_bytes(&bytes)?, partial);
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(crate::encoding::PREFIX_LEN + 4 + crate::hash::GT_BYTES);
        out.put_prefix(ObjectType::PartialDecryption);
        out.put_u32(self.slot);
        out.put_gt(&self.value);
        out
    }

    /// Strict decoding of [`to_bytes`](Self::to_bytes).
    ///
    /// # Errors
    /// [`Error::Decode`](crate::Error::Decode) with the offending kind and offset.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, Header, Policy, SetupParams};
    /// use rs_habe::{DecodeErrorKind, Error, PartialDecryption};
    /// # let mut rng = rand::thread_rng();
    /// # let params = SetupParams { time_depth: 4, tree_depth: 2 };
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// # let pp = authority.public_params().clone();
    /// # let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// # let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// # let (header, _) = Header::encapsulate(&mut rng, &pp, &Policy::parse("nurse")?, 1)?;
    /// let (transform, _retrieval) = dk.outsource(&mut rng);
    /// let mut bytes = transform.transform(&header)?.to_bytes();
    /// assert_eq!(PartialDecryption::from_bytes(&bytes)?.slot(), 0);
    /// // A slot at or beyond MAX_RECIPIENTS cannot name an envelope recipient.
    /// bytes[6..10].copy_from_slice(&64u32.to_be_bytes());
    /// match PartialDecryption::from_bytes(&bytes) {
    ///     Err(Error::Decode(e)) => {
    ///         assert_eq!((e.kind, e.offset), (DecodeErrorKind::InvalidValue, 6))
    ///     }
    ///     other => panic!("{other:?}"),
    /// }
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        r.prefix(ObjectType::PartialDecryption)?;
        let at = r.offset();
        let slot = r.u32()?;
        if slot as usize >= crate::envelope::MAX_RECIPIENTS {
            return Err(r.err_at(DecodeErrorKind::InvalidValue, at).into());
        }
        let value = r.gt()?;
        r.finish()?;
        Ok(PartialDecryption { value, slot })
    }

    /// The envelope recipient position this partial result is for (0 for a bare header).
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{pre, Authority, AttributeSet, Envelope, Opener, Policy, Recipient, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let pp = authority.public_params().clone();
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    ///
    /// let patient = pre::KeyPair::random(&mut rng).public_key();
    /// let policy = Policy::parse("nurse")?;
    /// let recipients = [Recipient::Pre(&patient), Recipient::Policy { policy: &policy, period: 1 }];
    /// let envelope = Envelope::seal(&mut rng, &pp, &recipients, b"", b"note")?;
    /// let (transform, retrieval) = dk.outsource(&mut rng);
    /// let partial = envelope.header().transform(&transform)?;
    /// assert_eq!(partial.slot(), 1); // the second recipient
    /// let opener = Opener::Outsourced { retrieval_key: &retrieval, partial: &partial };
    /// assert_eq!(&envelope.open(opener, b"")?[..], b"note");
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn slot(&self) -> u32 {
        self.slot
    }
}

impl RetrievalKey {
    /// The user's finishing step: `Ω^s = partial^z`, then the KDF — one GT exponentiation.
    ///
    /// # Errors
    /// [`Error::Decryption`](crate::Error::Decryption) if the partial result is degenerate. A wrong partial result gives
    /// a wrong key (rejected by the AEAD that uses it).
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, Header, Policy, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let params = SetupParams { time_depth: 4, tree_depth: 2 };
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// # let pp = authority.public_params().clone();
    /// # let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// # let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// let policy = Policy::parse("nurse")?;
    /// let (header, key) = Header::encapsulate(&mut rng, &pp, &policy, 1)?;
    /// let (transform, retrieval) = dk.outsource(&mut rng);
    /// let partial = transform.transform(&header)?; // on the server
    /// assert_eq!(*retrieval.finish(&header, &partial)?, *key); // on the phone
    ///
    /// // A server answering with another header's result yields a wrong key (which the AEAD
    /// // of an envelope then rejects), never an error that tells the two apart.
    /// let (other, _) = Header::encapsulate(&mut rng, &pp, &policy, 1)?;
    /// let wrong = transform.transform(&other)?;
    /// assert_ne!(*retrieval.finish(&header, &wrong)?, *key);
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn finish(&self, header: &Header, partial: &PartialDecryption) -> Result<SharedKey> {
        kem_key(&(partial.value * *self.0), header.policy())
    }

    /// The encoding (scheme.md §12 framing, like every other object): the 6-byte prefix and `z`
    /// as a 32-byte big-endian scalar. Secret: zeroized when dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, RetrievalKey, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let params = SetupParams { time_depth: 4, tree_depth: 2 };
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// # let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// # let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// let (_transform, retrieval) = dk.outsource(&mut rng);
    /// let bytes = retrieval.to_bytes(); // secret, wiped when dropped
    /// assert_eq!(bytes.len(), 6 + 32);
    /// let again = RetrievalKey::from_bytes(&bytes)?;
    /// assert_eq!(*again.to_bytes(), *bytes);
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        // Exact capacity: no reallocation leaves a copy of the secret behind.
        let mut out = Zeroizing::new(Vec::with_capacity(RETRIEVAL_KEY_LEN));
        out.put_prefix(ObjectType::RetrievalKey);
        out.extend_from_slice(&Zeroizing::new(self.0.to_bytes_be())[..]);
        out
    }

    /// Strictly decodes [`to_bytes`](Self::to_bytes): the prefix, a canonical non-zero scalar,
    /// no trailing bytes.
    ///
    /// # Errors
    /// [`Error::Decode`](crate::Error::Decode), e.g. with [`DecodeErrorKind::InvalidScalar`] at
    /// byte 6 for zero or a value not below the group order.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{DecodeErrorKind, Error, RetrievalKey};
    /// let encoding = |z: [u8; 32]| [&b"RSHB\x02\x22"[..], &z].concat();
    /// let kind = |bytes: &[u8]| match RetrievalKey::from_bytes(bytes) {
    ///     Err(Error::Decode(e)) => Some((e.kind, e.offset)),
    ///     _ => None,
    /// };
    /// assert_eq!(kind(&encoding([0; 32])), Some((DecodeErrorKind::InvalidScalar, 6))); // zero
    /// assert_eq!(kind(&encoding([0xff; 32])), Some((DecodeErrorKind::InvalidScalar, 6)));
    /// let mut one = [0; 32];
    /// one[31] = 1; // big-endian
    /// assert!(RetrievalKey::from_bytes(&encoding(one)).is_ok());
    /// assert_eq!(kind(&one), Some((DecodeErrorKind::BadMagic, 0))); // the bare scalar is not one
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        r.prefix(ObjectType::RetrievalKey)?;
        let z = SecretScalar::new(r.nonzero_scalar()?);
        r.finish()?;
        Ok(RetrievalKey(z))
    }
}

/// Encoded length of a [`RetrievalKey`]: prefix and one scalar.
const RETRIEVAL_KEY_LEN: usize = crate::encoding::PREFIX_LEN + 32;
