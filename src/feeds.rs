//! Feeds: `&Site` → `feed.xml`, an Atom feed of the newest cases.
//!
//! Its dates come from the content (never the clock), so two builds of the
//! same input give the same bytes.

use crate::escape::escape_html as xml;
use crate::model::{Site, href};
use crate::output::OutputFile;
use std::fmt::Write as _;

const FEED_ENTRIES: usize = 20;

pub fn files(site: &Site) -> Vec<OutputFile> {
    let config = &site.config;
    let url = |path: &str| format!("{}{}", config.base_url, href("", path));
    let updated = site
        .cases
        .iter()
        .map(|c| c.entry.meta.updated.unwrap_or(c.entry.meta.published))
        .max()
        .map_or_else(|| "1970-01-01".to_string(), |d| d.to_string());
    let mut feed = String::new();
    let _ = writeln!(feed, r#"<?xml version="1.0" encoding="utf-8"?>"#);
    let _ = writeln!(
        feed,
        r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{}">"#,
        xml(&config.language)
    );
    let _ = writeln!(feed, "  <title>{}</title>", xml(&config.title));
    let _ = writeln!(feed, "  <subtitle>{}</subtitle>", xml(&config.description));
    let _ = writeln!(
        feed,
        r#"  <link rel="alternate" type="text/html" href="{}"/>"#,
        xml(&config.base_url)
    );
    let _ = writeln!(
        feed,
        r#"  <link rel="self" type="application/atom+xml" href="{}"/>"#,
        xml(&url("feed.xml"))
    );
    let _ = writeln!(feed, "  <id>{}</id>", xml(&config.base_url));
    let _ = writeln!(feed, "  <updated>{updated}T00:00:00+09:00</updated>");
    for case in site.cases.iter().take(FEED_ENTRIES) {
        let meta = &case.entry.meta;
        let link = url(&case.path);
        let _ = writeln!(feed, "  <entry>");
        if meta.illustrative {
            // A feed reader shows the title alone: the label goes into it.
            let label = illustrative_label(&config.language);
            let _ = writeln!(feed, "    <title>[{label}] {}</title>", xml(&meta.title));
        } else {
            let _ = writeln!(feed, "    <title>{}</title>", xml(&meta.title));
        }
        let _ = writeln!(
            feed,
            r#"    <link rel="alternate" type="text/html" href="{}"/>"#,
            xml(&link)
        );
        let _ = writeln!(feed, "    <id>{}</id>", xml(&link));
        let _ = writeln!(
            feed,
            "    <published>{}T00:00:00+09:00</published>",
            meta.published
        );
        let _ = writeln!(
            feed,
            "    <updated>{}T00:00:00+09:00</updated>",
            meta.updated.unwrap_or(meta.published)
        );
        let _ = writeln!(
            feed,
            "    <author><name>{}</name></author>",
            xml(&config.title)
        );
        let _ = writeln!(feed, "    <summary>{}</summary>", xml(&meta.summary));
        for theme in &meta.themes {
            let _ = writeln!(feed, r#"    <category term="{}"/>"#, xml(theme));
        }
        if meta.illustrative {
            let label = illustrative_label(&config.language);
            let _ = writeln!(
                feed,
                r#"    <category term="illustrative" label="{label}"/>"#
            );
        }
        let _ = writeln!(feed, "  </entry>");
    }
    feed.push_str("</feed>\n");
    vec![OutputFile::new("feed.xml", feed)]
}

/// The label of a made-up example (SPEC §5.5), as the theme's
/// `illustrative` string says it in the site's two languages.
fn illustrative_label(language: &str) -> &'static str {
    match language {
        "ja" => "架空の事例",
        _ => "Fictional example",
    }
}
