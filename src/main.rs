//! The `casebook` command: arguments → one library call → an [`Outcome`] →
//! [`report`], the one place that prints problems and picks the exit code
//! (0 ok, 1 content or template errors, 2 usage errors).

use casebook::diagnostics::{Diagnostic, Diagnostics, words};
use casebook::language::Language;
use casebook::timings::Timings;
use casebook::{BuildOptions, date::Date};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal as _;
use std::path::Path;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "casebook",
    version,
    about = "Publish public case studies as a fast, accessible, searchable static site"
)]
struct Cli {
    /// The language of messages: ja or en (default: CASEBOOK_LANG, else the
    /// site's `language`)
    #[arg(long, global = true, value_parser = ["ja", "en"])]
    lang: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into public/ (or --output), replacing it only on success
    Build {
        /// The site folder, holding casebook.yaml and content/
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: <root>/public]
        #[arg(long)]
        output: Option<PathBuf>,
        /// Override base_url from casebook.yaml (e.g. for a staging server)
        #[arg(long)]
        base_url: Option<String>,
        /// Include cases marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Print how long each pipeline stage took
        #[arg(long)]
        timings: bool,
    },
    /// Validate content, links, images and templates without writing
    Check {
        /// The site folder, holding casebook.yaml and content/
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// How to print the problems
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Preview the site: build it, serve it on this computer, and rebuild and
    /// reload the open page on every save
    Serve {
        /// The site folder, holding casebook.yaml and content/
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port to serve on; 0 picks any free port
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on; only this computer can reach 127.0.0.1
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Include cases marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Print the time of each stage of every rebuild
        #[arg(long)]
        timings: bool,
    },
    /// Write JSON Schema for front matter, casebook.yaml and cases.json,
    /// for editors and forms (made from the same field table as `check`)
    Schema {
        /// The site folder (holding casebook.yaml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the schema files (default: schema/ in the site)
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Create content/cases/<slug>.md from the case template
    New {
        /// The case's name in its URL: lowercase letters, digits and `-`
        slug: String,
        /// The site folder, holding casebook.yaml and content/
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The case's title [default: a placeholder to fill in]
        #[arg(long)]
        title: Option<String>,
    },
    /// Make a new site in DIR: settings, an example case, workflows that
    /// check and publish it, editor settings. Never overwrites a file
    Init {
        /// The folder of the new site; made if missing
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Write cases from a spreadsheet (.csv, .xlsx, .xls, .ods) or from the
    /// site's own open data CSV files
    Import {
        /// The spreadsheets or CSV files to read
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The site folder (holding casebook.yaml)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Which sheet, header row and columns to read (see the README)
        #[arg(long)]
        map: Option<PathBuf>,
        /// Show what would be written, and write nothing
        #[arg(long)]
        dry_run: bool,
        /// Rewrite the fields the sheet holds in cases that exist already
        #[arg(long)]
        update: bool,
        /// The text encoding of CSV files (default: UTF-8 if valid, else Shift_JIS)
        #[arg(long, value_enum)]
        encoding: Option<CsvEncoding>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum CsvEncoding {
    #[value(name = "utf-8")]
    Utf8,
    #[value(name = "shift_jis")]
    ShiftJis,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// For people: each problem with its source line
    Text,
    /// For tools: one JSON object per problem, one per line
    Json,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // clap prints its own usage errors, `--help` and `--version`.
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    let language = cli.language();
    let format = cli.command.format();
    let outcome = run(cli.command, language);
    report(outcome, format, language)
}

impl Cli {
    /// The language of every message: `--lang`, else CASEBOOK_LANG, else
    /// the site's `language`. A new site (`init`) is Japanese unless asked
    /// otherwise.
    fn language(&self) -> Language {
        let site = match &self.command {
            Command::Init { .. } => None,
            Command::Build { root, .. }
            | Command::Check { root, .. }
            | Command::Serve { root, .. }
            | Command::Schema { root, .. }
            | Command::New { root, .. }
            | Command::Import { root, .. } => casebook::config::site_language(root),
        };
        Language::choose(self.lang.as_deref(), site.as_deref())
    }
}

impl Command {
    /// How the problems are printed: as text, but for `check --format`.
    fn format(&self) -> Format {
        match self {
            Command::Check { format, .. } => *format,
            _ => Format::Text,
        }
    }
}

/// How a command ended: all that [`report`] prints after it.
enum Outcome {
    /// The command ran through and found `problems`; an error among them
    /// means it wrote nothing. Then come the stage `timings` when asked
    /// for, and the `done` line that says what it did when nothing failed.
    Finished {
        problems: Diagnostics,
        timings: Option<String>,
        done: Option<String>,
    },
    /// One problem stopped the command before it could do its work.
    Stopped(Diagnostic),
    /// The command line asked for something impossible.
    Misused(Diagnostic),
}

impl Outcome {
    fn finished(problems: Diagnostics) -> Outcome {
        Outcome::Finished {
            problems,
            timings: None,
            done: None,
        }
    }

    fn done(done: String) -> Outcome {
        Outcome::Finished {
            problems: Diagnostics::new(),
            timings: None,
            done: Some(done),
        }
    }
}

/// Runs the command; whatever it found is left to [`report`].
fn run(command: Command, language: Language) -> Outcome {
    match command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            timings,
        } => {
            let options = BuildOptions {
                root,
                output,
                base_url,
                drafts,
                check_only: false,
            };
            build(&options, timings, language)
        }
        Command::Check { root, .. } => check(root, language),
        Command::Serve {
            root,
            port,
            bind,
            drafts,
            timings,
        } => serve(&casebook::serve::ServeOptions {
            root,
            bind,
            port,
            drafts,
            timings,
            language,
        }),
        Command::Schema { root, out } => schema(root, out),
        Command::New { slug, root, title } => {
            match casebook::new_case::create(&root, &slug, title.as_deref(), Date::today_in_japan())
            {
                Ok(path) => {
                    println!("{}", path.display());
                    Outcome::finished(Diagnostics::new())
                }
                Err(problem) => Outcome::Stopped(*problem),
            }
        }
        Command::Init { dir } => init(&dir, language),
        Command::Import {
            files,
            root,
            map,
            dry_run,
            update,
            encoding,
        } => {
            let imported = casebook::import::run(&casebook::import::ImportOptions {
                language: Some(language),
                root,
                files,
                map,
                dry_run,
                update,
                encoding: encoding.map(|e| match e {
                    CsvEncoding::Utf8 => casebook::import::Encoding::Utf8,
                    CsvEncoding::ShiftJis => casebook::import::Encoding::ShiftJis,
                }),
            });
            print!("{}", imported.summary);
            Outcome::finished(imported.diagnostics)
        }
    }
}

fn build(options: &BuildOptions, show_timings: bool, language: Language) -> Outcome {
    let mut timings = Timings::default();
    timings.language = language;
    let problems = casebook::build_timed(options, &mut timings);
    let output = options.output_dir().display().to_string();
    let took = format!("{:.2?}", timings.total());
    Outcome::Finished {
        problems,
        timings: show_timings.then(|| timings.report()),
        done: Some(match language {
            Language::Japanese => format!("{output} に書き出しました（{took}）"),
            Language::English => format!("built {output} in {took}"),
        }),
    }
}

fn check(root: PathBuf, language: Language) -> Outcome {
    let options = BuildOptions {
        root,
        ..BuildOptions::default()
    };
    Outcome::Finished {
        problems: casebook::check(&options),
        timings: None,
        done: Some(
            language
                .pick("問題は見つかりませんでした", "no problems found")
                .to_string(),
        ),
    }
}

fn serve(options: &casebook::serve::ServeOptions) -> Outcome {
    match casebook::serve::run(options) {
        Ok(()) => Outcome::finished(Diagnostics::new()),
        Err(error) if error.usage => Outcome::Misused(*error.diagnostic),
        Err(error) => Outcome::Stopped(*error.diagnostic),
    }
}

fn schema(root: PathBuf, out: Option<PathBuf>) -> Outcome {
    let options = BuildOptions {
        root,
        ..BuildOptions::default()
    };
    let mut problems = Diagnostics::new();
    let Some(files) = casebook::schemas(&options, &mut problems) else {
        return Outcome::finished(problems);
    };
    let out = out.unwrap_or_else(|| options.root.join("schema"));
    let written = std::fs::create_dir_all(&out).and_then(|()| {
        files
            .iter()
            .try_for_each(|(name, bytes)| std::fs::write(out.join(name), bytes))
    });
    if let Err(error) = written {
        return Outcome::Stopped(Diagnostic::error_in(
            out.display().to_string(),
            words(
                format!("cannot write the schema files: {error}"),
                format!("スキーマのファイルを書き出せません: {error}"),
            ),
            None,
        ));
    }
    for (name, _) in &files {
        println!("{}", out.join(name).display());
    }
    // The schema needs only what the configuration declares; `check`
    // reports the rest of its problems.
    Outcome::finished(Diagnostics::new())
}

fn init(dir: &Path, language: Language) -> Outcome {
    let paths = match casebook::init::create(dir, Date::today_in_japan()) {
        Ok(paths) => paths,
        Err(problem) => return Outcome::Stopped(*problem),
    };
    for path in &paths {
        println!("{}", path.display());
    }
    let dir = dir.display();
    Outcome::done(match language {
        Language::Japanese => {
            format!(
                "{dir} に新しいサイトを作りました。`casebook serve --root {dir}` で確かめられます"
            )
        }
        Language::English => {
            format!("made a new site in {dir}; preview it with `casebook serve --root {dir}`")
        }
    })
}

/// The one place a command's ending is printed, in `format` and `language`,
/// and its exit code chosen: 0 ok, 1 content or template errors or a
/// command that stopped, 2 usage errors. The summary and the `done` line
/// are for people, so JSON has neither.
fn report(outcome: Outcome, format: Format, language: Language) -> ExitCode {
    let (problems, timings, done, failure) = match outcome {
        Outcome::Finished {
            problems,
            timings,
            done,
        } => (problems, timings, done, None),
        Outcome::Stopped(problem) => (one(problem), None, None, Some(1)),
        Outcome::Misused(problem) => (one(problem), None, None, Some(2)),
    };
    match format {
        Format::Text => eprint!("{}", problems.render_text(language)),
        Format::Json => print!("{}", problems.render_json(language)),
    }
    if let Some(code) = failure {
        return ExitCode::from(code);
    }
    let failed = problems.has_errors();
    if failed && matches!(format, Format::Text) {
        print_summary(problems.error_count(), language);
    }
    if let Some(timings) = timings {
        eprint!("{timings}");
    }
    if failed {
        return ExitCode::from(1);
    }
    if let Some(done) = done.filter(|_| matches!(format, Format::Text)) {
        eprintln!("{done}");
    }
    ExitCode::SUCCESS
}

fn one(problem: Diagnostic) -> Diagnostics {
    let mut problems = Diagnostics::new();
    problems.push(problem);
    problems
}

/// The last line of a run that failed, in bold on a terminal.
fn print_summary(count: usize, language: Language) {
    let summary = match language {
        Language::Japanese => format!("エラーが{count}件あります。何も書き出していません"),
        Language::English => format!(
            "{count} error{} found; nothing was written",
            if count == 1 { "" } else { "s" }
        ),
    };
    if std::io::stderr().is_terminal() {
        eprintln!("\x1b[1m{summary}\x1b[0m");
    } else {
        eprintln!("{summary}");
    }
}

// The build allocates many short-lived strings on every core; mimalloc keeps
// that fast and keeps per-thread heaps from fragmenting.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
