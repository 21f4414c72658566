//! The attribute authority: setup (scheme.md §2), level-1 enrolment and key updates (§6).

use alloc::vec::Vec;

use rand_core::CryptoRngCore;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::components::{time_comps, KeyBody, Pair};
use super::key_update::{KeyUpdate, UpdateEntry};
use super::params::{Base1, Base2, PublicParams};
use super::secret_key::{enrol_path, SecretKey};
use super::time_tree;
use super::user_tree::{IssuerId, IssuerTree, UserId};
use crate::encoding::{self, Decode, Encode, Object, ObjectType, Reader, Writer};
use crate::error::{Error, Result};
use crate::policy::AttributeSet;
use crate::secret::{SecretG1, SecretG2, SecretScalar};

/// Sizes chosen at setup.
///
/// ```
/// use rs_habe::SetupParams;
/// let p = SetupParams::default();
/// assert_eq!((p.time_depth, p.tree_depth), (20, 20)); // 2^20 periods, 2^20 users
/// let small = SetupParams::new(12, 16); // 2^12 periods, 2^16 users
/// assert_eq!((small.time_depth, small.tree_depth), (12, 16));
/// ```
///
/// The struct is `#[non_exhaustive]` (a later version may add a size), so outside this crate it
/// is built with [`new`](Self::new) or [`default`](Self::default), not with a struct literal;
/// its fields stay readable and writable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SetupParams {
    /// Depth `D_t` of the time tree, 1..=32: there are `2^D_t` periods (a period's length — a
    /// day is typical — is the application's choice). Default 20.
    pub time_depth: u8,
    /// Depth of the authority's user tree, 1..=32: at most `2^depth` users. Default 20.
    pub tree_depth: u8,
}

impl SetupParams {
    /// Sizes for a time tree of depth `time_depth` (`2^time_depth` periods) and a user tree of
    /// depth `tree_depth` (at most `2^tree_depth` users). Nothing is checked here:
    /// [`Authority::setup`] refuses depths outside `1..=32` with
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter).
    ///
    /// ```
    /// use rs_habe::{Authority, Error, Parameter, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let authority = Authority::setup(&mut rng, SetupParams::new(8, 4))?;
    /// assert_eq!(authority.public_params().time_depth(), 8);
    /// assert!(matches!(
    ///     Authority::setup(&mut rng, SetupParams::new(0, 4)),
    ///     Err(Error::InvalidParameter(Parameter::TimeDepth))
    /// ));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub const fn new(time_depth: u8, tree_depth: u8) -> Self {
        SetupParams {
            time_depth,
            tree_depth,
        }
    }
}

impl Default for SetupParams {
    fn default() -> Self {
        SetupParams {
            time_depth: 20,
            tree_depth: 20,
        }
    }
}

/// The trusted attribute authority: holds the master secret `g^α` (abe-v2.md §2), enrols users with attribute
/// sets, revokes them, and publishes a [`KeyUpdate`] each period.
///
/// Its state (master secret, tree seed, enrolments, revocations) is secret: persist it with
/// [`to_bytes`](Self::to_bytes) so a restart does not lose who was enrolled or revoked.
///
/// ```
/// use rs_habe::{Authority, AttributeSet, SetupParams};
/// let mut rng = rand::thread_rng();
/// let mut authority = Authority::setup(&mut rng, SetupParams::new(8, 4))?;
/// let alice = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "cardiology"])?)?;
/// let update = authority.key_update(&mut rng, 3)?;
/// let dk = alice.decryption_key(&update)?;
/// assert_eq!(dk.period(), 3);
///
/// authority.revoke(&alice.user_id(), 4)?;
/// let update = authority.key_update(&mut rng, 4)?;
/// assert!(matches!(alice.decryption_key(&update), Err(rs_habe::Error::Revoked)));
/// # Ok::<(), rs_habe::Error>(())
/// ```
pub struct Authority {
    pub(crate) pp: PublicParams,
    /// `g^α ∈ G1` (abe-v2.md §2).
    pub(crate) msk: SecretG1,
    pub(crate) tree: IssuerTree,
}

impl Drop for Authority {
    fn drop(&mut self) {
        self.msk.zeroize();
    }
}

impl ZeroizeOnDrop for Authority {}

impl core::fmt::Debug for Authority {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Authority")
            .field("id", &self.tree.id)
            .field("time_depth", &self.pp.time_depth)
            .field("tree_depth", &self.tree.depth)
            .field("enrolled", &self.tree.next_leaf)
            .field("revoked", &self.tree.revoked.len())
            .field("secrets", &"[redacted]")
            .finish()
    }
}

impl Authority {
    /// Runs `Setup(D_t, D_A)` (scheme.md §2).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] if a depth is outside 1..=32.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, Error, Parameter, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// // 2^4 periods and room for 2^3 users: small enough for a test.
    /// let authority = Authority::setup(&mut rng, SetupParams::new(4, 3))?;
    /// assert_eq!(authority.public_params().periods(), 16);
    /// assert_eq!(authority.enrolled_count(), 0);
    ///
    /// let bad = SetupParams::new(0, 3);
    /// let err = Authority::setup(&mut rng, bad).unwrap_err();
    /// assert_eq!(err, Error::InvalidParameter(Parameter::TimeDepth));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn setup(rng: &mut impl CryptoRngCore, params: SetupParams) -> Result<Self> {
        let tree = IssuerTree::new(params.tree_depth, rng)?;
        let (pp, msk) = PublicParams::generate(params.time_depth, rng)?;
        Ok(Authority {
            pp,
            msk: SecretG1::from(msk),
            tree,
        })
    }

    /// The public parameters, to publish.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Header, Policy, PublicParams, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// // Published once; anyone encrypts with them, no secret involved.
    /// let published = authority.public_params().to_bytes();
    /// let pp = PublicParams::from_bytes(&published)?;
    /// let (header, key) = Header::encapsulate(&mut rng, &pp, &Policy::parse("nurse")?, 1)?;
    ///
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// assert_eq!(*dk.decapsulate(&header)?, *key);
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn public_params(&self) -> &PublicParams {
        &self.pp
    }

    /// The authority's issuer id (carried by its secret keys and key updates).
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let sk = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let update = authority.key_update(&mut rng, 0)?;
    /// // Keys and updates name their issuer, so a user can pick the right update.
    /// assert_eq!(sk.user_id().issuer, authority.issuer_id());
    /// assert_eq!(update.issuer_id(), authority.issuer_id());
    /// // The id is part of the persisted state.
    /// assert_eq!(Authority::from_bytes(&authority.to_bytes())?.issuer_id(), authority.issuer_id());
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn issuer_id(&self) -> IssuerId {
        self.tree.id
    }

    /// How many users were enrolled so far, revoked ones included (leaves are never reused).
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// assert_eq!(authority.enrolled_count(), 0);
    /// let staff = AttributeSet::new(["nurse"])?;
    /// let first = authority.enrol(&mut rng, &staff)?;
    /// let _second = authority.enrol(&mut rng, &staff)?;
    /// authority.revoke(&first.user_id(), 0)?;
    /// assert_eq!(authority.enrolled_count(), 2); // leaves are never reused
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn enrolled_count(&self) -> u64 {
        self.tree.next_leaf
    }

    /// The state counter, which grows with every enrolment and revocation (see
    /// [`KeyUpdate::counter`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// assert_eq!(authority.counter(), 0);
    /// let sk = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// authority.revoke(&sk.user_id(), 3)?;
    /// assert_eq!(authority.counter(), 2); // one enrolment, one revocation
    /// // Publishing an update changes nothing; the update carries the counter.
    /// let update = authority.key_update(&mut rng, 3)?;
    /// assert_eq!((authority.counter(), update.counter()), (2, 2));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn counter(&self) -> u64 {
        self.tree.counter
    }

    /// Enrols a user with an attribute set at the next free leaf (scheme.md §6, level 1).
    ///
    /// # Errors
    /// [`Error::InvalidAttributeSet`] for an empty set, [`Error::TreeFull`] when every leaf is
    /// used.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Error, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// // A user tree of depth 1 has room for two users.
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 1))?;
    /// let alice = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "cardiology"])?)?;
    /// assert_eq!(alice.attributes(), &AttributeSet::new(["cardiology", "doctor"])?);
    /// assert_eq!(alice.user_id().leaf, 0);
    ///
    /// let nobody = AttributeSet::default();
    /// assert!(matches!(authority.enrol(&mut rng, &nobody), Err(Error::InvalidAttributeSet)));
    /// let nurse = AttributeSet::new(["nurse"])?;
    /// let _bob = authority.enrol(&mut rng, &nurse)?;
    /// assert!(matches!(authority.enrol(&mut rng, &nurse), Err(Error::TreeFull)));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn enrol(
        &mut self,
        rng: &mut impl CryptoRngCore,
        attributes: &AttributeSet,
    ) -> Result<SecretKey> {
        if attributes.is_empty() {
            return Err(Error::InvalidAttributeSet);
        }
        let leaf = self.tree.allocate_leaf()?;
        let user = UserId {
            issuer: self.tree.id,
            leaf,
        };
        let msk = self.msk.proj();
        let tree = &self.tree;
        // SK_θ.K0 = g^α · G_θ^{−1} · H₀^{r_θ}, r_θ fresh per θ.
        Ok(enrol_path(
            &self.pp,
            user,
            tree.depth,
            attributes,
            |theta| msk - tree.node_secret(theta).0,
            rng,
        ))
    }

    /// Revokes a user from `period` on: its keys stop working on headers of that period and later
    /// (freshly encrypted or updated by the cloud). Revoking again with an earlier period moves
    /// the revocation earlier, with a later one changes nothing; revocation cannot be undone
    /// (enrol the user again instead).
    ///
    /// # Errors
    /// [`Error::IssuerMismatch`] for a user of another issuer, [`Error::UnknownUser`] for a leaf
    /// never enrolled, [`Error::PeriodOutOfRange`].
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Error, SetupParams, UserId};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let bob = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// authority.revoke(&bob.user_id(), 6)?;
    /// // Bob still gets keys up to period 5; from period 6 on the updates leave him out.
    /// assert!(bob.decryption_key(&authority.key_update(&mut rng, 5)?).is_ok());
    /// let update = authority.key_update(&mut rng, 6)?;
    /// assert!(matches!(bob.decryption_key(&update), Err(Error::Revoked)));
    ///
    /// // Revoking again can only move the revocation earlier.
    /// authority.revoke(&bob.user_id(), 9)?;
    /// assert!(authority.is_revoked(&bob.user_id(), 6));
    /// authority.revoke(&bob.user_id(), 2)?;
    /// assert!(authority.is_revoked(&bob.user_id(), 2));
    ///
    /// let never_enrolled = UserId { issuer: authority.issuer_id(), leaf: 3 };
    /// assert!(matches!(authority.revoke(&never_enrolled, 6), Err(Error::UnknownUser)));
    /// assert!(matches!(authority.revoke(&bob.user_id(), 16), Err(Error::PeriodOutOfRange)));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn revoke(&mut self, user: &UserId, period: u64) -> Result<()> {
        self.tree.revoke_user(user, period, self.pp.time_depth)
    }

    /// Whether `user` is revoked at `period`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let bob = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// assert!(!authority.is_revoked(&bob.user_id(), 0));
    /// authority.revoke(&bob.user_id(), 6)?;
    /// assert!(!authority.is_revoked(&bob.user_id(), 5));
    /// assert!(authority.is_revoked(&bob.user_id(), 6));
    /// assert!(authority.is_revoked(&bob.user_id(), 15));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn is_revoked(&self, user: &UserId, period: u64) -> bool {
        self.tree.is_user_revoked(user, period)
    }

    /// The public key update for `period` (abe-v2.md §6): for every `θ ∈ KUNodes(T)`, with fresh
    /// `R`, `KU_θ = { K0 = G_θ w_T^R ∈ G1, K1T = ĝ^R, {TimeComp(Prefix(T, k), R)}_{k=0..D_t} }`.
    ///
    /// # Errors
    /// [`Error::PeriodOutOfRange`].
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Error, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let alice = authority.enrol(&mut rng, &AttributeSet::new(["doctor"])?)?;
    /// let bob = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    ///
    /// let update = authority.key_update(&mut rng, 7)?;
    /// assert_eq!((update.period(), update.issuer_id()), (7, authority.issuer_id()));
    /// assert_eq!(update.entry_count(), 1); // nobody revoked: the root covers every user
    ///
    /// authority.revoke(&bob.user_id(), 7)?;
    /// let update = authority.key_update(&mut rng, 7)?;
    /// assert_eq!(alice.decryption_key(&update)?.period(), 7);
    /// assert!(matches!(bob.decryption_key(&update), Err(Error::Revoked)));
    /// assert!(matches!(authority.key_update(&mut rng, 16), Err(Error::PeriodOutOfRange)));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn key_update(&self, rng: &mut impl CryptoRngCore, period: u64) -> Result<KeyUpdate> {
        time_tree::check_period(self.pp.time_depth, period)?;
        let entries = self
            .tree
            .ku_nodes(period)
            .into_iter()
            .map(|theta| {
                let big_r = SecretScalar::random(&mut *rng);
                let k0 = self.tree.node_secret(theta).proj() + self.pp.mul_g1(Base1::WT, &big_r);
                let k1t = self.pp.mul_g2(Base2::G, &big_r);
                let mut time = Vec::with_capacity(usize::from(self.pp.time_depth) + 1);
                time_comps(&self.pp, period, &big_r, rng, |_, c| {
                    time.push(Pair::from_proj(c))
                });
                let body = KeyBody {
                    k_hat: SecretG2::default(),
                    k0: SecretG1::from(k0),
                    attrs: Vec::new(),
                    k1t: SecretG2::from(k1t),
                    time,
                };
                UpdateEntry { node: theta, body }
            })
            .collect();
        Ok(KeyUpdate {
            issuer: self.tree.id,
            time_depth: self.pp.time_depth,
            tree_depth: self.tree.depth,
            period,
            counter: self.tree.counter,
            delegated: None,
            entries,
        })
    }

    /// The authority's whole state — public parameters, master secret, tree seed, enrolments and
    /// revocations — as bytes (secret: zeroized when dropped). Store it atomically.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// authority.revoke(&nurse.user_id(), 5)?;
    /// let state = authority.to_bytes(); // secret: keep it in protected storage
    /// drop(authority);
    ///
    /// let restored = Authority::from_bytes(&state)?;
    /// assert_eq!(restored.enrolled_count(), 1);
    /// assert!(restored.is_revoked(&nurse.user_id(), 5));
    /// // Keys issued before the restart work with the restored authority's updates.
    /// assert_eq!(nurse.decryption_key(&restored.key_update(&mut rng, 4)?)?.period(), 4);
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
    /// use rs_habe::{Authority, DecodeErrorKind, Error, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let state = authority.to_bytes();
    /// assert_eq!(Authority::from_bytes(&state)?.counter(), authority.counter());
    ///
    /// // A torn write is refused, not half loaded.
    /// match Authority::from_bytes(&state[..state.len() - 1]) {
    ///     Err(Error::Decode(e)) => assert_eq!(e.kind, DecodeErrorKind::Truncated),
    ///     other => panic!("{other:?}"),
    /// }
    /// // So are the public parameters alone: another object type.
    /// match Authority::from_bytes(&authority.public_params().to_bytes()) {
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

impl Object for Authority {
    const OBJECT: ObjectType = ObjectType::AuthorityState;
}

impl Encode for Authority {
    /// The public parameters as a length-prefixed sub-encoding, the master secret, the tree.
    fn write_body(&self, out: &mut dyn Writer) {
        encoding::write_nested(out, &self.pp);
        out.put_g1(&self.msk.0);
        self.tree.write(out);
    }
}

impl Decode for Authority {
    fn read_body(r: &mut Reader<'_>) -> Result<Self> {
        let pp_len = r.count(1 << 16, 1)?;
        let pp_start = r.offset();
        let pp = PublicParams::read_embedded(r)?;
        if r.offset() - pp_start != pp_len {
            return Err(r
                .err_at(crate::error::DecodeErrorKind::InvalidValue, pp_start)
                .into());
        }
        let at = r.offset();
        let msk = SecretG1(r.g1()?);
        // The master secret must be g^α for the α of Ω̂₁ = ĝ^α: a state whose two halves come
        // from different setups would issue keys that open nothing.
        if !pp.matches_master_secret(&msk.0) {
            return Err(r
                .err_at(crate::error::DecodeErrorKind::InconsistentParams, at)
                .into());
        }
        let tree = IssuerTree::read(r, pp.time_depth)?;
        Ok(Authority { pp, msk, tree })
    }
}
