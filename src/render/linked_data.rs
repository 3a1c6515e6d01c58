//! Linked data: a case's view → schema.org `Article` as JSON-LD, for search
//! engines and other readers of the page.
//!
//! Made from the [`CaseView`] alone, so it says exactly what the page says
//! (and the live preview re-renders it whenever the page changes). The
//! district is the article's `contentLocation` (the area inside its ward, with
//! coordinates when the case has them), each funding scheme a `funder`, each
//! grant a `MonetaryGrant` in yen, and each partner a `contributor`.

use super::views::{CaseView, DateView};
use crate::config::Config;
use crate::escape::json_for_script;
use serde_json::{Map, Value, json};

/// The JSON-LD of a case page, escaped for a `<script type="application/ld+json">`.
pub fn article(case: &CaseView, canonical_url: &str, config: &Config) -> String {
    let origin = origin(config);
    let absolute = |href: &str| format!("{origin}{href}");
    let summary = &case.summary;
    let mut article = Map::new();
    let mut put = |key: &str, value: Value| {
        article.insert(key.to_string(), value);
    };
    put("@context", json!("https://schema.org"));
    put("@type", json!("Article"));
    put("headline", json!(summary.title));
    put("description", json!(summary.summary));
    put("url", json!(canonical_url));
    put("mainEntityOfPage", json!(canonical_url));
    put("inLanguage", json!(config.language));
    put("datePublished", json!(summary.published.iso));
    put(
        "dateModified",
        json!(
            case.updated
                .as_ref()
                .map_or(&summary.published.iso, |d: &DateView| &d.iso)
        ),
    );
    if !case.images.is_empty() {
        put(
            "image",
            case.images
                .iter()
                .map(|i| json!(absolute(&i.src)))
                .collect(),
        );
    }
    if !summary.themes.is_empty() {
        put(
            "keywords",
            summary.themes.iter().map(|t| json!(t.title)).collect(),
        );
    }

    let district = &summary.district;
    let ward = json!({
        "@type": "Place",
        "name": district.ward.title,
        "url": absolute(&district.ward.href),
    });
    let mut place = match &district.area {
        Some(area) => json!({
            "@type": "Place",
            "name": district.label,
            "url": absolute(&area.href),
            "containedInPlace": ward,
        }),
        None => ward,
    };
    if let (Some((lat, lon)), Value::Object(map)) = (case.location, &mut place) {
        map.insert(
            "geo".into(),
            json!({ "@type": "GeoCoordinates", "latitude": lat, "longitude": lon }),
        );
    }
    put("contentLocation", place);

    if !case.grants.is_empty() {
        let mut funders: Vec<Value> = Vec::new();
        for grant in &case.grants {
            let funder = json!({
                "@type": "Organization",
                "name": grant.scheme.title,
                "url": absolute(&grant.scheme.href),
            });
            if !funders.contains(&funder) {
                funders.push(funder);
            }
        }
        put("funder", Value::Array(funders));
        let grants = case
            .grants
            .iter()
            .map(|grant| {
                let mut money = json!({
                    "@type": "MonetaryGrant",
                    "name": grant.scheme.title,
                    "url": absolute(&grant.scheme.href),
                });
                if let (Some(amount), Value::Object(map)) = (grant.amount, &mut money) {
                    map.insert(
                        "amount".into(),
                        json!({ "@type": "MonetaryAmount", "currency": "JPY", "value": amount }),
                    );
                }
                money
            })
            .collect();
        put("funding", grants);
    }
    if !case.partners.is_empty() {
        put(
            "contributor",
            case.partners
                .iter()
                .map(|p| json!({ "@type": "Organization", "name": p }))
                .collect(),
        );
    }
    let site = json!({ "@type": "WebSite", "name": config.title, "url": config.base_url });
    put(
        "publisher",
        json!({ "@type": "Organization", "name": config.title, "url": config.base_url }),
    );
    put("isPartOf", site);
    json_for_script(&Value::Object(article))
}

/// `https://www.city.example.jp` for `https://www.city.example.jp/machizukuri/jirei/`:
/// hrefs already start with the base path.
fn origin(config: &Config) -> &str {
    config
        .base_url
        .strip_suffix(&config.base_path)
        .unwrap_or(config.base_url.trim_end_matches('/'))
}
