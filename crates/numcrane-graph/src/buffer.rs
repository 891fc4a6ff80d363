//! Typed, 64-byte aligned element storage.
//!
//! A `Buffer` owns the bytes of realized arrays. It is allocated once, filled by whoever
//! computes it (the evaluator now, JIT kernels later) through `as_mut_slice` while it is
//! uniquely owned, then shared read-only behind an `Arc`. The alignment suits any SIMD width;
//! allocation failure is an `Error::OutOfMemory`, never an abort.
//!
//! Large buffers (2 MiB and up) are mapped straight from the kernel on Linux: the pages come
//! zeroed without a memset, are touched first by whichever threads fill them, and carry
//! transparent-huge-page advice, so a fresh 40 MB output costs a few hundred page faults
//! instead of ten thousand plus a serial zeroing pass.

use crate::dtype::DType;
use crate::element::Element;
use crate::error::{Error, Result, SourceLocation};
use std::alloc::{self, Layout as AllocLayout};
use std::marker::PhantomData;
use std::ptr::NonNull;

const ALIGN: usize = 64;

/// Storage for `len` elements of one dtype.
pub struct Buffer {
    ptr: NonNull<u8>,
    nbytes: usize,
    len: usize,
    dtype: DType,
}

// SAFETY: a Buffer owns its allocation exclusively (like a Vec<u8>); shared access only reads,
// and mutable access requires `&mut Buffer`.
unsafe impl Send for Buffer {}
// SAFETY: see above; `&Buffer` only hands out shared slices.
unsafe impl Sync for Buffer {}

impl Buffer {
    /// A zero-filled buffer of `len` elements (zero bytes are a valid value of every dtype:
    /// false, 0, +0.0).
    pub fn zeros(dtype: DType, len: usize, op: &'static str) -> Result<Buffer> {
        let nbytes = len
            .checked_mul(dtype.itemsize())
            .ok_or(Error::OutOfMemory {
                op,
                bytes: usize::MAX,
            })?;
        let ptr = if nbytes >= HUGE {
            mapped::alloc(nbytes)
        } else {
            heap_layout(nbytes).and_then(|layout| {
                // SAFETY: the layout has a nonzero size.
                NonNull::new(unsafe { alloc::alloc_zeroed(layout) })
            })
        };
        let ptr = ptr.ok_or(Error::OutOfMemory { op, bytes: nbytes })?;
        Ok(Buffer {
            ptr,
            nbytes,
            len,
            dtype,
        })
    }

    /// A buffer whose elements are unspecified (recycled memory for large sizes, zeros
    /// otherwise), for results that overwrite every element: a fresh 40 MB zeroed buffer costs
    /// thousands of page faults per evaluation, a recycled one none.
    ///
    /// # Safety
    ///
    /// Before any element is read (through `as_slice`, `as_mut_slice` or otherwise) and before
    /// the buffer is shared, every element must be written through [`Buffer::as_mut_ptr`], with
    /// valid values of the dtype (0 or 1 for bool). A buffer that was not fully written must be
    /// dropped without being read.
    pub unsafe fn for_overwrite(dtype: DType, len: usize, op: &'static str) -> Result<Buffer> {
        let nbytes = len.saturating_mul(dtype.itemsize());
        if nbytes >= HUGE {
            if let Some(ptr) = mapped::take(nbytes) {
                return Ok(Buffer {
                    ptr,
                    nbytes,
                    len,
                    dtype,
                });
            }
        }
        Buffer::zeros(dtype, len, op)
    }

    /// The start of the data for writing, without creating a reference to it (so it may be
    /// used on a buffer from `for_overwrite` whose elements are not yet initialised).
    pub fn as_mut_ptr(&mut self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    /// A buffer holding a copy of `values`.
    pub fn from_slice<T: Element>(values: &[T]) -> Result<Buffer> {
        let mut b = Buffer::zeros(T::DTYPE, values.len(), "array")?;
        b.as_mut_slice::<T>()?.copy_from_slice(values);
        Ok(b)
    }

    /// The element type.
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the buffer holds no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Size in bytes.
    pub fn nbytes(&self) -> usize {
        self.nbytes
    }

    /// The raw start of the data, for native kernels.
    pub fn as_ptr(&self) -> *const u8 {
        self.ptr.as_ptr()
    }

    /// The elements, if `T` is the buffer's dtype.
    #[track_caller]
    pub fn as_slice<T: Element>(&self) -> Result<&[T]> {
        self.check::<T>("as_slice")?;
        // SAFETY: the allocation holds `len` initialised elements of `T` (checked dtype), is
        // aligned to 64 >= align_of::<T>(), and lives as long as `&self`. Bool buffers only
        // ever hold 0 or 1: they start zeroed and are written only through `&mut [bool]`.
        Ok(unsafe { std::slice::from_raw_parts(self.ptr.as_ptr() as *const T, self.len) })
    }

    /// The elements, mutable, if `T` is the buffer's dtype.
    #[track_caller]
    pub fn as_mut_slice<T: Element>(&mut self) -> Result<&mut [T]> {
        self.check::<T>("as_mut_slice")?;
        // SAFETY: as in `as_slice`, and `&mut self` makes the access exclusive.
        Ok(unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr() as *mut T, self.len) })
    }

    /// All of the buffer as an [`OutSlot`], for a kernel to write.
    pub fn slot(&mut self) -> OutSlot<'_> {
        OutSlot {
            ptr: self.ptr,
            len: self.len,
            dtype: self.dtype,
            _buffer: PhantomData,
        }
    }

    #[track_caller]
    fn check<T: Element>(&self, op: &'static str) -> Result<()> {
        if T::DTYPE == self.dtype {
            Ok(())
        } else {
            Err(Error::WrongElementType {
                op,
                actual: self.dtype,
                requested: T::DTYPE,
                location: SourceLocation::caller(),
            })
        }
    }
}

/// A writable range of a buffer's elements, possibly not initialised yet: where a kernel
/// writes its output. A buffer's slot can be split into disjoint slots for threads that
/// write different parts of one result at once; each is written only through
/// [`OutSlot::as_mut_ptr`].
pub struct OutSlot<'a> {
    ptr: NonNull<u8>,
    len: usize,
    dtype: DType,
    _buffer: PhantomData<&'a mut Buffer>,
}

// SAFETY: an OutSlot is an exclusive borrow of its elements (like `&mut [T]`): no other slot
// or reference reaches them while it lives, so it may move to another thread.
unsafe impl Send for OutSlot<'_> {}

impl<'a> OutSlot<'a> {
    /// The element type.
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the slot holds no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The first element, for writing (elements may be uninitialised: write before reading).
    pub fn as_mut_ptr(&mut self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    /// A shorter-lived slot of the same elements.
    pub fn reborrow(&mut self) -> OutSlot<'_> {
        OutSlot {
            ptr: self.ptr,
            len: self.len,
            dtype: self.dtype,
            _buffer: PhantomData,
        }
    }

    /// Elements `..mid` and `mid..` as two slots (`mid` is clamped to the length).
    pub fn split_at(self, mid: usize) -> (OutSlot<'a>, OutSlot<'a>) {
        let mid = mid.min(self.len);
        // SAFETY: mid <= len, so the offset stays inside the buffer's allocation (or one past
        // its end when mid == len, which `add` allows); the two ranges are disjoint.
        let rest = unsafe { self.ptr.add(mid * self.dtype.itemsize()) };
        let head = OutSlot { len: mid, ..self };
        let tail = OutSlot {
            ptr: rest,
            len: self.len - mid,
            dtype: self.dtype,
            _buffer: PhantomData,
        };
        (head, tail)
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        if self.nbytes >= HUGE {
            mapped::free(self.ptr, self.nbytes);
        } else if let Some(layout) = heap_layout(self.nbytes) {
            // SAFETY: `ptr` came from `alloc_zeroed` with this same layout and is freed once.
            unsafe { alloc::dealloc(self.ptr.as_ptr(), layout) };
        }
    }
}

/// Buffers of at least this many bytes are mapped (on Linux) with huge-page advice.
const HUGE: usize = 2 << 20;

fn heap_layout(nbytes: usize) -> Option<AllocLayout> {
    AllocLayout::from_size_align(nbytes.max(1), ALIGN).ok()
}

#[cfg(target_os = "linux")]
mod mapped {
    use std::ptr::NonNull;
    use std::sync::Mutex;

    /// Zeroed, page-aligned memory straight from the kernel, advised to use huge pages.
    pub(super) fn alloc(nbytes: usize) -> Option<NonNull<u8>> {
        // SAFETY: an anonymous private mapping with no address hint has no preconditions; the
        // result is checked against MAP_FAILED before use.
        let raw = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                nbytes,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if raw == libc::MAP_FAILED {
            return None;
        }
        // SAFETY: `raw..raw + nbytes` is the mapping just made; advice cannot invalidate it,
        // and a refusal (THP disabled) is harmless, so the result is ignored.
        unsafe { libc::madvise(raw, nbytes, libc::MADV_HUGEPAGE) };
        NonNull::new(raw as *mut u8)
    }

    /// Freed mappings kept for `take`: (address, length), oldest first. Bounded in count and
    /// bytes; a newly freed mapping evicts the oldest ones (a loop reuses what it just freed,
    /// not what set-up code freed long ago).
    static POOL: Mutex<Vec<(usize, usize)>> = Mutex::new(Vec::new());
    const POOL_COUNT: usize = 8;
    const POOL_BYTES: usize = 256 << 20;

    /// A recycled mapping of exactly `nbytes` (its contents are whatever its last user wrote).
    pub(super) fn take(nbytes: usize) -> Option<NonNull<u8>> {
        let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
        let i = pool.iter().rposition(|&(_, len)| len == nbytes)?;
        let (addr, _) = pool.remove(i);
        NonNull::new(addr as *mut u8)
    }

    pub(super) fn free(ptr: NonNull<u8>, nbytes: usize) {
        let mut unmap: Vec<(usize, usize)> = Vec::new();
        if nbytes <= POOL_BYTES {
            let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
            let mut held: usize = pool.iter().map(|&(_, len)| len).sum();
            while !pool.is_empty() && (pool.len() >= POOL_COUNT || held + nbytes > POOL_BYTES) {
                let oldest = pool.remove(0);
                held -= oldest.1;
                unmap.push(oldest);
            }
            pool.push((ptr.as_ptr() as usize, nbytes));
        } else {
            unmap.push((ptr.as_ptr() as usize, nbytes));
        }
        for (addr, len) in unmap {
            // SAFETY: each is a mapping made by `alloc` that no buffer uses any more (its owner
            // was dropped) and that has just left the pool (or never entered it): unmapped
            // once, outside the lock.
            unsafe { libc::munmap(addr as *mut libc::c_void, len) };
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod mapped {
    use super::{alloc, heap_layout};
    use std::ptr::NonNull;

    pub(super) fn alloc(nbytes: usize) -> Option<NonNull<u8>> {
        // SAFETY: the layout has a nonzero size.
        heap_layout(nbytes).and_then(|l| NonNull::new(unsafe { alloc::alloc_zeroed(l) }))
    }

    /// No recycling off Linux.
    pub(super) fn take(_nbytes: usize) -> Option<NonNull<u8>> {
        None
    }

    pub(super) fn free(ptr: NonNull<u8>, nbytes: usize) {
        if let Some(l) = heap_layout(nbytes) {
            // SAFETY: `ptr` came from `alloc_zeroed` with this layout and is freed once.
            unsafe { alloc::dealloc(ptr.as_ptr(), l) };
        }
    }
}

impl std::fmt::Debug for Buffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Buffer({} x {})", self.len, self.dtype)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_and_dtype_check() {
        let b = Buffer::from_slice(&[1.5f32, 2.5]).unwrap();
        assert_eq!(b.as_slice::<f32>().unwrap(), &[1.5, 2.5]);
        assert!(matches!(
            b.as_slice::<f64>(),
            Err(Error::WrongElementType { .. })
        ));
        assert_eq!(b.as_ptr() as usize % ALIGN, 0);
    }

    #[test]
    fn huge_allocation_is_an_error() {
        let r = Buffer::zeros(DType::F64, usize::MAX / 4, "zeros");
        assert!(matches!(r, Err(Error::OutOfMemory { .. })));
    }
}
