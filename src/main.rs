//! The `elplan` command: parses the arguments, runs the command through
//! the library, and turns the outcome into an exit code.

mod cli;

// mimalloc: planning allocates many small values (minijinja values,
// strings); it is measurably faster here than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
