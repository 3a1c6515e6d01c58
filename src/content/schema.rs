//! Schema: YAML data trees → typed front matter, one diagnostic per broken rule.
//!
//! Fields are read one at a time through a [`Reader`], so a file with five
//! problems reports five diagnostics, each at the line and column of its field.
//! Rules that need the whole site (does this scheme exist?) live in `model`.

use super::front_matter::{PathSeg, YamlDoc};
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics, Span, suggest};
use serde::Serialize;
use serde_json::{Map, Value};

/// A case's front matter (SPEC §5.2).
#[derive(Debug, Clone, Serialize)]
pub struct CaseMeta {
    pub title: String,
    pub summary: String,
    pub district: District,
    pub published: Date,
    pub updated: Option<Date>,
    pub status: Status,
    pub themes: Vec<String>,
    pub funding: Vec<Grant>,
    pub support_type: Option<String>,
    pub partners: Vec<String>,
    pub period: Option<Period>,
    pub outcomes: Vec<Outcome>,
    pub images: Vec<Image>,
    pub location: Option<Location>,
    pub slug: Option<String>,
    pub draft: bool,
}

pub const CASE_FIELDS: &[&str] = &[
    "title",
    "summary",
    "district",
    "published",
    "updated",
    "status",
    "themes",
    "funding",
    "support_type",
    "partners",
    "period",
    "outcomes",
    "images",
    "location",
    "slug",
    "draft",
];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct District {
    pub ward: String,
    pub area: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Planned,
    InProgress,
    Completed,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Planned, Status::InProgress, Status::Completed];

    pub fn key(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::InProgress => "in-progress",
            Status::Completed => "completed",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Grant {
    pub scheme: String,
    pub amount: Option<u64>,
    pub fiscal_year: Option<i32>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Period {
    pub start: Date,
    pub end: Option<Date>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub label: String,
    pub value: f64,
    pub unit: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Image {
    pub src: String,
    pub alt: String,
    pub caption: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
}

/// A funding scheme's front matter (SPEC §5.3).
#[derive(Debug, Clone, Serialize)]
pub struct FundingMeta {
    pub name: String,
    pub department: Option<String>,
    pub subsidy_rate: Option<f64>,
    pub max_amount: Option<u64>,
    pub max_grants: Option<u64>,
    pub url: Option<String>,
    pub summary: Option<String>,
    pub slug: Option<String>,
    pub order: Option<i64>,
    pub reading: Option<String>,
}

pub const FUNDING_FIELDS: &[&str] = &[
    "name",
    "department",
    "subsidy_rate",
    "max_amount",
    "max_grants",
    "url",
    "summary",
    "slug",
    "order",
    "reading",
];

/// A district's or theme's front matter.
#[derive(Debug, Clone, Serialize)]
pub struct TermMeta {
    pub name: String,
    pub summary: Option<String>,
    pub slug: Option<String>,
    /// The city's own place for the term in lists (a ward code), SPEC §5.3.
    pub order: Option<i64>,
    /// The term's reading in kana, the next sort key after `order`.
    pub reading: Option<String>,
}

pub const TERM_FIELDS: &[&str] = &["name", "summary", "slug", "order", "reading"];

/// A plain page's or the home page's front matter.
#[derive(Debug, Clone, Serialize)]
pub struct PageMeta {
    pub title: String,
    pub summary: Option<String>,
    pub slug: Option<String>,
    pub draft: bool,
}

pub const PAGE_FIELDS: &[&str] = &["title", "summary", "description", "slug", "draft"];

pub fn read_case(doc: &YamlDoc, file: &str, diagnostics: &mut Diagnostics) -> Option<CaseMeta> {
    let mut r = Reader::new(doc, file, diagnostics);
    let root = r.root(CASE_FIELDS)?;
    let title = r.required_text(root, &[], "title");
    let summary = r.required_text(root, &[], "summary");
    let district = r.district(root);
    let published = r.required(root, &[], "published", Reader::date);
    let updated = r.optional(root, &[], "updated", Reader::date);
    let status = r.required(root, &[], "status", Reader::status);
    let themes = r.text_list(root, &[], "themes");
    let funding = r.funding(root);
    let support_type = r.optional(root, &[], "support_type", Reader::text);
    let partners = r.text_list(root, &[], "partners");
    let period = r.period(root);
    let outcomes = r.outcomes(root);
    let images = r.images(root);
    let location = r.location(root);
    let slug = r.optional(root, &[], "slug", Reader::text);
    let draft = r
        .optional(root, &[], "draft", Reader::boolean)
        .unwrap_or(false);

    if let (Some(published), Some(updated)) = (published, updated)
        && updated < published
    {
        r.error(
            &[PathSeg::Key("updated")],
            format!("`updated` ({updated}) is before `published` ({published})"),
            Some("an update cannot predate publication; check both dates".into()),
        );
    }
    // A case with broken fields is kept with placeholders, so that the later
    // stages still check its references and links; the errors above already
    // keep the build from writing anything.
    Some(CaseMeta {
        title: title.unwrap_or_default(),
        summary: summary.unwrap_or_default(),
        district: district.unwrap_or(District {
            ward: String::new(),
            area: None,
        }),
        published: published.unwrap_or(Date {
            year: 1970,
            month: 1,
            day: 1,
        }),
        updated,
        status: status.unwrap_or(Status::Planned),
        themes,
        funding,
        support_type,
        partners,
        period,
        outcomes,
        images,
        location,
        slug,
        draft,
    })
}

pub fn read_funding(
    doc: &YamlDoc,
    file: &str,
    diagnostics: &mut Diagnostics,
) -> Option<FundingMeta> {
    let mut r = Reader::new(doc, file, diagnostics);
    let root = r.root(FUNDING_FIELDS)?;
    let name = r.required_text(root, &[], "name");
    let department = r.optional(root, &[], "department", Reader::text);
    let subsidy_rate = r.optional(root, &[], "subsidy_rate", Reader::number);
    if let Some(rate) = subsidy_rate
        && !(0.0..=1.0).contains(&rate)
    {
        r.error(
            &[PathSeg::Key("subsidy_rate")],
            format!("`subsidy_rate` must be between 0 and 1, found {rate}"),
            Some("write a rate as a fraction: 90% is `subsidy_rate: 0.9`".into()),
        );
    }
    let max_amount = r.optional(root, &[], "max_amount", Reader::yen);
    let max_grants = r.optional(root, &[], "max_grants", Reader::count);
    let url = r.optional(root, &[], "url", Reader::web_address);
    let summary = r.optional(root, &[], "summary", Reader::text);
    let slug = r.optional(root, &[], "slug", Reader::text);
    let order = r.optional(root, &[], "order", Reader::order);
    let reading = r.optional(root, &[], "reading", Reader::reading);
    Some(FundingMeta {
        name: name?,
        department,
        subsidy_rate,
        max_amount,
        max_grants,
        url,
        summary,
        slug,
        order,
        reading,
    })
}

pub fn read_term(doc: &YamlDoc, file: &str, diagnostics: &mut Diagnostics) -> Option<TermMeta> {
    let mut r = Reader::new(doc, file, diagnostics);
    let root = r.root(TERM_FIELDS)?;
    let name = r.required_text(root, &[], "name");
    let summary = r.optional(root, &[], "summary", Reader::text);
    let slug = r.optional(root, &[], "slug", Reader::text);
    let order = r.optional(root, &[], "order", Reader::order);
    let reading = r.optional(root, &[], "reading", Reader::reading);
    Some(TermMeta {
        name: name?,
        summary,
        slug,
        order,
        reading,
    })
}

pub fn read_page(doc: &YamlDoc, file: &str, diagnostics: &mut Diagnostics) -> Option<PageMeta> {
    let mut r = Reader::new(doc, file, diagnostics);
    let root = r.root(PAGE_FIELDS)?;
    let title = r.required_text(root, &[], "title");
    let summary = r.optional(root, &[], "summary", Reader::text);
    let description = r.optional(root, &[], "description", Reader::text);
    let slug = r.optional(root, &[], "slug", Reader::text);
    let draft = r
        .optional(root, &[], "draft", Reader::boolean)
        .unwrap_or(false);
    Some(PageMeta {
        title: title?,
        summary: summary.or(description),
        slug,
        draft,
    })
}

/// The words of a case in another language (`<slug>.en.md`, SPEC §5.4). The
/// facts (district, dates, status, funding, place, numbers) come from the
/// original, so the two versions cannot disagree; lists are in the
/// original's order, and a list left out keeps the original's words.
#[derive(Debug, Clone, Serialize)]
pub struct CaseText {
    pub title: String,
    pub summary: String,
    pub partners: Option<Vec<String>>,
    pub outcomes: Option<Vec<OutcomeText>>,
    pub images: Option<Vec<ImageText>>,
    pub draft: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutcomeText {
    pub label: String,
    pub unit: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImageText {
    pub alt: String,
    pub caption: Option<String>,
}

pub const CASE_TEXT_FIELDS: &[&str] = &[
    "title", "summary", "partners", "outcomes", "images", "draft",
];
pub const FUNDING_TEXT_FIELDS: &[&str] = &["name", "summary", "department", "url"];
pub const TERM_TEXT_FIELDS: &[&str] = &["name", "summary"];
pub const PAGE_TEXT_FIELDS: &[&str] = &["title", "summary", "description", "draft"];

pub fn read_case_text(
    doc: &YamlDoc,
    file: &str,
    diagnostics: &mut Diagnostics,
) -> Option<CaseText> {
    let mut r = Reader::new(doc, file, diagnostics);
    let root = r.translation_root(CASE_TEXT_FIELDS, CASE_FIELDS)?;
    let title = r.required_text(root, &[], "title");
    let summary = r.required_text(root, &[], "summary");
    let partners = root
        .contains_key("partners")
        .then(|| r.text_list(root, &[], "partners"));
    let outcomes = root.contains_key("outcomes").then(|| {
        r.items(root, "outcomes")
            .into_iter()
            .filter_map(|(item, path)| {
                let map = r.object(
                    item,
                    &path,
                    &["label", "unit", "note"],
                    "- { label: Monthly visitors, unit: people }",
                )?;
                Some(OutcomeText {
                    label: r.required_text(map, &path, "label")?,
                    unit: r.optional(map, &path, "unit", Reader::text),
                    note: r.optional(map, &path, "note", Reader::text),
                })
            })
            .collect()
    });
    let images = root.contains_key("images").then(|| {
        r.items(root, "images")
            .into_iter()
            .filter_map(|(item, path)| {
                let map = r.object(
                    item,
                    &path,
                    &["alt", "caption"],
                    "- { alt: The renovated house from the street }",
                )?;
                Some(ImageText {
                    alt: r.required_text(map, &path, "alt")?,
                    caption: r.optional(map, &path, "caption", Reader::text),
                })
            })
            .collect()
    });
    let draft = r
        .optional(root, &[], "draft", Reader::boolean)
        .unwrap_or(false);
    Some(CaseText {
        title: title?,
        summary: summary?,
        partners,
        outcomes,
        images,
        draft,
    })
}

/// A funding scheme's words in another language; its numbers stay the original's.
pub fn read_funding_text(
    doc: &YamlDoc,
    file: &str,
    diagnostics: &mut Diagnostics,
) -> Option<FundingMeta> {
    let mut r = Reader::new(doc, file, diagnostics);
    let root = r.translation_root(FUNDING_TEXT_FIELDS, FUNDING_FIELDS)?;
    let name = r.required_text(root, &[], "name");
    let summary = r.optional(root, &[], "summary", Reader::text);
    let department = r.optional(root, &[], "department", Reader::text);
    let url = r.optional(root, &[], "url", Reader::web_address);
    Some(FundingMeta {
        name: name?,
        department,
        subsidy_rate: None,
        max_amount: None,
        max_grants: None,
        url,
        summary,
        slug: None,
        order: None,
        reading: None,
    })
}

/// A district's or theme's name and summary in another language. An area's
/// name is its own (`Nakamura`), without its ward's.
pub fn read_term_text(
    doc: &YamlDoc,
    file: &str,
    diagnostics: &mut Diagnostics,
) -> Option<TermMeta> {
    let mut r = Reader::new(doc, file, diagnostics);
    let root = r.translation_root(TERM_TEXT_FIELDS, TERM_FIELDS)?;
    let name = r.required_text(root, &[], "name");
    let summary = r.optional(root, &[], "summary", Reader::text);
    Some(TermMeta {
        name: name?,
        summary,
        slug: None,
        order: None,
        reading: None,
    })
}

/// A page's (or the home page's) words in another language.
pub fn read_page_text(
    doc: &YamlDoc,
    file: &str,
    diagnostics: &mut Diagnostics,
) -> Option<PageMeta> {
    let mut r = Reader::new(doc, file, diagnostics);
    let root = r.translation_root(PAGE_TEXT_FIELDS, PAGE_FIELDS)?;
    let title = r.required_text(root, &[], "title");
    let summary = r.optional(root, &[], "summary", Reader::text);
    let description = r.optional(root, &[], "description", Reader::text);
    let draft = r
        .optional(root, &[], "draft", Reader::boolean)
        .unwrap_or(false);
    Some(PageMeta {
        title: title?,
        summary: summary.or(description),
        slug: None,
        draft,
    })
}

/// Reads typed fields from a YAML data tree, reporting each problem at its field.
pub struct Reader<'a> {
    doc: &'a YamlDoc,
    file: &'a str,
    diagnostics: &'a mut Diagnostics,
    /// Fields an unknown key was taken for (`distirct` → `district`): when such
    /// a field is missing, the typo's error already says so.
    suggested: Vec<String>,
}

type Path<'p> = &'p [PathSeg<'static>];

/// The name users see for a field path: `funding[1].amount`.
fn field_name(path: &[PathSeg<'_>]) -> String {
    let mut name = String::new();
    for seg in path {
        match seg {
            PathSeg::Key(key) => {
                if !name.is_empty() {
                    name.push('.');
                }
                name.push_str(key);
            }
            PathSeg::Index(i) => name.push_str(&format!("[{i}]")),
        }
    }
    name
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() > 40 => "a long string".into(),
        Value::String(s) => format!("the string \"{s}\""),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

fn joined(path: Path, key: &'static str) -> Vec<PathSeg<'static>> {
    let mut full = path.to_vec();
    full.push(PathSeg::Key(key));
    full
}

impl<'a> Reader<'a> {
    pub fn new(doc: &'a YamlDoc, file: &'a str, diagnostics: &'a mut Diagnostics) -> Self {
        Reader {
            doc,
            file,
            diagnostics,
            suggested: Vec::new(),
        }
    }

    pub fn error(&mut self, path: &[PathSeg<'_>], message: String, hint: Option<String>) {
        let mut d = Diagnostic::error(self.file, message).at(self.doc.locate(path));
        if !path.is_empty() {
            d = d.field(field_name(path));
        }
        if let Some(hint) = hint {
            d = d.hint(hint);
        }
        self.diagnostics.push(d);
    }

    /// The top-level mapping, with unknown keys reported.
    pub fn root(&mut self, known: &[&'static str]) -> Option<&'a Map<String, Value>> {
        let doc = self.doc;
        match &doc.value {
            Value::Object(map) => {
                self.check_keys(map, &[], known);
                Some(map)
            }
            other => {
                self.error(
                    &[],
                    format!(
                        "front matter must be a mapping of fields, found {}",
                        describe(other)
                    ),
                    Some("write one `field: value` per line between the `---` lines".into()),
                );
                None
            }
        }
    }

    /// The top-level mapping of a translation, which holds only the fields
    /// in `known`: a field of the original's schema (`original`) is an error
    /// that says where its value comes from.
    pub fn translation_root(
        &mut self,
        known: &[&'static str],
        original: &[&'static str],
    ) -> Option<&'a Map<String, Value>> {
        let doc = self.doc;
        if let Value::Object(map) = &doc.value {
            for key in map.keys() {
                if !known.contains(&key.as_str()) && original.contains(&key.as_str()) {
                    self.error(
                        &[PathSeg::Key(key)],
                        format!("a translation cannot set `{key}`"),
                        Some(format!(
                            "a translation holds only words ({}); everything else comes from the original file beside it",
                            known.join(", ")
                        )),
                    );
                }
            }
        }
        let mut allowed = known.to_vec();
        allowed.extend(original.iter().filter(|key| !known.contains(key)));
        let root = self.root(&allowed)?;
        Some(root)
    }

    fn check_keys(&mut self, map: &Map<String, Value>, path: Path, known: &[&'static str]) {
        for key in map.keys() {
            if known.contains(&key.as_str()) {
                continue;
            }
            let mut full: Vec<PathSeg<'_>> = path.to_vec();
            full.push(PathSeg::Key(key));
            let hint = match suggest(key, known.iter().copied()) {
                Some(close) => {
                    let mut meant = path.to_vec();
                    meant.push(PathSeg::Key(close));
                    self.suggested.push(field_name(&meant));
                    format!("did you mean `{close}`?")
                }
                None => format!("known fields here: {}", known.join(", ")),
            };
            let where_ = if path.is_empty() {
                String::new()
            } else {
                format!(" in `{}`", field_name(path))
            };
            self.error(&full, format!("unknown field `{key}`{where_}"), Some(hint));
        }
    }

    /// A nested mapping with its keys checked.
    fn object<'v>(
        &mut self,
        value: &'v Value,
        path: Path,
        known: &[&'static str],
        example: &str,
    ) -> Option<&'v Map<String, Value>> {
        match value {
            Value::Object(map) => {
                self.check_keys(map, path, known);
                Some(map)
            }
            other => {
                self.error(
                    path,
                    format!(
                        "`{}` must be a mapping, found {}",
                        field_name(path),
                        describe(other)
                    ),
                    Some(format!("write it as `{example}`")),
                );
                None
            }
        }
    }

    /// A present, non-null field converted by `convert`; a missing field is an error.
    pub fn required<T>(
        &mut self,
        map: &Map<String, Value>,
        path: Path,
        key: &'static str,
        convert: fn(&mut Self, &Value, Path) -> Option<T>,
    ) -> Option<T> {
        let full = joined(path, key);
        match map.get(key) {
            None | Some(Value::Null) if self.suggested.contains(&field_name(&full)) => None,
            None | Some(Value::Null) => {
                let within = if path.is_empty() {
                    "the front matter".to_string()
                } else {
                    format!("`{}`", field_name(path))
                };
                self.error(
                    path,
                    format!("missing required field `{}`", field_name(&full)),
                    Some(format!("add `{key}: …` to {within}")),
                );
                None
            }
            Some(value) => convert(self, value, &full),
        }
    }

    pub fn optional<T>(
        &mut self,
        map: &Map<String, Value>,
        path: Path,
        key: &'static str,
        convert: fn(&mut Self, &Value, Path) -> Option<T>,
    ) -> Option<T> {
        match map.get(key) {
            None | Some(Value::Null) => None,
            Some(value) => convert(self, value, &joined(path, key)),
        }
    }

    pub fn required_text(
        &mut self,
        map: &Map<String, Value>,
        path: Path,
        key: &'static str,
    ) -> Option<String> {
        self.required(map, path, key, Reader::text)
    }

    pub fn text(&mut self, value: &Value, path: Path) -> Option<String> {
        let text = match value {
            Value::String(s) => s.trim().to_string(),
            // Bare numbers are fine where text is expected (a partner named 2030).
            Value::Number(n) => n.to_string(),
            other => {
                self.error(
                    path,
                    format!(
                        "`{}` must be text, found {}",
                        field_name(path),
                        describe(other)
                    ),
                    None,
                );
                return None;
            }
        };
        if text.is_empty() {
            self.error(
                path,
                format!("`{}` must not be empty", field_name(path)),
                Some("write a value or remove the field".into()),
            );
            return None;
        }
        Some(text)
    }

    /// An absolute `https://` or `http://` address: it becomes a link as
    /// written, so `javascript:` and other schemes must not get through.
    pub fn web_address(&mut self, value: &Value, path: Path) -> Option<String> {
        let url = self.text(value, path)?;
        let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        if matches!(scheme.as_deref(), Some("https" | "http")) && !url.contains(char::is_whitespace)
        {
            return Some(url);
        }
        self.error(
            path,
            format!(
                "`{}` must be a web address starting with https:// or http://, found \"{url}\"",
                field_name(path)
            ),
            Some("write the full address of the page that explains how to apply, e.g. `url: https://www.city.example.jp/machi-fushin/`".into()),
        );
        None
    }

    pub fn date(&mut self, value: &Value, path: Path) -> Option<Date> {
        let parsed = match value {
            Value::String(s) => Date::parse(s.trim()),
            other => Err(format!("expected a date, found {}", describe(other))),
        };
        parsed
            .map_err(|message| {
                self.error(
                    path,
                    format!("`{}`: {message}", field_name(path)),
                    Some(
                        "write dates as YYYY-MM-DD in the Western calendar, e.g. 2019-04-01".into(),
                    ),
                )
            })
            .ok()
    }

    pub fn boolean(&mut self, value: &Value, path: Path) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(*b),
            other => {
                self.error(
                    path,
                    format!(
                        "`{}` must be true or false, found {}",
                        field_name(path),
                        describe(other)
                    ),
                    None,
                );
                None
            }
        }
    }

    pub fn number(&mut self, value: &Value, path: Path) -> Option<f64> {
        match value.as_f64() {
            Some(n) if value.is_number() => Some(n),
            _ => {
                self.error(
                    path,
                    format!(
                        "`{}` must be a number, found {}",
                        field_name(path),
                        describe(value)
                    ),
                    Some("write digits only, without units or separators".into()),
                );
                None
            }
        }
    }

    /// Yen: a whole, non-negative number without separators or units.
    pub fn yen(&mut self, value: &Value, path: Path) -> Option<u64> {
        if let Some(n) = value.as_u64() {
            return Some(n);
        }
        let hint = match value {
            Value::Number(n) if n.as_i64().is_some_and(|n| n < 0) => "an amount cannot be negative",
            Value::String(s) if s.contains(['万', '円', ',', '億']) => {
                "write yen as digits only: 500万円 is `5000000`"
            }
            _ => "write yen as a whole number of digits, e.g. `5000000`",
        };
        self.error(
            path,
            format!(
                "`{}` must be a whole number of yen (0 or more), found {}",
                field_name(path),
                describe(value)
            ),
            Some(hint.into()),
        );
        None
    }

    pub fn count(&mut self, value: &Value, path: Path) -> Option<u64> {
        value.as_u64().or_else(|| {
            self.error(
                path,
                format!(
                    "`{}` must be a whole number, found {}",
                    field_name(path),
                    describe(value)
                ),
                None,
            );
            None
        })
    }

    /// A term's place in lists: a whole number such as the ward code.
    pub fn order(&mut self, value: &Value, path: Path) -> Option<i64> {
        value.as_i64().or_else(|| {
            self.error(
                path,
                format!(
                    "`{}` must be a whole number, found {}",
                    field_name(path),
                    describe(value)
                ),
                Some("the city's own order, e.g. the ward code: `order: 14105`".into()),
            );
            None
        })
    }

    /// A reading in kana (hiragana or katakana, with ー and spaces).
    pub fn reading(&mut self, value: &Value, path: Path) -> Option<String> {
        let text = self.text(value, path)?;
        if text.chars().all(is_kana) {
            return Some(text);
        }
        self.error(
            path,
            format!(
                "`{}` must be written in kana, found \"{text}\"",
                field_name(path)
            ),
            Some("write how the name is read, e.g. `reading: みなみく`".into()),
        );
        None
    }

    fn fiscal_year(&mut self, value: &Value, path: Path) -> Option<i32> {
        match value.as_i64() {
            Some(y) if (1989..=2100).contains(&y) => Some(y as i32),
            _ => {
                self.error(
                    path,
                    format!(
                        "`{}` must be a Western year from 1989 to 2100, found {}",
                        field_name(path),
                        describe(value)
                    ),
                    Some("平成30年度 is `fiscal_year: 2018`; 令和元年度 is `2019`".into()),
                );
                None
            }
        }
    }

    pub fn status(&mut self, value: &Value, path: Path) -> Option<Status> {
        let text = self.text(value, path)?;
        if let Some(status) = Status::ALL.into_iter().find(|s| s.key() == text) {
            return Some(status);
        }
        let keys = Status::ALL.map(Status::key);
        let hint = match suggest(&text, keys) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("use one of: {}", keys.join(", ")),
        };
        self.error(
            path,
            format!("`status` must be one of planned, in-progress, completed; found `{text}`"),
            Some(hint),
        );
        None
    }

    /// A list of text; a single text is accepted as a one-item list.
    pub fn text_list(
        &mut self,
        map: &Map<String, Value>,
        path: Path,
        key: &'static str,
    ) -> Vec<String> {
        let full = joined(path, key);
        match map.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => {
                let mut out: Vec<String> = Vec::new();
                // A set, not `out.contains`: a list of 10,000 partners would
                // otherwise take 50 million comparisons.
                let mut seen = std::collections::HashSet::new();
                for (i, item) in items.iter().enumerate() {
                    let mut item_path = full.clone();
                    item_path.push(PathSeg::Index(i));
                    if let Some(text) = self.text(item, &item_path)
                        && seen.insert(text.clone())
                    {
                        out.push(text);
                    }
                }
                out
            }
            Some(single @ Value::String(_)) => self.text(single, &full).into_iter().collect(),
            Some(other) => {
                self.error(
                    &full,
                    format!("`{key}` must be a list, found {}", describe(other)),
                    Some(format!("write it as `{key}: [一つ目, 二つ目]`")),
                );
                Vec::new()
            }
        }
    }

    /// Items of a list field, each with its path.
    fn items<'v>(
        &mut self,
        map: &'v Map<String, Value>,
        key: &'static str,
    ) -> Vec<(&'v Value, Vec<PathSeg<'static>>)> {
        match map.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| (item, vec![PathSeg::Key(key), PathSeg::Index(i)]))
                .collect(),
            Some(other) => {
                self.error(
                    &[PathSeg::Key(key)],
                    format!("`{key}` must be a list, found {}", describe(other)),
                    Some(format!(
                        "start each item on its own line with `- ` under `{key}:`"
                    )),
                );
                Vec::new()
            }
        }
    }

    fn district(&mut self, root: &Map<String, Value>) -> Option<District> {
        let text = self.required_text(root, &[], "district")?;
        let path = [PathSeg::Key("district")];
        let parts: Vec<&str> = text.split('/').map(str::trim).collect();
        let valid = parts.len() <= 2 && parts.iter().all(|p| is_safe_term(p));
        if !valid {
            self.error(
                &path,
                format!("`district` must be `ward` or `ward/area`, found \"{text}\""),
                Some(
                    "for example `南区` or `南区/中村地区`; names cannot contain `..` or `\\`"
                        .into(),
                ),
            );
            return None;
        }
        Some(District {
            ward: parts[0].to_string(),
            area: parts.get(1).map(|a| a.to_string()),
        })
    }

    fn funding(&mut self, root: &Map<String, Value>) -> Vec<Grant> {
        let mut grants = Vec::new();
        for (item, path) in self.items(root, "funding") {
            let Some(map) = self.object(
                item,
                &path,
                &["scheme", "amount", "fiscal_year"],
                "- scheme: 制度名",
            ) else {
                continue;
            };
            let scheme = self.required_text(map, &path, "scheme");
            let amount = self.optional(map, &path, "amount", Reader::yen);
            let fiscal_year = self.optional(map, &path, "fiscal_year", Reader::fiscal_year);
            let span = self.doc.locate(&joined(&path, "scheme"));
            if let Some(scheme) = scheme {
                grants.push(Grant {
                    scheme,
                    amount,
                    fiscal_year,
                    span,
                });
            }
        }
        grants
    }

    /// An optional top-level field holding a mapping, with its keys checked.
    fn nested<'v>(
        &mut self,
        root: &'v Map<String, Value>,
        key: &'static str,
        known: &[&'static str],
        example: &str,
    ) -> Option<(&'v Map<String, Value>, Vec<PathSeg<'static>>)> {
        let path = vec![PathSeg::Key(key)];
        let value = root.get(key).filter(|v| !v.is_null())?;
        let map = self.object(value, &path, known, example)?;
        Some((map, path))
    }

    fn period(&mut self, root: &Map<String, Value>) -> Option<Period> {
        let (map, path) = self.nested(
            root,
            "period",
            &["start", "end"],
            "period: { start: 2016-06-01, end: 2019-09-30 }",
        )?;
        let start = self.required(map, &path, "start", Reader::date)?;
        let end = self.optional(map, &path, "end", Reader::date);
        if let Some(end) = end
            && end < start
        {
            self.error(
                &joined(&path, "end"),
                format!("`period.end` ({end}) is before `period.start` ({start})"),
                Some("swap the dates, or correct the one that is wrong".into()),
            );
            return Some(Period { start, end: None });
        }
        Some(Period { start, end })
    }

    fn outcomes(&mut self, root: &Map<String, Value>) -> Vec<Outcome> {
        let mut outcomes = Vec::new();
        for (item, path) in self.items(root, "outcomes") {
            let Some(map) = self.object(
                item,
                &path,
                &["label", "value", "unit", "note"],
                "- { label: 月間利用者, value: 320, unit: 人 }",
            ) else {
                continue;
            };
            let label = self.required_text(map, &path, "label");
            let value = self.required(map, &path, "value", Reader::number);
            let unit = self.optional(map, &path, "unit", Reader::text);
            let note = self.optional(map, &path, "note", Reader::text);
            if let (Some(label), Some(value)) = (label, value) {
                outcomes.push(Outcome {
                    label,
                    value,
                    unit,
                    note,
                });
            }
        }
        outcomes
    }

    fn images(&mut self, root: &Map<String, Value>) -> Vec<Image> {
        let mut images = Vec::new();
        for (item, path) in self.items(root, "images") {
            let Some(map) = self.object(
                item,
                &path,
                &["src", "alt", "caption"],
                "- { src: exterior.jpg, alt: 外観 }",
            ) else {
                continue;
            };
            let src = self.required_text(map, &path, "src");
            let alt = match map.get("alt") {
                None | Some(Value::Null) => {
                    self.error(
                        &path,
                        format!("missing required field `{}.alt`", field_name(&path)),
                        Some("describe the image for readers who cannot see it (JIS X 8341-3); e.g. `alt: 改修後の拠点の外観`".into()),
                    );
                    None
                }
                Some(value) => self.text(value, &joined(&path, "alt")),
            };
            let caption = self.optional(map, &path, "caption", Reader::text);
            let span = self.doc.locate(&joined(&path, "src"));
            if let Some(src) = &src
                && !is_plain_file_name(src)
            {
                self.error(
                    &joined(&path, "src"),
                    format!("image `{src}` must be a file name beside the case, without `/` or `..`"),
                    Some("put the image in the case's folder and write only its name, e.g. `src: exterior.jpg`".into()),
                );
                continue;
            }
            if let (Some(src), Some(alt)) = (src, alt) {
                images.push(Image {
                    src,
                    alt,
                    caption,
                    span,
                });
            }
        }
        images
    }

    fn location(&mut self, root: &Map<String, Value>) -> Option<Location> {
        let (map, path) = self.nested(
            root,
            "location",
            &["lat", "lon"],
            "location: { lat: 35.43, lon: 139.62 }",
        )?;
        let lat = self.required(map, &path, "lat", Reader::number);
        let lon = self.required(map, &path, "lon", Reader::number);
        let mut in_range = |key: &'static str, value: Option<f64>, limit: f64| match value {
            Some(v) if v.abs() <= limit => Some(v),
            Some(v) => {
                self.error(
                    &joined(&path, key),
                    format!("`location.{key}` must be between -{limit} and {limit}, found {v}"),
                    Some("latitude comes first: Yokohama is `{ lat: 35.44, lon: 139.64 }`".into()),
                );
                None
            }
            None => None,
        };
        let lat = in_range("lat", lat, 90.0);
        let lon = in_range("lon", lon, 180.0);
        Some(Location {
            lat: lat?,
            lon: lon?,
        })
    }
}

/// Hiragana, katakana, the long-vowel mark and spaces: what a reading holds.
fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309F}' | '\u{30A0}'..='\u{30FF}' | ' ' | '\u{3000}')
}

/// Slugs become folder names in the output: lowercase ASCII letters, digits and
/// `-`, so they can never climb out of the output folder or need encoding.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && !slug.starts_with('-')
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Terms (wards, areas, themes) become folder names too, kept as written (南区
/// stays 南区), so they must not be able to name a parent or nested folder.
pub fn is_safe_term(term: &str) -> bool {
    !term.is_empty()
        && term != "."
        && term != ".."
        && !term.starts_with('.')
        && !term.contains(['/', '\\'])
        && !term.chars().any(char::is_control)
}

fn is_plain_file_name(name: &str) -> bool {
    is_safe_term(name) && !name.contains(':')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::front_matter::parse_yaml;

    fn case_errors(yaml: &str) -> Vec<String> {
        let doc = parse_yaml(yaml, 2).unwrap();
        let mut diagnostics = Diagnostics::new();
        read_case(&doc, "a.md", &mut diagnostics);
        diagnostics
            .sorted()
            .into_iter()
            .map(|d| {
                let span = d.span.unwrap();
                format!(
                    "{}:{} {} | {}",
                    span.line,
                    span.col,
                    d.message,
                    d.hint.unwrap_or_default()
                )
            })
            .collect()
    }

    const VALID: &str =
        "title: t\nsummary: s\ndistrict: 南区/中村地区\npublished: 2019-04-01\nstatus: completed\n";

    #[test]
    fn a_valid_case_has_no_errors() {
        assert_eq!(case_errors(VALID), Vec::<String>::new());
    }

    #[test]
    fn each_broken_rule_is_one_located_error() {
        let table: &[(&str, &str)] = &[
            (
                "distirct: x\n",
                "7:1 unknown field `distirct` | did you mean `district`?",
            ),
            (
                "status2: x\n",
                "7:1 unknown field `status2` | did you mean `status`?",
            ),
            (
                "updated: 2019-03-01\n",
                "7:1 `updated` (2019-03-01) is before `published` (2019-04-01) | an update cannot predate publication; check both dates",
            ),
            (
                "funding:\n  - scheme: x\n    amount: 5百万\n",
                "9:5 `funding[0].amount` must be a whole number of yen (0 or more), found the string \"5百万\" | write yen as digits only: 500万円 is `5000000`",
            ),
            (
                "funding:\n  - scheme: x\n    amount: -1\n",
                "9:5 `funding[0].amount` must be a whole number of yen (0 or more), found the number -1 | an amount cannot be negative",
            ),
            (
                "funding:\n  - { scheme: x, fiscal_year: 1988 }\n",
                "8:18 `funding[0].fiscal_year` must be a Western year from 1989 to 2100, found the number 1988 | 平成30年度 is `fiscal_year: 2018`; 令和元年度 is `2019`",
            ),
            (
                "funding:\n  - { amount: 5 }\n",
                "8:5 missing required field `funding[0].scheme` | add `scheme: …` to `funding[0]`",
            ),
            (
                "period: { start: 2019-01-01, end: 2018-01-01 }\n",
                "7:30 `period.end` (2018-01-01) is before `period.start` (2019-01-01) | swap the dates, or correct the one that is wrong",
            ),
            (
                "location: { lat: 139.6, lon: 35.4 }\n",
                "7:13 `location.lat` must be between -90 and 90, found 139.6 | latitude comes first: Yokohama is `{ lat: 35.44, lon: 139.64 }`",
            ),
            (
                "images:\n  - { src: a.jpg }\n",
                "8:5 missing required field `images[0].alt` | describe the image for readers who cannot see it (JIS X 8341-3); e.g. `alt: 改修後の拠点の外観`",
            ),
            (
                "images:\n  - { src: ../a.jpg, alt: x }\n",
                "8:7 image `../a.jpg` must be a file name beside the case, without `/` or `..` | put the image in the case's folder and write only its name, e.g. `src: exterior.jpg`",
            ),
            (
                "outcomes:\n  - { label: 利用者, value: 多い }\n",
                "8:19 `outcomes[0].value` must be a number, found the string \"多い\" | write digits only, without units or separators",
            ),
            ("themes: 防災\n", ""),
            (
                "draft: yes\n",
                "7:1 `draft` must be true or false, found the string \"yes\" | ",
            ),
        ];
        for (extra, expected) in table.iter() {
            let errors = case_errors(&format!("{VALID}{extra}"));
            let expected: Vec<String> = if expected.is_empty() {
                vec![]
            } else {
                vec![expected.to_string()]
            };
            assert_eq!(errors, expected, "{extra}");
        }
    }

    /// SPEC §5.3: a term's `order` is a whole number and its `reading` kana.
    #[test]
    fn term_order_and_reading() {
        let table: &[(&str, Option<(i64, &str)>, &str)] = &[
            (
                "order: 14105\nreading: みなみく\n",
                Some((14105, "みなみく")),
                "",
            ),
            ("order: 2\nreading: ミナミ ク\n", Some((2, "ミナミ ク")), ""),
            (
                "order: 1.5\n",
                None,
                "3:1 `order` must be a whole number, found the number 1.5",
            ),
            (
                "reading: minami\n",
                None,
                "3:1 `reading` must be written in kana, found \"minami\"",
            ),
        ];
        for (extra, expected, error) in table {
            let doc = parse_yaml(&format!("name: 南区\n{extra}"), 2).unwrap();
            let mut diagnostics = Diagnostics::new();
            let meta = read_term(&doc, "a.md", &mut diagnostics).unwrap();
            let errors: Vec<String> = diagnostics
                .sorted()
                .into_iter()
                .map(|d| {
                    let span = d.span.unwrap();
                    format!("{}:{} {}", span.line, span.col, d.message)
                })
                .collect();
            if let Some((order, reading)) = expected {
                assert_eq!(meta.order, Some(*order), "{extra}");
                assert_eq!(meta.reading.as_deref(), Some(*reading), "{extra}");
                assert!(errors.is_empty(), "{extra}: {errors:?}");
            } else {
                assert_eq!(errors, [error.to_string()], "{extra}");
            }
        }
    }

    /// Regression (issue 7): a scheme's `url` became a link as written.
    #[test]
    fn issue_7_scheme_urls_are_web_addresses() {
        for (url, ok) in [
            ("https://www.city.example.jp/a/", true),
            ("HTTP://example.jp", true),
            ("javascript:alert(1)", false),
            ("  javascript:alert(1)", false),
            ("data:text/html,x", false),
            ("//example.jp/", false),
            ("/funding/a/", false),
            ("https://example.jp/a b", false),
        ] {
            let yaml = format!("name: n\nurl: {}\n", serde_json::to_string(url).unwrap());
            let doc = parse_yaml(&yaml, 2).unwrap();
            let mut diagnostics = Diagnostics::new();
            let meta = read_funding(&doc, "a.md", &mut diagnostics);
            assert_eq!(meta.is_some_and(|m| m.url.is_some()), ok, "{url}");
        }
    }

    #[test]
    fn required_fields_point_at_the_front_matter() {
        let errors = case_errors("title: t\nstatus: in progress\npublished: 2019-02-30\n");
        assert_eq!(
            errors,
            [
                "1:1 missing required field `district` | add `district: …` to the front matter",
                "1:1 missing required field `summary` | add `summary: …` to the front matter",
                "3:1 `status` must be one of planned, in-progress, completed; found `in progress` | did you mean `in-progress`?",
                "4:1 `published`: `2019-02-30` is not a real calendar date | write dates as YYYY-MM-DD in the Western calendar, e.g. 2019-04-01",
            ]
        );
    }

    #[test]
    fn slugs_and_terms() {
        for (slug, ok) in [
            ("nakamura-hub", true),
            ("a1", true),
            ("Nakamura", false),
            ("a/b", false),
            ("..", false),
            ("", false),
            ("中村", false),
            ("-a", false),
        ] {
            assert_eq!(is_valid_slug(slug), ok, "{slug}");
        }
        for (term, ok) in [
            ("南区", true),
            ("農業・食", true),
            ("..", false),
            (".hidden", false),
            ("a/b", false),
            ("a\\b", false),
            ("", false),
        ] {
            assert_eq!(is_safe_term(term), ok, "{term}");
        }
    }
}
