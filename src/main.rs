//! The `elplan` command: parses the arguments, runs the command through
//! the library, and turns the outcome into an exit code.

mod cli;

// mimalloc: planning allocates many small values (minijinja values,
// strings); it is measurably faster here than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Whether standard output was closed when the process started (`>&-`).
/// Rust's runtime then opens /dev/null on it before `main`, so only a
/// check that runs earlier can tell: a function in `.init_array`, which the
/// C runtime calls before Rust's runtime is set up.
#[cfg(target_os = "linux")]
pub(crate) static STDOUT_CLOSED: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static CHECK_STDOUT: extern "C" fn() = {
    extern "C" fn check() {
        // SAFETY: F_GETFD only asks about descriptor 1; on a closed one it
        // fails with EBADF and changes nothing.
        let closed = unsafe { libc::fcntl(1, libc::F_GETFD) } == -1;
        STDOUT_CLOSED.store(closed, std::sync::atomic::Ordering::Relaxed);
    }
    check
};

fn main() -> std::process::ExitCode {
    cli::main()
}
