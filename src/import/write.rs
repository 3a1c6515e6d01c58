//! Step 6 of an import: a [`Draft`] → the text of its case file, written
//! with the YAML emitter in the order of the case schema's fields.
//!
//! With `--update`, the existing file's front matter is kept and only the
//! fields the sheet gave a value for are replaced, in place; its body stays
//! unless the sheet has a body column with a value.

use super::values::Value;
use super::{Draft, Entry};
use crate::content::fields;
use crate::content::front_matter;
use crate::diagnostics::{Diagnostic, Diagnostics};
use serde_yaml::{Mapping, Value as Yaml};

/// The keys of a grant, an outcome and a source, in the order they are written.
const FUNDING_KEYS: &[&str] = &["scheme", "amount", "fiscal_year", "source"];
const OUTCOME_KEYS: &[&str] = &["label", "value", "unit", "note", "source"];
const SOURCE_KEYS: &[&str] = &[
    "id",
    "title",
    "publisher",
    "date",
    "url",
    "locator",
    "quote",
];

/// The whole file: front matter, then the body. `old` is the file's present
/// text when it is being updated.
pub(super) fn case_file(draft: &Draft, old: Option<&str>) -> String {
    let new = front_matter_of(draft);
    let old = old.map(front_matter::normalize_source);
    let old_parts = old.as_deref().and_then(|text| {
        let split = front_matter::split(text).ok()?;
        let mapping: Mapping = serde_yaml::from_str(split.yaml).ok()?;
        Some((mapping, split.body.trim_start_matches('\n').to_owned()))
    });
    let (mapping, old_body) = match old_parts {
        Some((mut mapping, body)) => {
            for (key, value) in new {
                mapping.insert(key, value);
            }
            (mapping, body)
        }
        None => (new, String::new()),
    };
    let body = match draft.fields.get("body") {
        Some(located) => value_text(&located.value),
        None => old_body,
    };
    let yaml = serde_yaml::to_string(&mapping).unwrap_or_default();
    let mut text = format!("---\n{yaml}---\n");
    if !body.trim().is_empty() {
        text.push('\n');
        text.push_str(body.trim_end());
        text.push('\n');
    }
    text
}

/// The front matter the sheet gives, in the order of the field table.
fn front_matter_of(draft: &Draft) -> Mapping {
    let mut mapping = Mapping::new();
    for name in fields::names(fields::CASE) {
        let value = match name {
            "district" => {
                let district = draft.district();
                (!district.is_empty()).then_some(Yaml::String(district))
            }
            "themes" => list(&draft.themes),
            "partners" => list(&draft.partners),
            "funding" => entries(&draft.funding, FUNDING_KEYS),
            "outcomes" => entries(&draft.outcomes, OUTCOME_KEYS),
            "sources" => entries(&draft.sources, SOURCE_KEYS),
            "period" | "location" => {
                let keys: &[&str] = if name == "period" {
                    &["start", "end"]
                } else {
                    &["lat", "lon"]
                };
                let mut object = Mapping::new();
                for key in keys {
                    if let Some(located) = draft.fields.get(format!("{name}.{key}").as_str()) {
                        object.insert(Yaml::from(*key), yaml(&located.value));
                    }
                }
                (!object.is_empty()).then_some(Yaml::Mapping(object))
            }
            _ => draft.fields.get(name).map(|located| yaml(&located.value)),
        };
        if let Some(value) = value {
            mapping.insert(Yaml::from(name), value);
        }
    }
    mapping
}

fn list(items: &[String]) -> Option<Yaml> {
    (!items.is_empty())
        .then(|| Yaml::Sequence(items.iter().map(|i| Yaml::from(i.as_str())).collect()))
}

fn entries(entries: &[Entry], keys: &[&str]) -> Option<Yaml> {
    let objects: Vec<Yaml> = entries
        .iter()
        .map(|entry| {
            let mut object = Mapping::new();
            for key in keys {
                if let Some(located) = entry.get(key) {
                    object.insert(Yaml::from(*key), yaml(&located.value));
                }
            }
            Yaml::Mapping(object)
        })
        .collect();
    (!objects.is_empty()).then_some(Yaml::Sequence(objects))
}

fn yaml(value: &Value) -> Yaml {
    match value {
        Value::Text(text) => Yaml::from(text.as_str()),
        Value::Date(date) => Yaml::from(date.to_string()),
        Value::Integer(n) => Yaml::from(*n),
        // 320, not 320.0: the front matter reads both as the same number.
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => Yaml::from(*n as i64),
        Value::Number(n) => Yaml::from(*n),
        Value::Bool(b) => Yaml::from(*b),
        Value::Status(status) => Yaml::from(status.key()),
        Value::List(items) => {
            Yaml::Sequence(items.iter().map(|i| Yaml::from(i.as_str())).collect())
        }
    }
}

/// A value as one line of text, for messages and the dry-run table.
pub(super) fn value_text(value: &Value) -> String {
    match value {
        Value::Text(text) => text.clone(),
        Value::Date(date) => date.to_string(),
        Value::Integer(n) => n.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Status(status) => status.key().to_owned(),
        Value::List(items) => items.join("、"),
    }
}

/// The case schema's rules on the text of a case file, as `check` reads it.
pub(super) fn check_text(text: &str, file: &str, diagnostics: &mut Diagnostics) {
    let Ok(split) = front_matter::split(text) else {
        diagnostics.push(Diagnostic::error(file, "no front matter"));
        return;
    };
    match front_matter::parse_yaml(split.yaml, split.open_line + 1) {
        Ok(doc) => {
            crate::content::schema::read_case(&doc, file, Default::default(), diagnostics);
        }
        Err(error) => diagnostics.push(Diagnostic::error(file, error.message)),
    }
}
