//! The web form: the field tables → Decap CMS's `config.yml`, and the
//! `/admin/` files that publish it (SPEC §10).
//!
//! Like the JSON Schema, the form is made from `content::fields`, the table
//! the checker reads, narrowed by the site's own words: the declared schemes,
//! wards and areas, and the `support_types` labels. A field added to the
//! table appears in the form; a scheme added to content/funding/ appears in
//! its list.
//!
//! Decap CMS itself is vendored from npm at the version in package.json
//! (vendor/decap-cms/, gzip-compressed) and embedded in the binary: a site
//! folder holds no copy of it, and nothing is loaded from a CDN.

use crate::config::{Backend, CmsOptions, DEFAULT_LOCAL_PORT};
use crate::content::fields::{self, Field, Kind};
use crate::json_schema::Vocabulary;
use crate::model::Site;
use crate::output::OutputFile;
use serde_json::{Value, json};
use std::sync::{Arc, OnceLock};

/// The Decap CMS version embedded (the exact version pinned in package.json).
pub const DECAP_VERSION: &str = "3.16.3";

/// The words of a site the form offers as choices.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    /// `support_types` keys and their labels.
    pub support_types: Vec<(String, String)>,
    /// The schemes of content/funding/; `None` when none is declared.
    pub schemes: Option<Vec<String>>,
    /// The declared wards, each followed by its known areas as `ward/area`;
    /// `None` when content/districts/ declares no wards.
    pub districts: Option<Vec<String>>,
}

impl Choices {
    pub fn of(site: &Site) -> Choices {
        let vocabulary = Vocabulary::of(site);
        let districts = vocabulary.wards.as_ref().map(|_| {
            site.wards
                .iter()
                .filter(|w| w.entry.is_some())
                .flat_map(|w| {
                    std::iter::once(w.name.clone())
                        .chain(w.areas.iter().map(|a| format!("{}/{}", w.name, a.name)))
                })
                .collect()
        });
        Choices {
            support_types: site.config.support_types.clone(),
            schemes: vocabulary.schemes,
            districts,
        }
    }
}

/// A slug as `check` accepts it, for the form's own check.
const SLUG_PATTERN: &str = "^[a-z0-9][a-z0-9-]*$";
const SLUG_HINT: &str =
    "URLとファイル名に使う名前です。半角の英小文字・数字・ハイフンで書きます（例: nakamura-hub）。";

/// Decap CMS's configuration for the site, as a JSON value (written as YAML).
pub fn config(site: &Site, options: &CmsOptions) -> Value {
    let choices = Choices::of(site);
    let mut config = json!({
        "locale": "ja",
        "site_url": site.config.base_url,
        "display_url": site.config.base_url,
        // New files' names come from the form's own `slug` field.
        "slug": { "encoding": "ascii", "clean_accents": true, "sanitize_replacement": "-" },
        // An optional field left empty is left out, not written as `""`,
        // which `check` would refuse as empty text.
        "omit_empty_optional_fields": true,
        // The media library's default folder; cases keep their images beside
        // them (see the cases collection).
        "media_folder": "content/cases",
        "public_folder": "",
        "collections": collections(&choices),
    });
    match options.backend {
        Backend::Local => {
            // The local backend answers only on localhost; the `backend` is
            // what Decap would fall back to elsewhere.
            config["backend"] = json!({ "name": "git-gateway" });
            config["local_backend"] = json!({ "url": options.local_api() });
        }
        Backend::Github => {
            let mut backend = json!({
                "name": "github",
                "repo": options.repo.clone().unwrap_or_default(),
                "branch": options.branch.clone().unwrap_or_else(|| "main".into()),
                "commit_messages": {
                    "create": "{{collection}}「{{slug}}」を作成",
                    "update": "{{collection}}「{{slug}}」を更新",
                    "delete": "{{collection}}「{{slug}}」を削除",
                    "uploadMedia": "画像 {{path}} を追加",
                    "deleteMedia": "画像 {{path}} を削除",
                },
            });
            if let Some(url) = &options.auth_url {
                backend["base_url"] = json!(url.trim_end_matches('/'));
            }
            config["backend"] = backend;
            if options.editorial_workflow {
                config["publish_mode"] = json!("editorial_workflow");
            }
        }
    }
    config
}

/// The collections: cases, funding schemes, districts, themes, pages and the
/// home page, each from its field table.
fn collections(choices: &Choices) -> Value {
    let folder = |name: &str, label: &str, table: &[Field], description: &str| {
        json!({
            "name": name,
            "label": label,
            "label_singular": label,
            "description": description,
            "folder": format!("content/{name}"),
            "extension": "md",
            "format": "frontmatter",
            "create": true,
            "slug": "{{fields.slug}}",
            "fields": form_fields(table, choices, true),
        })
    };
    let mut cases = folder(
        "cases",
        "事例",
        fields::CASE,
        "事例は content/cases/<スラッグ>/index.md に保存され、画像は同じフォルダーに置かれます。",
    );
    // A case with photos is a folder: content/cases/<slug>/index.md, its
    // images beside it, each `src` the bare file name `check` asks for.
    cases["path"] = json!("{{slug}}/index");
    cases["media_folder"] = json!("");
    cases["public_folder"] = json!("");
    cases["summary"] = json!("{{title}}（{{district}}）");
    cases["sortable_fields"] = json!(["published", "title"]);
    let mut funding = folder(
        "funding",
        "助成制度",
        fields::FUNDING,
        "content/funding/<スラッグ>.md に保存されます。制度名は事例の「活用した制度」の選択肢になります。",
    );
    funding["identifier_field"] = json!("name");
    funding["summary"] = json!("{{name}}");
    let mut districts = folder(
        "districts",
        "地区",
        fields::TERM,
        "content/districts/<スラッグ>.md に保存されます。",
    );
    districts["identifier_field"] = json!("name");
    let mut themes = folder(
        "themes",
        "テーマ",
        fields::TERM,
        "content/themes/<スラッグ>.md に保存されます。",
    );
    themes["identifier_field"] = json!("name");
    let pages = folder(
        "pages",
        "ページ",
        fields::PAGE,
        "このサイトについて、問い合わせ先などのページです。",
    );
    let home = json!({
        "name": "home",
        "label": "トップページ",
        "files": [{
            "name": "home",
            "label": "トップページ",
            "file": "content/_index.md",
            "fields": form_fields(fields::PAGE, choices, false),
        }],
    });
    json!([cases, funding, districts, themes, pages, home])
}

/// The form fields of a front-matter table, then the body. With `named`, the
/// `slug` field is required and comes second: it names the new file.
fn form_fields(table: &[Field], choices: &Choices, named: bool) -> Value {
    let mut out = Vec::new();
    for field in table {
        if field.name == "slug" {
            if !named {
                continue;
            }
            let mut slug = widget(field, choices, true);
            slug["required"] = json!(true);
            slug["hint"] = json!(SLUG_HINT);
            out.insert(out.len().min(1), slug);
            continue;
        }
        out.push(widget(field, choices, true));
    }
    out.push(json!({
        "name": "body",
        "label": "本文",
        "widget": "markdown",
        "required": false,
        "hint": "Markdown で書きます。見出しは ## から始めます。",
    }));
    Value::Array(out)
}

/// One field of the form. `enforce` is false inside an optional record:
/// Decap would otherwise demand its required parts even when the record is
/// left out, so there `check` alone asks for them.
fn widget(field: &Field, choices: &Choices, enforce: bool) -> Value {
    let mut w = kind_widget(field, choices);
    w["name"] = json!(field.name);
    w["label"] = json!(field.label);
    w["required"] = json!(field.required && enforce);
    if !field.description.is_empty() {
        w["hint"] = json!(field.description);
    }
    w
}

fn pattern(regex: &str, message: &str) -> Value {
    json!([regex, message])
}

fn select(options: Value) -> Value {
    json!({ "widget": "select", "options": options })
}

fn kind_widget(field: &Field, choices: &Choices) -> Value {
    match &field.kind {
        // Longer text gets a text area.
        Kind::Text if matches!(field.name, "summary" | "description" | "quote") => {
            json!({ "widget": "text" })
        }
        Kind::Text | Kind::SourceId | Kind::HighlightTheme => json!({ "widget": "string" }),
        Kind::WebAddress { .. } => json!({
            "widget": "string",
            "pattern": pattern("^[Hh][Tt][Tt][Pp][Ss]?://\\S+$", "https:// から始まるアドレスを書いてください"),
        }),
        Kind::Date => json!({
            "widget": "datetime",
            "format": "YYYY-MM-DD",
            "date_format": "YYYY-MM-DD",
            "time_format": false,
        }),
        Kind::PartialDate => json!({
            "widget": "string",
            "pattern": pattern(
                "^[0-9]{4}(-(0[1-9]|1[0-2])(-[0-9]{2})?)?$",
                "YYYY、YYYY-MM または YYYY-MM-DD で書いてください",
            ),
        }),
        Kind::Bool => json!({ "widget": "boolean", "default": false }),
        Kind::Number => json!({ "widget": "number", "value_type": "float" }),
        Kind::Rate => json!({
            "widget": "number", "value_type": "float", "min": 0, "max": 1, "step": 0.05,
        }),
        Kind::Coordinate { limit } => json!({
            "widget": "number", "value_type": "float", "min": -limit, "max": limit, "step": 0.000001,
        }),
        Kind::Yen | Kind::Count => json!({ "widget": "number", "value_type": "int", "min": 0 }),
        Kind::FiscalYear => {
            json!({ "widget": "number", "value_type": "int", "min": 1989, "max": 2100 })
        }
        Kind::Order => json!({ "widget": "number", "value_type": "int" }),
        Kind::Reading => json!({
            "widget": "string",
            "pattern": pattern("^[\\u3041-\\u30ff 　]+$", "かなで書いてください"),
        }),
        Kind::Status => select(json!([
            { "label": "計画中（planned）", "value": "planned" },
            { "label": "実施中（in-progress）", "value": "in-progress" },
            { "label": "完了（completed）", "value": "completed" },
        ])),
        Kind::Choice(options) => select(json!(options)),
        Kind::District => match &choices.districts {
            Some(districts) => select(json!(districts)),
            None => json!({ "widget": "string" }),
        },
        Kind::SupportType if !choices.support_types.is_empty() => select(
            choices
                .support_types
                .iter()
                .map(|(key, label)| json!({ "label": format!("{key}: {label}"), "value": key }))
                .collect(),
        ),
        Kind::SupportType => json!({ "widget": "string" }),
        Kind::SchemeName => match &choices.schemes {
            Some(schemes) => select(json!(schemes)),
            None => json!({ "widget": "string" }),
        },
        Kind::FileName => json!({ "widget": "image", "choose_url": false }),
        Kind::Slug => json!({
            "widget": "string",
            "pattern": pattern(SLUG_PATTERN, "半角の英小文字・数字・ハイフンで書いてください"),
        }),
        Kind::TextList => json!({ "widget": "list" }),
        Kind::Record { fields, .. } => {
            // An optional record's parts are asked for only by `check`.
            let enforce = field.required;
            json!({
                "widget": "object",
                "collapsed": !field.required,
                "fields": fields.iter().map(|f| widget(f, choices, enforce)).collect::<Vec<_>>(),
            })
        }
        Kind::List { fields, .. } => {
            let summary = fields
                .iter()
                .find(|f| f.required)
                .map(|f| format!("{{{{fields.{}}}}}", f.name));
            let mut list = json!({
                "widget": "list",
                "fields": fields.iter().map(|f| widget(f, choices, true)).collect::<Vec<_>>(),
            });
            if let Some(summary) = summary {
                list["summary"] = json!(summary);
            }
            list
        }
        Kind::Labels | Kind::WordGroups => json!({ "widget": "string" }),
    }
}

/// The vendored Decap CMS, gzip-compressed (see vendor/decap-cms/README.md).
static DECAP_GZ: &[u8] = include_bytes!("../vendor/decap-cms/decap-cms.js.gz");

/// Decap CMS's script, decompressed once per run.
fn decap_js() -> Arc<[u8]> {
    static JS: OnceLock<Arc<[u8]>> = OnceLock::new();
    JS.get_or_init(|| {
        let mut bytes = Vec::with_capacity(6 << 20);
        let mut decoder = flate2::read::GzDecoder::new(DECAP_GZ);
        std::io::Read::read_to_end(&mut decoder, &mut bytes)
            .expect("the embedded Decap CMS is valid gzip");
        bytes.into()
    })
    .clone()
}

/// The Content-Security-Policy of /admin/. Decap needs more than the site's
/// `default-src 'self'`: its styles are injected at run time (`style-src
/// 'unsafe-inline'`), image previews are `blob:` and `data:` URLs, and it
/// talks to its backend (the local decap-server, or GitHub's API).
pub fn content_security_policy(options: &CmsOptions) -> String {
    let backend = match options.backend {
        Backend::Local => {
            let port = options.local_port.unwrap_or(DEFAULT_LOCAL_PORT);
            format!("http://localhost:{port} http://127.0.0.1:{port}")
        }
        Backend::Github => {
            let mut sources = "https://api.github.com".to_string();
            if let Some(url) = &options.auth_url {
                sources.push(' ');
                sources.push_str(url.trim_end_matches('/'));
            }
            sources
        }
    };
    format!(
        "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' blob: data:; connect-src 'self' blob: {backend}; \
         font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'"
    )
}

/// The files of /admin/: the page, its script, Decap CMS and `config.yml`.
/// `css_href` is the theme's stylesheet, which the preview uses.
pub fn files(site: &Site, options: &CmsOptions, css_href: &str) -> Vec<OutputFile> {
    let title = crate::escape::escape_html(&site.config.title);
    // Quotes stay as they are: the policy's own `'self'` reads as written.
    let csp = content_security_policy(options)
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    let html = format!(
        "<!doctype html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <title>編集フォーム | {title}</title>\n\
         <link href=\"config.yml\" type=\"text/yaml\" rel=\"cms-config-url\">\n\
         </head>\n<body>\n\
         <script src=\"decap-cms.js\"></script>\n\
         <script src=\"admin.js\"></script>\n\
         </body>\n</html>\n"
    );
    let script = format!(
        "// The preview shows a case in the site's own stylesheet.\nCMS.registerPreviewStyle({});\n",
        serde_json::to_string(css_href).unwrap_or_default()
    );
    let yaml = format!(
        "# Made by casebook from its field table (SPEC §10); edit casebook.yaml's `cms:`, not this file.\n{}",
        serde_yaml::to_string(&config(site, options)).unwrap_or_default()
    );
    vec![
        OutputFile::new("admin/index.html", html),
        OutputFile::new("admin/admin.js", script),
        OutputFile::new("admin/config.yml", yaml),
        OutputFile::shared("admin/decap-cms.js", decap_js()),
    ]
}
