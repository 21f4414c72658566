//! Streaming envelopes through `std::io` (feature `std`): any payload size in constant memory.

use alloc::vec::Vec;
use std::io::{Read, Write};

use rand_core::{CryptoRng, RngCore};

use super::{
    payload, Envelope, EnvelopeHeader, Opener, Recipient, COMMITMENT_LEN, ID_LEN, MAX_RECIPIENTS,
    MAX_RECIPIENT_LEN, WRAPPED_LEN,
};
use crate::encoding::{Reader, PREFIX_LEN};
use crate::error::{DecodeError, DecodeErrorKind, Error, Result};
use crate::scheme::PublicParams;

fn io_err(e: std::io::Error) -> Error {
    Error::Io(e.kind())
}

/// Reads exactly `n` more bytes into `buf`; a short input is a truncated encoding.
fn read_more<R: Read>(reader: &mut R, buf: &mut Vec<u8>, n: usize) -> Result<()> {
    let start = buf.len();
    buf.resize(start + n, 0);
    let dst = buf.get_mut(start..).unwrap_or(&mut []);
    reader.read_exact(dst).map_err(|e| match e.kind() {
        std::io::ErrorKind::UnexpectedEof => {
            Error::Decode(DecodeError::new(DecodeErrorKind::Truncated, start))
        }
        _ => io_err(e),
    })
}

/// Reads the header part of an envelope from a stream, leaving the reader at the payload.
/// Lengths are checked against their limits before anything is read into memory.
fn read_header<R: Read>(reader: &mut R) -> Result<EnvelopeHeader> {
    let mut buf = Vec::new();
    read_more(
        reader,
        &mut buf,
        PREFIX_LEN + ID_LEN + COMMITMENT_LEN + payload::NONCE_PREFIX_SIZE + 4,
    )?;
    let count_at = buf.len() - 4;
    let n = buf
        .get(count_at..)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, u32::from_be_bytes) as usize;
    if n > MAX_RECIPIENTS {
        return Err(DecodeError::new(DecodeErrorKind::LimitExceeded, count_at).into());
    }
    for _ in 0..n {
        read_more(reader, &mut buf, 5)?;
        let len_at = buf.len() - 4;
        let len = buf
            .get(len_at..)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map_or(0, u32::from_be_bytes) as usize;
        if len > MAX_RECIPIENT_LEN {
            return Err(DecodeError::new(DecodeErrorKind::LimitExceeded, len_at).into());
        }
        read_more(reader, &mut buf, len + WRAPPED_LEN)?;
    }
    let mut r = Reader::new(&buf);
    let header = EnvelopeHeader::read(&mut r)?;
    r.finish()?;
    Ok(header)
}

impl Envelope {
    /// Seals everything `reader` yields into `writer` — header part, then payload chunk by
    /// chunk — in constant memory. Returns the number of plaintext bytes.
    ///
    /// ```
    /// use rs_habe::{Authority, Envelope, Policy, Recipient, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let authority = Authority::setup(&mut rng, SetupParams { time_depth: 8, tree_depth: 4 })?;
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
    pub fn seal_stream<G: RngCore + CryptoRng, R: Read, W: Write>(
        rng: &mut G,
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
    /// let mut authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
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
    /// let authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
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
    pub fn update_stream<G: RngCore + CryptoRng, R: Read, W: Write>(
        rng: &mut G,
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
