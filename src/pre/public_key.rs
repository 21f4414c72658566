//! Public keys for proxy re-encryption (scheme.md §10 v2 "KeyPair"): the twins `P1 = g^a`,
//! `P2 = ĝ^a`, checked against each other when decoded.

use alloc::vec::Vec;

use blstrs::{G1Affine, G2Affine};

use crate::encoding::{self, Decode, Encode, Object, ObjectType, Reader, Writer};
use crate::error::{DecodeErrorKind, Result};
use crate::gt::are_twins;

/// A public key for proxy re-encryption: the twins `P1 = g^a ∈ G1` and `P2 = ĝ^a ∈ G2`.
///
/// Decoding checks that both halves carry the same exponent (`e(P1, ĝ) = e(g, P2)`), so every
/// `PublicKey` value is well formed.
///
/// ```
/// use rs_habe::pre::{KeyPair, PublicKey};
/// let pk = KeyPair::random(&mut rand::thread_rng()).public_key();
/// assert_eq!(PublicKey::from_bytes(&pk.to_bytes()).unwrap(), pk);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey {
    pub(crate) p1: G1Affine,
    pub(crate) p2: G2Affine,
}

impl PublicKey {
    /// The wire encoding (scheme.md §12): prefix, `P1` (48 bytes), `P2` (96 bytes).
    ///
    /// ```
    /// use rs_habe::pre::KeyPair;
    /// let pk = KeyPair::random(&mut rand::thread_rng()).public_key();
    /// assert_eq!(pk.to_bytes().len(), 6 + 48 + 96);
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        encoding::to_bytes(self)
    }

    /// Strictly decodes [`to_bytes`](Self::to_bytes): canonical subgroup points, neither the
    /// identity, matching twins, no trailing bytes.
    ///
    /// ```
    /// use rs_habe::pre::{KeyPair, PublicKey};
    /// let mut bytes = KeyPair::random(&mut rand::thread_rng()).public_key().to_bytes();
    /// bytes.push(0);
    /// assert!(PublicKey::from_bytes(&bytes).is_err());
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        encoding::from_bytes(bytes)
    }
}

impl Object for PublicKey {
    const OBJECT: ObjectType = ObjectType::PrePublicKey;
}

impl Encode for PublicKey {
    fn write_body(&self, out: &mut dyn Writer) {
        out.put_g1(&self.p1);
        out.put_g2(&self.p2);
    }
}

impl Decode for PublicKey {
    /// Reads `P1 ‖ P2` and checks `e(P1, ĝ) · e(−g, P2) = 1` with one Miller loop.
    fn read_body(r: &mut Reader<'_>) -> Result<Self> {
        let at = r.offset();
        let p1 = r.g1()?;
        let p2 = r.g2()?;
        if !are_twins(&p1, &p2) {
            return Err(r.err_at(DecodeErrorKind::InconsistentKey, at).into());
        }
        Ok(PublicKey { p1, p2 })
    }
}
