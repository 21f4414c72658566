//! Multiplications by **public** exponents (scheme.md §1): proof challenges, responses,
//! Lagrange and reconstruction coefficients.
//!
//! - `*_vartime`: every input is public (base and exponent); the time may depend on both.
//! - `*_pubexp`: the exponent is public, the base may be secret; the sequence of group
//!   operations depends only on the exponent, and `blst`'s point additions and doublings are
//!   constant-time in the points (a doubling met inside an addition is handled without a
//!   branch).
//!
//! `blstrs`' `p * s` (`blst`'s constant-time GLV multiplication) is the fallback wherever a
//! shortcut does not apply.

use blstrs::{G1Projective, Scalar};
use ff::Field;
use group::Group;

/// `Π points_i^{scalars_i}` for **public** scalars (variable time). Below 8 points this is one
/// `blst` multiplication per point: `blst`'s Pippenger (`multi_exp`) costs more than separate
/// GLV multiplications for so few points (measured: a 2-point `multi_exp` about 1.5–2 single
/// multiplications), and it is variable time in its scalars, so it only ever sees public ones.
pub(crate) fn multi_exp_vartime(points: &[G1Projective], scalars: &[Scalar]) -> G1Projective {
    if points.len() < 8 {
        return points
            .iter()
            .zip(scalars)
            .fold(G1Projective::identity(), |acc, (p, s)| acc + p * s);
    }
    G1Projective::multi_exp(points, scalars)
}

/// `p^c` for a **public** challenge `c < 2^128` (a 16-byte big-endian value), variable time:
/// width-5 NAF, about 128 doublings and 22 additions — `blstrs`' `p * c` always runs `blst`'s
/// 255-bit GLV multiplication, whatever the size of `c`.
pub(crate) fn mul_challenge_vartime(p: &G1Projective, c: &[u8; 16]) -> G1Projective {
    const W: u32 = 5;
    // The value is hi·2^128 + k (adding a negative digit's magnitude can carry past 2^128).
    let mut k = u128::from_be_bytes(*c);
    let mut hi = false;
    // NAF digits, least significant first; 130 suffice for a value below 2^128 + 2^4.
    let mut naf = [0i8; 130];
    let mut len = 0;
    for slot in naf.iter_mut() {
        if k == 0 && !hi {
            break;
        }
        if k & 1 == 1 {
            let m = (k & ((1 << W) - 1)) as i8;
            let d = if m >= 1 << (W - 1) { m - (1 << W) } else { m };
            let magnitude = u128::from(d.unsigned_abs());
            if d > 0 {
                // k is odd and k mod 32 = d, so k ≥ d: no borrow.
                k -= magnitude;
            } else {
                let (sum, carry) = k.overflowing_add(magnitude);
                k = sum;
                hi |= carry;
            }
            *slot = d;
        }
        k = (k >> 1) | (u128::from(hi) << 127);
        hi = false;
        len += 1;
    }
    // Odd multiples p, 3p, …, 15p.
    let p2 = p.double();
    let mut table = [*p; 8];
    let mut prev = *p;
    for slot in table.iter_mut().skip(1) {
        prev += p2;
        *slot = prev;
    }
    let mut acc = G1Projective::identity();
    for &d in naf.iter().take(len).rev() {
        acc = acc.double();
        if let Some(t) = table.get(usize::from(d.unsigned_abs()) / 2) {
            if d > 0 {
                acc += t;
            } else if d < 0 {
                acc -= t;
            }
        }
    }
    acc
}

/// `Π points_i^{e_i}` for small signed **public** exponents: interleaved binary
/// double-and-add. The operation sequence depends only on the exponents, so the points may be
/// secret.
pub(crate) fn signed_multi_exp_pubexp(points: &[G1Projective], exps: &[i128]) -> G1Projective {
    let bits = exps
        .iter()
        .map(|e| 128 - e.unsigned_abs().leading_zeros())
        .max()
        .unwrap_or(0);
    let mut acc = G1Projective::identity();
    for bit in (0..bits).rev() {
        acc = acc.double();
        for (p, e) in points.iter().zip(exps) {
            if (e.unsigned_abs() >> bit) & 1 == 1 {
                if *e < 0 {
                    acc -= p;
                } else {
                    acc += p;
                }
            }
        }
    }
    acc
}

/// `p · ω` for a *public* exponent `ω` (a reconstruction coefficient, computed from the policy
/// alone): coefficients that are small integers or their negatives (2-of-3 over children 1 and 2
/// gives 2 and −1) take a short double-and-add ([`signed_multi_exp_pubexp`] on one point),
/// others blst's constant-time multiplication. The sequence of operations depends only on `ω`,
/// so the base may be secret (a key's `K_τ`, scheme.md §1's `*_pubexp` rule) as well as public
/// (a header's `C_i`).
pub(crate) fn mul_pubexp(p: G1Projective, omega: &Scalar) -> G1Projective {
    let small = |w: &Scalar| -> Option<u64> {
        let b = w.to_bytes_le();
        let (lo, hi) = b.split_at(8);
        if hi.iter().all(|&x| x == 0) {
            lo.try_into().ok().map(u64::from_le_bytes)
        } else {
            None
        }
    };
    let signed = match (small(omega), small(&-omega)) {
        (Some(k), _) => i128::from(k),
        (_, Some(k)) => -i128::from(k),
        _ => return p * omega,
    };
    signed_multi_exp_pubexp(&[p], &[signed])
}

/// An `i128` as a scalar.
pub(crate) fn scalar_from_i128(v: i128) -> Scalar {
    let m = v.unsigned_abs();
    let hi = Scalar::from((m >> 64) as u64);
    let lo = Scalar::from(m as u64);
    let two_64 = Scalar::from(1u64 << 63).double();
    let s = hi * two_64 + lo;
    if v < 0 {
        -s
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec::Vec;

    use rand::SeedableRng;

    use super::*;

    #[test]
    fn public_vartime_multiplication_matches_the_constant_time_one() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(3);
        let p = G1Projective::random(&mut rng);
        let big = Scalar::random(&mut rng);
        for w in [
            Scalar::ZERO,
            Scalar::ONE,
            Scalar::from(2u64),
            -Scalar::ONE,
            -Scalar::from(3u64),
            Scalar::from(u64::MAX),
            -Scalar::from(u64::MAX),
            big,
            -big,
        ] {
            assert_eq!(mul_pubexp(p, &w), p * w);
        }
    }

    #[test]
    fn challenge_multiplication_matches_blst() {
        let mut r = rand_chacha::ChaCha20Rng::seed_from_u64(4);
        let p = G1Projective::random(&mut r);
        let mut cases: Vec<[u8; 16]> = alloc::vec![[0; 16], [0xff; 16], [0x80; 16], [0x0f; 16]];
        let mut one = [0u8; 16];
        one[15] = 1;
        cases.push(one);
        let mut top = [0u8; 16];
        top[0] = 0x80;
        cases.push(top);
        for _ in 0..50 {
            let mut c = [0u8; 16];
            rand_core::RngCore::fill_bytes(&mut r, &mut c);
            cases.push(c);
        }
        for c in cases {
            let mut be = [0u8; 32];
            be[16..].copy_from_slice(&c);
            let scalar = Scalar::from_bytes_be(&be).unwrap();
            assert_eq!(mul_challenge_vartime(&p, &c), p * scalar, "{c:?}");
        }
    }

    #[test]
    fn signed_exponents_and_i128_scalars() {
        let mut r = rand_chacha::ChaCha20Rng::seed_from_u64(12);
        let (p, q) = (G1Projective::random(&mut r), G1Projective::random(&mut r));
        for (a, b) in [
            (0i128, 0i128),
            (1, -1),
            (-7, 300),
            (i128::MAX, i128::MIN + 1),
        ] {
            assert_eq!(
                signed_multi_exp_pubexp(&[p, q], &[a, b]),
                p * scalar_from_i128(a) + q * scalar_from_i128(b)
            );
        }
        assert_eq!(scalar_from_i128(-5), -Scalar::from(5u64));
        assert_eq!(
            scalar_from_i128(i128::MAX),
            Scalar::from(u64::MAX) * Scalar::from(1u64 << 63).double() + Scalar::from(u64::MAX)
                - Scalar::from(1u64 << 63).double() * Scalar::from(1u64 << 63)
        );
    }
}
