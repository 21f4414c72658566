#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]
#![warn(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod domain;
mod encoding;
pub mod envelope;
pub mod error;
mod hash;
pub mod policy;
pub mod pre;
pub mod scheme;
mod secret;
#[cfg(feature = "serde")]
mod serde_impl;
#[cfg(test)]
mod vectors_test;

pub use envelope::{Envelope, EnvelopeHeader, Opener, Recipient};
pub use error::{
    DecodeError, DecodeErrorKind, DelegationCheck, Error, Parameter, PolicyError, PolicyErrorKind,
    Result,
};
pub use policy::{Attribute, AttributeSet, Policy};
pub use scheme::update_headers;
pub use scheme::FreshnessGuard;
pub use scheme::{
    Authority, DecryptionKey, Delegator, Header, IssuerId, KeyUpdate, PublicParams, SecretKey,
    SetupParams, SharedKey, UserId,
};
pub use scheme::{PartialDecryption, RetrievalKey, TransformKey};
