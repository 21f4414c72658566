//! Hashing into scalars and into G1 (scheme.md §1, §4; abe-v2.md "Notation and hashes"). The
//! KDF is in `crate::kdf`, the encoding of GT elements in `crate::gt`.
//!
//! Attribute points `H(τ)` and the fixed point `H₀` are RFC 9380 `hash_to_curve` into G1
//! (`BLS12381G1_XMD:SHA-256_SSWU_RO_` with this crate's DSTs), computed by blst. They are random
//! oracles: a structured point such as v1's `u^{H(τ)} h` would let a holder of two attributes
//! interpolate a third's key element (abe-v2.md F-AB5), and `H₀` must never equal an attribute
//! point (its own DST), or that attribute's holder could open every header.
//!
//! `expand_message_xmd` is written here rather than pulled in: the RustCrypto implementation
//! lives inside `elliptic-curve`'s `hash2curve` module and would drag the whole curve-trait stack
//! into a crate that only needs these thirty lines. It is pinned by the RFC 9380 test vectors and
//! by the design's vectors (`tests/data/vectors.json`, `vectors-v2.json`) in the tests.

use blstrs::{G1Affine, G1Projective, Scalar};
use ff::Field;
use group::Curve;
use hkdf::Hkdf;
use once_cell::race::OnceBox;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::domain;
use crate::policy::Attribute;

/// RFC 9380 §5.3.1 `expand_message_xmd` with SHA-256, for a message given in parts, producing
/// `N` bytes. `N` must be at most 255 × 32 and `dst` at most 255 bytes; both are compile-time
/// constants of this crate, checked in debug builds.
pub(crate) fn expand_message_xmd<const N: usize>(parts: &[&[u8]], dst: &[u8]) -> [u8; N] {
    debug_assert!(N <= 255 * 32 && !dst.is_empty() && dst.len() <= 255);
    let ell = N.div_ceil(32);
    let dst_len = [dst.len() as u8];
    let mut h = Sha256::new();
    h.update([0u8; 64]);
    for p in parts {
        h.update(p);
    }
    h.update((N as u16).to_be_bytes());
    h.update([0u8]);
    h.update(dst);
    h.update(dst_len);
    let b0 = h.finalize();

    let mut out = [0u8; N];
    let mut prev = [0u8; 32];
    for i in 1..=ell {
        let mut h = Sha256::new();
        let mut x = [0u8; 32];
        // b_1 hashes b_0 itself; b_i hashes b_0 XOR b_(i-1) (prev is all-zero for i = 1).
        for ((byte, a), b) in x.iter_mut().zip(b0.iter()).zip(prev.iter()) {
            *byte = a ^ b;
        }
        h.update(x);
        h.update([i as u8]);
        h.update(dst);
        h.update(dst_len);
        prev.copy_from_slice(&h.finalize());
        let start = (i - 1) * 32;
        let end = core::cmp::min(start + 32, N);
        if let (Some(dst_chunk), Some(src)) = (out.get_mut(start..end), prev.get(..end - start)) {
            dst_chunk.copy_from_slice(src);
        }
    }
    out
}

/// Reads 64 bytes as a big-endian integer and reduces it modulo r.
///
/// `blstrs` has no wide reduction, so the integer is rebuilt word by word with scalar
/// arithmetic.
pub(crate) fn scalar_from_wide_be(bytes: &[u8; 64]) -> Scalar {
    // Horner over eight big-endian 64-bit words: acc = acc · 2^64 + word. Field arithmetic
    // only, so it is constant-time and cannot fail (no conversion that could reject a value).
    let two_64 = Scalar::from(u64::MAX) + Scalar::ONE;
    let mut acc = Scalar::ZERO;
    for word in bytes.chunks_exact(8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        acc = acc * two_64 + Scalar::from(u64::from_be_bytes(w));
    }
    acc
}

/// `expand_message_xmd` to 64 bytes, reduced mod r.
pub(crate) fn hash_to_scalar(parts: &[&[u8]], dst: &[u8]) -> Scalar {
    scalar_from_wide_be(&expand_message_xmd::<64>(parts, dst))
}

/// `H(τ) = hash_to_curve(utf8(τ), "RSHABE-V2-ATTRIBUTE")` in G1 (abe-v2.md). Takes a checked
/// [`Attribute`], so only valid attributes (1..=255 bytes of UTF-8) are ever hashed.
pub(crate) fn attribute_point(attribute: &Attribute) -> G1Affine {
    G1Projective::hash_to_curve(attribute.as_str().as_bytes(), domain::DST_ATTRIBUTE, b"")
        .to_affine()
}

/// `H₀ = hash_to_curve("", "RSHABE-V2-H0")` in G1 (abe-v2.md): fixed and public, computed once
/// per process, never encoded.
pub(crate) fn h0() -> &'static G1Affine {
    static H0: OnceBox<G1Affine> = OnceBox::new();
    H0.get_or_init(|| {
        alloc::boxed::Box::new(G1Projective::hash_to_curve(b"", domain::DST_H0, b"").to_affine())
    })
}

/// The node secret γ_θ of an issuer's user tree (abe-v2.md §4: HKDF-SHA256 of the tree seed,
/// `info = "RSHABE-V2-NODE" ‖ depth ‖ index`).
pub(crate) fn node_secret(seed: &[u8; 32], depth: u8, index: u64) -> Scalar {
    node_secret_with_label(seed, domain::LABEL_NODE, depth, index)
}

/// [`node_secret`] with the HKDF label given (the design's v1 vectors use the v1 label).
pub(crate) fn node_secret_with_label(
    seed: &[u8; 32],
    label: &[u8],
    depth: u8,
    index: u64,
) -> Scalar {
    let hk = Hkdf::<Sha256>::new(Some(&[]), seed);
    let mut okm = Zeroizing::new([0u8; 64]);
    let info_tail = [&[depth][..], &index.to_be_bytes()[..]];
    // 64 bytes is far below HKDF's 255 × 32 limit: expansion cannot fail.
    let ok = hk
        .expand_multi_info(&[label, info_tail[0], info_tail[1]], &mut okm[..])
        .is_ok();
    debug_assert!(ok);
    scalar_from_wide_be(&okm)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> alloc::vec::Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 9380 Appendix K.1 (expand_message_xmd, SHA-256, 32-byte outputs and 128-byte output).
    #[test]
    fn rfc9380_expand_message_xmd_vectors() {
        let dst = b"QUUX-V01-CS02-with-expander-SHA256-128";
        let out: [u8; 32] = expand_message_xmd(&[b""], dst);
        assert_eq!(
            out.to_vec(),
            unhex("68a985b87eb6b46952128911f2a4412bbc302a9d759667f87f7a21d803f07235")
        );
        let out: [u8; 32] = expand_message_xmd(&[b"ab", b"c"], dst);
        assert_eq!(
            out.to_vec(),
            unhex("d8ccab23b5985ccea865c6c97b6e5b8350e794e603b4b97902f53a8a0d605615")
        );
        let out: [u8; 128] = expand_message_xmd(&[b""], dst);
        assert_eq!(
            out.to_vec(),
            unhex("af84c27ccfd45d41914fdff5df25293e221afc53d8ad2ac06d5e3e29485dadbee0d121587713a3e0dd4d5e69e93eb7cd4f5df4cd103e188cf60cb02edc3edf18eda8576c412b18ffb658e3dd6ec849469b979d444cf7b26911a08e63cf31f9dcc541708d3491184472c2c29bb749d4286b004ceb5ee6b9a7fa5b646c993f0ced")
        );
    }

    #[test]
    fn wide_reduction_matches_small_values() {
        let mut bytes = [0u8; 64];
        bytes[63] = 7;
        assert_eq!(scalar_from_wide_be(&bytes), Scalar::from(7u64));
        // 2^256 mod r computed two ways.
        let mut bytes = [0u8; 64];
        bytes[31] = 1;
        let two = Scalar::from(2u64);
        let mut expect = Scalar::ONE;
        for _ in 0..256 {
            expect *= two;
        }
        assert_eq!(scalar_from_wide_be(&bytes), expect);
    }
}
