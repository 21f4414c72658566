//! The revocable-storage hierarchical CP-ABE scheme (scheme.md §1–§9, with the attribute part
//! of abe-v2.md: hashed attribute points in G1, decryption over `5 + m` pairs).
//!
//! | design section (scheme.md, abe-v2.md) | module |
//! |---|---|
//! | §2 public parameters (abe-v2 §2: `Ω̂₁`, `w_T`, twins) | `params` |
//! | "Notation and hashes": `H₀`, `H(τ)` | `crate::hash` |
//! | §3 time tree, `Cover(T)` | `time_tree` |
//! | §4 user trees, `KUNodes`, node secrets (abe-v2 §4) | `user_tree` |
//! | §5 key components, re-randomisation, restriction, their codec (abe-v2 §5) | `components` |
//! | §5 `DK`, §8 decryption (abe-v2 §5, §8) | `decryption_key` |
//! | §6 level 1: authority (abe-v2 §6) | `authority` |
//! | §6 level ≥ 2: delegation (abe-v2 §6) | `delegator` |
//! | §6 secret keys, `DK` derivation (abe-v2 §6) | `secret_key` |
//! | §6 key updates | `key_update` |
//! | §7 encryption, occurrence layers (abe-v2 §7), §8 ciphertext update | `header` |
//! | §8a outsourced decryption (abe-v2 §8a) | `outsource` |
//! | §9 policies, sharing, reconstruction, occurrence layers | `crate::policy` |
//! | §13 attack regression tests (incl. abe-v2 §13 ablations) | `attack_tests` (tests only) |
//! | §1 `KDF` output shared with proxy re-encryption | `crate::shared_key` |

#[cfg(test)]
mod attack_tests;
pub(crate) mod authority;
pub(crate) mod components;
pub(crate) mod decryption_key;
pub(crate) mod delegator;
pub(crate) mod header;
pub(crate) mod key_update;
pub(crate) mod outsource;
pub(crate) mod params;
pub(crate) mod secret_key;
pub(crate) mod time_tree;
pub(crate) mod user_tree;

pub use crate::shared_key::SharedKey;
pub use authority::{Authority, SetupParams};
pub use decryption_key::DecryptionKey;
pub use delegator::Delegator;
pub use header::{update_headers, Header};
pub use key_update::{FreshnessGuard, KeyUpdate, MAX_GUARDED_ISSUERS};
pub use outsource::{PartialDecryption, RetrievalKey, TransformKey};
pub use params::PublicParams;
pub use secret_key::SecretKey;
pub use time_tree::MAX_TIME_DEPTH;
pub use user_tree::{IssuerId, UserId, MAX_TREE_DEPTH};
