//! The checked policy tree and its canonical text (scheme.md §9).

use alloc::string::ToString;
use alloc::vec::Vec;
use core::fmt;

use super::parser::{self, is_bare_byte, is_keyword};
use super::{Attribute, AttributeSet};
use crate::error::PolicyError;

/// A node of a policy tree.
///
/// Invariants, established by the parser: every gate has `n >= 2` children and `1 <= k <= n`;
/// the tree has at most [`MAX_LEAVES`](super::MAX_LEAVES) leaves and no root-to-leaf path crosses
/// more than [`MAX_DEPTH`](super::MAX_DEPTH) gates (so recursion over a checked tree is bounded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Node {
    /// An attribute.
    Leaf(Attribute),
    /// A `k`-of-`n` threshold gate: AND when `k == n`, OR when `k == 1`.
    Gate {
        /// How many children must be satisfied.
        k: usize,
        /// The children, in order (1-based index `j` in the sharing polynomial).
        children: Vec<Node>,
    },
}

/// An access policy: a checked tree of `k`-of-`n` gates over attributes (scheme.md §9).
///
/// Made by [`Policy::parse`] (or [`str::parse`]) from a text such as
/// `(doctor and cardiology) or (nurse and "ward 3")` or `2 of (a, b, c)`. Its
/// [`Display`](fmt::Display) is the *canonical text*, whose UTF-8 a ciphertext binds: parsing it
/// gives back an identical policy, and printing is idempotent.
///
/// ```
/// use rs_habe::policy::{AttributeSet, Policy};
/// let p = Policy::parse("(Doctor AND cardiology) or (nurse and \"ward 3\")")?;
/// assert_eq!(p.to_string(), "(Doctor and cardiology) or (nurse and \"ward 3\")");
/// assert_eq!(p.leaf_count(), 4);
/// let s = AttributeSet::new(["nurse", "ward 3"])?;
/// assert!(p.is_satisfied_by(&s));
/// # Ok::<(), rs_habe::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Policy {
    root: Node,
    /// The leaves' attributes in left-to-right order (leaf `i` is ciphertext row `i`).
    leaves: Vec<Attribute>,
}

impl Policy {
    /// Parses and checks a policy text.
    ///
    /// Keywords `and`, `or`, `of` are case-insensitive; attributes are case-sensitive. Bare
    /// attributes match `[A-Za-z0-9_.:@/-]+`; anything else (including a keyword used as an
    /// attribute) is quoted, with `\"` and `\\` as the only escapes. `a and b and c` is one
    /// 3-of-3 gate and `a or b or c` one 1-of-3 gate; `and` and `or` have no precedence, so
    /// mixing them at one level needs parentheses. `k of (x1, …, xn)` is a threshold gate; a
    /// number not followed by `of` is an attribute. `(x)` and `1 of (x)` are just `x`.
    ///
    /// ```
    /// use rs_habe::policy::Policy;
    /// use rs_habe::{PolicyError, PolicyErrorKind};
    /// let p: Policy = "2 OF (a, b, \"and\")".parse()?;
    /// assert_eq!(p.to_string(), "2 of (a, b, \"and\")");
    /// assert_eq!(
    ///     Policy::parse("a and b or c"),
    ///     Err(PolicyError { kind: PolicyErrorKind::MixedOperators, offset: 8 })
    /// );
    /// # Ok::<(), PolicyError>(())
    /// ```
    ///
    /// # Errors
    /// A [`PolicyError`] with the byte offset at which the problem was found (the start of the
    /// offending token; for a threshold out of range, the start of its number; for an
    /// unterminated string, its opening quote; for a bad escape, the backslash). Limits:
    /// text of at most [`MAX_POLICY_TEXT_LEN`](super::MAX_POLICY_TEXT_LEN) bytes
    /// ([`TooLong`](crate::PolicyErrorKind::TooLong) at that offset), at most
    /// [`MAX_LEAVES`](super::MAX_LEAVES) leaves, attributes of 1 to
    /// [`MAX_ATTRIBUTE_LEN`](super::MAX_ATTRIBUTE_LEN) bytes, and at most
    /// [`MAX_DEPTH`](super::MAX_DEPTH) levels of nesting, where the top level is level 1 and
    /// every `(` opens one more (so at most `MAX_DEPTH - 1` nested parentheses).
    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        let (root, leaves) = parser::parse(text)?;
        Ok(Policy { root, leaves })
    }

    /// The leaves' attributes in left-to-right order; leaf `i` is ciphertext row `i`. An
    /// attribute that occurs several times in the policy is listed each time.
    ///
    /// ```
    /// use rs_habe::policy::Policy;
    /// let p = Policy::parse("a or (b and a)")?;
    /// let names: Vec<&str> = p.leaves().iter().map(|a| a.as_str()).collect();
    /// assert_eq!(names, ["a", "b", "a"]);
    /// # Ok::<(), rs_habe::PolicyError>(())
    /// ```
    pub fn leaves(&self) -> &[Attribute] {
        &self.leaves
    }

    /// The number of leaves (between 1 and [`MAX_LEAVES`](super::MAX_LEAVES)).
    ///
    /// ```
    /// use rs_habe::policy::Policy;
    /// assert_eq!(Policy::parse("2 of (a, b, c)")?.leaf_count(), 3);
    /// # Ok::<(), rs_habe::PolicyError>(())
    /// ```
    pub fn leaf_count(&self) -> usize {
        self.leaves.len()
    }

    /// Whether the attribute set satisfies the policy: a leaf is satisfied when its attribute
    /// is in `attrs`, a `k`-of-`n` gate when at least `k` of its children are.
    ///
    /// ```
    /// use rs_habe::policy::{AttributeSet, Policy};
    /// let p = Policy::parse("2 of (a, b, c)")?;
    /// assert!(p.is_satisfied_by(&AttributeSet::new(["a", "c"])?));
    /// assert!(!p.is_satisfied_by(&AttributeSet::new(["b"])?));
    /// # Ok::<(), rs_habe::Error>(())
    /// ```
    pub fn is_satisfied_by(&self, attrs: &AttributeSet) -> bool {
        satisfied(&self.root, attrs)
    }

    pub(super) fn root(&self) -> &Node {
        &self.root
    }

    /// Builds a policy from a tree that already satisfies [`Node`]'s invariants.
    #[cfg(test)]
    pub(super) fn from_root(root: Node) -> Policy {
        fn collect(n: &Node, out: &mut Vec<Attribute>) {
            match n {
                Node::Leaf(a) => out.push(a.clone()),
                Node::Gate { children, .. } => children.iter().for_each(|c| collect(c, out)),
            }
        }
        let mut leaves = Vec::new();
        collect(&root, &mut leaves);
        Policy { root, leaves }
    }
}

fn satisfied(node: &Node, attrs: &AttributeSet) -> bool {
    match node {
        Node::Leaf(a) => attrs.contains(a),
        Node::Gate { k, children } => children.iter().filter(|c| satisfied(c, attrs)).count() >= *k,
    }
}

/// Whether `s` can be printed without quotes and re-read as the same attribute.
fn prints_bare(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(is_bare_byte)
        && !is_keyword(s)
        && !s.bytes().all(|b| b.is_ascii_digit())
}

fn write_attribute(f: &mut fmt::Formatter<'_>, a: &Attribute) -> fmt::Result {
    let s = a.as_str();
    if prints_bare(s) {
        return f.write_str(s);
    }
    f.write_str("\"")?;
    for part in s.split_inclusive(['"', '\\']) {
        match part.strip_suffix('"') {
            Some(head) => {
                f.write_str(head)?;
                f.write_str("\\\"")?;
            }
            None => match part.strip_suffix('\\') {
                Some(head) => {
                    f.write_str(head)?;
                    f.write_str("\\\\")?;
                }
                None => f.write_str(part)?,
            },
        }
    }
    f.write_str("\"")
}

/// Canonical printing. AND and OR gates print as chains, in parentheses when they are a child
/// of another AND or OR gate; a threshold prints as `k of (c1, c2, …)` and its children need no
/// further parentheses (the commas delimit them). This never uses more nesting than the text the
/// policy was parsed from, so the canonical text always re-parses within the limits.
fn write_node(f: &mut fmt::Formatter<'_>, node: &Node, in_chain: bool) -> fmt::Result {
    match node {
        Node::Leaf(a) => write_attribute(f, a),
        Node::Gate { k, children } => {
            let n = children.len();
            let sep = if *k == n {
                " and "
            } else if *k == 1 {
                " or "
            } else {
                write!(f, "{k} of (")?;
                for (j, c) in children.iter().enumerate() {
                    if j > 0 {
                        f.write_str(", ")?;
                    }
                    write_node(f, c, false)?;
                }
                return f.write_str(")");
            };
            if in_chain {
                f.write_str("(")?;
            }
            for (j, c) in children.iter().enumerate() {
                if j > 0 {
                    f.write_str(sep)?;
                }
                write_node(f, c, true)?;
            }
            if in_chain {
                f.write_str(")")?;
            }
            Ok(())
        }
    }
}

impl fmt::Display for Policy {
    /// The canonical text (see [`Policy`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_node(f, &self.root, false)
    }
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Policy({:?})", self.to_string())
    }
}

impl core::str::FromStr for Policy {
    type Err = PolicyError;
    fn from_str(s: &str) -> Result<Self, PolicyError> {
        Policy::parse(s)
    }
}
