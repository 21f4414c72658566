//! Decryption keys `DK_{S,T}` (scheme.md §5) and decryption (scheme.md §8 as replaced by
//! abe-v2.md §8). The split for outsourcing (§8a, [`DecryptionKey::outsource`]) is the one
//! method of the type kept elsewhere, in `outsource`, beside the halves it returns: that way
//! this file does not depend on the outsourcing types, and the two files form no cycle.

use alloc::boxed::Box;
use alloc::vec::Vec;

use blstrs::{G1Affine, G1Projective, G2Prepared};
use group::Group;
use once_cell::race::OnceBox;
use rand_core::CryptoRngCore;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::components::{
    attribute_points, read_attributes, read_body, read_time_depth_and_period, write_attributes,
    KeyBody,
};
use super::header::{kem_key, normalize, Header};
use super::params::PublicParams;
use super::time_tree::TimeNode;
use super::user_tree::UserId;
use crate::arith::mul_pubexp;
use crate::encoding::{self, Decode, Encode, Object, ObjectType, Reader, Writer};
use crate::error::{Error, Result};
use crate::gt::GtElem;
use crate::policy::AttributeSet;
use crate::secret::SecretG1;
use crate::SharedKey;

/// Miller-loop lines of a key's G2 elements, prepared once and kept with the key (abe-v2.md §8).
pub(crate) struct Lines {
    pub(crate) k_hat: G2Prepared,
    pub(crate) k1t: G2Prepared,
}

/// A decryption key `DK_{S,T}` (scheme.md §5): opens every header of a period `≤ T` whose policy
/// `S` satisfies.
///
/// Obtained from [`SecretKey::decryption_key`](crate::SecretKey::decryption_key) with the period's
/// [`KeyUpdate`](crate::KeyUpdate), or by [`restrict`](Self::restrict)ing another key. It keeps the
/// prepared Miller-loop lines of its G2 elements (built on first use), so decrypting many
/// headers costs one multi-pairing each.
///
/// ```
/// use rs_habe::{Authority, AttributeSet, Header, Policy, SetupParams};
/// let mut rng = rand::thread_rng();
/// let mut authority = Authority::setup(&mut rng, SetupParams::new(6, 3))?;
/// let pp = authority.public_params().clone();
/// let sk = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "cardiology", "on-call"])?)?;
/// let dk = sk.decryption_key(&authority.key_update(&mut rng, 10)?)?;
/// dk.prepare(); // optional: build every Miller-loop line now
///
/// // A key for period 10 opens headers of periods up to 10.
/// let (header, key) = Header::encapsulate(&mut rng, &pp, &Policy::parse("doctor and on-call")?, 7)?;
/// assert_eq!(*dk.decapsulate(&header)?, *key);
///
/// // A short-lived key for a device, with fewer attributes.
/// let device = dk.restrict(&mut rng, &pp, &AttributeSet::new(["doctor"])?)?;
/// assert!(device.decapsulate(&header).is_err());
/// # Ok::<(), rs_habe::Error>(())
/// ```
///
/// Secret: zeroized on drop, never printed, not `Clone` (re-derive it, or store it with
/// [`to_bytes`](Self::to_bytes)). The prepared lines cannot be wiped (README, Security).
///
/// # Period binding: guard a plain key like the secret key
///
/// A key made by [`SecretKey::decryption_key`](crate::SecretKey::decryption_key) is the secret
/// key's node component times the period's public key update, component by component. Its holder
/// can therefore divide out the public update of period `T` and multiply in the update of any
/// later period `T'`, getting a working key for `T'` for as long as the user is not revoked
/// (scheme.md §5, "period binding"): **a plain decryption key is as sensitive as the
/// [`SecretKey`](crate::SecretKey) itself until revocation.** Revocation still works (a revoked
/// user's node is in no later update), but expiry does not.
///
/// Whatever leaves the holder's hands must be re-randomised, and is then bound to its period:
/// [`restrict`](Self::restrict) (a device key) and [`outsource`](Self::outsource) (a transform key
/// for a server) draw fresh `δ`, `δ_T` and a fresh `q'` for every time component, so the
/// ratios of the key's time components reveal nothing that would rebuild a later period's
/// components. The regression tests in `src/abe/attack_tests.rs` mount the period-moving attack on
/// both: it succeeds on a plain key and on a variant sharing one `q'`, and fails on the
/// re-randomised keys.
pub struct DecryptionKey {
    pub(crate) holder: UserId,
    pub(crate) time_depth: u8,
    pub(crate) period: u64,
    pub(crate) attributes: AttributeSet,
    pub(crate) body: KeyBody,
    lines: OnceBox<Lines>,
    time_lines: Vec<OnceBox<[G2Prepared; 2]>>,
}

impl Drop for DecryptionKey {
    fn drop(&mut self) {
        self.body.zeroize();
    }
}

impl ZeroizeOnDrop for DecryptionKey {}

impl core::fmt::Debug for DecryptionKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DecryptionKey")
            .field("holder", &self.holder)
            .field("period", &self.period)
            .field("attributes", &self.attributes)
            .field("components", &"[redacted]")
            .finish()
    }
}

impl DecryptionKey {
    pub(crate) fn new(
        holder: UserId,
        time_depth: u8,
        period: u64,
        attributes: AttributeSet,
        body: KeyBody,
    ) -> Self {
        let time_lines = (0..=time_depth).map(|_| OnceBox::new()).collect();
        DecryptionKey {
            holder,
            time_depth,
            period,
            attributes,
            body,
            lines: OnceBox::new(),
            time_lines,
        }
    }

    /// The period `T` of this key: it opens headers of periods `≤ T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Error, Header, Policy, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let sk = authority.enrol(&mut rng, &AttributeSet::new(["doctor"])?)?;
    /// let dk = sk.decryption_key(&authority.key_update(&mut rng, 10)?)?;
    /// assert_eq!(dk.period(), 10);
    /// // It opens headers of period 10 and earlier, not later ones.
    /// let (pp, policy) = (authority.public_params(), Policy::parse("doctor")?);
    /// let (earlier, _) = Header::encapsulate(&mut rng, pp, &policy, 3)?;
    /// let (later, _) = Header::encapsulate(&mut rng, pp, &policy, 11)?;
    /// assert!(dk.decapsulate(&earlier).is_ok());
    /// assert!(matches!(dk.decapsulate(&later), Err(Error::PeriodNotCovered)));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn period(&self) -> u64 {
        self.period
    }

    /// The key's attributes.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, Policy, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let params = SetupParams::new(4, 2);
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// let sk = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "on-call"])?)?;
    /// let dk = sk.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// assert_eq!(dk.attributes(), sk.attributes());
    /// // Check a policy before paying for a pairing.
    /// assert!(Policy::parse("doctor and on-call")?.is_satisfied_by(dk.attributes()));
    /// assert!(!Policy::parse("doctor and surgery")?.is_satisfied_by(dk.attributes()));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn attributes(&self) -> &AttributeSet {
        &self.attributes
    }

    /// The user this key belongs to.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let params = SetupParams::new(4, 2);
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// let sk = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "on-call"])?)?;
    /// let dk = sk.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// assert_eq!(dk.user_id(), sk.user_id());
    /// // A restricted key still belongs to the same user.
    /// let doctor_only = AttributeSet::new(["doctor"])?;
    /// let device = dk.restrict(&mut rng, authority.public_params(), &doctor_only)?;
    /// assert_eq!(device.user_id(), sk.user_id());
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn user_id(&self) -> UserId {
        self.holder
    }

    /// The time-tree depth of the parameters this key was made under.
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let sk = authority.enrol(&mut rng, &AttributeSet::new(["doctor"])?)?;
    /// let dk = sk.decryption_key(&authority.key_update(&mut rng, 1)?)?;
    /// assert_eq!(dk.time_depth(), authority.public_params().time_depth());
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn time_depth(&self) -> u8 {
        self.time_depth
    }

    /// The prepared lines of `K̂` and `K1T`.
    pub(crate) fn lines(&self) -> &Lines {
        self.lines.get_or_init(|| {
            Box::new(Lines {
                k_hat: G2Prepared::from(self.body.k_hat.0),
                k1t: G2Prepared::from(self.body.k1t.0),
            })
        })
    }

    /// The prepared lines of the time component at depth `k`.
    pub(crate) fn time_lines(&self, k: u8) -> Option<&[G2Prepared; 2]> {
        let cell = self.time_lines.get(usize::from(k))?;
        let pair = self.body.time.get(usize::from(k))?;
        Some(
            cell.get_or_init(|| Box::new([G2Prepared::from(pair.a.0), G2Prepared::from(pair.b.0)])),
        )
    }

    /// Prepares every Miller-loop line now instead of on first use (useful before timing, or
    /// before handing the key to worker threads).
    ///
    /// # Examples
    ///
    /// ```
    /// # use rs_habe::{Authority, AttributeSet, Header, Policy, SetupParams};
    /// # let mut rng = rand::thread_rng();
    /// # let params = SetupParams::new(4, 2);
    /// # let mut authority = Authority::setup(&mut rng, params)?;
    /// # let sk = authority.enrol(&mut rng, &AttributeSet::new(["doctor"])?)?;
    /// let dk = sk.decryption_key(&authority.key_update(&mut rng, 3)?)?;
    /// let policy = Policy::parse("doctor")?;
    /// let (header, key) = Header::encapsulate(&mut rng, authority.public_params(), &policy, 3)?;
    /// dk.prepare();
    /// // Worker threads now share the prepared lines; results are the same as unprepared.
    /// std::thread::scope(|s| {
    ///     let workers: Vec<_> = (0..2).map(|_| s.spawn(|| dk.decapsulate(&header))).collect();
    ///     for w in workers {
    ///         assert_eq!(*w.join().expect("no panic")?, *key);
    ///     }
    ///     Ok::<(), rs_habe::Error>(())
    /// })?;
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn prepare(&self) {
        let _ = self.lines();
        for k in 0..=self.time_depth {
            let _ = self.time_lines(k);
        }
    }

    /// A re-randomised key for a subset of this key's attributes, for the same period
    /// (scheme.md §5): a short-lived key for a device, made without any issuer.
    ///
    /// # Errors
    /// [`Error::NotASubset`] if `attrs` has attributes the key lacks,
    /// [`Error::InvalidAttributeSet`] if `attrs` is empty, [`Error::ParamsMismatch`] if `pp` has
    /// another time depth.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Error, Header, Policy, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params().clone();
    /// let sk = authority.enrol(&mut rng, &AttributeSet::new(["doctor", "on-call"])?)?;
    /// let dk = sk.decryption_key(&authority.key_update(&mut rng, 10)?)?;
    ///
    /// let device = dk.restrict(&mut rng, &pp, &AttributeSet::new(["doctor"])?)?;
    /// assert_eq!((device.attributes().len(), device.period()), (1, dk.period()));
    /// let (header, key) = Header::encapsulate(&mut rng, &pp, &Policy::parse("doctor")?, 10)?;
    /// assert_eq!(*device.decapsulate(&header)?, *key);
    ///
    /// // A key can only lose attributes.
    /// let wider = AttributeSet::new(["doctor", "surgery"])?;
    /// assert!(matches!(dk.restrict(&mut rng, &pp, &wider), Err(Error::NotASubset(_))));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn restrict(
        &self,
        rng: &mut impl CryptoRngCore,
        pp: &PublicParams,
        attrs: &AttributeSet,
    ) -> Result<DecryptionKey> {
        if pp.time_depth != self.time_depth {
            return Err(Error::ParamsMismatch);
        }
        if attrs.is_empty() {
            return Err(Error::InvalidAttributeSet);
        }
        if !attrs.is_subset(&self.attributes) {
            return Err(Error::NotASubset(attrs.difference(&self.attributes)));
        }
        // Drop the other attributes first, then re-randomise what is kept.
        let mut body = self.body.clone();
        body.keep_attributes(&self.attributes, attrs);
        body.rerandomize(pp, &attribute_points(attrs), self.period, rng);
        Ok(DecryptionKey::new(
            self.holder,
            self.time_depth,
            self.period,
            attrs.clone(),
            body,
        ))
    }

    /// The canonical encoding (secret: zeroized when dropped). Scheme.md §12.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, DecryptionKey, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let sk = authority.enrol(&mut rng, &AttributeSet::new(["doctor"])?)?;
    /// let dk = sk.decryption_key(&authority.key_update(&mut rng, 6)?)?;
    /// let bytes = dk.to_bytes(); // secret, wiped when dropped
    /// let restored = DecryptionKey::from_bytes(&bytes)?;
    /// assert_eq!((restored.period(), restored.user_id()), (6, sk.user_id()));
    /// assert_eq!(*restored.to_bytes(), *bytes);
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
    /// use rs_habe::{
    ///     Authority, AttributeSet, DecodeErrorKind, DecryptionKey, Error, Header, Policy,
    ///     SetupParams,
    /// };
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let sk = authority.enrol(&mut rng, &AttributeSet::new(["doctor"])?)?;
    /// let dk = sk.decryption_key(&authority.key_update(&mut rng, 6)?)?;
    /// let policy = Policy::parse("doctor")?;
    /// let (header, key) = Header::encapsulate(&mut rng, authority.public_params(), &policy, 6)?;
    ///
    /// let restored = DecryptionKey::from_bytes(&dk.to_bytes())?;
    /// assert_eq!(*restored.decapsulate(&header)?, *key);
    /// // A secret key is another object.
    /// assert!(matches!(
    ///     DecryptionKey::from_bytes(&sk.to_bytes()),
    ///     Err(Error::Decode(e)) if e.kind == DecodeErrorKind::WrongObjectType
    /// ));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        encoding::from_bytes(bytes)
    }
}

impl Object for DecryptionKey {
    const OBJECT: ObjectType = ObjectType::DecryptionKey;
}

impl Encode for DecryptionKey {
    fn write_body(&self, out: &mut dyn Writer) {
        self.holder.write(out);
        out.put_u8(self.time_depth);
        out.put_u64(self.period);
        write_attributes(out, &self.attributes);
        self.body.write(out, true);
    }
}

impl Decode for DecryptionKey {
    fn read_body(r: &mut Reader<'_>) -> Result<Self> {
        let holder = UserId::read(r)?;
        let (time_depth, period) = read_time_depth_and_period(r)?;
        let attributes = read_attributes(r)?;
        let body = read_body(r, attributes.len(), time_depth, true)?;
        Ok(DecryptionKey::new(
            holder, time_depth, period, attributes, body,
        ))
    }
}

impl DecryptionKey {
    /// Recovers the key encapsulated in `header` (scheme.md §8).
    ///
    /// # Errors
    /// - [`Error::ParamsMismatch`]: key and header are for different time-tree depths.
    /// - [`Error::PeriodNotCovered`]: the header's period is later than the key's.
    /// - [`Error::PolicyNotSatisfied`]: the key's attributes do not satisfy the policy.
    /// - [`Error::Decryption`]: the pairing result is degenerate (only for a malformed header).
    ///
    /// A key of a revoked or otherwise wrong user yields a wrong key (rejected by the AEAD that
    /// uses it), never the right one.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::{Authority, AttributeSet, Error, Header, Policy, SetupParams};
    /// let mut rng = rand::thread_rng();
    /// let mut authority = Authority::setup(&mut rng, SetupParams::new(4, 2))?;
    /// let pp = authority.public_params().clone();
    /// let nurse = authority.enrol(&mut rng, &AttributeSet::new(["nurse", "ward:3"])?)?;
    /// let dk = nurse.decryption_key(&authority.key_update(&mut rng, 5)?)?;
    ///
    /// let policy = Policy::parse("nurse and ward:3")?;
    /// let (header, key) = Header::encapsulate(&mut rng, &pp, &policy, 5)?;
    /// assert_eq!(*dk.decapsulate(&header)?, *key);
    ///
    /// // Public facts come back as typed errors.
    /// let (later, _) = Header::encapsulate(&mut rng, &pp, &Policy::parse("nurse")?, 6)?;
    /// assert!(matches!(dk.decapsulate(&later), Err(Error::PeriodNotCovered)));
    /// let (for_doctors, _) = Header::encapsulate(&mut rng, &pp, &Policy::parse("doctor")?, 5)?;
    /// assert!(matches!(dk.decapsulate(&for_doctors), Err(Error::PolicyNotSatisfied)));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn decapsulate(&self, header: &Header) -> Result<SharedKey> {
        let z = self.decapsulate_gt(header)?;
        kem_key(&z, &header.policy)
    }

    /// `Ω^{s₀}` for a header (before the KDF).
    pub(crate) fn decapsulate_gt(&self, header: &Header) -> Result<GtElem> {
        Ok(GtElem::multi_pairing(&self.pairing_inputs(header)?.terms()))
    }

    /// The two sides of the decryption multi-pairing (abe-v2.md §8), `5 + m'` pairs.
    pub(crate) fn pairing_inputs<'a>(&'a self, header: &Header) -> Result<PairingInputs<'a>> {
        if header.time_depth != self.time_depth {
            return Err(Error::ParamsMismatch);
        }
        if header.period > self.period {
            return Err(Error::PeriodNotCovered);
        }
        let recon = header
            .policy
            .reconstruct(&self.attributes)
            .ok_or(Error::PolicyNotSatisfied)?;
        let leaf = TimeNode {
            depth: self.time_depth,
            index: self.period,
        };
        let row = header
            .time_rows
            .iter()
            .find(|r| r.node.is_prefix_of(&leaf))
            .ok_or(Error::PeriodNotCovered)?;
        let time_lines = self.time_lines(row.node.depth).ok_or(Error::Decryption)?;
        let lines = self.lines();

        // Public bookkeeping first: for each chosen leaf, its key element's position and its
        // occurrence layer; the distinct layers used, in order.
        let layers = header.policy.layers();
        let mut chosen = Vec::with_capacity(recon.terms.len());
        for (i, omega) in &recon.terms {
            let attr = header.policy.leaves().get(*i).ok_or(Error::Decryption)?;
            let pos = self
                .attributes
                .iter()
                .position(|a| a == attr)
                .ok_or(Error::PolicyNotSatisfied)?;
            let layer = *layers.get(*i).ok_or(Error::Decryption)?;
            chosen.push((*i, pos, layer, omega));
        }
        let mut used: Vec<u16> = chosen.iter().map(|c| c.2).collect();
        used.sort_unstable();
        used.dedup();

        // Σ ω_i C_i (public).
        let mut sum_c = G1Projective::identity();
        for (i, _, _, omega) in &chosen {
            let c = header.rows.get(*i).ok_or(Error::Decryption)?;
            // All-ones coefficients (AND/OR): mixed additions only.
            if recon.all_ones {
                sum_c += c;
            } else {
                sum_c += mul_pubexp(G1Projective::from(c), omega);
            }
        }
        // K0 and, per layer used, Σ ω_i K_{τ_i} (secret: kept in wiped storage, each sum
        // normalised on its own rather than in a shared buffer). The coefficients ω_i are public,
        // so `mul_pubexp`'s operation sequence depends on them only.
        let mut secret = Zeroizing::new(Vec::with_capacity(1 + used.len()));
        let mut header_lines = Vec::with_capacity(1 + used.len());
        secret.push(self.body.k0);
        header_lines.push(G2Prepared::from(header.c0));
        for layer in &used {
            let mut acc = G1Projective::identity();
            for (_, pos, _, omega) in chosen.iter().filter(|c| c.2 == *layer) {
                let k = self.body.attrs.get(*pos).ok_or(Error::Decryption)?;
                // blst's mixed addition is constant-time (it handles doubling without a branch).
                if recon.all_ones {
                    acc += &k.0;
                } else {
                    acc += mul_pubexp(k.proj(), omega);
                }
            }
            secret.push(SecretG1::from(acc));
            let c1 = header
                .c1
                .get(usize::from(*layer))
                .ok_or(Error::Decryption)?;
            header_lines.push(G2Prepared::from(*c1));
        }
        let [e1, e2, e3] = row.e.map(G1Projective::from);
        Ok(PairingInputs {
            secret,
            public: normalize(&[-sum_c, -e1, -e2, -e3]),
            header_lines,
            key_lines: [&lines.k_hat, &lines.k1t, &time_lines[0], &time_lines[1]],
        })
    }
}

/// The decryption multi-pairing's inputs (abe-v2.md §8): the secret `K0` and per-layer sums
/// `Σ ω_i K_{τ_i}` pair with the header's `Ĉ0` and used `Ĉ1⁽ʲ⁾` (prepared per call); the public
/// `−Σ ω_i C_i`, `−E_{N,1..3}` with the key's prepared `K̂`, `K1T`, `B2_N`, `B3_N`.
pub(crate) struct PairingInputs<'a> {
    pub(crate) secret: Zeroizing<Vec<SecretG1>>,
    pub(crate) public: Vec<G1Affine>,
    pub(crate) header_lines: Vec<G2Prepared>,
    pub(crate) key_lines: [&'a G2Prepared; 4],
}

impl PairingInputs<'_> {
    /// The pairs, in order: `5 + m'` of them.
    pub(crate) fn terms(&self) -> Vec<(&G1Affine, &G2Prepared)> {
        self.secret
            .iter()
            .map(|s| &s.0)
            .zip(self.header_lines.iter())
            .chain(self.public.iter().zip(self.key_lines.iter().copied()))
            .collect()
    }
}

/// abe-v2.md §13: decryption's pair count is a property — `5 + m'` pairs, `m'` the occurrence
/// layers among the leaves §9 picks; 6 for every policy without repeated attributes, whatever
/// its size — checked on the inputs of the one multi-Miller loop, with the result checked too.
#[cfg(all(test, feature = "std"))]
mod pair_count {
    use alloc::collections::BTreeSet;
    use alloc::format;
    use alloc::string::String;
    use alloc::vec::Vec;

    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    use crate::abe::Header;
    use crate::abe::{Authority, SetupParams};
    use crate::policy::strategies::{policy, ATTRIBUTES};
    use crate::policy::{AttributeSet, Policy};

    fn cases() -> u32 {
        std::env::var("RSHABE_PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(24)
    }

    /// Encrypts `policy`, decrypts with a key for `held`, and returns the number of pairs of
    /// the decryption multi-pairing and the number of distinct layers among the chosen leaves.
    fn pairs_used(policy: &Policy, held: &AttributeSet, seed: u64) -> (usize, usize) {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let params = SetupParams::new(3, 1);
        let mut authority = Authority::setup(&mut rng, params).unwrap();
        let sk = authority.enrol(&mut rng, held).unwrap();
        let dk = sk
            .decryption_key(&authority.key_update(&mut rng, 5).unwrap())
            .unwrap();
        let pp = authority.public_params();
        let (header, key) = Header::encapsulate(&mut rng, pp, policy, 2).unwrap();
        assert_eq!(*dk.decapsulate(&header).unwrap(), *key, "decrypts {policy}");
        let inputs = dk.pairing_inputs(&header).unwrap();
        let layers: BTreeSet<u16> = policy
            .reconstruct(held)
            .unwrap()
            .terms
            .iter()
            .map(|(i, _)| policy.layers()[*i])
            .collect();
        assert_eq!(
            inputs.secret.len() + inputs.public.len(),
            inputs.terms().len()
        );
        assert_eq!(inputs.secret.len(), inputs.header_lines.len());
        (inputs.terms().len(), layers.len())
    }

    #[test]
    fn six_pairs_for_an_and_of_any_size() {
        for n in [1usize, 2, 10, 20, 50] {
            let attrs: Vec<String> = (0..n).map(|i| format!("a{i:02}")).collect();
            let text = attrs.join(" and ");
            let policy = Policy::parse(&text).unwrap();
            let held = AttributeSet::new(attrs.iter().map(String::as_str)).unwrap();
            assert_eq!(pairs_used(&policy, &held, n as u64), (6, 1), "AND-{n}");
        }
    }

    #[test]
    fn a_repeated_attribute_used_twice_costs_one_more_pair() {
        // `2 of (a, a, b)` held by {a, b}: §9's selection may take both `a` leaves (layers 1
        // and 2: 7 pairs) or `a` and `b` (one layer: 6 pairs); either way 5 + m'.
        let policy = Policy::parse("2 of (a, a, b)").unwrap();
        let (pairs, layers) = pairs_used(&policy, &AttributeSet::new(["a", "b"]).unwrap(), 7);
        assert_eq!(pairs, 5 + layers);
        // `a and a`: both leaves are needed, one per layer.
        let policy = Policy::parse("a and a and b").unwrap();
        assert_eq!(
            pairs_used(&policy, &AttributeSet::new(["a", "b"]).unwrap(), 8),
            (7, 2)
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

        /// Any policy, any satisfying set: `5 + m'` pairs; exactly 6 when no attribute repeats.
        #[test]
        fn decryption_uses_five_plus_layers_pairs(
            p in policy(),
            mask in any::<u32>(),
            seed in any::<u64>(),
        ) {
            let held: Vec<&str> = ATTRIBUTES
                .iter()
                .enumerate()
                .filter(|(i, _)| mask >> i & 1 == 1)
                .map(|(_, a)| *a)
                .collect();
            let held = AttributeSet::new(held).unwrap();
            prop_assume!(!held.is_empty() && p.is_satisfied_by(&held));
            let (pairs, layers) = pairs_used(&p, &held, seed);
            prop_assert_eq!(pairs, 5 + layers);
            prop_assert!(layers <= p.layer_count());
            if p.layer_count() == 1 {
                prop_assert_eq!(pairs, 6);
            }
        }
    }
}
