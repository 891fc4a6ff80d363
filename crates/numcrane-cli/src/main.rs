//! `numcrane`: look inside lazy numcrane arrays without writing Rust.
//!
//! `numcrane explain EXPR --input x=f32[1000,3]` prints the graph a NumPy-style expression
//! records and the fused kernels it becomes (optionally as a Graphviz picture, and with
//! `--ir` / `--asm` each kernel's Cranelift IR and machine code);
//! `numcrane run EXPR --input x=data.npy [--out out.npy]` evaluates it. The pipeline is one
//! module per step: `args` (command line), `inputs` (`--input` arrays), `lexer` and `parser`
//! (text to an [`ast`] with spans), `eval` and `functions` (tree to arrays through the public
//! `numcrane` API), `diagnostic` (errors with a caret under the expression). Exit codes: 0,
//! 1 for errors found while evaluating, 2 for usage and parse errors.

mod args;
mod ast;
mod bench;
mod diagnostic;
mod eval;
mod functions;
mod inputs;
mod lexer;
mod parser;

use args::{Command, Common};
use diagnostic::{library_message, Diagnostic, Span};
use eval::{Evaluator, Value};
use inputs::Input;
use numcrane::Array;
use std::io::Write;
use std::path::Path;
use std::process::{ExitCode, Stdio};

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("numcrane: internal error (please report this as a bug): {info}");
    }));
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = std::panic::catch_unwind(|| run(&args)).unwrap_or(1);
    ExitCode::from(code)
}

/// Runs the command; prints results to stdout and errors to stderr; returns the exit code.
fn run(args: &[String]) -> u8 {
    if args.first().map(String::as_str) == Some("bench") {
        return bench::main(&args[1..]);
    }
    let cmd = match args::parse(args) {
        Ok(c) => c,
        Err(d) => {
            eprint!("{}", d.render(None));
            eprint!("\n{}", args::USAGE);
            return 2;
        }
    };
    let result = match &cmd {
        Command::Help => {
            print!("{}", args::USAGE);
            return 0;
        }
        Command::Version => {
            println!("numcrane {}", env!("CARGO_PKG_VERSION"));
            return 0;
        }
        Command::Explain(e) => explain(e),
        Command::Run(r) => run_expr(r),
    };
    match result {
        Ok(()) => 0,
        Err(d) => {
            let expr = match &cmd {
                Command::Explain(e) => Some(e.common.expr.as_str()),
                Command::Run(r) => Some(r.common.expr.as_str()),
                _ => None,
            };
            eprint!("{}", d.render(expr));
            u8::try_from(d.exit_code()).unwrap_or(1)
        }
    }
}

/// The inputs, the evaluator and the expression's value as an array.
struct Evaluated<'t> {
    inputs: Vec<Input>,
    ev: Evaluator<'t>,
    array: Array,
    /// Python's text for a tuple of ints (`x.shape`), printed as Python would.
    tuple_text: Option<String>,
}

fn evaluate(common: &Common) -> Result<Evaluated<'_>, Diagnostic> {
    let mut inputs: Vec<Input> = Vec::new();
    for spec in &common.inputs {
        let input = inputs::parse_input(spec)?;
        if inputs.iter().any(|i| i.name == input.name) {
            return Err(Diagnostic::usage(
                format!("--input {}: given twice", input.name),
                None,
            ));
        }
        inputs.push(input);
    }
    let text = common.expr.as_str();
    let tree = parser::parse(text)?;
    let mut ev = Evaluator::new(text, &inputs);
    let whole = Span::new(0, text.len());
    let value = ev.eval(&tree)?;
    let tuple_text = match &value {
        Value::Seq(items) => {
            let ints: Option<Vec<String>> = items
                .iter()
                .map(|v| match v {
                    Value::Int(i) => Some(i.to_string()),
                    _ => None,
                })
                .collect();
            ints.map(|v| match v.as_slice() {
                [one] => format!("({one},)"),
                _ => format!("({})", v.join(", ")),
            })
        }
        _ => None,
    };
    let array = match value {
        Value::Array(a) => a,
        // A tuple of arrays (nonzero's): np.array(...) of it stacks them, as here.
        Value::Seq(items)
            if !items.is_empty() && items.iter().all(|v| matches!(v, Value::Array(_))) =>
        {
            let arrays: Vec<numcrane::Array> = items
                .into_iter()
                .filter_map(|v| match v {
                    Value::Array(a) => Some(a),
                    _ => None,
                })
                .collect();
            let refs: Vec<&numcrane::Array> = arrays.iter().collect();
            let stacked = numcrane::stack(&refs, 0);
            if let Some(e) = stacked.error() {
                return Err(Diagnostic::eval(
                    crate::diagnostic::library_message(e),
                    whole,
                ));
            }
            stacked
        }
        v @ (Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::Seq(_)) => {
            functions::to_array(&v, whole)?
        }
        other => {
            return Err(Diagnostic::eval(
                format!("the expression gives {}, not an array", other.kind()),
                whole,
            ))
        }
    };
    Ok(Evaluated {
        inputs,
        ev,
        array,
        tuple_text,
    })
}

fn explain(opts: &args::Explain) -> Result<(), Diagnostic> {
    let Evaluated {
        inputs, ev, array, ..
    } = evaluate(&opts.common)?;
    let site = |id: u64| ev.site(id);
    let mut out = format!("expression: {}\n", opts.common.expr);
    for i in &inputs {
        out.push_str(&format!(
            "input {}: {}{:?} ({})\n",
            i.name,
            i.array.dtype(),
            i.array.shape(),
            i.origin
        ));
    }
    out.push_str(&format!("result: {}{:?}\n", array.dtype(), array.shape()));
    out.push_str(&array.explain_with_sites(&site));
    print!("{out}");
    if opts.ir || opts.asm {
        let listings = array
            .kernel_listings()
            .map_err(|e| Diagnostic::eval(library_message(&e), ev.span_of_runtime_error(&e)))?;
        print!("{}", code_text(&listings, opts.ir, opts.asm));
    }
    let dot = array.to_dot_with_sites(&site);
    if let Some(path) = &opts.dot {
        write_file(path, dot.as_bytes())?;
    }
    if let Some(path) = &opts.svg {
        render_svg(&dot, path)?;
    }
    Ok(())
}

/// The generated code of each kernel (`--ir`, `--asm`), headed by its name, shape and plan
/// step.
fn code_text(listings: &[numcrane::KernelListing], ir: bool, asm: bool) -> String {
    let what = match (ir, asm) {
        (true, true) => "Cranelift IR and machine code",
        (true, false) => "Cranelift IR",
        _ => "machine code",
    };
    let mut out = format!(
        "code ({} of {} kernel{}):\n",
        what,
        listings.len(),
        if listings.len() == 1 { "" } else { "s" }
    );
    if listings.is_empty() {
        out.push_str("  (no kernel: every step runs as a step of its own, natively or on the reference evaluator)\n");
    }
    for (i, k) in listings.iter().enumerate() {
        out.push_str(&format!("== {i}: {}\n", k.heading()));
        if ir {
            out.push_str("-- Cranelift IR\n");
            out.push_str(k.ir.trim_end());
            out.push('\n');
        }
        if asm {
            out.push_str("-- machine code\n");
            out.push_str(k.asm.trim_end());
            out.push('\n');
        }
    }
    out
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    std::fs::write(path, bytes).map_err(|e| {
        Diagnostic::usage(format!("cannot write {}: {e}", path.display()), None).with_stage_eval()
    })
}

/// Renders DOT text to an SVG file with Graphviz's `dot`.
fn render_svg(dot: &str, path: &Path) -> Result<(), Diagnostic> {
    let fail = |m: String| Diagnostic::usage(m, None).with_stage_eval();
    let child = std::process::Command::new("dot")
        .arg("-Tsvg")
        .arg("-o")
        .arg(path)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(fail(
                "--svg needs Graphviz's `dot` program, which is not installed (not found on \
                 PATH); install Graphviz, or use --dot FILE, which works without it, and render \
                 the file elsewhere"
                    .into(),
            ))
        }
        Err(e) => return Err(fail(format!("cannot run `dot`: {e}"))),
    };
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(dot.as_bytes())
            .map_err(|e| fail(format!("cannot send the graph to `dot`: {e}")))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|e| fail(format!("`dot` failed: {e}")))?;
    if !output.status.success() {
        return Err(fail(format!(
            "`dot -Tsvg` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(())
}

fn run_expr(opts: &args::Run) -> Result<(), Diagnostic> {
    let Evaluated {
        ev,
        array,
        tuple_text,
        ..
    } = evaluate(&opts.common)?;
    if let (Some(text), None) = (&tuple_text, &opts.out) {
        println!("{text}");
        return Ok(());
    }
    let array = array
        .eval()
        .map_err(|e| Diagnostic::eval(library_message(&e), ev.span_of_runtime_error(&e)))?;
    match &opts.out {
        Some(path) => numcrane::io::save_npy(path, &array)
            .map_err(|e| Diagnostic::usage(library_message(&e), None).with_stage_eval()),
        None => {
            println!("{array}");
            Ok(())
        }
    }
}
