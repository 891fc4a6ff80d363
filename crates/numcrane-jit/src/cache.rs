//! The kernel cache: compiled kernels keyed by the kernel's structure.
//!
//! The key is the kernel itself (instructions, dtypes, constants by their bits, input classes,
//! fold), which holds no sizes or pointers, so a graph of the same structure compiles once
//! whatever its shapes, and the [`Checks`] mode: checked and unchecked code of one kernel are
//! two entries (their functions do not even share a signature). Lookups hash both
//! (`ElementwiseKernel::fingerprint`, no allocation) and compare candidates with
//! `same_structure` and the mode. The
//! cache is process-wide, thread-safe and bounded: beyond [`CAPACITY`] kernels the least
//! recently used one is dropped (its code is freed once no caller still holds it).
//!
//! Each thread also remembers its last few hits (`RECENT_KEPT`), checked before the shared
//! cache: a row-fused schedule launches the same handful of kernels once per block of rows
//! from every worker thread, and the shared lock would otherwise be taken (and contended)
//! for each launch. Those entries hold their kernels alive for a while after an eviction, at
//! most `RECENT_KEPT` per thread; `clear` makes them stale.
//!
//! Compilation runs outside the lock, so threads compiling different kernels do not wait for
//! each other; two threads missing on the same key at the same moment both compile, and the
//! first result is kept.

use crate::codegen::{self, Checks, CompiledKernel};
use numcrane_fuse::kernel::ElementwiseKernel;
use numcrane_graph::Result;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};

/// The most kernels the cache keeps.
pub const CAPACITY: usize = 512;

struct Entry {
    structure: ElementwiseKernel,
    checks: Checks,
    kernel: Arc<CompiledKernel>,
    last_use: u64,
}

#[derive(Default)]
struct Cache {
    /// Entries by fingerprint (almost always one per fingerprint).
    map: HashMap<u64, Vec<Entry>>,
    len: usize,
    clock: u64,
}

static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(|| Mutex::new(Cache::default()));
/// Bumped by `clear`: per-thread entries of an older generation are not used.
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// The most recent hits one thread remembers.
const RECENT_KEPT: usize = 8;

/// A thread's recent hit.
struct Recent {
    hash: u64,
    checks: Checks,
    generation: u64,
    structure: ElementwiseKernel,
    kernel: Arc<CompiledKernel>,
}

thread_local! {
    static RECENT: RefCell<Vec<Recent>> = const { RefCell::new(Vec::new()) };
}

/// This thread's recent kernel for `kernel` in mode `checks`, if any.
fn recent(hash: u64, kernel: &ElementwiseKernel, checks: Checks) -> Option<Arc<CompiledKernel>> {
    let generation = GENERATION.load(Ordering::Relaxed);
    RECENT.with(|recent| {
        recent
            .borrow()
            .iter()
            .find(|r| {
                r.hash == hash
                    && r.checks == checks
                    && r.generation == generation
                    && r.structure.same_structure(kernel)
            })
            .map(|r| Arc::clone(&r.kernel))
    })
}

/// Remembers `compiled` as this thread's most recent kernel (the oldest is forgotten).
fn remember(hash: u64, kernel: &ElementwiseKernel, checks: Checks, compiled: &Arc<CompiledKernel>) {
    let generation = GENERATION.load(Ordering::Relaxed);
    RECENT.with(|recent| {
        let mut recent = recent.borrow_mut();
        recent.retain(|r| r.generation == generation);
        if recent.len() >= RECENT_KEPT {
            recent.remove(0);
        }
        recent.push(Recent {
            hash,
            checks,
            generation,
            structure: kernel.clone(),
            kernel: Arc::clone(compiled),
        });
    });
}
static COMPILES: AtomicUsize = AtomicUsize::new(0);
static EVICTIONS: AtomicUsize = AtomicUsize::new(0);

impl Cache {
    /// Advances the use clock; the cached kernel for `kernel` in mode `checks`, marked as just
    /// used, if any.
    fn touch(
        &mut self,
        hash: u64,
        kernel: &ElementwiseKernel,
        checks: Checks,
    ) -> Option<Arc<CompiledKernel>> {
        self.clock += 1;
        let now = self.clock;
        let entry = self
            .map
            .get_mut(&hash)?
            .iter_mut()
            .find(|e| e.checks == checks && e.structure.same_structure(kernel))?;
        entry.last_use = now;
        Some(Arc::clone(&entry.kernel))
    }

    /// Removes the least recently used entry.
    fn evict_oldest(&mut self) -> Option<Entry> {
        let (hash, index) = self
            .map
            .iter()
            .flat_map(|(h, es)| es.iter().enumerate().map(move |(i, e)| (e.last_use, *h, i)))
            .min()
            .map(|(_, h, i)| (h, i))?;
        let bucket = self.map.get_mut(&hash)?;
        let entry = bucket.swap_remove(index);
        if bucket.is_empty() {
            self.map.remove(&hash);
        }
        self.len -= 1;
        Some(entry)
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
    lock().len
}

/// Drops every cached kernel (their code is freed once no caller holds them).
pub fn clear() {
    GENERATION.fetch_add(1, Ordering::Relaxed);
    let old = {
        let mut cache = lock();
        cache.len = 0;
        std::mem::take(&mut cache.map)
    };
    // Free the code outside the lock.
    drop(old);
}

/// The compiled kernel for `kernel`, without checks: from the cache, or compiled and cached.
pub fn get_or_compile(kernel: &ElementwiseKernel) -> Result<Arc<CompiledKernel>> {
    get_or_compile_with(kernel, Checks::Off)
}

/// The compiled kernel for `kernel` in mode `checks`: from the cache, or compiled and cached.
pub fn get_or_compile_with(
    kernel: &ElementwiseKernel,
    checks: Checks,
) -> Result<Arc<CompiledKernel>> {
    let hash = match checks {
        Checks::Off => kernel.fingerprint(),
        // Any fixed change of the bits keeps the two modes of one kernel apart in the map.
        Checks::Bounds => kernel.fingerprint() ^ 0x9E37_79B9_7F4A_7C15,
    };
    if let Some(hit) = recent(hash, kernel, checks) {
        return Ok(hit);
    }
    let hit = lock().touch(hash, kernel, checks);
    if let Some(hit) = hit {
        remember(hash, kernel, checks, &hit);
        return Ok(hit);
    }
    if codegen::debug_level() >= 1 {
        let evicted = EVICTIONS.load(Ordering::Relaxed);
        let why = if evicted == 0 {
            "no kernel of this structure compiled yet".to_string()
        } else {
            format!("a new structure, or one of the {evicted} evicted so far")
        };
        eprintln!("numcrane-jit: cache miss ({why}): compiling");
    }
    let compiled = Arc::new(codegen::compile_with(kernel, checks)?);
    COMPILES.fetch_add(1, Ordering::Relaxed);
    let evicted;
    {
        let mut cache = lock();
        if let Some(hit) = cache.touch(hash, kernel, checks) {
            // Another thread compiled it meanwhile: keep theirs, drop ours below.
            return Ok(hit);
        }
        let now = cache.clock;
        evicted = if cache.len >= CAPACITY {
            EVICTIONS.fetch_add(1, Ordering::Relaxed);
            if codegen::debug_level() >= 1 {
                eprintln!("numcrane-jit: cache full ({CAPACITY}): evicting the least recently used kernel");
            }
            cache.evict_oldest()
        } else {
            None
        };
        cache.map.entry(hash).or_default().push(Entry {
            structure: kernel.clone(),
            checks,
            kernel: Arc::clone(&compiled),
            last_use: now,
        });
        cache.len += 1;
    }
    // Free evicted code outside the lock.
    drop(evicted);
    remember(hash, kernel, checks, &compiled);
    Ok(compiled)
}
