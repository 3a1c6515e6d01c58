//! Render: `Site` + `Bodies` → HTML pages and theme files, through Tera.
//!
//! 1. Resolve the theme chain (`theme`) and compile its templates once, with
//!    the Japanese filters (`japanese`) registered.
//! 2. Make one job per page: its template, its path and its view (`views`),
//!    with the images of its body in their renditions (`body_images`).
//! 3. Render the jobs in parallel; a template error names the template file and
//!    line, and the build goes on to report the others. With a [`Cache`] that
//!    keeps pages (the live preview), a job whose fingerprint (`fingerprint`)
//!    is unchanged since the last run reuses its page instead.
//! 4. Add the theme's static files and the code-highlighting stylesheet, CSS
//!    and JS also under content-hashed names (`assets`), once for all languages.
//!
//! A site in several languages is one `Site` per language, each rendered by
//! its own call under its own base path; [`Alternates`] links each page to its
//! versions in the others (`hreflang`, the language switcher), and each
//! language's dates and amounts are written by its `locale`.

mod assets;
pub mod body_images;
mod fingerprint;
pub mod japanese;
mod linked_data;
pub mod locale;
pub mod theme;
pub mod views;

pub use fingerprint::hash_of;

use crate::bodies::Bodies;
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::images::Images;
use crate::model::{Site, href};
use crate::output::{OutputFile, Sink};
use crate::stats::{Scope, StatsBuilder};
use assets::Assets;
use fingerprint::Fingerprints;
use locale::Locale;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};
use theme::ThemeFiles;
use views::{Link, TermLink, ViewBuilder};

/// Newest cases shown on the home page.
const HOME_LATEST: usize = 6;

/// One page to render.
struct Job<'a> {
    template: &'static str,
    path: String,
    kind: &'static str,
    title: String,
    description: String,
    breadcrumbs: Vec<Link>,
    /// Puts the page's own variables into its context. Run inside the parallel
    /// render, so building views is spread over all cores too.
    data: Data<'a>,
    /// A hash of everything `data` is made from (see `fingerprint.rs`), when
    /// pages are kept between runs; `None` for pages whose data is hashed
    /// whole instead (index pages: few, small, and reading from all over).
    fingerprint: Option<u64>,
    /// The page shows a highlighted code block, so it links the highlighting
    /// stylesheet; most pages of a case study site have none.
    code: bool,
}

enum Data<'a> {
    /// A JSON object made on demand: each key becomes a template variable.
    /// Made only when the page is rendered, so a build never holds the data of
    /// every listing page at once.
    Object(Box<dyn Fn() -> Value + Sync + 'a>),
    /// Puts its variables into the context itself.
    Context(Box<dyn Fn(&mut tera::Context) + Sync + 'a>),
}

fn lazy<'a>(make: impl Fn() -> Value + Sync + 'a) -> Data<'a> {
    Data::Object(Box::new(make))
}

fn insert_object(context: &mut tera::Context, value: Value) {
    if let Value::Object(map) = value {
        for (key, value) in map {
            context.insert(key, &value);
        }
    }
}

/// A listing page's data: `make`'s variables, and the cards of the `listed`
/// cases as `cases`, inside the object `within` when given. The cards are
/// the ones every page listing a case shares (see `ViewBuilder::cards`).
fn listing<'a>(
    views: &'a ViewBuilder<'a>,
    within: Option<&'static str>,
    listed: impl Fn() -> Vec<usize> + Sync + 'a,
    make: impl Fn() -> Value + Sync + 'a,
) -> Data<'a> {
    Data::Context(Box::new(move |context| {
        insert_object(context, make());
        insert_cards(context, within, "cases", views.cards(&listed()));
    }))
}

/// Puts `cards` into the context as `key`, inside the object `within` when given.
fn insert_cards(
    context: &mut tera::Context,
    within: Option<&'static str>,
    key: &'static str,
    cards: tera::Value,
) {
    match within {
        None => context.insert_value(key, cards),
        Some(object) => {
            let mut map = context
                .remove(object)
                .and_then(tera::Value::into_map)
                .unwrap_or_default();
            map.insert(key.into(), cards);
            context.insert_value(object, tera::Value::from(map));
        }
    }
}

/// One call of [`Renderer::render`]: the site in one language, its ward map
/// (loaded once, however many passes), and which of its pages to make.
#[derive(Clone, Copy)]
pub struct Pass<'a> {
    pub site: &'a Site,
    pub map: Option<&'a crate::map::WardMap>,
    pub pages: Pages,
}

/// Which pages a call to [`Renderer::render`] makes. A build renders the case
/// pages first and lets go of their bodies' HTML before it renders the rest,
/// which never needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pages {
    All,
    Cases,
    /// Every page but the case pages.
    Rest,
}

/// Pages rendered by earlier runs, reused while their fingerprint stays the
/// same. Only a cache made with [`Cache::keeping`] keeps anything: a plain
/// build streams its pages out and holds none.
#[derive(Default)]
pub struct Cache {
    keep: bool,
    /// By output path: the fingerprint the page was rendered with, and the page.
    pages: HashMap<String, (u64, Arc<[u8]>)>,
    fingerprints: fingerprint::Memo,
    /// How many pages the last run rendered (the others were reused).
    pub rendered: usize,
}

impl Cache {
    pub fn keeping() -> Cache {
        Cache {
            keep: true,
            ..Cache::default()
        }
    }

    pub fn keeps(&self) -> bool {
        self.keep
    }
}

/// What every template gets as `page`.
#[derive(Serialize)]
struct PageView<'a> {
    kind: &'static str,
    title: &'a str,
    description: &'a str,
    canonical_url: String,
    breadcrumbs: &'a [Link],
    /// Whether the page shows highlighted code (and so needs
    /// `site.highlight_css_href`).
    code: bool,
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
    /// site's base path. Pages whose fingerprint `cache` holds are reused
    /// rather than rendered.
    pub fn render(
        &self,
        pass: Pass<'_>,
        bodies: &Bodies,
        shared: &Shared<'_>,
        cache: &mut Cache,
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
            dates: views::date_views(site, locale),
        };
        let keep = cache.keep;
        let prints = keep.then(|| Fingerprints::new(&views, &mut cache.fingerprints));
        let jobs = jobs(&views, prints.as_ref(), pages);
        // What every page shares: the configuration, the UI strings and the
        // names of the static files, from which Tera's global context is made.
        let shared = hash_of(&(
            format!("{:?}", site.config),
            views.strings,
            self.assets.names(),
        ));
        let previous = std::mem::take(&mut cache.pages);
        let kept = Mutex::new(HashMap::with_capacity(if keep { jobs.len() } else { 0 }));
        let results: Vec<Result<bool, Vec<Diagnostic>>> = jobs
            .par_iter()
            .map(|job| {
                let output = if job.template == "404.html" {
                    "404.html".to_string()
                } else {
                    format!("{}index.html", job.path)
                };
                // The 404 page stands for every missing page, not for the home
                // page whose path it has.
                let (translations, languages) = if job.kind == "not_found" {
                    (Vec::new(), alternates.of(&site.config.language, "\0").1)
                } else {
                    alternates.of(&site.config.language, &job.path)
                };
                // The data of a page hashed whole is made once, for both.
                let mut made = None;
                let fingerprint = keep.then(|| {
                    let own = job.fingerprint.unwrap_or_else(|| match &job.data {
                        Data::Object(make) => {
                            let value = make();
                            let print = hash_of(&serde_json::to_string(&value).ok());
                            made = Some(value);
                            print
                        }
                        Data::Context(_) => 0,
                    });
                    let template = self.template_fingerprints.get(job.template);
                    let crumbs: Vec<(&str, &str)> = job
                        .breadcrumbs
                        .iter()
                        .map(|c| (c.title.as_str(), c.href.as_str()))
                        .collect();
                    hash_of(&(
                        (shared, template, own),
                        (&job.path, job.kind, &job.title, &job.description, crumbs),
                        job.code,
                        (&translations, &languages),
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
                let mut context = tera::Context::new();
                context.insert(
                    "page",
                    &PageView {
                        kind: job.kind,
                        title: &job.title,
                        description: &job.description,
                        canonical_url: format!(
                            "{}{}",
                            site.config.base_url,
                            encoded_path(&job.path)
                        ),
                        breadcrumbs: &job.breadcrumbs,
                        code: job.code,
                        translations: &translations,
                        languages: &languages,
                    },
                );
                match (&job.data, made) {
                    (_, Some(value)) => insert_object(&mut context, value),
                    (Data::Object(make), None) => insert_object(&mut context, make()),
                    (Data::Context(fill), None) => fill(&mut context),
                }
                // Rendered as bytes, as pages are written: a String would be
                // checked for UTF-8 once more (about 2% of a build's CPU time).
                let mut html = Vec::with_capacity(16 * 1024);
                tera.render_to(job.template, &context, &mut html)
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
        let mut context = tera::Context::new();
        context.insert(
            "site",
            &json!({
                "title": config.title,
                "description": config.description,
                "base_url": config.base_url,
                "base_path": config.base_path,
                "language": config.language,
                "notice": config.notice,
                "home_href": at(""),
                "cases_href": at("cases/"),
                "districts_href": at("districts/"),
                "funding_href": at("funding/"),
                "themes_href": at("themes/"),
                "search_href": at("search/"),
                "opendata_href": shared("opendata/"),
                "opendata_hreflang": config.is_translation().then(|| {
                    // The default language: whatever this is a translation of.
                    self.default_language.clone()
                }),
                "feed_href": at("feed.xml"),
                "css_href": self.asset_href(site, "css/casebook.css"),
                "highlight_css_href": self.asset_href(site, "css/highlight.css"),
                "nav": [
                    {"title": t("cases", "事例一覧"), "href": at("cases/")},
                    {"title": t("districts", "地区から探す"), "href": at("districts/")},
                    {"title": t("funding", "制度から探す"), "href": at("funding/")},
                    {"title": t("themes", "テーマから探す"), "href": at("themes/")},
                    {"title": t("search", "検索"), "href": at("search/")},
                ],
            }),
        );
        context.insert("t", &strings);
        context
    }
}

impl Renderer {
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

fn term_links<'a>(
    views: &ViewBuilder<'_>,
    terms: impl Iterator<Item = (&'a String, &'a String, usize, Option<String>)>,
) -> Vec<TermLink> {
    terms
        .map(|(name, path, count, summary)| TermLink {
            name: name.clone(),
            href: views.href(path),
            count,
            summary,
        })
        .collect()
}

fn ward_links(views: &ViewBuilder<'_>) -> Vec<TermLink> {
    let site = views.site;
    term_links(
        views,
        site.wards.iter().map(|w| {
            (
                &w.name,
                &w.path,
                w.cases.len(),
                w.entry.as_ref().and_then(|e| e.meta.summary.clone()),
            )
        }),
    )
}

fn scheme_links(views: &ViewBuilder<'_>) -> Vec<TermLink> {
    let site = views.site;
    term_links(
        views,
        site.schemes.iter().map(|s| {
            (
                &s.name,
                &s.path,
                s.cases.len(),
                s.entry.as_ref().and_then(|e| e.meta.summary.clone()),
            )
        }),
    )
}

fn theme_links(views: &ViewBuilder<'_>) -> Vec<TermLink> {
    let site = views.site;
    term_links(
        views,
        site.themes.iter().map(|t| {
            (
                &t.name,
                &t.path,
                t.cases.len(),
                t.entry.as_ref().and_then(|e| e.meta.summary.clone()),
            )
        }),
    )
}

/// The charts of `scope` (`stats`), for the first page of a listing only.
fn stats_of(views: &ViewBuilder<'_>, scope: Scope, page_number: usize) -> Value {
    let builder = StatsBuilder {
        site: views.site,
        strings: views.strings,
    };
    if page_number == 1 {
        to_value(builder.view(scope))
    } else {
        Value::Null
    }
}

/// The ward map (`map`), when the site has one: every ward on the home page,
/// one ward on its own first page.
fn map_svg(views: &ViewBuilder<'_>, ward: Option<usize>) -> Option<String> {
    let labels = crate::map::Labels {
        title: views.t("map_title", "地図で見る事例"),
        description: views.t(
            "map_description",
            "事例{count}件のうち、位置のわかる{located}件を点で示しています。区を選ぶとその区の事例へ、点を選ぶとその事例のページへ移動します。",
        ),
    };
    views.map.as_ref()?.draw(views.site, ward, &labels)
}

/// What `stats_of` reads: the files of every case in `scope`, and the names
/// and paths of their terms (their summaries' fingerprints).
fn stats_print(
    prints: &Fingerprints<'_>,
    site: &Site,
    scope: Scope,
    page_number: usize,
) -> Option<Vec<u64>> {
    (page_number == 1).then(|| prints.summaries(&scope.cases(site)))
}

fn to_value<T: Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn crumb(views: &ViewBuilder<'_>, title: &str, path: &str) -> Link {
    Link {
        title: title.to_string(),
        href: views.href(path),
    }
}

/// One page of a paginated listing: its number, its site path and which items.
#[derive(Clone)]
struct ListingPage {
    number: usize,
    path: String,
    items: std::ops::Range<usize>,
}

/// Splits `count` items into pages of `per_page`: page 1 at `path`, page N at
/// `path/page/N/`. An empty listing still has its first page.
fn paginate(path: &str, count: usize, per_page: usize) -> Vec<ListingPage> {
    let per_page = per_page.max(1);
    let total = count.div_ceil(per_page).max(1);
    (1..=total)
        .map(|number| ListingPage {
            number,
            path: if number == 1 {
                path.to_string()
            } else {
                format!("{path}page/{number}/")
            },
            items: (number - 1) * per_page..(number * per_page).min(count),
        })
        .collect()
}

/// "事例一覧（2/5）" on page 2 of 5; the plain title on a single page.
fn numbered_title(title: &str, page: &ListingPage, total: usize, locale: Locale) -> String {
    match locale {
        _ if total <= 1 || page.number <= 1 => title.to_string(),
        Locale::Japanese => format!("{title}（{}/{total}）", page.number),
        Locale::English => format!("{title} ({}/{total})", page.number),
    }
}

/// The grants of a scheme's cases `items`, one row per grant.
fn grant_rows(
    views: &ViewBuilder<'_>,
    scheme: &crate::model::Scheme,
    items: std::ops::Range<usize>,
) -> Vec<Value> {
    let site = views.site;
    scheme.cases[items]
        .iter()
        .flat_map(|&c| {
            let grants = site.cases[c].entry.meta.funding.iter();
            grants
                .filter(|g| g.scheme == scheme.name)
                .map(move |g| (c, g))
        })
        .map(|(c, grant)| {
            json!({
                "case": views.case_summary(c),
                "amount": grant.amount,
                "amount_label": grant.amount.map(|a| views.locale.yen(a)),
                "fiscal_year": grant.fiscal_year,
                "fiscal_year_label": grant.fiscal_year.map(|y| views.locale.fiscal_year(y)),
            })
        })
        .collect()
}

/// The total a scheme granted; `None` when no grant states its amount, since
/// that total is unknown rather than zero.
fn total_granted_label(scheme: &crate::model::Scheme, locale: Locale) -> Option<String> {
    (scheme.grants_with_amount > 0).then(|| locale.yen(scheme.total_granted))
}

/// Whether a body holds a highlighted code block (see `markdown::render`).
fn has_code(body: &crate::markdown::Rendered) -> bool {
    body.html.contains("<pre class=\"code\"")
}

/// Every page of the site, as render jobs.
fn jobs<'a>(
    views: &'a ViewBuilder<'a>,
    prints: Option<&Fingerprints<'_>>,
    wanted: Pages,
) -> Vec<Job<'a>> {
    let site = views.site;
    let config = &site.config;
    let per_page = config.cases_per_page;
    let t = |key: &str, fallback: &str| views.t(key, fallback);
    let home = crumb(views, &t("home", "ホーム"), "");
    let summary_of = |entry: Option<&crate::content::Entry<crate::content::schema::TermMeta>>| {
        entry.and_then(|e| e.meta.summary.clone())
    };
    let mut jobs = Vec::new();

    let home_entry = site.home.as_ref();
    jobs.push(Job {
        template: "index.html",
        path: String::new(),
        kind: "home",
        title: home_entry.map_or_else(|| config.title.clone(), |h| h.meta.title.clone()),
        description: home_entry
            .and_then(|h| h.meta.summary.clone())
            .unwrap_or_else(|| config.description.clone()),
        breadcrumbs: Vec::new(),
        data: lazy(move || json!({ "home": {
            "intro_html": views.body_html(&views.bodies.home),
            "latest": views.case_summaries(&(0..site.cases.len().min(HOME_LATEST)).collect::<Vec<_>>()),
            "case_count": site.cases.len(),
            "wards": ward_links(views),
            "schemes": scheme_links(views),
            "themes": theme_links(views),
            "stats": to_value(StatsBuilder { site, strings: views.strings }.summary_of(Scope::Site)),
            "map": map_svg(views, None),
        }})),
        code: has_code(&views.bodies.home),
        fingerprint: None,
    });

    let pages = paginate("cases/", site.cases.len(), per_page);
    for page in pages.iter().cloned() {
        let total = pages.len();
        let items = page.items.clone();
        jobs.push(Job {
            template: "cases.html",
            path: page.path.clone(),
            kind: "cases",
            title: numbered_title(&t("cases", "事例一覧"), &page, total, views.locale),
            description: config.description.clone(),
            breadcrumbs: vec![home.clone()],
            data: listing(
                views,
                None,
                move || page.items.clone().collect(),
                move || {
                    json!({
                        "pagination": views.pagination(page.number, total, "cases/"),
                        "total": site.cases.len(),
                    })
                },
            ),
            code: false,
            fingerprint: prints.map(|p| {
                let listed: Vec<usize> = items.clone().collect();
                hash_of(&(page.number, total, site.cases.len(), p.summaries(&listed)))
            }),
        });
    }

    let case_pages = site.cases.iter().enumerate();
    for (i, case) in case_pages.filter(|_| wanted != Pages::Rest) {
        let ward = &site.wards[case.ward];
        jobs.push(Job {
            template: "case.html",
            path: case.path.clone(),
            kind: "case",
            title: case.entry.meta.title.clone(),
            description: case.entry.meta.summary.clone(),
            breadcrumbs: vec![
                home.clone(),
                crumb(views, &t("cases", "事例一覧"), "cases/"),
                crumb(views, &ward.name, &ward.path),
            ],
            data: Data::Context(Box::new(move |context| {
                context.insert("case", &views.case_view(i));
                insert_cards(context, Some("case"), "related", views.cards(&case.related));
            })),
            code: has_code(&views.bodies.cases[i]),
            fingerprint: prints.map(|p| hash_of(&(p.case_page(i), views.case_images(i)))),
        });
    }

    jobs.push(Job {
        template: "districts.html",
        path: "districts/".into(),
        kind: "districts",
        title: t("districts", "地区から探す"),
        description: t("districts_description", "区と地区ごとの事例"),
        breadcrumbs: vec![home.clone()],
        data: lazy(move || json!({ "wards": site.wards.iter().map(|w| json!({
            "name": w.name,
            "href": views.href(&w.path),
            "count": w.cases.len(),
            "summary": summary_of(w.entry.as_ref()),
            "areas": term_links(views, w.areas.iter().map(|a| (&a.name, &a.path, a.cases.len(), None))),
        })).collect::<Vec<_>>() })),
        code: false,
        fingerprint: None,
    });
    let districts_crumb = crumb(views, &t("districts", "地区から探す"), "districts/");
    for (w, ward) in site.wards.iter().enumerate() {
        let pages = paginate(&ward.path, ward.cases.len(), per_page);
        for page in pages.iter().cloned() {
            let total = pages.len();
            let items = page.items.clone();
            jobs.push(Job {
                template: "district.html",
                path: page.path.clone(),
                kind: "ward",
                title: numbered_title(&ward.name, &page, total, views.locale),
                description: summary_of(ward.entry.as_ref()).unwrap_or_else(|| ward.name.clone()),
                breadcrumbs: vec![home.clone(), districts_crumb.clone()],
                data: listing(views, Some("district"), move || ward.cases[page.items.clone()].to_vec(), move || json!({
                    "district": {
                        "name": ward.name,
                        "kind": "ward",
                        "summary": summary_of(ward.entry.as_ref()),
                        "body_html": views.body_html(&views.bodies.wards[w]),
                        "areas": term_links(views, ward.areas.iter().map(|a| (&a.name, &a.path, a.cases.len(), None))),
                        "case_count": ward.cases.len(),
                    },
                    "pagination": views.pagination(page.number, total, &ward.path),
                    "stats": stats_of(views, Scope::Ward(w), page.number),
                    "map": (page.number == 1).then(|| map_svg(views, Some(w))).flatten(),
                })),
                code: has_code(&views.bodies.wards[w]),
                fingerprint: prints.map(|p| hash_of(&(page.number, total, p.ward(w, items.clone()), stats_print(p, site, Scope::Ward(w), page.number), views.map.as_ref().map(|m| m.fingerprint)))),
            });
        }
        for (a, area) in ward.areas.iter().enumerate() {
            let pages = paginate(&area.path, area.cases.len(), per_page);
            for page in pages.iter().cloned() {
                let total = pages.len();
                let items = page.items.clone();
                jobs.push(Job {
                    template: "district.html",
                    path: page.path.clone(),
                    kind: "area",
                    title: numbered_title(
                        &views.locale.district(&ward.name, Some(&area.name)),
                        &page,
                        total,
                        views.locale,
                    ),
                    description: summary_of(area.entry.as_ref())
                        .unwrap_or_else(|| views.locale.district(&ward.name, Some(&area.name))),
                    breadcrumbs: vec![
                        home.clone(),
                        districts_crumb.clone(),
                        crumb(views, &ward.name, &ward.path),
                    ],
                    data: listing(
                        views,
                        Some("district"),
                        move || area.cases[page.items.clone()].to_vec(),
                        move || {
                            json!({
                                "district": {
                                    "name": area.name,
                                    "kind": "area",
                                    "summary": summary_of(area.entry.as_ref()),
                                    "body_html": views.body_html(&views.bodies.areas[w][a]),
                                    "parent": crumb(views, &ward.name, &ward.path),
                                    "areas": [],
                                    "case_count": area.cases.len(),
                                },
                                "pagination": views.pagination(page.number, total, &area.path),
                                "stats": stats_of(views, Scope::Area(w, a), page.number),
                            })
                        },
                    ),
                    code: has_code(&views.bodies.areas[w][a]),
                    fingerprint: prints.map(|p| {
                        let stats = stats_print(p, site, Scope::Area(w, a), page.number);
                        hash_of(&(page.number, total, p.area(w, a, items.clone()), stats))
                    }),
                });
            }
        }
    }

    jobs.push(Job {
        template: "funding_index.html",
        path: "funding/".into(),
        kind: "funding_index",
        title: t("funding", "制度から探す"),
        description: t("funding_description", "事例で活用された助成・支援制度"),
        breadcrumbs: vec![home.clone()],
        data: lazy(move || {
            json!({ "schemes": site.schemes.iter().map(|s| json!({
            "name": s.name,
            "href": views.href(&s.path),
            "count": s.cases.len(),
            "summary": s.entry.as_ref().and_then(|e| e.meta.summary.clone()),
            "department": s.entry.as_ref().and_then(|e| e.meta.department.clone()),
            "total_granted": s.total_granted,
            "total_granted_label": total_granted_label(s, views.locale),
            "grant_count": s.grant_count,
        })).collect::<Vec<_>>() })
        }),
        code: false,
        fingerprint: None,
    });
    let funding_crumb = crumb(views, &t("funding", "制度から探す"), "funding/");
    for (s, scheme) in site.schemes.iter().enumerate() {
        let meta = scheme.entry.as_ref().map(|e| &e.meta);
        let pages = paginate(&scheme.path, scheme.cases.len(), per_page);
        for page in pages.iter().cloned() {
            let total = pages.len();
            let items = page.items.clone();
            jobs.push(Job {
                template: "funding.html",
                path: page.path.clone(),
                kind: "funding",
                title: numbered_title(&scheme.name, &page, total, views.locale),
                description: meta.and_then(|m| m.summary.clone()).unwrap_or_else(|| scheme.name.clone()),
                breadcrumbs: vec![home.clone(), funding_crumb.clone()],
                data: lazy(move || json!({
                    "scheme": {
                        "name": scheme.name,
                        "department": meta.and_then(|m| m.department.clone()),
                        "subsidy_rate": meta.and_then(|m| m.subsidy_rate),
                        "subsidy_rate_label": meta.and_then(|m| m.subsidy_rate).map(|r| format!("{}%", views::number_label((r * 1000.0).round() / 10.0))),
                        "max_amount_label": meta.and_then(|m| m.max_amount).map(|a| views.locale.yen(a)),
                        "max_grants": meta.and_then(|m| m.max_grants),
                        "url": meta.and_then(|m| m.url.clone()),
                        "summary": meta.and_then(|m| m.summary.clone()),
                        "body_html": views.body_html(&views.bodies.schemes[s]),
                        "toc": views.bodies.schemes[s].toc,
                        "total_granted": scheme.total_granted,
                        "total_granted_label": total_granted_label(scheme, views.locale),
                        "grant_count": scheme.grant_count,
                        "case_count": scheme.cases.len(),
                        "grants": grant_rows(views, scheme, page.items.clone()),
                        "sources": meta.map(|m| views::source_views(&m.sources, views.locale)).unwrap_or_default(),
                    },
                    "pagination": views.pagination(page.number, total, &scheme.path),
                    "stats": stats_of(views, Scope::Scheme(s), page.number),
                })),
                code: has_code(&views.bodies.schemes[s]),
                fingerprint: prints.map(|p| hash_of(&(page.number, total, p.scheme(s, items.clone()), stats_print(p, site, Scope::Scheme(s), page.number)))),
            });
        }
    }

    jobs.push(Job {
        template: "themes.html",
        path: "themes/".into(),
        kind: "themes",
        title: t("themes", "テーマから探す"),
        description: t("themes_description", "テーマごとの事例"),
        breadcrumbs: vec![home.clone()],
        data: lazy(move || json!({ "themes": theme_links(views) })),
        code: false,
        fingerprint: None,
    });
    let themes_crumb = crumb(views, &t("themes", "テーマから探す"), "themes/");
    for (i, theme) in site.themes.iter().enumerate() {
        let pages = paginate(&theme.path, theme.cases.len(), per_page);
        for page in pages.iter().cloned() {
            let total = pages.len();
            let items = page.items.clone();
            jobs.push(Job {
                template: "theme.html",
                path: page.path.clone(),
                kind: "theme",
                title: numbered_title(&theme.name, &page, total, views.locale),
                description: summary_of(theme.entry.as_ref()).unwrap_or_else(|| theme.name.clone()),
                breadcrumbs: vec![home.clone(), themes_crumb.clone()],
                data: listing(
                    views,
                    Some("theme"),
                    move || theme.cases[page.items.clone()].to_vec(),
                    move || {
                        json!({
                            "theme": {
                                "name": theme.name,
                                "summary": summary_of(theme.entry.as_ref()),
                                "body_html": views.body_html(&views.bodies.themes[i]),
                                "case_count": theme.cases.len(),
                            },
                            "pagination": views.pagination(page.number, total, &theme.path),
                        })
                    },
                ),
                code: has_code(&views.bodies.themes[i]),
                fingerprint: prints
                    .map(|p| hash_of(&(page.number, total, p.theme(i, items.clone())))),
            });
        }
    }

    for (p, page) in site.pages.iter().enumerate() {
        let meta = &page.entry.meta;
        jobs.push(Job {
            template: "page.html",
            path: page.path.clone(),
            kind: "page",
            title: meta.title.clone(),
            description: meta
                .summary
                .clone()
                .unwrap_or_else(|| config.description.clone()),
            breadcrumbs: vec![home.clone()],
            data: lazy(move || {
                json!({ "content": {
                    "title": meta.title,
                    "summary": meta.summary,
                    "body_html": views.body_html(&views.bodies.pages[p]),
                    "toc": views.bodies.pages[p].toc,
                }})
            }),
            code: has_code(&views.bodies.pages[p]),
            fingerprint: prints.map(|prints| prints.page(p)),
        });
    }

    jobs.push(Job {
        template: "search.html",
        path: "search/".into(),
        kind: "search",
        title: t("search_title", "事例を検索"),
        description: t("search_description", "事例をキーワードで検索します"),
        breadcrumbs: vec![home.clone()],
        data: lazy(move || {
            json!({ "browse": {
                "wards": ward_links(views),
                "schemes": scheme_links(views),
                "themes": theme_links(views),
            }})
        }),
        code: false,
        fingerprint: None,
    });

    jobs.push(Job {
        template: "stats.html",
        path: "stats/".into(),
        kind: "stats",
        title: t("stats_title", "統計で見る事例"),
        description: t(
            "stats_description",
            "区、制度、年度、状況、テーマごとの事例数と交付額、成果の合計",
        ),
        breadcrumbs: vec![home.clone()],
        data: lazy(move || {
            json!({ "stats": StatsBuilder { site, strings: views.strings }.view(Scope::Site) })
        }),
        code: false,
        fingerprint: None,
    });

    // Open data is published once, by the default language's site.
    if !config.is_translation() {
        jobs.push(Job {
            template: "opendata.html",
            path: "opendata/".into(),
            kind: "opendata",
            title: t("open_data", "オープンデータ"),
            description: t(
                "open_data_description",
                "掲載事例のオープンデータ（JSON・CSV）",
            ),
            breadcrumbs: vec![home.clone()],
            data: lazy(move || to_value(crate::opendata::page_data(site))),
            code: false,
            fingerprint: prints.map(|p| p.open_data()),
        });
    }

    jobs.push(Job {
        template: "404.html",
        path: String::new(),
        kind: "not_found",
        title: t("not_found_title", "ページが見つかりません"),
        description: config.description.clone(),
        breadcrumbs: vec![home.clone()],
        data: lazy(move || json!({})),
        code: false,
        fingerprint: None,
    });
    if wanted == Pages::Cases {
        // The other pages are few and cheap to list; only cases are many.
        jobs.retain(|job| job.kind == "case");
    }
    jobs
}
