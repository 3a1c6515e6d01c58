//! Responsive images: the renditions casebook publishes have the promised
//! widths and formats, carry no EXIF (no GPS position), and the case page
//! offers them with `srcset`, `sizes`, `width` and `height`, for its images
//! and for those its body shows. GIF and WebP files keep their pixels and
//! lose their metadata.

use crate::harness::{Run, SiteTest, walk};
use std::collections::BTreeMap;
use std::path::Path;

const FIXTURE: &str = "images/basic";
const PHOTO: &str = "content/cases/photos/photo.jpg";
const DIAGRAM: &str = "content/cases/photos/diagram.png";

/// 35° 26′ 34.56″ N as EXIF rationals: what must not be published.
const LATITUDE: [u8; 24] = [
    0, 0, 0, 35, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0, 1, 0, 0, 0x0d, 0x80, 0, 0, 0, 100,
];

/// An EXIF block (big-endian TIFF) with an orientation and a GPS latitude.
fn exif(orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    // IFD0 at 8: Orientation, and the pointer to the GPS IFD at 38.
    tiff.extend([0, 2]);
    tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1]);
    tiff.extend(orientation.to_be_bytes());
    tiff.extend([0, 0]);
    tiff.extend([0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    tiff.extend([0, 0, 0, 0]);
    // GPS IFD at 38: GPSLatitudeRef `N`, GPSLatitude (3 rationals at 68).
    tiff.extend([0, 2]);
    tiff.extend([0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend([0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, 68]);
    tiff.extend([0, 0, 0, 0]);
    assert_eq!(tiff.len(), 68);
    tiff.extend(LATITUDE);
    let mut segment = b"Exif\0\0".to_vec();
    segment.extend(tiff);
    segment
}

/// A 600×400 photo-like JPEG (smooth light and fine grain) taken with the
/// phone turned: EXIF orientation 6 says to turn it a quarter clockwise, so
/// it is 400×600 upright. Its EXIF holds a GPS position.
fn phone_photo() -> Vec<u8> {
    let jpeg = photo(600, 400);
    let segment = exif(6);
    let length = (segment.len() + 2) as u16;
    let mut with_exif = vec![0xFF, 0xD8, 0xFF, 0xE1];
    with_exif.extend(length.to_be_bytes());
    with_exif.extend(segment);
    with_exif.extend(&jpeg[2..]);
    with_exif
}

/// A 400×240 diagram of flat colours, as PNG.
fn diagram() -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(400, 240, |x, y| match (x / 80 + y / 80) % 3 {
        0 => image::Rgb([255, 255, 255]),
        1 => image::Rgb([23, 63, 109]),
        _ => image::Rgb([240, 200, 80]),
    });
    let mut png = Vec::new();
    pixels
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png
}

fn site() -> SiteTest {
    SiteTest::fixture(FIXTURE)
        .file(PHOTO, phone_photo())
        .file(DIAGRAM, diagram())
}

fn bytes(run: &Run, path: &str) -> Vec<u8> {
    let full = run.root.join("public").join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The format (by its magic bytes) and size of an image file.
fn format_and_size(bytes: &[u8]) -> (image::ImageFormat, (u32, u32)) {
    let reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .unwrap();
    let format = reader.format().unwrap();
    (format, reader.into_dimensions().unwrap())
}

/// `url 320w, url 640w` → url → width.
fn srcset(value: &str) -> BTreeMap<String, u32> {
    value
        .split(", ")
        .map(|entry| {
            let (url, width) = entry.rsplit_once(' ').unwrap();
            (
                url.to_string(),
                width.trim_end_matches('w').parse().unwrap(),
            )
        })
        .collect()
}

fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// The `<picture>` of the image whose `<img>` has `alt`.
fn picture<'a>(html: &'a str, alt: &str) -> &'a str {
    let img = html.find(&format!("alt=\"{alt}\"")).unwrap();
    let start = html[..img].rfind("<picture>").unwrap();
    &html[start..start + html[start..].find("</picture>").unwrap()]
}

#[test]
fn images_come_in_the_promised_widths_and_formats() {
    let run = site().build();
    run.expect_success();
    use image::ImageFormat::{Jpeg, Png, WebP};
    for (path, format, size) in [
        // Upright, so portrait; never wider than itself.
        ("cases/photos/photo.jpg", Jpeg, (400, 600)),
        ("cases/photos/photo-320w.jpg", Jpeg, (320, 480)),
        ("cases/photos/diagram.png", Png, (400, 240)),
        ("cases/photos/diagram-320w.png", Png, (320, 192)),
        // Lossless WebP beats PNG on flat colours, so it is published.
        ("cases/photos/diagram-320w.webp", WebP, (320, 192)),
        ("cases/photos/diagram-400w.webp", WebP, (400, 240)),
    ] {
        assert_eq!(
            format_and_size(&bytes(&run, path)),
            (format, size),
            "{path}"
        );
    }
    assert!(
        !run.output_exists("cases/photos/photo-640w.jpg"),
        "no upscaling"
    );
    // A width close to the image's own is not worth a file: a 340px image
    // gets no 320px copy.
    assert_eq!(casebook::images::widths_for(340), [340]);
    // Every rendition a page names exists with the width it is named with;
    // a WebP set is named only when it was published, and then only if
    // smaller than the original format's.
    let main = run.main_html("cases/photos/index.html");
    for alt in ["縦に撮った写真", "配置図"] {
        let picture = picture(&main, alt);
        let img = &picture[picture.find("<img").unwrap()..];
        let mut totals = Vec::new();
        for set in [
            attribute(img, "srcset"),
            picture
                .find("<source")
                .and_then(|at| attribute(&picture[at..], "srcset")),
        ]
        .into_iter()
        .flatten()
        {
            let mut total = 0;
            for (url, width) in srcset(set) {
                let file = bytes(&run, url.strip_prefix("/jirei/").unwrap());
                assert_eq!(format_and_size(&file).1.0, width, "{url}");
                total += file.len();
            }
            totals.push(total);
        }
        if let [original, webp] = totals[..] {
            assert!(webp < original, "{alt}: WebP {webp} ≥ {original}");
        }
    }
    assert!(picture(&main, "配置図").contains("<source type=\"image/webp\""));
}

#[test]
fn published_images_carry_no_exif_and_no_gps_position() {
    let site = site();
    let source = std::fs::read(site.root.join(PHOTO)).unwrap();
    assert!(source.windows(4).any(|w| w == b"Exif"));
    assert!(source.windows(LATITUDE.len()).any(|w| w == LATITUDE));
    let run = site.build();
    run.expect_success();
    let public = run.root.join("public");
    let mut images = 0;
    for entry in walk(&public) {
        if !entry.ends_with(".jpg") && !entry.ends_with(".png") && !entry.ends_with(".webp") {
            continue;
        }
        images += 1;
        let file = std::fs::read(public.join(&entry)).unwrap();
        assert!(!file.windows(4).any(|w| w == b"Exif"), "{entry} has EXIF");
        assert!(
            !file.windows(LATITUDE.len()).any(|w| w == LATITUDE),
            "{entry} has the GPS latitude"
        );
    }
    assert!(images >= 6, "only {images} images");
}

#[test]
fn the_case_page_offers_srcset_sizes_width_and_height() {
    let run = site().build();
    run.expect_success();
    let main = run.main_html("cases/photos/index.html");
    let sizes = "(min-width: 42em) 40em, calc(100vw - 2rem)";
    let expected = format!(
        "<img src=\"/jirei/cases/photos/photo.jpg\" srcset=\"/jirei/cases/photos/photo-320w.jpg 320w, \
         /jirei/cases/photos/photo.jpg 400w\" sizes=\"{sizes}\" width=\"400\" height=\"600\" \
         alt=\"縦に撮った写真\" loading=\"lazy\" decoding=\"async\">"
    );
    assert!(main.contains(&expected), "{main}");
    let expected = format!(
        "<source type=\"image/webp\" srcset=\"/jirei/cases/photos/diagram-320w.webp 320w, \
         /jirei/cases/photos/diagram-400w.webp 400w\" \
         sizes=\"{sizes}\">"
    );
    assert!(main.contains(&expected), "{main}");
    assert!(main.contains("width=\"400\" height=\"240\" alt=\"配置図\""));
}

/// XMP saying where a picture was taken.
const XMP: &[u8] = b"<x:xmpmeta><exif:GPSLatitude>35,26.57N</exif:GPSLatitude></x:xmpmeta>";

/// A 1×1 GIF with a comment and an XMP application extension (its packet
/// written raw and followed by the 258-byte trailer that lets readers skip it).
fn gif_with_metadata() -> (Vec<u8>, Vec<u8>) {
    let mut head = b"GIF89a".to_vec();
    head.extend([1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255]);
    let mut comment = vec![0x21, 0xFE, 11];
    comment.extend(b"GPS 35.44 N");
    comment.push(0);
    let mut xmp = vec![0x21, 0xFF, 11];
    xmp.extend(b"XMP DataXMP");
    xmp.extend(XMP);
    xmp.push(0x01);
    xmp.extend((0..=255u8).rev());
    xmp.push(0);
    let frame = [
        0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
    ];
    let file = [&head[..], &comment, &xmp, &frame].concat();
    let stripped = [&head[..], &frame].concat();
    (file, stripped)
}

fn riff_chunk(id: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = id.to_vec();
    chunk.extend((data.len() as u32).to_le_bytes());
    chunk.extend(data);
    if data.len() % 2 == 1 {
        chunk.push(0);
    }
    chunk
}

/// A 3×2 lossless WebP with an EXIF chunk (the GPS position) and an XMP one.
fn webp_with_metadata() -> Vec<u8> {
    let pixels = image::RgbImage::from_pixel(3, 2, image::Rgb([23, 63, 109]));
    let mut simple = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut simple)
        .encode(pixels.as_raw(), 3, 2, image::ExtendedColorType::Rgb8)
        .unwrap();
    // VP8X: EXIF and XMP flags, a 3×2 canvas; then the image and the metadata.
    let body = [
        &b"WEBP"[..],
        &riff_chunk(b"VP8X", &[0x08 | 0x04, 0, 0, 0, 2, 0, 0, 1, 0, 0]),
        &simple[12..],
        &riff_chunk(b"EXIF", &exif(1)[6..]),
        &riff_chunk(b"XMP ", XMP),
    ]
    .concat();
    let mut file = b"RIFF".to_vec();
    file.extend((body.len() as u32).to_le_bytes());
    file.extend(body);
    file
}

#[test]
fn gif_and_webp_files_go_out_in_their_own_pixels_without_metadata() {
    let (gif, stripped_gif) = gif_with_metadata();
    let webp = webp_with_metadata();
    assert_eq!(format_and_size(&webp), (image::ImageFormat::WebP, (3, 2)));
    let run = site()
        .file("content/cases/photos/moving.gif", &gif)
        .file("content/cases/photos/still.webp", &webp)
        .build();
    run.expect_success();
    assert_eq!(bytes(&run, "cases/photos/moving.gif"), stripped_gif);
    let published = bytes(&run, "cases/photos/still.webp");
    assert_eq!(
        format_and_size(&published),
        (image::ImageFormat::WebP, (3, 2))
    );
    let decoded = |file: &[u8]| image::load_from_memory(file).unwrap().to_rgb8();
    assert_eq!(decoded(&published), decoded(&webp), "the same pixels");
    for (name, gone) in [("EXIF", &b"EXIF"[..]), ("XMP", b"XMP "), ("GPS", &LATITUDE)] {
        assert!(
            !published.windows(gone.len()).any(|w| w == gone),
            "{name} is still there"
        );
    }
    assert!(webp.windows(LATITUDE.len()).any(|w| w == LATITUDE));
    assert!(gif.windows(XMP.len()).any(|w| w == XMP));
}

/// A GIF cut short inside a frame cannot be walked: it goes out as it is,
/// with a warning that says so.
#[test]
fn a_damaged_gif_is_a_warning_and_goes_out_as_it_is() {
    let (gif, _) = gif_with_metadata();
    let damaged = &gif[..gif.len() - 3];
    let run = site()
        .file("content/cases/photos/moving.gif", damaged)
        .build();
    run.expect_success().expect_stderr_contains(
        "content/cases/photos/moving.gif: warning: not a well-formed GIF file; published as it is",
    );
    assert_eq!(bytes(&run, "cases/photos/moving.gif"), damaged);
}

const BODY_FIXTURE: &str = "images/body";
const BODY_PHOTO: &str = "content/cases/engawa.jpg";

/// A photo-like JPEG of `width`×`height` (smooth light and fine grain).
fn photo(width: u32, height: u32) -> Vec<u8> {
    let mut seed = 54321u32;
    let pixels = image::RgbImage::from_fn(width, height, |x, y| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let grain = (seed >> 24) as i32 % 24 - 12;
        let shade = |base: i32| (base + grain).clamp(0, 255) as u8;
        image::Rgb([
            shade((x / 5) as i32),
            shade((y / 3) as i32),
            shade(200 - (x / 8) as i32),
        ])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&pixels)
        .unwrap();
    jpeg
}

/// The `<img>` tag whose `alt` is `alt`.
fn img<'a>(html: &'a str, alt: &str) -> &'a str {
    let at = html
        .find(&format!("alt=\"{alt}\""))
        .unwrap_or_else(|| panic!("no image {alt}: {html}"));
    let start = html[..at].rfind("<img").unwrap();
    &html[start..start + html[start..].find('>').unwrap() + 1]
}

/// A case whose body (not its front matter) shows a JPEG beside it: the body's
/// `<img>` gets what a case image gets.
#[test]
fn an_image_in_a_case_body_is_offered_in_its_renditions() {
    let site = SiteTest::fixture(BODY_FIXTURE).file(BODY_PHOTO, photo(1000, 600));
    let run = site.build();
    run.expect_success();
    let main = run.main_html("cases/engawa/index.html");
    let body_img = img(&main, "夕方の縁側");
    assert_eq!(
        body_img,
        "<img src=\"/jirei/cases/engawa/engawa.jpg\" \
         srcset=\"/jirei/cases/engawa/engawa-320w.jpg 320w, /jirei/cases/engawa/engawa-640w.jpg 640w, \
         /jirei/cases/engawa/engawa.jpg 1000w\" sizes=\"(min-width: 42em) 40em, calc(100vw - 2rem)\" \
         width=\"1000\" height=\"600\" alt=\"夕方の縁側\" loading=\"lazy\" decoding=\"async\">"
    );
    assert_eq!(
        attribute(body_img, "sizes"),
        Some(casebook::images::CASE_IMAGE_SIZES)
    );
    // The promised widths, each in a file of that width and height.
    let widths = srcset(attribute(body_img, "srcset").unwrap());
    assert_eq!(
        widths
            .values()
            .copied()
            .collect::<std::collections::BTreeSet<_>>(),
        casebook::images::widths_for(1000).into_iter().collect()
    );
    for (url, width) in widths {
        let file = bytes(&run, url.strip_prefix("/jirei/").unwrap());
        let (format, (w, h)) = format_and_size(&file);
        assert_eq!(format, image::ImageFormat::Jpeg, "{url}");
        assert_eq!((w, h), (width, width * 600 / 1000), "{url}");
    }
    // Lossless WebP is larger than a photo's JPEG, so none is offered.
    let picture = picture(&main, "夕方の縁側");
    assert!(!picture.contains("<source"), "{picture}");
    // The tag written in raw HTML is left as the sanitizer left it.
    assert_eq!(
        img(&main, "手書きの画像"),
        "<img src=\"engawa.jpg\" alt=\"手書きの画像\">"
    );
    // A second build writes the same page.
    let again = site.build();
    again.expect_success();
    assert_eq!(again.main_html("cases/engawa/index.html"), main);
}

/// A body image that does not decode keeps its plain tag.
#[test]
fn a_body_image_that_does_not_decode_keeps_its_plain_tag() {
    let run = SiteTest::fixture(BODY_FIXTURE)
        .file(BODY_PHOTO, "not a photo")
        .build();
    run.expect_success()
        .expect_stderr_contains("content/cases/engawa.jpg: warning: cannot read image (");
    let main = run.main_html("cases/engawa/index.html");
    assert_eq!(
        img(&main, "夕方の縁側"),
        "<img src=\"/jirei/cases/engawa/engawa.jpg\" alt=\"夕方の縁側\">"
    );
    assert!(!main.contains("<picture>"), "{main}");
}

/// The live preview renders the page again when a body image saved over
/// under the same name comes out in other renditions, though the body's
/// text is the same.
#[test]
fn the_preview_renders_a_page_again_when_its_body_image_changes() {
    let site = SiteTest::fixture(BODY_FIXTURE).file(BODY_PHOTO, photo(700, 420));
    let options = casebook::BuildOptions {
        root: site.root.clone(),
        ..Default::default()
    };
    let mut preview = casebook::serve::Preview::new(options.clone(), None);
    assert!(!preview.rebuild(&[]).has_errors());
    site.change_file(BODY_PHOTO, photo(500, 500));
    let update = preview.rebuild(&[BODY_PHOTO.to_string()]);
    assert!(!update.has_errors(), "{:?}", update.diagnostics);
    assert!(
        update
            .changed
            .contains(&"cases/engawa/index.html".to_string()),
        "{:?}",
        update.changed
    );
    let held = preview.snapshot();
    let page = String::from_utf8_lossy(&held["cases/engawa/index.html"]).into_owned();
    assert!(
        img(&page, "夕方の縁側").contains("engawa.jpg 500w\" sizes="),
        "{page}"
    );
    let mut diagnostics = casebook::diagnostics::Diagnostics::new();
    let clean = casebook::files(&options, None, &mut diagnostics).unwrap();
    for file in clean {
        assert!(
            held[&file.path] == file.bytes().unwrap().as_ref(),
            "{} differs from a clean build",
            file.path
        );
    }
}

/// Name → modification time of every file in the image cache.
fn cache_files(root: &Path) -> BTreeMap<String, std::time::SystemTime> {
    std::fs::read_dir(root.join(".casebook-cache/images"))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let modified = e.metadata().unwrap().modified().unwrap();
            (e.file_name().to_string_lossy().into_owned(), modified)
        })
        .collect()
}

#[test]
fn a_rebuild_reuses_the_cache_and_the_cache_keeps_only_what_the_site_uses() {
    let site = site();
    let first = site.build();
    first.expect_success();
    let cached = cache_files(&site.root);
    assert_eq!(cached.keys().filter(|k| k.ends_with(".txt")).count(), 2);
    let photo = bytes(&first, "cases/photos/photo-320w.jpg");

    let second = site.build();
    second.expect_success();
    assert_eq!(cache_files(&site.root), cached, "nothing resized again");
    assert_eq!(bytes(&second, "cases/photos/photo-320w.jpg"), photo);

    // Without the diagram, its renditions leave the cache.
    let page = "content/cases/photos/index.md";
    let text = std::fs::read_to_string(site.root.join(page)).unwrap();
    site.change_file(
        page,
        text.replace("  - { src: diagram.png, alt: 配置図 }\n", ""),
    );
    std::fs::remove_file(site.root.join(DIAGRAM)).unwrap();
    site.build().expect_success();
    let kept = cache_files(&site.root);
    assert_eq!(kept.keys().filter(|k| k.ends_with(".txt")).count(), 1);
    assert!(
        kept.iter()
            .all(|(name, time)| cached.get(name) == Some(time))
    );
    assert!(kept.keys().all(|name| !name.ends_with(".png")));
}

#[test]
fn an_image_that_does_not_decode_is_a_warning_and_goes_out_as_it_is() {
    let run = SiteTest::fixture(FIXTURE)
        .file(PHOTO, "not a photo")
        .file(DIAGRAM, diagram())
        .build();
    run.expect_success()
        .expect_stderr_contains("content/cases/photos/photo.jpg: warning: cannot read image (");
    assert_eq!(run.output("cases/photos/photo.jpg"), "not a photo");
    let main = run.main_html("cases/photos/index.html");
    assert!(main.contains(
        "<img src=\"/jirei/cases/photos/photo.jpg\" alt=\"縦に撮った写真\" loading=\"lazy\" decoding=\"async\">"
    ));
}

/// Every entry under `dir` (folders too), with its modification time.
fn listing(dir: &Path) -> BTreeMap<String, std::time::SystemTime> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(dir).unwrap().to_path_buf();
            out.insert(
                rel.to_string_lossy().replace('\\', "/"),
                entry.metadata().unwrap().modified().unwrap(),
            );
            if entry.path().is_dir() {
                stack.push(entry.path());
            }
        }
    }
    out
}

/// `check` writes nothing (SPEC §3): it reads image headers, resizes
/// nothing and leaves no cache in the site; a damaged image is still reported.
#[test]
fn check_reads_image_headers_and_writes_nothing() {
    let site = site().file(
        "content/cases/photos/moving.gif",
        &gif_with_metadata().0[..10],
    );
    let before = listing(&site.root);
    site.check().expect_success().expect_stderr_contains(
        "content/cases/photos/moving.gif: warning: not a well-formed GIF file",
    );
    assert_eq!(listing(&site.root), before);
    assert!(!site.root.join(".casebook-cache").exists());

    let broken = SiteTest::fixture(FIXTURE)
        .file(PHOTO, "not a photo")
        .file(DIAGRAM, diagram());
    let before = listing(&broken.root);
    broken
        .check()
        .expect_success()
        .expect_stderr_contains("content/cases/photos/photo.jpg: warning: cannot read image (");
    assert_eq!(listing(&broken.root), before);
}

/// What `check` says about images is what `build` says about them.
#[test]
fn check_and_build_report_the_same_image_problems() {
    let site = SiteTest::fixture(FIXTURE)
        .file(PHOTO, "not a photo")
        .file(DIAGRAM, vec![0x89, b'P', b'N', b'G']);
    let problems = |run: &Run| -> Vec<String> {
        run.stderr
            .lines()
            .filter(|l| l.starts_with("content/") || l.starts_with("  hint"))
            .map(str::to_string)
            .collect()
    };
    let checked = problems(&site.check());
    assert_eq!(checked.len(), 4, "{checked:?}");
    assert!(
        checked[0].starts_with("content/cases/photos/diagram.png: warning: cannot read image (")
    );
    assert!(checked[2].starts_with("content/cases/photos/photo.jpg: warning: cannot read image ("));
    assert_eq!(checked, problems(&site.build()));
}
