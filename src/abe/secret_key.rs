//! Users' secret keys and their combination with key updates (scheme.md §6 as replaced by
//! abe-v2.md §6).
//!
//! A secret key holds one component per node of the user's path in its issuer's tree, each with
//! its own fresh randomness `r_θ` (independent per node: one `r` shared along a path would let a
//! revoked user who holds the attributes collude with an unrevoked user who lacks them; the
//! regression test `shared_path_randomness_enables_collusion` in `attack_tests` shows the attack):
//! `SK_θ = { K̂ = ĝ^{r_θ}, K0 = base_θ · H₀^{r_θ}, K_τ = H(τ)^{r_θ} for τ ∈ S }` with
//! `base_θ = g^α G_θ^{−1}` (authority) or `H_φ^{−1}` (delegator).
//!
//! `DK_{S,T}` from `SK` and the update: take the node `θ ∈ Path(ℓ) ∩ KUNodes(T)`;
//! `K0 = SK_θ.K0 · KU_θ.K0`; for an authority update `K̂` and the `K_τ` come from `SK_θ`, for a
//! delegated update they are the products of the two (the `K_τ` pairwise for `τ ∈ S_c`);
//! `K1T` and the time components come from the update.

use alloc::vec::Vec;

use blstrs::{G1Affine, G1Projective, Scalar};
use rand_core::CryptoRngCore;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::components::{attribute_points, read_attributes, write_attributes, KeyBody};
use super::decryption_key::DecryptionKey;
use super::key_update::KeyUpdate;
use super::params::{Base1, Base2, PublicParams};
use super::time_tree::MAX_TIME_DEPTH;
use super::user_tree::{path, TreeNode, UserId, MAX_TREE_DEPTH};
use crate::encoding::{self, Decode, Encode, Object, ObjectType, Reader, Writer};
use crate::error::{DecodeErrorKind, Error, Result};
use crate::policy::AttributeSet;
use crate::secret::{SecretG1, SecretG2, SecretScalar};

/// The component of a secret key for one node of the user's path.
#[derive(Clone, Default, Zeroize)]
pub(crate) struct SkNode {
    pub(crate) k_hat: SecretG2,
    pub(crate) k0: SecretG1,
    /// `K_τ`, one per attribute, in the order of the key's attribute set.
    pub(crate) attrs: Vec<SecretG1>,
}

/// `SK_θ = { K̂ = ĝ^r, K0 = base · H₀^r, K_τ = H(τ)^r }` for a given `r`; `points` are the
/// `H(τ)` of the key's attributes, in order.
pub(crate) fn sk_node(
    pp: &PublicParams,
    base: G1Projective,
    points: &[G1Affine],
    r: &Scalar,
) -> SkNode {
    SkNode {
        k_hat: SecretG2::from(pp.mul_g2(Base2::G, r)),
        k0: SecretG1::from(base + pp.mul_g1(Base1::H0, r)),
        attrs: points
            .iter()
            .map(|p| SecretG1::from(G1Projective::from(p) * r))
            .collect(),
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
/// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
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
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
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
    /// # let params = SetupParams::new(4, 2);
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
    /// let params = SetupParams::new(4, 2);
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
        let k0 = SecretG1::from(sk.k0.proj() + ku.k0.0);
        let (k_hat, attrs) = match &update.delegated {
            None => (sk.k_hat, sk.attrs.clone()),
            Some(s_ku) => {
                if !self.attributes.is_subset(s_ku) {
                    return Err(Error::NotASubset(self.attributes.difference(s_ku)));
                }
                let mut attrs = Vec::with_capacity(self.attributes.len());
                // Both lists are sorted; pick the update's K_τ of each of our attributes.
                let mut theirs = s_ku.iter().zip(ku.attrs.iter());
                for (attr, mine) in self.attributes.iter().zip(sk.attrs.iter()) {
                    let other = theirs
                        .find(|(a, _)| *a == attr)
                        .map(|(_, k)| k)
                        .ok_or(Error::InvalidAttributeSet)?;
                    attrs.push(SecretG1::from(mine.proj() + other.0));
                }
                (SecretG2::from(sk.k_hat.proj() + ku.k_hat.0), attrs)
            }
        };
        let body = KeyBody {
            k_hat,
            k0,
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
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let sk = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let stored = sk.to_bytes(); // the user's long-term secret, wiped when dropped
    /// let restored = SecretKey::from_bytes(&stored)?;
    /// assert_eq!(restored.user_id(), sk.user_id());
    /// assert_eq!(restored.decryption_key(&authority.key_update(&mut rng, 2)?)?.period(), 2);
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        encoding::to_secret_bytes(self)
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
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
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
        encoding::from_bytes(bytes)
    }
}

impl Object for SecretKey {
    const OBJECT: ObjectType = ObjectType::SecretKey;
}

impl Encode for SecretKey {
    fn write_body(&self, out: &mut dyn Writer) {
        self.user.write(out);
        out.put_u8(self.tree_depth);
        out.put_u8(self.time_depth);
        write_attributes(out, &self.attributes);
        for n in &self.nodes {
            out.put_g2(&n.k_hat.0);
            out.put_g1(&n.k0.0);
            for k in &n.attrs {
                out.put_g1(&k.0);
            }
        }
    }
}

impl Decode for SecretKey {
    fn read_body(r: &mut Reader<'_>) -> Result<Self> {
        let user = UserId::read(r)?;
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
        let attributes = read_attributes(r)?;
        let n_nodes = usize::from(tree_depth) + 1;
        // 96 + 48 + 48|S| bytes per node (abe-v2.md §12), checked before allocating.
        if n_nodes.saturating_mul(144 + 48 * attributes.len()) > r.remaining() {
            return Err(r.err(DecodeErrorKind::Truncated).into());
        }
        let mut nodes = Vec::with_capacity(n_nodes);
        for _ in 0..n_nodes {
            let k_hat = SecretG2(r.g2()?);
            let k0 = SecretG1(r.g1()?);
            let mut attrs = Vec::with_capacity(attributes.len());
            for _ in 0..attributes.len() {
                attrs.push(SecretG1(r.g1()?));
            }
            nodes.push(SkNode { k_hat, k0, attrs });
        }
        Ok(SecretKey {
            user,
            tree_depth,
            time_depth,
            attributes,
            nodes,
        })
    }
}

/// Enrols a user: one `SK_θ` per path node, each with its own fresh `r_θ` (abe-v2.md §6).
/// `base(θ)` gives `g^α G_θ^{−1}` (authority) or `H_φ^{−1}` (delegator). Each attribute is
/// hashed to G1 once, not once per node.
pub(crate) fn enrol_path(
    pp: &PublicParams,
    user: UserId,
    tree_depth: u8,
    attributes: &AttributeSet,
    mut base: impl FnMut(TreeNode) -> G1Projective,
    rng: &mut impl CryptoRngCore,
) -> SecretKey {
    let points = attribute_points(attributes);
    let nodes = path(tree_depth, user.leaf)
        .into_iter()
        .map(|theta| {
            let r = SecretScalar::random(&mut *rng);
            sk_node(pp, base(theta), &points, &r)
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
