//! Jobs: every page of the site, one [`Job`] each, in the spirit of a render
//! queue. A job knows its template, its output path, its head (title,
//! description, breadcrumbs) and its typed view: what its template sees.
//!
//! The live preview decides whether a page must be rendered again from a hash
//! of the page's head and view ([`Page::fingerprint`]): what the template is
//! given is exactly what is hashed, so no second list of a page's inputs has
//! to be kept in step with the views.

use super::charts::{StatsView, Summary};
use super::views::{
    self, Cards, CaseSummary, CaseView, Link, Pagination, SourceView, TermLink, ViewBuilder,
};
use crate::bodies::Bodies;
use crate::locale::{Locale, number_label};
use crate::markdown::{Rendered, TocEntry};
use crate::model::{Scheme, Site};
use crate::stats::Scope;
use serde::Serialize;
use std::ops::Range;

/// Newest cases shown on the home page.
const HOME_LATEST: usize = 6;

/// One page of the site. Indices point into the site's cases and terms.
#[derive(Debug, Clone)]
pub enum Job {
    Home,
    CaseList(Listing),
    Case(usize),
    Districts,
    Ward {
        ward: usize,
        listing: Listing,
    },
    Area {
        ward: usize,
        area: usize,
        listing: Listing,
    },
    FundingIndex,
    Scheme {
        scheme: usize,
        listing: Listing,
    },
    Themes,
    Theme {
        theme: usize,
        listing: Listing,
    },
    Page(usize),
    Search,
    Stats,
    OpenData,
    NotFound,
}

/// Which pages a call to `Renderer::render` makes. A build renders the case
/// pages first and lets go of their bodies' HTML before it renders the rest,
/// which never needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pages {
    All,
    Cases,
    /// Every page but the case pages.
    Rest,
}

/// One page of a paginated listing: its number of how many, its site path and
/// which items.
#[derive(Debug, Clone)]
pub struct Listing {
    pub number: usize,
    pub total: usize,
    pub path: String,
    pub items: Range<usize>,
}

/// Splits `count` items into pages of `per_page`: page 1 at `path`, page N at
/// `path/page/N/`. An empty listing still has its first page.
pub fn paginate(path: &str, count: usize, per_page: usize) -> Vec<Listing> {
    let per_page = per_page.max(1);
    let total = count.div_ceil(per_page).max(1);
    (1..=total)
        .map(|number| Listing {
            number,
            total,
            path: if number == 1 {
                path.to_string()
            } else {
                format!("{path}page/{number}/")
            },
            items: (number - 1) * per_page..(number * per_page).min(count),
        })
        .collect()
}

impl Job {
    /// Every page of `site` that `wanted` asks for, in a stable order.
    pub fn all(site: &Site, wanted: Pages) -> Vec<Job> {
        let cases = (0..site.cases.len()).map(Job::Case);
        if wanted == Pages::Cases {
            return cases.collect();
        }
        let per_page = site.config.cases_per_page;
        let mut jobs = vec![Job::Home];
        jobs.extend(
            paginate("cases/", site.cases.len(), per_page)
                .into_iter()
                .map(Job::CaseList),
        );
        if wanted == Pages::All {
            jobs.extend(cases);
        }
        jobs.push(Job::Districts);
        for (w, ward) in site.wards.iter().enumerate() {
            let listings = paginate(&ward.path, ward.cases.len(), per_page);
            jobs.extend(
                listings
                    .into_iter()
                    .map(|listing| Job::Ward { ward: w, listing }),
            );
            for (a, area) in ward.areas.iter().enumerate() {
                let listings = paginate(&area.path, area.cases.len(), per_page);
                jobs.extend(listings.into_iter().map(|listing| Job::Area {
                    ward: w,
                    area: a,
                    listing,
                }));
            }
        }
        jobs.push(Job::FundingIndex);
        for (s, scheme) in site.schemes.iter().enumerate() {
            let listings = paginate(&scheme.path, scheme.cases.len(), per_page);
            jobs.extend(
                listings
                    .into_iter()
                    .map(|listing| Job::Scheme { scheme: s, listing }),
            );
        }
        jobs.push(Job::Themes);
        for (t, theme) in site.themes.iter().enumerate() {
            let listings = paginate(&theme.path, theme.cases.len(), per_page);
            jobs.extend(
                listings
                    .into_iter()
                    .map(|listing| Job::Theme { theme: t, listing }),
            );
        }
        jobs.extend((0..site.pages.len()).map(Job::Page));
        jobs.extend([Job::Search, Job::Stats]);
        // Open data is published once, by the default language's site.
        if !site.config.is_translation() {
            jobs.push(Job::OpenData);
        }
        jobs.push(Job::NotFound);
        jobs
    }

    pub fn template(&self) -> &'static str {
        match self {
            Job::Home => "index.html",
            Job::CaseList(_) => "cases.html",
            Job::Case(_) => "case.html",
            Job::Districts => "districts.html",
            Job::Ward { .. } | Job::Area { .. } => "district.html",
            Job::FundingIndex => "funding_index.html",
            Job::Scheme { .. } => "funding.html",
            Job::Themes => "themes.html",
            Job::Theme { .. } => "theme.html",
            Job::Page(_) => "page.html",
            Job::Search => "search.html",
            Job::Stats => "stats.html",
            Job::OpenData => "opendata.html",
            Job::NotFound => "404.html",
        }
    }

    /// What templates see as `page.kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Job::Home => "home",
            Job::CaseList(_) => "cases",
            Job::Case(_) => "case",
            Job::Districts => "districts",
            Job::Ward { .. } => "ward",
            Job::Area { .. } => "area",
            Job::FundingIndex => "funding_index",
            Job::Scheme { .. } => "funding",
            Job::Themes => "themes",
            Job::Theme { .. } => "theme",
            Job::Page(_) => "page",
            Job::Search => "search",
            Job::Stats => "stats",
            Job::OpenData => "opendata",
            Job::NotFound => "not_found",
        }
    }

    /// The page's site path: `cases/a/`; the home page's (and the 404 page's) is empty.
    pub fn path<'s>(&'s self, site: &'s Site) -> &'s str {
        match self {
            Job::Home | Job::NotFound => "",
            Job::CaseList(listing)
            | Job::Ward { listing, .. }
            | Job::Area { listing, .. }
            | Job::Scheme { listing, .. }
            | Job::Theme { listing, .. } => &listing.path,
            Job::Case(i) => &site.cases[*i].path,
            Job::Page(p) => &site.pages[*p].path,
            Job::Districts => "districts/",
            Job::FundingIndex => "funding/",
            Job::Themes => "themes/",
            Job::Search => "search/",
            Job::Stats => "stats/",
            Job::OpenData => "opendata/",
        }
    }

    /// The file the page is written to, relative to its site's output folder.
    pub fn output(&self, site: &Site) -> String {
        match self {
            Job::NotFound => "404.html".to_string(),
            _ => format!("{}index.html", self.path(site)),
        }
    }

    /// Whether the page stands for its path in the other languages; the 404
    /// page stands for every missing page, not for the home page whose path
    /// it has.
    pub fn has_versions(&self) -> bool {
        !matches!(self, Job::NotFound)
    }

    /// The page's title, description and breadcrumbs, and whether it shows
    /// highlighted code.
    pub fn head(&self, views: &ViewBuilder<'_>) -> Head {
        let (title, description, breadcrumbs) = self.titles(views);
        Head {
            title,
            description,
            breadcrumbs,
            code: self
                .body(views.bodies)
                .is_some_and(|body| body.html.contains("<pre class=\"code\"")),
        }
    }

    /// The Markdown body the page shows, if any.
    fn body<'b>(&self, bodies: &'b Bodies) -> Option<&'b Rendered> {
        match self {
            Job::Home => Some(&bodies.home),
            Job::Case(i) => Some(&bodies.cases[*i]),
            Job::Ward { ward, .. } => Some(&bodies.wards[*ward]),
            Job::Area { ward, area, .. } => Some(&bodies.areas[*ward][*area]),
            Job::Scheme { scheme, .. } => Some(&bodies.schemes[*scheme]),
            Job::Theme { theme, .. } => Some(&bodies.themes[*theme]),
            Job::Page(p) => Some(&bodies.pages[*p]),
            _ => None,
        }
    }

    /// The page's title, description and breadcrumbs.
    fn titles(&self, views: &ViewBuilder<'_>) -> (String, String, Vec<Link>) {
        let site = views.site;
        let config = &site.config;
        let t = |key: &str, fallback: &str| views.t(key, fallback);
        let home = views.link(&t("home", "ホーム"), "");
        let under = |title: String, path: &str| vec![home.clone(), views.link(&title, path)];
        // A term's page: its name (numbered past the first page), its summary
        // or else its name.
        let term = |name: &str, summary: Option<&str>, crumbs, listing: &Listing| {
            let title = numbered_title(name, listing, views.locale);
            (title, summary.unwrap_or(name).to_string(), crumbs)
        };
        let fixed = |title: (&str, &str), description: (&str, &str)| {
            let description = t(description.0, description.1);
            (t(title.0, title.1), description, vec![home.clone()])
        };
        match self {
            Job::Home => {
                let meta = site.home.as_ref().map(|h| &h.meta);
                (
                    meta.map_or(&config.title, |m| &m.title).clone(),
                    (meta.and_then(|m| m.summary.as_ref()))
                        .unwrap_or(&config.description)
                        .clone(),
                    Vec::new(),
                )
            }
            Job::CaseList(listing) => {
                let title = numbered_title(&t("cases", "事例一覧"), listing, views.locale);
                (title, config.description.clone(), vec![home])
            }
            Job::Case(i) => {
                let case = &site.cases[*i];
                let ward = &site.wards[case.ward];
                let mut crumbs = under(t("cases", "事例一覧"), "cases/");
                crumbs.push(views.link(&ward.name, &ward.path));
                let meta = &case.entry.meta;
                (meta.title.clone(), meta.summary.clone(), crumbs)
            }
            Job::Districts => fixed(
                ("districts", "地区から探す"),
                ("districts_description", "区と地区ごとの事例"),
            ),
            Job::Ward { ward, listing } => {
                let ward = &site.wards[*ward];
                let crumbs = under(t("districts", "地区から探す"), "districts/");
                term(&ward.name, ward.summary(), crumbs, listing)
            }
            Job::Area {
                ward,
                area,
                listing,
            } => {
                let ward = &site.wards[*ward];
                let area = &ward.areas[*area];
                let name = views.locale.district(&ward.name, Some(&area.name));
                let mut crumbs = under(t("districts", "地区から探す"), "districts/");
                crumbs.push(views.link(&ward.name, &ward.path));
                term(&name, area.summary(), crumbs, listing)
            }
            Job::FundingIndex => fixed(
                ("funding", "制度から探す"),
                ("funding_description", "事例で活用された助成・支援制度"),
            ),
            Job::Scheme { scheme, listing } => {
                let scheme = &site.schemes[*scheme];
                let crumbs = under(t("funding", "制度から探す"), "funding/");
                term(&scheme.name, scheme.summary(), crumbs, listing)
            }
            Job::Themes => fixed(
                ("themes", "テーマから探す"),
                ("themes_description", "テーマごとの事例"),
            ),
            Job::Theme { theme, listing } => {
                let theme = &site.themes[*theme];
                let crumbs = under(t("themes", "テーマから探す"), "themes/");
                term(&theme.name, theme.summary(), crumbs, listing)
            }
            Job::Page(p) => {
                let meta = &site.pages[*p].entry.meta;
                let description = meta.summary.as_ref().unwrap_or(&config.description);
                (meta.title.clone(), description.clone(), vec![home])
            }
            Job::Search => fixed(
                ("search_title", "事例を検索"),
                ("search_description", "事例をキーワードで検索します"),
            ),
            Job::Stats => fixed(
                ("stats_title", "統計で見る事例"),
                (
                    "stats_description",
                    "区、制度、年度、状況、テーマごとの事例数と交付額、成果の合計",
                ),
            ),
            Job::OpenData => fixed(
                ("open_data", "オープンデータ"),
                (
                    "open_data_description",
                    "掲載事例のオープンデータ（JSON・CSV）",
                ),
            ),
            Job::NotFound => {
                let title = t("not_found_title", "ページが見つかりません");
                (title, config.description.clone(), vec![home])
            }
        }
    }

    /// What the page's template sees besides `page` and the site-wide
    /// variables: each field of the view is a template variable.
    pub fn view<'v>(&self, views: &'v ViewBuilder<'v>) -> View<'v> {
        let site = views.site;
        let bodies = views.bodies;
        match self {
            Job::Home => View::Home(HomePage {
                home: HomeView {
                    intro_html: views.body_html(&bodies.home),
                    latest: views.case_summaries(
                        &(0..site.cases.len().min(HOME_LATEST)).collect::<Vec<_>>(),
                    ),
                    case_count: site.cases.len(),
                    wards: views.term_links(&site.wards),
                    schemes: views.term_links(&site.schemes),
                    themes: views.term_links(&site.themes),
                    stats: views.stats().summary_of(Scope::Site),
                    map: views.map_svg(None),
                },
            }),
            Job::CaseList(listing) => View::CaseList(CaseListPage {
                pagination: views.pagination(listing.number, listing.total, "cases/"),
                total: site.cases.len(),
                cases: views.cards(&listing.items.clone().collect::<Vec<_>>()),
            }),
            Job::Case(i) => View::Case(Box::new(CasePage {
                case: CaseWithRelated {
                    view: views.case_view(*i),
                    related: views.cards(&site.cases[*i].related),
                },
            })),
            Job::Districts => View::Districts(DistrictsPage {
                wards: site
                    .wards
                    .iter()
                    .map(|w| WardRow {
                        name: &w.name,
                        href: views.href(&w.path),
                        count: w.cases.len(),
                        summary: w.summary(),
                        areas: views.term_links(&w.areas),
                    })
                    .collect(),
            }),
            Job::Ward { ward: w, listing } => {
                let ward = &site.wards[*w];
                View::District(DistrictPage {
                    district: DistrictView {
                        name: &ward.name,
                        kind: "ward",
                        summary: ward.summary(),
                        body_html: views.body_html(&bodies.wards[*w]),
                        parent: None,
                        areas: views.term_links(&ward.areas),
                        case_count: ward.cases.len(),
                        cases: views.cards(&ward.cases[listing.items.clone()]),
                    },
                    pagination: views.pagination(listing.number, listing.total, &ward.path),
                    stats: first_page(listing, || views.stats().view(Scope::Ward(*w))),
                    map: first_page(listing, || views.map_svg(Some(*w))).flatten(),
                })
            }
            Job::Area {
                ward: w,
                area: a,
                listing,
            } => {
                let ward = &site.wards[*w];
                let area = &ward.areas[*a];
                View::Area(AreaPage {
                    district: DistrictView {
                        name: &area.name,
                        kind: "area",
                        summary: area.summary(),
                        body_html: views.body_html(&bodies.areas[*w][*a]),
                        parent: Some(views.link(&ward.name, &ward.path)),
                        areas: Vec::new(),
                        case_count: area.cases.len(),
                        cases: views.cards(&area.cases[listing.items.clone()]),
                    },
                    pagination: views.pagination(listing.number, listing.total, &area.path),
                    stats: first_page(listing, || views.stats().view(Scope::Area(*w, *a))),
                })
            }
            Job::FundingIndex => View::FundingIndex(FundingIndexPage {
                schemes: site
                    .schemes
                    .iter()
                    .map(|s| SchemeRow {
                        name: &s.name,
                        href: views.href(&s.path),
                        count: s.cases.len(),
                        summary: s.summary(),
                        department: s.entry.as_ref().and_then(|e| e.meta.department.as_deref()),
                        total_granted: s.total_granted,
                        total_granted_label: total_granted_label(s, views),
                        grant_count: s.grant_count,
                    })
                    .collect(),
            }),
            Job::Scheme { scheme: s, listing } => {
                let scheme = &site.schemes[*s];
                let meta = scheme.entry.as_ref().map(|e| &e.meta);
                let body = &bodies.schemes[*s];
                View::Scheme(SchemePage {
                    scheme: SchemeView {
                        name: &scheme.name,
                        department: meta.and_then(|m| m.department.as_deref()),
                        subsidy_rate: meta.and_then(|m| m.subsidy_rate),
                        subsidy_rate_label: meta
                            .and_then(|m| m.subsidy_rate)
                            .map(|r| format!("{}%", number_label((r * 1000.0).round() / 10.0))),
                        max_amount_label: meta
                            .and_then(|m| m.max_amount)
                            .map(|a| views.locale.yen(a)),
                        max_grants: meta.and_then(|m| m.max_grants),
                        url: meta.and_then(|m| m.url.as_deref()),
                        summary: meta.and_then(|m| m.summary.as_deref()),
                        body_html: views.body_html(body),
                        toc: &body.toc,
                        total_granted: scheme.total_granted,
                        total_granted_label: total_granted_label(scheme, views),
                        grant_count: scheme.grant_count,
                        case_count: scheme.cases.len(),
                        grants: grant_rows(views, scheme, listing.items.clone()),
                        sources: meta
                            .map(|m| views::source_views(&m.sources, views.locale))
                            .unwrap_or_default(),
                    },
                    pagination: views.pagination(listing.number, listing.total, &scheme.path),
                    stats: first_page(listing, || views.stats().view(Scope::Scheme(*s))),
                })
            }
            Job::Themes => View::Themes(ThemesPage {
                themes: views.term_links(&site.themes),
            }),
            Job::Theme { theme: i, listing } => {
                let theme = &site.themes[*i];
                View::Theme(ThemePage {
                    theme: ThemeView {
                        name: &theme.name,
                        summary: theme.summary(),
                        body_html: views.body_html(&bodies.themes[*i]),
                        case_count: theme.cases.len(),
                        cases: views.cards(&theme.cases[listing.items.clone()]),
                    },
                    pagination: views.pagination(listing.number, listing.total, &theme.path),
                })
            }
            Job::Page(p) => {
                let meta = &site.pages[*p].entry.meta;
                let body = &bodies.pages[*p];
                View::Page(ContentPage {
                    content: ContentView {
                        title: &meta.title,
                        summary: meta.summary.as_deref(),
                        body_html: views.body_html(body),
                        toc: &body.toc,
                    },
                })
            }
            Job::Search => View::Search(SearchPage {
                browse: Browse {
                    wards: views.term_links(&site.wards),
                    schemes: views.term_links(&site.schemes),
                    themes: views.term_links(&site.themes),
                },
            }),
            Job::Stats => View::Stats(StatsPage {
                stats: views.stats().view(Scope::Site),
            }),
            Job::OpenData => View::OpenData(crate::opendata::page_data(site)),
            Job::NotFound => View::NotFound(Empty {}),
        }
    }
}

/// A page's head: what templates see in `page` besides its path and versions.
#[derive(Serialize)]
pub struct Head {
    pub title: String,
    pub description: String,
    pub breadcrumbs: Vec<Link>,
    /// The page shows a highlighted code block, so it links the highlighting
    /// stylesheet; most pages of a case study site have none.
    pub code: bool,
}

/// "事例一覧（2/5）" on page 2 of 5; the plain title on a single page.
fn numbered_title(title: &str, listing: &Listing, locale: Locale) -> String {
    match locale {
        _ if listing.total <= 1 || listing.number <= 1 => title.to_string(),
        Locale::Japanese => format!("{title}（{}/{}）", listing.number, listing.total),
        Locale::English => format!("{title} ({}/{})", listing.number, listing.total),
    }
}

/// Charts and maps are shown on the first page of a listing only.
fn first_page<T>(listing: &Listing, make: impl FnOnce() -> T) -> Option<T> {
    (listing.number == 1).then(make)
}

/// The grants of a scheme's cases `items`, one row per grant.
fn grant_rows(views: &ViewBuilder<'_>, scheme: &Scheme, items: Range<usize>) -> Vec<GrantRow> {
    let site = views.site;
    scheme.cases[items]
        .iter()
        .flat_map(|&c| {
            let grants = site.cases[c].entry.meta.funding.iter();
            grants
                .filter(|g| g.scheme == scheme.name)
                .map(move |g| (c, g))
        })
        .map(|(c, grant)| GrantRow {
            case: views.case_summary(c),
            amount: grant.amount,
            amount_label: grant.amount.map(|a| views.locale.yen(a)),
            fiscal_year: grant.fiscal_year,
            fiscal_year_label: grant.fiscal_year.map(|y| views.locale.fiscal_year(y)),
        })
        .collect()
}

/// The total a scheme granted; `None` when no grant states its amount, since
/// that total is unknown rather than zero.
fn total_granted_label(scheme: &Scheme, views: &ViewBuilder<'_>) -> Option<String> {
    (scheme.grants_with_amount > 0).then(|| views.locale.yen(scheme.total_granted))
}

/// A page's typed view. Serialized as its variant's fields, each a template
/// variable.
#[derive(Serialize)]
#[serde(untagged)]
pub enum View<'v> {
    Home(HomePage),
    CaseList(CaseListPage),
    Case(Box<CasePage>),
    Districts(DistrictsPage<'v>),
    District(DistrictPage<'v>),
    Area(AreaPage<'v>),
    FundingIndex(FundingIndexPage<'v>),
    Scheme(SchemePage<'v>),
    Themes(ThemesPage),
    Theme(ThemePage<'v>),
    Page(ContentPage<'v>),
    Search(SearchPage),
    Stats(StatsPage),
    OpenData(crate::opendata::PageData),
    NotFound(Empty),
}

#[derive(Serialize)]
pub struct HomePage {
    home: HomeView,
}

#[derive(Serialize)]
struct HomeView {
    intro_html: String,
    latest: Vec<CaseSummary>,
    case_count: usize,
    wards: Vec<TermLink>,
    schemes: Vec<TermLink>,
    themes: Vec<TermLink>,
    stats: Summary,
    map: Option<String>,
}

#[derive(Serialize)]
pub struct CaseListPage {
    pagination: Pagination,
    total: usize,
    /// Cards, as Tera data (see `ViewBuilder::cards`).
    cases: Cards,
}

#[derive(Serialize)]
pub struct CasePage {
    case: CaseWithRelated,
}

#[derive(Serialize)]
struct CaseWithRelated {
    #[serde(flatten)]
    view: CaseView,
    related: Cards,
}

#[derive(Serialize)]
pub struct DistrictsPage<'v> {
    wards: Vec<WardRow<'v>>,
}

#[derive(Serialize)]
struct WardRow<'v> {
    name: &'v str,
    href: String,
    count: usize,
    summary: Option<&'v str>,
    areas: Vec<TermLink>,
}

#[derive(Serialize)]
pub struct DistrictPage<'v> {
    district: DistrictView<'v>,
    pagination: Pagination,
    stats: Option<StatsView>,
    map: Option<String>,
}

#[derive(Serialize)]
pub struct AreaPage<'v> {
    district: DistrictView<'v>,
    pagination: Pagination,
    stats: Option<StatsView>,
}

/// A ward's or an area's page.
#[derive(Serialize)]
struct DistrictView<'v> {
    name: &'v str,
    kind: &'static str,
    summary: Option<&'v str>,
    body_html: String,
    /// The ward an area is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    parent: Option<Link>,
    areas: Vec<TermLink>,
    case_count: usize,
    cases: Cards,
}

#[derive(Serialize)]
pub struct FundingIndexPage<'v> {
    schemes: Vec<SchemeRow<'v>>,
}

#[derive(Serialize)]
struct SchemeRow<'v> {
    name: &'v str,
    href: String,
    count: usize,
    summary: Option<&'v str>,
    department: Option<&'v str>,
    total_granted: u64,
    total_granted_label: Option<String>,
    grant_count: usize,
}

#[derive(Serialize)]
pub struct SchemePage<'v> {
    scheme: SchemeView<'v>,
    pagination: Pagination,
    stats: Option<StatsView>,
}

#[derive(Serialize)]
struct SchemeView<'v> {
    name: &'v str,
    department: Option<&'v str>,
    subsidy_rate: Option<f64>,
    subsidy_rate_label: Option<String>,
    max_amount_label: Option<String>,
    max_grants: Option<u64>,
    url: Option<&'v str>,
    summary: Option<&'v str>,
    body_html: String,
    toc: &'v [TocEntry],
    total_granted: u64,
    total_granted_label: Option<String>,
    grant_count: usize,
    case_count: usize,
    grants: Vec<GrantRow>,
    sources: Vec<SourceView>,
}

/// A grant on a scheme's page.
#[derive(Serialize)]
struct GrantRow {
    case: CaseSummary,
    amount: Option<u64>,
    amount_label: Option<String>,
    fiscal_year: Option<i32>,
    fiscal_year_label: Option<String>,
}

#[derive(Serialize)]
pub struct ThemesPage {
    themes: Vec<TermLink>,
}

#[derive(Serialize)]
pub struct ThemePage<'v> {
    theme: ThemeView<'v>,
    pagination: Pagination,
}

#[derive(Serialize)]
struct ThemeView<'v> {
    name: &'v str,
    summary: Option<&'v str>,
    body_html: String,
    case_count: usize,
    cases: Cards,
}

#[derive(Serialize)]
pub struct ContentPage<'v> {
    content: ContentView<'v>,
}

#[derive(Serialize)]
struct ContentView<'v> {
    title: &'v str,
    summary: Option<&'v str>,
    body_html: String,
    toc: &'v [TocEntry],
}

#[derive(Serialize)]
pub struct SearchPage {
    browse: Browse,
}

/// The search page's links to browse by instead.
#[derive(Serialize)]
struct Browse {
    wards: Vec<TermLink>,
    schemes: Vec<TermLink>,
    themes: Vec<TermLink>,
}

#[derive(Serialize)]
pub struct StatsPage {
    stats: StatsView,
}

#[derive(Serialize)]
pub struct Empty {}
