//! The `casebook` command: arguments → one library call → diagnostics on
//! stderr → exit code (0 ok, 1 content or template errors, 2 usage errors).

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
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    // The language messages are printed in: chosen once the site is known.
    let lang = cli.lang.clone();
    let language_of = move |root: &Path| {
        Language::choose(
            lang.as_deref(),
            casebook::config::site_language(root).as_deref(),
        )
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
                check_only: false,
            };
            let language = language_of(&root);
            let mut timings = Timings::default();
            timings.language = language;
            let diagnostics = casebook::build_timed(&options, &mut timings);
            let code = report(&diagnostics, Format::Text, language);
            if show_timings {
                eprint!("{}", timings.report());
            }
            if code == ExitCode::SUCCESS {
                let output = options.output_dir().display().to_string();
                let took = format!("{:.2?}", timings.total());
                eprintln!(
                    "{}",
                    match language {
                        Language::Japanese => format!("{output} に書き出しました（{took}）"),
                        Language::English => format!("built {output} in {took}"),
                    }
                );
            }
            code
        }
        Command::Check { root, format } => {
            let options = BuildOptions {
                root: root.clone(),
                ..BuildOptions::default()
            };
            let language = language_of(&root);
            let diagnostics = casebook::check(&options);
            let code = report(&diagnostics, format, language);
            if code == ExitCode::SUCCESS && matches!(format, Format::Text) {
                eprintln!(
                    "{}",
                    language.pick("問題は見つかりませんでした", "no problems found")
                );
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
            let language = language_of(&root);
            let options = casebook::serve::ServeOptions {
                root: root.clone(),
                bind,
                port,
                drafts,
                timings,
                language,
            };
            match casebook::serve::run(&options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    let usage = error.usage;
                    let mut diagnostics = Diagnostics::new();
                    diagnostics.push(*error.diagnostic);
                    eprint!("{}", diagnostics.render_text(language));
                    ExitCode::from(if usage { 2 } else { 1 })
                }
            }
        }
        Command::Schema { root, out } => {
            let options = BuildOptions {
                root: root.clone(),
                ..BuildOptions::default()
            };
            let mut diagnostics = Diagnostics::new();
            let language = language_of(&root);
            let Some(files) = casebook::schemas(&options, &mut diagnostics) else {
                return report(&diagnostics, Format::Text, language);
            };
            let out = out.unwrap_or_else(|| root.join("schema"));
            let written = std::fs::create_dir_all(&out).and_then(|()| {
                files
                    .iter()
                    .try_for_each(|(name, bytes)| std::fs::write(out.join(name), bytes))
            });
            match written {
                Ok(()) => {
                    for (name, _) in &files {
                        println!("{}", out.join(name).display());
                    }
                    ExitCode::SUCCESS
                }
                Err(error) => fail(
                    Diagnostic::error_in(
                        out.display().to_string(),
                        words(
                            format!("cannot write the schema files: {error}"),
                            format!("スキーマのファイルを書き出せません: {error}"),
                        ),
                        None,
                    ),
                    language,
                ),
            }
        }
        Command::New { slug, root, title } => {
            let language = language_of(&root);
            match casebook::new_case::create(&root, &slug, title.as_deref(), Date::today_in_japan())
            {
                Ok(path) => {
                    println!("{}", path.display());
                    ExitCode::SUCCESS
                }
                Err(problem) => fail(*problem, language),
            }
        }
        Command::Init { dir } => {
            // A new site is Japanese unless asked otherwise.
            let language = Language::choose(cli.lang.as_deref(), None);
            match casebook::init::create(&dir, Date::today_in_japan()) {
                Ok(paths) => {
                    for path in &paths {
                        println!("{}", path.display());
                    }
                    let dir = dir.display();
                    eprintln!(
                        "{}",
                        match language {
                            Language::Japanese => format!(
                                "{dir} に新しいサイトを作りました。`casebook serve --root {dir}` で確かめられます"
                            ),
                            Language::English => format!(
                                "made a new site in {dir}; preview it with `casebook serve --root {dir}`"
                            ),
                        }
                    );
                    ExitCode::SUCCESS
                }
                Err(problem) => fail(*problem, language),
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
            let language = language_of(&root);
            let options = casebook::import::ImportOptions {
                language: Some(language),
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
            report(&imported.diagnostics, Format::Text, language)
        }
    }
}

/// Prints one problem that stopped a command, and returns exit code 1.
fn fail(problem: Diagnostic, language: Language) -> ExitCode {
    let mut diagnostics = Diagnostics::new();
    diagnostics.push(problem);
    eprint!("{}", diagnostics.render_text(language));
    ExitCode::from(1)
}

/// Prints the diagnostics and returns the exit code they call for.
fn report(diagnostics: &Diagnostics, format: Format, language: Language) -> ExitCode {
    match format {
        Format::Text => eprint!("{}", diagnostics.render_text(language)),
        Format::Json => print!("{}", diagnostics.render_json(language)),
    }
    if diagnostics.has_errors() {
        if matches!(format, Format::Text) {
            let count = diagnostics.error_count();
            let summary = match language {
                Language::Japanese => {
                    format!("エラーが{count}件あります。何も書き出していません")
                }
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
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

// The build allocates many short-lived strings on every core; mimalloc keeps
// that fast and keeps per-thread heaps from fragmenting.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
