// The default rule base, templates and fixtures are embedded with `include_dir!`;
// tell cargo to rebuild when any of their files change.
fn main() {
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=fixtures");
}
