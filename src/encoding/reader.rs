//! A bounded reader and a writer for the wire format.

use alloc::vec::Vec;

use blstrs::{G1Affine, G2Affine, Scalar};
use group::prime::PrimeCurveAffine;

use super::error::{DecodeError, DecodeErrorKind as K};
use super::ObjectType;
use crate::domain::{MAGIC, WIRE_VERSION};

use crate::gt::{GtElem, GT_BYTES};

type R<T> = core::result::Result<T, DecodeError>;

/// A cursor over an input that never reads past its end and reports byte offsets.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `buf`.
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    /// Current offset.
    pub(crate) fn offset(&self) -> usize {
        self.pos
    }

    /// Bytes not yet read.
    pub(crate) fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// An error of `kind` at the current offset.
    pub(crate) fn err(&self, kind: K) -> DecodeError {
        DecodeError::new(kind, self.pos)
    }

    /// An error of `kind` at `offset`.
    pub(crate) fn err_at(&self, kind: K, offset: usize) -> DecodeError {
        DecodeError::new(kind, offset)
    }

    /// Reads `n` bytes.
    pub(crate) fn bytes(&mut self, n: usize) -> R<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or(self.err(K::Truncated))?;
        let out = self.buf.get(self.pos..end).ok_or(self.err(K::Truncated))?;
        self.pos = end;
        Ok(out)
    }

    /// Reads a fixed-size array.
    pub(crate) fn array<const N: usize>(&mut self) -> R<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.bytes(N)?);
        Ok(out)
    }

    pub(crate) fn u8(&mut self) -> R<u8> {
        Ok(self.array::<1>()?[0])
    }

    pub(crate) fn u16(&mut self) -> R<u16> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    pub(crate) fn u32(&mut self) -> R<u32> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    pub(crate) fn u64(&mut self) -> R<u64> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    /// A boolean byte: 0 or 1, anything else is invalid.
    pub(crate) fn bool(&mut self) -> R<bool> {
        let at = self.pos;
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(self.err_at(K::InvalidValue, at)),
        }
    }

    /// Reads a u32 count and checks it against `max` before the caller allocates; also checks
    /// that at least `count × min_item_len` bytes remain, so a lying count cannot make the caller
    /// reserve memory the input could never fill.
    pub(crate) fn count(&mut self, max: usize, min_item_len: usize) -> R<usize> {
        let at = self.pos;
        let n = self.u32()? as usize;
        if n > max {
            return Err(self.err_at(K::LimitExceeded, at));
        }
        if n.saturating_mul(min_item_len) > self.remaining() {
            return Err(self.err(K::Truncated));
        }
        Ok(n)
    }

    /// A length-prefixed (u32) byte string of at most `max` bytes.
    pub(crate) fn var_bytes(&mut self, max: usize) -> R<&'a [u8]> {
        let n = self.count(max, 1)?;
        self.bytes(n)
    }

    /// Checks magic, version and object type.
    pub(crate) fn prefix(&mut self, ty: ObjectType) -> R<()> {
        let at = self.pos;
        if self.array::<4>()? != MAGIC {
            return Err(self.err_at(K::BadMagic, at));
        }
        let at = self.pos;
        if self.u8()? != WIRE_VERSION {
            return Err(self.err_at(K::UnsupportedVersion, at));
        }
        let at = self.pos;
        if self.u8()? != ty as u8 {
            return Err(self.err_at(K::WrongObjectType, at));
        }
        Ok(())
    }

    /// A G1 point in the prime-order subgroup (identity allowed).
    pub(crate) fn g1_any(&mut self) -> R<G1Affine> {
        let at = self.pos;
        let b = self.array::<48>()?;
        Option::from(G1Affine::from_compressed(&b)).ok_or(self.err_at(K::InvalidPoint, at))
    }

    /// A G1 point in the prime-order subgroup, not the identity.
    pub(crate) fn g1(&mut self) -> R<G1Affine> {
        let at = self.pos;
        let p = self.g1_any()?;
        if bool::from(p.is_identity()) {
            return Err(self.err_at(K::IdentityPoint, at));
        }
        Ok(p)
    }

    /// A G2 point in the prime-order subgroup (identity allowed).
    pub(crate) fn g2_any(&mut self) -> R<G2Affine> {
        let at = self.pos;
        let b = self.array::<96>()?;
        Option::from(G2Affine::from_compressed(&b)).ok_or(self.err_at(K::InvalidPoint, at))
    }

    /// A G2 point in the prime-order subgroup, not the identity.
    pub(crate) fn g2(&mut self) -> R<G2Affine> {
        let at = self.pos;
        let p = self.g2_any()?;
        if bool::from(p.is_identity()) {
            return Err(self.err_at(K::IdentityPoint, at));
        }
        Ok(p)
    }

    /// A GT element (canonical, in the order-r subgroup), not the identity.
    pub(crate) fn gt_elem(&mut self) -> R<GtElem> {
        let at = self.pos;
        let b = self.bytes(GT_BYTES)?;
        let z = GtElem::from_compressed(b).ok_or_else(|| self.err_at(K::InvalidPoint, at))?;
        if z.is_identity() {
            return Err(self.err_at(K::IdentityPoint, at));
        }
        Ok(z)
    }

    /// A canonical scalar (big-endian, below r).
    pub(crate) fn scalar(&mut self) -> R<Scalar> {
        let at = self.pos;
        let b = self.array::<32>()?;
        Option::from(Scalar::from_bytes_be(&b)).ok_or(self.err_at(K::InvalidScalar, at))
    }

    /// A canonical non-zero scalar.
    pub(crate) fn nonzero_scalar(&mut self) -> R<Scalar> {
        let at = self.pos;
        let s = self.scalar()?;
        if bool::from(ff::Field::is_zero(&s)) {
            return Err(self.err_at(K::InvalidScalar, at));
        }
        Ok(s)
    }

    /// Succeeds only if the whole input was consumed.
    pub(crate) fn finish(self) -> R<()> {
        if self.pos != self.buf.len() {
            return Err(self.err(K::TrailingBytes));
        }
        Ok(())
    }
}

/// Appends wire-format fields to a byte vector.
pub(crate) trait Writer {
    fn put_prefix(&mut self, ty: ObjectType);
    fn put_u8(&mut self, v: u8);
    fn put_u16(&mut self, v: u16) {
        self.put_bytes(&v.to_be_bytes());
    }
    fn put_u32(&mut self, v: u32);
    fn put_u64(&mut self, v: u64);
    /// A u32 length (callers guarantee it fits: every length is bounded by a crate constant).
    fn put_len(&mut self, n: usize);
    fn put_var_bytes(&mut self, b: &[u8]);
    fn put_g1(&mut self, p: &G1Affine);
    fn put_g2(&mut self, p: &G2Affine);
    fn put_scalar(&mut self, s: &Scalar);
    fn put_bytes(&mut self, b: &[u8]);
}

impl Writer for Vec<u8> {
    fn put_prefix(&mut self, ty: ObjectType) {
        self.extend_from_slice(&MAGIC);
        self.push(WIRE_VERSION);
        self.push(ty as u8);
    }
    fn put_u8(&mut self, v: u8) {
        self.push(v);
    }
    fn put_u32(&mut self, v: u32) {
        self.extend_from_slice(&v.to_be_bytes());
    }
    fn put_u64(&mut self, v: u64) {
        self.extend_from_slice(&v.to_be_bytes());
    }
    fn put_len(&mut self, n: usize) {
        self.put_u32(u32::try_from(n).unwrap_or(u32::MAX));
    }
    fn put_var_bytes(&mut self, b: &[u8]) {
        self.put_len(b.len());
        self.extend_from_slice(b);
    }
    fn put_g1(&mut self, p: &G1Affine) {
        self.extend_from_slice(&p.to_compressed());
    }
    fn put_g2(&mut self, p: &G2Affine) {
        self.extend_from_slice(&p.to_compressed());
    }
    fn put_scalar(&mut self, s: &Scalar) {
        self.extend_from_slice(&s.to_bytes_be());
    }
    fn put_bytes(&mut self, b: &[u8]) {
        self.extend_from_slice(b);
    }
}

/// A [`Writer`] that only counts: the length pass of
/// [`Encode::encoded_len`](super::codec::Encode::encoded_len).
pub(super) struct LenCounter(pub(super) usize);

impl Writer for LenCounter {
    fn put_prefix(&mut self, _: ObjectType) {
        self.0 += super::PREFIX_LEN;
    }
    fn put_u8(&mut self, _: u8) {
        self.0 += 1;
    }
    fn put_u32(&mut self, _: u32) {
        self.0 += 4;
    }
    fn put_u64(&mut self, _: u64) {
        self.0 += 8;
    }
    fn put_len(&mut self, _: usize) {
        self.0 += 4;
    }
    fn put_var_bytes(&mut self, b: &[u8]) {
        self.0 += 4 + b.len();
    }
    fn put_g1(&mut self, _: &G1Affine) {
        self.0 += 48;
    }
    fn put_g2(&mut self, _: &G2Affine) {
        self.0 += 96;
    }
    fn put_scalar(&mut self, _: &Scalar) {
        self.0 += 32;
    }
    fn put_bytes(&mut self, b: &[u8]) {
        self.0 += b.len();
    }
}
