//! A tiny JIT harness for the inline functions: one op compiled as a loop over an array.
//!
//! Used by the accuracy tests (as `vecmath::kernel`) and, included by path, by the
//! `vecmath` benchmark and the `vecmath_exhaustive` example, which is why it names the
//! emitters through `crate::vecmath`.

use crate::vecmath::{emit_binary_any, emit_unary};
use cranelift_codegen::ir::{AbiParam, BlockArg, InstBuilder, MemFlagsData, Type, Value};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{default_libcall_names, Module};
use numcrane_graph::{BinaryOp, UnaryOp};

/// A compiled `fn(a, b, dst, n)` applying an op to `n` elements (a multiple of the lane count)
/// of `a` (and `b` for binary ops).
pub struct Kernel {
    module: Option<JITModule>,
    code: *const u8,
    lanes: usize,
    elem: usize,
}

/// The row function's ABI.
type RowFn = extern "C" fn(*const u8, *const u8, *mut u8, usize);

impl Kernel {
    /// `op` on values of type `ty` (`F32`, `F64`, `F32X4` or `F64X2`).
    pub fn new(op: UnaryOp, ty: Type) -> Kernel {
        Kernel::build(ty, |b, x, _| {
            emit_unary(b, op, ty, x).expect("supported op")
        })
    }

    /// Binary `op` on values of type `ty`.
    pub fn new_binary(op: BinaryOp, ty: Type) -> Kernel {
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
        let disasm = std::env::var_os("VECMATH_DISASM").is_some();
        ctx.set_disasm(disasm);
        module
            .define_function(id, &mut ctx)
            .unwrap_or_else(|e| panic!("{e:?}\n{}", ctx.func.display()));
        if disasm {
            if let Some(code) = ctx.compiled_code().and_then(|c| c.vcode.as_ref()) {
                eprintln!("{code}");
            }
        }
        module.clear_context(&mut ctx);
        module.finalize_definitions().unwrap();
        let code = module.get_finalized_function(id);
        Kernel {
            module: Some(module),
            code,
            lanes,
            elem: ty.lane_type().bytes() as usize,
        }
    }

    /// The op applied to every element of `xs` (`T` must be the kernel's lane type).
    pub fn run<T: Copy + Default>(&self, xs: &[T]) -> Vec<T> {
        self.run2(xs, xs)
    }

    /// The binary op applied to `xs` and `ys` element by element.
    pub fn run2<T: Copy + Default>(&self, xs: &[T], ys: &[T]) -> Vec<T> {
        assert_eq!(xs.len(), ys.len());
        let n = xs.len().div_ceil(self.lanes) * self.lanes;
        let mut a = xs.to_vec();
        a.resize(n, T::default());
        let mut b = ys.to_vec();
        b.resize(n, T::default());
        let mut dst = vec![T::default(); n];
        self.run_into(&a, &b, &mut dst);
        dst.truncate(xs.len());
        dst
    }

    /// The op on `xs` (and `ys`) into `dst`, without allocating: all three of the same length,
    /// a multiple of the lane count, and `T` the kernel's lane type.
    pub fn run_into<T: Copy>(&self, xs: &[T], ys: &[T], dst: &mut [T]) {
        let n = dst.len();
        assert!(xs.len() == n && ys.len() == n && n.is_multiple_of(self.lanes));
        assert_eq!(std::mem::size_of::<T>(), self.elem);
        // SAFETY: `code` belongs to `self.module`, alive while `self` is, and was built with
        // the `RowFn` signature.
        let f: RowFn = unsafe { std::mem::transmute::<*const u8, RowFn>(self.code) };
        // The kernel reads `n` elements of `xs` and `ys` and writes `n` of `dst`, all of the
        // element size checked above.
        f(
            xs.as_ptr().cast(),
            ys.as_ptr().cast(),
            dst.as_mut_ptr().cast(),
            n,
        );
    }
}

// SAFETY: the compiled code is immutable and reentrant (it touches only its arguments), and
// the module is only freed on drop.
unsafe impl Sync for Kernel {}

impl Drop for Kernel {
    fn drop(&mut self) {
        if let Some(m) = self.module.take() {
            // SAFETY: the only pointer into the module's code is `self.code`, which dies with
            // `self`; no call is running (calls borrow `self`).
            unsafe { m.free_memory() };
        }
    }
}
