//! casebook: Markdown case studies in, a static site out.
//!
//! The pipeline, one stage per module, data flowing one way:
//! config → content → translations → model → bodies (markdown) → images →
//! render, search, feeds, sitemap, open data → output. `check` runs every
//! stage but the last; `serve` keeps the output in memory and, with its
//! [`Memo`], re-runs only what a change touches. A site with translated
//! files is one `Site` per language, built by the same stages and written
//! under its language's folder (`en/`).

pub mod bodies;
pub mod cms;
pub mod config;
pub mod content;
pub mod date;
pub mod diagnostics;
pub mod escape;
pub mod feeds;
pub mod hash;
pub mod images;
pub mod import;
pub mod init;
pub mod json_schema;
pub mod language;
pub mod locale;
pub mod map;
pub mod markdown;
pub mod model;
pub mod new_case;
pub mod normalize;
pub mod opendata;
pub mod output;
pub mod render;
pub mod search;
pub mod serve;
pub mod sitemap;
pub mod source;
pub mod stats;
pub mod timings;
pub mod translations;

use diagnostics::{Diagnostic, Diagnostics, Words, words};
use output::{OutputFile, Sink};
use serve::Memo;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use timings::{Stage, Timings};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `<root>/public`.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Validate only (`casebook check`): images are read for their headers,
    /// never resized, and nothing is written, not even the image cache.
    pub check_only: bool,
}

impl BuildOptions {
    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// The site in one language, its ward map, and the folder its files go to:
/// `""` for the default language, `"en/"` for English.
struct Version {
    site: model::Site,
    map: Option<map::WardMap>,
    folder: String,
}

/// Runs every stage, handing each output file to `sink` as soon as it is
/// made, and calling `pages_made` once every page and the files beside them
/// went to it (the live preview shows them while the feed, sitemap and open
/// data, which read the whole site, are made). `false` when there are errors.
///
/// With a `memo` (the live preview's), each stage reuses what earlier runs
/// made from the same inputs and keeps what this run makes; without one,
/// nothing is kept, and each case's text and HTML go once they are used.
pub fn generate(
    options: &BuildOptions,
    memo: Option<&mut Memo>,
    diagnostics: &mut Diagnostics,
    timings: &mut Timings,
    sink: &Sink<'_>,
    pages_made: &mut dyn FnMut(&Diagnostics),
) -> bool {
    let mut run = Run {
        options,
        memo,
        diagnostics,
        sink,
    };
    let Some(config) = timings.stage(Stage::Config, || run.config()) else {
        return false;
    };
    let content = timings.stage(Stage::Content, || run.content(&config));
    timings.cases = content.cases.len();
    // Later stages find problems in files they no longer hold the text of:
    // they quote their lines from these heads.
    let heads = content.heads();
    let translated = timings.stage(Stage::Translations, || {
        translations::languages(&config, &content, run.diagnostics)
    });
    let mut versions = timings.stage(Stage::Model, || run.models(config, content, translated));
    run.diagnostics
        .quote_from(|file| heads.get(file).map(|head| (&**head, 1)));
    drop(heads);
    let mut bodies = timings.stage(Stage::Markdown, || run.bodies(&mut versions));
    let mut assets = files_beside_pages(&mut bodies);
    let images = timings.stage(Stage::Images, || run.images(&mut assets));
    let Some(renderer) = timings.stage(Stage::Templates, || run.renderer(&versions)) else {
        return false;
    };
    timings.stage(Stage::Render, || {
        run.pages(&renderer, &images, &versions, &mut bodies)
    });
    assets.into_iter().for_each(run.sink);
    pages_made(run.diagnostics);
    let fingerprint = sites_fingerprint(&versions);
    timings.stage(Stage::Search, || {
        run.whole_site("search", fingerprint, &mut |emit| {
            search_files(&versions, &bodies, emit)
        })
    });
    timings.stage(Stage::Data, || {
        run.whole_site("data", fingerprint, &mut |emit| data_files(&versions, emit))
    });
    !run.diagnostics.has_errors()
}

/// Where a stage that makes files from whole sites hands each one.
type Emit<'a> = &'a mut dyn FnMut(OutputFile);

/// One run of the pipeline: its options, the live preview's memo if any,
/// where its problems go and where its files go.
struct Run<'r, 's> {
    options: &'r BuildOptions,
    memo: Option<&'r mut Memo>,
    diagnostics: &'r mut Diagnostics,
    sink: &'r Sink<'s>,
}

impl Run<'_, '_> {
    /// `casebook.yaml`, with `--base-url` applied. A memo filled with other
    /// settings is emptied.
    fn config(&mut self) -> Option<config::Config> {
        let config = load_config(self.options, self.diagnostics)?;
        if let Some(memo) = self.memo.as_deref_mut() {
            memo.for_settings(&config, self.options.drafts);
        }
        Some(config)
    }

    fn content(&mut self, config: &config::Config) -> content::Content {
        let options = content::LoadOptions {
            drafts: self.options.drafts,
            case_rules: content::schema::CaseRules {
                require_sources: config.require_sources,
            },
        };
        let cache = self.memo.as_deref_mut().map(Memo::content);
        content::load(
            &self.options.root,
            &config.language,
            options,
            cache,
            self.diagnostics,
        )
    }

    /// The model of the site in its default language and in each
    /// translation, each with its ward map.
    fn models(
        &mut self,
        config: config::Config,
        content: content::Content,
        translated: Vec<translations::Language>,
    ) -> Vec<Version> {
        let diagnostics = &mut *self.diagnostics;
        let site = model::build(config, content, diagnostics);
        // A translation's facts are its original's, whose problems are
        // reported already; its model is checked only when they are fixed.
        let clean = !diagnostics.has_errors();
        let others: Vec<(model::Site, String)> = translated
            .into_iter()
            .map(|language| {
                let mut found = Diagnostics::new();
                let site = model::build(language.config, language.content, &mut found);
                if clean {
                    diagnostics.extend(found);
                }
                let folder = format!("{}/", site.config.language);
                (site, folder)
            })
            .collect();
        // Every language draws the same outlines: the file is read once.
        let map = map::WardMap::load(&site.assets, diagnostics);
        std::iter::once((site, String::new()))
            .chain(others)
            .map(|(site, folder)| Version {
                map: map.clone(),
                site,
                folder,
            })
            .collect()
    }

    /// Each version's bodies; a translation's links to pages it has not
    /// translated go to its original's. Without a memo, each case's Markdown
    /// goes once it is rendered (a tenth of the peak memory at 10,000 cases).
    fn bodies(&mut self, versions: &mut [Version]) -> Vec<bodies::Bodies> {
        let original = &versions[0].site;
        let bodies = versions
            .iter()
            .enumerate()
            .map(|(i, version)| {
                let site = &version.site;
                let cache = self
                    .memo
                    .as_deref_mut()
                    .map(|m| m.bodies(&site.config.language));
                let original = (i > 0).then_some(original);
                bodies::render_bodies(site, original, cache, self.diagnostics)
            })
            .collect();
        if self.memo.is_none() {
            versions.iter_mut().for_each(Version::release_markdown);
        }
        bodies
    }

    /// Reads the images beside the pages; resizes and publishes them unless
    /// this is a check.
    fn images(&mut self, assets: &mut Vec<OutputFile>) -> images::Images {
        let work = match self.options.check_only {
            true => images::Work::Inspect,
            false => images::Work::Publish,
        };
        images::publish(
            &self.options.root,
            assets,
            self.diagnostics,
            self.sink,
            work,
        )
    }

    fn renderer(&mut self, versions: &[Version]) -> Option<render::Renderer> {
        render::Renderer::new(&self.options.root, &versions[0].site, self.diagnostics)
    }

    /// Every page of every version, the theme's static files and the web
    /// form. Without a memo, the case pages are rendered first and each
    /// case's body HTML let go before the other pages, which never need it.
    fn pages(
        &mut self,
        renderer: &render::Renderer,
        images: &images::Images,
        versions: &[Version],
        bodies: &mut [bodies::Bodies],
    ) {
        let (sink, keep) = (self.sink, self.memo.is_some());
        let sites: Vec<&model::Site> = versions.iter().map(|v| &v.site).collect();
        let alternates = render::Alternates::new(renderer, &sites);
        let shared = render::Shared {
            alternates: &alternates,
            images,
        };
        let mut render = |pages: render::Pages, bodies: &[bodies::Bodies]| {
            for (version, bodies) in versions.iter().zip(bodies) {
                let lang = &version.site.config.language;
                let cache = self.memo.as_deref_mut().map(|m| m.pages(lang));
                let under = |file: OutputFile| sink(file.under(&version.folder));
                let pass = render::Pass {
                    site: &version.site,
                    map: version.map.as_ref(),
                    pages,
                };
                renderer.render(pass, bodies, &shared, cache, self.diagnostics, &under);
            }
        };
        if keep {
            render(render::Pages::All, bodies);
        } else {
            render(render::Pages::Cases, bodies);
            bodies.iter_mut().for_each(bodies::Bodies::release_html);
            render(render::Pages::Rest, bodies);
        }
        renderer.static_files(sink);
        // The web form, only where `cms:` asks for it (SPEC §10).
        let site = sites[0];
        if let Some(options) = &site.config.cms {
            let css = renderer.css_href(site);
            cms::files(site, options, &css).into_iter().for_each(sink);
        }
    }

    /// The files `make` makes from whole sites: streamed to the sink as they
    /// are made in a build; in the live preview, kept in the memo and made
    /// again only when the sites' `fingerprint` changed.
    fn whole_site(
        &mut self,
        stage: &'static str,
        fingerprint: u64,
        make: &mut dyn FnMut(Emit<'_>),
    ) {
        let sink = self.sink;
        match self.memo.as_deref_mut() {
            None => make(&mut |file| sink(file)),
            Some(memo) => {
                let files = memo.whole_site(stage, fingerprint, || {
                    let mut files = Vec::new();
                    make(&mut |file| files.push(file));
                    files
                });
                files.into_iter().for_each(sink);
            }
        }
    }
}

/// Every output file of the site, sorted by path, or `None` when there are
/// errors; with a `memo`, reusing what it holds from the runs before (the
/// files are the same as a clean run's, byte for byte).
pub fn files(
    options: &BuildOptions,
    memo: Option<&mut Memo>,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<OutputFile>> {
    let collected = Mutex::new(Vec::new());
    let sink = |file| {
        collected
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(file)
    };
    let timings = &mut Timings::default();
    let ok = generate(options, memo, diagnostics, timings, &sink, &mut |_| {});
    let mut files = collected.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    ok.then_some(files)
}

/// The files beside the pages. They are the same in every language (a
/// translation shows its original's photos), so they are published once, at
/// the default language's paths.
fn files_beside_pages(bodies: &mut [bodies::Bodies]) -> Vec<OutputFile> {
    let mut assets = Vec::new();
    let mut taken = std::collections::BTreeSet::new();
    for version_bodies in bodies {
        for file in std::mem::take(&mut version_bodies.assets) {
            if taken.insert(file.path.clone()) {
                assets.push(file);
            }
        }
    }
    assets
}

/// A fingerprint of every version's site. A translation's site carries its
/// original's facts, so every version's fingerprint includes the default
/// language's.
fn sites_fingerprint(versions: &[Version]) -> u64 {
    let prints: Vec<u64> = versions.iter().map(|v| v.site.fingerprint()).collect();
    hash::hash_of(&prints)
}

fn search_files(versions: &[Version], bodies: &[bodies::Bodies], emit: Emit<'_>) {
    for (version, bodies) in versions.iter().zip(bodies) {
        for file in search::files(&version.site, &bodies.cases) {
            emit(file.under(&version.folder));
        }
    }
}

/// The feed of each version, the sitemap of all, and the open data.
fn data_files(versions: &[Version], emit: Emit<'_>) {
    for version in versions {
        for file in feeds::files(&version.site) {
            emit(file.under(&version.folder));
        }
    }
    let sites: Vec<&model::Site> = versions.iter().map(|v| &v.site).collect();
    sitemap::files(&sites).into_iter().for_each(&mut *emit);
    opendata::each_file(sites[0], emit);
}

impl Version {
    fn release_markdown(&mut self) {
        for case in &mut self.site.cases {
            case.entry.body = String::new();
            case.entry.head = std::sync::Arc::from("");
        }
    }
}

fn load_config(options: &BuildOptions, diagnostics: &mut Diagnostics) -> Option<config::Config> {
    let config = config::load(&options.root, diagnostics)?;
    match &options.base_url {
        None => Some(config),
        Some(base_url) => match config.with_base_url(base_url) {
            Ok(updated) => Some(updated),
            Err(message) => {
                diagnostics.push(Diagnostic::error_in("--base-url", message, None));
                None
            }
        },
    }
}

/// The JSON Schemas of the site's files (`casebook schema`, SPEC §10), made
/// from the field tables and the site's declared schemes, wards and support
/// types. Only a broken configuration stops it: content problems are
/// `check`'s to report, and the schema helps to fix them.
pub fn schemas(
    options: &BuildOptions,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<(&'static str, Vec<u8>)>> {
    let config = load_config(options, diagnostics)?;
    let mut content_problems = Diagnostics::new();
    let load_options = content::LoadOptions::default();
    let content = content::load(
        &options.root,
        &config.language,
        load_options,
        None,
        &mut content_problems,
    );
    let site = model::build(config, content, &mut content_problems);
    let vocabulary = json_schema::Vocabulary::of(&site);
    Some(
        json_schema::all(&vocabulary)
            .into_iter()
            .map(|(name, schema)| (name, json_schema::to_bytes(&schema)))
            .collect(),
    )
}

/// Validates everything `build` would, without writing or keeping any output.
pub fn check(options: &BuildOptions) -> Diagnostics {
    let options = &BuildOptions {
        check_only: true,
        ..options.clone()
    };
    let mut diagnostics = Diagnostics::new();
    let timings = &mut Timings::default();
    generate(
        options,
        None,
        &mut diagnostics,
        timings,
        &|_| {},
        &mut |_| {},
    );
    diagnostics
}

/// Builds the site and swaps it into the output folder; on any error the
/// previous output stays as it was.
pub fn build(options: &BuildOptions) -> Diagnostics {
    build_timed(options, &mut Timings::default())
}

/// [`build`], timing each stage. Files are written into a staging folder as
/// they are made, and the folder replaces the output only if all went well.
pub fn build_timed(options: &BuildOptions, timings: &mut Timings) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    let output_dir = options.output_dir();
    if let Some(problem) = unsafe_output_dir(&options.root, &output_dir) {
        diagnostics.push(Diagnostic::error_in(
            output_dir.display().to_string(),
            problem,
            Some(words(
                "choose another --output folder",
                "別の --output フォルダーを指定してください",
            )),
        ));
        return diagnostics;
    }
    let staging = match output::Staging::create(&output_dir) {
        Ok(staging) => staging,
        Err(error) => {
            diagnostics.push(write_error(&error));
            return diagnostics;
        }
    };
    let write = |file: OutputFile| staging.write(&file);
    let ok = generate(
        options,
        None,
        &mut diagnostics,
        timings,
        &write,
        &mut |_| {},
    );
    if ok {
        let committed = timings.stage(Stage::Write, || staging.commit());
        if let Err(error) = committed {
            diagnostics.push(write_error(&error));
        }
    }
    timings.finish();
    diagnostics
}

fn write_error(error: &output::WriteError) -> Diagnostic {
    Diagnostic::error(
        error.path.display().to_string(),
        format!("cannot write the site: {}", error.message),
    )
    .ja(format!("サイトを書き出せません: {}", error.message))
    .hint("the previous output was left as it was; check permissions and free space")
    .ja_hint("前の出力はそのままです。書き込みの権限と空き容量を確かめてください")
}

/// The output folder is replaced whole, so it must not hold the site itself.
fn unsafe_output_dir(root: &Path, output: &Path) -> Option<Words> {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (root, output) = (absolute(root), absolute(output));
    if root.starts_with(&output) {
        return Some(words(
            "the output folder contains the site; building would replace the site itself",
            "出力フォルダーの中にサイトがあります。書き出すとサイトそのものを置き換えてしまいます",
        ));
    }
    for source in ["content", "themes"] {
        if output.starts_with(root.join(source)) {
            return Some(words(
                format!("the output folder is inside {source}/, which the build reads"),
                format!("出力フォルダーが、読み込み元の {source}/ の中にあります"),
            ));
        }
    }
    None
}
