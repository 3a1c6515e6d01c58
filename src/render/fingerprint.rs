//! Fingerprints: hashes that tell the live preview which pages to render
//! again. A page's own fingerprint is taken from its view (`of_serialized`);
//! a template's covers its source and every template it extends, includes or
//! imports, so a template edit re-renders only the pages that use it.

use super::theme::ThemeFiles;
use crate::hash::{Fnv1a, hash_of};
use std::collections::{BTreeSet, HashMap};
use std::hash::Hasher;

/// A hash of what `value` serializes to, streamed into the hasher: the
/// fingerprint of a page's view.
/// A part of a view that has a fingerprint of its own (case cards) serializes
/// that instead of its text while [`taking`] says so.
pub fn of_serialized<T: serde::Serialize + ?Sized>(value: &T) -> u64 {
    struct Hashing(Fnv1a);
    impl std::io::Write for Hashing {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hashing = Hashing(Fnv1a::default());
    let before = TAKING.replace(true);
    // Writing into a hasher cannot fail; a value that cannot be serialized
    // cannot be rendered either, and its page reports the error.
    let _ = serde_json::to_writer(&mut hashing, value);
    TAKING.set(before);
    hashing.0.finish()
}

thread_local! {
    /// Whether this thread is serializing a view for its fingerprint.
    static TAKING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the value being serialized is being fingerprinted, not rendered.
pub fn taking() -> bool {
    TAKING.get()
}

/// Per template, a hash of its source and of the templates it extends,
/// includes or imports, followed to the end.
pub fn templates(files: &ThemeFiles) -> HashMap<String, u64> {
    let sources: HashMap<&str, &[u8]> = files
        .templates()
        .map(|(name, file)| (name, file.bytes.as_slice()))
        .collect();
    let direct: HashMap<&str, Option<Vec<String>>> = sources
        .iter()
        .map(|(name, bytes)| (*name, references(&String::from_utf8_lossy(bytes))))
        .collect();
    let mut all: Vec<&str> = sources.keys().copied().collect();
    all.sort_unstable();
    sources
        .keys()
        .map(|&name| {
            // Follow references; a reference that is not a plain string (a
            // variable) could be any template, so it depends on all of them.
            let mut seen = BTreeSet::from([name]);
            let mut stack = vec![name];
            while let Some(current) = stack.pop() {
                match direct.get(current) {
                    Some(Some(names)) => {
                        for next in names {
                            if let Some((&key, _)) = sources.get_key_value(next.as_str())
                                && seen.insert(key)
                            {
                                stack.push(key);
                            }
                        }
                    }
                    Some(None) => seen.extend(all.iter().copied()),
                    None => {}
                }
            }
            let closure: Vec<(&str, &[u8])> = seen.iter().map(|n| (*n, sources[n])).collect();
            (name.to_string(), hash_of(&closure))
        })
        .collect()
}

/// The templates a template names in `extends`, `include` and `import` tags;
/// `None` when one of those tags names something other than a plain string.
fn references(source: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find("{%") {
        let after = &rest[start + 2..];
        let end = after.find("%}").unwrap_or(after.len());
        let tag = after[..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        rest = &after[end..];
        let keyword = tag.split_whitespace().next().unwrap_or_default();
        if !matches!(keyword, "extends" | "include" | "import") {
            continue;
        }
        let quoted: Vec<String> = tag
            .split(['"', '\''])
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        if quoted.is_empty() {
            return None;
        }
        names.extend(quoted);
    }
    Some(names)
}

#[cfg(test)]
mod tests {
    use super::references;

    #[test]
    fn template_references() {
        for (source, expected) in [
            ("<p>plain</p>", Some(vec![])),
            (r#"{% extends "base.html" %}"#, Some(vec!["base.html"])),
            (
                r#"{%- include "partials/a.html" -%} {% include 'b.html' %}"#,
                Some(vec!["partials/a.html", "b.html"]),
            ),
            (
                r#"{% import "macros.html" as m %}"#,
                Some(vec!["macros.html"]),
            ),
            (r#"{% include name %}"#, None),
            (r#"{% if a %}{{ "x" }}{% endif %}"#, Some(vec![])),
        ] {
            let expected = expected.map(|v| v.into_iter().map(String::from).collect::<Vec<_>>());
            assert_eq!(references(source), expected, "{source}");
        }
    }
}
