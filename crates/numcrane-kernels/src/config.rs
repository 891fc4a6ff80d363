//! Cache-blocking parameters: how big the packed panels of A and B are.
//!
//! Defaults target Zen 3/4 (32 KiB L1d, 512 KiB-1 MiB L2, 32 MiB L3), as in BLIS's zen
//! configuration: a kc x NR micro-panel of B stays in L1, the mc x kc block of A in L2 and the
//! kc x nc panel of B in L3.

/// Cache-blocking parameters, in elements. `mc` is rounded up to a multiple of the type's MR
/// and `nc` to a multiple of NR by the driver; zero values are treated as 1 and values above
/// 2^20 as 2^20.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blocking {
    /// Rows of A packed at once (the L2 block).
    pub mc: usize,
    /// Depth of one rank-kc update (the shared dimension of both packed blocks).
    pub kc: usize,
    /// Columns of B packed at once (the L3 block).
    pub nc: usize,
}

impl Blocking {
    /// The parameters rounded to whole tiles and made non-zero.
    /// Each is clamped to at most 2^20 first, so absurd values cannot overflow.
    pub(crate) fn normalized(self, mr: usize, nr: usize) -> Blocking {
        const MAX: usize = 1 << 20;
        Blocking {
            mc: self.mc.clamp(1, MAX).div_ceil(mr) * mr,
            kc: self.kc.clamp(1, MAX),
            nc: self.nc.clamp(1, MAX).div_ceil(nr) * nr,
        }
    }
}
