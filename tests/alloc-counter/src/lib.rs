//! A counting global allocator for rs-habe's allocation tests (scheme.md §12: streaming decoders
//! allocate as bytes arrive).
//!
//! Install it in a test binary and measure a closure:
//!
//! ```ignore
//! #[global_allocator]
//! static ALLOCATOR: rs_habe_alloc_counter::Counting = rs_habe_alloc_counter::Counting;
//!
//! let (result, peak) = rs_habe_alloc_counter::peak_during(|| decode(&bytes));
//! assert!(peak <= 128 * 1024);
//! ```
//!
//! Only the allocations of the thread that runs [`peak_during`], made while it runs, are
//! counted, so the test harness's other threads do not disturb the figure. A `realloc` is
//! counted as if the old and the new block coexisted for a moment (an upper bound on the real
//! peak). Blocks allocated before the measurement and freed during it lower the count; measure
//! code that frees nothing it did not allocate.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The allocator: [`System`], plus the bookkeeping of [`peak_during`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Counting;

thread_local! {
    static MEASURING: Cell<bool> = const { Cell::new(false) };
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

/// Adds `grow` live bytes, counts `transient` more towards the peak, then removes `shrink`,
/// if this thread is measuring.
fn account(grow: usize, transient: usize, shrink: usize) {
    let as_isize = |n: usize| isize::try_from(n).unwrap_or(isize::MAX);
    // `try_with`: nothing is counted while the thread-locals are being torn down.
    let _ = MEASURING.try_with(|measuring| {
        if measuring.get() {
            let live = LIVE.get().saturating_add(as_isize(grow));
            PEAK.set(PEAK.get().max(live.saturating_add(as_isize(transient))));
            LIVE.set(live.saturating_sub(as_isize(shrink)));
        }
    });
}

// SAFETY: every method forwards its arguments unchanged to `System`, which upholds the
// `GlobalAlloc` contract; the bookkeeping only touches `const`-initialised thread-locals without
// destructors, which never allocate (so it cannot recurse into the allocator).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        account(layout.size(), 0, 0);
        // SAFETY: the caller's guarantees on `layout` are passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        account(layout.size(), 0, 0);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        account(0, 0, layout.size());
        // SAFETY: `ptr` was allocated by `System` (through this allocator) with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        account(new_size, layout.size(), layout.size());
        // SAFETY: as for `dealloc`; the caller's guarantees on `new_size` are passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Runs `f` and returns its result with the peak of heap bytes this thread held live at once
/// during `f`, above what it held before. Meaningful only with [`Counting`] installed as the
/// `#[global_allocator]` (otherwise the peak is 0).
pub fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LIVE.set(0);
    PEAK.set(0);
    MEASURING.set(true);
    let out = f();
    MEASURING.set(false);
    (out, usize::try_from(PEAK.get()).unwrap_or(0))
}
