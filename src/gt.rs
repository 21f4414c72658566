//! Pairings and GT values (scheme.md §1): the only file that computes a pairing or names
//! `blstrs::Gt`.
//!
//! # How the constant-time rule is kept
//!
//! scheme.md §1 (v1.1): no secret scalar is ever an exponent of a GT element. `blstrs`' `Gt *
//! Scalar` is square-and-multiply with a branch per bit, so its running time leaks the exponent
//! (measured here: 364 µs at Hamming weight 2 against 861 µs at 254), while blst's G1/G2
//! multiplications and its pairings are constant-time. The crate therefore exponentiates in G1 or
//! G2 and pairs: `Ω^{s₀} = e(g^{s₀}, Ω̂₁)` (abe-v2.md §7), `Ω^{s₀} = P · e(RK, Ĉ0)` (§8a).
//!
//! The rule is kept by construction, not by review:
//! - every GT value the crate handles is a [`GtElem`], which has a group operation
//!   ([`GtElem::mul`]) and no exponentiation at all — the crate never raises a GT element to any
//!   power, so a secret GT exponent cannot be written without adding one here;
//! - the test `no_pairing_or_gt_outside_this_file` scans the library's source and fails if
//!   `Gt`, `final_exponentiation`, `multi_miller_loop` or `pairing(` appears in any other file,
//!   so nobody can bypass the newtype by calling `blstrs` directly.
//!
//! Should a public-exponent GT power ever be needed (a challenge, a Lagrange coefficient), it
//! belongs here, named `*_vartime`, taking its exponent as a public value.

use blstrs::{Bls12, Compress, G1Affine, G2Affine, G2Prepared, Gt};
use group::prime::PrimeCurveAffine;
use group::Group;
use once_cell::race::OnceBox;
use pairing::{MillerLoopResult, MultiMillerLoop};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Size of a compressed GT element (`blstrs`' torus compression).
pub(crate) const GT_BYTES: usize = 288;

/// An element of GT. No exponentiation: see the module docs. `Default` is the identity (unlike
/// `blstrs`' `Gt::default()`), so a secret value can be wiped with `Zeroizing<GtElem>`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct GtElem(Gt);

impl Default for GtElem {
    fn default() -> Self {
        GtElem(Gt::identity())
    }
}

impl zeroize::DefaultIsZeroes for GtElem {}

impl core::fmt::Debug for GtElem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // GT values in this crate are KEM secrets or blinded versions of them.
        f.write_str("GtElem([redacted])")
    }
}

impl GtElem {
    /// The identity of GT (`blstrs`' `Gt::default()` is *not* the identity).
    #[cfg(test)]
    pub(crate) fn identity() -> GtElem {
        GtElem::default()
    }

    /// `e(P, Q)`: blst's Miller loop with the lines computed on the fly (nothing cached) and
    /// the final exponentiation; constant-time.
    pub(crate) fn pairing(p: &G1Affine, q: &G2Affine) -> GtElem {
        GtElem(blstrs::pairing(p, q))
    }

    /// `Π e(P_i, Q_i)`: one multi-Miller loop over prepared G2 lines and one final
    /// exponentiation. Constant-time in the points.
    pub(crate) fn multi_pairing(terms: &[(&G1Affine, &G2Prepared)]) -> GtElem {
        GtElem(Bls12::multi_miller_loop(terms).final_exponentiation())
    }

    /// `e(P, ĝ)`, with `ĝ`'s Miller-loop lines prepared once per process.
    pub(crate) fn pair_with_g2_generator(p: &G1Affine) -> GtElem {
        Self::multi_pairing(&[(p, g2_generator_prepared())])
    }

    /// Whether this is the identity of GT.
    pub(crate) fn is_identity(&self) -> bool {
        bool::from(self.0.is_identity())
    }

    /// The group operation of GT (written `·` in scheme.md, `+` by `blstrs`).
    pub(crate) fn mul(&self, other: &GtElem) -> GtElem {
        GtElem(self.0 + other.0)
    }

    /// The 288-byte compressed encoding. The identity has none (`blstrs` panics on it): it can
    /// only arise from a malformed input, so it is refused with [`Error::Decryption`].
    pub(crate) fn compressed(&self) -> Result<Zeroizing<[u8; GT_BYTES]>> {
        if self.is_identity() {
            return Err(Error::Decryption);
        }
        let mut out = Zeroizing::new([0u8; GT_BYTES]);
        let mut w: &mut [u8] = &mut out[..];
        self.0
            .write_compressed(&mut w)
            .map_err(|_| Error::Decryption)?;
        Ok(out)
    }

    /// Decodes a compressed element: `None` unless it is canonical and in the order-r subgroup
    /// (the caller refuses the identity where it cannot occur).
    pub(crate) fn from_compressed(bytes: &[u8]) -> Option<GtElem> {
        Gt::read_compressed(bytes).ok().map(GtElem)
    }

    /// `KDF(self, suite ‖ label ‖ context)` (scheme.md §1); fails closed on the identity.
    pub(crate) fn kdf(
        &self,
        suite: &[u8],
        label: &[u8],
        context: &[&[u8]],
    ) -> Result<crate::SharedKey> {
        let okm = crate::kdf::kdf_from_bytes(&self.compressed()?[..], suite, label, context)?;
        Ok(crate::SharedKey::new(&okm))
    }
}

/// `e(P1, Q1) = e(P2, Q2)`, checked as `e(P1, Q1) · e(−P2, Q2) = 1` with one multi-Miller loop
/// and one final exponentiation (for public values: a key check, a delegation-record check).
pub(crate) fn pairings_equal(p1: &G1Affine, q1: &G2Affine, p2: &G1Affine, q2: &G2Affine) -> bool {
    let neg = -*p2;
    GtElem::multi_pairing(&[(p1, &G2Prepared::from(*q1)), (&neg, &G2Prepared::from(*q2))])
        .is_identity()
}

/// `e(P, ĝ) = e(g, Q)`: whether `P ∈ G1` and `Q ∈ G2` are twins `g^x`, `ĝ^x` (a parameter's two
/// halves, the master secret `g^α` and `Ω̂₁`, a PRE public key's halves). One multi-Miller loop against
/// `ĝ`'s cached lines; for public values.
pub(crate) fn are_twins(p: &G1Affine, q: &G2Affine) -> bool {
    let neg_g = -G1Affine::generator();
    GtElem::multi_pairing(&[
        (p, g2_generator_prepared()),
        (&neg_g, &G2Prepared::from(*q)),
    ])
    .is_identity()
}

/// `ĝ`'s prepared lines, computed on first use and shared by the whole process.
pub(crate) fn g2_generator_prepared() -> &'static G2Prepared {
    static LINES: OnceBox<G2Prepared> = OnceBox::new();
    LINES.get_or_init(|| alloc::boxed::Box::new(G2Prepared::from(G2Affine::generator())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use blstrs::G1Projective;
    use ff::Field;
    use group::Curve;
    use rand::SeedableRng;

    #[test]
    fn pairing_helpers_agree_with_blstrs() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
        let a = blstrs::Scalar::random(&mut rng);
        let p = (G1Projective::generator() * a).to_affine();
        let expected = blstrs::pairing(&p, &G2Affine::generator());
        assert_eq!(GtElem::pair_with_g2_generator(&p), GtElem(expected));
        assert_eq!(
            GtElem::pair_with_g2_generator(&p).mul(&GtElem::identity()),
            GtElem(expected)
        );
        let bytes = GtElem(expected).compressed().unwrap();
        assert_eq!(GtElem::from_compressed(&bytes[..]), Some(GtElem(expected)));
        assert!(GtElem::identity().kdf(b"s", b"x", &[]).is_err());
        assert!(GtElem::identity().compressed().is_err());
    }

    /// The grep-able half of the constant-time rule (module docs): outside this file, the
    /// library names no `Gt` and computes no pairing, so every GT value is a `GtElem`, which
    /// cannot be exponentiated.
    #[cfg(feature = "std")]
    #[test]
    fn no_pairing_or_gt_outside_this_file() {
        extern crate std;
        use std::path::{Path, PathBuf};
        fn walk(dir: &Path, out: &mut alloc::vec::Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = alloc::vec::Vec::new();
        walk(&root, &mut files);
        assert!(files.len() > 10, "the scan must see the library's source");
        // Whole identifiers only (`GtElem::multi_pairing(` is fine, `pairing(` is not).
        let forbidden = [
            "Gt",
            "final_exponentiation",
            "multi_miller_loop",
            "MultiMillerLoop",
            "MillerLoopResult",
        ];
        let mut offences = alloc::vec::Vec::new();
        for file in files.iter().filter(|f| !f.ends_with("gt.rs")) {
            let text = std::fs::read_to_string(file).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                let mut words = code.split(|c: char| !(c.is_alphanumeric() || c == '_'));
                let named = words.any(|word| forbidden.contains(&word));
                // `pairing(` as a call of its own: `blstrs::pairing(..)`, `Bls12::pairing(..)`
                // (this file's `GtElem::pairing(..)` is the sanctioned one).
                let code = code.replace("GtElem::pairing(", "GtElem::pair(");
                let calls_pairing = code.match_indices("pairing(").any(|(i, _)| {
                    !code[..i]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_')
                });
                if named || calls_pairing {
                    offences.push(alloc::format!("{}:{}: {}", file.display(), n + 1, line));
                }
            }
        }
        assert!(offences.is_empty(), "{offences:#?}");
    }
}
