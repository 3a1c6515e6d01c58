//! Query: the written index → the cases matching a query, by the algorithm
//! the JS client runs (`search-core.js`, `Searcher`), so tests and the
//! benchmark can check from Rust that the files answer exactly.
//!
//! For each word of the query (normalized, split on whitespace), for each of
//! its variant forms:
//! 1. Up to three characters: the gram's own case set.
//! 2. Longer: walk its trigrams; one whose forced contexts cover the whole
//!    form gives its case set exactly; one that is missing, or whose context
//!    contradicts the form, proves no case holds it.
//! 3. Otherwise the cases holding all the trigrams seen are candidates, and
//!    each is checked against its own text (display and text stores).
//!
//! A case matches when every word matches one of its forms. Its score sums,
//! per word, 3 for a title match, 2 for the summary, 1 elsewhere; results
//! run from the highest score, then newest first (lowest case number).

use super::index::CONTEXT;
use super::shard::{SET_BITMAP, SET_EMPTY, SET_FULL, SET_RICE, SET_RICE_COMPLEMENT, file_key};
use crate::normalize::{Variants, normalize, query_words};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::rc::Rc;

pub const TIER_TITLE: u8 = 3;
pub const TIER_SUMMARY: u8 = 2;
pub const TIER_REST: u8 = 1;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub case: u32,
    pub score: u32,
}

#[derive(Debug, Clone, Default)]
struct Context {
    chars: Vec<char>,
    closed: bool,
}

#[derive(Debug, Clone, Default)]
struct GramSet {
    cases: Vec<u32>,
    title: Vec<u32>,
    summary: Vec<u32>,
    left: Context,
    right: Context,
}

/// A word's matches: (case, best tier), ascending by case.
type Matches = Vec<(u32, u8)>;

/// Reads `public/search/` from disk, caching each file.
pub struct IndexReader {
    dir: PathBuf,
    manifest: Value,
    cases: u32,
    gram_keys: Vec<String>,
    variants: Variants,
    grams: RefCell<HashMap<usize, Rc<HashMap<String, GramSet>>>>,
    blocks: RefCell<HashMap<String, Rc<Value>>>,
    fetched: RefCell<BTreeSet<String>>,
}

/// A malformed or missing index file.
#[derive(Debug)]
pub struct IndexError(pub String);

impl std::fmt::Display for IndexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

type Result<T> = std::result::Result<T, IndexError>;

fn error(message: impl Into<String>) -> IndexError {
    IndexError(message.into())
}

struct Bytes<'a> {
    data: &'a [u8],
    at: usize,
}

impl Bytes<'_> {
    fn done(&self) -> bool {
        self.at >= self.data.len()
    }

    fn byte(&mut self) -> Result<u8> {
        let b = *self
            .data
            .get(self.at)
            .ok_or_else(|| error("truncated gram file"))?;
        self.at += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64> {
        let (mut n, mut shift) = (0u64, 0);
        loop {
            let b = self.byte()?;
            n |= ((b & 0x7f) as u64) << shift;
            if b < 0x80 {
                return Ok(n);
            }
            shift += 7;
            if shift > 63 {
                return Err(error("bad varint"));
            }
        }
    }

    fn take(&mut self, n: usize) -> Result<&[u8]> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.data.len());
        let end = end.ok_or_else(|| error("truncated gram file"))?;
        let out = &self.data[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn text(&mut self, bytes: usize) -> Result<String> {
        String::from_utf8(self.take(bytes)?.to_vec()).map_err(|_| error("bad UTF-8"))
    }

    /// `count` Rice-coded gaps with parameter `b`, as ascending members.
    fn rice(&mut self, b: u32, count: usize) -> Result<Vec<u32>> {
        let mut out = Vec::with_capacity(count.min(self.data.len() * 8));
        let (mut byte, mut used) = (0u8, 8u32);
        let mut bit = |bytes: &mut Self| -> Result<u32> {
            if used == 8 {
                byte = bytes.byte()?;
                used = 0;
            }
            used += 1;
            Ok(((byte >> (used - 1)) & 1) as u32)
        };
        let mut previous: Option<u32> = None;
        for _ in 0..count {
            let mut quotient = 0u32;
            while bit(self)? == 1 {
                quotient += 1;
            }
            let mut low = 0u32;
            for i in 0..b {
                low |= bit(self)? << i;
            }
            let gap = (quotient << b) | low;
            let m = previous.map_or(Some(gap), |p| p.checked_add(gap + 1));
            let m = m.ok_or_else(|| error("set member out of range"))?;
            out.push(m);
            previous = Some(m);
        }
        Ok(out)
    }

    /// A subset of `0..universe`.
    fn set(&mut self, universe: u32) -> Result<Vec<u32>> {
        let tag = self.byte()?;
        let b = (tag >> 3) as u32;
        Ok(match tag & 7 {
            SET_EMPTY => Vec::new(),
            SET_FULL => (0..universe).collect(),
            SET_RICE => {
                let count = self.varint()? as usize;
                self.rice(b, count)?
            }
            SET_RICE_COMPLEMENT => {
                let count = self.varint()? as usize;
                let missing = self.rice(b, count)?;
                let mut next = missing.iter().peekable();
                (0..universe)
                    .filter(|i| {
                        if next.peek() == Some(&i) {
                            next.next();
                            false
                        } else {
                            true
                        }
                    })
                    .collect()
            }
            SET_BITMAP => {
                let bytes = self.take((universe as usize).div_ceil(8))?;
                (0..universe)
                    .filter(|&i| bytes[(i >> 3) as usize] & (1 << (i & 7)) != 0)
                    .collect()
            }
            kind => return Err(error(format!("unknown set kind {kind}"))),
        })
    }

    fn context(&mut self) -> Result<Context> {
        let header = self.varint()?;
        let text = self.text((header >> 1) as usize)?;
        Ok(Context {
            chars: text.chars().collect(),
            closed: header & 1 == 1,
        })
    }
}

fn pick(from: &[u32], ranks: &[u32]) -> Result<Vec<u32>> {
    ranks
        .iter()
        .map(|&r| {
            from.get(r as usize)
                .copied()
                .ok_or_else(|| error("rank out of range"))
        })
        .collect()
}

/// Decodes one gram file.
fn parse_grams(data: &[u8], cases: u32) -> Result<HashMap<String, GramSet>> {
    let mut b = Bytes { data, at: 0 };
    let mut out: HashMap<String, GramSet> = HashMap::new();
    let mut bigram: Vec<u32> = Vec::new();
    while !b.done() {
        let length = b.varint()? as usize;
        let text = b.text(length)?;
        let _body = b.varint()?;
        let trigram = text.chars().count() == 3;
        let set = if trigram {
            let ranks = b.set(bigram.len() as u32)?;
            pick(&bigram, &ranks)?
        } else {
            b.set(cases)?
        };
        let title = pick(&set, &b.set(set.len() as u32)?)?;
        let summary = pick(&set, &b.set(set.len() as u32)?)?;
        let (left, right) = if trigram {
            (b.context()?, b.context()?)
        } else {
            Default::default()
        };
        if text.chars().count() == 2 {
            bigram = set.clone();
        }
        out.insert(
            text,
            GramSet {
                cases: set,
                title,
                summary,
                left,
                right,
            },
        );
    }
    Ok(out)
}

fn gunzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .map_err(|e| error(format!("cannot inflate: {e}")))?;
    Ok(out)
}

/// How a trigram's context compares with the part of the form beside it.
enum Cover {
    Covers,
    Contradicts,
    Unknown,
}

fn cover(context: &Context, wanted: &[char]) -> Cover {
    let common = context
        .chars
        .iter()
        .zip(wanted)
        .take_while(|(a, b)| a == b)
        .count();
    if common == wanted.len() {
        Cover::Covers
    } else if common < context.chars.len() || context.closed {
        Cover::Contradicts
    } else {
        Cover::Unknown
    }
}

fn with_tiers(set: &GramSet) -> Matches {
    let (mut t, mut s) = (0, 0);
    set.cases
        .iter()
        .map(|&case| {
            while t < set.title.len() && set.title[t] < case {
                t += 1;
            }
            while s < set.summary.len() && set.summary[s] < case {
                s += 1;
            }
            let tier = if set.title.get(t) == Some(&case) {
                TIER_TITLE
            } else if set.summary.get(s) == Some(&case) {
                TIER_SUMMARY
            } else {
                TIER_REST
            };
            (case, tier)
        })
        .collect()
}

impl IndexReader {
    /// Opens the `search/` folder of a built site.
    pub fn open(dir: &Path) -> Result<IndexReader> {
        let path = dir.join("manifest.bin");
        let bytes = std::fs::read(&path).map_err(|e| error(format!("{}: {e}", path.display())))?;
        let manifest: Value = serde_json::from_slice(&gunzip(&bytes)?)
            .map_err(|e| error(format!("manifest.bin: {e}")))?;
        let cases = manifest["cases"].as_u64().unwrap_or(0) as u32;
        let gram_keys = manifest["gramFiles"]
            .as_array()
            .map(|keys| {
                keys.iter()
                    .filter_map(|k| k.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let groups: Vec<Vec<String>> =
            serde_json::from_value(manifest["variants"].clone()).unwrap_or_default();
        Ok(IndexReader {
            dir: dir.to_path_buf(),
            manifest,
            cases,
            gram_keys,
            // Already normalized by the build; normalizing again changes nothing.
            variants: Variants::new(&groups),
            grams: RefCell::default(),
            blocks: RefCell::default(),
            fetched: RefCell::default(),
        })
    }

    pub fn manifest(&self) -> &Value {
        &self.manifest
    }

    /// The files read so far, relative to `search/`.
    pub fn fetched(&self) -> Vec<String> {
        self.fetched.borrow().iter().cloned().collect()
    }

    fn read(&self, name: &str) -> Result<Vec<u8>> {
        self.fetched.borrow_mut().insert(name.to_string());
        let bytes =
            std::fs::read(self.dir.join(name)).map_err(|e| error(format!("{name}: {e}")))?;
        gunzip(&bytes)
    }

    fn gram(&self, gram: &str) -> Result<Option<GramSet>> {
        let key = file_key(gram);
        let Some(file) = self.gram_keys.iter().rposition(|k| k.as_str() <= key) else {
            return Ok(None);
        };
        let cached = self.grams.borrow().get(&file).cloned();
        let grams = match cached {
            Some(grams) => grams,
            None => {
                let grams = Rc::new(parse_grams(
                    &self.read(&format!("g/{file}.bin"))?,
                    self.cases,
                )?);
                self.grams.borrow_mut().insert(file, Rc::clone(&grams));
                grams
            }
        };
        Ok(grams.get(gram).cloned())
    }

    fn block(&self, store: &str, block: usize) -> Result<Rc<Value>> {
        let name = format!("{store}/{block}.bin");
        if let Some(value) = self.blocks.borrow().get(&name) {
            return Ok(Rc::clone(value));
        }
        let value: Value = serde_json::from_slice(&self.read(&name)?)
            .map_err(|e| error(format!("{name}: {e}")))?;
        let value = Rc::new(value);
        self.blocks.borrow_mut().insert(name, Rc::clone(&value));
        Ok(value)
    }

    /// The case's title, summary and rest, as written (not normalized).
    pub fn case_text(&self, case: u32) -> Result<[String; 3]> {
        let per = |key: &str| self.manifest[key].as_u64().unwrap_or(1).max(1) as usize;
        let (d, t) = (per("displayBlock"), per("textBlock"));
        let case = case as usize;
        let display = self.block("d", case / d)?;
        let row = &display[case % d];
        let text = self.block("t", case / t)?;
        let field = |v: &Value| v.as_str().unwrap_or_default().to_string();
        Ok([field(&row[1]), field(&row[2]), field(&text[case % t])])
    }

    /// The path (`cases/slug/`) of a case.
    pub fn case_path(&self, case: u32) -> Result<String> {
        let d = self.manifest["displayBlock"].as_u64().unwrap_or(1).max(1) as usize;
        let display = self.block("d", case as usize / d)?;
        Ok(display[case as usize % d][0]
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    /// Whether the case is a made-up example, which its result row labels.
    pub fn case_is_illustrative(&self, case: u32) -> Result<bool> {
        let d = self.manifest["displayBlock"].as_u64().unwrap_or(1).max(1) as usize;
        let display = self.block("d", case as usize / d)?;
        Ok(display[case as usize % d].get(6) == Some(&Value::from(1)))
    }

    /// The cases holding `form` (normalized, no whitespace), with tiers.
    fn form(&self, form: &str) -> Result<Matches> {
        let chars: Vec<char> = form.chars().collect();
        if chars.len() <= 3 {
            return Ok(self
                .gram(form)?
                .as_ref()
                .map(with_tiers)
                .unwrap_or_default());
        }
        let mut candidates: Option<Vec<u32>> = None;
        for i in 0..=chars.len() - 3 {
            let right = &chars[i + 3..];
            let left: Vec<char> = chars[..i].iter().rev().copied().collect();
            // Only a trigram with room for both sides can settle the form.
            let can_settle = left.len() <= CONTEXT && right.len() <= CONTEXT;
            if !can_settle && candidates.is_some() && i % 3 != 0 {
                continue;
            }
            let trigram: String = chars[i..i + 3].iter().collect();
            let Some(set) = self.gram(&trigram)? else {
                return Ok(Vec::new());
            };
            match (cover(&set.left, &left), cover(&set.right, right)) {
                (Cover::Contradicts, _) | (_, Cover::Contradicts) => return Ok(Vec::new()),
                (Cover::Covers, Cover::Covers) => return Ok(with_tiers(&set)),
                _ => {}
            }
            candidates = Some(match candidates {
                None => set.cases,
                Some(c) => intersect(&c, &set.cases),
            });
        }
        let mut out = Vec::new();
        for case in candidates.unwrap_or_default() {
            let [title, summary, rest] = self.case_text(case)?;
            let tier = if normalize(&title).contains(form) {
                TIER_TITLE
            } else if normalize(&summary).contains(form) {
                TIER_SUMMARY
            } else if normalize(&rest).contains(form) {
                TIER_REST
            } else {
                continue;
            };
            out.push((case, tier));
        }
        Ok(out)
    }

    /// The cases matching `query`, best first.
    pub fn search(&self, query: &str) -> Result<Vec<Hit>> {
        let mut scores: Option<Vec<(u32, u32)>> = None;
        for word in query_words(query) {
            let mut word_matches: Matches = Vec::new();
            for form in self.variants.expand(&word) {
                word_matches = union(&word_matches, &self.form(&form)?);
            }
            scores = Some(match scores {
                None => word_matches
                    .into_iter()
                    .map(|(c, t)| (c, t as u32))
                    .collect(),
                Some(previous) => {
                    let mut out = Vec::new();
                    let mut j = 0;
                    for (case, score) in previous {
                        while j < word_matches.len() && word_matches[j].0 < case {
                            j += 1;
                        }
                        if let Some(&(c, tier)) = word_matches.get(j)
                            && c == case
                        {
                            out.push((case, score + tier as u32));
                        }
                    }
                    out
                }
            });
        }
        let mut hits: Vec<Hit> = scores
            .unwrap_or_default()
            .into_iter()
            .map(|(case, score)| Hit { case, score })
            .collect();
        hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.case.cmp(&b.case)));
        Ok(hits)
    }
}

fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let set: BTreeSet<u32> = b.iter().copied().collect();
    a.iter().copied().filter(|x| set.contains(x)).collect()
}

/// Both match lists, keeping the better tier of a case in both.
fn union(a: &Matches, b: &Matches) -> Matches {
    let mut map: std::collections::BTreeMap<u32, u8> = a.iter().copied().collect();
    for &(case, tier) in b {
        let best = map.entry(case).or_insert(tier);
        *best = (*best).max(tier);
    }
    map.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::shard::write_set;

    /// Sets read back as written, in each form, including gaps whose Rice
    /// quotient runs past a 32-bit word of ones.
    #[test]
    fn sets_read_back_as_written() {
        let universe = 100_000;
        let skewed: Vec<u32> = (0..200).chain([90_000, 99_999]).collect();
        let spread: Vec<u32> = (0..universe).step_by(997).collect();
        let dense: Vec<u32> = (0..universe).filter(|i| i % 5_000 != 3).collect();
        let halves: Vec<u32> = (0..universe).filter(|i| i % 2 == 0).collect();
        for members in [
            vec![],
            vec![0],
            vec![universe - 1],
            skewed,
            spread,
            dense,
            halves,
        ] {
            let mut out = Vec::new();
            write_set(&mut out, &members, universe);
            let mut bytes = Bytes { data: &out, at: 0 };
            assert_eq!(bytes.set(universe).unwrap(), members);
            assert!(bytes.done(), "{} bytes left", out.len() - bytes.at);
        }
    }
}
