//! casebook: Markdown case studies in, a static site out.
//!
//! The pipeline, one stage per module, data flowing one way:
//! config → content → model → bodies (markdown) → render, feeds, sitemap,
//! open data → output. `check` runs every stage but the last.

pub mod bodies;
pub mod config;
pub mod content;
pub mod date;
pub mod diagnostics;
pub mod escape;
pub mod feeds;
pub mod markdown;
pub mod model;
pub mod new_case;
pub mod opendata;
pub mod output;
pub mod render;
pub mod sitemap;
pub mod timings;

use diagnostics::{Diagnostic, Diagnostics};
use output::OutputFile;
use std::path::{Path, PathBuf};
use timings::Timings;

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `<root>/public`.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
}

impl BuildOptions {
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// Every output file of the site, or `None` when there are errors.
pub fn generate(options: &BuildOptions, diagnostics: &mut Diagnostics) -> Option<Vec<OutputFile>> {
    generate_timed(options, diagnostics, &mut Timings::default())
}

/// [`generate`], timing each stage.
pub fn generate_timed(
    options: &BuildOptions,
    diagnostics: &mut Diagnostics,
    timings: &mut Timings,
) -> Option<Vec<OutputFile>> {
    let root = &options.root;
    let config = timings.stage(
        "config",
        || "reading casebook.yaml".into(),
        || load_config(options, diagnostics),
    )?;
    let load_options = content::LoadOptions {
        drafts: options.drafts,
    };
    let content = timings.stage(
        "content",
        || "loading content…".into(),
        || content::load(root, &config.language, load_options, diagnostics),
    );
    let case_count = content.cases.len();
    let site = timings.stage(
        "model",
        || format!("{case_count} cases loaded; linking…"),
        || model::build(config, content, diagnostics),
    );
    let bodies = timings.stage(
        "markdown",
        || format!("{case_count} cases loaded; rendering Markdown…"),
        || bodies::render_bodies(&site, diagnostics),
    );
    let renderer = timings.stage(
        "templates",
        || "compiling templates…".into(),
        || render::Renderer::new(root, &site, diagnostics),
    )?;
    let mut files = timings.stage(
        "render",
        || format!("{case_count} cases; rendering pages…"),
        || renderer.render(&site, &bodies, diagnostics),
    );
    timings.stage(
        "data",
        || "writing feed, sitemap and open data…".into(),
        || {
            files.extend(feeds::files(&site));
            files.extend(sitemap::files(&site));
            files.extend(opendata::files(&site));
        },
    );
    files.extend(bodies.assets);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    (!diagnostics.has_errors()).then_some(files)
}

fn load_config(options: &BuildOptions, diagnostics: &mut Diagnostics) -> Option<config::Config> {
    let config = config::load(&options.root, diagnostics)?;
    match &options.base_url {
        None => Some(config),
        Some(base_url) => match config.with_base_url(base_url) {
            Ok(updated) => Some(updated),
            Err(message) => {
                diagnostics.push(Diagnostic::error("--base-url", message));
                None
            }
        },
    }
}

/// Validates everything `build` would, without writing.
pub fn check(options: &BuildOptions) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    generate(options, &mut diagnostics);
    diagnostics
}

/// Builds the site and swaps it into the output folder; on any error the
/// previous output stays as it was.
pub fn build(options: &BuildOptions) -> Diagnostics {
    build_timed(options, &mut Timings::default())
}

/// [`build`], timing each stage.
pub fn build_timed(options: &BuildOptions, timings: &mut Timings) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    let output_dir = options.output_dir();
    if let Some(problem) = unsafe_output_dir(&options.root, &output_dir) {
        diagnostics.push(
            Diagnostic::error(output_dir.display().to_string(), problem)
                .hint("choose another --output folder"),
        );
        return diagnostics;
    }
    let files = generate_timed(options, &mut diagnostics, timings);
    let written = files.map(|files| {
        let count = files.len();
        timings.stage(
            "write",
            || format!("writing {count} files…"),
            || output::write_atomically(&output_dir, &files),
        )
    });
    timings.finish();
    if let Some(Err(error)) = written {
        diagnostics.push(
            Diagnostic::error(
                error.path.display().to_string(),
                format!("cannot write the site: {}", error.message),
            )
            .hint("the previous output was left as it was; check permissions and free space"),
        );
    }
    diagnostics
}

/// The output folder is replaced whole, so it must not hold the site itself.
fn unsafe_output_dir(root: &Path, output: &Path) -> Option<String> {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (root, output) = (absolute(root), absolute(output));
    if root.starts_with(&output) {
        return Some(
            "the output folder contains the site; building would replace the site itself".into(),
        );
    }
    for source in ["content", "themes"] {
        if output.starts_with(root.join(source)) {
            return Some(format!(
                "the output folder is inside {source}/, which the build reads"
            ));
        }
    }
    None
}
