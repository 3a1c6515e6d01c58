//! `casebook new`: scaffold `content/cases/<slug>.md` from the case template.

use crate::content::schema::is_valid_slug;
use crate::date::Date;
use std::path::{Path, PathBuf};

pub fn create(
    root: &Path,
    slug: &str,
    title: Option<&str>,
    today: Date,
) -> Result<PathBuf, (String, String)> {
    if !is_valid_slug(slug) {
        return Err((
            format!("`{slug}` is not a valid slug"),
            "use lowercase letters, digits and `-`, e.g. `casebook new nakamura-hub`".into(),
        ));
    }
    let cases = root.join("content/cases");
    let path = cases.join(format!("{slug}.md"));
    if path.exists() || cases.join(slug).join("index.md").exists() {
        return Err((
            format!("content/cases/{slug} already exists; not overwriting it"),
            "choose another slug, or edit the existing file".into(),
        ));
    }
    let title = title.unwrap_or("（事例名）");
    let text = format!(
        "---\n\
title: {title}\n\
summary: （一覧や検索結果に表示する概要を1〜2文で）\n\
district: （区）/（地区）\n\
published: {today}\n\
status: planned            # planned | in-progress | completed\n\
themes: []\n\
# funding:\n\
#   - scheme: （content/funding/ の制度名）\n\
#     amount: 0            # 円（数字のみ）\n\
#     fiscal_year: {fy}\n\
# support_type: B1\n\
partners: []\n\
# period: {{ start: {today} }}\n\
# outcomes:\n\
#   - {{ label: 月間利用者, value: 0, unit: 人 }}\n\
---\n\
\n\
## 背景\n\
\n\
## 取組の内容\n\
\n\
## 成果\n\
\n\
## これから\n",
        fy = today.fiscal_year()
    );
    std::fs::create_dir_all(&cases).map_err(|e| {
        (
            format!("cannot create content/cases: {e}"),
            "check permissions".into(),
        )
    })?;
    // `create_new` refuses to overwrite even if the file appeared meanwhile.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| {
            (
                format!("cannot create {}: {e}", path.display()),
                "check permissions".into(),
            )
        })?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|e| {
        (
            format!("cannot write {}: {e}", path.display()),
            String::new(),
        )
    })?;
    Ok(path)
}
