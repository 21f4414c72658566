//! Attributes: the strings policies are written over and keys are issued for.

use alloc::string::String;
use core::fmt;

use crate::error::{PolicyError, PolicyErrorKind};

/// The longest attribute, in bytes of UTF-8 (scheme.md §9).
pub const MAX_ATTRIBUTE_LEN: usize = 255;

/// An attribute: a non-empty UTF-8 string of at most [`MAX_ATTRIBUTE_LEN`] bytes.
/// Attributes are case-sensitive and compared byte for byte.
///
/// ```
/// use rs_habe::policy::Attribute;
/// let a = Attribute::new("ward:3")?;
/// assert_eq!(a.as_str(), "ward:3");
/// assert!(Attribute::new("").is_err());
/// # Ok::<(), rs_habe::PolicyError>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Attribute(String);

impl Attribute {
    /// Checks and wraps an attribute string.
    ///
    /// # Errors
    /// [`PolicyErrorKind::EmptyAttribute`] or [`PolicyErrorKind::AttributeTooLong`], at offset 0.
    pub fn new(s: &str) -> Result<Self, PolicyError> {
        if s.is_empty() {
            return Err(PolicyError {
                kind: PolicyErrorKind::EmptyAttribute,
                offset: 0,
            });
        }
        if s.len() > MAX_ATTRIBUTE_LEN {
            return Err(PolicyError {
                kind: PolicyErrorKind::AttributeTooLong,
                offset: 0,
            });
        }
        Ok(Attribute(String::from(s)))
    }

    /// The attribute as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Attribute({:?})", self.0)
    }
}

impl core::str::FromStr for Attribute {
    type Err = PolicyError;
    fn from_str(s: &str) -> Result<Self, PolicyError> {
        Attribute::new(s)
    }
}

/// The most attributes in one key or attribute set (the same bound as a policy's leaves).
pub const MAX_ATTRIBUTES: usize = 1024;

/// A set of attributes, kept sorted and free of duplicates (the order of their encodings).
///
/// ```
/// use rs_habe::policy::AttributeSet;
/// let s = AttributeSet::new(["doctor", "cardiology", "doctor"])?;
/// assert_eq!(s.len(), 2);
/// assert!(s.contains_str("doctor"));
/// # Ok::<(), rs_habe::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct AttributeSet(alloc::collections::BTreeSet<Attribute>);

impl AttributeSet {
    /// Builds a set from strings, checking each attribute.
    ///
    /// # Errors
    /// [`Error::Policy`](crate::Error::Policy) for an invalid attribute,
    /// [`Error::InvalidAttributeSet`](crate::Error::InvalidAttributeSet) for more than
    /// [`MAX_ATTRIBUTES`].
    pub fn new<I, S>(attrs: I) -> Result<Self, crate::Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut set = alloc::collections::BTreeSet::new();
        for a in attrs {
            set.insert(Attribute::new(a.as_ref())?);
            if set.len() > MAX_ATTRIBUTES {
                return Err(crate::Error::InvalidAttributeSet);
            }
        }
        Ok(AttributeSet(set))
    }

    /// Number of attributes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `a` is in the set.
    pub fn contains(&self, a: &Attribute) -> bool {
        self.0.contains(a)
    }

    /// Whether the attribute spelled `a` is in the set.
    pub fn contains_str(&self, a: &str) -> bool {
        self.0.iter().any(|x| x.as_str() == a)
    }

    /// The attributes in sorted order.
    pub fn iter(&self) -> impl Iterator<Item = &Attribute> + '_ {
        self.0.iter()
    }

    /// Whether every attribute of `self` is in `other`.
    pub fn is_subset(&self, other: &AttributeSet) -> bool {
        self.0.is_subset(&other.0)
    }

    /// The attributes of `self` that are not in `other`, sorted.
    pub fn difference(&self, other: &AttributeSet) -> alloc::vec::Vec<Attribute> {
        self.0.difference(&other.0).cloned().collect()
    }

    pub(crate) fn insert(&mut self, a: Attribute) -> bool {
        self.0.insert(a)
    }
}

impl fmt::Debug for AttributeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a AttributeSet {
    type Item = &'a Attribute;
    type IntoIter = alloc::collections::btree_set::Iter<'a, Attribute>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl FromIterator<Attribute> for AttributeSet {
    fn from_iter<I: IntoIterator<Item = Attribute>>(iter: I) -> Self {
        AttributeSet(iter.into_iter().collect())
    }
}
