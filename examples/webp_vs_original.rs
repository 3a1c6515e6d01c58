//! Whether lossless WebP (all the `image` crate can encode) is smaller than
//! the original format at the widths casebook publishes, image by image:
//! the measurement behind publishing WebP only when it is smaller.
//!
//! Usage: cargo run --release --example webp_vs_original -- <image> ...

use image::ImageEncoder;

fn encode(image: &image::DynamicImage, webp: bool, png: bool) -> usize {
    let mut out = Vec::new();
    let (w, h) = (image.width(), image.height());
    let rgb = image.to_rgb8();
    // Transparency is kept in PNG and WebP, as casebook does.
    let (pixels, color) = if image.color().has_alpha() && (webp || png) {
        (image.to_rgba8().into_raw(), image::ExtendedColorType::Rgba8)
    } else {
        (rgb.as_raw().clone(), image::ExtendedColorType::Rgb8)
    };
    let result = if webp {
        image::codecs::webp::WebPEncoder::new_lossless(&mut out).write_image(&pixels, w, h, color)
    } else if png {
        image::codecs::png::PngEncoder::new_with_quality(
            &mut out,
            image::codecs::png::CompressionType::Best,
            image::codecs::png::FilterType::Adaptive,
        )
        .write_image(&pixels, w, h, color)
    } else {
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82).write_image(
            rgb.as_raw(),
            w,
            h,
            image::ExtendedColorType::Rgb8,
        )
    };
    result.expect("encodes");
    out.len()
}

fn main() {
    println!("image\twidth\toriginal format bytes\tlossless WebP bytes\tWebP/original");
    for path in std::env::args().skip(1) {
        let image = image::open(&path).expect("decodes");
        let png = path.to_ascii_lowercase().ends_with(".png");
        for width in casebook::images::widths_for(image.width()) {
            let height =
                (u64::from(image.height()) * u64::from(width) / u64::from(image.width())) as u32;
            let sized =
                image.resize_exact(width, height.max(1), image::imageops::FilterType::Lanczos3);
            let (original, webp) = (encode(&sized, false, png), encode(&sized, true, png));
            let name = path.rsplit('/').next().unwrap_or(&path);
            println!(
                "{name}\t{width}\t{original}\t{webp}\t{:.2}",
                webp as f64 / original as f64
            );
        }
    }
}
