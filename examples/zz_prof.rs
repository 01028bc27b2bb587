#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use elplan::render::Format;
use elplan::render::RenderOptions;
use elplan::session::Session;
fn main() {
    let path = std::path::PathBuf::from("fixtures/calli/mendota-unified.ron");
    let session = Session::embedded().expect("session");
    let district = elplan::district::District::load(&path).expect("district");
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let mode = std::env::args().nth(2).unwrap_or_default();
    let plan = session.plan(&district, &path).expect("plan");
    for _ in 0..n {
        if mode == "md" {
            std::hint::black_box(
                session
                    .render(Format::Md, &plan, &district, &RenderOptions::default())
                    .expect("r"),
            );
        } else {
            std::hint::black_box(session.plan(&district, &path).expect("plan"));
        }
    }
}
