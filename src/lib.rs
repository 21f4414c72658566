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

pub mod abe;
mod arith;
mod domain;
mod encoding;
pub mod envelope;
pub mod error;
/// Fuzz targets (not API; see the module source): only with the `fuzzing` feature.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod gt;
mod hash;
mod kdf;
pub mod limits;
pub mod policy;
pub mod pre;
/// The former name of [`abe`], kept so that paths written against it still resolve.
#[doc(hidden)]
pub use abe as scheme;
mod secret;
#[cfg(feature = "serde")]
mod serde_impl;
mod shared_key;
#[cfg(test)]
mod vectors_test;

/// The RNG traits every randomised call takes (`&mut impl CryptoRngCore`), re-exported so that a
/// caller on another `rand` major version can name the exact `rand_core` 0.6 traits: any
/// generator implementing `rand_core::RngCore + rand_core::CryptoRng` 0.6 works, e.g. `rand`
/// 0.8's `thread_rng()` / `OsRng`, or `rand_chacha` 0.3's `ChaCha20Rng`.
///
/// ```
/// use rs_habe::rand_core::{CryptoRngCore, OsRng};
/// use rs_habe::{Authority, SetupParams};
/// fn setup(rng: &mut impl CryptoRngCore) -> Result<Authority, rs_habe::Error> {
///     Authority::setup(rng, SetupParams::new(4, 2))
/// }
/// assert!(setup(&mut OsRng).is_ok());
/// ```
pub use rand_core;

pub use abe::update_headers;
pub use abe::FreshnessGuard;
pub use abe::{
    Authority, DecryptionKey, Delegator, Header, IssuerId, KeyUpdate, PublicParams, SecretKey,
    SetupParams, UserId,
};
pub use abe::{PartialDecryption, RetrievalKey, TransformKey};
pub use envelope::{Envelope, EnvelopeHeader, Opener, Recipient};
pub use error::{
    DecodeError, DecodeErrorKind, DelegationCheck, Error, Parameter, PolicyError, PolicyErrorKind,
    Result,
};
pub use policy::{Attribute, AttributeSet, Policy};
pub use shared_key::SharedKey;
