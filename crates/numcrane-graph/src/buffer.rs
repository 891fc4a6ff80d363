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
//!
//! A buffer can also hold memory that something else owns: a `Vec<T>` adopted without a copy
//! ([`Buffer::from_vec`]), a shared `Arc<[T]>` ([`Buffer::from_shared`]) or a file mapping made
//! by `numcrane::io::load_npy_mmap` ([`Buffer::from_owner`]). Such memory is aligned to its
//! element type, not to 64 bytes (every kernel already accepts views at any element offset, so
//! none relies on more), and is released by dropping its owner. A buffer may be marked
//! read-only: its memory is shared with something outside numcrane (the `Arc`'s other holders,
//! a file opened read-only), so [`Buffer::as_mut_slice`] refuses it and the in-place writers
//! ask [`Buffer::is_writable`] first and copy instead.

use crate::dtype::DType;
use crate::element::Element;
use crate::error::{Error, Result, SourceLocation};
use std::alloc::{self, Layout as AllocLayout};
use std::any::Any;
use std::marker::PhantomData;
use std::ptr::NonNull;

const ALIGN: usize = 64;

/// Storage for `len` elements of one dtype.
pub struct Buffer {
    ptr: NonNull<u8>,
    nbytes: usize,
    len: usize,
    dtype: DType,
    /// Who frees the memory: `None` for numcrane's own allocations (freed in `Drop` by size),
    /// `Some` for memory another value owns (dropping it frees the memory).
    owner: Option<Box<dyn Any + Send + Sync>>,
    /// False when the memory may be read by others while this buffer lives (see the module
    /// documentation): no write through `as_mut_slice`, and in-place writers must copy.
    writable: bool,
}

// SAFETY: a Buffer owns its allocation exclusively (like a Vec<u8>), or holds a `Send + Sync`
// owner of memory that it is the only writer of (`writable`) or that nobody writes (read-only
// buffers: `as_mut_slice` refuses them); shared access only reads, and mutable access requires
// `&mut Buffer`.
unsafe impl Send for Buffer {}
// SAFETY: see above; `&Buffer` only hands out shared slices.
unsafe impl Sync for Buffer {}

// The owner is only ever dropped, never used, so no broken invariant of it can be observed
// after a panic; the elements are plain data. (Without these, `dyn Any` would make arrays
// lose their unwind safety.)
impl std::panic::UnwindSafe for Buffer {}
impl std::panic::RefUnwindSafe for Buffer {}

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
            owner: None,
            writable: true,
        })
    }

    /// Adopts `values` without copying: the buffer keeps the `Vec` and frees it when dropped.
    /// The data is aligned to `T`, not to 64 bytes (see the module documentation).
    pub fn from_vec<T: Element>(values: Vec<T>) -> Buffer {
        let mut values = values;
        let len = values.len();
        // A Vec's pointer is dangling but aligned and non-null when it holds nothing, which is
        // what an empty buffer needs too.
        let ptr = NonNull::new(values.as_mut_ptr().cast::<u8>()).unwrap_or(NonNull::dangling());
        Buffer {
            ptr,
            nbytes: std::mem::size_of_val(values.as_slice()),
            len,
            dtype: T::DTYPE,
            // Moving the Vec into the box moves its header, not its heap block: `ptr` stays
            // valid for as long as the box lives.
            owner: Some(Box::new(values)),
            writable: true,
        }
    }

    /// Shares `values` without copying. Other holders of the `Arc` may read it at any time,
    /// so the buffer is read-only: numcrane never writes it (writers copy first).
    pub fn from_shared<T: Element>(values: std::sync::Arc<[T]>) -> Buffer {
        let ptr = NonNull::new(values.as_ptr() as *mut u8).unwrap_or(NonNull::dangling());
        Buffer {
            ptr,
            nbytes: std::mem::size_of_val(&*values),
            len: values.len(),
            dtype: T::DTYPE,
            owner: Some(Box::new(values)),
            writable: false,
        }
    }

    /// A buffer over `len` elements of `dtype` at `ptr`, kept alive by `owner` (a file mapping,
    /// for instance), writable or not.
    ///
    /// # Safety
    ///
    /// `ptr` must be non-null, aligned to the dtype's itemsize, and point to `len * itemsize`
    /// initialised bytes holding valid values of `dtype` (0 or 1 for bool) that stay valid
    /// and at the same address until `owner` is dropped. While the buffer lives, nothing else
    /// may write that memory; when `writable` is true nothing else may read it either.
    pub unsafe fn from_owner(
        owner: Box<dyn Any + Send + Sync>,
        ptr: NonNull<u8>,
        len: usize,
        dtype: DType,
        writable: bool,
    ) -> Buffer {
        Buffer {
            ptr,
            nbytes: len * dtype.itemsize(),
            len,
            dtype,
            owner: Some(owner),
            writable,
        }
    }

    /// False for buffers whose memory others may read (an `Arc<[T]>` shared in, a read-only
    /// file mapping): they must not be written in place.
    pub fn is_writable(&self) -> bool {
        self.writable
    }

    /// True when the memory belongs to an outside owner (an adopted `Vec`, a shared slice, a
    /// file mapping) rather than to numcrane's allocator.
    pub fn is_foreign(&self) -> bool {
        self.owner.is_some()
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
                    owner: None,
                    writable: true,
                });
            }
        }
        Buffer::zeros(dtype, len, op)
    }

    /// The start of the data for writing, without creating a reference to it (so it may be
    /// used on a buffer from `for_overwrite` whose elements are not yet initialised). Only for
    /// buffers the caller allocated: never write through it into a buffer that is not
    /// [`is_writable`](Buffer::is_writable).
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
        // aligned to 64 >= align_of::<T>() (or, for foreign memory, to `T` as `from_vec`,
        // `from_shared` and `from_owner`'s contract guarantee), and lives as long as `&self`.
        // Bool buffers only ever hold 0 or 1: they start zeroed or come from valid `bool`s,
        // and are written only through `&mut [bool]`.
        Ok(unsafe { std::slice::from_raw_parts(self.ptr.as_ptr() as *const T, self.len) })
    }

    /// The elements, mutable, if `T` is the buffer's dtype and the buffer is writable.
    #[track_caller]
    pub fn as_mut_slice<T: Element>(&mut self) -> Result<&mut [T]> {
        self.check::<T>("as_mut_slice")?;
        if !self.writable {
            return Err(Error::invalid(
                "as_mut_slice",
                format!(
                    "this buffer of {} x {} is read-only (a read-only memory map or a shared slice)",
                    self.len, self.dtype
                ),
                SourceLocation::caller(),
            ));
        }
        // SAFETY: as in `as_slice`, and `&mut self` makes the access exclusive.
        Ok(unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr() as *mut T, self.len) })
    }

    /// All of the buffer as an [`OutSlot`], for a kernel to write. Only for buffers the caller
    /// allocated to hold a result (never a read-only one).
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
        if self.owner.is_some() {
            // Foreign memory: dropping the owner (the field, right after this) frees it.
        } else if self.nbytes >= HUGE {
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
    fn adopted_vec_is_not_copied() {
        let v = vec![1i64, 2, 3];
        let at = v.as_ptr() as usize;
        let mut b = Buffer::from_vec(v);
        assert_eq!(b.as_ptr() as usize, at);
        assert!(b.is_writable() && b.is_foreign());
        b.as_mut_slice::<i64>().unwrap()[1] = 7;
        assert_eq!(b.as_slice::<i64>().unwrap(), &[1, 7, 3]);
        let empty = Buffer::from_vec(Vec::<f32>::new());
        assert_eq!(empty.as_slice::<f32>().unwrap(), &[] as &[f32]);
    }

    #[test]
    fn shared_slices_are_read_only() {
        let shared: std::sync::Arc<[u16]> = vec![4u16, 5].into();
        let mut b = Buffer::from_shared(shared.clone());
        assert_eq!(b.as_ptr(), shared.as_ptr() as *const u8);
        assert!(!b.is_writable());
        assert!(matches!(
            b.as_mut_slice::<u16>(),
            Err(Error::InvalidArgument {
                op: "as_mut_slice",
                ..
            })
        ));
        assert_eq!(b.as_slice::<u16>().unwrap(), &[4, 5]);
    }

    #[test]
    fn huge_allocation_is_an_error() {
        let r = Buffer::zeros(DType::F64, usize::MAX / 4, "zeros");
        assert!(matches!(r, Err(Error::OutOfMemory { .. })));
    }
}
