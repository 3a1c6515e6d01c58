//! Schema: YAML data trees → typed front matter, one diagnostic per broken rule.
//!
//! Fields are read one at a time through a [`Reader`], so a file with five
//! problems reports five diagnostics, each at the line and column of its field.
//! Rules that need the whole site (does this scheme exist?) live in `model`.

use super::fields::{self, Field, Kind};
use super::front_matter::{PathSeg, YamlDoc};
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics, Span, Words, suggest, words};
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
    /// The documents its figures come from, numbered in this order (SPEC §5.5).
    pub sources: Vec<Source>,
    /// An example written for illustration, labelled 「架空の事例」 everywhere.
    pub illustrative: bool,
}

/// A document that figures are taken from.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub id: Option<String>,
    #[serde(skip)]
    pub span: Option<Span>,
    pub title: String,
    pub publisher: Option<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as precise as the document says.
    pub date: Option<String>,
    pub url: Option<String>,
    pub locator: Option<String>,
    pub quote: Option<String>,
}

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
    /// The `id` of the source of its amount.
    pub source: Option<String>,
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
    /// The `id` of the source of its value.
    pub source: Option<String>,
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
    pub sources: Vec<Source>,
}

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

/// A plain page's or the home page's front matter.
#[derive(Debug, Clone, Serialize)]
pub struct PageMeta {
    pub title: String,
    pub summary: Option<String>,
    pub slug: Option<String>,
    pub draft: bool,
}

/// What the case rules need to know of the site (SPEC §5.5).
#[derive(Debug, Clone, Copy, Default)]
pub struct CaseRules {
    /// Every amount and outcome value of a real case needs a `source:`.
    pub require_sources: bool,
}

pub fn read_case(
    doc: &YamlDoc,
    file: &str,
    rules: CaseRules,
    diagnostics: &mut Diagnostics,
) -> Option<CaseMeta> {
    let mut r = Reader::new(doc, file, diagnostics);
    let mut fields = r.read_root(fields::CASE, Mode::Original)?;
    let published = fields.date("published");
    let updated = fields.date("updated");
    if let (Some(published), Some(updated)) = (published, updated)
        && updated < published
    {
        r.error(
            &[PathSeg::Key("updated")],
            words(
                format!("`updated` ({updated}) is before `published` ({published})"),
                format!("`updated`（{updated}）が `published`（{published}）より前になっています"),
            ),
            Some(words(
                "an update cannot predate publication; check both dates",
                "更新日は公開日より前にはできません。二つの日付を確かめてください",
            )),
        );
    }
    let period = fields.record("period").and_then(|mut p| {
        let start = p.date("start")?;
        let end = p.date("end");
        if let Some(end) = end
            && end < start
        {
            r.error(
                &[PathSeg::Key("period"), PathSeg::Key("end")],
                words(
                    format!("`period.end` ({end}) is before `period.start` ({start})"),
                    format!(
                        "`period.end`（{end}）が `period.start`（{start}）より前になっています"
                    ),
                ),
                Some(words(
                    "swap the dates, or correct the one that is wrong",
                    "日付を入れ替えるか、間違っている方を直してください",
                )),
            );
            return Some(Period { start, end: None });
        }
        Some(Period { start, end })
    });
    let sources: Vec<Source> = fields
        .list("sources")
        .into_iter()
        .map(|s| Source::read(doc, s))
        .collect();
    let illustrative = fields.bool("illustrative").unwrap_or(false);
    let funding = fields.list("funding");
    let outcomes = fields.list("outcomes");
    r.check_citations(&sources, &funding, &outcomes, illustrative, rules);
    let funding: Vec<Grant> = funding
        .into_iter()
        .map(|mut g| Grant {
            span: doc.locate(&g.path_to("scheme")),
            scheme: g.text("scheme").unwrap_or_default(),
            amount: g.unsigned("amount"),
            fiscal_year: g.year("fiscal_year"),
            source: g.text("source"),
        })
        .collect();
    let outcomes: Vec<Outcome> = outcomes
        .into_iter()
        .map(|mut o| Outcome {
            label: o.text("label").unwrap_or_default(),
            value: o.number("value").unwrap_or_default(),
            unit: o.text("unit"),
            note: o.text("note"),
            source: o.text("source"),
        })
        .collect();
    // A case with broken fields is kept with placeholders, so that the later
    // stages still check its references and links; the errors above already
    // keep the build from writing anything.
    Some(CaseMeta {
        title: fields.text("title").unwrap_or_default(),
        summary: fields.text("summary").unwrap_or_default(),
        district: fields.get("district").unwrap_or(District {
            ward: String::new(),
            area: None,
        }),
        published: published.unwrap_or(Date {
            year: 1970,
            month: 1,
            day: 1,
        }),
        updated,
        status: fields.get("status").unwrap_or(Status::Planned),
        themes: fields.texts("themes").unwrap_or_default(),
        funding,
        support_type: fields.text("support_type"),
        partners: fields.texts("partners").unwrap_or_default(),
        period,
        outcomes,
        images: fields
            .list("images")
            .into_iter()
            .map(|mut i| Image {
                span: doc.locate(&i.path_to("src")),
                src: i.text("src").unwrap_or_default(),
                alt: i.text("alt").unwrap_or_default(),
                caption: i.text("caption"),
            })
            .collect(),
        location: fields.record("location").and_then(|mut l| {
            Some(Location {
                lat: l.number("lat")?,
                lon: l.number("lon")?,
            })
        }),
        slug: fields.text("slug"),
        draft: fields.bool("draft").unwrap_or(false),
        sources,
        illustrative,
    })
}

pub fn read_funding(
    doc: &YamlDoc,
    file: &str,
    diagnostics: &mut Diagnostics,
) -> Option<FundingMeta> {
    let mut r = Reader::new(doc, file, diagnostics);
    let mut fields = r.read_root(fields::FUNDING, Mode::Original)?;
    let sources: Vec<Source> = fields
        .list("sources")
        .into_iter()
        .map(|s| Source::read(doc, s))
        .collect();
    r.check_source_ids(&sources);
    Some(FundingMeta {
        name: fields.text("name")?,
        department: fields.text("department"),
        subsidy_rate: fields.number("subsidy_rate"),
        max_amount: fields.unsigned("max_amount"),
        max_grants: fields.unsigned("max_grants"),
        url: fields.text("url"),
        summary: fields.text("summary"),
        slug: fields.text("slug"),
        order: fields.whole("order"),
        reading: fields.text("reading"),
        sources,
    })
}

pub fn read_term(doc: &YamlDoc, file: &str, diagnostics: &mut Diagnostics) -> Option<TermMeta> {
    let mut r = Reader::new(doc, file, diagnostics);
    let mut fields = r.read_root(fields::TERM, Mode::Original)?;
    Some(TermMeta {
        name: fields.text("name")?,
        summary: fields.text("summary"),
        slug: fields.text("slug"),
        order: fields.whole("order"),
        reading: fields.text("reading"),
    })
}

pub fn read_page(doc: &YamlDoc, file: &str, diagnostics: &mut Diagnostics) -> Option<PageMeta> {
    let mut r = Reader::new(doc, file, diagnostics);
    let fields = r.read_root(fields::PAGE, Mode::Original)?;
    page_meta(fields)
}

fn page_meta(mut fields: Record) -> Option<PageMeta> {
    let summary = fields.text("summary");
    let description = fields.text("description");
    Some(PageMeta {
        title: fields.text("title")?,
        summary: summary.or(description),
        slug: fields.text("slug"),
        draft: fields.bool("draft").unwrap_or(false),
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

pub fn read_case_text(
    doc: &YamlDoc,
    file: &str,
    diagnostics: &mut Diagnostics,
) -> Option<CaseText> {
    let mut r = Reader::new(doc, file, diagnostics);
    let mut fields = r.read_root(fields::CASE, Mode::Translation)?;
    let outcomes = fields.has("outcomes").then(|| {
        fields
            .list("outcomes")
            .into_iter()
            .map(|mut o| OutcomeText {
                label: o.text("label").unwrap_or_default(),
                unit: o.text("unit"),
                note: o.text("note"),
            })
            .collect()
    });
    let images = fields.has("images").then(|| {
        fields
            .list("images")
            .into_iter()
            .map(|mut i| ImageText {
                alt: i.text("alt").unwrap_or_default(),
                caption: i.text("caption"),
            })
            .collect()
    });
    let partners = fields
        .has("partners")
        .then(|| fields.texts("partners").unwrap_or_default());
    Some(CaseText {
        title: fields.text("title")?,
        summary: fields.text("summary")?,
        partners,
        outcomes,
        images,
        draft: fields.bool("draft").unwrap_or(false),
    })
}

/// A funding scheme's words in another language; its numbers stay the original's.
pub fn read_funding_text(
    doc: &YamlDoc,
    file: &str,
    diagnostics: &mut Diagnostics,
) -> Option<FundingMeta> {
    let mut r = Reader::new(doc, file, diagnostics);
    let mut fields = r.read_root(fields::FUNDING, Mode::Translation)?;
    Some(FundingMeta {
        name: fields.text("name")?,
        department: fields.text("department"),
        subsidy_rate: None,
        max_amount: None,
        max_grants: None,
        url: fields.text("url"),
        summary: fields.text("summary"),
        slug: None,
        order: None,
        reading: None,
        sources: Vec::new(),
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
    let mut fields = r.read_root(fields::TERM, Mode::Translation)?;
    Some(TermMeta {
        name: fields.text("name")?,
        summary: fields.text("summary"),
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
    let fields = r.read_root(fields::PAGE, Mode::Translation)?;
    page_meta(fields)
}

/// Whether a document is an original or a translation of one: a translation
/// reads only the fields the table marks translatable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Original,
    Translation,
}

/// A value that passed its field's rule, in the form its kind makes.
#[derive(Debug)]
enum Checked {
    Text(String),
    Date(Date),
    Bool(bool),
    Number(f64),
    Whole(i64),
    Unsigned(u64),
    Year(i32),
    Status(Status),
    District(District),
    Texts(Vec<String>),
    Record(Record),
    List(Vec<Record>),
}

/// A type one variant of [`Checked`] holds.
trait FromChecked: Sized {
    fn from_checked(checked: Checked) -> Option<Self>;
}

/// One row per variant of [`Checked`]: the type it holds and, where fields
/// are read by it, the name of the [`Record`] method that takes a field out
/// as that type (`record.text("title")`).
macro_rules! from_checked {
    ($($variant:ident => $type:ty $(, $getter:ident)?;)*) => {
        $(impl FromChecked for $type {
            fn from_checked(checked: Checked) -> Option<Self> {
                match checked {
                    Checked::$variant(value) => Some(value),
                    _ => None,
                }
            }
        })*

        impl Record {
            $($(pub fn $getter(&mut self, name: &str) -> Option<$type> {
                self.get(name)
            })?)*
        }
    };
}

from_checked! {
    Text => String, text;
    Date => Date, date;
    Bool => bool, bool;
    Number => f64, number;
    Whole => i64, whole;
    Unsigned => u64, unsigned;
    Year => i32, year;
    Status => Status;
    District => District;
    Texts => Vec<String>, texts;
    Record => Record, record;
}

/// The checked fields of one mapping, taken out one by one into a typed struct.
#[derive(Debug)]
pub struct Record {
    /// Where the mapping is, to locate its fields.
    path: Vec<PathSeg<'static>>,
    values: Vec<(&'static str, Checked)>,
}

impl Record {
    fn has(&self, name: &str) -> bool {
        self.values.iter().any(|(n, _)| *n == name)
    }

    fn peek_text(&self, name: &str) -> Option<&str> {
        self.values.iter().find_map(|(n, v)| match v {
            Checked::Text(text) if *n == name => Some(text.as_str()),
            _ => None,
        })
    }

    fn take(&mut self, name: &str) -> Option<Checked> {
        let i = self.values.iter().position(|(n, _)| *n == name)?;
        Some(self.values.swap_remove(i).1)
    }

    fn path_to(&self, name: &'static str) -> Vec<PathSeg<'static>> {
        joined(&self.path, name)
    }

    /// The value of `name` as the type its kind makes (see [`FromChecked`]).
    fn get<T: FromChecked>(&mut self, name: &str) -> Option<T> {
        self.take(name).and_then(T::from_checked)
    }

    fn list(&mut self, name: &str) -> Vec<Record> {
        match self.take(name) {
            Some(Checked::List(items)) => items,
            _ => Vec::new(),
        }
    }
}

impl Source {
    fn read(doc: &YamlDoc, mut s: Record) -> Self {
        Source {
            span: s.has("id").then(|| doc.locate(&s.path_to("id"))),
            id: s.text("id"),
            title: s.text("title").unwrap_or_default(),
            publisher: s.text("publisher"),
            date: s.text("date"),
            url: s.text("url"),
            locator: s.text("locator"),
            quote: s.text("quote"),
        }
    }
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

/// What a value is, for "found …" in a message.
fn describe(value: &Value) -> Words {
    match value {
        Value::Null => words("nothing", "空の値"),
        Value::Bool(b) => words(format!("`{b}`"), format!("`{b}`")),
        Value::Number(n) => words(format!("the number {n}"), format!("数値 {n}")),
        Value::String(s) if s.chars().count() > 40 => words("a long string", "長い文字列"),
        Value::String(s) => words(format!("the string \"{s}\""), format!("文字列「{s}」")),
        Value::Array(_) => words("a list", "リスト"),
        Value::Object(_) => words("a mapping", "「項目: 値」の組"),
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

    pub fn error(&mut self, path: &[PathSeg<'_>], message: Words, hint: Option<Words>) {
        let mut d = Diagnostic::error_in(self.file, message, hint).at(self.doc.locate(path));
        if !path.is_empty() {
            d = d.field(field_name(path));
        }
        self.diagnostics.push(d);
    }

    /// The error for a value of the wrong kind, `must` saying what it must
    /// be: "`name` must be text, found …", "`name` は文字で書いてください（…になっています）".
    fn wrong_kind(&mut self, path: Path, value: &Value, must: Words, hint: Option<Words>) {
        let (name, found) = (field_name(path), describe(value));
        let message = words(
            format!("`{name}` {}, found {}", must.en, found.en),
            format!("`{name}` {}（{}になっています）", must.ja, found.ja),
        );
        self.error(path, message, hint);
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
                let found = describe(other);
                self.error(
                    &[],
                    words(
                        format!("front matter must be a mapping of fields, found {}", found.en),
                        format!("フロントマターは「項目: 値」を並べたものにしてください（{}になっています）", found.ja),
                    ),
                    Some(words(
                        "write one `field: value` per line between the `---` lines",
                        "`---` の行と行の間に、1行に1つずつ `項目: 値` と書いてください",
                    )),
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
                        words(
                            format!("a translation cannot set `{key}`"),
                            format!("翻訳では `{key}` を書けません"),
                        ),
                        Some(words(
                            format!(
                                "a translation holds only words ({}); everything else comes from the original file beside it",
                                known.join(", ")
                            ),
                            format!(
                                "翻訳に書けるのは言葉だけです（{}）。ほかの項目は、隣にある元のファイルのものが使われます",
                                known.join(", ")
                            ),
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
                    did_you_mean(close)
                }
                None => words(
                    format!("known fields here: {}", known.join(", ")),
                    format!("ここに書ける項目: {}", known.join(", ")),
                ),
            };
            let message = if path.is_empty() {
                words(
                    format!("unknown field `{key}`"),
                    format!("不明なフィールド `{key}` です"),
                )
            } else {
                let within = field_name(path);
                words(
                    format!("unknown field `{key}` in `{within}`"),
                    format!("`{within}` に不明なフィールド `{key}` があります"),
                )
            };
            self.error(&full, message, Some(hint));
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
                self.wrong_kind(
                    path,
                    other,
                    words("must be a mapping", "は「項目: 値」の組で書いてください"),
                    Some(words(
                        format!("write it as `{example}`"),
                        format!("例: `{example}`"),
                    )),
                );
                None
            }
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

    /// The mapping `casebook.yaml` holds under `name` (`cms:`), checked by
    /// the CONFIG field table; the configuration takes its fields out.
    pub fn config_record(&mut self, root: &Map<String, Value>, name: &str) -> Option<Record> {
        let field = fields::CONFIG.iter().find(|f| f.name == name)?;
        let Checked::Record(record) = self.read_field(root, &[], field, Mode::Original)? else {
            return None;
        };
        Some(record)
    }

    /// A present, non-null text field; a missing one is an error.
    pub fn required_text(
        &mut self,
        map: &Map<String, Value>,
        path: Path,
        key: &'static str,
    ) -> Option<String> {
        let full = joined(path, key);
        match map.get(key) {
            None | Some(Value::Null) if self.suggested.contains(&field_name(&full)) => None,
            None | Some(Value::Null) => {
                self.missing(path, &Field::named(key));
                None
            }
            Some(value) => self.text(value, &full),
        }
    }

    pub fn text(&mut self, value: &Value, path: Path) -> Option<String> {
        let text = match value {
            Value::String(s) => s.trim().to_string(),
            // Bare numbers are fine where text is expected (a partner named 2030).
            Value::Number(n) => n.to_string(),
            other => {
                self.wrong_kind(
                    path,
                    other,
                    words("must be text", "は文字で書いてください"),
                    None,
                );
                return None;
            }
        };
        if text.is_empty() {
            let name = field_name(path);
            self.error(
                path,
                words(
                    format!("`{name}` must not be empty"),
                    format!("`{name}` が空です"),
                ),
                Some(words(
                    "write a value or remove the field",
                    "値を書くか、この項目を消してください",
                )),
            );
            return None;
        }
        Some(text)
    }

    /// An absolute `https://` or `http://` address: it becomes a link as
    /// written, so `javascript:` and other schemes must not get through.
    pub fn web_address(&mut self, value: &Value, path: Path, hint: &str) -> Option<String> {
        let url = self.text(value, path)?;
        let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        if matches!(scheme.as_deref(), Some("https" | "http")) && !url.contains(char::is_whitespace)
        {
            return Some(url);
        }
        let name = field_name(path);
        self.error(
            path,
            words(
                format!("`{name}` must be a web address starting with https:// or http://, found \"{url}\""),
                format!("`{name}` は https:// か http:// で始まるアドレスにしてください（「{url}」になっています）"),
            ),
            Some(words(hint, web_address_hint_ja(hint))),
        );
        None
    }

    pub fn date(&mut self, value: &Value, path: Path) -> Option<Date> {
        let name = field_name(path);
        let (message, hint) = match value {
            Value::String(s) => match Date::parse(s.trim()) {
                Ok(date) => return Some(date),
                // In the right form, but no such day: saying "write YYYY-MM-DD"
                // would not help, the day itself is wrong.
                Err(_) if Date::has_date_form(s.trim()) => (
                    words(
                        format!("`{name}`: `{}` is not a real calendar date", s.trim()),
                        format!("`{name}`: `{}` という日付はありません", s.trim()),
                    ),
                    no_such_day_hint(s.trim()),
                ),
                Err(_) => (
                    words(
                        format!(
                            "`{name}`: `{}` is not a date in the form YYYY-MM-DD",
                            s.trim()
                        ),
                        format!(
                            "`{name}`: `{}` は YYYY-MM-DD の形の日付ではありません",
                            s.trim()
                        ),
                    ),
                    date_hint(),
                ),
            },
            other => {
                let found = describe(other);
                (
                    words(
                        format!("`{name}`: expected a date, found {}", found.en),
                        format!(
                            "`{name}` には日付を書いてください（{}になっています）",
                            found.ja
                        ),
                    ),
                    date_hint(),
                )
            }
        };
        self.error(path, message, Some(hint));
        None
    }

    pub fn boolean(&mut self, value: &Value, path: Path) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(*b),
            other => {
                self.wrong_kind(
                    path,
                    other,
                    words("must be true or false", "は true か false にしてください"),
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
                self.wrong_kind(
                    path,
                    value,
                    words("must be a number", "は数値にしてください"),
                    Some(words(
                        "write digits only, without units or separators",
                        "単位や区切りの「,」を付けずに、数字だけで書いてください",
                    )),
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
            Value::Number(n) if n.as_i64().is_some_and(|n| n < 0) => words(
                "an amount cannot be negative",
                "金額をマイナスにはできません",
            ),
            Value::String(s) if s.contains(['万', '円', ',', '億']) => words(
                "write yen as digits only: 500万円 is `5000000`",
                "円の金額は数字だけで書きます。500万円なら `5000000` です",
            ),
            _ => words(
                "write yen as a whole number of digits, e.g. `5000000`",
                "円の金額は整数で書きます。例: `5000000`",
            ),
        };
        self.wrong_kind(
            path,
            value,
            words(
                "must be a whole number of yen (0 or more)",
                "は0以上の整数（円）にしてください",
            ),
            Some(hint),
        );
        None
    }

    pub fn count(&mut self, value: &Value, path: Path) -> Option<u64> {
        value.as_u64().or_else(|| {
            self.wrong_kind(
                path,
                value,
                words("must be a whole number", "は0以上の整数にしてください"),
                None,
            );
            None
        })
    }

    /// A term's place in lists: a whole number such as the ward code.
    pub fn order(&mut self, value: &Value, path: Path) -> Option<i64> {
        value.as_i64().or_else(|| {
            self.wrong_kind(
                path,
                value,
                words("must be a whole number", "は整数にしてください"),
                Some(words(
                    "the city's own order, e.g. the ward code: `order: 14105`",
                    "市の決めた順番を書きます。例えば区のコード: `order: 14105`",
                )),
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
        let name = field_name(path);
        self.error(
            path,
            words(
                format!("`{name}` must be written in kana, found \"{text}\""),
                format!("`{name}` はかなで書いてください（「{text}」になっています）"),
            ),
            Some(words(
                "write how the name is read, e.g. `reading: みなみく`",
                "名前の読みを書きます。例: `reading: みなみく`",
            )),
        );
        None
    }

    fn fiscal_year(&mut self, value: &Value, path: Path) -> Option<i32> {
        match value.as_i64() {
            Some(y) if (1989..=2100).contains(&y) => Some(y as i32),
            _ => {
                self.wrong_kind(
                    path,
                    value,
                    words(
                        "must be a Western year from 1989 to 2100",
                        "は1989〜2100の西暦の年にしてください",
                    ),
                    Some(words(
                        "平成30年度 is `fiscal_year: 2018`; 令和元年度 is `2019`",
                        "平成30年度なら `fiscal_year: 2018`、令和元年度なら `2019` と書きます",
                    )),
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
            Some(close) => did_you_mean(close),
            None => one_of(&keys),
        };
        self.error(
            path,
            words(
                format!("`status` must be one of planned, in-progress, completed; found `{text}`"),
                format!("`status` は planned（計画中）、in-progress（実施中）、completed（完了）のどれかにしてください（`{text}` になっています）"),
            ),
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
                self.wrong_kind(
                    &full,
                    other,
                    words("must be a list", "はリストにしてください"),
                    Some(words(
                        format!("write it as `{key}: [一つ目, 二つ目]`"),
                        format!("`{key}: [一つ目, 二つ目]` のように書いてください"),
                    )),
                );
                Vec::new()
            }
        }
    }

    /// Items of a list field, each with its path.
    fn items<'v>(
        &mut self,
        value: &'v Value,
        path: Path,
    ) -> Vec<(&'v Value, Vec<PathSeg<'static>>)> {
        match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let mut item_path = path.to_vec();
                    item_path.push(PathSeg::Index(i));
                    (item, item_path)
                })
                .collect(),
            other => {
                let key = field_name(path);
                self.wrong_kind(
                    path,
                    other,
                    words("must be a list", "はリストにしてください"),
                    Some(words(
                        format!("start each item on its own line with `- ` under `{key}:`"),
                        format!("`{key}:` の下に、1行に1つずつ `- ` で始めて書いてください"),
                    )),
                );
                Vec::new()
            }
        }
    }

    /// The top-level mapping read by `table`: unknown keys reported, then each
    /// field checked by its kind. A translation reads only translatable fields
    /// and reports the others as ones it cannot set.
    fn read_root(&mut self, table: &'static [Field], mode: Mode) -> Option<Record> {
        let all = fields::names(table);
        let root = match mode {
            Mode::Original => self.root(&all)?,
            Mode::Translation => self.translation_root(&fields::translatable_names(table), &all)?,
        };
        Some(self.read_fields(root, &[], table, mode))
    }

    fn read_fields(
        &mut self,
        map: &Map<String, Value>,
        path: Path,
        table: &'static [Field],
        mode: Mode,
    ) -> Record {
        let mut record = Record {
            path: path.to_vec(),
            values: Vec::new(),
        };
        for field in table {
            if mode == Mode::Translation && !field.translatable {
                continue;
            }
            if let Some(value) = self.read_field(map, path, field, mode) {
                record.values.push((field.name, value));
            }
        }
        record
    }

    /// Whether every field `mode` requires of `table` got a value: an item
    /// missing one is left out of its list (its error is already reported).
    fn complete(record: &Record, table: &[Field], mode: Mode) -> bool {
        table
            .iter()
            .filter(|f| f.required && (mode == Mode::Original || f.translatable))
            .all(|f| record.has(f.name))
    }

    fn read_field(
        &mut self,
        map: &Map<String, Value>,
        path: Path,
        field: &'static Field,
        mode: Mode,
    ) -> Option<Checked> {
        let full = joined(path, field.name);
        let value = match map.get(field.name) {
            None | Some(Value::Null) => {
                if field.required {
                    self.missing(path, field);
                }
                return None;
            }
            Some(value) => value,
        };
        let p = full.as_slice();
        Some(match &field.kind {
            Kind::Text | Kind::Slug | Kind::SupportType | Kind::SchemeName | Kind::SourceId => {
                Checked::Text(self.text(value, p)?)
            }
            Kind::WebAddress { hint } => Checked::Text(self.web_address(value, p, hint)?),
            Kind::Date => Checked::Date(self.date(value, p)?),
            Kind::PartialDate => Checked::Text(self.partial_date(value, p)?),
            Kind::Bool => Checked::Bool(self.boolean(value, p)?),
            Kind::Number => Checked::Number(self.number(value, p)?),
            Kind::Rate => Checked::Number(self.rate(value, p)?),
            Kind::Coordinate { limit } => Checked::Number(self.coordinate(value, p, *limit)?),
            Kind::Yen => Checked::Unsigned(self.yen(value, p)?),
            Kind::Count => Checked::Unsigned(self.count(value, p)?),
            Kind::FiscalYear => Checked::Year(self.fiscal_year(value, p)?),
            Kind::Order => Checked::Whole(self.order(value, p)?),
            Kind::Reading => Checked::Text(self.reading(value, p)?),
            Kind::Status => Checked::Status(self.status(value, p)?),
            Kind::District => Checked::District(self.district(value, p)?),
            Kind::FileName => Checked::Text(self.file_name(value, p)?),
            Kind::TextList => Checked::Texts(self.text_list(map, path, field.name)),
            Kind::Choice(options) => Checked::Text(self.choice(value, p, options)?),
            // Kinds of casebook.yaml alone, which `config` reads with the
            // site's own rules (the themes there are, the labels it declares).
            Kind::Labels | Kind::WordGroups | Kind::HighlightTheme => return None,
            Kind::Record { fields, example } => {
                let known = Self::known(fields, mode);
                let inner = self.object(value, p, &known, example)?;
                let record = self.read_fields(inner, p, fields, mode);
                if !Self::complete(&record, fields, mode) {
                    return None;
                }
                Checked::Record(record)
            }
            Kind::List { fields, example } => {
                let known = Self::known(fields, mode);
                let mut records = Vec::new();
                for (item, item_path) in self.items(value, p) {
                    let Some(inner) = self.object(item, &item_path, &known, example) else {
                        continue;
                    };
                    let record = self.read_fields(inner, &item_path, fields, mode);
                    if Self::complete(&record, fields, mode) {
                        records.push(record);
                    }
                }
                Checked::List(records)
            }
        })
    }

    fn known(table: &[Field], mode: Mode) -> Vec<&'static str> {
        match mode {
            Mode::Original => fields::names(table),
            Mode::Translation => fields::translatable_names(table),
        }
    }

    /// A required field is missing: located at the mapping that lacks it, or
    /// not reported at all when an unknown key already said "did you mean" it.
    fn missing(&mut self, path: Path, field: &Field) {
        let full = joined(path, field.name);
        let name = field_name(&full);
        if self.suggested.contains(&name) {
            return;
        }
        let hint = match (field.missing_hint, path.is_empty()) {
            (Some((en, ja)), _) => words(en, ja),
            (None, true) => words(
                format!("add `{}: …` to the front matter", field.name),
                format!("フロントマターに `{}: …` を書き足してください", field.name),
            ),
            (None, false) => {
                let within = field_name(path);
                words(
                    format!("add `{}: …` to `{within}`", field.name),
                    format!("`{within}` に `{}: …` を書き足してください", field.name),
                )
            }
        };
        self.error(
            path,
            words(
                format!("missing required field `{name}`"),
                format!("必須の項目 `{name}` がありません"),
            ),
            Some(hint),
        );
    }

    /// Each `source:` names one of the document's sources, and with
    /// `require_sources` each figure of a real case has one (SPEC §5.5).
    fn check_citations(
        &mut self,
        sources: &[Source],
        funding: &[Record],
        outcomes: &[Record],
        illustrative: bool,
        rules: CaseRules,
    ) {
        self.check_source_ids(sources);
        let ids: Vec<&str> = sources.iter().filter_map(|s| s.id.as_deref()).collect();
        let figures = funding
            .iter()
            .map(|g| (g, "amount"))
            .chain(outcomes.iter().map(|o| (o, "value")));
        for (record, figure) in figures {
            match record.peek_text("source") {
                Some(id) if !ids.contains(&id) => {
                    let hint = match suggest(id, ids.iter().copied()) {
                        Some(close) => did_you_mean(close),
                        None if ids.is_empty() => words(
                            "add the document to `sources:` with this `id`",
                            "その資料を `sources:` に、この `id` を付けて書き足してください",
                        ),
                        None => words(
                            format!("the ids of this case's sources: {}", ids.join(", ")),
                            format!("この事例の出典の id: {}", ids.join(", ")),
                        ),
                    };
                    self.error(
                        &record.path_to("source"),
                        words(
                            format!("`source: {id}` names no entry of `sources`"),
                            format!("`source: {id}` に当たる出典が `sources` にありません"),
                        ),
                        Some(hint),
                    );
                }
                Some(_) => {}
                None if rules.require_sources && !illustrative && record.has(figure) => {
                    let name = field_name(&record.path_to(figure));
                    self.error(
                        &record.path_to(figure),
                        words(
                            format!("`{name}` has no source, and this site requires one for every figure"),
                            format!("`{name}` に出典がありません。このサイトでは数値のすべてに出典が必要です"),
                        ),
                        Some(words(
                            "add `source: <id>` naming one of the case's `sources`, or mark the case `illustrative: true` if it is a made-up example",
                            "この事例の `sources` のどれかを指す `source: <id>` を書き足してください。説明のための架空の事例なら `illustrative: true` を付けてください",
                        )),
                    );
                }
                None => {}
            }
        }
    }

    /// Source ids are unique within their document.
    fn check_source_ids(&mut self, sources: &[Source]) {
        let mut seen = std::collections::HashSet::new();
        for (i, source) in sources.iter().enumerate() {
            if let Some(id) = &source.id
                && !seen.insert(id.as_str())
            {
                let diagnostic = Diagnostic::error_in(
                    self.file,
                    words(
                        format!("two sources have the id `{id}`"),
                        format!("id が `{id}` の出典が二つあります"),
                    ),
                    Some(words(
                        "give each source its own id",
                        "出典ごとに別の id を付けてください",
                    )),
                )
                .at_opt(source.span)
                .field(format!("sources[{i}].id"));
                self.diagnostics.push(diagnostic);
            }
        }
    }

    /// A document's date as precise as it is known: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    fn partial_date(&mut self, value: &Value, path: Path) -> Option<String> {
        let text = match value {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.trim().to_string(),
            _ => String::new(),
        };
        let parts: Vec<&str> = text.split('-').collect();
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let valid = match parts.as_slice() {
            [y] => digits(y, 4),
            [y, m] => digits(y, 4) && digits(m, 2) && matches!(m.parse::<u8>(), Ok(1..=12)),
            [_, _, _] => Date::parse(&text).is_ok(),
            _ => false,
        };
        if valid {
            return Some(text);
        }
        self.wrong_kind(
            path,
            value,
            words("must be a date written YYYY, YYYY-MM or YYYY-MM-DD", "は YYYY、YYYY-MM、YYYY-MM-DD のどれかの形の日付にしてください"),
            Some(words(
                "write as much of the date as the document gives, e.g. `date: 2019` or `date: 2019-03`",
                "資料に書かれている分だけ書きます。例: `date: 2019`、`date: 2019-03`",
            )),
        );
        None
    }

    fn choice(&mut self, value: &Value, path: Path, options: &[&str]) -> Option<String> {
        let text = self.text(value, path)?;
        if options.contains(&text.as_str()) {
            return Some(text);
        }
        let hint = match suggest(&text, options.iter().copied()) {
            Some(close) => did_you_mean(close),
            None => one_of(options),
        };
        let (name, list) = (field_name(path), options.join(", "));
        self.error(
            path,
            words(
                format!("`{name}` must be one of {list}; found `{text}`"),
                format!("`{name}` は {list} のどれかにしてください（`{text}` になっています）"),
            ),
            Some(hint),
        );
        None
    }

    fn rate(&mut self, value: &Value, path: Path) -> Option<f64> {
        let rate = self.number(value, path)?;
        if (0.0..=1.0).contains(&rate) {
            return Some(rate);
        }
        let name = field_name(path);
        self.error(
            path,
            words(
                format!("`{name}` must be between 0 and 1, found {rate}"),
                format!("`{name}` は0から1までの数にしてください（{rate} になっています）"),
            ),
            Some(words(
                "write a rate as a fraction: 90% is `subsidy_rate: 0.9`",
                "割合は小数で書きます。90% なら `subsidy_rate: 0.9` です",
            )),
        );
        None
    }

    fn coordinate(&mut self, value: &Value, path: Path, limit: f64) -> Option<f64> {
        let v = self.number(value, path)?;
        if v.abs() <= limit {
            return Some(v);
        }
        let name = field_name(path);
        self.error(
            path,
            words(
                format!("`{name}` must be between -{limit} and {limit}, found {v}"),
                format!(
                    "`{name}` は -{limit} から {limit} までにしてください（{v} になっています）"
                ),
            ),
            Some(words(
                "latitude comes first: Yokohama is `{ lat: 35.44, lon: 139.64 }`",
                "緯度（lat）が先です。横浜市なら `{ lat: 35.44, lon: 139.64 }` です",
            )),
        );
        None
    }

    fn file_name(&mut self, value: &Value, path: Path) -> Option<String> {
        let src = self.text(value, path)?;
        if is_plain_file_name(&src) {
            return Some(src);
        }
        self.error(
            path,
            words(
                format!("image `{src}` must be a file name beside the case, without `/` or `..`"),
                format!("画像 `{src}` は、事例と同じフォルダーにあるファイルの名前だけを書いてください（`/` や `..` は使えません）"),
            ),
            Some(words(
                "put the image in the case's folder and write only its name, e.g. `src: exterior.jpg`",
                "画像を事例のフォルダーに置き、名前だけを書きます。例: `src: exterior.jpg`",
            )),
        );
        None
    }

    fn district(&mut self, value: &Value, path: Path) -> Option<District> {
        let text = self.text(value, path)?;
        let parts: Vec<&str> = text.split('/').map(str::trim).collect();
        let valid = parts.len() <= 2 && parts.iter().all(|p| is_safe_term(p));
        if !valid {
            self.error(
                path,
                words(
                    format!("`district` must be `ward` or `ward/area`, found \"{text}\""),
                    format!("`district` は「区」か「区/地区」の形にしてください（「{text}」になっています）"),
                ),
                Some(words(
                    "for example `南区` or `南区/中村地区`; names cannot contain `..` or `\\`",
                    "例: `南区`、`南区/中村地区`。名前に `..` や `\\` は使えません",
                )),
            );
            return None;
        }
        Some(District {
            ward: parts[0].to_string(),
            area: parts.get(1).map(|a| a.to_string()),
        })
    }
}

/// The hint for a likely typo.
pub fn did_you_mean(close: &str) -> Words {
    words(
        format!("did you mean `{close}`?"),
        format!("`{close}` の誤りではありませんか？"),
    )
}

/// The hint that lists what may be written.
pub fn one_of(options: &[&str]) -> Words {
    words(
        format!("use one of: {}", options.join(", ")),
        format!("次のどれかを書いてください: {}", options.join(", ")),
    )
}

/// Why a date in the right form does not exist: the month, or its last day.
fn no_such_day_hint(text: &str) -> Words {
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
    let (year, month) = (number(0..4) as i32, number(5..7));
    if !(1..=12).contains(&month) {
        return words(
            format!("there is no month {month}; the month comes second: YYYY-MM-DD"),
            format!("{month}月はありません。月は2番目に書きます: YYYY-MM-DD"),
        );
    }
    let last = (28..=31)
        .rev()
        .find(|&day| Date::new(year, month, day).is_some())
        .unwrap_or(28);
    words(
        format!("{year}-{month:02} has {last} days; check the day"),
        format!("{year}年{month}月は{last}日までです。日を確かめてください"),
    )
}

fn date_hint() -> Words {
    words(
        "write dates as YYYY-MM-DD in the Western calendar, e.g. 2019-04-01",
        "日付は西暦で YYYY-MM-DD と書きます。例: 2019-04-01（令和元年5月1日なら 2019-05-01）",
    )
}

/// The Japanese of a web address field's hint (the table holds the English).
fn web_address_hint_ja(hint: &str) -> String {
    let example = hint
        .split('`')
        .nth(1)
        .map_or(String::new(), |e| format!("例: `{e}`"));
    format!("https:// から始まる完全なアドレスを書いてください。{example}")
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
        case_errors_with(yaml, CaseRules::default())
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

    fn case_errors_with(yaml: &str, rules: CaseRules) -> Vec<String> {
        let doc = parse_yaml(yaml, 2).unwrap();
        let mut diagnostics = Diagnostics::new();
        read_case(&doc, "a.md", rules, &mut diagnostics);
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

    /// SPEC §5.5: sources are checked like every other field, each `source:`
    /// names one of them, and `require_sources` wants one beside every figure.
    #[test]
    fn sources_and_the_figures_that_cite_them() {
        const SOURCES: &str = "sources:\n  - { id: review-2019, title: 条例の見直し, publisher: 横浜市, date: 2019-03 }\n";
        let strict = CaseRules {
            require_sources: true,
        };
        let table: &[(&str, CaseRules, &[&str])] = &[
            (
                "funding:\n  - { scheme: x, amount: 5000000, source: review-2019 }\noutcomes:\n  - { label: 件数, value: 3, source: review-2019 }\n",
                strict,
                &[],
            ),
            (
                "funding:\n  - { scheme: x, amount: 5000000, source: review-2018 }\n",
                CaseRules::default(),
                &[
                    "10:35 `source: review-2018` names no entry of `sources` | did you mean `review-2019`?",
                ],
            ),
            (
                "funding:\n  - { scheme: x, amount: 5000000 }\noutcomes:\n  - label: 件数\n    value: 3\n",
                strict,
                &[
                    "10:18 `funding[0].amount` has no source, and this site requires one for every figure | add `source: <id>` naming one of the case's `sources`, or mark the case `illustrative: true` if it is a made-up example",
                    "13:5 `outcomes[0].value` has no source, and this site requires one for every figure | add `source: <id>` naming one of the case's `sources`, or mark the case `illustrative: true` if it is a made-up example",
                ],
            ),
            // A scheme without an amount states no figure.
            (
                "funding:\n  - { scheme: x, fiscal_year: 2018 }\n",
                strict,
                &[],
            ),
            (
                "illustrative: true\nfunding:\n  - { scheme: x, amount: 5000000 }\n",
                strict,
                &[],
            ),
        ];
        for (extra, rules, expected) in table {
            let errors = case_errors_with(&format!("{VALID}{SOURCES}{extra}"), *rules);
            assert_eq!(errors, *expected, "{extra}");
        }
    }

    #[test]
    fn a_source_is_checked_field_by_field() {
        let table: &[(&str, &str)] = &[
            ("{ title: t, date: 2019 }", ""),
            ("{ title: t, date: 2019-03 }", ""),
            (
                "{ title: t, date: 2019-03-31, url: https://example.jp/a.pdf }",
                "",
            ),
            (
                "{ title: t, date: 2019-13 }",
                "8:17 `sources[0].date` must be a date written YYYY, YYYY-MM or YYYY-MM-DD, found the string \"2019-13\" | write as much of the date as the document gives, e.g. `date: 2019` or `date: 2019-03`",
            ),
            (
                "{ title: t, url: \"javascript:alert(1)\" }",
                "8:17 `sources[0].url` must be a web address starting with https:// or http://, found \"javascript:alert(1)\" | write the full address of the document, e.g. `url: https://www.city.example.jp/kyodo/houkoku.pdf`",
            ),
            (
                "{ id: a, publisher: p }",
                "8:5 missing required field `sources[0].title` | add `title: …` to `sources[0]`",
            ),
            (
                "{ titel: t }",
                "8:7 unknown field `titel` in `sources[0]` | did you mean `title`?",
            ),
        ];
        for (source, expected) in table {
            let errors = case_errors(&format!("{VALID}sources:\n  - {source}\n"));
            let expected: Vec<String> = if expected.is_empty() {
                vec![]
            } else {
                vec![expected.to_string()]
            };
            assert_eq!(errors, expected, "{source}");
        }
        let errors = case_errors(&format!(
            "{VALID}sources:\n  - {{ id: a, title: t }}\n  - {{ id: a, title: u }}\n"
        ));
        assert_eq!(
            errors,
            ["9:7 two sources have the id `a` | give each source its own id"]
        );
    }

    /// SPEC §5.3: a term's `order` is a whole number and its `reading` kana.
    #[test]
    fn term_order_and_reading() {
        type Row<'a> = (&'a str, Option<(i64, &'a str)>, &'a str);
        let table: &[Row] = &[
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
                "4:1 `published`: `2019-02-30` is not a real calendar date | 2019-02 has 28 days; check the day",
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
