//! Key updates (scheme.md §6, abe-v2.md §6): what an issuer publishes each period.
//!
//! An update has one entry per node of the issuer's `KUNodes(T)`. An authority's entry is
//! `{K0 = G_θ w_T^R ∈ G1, K1T = ĝ^R, {TimeComp(Prefix(T, k), R)}_k}`; a delegator's entry is its
//! own `DK_{S_P,T}` restricted to `S_KU`, independently re-randomised for that node, with `K0`
//! multiplied by `H_φ`.
//! Updates are public.

use alloc::vec::Vec;

use super::components::{
    read_attributes, read_body, read_time_depth_and_period, write_attributes, KeyBody,
};
use super::user_tree::{IssuerId, TreeNode, MAX_TREE_DEPTH};
use crate::encoding::{self, Decode, Encode, Object, ObjectType, Reader, Writer};
use crate::error::{DecodeErrorKind, Result};
use crate::policy::AttributeSet;

/// The most entries a decoded key update may hold (the size of `KUNodes` is at most
/// `r · (D − log r)` for `r` revoked leaves; this bound allows well over a million revocations).
pub(crate) const MAX_UPDATE_ENTRIES: usize = 1 << 16;

/// One entry of a key update: the node it is for and its key material.
#[derive(Clone)]
pub(crate) struct UpdateEntry {
    pub(crate) node: TreeNode,
    /// For authority updates `K̂` is the identity and `attrs` is empty (no attribute part).
    pub(crate) body: KeyBody,
}

/// A key update for one period, published by an issuer (scheme.md §6). Public.
///
/// A user combines it with its [`SecretKey`](crate::SecretKey) into a
/// [`DecryptionKey`](crate::DecryptionKey) for [`period`](Self::period); a revoked user finds no
/// entry on its path. Updates made by a [`Delegator`](crate::Delegator) also carry the attribute
/// set `S_KU` their entries hold.
///
/// ```
/// use rs_habe::{Authority, AttributeSet, KeyUpdate, SetupParams};
/// let mut rng = rand::thread_rng();
/// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 3))?;
/// let a = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
/// authority.revoke(&a.user_id(), 1)?;
/// // Published (for instance by the cloud) and decoded by every user.
/// let update = KeyUpdate::from_bytes(&authority.key_update(&mut rng, 1)?.to_bytes())?;
/// assert_eq!(update.entry_count(), 3); // KUNodes after one revocation in a tree of depth 3
/// assert!(a.decryption_key(&update).is_err());
/// # Ok::<(), rs_habe::Error>(())
/// ```
#[derive(Clone)]
pub struct KeyUpdate {
    pub(crate) issuer: IssuerId,
    pub(crate) time_depth: u8,
    pub(crate) tree_depth: u8,
    pub(crate) period: u64,
    pub(crate) counter: u64,
    /// `None` for an authority update; `Some(S_KU)` for a delegated one.
    pub(crate) delegated: Option<AttributeSet>,
    pub(crate) entries: Vec<UpdateEntry>,
}

impl core::fmt::Debug for KeyUpdate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeyUpdate")
            .field("issuer", &self.issuer)
            .field("period", &self.period)
            .field("counter", &self.counter)
            .field("entries", &self.entries.len())
            .field("attributes", &self.delegated)
            .finish()
    }
}

impl KeyUpdate {
    /// The period this update is for.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let params = SetupParams::new(4, 2);
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let update = authority.key_update(&mut rng, 9)?;
    /// assert_eq!(update.period(), 9);
    /// assert_eq!(nurse.decryption_key(&update)?.period(), update.period());
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn period(&self) -> u64 {
        self.period
    }

    /// The issuer that published it.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let params = SetupParams::new(4, 2);
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let update = authority.key_update(&mut rng, 0)?;
    /// assert_eq!(update.issuer_id(), authority.issuer_id());
    /// // How a user picks, among published updates, the ones of its own issuer.
    /// assert_eq!(update.issuer_id(), nurse.user_id().issuer);
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn issuer_id(&self) -> IssuerId {
        self.issuer
    }

    /// The issuer's state counter when the update was made: it grows with every enrolment and
    /// revocation, so an update from a stale copy of the issuer's state has a smaller counter.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let params = SetupParams::new(4, 2);
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// let before = authority.key_update(&mut rng, 1)?;
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// authority.revoke(&nurse.user_id(), 3)?;
    /// let after = authority.key_update(&mut rng, 1)?;
    /// assert_eq!((before.counter(), after.counter()), (0, 2));
    /// assert_eq!(after.counter(), authority.counter());
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn counter(&self) -> u64 {
        self.counter
    }

    /// The number of entries (nodes of `KUNodes(T)`).
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// // A user tree of depth 2: four leaves.
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let staff = AttributeSet::new(["nurse"])?;
    /// let users = (0..4).map(|_| authority.enrol(&mut rng, &staff)).collect::<Result<Vec<_>, _>>()?;
    /// assert_eq!(authority.key_update(&mut rng, 0)?.entry_count(), 1); // the root covers everyone
    /// authority.revoke(&users[0].user_id(), 0)?;
    /// // The siblings along the revoked leaf's path: one subtree per level.
    /// assert_eq!(authority.key_update(&mut rng, 0)?.entry_count(), 2);
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn entry_count(&self) -> usize {
        self.entries.len()
    }

    /// The attribute set `S_KU` of a delegated update; `None` for an authority's update.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Delegator, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let head = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "cardiology"])?)?;
    /// let update = authority.key_update(&mut rng, 2)?;
    /// assert_eq!(update.attributes(), None); // an authority's update
    ///
    /// let head_dk = head.decryption_key(&update)?;
    /// let department = Delegator::new(&mut rng, &head_dk, 2)?;
    /// let delegated = department.key_update(&mut rng, authority.public_params(), &head_dk)?;
    /// assert_eq!(delegated.attributes(), Some(head_dk.attributes())); // the delegator's set, public
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn attributes(&self) -> Option<&AttributeSet> {
        self.delegated.as_ref()
    }

    /// The canonical encoding (scheme.md §12).
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, KeyUpdate, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// // Public: posted where every user fetches it.
    /// let published = authority.key_update(&mut rng, 3)?.to_bytes();
    /// let fetched = KeyUpdate::from_bytes(&published)?;
    /// assert_eq!(fetched.to_bytes(), published);
    /// assert_eq!(nurse.decryption_key(&fetched)?.period(), 3);
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        encoding::to_bytes(self)
    }

    /// Strict decoding of [`to_bytes`](Self::to_bytes): entries strictly sorted by node, each
    /// node inside the issuer's tree.
    ///
    /// # Errors
    /// [`Error::Decode`](crate::Error::Decode) with the offending kind and offset.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, DecodeErrorKind, Error, KeyUpdate, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let bytes = authority.key_update(&mut rng, 3)?.to_bytes();
    /// assert_eq!(KeyUpdate::from_bytes(&bytes)?.period(), 3);
    /// match KeyUpdate::from_bytes(&bytes[..bytes.len() - 1]) {
    ///     Err(Error::Decode(e)) => assert_eq!(e.kind, DecodeErrorKind::Truncated),
    ///     other => panic!("{other:?}"),
    /// }
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        encoding::from_bytes(bytes)
    }

    /// The entry for a node of `path`, if any (entries are sorted by node, so each lookup is a
    /// binary search; at most one node of a path is in `KUNodes`).
    pub(crate) fn entry_on_path(&self, path: &[TreeNode]) -> Option<&UpdateEntry> {
        path.iter().find_map(|n| {
            self.entries
                .binary_search_by(|e| e.node.cmp(n))
                .ok()
                .and_then(|i| self.entries.get(i))
        })
    }
}

impl Object for KeyUpdate {
    const OBJECT: ObjectType = ObjectType::KeyUpdate;
}

impl Encode for KeyUpdate {
    fn write_body(&self, out: &mut dyn Writer) {
        out.put_bytes(&self.issuer.0);
        out.put_u8(self.time_depth);
        out.put_u64(self.period);
        out.put_u8(self.tree_depth);
        out.put_u64(self.counter);
        match &self.delegated {
            None => out.put_u8(0),
            Some(attrs) => {
                out.put_u8(1);
                write_attributes(out, attrs);
            }
        }
        out.put_len(self.entries.len());
        for e in &self.entries {
            e.node.write(out);
            e.body.write(out, self.delegated.is_some());
        }
    }
}

impl Decode for KeyUpdate {
    fn read_body(r: &mut Reader<'_>) -> Result<Self> {
        let issuer = IssuerId(r.array()?);
        let (time_depth, period) = read_time_depth_and_period(r)?;
        let at = r.offset();
        let tree_depth = r.u8()?;
        if tree_depth == 0 || tree_depth > MAX_TREE_DEPTH {
            return Err(r.err_at(DecodeErrorKind::InvalidValue, at).into());
        }
        let counter = r.u64()?;
        let delegated = if r.bool()? {
            Some(read_attributes(r)?)
        } else {
            None
        };
        let n_attrs = delegated.as_ref().map_or(0, AttributeSet::len);
        // An entry's exact size: node (9), [K̂ (96),] K0 (48), [K_τ (48 each),] K1T and the
        // time pairs (96 each); the count is checked against it before anything is allocated.
        let attr_part = if delegated.is_some() {
            96 + 48 * n_attrs
        } else {
            0
        };
        let entry_len = 9 + 48 + attr_part + 96 * (1 + 2 * (usize::from(time_depth) + 1));
        let n = r.count(MAX_UPDATE_ENTRIES, entry_len)?;
        let mut entries = Vec::with_capacity(n);
        let mut last: Option<TreeNode> = None;
        for _ in 0..n {
            let at = r.offset();
            let node = TreeNode::read(r, tree_depth)?;
            if last.is_some_and(|l| l >= node) {
                return Err(r.err_at(DecodeErrorKind::InvalidValue, at).into());
            }
            last = Some(node);
            let body = read_body(r, n_attrs, time_depth, delegated.is_some())?;
            entries.push(UpdateEntry { node, body });
        }
        Ok(KeyUpdate {
            issuer,
            time_depth,
            tree_depth,
            period,
            counter,
            delegated,
            entries,
        })
    }
}

/// Remembers the newest issuer-state counter seen from each issuer, so that an update made by an
/// issuer restarted from a stale copy of its state — which would silently un-revoke users — is
/// refused. Users and the cloud's tooling keep one and persist it next to their keys.
///
/// The counter grows with every enrolment and revocation (never with a mere key update), so two
/// updates of the same state have equal counters and both pass; an issuer must persist its state
/// before publishing an update made from it.
///
/// ```
/// use rs_habe::{Authority, AttributeSet, Error, FreshnessGuard, SetupParams};
/// let mut rng = rand::thread_rng();
/// let mut authority = Authority::setup(&mut rng, SetupParams::new(6, 3))?;
/// let user = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
/// let stale_copy = authority.to_bytes();
/// authority.revoke(&user.user_id(), 2)?;
///
/// let mut guard = FreshnessGuard::default();
/// guard.check(&authority.key_update(&mut rng, 2)?)?;
/// // The authority crashes and restarts from the stale copy: the revocation is lost.
/// let restarted = Authority::from_bytes(&stale_copy)?;
/// let stale_update = restarted.key_update(&mut rng, 3)?;
/// assert_eq!(guard.check(&stale_update), Err(Error::StaleKeyUpdate));
/// # Ok::<(), rs_habe::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FreshnessGuard {
    seen: alloc::collections::BTreeMap<IssuerId, u64>,
}

impl FreshnessGuard {
    /// Accepts `update` if its counter is at least the newest seen from its issuer, and records
    /// it.
    ///
    /// # Errors
    /// [`Error::StaleKeyUpdate`](crate::Error::StaleKeyUpdate).
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Error, FreshnessGuard, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let before_revocation = authority.key_update(&mut rng, 2)?;
    /// authority.revoke(&nurse.user_id(), 2)?;
    /// let current = authority.key_update(&mut rng, 2)?;
    ///
    /// let mut guard = FreshnessGuard::default();
    /// guard.check(&current)?;
    /// guard.check(&current)?; // updates of the same state pass again
    /// // An update made before the revocation (replayed, or from a restored old backup) is refused.
    /// assert_eq!(guard.check(&before_revocation), Err(Error::StaleKeyUpdate));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn check(&mut self, update: &KeyUpdate) -> Result<()> {
        let newest = self.seen.entry(update.issuer).or_insert(update.counter);
        if update.counter < *newest {
            return Err(crate::Error::StaleKeyUpdate);
        }
        *newest = update.counter;
        Ok(())
    }

    /// The newest counter seen from `issuer`, or `None` if no update of it was checked yet.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, FreshnessGuard, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let mut guard = FreshnessGuard::default();
    /// assert_eq!(guard.newest(&authority.issuer_id()), None);
    /// authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// guard.check(&authority.key_update(&mut rng, 0)?)?;
    /// assert_eq!(guard.newest(&authority.issuer_id()), Some(1));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn newest(&self, issuer: &IssuerId) -> Option<u64> {
        self.seen.get(issuer).copied()
    }

    /// The encoding to persist (scheme.md §12 framing): prefix, the number of issuers (u32), then
    /// per issuer in ascending id order its id (16 bytes) and newest counter (u64). Save it
    /// atomically whenever [`check`](Self::check) accepted an update (`examples/persistence.rs`).
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Error, FreshnessGuard, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse"])?)?;
    /// let old = authority.key_update(&mut rng, 2)?;
    /// authority.revoke(&nurse.user_id(), 2)?;
    /// let mut guard = FreshnessGuard::default();
    /// guard.check(&authority.key_update(&mut rng, 2)?)?;
    /// let saved = guard.to_bytes();
    /// assert_eq!(saved.len(), 6 + 4 + 24);
    ///
    /// // After a restart the reloaded guard still refuses the stale update.
    /// let mut reloaded = FreshnessGuard::from_bytes(&saved)?;
    /// assert_eq!(reloaded.check(&old), Err(Error::StaleKeyUpdate));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        encoding::to_bytes(self)
    }

    /// Strictly decodes [`to_bytes`](Self::to_bytes): at most [`MAX_GUARDED_ISSUERS`] issuers
    /// (checked against the input's length before anything is allocated), ids strictly
    /// ascending, no trailing bytes.
    ///
    /// # Errors
    /// [`Error::Decode`](crate::Error::Decode) with the offending byte's offset.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{DecodeErrorKind, Error, FreshnessGuard};
    /// let empty = FreshnessGuard::default().to_bytes();
    /// assert_eq!(FreshnessGuard::from_bytes(&empty)?, FreshnessGuard::default());
    /// match FreshnessGuard::from_bytes(&empty[..8]) {
    ///     Err(Error::Decode(e)) => assert_eq!(e.kind, DecodeErrorKind::Truncated),
    ///     other => panic!("{other:?}"),
    /// }
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        encoding::from_bytes(bytes)
    }
}

impl Object for FreshnessGuard {
    const OBJECT: ObjectType = ObjectType::FreshnessGuard;
}

impl Encode for FreshnessGuard {
    fn write_body(&self, out: &mut dyn Writer) {
        out.put_len(self.seen.len());
        for (issuer, counter) in &self.seen {
            out.put_bytes(issuer.as_bytes());
            out.put_u64(*counter);
        }
    }
}

impl Decode for FreshnessGuard {
    fn read_body(r: &mut Reader<'_>) -> Result<Self> {
        let n = r.count(MAX_GUARDED_ISSUERS, GUARD_ENTRY_LEN)?;
        let mut seen = alloc::collections::BTreeMap::new();
        let mut previous: Option<IssuerId> = None;
        for _ in 0..n {
            let at = r.offset();
            let issuer = IssuerId(r.array()?);
            if previous.is_some_and(|p| p >= issuer) {
                return Err(r.err_at(DecodeErrorKind::InvalidValue, at).into());
            }
            previous = Some(issuer);
            seen.insert(issuer, r.u64()?);
        }
        Ok(FreshnessGuard { seen })
    }
}

pub use crate::limits::MAX_GUARDED_ISSUERS;

/// Encoded length of one issuer's entry in a [`FreshnessGuard`]: id (16) and counter (8).
const GUARD_ENTRY_LEN: usize = 16 + 8;
