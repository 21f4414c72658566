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
