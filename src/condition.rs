//! Conditions with three values: true, false, and unknown for missing data.
//!
//! minijinja's own parser splits a rule's expression at `and`, `or` and
//! `not`; every other part (a comparison, a test, a call) is a *leaf* that
//! minijinja compiles and evaluates in strict mode. A leaf that reads a
//! missing field is unknown. The connectives combine leaves with Kleene
//! logic, so `a or b` is true when `b` is true even if `a` is unknown, and
//! `a and b` is false when either side is false. This module does not know
//! what the names mean; [`crate::engine`] evaluates the leaves.
//!
//! It is the one module that reads minijinja's expression syntax tree
//! (`minijinja::machinery`): splitting, constants, and the enum comparisons
//! `check` looks for.

use serde::{Deserialize, Serialize};

use minijinja::machinery::ast::{BinOpKind, CompareOpKind, Expr, UnaryOpKind};
use minijinja::machinery::parse_expr as parse_unchecked;

use crate::hash::HashSet;

/// The most operators (`and`, `or`, `not`, filters, arithmetic and
/// comparisons) one rule expression may hold, and the deepest nesting of
/// brackets: far beyond any real rule, well within what parsing, compiling
/// and dropping an expression can do without exhausting the stack.
pub const MAX_OPERATORS: usize = 1_000;
/// See [`MAX_OPERATORS`].
pub const MAX_NESTING: usize = 64;

/// Parses an expression once it is known to be within the limits: a long
/// chain of operators (`a and true and true …`) would otherwise overflow
/// the stack while being compiled or dropped.
fn parse_expr(source: &str) -> Result<Expr<'_>, minijinja::Error> {
    check_size(source)?;
    parse_unchecked(source)
}

/// Counts an expression's operators and bracket nesting, outside strings.
fn check_size(source: &str) -> Result<(), minijinja::Error> {
    let (mut operators, mut depth, mut deepest) = (0usize, 0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut word: Option<usize> = None;
    let count_word = |word: &mut Option<usize>, end: usize, operators: &mut usize| {
        if let Some(start) = word.take() {
            if matches!(&source[start..end], "and" | "or" | "not" | "in" | "is") {
                *operators += 1;
            }
        }
    };
    for (at, c) in source.char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            word.get_or_insert(at);
            continue;
        }
        count_word(&mut word, at, &mut operators);
        match c {
            '\'' | '"' => quote = Some(c),
            '(' | '[' | '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            '|' | '+' | '-' | '*' | '/' | '~' | '<' | '>' | '=' | '!' | '%' => operators += 1,
            _ => {}
        }
    }
    count_word(&mut word, source.len(), &mut operators);
    if operators > MAX_OPERATORS || deepest > MAX_NESTING {
        return Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!(
                "the expression has {operators} operators and brackets {deepest} deep; an expression may have at most {MAX_OPERATORS} operators and {MAX_NESTING} levels of brackets"
            ),
        ));
    }
    Ok(())
}

/// The deepest nesting of blocks (`if`, `for`, `macro`, …) a template may
/// have.
pub const MAX_BLOCK_NESTING: usize = 100;

/// Checks every tag of a template (`{{ … }}`, `{% … %}`) as
/// [`MAX_OPERATORS`] checks an expression, and its block nesting, before
/// minijinja parses it; the error comes with the 1-based line of the tag.
pub(crate) fn check_template(source: &str) -> Result<(), (usize, minijinja::Error)> {
    const OPENERS: [&str; 8] = [
        "if",
        "for",
        "macro",
        "block",
        "with",
        "filter",
        "call",
        "autoescape",
    ];
    let mut depth = 0usize;
    let mut rest = source;
    let mut offset = 0usize;
    let (mut line, mut counted) = (1usize, 0usize);
    while let Some(at) = rest.find(['{']) {
        let after = &rest[at..];
        let close = if after.starts_with("{{") {
            "}}"
        } else if after.starts_with("{%") {
            "%}"
        } else {
            offset += at + 1;
            rest = &rest[at + 1..];
            continue;
        };
        // Lines are counted from the last tag on: linear in the template.
        line += source[counted..offset + at].matches('\n').count();
        counted = offset + at;
        let end = after[2..].find(close).map_or(after.len(), |e| e + 2);
        let inside = &after[2..end];
        check_size(inside.trim_matches('-')).map_err(|e| (line, e))?;
        if close == "%}" {
            let word = inside
                .trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace())
                .split_whitespace()
                .next()
                .unwrap_or_default();
            if OPENERS.contains(&word) {
                depth += 1;
                if depth > MAX_BLOCK_NESTING {
                    let error = minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        format!("blocks are nested more than {MAX_BLOCK_NESTING} deep"),
                    );
                    return Err((line, error));
                }
            } else if word.starts_with("end") {
                depth = depth.saturating_sub(1);
            }
        }
        let consumed = (end + close.len()).min(after.len());
        offset += at + consumed;
        rest = &rest[at + consumed..];
    }
    Ok(())
}

/// The data that would settle an unknown value: a set of names (district
/// paths and declared `needs`), each by its index in the rule base's name
/// table ([`crate::RuleBase::names_of`] spells them out). A bit set: the
/// engine unites these sets for every unknown leaf, so they must be cheap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Missing {
    /// Names 0 to 63, bit `i` for name `i`: the whole default rule base,
    /// without an allocation.
    first: u64,
    /// Names from 64 on, 64 to a word. No trailing zero word, so equal
    /// sets are equal vectors.
    rest: Vec<u64>,
}

impl Missing {
    /// The empty set.
    pub fn new() -> Missing {
        Missing::default()
    }

    /// The set of one name.
    #[cfg(test)]
    pub fn of(name: usize) -> Missing {
        let mut set = Missing::new();
        set.insert(name);
        set
    }

    /// Adds name `name`.
    pub fn insert(&mut self, name: usize) {
        let bit = 1 << (name % 64);
        match (name / 64).checked_sub(1) {
            None => self.first |= bit,
            Some(word) => {
                if self.rest.len() <= word {
                    self.rest.resize(word + 1, 0);
                }
                self.rest[word] |= bit;
            }
        }
    }

    /// Adds every name of `other`.
    pub fn extend(&mut self, other: &Missing) {
        self.first |= other.first;
        if self.rest.len() < other.rest.len() {
            self.rest.resize(other.rest.len(), 0);
        }
        for (word, more) in self.rest.iter_mut().zip(&other.rest) {
            *word |= more;
        }
    }

    /// Whether the set has no name.
    pub fn is_empty(&self) -> bool {
        self.first == 0 && self.rest.is_empty()
    }

    /// The names, by index, in increasing order.
    pub fn iter(&self) -> MissingIter<'_> {
        MissingIter {
            word: self.first,
            base: 0,
            rest: self.rest.iter(),
        }
    }
}

/// The names of a [`Missing`] set, in increasing order.
pub struct MissingIter<'a> {
    /// The bits of the current word not yet returned.
    word: u64,
    /// The name of the current word's bit 0.
    base: usize,
    rest: std::slice::Iter<'a, u64>,
}

impl Iterator for MissingIter<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.word == 0 {
            self.word = *self.rest.next()?;
            self.base += 64;
        }
        let bit = self.word.trailing_zeros() as usize;
        self.word &= self.word - 1;
        Some(self.base + bit)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Truth {
    True,
    False,
    Unknown(Missing),
}

impl Truth {
    pub fn from_bool(value: bool) -> Truth {
        if value {
            Truth::True
        } else {
            Truth::False
        }
    }

    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            unknown => unknown,
        }
    }
}

/// A condition's boolean skeleton over leaf expressions (indices into the
/// rule base's leaf table).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Logic {
    Leaf(usize),
    Not(Box<Logic>),
    And(Box<Logic>, Box<Logic>),
    Or(Box<Logic>, Box<Logic>),
    /// The whole condition as one leaf, tried first, and its parts. Where the
    /// whole evaluates to true or false it read no missing value (strict
    /// mode would have failed), so Kleene logic would agree; only otherwise
    /// are the parts evaluated one by one.
    Whole(usize, Box<Logic>),
}

impl Logic {
    /// Splits `source` into its skeleton, appending each leaf's source text
    /// to `leaves`. Fails with minijinja's syntax error. Should a leaf's text
    /// not stand alone as an expression, the whole condition becomes one
    /// leaf: still correct, only less able to decide with missing data.
    pub fn split(source: &str, leaves: &mut Leaves) -> Result<Logic, minijinja::Error> {
        let expr = parse_expr(source)?;
        let mut found = Vec::new();
        let logic = split_expr(source, &expr, &mut found);
        if let Logic::Leaf(_) = logic {
            return Ok(Logic::Leaf(leaves.push(source.trim(), Form::of(&expr))));
        }
        let stands_alone = |leaf: &(String, Form)| parse_expr(&leaf.0).is_ok();
        if !found.iter().all(stands_alone) {
            return Ok(Logic::Leaf(leaves.push(source.trim(), Form::of(&expr))));
        }
        let base = leaves.sources.len();
        for (leaf, form) in found {
            leaves.push(&leaf, form);
        }
        let parts = logic.offset(base);
        let whole = leaves.push(source.trim(), Form::of(&expr));
        Ok(Logic::Whole(whole, Box::new(parts)))
    }

    fn offset(self, base: usize) -> Logic {
        match self {
            Logic::Leaf(i) => Logic::Leaf(base + i),
            Logic::Not(inner) => Logic::Not(Box::new(inner.offset(base))),
            Logic::And(a, b) => Logic::And(Box::new(a.offset(base)), Box::new(b.offset(base))),
            Logic::Or(a, b) => Logic::Or(Box::new(a.offset(base)), Box::new(b.offset(base))),
            Logic::Whole(w, parts) => Logic::Whole(base + w, Box::new(parts.offset(base))),
        }
    }

    /// One leaf for the whole expression: for values, not conditions.
    pub fn whole(source: &str, leaves: &mut Leaves) -> Result<Logic, minijinja::Error> {
        let expr = parse_expr(source)?;
        Ok(Logic::Leaf(leaves.push(source.trim(), Form::of(&expr))))
    }

    /// The leaf that stands for the whole condition: the whole, or the
    /// condition's only leaf. Its names are everything the condition reads.
    pub fn top(&self) -> usize {
        match self {
            Logic::Leaf(i) | Logic::Whole(i, _) => *i,
            Logic::Not(inner) => inner.top(),
            Logic::And(a, _) | Logic::Or(a, _) => a.top(),
        }
    }

    /// Every leaf index in this condition's parts (not the whole).
    pub fn leaves(&self, out: &mut Vec<usize>) {
        match self {
            Logic::Leaf(i) => out.push(*i),
            Logic::Whole(_, parts) => parts.leaves(out),
            Logic::Not(inner) => inner.leaves(out),
            Logic::And(a, b) | Logic::Or(a, b) => {
                a.leaves(out);
                b.leaves(out);
            }
        }
    }

    /// Kleene evaluation; `leaf` evaluates one leaf. Short-circuits like
    /// minijinja: a side that cannot change the result is not evaluated.
    pub fn eval<E>(&self, leaf: &mut impl FnMut(usize) -> Result<Truth, E>) -> Result<Truth, E> {
        Ok(match self {
            Logic::Leaf(i) => leaf(*i)?,
            Logic::Whole(whole, parts) => match leaf(*whole) {
                Ok(Truth::True) => Truth::True,
                Ok(Truth::False) => Truth::False,
                _ => parts.eval(leaf)?,
            },
            Logic::Not(inner) => inner.eval(leaf)?.not(),
            Logic::And(a, b) => match a.eval(leaf)? {
                Truth::False => Truth::False,
                Truth::True => b.eval(leaf)?,
                Truth::Unknown(mut missing) => match b.eval(leaf)? {
                    Truth::False => Truth::False,
                    Truth::True => Truth::Unknown(missing),
                    Truth::Unknown(more) => {
                        missing.extend(&more);
                        Truth::Unknown(missing)
                    }
                },
            },
            Logic::Or(a, b) => match a.eval(leaf)? {
                Truth::True => Truth::True,
                Truth::False => b.eval(leaf)?,
                Truth::Unknown(mut missing) => match b.eval(leaf)? {
                    Truth::True => Truth::True,
                    Truth::False => Truth::Unknown(missing),
                    Truth::Unknown(more) => {
                        missing.extend(&more);
                        Truth::Unknown(missing)
                    }
                },
            },
        })
    }
}

/// The skeleton of `expr`; each leaf's text and [`Form`] go to `leaves`.
fn split_expr(source: &str, expr: &Expr<'_>, leaves: &mut Vec<(String, Form)>) -> Logic {
    match expr {
        Expr::BinOp(op) if matches!(op.op, BinOpKind::ScAnd | BinOpKind::ScOr) => {
            let left = Box::new(split_expr(source, &op.left, leaves));
            let right = Box::new(split_expr(source, &op.right, leaves));
            if matches!(op.op, BinOpKind::ScAnd) {
                Logic::And(left, right)
            } else {
                Logic::Or(left, right)
            }
        }
        Expr::UnaryOp(op) if matches!(op.op, UnaryOpKind::Not) && prefix_not(source, &op.expr) => {
            Logic::Not(Box::new(split_expr(source, &op.expr, leaves)))
        }
        other => {
            leaves.push((leaf_text(source, other).to_string(), Form::of(other)));
            Logic::Leaf(leaves.len() - 1)
        }
    }
}

/// Whether `source` can only fail (or yield undefined) when it reads an
/// undefined value in strict mode: it uses nothing but names, constants,
/// attribute and item access, arithmetic, single comparisons and `not`.
/// Tests (`is defined`), filters (`default`), calls, literals, nested
/// `and`/`or` and if-expressions can observe an undefined value and decide
/// anyway, so a leaf with any of them is always evaluated.
#[cfg(test)]
pub fn fails_on_undefined(source: &str) -> bool {
    parse_expr(source).is_ok_and(|expr| strict(&expr))
}

/// Whether `expr` can only fail (or yield undefined) when it reads an
/// undefined value: see `fails_on_undefined`.
fn strict(expr: &Expr<'_>) -> bool {
    {
        match expr {
            Expr::Var(_) | Expr::Const(_) => true,
            Expr::GetAttr(x) => strict(&x.expr),
            Expr::GetItem(x) => strict(&x.expr) && strict(&x.subscript_expr),
            Expr::UnaryOp(x) => strict(&x.expr),
            Expr::BinOp(x) => {
                !matches!(
                    x.op,
                    BinOpKind::ScAnd | BinOpKind::ScOr | BinOpKind::Concat | BinOpKind::In
                ) && strict(&x.left)
                    && strict(&x.right)
            }
            Expr::Compare(x) => {
                x.ops.len() == 1
                    && !matches!(x.ops[0].op, CompareOpKind::In | CompareOpKind::NotIn)
                    && strict(&x.expr)
                    && strict(&x.ops[0].expr)
            }
            _ => false,
        }
    }
}

/// The source text of a leaf. minijinja's spans end exactly, but some
/// (comparisons, if-expressions) start at the token before; so the text
/// starts at the leaf's leftmost token, widened to the opening parentheses
/// it closes.
fn leaf_text<'s>(source: &'s str, expr: &Expr<'_>) -> &'s str {
    let end = (span_of(expr).end_offset as usize).min(source.len());
    let mut start = first_token(source, expr).min(end);
    loop {
        let mut depth = 0i32;
        let mut unmatched = false;
        let mut quote = None;
        for c in source[start..end].chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '(' | '[' | '{') => depth += 1,
                (None, ')' | ']' | '}') => {
                    depth -= 1;
                    unmatched |= depth < 0;
                }
                _ => {}
            }
        }
        if !unmatched {
            break;
        }
        match source[..start].trim_end().strip_suffix(['(', '[', '{']) {
            Some(before) => start = before.len(),
            None => break,
        }
    }
    source[start..end].trim()
}

/// Whether a `not` is written before `operand` (`not a`, `not (a or b)`),
/// rather than inside it: minijinja parses `a not in b` as `not (a in b)`.
fn prefix_not(source: &str, operand: &Expr<'_>) -> bool {
    let before = source[..first_token(source, operand).min(source.len())]
        .trim_end_matches(|c: char| c == '(' || c.is_whitespace());
    before.ends_with("not")
        && !before[..before.len() - 3].ends_with(|c: char| c.is_alphanumeric() || c == '_')
}

/// Offset of the first token of `expr`.
fn first_token(source: &str, expr: &Expr<'_>) -> usize {
    match expr {
        Expr::UnaryOp(x) if matches!(x.op, UnaryOpKind::Not) && !prefix_not(source, &x.expr) => {
            first_token(source, &x.expr)
        }
        Expr::BinOp(x) => first_token(source, &x.left),
        Expr::Compare(x) => first_token(source, &x.expr),
        Expr::IfExpr(x) => first_token(source, &x.true_expr),
        Expr::Filter(x) => match &x.expr {
            Some(inner) => first_token(source, inner),
            None => span_of(expr).start_offset as usize,
        },
        Expr::Test(x) => first_token(source, &x.expr),
        Expr::GetAttr(x) => first_token(source, &x.expr),
        Expr::GetItem(x) => first_token(source, &x.expr),
        Expr::Call(x) => first_token(source, &x.expr),
        Expr::Slice(x) => first_token(source, &x.expr),
        other => span_of(other).start_offset as usize,
    }
}

fn span_of(expr: &Expr<'_>) -> minijinja::machinery::Span {
    match expr {
        Expr::Var(x) => x.span(),
        Expr::Const(x) => x.span(),
        Expr::Slice(x) => x.span(),
        Expr::UnaryOp(x) => x.span(),
        Expr::BinOp(x) => x.span(),
        Expr::Compare(x) => x.span(),
        Expr::IfExpr(x) => x.span(),
        Expr::Filter(x) => x.span(),
        Expr::Test(x) => x.span(),
        Expr::GetAttr(x) => x.span(),
        Expr::GetItem(x) => x.span(),
        Expr::Call(x) => x.span(),
        Expr::List(x) => x.span(),
        Expr::Tuple(x) => x.span(),
        Expr::Map(x) => x.span(),
    }
}

/// A comparison's operator, as minijinja applies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum CompareOp {
    Eq,
    Ne,
    Lt,
    Lte,
    Gt,
    Gte,
    In,
    NotIn,
}

impl CompareOp {
    fn of(kind: &CompareOpKind) -> CompareOp {
        match kind {
            CompareOpKind::Eq => CompareOp::Eq,
            CompareOpKind::Ne => CompareOp::Ne,
            CompareOpKind::Lt => CompareOp::Lt,
            CompareOpKind::Lte => CompareOp::Lte,
            CompareOpKind::Gt => CompareOp::Gt,
            CompareOpKind::Gte => CompareOp::Gte,
            CompareOpKind::In => CompareOp::In,
            CompareOpKind::NotIn => CompareOp::NotIn,
        }
    }

    /// `a op b` as minijinja's VM computes it for two defined values
    /// (`Value`'s own equality and order; `in` over a list by equality);
    /// `None` where this does not know minijinja's answer (`in` anything
    /// but a list), which leaves the leaf to minijinja.
    pub(crate) fn apply(self, a: &minijinja::Value, b: &minijinja::Value) -> Option<bool> {
        Some(match self {
            CompareOp::Eq => a == b,
            CompareOp::Ne => a != b,
            CompareOp::Lt => a < b,
            CompareOp::Lte => a <= b,
            CompareOp::Gt => a > b,
            CompareOp::Gte => a >= b,
            CompareOp::In | CompareOp::NotIn => {
                if b.kind() != minijinja::value::ValueKind::Seq {
                    return None;
                }
                let found = b.try_iter().ok()?.any(|item| item == *a);
                found == (self == CompareOp::In)
            }
        })
    }
}

/// One side of a [`Native`] form: a dotted name, a constant (a literal,
/// or a list of literals), a call of a global function whose arguments
/// are operands too, or what minijinja's own operators make of operands.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Operand {
    Name(String),
    Const(#[serde(with = "const_value")] minijinja::Value),
    Call(String, Vec<Operand>),
    /// A filter without arguments applied to an operand (`x | length`).
    Filter(String, Box<Operand>),
    /// Arithmetic or `~` on two operands (`schools / 2`).
    Arith(Arith, Box<Operand>, Box<Operand>),
    /// `name is defined` (`false`) or `name is undefined` (`true`).
    Defined(String, bool),
    /// `a if test else b`.
    If(Box<[Operand; 3]>),
    /// `a and b`, `a or b` as minijinja gives them: the operand that
    /// decided, the second read only when the first does not decide.
    And(Box<[Operand; 2]>),
    Or(Box<[Operand; 2]>),
    /// `not a`.
    Not(Box<Operand>),
    /// One comparison, as a value (`a == b and c`).
    Compare(Box<(Operand, CompareOp, Operand)>),
    /// `a[b]`.
    Item(Box<[Operand; 2]>),
}

/// An arithmetic operator (or `~`) of an [`Operand::Arith`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Concat,
}

impl Arith {
    fn of(kind: &BinOpKind) -> Option<Arith> {
        Some(match kind {
            BinOpKind::Add => Arith::Add,
            BinOpKind::Sub => Arith::Sub,
            BinOpKind::Mul => Arith::Mul,
            BinOpKind::Div => Arith::Div,
            BinOpKind::Concat => Arith::Concat,
            _ => return None,
        })
    }

    /// `a op b` as minijinja's VM computes it, for two known values;
    /// `None` where this does not know minijinja's answer (anything but
    /// numbers for arithmetic, an integer result past `i64`, a division by
    /// zero, which minijinja reports as an error), which leaves the leaf to
    /// minijinja.
    pub(crate) fn apply(
        self,
        a: &minijinja::Value,
        b: &minijinja::Value,
    ) -> Option<minijinja::Value> {
        use minijinja::Value;
        if self == Arith::Concat {
            // minijinja's `string_concat`: two strings joined, anything
            // else through its `Display`; safe only when both sides are.
            let text = match (a.as_str(), b.as_str()) {
                (Some(a), Some(b)) if a.len() < usize::MAX - b.len() => [a, b].concat(),
                _ => format!("{a}{b}"),
            };
            return Some(if a.is_safe() && b.is_safe() {
                Value::from_safe_string(text)
            } else {
                Value::from(text)
            });
        }
        match (Number::of(a)?, Number::of(b)?) {
            (Number::Int(x), Number::Int(y)) if self != Arith::Div => match self {
                Arith::Add => x.checked_add(y),
                Arith::Sub => x.checked_sub(y),
                _ => x.checked_mul(y),
            }
            .map(Value::from),
            (x, y) => {
                let (x, y) = (x.float(), y.float());
                Some(Value::from(match self {
                    Arith::Add => x + y,
                    Arith::Sub => x - y,
                    Arith::Mul => x * y,
                    _ if y == 0.0 => return None,
                    _ => x / y,
                }))
            }
        }
    }
}

/// A number as minijinja's arithmetic coerces it: an integer that fits
/// `i64`, or a float. Booleans and wider integers are left to minijinja.
#[derive(Clone, Copy)]
enum Number {
    Int(i64),
    Float(f64),
}

impl Number {
    fn of(value: &minijinja::Value) -> Option<Number> {
        if value.kind() != minijinja::value::ValueKind::Number {
            return None;
        }
        if value.is_integer() {
            i64::try_from(value.clone()).ok().map(Number::Int)
        } else {
            f64::try_from(value.clone()).ok().map(Number::Float)
        }
    }

    // minijinja converts an integer to a float with `as`, as here.
    #[allow(clippy::cast_precision_loss)]
    fn float(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }
}

/// A leaf the engine can work out without minijinja when what it reads is
/// known: one comparison of two operands (`students.frpm_share >= 0.75`,
/// `accountability.assistance in ['Differentiated', 'Intensive']`), or one
/// value made of operands (`latest(history, 'elpi_status')`, `schools / 2`,
/// `'a' if x is defined else 'b'`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Native {
    Compare(Operand, CompareOp, Operand),
    Call(Operand),
}

/// The native form of `source`, if it is nothing more.
#[cfg(test)]
pub(crate) fn native(source: &str) -> Option<Native> {
    native_of(&parse_expr(source).ok()?)
}

/// The native form of `expr`, if it is nothing more: see `native`.
fn native_of(expr: &Expr<'_>) -> Option<Native> {
    match comparison(expr) {
        Some((left, op, right)) => Some(Native::Compare(operand(left)?, op, operand(right)?)),
        None => operand(expr).map(Native::Call),
    }
}

/// `expr`'s sides and operator if it is one comparison.
fn comparison<'a, 'e>(expr: &'a Expr<'e>) -> Option<(&'a Expr<'e>, CompareOp, &'a Expr<'e>)> {
    Some(match expr {
        Expr::Compare(c) if c.ops.len() == 1 => {
            (&c.expr, CompareOp::of(&c.ops[0].op), &c.ops[0].expr)
        }
        Expr::BinOp(b) => {
            let op = match b.op {
                BinOpKind::Eq => CompareOp::Eq,
                BinOpKind::Ne => CompareOp::Ne,
                BinOpKind::Lt => CompareOp::Lt,
                BinOpKind::Lte => CompareOp::Lte,
                BinOpKind::Gt => CompareOp::Gt,
                BinOpKind::Gte => CompareOp::Gte,
                BinOpKind::In => CompareOp::In,
                _ => return None,
            };
            (&b.left, op, &b.right)
        }
        Expr::UnaryOp(u) if matches!(u.op, UnaryOpKind::Not) => match &u.expr {
            Expr::BinOp(b) if matches!(b.op, BinOpKind::In) => {
                (&b.left, CompareOp::NotIn, &b.right)
            }
            _ => return None,
        },
        _ => return None,
    })
}

/// `expr` as an [`Operand`], if every part of it is one.
fn operand(expr: &Expr<'_>) -> Option<Operand> {
    if let Some((left, op, right)) = comparison(expr) {
        return Some(Operand::Compare(Box::new((
            operand(left)?,
            op,
            operand(right)?,
        ))));
    }
    let pair = |a: &Expr<'_>, b: &Expr<'_>| Some(Box::new([operand(a)?, operand(b)?]));
    Some(match expr {
        Expr::Const(c) => Operand::Const(c.value.clone()),
        // A literal list, or a negated number (`-2`), as minijinja folds it.
        Expr::List(_) | Expr::UnaryOp(_) if expr.as_const().is_some() => {
            Operand::Const(expr.as_const()?)
        }
        Expr::Call(c) => {
            let Expr::Var(function) = &c.expr else {
                return None;
            };
            let args = c.args.iter().map(|arg| match arg {
                minijinja::machinery::ast::CallArg::Pos(expr) => operand(expr),
                _ => None,
            });
            Operand::Call(function.id.to_string(), args.collect::<Option<_>>()?)
        }
        Expr::Filter(f) if f.args.is_empty() => {
            Operand::Filter(f.name.to_string(), Box::new(operand(f.expr.as_ref()?)?))
        }
        Expr::BinOp(b) => match b.op {
            BinOpKind::ScAnd => Operand::And(pair(&b.left, &b.right)?),
            BinOpKind::ScOr => Operand::Or(pair(&b.left, &b.right)?),
            kind => Operand::Arith(
                Arith::of(&kind)?,
                Box::new(operand(&b.left)?),
                Box::new(operand(&b.right)?),
            ),
        },
        Expr::UnaryOp(u) if matches!(u.op, UnaryOpKind::Not) => {
            Operand::Not(Box::new(operand(&u.expr)?))
        }
        Expr::GetItem(g) => Operand::Item(pair(&g.expr, &g.subscript_expr)?),
        Expr::IfExpr(i) => Operand::If(Box::new([
            operand(&i.test_expr)?,
            operand(&i.true_expr)?,
            operand(i.false_expr.as_ref()?)?,
        ])),
        Expr::Test(t) if t.args.is_empty() => {
            let negated = match t.name {
                "defined" => false,
                "undefined" => true,
                _ => return None,
            };
            Operand::Defined(path_of(&t.expr)?, negated)
        }
        other => Operand::Name(path_of(other)?),
    })
}

/// Every leaf of a rule base: its source text and its [`Form`], by leaf
/// index.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Leaves {
    pub sources: Vec<String>,
    pub forms: Vec<Form>,
}

impl Leaves {
    /// Adds a leaf; returns its index.
    pub fn push(&mut self, source: &str, form: Form) -> usize {
        self.sources.push(source.to_string());
        self.forms.push(form);
        self.sources.len() - 1
    }
}

/// What the engine needs to know of a leaf, from its one parse: the names
/// it reads (as minijinja's `undeclared_variables(true)` gives them), its
/// value if it is a constant, whether it is strict (`fails_on_undefined`),
/// and its native form ([`Native`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Form {
    #[serde(serialize_with = "sorted")]
    pub names: HashSet<String>,
    #[serde(with = "const_value::option")]
    pub constant: Option<minijinja::Value>,
    pub strict: bool,
    pub native: Option<Native>,
}

impl Form {
    fn of(expr: &Expr<'_>) -> Form {
        let mut names = HashSet::default();
        names_in(expr, &mut names);
        Form {
            names,
            constant: match expr {
                Expr::Const(c) => Some(c.value.clone()),
                _ => None,
            },
            strict: strict(expr),
            native: native_of(expr),
        }
    }
}

/// A set written in order, so that the build script's cache is the same
/// bytes for the same rules.
fn sorted<S: serde::Serializer>(names: &HashSet<String>, out: S) -> Result<S::Ok, S::Error> {
    let mut names: Vec<&String> = names.iter().collect();
    names.sort();
    names.serialize(out)
}

/// A constant of an expression (the build script caches them): none, a
/// boolean, an integer, a float, a string or a list of these. Anything
/// else cannot be cached, and the rules are then compiled at run time.
mod const_value {
    use minijinja::value::{Value, ValueKind};
    use serde::{de::Deserializer, ser::Error, Deserialize, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    enum Const {
        None,
        Bool(bool),
        Int(i64),
        Float(f64),
        Str(String),
        Seq(Vec<Const>),
    }

    fn of(value: &Value) -> Option<Const> {
        Some(match value.kind() {
            ValueKind::None => Const::None,
            ValueKind::Bool => Const::Bool(value.is_true()),
            ValueKind::Number if value.is_integer() => {
                Const::Int(i64::try_from(value.clone()).ok()?)
            }
            ValueKind::Number => Const::Float(f64::try_from(value.clone()).ok()?),
            ValueKind::String => Const::Str(value.as_str()?.to_string()),
            ValueKind::Seq => Const::Seq(
                value
                    .try_iter()
                    .ok()?
                    .map(|item| of(&item))
                    .collect::<Option<_>>()?,
            ),
            _ => return None,
        })
    }

    fn value(c: Const) -> Value {
        match c {
            Const::None => Value::from(()),
            Const::Bool(b) => Value::from(b),
            Const::Int(i) => Value::from(i),
            Const::Float(f) => Value::from(f),
            Const::Str(s) => Value::from(s),
            Const::Seq(items) => Value::from(items.into_iter().map(value).collect::<Vec<_>>()),
        }
    }

    pub fn serialize<S: Serializer>(v: &Value, out: S) -> Result<S::Ok, S::Error> {
        of(v)
            .ok_or_else(|| S::Error::custom(format!("cannot cache the constant {v}")))?
            .serialize(out)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(input: D) -> Result<Value, D::Error> {
        Const::deserialize(input).map(value)
    }

    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(v: &Option<Value>, out: S) -> Result<S::Ok, S::Error> {
            match v {
                Some(v) => {
                    out.serialize_some(&super::of(v).ok_or_else(|| {
                        S::Error::custom(format!("cannot cache the constant {v}"))
                    })?)
                }
                None => out.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(input: D) -> Result<Option<Value>, D::Error> {
            Option::<Const>::deserialize(input).map(|c| c.map(value))
        }
    }
}

/// The names `expr` reads, walked as minijinja's `find_undeclared` walks an
/// expression with nested names: a chain of attributes on a name is one
/// dotted name (`students.el_share`), anything else reads its parts.
fn names_in(expr: &Expr<'_>, out: &mut HashSet<String>) {
    let mut all = |exprs: &mut dyn Iterator<Item = &Expr<'_>>| exprs.for_each(|e| names_in(e, out));
    match expr {
        Expr::Var(v) => {
            out.insert(v.id.to_string());
        }
        Expr::Const(_) => {}
        Expr::UnaryOp(x) => names_in(&x.expr, out),
        Expr::BinOp(x) => all(&mut [&x.left, &x.right].into_iter()),
        Expr::Compare(x) => all(&mut std::iter::once(&x.expr).chain(x.ops.iter().map(|o| &o.expr))),
        Expr::IfExpr(x) => all(&mut [&x.test_expr, &x.true_expr]
            .into_iter()
            .chain(x.false_expr.as_ref())),
        Expr::Filter(x) => all(&mut x.expr.iter().chain(x.args.iter().map(arg_expr))),
        Expr::Test(x) => all(&mut std::iter::once(&x.expr).chain(x.args.iter().map(arg_expr))),
        Expr::GetAttr(x) => match path_of(expr) {
            Some(path) => {
                out.insert(path);
            }
            None => names_in(&x.expr, out),
        },
        Expr::GetItem(x) => all(&mut [&x.expr, &x.subscript_expr].into_iter()),
        // minijinja reads a slice's bounds, not what it slices.
        Expr::Slice(x) => all(&mut [&x.start, &x.stop, &x.step].into_iter().flatten()),
        Expr::Call(x) => all(&mut std::iter::once(&x.expr).chain(x.args.iter().map(arg_expr))),
        Expr::List(x) => all(&mut x.items.iter()),
        Expr::Tuple(x) => all(&mut x.items.iter()),
        Expr::Map(x) => all(&mut x.keys.iter().chain(x.values.iter())),
    }
}

/// The expression of a call argument, however it is passed.
fn arg_expr<'a, 's>(arg: &'a minijinja::machinery::ast::CallArg<'s>) -> &'a Expr<'s> {
    use minijinja::machinery::ast::CallArg;
    match arg {
        CallArg::Pos(e) | CallArg::Kwarg(_, e) | CallArg::PosSplat(e) | CallArg::KwargSplat(e) => e,
    }
}

/// The (path, literal) pairs where an expression compares a string with a
/// dotted name (`leadership.el_expertise == 'novice'`), for `check` to
/// test against the district's enum values.
pub(crate) fn enum_comparisons(source: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Ok(expr) = parse_expr(source) {
        enum_comparisons_in(&expr, &mut out);
    }
    out
}

/// The dotted path an expression names (`leadership.el_expertise`).
fn path_of(expr: &Expr<'_>) -> Option<String> {
    let mut attrs = Vec::new();
    let mut at = expr;
    let root = loop {
        match at {
            Expr::Var(v) => break v.id,
            Expr::GetAttr(g) => {
                attrs.push(g.name);
                at = &g.expr;
            }
            _ => return None,
        }
    };
    let mut path =
        String::with_capacity(root.len() + attrs.iter().map(|a| a.len() + 1).sum::<usize>());
    path.push_str(root);
    for attr in attrs.iter().rev() {
        path.push('.');
        path.push_str(attr);
    }
    Some(path)
}

fn string_of(expr: &Expr<'_>) -> Option<String> {
    match expr {
        Expr::Const(c) => c.value.as_str().map(str::to_string),
        _ => None,
    }
}

/// (path, literal) pairs where a string is compared with an enum field.
fn enum_comparisons_in(expr: &Expr<'_>, out: &mut Vec<(String, String)>) {
    match expr {
        Expr::Compare(c) => {
            let mut left = &c.expr;
            for op in &c.ops {
                let right = &op.expr;
                match op.op {
                    CompareOpKind::Eq | CompareOpKind::Ne => {
                        for (a, b) in [(left, right), (right, left)] {
                            if let (Some(path), Some(text)) = (path_of(a), string_of(b)) {
                                out.push((path, text));
                            }
                        }
                    }
                    CompareOpKind::In | CompareOpKind::NotIn => {
                        if let (Some(text), Some(path)) = (string_of(left), path_of(right)) {
                            out.push((path, text));
                        }
                    }
                    _ => {}
                }
                enum_comparisons_in(left, out);
                left = right;
            }
            enum_comparisons_in(left, out);
        }
        Expr::BinOp(b) => {
            match b.op {
                BinOpKind::Eq | BinOpKind::Ne => {
                    for (x, y) in [(&b.left, &b.right), (&b.right, &b.left)] {
                        if let (Some(path), Some(text)) = (path_of(x), string_of(y)) {
                            out.push((path, text));
                        }
                    }
                }
                BinOpKind::In => {
                    if let (Some(text), Some(path)) = (string_of(&b.left), path_of(&b.right)) {
                        out.push((path, text));
                    }
                }
                _ => {}
            }
            enum_comparisons_in(&b.left, out);
            enum_comparisons_in(&b.right, out);
        }
        Expr::UnaryOp(u) => enum_comparisons_in(&u.expr, out),
        Expr::IfExpr(i) => {
            enum_comparisons_in(&i.test_expr, out);
            enum_comparisons_in(&i.true_expr, out);
            if let Some(f) = &i.false_expr {
                enum_comparisons_in(f, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The skeleton and its part leaves (the whole, appended last, dropped).
    fn split(source: &str) -> (Logic, Vec<String>) {
        let mut leaves = Leaves::default();
        let logic = Logic::split(source, &mut leaves).unwrap();
        let mut leaves = leaves.sources;
        if let Logic::Whole(whole, _) = logic {
            assert_eq!(whole, leaves.len() - 1);
            assert_eq!(leaves.pop().as_deref(), Some(source));
        }
        (logic, leaves)
    }

    fn eval(source: &str, values: &[Option<bool>]) -> Truth {
        let (logic, _) = split(source);
        // The whole is undecided here, so the parts decide.
        logic
            .eval::<()>(&mut |i| {
                Ok(match values.get(i) {
                    Some(Some(b)) => Truth::from_bool(*b),
                    Some(None) => Truth::Unknown(Missing::of(i)),
                    None => Truth::Unknown(Missing::new()),
                })
            })
            .unwrap()
    }

    #[test]
    fn missing_sets_unite_past_one_word() {
        let mut set = Missing::of(130);
        set.insert(3);
        let mut other = Missing::of(64);
        other.insert(3);
        set.extend(&other);
        assert_eq!(set.iter().collect::<Vec<_>>(), [3, 64, 130]);
        let mut same = Missing::of(64);
        same.extend(&Missing::of(130));
        same.insert(3);
        assert_eq!(set, same);
        assert!(Missing::new().is_empty() && !Missing::of(70).is_empty());
    }

    #[test]
    fn splits_at_connectives_only() {
        let (_, leaves) = split("(a.b >= 0.4 and not (c or d)) or e | length > 2");
        assert_eq!(leaves, ["a.b >= 0.4", "c", "d", "e | length > 2"]);
        let (_, leaves) = split("(x + 1) * 2 > y or 'a' in z and f(q) is defined");
        assert_eq!(leaves, ["(x + 1) * 2 > y", "'a' in z", "f(q) is defined"]);
        let (logic, leaves) = split("a == 'N' and 'C' not in p and not (q)");
        assert_eq!(leaves, ["a == 'N'", "'C' not in p", "q"]);
        let Logic::Whole(_, parts) = logic else {
            panic!("a condition with connectives keeps its whole");
        };
        assert!(matches!(*parts, Logic::And(_, ref right) if matches!(**right, Logic::Not(_))));
        let (_, leaves) = split("a if b else c");
        assert_eq!(leaves, ["a if b else c"]);
    }

    #[test]
    fn known_sides_decide_where_they_can() {
        assert_eq!(eval("a or b", &[None, Some(true)]), Truth::True);
        assert_eq!(eval("a and b", &[None, Some(false)]), Truth::False);
        assert_eq!(
            eval("a and b", &[None, Some(true)]),
            Truth::Unknown(Missing::of(0))
        );
        assert_eq!(
            eval("not (a or b)", &[None, None]),
            Truth::Unknown({
                let mut both = Missing::of(0);
                both.insert(1);
                both
            })
        );
        assert_eq!(eval("not a", &[Some(true)]), Truth::False);
    }

    #[test]
    fn a_decided_whole_skips_the_parts() {
        let (logic, leaves) = split("a or b");
        let whole = leaves.len();
        let mut evaluated = Vec::new();
        let truth = logic
            .eval::<()>(&mut |i| {
                evaluated.push(i);
                Ok(Truth::from_bool(i == whole))
            })
            .unwrap();
        assert_eq!((truth, evaluated), (Truth::True, vec![whole]));
    }

    #[test]
    fn strict_leaves_never_decide_on_an_undefined_value() {
        let mut env = minijinja::Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        let ctx = minijinja::context! { d => minijinja::context! { a => 1 }, l => vec![1, 2] };
        let strict = [
            "u",
            "u.x",
            "d.u > 1",
            "1 < d.u",
            "d.u + 1",
            "d.u * 2",
            "-d.u",
            "not d.u",
            "d.u == 'a'",
            "d.u != 1",
            "u[0]",
            "d['u'] == 1",
            "d.u // 2",
            "d.u % 2",
            "d.u ** 2",
            "d.u.x.y >= 0.2",
            "d.u - d.a",
            "d.a / d.u",
            "not (d.u > 1)",
        ];
        for source in strict {
            assert!(
                fails_on_undefined(source),
                "{source} should count as strict"
            );
            let result = env.compile_expression(source).unwrap().eval(ctx.clone());
            assert!(
                result.as_ref().map_or(true, |v| v.is_undefined()),
                "{source} decided {result:?} on an undefined value"
            );
        }
        for source in [
            "d.u is defined",
            "d.u | default(1) > 0",
            "[d.u] | length",
            "f(d.u)",
            "'a' in d.u",
            "d.u in l",
            "(d.u or 1) > 0",
            "1 if d.u else 2",
            "d.a < 2 < d.u",
            "d.u ~ 'x'",
        ] {
            assert!(
                !fails_on_undefined(source),
                "{source} may observe undefined"
            );
        }
    }

    #[test]
    fn syntax_errors_are_reported() {
        let mut leaves = Leaves::default();
        assert!(Logic::split("a and (b", &mut leaves).is_err());
    }

    #[test]
    fn native_comparisons_agree_with_minijinja() {
        use minijinja::{context, Environment, Value};
        let env = Environment::new();
        let values = [
            Value::from(0),
            Value::from(3),
            Value::from(3.0),
            Value::from(0.25),
            Value::from(-1.5),
            Value::from(true),
            Value::from(false),
            Value::from("Rural"),
            Value::from("rural"),
            Value::from(""),
            Value::from(()),
            Value::from(vec![Value::from("Rural"), Value::from(3)]),
            Value::from(Vec::<Value>::new()),
        ];
        let ops = [
            ("==", CompareOp::Eq),
            ("!=", CompareOp::Ne),
            ("<", CompareOp::Lt),
            ("<=", CompareOp::Lte),
            (">", CompareOp::Gt),
            (">=", CompareOp::Gte),
            ("in", CompareOp::In),
            ("not in", CompareOp::NotIn),
        ];
        let mut decided = 0;
        for (text, op) in ops {
            let source = format!("a {text} b");
            let parsed = match native(&source) {
                Some(Native::Compare(Operand::Name(a), parsed, Operand::Name(b))) => {
                    assert_eq!((a.as_str(), b.as_str()), ("a", "b"));
                    parsed
                }
                other => panic!("{source} parsed as {other:?}"),
            };
            assert_eq!(parsed, op, "{source}");
            let expr = env.compile_expression(&source).unwrap();
            for a in &values {
                for b in &values {
                    let Some(native) = op.apply(a, b) else {
                        continue;
                    };
                    let theirs = expr.eval(context! { a => a.clone(), b => b.clone() });
                    assert_eq!(
                        theirs.map(|v| v.is_true()).ok(),
                        Some(native),
                        "{a:?} {text} {b:?}"
                    );
                    decided += 1;
                }
            }
        }
        assert!(decided > 500, "only {decided} comparisons decided natively");
    }

    #[test]
    fn operators_calls_and_argumentless_filters_are_native() {
        for source in [
            "a.b >= 0.2",
            "'x' not in a.l",
            "f(a, 'x', 3)",
            "a.l | length",
            "x in ['a', 'b']",
            "a and b",
            "a + 1 > 2",
            "a is defined",
            "a.b is undefined",
            "'x' if a is defined else a.b ~ ''",
            "not a or b == c",
            "(a * b) | round",
            "a.x.y == 1 or b",
            "f(a, 'x')[-2] - a.b[0] >= 0.02",
        ] {
            assert!(native(source).is_some(), "{source}");
        }
        for source in [
            "a < b < c",
            "a | default(1)",
            "'x' if a",
            "a is number",
            "a // 2",
            "a % 2",
            "a ** 2",
            "{'a': 1}",
            "a and b[1:]",
        ] {
            assert!(native(source).is_none(), "{source}");
        }
    }

    /// What minijinja makes of a value, closely enough to tell `3` from
    /// `3.0` and a safe string from a plain one.
    fn shape(value: &minijinja::Value) -> (String, bool, bool) {
        (value.to_string(), value.is_integer(), value.is_safe())
    }

    #[test]
    fn native_arithmetic_agrees_with_minijinja() {
        use minijinja::{context, Environment, Value};
        let env = Environment::new();
        let values = [
            Value::from(0),
            Value::from(3),
            Value::from(-7),
            Value::from(i64::MAX),
            Value::from(u64::MAX),
            Value::from(3.0),
            Value::from(0.1),
            Value::from(-2.5),
            Value::from(f64::MAX),
            Value::from(true),
            Value::from("2019"),
            Value::from_safe_string("<b>".to_string()),
            Value::from(()),
            Value::from(vec![Value::from(1)]),
        ];
        let ops = [
            ("+", Arith::Add),
            ("-", Arith::Sub),
            ("*", Arith::Mul),
            ("/", Arith::Div),
            ("~", Arith::Concat),
        ];
        let mut decided = 0;
        for (text, op) in ops {
            let source = format!("a {text} b");
            assert!(
                matches!(native(&source), Some(Native::Call(Operand::Arith(parsed, _, _))) if parsed == op),
                "{source}"
            );
            let expr = env.compile_expression(&source).unwrap();
            for a in &values {
                for b in &values {
                    let Some(native) = op.apply(a, b) else {
                        continue;
                    };
                    let theirs = expr
                        .eval(context! { a => a.clone(), b => b.clone() })
                        .unwrap_or_else(|e| panic!("{a:?} {text} {b:?}: {e}"));
                    assert_eq!(shape(&native), shape(&theirs), "{a:?} {text} {b:?}");
                    decided += 1;
                }
            }
        }
        assert!(decided > 100, "only {decided} operations decided natively");
    }

    #[test]
    fn native_filters_agree_with_minijinja() {
        use minijinja::{context, Environment, Value};
        let env = Environment::new();
        let values = [
            Value::from(3),
            Value::from(2.5),
            Value::from(3.5),
            Value::from(-0.5),
            Value::from(1e300),
            Value::from(0.1 + 0.2),
            Value::from("ÉCOLE"),
            Value::from_safe_string("A<B".to_string()),
            Value::from(true),
            Value::from(vec![Value::from(1)]),
        ];
        let mut decided = 0;
        for name in ["lower", "round", "length"] {
            let filter = crate::helpers::native_filter(name).expect("a native filter");
            let source = format!("a | {name}");
            let expr = env.compile_expression(&source).unwrap();
            for a in &values {
                let Ok(native) = filter(std::slice::from_ref(a)) else {
                    continue;
                };
                let theirs = expr.eval(context! { a => a.clone() }).unwrap();
                assert_eq!(shape(&native), shape(&theirs), "{a:?} | {name}");
                decided += 1;
            }
        }
        assert!(decided >= 11, "only {decided} filters decided natively");
    }
}
