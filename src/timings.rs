//! Timings: how long each pipeline stage took (`build --timings`), and the
//! progress line a long build shows on a terminal.

use crate::language::Language;
use std::io::{IsTerminal as _, Write as _};
use std::time::{Duration, Instant};

/// Builds shorter than this show no progress line.
const QUIET_FOR: Duration = Duration::from_secs(1);

/// The stages of the pipeline, as the progress line and `--timings` name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Config,
    Content,
    Translations,
    Model,
    Markdown,
    Images,
    Templates,
    Render,
    Search,
    Data,
    Write,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Config => "config",
            Stage::Content => "content",
            Stage::Translations => "translations",
            Stage::Model => "model",
            Stage::Markdown => "markdown",
            Stage::Images => "images",
            Stage::Templates => "templates",
            Stage::Render => "render",
            Stage::Search => "search",
            Stage::Data => "data",
            Stage::Write => "write",
        }
    }

    /// What the stage is doing, for the progress line; `cases` is how many
    /// cases were loaded (0 before the content is).
    fn doing(self, cases: usize, language: Language) -> String {
        let (ja, en): (String, String) = match self {
            Stage::Config => (
                "casebook.yaml を読んでいます".into(),
                "reading casebook.yaml".into(),
            ),
            Stage::Content => (
                "コンテンツを読み込んでいます…".into(),
                "loading content…".into(),
            ),
            Stage::Translations => (
                "翻訳を原文に重ねています…".into(),
                "laying translations over their originals…".into(),
            ),
            Stage::Model => (
                format!("{cases}件の事例を読み込みました。つなぎ合わせています…"),
                format!("{cases} cases loaded; linking…"),
            ),
            Stage::Markdown => (
                format!("{cases}件の事例の本文（Markdown）を変換しています…"),
                format!("{cases} cases loaded; rendering Markdown…"),
            ),
            Stage::Images => ("画像を縮小しています…".into(), "resizing images…".into()),
            Stage::Templates => (
                "テンプレートを読み込んでいます…".into(),
                "compiling templates…".into(),
            ),
            Stage::Render => (
                format!("{cases}件の事例のページを作っています…"),
                format!("{cases} cases; rendering pages…"),
            ),
            Stage::Search => (
                format!("{cases}件の事例の検索索引を作っています…"),
                format!("{cases} cases; writing the search index…"),
            ),
            Stage::Data => (
                "フィード、サイトマップ、オープンデータを書き出しています…".into(),
                "writing feed, sitemap and open data…".into(),
            ),
            Stage::Write => (
                "出力フォルダーを入れ替えています…".into(),
                "replacing the output folder…".into(),
            ),
        };
        language.pick(&ja, &en).to_string()
    }
}

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
    /// How many cases the build loaded, for the progress line.
    pub cases: usize,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            started: Instant::now(),
            stages: Vec::new(),
            progress: std::io::stderr().is_terminal(),
            drawn: false,
            language: Language::default(),
            cases: 0,
        }
    }
}

impl Timings {
    /// Runs one stage, timing it.
    pub fn stage<T>(&mut self, stage: Stage, run: impl FnOnce() -> T) -> T {
        if self.progress && self.started.elapsed() >= QUIET_FOR {
            eprint!("\r\x1b[2K{}", stage.doing(self.cases, self.language));
            let _ = std::io::stderr().flush();
            self.drawn = true;
        }
        let start = Instant::now();
        let result = run();
        self.stages
            .push((stage.name(), start.elapsed(), peak_resident_bytes()));
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
