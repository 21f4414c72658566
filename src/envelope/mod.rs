//! Hybrid envelopes: a STREAM-encrypted payload under a content key wrapped per recipient (scheme.md §11).

mod payload;
