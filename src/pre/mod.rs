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
//! - A opens its own capsule (§10 v2): `Z^k = e(E^{1/a}, ĝ)` — [`KeyPair::decapsulate`];
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
//!   [`DelegateeKey::decapsulate`].
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
//! c, Lagrange coefficients); such helpers end in `_vartime`. All of this arithmetic (the
//! table of `g`, the public-exponent helpers, Horner evaluation of `f` and the Lagrange
//! coefficients) lives in `crate::arith`, shared with the attribute-based scheme's policies.
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
//!   coefficients (see `crate::arith`'s `interpolate_at_zero_vartime`).
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
//! let bobs_key = record.delegatee_key(&bob)?.decapsulate(capsule.capsule(), &verified)?;
//! assert_eq!(*bobs_key, *key);
//! # Ok(())
//! # }
//! ```
//!
//! [`Error::InvalidProof`]: crate::Error::InvalidProof
//! [`Error::FragmentMismatch`]: crate::Error::FragmentMismatch

mod capsule;
mod cfrag;
mod delegation;
mod key_pair;
mod public_key;
#[cfg(test)]
mod tests;

pub use capsule::{encapsulate, Capsule, VerifiedCapsule};
pub use cfrag::{CapsuleFrag, VerifiedCapsuleFrag};
pub use delegation::{
    CheckedRecord, DelegateeKey, DelegationId, DelegationRecord, KeyFrag, VerifiedKeyFrag,
};
pub use key_pair::KeyPair;
pub use public_key::PublicKey;

use blstrs::Scalar;
use ff::Field;
use rand_core::CryptoRngCore;

use crate::domain;
use crate::hash;

pub use crate::limits::MAX_SHARES;

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
