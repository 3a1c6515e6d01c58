//! Timings: how long each pipeline stage took (`build --timings`), and the
//! progress line a long build shows on a terminal.

use std::io::{IsTerminal as _, Write as _};
use std::time::{Duration, Instant};

/// Builds shorter than this show no progress line.
const QUIET_FOR: Duration = Duration::from_secs(1);

pub struct Timings {
    started: Instant,
    stages: Vec<(&'static str, Duration)>,
    /// Whether to draw the progress line (stderr is a terminal).
    progress: bool,
    drawn: bool,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            started: Instant::now(),
            stages: Vec::new(),
            progress: std::io::stderr().is_terminal(),
            drawn: false,
        }
    }
}

impl Timings {
    /// Runs one stage, timing it; `what` describes the work for the progress line.
    pub fn stage<T>(
        &mut self,
        name: &'static str,
        what: impl FnOnce() -> String,
        run: impl FnOnce() -> T,
    ) -> T {
        if self.progress && self.started.elapsed() >= QUIET_FOR {
            eprint!("\r\x1b[2K{}", what());
            let _ = std::io::stderr().flush();
            self.drawn = true;
        }
        let start = Instant::now();
        let result = run();
        self.stages.push((name, start.elapsed()));
        result
    }

    /// Clears the progress line, if one was drawn.
    pub fn finish(&mut self) {
        if self.drawn {
            eprint!("\r\x1b[2K");
            self.drawn = false;
        }
    }

    pub fn total(&self) -> Duration {
        self.started.elapsed()
    }

    /// One line per stage with its share of the total.
    pub fn report(&self) -> String {
        let total = self.total().as_secs_f64().max(1e-9);
        let mut out = String::new();
        for (name, took) in &self.stages {
            out.push_str(&format!(
                "{name:>10}  {:>9.1} ms  {:>5.1}%\n",
                took.as_secs_f64() * 1000.0,
                100.0 * took.as_secs_f64() / total
            ));
        }
        out.push_str(&format!("{:>10}  {:>9.1} ms\n", "total", total * 1000.0));
        out
    }
}
