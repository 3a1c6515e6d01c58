//! Configuration: `casebook.yaml` → [`Config`].
//!
//! Validated like front matter: unknown keys are errors with a did-you-mean hint,
//! and each problem names its line and column.

use crate::content::fields;
use crate::content::front_matter::{MAX_YAML_BYTES, PathSeg, normalize_source, parse_yaml};
use crate::content::schema::{Reader, did_you_mean, one_of};
use crate::diagnostics::{Diagnostic, Diagnostics, Words, words};
use crate::markdown::{MarkdownOptions, RawHtml};
use serde_json::{Map, Value};
use std::path::Path;

pub const CONFIG_FILE: &str = "casebook.yaml";

#[derive(Debug, Clone, Hash)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// The absolute URL of the site, always ending in `/`.
    pub base_url: String,
    /// The path part of `base_url`, always starting and ending in `/`; every
    /// href the site writes starts with it.
    pub base_path: String,
    pub language: String,
    pub theme: String,
    pub cases_per_page: usize,
    pub markdown: MarkdownOptions,
    /// `support_type` keys and their labels, in the order written.
    pub support_types: Vec<(String, String)>,
    pub search: SearchOptions,
    /// A banner shown on every page (SPEC §5.5), e.g. that the site is a sample.
    pub notice: Option<String>,
    /// Every amount and outcome value of a real case needs a `source:` (SPEC §5.5).
    pub require_sources: bool,
    /// The web form at /admin/ (SPEC §10), published only when set.
    pub cms: Option<CmsOptions>,
    /// Set only on the configuration a translation is built with (see
    /// `translations`): the default language's base path, where the files
    /// every language shares live (static files, open data).
    pub default_base_path: Option<String>,
}

#[derive(Debug, Clone, Hash)]
pub struct SearchOptions {
    /// Groups of spellings a search treats as one (`[空き家, 空家]`), as written.
    pub variants: Vec<Vec<String>>,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            variants: crate::normalize::DEFAULT_VARIANTS
                .iter()
                .map(|group| group.iter().map(|s| s.to_string()).collect())
                .collect(),
        }
    }
}

/// `decap-server`'s own default port.
pub const DEFAULT_LOCAL_PORT: u64 = 8081;

/// Where the web form (`cms:`, SPEC §10) saves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// `decap-server` on the writer's own computer, writing the site folder.
    Local,
    /// A GitHub repository, through an OAuth proxy.
    Github,
}

/// `casebook.yaml`'s `cms:`.
#[derive(Debug, Clone, PartialEq, Hash)]
pub struct CmsOptions {
    pub backend: Backend,
    pub repo: Option<String>,
    pub branch: Option<String>,
    pub auth_url: Option<String>,
    pub editorial_workflow: bool,
    pub local_port: Option<u64>,
}

impl CmsOptions {
    /// The address of the local backend's API.
    pub fn local_api(&self) -> String {
        format!(
            "http://localhost:{}/api/v1",
            self.local_port.unwrap_or(DEFAULT_LOCAL_PORT)
        )
    }
}

impl Config {
    pub fn support_type_label(&self, key: &str) -> Option<&str> {
        self.support_types
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, label)| label.as_str())
    }

    /// The base path of the files every language shares: static files and
    /// open data live under the default language's.
    pub fn shared_base_path(&self) -> &str {
        self.default_base_path.as_deref().unwrap_or(&self.base_path)
    }

    /// `true` for the configuration of a translation's site.
    pub fn is_translation(&self) -> bool {
        self.default_base_path.is_some()
    }

    /// Replaces the base URL (the `--base-url` flag).
    pub fn with_base_url(mut self, base_url: &str) -> Result<Config, Words> {
        let (url, path) = split_base_url(base_url)?;
        self.base_url = url;
        self.base_path = path;
        Ok(self)
    }
}

/// The site's `language`, for choosing the language of messages; `None`
/// when casebook.yaml cannot be read (its problems are reported elsewhere).
pub fn site_language(root: &Path) -> Option<String> {
    load(root, &mut Diagnostics::new()).map(|config| config.language)
}

/// Reads and validates `casebook.yaml` in `root`. `None` when the site cannot be
/// built at all (no file, or not YAML); otherwise the problems are diagnostics
/// and sensible defaults fill in.
pub fn load(root: &Path, diagnostics: &mut Diagnostics) -> Option<Config> {
    let path = root.join(CONFIG_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) => {
            diagnostics.push(
                Diagnostic::error_in(
                    CONFIG_FILE,
                    words(
                        format!("cannot read the site configuration: {error}"),
                        format!("サイトの設定ファイルを読めません: {error}"),
                    ),
                    Some(words(
                        format!("run casebook in a site folder, or point --root at one; a site needs a `{CONFIG_FILE}`"),
                        format!("サイトのフォルダーで実行するか、--root でそのフォルダーを指定してください。サイトには `{CONFIG_FILE}` が必要です（新しく作るなら `casebook init`）"),
                    )),
                ),
            );
            return None;
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        diagnostics.push(Diagnostic::error_in(
            CONFIG_FILE,
            words(
                "the configuration is not valid UTF-8",
                "設定ファイルの文字コードが UTF-8 ではありません",
            ),
            Some(words(
                "save the file as UTF-8",
                "UTF-8 で保存し直してください",
            )),
        ));
        return None;
    };
    if text.len() > MAX_YAML_BYTES {
        diagnostics.push(Diagnostic::error_in(
            CONFIG_FILE,
            words(
                format!(
                    "the configuration is {} KiB; the limit is {} KiB",
                    text.len() >> 10,
                    MAX_YAML_BYTES >> 10
                ),
                format!(
                    "設定ファイルが {} KiB あります。上限は {} KiB です",
                    text.len() >> 10,
                    MAX_YAML_BYTES >> 10
                ),
            ),
            Some(words(
                "the configuration holds settings only; content goes in content/",
                "設定ファイルには設定だけを書きます。内容は content/ に置いてください",
            )),
        ));
        return None;
    }
    parse(&normalize_source(&text), diagnostics)
}

pub fn parse(text: &str, diagnostics: &mut Diagnostics) -> Option<Config> {
    let doc = match parse_yaml(text, 1) {
        Ok(doc) => doc,
        Err(error) => {
            diagnostics.push(
                error
                    .diagnostic(CONFIG_FILE, text)
                    .hint("check indentation and quoting near this line")
                    .ja_hint("この行の近くの字下げや引用符を確かめてください"),
            );
            return None;
        }
    };
    let mut r = Reader::new(&doc, CONFIG_FILE, diagnostics);
    let root = r.root(&fields::names(fields::CONFIG))?;
    let title = r.required_text(root, &[], "title").unwrap_or_default();
    let description = r
        .optional(root, &[], "description", Reader::text)
        .unwrap_or_default();
    let base_url = r
        .required_text(root, &[], "base_url")
        .unwrap_or_else(|| "/".into());
    let (base_url, base_path) = match split_base_url(&base_url) {
        Ok(parts) => parts,
        Err(message) => {
            r.error(
                &[PathSeg::Key("base_url")],
                message,
                Some(words(
                    "for example `base_url: https://www.city.example.jp/machizukuri/jirei/`",
                    "例: `base_url: https://www.city.example.jp/machizukuri/jirei/`",
                )),
            );
            ("/".into(), "/".into())
        }
    };
    let language = r
        .optional(root, &[], "language", Reader::text)
        .unwrap_or_else(|| "ja".into());
    let theme = r
        .optional(root, &[], "theme", Reader::text)
        .unwrap_or_else(|| "default".into());
    if !crate::content::schema::is_valid_slug(&theme) {
        r.error(
            &[PathSeg::Key("theme")],
            words(
                format!(
                    "theme name `{theme}` must be a folder name of lowercase letters, digits and `-`"
                ),
                format!("テーマ名 `{theme}` は、半角の英小文字・数字・`-` でできたフォルダー名にしてください"),
            ),
            None,
        );
    }
    let cases_per_page = match r.optional(root, &[], "cases_per_page", Reader::count) {
        Some(0) => {
            r.error(
                &[PathSeg::Key("cases_per_page")],
                words(
                    "`cases_per_page` must be at least 1",
                    "`cases_per_page` は1以上にしてください",
                ),
                None,
            );
            20
        }
        Some(n) => n.min(10_000) as usize,
        None => 20,
    };
    let markdown = markdown_options(&mut r, root.get("markdown"));
    let support_types = support_types(&mut r, root.get("support_types"));
    let search = search_options(&mut r, root.get("search"));
    let notice = r.optional(root, &[], "notice", Reader::text);
    let require_sources = r
        .optional(root, &[], "require_sources", Reader::boolean)
        .unwrap_or(false);
    let cms = cms_options(&mut r, root);
    if let Some(cms) = &cms {
        if cms.backend == Backend::Github && cms.repo.is_none() {
            r.error(
                &[PathSeg::Key("cms")],
                words(
                    "`cms.backend: github` needs the repository in `cms.repo`",
                    "`cms.backend: github` には、リポジトリを `cms.repo` に書く必要があります",
                ),
                Some(words(
                    "cms:\n    backend: github\n    repo: city-example/jirei",
                    "例: cms:\n    backend: github\n    repo: city-example/jirei",
                )),
            );
        }
        if cms.local_port.is_some_and(|p| p == 0 || p > 65535) {
            r.error(
                &[PathSeg::Key("cms"), PathSeg::Key("local_port")],
                words(
                    "`cms.local_port` must be a port number from 1 to 65535",
                    "`cms.local_port` は1〜65535のポート番号にしてください",
                ),
                Some(words("local_port: 8081", "例: local_port: 8081")),
            );
        }
    }
    Some(Config {
        title,
        description,
        base_url,
        base_path,
        language,
        theme,
        cases_per_page,
        markdown,
        support_types,
        search,
        notice,
        require_sources,
        cms,
        default_base_path: None,
    })
}

fn markdown_options(r: &mut Reader<'_>, value: Option<&Value>) -> MarkdownOptions {
    let mut options = MarkdownOptions {
        raw_html: RawHtml::Sanitize,
        highlight_theme: "InspiredGitHub".into(),
    };
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return options;
    };
    let path = [PathSeg::Key("markdown")];
    let Value::Object(map) = value else {
        r.error(
            &path,
            words(
                "`markdown` must be a mapping",
                "`markdown` は「項目: 値」の組で書いてください",
            ),
            Some(words(
                "markdown:\n    raw_html: sanitize",
                "例: markdown:\n    raw_html: sanitize",
            )),
        );
        return options;
    };
    let markdown_keys = fields::child_names(fields::CONFIG, "markdown");
    for key in map.keys().filter(|k| !markdown_keys.contains(&k.as_str())) {
        let hint = crate::diagnostics::suggest(key, markdown_keys.iter().copied()).map_or_else(
            || {
                words(
                    format!("known keys here: {}", markdown_keys.join(", ")),
                    format!("ここに書ける項目: {}", markdown_keys.join(", ")),
                )
            },
            did_you_mean,
        );
        r.error(
            &[PathSeg::Key("markdown"), PathSeg::Key(key)],
            words(
                format!("unknown field `{key}` in `markdown`"),
                format!("`markdown` に不明なフィールド `{key}` があります"),
            ),
            Some(hint),
        );
    }
    if let Some(raw) = r.optional(map, &path, "raw_html", Reader::text) {
        options.raw_html = match raw.as_str() {
            "sanitize" => RawHtml::Sanitize,
            "escape" => RawHtml::Escape,
            "allow" => RawHtml::Allow,
            other => {
                let modes = ["sanitize", "escape", "allow"];
                let hint = crate::diagnostics::suggest(other, modes)
                    .map_or_else(|| one_of(&modes), did_you_mean);
                r.error(
                    &[PathSeg::Key("markdown"), PathSeg::Key("raw_html")],
                    words(
                        format!(
                            "`markdown.raw_html` must be sanitize, escape or allow; found `{other}`"
                        ),
                        format!("`markdown.raw_html` は sanitize、escape、allow のどれかにしてください（`{other}` になっています）"),
                    ),
                    Some(hint),
                );
                RawHtml::Sanitize
            }
        };
    }
    if let Some(theme) = r.optional(map, &path, "highlight_theme", Reader::text) {
        if crate::markdown::theme_exists(&theme) {
            options.highlight_theme = theme;
        } else {
            let names = crate::markdown::theme_names();
            let hint = crate::diagnostics::suggest(&theme, names.iter().copied()).map_or_else(
                || {
                    words(
                        format!("available themes: {}", names.join(", ")),
                        format!("使える配色: {}", names.join(", ")),
                    )
                },
                did_you_mean,
            );
            r.error(
                &[PathSeg::Key("markdown"), PathSeg::Key("highlight_theme")],
                words(
                    format!("unknown highlight theme `{theme}`"),
                    format!("コードの配色 `{theme}` はありません"),
                ),
                Some(hint),
            );
        }
    }
    options
}

fn support_types(r: &mut Reader<'_>, value: Option<&Value>) -> Vec<(String, String)> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Vec::new();
    };
    let Value::Object(map) = value else {
        r.error(
            &[PathSeg::Key("support_types")],
            words(
                "`support_types` must map each key to its label",
                "`support_types` には、キーごとにその表示名を書いてください",
            ),
            Some(words(
                "support_types:\n    A: 自主解決型",
                "例: support_types:\n    A: 自主解決型",
            )),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, label) in map {
        let path = [PathSeg::Key("support_types"), PathSeg::Key(key)];
        match label {
            Value::String(label) if !label.trim().is_empty() => {
                out.push((key.clone(), label.trim().to_string()))
            }
            _ => r.error(
                &path,
                words(
                    format!("support type `{key}` needs a label"),
                    format!("支援の型 `{key}` に表示名がありません"),
                ),
                Some(words(
                    format!("{key}: 自主解決型"),
                    format!("例: {key}: 自主解決型"),
                )),
            ),
        }
    }
    out
}

/// `cms:` (SPEC §10), checked by the CONFIG field table.
fn cms_options(r: &mut Reader<'_>, root: &Map<String, Value>) -> Option<CmsOptions> {
    let mut record = r.config_record(root, "cms")?;
    let backend = match record.text("backend")?.as_str() {
        "github" => Backend::Github,
        _ => Backend::Local,
    };
    Some(CmsOptions {
        backend,
        repo: record.text("repo"),
        branch: record.text("branch"),
        auth_url: record.text("auth_url"),
        editorial_workflow: record.bool("editorial_workflow").unwrap_or(false),
        local_port: record.unsigned("local_port"),
    })
}

fn search_options(r: &mut Reader<'_>, value: Option<&Value>) -> SearchOptions {
    let mut options = SearchOptions::default();
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return options;
    };
    let Value::Object(map) = value else {
        r.error(
            &[PathSeg::Key("search")],
            words(
                "`search` must be a mapping",
                "`search` は「項目: 値」の組で書いてください",
            ),
            Some(words(
                "search:\n    variants:\n      - [空き家, 空家]",
                "例: search:\n    variants:\n      - [空き家, 空家]",
            )),
        );
        return options;
    };
    let search_keys = fields::child_names(fields::CONFIG, "search");
    for key in map.keys().filter(|k| !search_keys.contains(&k.as_str())) {
        let hint = crate::diagnostics::suggest(key, search_keys.iter().copied()).map_or_else(
            || {
                words(
                    format!("known keys here: {}", search_keys.join(", ")),
                    format!("ここに書ける項目: {}", search_keys.join(", ")),
                )
            },
            did_you_mean,
        );
        r.error(
            &[PathSeg::Key("search"), PathSeg::Key(key)],
            words(
                format!("unknown field `{key}` in `search`"),
                format!("`search` に不明なフィールド `{key}` があります"),
            ),
            Some(hint),
        );
    }
    let Some(groups) = map.get("variants").filter(|v| !v.is_null()) else {
        return options;
    };
    let path = [PathSeg::Key("search"), PathSeg::Key("variants")];
    let Value::Array(groups) = groups else {
        r.error(
            &path,
            words(
                "`search.variants` must be a list of spelling groups",
                "`search.variants` は、同じ意味の書き方のまとまりを並べたリストにしてください",
            ),
            Some(words(
                "variants:\n      - [空き家, 空家]\n      - [子ども, こども, 子供]",
                "例: variants:\n      - [空き家, 空家]\n      - [子ども, こども, 子供]",
            )),
        );
        return options;
    };
    options.variants.clear();
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        let group_path = [
            PathSeg::Key("search"),
            PathSeg::Key("variants"),
            PathSeg::Index(g),
        ];
        let Value::Array(forms) = group else {
            r.error(
                &group_path,
                words(
                    format!("`search.variants[{g}]` must be a list of spellings"),
                    format!("`search.variants[{g}]` は書き方のリストにしてください"),
                ),
                Some(words(
                    "write a group as `[空き家, 空家]`",
                    "`[空き家, 空家]` のように書きます",
                )),
            );
            continue;
        };
        let mut kept = Vec::new();
        for (f, form) in forms.iter().enumerate() {
            let form_path = [
                PathSeg::Key("search"),
                PathSeg::Key("variants"),
                PathSeg::Index(g),
                PathSeg::Index(f),
            ];
            let Some(form) = r.text(form, &form_path) else {
                continue;
            };
            let normalized = crate::normalize::normalize(&form);
            if let Some((_, other)) = seen.iter().find(|(n, o)| *n == normalized && *o != g) {
                r.error(
                    &form_path,
                    words(
                        format!("`{form}` is already in `search.variants[{other}]`"),
                        format!("`{form}` はもう `search.variants[{other}]` にあります"),
                    ),
                    Some(words(
                        "a spelling belongs to one group; merge the two groups",
                        "一つの書き方は一つのまとまりにしか入れられません。二つのまとまりを一つにしてください",
                    )),
                );
                continue;
            }
            seen.push((normalized, g));
            kept.push(form);
        }
        if forms.len() < 2 {
            r.error(
                &group_path,
                words(
                    format!("`search.variants[{g}]` needs at least two spellings"),
                    format!("`search.variants[{g}]` には書き方を二つ以上入れてください"),
                ),
                Some(words(
                    "write a group as `[空き家, 空家]`",
                    "`[空き家, 空家]` のように書きます",
                )),
            );
        }
        options.variants.push(kept);
    }
    options
}

/// Splits `https://host/sub/path/` into the URL with a trailing slash and its path.
fn split_base_url(base_url: &str) -> Result<(String, String), Words> {
    let trimmed = base_url.trim();
    let path = if let Some(rest) = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
    {
        let host_end = rest.find('/').unwrap_or(rest.len());
        if host_end == 0 {
            return Err(words(
                format!("`base_url` `{trimmed}` has no host"),
                format!("`base_url` の `{trimmed}` にホスト名がありません"),
            ));
        }
        &rest[host_end..]
    } else if trimmed.starts_with('/') {
        trimmed
    } else {
        return Err(words(
            format!("`base_url` must start with https://, http:// or /, found `{trimmed}`"),
            format!(
                "`base_url` は https://、http://、/ のどれかで始めてください（`{trimmed}` になっています）"
            ),
        ));
    };
    if path.contains(['?', '#', ' ', '\\']) || path.split('/').any(|seg| seg == "..") {
        return Err(words(
            format!("`base_url` path `{path}` must be a plain folder path"),
            format!("`base_url` のパス `{path}` は、ふつうのフォルダーのパスにしてください"),
        ));
    }
    let path = format!("/{}", path.trim_matches('/'));
    let path = if path == "/" {
        path
    } else {
        format!("{path}/")
    };
    let url = format!("{}/", trimmed.trim_end_matches('/'));
    Ok((url, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_keeps_its_sub_path() {
        for (input, url, path) in [
            ("https://x.jp/a/b/", "https://x.jp/a/b/", "/a/b/"),
            ("https://x.jp/a/b", "https://x.jp/a/b/", "/a/b/"),
            ("https://example.org", "https://example.org/", "/"),
            ("/", "/", "/"),
            ("/docs", "/docs/", "/docs/"),
        ] {
            assert_eq!(
                split_base_url(input).unwrap(),
                (url.to_string(), path.to_string()),
                "{input}"
            );
        }
        for bad in ["www.example.jp", "https:///x", "https://a/../b", "ftp://x/"] {
            assert!(split_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_keys_are_located_with_a_suggestion() {
        let mut diagnostics = Diagnostics::new();
        let config = parse(
            "title: t\nbase_url: https://x.jp/a/\ncases_per_pgae: 5\nmarkdown:\n  raw_html: escpe\n",
            &mut diagnostics,
        )
        .unwrap();
        let found: Vec<String> = diagnostics
            .sorted()
            .iter()
            .map(|d| {
                format!(
                    "{}:{} {} | {}",
                    d.span.unwrap().line,
                    d.span.unwrap().col,
                    d.message,
                    d.hint.clone().unwrap_or_default()
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                "3:1 unknown field `cases_per_pgae` | did you mean `cases_per_page`?",
                "5:3 `markdown.raw_html` must be sanitize, escape or allow; found `escpe` | did you mean `escape`?",
            ]
        );
        assert_eq!(config.base_path, "/a/");
        assert_eq!(config.cases_per_page, 20);
    }
}
