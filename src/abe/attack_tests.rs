//! Regression tests for the load-bearing requirements of scheme.md §13 and abe-v2.md §13.
//!
//! Each test builds the broken variant in test code, mounts the concrete attack against it and
//! asserts that it succeeds there, then mounts the same attack against the real code and asserts
//! that it fails. The success on the broken variant is what keeps each test honest: an attack
//! that never works proves nothing.
//!
//! | test | requirement (section) |
//! |---|---|
//! | `shared_path_randomness_enables_collusion` (+ `collusion_setup_uses_distinct_subtrees`) | independent `r_θ` per path node (abe-v2.md §6, F-AB1; scheme.md §6) |
//! | `shared_update_randomness_lets_anyone_climb_back` | a fresh `t'` per derived header row (scheme.md §8) |
//! | `shared_q_prime_unbinds_a_rerandomised_key_from_its_period` | a fresh `q'` per re-randomised time component, device keys (scheme.md §5) |
//! | `a_plain_decryption_key_is_as_powerful_as_the_secret_key` | the documented period-binding limit of a plain DK (scheme.md §5) |
//! | `a_transform_key_of_one_period_does_not_serve_a_later_period` | §8a transform keys are re-randomised, so period-bound (scheme.md §5, §8a) |
//! | `a_transform_key_with_every_public_update_opens_nothing_without_its_retrieval_key` | scheme.md §13 v1.1 additions (§8a) |
//! | `update_attribute_set_must_cover_the_childs` | `S_KU ⊇ S_c`, the split decryption (abe-v2.md §6, F-AB3; scheme.md §6, §13) |
//! | `one_s1_for_all_layers_lets_b_open_2_of_a_a_b` | one `s₁` per occurrence layer (abe-v2.md §7, F-AB2) |
//! | `one_s1_for_all_layers_lets_a_c_open_a_and_b_or_c_and_b` | the same, F-AB2b |
//! | `one_s1_for_all_layers_lets_b_c_open_2_of_a_b_c_and_a` | the same, F-AB2c |
//! | `structured_attribute_points_let_a_c_derive_b` | hashed (random-oracle) attribute points (abe-v2.md "Notation", F-AB5) |
//! | `an_attribute_hashing_to_h0_opens_every_header` | `H₀` separated from the attribute points (abe-v2.md "Notation") |
//! | `h0_differs_from_attribute_points` | the same, on the real hash |
//! | `time_rows_sharing_s0_let_a_revoked_key_open_a_newer_header` | time rows with their own `t_N`, no BB-direct shortcut (abe-v2.md §7, F-AB6) |
//!
//! Every pairing here goes through `GtElem` (see `crate::gt`).

use alloc::vec;
use alloc::vec::Vec;

use blstrs::{G1Affine, G1Projective, G2Affine, G2Prepared, G2Projective, Scalar};
use ff::Field;
use group::prime::PrimeCurveAffine;
use group::{Curve, Group};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::components::{attribute_points, KeyBody, Pair};
use super::decryption_key::DecryptionKey;
use super::header::derive_row;
use super::header::{kem_key, Header, TimeRow};
use super::outsource::{RetrievalKey, TransformKey};
use super::params::{Base1, Base2, PublicParams};
use super::secret_key::{sk_node, SecretKey};
use super::time_tree::{self, TimeNode};
use super::user_tree::{path, TreeNode, UserId};
use super::{Authority, SetupParams};
use crate::gt::GtElem;
use crate::hash;
use crate::policy::{Attribute, AttributeSet, Policy};
use crate::secret::{SecretG1, SecretG2};
use crate::SharedKey;

fn rng() -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(0x5eed)
}

fn set(attrs: &[&str]) -> AttributeSet {
    AttributeSet::new(attrs.iter().copied()).unwrap()
}

fn authority(rng: &mut ChaCha20Rng, time_depth: u8) -> Authority {
    Authority::setup(rng, SetupParams::new(time_depth, 2)).unwrap()
}

/// A small integer as a scalar (the attack coefficients below are public small integers).
fn int(x: i64) -> Scalar {
    let s = Scalar::from(x.unsigned_abs());
    if x < 0 {
        -s
    } else {
        s
    }
}

/// `Π e(P_i, Q_i)` over pairs the attacker assembled (identity points skipped).
fn pair_product(terms: &[(G1Projective, G2Affine)]) -> GtElem {
    let terms: Vec<&(G1Projective, G2Affine)> = terms
        .iter()
        .filter(|(p, q)| !bool::from(p.is_identity()) && !bool::from(q.is_identity()))
        .collect();
    let g1: Vec<G1Affine> = terms.iter().map(|(p, _)| p.to_affine()).collect();
    let g2: Vec<G2Prepared> = terms.iter().map(|(_, q)| G2Prepared::from(*q)).collect();
    let pairs: Vec<(&G1Affine, &G2Prepared)> = g1.iter().zip(g2.iter()).collect();
    GtElem::multi_pairing(&pairs)
}

/// Whether the attacker's pairing product gives the encapsulated key.
fn opens(terms: &[(G1Projective, G2Affine)], header: &Header, key: &SharedKey) -> bool {
    kem_key(&pair_product(terms), &header.policy).is_ok_and(|k| *k == **key)
}

/// The time part of abe-v2.md §8 as G1/G2 pairs: `(E_{N,1}⁻¹, K1T)`, `(E_{N,2}⁻¹, B2_N)`,
/// `(E_{N,3}⁻¹, B3_N)` for the node `N` of the header's cover that is a prefix of `period`.
fn time_terms(
    header: &Header,
    period: u64,
    k1t: &SecretG2,
    time: &[Pair],
) -> Option<Vec<(G1Projective, G2Affine)>> {
    let leaf = TimeNode {
        depth: header.time_depth,
        index: period,
    };
    let row = header
        .time_rows
        .iter()
        .find(|r| r.node.is_prefix_of(&leaf))?;
    let comp = time.get(usize::from(row.node.depth))?;
    let [e1, e2, e3] = row.e.map(|e| -G1Projective::from(e));
    Some(vec![(e1, k1t.0), (e2, comp.a.0), (e3, comp.b.0)])
}

// ---------------------------------------------------------------------------------------------
// Test-side enrolment and encapsulation with one rule broken at a time.

/// Enrolment as `Authority::enrol` does it, except that the attribute points are given
/// (`points[i]` for the `i`-th attribute of `attrs`: structured points, an attribute hashing to
/// `H₀`, …) and, with `shared_r`, one `r` serves every node of the path (F-AB1).
fn enrol_variant(
    authority: &mut Authority,
    attrs: &AttributeSet,
    points: &[G1Affine],
    shared_r: bool,
    rng: &mut ChaCha20Rng,
) -> SecretKey {
    let leaf = authority.tree.allocate_leaf().unwrap();
    let user = UserId {
        issuer: authority.tree.id,
        leaf,
    };
    let shared = Scalar::random(&mut *rng);
    let nodes = path(authority.tree.depth, leaf)
        .into_iter()
        .map(|theta| {
            let r = if shared_r {
                shared
            } else {
                Scalar::random(&mut *rng)
            };
            let base = authority.msk.proj() - authority.tree.node_secret(theta).0;
            sk_node(&authority.pp, base, points, &r)
        })
        .collect();
    SecretKey {
        user,
        tree_depth: authority.tree.depth,
        time_depth: authority.pp.time_depth,
        attributes: attrs.clone(),
        nodes,
    }
}

/// Which rule of abe-v2.md §7 a test-side encapsulation breaks (`Variant::default()` breaks
/// none and is the real algorithm).
#[derive(Default)]
struct Variant<'a> {
    /// One `s₁` for every occurrence layer (F-AB2): `Ĉ1⁽ʲ⁾` all equal.
    one_s1: bool,
    /// Leaf points to use instead of the hashed `H(τ_i)` (F-AB5), in leaf order.
    points: Option<&'a [G1Affine]>,
    /// Time rows with `t_N = s₀` for every `N` (F-AB6: the BB-direct `E_{N,2} = F_N^{−s₀}`).
    rows_share_s0: bool,
}

/// abe-v2.md §7 with the rules `v` names broken; otherwise exactly `Header::encapsulate`.
fn encapsulate_variant(
    rng: &mut ChaCha20Rng,
    pp: &PublicParams,
    policy: &Policy,
    period: u64,
    v: &Variant<'_>,
) -> (Header, SharedKey) {
    let s0 = Scalar::random(&mut *rng);
    let shares = policy.share_plain(&s0, &mut *rng);
    let m = policy.layer_count();
    let s1: Vec<Scalar> = if v.one_s1 {
        vec![Scalar::random(&mut *rng); m]
    } else {
        (0..m).map(|_| Scalar::random(&mut *rng)).collect()
    };
    let points = v.points.unwrap_or(policy.leaf_points());
    let rows = shares
        .iter()
        .zip(points)
        .zip(policy.layers())
        .map(|((lambda, p), layer)| {
            (pp.mul_g1(Base1::H0, lambda) + G1Projective::from(p) * s1[usize::from(*layer)])
                .to_affine()
        })
        .collect();
    let c1 = s1
        .iter()
        .map(|s| pp.mul_g2(Base2::G, s).to_affine())
        .collect();
    let w_t_s = pp.mul_g1(Base1::WT, &s0);
    let time_rows = time_tree::cover(pp.time_depth, period)
        .into_iter()
        .map(|node| {
            let t = if v.rows_share_s0 {
                s0
            } else {
                Scalar::random(&mut *rng)
            };
            TimeRow::encrypt(pp, node, &w_t_s, &t)
        })
        .collect();
    let header = Header {
        time_depth: pp.time_depth,
        period,
        policy: policy.clone(),
        c0: pp.mul_g2(Base2::G, &s0).to_affine(),
        c1,
        rows,
        time_rows,
    };
    let key = kem_key(&pp.omega_pow(&s0), policy).unwrap();
    (header, key)
}

// ---------------------------------------------------------------------------------------------
// Independent r per path node (abe-v2.md §6, F-AB1).

/// Revoked `u1` (holds "doctor") and unrevoked `u2` (holds "nurse") splice a key: `u1`'s root
/// component is moved to the node `θ*` of `u2`'s path that the update covers, using `u2`'s
/// ratio `K0_root / K0_θ* = G_θ* / G_root` (the `H₀^r` cancel only when `r` is shared along the
/// path). Returns whether the spliced key opens a "doctor" header.
fn collusion_succeeds(shared_r: bool) -> bool {
    let mut rng = rng();
    let mut authority = authority(&mut rng, 3);
    let (doctor, nurse) = (set(&["doctor"]), set(&["nurse"]));
    let (u1, u2) = if shared_r {
        (
            enrol_variant(
                &mut authority,
                &doctor,
                &attribute_points(&doctor),
                true,
                &mut rng,
            ),
            enrol_variant(
                &mut authority,
                &nurse,
                &attribute_points(&nurse),
                true,
                &mut rng,
            ),
        )
    } else {
        (
            authority.enrol(&mut rng, &doctor).unwrap(),
            authority.enrol(&mut rng, &nurse).unwrap(),
        )
    };
    authority.revoke(&u1.user_id(), 1).unwrap();
    let update = authority.key_update(&mut rng, 1).unwrap();
    assert!(matches!(
        u1.decryption_key(&update),
        Err(crate::Error::Revoked)
    ));
    assert!(u2.decryption_key(&update).is_ok());

    let u2_path = path(2, u2.user.leaf);
    let entry = update.entry_on_path(&u2_path).unwrap();
    let star = u2_path.iter().position(|n| *n == entry.node).unwrap();
    assert!(!path(2, u1.user.leaf).contains(&entry.node));
    let (root1, root2, star2) = (&u1.nodes[0], &u2.nodes[0], &u2.nodes[star]);
    let forged_k0 = root1.k0.proj() - root2.k0.0 + star2.k0.0 + entry.body.k0.0;
    let body = KeyBody {
        k_hat: root1.k_hat,
        k0: SecretG1::from(forged_k0),
        attrs: root1.attrs.clone(),
        k1t: entry.body.k1t,
        time: entry.body.time.clone(),
    };
    let spliced = DecryptionKey::new(u1.user, 3, 1, doctor, body);
    let pp = authority.public_params();
    let (header, key) =
        Header::encapsulate(&mut rng, pp, &Policy::parse("doctor").unwrap(), 1).unwrap();
    spliced.decapsulate(&header).is_ok_and(|k| *k == *key)
}

#[test]
fn shared_path_randomness_enables_collusion() {
    assert!(
        collusion_succeeds(true),
        "the attack must work on the broken variant"
    );
    assert!(
        !collusion_succeeds(false),
        "the attack must fail with independent r per node"
    );
}

/// `KUNodes` sanity for the node the collusion test relies on.
#[test]
fn collusion_setup_uses_distinct_subtrees() {
    let revoked = [0u64].into_iter().collect();
    let ku = super::user_tree::ku_nodes(2, &revoked);
    assert_eq!(
        ku,
        vec![
            TreeNode { depth: 1, index: 1 },
            TreeNode { depth: 2, index: 1 }
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// A fresh t' per derived header row (scheme.md §8).

/// Moves a period-0 header (one root row) to period 1 — two derived rows, `(2,1)` and `(1,1)` —
/// then climbs back to a period-0 header from the derived rows alone, and opens it with the key
/// of a user revoked from period 1. Returns whether the climb-back header opens.
fn climb_back_succeeds(shared_t: bool) -> bool {
    let mut rng = rng();
    let mut authority = authority(&mut rng, 2);
    let pp = authority.public_params().clone();
    let user = authority.enrol(&mut rng, &set(&["doctor"])).unwrap();
    let dk0 = user
        .decryption_key(&authority.key_update(&mut rng, 0).unwrap())
        .unwrap();
    authority.revoke(&user.user_id(), 1).unwrap();

    let (header, key) =
        Header::encapsulate(&mut rng, &pp, &Policy::parse("doctor").unwrap(), 0).unwrap();
    let updated = if shared_t {
        let t = Scalar::random(&mut rng);
        let root = &header.time_rows[0];
        let rows: Vec<TimeRow> = time_tree::cover(2, 1)
            .into_iter()
            .map(|n| derive_row(&pp, root, n, &t).unwrap())
            .collect();
        Header {
            period: 1,
            time_rows: rows,
            ..header.clone()
        }
    } else {
        header.update(&mut rng, &pp, 1).unwrap()
    };
    // The revoked user cannot open the updated header directly.
    assert!(matches!(
        dk0.decapsulate(&updated),
        Err(crate::Error::PeriodNotCovered)
    ));

    // Cover(1) at D_t = 2 is [(2,1), (1,1)].
    let a = &updated.time_rows[0];
    let b = &updated.time_rows[1];
    assert_eq!((a.node.depth, b.node.depth), (2, 1));
    let p = |x: &G1Affine| G1Projective::from(*x);
    // X = E'_2(b) · D'_2(b)^2 / E'_2(a) = f_1^{−(t+t')} when both rows share t'.
    let x = p(&b.e[1]) + p(&b.d[0]).double() - p(&a.e[1]);
    let root = TimeRow {
        node: TimeNode { depth: 0, index: 0 },
        e: [b.e[0], (p(&b.e[1]) - x.double()).to_affine(), b.e[2]],
        d: vec![x.to_affine(), b.d[0]],
    };
    let forged = Header {
        period: 0,
        time_rows: vec![root],
        ..updated
    };
    dk0.decapsulate(&forged).is_ok_and(|k| *k == *key)
}

#[test]
fn shared_update_randomness_lets_anyone_climb_back() {
    assert!(
        climb_back_succeeds(true),
        "the attack must work on the broken variant"
    );
    assert!(
        !climb_back_succeeds(false),
        "the attack must fail with a fresh t' per derived row"
    );
}

// ---------------------------------------------------------------------------------------------
// A fresh q' per re-randomised time component (scheme.md §5 period binding, §8a).

/// `F̂_X` for the prefix of depth `k` of `period` (scheme.md §3), in G2.
fn f_hat(pp: &PublicParams, period: u64, k: u8) -> G2Projective {
    let leaf = time_tree::prefix(pp.time_depth, period, pp.time_depth);
    let mut f_x = G2Projective::from(pp.f()[0].g2);
    for j in 1..=k {
        let f_j = G2Projective::from(pp.f()[usize::from(j)].g2);
        f_x += if leaf.label(j) == 2 {
            f_j.double()
        } else {
            f_j
        };
    }
    f_x
}

/// The broken abe-v2.md §5 re-randomisation: like `KeyBody::rerandomize`, but ONE `q'` for
/// every time component.
fn rerandomize_with_shared_q(
    body: &mut KeyBody,
    pp: &PublicParams,
    attributes: &AttributeSet,
    period: u64,
    rng: &mut ChaCha20Rng,
) {
    let (delta, d_t, q) = (
        Scalar::random(&mut *rng),
        Scalar::random(&mut *rng),
        Scalar::random(&mut *rng),
    );
    let g = G2Projective::generator();
    let v_t = G2Projective::from(pp.v_t.g2);
    body.k_hat = SecretG2::from(body.k_hat.proj() + g * delta);
    body.k0 = SecretG1::from(
        body.k0.proj() + G1Projective::from(*hash::h0()) * delta + G1Projective::from(pp.w_t) * d_t,
    );
    for (k, point) in body.attrs.iter_mut().zip(attribute_points(attributes)) {
        *k = SecretG1::from(k.proj() + G1Projective::from(point) * delta);
    }
    body.k1t = SecretG2::from(body.k1t.proj() + g * d_t);
    for (k, pair) in body.time.iter_mut().enumerate() {
        let k = u8::try_from(k).unwrap();
        pair.a = SecretG2::from(pair.a.proj() + g * q);
        pair.b = SecretG2::from(pair.b.proj() + f_hat(pp, period, k) * q - v_t * d_t);
    }
}

/// The period-moving attack of scheme.md §5 on a re-randomised key `dev` for `from` (a device
/// key or a transform key), using only public key updates for the node that serves the user:
/// divide out `KU(from)`, read `f̂_j^{q'}` off the ratios of consecutive time components (they
/// exist only if one `q'` is shared), rebuild the components of `to`'s prefixes and multiply in
/// `KU(to)`.
fn move_to_later_period(
    pp: &PublicParams,
    dev: &KeyBody,
    ku_from: &KeyBody,
    ku_to: &KeyBody,
    from: u64,
    to: u64,
) -> KeyBody {
    let rest: Vec<[G2Projective; 2]> = dev
        .time
        .iter()
        .zip(&ku_from.time)
        .map(|(d, u)| [d.a.proj() - u.a.0, d.b.proj() - u.b.0])
        .collect();
    let leaf_from = time_tree::prefix(pp.time_depth, from, pp.time_depth);
    let leaf_to = time_tree::prefix(pp.time_depth, to, pp.time_depth);
    let half = Scalar::from(2u64).invert().unwrap();
    // f̂_j^{q'} = (rest_j.b − rest_{j−1}.b) / x_j(from).
    let f_q: Vec<G2Projective> = (1..=pp.time_depth)
        .map(|j| {
            let ratio = rest[usize::from(j)][1] - rest[usize::from(j) - 1][1];
            if leaf_from.label(j) == 2 {
                ratio * half
            } else {
                ratio
            }
        })
        .collect();
    let mut b = rest[0][1];
    let time = (0..=pp.time_depth)
        .map(|k| {
            if k > 0 {
                let step = f_q[usize::from(k) - 1];
                b += if leaf_to.label(k) == 2 {
                    step.double()
                } else {
                    step
                };
            }
            let u = &ku_to.time[usize::from(k)];
            Pair {
                a: SecretG2::from(rest[0][0] + u.a.0),
                b: SecretG2::from(b + u.b.0),
            }
        })
        .collect();
    KeyBody {
        k_hat: dev.k_hat,
        k0: SecretG1::from(dev.k0.proj() - ku_from.k0.0 + ku_to.k0.0),
        attrs: dev.attrs.clone(),
        k1t: SecretG2::from(dev.k1t.proj() - ku_from.k1t.0 + ku_to.k1t.0),
        time,
    }
}

/// What the period-binding attacks start from: an unrevoked nurse's key for period `FROM`, the
/// authority's public updates for `FROM` and `TO`, and a header sealed at `TO`.
struct PeriodFixture {
    pp: PublicParams,
    dk: DecryptionKey,
    ku_from: KeyBody,
    ku_to: KeyBody,
    header: Header,
    key: SharedKey,
}

const FROM: u64 = 5;
const TO: u64 = 11;

fn period_fixture(rng: &mut ChaCha20Rng) -> PeriodFixture {
    let mut authority = authority(rng, 4);
    let pp = authority.public_params().clone();
    let sk = authority.enrol(&mut *rng, &set(&["nurse"])).unwrap();
    let user_path = path(2, sk.user.leaf);
    let update_from = authority.key_update(&mut *rng, FROM).unwrap();
    let update_to = authority.key_update(&mut *rng, TO).unwrap();
    let dk = sk.decryption_key(&update_from).unwrap();
    let ku_from = update_from.entry_on_path(&user_path).unwrap().body.clone();
    let ku_to = update_to.entry_on_path(&user_path).unwrap().body.clone();
    let (header, key) =
        Header::encapsulate(&mut *rng, &pp, &Policy::parse("nurse").unwrap(), TO).unwrap();
    PeriodFixture {
        pp,
        dk,
        ku_from,
        ku_to,
        header,
        key,
    }
}

/// Whether a device key for `FROM`, re-randomised with one shared `q'` (broken) or by the real
/// `restrict` (fresh `q'` per component), can be moved to `TO` with public updates.
fn device_key_moves_to_a_later_period(shared_q: bool) -> bool {
    let mut rng = rng();
    let fx = period_fixture(&mut rng);
    let device = if shared_q {
        let mut body = fx.dk.body.clone();
        rerandomize_with_shared_q(&mut body, &fx.pp, &fx.dk.attributes, FROM, &mut rng);
        body
    } else {
        fx.dk
            .restrict(&mut rng, &fx.pp, &fx.dk.attributes)
            .unwrap()
            .body
            .clone()
    };
    let moved = move_to_later_period(&fx.pp, &device, &fx.ku_from, &fx.ku_to, FROM, TO);
    let forged = DecryptionKey::new(fx.dk.holder, 4, TO, fx.dk.attributes.clone(), moved);
    forged.decapsulate(&fx.header).is_ok_and(|k| *k == *fx.key)
}

#[test]
fn shared_q_prime_unbinds_a_rerandomised_key_from_its_period() {
    // The holder of the *plain* DK can always do this (scheme.md §5, documented on
    // `DecryptionKey`); a re-randomised key handed to a device must not allow it.
    assert!(
        device_key_moves_to_a_later_period(true),
        "the attack must work on the broken variant"
    );
    assert!(
        !device_key_moves_to_a_later_period(false),
        "the attack must fail with a fresh q' per time component"
    );
}

#[test]
fn a_plain_decryption_key_is_as_powerful_as_the_secret_key() {
    // Documented, not a bug: DK_T ÷ KU(T) × KU(T') is a DK for T' while the user is unrevoked.
    let mut rng = rng();
    let fx = period_fixture(&mut rng);
    let body = &fx.dk.body;
    let moved = KeyBody {
        k_hat: body.k_hat,
        k0: SecretG1::from(body.k0.proj() - fx.ku_from.k0.0 + fx.ku_to.k0.0),
        attrs: body.attrs.clone(),
        k1t: fx.ku_to.k1t,
        time: fx.ku_to.time.clone(),
    };
    let forged = DecryptionKey::new(fx.dk.holder, 4, TO, fx.dk.attributes.clone(), moved);
    assert_eq!(*forged.decapsulate(&fx.header).unwrap(), *fx.key);
}

/// The §8a transform key as it would be made *without* re-randomising first (broken) or by the
/// real `outsource`; the server moves it to `TO` with public updates and the user finishes.
fn transform_key_moves_to_a_later_period(skip_rerandomisation: bool) -> bool {
    let mut rng = rng();
    let fx = period_fixture(&mut rng);
    let (tk_body, rk) = if skip_rerandomisation {
        let beta = Scalar::random(&mut rng);
        let rk = G1Projective::generator() * beta;
        let mut body = fx.dk.body.clone();
        body.k0 = SecretG1::from(body.k0.proj() - rk);
        (body, RetrievalKey(SecretG1::from(rk)))
    } else {
        let (tk, rk) = fx.dk.outsource(&mut rng, &fx.pp).unwrap();
        (tk.0.body.clone(), rk)
    };
    let moved = move_to_later_period(&fx.pp, &tk_body, &fx.ku_from, &fx.ku_to, FROM, TO);
    let tk = TransformKey(DecryptionKey::new(
        fx.dk.holder,
        4,
        TO,
        fx.dk.attributes.clone(),
        moved,
    ));
    let partial = tk.transform(&fx.header).unwrap();
    rk.finish(&fx.header, &partial).is_ok_and(|k| *k == *fx.key)
}

#[test]
fn a_transform_key_of_one_period_does_not_serve_a_later_period() {
    assert!(
        transform_key_moves_to_a_later_period(true),
        "the attack must work when the key is split without re-randomising"
    );
    assert!(
        !transform_key_moves_to_a_later_period(false),
        "the attack must fail on outsource's re-randomised transform key"
    );
}

#[test]
fn a_transform_key_with_every_public_update_opens_nothing_without_its_retrieval_key() {
    let mut rng = rng();
    let fx = period_fixture(&mut rng);
    let (tk, rk) = fx.dk.outsource(&mut rng, &fx.pp).unwrap();
    let (header, key) =
        Header::encapsulate(&mut rng, &fx.pp, &Policy::parse("nurse").unwrap(), FROM).unwrap();
    // With its retrieval key it works.
    let partial = tk.transform(&header).unwrap();
    assert_eq!(*rk.finish(&header, &partial).unwrap(), *key);
    // Alone, as a decryption key: a wrong key.
    assert_ne!(*tk.0.decapsulate(&header).unwrap(), *key);
    // Combined with the public updates (replacing its update part by each of them): still wrong.
    for ku in [&fx.ku_from, &fx.ku_to] {
        let body = &tk.0.body;
        let spliced = KeyBody {
            k_hat: body.k_hat,
            k0: SecretG1::from(body.k0.proj() - fx.ku_from.k0.0 + ku.k0.0),
            attrs: body.attrs.clone(),
            k1t: ku.k1t,
            time: ku.time.clone(),
        };
        let dk = DecryptionKey::new(fx.dk.holder, 4, FROM, fx.dk.attributes.clone(), spliced);
        assert_ne!(*dk.decapsulate(&header).unwrap(), *key);
    }
}

// ---------------------------------------------------------------------------------------------
// S_KU ⊇ S_c (abe-v2.md §6, F-AB3; scheme.md §13).

/// One attribute "half" of the split decryption: a `K̂ = ĝ^{r_h}` with the `K_τ = H(τ)^{r_h}`
/// made under the same `r_h`, for the attributes of `set` (in set order).
struct AttrHalf<'a> {
    k_hat: G2Affine,
    set: &'a AttributeSet,
    comps: &'a [SecretG1],
}

/// abe-v2.md §8 with the attribute part split over several halves, each reconstructing `s₀`
/// on its own: `e(K0, Ĉ0) · Π_h [Π_j e(Σ ω K_τ, Ĉ1⁽ʲ⁾) / e(Σ ω C_i, K̂_h)] / time part`. `None`
/// when some half does not satisfy the policy (its leaves cannot rebuild `s₀`).
fn split_decrypt(
    header: &Header,
    key: &SharedKey,
    k0: G1Projective,
    halves: &[AttrHalf<'_>],
    k1t: &SecretG2,
    time: &[Pair],
    period: u64,
) -> Option<bool> {
    let policy = &header.policy;
    let mut terms = vec![(k0, header.c0)];
    for half in halves {
        let recon = policy.reconstruct(half.set)?;
        let mut per_layer = vec![G1Projective::identity(); header.c1.len()];
        let mut sum_c = G1Projective::identity();
        for (i, omega) in &recon.terms {
            let attr = &policy.leaves()[*i];
            let pos = half.set.iter().position(|a| a == attr)?;
            per_layer[usize::from(policy.layers()[*i])] += half.comps[pos].proj() * omega;
            sum_c += G1Projective::from(header.rows[*i]) * omega;
        }
        terms.extend(per_layer.into_iter().zip(header.c1.iter().copied()));
        terms.push((-sum_c, half.k_hat));
    }
    terms.extend(time_terms(header, period, k1t, time)?);
    Some(opens(&terms, header, key))
}

/// A child enrolled with `S_c` under a delegator (holding `S_P`) whose update carries `S_KU`
/// (narrowed by hand when `S_KU ⊉ S_c`: the broken variant). The child mounts the split
/// decryption of scheme.md §13: it cancels the update's half of `K0` with the update's own
/// `(K̂, K_τ)` and its own half with its own. Returns which of `targets` it opens.
fn child_split_opens(s_c: &[&str], s_p: &[&str], s_ku: &[&str], targets: &[&str]) -> Vec<bool> {
    let mut rng = rng();
    let mut authority = authority(&mut rng, 3);
    let pp = authority.public_params().clone();
    let parent = authority.enrol(&mut rng, &set(s_p)).unwrap();
    let parent_dk = parent
        .decryption_key(&authority.key_update(&mut rng, 2).unwrap())
        .unwrap();
    let mut delegator = super::Delegator::new(&mut rng, &parent_dk, 2).unwrap();
    let child = delegator.enrol(&mut rng, &pp, &set(s_c)).unwrap();
    delegator.attributes = set(s_ku);
    let update = delegator.key_update(&mut rng, &pp, &parent_dk).unwrap();
    assert_eq!(update.delegated, Some(set(s_ku)));
    let child_path = path(2, child.user.leaf);
    let entry = update.entry_on_path(&child_path).unwrap();
    let own = &child.nodes[child_path.iter().position(|n| *n == entry.node).unwrap()];
    let s_ku_set = set(s_ku);
    let halves = [
        AttrHalf {
            k_hat: own.k_hat.0,
            set: &child.attributes,
            comps: &own.attrs,
        },
        AttrHalf {
            k_hat: entry.body.k_hat.0,
            set: &s_ku_set,
            comps: &entry.body.attrs,
        },
    ];
    let k0 = own.k0.proj() + entry.body.k0.0;
    targets
        .iter()
        .map(|target| {
            let (header, key) =
                Header::encapsulate(&mut rng, &pp, &Policy::parse(target).unwrap(), 2).unwrap();
            split_decrypt(
                &header,
                &key,
                k0,
                &halves,
                &entry.body.k1t,
                &entry.body.time,
                2,
            )
            .unwrap_or(false)
        })
        .collect()
}

#[test]
fn update_attribute_set_must_cover_the_childs() {
    // Broken: S_KU = {b} does not cover S_c = {a}. The split decryption opens `a or b`, which
    // neither set alone would justify for S_c ∩ S_KU = ∅, while `a`, `b` and `a and b` stay
    // closed: the child decrypts exactly the policies that S_c and S_KU each satisfy.
    assert_eq!(
        child_split_opens(
            &["a"],
            &["a", "b"],
            &["b"],
            &["a or b", "a", "b", "a and b"]
        ),
        [true, false, false, false],
        "the split decryption must work on the narrowed variant, for `a or b` only"
    );
    // Sound: S_KU = S_P ⊇ S_c. The same attack opens exactly S_c's policies, nothing that
    // needs S_KU \ S_c.
    assert_eq!(
        child_split_opens(
            &["a"],
            &["a", "b"],
            &["a", "b"],
            &["a or b", "a", "b", "a and b"]
        ),
        [true, true, false, false],
    );
    // And the child's honest derivation with a narrowed update is refused with a typed error.
    let mut rng = rng();
    let mut authority = authority(&mut rng, 3);
    let pp = authority.public_params().clone();
    let parent = authority
        .enrol(&mut rng, &set(&["doctor", "cardiology"]))
        .unwrap();
    let parent_dk = parent
        .decryption_key(&authority.key_update(&mut rng, 2).unwrap())
        .unwrap();
    let mut delegator = super::Delegator::new(&mut rng, &parent_dk, 2).unwrap();
    let child = delegator
        .enrol(&mut rng, &pp, &set(&["doctor", "cardiology"]))
        .unwrap();
    delegator.attributes = set(&["doctor"]);
    let update = delegator.key_update(&mut rng, &pp, &parent_dk).unwrap();
    match child.decryption_key(&update) {
        Err(crate::Error::NotASubset(extra)) => assert_eq!(extra[0].as_str(), "cardiology"),
        other => panic!("expected NotASubset, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// One s₁ per occurrence layer (abe-v2.md §7, F-AB2, F-AB2b, F-AB2c).

/// The attack on a header whose layers share one `s₁`: `X = Σ_i x_i C_i` over all leaves with
/// public integer coefficients chosen so that `Σ x_i λ_i = s₀` and, for every attribute the
/// attacker lacks, the coefficients of its leaves sum to 0 (with one `s₁` its `H(τ)^{s₁}`
/// cancel; it has no `K_τ` to pair them with). Then as abe-v2.md §8, with the attacker's own
/// `x_i K_{τ_i}` paired with the `Ĉ1` of leaf `i`'s layer:
/// `e(K0, Ĉ0) · Π_j e(Σ_{held i in layer j} x_i K_{τ_i}, Ĉ1⁽ʲ⁾) / [e(X, K̂) · time part]`.
/// On a real header the lacking attribute's leaves lie in different layers with independent
/// `s₁⁽ʲ⁾`, so its points do not cancel.
fn open_by_combination(header: &Header, key: &SharedKey, dk: &DecryptionKey, x: &[i64]) -> bool {
    let policy = &header.policy;
    assert_eq!(x.len(), policy.leaf_count());
    let mut sum_c = G1Projective::identity();
    let mut per_layer = vec![G1Projective::identity(); header.c1.len()];
    for (i, &xi) in x.iter().enumerate() {
        sum_c += G1Projective::from(header.rows[i]) * int(xi);
        let attr = &policy.leaves()[i];
        if let Some(pos) = dk.attributes.iter().position(|a| a == attr) {
            per_layer[usize::from(policy.layers()[i])] += dk.body.attrs[pos].proj() * int(xi);
        }
    }
    let mut terms = vec![(dk.body.k0.proj(), header.c0)];
    terms.extend(per_layer.into_iter().zip(header.c1.iter().copied()));
    terms.push((-sum_c, dk.body.k_hat.0));
    terms.extend(time_terms(header, dk.period, &dk.body.k1t, &dk.body.time).unwrap());
    opens(&terms, header, key)
}

/// Checks the attack's coefficients against the crate's sharing (policy/share.rs), run by the
/// attacker on secrets of its own choosing — the sharing algorithm is public, so this uses no
/// secret of any header: `Σ x_i λ_i = s₀` for every sharing, and for every attribute not in
/// `held` the coefficients of its leaves sum to 0 overall but not within every layer.
fn check_combination(policy: &Policy, held: &AttributeSet, x: &[i64]) {
    let mut rng = ChaCha20Rng::seed_from_u64(0xc0ef);
    for _ in 0..3 {
        let s0 = Scalar::random(&mut rng);
        let shares = policy.share_plain(&s0, &mut rng);
        let sum: Scalar = shares.iter().zip(x).map(|(l, xi)| *l * int(*xi)).sum();
        assert_eq!(sum, s0, "the combination must rebuild s0 for {policy}");
    }
    for attr in policy.leaves().iter().filter(|a| !held.contains(a)) {
        let mut per_layer = vec![0i64; policy.layer_count()];
        for ((a, layer), xi) in policy.leaves().iter().zip(policy.layers()).zip(x) {
            if a == attr {
                per_layer[usize::from(*layer)] += xi;
            }
        }
        assert_eq!(per_layer.iter().sum::<i64>(), 0, "{attr} must cancel");
        assert!(per_layer.iter().any(|c| *c != 0), "{attr} spans layers");
    }
}

/// Mounts `open_by_combination` for a user holding `held` (a real enrolled key) on a header
/// with one `s₁` (broken) and on a real header. Also checks that the broken header is a
/// working encryption (a user holding `full` opens it honestly) and that `held` does not
/// satisfy the policy. Returns `[opens the broken header, opens the real header]`.
fn one_s1_attack(policy: &str, held: &[&str], full: &[&str], x: &[i64]) -> [bool; 2] {
    let policy = Policy::parse(policy).unwrap();
    let held = set(held);
    assert!(!policy.is_satisfied_by(&held));
    assert!(policy.layer_count() > 1);
    check_combination(&policy, &held, x);

    let mut rng = rng();
    let mut authority = authority(&mut rng, 3);
    let pp = authority.public_params().clone();
    let attacker = authority.enrol(&mut rng, &held).unwrap();
    let honest = authority.enrol(&mut rng, &set(full)).unwrap();
    let update = authority.key_update(&mut rng, 2).unwrap();
    let dk = attacker.decryption_key(&update).unwrap();
    let honest_dk = honest.decryption_key(&update).unwrap();

    let broken = Variant {
        one_s1: true,
        ..Variant::default()
    };
    let (bad_header, bad_key) = encapsulate_variant(&mut rng, &pp, &policy, 2, &broken);
    assert_eq!(*honest_dk.decapsulate(&bad_header).unwrap(), *bad_key);
    assert!(matches!(
        dk.decapsulate(&bad_header),
        Err(crate::Error::PolicyNotSatisfied)
    ));
    let (header, key) = Header::encapsulate(&mut rng, &pp, &policy, 2).unwrap();
    assert_eq!(*honest_dk.decapsulate(&header).unwrap(), *key);
    [
        open_by_combination(&bad_header, &bad_key, &dk, x),
        open_by_combination(&header, &key, &dk, x),
    ]
}

#[test]
fn one_s1_for_all_layers_lets_b_open_2_of_a_a_b() {
    // F-AB2. Leaves a¹, a², b (layers 0, 1, 0). The 2-of-3 gate shares s₀ as q(1), q(2), q(3)
    // with q of degree 1, so 3q(1) − 3q(2) + q(3) = q(0) = s₀ and, with one s₁,
    // 3C₁ − 3C₂ + C₃ = H₀^{s₀} H(b)^{s₁}: the a-points cancel and {b} opens the header.
    assert_eq!(
        one_s1_attack("2 of (a, a, b)", &["b"], &["a", "b"], &[3, -3, 1]),
        [true, false],
        "the attack must open the one-s1 header and fail on the real one"
    );
}

#[test]
fn one_s1_for_all_layers_lets_a_c_open_a_and_b_or_c_and_b() {
    // F-AB2b. `a and (b or c) and b` is one 3-of-3 gate over a, (b or c), b; leaves a, b¹, c,
    // b² (layers 0, 0, 0, 1). This crate's AND gate shares additively (policy/share.rs: child
    // 1 gets ρ₁, child 2 gets ρ₂, child 3 gets s₀ − ρ₁ − ρ₂; the OR hands ρ₂ to both b¹ and c),
    // not by Shamir at x = 1..n. So λ = (ρ₁, ρ₂, ρ₂, s₀ − ρ₁ − ρ₂), and the combination
    // x = (1, −1, 2, 1) is the unique one with Σ x_i λ_i = s₀ for all ρ (x_a = x_{b²} = 1,
    // x_{b¹} + x_c = 1) whose b-coefficients cancel (x_{b¹} + x_{b²} = 0):
    // C_a − C_{b¹} + 2C_c + C_{b²} = H₀^{s₀} H(a)^{s₁} H(c)^{2s₁}, paired with K_a + 2K_c.
    // (With a Shamir AND at x = 1, 2, 3 it would be (3, −1, −2, 1).)
    assert_eq!(
        one_s1_attack(
            "a and (b or c) and b",
            &["a", "c"],
            &["a", "b"],
            &[1, -1, 2, 1]
        ),
        [true, false],
        "the attack must open the one-s1 header and fail on the real one"
    );
}

#[test]
fn one_s1_for_all_layers_lets_b_c_open_2_of_a_b_c_and_a() {
    // F-AB2c. `(2 of (a, b, c)) and a`: leaves a¹, b, c, a² (layers 0, 0, 0, 1). The AND
    // shares additively (ρ to the threshold gate, s₀ − ρ to a²), the threshold as
    // q(j) = ρ + c₁j, so λ = (ρ + c₁, ρ + 2c₁, ρ + 3c₁, s₀ − ρ). abe-v2.md's combination
    // C_a¹ − 5C_b + 3C_c − C_a² gives Σ x_i λ_i = −s₀ with this crate's sharing (it is right up
    // to its overall sign: H₀^{−s₀} H(b)^{−5s₁} H(c)^{3s₁}), so the attacker uses its
    // negation −C_a¹ + 5C_b − 3C_c + C_a² = H₀^{s₀} H(b)^{5s₁} H(c)^{−3s₁}, paired with
    // 5K_b − 3K_c.
    let doc = [1i64, -5, 3, -1];
    let policy = Policy::parse("(2 of (a, b, c)) and a").unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(0xab2c);
    let s0 = Scalar::random(&mut rng);
    let shares = policy.share_plain(&s0, &mut rng);
    let sum: Scalar = shares.iter().zip(&doc).map(|(l, x)| *l * int(*x)).sum();
    assert_eq!(sum, -s0, "the design's combination rebuilds −s0 here");
    let x = doc.map(|c| -c);
    assert_eq!(
        one_s1_attack("(2 of (a, b, c)) and a", &["b", "c"], &["a", "b"], &x),
        [true, false],
        "the attack must open the one-s1 header and fail on the real one"
    );
}

// ---------------------------------------------------------------------------------------------
// Hashed attribute points (abe-v2.md "Notation and hashes", F-AB5).

/// v1's scalar attribute hash `h(τ)` (scheme.md §1), for the structured points `u^{h(τ)} h`.
fn h_scalar(attr: &str) -> Scalar {
    hash::hash_to_scalar(&[attr.as_bytes()], b"RSHABE-V1-ATTRIBUTE")
}

/// A holder of {a, c} interpolates `K_b` on the line through `(h(a), K_a)` and `(h(c), K_c)`:
/// with structured points `K_τ = (u^{h(τ)} h)^r = U^{h(τ)} V` (`U = u^r`, `V = h^r`), so
/// `K_b = K_a^{μ_a} K_c^{μ_c}` with `μ_c = (h(b) − h(a)) / (h(c) − h(a))`, `μ_a = 1 − μ_c` —
/// public coefficients. Returns whether the forged {b}-key opens a `b` header.
fn interpolation_opens_b(structured: bool) -> bool {
    let mut rng = rng();
    let mut authority = authority(&mut rng, 3);
    let pp = authority.public_params().clone();
    let ac = set(&["a", "c"]);
    let (u, h) = (
        G1Projective::random(&mut rng),
        G1Projective::random(&mut rng),
    );
    let point = |attr: &str| (u * h_scalar(attr) + h).to_affine();
    let policy = Policy::parse("b").unwrap();
    let (sk, header, key) = if structured {
        let sk = enrol_variant(
            &mut authority,
            &ac,
            &[point("a"), point("c")],
            false,
            &mut rng,
        );
        // The broken scheme works: a {b} holder enrolled with the structured points opens it.
        let b_holder = enrol_variant(&mut authority, &set(&["b"]), &[point("b")], false, &mut rng);
        let b_point = [point("b")];
        let broken = Variant {
            points: Some(&b_point),
            ..Variant::default()
        };
        let (header, key) = encapsulate_variant(&mut rng, &pp, &policy, 2, &broken);
        let update = authority.key_update(&mut rng, 2).unwrap();
        let b_dk = b_holder.decryption_key(&update).unwrap();
        assert_eq!(*b_dk.decapsulate(&header).unwrap(), *key);
        (sk, header, key)
    } else {
        let sk = authority.enrol(&mut rng, &ac).unwrap();
        let (header, key) = Header::encapsulate(&mut rng, &pp, &policy, 2).unwrap();
        (sk, header, key)
    };
    let dk = sk
        .decryption_key(&authority.key_update(&mut rng, 2).unwrap())
        .unwrap();
    assert!(matches!(
        dk.decapsulate(&header),
        Err(crate::Error::PolicyNotSatisfied)
    ));
    let (ha, hb, hc) = (h_scalar("a"), h_scalar("b"), h_scalar("c"));
    let mu_c = (hb - ha) * (hc - ha).invert().unwrap();
    let mu_a = Scalar::ONE - mu_c;
    let k_b = dk.body.attrs[0].proj() * mu_a + dk.body.attrs[1].proj() * mu_c;
    let body = KeyBody {
        k_hat: dk.body.k_hat,
        k0: dk.body.k0,
        attrs: vec![SecretG1::from(k_b)],
        k1t: dk.body.k1t,
        time: dk.body.time.clone(),
    };
    let forged = DecryptionKey::new(dk.holder, 3, 2, set(&["b"]), body);
    forged.decapsulate(&header).is_ok_and(|k| *k == *key)
}

#[test]
fn structured_attribute_points_let_a_c_derive_b() {
    assert!(
        interpolation_opens_b(true),
        "the attack must work with structured points"
    );
    assert!(
        !interpolation_opens_b(false),
        "the attack must fail with hashed points"
    );
}

// ---------------------------------------------------------------------------------------------
// H₀ separated from the attribute points (abe-v2.md "Notation and hashes").

/// A holder of "evil" divides `K_evil` out of `K0`: if `H(evil) = H₀` this leaves
/// `g^α w_T^R`, and `e(g^α w_T^R, Ĉ0) / time part = Ω^{s₀}` for every header of its period,
/// whatever the policy. Returns, per target policy, whether the attack opens its header.
fn evil_opens(h0_collides: bool, targets: &[&str]) -> Vec<bool> {
    let mut rng = rng();
    let mut authority = authority(&mut rng, 3);
    let pp = authority.public_params().clone();
    let evil = set(&["evil"]);
    let sk = if h0_collides {
        enrol_variant(&mut authority, &evil, &[*hash::h0()], false, &mut rng)
    } else {
        authority.enrol(&mut rng, &evil).unwrap()
    };
    let dk = sk
        .decryption_key(&authority.key_update(&mut rng, 5).unwrap())
        .unwrap();
    let k0_without_attribute = dk.body.k0.proj() - dk.body.attrs[0].0;
    targets
        .iter()
        .map(|target| {
            // Also a header encrypted earlier and moved on by the cloud: it opens the same way.
            let (header, key) =
                Header::encapsulate(&mut rng, &pp, &Policy::parse(target).unwrap(), 1).unwrap();
            let header = header.update(&mut rng, &pp, 3).unwrap();
            assert!(matches!(
                dk.decapsulate(&header),
                Err(crate::Error::PolicyNotSatisfied)
            ));
            let mut terms = vec![(k0_without_attribute, header.c0)];
            terms.extend(time_terms(&header, dk.period, &dk.body.k1t, &dk.body.time).unwrap());
            opens(&terms, &header, &key)
        })
        .collect()
}

#[test]
fn an_attribute_hashing_to_h0_opens_every_header() {
    let targets = ["doctor", "nurse and \"ward 3\"", "2 of (x, y, z)"];
    assert_eq!(
        evil_opens(true, &targets),
        [true; 3],
        "the attack must work when an attribute point is H0"
    );
    assert_eq!(
        evil_opens(false, &targets),
        [false; 3],
        "the attack must fail with H0 separated from the attribute points"
    );
}

#[test]
fn h0_differs_from_attribute_points() {
    assert_ne!(crate::domain::DST_H0, crate::domain::DST_ATTRIBUTE);
    let h0 = *hash::h0();
    assert!(!bool::from(h0.is_identity()));
    assert_eq!(
        h0,
        G1Projective::hash_to_curve(b"", b"RSHABE-V2-H0", b"").to_affine()
    );
    let long = "x".repeat(crate::policy::MAX_ATTRIBUTE_LEN);
    let attrs = [
        "a",
        "doctor",
        " ",
        "\0",
        "\u{7f}",
        "é",
        // H₀'s own message is empty (not an attribute); its DST, as an attribute string:
        "RSHABE-V2-H0",
        "RSHABE-V2-ATTRIBUTE",
        long.as_str(),
    ];
    let mut points = Vec::new();
    for attr in attrs {
        let p = hash::attribute_point(&Attribute::new(attr).unwrap());
        assert_ne!(p, h0, "{attr:?}");
        assert!(!bool::from(p.is_identity()), "{attr:?}");
        points.push(p);
    }
    // And the attribute points are pairwise distinct (a random oracle, not a constant).
    for (i, p) in points.iter().enumerate() {
        assert!(points[i + 1..].iter().all(|q| q != p));
    }
    assert!(Attribute::new("").is_err());
    assert!(Attribute::new(&"x".repeat(crate::policy::MAX_ATTRIBUTE_LEN + 1)).is_err());
}

// ---------------------------------------------------------------------------------------------
// Time rows with their own t_N (abe-v2.md §7, F-AB6).

/// The attacker's time row for `target`, built from rows it assumes all carry the same
/// randomness τ (true when every row uses `t_N = s₀`): `f_j^{−τ}` is read off the delegation
/// elements `D_{N,j}`, and a row `N` whose `F_N` differs from `F_target` only at levels with a
/// known `f_j^{−τ}` is re-labelled: `E_2 = E_{N,2} · Π_j D_j^{x_j(target) − x_j(N)}`, `E_1`,
/// `E_3` from `N`. `None` when the rows lack some `f_j^{−τ}` — in particular when no row lies
/// in the subtree of `target`'s first level (for Cover(8) at D_t = 4, say: `(f_0 f_1)^{−τ}`
/// cannot be separated from `(f_0 f_1²)^{−τ}`).
fn forge_row(time_depth: u8, rows: &[TimeRow], target: TimeNode) -> Option<TimeRow> {
    let mut f_tau: Vec<Option<G1Projective>> = vec![None; usize::from(time_depth) + 1];
    for row in rows {
        for (j, d) in (row.node.depth + 1..=time_depth).zip(&row.d) {
            f_tau[usize::from(j)] = Some(G1Projective::from(*d));
        }
    }
    let label = |n: &TimeNode, j: u8| {
        if j <= n.depth {
            i64::from(n.label(j))
        } else {
            0
        }
    };
    rows.iter().find_map(|row| {
        let mut e2 = G1Projective::from(row.e[1]);
        for j in 1..=time_depth {
            let diff = label(&target, j) - label(&row.node, j);
            if diff != 0 {
                e2 += f_tau[usize::from(j)]? * int(diff);
            }
        }
        let d: Vec<G1Projective> = (target.depth + 1..=time_depth)
            .map(|j| f_tau[usize::from(j)])
            .collect::<Option<_>>()?;
        let e = [row.e[0].into(), e2, row.e[2].into()];
        Some(TimeRow::normalize(target, &e, &d))
    })
}

/// The revoked user's attack: forge a row for a prefix of its old key's period from the
/// header's rows and decapsulate a header carrying that row. `None` when no row can be forged.
fn revoked_key_opens(dk: &DecryptionKey, header: &Header, key: &SharedKey) -> Option<bool> {
    let row = (0..=dk.time_depth).find_map(|k| {
        forge_row(
            dk.time_depth,
            &header.time_rows,
            time_tree::prefix(dk.time_depth, dk.period, k),
        )
    })?;
    let forged = Header {
        period: dk.period,
        time_rows: vec![row],
        ..header.clone()
    };
    Some(dk.decapsulate(&forged).is_ok_and(|k| *k == **key))
}

/// The cloud's move with the BB-direct delegation that goes with rows sharing `s₀`: a derived
/// row is its parent re-labelled (`t' = 0`), so it keeps the randomness `s₀`.
fn move_bb_direct(pp: &PublicParams, header: &Header, period: u64) -> Header {
    let time_rows = time_tree::cover(pp.time_depth, period)
        .into_iter()
        .map(|node| {
            let parent = header
                .time_rows
                .iter()
                .find(|r| r.node.is_prefix_of(&node))
                .unwrap();
            derive_row(pp, parent, node, &Scalar::ZERO).unwrap()
        })
        .collect();
    Header {
        period,
        time_rows,
        ..header.clone()
    }
}

#[test]
fn time_rows_sharing_s0_let_a_revoked_key_open_a_newer_header() {
    // D_t = 4; the user is revoked from period 5 and keeps its key for period 4, whose prefixes
    // lie under (1,0). Cover(5) = {(4,5), (3,3), (1,1)} and Cover(6) = {(3,3), (1,1)} reach
    // into (1,0)'s subtree, so the broken rows are exercised; Cover(8) = {(1,1)} does not.
    let mut rng = rng();
    let mut authority = authority(&mut rng, 4);
    let pp = authority.public_params().clone();
    let policy = Policy::parse("doctor").unwrap();
    let revoked = authority.enrol(&mut rng, &set(&["doctor"])).unwrap();
    let colleague = authority.enrol(&mut rng, &set(&["doctor"])).unwrap();
    let old = revoked
        .decryption_key(&authority.key_update(&mut rng, 4).unwrap())
        .unwrap();
    authority.revoke(&revoked.user_id(), 5).unwrap();
    let update6 = authority.key_update(&mut rng, 6).unwrap();
    assert!(matches!(
        revoked.decryption_key(&update6),
        Err(crate::Error::Revoked)
    ));
    let current = colleague.decryption_key(&update6).unwrap();
    let broken = Variant {
        rows_share_s0: true,
        ..Variant::default()
    };

    // Both headers are working encryptions that the old key cannot open honestly; the attack
    // opens the broken one and fails on the real one.
    let attack_opens_only_the_broken =
        |bad: (&Header, &SharedKey), real: (&Header, &SharedKey), what: &str| {
            for (h, k) in [bad, real] {
                assert_eq!(*current.decapsulate(h).unwrap(), **k);
                assert!(matches!(
                    old.decapsulate(h),
                    Err(crate::Error::PeriodNotCovered)
                ));
            }
            assert_eq!(
                revoked_key_opens(&old, bad.0, bad.1),
                Some(true),
                "the attack must open a header {what} whose rows share s0"
            );
            assert_eq!(
                revoked_key_opens(&old, real.0, real.1),
                Some(false),
                "the attack must fail on the real header {what}"
            );
        };

    // A header sealed at 5.
    let (bad, bad_key) = encapsulate_variant(&mut rng, &pp, &policy, 5, &broken);
    let (real, key) = Header::encapsulate(&mut rng, &pp, &policy, 5).unwrap();
    attack_opens_only_the_broken((&bad, &bad_key), (&real, &key), "at 5");

    // A header sealed at 2 and moved to 6 by the cloud (rows sharing s₀ throughout: BB-direct
    // rows, BB-direct delegation; the real header with the real update).
    let (bad2, bad_key2) = encapsulate_variant(&mut rng, &pp, &policy, 2, &broken);
    let bad6 = move_bb_direct(&pp, &bad2, 6);
    let (real2, key2) = Header::encapsulate(&mut rng, &pp, &policy, 2).unwrap();
    let real6 = real2.update(&mut rng, &pp, 6).unwrap();
    attack_opens_only_the_broken((&bad6, &bad_key2), (&real6, &key2), "moved 2 → 6");

    // Where this attack applies (not security claims about the broken variant, the reason for
    // the choices above): rows sharing s₀ moved by the real update get a fresh t' each, so the
    // derived (3,3) row no longer shares τ with (1,1) and the forged row is wrong; and Cover(8)
    // lies wholly outside (1,0)'s subtree, so no row can be forged at all.
    let real_moved = bad2.update(&mut rng, &pp, 6).unwrap();
    assert_eq!(revoked_key_opens(&old, &real_moved, &bad_key2), Some(false));
    let (bad8, bad_key8) = encapsulate_variant(&mut rng, &pp, &policy, 8, &broken);
    assert_eq!(revoked_key_opens(&old, &bad8, &bad_key8), None);
}
