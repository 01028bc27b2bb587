// The default rule base and templates are embedded with `include_dir!`;
// tell cargo to rebuild when any of their files change.
fn main() {
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=templates");
}
