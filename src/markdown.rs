//! Markdown: a document body → [`Rendered`] (HTML, table of contents, plain text, problems).
//!
//! 1. Parse the body with pulldown-cmark into a flat list of events, each with its byte range.
//! 2. Take the plain text (for search and excerpts) before any markup is added.
//! 3. Give every heading a unique id and list it for the table of contents.
//! 4. Resolve link and image destinations through the caller; report broken ones at their
//!    line and column in the source file, and drop `javascript:`-like destinations. The
//!    `src` of an image beside the Markdown gets a marker, to find its tag in step 10.
//! 5. Apply `markdown.raw_html`: with `escape`, raw HTML becomes text.
//! 6. Highlight fenced code with syntect CSS classes.
//! 7. Write table column alignment as `align` attributes, and wrap each table in a
//!    labelled region that scrolls on its own on a phone.
//! 8. Flatten quotes and lists nested deeper than [`MAX_NESTING`].
//! 9. Write HTML; with `sanitize` (the default), clean it with ammonia, unless the
//!    body holds nothing ammonia would take out (`needs_sanitizer` says when).
//! 10. Find the `<img>` tag of each image beside the Markdown by its marker, take the
//!     marker out, and list the tag's place ([`BodyImage`]).
//!
//! Step 10 is for the images stage, which runs after this one: only then are an image's
//! widths known, so the render stage offers its renditions by rewriting the tags listed
//! (see `render/body_images.rs`), and never a tag written in raw HTML.
//!
//! Before step 3, a body that uses `#` headings has all its headings demoted one
//! level, since the page title is the page's only `h1`.
//!
//! Each step is a function over the event list, so it can be read and tested alone. The
//! list is flat (start and end events, not a tree), so no step recurses, however deeply
//! the body nests quotes or lists.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use pulldown_cmark::{
    Alignment, CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd,
};
use sha2::{Digest, Sha256};
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::diagnostics::{Span, Words, is_wide};
use crate::escape::escape_html;

/// How raw HTML inside Markdown is treated (`markdown.raw_html` in casebook.yaml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum RawHtml {
    /// Keep safe markup, drop scripts, event handlers and `javascript:` URLs.
    #[default]
    Sanitize,
    /// Show raw HTML as text.
    Escape,
    /// Pass raw HTML through untouched (trusted content only).
    Allow,
}

#[derive(Debug, Clone, Hash)]
pub struct MarkdownOptions {
    pub raw_html: RawHtml,
    /// A syntect theme name; only used to validate the config, since code is
    /// highlighted with CSS classes and the theme's CSS comes from [`highlight_css`].
    pub highlight_theme: String,
}

/// What a link or image destination in a body resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// Leave the destination as written (external URL, `mailto:`, fragment).
    External,
    /// An internal page; the href to write (already prefixed with the base path).
    Page(String),
    /// A file beside the Markdown source (an image): the href to write, and the file's
    /// output path (`cases/a/photo.jpg`), by which the images stage knows it.
    Asset { href: String, path: String },
    /// An internal link or file that does not exist: a build error.
    Broken { message: Words, hint: Option<Words> },
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
    pub message: Words,
    pub hint: Option<Words>,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// The body as plain text (for search, feeds and excerpts).
    pub text: String,
    pub problems: Vec<BodyProblem>,
    /// The images beside the Markdown that the body shows, in the order of their tags.
    pub images: Vec<BodyImage>,
}

/// An image beside the Markdown that a body shows (`![外観](photo.jpg)`), and the
/// `<img>` tag this module wrote for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BodyImage {
    /// The output path of the image file (`cases/a/photo.jpg`).
    pub path: String,
    /// Where the whole `<img …>` tag is in [`Rendered::html`].
    pub tag: Range<usize>,
    /// The tag's `src` value, as written (escaped).
    pub src: String,
    /// The tag's other attributes as written: ` alt="外観"`, then ` title="…"` if it has one.
    pub attributes: String,
}

impl Rendered {
    /// `html` with the tag of each of its [`images`](Rendered::images) replaced by what
    /// `replace` makes of it; `None` keeps the tag.
    pub fn html_with_images(&self, replace: impl Fn(&BodyImage) -> Option<String>) -> String {
        if self.images.is_empty() {
            return self.html.clone();
        }
        let mut out = String::with_capacity(self.html.len() + 512 * self.images.len());
        let mut copied = 0;
        for image in &self.images {
            let Some(before) = self.html.get(copied..image.tag.start) else {
                continue;
            };
            if let Some(markup) = replace(image) {
                out.push_str(before);
                out.push_str(&markup);
                copied = image.tag.end;
            }
        }
        out.push_str(self.html.get(copied..).unwrap_or_default());
        out
    }
}

/// An event with the byte range of the body it came from.
type Located<'a> = (Event<'a>, Range<usize>);

/// Renders `body`, which starts at line `body_line` of its source file.
/// `resolve` maps every link and image destination that is not a fragment.
pub fn render(
    body: &str,
    body_line: usize,
    options: &MarkdownOptions,
    resolve: &dyn Fn(&str) -> LinkTarget,
) -> Rendered {
    let mut events = parse(body);
    let text = plain_text(events.iter().map(|(event, _)| event));
    demote_headings(&mut events);
    let toc = assign_heading_ids(&mut events);
    let position = BodyPosition { body, body_line };
    let mut local_images = LocalImages::new(body);
    let (events, problems) = resolve_links(events, &position, resolve, &mut local_images);
    let events = match options.raw_html {
        RawHtml::Escape => escape_raw_html(events),
        RawHtml::Sanitize | RawHtml::Allow => events,
    };
    // Decided before the steps below add markup of their own.
    let sanitize = options.raw_html == RawHtml::Sanitize && needs_sanitizer(&events);
    let events = highlight_code_blocks(events);
    let events = align_table_cells(events);
    let events = wrap_tables(events);
    let events = flatten_deep_nesting(events);

    let mut html = String::with_capacity(body.len() + body.len() / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if sanitize {
        html = sanitizer().clean(&html).to_string();
    } else if options.raw_html == RawHtml::Sanitize {
        html = as_sanitizer_writes(&html);
    }
    let (html, images) = local_images.find_tags(html);
    Rendered {
        html,
        toc,
        text,
        problems,
        images,
    }
}

/// The CSS for syntect's default theme `theme_name`, written against the classes
/// [`render`] puts on code, or `None` if there is no such theme.
pub fn highlight_css(theme_name: &str) -> Option<String> {
    let theme = themes().themes.get(theme_name)?;
    css_for_theme_with_class_style(theme, ClassStyle::Spaced).ok()
}

/// Whether `name` is one of syntect's default themes (`markdown.highlight_theme`).
pub fn theme_exists(name: &str) -> bool {
    themes().themes.contains_key(name)
}

/// The names `markdown.highlight_theme` accepts, sorted, for "unknown theme" hints.
pub fn theme_names() -> Vec<&'static str> {
    themes().themes.keys().map(String::as_str).collect()
}

fn themes() -> &'static ThemeSet {
    static THEMES: OnceLock<ThemeSet> = OnceLock::new();
    THEMES.get_or_init(ThemeSet::load_defaults)
}

// ── 1. Parse ────────────────────────────────────────────────────────────────

fn parse(body: &str) -> Vec<Located<'_>> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    Parser::new_ext(body, options).into_offset_iter().collect()
}

// ── 2. Plain text ───────────────────────────────────────────────────────────

/// The text a reader sees, one line per block: no markup, raw HTML left out, code and
/// image alt text kept (both are worth finding in search).
fn plain_text<'e, 'a: 'e>(events: impl Iterator<Item = &'e Event<'a>>) -> String {
    let mut text = PlainText::default();
    for event in events {
        match event {
            Event::Text(s) | Event::Code(s) | Event::InlineMath(s) | Event::DisplayMath(s) => {
                text.push(s)
            }
            Event::SoftBreak => text.soft_break(),
            Event::HardBreak | Event::Rule => text.end_line(),
            Event::Start(tag) if is_block(&tag.to_end()) => text.end_line(),
            Event::End(tag) if is_block(tag) => text.end_line(),
            Event::End(TagEnd::TableCell) => text.push(" "),
            _ => {}
        }
    }
    text.finish()
}

#[derive(Default)]
struct PlainText {
    out: String,
    soft_break: bool,
}

impl PlainText {
    fn push(&mut self, s: &str) {
        if std::mem::take(&mut self.soft_break) {
            // A line break inside a paragraph is a space in English but nothing between
            // two Japanese characters (CSS Text's segment break rule), or 空き家 written
            // over two lines would be split for search.
            let joins_wide = matches!(
                (self.out.chars().next_back(), s.chars().next()),
                (Some(a), Some(b)) if is_wide(a) && is_wide(b)
            );
            if !joins_wide {
                self.out.push(' ');
            }
        }
        self.out.push_str(s);
    }

    fn soft_break(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.soft_break = true;
        }
    }

    fn end_line(&mut self) {
        self.soft_break = false;
        let kept = self.out.trim_end_matches([' ', '\t']).len();
        self.out.truncate(kept);
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    fn finish(self) -> String {
        self.out.trim_end().to_string()
    }
}

fn is_block(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::HtmlBlock
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::Table
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::MetadataBlock(_)
    )
}

// ── 3. Heading ids ──────────────────────────────────────────────────────────

/// Sets a unique id on every heading and returns the table of contents.
///
/// Explicit `{#id}` attributes are reserved first, so a generated id never takes one
/// that a later heading asks for by name.
/// Shifts every heading down a level (h6 stays h6) when the body has an `h1`.
fn demote_headings(events: &mut [Located<'_>]) {
    use pulldown_cmark::HeadingLevel;
    let has_h1 = events.iter().any(|(e, _)| {
        matches!(
            e,
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            })
        )
    });
    if !has_h1 {
        return;
    }
    let lower = |level: HeadingLevel| match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    };
    for (event, _) in events.iter_mut() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => *level = lower(*level),
            Event::End(TagEnd::Heading(level)) => *level = lower(*level),
            _ => {}
        }
    }
}

fn assign_heading_ids(events: &mut [Located<'_>]) -> Vec<TocEntry> {
    let headings = heading_ranges(events);
    let mut ids = IdRegistry::default();
    for heading in &headings {
        if let Some(id) = explicit_id(&events[heading.start].0) {
            ids.reserve(id);
        }
    }
    let mut toc = Vec::with_capacity(headings.len());
    for heading in headings {
        let title = plain_text(
            events[heading.start + 1..heading.end]
                .iter()
                .map(|(e, _)| e),
        );
        let Event::Start(Tag::Heading {
            level, id, attrs, ..
        }) = &mut events[heading.start].0
        else {
            continue;
        };
        let chosen = match id.as_deref().filter(|id| !id.is_empty()) {
            Some(explicit) => explicit.to_string(),
            None => ids.claim(heading_slug(&title)),
        };
        *id = Some(CowStr::from(chosen.clone()));
        // `{key=value}` attributes are written verbatim by pulldown-cmark, which would let
        // `{onclick=…}` past `raw_html: escape`; ids and classes are all a heading needs.
        attrs.clear();
        toc.push(TocEntry {
            level: *level as u8,
            id: chosen,
            title,
        });
    }
    toc
}

/// The index ranges `start..end` of heading start and end events (headings never nest).
fn heading_ranges(events: &[Located<'_>]) -> Vec<Range<usize>> {
    let starts = events
        .iter()
        .enumerate()
        .filter(|(_, (e, _))| matches!(e, Event::Start(Tag::Heading { .. })))
        .map(|(i, _)| i);
    starts
        .filter_map(|start| {
            let end = events[start..]
                .iter()
                .position(|(e, _)| matches!(e, Event::End(TagEnd::Heading(_))))?;
            Some(start..start + end)
        })
        .collect()
}

fn explicit_id<'e>(event: &'e Event<'_>) -> Option<&'e str> {
    match event {
        Event::Start(Tag::Heading { id: Some(id), .. }) if !id.is_empty() => Some(id),
        _ => None,
    }
}

/// The id a heading's text suggests: ASCII lowercased, letters and digits of every
/// script kept (so `取組の内容` stays `取組の内容` and its URL reads as Japanese),
/// everything else a single `-`.
fn heading_slug(title: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;

    let mut slug = String::with_capacity(title.len());
    let mut pending_dash = false;
    for c in title.nfc() {
        if c.is_alphanumeric() || is_combining_mark(c) {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    }
    if slug.is_empty() {
        "section".to_string()
    } else {
        slug
    }
}

#[derive(Default)]
struct IdRegistry {
    taken: HashSet<String>,
}

impl IdRegistry {
    fn reserve(&mut self, id: &str) {
        self.taken.insert(id.to_string());
    }

    /// `base`, or the first of `base-1`, `base-2`, … not yet taken.
    fn claim(&mut self, base: String) -> String {
        let mut id = base.clone();
        let mut n = 0;
        while self.taken.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.taken.insert(id.clone());
        id
    }
}

// ── 4. Links and images ─────────────────────────────────────────────────────

/// Maps byte offsets in a body to positions in its source file.
struct BodyPosition<'a> {
    body: &'a str,
    /// The 1-based file line the body starts on.
    body_line: usize,
}

impl BodyPosition<'_> {
    fn span(&self, offset: usize) -> Span {
        let in_body = Span::at_offset(self.body, offset);
        Span::new(in_body.line + self.body_line.max(1) - 1, in_body.col)
    }
}

/// What to do with one link or image.
enum LinkAction {
    Keep,
    Rewrite(String),
    /// A file beside the Markdown: its href and its output path.
    RewriteAsset(String, String),
    /// Drop the element and keep its text (a link's text, an image's alt text).
    Unwrap(Option<BodyProblem>),
}

/// Rewrites internal destinations to their hrefs, unwraps broken and unsafe ones, and
/// reports the broken ones. Drops the byte ranges, which later steps do not need.
fn resolve_links<'a>(
    events: Vec<Located<'a>>,
    position: &BodyPosition<'_>,
    resolve: &dyn Fn(&str) -> LinkTarget,
    local_images: &mut LocalImages<'_>,
) -> (Vec<Event<'a>>, Vec<BodyProblem>) {
    let mut out = Vec::with_capacity(events.len());
    let mut problems = Vec::new();
    // One entry per open link or image: whether its end event is kept. Images can sit
    // inside links, so this is a stack, not a flag.
    let mut open: Vec<bool> = Vec::new();
    for (mut event, range) in events {
        let image = matches!(event, Event::Start(Tag::Image { .. }));
        match &mut event {
            Event::Start(
                Tag::Link {
                    link_type,
                    dest_url,
                    ..
                }
                | Tag::Image {
                    link_type,
                    dest_url,
                    ..
                },
            ) => match link_action(*link_type, dest_url, || position.span(range.start), resolve) {
                LinkAction::Keep => open.push(true),
                LinkAction::RewriteAsset(href, path) if image => {
                    let marker = local_images.mark(path);
                    *dest_url = CowStr::from(format!("{href}{marker}"));
                    open.push(true);
                }
                LinkAction::Rewrite(href) | LinkAction::RewriteAsset(href, _) => {
                    *dest_url = CowStr::from(href);
                    open.push(true);
                }
                LinkAction::Unwrap(problem) => {
                    problems.extend(problem);
                    open.push(false);
                    continue;
                }
            },
            // The guard pops the entry whether or not the end event is dropped.
            Event::End(TagEnd::Link | TagEnd::Image) if !open.pop().unwrap_or(true) => continue,
            _ => {}
        }
        out.push(event);
    }
    (out, problems)
}

fn link_action(
    link_type: LinkType,
    dest: &str,
    span: impl FnOnce() -> Span,
    resolve: &dyn Fn(&str) -> LinkTarget,
) -> LinkAction {
    if has_unsafe_scheme(dest) {
        return LinkAction::Unwrap(None);
    }
    // `<a@b.jp>` has no `mailto:` until the HTML writer adds it; an empty or `#…`
    // destination points into this page, which the caller cannot check.
    if link_type == LinkType::Email || dest.is_empty() || dest.starts_with('#') {
        return LinkAction::Keep;
    }
    match resolve(dest) {
        LinkTarget::External => LinkAction::Keep,
        LinkTarget::Page(href) => LinkAction::Rewrite(href),
        LinkTarget::Asset { href, path } => LinkAction::RewriteAsset(href, path),
        LinkTarget::Broken { message, hint } => LinkAction::Unwrap(Some(BodyProblem {
            span: span(),
            message,
            hint,
        })),
    }
}

/// Whether a destination would run script or embed a document when followed.
/// Browsers ignore ASCII whitespace and control characters inside a scheme
/// (`java\tscript:`), so those are skipped before comparing.
fn has_unsafe_scheme(dest: &str) -> bool {
    const UNSAFE: [&str; 3] = ["javascript:", "vbscript:", "data:"];
    let prefix: String = dest
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .map(|c| c.to_ascii_lowercase())
        .take("javascript:".len())
        .collect();
    UNSAFE.iter().any(|s| prefix.starts_with(s))
}

/// The images beside the Markdown that a body shows, in order, and the key of the
/// markers that find their tags again once the HTML is written (step 10).
struct LocalImages<'b> {
    body: &'b str,
    /// Made on the first image: most bodies have none.
    key: Option<String>,
    paths: Vec<String>,
}

impl<'b> LocalImages<'b> {
    fn new(body: &'b str) -> Self {
        LocalImages {
            body,
            key: None,
            paths: Vec::new(),
        }
    }

    /// Lists the image at `path` and returns the marker to end its `src` with:
    /// `#casebook-image-<key>-<n>`, a fragment, so the URL stays valid even if the
    /// marker were left in.
    ///
    /// Raw HTML can write any `src`, and the sanitizer keeps it, so a marker must be
    /// one the body's author cannot write: its key is a hash of the body itself, which
    /// a body could only hold by holding its own hash. That takes a cryptographic
    /// digest (SHA-256, not `crate::hash`): FNV-1a can be steered to any value by
    /// choosing a few bytes of its input. It is also the same in every build, and
    /// never reaches the output.
    fn mark(&mut self, path: String) -> String {
        let key = self.key.get_or_insert_with(|| {
            let hash = Sha256::digest(self.body.as_bytes());
            hash[..8].iter().map(|b| format!("{b:02x}")).collect()
        });
        let marker = format!("#casebook-image-{key}-{}", self.paths.len());
        self.paths.push(path);
        marker
    }

    /// `html` without the markers, and the place of each marked `<img>` tag. An image
    /// whose marker is not found (one inside another image's alt text is written as
    /// text) or whose tag does not read as expected is left out of the list; its
    /// marker is taken out all the same.
    fn find_tags(&self, html: String) -> (String, Vec<BodyImage>) {
        let Some(key) = &self.key else {
            return (html, Vec::new());
        };
        let mut out = String::with_capacity(html.len());
        let mut images = Vec::with_capacity(self.paths.len());
        let mut rest = html.as_str();
        for (n, path) in self.paths.iter().enumerate() {
            // The marker ends the `src` value: the quote after it closes the attribute.
            let marker = format!("#casebook-image-{key}-{n}\"");
            let Some(at) = rest.find(&marker) else {
                continue;
            };
            let before = &rest[..at];
            let after = &rest[at + marker.len()..];
            let written = out.len();
            out.push_str(before);
            out.push('"');
            rest = after;
            const OPEN: &str = "<img src=\"";
            let Some(start) = before.rfind(OPEN) else {
                continue;
            };
            let src = &before[start + OPEN.len()..];
            let Some(end) = tag_end(after) else {
                continue;
            };
            let attributes = after[..end].trim_end().trim_end_matches('/').trim_end();
            out.push_str(&after[..=end]);
            rest = &after[end + 1..];
            if src.contains(['"', '<', '>']) || !attributes.starts_with(" alt=\"") {
                continue;
            }
            images.push(BodyImage {
                path: path.clone(),
                tag: written + start..out.len(),
                src: src.to_string(),
                attributes: attributes.to_string(),
            });
        }
        out.push_str(rest);
        (out, images)
    }
}

/// The index of the `>` that closes a tag whose attribute values are all double-quoted,
/// in `attributes` (the rest of the tag and beyond); a `>` inside a value does not count.
fn tag_end(attributes: &str) -> Option<usize> {
    let mut quoted = false;
    for (i, c) in attributes.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '>' if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

// ── 5. Raw HTML ─────────────────────────────────────────────────────────────

/// `raw_html: escape`: raw HTML becomes text, so `<script>` shows as `<script>`.
/// An HTML block becomes a paragraph, as it now holds text.
fn escape_raw_html(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    events
        .into_iter()
        .map(|event| match event {
            Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
            Event::Start(Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
            Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
            other => other,
        })
        .collect()
}

// ── 6. Code blocks ──────────────────────────────────────────────────────────

/// Replaces each code block with its finished HTML: `<pre class="code">`, which is the
/// class syntect's theme CSS styles, with the language in `data-lang`.
fn highlight_code_blocks(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    let mut events = events.into_iter();
    while let Some(event) = events.next() {
        let Event::Start(Tag::CodeBlock(kind)) = event else {
            out.push(event);
            continue;
        };
        let code: String = events
            .by_ref()
            .take_while(|e| !matches!(e, Event::End(TagEnd::CodeBlock)))
            .fold(String::new(), |mut code, e| {
                if let Event::Text(text) = e {
                    code.push_str(&text);
                }
                code
            });
        out.push(Event::Html(
            code_block_html(code_language(&kind), &code).into(),
        ));
    }
    out
}

/// The language of a fenced block: the first word of its info string
/// (`rust`, from "```rust,ignore" or "```rust {.wide}").
fn code_language<'k>(kind: &'k CodeBlockKind<'_>) -> Option<&'k str> {
    let CodeBlockKind::Fenced(info) = kind else {
        return None;
    };
    let end = info
        .find(|c: char| c.is_whitespace() || c == ',' || c == '{')
        .unwrap_or(info.len());
    Some(&info[..end]).filter(|lang| !lang.is_empty())
}

fn code_block_html(language: Option<&str>, code: &str) -> String {
    let Some(language) = language else {
        return format!(
            "<pre class=\"code\"><code>{}</code></pre>\n",
            escape_html(code)
        );
    };
    let body = highlight(language, code).unwrap_or_else(|| escape_html(code));
    format!(
        "<pre class=\"code\" data-lang=\"{}\"><code>{body}</code></pre>\n",
        escape_html(language)
    )
}

/// `code` as syntect's classed spans, or `None` for an unknown language.
fn highlight(language: &str, code: &str) -> Option<String> {
    let syntaxes = syntaxes();
    let syntax = syntaxes.find_syntax_by_token(language)?;
    // The grammars' regexes run on user content. A bug in them should cost this block
    // its colours, not the whole build.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut html =
            ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, ClassStyle::Spaced);
        for line in LinesWithEndings::from(code) {
            html.parse_html_for_line_which_includes_newline(line).ok()?;
        }
        Some(html.finalize())
    }))
    .ok()
    .flatten()
}

/// The default grammars, loaded on first use: most pages have no code, and loading
/// takes longer than rendering a page.
fn syntaxes() -> &'static SyntaxSet {
    static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

// ── 7. Tables ───────────────────────────────────────────────────────────────

/// Writes column alignment as `align="center"` instead of pulldown-cmark's inline
/// `style`, which the site's CSP (`default-src 'self'`) would block.
fn align_table_cells(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut table = TableCursor::default();
    events
        .into_iter()
        .map(|event| {
            match &event {
                Event::Start(Tag::Table(alignments)) => table = TableCursor::new(alignments),
                Event::Start(Tag::TableHead) => table.in_head = true,
                Event::End(TagEnd::TableHead) => table.in_head = false,
                Event::Start(Tag::TableRow) => table.column = 0,
                Event::Start(Tag::TableCell) => return table.open_cell().unwrap_or(event),
                _ => {}
            }
            event
        })
        .collect()
}

/// Wraps each table in `<div class="table-wrap" tabindex="0" role="region">`, so a
/// wide table scrolls inside its box on a phone instead of the whole page, and a
/// keyboard user can scroll it. The region is named after the table's header
/// cells, which also keeps this step free of any UI language.
fn wrap_tables(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len() + 4);
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::Table(_)) => {
                let label = table_header_text(&events[i + 1..]);
                out.push(Event::Html(
                    format!(
                        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">",
                        escape_html(&label)
                    )
                    .into(),
                ));
                out.push(event.clone());
            }
            Event::End(TagEnd::Table) => {
                out.push(event.clone());
                out.push(Event::Html("</div>".into()));
            }
            _ => out.push(event.clone()),
        }
    }
    out
}

/// The text of a table's header row, cells joined with ` / `.
fn table_header_text(events: &[Event<'_>]) -> String {
    let mut cells: Vec<String> = Vec::new();
    for event in events {
        match event {
            Event::Start(Tag::TableCell) => cells.push(String::new()),
            Event::Text(text) | Event::Code(text) => {
                if let Some(cell) = cells.last_mut() {
                    cell.push_str(text);
                }
            }
            Event::End(TagEnd::TableHead) | Event::End(TagEnd::Table) => break,
            _ => {}
        }
    }
    cells.retain(|c| !c.trim().is_empty());
    if cells.is_empty() {
        "table".to_string()
    } else {
        cells.join(" / ")
    }
}

/// Where in a table the cell being written is.
#[derive(Default)]
struct TableCursor {
    alignments: Vec<Alignment>,
    in_head: bool,
    column: usize,
}

impl TableCursor {
    fn new(alignments: &[Alignment]) -> Self {
        TableCursor {
            alignments: alignments.to_vec(),
            in_head: false,
            column: 0,
        }
    }

    /// The start tag of the next cell when its column is aligned; `None` leaves the
    /// plain cell to pulldown-cmark, which also writes the matching end tag.
    fn open_cell(&mut self) -> Option<Event<'static>> {
        let alignment = self.alignments.get(self.column).copied();
        self.column += 1;
        let align = match alignment? {
            Alignment::None => return None,
            Alignment::Left => "left",
            Alignment::Center => "center",
            Alignment::Right => "right",
        };
        let cell = if self.in_head { "th" } else { "td" };
        Some(Event::Html(format!("<{cell} align=\"{align}\">").into()))
    }
}

// ── 8. Nesting ──────────────────────────────────────────────────────────────

/// How many quotes, lists and list items may nest. No document needs more, and an
/// HTML parser (ammonia's, and the reader's browser) checks every new element against
/// all open ones, so 40,000 nested `>` would take seconds to sanitize.
const MAX_NESTING: usize = 64;

/// Drops the start and end tags of containers nested deeper than [`MAX_NESTING`],
/// keeping their content. Start and end events are balanced, so a depth count is
/// enough to drop matching pairs.
fn flatten_deep_nesting(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut depth = 0usize;
    events
        .into_iter()
        .filter(|event| match event {
            Event::Start(tag) if is_container(&tag.to_end()) => {
                depth += 1;
                depth <= MAX_NESTING
            }
            Event::End(tag) if is_container(tag) => {
                depth = depth.saturating_sub(1);
                depth < MAX_NESTING
            }
            _ => true,
        })
        .collect()
}

fn is_container(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item | TagEnd::FootnoteDefinition
    )
}

// ── 9. Sanitize ─────────────────────────────────────────────────────────────

/// What the sanitizer puts on every link.
const LINK_REL: &str = "noopener noreferrer";

/// Whether the sanitizer could take anything out of the HTML of `events` (after
/// step 5). Without raw HTML, everything pulldown-cmark writes is escaped, and what
/// it writes is on the sanitizer's lists, but for two things that come from the
/// author: attributes written on a heading (`{onclick=…}`), and link and image URLs,
/// which the sanitizer keeps only when relative or of a scheme it allows. A body
/// free of all three (nearly every case study) skips the sanitizer, whose HTML
/// parsing is most of the time a body takes, and gets only the `rel` it would add.
fn needs_sanitizer(events: &[Event<'_>]) -> bool {
    events.iter().any(|event| match event {
        Event::Html(_) | Event::InlineHtml(_) | Event::Start(Tag::HtmlBlock) => true,
        Event::Start(Tag::Heading { attrs, .. }) => !attrs.is_empty(),
        Event::Start(Tag::Link {
            link_type: LinkType::Email,
            dest_url,
            ..
        }) => !sanitizer_keeps_url(&format!("mailto:{dest_url}")),
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
            !sanitizer_keeps_url(dest_url)
        }
        _ => false,
    })
}

/// Whether the sanitizer keeps `dest` as a link or image URL, judged as it
/// judges it: on the value pulldown-cmark writes (percent-encoded), parsed as a
/// URL, relative or of an allowed scheme.
fn sanitizer_keeps_url(dest: &str) -> bool {
    let mut written = String::with_capacity(dest.len());
    if pulldown_cmark_escape::escape_href(&mut written, dest).is_err() {
        return false;
    }
    // The two references escape_href writes, as the sanitizer's parser reads them.
    let written = written.replace("&amp;", "&").replace("&#x27;", "'");
    match url::Url::parse(&written) {
        Ok(url) => {
            static SCHEMES: OnceLock<HashSet<&'static str>> = OnceLock::new();
            SCHEMES
                .get_or_init(|| sanitizer().clone_url_schemes())
                .contains(url.scheme())
        }
        Err(url::ParseError::RelativeUrlWithoutBase) => true,
        Err(_) => false,
    }
}

/// `html`, of a body that skips the sanitizer, as the sanitizer would write it:
/// its `rel` on every link, and void elements closed as HTML closes them (`<br>`,
/// not `<br />`). Only pulldown-cmark writes tags there, and it escapes every `>`
/// in text and attribute values, so the first `>` after `<a ` ends that tag and
/// every `/>` closes a void element.
fn as_sanitizer_writes(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(at) = rest.find("<a ") {
        let Some(end) = tag_end(&rest[at..]) else {
            break;
        };
        out.push_str(&rest[..at + end]);
        out.push_str(" rel=\"");
        out.push_str(LINK_REL);
        out.push('"');
        rest = &rest[at + end..];
    }
    out.push_str(rest);
    out.replace(" />", ">").replace("/>", ">")
}

/// ammonia's defaults plus exactly what this module writes: heading and footnote ids,
/// classes (code highlighting, footnotes), `data-lang`, disabled task-list checkboxes,
/// `<details open>`, and lazy-loading hints on images. It removes `<script>`, `<style>`,
/// `on*` attributes and `javascript:` URLs, adds `rel="noopener noreferrer"` to links
/// and leaves relative URLs alone (the base path is already applied).
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .add_tags(["input"])
            // Classes only select CSS, and syntect emits too many to list.
            .add_generic_attributes(["class"])
            .add_tag_attributes("div", ["id", "tabindex", "role", "aria-label"])
            .add_tag_attributes("pre", ["data-lang"])
            .add_tag_attributes("img", ["loading", "decoding"])
            .add_tag_attributes("details", ["open"])
            .add_tag_attributes("input", ["checked", "disabled"])
            .add_tag_attribute_values("input", "type", ["checkbox"])
            .set_tag_attribute_value("input", "disabled", "")
            .link_rel(Some(LINK_REL))
            .url_relative(ammonia::UrlRelative::PassThrough);
        for heading in ["h1", "h2", "h3", "h4", "h5", "h6"] {
            builder.add_tag_attributes(heading, ["id"]);
        }
        builder
    })
}

#[cfg(test)]
mod page_structure_tests {
    use super::*;

    /// A body as the default `raw_html: sanitize` publishes it.
    pub(super) fn html(body: &str) -> String {
        let options = MarkdownOptions {
            raw_html: RawHtml::Sanitize,
            highlight_theme: "InspiredGitHub".into(),
        };
        render(body, 1, &options, &|_| LinkTarget::External).html
    }

    #[test]
    fn a_body_h1_is_demoted_so_the_page_keeps_one_h1() {
        for (body, expected, absent) in [
            ("# 背景\n\n## 詳細\n", "<h3 id=\"詳細\">", "<h1"),
            ("## 背景\n\n### 詳細\n", "<h3 id=\"詳細\">", "<h1"),
            ("# a\n\n###### z\n", "<h6 id=\"z\">", "<h1"),
        ] {
            let out = html(body);
            assert!(
                out.contains(expected) && !out.contains(absent),
                "{body:?} → {out}"
            );
        }
    }

    #[test]
    fn tables_scroll_in_a_region_named_by_their_headers() {
        let out = html("| 項目 | 値 |\n|---|---|\n| 利用者 | 320 |\n");
        assert!(
            out.contains("<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"項目 / 値\"><table>"),
            "{out}"
        );
        assert!(out.contains("</table>\n</div>"), "{out}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::words;
    use std::cell::RefCell;

    fn options(raw_html: RawHtml) -> MarkdownOptions {
        MarkdownOptions {
            raw_html,
            highlight_theme: "InspiredGitHub".to_string(),
        }
    }

    fn external(_: &str) -> LinkTarget {
        LinkTarget::External
    }

    fn render_with(body: &str, raw_html: RawHtml) -> Rendered {
        render(body, 1, &options(raw_html), &external)
    }

    fn html(body: &str) -> String {
        render_with(body, RawHtml::Sanitize).html
    }

    #[test]
    fn heading_ids() {
        let cases: &[(&str, &[&str])] = &[
            ("## 取組の内容", &["取組の内容"]),
            ("## Hello, World!", &["hello-world"]),
            ("## 令和元年度 の 成果", &["令和元年度-の-成果"]),
            ("## まち普請（ハード整備）", &["まち普請-ハード整備"]),
            ("## 子育て・多世代交流", &["子育て-多世代交流"]),
            ("## ステップ１：準備", &["ステップ１-準備"]),
            ("## `code` and *em*", &["code-and-em"]),
            ("## --a__b--", &["a-b"]),
            ("## ！？", &["section"]),
            ("#", &["section"]),
            ("# A\n# A\n# A", &["a", "a-1", "a-2"]),
            ("# 概要\n# 概要", &["概要", "概要-1"]),
            ("# a 1\n# a\n# a", &["a-1", "a", "a-2"]),
            ("## 概要 {#overview}", &["overview"]),
            (
                "# Overview\n## 概要 {#overview}",
                &["overview-1", "overview"],
            ),
            ("Setext\n======", &["setext"]),
        ];
        for (body, expected) in cases {
            let ids: Vec<String> = render_with(body, RawHtml::Sanitize)
                .toc
                .into_iter()
                .map(|entry| entry.id)
                .collect();
            assert_eq!(ids, *expected, "{body}");
        }
    }

    #[test]
    fn heading_ids_are_written_into_html() {
        let cases = [
            ("## 取組の内容", "<h2 id=\"取組の内容\">取組の内容</h2>"),
            (
                "## 概要 {#overview .wide}",
                "<h2 id=\"overview\" class=\"wide\">概要</h2>",
            ),
            ("## x {onclick=alert(1)}", "<h2 id=\"x\">x</h2>"),
        ];
        for raw_html in [RawHtml::Sanitize, RawHtml::Escape, RawHtml::Allow] {
            for (body, expected) in cases {
                let html = render_with(body, raw_html).html;
                assert!(html.contains(expected), "{raw_html:?} {body}: {html}");
            }
        }
    }

    #[test]
    fn toc_lists_headings() {
        // A body `#` heading is demoted: the page title is the only h1.
        let rendered = html_toc("# 事例\n\n本文\n\n## 取組の*内容*\n\n### Step 1\n");
        assert_eq!(
            rendered,
            vec![
                TocEntry {
                    level: 2,
                    id: "事例".into(),
                    title: "事例".into()
                },
                TocEntry {
                    level: 3,
                    id: "取組の内容".into(),
                    title: "取組の内容".into()
                },
                TocEntry {
                    level: 4,
                    id: "step-1".into(),
                    title: "Step 1".into()
                },
            ]
        );
    }

    fn html_toc(body: &str) -> Vec<TocEntry> {
        render_with(body, RawHtml::Sanitize).toc
    }

    /// Resolves `/cases/a/` and `photo.jpg`; everything else starting with `/` or
    /// ending in `.jpg` is broken.
    fn site(dest: &str) -> LinkTarget {
        match dest {
            "/cases/a/" => LinkTarget::Page("/jirei/cases/a/".into()),
            "/cases/a/#history" => LinkTarget::Page("/jirei/cases/a/#history".into()),
            "photo.jpg" => LinkTarget::Asset {
                href: "/jirei/cases/b/photo.jpg?v=1".into(),
                path: "cases/b/photo.jpg".into(),
            },
            d if d.starts_with('/') || d.ends_with(".jpg") => LinkTarget::Broken {
                message: words(format!("no page or file at `{d}`"), "ない"),
                hint: Some(words("did you mean `/cases/a/`?", "誤り？")),
            },
            _ => LinkTarget::External,
        }
    }

    #[test]
    fn broken_link_is_reported_at_its_line_and_character_column_in_the_file() {
        let body = "前文です。\n\n中村地区の[拠点](/cases/missing/)を参照。\n";
        let rendered = render(body, 7, &options(RawHtml::Sanitize), &site);
        assert_eq!(
            rendered.problems,
            vec![BodyProblem {
                span: Span::new(9, 6),
                message: words("no page or file at `/cases/missing/`", "ない"),
                hint: Some(words("did you mean `/cases/a/`?", "誤り？")),
            }]
        );
        assert!(
            rendered.html.contains("<p>中村地区の拠点を参照。</p>"),
            "{}",
            rendered.html
        );
    }

    #[test]
    fn broken_links_and_images_are_all_reported() {
        let body = "[a](/x/) ![写真](gone.jpg)\n\n> - [b][ref]\n\n[ref]: /y/\n";
        let rendered = render(body, 3, &options(RawHtml::Sanitize), &site);
        let spans: Vec<Span> = rendered.problems.iter().map(|p| p.span).collect();
        assert_eq!(
            spans,
            vec![Span::new(3, 1), Span::new(3, 10), Span::new(5, 5)]
        );
        assert!(rendered.html.contains("a 写真"), "{}", rendered.html);
        assert!(!rendered.html.contains("<img"), "{}", rendered.html);
    }

    #[test]
    fn links_and_images_are_resolved() {
        let cases = [
            ("[A](/cases/a/)", "<a href=\"/jirei/cases/a/\""),
            (
                "[A](/cases/a/#history)",
                "<a href=\"/jirei/cases/a/#history\"",
            ),
            (
                "![外観](photo.jpg)",
                "<img src=\"/jirei/cases/b/photo.jpg?v=1\" alt=\"外観\">",
            ),
            (
                "[![外観](photo.jpg)](/cases/a/)",
                "<a href=\"/jirei/cases/a/\" rel=\"noopener noreferrer\"><img src=\"/jirei/cases/b/photo.jpg?v=1\"",
            ),
            ("[r][a]\n\n[a]: /cases/a/", "<a href=\"/jirei/cases/a/\""),
            (
                "[ext](https://example.jp/)",
                "<a href=\"https://example.jp/\"",
            ),
            ("[top](#top)", "<a href=\"#top\""),
            ("<info@example.jp>", "<a href=\"mailto:info@example.jp\""),
        ];
        for (body, expected) in cases {
            let rendered = render(body, 1, &options(RawHtml::Sanitize), &site);
            assert!(
                rendered.html.contains(expected),
                "{body}: {}",
                rendered.html
            );
            assert_eq!(rendered.problems, vec![], "{body}");
        }
    }

    #[test]
    fn images_beside_the_body_are_listed_with_their_tags() {
        let body = "前 ![外観 \"a>b\"](photo.jpg \"題\") 後 ![外部](https://example.jp/a.png)";
        let attributes = " alt=\"外観 &quot;a&gt;b&quot;\" title=\"題\"";
        for raw_html in [RawHtml::Sanitize, RawHtml::Escape, RawHtml::Allow] {
            let rendered = render(body, 1, &options(raw_html), &site);
            let [image] = &rendered.images[..] else {
                panic!("{raw_html:?}: {:?}", rendered.images);
            };
            assert_eq!(image.path, "cases/b/photo.jpg");
            assert_eq!(image.src, "/jirei/cases/b/photo.jpg?v=1");
            assert_eq!(image.attributes, attributes, "{raw_html:?}");
            let tag = &rendered.html[image.tag.clone()];
            assert!(
                tag.starts_with(&format!("<img src=\"{}\"{attributes}", image.src))
                    && tag.ends_with('>'),
                "{raw_html:?}: {tag}"
            );
            assert!(
                !rendered.html.contains("casebook-image"),
                "{}",
                rendered.html
            );
            let replaced = rendered.html_with_images(|_| Some("[画像]".into()));
            assert!(
                replaced.starts_with("<p>前 [画像] 後 <img src=\"https://example.jp/a.png\""),
                "{replaced}"
            );
        }
    }

    #[test]
    fn tag_ends_skip_quoted_values() {
        for (rest, expected) in [
            (" alt=\"a\">after", Some(8)),
            (" alt=\"a>b\" />", Some(12)),
            (" alt=\"a>", None),
            ("", None),
        ] {
            assert_eq!(tag_end(rest), expected, "{rest}");
        }
    }

    #[test]
    fn resolve_is_not_asked_about_fragments_or_email() {
        let asked = RefCell::new(Vec::new());
        let record = |dest: &str| {
            asked.borrow_mut().push(dest.to_string());
            LinkTarget::External
        };
        let body = "[a](#x) [b]() <a@b.jp> [c](/c/) ![d](d.png) <https://e.jp/>";
        render(body, 1, &options(RawHtml::Sanitize), &record);
        assert_eq!(*asked.borrow(), vec!["/c/", "d.png", "https://e.jp/"]);
    }

    #[test]
    fn unsafe_markup_per_raw_html_mode() {
        // (body, mode, must contain, must not contain)
        let cases: &[(&str, RawHtml, &str, &[&str])] = &[
            (
                "<script>alert(1)</script>",
                RawHtml::Sanitize,
                "",
                &["<script", "alert"],
            ),
            (
                "<script>alert(1)</script>",
                RawHtml::Escape,
                "&lt;script&gt;alert(1)&lt;/script&gt;",
                &["<script"],
            ),
            (
                "<script>alert(1)</script>",
                RawHtml::Allow,
                "<script>alert(1)</script>",
                &[],
            ),
            (
                "a <img src=x onerror=alert(1)> b",
                RawHtml::Sanitize,
                "<img src=\"x\">",
                &["onerror"],
            ),
            (
                "a <img src=x onerror=alert(1)> b",
                RawHtml::Escape,
                "a &lt;img src=x onerror=alert(1)&gt; b",
                &["<img"],
            ),
            (
                "[x](javascript:alert(1))",
                RawHtml::Sanitize,
                "<p>x</p>",
                &["javascript", "<a"],
            ),
            (
                "[x](javascript:alert(1))",
                RawHtml::Escape,
                "<p>x</p>",
                &["javascript", "<a"],
            ),
            (
                "[x](JavaScript:alert(1))",
                RawHtml::Allow,
                "<p>x</p>",
                &["avaScript", "<a"],
            ),
            (
                "[x](<java\tscript:alert(1)>)",
                RawHtml::Escape,
                "<p>x</p>",
                &["<a"],
            ),
            (
                "![x](data:text/html,hi)",
                RawHtml::Escape,
                "<p>x</p>",
                &["<img"],
            ),
            (
                "<a href=\"javascript:alert(1)\" onclick=\"alert(2)\">y</a>",
                RawHtml::Sanitize,
                "<a rel=\"noopener noreferrer\">y</a>",
                &["javascript", "onclick"],
            ),
            (
                "<style>p{}</style>\n\ntext",
                RawHtml::Sanitize,
                "<p>text</p>",
                &["<style", "p{}"],
            ),
            (
                "<!-- note -->\n\ntext",
                RawHtml::Sanitize,
                "<p>text</p>",
                &["note"],
            ),
        ];
        for (body, mode, wanted, unwanted) in cases {
            let html = render_with(body, *mode).html;
            assert!(html.contains(wanted), "{mode:?} {body}: {html}");
            for bad in *unwanted {
                assert!(!html.contains(bad), "{mode:?} {body}: {bad} in {html}");
            }
        }
    }

    #[test]
    fn unsafe_schemes() {
        let cases = [
            ("javascript:alert(1)", true),
            ("  JavaScript:alert(1)", true),
            ("java\nscript:alert(1)", true),
            ("\u{1}javascript:alert(1)", true),
            ("vbscript:msgbox", true),
            ("data:text/html,<b>", true),
            ("https://example.jp/", false),
            ("/javascript:x", false),
            ("javascript.html", false),
            ("mailto:info@example.jp", false),
            ("", false),
        ];
        for (dest, expected) in cases {
            assert_eq!(has_unsafe_scheme(dest), expected, "{dest:?}");
        }
    }

    #[test]
    fn safe_markup_survives_sanitizing() {
        let cases = [
            (
                "<details open><summary>詳細</summary>\n\n本文\n\n</details>",
                "<details open=\"\"><summary>詳細</summary>",
            ),
            (
                "<figure><img src=\"a.jpg\" alt=\"a\" loading=\"lazy\" width=\"10\"><figcaption>説明</figcaption></figure>",
                "<figure><img src=\"a.jpg\" alt=\"a\" loading=\"lazy\" width=\"10\"><figcaption>説明</figcaption></figure>",
            ),
            ("<mark>重要</mark>", "<mark>重要</mark>"),
            // Only `disabled` is forced: ammonia adds forced attributes in hash order,
            // so forcing `type` too would make the output differ between builds.
            ("<input type=\"text\" name=\"q\">", "<input disabled=\"\">"),
            (
                "<input type=\"checkbox\" checked>",
                "<input type=\"checkbox\" checked=\"\" disabled=\"\">",
            ),
        ];
        for (body, expected) in cases {
            let html = html(body);
            assert!(html.contains(expected), "{body}: {html}");
        }
    }

    #[test]
    fn code_blocks() {
        let cases = [
            (
                "```rust\nfn main() {}\n```",
                "<pre class=\"code\" data-lang=\"rust\"><code><span class=\"source rust\">",
            ),
            (
                "```rust,ignore\nlet x = 1;\n```",
                "<pre class=\"code\" data-lang=\"rust\"><code><span class=\"source rust\">",
            ),
            (
                "```nosuchlang\n<b>&</b>\n```",
                "<pre class=\"code\" data-lang=\"nosuchlang\"><code>&lt;b&gt;&amp;&lt;/b&gt;\n</code></pre>",
            ),
            (
                "```\n<b>\n```",
                "<pre class=\"code\"><code>&lt;b&gt;\n</code></pre>",
            ),
            (
                "    indented <b>\n",
                "<pre class=\"code\"><code>indented &lt;b&gt;\n</code></pre>",
            ),
            (
                "```rust\n```",
                "<pre class=\"code\" data-lang=\"rust\"><code></code></pre>",
            ),
        ];
        for raw_html in [RawHtml::Sanitize, RawHtml::Escape, RawHtml::Allow] {
            for (body, expected) in cases {
                let html = render_with(body, raw_html).html;
                assert!(html.contains(expected), "{raw_html:?} {body}: {html}");
            }
        }
    }

    #[test]
    fn highlighted_code_keeps_its_text() {
        let rendered = render_with("```rust\nlet s = \"<空き家>\";\n```", RawHtml::Sanitize);
        assert!(
            rendered.html.contains("&lt;空き家&gt;"),
            "{}",
            rendered.html
        );
        assert!(
            rendered.html.contains("class=\"keyword"),
            "{}",
            rendered.html
        );
        assert_eq!(rendered.text, "let s = \"<空き家>\";");
    }

    #[test]
    fn extensions_are_enabled() {
        let cases = [
            (
                "| 年度 | 金額 |\n|:--|--:|\n| 2018 | 500万円 |",
                "<table><thead><tr><th align=\"left\">年度</th><th align=\"right\">金額</th></tr></thead><tbody>\n<tr><td align=\"left\">2018</td><td align=\"right\">500万円</td></tr>",
            ),
            (
                "| a | b |\n|---|---|\n| 1 | 2 |",
                "<tr><td>1</td><td>2</td></tr>",
            ),
            (
                "注[^1]\n\n[^1]: 出典",
                "<sup class=\"footnote-reference\"><a href=\"#1\"",
            ),
            (
                "注[^1]\n\n[^1]: 出典",
                "<div class=\"footnote-definition\" id=\"1\">",
            ),
            ("~~旧~~", "<del>旧</del>"),
            (
                "- [x] 完了\n- [ ] 未了",
                "<li><input disabled=\"\" type=\"checkbox\" checked=\"\">\n完了</li>",
            ),
            (
                "- [ ] 未了",
                "<li><input disabled=\"\" type=\"checkbox\">\n未了</li>",
            ),
        ];
        for (body, expected) in cases {
            let html = html(body);
            assert!(html.contains(expected), "{body}: {html}");
            assert!(!html.contains("style="), "{body}: {html}");
        }
    }

    #[test]
    fn plain_text() {
        let cases = [
            ("", ""),
            (
                "# 見出し\n\n本文の*強調*と`code`。",
                "見出し\n本文の強調とcode。",
            ),
            ("空き家を\n活用した", "空き家を活用した"),
            ("hello\nworld", "hello world"),
            ("line one  \nline two", "line one\nline two"),
            ("- 一\n- 二\n  - 三", "一\n二\n三"),
            ("> 引用\n\n後", "引用\n後"),
            ("![外観の写真](a.jpg)", "外観の写真"),
            ("```rust\nfn a() {}\n```\n後", "fn a() {}\n後"),
            ("<div>raw</div>\n\n本文 <b>太</b>", "本文 太"),
            ("| a | b |\n|---|---|\n| 1 | 2 |", "a b\n1 2"),
            ("- [x] 済", "済"),
            ("[リンク](https://example.jp/)です", "リンクです"),
        ];
        for (body, expected) in cases {
            assert_eq!(
                render_with(body, RawHtml::Sanitize).text,
                expected,
                "{body:?}"
            );
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let cases = [
            format!("{} 深い", ">".repeat(10_000)),
            format!("{} x", "- ".repeat(2_000)),
            format!("{}x{}", "*a ".repeat(10_000), "*".repeat(10_000)),
            format!("{}x{}", "[".repeat(10_000), "](/a/)".repeat(10_000)),
        ];
        for body in cases {
            for raw_html in [RawHtml::Sanitize, RawHtml::Escape] {
                let rendered = render_with(&body, raw_html);
                assert!(!rendered.html.is_empty());
            }
        }
    }

    #[test]
    fn deep_nesting_is_flattened() {
        let cases = [
            (
                format!("{} 深い", ">".repeat(100)),
                "<blockquote>",
                MAX_NESTING,
            ),
            (format!("{} x", "- ".repeat(100)), "<ul>", MAX_NESTING / 2),
            (format!("{} x", "- ".repeat(100)), "<li>", MAX_NESTING / 2),
            (format!("{} x", ">".repeat(3)), "<blockquote>", 3),
        ];
        for (body, tag, expected) in cases {
            let html = render_with(&body, RawHtml::Allow).html;
            let closing = tag.replace('<', "</");
            assert_eq!(html.matches(tag).count(), expected, "{tag} in {html}");
            assert_eq!(
                html.matches(&closing).count(),
                expected,
                "{closing} in {html}"
            );
        }
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let cases = [
            "",
            "\n\n\n",
            "\r\n# 見出し\r\n\r\n[a](/x/)\r\n",
            "\u{FEFF}[a](/missing/)",
            "[a]: /x/\n",
            "```\nunterminated",
            "<div>\nunterminated",
            "# {#}\n## {#}",
            "![](/)",
            "\0\u{1}\u{7f}",
        ];
        for body in cases {
            for raw_html in [RawHtml::Sanitize, RawHtml::Escape, RawHtml::Allow] {
                render(body, 0, &options(raw_html), &site);
                render(body, 100, &options(raw_html), &site);
            }
        }
    }

    #[test]
    fn highlight_themes() {
        assert!(theme_exists("InspiredGitHub"));
        assert!(!theme_exists("NoSuchTheme"));
        assert!(theme_names().contains(&"base16-ocean.dark"));
        let css = highlight_css("InspiredGitHub").unwrap_or_default();
        assert!(css.contains(".code {"), "{css}");
        assert_eq!(highlight_css("NoSuchTheme"), None);
    }

    #[test]
    fn slugs() {
        let cases = [
            ("取組の内容", "取組の内容"),
            ("ABC def", "abc-def"),
            ("  spaced  out  ", "spaced-out"),
            ("Ｆｕｌｌ　ｗｉｄｔｈ", "Ｆｕｌｌ-ｗｉｄｔｈ"),
            // Decomposed が (か + combining dakuten) is composed, not split.
            ("か\u{3099}", "が"),
            ("Café", "café"),
            ("100%", "100"),
            ("", "section"),
            ("!!!", "section"),
        ];
        for (title, expected) in cases {
            assert_eq!(heading_slug(title), expected, "{title:?}");
        }
    }
}

/// A body that skips the sanitizer must come out as the sanitizer would have let it
/// through: the property below runs the sanitizer over what `render` publishes and
/// requires it to remove nothing.
#[cfg(test)]
mod sanitizer_skip_tests {
    use super::page_structure_tests::html as published;
    use super::*;
    use proptest::prelude::*;

    /// Each tag in `html` (as `render` writes it: every attribute value quoted), with
    /// its name and its attributes' names and values.
    fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
        let mut found = Vec::new();
        let mut rest = html;
        while let Some(at) = rest.find('<') {
            rest = &rest[at + 1..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            let Some(end) = tag_end(rest).filter(|_| !name.is_empty()) else {
                continue;
            };
            let mut attributes = Vec::new();
            let mut inside = rest[name.len()..end].trim_end_matches('/');
            while let Some(eq) = inside.find("=\"") {
                let attribute = inside[..eq].trim().to_string();
                let value_end = inside[eq + 2..].find('"').unwrap_or(0);
                attributes.push((attribute, inside[eq + 2..eq + 2 + value_end].to_string()));
                inside = &inside[eq + 2 + value_end + 1..];
            }
            found.push((name.to_ascii_lowercase(), attributes));
            rest = &rest[end..];
        }
        found
    }

    /// The same HTML written back by the sanitizer's parser with every tag,
    /// attribute and URL scheme in it allowed, and no `rel` added.
    fn reserialized(html: &str) -> String {
        let found = tags(html);
        let names: HashSet<&str> = found.iter().map(|(name, _)| name.as_str()).collect();
        let attributes: HashSet<&str> = found
            .iter()
            .flat_map(|(_, attributes)| attributes.iter().map(|(a, _)| a.as_str()))
            .collect();
        let mut schemes = sanitizer().clone_url_schemes();
        schemes.extend(["javascript", "vbscript", "data", "file", "foo"]);
        let mut permissive = ammonia::Builder::empty();
        permissive
            .add_tags(names)
            .add_generic_attributes(attributes)
            .clean_content_tags(HashSet::new())
            .strip_comments(false)
            .url_schemes(schemes)
            .link_rel(None)
            .url_relative(ammonia::UrlRelative::PassThrough);
        permissive.clean(html).to_string()
    }

    fn fragment() -> impl Strategy<Value = String> {
        let destinations = prop::sample::select(vec![
            "/cases/a/",
            "photo.jpg",
            "../x?a=1&b='2'",
            "#facts",
            "?page=2",
            "//example.jp/x",
            "https://example.jp/a?b=1&c=2",
            "http://例え.jp/地図",
            "mailto:info@example.jp",
            "tel:0312345678",
            "ftp://example.jp/f",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "JAVA\tscript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "foo:bar",
            "http://[::1",
            "<http://a b>",
            "<https://exa mple.jp>",
        ]);
        let pieces = prop::sample::select(vec![
            "# 見出し {#facts .wide}\n",
            "## 見出し {onclick=alert(1)}\n",
            "### 見出し {.a data-x=1}\n",
            "<b>太字</b>",
            "<img src=x onerror=alert(1)>",
            "<script>alert(1)</script>\n",
            "<!-- メモ -->\n",
            "<a href=\"javascript:x\">y</a>",
            "`<a href=x>`",
            "```rust\nfn a() -> &'static str { \"<b>\" }\n```\n",
            "```\n<b> & </b>\n```\n",
            "| 項目 | 値 |\n|:-|-:|\n| <1> | \"2\" |\n",
            "- [x] 完了\n- [ ] 未了\n",
            "注[^1]\n\n[^1]: 出典 <a@b.jp>\n",
            "~~旧~~",
            "行末  \n次の行",
            "行末\\\n次の行",
            "\n---\n",
            "> 引用\n> > 二重\n",
            "3. 三\n4. 四\n",
            "&amp; &lt;b&gt; &copy; &#x3C;script&#x3E; &nbsp;",
            "<https://example.jp/?a=1&b=2>",
            "<info@example.jp>",
            "文字 \" ' < > & \u{a0} の並び",
        ]);
        prop_oneof![
            pieces.prop_map(str::to_string),
            (destinations.clone(), "[a-zA-Z'\"<>&]{0,4}")
                .prop_map(|(d, t)| format!("[リンク{t}]({d} \"題{t}\")")),
            (destinations, "[a-zA-Z'\"<>&]{0,4}").prop_map(|(d, t)| format!("![写真{t}]({d})")),
        ]
    }

    proptest! {
        #[test]
        fn the_sanitizer_takes_nothing_out_of_a_published_body(
            parts in prop::collection::vec(
                (fragment(), prop::sample::select(vec![" ", "\n", "\n\n"])),
                1..8,
            )
        ) {
            let body: String = parts.iter().map(|(p, s)| format!("{p}{s}")).collect();
            let html = published(&body);
            prop_assert_eq!(sanitizer().clean(&html).to_string(), reserialized(&html), "{}", body);
            // The sanitizer drops a URL it cannot parse; the comparison above
            // cannot see that, as both sides drop it.
            for (_, attributes) in tags(&html) {
                for (name, value) in attributes {
                    if name == "href" || name == "src" {
                        let value = value.replace("&amp;", "&").replace("&#x27;", "'");
                        prop_assert!(
                            sanitizer_keeps_url(&value),
                            "{} in {}",
                            value,
                            html
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn plain_bodies_skip_the_sanitizer_and_others_do_not() {
        fn events(body: &str) -> Vec<Event<'_>> {
            parse(body).into_iter().map(|(event, _)| event).collect()
        }
        for body in [
            "# 見出し {#facts .wide}\n\n本文 **強調** [事例](/cases/a/) ![写真](photo.jpg)",
            "[外部](https://example.jp/?a=1&b=2) <info@example.jp> [電話](tel:0312345678)",
            "| a | b |\n|-|-|\n| 1 | 2 |\n\n- [x] 完了\n\n注[^1]\n\n[^1]: 出典",
        ] {
            assert!(!needs_sanitizer(&events(body)), "{body}");
        }
        for body in [
            "<b>太字</b>",
            "<!-- メモ -->",
            "## 見出し {onclick=alert(1)}",
            "[a](file:///etc/passwd)",
            "[a](foo:bar)",
            "[a](<http://exa mple.jp>)",
        ] {
            assert!(needs_sanitizer(&events(body)), "{body}");
        }
    }

    #[test]
    fn a_body_that_skips_the_sanitizer_is_written_as_it_writes() {
        let body = "[事例](/cases/a/ \"題\")  \n改行\n\n---\n\n![写真](https://example.jp/a.png)\n\n- [ ] 未了";
        let html = published(body);
        assert_eq!(html, sanitizer().clean(&html).to_string());
        assert!(
            html.contains("<a href=\"/cases/a/\" title=\"題\" rel=\"noopener noreferrer\">"),
            "{html}"
        );
        assert!(html.contains("<br>") && html.contains("<hr>"), "{html}");
    }
}
