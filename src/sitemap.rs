//! Sitemap: the site in each of its languages → `sitemap.xml` and `robots.txt`.

use crate::escape::escape_html as xml;
use crate::model::{Site, href};
use crate::output::OutputFile;
use std::fmt::Write as _;

/// `sites`: the site in each of its languages, the default first; the
/// sitemap lists the pages of all of them.
pub fn files(sites: &[&Site]) -> Vec<OutputFile> {
    let Some(site) = sites.first() else {
        return Vec::new();
    };
    let config = &site.config;
    let entries: Vec<(&str, String, Option<String>)> = sites
        .iter()
        .flat_map(|site| {
            let base_url = site.config.base_url.as_str();
            entries(site)
                .into_iter()
                .map(move |(path, lastmod)| (base_url, path, lastmod))
        })
        .collect();
    let mut sitemap = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (base_url, path, lastmod) in &entries {
        let _ = write!(
            sitemap,
            "  <url><loc>{}{}</loc>",
            xml(base_url),
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

/// A site's pages, with the date each last changed where known.
fn entries(site: &Site) -> Vec<(String, Option<String>)> {
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
    entries.push(("stats/".into(), None));
    if !site.config.is_translation() {
        entries.push(("opendata/".into(), None));
    }
    entries
}
