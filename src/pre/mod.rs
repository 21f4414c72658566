//! Threshold, verifiable proxy re-encryption (scheme.md §10 v2).
//!
//! A data owner A encapsulates a 32-byte key to its own public key. Later A *delegates* to a
//! receiver B: it splits a secret among `n` proxies as scalar key fragments ([`KeyFrag`]s), of
//! which any `t` suffice, and publishes a [`DelegationRecord`] that anyone can check against
//! both public keys. Each proxy turns a capsule into a capsule fragment ([`CapsuleFrag`]) in G1
//! with a Chaum–Pedersen proof; anyone holding the checked record verifies it, and B combines `t`
//! verified fragments into the key with its [`DelegateeKey`]. Unidirectional, single-hop,
//! non-interactive; the proxies compute no pairing.
//!
//! # The construction (scheme.md §10 v2)
//! With generators `g ∈ G1`, `ĝ ∈ G2`, `Z = e(g, ĝ)` and `H128(DST, msg)` the first 16 bytes of
//! `expand_message_xmd-SHA-256(msg, DST, 64)` read big-endian (a challenge below `2^128`):
//! - key pair (§10 v2 "KeyPair"): `a ≠ 0`, `pk = (P1 = g^a, P2 = ĝ^a)`; decoding a public key
//!   checks `e(P1, ĝ) = e(g, P2)` — [`KeyPair`], [`PublicKey`];
//! - capsule (§10 v2 "Capsule"): `k, u ≠ 0` fresh, `E = P1_A^k`, `V = P1_A^u`,
//!   `h = H128("RSHABE-V2-CAPSULE", P1_A ‖ E ‖ V)`, `σ = u + h·k`; valid for `pk_A` iff
//!   `P1_A^σ = V · E^h`; key `KDF(Z^k, "RSHABE-V1-PRE" ‖ E)` with `Z^k = e(g^k, ĝ)` —
//!   [`encapsulate`], [`Capsule::verify`];
//! - A opens its own capsule (§10 v2): `Z^k = e(E^{1/a}, ĝ)` — [`KeyPair::open`];
//! - delegation (§10 v2 "Delegate"): `m ≠ 0`, `f(x) = m + c_1 x + … + c_{t−1} x^{t−1}`,
//!   `kfrag_i = f(i)`, record `(id, t, n, pk_A, pk_B, D̂ = P2_B^{1/(a·m)}, M = P1_A^m,
//!   VK_i = g^{f(i)})` — [`KeyPair::delegate`];
//! - checking the record (§10 v2 "Checking DP"): no identity; the `VK_i` lie on a polynomial of
//!   degree `< t`; `e(M, ĝ) = e(V₀, P2_A)`; `e(M, D̂) = e(P1_B, ĝ)` — [`DelegationRecord::check`];
//!   a proxy also checks `g^{kfrag_i} = VK_i` — [`KeyFrag::verify`];
//! - B's delegatee key (§10 v2): `R̂_B = D̂^{1/b} = ĝ^{1/(a·m)}` — [`DelegateeKey`];
//! - re-encryption (§10 v2 "Proxy i re-encrypts"): `cfrag_i = E^{kfrag_i}`, hedged nonce
//!   `ν = wide-reduce(expand_message_xmd(be32(kfrag_i) ‖ E ‖ rnd32, "RSHABE-V2-PRE-NONCE", 64))`,
//!   `R1 = g^ν`, `R2 = E^ν`, `c = H128("RSHABE-V2-PRE-DLEQ", id ‖ u32_be(i) ‖ E ‖ VK_i ‖ cfrag_i
//!   ‖ R1 ‖ R2)`, `z = ν + c·kfrag_i` — [`VerifiedKeyFrag::reencrypt`];
//! - verification (§10 v2 "Verify"): `R1 = g^z · VK_i^{−c}`, `R2 = E^z · cfrag_i^{−c}`, accept iff
//!   `H128` gives `c` back — [`CapsuleFrag::verify`];
//! - B opens (§10 v2): `Y = Π cfrag_i^{L_i(0)} = E^m`, `Z^k = e(Y, R̂_B)` —
//!   [`DelegateeKey::open`].
//!
//! # Trust model
//! - **The proxies** are trusted for availability only: a fragment made with anything but the
//!   proxy's `kfrag_i` fails its proof ([`Error::InvalidProof`]); B needs `t` honest proxies.
//! - **Collusion.** B together with `t` proxies learns `m` and `ĝ^{1/a} = R̂_B^m`, and can then
//!   open *every* capsule made for A: inherent to proxy re-encryption. `a` itself stays safe.
//!   Fewer than `t` proxies with B learn nothing (`m` is Shamir-shared); all `n` proxies
//!   without B get only `Z^{kb}`-type values that need `b`.
//! - **The capsule proof** exists so that a proxy is never a static Diffie–Hellman oracle
//!   `X ↦ X^{f(i)}` on points of a requester's choosing (with `r − 1` smooth enough, Cheon's
//!   attack recovers `f(i)` from chained queries). A proxy re-encrypts only a
//!   [`VerifiedCapsule`] checked against its record's `pk_A`, never against a key that comes
//!   with the request.
//! - **The record** is checked against both public keys, so honest fragments always give B the
//!   key of the A the record names; but the record must still reach B authentically (signed by
//!   A, or over an authenticated channel): a record made by someone else for B checks as well.
//!
//! # Constant time (scheme.md §1)
//! No secret scalar is ever a GT exponent, and there is no GT exponentiation at all. Secret
//! scalars (`a`, `k`, `u`, `m`, `kfrag_i`, `ν`, `b`) only multiply G1/G2 points through `blst`
//! (constant time) or a fixed-base table of `g` with constant-time selection. `multi_exp`
//! (Pippenger, variable time in its scalars) is only used when every scalar is public (σ, h, z,
//! c, Lagrange coefficients); such helpers end in `_vartime`.
//!
//! # Corrections to the design
//! - §10 v2 says "redraw if some f(i) = 0"; the redraw also covers `VK_i = g^{f(i)}` being the
//!   identity (the same event), so a record never needs an identity element.
//! - The verifier's fixed-base table of `VK_i` is built only on request
//!   ([`CheckedRecord::prepare_verification`]), not on first use: a table costs more than it
//!   saves for a verifier that sees one fragment per index.
//! - §10 v2's polynomial check catches a *lowered* threshold (the `VK_j`, `j > t`, leave the
//!   lower-degree polynomial) but cannot catch a *raised* one: keys on a polynomial of degree
//!   `< t` also lie on one of degree `< t'` for `t' > t`. Such a record is harmless — B then asks
//!   more proxies than needed — and with `t = n` a tampered `VK_i` shows up in the owner check
//!   (`V₀` moves) instead of the polynomial check.
//! - The record fixes the sizes §10 v2 leaves open: `t` and `n` as u32 (`n ≤ 255`), indices as
//!   u32 (as hashed in the challenge), `be32(kfrag_i)` read as the 32-byte big-endian scalar.
//! - §10 v2's cost note counts one two-point multi-exponentiation per check; `blst`'s
//!   `multi_exp` is slower than separate multiplications for two points, so checks use one
//!   `blst` multiplication for the full-size exponent and a width-5 NAF for the 128-bit
//!   challenge (`*_vartime`), and B's open uses the small-integer form of the Lagrange
//!   coefficients (see `interpolate_at_zero_vartime`).
//! - A [`CapsuleFrag`] verified against a capsule that was checked against a key other than the
//!   record's `pk_A` is refused ([`Error::FragmentMismatch`]), as is a re-encryption request for
//!   such a capsule: the design says so for proxies, and it costs nothing to say it for
//!   verifiers too.
//!
//! # Example
//! ```
//! use rs_habe::pre::{encapsulate, KeyPair};
//! # fn main() -> rs_habe::Result<()> {
//! let mut rng = rand::thread_rng();
//! let alice = KeyPair::random(&mut rng);
//! let bob = KeyPair::random(&mut rng);
//!
//! let (capsule, key) = encapsulate(&mut rng, &alice.public_key())?;
//! let (kfrags, record) = alice.delegate(&mut rng, &bob.public_key(), 2, 3)?;
//! let record = record.check()?; // B and each proxy, once
//!
//! // Two of the three proxies re-encrypt; anyone with the record checks their work.
//! let capsule = capsule.verify(&alice.public_key())?;
//! let mut verified = Vec::new();
//! for kfrag in kfrags.into_iter().take(2) {
//!     let proxy = kfrag.verify(&record)?;
//!     verified.push(proxy.reencrypt(&mut rng, &capsule)?.verify(&capsule, &record)?);
//! }
//! let bobs_key = record.delegatee_key(&bob)?.open(capsule.capsule(), &verified)?;
//! assert_eq!(*bobs_key, *key);
//! # Ok(())
//! # }
//! ```

mod cfrag;
mod delegation;
mod keys;
#[cfg(test)]
mod tests;

pub use cfrag::{CapsuleFrag, VerifiedCapsuleFrag};
pub use delegation::{
    CheckedRecord, DelegateeKey, DelegationId, DelegationRecord, KeyFrag, VerifiedKeyFrag,
};
pub use keys::{encapsulate, Capsule, KeyPair, PublicKey, VerifiedCapsule};

use alloc::boxed::Box;
use alloc::vec::Vec;

use blstrs::{G1Projective, Scalar};
use ff::Field;
use group::Group;
use once_cell::race::OnceBox;
use rand_core::CryptoRngCore;

use crate::domain;
use crate::error::{Error, Result};
use crate::hash;
use crate::scheme::fixed_base::FixedBaseG1;

/// The largest number of key fragments (proxies) of one delegation; also bounds the threshold.
///
/// ```
/// use rs_habe::{pre::{KeyPair, MAX_SHARES}, Error, Parameter};
/// let mut rng = rand::thread_rng();
/// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
/// assert_eq!(
///     alice.delegate(&mut rng, &bob.public_key(), 1, MAX_SHARES + 1).unwrap_err(),
///     Error::InvalidParameter(Parameter::Threshold)
/// );
/// ```
pub const MAX_SHARES: usize = 255;

/// Length of a [`DelegationId`] in bytes.
///
/// ```
/// use rs_habe::pre::{KeyPair, DELEGATION_ID_LEN};
/// let mut rng = rand::thread_rng();
/// let (alice, bob) = (KeyPair::random(&mut rng), KeyPair::random(&mut rng));
/// let (_, record) = alice.delegate(&mut rng, &bob.public_key(), 1, 1)?;
/// assert_eq!(record.delegation_id().as_bytes().len(), DELEGATION_ID_LEN);
/// # Ok::<(), rs_habe::Error>(())
/// ```
pub const DELEGATION_ID_LEN: usize = 16;

pub(crate) use crate::secret::ScalarCell;

/// A uniformly random non-zero scalar.
pub(crate) fn random_nonzero(rng: &mut impl CryptoRngCore) -> Scalar {
    loop {
        let s = Scalar::random(&mut *rng);
        if !bool::from(s.is_zero()) {
            return s;
        }
    }
}

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

/// `H128(DST, msg)` (scheme.md §10 v2): the first 16 bytes of
/// `expand_message_xmd-SHA-256(msg, DST, 64)` read big-endian, a scalar below `2^128`.
pub(crate) fn challenge_128(parts: &[&[u8]], dst: &[u8]) -> Scalar {
    let wide = hash::expand_message_xmd::<64>(parts, dst);
    let mut c = [0u8; 16];
    if let Some(src) = wide.get(..16) {
        c.copy_from_slice(src);
    }
    challenge_from_bytes(&c)
}

/// A 16-byte big-endian challenge as a scalar (always canonical: it is below `2^128 < r`).
pub(crate) fn challenge_from_bytes(c: &[u8; 16]) -> Scalar {
    let mut be = [0u8; 32];
    if let Some(low) = be.get_mut(16..) {
        low.copy_from_slice(c);
    }
    Option::<Scalar>::from(Scalar::from_bytes_be(&be)).unwrap_or(Scalar::ZERO)
}

/// The 16 big-endian bytes of a challenge made by [`challenge_128`].
pub(crate) fn challenge_to_bytes(c: &Scalar) -> [u8; 16] {
    let be = c.to_bytes_be();
    let mut out = [0u8; 16];
    if let Some(src) = be.get(16..) {
        out.copy_from_slice(src);
    }
    out
}

/// The hedged proof nonce of scheme.md §10 v2:
/// `ν = wide-reduce(expand_message_xmd(be32(kfrag) ‖ compress(E) ‖ rnd32, DST, 64))`.
/// A repeating RNG then repeats `ν` only for the same fragment *and* the same `E` (which gives
/// the same proof again, revealing nothing).
pub(crate) fn pre_nonce(kfrag: &Scalar, e: &[u8; 48], rnd: &[u8; 32]) -> Scalar {
    let k = zeroize::Zeroizing::new(kfrag.to_bytes_be());
    let wide = zeroize::Zeroizing::new(hash::expand_message_xmd::<64>(
        &[&k[..], e, rnd],
        domain::DST_PRE_NONCE,
    ));
    hash::scalar_from_wide_be(&wide)
}

/// Lagrange coefficients at `x` for the distinct, non-zero `indices` (public values; variable
/// time). Repeated indices give [`Error::DuplicateFragment`].
pub(crate) fn lagrange_at_vartime(indices: &[u8], x: u64) -> Result<Vec<Scalar>> {
    let x = Scalar::from(x);
    let mut nums = Vec::with_capacity(indices.len());
    let mut dens = Vec::with_capacity(indices.len());
    for &i in indices {
        let xi = Scalar::from(u64::from(i));
        let (num, den) = indices.iter().filter(|&&j| j != i).fold(
            (Scalar::ONE, Scalar::ONE),
            |(num, den), &j| {
                let xj = Scalar::from(u64::from(j));
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
    let mut inv = Option::<Scalar>::from(acc.invert()).ok_or(Error::DuplicateFragment)?;
    let mut out = alloc::vec![Scalar::ZERO; dens.len()];
    for ((slot, d), before) in out.iter_mut().zip(&dens).zip(&prefix).rev() {
        *slot = inv * before;
        inv *= d;
    }
    Ok(nums.iter().zip(&out).map(|(n, d_inv)| n * d_inv).collect())
}

/// `Π points_i^{L_i(0)}` for distinct, non-zero `indices` (public values; variable time):
/// B's combination `Y = Π cfrag_i^{L_i(0)}` (scheme.md §10 v2).
///
/// `L_i(0) = Π_{j≠i} x_j / (x_j − x_i)` is a ratio of small integers. With
/// `D = Π_{a<b} (x_b − x_a)`, every `N_i = D·L_i(0)` is an integer, so `Y^D = Π points_i^{N_i}`
/// costs one shared run of doublings over the bits of the largest `|N_i|` (24 bits for t = 3),
/// and `Y = (Y^D)^{1/D}` one multiplication — instead of `t` full-size multiplications. When the
/// integers do not fit in an `i128` (large `t`), the scalar coefficients and a multi-exponentiation
/// are used.
pub(crate) fn interpolate_at_zero_vartime(
    indices: &[u8],
    points: &[G1Projective],
) -> Result<G1Projective> {
    if let Some((d, n)) = small_lagrange_at_zero(indices) {
        let y_d = signed_multi_exp_vartime(points, &n);
        let d_inv =
            Option::<Scalar>::from(scalar_from_i128(d).invert()).ok_or(Error::DuplicateFragment)?;
        return Ok(y_d * d_inv);
    }
    let l = lagrange_at_vartime(indices, 0)?;
    Ok(multi_exp_vartime(points, &l))
}

/// `(D, N_1..N_t)` of [`interpolate_at_zero_vartime`], if they fit in an `i128`; `None` also for
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

/// `Π points_i^{e_i}` for small signed **public** exponents: interleaved binary
/// double-and-add (variable time).
fn signed_multi_exp_vartime(points: &[G1Projective], exps: &[i128]) -> G1Projective {
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

/// An `i128` as a scalar.
fn scalar_from_i128(v: i128) -> Scalar {
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
