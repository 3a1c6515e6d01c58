//! Model: typed content → [`Site`], the one picture of the site every later
//! stage reads.
//!
//! 1. Order cases newest first; reject duplicate slugs (naming both files).
//! 2. Resolve references: funding schemes, wards, support types.
//! 3. Build the taxonomies: the ward → area tree, schemes, themes, fiscal years.
//! 4. Find related cases through shared terms (no all-pairs comparison).
//!
//! Every collection is sorted, so output is deterministic.

use crate::config::Config;
use crate::content::schema::did_you_mean;
use crate::content::schema::{CaseMeta, FundingMeta, PageMeta, TermMeta, is_safe_term};
use crate::content::{Content, Entry, Section};
use crate::diagnostics::{Diagnostic, Diagnostics, Span, suggest, words};
use crate::hash::Fnv1a;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

/// Site paths are relative to the base path and end in `/`: `cases/a/`.
pub type SitePath = String;

pub struct Site {
    pub config: Config,
    pub home: Option<Entry<PageMeta>>,
    /// Newest first.
    pub cases: Vec<Case>,
    pub schemes: Vec<Scheme>,
    pub wards: Vec<Ward>,
    pub themes: Vec<Theme>,
    pub pages: Vec<Page>,
    /// Fiscal years with their cases, newest first.
    pub fiscal_years: Vec<(i32, Vec<usize>)>,
    pub assets: BTreeMap<String, PathBuf>,
}

impl Site {
    /// The pages every site has besides the home page and its content files:
    /// the list and browse pages, search, statistics and, in the default
    /// language only, open data.
    pub fn fixed_pages(&self) -> Vec<&'static str> {
        let mut pages = vec![
            "cases/",
            "districts/",
            "funding/",
            "themes/",
            "search/",
            "stats/",
        ];
        if !self.config.is_translation() {
            pages.push("opendata/");
        }
        pages
    }

    /// A hash of what the site is made from: the configuration, the path and
    /// text of each Markdown file, and the paths of the other files. Equal
    /// fingerprints, equal sites: what is made from a whole site (its search
    /// index, feed, sitemap, open data) can be kept between live-preview runs.
    pub fn fingerprint(&self) -> u64 {
        let mut hasher = Fnv1a::default();
        self.config.hash(&mut hasher);
        self.home.as_ref().map(|e| e.fingerprint).hash(&mut hasher);
        for case in &self.cases {
            case.entry.fingerprint.hash(&mut hasher);
        }
        for scheme in &self.schemes {
            (&scheme.name, scheme.entry.as_ref().map(|e| e.fingerprint)).hash(&mut hasher);
        }
        for ward in &self.wards {
            (&ward.name, ward.entry.as_ref().map(|e| e.fingerprint)).hash(&mut hasher);
            for area in &ward.areas {
                (&area.name, area.entry.as_ref().map(|e| e.fingerprint)).hash(&mut hasher);
            }
        }
        for theme in &self.themes {
            (&theme.name, theme.entry.as_ref().map(|e| e.fingerprint)).hash(&mut hasher);
        }
        for page in &self.pages {
            page.entry.fingerprint.hash(&mut hasher);
        }
        self.assets.keys().for_each(|path| path.hash(&mut hasher));
        hasher.finish()
    }
}

pub struct Case {
    pub entry: Entry<CaseMeta>,
    pub path: SitePath,
    /// 年度 of `period.start`, else of `published`.
    pub fiscal_year: i32,
    pub ward: usize,
    /// Index into `wards[ward].areas`.
    pub area: Option<usize>,
    /// The scheme of each grant, in the order of `funding`.
    pub schemes: Vec<usize>,
    pub themes: Vec<usize>,
    pub related: Vec<usize>,
}

pub struct Scheme {
    pub name: String,
    pub sort_key: SortKey,
    pub path: SitePath,
    pub entry: Option<Entry<FundingMeta>>,
    pub cases: Vec<usize>,
    pub total_granted: u64,
    pub grant_count: usize,
    /// Grants that state their amount; with none, the total is unknown, not zero.
    pub grants_with_amount: usize,
}

pub struct Ward {
    pub name: String,
    pub sort_key: SortKey,
    pub path: SitePath,
    pub entry: Option<Entry<TermMeta>>,
    pub areas: Vec<Area>,
    /// All cases in the ward, its areas included.
    pub cases: Vec<usize>,
}

pub struct Area {
    pub name: String,
    pub sort_key: SortKey,
    pub path: SitePath,
    pub entry: Option<Entry<TermMeta>>,
    pub cases: Vec<usize>,
}

pub struct Theme {
    pub name: String,
    pub sort_key: SortKey,
    pub path: SitePath,
    pub entry: Option<Entry<TermMeta>>,
    pub cases: Vec<usize>,
}

/// Where a ward, area, scheme or theme stands in every list of its kind
/// (SPEC §5.3): by the city's `order` (its ward code), then its `reading`,
/// then its name. A term without an `order` follows those with one, and one
/// without a `reading` follows those with one, so a city that numbers only
/// some terms still sees them first. Readings compare as hiragana, so
/// ナカムラ and なかむら sort alike. Computed once here; every page, facet,
/// chart and hint lists terms in the model's order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SortKey {
    order: (bool, i64),
    reading: (bool, String),
    name: String,
}

impl SortKey {
    pub fn new(order: Option<i64>, reading: Option<&str>, name: &str) -> Self {
        let reading: String = reading
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(hiragana)
            .collect();
        SortKey {
            order: (order.is_none(), order.unwrap_or(0)),
            reading: (reading.is_empty(), reading),
            name: name.to_string(),
        }
    }

    /// The key of a term with no file: it goes by its name alone.
    pub fn of_name(name: &str) -> Self {
        SortKey::new(None, None, name)
    }

    fn of_term(meta: &TermMeta, name: &str) -> Self {
        SortKey::new(meta.order, meta.reading.as_deref(), name)
    }
}

/// Katakana ァ..ヶ as the hiragana of the same sound; anything else as is.
fn hiragana(c: char) -> char {
    match c {
        'ァ'..='ヶ' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
        _ => c,
    }
}

pub struct Page {
    pub entry: Entry<PageMeta>,
    pub path: SitePath,
}

/// Top-level paths the generator writes itself; a page cannot take them.
pub const RESERVED_PATHS: &[&str] = &[
    "cases",
    "districts",
    "funding",
    "themes",
    "search",
    "opendata",
    "static",
    "en",
    "stats",
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
    "404.html",
    "cases.json",
    "cases.csv",
    "funding.csv",
    "outcomes.csv",
];

/// Encodes one path segment for an href: 南区 → %E5%8D%97%E5%8C%BA.
pub fn encode_segment(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, SEGMENT).to_string()
}

/// What a path segment keeps unencoded: letters, digits and `-_.~`.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The href of a site path under `base_path`, each segment percent-encoded.
pub fn href(base_path: &str, path: &str) -> String {
    let mut out = String::with_capacity(base_path.len() + path.len() * 3);
    out.push_str(base_path);
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.extend(percent_encoding::utf8_percent_encode(segment, SEGMENT));
    }
    out
}

pub fn build(config: Config, content: Content, diagnostics: &mut Diagnostics) -> Site {
    let Content {
        home,
        mut cases,
        funding,
        districts,
        themes,
        pages,
        assets,
        sections,
        // Built into sites of their own by the `translations` stage.
        translations: _,
    } = content;

    cases.sort_by(|a, b| {
        b.meta
            .published
            .cmp(&a.meta.published)
            .then_with(|| a.slug.cmp(&b.slug))
    });
    let cases = drop_duplicate_slugs(cases, "case", diagnostics);
    let funding = drop_duplicate_slugs(funding, "funding scheme", diagnostics);
    let pages = drop_duplicate_slugs(pages, "page", diagnostics);

    let mut schemes = scheme_list(funding, diagnostics);
    let mut wards = ward_tree(districts, diagnostics);
    let mut theme_list = theme_list(themes, diagnostics);
    // No case refers to a term yet, so sorting here needs no renumbering; it
    // puts the wards a hint lists in the city's order.
    wards.sort_by(|a, b| a.sort_key.cmp(&b.sort_key));
    let declared_wards: Vec<String> = wards.iter().map(|w| w.name.clone()).collect();
    let declared_schemes: Vec<String> = schemes.iter().map(|s| s.name.clone()).collect();

    let mut site_cases = Vec::with_capacity(cases.len());
    for entry in cases {
        let index = site_cases.len();
        let file = entry.source.rel.clone();
        let meta = &entry.meta;

        if sections.contains(&Section::Districts)
            && !meta.district.ward.is_empty()
            && !declared_wards.contains(&meta.district.ward)
        {
            let hint = suggest(
                &meta.district.ward,
                declared_wards.iter().map(String::as_str),
            )
            .map_or_else(
                || {
                    words(
                        format!(
                            "wards declared in content/districts/: {}",
                            declared_wards.join(", ")
                        ),
                        format!("content/districts/ にある区: {}", declared_wards.join("、")),
                    )
                },
                did_you_mean,
            );
            let ward = &meta.district.ward;
            diagnostics.push(
                Diagnostic::error_in(
                    &file,
                    words(
                        format!("unknown ward `{ward}`"),
                        format!("不明な区 `{ward}` です"),
                    ),
                    Some(hint),
                )
                .at(locate_field(&entry, "district"))
                .field("district"),
            );
        }
        let ward = term_index(&mut wards, &meta.district.ward, |name| Ward {
            path: format!("districts/{name}/"),
            sort_key: SortKey::of_name(&name),
            name,
            entry: None,
            areas: Vec::new(),
            cases: Vec::new(),
        });
        wards[ward].cases.push(index);
        let area = meta.district.area.as_ref().map(|area_name| {
            let ward_path = wards[ward].path.clone();
            let areas = &mut wards[ward].areas;
            let area = term_index(areas, area_name, |name| Area {
                path: format!("{ward_path}{name}/"),
                sort_key: SortKey::of_name(&name),
                name,
                entry: None,
                cases: Vec::new(),
            });
            areas[area].cases.push(index);
            area
        });

        let mut case_schemes = Vec::new();
        for (g, grant) in meta.funding.iter().enumerate() {
            if sections.contains(&Section::Funding) && !declared_schemes.contains(&grant.scheme) {
                let hint = suggest(&grant.scheme, declared_schemes.iter().map(String::as_str)).map_or_else(
                    || words(
                        "the scheme needs a file in content/funding/ whose `name` is exactly this",
                        "content/funding/ に、`name` がこれと同じ制度のファイルが必要です",
                    ),
                    did_you_mean,
                );
                let scheme = &grant.scheme;
                diagnostics.push(
                    Diagnostic::error_in(
                        &file,
                        words(
                            format!("unknown funding scheme `{scheme}`"),
                            format!("不明な助成制度 `{scheme}` です"),
                        ),
                        Some(hint),
                    )
                    .at(grant.span)
                    .field(format!("funding[{g}].scheme")),
                );
            }
            if !is_safe_term(&grant.scheme) {
                diagnostics.push(
                    Diagnostic::error(
                        &file,
                        format!("scheme name `{}` cannot contain `/` or `\\`", grant.scheme),
                    )
                    .ja(format!(
                        "制度名 `{}` に `/` や `\\` は使えません",
                        grant.scheme
                    ))
                    .at(grant.span),
                );
                continue;
            }
            let scheme = term_index(&mut schemes, &grant.scheme, |name| Scheme {
                path: format!("funding/{name}/"),
                sort_key: SortKey::of_name(&name),
                name,
                entry: None,
                cases: Vec::new(),
                total_granted: 0,
                grant_count: 0,
                grants_with_amount: 0,
            });
            // A made-up example's grants are never added into the totals a
            // city publishes (SPEC §5.5); its page still lists them.
            if !meta.illustrative {
                schemes[scheme].total_granted += grant.amount.unwrap_or(0);
                schemes[scheme].grant_count += 1;
                schemes[scheme].grants_with_amount += usize::from(grant.amount.is_some());
            }
            if schemes[scheme].cases.last() != Some(&index) {
                schemes[scheme].cases.push(index);
            }
            if !case_schemes.contains(&scheme) {
                case_schemes.push(scheme);
            }
        }

        if let Some(key) = &meta.support_type
            && !config.support_types.iter().any(|(k, _)| k == key)
        {
            let keys: Vec<&str> = config
                .support_types
                .iter()
                .map(|(k, _)| k.as_str())
                .collect();
            let hint = suggest(key, keys.iter().copied()).map_or_else(
                || {
                    words(
                        format!("support types in casebook.yaml: {}", keys.join(", ")),
                        format!("casebook.yaml にある支援の型: {}", keys.join(", ")),
                    )
                },
                did_you_mean,
            );
            diagnostics.push(
                Diagnostic::error_in(
                    &file,
                    words(
                        format!("unknown support type `{key}`"),
                        format!("不明な支援の型 `{key}` です"),
                    ),
                    Some(hint),
                )
                .at(locate_field(&entry, "support_type"))
                .field("support_type"),
            );
        }

        let mut case_themes = Vec::new();
        for theme in &meta.themes {
            if !is_safe_term(theme) {
                diagnostics.push(
                    Diagnostic::error(
                        &file,
                        format!("theme `{theme}` cannot contain `/` or `\\` or start with `.`"),
                    ).ja(format!("テーマ `{theme}` に `/` や `\\` は使えません（`.` で始めることもできません）"))
                    .at(locate_field(&entry, "themes"))
                    .field("themes"),
                );
                continue;
            }
            let t = term_index(&mut theme_list, theme, |name| Theme {
                path: format!("themes/{name}/"),
                sort_key: SortKey::of_name(&name),
                name,
                entry: None,
                cases: Vec::new(),
            });
            theme_list[t].cases.push(index);
            case_themes.push(t);
        }

        let fiscal_year = meta
            .period
            .map_or(meta.published, |p| p.start)
            .fiscal_year();
        site_cases.push(Case {
            path: format!("cases/{}/", entry.slug),
            entry,
            fiscal_year,
            ward,
            area,
            schemes: case_schemes,
            themes: case_themes,
            related: Vec::new(),
        });
    }

    sort_terms(
        &mut schemes,
        &mut site_cases,
        |c| &mut c.schemes,
        |s| &s.sort_key,
    );
    sort_terms(
        &mut theme_list,
        &mut site_cases,
        |c| &mut c.themes,
        |t| &t.sort_key,
    );
    sort_wards(&mut wards, &mut site_cases);
    find_related(&mut site_cases);

    let mut fiscal_years: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
    for (i, case) in site_cases.iter().enumerate() {
        fiscal_years.entry(case.fiscal_year).or_default().push(i);
    }

    let pages = pages
        .into_iter()
        .filter_map(|entry| {
            if RESERVED_PATHS.contains(&entry.slug.as_str()) {
                diagnostics.push(
                    Diagnostic::error(
                        &entry.source.rel,
                        format!("the page slug `{}` is used by the site itself", entry.slug),
                    )
                    .ja(format!(
                        "ページのスラッグ `{}` はサイト自身が使っています",
                        entry.slug
                    ))
                    .at(Span::new(1, 1))
                    .hint("rename the file or set another `slug:`")
                    .ja_hint("ファイル名を変えるか、別の `slug:` を書いてください"),
                );
                return None;
            }
            Some(Page {
                path: format!("{}/", entry.slug),
                entry,
            })
        })
        .collect();

    Site {
        config,
        home,
        cases: site_cases,
        schemes,
        wards,
        themes: theme_list,
        pages,
        fiscal_years: fiscal_years.into_iter().rev().collect(),
        assets,
    }
}

fn locate_field(entry: &Entry<CaseMeta>, field: &str) -> Span {
    entry
        .field_spans
        .get(field)
        .copied()
        .unwrap_or(Span::new(1, 1))
}

trait Term {
    fn name(&self) -> &str;
}
impl Term for Ward {
    fn name(&self) -> &str {
        &self.name
    }
}
impl Term for Area {
    fn name(&self) -> &str {
        &self.name
    }
}
impl Term for Scheme {
    fn name(&self) -> &str {
        &self.name
    }
}
impl Term for Theme {
    fn name(&self) -> &str {
        &self.name
    }
}

/// The index of the term named `name`, added with `make` when it is new. Terms
/// are few (dozens), so a linear scan beats hashing here.
fn term_index<T: Term>(terms: &mut Vec<T>, name: &str, make: impl FnOnce(String) -> T) -> usize {
    match terms.iter().position(|t| t.name() == name) {
        Some(i) => i,
        None => {
            terms.push(make(name.to_string()));
            terms.len() - 1
        }
    }
}

fn drop_duplicate_slugs<M>(
    entries: Vec<Entry<M>>,
    what: &str,
    diagnostics: &mut Diagnostics,
) -> Vec<Entry<M>> {
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut kept = Vec::with_capacity(entries.len());
    for entry in entries {
        if let Some(first) = seen.get(&entry.slug) {
            let (a, b) = if *first < entry.source.rel {
                (first.clone(), entry.source.rel.clone())
            } else {
                (entry.source.rel.clone(), first.clone())
            };
            diagnostics.push(
                Diagnostic::error(
                    &b,
                    format!("duplicate {what} slug `{}`: also used by {a}", entry.slug),
                )
                .ja(format!(
                    "スラッグ `{}` が重なっています。{a} でも使われています",
                    entry.slug
                ))
                .at(Span::new(1, 1))
                .hint("give one of them another file name or `slug:`")
                .ja_hint("どちらかのファイル名か `slug:` を変えてください"),
            );
            continue;
        }
        seen.insert(entry.slug.clone(), entry.source.rel.clone());
        kept.push(entry);
    }
    kept
}

fn scheme_list(funding: Vec<Entry<FundingMeta>>, diagnostics: &mut Diagnostics) -> Vec<Scheme> {
    let mut schemes: Vec<Scheme> = Vec::new();
    for entry in funding {
        if let Some(other) = schemes.iter().find(|s| s.name == entry.meta.name) {
            let other_file = other
                .entry
                .as_ref()
                .map_or(String::new(), |e| e.source.rel.clone());
            diagnostics.push(
                Diagnostic::error(
                    &entry.source.rel,
                    format!(
                        "scheme name `{}` is also used by {other_file}",
                        entry.meta.name
                    ),
                )
                .ja(format!(
                    "制度名 `{}` は {other_file} でも使われています",
                    entry.meta.name
                ))
                .at(Span::new(1, 1)),
            );
            continue;
        }
        schemes.push(Scheme {
            name: entry.meta.name.clone(),
            sort_key: SortKey::new(
                entry.meta.order,
                entry.meta.reading.as_deref(),
                &entry.meta.name,
            ),
            path: format!("funding/{}/", entry.slug),
            entry: Some(entry),
            cases: Vec::new(),
            total_granted: 0,
            grant_count: 0,
            grants_with_amount: 0,
        });
    }
    schemes
}

fn ward_tree(districts: Vec<Entry<TermMeta>>, diagnostics: &mut Diagnostics) -> Vec<Ward> {
    let mut wards: Vec<Ward> = Vec::new();
    let mut area_entries = Vec::new();
    for entry in districts {
        let parts: Vec<&str> = entry.meta.name.split('/').map(str::trim).collect();
        if parts.len() > 2 || !parts.iter().all(|p| is_safe_term(p)) {
            diagnostics.push(
                Diagnostic::error(
                    &entry.source.rel,
                    format!(
                        "district name `{}` must be `ward` or `ward/area`",
                        entry.meta.name
                    ),
                )
                .ja(format!(
                    "地区名 `{}` は「区」か「区/地区」の形にしてください",
                    entry.meta.name
                ))
                .at(Span::new(2, 1))
                .field("name"),
            );
            continue;
        }
        if parts.len() == 2 {
            area_entries.push((parts[0].to_string(), parts[1].to_string(), entry));
            continue;
        }
        wards.push(Ward {
            name: parts[0].to_string(),
            sort_key: SortKey::of_term(&entry.meta, parts[0]),
            path: format!("districts/{}/", entry.slug),
            entry: Some(entry),
            areas: Vec::new(),
            cases: Vec::new(),
        });
    }
    for (ward_name, area_name, entry) in area_entries {
        let ward = term_index(&mut wards, &ward_name, |name| Ward {
            path: format!("districts/{name}/"),
            sort_key: SortKey::of_name(&name),
            name,
            entry: None,
            areas: Vec::new(),
            cases: Vec::new(),
        });
        let path = format!("{}{}/", wards[ward].path, entry.slug);
        wards[ward].areas.push(Area {
            sort_key: SortKey::of_term(&entry.meta, &area_name),
            name: area_name,
            path,
            entry: Some(entry),
            cases: Vec::new(),
        });
    }
    wards
}

fn theme_list(themes: Vec<Entry<TermMeta>>, diagnostics: &mut Diagnostics) -> Vec<Theme> {
    let mut list: Vec<Theme> = Vec::new();
    for entry in themes {
        if !is_safe_term(&entry.meta.name) {
            diagnostics.push(
                Diagnostic::error(
                    &entry.source.rel,
                    format!("theme name `{}` cannot contain `/`", entry.meta.name),
                )
                .ja(format!(
                    "テーマ名 `{}` に `/` は使えません",
                    entry.meta.name
                ))
                .at(Span::new(2, 1))
                .field("name"),
            );
            continue;
        }
        list.push(Theme {
            sort_key: SortKey::of_term(&entry.meta, &entry.meta.name),
            name: entry.meta.name.clone(),
            path: format!("themes/{}/", entry.slug),
            entry: Some(entry),
            cases: Vec::new(),
        });
    }
    list
}

/// Sorts terms by their [`SortKey`] and renumbers the cases' references to them.
fn sort_terms<T>(
    terms: &mut Vec<T>,
    cases: &mut [Case],
    refs: impl Fn(&mut Case) -> &mut Vec<usize>,
    key: impl Fn(&T) -> &SortKey,
) {
    let mut order: Vec<usize> = (0..terms.len()).collect();
    order.sort_by(|&a, &b| key(&terms[a]).cmp(key(&terms[b])));
    let mut new_index = vec![0; terms.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut taken: Vec<Option<T>> = std::mem::take(terms).into_iter().map(Some).collect();
    *terms = order.iter().filter_map(|&old| taken[old].take()).collect();
    for case in cases {
        for r in refs(case).iter_mut() {
            *r = new_index[*r];
        }
    }
}

fn sort_wards(wards: &mut Vec<Ward>, cases: &mut [Case]) {
    for (w, ward) in wards.iter_mut().enumerate() {
        let mut order: Vec<usize> = (0..ward.areas.len()).collect();
        order.sort_by(|&a, &b| ward.areas[a].sort_key.cmp(&ward.areas[b].sort_key));
        let mut new_index = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        let mut taken: Vec<Option<Area>> = std::mem::take(&mut ward.areas)
            .into_iter()
            .map(Some)
            .collect();
        ward.areas = order.iter().filter_map(|&old| taken[old].take()).collect();
        for case in cases.iter_mut().filter(|c| c.ward == w) {
            case.area = case.area.map(|a| new_index[a]);
        }
    }
    let mut order: Vec<usize> = (0..wards.len()).collect();
    order.sort_by(|&a, &b| wards[a].sort_key.cmp(&wards[b].sort_key));
    let mut new_index = vec![0; wards.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut taken: Vec<Option<Ward>> = std::mem::take(wards).into_iter().map(Some).collect();
    *wards = order.iter().filter_map(|&old| taken[old].take()).collect();
    for case in cases.iter_mut() {
        case.ward = new_index[case.ward];
    }
}

/// Up to three related cases per case: shared themes count double, then the
/// same area, ward and scheme; ties go to the newer case. Candidates come from
/// the cases' own terms, so the work grows with term sizes, not with n².
fn find_related(cases: &mut [Case]) {
    const RELATED: usize = 3;
    // Huge terms (a theme on every case) would make this quadratic; their
    // members are capped to the newest ones, which is what readers want anyway.
    const CAP: usize = 200;
    let mut by_theme: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut by_ward: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut by_scheme: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, case) in cases.iter().enumerate() {
        for &t in &case.themes {
            by_theme.entry(t).or_default().push(i);
        }
        by_ward.entry(case.ward).or_default().push(i);
        for &s in &case.schemes {
            by_scheme.entry(s).or_default().push(i);
        }
    }
    let related: Vec<Vec<usize>> = (0..cases.len())
        .into_par_iter()
        .map_init(
            || (vec![0u32; cases.len()], Vec::new()),
            |(scores, touched), i| {
                let case = &cases[i];
                let mut add = |members: Option<&Vec<usize>>, weight: u32| {
                    for &j in members.into_iter().flatten().take(CAP) {
                        if j != i {
                            if scores[j] == 0 {
                                touched.push(j);
                            }
                            scores[j] += weight;
                        }
                    }
                };
                for t in &case.themes {
                    add(by_theme.get(t), 2);
                }
                add(by_ward.get(&case.ward), 1);
                for s in &case.schemes {
                    add(by_scheme.get(s), 1);
                }
                let same_area = |j: usize| {
                    case.area.is_some() && cases[j].ward == case.ward && cases[j].area == case.area
                };
                // Highest score first, then the newer case (the lower index).
                let mut best: Vec<(u32, usize)> = Vec::with_capacity(RELATED + 1);
                for &j in touched.iter() {
                    let score = scores[j] + u32::from(same_area(j));
                    scores[j] = 0;
                    let position =
                        best.partition_point(|&(s, k)| s > score || (s == score && k < j));
                    if position < RELATED {
                        best.insert(position, (score, j));
                        best.truncate(RELATED);
                    }
                }
                touched.clear();
                best.into_iter().map(|(_, j)| j).collect()
            },
        )
        .collect();
    for (case, related) in cases.iter_mut().zip(related) {
        case.related = related;
    }
}
