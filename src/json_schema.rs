//! JSON Schema: the field tables → JSON Schema (draft 2020-12) for front
//! matter, `casebook.yaml` and the published `cases.json` (SPEC §10).
//!
//! Every schema is made from `content::fields`, the table the checker reads,
//! so an editor, the web form and `check` agree on every field. The site's
//! own vocabulary narrows it: `support_types` keys, the schemes declared in
//! content/funding/ and the wards declared in content/districts/ become enums.
//!
//! A schema says what one file may hold. Rules across files (a `source:`
//! names one of the case's sources, `updated` is not before `published`) and
//! the site's own conditions (an image exists) stay with `check`.

use crate::content::fields::{self, Field, Kind};
use crate::model::Site;
use serde_json::{Map, Value, json};

const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The words of a site that a schema offers as choices.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    pub support_types: Vec<String>,
    /// `None` when the site has no content/funding/ files: any name goes.
    pub schemes: Option<Vec<String>>,
    /// `None` when content/districts/ declares no wards.
    pub wards: Option<Vec<String>>,
}

impl Vocabulary {
    pub fn of(site: &Site) -> Vocabulary {
        let declared = |names: Vec<String>| (!names.is_empty()).then_some(names);
        Vocabulary {
            support_types: site
                .config
                .support_types
                .iter()
                .map(|(key, _)| key.clone())
                .collect(),
            schemes: declared(
                site.schemes
                    .iter()
                    .filter(|s| s.entry.is_some())
                    .map(|s| s.name.clone())
                    .collect(),
            ),
            wards: declared(
                site.wards
                    .iter()
                    .filter(|w| w.entry.is_some())
                    .map(|w| w.name.clone())
                    .collect(),
            ),
        }
    }
}

/// Each schema file `casebook schema` writes, by file name.
pub fn all(vocabulary: &Vocabulary) -> Vec<(&'static str, Value)> {
    vec![
        (
            "case.schema.json",
            front_matter(fields::CASE, "事例", vocabulary),
        ),
        (
            "funding.schema.json",
            front_matter(fields::FUNDING, "助成制度", vocabulary),
        ),
        (
            "district.schema.json",
            front_matter(fields::TERM, "地区", vocabulary),
        ),
        (
            "theme.schema.json",
            front_matter(fields::TERM, "テーマ", vocabulary),
        ),
        (
            "page.schema.json",
            front_matter(fields::PAGE, "ページ", vocabulary),
        ),
        ("casebook.schema.json", config()),
        (CASES_JSON_SCHEMA, cases_json(vocabulary)),
    ]
}

/// A schema as a file: pretty JSON ending in a line break.
pub fn to_bytes(schema: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(schema).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// The name the build publishes the `cases.json` schema under.
pub const CASES_JSON_SCHEMA: &str = "cases.schema.json";

/// A front matter schema: the mapping of `table`'s fields.
pub fn front_matter(table: &[Field], title: &str, vocabulary: &Vocabulary) -> Value {
    let mut schema = record(table, vocabulary);
    let object = schema.as_object_mut().expect("a record is an object");
    object.insert("$schema".into(), json!(DIALECT));
    object.insert("title".into(), json!(format!("{title}のフロントマター")));
    schema
}

/// The schema of `casebook.yaml`.
pub fn config() -> Value {
    let mut schema = record(fields::CONFIG, &Vocabulary::default());
    let object = schema.as_object_mut().expect("a record is an object");
    object.insert("$schema".into(), json!(DIALECT));
    object.insert("title".into(), json!("casebook.yaml（サイトの設定）"));
    schema
}

fn record(table: &[Field], vocabulary: &Vocabulary) -> Value {
    let mut properties = Map::new();
    for field in table {
        properties.insert(field.name.into(), field_schema(field, vocabulary));
    }
    let required: Vec<&str> = table
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    let mut schema = json!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    });
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

/// Non-empty text, as `check` takes it: at least one character that is not a space.
fn text() -> Value {
    json!({ "type": "string", "pattern": "\\S" })
}

fn field_schema(field: &Field, vocabulary: &Vocabulary) -> Value {
    let mut schema = kind_schema(&field.kind, vocabulary);
    if let Some(object) = schema.as_object_mut() {
        object.insert("title".into(), json!(field.label));
        if !field.description.is_empty() {
            object.insert("description".into(), json!(field.description));
        }
    }
    schema
}

fn kind_schema(kind: &Kind, vocabulary: &Vocabulary) -> Value {
    match kind {
        Kind::Text | Kind::SourceId => text(),
        Kind::WebAddress { .. } => {
            json!({ "type": "string", "format": "uri", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://\\S+$" })
        }
        Kind::Date => {
            json!({ "type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" })
        }
        Kind::PartialDate => json!({
            "anyOf": [
                { "type": "integer", "minimum": 1000, "maximum": 9999 },
                { "type": "string", "pattern": "^[0-9]{4}(-(0[1-9]|1[0-2])(-[0-9]{2})?)?$" }
            ]
        }),
        Kind::Bool => json!({ "type": "boolean" }),
        Kind::Number => json!({ "type": "number" }),
        Kind::Rate => json!({ "type": "number", "minimum": 0, "maximum": 1 }),
        Kind::Coordinate { limit } => {
            json!({ "type": "number", "minimum": -limit, "maximum": limit })
        }
        Kind::Yen | Kind::Count => json!({ "type": "integer", "minimum": 0 }),
        Kind::FiscalYear => json!({ "type": "integer", "minimum": 1989, "maximum": 2100 }),
        Kind::Order => json!({ "type": "integer" }),
        Kind::Reading => json!({ "type": "string", "pattern": "^[\\u3041-\\u30ff 　]+$" }),
        Kind::Status => {
            json!({ "type": "string", "enum": ["planned", "in-progress", "completed"] })
        }
        Kind::Choice(options) => json!({ "type": "string", "enum": options }),
        Kind::District => {
            // `ward` or `ward/area`; a declared ward list narrows the ward.
            let ward = match &vocabulary.wards {
                Some(wards) => format!(
                    "({})",
                    wards
                        .iter()
                        .map(|w| regex_literal(w))
                        .collect::<Vec<_>>()
                        .join("|")
                ),
                None => "[^/\\\\.][^/\\\\]*".to_string(),
            };
            let mut schema = json!({
                "type": "string",
                "pattern": format!("^\\s*{ward}\\s*(/\\s*[^/\\\\.][^/\\\\]*)?$"),
            });
            if let Some(wards) = &vocabulary.wards {
                schema["examples"] = json!(wards);
            }
            schema
        }
        Kind::SupportType if !vocabulary.support_types.is_empty() => {
            json!({ "type": "string", "enum": vocabulary.support_types })
        }
        Kind::SupportType => text(),
        Kind::SchemeName => match &vocabulary.schemes {
            Some(schemes) => json!({ "type": "string", "enum": schemes }),
            None => text(),
        },
        Kind::FileName => json!({ "type": "string", "pattern": "^[^./\\\\:][^/\\\\:]*$" }),
        Kind::Slug => json!({ "type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$" }),
        // A single text is taken as a one-item list.
        Kind::TextList => json!({
            "anyOf": [
                { "type": "array", "items": text() },
                text()
            ]
        }),
        Kind::Record { fields, .. } => record(fields, vocabulary),
        Kind::List { fields, .. } => {
            json!({ "type": "array", "items": record(fields, vocabulary) })
        }
        Kind::Labels => json!({ "type": "object", "additionalProperties": text() }),
        Kind::WordGroups => {
            json!({ "type": "array", "items": { "type": "array", "items": text() } })
        }
        Kind::HighlightTheme => text(),
    }
}

/// A name matched as itself inside a regular expression.
fn regex_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\^$.|?*+()[]{}/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The schema of the published `cases.json`: each case's front matter as
/// open data writes it (the district split into ward and area, every
/// optional value present as `null`), plus its slug, address and 年度.
pub fn cases_json(vocabulary: &Vocabulary) -> Value {
    let mut properties = Map::new();
    properties.insert(
        "slug".into(),
        json!({ "type": "string", "title": "スラッグ", "description": "事例の識別子（URLの一部）" }),
    );
    properties.insert(
        "url".into(),
        json!({ "type": "string", "format": "uri", "title": "URL", "description": "事例ページのURL" }),
    );
    properties.insert(
        "fiscal_year".into(),
        json!({ "type": "integer", "title": "年度", "description": "年度（西暦。期間の開始日、なければ公開日の年度）" }),
    );
    let mut required = vec!["slug", "url", "fiscal_year"];
    for field in fields::CASE {
        // What open data leaves out: photos are for the page, drafts are
        // never published, and the slug is written above.
        if matches!(field.name, "images" | "draft" | "slug") {
            continue;
        }
        let schema = match field.name {
            "district" => json!({
                "type": "object",
                "title": field.label,
                "properties": {
                    "ward": { "type": "string", "title": "区" },
                    "area": { "type": ["string", "null"], "title": "地区" }
                },
                "required": ["ward", "area"],
                "additionalProperties": false
            }),
            _ => published(field, vocabulary),
        };
        properties.insert(field.name.into(), schema);
        required.push(field.name);
    }
    json!({
        "$schema": DIALECT,
        "title": "cases.json（全事例のオープンデータ）",
        "type": "object",
        "properties": {
            "cases": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": properties,
                    "required": required,
                    "additionalProperties": false
                }
            }
        },
        "required": ["cases"],
        "additionalProperties": false
    })
}

/// A field as `cases.json` writes it: always present, `null` when not set,
/// lists always lists, dates in `YYYY-MM-DD`.
fn published(field: &Field, vocabulary: &Vocabulary) -> Value {
    let mut schema = match &field.kind {
        Kind::TextList => json!({ "type": "array", "items": { "type": "string" } }),
        Kind::Bool => json!({ "type": "boolean" }),
        Kind::List { fields, .. } => {
            let items: Vec<&Field> = fields.iter().collect();
            json!({ "type": "array", "items": published_record(&items, vocabulary) })
        }
        Kind::Record { fields, .. } => {
            let items: Vec<&Field> = fields.iter().collect();
            published_record(&items, vocabulary)
        }
        // A number or text as written, without the input's leniencies.
        Kind::PartialDate => json!({ "type": "string" }),
        Kind::Text | Kind::SourceId | Kind::SupportType | Kind::SchemeName => {
            json!({ "type": "string" })
        }
        other => kind_schema(other, vocabulary),
    };
    if let Some(object) = schema.as_object_mut() {
        object.insert("title".into(), json!(field.label));
        if !field.description.is_empty() {
            object.insert("description".into(), json!(field.description));
        }
    }
    if !field.required && !matches!(field.kind, Kind::TextList | Kind::List { .. } | Kind::Bool) {
        schema = json!({ "anyOf": [schema, { "type": "null" }] });
    }
    schema
}

fn published_record(fields: &[&Field], vocabulary: &Vocabulary) -> Value {
    let mut properties = Map::new();
    for field in fields {
        properties.insert(field.name.into(), published(field, vocabulary));
    }
    let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
    json!({
        "type": "object",
        "properties": properties,
        "required": names,
        "additionalProperties": false
    })
}
