//! Access policies and their secret sharing (scheme.md §9).

mod attribute;

pub use attribute::{Attribute, AttributeSet, MAX_ATTRIBUTES, MAX_ATTRIBUTE_LEN};
