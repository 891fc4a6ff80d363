//! Column folds fold several rows per call (`CompiledKernel::call_rows`): a row-blocked pass
//! must give exactly the bits of folding the rows one call at a time, whatever the number of
//! rows (passes of several rows, then single rows), the row length (vector loop and scalar
//! tail), the input classes (contiguous, broadcast per row, strided) and checked or not.

use numcrane_fuse::kernel::{
    ElementwiseKernel, InnerClass, InputSpec, Instr, InstrKind, ReduceInner, Reduction,
};
use numcrane_graph::{BinaryOp, DType, ReduceOp};
use numcrane_jit::codegen::compile_with;
use numcrane_jit::{Bounds, Checks};

/// SplitMix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// `len` random elements of `dt` as bytes: floats of mixed magnitudes (so that the order of
/// a sum shows in its bits) with an occasional NaN, integers small enough not to overflow.
fn random_bytes(rng: &mut Rng, dt: DType, len: usize, nan: bool) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(len * dt.itemsize());
    for _ in 0..len {
        let r = rng.next();
        let x = (r % 2001) as f64 / 7.0 - 140.0;
        let x = x * [1.0, 1e-3, 1e4][(r >> 20) as usize % 3];
        let x = if nan && (r >> 40).is_multiple_of(97) {
            f64::NAN
        } else {
            x
        };
        match dt {
            DType::F32 => bytes.extend_from_slice(&(x as f32).to_ne_bytes()),
            DType::F64 => bytes.extend_from_slice(&x.to_ne_bytes()),
            DType::I32 => bytes.extend_from_slice(&((r % 1000) as i32 - 500).to_ne_bytes()),
            _ => unreachable!(),
        }
    }
    bytes
}

fn fold(
    instrs: Vec<(InstrKind, DType)>,
    inputs: Vec<(DType, InnerClass)>,
    op: ReduceOp,
) -> ElementwiseKernel {
    ElementwiseKernel {
        output: instrs.len() - 1,
        instrs: instrs
            .into_iter()
            .map(|(kind, dtype)| Instr { kind, dtype })
            .collect(),
        inputs: inputs
            .into_iter()
            .map(|(dtype, inner)| InputSpec { dtype, inner })
            .collect(),
        reduce: Some(Reduction {
            op,
            inner: ReduceInner::Columns,
        }),
    }
}

/// The kernels: (name, kernel, whether inputs may hold NaN).
fn kernels() -> Vec<(&'static str, ElementwiseKernel, bool)> {
    use InstrKind::*;
    let bin = |op, lhs, rhs| Binary { op, lhs, rhs };
    let mut all = Vec::new();
    for dt in [DType::F32, DType::F64] {
        all.push((
            "sum(x)",
            fold(
                vec![(Load { input: 0 }, dt)],
                vec![(dt, InnerClass::Contiguous)],
                ReduceOp::Sum,
            ),
            false,
        ));
        // (x - c)**2 with c one value per row (a column broadcast), and with c a row of
        // values the same for every row (a row broadcast: contiguous, row stride 0).
        for c in [InnerClass::Broadcast, InnerClass::Contiguous] {
            all.push((
                "sum((x - c)**2)",
                fold(
                    vec![
                        (Load { input: 0 }, dt),
                        (Load { input: 1 }, dt),
                        (bin(BinaryOp::Sub, 0, 1), dt),
                        (bin(BinaryOp::Mul, 2, 2), dt),
                    ],
                    vec![(dt, InnerClass::Contiguous), (dt, c)],
                    ReduceOp::Sum,
                ),
                false,
            ));
        }
        all.push((
            "max(x * y), NaNs",
            fold(
                vec![
                    (Load { input: 0 }, dt),
                    (Load { input: 1 }, dt),
                    (bin(BinaryOp::Mul, 0, 1), dt),
                ],
                vec![(dt, InnerClass::Contiguous), (dt, InnerClass::Contiguous)],
                ReduceOp::Max,
            ),
            true,
        ));
        // A strided input: the scalar loop only.
        all.push((
            "sum(x + y), y strided",
            fold(
                vec![
                    (Load { input: 0 }, dt),
                    (Load { input: 1 }, dt),
                    (bin(BinaryOp::Add, 0, 1), dt),
                ],
                vec![(dt, InnerClass::Contiguous), (dt, InnerClass::Strided)],
                ReduceOp::Sum,
            ),
            false,
        ));
    }
    all.push((
        "sum(x) i32",
        fold(
            vec![(Load { input: 0 }, DType::I32)],
            vec![(DType::I32, InnerClass::Contiguous)],
            ReduceOp::Sum,
        ),
        false,
    ));
    all.push((
        "min(x - y) i32, three inputs, one unused",
        fold(
            vec![
                (Load { input: 0 }, DType::I32),
                (Load { input: 2 }, DType::I32),
                (bin(BinaryOp::Sub, 0, 1), DType::I32),
            ],
            vec![
                (DType::I32, InnerClass::Contiguous),
                (DType::F64, InnerClass::Contiguous),
                (DType::I32, InnerClass::Contiguous),
            ],
            ReduceOp::Min,
        ),
        false,
    ));
    all
}

/// One input of a `rows` x `n` launch: its bytes and the element offset of each row's first
/// element, with its inner stride in elements.
struct Data {
    bytes: Vec<u8>,
    row_starts: Vec<usize>,
    stride: isize,
}

fn data(rng: &mut Rng, dt: DType, inner: InnerClass, rows: usize, n: usize, nan: bool) -> Data {
    let (len, row_starts, stride): (usize, Vec<usize>, isize) = match inner {
        InnerClass::Broadcast => (rows, (0..rows).collect(), 0),
        // Contiguous inputs alternate between a full matrix and one row for every row.
        InnerClass::Contiguous if rng.next().is_multiple_of(2) => (n, vec![0; rows], 1),
        InnerClass::Contiguous => (rows * n, (0..rows).map(|r| r * n).collect(), 1),
        InnerClass::Strided => (rows * n * 2, (0..rows).map(|r| r * n * 2).collect(), 2),
    };
    Data {
        bytes: random_bytes(rng, dt, len.max(1), nan),
        row_starts,
        stride,
    }
}

#[test]
fn blocked_rows_give_the_bits_of_one_row_per_call() {
    let mut rng = Rng(2024);
    for (name, kernel, nan) in kernels() {
        let out_dt = kernel.out_dtype();
        let osz = out_dt.itemsize();
        let unchecked = compile_with(&kernel, Checks::Off).unwrap();
        let checked = compile_with(&kernel, Checks::Bounds).unwrap();
        for n in [1, 3, 8, 37, 64, 130] {
            for rows in [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33] {
                let inputs: Vec<Data> = kernel
                    .inputs
                    .iter()
                    .map(|spec| data(&mut rng, spec.dtype, spec.inner, rows, n, nan))
                    .collect();
                let strides: Vec<isize> = inputs.iter().map(|d| d.stride).collect();
                let row_ptrs = |r: usize| -> Vec<*const u8> {
                    kernel
                        .inputs
                        .iter()
                        .zip(&inputs)
                        .map(|(spec, d)| {
                            d.bytes
                                .as_ptr()
                                .wrapping_add(d.row_starts[r] * spec.dtype.itemsize())
                        })
                        .collect()
                };
                let table: Vec<*const u8> = (0..rows).flat_map(row_ptrs).collect();
                let start = random_bytes(&mut rng, out_dt, n, false);

                let mut one_by_one = start.clone();
                for r in 0..rows {
                    let ptrs = row_ptrs(r);
                    // SAFETY: every pointer of row r addresses n elements (at its stride) of
                    // its input's bytes, of the kernel's dtype; the output holds n elements.
                    unsafe {
                        unchecked.call_row(
                            n,
                            one_by_one.as_mut_ptr(),
                            ptrs.as_ptr(),
                            strides.as_ptr(),
                        )
                    };
                }
                let mut blocked = start.clone();
                // SAFETY: as above, for every row of the table.
                unsafe {
                    unchecked.call_rows(
                        n,
                        blocked.as_mut_ptr(),
                        table.as_ptr(),
                        strides.as_ptr(),
                        rows,
                    )
                };
                let what = format!("{name} {out_dt:?}, {rows} rows of {n}");
                assert_eq!(blocked, one_by_one, "{what}");

                let mut bounds: Vec<Bounds> = inputs
                    .iter()
                    .map(|d| Bounds::of_bytes(d.bytes.as_ptr(), d.bytes.len()))
                    .collect();
                let mut checked_out = start.clone();
                bounds.push(Bounds::of_bytes(checked_out.as_ptr(), n * osz));
                // SAFETY: the bounds are the input and output buffers, initialised elements
                // of the kernel's dtypes.
                let status = unsafe {
                    checked.call_rows_checked(
                        n,
                        checked_out.as_mut_ptr(),
                        table.as_ptr(),
                        strides.as_ptr(),
                        rows,
                        &bounds,
                    )
                };
                assert_eq!(status, Ok(()), "{what}, checked");
                assert_eq!(checked_out, one_by_one, "{what}, checked");
            }
        }
    }
}

#[test]
#[should_panic(expected = "no column fold")]
fn several_rows_need_a_column_fold() {
    let mut k = fold(
        vec![(InstrKind::Load { input: 0 }, DType::F32)],
        vec![(DType::F32, InnerClass::Contiguous)],
        ReduceOp::Sum,
    );
    k.reduce = None;
    let compiled = compile_with(&k, Checks::Off).unwrap();
    let x = [1f32; 4];
    let mut out = [0f32; 4];
    let ptrs = [x.as_ptr().cast::<u8>(); 2];
    // SAFETY: both rows address 4 f32; the call panics before running the kernel.
    unsafe {
        compiled.call_rows(4, out.as_mut_ptr().cast(), ptrs.as_ptr(), [1].as_ptr(), 2);
    }
}
