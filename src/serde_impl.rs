//! `serde` support (feature `serde`): every object serializes as its canonical wire encoding
//! (scheme.md §12), as a byte string, and deserializes through the same strict decoder. A
//! [`Policy`](crate::Policy) serializes as its canonical text.

use alloc::vec::Vec;
use core::fmt;

use serde::de::{Error as _, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::encoding;

struct BytesVisitor;

impl<'de> Visitor<'de> for BytesVisitor {
    type Value = Vec<u8>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an rs-habe wire encoding")
    }

    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
        Ok(v.to_vec())
    }

    fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
        Ok(v)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
        // Formats without a byte-string type (JSON) send a sequence of numbers. The size hint
        // is not trusted for the allocation.
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
        while let Some(b) = seq.next_element::<u8>()? {
            out.push(b);
        }
        Ok(out)
    }
}

/// Serializes through the encoding driver: `$encode` is `to_bytes` for public objects and
/// `to_secret_bytes` for secret ones (the bytes then live only in a buffer that is zeroized on
/// drop); deserializes with the strict `from_bytes` of the same driver, from a zeroized buffer.
macro_rules! serde_via_bytes {
    ($encode:ident: $($ty:ty),* $(,)?) => {$(
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(&encoding::$encode(self))
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let bytes = zeroize::Zeroizing::new(d.deserialize_bytes(BytesVisitor)?);
                encoding::from_bytes::<$ty>(&bytes).map_err(D::Error::custom)
            }
        }
    )*};
}

serde_via_bytes!(
    to_bytes: crate::PublicParams,
    crate::KeyUpdate,
    crate::FreshnessGuard,
    crate::Header,
    crate::Envelope,
    crate::EnvelopeHeader,
    crate::TransformKey,
    crate::PartialDecryption,
    crate::pre::PublicKey,
    crate::pre::Capsule,
    crate::pre::DelegationRecord,
    crate::pre::CapsuleFrag,
);

serde_via_bytes!(
    to_secret_bytes: crate::Authority,
    crate::SecretKey,
    crate::DecryptionKey,
    crate::Delegator,
    crate::RetrievalKey,
    crate::pre::KeyPair,
    crate::pre::KeyFrag,
    crate::pre::DelegateeKey,
);

impl Serialize for crate::Policy {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for crate::Policy {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <alloc::borrow::Cow<'de, str>>::deserialize(d)?;
        crate::Policy::parse(&text).map_err(D::Error::custom)
    }
}

/// An [`IssuerId`](crate::IssuerId) serializes as its 16 bytes; a [`UserId`](crate::UserId) as
/// its 24-byte wire encoding (issuer id ‖ leaf, u64 big-endian), so that an operator can store
/// the ids it must later revoke. Deserializing refuses any other length.
impl Serialize for crate::IssuerId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.as_bytes())
    }
}

impl<'de> Deserialize<'de> for crate::IssuerId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let bytes = d.deserialize_bytes(BytesVisitor)?;
        let id: [u8; 16] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| D::Error::invalid_length(bytes.len(), &"16 bytes"))?;
        Ok(crate::IssuerId::from(id))
    }
}

impl Serialize for crate::UserId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = [0u8; 24];
        let (issuer, leaf) = out.split_at_mut(16);
        issuer.copy_from_slice(self.issuer.as_bytes());
        leaf.copy_from_slice(&self.leaf.to_be_bytes());
        s.serialize_bytes(&out)
    }
}

impl<'de> Deserialize<'de> for crate::UserId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let bytes = d.deserialize_bytes(BytesVisitor)?;
        let (issuer, leaf) = match bytes.as_slice() {
            [issuer @ .., l0, l1, l2, l3, l4, l5, l6, l7] if issuer.len() == 16 => {
                let mut id = [0u8; 16];
                id.copy_from_slice(issuer);
                (
                    id,
                    u64::from_be_bytes([*l0, *l1, *l2, *l3, *l4, *l5, *l6, *l7]),
                )
            }
            _ => return Err(D::Error::invalid_length(bytes.len(), &"24 bytes")),
        };
        Ok(crate::UserId {
            issuer: crate::IssuerId::from(issuer),
            leaf,
        })
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use crate::{AttributeSet, Authority, Header, Policy, SetupParams};

    #[test]
    fn objects_round_trip_through_serde_json() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(5);
        let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2)).unwrap();
        let pp = authority.public_params().clone();
        let policy = Policy::parse("a and \"b c\"").unwrap();
        let (header, key) = Header::encapsulate(&mut rng, &pp, &policy, 3).unwrap();
        let sk = authority
            .enrol(&mut rng, &AttributeSet::new(["a", "b c"]).unwrap())
            .unwrap();
        let dk = sk
            .decryption_key(&authority.key_update(&mut rng, 3).unwrap())
            .unwrap();

        let json = serde_json::to_string(&header).unwrap();
        let header2: Header = serde_json::from_str(&json).unwrap();
        assert_eq!(header2, header);
        let dk2: crate::DecryptionKey =
            serde_json::from_str(&serde_json::to_string(&dk).unwrap()).unwrap();
        assert_eq!(*dk2.decapsulate(&header2).unwrap(), *key);
        let p: Policy = serde_json::from_str(&serde_json::to_string(&policy).unwrap()).unwrap();
        assert_eq!(p, policy);
        // Outsourced decryption: the phone's retrieval key and the server's partial result.
        let (tk, rk) = dk.outsource(&mut rng, &pp).unwrap();
        let rk2: crate::RetrievalKey =
            serde_json::from_str(&serde_json::to_string(&rk).unwrap()).unwrap();
        let partial: crate::PartialDecryption =
            serde_json::from_str(&serde_json::to_string(&tk.transform(&header).unwrap()).unwrap())
                .unwrap();
        assert_eq!(*rk2.finish(&header, &partial).unwrap(), *key);
        // A guard keeps the newest counter it saw.
        let mut guard = crate::FreshnessGuard::default();
        guard
            .check(&authority.key_update(&mut rng, 3).unwrap())
            .unwrap();
        let guard2: crate::FreshnessGuard =
            serde_json::from_str(&serde_json::to_string(&guard).unwrap()).unwrap();
        assert_eq!(guard2, guard);
        assert!(serde_json::from_str::<Header>("[1,2,3]").is_err());
        assert!(serde_json::from_str::<Policy>("\"a and\"").is_err());
    }

    /// An operator stores the ids it must revoke later: `UserId` and `IssuerId` round-trip, and
    /// a stored id revokes the user after the authority is restored.
    #[test]
    fn user_and_issuer_ids_round_trip_through_serde_json() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(6);
        let params = SetupParams::new(4, 2);
        let mut authority = Authority::setup(&mut rng, params).unwrap();
        authority
            .enrol(&mut rng, &AttributeSet::new(["a"]).unwrap())
            .unwrap();
        let sk = authority
            .enrol(&mut rng, &AttributeSet::new(["a"]).unwrap())
            .unwrap();
        let stored = serde_json::to_string(&sk.user_id()).unwrap();
        let issuer = serde_json::to_string(&authority.issuer_id()).unwrap();
        let user: crate::UserId = serde_json::from_str(&stored).unwrap();
        assert_eq!(user, sk.user_id());
        assert_eq!(user.leaf, 1);
        let id: crate::IssuerId = serde_json::from_str(&issuer).unwrap();
        assert_eq!(id, authority.issuer_id());
        authority.revoke(&user, 2).unwrap();
        assert!(authority.is_revoked(&sk.user_id(), 2));
        // Wrong lengths are refused.
        assert!(serde_json::from_str::<crate::UserId>("[1,2,3]").is_err());
        assert!(serde_json::from_str::<crate::IssuerId>(&stored).is_err());
        assert!(serde_json::from_str::<crate::UserId>(&issuer).is_err());
    }
}
