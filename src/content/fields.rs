//! The field table: every front-matter field declared once.
//!
//! Each [`Field`] names its key, its kind (which rule checks it), whether it is
//! required, whether a translation (`<slug>.en.md`) may set it, and the
//! Japanese label and description that staff see. The checker (`schema`), the
//! JSON Schema (`casebook schema`) and the importer all read these tables, so
//! they cannot disagree: a field is added here and nowhere else.

/// One front-matter field.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// A translation may set it: words, not facts (SPEC §5.4).
    pub translatable: bool,
    /// The Japanese label of the field in forms and documentation.
    pub label: &'static str,
    /// What the field holds, in Japanese, for forms and the JSON Schema.
    pub description: &'static str,
    /// A hint of its own when the field is missing (where the generic "add
    /// `name: …`" says too little, as for an image's alt text).
    /// (English, Japanese).
    pub missing_hint: Option<(&'static str, &'static str)>,
}

/// What a field holds, and so which rule checks it.
#[derive(Debug)]
pub enum Kind {
    /// Non-empty text (a bare number is taken as text).
    Text,
    /// Non-empty text that is an absolute http(s) address, with the hint
    /// shown when it is not one.
    WebAddress {
        hint: &'static str,
    },
    /// A real calendar date, `YYYY-MM-DD`.
    Date,
    /// A date as precise as a document gives it: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    PartialDate,
    Bool,
    Number,
    /// A number from 0 to 1 (a subsidy rate).
    Rate,
    /// A number within ±limit (latitude, longitude).
    Coordinate {
        limit: f64,
    },
    /// Whole yen, 0 or more.
    Yen,
    /// A whole number, 0 or more.
    Count,
    /// A Western fiscal year, 1989–2100.
    FiscalYear,
    /// A whole number that places a term in lists (the ward code).
    Order,
    /// Kana.
    Reading,
    /// `planned`, `in-progress` or `completed`.
    Status,
    /// `ward` or `ward/area`.
    District,
    /// A key of `support_types` in casebook.yaml.
    SupportType,
    /// The `name` of a scheme in content/funding/.
    SchemeName,
    /// A file name beside the document, without `/` or `..`.
    FileName,
    /// The slug of the page: lowercase letters, digits and `-`.
    Slug,
    /// The `id` of one of the document's `sources`.
    SourceId,
    /// A list of text; a single text is taken as a one-item list.
    TextList,
    /// A mapping of the given fields.
    Record {
        fields: &'static [Field],
        example: &'static str,
    },
    /// A list of mappings of the given fields.
    List {
        fields: &'static [Field],
        example: &'static str,
    },
    /// One of a fixed set of words.
    Choice(&'static [&'static str]),
    /// A mapping of keys the site chooses to their labels (`support_types`).
    Labels,
    /// A list of groups of words that search treats as one (`search.variants`).
    WordGroups,
    /// A syntax-highlighting theme of the built-in set.
    HighlightTheme,
}

const fn field(name: &'static str, kind: Kind, label: &'static str) -> Field {
    Field {
        name,
        kind,
        required: false,
        translatable: false,
        label,
        description: "",
        missing_hint: None,
    }
}

impl Field {
    const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    const fn translatable(mut self) -> Self {
        self.translatable = true;
        self
    }

    const fn describe(mut self, description: &'static str) -> Self {
        self.description = description;
        self
    }

    const fn when_missing(mut self, en: &'static str, ja: &'static str) -> Self {
        self.missing_hint = Some((en, ja));
        self
    }

    /// A plain optional text field named `name`, for rules outside the tables.
    pub const fn named(name: &'static str) -> Field {
        field(name, Kind::Text, "")
    }

    /// The nested fields of a record or list field.
    pub fn children(&self) -> Option<&'static [Field]> {
        match self.kind {
            Kind::Record { fields, .. } | Kind::List { fields, .. } => Some(fields),
            _ => None,
        }
    }
}

/// The names of `fields`, in table order.
pub fn names(fields: &[Field]) -> Vec<&'static str> {
    fields.iter().map(|f| f.name).collect()
}

/// The names of the fields nested under `table`'s field `name`.
pub fn child_names(table: &[Field], name: &str) -> Vec<&'static str> {
    table
        .iter()
        .find(|f| f.name == name)
        .and_then(Field::children)
        .map(names)
        .unwrap_or_default()
}

/// The names of the fields a translation may set.
pub fn translatable_names(fields: &[Field]) -> Vec<&'static str> {
    fields
        .iter()
        .filter(|f| f.translatable)
        .map(|f| f.name)
        .collect()
}

/// A source of the figures in a case or on a scheme's page (SPEC §5.5).
pub const SOURCE: &[Field] = &[
    field("id", Kind::Text, "ID")
        .describe("数値の `source:` から参照する識別子（例: yokohama-2019）"),
    field("title", Kind::Text, "資料名")
        .required()
        .describe("出典となる資料の題名"),
    field("publisher", Kind::Text, "発行者").describe("資料を発行した機関・部署"),
    field("date", Kind::PartialDate, "発行日")
        .describe("資料の発行時期（YYYY、YYYY-MM または YYYY-MM-DD）"),
    field(
        "url",
        Kind::WebAddress {
            hint: "write the full address of the document, e.g. `url: https://www.city.example.jp/kyodo/houkoku.pdf`",
        },
        "URL",
    )
    .describe("資料を読めるページのアドレス（https:// または http://）"),
    field("locator", Kind::Text, "該当箇所").describe("数値が載っている章・節・ページ"),
    field("quote", Kind::Text, "引用").describe("該当箇所の短い引用"),
];

const GRANT: &[Field] = &[
    field("scheme", Kind::SchemeName, "制度名")
        .required()
        .describe("活用した助成制度の名称（content/funding/ の制度名）"),
    field("amount", Kind::Yen, "交付額").describe("交付額（円、数字のみ）"),
    field("fiscal_year", Kind::FiscalYear, "交付年度")
        .describe("交付年度（西暦。平成30年度は 2018）"),
    field("source", Kind::SourceId, "出典").describe("交付額の出典（sources の id）"),
];

const PERIOD: &[Field] = &[
    field("start", Kind::Date, "開始日").required(),
    field("end", Kind::Date, "終了日"),
];

const OUTCOME: &[Field] = &[
    field("label", Kind::Text, "項目")
        .required()
        .translatable()
        .describe("成果の項目名（例: 月間利用者）"),
    field("value", Kind::Number, "数値")
        .required()
        .describe("成果の数値（数字のみ）"),
    field("unit", Kind::Text, "単位")
        .translatable()
        .describe("数値の単位（例: 人）"),
    field("note", Kind::Text, "注記")
        .translatable()
        .describe("数値の補足（例: 2019年度平均）"),
    field("source", Kind::SourceId, "出典").describe("数値の出典（sources の id）"),
];

const IMAGE: &[Field] = &[
    field("src", Kind::FileName, "画像ファイル")
        .required()
        .describe("事例のファイルと同じフォルダーにある画像のファイル名"),
    field("alt", Kind::Text, "代替テキスト")
        .required()
        .translatable()
        .describe("画像を見られない人のための説明（JIS X 8341-3）")
        .when_missing(
            "describe the image for readers who cannot see it (JIS X 8341-3); e.g. `alt: 改修後の拠点の外観`",
            "画像を見られない人のために、何が写っているかを書いてください（JIS X 8341-3）。例: `alt: 改修後の拠点の外観`",
        ),
    field("caption", Kind::Text, "キャプション")
        .translatable()
        .describe("画像の下に表示する説明"),
];

const LOCATION: &[Field] = &[
    field("lat", Kind::Coordinate { limit: 90.0 }, "緯度").required(),
    field("lon", Kind::Coordinate { limit: 180.0 }, "経度").required(),
];

/// A case (SPEC §5.2).
pub const CASE: &[Field] = &[
    field("title", Kind::Text, "事例名")
        .required()
        .translatable(),
    field("summary", Kind::Text, "概要")
        .required()
        .translatable()
        .describe("一覧や検索結果に表示する1〜2文の概要"),
    field("district", Kind::District, "地区")
        .required()
        .describe("区、または 区/地区（例: 南区/中村地区）"),
    field("published", Kind::Date, "公開日")
        .required()
        .describe("公開日（YYYY-MM-DD）"),
    field("updated", Kind::Date, "更新日").describe("更新日（公開日より後）"),
    field("status", Kind::Status, "状況")
        .required()
        .describe("planned（計画中）、in-progress（実施中）、completed（完了）"),
    field("themes", Kind::TextList, "テーマ"),
    field(
        "funding",
        Kind::List {
            fields: GRANT,
            example: "- scheme: 制度名",
        },
        "活用した制度",
    ),
    field("support_type", Kind::SupportType, "支援の型")
        .describe("casebook.yaml の support_types のキー"),
    field("partners", Kind::TextList, "協力団体").translatable(),
    field(
        "period",
        Kind::Record {
            fields: PERIOD,
            example: "period: { start: 2016-06-01, end: 2019-09-30 }",
        },
        "取組期間",
    ),
    field(
        "outcomes",
        Kind::List {
            fields: OUTCOME,
            example: "- { label: 月間利用者, value: 320, unit: 人 }",
        },
        "成果",
    )
    .translatable(),
    field(
        "images",
        Kind::List {
            fields: IMAGE,
            example: "- { src: exterior.jpg, alt: 外観 }",
        },
        "画像",
    )
    .translatable(),
    field(
        "location",
        Kind::Record {
            fields: LOCATION,
            example: "location: { lat: 35.43, lon: 139.62 }",
        },
        "位置",
    ),
    field("slug", Kind::Slug, "スラッグ").describe("URLに使う名前（既定はファイル名）"),
    field("draft", Kind::Bool, "下書き")
        .translatable()
        .describe("true の間は公開されません"),
    field(
        "sources",
        Kind::List {
            fields: SOURCE,
            example: "- { id: houkoku, title: 資料名, publisher: 発行者, date: 2019 }",
        },
        "出典",
    )
    .describe("数値や事実の出典となる資料"),
    field("illustrative", Kind::Bool, "架空の事例")
        .describe("true: 説明のために書いた架空の事例（「架空の事例」と表示されます）"),
];

/// A funding scheme (SPEC §5.3).
pub const FUNDING: &[Field] = &[
    field("name", Kind::Text, "制度名")
        .required()
        .translatable()
        .describe("事例の funding.scheme に書く制度名"),
    field("department", Kind::Text, "担当部署").translatable(),
    field("subsidy_rate", Kind::Rate, "補助率").describe("補助率（90% は 0.9）"),
    field("max_amount", Kind::Yen, "上限額").describe("1件あたりの上限額（円）"),
    field("max_grants", Kind::Count, "交付回数の上限"),
    field(
        "url",
        Kind::WebAddress {
            hint: "write the full address of the page that explains how to apply, e.g. `url: https://www.city.example.jp/machi-fushin/`",
        },
        "申請案内のURL",
    )
    .translatable(),
    field("summary", Kind::Text, "概要").translatable(),
    field("slug", Kind::Slug, "スラッグ"),
    field("order", Kind::Order, "表示順"),
    field("reading", Kind::Reading, "読み"),
    field(
        "sources",
        Kind::List {
            fields: SOURCE,
            example: "- { id: youkou, title: 資料名, publisher: 発行者, date: 2019 }",
        },
        "出典",
    ),
];

/// A district or a theme (SPEC §5.3).
pub const TERM: &[Field] = &[
    field("name", Kind::Text, "名称").required().translatable(),
    field("summary", Kind::Text, "概要").translatable(),
    field("slug", Kind::Slug, "スラッグ"),
    field("order", Kind::Order, "表示順")
        .describe("一覧での順番（区なら全国地方公共団体コードなど）"),
    field("reading", Kind::Reading, "読み").describe("名称の読み（かな）"),
];

/// A plain page, or the home page.
pub const PAGE: &[Field] = &[
    field("title", Kind::Text, "題名").required().translatable(),
    field("summary", Kind::Text, "概要").translatable(),
    field("description", Kind::Text, "説明")
        .translatable()
        .describe("summary と同じ（どちらか一方を書きます）"),
    field("slug", Kind::Slug, "スラッグ"),
    field("draft", Kind::Bool, "下書き").translatable(),
];

const MARKDOWN: &[Field] = &[
    field(
        "raw_html",
        Kind::Choice(&["sanitize", "escape", "allow"]),
        "本文中のHTML",
    )
    .describe("sanitize（安全なものだけ残す、既定）、escape（文字として表示）、allow（そのまま）"),
    field("highlight_theme", Kind::HighlightTheme, "コードの配色")
        .describe("本文中のコードの色分けに使う配色（既定: InspiredGitHub）"),
];

const SEARCH: &[Field] = &[field("variants", Kind::WordGroups, "同じ意味の語")
    .describe("検索で同じものとして扱う語のまとまり（例: [空き家, 空家]）")];

/// The site's configuration, `casebook.yaml` (SPEC §4).
pub const CONFIG: &[Field] = &[
    field("title", Kind::Text, "サイト名").required(),
    field("description", Kind::Text, "サイトの説明")
        .describe("検索エンジンや共有時に表示される説明"),
    field(
        "base_url",
        Kind::WebAddress {
            hint: "for example `base_url: https://www.city.example.jp/machizukuri/jirei/`",
        },
        "公開先のURL",
    )
    .required()
    .describe("サイトを公開するアドレス（市のホームページの下の階層でもよい）"),
    field("language", Kind::Text, "言語").describe("既定の言語（ja または en）"),
    field("theme", Kind::Slug, "テーマ").describe("themes/ のフォルダー名（既定: default）"),
    field("cases_per_page", Kind::Count, "1ページの事例数")
        .describe("一覧の1ページに表示する事例の数（既定: 20）"),
    field(
        "markdown",
        Kind::Record {
            fields: MARKDOWN,
            example: "markdown:\n    raw_html: sanitize",
        },
        "本文の設定",
    ),
    field("support_types", Kind::Labels, "支援の型")
        .describe("事例の support_type に書くキーと、その表示名"),
    field(
        "search",
        Kind::Record {
            fields: SEARCH,
            example: "search:\n    variants:\n      - [空き家, 空家]",
        },
        "検索の設定",
    ),
    field("notice", Kind::Text, "お知らせ")
        .describe("すべてのページの上部に表示するお知らせ（例: このサイトは見本です）"),
    field("require_sources", Kind::Bool, "出典を必須にする")
        .describe("true: 架空の事例を除き、金額と成果の数値すべてに出典（source）が必要"),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every nested table a translation may reach into has a translatable
    /// field, and every required field of a translatable list is translatable
    /// or the translation could never satisfy it.
    #[test]
    fn translatable_lists_hold_their_required_words() {
        for table in [CASE, FUNDING, TERM, PAGE] {
            for f in table.iter().filter(|f| f.translatable) {
                if let Some(children) = f.children() {
                    assert!(children.iter().any(|c| c.translatable), "{}", f.name);
                }
            }
        }
    }

    #[test]
    fn names_are_unique_within_each_table() {
        for table in [CASE, FUNDING, TERM, PAGE, SOURCE, GRANT, OUTCOME, IMAGE] {
            let mut names = names(table);
            names.sort_unstable();
            let before = names.len();
            names.dedup();
            assert_eq!(before, names.len());
        }
    }
}
