//! The revocable-storage hierarchical CP-ABE scheme (scheme.md §1–§9, with the attribute part
//! of abe-v2.md: hashed attribute points in G1, decryption over `5 + m` pairs).
//!
//! | design section (scheme.md, abe-v2.md) | module |
//! |---|---|
//! | §2 public parameters (abe-v2 §2: `Ω̂₁`, `w_T`, twins) | `params` |
//! | "Notation and hashes": `H₀`, `H(τ)` | `crate::hash` |
//! | §3 time tree, `Cover(T)` | `time` |
//! | §4 user trees, `KUNodes`, node secrets (abe-v2 §4) | `tree` |
//! | §5 key components, `DK`, re-randomisation, restriction (abe-v2 §5) | `keys` |
//! | §6 level 1: authority (abe-v2 §6) | `authority` |
//! | §6 level ≥ 2: delegation (abe-v2 §6) | `delegator` |
//! | §6 secret keys, `DK` derivation (abe-v2 §6) | `secret_key` |
//! | §6 key updates | `key_update` |
//! | §7 encryption, occurrence layers, §8 decryption (abe-v2 §7, §8) | `kem` |
//! | §8 ciphertext update | `update` |
//! | §8a outsourced decryption (abe-v2 §8a) | `outsource` |
//! | §9 policies, sharing, reconstruction, occurrence layers | `crate::policy` |
//! | §13 attack regression tests (incl. abe-v2 §13 ablations) | `attacks` (tests only) |

#[cfg(test)]
mod attacks;
pub(crate) mod authority;
pub(crate) mod delegator;
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
