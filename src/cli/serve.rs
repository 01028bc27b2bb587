//! `elplan serve`: the what-if studio, a local page for a district team.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;

use elplan::session::{Session, Sources};
use elplan::studio::{self, Studio};

use super::Status;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// District files, or folders of them (the current folder when none);
    /// the studio reads and writes nothing outside these folders
    #[arg(value_name = "DISTRICT|DIR")]
    paths: Vec<PathBuf>,
    /// The port to listen on, on this machine only (127.0.0.1); 0 picks a free one
    #[arg(long, default_value_t = 7878)]
    port: u16,
}

pub fn run(sources: &Sources, args: &ServeArgs) -> anyhow::Result<Status> {
    let session = Session::load(sources)?;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(studio::address(args.port))
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "cannot listen on 127.0.0.1:{}: {e} (try another --port, or --port 0 for any free one)",
                    args.port
                )
            })?;
        let port = listener.local_addr()?.port();
        let studio = Arc::new(Studio::new(session, &paths, port)?);
        println!("elplan studio: http://127.0.0.1:{port}/  (Ctrl-C stops it)");
        std::io::Write::flush(&mut std::io::stdout())?;
        studio::serve(studio, listener).await?;
        Ok(Status::Success)
    })
}
