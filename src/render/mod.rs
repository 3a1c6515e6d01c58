//! Render: `Site` + `Bodies` → HTML pages and theme files, through Tera.
//!
//! 1. Resolve the theme chain (`theme`) and compile its templates once, with
//!    the Japanese filters (`japanese`) registered.
//! 2. Make one job per page: its template, its path, and a fingerprint of
//!    everything its page is made from (`fingerprint`).
//! 3. Render the jobs in parallel, each from its view (`views`); a template
//!    error names the template file and line, and the build goes on to report
//!    the others. With a [`Cache`] from an earlier run (the live preview), a
//!    job whose fingerprint is unchanged reuses its page instead.
//! 4. Add the theme's static files and the code-highlighting stylesheet.

mod fingerprint;
pub mod japanese;
pub mod theme;
pub mod views;

use crate::bodies::Bodies;
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::model::{Site, href};
use crate::output::OutputFile;
use fingerprint::Fingerprints;
pub use fingerprint::hash_of;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;
use theme::ThemeFiles;
use views::{Link, TermLink, ViewBuilder};

/// Newest cases shown on the home page.
const HOME_LATEST: usize = 6;

/// Which page a job renders.
#[derive(Debug, Clone, Copy)]
enum Page {
    Home,
    /// `/cases/`, `/cases/page/2/`, … (1-based).
    CaseList(usize),
    Case(usize),
    Districts,
    Ward(usize),
    Area(usize, usize),
    FundingIndex,
    Scheme(usize),
    Themes,
    Theme(usize),
    Content(usize),
    Search,
    OpenData,
    NotFound,
}

/// One page to render.
struct Job {
    page: Page,
    template: &'static str,
    /// The site path (`cases/a/`), for the canonical URL.
    path: String,
    /// Where the page is written: `cases/a/index.html`.
    output: String,
    /// Of everything the page's view is made from: equal fingerprints, equal views.
    fingerprint: u64,
    /// Built with the job for the few pages whose fingerprint is a hash of
    /// their whole view (index pages: small, and read from many places).
    view: Option<View>,
}

/// What one page's template sees besides the context every page shares.
struct View {
    kind: &'static str,
    title: String,
    description: String,
    breadcrumbs: Vec<Link>,
    data: Value,
}

/// Pages rendered by an earlier run, reused while their fingerprint stays the
/// same. One cache serves one root; the live preview keeps it between rebuilds.
#[derive(Default)]
pub struct Cache {
    /// By output path: the fingerprint the page was rendered with, and the page.
    pages: HashMap<String, (u64, Arc<[u8]>)>,
    fingerprints: fingerprint::Memo,
    /// How many pages the last run rendered (the others were reused).
    pub rendered: usize,
}

pub struct Renderer {
    tera: tera::Tera,
    files: ThemeFiles,
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
        let mut tera = tera::Tera::new();
        register_filters(&mut tera, &site.config.base_path);
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
            files,
            template_fingerprints,
        })
    }

    /// Every page of the site, and the theme's files. Pages whose fingerprint
    /// `cache` already holds are reused, the others rendered and cached.
    pub fn render(
        &self,
        site: &Site,
        bodies: &Bodies,
        cache: &mut Cache,
        diagnostics: &mut Diagnostics,
    ) -> Vec<OutputFile> {
        let views = ViewBuilder { site, bodies };
        let strings = self.strings(site);
        let prints = Fingerprints::new(&views, &mut cache.fingerprints);
        let jobs = jobs(&views, strings, &prints);
        let common = self.common_context(site);
        // What every page shares: the configuration and the UI strings, from
        // which the common context is made.
        let shared = hash_of(&(format!("{:?}", site.config), strings));
        let previous = std::mem::take(&mut cache.pages);
        let results: Vec<Result<(OutputFile, u64, bool), Vec<Diagnostic>>> = jobs
            .into_par_iter()
            .map(|job| {
                let template = self
                    .template_fingerprints
                    .get(job.template)
                    .copied()
                    .unwrap_or_default();
                let fingerprint = hash_of(&(shared, template, job.fingerprint));
                if let Some((cached, bytes)) = previous.get(&job.output)
                    && *cached == fingerprint
                {
                    let file = OutputFile::shared(job.output, Arc::clone(bytes));
                    return Ok((file, fingerprint, false));
                }
                let view = match job.view {
                    Some(view) => view,
                    None => view(&views, strings, job.page),
                };
                let mut context = common.clone();
                context.insert(
                    "page",
                    &json!({
                        "kind": view.kind,
                        "title": view.title,
                        "description": view.description,
                        "canonical_url": format!("{}{}", site.config.base_url, encoded_path(&job.path)),
                        "breadcrumbs": view.breadcrumbs,
                    }),
                );
                if let Value::Object(map) = &view.data {
                    for (key, value) in map {
                        context.insert(key.clone(), value);
                    }
                }
                self.tera
                    .render(job.template, &context)
                    .map(|html| (OutputFile::new(job.output, html), fingerprint, true))
                    .map_err(|error| template_diagnostics(&error, &self.files))
            })
            .collect();
        let mut outputs = Vec::with_capacity(results.len() + 16);
        cache.rendered = 0;
        for result in results {
            match result {
                Ok((file, fingerprint, rendered)) => {
                    if let crate::output::Contents::Bytes(bytes) = &file.contents {
                        cache
                            .pages
                            .insert(file.path.clone(), (fingerprint, Arc::clone(bytes)));
                    }
                    cache.rendered += usize::from(rendered);
                    outputs.push(file);
                }
                Err(found) => found.into_iter().for_each(|d| diagnostics.push(d)),
            }
        }
        for (name, file) in self.files.statics() {
            outputs.push(OutputFile::new(
                format!("static/{name}"),
                file.bytes.clone(),
            ));
        }
        if let Some(css) = crate::markdown::highlight_css(&site.config.markdown.highlight_theme) {
            outputs.push(OutputFile::new("static/css/highlight.css", css));
        }
        outputs
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
        let mut context = tera::Context::new();
        context.insert(
            "site",
            &json!({
                "title": config.title,
                "description": config.description,
                "base_url": config.base_url,
                "base_path": config.base_path,
                "language": config.language,
                "home_href": at(""),
                "cases_href": at("cases/"),
                "districts_href": at("districts/"),
                "funding_href": at("funding/"),
                "themes_href": at("themes/"),
                "search_href": at("search/"),
                "opendata_href": at("opendata/"),
                "feed_href": at("feed.xml"),
                "css_href": at("static/css/casebook.css"),
                "highlight_css_href": at("static/css/highlight.css"),
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

fn encoded_path(path: &str) -> String {
    href("", path)
}

fn register_filters(tera: &mut tera::Tera, base_path: &str) {
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
    if let tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) =
        error.kind()
        && !report.filename().is_empty()
    {
        let span = report.span();
        return vec![
            Diagnostic::error(
                origin(report.filename()),
                format!("template error: {}", report.message()),
            )
            .at(Span::new(span.start_line, span.start_col + 1))
            .hint(hint),
        ];
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
                found.push(
                    Diagnostic::error(origin(name), format!("template error: {m}"))
                        .at(Span::new(line_number, col))
                        .hint(hint),
                );
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
            .hint("check the theme's templates and its `extends:`"),
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

fn to_value<T: Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn crumb(views: &ViewBuilder<'_>, title: &str, path: &str) -> Link {
    Link {
        title: title.to_string(),
        href: views.href(path),
    }
}

/// Every page of the site, as render jobs.
fn jobs(
    views: &ViewBuilder<'_>,
    strings: &BTreeMap<String, String>,
    prints: &Fingerprints,
) -> Vec<Job> {
    let site = views.site;
    let mut jobs = Vec::with_capacity(site.cases.len() * 2 + 64);
    let mut push = |page: Page, template: &'static str, path: &str, fingerprint: Option<u64>| {
        let output = match page {
            Page::NotFound => "404.html".to_string(),
            _ => format!("{path}index.html"),
        };
        // Index pages are hashed whole: they are few and small, and read
        // counts and names from all over the site.
        let (fingerprint, view) = match fingerprint {
            Some(fingerprint) => (fingerprint, None),
            None => {
                let view = view(views, strings, page);
                let fingerprint = hash_of(&(
                    view.kind,
                    &view.title,
                    &view.description,
                    serde_json::to_string(&view.breadcrumbs).unwrap_or_default(),
                    serde_json::to_string(&view.data).unwrap_or_default(),
                ));
                (fingerprint, Some(view))
            }
        };
        jobs.push(Job {
            page,
            template,
            path: path.to_string(),
            output,
            fingerprint,
            view,
        });
    };

    push(Page::Home, "index.html", "", None);
    let per_page = site.config.cases_per_page.max(1);
    let total_pages = site.cases.len().div_ceil(per_page).max(1);
    for page in 1..=total_pages {
        let path = if page == 1 {
            "cases/".to_string()
        } else {
            format!("cases/page/{page}/")
        };
        let listed = case_list_indices(site.cases.len(), per_page, page);
        let fingerprint = hash_of(&(
            page,
            total_pages,
            site.cases.len(),
            prints.summaries(&listed),
        ));
        push(Page::CaseList(page), "cases.html", &path, Some(fingerprint));
    }
    for (i, case) in site.cases.iter().enumerate() {
        push(
            Page::Case(i),
            "case.html",
            &case.path,
            Some(prints.case_page(i)),
        );
    }
    push(Page::Districts, "districts.html", "districts/", None);
    for (w, ward) in site.wards.iter().enumerate() {
        push(
            Page::Ward(w),
            "district.html",
            &ward.path,
            Some(prints.ward(w)),
        );
        for (a, area) in ward.areas.iter().enumerate() {
            push(
                Page::Area(w, a),
                "district.html",
                &area.path,
                Some(prints.area(w, a)),
            );
        }
    }
    push(Page::FundingIndex, "funding_index.html", "funding/", None);
    for (s, scheme) in site.schemes.iter().enumerate() {
        push(
            Page::Scheme(s),
            "funding.html",
            &scheme.path,
            Some(prints.scheme(s)),
        );
    }
    push(Page::Themes, "themes.html", "themes/", None);
    for (t, theme) in site.themes.iter().enumerate() {
        push(
            Page::Theme(t),
            "theme.html",
            &theme.path,
            Some(prints.theme(t)),
        );
    }
    for (p, page) in site.pages.iter().enumerate() {
        push(
            Page::Content(p),
            "page.html",
            &page.path,
            Some(prints.page(p)),
        );
    }
    push(Page::Search, "search.html", "search/", None);
    push(
        Page::OpenData,
        "opendata.html",
        "opendata/",
        Some(prints.open_data()),
    );
    push(Page::NotFound, "404.html", "", None);
    jobs
}

/// The cases listed on page `page` (1-based) of `/cases/`.
fn case_list_indices(total: usize, per_page: usize, page: usize) -> Vec<usize> {
    let start = (page - 1) * per_page;
    (start..(start + per_page).min(total)).collect()
}

/// The view of one page. `fingerprint.rs` hashes what each of these reads:
/// a view that reads something new must hash it there too.
fn view(views: &ViewBuilder<'_>, strings: &BTreeMap<String, String>, page: Page) -> View {
    let site = views.site;
    let config = &site.config;
    let t = |key: &str, fallback: &str| {
        strings
            .get(key)
            .cloned()
            .unwrap_or_else(|| fallback.to_string())
    };
    let home = crumb(views, &t("home", "ホーム"), "");
    match page {
        Page::Home => {
            let home_entry = site.home.as_ref();
            View {
                kind: "home",
                title: home_entry.map_or_else(|| config.title.clone(), |h| h.meta.title.clone()),
                description: home_entry
                    .and_then(|h| h.meta.summary.clone())
                    .unwrap_or_else(|| config.description.clone()),
                breadcrumbs: Vec::new(),
                data: json!({ "home": {
                    "intro_html": views.bodies.home.html,
                    "latest": views.case_summaries(&(0..site.cases.len().min(HOME_LATEST)).collect::<Vec<_>>()),
                    "case_count": site.cases.len(),
                    "wards": ward_links(views),
                    "schemes": scheme_links(views),
                    "themes": theme_links(views),
                }}),
            }
        }
        Page::CaseList(page) => {
            let per_page = config.cases_per_page.max(1);
            let total_pages = site.cases.len().div_ceil(per_page).max(1);
            let indices = case_list_indices(site.cases.len(), per_page, page);
            View {
                kind: "cases",
                title: if page == 1 {
                    t("cases", "事例一覧")
                } else {
                    format!("{}（{page}/{total_pages}）", t("cases", "事例一覧"))
                },
                description: config.description.clone(),
                breadcrumbs: vec![home],
                data: json!({
                    "cases": views.case_summaries(&indices),
                    "pagination": views.pagination(page, total_pages, "cases/"),
                    "total": site.cases.len(),
                }),
            }
        }
        Page::Case(i) => {
            let case = &site.cases[i];
            let ward = &site.wards[case.ward];
            View {
                kind: "case",
                title: case.entry.meta.title.clone(),
                description: case.entry.meta.summary.clone(),
                breadcrumbs: vec![
                    home,
                    crumb(views, &t("cases", "事例一覧"), "cases/"),
                    crumb(views, &ward.name, &ward.path),
                ],
                data: json!({ "case": views.case_view(i) }),
            }
        }
        Page::Districts => View {
            kind: "districts",
            title: t("districts", "地区から探す"),
            description: "区と地区ごとの事例".into(),
            breadcrumbs: vec![home],
            data: json!({ "wards": site.wards.iter().map(|w| json!({
                "name": w.name,
                "href": views.href(&w.path),
                "count": w.cases.len(),
                "summary": w.entry.as_ref().and_then(|e| e.meta.summary.clone()),
                "areas": term_links(views, w.areas.iter().map(|a| (&a.name, &a.path, a.cases.len(), None))),
            })).collect::<Vec<_>>() }),
        },
        Page::Ward(w) => {
            let ward = &site.wards[w];
            View {
                kind: "ward",
                title: ward.name.clone(),
                description: ward
                    .entry
                    .as_ref()
                    .and_then(|e| e.meta.summary.clone())
                    .unwrap_or_else(|| format!("{}の事例", ward.name)),
                breadcrumbs: vec![
                    home,
                    crumb(views, &t("districts", "地区から探す"), "districts/"),
                ],
                data: json!({ "district": {
                    "name": ward.name,
                    "kind": "ward",
                    "summary": ward.entry.as_ref().and_then(|e| e.meta.summary.clone()),
                    "body_html": views.bodies.wards[w].html,
                    "areas": term_links(views, ward.areas.iter().map(|a| (&a.name, &a.path, a.cases.len(), None))),
                    "cases": views.case_summaries(&ward.cases),
                }}),
            }
        }
        Page::Area(w, a) => {
            let ward = &site.wards[w];
            let area = &ward.areas[a];
            View {
                kind: "area",
                title: format!("{} {}", ward.name, area.name),
                description: area
                    .entry
                    .as_ref()
                    .and_then(|e| e.meta.summary.clone())
                    .unwrap_or_else(|| format!("{}{}の事例", ward.name, area.name)),
                breadcrumbs: vec![
                    home,
                    crumb(views, &t("districts", "地区から探す"), "districts/"),
                    crumb(views, &ward.name, &ward.path),
                ],
                data: json!({ "district": {
                    "name": area.name,
                    "kind": "area",
                    "summary": area.entry.as_ref().and_then(|e| e.meta.summary.clone()),
                    "body_html": views.bodies.areas[w][a].html,
                    "parent": crumb(views, &ward.name, &ward.path),
                    "areas": [],
                    "cases": views.case_summaries(&area.cases),
                }}),
            }
        }
        Page::FundingIndex => View {
            kind: "funding_index",
            title: t("funding", "制度から探す"),
            description: "事例で活用された助成・支援制度".into(),
            breadcrumbs: vec![home],
            data: json!({ "schemes": site.schemes.iter().map(|s| json!({
                "name": s.name,
                "href": views.href(&s.path),
                "count": s.cases.len(),
                "summary": s.entry.as_ref().and_then(|e| e.meta.summary.clone()),
                "department": s.entry.as_ref().and_then(|e| e.meta.department.clone()),
                "total_granted": s.total_granted,
                "total_granted_label": japanese::yen(s.total_granted),
                "grant_count": s.grant_count,
            })).collect::<Vec<_>>() }),
        },
        Page::Scheme(s) => {
            let scheme = &site.schemes[s];
            let meta = scheme.entry.as_ref().map(|e| &e.meta);
            let grants: Vec<Value> = scheme
                .cases
                .iter()
                .flat_map(|&c| {
                    site.cases[c]
                        .entry
                        .meta
                        .funding
                        .iter()
                        .filter(|g| g.scheme == scheme.name)
                        .map(move |g| (c, g))
                })
                .map(|(c, grant)| {
                    json!({
                        "case": views.case_summary(c),
                        "amount_label": grant.amount.map(japanese::yen),
                        "fiscal_year_label": grant.fiscal_year.map(japanese::fiscal_year_label),
                    })
                })
                .collect();
            View {
                kind: "funding",
                title: scheme.name.clone(),
                description: meta
                    .and_then(|m| m.summary.clone())
                    .unwrap_or_else(|| format!("{}を活用した事例", scheme.name)),
                breadcrumbs: vec![
                    home,
                    crumb(views, &t("funding", "制度から探す"), "funding/"),
                ],
                data: json!({ "scheme": {
                    "name": scheme.name,
                    "department": meta.and_then(|m| m.department.clone()),
                    "subsidy_rate": meta.and_then(|m| m.subsidy_rate),
                    "subsidy_rate_label": meta.and_then(|m| m.subsidy_rate).map(|r| format!("{}%", views::number_label((r * 1000.0).round() / 10.0))),
                    "max_amount_label": meta.and_then(|m| m.max_amount).map(japanese::yen),
                    "max_grants": meta.and_then(|m| m.max_grants),
                    "url": meta.and_then(|m| m.url.clone()),
                    "summary": meta.and_then(|m| m.summary.clone()),
                    "body_html": views.bodies.schemes[s].html,
                    "toc": views.bodies.schemes[s].toc,
                    "total_granted_label": japanese::yen(scheme.total_granted),
                    "grant_count": scheme.grant_count,
                    "grants": grants,
                }}),
            }
        }
        Page::Themes => View {
            kind: "themes",
            title: t("themes", "テーマから探す"),
            description: "テーマごとの事例".into(),
            breadcrumbs: vec![home],
            data: json!({ "themes": theme_links(views) }),
        },
        Page::Theme(i) => {
            let theme = &site.themes[i];
            View {
                kind: "theme",
                title: theme.name.clone(),
                description: theme
                    .entry
                    .as_ref()
                    .and_then(|e| e.meta.summary.clone())
                    .unwrap_or_else(|| format!("{}の事例", theme.name)),
                breadcrumbs: vec![
                    home,
                    crumb(views, &t("themes", "テーマから探す"), "themes/"),
                ],
                data: json!({ "theme": {
                    "name": theme.name,
                    "summary": theme.entry.as_ref().and_then(|e| e.meta.summary.clone()),
                    "body_html": views.bodies.themes[i].html,
                    "cases": views.case_summaries(&theme.cases),
                }}),
            }
        }
        Page::Content(p) => {
            let page = &site.pages[p];
            let meta = &page.entry.meta;
            View {
                kind: "page",
                title: meta.title.clone(),
                description: meta
                    .summary
                    .clone()
                    .unwrap_or_else(|| config.description.clone()),
                breadcrumbs: vec![home],
                data: json!({ "content": {
                    "title": meta.title,
                    "summary": meta.summary,
                    "body_html": views.bodies.pages[p].html,
                    "toc": views.bodies.pages[p].toc,
                }}),
            }
        }
        Page::Search => View {
            kind: "search",
            title: t("search_title", "事例を検索"),
            description: "事例をキーワードで検索します".into(),
            breadcrumbs: vec![home],
            data: json!({ "browse": {
                "wards": ward_links(views),
                "schemes": scheme_links(views),
                "themes": theme_links(views),
            }}),
        },
        Page::OpenData => View {
            kind: "opendata",
            title: t("open_data", "オープンデータ"),
            description: "掲載事例のオープンデータ（JSON・CSV）".into(),
            breadcrumbs: vec![home],
            data: to_value(crate::opendata::page_data(site)),
        },
        Page::NotFound => View {
            kind: "not_found",
            title: t("not_found_title", "ページが見つかりません"),
            description: config.description.clone(),
            breadcrumbs: vec![home],
            data: json!({}),
        },
    }
}
