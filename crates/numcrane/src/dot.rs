//! `Array::to_dot`: the recorded graph as a Graphviz DOT picture of the fusion plan.
//!
//! Every node reachable from the array is drawn with the `%k` label `Array::explain` gives
//! it (same topological order), its op, dtype and shape. Each fused kernel of the plan is one
//! `subgraph cluster_kernel_N` holding the nodes computed inside its loop, labelled with its
//! root op, shape and why its result is materialized; runs of kernels executed together by
//! blocks of rows sit in an enclosing `cluster_rows_N`. Realized data (inputs) are filled
//! boxes, intrinsics (matrix products, on the GEMM) are filled 3-d boxes, steps run alone by
//! the reference evaluator are dashed octagons; a matrix product with an epilogue (see
//! `numcrane_fuse::epilogue`) is drawn inside its epilogue kernel's cluster, labelled
//! "matmul + epilogue: ...", as it runs as one step; a fused concatenation (see
//! `numcrane_fuse::concat`) is a rounded box labelled "fused concat[axis k] <- ...", and each
//! kernel writing one of its parts a cluster `kernel S.K` "(written into the concat)"; nodes
//! merged into an
//! identical earlier node (common subexpressions) are left out, their users drawn reading the
//! earlier node, and listed in the graph's label. The module only reads the graph and the plan;
//! it knows nothing of how kernels are compiled.

use crate::backend;
use crate::Array;
use numcrane_fuse::Step;
use numcrane_graph::node::topo_order;
use numcrane_graph::NodeRef;
use std::collections::{HashMap, HashSet};
use std::fmt::Write;

/// A DOT string literal's contents: quotes and backslashes escaped, lines joined with `\n`.
fn quote(lines: &[String]) -> String {
    let escaped: Vec<String> = lines
        .iter()
        .map(|l| {
            l.replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n")
        })
        .collect();
    format!("\"{}\"", escaped.join("\\n"))
}

/// The DOT text for the graph of `roots` and its plan; `site(id)` may name where a node came
/// from (a third label line).
pub(crate) fn to_dot(roots: &[NodeRef], site: &dyn Fn(u64) -> Option<String>) -> String {
    let order = topo_order(roots);
    let labels: HashMap<u64, usize> = order.iter().enumerate().map(|(i, n)| (n.id(), i)).collect();
    let plan = backend::jit_plan(roots);
    let root_ids: HashSet<u64> = roots.iter().map(|r| r.id()).collect();

    // Which kernel (step index) draws each node, and why the evaluator-only nodes run alone.
    // Clusters are keyed by (step, kernel of the step): a fused concatenation runs several.
    let mut cluster_of: HashMap<u64, (usize, usize)> = HashMap::new();
    let mut single: HashMap<u64, &'static str> = HashMap::new();
    let mut concat: HashMap<u64, String> = HashMap::new();
    let mut kernels: Vec<(usize, usize, &numcrane_fuse::Group)> = Vec::new();
    for (i, step) in plan.steps.iter().enumerate() {
        match step {
            Step::Fused(g) => kernels.push((i, 0, g)),
            Step::Concat(c) => {
                concat.insert(c.node.id(), c.summary());
                kernels.extend(c.kernels().enumerate().map(|(k, g)| (i, k, g)));
            }
            Step::Single { node, reason } => {
                single.insert(node.id(), reason);
            }
        }
    }
    for &(i, k, g) in &kernels {
        for id in &g.members {
            cluster_of.entry(*id).or_insert((i, k));
        }
        // A product with an epilogue is drawn inside the epilogue's box: one step.
        if let Some(p) = &g.product {
            cluster_of.insert(p.matmul.id(), (i, k));
        }
    }

    // Nodes merged into an identical earlier node are not drawn (roots always are).
    let drawn = |n: &NodeRef| root_ids.contains(&n.id()) || !plan.aliases.contains_key(&n.id());
    let node_line = |n: &NodeRef| -> String {
        let k = labels.get(&n.id()).copied().unwrap_or(0);
        let head = if n.realized().is_some() {
            format!("%{k} data")
        } else {
            format!("%{k} {}", crate::explain::op_text(n.op()))
        };
        let mut lines = vec![head, format!("{}{:?}", n.dtype(), n.shape())];
        lines.extend(site(n.id()));
        let mut style = Vec::new();
        if n.realized().is_some() {
            style.push("shape=box, style=filled, fillcolor=\"#dddddd\"".to_string());
        } else if matches!(n.op(), numcrane_graph::Op::MatMul) {
            // An intrinsic: a hand-written kernel (the GEMM for float32/float64).
            lines.push("intrinsic: native GEMM (float32/float64)".into());
            style.push("shape=box3d, style=filled, fillcolor=\"#ddeeff\"".into());
        } else if let Some(summary) = concat.get(&n.id()) {
            // Its kernels write their parts straight into its output.
            lines.push(format!("fused {summary}"));
            style.push("shape=box, style=\"rounded,filled\", fillcolor=\"#eef4ff\"".into());
        } else if let Some(reason) = single.get(&n.id()) {
            lines.push(format!("reference evaluator: {reason}"));
            style.push("shape=octagon, style=dashed".into());
        }
        let mut attrs = vec![format!("label={}", quote(&lines))];
        attrs.extend(style);
        if n.error().is_some() {
            attrs.push("color=red, fontcolor=red".into());
        }
        if root_ids.contains(&n.id()) {
            attrs.push("penwidth=2".into());
        }
        format!("n{} [{}];", n.id(), attrs.join(", "))
    };

    let mut out = String::from("digraph numcrane {\n");
    out.push_str("  rankdir=TB;\n");
    out.push_str("  node [shape=ellipse, fontname=\"monospace\", fontsize=10];\n");
    out.push_str("  edge [color=\"#555555\"];\n");

    for &(i, k, g) in &kernels {
        let chain = plan.row_chains.iter().position(|c| c.steps.contains(&i));
        if let Some(c) = chain.map(|c| &plan.row_chains[c]) {
            if c.steps.start == i && k == 0 {
                let label = format!(
                    "steps {}-{}: row-fused, blocks of {} of {} rows",
                    c.steps.start,
                    c.steps.end - 1,
                    c.block_rows,
                    c.rows
                );
                let _ = writeln!(
                    out,
                    "  subgraph cluster_rows_{i} {{\n    label={};\n    style=dotted;",
                    quote(&[label])
                );
            }
        }
        let recomputed = if g.recomputed.is_empty() {
            String::new()
        } else {
            format!(", {} recomputed", g.recomputed.len())
        };
        let head = match &g.product {
            Some(p) => format!(
                "matmul + epilogue: {}{}",
                numcrane_fuse::epilogue::op_names(g).join(", "),
                if p.keep { " (product kept)" } else { "" }
            ),
            None => g.root.op().name().to_string(),
        };
        let (name, into) = match &plan.steps[i] {
            Step::Concat(_) => (format!("{i}.{k}"), " (written into the concat)"),
            _ => (format!("{i}"), ""),
        };
        let label = vec![
            format!(
                "kernel {name}: {head} {}{:?}{into}",
                g.root.dtype(),
                g.root.shape()
            ),
            format!(
                "{} ops{recomputed}, {} inputs, materialized because {:?}",
                g.members.len(),
                g.boundaries.len(),
                g.why
            ),
        ];
        let _ = writeln!(
            out,
            "  subgraph cluster_kernel_{} {{\n    label={};\n    style=\"rounded,filled\";\n    \
             fillcolor=\"#eef4ff\";\n    color=\"#3366cc\";",
            name.replace('.', "_"),
            quote(&label)
        );
        for n in order
            .iter()
            .filter(|n| cluster_of.get(&n.id()) == Some(&(i, k)) && drawn(n))
        {
            let _ = writeln!(out, "    {}", node_line(n));
        }
        out.push_str("  }\n");
        if let Some(c) = chain.map(|c| &plan.row_chains[c]) {
            if c.steps.end == i + 1 && k == 0 {
                out.push_str("  }\n");
            }
        }
    }
    for n in order
        .iter()
        .filter(|n| !cluster_of.contains_key(&n.id()) && drawn(n))
    {
        let _ = writeln!(out, "  {}", node_line(n));
    }
    let mut edges = HashSet::new();
    for n in order.iter().filter(|n| drawn(n)) {
        for input in n.inputs() {
            // A duplicate's users read the node it duplicates, as the plan computes them.
            let from = plan.resolve(&input).id();
            if edges.insert((from, n.id())) {
                let _ = writeln!(out, "  n{from} -> n{};", n.id());
            }
        }
    }
    if !plan.aliases.is_empty() {
        let mut merged: Vec<(usize, usize)> = plan
            .aliases
            .iter()
            .filter_map(|(dup, first)| Some((*labels.get(dup)?, *labels.get(&first.id())?)))
            .collect();
        merged.sort();
        let listing: Vec<String> = merged.iter().map(|(d, f)| format!("%{d} = %{f}")).collect();
        let note = format!(
            "{} common subexpressions computed once (not drawn): {}",
            merged.len(),
            listing.join(", ")
        );
        let _ = writeln!(out, "  label={};\n  labelloc=b;", quote(&[note]));
    }
    out.push_str("}\n");
    out
}

impl Array {
    /// The graph behind this array as Graphviz DOT text: nodes labelled `%k` as in
    /// [`explain`](Self::explain), with op, dtype and shape; one `cluster_kernel_N` per fused
    /// kernel of the plan `eval` would run; realized inputs as filled boxes, reference-evaluator
    /// steps as dashed octagons. Render it with `dot -Tsvg graph.dot -o graph.svg`.
    ///
    /// ```
    /// use numcrane::array;
    /// let x = array([1.0f32, 2.0, 3.0]);
    /// let dot = (&x * 2.0 + 1.0).exp().to_dot();
    /// assert!(dot.starts_with("digraph") && dot.contains("subgraph cluster_kernel_"));
    /// ```
    pub fn to_dot(&self) -> String {
        to_dot(std::slice::from_ref(&self.node), &|_| None)
    }

    /// [`to_dot`](Self::to_dot) with a third label line per node from `site(node id)` where it
    /// gives one: tools that build arrays for users (the `numcrane` command) name the part of
    /// the user's expression each node comes from. Ids are those of `node().id()`.
    #[doc(hidden)]
    pub fn to_dot_with_sites(&self, site: &dyn Fn(u64) -> Option<String>) -> String {
        to_dot(std::slice::from_ref(&self.node), site)
    }
}

#[cfg(test)]
mod tests {
    use crate::{array, Array};

    #[test]
    fn one_cluster_per_fused_kernel() {
        let x = Array::from_vec((0..12).map(|v| v as f32).collect(), [4, 3]);
        let y = (&x - x.mean(0)) / x.std(0) + x.argmax(..);
        let dot = y.to_dot();
        assert_eq!(
            dot.matches("subgraph cluster_kernel_").count(),
            y.fused_kernel_count()
        );
        assert!(dot.contains("shape=box, style=filled"), "{dot}");
        assert!(dot.contains("reference evaluator: argmin/argmax"), "{dot}");
        assert_eq!(dot.matches('{').count(), dot.matches('}').count());
    }

    #[test]
    fn matrix_products_are_drawn_as_intrinsics() {
        let a = Array::from_vec((0..6).map(|v| v as f32).collect(), [2, 3]);
        let y = crate::maximum(crate::matmul(&a, &a.T()), 0.0);
        let dot = y.to_dot();
        assert!(dot.contains("intrinsic: native GEMM"), "{dot}");
        assert!(dot.contains("shape=box3d"), "{dot}");
    }

    #[test]
    fn an_epilogue_is_drawn_inside_the_product_s_cluster() {
        let x = Array::from_vec((0..6).map(|v| v as f32).collect(), [2, 3]);
        let b = Array::from_vec(vec![1.0f32, -1.0], [2]);
        let y = crate::maximum(crate::matmul(&x, &x.T()) + &b, 0.0);
        let dot = y.to_dot();
        if !numcrane_fuse::epilogue::enabled() {
            assert!(!dot.contains("matmul + epilogue"), "{dot}");
            return;
        }
        assert!(dot.contains("matmul + epilogue: add, maximum"), "{dot}");
        assert_eq!(dot.matches("subgraph cluster_kernel_").count(), 1, "{dot}");
        // The GEMM's node sits in the cluster: its line comes before the cluster closes.
        let cluster = dot
            .split("subgraph cluster_kernel_")
            .nth(1)
            .unwrap_or_default();
        let body = cluster.split("\n  }").next().unwrap_or_default();
        assert!(body.contains("intrinsic: native GEMM"), "{dot}");
    }

    #[test]
    fn labels_are_escaped() {
        let x = array([1.0f64, 2.0]);
        let dot = (&x * 2.0).to_dot_with_sites(&|_| Some("a \"quoted\" \\ site".into()));
        assert!(dot.contains("a \\\"quoted\\\" \\\\ site"), "{dot}");
    }
}
