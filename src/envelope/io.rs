//! Streaming envelopes through `std::io` (feature `std`): any payload size in constant memory.

use alloc::vec::Vec;
use std::io::{Read, Write};

use rand_core::CryptoRngCore;

use super::{
    payload, Envelope, EnvelopeHeader, Opener, Recipient, COMMITMENT_LEN, ID_LEN, MAX_RECIPIENTS,
    MAX_RECIPIENT_LEN, MIN_SLOT_LEN, WRAPPED_LEN,
};
use crate::abe::PublicParams;
use crate::encoding::{self, Reader, PREFIX_LEN};
use crate::error::{DecodeError, DecodeErrorKind, Error, Result};

fn io_err(e: std::io::Error) -> Error {
    Error::Io(e.kind())
}

/// How far ahead of the bytes that have arrived a streaming decoder may reserve memory
/// (scheme.md §12): one 64 KiB chunk.
const READ_STEP: usize = payload::CHUNK_SIZE;

/// Bytes of the fixed part of an envelope before its first recipient: prefix, id, key
/// commitment, nonce prefix and the `u32` recipient count.
const FIXED_LEN: usize = PREFIX_LEN + ID_LEN + COMMITMENT_LEN + payload::NONCE_PREFIX_SIZE + 4;

/// Appends up to `n` more bytes from `reader` to `buf`; returns `false` if the input ended
/// first (everything it held is then in `buf`).
///
/// Memory grows only as bytes arrive (scheme.md §12): at most [`READ_STEP`] bytes are reserved
/// beyond what has been read, however large `n` is, so a short stream that claims a long field
/// cannot make the reader reserve more than one step.
fn read_more<R: Read>(reader: &mut R, buf: &mut Vec<u8>, n: usize) -> Result<bool> {
    let mut left = n;
    while left > 0 {
        let filled = buf.len();
        let step = left.min(READ_STEP);
        // Exact: never more than one step ahead of the data (a `Vec`'s doubling would reserve
        // as much again as has arrived).
        buf.reserve_exact(step);
        buf.resize(filled + step, 0);
        let Some(window) = buf.get_mut(filled..) else {
            // `filled` is the length before `resize` grew the buffer, so this is unreachable;
            // were it reached, it is an error, not an empty window.
            return Err(Error::Io(std::io::ErrorKind::InvalidInput));
        };
        let got = payload::read_full(reader, window).inspect_err(|_| buf.truncate(filled))?;
        buf.truncate(filled + got);
        if got < step {
            return Ok(false);
        }
        left -= step;
    }
    Ok(true)
}

/// Reads a big-endian `u32` count or length field; `None` if the input ended inside it.
fn read_u32<R: Read>(reader: &mut R, buf: &mut Vec<u8>) -> Result<Option<u32>> {
    let mut field = [0u8; 4];
    let got = payload::read_full(reader, &mut field)?;
    buf.extend(field.iter().take(got));
    Ok((got == field.len()).then_some(u32::from_be_bytes(field)))
}

/// Reads the header part of an envelope from a stream, leaving the reader at the payload.
///
/// Only lengths are interpreted while reading: each is read whole, and memory for what it
/// announces is reserved only as those bytes arrive ([`read_more`]). Counts above their limit
/// stop the reading at once. The bytes are then decoded by the strict decoder of
/// [`EnvelopeHeader::from_bytes`] — also when the stream ends early or a limit is exceeded, so a
/// stream gets exactly the decoding error (kind and offset) its bytes get from
/// [`Envelope::from_bytes`].
fn read_header<R: Read>(reader: &mut R) -> Result<EnvelopeHeader> {
    let mut buf = Vec::new();
    let complete = read_header_bytes(reader, &mut buf)?;
    let mut r = Reader::new(&buf);
    let header = encoding::read_object::<EnvelopeHeader>(&mut r)?;
    if !complete {
        // The decoder accepted a prefix that stopped short of what its lengths announced; it
        // cannot, but if it did the input is still truncated.
        return Err(DecodeError::new(DecodeErrorKind::Truncated, buf.len()).into());
    }
    r.finish()?;
    Ok(header)
}

/// Reads the bytes of an envelope's header part into `buf`; returns `false` if the input ended
/// early or a count or length exceeds its limit (the decoder then reports which).
fn read_header_bytes<R: Read>(reader: &mut R, buf: &mut Vec<u8>) -> Result<bool> {
    if !read_more(reader, buf, FIXED_LEN - 4)? {
        return Ok(false);
    }
    let n = match read_u32(reader, buf)?.map(usize::try_from) {
        Some(Ok(n)) if n <= MAX_RECIPIENTS => n,
        _ => return Ok(false),
    };
    // The decoder checks that the input can hold `n` slots of at least MIN_SLOT_LEN bytes before
    // it looks at them (at most 64 × 53 bytes: a bounded read).
    let min_end = buf.len() + n * MIN_SLOT_LEN;
    for _ in 0..n {
        // The kind byte is checked by the decoder.
        if !read_more(reader, buf, 1)? {
            return Ok(false);
        }
        let len = match read_u32(reader, buf)?.map(usize::try_from) {
            Some(Ok(len)) if len <= MAX_RECIPIENT_LEN => len,
            Some(_) => {
                // Over the limit: stop, but first read what the decoder's check of the count
                // looks at, so it fails (or not) on the same bytes as on the whole input.
                read_more(reader, buf, min_end.saturating_sub(buf.len()))?;
                return Ok(false);
            }
            None => return Ok(false),
        };
        if !read_more(reader, buf, len + WRAPPED_LEN)? {
            return Ok(false);
        }
    }
    Ok(true)
}

impl Envelope {
    /// Seals everything `reader` yields into `writer` — header part, then payload chunk by
    /// chunk — in constant memory. Returns the number of plaintext bytes.
    ///
    /// ```
    /// use rs_habe::{Authority, Envelope, Policy, Recipient, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let authority = Authority::setup(&mut rng, SetupParams::new(8, 4))?;
    /// let policy = Policy::parse("doctor")?;
    /// let mut sealed = Vec::new();
    /// let n = Envelope::seal_stream(
    ///     &mut rng, authority.public_params(), &[Recipient::Policy { policy: &policy, period: 0 }],
    ///     b"", &b"a large scan"[..], &mut sealed,
    /// )?;
    /// assert_eq!(n, 12);
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Envelope::seal`], and [`Error::Io`] for I/O failures.
    pub fn seal_stream<R: Read, W: Write>(
        rng: &mut impl CryptoRngCore,
        pp: &PublicParams,
        recipients: &[Recipient<'_>],
        aad: &[u8],
        reader: R,
        mut writer: W,
    ) -> Result<u64> {
        let (header, payload_key, ad) = EnvelopeHeader::seal(rng, pp, recipients, aad)?;
        writer.write_all(&header.to_bytes()).map_err(io_err)?;
        payload::seal_stream(&payload_key, &header.nonce_prefix, &ad, reader, writer)
    }

    /// Opens a streamed envelope (with any [`Opener`]), writing the plaintext to `writer` one
    /// authenticated chunk at a time; returns the number of plaintext bytes.
    ///
    /// The STREAM contract: on an error (tampering or truncation detected at some chunk), the
    /// chunks before it have already been written. Treat the output as untrusted until this
    /// returns `Ok` — write to a temporary file and rename it on success.
    ///
    /// # Errors
    /// As [`Envelope::open`], and [`Error::Io`] for I/O failures.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Envelope, Error, Policy, Recipient, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params().clone();
    /// let policy = Policy::parse("radiology")?;
    /// let to_radiology = [Recipient::Policy { policy: &policy, period: 1 }];
    /// let scan = vec![0x42u8; 200_000]; // three full 64 KiB chunks and a short one
    /// let mut sealed = Vec::new();
    /// Envelope::seal_stream(&mut rng, &pp, &to_radiology, b"scan 9", &scan[..], &mut sealed)?;
    ///
    /// let radiologist = authority.enrol(&mut rng, &AttributeSet::new(["radiology"])?)?;
    /// let dk = radiologist.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// let mut out = Vec::new(); // in practice a temporary file, renamed on success
    /// assert_eq!(Envelope::open_stream(&dk, b"scan 9", &sealed[..], &mut out)?, 200_000);
    /// assert!(out == scan);
    ///
    /// // A truncated stream fails at its end, after the chunks before it were written.
    /// let mut partial = Vec::new();
    /// let cut = &sealed[..sealed.len() - 10];
    /// let result = Envelope::open_stream(&dk, b"scan 9", cut, &mut partial);
    /// assert!(matches!(result, Err(Error::Decryption)));
    /// assert_eq!(partial.len(), 3 * 64 * 1024); // discard it
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn open_stream<'a, R: Read, W: Write>(
        opener: impl Into<Opener<'a>>,
        aad: &[u8],
        mut reader: R,
        writer: W,
    ) -> Result<u64> {
        let header = read_header(&mut reader)?;
        // The key commitment is checked before a single payload byte is read.
        let payload_key = header.payload_key(opener.into(), aad)?;
        payload::open_stream(
            &payload_key,
            &header.nonce_prefix,
            &header.ad(aad),
            reader,
            writer,
        )
    }

    /// The cloud's update of a stored envelope, streamed: reads the header part, moves its
    /// policy recipients to `period`, writes the new header part, and copies the payload bytes
    /// unchanged. Returns the number of payload bytes copied.
    ///
    /// # Errors
    /// As [`Header::update`](crate::Header::update), decoding errors, [`Error::Io`].
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, Envelope, Policy, Recipient, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params();
    /// let policy = Policy::parse("nurse")?;
    /// let to_nurses = [Recipient::Policy { policy: &policy, period: 1 }];
    /// let mut stored = Vec::new();
    /// Envelope::seal_stream(&mut rng, pp, &to_nurses, b"", &[9u8; 100_000][..], &mut stored)?;
    ///
    /// // The cloud's nightly job, file to file, with public parameters only.
    /// let mut moved = Vec::new();
    /// let copied = Envelope::update_stream(&mut rng, pp, 5, &stored[..], &mut moved)?;
    /// let (before, after) = (Envelope::from_bytes(&stored)?, Envelope::from_bytes(&moved)?);
    /// assert_eq!(copied, after.payload().len() as u64);
    /// assert_eq!(after.payload(), before.payload()); // copied unchanged
    /// assert_eq!(after.header().policy_headers().next().map(|h| h.period()), Some(5));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn update_stream<R: Read, W: Write>(
        rng: &mut impl CryptoRngCore,
        pp: &PublicParams,
        period: u64,
        mut reader: R,
        mut writer: W,
    ) -> Result<u64> {
        let header = read_header(&mut reader)?.update(rng, pp, period)?;
        writer.write_all(&header.to_bytes()).map_err(io_err)?;
        std::io::copy(&mut reader, &mut writer).map_err(io_err)
    }
}
