//! Fixed-base scalar multiplication tables (performance; no formula of scheme.md lives here):
//! the tables of the scheme's public generators (built per [`PublicParams`], `abe::params`),
//! of verifiers' `VK_i` (`pre`), and the process-wide table of the G1 generator `g`
//! ([`g1_generator_mul`], [`g1_generator_mul_vartime`]).
//!
//! The scalar is recoded into 43 signed base-64 digits `d_i ∈ [-32, 32]`; for a base `B` the
//! table holds `j · 64^i · B` for every window `i` and `j ∈ 0..=32`, in affine form. `k · B` is
//! then 43 mixed additions, one per window, and no doublings. The digit's entry is picked by
//! scanning all 33 entries with `subtle`'s conditional selection and conditionally negated, so
//! the memory access pattern does not depend on the (secret) scalar: these multiplications are
//! constant-time, like `blstrs`' own.
//!
//! A table is 43 × 33 affine points (133 KiB in G1, 266 KiB in G2). Tables of public points
//! need no care; a table of a secret point must be wiped with [`Zeroize`] by its owner (every
//! table the crate builds today is of a public point).
//!
//! [`PublicParams`]: crate::abe::PublicParams

use alloc::boxed::Box;
use alloc::vec::Vec;

use blstrs::{G1Affine, G1Projective, G2Affine, G2Projective, Scalar};
use group::{Curve, Group};
use once_cell::race::OnceBox;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use zeroize::{DefaultIsZeroes, Zeroize};

/// One table entry; a wrapper so that a table can be wiped (zeroize writes the default point,
/// the identity, through volatile writes).
#[derive(Clone, Copy, Default)]
struct Entry<A>(A);

impl DefaultIsZeroes for Entry<G1Affine> {}
impl DefaultIsZeroes for Entry<G2Affine> {}

const WINDOW_BITS: usize = 6;
/// Half the radix.
const HALF: i16 = 1 << (WINDOW_BITS - 1);
/// Signed digits lie in `[-32, 32]`: entries `0..=32` of each window.
const ENTRIES: usize = (1 << (WINDOW_BITS - 1)) + 1;
/// 43 windows of 6 bits cover 258 bits: the 255-bit scalar plus the recoding's final carry.
const WINDOWS: usize = 256 / WINDOW_BITS + 1;

/// The signed base-64 digits of a scalar, least significant first: `k = Σ d_i 64^i` with
/// `d_i ∈ [-32, 32)` except that the last may be 32. Branch-free recoding.
fn signed_digits(k: &Scalar) -> [i8; WINDOWS] {
    let bytes = k.to_bytes_le();
    let bit = |i: usize| -> i16 { i16::from(bytes.get(i / 8).map_or(0, |b| (b >> (i % 8)) & 1)) };
    let mut out = [0i8; WINDOWS];
    let mut carry: i16 = 0;
    for (w, d) in out.iter_mut().enumerate() {
        let mut raw: i16 = 0;
        for b in 0..WINDOW_BITS {
            raw |= bit(w * WINDOW_BITS + b) << b;
        }
        let v = raw + carry;
        // carry = 1 iff v >= 32 (v is at most 64).
        carry = (v + HALF) >> WINDOW_BITS;
        *d = (v - (carry << WINDOW_BITS)) as i8;
    }
    out
}

macro_rules! fixed_base {
    ($name:ident, $affine:ty, $proj:ty) => {
        /// A fixed-base table for one point.
        pub(crate) struct $name {
            windows: Vec<[Entry<$affine>; ENTRIES]>,
        }

        impl $name {
            /// Builds the table of `base`.
            pub(crate) fn new(base: &$proj) -> Self {
                let mut points = Vec::with_capacity(WINDOWS * ENTRIES);
                let mut window_base = *base;
                for _ in 0..WINDOWS {
                    let mut acc = <$proj>::identity();
                    for _ in 0..ENTRIES {
                        points.push(acc);
                        acc += window_base;
                    }
                    // 64 · window_base is the next window's base.
                    for _ in 0..WINDOW_BITS {
                        window_base = window_base.double();
                    }
                }
                let mut affine = alloc::vec![<$affine>::default(); points.len()];
                <$proj>::batch_normalize(&points, &mut affine);
                let windows = affine
                    .chunks_exact(ENTRIES)
                    .map(|c| {
                        let mut w = [Entry(<$affine>::default()); ENTRIES];
                        for (slot, point) in w.iter_mut().zip(c) {
                            *slot = Entry(*point);
                        }
                        w
                    })
                    .collect();
                $name { windows }
            }

            /// `k · base`, constant-time in `k`.
            pub(crate) fn mul(&self, k: &Scalar) -> $proj {
                let mut acc = <$proj>::identity();
                for (window, digit) in self.windows.iter().zip(signed_digits(k).iter()) {
                    let negative = Choice::from(u8::from(*digit < 0));
                    let magnitude = digit.unsigned_abs();
                    let mut pick = <$affine>::default();
                    for (j, entry) in window.iter().enumerate() {
                        pick.conditional_assign(&entry.0, (j as u8).ct_eq(&magnitude));
                    }
                    pick.conditional_assign(&-pick, negative);
                    acc += &pick;
                }
                acc
            }

            /// `k · base` for a *public* `k` (a proof challenge): the digit's entry is read
            /// directly, so the time depends on `k`, never on the table's point.
            // Generated for both groups; only G1 tables (`g`'s, verifiers' `VK_i`) use it.
            #[allow(dead_code)]
            pub(crate) fn mul_public(&self, k: &Scalar) -> $proj {
                let mut acc = <$proj>::identity();
                for (window, digit) in self.windows.iter().zip(signed_digits(k).iter()) {
                    if let Some(entry) = window.get(usize::from(digit.unsigned_abs())) {
                        if *digit < 0 {
                            acc -= &entry.0;
                        } else if *digit > 0 {
                            acc += &entry.0;
                        }
                    }
                }
                acc
            }
        }

        impl Zeroize for $name {
            fn zeroize(&mut self) {
                self.windows.zeroize();
            }
        }
    };
}

fixed_base!(FixedBaseG1, G1Affine, G1Projective);
fixed_base!(FixedBaseG2, G2Affine, G2Projective);

/// The process-wide fixed-base table of the G1 generator (133 KiB, built on first use).
fn g1_table() -> &'static FixedBaseG1 {
    static TABLE: OnceBox<FixedBaseG1> = OnceBox::new();
    TABLE.get_or_init(|| Box::new(FixedBaseG1::new(&G1Projective::generator())))
}

/// `g^s`, constant-time in `s` (fixed-base table with constant-time selection).
pub(crate) fn g1_generator_mul(s: &Scalar) -> G1Projective {
    g1_table().mul(s)
}

/// `g^s` for a **public** `s`: the table is read at `s`'s digits.
pub(crate) fn g1_generator_mul_vartime(s: &Scalar) -> G1Projective {
    g1_table().mul_public(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ff::Field;
    use rand::SeedableRng;

    #[test]
    fn tables_agree_with_variable_base_multiplication() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(9);
        let b1 = G1Projective::random(&mut rng);
        let b2 = G2Projective::random(&mut rng);
        let (t1, t2) = (FixedBaseG1::new(&b1), FixedBaseG2::new(&b2));
        let minus_one = -Scalar::ONE;
        for k in [
            Scalar::ZERO,
            Scalar::ONE,
            Scalar::from(15u64),
            Scalar::from(16u64),
            minus_one,
        ]
        .into_iter()
        .chain((0..20).map(|_| Scalar::random(&mut rng)))
        {
            assert_eq!(t1.mul(&k), b1 * k);
            assert_eq!(t2.mul(&k), b2 * k);
            assert_eq!(t1.mul_public(&k), b1 * k);
            assert_eq!(t2.mul_public(&k), b2 * k);
        }
    }

    #[test]
    fn the_generator_table_agrees_with_blst() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(13);
        for k in [Scalar::ZERO, -Scalar::ONE, Scalar::random(&mut rng)] {
            assert_eq!(g1_generator_mul(&k), G1Projective::generator() * k);
            assert_eq!(g1_generator_mul_vartime(&k), G1Projective::generator() * k);
        }
    }

    #[test]
    fn a_wiped_table_holds_no_point() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(10);
        let mut t = FixedBaseG2::new(&G2Projective::random(&mut rng));
        t.zeroize();
        assert!(t.windows.is_empty());
        assert_eq!(t.mul(&Scalar::random(&mut rng)), G2Projective::identity());
    }
}
