//! Markdown: a document body → HTML, table of contents and plain text.
//!
//! (Stub: the interface the rest of the pipeline relies on.)

use crate::diagnostics::Span;

/// How raw HTML inside Markdown is treated (`markdown.raw_html` in casebook.yaml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RawHtml {
    /// Keep safe markup, drop scripts, event handlers and `javascript:` URLs.
    #[default]
    Sanitize,
    /// Show raw HTML as text.
    Escape,
    /// Pass raw HTML through untouched (trusted content only).
    Allow,
}

#[derive(Debug, Clone)]
pub struct MarkdownOptions {
    pub raw_html: RawHtml,
    /// A syntect theme name; only used to validate the config, since code is
    /// highlighted with CSS classes and the theme's CSS is written by `render`.
    pub highlight_theme: String,
}

/// What a link or image destination in a body resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// Leave the destination as written (external URL, `mailto:`, fragment).
    External,
    /// An internal page; the href to write (already prefixed with the base path).
    Page(String),
    /// A file beside the Markdown source (an image); the href to write.
    Asset(String),
    /// An internal link or file that does not exist: a build error.
    Broken {
        message: String,
        hint: Option<String>,
    },
}

/// A heading, for the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A problem found in a body, positioned in the source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyProblem {
    pub span: Span,
    pub message: String,
    pub hint: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// The body as plain text (for search, feeds and excerpts).
    pub text: String,
    pub problems: Vec<BodyProblem>,
}

/// Renders `body`, which starts at line `body_line` of its source file.
/// `resolve` maps every link and image destination that is not a fragment.
pub fn render(
    body: &str,
    body_line: usize,
    options: &MarkdownOptions,
    resolve: &dyn Fn(&str) -> LinkTarget,
) -> Rendered {
    let _ = (body_line, options, resolve);
    Rendered {
        html: format!("<p>{}</p>", crate::escape::escape_html(body)),
        text: body.to_string(),
        ..Rendered::default()
    }
}

/// The syntect themes `markdown.highlight_theme` may name.
pub fn theme_names() -> Vec<String> {
    vec!["InspiredGitHub".to_string()]
}

pub fn theme_exists(name: &str) -> bool {
    theme_names().iter().any(|n| n == name)
}

/// CSS for highlighted code in the syntect theme `theme_name`.
pub fn highlight_css(theme_name: &str) -> Option<String> {
    let _ = theme_name;
    None
}
