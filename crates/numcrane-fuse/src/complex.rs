//! Complex values inside fused kernels: lowered to pairs of real values (interleaved re/im).
//!
//! The kernel IR stays real-valued. A complex node of a group becomes two SSA values of its
//! parts' dtype (float32 for complex64, float64 for complex128): a complex input is read as
//! two real inputs over the same buffer (its layout with every stride doubled, counted in
//! parts, at offset `2 * offset` for the real part and one part further for the imaginary
//! one, see [`crate::kernel::component_len`]), and a complex result is stored through
//! [`InstrKind::Complex`], which writes the pair interleaved. The code generator and the
//! interpreter need nothing else.
//!
//! Each op is expanded with exactly the reference evaluator's formulas
//! (`numcrane_graph::eval::complex`), so kernels match it bit for bit: everything is computed
//! in the parts' dtype (complex64 in float32, as NumPy and the evaluator do). Smith's
//! division becomes selects between its branches (every branch is computed, each only from
//! floating-point operations, which never trap). `multiply` is NumPy's x86-64 loop (and so the
//! evaluator's): one product of each part fused into the other part's sum,
//! `re = fma(ar, br, -(ai bi))`, `im = fma(ar, bi, ai br)`, through [`InstrKind::MulAdd`]
//! (rounded once; a product and a sum would differ in the last bit, or overflow where the
//! fma does not). `absolute` is NumPy's `cabsolute` with its special cases as selects. Ops
//! without a lowering here keep their nodes on the reference evaluator (see [`lowerable`]):
//! exp, log, sqrt, power, sign, the orderings, reductions, ...

use crate::kernel::{InstrKind, ValueId};
use crate::lower::{Builder, LowerError};
use numcrane_graph::{BinaryOp, DType, Node, NodeRef, Op, Scalar, UnaryOp, ViewOp};

/// Whether a node whose value or an input is complex is computed inside kernels (see the
/// module documentation): views, constants, casts (to and from complex, except to unsigned
/// integers, whose wrap of negative real parts is the evaluator's own), `negative`, `conj`,
/// `square`, `real`, `imag`, `absolute`, `+ - * /`, `==`, `!=` and `where`.
pub fn lowerable(node: &Node) -> bool {
    let inputs = node.inputs();
    let dtype = node.dtype();
    let arg = |i: usize| inputs.get(i).map(|n| n.dtype());
    match node.op() {
        Op::View(_) => true,
        Op::Full(s) => s.dtype() == dtype,
        Op::Cast => arg(0).is_some_and(|from| {
            !(from.is_complex() && dtype.is_unsigned_int())
                && (from.is_complex() || dtype.is_complex())
        }),
        Op::Unary(UnaryOp::Neg | UnaryOp::Conj | UnaryOp::Square) => {
            dtype.is_complex() && arg(0) == Some(dtype)
        }
        Op::Unary(UnaryOp::Real | UnaryOp::Imag | UnaryOp::Abs) => {
            arg(0).is_some_and(|a| a.is_complex() && a.real_dtype() == dtype)
        }
        Op::Binary(BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div) => {
            dtype.is_complex() && arg(0) == Some(dtype) && arg(1) == Some(dtype)
        }
        Op::Binary(BinaryOp::Eq | BinaryOp::Ne) => {
            dtype == DType::Bool && arg(0).is_some_and(DType::is_complex) && arg(0) == arg(1)
        }
        Op::Where => {
            dtype.is_complex()
                && arg(0) == Some(DType::Bool)
                && arg(1) == Some(dtype)
                && arg(2) == Some(dtype)
        }
        _ => false,
    }
}

/// A complex value in a kernel: its real and imaginary parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Pair {
    pub re: ValueId,
    pub im: ValueId,
}

// Lowering of complex nodes: `part` is always the parts' dtype of the node's complex dtype,
// in which every operation is computed (as the evaluator does).
impl Builder<'_> {
    fn bin(&mut self, op: BinaryOp, lhs: ValueId, rhs: ValueId, dtype: DType) -> ValueId {
        self.push(InstrKind::Binary { op, lhs, rhs }, dtype)
    }

    /// `where(cond, then, otherwise)` of two real values of `dtype`.
    fn select(
        &mut self,
        cond: ValueId,
        then: ValueId,
        otherwise: ValueId,
        dtype: DType,
    ) -> ValueId {
        self.push(
            InstrKind::Where {
                cond,
                then,
                otherwise,
            },
            dtype,
        )
    }

    fn un(&mut self, op: UnaryOp, value: ValueId, dtype: DType) -> ValueId {
        self.push(InstrKind::Unary { op, value }, dtype)
    }

    fn cast_to(&mut self, value: ValueId, dtype: DType) -> ValueId {
        if self.instrs[value].dtype == dtype {
            value
        } else {
            self.push(InstrKind::Cast { value }, dtype)
        }
    }

    fn constant(&mut self, v: f64, dtype: DType) -> ValueId {
        self.push(InstrKind::Const(Scalar::F64(v).cast(dtype)), dtype)
    }

    /// `pair` with both parts cast to `dtype`.
    fn pair_as(&mut self, pair: Pair, dtype: DType) -> Pair {
        Pair {
            re: self.cast_to(pair.re, dtype),
            im: self.cast_to(pair.im, dtype),
        }
    }

    /// The parts of the complex `node` seen through `views`.
    pub(crate) fn complex_value(
        &mut self,
        node: &NodeRef,
        views: &[ViewOp],
    ) -> Result<Pair, LowerError> {
        let node = &self.group.resolve(node);
        let key = (node.id(), views.to_vec());
        if let Some(&p) = self.complex_memo.get(&key) {
            return Ok(p);
        }
        let part = node.dtype().real_dtype();
        if !node.dtype().is_complex() {
            return Err(LowerError::Complex);
        }
        let inputs = node.inputs();
        let input = |i: usize| {
            inputs
                .get(i)
                .cloned()
                .ok_or(LowerError::MissingInput(node.id()))
        };
        let pair = if !self.group.members.contains(&node.id()) || node.realized().is_some() {
            self.complex_load(node, views)?
        } else {
            match node.op() {
                Op::Full(s) => {
                    let z = s.cast(node.dtype()).as_c128();
                    Pair {
                        re: self.constant(z.re, part),
                        im: self.constant(z.im, part),
                    }
                }
                Op::View(v) => {
                    let mut deeper = views.to_vec();
                    deeper.push(v.clone());
                    self.complex_value(&input(0)?, &deeper)?
                }
                Op::Cast => {
                    let from = input(0)?;
                    if from.dtype().is_complex() {
                        // complex64 <-> complex128: each part cast (`as`), as the evaluator.
                        let p = self.complex_value(&from, views)?;
                        self.pair_as(p, part)
                    } else {
                        // Real to complex: the value cast to the parts' dtype, imaginary 0.
                        let x = self.value(&from, views)?;
                        Pair {
                            re: self.cast_to(x, part),
                            im: self.constant(0.0, part),
                        }
                    }
                }
                Op::Unary(op) => {
                    let z = self.complex_value(&input(0)?, views)?;
                    match op {
                        UnaryOp::Neg => Pair {
                            re: self.un(UnaryOp::Neg, z.re, part),
                            im: self.un(UnaryOp::Neg, z.im, part),
                        },
                        UnaryOp::Conj => Pair {
                            re: z.re,
                            im: self.un(UnaryOp::Neg, z.im, part),
                        },
                        // (re*re - im*im, re*im + im*re), in float64.
                        UnaryOp::Square => self.mul(z, z, part),
                        _ => return Err(LowerError::Complex),
                    }
                }
                Op::Binary(op) => {
                    let a = self.complex_value(&input(0)?, views)?;
                    let b = self.complex_value(&input(1)?, views)?;
                    match op {
                        BinaryOp::Add | BinaryOp::Sub => Pair {
                            re: self.bin(*op, a.re, b.re, part),
                            im: self.bin(*op, a.im, b.im, part),
                        },
                        BinaryOp::Mul => self.mul_fused(a, b, part),
                        BinaryOp::Div => self.div(a, b, part),
                        _ => return Err(LowerError::Complex),
                    }
                }
                Op::Where => {
                    let cond = self.value(&input(0)?, views)?;
                    let then = self.complex_value(&input(1)?, views)?;
                    let otherwise = self.complex_value(&input(2)?, views)?;
                    Pair {
                        re: self.select(cond, then.re, otherwise.re, part),
                        im: self.select(cond, then.im, otherwise.im, part),
                    }
                }
                _ => return Err(LowerError::Complex),
            }
        };
        self.complex_memo.insert(key, pair);
        Ok(pair)
    }

    /// A real node computed from complex inputs (`real`, `imag`, `absolute`, casts to real
    /// dtypes, `==`, `!=`), or None when `node` has no complex input.
    pub(crate) fn real_of_complex(
        &mut self,
        node: &NodeRef,
        views: &[ViewOp],
    ) -> Result<Option<ValueId>, LowerError> {
        let inputs = node.inputs();
        let Some(first) = inputs.first().filter(|i| i.dtype().is_complex()) else {
            return Ok(None);
        };
        let z = self.complex_value(first, views)?;
        let part = first.dtype().real_dtype();
        let dtype = node.dtype();
        let v = match node.op() {
            Op::Unary(UnaryOp::Real) => z.re,
            Op::Unary(UnaryOp::Imag) => z.im,
            Op::Unary(UnaryOp::Abs) => self.abs(z, part),
            // NumPy's nonzero test: true unless both parts are zero (NaN parts are nonzero).
            Op::Cast if dtype == DType::Bool => {
                let zero = self.constant(0.0, part);
                let re = self.bin(BinaryOp::Ne, z.re, zero, DType::Bool);
                let im = self.bin(BinaryOp::Ne, z.im, zero, DType::Bool);
                self.bin(BinaryOp::LogicalOr, re, im, DType::Bool)
            }
            // Complex to real drops the imaginary part (`re as T`, as the evaluator).
            Op::Cast if !dtype.is_unsigned_int() => self.cast_to(z.re, dtype),
            Op::Binary(op @ (BinaryOp::Eq | BinaryOp::Ne)) => {
                let other = inputs.get(1).ok_or(LowerError::MissingInput(node.id()))?;
                let w = self.complex_value(other, views)?;
                let re = self.bin(*op, z.re, w.re, DType::Bool);
                let im = self.bin(*op, z.im, w.im, DType::Bool);
                let join = match op {
                    BinaryOp::Eq => BinaryOp::LogicalAnd,
                    _ => BinaryOp::LogicalOr,
                };
                self.bin(join, re, im, DType::Bool)
            }
            _ => return Err(LowerError::Complex),
        };
        Ok(Some(v))
    }

    /// The evaluator's plain product `(ar*br - ai*bi, ar*bi + ai*br)` in the part dtype (its
    /// `square`; `multiply` is [`mul_fused`](Self::mul_fused)).
    fn mul(&mut self, a: Pair, b: Pair, part: DType) -> Pair {
        let f = part;
        let rr = self.bin(BinaryOp::Mul, a.re, b.re, f);
        let ii = self.bin(BinaryOp::Mul, a.im, b.im, f);
        let ri = self.bin(BinaryOp::Mul, a.re, b.im, f);
        let ir = self.bin(BinaryOp::Mul, a.im, b.re, f);
        let re = self.bin(BinaryOp::Sub, rr, ii, f);
        let im = self.bin(BinaryOp::Add, ri, ir, f);
        Pair { re, im }
    }

    /// The evaluator's `multiply` (`mul_fused`, NumPy's loop): `re = fma(ar, br, -(ai*bi))`,
    /// `im = fma(ar, bi, ai*br)`, each fma rounded once in the part dtype.
    fn mul_fused(&mut self, a: Pair, b: Pair, part: DType) -> Pair {
        let f = part;
        let ii = self.bin(BinaryOp::Mul, a.im, b.im, f);
        let minus_ii = self.un(UnaryOp::Neg, ii, f);
        let re = self.push(
            InstrKind::MulAdd {
                a: a.re,
                b: b.re,
                c: minus_ii,
            },
            f,
        );
        let ir = self.bin(BinaryOp::Mul, a.im, b.re, f);
        let im = self.push(
            InstrKind::MulAdd {
                a: a.re,
                b: b.im,
                c: ir,
            },
            f,
        );
        Pair { re, im }
    }

    /// The evaluator's `cabs` (NumPy's `cabsolute`) of `z` in the part dtype, its branches
    /// joined by selects: inf if a part is infinite, else NaN if a part is NaN, else 0 if both
    /// are zero, else `sqrt(fma(r, r, 1)) * larger` with `r = smaller / larger` of the parts'
    /// magnitudes.
    fn abs(&mut self, z: Pair, part: DType) -> ValueId {
        use BinaryOp::{Div, Eq, Ge, LogicalOr, Mul};
        let f = part;
        let re = self.un(UnaryOp::Abs, z.re, f);
        let im = self.un(UnaryOp::Abs, z.im, f);
        let zero = self.constant(0.0, f);
        let one = self.constant(1.0, f);
        let inf = self.constant(f64::INFINITY, f);
        let nan = self.constant(f64::NAN, f);
        let re_inf = self.bin(Eq, re, inf, DType::Bool);
        let im_inf = self.bin(Eq, im, inf, DType::Bool);
        let any_inf = self.bin(LogicalOr, re_inf, im_inf, DType::Bool);
        let re_nan = self.un(UnaryOp::IsNan, re, DType::Bool);
        let im_nan = self.un(UnaryOp::IsNan, im, DType::Bool);
        let any_nan = self.bin(LogicalOr, re_nan, im_nan, DType::Bool);
        let re_first = self.bin(Ge, re, im, DType::Bool);
        let larger = self.select(re_first, re, im, f);
        let smaller = self.select(re_first, im, re, f);
        let ratio = self.bin(Div, smaller, larger, f);
        let t = self.push(
            InstrKind::MulAdd {
                a: ratio,
                b: ratio,
                c: one,
            },
            f,
        );
        let root = self.un(UnaryOp::Sqrt, t, f);
        let finite = self.bin(Mul, root, larger, f);
        let both_zero = self.bin(Eq, larger, zero, DType::Bool);
        let v = self.select(both_zero, zero, finite, f);
        let v = self.select(any_nan, nan, v, f);
        self.select(any_inf, inf, v, f)
    }

    /// The evaluator's `div` (NumPy's Smith division), its three branches joined by selects:
    /// `|br| >= |bi|` and both zero: `(ar / |br|, ai / |br|)`; `|br| >= |bi|` otherwise:
    /// `rat = bi / br, scl = 1 / (br + bi*rat)`, `((ar + ai*rat)*scl, (ai - ar*rat)*scl)`;
    /// else `rat = br / bi, scl = 1 / (bi + br*rat)`, `((ar*rat + ai)*scl, (ai*rat - ar)*scl)`.
    fn div(&mut self, a: Pair, b: Pair, part: DType) -> Pair {
        use BinaryOp::{Add, Div, Eq, Ge, LogicalAnd, Mul, Sub};
        let f = part;
        let (ar, ai, br, bi) = (a.re, a.im, b.re, b.im);
        let abs_br = self.un(UnaryOp::Abs, br, f);
        let abs_bi = self.un(UnaryOp::Abs, bi, f);
        let zero = self.constant(0.0, f);
        let one = self.constant(1.0, f);
        let first = self.bin(Ge, abs_br, abs_bi, DType::Bool);
        let br_zero = self.bin(Eq, abs_br, zero, DType::Bool);
        let bi_zero = self.bin(Eq, abs_bi, zero, DType::Bool);
        let by_zero = self.bin(LogicalAnd, br_zero, bi_zero, DType::Bool);
        // Division by zero.
        let zre = self.bin(Div, ar, abs_br, f);
        let zim = self.bin(Div, ai, abs_br, f);
        // |br| >= |bi|.
        let rat = self.bin(Div, bi, br, f);
        let t = self.bin(Mul, bi, rat, f);
        let t = self.bin(Add, br, t, f);
        let scl = self.bin(Div, one, t, f);
        let t = self.bin(Mul, ai, rat, f);
        let t = self.bin(Add, ar, t, f);
        let fre = self.bin(Mul, t, scl, f);
        let t = self.bin(Mul, ar, rat, f);
        let t = self.bin(Sub, ai, t, f);
        let fim = self.bin(Mul, t, scl, f);
        // |br| < |bi| (or a NaN).
        let rat = self.bin(Div, br, bi, f);
        let t = self.bin(Mul, br, rat, f);
        let t = self.bin(Add, bi, t, f);
        let scl = self.bin(Div, one, t, f);
        let t = self.bin(Mul, ar, rat, f);
        let t = self.bin(Add, t, ai, f);
        let sre = self.bin(Mul, t, scl, f);
        let t = self.bin(Mul, ai, rat, f);
        let t = self.bin(Sub, t, ar, f);
        let sim = self.bin(Mul, t, scl, f);
        let re = self.select(by_zero, zre, fre, f);
        let re = self.select(first, re, sre, f);
        let im = self.select(by_zero, zim, fim, f);
        let im = self.select(first, im, sim, f);
        Pair { re, im }
    }

    /// A complex boundary read through `views`: two real reads of its buffer, the real and
    /// the imaginary parts (layouts counted in parts, see the module documentation).
    fn complex_load(&mut self, node: &NodeRef, views: &[ViewOp]) -> Result<Pair, LowerError> {
        let realized = self.realized(node)?;
        let layout = self.composed(&realized, views)?;
        let part = node.dtype().real_dtype();
        let parts = |extra: usize| -> Option<numcrane_graph::Layout> {
            let strides = layout
                .strides
                .iter()
                .map(|s| s.checked_mul(2))
                .collect::<Option<Vec<isize>>>()?;
            let offset = layout.offset.checked_mul(2)?.checked_add(extra)?;
            Some(numcrane_graph::Layout {
                shape: layout.shape.clone(),
                strides,
                offset,
            })
        };
        let (re, im) = parts(0).zip(parts(1)).ok_or(LowerError::Complex)?;
        Ok(Pair {
            re: self.load_part(node, &realized, re, part),
            im: self.load_part(node, &realized, im, part),
        })
    }
}
