//! Linked data: a case's view → schema.org `Article` as JSON-LD, for search
//! engines and other readers of the page.
//!
//! Made from the [`CaseView`] alone, so it says exactly what the page says
//! (and the live preview re-renders it whenever the page changes). The
//! district is the article's `contentLocation` (the area inside its ward, with
//! coordinates when the case has them), each funding scheme a `funder`, each
//! grant a `MonetaryGrant` in yen, each partner a `contributor`, and each
//! source of its figures a `citation`.

use super::views::CaseView;
use crate::config::Config;
use crate::escape::json_for_script;
use serde::Serialize;

/// The JSON-LD of a case page, escaped for a `<script type="application/ld+json">`.
pub fn article(case: &CaseView, canonical_url: &str, config: &Config) -> String {
    let origin = origin(config);
    let absolute = |href: &str| format!("{origin}{href}");
    let summary = &case.summary;
    let district = &summary.district;
    let ward = Place {
        kind: "Place",
        contained_in: None,
        geo: None,
        name: &district.ward.title,
        url: absolute(&district.ward.href),
    };
    let mut place = match &district.area {
        Some(area) => Place {
            kind: "Place",
            contained_in: Some(Box::new(ward)),
            geo: None,
            name: &district.label,
            url: absolute(&area.href),
        },
        None => ward,
    };
    place.geo = case.location.map(|(latitude, longitude)| Geo {
        kind: "GeoCoordinates",
        latitude,
        longitude,
    });
    let mut funders: Vec<Organization> = Vec::new();
    for grant in &case.grants {
        let funder = Organization {
            kind: "Organization",
            name: &grant.scheme.title,
            url: Some(absolute(&grant.scheme.href)),
        };
        if !funders.contains(&funder) {
            funders.push(funder);
        }
    }
    let organization = |name| Organization {
        kind: "Organization",
        name,
        url: Some(config.base_url.clone()),
    };
    let article = Article {
        citations: case
            .sources
            .iter()
            .map(|source| Citation {
                kind: "CreativeWork",
                date_published: source.date.as_deref(),
                name: &source.title,
                publisher: source.publisher.as_deref().map(|name| Organization {
                    kind: "Organization",
                    name,
                    url: None,
                }),
                url: source.url.as_deref(),
            })
            .collect(),
        context: "https://schema.org",
        kind: "Article",
        content_location: place,
        contributors: case
            .partners
            .iter()
            .map(|name| Organization {
                kind: "Organization",
                name,
                url: None,
            })
            .collect(),
        date_modified: case
            .updated
            .as_ref()
            .unwrap_or(&summary.published)
            .iso
            .as_str(),
        date_published: &summary.published.iso,
        description: &summary.summary,
        funders,
        funding: case
            .grants
            .iter()
            .map(|grant| Grant {
                kind: "MonetaryGrant",
                amount: grant.amount.map(|value| Amount {
                    kind: "MonetaryAmount",
                    currency: "JPY",
                    value,
                }),
                name: &grant.scheme.title,
                url: absolute(&grant.scheme.href),
            })
            .collect(),
        headline: &summary.title,
        images: case.images.iter().map(|i| absolute(&i.src)).collect(),
        language: &config.language,
        is_part_of: Organization {
            kind: "WebSite",
            ..organization(&config.title)
        },
        keywords: summary.themes.iter().map(|t| t.title.as_str()).collect(),
        main_entity_of_page: canonical_url,
        publisher: organization(&config.title),
        url: canonical_url,
    };
    json_for_script(&article)
}

// The records below list their fields in the order of their JSON keys' bytes,
// the order the page has always written them in (a JSON object's keys sorted).

#[derive(Serialize)]
struct Article<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "citation", skip_serializing_if = "Vec::is_empty")]
    citations: Vec<Citation<'a>>,
    #[serde(rename = "contentLocation")]
    content_location: Place<'a>,
    #[serde(rename = "contributor", skip_serializing_if = "Vec::is_empty")]
    contributors: Vec<Organization<'a>>,
    #[serde(rename = "dateModified")]
    date_modified: &'a str,
    #[serde(rename = "datePublished")]
    date_published: &'a str,
    description: &'a str,
    #[serde(rename = "funder", skip_serializing_if = "Vec::is_empty")]
    funders: Vec<Organization<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    funding: Vec<Grant<'a>>,
    headline: &'a str,
    #[serde(rename = "image", skip_serializing_if = "Vec::is_empty")]
    images: Vec<String>,
    #[serde(rename = "inLanguage")]
    language: &'a str,
    #[serde(rename = "isPartOf")]
    is_part_of: Organization<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    keywords: Vec<&'a str>,
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: &'a str,
    publisher: Organization<'a>,
    url: &'a str,
}

#[derive(Serialize)]
struct Place<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "containedInPlace", skip_serializing_if = "Option::is_none")]
    contained_in: Option<Box<Place<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    geo: Option<Geo>,
    name: &'a str,
    url: String,
}

#[derive(Serialize)]
struct Geo {
    #[serde(rename = "@type")]
    kind: &'static str,
    latitude: f64,
    longitude: f64,
}

#[derive(Serialize, PartialEq)]
struct Organization<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct Grant<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount: Option<Amount>,
    name: &'a str,
    url: String,
}

/// A source of the page's figures (SPEC §5.5).
#[derive(Serialize)]
struct Citation<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    date_published: Option<&'a str>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<Organization<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct Amount {
    #[serde(rename = "@type")]
    kind: &'static str,
    currency: &'static str,
    value: u64,
}

/// `https://www.city.example.jp` for `https://www.city.example.jp/machizukuri/jirei/`:
/// hrefs already start with the base path.
fn origin(config: &Config) -> &str {
    config
        .base_url
        .strip_suffix(&config.base_path)
        .unwrap_or(config.base_url.trim_end_matches('/'))
}
