//! Delegation (scheme.md §6, level ≥ 2): any user holding a decryption key can issue keys for
//! subsets of its attributes to children, and publish their key updates.
//!
//! - Child enrolment at leaf `ℓ` of the delegator's tree: for every `φ ∈ Path(ℓ)`, with fresh
//!   `r_φ`, `SK_φ = { K̂ = ĝ^{r_φ}, K0 = H_φ^{−1} H₀^{r_φ}, K_τ = H(τ)^{r_φ} for τ ∈ S_c }`
//!   (abe-v2.md §6; `H_φ = g^{γ_φ} ∈ G1`).
//! - Child key update for `T`: for every `φ ∈ KUNodes_P(T)`, the delegator's own `DK_{S_P,T}`,
//!   restricted to `S_KU` and independently re-randomised per `φ` and per period, with `K0`
//!   multiplied by `H_φ`.
//!
//! Choice of `S_KU`: this crate always uses the delegator's declared attribute set (fixed when the
//! [`Delegator`] is created, and a superset of every child's set because enrolment checks it),
//! never anything narrower. The design allows the union of the children's sets instead; that
//! would hide the delegator's other attributes from the public update but make an update
//! depend on who is enrolled under each node. With `S_c ⊆ S_KU` a child opens exactly the
//! policies `S_c` satisfies.
//!
//! A delegator revoked by its own issuer at `T` gets no `DK` for `T`, so it cannot make its
//! children's updates: revocation cascades down the whole subtree.

use alloc::vec::Vec;

use blstrs::G1Projective;
use rand_core::CryptoRngCore;
use zeroize::{Zeroize, Zeroizing};

use super::components::{attribute_points, read_attributes, write_attributes};
use super::decryption_key::DecryptionKey;
use super::key_update::{KeyUpdate, UpdateEntry};
use super::params::PublicParams;
use super::secret_key::{enrol_path, SecretKey};
use super::time_tree::MAX_TIME_DEPTH;
use super::user_tree::{IssuerId, IssuerTree, UserId};
use crate::encoding::{self, Decode, Encode, Object, ObjectType, Reader, Writer};
use crate::error::{DecodeErrorKind, Error, Result};
use crate::policy::AttributeSet;
use crate::secret::SecretG1;

/// A user acting as an issuer for children (a hospital for its departments, a department head
/// for staff): enrols children with subsets of its attributes, revokes them, and publishes
/// their key updates, derived each period from its own [`DecryptionKey`].
///
/// Its state (tree seed, enrolments, revocations) is secret: persist it with
/// [`to_bytes`](Self::to_bytes).
///
/// ```
/// use rs_habe::{Authority, AttributeSet, Delegator, SetupParams};
/// let mut rng = rand::thread_rng();
/// let mut authority = Authority::setup(&mut rng, SetupParams::new(8, 4))?;
/// let pp = authority.public_params().clone();
/// let head = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "cardiology"])?)?;
/// let head_dk = head.decryption_key(&authority.key_update(&mut rng, 5)?)?;
///
/// let mut department = Delegator::new(&mut rng, &head_dk, 4)?;
/// let staff = department.enrol(&mut rng, &pp, &AttributeSet::new(["doctor"])?)?;
/// let update = department.key_update(&mut rng, &pp, &head_dk)?;
/// let staff_dk = staff.decryption_key(&update)?;
/// assert_eq!(staff_dk.period(), 5);
/// # Ok::<(), rs_habe::Error>(())
/// ```
pub struct Delegator {
    pub(crate) holder: UserId,
    pub(crate) time_depth: u8,
    pub(crate) attributes: AttributeSet,
    pub(crate) tree: IssuerTree,
}

impl core::fmt::Debug for Delegator {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Delegator")
            .field("id", &self.tree.id)
            .field("holder", &self.holder)
            .field("attributes", &self.attributes)
            .field("enrolled", &self.tree.next_leaf)
            .field("revoked", &self.tree.revoked.len())
            .field("secrets", &"[redacted]")
            .finish()
    }
}

impl Delegator {
    /// Makes the holder of `dk` an issuer with its own user tree of depth `tree_depth`
    /// (1..=32; 10 is a good default: 1024 children). The delegator's attribute set is `dk`'s.
    ///
    /// A delegator is made once, not per period: `dk` only names the holder, its attributes and
    /// the time depth. Each period, [`key_update`](Self::key_update) takes that period's
    /// decryption key of the holder, and the children's update is for the same period.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a depth outside 1..=32.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Delegator, Error, Parameter, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let head = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "cardiology"])?)?;
    /// let head_dk = head.decryption_key(&authority.key_update(&mut rng, 5)?)?;
    ///
    /// let department = Delegator::new(&mut rng, &head_dk, 3)?; // room for 8 staff
    /// assert_eq!(department.user_id(), head.user_id());
    /// assert_eq!(department.attributes(), head_dk.attributes());
    /// assert!(matches!(
    ///     Delegator::new(&mut rng, &head_dk, 0),
    ///     Err(Error::InvalidParameter(Parameter::TreeDepth))
    /// ));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn new(rng: &mut impl CryptoRngCore, dk: &DecryptionKey, tree_depth: u8) -> Result<Self> {
        let tree = IssuerTree::new(tree_depth, rng)?;
        Ok(Delegator {
            holder: dk.holder,
            time_depth: dk.time_depth,
            attributes: dk.attributes.clone(),
            tree,
        })
    }

    /// This delegator's issuer id (carried by its children's keys and its updates).
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, Delegator, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let params = SetupParams::new(4, 2);
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// # let pp = authority.public_params().clone();
    /// # let head = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "cardiology"])?)?;
    /// let head_dk = head.decryption_key(&authority.key_update(&mut rng, 5)?)?;
    /// let mut department = Delegator::new(&mut rng, &head_dk, 3)?;
    /// assert_ne!(department.issuer_id(), authority.issuer_id()); // a new issuer
    /// let staff = department.enrol(&mut rng, &pp, &AttributeSet::new(["doctor"])?)?;
    /// assert_eq!(staff.user_id().issuer, department.issuer_id());
    /// assert_eq!(department.key_update(&mut rng, &pp, &head_dk)?.issuer_id(), department.issuer_id());
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn issuer_id(&self) -> IssuerId {
        self.tree.id
    }

    /// The user this delegator acts for.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, Delegator, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let params = SetupParams::new(4, 2);
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// let head = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "cardiology"])?)?;
    /// let head_dk = head.decryption_key(&authority.key_update(&mut rng, 5)?)?;
    /// let department = Delegator::new(&mut rng, &head_dk, 3)?;
    /// assert_eq!(department.user_id(), head.user_id());
    /// // The delegator's own issuer revokes it by this id, and with it all its children.
    /// authority.revoke(&department.user_id(), 6)?;
    /// assert!(authority.is_revoked(&head.user_id(), 6));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn user_id(&self) -> UserId {
        self.holder
    }

    /// The attribute set children may be given subsets of.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, Delegator, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let params = SetupParams::new(4, 2);
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// # let pp = authority.public_params().clone();
    /// let head = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "cardiology"])?)?;
    /// let head_dk = head.decryption_key(&authority.key_update(&mut rng, 5)?)?;
    /// let mut department = Delegator::new(&mut rng, &head_dk, 3)?;
    /// assert_eq!(department.attributes(), &AttributeSet::new(["cardiology", "doctor"])?);
    /// // Children get subsets of it, nothing more.
    /// let wanted = AttributeSet::new(["doctor", "surgery"])?;
    /// assert!(!wanted.is_subset(department.attributes()));
    /// assert!(department.enrol(&mut rng, &pp, &wanted).is_err());
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn attributes(&self) -> &AttributeSet {
        &self.attributes
    }

    /// The state counter (see [`KeyUpdate::counter`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, Delegator, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let params = SetupParams::new(4, 2);
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// # let pp = authority.public_params().clone();
    /// # let head = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "cardiology"])?)?;
    /// let head_dk = head.decryption_key(&authority.key_update(&mut rng, 5)?)?;
    /// let mut department = Delegator::new(&mut rng, &head_dk, 3)?;
    /// assert_eq!(department.counter(), 0);
    /// let staff = department.enrol(&mut rng, &pp, &AttributeSet::new(["doctor"])?)?;
    /// department.revoke(&staff.user_id(), 6)?;
    /// assert_eq!(department.counter(), 2); // one enrolment, one revocation
    /// assert_eq!(department.key_update(&mut rng, &pp, &head_dk)?.counter(), 2);
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn counter(&self) -> u64 {
        self.tree.counter
    }

    /// Enrols a child with `attributes ⊆` this delegator's set. No master secret is involved.
    ///
    /// # Errors
    /// [`Error::NotASubset`] naming the attributes the delegator lacks;
    /// [`Error::InvalidAttributeSet`] for an empty set; [`Error::TreeFull`];
    /// [`Error::ParamsMismatch`] if `pp` has another time depth.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::policy::Attribute;
    /// use rs_habe::{Authority, AttributeSet, Delegator, Error, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let params = SetupParams::new(4, 2);
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// let pp = authority.public_params().clone();
    /// let head = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "cardiology"])?)?;
    /// let head_dk = head.decryption_key(&authority.key_update(&mut rng, 5)?)?;
    /// let mut department = Delegator::new(&mut rng, &head_dk, 3)?;
    ///
    /// let staff = department.enrol(&mut rng, &pp, &AttributeSet::new(["doctor"])?)?;
    /// assert_eq!(staff.user_id().issuer, department.issuer_id());
    /// // Only attributes the delegator holds can be passed on; the error names the others.
    /// let err = department
    ///     .enrol(&mut rng, &pp, &AttributeSet::new(["doctor", "surgery"])?)
    ///     .unwrap_err();
    /// assert_eq!(err, Error::NotASubset(vec![Attribute::new("surgery")?]));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn enrol(
        &mut self,
        rng: &mut impl CryptoRngCore,
        pp: &PublicParams,
        attributes: &AttributeSet,
    ) -> Result<SecretKey> {
        if pp.time_depth != self.time_depth {
            return Err(Error::ParamsMismatch);
        }
        if attributes.is_empty() {
            return Err(Error::InvalidAttributeSet);
        }
        if !attributes.is_subset(&self.attributes) {
            return Err(Error::NotASubset(attributes.difference(&self.attributes)));
        }
        let leaf = self.tree.allocate_leaf()?;
        let user = UserId {
            issuer: self.tree.id,
            leaf,
        };
        let tree = &self.tree;
        // SK_φ.K0 = H_φ^{−1} · H₀^{r_φ}, r_φ fresh per φ.
        Ok(enrol_path(
            pp,
            user,
            tree.depth,
            attributes,
            |phi| -tree.node_secret(phi).proj(),
            rng,
        ))
    }

    /// Revokes a child from `period` on (and with it the child's own subtree).
    ///
    /// # Errors
    /// [`Error::IssuerMismatch`], [`Error::UnknownUser`], [`Error::PeriodOutOfRange`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, Delegator, Error, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let params = SetupParams::new(4, 2);
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// # let pp = authority.public_params().clone();
    /// let head = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "cardiology"])?)?;
    /// let head_dk = head.decryption_key(&authority.key_update(&mut rng, 5)?)?;
    /// let mut department = Delegator::new(&mut rng, &head_dk, 3)?;
    /// let staff = department.enrol(&mut rng, &pp, &AttributeSet::new(["doctor"])?)?;
    ///
    /// department.revoke(&staff.user_id(), 5)?;
    /// let update = department.key_update(&mut rng, &pp, &head_dk)?; // for period 5
    /// assert!(matches!(staff.decryption_key(&update), Err(Error::Revoked)));
    /// // Only the delegator's own children can be revoked here.
    /// assert!(matches!(department.revoke(&head.user_id(), 5), Err(Error::IssuerMismatch)));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn revoke(&mut self, user: &UserId, period: u64) -> Result<()> {
        self.tree.revoke_user(user, period, self.time_depth)
    }

    /// Whether a child is revoked at `period`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, Delegator, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let params = SetupParams::new(4, 2);
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// # let pp = authority.public_params().clone();
    /// # let head = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "cardiology"])?)?;
    /// # let head_dk = head.decryption_key(&authority.key_update(&mut rng, 5)?)?;
    /// let mut department = Delegator::new(&mut rng, &head_dk, 3)?;
    /// let staff = department.enrol(&mut rng, &pp, &AttributeSet::new(["doctor"])?)?;
    /// department.revoke(&staff.user_id(), 8)?;
    /// assert!(!department.is_revoked(&staff.user_id(), 7));
    /// assert!(department.is_revoked(&staff.user_id(), 8));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn is_revoked(&self, user: &UserId, period: u64) -> bool {
        self.tree.is_user_revoked(user, period)
    }

    /// The children's key update for `dk`'s period, derived from the delegator's own decryption
    /// key for that period (scheme.md §6): one independently re-randomised copy of `dk` per node
    /// of `KUNodes(T)` — never shared randomness between entries or periods.
    ///
    /// # Errors
    /// [`Error::IssuerMismatch`] if `dk` is not this delegator's holder's key;
    /// [`Error::NotASubset`] if `dk` lacks some of the delegator's attributes (a restricted key);
    /// [`Error::ParamsMismatch`].
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Delegator, Error, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let params = SetupParams::new(4, 2);
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// # let pp = authority.public_params().clone();
    /// let head = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "cardiology"])?)?;
    /// let head_dk = head.decryption_key(&authority.key_update(&mut rng, 5)?)?;
    /// let mut department = Delegator::new(&mut rng, &head_dk, 3)?;
    /// let staff = department.enrol(&mut rng, &pp, &AttributeSet::new(["doctor"])?)?;
    ///
    /// // Each period: derive the delegator's own key, then the children's update from it.
    /// let update = department.key_update(&mut rng, &pp, &head_dk)?;
    /// assert_eq!(update.period(), head_dk.period());
    /// assert_eq!(update.attributes(), Some(department.attributes()));
    /// assert_eq!(staff.decryption_key(&update)?.period(), 5);
    ///
    /// // It takes the delegator's full key: a restricted one lacks attributes.
    /// let device = head_dk.restrict(&mut rng, &pp, &AttributeSet::new(["doctor"])?)?;
    /// assert!(matches!(department.key_update(&mut rng, &pp, &device), Err(Error::NotASubset(_))));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn key_update(
        &self,
        rng: &mut impl CryptoRngCore,
        pp: &PublicParams,
        dk: &DecryptionKey,
    ) -> Result<KeyUpdate> {
        if dk.holder != self.holder {
            return Err(Error::IssuerMismatch);
        }
        if pp.time_depth != self.time_depth || dk.time_depth != self.time_depth {
            return Err(Error::ParamsMismatch);
        }
        if !self.attributes.is_subset(&dk.attributes) {
            return Err(Error::NotASubset(
                self.attributes.difference(&dk.attributes),
            ));
        }
        // DK restricted to S_KU = the delegator's set (scheme.md §6).
        let mut base = dk.body.clone();
        base.keep_attributes(&dk.attributes, &self.attributes);
        // H(τ) of S_KU, hashed once for all entries.
        let points = attribute_points(&self.attributes);
        let entries = self
            .tree
            .ku_nodes(dk.period)
            .into_iter()
            .map(|phi| {
                let mut body = base.clone();
                body.rerandomize(pp, &points, dk.period, rng);
                let h_phi = self.tree.node_secret(phi);
                body.k0 = SecretG1::from(body.k0.proj() + G1Projective::from(h_phi.0));
                UpdateEntry { node: phi, body }
            })
            .collect();
        base.zeroize();
        Ok(KeyUpdate {
            issuer: self.tree.id,
            time_depth: self.time_depth,
            tree_depth: self.tree.depth,
            period: dk.period,
            counter: self.tree.counter,
            delegated: Some(self.attributes.clone()),
            entries,
        })
    }

    /// The delegator's state as bytes (secret: zeroized when dropped). Store it atomically.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, Delegator, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let params = SetupParams::new(4, 2);
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// # let pp = authority.public_params().clone();
    /// # let head = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "cardiology"])?)?;
    /// let head_dk = head.decryption_key(&authority.key_update(&mut rng, 5)?)?;
    /// let mut department = Delegator::new(&mut rng, &head_dk, 3)?;
    /// let staff = department.enrol(&mut rng, &pp, &AttributeSet::new(["doctor"])?)?;
    /// let state = department.to_bytes(); // secret: store it atomically
    ///
    /// let restored = Delegator::from_bytes(&state)?;
    /// assert_eq!((restored.issuer_id(), restored.counter()), (department.issuer_id(), 1));
    /// // The restored delegator serves the children enrolled before the restart.
    /// let update = restored.key_update(&mut rng, &pp, &head_dk)?;
    /// assert!(staff.decryption_key(&update).is_ok());
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
    /// use rs_habe::{Authority, AttributeSet, DecodeErrorKind, Delegator, Error, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let params = SetupParams::new(4, 2);
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// let head = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "cardiology"])?)?;
    /// let head_dk = head.decryption_key(&authority.key_update(&mut rng, 5)?)?;
    /// let department = Delegator::new(&mut rng, &head_dk, 3)?;
    /// let state = department.to_bytes();
    /// assert_eq!(Delegator::from_bytes(&state)?.user_id(), head.user_id());
    ///
    /// // An authority's state is not a delegator's.
    /// match Delegator::from_bytes(&authority.to_bytes()) {
    ///     Err(Error::Decode(e)) => {
    ///         assert_eq!((e.kind, e.offset), (DecodeErrorKind::WrongObjectType, 5))
    ///     }
    ///     other => panic!("{other:?}"),
    /// }
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        encoding::from_bytes(bytes)
    }
}

impl Object for Delegator {
    const OBJECT: ObjectType = ObjectType::DelegatorState;
}

impl Encode for Delegator {
    fn write_body(&self, out: &mut dyn Writer) {
        self.holder.write(out);
        out.put_u8(self.time_depth);
        write_attributes(out, &self.attributes);
        self.tree.write(out);
    }
}

impl Decode for Delegator {
    fn read_body(r: &mut Reader<'_>) -> Result<Self> {
        let holder = UserId::read(r)?;
        let at = r.offset();
        let time_depth = r.u8()?;
        if time_depth == 0 || time_depth > MAX_TIME_DEPTH {
            return Err(r.err_at(DecodeErrorKind::InvalidValue, at).into());
        }
        let attributes = read_attributes(r)?;
        let tree = IssuerTree::read(r, time_depth)?;
        Ok(Delegator {
            holder,
            time_depth,
            attributes,
            tree,
        })
    }
}
