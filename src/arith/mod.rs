//! Group and field arithmetic shared by the attribute-based scheme (`crate::abe`), the
//! policies (`crate::policy`) and proxy re-encryption (`crate::pre`): the one home of every
//! scalar-multiplication shortcut, of polynomial evaluation and of Lagrange coefficients. No
//! formula of the design lives here; the callers say which values are secret.
//!
//! | what | module |
//! |---|---|
//! | fixed-base tables (constant-time `mul`, public-scalar `mul_public`), the process-wide table of `g` ([`g1_generator_mul`], [`g1_generator_mul_vartime`]) | `fixed_base` |
//! | public exponents: [`multi_exp_vartime`], [`mul_challenge_vartime`] (128-bit challenges), [`signed_multi_exp_pubexp`](public_exp::signed_multi_exp_pubexp), [`mul_pubexp`] (reconstruction coefficients) | `public_exp` |
//! | Horner evaluation [`eval_poly`], Lagrange coefficients [`lagrange_vartime`] / [`lagrange_at_zero_vartime`], interpolation in the exponent [`interpolate_at_zero_vartime`] | `shamir` |
//!
//! Pairings and everything in GT live in `crate::gt`, not here.
//!
//! # Constant time (scheme.md §1)
//! - Secret scalars only ever multiply G1/G2 points through `blst`'s constant-time
//!   multiplications or a fixed-base table with constant-time selection
//!   ([`FixedBaseG1::mul`], [`g1_generator_mul`]), and meet pairings (constant-time) only in
//!   `crate::gt`. No secret scalar is ever a GT exponent.
//! - Secret polynomial coefficients are combined with field additions and multiplications
//!   only ([`eval_poly`]), which are constant-time.
//! - Fast paths for public values (wNAF, double-and-add, reading a table at the scalar's
//!   digits, `blst`'s Pippenger `multi_exp`, which indexes buckets by scalar digits) are named
//!   `*_vartime` and take public bases and public exponents only: challenges, proof responses,
//!   Lagrange coefficients, public points.
//! - A secret base raised to a public exponent (e.g. a key's `K_τ^{ω_i}`) uses a routine whose
//!   operation sequence depends only on the exponent, named `*_pubexp`.

mod fixed_base;
mod public_exp;
mod shamir;

pub(crate) use fixed_base::{g1_generator_mul, g1_generator_mul_vartime, FixedBaseG1, FixedBaseG2};
pub(crate) use public_exp::{mul_challenge_vartime, mul_pubexp, multi_exp_vartime};
pub(crate) use shamir::{
    eval_poly, interpolate_at_zero_vartime, lagrange_at_zero_vartime, lagrange_vartime,
};
