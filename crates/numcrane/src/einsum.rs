//! `einsum`: Einstein summation with NumPy's semantics, lowered to the library's own ops.
//!
//! The subscripts are parsed NumPy's way: letters (`a`-`z`, `A`-`Z`) name axes, `...` stands
//! for the broadcast leading (or middle) axes of an operand, `->` gives the output explicitly;
//! without it the output is `...` followed by the letters that appear exactly once, in ASCII
//! order. Spaces are ignored.
//!
//! Lowering, per operand first: a letter repeated in one operand takes the diagonal
//! (`diagonal_axes`), a letter that appears in no other operand and not in the output is
//! summed away (`sum`, cast back to the operand's dtype as NumPy's einsum keeps it). Then
//! the operands are combined pairwise, left to right (NumPy's order without `optimize`): the
//! letters in both operands and still needed become the batch dimensions of one `matmul`,
//! the letters in both and no longer needed its contracted `k`, the others its `m` and `n`
//! (reached through `permute` and `reshape`), so float32/float64 contractions run on the
//! native GEMM; with nothing to contract the pair is a broadcast multiply. A final `permute`
//! puts the axes in the output's order. Sizes of one letter broadcast across operands as in
//! NumPy (equal, or 1). The result dtype is the promoted dtype of the operands (bool stays
//! bool: sums are `any`, products `and`, as NumPy's bool einsum).

use crate::build;
use crate::operand::Operand;
use crate::Array;
use numcrane_graph::error::SourceLocation;
use numcrane_graph::{BinaryOp, DType, Error, Op};

/// Labels at or above this stand for the axes covered by `...`, right-aligned across
/// operands (`ELLIPSIS + j` is the `j`-th of the broadcast ellipsis axes).
const ELLIPSIS: u32 = 256;

/// Einstein summation over `operands` as NumPy's `np.einsum(subscripts, *operands)`.
///
/// ```
/// use numcrane::{array, einsum};
/// let a = array([[1.0, 2.0], [3.0, 4.0]]);
/// let b = array([[5.0, 6.0], [7.0, 8.0]]);
/// let c = einsum("ij,jk->ik", &[&a, &b]);
/// assert_eq!(c.to_vec::<f64>().unwrap(), vec![19.0, 22.0, 43.0, 50.0]);
/// assert_eq!(einsum("ii", &[&a]).item::<f64>().unwrap(), 5.0);
/// ```
#[track_caller]
pub fn einsum(subscripts: &str, operands: &[&Array]) -> Array {
    let loc = SourceLocation::caller();
    let dtype = operands
        .iter()
        .map(|a| a.dtype())
        .reduce(|x, y| x.promote(y))
        .unwrap_or(DType::F64);
    let plan = match parse(subscripts, operands) {
        Ok(plan) => plan,
        Err(message) => {
            let shapes: Vec<Vec<usize>> = operands.iter().map(|a| a.shape().to_vec()).collect();
            return build::poison(
                Error::invalid(
                    "einsum",
                    format!("{message} (subscripts {subscripts:?}, operand shapes {shapes:?})"),
                    loc,
                ),
                Op::MatMul,
                operands,
                dtype,
                vec![],
                loc,
            );
        }
    };
    let result = lower(&plan, operands, loc);
    build::cast(&result, dtype, loc)
}

/// The parsed subscripts: one label list per operand (ellipsis expanded) and the output's.
struct Plan {
    inputs: Vec<Vec<u32>>,
    output: Vec<u32>,
}

/// One term of the subscripts: its letters before and after `...`, if there is one.
struct Term {
    letters: Vec<u32>,
    ellipsis_at: Option<usize>,
}

fn describe(label: u32) -> String {
    char::from_u32(label)
        .filter(|_| label < ELLIPSIS)
        .map_or_else(|| "...".to_string(), |c| format!("'{c}'"))
}

fn parse_term(term: &str, which: &str) -> Result<Term, String> {
    let bytes: Vec<char> = term.chars().filter(|c| !c.is_whitespace()).collect();
    let mut letters = Vec::new();
    let mut ellipsis_at = None;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_alphabetic() {
            letters.push(c as u32);
            i += 1;
        } else if c == '.' {
            if bytes.get(i + 1) != Some(&'.') || bytes.get(i + 2) != Some(&'.') {
                return Err(format!(
                    "subscripts contain a '.' that is not part of an ellipsis ('...') in {which}"
                ));
            }
            if ellipsis_at.is_some() {
                return Err(format!(
                    "subscripts contain more than one ellipsis in {which}"
                ));
            }
            ellipsis_at = Some(letters.len());
            i += 3;
        } else {
            return Err(format!(
                "invalid subscript '{c}' in {which}: subscripts must be letters"
            ));
        }
    }
    Ok(Term {
        letters,
        ellipsis_at,
    })
}

fn parse(subscripts: &str, operands: &[&Array]) -> Result<Plan, String> {
    if operands.is_empty() {
        return Err("at least one operand is needed".to_string());
    }
    let (lhs, rhs) = match subscripts.split_once("->") {
        Some((l, r)) => (l, Some(r)),
        None => (subscripts, None),
    };
    if lhs.contains('>') || lhs.contains('-') {
        return Err("subscripts contain a '-' or '>' that is not part of one '->'".to_string());
    }
    let terms: Vec<&str> = lhs.split(',').collect();
    if terms.len() != operands.len() {
        return Err(format!(
            "the subscripts name {} operand(s) but {} were given",
            terms.len(),
            operands.len()
        ));
    }
    // Expand each term to one label per axis.
    let mut parsed = Vec::with_capacity(terms.len());
    let mut ellipsis_dims = 0usize;
    for (n, (term, x)) in terms.iter().zip(operands).enumerate() {
        let t = parse_term(term, &format!("operand {n}"))?;
        let nd = x.ndim();
        if t.letters.len() > nd || t.ellipsis_at.is_none() && t.letters.len() != nd {
            return Err(format!(
                "operand {n} has {nd} dimension(s) but its subscripts {term:?} name {}{}",
                t.letters.len(),
                if t.ellipsis_at.is_some() {
                    " and '...'"
                } else {
                    ""
                }
            ));
        }
        if t.ellipsis_at.is_some() {
            ellipsis_dims = ellipsis_dims.max(nd - t.letters.len());
        }
        parsed.push(t);
    }
    let ellipsis: Vec<u32> = (0..ellipsis_dims as u32).map(|j| ELLIPSIS + j).collect();
    let inputs: Vec<Vec<u32>> = parsed
        .iter()
        .zip(operands)
        .map(|(t, x)| match t.ellipsis_at {
            None => t.letters.clone(),
            Some(at) => {
                let e = x.ndim() - t.letters.len();
                let mut labels = t.letters[..at].to_vec();
                labels.extend_from_slice(&ellipsis[ellipsis_dims - e..]);
                labels.extend_from_slice(&t.letters[at..]);
                labels
            }
        })
        .collect();
    let output = match rhs {
        None => {
            let mut once: Vec<u32> = Vec::new();
            let mut counts = [0usize; 128];
            for t in &parsed {
                for &l in &t.letters {
                    counts[l as usize] += 1;
                }
            }
            once.extend(ellipsis.iter().copied());
            once.extend((0..128u32).filter(|&l| counts[l as usize] == 1));
            once
        }
        Some(r) => {
            let t = parse_term(r, "the output")?;
            let mut out = t.letters.clone();
            match t.ellipsis_at {
                Some(at) => {
                    out.splice(at..at, ellipsis.iter().copied());
                }
                None if ellipsis_dims > 0 => {
                    return Err(
                        "the operands have more dimensions than subscripts, but the \
                                output has no '...' to broadcast them to"
                            .to_string(),
                    );
                }
                None => {}
            }
            for (i, &l) in out.iter().enumerate() {
                if out[..i].contains(&l) {
                    return Err(format!(
                        "output subscript {} appears more than once",
                        describe(l)
                    ));
                }
                if !inputs.iter().any(|ls| ls.contains(&l)) {
                    return Err(format!(
                        "output subscript {} does not appear in any input",
                        describe(l)
                    ));
                }
            }
            out
        }
    };
    // Sizes: a label repeated in one operand must match exactly; across operands they
    // broadcast (equal, or 1).
    let mut sizes: Vec<(u32, usize)> = Vec::new();
    for (n, (labels, x)) in inputs.iter().zip(operands).enumerate() {
        for (i, &l) in labels.iter().enumerate() {
            let size = x.shape()[i];
            if let Some(j) = labels[..i].iter().position(|&m| m == l) {
                if x.shape()[j] != size {
                    return Err(format!(
                        "dimensions in operand {n} for collapsing index {} don't match \
                         ({} != {size})",
                        describe(l),
                        x.shape()[j]
                    ));
                }
                continue;
            }
            match sizes.iter_mut().find(|(m, _)| *m == l) {
                None => sizes.push((l, size)),
                Some((_, s)) if *s == size || size == 1 => {}
                Some((_, s)) if *s == 1 => *s = size,
                Some((_, s)) => {
                    return Err(format!(
                        "operands could not be broadcast together: index {} has size {s} \
                         and size {size} (operand {n})",
                        describe(l)
                    ));
                }
            }
        }
    }
    Ok(Plan { inputs, output })
}

/// An array with one label per axis.
struct Labeled {
    x: Array,
    labels: Vec<u32>,
}

#[track_caller]
fn lower(plan: &Plan, operands: &[&Array], loc: SourceLocation) -> Array {
    let n = operands.len();
    let mut prepared = Vec::with_capacity(n);
    for (i, (&x, labels)) in operands.iter().zip(&plan.inputs).enumerate() {
        let t = collapse(x.clone(), labels.clone());
        // Keep the labels some other operand or the output still needs.
        let keep: Vec<u32> = t
            .labels
            .iter()
            .copied()
            .filter(|l| {
                plan.output.contains(l)
                    || plan
                        .inputs
                        .iter()
                        .enumerate()
                        .any(|(j, ls)| j != i && ls.contains(l))
            })
            .collect();
        prepared.push(sum_except(t, &keep, loc));
    }
    let mut rest = prepared.into_iter();
    let Some(mut acc) = rest.next() else {
        // parse rejects an empty operand list; keep this path panic-free all the same.
        let e = Error::invalid("einsum", "at least one operand is needed", loc);
        return build::poison(e, Op::MatMul, &[], DType::F64, vec![], loc);
    };
    for (i, b) in rest.enumerate() {
        let later = &plan.inputs[i + 2..];
        let keep: Vec<u32> = acc
            .labels
            .iter()
            .chain(&b.labels)
            .copied()
            .filter(|l| plan.output.contains(l) || later.iter().any(|ls| ls.contains(l)))
            .collect();
        acc = contract(acc, b, &keep, loc);
    }
    let acc = sum_except(acc, &plan.output, loc);
    let perm: Vec<usize> = plan
        .output
        .iter()
        .filter_map(|l| acc.labels.iter().position(|m| m == l))
        .collect();
    acc.x.permute_at(perm, loc)
}

/// Takes the diagonal of every label repeated within the array (the diagonal axis goes
/// last, where `diagonal_axes` puts it).
#[track_caller]
fn collapse(mut x: Array, mut labels: Vec<u32>) -> Labeled {
    loop {
        let repeat = labels.iter().enumerate().find_map(|(i, l)| {
            labels[i + 1..]
                .iter()
                .position(|m| m == l)
                .map(|j| (i, i + 1 + j))
        });
        let Some((a1, a2)) = repeat else {
            return Labeled { x, labels };
        };
        x = x.diagonal_axes(0, a1 as isize, a2 as isize);
        let l = labels[a1];
        labels.remove(a2);
        labels.remove(a1);
        labels.push(l);
    }
}

/// Sums the axes whose labels are not in `keep`, keeping the array's dtype as NumPy's einsum
/// does (`sum` accumulates small ints in int64; casting back wraps as the narrow sum would,
/// and turns a bool count into `any`).
#[track_caller]
fn sum_except(t: Labeled, keep: &[u32], loc: SourceLocation) -> Labeled {
    let axes: Vec<usize> = (0..t.labels.len())
        .filter(|&i| !keep.contains(&t.labels[i]))
        .collect();
    if axes.is_empty() {
        return t;
    }
    let dtype = t.x.dtype();
    let x = build::cast(&t.x.sum(axes.clone()), dtype, loc);
    let labels = (0..t.labels.len())
        .filter(|i| !axes.contains(i))
        .map(|i| t.labels[i])
        .collect();
    Labeled { x, labels }
}

/// The size of label `l` in `t` (1 when `t` lacks it).
fn size_of(t: &Labeled, l: u32) -> usize {
    t.labels
        .iter()
        .position(|&m| m == l)
        .map_or(1, |i| t.x.shape()[i])
}

/// Combines two operands (no repeated labels within either) into one with the labels in
/// `keep`: batch (in both, kept), contracted (in both, not kept), m (only in `a`), n (only
/// in `b`). One `matmul` when something is contracted, else a broadcast multiply.
#[track_caller]
fn contract(a: Labeled, b: Labeled, keep: &[u32], loc: SourceLocation) -> Labeled {
    // Labels only in one operand and not kept: sum them first.
    let a = sum_except(a, &[keep, &b.labels[..]].concat(), loc);
    let b = sum_except(b, &[keep, &a.labels[..]].concat(), loc);
    let batch: Vec<u32> = a
        .labels
        .iter()
        .copied()
        .filter(|l| b.labels.contains(l) && keep.contains(l))
        .collect();
    let summed: Vec<u32> = a
        .labels
        .iter()
        .copied()
        .filter(|l| b.labels.contains(l) && !keep.contains(l))
        .collect();
    let only_a: Vec<u32> = a
        .labels
        .iter()
        .copied()
        .filter(|l| !b.labels.contains(l))
        .collect();
    let only_b: Vec<u32> = b
        .labels
        .iter()
        .copied()
        .filter(|l| !a.labels.contains(l))
        .collect();
    let order = |t: &Labeled, groups: &[&[u32]]| -> Vec<usize> {
        groups
            .iter()
            .flat_map(|g| g.iter())
            .filter_map(|l| t.labels.iter().position(|m| m == l))
            .collect()
    };
    let sizes =
        |t: &Labeled, ls: &[u32]| -> Vec<usize> { ls.iter().map(|&l| size_of(t, l)).collect() };
    let batch_out: Vec<usize> = batch
        .iter()
        .map(|&l| size_of(&a, l).max(size_of(&b, l)))
        .collect();
    let (ma, nb) = (sizes(&a, &only_a), sizes(&b, &only_b));
    let mut labels = batch.clone();
    labels.extend(&only_a);
    labels.extend(&only_b);
    let shape: Vec<usize> = batch_out.iter().chain(&ma).chain(&nb).copied().collect();
    let ap = a.x.permute_at(order(&a, &[&batch, &only_a, &summed]), loc);
    let bp = b.x.permute_at(order(&b, &[&batch, &summed, &only_b]), loc);
    if summed.is_empty() {
        // Nothing to contract: a broadcast product, a as [batch, m, 1..], b as [batch, 1.., n].
        let a_shape: Vec<usize> = sizes(&a, &batch)
            .into_iter()
            .chain(ma.iter().copied())
            .chain(nb.iter().map(|_| 1))
            .collect();
        let b_shape: Vec<usize> = sizes(&b, &batch)
            .into_iter()
            .chain(ma.iter().map(|_| 1))
            .chain(nb.iter().copied())
            .collect();
        let product = build::binary(
            BinaryOp::Mul,
            Operand::Array(ap.reshape_at(a_shape, loc)),
            Operand::Array(bp.reshape_at(b_shape, loc)),
            loc,
        );
        return Labeled { x: product, labels };
    }
    // Contracted sizes may differ by broadcasting (1 against k): repeat the 1s.
    let ka: Vec<usize> = sizes(&a, &summed);
    let kb: Vec<usize> = sizes(&b, &summed);
    let kk: Vec<usize> = ka.iter().zip(&kb).map(|(&x, &y)| x.max(y)).collect();
    let k: usize = kk.iter().product();
    let (m, n) = (ma.iter().product::<usize>(), nb.iter().product::<usize>());
    let a_batch = sizes(&a, &batch);
    let b_batch = sizes(&b, &batch);
    let ap = if ka != kk {
        let full: Vec<usize> = a_batch.iter().chain(&ma).chain(&kk).copied().collect();
        ap.broadcast_to_at(&full, loc)
    } else {
        ap
    };
    let bp = if kb != kk {
        let full: Vec<usize> = b_batch.iter().chain(&kk).chain(&nb).copied().collect();
        bp.broadcast_to_at(&full, loc)
    } else {
        bp
    };
    let a3: Vec<usize> = a_batch.iter().copied().chain([m, k]).collect();
    let b3: Vec<usize> = b_batch.iter().copied().chain([k, n]).collect();
    let product = crate::linalg::matmul(&ap.reshape_at(a3, loc), &bp.reshape_at(b3, loc));
    Labeled {
        x: product.reshape_at(shape, loc),
        labels,
    }
}
