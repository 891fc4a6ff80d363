//! End-to-end tests of the `numcrane` command: they run the built binary.
//!
//! `run` is checked against NumPy's results committed in tests/golden (see gen_golden.py
//! there, and cases.txt for the expressions); `explain` against the plan the library itself
//! makes for the same expression built in Rust; errors for their exit code, column and caret
//! line; `--dot` for well-formed Graphviz (rendered with `dot -Tsvg` when it is installed).

use numcrane::{Array, DType};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn numcrane_cmd(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_numcrane"));
    c.args(args);
    c
}

fn numcrane(args: &[&str]) -> Output {
    numcrane_cmd(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run numcrane: {e}"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("numcrane-cli-{}-{name}", std::process::id()))
}

/// The cases of cases.txt: (name, expression).
fn cases() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(golden_dir().join("cases.txt"))
        .unwrap_or_else(|e| panic!("cannot read cases.txt: {e}"));
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('|'))
        .map(|(n, e)| (n.trim().to_string(), e.trim().to_string()))
        .collect()
}

/// The `--input` arguments naming the golden inputs.
fn golden_inputs() -> Vec<String> {
    ["a", "b", "c", "i"]
        .iter()
        .flat_map(|n| {
            let path = golden_dir().join(format!("{n}.npy"));
            ["--input".to_string(), format!("{n}={}", path.display())]
        })
        .collect()
}

fn load(path: &Path) -> Array {
    numcrane::io::load_npy(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn values(a: &Array) -> Vec<f64> {
    a.astype(DType::F64)
        .to_vec::<f64>()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Same dtype, shape and values (floats within a tolerance for their precision).
fn assert_same(name: &str, got: &Array, want: &Array) {
    assert_eq!(got.dtype(), want.dtype(), "{name}: dtype");
    assert_eq!(got.shape(), want.shape(), "{name}: shape");
    let tol = match want.dtype() {
        DType::F32 => 2e-6,
        DType::F64 => 1e-12,
        _ => 0.0,
    };
    for (k, (g, w)) in values(got).iter().zip(values(want)).enumerate() {
        let ok = (g.is_nan() && w.is_nan()) || (g - w).abs() <= tol * w.abs().max(1.0);
        assert!(ok, "{name}: element {k}: numcrane {g}, NumPy {w}");
    }
}

#[test]
fn run_matches_numpy_goldens() {
    let cases = cases();
    assert!(cases.len() >= 12);
    let inputs = golden_inputs();
    for (name, expr) in cases {
        let out = temp_path(&format!("{name}.npy"));
        let mut args: Vec<&str> = vec!["run", &expr];
        args.extend(inputs.iter().map(String::as_str));
        let out_str = out.display().to_string();
        args.extend(["--out", &out_str]);
        let o = numcrane(&args);
        assert!(o.status.success(), "{name}: {expr}\n{}", stderr(&o));
        let got = load(&out);
        let want = load(&golden_dir().join(format!("{name}.npy")));
        assert_same(&name, &got, &want);
        let _ = std::fs::remove_file(&out);
    }
}

#[test]
fn run_prints_numpy_style() {
    // Integer results print exactly as NumPy's str() of the golden array.
    let inputs = golden_inputs();
    for (name, expr) in [
        ("where_abs", "where(i > 0, i, -i)"),
        ("int_floor_mod", "i // 3 + i % 3"),
    ] {
        let mut args: Vec<&str> = vec!["run", expr];
        args.extend(inputs.iter().map(String::as_str));
        let o = numcrane(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let want = load(&golden_dir().join(format!("{name}.npy")));
        assert_eq!(stdout(&o), format!("{want}\n"), "{name}");
    }
    let o = numcrane(&["run", "arange(6).reshape(2, 3) * 2"]);
    assert_eq!(stdout(&o), "[[ 0  2  4]\n [ 6  8 10]]\n");
    let o = numcrane(&["run", "x.shape", "--input", "x=f32[4,6]"]);
    assert_eq!(stdout(&o), "(4, 6)\n");
    let o = numcrane(&["run", "2 ** 10 // 3"]);
    assert_eq!(stdout(&o), "341\n");
}

#[test]
fn generated_inputs_are_deterministic() {
    let args = ["run", "x[:3] * 1", "--input", "x=f64[10]"];
    let first = stdout(&numcrane(&args));
    assert_eq!(first, stdout(&numcrane(&args)));
    // and their dtype and shape are the ones asked for
    let o = numcrane(&[
        "run",
        "x.dtype.itemsize * x.size",
        "--input",
        "x=int16[2,3]",
    ]);
    assert_eq!(stdout(&o), "12\n");
}

/// The lines of the plan that are fused kernels.
fn kernel_lines(explain: &str) -> usize {
    explain
        .lines()
        .filter(|l| {
            l.split_once(": kernel ")
                .is_some_and(|(n, _)| n.chars().all(|c| c.is_ascii_digit()))
        })
        .count()
}

#[test]
fn explain_matches_the_library_plan() {
    let expr = "exp(-x*x/2) * sin(y) + x.sum(axis=0)";
    let o = numcrane(&[
        "explain",
        expr,
        "--input",
        "x=f32[1000,3]",
        "--input",
        "y=f32[3]",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for part in [
        "result: float32[1000, 3]",
        "graph (",
        "at input x",
        "at `sin(y)` col 15",
        "at `x.sum(axis=0)` col 24",
        "plan:",
        "kernel sum [3]",
    ] {
        assert!(text.contains(part), "missing {part:?} in\n{text}");
    }
    // The same expression built in Rust: same kernel count.
    let x = Array::from_vec(vec![0.5f32; 3000], [1000, 3]);
    let y = Array::from_vec(vec![0.5f32; 3], [3]);
    let z = (-&x * &x / 2.0).exp() * y.sin() + x.sum(0);
    assert_eq!(kernel_lines(&text), z.fused_kernel_count());
    assert_eq!(kernel_lines(&text), kernel_lines(&z.explain()));
}

/// Checks DOT text: one digraph, balanced braces and quotes, edges between declared nodes,
/// and `kernels` kernel clusters.
fn check_dot(dot: &str, kernels: usize) {
    assert!(dot.starts_with("digraph numcrane {"), "{dot}");
    assert!(dot.trim_end().ends_with('}'));
    let mut depth = 0i64;
    let mut in_string = false;
    let mut escaped = false;
    for c in dot.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '{' if !in_string => depth += 1,
            '}' if !in_string => {
                depth -= 1;
                assert!(depth >= 0, "unbalanced braces");
            }
            _ => {}
        }
    }
    assert_eq!(depth, 0, "unbalanced braces");
    assert!(!in_string, "unterminated string");
    assert_eq!(dot.matches("subgraph cluster_kernel_").count(), kernels);
    let declared: Vec<&str> = dot
        .lines()
        .filter_map(|l| l.trim().split_once(" [label="))
        .map(|(n, _)| n)
        .collect();
    for edge in dot.lines().filter_map(|l| l.trim().strip_suffix(';')) {
        if let Some((from, to)) = edge.split_once(" -> ") {
            assert!(declared.contains(&from) && declared.contains(&to), "{edge}");
        }
    }
}

fn have_graphviz() -> bool {
    Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn dot_output_is_valid() {
    for (expr, inputs) in [
        (
            "exp(-x*x/2) * sin(y) + x.sum(axis=0)",
            vec!["x=f32[1000,3]", "y=f32[3]"],
        ),
        (
            "(x - x.mean(axis=1, keepdims=True)) / x.std(axis=1, keepdims=True) + \
             x.argmax(axis=1)[:, None]",
            vec!["x=f32[64,3]"],
        ),
        ("x[::2].cumsum() * 2", vec!["x=i32[10]"]),
    ] {
        let path = temp_path("graph.dot");
        let path_str = path.display().to_string();
        let mut args = vec!["explain", expr, "--dot", &path_str];
        for i in &inputs {
            args.extend(["--input", i]);
        }
        let o = numcrane(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let dot = std::fs::read_to_string(&path).unwrap_or_default();
        check_dot(&dot, kernel_lines(&stdout(&o)));
        assert!(
            dot.contains("shape=box, style=filled"),
            "inputs drawn as boxes"
        );
        if expr.contains("argmax") || expr.contains("cumsum") {
            assert!(
                dot.contains("reference evaluator"),
                "evaluator steps marked"
            );
        }
        if have_graphviz() {
            let r = Command::new("dot").args(["-Tsvg", &path_str]).output();
            let r = r.unwrap_or_else(|e| panic!("dot: {e}"));
            assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
            assert!(String::from_utf8_lossy(&r.stdout).contains("<svg"));
        }
        let _ = std::fs::remove_file(&path);
    }
}

#[test]
fn svg_needs_graphviz() {
    let svg = temp_path("graph.svg");
    let svg_str = svg.display().to_string();
    let args = ["explain", "x * 2", "--input", "x=f32[3]", "--svg", &svg_str];
    // Without `dot` on PATH: a clear message, exit code 1.
    let o = numcrane_cmd(&args)
        .env("PATH", temp_path("no-such-dir"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("Graphviz") && err.contains("--dot"), "{err}");
    if have_graphviz() {
        let o = numcrane(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let text = std::fs::read_to_string(&svg).unwrap_or_default();
        assert!(text.contains("<svg"));
        let _ = std::fs::remove_file(&svg);
    }
}

/// Runs `numcrane run EXPR --input x=f32[4,6] --input y=f32[5] --input i=i32[3]` and returns
/// (exit code, stderr).
fn fails(expr: &str) -> (i32, String) {
    let o = numcrane(&[
        "run",
        expr,
        "--input",
        "x=f32[4,6]",
        "--input",
        "y=f32[5]",
        "--input",
        "i=i32[3]",
    ]);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

/// The caret line under the expression in an error message.
fn carets(err: &str) -> &str {
    err.lines().nth(2).unwrap_or("")
}

#[test]
fn parse_errors_point_at_the_column() {
    let (code, err) = fails("exp(x +)");
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error at column 8: expected an expression"),
        "{err}"
    );
    assert_eq!(err.lines().nth(1), Some("  exp(x +)"));
    assert_eq!(carets(&err), "         ^");
    let (code, err) = fails("x + * y");
    assert_eq!(code, 2);
    assert!(err.contains("column 5"), "{err}");
    let (code, err) = fails("x[1:2");
    assert_eq!(code, 2);
    assert!(err.contains("column 6") && err.contains("']'"), "{err}");
    let (code, err) = fails("x and y");
    assert_eq!(code, 2);
    assert!(err.contains("column 3") && err.contains('&'), "{err}");
}

#[test]
fn unknown_names_suggest_close_ones() {
    let (code, err) = fails("exq(x)");
    assert_eq!(code, 1);
    assert!(
        err.contains("unknown function 'exq'") && err.contains("exp"),
        "{err}"
    );
    assert_eq!(carets(&err), "  ^^^");
    let (code, err) = fails("np.sqrtt(x)");
    assert_eq!(code, 1);
    assert!(err.contains("sqrt") && err.contains("column 4"), "{err}");
    let (code, err) = fails("x.summ()");
    assert_eq!(code, 1);
    assert!(err.contains("'summ'") && err.contains("sum"), "{err}");
    let (code, err) = fails("x.sum(axs=0)");
    assert_eq!(code, 1);
    assert!(err.contains("'axs'") && err.contains("axis"), "{err}");
}

#[test]
fn missing_inputs_are_named() {
    let (code, err) = fails("x + z");
    assert_eq!(code, 2);
    assert!(
        err.contains("column 5") && err.contains("no input named 'z'"),
        "{err}"
    );
    assert!(err.contains("--input z="), "{err}");
    assert_eq!(carets(&err), "      ^");
}

#[test]
fn shape_errors_point_at_the_operation() {
    let (code, err) = fails("1 + (x - y) * 2");
    assert_eq!(code, 1);
    assert!(err.contains("column 5"), "{err}");
    assert!(err.contains("could not be broadcast together with shapes (4, 6) (5,)"));
    assert!(!err.contains(".rs:"), "no Rust source location: {err}");
    assert_eq!(carets(&err), "      ^^^^^^^");
    let (code, err) = fails("x.sum(axis=2) + 1");
    assert_eq!(code, 1);
    assert!(err.contains("axis 2 is out of bounds"), "{err}");
    assert_eq!(carets(&err), "  ^^^^^^^^^^^^^");
    let (code, err) = fails("x.reshape(5, -1)");
    assert_eq!(code, 1);
    assert!(err.contains("cannot reshape"), "{err}");
    // Found only while evaluating: still the span of the node that raised it.
    let (code, err) = fails("1 + i ** (i - 20)");
    assert_eq!(code, 1);
    assert!(err.contains("negative integer powers"), "{err}");
    assert_eq!(carets(&err), "      ^^^^^^^^^^^^^");
}

#[test]
fn matmul_errors_point_at_the_operator() {
    let (code, err) = fails("x @ x");
    assert_eq!(code, 1);
    assert!(err.contains("core dimension"), "{err}");
    let (code, err) = fails("x @ 2");
    assert_eq!(code, 1);
    assert!(err.contains("scalar operands are not allowed"), "{err}");
}

#[test]
fn unsupported_features_say_so() {
    for (expr, words) in [
        ("np.histogram(x)", "not supported yet"),
        ("np.concatenate(x)", "not supported yet"),
    ] {
        let (code, err) = fails(expr);
        assert_eq!(code, 1, "{expr}");
        assert!(err.contains(words), "{expr}: {err}");
    }
}

#[test]
fn bad_advanced_indices_are_errors() {
    for (expr, words) in [
        // a float list is no index
        ("x[[0.5, 1]]", "integer (or boolean)"),
        // a float array neither (the library's message names the dtype)
        ("x[y]", "float32"),
        // out of range: found when the gather runs
        ("x[[0, 4]]", "out of bounds"),
        ("x[:, [6]]", "out of bounds"),
        // a mask of the wrong length
        ("x[y > 0]", "mask"),
        ("np.take(x, [1], mode='spin')", "'raise', 'wrap' or 'clip'"),
        (
            "np.where(x > 0, x)",
            "condition alone or condition, x and y",
        ),
        ("x['a']", "an index must be"),
    ] {
        let (code, err) = fails(expr);
        assert_eq!(code, 1, "{expr}: {err}");
        assert!(err.contains(words), "{expr}: {err}");
    }
}

#[test]
fn ir_prints_each_kernels_cranelift_ir() {
    let o = numcrane(&["explain", "exp(x) + 1", "--input", "x=f32[8]", "--ir"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // after the plan, one kernel headed by its name, shape and plan step
    let code = out
        .split_once("code (Cranelift IR of 1 kernel):\n")
        .map(|(plan, code)| {
            assert!(plan.contains("0: kernel add [8]"), "{plan}");
            code
        })
        .unwrap_or_else(|| panic!("no code section: {out}"));
    assert!(
        code.starts_with("== 0: kernel add float32[8] (plan step 0)"),
        "{code}"
    );
    assert!(code.contains("-- Cranelift IR\nfunction "), "{code}");
    // exp's polynomial and the `+ 1` are float ops on float32 values
    assert!(code.contains("fadd") && code.contains("f32const"), "{code}");
    assert!(!code.contains("-- machine code"), "{code}");
}

#[test]
fn asm_prints_each_kernels_machine_code() {
    let o = numcrane(&[
        "explain",
        "exp(x - x.max(axis=1, keepdims=True)).sum(axis=1)",
        "--input",
        "x=f32[16,8]",
        "--asm",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let (_, code) = out
        .split_once("code (machine code of 2 kernels):\n")
        .unwrap_or_else(|| panic!("no code section: {out}"));
    assert!(
        code.contains("== 0: kernel max float32[16] (plan step 0)"),
        "{code}"
    );
    assert!(
        code.contains("== 1: kernel sum float32[16] (plan step 1)"),
        "{code}"
    );
    assert_eq!(code.matches("-- machine code\n").count(), 2, "{code}");
    assert!(!code.contains("-- Cranelift IR"), "{code}");
    // every kernel returns: `retq` on x86-64, `ret` on aarch64
    assert!(code.contains("ret"), "{code}");
    #[cfg(target_arch = "x86_64")]
    assert!(code.contains("%xmm") && code.contains("%rsp"), "{code}");
    #[cfg(target_arch = "aarch64")]
    assert!(code.contains("ldr"), "{code}");
}

#[test]
fn ir_and_asm_together_and_without_kernels() {
    let o = numcrane(&["explain", "x * 2", "-i", "x=f64[3]", "--ir", "--asm"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("code (Cranelift IR and machine code of 1 kernel):"),
        "{out}"
    );
    assert!(
        out.contains("-- Cranelift IR\n") && out.contains("-- machine code\n"),
        "{out}"
    );
    assert!(out.contains("fmul"), "{out}");
    // a view of the input runs no kernel
    let o = numcrane(&["explain", "x.T", "-i", "x=f32[2,3]", "--asm"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("code (machine code of 0 kernels):\n  (no kernel"));
    // evaluation errors found only by running are reported like `run`'s
    let o = numcrane(&["explain", "i ** -1", "-i", "i=i32[3]", "--ir"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).starts_with("error"), "{}", stderr(&o));
}

#[test]
fn bad_command_lines_are_usage_errors() {
    for args in [
        vec!["run"],
        vec!["frobnicate", "x"],
        vec!["run", "x", "--input", "x=f16[3]"],
        vec!["run", "x", "--input", "x=f32[3"],
        vec!["run", "x", "--input", "x"],
        vec!["run", "x", "--input", "x=/no/such/file.npy"],
        vec!["run", "x", "--input", "x=f32[3]", "--input", "x=f32[2]"],
        vec!["run", "x", "--dot", "g.dot"],
    ] {
        let o = numcrane(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).starts_with("error"), "{args:?}");
    }
    let o = numcrane(&["--help"]);
    assert!(o.status.success() && stdout(&o).contains("numcrane explain"));
}

#[test]
fn nothing_panics() {
    for expr in [
        "",
        "(",
        ")",
        "x[",
        "x[::0]",
        "x[1, 2, 3]",
        "x[10]",
        "np.",
        "x.",
        "'",
        "1e999 * x",
        "99999999999999999999",
        "x ** 1e308",
        "reshape(x, -5)",
        "zeros(-1)",
        "arange(0, 10, 0)",
        "eye(-1)",
        "full((2, 2), 'a')",
        "x[None, None, ..., ...]",
        "x.sum(axis=(0, 0))",
        "x.astype('complex64')",
        "linspace(0, 1, -1)",
        "array([[1, 2], [3]])",
        "i << 70",
        "2 ** 64",
        "-(2 ** 63) // -1",
        "x.T.T.T[::-1, ::-1].sum(axis=-1).argmax()",
        "np",
        "sum",
        "x.sum",
        "float32",
        "y()",
        "x(1)",
        "[x, y]",
        "where(x)",
        "clip(x)",
        "x.reshape()",
        "i // 0",
        "1 // 0",
        "x[::-1][..., 2:1]",
    ] {
        let (code, err) = fails(expr);
        assert!(
            (0..=2).contains(&code) && !err.contains("panicked") && !err.contains("internal"),
            "{expr:?}: exit {code}: {err}"
        );
    }
}
