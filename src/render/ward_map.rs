//! Ward map: the site's ward outlines (`crate::map`) + the cases'
//! `location`s → an SVG map with a point per case, drawn at build time.
//!
//! [`draw`] projects longitude and latitude onto the plane (equirectangular,
//! shrunk by the cosine of the mean latitude, which is true enough at city
//! scale), fits the wards shown into a 360-unit-wide view box, and draws each
//! ward as a link to its page and each located case as a linked point, each
//! with an accessible name.

use crate::escape::escape_html;
use crate::map::{WardMap, WardShape};
use crate::model::{Site, href};
use std::fmt::Write as _;

/// Width of the view box, in SVG units: about the map's width in CSS pixels
/// on a phone, so its text reads at the size the stylesheet gives it there.
const WIDTH: f64 = 360.0;
/// Points closer than this to the previous one are dropped when drawing.
const TOLERANCE: f64 = 0.4;

/// UI text of the map, from the theme's strings.
pub struct Labels {
    pub title: String,
    /// `{located}` and `{count}` are replaced by numbers.
    pub description: String,
}

/// The map of every ward (`ward: None`) or of one ward, with the located
/// cases in it; `None` when there is nothing to draw.
pub fn draw(map: &WardMap, site: &Site, ward: Option<usize>, labels: &Labels) -> Option<String> {
    let shown: Vec<&WardShape> = match ward {
        None => map.wards.iter().collect(),
        Some(w) => map
            .wards
            .iter()
            .filter(|s| s.name == site.wards[w].name)
            .collect(),
    };
    let cases: Vec<usize> = match ward {
        None => (0..site.cases.len()).collect(),
        Some(w) => site.wards[w].cases.clone(),
    };
    let located: Vec<(usize, f64, f64)> = cases
        .iter()
        .filter_map(|&c| {
            let l = site.cases[c].entry.meta.location?;
            Some((c, l.lon, l.lat))
        })
        .collect();
    let points = shown
        .iter()
        .flat_map(|s| s.polygons.iter().flatten().flatten().copied())
        .chain(located.iter().map(|&(_, lon, lat)| (lon, lat)));
    let projection = Projection::fit(points)?;
    let height = projection.height;
    let mut svg = String::new();
    let description = labels
        .description
        .replace("{located}", &located.len().to_string())
        .replace("{count}", &cases.len().to_string());
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ward-map\" viewBox=\"0 0 {WIDTH} {height:.0}\" \
         width=\"100%\" role=\"group\" aria-labelledby=\"ward-map-title\" aria-describedby=\"ward-map-desc\">\
         <title id=\"ward-map-title\">{}</title><desc id=\"ward-map-desc\">{}</desc>",
        escape_html(&labels.title),
        escape_html(&description),
    );
    let base = &site.config.base_path;
    for shape in &shown {
        let page = site.wards.iter().find(|w| w.name == shape.name);
        let d = projection.path(&shape.polygons);
        let label = projection.label_point(&shape.polygons).map(|(x, y)| {
            format!(
                // Above the centre, where a case's point often is.
                "<text class=\"ward-map__label\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                y - 12.0,
                escape_html(&shape.name)
            )
        });
        let ward_path = format!("<path class=\"ward-map__ward\" d=\"{d}\"/>");
        match page {
            Some(w) => {
                let _ = write!(
                    svg,
                    "<a href=\"{}\" class=\"ward-map__link\">{ward_path}{}</a>",
                    escape_html(&href(base, &w.path)),
                    label.unwrap_or_default()
                );
            }
            None => {
                svg.push_str(&ward_path);
                svg.push_str(&label.unwrap_or_default());
            }
        }
    }
    for &(c, lon, lat) in &located {
        let case = &site.cases[c];
        let (x, y) = projection.point(lon, lat);
        let title = escape_html(&case.entry.meta.title);
        let _ = write!(
            svg,
            "<a href=\"{}\" class=\"ward-map__case\" aria-label=\"{title}\">\
             <circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"7\"/><title>{title}</title></a>",
            escape_html(&href(base, &case.path)),
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}

/// Longitude and latitude → view box coordinates.
struct Projection {
    west: f64,
    north: f64,
    /// Longitude degrees shrink by the cosine of the latitude.
    x_scale: f64,
    scale: f64,
    offset: (f64, f64),
    height: f64,
}

impl Projection {
    /// Fits the points into the view box, centred with a 5% margin (so points
    /// at the edge stay whole) and at most 1.2 times as tall as wide; `None`
    /// without points.
    fn fit(points: impl Iterator<Item = (f64, f64)>) -> Option<Projection> {
        const MARGIN: f64 = 0.05;
        let (mut west, mut east, mut south, mut north) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for (lon, lat) in points {
            west = west.min(lon);
            east = east.max(lon);
            south = south.min(lat);
            north = north.max(lat);
        }
        if west > east {
            return None;
        }
        let x_scale = ((south + north) / 2.0).to_radians().cos().abs().max(0.01);
        let span_x = ((east - west) * x_scale).max(1e-6);
        let span_y = (north - south).max(1e-6);
        let usable = 1.0 - 2.0 * MARGIN;
        let scale = (WIDTH * usable / span_x).min(WIDTH * 1.2 * usable / span_y);
        let height = (span_y * scale / usable).max(120.0);
        Some(Projection {
            west,
            north,
            x_scale,
            scale,
            offset: (
                (WIDTH - span_x * scale) / 2.0,
                (height - span_y * scale) / 2.0,
            ),
            height,
        })
    }

    fn point(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            self.offset.0 + (lon - self.west) * self.x_scale * self.scale,
            self.offset.1 + (self.north - lat) * self.scale,
        )
    }

    /// An SVG path of the polygons, dropping points too close to draw apart.
    fn path(&self, polygons: &[Vec<Vec<(f64, f64)>>]) -> String {
        let mut d = String::new();
        for ring in polygons.iter().flatten() {
            let mut last: Option<(f64, f64)> = None;
            for (i, &(lon, lat)) in ring.iter().enumerate() {
                let (x, y) = self.point(lon, lat);
                if let Some((lx, ly)) = last
                    && (x - lx).hypot(y - ly) < TOLERANCE
                    && i + 1 != ring.len()
                {
                    continue;
                }
                let _ = write!(d, "{}{x:.1},{y:.1}", if last.is_none() { "M" } else { "L" });
                last = Some((x, y));
            }
            if last.is_some() {
                d.push('Z');
            }
        }
        d
    }

    /// Where to write a ward's name: the centroid of its largest polygon's
    /// outer ring.
    fn label_point(&self, polygons: &[Vec<Vec<(f64, f64)>>]) -> Option<(f64, f64)> {
        let ring = polygons
            .iter()
            .filter_map(|p| p.first())
            .max_by(|a, b| ring_area(a).abs().total_cmp(&ring_area(b).abs()))?;
        let area = ring_area(ring);
        if area.abs() < 1e-12 {
            let (lon, lat) = *ring.first()?;
            return Some(self.point(lon, lat));
        }
        let (mut cx, mut cy) = (0.0, 0.0);
        for pair in ring.windows(2) {
            let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
            let cross = x0 * y1 - x1 * y0;
            cx += (x0 + x1) * cross;
            cy += (y0 + y1) * cross;
        }
        Some(self.point(cx / (6.0 * area), cy / (6.0 * area)))
    }
}

/// Signed area of a closed ring (shoelace), in squared degrees.
fn ring_area(ring: &[(f64, f64)]) -> f64 {
    ring.windows(2)
        .map(|p| p[0].0 * p[1].1 - p[1].0 * p[0].1)
        .sum::<f64>()
        / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 南区 as a square.
    fn square() -> Vec<WardShape> {
        let ring = [
            (139.60, 35.42),
            (139.64, 35.42),
            (139.64, 35.45),
            (139.60, 35.45),
            (139.60, 35.42),
        ];
        vec![WardShape {
            name: "南区".into(),
            polygons: vec![vec![ring.to_vec()]],
        }]
    }

    #[test]
    fn the_projection_keeps_north_up_and_everything_inside() {
        let wards = square();
        let points = wards[0].polygons[0][0].iter().copied();
        let projection = Projection::fit(points).unwrap();
        let (west_x, north_y) = projection.point(139.60, 35.45);
        let (east_x, south_y) = projection.point(139.64, 35.42);
        assert!(west_x < east_x && north_y < south_y);
        for (x, y) in [(west_x, north_y), (east_x, south_y)] {
            assert!((0.0..=WIDTH).contains(&x), "{x}");
            assert!((0.0..=projection.height).contains(&y), "{y}");
        }
        // Centred: equal margins left and right.
        assert!((west_x - (WIDTH - east_x)).abs() < 0.5, "{west_x} {east_x}");
        let (cx, cy) = projection.label_point(&wards[0].polygons).unwrap();
        assert!((cx - (west_x + east_x) / 2.0).abs() < 0.5);
        assert!((cy - (north_y + south_y) / 2.0).abs() < 0.5);
    }
}
