//! Body images: a rendered body and the published images → the body's HTML as
//! a page shows it, each image beside the Markdown (`![外観](photo.jpg)`)
//! offered as a case's own images are: a WebP `<source>` when WebP was
//! published, `srcset` and the content column's `sizes`, the `width` and
//! `height` of the largest rendition (so nothing moves when it loads), and
//! `loading="lazy" decoding="async"`.
//!
//! Why here: the markdown stage writes a body's HTML before the images stage
//! has read any image, so it cannot know their widths, and the images stage
//! must not reach back into bodies. So the markdown stage lists the `<img>`
//! tags it wrote for images beside the Markdown, with where each one is
//! ([`BodyImage`]), and this module rewrites exactly those tags when a page
//! takes the body in. A tag an author wrote in raw HTML is never on that
//! list, so it stays as the sanitizer left it; an image the images stage did
//! not resize (a GIF, a WebP, a file that does not decode) keeps its plain
//! tag. A page's fingerprint hashes the renditions of its body's images
//! (`fingerprint.rs`), so the live preview renders the page again when they
//! change.

use crate::escape::escape_html;
use crate::images::{CASE_IMAGE_SIZES, Format, Responsive};
use crate::markdown::{BodyImage, Rendered};
use crate::model::href;

/// `body`'s HTML with its images in their renditions. `published` gives the
/// renditions of an output path; their hrefs start with `base_path`.
pub fn body_html<'a>(
    body: &Rendered,
    published: impl Fn(&str) -> Option<&'a Responsive>,
    base_path: &str,
) -> String {
    body.html_with_images(|image| picture(image, published(&image.path)?, base_path))
}

/// The `<picture>` of one image, in the markup of the theme's
/// `partials/responsive_image.html`; `None` when it has no renditions.
fn picture(image: &BodyImage, responsive: &Responsive, base_path: &str) -> Option<String> {
    let image_href = |path: &str| href(base_path, path);
    let srcset = responsive.srcset(responsive.original_format()?, image_href)?;
    let sizes = CASE_IMAGE_SIZES;
    let source = match responsive.srcset(Format::WebP, image_href) {
        Some(webp) => format!(
            "<source type=\"image/webp\" srcset=\"{}\" sizes=\"{sizes}\">",
            escape_html(&webp)
        ),
        None => String::new(),
    };
    Some(format!(
        "<picture>{source}<img src=\"{src}\" srcset=\"{srcset}\" sizes=\"{sizes}\" \
         width=\"{width}\" height=\"{height}\"{attributes} loading=\"lazy\" \
         decoding=\"async\"></picture>",
        src = image.src,
        srcset = escape_html(&srcset),
        width = responsive.width,
        height = responsive.height,
        attributes = image.attributes,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::images::Rendition;
    use crate::markdown::{LinkTarget, MarkdownOptions, RawHtml, render};

    fn rendition(path: &str, width: u32, format: Format) -> Rendition {
        Rendition {
            path: path.into(),
            width,
            height: width / 2,
            format,
        }
    }

    /// `cases/a/photo.jpg` in two widths, with WebP; `cases/a/plain.jpg`
    /// without; `cases/a/anim.gif` not resized.
    fn published(path: &str) -> Option<&'static Responsive> {
        use std::sync::OnceLock;
        static PHOTO: OnceLock<Responsive> = OnceLock::new();
        static PLAIN: OnceLock<Responsive> = OnceLock::new();
        match path {
            "cases/a/photo.jpg" => Some(PHOTO.get_or_init(|| Responsive {
                width: 640,
                height: 320,
                renditions: vec![
                    rendition("cases/a/photo-320w.jpg", 320, Format::Jpeg),
                    rendition("cases/a/photo.jpg", 640, Format::Jpeg),
                    rendition("cases/a/photo-320w.webp", 320, Format::WebP),
                    rendition("cases/a/photo-640w.webp", 640, Format::WebP),
                ],
            })),
            "cases/a/plain.jpg" => Some(PLAIN.get_or_init(|| Responsive {
                width: 400,
                height: 300,
                renditions: vec![rendition("cases/a/plain.jpg", 400, Format::Jpeg)],
            })),
            _ => None,
        }
    }

    fn resolve(dest: &str) -> LinkTarget {
        match dest.split(['#', '?']).next() {
            Some(name @ ("photo.jpg" | "plain.jpg" | "anim.gif")) => LinkTarget::Asset {
                href: format!("/jirei/cases/a/{dest}"),
                path: format!("cases/a/{name}"),
            },
            _ => LinkTarget::External,
        }
    }

    fn page_html(body: &str, raw_html: RawHtml) -> String {
        let options = MarkdownOptions {
            raw_html,
            highlight_theme: "InspiredGitHub".into(),
        };
        let rendered = render(body, 1, &options, &resolve);
        body_html(&rendered, published, "/jirei/")
    }

    const SIZES: &str = "(min-width: 42em) 40em, calc(100vw - 2rem)";

    #[test]
    fn markdown_images_beside_the_body_are_offered_in_their_renditions() {
        let photo = format!(
            "<picture><source type=\"image/webp\" srcset=\"/jirei/cases/a/photo-320w.webp 320w, \
             /jirei/cases/a/photo-640w.webp 640w\" sizes=\"{SIZES}\"><img src=\"/jirei/cases/a/photo.jpg\" \
             srcset=\"/jirei/cases/a/photo-320w.jpg 320w, /jirei/cases/a/photo.jpg 640w\" sizes=\"{SIZES}\" \
             width=\"640\" height=\"320\" alt=\"外観\" loading=\"lazy\" decoding=\"async\"></picture>"
        );
        let plain = format!(
            "<picture><img src=\"/jirei/cases/a/plain.jpg\" srcset=\"/jirei/cases/a/plain.jpg 400w\" \
             sizes=\"{SIZES}\" width=\"400\" height=\"300\" alt=\"縁側 &quot;&gt;\" title=\"夕方\" \
             loading=\"lazy\" decoding=\"async\"></picture>"
        );
        for raw_html in [RawHtml::Sanitize, RawHtml::Escape, RawHtml::Allow] {
            for (body, expected) in [
                ("![外観](photo.jpg)", photo.clone()),
                ("![縁側 \">](plain.jpg \"夕方\")", plain.clone()),
                (
                    "![外観](anim.gif)",
                    "<img src=\"/jirei/cases/a/anim.gif\" alt=\"外観\"".into(),
                ),
                (
                    "![外観](https://example.jp/a.jpg)",
                    "<img src=\"https://example.jp/a.jpg\" alt=\"外観\"".into(),
                ),
            ] {
                let html = page_html(body, raw_html);
                assert!(html.contains(&expected), "{raw_html:?} {body}: {html}");
                assert!(!html.contains("casebook-image"), "{html}");
            }
        }
    }

    #[test]
    fn every_image_of_a_body_and_only_those_are_rewritten() {
        let body = "前 ![一](photo.jpg) 中 [![二](plain.jpg)](/x/) 後\n\n\
                    - ![三](photo.jpg#detail)\n\n\
                    ![外 ![内](plain.jpg)](photo.jpg)\n";
        let html = page_html(body, RawHtml::Sanitize);
        assert_eq!(html.matches("<picture>").count(), 4, "{html}");
        assert_eq!(html.matches("</picture>").count(), 4, "{html}");
        assert!(
            html.contains("<img src=\"/jirei/cases/a/photo.jpg#detail\" srcset="),
            "{html}"
        );
        assert!(html.contains("alt=\"外 内\""), "{html}");
        assert!(!html.contains("casebook-image"), "{html}");
    }

    #[test]
    fn raw_html_images_are_left_as_the_sanitizer_left_them() {
        for (raw_html, expected) in [
            (
                RawHtml::Sanitize,
                "<img src=\"/jirei/cases/a/photo.jpg\" alt=\"手書き\">",
            ),
            (
                RawHtml::Allow,
                "<img src=\"/jirei/cases/a/photo.jpg\" alt=\"手書き\">",
            ),
            (
                RawHtml::Escape,
                "&lt;img src=\"/jirei/cases/a/photo.jpg\" alt=\"手書き\"&gt;",
            ),
        ] {
            let body =
                "<img src=\"/jirei/cases/a/photo.jpg\" alt=\"手書き\">\n\n![外観](photo.jpg)";
            let html = page_html(body, raw_html);
            assert!(html.contains(expected), "{raw_html:?}: {html}");
            assert_eq!(html.matches("<picture>").count(), 1, "{raw_html:?}: {html}");
        }
    }

    #[test]
    fn a_marker_written_by_hand_is_not_taken_for_an_image() {
        // Whatever key a body guesses, it is not the hash of the body that holds it.
        for guess in ["0000000000000000", "casebook"] {
            let body = format!(
                "<img src=\"/jirei/cases/a/photo.jpg#casebook-image-{guess}-0\" alt=\"手書き\">\n\n\
                 ![外観](photo.jpg)"
            );
            let options = MarkdownOptions {
                raw_html: RawHtml::Sanitize,
                highlight_theme: "InspiredGitHub".into(),
            };
            let rendered = render(&body, 1, &options, &resolve);
            assert_eq!(rendered.images.len(), 1);
            assert_eq!(rendered.images[0].attributes, " alt=\"外観\"");
            let html = body_html(&rendered, published, "/jirei/");
            assert!(
                html.contains(&format!(
                    "<img src=\"/jirei/cases/a/photo.jpg#casebook-image-{guess}-0\" alt=\"手書き\">"
                )),
                "{html}"
            );
            assert_eq!(html.matches("<picture>").count(), 1, "{html}");
        }
    }
}
