//! Review tests: the JIT backend against the reference evaluator on launches that stress the
//! launcher (empty dims, broadcasts, negative strides, chunk splitting) and on inputs that
//! must not panic.

use numcrane::{arange, s, zeros, Array, Backend, DType};

/// Builds the graph twice (a node evaluated once keeps its value) and requires the same
/// bits from both backends (compared as f64 after an exact widening on the evaluator).
#[track_caller]
fn rebuild<F: Fn() -> Array>(f: F) {
    let read = |a: Array| {
        a.astype(DType::F64)
            .eval_with(Backend::Eval)?
            .to_vec::<f64>()
    };
    let e = f().eval_with(Backend::Eval).and_then(read);
    let j = f().eval_with(Backend::Jit).and_then(read);
    match (e, j) {
        (Ok(e), Ok(j)) => {
            assert_eq!(e.len(), j.len());
            for (x, y) in e.iter().zip(&j) {
                assert_eq!(x.to_bits(), y.to_bits());
            }
        }
        (e, j) => assert!(
            e.is_err() && j.is_err(),
            "one backend failed: eval {e:?}, jit {j:?}"
        ),
    }
}

#[test]
fn empty_array_with_huge_dims_does_not_panic() {
    // 0 * 2^62 * 4 elements: a valid empty array whose row-major strides overflow.
    let shape = [0usize, 1 << 62, 4];
    rebuild(|| &zeros(shape, DType::F64) + 1.0);
}

#[test]
fn empty_array_with_huge_dims_sliced() {
    let shape = [0usize, 1 << 62, 4];
    rebuild(|| (&zeros(shape, DType::F64) + 1.0).slice(s![.., ..;1isize << 61, ..]) * 2.0);
}

#[test]
fn empty_realized_array_with_huge_dims() {
    // A realized empty buffer with row-major strides of an (overflowing) huge shape: fusing
    // `x * 2` over it must not overflow while collapsing dimensions.
    let shape = [0usize, 1 << 62, 4];
    let x = (&zeros(shape, DType::F64) + 1.0)
        .eval_with(Backend::Eval)
        .unwrap();
    rebuild(|| &x * 2.0);
    let y = (&zeros([3usize, 0, 1 << 61, 8], DType::F32) + 1.0)
        .eval_with(Backend::Eval)
        .unwrap();
    rebuild(|| y.T() - 1.0);
}

#[test]
fn views_of_empty_arrays_with_huge_dims_do_not_panic() {
    // Offsets and strides of empty views are never read, but computing them must not
    // overflow either (flip, slice with a large step, diagonal), on either backend.
    let shape = [0usize, 1 << 62, 4];
    rebuild(|| zeros(shape, DType::F64).flip(1) + 1.0);
    rebuild(|| (&zeros(shape, DType::F64) + 1.0).flip(1) * 2.0);
    rebuild(|| (&zeros(shape, DType::F64) + 1.0).slice(s![.., ..;1isize << 61, ..]) * 2.0);
    rebuild(|| (&zeros(shape, DType::F64) + 1.0).slice(s![.., -1, ..]) * 2.0);
    let sq = [0usize, 1 << 31, 1 << 31];
    rebuild(|| (&zeros(sq, DType::F32) + 1.0).diagonal(-(1isize << 30)) * 2.0);
}

/// A realized f64 input of `shape` with distinct values (i * 0.37 - 1000).
fn input(shape: &[usize]) -> Array {
    let n: usize = shape.iter().product();
    (arange(0.0, n as f64, 1.0) * 0.37 - 1000.0)
        .reshape(shape.iter().map(|&d| d as isize).collect::<Vec<_>>())
        .eval_with(Backend::Eval)
        .unwrap()
}

#[test]
fn large_launches_split_across_rows_and_outer_dims() {
    // Sizes above the parallel chunk (32768 elements) with rows that do not divide the chunk,
    // outer dims that are flipped, transposed, broadcast and offset by slicing.
    let a = input(&[7, 97, 131]);
    let b = input(&[131]);
    let c = input(&[97, 1]);
    rebuild(|| &a + &b);
    rebuild(|| a.flip(0).flip(2) * &c - &b);
    rebuild(|| a.permute(&[2, 0, 1]) + 1.5);
    rebuild(|| a.slice(s![1..;2, ..;-3, 5..]) * 2.0 + &a.slice(s![..3, ..33, 5..]).flip(1));
    rebuild(|| (&a.slice(s![.., 3, ..]).broadcast_to(&[5, 7, 131]) * &b).astype(DType::F32));
    rebuild(|| a.slice(s![.., .., 7]).broadcast_to(&[400, 7, 97]).sqrt());
    let d = input(&[300_001]);
    rebuild(|| d.slice(s![..;-1]) + &d);
    rebuild(|| (&d + 1.0).gt(d.slice(s![..;-1])));
    let e = input(&[1, 70_000, 1]);
    rebuild(|| &e * &e.flip(1));
}

#[test]
fn nan_constants_of_different_sign_are_different_kernels() {
    // The kernel cache key prints constants with `{:?}`, which writes every NaN as "NaN": a
    // kernel adding -NaN reuses the compiled kernel adding +NaN.
    let x = input(&[64]);
    let first = (&x + f64::NAN).eval_with(Backend::Jit).unwrap();
    assert!(first.to_vec::<f64>().unwrap()[0].is_sign_positive());
    rebuild(|| &x + -f64::NAN);
}
