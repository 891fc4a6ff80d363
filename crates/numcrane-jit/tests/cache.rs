//! The kernel cache, alone in its process so that the global compile counter is exact.

mod common;

use common::*;
use numcrane_fuse::kernel::Launch;
use numcrane_graph::{BinaryOp, DType, Layout, Scalar};
use std::sync::Arc;

#[test]
fn same_kernel_compiles_once_whatever_the_shape() {
    let k = binary_kernel(BinaryOp::Mul, DType::F64, DType::F64);
    let before = numcrane_jit::compile_count();
    let first = numcrane_jit::get_or_compile(&k).unwrap();
    assert_eq!(numcrane_jit::compile_count(), before + 1);
    let again = numcrane_jit::get_or_compile(&k.clone()).unwrap();
    assert!(Arc::ptr_eq(&first, &again));
    assert_eq!(numcrane_jit::compile_count(), before + 1);

    // Runs of other shapes and data reuse it.
    for n in [1usize, 5, 1000] {
        let vals: Vec<Scalar> = (0..n).map(|i| Scalar::F64(i as f64)).collect();
        let a = contiguous(DType::F64, &vals);
        let launch = Launch {
            reduce_kept: None,
            out_offset: 0,
            name: "",
            gathers: Vec::new(),
            shape: vec![n],
            layouts: vec![a.layout.clone(), a.layout.clone()],
        };
        let out = jit(&k, &launch, &[a.clone(), a.clone()]);
        assert_eq!(out[n - 1], Scalar::F64(((n - 1) * (n - 1)) as f64));
    }
    let m = Input {
        buffer: Arc::new(buffer_of(DType::F64, &[Scalar::F64(2.0); 12])),
        layout: Layout::contiguous(&[3, 4]),
    };
    let launch = Launch {
        reduce_kept: None,
        out_offset: 0,
        name: "",
        gathers: Vec::new(),
        shape: vec![3, 4],
        layouts: vec![m.layout.clone(), m.layout.clone()],
    };
    jit(&k, &launch, &[m.clone(), m]);
    assert_eq!(numcrane_jit::compile_count(), before + 1);

    // A different stride class is a different kernel.
    let mut strided = k.clone();
    strided.inputs[1].inner = numcrane_fuse::kernel::InnerClass::Strided;
    numcrane_jit::get_or_compile(&strided).unwrap();
    assert_eq!(numcrane_jit::compile_count(), before + 2);

    // The cache is bounded: compile more than its capacity, the count stays at the bound and
    // evicted kernels still held by a caller keep working.
    let held = numcrane_jit::get_or_compile(&k).unwrap();
    for i in 0..numcrane_jit::cache::CAPACITY + 10 {
        let mut ki = binary_kernel(BinaryOp::Add, DType::I32, DType::I32);
        ki.instrs.push(instr(
            numcrane_fuse::kernel::InstrKind::Const(Scalar::I32(i as i32)),
            DType::I32,
        ));
        numcrane_jit::get_or_compile(&ki).unwrap();
    }
    assert!(numcrane_jit::cache::len() <= numcrane_jit::cache::CAPACITY);
    let x = [3.0f64, -0.5];
    let ptrs = [x.as_ptr() as *const u8; 2];
    let strides = [1isize; 2];
    let mut o = [0f64; 2];
    // SAFETY: two inputs of two readable f64 each with stride 1, two writable f64 outputs.
    unsafe {
        held.call_row(
            2,
            o.as_mut_ptr() as *mut u8,
            ptrs.as_ptr(),
            strides.as_ptr(),
        );
    }
    assert_eq!(o, [9.0, 0.25]);
    drop(held);
    numcrane_jit::cache::clear();
    assert_eq!(numcrane_jit::cache::len(), 0);
}
