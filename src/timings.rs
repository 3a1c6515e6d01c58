//! Timings: how long each pipeline stage took (`build --timings`), and the
//! progress line a long build shows on a terminal.

use crate::language::Language;
use std::io::{IsTerminal as _, Write as _};
use std::time::{Duration, Instant};

/// Builds shorter than this show no progress line.
const QUIET_FOR: Duration = Duration::from_secs(1);

pub struct Timings {
    started: Instant,
    /// Each stage's name, time, and the process's peak resident memory at
    /// its end (bytes; 0 where the system does not say).
    stages: Vec<(&'static str, Duration, u64)>,
    /// Whether to draw the progress line (stderr is a terminal).
    progress: bool,
    drawn: bool,
    /// The language of the progress line.
    pub language: Language,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            started: Instant::now(),
            stages: Vec::new(),
            progress: std::io::stderr().is_terminal(),
            drawn: false,
            language: Language::default(),
        }
    }
}

impl Timings {
    /// Runs one stage, timing it; `what` describes the work for the progress line.
    pub fn stage<T>(
        &mut self,
        name: &'static str,
        what: impl FnOnce(Language) -> String,
        run: impl FnOnce() -> T,
    ) -> T {
        if self.progress && self.started.elapsed() >= QUIET_FOR {
            eprint!("\r\x1b[2K{}", what(self.language));
            let _ = std::io::stderr().flush();
            self.drawn = true;
        }
        let start = Instant::now();
        let result = run();
        self.stages
            .push((name, start.elapsed(), peak_resident_bytes()));
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

    /// One line per stage with its share of the total, and the peak memory
    /// reached by its end (which stage made the peak is where it grows).
    pub fn report(&self) -> String {
        let total = self.total().as_secs_f64().max(1e-9);
        let mut out = String::new();
        for (name, took, peak) in &self.stages {
            out.push_str(&format!(
                "{name:>12}  {:>9.1} ms  {:>5.1}%  {:>6} MiB peak\n",
                took.as_secs_f64() * 1000.0,
                100.0 * took.as_secs_f64() / total,
                peak >> 20,
            ));
        }
        out.push_str(&format!("{:>12}  {:>9.1} ms\n", "total", total * 1000.0));
        out
    }
}

/// The most memory the process has held resident so far (`VmHWM`), in bytes;
/// 0 where `/proc/self/status` does not exist.
fn peak_resident_bytes() -> u64 {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return 0;
    };
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map_or(0, |kib| kib << 10)
}
