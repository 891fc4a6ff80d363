//! The command line: `numcrane explain|run EXPR [options]`, parsed by hand.
//!
//! Flags take their value as the next argument or after `=` (`--input x=f32[3]` or
//! `--input=x=f32[3]`). An argument starting with `-` that is not a known flag is the
//! expression (so `numcrane run '-x**2' ...` works); `--` ends the flags.

use crate::diagnostic::Diagnostic;
use std::path::PathBuf;

/// The usage text.
pub const USAGE: &str = "\
usage: numcrane explain EXPR [--input NAME=SPEC]... [--dot FILE] [--svg FILE] [--ir] [--asm]
       numcrane run EXPR [--input NAME=SPEC]... [--out FILE.npy]
       numcrane bench [--filter W1,W5] [--quick] [--json FILE] [--report DIR] [--no-python]
       numcrane help | --version

EXPR is a NumPy-style expression, e.g. 'exp(-x*x/2) * sin(y) + x.sum(axis=0)'.
SPEC is a dtype and shape filled with deterministic values (f32[1000,3], int64[5], bool[])
or a .npy file (data.npy).

explain  prints the recorded graph (each node with the part of EXPR it comes from) and the
         kernel plan; --dot FILE writes it as Graphviz DOT, --svg FILE renders it with `dot`;
         --ir prints each kernel's Cranelift IR, --asm its machine code (both evaluate EXPR
         once, to make the kernels)
run      evaluates EXPR and prints the result NumPy-style, or writes it with --out FILE.npy
bench    runs the fused-kernel benchmark suite side by side with numcrane-unfused, ndarray
         and NumPy/numexpr (`numcrane bench --help`)

-i is short for --input, -o for --out. See docs/cli.md.
";

/// What the user asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// `explain`
    Explain(Explain),
    /// `run`
    Run(Run),
    /// `help`, `--help`
    Help,
    /// `--version`
    Version,
}

/// The expression and its inputs, common to both subcommands.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Common {
    /// the expression text
    pub expr: String,
    /// `NAME=SPEC` strings, in order
    pub inputs: Vec<String>,
}

/// `numcrane explain`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Explain {
    /// expression and inputs
    pub common: Common,
    /// `--dot FILE`
    pub dot: Option<PathBuf>,
    /// `--svg FILE`
    pub svg: Option<PathBuf>,
    /// `--ir`: print each kernel's Cranelift IR
    pub ir: bool,
    /// `--asm`: print each kernel's machine code
    pub asm: bool,
}

/// `numcrane run`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Run {
    /// expression and inputs
    pub common: Common,
    /// `--out FILE`
    pub out: Option<PathBuf>,
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, Diagnostic> {
    let usage = |m: String| Diagnostic::usage(m, None);
    let Some(sub) = args.first() else {
        return Err(usage("missing subcommand (explain or run)".into()));
    };
    let explain = match sub.as_str() {
        "explain" => true,
        "run" => false,
        "help" | "-h" | "--help" => return Ok(Command::Help),
        "--version" | "-V" => return Ok(Command::Version),
        other => {
            return Err(usage(format!(
                "unknown subcommand '{other}' (expected explain or run)"
            )))
        }
    };
    let mut common = Common::default();
    let mut expr: Option<String> = None;
    let (mut dot, mut svg, mut out) = (None, None, None);
    let (mut ir, mut asm) = (false, false);
    let mut rest = args[1..].iter();
    let mut flags_done = false;
    while let Some(arg) = rest.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let is_flag = !flags_done && (flag.starts_with("--") || matches!(flag, "-i" | "-o" | "-h"));
        if !is_flag {
            if expr.is_some() {
                return Err(usage(format!(
                    "unexpected argument '{arg}': give the expression as one argument (quote it)"
                )));
            }
            expr = Some(arg.clone());
            continue;
        }
        let mut value = |name: &str| -> Result<String, Diagnostic> {
            match inline.clone().or_else(|| rest.next().cloned()) {
                Some(v) => Ok(v),
                None => Err(usage(format!("{name} needs a value"))),
            }
        };
        match flag {
            "--" => flags_done = true,
            "-h" | "--help" => return Ok(Command::Help),
            "--input" | "-i" => common.inputs.push(value("--input")?),
            "--dot" if explain => dot = Some(PathBuf::from(value("--dot")?)),
            "--svg" if explain => svg = Some(PathBuf::from(value("--svg")?)),
            "--ir" if explain => ir = true,
            "--asm" if explain => asm = true,
            "--out" | "-o" if !explain => out = Some(PathBuf::from(value("--out")?)),
            other => {
                return Err(usage(format!(
                    "unknown option '{other}' for numcrane {sub}"
                )))
            }
        }
    }
    common.expr = expr.ok_or_else(|| usage("missing the expression".into()))?;
    Ok(if explain {
        Command::Explain(Explain {
            common,
            dot,
            svg,
            ir,
            asm,
        })
    } else {
        Command::Run(Run { common, out })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Command, Diagnostic> {
        parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn explain_with_inputs_and_files() {
        let c = p(&[
            "explain",
            "x + y",
            "--input",
            "x=f32[3]",
            "-i",
            "y=b.npy",
            "--dot=g.dot",
        ]);
        let Ok(Command::Explain(e)) = c else {
            panic!("not explain")
        };
        assert_eq!(e.common.expr, "x + y");
        assert_eq!(e.common.inputs, vec!["x=f32[3]", "y=b.npy"]);
        assert_eq!(e.dot, Some(PathBuf::from("g.dot")));
        assert!(!e.ir && !e.asm);
        let Ok(Command::Explain(e)) = p(&["explain", "x", "--asm", "--ir"]) else {
            panic!("not explain")
        };
        assert!(e.ir && e.asm);
    }

    #[test]
    fn leading_minus_expression() {
        let Ok(Command::Run(r)) = p(&["run", "-x**2", "--input", "x=f32[2]", "-o", "o.npy"]) else {
            panic!("not run")
        };
        assert_eq!(r.common.expr, "-x**2");
        assert_eq!(r.out, Some(PathBuf::from("o.npy")));
    }

    #[test]
    fn usage_errors() {
        assert!(p(&[]).is_err());
        assert!(p(&["frobnicate"]).is_err());
        assert!(p(&["run"]).is_err());
        assert!(p(&["run", "x", "y"]).is_err());
        assert!(p(&["run", "x", "--input"]).is_err());
        assert!(p(&["run", "x", "--dot", "a"]).is_err());
        assert!(p(&["run", "x", "--ir"]).is_err());
        // `bench` is dispatched before parsing (src/bench); here it is unknown.
        assert!(p(&["bench"]).is_err());
        assert!(p(&["explain", "x", "--what"]).is_err());
    }
}
