//! Regression tests for the load-bearing requirements of scheme.md §13: independent `r_θ` per
//! path node (§6), a fresh `t'` for every derived header row (§8), a fresh `q'` in every
//! re-randomised time component (§5, period binding, also for §8a transform keys), and
//! `S_KU ⊇ S_c` (§6).
//!
//! Each builds the broken variant in test code, mounts the concrete attack against it and shows
//! that it succeeds there, then mounts the same attack against the real code and shows it fails.

use alloc::vec::Vec;

use blstrs::{G1Affine, G1Projective, G2Affine, G2Prepared, G2Projective, Scalar};
use ff::Field;
use group::{Curve, Group};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::kem::{kem_key, Header, SharedKey, TimeRow};
use super::keys::{DecryptionKey, KeyBody, Pair};
use super::outsource::{RetrievalKey, TransformKey};
use super::params::PublicParams;
use super::secret_key::{sk_node, SecretKey};
use super::time::{self, TimeNode};
use super::tree::{path, TreeNode, UserId};
use super::update::derive_row;
use super::{Authority, SetupParams};
use crate::gt::GtElem;
use crate::policy::{AttributeSet, Policy};
use crate::secret::SecretG2;

fn rng() -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(0x5eed)
}

fn set(attrs: &[&str]) -> AttributeSet {
    AttributeSet::new(attrs.iter().copied()).unwrap()
}

/// The broken enrolment: one `r` for every node of the path.
fn enrol_with_shared_r(
    authority: &mut Authority,
    attrs: &AttributeSet,
    rng: &mut ChaCha20Rng,
) -> SecretKey {
    let leaf = authority.tree.allocate_leaf().unwrap();
    let user = UserId {
        issuer: authority.tree.id,
        leaf,
    };
    let r = Scalar::random(&mut *rng);
    let nodes = path(authority.tree.depth, leaf)
        .into_iter()
        .map(|theta| {
            let base = authority.msk.proj() - authority.tree.node_secret(theta).0;
            sk_node(&authority.pp, base, attrs, &r, rng)
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

/// Revoked `u1` (holds "doctor") and unrevoked `u2` (holds "nurse") splice a key: `u1`'s root
/// component is moved to the node `θ*` of `u2`'s path that the update covers, using `u2`'s
/// ratio `K0_root / K0_θ*`. Returns whether the spliced key opens a "doctor" header.
fn collusion_succeeds(shared_r: bool) -> bool {
    let mut rng = rng();
    let mut authority = Authority::setup(
        &mut rng,
        SetupParams {
            time_depth: 3,
            tree_depth: 2,
        },
    )
    .unwrap();
    let (u1, u2) = if shared_r {
        (
            enrol_with_shared_r(&mut authority, &set(&["doctor"]), &mut rng),
            enrol_with_shared_r(&mut authority, &set(&["nurse"]), &mut rng),
        )
    } else {
        (
            authority.enrol(&mut rng, &set(&["doctor"])).unwrap(),
            authority.enrol(&mut rng, &set(&["nurse"])).unwrap(),
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
        k0: SecretG2::from(forged_k0),
        k1a: root1.k1a,
        attrs: root1.attrs.clone(),
        k1t: entry.body.k1t,
        time: entry.body.time.clone(),
    };
    let spliced = DecryptionKey::new(u1.user, 3, 1, set(&["doctor"]), body);
    let pp = authority.public_params();
    let (header, key) =
        Header::encapsulate(&mut rng, pp, &Policy::parse("doctor").unwrap(), 1).unwrap();
    spliced
        .decapsulate(&header)
        .map(|k| *k == *key)
        .unwrap_or(false)
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

/// Moves a period-0 header (one root row) to period 1 — two derived rows, `(2,1)` and `(1,1)` —
/// then climbs back to a period-0 header from the derived rows alone, and opens it with the key
/// of a user revoked from period 1. Returns whether the climb-back header opens.
fn climb_back_succeeds(shared_t: bool) -> bool {
    let mut rng = rng();
    let mut authority = Authority::setup(
        &mut rng,
        SetupParams {
            time_depth: 2,
            tree_depth: 2,
        },
    )
    .unwrap();
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
        let rows: Vec<TimeRow> = super::time::cover(2, 1)
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
    let p = |x: &blstrs::G1Affine| G1Projective::from(*x);
    // X = E'_2(b) · D'_2(b)^2 / E'_2(a) = f_1^{−(t+t')} when both rows share t'.
    let x = p(&b.e[1]) + p(&b.d[0]).double() - p(&a.e[1]);
    let root = TimeRow {
        node: super::time::TimeNode { depth: 0, index: 0 },
        e: [b.e[0], (p(&b.e[1]) - x.double()).to_affine(), b.e[2]],
        d: alloc::vec![x.to_affine(), b.d[0]],
    };
    let forged = Header {
        period: 0,
        time_rows: alloc::vec![root],
        ..updated
    };
    dk0.decapsulate(&forged)
        .map(|k| *k == *key)
        .unwrap_or(false)
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

/// One attribute "half" of the §13 split decryption: an `R_A`-part (`K1A`) with the attribute
/// components made under it, for the attributes of `set` (in set order).
struct AttrHalf<'a> {
    k1a: G2Projective,
    set: &'a AttributeSet,
    comps: &'a [Pair],
}

/// scheme.md §8 with the attribute part split over several halves, each reconstructing `s` on
/// its own: `e(C0, K0) / [Π_halves e(Σ ω C1, K1A_h) Π e(ω C2, A2) e(ω C3, A3) · time part]`.
/// `None` when some half does not satisfy the policy (its leaves cannot rebuild `s`).
fn split_decrypt(
    header: &Header,
    k0: G2Projective,
    halves: &[AttrHalf<'_>],
    k1t: &SecretG2,
    time: &[Pair],
    period: u64,
) -> Option<SharedKey> {
    let mut g1: Vec<G1Projective> = alloc::vec![G1Projective::from(header.c0)];
    let mut g2: Vec<G2Affine> = alloc::vec![k0.to_affine()];
    for half in halves {
        let recon = header.policy.reconstruct(half.set)?;
        let mut sum_c1 = G1Projective::identity();
        for (i, omega) in &recon.terms {
            let [c1, c2, c3] = header.rows[*i].map(G1Projective::from);
            let attr = &header.policy.leaves()[*i];
            let pos = half.set.iter().position(|a| a == attr)?;
            sum_c1 += c1 * omega;
            g1.extend([-(c2 * omega), -(c3 * omega)]);
            g2.extend([half.comps[pos].a.0, half.comps[pos].b.0]);
        }
        g1.push(-sum_c1);
        g2.push(half.k1a.to_affine());
    }
    let leaf = TimeNode {
        depth: header.time_depth,
        index: period,
    };
    let row = header
        .time_rows
        .iter()
        .find(|r| r.node.is_prefix_of(&leaf))?;
    let comp = &time[usize::from(row.node.depth)];
    g1.extend(row.e.map(|e| -G1Projective::from(e)));
    g2.extend([k1t.0, comp.a.0, comp.b.0]);
    let g1: Vec<G1Affine> = g1.iter().map(|p| p.to_affine()).collect();
    let lines: Vec<G2Prepared> = g2.iter().map(|q| G2Prepared::from(*q)).collect();
    let terms: Vec<(&G1Affine, &G2Prepared)> = g1.iter().zip(lines.iter()).collect();
    kem_key(&GtElem::multi_pairing(&terms), &header.policy).ok()
}

/// A child enrolled with `S_c` under a delegator (holding `S_P`) whose update carries `S_KU`
/// (narrowed by hand when `S_KU ⊉ S_c`: the broken variant). The child mounts the split
/// decryption of scheme.md §13: it cancels the update's half of `K0` with the update's own
/// attribute components and its own half with its own components. Returns which of `targets`
/// it opens.
fn child_split_opens(s_c: &[&str], s_p: &[&str], s_ku: &[&str], targets: &[&str]) -> Vec<bool> {
    let mut rng = rng();
    let mut authority = Authority::setup(
        &mut rng,
        SetupParams {
            time_depth: 3,
            tree_depth: 2,
        },
    )
    .unwrap();
    let pp = authority.public_params().clone();
    let parent = authority.enrol(&mut rng, &set(s_p)).unwrap();
    let parent_dk = parent
        .decryption_key(&authority.key_update(&mut rng, 2).unwrap())
        .unwrap();
    let mut delegator = super::Delegator::new(&mut rng, &parent_dk, 2).unwrap();
    let child = delegator.enrol(&mut rng, &pp, &set(s_c)).unwrap();
    delegator.attributes = set(s_ku);
    let update = delegator.key_update(&mut rng, &pp, &parent_dk).unwrap();
    let child_path = path(2, child.user.leaf);
    let entry = update.entry_on_path(&child_path).unwrap();
    let own = &child.nodes[child_path.iter().position(|n| *n == entry.node).unwrap()];
    let s_ku_set = set(s_ku);
    let halves = [
        AttrHalf {
            k1a: own.k1a.proj(),
            set: &child.attributes,
            comps: &own.attrs,
        },
        AttrHalf {
            k1a: entry.body.k1a.proj(),
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
            split_decrypt(&header, k0, &halves, &entry.body.k1t, &entry.body.time, 2)
                .is_some_and(|k| *k == *key)
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
    let mut authority = Authority::setup(
        &mut rng,
        SetupParams {
            time_depth: 3,
            tree_depth: 2,
        },
    )
    .unwrap();
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

/// `F̂_X` for the prefix of depth `k` of `period` (scheme.md §3), in G2.
fn f_hat(pp: &PublicParams, period: u64, k: u8) -> G2Projective {
    let leaf = time::prefix(pp.time_depth, period, pp.time_depth);
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

/// The broken §5 re-randomisation: like `KeyBody::rerandomize`, but ONE `q'` for every time
/// component.
fn rerandomize_with_shared_q(
    body: &mut KeyBody,
    pp: &PublicParams,
    attributes: &AttributeSet,
    period: u64,
    rng: &mut ChaCha20Rng,
) {
    let (d_a, d_t, q) = (
        Scalar::random(&mut *rng),
        Scalar::random(&mut *rng),
        Scalar::random(&mut *rng),
    );
    let (w_a, w_t, v_a, v_t, g) = (
        G2Projective::from(pp.w_a.g2),
        G2Projective::from(pp.w_t.g2),
        G2Projective::from(pp.v_a.g2),
        G2Projective::from(pp.v_t.g2),
        G2Projective::generator(),
    );
    body.k0 = SecretG2::from(body.k0.proj() + w_a * d_a + w_t * d_t);
    body.k1a = SecretG2::from(body.k1a.proj() + g * d_a);
    body.k1t = SecretG2::from(body.k1t.proj() + g * d_t);
    for (pair, attr) in body.attrs.iter_mut().zip(attributes.iter()) {
        let [a, b] = super::keys::attr_comp(pp, attr, &(v_a * d_a), rng);
        pair.a = SecretG2::from(pair.a.proj() + a);
        pair.b = SecretG2::from(pair.b.proj() + b);
    }
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
    let leaf_from = time::prefix(pp.time_depth, from, pp.time_depth);
    let leaf_to = time::prefix(pp.time_depth, to, pp.time_depth);
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
        k0: SecretG2::from(dev.k0.proj() - ku_from.k0.0 + ku_to.k0.0),
        k1a: dev.k1a,
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
    let mut authority = Authority::setup(
        &mut *rng,
        SetupParams {
            time_depth: 4,
            tree_depth: 2,
        },
    )
    .unwrap();
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
        k0: SecretG2::from(body.k0.proj() - fx.ku_from.k0.0 + fx.ku_to.k0.0),
        k1a: body.k1a,
        attrs: body.attrs.clone(),
        k1t: fx.ku_to.k1t,
        time: fx.ku_to.time.clone(),
    };
    let forged = DecryptionKey::new(fx.dk.holder, 4, TO, fx.dk.attributes.clone(), moved);
    assert_eq!(*forged.decapsulate(&fx.header).unwrap(), *fx.key);
}

/// The §8a transform key as v1.1 would make it *without* re-randomising first (broken) or by the
/// real `outsource`; the server moves it to `TO` with public updates and the user finishes.
fn transform_key_moves_to_a_later_period(skip_rerandomisation: bool) -> bool {
    let mut rng = rng();
    let fx = period_fixture(&mut rng);
    let (tk_body, rk) = if skip_rerandomisation {
        let beta = Scalar::random(&mut rng);
        let rk = G2Projective::generator() * beta;
        let mut body = fx.dk.body.clone();
        body.k0 = SecretG2::from(body.k0.proj() - rk);
        (body, RetrievalKey(SecretG2::from(rk)))
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
            k0: SecretG2::from(body.k0.proj() - fx.ku_from.k0.0 + ku.k0.0),
            k1a: body.k1a,
            attrs: body.attrs.clone(),
            k1t: ku.k1t,
            time: ku.time.clone(),
        };
        let dk = DecryptionKey::new(fx.dk.holder, 4, FROM, fx.dk.attributes.clone(), spliced);
        assert_ne!(*dk.decapsulate(&header).unwrap(), *key);
    }
}

/// `KUNodes` sanity for the node the collusion test relies on.
#[test]
fn collusion_setup_uses_distinct_subtrees() {
    let revoked = [0u64].into_iter().collect();
    let ku = super::tree::ku_nodes(2, &revoked);
    assert_eq!(
        ku,
        alloc::vec![
            TreeNode { depth: 1, index: 1 },
            TreeNode { depth: 2, index: 1 }
        ]
    );
}
