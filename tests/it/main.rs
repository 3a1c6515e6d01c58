//! Integration tests: the `casebook` binary run on small fixture sites.

mod harness;

/// Command line: subcommands, exit codes, `new`.
mod cli;
/// Open data files: CSV rules and JSON.
mod opendata;
/// Rendered pages: facts panel, Japanese formats, sub-path hrefs, themes.
mod render;
/// The project's own sample site.
mod sample;
/// Front matter and content rules: exact diagnostics with file, line and column.
mod schema;
/// The live preview: incremental rebuilds equal clean builds; what one edit rewrites.
mod serve;
