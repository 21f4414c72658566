//! proptest strategies for policy trees (tests only).

use alloc::vec::Vec;

use proptest::prelude::*;

use super::ast::Node;
use super::Attribute;
use super::Policy;

/// Attributes that exercise the printer: bare, keywords in any case, numbers, spaces, quotes,
/// backslashes, non-ASCII, every bare punctuation character.
pub(crate) const ATTRIBUTES: &[&str] = &[
    "a",
    "b",
    "c",
    "Doc",
    "doc",
    "and",
    "OR",
    "Of",
    "2",
    "12",
    "ward 3",
    "x\"y",
    "back\\slash",
    "é",
    "a.b:c@d/e-f_g",
    "-",
    "\\\"",
    " ",
];

fn attribute() -> impl Strategy<Value = Attribute> {
    prop::sample::select(ATTRIBUTES).prop_map(|s| Attribute::new(s).unwrap())
}

/// Checked trees: gates of 2..=4 children, any `1 <= k <= n`, up to 4 levels, small.
pub(super) fn node() -> impl Strategy<Value = Node> {
    attribute()
        .prop_map(Node::Leaf)
        .prop_recursive(4, 24, 4, |inner| {
            prop::collection::vec(inner, 2..=4).prop_flat_map(|children: Vec<Node>| {
                let n = children.len();
                (1..=n).prop_map(move |k| Node::Gate {
                    k,
                    children: children.clone(),
                })
            })
        })
}

pub(crate) fn policy() -> impl Strategy<Value = Policy> {
    node().prop_map(Policy::from_root)
}
