//! The kernel cache across evaluations: a graph of the same structure compiles nothing the
//! second time, whatever its sizes. Alone in its own test binary so that no other test
//! compiles kernels concurrently.

use numcrane::{arange, jit_compile_count, Array, Backend, DType};

fn w1(n: usize) -> Array {
    let x = arange(0.0f32, n as f32, 1.0).eval().unwrap();
    let [a, b, c, d, e] = [1.0f32, 2.0, 3.0, 4.0, 5.0].map(|k| (&x * k).eval().unwrap());
    &a * &b + &c * &d - &e
}

#[test]
fn same_structure_compiles_once_for_any_size() {
    let first = w1(1000).eval_with(Backend::Jit).unwrap();
    let after_first = jit_compile_count();
    assert!(after_first >= 1, "the first evaluation compiled its kernel");
    for n in [1000, 10, 123_457, 1] {
        let y = w1(n).eval_with(Backend::Jit).unwrap();
        assert_eq!(y.shape(), &[n]);
    }
    // The inputs above (x * k) are themselves one kernel shape, compiled during the first call.
    assert_eq!(
        jit_compile_count(),
        after_first,
        "re-evaluating compiled again"
    );
    let v = first.to_vec::<f32>().unwrap();
    assert_eq!(v[3], 3.0 * 3.0 * 2.0 + 3.0 * 3.0 * 3.0 * 4.0 - 3.0 * 5.0);
    // A different dtype is a different kernel.
    let z = w1(10).astype(DType::F64) * 2.0;
    z.eval_with(Backend::Jit).unwrap();
    assert!(jit_compile_count() > after_first);
}
