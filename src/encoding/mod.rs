//! The wire format (scheme.md §12): the only place where bytes are parsed.
//!
//! Every object starts with the 4-byte magic `RSHB`, a version byte and an object-type byte,
//! followed by fixed-size compressed group elements (G1 48, G2 96, GT 288 bytes, scalars 32 bytes
//! big-endian) and explicit big-endian lengths. Decoding is strict: points are checked to be
//! canonical and in the prime-order subgroup, the identity is refused wherever it cannot occur,
//! every count is checked against a crate constant *before* anything is allocated, and trailing
//! bytes are an error.

mod codec;
mod error;
mod reader;

pub use error::{DecodeError, DecodeErrorKind};

#[cfg(feature = "std")]
pub(crate) use codec::read_object;
pub(crate) use codec::{
    from_bytes, from_nested_bytes, to_bytes, to_secret_bytes, write_nested, Decode, Encode, Object,
};
pub(crate) use reader::{Reader, Writer};

/// The object-type byte that follows magic and version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum ObjectType {
    PublicParams = 0x01,
    AuthorityState = 0x02,
    SecretKey = 0x03,
    KeyUpdate = 0x04,
    DecryptionKey = 0x05,
    Header = 0x06,
    DelegatorState = 0x07,
    Envelope = 0x08,
    FreshnessGuard = 0x09,
    PrePublicKey = 0x10,
    PreSecretKey = 0x11,
    Capsule = 0x12,
    KeyFrag = 0x13,
    DelegationRecord = 0x14,
    CapsuleFrag = 0x15,
    DelegateeKey = 0x16,
    TransformKey = 0x20,
    PartialDecryption = 0x21,
    RetrievalKey = 0x22,
}

/// Length of the common prefix: magic (4), version (1), object type (1).
pub(crate) const PREFIX_LEN: usize = 6;
