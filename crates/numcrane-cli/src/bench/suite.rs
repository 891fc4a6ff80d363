//! Runs the suite: the machine's limits, then every case on numcrane (default backend and
//! fusion off) and ndarray in this process, then NumPy and numexpr through the embedded Python
//! script, then the triad again; each cell's result is checked on a small shape first. The
//! outcome is a list of [`Record`]s plus what was measured about the machine.

use super::json::{self, floor_seconds, gflops, ratio, Record};
use super::machine::{self, Triad};
use super::ndarray_anchor;
use super::python_anchor::{self, PyCase, PyOutcome, NUMEXPR, NUMPY};
use super::timing::{measure, Budget, Measured, PeakRss};
use super::verify;
use super::workloads::{self, numcrane_expr, numcrane_values, Case, Op};
use numcrane::{jit_compile_count, Array, Backend, DType};
use std::collections::HashMap;
use std::time::Instant;

/// What to run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    /// Small sizes and budgets.
    pub quick: bool,
    /// Workload ids to run ("W1", ...); empty: all.
    pub filter: Vec<String>,
    /// Run the NumPy / numexpr side (python3 with numpy).
    pub python: bool,
    /// Also run the time-against-size cases (for the report's charts).
    pub sweep: bool,
}

impl Settings {
    fn wants(&self, workload: &str) -> bool {
        self.filter.is_empty() || self.filter.iter().any(|w| w == workload)
    }

    /// The budget of one cell of the suite's rows.
    pub fn budget(&self) -> Budget {
        if self.quick {
            Budget {
                seconds: 0.05,
                warmup: 0.02,
                min_reps: 3,
                max_reps: 50,
            }
        } else {
            Budget {
                seconds: 0.7,
                warmup: 0.2,
                min_reps: 5,
                max_reps: 200,
            }
        }
    }

    /// The budget of one cell of the time-against-size charts.
    pub fn sweep_budget(&self) -> Budget {
        if self.quick {
            Budget {
                seconds: 0.02,
                warmup: 0.01,
                min_reps: 3,
                max_reps: 30,
            }
        } else {
            Budget {
                seconds: 0.3,
                warmup: 0.1,
                min_reps: 3,
                max_reps: 100,
            }
        }
    }

    /// Longest a sweep cell may be expected to take before its size is left out.
    fn sweep_cap_s(&self) -> f64 {
        if self.quick {
            0.5
        } else {
            25.0
        }
    }
}

/// The machine and its limits as measured in the run.
#[derive(Clone, Debug, Default)]
pub struct Machine {
    /// CPU model name.
    pub cpu: String,
    /// Logical cores.
    pub cores: usize,
    /// Load average before and after the run.
    pub load: (String, String),
    /// Triads: (dtype name, "start" or "end", result).
    pub triads: Vec<(String, String, Triad)>,
    /// Estimated f32 FMA peak, GFLOP/s, 2 threads.
    pub fma_gflops: Option<f64>,
}

impl Machine {
    /// The best triad bandwidth of the dtype, GB/s.
    pub fn best_gbs(&self, dtype: &str) -> Option<f64> {
        self.triads
            .iter()
            .filter(|(d, _, _)| d == dtype)
            .map(|(_, _, t)| t.best_gbs)
            .reduce(f64::max)
    }
}

/// Everything the suite found.
pub struct Results {
    /// The settings it ran with.
    pub settings: Settings,
    /// One record per cell.
    pub records: Vec<Record>,
    /// The machine's limits.
    pub machine: Machine,
    /// "NumPy 2.4.6, numexpr 2.14.2 (2 threads)" or "not run (...)".
    pub python: String,
    /// numcrane's threads.
    pub threads: usize,
    /// Seconds the whole run took.
    pub seconds: f64,
}

/// The `[k/N] ...` lines on stderr.
struct Progress {
    done: usize,
    total: usize,
}

impl Progress {
    fn step(&mut self, what: &str) {
        self.done += 1;
        eprintln!("[{}/{}] {what} ...", self.done, self.total);
    }
}

/// How a case is named in progress lines and tables: `W1 float32 1e7`, `W4 x.sum() float32 1e6`.
pub fn label(case: &Case) -> String {
    let op = match case.op.workload() {
        "W4" | "W8" => format!(" {}", case.op.expr()),
        _ => String::new(),
    };
    format!(
        "{}{op} {} {}",
        case.op.workload(),
        case.dtype.name(),
        case.size_text()
    )
}

fn record(case: &Case, implementation: &str, threads: usize, suite: &str) -> Record {
    let mut r = Record::new(
        case.op.workload(),
        case.op.expr(),
        implementation,
        case.dtype.name(),
        &case.shape,
        threads,
    );
    r.suite = suite.into();
    r
}

fn set_time(r: &mut Record, m: &Measured) {
    r.median_s = Some(m.median);
    r.min_s = Some(m.min);
    r.reps = Some(m.reps);
}

/// A numcrane backend: the default one (`Array::eval`) or fusion off.
#[derive(Clone, Copy, PartialEq)]
enum Numcrane {
    Default,
    Unfused,
}

impl Numcrane {
    fn name(self) -> &'static str {
        match self {
            Numcrane::Default => "numcrane",
            Numcrane::Unfused => "numcrane-unfused",
        }
    }

    fn eval(self, a: &Array) -> Result<Array, String> {
        match self {
            Numcrane::Default => a.eval(),
            Numcrane::Unfused => a.eval_with(Backend::Unfused),
        }
        .map_err(|e| e.to_string())
    }

    fn call(self, op: Op, inputs: &[Array]) -> Result<Array, String> {
        self.eval(&numcrane_expr(op, inputs)?)
    }
}

/// The check of one implementation on the small shape.
#[derive(Clone, Debug, Default)]
struct Check {
    error: Option<String>,
    compile_s: Option<f64>,
    compiled: usize,
}

/// Checks of the Rust implementations of a case, and numcrane's result (the reference).
struct Checks {
    reference: Option<Vec<f64>>,
    by_impl: HashMap<&'static str, Check>,
}

/// numcrane's result on the small inputs, with the compile time of its first call.
fn first_call(
    backend: Numcrane,
    op: Op,
    small: &[Array],
) -> Result<(Vec<f64>, usize, Option<f64>), String> {
    let before = jit_compile_count();
    let t = Instant::now();
    let out = backend.call(op, small)?;
    let first = t.elapsed().as_secs_f64();
    let compiled = jit_compile_count().saturating_sub(before);
    let mut cached = f64::INFINITY;
    for _ in 0..5 {
        let t = Instant::now();
        backend.call(op, small)?;
        cached = cached.min(t.elapsed().as_secs_f64());
    }
    let compile_s = (compiled > 0).then(|| (first - cached).max(0.0));
    Ok((numcrane_values(&out)?, compiled, compile_s))
}

fn check_rust(case: &Case) -> Checks {
    let small_case = case.check_case();
    let mut by_impl = HashMap::new();
    let small = match small_case.numcrane_inputs() {
        Ok(s) => s,
        Err(e) => {
            let check = Check {
                error: Some(e),
                ..Check::default()
            };
            for name in ["numcrane", "numcrane-unfused", "ndarray"] {
                by_impl.insert(name, check.clone());
            }
            return Checks {
                reference: None,
                by_impl,
            };
        }
    };
    // numcrane against its reference evaluator.
    let oracle = numcrane_expr(case.op, &small)
        .and_then(|a| a.eval_with(Backend::Eval).map_err(|e| e.to_string()))
        .and_then(|a| numcrane_values(&a));
    let mut reference = None;
    for backend in [Numcrane::Default, Numcrane::Unfused] {
        let check = match (first_call(backend, case.op, &small), &oracle) {
            (Ok((values, compiled, compile_s)), Ok(want)) => {
                let error = verify::compare_case(&small_case, &values, want)
                    .err()
                    .map(|e| format!("{e} (against numcrane's reference evaluator)"));
                if backend == Numcrane::Default && error.is_none() {
                    reference = Some(values);
                }
                Check {
                    error,
                    compile_s,
                    compiled,
                }
            }
            (Err(e), _) => Check {
                error: Some(e),
                ..Check::default()
            },
            (_, Err(e)) => Check {
                error: Some(format!("numcrane's reference evaluator: {e}")),
                ..Check::default()
            },
        };
        by_impl.insert(backend.name(), check);
    }
    let nd = ndarray_anchor::Inputs::new(&small_case)
        .and_then(|i| i.run(case.op))
        .and_then(|out| match &reference {
            Some(want) => verify::compare_case(&small_case, &out.values(), want),
            None => Err("no numcrane result to compare with".into()),
        });
    by_impl.insert(
        "ndarray",
        Check {
            error: nd.err(),
            ..Check::default()
        },
    );
    Checks { reference, by_impl }
}

/// Times one numcrane backend on the case's inputs.
fn time_numcrane(
    case: &Case,
    backend: Numcrane,
    inputs: &[Array],
    budget: Budget,
    r: &mut Record,
) -> Result<(), String> {
    if backend == Numcrane::Default {
        r.kernels = Some(numcrane_expr(case.op, inputs)?.fused_kernel_count());
    }
    let rss = PeakRss::start();
    let before = jit_compile_count();
    let m = measure(|| backend.call(case.op, inputs), case.op.batch(), budget)?;
    let compiled = jit_compile_count().saturating_sub(before);
    set_time(r, &m);
    r.kernels_compiled = Some(r.kernels_compiled.unwrap_or(0) + compiled);
    if let Some((peak, extra)) = rss.and_then(|p| p.read()) {
        r.peak_rss_bytes = Some(peak);
        r.extra_rss_bytes = Some(extra);
    }
    Ok(())
}

/// A product with nothing around it (W6): numcrane's plan has no element-wise kernel.
fn plain_product(case: &Case) -> bool {
    case.op == Op::MatMul
}

/// The Rust cells of one case (numcrane, numcrane-unfused, ndarray); with `checks`, cells
/// whose check failed become error records.
fn run_rust_case(
    case: &Case,
    suite: &str,
    checks: Option<&Checks>,
    budget: Budget,
    threads: usize,
    progress: &mut Progress,
) -> Vec<Record> {
    let name = label(case);
    let mut out = Vec::new();
    let inputs = case.numcrane_inputs();
    for backend in [Numcrane::Default, Numcrane::Unfused] {
        progress.step(&format!("{name} {}", backend.name()));
        let mut r = record(case, backend.name(), threads, suite);
        let check = checks.and_then(|c| c.by_impl.get(backend.name()));
        if let Some(c) = check {
            r.compile_s = c.compile_s;
            r.kernels_compiled = Some(c.compiled);
        }
        let result = match (check.and_then(|c| c.error.as_ref()), &inputs) {
            (Some(e), _) => Err(e.clone()),
            (None, Err(e)) => Err(e.clone()),
            (None, Ok(inputs)) => time_numcrane(case, backend, inputs, budget, &mut r),
        };
        if let Err(e) = result {
            r.status = format!("error: {e}");
        }
        if plain_product(case) {
            // Nothing to compile (`A @ B` alone is one GEMM step): no "cached" compile cell.
            r.kernels_compiled = None;
            r.compile_s = None;
        }
        out.push(r);
    }
    drop(inputs);

    progress.step(&format!("{name} ndarray"));
    let mut r = record(case, "ndarray", 1, suite);
    let check = checks.and_then(|c| c.by_impl.get("ndarray"));
    let result = match check.and_then(|c| c.error.as_ref()) {
        Some(e) => Err(e.clone()),
        None => ndarray_anchor::Inputs::new(case).and_then(|inputs| {
            let rss = PeakRss::start();
            let m = measure(|| inputs.run(case.op), case.op.batch(), budget)?;
            set_time(&mut r, &m);
            if let Some((peak, extra)) = rss.and_then(|p| p.read()) {
                r.peak_rss_bytes = Some(peak);
                r.extra_rss_bytes = Some(extra);
            }
            Ok(())
        }),
    };
    if let Err(e) = result {
        r.status = format!("error: {e}");
    }
    out.push(r);
    out
}

/// Records of the NumPy side for one case.
fn python_records(
    case: &Case,
    suite: &str,
    outcome: &PyOutcome,
    reference: Option<&Vec<f64>>,
) -> Vec<Record> {
    let mut impls = vec![(NUMPY, 1)];
    if case.op.numexpr() {
        impls.push((NUMEXPR, 2));
    }
    impls
        .into_iter()
        .map(|(implementation, threads)| {
            let mut r = record(case, implementation, threads, suite);
            match outcome {
                PyOutcome::NotRun(why) => r.status = format!("not run ({why})"),
                PyOutcome::Ran { cells, failure, .. } => {
                    match cells.get(&(case.key(), implementation.to_string())) {
                        None => {
                            r.status = format!(
                                "error: no result from python3{}",
                                failure
                                    .as_ref()
                                    .map(|f| format!(" ({f})"))
                                    .unwrap_or_default()
                            )
                        }
                        Some(cell) => {
                            let mismatch = match (&cell.check, reference) {
                                (Some(got), Some(want)) => {
                                    verify::compare_case(&case.check_case(), got, want).err()
                                }
                                _ => None,
                            };
                            if let Some(e) = &cell.error {
                                r.status = if e.starts_with("not run") {
                                    e.clone()
                                } else {
                                    format!("error: {e}")
                                };
                            } else if let Some(e) = mismatch {
                                r.status = format!("error: {e}");
                            } else if let Some((median, min, reps, threads)) = cell.time {
                                r.median_s = Some(median);
                                r.min_s = Some(min);
                                r.reps = Some(reps);
                                r.threads = threads;
                            } else {
                                r.status = "error: no time from python3".into();
                            }
                        }
                    }
                }
            }
            r
        })
        .collect()
}

/// A first guess of one sweep cell's seconds (inputs, warm-up, samples), from the slowest
/// implementation of the baselines: W1 about 4 ns and W2 about 30 ns per element (NumPy),
/// building inputs about 20 ns per element; W6 at 20 GFLOP/s (single-threaded ndarray).
fn sweep_estimate_s(case: &Case, budget: Budget) -> f64 {
    let call = match case.flops() {
        Some(flops) => flops / 20e9,
        None => {
            let per_element = match case.op {
                Op::W2 => 30e-9,
                _ => 4e-9,
            };
            case.size() as f64 * per_element
        }
    };
    let elements: usize = case
        .input_shapes()
        .iter()
        .map(|s| s.iter().product::<usize>())
        .sum();
    let inputs = elements as f64 * 20e-9;
    inputs + budget.warmup.max(2.0 * call) + (budget.min_reps as f64 * call).max(budget.seconds)
}

/// The sweep's cases: W1 and W2 in float32 at 1e3..1e8, W6 in float32 at n = 64..2048, less
/// those the main rows already have and those expected to take too long.
pub fn sweep_cases(settings: &Settings, main: &[Case]) -> Vec<Case> {
    let budget = settings.sweep_budget();
    let mut cases = Vec::new();
    for op in workloads::SWEEP_OPS {
        if !settings.wants(op.workload()) {
            continue;
        }
        for case in workloads::sweep_cases_of(op) {
            if main.contains(&case) || sweep_estimate_s(&case, budget) > settings.sweep_cap_s() {
                continue;
            }
            cases.push(case);
        }
    }
    cases
}

/// The floor of a case, seconds: its bytes over the best triad bandwidth of its dtype, or
/// for a matrix product its flops over the FMA peak (float64: half the float32 peak).
fn floor_of(case: &Case, machine: &Machine) -> Option<f64> {
    match case.flops() {
        Some(flops) => {
            let lanes = if case.dtype == DType::F64 { 0.5 } else { 1.0 };
            let peak = machine.fma_gflops.map(|g| g * lanes * 1e9);
            ratio(Some(flops), peak)
        }
        None => floor_seconds(case.floor_bytes(), machine.best_gbs(case.dtype.name())),
    }
}

fn proc_text(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

fn load_average() -> String {
    proc_text("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "?".into())
}

fn run_triads(machine: &mut Machine, when: &str, reps: usize) {
    let n = 10_000_000;
    for (dtype, t) in [
        (DType::F32, machine::triad::<f32>(n, reps)),
        (DType::F64, machine::triad::<f64>(n, reps)),
    ] {
        match t {
            Ok(t) => {
                eprintln!(
                    "[machine] triad {} 1e7 {} threads ({when}): best {:.1} GB/s",
                    dtype.name(),
                    machine::THREADS,
                    t.best_gbs
                );
                machine
                    .triads
                    .push((dtype.name().to_string(), when.to_string(), t));
            }
            Err(e) => eprintln!("[machine] triad {}: {e}", dtype.name()),
        }
    }
}

/// Runs the suite.
pub fn run(settings: &Settings) -> Results {
    let started = Instant::now();
    let threads = rayon::current_num_threads();
    let cases: Vec<Case> = workloads::suite_cases(settings.quick)
        .into_iter()
        .filter(|c| settings.wants(c.op.workload()))
        .collect();
    let sweep = if settings.sweep {
        sweep_cases(settings, &cases)
    } else {
        Vec::new()
    };
    let py_cases: Vec<PyCase> = cases
        .iter()
        .map(|c| (c, true, settings.budget()))
        .chain(sweep.iter().map(|c| (c, false, settings.sweep_budget())))
        .map(|(case, check, budget)| PyCase {
            case,
            label: label(case),
            check,
            budget,
        })
        .collect();
    let py_cells = if settings.python {
        python_anchor::cell_count(&py_cases)
    } else {
        0
    };
    let mut progress = Progress {
        done: 0,
        total: 3 * (cases.len() + sweep.len()) + py_cells,
    };

    let mut machine = Machine {
        cpu: proc_text("/proc/cpuinfo")
            .and_then(|t| {
                t.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split(':').nth(1))
                    .map(|m| m.trim().to_string())
            })
            .unwrap_or_else(|| "unknown CPU".into()),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        load: (load_average(), String::new()),
        ..Machine::default()
    };
    let triad_reps = if settings.quick { 10 } else { 30 };
    run_triads(&mut machine, "start", triad_reps);
    let (fma_s, fma_tries) = if settings.quick { (0.03, 2) } else { (0.2, 3) };
    match machine::fma_peak_gflops(fma_s, fma_tries) {
        Ok(g) => {
            eprintln!("[machine] f32 FMA peak estimate: {g:.0} GFLOP/s on 2 threads");
            machine.fma_gflops = Some(g);
        }
        Err(e) => eprintln!("[machine] FMA peak: {e}"),
    }

    // (case, record), for the floors once the last triad ran.
    let mut records: Vec<(&Case, Record)> = Vec::new();
    let mut references: HashMap<String, Vec<f64>> = HashMap::new();
    for case in &cases {
        let checks = check_rust(case);
        if let Some(r) = &checks.reference {
            references.insert(case.key(), r.clone());
        }
        let rows = run_rust_case(
            case,
            "main",
            Some(&checks),
            settings.budget(),
            threads,
            &mut progress,
        );
        records.extend(rows.into_iter().map(|r| (case, r)));
    }
    for case in &sweep {
        let rows = run_rust_case(
            case,
            "sweep",
            None,
            settings.sweep_budget(),
            threads,
            &mut progress,
        );
        records.extend(rows.into_iter().map(|r| (case, r)));
    }

    let outcome = if settings.python {
        python_anchor::run(&py_cases, progress.done, progress.total)
    } else {
        PyOutcome::NotRun("--no-python".into())
    };
    let python = match &outcome {
        PyOutcome::NotRun(why) => format!("not run ({why})"),
        PyOutcome::Ran { versions, .. } => versions.clone(),
    };
    for (case, suite) in cases
        .iter()
        .map(|c| (c, "main"))
        .chain(sweep.iter().map(|c| (c, "sweep")))
    {
        let rows = python_records(case, suite, &outcome, references.get(&case.key()));
        records.extend(rows.into_iter().map(|r| (case, r)));
    }

    run_triads(&mut machine, "end", triad_reps);
    machine.load.1 = load_average();
    let mut records: Vec<Record> = records
        .into_iter()
        .map(|(case, mut r)| {
            r.floor_s = floor_of(case, &machine);
            if r.ok() {
                r.gflops = gflops(case.flops(), r.median_s);
            }
            r
        })
        .collect();
    json::fill_ratios(&mut records);
    Results {
        settings: settings.clone(),
        records,
        machine,
        python,
        threads,
        seconds: started.elapsed().as_secs_f64(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_the_w4_and_w8_ops() {
        let c = Case::new(Op::Sum0, DType::F32, &[1024, 1024]);
        assert_eq!(label(&c), "W4 X.sum(axis=0) float32 1024x1024");
        let c = Case::new(Op::W2, DType::F64, &[10_000_000]);
        assert_eq!(label(&c), "W2 float64 1e7");
    }

    #[test]
    fn quick_sweep_leaves_out_the_large_sizes() {
        let quick = Settings {
            quick: true,
            sweep: true,
            ..Settings::default()
        };
        let main = workloads::suite_cases(true);
        let sweep = sweep_cases(&quick, &main);
        assert!(sweep.iter().all(|c| c.size() < 10_000_000));
        // 1e6 is a main row in --quick, so the sweep does not repeat it.
        assert!(sweep.iter().all(|c| c.size() != 1_000_000));
        assert!(sweep.iter().any(|c| c.op == Op::W2 && c.size() == 1000));
        // W6: 64 and 128 (256 and 512 are main rows), not 1024 and up.
        let w6: Vec<usize> = sweep
            .iter()
            .filter(|c| c.op == Op::MatMul)
            .map(|c| c.shape[0])
            .collect();
        assert_eq!(w6, [64, 128]);
        let full = Settings {
            sweep: true,
            ..Settings::default()
        };
        let sweep = sweep_cases(&full, &workloads::suite_cases(false));
        assert!(sweep
            .iter()
            .any(|c| c.op == Op::W1 && c.size() == 100_000_000));
        let w6: Vec<usize> = sweep
            .iter()
            .filter(|c| c.op == Op::MatMul)
            .map(|c| c.shape[0])
            .collect();
        assert_eq!(w6, [64, 128, 256]);
        let only_w2 = Settings {
            quick: true,
            sweep: true,
            filter: vec!["W2".into()],
            ..Settings::default()
        };
        assert!(sweep_cases(&only_w2, &main).iter().all(|c| c.op == Op::W2));
    }

    #[test]
    fn a_wrong_result_is_an_error_row_not_a_time() {
        let case = Case::new(Op::W1, DType::F32, &[1000]);
        let cell = |check: Vec<f64>| python_anchor::PyCell {
            check: Some(check),
            time: Some((1e-3, 9e-4, 5, 1)),
            error: None,
        };
        let mut cells = HashMap::new();
        cells.insert((case.key(), NUMPY.to_string()), cell(vec![1.0, 2.0]));
        cells.insert((case.key(), NUMEXPR.to_string()), cell(vec![1.0, 2.5]));
        let outcome = PyOutcome::Ran {
            versions: "NumPy".into(),
            cells,
            failure: None,
        };
        let reference = vec![1.0, 2.0];
        let rows = python_records(&case, "main", &outcome, Some(&reference));
        assert_eq!(rows.len(), 2);
        assert!(rows[0].ok() && rows[0].median_s == Some(1e-3));
        assert!(
            rows[1].failed() && rows[1].median_s.is_none(),
            "{:?}",
            rows[1]
        );
        assert!(rows[1].status.contains("differs"), "{}", rows[1].status);
        let not_run = python_records(&case, "main", &PyOutcome::NotRun("x".into()), None);
        assert_eq!(not_run[0].status, "not run (x)");
        assert!(!not_run[0].failed());
    }

    #[test]
    fn rust_checks_pass_on_every_case() {
        for case in workloads::suite_cases(true) {
            let checks = check_rust(&case);
            assert!(checks.reference.is_some(), "{case:?}");
            for (name, c) in &checks.by_impl {
                assert!(c.error.is_none(), "{case:?} {name}: {:?}", c.error);
            }
        }
    }
}
