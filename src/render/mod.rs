//! Render: `Site` + `Bodies` → HTML pages and theme files, through Tera.
//!
//! 1. Resolve the theme chain (`theme`) and compile its templates once, with
//!    the Japanese filters (`crate::locale::japanese`) registered.
//! 2. List the site's pages as [`Job`]s (`jobs`): each knows its template,
//!    its output path, its head and its typed view (`views`), with the images
//!    of its body in their renditions (`body_images`).
//! 3. Render the jobs in parallel; a template error names the template file and
//!    line, and the build goes on to report the others. With a [`Cache`] (the
//!    live preview's), a job whose view and template hash (`fingerprint`) as
//!    they did in the last run reuses its page instead.
//! 4. Add the theme's static files and the code-highlighting stylesheet, CSS
//!    and JS also under content-hashed names (`assets`), once for all languages.
//!
//! A site in several languages is one `Site` per language, each rendered by
//! its own call under its own base path; [`Alternates`] links each page to its
//! versions in the others (`hreflang`, the language switcher), and each
//! language's dates and amounts are written by its `crate::locale`.

mod assets;
pub mod body_images;
mod charts;
mod fingerprint;
mod jobs;
mod linked_data;
pub mod theme;
pub mod views;
mod ward_map;

pub use jobs::{Job, Pages};

use crate::bodies::Bodies;
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::hash::hash_of;
use crate::images::Images;
use crate::locale::{Locale, japanese};
use crate::model::{Site, href};
use crate::output::{OutputFile, Sink};
use assets::Assets;
use jobs::Head;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};
use theme::ThemeFiles;
use views::ViewBuilder;

/// One call of [`Renderer::render`]: the site in one language, its ward map
/// (loaded once, however many passes), and which of its pages to make.
#[derive(Clone, Copy)]
pub struct Pass<'a> {
    pub site: &'a Site,
    pub map: Option<&'a crate::map::WardMap>,
    pub pages: Pages,
}

/// Pages rendered by earlier runs, reused while their fingerprint stays the
/// same. Only the live preview has one: a build streams its pages out and
/// holds none.
#[derive(Default)]
pub struct Cache {
    /// By output path: the fingerprint the page was rendered with, and the page.
    pages: HashMap<String, (u64, Arc<[u8]>)>,
    /// How many pages the last run rendered (the others were reused).
    pub rendered: usize,
}

/// What every template gets as `site`: the same on every page of a language.
#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    language: &'a str,
    /// A banner shown on every page (SPEC §5.5).
    notice: Option<&'a str>,
    /// The language the site's own words (the notice, sources' titles) are
    /// written in: the default language's.
    content_language: &'a str,
    home_href: String,
    cases_href: String,
    districts_href: String,
    funding_href: String,
    themes_href: String,
    search_href: String,
    /// Open data is published once, in the default language, and every
    /// language links to it.
    opendata_href: String,
    opendata_hreflang: Option<&'a String>,
    feed_href: String,
    css_href: String,
    highlight_css_href: String,
    nav: [views::Link; 5],
}

/// What every template gets as `page`.
#[derive(Serialize)]
struct PageView<'a> {
    kind: &'static str,
    #[serde(flatten)]
    head: &'a Head,
    canonical_url: String,
    /// This page in every language it exists in, this one included; empty
    /// when it exists in one only.
    translations: &'a [Alternate],
    /// One entry per other language of the site: this page there, else that
    /// language's home page.
    languages: &'a [LanguageLink],
}

/// A version of a page, for `<link rel="alternate" hreflang>`.
#[derive(Serialize, Clone, Hash)]
pub struct Alternate {
    pub lang: String,
    pub href: String,
    pub url: String,
}

/// What the pages of every language share: the published images (each
/// published once) and each page's versions in the other languages.
#[derive(Clone, Copy)]
pub struct Shared<'a> {
    pub alternates: &'a Alternates,
    pub images: &'a Images,
}

/// An entry of the language switcher.
#[derive(Serialize, Clone, Hash)]
pub struct LanguageLink {
    pub lang: String,
    /// The language's name in itself: `English`, `日本語`.
    pub name: String,
    pub href: String,
    /// `false` when `href` is that language's home, for want of this page.
    pub translated: bool,
}

/// The pages of every language of the site, to link each page to its
/// versions: pages with the same site path (`cases/a/`) are versions of each
/// other. Listing pages after the first are left out, since their pages
/// hold different cases in each language.
pub struct Alternates {
    languages: Vec<SiteLanguage>,
}

struct SiteLanguage {
    lang: String,
    name: String,
    base_url: String,
    base_path: String,
    paths: std::collections::BTreeSet<String>,
}

impl Alternates {
    /// `sites`: the site in each of its languages, the default first.
    pub fn new(renderer: &Renderer, sites: &[&Site]) -> Alternates {
        Alternates {
            languages: sites
                .iter()
                .map(|site| SiteLanguage {
                    lang: site.config.language.clone(),
                    name: renderer
                        .strings(site)
                        .get("language_name")
                        .cloned()
                        .unwrap_or_else(|| site.config.language.clone()),
                    base_url: site.config.base_url.clone(),
                    base_path: site.config.base_path.clone(),
                    paths: page_paths(site),
                })
                .collect(),
        }
    }

    /// The versions of the page at `path` of the `lang` site, and its
    /// language switcher.
    fn of(&self, lang: &str, path: &str) -> (Vec<Alternate>, Vec<LanguageLink>) {
        let versions: Vec<Alternate> = self
            .languages
            .iter()
            .filter(|l| l.paths.contains(path))
            .map(|l| Alternate {
                lang: l.lang.clone(),
                href: href(&l.base_path, path),
                url: format!("{}{}", l.base_url, encoded_path(path)),
            })
            .collect();
        let switcher = self
            .languages
            .iter()
            .filter(|l| l.lang != lang)
            .map(|l| {
                let translated = l.paths.contains(path);
                LanguageLink {
                    lang: l.lang.clone(),
                    name: l.name.clone(),
                    href: href(&l.base_path, if translated { path } else { "" }),
                    translated,
                }
            })
            .collect();
        let versions = if versions.len() > 1 {
            versions
        } else {
            Vec::new()
        };
        (versions, switcher)
    }
}

/// The site paths of a site's pages that can have versions in other languages.
fn page_paths(site: &Site) -> std::collections::BTreeSet<String> {
    let mut paths: std::collections::BTreeSet<String> = std::iter::once("")
        .chain(site.fixed_pages())
        .map(String::from)
        .collect();
    paths.extend(site.cases.iter().map(|c| c.path.clone()));
    for ward in &site.wards {
        paths.insert(ward.path.clone());
        paths.extend(ward.areas.iter().map(|a| a.path.clone()));
    }
    paths.extend(site.schemes.iter().map(|s| s.path.clone()));
    paths.extend(site.themes.iter().map(|t| t.path.clone()));
    paths.extend(site.pages.iter().map(|p| p.path.clone()));
    paths
}

pub struct Renderer {
    tera: tera::Tera,
    /// The language of the site's default version.
    default_language: String,
    files: ThemeFiles,
    /// The static files, CSS and JS under hashed names too.
    assets: Arc<Assets>,
    /// Per template name, a hash of its source and of every template it
    /// extends, includes or imports, so a template edit re-renders only the
    /// pages that use it.
    template_fingerprints: HashMap<String, u64>,
}

impl Renderer {
    /// Loads and compiles the theme; `None` when a template does not compile
    /// (the diagnostics say where).
    pub fn new(root: &Path, site: &Site, diagnostics: &mut Diagnostics) -> Option<Renderer> {
        let files = theme::load(root, &site.config.theme, diagnostics);
        let mut statics: BTreeMap<String, Vec<u8>> = files
            .statics()
            .map(|(name, file)| (name.to_string(), file.bytes.clone()))
            .collect();
        if let Some(css) = crate::markdown::highlight_css(&site.config.markdown.highlight_theme) {
            // A theme's own highlight.css wins over the generated one.
            statics
                .entry("css/highlight.css".to_string())
                .or_insert_with(|| css.into_bytes());
        }
        let assets = Arc::new(Assets::new(statics));
        let mut tera = tera::Tera::new();
        register_filters(&mut tera, &site.config.base_path, Arc::clone(&assets));
        let templates: Vec<(String, String)> = files
            .templates()
            .map(|(name, file)| {
                (
                    name.to_string(),
                    String::from_utf8_lossy(&file.bytes).into_owned(),
                )
            })
            .collect();
        if let Err(error) = tera.add_raw_templates(templates) {
            for diagnostic in template_diagnostics(&error, &files) {
                diagnostics.push(diagnostic);
            }
            return None;
        }
        let template_fingerprints = fingerprint::templates(&files);
        Some(Renderer {
            tera,
            default_language: site.config.language.clone(),
            files,
            assets,
            template_fingerprints,
        })
    }

    /// The theme's static files, for every language at once.
    pub fn static_files(&self, sink: &Sink<'_>) {
        self.assets.files().for_each(sink);
    }

    /// Renders the pages `pass` names into `sink`, at paths relative to its
    /// site's base path. With a `cache`, pages whose fingerprint it holds are
    /// reused rather than rendered, and the cache is refilled.
    pub fn render(
        &self,
        pass: Pass<'_>,
        bodies: &Bodies,
        shared: &Shared<'_>,
        cache: Option<&mut Cache>,
        diagnostics: &mut Diagnostics,
        sink: &Sink<'_>,
    ) {
        let Pass { site, map, pages } = pass;
        // Site-wide variables go in Tera's global context, shared by every page
        // rather than copied into each page's context; one per language.
        let mut tera = self.tera.clone();
        tera.global_context().extend(self.common_context(site));
        let Shared { alternates, images } = *shared;
        let locale = Locale::of(&site.config.language);
        let views = ViewBuilder {
            site,
            bodies,
            images,
            map,
            strings: self.strings(site),
            locale,
            cards: site.cases.iter().map(|_| Default::default()).collect(),
            fingerprinting: cache.is_some(),
            dates: views::date_views(site, locale),
        };
        let keep = cache.is_some();
        let mut none = Cache::default();
        let cache = cache.unwrap_or(&mut none);
        let jobs = Job::all(site, pages);
        // What every page shares: the configuration, the UI strings and the
        // names of the static files, from which Tera's global context is made.
        let shared = hash_of(&(&site.config, views.strings, self.assets.names()));
        let previous = std::mem::take(&mut cache.pages);
        let kept = Mutex::new(HashMap::with_capacity(if keep { jobs.len() } else { 0 }));
        let results: Vec<Result<bool, Vec<Diagnostic>>> = jobs
            .par_iter()
            .map(|job| {
                let output = job.output(site);
                let path = job.path(site);
                let (translations, languages) = match job.has_versions() {
                    true => alternates.of(&site.config.language, path),
                    false => (Vec::new(), alternates.of(&site.config.language, "\0").1),
                };
                let head = job.head(&views);
                let page = PageView {
                    kind: job.kind(),
                    head: &head,
                    canonical_url: format!("{}{}", site.config.base_url, encoded_path(path)),
                    translations: &translations,
                    languages: &languages,
                };
                let view = job.view(&views);
                // The page's fingerprint is taken from what its template is
                // given, so whatever a view reads is covered.
                let fingerprint = keep.then(|| {
                    let template = self.template_fingerprints.get(job.template());
                    hash_of(&(
                        shared,
                        template,
                        fingerprint::of_serialized(&(&page, &view)),
                    ))
                });
                if let (Some(fingerprint), Some((cached, bytes))) =
                    (fingerprint, previous.get(&output))
                    && *cached == fingerprint
                {
                    kept.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(output.clone(), (fingerprint, Arc::clone(bytes)));
                    sink(OutputFile::shared(output, Arc::clone(bytes)));
                    return Ok(false);
                }
                let mut context = tera::Context::from_serialize(&view)
                    .map_err(|error| template_diagnostics(&error, &self.files))?;
                context.insert("page", &page);
                // Rendered as bytes, as pages are written: a String would be
                // checked for UTF-8 once more (about 2% of a build's CPU time).
                let mut html = Vec::with_capacity(16 * 1024);
                tera.render_to(job.template(), &context, &mut html)
                    .map_err(|error| template_diagnostics(&error, &self.files))?;
                let bytes: Arc<[u8]> = html.into();
                if let Some(fingerprint) = fingerprint {
                    kept.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(output.clone(), (fingerprint, Arc::clone(&bytes)));
                }
                sink(OutputFile::shared(output, bytes));
                Ok(true)
            })
            .collect();
        cache.pages = kept.into_inner().unwrap_or_else(|e| e.into_inner());
        cache.rendered = 0;
        for result in results {
            match result {
                Ok(rendered) => cache.rendered += usize::from(rendered),
                Err(found) => found.into_iter().for_each(|d| diagnostics.push(d)),
            }
        }
    }

    /// The UI strings of the site's language (Japanese when it has none).
    fn strings(&self, site: &Site) -> &BTreeMap<String, String> {
        static EMPTY: BTreeMap<String, String> = BTreeMap::new();
        self.files
            .strings
            .get(&site.config.language)
            .or_else(|| self.files.strings.get("ja"))
            .unwrap_or(&EMPTY)
    }

    fn common_context(&self, site: &Site) -> tera::Context {
        let config = &site.config;
        let at = |path: &str| href(&config.base_path, path);
        let strings = self.strings(site);
        let t = |key: &str, fallback: &str| {
            strings
                .get(key)
                .cloned()
                .unwrap_or_else(|| fallback.to_string())
        };
        // Open data is published once, in the default language, and every
        // language links to it.
        let shared = |path: &str| href(config.shared_base_path(), path);
        let site_view = SiteView {
            title: &config.title,
            description: &config.description,
            base_url: &config.base_url,
            base_path: &config.base_path,
            language: &config.language,
            notice: config.notice.as_deref(),
            content_language: &self.default_language,
            home_href: at(""),
            cases_href: at("cases/"),
            districts_href: at("districts/"),
            funding_href: at("funding/"),
            themes_href: at("themes/"),
            search_href: at("search/"),
            opendata_href: shared("opendata/"),
            // The default language: whatever this is a translation of.
            opendata_hreflang: config.is_translation().then_some(&self.default_language),
            feed_href: at("feed.xml"),
            css_href: self.asset_href(site, "css/casebook.css"),
            highlight_css_href: self.asset_href(site, "css/highlight.css"),
            nav: [
                ("cases", "事例一覧", "cases/"),
                ("districts", "地区から探す", "districts/"),
                ("funding", "制度から探す", "funding/"),
                ("themes", "テーマから探す", "themes/"),
                ("search", "検索", "search/"),
            ]
            .map(|(key, fallback, path)| views::Link {
                title: t(key, fallback),
                href: at(path),
            }),
        };
        let mut context = tera::Context::new();
        context.insert("site", &site_view);
        context.insert("t", &strings);
        context
    }
}

impl Renderer {
    /// The href of the theme's stylesheet (the web form's preview uses it).
    pub fn css_href(&self, site: &Site) -> String {
        self.asset_href(site, "css/casebook.css")
    }

    /// The href of a static file, hashed for CSS and JS; the plain path when
    /// the theme lacks the file (its link then fails visibly, not the build).
    fn asset_href(&self, site: &Site, path: &str) -> String {
        let base = site.config.shared_base_path();
        self.assets
            .href(base, path)
            .unwrap_or_else(|| href(base, &format!("static/{path}")))
    }
}

fn encoded_path(path: &str) -> String {
    href("", path)
}

fn register_filters(tera: &mut tera::Tera, base_path: &str, assets: Arc<Assets>) {
    use tera::{Kwargs, State};
    tera.register_filter("yen", |amount: u64, _: Kwargs, _: &State| {
        japanese::yen(amount)
    });
    tera.register_filter("fiscal_year", |year: i64, _: Kwargs, _: &State| {
        japanese::fiscal_year_label(year.clamp(i32::MIN as i64, i32::MAX as i64) as i32)
    });
    tera.register_filter("wareki", |date: &str, _: Kwargs, _: &State| {
        Date::parse(date).map_or_else(|_| date.to_string(), japanese::wareki_date)
    });
    let base = base_path.to_string();
    tera.register_filter("url", move |path: &str, _: Kwargs, _: &State| {
        href(&base, path.trim_start_matches('/'))
    });
    // `{{ "css/city.css" | asset }}`: the href of a file in the theme's
    // static/, under its content-hashed name for CSS and JS.
    let base = base_path.to_string();
    tera.register_filter("asset", move |path: &str, _: Kwargs, _: &State| {
        assets.href(&base, path).ok_or_else(|| {
            tera::Error::message(format!(
                "no file `{path}` in the theme's static/ folder (the `asset` filter takes a path inside static/, e.g. \"css/casebook.css\")"
            ))
        })
    });
}

/// A Tera error as diagnostics at the template's own file and line. Compile
/// errors come as one message holding a report per problem (`error: …` then
/// ` --> name:line:col`), so those are split and located one by one.
fn template_diagnostics(error: &tera::Error, files: &ThemeFiles) -> Vec<Diagnostic> {
    let origin = |name: &str| {
        files
            .files
            .get(&format!("templates/{name}"))
            .map_or_else(|| format!("templates/{name}"), |f| f.origin.clone())
    };
    let hint = "see the template contract in docs/templates.md for the variables each page has";
    // The line the problem is on, from the template as it was compiled.
    let quoted =
        |diagnostic: Diagnostic, name: &str| match files.files.get(&format!("templates/{name}")) {
            Some(file) => diagnostic.quoting(&crate::source::normalize_source(
                &String::from_utf8_lossy(&file.bytes),
            )),
            None => diagnostic,
        };
    if let tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) =
        error.kind()
        && !report.filename().is_empty()
    {
        let span = report.span();
        let diagnostic = Diagnostic::error(
            origin(report.filename()),
            format!("template error: {}", report.message()),
        )
        .ja(format!("テンプレートのエラー: {}", report.message()))
        .at(Span::new(span.start_line, span.start_col + 1))
        .hint(hint);
        return vec![quoted(diagnostic, report.filename())];
    }
    let text = error.to_string();
    let mut found = Vec::new();
    let mut message: Option<&str> = None;
    for line in text.lines() {
        if let Some(m) = line.strip_prefix("error: ") {
            message = Some(m);
        } else if let (Some(m), Some(location)) = (message, line.trim_start().strip_prefix("--> "))
        {
            let mut parts = location.rsplitn(3, ':');
            let col = parts.next().and_then(|c| c.parse::<usize>().ok());
            let line_number = parts.next().and_then(|l| l.parse::<usize>().ok());
            if let (Some(col), Some(line_number), Some(name)) = (col, line_number, parts.next()) {
                let diagnostic = Diagnostic::error(origin(name), format!("template error: {m}"))
                    .ja(format!("テンプレートのエラー: {m}"))
                    .at(Span::new(line_number, col))
                    .hint(hint);
                found.push(quoted(diagnostic, name));
                message = None;
            }
        }
    }
    if found.is_empty() {
        found.push(
            Diagnostic::error(
                "templates",
                format!(
                    "template error: {}",
                    text.lines().next().unwrap_or_default()
                ),
            )
            .ja(format!(
                "テンプレートのエラー: {}",
                text.lines().next().unwrap_or_default()
            ))
            .hint("check the theme's templates and its `extends:`")
            .ja_hint("テーマのテンプレートと、その `extends:` を確かめてください"),
        );
    }
    found
}
