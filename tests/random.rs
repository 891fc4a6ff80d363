//! numcrane::random against NumPy: tests/numpy/gen_random_golden.py ran sequences of calls on
//! `np.random.default_rng(seed)` and saved every result (tests/golden/random/*.npy, or a
//! digest of the raw bits for long runs) and the final `bit_generator.state`; the same
//! sequence here must give the same bits and leave the generator in the same state.
//! Then: bad parameters give NumPy's message, the caller's line and consume nothing; and
//! moments/frequencies are sane (those are checks of the sampler, independent of NumPy).

use numcrane::io::load_npy;
use numcrane::random::{default_rng, Generator, RandomState, SeedSequence};
use numcrane::{array, Array, DType, Error};
use serde_json::Value;
use std::path::PathBuf;

const FILE: &str = file!();

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/random")
}

fn f(args: &Value, key: &str) -> f64 {
    args[key]
        .as_f64()
        .unwrap_or_else(|| panic!("argument {key} missing in {args}"))
}

fn i(args: &Value, key: &str) -> i64 {
    // Bounds such as 2**63 - 1 do not survive a trip through f64.
    match &args[key] {
        Value::Number(n) => n
            .as_i64()
            .unwrap_or_else(|| panic!("{key} = {n} is not i64")),
        v => panic!("argument {key} missing or not a number: {v}"),
    }
}

fn floats(args: &Value, key: &str) -> Vec<f64> {
    args[key]
        .as_array()
        .unwrap_or_else(|| panic!("argument {key} missing in {args}"))
        .iter()
        .map(|v| v.as_f64().expect("a number"))
        .collect()
}

fn ints_shape(v: &Value) -> Vec<usize> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|d| d.as_u64().expect("a dimension") as usize)
                .collect()
        })
        .unwrap_or_default()
}

/// NumPy's `arange(prod(shape)).reshape(shape)` in `dtype` (times 0.5 for floats, as the
/// generator script builds its inputs).
fn input(shape: &[usize], dtype: DType) -> Array {
    let n: usize = shape.iter().product();
    match dtype {
        DType::F64 => Array::from_vec((0..n).map(|k| k as f64 * 0.5).collect(), shape),
        _ => Array::from_vec((0..n as i64).collect(), shape),
    }
}

fn run_call(g: &mut Generator, call: &Value) -> Array {
    let method = call["method"].as_str().expect("method");
    let a = &call["args"];
    let size = ints_shape(&call["size"]);
    let dtype = |default: DType| match a["dtype"].as_str() {
        Some("float32") => DType::F32,
        Some("float64") => DType::F64,
        Some("int32") => DType::I32,
        Some("int64") => DType::I64,
        Some("int16") => DType::I16,
        Some("int8") => DType::I8,
        Some("uint64") => DType::U64,
        Some("uint32") => DType::U32,
        Some("uint16") => DType::U16,
        Some("uint8") => DType::U8,
        Some("bool") => DType::Bool,
        Some(d) => panic!("dtype {d} not handled"),
        None => default,
    };
    let p = a.get("p").filter(|p| p.is_array()).map(|_| floats(a, "p"));
    let replace = a["replace"].as_bool().unwrap_or(true);
    let param = |k: usize| floats(a, "params")[k];
    let axis = a["axis"].as_i64().unwrap_or(0) as isize;
    match method {
        "random" => g.random_dtype(size, dtype(DType::F64)),
        "uniform" => g.uniform(f(a, "low"), f(a, "high"), size),
        "integers" => g.integers_dtype(
            i(a, "low"),
            i(a, "high"),
            size,
            dtype(DType::I64),
            a["endpoint"].as_bool().unwrap_or(false),
        ),
        "standard_normal" => g.standard_normal_dtype(size, dtype(DType::F64)),
        "normal" => g.normal(f(a, "loc"), f(a, "scale"), size),
        "standard_exponential" => g.standard_exponential_dtype(size, dtype(DType::F64)),
        "exponential" => g.exponential(f(a, "scale"), size),
        "standard_gamma" => g.standard_gamma_dtype(f(a, "shape"), size, dtype(DType::F64)),
        "gamma" => g.gamma(f(a, "shape"), f(a, "scale"), size),
        "beta" => g.beta(f(a, "a"), f(a, "b"), size),
        "poisson" => g.poisson(f(a, "lam"), size),
        "binomial" => g.binomial(i(a, "n"), f(a, "p"), size),
        "multinomial" => g.multinomial(i(a, "n"), &floats(a, "pvals"), size),
        "lognormal" => g.lognormal(f(a, "mean"), f(a, "sigma"), size),
        "laplace" => g.laplace(f(a, "loc"), f(a, "scale"), size),
        "standard_t" => g.standard_t(f(a, "df"), size),
        "standard_cauchy" => g.standard_cauchy(size),
        "chisquare" => g.chisquare(param(0), size),
        "f" => g.f(param(0), param(1), size),
        "pareto" => g.pareto(param(0), size),
        "weibull" => g.weibull(param(0), size),
        "power" => g.power(param(0), size),
        "rayleigh" => g.rayleigh(param(0), size),
        "gumbel" => g.gumbel(param(0), param(1), size),
        "logistic" => g.logistic(param(0), param(1), size),
        "triangular" => g.triangular(param(0), param(1), param(2), size),
        "wald" => g.wald(param(0), param(1), size),
        "geometric" => g.geometric(param(0), size),
        "negative_binomial" => g.negative_binomial(param(0), param(1), size),
        "noncentral_chisquare" => g.noncentral_chisquare(param(0), param(1), size),
        "noncentral_f" => g.noncentral_f(param(0), param(1), param(2), size),
        "logseries" => g.logseries(param(0), size),
        "vonmises" => g.vonmises(param(0), param(1), size),
        "dirichlet" => g.dirichlet(&floats(a, "alpha"), size),
        "hypergeometric" => g.hypergeometric(i(a, "ngood"), i(a, "nbad"), i(a, "nsample"), size),
        "zipf" => g.zipf(param(0), size),
        "spawn_random" => {
            let mut kids = g.spawn(i(a, "k") as usize).expect("spawn");
            if a["grand"].as_bool().unwrap_or(false) {
                kids = kids[0].spawn(i(a, "k") as usize).expect("spawn");
            }
            let m = i(a, "m") as usize;
            let rows: Vec<f64> = kids
                .iter_mut()
                .flat_map(|k| k.random(m).to_vec::<f64>().expect("values"))
                .collect();
            Array::from_vec(rows, [kids.len(), m])
        }
        "array_params" => {
            let params: Vec<Array> = a["params"]
                .as_array()
                .expect("params")
                .iter()
                .map(json_array)
                .collect();
            let size = call["size"].as_array().map(|_| size);
            let p: Vec<&Array> = params.iter().collect();
            match (a["dist"].as_str().expect("dist"), p.as_slice()) {
                ("normal", [x, y]) => g.normal_array(x, y, size),
                ("uniform", [x, y]) => g.uniform_array(x, y, size),
                ("gamma", [x, y]) => g.gamma_array(x, y, size),
                ("beta", [x, y]) => g.beta_array(x, y, size),
                ("binomial", [x, y]) => g.binomial_array(x, y, size),
                ("poisson", [x]) => g.poisson_array(x, size),
                ("exponential", [x]) => g.exponential_array(x, size),
                ("triangular", [x, y, z]) => g.triangular_array(x, y, z, size),
                ("vonmises", [x, y]) => g.vonmises_array(x, y, size),
                (d, _) => panic!("array_params {d} not handled"),
            }
        }
        "choice" => g.choice(i(a, "a") as usize, size, replace, p.as_deref()),
        "choice_array" => {
            let x = input(&ints_shape(&a["shape"]), DType::F64);
            g.choice_array(&x, size, replace, p.as_deref())
        }
        "choice_axis" => g.choice_array_axis(
            &input(&ints_shape(&a["shape"]), DType::I64),
            size,
            replace,
            p.as_deref(),
            i(a, "axis") as isize,
            a["shuffle"].as_bool().expect("shuffle"),
        ),
        "permutation" => g.permutation(i(a, "n") as usize),
        "permutation_array" => {
            g.permutation_array(&input(&ints_shape(&a["shape"]), DType::I64), axis)
        }
        "permuted" => g.permuted(
            &input(&ints_shape(&a["shape"]), DType::I64),
            a["axis"].as_i64().map(|v| v as isize),
        ),
        "shuffle" => g.shuffle(&input(&ints_shape(&a["shape"]), DType::I64), axis),
        m => panic!("method {m} not handled"),
    }
}

fn run_legacy(g: &mut RandomState, call: &Value) -> Array {
    let a = &call["args"];
    let size = ints_shape(&call["size"]);
    match call["method"].as_str().expect("method") {
        "rand" => g.rand(size),
        "randn" => g.randn(size),
        "random_sample" => g.random_sample(size),
        "randint" => g.randint(i(a, "low"), i(a, "high"), size),
        "normal" => g.normal(f(a, "loc"), f(a, "scale"), size),
        "uniform" => g.uniform(f(a, "low"), f(a, "high"), size),
        m => panic!("legacy method {m} not handled"),
    }
}

/// A JSON number or nested list of numbers as a float64 array of its shape.
fn json_array(v: &Value) -> Array {
    fn walk(v: &Value, depth: usize, shape: &mut Vec<usize>, out: &mut Vec<f64>) {
        match v {
            Value::Array(items) => {
                if shape.len() == depth {
                    shape.push(items.len());
                }
                for it in items {
                    walk(it, depth + 1, shape, out);
                }
            }
            x => out.push(x.as_f64().expect("a number")),
        }
    }
    let (mut shape, mut out) = (Vec::new(), Vec::new());
    walk(v, 0, &mut shape, &mut out);
    Array::from_vec(out, shape)
}

/// The raw bits of every element, widened to u64.
fn bits(a: &Array) -> Vec<u64> {
    match a.dtype() {
        DType::F64 => a
            .to_vec::<f64>()
            .unwrap()
            .iter()
            .map(|v| v.to_bits())
            .collect(),
        DType::F32 => a
            .to_vec::<f32>()
            .unwrap()
            .iter()
            .map(|v| u64::from(v.to_bits()))
            .collect(),
        DType::I64 => a
            .to_vec::<i64>()
            .unwrap()
            .iter()
            .map(|&v| v as u64)
            .collect(),
        DType::I16 => a
            .to_vec::<i16>()
            .unwrap()
            .iter()
            .map(|&v| v as u64)
            .collect(),
        DType::I8 => a
            .to_vec::<i8>()
            .unwrap()
            .iter()
            .map(|&v| v as u64)
            .collect(),
        DType::U64 => a.to_vec::<u64>().unwrap(),
        DType::U32 => a
            .to_vec::<u32>()
            .unwrap()
            .iter()
            .map(|&v| u64::from(v))
            .collect(),
        DType::U16 => a
            .to_vec::<u16>()
            .unwrap()
            .iter()
            .map(|&v| u64::from(v))
            .collect(),
        DType::U8 => a
            .to_vec::<u8>()
            .unwrap()
            .iter()
            .map(|&v| u64::from(v))
            .collect(),
        DType::Bool => a
            .to_vec::<bool>()
            .unwrap()
            .iter()
            .map(|&v| u64::from(v))
            .collect(),
        DType::I32 => a
            .to_vec::<i32>()
            .unwrap()
            .iter()
            .map(|&v| u64::from(v as u32))
            .collect(),
        DType::C64 | DType::C128 => unreachable!("no random draw is complex"),
    }
}

/// The script's digest: sum(bits[i] * (2 i + 1)) mod 2^64.
fn digest(a: &Array) -> u64 {
    bits(a).iter().enumerate().fold(0u64, |acc, (k, &b)| {
        acc.wrapping_add(b.wrapping_mul(2 * k as u64 + 1))
    })
}

fn numpy_dtype(d: DType) -> &'static str {
    match d {
        DType::F64 => "float64",
        DType::F32 => "float32",
        DType::I64 => "int64",
        DType::I32 => "int32",
        DType::I16 => "int16",
        DType::I8 => "int8",
        DType::U64 => "uint64",
        DType::U32 => "uint32",
        DType::U16 => "uint16",
        DType::U8 => "uint8",
        DType::Bool => "bool",
        DType::C64 => "complex64",
        DType::C128 => "complex128",
    }
}

#[test]
fn sequences_match_numpy_bit_for_bit() {
    let text = std::fs::read_to_string(golden_dir().join("cases.json")).expect("cases.json");
    let doc: Value = serde_json::from_str(&text).expect("valid json");
    let cases = doc["cases"].as_array().expect("cases");
    assert!(cases.len() >= 10, "too few golden cases: {}", cases.len());
    let mut checked = 0;
    for case in cases {
        // A seed is an integer, or a list of them (NumPy's `default_rng([a, b, ...])`).
        let seeds: Vec<u128> = match &case["seed"] {
            Value::Array(list) => list
                .iter()
                .map(|s| s.as_str().unwrap().parse().unwrap())
                .collect(),
            s => vec![s.as_str().unwrap().parse().unwrap()],
        };
        let seed = seeds[0];
        let name = format!("{} (seed {seeds:?})", case["name"].as_str().unwrap());
        let legacy = name.starts_with("legacy");
        let mut g = if case["seed"].is_array() {
            Generator::from_seed_sequence(SeedSequence::from_ints(&seeds))
        } else {
            default_rng(seed)
        };
        let mut rs = RandomState::new(u32::try_from(seed).unwrap_or(0));
        for (k, call) in case["calls"].as_array().unwrap().iter().enumerate() {
            let what = format!("{name}, call {k}: {}", call);
            let got = if legacy {
                run_legacy(&mut rs, call)
            } else {
                run_call(&mut g, call)
            };
            let got = got.eval().unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(
                got.shape(),
                ints_shape(&call["shape"]).as_slice(),
                "{what}: shape"
            );
            assert_eq!(
                numpy_dtype(got.dtype()),
                call["dtype"].as_str().unwrap(),
                "{what}: dtype"
            );
            if let Some(d) = call["digest"].as_str() {
                assert_eq!(digest(&got).to_string(), d, "{what}: digest of the values");
            } else {
                let file = call["file"].as_str().unwrap();
                let want = load_npy(golden_dir().join(file)).expect("golden npy");
                let (gb, wb) = (bits(&got), bits(&want));
                assert_eq!(gb.len(), wb.len(), "{what}: length");
                if let Some(at) = gb.iter().zip(&wb).position(|(x, y)| x != y) {
                    panic!(
                        "{what}: element {at} differs: bits {:#x}, NumPy {:#x}",
                        gb[at], wb[at]
                    );
                }
            }
            checked += 1;
        }
        if legacy {
            continue;
        }
        let want = &case["final_state"];
        let st = g.bit_generator().state();
        assert_eq!(
            st.state.to_string(),
            want["state"].as_str().unwrap(),
            "{name}: final state"
        );
        assert_eq!(
            st.inc.to_string(),
            want["inc"].as_str().unwrap(),
            "{name}: inc"
        );
        assert_eq!(
            u64::from(st.has_uint32),
            want["has_uint32"].as_u64().unwrap(),
            "{name}: has_uint32"
        );
        assert_eq!(
            u64::from(st.uinteger),
            want["uinteger"].as_u64().unwrap(),
            "{name}: uinteger"
        );
    }
    assert!(checked > 100, "only {checked} calls checked");
}

/// The error building `a` carries; `eval` returns it too.
#[track_caller]
fn build_error(a: &Array) -> Error {
    let built = a.error().cloned().expect("expected a build error");
    assert_eq!(
        built,
        a.eval().expect_err("a poisoned array must fail to eval")
    );
    built
}

#[track_caller]
fn check_message(err: &Error, line: u32, needles: &[&str]) {
    let msg = err.to_string();
    let here = format!("{FILE}:");
    let reported = msg.find(&here).and_then(|at| {
        let digits: String = msg[at + here.len()..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        digits.parse::<u32>().ok()
    });
    assert!(
        matches!(reported, Some(l) if l.abs_diff(line) <= 5),
        "message {msg:?} does not name {FILE}:{line}"
    );
    for n in needles {
        assert!(msg.contains(n), "message {msg:?} lacks {n:?}");
    }
}

#[test]
fn bad_parameters_give_numpy_messages_and_draw_nothing() {
    let mut g = default_rng(7);
    let nan = f64::NAN;
    let cases: Vec<(Array, u32, &[&str])> = vec![
        (
            g.uniform(2.0, 1.0, 3),
            line!(),
            &["uniform", "high - low < 0"],
        ),
        (
            g.uniform(0.0, f64::INFINITY, 3),
            line!(),
            &["uniform", "range exceeds valid bounds"],
        ),
        (g.integers(5, 5, 3), line!(), &["integers", "low >= high"]),
        (
            g.integers_dtype(5, 4, 3, DType::I64, true),
            line!(),
            &["integers", "low > high"],
        ),
        (
            g.integers_dtype(0, 1 << 40, 3, DType::I32, false),
            line!(),
            &["high is out of bounds for int32"],
        ),
        (
            g.integers_dtype(0, 4, 3, DType::F32, false),
            line!(),
            &["integers", "Unsupported dtype"],
        ),
        (
            g.integers_dtype(-200, 3, 3, DType::I8, false),
            line!(),
            &["low is out of bounds for int8"],
        ),
        (
            g.integers_dtype(0, 257, 3, DType::U8, false),
            line!(),
            &["high is out of bounds for uint8"],
        ),
        (
            g.integers_dtype(0, 256, 3, DType::U8, true),
            line!(),
            &["high is out of bounds for uint8"],
        ),
        (
            g.integers_dtype(-1, 1, 3, DType::Bool, false),
            line!(),
            &["low is out of bounds for bool"],
        ),
        (
            g.integers_dtype(-1, 3, 3, DType::U64, false),
            line!(),
            &["low is out of bounds for uint64"],
        ),
        (
            g.random_dtype(3, DType::I64),
            line!(),
            &["random", "Unsupported dtype"],
        ),
        (g.normal(0.0, -1.0, 3), line!(), &["normal", "scale < 0"]),
        (
            g.exponential(-1.0, 3),
            line!(),
            &["exponential", "scale < 0"],
        ),
        (g.gamma(-1.0, 1.0, 3), line!(), &["gamma", "shape < 0"]),
        (g.gamma(1.0, -1.0, 3), line!(), &["gamma", "scale < 0"]),
        (g.beta(0.0, 1.0, 3), line!(), &["beta", "a <= 0"]),
        (g.beta(1.0, 0.0, 3), line!(), &["beta", "b <= 0"]),
        (
            g.poisson(-1.0, 3),
            line!(),
            &["poisson", "lam < 0 or lam is NaN"],
        ),
        (
            g.poisson(nan, 3),
            line!(),
            &["poisson", "lam < 0 or lam is NaN"],
        ),
        (
            g.poisson(1e19, 3),
            line!(),
            &["poisson", "lam value too large"],
        ),
        (g.binomial(-1, 0.5, 3), line!(), &["binomial", "n < 0"]),
        (
            g.binomial(10, 1.5, 3),
            line!(),
            &["binomial", "p < 0, p > 1 or p is NaN"],
        ),
        (
            g.binomial(10, nan, 3),
            line!(),
            &["binomial", "p < 0, p > 1 or p is NaN"],
        ),
        (
            g.lognormal(0.0, -1.0, 3),
            line!(),
            &["lognormal", "sigma < 0"],
        ),
        (g.laplace(0.0, -1.0, 3), line!(), &["laplace", "scale < 0"]),
        (g.standard_t(0.0, 3), line!(), &["standard_t", "df <= 0"]),
        (
            g.choice(3, 2, true, Some(&[0.5, 0.2, 0.2])),
            line!(),
            &["choice", "Probabilities do not sum to 1"],
        ),
        (
            g.choice(3, 2, true, Some(&[1.5, -0.7, 0.2])),
            line!(),
            &["Probabilities are not non-negative"],
        ),
        (
            g.choice(3, 2, true, Some(&[nan, 0.5, 0.5])),
            line!(),
            &["Probabilities contain NaN"],
        ),
        (
            g.choice(3, 2, true, Some(&[0.5, 0.5])),
            line!(),
            &["a and p must have same size"],
        ),
        (
            g.choice(3, 5, false, None),
            line!(),
            &["Cannot take a larger sample than population when replace is False"],
        ),
        (
            g.choice(0, 5, true, None),
            line!(),
            &["a must be a positive integer unless no samples are taken"],
        ),
        (
            g.choice_array(&Array::from_vec(Vec::<f64>::new(), [0, 2]), 5, true, None),
            line!(),
            &["a cannot be empty unless no samples are taken"],
        ),
        (
            g.choice(3, 3, false, Some(&[0.5, 0.5, 0.0])),
            line!(),
            &["Fewer non-zero entries in p than size"],
        ),
        (
            g.choice_array(&Array::scalar(1.0), 2, true, None),
            line!(),
            &["choice", "1-dimensional"],
        ),
        (
            g.multinomial(10, &[0.7, 0.7, 0.1], 2),
            line!(),
            &["multinomial", "sum(pvals[:-1]) > 1.0"],
        ),
        (
            g.multinomial(-1, &[0.5, 0.5], 2),
            line!(),
            &["multinomial", "n < 0"],
        ),
        (
            g.multinomial(10, &[-0.5, 1.5], 2),
            line!(),
            &["pvals < 0, pvals > 1 or pvals contains NaNs"],
        ),
        (g.shuffle(&array([1.0, 2.0]), 1), line!(), &["shuffle"]),
        (
            g.permutation_array(&Array::scalar(3i64), 0),
            line!(),
            &["permutation", "at least 1-dimensional"],
        ),
        (g.random([usize::MAX, 2]), line!(), &["random", "too big"]),
        (g.chisquare(0.0, 3), line!(), &["chisquare", "df <= 0"]),
        (g.f(0.0, 1.0, 3), line!(), &["f", "dfnum <= 0"]),
        (g.f(1.0, 0.0, 3), line!(), &["f", "dfden <= 0"]),
        (g.pareto(0.0, 3), line!(), &["pareto", "a <= 0"]),
        (g.weibull(-1.0, 3), line!(), &["weibull", "a < 0"]),
        (g.power(0.0, 3), line!(), &["power", "a <= 0"]),
        (g.rayleigh(-1.0, 3), line!(), &["rayleigh", "scale < 0"]),
        (g.gumbel(0.0, -1.0, 3), line!(), &["gumbel", "scale < 0"]),
        (
            g.logistic(0.0, -1.0, 3),
            line!(),
            &["logistic", "scale < 0"],
        ),
        (
            g.triangular(2.0, 1.0, 3.0, 3),
            line!(),
            &["triangular", "left > mode"],
        ),
        (
            g.triangular(0.0, 4.0, 3.0, 3),
            line!(),
            &["triangular", "mode > right"],
        ),
        (
            g.triangular(1.0, 1.0, 1.0, 3),
            line!(),
            &["triangular", "left == right"],
        ),
        (g.wald(0.0, 1.0, 3), line!(), &["wald", "mean <= 0"]),
        (g.wald(1.0, 0.0, 3), line!(), &["wald", "scale <= 0"]),
        (
            g.geometric(0.0, 3),
            line!(),
            &["geometric", "p <= 0, p > 1 or p contains NaNs"],
        ),
        (
            g.geometric(nan, 3),
            line!(),
            &["geometric", "p <= 0, p > 1 or p contains NaNs"],
        ),
        (
            g.negative_binomial(0.0, 0.5, 3),
            line!(),
            &["negative_binomial", "n <= 0"],
        ),
        (
            g.negative_binomial(nan, 0.5, 3),
            line!(),
            &["negative_binomial", "n must not be NaN"],
        ),
        (
            g.negative_binomial(1.0, 1.5, 3),
            line!(),
            &["negative_binomial", "p <= 0, p > 1"],
        ),
        (
            g.negative_binomial(100.0, 1e-18, 3),
            line!(),
            &["negative_binomial", "n too large or p too small"],
        ),
        (
            g.noncentral_chisquare(0.0, 1.0, 2),
            line!(),
            &["noncentral_chisquare", "df <= 0"],
        ),
        (
            g.noncentral_chisquare(1.0, -1.0, 2),
            line!(),
            &["noncentral_chisquare", "nonc < 0"],
        ),
        (
            g.noncentral_f(0.0, 1.0, 1.0, 2),
            line!(),
            &["noncentral_f", "dfnum <= 0"],
        ),
        (
            g.noncentral_f(1.0, 0.0, 1.0, 2),
            line!(),
            &["noncentral_f", "dfden <= 0"],
        ),
        (
            g.noncentral_f(1.0, 1.0, -1.0, 2),
            line!(),
            &["noncentral_f", "nonc < 0"],
        ),
        (
            g.logseries(1.0, 2),
            line!(),
            &["logseries", "p < 0, p >= 1 or p is NaN"],
        ),
        (
            g.logseries(f64::NAN, 2),
            line!(),
            &["logseries", "p < 0, p >= 1 or p is NaN"],
        ),
        (g.zipf(1.0, 2), line!(), &["zipf", "a <= 1 or a is NaN"]),
        (
            g.vonmises(0.0, -1.0, 2),
            line!(),
            &["vonmises", "kappa < 0"],
        ),
        (
            g.permuted(&array([1.0, 2.0]), Some(1)),
            line!(),
            &["permuted"],
        ),
        (
            g.dirichlet(&[-1.0, 2.0], 2),
            line!(),
            &["dirichlet", "alpha < 0"],
        ),
        (
            g.hypergeometric(-1, 5, 3, 2),
            line!(),
            &["hypergeometric", "ngood < 0"],
        ),
        (
            g.hypergeometric(5, -1, 3, 2),
            line!(),
            &["hypergeometric", "nbad < 0"],
        ),
        (
            g.hypergeometric(5, 5, -1, 2),
            line!(),
            &["hypergeometric", "nsample < 0"],
        ),
        (
            g.hypergeometric(5, 5, 11, 2),
            line!(),
            &["hypergeometric", "ngood + nbad < nsample"],
        ),
        (
            g.hypergeometric(i64::MAX, i64::MAX, 3, 2),
            line!(),
            &["both ngood and nbad must be less than 1000000000"],
        ),
        (
            g.hypergeometric(1_000_000_000, 5, 3, 2),
            line!(),
            &["both ngood and nbad must be less than 1000000000"],
        ),
    ];
    for (a, line, needles) in &cases {
        check_message(&build_error(a), *line, needles);
    }
    let mut rs = RandomState::new(7);
    let legacy: Vec<(Array, u32, &[&str])> = vec![
        (rs.randint(3, 3, 2), line!(), &["randint", "low >= high"]),
        (rs.normal(0.0, -2.0, 2), line!(), &["normal", "scale < 0"]),
        (
            rs.uniform(0.0, f64::INFINITY, 2),
            line!(),
            &["uniform", "Range exceeds valid bounds"],
        ),
    ];
    for (a, line, needles) in &legacy {
        check_message(&build_error(a), *line, needles);
    }
    assert_eq!(
        rs.rand(4).to_vec::<f64>().unwrap(),
        RandomState::new(7).rand(4).to_vec::<f64>().unwrap(),
        "a bad legacy call drew numbers"
    );
    // None of those drew a number: the generator is where a fresh one starts.
    assert_eq!(
        g.bit_generator().state(),
        default_rng(7).bit_generator().state()
    );
}

#[test]
fn nan_parameters_that_numpy_accepts_give_nan() {
    // NumPy lets a NaN scale or df through (its checks are `< 0` / `<= 0`).
    let mut g = default_rng(3);
    let x = g.normal(0.0, f64::NAN, 4).to_vec::<f64>().unwrap();
    assert!(x.iter().all(|v| v.is_nan()), "{x:?}");
}

#[test]
fn empty_sizes_follow_numpy() {
    // NumPy's integers returns an empty array without checking the bounds; choice(0, 0) is
    // empty too; other methods still check their parameters.
    let mut g = default_rng(1);
    let e = g.integers(5, 3, [2, 0]).eval().unwrap();
    assert_eq!(e.shape(), &[2, 0]);
    let e = g
        .integers_dtype(0, 1 << 40, 0, DType::I8, false)
        .eval()
        .unwrap();
    assert_eq!(e.dtype(), DType::I8);
    assert_eq!(g.choice(0, 0, true, None).eval().unwrap().shape(), &[0]);
    assert_eq!(g.choice(0, 0, false, None).eval().unwrap().shape(), &[0]);
    assert!(g.normal(0.0, -1.0, 0).eval().is_err());
    assert_eq!(
        g.bit_generator().state(),
        default_rng(1).bit_generator().state()
    );
}

#[test]
fn array_parameters_are_checked_before_drawing() {
    let mut g = default_rng(4);
    let loc = array([0.0, 1.0, 2.0]);
    let bad_scale = array([1.0, -1.0, 1.0]);
    let e = g.normal_array(&loc, &bad_scale, None);
    let line = line!() - 1;
    check_message(&build_error(&e), line, &["normal", "scale < 0"]);
    let e = g.normal_array(&loc, &array([1.0, 2.0]), None);
    let line = line!() - 1;
    check_message(&build_error(&e), line, &["normal", "shape mismatch"]);
    let e = g.normal_array(&loc, &array([1.0]), Some(vec![2]));
    let line = line!() - 1;
    check_message(
        &build_error(&e),
        line,
        &["normal", "shape mismatch", "size [2]"],
    );
    // Nothing was drawn by those.
    assert_eq!(
        g.bit_generator().state(),
        default_rng(4).bit_generator().state()
    );
    // Scalar-shaped parameters give the scalar method's numbers.
    let a = g.normal_array(&Array::scalar(3.0), &Array::scalar(2.0), Some(vec![5]));
    let b = default_rng(4).normal(3.0, 2.0, 5);
    assert_eq!(a.to_vec::<f64>().unwrap(), b.to_vec::<f64>().unwrap());
}

#[test]
fn spawn_needs_a_seed_sequence() {
    let mut bare = Generator::new(numcrane::random::Pcg64::new(1));
    let err = bare
        .spawn(2)
        .expect_err("a bare PCG64 has no sequence to spawn from");
    let line = line!();
    check_message(&err, line, &["spawn", "SeedSequence"]);
    // Spawning does not move the parent's own stream (NumPy's neither).
    let mut g = default_rng(3);
    let kids = g.spawn(2).unwrap();
    assert_eq!(kids.len(), 2);
    assert_eq!(
        g.bit_generator().state(),
        default_rng(3).bit_generator().state()
    );
}

#[test]
fn same_seed_same_numbers_other_seed_other_numbers() {
    let a = default_rng(99).random(64).to_vec::<f64>().unwrap();
    let b = default_rng(99).random(64).to_vec::<f64>().unwrap();
    let c = default_rng(100).random(64).to_vec::<f64>().unwrap();
    assert_eq!(a, b);
    assert!(a.iter().zip(&c).all(|(x, y)| x != y));
}

#[test]
fn shapes_and_dtypes() {
    let mut g = default_rng(5);
    let cases = [
        (g.random([2, 3]), vec![2, 3], DType::F64),
        (g.random_dtype([4], DType::F32), vec![4], DType::F32),
        (g.random([]), vec![], DType::F64),
        (
            g.integers_dtype(0, 9, [3, 1], DType::I32, false),
            vec![3, 1],
            DType::I32,
        ),
        (g.poisson(3.0, [2, 2]), vec![2, 2], DType::I64),
        (g.multinomial(5, &[0.5, 0.5], [3]), vec![3, 2], DType::I64),
        (
            g.choice_array(&input(&[4, 3], DType::F64), [2], false, None),
            vec![2, 3],
            DType::F64,
        ),
        (
            g.permutation_array(&input(&[2, 5], DType::I64), -1),
            vec![2, 5],
            DType::I64,
        ),
        (g.standard_normal([0, 4]), vec![0, 4], DType::F64),
    ];
    for (a, shape, dtype) in cases {
        let a = a.eval().unwrap();
        assert_eq!(a.shape(), shape.as_slice());
        assert_eq!(a.dtype(), dtype);
    }
}

#[test]
fn permutations_are_permutations() {
    let mut g = default_rng(11);
    let mut p = g.permutation(500).to_vec::<i64>().unwrap();
    assert_ne!(p, (0..500).collect::<Vec<_>>());
    p.sort_unstable();
    assert_eq!(p, (0..500).collect::<Vec<_>>());
    // Rows of a 2-d array stay intact when axis 0 is shuffled.
    let x = g
        .shuffle(&input(&[6, 3], DType::I64), 0)
        .to_vec::<i64>()
        .unwrap();
    for row in x.chunks(3) {
        assert_eq!(row[1], row[0] + 1);
        assert_eq!(row[2], row[0] + 2);
    }
    let mut firsts: Vec<i64> = x.chunks(3).map(|r| r[0]).collect();
    firsts.sort_unstable();
    assert_eq!(firsts, vec![0, 3, 6, 9, 12, 15]);
    // Without replacement: distinct.
    let mut c = g.choice(30000, 2000, false, None).to_vec::<i64>().unwrap();
    c.sort_unstable();
    c.dedup();
    assert_eq!(c.len(), 2000);
}

/// Mean and variance of `n` draws within 5 standard errors of the distribution's.
#[track_caller]
fn check_moments(x: &[f64], mean: f64, var: f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let v = x.iter().map(|t| (t - m) * (t - m)).sum::<f64>() / (n - 1.0);
    assert!(
        (m - mean).abs() < 5.0 * (var / n).sqrt(),
        "mean {m}, want {mean}"
    );
    // The variance's standard error, taken loosely (heavy tails aside) as var * sqrt(2/n) * 3.
    assert!(
        (v - var).abs() < 5.0 * var * (6.0 / n).sqrt(),
        "variance {v}, want {var}"
    );
}

#[test]
fn moments_of_the_distributions() {
    let mut g = default_rng(2024);
    let n = 100_000;
    let v = |a: Array| a.to_vec::<f64>().unwrap();
    let vi = |a: Array| {
        a.to_vec::<i64>()
            .unwrap()
            .into_iter()
            .map(|k| k as f64)
            .collect::<Vec<_>>()
    };
    check_moments(&v(g.standard_normal(n)), 0.0, 1.0);
    let f32s: Vec<f64> = g
        .standard_normal_dtype(n, DType::F32)
        .to_vec::<f32>()
        .unwrap()
        .into_iter()
        .map(f64::from)
        .collect();
    check_moments(&f32s, 0.0, 1.0);
    check_moments(&v(g.normal(3.0, 2.0, n)), 3.0, 4.0);
    check_moments(&v(g.exponential(2.0, n)), 2.0, 4.0);
    check_moments(&v(g.uniform(-1.0, 3.0, n)), 1.0, 16.0 / 12.0);
    check_moments(&v(g.gamma(0.5, 2.0, n)), 1.0, 2.0);
    check_moments(&v(g.gamma(4.0, 1.5, n)), 6.0, 9.0);
    check_moments(&v(g.beta(2.0, 3.0, n)), 0.4, 6.0 / (25.0 * 6.0));
    check_moments(&v(g.beta(0.5, 0.5, n)), 0.5, 0.125);
    check_moments(&v(g.laplace(1.0, 2.0, n)), 1.0, 8.0);
    check_moments(&v(g.standard_t(10.0, n)), 0.0, 10.0 / 8.0);
    // wald: mean and mean^3/scale.
    check_moments(&v(g.wald(1.5, 2.0, n)), 1.5, 1.5f64.powi(3) / 2.0);
    check_moments(
        &v(g.gumbel(1.0, 2.0, n)),
        1.0 + 2.0 * 0.577_215_664_901_532_9,
        4.0 * std::f64::consts::PI.powi(2) / 6.0,
    );
    check_moments(&vi(g.poisson(4.0, n)), 4.0, 4.0);
    check_moments(&vi(g.poisson(250.0, n)), 250.0, 250.0);
    check_moments(&vi(g.binomial(20, 0.3, n)), 6.0, 4.2);
    check_moments(&vi(g.binomial(5000, 0.4, n)), 2000.0, 1200.0);
    check_moments(&vi(g.binomial(5000, 0.9, n)), 4500.0, 450.0);
    check_moments(&vi(g.integers(-10, 11, n)), 0.0, (21.0 * 21.0 - 1.0) / 12.0);
    // choice with p: frequencies within 5 standard errors.
    let p = [0.1, 0.6, 0.3];
    let c = g.choice(3, n, true, Some(&p)).to_vec::<i64>().unwrap();
    for (k, pk) in p.iter().enumerate() {
        let freq = c.iter().filter(|&&x| x == k as i64).count() as f64 / n as f64;
        assert!(
            (freq - pk).abs() < 5.0 * (pk * (1.0 - pk) / n as f64).sqrt(),
            "p[{k}]: {freq}"
        );
    }
    // Multinomial rows add up to n.
    let m = g
        .multinomial(50, &[0.2, 0.3, 0.5], 1000)
        .to_vec::<i64>()
        .unwrap();
    assert!(m.chunks(3).all(|r| r.iter().sum::<i64>() == 50));
}
