// mimalloc: planning allocates many small values (minijinja values,
// strings); it is measurably faster here than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(elplan::cli::main());
}
