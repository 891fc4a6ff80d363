//! Typed, 64-byte aligned element storage.
//!
//! A `Buffer` owns the bytes of realized arrays. It is allocated once, filled by whoever
//! computes it (the evaluator now, JIT kernels later) through `as_mut_slice` while it is
//! uniquely owned, then shared read-only behind an `Arc`. The alignment suits any SIMD width;
//! allocation failure is an `Error::OutOfMemory`, never an abort.

use crate::dtype::DType;
use crate::element::Element;
use crate::error::{Error, Result, SourceLocation};
use std::alloc::{self, Layout as AllocLayout};
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
        let layout = AllocLayout::from_size_align(nbytes.max(1), ALIGN)
            .map_err(|_| Error::OutOfMemory { op, bytes: nbytes })?;
        // SAFETY: the layout has a nonzero size.
        let raw = unsafe { alloc::alloc_zeroed(layout) };
        let ptr = NonNull::new(raw).ok_or(Error::OutOfMemory { op, bytes: nbytes })?;
        Ok(Buffer {
            ptr,
            nbytes,
            len,
            dtype,
        })
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

impl Drop for Buffer {
    fn drop(&mut self) {
        let layout = AllocLayout::from_size_align(self.nbytes.max(1), ALIGN)
            .expect("layout was valid when allocated");
        // SAFETY: `ptr` came from `alloc_zeroed` with this same layout and is freed once.
        unsafe { alloc::dealloc(self.ptr.as_ptr(), layout) };
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
