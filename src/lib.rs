//! casebook: Markdown case studies in, a static site out.
//!
//! The pipeline, one stage per module, data flowing one way:
//! config → content → model → bodies (markdown) → render, feeds, sitemap,
//! open data → output. `check` runs every stage but the last; `serve` keeps
//! the output in memory and, with [`Caches`], re-runs only what a change touches.

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
pub mod serve;
pub mod sitemap;

use diagnostics::{Diagnostic, Diagnostics};
use output::OutputFile;
use std::path::{Path, PathBuf};

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

/// What a rebuild reuses from the runs before it: parsed files, rendered
/// bodies and rendered pages, each checked against its inputs before reuse.
/// The live preview keeps one between rebuilds; `build` starts from an empty one.
#[derive(Default)]
pub struct Caches {
    /// The configuration and options the caches were filled with; any change
    /// empties them.
    settings: u64,
    content: content::Cache,
    bodies: bodies::Cache,
    pages: render::Cache,
}

impl Caches {
    /// Makes the next run read `rel` (`content/cases/a.md`) again.
    pub fn forget(&mut self, rel: &str) {
        self.content.forget(rel);
    }

    /// How many pages the last run rendered; the others were reused.
    pub fn pages_rendered(&self) -> usize {
        self.pages.rendered
    }
}

/// Every output file of the site, or `None` when there are errors.
pub fn generate(options: &BuildOptions, diagnostics: &mut Diagnostics) -> Option<Vec<OutputFile>> {
    generate_cached(options, &mut Caches::default(), diagnostics)
}

/// [`generate`], reusing what `caches` holds from an earlier run. The result
/// is the same as a clean run's, byte for byte.
pub fn generate_cached(
    options: &BuildOptions,
    caches: &mut Caches,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<OutputFile>> {
    let root = &options.root;
    let mut config = config::load(root, diagnostics)?;
    if let Some(base_url) = &options.base_url {
        match config.with_base_url(base_url) {
            Ok(updated) => config = updated,
            Err(message) => {
                diagnostics.push(Diagnostic::error("--base-url", message));
                return None;
            }
        }
    }
    let settings = render::hash_of(&(format!("{config:?}"), options.drafts));
    if caches.settings != settings {
        *caches = Caches {
            settings,
            ..Caches::default()
        };
    }
    let load_options = content::LoadOptions {
        drafts: options.drafts,
    };
    let content = content::load_cached(
        root,
        &config.language,
        load_options,
        &mut caches.content,
        diagnostics,
    );
    let site = model::build(config, content, diagnostics);
    let bodies = bodies::render_bodies_cached(&site, &mut caches.bodies, diagnostics);
    let renderer = render::Renderer::new(root, &site, diagnostics)?;

    let mut files = renderer.render(&site, &bodies, &mut caches.pages, diagnostics);
    files.extend(bodies.assets);
    files.extend(feeds::files(&site));
    files.extend(sitemap::files(&site));
    files.extend(opendata::files(&site));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    (!diagnostics.has_errors()).then_some(files)
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
    let mut diagnostics = Diagnostics::new();
    let output_dir = options.output_dir();
    if let Some(problem) = unsafe_output_dir(&options.root, &output_dir) {
        diagnostics.push(
            Diagnostic::error(output_dir.display().to_string(), problem)
                .hint("choose another --output folder"),
        );
        return diagnostics;
    }
    if let Some(files) = generate(options, &mut diagnostics)
        && let Err(error) = output::write_atomically(&output_dir, &files)
    {
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
