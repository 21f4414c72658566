//! The 32-byte key that both key encapsulations produce: the attribute-based one
//! ([`Header::encapsulate`](crate::Header::encapsulate) /
//! [`DecryptionKey::decapsulate`](crate::DecryptionKey::decapsulate)) and proxy re-encryption
//! ([`pre::encapsulate`](crate::pre::encapsulate) /
//! [`KeyPair::decapsulate`](crate::pre::KeyPair::decapsulate) /
//! [`DelegateeKey::decapsulate`](crate::pre::DelegateeKey::decapsulate)).

use core::fmt;
use core::ops::Deref;

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// A 32-byte key produced by a key encapsulation (scheme.md §1's `KDF` output); wiped on drop.
///
/// It derefs to the key bytes (`&[u8; 32]`), for an AEAD, say. Equality is constant time, and
/// `Debug` prints no key material.
///
/// # Examples
///
/// ```
/// use rs_habe::{Authority, Header, Policy, SetupParams, SharedKey};
/// let mut rng = rand::thread_rng();
/// let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
/// let (pp, policy) = (authority.public_params(), Policy::parse("nurse")?);
/// let (_header, key): (Header, SharedKey) = Header::encapsulate(&mut rng, pp, &policy, 0)?;
/// let bytes: &[u8; 32] = &key; // wiped when `key` is dropped
/// let (_, other) = Header::encapsulate(&mut rng, pp, &policy, 0)?;
/// assert_ne!(bytes, &*other); // fresh for every encapsulation
/// assert_ne!(key, other);
/// assert_eq!(format!("{key:?}"), "SharedKey(..)");
/// # Ok::<(), rs_habe::Error>(())
/// ```
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SharedKey([u8; 32]);

impl SharedKey {
    /// Takes the KDF's output (already in wiped storage; copied once into this key).
    pub(crate) fn new(bytes: &Zeroizing<[u8; 32]>) -> Self {
        SharedKey(**bytes)
    }

    /// The 32 key bytes.
    ///
    /// ```
    /// use rs_habe::pre::{encapsulate, KeyPair};
    /// let mut rng = rand::thread_rng();
    /// let alice = KeyPair::random(&mut rng);
    /// let (capsule, key) = encapsulate(&mut rng, &alice.public_key())?;
    /// assert_eq!(alice.decapsulate(&capsule)?.as_bytes(), key.as_bytes());
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl Deref for SharedKey {
    type Target = [u8; 32];

    fn deref(&self) -> &[u8; 32] {
        &self.0
    }
}

impl AsRef<[u8]> for SharedKey {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl ConstantTimeEq for SharedKey {
    fn ct_eq(&self, other: &Self) -> subtle::Choice {
        self.0.ct_eq(&other.0)
    }
}

/// Constant time in the key bytes.
impl PartialEq for SharedKey {
    fn eq(&self, other: &Self) -> bool {
        bool::from(self.ct_eq(other))
    }
}

impl Eq for SharedKey {}

impl fmt::Debug for SharedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedKey(..)")
    }
}
