//! Rust operators on arrays: `+ - * / %`, unary `-` and `!`, `& | ^ << >>`, for every mix of
//! `Array`, `&Array` and Rust scalars on either side.
//!
//! `/` is NumPy's true division, `%` NumPy's remainder (sign of the divisor), `!` is `~`
//! (invert: bitwise not on integers, logical not on bool). `**` and `//` have no Rust operator:
//! use `pow` and `floor_div`.

use crate::build;
use crate::operand::IntoOperand;
use crate::Array;
use numcrane_graph::error::SourceLocation;
use numcrane_graph::{BinaryOp, UnaryOp};
use std::ops;

macro_rules! binary_operator {
    ($trait:ident, $method:ident, $op:expr) => {
        impl<R: IntoOperand> ops::$trait<R> for Array {
            type Output = Array;
            #[track_caller]
            fn $method(self, rhs: R) -> Array {
                build::binary($op, self.into_operand(), rhs.into_operand(), SourceLocation::caller())
            }
        }
        impl<R: IntoOperand> ops::$trait<R> for &Array {
            type Output = Array;
            #[track_caller]
            fn $method(self, rhs: R) -> Array {
                build::binary($op, self.into_operand(), rhs.into_operand(), SourceLocation::caller())
            }
        }
        binary_operator!(@scalars $trait, $method, $op; bool, i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, f32, f64, numcrane_graph::Complex32, numcrane_graph::Complex64);
    };
    (@scalars $trait:ident, $method:ident, $op:expr; $($t:ty),*) => { $(
        impl ops::$trait<Array> for $t {
            type Output = Array;
            #[track_caller]
            fn $method(self, rhs: Array) -> Array {
                build::binary($op, self.into_operand(), rhs.into_operand(), SourceLocation::caller())
            }
        }
        impl ops::$trait<&Array> for $t {
            type Output = Array;
            #[track_caller]
            fn $method(self, rhs: &Array) -> Array {
                build::binary($op, self.into_operand(), rhs.into_operand(), SourceLocation::caller())
            }
        }
    )* };
}

binary_operator!(Add, add, BinaryOp::Add);
binary_operator!(Sub, sub, BinaryOp::Sub);
binary_operator!(Mul, mul, BinaryOp::Mul);
binary_operator!(Div, div, BinaryOp::Div);
binary_operator!(Rem, rem, BinaryOp::Rem);
binary_operator!(BitAnd, bitand, BinaryOp::BitAnd);
binary_operator!(BitOr, bitor, BinaryOp::BitOr);
binary_operator!(BitXor, bitxor, BinaryOp::BitXor);
binary_operator!(Shl, shl, BinaryOp::LeftShift);
binary_operator!(Shr, shr, BinaryOp::RightShift);

impl ops::Neg for Array {
    type Output = Array;
    #[track_caller]
    fn neg(self) -> Array {
        build::unary(UnaryOp::Neg, &self, SourceLocation::caller())
    }
}

impl ops::Neg for &Array {
    type Output = Array;
    #[track_caller]
    fn neg(self) -> Array {
        build::unary(UnaryOp::Neg, self, SourceLocation::caller())
    }
}

impl ops::Not for Array {
    type Output = Array;
    #[track_caller]
    fn not(self) -> Array {
        build::unary(UnaryOp::Invert, &self, SourceLocation::caller())
    }
}

impl ops::Not for &Array {
    type Output = Array;
    #[track_caller]
    fn not(self) -> Array {
        build::unary(UnaryOp::Invert, self, SourceLocation::caller())
    }
}
