//! Policy failures: what the parser and attribute checks report (re-exported as
//! `rs_habe::PolicyError`).

use core::fmt;

/// A policy text is invalid.
///
/// # Examples
///
/// ```
/// use rs_habe::{Error, Policy, PolicyError, PolicyErrorKind};
/// let err: PolicyError = Policy::parse("doctor and (nurse or").unwrap_err();
/// assert_eq!((err.kind, err.offset), (PolicyErrorKind::UnexpectedEnd, 20));
/// assert!(err.to_string().ends_with("at byte 20")); // the message names the offset too
///
/// // In a function returning `rs_habe::Result`, `?` wraps it in `Error::Policy`.
/// fn parse(text: &str) -> rs_habe::Result<Policy> {
///     Ok(Policy::parse(text)?)
/// }
/// assert_eq!(parse("doctor and (nurse or"), Err(Error::Policy(err)));
/// ```
///
/// `#[non_exhaustive]`: its fields are read, not built, outside this crate (a later version
/// may add one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PolicyError {
    /// What was wrong.
    pub kind: PolicyErrorKind,
    /// Byte offset in the policy text at which the problem was detected.
    pub offset: usize,
}

/// The kinds of [`PolicyError`].
///
/// # Examples
///
/// ```
/// use rs_habe::{Policy, PolicyErrorKind as Kind};
/// let cases = [
///     ("doctor and", Kind::UnexpectedEnd, 10),
///     ("doctor & nurse", Kind::UnexpectedChar, 7),
///     ("doctor and and nurse", Kind::UnexpectedToken, 11),
///     ("\"ward 3", Kind::UnterminatedString, 0),
///     ("\"ward\\n3\"", Kind::BadEscape, 5),
///     ("\"\"", Kind::EmptyAttribute, 0),
///     ("3 of (a, b)", Kind::InvalidThreshold, 0),
///     ("doctor nurse", Kind::TrailingInput, 7),
///     ("a and b or c", Kind::MixedOperators, 8),
/// ];
/// for (text, kind, offset) in cases {
///     let err = Policy::parse(text).unwrap_err();
///     assert_eq!((err.kind, err.offset), (kind, offset), "{text}");
/// }
///
/// // A caller can turn the kind into advice for whoever typed the policy.
/// let advice = |text: &str| match Policy::parse(text).map_err(|e| e.kind) {
///     Ok(_) => "ok",
///     Err(Kind::MixedOperators) => "add parentheses, as in (a and b) or c",
///     Err(Kind::UnterminatedString) => "close the quote",
///     Err(_) => "see the offset",
/// };
/// assert_eq!(advice("a and b or c"), "add parentheses, as in (a and b) or c");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyErrorKind {
    /// The input (or a gate) is empty where an expression was expected.
    UnexpectedEnd,
    /// A character that cannot start or continue a token.
    UnexpectedChar,
    /// A token in the wrong place (for example `and` where an attribute was expected).
    UnexpectedToken,
    /// A quoted attribute has no closing quote.
    UnterminatedString,
    /// A backslash escape other than `\"` or `\\`.
    BadEscape,
    /// An empty attribute (`""`).
    EmptyAttribute,
    /// An attribute longer than [`MAX_ATTRIBUTE_LEN`](crate::policy::MAX_ATTRIBUTE_LEN) bytes.
    AttributeTooLong,
    /// More than [`MAX_LEAVES`](crate::policy::MAX_LEAVES) leaves.
    TooManyLeaves,
    /// Nesting deeper than [`MAX_DEPTH`](crate::policy::MAX_DEPTH).
    TooDeep,
    /// A `k of (…)` gate with `k = 0` or `k` greater than its number of children.
    InvalidThreshold,
    /// Input remains after a complete policy.
    TrailingInput,
    /// `and` and `or` mixed at one level without parentheses.
    MixedOperators,
    /// The policy text is longer than [`MAX_POLICY_TEXT_LEN`](crate::policy::MAX_POLICY_TEXT_LEN).
    TooLong,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind, self.offset)
    }
}

impl fmt::Display for PolicyErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::policy::{MAX_ATTRIBUTE_LEN, MAX_DEPTH, MAX_LEAVES, MAX_POLICY_TEXT_LEN};
        match self {
            PolicyErrorKind::UnexpectedEnd => f.write_str("an expression is missing"),
            PolicyErrorKind::UnexpectedChar => f.write_str("unexpected character"),
            PolicyErrorKind::UnexpectedToken => f.write_str("unexpected token"),
            PolicyErrorKind::UnterminatedString => f.write_str("unterminated quoted attribute"),
            PolicyErrorKind::BadEscape => f.write_str("only \\\" and \\\\ escapes are allowed"),
            PolicyErrorKind::EmptyAttribute => f.write_str("empty attribute"),
            PolicyErrorKind::AttributeTooLong => {
                write!(f, "attribute longer than {MAX_ATTRIBUTE_LEN} bytes")
            }
            PolicyErrorKind::TooManyLeaves => write!(f, "more than {MAX_LEAVES} attributes"),
            PolicyErrorKind::TooDeep => write!(f, "nested deeper than {MAX_DEPTH}"),
            PolicyErrorKind::InvalidThreshold => {
                f.write_str("k of (...) needs 1 <= k <= its number of children")
            }
            PolicyErrorKind::TrailingInput => f.write_str("input after a complete policy"),
            PolicyErrorKind::MixedOperators => {
                f.write_str("and/or mixed at one level; add parentheses")
            }
            PolicyErrorKind::TooLong => {
                write!(f, "policy text longer than {MAX_POLICY_TEXT_LEN} bytes")
            }
        }
    }
}

impl core::error::Error for PolicyError {}
