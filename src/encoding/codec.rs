//! The one encoding driver (scheme.md §12): every object writes and reads only its body; the
//! prefix (magic, version, object type), the exact-size buffers and the trailing-bytes check
//! are done here, once.

use alloc::vec::Vec;

use zeroize::Zeroizing;

use super::reader::{LenCounter, Reader, Writer};
use super::{ObjectType, PREFIX_LEN};
use crate::error::{DecodeError, Error, Result};

/// An object with its own wire encoding: the prefix, then a body.
pub(crate) trait Object {
    /// The object-type byte after magic and version.
    const OBJECT: ObjectType;
}

/// Writes an object's body; [`to_bytes`] and [`to_secret_bytes`] add the prefix.
pub(crate) trait Encode: Object {
    /// Writes everything after the 6-byte prefix.
    fn write_body(&self, out: &mut dyn Writer);

    /// Exact encoded length, prefix included: a counting pass over
    /// [`write_body`](Self::write_body).
    fn encoded_len(&self) -> usize {
        let mut counter = LenCounter(PREFIX_LEN);
        self.write_body(&mut counter);
        counter.0
    }
}

/// Reads an object's body; [`from_bytes`] checks the prefix before it and that no bytes trail
/// after it.
pub(crate) trait Decode: Object + Sized {
    /// Reads everything after the prefix, with the object's own checks. Errors carry absolute
    /// offsets (the reader's).
    fn read_body(r: &mut Reader<'_>) -> Result<Self>;
}

/// Writes the prefix and the body of `v` (also for objects nested in another object).
pub(crate) fn write_object<T: Encode + ?Sized>(out: &mut dyn Writer, v: &T) {
    out.put_prefix(T::OBJECT);
    v.write_body(out);
}

/// Writes `v` as a length-prefixed (u32) sub-encoding, the same bytes as
/// `out.put_var_bytes(&to_bytes(v))` without the intermediate buffer.
pub(crate) fn write_nested<T: Encode + ?Sized>(out: &mut dyn Writer, v: &T) {
    out.put_len(v.encoded_len());
    write_object(out, v);
}

/// The public encoding of `v`, in a buffer allocated at its exact size.
pub(crate) fn to_bytes<T: Encode + ?Sized>(v: &T) -> Vec<u8> {
    let len = v.encoded_len();
    let mut out = Vec::with_capacity(len);
    write_object(&mut out, v);
    debug_assert_eq!(out.len(), len);
    out
}

/// The encoding of a secret object, in a buffer allocated once at its exact size and zeroized on
/// drop (scheme.md §12): a `Zeroizing<Vec>` that grew by reallocation would free unwiped copies
/// of the key material.
pub(crate) fn to_secret_bytes<T: Encode + ?Sized>(v: &T) -> Zeroizing<Vec<u8>> {
    let len = v.encoded_len();
    let mut out = Zeroizing::new(Vec::with_capacity(len));
    write_object(&mut *out, v);
    debug_assert_eq!((out.len(), out.capacity()), (len, len));
    out
}

/// Reads the prefix and the body of a `T` at the reader's position (no check of what follows).
pub(crate) fn read_object<T: Decode>(r: &mut Reader<'_>) -> Result<T> {
    r.prefix(T::OBJECT)?;
    T::read_body(r)
}

/// Strictly decodes a whole `T`: prefix, body, no trailing bytes.
pub(crate) fn from_bytes<T: Decode>(bytes: &[u8]) -> Result<T> {
    let mut r = Reader::new(bytes);
    let v = read_object(&mut r)?;
    r.finish()?;
    Ok(v)
}

/// Decodes a whole `T` from `body`, a sub-encoding that starts at offset `base` of the outer
/// input: decoding errors are reported at their offset in the outer input; any other error of
/// the inner decoder becomes [`InvalidValue`](crate::DecodeErrorKind::InvalidValue) at `base`.
pub(crate) fn from_nested_bytes<T: Decode>(
    body: &[u8],
    base: usize,
) -> core::result::Result<T, DecodeError> {
    from_bytes(body).map_err(|e| match e {
        Error::Decode(d) => DecodeError::new(d.kind, base + d.offset),
        _ => DecodeError::new(crate::DecodeErrorKind::InvalidValue, base),
    })
}
