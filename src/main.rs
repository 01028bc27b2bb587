fn main() {
    std::process::exit(elplan::cli::main());
}
