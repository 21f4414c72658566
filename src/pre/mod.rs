//! Threshold, verifiable proxy re-encryption (scheme.md §10).
//!
//! A data owner A encapsulates a 32-byte key to its own public key. Later A *delegates* to a
//! receiver B, splitting a re-encryption key into `n` key fragments (`KeyFrag`s), one per proxy,
//! of which any `t` suffice. Each proxy turns a capsule into a capsule fragment (`CapsuleFrag`)
//! with a proof that it used its key fragment honestly; anyone holding the delegation's public
//! [`VerificationKeys`] checks the proof, and B combines `t` verified fragments into the key.
//! The scheme is unidirectional (B cannot re-encrypt back to A), single-hop (a re-encrypted
//! capsule cannot be re-encrypted again) and non-interactive (A needs only B's public key).
//!
//! # The construction
//! With generators `g ∈ G1`, `ĝ ∈ G2` and `Z = e(g, ĝ)`:
//! - key pair: secret `a ≠ 0`, public key `(P1, P2) = (g^a, ĝ^a)` — [`KeyPair`], [`PublicKey`];
//! - encapsulation to A: fresh `k`, capsule `E = P1_A^k`, key `KDF(Z^k, "RSHABE-V1-PRE" ‖ E)` —
//!   [`encapsulate`]; A opens with `Z^k = e(E^{1/a}, ĝ)` — [`KeyPair::open`];
//! - delegation A → B, `t` of `n`: a polynomial `f` of degree `t − 1` with `f(0) = 1/a`; proxy `i`
//!   gets `kfrag_i = P2_B^{f(i)}` and everyone may see `W_i = e(g, P2_B)^{f(i)}` —
//!   [`KeyPair::delegate`];
//! - re-encryption by proxy `i`: `cfrag_i = e(E, kfrag_i)` with a Schnorr proof `(c, z)` that the
//!   same `x = kfrag_i` satisfies `cfrag_i = e(E, x)` and `W_i = e(g, x)` —
//!   [`KeyFrag::reencrypt`], checked by [`CapsuleFrag::verify`];
//! - combination by B: `Y = Π cfrag_i^{L_i(0)} = Z^{kb}` over `t` distinct indices, then
//!   `Z^k = Y^{1/b}` — [`open_reencrypted`]. With `t = n = 1` this is plain AFGH re-encryption.
//!
//! # Trust model
//! - **The proxies** are trusted for availability only: a proxy that lies produces a fragment
//!   whose proof fails ([`Error::InvalidProof`]), so B never derives a
//!   wrong key from it; B needs `t` honest proxies to decrypt.
//! - **Collusion.** B together with `t` proxies learns `ĝ^{1/a}` and can then open *every*
//!   capsule made for A. This is inherent to proxy re-encryption; A's secret `a` itself stays
//!   safe, and fewer than `t` proxies (without B) learn nothing about the delegated key.
//! - **Verification keys** must reach B and the verifiers authentically (signed by A, or over an
//!   authenticated channel): they are what a fragment is checked against, and this module does not
//!   (and cannot, from public data) tie them to A's public key.
//! - **Delegation ids** are 16 random bytes per delegation; fragments of different delegations or
//!   of other capsules are refused ([`Error::FragmentMismatch`]).
//!
//! # Security notes
//! - Secrets (`KeyPair`, `KeyFrag`) are zeroized on drop and print `[redacted]`. `blstrs` types
//!   are `Copy`, so temporaries made during arithmetic can survive on the stack.
//! - Exponentiations with secret exponents in G1/G2 and all pairings go through `blst`, which is
//!   constant-time. `blstrs`' own GT exponentiation branches on the exponent's bits, so it is only
//!   used (through `gt_pow_vartime`) with public exponents (proof challenges, Lagrange
//!   coefficients). `Z^k` is computed as `e(g^k, ĝ)` rather than `Z·k`, and the receiver's `Y^{1/b}`
//!   uses a fixed-window exponentiation with the same operation sequence for every exponent
//!   (`gt_pow_fixed_window`); its table lookup is still indexed by the secret (`blstrs` offers no
//!   constant-time selection of GT elements), which a co-located cache attacker could observe.
//!
//! # Performance
//! A proxy re-encrypts many capsules with one fragment and a receiver verifies many fragments of
//! one delegation, so both keep what does not change (README, Performance):
//! - a [`KeyFrag`] keeps, from its first re-encryption on, the prepared lines of `kfrag_i` and
//!   the proxy's `W_i`; [`KeyFrag::prepare`] adds a fixed-base table of `kfrag_i` for the proof's
//!   `kfrag_i^c` (read at the public `c`'s digits; wiped on drop). `ρ = ĝ^s` comes from a
//!   process-wide constant-time table of `ĝ`. Re-encryption is then the three pairings of the
//!   formula plus 10–15% (after `prepare`);
//! - [`VerificationKeys`] keep, per index, an 8-tooth comb of `W_i` (144 KiB, built on first use)
//!   for `W_i^c`. `cfrag_i^c` stays a variable-base exponentiation of 254 squarings: `blstrs`
//!   0.7.1 exposes neither cyclotomic squaring nor the Frobenius map (its `Fp12` is private) and
//!   this crate does not call `blst` directly (`forbid(unsafe_code)`), so verification costs about
//!   1.5× its two pairings, and no implementation of §10's verification equation on this API can
//!   go below about 1.4× (254 generic squarings are about 0.35 pairings).
//!
//! # Example
//! ```
//! use rs_habe::pre::{encapsulate, open_reencrypted, KeyPair};
//! # fn main() -> rs_habe::Result<()> {
//! let mut rng = rand::thread_rng();
//! let alice = KeyPair::random(&mut rng);
//! let bob = KeyPair::random(&mut rng);
//!
//! let (capsule, key) = encapsulate(&mut rng, &alice.public_key())?;
//! let (kfrags, vks) = alice.delegate(&mut rng, &bob.public_key(), 2, 3)?;
//!
//! // Two of the three proxies re-encrypt; anyone with `vks` checks their work.
//! let verified = kfrags[..2]
//!     .iter()
//!     .map(|kfrag| kfrag.reencrypt(&mut rng, &capsule)?.verify(&capsule, &vks))
//!     .collect::<rs_habe::Result<Vec<_>>>()?;
//! let bobs_key = open_reencrypted(&bob, &capsule, &verified, &vks)?;
//! assert_eq!(*bobs_key, *key);
//! # Ok(())
//! # }
//! ```

mod cfrag;
mod keys;
mod kfrag;
#[cfg(test)]
mod tests;

pub use cfrag::{open_reencrypted, CapsuleFrag, VerifiedCapsuleFrag};
pub use keys::{encapsulate, Capsule, KeyPair, PublicKey};
pub use kfrag::{DelegationId, KeyFrag, VerificationKeys};

use alloc::boxed::Box;

use blstrs::{Bls12, G1Affine, G2Affine, G2Prepared, G2Projective, Gt, Scalar};
use ff::Field;
use group::Group;
use once_cell::race::OnceBox;
use pairing::{MillerLoopResult, MultiMillerLoop};
use rand_core::{CryptoRng, RngCore};

use crate::error::{Error, Result};
use crate::scheme::fixed_base::FixedBaseG2;

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
/// let (_, vks) = alice.delegate(&mut rng, &bob.public_key(), 1, 1)?;
/// assert_eq!(vks.delegation_id().as_bytes().len(), DELEGATION_ID_LEN);
/// # Ok::<(), rs_habe::Error>(())
/// ```
pub const DELEGATION_ID_LEN: usize = 16;

pub(crate) use crate::secret::ScalarCell;

/// A uniformly random non-zero scalar.
pub(crate) fn random_nonzero(rng: &mut (impl RngCore + CryptoRng)) -> Scalar {
    loop {
        let s = Scalar::random(&mut *rng);
        if !bool::from(s.is_zero()) {
            return s;
        }
    }
}

/// `s · ĝ`, constant-time in `s`, through a fixed-base table of the G2 generator built once per
/// process (266 KiB; see `scheme::fixed_base`). Proxies draw a fresh `ρ = ĝ^s` per fragment.
pub(crate) fn g2_generator_mul(s: &Scalar) -> G2Projective {
    static TABLE: OnceBox<FixedBaseG2> = OnceBox::new();
    TABLE
        .get_or_init(|| Box::new(FixedBaseG2::new(&G2Projective::generator())))
        .mul(s)
}

/// One pairing `e(p, q)` through a Miller loop on a prepared G2 point.
pub(crate) fn pair_prepared(p: &G1Affine, q: &G2Prepared) -> Gt {
    Bls12::multi_miller_loop(&[(p, q)]).final_exponentiation()
}

/// `e(p, q)` for an unprepared G2 point.
pub(crate) fn pair(p: &G1Affine, q: &G2Affine) -> Gt {
    pair_prepared(p, &G2Prepared::from(*q))
}

/// The 256-bit integer of a scalar as little-endian 64-bit limbs.
fn scalar_limbs(s: &Scalar) -> [u64; 4] {
    let bytes = s.to_bytes_le();
    let mut out = [0u64; 4];
    for (limb, chunk) in out.iter_mut().zip(bytes.chunks_exact(8)) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        *limb = u64::from_le_bytes(w);
    }
    out
}

/// `x^e` for a **public** exponent, variable time: width-5 NAF (signed digits are free in GT,
/// where inversion is conjugation), about 255 squarings and 50 multiplications against the 127
/// multiplications of `blstrs`' binary double-and-add.
pub(crate) fn gt_pow_vartime(x: &Gt, e: &Scalar) -> Gt {
    const W: u64 = 5;
    const HALF: i64 = 1 << (W - 1);
    // The NAF digits, least significant first. e < 2^255, so at most 256 digits.
    let mut k = scalar_limbs(e);
    let mut naf = [0i8; 257];
    let mut len = 0;
    for slot in naf.iter_mut() {
        if k == [0; 4] {
            break;
        }
        let [l0, ..] = k;
        if l0 & 1 == 1 {
            let m = (l0 & ((1 << W) - 1)) as i64;
            let d = if m >= HALF { m - (1 << W) } else { m };
            // k -= d, as a 256-bit integer (k stays below 2^256: it is below 2^255 + 2^4).
            let (mut borrow_or_carry, sub) = if d > 0 {
                (d as u64, true)
            } else {
                ((-d) as u64, false)
            };
            for limb in k.iter_mut() {
                if borrow_or_carry == 0 {
                    break;
                }
                if sub {
                    let (v, b) = limb.overflowing_sub(borrow_or_carry);
                    *limb = v;
                    borrow_or_carry = u64::from(b);
                } else {
                    let (v, c) = limb.overflowing_add(borrow_or_carry);
                    *limb = v;
                    borrow_or_carry = u64::from(c);
                }
            }
            *slot = d as i8;
        }
        // k >>= 1
        let mut carry = 0u64;
        for limb in k.iter_mut().rev() {
            let next = *limb & 1;
            *limb = (*limb >> 1) | (carry << 63);
            carry = next;
        }
        len += 1;
    }
    // Odd powers x, x^3, …, x^15.
    let x2 = x.double();
    let mut table = [*x; 8];
    let mut prev = *x;
    for entry in table.iter_mut().skip(1) {
        prev += x2;
        *entry = prev;
    }
    let mut acc = Gt::identity();
    for &d in naf.iter().take(len).rev() {
        acc = acc.double();
        let idx = (usize::from(d.unsigned_abs()) - usize::from(d != 0)) / 2;
        if let Some(t) = table.get(idx) {
            if d > 0 {
                acc += t;
            } else if d < 0 {
                acc -= t;
            }
        }
    }
    acc
}

/// `x^e` for a **secret** exponent: fixed 4-bit windows, so every exponent costs exactly 256
/// squarings and 64 multiplications (a zero window multiplies by the identity). The table index
/// depends on the exponent; see the module's security notes.
pub(crate) fn gt_pow_fixed_window(x: &Gt, e: &Scalar) -> Gt {
    let mut table = [Gt::identity(); 16];
    let mut prev = Gt::identity();
    for entry in table.iter_mut().skip(1) {
        prev += x;
        *entry = prev;
    }
    let bytes = zeroize::Zeroizing::new(e.to_bytes_be());
    let mut acc = Gt::identity();
    for byte in bytes.iter() {
        for nibble in [byte >> 4, byte & 0x0f] {
            acc = acc.double().double().double().double();
            if let Some(t) = table.get(usize::from(nibble)) {
                acc += t;
            }
        }
    }
    acc
}

/// Fixed-base exponentiation in GT by **public** exponents: an 8-tooth comb (one table, Lim–Lee).
///
/// `e = Σ_{i<8} e_i 2^{32 i}` with 32-bit `e_i`; the table holds every product
/// `Π_{i ∈ m} B^{2^{32 i}}` for `m ⊆ {0..8}`, so `B^e` is 31 squarings and 32 multiplications
/// instead of the 254 squarings of a variable-base exponentiation. 256 GT elements (144 KiB);
/// building it costs 224 squarings and 247 multiplications. Verifiers keep one per published
/// `W_i` they check against ([`VerificationKeys`]).
pub(crate) struct GtComb {
    table: alloc::vec::Vec<Gt>,
}

/// Teeth of the comb, and rows (bits per tooth): 8 × 32 = 256 bits.
const COMB_TEETH: usize = 8;
const COMB_ROWS: usize = 32;

impl GtComb {
    pub(crate) fn new(base: &Gt) -> Self {
        let mut bases = [Gt::identity(); COMB_TEETH];
        let mut b = *base;
        for slot in bases.iter_mut() {
            *slot = b;
            for _ in 0..COMB_ROWS {
                b = b.double();
            }
        }
        let mut table = alloc::vec::Vec::with_capacity(1 << COMB_TEETH);
        table.push(Gt::identity());
        for m in 1usize..(1 << COMB_TEETH) {
            // table[m] = table[m without its lowest tooth] · that tooth's base.
            let low = m.trailing_zeros() as usize;
            let rest = table.get(m & (m - 1)).copied().unwrap_or_else(Gt::identity);
            let tooth = bases.get(low).copied().unwrap_or_else(Gt::identity);
            table.push(rest + tooth);
        }
        GtComb { table }
    }

    /// `B^e`; variable time in `e`, which must be public.
    pub(crate) fn pow_public(&self, e: &Scalar) -> Gt {
        let bytes = e.to_bytes_le();
        let bit = |i: usize| usize::from(bytes.get(i / 8).map_or(0, |b| (b >> (i % 8)) & 1));
        let mut acc = Gt::identity();
        for row in (0..COMB_ROWS).rev() {
            acc = acc.double();
            let m = (0..COMB_TEETH).fold(0, |m, i| m | (bit(COMB_ROWS * i + row) << i));
            if let Some(t) = self.table.get(m) {
                acc += t;
            }
        }
        acc
    }
}

/// Lagrange coefficients at 0 for the distinct, non-zero `indices` (public values; variable time).
pub(crate) fn lagrange_at_zero(indices: &[u8]) -> Result<alloc::vec::Vec<Scalar>> {
    indices
        .iter()
        .map(|&i| {
            let xi = Scalar::from(u64::from(i));
            let (num, den) = indices.iter().filter(|&&j| j != i).fold(
                (Scalar::ONE, Scalar::ONE),
                |(num, den), &j| {
                    let xj = Scalar::from(u64::from(j));
                    (num * xj, den * (xj - xi))
                },
            );
            Option::<Scalar>::from(den.invert())
                .map(|inv| num * inv)
                .ok_or(Error::DuplicateFragment)
        })
        .collect()
}
