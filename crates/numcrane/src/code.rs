//! `Array::kernel_listings`: the code the JIT generates for an array, as text.
//!
//! Kernels only exist after lowering, and lowering needs realized inputs, so the listings come
//! from an evaluation: the array's graph is copied node for node (realized data shared, not
//! copied; the array itself is left unevaluated) and the copy is evaluated through the fusion
//! plan with a kernel runner that notes each kernel it is asked to run before running it. Each
//! distinct kernel is then compiled once more by `numcrane_jit::listing`, which returns its
//! Cranelift IR and machine code instead of printing them (`NUMCRANE_DEBUG=3` / `4` print the
//! same text while compiling).

use crate::backend::Backend;
use crate::Array;
use numcrane_fuse::{ElementwiseKernel, Launch, PlanOptions, Step};
use numcrane_graph::node::topo_order;
use numcrane_graph::{Buffer, DType, Node, NodeRef, OutSlot, Result};
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Mutex;

/// One kernel an array's evaluation runs, with its generated code (see
/// [`Array::kernel_listings`]).
///
/// # Examples
///
/// ```
/// use numcrane::array;
/// let x = array([1.0f64, 2.0, 3.0, 4.0]);
/// let kernels = (&x * 2.0 + 1.0).kernel_listings().unwrap();
/// let k = &kernels[0];
/// assert_eq!((k.name, k.shape.as_slice(), k.launches), ("add", &[4][..], 1));
/// assert!(!k.ir.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct KernelListing {
    /// The plan step that runs it, numbered as in [`Array::explain`]'s plan (`2: kernel add
    /// ...`); None if it could not be told (two steps of the same name running the same code).
    pub step: Option<usize>,
    /// NumPy's name of the op whose result the kernel writes (`add`, `sum`, ...).
    pub name: &'static str,
    /// The dtype of that result.
    pub dtype: DType,
    /// The shape of that result (the plan step's; the first launch's iteration shape when
    /// `step` is None).
    pub shape: Vec<usize>,
    /// The iteration shape of its first launch, after lowering merged the dimensions every
    /// input walks contiguously (one block of rows for a row-fused step).
    pub launch_shape: Vec<usize>,
    /// How many times the evaluation ran it: 1, or once per block of rows for a row-fused step.
    pub launches: usize,
    /// Whether its step runs row-fused with its neighbours (`steps 0-3: row-fused` in the
    /// plan, and `NUMCRANE_ROW_FUSION` is not `0`).
    pub row_fused: bool,
    /// How many arrays it reads.
    pub inputs: usize,
    /// How many SSA values its body has (loads, constants and operations).
    pub values: usize,
    /// The element width in bytes of its vector loop, or None if it has only the scalar loop.
    pub vector_width: Option<u32>,
    /// The kernel function in Cranelift IR, as built by numcrane (before Cranelift optimises).
    pub ir: String,
    /// The machine code Cranelift emitted for it (Cranelift's disassembly: one instruction a
    /// line, registers allocated).
    pub asm: String,
}

impl KernelListing {
    /// One line naming the kernel, e.g. `kernel add float32[1000, 3] (plan step 2), 1 launch
    /// of [3000], 3 inputs, 12 values, vector loop (4-byte lanes)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let x = array([1.0f32, 2.0, 3.0]);
    /// let kernels = (&x * 2.0f32).kernel_listings().unwrap();
    /// let heading = kernels[0].heading();
    /// assert!(heading.starts_with("kernel multiply float32[3]"), "{heading}");
    /// ```
    pub fn heading(&self) -> String {
        let mut s = format!("kernel {} {}{:?}", self.name, self.dtype, self.shape);
        match self.step {
            Some(step) => {
                let _ = write!(s, " (plan step {step}");
                if self.row_fused {
                    s.push_str(", row-fused");
                }
                s.push(')');
            }
            None => s.push_str(" (plan step unknown)"),
        }
        let _ = write!(
            s,
            ", {} launch{} of {:?}, {} inputs, {} values, {}",
            self.launches,
            if self.launches == 1 { "" } else { "es" },
            self.launch_shape,
            self.inputs,
            self.values,
            match self.vector_width {
                Some(w) => format!("vector loop ({w}-byte lanes)"),
                None => "scalar loop".to_string(),
            }
        );
        s
    }
}

/// A kernel the evaluation ran, and how often.
struct Seen {
    kernel: ElementwiseKernel,
    name: &'static str,
    launch_shape: Vec<usize>,
    launches: usize,
}

/// A node-for-node copy of the graph under `root`: same ops, dtypes, shapes and locations,
/// realized nodes as leaves over the same buffers. Evaluating it plans and runs exactly what
/// evaluating `root` would, and leaves `root` as it is.
fn copy_graph(root: &NodeRef) -> NodeRef {
    let order = topo_order(std::slice::from_ref(root));
    let mut copies: HashMap<u64, NodeRef> = HashMap::with_capacity(order.len());
    for n in &order {
        let copy = match n.realized() {
            Some(r) => Node::leaf(r.buffer.clone(), r.layout.clone(), n.location()),
            None => {
                let inputs = n
                    .inputs()
                    .iter()
                    .map(|i| copies.get(&i.id()).cloned().unwrap_or_else(|| i.clone()))
                    .collect();
                Node::new(
                    n.op().clone(),
                    inputs,
                    n.dtype(),
                    n.shape().to_vec(),
                    n.location(),
                )
            }
        };
        copies.insert(n.id(), copy);
    }
    copies.remove(&root.id()).unwrap_or_else(|| root.clone())
}

impl Array {
    /// The kernels evaluating this array runs, in the order they run, each with its
    /// generated code: the Cranelift IR numcrane builds and the machine code Cranelift
    /// compiles it to. A kernel that a row-fused step runs once per block of rows is listed
    /// once.
    ///
    /// Kernels are only made once the inputs of each plan step are computed, so this
    /// evaluates a copy of the array's graph (the array itself stays unevaluated; realized
    /// inputs are shared, not copied) with the JIT backend (`NUMCRANE_BACKEND=unfused`:
    /// fusion off, as that backend runs), then compiles each kernel once more to capture its
    /// text. It costs one evaluation plus one compile per kernel: a tool for looking, not
    /// for hot loops. An array already evaluated runs no kernel, and the list is empty. Steps
    /// on the reference evaluator (views, scans, ...) have no generated code and are not
    /// listed. [`Array::explain`] shows the plan the `step` numbers refer to.
    ///
    /// ```
    /// use numcrane::{array, exp};
    /// let x = array([0.5f32, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0]);
    /// let y = exp(&x) + 1.0f32;
    /// let kernels = y.kernel_listings().unwrap();
    /// assert_eq!(kernels.len(), 1);
    /// let k = &kernels[0];
    /// assert_eq!((k.name, k.step, k.shape.as_slice()), ("add", Some(0), &[8][..]));
    /// assert!(k.ir.starts_with("function"));
    /// assert!(k.ir.contains("fadd"));
    /// assert!(!k.asm.is_empty());
    /// println!("{}\n{}\n{}", k.heading(), k.ir, k.asm);
    /// ```
    ///
    /// # Errors
    ///
    /// The array's build error, or an error from evaluating it or compiling a kernel.
    pub fn kernel_listings(&self) -> Result<Vec<KernelListing>> {
        if let Some(e) = self.node.error() {
            return Err(e.clone());
        }
        let root = copy_graph(&self.node);
        let roots = std::slice::from_ref(&root);
        let seen: Mutex<Vec<Seen>> = Mutex::new(Vec::new());
        let run = |k: &ElementwiseKernel, l: &Launch, i: &[&Buffer], o: OutSlot<'_>| {
            {
                let mut seen = seen.lock().unwrap_or_else(|p| p.into_inner());
                match seen
                    .iter_mut()
                    .find(|s| s.name == l.name && s.kernel.same_structure(k))
                {
                    Some(s) => s.launches += 1,
                    None => seen.push(Seen {
                        kernel: k.clone(),
                        name: l.name,
                        launch_shape: l.shape.clone(),
                        launches: 1,
                    }),
                }
            }
            numcrane_jit::run_into(k, l, i, o)
        };
        let options = PlanOptions {
            fuse: Backend::from_env() != Backend::Unfused,
            ..Default::default()
        };
        let plan = numcrane_fuse::plan_with(roots, &numcrane_jit::supports_node, options);
        numcrane_fuse::execute(roots, &plan, &run)?;
        let seen = seen.into_inner().unwrap_or_else(|p| p.into_inner());

        // Kernels ran in step order (the blocks of a row-fused run each run its steps in
        // order), so the i-th kernel belongs to the first fused step after the previous
        // kernel's of the same name; steps that fell back to the evaluator ran none.
        let fused: Vec<(usize, &NodeRef)> = plan
            .steps
            .iter()
            .enumerate()
            .flat_map(|(i, s)| match s {
                Step::Fused(g) => vec![(i, &g.root)],
                // A fused concatenation runs its parts' kernels.
                Step::Concat(c) => c.kernels().map(|g| (i, &g.root)).collect(),
                Step::Single { .. } => Vec::new(),
            })
            .collect();
        let mut next = 0;
        let mut out = Vec::with_capacity(seen.len());
        for s in seen {
            let found = fused[next.min(fused.len())..]
                .iter()
                .position(|(_, root)| root.op().name() == s.name)
                .map(|p| p + next);
            let (step, shape) = match found {
                Some(p) => {
                    next = p + 1;
                    let (step, root) = fused[p];
                    (Some(step), root.shape().to_vec())
                }
                None => (None, s.launch_shape.clone()),
            };
            let row_fused = numcrane_fuse::rows::enabled()
                && step.is_some_and(|i| plan.row_chains.iter().any(|c| c.steps.contains(&i)));
            let code = numcrane_jit::listing(&s.kernel)?;
            out.push(KernelListing {
                step,
                name: s.name,
                dtype: s.kernel.out_dtype(),
                shape,
                launch_shape: s.launch_shape,
                launches: s.launches,
                row_fused,
                inputs: s.kernel.inputs.len(),
                values: s.kernel.instrs.len(),
                vector_width: code.vector_width,
                ir: code.ir,
                asm: code.asm,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::{arange, exp, keepdims};

    #[test]
    fn softmax_lists_each_kernel_once_in_plan_order() {
        let x = (arange(0.0f32, 131072.0, 1.0).reshape([2048, 64]) / 1e5f32)
            .eval()
            .unwrap();
        let e = exp(&(&x - x.max(keepdims(1))));
        let y = &e / e.sum(keepdims(1));
        let listings = y.kernel_listings().unwrap();
        assert_eq!(listings.len(), 4, "{}", y.explain());
        let names: Vec<&str> = listings.iter().map(|k| k.name).collect();
        assert_eq!(names, ["max", "exp", "sum", "true_divide"]);
        let steps: Vec<Option<usize>> = listings.iter().map(|k| k.step).collect();
        assert_eq!(steps, [Some(0), Some(1), Some(2), Some(3)]);
        for k in &listings {
            eprintln!("{}", k.heading());
            if numcrane_fuse::rows::enabled() {
                assert!(k.row_fused && k.launches > 1, "{}", k.heading());
            }
            assert!(k.ir.starts_with("function"), "{}", k.ir);
            assert!(!k.asm.is_empty());
            assert!(k.heading().starts_with("kernel "));
        }
        // The array itself was not evaluated.
        assert!(y.node().realized().is_none());
    }

    #[test]
    fn evaluated_arrays_run_no_kernel() {
        let y = (exp(&arange(0.0f32, 8.0, 1.0)) * 2.0f32).eval().unwrap();
        assert!(y.kernel_listings().unwrap().is_empty());
    }

    #[test]
    fn build_errors_are_returned() {
        let y = arange(0.0f32, 8.0, 1.0).reshape([3, 5]);
        assert!(y.kernel_listings().is_err());
    }
}
