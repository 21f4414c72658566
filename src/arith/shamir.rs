//! Shamir-style polynomial arithmetic over `Zr`: the one evaluation of a polynomial (Horner,
//! secret coefficients) and the one computation of Lagrange coefficients (public points), shared
//! by the policy's threshold gates (`crate::policy`, scheme.md §9) and proxy re-encryption's key
//! fragments and their checks (`crate::pre`, scheme.md §10 v2); and interpolation in the
//! exponent (`Π P_i^{L_i(0)}`), B's combination of capsule fragments.
//!
//! Nothing here draws randomness: the callers draw the coefficients in their own fixed order
//! (the known-answer vectors depend on it) and hand them over.

use alloc::vec::Vec;

use blstrs::{G1Projective, Scalar};
use ff::Field;
use zeroize::Zeroizing;

use super::public_exp::{multi_exp_vartime, scalar_from_i128, signed_multi_exp_pubexp};
use crate::secret::ScalarCell;

/// `f(x) = c_0 + c_1 x + … + c_d x^d` for the coefficients `c_0..c_d` (lowest first) by Horner's
/// rule, `f(x) = c_0 + x(c_1 + x(c_2 + … + x c_d))`; the empty polynomial is 0.
///
/// The coefficients may be secret (a policy's threshold polynomial, a delegation's `f`): field
/// additions and multiplications only, which are constant-time, and the running value is kept
/// in wiped storage. The result is as secret as the coefficients.
pub(crate) fn eval_poly(coeffs: &[ScalarCell], x: &Scalar) -> ScalarCell {
    let mut acc = Zeroizing::new(ScalarCell(Scalar::ZERO));
    for c in coeffs.iter().rev() {
        acc.0 = acc.0 * x + c.0;
    }
    ScalarCell(acc.0)
}

/// The Lagrange coefficients at `x` over the distinct, nonzero **public** points `xs`:
/// `L_i(x) = Π_{j≠i} (x − x_j) / (x_i − x_j)`, in the order of `xs`, so that
/// `f(x) = Σ L_i(x) f(x_i)` for every polynomial `f` of degree `< xs.len()`. Variable time
/// (public data only); one field inversion for all denominators (Montgomery's trick).
///
/// `None` exactly when two points are equal (a zero denominator).
pub(crate) fn lagrange_vartime<T: Copy + Into<u64>>(xs: &[T], x: u64) -> Option<Vec<Scalar>> {
    let x = Scalar::from(x);
    let mut nums = Vec::with_capacity(xs.len());
    let mut dens = Vec::with_capacity(xs.len());
    for (i, &xi) in xs.iter().enumerate() {
        let xi = Scalar::from(xi.into());
        let (num, den) = xs.iter().enumerate().filter(|&(j, _)| j != i).fold(
            (Scalar::ONE, Scalar::ONE),
            |(num, den), (_, &xj)| {
                let xj = Scalar::from(xj.into());
                (num * (x - xj), den * (xi - xj))
            },
        );
        nums.push(num);
        dens.push(den);
    }
    // One inversion for all denominators (Montgomery's trick).
    let mut prefix = Vec::with_capacity(dens.len());
    let mut acc = Scalar::ONE;
    for d in &dens {
        prefix.push(acc);
        acc *= d;
    }
    let mut inv = Option::<Scalar>::from(acc.invert())?;
    let mut out = alloc::vec![Scalar::ZERO; dens.len()];
    for ((slot, d), before) in out.iter_mut().zip(&dens).zip(&prefix).rev() {
        *slot = inv * before;
        inv *= d;
    }
    Some(nums.iter().zip(&out).map(|(n, d_inv)| n * d_inv).collect())
}

/// The Lagrange coefficients at 0 over the distinct, nonzero **public** points `xs`:
/// `L_i(0) = Π_{j≠i} x_j / (x_j − x_i)` ([`lagrange_vartime`] at `x = 0`). `None` exactly when
/// two points are equal.
pub(crate) fn lagrange_at_zero_vartime<T: Copy + Into<u64>>(xs: &[T]) -> Option<Vec<Scalar>> {
    lagrange_vartime(xs, 0)
}

/// `Π points_i^{L_i(0)}` for distinct, non-zero **public** `indices` (variable time; the
/// points may be public or secret, the indices are public): B's combination
/// `Y = Π cfrag_i^{L_i(0)}` (scheme.md §10 v2). `None` for repeated indices.
///
/// `L_i(0) = Π_{j≠i} x_j / (x_j − x_i)` is a ratio of small integers. With
/// `D = Π_{a<b} (x_b − x_a)`, every `N_i = D·L_i(0)` is an integer, so `Y^D = Π points_i^{N_i}`
/// costs one shared run of doublings over the bits of the largest `|N_i|` (24 bits for t = 3),
/// and `Y = (Y^D)^{1/D}` one multiplication — instead of `t` full-size multiplications. When the
/// integers do not fit in an `i128` (large `t`), the scalar coefficients ([`lagrange_vartime`])
/// and a multi-exponentiation are used.
pub(crate) fn interpolate_at_zero_vartime(
    indices: &[u8],
    points: &[G1Projective],
) -> Option<G1Projective> {
    if let Some((d, n)) = small_lagrange_at_zero(indices) {
        let y_d = signed_multi_exp_pubexp(points, &n);
        let d_inv = Option::<Scalar>::from(scalar_from_i128(d).invert())?;
        return Some(y_d * d_inv);
    }
    let l = lagrange_at_zero_vartime(indices)?;
    Some(multi_exp_vartime(points, &l))
}

/// `(D, N_1..N_t)` of [`interpolate_at_zero_vartime`] — the Lagrange coefficients at 0 as exact
/// integers, scaled by the common denominator `D` — if they fit in an `i128`; `None` also for
/// repeated indices (`D = 0`).
fn small_lagrange_at_zero(indices: &[u8]) -> Option<(i128, Vec<i128>)> {
    let xs: Vec<i128> = indices.iter().map(|&x| i128::from(x)).collect();
    let mut d: i128 = 1;
    for (a, xa) in xs.iter().enumerate() {
        for xb in xs.iter().skip(a + 1) {
            d = d.checked_mul(xb - xa)?;
        }
    }
    if d == 0 {
        return None;
    }
    xs.iter()
        .enumerate()
        .map(|(i, xi)| {
            let (mut num, mut den) = (1i128, 1i128);
            for (j, xj) in xs.iter().enumerate() {
                if j != i {
                    num = num.checked_mul(*xj)?;
                    den = den.checked_mul(xj - xi)?;
                }
            }
            // den divides D: D / den is the product of the differences not involving x_i
            // (up to sign).
            num.checked_mul(d.checked_div(den)?)
        })
        .collect::<Option<Vec<i128>>>()
        .map(|n| (d, n))
}

#[cfg(test)]
mod tests {
    use alloc::vec::Vec;

    use blstrs::{G1Projective, Scalar};
    use ff::Field;
    use group::Group;
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn horner_matches_the_power_sum() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(11);
        for degree in 0..6 {
            let coeffs: Vec<ScalarCell> = (0..degree)
                .map(|_| ScalarCell(Scalar::random(&mut rng)))
                .collect();
            for x in [0u64, 1, 2, 7, 255] {
                let x = Scalar::from(x);
                let mut power = Scalar::ONE;
                let mut want = Scalar::ZERO;
                for c in &coeffs {
                    want += c.0 * power;
                    power *= x;
                }
                assert_eq!(eval_poly(&coeffs, &x).0, want);
            }
        }
    }

    #[test]
    fn lagrange_coefficients_interpolate() {
        // f(x) = 7 + 3x + 5x²
        let f = |x: u64| Scalar::from(7 + 3 * x + 5 * x * x);
        let idx = [2u8, 4, 9];
        for x in [0u64, 1, 3, 11] {
            let l = lagrange_vartime(&idx, x).unwrap();
            let at: Scalar = idx.iter().zip(&l).map(|(&i, c)| f(u64::from(i)) * c).sum();
            assert_eq!(at, f(x));
        }
        // The policy's form: u64 points, at zero, one coefficient per point.
        let xs = [1u64, 3];
        let half = Scalar::from(2u64).invert().unwrap();
        assert_eq!(
            lagrange_at_zero_vartime(&xs).unwrap(),
            [Scalar::from(3u64) * half, -half]
        );
        assert!(lagrange_vartime(&[1u64, 2, 1], 0).is_none());
        assert!(lagrange_at_zero_vartime::<u64>(&[]).unwrap().is_empty());
    }

    #[test]
    fn small_integer_interpolation_matches_scalar_lagrange() {
        let mut r = rand_chacha::ChaCha20Rng::seed_from_u64(5);
        let points: Vec<G1Projective> = (0..12).map(|_| G1Projective::random(&mut r)).collect();
        for idx in [
            alloc::vec![1u8],
            alloc::vec![3],
            alloc::vec![1, 2],
            alloc::vec![255, 1],
            alloc::vec![2, 4, 9],
            alloc::vec![255, 254, 1],
            alloc::vec![1, 2, 3, 4, 5],
            alloc::vec![251, 7, 130, 99, 2],
            (1..=10).collect(),
            alloc::vec![255, 200, 150, 100, 50, 25, 12, 6, 3, 1, 2, 77],
        ] {
            let pts = &points[..idx.len()];
            let l = lagrange_at_zero_vartime(&idx).unwrap();
            let want: G1Projective = pts.iter().zip(&l).map(|(p, c)| p * c).sum();
            assert_eq!(
                interpolate_at_zero_vartime(&idx, pts).unwrap(),
                want,
                "{idx:?}"
            );
        }
        assert!(interpolate_at_zero_vartime(&[2, 2], &points[..2]).is_none());
    }
}
