//! Graph nodes: an op, its inputs, dtype, static shape, source location, and (once evaluated)
//! the realized data.
//!
//! Nodes are immutable and shared through `Arc`. Two things change after construction, both
//! monotonically: `realized` is set once by evaluation, and at that moment the node lets go of
//! its inputs, so a realized node behaves as a leaf and long iterative programs
//! (`w = (w - lr * g).eval()`) do not keep every earlier step's graph and buffers alive.
//! A node built from bad arguments carries its `Error` ("poisoned"); the error travels to every
//! node built on it and comes out of `.eval()`.

use crate::buffer::Buffer;
use crate::dtype::DType;
use crate::error::{Error, SourceLocation};
use crate::layout::{checked_size, Layout};
use crate::op::Op;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// Shared handle to a node.
pub type NodeRef = Arc<Node>;

/// The data of an evaluated node: a buffer seen through a layout (views share buffers).
#[derive(Clone, Debug)]
pub struct Realized {
    /// The storage.
    pub buffer: Arc<Buffer>,
    /// The index map from the node's multi-index to buffer elements.
    pub layout: Layout,
}

/// One operation in the graph.
pub struct Node {
    id: u64,
    op: Op,
    inputs: Mutex<Vec<NodeRef>>,
    dtype: DType,
    shape: Vec<usize>,
    location: SourceLocation,
    /// The error, with the id of the node where it first arose (the earliest-built mistake
    /// wins when several inputs are poisoned).
    error: Option<(Error, u64)>,
    realized: OnceLock<Realized>,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(0);

impl Node {
    /// Builds a node. If inputs are poisoned, the new node carries the earliest-built error instead
    /// of computing anything, so the first mistake is the one reported.
    pub fn new(
        op: Op,
        inputs: Vec<NodeRef>,
        dtype: DType,
        shape: Vec<usize>,
        location: SourceLocation,
    ) -> NodeRef {
        Node::build(op, inputs, dtype, shape, location, None)
    }

    /// A node that failed to build. It keeps `dtype` and `shape` (the builder's best guess of
    /// what was meant) so that building can continue; evaluating it returns the error (or an
    /// input's earlier error).
    pub fn poisoned(
        error: Error,
        op: Op,
        inputs: Vec<NodeRef>,
        dtype: DType,
        shape: Vec<usize>,
        location: SourceLocation,
    ) -> NodeRef {
        Node::build(op, inputs, dtype, shape, location, Some(error))
    }

    fn build(
        op: Op,
        inputs: Vec<NodeRef>,
        dtype: DType,
        shape: Vec<usize>,
        location: SourceLocation,
        own_error: Option<Error>,
    ) -> NodeRef {
        // Every node's size fits in usize: code downstream may multiply dimensions freely.
        let own_error = own_error.or_else(|| {
            checked_size(&shape)
                .is_none()
                .then(|| Error::InvalidArgument {
                    op: op.name(),
                    message: format!("array is too big: the product of shape {shape:?} overflows"),
                    location,
                })
        });
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        let inherited = inputs
            .iter()
            .filter_map(|i| i.error.as_ref())
            .min_by_key(|(_, origin)| *origin)
            .cloned();
        let error = inherited.or(own_error.map(|e| (e, id)));
        Arc::new(Node {
            id,
            op,
            inputs: Mutex::new(inputs),
            dtype,
            shape,
            location,
            error,
            realized: OnceLock::new(),
        })
    }

    /// A node that is realized from the start (user data).
    pub fn leaf(buffer: Arc<Buffer>, layout: Layout, location: SourceLocation) -> NodeRef {
        let node = Node::new(
            Op::Leaf,
            Vec::new(),
            buffer.dtype(),
            layout.shape.clone(),
            location,
        );
        let _ = node.realized.set(Realized { buffer, layout });
        node
    }

    /// A process-unique id (creation order).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The operation.
    pub fn op(&self) -> &Op {
        &self.op
    }

    /// The inputs (empty once the node is realized).
    pub fn inputs(&self) -> Vec<NodeRef> {
        self.lock_inputs().clone()
    }

    /// Calls `f` on each input in order, without cloning the list (empty once realized).
    pub fn for_each_input(&self, mut f: impl FnMut(&NodeRef)) {
        for input in self.lock_inputs().iter() {
            f(input);
        }
    }

    fn lock_inputs(&self) -> MutexGuard<'_, Vec<NodeRef>> {
        // A poisoned mutex only means another thread panicked while holding the guard; the
        // vector itself is always valid.
        self.inputs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The element type.
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// The static shape.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// Where the user built this node.
    pub fn location(&self) -> SourceLocation {
        self.location
    }

    /// The error this node was built with, if any.
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref().map(|(e, _)| e)
    }

    /// The data, if evaluated.
    pub fn realized(&self) -> Option<&Realized> {
        self.realized.get()
    }

    /// The data, mutably, if evaluated. Needs `&mut Node`, so only the sole owner of the node
    /// (an `Arc` with no other reference) can write into its result.
    pub fn realized_mut(&mut self) -> Option<&mut Realized> {
        self.realized.get_mut()
    }

    /// Stores the result of evaluation and drops the inputs. Setting twice keeps the first
    /// (two threads may evaluate the same node; both results are equal).
    pub fn set_realized(&self, r: Realized) {
        let _ = self.realized.set(r);
        let old = std::mem::take(&mut *self.lock_inputs());
        drop_iteratively(old);
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let inputs = std::mem::take(self.inputs.get_mut().unwrap_or_else(|e| e.into_inner()));
        drop_iteratively(inputs);
    }
}

/// Drops a list of node handles without recursion, so dropping a graph that is a chain of a
/// million nodes does not overflow the stack.
fn drop_iteratively(mut stack: Vec<NodeRef>) {
    while let Some(node) = stack.pop() {
        if let Some(node) = Arc::into_inner(node) {
            let mut node = node;
            let inputs = std::mem::take(node.inputs.get_mut().unwrap_or_else(|e| e.into_inner()));
            stack.extend(inputs);
            // `node` drops here with no inputs left: no recursion.
        }
    }
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Node#{}({}, {}, {:?}{})",
            self.id,
            self.op.name(),
            self.dtype,
            self.shape,
            if self.realized().is_some() {
                ", realized"
            } else {
                ""
            }
        )
    }
}

/// The nodes reachable from `roots` that still need computing, inputs before users
/// (realized nodes appear but are not descended into). Iterative, so deep graphs are fine.
pub fn topo_order(roots: &[NodeRef]) -> Vec<NodeRef> {
    let mut seen = Seen::default();
    let mut order = Vec::with_capacity(32);
    // (node, inputs already pushed); on the stack for small graphs (the per-call case).
    let mut stack: smallvec::SmallVec<[(NodeRef, bool); 32]> =
        roots.iter().rev().map(|r| (r.clone(), false)).collect();
    while let Some((node, expanded)) = stack.pop() {
        if expanded {
            order.push(node);
            continue;
        }
        if !seen.insert(node.id) {
            continue;
        }
        let at = stack.len();
        node.for_each_input(|input| {
            if !seen.contains(input.id) {
                stack.push((input.clone(), false));
            }
        });
        // Inputs are popped first-to-last: reverse the ones just pushed.
        stack[at..].reverse();
        stack.insert(at, (node, true));
    }
    order
}

/// The ids `topo_order` has visited: a list scanned in place for small graphs, a hash set
/// beyond (no allocation for the per-call case, no quadratic scan for big graphs).
#[derive(Default)]
struct Seen {
    few: smallvec::SmallVec<[u64; 32]>,
    many: Option<rustc_hash::FxHashSet<u64>>,
}

impl Seen {
    fn contains(&self, id: u64) -> bool {
        match &self.many {
            Some(set) => set.contains(&id),
            None => self.few.contains(&id),
        }
    }

    /// Adds `id`; false if it was there.
    fn insert(&mut self, id: u64) -> bool {
        if let Some(set) = &mut self.many {
            return set.insert(id);
        }
        if self.few.contains(&id) {
            return false;
        }
        if self.few.len() == self.few.inline_size() {
            let mut set: rustc_hash::FxHashSet<u64> = self.few.drain(..).collect();
            set.insert(id);
            self.many = Some(set);
        } else {
            self.few.push(id);
        }
        true
    }
}
