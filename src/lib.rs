//! casebook: Markdown case studies in, a static site out.
//!
//! The pipeline, one stage per module, data flowing one way:
//! config → content → translations → model → bodies (markdown) → images →
//! render, search, feeds, sitemap, open data → output. `check` runs every
//! stage but the last; `serve` keeps the output in memory and, with
//! [`Caches`], re-runs only what a change touches. A site with translated
//! files is one `Site` per language, built by the same stages and written
//! under its language's folder (`en/`).

pub mod bodies;
pub mod config;
pub mod content;
pub mod date;
pub mod diagnostics;
pub mod escape;
pub mod feeds;
pub mod images;
pub mod import;
pub mod init;
pub mod json_schema;
pub mod language;
pub mod map;
pub mod markdown;
pub mod model;
pub mod new_case;
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
use language::Language;
use output::{OutputFile, Sink};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use timings::Timings;

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

/// What a rebuild reuses from the runs before it: parsed files, rendered
/// bodies and rendered pages, each checked against its inputs before reuse.
/// The live preview keeps one between rebuilds; `build` starts from an empty one.
#[derive(Default)]
pub struct Caches {
    /// The configuration and options the caches were filled with; any change
    /// empties them.
    settings: u64,
    keep: bool,
    content: content::Cache,
    /// Bodies and pages, per language.
    languages: std::collections::BTreeMap<String, LanguageCaches>,
    /// The files made from whole sites (search index, feed, sitemap, open
    /// data), by stage, with the fingerprint of the sites they came from.
    whole_site: std::collections::BTreeMap<&'static str, (u64, Vec<OutputFile>)>,
}

#[derive(Default)]
struct LanguageCaches {
    bodies: bodies::Cache,
    pages: render::Cache,
}

impl Caches {
    /// Caches that keep what each run made, for the next: the live preview's.
    /// The default ones keep nothing, so a build streams its pages out.
    pub fn keeping() -> Caches {
        Caches {
            settings: 0,
            keep: true,
            content: content::Cache::keeping(),
            languages: Default::default(),
            whole_site: Default::default(),
        }
    }

    /// Makes the next run read `rel` (`content/cases/a.md`) again.
    pub fn forget(&mut self, rel: &str) {
        self.content.forget(rel);
    }

    /// Whether the content file `rel` holds the very bytes it held when last
    /// read (see [`content::Cache::holds_same_bytes`]).
    pub fn holds_same_bytes(&mut self, root: &Path, rel: &str) -> bool {
        self.content.holds_same_bytes(root, rel)
    }

    /// How many pages the last run rendered; the others were reused.
    pub fn pages_rendered(&self) -> usize {
        self.languages.values().map(|c| c.pages.rendered).sum()
    }

    /// The files of `stage`, made by `make` unless the last run made them
    /// from sites with the same `fingerprint`.
    fn whole_site(
        &mut self,
        stage: &'static str,
        fingerprint: u64,
        make: impl FnOnce() -> Vec<OutputFile>,
    ) -> Vec<OutputFile> {
        if let Some((kept, files)) = self.whole_site.get(stage)
            && *kept == fingerprint
        {
            return files.clone();
        }
        let files = make();
        if self.keep {
            self.whole_site.insert(stage, (fingerprint, files.clone()));
        }
        files
    }

    /// The caches of one language's bodies and pages.
    fn language(&mut self, lang: &str) -> &mut LanguageCaches {
        let keep = self.keep;
        self.languages
            .entry(lang.to_string())
            .or_insert_with(|| match keep {
                true => LanguageCaches {
                    bodies: bodies::Cache::keeping(),
                    pages: render::Cache::keeping(),
                },
                false => LanguageCaches::default(),
            })
    }
}

/// The site in one language, and the folder its files go to: `""` for the
/// default language, `"en/"` for English.
struct Version {
    site: model::Site,
    folder: String,
}

impl Version {
    fn release_markdown(&mut self) {
        for case in &mut self.site.cases {
            case.entry.body = String::new();
            case.entry.head = std::sync::Arc::from("");
        }
    }
}

/// Every output file of the site, sorted by path, or `None` when there are errors.
pub fn generate(options: &BuildOptions, diagnostics: &mut Diagnostics) -> Option<Vec<OutputFile>> {
    generate_cached(
        options,
        &mut Caches::default(),
        diagnostics,
        &mut Timings::default(),
    )
}

/// [`generate`], reusing what `caches` holds from the runs before. The files
/// are the same as a clean run's, byte for byte.
pub fn generate_cached(
    options: &BuildOptions,
    caches: &mut Caches,
    diagnostics: &mut Diagnostics,
    timings: &mut Timings,
) -> Option<Vec<OutputFile>> {
    let collected = Mutex::new(Vec::new());
    let ok = generate_into(options, caches, diagnostics, timings, &|file| {
        collected
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(file)
    });
    let mut files = collected.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    ok.then_some(files)
}

/// Runs every stage, handing each output file to `sink` as soon as it is made;
/// `false` when there are errors.
pub fn generate_into(
    options: &BuildOptions,
    caches: &mut Caches,
    diagnostics: &mut Diagnostics,
    timings: &mut Timings,
    sink: &Sink<'_>,
) -> bool {
    generate_staged(options, caches, diagnostics, timings, sink, &mut |_| {})
}

/// [`generate_into`], calling `pages_made` once every page and the files
/// beside them went to `sink`, before the feed, sitemap and open data, which
/// read the whole site: the live preview shows the pages meanwhile.
pub fn generate_staged(
    options: &BuildOptions,
    caches: &mut Caches,
    diagnostics: &mut Diagnostics,
    timings: &mut Timings,
    sink: &Sink<'_>,
    pages_made: &mut dyn FnMut(&Diagnostics),
) -> bool {
    let root = &options.root;
    let Some(config) = timings.stage(
        "config",
        |l| {
            l.pick("casebook.yaml を読んでいます", "reading casebook.yaml")
                .into()
        },
        || load_config(options, diagnostics),
    ) else {
        return false;
    };
    let settings = render::hash_of(&(format!("{config:?}"), options.drafts));
    if caches.settings != settings {
        let keeping = caches.keep;
        *caches = if keeping {
            Caches::keeping()
        } else {
            Caches::default()
        };
        caches.settings = settings;
    }
    let load_options = content::LoadOptions {
        drafts: options.drafts,
        case_rules: content::schema::CaseRules {
            require_sources: config.require_sources,
        },
    };
    let content = timings.stage(
        "content",
        |l| {
            l.pick("コンテンツを読み込んでいます…", "loading content…")
                .into()
        },
        || {
            let cache = &mut caches.content;
            content::load_cached(root, &config.language, load_options, cache, diagnostics)
        },
    );
    let case_count = content.cases.len();
    // The model and translation stages find problems in files they no
    // longer hold the text of: they quote their lines from these heads.
    let heads = content.heads();
    let others = timings.stage(
        "translations",
        |l| {
            l.pick(
                "翻訳を原文に重ねています…",
                "laying translations over their originals…",
            )
            .into()
        },
        || translations::languages(&config, &content, diagnostics),
    );
    let (site, translated) = timings.stage(
        "model",
        |l| match l {
            Language::Japanese => {
                format!("{case_count}件の事例を読み込みました。つなぎ合わせています…")
            }
            Language::English => format!("{case_count} cases loaded; linking…"),
        },
        || {
            let site = model::build(config, content, diagnostics);
            // A translation's facts are its original's, whose problems are
            // reported already; its model is checked only when they are fixed.
            let clean = !diagnostics.has_errors();
            let translated: Vec<model::Site> = others
                .into_iter()
                .map(|language| {
                    let mut found = Diagnostics::new();
                    let site = model::build(language.config, language.content, &mut found);
                    if clean {
                        diagnostics.extend(found);
                    }
                    site
                })
                .collect();
            (site, translated)
        },
    );
    diagnostics.quote_from(|file| heads.get(file).map(|head| (&**head, 1)));
    drop(heads);
    let (mut versions, mut bodies): (Vec<Version>, Vec<bodies::Bodies>) = timings.stage(
        "markdown",
        |l| match l {
            Language::Japanese => {
                format!("{case_count}件の事例の本文（Markdown）を変換しています…")
            }
            Language::English => format!("{case_count} cases loaded; rendering Markdown…"),
        },
        || {
            let cache = &mut caches.language(&site.config.language).bodies;
            let bodies = bodies::render_bodies_cached(&site, None, cache, diagnostics);
            let mut others = Vec::with_capacity(translated.len());
            for other in translated {
                let cache = &mut caches.language(&other.config.language).bodies;
                let bodies = bodies::render_bodies_cached(&other, Some(&site), cache, diagnostics);
                let folder = format!("{}/", other.config.language);
                others.push((
                    Version {
                        site: other,
                        folder,
                    },
                    bodies,
                ));
            }
            let default = Version {
                site,
                folder: String::new(),
            };
            std::iter::once((default, bodies)).chain(others).unzip()
        },
    );
    // A build keeps nothing for a next run: each case's Markdown goes once
    // it is rendered, each body's HTML once the pages are (a tenth of the
    // peak memory at 10,000 cases). The live preview keeps both for reuse.
    if !caches.keep {
        versions.iter_mut().for_each(Version::release_markdown);
    }
    // The files beside the pages are the same in every language (a
    // translation shows its original's photos), so they are published once,
    // at the default language's paths.
    let mut assets = Vec::new();
    let mut taken = std::collections::BTreeSet::new();
    for version_bodies in &mut bodies {
        for file in std::mem::take(&mut version_bodies.assets) {
            if taken.insert(file.path.clone()) {
                assets.push(file);
            }
        }
    }
    let images = timings.stage(
        "images",
        |l| l.pick("画像を縮小しています…", "resizing images…").into(),
        || {
            let work = match options.check_only {
                true => images::Work::Inspect,
                false => images::Work::Publish,
            };
            images::publish(root, &mut assets, diagnostics, sink, work)
        },
    );
    let sites: Vec<&model::Site> = versions.iter().map(|v| &v.site).collect();
    let site = sites[0];
    let Some(renderer) = timings.stage(
        "templates",
        |l| {
            l.pick("テンプレートを読み込んでいます…", "compiling templates…")
                .into()
        },
        || render::Renderer::new(root, site, diagnostics),
    ) else {
        return false;
    };
    let alternates = render::Alternates::new(&renderer, &sites);
    let shared = render::Shared {
        alternates: &alternates,
        images: &images,
    };
    timings.stage(
        "render",
        |l| match l {
            Language::Japanese => format!("{case_count}件の事例のページを作っています…"),
            Language::English => format!("{case_count} cases; rendering pages…"),
        },
        || {
            let keep = caches.keep;
            let maps: Vec<Option<map::WardMap>> = versions
                .iter()
                .map(|version| map::WardMap::load(&version.site, diagnostics))
                .collect();
            let mut render = |pages: render::Pages, bodies: &[bodies::Bodies]| {
                for ((version, bodies), map) in versions.iter().zip(bodies).zip(&maps) {
                    let cache = &mut caches.language(&version.site.config.language).pages;
                    let under = |file: OutputFile| sink(file.under(&version.folder));
                    let pass = render::Pass {
                        site: &version.site,
                        map: map.as_ref(),
                        pages,
                    };
                    renderer.render(pass, bodies, &shared, cache, diagnostics, &under);
                }
            };
            // The live preview keeps every page and body for the next run; a
            // build lets each case's body HTML go once its page is written.
            if keep {
                render(render::Pages::All, &bodies);
            } else {
                render(render::Pages::Cases, &bodies);
                bodies.iter_mut().for_each(bodies::Bodies::release_html);
                render(render::Pages::Rest, &bodies);
            }
            renderer.static_files(sink);
        },
    );
    assets.into_iter().for_each(sink);
    pages_made(diagnostics);
    // A translation's site carries its original's facts, so every version's
    // fingerprint includes the default language's.
    let fingerprint = sites
        .iter()
        .map(|site| site.fingerprint())
        .fold(0u64, |all, one| {
            all.rotate_left(17) ^ one.wrapping_mul(0x9e37_79b9_7f4a_7c15)
        });
    timings.stage(
        "search",
        |l| match l {
            Language::Japanese => format!("{case_count}件の事例の検索索引を作っています…"),
            Language::English => format!("{case_count} cases; writing the search index…"),
        },
        || {
            let files = caches.whole_site("search", fingerprint, || {
                let mut files = Vec::new();
                for (version, bodies) in versions.iter().zip(&bodies) {
                    let made = search::files(&version.site, &bodies.cases);
                    files.extend(made.into_iter().map(|file| file.under(&version.folder)));
                }
                files
            });
            files.into_iter().for_each(sink);
        },
    );
    timings.stage(
        "data",
        |l| {
            l.pick(
                "フィード、サイトマップ、オープンデータを書き出しています…",
                "writing feed, sitemap and open data…",
            )
            .into()
        },
        || {
            let each_file = |emit: &mut dyn FnMut(OutputFile)| {
                for version in &versions {
                    for file in feeds::files(&version.site) {
                        emit(file.under(&version.folder));
                    }
                }
                sitemap::files(&sites).into_iter().for_each(&mut *emit);
                opendata::each_file(site, emit);
            };
            // A build writes each file as it is made; the live preview keeps
            // them all for the next run.
            if caches.keep {
                let files = caches.whole_site("data", fingerprint, || {
                    let mut files = Vec::new();
                    each_file(&mut |file| files.push(file));
                    files
                });
                files.into_iter().for_each(sink);
            } else {
                each_file(&mut |file| sink(file));
            }
        },
    );
    !diagnostics.has_errors()
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
    let caches = &mut Caches::default();
    generate_into(
        options,
        caches,
        &mut diagnostics,
        &mut Timings::default(),
        &|_| {},
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
    let caches = &mut Caches::default();
    let ok = generate_into(options, caches, &mut diagnostics, timings, &|file| {
        staging.write(&file)
    });
    if ok {
        let committed = timings.stage(
            "write",
            |l| {
                l.pick(
                    "出力フォルダーを入れ替えています…",
                    "replacing the output folder…",
                )
                .into()
            },
            || staging.commit(),
        );
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
