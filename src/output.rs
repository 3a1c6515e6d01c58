//! Output: `Vec<OutputFile>` → the output folder, atomically.
//!
//! 1. Check every path: relative, no `..`, no empty or hidden-parent segments,
//!    so nothing can land outside the output folder.
//! 2. Write each file, as soon as it is made, into a fresh temporary folder
//!    beside the output ([`Staging`]), so a build never holds the whole site in
//!    memory. A file whose bytes equal the previous output's at the same path
//!    is hard-linked from it instead: it keeps its modification time (a sync
//!    to the web server sends only what changed), and neither writing it nor
//!    later removing the previous output costs a block of disk.
//! 3. Swap it in with two renames; on any error the previous output is untouched
//!    and the temporary folder is removed.

use rayon::prelude::*;
use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Where stages put each file as soon as it is made: the staging folder for a
/// build, a list for `generate`, nowhere for `check`.
pub type Sink<'a> = dyn Fn(OutputFile) + Sync + 'a;

#[derive(Debug, Clone)]
pub enum Contents {
    /// Shared, so that the live preview can keep a page between rebuilds
    /// without copying it.
    Bytes(Arc<[u8]>),
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
            contents: Contents::Bytes(bytes.into().into()),
        }
    }

    pub fn shared(path: impl Into<String>, bytes: Arc<[u8]>) -> Self {
        OutputFile {
            path: path.into(),
            contents: Contents::Bytes(bytes),
        }
    }

    /// The same file under the folder `prefix` (`en/`): a translation's
    /// site is written under its language.
    pub fn under(mut self, prefix: &str) -> Self {
        self.path = format!("{prefix}{}", self.path);
        self
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
            Contents::Bytes(bytes) => Ok(std::borrow::Cow::Borrowed(bytes)),
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
    let staging = Staging::create(output)?;
    files.par_iter().for_each(|file| staging.write(file));
    staging.commit()
}

/// A fresh folder beside the output that files are written into as they are
/// made, then swapped in whole by [`Staging::commit`]. Dropped without a
/// commit, it removes itself and the output is untouched.
pub struct Staging {
    output: PathBuf,
    dir: PathBuf,
    retired: PathBuf,
    /// What has been written, to refuse two files at one path or a file where
    /// a folder is needed (a district named `index.html`) with a clear message
    /// rather than a failed or silently overwritten write.
    layout: Mutex<Layout>,
    /// The first write that failed; later writes are skipped.
    failed: Mutex<Option<WriteError>>,
    /// The previous output is a folder whose unchanged files can be linked.
    previous: bool,
    committed: bool,
}

impl Staging {
    pub fn create(output: &Path) -> Result<Staging, WriteError> {
        let error = |path: &Path, message: String| WriteError {
            path: path.to_path_buf(),
            message,
        };
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
        let dir = parent.join(format!(".{name}.tmp-build-{}", std::process::id()));
        let retired = parent.join(format!(".{name}.old-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        // Named as the output: the staging folder is an implementation detail.
        std::fs::create_dir(&dir)
            .map_err(|e| error(output, format!("cannot create folder: {e}")))?;
        Ok(Staging {
            output: output.to_path_buf(),
            dir,
            retired,
            layout: Mutex::new(Layout::default()),
            failed: Mutex::new(None),
            previous: output.is_dir(),
            committed: false,
        })
    }

    /// Writes one file; safe to call from many threads at once.
    pub fn write(&self, file: &OutputFile) {
        if lock(&self.failed).is_some() {
            return;
        }
        if let Err(e) = self.try_write(file) {
            lock(&self.failed).get_or_insert(e);
        }
    }

    fn try_write(&self, file: &OutputFile) -> Result<(), WriteError> {
        let error = |path: &Path, message: String| WriteError {
            path: path.to_path_buf(),
            message,
        };
        if !is_safe_output_path(&file.path) {
            return Err(error(
                &self.output,
                format!(
                    "refusing to write outside the output folder: `{}`",
                    file.path
                ),
            ));
        }
        lock(&self.layout)
            .claim(&file.path)
            .map_err(|(path, message)| WriteError {
                path: self.output.join(path),
                message,
            })?;
        let target = self.dir.join(&file.path);
        // Another thread may be making the same folder; create_dir_all is fine
        // with that, and costs one stat once the folder exists.
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| error(&self.output.join(&file.path), e.to_string()))?;
        }
        if self.previous {
            let previous = self.output.join(&file.path);
            if unchanged(&previous, &file.contents)
                && std::fs::hard_link(&previous, &target).is_ok()
            {
                return Ok(());
            }
        }
        match &file.contents {
            Contents::Bytes(bytes) => std::fs::write(&target, bytes),
            Contents::Copy(source) => std::fs::copy(source, &target).map(|_| ()),
        }
        // Name the file as it will be in the output, not in the staging folder.
        .map_err(|e| error(&self.output.join(&file.path), e.to_string()))
    }

    /// Swaps the written folder in place of the output, unless a write failed.
    pub fn commit(mut self) -> Result<(), WriteError> {
        if let Some(error) = lock(&self.failed).take() {
            return Err(error);
        }
        swap(&self.output, &self.dir, &self.retired)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Whether the file at `previous` holds exactly `contents`. Any doubt (an
/// unreadable file, a link, a folder) says no, and the file is written anew.
fn unchanged(previous: &Path, contents: &Contents) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(previous) else {
        return false;
    };
    if !meta.is_file() {
        return false;
    }
    match contents {
        Contents::Bytes(bytes) => {
            meta.len() == bytes.len() as u64
                && std::fs::read(previous).is_ok_and(|old| old[..] == bytes[..])
        }
        Contents::Copy(source) => {
            std::fs::metadata(source).is_ok_and(|m| m.len() == meta.len())
                && matches!(
                    (std::fs::read(source), std::fs::read(previous)),
                    (Ok(new), Ok(old)) if new == old
                )
        }
    }
}

/// The files written so far and the folders they need, by output path.
#[derive(Default)]
struct Layout {
    files: HashSet<String>,
    /// Each folder, with the first file that needed it (for the message).
    folders: std::collections::HashMap<String, String>,
}

impl Layout {
    /// Records `path`, or says why it cannot be written (the conflicting path
    /// and a message).
    fn claim(&mut self, path: &str) -> Result<(), (String, String)> {
        let conflict = |folder: &str, inside: &str| {
            let name = folder.rsplit('/').next().unwrap_or(folder);
            (
                folder.to_string(),
                format!(
                    "`{folder}` would be both a file and the folder of `{inside}`; rename the term or file named `{name}`"
                ),
            )
        };
        if self.files.contains(path) {
            return Err((
                path.to_string(),
                format!("two pages or files would be written to `{path}`"),
            ));
        }
        if let Some(inside) = self.folders.get(path) {
            return Err(conflict(path, inside));
        }
        let ancestors: Vec<&str> = path.match_indices('/').map(|(i, _)| &path[..i]).collect();
        if let Some(folder) = ancestors
            .iter()
            .find(|folder| self.files.contains(**folder))
        {
            return Err(conflict(folder, path));
        }
        self.files.insert(path.to_string());
        for folder in ancestors {
            self.folders
                .entry(folder.to_string())
                .or_insert_with(|| path.to_string());
        }
        Ok(())
    }
}

/// A poisoned lock only means another writer panicked; its data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
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
        remove_tree(retired);
    }
    Ok(())
}

/// Removes a folder tree, its files in parallel: the previous output of a large
/// site has tens of thousands of files, and removing them one by one is a
/// noticeable part of a build.
fn remove_tree(dir: &Path) {
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.par_iter().for_each(|file| {
        let _ = std::fs::remove_file(file);
    });
    let _ = std::fs::remove_dir_all(dir);
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

    #[test]
    fn unchanged_files_are_linked_from_the_previous_output() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let source = dir.path().join("photo.jpg");
        std::fs::write(&source, "jpeg").unwrap();
        let first = [
            OutputFile::new("same.html", "same"),
            OutputFile::new("changed.html", "before"),
            OutputFile::new("resized.html", "short"),
            OutputFile::copy("photo.jpg", source.clone()),
        ];
        write_atomically(&output, &first).unwrap();
        let inode = |name: &str| std::fs::metadata(output.join(name)).unwrap().ino();
        let before: Vec<u64> = ["same.html", "changed.html", "resized.html", "photo.jpg"]
            .map(inode)
            .into();
        std::fs::write(&source, "jpeg").unwrap();
        let second = [
            OutputFile::new("same.html", "same"),
            OutputFile::new("changed.html", "after!"),
            OutputFile::new("resized.html", "longer text"),
            OutputFile::copy("photo.jpg", source),
        ];
        write_atomically(&output, &second).unwrap();
        let after: Vec<u64> = ["same.html", "changed.html", "resized.html", "photo.jpg"]
            .map(inode)
            .into();
        // Same bytes: the same file, now only in the new output.
        assert_eq!(after[0], before[0]);
        assert_eq!(after[3], before[3]);
        assert_eq!(
            std::fs::metadata(output.join("same.html")).unwrap().nlink(),
            1
        );
        // Different bytes (same length or not): a new file.
        assert_ne!(after[1], before[1]);
        assert_ne!(after[2], before[2]);
        for (name, text) in [
            ("same.html", "same"),
            ("changed.html", "after!"),
            ("resized.html", "longer text"),
            ("photo.jpg", "jpeg"),
        ] {
            assert_eq!(std::fs::read_to_string(output.join(name)).unwrap(), text);
        }
    }

    /// Regression (issue 7): two outputs at one path, or a file where another
    /// needs a folder, failed half-way through the write (or kept whichever
    /// file came last); now the contested path is named, in either order.
    #[test]
    fn issue_7_conflicting_paths_are_refused() {
        for (paths, expected) in [
            (&["a/index.html", "a/index.html"][..], Some("a/index.html")),
            (
                &["d/index.html", "d/index.html/index.html"][..],
                Some("d/index.html"),
            ),
            (
                &["d/index.html/index.html", "d/index.html"][..],
                Some("d/index.html"),
            ),
            (&["a", "a-b", "a/c"][..], Some("a")),
            (&["a/b", "a/c", "a-b/c"][..], None),
        ] {
            let mut layout = Layout::default();
            let problem = paths.iter().find_map(|p| layout.claim(p).err());
            assert_eq!(
                problem.as_ref().map(|(path, _)| path.as_str()),
                expected,
                "{paths:?}: {problem:?}"
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
