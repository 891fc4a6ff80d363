//! A runner's intrinsics: steps the plan leaves to the reference evaluator (a matrix product
//! here) go to the runner first, on first execution and on plan replay alike.

use numcrane_fuse::{
    interpret::interpret, run_cached, ElementwiseKernel, Launch, Programs, Runner,
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
