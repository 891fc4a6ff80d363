//! Concatenation fused with its producers (crates/numcrane-fuse/src/concat.rs): the kernels
//! computing a concatenation's parts write straight into its output, other parts are copied
//! natively. Random concatenations (part counts, shapes, axes, dtypes, producers: element-wise
//! chains, realized arrays, strided views, broadcasts, casts, shared values) are evaluated by
//! the JIT backend and the interpreter and compared bit for bit with the reference evaluator;
//! the plan must show the fused step (so these tests fail if the fusion is off), replays must
//! reuse it, and errors in parts must come out of `eval`.

mod common;

use common::{cases, input};
use numcrane::{
    concatenate, hstack, jit_plan_replays, pad, roll, stack, vstack, Array, Backend, DType, PadMode,
};
use proptest::prelude::*;

/// The elements' bits, in row-major order (floats by their IEEE bits).
fn bits(a: &Array) -> Vec<u64> {
    let a = a.eval().expect("eval");
    match a.dtype() {
        DType::F32 => a
            .to_vec::<f32>()
            .unwrap()
            .iter()
            .map(|v| u64::from(v.to_bits()))
            .collect(),
        DType::F64 => a
            .to_vec::<f64>()
            .unwrap()
            .iter()
            .map(|v| v.to_bits())
            .collect(),
        _ => a
            .astype(DType::I64)
            .eval()
            .unwrap()
            .to_vec::<i64>()
            .unwrap()
            .iter()
            .map(|&v| v as u64)
            .collect(),
    }
}

/// Evaluates fresh copies of the graph `make` builds with the reference evaluator, the JIT
/// and the interpreter, and requires the same shape, dtype and bits.
fn same_on_every_backend(make: &dyn Fn() -> Array) {
    let reference = make().eval_with(Backend::Eval).expect("reference");
    for backend in [Backend::Jit, Backend::Interpret] {
        let got = make().eval_with(backend).expect("fused");
        assert_eq!(got.shape(), reference.shape(), "{backend:?}");
        assert_eq!(got.dtype(), reference.dtype(), "{backend:?}");
        assert_eq!(bits(&got), bits(&reference), "{backend:?}");
    }
}

/// An element-wise chain of `x` in its own dtype (a kernel). Only correctly rounded float
/// ops: the JIT's inline transcendental functions are within 1 ULP of the evaluator's, not
/// bit-identical to them.
fn chain(x: &Array) -> Array {
    match x.dtype() {
        DType::F32 | DType::F64 => x.abs().sqrt() * 2.0 + 1.0,
        DType::Bool => x.logical_not(),
        _ => &(x * 3) - 1,
    }
}

/// How a random part is produced.
#[derive(Clone, Copy, Debug)]
enum Producer {
    /// A realized array (copied).
    Leaf,
    /// An element-wise chain of a realized array (its kernel writes in place).
    Chain,
    /// A flipped view of a realized array (a strided copy).
    Flip,
    /// A transposed array read by an element-wise chain (a kernel with strided inputs).
    ChainOfTranspose,
    /// A row broadcast to the part's shape (a copy reading stride 0).
    Broadcast,
    /// A chain in another dtype, cast by `concatenate`'s promotion (a cast kernel).
    Cast,
    /// An element-wise chain over the part's elements as 1-d, reshaped to the part's shape
    /// (the kernel writes in place through the reshape, as `stack`'s parts do).
    ReshapedChain,
    /// A chain that is also read by another part (not absorbed: computed once, copied).
    Shared,
}

fn producer() -> impl Strategy<Value = Producer> {
    prop_oneof![
        Just(Producer::Leaf),
        Just(Producer::Chain),
        Just(Producer::Flip),
        Just(Producer::ChainOfTranspose),
        Just(Producer::Broadcast),
        Just(Producer::Cast),
        Just(Producer::Shared),
        Just(Producer::ReshapedChain),
    ]
}

fn dtype() -> impl Strategy<Value = DType> {
    prop_oneof![
        Just(DType::F32),
        Just(DType::F64),
        Just(DType::I64),
        Just(DType::I32),
        Just(DType::U8),
        Just(DType::Bool),
    ]
}

/// One random concatenation: the output's rank and shape apart from the axis, the axis,
/// and per part its length along the axis and its producer.
#[derive(Clone, Debug)]
struct Case {
    shape: Vec<usize>,
    axis: usize,
    parts: Vec<(usize, Producer)>,
    dtype: DType,
}

fn case() -> impl Strategy<Value = Case> {
    // Lengths up to 2600 along the last axis cross `DIRECT_MIN` (2048), so ranges are
    // written in place by a launch each as well as staged.
    let dims = prop_oneof![
        prop::collection::vec(1usize..5, 1..4),
        (1usize..4, 2040usize..2600).prop_map(|(a, b)| vec![a, b]),
        Just(vec![0, 3]),
    ];
    (
        dims,
        dtype(),
        prop::collection::vec((0usize..4, producer()), 1..5),
    )
        .prop_flat_map(|(shape, dtype, parts)| {
            let nd = shape.len();
            (Just(shape), 0..nd, Just(parts), Just(dtype))
        })
        .prop_map(|(shape, axis, parts, dtype)| Case {
            shape,
            axis,
            parts,
            dtype,
        })
}

fn build(case: &Case) -> Array {
    let mut shared: Option<Array> = None;
    let parts: Vec<Array> = case
        .parts
        .iter()
        .enumerate()
        .map(|(k, &(len, producer))| {
            let mut shape = case.shape.clone();
            shape[case.axis] = len;
            let seed = k as u64 + 1;
            let leaf = || input(&shape, case.dtype, seed);
            match producer {
                Producer::Leaf => leaf(),
                Producer::Chain => chain(&leaf()),
                Producer::Flip => leaf().flip(case.axis as isize),
                Producer::ChainOfTranspose => {
                    let reversed: Vec<usize> = shape.iter().rev().copied().collect();
                    chain(&input(&reversed, case.dtype, seed).T())
                }
                Producer::Broadcast => {
                    let mut row = shape.clone();
                    row[0] = 1;
                    input(&row, case.dtype, seed).broadcast_to(&shape)
                }
                Producer::Cast => {
                    let other = match case.dtype {
                        DType::F64 | DType::F32 => DType::I32,
                        _ => DType::U8,
                    };
                    chain(&input(&shape, other, seed))
                }
                Producer::ReshapedChain => {
                    let n: usize = shape.iter().product();
                    let dims: Vec<isize> = shape.iter().map(|&d| d as isize).collect();
                    chain(&input(&[n], case.dtype, seed)).reshape(dims)
                }
                Producer::Shared => {
                    // The first shared part of a length is reused by the next one of that
                    // length: the same node twice in the concatenation.
                    match shared.as_ref().filter(|s| s.shape() == shape.as_slice()) {
                        Some(s) => s.clone(),
                        None => {
                            let s = chain(&leaf());
                            shared = Some(s.clone());
                            s
                        }
                    }
                }
            }
        })
        .collect();
    let refs: Vec<&Array> = parts.iter().collect();
    concatenate(&refs, case.axis as isize)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(48)))]

    #[test]
    fn fused_concatenation_matches_the_evaluator(case in case()) {
        same_on_every_backend(&|| build(&case));
        // And a chain reading the concatenation (the concat's result is a kernel input).
        same_on_every_backend(&|| {
            let c = build(&case);
            let dtype = c.dtype();
            chain(&c).astype(dtype)
        });
    }
}

/// Parts large enough that copies are cut into pieces and launches run in parallel, along
/// axis 0 (one range per part) and along axis 1 (64 ranges per part, written in place).
#[test]
fn large_parts_match_the_evaluator() {
    same_on_every_backend(&|| {
        let a = input(&[64, 3000], DType::F64, 1);
        let b = input(&[40, 3000], DType::F64, 2);
        let c = input(&[70, 3000], DType::F64, 3);
        concatenate(&[&chain(&a), &b, &(&c * 2.0), &c.flip(1)], 0)
    });
    same_on_every_backend(&|| {
        let a = input(&[64, 3000], DType::F64, 1);
        let b = input(&[64, 2500], DType::F64, 2);
        let c = input(&[64, 3000], DType::F64, 3).slice(numcrane::s![.., ..2100]);
        concatenate(&[&chain(&a), &b, &(&c * 2.0), &c.flip(1)], 1)
    });
}

#[test]
fn the_plan_shows_kernels_writing_into_the_concatenation() {
    let a = input(&[1000], DType::F32, 1);
    let b = input(&[500], DType::F32, 2);
    let c = input(&[300], DType::F32, 3);
    let y = concatenate(&[&a.sin(), &(&b * 2.0).sin(), &c], 0);
    let plan = y.explain_plan();
    assert!(
        plan.contains("concat[axis 0] <- kernel sin, kernel sin, copy"),
        "{plan}"
    );
    assert!(plan.contains("2 of 3 parts written in place"), "{plan}");
    assert!(
        plan.contains("kernel 0 of the concat: kernel sin [1000]"),
        "{plan}"
    );
    assert!(
        plan.contains("written into its slice of the concatenation"),
        "{plan}"
    );
    assert!(!plan.contains("not fused yet"), "{plan}");
    // The part kernels are the plan's only kernels, counted.
    assert_eq!(y.fused_kernel_count(), 2, "{plan}");
    let explained = y.explain();
    assert!(explained.contains("concat[axis 0]"), "{explained}");
    let dot = y.to_dot();
    assert!(dot.contains("fused concat[axis 0]"), "{dot}");
    assert_eq!(dot.matches("subgraph cluster_kernel_").count(), 2, "{dot}");
    assert_eq!(dot.matches('{').count(), dot.matches('}').count(), "{dot}");
    // A part also read elsewhere is computed once by its own kernel and copied.
    let s = a.sin();
    let z = concatenate(&[&s, &(&s * 2.0)], 0);
    let plan = z.explain_plan();
    assert!(
        plan.contains("concat[axis 0] <- copy, kernel multiply"),
        "{plan}"
    );
}

/// A named graph builder.
type Build<'a> = Box<dyn Fn() -> Array + 'a>;

#[test]
fn stack_pad_and_roll_get_the_fused_step() {
    let a = input(&[4, 3000], DType::F64, 1);
    let b = input(&[4, 3000], DType::F64, 2);
    let a1 = input(&[3000], DType::F32, 3);
    let b1 = input(&[3000], DType::F32, 4);
    // (name, graph, text the fused step must show)
    let builds: Vec<(&str, Build, &str)> = vec![
        (
            "stack",
            Box::new(|| stack(&[&chain(&a), &b.sqrt()], 1)),
            "concat[axis 1] <- kernel add (reshaped), kernel sqrt (reshaped)",
        ),
        (
            "stack of 1-d",
            Box::new(|| stack(&[&chain(&a1), &(&b1 * 2.0)], 0)),
            "concat[axis 0] <- kernel add (reshaped), kernel multiply (reshaped)",
        ),
        (
            "vstack of 1-d",
            Box::new(|| vstack(&[&chain(&a1), &(&b1 + 1.0)])),
            "concat[axis 0] <- kernel add (reshaped), kernel add (reshaped)",
        ),
        (
            "vstack",
            Box::new(|| vstack(&[&chain(&a), &(&b + 1.0)])),
            "concat[axis 0] <- kernel add, kernel add",
        ),
        (
            "hstack",
            Box::new(|| hstack(&[&chain(&a), &(&b + 1.0)])),
            "concat[axis 1] <- kernel add, kernel add",
        ),
        (
            "pad",
            Box::new(|| {
                pad(
                    &chain(&a),
                    [(1usize, 2usize), (3, 4)],
                    PadMode::constant(0.5),
                )
            }),
            "<- copy, kernel add, copy",
        ),
        // roll reads two slices of its input: computed once, both copied.
        (
            "roll",
            Box::new(|| roll(&chain(&a), 5, Some(1))),
            "concat[axis 1] <- copy, copy",
        ),
    ];
    for (name, make, shown) in &builds {
        let y = make();
        let plan = y.explain_plan();
        assert!(plan.contains(shown), "{name}: {plan}");
        assert!(!plan.contains("not fused yet"), "{name}: {plan}");
        same_on_every_backend(make.as_ref());
    }
}

#[test]
fn a_replayed_concatenation_gives_the_same_results() {
    let make = |seed: u64| {
        let a = input(&[3, 2100], DType::F32, seed);
        let b = input(&[3, 40], DType::F32, seed + 1);
        concatenate(&[&chain(&a), &(&b - 1.0), &b], 1)
    };
    let first = make(1).eval_with(Backend::Jit).unwrap();
    assert_eq!(
        bits(&first),
        bits(&make(1).eval_with(Backend::Eval).unwrap())
    );
    let before = jit_plan_replays();
    for seed in 2..5 {
        // Same structure, other data: replayed, with this graph's own values.
        let got = make(seed).eval_with(Backend::Jit).unwrap();
        assert_eq!(
            bits(&got),
            bits(&make(seed).eval_with(Backend::Eval).unwrap()),
            "seed {seed}"
        );
    }
    assert!(
        jit_plan_replays() >= before + 3,
        "the fused step was not replayed"
    );
}

#[test]
fn errors_in_parts_come_out_of_eval() {
    // A part poisoned when built (shapes that do not broadcast).
    let a = input(&[2, 3], DType::F64, 1);
    let b = input(&[4], DType::F64, 2);
    let bad = &a + &b;
    let y = concatenate(&[&chain(&a), &bad], 0);
    let err = y.eval_with(Backend::Jit).unwrap_err().to_string();
    assert!(err.contains("add") || err.contains("broadcast"), "{err}");
    assert!(err.contains("concat_fused.rs"), "{err}");
    // Parts that do not fit each other.
    let y = concatenate(&[&chain(&a), &input(&[2, 4], DType::F64, 3).exp()], 0);
    let err = y.eval_with(Backend::Jit).unwrap_err().to_string();
    assert!(err.contains("concatenate"), "{err}");
    // An error found while computing a part (integer power with a negative exponent, left
    // to the evaluator) next to a fused part.
    let i = input(&[5], DType::I64, 4);
    let p = i.pow(-1i64);
    for backend in [Backend::Jit, Backend::Interpret, Backend::Eval] {
        let y = concatenate(&[&(&i * 2), &p], 0);
        assert!(y.eval_with(backend).is_err(), "{backend:?}");
    }
}
