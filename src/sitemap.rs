//! Sitemap: `&Site` → `sitemap.xml` and `robots.txt`.

use crate::escape::escape_html as xml;
use crate::model::{Site, href};
use crate::output::OutputFile;
use std::fmt::Write as _;

pub fn files(site: &Site) -> Vec<OutputFile> {
    let config = &site.config;
    let mut entries: Vec<(String, Option<String>)> =
        vec![(String::new(), None), ("cases/".into(), None)];
    for case in &site.cases {
        let meta = &case.entry.meta;
        entries.push((
            case.path.clone(),
            Some(meta.updated.unwrap_or(meta.published).to_string()),
        ));
    }
    entries.push(("districts/".into(), None));
    for ward in &site.wards {
        entries.push((ward.path.clone(), None));
        entries.extend(ward.areas.iter().map(|a| (a.path.clone(), None)));
    }
    entries.push(("funding/".into(), None));
    entries.extend(site.schemes.iter().map(|s| (s.path.clone(), None)));
    entries.push(("themes/".into(), None));
    entries.extend(site.themes.iter().map(|t| (t.path.clone(), None)));
    entries.extend(site.pages.iter().map(|p| (p.path.clone(), None)));
    entries.push(("search/".into(), None));
    entries.push(("opendata/".into(), None));
    entries.push(("stats/".into(), None));

    let mut sitemap = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (path, lastmod) in &entries {
        let _ = write!(
            sitemap,
            "  <url><loc>{}{}</loc>",
            xml(&config.base_url),
            xml(&href("", path))
        );
        if let Some(lastmod) = lastmod {
            let _ = write!(sitemap, "<lastmod>{lastmod}</lastmod>");
        }
        sitemap.push_str("</url>\n");
    }
    sitemap.push_str("</urlset>\n");
    let robots = format!(
        "User-agent: *\nAllow: /\nSitemap: {}sitemap.xml\n",
        config.base_url
    );
    vec![
        OutputFile::new("sitemap.xml", sitemap),
        OutputFile::new("robots.txt", robots),
    ]
}
