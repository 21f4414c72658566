//! Streaming decoders allocate as bytes arrive (scheme.md §12): a short stream that claims a long
//! recipient must not make `Envelope::open_stream` or `Envelope::update_stream` reserve the
//! claimed length (up to 8 MiB) before the bytes are there. Reading in steps changes nothing
//! else: honest streams open, and a malformed stream gets exactly the decoding error that
//! `Envelope::from_bytes` gives its bytes.
//!
//! A counting global allocator (the module `alloc_counter` below, the package's only `unsafe`
//! code) measures the peak of live heap bytes. It counts only on the
//! thread that is measuring and only inside `peak_during`, so the test harness's other threads
//! do not disturb the figures.
#![allow(missing_docs, clippy::unwrap_used)]

use alloc_counter::{peak_during, Counting};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rs_habe::{
    pre, AttributeSet, Authority, DecodeErrorKind, Envelope, Error, Policy, Recipient, SetupParams,
};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

// A counting global allocator: the only `unsafe` code of the package (`GlobalAlloc` is an
// unsafe trait). The library itself forbids `unsafe` (`#![forbid(unsafe_code)]` in `lib.rs`);
// `Cargo.toml` denies it in every other target, and this module alone allows it.
#[allow(unsafe_code)]
mod alloc_counter {
    //! A counting global allocator for rs-habe's allocation tests (scheme.md §12: streaming decoders
    //! allocate as bytes arrive).
    //!
    //! Install it in a test binary and measure a closure:
    //!
    //! ```ignore
    //! #[global_allocator]
    //! static ALLOCATOR: alloc_counter::Counting = alloc_counter::Counting;
    //!
    //! let (result, peak) = alloc_counter::peak_during(|| decode(&bytes));
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
}

const KIB: usize = 1024;
const CHUNK: usize = 64 * KIB;
/// Bytes of an envelope before its recipient count: prefix 6, id 16, commitment 32, nonce 7.
const COUNT_AT: usize = 61;

fn setup(rng: &mut ChaCha20Rng) -> Authority {
    Authority::setup(rng, SetupParams::new(3, 2)).unwrap()
}

/// The start of a genuine envelope up to its recipient count, then `count`, a policy
/// recipient's kind byte and the claimed length `len` — and nothing else.
fn lying_stream(real: &[u8], count: u32, len: u32) -> Vec<u8> {
    let mut s = real[..COUNT_AT].to_vec();
    s.extend_from_slice(&count.to_be_bytes());
    s.push(1);
    s.extend_from_slice(&len.to_be_bytes());
    s
}

/// A 70-byte stream (the 38-byte stream of scheme.md §12, with v1.1's 32-byte commitment)
/// claiming an 8 MiB recipient: opening or updating it is a truncation error, and the reader
/// never holds more than one 64 KiB step (the limit pinned here is 128 KiB).
#[test]
fn a_short_stream_claiming_a_long_recipient_allocates_at_most_one_step() {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let authority = setup(&mut rng);
    let pp = authority.public_params();
    let patient = pre::KeyPair::random(&mut rng);
    let policy = Policy::parse("nurse").unwrap();
    let real = Envelope::seal(
        &mut rng,
        pp,
        &[Recipient::Policy {
            policy: &policy,
            period: 0,
        }],
        b"",
        b"x",
    )
    .unwrap()
    .to_bytes();

    for (count, len) in [
        (1, 8 << 20),
        (64, 8 << 20),
        (1, 1 << 20),
        (2, CHUNK as u32 + 1),
    ] {
        let lying = lying_stream(&real, count, len);
        assert_eq!(lying.len(), 70);
        let expected = Envelope::from_bytes(&lying).unwrap_err();
        assert!(
            matches!(&expected, Error::Decode(e) if e.kind == DecodeErrorKind::Truncated),
            "{expected:?}"
        );

        let (opened, peak) =
            peak_during(|| Envelope::open_stream(&patient, b"", &lying[..], std::io::sink()));
        eprintln!("open_stream, count {count}, claimed {len}: peak {peak} bytes");
        assert_eq!(opened.unwrap_err(), expected);
        assert!(peak <= 128 * KIB, "open_stream peak {peak} bytes");

        let (updated, peak) = peak_during(|| {
            let mut out = Vec::new();
            Envelope::update_stream(&mut rng, pp, 1, &lying[..], &mut out)
        });
        eprintln!("update_stream, count {count}, claimed {len}: peak {peak} bytes");
        assert_eq!(updated.unwrap_err(), expected);
        assert!(peak <= 128 * KIB, "update_stream peak {peak} bytes");
    }
}

/// A short honest envelope opens, streamed, within one 64 KiB chunk buffer and its header: the
/// payload reader's look-ahead buffer is allocated only when a second chunk can follow (two
/// chunk buffers alone are 128 KiB + 32 bytes, over the limit).
#[test]
fn a_short_honest_stream_opens_within_one_chunk() {
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let authority = setup(&mut rng);
    let patient = pre::KeyPair::random(&mut rng);
    let mut sealed = Vec::new();
    Envelope::seal_stream(
        &mut rng,
        authority.public_params(),
        &[Recipient::Pre(&patient.public_key())],
        b"",
        &b"allergy: penicillin"[..],
        &mut sealed,
    )
    .unwrap();
    let (opened, peak) = peak_during(|| {
        let mut out = Vec::with_capacity(64);
        Envelope::open_stream(&patient, b"", &sealed[..], &mut out).map(|_| out)
    });
    eprintln!(
        "short honest stream of {} bytes: peak {peak} bytes",
        sealed.len()
    );
    assert_eq!(opened.unwrap(), b"allergy: penicillin");
    assert!(peak <= 128 * KIB, "peak {peak} bytes");
}

/// The bounded steps do not get in the way of honest streams: a recipient longer than one step
/// (a 600-leaf policy, over 64 KiB of header) and a payload of several chunks open, streamed,
/// from a reader that hands out a few bytes at a time; the peak stays proportional to what
/// arrived.
///
/// Wire format 3 (ABE v2) shrank a leaf's ciphertext from three G1 elements to one (48 bytes),
/// so 600 short attribute names no longer make a header longer than one step; the attribute
/// names are long instead (the policy text is part of the recipient, and the assertion below
/// still checks that the header part exceeds one step).
#[test]
fn a_long_honest_stream_still_opens() {
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let mut authority = setup(&mut rng);
    let pp = authority.public_params().clone();
    let leaves: Vec<String> = (0..600)
        .map(|i| format!("ward:{i}:intensive-care-step-down-unit-north-east-wing-bed-block-c"))
        .collect();
    let policy = Policy::parse(&leaves.join(" or ")).unwrap();
    let plaintext: Vec<u8> = (0..3 * CHUNK + 1234).map(|i| (i % 251) as u8).collect();
    let mut sealed = Vec::new();
    Envelope::seal_stream(
        &mut rng,
        &pp,
        &[Recipient::Policy {
            policy: &policy,
            period: 1,
        }],
        b"scan",
        &plaintext[..],
        &mut sealed,
    )
    .unwrap();
    let header_len = sealed.len() - (plaintext.len() + 4 * 16);
    assert!(header_len > CHUNK + KIB, "header part {header_len} bytes");

    let nurse = authority
        .enrol(
            &mut rng,
            &AttributeSet::new([leaves[599].as_str()]).unwrap(),
        )
        .unwrap();
    let dk = nurse
        .decryption_key(&authority.key_update(&mut rng, 1).unwrap())
        .unwrap();

    let (opened, peak) = peak_during(|| {
        let mut out = Vec::new();
        Envelope::open_stream(&dk, b"scan", Trickle(&sealed[..]), &mut out).map(|n| (n, out))
    });
    let (n, out) = opened.unwrap();
    eprintln!("honest stream: header {header_len} bytes, peak {peak} bytes");
    assert_eq!(n, plaintext.len() as u64);
    assert!(out == plaintext);
}

/// A reader that hands out at most 4093 bytes per call.
struct Trickle<'a>(&'a [u8]);

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.0.len()).min(4093);
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

/// The streaming decoder reads in steps but decodes with the strict decoder: every cut inside an
/// envelope's header part, and every over-limit or invalid count, length or kind, gets the same
/// error (kind and offset) from `open_stream` and `update_stream` as from `Envelope::from_bytes`.
#[test]
fn a_stream_gets_the_decoding_error_its_bytes_get() {
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let authority = setup(&mut rng);
    let pp = authority.public_params();
    let patient = pre::KeyPair::random(&mut rng);
    let patient_pk = patient.public_key();
    let policy = Policy::parse("nurse and ward:3").unwrap();
    let recipients = [
        Recipient::Policy {
            policy: &policy,
            period: 0,
        },
        Recipient::Pre(&patient_pk),
    ];
    let envelope = Envelope::seal(&mut rng, pp, &recipients, b"", b"x").unwrap();
    let bytes = envelope.to_bytes();
    let header_len = envelope.header().to_bytes().len();
    let slot0 = COUNT_AT + 4;
    let len0 = u32::from_be_bytes(bytes[slot0 + 1..slot0 + 5].try_into().unwrap());
    let slot1 = slot0 + 5 + len0 as usize + 48;

    let patch = |at: usize, with: &[u8]| {
        let mut b = bytes.clone();
        b[at..at + with.len()].copy_from_slice(with);
        b
    };
    // Cuts inside the header part (a stream cut after it is a payload matter: `from_bytes`
    // refuses a payload shorter than a tag as truncated, `open_stream` as `Decryption`).
    let mut inputs: Vec<Vec<u8>> = (0..header_len).map(|cut| bytes[..cut].to_vec()).collect();
    for count in [0u32, 3, 65, u32::MAX] {
        inputs.push(patch(COUNT_AT, &count.to_be_bytes()));
    }
    for slot in [slot0, slot1] {
        for kind in [0u8, 3, 0xff] {
            inputs.push(patch(slot, &[kind]));
        }
        for len in [0u32, 1, (8 << 20) + 1, u32::MAX] {
            inputs.push(patch(slot + 1, &len.to_be_bytes()));
        }
    }
    inputs.push(patch(0, b"RSHC"));
    inputs.push(patch(4, &[0xff]));
    inputs.push(patch(5, &[0x01]));

    let mut compared = 0;
    for input in &inputs {
        let Err(expected) = Envelope::from_bytes(input) else {
            continue;
        };
        assert!(matches!(expected, Error::Decode(_)), "{expected:?}");
        let opened = Envelope::open_stream(&patient, b"", &input[..], std::io::sink());
        assert_eq!(
            opened.unwrap_err(),
            expected,
            "open_stream, {} bytes",
            input.len()
        );
        let updated = Envelope::update_stream(&mut rng, pp, 1, &input[..], std::io::sink());
        assert_eq!(
            updated.unwrap_err(),
            expected,
            "update_stream, {} bytes",
            input.len()
        );
        compared += 1;
    }
    assert!(compared > header_len, "only {compared} malformed inputs");
}
