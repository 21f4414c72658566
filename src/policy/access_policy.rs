//! The checked access policy (scheme.md §9): a syntax tree (`ast`) made by the parser, its
//! leaves, canonical text and occurrence layers.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

use blstrs::G1Affine;
use once_cell::race::OnceBox;

use super::ast::{Canonical, Node};
use super::error::PolicyError;
use super::parser;
use super::{Attribute, AttributeSet};

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
    /// The canonical text, rendered once: headers encode it and the KEM binds it (§7).
    text: String,
    /// The occurrence layer of each leaf, 0-based (abe-v2.md §7): leaf `i` is in layer `j` when
    /// it is the `(j+1)`-th occurrence of its attribute, counting leaves in order.
    layers: Vec<u16>,
    /// The number of layers `m`: the largest multiplicity of any attribute (at least 1).
    layer_count: u16,
    /// The leaves' attribute points `H(τ_i)`, hashed on the first encryption and kept.
    points: LeafPoints,
}

/// A cache of the leaves' hashed points, shared by clones. Derived data: it takes no part in
/// equality.
#[derive(Clone, Default)]
struct LeafPoints(Arc<OnceBox<Vec<G1Affine>>>);

impl PartialEq for LeafPoints {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for LeafPoints {}

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
    /// let err = Policy::parse("a and b or c").unwrap_err();
    /// assert_eq!((err.kind, err.offset), (PolicyErrorKind::MixedOperators, 8));
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
        Ok(Policy::from_parts(root, leaves))
    }

    fn from_parts(root: Node, leaves: Vec<Attribute>) -> Policy {
        let text = Canonical(&root).to_string();
        let mut seen: BTreeMap<&Attribute, u16> = BTreeMap::new();
        let mut layers = Vec::with_capacity(leaves.len());
        for a in &leaves {
            let count = seen.entry(a).or_insert(0);
            layers.push(*count);
            // At most MAX_LEAVES (1024) occurrences: no overflow.
            *count = count.saturating_add(1);
        }
        let layer_count = seen.values().copied().max().unwrap_or(1).max(1);
        Policy {
            root,
            leaves,
            text,
            layers,
            layer_count,
            points: LeafPoints::default(),
        }
    }

    /// The occurrence layer (0-based) of each leaf, in leaf order (abe-v2.md §7).
    pub(crate) fn layers(&self) -> &[u16] {
        &self.layers
    }

    /// The number of occurrence layers `m`: the largest multiplicity of an attribute.
    pub(crate) fn layer_count(&self) -> usize {
        usize::from(self.layer_count)
    }

    /// `H(τ_i)` for every leaf, in leaf order: each distinct attribute hashed once, on first use,
    /// and kept with the policy (and its clones) for later encryptions.
    pub(crate) fn leaf_points(&self) -> &[G1Affine] {
        self.points.0.get_or_init(|| {
            let mut distinct: BTreeMap<&Attribute, G1Affine> = BTreeMap::new();
            let points = self
                .leaves
                .iter()
                .map(|a| {
                    *distinct
                        .entry(a)
                        .or_insert_with(|| crate::hash::attribute_point(a))
                })
                .collect();
            Box::new(points)
        })
    }

    /// The canonical text, without re-rendering the tree.
    pub(crate) fn canonical_text(&self) -> &str {
        &self.text
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
        Policy::from_parts(root, leaves)
    }
}

fn satisfied(node: &Node, attrs: &AttributeSet) -> bool {
    match node {
        Node::Leaf(a) => attrs.contains(a),
        Node::Gate { k, children } => children.iter().filter(|c| satisfied(c, attrs)).count() >= *k,
    }
}

impl fmt::Display for Policy {
    /// The canonical text (see [`Policy`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Policy({:?})", self.text)
    }
}

impl core::str::FromStr for Policy {
    type Err = PolicyError;
    fn from_str(s: &str) -> Result<Self, PolicyError> {
        Policy::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use alloc::format;
    use alloc::string::{String, ToString};

    use proptest::prelude::*;

    use super::super::strategies;
    use super::Policy;

    fn canonical(text: &str) -> String {
        Policy::parse(text).unwrap().to_string()
    }

    #[test]
    fn canonical_text() {
        let cases: &[(&str, &str)] = &[
            ("a", "a"),
            ("((a))", "a"),
            (
                "(Doctor AND cardiology) OR (nurse and \"ward 3\")",
                "(Doctor and cardiology) or (nurse and \"ward 3\")",
            ),
            ("a  and\tb AND c", "a and b and c"),
            ("a and (b and c)", "a and (b and c)"),
            ("(a and b) and c", "(a and b) and c"),
            ("a and (b or c)", "a and (b or c)"),
            ("3 of (a, b, c)", "a and b and c"),
            ("1 OF (a,b)", "a or b"),
            ("2 of (a,b,c)", "2 of (a, b, c)"),
            ("2 of (a, (b and c), d)", "2 of (a, b and c, d)"),
            (
                "2 of (a, 1 of (b, c), 2 of (d, e, f))",
                "2 of (a, b or c, 2 of (d, e, f))",
            ),
            ("x and 2 of (a, b, c)", "x and 2 of (a, b, c)"),
            ("x or (2 of (a, b, c))", "x or 2 of (a, b, c)"),
            ("\"and\" or \"OR\" or \"of\"", "\"and\" or \"OR\" or \"of\""),
            ("12 and x", "\"12\" and x"),
            ("\"x12\" and \"1.2\"", "x12 and 1.2"),
            (
                r#""a\"b" or "c\\d" or "\\\"""#,
                r#""a\"b" or "c\\d" or "\\\"""#,
            ),
            (
                "\"é\" or \"ward 3\" or \" \"",
                "\"é\" or \"ward 3\" or \" \"",
            ),
            ("a.b:c@d/e-f_g", "a.b:c@d/e-f_g"),
        ];
        for &(text, want) in cases {
            assert_eq!(canonical(text), want, "{text:?}");
            assert_eq!(canonical(want), want, "{want:?} is not canonical");
        }
    }

    #[test]
    fn debug_and_from_str() {
        let p: Policy = "a AND \"b c\"".parse().unwrap();
        assert_eq!(format!("{p:?}"), r#"Policy("a and \"b c\"")"#);
        assert_eq!(p, Policy::parse("a and \"b c\"").unwrap());
        assert!("a and".parse::<Policy>().is_err());
    }

    #[test]
    fn largest_policy_round_trips() {
        let text = ["a"; super::super::MAX_LEAVES].join(" or ");
        let p = Policy::parse(&text).unwrap();
        assert_eq!(p.to_string(), text);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn print_parse_round_trip(p in strategies::policy()) {
            let text = p.to_string();
            let q = Policy::parse(&text).unwrap();
            prop_assert_eq!(&q, &p);
            prop_assert_eq!(q.to_string(), text);
        }

        #[test]
        fn parse_never_panics(
            tokens in prop::collection::vec(
                prop::sample::select(&[
                    "(", ")", ",", " ", "\"", "\\", "a", "B", "and", "OR", "Of", "2", "0", "é",
                    "$", "\t", "x y",
                ][..]),
                0..40,
            )
        ) {
            let text: String = tokens.concat();
            match Policy::parse(&text) {
                Ok(p) => {
                    let printed = p.to_string();
                    let q = Policy::parse(&printed).unwrap();
                    prop_assert_eq!(&q, &p);
                    prop_assert_eq!(q.to_string(), printed);
                }
                Err(e) => prop_assert!(e.offset <= text.len()),
            }
        }
    }
}
