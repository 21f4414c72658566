//! Attributes: the strings policies are written over and keys are issued for.

use alloc::string::String;
use core::fmt;

use super::error::{PolicyError, PolicyErrorKind};

pub use crate::limits::MAX_ATTRIBUTE_LEN;

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
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::policy::Attribute;
    /// use rs_habe::{PolicyError, PolicyErrorKind};
    /// let a = Attribute::new("ward 3")?; // any non-empty UTF-8 (a policy quotes it: "ward 3")
    /// assert_eq!(a.to_string(), "ward 3");
    /// assert_ne!(Attribute::new("Doctor")?, Attribute::new("doctor")?); // case-sensitive
    /// let err = Attribute::new("").unwrap_err();
    /// assert_eq!((err.kind, err.offset), (PolicyErrorKind::EmptyAttribute, 0));
    /// # Ok::<(), PolicyError>(())
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::policy::Attribute;
    /// let a: Attribute = "cardiology".parse()?;
    /// assert_eq!(a.as_str(), "cardiology");
    /// assert_eq!(a.as_str(), a.to_string());
    /// # Ok::<(), rs_habe::PolicyError>(())
    /// ```
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

/// An attribute borrows as its string (equality, order and hashing agree with `str`'s), so
/// collections keyed by attributes can be searched with a `&str`.
///
/// ```
/// use std::collections::BTreeSet;
/// use rs_habe::policy::Attribute;
/// let held: BTreeSet<Attribute> = ["doctor", "on-call"].iter().map(|s| s.parse().unwrap()).collect();
/// assert!(held.contains("doctor"));
/// assert!(!held.contains("nurse"));
/// ```
impl core::borrow::Borrow<str> for Attribute {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl core::str::FromStr for Attribute {
    type Err = PolicyError;
    fn from_str(s: &str) -> Result<Self, PolicyError> {
        Attribute::new(s)
    }
}

pub use crate::limits::MAX_ATTRIBUTES;

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
    /// [`Error::InvalidAttribute`](crate::Error::InvalidAttribute) naming the first invalid
    /// entry (its position in `attrs` and what is wrong with it),
    /// [`Error::InvalidAttributeSet`](crate::Error::InvalidAttributeSet) for more than
    /// [`MAX_ATTRIBUTES`].
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::policy::AttributeSet;
    /// use rs_habe::{Error, PolicyErrorKind};
    /// let s = AttributeSet::new(["nurse", "cardiology", "nurse"])?;
    /// let names: Vec<&str> = s.iter().map(|a| a.as_str()).collect();
    /// assert_eq!(names, ["cardiology", "nurse"]); // sorted, without duplicates
    ///
    /// // One invalid attribute fails the whole set; the error names the entry.
    /// assert_eq!(
    ///     AttributeSet::new(["nurse", ""]),
    ///     Err(Error::InvalidAttribute { index: 1, reason: PolicyErrorKind::EmptyAttribute })
    /// );
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn new<I, S>(attrs: I) -> Result<Self, crate::Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut set = alloc::collections::BTreeSet::new();
        for (index, a) in attrs.into_iter().enumerate() {
            let a = Attribute::new(a.as_ref()).map_err(|e| crate::Error::InvalidAttribute {
                index,
                reason: e.kind,
            })?;
            set.insert(a);
            if set.len() > MAX_ATTRIBUTES {
                return Err(crate::Error::InvalidAttributeSet);
            }
        }
        Ok(AttributeSet(set))
    }

    /// Number of attributes.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::policy::AttributeSet;
    /// assert_eq!(AttributeSet::new(["doctor", "cardiology", "doctor"])?.len(), 2);
    /// assert_eq!(AttributeSet::default().len(), 0);
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::policy::AttributeSet;
    /// assert!(AttributeSet::default().is_empty());
    /// assert!(AttributeSet::new(Vec::<&str>::new())?.is_empty());
    /// assert!(!AttributeSet::new(["nurse"])?.is_empty());
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `a` is in the set.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::policy::{Attribute, AttributeSet};
    /// let s = AttributeSet::new(["doctor", "ward:3"])?;
    /// assert!(s.contains(&Attribute::new("ward:3")?));
    /// assert!(!s.contains(&Attribute::new("Doctor")?)); // case-sensitive
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn contains(&self, a: &Attribute) -> bool {
        self.0.contains(a)
    }

    /// Whether the attribute spelled `a` is in the set.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::policy::AttributeSet;
    /// let s = AttributeSet::new(["doctor", "ward:3"])?;
    /// assert!(s.contains_str("doctor"));
    /// assert!(!s.contains_str("nurse"));
    /// assert!(!s.contains_str("")); // never an attribute, so never contained
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn contains_str(&self, a: &str) -> bool {
        self.0.contains(a)
    }

    /// The attributes in sorted order.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::policy::{Attribute, AttributeSet};
    /// let s = AttributeSet::new(["ward:3", "doctor", "Cardiology"])?;
    /// let names: Vec<&str> = s.iter().map(Attribute::as_str).collect();
    /// assert_eq!(names, ["Cardiology", "doctor", "ward:3"]); // byte order: upper case first
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &Attribute> + '_ {
        self.0.iter()
    }

    /// Whether every attribute of `self` is in `other`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::policy::AttributeSet;
    /// let head = AttributeSet::new(["doctor", "cardiology", "head"])?;
    /// assert!(AttributeSet::new(["doctor", "cardiology"])?.is_subset(&head));
    /// assert!(!AttributeSet::new(["doctor", "surgery"])?.is_subset(&head));
    /// assert!(AttributeSet::default().is_subset(&head));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn is_subset(&self, other: &AttributeSet) -> bool {
        self.0.is_subset(&other.0)
    }

    /// The attributes of `self` that are not in `other`, sorted.
    ///
    /// # Examples
    ///
    /// ```
    /// use rs_habe::policy::{Attribute, AttributeSet};
    /// let held = AttributeSet::new(["doctor", "cardiology"])?;
    /// let wanted = AttributeSet::new(["surgery", "doctor", "anesthesia"])?;
    /// // What `Error::NotASubset` lists when a delegator is asked for `wanted`.
    /// assert_eq!(
    ///     wanted.difference(&held),
    ///     [Attribute::new("anesthesia")?, Attribute::new("surgery")?]
    /// );
    /// assert!(held.difference(&held).is_empty());
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
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

/// Test-only: sets of any size, without the limit [`AttributeSet::new`] enforces.
#[cfg(test)]
impl From<alloc::collections::BTreeSet<Attribute>> for AttributeSet {
    fn from(set: alloc::collections::BTreeSet<Attribute>) -> Self {
        AttributeSet(set)
    }
}

impl<'a> IntoIterator for &'a AttributeSet {
    type Item = &'a Attribute;
    type IntoIter = alloc::collections::btree_set::Iter<'a, Attribute>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
