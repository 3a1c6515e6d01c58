//! Integration tests: the `casebook` binary run on small fixture sites.

mod harness;

/// Static files: CSS and JS under content-hashed names, the `asset` filter.
mod assets;
/// Command line: subcommands, exit codes, `new`.
mod cli;
/// The fuzz targets' regression corpus, replayed as ordinary tests.
mod fuzz_corpus;
/// Hostile sites: huge, deep, looping, oddly named or unwritable input.
mod hostile;
/// Responsive images: widths, formats, no EXIF or GPS (GIF and WebP too), srcset for case and body images, the cache.
mod images;
/// `casebook import`: workbooks and CSV in a city's layout, Japanese values, located errors, open data read back.
mod import;
/// `casebook init`: a new site that builds at once, and never overwrites.
mod init;
/// No content field or body can put script into any output file.
mod injection;
/// `casebook schema`: JSON Schema from the field table, against a real validator.
mod json_schema;
/// The ward map from the site's GeoJSON: wards and cases as linked, named shapes.
mod map;
/// Open data files: CSV rules and JSON.
mod opendata;
/// Snapshots of the feed, cases.json, a case page's main and a check report.
mod outputs;
/// Properties over generated input: paths stay inside, formats round-trip.
mod properties;
/// Provenance: sources and their marks, made-up examples labelled, require_sources.
mod provenance;
/// Rendered pages: facts panel, Japanese formats, sub-path hrefs, themes.
mod render;
/// The project's own sample site.
mod sample;
/// Front matter and content rules: exact diagnostics with file, line and column.
mod schema;
/// Search index: exact substring results read back from the written files.
mod search;
/// The live preview: incremental rebuilds equal clean builds; what one edit rewrites.
mod serve;
/// Case pages for machines: Open Graph and schema.org JSON-LD, safely escaped.
mod sharing;
/// Statistics: chart numbers are the content's counts; bars link to their cases.
mod stats;
/// Translations: English versions under /en/, hreflang both ways, English formats.
mod translations;
