//! The kernel cache: compiled kernels keyed by `ElementwiseKernel::key()`.
//!
//! The key holds the kernel's structure (instructions, dtypes, constants, input classes) and no
//! sizes or pointers, so a graph of the same structure compiles once whatever its shapes. The
//! cache is process-wide, thread-safe and bounded: beyond [`CAPACITY`] kernels the least
//! recently used one is dropped (its code is freed once no caller still holds it).
//!
//! Compilation runs outside the lock, so threads compiling different kernels do not wait for
//! each other; two threads missing on the same key at the same moment both compile, and the
//! first result is kept.

use crate::codegen::{self, CompiledKernel};
use numcrane_fuse::kernel::ElementwiseKernel;
use numcrane_graph::Result;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};

/// The most kernels the cache keeps.
pub const CAPACITY: usize = 512;

struct Entry {
    kernel: Arc<CompiledKernel>,
    last_use: u64,
}

#[derive(Default)]
struct Cache {
    map: HashMap<String, Entry>,
    clock: u64,
}

static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(|| Mutex::new(Cache::default()));
static COMPILES: AtomicUsize = AtomicUsize::new(0);

impl Cache {
    /// Advances the use clock; the cached kernel for `key`, marked as just used, if any.
    fn touch(&mut self, key: &str) -> Option<Arc<CompiledKernel>> {
        self.clock += 1;
        let now = self.clock;
        let entry = self.map.get_mut(key)?;
        entry.last_use = now;
        Some(Arc::clone(&entry.kernel))
    }
}

fn lock() -> MutexGuard<'static, Cache> {
    // The map is consistent after any panic (every update is a single insert or remove).
    CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// How many kernels this process has compiled (cache misses that compiled successfully).
pub fn compile_count() -> usize {
    COMPILES.load(Ordering::Relaxed)
}

/// How many kernels the cache holds now.
pub fn len() -> usize {
    lock().map.len()
}

/// Drops every cached kernel (their code is freed once no caller holds them).
pub fn clear() {
    let old = std::mem::take(&mut lock().map);
    // Free the code outside the lock.
    drop(old);
}

/// The compiled kernel for `kernel`: from the cache, or compiled and cached.
pub fn get_or_compile(kernel: &ElementwiseKernel) -> Result<Arc<CompiledKernel>> {
    let key = kernel.key();
    if let Some(hit) = lock().touch(&key) {
        return Ok(hit);
    }
    let compiled = Arc::new(codegen::compile(kernel)?);
    COMPILES.fetch_add(1, Ordering::Relaxed);
    let evicted;
    let result;
    {
        let mut cache = lock();
        if let Some(hit) = cache.touch(&key) {
            // Another thread compiled it meanwhile: keep theirs, drop ours below.
            return Ok(hit);
        }
        let now = cache.clock;
        evicted = if cache.map.len() >= CAPACITY {
            let oldest = cache
                .map
                .iter()
                .min_by_key(|(_, e)| e.last_use)
                .map(|(k, _)| k.clone());
            oldest.and_then(|k| cache.map.remove(&k))
        } else {
            None
        };
        cache.map.insert(
            key,
            Entry {
                kernel: Arc::clone(&compiled),
                last_use: now,
            },
        );
        result = compiled;
    }
    drop(evicted);
    Ok(result)
}
