//! The time tree (scheme.md §3): periods, their prefixes, and `Cover(T)`.
//!
//! Periods are the leaves of a binary tree of depth `D_t`; a node `(k, b)` has depth `k` and
//! index `b < 2^k`. A ciphertext of period `T` carries one row per node of `Cover(T)`, the
//! maximal subtrees inside `[T, 2^D_t − 1]`; a key of period `T'` carries one component per
//! prefix of `T'`. A period `T' ≥ T` lies under exactly one node of `Cover(T)`, which is the
//! prefix of `T'` at that node's depth — that is the row a key uses (§8).

use alloc::vec::Vec;

use crate::error::{Error, Result};

pub use crate::limits::MAX_TIME_DEPTH;

/// A node of the time tree: depth `k ≤ D_t`, index `b < 2^k`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct TimeNode {
    pub(crate) depth: u8,
    pub(crate) index: u64,
}

impl TimeNode {
    /// The label `x_j(N) ∈ {1, 2}` at level `1 ≤ j ≤ k` (scheme.md §3).
    pub(crate) fn label(&self, j: u8) -> u8 {
        debug_assert!(j >= 1 && j <= self.depth);
        (((self.index >> (self.depth - j)) & 1) as u8) + 1
    }

    /// Whether `self` is `other` or an ancestor of it.
    pub(crate) fn is_prefix_of(&self, other: &TimeNode) -> bool {
        self.depth <= other.depth && (other.index >> (other.depth - self.depth)) == self.index
    }
}

/// Checks that `period < 2^D_t`.
pub(crate) fn check_period(time_depth: u8, period: u64) -> Result<()> {
    if period >> time_depth != 0 {
        return Err(Error::PeriodOutOfRange);
    }
    Ok(())
}

/// `Prefix(T, k) = (k, T >> (D_t − k))`.
pub(crate) fn prefix(time_depth: u8, period: u64, k: u8) -> TimeNode {
    debug_assert!(k <= time_depth);
    TimeNode {
        depth: k,
        index: period >> (time_depth - k),
    }
}

/// `Cover(T)`: the maximal subtrees inside `[T, 2^D_t − 1]`, deepest (the one holding leaf `T`)
/// first, at most one per depth. `period` must already be checked to be in range.
pub(crate) fn cover(time_depth: u8, period: u64) -> Vec<TimeNode> {
    let end = 1u64 << time_depth;
    let mut out = Vec::new();
    let mut x = period;
    while x < end {
        let size = if x == 0 { end } else { x & x.wrapping_neg() };
        let log = size.trailing_zeros() as u8;
        out.push(TimeNode {
            depth: time_depth - log,
            index: x / size,
        });
        x += size;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cover_properties_hold_exhaustively_for_small_trees() {
        for dt in 1..=6u8 {
            let end = 1u64 << dt;
            for t in 0..end {
                let c = cover(dt, t);
                // At most one node per depth, strictly shallower as we go.
                for w in c.windows(2) {
                    assert!(w[0].depth > w[1].depth);
                }
                for later in 0..end {
                    let hits = c
                        .iter()
                        .filter(|n| {
                            n.is_prefix_of(&TimeNode {
                                depth: dt,
                                index: later,
                            })
                        })
                        .count();
                    // T' >= T lies under exactly one node; T'' < T under none.
                    assert_eq!(hits, usize::from(later >= t), "dt={dt} t={t} later={later}");
                    // Every node of Cover(T') lies under (or is) a node of Cover(T).
                    if later > t {
                        for n in cover(dt, later) {
                            assert!(c.iter().any(|m| m.is_prefix_of(&n)));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn labels_follow_the_index_bits() {
        let n = TimeNode {
            depth: 3,
            index: 0b101,
        };
        assert_eq!([n.label(1), n.label(2), n.label(3)], [2, 1, 2]);
        assert!(prefix(3, 0b101, 2).is_prefix_of(&n));
        assert_eq!(prefix(3, 0b101, 0), TimeNode { depth: 0, index: 0 });
    }

    #[test]
    fn period_range_is_checked_at_depth_32() {
        assert!(check_period(32, u64::from(u32::MAX)).is_ok());
        assert_eq!(check_period(32, 1 << 32), Err(Error::PeriodOutOfRange));
        assert_eq!(cover(32, u64::from(u32::MAX)).len(), 1);
    }
}
