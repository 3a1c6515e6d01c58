//! The `casebook` command: arguments → one library call → diagnostics on
//! stderr → exit code (0 ok, 1 content or template errors, 2 usage errors).

use casebook::diagnostics::Diagnostics;
use casebook::timings::Timings;
use casebook::{BuildOptions, date::Date};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "casebook",
    version,
    about = "Publish public case studies as a fast, accessible, searchable static site"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into public/ (or --output), replacing it only on success
    Build {
        #[arg(long, default_value = ".")]
        root: PathBuf,
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
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Preview the site: build it, serve it on this computer, and rebuild and
    /// reload the open page on every save
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 0 picks any free port
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
    /// Create content/cases/<slug>.md from the case template
    New {
        slug: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long)]
        title: Option<String>,
    },
    /// Write cases from a spreadsheet (.csv, .xlsx, .xls, .ods) or from the
    /// site's own open data CSV files
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
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
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            timings: show_timings,
        } => {
            let options = BuildOptions {
                root: root.clone(),
                output,
                base_url,
                drafts,
            };
            let mut timings = Timings::default();
            let diagnostics = casebook::build_timed(&options, &mut timings);
            let code = report(&diagnostics, &root, Format::Text);
            if show_timings {
                eprint!("{}", timings.report());
            }
            if code == ExitCode::SUCCESS {
                eprintln!(
                    "built {} in {:.2?}",
                    options.output_dir().display(),
                    timings.total()
                );
            }
            code
        }
        Command::Check { root, format } => {
            let options = BuildOptions {
                root: root.clone(),
                ..BuildOptions::default()
            };
            let diagnostics = casebook::check(&options);
            let code = report(&diagnostics, &root, format);
            if code == ExitCode::SUCCESS && matches!(format, Format::Text) {
                eprintln!("no problems found");
            }
            code
        }
        Command::Serve {
            root,
            port,
            bind,
            drafts,
            timings,
        } => {
            let options = casebook::serve::ServeOptions {
                root,
                bind,
                port,
                drafts,
                timings,
            };
            match casebook::serve::run(&options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("error: {}", error.message);
                    if !error.hint.is_empty() {
                        eprintln!("  hint: {}", error.hint);
                    }
                    ExitCode::from(if error.usage { 2 } else { 1 })
                }
            }
        }
        Command::New { slug, root, title } => {
            match casebook::new_case::create(&root, &slug, title.as_deref(), Date::today_in_japan())
            {
                Ok(path) => {
                    println!("{}", path.display());
                    ExitCode::SUCCESS
                }
                Err((message, hint)) => {
                    eprintln!("error: {message}");
                    if !hint.is_empty() {
                        eprintln!("  hint: {hint}");
                    }
                    ExitCode::from(1)
                }
            }
        }
        Command::Import {
            files,
            root,
            map,
            dry_run,
            update,
            encoding,
        } => {
            let options = casebook::import::ImportOptions {
                root: root.clone(),
                files,
                map,
                dry_run,
                update,
                encoding: encoding.map(|e| match e {
                    CsvEncoding::Utf8 => casebook::import::Encoding::Utf8,
                    CsvEncoding::ShiftJis => casebook::import::Encoding::ShiftJis,
                }),
            };
            let imported = casebook::import::run(&options);
            print!("{}", imported.summary);
            report(&imported.diagnostics, &root, Format::Text)
        }
    }
}

/// Prints the diagnostics and returns the exit code they call for.
fn report(diagnostics: &Diagnostics, root: &std::path::Path, format: Format) -> ExitCode {
    match format {
        Format::Text => eprint!("{}", diagnostics.render_text(root)),
        Format::Json => print!("{}", diagnostics.render_json()),
    }
    if diagnostics.has_errors() {
        if matches!(format, Format::Text) {
            let count = diagnostics.error_count();
            let summary = format!(
                "{count} error{} found; nothing was written",
                if count == 1 { "" } else { "s" }
            );
            if std::io::stderr().is_terminal() {
                eprintln!("\x1b[1m{summary}\x1b[0m");
            } else {
                eprintln!("{summary}");
            }
        }
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

// The build allocates many short-lived strings on every core; mimalloc keeps
// that fast and keeps per-thread heaps from fragmenting.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
