//! Outsourced decryption for phones and wearables (scheme.md §8a as replaced by abe-v2.md
//! §8a: split `K0`).
//!
//! The user re-randomises its decryption key (§5: fresh `δ`, `δ_T` and a fresh `q'` per time
//! component), picks `β` fresh and splits `K0` (in G1 since v2):
//! - the [`TransformKey`] is the re-randomised key with `K0' = K0 · g^{−β}`;
//! - the [`RetrievalKey`] is `RK = g^β ∈ G1` (secret, 48 bytes, zeroized).
//!
//! An untrusted server runs the whole pairing computation of §8 with the transform key and
//! returns `P = Ω^{s₀} · e(g, Ĉ0)^{−β}`, a [`PartialDecryption`]. The user finishes with one
//! pairing: `Ω^{s₀} = P · e(RK, Ĉ0)`, then the KDF. No GT exponent at all (scheme.md §1).
//!
//! The server's `P` is untrusted: a wrong `P` only yields a wrong key, which the AEAD of the
//! envelope rejects ([`Error::Decryption`](crate::Error::Decryption)); no plaintext is released.
//! Re-randomising first keeps the pair period-bound: dividing out the public key update of the
//! key's period and multiplying in a later one does not give a working key for the later period
//! (§5 "period binding"; the regression test is in `attack_tests`).

use alloc::vec::Vec;

use rand_core::CryptoRngCore;
use zeroize::Zeroizing;

use super::components::attribute_points;
use super::decryption_key::DecryptionKey;
use super::header::{kem_key, Header};
use super::params::{Base1, PublicParams};
use super::user_tree::UserId;
use crate::encoding::{self, Decode, Encode, Object, ObjectType, Reader, Writer};
use crate::error::{DecodeErrorKind, Error, Result};
use crate::gt::{GtElem, GT_BYTES};
use crate::policy::AttributeSet;
use crate::secret::{SecretG1, SecretScalar};
use crate::SharedKey;

/// A re-randomised decryption key whose `K0` is blinded by `g^{−β}`, for an untrusted server
/// (scheme.md §8a). Useless without the matching
/// [`RetrievalKey`]; it carries the same attribute set and period as the key it came from.
///
/// # Examples
///
/// ```
/// use rs_habe::{Authority, AttributeSet, Header, Policy, SetupParams, TransformKey};
/// let mut rng = rand::thread_rng();
/// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
/// let pp = authority.public_params().clone();
/// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
/// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
/// let (header, key) = Header::encapsulate(&mut rng, &pp, &Policy::parse("nurse")?, 1)?;
///
/// let (transform, retrieval) = dk.outsource(&mut rng, &pp)?;
/// let on_server = TransformKey::from_bytes(&transform.to_bytes())?; // sent to the server
/// let partial = on_server.transform(&header)?;
/// assert_eq!(*retrieval.finish(&header, &partial)?, *key);
/// // The server's work is useless with any other retrieval key.
/// let (_, unrelated) = dk.outsource(&mut rng, &pp)?;
/// assert_ne!(*unrelated.finish(&header, &partial)?, *key);
/// # Ok::<(), rs_habe::Error>(())
/// ```
pub struct TransformKey(pub(crate) DecryptionKey);

/// The user's secret `RK = g^β ∈ G1` (abe-v2.md §8a): turns a server's [`PartialDecryption`]
/// into the key with one pairing.
/// Zeroized on drop, never printed.
///
/// # Examples
///
/// ```
/// use rs_habe::{Authority, AttributeSet, Header, Policy, RetrievalKey, SetupParams};
/// let mut rng = rand::thread_rng();
/// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
/// let pp = authority.public_params().clone();
/// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
/// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
/// let (header, key) = Header::encapsulate(&mut rng, &pp, &Policy::parse("nurse")?, 1)?;
///
/// let (transform, retrieval) = dk.outsource(&mut rng, &pp)?;
/// let stored = retrieval.to_bytes(); // the phone keeps these 54 bytes
/// let partial = transform.transform(&header)?; // on the server
/// let retrieval = RetrievalKey::from_bytes(&stored)?;
/// assert_eq!(*retrieval.finish(&header, &partial)?, *key);
/// # Ok::<(), rs_habe::Error>(())
/// ```
pub struct RetrievalKey(pub(crate) SecretG1);

impl Drop for RetrievalKey {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl zeroize::ZeroizeOnDrop for RetrievalKey {}

/// What the server returns: `P = Ω^{s₀} · e(g, Ĉ0)^{−β}` (288 bytes) for one header (or one
/// policy recipient of an envelope, identified by its position).
///
/// # Examples
///
/// ```
/// use rs_habe::{Authority, AttributeSet, Header, PartialDecryption, Policy, SetupParams};
/// let mut rng = rand::thread_rng();
/// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
/// let pp = authority.public_params().clone();
/// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
/// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
/// let (header, key) = Header::encapsulate(&mut rng, &pp, &Policy::parse("nurse")?, 1)?;
/// let (transform, retrieval) = dk.outsource(&mut rng, &pp)?;
///
/// let reply = transform.transform(&header)?.to_bytes(); // the server's answer
/// let partial = PartialDecryption::from_bytes(&reply)?;
/// assert_eq!(partial.slot(), 0); // a bare header, not an envelope recipient
/// assert_eq!(*retrieval.finish(&header, &partial)?, *key);
/// # Ok::<(), rs_habe::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PartialDecryption {
    pub(crate) value: GtElem,
    /// The encoding of `value`, made when the value is (it is never the identity, which has
    /// none), so that encoding the reply cannot fail.
    encoded: [u8; GT_BYTES],
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
    /// Splits this key for outsourced decryption (scheme.md §8a): re-randomises it (so the pair
    /// is bound to this key's period, see [`DecryptionKey`]'s "Period binding"), then returns a
    /// [`TransformKey`] with `K0 · g^{−β}` for a server and the [`RetrievalKey`] `g^β` the user
    /// keeps. `pp` supplies the generators of the re-randomisation.
    ///
    /// # Errors
    /// [`Error::ParamsMismatch`] if `pp` has another time depth than the key.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Header, Policy, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(6, 3))?;
    /// let pp = authority.public_params().clone();
    /// let sk = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let dk = sk.decryption_key(&authority.key_update(&mut rng, 2)?)?;
    /// let (header, key) = Header::encapsulate(&mut rng, &pp, &Policy::parse("nurse")?, 1)?;
    ///
    /// let (transform, retrieval) = dk.outsource(&mut rng, &pp)?;
    /// let partial = transform.transform(&header)?; // on the server
    /// assert_eq!(*retrieval.finish(&header, &partial)?, *key); // on the phone
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn outsource(
        &self,
        rng: &mut impl CryptoRngCore,
        pp: &PublicParams,
    ) -> Result<(TransformKey, RetrievalKey)> {
        if pp.time_depth != self.time_depth {
            return Err(Error::ParamsMismatch);
        }
        let mut body = self.body.clone();
        body.rerandomize(pp, &attribute_points(&self.attributes), self.period, rng);
        let beta = SecretScalar::random(&mut *rng);
        let rk = SecretG1::from(pp.mul_g1(Base1::G, &beta));
        body.k0 = SecretG1::from(body.k0.proj() - rk.0);
        let tk = DecryptionKey::new(
            self.holder,
            self.time_depth,
            self.period,
            self.attributes.clone(),
            body,
        );
        Ok((TransformKey(tk), RetrievalKey(rk)))
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
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params().clone();
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// let (transform, retrieval) = dk.outsource(&mut rng, &pp)?;
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
        PartialDecryption::new(self.0.decapsulate_gt(header)?, 0)
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
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params().clone();
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse", "ward:3"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 6)?)?;
    /// let (transform, _retrieval) = dk.outsource(&mut rng, &pp)?;
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
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params().clone();
    /// let attrs = AttributeSet::new(["nurse"])?;
    /// let update = authority.key_update(&mut rng, 1)?;
    /// let dk = authority.enrol(&mut rng, &attrs)?.decryption_key(&update)?;
    /// assert_eq!(dk.outsource(&mut rng, &pp)?.0.attributes(), &attrs);
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
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params().clone();
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// assert_eq!(dk.outsource(&mut rng, &pp)?.0.user_id(), nurse.user_id());
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
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params().clone();
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// let (transform, _retrieval) = dk.outsource(&mut rng, &pp)?;
    /// let bytes = transform.to_bytes();
    /// assert_eq!(bytes.len(), dk.to_bytes().len()); // a decryption key's layout…
    /// assert!(DecryptionKey::from_bytes(&bytes).is_err()); // …that cannot pass for one
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        encoding::to_bytes(self)
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
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params().clone();
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// let (transform, _retrieval) = dk.outsource(&mut rng, &pp)?;
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
        encoding::from_bytes(bytes)
    }
}

impl Object for TransformKey {
    const OBJECT: ObjectType = ObjectType::TransformKey;
}

/// A decryption key's body under another object type.
impl Encode for TransformKey {
    fn write_body(&self, out: &mut dyn Writer) {
        self.0.write_body(out);
    }
}

impl Decode for TransformKey {
    fn read_body(r: &mut Reader<'_>) -> Result<Self> {
        DecryptionKey::read_body(r).map(TransformKey)
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
    /// # let params = SetupParams::new(4, 2);
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// # let pp = authority.public_params().clone();
    /// # let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// # let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// # let (header, _) = Header::encapsulate(&mut rng, &pp, &Policy::parse("nurse")?, 1)?;
    /// let (transform, _retrieval) = dk.outsource(&mut rng, &pp)?;
    /// let partial = transform.transform(&header)?;
    /// let bytes = partial.to_bytes();
    /// assert_eq!(bytes.len(), 6 + 4 + 288); // prefix, slot, one GT element
    /// assert_eq!(PartialDecryption::from_bytes(&bytes)?, partial);
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        encoding::to_bytes(self)
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
    /// # let params = SetupParams::new(4, 2);
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// # let pp = authority.public_params().clone();
    /// # let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// # let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// # let (header, _) = Header::encapsulate(&mut rng, &pp, &Policy::parse("nurse")?, 1)?;
    /// let (transform, _retrieval) = dk.outsource(&mut rng, &pp)?;
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
        encoding::from_bytes(bytes)
    }

    /// The envelope recipient position this partial result is for (0 for a bare header).
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{pre, Authority, AttributeSet, Envelope, Opener, Policy, Recipient, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params().clone();
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    ///
    /// let patient = pre::KeyPair::random(&mut rng).public_key();
    /// let policy = Policy::parse("nurse")?;
    /// let recipients = [Recipient::Pre(&patient), Recipient::Policy { policy: &policy, period: 1 }];
    /// let envelope = Envelope::seal(&mut rng, &pp, &recipients, b"", b"note")?;
    /// let (transform, retrieval) = dk.outsource(&mut rng, &pp)?;
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

impl Object for PartialDecryption {
    const OBJECT: ObjectType = ObjectType::PartialDecryption;
}

impl Encode for PartialDecryption {
    fn write_body(&self, out: &mut dyn Writer) {
        out.put_u32(self.slot);
        out.put_bytes(&self.encoded);
    }
}

impl Decode for PartialDecryption {
    fn read_body(r: &mut Reader<'_>) -> Result<Self> {
        let at = r.offset();
        let slot = r.u32()?;
        if slot as usize >= crate::limits::MAX_RECIPIENTS {
            return Err(r.err_at(DecodeErrorKind::InvalidValue, at).into());
        }
        let value = r.gt_elem()?;
        PartialDecryption::new(value, slot)
    }
}

impl RetrievalKey {
    /// The user's finishing step: `Ω^{s₀} = P · e(RK, Ĉ0)`, then the KDF — one pairing, no GT
    /// exponentiation (abe-v2.md §8a).
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
    /// # let params = SetupParams::new(4, 2);
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// # let pp = authority.public_params().clone();
    /// # let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// # let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// let policy = Policy::parse("nurse")?;
    /// let (header, key) = Header::encapsulate(&mut rng, &pp, &policy, 1)?;
    /// let (transform, retrieval) = dk.outsource(&mut rng, &pp)?;
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
        let blinding = GtElem::pairing(&self.0 .0, &header.c0);
        kem_key(&partial.value.mul(&blinding), header.policy())
    }

    /// The encoding (scheme.md §12 framing, like every other object): the 6-byte prefix and
    /// `RK` as a 48-byte compressed G1 point. Secret: zeroized when dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, RetrievalKey, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let params = SetupParams::new(4, 2);
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// # let pp = authority.public_params().clone();
    /// # let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// # let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// let (_transform, retrieval) = dk.outsource(&mut rng, &pp)?;
    /// let bytes = retrieval.to_bytes(); // secret, wiped when dropped
    /// assert_eq!(bytes.len(), 6 + 48); // the prefix and RK = g^β
    /// let again = RetrievalKey::from_bytes(&bytes)?;
    /// assert_eq!(*again.to_bytes(), *bytes);
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        encoding::to_secret_bytes(self)
    }

    /// Strictly decodes [`to_bytes`](Self::to_bytes): the prefix, a compressed G1 point in the
    /// prime-order subgroup that is not the identity, no trailing bytes.
    ///
    /// # Errors
    /// [`Error::Decode`](crate::Error::Decode), e.g. with [`DecodeErrorKind::IdentityPoint`] at
    /// byte 6 for the identity.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, DecodeErrorKind, Error, RetrievalKey, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params().clone();
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// let (_, retrieval) = dk.outsource(&mut rng, &pp)?;
    /// let bytes = retrieval.to_bytes();
    /// assert!(RetrievalKey::from_bytes(&bytes).is_ok());
    ///
    /// let kind = |bytes: &[u8]| match RetrievalKey::from_bytes(bytes) {
    ///     Err(Error::Decode(e)) => Some((e.kind, e.offset)),
    ///     _ => None,
    /// };
    /// // The identity of G1 (compressed: the infinity flag set, all else zero) is refused.
    /// let mut identity = bytes.to_vec();
    /// identity[6..].fill(0);
    /// identity[6] = 0xc0;
    /// assert_eq!(kind(&identity), Some((DecodeErrorKind::IdentityPoint, 6)));
    /// assert_eq!(kind(&bytes[..bytes.len() - 1]), Some((DecodeErrorKind::Truncated, 6)));
    /// assert_eq!(kind(&bytes[6..]), Some((DecodeErrorKind::BadMagic, 0))); // the bare point
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        encoding::from_bytes(bytes)
    }
}

impl Object for RetrievalKey {
    const OBJECT: ObjectType = ObjectType::RetrievalKey;
}

impl Encode for RetrievalKey {
    fn write_body(&self, out: &mut dyn Writer) {
        out.put_g1(&self.0 .0);
    }
}

impl Decode for RetrievalKey {
    fn read_body(r: &mut Reader<'_>) -> Result<Self> {
        let rk = SecretG1(r.g1()?);
        Ok(RetrievalKey(rk))
    }
}

impl PartialDecryption {
    /// A reply for `slot`; refuses the identity, which only a malformed header can produce and
    /// which has no encoding.
    pub(crate) fn new(value: GtElem, slot: u32) -> Result<Self> {
        let encoded = *value.compressed()?;
        Ok(PartialDecryption {
            value,
            encoded,
            slot,
        })
    }
}
