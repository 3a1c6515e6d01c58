//! Output: `Vec<OutputFile>` → the output folder, atomically.
//!
//! 1. Check every path: relative, no `..`, no empty or hidden-parent segments,
//!    so nothing can land outside the output folder.
//! 2. Write everything into a fresh temporary folder beside the output.
//! 3. Swap it in with two renames; on any error the previous output is untouched
//!    and the temporary folder is removed.

use rayon::prelude::*;
use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub enum Contents {
    Bytes(Vec<u8>),
    /// A file copied as is (images beside a case), never read into memory.
    Copy(PathBuf),
}

#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Relative to the output folder, `/`-separated: `cases/a/index.html`.
    pub path: String,
    pub contents: Contents,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        OutputFile {
            path: path.into(),
            contents: Contents::Bytes(bytes.into()),
        }
    }

    /// An HTML page at a site path (`cases/a/` → `cases/a/index.html`).
    pub fn page(site_path: &str, html: String) -> Self {
        OutputFile::new(format!("{site_path}index.html"), html)
    }

    pub fn copy(path: impl Into<String>, source: PathBuf) -> Self {
        OutputFile {
            path: path.into(),
            contents: Contents::Copy(source),
        }
    }

    pub fn bytes(&self) -> io::Result<std::borrow::Cow<'_, [u8]>> {
        match &self.contents {
            Contents::Bytes(bytes) => Ok(bytes.into()),
            Contents::Copy(source) => std::fs::read(source).map(Into::into),
        }
    }
}

#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// `true` when `path` stays inside the folder it is joined to.
pub fn is_safe_output_path(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains('\0')
        && path.split('/').enumerate().all(|(i, seg)| {
            seg != ".." && seg != "." && (!seg.is_empty() || i == path.split('/').count() - 1)
        })
}

/// Writes `files` to `output` as one atomic replacement of the folder.
pub fn write_atomically(output: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    let error = |path: &Path, message: String| WriteError {
        path: path.to_path_buf(),
        message,
    };
    if let Some(bad) = files.iter().find(|f| !is_safe_output_path(&f.path)) {
        return Err(error(
            output,
            format!(
                "refusing to write outside the output folder: `{}`",
                bad.path
            ),
        ));
    }
    if let Some(problem) = path_conflict(files) {
        return Err(error(&output.join(&problem.0), problem.1));
    }
    let name = output
        .file_name()
        .ok_or_else(|| error(output, "the output folder needs a name".into()))?
        .to_string_lossy()
        .to_string();
    let parent = output
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .map_err(|e| error(parent, format!("cannot create folder: {e}")))?;
    let staging = parent.join(format!(".{name}.tmp-build-{}", std::process::id()));
    let retired = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);

    let result = write_all(output, &staging, files).and_then(|()| swap(output, &staging, &retired));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

/// Two outputs at one path, or one output where another needs a folder (a
/// district named `index.html` is a folder beside the page `index.html`): the
/// write would fail half-way or keep whichever file came last, so neither is
/// written.
fn path_conflict(files: &[OutputFile]) -> Option<(String, String)> {
    let mut paths: HashSet<&str> = HashSet::with_capacity(files.len());
    for file in files {
        if !paths.insert(&file.path) {
            return Some((
                file.path.clone(),
                format!("two pages or files would be written to `{}`", file.path),
            ));
        }
    }
    for file in files {
        let folders = file.path.match_indices('/').map(|(i, _)| &file.path[..i]);
        for folder in folders {
            if paths.contains(folder) {
                return Some((
                    folder.to_string(),
                    format!(
                        "`{folder}` would be both a file and the folder of `{}`; rename the term or file named `{}`",
                        file.path,
                        folder.rsplit('/').next().unwrap_or(folder)
                    ),
                ));
            }
        }
    }
    None
}

fn write_all(output: &Path, staging: &Path, files: &[OutputFile]) -> Result<(), WriteError> {
    // Name the file as it would be in the output folder, not in the staging
    // folder nobody sees.
    let error = |path: &Path, e: io::Error| WriteError {
        path: path
            .strip_prefix(staging)
            .ok()
            .filter(|rel| !rel.as_os_str().is_empty())
            .map_or_else(|| output.to_path_buf(), |rel| output.join(rel)),
        message: e.to_string(),
    };
    std::fs::create_dir(staging).map_err(|e| error(staging, e))?;
    // Folders first, once each, so the parallel writes below never race on them.
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| Path::new(&f.path).parent().map(|p| staging.join(p)))
        .collect();
    dirs.sort();
    dirs.dedup();
    for dir in &dirs {
        std::fs::create_dir_all(dir).map_err(|e| error(dir, e))?;
    }
    files.par_iter().try_for_each(|file| {
        let target = staging.join(&file.path);
        match &file.contents {
            Contents::Bytes(bytes) => std::fs::write(&target, bytes),
            Contents::Copy(source) => std::fs::copy(source, &target).map(|_| ()),
        }
        .map_err(|e| error(&target, e))
    })
}

fn swap(output: &Path, staging: &Path, retired: &Path) -> Result<(), WriteError> {
    let error = |path: &Path, e: io::Error| WriteError {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let had_output = output.exists();
    if had_output {
        if !output.is_dir() {
            return Err(WriteError {
                path: output.to_path_buf(),
                message: "the output path exists and is not a folder".into(),
            });
        }
        let _ = std::fs::remove_dir_all(retired);
        std::fs::rename(output, retired).map_err(|e| error(output, e))?;
    }
    if let Err(e) = std::fs::rename(staging, output) {
        if had_output {
            let _ = std::fs::rename(retired, output);
        }
        return Err(error(output, e));
    }
    if had_output {
        let _ = std::fs::remove_dir_all(retired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_stay_inside() {
        for (path, ok) in [
            ("index.html", true),
            ("cases/a/index.html", true),
            ("districts/南区/index.html", true),
            ("../x", false),
            ("a/../../x", false),
            ("/etc/passwd", false),
            ("a//b", false),
            ("a\\b", false),
            ("", false),
            ("./a", false),
        ] {
            assert_eq!(is_safe_output_path(path), ok, "{path}");
        }
    }

    #[test]
    fn a_failed_write_leaves_the_old_output() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        write_atomically(&output, &[OutputFile::new("index.html", "old")]).unwrap();
        // A file where a folder must go makes the second write fail half-way.
        let files = [
            OutputFile::new("a", "file"),
            OutputFile::new("a/index.html", "new"),
        ];
        assert!(write_atomically(&output, &files).is_err());
        assert_eq!(
            std::fs::read_to_string(output.join("index.html")).unwrap(),
            "old"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, ["public"]);
        write_atomically(&output, &[OutputFile::new("new.html", "new")]).unwrap();
        assert!(!output.join("index.html").exists());
        assert!(output.join("new.html").exists());
    }

    /// Regression (issue 7): two outputs at one path, or a file where another
    /// needs a folder, failed half-way through the write (or kept whichever
    /// file came last); now nothing is written and the path is named.
    #[test]
    fn issue_7_conflicting_paths_are_refused_before_writing() {
        for (paths, expected) in [
            (&["a/index.html", "a/index.html"][..], Some("a/index.html")),
            (
                &["d/index.html", "d/index.html/index.html"][..],
                Some("d/index.html"),
            ),
            (&["a", "a-b", "a/c"][..], Some("a")),
            (&["a/b", "a/c", "a-b/c"][..], None),
        ] {
            let files: Vec<OutputFile> = paths.iter().map(|p| OutputFile::new(*p, "x")).collect();
            assert_eq!(
                path_conflict(&files).map(|c| c.0).as_deref(),
                expected,
                "{paths:?}"
            );
        }
    }

    #[test]
    fn a_copy_failing_half_way_leaves_the_old_output() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        write_atomically(&output, &[OutputFile::new("index.html", "old")]).unwrap();
        let files = [
            OutputFile::new("a.html", "new"),
            OutputFile::copy("b/photo.jpg", dir.path().join("gone.jpg")),
        ];
        let error = write_atomically(&output, &files).unwrap_err();
        assert_eq!(error.path, output.join("b/photo.jpg"));
        assert_eq!(
            std::fs::read_to_string(output.join("index.html")).unwrap(),
            "old"
        );
        assert!(!output.join("a.html").exists());
    }
}
