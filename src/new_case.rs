//! `casebook new`: scaffold `content/cases/<slug>.md` from the case template.
//!
//! The fields are written by the YAML emitter, so any title reads back as
//! itself; the comments around them are plain lines. Its placeholder texts come
//! from [`placeholders`], which `check` reports while any is left.

use crate::content::front_matter::emit_field;
use crate::content::placeholders;
use crate::content::schema::is_valid_slug;
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Words, words};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

pub fn create(
    root: &Path,
    slug: &str,
    title: Option<&str>,
    today: Date,
) -> Result<PathBuf, Box<Diagnostic>> {
    let problem =
        |message: Words, hint: Option<Words>| Box::new(Diagnostic::error_in("", message, hint));
    if !is_valid_slug(slug) {
        return Err(problem(
            words(
                format!("`{slug}` is not a valid slug"),
                format!("`{slug}` はスラッグに使えません"),
            ),
            Some(words(
                "use lowercase letters, digits and `-`, e.g. `casebook new nakamura-hub`",
                "半角の英小文字・数字・`-` で書いてください。例: `casebook new nakamura-hub`",
            )),
        ));
    }
    let cases = root.join("content/cases");
    let path = cases.join(format!("{slug}.md"));
    if path.exists() || cases.join(slug).join("index.md").exists() {
        return Err(problem(
            words(
                format!("content/cases/{slug} already exists; not overwriting it"),
                format!("content/cases/{slug} はもうあります。上書きはしません"),
            ),
            Some(words(
                "choose another slug, or edit the existing file",
                "別のスラッグにするか、今あるファイルを編集してください",
            )),
        ));
    }
    let cannot = |what_en: String, what_ja: String| {
        move |e: std::io::Error| {
            problem(
                words(format!("{what_en}: {e}"), format!("{what_ja}: {e}")),
                Some(words(
                    "check that the folder is writable",
                    "フォルダーに書き込めるか確かめてください",
                )),
            )
        }
    };
    let text = template(title, today).map_err(|e| {
        problem(
            words(
                format!("cannot write the case template: {e}"),
                format!("事例のひな形を作れません: {e}"),
            ),
            None,
        )
    })?;
    std::fs::create_dir_all(&cases).map_err(cannot(
        "cannot create content/cases".into(),
        "content/cases を作れません".into(),
    ))?;
    // `create_new` refuses to overwrite even if the file appeared meanwhile.
    let shown = path.display().to_string();
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(cannot(
            format!("cannot create {shown}"),
            format!("{shown} を作れません"),
        ))?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(cannot(
        format!("cannot write {shown}"),
        format!("{shown} に書き込めません"),
    ))?;
    Ok(path)
}

/// The case template: front matter with today's date and `title` (else a
/// placeholder), comment lines that say how to fill it in, and the body's
/// headings.
pub fn template(title: Option<&str>, today: Date) -> Result<String, String> {
    let title = title.unwrap_or(placeholders::TITLE);
    let district = format!("{}/{}", placeholders::WARD, placeholders::AREA);
    let field = |key: &str, value: Value| emit_field(key, &value);
    let fiscal_year = today.fiscal_year();
    let parts = [
        "---\n".to_string(),
        "# 「（ ）」で囲んだ仮の文字は、すべてこの事例の内容に書き換えてください。\n\
         # 仮の文字が残っていると casebook check がエラーにし、公開されません。\n"
            .to_string(),
        field("title", json!(title))?,
        "# 一覧や検索結果、ページの説明に表示されます。\n".to_string(),
        field("summary", json!(placeholders::SUMMARY))?,
        "# 「区/地区」の形で書きます。地区がなければ区だけで構いません。\n".to_string(),
        field("district", json!(district))?,
        "# 公開日（年-月-日）\n".to_string(),
        field("published", json!(today.to_string()))?,
        "# 状況: planned（計画中）、in-progress（実施中）、completed（完了）のどれか\n".to_string(),
        field("status", json!("planned"))?,
        "# テーマ。例: [多世代交流, 空き家活用]\n".to_string(),
        field("themes", json!([]))?,
        "# 協力した団体や部署\n".to_string(),
        field("partners", json!([]))?,
        format!(
            "# 以下は必要なときに、行頭の「# 」を消して書きます。\n\
             # 助成制度の名前は content/funding/ にある制度の name と同じ表記にします。\n\
             # funding:\n\
             #   - scheme: {scheme}\n\
             #     amount: 0            # 円（数字のみ）\n\
             #     fiscal_year: {fiscal_year}\n\
             #     source: s1           # 出典（下の sources の id）\n\
             # support_type: B1         # casebook.yaml の support_types のキー\n\
             # period: {{ start: {today} }}\n\
             # outcomes:\n\
             #   - {{ label: 月間利用者, value: 0, unit: 人 }}\n\
             # 金額や数値の出典（資料の名前、発行者、日付、アドレス）\n\
             # sources:\n\
             #   - {{ id: s1, title: {source_title}, publisher: {publisher}, date: {year} }}\n",
            scheme = placeholders::SCHEME,
            year = today.year,
            source_title = placeholders::SOURCE_TITLE,
            publisher = placeholders::PUBLISHER,
        ),
        "---\n".to_string(),
    ];
    let mut text = parts.concat();
    for heading in placeholders::HEADINGS {
        text.push_str(&format!("\n## {heading}\n"));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::front_matter::{parse_yaml, split};

    #[test]
    fn any_title_reads_back_as_itself() {
        let today = Date::parse("2024-05-01").unwrap();
        for title in [
            "A: B #1",
            "- 先頭がハイフン",
            "'引用符' と \"二重引用符\"",
            "yes",
            "123",
            "[括弧]",
            "{波括弧}",
            "*星",
            "&アンカー",
            "!タグ",
            "%25",
            "@x",
            "`x`",
            "行末の空白 ",
        ] {
            let text = template(Some(title), today).unwrap();
            let split = split(&text).unwrap();
            let doc = parse_yaml(split.yaml, 2).unwrap();
            assert_eq!(doc.value["title"], json!(title), "{text}");
            assert_eq!(doc.value["published"], json!("2024-05-01"));
            assert_eq!(doc.value["district"], json!("（区）/（地区）"));
        }
    }

    /// Uncommenting the template's optional fields gives YAML that parses,
    /// and the placeholders in them are still reported.
    #[test]
    fn the_commented_fields_parse_once_uncommented() {
        let today = Date::parse("2024-05-01").unwrap();
        let text: String = template(Some("題"), today)
            .unwrap()
            .lines()
            .map(|line| {
                let yaml = [
                    "# funding:",
                    "#   ",
                    "#     ",
                    "# support_type:",
                    "# period:",
                    "# outcomes:",
                    "# sources:",
                ];
                let line = if yaml.iter().any(|p| line.starts_with(p)) {
                    &line[2..]
                } else {
                    line
                };
                format!("{line}\n")
            })
            .collect();
        let split = split(&text).unwrap();
        let doc = parse_yaml(split.yaml, 2).unwrap();
        assert_eq!(
            doc.value["funding"][0]["fiscal_year"],
            json!(2024),
            "{text}"
        );
        assert_eq!(doc.value["period"]["start"], json!("2024-05-01"));
        assert_eq!(doc.value["sources"][0]["id"], json!("s1"));
        let mut diagnostics = crate::diagnostics::Diagnostics::new();
        placeholders::check(
            "a.md",
            &text,
            &doc,
            split.body,
            split.body_line,
            &mut diagnostics,
        );
        let fields: Vec<Option<String>> = diagnostics
            .sorted()
            .into_iter()
            .filter(|d| d.severity == crate::diagnostics::Severity::Error)
            .map(|d| d.field)
            .collect();
        assert_eq!(
            fields,
            [
                Some("summary".to_string()),
                Some("district".to_string()),
                Some("district".to_string()),
                Some("funding[0].scheme".to_string()),
                Some("sources[0].title".to_string()),
                Some("sources[0].publisher".to_string()),
            ]
        );
    }
}
