//! Splits an expression into tokens with their byte spans.
//!
//! Python's lexical rules, reduced to what the expression language needs: numbers (`3`,
//! `1_000`, `2.5`, `.5`, `1e-3`), names, strings in single or double quotes (for dtype names),
//! operators and punctuation. Keywords are ordinary names here; the parser gives them meaning.

use crate::diagnostic::{Diagnostic, Span};

/// One token.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// An integer literal.
    Int(i64),
    /// A float literal.
    Float(f64),
    /// A string literal (quotes removed).
    Str(String),
    /// A name.
    Name(String),
    /// An operator or punctuation, as written (`**`, `(`, `...`).
    Punct(&'static str),
    /// The end of the text.
    End,
}

/// A token and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// the token
    pub tok: Tok,
    /// its bytes in the expression
    pub span: Span,
}

/// Operators and punctuation, longest first so that `**` wins over `*`.
const PUNCT: &[&str] = &[
    "...", "**", "//", "<<", ">>", "<=", ">=", "==", "!=", "+", "-", "*", "/", "%", "@", "<", ">",
    "&", "|", "^", "~", "(", ")", "[", "]", ",", ":", ".", "=",
];

/// The tokens of `text`, ending with `Tok::End`.
pub fn tokenize(text: &str) -> Result<Vec<Token>, Diagnostic> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let next_is_digit = bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        if c.is_ascii_digit() || (c == b'.' && next_is_digit) {
            let (tok, end) = number(text, start)?;
            out.push(Token {
                tok,
                span: Span::new(start, end),
            });
            i = end;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Name(text[start..i].to_string()),
                span: Span::new(start, i),
            });
        } else if c == b'\'' || c == b'"' {
            let close = text[start + 1..].find(c as char).map(|k| start + 1 + k);
            let Some(close) = close else {
                return Err(Diagnostic::usage(
                    "unterminated string",
                    Some(Span::new(start, text.len())),
                ));
            };
            out.push(Token {
                tok: Tok::Str(text[start + 1..close].to_string()),
                span: Span::new(start, close + 1),
            });
            i = close + 1;
        } else if let Some(p) = PUNCT.iter().find(|p| text[start..].starts_with(**p)) {
            i += p.len();
            out.push(Token {
                tok: Tok::Punct(p),
                span: Span::new(start, i),
            });
        } else {
            let ch = text[start..].chars().next().unwrap_or('?');
            return Err(Diagnostic::usage(
                format!("unexpected character '{ch}'"),
                Some(Span::new(start, start + ch.len_utf8())),
            ));
        }
    }
    out.push(Token {
        tok: Tok::End,
        span: Span::new(text.len(), text.len()),
    });
    Ok(out)
}

/// The number starting at `start`, and where it ends.
fn number(text: &str, start: usize) -> Result<(Tok, usize), Diagnostic> {
    let bytes = text.as_bytes();
    let digits = |mut i: usize| {
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
            i += 1;
        }
        i
    };
    let mut i = digits(start);
    let mut is_float = false;
    if bytes.get(i) == Some(&b'.') && !text[i..].starts_with("...") {
        is_float = true;
        i = digits(i + 1);
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(bytes.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if bytes.get(j).is_some_and(u8::is_ascii_digit) {
            is_float = true;
            i = digits(j);
        }
    }
    let span = Span::new(start, i);
    if bytes
        .get(i)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    {
        let what = if matches!(bytes.get(i), Some(b'j' | b'J')) {
            "complex numbers are not supported".to_string()
        } else {
            format!("invalid number '{}'", &text[start..=i])
        };
        return Err(Diagnostic::usage(what, Some(Span::new(start, i + 1))));
    }
    let literal = text[start..i].replace('_', "");
    let tok = if is_float {
        literal.parse().map(Tok::Float).ok()
    } else {
        literal.parse().map(Tok::Int).ok()
    };
    match tok {
        Some(t) => Ok((t, i)),
        None if !is_float => Err(Diagnostic::usage(
            format!("integer {literal} does not fit in int64"),
            Some(span),
        )),
        None => Err(Diagnostic::usage(
            format!("invalid number '{literal}'"),
            Some(span),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<Tok> {
        tokenize(text)
            .map(|v| v.into_iter().map(|t| t.tok).collect())
            .unwrap_or_default()
    }

    #[test]
    fn numbers_and_operators() {
        assert_eq!(
            toks("x**2 // 1e-3 + .5"),
            vec![
                Tok::Name("x".into()),
                Tok::Punct("**"),
                Tok::Int(2),
                Tok::Punct("//"),
                Tok::Float(1e-3),
                Tok::Punct("+"),
                Tok::Float(0.5),
                Tok::End
            ]
        );
        assert_eq!(toks("x[...,1:]").len(), 8);
        assert_eq!(toks("1_000")[0], Tok::Int(1000));
        assert_eq!(toks("'float32'")[0], Tok::Str("float32".into()));
    }

    #[test]
    fn errors_have_spans() {
        let e = tokenize("x + 3j").err();
        assert_eq!(e.and_then(|e| e.span), Some(Span::new(4, 6)));
        let e = tokenize("x $ y").err();
        assert_eq!(e.and_then(|e| e.span), Some(Span::new(2, 3)));
    }
}
