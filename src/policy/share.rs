//! Secret sharing over a policy tree and its reconstruction (scheme.md §9).
//!
//! Sharing a value `v` at a node:
//! - leaf: `λ = v`;
//! - OR (`k = 1`): every child gets `v`;
//! - AND (`k = n > 1`): children `1..n−1` get fresh `r_j`, child `n` gets `v − Σ r_j`;
//! - threshold (`1 < k < n`): a fresh polynomial `q` of degree `k − 1` with `q(0) = v`; child `j`
//!   (from 1) gets `q(j)`.
//!
//! The randomness is drawn in a fixed order that does not depend on `v` (depth-first, left to
//! right; an AND gate draws `r_j` just before descending into child `j`, a threshold gate draws
//! its coefficients `a_1..a_{k−1}` before descending into any child), so a seeded RNG gives
//! reproducible shares.
//!
//! Reconstruction for an attribute set `S` runs bottom-up: a leaf costs 1 if its attribute is in
//! `S` (else it is unsatisfiable); a gate takes the `k` satisfiable children of least total cost
//! (ties broken towards the lowest index); the coefficient is 1 below OR and AND gates and the
//! Lagrange coefficient at 0 over the chosen 1-based indices below a threshold gate; a leaf's `ω`
//! is the product along its path. Everything here depends only on the public policy and the
//! public attribute set, never on the shares, so it may run in variable time.

use alloc::vec;
use alloc::vec::Vec;

use blstrs::Scalar;
use ff::Field;
use rand_core::{CryptoRng, RngCore};
use zeroize::{DefaultIsZeroes, Zeroizing};

use super::tree::{Node, Policy};
use super::AttributeSet;

/// Which leaves to use, and with which coefficients, to recover a shared secret.
///
/// `terms` holds `(leaf index, ω_i)` in increasing leaf order with `Σ ω_i λ_i = secret`;
/// `all_ones` says every `ω_i` is 1 (the case of AND/OR-only paths), so the caller can skip
/// exponentiations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Reconstruction {
    pub(crate) terms: Vec<(usize, Scalar)>,
    pub(crate) all_ones: bool,
}

/// A polynomial coefficient, wiped when dropped (`blstrs::Scalar` is not `Zeroize`).
#[derive(Clone, Copy, Default)]
struct Coefficient(Scalar);

impl DefaultIsZeroes for Coefficient {}

impl Policy {
    /// Shares `secret` over the leaves: `λ_i` for every leaf `i`, in leaf order (scheme.md §9).
    pub(crate) fn share<R: RngCore + CryptoRng>(&self, secret: &Scalar, rng: &mut R) -> Vec<Scalar> {
        let mut out = Vec::with_capacity(self.leaf_count());
        share_node(self.root(), *secret, rng, &mut out);
        out
    }

    /// The leaves and coefficients that recover the shared secret from the attributes in
    /// `attrs`, or `None` exactly when `attrs` does not satisfy the policy.
    pub(crate) fn reconstruct(&self, attrs: &AttributeSet) -> Option<Reconstruction> {
        let mut next_leaf = 0;
        let sub = reconstruct_node_vartime(self.root(), attrs, &mut next_leaf)?;
        let all_ones = sub.terms.iter().all(|(_, w)| *w == Scalar::ONE);
        Some(Reconstruction { terms: sub.terms, all_ones })
    }
}

fn share_node<R: RngCore + CryptoRng>(node: &Node, v: Scalar, rng: &mut R, out: &mut Vec<Scalar>) {
    match node {
        Node::Leaf(_) => out.push(v),
        Node::Gate { k, children } => {
            let n = children.len();
            if *k == 1 {
                for c in children {
                    share_node(c, v, rng, out);
                }
            } else if *k == n {
                let Some((last, rest)) = children.split_last() else {
                    return;
                };
                let mut sum = Zeroizing::new(Coefficient(Scalar::ZERO));
                for c in rest {
                    let r = Scalar::random(&mut *rng);
                    sum.0 += r;
                    share_node(c, r, rng, out);
                }
                share_node(last, v - sum.0, rng, out);
            } else {
                let coeffs: Zeroizing<Vec<Coefficient>> = Zeroizing::new(
                    (1..*k).map(|_| Coefficient(Scalar::random(&mut *rng))).collect(),
                );
                for (j, c) in (1u64..).zip(children) {
                    let x = Scalar::from(j);
                    // Horner: q(x) = v + x(a_1 + x(a_2 + … + x a_{k−1})).
                    let mut q = Zeroizing::new(Coefficient(Scalar::ZERO));
                    for a in coeffs.iter().rev() {
                        q.0 = q.0 * x + a.0;
                    }
                    q.0 = q.0 * x + v;
                    share_node(c, q.0, rng, out);
                }
            }
        }
    }
}

/// A satisfiable subtree's cheapest reconstruction: its cost (leaves used) and its terms, with
/// coefficients relative to the subtree's own value.
struct Sub {
    cost: usize,
    terms: Vec<(usize, Scalar)>,
}

/// Bottom-up reconstruction of one node. Visits every leaf (to keep the leaf numbering) even
/// under unsatisfiable children. Depends only on public data.
fn reconstruct_node_vartime(node: &Node, attrs: &AttributeSet, next_leaf: &mut usize) -> Option<Sub> {
    match node {
        Node::Leaf(a) => {
            let i = *next_leaf;
            *next_leaf += 1;
            attrs.contains(a).then(|| Sub { cost: 1, terms: vec![(i, Scalar::ONE)] })
        }
        Node::Gate { k, children } => {
            let n = children.len();
            // Every child is visited, so the leaf numbering stays right.
            let mut candidates: Vec<(u64, Sub)> = Vec::new();
            for (j, c) in (1u64..).zip(children) {
                if let Some(sub) = reconstruct_node_vartime(c, attrs, next_leaf) {
                    candidates.push((j, sub));
                }
            }
            if candidates.len() < *k {
                return None;
            }
            // The k cheapest, lowest index first among equal costs (the sort is stable and the
            // candidates are in index order); then back in index order.
            candidates.sort_by_key(|(_, sub)| sub.cost);
            candidates.truncate(*k);
            candidates.sort_by_key(|(j, _)| *j);

            let cost = candidates.iter().map(|(_, sub)| sub.cost).sum();
            let mut terms = Vec::new();
            if *k == 1 || *k == n {
                for (_, sub) in candidates {
                    terms.extend(sub.terms);
                }
            } else {
                let xs: Vec<u64> = candidates.iter().map(|(j, _)| *j).collect();
                for (j, sub) in candidates {
                    let l = lagrange_at_zero_vartime(j, &xs)?;
                    terms.extend(sub.terms.into_iter().map(|(i, w)| (i, w * l)));
                }
            }
            Some(Sub { cost, terms })
        }
    }
}

/// The Lagrange coefficient at 0 of the point `x = i` over the distinct nonzero public points
/// `xs` (which contain `i`): `Π_{m ∈ xs, m ≠ i} m / (m − i)`. `None` only if the points are not
/// distinct, which the callers rule out.
fn lagrange_at_zero_vartime(i: u64, xs: &[u64]) -> Option<Scalar> {
    let xi = Scalar::from(i);
    let mut num = Scalar::ONE;
    let mut den = Scalar::ONE;
    for &m in xs.iter().filter(|&&m| m != i) {
        let xm = Scalar::from(m);
        num *= xm;
        den *= xm - xi;
    }
    Option::<Scalar>::from(den.invert()).map(|inv| num * inv)
}
