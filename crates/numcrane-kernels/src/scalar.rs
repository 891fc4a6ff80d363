//! The element types GEMM runs on (`f32`, `f64`) and what each brings: tile shape, blocking
//! defaults and its micro-kernels.
//!
//! The trait is sealed: the kernels' register tiles are written per type.

use crate::config::Blocking;
use crate::microkernel::{self, DirectKernel, KernelKind, MicroKernel};
use std::fmt::Debug;
use std::ops::{Add, Div, Mul};

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// A floating-point element type [`crate::gemm`] supports: `f32` or `f64`.
pub trait GemmScalar:
    sealed::Sealed
    + Copy
    + Send
    + Sync
    + PartialEq
    + PartialOrd
    + Debug
    + Default
    + Add<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + 'static
{
    /// Additive identity.
    const ZERO: Self;
    /// Multiplicative identity.
    const ONE: Self;
    /// Rows of the micro-kernel's register tile (the packed A micro-panel height).
    const MR: usize;
    /// Columns of the micro-kernel's register tile (the packed B micro-panel width).
    const NR: usize;

    /// Default cache-blocking parameters for this type.
    fn default_blocking() -> Blocking;

    /// Hyperbolic tangent (the type's own `tanh`), for epilogues.
    fn tanh(self) -> Self;

    /// The tile kernel of the given kind.
    #[doc(hidden)]
    fn micro_kernel(kind: KernelKind) -> MicroKernel<Self>;

    /// The unpacked small-size kernel of the given kind, if it has one.
    #[doc(hidden)]
    fn direct_kernel(kind: KernelKind) -> Option<DirectKernel<Self>>;
}

impl GemmScalar for f32 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const MR: usize = 16;
    const NR: usize = 6;

    fn default_blocking() -> Blocking {
        Blocking {
            mc: 144,
            kc: 256,
            nc: 4080,
        }
    }

    fn tanh(self) -> Self {
        f32::tanh(self)
    }

    fn micro_kernel(kind: KernelKind) -> MicroKernel<Self> {
        microkernel::f32_kernel(kind)
    }

    fn direct_kernel(kind: KernelKind) -> Option<DirectKernel<Self>> {
        microkernel::f32_direct(kind)
    }
}

impl GemmScalar for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    const MR: usize = 8;
    const NR: usize = 6;

    fn default_blocking() -> Blocking {
        Blocking {
            mc: 72,
            kc: 256,
            nc: 4080,
        }
    }

    fn tanh(self) -> Self {
        f64::tanh(self)
    }

    fn micro_kernel(kind: KernelKind) -> MicroKernel<Self> {
        microkernel::f64_kernel(kind)
    }

    fn direct_kernel(kind: KernelKind) -> Option<DirectKernel<Self>> {
        microkernel::f64_direct(kind)
    }
}
