//! The policy syntax tree and its canonical text (scheme.md §9): the [`Node`]s a parsed policy
//! is made of, the lexical rules shared by the parser (`parser`) and the printer, and the
//! printer itself. The checked [`Policy`](super::Policy) that wraps a tree is in
//! `access_policy`.

use alloc::vec::Vec;
use core::fmt;

use super::Attribute;

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

/// Whether `b` may appear in a bare (unquoted) attribute: `[A-Za-z0-9_.:@/-]`.
pub(super) fn is_bare_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'@' | b'/' | b'-')
}

/// Whether `s` is one of the keywords, compared case-insensitively.
pub(super) fn is_keyword(s: &str) -> bool {
    s.eq_ignore_ascii_case("and") || s.eq_ignore_ascii_case("or") || s.eq_ignore_ascii_case("of")
}

/// Renders a tree's canonical text.
pub(super) struct Canonical<'a>(pub(super) &'a Node);

impl fmt::Display for Canonical<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_node(f, self.0, false)
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
