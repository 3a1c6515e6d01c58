//! Import: a city's spreadsheet (or the site's own open data) → case files
//! (SPEC §11).
//!
//! 1. Read each file into a table of typed cells (`read`).
//! 2. Map its columns to case fields, by `--map` or as open data (`columns`).
//! 3. Read every cell the Japanese way (`values`); a bad cell is a
//!    diagnostic at `FILE:ROW:COL` (`book.xlsx[事例一覧]:12:C`).
//! 4. Group rows by slug: the first row of a case gives its fields, every row
//!    may add a grant, an outcome, a source, themes and partners.
//! 5. Check each case: required fields, references to schemes, wards and
//!    support types, and the case schema itself on the text to be written.
//! 6. Write `content/cases/<slug>.md` (`write`), only when nothing failed,
//!    and never over an existing case without `--update`.
//!
//! A slug made from a title is `case-` and the first 8 hex digits of the
//! SHA-256 of the title (trimmed): the same title always gives the same slug.

mod columns;
mod messages;
mod read;
mod values;
mod write;

pub use read::Encoding;

use crate::diagnostics::{Diagnostic, Diagnostics, suggest};
use crate::language::Language;
use columns::Columns;
use messages::{Catalogue, Message};
use read::{Cell, Table};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use values::Value;

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub root: PathBuf,
    pub files: Vec<PathBuf>,
    pub map: Option<PathBuf>,
    pub dry_run: bool,
    pub update: bool,
    pub encoding: Option<Encoding>,
    /// The language of messages, when the command line chose one; else the site's.
    pub language: Option<Language>,
}

/// What an import did: its problems, and what it wrote (or would write) as
/// text for the terminal.
pub struct ImportReport {
    pub diagnostics: Diagnostics,
    pub summary: String,
}

/// Where a value came from: a table and a cell.
#[derive(Debug, Clone, Copy)]
struct Loc {
    table: usize,
    row: usize,
    col: usize,
}

/// A field's value and the cell it came from.
#[derive(Debug, Clone)]
struct Located {
    value: Value,
    at: Loc,
}

/// One entry of a list of objects (a grant, an outcome, a source).
type Entry = BTreeMap<&'static str, Located>;

/// One case as the rows give it, before it is written.
#[derive(Debug)]
pub(crate) struct Draft {
    slug: String,
    first: Loc,
    /// `title`, `ward`, `period.start`, `body`…: one value each.
    fields: BTreeMap<&'static str, Located>,
    themes: Vec<String>,
    partners: Vec<String>,
    funding: Vec<Entry>,
    outcomes: Vec<Entry>,
    sources: Vec<Entry>,
}

/// What the site says a case may refer to.
struct Site {
    lang: Language,
    schemes: Option<Vec<String>>,
    wards: Option<Vec<String>>,
    support_types: Vec<String>,
}

pub fn run(options: &ImportOptions) -> ImportReport {
    let mut diagnostics = Diagnostics::new();
    let Some(site) = load_site(&options.root, options.language, &mut diagnostics) else {
        return ImportReport::failed(diagnostics);
    };
    let map = match options.map.as_deref() {
        Some(path) => match columns::load_map(path, site.lang) {
            Ok(map) => Some(map),
            Err(error) => {
                diagnostics.push(*error);
                return ImportReport::failed(diagnostics);
            }
        },
        None => None,
    };
    let sheets = read_sheets(options, map.as_ref(), site.lang, &mut diagnostics);
    let mut drafts = BTreeMap::new();
    for (index, sheet) in sheets.iter().enumerate() {
        for row in &sheet.table.rows[sheet.first_data..] {
            read_row(index, sheet, row, &site, &mut drafts, &mut diagnostics);
        }
    }
    let plans = plan_files(options, &sheets, &drafts, site.lang, &mut diagnostics);
    if diagnostics.has_errors() {
        return ImportReport::failed(diagnostics);
    }
    let summary = write_files(options, &plans, site.lang, &mut diagnostics);
    ImportReport {
        diagnostics,
        summary,
    }
}

impl ImportReport {
    fn failed(diagnostics: Diagnostics) -> ImportReport {
        ImportReport {
            diagnostics,
            summary: String::new(),
        }
    }
}

/// A sheet read (step 1) with its columns mapped (step 2).
struct Sheet {
    table: Table,
    columns: Columns,
    /// The index in `table.rows` of the first row after the header.
    first_data: usize,
}

/// Steps 1–2: each file's sheet and what its columns hold.
fn read_sheets(
    options: &ImportOptions,
    map: Option<&columns::Map>,
    lang: Language,
    diagnostics: &mut Diagnostics,
) -> Vec<Sheet> {
    let mut sheets = Vec::new();
    for path in &options.files {
        let sheet = map.and_then(|m| m.sheet.as_deref());
        let table = match read::read_table(path, sheet, options.encoding, lang) {
            Ok(table) => table,
            Err(error) => {
                diagnostics.push(*error);
                continue;
            }
        };
        let header_row = map.map_or(1, |m| m.header_row.max(1));
        let Some(header_index) = table.rows.iter().position(|r| r.number >= header_row) else {
            diagnostics.push(Diagnostic::error(
                &table.label,
                lang.text(Message::EmptyFile, &[]),
            ));
            continue;
        };
        let headers: Vec<String> = table.rows[header_index]
            .cells
            .iter()
            .map(values::cell_text)
            .collect();
        let header_line = table.rows[header_index].number;
        let mapped = match (map, &options.map) {
            (Some(map), Some(map_path)) => match columns::by_map(map, &headers, lang) {
                Ok(columns) => Ok(columns),
                Err(problems) => {
                    // A heading or field the map names wrongly is the map's problem.
                    let file = map_path.display().to_string();
                    for (message, hint) in problems {
                        diagnostics.push(Diagnostic::error(&file, message).hint(hint));
                    }
                    continue;
                }
            },
            _ => {
                let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
                match columns::open_data(stem, &headers, lang) {
                    Some(result) => result,
                    None => {
                        diagnostics.push(
                            Diagnostic::error(
                                &table.label,
                                lang.text(Message::NotOpenData, &[stem]),
                            )
                            .hint(lang.text(Message::NotOpenDataHint, &[])),
                        );
                        continue;
                    }
                }
            }
        };
        match mapped {
            Ok(columns) => {
                if !columns
                    .iter()
                    .flatten()
                    .any(|(p, _)| matches!(*p, "slug" | "title"))
                {
                    diagnostics.push(
                        Diagnostic::error(&table.label, lang.text(Message::NoTitleColumn, &[]))
                            .in_cell(header_line, 1, table.columns),
                    );
                    continue;
                }
                sheets.push(Sheet {
                    table,
                    columns,
                    first_data: header_index + 1,
                });
            }
            Err(problems) => {
                for (col, message, hint) in problems {
                    diagnostics.push(Diagnostic::error(&table.label, message).hint(hint).in_cell(
                        header_line,
                        col,
                        table.columns,
                    ));
                }
            }
        }
    }
    sheets
}

/// Step 5: each case checked, and the text of its file.
fn plan_files(
    options: &ImportOptions,
    sheets: &[Sheet],
    drafts: &BTreeMap<String, Draft>,
    lang: Language,
    diagnostics: &mut Diagnostics,
) -> Vec<Plan> {
    let cases_dir = options.root.join("content/cases");
    let mut plans = Vec::new();
    for draft in drafts.values() {
        let error_at = |loc: Loc, message: String, hint: String| {
            let table = &sheets[loc.table].table;
            Diagnostic::error(&table.label, message).hint(hint).in_cell(
                loc.row,
                loc.col,
                table.columns,
            )
        };
        let existing = [
            cases_dir.join(format!("{}.md", draft.slug)),
            cases_dir.join(&draft.slug).join("index.md"),
        ]
        .into_iter()
        .find(|p| p.is_file());
        let rel = match &existing {
            Some(path) => path
                .strip_prefix(&options.root)
                .unwrap_or(path)
                .display()
                .to_string(),
            None => format!("content/cases/{}.md", draft.slug),
        };
        if existing.is_some() && !options.update {
            diagnostics.push(error_at(
                draft.first,
                lang.text(Message::Exists, &[&rel]),
                lang.text(Message::ExistsHint, &[]),
            ));
            continue;
        }
        if existing.is_none() && options.map.is_none() && !draft.fields.contains_key("title") {
            // Open data: a grant or outcome row of a case cases.csv does not hold.
            diagnostics.push(error_at(
                draft.first,
                lang.text(Message::NoCaseRow, &[&draft.slug]),
                lang.text(Message::NoCaseRowHint, &[]),
            ));
            continue;
        }
        if existing.is_none() {
            for field in ["title", "summary", "published", "status"] {
                if !draft.fields.contains_key(field) {
                    diagnostics.push(error_at(
                        draft.first,
                        lang.text(Message::Missing, &[&draft.slug, field]),
                        lang.text(Message::MissingHint, &[field]),
                    ));
                }
            }
            if !draft.fields.contains_key("ward") && !draft.fields.contains_key("district") {
                diagnostics.push(error_at(
                    draft.first,
                    lang.text(Message::Missing, &[&draft.slug, "district"]),
                    lang.text(Message::MissingHint, &["ward"]),
                ));
            }
        }
        let old_text = existing
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok());
        let text = write::case_file(draft, old_text.as_deref());
        // The very rules `check` applies, on the very text to be written.
        let mut found = Diagnostics::new();
        write::check_text(&text, &rel, &mut found);
        for problem in found.iter() {
            diagnostics.push(error_at(
                draft.first,
                lang.text(Message::Invalid, &[&draft.slug, &problem.message]),
                problem.hint.clone().unwrap_or_default(),
            ));
        }
        plans.push(Plan {
            rel,
            text,
            update: existing.is_some(),
            title: draft.text("title"),
            district: draft.district(),
            published: draft.text("published"),
            status: draft.text("status"),
            grants: draft.funding.len(),
        });
    }
    plans
}

/// Step 6: the files written (or, with `--dry-run`, listed), and the table
/// of what was written.
fn write_files(
    options: &ImportOptions,
    plans: &[Plan],
    lang: Language,
    diagnostics: &mut Diagnostics,
) -> String {
    let mut summary = table_text(plans, lang);
    if options.dry_run {
        summary.push_str(&lang.text(Message::WouldWrite, &[&plans.len().to_string()]));
    } else {
        for plan in plans {
            let path = options.root.join(&plan.rel);
            let written = path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&path, &plan.text));
            if let Err(error) = written {
                diagnostics.push(Diagnostic::error(
                    &plan.rel,
                    lang.text(Message::CannotWrite, &[&error.to_string()]),
                ));
            }
        }
        summary.push_str(&lang.text(Message::Wrote, &[&plans.len().to_string()]));
    }
    summary.push('\n');
    summary
}

fn load_site(
    root: &Path,
    language: Option<Language>,
    diagnostics: &mut Diagnostics,
) -> Option<Site> {
    let config = crate::config::load(root, diagnostics)?;
    // Japanese for a `language: ja` site, English for any other.
    let lang = language
        .unwrap_or_else(|| Language::from_code(&config.language).unwrap_or(Language::English));
    // The site's own problems are `check`'s to report, not the import's.
    let mut ignored = Diagnostics::new();
    let options = crate::content::LoadOptions {
        drafts: true,
        ..Default::default()
    };
    let content = crate::content::load(root, &config.language, options, None, &mut ignored);
    let has = |section| content.sections.contains(&section);
    let schemes = has(crate::content::Section::Funding).then(|| {
        content
            .funding
            .iter()
            .map(|e| e.meta.name.clone())
            .collect()
    });
    let wards = has(crate::content::Section::Districts).then(|| {
        let mut wards: Vec<String> = content
            .districts
            .iter()
            .filter_map(|e| e.meta.name.split('/').next().map(|w| w.trim().to_owned()))
            .collect();
        wards.dedup();
        wards
    });
    Some(Site {
        lang,
        schemes,
        wards,
        support_types: config
            .support_types
            .iter()
            .map(|(k, _)| k.clone())
            .collect(),
    })
}

/// Steps 3 and 4 for one row: its values, checked and added to its case.
fn read_row(
    index: usize,
    sheet: &Sheet,
    row: &read::Row,
    site: &Site,
    drafts: &mut BTreeMap<String, Draft>,
    diagnostics: &mut Diagnostics,
) {
    let lang = site.lang;
    let (table, columns) = (&sheet.table, &sheet.columns);
    if row.cells.iter().all(|c| *c == Cell::Empty) {
        return;
    }
    let error_at = |col: usize, message: String, hint: String| {
        Diagnostic::error(&table.label, message)
            .hint(hint)
            .in_cell(row.number, col, table.columns)
    };
    let mut values: Vec<(&'static str, Located)> = Vec::new();
    let mut ok = true;
    for (i, field) in columns.iter().enumerate() {
        let Some((path, kind)) = *field else { continue };
        let cell = row.cells.get(i).unwrap_or(&Cell::Empty);
        let at = Loc {
            table: index,
            row: row.number,
            col: i + 1,
        };
        match values::read(kind, cell) {
            Ok(Some(value)) => {
                if let Some((message, hint)) = reference_problem(path, &value, site) {
                    diagnostics.push(error_at(i + 1, message, hint));
                    ok = false;
                }
                values.push((path, Located { value, at }));
            }
            Ok(None) => {}
            Err((message, hint)) => {
                let text = values::cell_text(cell);
                diagnostics.push(error_at(
                    i + 1,
                    lang.text(message, &[&text]),
                    lang.text(hint, &[&text]),
                ));
                ok = false;
            }
        }
    }
    let slug_column = columns.iter().position(|c| matches!(c, Some(("slug", _))));
    let slug = match values.iter().find(|(p, _)| *p == "slug") {
        Some((
            _,
            Located {
                value: Value::Text(slug),
                at,
            },
        )) => {
            if !is_slug(slug) {
                diagnostics.push(error_at(
                    at.col,
                    lang.text(Message::BadSlug, &[slug]),
                    lang.text(Message::SlugExamples, &[]),
                ));
                return;
            }
            slug.clone()
        }
        _ if slug_column.is_some() => {
            let col = slug_column.map_or(1, |c| c + 1);
            diagnostics.push(error_at(
                col,
                lang.text(Message::Missing, &["?", "slug"]),
                lang.text(Message::MissingHint, &["slug"]),
            ));
            return;
        }
        _ => match values.iter().find(|(p, _)| *p == "title") {
            Some((
                _,
                Located {
                    value: Value::Text(title),
                    ..
                },
            )) => slug_of_title(title),
            _ => {
                let col = columns
                    .iter()
                    .position(|c| matches!(c, Some(("title", _))))
                    .map_or(1, |c| c + 1);
                diagnostics.push(error_at(
                    col,
                    lang.text(Message::Missing, &["?", "title"]),
                    lang.text(Message::MissingHint, &["title"]),
                ));
                return;
            }
        },
    };
    if !ok {
        return;
    }
    let first = Loc {
        table: index,
        row: row.number,
        col: slug_column.map_or(1, |c| c + 1),
    };
    let draft = drafts.entry(slug.clone()).or_insert_with(|| Draft {
        slug,
        first,
        fields: BTreeMap::new(),
        themes: Vec::new(),
        partners: Vec::new(),
        funding: Vec::new(),
        outcomes: Vec::new(),
        sources: Vec::new(),
    });
    let mut entries: [(&str, Entry); 3] = [
        ("funding.", Entry::new()),
        ("outcomes.", Entry::new()),
        ("sources.", Entry::new()),
    ];
    for (path, located) in values {
        if path == "slug" {
            continue;
        }
        if let Some((_, entry)) = entries
            .iter_mut()
            .find(|(prefix, _)| path.starts_with(prefix))
        {
            let field = path.split_once('.').map_or(path, |(_, f)| f);
            entry.insert(field, located);
            continue;
        }
        let list = match path {
            "themes" => Some(&mut draft.themes),
            "partners" => Some(&mut draft.partners),
            _ => None,
        };
        if let Some(list) = list {
            let items = match located.value {
                Value::List(items) => items,
                Value::Text(item) => vec![item],
                _ => Vec::new(),
            };
            for item in items {
                if !list.contains(&item) {
                    list.push(item);
                }
            }
            continue;
        }
        match draft.fields.get(path) {
            None => {
                draft.fields.insert(path, located);
            }
            Some(earlier) if earlier.value != located.value => {
                let shown = write::value_text(&earlier.value);
                diagnostics.push(error_at(
                    located.at.col,
                    lang.text(
                        Message::Disagree,
                        &[&draft.slug, path, &earlier.at.row.to_string()],
                    ),
                    lang.text(
                        Message::DisagreeHint,
                        &[&earlier.at.row.to_string(), &shown],
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    let [(_, funding), (_, outcomes), (_, sources)] = entries;
    for (entry, list) in [
        (funding, &mut draft.funding),
        (outcomes, &mut draft.outcomes),
        (sources, &mut draft.sources),
    ] {
        if !entry.is_empty() {
            list.push(entry);
        }
    }
}

/// An unknown scheme, ward or support type, with a did-you-mean hint.
fn reference_problem(path: &str, value: &Value, site: &Site) -> Option<(String, String)> {
    let lang = site.lang;
    let Value::Text(text) = value else {
        return None;
    };
    let (known, message, list_hint): (&[String], Message, Message) = match path {
        "funding.scheme" => (
            site.schemes.as_deref()?,
            Message::UnknownScheme,
            Message::UnknownSchemeHint,
        ),
        "ward" => (
            site.wards.as_deref()?,
            Message::UnknownWard,
            Message::WardsAre,
        ),
        "district" => {
            let ward = text.split('/').next().unwrap_or(text).trim();
            return reference_problem("ward", &Value::Text(ward.to_owned()), site);
        }
        "support_type" => (
            &site.support_types,
            Message::UnknownSupportType,
            Message::SupportTypesAre,
        ),
        _ => return None,
    };
    if known.iter().any(|k| k == text) {
        return None;
    }
    let hint = match suggest(text, known.iter().map(String::as_str)) {
        Some(close) => lang.text(Message::DidYouMean, &[close]),
        None => lang.text(list_hint, &[&lang.list(known.iter().map(String::as_str))]),
    };
    Some((lang.text(message, &[text]), hint))
}

/// SPEC §5.2: lowercase letters, digits and `-` only.
fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `case-` and the first 8 hex digits of the title's SHA-256: stable, so a
/// second import of the same sheet finds the cases the first one wrote. The
/// slug is part of what an import writes, so its digest stays SHA-256 rather
/// than `crate::hash`: a different one would rename every imported case.
pub fn slug_of_title(title: &str) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(title.trim().as_bytes());
    let hex: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("case-{hex}")
}

impl Draft {
    fn text(&self, field: &str) -> String {
        self.fields
            .get(field)
            .map(|l| write::value_text(&l.value))
            .unwrap_or_default()
    }

    /// `ward/area`, `ward`, or the `district` column as written.
    fn district(&self) -> String {
        match (self.fields.get("ward"), self.fields.get("area")) {
            (Some(ward), Some(area)) => format!(
                "{}/{}",
                write::value_text(&ward.value),
                write::value_text(&area.value)
            ),
            (Some(ward), None) => write::value_text(&ward.value),
            _ => self.text("district"),
        }
    }
}

/// One file to write.
struct Plan {
    rel: String,
    text: String,
    update: bool,
    title: String,
    district: String,
    published: String,
    status: String,
    grants: usize,
}

/// What will be written, one line a case, columns separated by ` | `.
fn table_text(plans: &[Plan], lang: Language) -> String {
    let mut out = lang.text(Message::TableHeader, &[]).replace('\t', " | ");
    out.push('\n');
    for plan in plans {
        let action = lang.text(
            if plan.update {
                Message::Updated
            } else {
                Message::Created
            },
            &[],
        );
        let cells = [
            action,
            plan.rel.clone(),
            plan.title.clone(),
            plan.district.clone(),
            plan.published.clone(),
            plan.status.clone(),
            plan.grants.to_string(),
        ];
        out.push_str(&cells.join(" | "));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_titles_are_stable_and_valid() {
        let slug = slug_of_title("空き家を活用した多世代交流拠点");
        assert_eq!(slug, slug_of_title(" 空き家を活用した多世代交流拠点 "));
        assert_ne!(slug, slug_of_title("急坂へのベンチ設置"));
        assert!(is_slug(&slug) && slug.len() == "case-".len() + 8, "{slug}");
    }
}
