//! The syntax tree of an expression: every node keeps the span of the text it was parsed
//! from, so that errors found while evaluating it can point there.

use crate::diagnostic::Span;

/// An expression node.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// what it is
    pub kind: ExprKind,
    /// the text it covers
    pub span: Span,
}

/// Binary operators, by their NumPy ufunc.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `//`
    FloorDiv,
    /// `%`
    Mod,
    /// `**`
    Pow,
    /// `@`
    MatMul,
    /// `&`
    BitAnd,
    /// `|`
    BitOr,
    /// `^`
    BitXor,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        use BinOp::*;
        match self {
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            FloorDiv => "//",
            Mod => "%",
            Pow => "**",
            MatMul => "@",
            BitAnd => "&",
            BitOr => "|",
            BitXor => "^",
            Shl => "<<",
            Shr => ">>",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            Eq => "==",
            Ne => "!=",
        }
    }
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    /// `-x`
    Neg,
    /// `+x`
    Pos,
    /// `~x`
    Invert,
}

/// One entry of a subscript: `x[i, a:b:c]`.
#[derive(Clone, Debug, PartialEq)]
pub enum IndexItem {
    /// An expression (integer, `None`, `...`, an array).
    Expr(Expr),
    /// `start:stop:step`, each part optional.
    Slice {
        /// start
        start: Option<Expr>,
        /// stop
        stop: Option<Expr>,
        /// step
        step: Option<Expr>,
        /// the whole slice's text
        span: Span,
    },
}

/// A keyword argument `name=value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Keyword {
    /// the name
    pub name: String,
    /// the name's text
    pub name_span: Span,
    /// the value
    pub value: Expr,
}

/// What an expression node is.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// An integer literal.
    Int(i64),
    /// A float literal.
    Float(f64),
    /// A string literal.
    Str(String),
    /// `True` / `False`.
    Bool(bool),
    /// `None`.
    None,
    /// `...`.
    Ellipsis,
    /// A name: an input, a function, a constant, a dtype, `np`.
    Name(String),
    /// `op operand`.
    Unary {
        /// the operator
        op: UnOp,
        /// its operand
        operand: Box<Expr>,
    },
    /// `lhs op rhs`.
    Binary {
        /// the operator
        op: BinOp,
        /// left operand
        lhs: Box<Expr>,
        /// right operand
        rhs: Box<Expr>,
    },
    /// `func(args, name=value)`.
    Call {
        /// what is called
        func: Box<Expr>,
        /// positional arguments
        args: Vec<Expr>,
        /// keyword arguments
        kwargs: Vec<Keyword>,
    },
    /// `value.name`.
    Attribute {
        /// the object
        value: Box<Expr>,
        /// the attribute
        name: String,
        /// the attribute name's text
        name_span: Span,
    },
    /// `value[index]`.
    Subscript {
        /// the indexed value
        value: Box<Expr>,
        /// the entries, one per comma-separated part
        index: Vec<IndexItem>,
    },
    /// `(a, b)`.
    Tuple(Vec<Expr>),
    /// `[a, b]`.
    List(Vec<Expr>),
}
