//! Images: the image files that pages use → metadata-free copies; JPEG and
//! PNG also in a few widths, in their own format and (when smaller) WebP, with
//! what pages need to offer them ([`Images`]: `srcset`, `width`, `height`).
//!
//! 1. Take the image files among the assets (images beside a case, and images
//!    a body links); every other file is left to be copied as is.
//! 2. Hash each JPEG and PNG file's bytes. When the cache
//!    (`.casebook-cache/images/` in the site root) holds that hash's
//!    renditions, reuse them; otherwise decode the image, turn it upright as
//!    its EXIF orientation says, resize it to each width and encode it.
//!    Encoding from pixels writes no EXIF, XMP or IPTC, so GPS positions and
//!    camera data never reach the published files; only the colour profile is
//!    carried over.
//! 3. The largest rendition replaces the original at its own path (links to the
//!    file keep working); the smaller ones go beside it as `name-640w.jpg`.
//!    An original that is already upright and no wider than the largest width
//!    is published as it is with its metadata cut out, when that is smaller
//!    than encoding it again (re-encoding a well-compressed JPEG grows it).
//! 4. GIF and WebP files are published in their own pixels, never decoded,
//!    so an animation keeps every frame: only their metadata blocks are cut
//!    out (a WebP's `EXIF` and `XMP ` chunks, a GIF's comments and XMP
//!    application extension). A file laid out otherwise goes out as it is,
//!    with a warning.
//! 5. Remove from the cache whatever this build did not use, so it holds one
//!    site's images and never grows without bound.
//!
//! WebP: the `image` crate encodes WebP only losslessly, which makes photos
//! larger than a JPEG, so a WebP set is published only when it is smaller than
//! the original format's, width by width in total (typically for PNG
//! screenshots and diagrams); encoding stops at the first width where it is not.
//!
//! The metadata of each format is cut by a small walker over its blocks
//! (`strip_jpeg`, `strip_png`, `strip_webp`, `strip_gif`), which copies the
//! blocks that draw the image and drops the rest without touching pixels.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Contents, OutputFile, Sink};
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageReader};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// Where resized images are kept between builds, under the site root.
pub const CACHE_DIR: &str = ".casebook-cache/images";

/// Rendition widths in CSS pixels. The content column is at most 40em (640px)
/// wide, so 1280 covers it on a 2× screen and 320 a phone's half column.
pub const WIDTHS: [u32; 4] = [320, 640, 960, 1280];

/// The widest rendition; larger photos are scaled down to it.
pub const MAX_WIDTH: u32 = 1280;

/// JPEG quality of the renditions (0–100).
const JPEG_QUALITY: u8 = 82;

/// Changes whenever the renditions would come out differently (widths,
/// quality, filter), so that old cache entries are not reused.
const SETTINGS: &str = "casebook-images-v2 320,640,960,1280 q82 lanczos3 png-best webp-lossless";

/// Larger images are refused rather than risk the build's memory.
const MAX_PIXELS: u64 = 100_000_000;

/// How the content column of a case page is laid out, for `sizes`: full width
/// less the page padding on a phone, 40em from 42em up.
pub const CASE_IMAGE_SIZES: &str = "(min-width: 42em) 40em, calc(100vw - 2rem)";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    Jpeg,
    Png,
    WebP,
}

impl Format {
    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::WebP => "image/webp",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::WebP => "webp",
        }
    }

    /// The format of a file by its name; `None` for files left as they are.
    fn of_path(path: &str) -> Option<Format> {
        let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "jpg" | "jpeg" => Some(Format::Jpeg),
            "png" => Some(Format::Png),
            _ => None,
        }
    }
}

/// A format published in its own pixels with only its metadata cut out:
/// resizing would cost an animated GIF or WebP its frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unresized {
    Gif,
    WebP,
}

impl Unresized {
    fn of_path(path: &str) -> Option<Unresized> {
        let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "gif" => Some(Unresized::Gif),
            "webp" => Some(Unresized::WebP),
            _ => None,
        }
    }
}

/// One published file of an image.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rendition {
    /// Output path, `cases/a/exterior-320w.jpg`.
    pub path: String,
    pub width: u32,
    pub height: u32,
    pub format: Format,
}

/// An image as pages offer it: its renditions, narrowest first, in the
/// original format and (when smaller) in WebP.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Responsive {
    /// The largest rendition's size, for the `<img>`'s `width` and `height`.
    pub width: u32,
    pub height: u32,
    pub renditions: Vec<Rendition>,
}

impl Responsive {
    /// The renditions in one format, narrowest first.
    pub fn in_format(&self, format: Format) -> impl Iterator<Item = &Rendition> {
        self.renditions.iter().filter(move |r| r.format == format)
    }

    /// The format of the image itself (JPEG or PNG).
    pub fn original_format(&self) -> Option<Format> {
        self.renditions
            .iter()
            .map(|r| r.format)
            .find(|&f| f != Format::WebP)
    }

    /// The renditions in one format as a `srcset` (`a-320w.jpg 320w, a.jpg 640w`),
    /// each output path made an href by `href`; `None` when there are none.
    pub fn srcset(&self, format: Format, href: impl Fn(&str) -> String) -> Option<String> {
        let entries: Vec<String> = self
            .in_format(format)
            .map(|r| format!("{} {}w", href(&r.path), r.width))
            .collect();
        (!entries.is_empty()).then(|| entries.join(", "))
    }
}

/// Every published image, by the output path of the original
/// (`cases/a/exterior.jpg`).
#[derive(Debug, Default)]
pub struct Images {
    by_path: BTreeMap<String, Responsive>,
}

impl Images {
    pub fn get(&self, output_path: &str) -> Option<&Responsive> {
        self.by_path.get(output_path)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Responsive)> {
        self.by_path.iter()
    }
}

/// What the images stage does with each image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// Resize and encode (or take from the cache), and send every rendition
    /// to the sink: `build` and `serve`.
    Publish,
    /// Read each JPEG and PNG's header only (format, size, orientation) and
    /// say which renditions a build would make, without encoding anything or
    /// touching the cache: `check`, which writes nothing.
    Inspect,
}

/// Takes the image files out of `assets`, publishes their renditions (JPEG,
/// PNG) or their metadata-free copies (GIF, WebP) into `sink`, and says what
/// renditions were published. A file that cannot be read is an error naming it.
/// With [`Work::Inspect`] nothing is encoded or written, and the renditions
/// are those a build would make in the image's own format.
pub fn publish(
    root: &Path,
    assets: &mut Vec<OutputFile>,
    diagnostics: &mut Diagnostics,
    sink: &Sink<'_>,
    work: Work,
) -> Images {
    let mut sources = Vec::new();
    assets.retain(|file| match (&file.contents, Format::of_path(&file.path)) {
        (Contents::Copy(source), Some(format)) => {
            sources.push((file.path.clone(), source.clone(), format));
            false
        }
        _ => true,
    });
    sources.sort();
    // Named while the GIF and WebP files are still among the assets, so that
    // no rendition takes one's path.
    let names = Names::new(assets, &sources);
    let mut unresized = Vec::new();
    assets.retain(
        |file| match (&file.contents, Unresized::of_path(&file.path)) {
            (Contents::Copy(source), Some(format)) => {
                unresized.push((file.path.clone(), source.clone(), format));
                false
            }
            _ => true,
        },
    );
    let problems: Vec<Diagnostic> = unresized
        .par_iter()
        .filter_map(|(path, source, format)| publish_unresized(root, path, source, *format, sink))
        .collect();
    problems.into_iter().for_each(|d| diagnostics.push(d));
    if work == Work::Inspect {
        let outcomes: Vec<Outcome> = sources
            .par_iter()
            .map(|(path, source, format)| inspect_one(root, path, source, *format, &names))
            .collect();
        let mut images = Images::default();
        for outcome in outcomes {
            match outcome {
                Outcome::Published {
                    path, responsive, ..
                } => {
                    images.by_path.insert(path, responsive);
                }
                Outcome::AsIs(diagnostic) => diagnostics.push(*diagnostic),
            }
        }
        return images;
    }
    let cache = Cache::new(root);
    let outcomes: Vec<Outcome> = sources
        .par_iter()
        .map(|(path, source, format)| {
            publish_one(root, path, source, *format, &names, &cache, sink)
        })
        .collect();
    let mut images = Images::default();
    let mut used = BTreeSet::new();
    for outcome in outcomes {
        match outcome {
            Outcome::Published {
                path,
                responsive,
                key,
            } => {
                used.insert(key);
                images.by_path.insert(path, responsive);
            }
            Outcome::AsIs(diagnostic) => diagnostics.push(*diagnostic),
        }
    }
    if !diagnostics.has_errors() {
        cache.prune(&used);
    }
    images
}

enum Outcome {
    Published {
        path: String,
        responsive: Responsive,
        /// The cache key its renditions are kept under.
        key: String,
    },
    /// Not published as renditions, for the reason given: an image that cannot
    /// be decoded is a warning and goes out as it is (its metadata cut out
    /// when its layout allows), a file that cannot be read is an error.
    AsIs(Box<Diagnostic>),
}

/// One image's renditions, from the cache or freshly made, sent to `sink`.
fn publish_one(
    root: &Path,
    path: &str,
    source: &Path,
    format: Format,
    names: &Names,
    cache: &Cache,
    sink: &Sink<'_>,
) -> Outcome {
    let file = root_relative(root, source);
    let bytes = match std::fs::read(source) {
        Ok(bytes) => bytes,
        Err(e) => return unreadable(&file, &e),
    };
    let key = cache_key(&bytes);
    let set = match cache.load(&key, format) {
        Some(set) => set,
        None => match encode(&bytes, format) {
            Ok(set) => {
                cache.store(&key, &set);
                set
            }
            Err(message) => {
                let published = strip_metadata(&bytes, format).unwrap_or(bytes);
                sink(OutputFile::new(path, published));
                return Outcome::AsIs(Box::new(
                    Diagnostic::warning(
                        &file,
                        format!("cannot read image ({message}); published as it is, without smaller sizes"),
                    ).ja(format!("画像を読み取れません（{message}）。縮小版は作らず、そのまま公開します"))
                    .hint("save it again as a baseline JPEG or a PNG; the file may be damaged").ja_hint("ベースライン JPEG か PNG で保存し直してください。ファイルが壊れているかもしれません"),
                ));
            }
        },
    };
    Outcome::Published {
        path: path.to_string(),
        responsive: names.publish(path, set, sink),
        key,
    }
}

/// An image file that cannot be read at all.
fn unreadable(file: &str, e: &std::io::Error) -> Outcome {
    Outcome::AsIs(Box::new(
        Diagnostic::error(file, format!("cannot read image: {e}"))
            .ja(format!("画像を読めません: {e}"))
            .hint("check that the file is readable")
            .ja_hint("ファイルが読める状態か確かめてください"),
    ))
}

/// What [`publish_one`] would publish, from the image's header alone: its
/// upright size gives the widths. Reports what `publish_one` reports when the
/// file cannot be read or its header does not decode.
fn inspect_one(root: &Path, path: &str, source: &Path, format: Format, names: &Names) -> Outcome {
    let file = root_relative(root, source);
    let opened = std::fs::File::open(source).map(std::io::BufReader::new);
    let reader = match opened {
        Ok(reader) => reader,
        Err(e) => return unreadable(&file, &e),
    };
    let (width, height) = match upright_size(reader, format) {
        Ok(size) => size,
        Err(message) => {
            return Outcome::AsIs(Box::new(
                Diagnostic::warning(
                    &file,
                    format!(
                        "cannot read image ({message}); published as it is, without smaller sizes"
                    ),
                )
                .ja(format!(
                    "画像を読み取れません（{message}）。縮小版は作らず、そのまま公開します"
                ))
                .hint("save it again as a baseline JPEG or a PNG; the file may be damaged")
                .ja_hint(
                    "ベースライン JPEG か PNG で保存し直してください。ファイルが壊れているかもしれません",
                ),
            ));
        }
    };
    let widths = widths_for(width);
    let largest = *widths.last().unwrap_or(&width);
    let renditions = widths
        .iter()
        .filter_map(|&w| {
            Some(Rendition {
                path: names.path(path, w, format, w == largest)?,
                width: w,
                height: scaled_height(width, height, w),
                format,
            })
        })
        .collect();
    Outcome::Published {
        path: path.to_string(),
        responsive: Responsive {
            width: largest,
            height: scaled_height(width, height, largest),
            renditions,
        },
        key: String::new(),
    }
}

/// A decoder for an image of `format`, and its stored size, refused when it
/// holds more pixels than a site publishes (read from the header alone).
fn open_decoder<'a, R: std::io::BufRead + std::io::Seek + 'a>(
    reader: R,
    format: Format,
) -> Result<(impl image::ImageDecoder + 'a, (u32, u32)), String> {
    let mut reader = ImageReader::new(reader);
    reader.set_format(match format {
        Format::Jpeg => image::ImageFormat::Jpeg,
        Format::Png => image::ImageFormat::Png,
        Format::WebP => image::ImageFormat::WebP,
    });
    let decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!(
            "{w}×{h} pixels is more than this site publishes; scale it down first"
        ));
    }
    Ok((decoder, (w, h)))
}

/// An image's size once turned upright, read from its header; the pixels
/// are not decoded.
fn upright_size(
    reader: impl std::io::BufRead + std::io::Seek,
    format: Format,
) -> Result<(u32, u32), String> {
    let (mut decoder, (w, h)) = open_decoder(reader, format)?;
    if w == 0 || h == 0 {
        return Err("the image is empty".into());
    }
    let orientation = decoder.orientation().map_err(|e| e.to_string())?;
    use image::metadata::Orientation::*;
    Ok(match orientation {
        Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH => (h, w),
        _ => (w, h),
    })
}

/// Publishes a GIF or WebP file with its metadata cut out; one laid out
/// otherwise than its format says goes out as it is, with a warning.
fn publish_unresized(
    root: &Path,
    path: &str,
    source: &Path,
    format: Unresized,
    sink: &Sink<'_>,
) -> Option<Diagnostic> {
    let file = root_relative(root, source);
    let bytes = match std::fs::read(source) {
        Ok(bytes) => bytes,
        Err(e) => {
            return Some(
                Diagnostic::error(&file, format!("cannot read image: {e}"))
                    .ja(format!("画像を読めません: {e}"))
                    .hint("check that the file is readable")
                    .ja_hint("ファイルが読める状態か確かめてください"),
            );
        }
    };
    let (stripped, name) = match format {
        Unresized::Gif => (strip_gif(&bytes), "GIF"),
        Unresized::WebP => (strip_webp(&bytes), "WebP"),
    };
    match stripped {
        Some(stripped) => {
            sink(OutputFile::new(path, stripped));
            None
        }
        None => {
            sink(OutputFile::new(path, bytes));
            Some(
                Diagnostic::warning(
                    &file,
                    format!("not a well-formed {name} file; published as it is, with any metadata it holds"),
                ).ja(format!("{name} ファイルとして正しい形ではありません。含まれる情報ごと、そのまま公開します"))
                .hint(format!("save it again as a {name}; the file may be damaged")).ja_hint(format!("{name} として保存し直してください。ファイルが壊れているかもしれません")),
            )
        }
    }
}

fn root_relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The cache key of an image file: its content hash, with the settings that
/// shape the renditions.
///
/// SHA-256, not `crate::hash`: the key alone picks the renditions a page
/// publishes, from a folder kept between builds, so two images must never
/// share one (64 bits of FNV-1a make that a matter of chance), and keys
/// written by earlier builds stay valid.
fn cache_key(bytes: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(SETTINGS.as_bytes());
    hasher.update([0]);
    hasher.update(bytes);
    hasher.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The widths an image of `width` is published in: the standard widths well
/// below it (a 700px photo gets no 640px copy), then itself, capped.
pub fn widths_for(width: u32) -> Vec<u32> {
    let largest = width.min(MAX_WIDTH);
    let mut widths: Vec<u32> = WIDTHS
        .iter()
        .copied()
        .filter(|&w| u64::from(w) * 10 < u64::from(largest) * 9)
        .collect();
    widths.push(largest);
    widths
}

/// One image's encoded renditions, before they are given output paths.
struct EncodedSet {
    /// Size of the upright image at its largest rendition.
    width: u32,
    height: u32,
    format: Format,
    /// Narrowest first, in the original format.
    original: Vec<Encoded>,
    /// The same widths in WebP, or empty when WebP is not smaller.
    webp: Vec<Encoded>,
}

/// Width, height and encoded bytes of one rendition.
type Encoded = (u32, u32, Vec<u8>);

/// Decodes an image, turns it upright, and encodes every rendition.
fn encode(bytes: &[u8], format: Format) -> Result<EncodedSet, String> {
    let (mut decoder, _) = open_decoder(Cursor::new(bytes), format)?;
    let orientation = decoder.orientation().map_err(|e| e.to_string())?;
    let icc_profile = decoder.icc_profile().ok().flatten();
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    image.apply_orientation(orientation);
    let (width, height) = (image.width(), image.height());
    if width == 0 || height == 0 {
        return Err("the image is empty".into());
    }

    let widths = widths_for(width);
    let largest = *widths.last().unwrap_or(&width);
    let base = if largest < width {
        resize(&image, width, height, largest)
    } else {
        image
    };
    let mut original = Vec::new();
    let mut webp = Vec::new();
    let mut trying_webp = true;
    let total = |set: &[Encoded]| set.iter().map(|(_, _, b)| b.len()).sum::<usize>();
    for &w in &widths {
        let sized;
        let image = if w == largest {
            &base
        } else {
            sized = resize(&base, base.width(), base.height(), w);
            &sized
        };
        let h = image.height();
        let icc = icc_profile.as_deref();
        let mut encoded = encode_one(image, format, icc)?;
        if w == width
            && orientation == image::metadata::Orientation::NoTransforms
            && let Some(stripped) = strip_metadata(bytes, format)
            && stripped.len() <= encoded.len()
        {
            encoded = stripped;
        }
        original.push((w, h, encoded));
        // Lossless WebP is slow to encode and, for photos, larger from the
        // narrowest width on: stop trying as soon as it is not smaller.
        if trying_webp {
            webp.push((w, h, encode_one(image, Format::WebP, icc)?));
            trying_webp = total(&webp) < total(&original);
        }
    }
    if !trying_webp {
        webp.clear();
    }
    Ok(EncodedSet {
        width: largest,
        height: scaled_height(width, height, largest),
        format,
        original,
        webp,
    })
}

fn scaled_height(width: u32, height: u32, new_width: u32) -> u32 {
    let h = (u64::from(height) * u64::from(new_width) + u64::from(width) / 2) / u64::from(width);
    (h as u32).max(1)
}

fn resize(image: &DynamicImage, width: u32, height: u32, new_width: u32) -> DynamicImage {
    image.resize_exact(
        new_width,
        scaled_height(width, height, new_width),
        image::imageops::FilterType::Lanczos3,
    )
}

fn encode_one(image: &DynamicImage, format: Format, icc: Option<&[u8]>) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let grey = !image.color().has_color();
    let alpha = image.color().has_alpha();
    // 16-bit and float images are published as 8-bit, which is what screens show.
    let pixels: DynamicImage = match (format, grey, alpha) {
        (Format::Jpeg, true, _) => image.to_luma8().into(),
        (Format::Jpeg, false, _) => image.to_rgb8().into(),
        (_, true, false) if format == Format::Png => image.to_luma8().into(),
        (_, true, true) if format == Format::Png => image.to_luma_alpha8().into(),
        (_, _, true) => image.to_rgba8().into(),
        (_, _, false) => image.to_rgb8().into(),
    };
    let (w, h) = (pixels.width(), pixels.height());
    let color = pixels.color().into();
    let result = match format {
        Format::Jpeg => {
            let mut encoder =
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
            if let Some(icc) = icc {
                let _ = encoder.set_icc_profile(icc.to_vec());
            }
            encoder.write_image(pixels.as_bytes(), w, h, color)
        }
        Format::Png => {
            let mut encoder = image::codecs::png::PngEncoder::new_with_quality(
                &mut out,
                image::codecs::png::CompressionType::Best,
                image::codecs::png::FilterType::Adaptive,
            );
            if let Some(icc) = icc {
                let _ = encoder.set_icc_profile(icc.to_vec());
            }
            encoder.write_image(pixels.as_bytes(), w, h, color)
        }
        Format::WebP => {
            let mut encoder = image::codecs::webp::WebPEncoder::new_lossless(&mut out);
            if let Some(icc) = icc {
                let _ = encoder.set_icc_profile(icc.to_vec());
            }
            encoder.write_image(pixels.as_bytes(), w, h, color)
        }
    };
    result.map_err(|e| e.to_string())?;
    Ok(out)
}

/// The file itself without its metadata, for when it is already the size a
/// rendition would be: cutting segments out loses nothing, where encoding
/// again would lose detail and often grow an already small file. `None` when
/// the file is not laid out as expected.
///
/// JPEG keeps only what decoding needs: JFIF (APP0), the colour profile
/// (APP2 `ICC_PROFILE`), Adobe's colour transform (APP14), the tables and the
/// scans, and nothing after the end marker (where phones append previews and
/// motion-photo videos). PNG drops `eXIf`, `tEXt`, `zTXt`, `iTXt` and `tIME`.
fn strip_metadata(bytes: &[u8], format: Format) -> Option<Vec<u8>> {
    match format {
        Format::Jpeg => strip_jpeg(bytes),
        Format::Png => strip_png(bytes),
        Format::WebP => None,
    }
}

fn strip_jpeg(bytes: &[u8]) -> Option<Vec<u8>> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut out = vec![0xFF, 0xD8];
    let mut at = 2;
    loop {
        // Markers may be padded with extra 0xFF bytes.
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let (&0xFF, &marker) = (bytes.get(at)?, bytes.get(at + 1)?) else {
            return None;
        };
        if marker == 0xD9 {
            out.extend_from_slice(&[0xFF, 0xD9]);
            return Some(out);
        }
        if matches!(marker, 0x01 | 0xD0..=0xD7) {
            // Markers without a length.
            out.extend_from_slice(&[0xFF, marker]);
            at += 2;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([
            *bytes.get(at + 2)?,
            *bytes.get(at + 3)?,
        ]));
        let segment = bytes.get(at..at + 2 + length)?;
        let payload = &segment[4..];
        let keep = match marker {
            0xE0 => payload.starts_with(b"JFIF\0") || payload.starts_with(b"JFXX\0"),
            0xE2 => payload.starts_with(b"ICC_PROFILE\0"),
            0xEE => payload.starts_with(b"Adobe"),
            0xE1 | 0xE3..=0xED | 0xEF | 0xFE => false,
            _ => true,
        };
        if keep {
            out.extend_from_slice(segment);
        }
        at += 2 + length;
        if marker == 0xDA {
            // Scan data, then more tables and scans (progressive), up to the
            // end marker: entropy-coded data never holds 0xFF 0xD9.
            let rest = bytes.get(at..)?;
            let end = rest.windows(2).position(|w| w == [0xFF, 0xD9])?;
            out.extend_from_slice(&rest[..end + 2]);
            return Some(out);
        }
    }
}

fn strip_png(bytes: &[u8]) -> Option<Vec<u8>> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !bytes.starts_with(SIGNATURE) {
        return None;
    }
    let mut out = SIGNATURE.to_vec();
    let mut at = SIGNATURE.len();
    loop {
        let length = u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize;
        let chunk = bytes.get(at..at.checked_add(12 + length)?)?;
        let kind = &chunk[4..8];
        if !matches!(kind, b"eXIf" | b"tEXt" | b"zTXt" | b"iTXt" | b"tIME") {
            out.extend_from_slice(chunk);
        }
        at += chunk.len();
        if kind == b"IEND" {
            return Some(out);
        }
    }
}

/// A WebP file without its metadata: only the chunks that draw the image are
/// kept (`VP8 `, `VP8L`, `VP8X`, `ALPH`, `ANIM`, `ANMF`, `ICCP`), so `EXIF`,
/// `XMP ` and any chunk the format does not define are dropped (readers skip
/// unknown chunks, so no pixel depends on one). The `VP8X` header's EXIF and
/// XMP flags are cleared to match, and the RIFF size is written anew. `None`
/// when the file is not laid out as a RIFF WebP.
fn strip_webp(bytes: &[u8]) -> Option<Vec<u8>> {
    const KEPT: [&[u8; 4]; 7] = [
        b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP",
    ];
    const EXIF_AND_XMP_FLAGS: u8 = 0x08 | 0x04;
    if bytes.get(..4)? != b"RIFF" || bytes.get(8..12)? != b"WEBP" {
        return None;
    }
    let size = u32::from_le_bytes(bytes.get(4..8)?.try_into().ok()?) as usize;
    // The size counts from `WEBP`; anything after the RIFF chunk is not the image's.
    let body = bytes.get(12..size.checked_add(8)?)?;
    let mut chunks = Vec::with_capacity(body.len());
    let mut at = 0;
    while at < body.len() {
        let id = body.get(at..at + 4)?;
        let length = u32::from_le_bytes(body.get(at + 4..at + 8)?.try_into().ok()?) as usize;
        let start = at + 8;
        let mut data = body.get(start..start.checked_add(length)?)?.to_vec();
        // Chunks are padded to an even length; some writers leave the last
        // one's pad byte out.
        at = (start + length + length % 2).min(body.len());
        if !KEPT.iter().any(|kept| kept.as_slice() == id) {
            continue;
        }
        if id == b"VP8X" {
            *data.first_mut()? &= !EXIF_AND_XMP_FLAGS;
        }
        chunks.extend_from_slice(id);
        chunks.extend_from_slice(&(length as u32).to_le_bytes());
        chunks.extend_from_slice(&data);
        if length % 2 == 1 {
            chunks.push(0);
        }
    }
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&u32::try_from(chunks.len() + 4).ok()?.to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(&chunks);
    Some(out)
}

/// A GIF file without its metadata: the header, colour tables, frames and the
/// extensions that say how to show them (graphic control: delay and
/// transparency; plain text; the looping and colour-profile application
/// extensions) are kept; comments, the XMP application extension and any
/// other extension are dropped, as is anything after the trailer. A file that
/// ends without its trailer (a truncated download, which browsers still show)
/// gets one. `None` when the file is not laid out as a GIF.
fn strip_gif(bytes: &[u8]) -> Option<Vec<u8>> {
    /// Application extensions that change how the image looks or plays.
    const KEPT_APPLICATIONS: [&[u8; 11]; 3] = [b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012"];
    let header = bytes.get(..13)?;
    if !header.starts_with(b"GIF87a") && !header.starts_with(b"GIF89a") {
        return None;
    }
    // Logical screen descriptor, then the global colour table if it has one.
    let mut at = 13 + colour_table_length(header[10]);
    let mut out = bytes.get(..at)?.to_vec();
    loop {
        match bytes.get(at) {
            None => {
                out.push(0x3B);
                return Some(out);
            }
            Some(0x3B) => {
                out.push(0x3B);
                return Some(out);
            }
            Some(0x2C) => {
                // Image descriptor, local colour table, LZW code size, data.
                let descriptor = bytes.get(at..at + 10)?;
                let data = at + 10 + colour_table_length(descriptor[9]) + 1;
                let end = sub_blocks_end(bytes, data)?;
                out.extend_from_slice(&bytes[at..end]);
                at = end;
            }
            Some(0x21) => {
                let label = *bytes.get(at + 1)?;
                let end = sub_blocks_end(bytes, at + 2)?;
                let keep = match label {
                    0xF9 | 0x01 => true,
                    0xFF => bytes
                        .get(at + 2..at + 14)
                        .and_then(|block| block.split_first())
                        .is_some_and(|(&length, name)| {
                            length == 11
                                && KEPT_APPLICATIONS.iter().any(|kept| kept.as_slice() == name)
                        }),
                    _ => false,
                };
                if keep {
                    out.extend_from_slice(&bytes[at..end]);
                }
                at = end;
            }
            Some(_) => return None,
        }
    }
}

/// The length of the colour table a GIF descriptor's packed byte announces.
fn colour_table_length(packed: u8) -> usize {
    if packed & 0x80 == 0 {
        0
    } else {
        3 << ((packed & 0x07) + 1)
    }
}

/// Where a GIF's run of data sub-blocks starting at `at` ends: each is a length
/// byte and that many bytes, and a zero length ends the run.
fn sub_blocks_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let length = usize::from(*bytes.get(at)?);
        at += 1 + length;
        if length == 0 {
            return Some(at);
        }
    }
}

/// Output paths of the renditions. The largest rendition in the original
/// format takes the original's path; the others are `stem-640w.ext`. A path
/// already taken by another file is skipped, so nothing is overwritten.
struct Names {
    taken: BTreeSet<String>,
    /// Images whose stem another image in the same folder shares
    /// (`a.jpg`, `a.png`): their WebP files keep the whole name (`a.png-640w.webp`).
    shared_stems: BTreeSet<String>,
}

impl Names {
    fn new(assets: &[OutputFile], sources: &[(String, PathBuf, Format)]) -> Names {
        let mut taken: BTreeSet<String> = assets.iter().map(|a| a.path.clone()).collect();
        taken.extend(sources.iter().map(|(p, _, _)| p.clone()));
        let mut stems: BTreeMap<&str, usize> = BTreeMap::new();
        for (path, _, _) in sources {
            *stems.entry(stem(path)).or_default() += 1;
        }
        let shared_stems = sources
            .iter()
            .filter(|(p, _, _)| stems.get(stem(p)).copied().unwrap_or(0) > 1)
            .map(|(p, _, _)| p.clone())
            .collect();
        Names {
            taken,
            shared_stems,
        }
    }

    fn path(&self, original: &str, width: u32, format: Format, largest: bool) -> Option<String> {
        if largest && format != Format::WebP {
            return Some(original.to_string());
        }
        let extension = match format {
            Format::WebP => "webp".to_string(),
            _ => original.rsplit_once('.').map_or("", |(_, e)| e).to_string(),
        };
        let stem = if format == Format::WebP && self.shared_stems.contains(original) {
            original
        } else {
            stem(original)
        };
        let path = format!("{stem}-{width}w.{extension}");
        (!self.taken.contains(&path)).then_some(path)
    }

    /// Sends one image's renditions to `sink` under their output paths.
    fn publish(&self, original: &str, set: EncodedSet, sink: &Sink<'_>) -> Responsive {
        let mut renditions = Vec::new();
        let largest = set.width;
        for (format, files) in [(set.format, set.original), (Format::WebP, set.webp)] {
            for (width, height, encoded) in files {
                let Some(path) = self.path(original, width, format, width == largest) else {
                    continue;
                };
                sink(OutputFile::new(path.clone(), encoded));
                renditions.push(Rendition {
                    path,
                    width,
                    height,
                    format,
                });
            }
        }
        Responsive {
            width: set.width,
            height: set.height,
            renditions,
        }
    }
}

/// `cases/a/exterior.jpg` → `cases/a/exterior`.
fn stem(path: &str) -> &str {
    match path.rsplit_once('.') {
        Some((stem, _)) if !stem.ends_with('/') && !stem.is_empty() => stem,
        _ => path,
    }
}

/// Renditions kept between builds: `<key>-<width>.<ext>` per file, and a
/// manifest `<key>.txt` (`width height format webp|-`) written last, so an
/// entry without its manifest is incomplete and made again.
struct Cache {
    dir: PathBuf,
}

impl Cache {
    fn new(root: &Path) -> Cache {
        Cache {
            dir: root.join(CACHE_DIR),
        }
    }

    fn file(&self, key: &str, width: u32, format: Format) -> PathBuf {
        self.dir
            .join(format!("{key}-{width}.{}", format.extension()))
    }

    fn load(&self, key: &str, format: Format) -> Option<EncodedSet> {
        let manifest = std::fs::read_to_string(self.dir.join(format!("{key}.txt"))).ok()?;
        let mut fields = manifest.split_whitespace();
        let width: u32 = fields.next()?.parse().ok()?;
        let height: u32 = fields.next()?.parse().ok()?;
        let stored_format = match fields.next()? {
            "jpg" => Format::Jpeg,
            "png" => Format::Png,
            _ => return None,
        };
        let with_webp = fields.next()? == "webp";
        if stored_format != format || width == 0 {
            return None;
        }
        let sizes: Vec<(u32, u32)> = widths_for(width)
            .into_iter()
            .map(|w| (w, scaled_height(width, height, w)))
            .collect();
        let files = |format: Format| -> Option<Vec<Encoded>> {
            sizes
                .iter()
                .map(|&(w, h)| {
                    let path = self.file(key, w, format);
                    // Read now rather than copy later: another build of the same
                    // site may prune the cache before this one writes its output.
                    let bytes = std::fs::read(&path).ok()?;
                    Some((w, h, bytes))
                })
                .collect()
        };
        Some(EncodedSet {
            width,
            height,
            format,
            original: files(format)?,
            webp: if with_webp {
                files(Format::WebP)?
            } else {
                Vec::new()
            },
        })
    }

    /// Keeps the renditions for the next build; a cache that cannot be
    /// written only costs time, so failures are ignored.
    fn store(&self, key: &str, set: &EncodedSet) {
        if std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        for (format, files) in [(set.format, &set.original), (Format::WebP, &set.webp)] {
            for (width, _, bytes) in files {
                if !self.write(&self.file(key, *width, format), bytes) {
                    return;
                }
            }
        }
        let manifest = format!(
            "{} {} {} {}\n",
            set.width,
            set.height,
            set.format.extension(),
            if set.webp.is_empty() { "-" } else { "webp" }
        );
        self.write(&self.dir.join(format!("{key}.txt")), manifest.as_bytes());
    }

    /// Writes through a temporary file, so a reader never sees half a file.
    fn write(&self, path: &Path, bytes: &[u8]) -> bool {
        let Some(name) = path.file_name() else {
            return false;
        };
        let temporary = self.dir.join(format!(
            ".tmp-{}-{}",
            std::process::id(),
            name.to_string_lossy()
        ));
        std::fs::write(&temporary, bytes).is_ok() && std::fs::rename(&temporary, path).is_ok()
    }

    /// Removes every entry whose key this build did not use, and temporary
    /// files left by a build that was stopped an hour or more ago.
    fn prune(&self, used: &BTreeSet<String>) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            let stale = if name.starts_with(".tmp-") {
                entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.elapsed().ok())
                    .is_some_and(|age| age.as_secs() > 3600)
            } else {
                let key = name.split(['-', '.']).next().unwrap_or_default();
                !used.contains(key)
            };
            if stale {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_upscale_and_skip_near_duplicates() {
        for (width, expected) in [
            (100, vec![100]),
            (320, vec![320]),
            (340, vec![340]),
            (400, vec![320, 400]),
            (640, vec![320, 640]),
            (700, vec![320, 700]),
            (1000, vec![320, 640, 1000]),
            (1280, vec![320, 640, 960, 1280]),
            (4032, vec![320, 640, 960, 1280]),
        ] {
            assert_eq!(widths_for(width), expected, "{width}");
        }
    }

    #[test]
    fn heights_keep_the_aspect_ratio() {
        for (w, h, new_w, expected) in [
            (640, 400, 320, 200),
            (4032, 3024, 1280, 960),
            (1000, 1, 320, 1),
            (3, 2, 2, 1),
        ] {
            assert_eq!(scaled_height(w, h, new_w), expected);
        }
    }

    #[test]
    fn rendition_names() {
        let sources = vec![
            ("cases/a/x.jpg".to_string(), PathBuf::new(), Format::Jpeg),
            ("cases/a/y.jpg".to_string(), PathBuf::new(), Format::Jpeg),
            ("cases/a/y.png".to_string(), PathBuf::new(), Format::Png),
        ];
        let assets = vec![OutputFile::new("cases/a/x-320w.webp", "")];
        let names = Names::new(&assets, &sources);
        for (original, width, format, largest, expected) in [
            (
                "cases/a/x.jpg",
                640,
                Format::Jpeg,
                true,
                Some("cases/a/x.jpg"),
            ),
            (
                "cases/a/x.jpg",
                320,
                Format::Jpeg,
                false,
                Some("cases/a/x-320w.jpg"),
            ),
            (
                "cases/a/x.jpg",
                640,
                Format::WebP,
                true,
                Some("cases/a/x-640w.webp"),
            ),
            // Taken by a file of the site: not overwritten.
            ("cases/a/x.jpg", 320, Format::WebP, false, None),
            (
                "cases/a/y.png",
                320,
                Format::WebP,
                false,
                Some("cases/a/y.png-320w.webp"),
            ),
            (
                "cases/a/y.png",
                320,
                Format::Png,
                false,
                Some("cases/a/y-320w.png"),
            ),
        ] {
            assert_eq!(
                names.path(original, width, format, largest).as_deref(),
                expected,
                "{original} {width} {format:?}"
            );
        }
    }

    /// A GIF block: an extension (`0x21`, its label, then `blocks` as data
    /// sub-blocks).
    fn extension(label: u8, blocks: &[&[u8]]) -> Vec<u8> {
        let mut out = vec![0x21, label];
        for block in blocks {
            out.push(block.len() as u8);
            out.extend_from_slice(block);
        }
        out.push(0);
        out
    }

    /// One 1×1 frame with its graphic control extension (delay, transparency).
    fn gif_frame(colour: u8, delay: u8) -> Vec<u8> {
        let mut out = extension(0xF9, &[&[0x04, delay, 0, 0]]);
        // Image descriptor at 0,0, 1×1, no local colour table.
        out.extend([0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0]);
        // LZW minimum code size 2; clear, the pixel, end of information.
        out.extend([0x02, 0x02, 0x44 | (colour << 3), 0x01, 0x00]);
        out
    }

    /// XMP in a GIF is written raw inside an application extension and
    /// followed by a 258-byte "magic trailer", so that a reader walking
    /// sub-blocks lands on the terminator whatever the packet holds.
    fn gif_xmp(packet: &[u8]) -> Vec<u8> {
        let mut out = vec![0x21, 0xFF, 11];
        out.extend_from_slice(b"XMP DataXMP");
        out.extend_from_slice(packet);
        out.push(0x01);
        out.extend((0..=255u8).rev());
        out.push(0x00);
        out
    }

    struct Gif {
        /// The parts in file order, each marked kept or not.
        parts: Vec<(bool, Vec<u8>)>,
    }

    impl Gif {
        /// An animated GIF of two frames that loops, with a comment and XMP
        /// saying where it was taken.
        fn animated_with_metadata() -> Gif {
            let mut head = b"GIF89a".to_vec();
            // 1×1 screen, a global colour table of 2 colours.
            head.extend([1, 0, 1, 0, 0x80, 0, 0]);
            head.extend([0, 0, 0, 255, 255, 255]);
            Gif {
                parts: vec![
                    (true, head),
                    (true, extension(0xFF, &[b"NETSCAPE2.0", &[1, 0, 0]])),
                    (false, extension(0xFE, &[b"GPS 35.4428N 139.6380E"])),
                    (false, gif_xmp(b"<x:xmpmeta><exif:GPSLatitude>35,26.57N</exif:GPSLatitude></x:xmpmeta>")),
                    (true, gif_frame(0, 10)),
                    (false, extension(0xFF, &[b"MGKIPTC0000", b"by-line"])),
                    (true, gif_frame(1, 10)),
                    (true, vec![0x3B]),
                ],
            }
        }

        fn bytes(&self) -> Vec<u8> {
            self.parts
                .iter()
                .flat_map(|(_, part)| part.clone())
                .collect()
        }

        fn kept(&self) -> Vec<u8> {
            self.parts
                .iter()
                .filter(|(kept, _)| *kept)
                .flat_map(|(_, part)| part.clone())
                .collect()
        }
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn assert_none_left(stripped: &[u8], gone: &[&[u8]]) {
        for needle in gone {
            let name = String::from_utf8_lossy(needle);
            assert!(!contains(stripped, needle), "{name}");
        }
    }

    fn image_descriptors(gif: &[u8]) -> usize {
        let mut count = 0;
        let mut at = 13 + colour_table_length(gif[10]);
        while let Some(&byte) = gif.get(at) {
            at = match byte {
                0x2C => {
                    count += 1;
                    sub_blocks_end(gif, at + 10 + colour_table_length(gif[at + 9]) + 1).unwrap()
                }
                0x21 => sub_blocks_end(gif, at + 2).unwrap(),
                _ => break,
            };
        }
        count
    }

    #[test]
    fn gif_metadata_is_cut_and_every_frame_kept() {
        let gif = Gif::animated_with_metadata();
        let input = gif.bytes();
        assert!(contains(&input, b"GPS") && contains(&input, b"XMP DataXMP"));
        let stripped = strip_gif(&input).unwrap();
        assert_eq!(stripped, gif.kept());
        assert_none_left(
            &stripped,
            &[b"GPS", b"XMP", b"xmpmeta", b"MGKIPTC", b"by-line"],
        );
        assert_eq!(image_descriptors(&input), 2);
        assert_eq!(image_descriptors(&stripped), 2);
        assert!(contains(&stripped, b"NETSCAPE2.0"), "it still loops");
        // Stripping twice changes nothing more.
        assert_eq!(strip_gif(&stripped).unwrap(), stripped);
    }

    #[test]
    fn gif_layouts() {
        let gif = Gif::animated_with_metadata();
        let input = gif.bytes();
        let kept = gif.kept();
        let mut trailing = input.clone();
        trailing.extend(b"appended after the trailer");
        let mut old = input.clone();
        old[..6].copy_from_slice(b"GIF87a");
        let mut old_kept = kept.clone();
        old_kept[..6].copy_from_slice(b"GIF87a");
        for (name, input, expected) in [
            ("anything after the trailer", trailing, Some(kept.clone())),
            (
                "no trailer",
                input[..input.len() - 1].to_vec(),
                Some(kept.clone()),
            ),
            ("GIF87a", old, Some(old_kept)),
            (
                "cut inside a frame",
                input[..input.len() - 4].to_vec(),
                None,
            ),
            ("cut inside the colour table", input[..15].to_vec(), None),
            ("not a GIF", b"PNG89a and more bytes".to_vec(), None),
            (
                "an unknown block",
                [&input[..19], &[0x99][..], &input[19..]].concat(),
                None,
            ),
            ("empty", Vec::new(), None),
        ] {
            assert_eq!(strip_gif(&input), expected, "{name}");
        }
    }

    fn riff_chunk(id: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = id.to_vec();
        out.extend((data.len() as u32).to_le_bytes());
        out.extend_from_slice(data);
        if data.len() % 2 == 1 {
            out.push(0);
        }
        out
    }

    fn riff(chunks: &[Vec<u8>]) -> Vec<u8> {
        let body: Vec<u8> = chunks.concat();
        let mut out = b"RIFF".to_vec();
        out.extend(((body.len() + 4) as u32).to_le_bytes());
        out.extend_from_slice(b"WEBP");
        out.extend(body);
        out
    }

    /// The `VP8L` chunk of a lossless 2×2 WebP of one colour.
    fn vp8l(colour: [u8; 3]) -> Vec<u8> {
        let image = image::RgbImage::from_pixel(2, 2, image::Rgb(colour));
        let mut webp = Vec::new();
        image::codecs::webp::WebPEncoder::new_lossless(&mut webp)
            .encode(image.as_raw(), 2, 2, image::ExtendedColorType::Rgb8)
            .unwrap();
        assert_eq!(&webp[12..16], b"VP8L");
        webp[12..].to_vec()
    }

    /// An animation frame: at 0,0, 2×2, shown for 100 ms.
    fn anmf(colour: [u8; 3]) -> Vec<u8> {
        let mut data = vec![0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 100, 0, 0, 0];
        data.extend(vp8l(colour));
        riff_chunk(b"ANMF", &data)
    }

    /// VP8X flags: animation, EXIF and XMP; a 2×2 canvas.
    const VP8X_FLAGS: u8 = 0x02 | 0x08 | 0x04;

    fn animated_webp(metadata: &[Vec<u8>]) -> Vec<u8> {
        let mut chunks = vec![
            riff_chunk(b"VP8X", &[VP8X_FLAGS, 0, 0, 0, 1, 0, 0, 1, 0, 0]),
            riff_chunk(b"ANIM", &[255, 255, 255, 255, 0, 0]),
            anmf([200, 40, 40]),
            anmf([40, 40, 200]),
        ];
        chunks.extend_from_slice(metadata);
        riff(&chunks)
    }

    fn webp_frames(bytes: &[u8]) -> usize {
        use image::AnimationDecoder;
        let decoder = image::codecs::webp::WebPDecoder::new(Cursor::new(bytes)).unwrap();
        decoder.into_frames().collect_frames().unwrap().len()
    }

    const GPS_EXIF: &[u8] = b"Exif\0\0MM\0\x2a\0\0\0\x08GPS 35.4428N";
    const XMP_PACKET: &[u8] =
        b"<x:xmpmeta><exif:GPSLatitude>35,26.57N</exif:GPSLatitude></x:xmpmeta>";

    #[test]
    fn webp_metadata_is_cut_and_every_frame_kept() {
        let metadata = [
            riff_chunk(b"EXIF", GPS_EXIF),
            riff_chunk(b"XMP ", XMP_PACKET),
            riff_chunk(b"ZZZZ", b"unknown, odd-length"),
        ];
        let input = animated_webp(&metadata);
        assert_eq!(webp_frames(&input), 2);
        let stripped = strip_webp(&input).unwrap();
        let mut expected = animated_webp(&[]);
        // The header no longer announces EXIF or XMP.
        expected[20] = 0x02;
        assert_eq!(stripped, expected);
        assert_none_left(&stripped, &[b"EXIF", b"XMP ", b"GPS", b"xmpmeta", b"ZZZZ"]);
        assert_eq!(webp_frames(&stripped), 2);
        assert_eq!(strip_webp(&stripped).unwrap(), stripped);
    }

    #[test]
    fn webp_layouts() {
        let simple = riff(&[vp8l([1, 2, 3])]);
        let odd = riff(&[vp8l([1, 2, 3]), riff_chunk(b"EXIF", b"odd")]);
        let mut unpadded = odd.clone();
        // The last chunk's pad byte left out, and the size saying so.
        unpadded.pop();
        let size = (unpadded.len() - 8) as u32;
        unpadded[4..8].copy_from_slice(&size.to_le_bytes());
        let mut trailing = simple.clone();
        trailing.extend(b"appended");
        let mut overlong = simple.clone();
        overlong[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        let mut chunk_too_long = simple.clone();
        chunk_too_long[16..20].copy_from_slice(&1000u32.to_le_bytes());
        for (name, input, expected) in [
            ("nothing to cut", simple.clone(), Some(simple.clone())),
            (
                "an odd-length chunk with its pad byte",
                odd,
                Some(simple.clone()),
            ),
            ("the last pad byte left out", unpadded, Some(simple.clone())),
            (
                "anything after the RIFF chunk",
                trailing,
                Some(simple.clone()),
            ),
            ("a size past the end", overlong, None),
            ("a chunk past the end", chunk_too_long, None),
            ("not a WebP", b"RIFF\x04\0\0\0WAVE".to_vec(), None),
            ("cut in the header", b"RIFF".to_vec(), None),
        ] {
            assert_eq!(strip_webp(&input), expected, "{name}");
        }
    }
}
