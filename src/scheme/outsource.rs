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
use crate::encoding::{ObjectType, Reader, Writer};
use crate::error::{DecodeErrorKind, Result};
use crate::secret::SecretScalar;

/// A decryption key blinded by `1/z`, for an untrusted server. Useless without the matching
/// [`RetrievalKey`]; it carries the same attribute set and period as the key it came from.
pub struct TransformKey(pub(crate) DecryptionKey);

/// The user's secret `z`: 32 bytes that turn a server's [`PartialDecryption`] into the key.
/// Zeroized on drop, never printed.
pub struct RetrievalKey(SecretScalar);

/// What the server returns: `(Ω^s)^{1/z}` for one header (or one policy recipient of an
/// envelope, identified by its position).
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
    pub fn transform(&self, header: &Header) -> Result<PartialDecryption> {
        Ok(PartialDecryption {
            value: self.0.decapsulate_gt(header)?,
            slot: 0,
        })
    }

    /// The canonical encoding (the same layout as a decryption key's, another object type).
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
    pub fn finish(&self, header: &Header, partial: &PartialDecryption) -> Result<SharedKey> {
        kem_key(&(partial.value * *self.0), header.policy())
    }

    /// The 32-byte big-endian encoding of `z` (secret: zeroized when dropped).
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes_be())
    }

    /// Decodes `z` (canonical, non-zero).
    ///
    /// # Errors
    /// [`Error::Decode`](crate::Error::Decode) with [`DecodeErrorKind::InvalidScalar`].
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        Ok(RetrievalKey(SecretScalar::new(r.nonzero_scalar()?)))
    }
}
