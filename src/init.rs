//! `casebook init [DIR]`: a new site that builds at once.
//!
//! The files are those of `templates/init/`, built into the binary. They are
//! written only when none of them exists yet: `init` never overwrites, and on
//! a conflict it writes nothing at all.
//!
//! 1. Fill in the few values that differ per run: the casebook version the
//!    workflows download, the repository its releases come from, today's date.
//! 2. Refuse if any target file exists.
//! 3. Write each file, creating its folders; on a failure, remove what was
//!    written.

use crate::date::Date;
use crate::diagnostics::{Diagnostic, words};
use std::path::{Path, PathBuf};

/// The GitHub repository whose releases the content repository's workflows
/// download casebook from: the one that built this binary, which the release
/// workflow passes in. A binary built anywhere else leaves it empty rather
/// than guess a name, and the workflows then stop and say what to set: a
/// guessed repository could serve someone else's binary with matching sums.
pub const RELEASE_REPOSITORY: &str = match option_env!("CASEBOOK_RELEASE_REPOSITORY") {
    Some(repository) => repository,
    None => "",
};

/// Each file of a new site: its path in the site, and its text.
const FILES: [(&str, &str); 12] = [
    (
        "casebook.yaml",
        include_str!("../templates/init/casebook.yaml"),
    ),
    ("README.md", include_str!("../templates/init/README.md")),
    (".gitignore", include_str!("../templates/init/gitignore")),
    (
        "content/_index.md",
        include_str!("../templates/init/content/_index.md"),
    ),
    (
        "content/cases/example-akiya.md",
        include_str!("../templates/init/content/cases/example-akiya.md"),
    ),
    (
        "content/funding/example-grant.md",
        include_str!("../templates/init/content/funding/example-grant.md"),
    ),
    (
        "content/districts/chuo.md",
        include_str!("../templates/init/content/districts/chuo.md"),
    ),
    (
        ".github/workflows/check.yml",
        include_str!("../templates/init/.github/workflows/check.yml"),
    ),
    (
        ".github/workflows/publish.yml",
        include_str!("../templates/init/.github/workflows/publish.yml"),
    ),
    (
        ".vscode/settings.json",
        include_str!("../templates/init/.vscode/settings.json"),
    ),
    (
        ".vscode/extensions.json",
        include_str!("../templates/init/.vscode/extensions.json"),
    ),
    (
        ".editorconfig",
        include_str!("../templates/init/editorconfig"),
    ),
];

/// The files of a new site made on `today`, by path, in the order written.
/// The editor settings attach `schema/casebook.schema.json`, written here
/// from the field table (`casebook schema` writes it again, with the site's
/// own schemes and wards, for the front matter schemas).
pub fn files(today: Date) -> Vec<(&'static str, String)> {
    let config_schema = crate::json_schema::to_bytes(&crate::json_schema::config());
    FILES
        .iter()
        .map(|(path, text)| {
            let text = text
                .replace("@CASEBOOK_VERSION@", env!("CARGO_PKG_VERSION"))
                .replace("@CASEBOOK_REPOSITORY@", RELEASE_REPOSITORY)
                .replace("@TODAY@", &today.to_string());
            (*path, text)
        })
        .chain(std::iter::once((
            "schema/casebook.schema.json",
            String::from_utf8_lossy(&config_schema).into_owned(),
        )))
        .collect()
}

/// Writes a new site into `dir` (made if missing) and returns the paths
/// written, or a message and hint saying why nothing was written.
pub fn create(dir: &Path, today: Date) -> Result<Vec<PathBuf>, Box<Diagnostic>> {
    let files = files(today);
    let existing: Vec<&str> = files
        .iter()
        .filter(|(path, _)| dir.join(path).symlink_metadata().is_ok())
        .map(|(path, _)| *path)
        .collect();
    if !existing.is_empty() {
        return Err(Box::new(Diagnostic::error_in(
            "",
            words(
                format!(
                    "{} already {} in {}; not overwriting, so nothing was written",
                    existing.join(", "),
                    if existing.len() == 1 {
                        "exists"
                    } else {
                        "exist"
                    },
                    dir.display()
                ),
                format!(
                    "{} に {} がもうあります。上書きはしないので、何も書き出していません",
                    dir.display(),
                    existing.join("、")
                ),
            ),
            Some(words(
                "run `casebook init` in a new, empty folder (e.g. `casebook init my-site`)",
                "新しい空のフォルダーで `casebook init` を実行してください（例: `casebook init my-site`）",
            )),
        )));
    }
    let mut written = Vec::new();
    for (path, text) in &files {
        let target = dir.join(path);
        if let Err(error) = write_new(&target, text) {
            // Leave the folder as it was: a half-made site would refuse the next try.
            for path in written.iter().rev() {
                let _ = std::fs::remove_file(path);
            }
            return Err(Box::new(Diagnostic::error_in(
                "",
                words(
                    format!("cannot write {}: {error}", target.display()),
                    format!("{} に書き込めません: {error}", target.display()),
                ),
                Some(words(
                    "check that the folder is writable",
                    "フォルダーに書き込めるか確かめてください",
                )),
            )));
        }
        written.push(target);
    }
    Ok(written)
}

fn write_new(target: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    // `create_new` refuses a file that appeared since the check above.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(target)?;
    std::io::Write::write_all(&mut file, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_marker_is_filled_in() {
        let today = Date::parse("2024-05-01").unwrap();
        for (path, text) in files(today) {
            assert!(!text.contains("@CASEBOOK_"), "{path}");
            assert!(!text.contains("@TODAY@"), "{path}");
        }
        let case = files(today)
            .into_iter()
            .find(|(path, _)| path.starts_with("content/cases/"))
            .unwrap()
            .1;
        assert!(case.contains("\npublished: 2024-05-01\n"), "{case}");
        assert!(case.contains("\nillustrative: true\n"), "{case}");
    }

    #[test]
    fn the_workflows_download_this_version() {
        let today = Date::parse("2024-05-01").unwrap();
        let version = format!("CASEBOOK_VERSION: \"{}\"", env!("CARGO_PKG_VERSION"));
        for (path, text) in files(today) {
            if path.starts_with(".github/workflows/") {
                assert!(text.contains(&version), "{path}");
                assert!(text.contains("sha256sum --check"), "{path}");
                assert!(!text.contains("cargo"), "{path}");
            }
        }
    }
}
