//! Charts: the counts of `crate::stats` → what a page shows of them: the
//! headline figures, a table and a build-time SVG bar chart per facet, each
//! label written in the page's language.
//!
//! 1. Make a [`Chart`] per facet: rows of label, value and link. A bar links to
//!    the browse page that lists exactly its cases when there is one (a ward,
//!    area, scheme or theme page), else to the search page filtered by the
//!    scope and the bar (`search/?district=南区&year=2018`).
//! 2. Draw each chart as SVG ([`draw`]), one row per bar: the label above the
//!    bar, the value after it. Bar lengths are percentages, so a chart fills any
//!    width from 320px up while its text keeps its size. There are no `style`
//!    attributes (the CSP forbids them): the stylesheet colours the classes,
//!    and `currentColor` is the fallback, so charts stay legible in forced
//!    colours and in print.

use crate::content::schema::Status;
use crate::escape::escape_html;
use crate::locale::{Locale, number_label};
use crate::model::{Site, href};
use crate::stats::{Counts, Scope};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One bar of a chart, and one row of its table.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub label: String,
    pub href: String,
    pub value: u64,
    pub value_label: String,
    /// Further cells of the table row (a scheme's cases and grants).
    pub extra: Vec<String>,
}

/// A chart and the table of the same numbers.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// Unique on its page: `by-ward`.
    pub id: &'static str,
    pub title: String,
    /// One sentence that says what the chart shows, for `<desc>`.
    pub description: String,
    pub label_heading: String,
    pub value_heading: String,
    pub extra_headings: Vec<String>,
    pub rows: Vec<Row>,
    /// The chart as inline SVG markup; empty when it would say no more than
    /// its table ([`Chart::says_more_than_its_table`]).
    pub svg: String,
    /// A sentence under the title on what the rows count, when a reader
    /// could take them for something else (a case's 年度 is not its grant's).
    pub note: Option<String>,
}

impl Chart {
    /// A chart is drawn only when it compares: two or more bars above zero,
    /// not all of one length. One bar, or bars that are all alike (a page
    /// with one case: 1件, 1件, 1件), would only repeat its table.
    pub fn says_more_than_its_table(&self) -> bool {
        let mut bars = self.rows.iter().map(|row| row.value).filter(|&v| v > 0);
        let Some(first) = bars.next() else {
            return false;
        };
        let mut count = 1;
        let mut alike = true;
        for value in bars {
            count += 1;
            alike &= value == first;
        }
        count >= 2 && !alike
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct OutcomeRow {
    pub label: String,
    pub unit: Option<String>,
    pub total: f64,
    /// `12`, `1,234.5`
    pub total_label: String,
    pub cases: usize,
    pub cases_label: String,
}

/// Headline figures: the home page's summary and the top of `/stats/`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub case_count: usize,
    pub case_count_label: String,
    pub ward_count: usize,
    pub scheme_count: usize,
    pub theme_count: usize,
    pub grant_count: usize,
    pub grant_count_label: String,
    /// `None` when no grant states its amount.
    pub total_granted_label: Option<String>,
    pub stats_href: String,
    /// 「架空の事例2件を除く」 when made-up examples were left out of the figures.
    pub illustrative_note: Option<String>,
}

/// What a page shows of its scope's statistics.
#[derive(Debug, Clone, Serialize)]
pub struct StatsView {
    pub summary: Summary,
    pub charts: Vec<Chart>,
    pub outcomes: Vec<OutcomeRow>,
}

/// Builds the statistics of `scope`; `strings` are the theme's UI strings.
pub struct StatsBuilder<'a> {
    pub site: &'a Site,
    pub strings: &'a BTreeMap<String, String>,
}

impl StatsBuilder<'_> {
    /// How the site's language writes years and amounts.
    fn locale(&self) -> Locale {
        Locale::of(&self.site.config.language)
    }

    fn t(&self, key: &str, fallback: &str) -> String {
        self.strings
            .get(key)
            .cloned()
            .unwrap_or_else(|| fallback.to_string())
    }

    fn href(&self, path: &str) -> String {
        href(&self.site.config.base_path, path)
    }

    /// `search/?district=南区&year=2018`, values percent-encoded.
    fn search_href(&self, filters: &[(&str, String)]) -> String {
        const VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'_')
            .remove(b'.')
            .remove(b'~');
        let query: Vec<String> = filters
            .iter()
            .map(|(key, value)| {
                format!(
                    "{key}={}",
                    percent_encoding::utf8_percent_encode(value, VALUE)
                )
            })
            .collect();
        format!("{}?{}", self.href("search/"), query.join("&"))
    }

    /// A bar's link: the browse page at `browse` when the scope is the whole
    /// site (or, for an area, its ward), else the search page.
    fn link(&self, scope: Scope, browse: Option<&str>, filter: (&'static str, String)) -> String {
        match browse {
            Some(path) => self.href(path),
            None => {
                let mut filters = search_filters(scope, self.site);
                filters.push(filter);
                self.search_href(&filters)
            }
        }
    }

    fn cases_label(&self, n: usize) -> String {
        let unit = if n == 1 {
            self.t("case_unit_one", "件")
        } else {
            self.t("case_unit_other", "件")
        };
        format!("{}{unit}", number_label(n as f64))
    }

    fn grants_label(&self, n: usize) -> String {
        let unit = if n == 1 {
            self.t("grant_unit_one", "件")
        } else {
            self.t("grant_unit_other", "件")
        };
        format!("{}{unit}", number_label(n as f64))
    }

    pub fn summary(&self, counts: &Counts, illustrative: usize) -> Summary {
        let grants: usize = counts.schemes.iter().map(|s| s.grants).sum();
        let with_amount: usize = counts.schemes.iter().map(|s| s.grants_with_amount).sum();
        let total = counts
            .schemes
            .iter()
            .fold(0u64, |sum, s| sum.saturating_add(s.total));
        Summary {
            case_count: counts.cases,
            case_count_label: self.cases_label(counts.cases),
            ward_count: counts.wards.iter().filter(|&&n| n > 0).count(),
            scheme_count: counts.schemes.iter().filter(|s| s.cases > 0).count(),
            theme_count: counts.themes.iter().filter(|&&n| n > 0).count(),
            grant_count: grants,
            grant_count_label: self.grants_label(grants),
            total_granted_label: (with_amount > 0).then(|| self.locale().yen(total)),
            stats_href: self.href("stats/"),
            illustrative_note: (illustrative > 0).then(|| {
                self.t("stats_illustrative_excluded", "架空の事例{n}件を除く")
                    .replace("{n}", &number_label(illustrative as f64))
            }),
        }
    }

    /// The headline figures of `scope`.
    pub fn summary_of(&self, scope: Scope) -> Summary {
        let counts = Counts::of(self.site, &scope.counted_cases(self.site));
        self.summary(&counts, scope.illustrative_count(self.site))
    }

    /// Every chart of `scope`, and its outcome totals.
    pub fn view(&self, scope: Scope) -> StatsView {
        let counts = Counts::of(self.site, &scope.counted_cases(self.site));
        let mut charts = Vec::new();
        if matches!(scope, Scope::Site | Scope::Scheme(_)) {
            charts.push(self.by_ward(scope, &counts));
        }
        if matches!(scope, Scope::Site | Scope::Ward(_)) {
            charts.push(self.by_area(scope, &counts));
        }
        if !matches!(scope, Scope::Scheme(_)) {
            charts.push(self.by_scheme(scope, &counts));
        }
        charts.push(self.by_fiscal_year(scope, &counts));
        charts.push(self.by_status(scope, &counts));
        charts.push(self.by_theme(scope, &counts));
        charts.retain(|chart| !chart.rows.is_empty());
        for chart in &mut charts {
            if chart.says_more_than_its_table() {
                chart.svg = draw(chart);
            }
        }
        StatsView {
            summary: self.summary(&counts, scope.illustrative_count(self.site)),
            charts,
            outcomes: counts
                .outcomes
                .iter()
                .map(|o| OutcomeRow {
                    label: o.label.clone(),
                    unit: o.unit.clone(),
                    total: o.total,
                    total_label: number_label(o.total),
                    cases: o.cases,
                    cases_label: self.cases_label(o.cases),
                })
                .collect(),
        }
    }

    /// A chart of case counts; rows of zero are left out unless `keep_zero`.
    /// Rows keep the order they come in: the city's order of its wards,
    /// areas and themes (SPEC §5.3), years oldest first, statuses in their
    /// course; the description names the largest.
    fn count_chart(
        &self,
        id: &'static str,
        title: String,
        label_heading: String,
        rows: Vec<(String, usize, String)>,
        keep_zero: bool,
    ) -> Chart {
        let rows: Vec<Row> = rows
            .into_iter()
            .filter(|(_, n, _)| keep_zero || *n > 0)
            .map(|(label, n, href)| Row {
                label,
                href,
                value: n as u64,
                value_label: self.cases_label(n),
                extra: Vec::new(),
            })
            .collect();
        let description = self.describe(&title, &rows);
        Chart {
            id,
            title,
            description,
            label_heading,
            value_heading: self.t("stats_case_count", "事例数"),
            extra_headings: Vec::new(),
            rows,
            svg: String::new(),
            note: None,
        }
    }

    /// `区別の事例数。11項目。最も多いのは南区（3件）です。`
    fn describe(&self, title: &str, rows: &[Row]) -> String {
        let mut text = self
            .t("stats_chart_description", "{title}。{count}項目。")
            .replace("{title}", title)
            .replace("{count}", &rows.len().to_string());
        // The first of the largest rows, when any is above zero.
        let top = rows.iter().fold(None::<&Row>, |best, row| match best {
            Some(b) if b.value >= row.value => Some(b),
            _ if row.value > 0 => Some(row),
            _ => best,
        });
        if let Some(top) = top {
            text.push_str(
                &self
                    .t("stats_chart_top", "最も多いのは{top}（{value}）です。")
                    .replace("{top}", &top.label)
                    .replace("{value}", &top.value_label),
            );
        }
        text
    }

    fn by_ward(&self, scope: Scope, counts: &Counts) -> Chart {
        let site = self.site;
        let rows = site
            .wards
            .iter()
            .enumerate()
            .map(|(w, ward)| {
                let browse = (scope == Scope::Site).then_some(ward.path.as_str());
                let href = self.link(scope, browse, ("district", ward.name.clone()));
                (ward.name.clone(), counts.wards[w], href)
            })
            .collect();
        self.count_chart(
            "by-ward",
            self.t("stats_by_ward", "区別の事例数"),
            self.t("stats_ward", "区"),
            rows,
            scope == Scope::Site,
        )
    }

    fn by_area(&self, scope: Scope, counts: &Counts) -> Chart {
        let site = self.site;
        let mut rows = Vec::new();
        for (w, ward) in site.wards.iter().enumerate() {
            if matches!(scope, Scope::Ward(only) if only != w) {
                continue;
            }
            for (a, area) in ward.areas.iter().enumerate() {
                let label = if scope == Scope::Site {
                    format!("{} {}", ward.name, area.name)
                } else {
                    area.name.clone()
                };
                // Within the site or its own ward, an area's page lists exactly its cases.
                rows.push((label, counts.areas[w][a], self.href(&area.path)));
            }
        }
        // Areas are many; those without cases are left out.
        self.count_chart(
            "by-area",
            self.t("stats_by_area", "地区別の事例数"),
            self.t("district", "地区"),
            rows,
            false,
        )
    }

    fn by_scheme(&self, scope: Scope, counts: &Counts) -> Chart {
        let site = self.site;
        let rows: Vec<Row> = site
            .schemes
            .iter()
            .zip(&counts.schemes)
            .filter(|(_, totals)| scope == Scope::Site || totals.cases > 0)
            .map(|(scheme, totals)| {
                let browse = (scope == Scope::Site).then_some(scheme.path.as_str());
                Row {
                    label: scheme.name.clone(),
                    href: self.link(scope, browse, ("scheme", scheme.name.clone())),
                    value: totals.total,
                    value_label: if totals.grants_with_amount > 0 {
                        self.locale().yen(totals.total)
                    } else {
                        self.t("not_stated", "記載なし")
                    },
                    extra: vec![
                        self.cases_label(totals.cases),
                        self.grants_label(totals.grants),
                    ],
                }
            })
            .collect();
        // Schemes in the city's order, like every list of them (SPEC §5.3).
        let title = self.t("stats_by_scheme", "制度別の交付総額");
        Chart {
            id: "by-scheme",
            description: self.describe(&title, &rows),
            title,
            label_heading: self.t("stats_scheme", "制度"),
            value_heading: self.t("total_granted", "交付総額"),
            extra_headings: vec![
                self.t("stats_case_count", "事例数"),
                self.t("grant_count", "交付件数"),
            ],
            rows,
            svg: String::new(),
            note: None,
        }
    }

    fn by_fiscal_year(&self, scope: Scope, counts: &Counts) -> Chart {
        let mut years = counts.fiscal_years.clone();
        // Years without cases between the first and the last are shown as
        // zero, so the chart reads as a timeline; a span of over 50 years
        // (a typo in a date) is not filled.
        if let (Some(&first), Some(&last)) = (years.keys().next(), years.keys().next_back())
            && last - first <= 50
        {
            for year in first..=last {
                years.entry(year).or_insert(0);
            }
        }
        let rows = years
            .into_iter()
            .map(|(year, n)| {
                let href = self.link(scope, None, ("year", year.to_string()));
                (self.locale().fiscal_year(year), n, href)
            })
            .collect();
        let mut chart = self.count_chart(
            "by-fiscal-year",
            self.t("stats_by_fiscal_year", "年度別の事例数"),
            self.t("fiscal_year", "年度"),
            rows,
            true,
        );
        // A scheme page's grant table shows each grant's own 交付年度, which
        // may differ from its case's: say which year this is.
        chart.note = Some(self.t(
            "stats_fiscal_year_note",
            "事例の年度は、事業期間の始まった年度（期間の記載がなければ掲載した年度）です。",
        ));
        chart
    }

    fn by_status(&self, scope: Scope, counts: &Counts) -> Chart {
        let rows = Status::ALL
            .iter()
            .zip(counts.statuses)
            .map(|(&status, n)| {
                let (key, fallback) = match status {
                    Status::Planned => ("status_planned", "計画中"),
                    Status::InProgress => ("status_in_progress", "実施中"),
                    Status::Completed => ("status_completed", "完了"),
                };
                let href = self.link(scope, None, ("status", status.key().to_string()));
                (self.t(key, fallback), n, href)
            })
            .collect();
        self.count_chart(
            "by-status",
            self.t("stats_by_status", "状況別の事例数"),
            self.t("status", "状況"),
            rows,
            true,
        )
    }

    fn by_theme(&self, scope: Scope, counts: &Counts) -> Chart {
        let rows = self
            .site
            .themes
            .iter()
            .zip(&counts.themes)
            .map(|(theme, &n)| {
                let browse = (scope == Scope::Site).then_some(theme.path.as_str());
                let href = self.link(scope, browse, ("theme", theme.name.clone()));
                (theme.name.clone(), n, href)
            })
            .collect();
        self.count_chart(
            "by-theme",
            self.t("stats_by_theme", "テーマ別の事例数"),
            self.t("case_themes", "テーマ"),
            rows,
            scope == Scope::Site,
        )
    }
}

/// The search filters that select the cases of `scope`.
fn search_filters(scope: Scope, site: &Site) -> Vec<(&'static str, String)> {
    match scope {
        Scope::Site => Vec::new(),
        Scope::Ward(w) => vec![("district", site.wards[w].name.clone())],
        // The search page names an area as front matter does, `ward/area`.
        Scope::Area(w, a) => vec![(
            "district",
            format!("{}/{}", site.wards[w].name, site.wards[w].areas[a].name),
        )],
        Scope::Scheme(s) => vec![("scheme", site.schemes[s].name.clone())],
    }
}

/// Layout of a drawn chart, in CSS pixels.
const ROW_HEIGHT: u32 = 48;
const LABEL_BASELINE: u32 = 17;
const BAR_TOP: u32 = 24;
const BAR_HEIGHT: u32 = 16;
const FONT_SIZE: u32 = 14;
/// The narrowest chart: a 320px screen less the page padding.
const NARROWEST: f64 = 288.0;

/// The width of `text` at [`FONT_SIZE`], roughly: full-width characters are
/// 1em, others about 0.6em.
fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 0.6 } else { 1.0 })
        .sum::<f64>()
        * f64::from(FONT_SIZE)
}

/// Draws `chart` as SVG: per row, a link holding the label, the bar and the
/// value. The longest value label decides how long the longest bar may be,
/// so that its value still fits beside it on the narrowest screen.
pub fn draw(chart: &Chart) -> String {
    let max = chart.rows.iter().map(|r| r.value).max().unwrap_or(0);
    let widest_value = chart
        .rows
        .iter()
        .map(|r| text_width(&r.value_label))
        .fold(0.0, f64::max);
    let bar_max = ((NARROWEST - widest_value - 12.0) / NARROWEST * 100.0).clamp(30.0, 90.0);
    let height = ROW_HEIGHT * chart.rows.len() as u32;
    let id = chart.id;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"100%\" height=\"{height}\" \
         role=\"group\" aria-labelledby=\"chart-{id}-title\" aria-describedby=\"chart-{id}-desc\" \
         font-size=\"{FONT_SIZE}\" fill=\"currentColor\">\
         <title id=\"chart-{id}-title\">{}</title><desc id=\"chart-{id}-desc\">{}</desc>",
        escape_html(&chart.title),
        escape_html(&chart.description),
    );
    for (i, row) in chart.rows.iter().enumerate() {
        let top = ROW_HEIGHT * i as u32;
        let percent = if max == 0 {
            0.0
        } else {
            row.value as f64 / max as f64 * bar_max
        };
        // A bar of a non-zero value is at least visible.
        let bar = if row.value > 0 {
            format!("{:.2}%", percent.max(0.5))
        } else {
            "0".to_string()
        };
        let _ = write!(
            svg,
            "<a href=\"{href}\" class=\"chart__link\">\
             <rect class=\"chart__hit\" x=\"0\" y=\"{top}\" width=\"100%\" height=\"{ROW_HEIGHT}\" fill=\"transparent\"/>\
             <text class=\"chart__label\" x=\"0\" y=\"{label_y}\">{label}</text>\
             <rect class=\"chart__bar\" x=\"0\" y=\"{bar_y}\" width=\"{bar}\" height=\"{BAR_HEIGHT}\"/>\
             <text class=\"chart__value\" x=\"{bar}\" dx=\"{dx}\" y=\"{value_y}\">{value}</text></a>",
            href = escape_html(&row.href),
            label_y = top + LABEL_BASELINE,
            bar_y = top + BAR_TOP,
            dx = if row.value > 0 { 6 } else { 0 },
            value_y = top + BAR_TOP + BAR_HEIGHT - 3,
            label = escape_html(&row.label),
            value = escape_html(&row.value_label),
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_widths_count_full_width_characters_as_one_em() {
        for (text, width) in [("", 0.0), ("南区", 28.0), ("12件", 30.8), ("500万円", 53.2)] {
            assert!((text_width(text) - width).abs() < 0.01, "{text}");
        }
    }

    fn chart(rows: &[(&str, u64, &str)]) -> Chart {
        Chart {
            id: "test",
            title: "区別の事例数".into(),
            description: "説明 <b>".into(),
            label_heading: String::new(),
            value_heading: String::new(),
            extra_headings: Vec::new(),
            rows: rows
                .iter()
                .map(|&(label, value, href)| Row {
                    label: label.into(),
                    href: href.into(),
                    value,
                    value_label: format!("{value}件"),
                    extra: Vec::new(),
                })
                .collect(),
            svg: String::new(),
            note: None,
        }
    }

    #[test]
    fn a_chart_is_drawn_only_when_its_bars_compare() {
        for (values, drawn) in [
            (&[][..], false),
            (&[1][..], false),
            (&[1, 0, 0][..], false),
            (&[1, 1, 1][..], false),
            (&[2, 0, 2][..], false),
            (&[1, 2][..], true),
            (&[3, 0, 1][..], true),
        ] {
            let rows: Vec<(&str, u64, &str)> = values.iter().map(|&v| ("区", v, "")).collect();
            assert_eq!(chart(&rows).says_more_than_its_table(), drawn, "{values:?}");
        }
    }

    #[test]
    fn bars_are_proportional_and_linked() {
        let svg = draw(&chart(&[
            ("南区", 4, "/search/?district=a&year=1"),
            ("北区", 2, "/b/"),
            ("西区", 0, "/c/"),
        ]));
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("<title id=\"chart-test-title\">区別の事例数</title>"));
        assert!(svg.contains("<desc id=\"chart-test-desc\">説明 &lt;b&gt;</desc>"));
        assert!(svg.contains("href=\"/search/?district=a&amp;year=1\""));
        let widths: Vec<&str> = svg
            .match_indices("class=\"chart__bar\" x=\"0\" y=\"")
            .map(|(i, _)| {
                let rest = &svg[i..];
                let start = rest.find("width=\"").unwrap() + 7;
                &rest[start..start + rest[start..].find('"').unwrap()]
            })
            .collect();
        let percent = |w: &str| w.trim_end_matches('%').parse::<f64>().unwrap();
        assert_eq!(widths.len(), 3);
        assert!((percent(widths[0]) - 2.0 * percent(widths[1])).abs() < 0.02);
        assert_eq!(widths[2], "0");
        assert!(!svg.contains("style="));
    }
}
