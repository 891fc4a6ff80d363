//! 64-byte-aligned scratch buffers for packed panels, reused per thread.
//!
//! Packing writes every element it later reads (edges are zero-padded explicitly), so a
//! buffer is zeroed only when first allocated. Each thread keeps one buffer per role; a
//! re-entrant call (a rayon worker that steals another GEMM's job while its own buffer is in
//! use) gets a fresh allocation instead of panicking.

use std::alloc::{alloc_zeroed, dealloc, Layout};
use std::cell::RefCell;
use std::ptr::NonNull;

/// Alignment of packed buffers: one cache line, also enough for aligned AVX loads.
pub(crate) const ALIGN: usize = 64;

/// An owned, zero-initialised, 64-byte-aligned byte buffer.
pub(crate) struct AlignedBuf {
    ptr: NonNull<u8>,
    bytes: usize,
}

// SAFETY: AlignedBuf owns its allocation exclusively, like a Vec<u8>.
unsafe impl Send for AlignedBuf {}

impl AlignedBuf {
    const fn empty() -> Self {
        AlignedBuf {
            ptr: NonNull::dangling(),
            bytes: 0,
        }
    }

    fn with_bytes(bytes: usize) -> Self {
        if bytes == 0 {
            return Self::empty();
        }
        let layout = Layout::from_size_align(bytes, ALIGN).expect("packed buffer too large");
        // SAFETY: layout has a non-zero size.
        let raw = unsafe { alloc_zeroed(layout) };
        let ptr = NonNull::new(raw).unwrap_or_else(|| std::alloc::handle_alloc_error(layout));
        AlignedBuf { ptr, bytes }
    }

    /// The buffer as `len` elements of `T` (growing it if needed).
    fn as_mut_ptr<T>(&mut self, len: usize) -> *mut T {
        let bytes = len
            .checked_mul(size_of::<T>())
            .expect("packed buffer too large");
        if bytes > self.bytes {
            *self = Self::with_bytes(bytes);
        }
        self.ptr.as_ptr().cast()
    }
}

impl Drop for AlignedBuf {
    fn drop(&mut self) {
        if self.bytes != 0 {
            // SAFETY: allocated in with_bytes with exactly this size and alignment.
            unsafe {
                dealloc(
                    self.ptr.as_ptr(),
                    Layout::from_size_align_unchecked(self.bytes, ALIGN),
                )
            }
        }
    }
}

/// Which per-thread buffer to use.
#[derive(Clone, Copy)]
pub(crate) enum Role {
    /// The mc x kc block of A, private to one task.
    A,
    /// The kc x nc panel of B, shared by the tasks of one call.
    B,
}

thread_local! {
    static BUF_A: RefCell<AlignedBuf> = const { RefCell::new(AlignedBuf::empty()) };
    static BUF_B: RefCell<AlignedBuf> = const { RefCell::new(AlignedBuf::empty()) };
}

/// Runs `f` with a 64-byte-aligned buffer of at least `len` elements of `T`. The contents on
/// entry are unspecified but initialised (zero or earlier packed data).
pub(crate) fn with_buffer<T, R>(role: Role, len: usize, f: impl FnOnce(*mut T) -> R) -> R {
    let key = match role {
        Role::A => &BUF_A,
        Role::B => &BUF_B,
    };
    key.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => f(buf.as_mut_ptr(len)),
        Err(_) => {
            let mut buf = AlignedBuf::empty();
            f(buf.as_mut_ptr(len))
        }
    })
}
