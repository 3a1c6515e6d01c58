//! Search: `Site` + the cases' rendered bodies → the static search index
//! under `search/` (SPEC §8).
//!
//! 1. Each published case's searchable text: title, summary, and the rest
//!    (body, district, schemes, themes, partners), normalized
//!    (`crate::normalize`) as the index scan reaches the case, so no build
//!    holds every case's text at once.
//! 2. `index::build_from`: the cases and fields of every 1-, 2- and 3-gram, and each
//!    trigram's forced context, so every substring query is answered exactly.
//! 3. `shard`: gram files by key range, display and text blocks by case, the
//!    facet columns, and the manifest `manifest.bin` that names them all.
//!
//! `query` reads those files back with the client's algorithm; the tests and
//! the benchmark use it to check that the written index answers exactly.

pub mod index;
pub mod query;
pub mod shard;

use crate::hash::Fnv1a;
use crate::locale::Locale;
use crate::markdown::Rendered;
use crate::model::{Site, href};
use crate::normalize::{Variants, normalize};
use crate::output::OutputFile;
use index::CaseText;
use rayon::prelude::*;
use serde_json::json;
use std::hash::Hasher;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Uncompressed bytes aimed at per file. A query fetches one gram file per
/// word and a display block per result shown, a text block only for an
/// excerpt; these sizes keep 10,000 cases under 1,000 files.
const GRAM_FILE_BYTES: usize = 14_000;
const DISPLAY_FILE_BYTES: usize = 10_000;
const TEXT_FILE_BYTES: usize = 128_000;

/// The facet column order of statuses, as `facets.bin` numbers them.
pub const STATUSES: [&str; 3] = ["planned", "in-progress", "completed"];

/// One case as written to the display store (original text, so the client
/// shows it as the writer wrote it).
pub struct CaseRecord {
    pub path: String,
    pub title: String,
    pub summary: String,
}

fn record(site: &Site, i: usize) -> CaseRecord {
    let case = &site.cases[i];
    CaseRecord {
        path: href("", &case.path),
        title: case.entry.meta.title.clone(),
        summary: case.entry.meta.summary.clone(),
    }
}

/// Separates the body from each field line in a case's rest: U+2029
/// PARAGRAPH SEPARATOR, whitespace to the index (no gram spans it, no query
/// holds it) and a mark the client splits on, so an excerpt is only ever
/// body prose and a match in a field is shown with the field's name.
pub const FIELD_SEPARATOR: char = '\u{2029}';

/// The fields after the body in a case's rest, in this order (search.js
/// labels them by position).
pub const REST_FIELDS: [&str; 4] = ["district", "schemes", "themes", "partners"];

/// The rest of a case's text, as the text store holds it and the client
/// normalizes it: the body, then [`REST_FIELDS`] one after another (empty
/// when a case has none), each after a [`FIELD_SEPARATOR`]. The values
/// within a field are joined by spaces. Made again where it is needed rather
/// than kept: it is most of the index's input.
fn rest(site: &Site, bodies: &[Arc<Rendered>], i: usize) -> String {
    let case = &site.cases[i];
    let meta = &case.entry.meta;
    let ward = &site.wards[case.ward];
    let mut district = vec![ward.name.as_str()];
    if let Some(area) = case.area {
        district.push(&ward.areas[area].name);
    }
    let schemes: Vec<&str> = case
        .schemes
        .iter()
        .map(|&s| site.schemes[s].name.as_str())
        .collect();
    let themes: Vec<&str> = case
        .themes
        .iter()
        .map(|&t| site.themes[t].name.as_str())
        .collect();
    let body = bodies.get(i).map_or("", |b| b.text.as_str());
    let mut rest = String::with_capacity(body.len() + 256);
    // A separator written in a body would shift every field after it.
    rest.extend(
        body.chars()
            .map(|c| if c == FIELD_SEPARATOR { '\n' } else { c }),
    );
    for field in [
        district.join(" "),
        schemes.join(" "),
        themes.join(" "),
        meta.partners.join(" "),
    ] {
        rest.push(FIELD_SEPARATOR);
        rest.push_str(&field.replace(FIELD_SEPARATOR, " "));
    }
    rest
}

/// Every file of the search index; `bodies` are the cases' bodies, in case order.
pub fn files(site: &Site, bodies: &[Arc<Rendered>]) -> Vec<OutputFile> {
    let count = site.cases.len();
    let records: Vec<CaseRecord> = (0..count)
        .into_par_iter()
        .map(|i| record(site, i))
        .collect();
    // Each case's rest, measured while it is scanned, sizes the text blocks.
    let rest_bytes: Vec<AtomicUsize> = (0..count).map(|_| AtomicUsize::new(0)).collect();
    let index = index::build_from(count, |i| {
        let rest = rest(site, bodies, i);
        rest_bytes[i].store(rest.len(), Ordering::Relaxed);
        std::borrow::Cow::Owned(CaseText {
            title: normalize(&records[i].title),
            summary: normalize(&records[i].summary),
            rest: normalize(&rest),
        })
    });
    let rest_bytes: Vec<usize> = rest_bytes
        .into_iter()
        .map(AtomicUsize::into_inner)
        .collect();
    let grams = shard::gram_files(&index, GRAM_FILE_BYTES);
    drop(index);

    let display_block = block_size(
        records
            .iter()
            .map(|r| r.path.len() + r.title.len() + r.summary.len()),
        DISPLAY_FILE_BYTES,
    );
    let text_block = block_size(rest_bytes.iter().copied(), TEXT_FILE_BYTES);
    let facet_values = FacetValues::of(site);
    let display = records
        .par_chunks(display_block)
        .enumerate()
        .map(|(b, block)| {
            let rows: Vec<serde_json::Value> = block
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let case = b * display_block + i;
                    let mut row = json!([
                        r.path,
                        r.title,
                        r.summary,
                        facet_values.district[case],
                        facet_values.year[case],
                        facet_values.status[case],
                    ]);
                    // A made-up example is labelled in the results too; the
                    // flag is left off the other rows, which are most.
                    if site.cases[case].entry.meta.illustrative
                        && let Some(row) = row.as_array_mut()
                    {
                        row.push(json!(1));
                    }
                    row
                })
                .collect();
            let bytes = serde_json::to_vec(&rows).unwrap_or_default();
            OutputFile::new(format!("search/d/{b}.bin"), shard::gzip(&bytes))
        });
    let blocks: Vec<usize> = (0..count).step_by(text_block).collect();
    let text = blocks.into_par_iter().enumerate().map(|(b, first)| {
        let rows: Vec<String> = (first..(first + text_block).min(count))
            .map(|i| rest(site, bodies, i))
            .collect();
        let bytes = serde_json::to_vec(&rows).unwrap_or_default();
        OutputFile::new(format!("search/t/{b}.bin"), shard::gzip(&bytes))
    });
    let gram_keys: Vec<&str> = grams.iter().map(|(key, _)| key.as_str()).collect();
    let mut files: Vec<OutputFile> = vec![OutputFile::new(
        "search/facets.bin",
        shard::gzip(&facets(site, &facet_values)),
    )];
    files.par_extend(grams.par_iter().enumerate().map(|(n, (_, bytes))| {
        OutputFile::new(format!("search/g/{n}.bin"), shard::gzip_grams(bytes))
    }));
    files.par_extend(display);
    files.par_extend(text);

    let variants = Variants::new(&site.config.search.variants);
    let manifest = json!({
        "format": 1,
        "version": version(&files),
        "cases": site.cases.len(),
        "context": index::CONTEXT,
        "gramFiles": gram_keys,
        "displayBlock": display_block,
        "textBlock": text_block,
        "variants": variants.groups,
        "districts": site.wards.iter().map(|w| json!({
            "name": w.name,
            "areas": w.areas.iter().map(|a| &a.name).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "schemes": site.schemes.iter().map(|s| &s.name).collect::<Vec<_>>(),
        "themes": site.themes.iter().map(|t| &t.name).collect::<Vec<_>>(),
        "years": fiscal_years(site).into_iter().map(|y| json!({
            "year": y,
            "label": Locale::of(&site.config.language).fiscal_year(y),
        })).collect::<Vec<_>>(),
        "statuses": STATUSES,
    });
    files.push(OutputFile::new(
        "search/manifest.bin",
        shard::gzip(&serde_json::to_vec(&manifest).unwrap_or_default()),
    ));
    files
}

/// Cases per block so that a block holds about `target` bytes, given each
/// case's bytes.
fn block_size(bytes: impl ExactSizeIterator<Item = usize>, target: usize) -> usize {
    let count = bytes.len().max(1);
    let mean = bytes.sum::<usize>() / count;
    (target / mean.max(1)).clamp(1, 256)
}

/// The fiscal years of the site's cases, oldest first.
pub fn fiscal_years(site: &Site) -> Vec<i32> {
    let mut years: Vec<i32> = site.fiscal_years.iter().map(|(y, _)| *y).collect();
    years.sort_unstable();
    years
}

/// Each case's district (the ward, or an area within it, numbered ward
/// first then its areas), fiscal year (an index into the manifest's years)
/// and status (an index into `STATUSES`).
struct FacetValues {
    district: Vec<u32>,
    year: Vec<u32>,
    status: Vec<u32>,
}

impl FacetValues {
    fn of(site: &Site) -> FacetValues {
        let mut district_ids = Vec::new();
        let mut next = 0u32;
        for ward in &site.wards {
            district_ids.push((next..next + 1 + ward.areas.len() as u32).collect::<Vec<_>>());
            next += 1 + ward.areas.len() as u32;
        }
        let years = fiscal_years(site);
        let cases = &site.cases;
        FacetValues {
            district: cases
                .iter()
                .map(|c| district_ids[c.ward][c.area.map_or(0, |a| a + 1)])
                .collect(),
            year: cases
                .iter()
                .map(|c| years.binary_search(&c.fiscal_year).unwrap_or(0) as u32)
                .collect(),
            status: cases
                .iter()
                .map(|c| {
                    let key = c.entry.meta.status.key();
                    STATUSES.iter().position(|s| *s == key).unwrap_or(0) as u32
                })
                .collect(),
        }
    }
}

/// `facets.bin`, for filtering and facet counts: the district, year and
/// status of every case as three columns (a byte width, 1 or 2, then one
/// value per case), then per scheme and per theme the set of its cases
/// (`shard::write_set`, so a value costs about what its share of the cases
/// says, not a list entry per case).
fn facets(site: &Site, values: &FacetValues) -> Vec<u8> {
    let cases = site.cases.len() as u32;
    let mut out = Vec::new();
    shard::write_varint(&mut out, cases as u64);
    for column in [&values.district, &values.year, &values.status] {
        let wide = column.iter().any(|&v| v > 0xff);
        out.push(if wide { 2 } else { 1 });
        for &v in column {
            if wide {
                out.extend_from_slice(&(v as u16).to_le_bytes());
            } else {
                out.push(v as u8);
            }
        }
    }
    for scheme in &site.schemes {
        shard::write_set(&mut out, &as_u32(&scheme.cases), cases);
    }
    for theme in &site.themes {
        shard::write_set(&mut out, &as_u32(&theme.cases), cases);
    }
    out
}

fn as_u32(cases: &[usize]) -> Vec<u32> {
    let mut out: Vec<u32> = cases.iter().map(|&c| c as u32).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The hash of every file's path and bytes, one after another: the
/// manifest's version, appended to each fetch so a rebuilt site never mixes
/// old and new files from a cache.
fn version(files: &[OutputFile]) -> String {
    let mut hasher = Fnv1a::default();
    for file in files {
        hasher.write(file.path.as_bytes());
        hasher.write(&file.bytes().unwrap_or_default());
    }
    format!("{:016x}", hasher.finish())
}
