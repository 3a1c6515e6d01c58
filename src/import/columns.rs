//! Step 2 of an import: which column of a sheet fills which case field.
//!
//! With `--map`, the city's own headings are mapped (SPEC §11); without it,
//! each file is one of the site's own open data files (`opendata.rs`), known
//! by its name, whose columns are fixed.

use super::messages::{Catalogue, Message};
use super::values::Kind;
use crate::content::fields;
use crate::diagnostics::{Diagnostic, suggest};
use crate::language::Language;
use serde::Deserialize;
use std::path::Path;

/// Every field a column can fill: its path in the front matter and how its
/// cells are read. `ward` and `area` make `district`; `body` is the Markdown
/// after the front matter. A field is offered only while the case schema has it.
const TARGETS: &[(&str, Kind)] = &[
    ("slug", Kind::Text),
    ("title", Kind::Text),
    ("summary", Kind::Text),
    ("district", Kind::Text),
    ("ward", Kind::Text),
    ("area", Kind::Text),
    ("published", Kind::Date),
    ("updated", Kind::Date),
    ("status", Kind::Status),
    ("themes", Kind::List),
    ("partners", Kind::List),
    ("support_type", Kind::Text),
    ("period.start", Kind::Date),
    ("period.end", Kind::Date),
    ("location.lat", Kind::Number),
    ("location.lon", Kind::Number),
    ("draft", Kind::Bool),
    ("illustrative", Kind::Bool),
    ("funding.scheme", Kind::Text),
    ("funding.amount", Kind::Yen),
    ("funding.fiscal_year", Kind::FiscalYear),
    ("funding.source", Kind::Text),
    ("outcomes.label", Kind::Text),
    ("outcomes.value", Kind::Number),
    ("outcomes.unit", Kind::Text),
    ("outcomes.note", Kind::Text),
    ("outcomes.source", Kind::Text),
    ("sources.id", Kind::Text),
    ("sources.title", Kind::Text),
    ("sources.publisher", Kind::Text),
    ("sources.date", Kind::Text),
    ("sources.url", Kind::Text),
    ("sources.locator", Kind::Text),
    ("sources.quote", Kind::Text),
    ("body", Kind::Text),
];

/// The columns of each open data file (`opendata::TABLES`), and the field
/// each fills; `None` for columns the build works out itself (`url`,
/// `fiscal_year` of a case). `themes` and `partners` rows hold one item each.
/// An open data column and the field it fills.
type OpenDataColumn = (&'static str, Option<(&'static str, Kind)>);

const OPEN_DATA: &[(&str, &[OpenDataColumn])] = &[
    (
        "cases",
        &[
            ("slug", Some(("slug", Kind::Text))),
            ("title", Some(("title", Kind::Text))),
            ("summary", Some(("summary", Kind::Text))),
            ("url", None),
            ("ward", Some(("ward", Kind::Text))),
            ("area", Some(("area", Kind::Text))),
            ("status", Some(("status", Kind::Status))),
            ("fiscal_year", None),
            ("published", Some(("published", Kind::Date))),
            ("updated", Some(("updated", Kind::Date))),
            ("period_start", Some(("period.start", Kind::Date))),
            ("period_end", Some(("period.end", Kind::Date))),
            ("support_type", Some(("support_type", Kind::Text))),
            ("latitude", Some(("location.lat", Kind::Number))),
            ("longitude", Some(("location.lon", Kind::Number))),
            ("illustrative", Some(("illustrative", Kind::Bool))),
        ],
    ),
    (
        "funding",
        &[
            ("case_slug", Some(("slug", Kind::Text))),
            ("scheme", Some(("funding.scheme", Kind::Text))),
            ("amount", Some(("funding.amount", Kind::Yen))),
            (
                "fiscal_year",
                Some(("funding.fiscal_year", Kind::FiscalYear)),
            ),
            ("source", Some(("funding.source", Kind::Text))),
        ],
    ),
    (
        "outcomes",
        &[
            ("case_slug", Some(("slug", Kind::Text))),
            ("label", Some(("outcomes.label", Kind::Text))),
            ("value", Some(("outcomes.value", Kind::Number))),
            ("unit", Some(("outcomes.unit", Kind::Text))),
            ("note", Some(("outcomes.note", Kind::Text))),
            ("source", Some(("outcomes.source", Kind::Text))),
        ],
    ),
    (
        "themes",
        &[
            ("case_slug", Some(("slug", Kind::Text))),
            ("theme", Some(("themes", Kind::Text))),
        ],
    ),
    (
        "partners",
        &[
            ("case_slug", Some(("slug", Kind::Text))),
            ("partner", Some(("partners", Kind::Text))),
        ],
    ),
    (
        "sources",
        &[
            ("case_slug", Some(("slug", Kind::Text))),
            ("id", Some(("sources.id", Kind::Text))),
            ("title", Some(("sources.title", Kind::Text))),
            ("publisher", Some(("sources.publisher", Kind::Text))),
            ("date", Some(("sources.date", Kind::Text))),
            ("url", Some(("sources.url", Kind::Text))),
            ("locator", Some(("sources.locator", Kind::Text))),
            ("quote", Some(("sources.quote", Kind::Text))),
        ],
    ),
];

/// Whether the case schema has the front-matter field `path` belongs to.
fn in_schema(path: &str) -> bool {
    let top = path.split('.').next().unwrap_or(path);
    matches!(top, "ward" | "area" | "body") || fields::CASE.iter().any(|f| f.name == top)
}

fn target(name: &str) -> Option<(&'static str, Kind)> {
    TARGETS
        .iter()
        .find(|(path, _)| *path == name && in_schema(path))
        .copied()
}

/// The `--map` file (SPEC §11).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Map {
    pub sheet: Option<String>,
    #[serde(default = "first_row")]
    pub header_row: usize,
    pub slug: Option<String>,
    pub columns: serde_yaml::Mapping,
}

fn first_row() -> usize {
    1
}

pub fn load_map(path: &Path, lang: Language) -> Result<Map, Box<Diagnostic>> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        Box::new(Diagnostic::error(
            &file,
            lang.text(Message::BadMap, &[&e.to_string()]),
        ))
    })?;
    serde_yaml::from_str(&text).map_err(|e| {
        let location = e.location();
        let error = Diagnostic::error(&file, lang.text(Message::BadMap, &[&e.to_string()]));
        Box::new(match location {
            Some(l) => error.at(crate::diagnostics::Span::new(l.line(), l.column())),
            None => error,
        })
    })
}

/// A column (1-based) that is not what it should be: message and hint.
pub type ColumnProblem = (usize, String, String);

/// One sheet's columns: for each, the field it fills, if any.
pub type Columns = Vec<Option<(&'static str, Kind)>>;

/// The columns of a sheet whose header row holds `headers`, by `map`; else
/// each wrong heading or field as a (message, hint).
pub fn by_map(
    map: &Map,
    headers: &[String],
    lang: Language,
) -> Result<Columns, Vec<(String, String)>> {
    let mut columns: Columns = vec![None; headers.len()];
    let mut problems = Vec::new();
    let slug = map
        .slug
        .iter()
        .map(|heading| (heading.clone(), "slug".to_owned()));
    let mapped = map
        .columns
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v.as_str()?.to_owned())));
    for (heading, name) in slug.chain(mapped) {
        let Some(found) = target(&name) else {
            let names = TARGETS.iter().map(|(p, _)| *p).filter(|p| in_schema(p));
            let hint = match suggest(&name, names.clone()) {
                Some(close) => lang.text(Message::DidYouMean, &[close]),
                None => lang.text(Message::TargetsAre, &[&lang.list(names)]),
            };
            problems.push((lang.text(Message::UnknownTarget, &[&name]), hint));
            continue;
        };
        match headers.iter().position(|h| *h == heading) {
            Some(i) => columns[i] = Some(found),
            None => {
                let hint = match suggest(&heading, headers.iter().map(String::as_str)) {
                    Some(close) => lang.text(Message::DidYouMean, &[close]),
                    None => lang.text(
                        Message::ColumnsAre,
                        &[&lang.list(headers.iter().map(String::as_str))],
                    ),
                };
                problems.push((lang.text(Message::NoSuchColumn, &[&heading]), hint));
            }
        }
    }
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(problems)
    }
}

/// The columns of the open data file `stem` (`cases`, `funding`…), or `None`
/// when it is not one. A column the file should not have is a problem.
pub fn open_data(
    stem: &str,
    headers: &[String],
    lang: Language,
) -> Option<Result<Columns, Vec<ColumnProblem>>> {
    let (_, known) = OPEN_DATA.iter().find(|(name, _)| *name == stem)?;
    let mut problems = Vec::new();
    let columns = headers
        .iter()
        .enumerate()
        .map(
            |(i, heading)| match known.iter().find(|(name, _)| name == heading) {
                Some((_, field)) => field.filter(|(path, _)| in_schema(path)),
                None => {
                    let names = known.iter().map(|(name, _)| *name);
                    let hint = match suggest(heading, names.clone()) {
                        Some(close) => lang.text(Message::DidYouMean, &[close]),
                        None => lang.text(Message::ColumnsAre, &[&lang.list(names)]),
                    };
                    problems.push((i + 1, lang.text(Message::UnknownTarget, &[heading]), hint));
                    None
                }
            },
        )
        .collect();
    Some(if problems.is_empty() {
        Ok(columns)
    } else {
        Err(problems)
    })
}
