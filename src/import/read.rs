//! Step 1 of an import: a file → a [`Table`] of typed cells, each row with
//! its number in the file, so every later problem can name its cell.
//!
//! CSV is decoded first (a UTF-8 BOM is dropped; text that is not valid UTF-8
//! is read as Shift_JIS/CP932, which is what Excel writes on a Japanese PC),
//! then split by the `csv` crate. Workbooks (.xlsx, .xls, .ods) are read with
//! calamine, whose date cells arrive as dates.

use super::messages::{Catalogue, Message};
use crate::date::Date;
use crate::diagnostics::{CellColumn, Diagnostic};
use crate::language::Language;
use std::path::Path;

/// One cell's value as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(Date),
    Bool(bool),
}

/// One row of a sheet, with its 1-based row number in the file.
#[derive(Debug)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<Cell>,
}

/// One sheet (a CSV file is one sheet), its header row first.
#[derive(Debug)]
pub struct Table {
    /// How diagnostics name it: `cases.csv`, `book.xlsx[事例一覧]`.
    pub label: String,
    /// How its columns are written in diagnostics.
    pub columns: CellColumn,
    pub rows: Vec<Row>,
}

/// The text encoding of a CSV file (`--encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// Shift_JIS as Windows writes it (CP932, encoding_rs's `Shift_JIS`).
    ShiftJis,
}

/// Reads `path`: a CSV file, or the sheet `sheet` (default: the first) of a workbook.
pub fn read_table(
    path: &Path,
    sheet: Option<&str>,
    encoding: Option<Encoding>,
    lang: Language,
) -> Result<Table, Box<Diagnostic>> {
    let label = path.display().to_string();
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match extension.as_str() {
        "csv" | "txt" => {
            let bytes = std::fs::read(path).map_err(|e| {
                Diagnostic::error(&label, lang.text(Message::CannotRead, &[&e.to_string()]))
            })?;
            let text = decode(&bytes, encoding).ok_or_else(|| {
                Diagnostic::error(&label, lang.text(Message::NotEncoded, &[]))
                    .hint(lang.text(Message::NotEncodedHint, &[]))
            })?;
            read_csv(&text, label, lang)
        }
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => read_workbook(path, sheet, label, lang),
        _ => Err(Box::new(
            Diagnostic::error(&label, lang.text(Message::UnknownFileType, &[]))
                .hint(lang.text(Message::UnknownFileTypeHint, &[])),
        )),
    }
}

/// The text of a CSV file: UTF-8 (its BOM dropped) when it is valid UTF-8,
/// else Shift_JIS/CP932; `None` when the bytes are not in the encoding asked for.
pub fn decode(bytes: &[u8], encoding: Option<Encoding>) -> Option<String> {
    let utf8 = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match encoding {
        Some(Encoding::Utf8) => std::str::from_utf8(utf8).ok().map(str::to_owned),
        Some(Encoding::ShiftJis) => shift_jis(bytes),
        None => std::str::from_utf8(utf8)
            .ok()
            .map(str::to_owned)
            .or_else(|| shift_jis(bytes)),
    }
}

fn shift_jis(bytes: &[u8]) -> Option<String> {
    let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes);
    (!had_errors).then(|| text.into_owned())
}

fn read_csv(text: &str, label: String, lang: Language) -> Result<Table, Box<Diagnostic>> {
    // The csv crate counts a CRLF's line only when the next record starts,
    // which would put every row of an Excel CSV on the line before its own.
    let text = crate::content::front_matter::normalize_source(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let number = record
                    .position()
                    .map_or(rows.len() + 1, |p| p.line() as usize);
                let cells = record
                    .iter()
                    .map(|field| match crate::opendata::formula_value(field.trim()) {
                        "" => Cell::Empty,
                        text => Cell::Text(text.to_owned()),
                    })
                    .collect();
                rows.push(Row { number, cells });
            }
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line() as usize);
                return Err(Box::new(
                    Diagnostic::error(&label, lang.text(Message::BadCsv, &[&error.to_string()]))
                        .in_cell(line, 1, CellColumn::Numbered),
                ));
            }
        }
    }
    Ok(Table {
        label,
        columns: CellColumn::Numbered,
        rows,
    })
}

fn read_workbook(
    path: &Path,
    sheet: Option<&str>,
    file: String,
    lang: Language,
) -> Result<Table, Box<Diagnostic>> {
    use calamine::{Data, Reader as _};
    let mut workbook = calamine::open_workbook_auto(path)
        .map_err(|e| Diagnostic::error(&file, lang.text(Message::CannotRead, &[&e.to_string()])))?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(sheet) if names.iter().any(|n| n == sheet) => sheet.to_owned(),
        Some(sheet) => {
            let mut error = Diagnostic::error(&file, lang.text(Message::NoSuchSheet, &[sheet]))
                .hint(lang.text(
                    Message::SheetsAre,
                    &[&lang.list(names.iter().map(String::as_str))],
                ));
            if let Some(close) =
                crate::diagnostics::suggest(sheet, names.iter().map(String::as_str))
            {
                error = error.hint(lang.text(Message::DidYouMean, &[close]));
            }
            return Err(Box::new(error));
        }
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Diagnostic::error(&file, lang.text(Message::EmptyFile, &[])))?,
    };
    let range = workbook
        .worksheet_range(&name)
        .map_err(|e| Diagnostic::error(&file, lang.text(Message::CannotRead, &[&e.to_string()])))?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let leading = (0..first_col).map(|_| Cell::Empty);
            let cells = leading
                .chain(cells.iter().map(|data| {
                    match data {
                        Data::Empty | Data::Error(_) => Cell::Empty,
                        Data::String(text) => match text.trim() {
                            "" => Cell::Empty,
                            text => Cell::Text(text.to_owned()),
                        },
                        Data::Float(number) => Cell::Number(*number),
                        Data::Int(number) => Cell::Number(*number as f64),
                        Data::Bool(value) => Cell::Bool(*value),
                        Data::DateTime(when) => {
                            let (year, month, day, ..) = when.to_ymd_hms_milli();
                            Date::new(i32::from(year), u32::from(month), u32::from(day))
                                .map_or(Cell::Number(when.as_f64()), Cell::Date)
                        }
                        Data::DateTimeIso(text) | Data::DurationIso(text) => text
                            .get(..10)
                            .and_then(|day| Date::parse(day).ok())
                            .map_or_else(|| Cell::Text(text.clone()), Cell::Date),
                    }
                }))
                .collect();
            Row {
                number: first_row as usize + i + 1,
                cells,
            }
        })
        .collect();
    Ok(Table {
        label: format!("{file}[{name}]"),
        columns: CellColumn::Lettered,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_with_or_without_bom_and_shift_jis() {
        let text = "事例名,区\r\n多世代交流拠点,南区\r\n";
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        for (bytes, encoding, expected) in [
            (text.as_bytes(), None, Some(text)),
            (with_bom.as_slice(), None, Some(text)),
            (&sjis[..], None, Some(text)),
            (&sjis[..], Some(Encoding::ShiftJis), Some(text)),
            (&sjis[..], Some(Encoding::Utf8), None),
            (text.as_bytes(), Some(Encoding::Utf8), Some(text)),
        ] {
            assert_eq!(decode(bytes, encoding).as_deref(), expected, "{encoding:?}");
        }
    }

    #[test]
    fn csv_rows_carry_their_line_numbers() {
        let table = read_csv(
            "a,b\r\n\"two\r\nlines\",x\r\n3, \r\n'=1,'-\r\n",
            "t.csv".into(),
            Language::English,
        )
        .unwrap();
        let numbers: Vec<usize> = table.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [1, 2, 4, 5]);
        assert_eq!(table.rows[2].cells, [Cell::Text("3".into()), Cell::Empty]);
        // Open data writes would-be formulas with a `'` in front (opendata::formula_safe).
        let formulas = [Cell::Text("=1".into()), Cell::Text("-".into())];
        assert_eq!(table.rows[3].cells, formulas);
    }
}
