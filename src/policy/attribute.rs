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
            return Err(PolicyError { kind: PolicyErrorKind::EmptyAttribute, offset: 0 });
        }
        if s.len() > MAX_ATTRIBUTE_LEN {
            return Err(PolicyError { kind: PolicyErrorKind::AttributeTooLong, offset: 0 });
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
