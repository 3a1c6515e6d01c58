//! Map: `content/districts/wards.geojson` → the outlines of the wards, read
//! once per language as its model is built, from the site's files; the
//! render stage only draws them (`render::ward_map`). No tiles and no
//! external service: only the site's own GeoJSON.
//!
//! [`WardMap::load`] reads a FeatureCollection of Polygon or MultiPolygon
//! features whose `name` property is a ward's name (as in
//! `content/districts/`). Without the file there is no map and no error; a
//! file that is not such GeoJSON is an error naming it.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::hash::hash_of;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Where a site keeps the outlines of its wards.
pub const GEOJSON: &str = "content/districts/wards.geojson";

/// One ward's outline: polygons of rings of (longitude, latitude).
#[derive(Debug, Clone)]
pub struct WardShape {
    pub name: String,
    pub polygons: Vec<Vec<Vec<(f64, f64)>>>,
}

#[derive(Debug, Clone)]
pub struct WardMap {
    pub wards: Vec<WardShape>,
    /// A hash of the file, so pages that show the map know when it changed.
    pub fingerprint: u64,
}

impl WardMap {
    /// The ward outlines among a site's files (`assets`, by path), or `None`
    /// when it has none (or they are broken, which the diagnostics then say).
    pub fn load(
        assets: &BTreeMap<String, PathBuf>,
        diagnostics: &mut Diagnostics,
    ) -> Option<WardMap> {
        let path = assets.get(GEOJSON)?;
        let error = |message: String| {
            Diagnostic::error(GEOJSON, message.clone())
                .hint(
                    "give a GeoJSON FeatureCollection of Polygon or MultiPolygon features, \
                     each with a `name` property naming a ward",
                )
                .ja(format!("区の地図（GeoJSON）を読めません: {message}"))
                .ja_hint("Polygon か MultiPolygon の地物からなる GeoJSON の FeatureCollection にし、各地物の `name` に区の名前を書いてください")
        };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                diagnostics.push(error(format!("cannot read the ward map: {e}")));
                return None;
            }
        };
        match parse(&text) {
            Ok(wards) => Some(WardMap {
                wards,
                fingerprint: hash_of(&text),
            }),
            Err(message) => {
                diagnostics.push(error(format!("the ward map is not usable: {message}")));
                None
            }
        }
    }
}

/// The wards of a GeoJSON FeatureCollection.
fn parse(text: &str) -> Result<Vec<WardShape>, String> {
    let root: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let features = root
        .get("features")
        .and_then(Value::as_array)
        .ok_or("no `features` list (a FeatureCollection is expected)")?;
    let mut wards = Vec::new();
    for (i, feature) in features.iter().enumerate() {
        let name = feature
            .pointer("/properties/name")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("feature {i} has no `name` property"))?;
        let geometry = feature
            .get("geometry")
            .ok_or_else(|| format!("feature {i} ({name}) has no geometry"))?;
        let coordinates = geometry.get("coordinates");
        let polygons = match geometry.get("type").and_then(Value::as_str) {
            Some("Polygon") => vec![polygon(coordinates)],
            Some("MultiPolygon") => coordinates
                .and_then(Value::as_array)
                .map(|list| list.iter().map(|p| polygon(Some(p))).collect())
                .unwrap_or_default(),
            other => {
                return Err(format!(
                    "feature {i} ({name}) is a {}, not a Polygon or MultiPolygon",
                    other.unwrap_or("geometry without a type")
                ));
            }
        };
        let polygons: Vec<Vec<Vec<(f64, f64)>>> = polygons.into_iter().flatten().collect();
        if polygons.is_empty() {
            return Err(format!("feature {i} ({name}) has no usable coordinates"));
        }
        wards.push(WardShape {
            name: name.to_string(),
            polygons,
        });
    }
    Ok(wards)
}

/// A Polygon's rings; `None` when a coordinate is not a pair of finite
/// numbers within longitude and latitude ranges.
fn polygon(coordinates: Option<&Value>) -> Option<Vec<Vec<(f64, f64)>>> {
    coordinates?
        .as_array()?
        .iter()
        .map(|ring| {
            ring.as_array()?
                .iter()
                .map(|point| {
                    let lon = point.get(0)?.as_f64()?;
                    let lat = point.get(1)?.as_f64()?;
                    ((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat))
                        .then_some((lon, lat))
                })
                .collect::<Option<Vec<_>>>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SQUARE: &str = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"name":"南区"},"geometry":{"type":"Polygon",
         "coordinates":[[[139.60,35.42],[139.64,35.42],[139.64,35.45],[139.60,35.45],[139.60,35.42]]]}}]}"#;

    #[test]
    fn parses_polygons_and_refuses_what_it_cannot_draw() {
        let wards = parse(SQUARE).unwrap();
        assert_eq!(wards[0].name, "南区");
        assert_eq!(wards[0].polygons[0][0].len(), 5);
        for (text, message) in [
            ("[]", "no `features` list"),
            (
                r#"{"features":[{"properties":{},"geometry":{}}]}"#,
                "feature 0 has no `name` property",
            ),
            (
                r#"{"features":[{"properties":{"name":"a"},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#,
                "feature 0 (a) is a Point",
            ),
            (
                r#"{"features":[{"properties":{"name":"a"},"geometry":{"type":"Polygon","coordinates":[[[500,0]]]}}]}"#,
                "feature 0 (a) has no usable coordinates",
            ),
        ] {
            let error = parse(text).unwrap_err();
            assert!(error.starts_with(message), "{text}: {error}");
        }
    }
}
