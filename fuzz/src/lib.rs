//! Fuzz targets for `rs-habe`.
//!
//! The target functions live in `targets.rs` so that the main crate's `tests/fuzz_replay.rs`
//! can include the very same source (`#[path]`) and replay the committed seeds and regression
//! inputs under plain `cargo test`, without cargo-fuzz or this crate.
#![forbid(unsafe_code)]

mod targets;
pub use targets::*;
