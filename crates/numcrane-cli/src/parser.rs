//! Parses an expression into an [`Expr`] tree, with Python's grammar and precedence.
//!
//! From loosest to tightest: comparisons (`< <= > >= == !=`, not chained), `|`, `^`, `&`,
//! `<< >>`, `+ -`, `* / // % @`, unary `- + ~`, `**` (right-associative; it binds tighter
//! than a unary minus on its left, so `-x**2` is `-(x**2)`, and its right operand may carry
//! its own sign: `2**-1`), then calls, subscripts and attributes, then atoms. Python's `and`,
//! `or`, `not` and chained comparisons are rejected with a hint to use `& | ~`.

use crate::ast::{BinOp, Expr, ExprKind, IndexItem, Keyword, UnOp};
use crate::diagnostic::{Diagnostic, Span};
use crate::lexer::{tokenize, Tok, Token};

/// Parses a whole expression.
pub fn parse(text: &str) -> Result<Expr, Diagnostic> {
    let tokens = tokenize(text)?;
    let mut p = Parser { tokens, pos: 0 };
    if p.peek().tok == Tok::End {
        return Err(Diagnostic::usage(
            "empty expression",
            Some(Span::new(0, text.len())),
        ));
    }
    let e = p.expr()?;
    match &p.peek().tok {
        Tok::End => Ok(e),
        _ => Err(p.unexpected("an operator or the end of the expression")),
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

/// A description of a token for messages.
fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Int(i) => format!("'{i}'"),
        Tok::Float(f) => format!("'{f}'"),
        Tok::Str(s) => format!("'{s:?}'"),
        Tok::Name(n) => format!("'{n}'"),
        Tok::Punct(p) => format!("'{p}'"),
        Tok::End => "the end of the expression".into(),
    }
}

impl Parser {
    fn peek(&self) -> &Token {
        // The token list always ends with End, and `pos` never moves past it.
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if t.tok != Tok::End {
            self.pos += 1;
        }
        t
    }

    fn at(&self, p: &str) -> bool {
        matches!(self.peek().tok, Tok::Punct(q) if q == p)
    }

    fn eat(&mut self, p: &str) -> Option<Span> {
        if self.at(p) {
            Some(self.bump().span)
        } else {
            None
        }
    }

    fn unexpected(&self, wanted: &str) -> Diagnostic {
        let t = self.peek();
        let span = if t.tok == Tok::End {
            Span::new(t.span.start, t.span.start + 1)
        } else {
            t.span
        };
        Diagnostic::usage(
            format!("expected {wanted}, found {}", describe(&t.tok)),
            Some(span),
        )
    }

    fn expect(&mut self, p: &str) -> Result<Span, Diagnostic> {
        self.eat(p)
            .ok_or_else(|| self.unexpected(&format!("'{p}'")))
    }

    fn expr(&mut self) -> Result<Expr, Diagnostic> {
        let lhs = self.bitor()?;
        let Some(op) = self.compare_op() else {
            self.reject_keywords()?;
            return Ok(lhs);
        };
        self.bump();
        let rhs = self.bitor()?;
        if let Some(second) = self.compare_op() {
            let span = self.peek().span;
            return Err(Diagnostic::usage(
                format!(
                    "chained comparisons are not supported: write (a {} b) & (b {} c)",
                    op.symbol(),
                    second.symbol()
                ),
                Some(span),
            ));
        }
        self.reject_keywords()?;
        Ok(binary(op, lhs, rhs))
    }

    /// Python's boolean keywords, which NumPy arrays do not support either.
    fn reject_keywords(&self) -> Result<(), Diagnostic> {
        let t = self.peek();
        let hint = match &t.tok {
            Tok::Name(n) if n == "and" => "use & for element-wise and, with parentheses",
            Tok::Name(n) if n == "or" => "use | for element-wise or, with parentheses",
            Tok::Name(n) if n == "if" => {
                "conditional expressions are not supported: use where(cond, a, b)"
            }
            Tok::Name(n) if n == "for" => "comprehensions are not supported",
            _ => return Ok(()),
        };
        Err(Diagnostic::usage(hint, Some(t.span)))
    }

    fn compare_op(&self) -> Option<BinOp> {
        match self.peek().tok {
            Tok::Punct("<") => Some(BinOp::Lt),
            Tok::Punct("<=") => Some(BinOp::Le),
            Tok::Punct(">") => Some(BinOp::Gt),
            Tok::Punct(">=") => Some(BinOp::Ge),
            Tok::Punct("==") => Some(BinOp::Eq),
            Tok::Punct("!=") => Some(BinOp::Ne),
            _ => None,
        }
    }

    /// One left-associative level: `next (op next)*` for the operators in `ops`.
    fn left_assoc(
        &mut self,
        ops: &[(&str, BinOp)],
        next: fn(&mut Parser) -> Result<Expr, Diagnostic>,
    ) -> Result<Expr, Diagnostic> {
        let mut lhs = next(self)?;
        while let Some(&(_, op)) = ops.iter().find(|(s, _)| self.at(s)) {
            self.bump();
            let rhs = next(self)?;
            lhs = binary(op, lhs, rhs);
        }
        Ok(lhs)
    }

    fn bitor(&mut self) -> Result<Expr, Diagnostic> {
        self.left_assoc(&[("|", BinOp::BitOr)], Parser::bitxor)
    }

    fn bitxor(&mut self) -> Result<Expr, Diagnostic> {
        self.left_assoc(&[("^", BinOp::BitXor)], Parser::bitand)
    }

    fn bitand(&mut self) -> Result<Expr, Diagnostic> {
        self.left_assoc(&[("&", BinOp::BitAnd)], Parser::shift)
    }

    fn shift(&mut self) -> Result<Expr, Diagnostic> {
        self.left_assoc(&[("<<", BinOp::Shl), (">>", BinOp::Shr)], Parser::arith)
    }

    fn arith(&mut self) -> Result<Expr, Diagnostic> {
        self.left_assoc(&[("+", BinOp::Add), ("-", BinOp::Sub)], Parser::term)
    }

    fn term(&mut self) -> Result<Expr, Diagnostic> {
        self.left_assoc(
            &[
                ("*", BinOp::Mul),
                ("/", BinOp::Div),
                ("//", BinOp::FloorDiv),
                ("%", BinOp::Mod),
                ("@", BinOp::MatMul),
            ],
            Parser::factor,
        )
    }

    fn factor(&mut self) -> Result<Expr, Diagnostic> {
        let op = match self.peek().tok {
            Tok::Punct("-") => Some(UnOp::Neg),
            Tok::Punct("+") => Some(UnOp::Pos),
            Tok::Punct("~") => Some(UnOp::Invert),
            Tok::Name(ref n) if n == "not" => {
                return Err(Diagnostic::usage(
                    "'not' is not supported: use ~ for element-wise not",
                    Some(self.peek().span),
                ))
            }
            _ => None,
        };
        match op {
            Some(op) => {
                let start = self.bump().span;
                let operand = self.factor()?;
                Ok(Expr {
                    span: start.to(operand.span),
                    kind: ExprKind::Unary {
                        op,
                        operand: Box::new(operand),
                    },
                })
            }
            None => self.power(),
        }
    }

    fn power(&mut self) -> Result<Expr, Diagnostic> {
        let base = self.primary()?;
        if self.eat("**").is_some() {
            let exponent = self.factor()?;
            return Ok(binary(BinOp::Pow, base, exponent));
        }
        Ok(base)
    }

    fn primary(&mut self) -> Result<Expr, Diagnostic> {
        let mut e = self.atom()?;
        loop {
            if self.eat("(").is_some() {
                let (args, kwargs) = self.call_args()?;
                let close = self.expect(")")?;
                e = Expr {
                    span: e.span.to(close),
                    kind: ExprKind::Call {
                        func: Box::new(e),
                        args,
                        kwargs,
                    },
                };
            } else if self.eat("[").is_some() {
                let index = self.subscript()?;
                let close = self.expect("]")?;
                e = Expr {
                    span: e.span.to(close),
                    kind: ExprKind::Subscript {
                        value: Box::new(e),
                        index,
                    },
                };
            } else if self.eat(".").is_some() {
                let t = self.bump();
                let Tok::Name(name) = t.tok else {
                    self.pos -= usize::from(t.tok != Tok::End);
                    return Err(self.unexpected("an attribute name after '.'"));
                };
                e = Expr {
                    span: e.span.to(t.span),
                    kind: ExprKind::Attribute {
                        value: Box::new(e),
                        name,
                        name_span: t.span,
                    },
                };
            } else {
                return Ok(e);
            }
        }
    }

    fn call_args(&mut self) -> Result<(Vec<Expr>, Vec<Keyword>), Diagnostic> {
        let mut args = Vec::new();
        let mut kwargs: Vec<Keyword> = Vec::new();
        while !self.at(")") {
            let is_keyword = matches!(self.peek().tok, Tok::Name(_))
                && matches!(
                    self.tokens.get(self.pos + 1).map(|t| &t.tok),
                    Some(Tok::Punct("="))
                );
            if is_keyword {
                let t = self.bump();
                let Tok::Name(name) = t.tok else {
                    return Err(self.unexpected("a keyword name"));
                };
                self.bump();
                if kwargs.iter().any(|k| k.name == name) {
                    return Err(Diagnostic::usage(
                        format!("keyword argument '{name}' given twice"),
                        Some(t.span),
                    ));
                }
                let value = self.expr()?;
                kwargs.push(Keyword {
                    name,
                    name_span: t.span,
                    value,
                });
            } else {
                if self.at("*") || self.at("**") {
                    return Err(Diagnostic::usage(
                        "argument unpacking (*args, **kwargs) is not supported",
                        Some(self.peek().span),
                    ));
                }
                let value = self.expr()?;
                if let Some(k) = kwargs.last() {
                    return Err(Diagnostic::usage(
                        format!(
                            "positional argument after the keyword argument '{}'",
                            k.name
                        ),
                        Some(value.span),
                    ));
                }
                args.push(value);
            }
            if self.eat(",").is_none() {
                break;
            }
        }
        Ok((args, kwargs))
    }

    fn subscript(&mut self) -> Result<Vec<IndexItem>, Diagnostic> {
        let mut items = Vec::new();
        loop {
            if self.at("]") && !items.is_empty() {
                break;
            }
            items.push(self.index_item()?);
            if self.eat(",").is_none() {
                break;
            }
        }
        Ok(items)
    }

    /// An expression that may be left out (before `:`, `,` or `]`).
    fn optional_expr(&mut self) -> Result<Option<Expr>, Diagnostic> {
        if self.at(":") || self.at(",") || self.at("]") {
            Ok(None)
        } else {
            self.expr().map(Some)
        }
    }

    fn index_item(&mut self) -> Result<IndexItem, Diagnostic> {
        let first_span = self.peek().span;
        let start = self.optional_expr()?;
        let Some(colon) = self.eat(":") else {
            return match start {
                Some(e) => Ok(IndexItem::Expr(e)),
                None => Err(self.unexpected("an index or a slice")),
            };
        };
        let stop = self.optional_expr()?;
        let mut step = None;
        let mut end = stop.as_ref().map_or(colon, |e| e.span);
        if let Some(c2) = self.eat(":") {
            end = c2;
            step = self.optional_expr()?;
            if let Some(s) = &step {
                end = s.span;
            }
        }
        let begin = start.as_ref().map_or(colon, |e| e.span);
        let span = if start.is_some() {
            begin.to(end)
        } else {
            Span::new(first_span.start.min(colon.start), end.end)
        };
        Ok(IndexItem::Slice {
            start,
            stop,
            step,
            span,
        })
    }

    fn atom(&mut self) -> Result<Expr, Diagnostic> {
        let t = self.bump();
        let kind = match t.tok {
            Tok::Int(i) => ExprKind::Int(i),
            Tok::Float(f) => ExprKind::Float(f),
            Tok::Str(s) => ExprKind::Str(s),
            Tok::Name(n) => match n.as_str() {
                "True" => ExprKind::Bool(true),
                "False" => ExprKind::Bool(false),
                "None" => ExprKind::None,
                "and" | "or" | "not" | "if" | "else" | "lambda" | "for" | "in" | "is" => {
                    return Err(Diagnostic::usage(
                        format!("the Python keyword '{n}' is not supported here"),
                        Some(t.span),
                    ))
                }
                _ => ExprKind::Name(n),
            },
            Tok::Punct("...") => ExprKind::Ellipsis,
            Tok::Punct("(") => return self.parenthesized(t.span),
            Tok::Punct("[") => {
                let (items, close) = self.sequence("]")?;
                return Ok(Expr {
                    kind: ExprKind::List(items),
                    span: t.span.to(close),
                });
            }
            _ => {
                self.pos -= usize::from(t.tok != Tok::End);
                return Err(self.unexpected("an expression"));
            }
        };
        Ok(Expr { kind, span: t.span })
    }

    /// Comma-separated expressions up to `close`; returns them and the closing token's span.
    fn sequence(&mut self, close: &str) -> Result<(Vec<Expr>, Span), Diagnostic> {
        let mut items = Vec::new();
        while !self.at(close) {
            items.push(self.expr()?);
            if self.eat(",").is_none() {
                break;
            }
        }
        let end = self.expect(close)?;
        Ok((items, end))
    }

    /// `( expr )` or a tuple `()`, `(a,)`, `(a, b)`.
    fn parenthesized(&mut self, open: Span) -> Result<Expr, Diagnostic> {
        if let Some(close) = self.eat(")") {
            return Ok(Expr {
                kind: ExprKind::Tuple(vec![]),
                span: open.to(close),
            });
        }
        let mut first = self.expr()?;
        if let Some(close) = self.eat(")") {
            // Parentheses only group; the node's span takes them in, so that the spans of
            // the operations around it cover balanced text.
            first.span = open.to(close);
            return Ok(first);
        }
        if !self.at(",") {
            return Err(self.unexpected("')' or ','"));
        }
        self.bump();
        let (mut rest, close) = self.sequence(")")?;
        let mut items = vec![first];
        items.append(&mut rest);
        Ok(Expr {
            kind: ExprKind::Tuple(items),
            span: open.to(close),
        })
    }
}

fn binary(op: BinOp, lhs: Expr, rhs: Expr) -> Expr {
    Expr {
        span: lhs.span.to(rhs.span),
        kind: ExprKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree as a fully parenthesized string, for comparing structure.
    fn show(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Int(i) => i.to_string(),
            ExprKind::Float(f) => format!("{f:?}"),
            ExprKind::Str(s) => format!("{s:?}"),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::None => "None".into(),
            ExprKind::Ellipsis => "...".into(),
            ExprKind::Name(n) => n.clone(),
            ExprKind::Unary { op, operand } => {
                let s = match op {
                    UnOp::Neg => "-",
                    UnOp::Pos => "+",
                    UnOp::Invert => "~",
                };
                format!("({s}{})", show(operand))
            }
            ExprKind::Binary { op, lhs, rhs } => {
                format!("({} {} {})", show(lhs), op.symbol(), show(rhs))
            }
            ExprKind::Call { func, args, kwargs } => {
                let mut parts: Vec<String> = args.iter().map(show).collect();
                parts.extend(
                    kwargs
                        .iter()
                        .map(|k| format!("{}={}", k.name, show(&k.value))),
                );
                format!("{}({})", show(func), parts.join(", "))
            }
            ExprKind::Attribute { value, name, .. } => format!("{}.{name}", show(value)),
            ExprKind::Subscript { value, index } => {
                let parts: Vec<String> = index
                    .iter()
                    .map(|i| match i {
                        IndexItem::Expr(e) => show(e),
                        IndexItem::Slice {
                            start, stop, step, ..
                        } => {
                            let o = |x: &Option<Expr>| x.as_ref().map(show).unwrap_or_default();
                            format!("{}:{}:{}", o(start), o(stop), o(step))
                        }
                    })
                    .collect();
                format!("{}[{}]", show(value), parts.join(", "))
            }
            ExprKind::Tuple(items) => {
                let parts: Vec<String> = items.iter().map(show).collect();
                format!("tuple({})", parts.join(", "))
            }
            ExprKind::List(items) => {
                let parts: Vec<String> = items.iter().map(show).collect();
                format!("[{}]", parts.join(", "))
            }
        }
    }

    fn p(text: &str) -> String {
        match parse(text) {
            Ok(e) => show(&e),
            Err(d) => format!("error: {}", d.message),
        }
    }

    fn err_col(text: &str) -> usize {
        match parse(text) {
            Ok(_) => 0,
            Err(d) => d.span.map_or(0, |s| s.column(text)),
        }
    }

    #[test]
    fn python_precedence() {
        assert_eq!(p("-x**2"), "(-(x ** 2))");
        assert_eq!(p("2**-1"), "(2 ** (-1))");
        assert_eq!(p("a**b**c"), "(a ** (b ** c))");
        assert_eq!(p("a + b * c - d"), "((a + (b * c)) - d)");
        assert_eq!(p("a - b - c"), "((a - b) - c)");
        assert_eq!(p("a / b // c % d"), "(((a / b) // c) % d)");
        assert_eq!(p("a & b | c ^ d"), "((a & b) | (c ^ d))");
        assert_eq!(p("a + b < c * d"), "((a + b) < (c * d))");
        assert_eq!(p("x > 0 & y"), "(x > (0 & y))");
        assert_eq!(p("(x > 0) & (y < 1)"), "((x > 0) & (y < 1))");
        assert_eq!(p("~a & b"), "((~a) & b)");
        assert_eq!(p("a << 1 + 2"), "(a << (1 + 2))");
        assert_eq!(p("-a.sum()"), "(-a.sum())");
        assert_eq!(p("x @ y + 1"), "((x @ y) + 1)");
    }

    #[test]
    fn calls_methods_and_subscripts() {
        assert_eq!(p("np.exp(-x*x/2)"), "np.exp((((-x) * x) / 2))");
        assert_eq!(
            p("x.max(axis=(0,1), keepdims=True)"),
            "x.max(axis=tuple(0, 1), keepdims=true)"
        );
        assert_eq!(p("x.reshape(3, -1)"), "x.reshape(3, (-1))");
        assert_eq!(p("x[::2, 1:-1]"), "x[::2, 1:(-1):]");
        assert_eq!(p("x[..., None]"), "x[..., None]");
        assert_eq!(p("x[x > 0]"), "x[(x > 0)]");
        assert_eq!(p("x.T[0]"), "x.T[0]");
        assert_eq!(
            p("zeros([2, 3], dtype='float32')"),
            "zeros([2, 3], dtype=\"float32\")"
        );
        assert_eq!(p("(1,)"), "tuple(1)");
        assert_eq!(p("f(a,)"), "f(a)");
    }

    #[test]
    fn spans() {
        let text = "a + exp(b)[1:]";
        let Ok(e) = parse(text) else {
            panic!("parse failed")
        };
        assert_eq!(e.span, Span::new(0, text.len()));
        let ExprKind::Binary { rhs, .. } = &e.kind else {
            panic!("not binary")
        };
        assert_eq!(rhs.span.snippet(text), "exp(b)[1:]");
        let ExprKind::Subscript { value, index } = &rhs.kind else {
            panic!("not a subscript")
        };
        assert_eq!(value.span.snippet(text), "exp(b)");
        let IndexItem::Slice { span, .. } = &index[0] else {
            panic!("not a slice")
        };
        assert_eq!(span.snippet(text), "1:");
        // A parenthesized node's span takes in the parentheses.
        let Ok(e) = parse("(a + b) * c") else {
            panic!("parse failed")
        };
        let ExprKind::Binary { lhs, .. } = &e.kind else {
            panic!("not binary")
        };
        assert_eq!(lhs.span, Span::new(0, 7));
    }

    #[test]
    fn errors_point_at_the_column() {
        assert_eq!(err_col("exp(x +)"), 8);
        assert_eq!(err_col("x + * y"), 5);
        assert_eq!(err_col("x + (y"), 7);
        assert_eq!(err_col("a < b < c"), 7);
        assert_eq!(err_col("x and y"), 3);
        assert_eq!(err_col("f(a=1, 2)"), 8);
        assert_eq!(err_col("x y"), 3);
        assert_eq!(err_col(""), 1);
        assert!(p("a < b < c").contains("chained"));
        assert!(p("x and y").contains("&"));
    }
}
