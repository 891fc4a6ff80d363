//! `InstrKind::MulAdd` (`a * b + c` rounded once) compiled by the JIT: bit-identical to Rust's
//! `mul_add` and to the interpreter, for float32 and float64, in the vector loop (contiguous
//! inputs), the scalar loop (strided inputs) and with broadcast operands, at row lengths
//! around the vector width; on values where one rounding and two differ, special values,
//! subnormals and overflow. The generated code must use a fused instruction (or the exact
//! call on a CPU without FMA, covered by the unit test in `codegen.rs`), never a separate
//! multiply.

mod common;

use common::*;
use numcrane_fuse::interpret::interpret;
use numcrane_fuse::kernel::{ElementwiseKernel, InputSpec, InstrKind, Launch};
use numcrane_graph::{Buffer, DType, Scalar};
use numcrane_jit::Checks;

/// `load 0 * load 1 + load 2`, one rounding, of float dtype `dt`.
fn mul_add_kernel(dt: DType) -> ElementwiseKernel {
    let spec = InputSpec {
        dtype: dt,
        inner: numcrane_fuse::kernel::InnerClass::Contiguous,
    };
    ElementwiseKernel {
        reduce: None,
        instrs: vec![
            instr(InstrKind::Load { input: 0 }, dt),
            instr(InstrKind::Load { input: 1 }, dt),
            instr(InstrKind::Load { input: 2 }, dt),
            instr(InstrKind::MulAdd { a: 0, b: 1, c: 2 }, dt),
        ],
        output: 3,
        inputs: vec![spec; 3],
    }
}

/// Triples where `a * b + c` rounded once differs from the product rounded, then the sum
/// (the first of each pair), and special values: NaN, infinities, `inf * 0`, signed zeros,
/// subnormals, a product that overflows while the fma does not (and one where both do).
fn triples_f64() -> Vec<[f64; 3]> {
    let e = 2f64.powi(-30);
    let mut v = vec![
        [1.0 + e, 1.0 - e, -1.0],
        [1.0 - e, 1.0 + e, -1.0],
        [0.1, 10.0, -1.0],
        [1.0 / 3.0, 3.0, -1.0],
        [(1.0 + 2f64.powi(-52)), (1.0 + 2f64.powi(-52)), -1.0],
        [1e308, 10.0, -f64::MAX],
        [1e308, 10.0, f64::MAX],
        [f64::MAX, 2.0, -f64::MAX],
        [5e-324, 0.5, 0.0],
        [5e-324, 0.5, -0.0],
        [3e-310, 3e-10, 1e-320],
        [2f64.powi(-600), 2f64.powi(-500), -5e-324],
        [0.0, -1.0, 0.0],
        [-0.0, 1.0, -0.0],
        [0.0, 1.0, -0.0],
        [f64::INFINITY, 0.0, 1.0],
        [f64::INFINITY, 1.0, f64::NEG_INFINITY],
        [f64::INFINITY, -2.0, 3.0],
        [f64::NAN, 1.0, 1.0],
        [1.0, 1.0, f64::NAN],
        [0.0, f64::INFINITY, f64::NAN],
        [-7.25, 3.0, 21.75],
    ];
    // Random bits and small values (SplitMix64, deterministic).
    let mut rng = Rng(0x5eed_f00d);
    for _ in 0..200 {
        let mut t = [0.0; 3];
        for x in &mut t {
            *x = match rng.below(3) {
                0 => f64::from_bits(rng.next_u64()),
                _ => (rng.next_u64() as i64 % 100_001) as f64 / 997.0,
            };
        }
        v.push(t);
    }
    v
}

fn triples_f32() -> Vec<[f32; 3]> {
    let e = 2f32.powi(-13);
    let mut v = vec![
        [1.0 + e, 1.0 - e, -1.0],
        [1.0 - e, 1.0 + e, -1.0],
        [0.1, 10.0, -1.0],
        [1.0 / 3.0, 3.0, -1.0],
        [1e38, 10.0, -f32::MAX],
        [1e38, 10.0, f32::MAX],
        [1e-45, 0.5, 0.0],
        [1e-45, 0.5, -0.0],
        [3e-39, 3e-5, 1e-44],
        [0.0, -1.0, 0.0],
        [-0.0, 1.0, -0.0],
        [f32::INFINITY, 0.0, 1.0],
        [f32::INFINITY, 1.0, f32::NEG_INFINITY],
        [f32::NAN, 1.0, 1.0],
        [1.0, 1.0, f32::NAN],
        [-7.25, 3.0, 21.75],
    ];
    let mut rng = Rng(0xf32_f32);
    for _ in 0..200 {
        let mut t = [0.0; 3];
        for x in &mut t {
            *x = match rng.below(3) {
                0 => f32::from_bits(rng.next_u64() as u32),
                _ => (rng.next_u64() as i64 % 100_001) as f32 / 997.0,
            };
        }
        v.push(t);
    }
    v
}

/// Row lengths: one element, a short tail, whole vectors, a long row.
const LENGTHS: [usize; 4] = [1, 7, 64, 1000];

/// The columns `a`, `b`, `c` of `n` elements cycling through `triples` from `start`.
fn columns(triples: &[[Scalar; 3]], start: usize, n: usize) -> [Vec<Scalar>; 3] {
    let pick = |k: usize| -> Vec<Scalar> {
        (0..n)
            .map(|j| triples[(start + j) % triples.len()][k])
            .collect()
    };
    [pick(0), pick(1), pick(2)]
}

/// Runs `kernel` over `inputs` with the JIT (unchecked and bounds-checked) and the
/// interpreter, and requires both to equal `want` bit for bit (NaN as NaN).
#[track_caller]
fn agree(kernel: &ElementwiseKernel, inputs: &[Input], want: &[Scalar]) {
    let kernel = with_classes(kernel, inputs);
    let launch = Launch {
        reduce_kept: None,
        out_offset: 0,
        name: "",
        gathers: Vec::new(),
        shape: vec![want.len()],
        layouts: inputs.iter().map(|i| i.layout.clone()).collect(),
    };
    let got = jit(&kernel, &launch, inputs);
    let checked = jit_with(&kernel, &launch, inputs, Checks::Bounds);
    let mut out = Buffer::zeros(kernel.out_dtype(), want.len(), "test").expect("out");
    let bufs: Vec<&Buffer> = inputs.iter().map(|i| &*i.buffer).collect();
    interpret(&kernel, &launch, &bufs, out.slot()).expect("interpret");
    let interpreted = scalars_of(&out);
    for (what, values) in [
        ("jit", &got),
        ("checked", &checked),
        ("interpreter", &interpreted),
    ] {
        assert_eq!(values.len(), want.len(), "{what}");
        for (j, (g, w)) in values.iter().zip(want).enumerate() {
            assert!(
                same(*g, *w),
                "{what}, element {j}: got {g:?}, want {w:?}; inputs {:?}",
                inputs
                    .iter()
                    .map(|i| element_at(i, &launch.shape, j))
                    .collect::<Vec<_>>()
            );
        }
    }
}

fn check_dtype(dt: DType, triples: &[[Scalar; 3]], fma: fn([Scalar; 3]) -> Scalar) {
    let kernel = mul_add_kernel(dt);
    // Contiguous inputs take the vector loop.
    let width = numcrane_jit::codegen::vector_width(&kernel);
    assert_eq!(width, Some(dt.itemsize() as u32));
    for n in LENGTHS {
        for start in [0, 1, 5] {
            let [a, b, c] = columns(triples, start, n);
            let want: Vec<Scalar> = (0..n).map(|j| fma([a[j], b[j], c[j]])).collect();
            // Vector loop (and its scalar tail).
            let plain = [contiguous(dt, &a), contiguous(dt, &b), contiguous(dt, &c)];
            agree(&kernel, &plain, &want);
            // Scalar loop: strided reads.
            let strided = [
                reversed_strided(dt, &a),
                contiguous(dt, &b),
                reversed_strided(dt, &c),
            ];
            agree(&kernel, &strided, &want);
            // A broadcast factor and addend (loaded once, splat).
            let t = triples[start % triples.len()];
            let want: Vec<Scalar> = (0..n).map(|j| fma([t[0], b[j], t[2]])).collect();
            let broadcasts = [
                broadcast(dt, t[0], n),
                contiguous(dt, &b),
                broadcast(dt, t[2], n),
            ];
            agree(&kernel, &broadcasts, &want);
        }
    }
}

#[test]
fn mul_add_f64_is_one_rounding() {
    let triples: Vec<[Scalar; 3]> = triples_f64().iter().map(|t| t.map(Scalar::F64)).collect();
    // The first triple is one where the roundings differ: exactly -2^-60, not 0.
    let [a, b, c] = triples_f64()[0];
    assert_eq!(a.mul_add(b, c), -(2f64.powi(-60)));
    assert_eq!(a * b + c, 0.0);
    check_dtype(DType::F64, &triples, |t| match t {
        [Scalar::F64(a), Scalar::F64(b), Scalar::F64(c)] => Scalar::F64(a.mul_add(b, c)),
        _ => unreachable!("float64 triples"),
    });
}

#[test]
fn mul_add_f32_is_one_rounding() {
    let triples: Vec<[Scalar; 3]> = triples_f32().iter().map(|t| t.map(Scalar::F32)).collect();
    let [a, b, c] = triples_f32()[0];
    assert_eq!(a.mul_add(b, c), -(2f32.powi(-26)));
    assert_eq!(a * b + c, 0.0);
    check_dtype(DType::F32, &triples, |t| match t {
        [Scalar::F32(a), Scalar::F32(b), Scalar::F32(c)] => Scalar::F32(a.mul_add(b, c)),
        _ => unreachable!("float32 triples"),
    });
}

/// The machine code has no separate float multiply: one fused instruction where the CPU has
/// FMA (x86-64 with FMA3 and AVX), else calls to the exact fma.
#[test]
fn mul_add_is_never_a_multiply_and_an_add() {
    for dt in [DType::F32, DType::F64] {
        let listing =
            numcrane_jit::codegen::listing_with(&mul_add_kernel(dt), Checks::Off).expect("listing");
        let asm = listing.asm.to_lowercase();
        for plain in ["mulss", "mulsd", "mulps", "mulpd"] {
            assert!(
                !asm.split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|w| w == plain || w == format!("v{plain}")),
                "{dt:?}: {plain} in\n{asm}"
            );
        }
        #[cfg(target_arch = "x86_64")]
        {
            let native =
                std::is_x86_feature_detected!("fma") && std::is_x86_feature_detected!("avx");
            assert_eq!(asm.contains("vfmadd"), native, "{dt:?}:\n{asm}");
            if !native {
                assert!(asm.contains("call"), "{dt:?}:\n{asm}");
            }
        }
    }
}

/// `supports`: float32 and float64 with three operands of the result's dtype, nothing else;
/// a malformed multiply-add is an error, not code.
#[test]
fn mul_add_support_and_checks() {
    let kind = InstrKind::MulAdd { a: 0, b: 1, c: 2 };
    for dt in DType::ALL {
        let float = matches!(dt, DType::F32 | DType::F64);
        assert_eq!(numcrane_jit::supports(&kind, dt, Some(dt)), float, "{dt:?}");
    }
    assert!(!numcrane_jit::supports(&kind, DType::F64, Some(DType::F32)));
    let mut mixed = mul_add_kernel(DType::F64);
    mixed.instrs[1].dtype = DType::F32;
    mixed.inputs[1].dtype = DType::F32;
    let Err(err) = numcrane_jit::codegen::compile(&mixed) else {
        panic!("a mixed multiply-add must not compile");
    };
    assert!(err.to_string().contains("multiply-add"), "{err}");
}
