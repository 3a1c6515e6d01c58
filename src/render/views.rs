//! Views: what templates see. Built from the model, kept apart from it so that
//! template field names stay stable when the model changes. Every href is
//! final (base path applied, segments percent-encoded); every date, year and
//! amount comes both raw and as the page's language writes it (`locale`).

use super::charts::StatsBuilder;
use super::ward_map;
use crate::bodies::Bodies;
use crate::content::schema::Status;
use crate::date::Date;
use crate::locale::japanese::wareki_date;
use crate::locale::{Locale, number_label};
use crate::markdown::{Rendered, TocEntry};
use crate::model::{Case, Site, Term, TermFile, href};
use serde::Serialize;

#[derive(Serialize, Clone)]
pub struct Link {
    pub title: String,
    pub href: String,
}

/// A term (ward, area, scheme, theme, year) with its page and case count.
#[derive(Serialize)]
pub struct TermLink {
    pub name: String,
    pub href: String,
    pub count: usize,
    pub summary: Option<String>,
}

#[derive(Serialize)]
pub struct StatusView {
    pub key: &'static str,
    pub label: String,
}

#[derive(Serialize)]
pub struct DistrictView {
    pub ward: Link,
    pub area: Option<Link>,
    /// `南区 中村地区` (`Nakamura, Minami Ward` in English)
    pub label: String,
}

#[derive(Serialize, Clone)]
pub struct DateView {
    /// `2019-05-01`
    pub iso: String,
    /// The date as the page's language writes it: `令和元年5月1日`, `May 1, 2019`.
    pub text: String,
    /// `令和元年5月1日`, whatever the page's language.
    pub wareki: String,
    /// `令和元年5月1日（2019年5月1日）`; in English the same as `text`.
    pub label: String,
}

impl DateView {
    pub fn new(date: Date, locale: Locale) -> Self {
        DateView {
            iso: date.to_string(),
            text: locale.date(date),
            wareki: wareki_date(date),
            label: locale.date_label(date),
        }
    }
}

/// A case as listings show it.
#[derive(Serialize)]
pub struct CaseSummary {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub href: String,
    pub district: DistrictView,
    pub published: DateView,
    pub status: StatusView,
    pub fiscal_year: i32,
    pub fiscal_year_label: String,
    pub themes: Vec<Link>,
    pub schemes: Vec<Link>,
    /// A made-up example, labelled 「架空の事例」 wherever the case is shown.
    pub illustrative: bool,
}

#[derive(Serialize)]
pub struct GrantView {
    pub scheme: Link,
    pub amount: Option<u64>,
    pub amount_label: Option<String>,
    pub fiscal_year: Option<i32>,
    pub fiscal_year_label: Option<String>,
    pub source: Option<SourceMark>,
}

#[derive(Serialize)]
pub struct OutcomeView {
    pub label: String,
    pub value: f64,
    /// `1,234` (no trailing `.0` for whole numbers)
    pub value_label: String,
    pub unit: Option<String>,
    pub note: Option<String>,
    pub source: Option<SourceMark>,
}

/// A reference mark beside a figure: it links to its source's entry, and the
/// entry links back to it by `id`.
#[derive(Serialize)]
pub struct SourceMark {
    pub number: usize,
    /// The mark's own id, the target of the entry's link back.
    pub id: String,
    /// `#source-N`
    pub href: String,
}

/// One entry of a page's numbered 出典 list.
#[derive(Serialize)]
pub struct SourceView {
    pub number: usize,
    /// `source-N`, the target of its marks.
    pub id: String,
    pub title: String,
    pub publisher: Option<String>,
    /// As written: `2019`, `2019-03` or `2019-03-31`.
    pub date: Option<String>,
    /// `2019年3月` / `March 2019`.
    pub date_label: Option<String>,
    pub url: Option<String>,
    pub locator: Option<String>,
    pub quote: Option<String>,
    /// The ids of the marks that cite it, in page order.
    pub cited_by: Vec<String>,
}

#[derive(Serialize)]
pub struct ImageView {
    pub src: String,
    /// Absolute, for sharing (`og:image`).
    pub url: String,
    pub alt: String,
    pub caption: Option<String>,
    /// Responsive images (`images`): the renditions in the original format as
    /// `srcset`, the WebP ones when published, the layout's `sizes`, and the
    /// size of `src`. `None` for a file casebook does not resize.
    pub srcset: Option<String>,
    pub webp_srcset: Option<String>,
    pub sizes: Option<&'static str>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

#[derive(Serialize)]
pub struct PeriodView {
    pub start: DateView,
    pub end: Option<DateView>,
}

/// A case page.
#[derive(Serialize)]
pub struct CaseView {
    #[serde(flatten)]
    pub summary: CaseSummary,
    pub updated: Option<DateView>,
    pub period: Option<PeriodView>,
    pub grants: Vec<GrantView>,
    /// `B1（後押しアプローチ型）`
    pub support_type: Option<String>,
    pub partners: Vec<String>,
    pub outcomes: Vec<OutcomeView>,
    pub images: Vec<ImageView>,
    pub sources: Vec<SourceView>,
    pub location: Option<(f64, f64)>,
    pub body_html: String,
    pub toc: Vec<TocEntry>,
    // `related` is put in by the renderer, as cards (see `ViewBuilder::cards`).
    /// schema.org `Article` as JSON-LD, escaped for a `<script>` data block.
    pub json_ld: String,
}

#[derive(Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    pub pages: Vec<PageNumber>,
}

#[derive(Serialize)]
pub struct PageNumber {
    pub number: usize,
    pub href: String,
    pub current: bool,
    /// Pages were left out between the previous number and this one.
    pub gap_before: bool,
}

/// Case cards as a page lists them: Tera data for its template and, for its
/// fingerprint, each card's own (see [`super::fingerprint::of_serialized`]).
pub struct Cards {
    values: tera::Value,
    prints: Vec<u64>,
}

impl Serialize for Cards {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match super::fingerprint::taking() {
            true => self.prints.serialize(serializer),
            false => self.values.serialize(serializer),
        }
    }
}

/// Builds views from the site; holds what every builder needs.
pub struct ViewBuilder<'a> {
    pub site: &'a Site,
    pub bodies: &'a Bodies,
    pub images: &'a crate::images::Images,
    /// The site's ward outlines (`content/districts/wards.geojson`), if any.
    pub map: Option<&'a crate::map::WardMap>,
    /// UI strings of the site's language (`themes/<theme>/i18n/<lang>.yaml`).
    pub strings: &'a std::collections::BTreeMap<String, String>,
    /// How the site's language writes dates, years and amounts.
    pub locale: Locale,
    /// Per case, its summary as Tera data, made the first time a page lists
    /// the case: a case is listed on five or more pages (lists, district,
    /// scheme, theme, related cases), and Tera's values share their contents,
    /// so every later listing costs a reference count, not a copy.
    /// With it, when pages are fingerprinted (the live preview), the card's
    /// own fingerprint, so a listing hashes a number per card rather than
    /// every card's text again.
    pub cards: Vec<std::sync::OnceLock<(tera::Value, u64)>>,
    /// Whether pages are fingerprinted this run.
    pub fingerprinting: bool,
    /// Every date the cases show, written out once ([`date_views`]): a case's
    /// dates appear on its page and on each of its cards, and dates recur
    /// across cases.
    pub dates: std::collections::HashMap<Date, DateView>,
}

/// The view of each date `site`'s cases show (published, updated, period).
pub fn date_views(site: &Site, locale: Locale) -> std::collections::HashMap<Date, DateView> {
    let mut dates: Vec<Date> = site
        .cases
        .iter()
        .flat_map(|case| {
            let meta = &case.entry.meta;
            let period = meta.period.as_ref();
            [
                Some(meta.published),
                meta.updated,
                period.map(|p| p.start),
                period.and_then(|p| p.end),
            ]
        })
        .flatten()
        .collect();
    dates.sort_unstable();
    dates.dedup();
    dates
        .into_iter()
        .map(|date| (date, DateView::new(date, locale)))
        .collect()
}

impl<'a> ViewBuilder<'a> {
    fn date(&self, date: Date) -> DateView {
        match self.dates.get(&date) {
            Some(view) => view.clone(),
            None => DateView::new(date, self.locale),
        }
    }

    pub fn href(&self, path: &str) -> String {
        href(&self.site.config.base_path, path)
    }

    /// A link to the page at `path`.
    pub fn link(&self, title: &str, path: &str) -> Link {
        Link {
            title: title.to_string(),
            href: self.href(path),
        }
    }

    /// A link to each of `terms` (wards, areas, schemes or themes) with its
    /// case count and the summary its file gives.
    pub fn term_links<M: TermFile, E>(&self, terms: &[Term<M, E>]) -> Vec<TermLink> {
        terms
            .iter()
            .map(|term| TermLink {
                name: term.name.clone(),
                href: self.href(&term.path),
                count: term.cases.len(),
                summary: term.summary().map(str::to_string),
            })
            .collect()
    }

    /// Draws the charts of the site's cases, or of some of them.
    pub fn stats(&self) -> StatsBuilder<'_> {
        StatsBuilder {
            site: self.site,
            strings: self.strings,
        }
    }

    /// The ward map, when the site has one: every ward on the home page, one
    /// ward on its own first page.
    pub fn map_svg(&self, ward: Option<usize>) -> Option<String> {
        let labels = ward_map::Labels {
            title: self.t("map_title", "地図で見る事例"),
            description: self.t(
                "map_description",
                "事例{count}件のうち、位置のわかる{located}件を点で示しています。区を選ぶとその区の事例へ、点を選ぶとその事例のページへ移動します。",
            ),
        };
        ward_map::draw(self.map?, self.site, ward, &labels)
    }

    /// The absolute URL of a site path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.site.config.base_url, href("", path))
    }

    /// `https://www.city.example.jp`: what turns an href into a URL.
    fn origin(&self) -> &str {
        let config = &self.site.config;
        config
            .base_url
            .strip_suffix(&config.base_path)
            .unwrap_or(config.base_url.trim_end_matches('/'))
    }

    /// A UI string, or `fallback` when the theme does not define it.
    pub fn t(&self, key: &str, fallback: &str) -> String {
        self.strings
            .get(key)
            .cloned()
            .unwrap_or_else(|| fallback.to_string())
    }

    pub fn status(&self, status: Status) -> StatusView {
        let (key, fallback) = match status {
            Status::Planned => ("status_planned", "計画中"),
            Status::InProgress => ("status_in_progress", "実施中"),
            Status::Completed => ("status_completed", "完了"),
        };
        StatusView {
            key: status.key(),
            label: self.t(key, fallback),
        }
    }

    pub fn case_summary(&self, index: usize) -> CaseSummary {
        let case = &self.site.cases[index];
        let meta = &case.entry.meta;
        let ward = &self.site.wards[case.ward];
        let area = case.area.map(|a| &ward.areas[a]);
        CaseSummary {
            slug: case.entry.slug.clone(),
            title: meta.title.clone(),
            summary: meta.summary.clone(),
            href: self.href(&case.path),
            district: DistrictView {
                ward: Link {
                    title: ward.name.clone(),
                    href: self.href(&ward.path),
                },
                area: area.map(|a| Link {
                    title: a.name.clone(),
                    href: self.href(&a.path),
                }),
                label: self
                    .locale
                    .district(&ward.name, area.map(|a| a.name.as_str())),
            },
            published: self.date(meta.published),
            status: self.status(meta.status),
            fiscal_year: case.fiscal_year,
            fiscal_year_label: self.locale.fiscal_year(case.fiscal_year),
            themes: case
                .themes
                .iter()
                .map(|&t| Link {
                    title: self.site.themes[t].name.clone(),
                    href: self.href(&self.site.themes[t].path),
                })
                .collect(),
            schemes: case
                .schemes
                .iter()
                .map(|&s| Link {
                    title: self.site.schemes[s].name.clone(),
                    href: self.href(&self.site.schemes[s].path),
                })
                .collect(),
            illustrative: meta.illustrative,
        }
    }

    pub fn case_summaries(&self, indices: &[usize]) -> Vec<CaseSummary> {
        indices.iter().map(|&i| self.case_summary(i)).collect()
    }

    /// The summaries of `indices`, as Tera data (see `cards`).
    pub fn cards(&self, indices: &[usize]) -> Cards {
        let cards: Vec<&(tera::Value, u64)> = indices
            .iter()
            .map(|&i| {
                self.cards[i].get_or_init(|| {
                    let summary = self.case_summary(i);
                    let print = match self.fingerprinting {
                        true => super::fingerprint::of_serialized(&summary),
                        false => 0,
                    };
                    (tera::Value::from_serializable(&summary), print)
                })
            })
            .collect();
        Cards {
            values: tera::Value::from(cards.iter().map(|c| c.0.clone()).collect::<Vec<_>>()),
            prints: cards.iter().map(|c| c.1).collect(),
        }
    }

    pub fn case_view(&self, index: usize) -> CaseView {
        let case: &Case = &self.site.cases[index];
        let meta = &case.entry.meta;
        let body = &self.bodies.cases[index];
        let mut sources = source_views(&meta.sources, self.locale);
        let grants = meta
            .funding
            .iter()
            .enumerate()
            .filter_map(|(i, grant)| {
                let scheme = self.site.schemes.iter().find(|s| s.name == grant.scheme)?;
                Some(GrantView {
                    scheme: Link {
                        title: scheme.name.clone(),
                        href: self.href(&scheme.path),
                    },
                    amount: grant.amount,
                    amount_label: grant.amount.map(|a| self.locale.yen(a)),
                    fiscal_year: grant.fiscal_year,
                    fiscal_year_label: grant.fiscal_year.map(|y| self.locale.fiscal_year(y)),
                    source: cite(
                        &meta.sources,
                        &mut sources,
                        // A mark sits beside the amount; with no amount
                        // there is nothing to mark, nor to link back to.
                        grant.source.as_deref().filter(|_| grant.amount.is_some()),
                        format!("cite-grant-{}", i + 1),
                    ),
                })
            })
            .collect();
        // The labels in casebook.yaml are in the site's own language; a
        // translation takes its label from the theme's strings
        // (`support_type_B1`), else shows the key alone.
        let label = match self.site.config.is_translation() {
            false => |builder: &Self, key: &str| {
                builder
                    .site
                    .config
                    .support_type_label(key)
                    .map(str::to_string)
            },
            true => |builder: &Self, key: &str| {
                builder.strings.get(&format!("support_type_{key}")).cloned()
            },
        };
        let support_type = meta.support_type.as_ref().map(|key| {
            label(self, key).map_or_else(
                || key.clone(),
                |label| {
                    format!(
                        "{key}{}{label}{}",
                        self.t("paren_open", "（"),
                        self.t("paren_close", "）")
                    )
                },
            )
        });
        let mut view = CaseView {
            summary: self.case_summary(index),
            updated: meta.updated.map(|d| self.date(d)),
            period: meta.period.map(|p| PeriodView {
                start: self.date(p.start),
                end: p.end.map(|d| self.date(d)),
            }),
            grants,
            support_type,
            partners: meta.partners.clone(),
            outcomes: meta
                .outcomes
                .iter()
                .enumerate()
                .map(|(i, o)| OutcomeView {
                    label: o.label.clone(),
                    value: o.value,
                    value_label: number_label(o.value),
                    unit: o.unit.clone(),
                    note: o.note.clone(),
                    source: cite(
                        &meta.sources,
                        &mut sources,
                        o.source.as_deref(),
                        format!("cite-outcome-{}", i + 1),
                    ),
                })
                .collect(),
            images: meta
                .images
                .iter()
                .map(|image| self.image_view(case, image))
                .collect(),
            sources,
            location: meta.location.map(|l| (l.lat, l.lon)),
            body_html: self.body_html(body),
            toc: body.toc.clone(),
            json_ld: String::new(),
        };
        view.json_ld = super::linked_data::article(&view, &self.url(&case.path), &self.site.config);
        view
    }

    /// The published renditions of a case's images, as its page shows them.
    pub fn case_images(&self, index: usize) -> Vec<Option<&crate::images::Responsive>> {
        let case = &self.site.cases[index];
        let images = &case.entry.meta.images;
        images
            .iter()
            .map(|image| self.images.get(&format!("{}{}", case.path, image.src)))
            .collect()
    }

    /// A body's HTML as its page shows it: each image beside the Markdown offered
    /// in its renditions (`body_images`).
    pub fn body_html(&self, body: &Rendered) -> String {
        let base_path = self.site.config.shared_base_path();
        super::body_images::body_html(body, |path| self.images.get(path), base_path)
    }

    fn image_view(&self, case: &Case, image: &crate::content::schema::Image) -> ImageView {
        let output_path = format!("{}{}", case.path, image.src);
        let responsive = self.images.get(&output_path);
        // Images are published once, at the default language's paths.
        let config = &self.site.config;
        let image_href = |path: &str| href(config.shared_base_path(), path);
        let srcset = |format: crate::images::Format| responsive?.srcset(format, image_href);
        let src = image_href(&output_path);
        ImageView {
            url: format!("{}{src}", self.origin()),
            src,
            alt: image.alt.clone(),
            caption: image.caption.clone(),
            srcset: responsive
                .and_then(|r| r.original_format())
                .and_then(srcset),
            webp_srcset: srcset(crate::images::Format::WebP),
            sizes: responsive.map(|_| crate::images::CASE_IMAGE_SIZES),
            width: responsive.map(|r| r.width),
            height: responsive.map(|r| r.height),
        }
    }

    pub fn pagination(&self, current: usize, total: usize, first_path: &str) -> Pagination {
        let page_href = |n: usize| {
            if n == 1 {
                self.href(first_path)
            } else {
                self.href(&format!("{first_path}page/{n}/"))
            }
        };
        Pagination {
            current,
            total,
            prev_href: (current > 1).then(|| page_href(current - 1)),
            next_href: (current < total).then(|| page_href(current + 1)),
            pages: page_window(current, total)
                .into_iter()
                .scan(0, |previous, n| {
                    let gap_before = n > *previous + 1 && *previous > 0;
                    *previous = n;
                    Some(PageNumber {
                        number: n,
                        href: page_href(n),
                        current: n == current,
                        gap_before,
                    })
                })
                .collect(),
        }
    }
}

/// The page numbers a listing links: the first, the last, and those near the
/// current one. Listing every page on every page would make the site grow with
/// the square of its case count (10,000 cases are 500 pages of 500 links each).
fn page_window(current: usize, total: usize) -> Vec<usize> {
    const NEAR: usize = 1;
    let mut pages: Vec<usize> = [1, total]
        .into_iter()
        .chain(current.saturating_sub(NEAR).max(1)..=(current + NEAR).min(total))
        .collect();
    pages.sort_unstable();
    pages.dedup();
    pages
}

/// A page's sources, numbered in the order written (SPEC §5.5).
pub fn source_views(sources: &[crate::content::schema::Source], locale: Locale) -> Vec<SourceView> {
    sources
        .iter()
        .enumerate()
        .map(|(i, s)| SourceView {
            number: i + 1,
            id: format!("source-{}", i + 1),
            title: s.title.clone(),
            publisher: s.publisher.clone(),
            date: s.date.clone(),
            date_label: s.date.as_deref().map(|d| locale.partial_date(d)),
            url: s.url.clone(),
            locator: s.locator.clone(),
            quote: s.quote.clone(),
            cited_by: Vec::new(),
        })
        .collect()
}

/// The mark for a figure that cites the source with `id` among `written`,
/// recorded on that source's entry in `views` so the entry links back. The
/// checker has made sure the id names a source.
fn cite(
    written: &[crate::content::schema::Source],
    views: &mut [SourceView],
    id: Option<&str>,
    mark_id: String,
) -> Option<SourceMark> {
    let id = id?;
    let i = written.iter().position(|s| s.id.as_deref() == Some(id))?;
    views[i].cited_by.push(mark_id.clone());
    Some(SourceMark {
        number: i + 1,
        id: mark_id,
        href: format!("#{}", views[i].id),
    })
}

#[cfg(test)]
mod tests {
    /// Regression (issue 7): every page listed every page number, so 10,000
    /// cases made 250,000 links and the build took gigabytes.
    #[test]
    fn issue_7_pagination_links_a_window_of_pages() {
        for (current, total, expected) in [
            (1, 1, vec![1]),
            (1, 3, vec![1, 2, 3]),
            (1, 500, vec![1, 2, 500]),
            (250, 500, vec![1, 249, 250, 251, 500]),
            (500, 500, vec![1, 499, 500]),
            (4, 7, vec![1, 3, 4, 5, 7]),
        ] {
            assert_eq!(
                super::page_window(current, total),
                expected,
                "{current}/{total}"
            );
        }
    }
}
