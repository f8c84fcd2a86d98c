//! The global allocator: mimalloc, its options set before the first
//! allocation, and [`collect`], which returns freed pages between batches.
//!
//! The only module of the binary with allocator FFI (`unsafe` is allowed here).
#![allow(unsafe_code)]

/// mimalloc returns freed memory to the system between batches; glibc's
/// per-thread arenas kept it, so peak RSS grew with the number of batches.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

extern "C" {
    /// mimalloc: free the pages of empty segments and return them to the system.
    fn mi_collect(force: bool);
    /// mimalloc: set an option (`mi_option_t` in mimalloc.h).
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_arena_eager_commit` in mimalloc.h (v3).
const MI_OPTION_ARENA_EAGER_COMMIT: std::ffi::c_int = 4;
/// `mi_option_purge_delay` in mimalloc.h (v3; libmimalloc-sys does not name it).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// Allocator options, set from the ELF constructors, before the first
/// allocation (set in `main`, the first arena is already committed): return
/// freed pages to the system 100 ms after they are freed, and commit arena
/// memory as it is used rather than whole arenas up front. Pages freed by one
/// batch are returned before the next batch peaks by [`collect`], which purges
/// at once. A delay of 0 (every free page returned at once) cost 10-14% of the
/// run's CPU in page faults and madvise calls, as the next allocation faulted
/// the same page back in; 100 ms keeps most of that churn resident (peak RSS of
/// a 100-case run 125 -> 140 MiB).
#[used]
#[link_section = ".init_array"]
static MIMALLOC_OPTIONS: extern "C" fn() = {
    extern "C" fn set() {
        // SAFETY: setting an option only writes mimalloc's option table.
        unsafe {
            mi_option_set(MI_OPTION_PURGE_DELAY, 100);
            mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
        }
    }
    set
};

/// Return the pages of empty segments to the system (after each batch).
pub(crate) fn collect() {
    // SAFETY: mi_collect only walks the allocator's own free lists.
    unsafe { mi_collect(true) }
}
