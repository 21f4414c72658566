//! Regression tests for the three load-bearing requirements of scheme.md §13.
//!
//! Each builds the broken variant in test code, mounts the concrete attack against it and shows
//! that it succeeds there, then mounts the same attack against the real code and shows it fails.

use alloc::vec::Vec;

use blstrs::{G1Projective, Scalar};
use ff::Field;
use group::{Curve, Group};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::kem::{Header, TimeRow};
use super::keys::{DecryptionKey, KeyBody, Pair};
use super::secret_key::{sk_node, SecretKey};
use super::tree::{path, TreeNode, UserId};
use super::update::derive_row;
use super::{Authority, SetupParams};
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

/// A child enrolled with `S_c` under a delegator whose updates carry `S_KU`. Builds the child's
/// key from the update's attribute components for *every* attribute of `S_KU` (the update's
/// part cancelled against the child's own `K0`), and checks which single-attribute policies it
/// opens.
fn child_opens(s_c: &[&str], s_p: &[&str], s_ku: &[&str], target: &str) -> bool {
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
    // The delegator's update restricted to S_KU (the broken variant when S_KU ⊉ S_c).
    delegator.attributes = set(s_ku);
    let update = delegator.key_update(&mut rng, &pp, &parent_dk).unwrap();
    let entry = update.entry_on_path(&path(2, child.user.leaf)).unwrap();
    let sk = &child.nodes[path(2, child.user.leaf)
        .iter()
        .position(|n| *n == entry.node)
        .unwrap()];
    // Attribute components: the product where the child has the attribute, the update's alone
    // otherwise.
    let s_ku_set = set(s_ku);
    let attrs: Vec<Pair> = s_ku_set
        .iter()
        .zip(entry.body.attrs.iter())
        .map(
            |(a, ku)| match child.attributes.iter().position(|c| c == a) {
                Some(i) => {
                    let [x, y] = sk.attrs[i].add(ku);
                    Pair {
                        a: SecretG2::from(x),
                        b: SecretG2::from(y),
                    }
                }
                None => *ku,
            },
        )
        .collect();
    let body = KeyBody {
        k0: SecretG2::from(sk.k0.proj() + entry.body.k0.0),
        k1a: SecretG2::from(sk.k1a.proj() + entry.body.k1a.0),
        attrs,
        k1t: entry.body.k1t,
        time: entry.body.time.clone(),
    };
    let dk = DecryptionKey::new(child.user, 3, 2, s_ku_set, body);
    let (header, key) =
        Header::encapsulate(&mut rng, &pp, &Policy::parse(target).unwrap(), 2).unwrap();
    dk.decapsulate(&header).map(|k| *k == *key).unwrap_or(false)
}

#[test]
fn update_attribute_set_must_cover_the_childs() {
    // Sound: S_KU = S_P ⊇ S_c. The child opens its own attribute's policies and nothing from
    // S_KU \ S_c, even when the update's components for it are spliced in.
    assert!(child_opens(
        &["doctor"],
        &["doctor", "cardiology"],
        &["doctor", "cardiology"],
        "doctor"
    ));
    assert!(!child_opens(
        &["doctor"],
        &["doctor", "cardiology"],
        &["doctor", "cardiology"],
        "cardiology"
    ));
    // Broken: S_KU narrower than S_c. The child's honest derivation is refused with a typed
    // error, and the spliced key loses the attribute the update lacks.
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
