//! The content key of an envelope and its key commitment (scheme.md §11, v1.1).
//!
//! AES-GCM is not key-committing: one ciphertext can authenticate under two keys. With several
//! recipients, a malicious sender could then wrap a different content key for each, so that two
//! recipients of one envelope read two different records ("invisible salamanders"). So the
//! content key `CK` that is wrapped to the recipients never keys the payload itself:
//!
//! ```text
//! PRK         = HKDF-Extract(salt = envelope id (16 bytes), IKM = CK)
//! payload key = HKDF-Expand(PRK, suite id ‖ "RSHABE-V1-PAYLOAD", 32)
//! commitment  = HKDF-Expand(PRK, suite id ‖ "RSHABE-V1-COMMIT", 32)
//! ```
//!
//! The commitment is stored in the envelope's invariant core, right after the id, and so is
//! covered by the associated data of every wrap and payload chunk. An opener that unwrapped some
//! `CK'` recomputes the commitment and compares it, in constant time, with the stored one before
//! it derives anything it could decrypt with: [`ContentKey::payload_key`] is the only way from a
//! content key to a [`PayloadKey`], and it refuses a mismatch with the opaque
//! [`Error::Decryption`]. Two content keys that pass the check for one envelope would be an HKDF
//! (HMAC-SHA-256) collision, so every recipient who opens an envelope reads the same payload.
//!
//! `hkdf` 0.12 does not wipe its internal HMAC state (which is keyed by the PRK) when dropped;
//! the derived keys themselves are held in zeroizing buffers. The same holds for the crate's
//! other HKDF uses (`hash::kdf`).

use hkdf::Hkdf;
use rand_core::CryptoRngCore;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::payload::PayloadKey;
use crate::domain;
use crate::error::{Error, Result};

/// Bytes of the key commitment stored in an envelope's invariant core.
pub(crate) const COMMITMENT_LEN: usize = 32;

/// Bytes of the envelope id (the HKDF salt).
pub(crate) const ID_LEN: usize = 16;

/// The 32-byte content key `CK` of an envelope: what is wrapped to every recipient. It never
/// keys a cipher itself (it has no method that would); the payload key and the commitment are
/// derived from it. Zeroized on drop; `Debug` prints no key bytes.
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct ContentKey([u8; 32]);

impl core::fmt::Debug for ContentKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ContentKey([redacted])")
    }
}

impl ContentKey {
    /// A fresh uniformly random content key.
    pub(crate) fn random(rng: &mut impl CryptoRngCore) -> Self {
        let mut key = ContentKey([0u8; 32]);
        rng.fill_bytes(&mut key.0);
        key
    }

    /// Wraps key bytes (tests). The caller's copy of `b` is its own to zeroize.
    #[cfg(test)]
    pub(crate) fn from_bytes(b: [u8; 32]) -> Self {
        ContentKey(b)
    }

    /// A content key copied from `bytes` (an unwrapped key) into its own zeroizing storage;
    /// `None` unless `bytes` is 32 bytes long.
    pub(crate) fn from_slice(bytes: &[u8]) -> Option<Self> {
        let bytes: &[u8; 32] = bytes.try_into().ok()?;
        let mut key = ContentKey([0u8; 32]);
        key.0.copy_from_slice(bytes);
        Some(key)
    }

    /// The key bytes, for wrapping the key to a recipient.
    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// `(payload key, commitment)` for the envelope `id` (the sealing side).
    ///
    /// Errors: none in practice. HKDF-Expand fails only for outputs longer than 255 × 32 bytes;
    /// should it fail anyway, the error is the opaque [`Error::Decryption`] and nothing is
    /// sealed.
    pub(crate) fn derive(&self, id: &[u8; ID_LEN]) -> Result<(PayloadKey, [u8; COMMITMENT_LEN])> {
        let hk = self.extract(id);
        let mut commitment = [0u8; COMMITMENT_LEN];
        expand(&hk, domain::LABEL_COMMIT, &mut commitment)?;
        Ok((payload_key(&hk)?, commitment))
    }

    /// The payload key for the envelope `id`, released only if this content key's commitment
    /// equals `commitment` (compared in constant time).
    ///
    /// Errors: [`Error::Decryption`] on a mismatch: the content key is not the one the envelope
    /// committed to (a wrong or maliciously crafted wrap); the payload must not be touched.
    pub(crate) fn payload_key(
        &self,
        id: &[u8; ID_LEN],
        commitment: &[u8; COMMITMENT_LEN],
    ) -> Result<PayloadKey> {
        let hk = self.extract(id);
        let mut mine = [0u8; COMMITMENT_LEN];
        expand(&hk, domain::LABEL_COMMIT, &mut mine)?;
        if !bool::from(mine[..].ct_eq(&commitment[..])) {
            return Err(Error::Decryption);
        }
        payload_key(&hk)
    }

    /// `HKDF-Extract(salt = id, IKM = CK)`, ready to expand.
    fn extract(&self, id: &[u8; ID_LEN]) -> Hkdf<Sha256> {
        Hkdf::<Sha256>::new(Some(&id[..]), &self.0)
    }
}

/// `HKDF-Expand(PRK, suite id ‖ label, 32)` into `okm`.
fn expand(hk: &Hkdf<Sha256>, label: &[u8], okm: &mut [u8; 32]) -> Result<()> {
    hk.expand_multi_info(&[domain::SUITE_ID, label], &mut okm[..])
        .map_err(|_| Error::Decryption)
}

/// The payload key, expanded straight into its zeroizing storage.
fn payload_key(hk: &Hkdf<Sha256>) -> Result<PayloadKey> {
    PayloadKey::derive_in_place(|key| expand(hk, domain::LABEL_PAYLOAD, key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    const CK: [u8; 32] = [0x42; 32];
    const ID: [u8; ID_LEN] = [0x07; ID_LEN];

    fn unhex<const N: usize>(s: &str) -> [u8; N] {
        let v: alloc::vec::Vec<u8> = (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect();
        v.try_into().unwrap()
    }

    /// The derivation is exactly scheme.md §11's, checked against values computed independently
    /// (Python's `hmac`/`hashlib`, RFC 5869 by hand) for CK = 0x42 × 32, id = 0x07 × 16.
    #[test]
    fn derivation_matches_independent_hkdf() {
        let (payload_key, commitment) = ContentKey::from_bytes(CK).derive(&ID).unwrap();
        assert_eq!(
            payload_key.as_bytes(),
            &unhex::<32>("40dc2eff09de0467be3aa27d7ac0a72a3f0daea479285133ba12c708d5088a73")
        );
        assert_eq!(
            commitment,
            unhex::<32>("bf91a1ab1a0918bd012562248bf25891c6ec5d5b48b036444dbdae4fc967a3e6")
        );
        assert_ne!(payload_key.as_bytes(), &CK);
    }

    #[test]
    fn payload_key_only_for_the_committed_content_key() {
        let ck = ContentKey::from_bytes(CK);
        let (payload_key, commitment) = ck.derive(&ID).unwrap();
        assert_eq!(
            ck.payload_key(&ID, &commitment).unwrap().as_bytes(),
            payload_key.as_bytes()
        );
        // Another content key, another id, or a commitment off by one bit: refused.
        let other = ContentKey::from_bytes([0x43; 32]);
        assert_eq!(
            other.payload_key(&ID, &commitment).map(|_| ()),
            Err(Error::Decryption)
        );
        let mut id = ID;
        id[15] ^= 1;
        assert_eq!(
            ck.payload_key(&id, &commitment).map(|_| ()),
            Err(Error::Decryption)
        );
        for i in [0, 31] {
            let mut c = commitment;
            c[i] ^= 0x80;
            assert_eq!(ck.payload_key(&ID, &c).map(|_| ()), Err(Error::Decryption));
        }
        // The salt matters: the same CK gives unrelated keys for another envelope.
        let (k2, c2) = ck.derive(&id).unwrap();
        assert_ne!(k2.as_bytes(), payload_key.as_bytes());
        assert_ne!(c2, commitment);
        assert_ne!(&commitment, payload_key.as_bytes());
    }

    #[test]
    fn content_key_from_slice() {
        assert_eq!(ContentKey::from_slice(&CK).unwrap().as_bytes(), &CK);
        assert!(ContentKey::from_slice(&CK[..31]).is_none());
        assert!(ContentKey::from_slice(&[0u8; 33]).is_none());
        assert!(ContentKey::from_slice(&[]).is_none());
    }

    #[test]
    fn content_key_handling() {
        let mut ck = ContentKey::from_bytes([0xff; 32]);
        assert_eq!(format!("{ck:?}"), "ContentKey([redacted])");
        ck.zeroize();
        assert_eq!(ck.as_bytes(), &[0u8; 32]);
    }
}
