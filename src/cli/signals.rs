//! Being asked to stop (SIGINT, SIGTERM, SIGHUP) while a browser prints a
//! PDF: the browser and everything it started are stopped and its work
//! folder removed ([`elplan::pdf::stop_all`]), then elplan ends as the
//! signal would have ended it. Only commands that print install this:
//! `serve` stops on Ctrl-C in its own, graceful way.

/// Stops the PDF printing on SIGINT, SIGTERM or SIGHUP, from a thread of
/// its own (a signal handler itself may do almost nothing).
pub fn stop_printing_on_signals() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                elplan::pdf::stop_all();
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        });
    }
}

/// Once a signal has started stopping the prints, waits for that to end
/// the process: a print it stopped must not be reported as a failure, nor
/// elplan end before the browser's folder is gone.
pub fn wait_if_stopping() {
    if elplan::pdf::stopping() {
        loop {
            std::thread::park();
        }
    }
}
