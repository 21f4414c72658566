//! Key components and decryption keys (scheme.md §5 as replaced by abe-v2.md §5).
//!
//! - Attribute part with one `r` for the whole key: `K̂ = ĝ^r ∈ G2`,
//!   `K0 = g^α · H₀^r · w_T^R ∈ G1`, `K_τ = H(τ)^r ∈ G1` for `τ ∈ S`.
//! - `TimeComp(X, R)` with fresh `q`: `B2 = ĝ^q`, `B3 = F̂_X^q · v̂_T^{−R}` (as v1.1).
//! - `DK_{S,T} = { K̂, K0, {K_τ}_{τ∈S}, K1T = ĝ^R, {TimeComp(Prefix(T, k), R)}_{k=0..D_t} }`.

use alloc::boxed::Box;
use alloc::vec::Vec;

use blstrs::{G1Affine, G1Projective, G2Prepared, G2Projective, Scalar};
use group::Group;
use once_cell::race::OnceBox;
use rand_core::CryptoRngCore;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::params::{Base1, Base2, PublicParams};
use super::time::{self, MAX_TIME_DEPTH};
use super::tree::UserId;
use crate::encoding::{secret_bytes, ObjectType, Reader, Writer};
use crate::error::{DecodeError, DecodeErrorKind, Error, Result};
use crate::hash;
use crate::policy::{Attribute, AttributeSet, MAX_ATTRIBUTES};
use crate::secret::{SecretG1, SecretG2, SecretScalar};

/// Two G2 elements of a time component `(B2, B3)`.
#[derive(Clone, Copy, Default, PartialEq, Eq, Zeroize)]
pub(crate) struct Pair {
    pub(crate) a: SecretG2,
    pub(crate) b: SecretG2,
}

impl Pair {
    /// A pair from projective points, each normalised on its own: secret points never sit in a
    /// shared normalisation buffer that could not be wiped.
    pub(crate) fn from_proj([a, b]: [G2Projective; 2]) -> Pair {
        Pair {
            a: SecretG2::from(a),
            b: SecretG2::from(b),
        }
    }

    pub(crate) fn write(&self, out: &mut dyn Writer) {
        out.put_g2(&self.a.0);
        out.put_g2(&self.b.0);
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> core::result::Result<Self, DecodeError> {
        Ok(Pair {
            a: SecretG2(r.g2()?),
            b: SecretG2(r.g2()?),
        })
    }
}

/// `H(τ)` for every attribute of a set, in set order: each hashed once per call (an enrolment
/// uses them at every node of the path, a delegated key update at every entry).
pub(crate) fn attribute_points(attributes: &AttributeSet) -> Vec<G1Affine> {
    attributes.iter().map(hash::attribute_point).collect()
}

/// The time components `{TimeComp(Prefix(T, k), R)}_{k=0..D_t}`, handed to `sink` as
/// `(k, [B2, B3])`: `B2 = ĝ^q`, `B3 = F̂_X^q · v̂_T^{−R}` with a fresh `q` per component (never one
/// `q` for several: scheme.md §5, §13). `v̂_T^{R}` is computed once, and `F̂` of each prefix from
/// the previous one.
pub(crate) fn time_comps(
    pp: &PublicParams,
    period: u64,
    big_r: &Scalar,
    rng: &mut impl CryptoRngCore,
    mut sink: impl FnMut(usize, [G2Projective; 2]),
) {
    let v_t_r = pp.mul_g2(Base2::VT, big_r);
    let leaf = time::prefix(pp.time_depth, period, pp.time_depth);
    let mut f_x = G2Projective::identity();
    for (k, twin) in (0u8..).zip(pp.f()) {
        let f_k = G2Projective::from(twin.g2);
        f_x += if k > 0 && leaf.label(k) == 2 {
            f_k.double()
        } else {
            f_k
        };
        let q = SecretScalar::random(&mut *rng);
        sink(usize::from(k), [pp.mul_g2(Base2::G, &q), f_x * *q - v_t_r]);
    }
}

/// The group elements of a `DK_{S,T}` (also the body of a key update entry, scheme.md §6).
#[derive(Clone, Default, Zeroize)]
pub(crate) struct KeyBody {
    /// `K̂ = ĝ^r` (the identity in an authority's update entry, which has no attribute part).
    pub(crate) k_hat: SecretG2,
    /// `K0 ∈ G1`.
    pub(crate) k0: SecretG1,
    /// `K_τ = H(τ)^r`, one per attribute, in the (sorted) order of the key's attribute set.
    pub(crate) attrs: Vec<SecretG1>,
    pub(crate) k1t: SecretG2,
    /// One pair per depth `k = 0..=D_t`: the component of `Prefix(T, k)`.
    pub(crate) time: Vec<Pair>,
}

impl KeyBody {
    /// Keeps only the `K_τ` of `keep` (a subset of `held`, the attributes the body's `K_τ` belong
    /// to, in order); the dropped components are wiped, not just forgotten.
    pub(crate) fn keep_attributes(&mut self, held: &AttributeSet, keep: &AttributeSet) {
        let kept = held
            .iter()
            .zip(self.attrs.iter())
            .filter(|(a, _)| keep.contains(a))
            .map(|(_, k)| *k)
            .collect();
        core::mem::replace(&mut self.attrs, kept).zeroize();
    }

    /// Re-randomises the body in place (abe-v2.md §5): fresh `δ` (one for `K̂` and every
    /// `K_τ`: the key has a single `r`), fresh `δ_T`, and a fresh `q'` per time component.
    /// `points` are the `H(τ)` of the body's attributes, in order ([`attribute_points`]).
    pub(crate) fn rerandomize(
        &mut self,
        pp: &PublicParams,
        points: &[G1Affine],
        period: u64,
        rng: &mut impl CryptoRngCore,
    ) {
        let delta = SecretScalar::random(&mut *rng);
        let d_t = SecretScalar::random(&mut *rng);
        self.k_hat = SecretG2::from(self.k_hat.proj() + pp.mul_g2(Base2::G, &delta));
        self.k0 = SecretG1::from(
            self.k0.proj() + pp.mul_g1(Base1::H0, &delta) + pp.mul_g1(Base1::WT, &d_t),
        );
        for (k, point) in self.attrs.iter_mut().zip(points) {
            *k = SecretG1::from(k.proj() + G1Projective::from(point) * *delta);
        }
        self.k1t = SecretG2::from(self.k1t.proj() + pp.mul_g2(Base2::G, &d_t));
        let time = &mut self.time;
        time_comps(pp, period, &d_t, rng, |k, [a, b]| {
            if let Some(pair) = time.get_mut(k) {
                *pair = Pair::from_proj([pair.a.proj() + a, pair.b.proj() + b]);
            }
        });
    }
}

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
/// components. The regression tests in `src/scheme/attacks.rs` mount the period-moving attack on
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
        secret_bytes(|out| {
            out.put_prefix(ObjectType::DecryptionKey);
            self.holder.write(out);
            out.put_u8(self.time_depth);
            out.put_u64(self.period);
            write_attributes(out, &self.attributes);
            self.body.write(out, true);
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
        let mut r = Reader::new(bytes);
        r.prefix(ObjectType::DecryptionKey)?;
        let holder = UserId::read(&mut r)?;
        let (time_depth, period) = read_time_depth_and_period(&mut r)?;
        let attributes = read_attributes(&mut r)?;
        let body = read_body(&mut r, attributes.len(), time_depth, true)?;
        r.finish()?;
        Ok(DecryptionKey::new(
            holder, time_depth, period, attributes, body,
        ))
    }
}

/// Reads `D_t` and a period below `2^D_t`.
pub(crate) fn read_time_depth_and_period(
    r: &mut Reader<'_>,
) -> core::result::Result<(u8, u64), DecodeError> {
    let at = r.offset();
    let time_depth = r.u8()?;
    if time_depth == 0 || time_depth > MAX_TIME_DEPTH {
        return Err(r.err_at(DecodeErrorKind::InvalidValue, at));
    }
    let at = r.offset();
    let period = r.u64()?;
    if time::check_period(time_depth, period).is_err() {
        return Err(r.err_at(DecodeErrorKind::InvalidValue, at));
    }
    Ok((time_depth, period))
}

impl KeyBody {
    /// Writes `[K̂, K0, K_τ…]` (or just `K0` without the attribute part), `K1T` and the time
    /// components.
    pub(crate) fn write(&self, out: &mut dyn Writer, with_attrs: bool) {
        if with_attrs {
            out.put_g2(&self.k_hat.0);
        }
        out.put_g1(&self.k0.0);
        if with_attrs {
            for k in &self.attrs {
                out.put_g1(&k.0);
            }
        }
        out.put_g2(&self.k1t.0);
        for p in &self.time {
            p.write(out);
        }
    }
}

/// Reads a key body written by [`KeyBody::write`]: `[K̂,] K0, [K_τ…,] K1T, D_t + 1 time pairs`.
pub(crate) fn read_body(
    r: &mut Reader<'_>,
    n_attrs: usize,
    time_depth: u8,
    with_attrs: bool,
) -> core::result::Result<KeyBody, DecodeError> {
    let k_hat = if with_attrs {
        SecretG2(r.g2()?)
    } else {
        SecretG2::default()
    };
    let k0 = SecretG1(r.g1()?);
    let mut attrs = Vec::new();
    if with_attrs {
        attrs.reserve_exact(n_attrs);
        for _ in 0..n_attrs {
            attrs.push(SecretG1(r.g1()?));
        }
    }
    let k1t = SecretG2(r.g2()?);
    let mut time = Vec::with_capacity(usize::from(time_depth) + 1);
    for _ in 0..=time_depth {
        time.push(Pair::read(r)?);
    }
    Ok(KeyBody {
        k_hat,
        k0,
        attrs,
        k1t,
        time,
    })
}

/// Writes an attribute set: count, then each as a u8 length and UTF-8, strictly sorted.
pub(crate) fn write_attributes(out: &mut dyn Writer, attrs: &AttributeSet) {
    out.put_len(attrs.len());
    for a in attrs {
        out.put_u8(a.as_str().len() as u8);
        out.put_bytes(a.as_str().as_bytes());
    }
}

/// Reads an attribute set written by [`write_attributes`]: strictly increasing, valid UTF-8,
/// non-empty attributes, at most [`MAX_ATTRIBUTES`].
pub(crate) fn read_attributes(
    r: &mut Reader<'_>,
) -> core::result::Result<AttributeSet, DecodeError> {
    let at = r.offset();
    let n = r.count(MAX_ATTRIBUTES, 2)?;
    // Keys, delegators and delegated updates always hold at least one attribute.
    if n == 0 {
        return Err(r.err_at(DecodeErrorKind::InvalidAttribute, at));
    }
    let mut set = AttributeSet::default();
    let mut last: Option<Attribute> = None;
    for _ in 0..n {
        let at = r.offset();
        let len = usize::from(r.u8()?);
        let bytes = r.bytes(len)?;
        let bad = || r.err_at(DecodeErrorKind::InvalidAttribute, at);
        let s = core::str::from_utf8(bytes).map_err(|_| bad())?;
        let a = Attribute::new(s).map_err(|_| bad())?;
        if last.as_ref().is_some_and(|l| *l >= a) {
            return Err(bad());
        }
        last = Some(a.clone());
        set.insert(a);
    }
    Ok(set)
}
