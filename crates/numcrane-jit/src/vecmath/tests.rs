//! Accuracy tests of the inline transcendental functions against the evaluator's own.
//!
//! Each op is compiled four times, as a loop over an array applying the emitted code to `f64`,
//! `f64x2`, `f32` and `f32x4` values, and run over special values, dense sweeps (every 509th
//! `f32` bit pattern, random `f64` bit patterns) and random values across the interesting
//! ranges. The reference is `numcrane_graph::eval::scalar` (the platform libm): `f64` results
//! must be within 2 ULP of it, `f32` results within 1 ULP of the `f64` reference rounded to
//! `f32`, and special values of the same class (NaN, the same infinity, the same signed zero).

use super::{emit_binary_any, emit_unary};
use cranelift_codegen::ir::{types, AbiParam, BlockArg, InstBuilder, MemFlagsData, Type, Value};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{default_libcall_names, Module};
use numcrane_graph::eval::scalar::Num;
use numcrane_graph::{BinaryOp, UnaryOp};

/// A compiled `fn(a, b, dst, n)` applying an op to `n` elements (a multiple of the lane count)
/// of `a` (and `b` for binary ops).
struct Kernel {
    module: Option<JITModule>,
    code: *const u8,
    lanes: usize,
}

/// The row function's ABI.
type RowFn = extern "C" fn(*const u8, *const u8, *mut u8, usize);

/// # Safety
/// `code` must be a finalized function of [`Kernel::build`]'s module, still alive, with `a`
/// and `b` readable and `dst` writable for `n` elements of the kernel's element type.
unsafe fn call(code: *const u8, a: *const u8, b: *const u8, dst: *mut u8, n: usize) {
    // SAFETY: per this function's contract, `code` is a live function with signature `RowFn`.
    let f: RowFn = unsafe { std::mem::transmute::<*const u8, RowFn>(code) };
    f(a, b, dst, n)
}

impl Kernel {
    fn new(op: UnaryOp, ty: Type) -> Kernel {
        Kernel::build(ty, |b, x, _| {
            emit_unary(b, op, ty, x).expect("supported op")
        })
    }

    fn new_binary(op: BinaryOp, ty: Type) -> Kernel {
        Kernel::build(ty, |b, x, y| {
            emit_binary_any(b, op, ty, x, y).expect("implemented op")
        })
    }

    fn build(ty: Type, emit: impl FnOnce(&mut FunctionBuilder, Value, Value) -> Value) -> Kernel {
        let mut flags = settings::builder();
        flags.set("opt_level", "speed").unwrap();
        flags.set("use_colocated_libcalls", "false").unwrap();
        flags.set("is_pic", "false").unwrap();
        let isa = cranelift_native::builder()
            .unwrap()
            .finish(settings::Flags::new(flags))
            .unwrap();
        let mut module = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
        let ptr = module.target_config().pointer_type();
        let mut sig = module.make_signature();
        for _ in 0..4 {
            sig.params.push(AbiParam::new(ptr));
        }
        let id = module.declare_anonymous_function(&sig).unwrap();
        let mut ctx = module.make_context();
        ctx.func.signature = sig;
        let mut fctx = FunctionBuilderContext::new();
        let lanes = ty.lane_count() as usize;
        let step = ty.bytes() as i64;
        {
            let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
            let entry = b.create_block();
            let head = b.create_block();
            let body = b.create_block();
            let exit = b.create_block();
            b.append_block_params_for_function_params(entry);
            b.switch_to_block(entry);
            let p = b.block_params(entry).to_vec();
            let (src, src2, dst, n) = (p[0], p[1], p[2], p[3]);
            let elem = b.ins().iconst(ptr, i64::from(ty.lane_type().bytes()));
            let end = b.ins().imul(n, elem);
            let zero = b.ins().iconst(ptr, 0);
            b.ins().jump(head, &[BlockArg::Value(zero)]);
            b.switch_to_block(head);
            let off = b.append_block_param(head, ptr);
            let more = b.ins().icmp(
                cranelift_codegen::ir::condcodes::IntCC::UnsignedLessThan,
                off,
                end,
            );
            b.ins().brif(more, body, &[], exit, &[]);
            b.switch_to_block(body);
            let mem = MemFlagsData::new().with_notrap();
            let sa = b.ins().iadd(src, off);
            let x = b.ins().load(ty, mem, sa, 0);
            let sb = b.ins().iadd(src2, off);
            let y = b.ins().load(ty, mem, sb, 0);
            let r = emit(&mut b, x, y);
            let da = b.ins().iadd(dst, off);
            b.ins().store(mem, r, da, 0);
            let next = b.ins().iadd_imm_s(off, step);
            b.ins().jump(head, &[BlockArg::Value(next)]);
            b.switch_to_block(exit);
            b.ins().return_(&[]);
            b.seal_all_blocks();
            b.finalize(module.target_config());
        }
        module
            .define_function(id, &mut ctx)
            .unwrap_or_else(|e| panic!("{e:?}\n{}", ctx.func.display()));
        module.clear_context(&mut ctx);
        module.finalize_definitions().unwrap();
        let code = module.get_finalized_function(id);
        Kernel {
            module: Some(module),
            code,
            lanes,
        }
    }

    fn run<T: Copy + Default>(&self, xs: &[T]) -> Vec<T> {
        self.run2(xs, xs)
    }

    fn run2<T: Copy + Default>(&self, xs: &[T], ys: &[T]) -> Vec<T> {
        assert_eq!(xs.len(), ys.len());
        let n = xs.len().div_ceil(self.lanes) * self.lanes;
        let mut a = xs.to_vec();
        a.resize(n, T::default());
        let mut b = ys.to_vec();
        b.resize(n, T::default());
        let mut dst = vec![T::default(); n];
        // SAFETY: `code` belongs to `self.module`, alive while `self` is; `a`, `b` and `dst`
        // hold `n` elements of the type the kernel was compiled for (callers pair `T` with it).
        unsafe {
            call(
                self.code,
                a.as_ptr().cast(),
                b.as_ptr().cast(),
                dst.as_mut_ptr().cast(),
                n,
            )
        };
        dst.truncate(xs.len());
        dst
    }
}

impl Drop for Kernel {
    fn drop(&mut self) {
        if let Some(m) = self.module.take() {
            // SAFETY: the only pointer into the module's code is `self.code`, which dies with
            // `self`; no call is running (calls borrow `self`).
            unsafe { m.free_memory() };
        }
    }
}

/// Distance in representable values, +0 and -0 being the same point.
fn ulp64(a: f64, b: f64) -> u64 {
    fn key(x: f64) -> i64 {
        let i = x.to_bits() as i64;
        if i < 0 {
            i64::MIN.wrapping_sub(i)
        } else {
            i
        }
    }
    key(a).abs_diff(key(b))
}

fn ulp32(a: f32, b: f32) -> u64 {
    fn key(x: f32) -> i64 {
        let i = x.to_bits() as i32;
        i64::from(if i < 0 { i32::MIN.wrapping_sub(i) } else { i })
    }
    key(a).abs_diff(key(b))
}

/// The error of `got` against `want` in ULP, or `None` when their classes differ.
fn error(got: f64, want: f64, ulp: fn(f64, f64) -> u64) -> Option<u64> {
    if want.is_nan() || got.is_nan() {
        return (want.is_nan() && got.is_nan()).then_some(0);
    }
    if want.is_infinite() || got.is_infinite() {
        return (want == got).then_some(0);
    }
    if want == 0.0 && got == 0.0 {
        return (want.to_bits() == got.to_bits()).then_some(0);
    }
    Some(ulp(got, want))
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn specials() -> Vec<f64> {
    let mut v = vec![
        0.0,
        1.0,
        0.5,
        2.0,
        3.0,
        10.0,
        100.0,
        1e-300,
        1e300,
        f64::INFINITY,
        f64::NAN,
        f64::MIN_POSITIVE,
        f64::MIN_POSITIVE / 2.0,
        f64::from_bits(1),
        f64::from_bits(0x000f_ffff_ffff_ffff),
        f64::MAX,
        f64::EPSILON,
        1e-17,
        1e-9,
        0.25,
        0.75,
        1.5,
        0.34657359027997264,
        1.0397207708399179,
        22.0,
        20.0,
        38.0,
        56.0 * std::f64::consts::LN_2,
        88.72283905206835,
        88.7,
        89.0,
        -87.336_544_750_553_1,
        -103.2789,
        -104.0,
        709.782712893384,
        709.7827128933841,
        709.79,
        710.4758600739439,
        710.48,
        711.0,
        708.3964185322641,
        745.1332191019411,
        745.14,
        744.44,
        1023.0,
        1023.9999,
        1024.0,
        1022.0,
        1021.5,
        1074.0,
        1074.5,
        1075.0,
        1076.0,
        126.0,
        127.99,
        128.0,
        149.0,
        149.5,
        150.0,
        0.9999999999999999,
        1.0000000000000002,
        TRIG_EDGE,
        TRIG_EDGE * 2.0,
        1e6,
        1e22,
        1e308,
        7.0 / 16.0,
        11.0 / 16.0,
        19.0 / 16.0,
        39.0 / 16.0,
        6.0e17,
        1.0e19,
    ];
    // Around multiples of pi/4 (trig quadrant boundaries) and their neighbours.
    for k in (0..64).chain([1000, 12345, 100_000, 333_000, 333_333, 666_000]) {
        let m = k as f64 * std::f64::consts::FRAC_PI_4;
        for d in [-2i64, -1, 0, 1, 2] {
            v.push(f64::from_bits((m.to_bits() as i64 + d) as u64));
        }
    }
    // Well-known hard cases for pi/2 reduction within the fast range.
    v.extend([
        6381956970095103.0 * 2f64.powi(-32),
        5706271580223013.0 * 2f64.powi(-33),
        355.0,
        103993.0,
        104348.0,
        208341.0,
        312689.0,
        833719.0,
    ]);
    let neg: Vec<f64> = v.iter().map(|x| -x).collect();
    v.extend(neg);
    // Near +-1 (log1p's pole, log's zero).
    for d in 1..40u64 {
        for s in [1.0f64, -1.0] {
            v.push(f64::from_bits(s.to_bits() + d));
            v.push(f64::from_bits(s.to_bits() - d));
        }
    }
    v
}

const TRIG_EDGE: f64 = 524288.0;

/// `f64` test inputs: specials, random bit patterns, random values at many scales.
fn inputs64() -> Vec<f64> {
    let mut v = specials();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..150_000 {
        v.push(f64::from_bits(rng.next()));
    }
    for s in [
        1e-5, 0.01, 0.3, 0.7, 1.0, 1.5, 2.0, 4.0, 10.0, 25.0, 40.0, 100.0, 750.0, 1100.0, 1e4, 5e5,
    ] {
        for _ in 0..15_000 {
            v.push((2.0 * rng.unit() - 1.0) * s);
        }
    }
    for _ in 0..30_000 {
        // log-uniform positive values over the whole exponent range
        let e = rng.unit() * 2098.0 - 1074.0;
        v.push(2f64.powf(e));
    }
    v
}

/// `f32` test inputs: every 509th bit pattern plus the `f64` inputs rounded.
fn inputs32() -> Vec<f32> {
    let mut v: Vec<f32> = (0..=u32::MAX).step_by(509).map(f32::from_bits).collect();
    v.extend(inputs64().iter().map(|&x| x as f32));
    for &x in &[f32::MIN_POSITIVE, f32::MAX, f32::EPSILON, f32::from_bits(1)] {
        v.extend([x, -x]);
    }
    v
}

/// Checks `op` in all four types; returns `[f64, f64x2, f32, f32x4]` max errors in ULP.
fn check(op: UnaryOp) -> [u64; 4] {
    let reference = <f64 as Num>::unary(op).expect("a float function");
    let mut worst = [0u64; 4];
    let x64 = inputs64();
    let want64: Vec<f64> = x64.iter().map(|&x| reference(x)).collect();
    for (slot, ty) in [(0, types::F64), (1, types::F64X2)] {
        let got = Kernel::new(op, ty).run(&x64);
        for ((&x, &g), &w) in x64.iter().zip(&got).zip(&want64) {
            match error(g, w, ulp64) {
                Some(e) if e <= 2 => worst[slot] = worst[slot].max(e),
                e => panic!(
                    "{op:?} {ty}: x = {x:e} ({:#x}) gives {g:e}, want {w:e} ({e:?} ULP)",
                    x.to_bits()
                ),
            }
        }
    }
    let x32 = inputs32();
    let want32: Vec<f32> = x32
        .iter()
        .map(|&x| reference(f64::from(x)) as f32)
        .collect();
    for (slot, ty) in [(2, types::F32), (3, types::F32X4)] {
        let got = Kernel::new(op, ty).run(&x32);
        for ((&x, &g), &w) in x32.iter().zip(&got).zip(&want32) {
            let e = error(f64::from(g), f64::from(w), |a, b| ulp32(a as f32, b as f32));
            match e {
                Some(e) if e <= 1 => worst[slot] = worst[slot].max(e),
                e => panic!(
                    "{op:?} {ty}: x = {x:e} ({:#x}) gives {g:e}, want {w:e} ({e:?} ULP)",
                    x.to_bits()
                ),
            }
        }
    }
    eprintln!(
        "vecmath {op:?}: max ULP f64 {} f64x2 {} f32 {} f32x4 {}",
        worst[0], worst[1], worst[2], worst[3]
    );
    worst
}

/// Checks binary `op` in all four types like [`check`]: pairs of specials, random bit
/// patterns, random values at many scales (each `x` with an independent `y`).
fn check_binary(op: BinaryOp) -> [u64; 4] {
    let reference = <f64 as Num>::binary(op).expect("a float function");
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    let sp = specials();
    let few: Vec<f64> = sp.iter().copied().step_by(7).collect();
    for &a in &few {
        for &b in &few {
            xs.push(a);
            ys.push(b);
        }
    }
    let pool = inputs64();
    let mut rng = Rng(99);
    for _ in 0..50_000 {
        xs.push(20.0 * rng.unit() - 10.0);
        ys.push(20.0 * rng.unit() - 10.0);
    }
    // For pow: moderate bases and exponents, bases near 1 with large exponents, negative
    // bases with integer exponents, results near over- and underflow.
    for _ in 0..50_000 {
        xs.push(2f64.powf(20.0 * rng.unit() - 10.0));
        ys.push(200.0 * rng.unit() - 100.0);
        xs.push(1.0 + (2.0 * rng.unit() - 1.0) * 2f64.powf(-60.0 * rng.unit()));
        ys.push((2.0 * rng.unit() - 1.0) * 2f64.powf(60.0 * rng.unit()));
        xs.push(-(10.0 * rng.unit()));
        ys.push((80.0 * rng.unit() - 40.0).round());
        let b = 1.0 + 10.0 * rng.unit();
        xs.push(b);
        let sign = if rng.next() & 1 == 0 { 1.0 } else { -1.0 };
        ys.push(sign * (700.0 + 50.0 * rng.unit()) / b.ln());
    }
    for i in -40..40 {
        for j in -40..40 {
            xs.push(f64::from(i));
            ys.push(f64::from(j));
        }
    }
    for &a in &pool {
        xs.push(a);
        ys.push(pool[(rng.next() % pool.len() as u64) as usize]);
    }
    let want: Vec<f64> = xs.iter().zip(&ys).map(|(&a, &b)| reference(a, b)).collect();
    let mut worst = [0u64; 4];
    for (slot, ty) in [(0, types::F64), (1, types::F64X2)] {
        let got = Kernel::new_binary(op, ty).run2(&xs, &ys);
        for (i, (&g, &w)) in got.iter().zip(&want).enumerate() {
            match error(g, w, ulp64) {
                Some(e) if e <= 2 => worst[slot] = worst[slot].max(e),
                e => panic!(
                    "{op:?} {ty}: ({:e}, {:e}) gives {g:e}, want {w:e} ({e:?} ULP)",
                    xs[i], ys[i]
                ),
            }
        }
    }
    let x32: Vec<f32> = xs.iter().map(|&v| v as f32).collect();
    let y32: Vec<f32> = ys.iter().map(|&v| v as f32).collect();
    let want32: Vec<f32> = x32
        .iter()
        .zip(&y32)
        .map(|(&a, &b)| reference(f64::from(a), f64::from(b)) as f32)
        .collect();
    for (slot, ty) in [(2, types::F32), (3, types::F32X4)] {
        let got = Kernel::new_binary(op, ty).run2(&x32, &y32);
        for (i, (&g, &w)) in got.iter().zip(&want32).enumerate() {
            let e = error(f64::from(g), f64::from(w), |a, b| ulp32(a as f32, b as f32));
            match e {
                Some(e) if e <= 1 => worst[slot] = worst[slot].max(e),
                e => panic!(
                    "{op:?} {ty}: ({:e}, {:e}) gives {g:e}, want {w:e} ({e:?} ULP)",
                    x32[i], y32[i]
                ),
            }
        }
    }
    eprintln!(
        "vecmath {op:?}: max ULP f64 {} f64x2 {} f32 {} f32x4 {}",
        worst[0], worst[1], worst[2], worst[3]
    );
    worst
}

#[test]
fn arctan2() {
    check_binary(BinaryOp::Arctan2);
}

#[test]
fn pow() {
    check_binary(BinaryOp::Pow);
}

#[test]
fn hypot() {
    check_binary(BinaryOp::Hypot);
}

macro_rules! accuracy_tests {
    ($($name:ident: $op:ident,)*) => {
        $(
            #[test]
            fn $name() {
                check(UnaryOp::$op);
            }
        )*
    };
}

accuracy_tests! {
    exp: Exp,
    exp2: Exp2,
    expm1: Expm1,
    log: Log,
    log2: Log2,
    log10: Log10,
    log1p: Log1p,
    tanh: Tanh,
    sin: Sin,
    cos: Cos,
    sinh: Sinh,
    cosh: Cosh,
    arctan: Arctan,
    tan: Tan,
    arcsin: Arcsin,
    arccos: Arccos,
    cbrt: Cbrt,
    arcsinh: Arcsinh,
    arccosh: Arccosh,
    arctanh: Arctanh,
}

#[test]
fn unsupported_is_declined() {
    use super::supports_binary;
    use numcrane_graph::DType::{F32, F64, I32};
    assert!(!super::supports_unary(UnaryOp::Sqrt, F64));
    assert!(!super::supports_unary(UnaryOp::Exp, I32));
    assert!(super::supports_unary(UnaryOp::Exp, F32));
    assert!(supports_binary(BinaryOp::Pow, F32));
    assert!(!supports_binary(BinaryOp::Pow, I32));
    assert!(!supports_binary(BinaryOp::Hypot, F64));
    assert!(!supports_binary(BinaryOp::Logaddexp, F64));
}

/// Throughput of the emitted code against a libm call per element, in ns per element (best
/// of 5 runs over 2^16 values in [-2, 2), buffers reused):
/// `cargo test -p numcrane-jit --release --lib vecmath::tests::speed -- --ignored --nocapture`.
#[test]
#[ignore]
fn speed() {
    use std::time::Instant;
    let n = 1 << 16;
    let mut rng = Rng(1);
    let x64: Vec<f64> = (0..n).map(|_| 4.0 * rng.unit() - 2.0).collect();
    let x32: Vec<f32> = x64.iter().map(|&v| v as f32).collect();
    let mut d64 = vec![0f64; n];
    let mut d32 = vec![0f32; n];
    let best = |f: &mut dyn FnMut()| {
        (0..5)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_nanos() as f64 / n as f64
            })
            .fold(f64::INFINITY, f64::min)
    };
    for op in [
        UnaryOp::Exp,
        UnaryOp::Log,
        UnaryOp::Expm1,
        UnaryOp::Tanh,
        UnaryOp::Sin,
        UnaryOp::Arctan,
        UnaryOp::Cbrt,
    ] {
        let f64_ref = <f64 as Num>::unary(op).expect("a float function");
        let f32_ref = <f32 as Num>::unary(op).expect("a float function");
        let mut line = format!("{op:?}:");
        for ty in [types::F64, types::F64X2, types::F32, types::F32X4] {
            let k = Kernel::new(op, ty);
            let (src, dst) = if ty.lane_type() == types::F64 {
                (x64.as_ptr().cast::<u8>(), d64.as_mut_ptr().cast::<u8>())
            } else {
                (x32.as_ptr().cast::<u8>(), d32.as_mut_ptr().cast::<u8>())
            };
            // SAFETY: `k` is alive; `src` and `dst` hold `n` elements of `ty`'s lane type.
            let t = best(&mut || unsafe { call(k.code, src, src, dst, n) });
            line += &format!(" {ty} {t:.2}");
        }
        let t = best(&mut || {
            for (d, &v) in d64.iter_mut().zip(&x64) {
                *d = f64_ref(v);
            }
        });
        line += &format!(" | libm f64 {t:.2}");
        let t = best(&mut || {
            for (d, &v) in d32.iter_mut().zip(&x32) {
                *d = f32_ref(v);
            }
        });
        line += &format!(" f32 {t:.2}");
        eprintln!("{line}");
    }
}
