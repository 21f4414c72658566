//! Issuer user trees and revocation (scheme.md §4): paths, node secrets and `KUNodes`.
//!
//! Every issuer (the authority, or a user who delegates) owns a binary tree of depth `D`. A
//! child gets the next free leaf, and one key component per node of its path. Each period the
//! issuer publishes one update entry per node of `KUNodes(T)`, the complete-subtree cover of the
//! unrevoked leaves: a user whose path meets it can decrypt, a revoked one cannot.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;

use blstrs::{G1Projective, Scalar};
use group::Group;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::encoding::{Reader, Writer};
use crate::error::{DecodeError, DecodeErrorKind, Error, Parameter, Result};
use crate::hash;
use crate::secret::{SecretG1, SecretScalar};

pub use crate::limits::MAX_TREE_DEPTH;

/// The most revocation entries an issuer state may hold when decoded.
pub(crate) const MAX_REVOCATIONS: usize = 1 << 24;

/// A node of a user tree: depth `k ≤ D`, index `b < 2^k`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct TreeNode {
    pub(crate) depth: u8,
    pub(crate) index: u64,
}

impl TreeNode {
    pub(crate) fn write(&self, out: &mut dyn Writer) {
        out.put_u8(self.depth);
        out.put_u64(self.index);
    }

    /// Reads a node and checks it lies in a tree of depth `tree_depth`.
    pub(crate) fn read(
        r: &mut Reader<'_>,
        tree_depth: u8,
    ) -> core::result::Result<Self, DecodeError> {
        let at = r.offset();
        let depth = r.u8()?;
        let index = r.u64()?;
        if depth > tree_depth || index >> depth != 0 {
            return Err(r.err_at(DecodeErrorKind::InvalidValue, at));
        }
        Ok(TreeNode { depth, index })
    }
}

/// `Path(ℓ) = {(k, ℓ >> (D − k)) : k = 0..D}`, root first.
pub(crate) fn path(tree_depth: u8, leaf: u64) -> Vec<TreeNode> {
    (0..=tree_depth)
        .map(|k| TreeNode {
            depth: k,
            index: leaf >> (tree_depth - k),
        })
        .collect()
}

/// `KUNodes` for a set of revoked leaves (scheme.md §4), sorted by (depth, index).
pub(crate) fn ku_nodes(tree_depth: u8, revoked: &BTreeSet<u64>) -> Vec<TreeNode> {
    if revoked.is_empty() {
        return alloc::vec![TreeNode { depth: 0, index: 0 }];
    }
    let mut x = BTreeSet::new();
    for &leaf in revoked {
        x.extend(path(tree_depth, leaf));
    }
    let mut out = BTreeSet::new();
    for n in &x {
        if n.depth == tree_depth {
            continue;
        }
        for c in [n.index * 2, n.index * 2 + 1] {
            let child = TreeNode {
                depth: n.depth + 1,
                index: c,
            };
            if !x.contains(&child) {
                out.insert(child);
            }
        }
    }
    out.into_iter().collect()
}

/// A 16-byte issuer identifier, random at the issuer's creation. Secret keys and key updates
/// carry it, so a user can pick the right update and a mismatched pair is a typed error.
///
/// # Examples
///
/// ```
/// use rs_habe::{Authority, AttributeSet, Error, SetupParams};
/// let mut rng = rand::thread_rng();
/// let params = SetupParams::new(4, 2);
/// let mut hospital = Authority::setup(&mut rng, params)?;
/// let clinic = Authority::setup(&mut rng, params)?;
/// assert_ne!(hospital.issuer_id(), clinic.issuer_id()); // random at creation
///
/// let nurse = hospital.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
/// assert_eq!(nurse.user_id().issuer, hospital.issuer_id());
/// // An update from the wrong issuer is a typed error, not a wrong key.
/// let update = clinic.key_update(&mut rng, 0)?;
/// assert_eq!(update.issuer_id(), clinic.issuer_id());
/// assert!(matches!(nurse.decryption_key(&update), Err(Error::IssuerMismatch)));
/// # Ok::<(), rs_habe::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IssuerId(pub(crate) [u8; 16]);

impl IssuerId {
    /// The identifier's bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let id = authority.issuer_id();
    /// // For instance to name the file an issuer's key updates are published in.
    /// let hex: String = id.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
    /// assert_eq!(hex.len(), 32);
    /// assert_eq!(format!("{id:?}"), format!("IssuerId({hex})"));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

/// Rebuilds an id from its 16 bytes ([`IssuerId::as_bytes`]), e.g. to name an issuer in a
/// [`FreshnessGuard::newest`](crate::FreshnessGuard::newest) query or a stored [`UserId`]. Any
/// 16 bytes are an id; whether it names a real issuer shows when its objects are used.
///
/// # Examples
///
/// ```
/// use rs_habe::{Authority, IssuerId, SetupParams, UserId};
/// let mut rng = rand::thread_rng();
/// let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
/// let stored: [u8; 16] = *authority.issuer_id().as_bytes();
/// assert_eq!(IssuerId::from(stored), authority.issuer_id());
/// let user = UserId { issuer: IssuerId::from(stored), leaf: 0 };
/// assert_eq!(user.issuer, authority.issuer_id());
/// # Ok::<(), rs_habe::Error>(())
/// ```
impl From<[u8; 16]> for IssuerId {
    fn from(bytes: [u8; 16]) -> Self {
        IssuerId(bytes)
    }
}

impl core::fmt::Debug for IssuerId {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("IssuerId(")?;
        for b in &self.0 {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

/// A user's identity: the issuer that enrolled it and its leaf in that issuer's tree. Show it
/// to the issuer to be revoked.
///
/// # Examples
///
/// ```
/// use rs_habe::{Authority, AttributeSet, SetupParams, UserId};
/// let mut rng = rand::thread_rng();
/// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
/// let staff = AttributeSet::new(["nurse"])?;
/// let first = authority.enrol(&mut rng, &staff)?;
/// let second = authority.enrol(&mut rng, &staff)?;
/// // Leaves are handed out in enrolment order.
/// assert_eq!(second.user_id(), UserId { issuer: authority.issuer_id(), leaf: 1 });
/// // The issuer needs only the id to revoke a user later.
/// authority.revoke(&first.user_id(), 2)?;
/// assert!(authority.is_revoked(&UserId { issuer: authority.issuer_id(), leaf: 0 }, 2));
/// # Ok::<(), rs_habe::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UserId {
    /// The issuer that enrolled the user.
    pub issuer: IssuerId,
    /// The user's leaf in the issuer's tree.
    pub leaf: u64,
}

impl UserId {
    pub(crate) fn write(&self, out: &mut dyn Writer) {
        out.put_bytes(&self.issuer.0);
        out.put_u64(self.leaf);
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> core::result::Result<Self, DecodeError> {
        Ok(UserId {
            issuer: IssuerId(r.array()?),
            leaf: r.u64()?,
        })
    }
}

/// The issuer-side state shared by [`Authority`](crate::Authority) and
/// [`Delegator`](crate::Delegator): tree seed, depth, next free leaf, revocation list, and a
/// counter that grows with every change (carried by key updates, scheme.md §4).
#[derive(Clone)]
pub(crate) struct IssuerTree {
    pub(crate) id: IssuerId,
    seed: [u8; 32],
    pub(crate) depth: u8,
    pub(crate) next_leaf: u64,
    /// leaf → first revoked period.
    pub(crate) revoked: BTreeMap<u64, u64>,
    pub(crate) counter: u64,
}

impl Zeroize for IssuerTree {
    fn zeroize(&mut self) {
        self.seed.zeroize();
    }
}

impl Drop for IssuerTree {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl ZeroizeOnDrop for IssuerTree {}

impl IssuerTree {
    pub(crate) fn new<R: rand_core::RngCore + rand_core::CryptoRng>(
        depth: u8,
        rng: &mut R,
    ) -> Result<Self> {
        if depth == 0 || depth > MAX_TREE_DEPTH {
            return Err(Error::InvalidParameter(Parameter::TreeDepth));
        }
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        let mut id = [0u8; 16];
        rng.fill_bytes(&mut id);
        Ok(IssuerTree {
            id: IssuerId(id),
            seed,
            depth,
            next_leaf: 0,
            revoked: BTreeMap::new(),
            counter: 0,
        })
    }

    /// γ_θ for a node of this tree (abe-v2.md §4).
    pub(crate) fn node_scalar(&self, node: TreeNode) -> Scalar {
        hash::node_secret(&self.seed, node.depth, node.index)
    }

    /// `G_θ = g^{γ_θ} ∈ G1` (abe-v2.md §4; a delegator's `H_φ` likewise).
    pub(crate) fn node_secret(&self, node: TreeNode) -> SecretG1 {
        let gamma = SecretScalar::new(self.node_scalar(node));
        SecretG1::from(G1Projective::generator() * *gamma)
    }

    /// Allocates the next leaf. Leaves are never reused.
    pub(crate) fn allocate_leaf(&mut self) -> Result<u64> {
        if self.next_leaf >> self.depth != 0 {
            return Err(Error::TreeFull);
        }
        let leaf = self.next_leaf;
        self.next_leaf += 1;
        self.counter += 1;
        Ok(leaf)
    }

    /// Revokes `leaf` from `period` on (an earlier revocation period wins).
    pub(crate) fn revoke(&mut self, leaf: u64, period: u64) -> Result<()> {
        if leaf >= self.next_leaf {
            return Err(Error::UnknownUser);
        }
        let entry = self.revoked.entry(leaf).or_insert(period);
        *entry = (*entry).min(period);
        self.counter += 1;
        Ok(())
    }

    /// Revokes one of this issuer's users from `period` on (a period of a time tree of depth
    /// `time_depth`).
    pub(crate) fn revoke_user(&mut self, user: &UserId, period: u64, time_depth: u8) -> Result<()> {
        if user.issuer != self.id {
            return Err(Error::IssuerMismatch);
        }
        super::time_tree::check_period(time_depth, period)?;
        self.revoke(user.leaf, period)
    }

    /// Whether `user` is one of this issuer's users and revoked at `period`.
    pub(crate) fn is_user_revoked(&self, user: &UserId, period: u64) -> bool {
        user.issuer == self.id && self.is_revoked(user.leaf, period)
    }

    /// Whether `leaf` is revoked at `period`.
    pub(crate) fn is_revoked(&self, leaf: u64, period: u64) -> bool {
        self.revoked.get(&leaf).is_some_and(|&from| period >= from)
    }

    /// `KUNodes(T)` for this issuer's revocation list.
    pub(crate) fn ku_nodes(&self, period: u64) -> Vec<TreeNode> {
        let revoked: BTreeSet<u64> = self
            .revoked
            .iter()
            .filter(|(_, &from)| period >= from)
            .map(|(&leaf, _)| leaf)
            .collect();
        ku_nodes(self.depth, &revoked)
    }

    pub(crate) fn write(&self, out: &mut dyn Writer) {
        out.put_bytes(&self.id.0);
        out.put_bytes(&self.seed);
        out.put_u8(self.depth);
        out.put_u64(self.next_leaf);
        out.put_u64(self.counter);
        out.put_len(self.revoked.len());
        for (leaf, from) in &self.revoked {
            out.put_u64(*leaf);
            out.put_u64(*from);
        }
    }

    /// Reads an issuer state whose revocation periods must lie below `2^time_depth`.
    pub(crate) fn read(
        r: &mut Reader<'_>,
        time_depth: u8,
    ) -> core::result::Result<Self, DecodeError> {
        let id = IssuerId(r.array()?);
        let seed = r.array()?;
        let at = r.offset();
        let depth = r.u8()?;
        if depth == 0 || depth > MAX_TREE_DEPTH {
            return Err(r.err_at(DecodeErrorKind::InvalidValue, at));
        }
        let at = r.offset();
        let next_leaf = r.u64()?;
        if next_leaf > (1u64 << depth) {
            return Err(r.err_at(DecodeErrorKind::InvalidValue, at));
        }
        let counter = r.u64()?;
        let n = r.count(MAX_REVOCATIONS, 16)?;
        let mut revoked = BTreeMap::new();
        let mut last = None;
        for _ in 0..n {
            let at = r.offset();
            let leaf = r.u64()?;
            let from_at = r.offset();
            let from = r.u64()?;
            // Strictly increasing leaves (canonical), each already allocated.
            if last.is_some_and(|l| leaf <= l) || leaf >= next_leaf {
                return Err(r.err_at(DecodeErrorKind::InvalidValue, at));
            }
            // A period `revoke` would have refused (scheme.md §3: periods are below 2^D_t).
            if from >> time_depth != 0 {
                return Err(r.err_at(DecodeErrorKind::InvalidValue, from_at));
            }
            last = Some(leaf);
            revoked.insert(leaf, from);
        }
        Ok(IssuerTree {
            id,
            seed,
            depth,
            next_leaf,
            revoked,
            counter,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leaf_is_unrevoked_exactly_when_its_path_meets_kunodes() {
        let d = 4u8;
        // A few revocation patterns, exhaustively over leaves.
        for pattern in [0u64, 1, 0b1000_0000_0000_0001, 0xffff, 0x0f0f, 0x8421] {
            let revoked: BTreeSet<u64> = (0..16).filter(|i| pattern >> i & 1 == 1).collect();
            let ku = ku_nodes(d, &revoked);
            for leaf in 0..16u64 {
                let hits = path(d, leaf).iter().filter(|n| ku.contains(n)).count();
                assert_eq!(
                    hits,
                    usize::from(!revoked.contains(&leaf)),
                    "leaf {leaf} pattern {pattern:x}"
                );
            }
        }
    }
}
