//! Fuzz targets for `rs-habe`.
//!
//! The target functions live in the main crate, in its hidden `rs_habe::fuzzing` module (the
//! `fuzzing` cargo feature, not API), so that the crate's own `tests/fuzz_replay.rs` replays the
//! committed seeds and regression inputs through the very same code under plain
//! `cargo test --all-features`, without cargo-fuzz or this crate. This crate only re-exports
//! them for the `fuzz_targets/*.rs` binaries and `make_corpus`.
#![forbid(unsafe_code)]

pub use rs_habe::fuzzing::*;
