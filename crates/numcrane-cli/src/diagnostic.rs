//! Errors of the command, each pointing at the part of the expression it is about.
//!
//! A [`Diagnostic`] carries a message, an optional byte span of the expression and the stage
//! it came from, which decides the exit code (2 for usage and parse errors, 1 for errors found
//! while evaluating). [`Diagnostic::render`] prints the expression with a caret line under the
//! span. Library errors name a Rust source location (the line of this command that built the
//! node); [`library_message`] drops it, since the expression span is what the user needs.

use std::fmt::Write;

/// A byte range `start..end` of the expression text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// first byte
    pub start: usize,
    /// one past the last byte
    pub end: usize,
}

impl Span {
    /// The span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The 1-based column (in characters) where the span starts in `text`.
    pub fn column(self, text: &str) -> usize {
        text.get(..self.start)
            .map_or(self.start, |s| s.chars().count())
            + 1
    }

    /// The text under the span (empty if it is not inside `text`).
    pub fn snippet(self, text: &str) -> &str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// Where an error was found; decides the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// The command line or the expression's syntax (exit code 2).
    Usage,
    /// Evaluating the expression (exit code 1).
    Eval,
}

/// An error for the user.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// What went wrong.
    pub message: String,
    /// The part of the expression it is about, if any.
    pub span: Option<Span>,
    /// Where it was found.
    pub stage: Stage,
}

impl Diagnostic {
    /// A usage or parse error at `span`.
    pub fn usage(message: impl Into<String>, span: Option<Span>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            span,
            stage: Stage::Usage,
        }
    }

    /// An evaluation error at `span`.
    pub fn eval(message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            span: Some(span),
            stage: Stage::Eval,
        }
    }

    /// The same error, counted as found while evaluating (exit code 1).
    pub fn with_stage_eval(mut self) -> Diagnostic {
        self.stage = Stage::Eval;
        self
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self.stage {
            Stage::Usage => 2,
            Stage::Eval => 1,
        }
    }

    /// The error as printed: `error at column N: message`, then the expression (when there
    /// is one) with carets under the span.
    pub fn render(&self, expr: Option<&str>) -> String {
        let mut out = String::new();
        match (self.span, expr) {
            (Some(span), Some(text)) => {
                let col = span.column(text);
                let _ = writeln!(out, "error at column {col}: {}", self.message);
                let width = span.snippet(text).chars().count().max(1);
                let _ = writeln!(out, "  {}", text.replace(['\n', '\t'], " "));
                let _ = writeln!(out, "  {}{}", " ".repeat(col - 1), "^".repeat(width));
            }
            _ => {
                let _ = writeln!(out, "error: {}", self.message);
            }
        }
        out
    }
}

/// A library error's message without the Rust source location it names (`(at file:l:c)`).
pub fn library_message(e: &numcrane::Error) -> String {
    let text = e.to_string();
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    loop {
        let paren = rest.find(" (at ");
        let comma = rest.find(", at ");
        let (at, len) = match (paren, comma) {
            (Some(p), Some(c)) if c < p => (c, 5),
            (Some(p), _) => (p, 5),
            (None, Some(c)) => (c, 5),
            (None, None) => break,
        };
        let tail = &rest[at + len..];
        match tail.find(')') {
            Some(close) if tail[..close].contains(".rs:") => {
                out.push_str(&rest[..at]);
                // " (at loc)" disappears whole; ", at loc)" keeps the parenthesis it closes.
                let keep_close = rest[at..].starts_with(", ");
                rest = &tail[close + usize::from(!keep_close)..];
            }
            _ => {
                out.push_str(&rest[..at + len]);
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Up to five of `candidates` close to `name` (edit distance at most 2, or one starting with
/// the other), nearest first.
pub fn close_matches<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let d = edit_distance(name, c);
            let prefix =
                name.len() >= 2 && c.len() >= 2 && (c.starts_with(name) || name.starts_with(c));
            let limit = if name.len() <= 3 { 1 } else { 2 };
            (d <= limit || prefix).then_some((d, c))
        })
        .collect();
    scored.sort();
    scored.dedup();
    scored
        .into_iter()
        .take(5)
        .map(|(_, c)| c.to_string())
        .collect()
}

/// " ; close matches: a, b" or "" (for appending to a message).
pub fn suggestion(matches: &[String]) -> String {
    if matches.is_empty() {
        String::new()
    } else {
        format!("; close matches: {}", matches.join(", "))
    }
}

/// Levenshtein distance between two strings.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carets_under_the_span() {
        let d = Diagnostic::usage("bad", Some(Span::new(4, 7)));
        let text = d.render(Some("x + abc"));
        assert_eq!(text, "error at column 5: bad\n  x + abc\n      ^^^\n");
    }

    #[test]
    fn close_names() {
        let m = close_matches("exq", ["exp", "exp2", "sum", "expm1"]);
        assert_eq!(m[0], "exp");
        assert!(!m.contains(&"sum".to_string()));
    }
}
