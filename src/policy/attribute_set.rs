//! Attribute sets: the attributes a key is issued for, sorted and free of duplicates.

use core::fmt;

use super::Attribute;

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
