//! Test helpers: strided operands in many layouts, the naive f64 reference and the error
//! bound every result is checked against.
#![allow(dead_code)]

use numcrane_kernels::{
    gemm_with, Blocking, GemmOptions, GemmScalar, KernelChoice, MatMut, MatRef, SmallPath,
};
use proptest::prelude::*;

/// How a logical r x c matrix is laid out in its buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    RowMajor,
    ColMajor,
    /// Row-major with padded rows (a slice of a wider matrix).
    PaddedRows,
    /// Every other element in both directions.
    Strided,
    /// Row-major with rows reversed (negative row stride).
    NegRows,
    /// Column-major with both strides negative.
    NegBoth,
    /// Zero row stride: every row is the same (broadcast). Inputs only.
    ZeroRows,
    /// Zero column stride: every column is the same. Inputs only.
    ZeroCols,
}

pub const ALL_LAYOUTS: [Layout; 8] = [
    Layout::RowMajor,
    Layout::ColMajor,
    Layout::PaddedRows,
    Layout::Strided,
    Layout::NegRows,
    Layout::NegBoth,
    Layout::ZeroRows,
    Layout::ZeroCols,
];

pub const OUT_LAYOUTS: [Layout; 6] = [
    Layout::RowMajor,
    Layout::ColMajor,
    Layout::PaddedRows,
    Layout::Strided,
    Layout::NegRows,
    Layout::NegBoth,
];

impl Layout {
    fn strides(self, r: usize, c: usize) -> (isize, isize) {
        let (r, c) = (r as isize, c as isize);
        match self {
            Layout::RowMajor => (c, 1),
            Layout::ColMajor => (1, r),
            Layout::PaddedRows => (c + 3, 1),
            Layout::Strided => (2 * 2 * c + 2, 2),
            Layout::NegRows => (-c, 1),
            Layout::NegBoth => (-1, -r),
            Layout::ZeroRows => (0, 1),
            Layout::ZeroCols => (1, 0),
        }
    }
}

/// Deterministic pseudo-random values in [-1, 1).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        ((self.0 >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    }
}

/// A strided matrix in its own buffer.
pub struct Strided<T> {
    pub buf: Vec<T>,
    pub off: usize,
    pub rows: usize,
    pub cols: usize,
    pub rs: isize,
    pub cs: isize,
}

pub trait Real: GemmScalar + Into<f64> {
    fn from_f64(v: f64) -> Self;
    const EPS: f64;
}
impl Real for f32 {
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    const EPS: f64 = 1e-5;
}
impl Real for f64 {
    fn from_f64(v: f64) -> Self {
        v
    }
    const EPS: f64 = 1e-13;
}

impl<T: Real> Strided<T> {
    pub fn random(rng: &mut Rng, rows: usize, cols: usize, layout: Layout) -> Self {
        let (rs, cs) = layout.strides(rows, cols);
        let pad = 2usize;
        let (mut lo, mut hi) = (0isize, 0isize);
        if rows > 0 && cols > 0 {
            for v in [(rows as isize - 1) * rs, 0] {
                for w in [(cols as isize - 1) * cs, 0] {
                    lo = lo.min(v + w);
                    hi = hi.max(v + w);
                }
            }
        }
        let len = (hi - lo) as usize + 1 + 2 * pad;
        let buf = (0..len).map(|_| T::from_f64(rng.next())).collect();
        Strided {
            buf,
            off: (pad as isize - lo) as usize,
            rows,
            cols,
            rs,
            cs,
        }
    }

    pub fn get(&self, i: usize, j: usize) -> f64 {
        let o = self.off as isize + i as isize * self.rs + j as isize * self.cs;
        self.buf[o as usize].into()
    }

    pub fn view(&self) -> MatRef<'_, T> {
        MatRef::from_slice(&self.buf, self.off, self.rows, self.cols, self.rs, self.cs).unwrap()
    }

    pub fn view_mut(&mut self) -> MatMut<'_, T> {
        MatMut::from_slice(
            &mut self.buf,
            self.off,
            self.rows,
            self.cols,
            self.rs,
            self.cs,
        )
        .unwrap()
    }

    pub fn fill(&mut self, v: T) {
        for i in 0..self.rows {
            for j in 0..self.cols {
                let o = self.off as isize + i as isize * self.rs + j as isize * self.cs;
                self.buf[o as usize] = v;
            }
        }
    }

    /// The logical elements, row by row.
    pub fn bits(&self) -> Vec<f64> {
        (0..self.rows)
            .flat_map(|i| (0..self.cols).map(move |j| (i, j)))
            .map(|(i, j)| self.get(i, j))
            .collect()
    }
}

/// One test case: shapes, layouts and scalars.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub la: Layout,
    pub lb: Layout,
    pub lc: Layout,
    pub alpha: f64,
    pub beta: f64,
    /// Fill C with NaN first (only meaningful with beta == 0).
    pub nan_c: bool,
}

impl Case {
    pub fn new(m: usize, n: usize, k: usize) -> Self {
        Case {
            m,
            n,
            k,
            la: Layout::RowMajor,
            lb: Layout::RowMajor,
            lc: Layout::RowMajor,
            alpha: 1.0,
            beta: 0.0,
            nan_c: false,
        }
    }
}

/// Runs `case` with `opts` and checks every element against the f64 reference within
/// EPS * sqrt(k) of the magnitude sum |alpha| sum|a||b| + |beta||c|. Returns C's elements.
pub fn check<T: Real>(case: Case, opts: &GemmOptions, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    let a = Strided::<T>::random(&mut rng, case.m, case.k, case.la);
    let b = Strided::<T>::random(&mut rng, case.k, case.n, case.lb);
    let mut c = Strided::<T>::random(&mut rng, case.m, case.n, case.lc);
    if case.nan_c {
        c.fill(T::from_f64(f64::NAN));
    }
    let c0: Vec<f64> = c.bits();
    let (alpha, beta) = (T::from_f64(case.alpha), T::from_f64(case.beta));
    gemm_with(opts, alpha, a.view(), b.view(), beta, c.view_mut()).unwrap();
    let got = c.bits();
    let tol = T::EPS * (case.k.max(1) as f64).sqrt();
    for i in 0..case.m {
        for j in 0..case.n {
            let (mut s, mut mag) = (0.0f64, 0.0f64);
            for p in 0..case.k {
                s += a.get(i, p) * b.get(p, j);
                mag += (a.get(i, p) * b.get(p, j)).abs();
            }
            let (al, be): (f64, f64) = (alpha.into(), beta.into());
            let cij = c0[i * case.n + j];
            let (want, bound) = if be == 0.0 {
                (al * s, al.abs() * mag)
            } else if case.k == 0 || al == 0.0 {
                (be * cij, (be * cij).abs())
            } else {
                (al * s + be * cij, al.abs() * mag + (be * cij).abs())
            };
            let g = got[i * case.n + j];
            assert!(
                (g - want).abs() <= tol * bound + 1e-30,
                "{case:?} {opts:?}: C[{i},{j}] = {g}, want {want} (bound {bound})"
            );
        }
    }
    got
}

/// Random GEMM options for the property tests: either kernel, with and without the small
/// path, the default or a tiny blocking (`nc` below `max_nc`), threads on or off.
pub fn options(max_nc: usize) -> impl Strategy<Value = GemmOptions> {
    (
        prop_oneof![Just(KernelChoice::Auto), Just(KernelChoice::Generic)],
        prop_oneof![Just(SmallPath::Auto), Just(SmallPath::Never)],
        prop_oneof![
            Just(None),
            (1usize..40, 1usize..20, 1usize..max_nc).prop_map(|(mc, kc, nc)| Some(Blocking {
                mc,
                kc,
                nc
            }))
        ],
        any::<bool>(),
    )
        .prop_map(|(kernel, small, blocking, parallel)| GemmOptions {
            kernel,
            small,
            blocking,
            parallel,
        })
}
