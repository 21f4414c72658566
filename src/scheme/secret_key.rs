//! Users' secret keys and their combination with key updates (scheme.md §6).
//!
//! A secret key holds one component per node of the user's path in its issuer's tree, each with
//! its own fresh randomness `r_θ` (independent per node: one `r` shared along a path would let a
//! revoked user who holds the attributes collude with an unrevoked user who lacks them; the
//! regression test `shared_path_randomness_enables_collusion` in `attacks` shows the attack).
//!
//! `DK_{S,T}` from `SK` and the update: take the node `θ ∈ Path(ℓ) ∩ KUNodes(T)`;
//! `K0 = SK_θ.K0 · KU_θ.K0`; for an authority update `K1A` and the attribute components come from
//! `SK_θ`, for a delegated update they are the products of the two (scheme.md §6, level ≥ 2);
//! `K1T` and the time components come from the update.

use alloc::vec::Vec;

use blstrs::{G2Projective, Scalar};
use rand_core::CryptoRngCore;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::key_update::KeyUpdate;
use super::keys::{attr_comp, read_attributes, write_attributes, DecryptionKey, KeyBody, Pair};
use super::params::{Base, PublicParams};
use super::time::MAX_TIME_DEPTH;
use super::tree::{path, TreeNode, UserId, MAX_TREE_DEPTH};
use crate::encoding::{secret_bytes, ObjectType, Reader};
use crate::error::{DecodeErrorKind, Error, Result};
use crate::policy::AttributeSet;
use crate::secret::{SecretG2, SecretScalar};

/// The component of a secret key for one node of the user's path.
#[derive(Clone, Default, Zeroize)]
pub(crate) struct SkNode {
    pub(crate) k0: SecretG2,
    pub(crate) k1a: SecretG2,
    /// One pair per attribute, in the order of the key's attribute set.
    pub(crate) attrs: Vec<Pair>,
}

/// `SK_θ = { K0 = base · ŵ_A^{r}, K1A = ĝ^{r}, {AttrComp(τ, r)}_{τ∈S} }` for a given `r`.
/// `base` is `ĝ^α G_θ^{−1}` for the authority and `H_φ^{−1}` for a delegator.
pub(crate) fn sk_node(
    pp: &PublicParams,
    base: G2Projective,
    attributes: &AttributeSet,
    r: &Scalar,
    rng: &mut impl CryptoRngCore,
) -> SkNode {
    let v_a_r = pp.mul_g2(Base::VA, r);
    let mut attrs = Vec::with_capacity(attributes.len());
    for a in attributes {
        attrs.push(Pair::from_proj(attr_comp(pp, a, &v_a_r, rng)));
    }
    SkNode {
        k0: SecretG2::from(base + pp.mul_g2(Base::WA, r)),
        k1a: SecretG2::from(pp.mul_g2(Base::G, r)),
        attrs,
    }
}

/// A user's long-term secret key, issued once at enrolment by an
/// [`Authority`](crate::Authority) or a [`Delegator`](crate::Delegator).
///
/// Each period the user combines it with the issuer's public [`KeyUpdate`] into a
/// [`DecryptionKey`] — or learns that it has been revoked.
///
/// ```
/// use rs_habe::{Authority, AttributeSet, SecretKey, SetupParams};
/// let mut rng = rand::thread_rng();
/// let mut authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
/// let sk = authority.enrol(&mut rng, &AttributeSet::new(["nurse", "ward:3"])?)?;
/// let stored = sk.to_bytes(); // keep it safe: it is the user's long-term secret
/// let sk = SecretKey::from_bytes(&stored)?;
/// let dk = sk.decryption_key(&authority.key_update(&mut rng, 0)?)?;
/// assert_eq!(dk.attributes(), sk.attributes());
/// # Ok::<(), rs_habe::Error>(())
/// ```
///
/// Secret: zeroized on drop, never printed, not `Clone` (store it with
/// [`to_bytes`](Self::to_bytes)).
pub struct SecretKey {
    pub(crate) user: UserId,
    pub(crate) tree_depth: u8,
    pub(crate) time_depth: u8,
    pub(crate) attributes: AttributeSet,
    /// Root first; `tree_depth + 1` entries.
    pub(crate) nodes: Vec<SkNode>,
}

impl Drop for SecretKey {
    fn drop(&mut self) {
        self.nodes.zeroize();
    }
}

impl ZeroizeOnDrop for SecretKey {}

impl core::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SecretKey")
            .field("user", &self.user)
            .field("attributes", &self.attributes)
            .field("components", &"[redacted]")
            .finish()
    }
}

impl SecretKey {
    /// The user's identity: its issuer and leaf. The issuer needs it to revoke the user.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let sk = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// assert_eq!((sk.user_id().issuer, sk.user_id().leaf), (authority.issuer_id(), 0));
    /// authority.revoke(&sk.user_id(), 4)?;
    /// assert!(authority.is_revoked(&sk.user_id(), 4));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn user_id(&self) -> UserId {
        self.user
    }

    /// The attributes the key was issued for.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let params = SetupParams { time_depth: 4, tree_depth: 2 };
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// let sk = authority.enrol(&mut rng, &AttributeSet::new(["ward:3", "nurse"])?)?;
    /// assert_eq!(sk.attributes(), &AttributeSet::new(["nurse", "ward:3"])?);
    /// // Every decryption key derived from it has the same attributes.
    /// let dk = sk.decryption_key(&authority.key_update(&mut rng, 0)?)?;
    /// assert_eq!(dk.attributes(), sk.attributes());
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn attributes(&self) -> &AttributeSet {
        &self.attributes
    }

    /// Combines this key with the issuer's update for a period into a [`DecryptionKey`] for that
    /// period (scheme.md §6).
    ///
    /// # Errors
    /// - [`Error::IssuerMismatch`]: the update is from another issuer.
    /// - [`Error::ParamsMismatch`]: the update was made under other public parameters.
    /// - [`Error::Revoked`]: no entry of the update lies on this user's path — the user is revoked
    ///   at that period (or its delegator is).
    /// - [`Error::NotASubset`]: a delegated update whose attribute set does not contain this
    ///   key's (an issuer bug: such an update could not give this user a working key).
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Error, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let params = SetupParams { time_depth: 4, tree_depth: 2 };
    /// let mut hospital = Authority::setup(&mut rng, params)?;
    /// let nurse = hospital.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// // Each period: fetch the issuer's update and derive that period's key.
    /// let dk = nurse.decryption_key(&hospital.key_update(&mut rng, 3)?)?;
    /// assert_eq!((dk.period(), dk.user_id()), (3, nurse.user_id()));
    ///
    /// let clinic = Authority::setup(&mut rng, params)?;
    /// let foreign = clinic.key_update(&mut rng, 3)?;
    /// assert!(matches!(nurse.decryption_key(&foreign), Err(Error::IssuerMismatch)));
    /// hospital.revoke(&nurse.user_id(), 4)?;
    /// let update = hospital.key_update(&mut rng, 4)?;
    /// assert!(matches!(nurse.decryption_key(&update), Err(Error::Revoked)));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn decryption_key(&self, update: &KeyUpdate) -> Result<DecryptionKey> {
        if update.issuer != self.user.issuer || update.tree_depth != self.tree_depth {
            return Err(Error::IssuerMismatch);
        }
        if update.time_depth != self.time_depth {
            return Err(Error::ParamsMismatch);
        }
        let my_path = path(self.tree_depth, self.user.leaf);
        let entry = update.entry_on_path(&my_path).ok_or(Error::Revoked)?;
        let sk = my_path
            .iter()
            .position(|n| *n == entry.node)
            .and_then(|i| self.nodes.get(i))
            .ok_or(Error::Revoked)?;
        let ku = &entry.body;
        let k0 = SecretG2::from(sk.k0.proj() + ku.k0.0);
        let (k1a, attrs) = match &update.delegated {
            None => (sk.k1a, sk.attrs.clone()),
            Some(s_ku) => {
                if !self.attributes.is_subset(s_ku) {
                    return Err(Error::NotASubset(self.attributes.difference(s_ku)));
                }
                let mut attrs = Vec::with_capacity(self.attributes.len());
                // Both lists are sorted; pick the update's pair of each of our attributes.
                let mut theirs = s_ku.iter().zip(ku.attrs.iter());
                for (attr, mine) in self.attributes.iter().zip(sk.attrs.iter()) {
                    let other = theirs
                        .find(|(a, _)| *a == attr)
                        .map(|(_, p)| p)
                        .ok_or(Error::InvalidAttributeSet)?;
                    attrs.push(mine.add(other));
                }
                (SecretG2::from(sk.k1a.proj() + ku.k1a.0), attrs)
            }
        };
        let body = KeyBody {
            k0,
            k1a,
            attrs,
            k1t: ku.k1t,
            time: ku.time.clone(),
        };
        Ok(DecryptionKey::new(
            self.user,
            self.time_depth,
            update.period,
            self.attributes.clone(),
            body,
        ))
    }

    /// The canonical encoding (secret: zeroized when dropped). Scheme.md §12.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, SecretKey, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let sk = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let stored = sk.to_bytes(); // the user's long-term secret, wiped when dropped
    /// let restored = SecretKey::from_bytes(&stored)?;
    /// assert_eq!(restored.user_id(), sk.user_id());
    /// assert_eq!(restored.decryption_key(&authority.key_update(&mut rng, 2)?)?.period(), 2);
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        secret_bytes(|out| {
            out.put_prefix(ObjectType::SecretKey);
            self.user.write(out);
            out.put_u8(self.tree_depth);
            out.put_u8(self.time_depth);
            write_attributes(out, &self.attributes);
            for n in &self.nodes {
                out.put_g2(&n.k0.0);
                out.put_g2(&n.k1a.0);
                for p in &n.attrs {
                    p.write(out);
                }
            }
        })
    }

    /// Strict decoding of [`to_bytes`](Self::to_bytes).
    ///
    /// # Errors
    /// [`Error::Decode`] with the offending kind and offset.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, DecodeErrorKind, Error, SecretKey, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams { time_depth: 4, tree_depth: 2 })?;
    /// let sk = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let stored = sk.to_bytes();
    /// assert_eq!(SecretKey::from_bytes(&stored)?.attributes(), sk.attributes());
    /// match SecretKey::from_bytes(&stored[..stored.len() - 1]) {
    ///     Err(Error::Decode(e)) => assert_eq!(e.kind, DecodeErrorKind::Truncated),
    ///     other => panic!("{other:?}"),
    /// }
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        r.prefix(ObjectType::SecretKey)?;
        let user = UserId::read(&mut r)?;
        let at = r.offset();
        let tree_depth = r.u8()?;
        let time_depth = r.u8()?;
        if tree_depth == 0
            || tree_depth > MAX_TREE_DEPTH
            || time_depth == 0
            || time_depth > MAX_TIME_DEPTH
        {
            return Err(r.err_at(DecodeErrorKind::InvalidValue, at).into());
        }
        if user.leaf >> tree_depth != 0 {
            return Err(r.err_at(DecodeErrorKind::InvalidValue, at).into());
        }
        let attributes = read_attributes(&mut r)?;
        let n_nodes = usize::from(tree_depth) + 1;
        if n_nodes.saturating_mul(192 * (1 + attributes.len())) > r.remaining() {
            return Err(r.err(DecodeErrorKind::Truncated).into());
        }
        let mut nodes = Vec::with_capacity(n_nodes);
        for _ in 0..n_nodes {
            let k0 = SecretG2(r.g2()?);
            let k1a = SecretG2(r.g2()?);
            let mut attrs = Vec::with_capacity(attributes.len());
            for _ in 0..attributes.len() {
                attrs.push(Pair::read(&mut r)?);
            }
            nodes.push(SkNode { k0, k1a, attrs });
        }
        r.finish()?;
        Ok(SecretKey {
            user,
            tree_depth,
            time_depth,
            attributes,
            nodes,
        })
    }
}

/// Enrols a user: one `SK_θ` per path node, each with its own fresh `r_θ` (scheme.md §6).
/// `base(θ)` gives `ĝ^α G_θ^{−1}` (authority) or `H_φ^{−1}` (delegator).
pub(crate) fn enrol_path(
    pp: &PublicParams,
    user: UserId,
    tree_depth: u8,
    attributes: &AttributeSet,
    mut base: impl FnMut(TreeNode) -> G2Projective,
    rng: &mut impl CryptoRngCore,
) -> SecretKey {
    let nodes = path(tree_depth, user.leaf)
        .into_iter()
        .map(|theta| {
            let r = SecretScalar::random(&mut *rng);
            sk_node(pp, base(theta), attributes, &r, rng)
        })
        .collect();
    SecretKey {
        user,
        tree_depth,
        time_depth: pp.time_depth,
        attributes: attributes.clone(),
        nodes,
    }
}
