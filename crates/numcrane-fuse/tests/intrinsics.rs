//! A runner's intrinsics: steps the plan leaves to the reference evaluator (a matrix product
//! here) go to the runner first, on first execution and on plan replay alike; so do matrix
//! products fused with their epilogue kernel.

use numcrane_fuse::{
    interpret::interpret, run_cached, ElementwiseKernel, EpilogueResult, Launch, Programs, Runner,
    TileEpilogue,
};
use numcrane_graph::error::SourceLocation;
use numcrane_graph::eval::compute;
use numcrane_graph::{
    BinaryOp, Buffer, DType, Layout, Node, NodeRef, Op, OutSlot, Realized, Result, Scalar,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Interprets kernels; computes matmuls itself (with the evaluator, counting them).
struct Counting {
    matmuls: AtomicUsize,
}

impl Runner for Counting {
    fn kernel(
        &self,
        kernel: &ElementwiseKernel,
        launch: &Launch,
        inputs: &[&Buffer],
        out: OutSlot<'_>,
    ) -> Result<()> {
        interpret(kernel, launch, inputs, out)
    }

    fn intrinsic(&self, node: &Node, inputs: &[&Realized]) -> Option<Result<Realized>> {
        if !matches!(node.op(), Op::MatMul) {
            return None;
        }
        self.matmuls.fetch_add(1, Ordering::Relaxed);
        Some(compute(node, inputs))
    }
}

fn leaf(values: &[f64], shape: &[usize]) -> NodeRef {
    let buffer = Arc::new(Buffer::from_slice(values).unwrap());
    Node::leaf(buffer, Layout::contiguous(shape), SourceLocation::caller())
}

/// (a @ b) + 1 over fresh nodes (the same structure each time).
fn graph(a: &NodeRef, b: &NodeRef) -> NodeRef {
    let loc = SourceLocation::caller();
    let product = Node::new(
        Op::MatMul,
        vec![a.clone(), b.clone()],
        DType::F64,
        vec![2, 2],
        loc,
    );
    let one = Node::new(
        Op::Full(Scalar::F64(1.0)),
        vec![],
        DType::F64,
        vec![2, 2],
        loc,
    );
    Node::new(
        Op::Binary(BinaryOp::Add),
        vec![product, one],
        DType::F64,
        vec![2, 2],
        loc,
    )
}

#[test]
fn intrinsics_run_on_first_execution_and_on_replay() {
    let a = leaf(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    let b = leaf(&[5.0, 6.0, 7.0, 8.0], &[2, 2]);
    let runner = Counting {
        matmuls: AtomicUsize::new(0),
    };
    let programs = Programs::new();
    for round in 1..=2 {
        let root = graph(&a, &b);
        run_cached(std::slice::from_ref(&root), &programs, &|_| true, &runner).unwrap();
        let r = root.realized().unwrap();
        assert_eq!(
            r.buffer.as_slice::<f64>().unwrap(),
            &[20.0, 23.0, 44.0, 51.0]
        );
        assert_eq!(runner.matmuls.load(Ordering::Relaxed), round);
    }
    assert_eq!(programs.replays(), 1);
}

/// Interprets kernels; runs fused products as the evaluator's product followed by the
/// epilogue kernel over the whole launch (what a GEMM does tile by tile), counting them.
struct FusingRunner {
    fused: AtomicUsize,
}

impl Runner for FusingRunner {
    fn kernel(
        &self,
        kernel: &ElementwiseKernel,
        launch: &Launch,
        inputs: &[&Buffer],
        out: OutSlot<'_>,
    ) -> Result<()> {
        interpret(kernel, launch, inputs, out)
    }

    fn matmul_epilogue(
        &self,
        matmul: &Node,
        operands: &[&Realized],
        epilogue: &TileEpilogue<'_>,
    ) -> Option<Result<EpilogueResult>> {
        let product = match compute(matmul, operands) {
            Ok(p) => p,
            Err(e) => return Some(Err(e)),
        };
        // The launch reads the product contiguously, over the product's shape.
        assert_eq!(epilogue.launch.shape, matmul.shape());
        assert_eq!(
            epilogue.launch.layouts[epilogue.product_input],
            Layout::contiguous(matmul.shape())
        );
        assert!(epilogue.inputs[epilogue.product_input].is_empty());
        let mut inputs = epilogue.inputs.to_vec();
        inputs[epilogue.product_input] = &product.buffer;
        let size = Layout::contiguous(matmul.shape()).size();
        let mut out = match Buffer::zeros(epilogue.kernel.out_dtype(), size, "test") {
            Ok(b) => b,
            Err(e) => return Some(Err(e)),
        };
        if let Err(e) = interpret(epilogue.kernel, epilogue.launch, &inputs, out.slot()) {
            return Some(Err(e));
        }
        self.fused.fetch_add(1, Ordering::Relaxed);
        Some(Ok(EpilogueResult {
            out: Realized {
                buffer: Arc::new(out),
                layout: Layout::contiguous(matmul.shape()),
            },
            product: epilogue.keep_product.then_some(product),
        }))
    }
}

#[test]
fn fused_products_run_on_first_execution_and_on_replay() {
    let a = leaf(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    let b = leaf(&[5.0, 6.0, 7.0, 8.0], &[2, 2]);
    let runner = FusingRunner {
        fused: AtomicUsize::new(0),
    };
    let programs = Programs::new();
    for round in 1..=2 {
        let root = graph(&a, &b);
        let product = root.inputs()[0].clone();
        let roots = [root.clone(), product.clone()];
        // Only when attaching is on (NUMCRANE_EPILOGUE unset or not 0).
        let fusing = numcrane_fuse::epilogue::enabled();
        run_cached(&roots, &programs, &|_| true, &runner).unwrap();
        let r = root.realized().unwrap();
        assert_eq!(
            r.buffer.as_slice::<f64>().unwrap(),
            &[20.0, 23.0, 44.0, 51.0]
        );
        // The product is a root too: kept.
        let p = product.realized().unwrap();
        assert_eq!(
            p.buffer.as_slice::<f64>().unwrap(),
            &[19.0, 22.0, 43.0, 50.0]
        );
        let want = if fusing { round } else { 0 };
        assert_eq!(runner.fused.load(Ordering::Relaxed), want);
    }
    assert_eq!(programs.replays(), 1);
}
