//! Lexer and bounded parser for policy texts (scheme.md §9).
//!
//! Grammar (keywords `and`, `or`, `of` are case-insensitive; attributes are case-sensitive):
//!
//! ```text
//! policy := expr END
//! expr   := term ( ("and" term)* | ("or" term)* )      -- no mixing without parentheses
//! term   := attribute
//!         | "(" expr ")"
//!         | NUMBER "of" "(" expr ("," expr)* ")"
//! ```
//!
//! `NUMBER` is a bare word of ASCII digits *followed by* `of`; a bare number anywhere else is an
//! attribute. Bare attributes match `[A-Za-z0-9_.:@/-]+` and are not keywords; anything else is
//! written between double quotes, with `\"` and `\\` as the only escapes.
//!
//! The parser is recursive descent, but it counts nesting *before* it recurses: the top level is
//! level 1 and every `(` (a group or a threshold's list) opens one more level; opening a level
//! beyond [`MAX_DEPTH`] is [`PolicyErrorKind::TooDeep`] at that `(`. Every gate sits at a level
//! at least its depth in the tree, so no root-to-leaf path crosses more than [`MAX_DEPTH`] gates,
//! and the stack use is bounded whatever the input.
//!
//! Error offsets are byte offsets into the text: the start of the offending token (for a
//! threshold out of range, the start of its number; for an unterminated string, its opening
//! quote; for a bad escape, its backslash; for an unexpected end, the end of the text or the `)`
//! that closed an empty group).

use alloc::string::String;
use alloc::vec::Vec;

use super::ast::{is_bare_byte, Node};
use super::error::{PolicyError, PolicyErrorKind};
use super::{Attribute, MAX_DEPTH, MAX_LEAVES, MAX_POLICY_TEXT_LEN};

fn err(kind: PolicyErrorKind, offset: usize) -> PolicyError {
    PolicyError { kind, offset }
}

#[derive(Debug)]
enum Tok<'a> {
    LParen,
    RParen,
    Comma,
    And,
    Or,
    Of,
    /// A bare word that is not a keyword (an attribute, or a threshold's number).
    Word(&'a str),
    /// A quoted attribute, unescaped.
    Quoted(String),
    End,
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    peeked: Option<(Tok<'a>, usize)>,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str) -> Self {
        Lexer {
            src,
            pos: 0,
            peeked: None,
        }
    }

    fn byte(&self, i: usize) -> Option<u8> {
        self.src.as_bytes().get(i).copied()
    }

    fn next(&mut self) -> Result<(Tok<'a>, usize), PolicyError> {
        match self.peeked.take() {
            Some(t) => Ok(t),
            None => self.lex(),
        }
    }

    fn peek(&mut self) -> Result<&Tok<'a>, PolicyError> {
        if self.peeked.is_none() {
            self.peeked = Some(self.lex()?);
        }
        match &self.peeked {
            Some((t, _)) => Ok(t),
            // Unreachable: filled just above. Reported as an unexpected end rather than a panic.
            None => Err(err(PolicyErrorKind::UnexpectedEnd, self.pos)),
        }
    }

    /// Reads the next token and its starting offset.
    fn lex(&mut self) -> Result<(Tok<'a>, usize), PolicyError> {
        while let Some(b) = self.byte(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
        let start = self.pos;
        let Some(b) = self.byte(start) else {
            return Ok((Tok::End, start));
        };
        let tok = match b {
            b'(' => {
                self.pos += 1;
                Tok::LParen
            }
            b')' => {
                self.pos += 1;
                Tok::RParen
            }
            b',' => {
                self.pos += 1;
                Tok::Comma
            }
            b'"' => Tok::Quoted(self.quoted(start)?),
            b if is_bare_byte(b) => {
                let mut end = start;
                while self.byte(end).is_some_and(is_bare_byte) {
                    end += 1;
                }
                self.pos = end;
                // Bare bytes are ASCII, so both ends are character boundaries.
                let word = self
                    .src
                    .get(start..end)
                    .ok_or(err(PolicyErrorKind::UnexpectedChar, start))?;
                if word.eq_ignore_ascii_case("and") {
                    Tok::And
                } else if word.eq_ignore_ascii_case("or") {
                    Tok::Or
                } else if word.eq_ignore_ascii_case("of") {
                    Tok::Of
                } else {
                    Tok::Word(word)
                }
            }
            _ => return Err(err(PolicyErrorKind::UnexpectedChar, start)),
        };
        Ok((tok, start))
    }

    /// Reads a quoted attribute whose opening quote is at `start`, unescaping `\"` and `\\`.
    fn quoted(&mut self, start: usize) -> Result<String, PolicyError> {
        let unterminated = err(PolicyErrorKind::UnterminatedString, start);
        let mut out = String::new();
        let mut i = start + 1;
        let mut seg = i;
        loop {
            match self.byte(i) {
                None => return Err(unterminated),
                Some(b'"') => {
                    // `"` and `\` are ASCII: every cut below falls on a character boundary.
                    out.push_str(self.src.get(seg..i).ok_or(unterminated)?);
                    self.pos = i + 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    out.push_str(self.src.get(seg..i).ok_or(unterminated)?);
                    match self.byte(i + 1) {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(_) => return Err(err(PolicyErrorKind::BadEscape, i)),
                        None => return Err(unterminated),
                    }
                    i += 2;
                    seg = i;
                }
                Some(_) => i += 1,
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    And,
    Or,
}

struct Parser<'a> {
    lex: Lexer<'a>,
    leaves: Vec<Attribute>,
}

/// Parses and checks a policy text: the tree and its leaves in left-to-right order.
pub(super) fn parse(text: &str) -> Result<(Node, Vec<Attribute>), PolicyError> {
    if text.len() > MAX_POLICY_TEXT_LEN {
        return Err(err(PolicyErrorKind::TooLong, MAX_POLICY_TEXT_LEN));
    }
    let mut p = Parser {
        lex: Lexer::new(text),
        leaves: Vec::new(),
    };
    let root = p.expr(1)?;
    match p.lex.next()? {
        (Tok::End, _) => Ok((root, p.leaves)),
        (_, off) => Err(err(PolicyErrorKind::TrailingInput, off)),
    }
}

impl Parser<'_> {
    /// The level inside a `(` found at `off`, if it is within [`MAX_DEPTH`].
    fn enter(level: usize, off: usize) -> Result<usize, PolicyError> {
        if level >= MAX_DEPTH {
            Err(err(PolicyErrorKind::TooDeep, off))
        } else {
            Ok(level + 1)
        }
    }

    /// `term (("and" term)* | ("or" term)*)`: one gate for the whole chain.
    fn expr(&mut self, level: usize) -> Result<Node, PolicyError> {
        let first = self.term(level)?;
        let mut op = None;
        let mut children = Vec::new();
        loop {
            let this = match self.lex.peek()? {
                Tok::And => Op::And,
                Tok::Or => Op::Or,
                _ => break,
            };
            let (_, off) = self.lex.next()?;
            match op {
                None => op = Some(this),
                Some(o) if o != this => return Err(err(PolicyErrorKind::MixedOperators, off)),
                Some(_) => {}
            }
            children.push(self.term(level)?);
        }
        match op {
            None => Ok(first),
            Some(op) => {
                children.insert(0, first);
                let k = if op == Op::And { children.len() } else { 1 };
                Ok(Node::Gate { k, children })
            }
        }
    }

    fn term(&mut self, level: usize) -> Result<Node, PolicyError> {
        let (tok, off) = self.lex.next()?;
        match tok {
            Tok::LParen => {
                let inner = Self::enter(level, off)?;
                let e = self.expr(inner)?;
                self.close()?;
                Ok(e)
            }
            Tok::Word(w) => {
                if w.bytes().all(|b| b.is_ascii_digit()) && matches!(self.lex.peek()?, Tok::Of) {
                    self.lex.next()?;
                    self.threshold(w, off, level)
                } else {
                    self.leaf(w, off)
                }
            }
            Tok::Quoted(s) => self.leaf(&s, off),
            Tok::RParen | Tok::End => Err(err(PolicyErrorKind::UnexpectedEnd, off)),
            Tok::Comma | Tok::And | Tok::Or | Tok::Of => {
                Err(err(PolicyErrorKind::UnexpectedToken, off))
            }
        }
    }

    /// `"(" expr ("," expr)* ")"` after `number of`, the number starting at `num_off`.
    fn threshold(
        &mut self,
        number: &str,
        num_off: usize,
        level: usize,
    ) -> Result<Node, PolicyError> {
        let invalid = err(PolicyErrorKind::InvalidThreshold, num_off);
        // A number too large for usize is certainly larger than the number of children.
        let k = number.bytes().try_fold(0usize, |acc, d| {
            let digit = char::from(d).to_digit(10)?;
            acc.checked_mul(10)?
                .checked_add(usize::try_from(digit).ok()?)
        });
        if k == Some(0) {
            return Err(invalid);
        }
        let inner = match self.lex.next()? {
            (Tok::LParen, off) => Self::enter(level, off)?,
            (Tok::End, off) => return Err(err(PolicyErrorKind::UnexpectedEnd, off)),
            (_, off) => return Err(err(PolicyErrorKind::UnexpectedToken, off)),
        };
        let mut children = Vec::new();
        loop {
            children.push(self.expr(inner)?);
            match self.lex.next()? {
                (Tok::Comma, _) => {}
                (Tok::RParen, _) => break,
                (Tok::End, off) => return Err(err(PolicyErrorKind::UnexpectedEnd, off)),
                (_, off) => return Err(err(PolicyErrorKind::UnexpectedToken, off)),
            }
        }
        let k = match k {
            Some(k) if k <= children.len() => k,
            _ => return Err(invalid),
        };
        if children.len() == 1 {
            // `1 of (x)` is `x`.
            if let Some(only) = children.pop() {
                return Ok(only);
            }
        }
        Ok(Node::Gate { k, children })
    }

    fn close(&mut self) -> Result<(), PolicyError> {
        match self.lex.next()? {
            (Tok::RParen, _) => Ok(()),
            (Tok::End, off) => Err(err(PolicyErrorKind::UnexpectedEnd, off)),
            (_, off) => Err(err(PolicyErrorKind::UnexpectedToken, off)),
        }
    }

    fn leaf(&mut self, s: &str, off: usize) -> Result<Node, PolicyError> {
        let a = Attribute::new(s).map_err(|e| err(e.kind, off))?;
        if self.leaves.len() >= MAX_LEAVES {
            return Err(err(PolicyErrorKind::TooManyLeaves, off));
        }
        self.leaves.push(a.clone());
        Ok(Node::Leaf(a))
    }
}

#[cfg(test)]
mod tests {
    use alloc::format;
    use alloc::string::{String, ToString};
    use alloc::vec;
    use alloc::vec::Vec;

    use super::super::ast::Node;
    use super::super::{Attribute, Policy, MAX_ATTRIBUTE_LEN, MAX_DEPTH, MAX_LEAVES};
    use super::MAX_POLICY_TEXT_LEN;
    use crate::policy::PolicyErrorKind::{self, *};

    fn error(text: &str) -> (PolicyErrorKind, usize) {
        let e = Policy::parse(text).unwrap_err();
        (e.kind, e.offset)
    }

    fn leaf(s: &str) -> Node {
        Node::Leaf(Attribute::new(s).unwrap())
    }

    fn gate(k: usize, children: Vec<Node>) -> Node {
        Node::Gate { k, children }
    }

    fn tree(text: &str) -> Node {
        Policy::parse(text).unwrap().root().clone()
    }

    #[test]
    fn error_kinds_and_offsets() {
        let cases: &[(&str, PolicyErrorKind, usize)] = &[
            ("", UnexpectedEnd, 0),
            ("   ", UnexpectedEnd, 3),
            ("a and", UnexpectedEnd, 5),
            ("()", UnexpectedEnd, 1),
            ("(a", UnexpectedEnd, 2),
            ("2 of (a, b", UnexpectedEnd, 10),
            ("2 of", UnexpectedEnd, 4),
            ("2 of (a, )", UnexpectedEnd, 9),
            ("a $ b", UnexpectedChar, 2),
            ("é", UnexpectedChar, 0),
            ("a and é", UnexpectedChar, 6),
            ("a\u{0}", UnexpectedChar, 1),
            ("and", UnexpectedToken, 0),
            ("a and or", UnexpectedToken, 6),
            ("(a b)", UnexpectedToken, 3),
            ("2 of a", UnexpectedToken, 5),
            ("2 of (a, b c)", UnexpectedToken, 11),
            (", a", UnexpectedToken, 0),
            ("a or of", UnexpectedToken, 5),
            ("\"abc", UnterminatedString, 0),
            ("x or \"ab\\", UnterminatedString, 5),
            ("x or \"ab\\\"", UnterminatedString, 5),
            ("\"a\\nb\"", BadEscape, 2),
            ("x and \"\\'\"", BadEscape, 7),
            ("a or \"\"", EmptyAttribute, 5),
            ("0 of (a)", InvalidThreshold, 0),
            ("x and 3 of (a, b)", InvalidThreshold, 6),
            ("00 of (a, b)", InvalidThreshold, 0),
            ("99999999999999999999999999 of (a, b)", InvalidThreshold, 0),
            ("a b", TrailingInput, 2),
            ("a)", TrailingInput, 1),
            ("a of (b)", TrailingInput, 2),
            ("\"2\" of (a)", TrailingInput, 4),
            ("a and b or c", MixedOperators, 8),
            ("a or b and c", MixedOperators, 7),
            ("(a and b or c) or d", MixedOperators, 9),
            ("2 of (a, b and c or d)", MixedOperators, 17),
        ];
        for &(text, kind, offset) in cases {
            assert_eq!(error(text), (kind, offset), "{text:?}");
        }
    }

    #[test]
    fn attribute_length_limits() {
        let ok = "x".repeat(MAX_ATTRIBUTE_LEN);
        assert_eq!(Policy::parse(&ok).unwrap().leaves()[0].as_str(), ok);
        let long = "x".repeat(MAX_ATTRIBUTE_LEN + 1);
        assert_eq!(error(&format!("a or {long}")), (AttributeTooLong, 5));
        assert_eq!(error(&format!("a or \"{long}\"")), (AttributeTooLong, 5));
        // The limit is on the attribute, not its escaped spelling: 255 bytes, 510 in the text.
        let escaped = format!("\"{}\"", "\\\\".repeat(MAX_ATTRIBUTE_LEN));
        assert_eq!(
            Policy::parse(&escaped).unwrap().leaves()[0].as_str().len(),
            MAX_ATTRIBUTE_LEN
        );
        // A long run of digits is still a threshold number when followed by `of`.
        let digits = format!("{}2 of (a, b)", "0".repeat(300));
        assert_eq!(
            Policy::parse(&digits).unwrap(),
            Policy::parse("a and b").unwrap()
        );
    }

    #[test]
    fn too_many_leaves() {
        let ok = vec!["a"; MAX_LEAVES].join(" or ");
        assert_eq!(Policy::parse(&ok).unwrap().leaf_count(), MAX_LEAVES);
        let over = vec!["a"; MAX_LEAVES + 1].join(" or ");
        assert_eq!(error(&over), (TooManyLeaves, 5 * MAX_LEAVES));
        let nested = format!("x and ({over})");
        assert_eq!(error(&nested), (TooManyLeaves, 7 + 5 * (MAX_LEAVES - 1)));
    }

    #[test]
    fn nesting_limit() {
        // MAX_DEPTH - 1 nested parentheses are fine, one more is not.
        let ok = format!(
            "{}a{}",
            "(".repeat(MAX_DEPTH - 1),
            ")".repeat(MAX_DEPTH - 1)
        );
        assert_eq!(Policy::parse(&ok).unwrap(), Policy::parse("a").unwrap());
        let deep = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert_eq!(error(&deep), (TooDeep, MAX_DEPTH - 1));
        // Threshold lists count as nesting too.
        let thresholds = format!("{}a{}", "1 of (".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert_eq!(error(&thresholds), (TooDeep, 6 * MAX_DEPTH - 1));
        // A chain of MAX_DEPTH gates: every path crosses at most MAX_DEPTH gates.
        let mut chain = String::from("y and z");
        for i in 0..MAX_DEPTH - 1 {
            chain = format!("a{i} or ({chain})");
        }
        let p = Policy::parse(&chain).unwrap();
        assert_eq!(p.leaf_count(), MAX_DEPTH + 1);
        assert_eq!(p.to_string(), chain);
        assert_eq!(Policy::parse(&p.to_string()).unwrap(), p);
        // One more level: the innermost `(` is the one too deep.
        let deeper = format!("b and ({chain})");
        assert_eq!(error(&deeper), (TooDeep, deeper.rfind('(').unwrap()));
    }

    #[test]
    fn deep_input_does_not_overflow_the_stack() {
        assert_eq!(error(&"(".repeat(100_000)), (TooDeep, MAX_DEPTH - 1));
        assert_eq!(
            error(&"(".repeat(MAX_POLICY_TEXT_LEN)),
            (TooDeep, MAX_DEPTH - 1)
        );
        assert_eq!(
            error(&"1 of (".repeat(100_000)),
            (TooDeep, 6 * MAX_DEPTH - 1)
        );
    }

    #[test]
    fn text_length_limit() {
        let mut text = vec!["a"; MAX_LEAVES].join(" or ");
        text.push_str(&" ".repeat(MAX_POLICY_TEXT_LEN - text.len()));
        assert_eq!(Policy::parse(&text).unwrap().leaf_count(), MAX_LEAVES);
        text.push(' ');
        assert_eq!(error(&text), (TooLong, MAX_POLICY_TEXT_LEN));
    }

    #[test]
    fn keywords_are_case_insensitive_attributes_are_not() {
        let p = tree("a and b and c");
        for t in [
            "a AND b And c",
            "a aNd b anD c",
            "3 OF (a, b, c)",
            "3 Of(a,b,c)",
        ] {
            assert_eq!(tree(t), p, "{t}");
        }
        assert_eq!(tree("a Or b"), tree("a or b"));
        assert_ne!(tree("A"), tree("a"));
        assert_eq!(tree("Doc"), leaf("Doc"));
    }

    #[test]
    fn structure() {
        assert_eq!(
            tree("a and b and c"),
            gate(3, vec![leaf("a"), leaf("b"), leaf("c")])
        );
        assert_eq!(
            tree("a or b or c"),
            gate(1, vec![leaf("a"), leaf("b"), leaf("c")])
        );
        assert_eq!(
            tree("a and (b and c)"),
            gate(2, vec![leaf("a"), gate(2, vec![leaf("b"), leaf("c")])])
        );
        assert_eq!(
            tree("2 of (a, b and c, d)"),
            gate(
                2,
                vec![leaf("a"), gate(2, vec![leaf("b"), leaf("c")]), leaf("d")]
            )
        );
        assert_eq!(
            tree("x and 2 of (a, b, c)"),
            gate(
                2,
                vec![leaf("x"), gate(2, vec![leaf("a"), leaf("b"), leaf("c")])]
            )
        );
        assert_eq!(tree("1 of (a)"), leaf("a"));
        assert_eq!(tree("((a))"), leaf("a"));
        assert_eq!(tree("1 of (a and b)"), tree("a and b"));
        assert_eq!(tree("2 of (a, b)"), tree("a and b"));
        assert_eq!(tree("1 of (a, b)"), tree("a or b"));
        assert_eq!(tree(" \t(a)\nand\r\n(b) "), tree("a and b"));
    }

    #[test]
    fn numbers() {
        // A number not followed by `of` is an attribute.
        assert_eq!(tree("2 and x"), gate(2, vec![leaf("2"), leaf("x")]));
        assert_eq!(tree("2"), leaf("2"));
        assert_eq!(tree("x or 3"), gate(1, vec![leaf("x"), leaf("3")]));
        assert_eq!(
            tree("2 of (2, 3, 4)"),
            gate(2, vec![leaf("2"), leaf("3"), leaf("4")])
        );
        // Only a whole number starts a threshold.
        assert_eq!(error("2a of (b, c)"), (TrailingInput, 3));
    }

    #[test]
    fn quoting_and_escapes() {
        assert_eq!(tree("\"ward 3\""), leaf("ward 3"));
        assert_eq!(tree(r#""a\"b\\c""#), leaf("a\"b\\c"));
        assert_eq!(tree("\"and\""), leaf("and"));
        assert_eq!(tree("\"é\" or b"), gate(1, vec![leaf("é"), leaf("b")]));
        assert_eq!(tree("\"two\nlines\""), leaf("two\nlines"));
        assert_eq!(tree("\"x\" and \"x\""), gate(2, vec![leaf("x"), leaf("x")]));
        // Quoting does not change a bare attribute.
        assert_eq!(tree("\"a\""), tree("a"));
    }

    #[test]
    fn repeated_attributes_are_separate_leaves() {
        let p = Policy::parse("a or (b and a) or a").unwrap();
        let names: Vec<&str> = p.leaves().iter().map(Attribute::as_str).collect();
        assert_eq!(names, ["a", "b", "a", "a"]);
    }
}
