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
use rand_core::CryptoRngCore;
use zeroize::Zeroizing;

use crate::arith::{eval_poly, lagrange_at_zero_vartime};
use crate::secret::ScalarCell;

use super::ast::Node;
use super::AttributeSet;
use super::Policy;

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

impl Policy {
    /// Shares `secret` over the leaves: `λ_i` for every leaf `i`, in leaf order (scheme.md §9).
    /// The shares are as secret as `secret`: they are wiped when dropped.
    pub(crate) fn share(
        &self,
        secret: &Scalar,
        rng: &mut impl CryptoRngCore,
    ) -> Zeroizing<Vec<ScalarCell>> {
        // Sized once (one share per leaf), so no reallocation leaves a copy behind.
        let mut out = Zeroizing::new(Vec::with_capacity(self.leaf_count()));
        share_node(self.root(), *secret, rng, &mut out);
        out
    }

    /// [`share`](Self::share) as plain scalars, for the tests' linear algebra.
    #[cfg(test)]
    pub(crate) fn share_plain(&self, secret: &Scalar, rng: &mut impl CryptoRngCore) -> Vec<Scalar> {
        self.share(secret, rng).iter().map(|c| c.0).collect()
    }

    /// The leaves and coefficients that recover the shared secret from the attributes in
    /// `attrs`, or `None` exactly when `attrs` does not satisfy the policy.
    pub(crate) fn reconstruct(&self, attrs: &AttributeSet) -> Option<Reconstruction> {
        let mut next_leaf = 0;
        let sub = reconstruct_node_vartime(self.root(), attrs, &mut next_leaf)?;
        let all_ones = sub.terms.iter().all(|(_, w)| *w == Scalar::ONE);
        Some(Reconstruction {
            terms: sub.terms,
            all_ones,
        })
    }
}

fn share_node(node: &Node, v: Scalar, rng: &mut impl CryptoRngCore, out: &mut Vec<ScalarCell>) {
    match node {
        Node::Leaf(_) => out.push(ScalarCell(v)),
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
                let mut sum = Zeroizing::new(ScalarCell(Scalar::ZERO));
                for c in rest {
                    let r = Scalar::random(&mut *rng);
                    sum.0 += r;
                    share_node(c, r, rng, out);
                }
                share_node(last, v - sum.0, rng, out);
            } else {
                // q = (v, a_1, …, a_{k−1}), lowest first; the a_j drawn in order, before any child.
                // Sized once (k coefficients), so no reallocation leaves a copy behind.
                let mut coeffs: Zeroizing<Vec<ScalarCell>> = Zeroizing::new(Vec::with_capacity(*k));
                coeffs.push(ScalarCell(v));
                for _ in 1..*k {
                    coeffs.push(ScalarCell(Scalar::random(&mut *rng)));
                }
                for (j, c) in (1u64..).zip(children) {
                    // Horner: q(x) = v + x(a_1 + x(a_2 + … + x a_{k−1})).
                    let q = Zeroizing::new(eval_poly(&coeffs, &Scalar::from(j)));
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
fn reconstruct_node_vartime(
    node: &Node,
    attrs: &AttributeSet,
    next_leaf: &mut usize,
) -> Option<Sub> {
    match node {
        Node::Leaf(a) => {
            let i = *next_leaf;
            *next_leaf += 1;
            attrs.contains(a).then(|| Sub {
                cost: 1,
                terms: vec![(i, Scalar::ONE)],
            })
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
                let ls = lagrange_at_zero_vartime(&xs)?;
                for ((_, sub), l) in candidates.into_iter().zip(ls) {
                    terms.extend(sub.terms.into_iter().map(|(i, w)| (i, w * l)));
                }
            }
            Some(Sub { cost, terms })
        }
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec;
    use alloc::vec::Vec;

    use blstrs::Scalar;
    use ff::Field;
    use proptest::prelude::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    use super::super::strategies;
    use super::share_node;
    use super::Reconstruction;
    use crate::policy::{Attribute, AttributeSet, Policy};

    fn rng(seed: u64) -> ChaCha20Rng {
        ChaCha20Rng::seed_from_u64(seed)
    }

    fn set(attrs: &[&str]) -> AttributeSet {
        AttributeSet::new(attrs).unwrap()
    }

    fn combine(rec: &Reconstruction, shares: &[Scalar]) -> Scalar {
        rec.terms.iter().map(|&(i, w)| w * shares[i]).sum()
    }

    /// The distinct attributes of a policy, and a subset of them chosen by `mask`.
    fn subset(p: &Policy, mask: u64) -> AttributeSet {
        let mut distinct: Vec<&Attribute> = p.leaves().iter().collect();
        distinct.sort();
        distinct.dedup();
        distinct
            .into_iter()
            .enumerate()
            .filter(|(i, _)| mask >> (i % 64) & 1 == 1)
            .map(|(_, a)| a.clone())
            .collect::<alloc::collections::BTreeSet<_>>()
            .into()
    }

    /// Whether `target` is a linear combination of `rows` (Gaussian elimination over Zr).
    fn in_span(rows: &[Vec<Scalar>], target: &[Scalar]) -> bool {
        let mut basis: Vec<(usize, Vec<Scalar>)> = Vec::new();
        let reduce = |basis: &[(usize, Vec<Scalar>)], v: &mut Vec<Scalar>| {
            for (p, row) in basis {
                let c = v[*p];
                if c != Scalar::ZERO {
                    for (x, r) in v.iter_mut().zip(row) {
                        *x -= c * r;
                    }
                }
            }
        };
        for row in rows {
            let mut v = row.clone();
            reduce(&basis, &mut v);
            if let Some(p) = v.iter().position(|x| *x != Scalar::ZERO) {
                let inv = v[p].invert().unwrap();
                v.iter_mut().for_each(|x| *x *= inv);
                basis.push((p, v));
            }
        }
        let mut t = target.to_vec();
        reduce(&basis, &mut t);
        t.iter().all(|x| *x == Scalar::ZERO)
    }

    /// Whether the shares held at `held` leaves reveal anything about the secret, for a sharing
    /// function that is linear in (secret, randomness): shares = A·v + B·r. They are independent
    /// of v exactly when A restricted to `held` lies in the column span of B restricted to
    /// `held` (then for every secret there is randomness giving the same held shares).
    fn held_shares_determine_secret(
        share: impl Fn(Scalar, &mut ChaCha20Rng) -> Vec<Scalar>,
        leaves: usize,
        held: &[usize],
        seed: u64,
    ) -> bool {
        let pick = |s: Vec<Scalar>| -> Vec<Scalar> { held.iter().map(|&i| s[i]).collect() };
        // A: with the same randomness, the shares of 1 minus the shares of 0.
        let a: Vec<Scalar> = pick(share(Scalar::ONE, &mut rng(seed)))
            .into_iter()
            .zip(pick(share(Scalar::ZERO, &mut rng(seed))))
            .map(|(x, y)| x - y)
            .collect();
        // Span of B: enough samples of the shares of 0 (there are at most `leaves` draws).
        let samples: Vec<Vec<Scalar>> = (0..leaves as u64 + 2)
            .map(|i| pick(share(Scalar::ZERO, &mut rng(seed ^ (i + 1) << 32))))
            .collect();
        !in_span(&samples, &a)
    }

    fn held_leaves(p: &Policy, s: &AttributeSet) -> Vec<usize> {
        (0..p.leaf_count())
            .filter(|&i| s.contains(&p.leaves()[i]))
            .collect()
    }

    #[test]
    fn reconstruction_examples() {
        let one = Scalar::ONE;
        let p = Policy::parse("a or b").unwrap();
        let r = p.reconstruct(&set(&["a", "b"])).unwrap();
        assert_eq!(
            r,
            Reconstruction {
                terms: vec![(0, one)],
                all_ones: true
            }
        );
        assert_eq!(p.reconstruct(&set(&["b"])).unwrap().terms, vec![(1, one)]);
        assert!(p.reconstruct(&set(&["c"])).is_none());

        // Least cost: `c` alone beats `a and b`.
        let p = Policy::parse("(a and b) or c").unwrap();
        assert_eq!(
            p.reconstruct(&set(&["a", "b", "c"])).unwrap().terms,
            vec![(2, one)]
        );
        let r = p.reconstruct(&set(&["a", "b"])).unwrap();
        assert_eq!(
            r,
            Reconstruction {
                terms: vec![(0, one), (1, one)],
                all_ones: true
            }
        );

        // Threshold: the two single leaves a (j = 1) and d (j = 3), Lagrange at 0 over {1, 3}.
        let p = Policy::parse("2 of (a, b and c, d)").unwrap();
        let r = p.reconstruct(&set(&["a", "b", "c", "d"])).unwrap();
        let half = Scalar::from(2u64).invert().unwrap();
        assert_eq!(r.terms, vec![(0, Scalar::from(3u64) * half), (3, -half)]);
        assert!(!r.all_ones);
        // Ties go to the lowest index: a and b over {1, 2}: ω = 2, −1.
        let p = Policy::parse("2 of (a, b, c)").unwrap();
        let r = p.reconstruct(&set(&["a", "b", "c"])).unwrap();
        assert_eq!(r.terms, vec![(0, Scalar::from(2u64)), (1, -one)]);

        // Repeated attributes: the cheapest occurrence, and the leaf numbering keeps counting
        // through unsatisfiable subtrees.
        let p = Policy::parse("(a and b) or (a and c) or a").unwrap();
        assert_eq!(
            p.reconstruct(&set(&["a", "c"])).unwrap().terms,
            vec![(4, one)]
        );
        let p = Policy::parse("(x and b) or (a and c)").unwrap();
        assert_eq!(
            p.reconstruct(&set(&["a", "c"])).unwrap().terms,
            vec![(2, one), (3, one)]
        );
    }

    #[test]
    fn and_gate_shares_before_the_last_do_not_depend_on_the_secret() {
        // (policy, number of leaves under the AND gate's children 1..n−1)
        for (text, before_last) in [
            ("a and b and c and d", 3),
            ("a and (b or c) and 2 of (d, e, f)", 3),
        ] {
            let p = Policy::parse(text).unwrap();
            let (v1, v2) = (Scalar::from(7u64), Scalar::random(&mut rng(1)));
            let s1 = p.share_plain(&v1, &mut rng(42));
            let s2 = p.share_plain(&v2, &mut rng(42));
            // Same RNG state, different secrets: the shares under children 1..n−1 are
            // identical, so they carry nothing about the secret; those under child n differ.
            assert_eq!(s1[..before_last], s2[..before_last], "{text}");
            assert!(s1[before_last..]
                .iter()
                .zip(&s2[before_last..])
                .all(|(x, y)| x != y));
            assert!(s1[..before_last]
                .iter()
                .all(|x| *x != v1 && *x != Scalar::ZERO));
        }
        // The children's values add up to the secret.
        let v = Scalar::random(&mut rng(2));
        let s = Policy::parse("a and b and c and d")
            .unwrap()
            .share_plain(&v, &mut rng(3));
        assert_eq!(s[0] + s[1] + s[2] + s[3], v);
        let s = Policy::parse("a and (b or c) and 2 of (d, e, f)")
            .unwrap()
            .share_plain(&v, &mut rng(3));
        assert_eq!(s[1], s[2]);
        let third = Policy::parse("2 of (d, e, f)")
            .unwrap()
            .reconstruct(&set(&["d", "f"]));
        assert_eq!(s[0] + s[1] + combine(&third.unwrap(), &s[3..]), v);
        // Fresh randomness for each of children 1..n−1.
        let s = Policy::parse("a and b and c and d")
            .unwrap()
            .share_plain(&Scalar::ONE, &mut rng(7));
        assert!(s[0] != s[1] && s[1] != s[2] && s[0] != s[2]);
    }

    #[test]
    fn threshold_needs_k_shares() {
        let p = Policy::parse("3 of (a, b, c, d, e)").unwrap();
        let v = Scalar::random(&mut rng(9));
        let s = p.share_plain(&v, &mut rng(10));
        let names = ["a", "b", "c", "d", "e"];
        for mask in 0u32..32 {
            let chosen: Vec<&str> = (0..5)
                .filter(|i| mask >> i & 1 == 1)
                .map(|i| names[i])
                .collect();
            let held: Vec<usize> = (0..5).filter(|i| mask >> i & 1 == 1).collect();
            let s_set = set(&chosen);
            let determined = held_shares_determine_secret(
                |v, r| p.share_plain(&v, r),
                5,
                &held,
                u64::from(mask),
            );
            // Any k−1 (or fewer) shares are consistent with every secret; any k determine it.
            assert_eq!(determined, held.len() >= 3, "{chosen:?}");
            match p.reconstruct(&s_set) {
                Some(r) => assert_eq!(combine(&r, &s), v),
                None => assert!(held.len() < 3),
            }
        }
        // Interpolating k−1 shares as if the degree were k−2 does not give the secret.
        let xs = [1u64, 2];
        let guess: Scalar = xs
            .iter()
            .zip(crate::arith::lagrange_at_zero_vartime(&xs).unwrap())
            .map(|(&j, l)| l * s[j as usize - 1])
            .sum();
        assert_ne!(guess, v);
    }

    /// The checker above is not vacuous: a broken AND gate that hands every child the secret
    /// (an AND/OR mix-up, circl tkn20's kind of bug) and a threshold polynomial of too low a
    /// degree are both caught.
    #[test]
    fn privacy_checker_catches_broken_sharing() {
        let and_as_or = |v: Scalar, _: &mut ChaCha20Rng| vec![v, v, v];
        assert!(held_shares_determine_secret(and_as_or, 3, &[0], 1));
        let low_degree = |v: Scalar, r: &mut ChaCha20Rng| {
            // "3 of 4" with a degree-1 polynomial.
            let a = Scalar::random(&mut *r);
            (1u64..=4)
                .map(|j| v + a * Scalar::from(j))
                .collect::<Vec<_>>()
        };
        assert!(held_shares_determine_secret(low_degree, 4, &[0, 1], 1));
        // And the real thing.
        let p = Policy::parse("a and b and c").unwrap();
        assert!(!held_shares_determine_secret(
            |v, r| p.share_plain(&v, r),
            3,
            &[0, 1],
            1
        ));
        assert!(held_shares_determine_secret(
            |v, r| p.share_plain(&v, r),
            3,
            &[0, 1, 2],
            1
        ));
    }

    #[test]
    fn all_ones_only_without_thresholds() {
        let all = set(&["a", "b", "c", "d"]);
        for (text, ones) in [
            ("a and (b or c) and d", true),
            ("(a or b) and (c or d)", true),
            ("3 of (a, b, c, d)", false),
            ("a or 2 of (b, c, d)", true),
            ("x or 2 of (b, c, d)", false),
        ] {
            let p = Policy::parse(text).unwrap();
            let r = p.reconstruct(&all).unwrap();
            assert_eq!(r.all_ones, ones, "{text}");
            assert_eq!(r.all_ones, r.terms.iter().all(|(_, w)| *w == Scalar::ONE));
        }
    }

    #[test]
    fn sharing_consumes_randomness_independently_of_the_secret() {
        let p = Policy::parse("(a and b) or 2 of (c, d and e, f)").unwrap();
        let mut r1 = rng(3);
        let mut r2 = rng(3);
        p.share_plain(&Scalar::ONE, &mut r1);
        p.share_plain(&Scalar::random(&mut rng(4)), &mut r2);
        assert_eq!(
            rand_core::RngCore::next_u64(&mut r1),
            rand_core::RngCore::next_u64(&mut r2)
        );
    }

    #[test]
    fn share_node_visits_leaves_in_order() {
        // The leaf numbering of sharing agrees with `leaves()`: share a tree whose leaves are
        // all OR'ed with distinct gates and look at which shares equal the secret.
        let p = Policy::parse("a or (b and c) or d").unwrap();
        let v = Scalar::from(5u64);
        let mut out = Vec::new();
        share_node(p.root(), v, &mut rng(0), &mut out);
        assert_eq!(out.len(), 4);
        assert_eq!((out[0].0, out[3].0), (v, v));
        assert_eq!(out[1].0 + out[2].0, v);
        assert_ne!(out[1].0, v);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Decrypts ⇔ satisfies: `reconstruct` is `None` exactly for unsatisfying sets, and
        /// otherwise Σ ω_i λ_i is the secret, using only held leaves.
        #[test]
        fn reconstruct_iff_satisfied(p in strategies::policy(), mask in any::<u64>(), seed in any::<u64>()) {
            let s = subset(&p, mask);
            let v = Scalar::random(&mut rng(seed));
            let shares = p.share_plain(&v, &mut rng(seed.wrapping_add(1)));
            prop_assert_eq!(shares.len(), p.leaf_count());
            match p.reconstruct(&s) {
                Some(r) => {
                    prop_assert!(p.is_satisfied_by(&s));
                    prop_assert!(r.terms.iter().all(|&(i, _)| s.contains(&p.leaves()[i])));
                    prop_assert!(r.terms.windows(2).all(|w| w[0].0 < w[1].0));
                    prop_assert_eq!(combine(&r, &shares), v);
                }
                None => prop_assert!(!p.is_satisfied_by(&s)),
            }
            // The full set always works.
            let all = subset(&p, u64::MAX);
            prop_assert!(p.reconstruct(&all).is_some());
        }

        /// Exact privacy: the shares of the leaves a set holds determine the secret iff the set
        /// satisfies the policy; otherwise they are consistent with every secret.
        #[test]
        fn held_shares_reveal_secret_iff_satisfied(p in strategies::policy(), mask in any::<u64>(), seed in any::<u64>()) {
            let s = subset(&p, mask);
            let held = held_leaves(&p, &s);
            let determined =
                held_shares_determine_secret(|v, r| p.share_plain(&v, r), p.leaf_count(), &held, seed);
            prop_assert_eq!(determined, p.is_satisfied_by(&s));
        }

        /// The attacker: a non-satisfying set runs the reconstruction math as if it held every
        /// missing leaf (forcing the unsatisfied gates), with 0 for the shares it lacks. For
        /// every completion of its set, the result is not the secret.
        #[test]
        fn forced_reconstruction_does_not_yield_the_secret(
            p in strategies::policy(),
            mask in any::<u64>(),
            extras in prop::collection::vec(any::<u64>(), 4),
            seed in any::<u64>(),
        ) {
            let s = subset(&p, mask);
            prop_assume!(!p.is_satisfied_by(&s));
            let v = Scalar::random(&mut rng(seed));
            let shares = p.share_plain(&v, &mut rng(seed.wrapping_add(1)));
            let known: Vec<Scalar> = shares
                .iter()
                .zip(p.leaves())
                .map(|(x, a)| if s.contains(a) { *x } else { Scalar::ZERO })
                .collect();
            for extra in extras.into_iter().chain([u64::MAX]) {
                let forced = subset(&p, mask | extra);
                if let Some(r) = p.reconstruct(&forced) {
                    prop_assert_ne!(combine(&r, &known), v);
                }
            }
        }
    }
}
