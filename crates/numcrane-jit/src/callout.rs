//! Calls from generated code into the reference evaluator's own scalar functions.
//!
//! Ops that have no exact Cranelift lowering (every transcendental function, float `fmod`,
//! NumPy's float `floor_divide`/`remainder`, `power`) are compiled as a call per element to an
//! `extern "C"` wrapper around `numcrane_graph::eval::scalar::Num`'s function for that op and
//! dtype. Calling the oracle's function makes the result bit-for-bit the oracle's (same code,
//! same libm), at the price of a call per element: a polynomial inline version can replace a
//! wrapper later, tested against the same oracle.
//!
//! Cranelift's `fma` instruction, on a CPU without FMA, calls [`fma_f64`] / [`fma_f32`] here
//! (linked by `codegen::build`): Rust's exact `mul_add`, whatever C library the process has.
//!
//! The wrappers are `extern "C"` and cannot panic (a missing function gives NaN or 0 rather than
//! unwinding), so no unwinding ever crosses generated frames.

use numcrane_graph::eval::scalar::Num;
use numcrane_graph::{BinaryOp, DType, UnaryOp};

/// Float unary ops computed by a call (index = const generic of the wrappers).
const UNARY: [UnaryOp; 20] = [
    UnaryOp::Cbrt,
    UnaryOp::Exp,
    UnaryOp::Exp2,
    UnaryOp::Expm1,
    UnaryOp::Log,
    UnaryOp::Log2,
    UnaryOp::Log10,
    UnaryOp::Log1p,
    UnaryOp::Sin,
    UnaryOp::Cos,
    UnaryOp::Tan,
    UnaryOp::Arcsin,
    UnaryOp::Arccos,
    UnaryOp::Arctan,
    UnaryOp::Sinh,
    UnaryOp::Cosh,
    UnaryOp::Tanh,
    UnaryOp::Arcsinh,
    UnaryOp::Arccosh,
    UnaryOp::Arctanh,
];

/// Float binary ops computed by a call.
const BINARY: [BinaryOp; 7] = [
    BinaryOp::FloorDiv,
    BinaryOp::Rem,
    BinaryOp::Fmod,
    BinaryOp::Pow,
    BinaryOp::Arctan2,
    BinaryOp::Hypot,
    BinaryOp::Logaddexp,
];

extern "C" fn unary_f64<const I: usize>(x: f64) -> f64 {
    match <f64 as Num>::unary(UNARY[I]) {
        Some(f) => f(x),
        None => f64::NAN,
    }
}

extern "C" fn unary_f32<const I: usize>(x: f32) -> f32 {
    match <f32 as Num>::unary(UNARY[I]) {
        Some(f) => f(x),
        None => f32::NAN,
    }
}

extern "C" fn binary_f64<const I: usize>(a: f64, b: f64) -> f64 {
    match <f64 as Num>::binary(BINARY[I]) {
        Some(f) => f(a, b),
        None => f64::NAN,
    }
}

extern "C" fn binary_f32<const I: usize>(a: f32, b: f32) -> f32 {
    match <f32 as Num>::binary(BINARY[I]) {
        Some(f) => f(a, b),
        None => f32::NAN,
    }
}

/// The symbol the JIT links Cranelift's float64 `fma` library call to (see `codegen::build`).
pub(crate) const FMA_F64: &str = "numcrane_fma_f64";
/// The symbol the JIT links Cranelift's float32 `fma` library call to.
pub(crate) const FMA_F32: &str = "numcrane_fma_f32";

/// `a * b + c` rounded once: what Cranelift's `fma` calls where the CPU has no FMA
/// instructions. `mul_add` is an exact fused multiply-add on every target (a software one
/// where the hardware has none), as `InstrKind::MulAdd` and the evaluator need.
pub(crate) extern "C" fn fma_f64(a: f64, b: f64, c: f64) -> f64 {
    a.mul_add(b, c)
}

/// [`fma_f64`] for float32.
pub(crate) extern "C" fn fma_f32(a: f32, b: f32, c: f32) -> f32 {
    a.mul_add(b, c)
}

/// Unsigned integer power; 8- and 16-bit operands travel as u32 (zero-extended by the caller,
/// truncated here), so no ABI question about narrow integer arguments arises.
macro_rules! pow_wrapper {
    ($name:ident, $t:ty, $abi:ty) => {
        extern "C" fn $name(a: $abi, b: $abi) -> $abi {
            match <$t as Num>::binary(BinaryOp::Pow) {
                Some(f) => f(a as $t, b as $t) as $abi,
                None => 0,
            }
        }
    };
}
pow_wrapper!(pow_u8, u8, u32);
pow_wrapper!(pow_u16, u16, u32);
pow_wrapper!(pow_u32, u32, u32);
pow_wrapper!(pow_u64, u64, u64);

type F64Un = extern "C" fn(f64) -> f64;
type F32Un = extern "C" fn(f32) -> f32;
type F64Bin = extern "C" fn(f64, f64) -> f64;
type F32Bin = extern "C" fn(f32, f32) -> f32;

macro_rules! table {
    ($f:ident: $t:ty; $($i:literal)*) => {
        [$($f::<$i> as $t),*]
    };
}

fn unary_f64_table() -> [F64Un; 20] {
    table!(unary_f64: F64Un; 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19)
}
fn unary_f32_table() -> [F32Un; 20] {
    table!(unary_f32: F32Un; 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19)
}
fn binary_f64_table() -> [F64Bin; 7] {
    table!(binary_f64: F64Bin; 0 1 2 3 4 5 6)
}
fn binary_f32_table() -> [F32Bin; 7] {
    table!(binary_f32: F32Bin; 0 1 2 3 4 5 6)
}

/// The wrapper computing the float unary `op` in `dtype` (F32 or F64), if `op` is called out.
pub(crate) fn unary(op: UnaryOp, dtype: DType) -> Option<*const u8> {
    let i = UNARY.iter().position(|&u| u == op)?;
    match dtype {
        DType::F64 => Some(unary_f64_table()[i] as *const u8),
        DType::F32 => Some(unary_f32_table()[i] as *const u8),
        _ => None,
    }
}

/// How a binary callout passes its operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Abi {
    /// operands and result in the dtype's own type
    Native,
    /// 8/16-bit integers zero-extended to 32 bits, result truncated back
    Widened32,
}

/// The wrapper computing the binary `op` in `dtype`, if `op` is called out for that dtype.
pub(crate) fn binary(op: BinaryOp, dtype: DType) -> Option<(*const u8, Abi)> {
    if op == BinaryOp::Pow && dtype.is_unsigned_int() {
        return Some(match dtype {
            DType::U8 => (pow_u8 as *const u8, Abi::Widened32),
            DType::U16 => (pow_u16 as *const u8, Abi::Widened32),
            DType::U32 => (pow_u32 as *const u8, Abi::Native),
            _ => (pow_u64 as *const u8, Abi::Native),
        });
    }
    let i = BINARY.iter().position(|&b| b == op)?;
    match dtype {
        DType::F64 => Some((binary_f64_table()[i] as *const u8, Abi::Native)),
        DType::F32 => Some((binary_f32_table()[i] as *const u8, Abi::Native)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrappers_are_the_oracle() {
        let exp = unary_f64_table()[1];
        assert_eq!(exp(1.5).to_bits(), 1.5f64.exp().to_bits());
        let rem = binary_f32_table()[1];
        assert_eq!(rem(-3.5, 2.0), 0.5);
        assert_eq!(pow_u8(3, 5), 243);
        assert_eq!(pow_u8(3, 6), (729u32 % 256));
        assert!(unary(UnaryOp::Sqrt, DType::F64).is_none());
        assert!(binary(BinaryOp::Pow, DType::I32).is_none());
        assert!(binary(BinaryOp::Pow, DType::U16).is_some());
    }
}
