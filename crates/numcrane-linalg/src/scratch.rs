//! Working copies of large matrices, reused from one factorisation to the next.
//!
//! Why: the first write to each fresh 4 KiB page of memory costs a page fault, and on the
//! virtual machine of docs/performance.md a fault costs about 2.3 us: copying a 1024 x 1024
//! float64 matrix into fresh memory took 4.7 ms, into memory used before 0.3 ms, against an
//! LU of 12-15 ms. The allocator keeps a freed buffer that size only while nothing else sits
//! above it, so a loop of factorisations may fault on every call. Buffers of at least
//! [`MIN_BYTES`] therefore come back here when dropped, a few of them, and are handed out again.

use std::ops::{Deref, DerefMut};
use std::sync::Mutex;

/// Smaller buffers are left to the allocator (it reuses them well).
const MIN_BYTES: usize = 1 << 20;
/// At most this many buffers, and this many bytes, wait for reuse.
const POOL_COUNT: usize = 4;
const POOL_BYTES: usize = 256 << 20;

/// Freed buffers, oldest first (empty, with their capacity).
static POOL: Mutex<Vec<Vec<f64>>> = Mutex::new(Vec::new());

fn pool() -> std::sync::MutexGuard<'static, Vec<Vec<f64>>> {
    POOL.lock().unwrap_or_else(|e| e.into_inner())
}

/// A `Vec<f64>` that returns to the pool when dropped.
pub(crate) struct Scratch(Vec<f64>);

impl Scratch {
    /// A copy of `a`, in a reused buffer when one of the right size is free.
    pub(crate) fn copy_of(a: &[f64]) -> Scratch {
        let mut v = take(a.len());
        v.extend_from_slice(a);
        Scratch(v)
    }
}

/// An empty vector with room for `len` elements: a pooled one when it is large and one fits
/// (without being more than twice too big), else a new one.
fn take(len: usize) -> Vec<f64> {
    if len * 8 >= MIN_BYTES {
        let mut pool = pool();
        if let Some(i) = pool
            .iter()
            .rposition(|v| v.capacity() >= len && v.capacity() / 2 <= len)
        {
            return pool.remove(i);
        }
    }
    Vec::with_capacity(len)
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let mut v = std::mem::take(&mut self.0);
        let bytes = v.capacity() * 8;
        if !(MIN_BYTES..=POOL_BYTES).contains(&bytes) {
            return;
        }
        v.clear();
        let mut pool = pool();
        let mut held: usize = pool.iter().map(|v| v.capacity() * 8).sum();
        // the newest buffers are the likeliest to be asked for again
        while !pool.is_empty() && (pool.len() >= POOL_COUNT || held + bytes > POOL_BYTES) {
            held -= pool.remove(0).capacity() * 8;
        }
        pool.push(v);
    }
}

impl Deref for Scratch {
    type Target = [f64];
    fn deref(&self) -> &[f64] {
        &self.0
    }
}

impl DerefMut for Scratch {
    fn deref_mut(&mut self) -> &mut [f64] {
        &mut self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_buffer_is_reused_and_holds_the_new_values() {
        // (no other unit test of this crate makes buffers this large, so none takes it)
        let n = MIN_BYTES / 8 + 3;
        let a: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let first = Scratch::copy_of(&a);
        assert_eq!(&first[..], &a[..]);
        let addr = first.as_ptr();
        drop(first);
        let b: Vec<f64> = (0..n - 1).map(|i| -(i as f64)).collect();
        let second = Scratch::copy_of(&b);
        assert_eq!(second.as_ptr(), addr);
        assert_eq!(&second[..], &b[..]);
        // far smaller: a new buffer, not the pooled one twice too big
        drop(second);
        let small = Scratch::copy_of(&b[..n / 3]);
        assert_ne!(small.as_ptr(), addr);
    }

    #[test]
    fn small_buffers_are_left_to_the_allocator() {
        drop(Scratch::copy_of(&[1.0, 2.0]));
        assert!(pool().iter().all(|v| v.capacity() * 8 >= MIN_BYTES));
    }
}
