//! The revocable-storage hierarchical CP-ABE scheme (scheme.md §1–§9).
//!
//! | scheme.md section | module |
//! |---|---|
//! | §2 public parameters | `params` |
//! | §3 time tree, `Cover(T)` | `time` |
//! | §4 user trees, `KUNodes` | `tree` |
//! | §5 key components, `DK`, restriction | `keys` |
//! | §6 level 1: authority | `authority` |
//! | §6 level ≥ 2: delegation | `delegator` |
//! | §6 secret keys, `DK` derivation | `secret_key` |
//! | §6 key updates | `key_update` |
//! | §7 encryption, §8 decryption | `kem` |
//! | §8 ciphertext update | `update` |
//! | §8a outsourced decryption | `outsource` |

#[cfg(test)]
mod attacks;
pub(crate) mod authority;
pub(crate) mod delegator;
pub(crate) mod fixed_base;
pub(crate) mod kem;
pub(crate) mod key_update;
pub(crate) mod keys;
pub(crate) mod outsource;
pub(crate) mod params;
pub(crate) mod secret_key;
pub(crate) mod time;
pub(crate) mod tree;
pub(crate) mod update;

pub use authority::{Authority, SetupParams};
pub use delegator::Delegator;
pub use kem::{Header, SharedKey};
pub use key_update::{FreshnessGuard, KeyUpdate, MAX_GUARDED_ISSUERS};
pub use keys::DecryptionKey;
pub use outsource::{PartialDecryption, RetrievalKey, TransformKey};
pub use params::PublicParams;
pub use secret_key::SecretKey;
pub use time::MAX_TIME_DEPTH;
pub use tree::{IssuerId, UserId, MAX_TREE_DEPTH};
pub use update::update_headers;
