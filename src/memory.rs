//! How the allocator gives memory back (glibc, the one `spro` is built with on Linux; a no-op
//! elsewhere). Two habits of glibc's malloc weigh on the peaks of `benches/memory.sh`:
//!
//! - its threshold for serving an allocation by its own mapping moves up (to 32 MiB) once a
//!   large block is freed, so that the vectors calamine grows while it reads an `.ods` or an
//!   `.xls` whole the second time (the annotated copy) come from the heap, where each old
//!   block stays behind when a vector doubles: 262 MiB at the copy's peak for 78,000 actions,
//!   against 219 for their check. A threshold fixed at 1 MiB: 220 (256 KiB: 262, 4 MiB: 220);
//! - what a check frees stays in the allocator's pieces of heap, one per thread, until the
//!   process ends: given back after each check of `spro serve` and before the copy that reads
//!   a file again.

/// Fixes the allocator's threshold: call once, first thing.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a parameter of glibc's allocator, before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// Gives the memory freed so far back to the system.
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of the allocator's own arenas; it reads
    // and writes nothing of ours.
    unsafe {
        libc::malloc_trim(0);
    }
}
