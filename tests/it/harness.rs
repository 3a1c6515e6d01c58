//! `SiteTest`: a fixture site copied into a temporary folder, changed file by
//! file, and run through the real binary.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;

pub struct SiteTest {
    dir: Rc<tempfile::TempDir>,
    pub root: PathBuf,
}

/// One run's results; it keeps the site's folder alive for its assertions.
pub struct Run {
    _dir: Rc<tempfile::TempDir>,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub root: PathBuf,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

impl SiteTest {
    /// A copy of `tests/fixtures/<name>/`.
    pub fn fixture(name: &str) -> SiteTest {
        SiteTest::copy_of(&fixtures().join(name))
    }

    /// A copy of the folder `from` (a path in the repository).
    pub fn copy_of(from: &Path) -> SiteTest {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        copy_tree(from, &root);
        SiteTest {
            dir: Rc::new(dir),
            root,
        }
    }

    /// A copy of a site's configuration, content and themes alone, such as
    /// the project's own sample site (whose folder holds much else).
    pub fn copy_site(site: &Path) -> SiteTest {
        let test = SiteTest::empty();
        std::fs::copy(site.join("casebook.yaml"), test.root.join("casebook.yaml")).unwrap();
        for folder in ["content", "themes"] {
            if site.join(folder).is_dir() {
                std::fs::create_dir_all(test.root.join(folder)).unwrap();
                copy_tree(&site.join(folder), &test.root.join(folder));
            }
        }
        test
    }

    /// An empty folder (no configuration).
    pub fn empty() -> SiteTest {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        SiteTest {
            dir: Rc::new(dir),
            root,
        }
    }

    pub fn file(self, path: &str, contents: impl AsRef<[u8]>) -> SiteTest {
        self.change_file(path, contents);
        self
    }

    pub fn change_file(&self, path: &str, contents: impl AsRef<[u8]>) {
        let target = self.root.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, contents).unwrap();
    }

    pub fn run(&self, args: &[&str]) -> Run {
        // English unless a test asks for Japanese with `--lang ja`, so the
        // exact messages most tests hold read the same for every site.
        let output = Command::new(env!("CARGO_BIN_EXE_casebook"))
            .args(args)
            .env("CASEBOOK_LANG", "en")
            .current_dir(&self.root)
            .output()
            .unwrap();
        Run {
            _dir: Rc::clone(&self.dir),
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            root: self.root.clone(),
        }
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    pub fn check(&self) -> Run {
        self.run(&["check"])
    }
}

impl Run {
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "exit code\n--- stderr:\n{}\n--- stdout:\n{}",
            self.stderr, self.stdout
        );
        self
    }

    #[track_caller]
    pub fn expect_success(&self) -> &Run {
        self.expect_code(0)
    }

    #[track_caller]
    pub fn expect_stderr(&self, expected: &str) -> &Run {
        assert_eq!(self.stderr, expected, "stderr differs");
        self
    }

    #[track_caller]
    pub fn expect_stderr_contains(&self, expected: &str) -> &Run {
        assert!(
            self.stderr.contains(expected),
            "stderr lacks {expected:?}\n--- stderr:\n{}",
            self.stderr
        );
        self
    }

    /// A file of the output folder, as text.
    #[track_caller]
    pub fn output(&self, path: &str) -> String {
        let full = self.root.join("public").join(path);
        std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
    }

    pub fn output_exists(&self, path: &str) -> bool {
        self.root.join("public").join(path).exists()
    }

    /// The `<main>` region of an output page.
    #[track_caller]
    pub fn main_html(&self, path: &str) -> String {
        let html = self.output(path);
        let start = html
            .find("<main")
            .unwrap_or_else(|| panic!("{path} has no <main>"));
        let end = html
            .rfind("</main>")
            .unwrap_or_else(|| panic!("{path} has no </main>"));
        html[start..end + "</main>".len()].to_string()
    }
}

/// A real 8×8 JPEG, for sites whose tests need an image that decodes.
pub fn tiny_jpeg() -> Vec<u8> {
    let pixels =
        image::RgbImage::from_fn(8, 8, |x, y| image::Rgb([x as u8 * 30, y as u8 * 30, 90]));
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode_image(&pixels)
        .unwrap();
    bytes
}

/// Every file under `dir`, relative, `/`-separated and sorted.
pub fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}
