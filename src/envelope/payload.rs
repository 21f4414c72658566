//! The envelope payload: AES-256-GCM in the STREAM construction (scheme.md §11).
//!
//! The payload is cut into [`CHUNK_SIZE`]-byte plaintext chunks, each sealed with AES-256-GCM
//! under the content key. The 12-byte GCM nonce of chunk `i` is
//! `nonce_prefix (7 bytes) || i as u32 big-endian || last_flag (1 byte)` — the `StreamBE32`
//! flavour of `aead::stream` (Hoang–Reyhanitabar–Rogaway–Vizár, "Online Authenticated-Encryption
//! and its Nonce-Reuse Misuse-Resistance", 2015). Every chunk has the same associated data `ad`
//! (the envelope's 32-byte digest).
//!
//! ```text
//! payload = chunk_0 || chunk_1 || … || chunk_{n-1}
//! chunk_i     = GCM(CK, prefix || BE32(i)   || 0x00, ad, CHUNK_SIZE bytes)      for i < n-1
//! chunk_{n-1} = GCM(CK, prefix || BE32(n-1) || 0x01, ad, 0..=CHUNK_SIZE bytes)
//! ```
//!
//! The final chunk is the only one sealed with the last-block flag, and it is never omitted: an
//! empty payload is one final chunk holding only a tag, and a payload whose length is an exact
//! multiple of [`CHUNK_SIZE`] ends with a *full* final chunk (no trailing empty chunk). So the
//! chunk boundaries of a ciphertext are a function of its length alone: every chunk is
//! `CHUNK_SIZE + TAG_SIZE` bytes except the last, which is `TAG_SIZE..=CHUNK_SIZE + TAG_SIZE`.
//!
//! Because the position and the last-block flag are in the nonce, reordered, duplicated or
//! dropped chunks, a truncated stream (the last chunk present does not authenticate as a final
//! chunk) and data after the final chunk all fail authentication; they are all reported as the
//! opaque [`Error::Decryption`].
//!
//! The counter is 32 bits and the final chunk may use position `2^32 - 1`, so a payload holds at
//! most `2^32` chunks: [`MAX_PLAINTEXT_LEN`] = 256 TiB.
//!
//! # Release of plaintext (the STREAM contract)
//!
//! [`open`] releases nothing unless the whole payload authenticates. `open_stream` writes each
//! chunk to its writer as soon as *that chunk* has authenticated, so when it fails (tampering or
//! truncation detected at chunk `i`) chunks `0..i` have already been written. The caller must treat
//! everything written as untrusted until `open_stream` returns `Ok` — for instance write to a
//! temporary file and rename it only on success, or discard the output on error.

use aes_gcm::aead::stream::{DecryptorBE32, EncryptorBE32};
use aes_gcm::aead::KeyInit;
use aes_gcm::{Aes256Gcm, Key};
use alloc::vec::Vec;
use core::fmt;
#[cfg(test)]
use rand_core::CryptoRngCore;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{Error, Parameter, Result};
#[cfg(feature = "std")]
use std::io::{ErrorKind, Read, Write};

/// Plaintext bytes per chunk (every chunk but the last holds exactly this many).
pub(crate) const CHUNK_SIZE: usize = 64 * 1024;
/// Bytes of GCM tag appended to every chunk.
pub(crate) const TAG_SIZE: usize = 16;
/// Bytes of random nonce prefix (12-byte GCM nonce minus the 4-byte counter and 1-byte flag).
pub(crate) const NONCE_PREFIX_SIZE: usize = 7;
/// Ciphertext bytes of a full (non-final) chunk.
const SEALED_CHUNK_SIZE: usize = CHUNK_SIZE + TAG_SIZE;
/// Most chunks one payload can hold: positions `0..=u32::MAX`.
const MAX_CHUNKS: u64 = 1 << 32;
/// Largest payload the 32-bit STREAM counter can carry: `2^32` full chunks (256 TiB).
pub(crate) const MAX_PLAINTEXT_LEN: u64 = MAX_CHUNKS * CHUNK_SIZE as u64;

/// The 32-byte AES-256-GCM key of an envelope's payload. Zeroized on drop; `Debug` prints no key
/// bytes.
///
/// It is never the content key `CK` itself: it is derived from `CK` and the envelope id
/// (scheme.md §11 v1.1, see [`ContentKey`](super::content_key::ContentKey)), and an opener only
/// obtains it after the envelope's key commitment was checked.
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct PayloadKey([u8; 32]);

impl PayloadKey {
    /// A fresh uniformly random key (tests of the payload layer on its own).
    #[cfg(test)]
    pub(crate) fn random(rng: &mut impl CryptoRngCore) -> Self {
        let mut key = PayloadKey([0u8; 32]);
        rng.fill_bytes(&mut key.0);
        key
    }

    /// Wraps key bytes (tests). The caller's copy of `b` is its own to zeroize.
    #[cfg(test)]
    pub(crate) fn from_bytes(b: [u8; 32]) -> Self {
        PayloadKey(b)
    }

    /// An all-zero key for `fill` to write the derived key into, in place (no stray copy of
    /// the key bytes is left behind); fails if `fill` does.
    pub(crate) fn derive_in_place(fill: impl FnOnce(&mut [u8; 32]) -> Result<()>) -> Result<Self> {
        let mut key = PayloadKey([0u8; 32]);
        fill(&mut key.0)?;
        Ok(key)
    }

    /// The key bytes (tests that check the format against plain AES-256-GCM).
    #[cfg(test)]
    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The AES-256-GCM instance for this key.
    ///
    /// Note: `aes` 0.8 only wipes its round keys when its own `zeroize` feature is on.
    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&self.0))
    }
}

impl fmt::Debug for PayloadKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PayloadKey([redacted])")
    }
}

fn encryptor(key: &PayloadKey, nonce_prefix: &[u8; NONCE_PREFIX_SIZE]) -> EncryptorBE32<Aes256Gcm> {
    EncryptorBE32::from_aead(key.cipher(), nonce_prefix.into())
}

fn decryptor(key: &PayloadKey, nonce_prefix: &[u8; NONCE_PREFIX_SIZE]) -> DecryptorBE32<Aes256Gcm> {
    DecryptorBE32::from_aead(key.cipher(), nonce_prefix.into())
}

/// Exact length of the sealed payload for a plaintext of `plaintext_len` bytes: the plaintext
/// plus one tag per chunk, with at least one (final) chunk.
///
/// Meaningful up to [`MAX_PLAINTEXT_LEN`]; beyond it (a payload that cannot be sealed) the value
/// saturates instead of overflowing.
pub(crate) fn ciphertext_len(plaintext_len: u64) -> u64 {
    // An empty payload is one final chunk; an exact multiple of CHUNK_SIZE has no extra chunk.
    let chunks = plaintext_len.div_ceil(CHUNK_SIZE as u64).max(1);
    plaintext_len.saturating_add(chunks.saturating_mul(TAG_SIZE as u64))
}

/// The error for a plaintext too long to seal.
const TOO_LONG: Error = Error::InvalidParameter(Parameter::Plaintext);

/// The sealed length of a `plaintext_len`-byte plaintext as a buffer size, or [`TOO_LONG`] when
/// the STREAM counter cannot number its chunks or the result does not fit in a `usize`.
fn sealed_capacity(plaintext_len: u64) -> Result<usize> {
    if plaintext_len > MAX_PLAINTEXT_LEN {
        return Err(TOO_LONG);
    }
    usize::try_from(ciphertext_len(plaintext_len)).map_err(|_| TOO_LONG)
}

/// Seals `plaintext` as one payload under `key`, `nonce_prefix` and associated data `ad`.
///
/// The output is exactly [`ciphertext_len`]`(plaintext.len())` bytes and is byte-for-byte what
/// `seal_stream` writes for the same input.
///
/// Errors: [`Error::InvalidParameter`]`(`[`Parameter::Plaintext`]`)` for a plaintext longer than
/// [`MAX_PLAINTEXT_LEN`] (256 TiB, more than the 32-bit counter can number), or whose sealed
/// length does not fit in memory (`usize`); nothing is returned then, not even a partial payload.
pub(crate) fn seal(
    key: &PayloadKey,
    nonce_prefix: &[u8; NONCE_PREFIX_SIZE],
    ad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>> {
    let len = u64::try_from(plaintext.len()).map_err(|_| TOO_LONG)?;
    let mut out = Vec::with_capacity(sealed_capacity(len)?);
    // Holds one chunk of plaintext before it is encrypted in place; room for the tag up front so
    // appending it never reallocates (which would leave an unwiped copy behind).
    let mut buf = Zeroizing::new(Vec::with_capacity(SEALED_CHUNK_SIZE));
    let mut stream = encryptor(key, nonce_prefix);
    let mut rest = plaintext;
    loop {
        let (chunk, tail) = rest.split_at(rest.len().min(CHUNK_SIZE));
        buf.clear();
        buf.extend_from_slice(chunk);
        // Sealing a chunk fails only when the counter is exhausted, which the length check
        // above excludes; were it to happen, the error is the same.
        if tail.is_empty() {
            // Always reached: an empty plaintext is one empty final chunk, and an exact multiple
            // of CHUNK_SIZE ends with a full final chunk.
            stream
                .encrypt_last_in_place(ad, &mut *buf)
                .map_err(|_| TOO_LONG)?;
            out.extend_from_slice(&buf);
            return Ok(out);
        }
        stream
            .encrypt_next_in_place(ad, &mut *buf)
            .map_err(|_| TOO_LONG)?;
        out.extend_from_slice(&buf);
        rest = tail;
    }
}

/// Opens a payload made by [`seal`] or `seal_stream`.
///
/// Returns the whole plaintext, or [`Error::Decryption`] — and no plaintext at all — if the key,
/// nonce prefix or associated data is wrong, or the payload was modified, truncated, reordered,
/// or extended.
pub(crate) fn open(
    key: &PayloadKey,
    nonce_prefix: &[u8; NONCE_PREFIX_SIZE],
    ad: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    // Exact plaintext length (if the payload is well-formed), so `out` never reallocates and
    // leaves no unwiped copy of plaintext behind.
    let chunks = ciphertext.len().div_ceil(SEALED_CHUNK_SIZE);
    let capacity = ciphertext
        .len()
        .saturating_sub(chunks.saturating_mul(TAG_SIZE));
    let mut out = Zeroizing::new(Vec::with_capacity(capacity));
    let mut buf = Zeroizing::new(Vec::with_capacity(SEALED_CHUNK_SIZE));
    let mut stream = decryptor(key, nonce_prefix);
    let mut rest = ciphertext;
    loop {
        let (chunk, tail) = rest.split_at(rest.len().min(SEALED_CHUNK_SIZE));
        buf.clear();
        buf.extend_from_slice(chunk);
        if tail.is_empty() {
            // The last chunk present must authenticate as the final chunk; a chunk shorter than
            // a tag (including an empty ciphertext) fails here too.
            stream
                .decrypt_last_in_place(ad, &mut *buf)
                .map_err(|_| Error::Decryption)?;
            out.extend_from_slice(&buf);
            return Ok(out);
        }
        stream
            .decrypt_next_in_place(ad, &mut *buf)
            .map_err(|_| Error::Decryption)?;
        out.extend_from_slice(&buf);
        rest = tail;
    }
}

/// Reads until `buf` is full or the reader reports end of input; returns the bytes read.
/// Retries on `Interrupted`, like `Read::read_exact`.
#[cfg(feature = "std")]
pub(crate) fn read_full<R: Read>(reader: &mut R, buf: &mut [u8]) -> Result<usize> {
    let mut filled = 0;
    while let Some(rest) = buf.get_mut(filled..) {
        if rest.is_empty() {
            break;
        }
        match reader.read(rest) {
            Ok(0) => break,
            // A reader claiming more bytes than it was given room for is broken.
            Ok(n) if n > rest.len() => return Err(Error::Io(ErrorKind::InvalidData)),
            Ok(n) => filled += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::Io(e.kind())),
        }
    }
    Ok(filled)
}

/// Fills the first `limit` bytes of `buf` (a [`chunk_buffer`]) from `reader`.
#[cfg(feature = "std")]
fn read_chunk<R: Read>(reader: &mut R, buf: &mut Vec<u8>, limit: usize) -> Result<usize> {
    // Allocates exactly one sealed chunk the first time, and nothing afterwards.
    buf.reserve_exact(SEALED_CHUNK_SIZE.saturating_sub(buf.len()));
    buf.resize(SEALED_CHUNK_SIZE, 0);
    match buf.get_mut(..limit) {
        Some(window) => read_full(reader, window),
        None => Err(Error::Io(ErrorKind::InvalidInput)),
    }
}

#[cfg(feature = "std")]
fn write_all<W: Write>(writer: &mut W, bytes: &[u8]) -> Result<()> {
    writer.write_all(bytes).map_err(|e| Error::Io(e.kind()))
}

/// A chunk buffer, empty until its first [`read_chunk`] allocates exactly one sealed chunk, so
/// the look-ahead buffer of a one-chunk stream is never allocated (scheme.md §12: a streaming
/// decoder reserves at most one chunk ahead). From then on its length only moves within its
/// capacity (`resize`, `truncate`, the tag appended in place), so it never reallocates and
/// `Zeroizing` wipes the only copy.
#[cfg(feature = "std")]
fn chunk_buffer() -> Zeroizing<Vec<u8>> {
    Zeroizing::new(Vec::new())
}

/// The loop shared by [`seal_stream`] and [`open_stream`]: reads `limit`-byte chunks with one
/// chunk of look-ahead (a short chunk ends the input; a full one is final only if nothing
/// follows), transforms each in place with `step(chunk, is_last)`, and writes it only after
/// `step` succeeded. Returns the bytes read and written.
#[cfg(feature = "std")]
fn drive_chunks<R: Read, W: Write>(
    mut reader: R,
    mut writer: W,
    limit: usize,
    mut step: impl FnMut(&mut Vec<u8>, bool) -> Result<()>,
) -> Result<(u64, u64)> {
    let mut cur = chunk_buffer();
    let mut next = chunk_buffer();
    let mut cur_len = read_chunk(&mut reader, &mut cur, limit)?;
    let (mut read, mut written) = (0u64, 0u64);
    loop {
        let next_len = if cur_len < limit {
            0
        } else {
            read_chunk(&mut reader, &mut next, limit)?
        };
        read = read.saturating_add(cur_len as u64);
        cur.truncate(cur_len);
        let last = next_len == 0;
        step(&mut cur, last)?;
        write_all(&mut writer, &cur)?;
        written = written.saturating_add(cur.len() as u64);
        if last {
            writer.flush().map_err(|e| Error::Io(e.kind()))?;
            return Ok((read, written));
        }
        core::mem::swap(&mut cur, &mut next);
        cur_len = next_len;
    }
}

/// Streaming [`seal`]: reads the plaintext from `reader` to its end and writes the sealed
/// payload to `writer`, in memory O([`CHUNK_SIZE`]) whatever the length. The output is
/// byte-for-byte what [`seal`] returns for the same plaintext. Returns the number of
/// plaintext bytes read.
///
/// Short reads are fine (the reader is read until each chunk is full or it reports end of
/// input). To know whether a full chunk is the final one, one chunk is read ahead.
///
/// Errors: [`Error::Io`] with the reader's or writer's error kind;
/// [`Error::InvalidParameter`]`(`[`Parameter::Plaintext`]`)`, as for [`seal`], if the input
/// exceeds [`MAX_PLAINTEXT_LEN`] (the counter would overflow) — detected only after `2^32 - 1`
/// chunks were written. On error the output is incomplete and will not open.
#[cfg(feature = "std")]
pub(crate) fn seal_stream<R: Read, W: Write>(
    key: &PayloadKey,
    nonce_prefix: &[u8; NONCE_PREFIX_SIZE],
    ad: &[u8],
    reader: R,
    writer: W,
) -> Result<u64> {
    // Fails only when the counter is exhausted (more than 2^32 chunks); the final chunk may use
    // position 2^32 - 1, and GCM itself cannot fail on a chunk this small.
    let (read, _) = run_stream(
        encryptor(key, nonce_prefix),
        reader,
        writer,
        CHUNK_SIZE,
        |s, c| s.encrypt_next_in_place(ad, c),
        |s, c| s.encrypt_last_in_place(ad, c),
        TOO_LONG,
    )?;
    Ok(read)
}

/// Runs a STREAM encryptor or decryptor over `reader` in chunks of `limit` bytes: `next` for
/// every chunk but the last, `last` (which consumes the stream) for the final one; a failure of
/// either is `err`. Returns the bytes read and written.
#[cfg(feature = "std")]
fn run_stream<S, R: Read, W: Write>(
    stream: S,
    reader: R,
    writer: W,
    limit: usize,
    next: impl Fn(&mut S, &mut Vec<u8>) -> core::result::Result<(), aes_gcm::aead::Error>,
    last: impl Fn(S, &mut Vec<u8>) -> core::result::Result<(), aes_gcm::aead::Error>,
    err: Error,
) -> Result<(u64, u64)> {
    let mut stream = Some(stream);
    drive_chunks(reader, writer, limit, |chunk, is_last| {
        let done = match (is_last, stream.as_mut()) {
            (false, Some(s)) => next(s, chunk),
            (true, _) => match stream.take() {
                Some(s) => last(s, chunk),
                None => Err(aes_gcm::aead::Error),
            },
            (false, None) => Err(aes_gcm::aead::Error),
        };
        done.map_err(|_| err.clone())
    })
}

/// Streaming [`open`]: reads a sealed payload from `reader` to its end and writes the
/// plaintext to `writer`, in memory O([`CHUNK_SIZE`]) whatever the length. Returns the
/// number of plaintext bytes written.
///
/// **The output is untrusted until this returns `Ok`.** Each chunk is written only after it
/// authenticated, but tampering or truncation is detected at the chunk where it occurs (a
/// truncated stream only at its end, when the last chunk present fails as a final chunk),
/// so on [`Error::Decryption`] the chunks before that point have already been written. Discard
/// the output on error.
///
/// Errors: [`Error::Decryption`] for a wrong key, nonce prefix or associated data, or a
/// modified, truncated, reordered, duplicated or extended payload; [`Error::Io`] with the
/// reader's or writer's error kind.
#[cfg(feature = "std")]
pub(crate) fn open_stream<R: Read, W: Write>(
    key: &PayloadKey,
    nonce_prefix: &[u8; NONCE_PREFIX_SIZE],
    ad: &[u8],
    reader: R,
    writer: W,
) -> Result<u64> {
    // The last chunk also rejects an empty input and a chunk shorter than a tag; a chunk past
    // position 2^32 - 1 fails rather than wrapping.
    let (_, written) = run_stream(
        decryptor(key, nonce_prefix),
        reader,
        writer,
        SEALED_CHUNK_SIZE,
        |s, c| s.decrypt_next_in_place(ad, c),
        |s, c| s.decrypt_last_in_place(ad, c),
        Error::Decryption,
    )?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aes_gcm::aead::{Aead, Payload};
    use aes_gcm::Nonce;
    use alloc::{format, vec};
    use proptest::prelude::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::{RngCore, SeedableRng};
    use std::io::{self, Read, Write};

    const C: usize = CHUNK_SIZE;
    const S: usize = SEALED_CHUNK_SIZE;
    const PREFIX: [u8; NONCE_PREFIX_SIZE] = [7, 6, 5, 4, 3, 2, 1];
    const AD: [u8; 32] = [0xad; 32];
    const SIZES: [usize; 7] = [0, 1, C - 1, C, C + 1, 3 * C, 3 * 1024 * 1024 + 17];

    /// [`super::seal`] for inputs that are never too long.
    fn seal(k: &PayloadKey, prefix: &[u8; NONCE_PREFIX_SIZE], ad: &[u8], pt: &[u8]) -> Vec<u8> {
        super::seal(k, prefix, ad, pt).unwrap()
    }

    fn key() -> PayloadKey {
        PayloadKey::random(&mut ChaCha20Rng::seed_from_u64(1))
    }

    fn plaintext(len: usize) -> Vec<u8> {
        let mut v = vec![0u8; len];
        ChaCha20Rng::seed_from_u64(len as u64).fill_bytes(&mut v);
        v
    }

    /// Hands out at most 1..=7 bytes per call (cycling), and sometimes `Interrupted`.
    struct Trickle<'a> {
        data: &'a [u8],
        calls: usize,
    }

    impl<'a> Trickle<'a> {
        fn new(data: &'a [u8]) -> Self {
            Trickle { data, calls: 0 }
        }
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.calls += 1;
            if self.calls % 11 == 0 {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let n = (self.calls % 7 + 1).min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn seal_s(k: &PayloadKey, pt: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let n = seal_stream(k, &PREFIX, &AD, pt, &mut out).unwrap();
        assert_eq!(n, pt.len() as u64);
        out
    }

    fn open_s(k: &PayloadKey, ct: &[u8]) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let n = open_stream(k, &PREFIX, &AD, ct, &mut out)?;
        assert_eq!(n, out.len() as u64);
        Ok(out)
    }

    /// Both openers reject `ct` with the opaque error, and the one-shot one releases nothing.
    fn assert_rejected(k: &PayloadKey, ct: &[u8], what: &str) {
        assert_eq!(
            open(k, &PREFIX, &AD, ct).map(|_| ()),
            Err(Error::Decryption),
            "open: {what}"
        );
        assert_eq!(
            open_s(k, ct).map(|_| ()),
            Err(Error::Decryption),
            "open_stream: {what}"
        );
    }

    fn chunks_of(ct: &[u8]) -> Vec<Vec<u8>> {
        ct.chunks(S).map(<[u8]>::to_vec).collect()
    }

    #[test]
    fn round_trips_one_shot_streaming_and_cross() {
        let k = key();
        for len in SIZES {
            let pt = plaintext(len);
            let ct = seal(&k, &PREFIX, &AD, &pt);
            assert_eq!(ct.len() as u64, ciphertext_len(len as u64), "len {len}");
            let ct_s = seal_s(&k, &pt);
            // Deterministic given key and prefix: the two sealers emit the same bytes, so each
            // opener opens the other's output.
            assert!(ct == ct_s, "seal and seal_stream differ at len {len}");
            assert_eq!(
                open(&k, &PREFIX, &AD, &ct).unwrap().as_slice(),
                &pt[..],
                "len {len}"
            );
            assert_eq!(open_s(&k, &ct).unwrap(), pt, "len {len}");
            assert_eq!(open(&k, &PREFIX, &AD, &ct_s).unwrap().as_slice(), &pt[..]);
            assert_eq!(open_s(&k, &ct_s).unwrap(), pt);
        }
    }

    #[test]
    fn chunk_layout() {
        assert_eq!(ciphertext_len(0), TAG_SIZE as u64);
        assert_eq!(ciphertext_len(1), 1 + TAG_SIZE as u64);
        assert_eq!(ciphertext_len(C as u64), S as u64);
        assert_eq!(ciphertext_len(C as u64 + 1), (S + 1 + TAG_SIZE) as u64);
        assert_eq!(ciphertext_len(3 * C as u64), 3 * S as u64);
        assert_eq!(
            ciphertext_len(MAX_PLAINTEXT_LEN),
            MAX_PLAINTEXT_LEN + (MAX_CHUNKS << 4)
        );
        // Past the limit it saturates rather than overflow.
        assert_eq!(ciphertext_len(u64::MAX), u64::MAX);
        // An exact multiple ends with a full final chunk, not an extra empty one.
        assert_eq!(seal(&key(), &PREFIX, &AD, &plaintext(2 * C)).len(), 2 * S);
    }

    /// A plaintext the 32-bit counter cannot number is a typed error, not an empty payload.
    #[test]
    fn too_long_plaintext_is_an_error() {
        let too_long = Err(Error::InvalidParameter(Parameter::Plaintext));
        assert_eq!(sealed_capacity(MAX_PLAINTEXT_LEN + 1), too_long);
        assert_eq!(sealed_capacity(u64::MAX), too_long);
        assert_eq!(sealed_capacity(0), Ok(TAG_SIZE));
        assert_eq!(sealed_capacity(C as u64 + 1), Ok(S + 1 + TAG_SIZE));
        #[cfg(target_pointer_width = "64")]
        assert_eq!(
            sealed_capacity(MAX_PLAINTEXT_LEN),
            Ok((MAX_PLAINTEXT_LEN + (MAX_CHUNKS << 4)) as usize)
        );
    }

    /// The format does not depend on `aead::stream` internals: chunk `i` is plain AES-256-GCM
    /// with nonce `prefix || BE32(i) || last_flag` and associated data `ad`.
    #[test]
    fn matches_hand_built_stream() {
        let k = key();
        let pt = plaintext(2 * C + 3);
        let gcm = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(k.as_bytes()));
        let mut expected = Vec::new();
        let pieces: Vec<&[u8]> = pt.chunks(C).collect();
        for (i, piece) in pieces.iter().enumerate() {
            let mut nonce = [0u8; 12];
            nonce[..7].copy_from_slice(&PREFIX);
            nonce[7..11].copy_from_slice(&(i as u32).to_be_bytes());
            nonce[11] = u8::from(i + 1 == pieces.len());
            let sealed = gcm
                .encrypt(
                    Nonce::from_slice(&nonce),
                    Payload {
                        msg: piece,
                        aad: &AD,
                    },
                )
                .unwrap();
            expected.extend_from_slice(&sealed);
        }
        assert!(seal(&k, &PREFIX, &AD, &pt) == expected);
        // And the empty payload is one final chunk of just a tag.
        let mut nonce = [0u8; 12];
        nonce[..7].copy_from_slice(&PREFIX);
        nonce[11] = 1;
        let empty = gcm
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: &[], aad: &AD })
            .unwrap();
        assert_eq!(seal(&k, &PREFIX, &AD, &[]), empty);
    }

    #[test]
    fn short_reads_and_interrupts() {
        let k = key();
        for len in [0, 5, C - 1, C, 2 * C + 5] {
            let pt = plaintext(len);
            let mut ct = Vec::new();
            let n = seal_stream(&k, &PREFIX, &AD, Trickle::new(&pt), &mut ct).unwrap();
            assert_eq!(n, len as u64);
            assert!(ct == seal(&k, &PREFIX, &AD, &pt), "len {len}");
            let mut back = Vec::new();
            let n = open_stream(&k, &PREFIX, &AD, Trickle::new(&ct), &mut back).unwrap();
            assert_eq!(n, len as u64);
            assert!(back == pt, "len {len}");
        }
    }

    #[test]
    fn truncation_rejected() {
        let k = key();
        for len in [C + 1, 3 * C, 3 * C + 1] {
            let ct = seal(&k, &PREFIX, &AD, &plaintext(len));
            // At every chunk boundary (including nothing at all), and inside chunks.
            for cut in (0..ct.len()).step_by(S) {
                assert_rejected(&k, &ct[..cut], &format!("len {len} cut at {cut}"));
            }
            for cut in [1, TAG_SIZE - 1, TAG_SIZE, S - 1, S + 1, ct.len() - 1] {
                assert_rejected(&k, &ct[..cut], &format!("len {len} cut at {cut}"));
            }
        }
    }

    #[test]
    fn dropped_chunks_rejected() {
        let k = key();
        for len in [3 * C, 3 * C + 1] {
            let chunks = chunks_of(&seal(&k, &PREFIX, &AD, &plaintext(len)));
            for drop in 0..chunks.len() {
                let mut cs = chunks.clone();
                cs.remove(drop);
                assert_rejected(&k, &cs.concat(), &format!("len {len} drop chunk {drop}"));
            }
        }
    }

    #[test]
    fn reordered_and_duplicated_chunks_rejected() {
        let k = key();
        for len in [3 * C, 3 * C + 1] {
            let chunks = chunks_of(&seal(&k, &PREFIX, &AD, &plaintext(len)));
            let n = chunks.len();
            for (a, b) in [(0, 1), (1, 2), (0, n - 1), (n - 2, n - 1)] {
                let mut cs = chunks.clone();
                cs.swap(a, b);
                assert_rejected(&k, &cs.concat(), &format!("len {len} swap {a},{b}"));
            }
            for dup in 0..n {
                let mut cs = chunks.clone();
                cs.insert(dup, chunks[dup].clone());
                assert_rejected(&k, &cs.concat(), &format!("len {len} duplicate {dup}"));
            }
        }
    }

    #[test]
    fn appended_bytes_rejected() {
        let k = key();
        let other = seal(&k, &PREFIX, &AD, &plaintext(10));
        for len in [0, 1, C - 1, C, 3 * C + 1] {
            let ct = seal(&k, &PREFIX, &AD, &plaintext(len));
            for extra in [&[0u8][..], &[0u8; TAG_SIZE], &[0x55; S], &other] {
                let mut t = ct.clone();
                t.extend_from_slice(extra);
                assert_rejected(&k, &t, &format!("len {len} + {} bytes", extra.len()));
            }
        }
    }

    #[test]
    fn bit_flips_rejected() {
        let k = key();
        for len in [0, 1, C, 3 * C + 1] {
            let ct = seal(&k, &PREFIX, &AD, &plaintext(len));
            for start in (0..ct.len()).step_by(S) {
                let end = (start + S).min(ct.len());
                // First byte, a middle byte, the first and last tag bytes of each chunk.
                for pos in [start, (start + end) / 2, end - TAG_SIZE, end - 1] {
                    for bit in [0, 7] {
                        let mut t = ct.clone();
                        t[pos] ^= 1 << bit;
                        assert_rejected(&k, &t, &format!("len {len} flip byte {pos} bit {bit}"));
                    }
                }
            }
        }
    }

    #[test]
    fn wrong_key_prefix_or_ad_rejected() {
        let k = key();
        let pt = plaintext(C + 1);
        let ct = seal(&k, &PREFIX, &AD, &pt);
        let other_key = PayloadKey::random(&mut ChaCha20Rng::seed_from_u64(2));
        assert_rejected(&other_key, &ct, "wrong key");
        let mut prefix = PREFIX;
        prefix[6] ^= 1;
        assert_eq!(
            open(&k, &prefix, &AD, &ct).map(|_| ()),
            Err(Error::Decryption)
        );
        assert_eq!(
            open_stream(&k, &prefix, &AD, &ct[..], io::sink()),
            Err(Error::Decryption)
        );
        let mut ad = AD;
        ad[31] ^= 0x80;
        assert_eq!(
            open(&k, &PREFIX, &ad, &ct).map(|_| ()),
            Err(Error::Decryption)
        );
        assert_eq!(
            open_stream(&k, &PREFIX, &ad, &ct[..], io::sink()),
            Err(Error::Decryption)
        );
        assert_eq!(
            open(&k, &PREFIX, &[], &ct).map(|_| ()),
            Err(Error::Decryption)
        );
    }

    /// The STREAM contract: `open_stream` writes the chunks that authenticated before the one
    /// where tampering is detected; `open` releases nothing.
    #[test]
    fn open_stream_releases_only_authenticated_chunks() {
        let k = key();
        let pt = plaintext(3 * C + 1);
        let mut ct = seal(&k, &PREFIX, &AD, &pt);
        ct[2 * S + 5] ^= 1;
        let mut out = Vec::new();
        assert_eq!(
            open_stream(&k, &PREFIX, &AD, &ct[..], &mut out),
            Err(Error::Decryption)
        );
        assert!(out == pt[..2 * C]);
        // Truncated at a boundary: everything present authenticates as non-final chunks and is
        // written; the failure comes at the end.
        let ct = seal(&k, &PREFIX, &AD, &pt);
        let mut out = Vec::new();
        assert_eq!(
            open_stream(&k, &PREFIX, &AD, &ct[..3 * S], &mut out),
            Err(Error::Decryption)
        );
        assert!(out == pt[..2 * C]);
    }

    struct FailingReader;
    impl Read for FailingReader {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::ErrorKind::ConnectionReset.into())
        }
    }

    struct FailingWriter;
    impl Write for FailingWriter {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// A reader that claims to have read more than it was given room for.
    struct LyingReader;
    impl Read for LyingReader {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            Ok(buf.len() + 1)
        }
    }

    #[test]
    fn io_errors_pass_through() {
        let k = key();
        let ct = seal(&k, &PREFIX, &AD, b"hello");
        let reset = Err(Error::Io(io::ErrorKind::ConnectionReset));
        assert_eq!(
            seal_stream(&k, &PREFIX, &AD, FailingReader, io::sink()),
            reset
        );
        assert_eq!(
            open_stream(&k, &PREFIX, &AD, FailingReader, io::sink()),
            reset
        );
        let pipe = Err(Error::Io(io::ErrorKind::BrokenPipe));
        assert_eq!(
            seal_stream(&k, &PREFIX, &AD, &b"hello"[..], FailingWriter),
            pipe
        );
        assert_eq!(open_stream(&k, &PREFIX, &AD, &ct[..], FailingWriter), pipe);
        let bad = Err(Error::Io(io::ErrorKind::InvalidData));
        assert_eq!(seal_stream(&k, &PREFIX, &AD, LyingReader, io::sink()), bad);
        assert_eq!(open_stream(&k, &PREFIX, &AD, LyingReader, io::sink()), bad);
    }

    #[test]
    fn key_handling() {
        let k = key();
        assert_eq!(format!("{k:?}"), "PayloadKey([redacted])");
        let bytes = *k.as_bytes();
        assert_eq!(PayloadKey::from_bytes(bytes).as_bytes(), &bytes);
        assert_ne!(
            PayloadKey::random(&mut ChaCha20Rng::seed_from_u64(9)).as_bytes(),
            &bytes
        );
        let mut z = PayloadKey::from_bytes([0xff; 32]);
        z.zeroize();
        assert_eq!(z.as_bytes(), &[0u8; 32]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn prop_round_trip(len in prop_oneof![0usize..300, (C - 300)..(3 * C + 300)]) {
            let k = key();
            let pt = plaintext(len);
            let ct = seal(&k, &PREFIX, &AD, &pt);
            prop_assert_eq!(ct.len() as u64, ciphertext_len(len as u64));
            prop_assert!(seal_s(&k, &pt) == ct);
            prop_assert!(open(&k, &PREFIX, &AD, &ct).unwrap().as_slice() == &pt[..]);
            prop_assert!(open_s(&k, &ct).unwrap() == pt);
        }

        #[test]
        fn prop_byte_flip_rejected(
            len in prop_oneof![0usize..300, (C - 300)..(2 * C + 300)],
            pos in any::<prop::sample::Index>(),
            mask in 1u8..=255,
        ) {
            let k = key();
            let mut ct = seal(&k, &PREFIX, &AD, &plaintext(len));
            let i = pos.index(ct.len());
            ct[i] ^= mask;
            prop_assert_eq!(open(&k, &PREFIX, &AD, &ct).map(|_| ()), Err(Error::Decryption));
            prop_assert_eq!(open_s(&k, &ct).map(|_| ()), Err(Error::Decryption));
        }
    }
}
