//! Index: each case's normalized text → the cases holding every 1-, 2- and
//! 3-character gram, per field, and the forced context of every trigram.
//!
//! A query of up to three characters is one gram, so its doc set is exact. A
//! longer query is exact when one of its trigrams has a *forced context* that
//! covers it: if every occurrence of `ども食` in the whole site is preceded by
//! `子` and followed by `堂`, the cases holding `子ども食堂` are exactly those
//! holding `ども食` (a suffix-tree edge, seen from the trigram). A context that
//! ends, or differs from the query, proves the query occurs nowhere. Only when
//! no trigram settles it does the client verify candidates against the text
//! store (`query::Outcome::Verify`).
//!
//! 1. Scan every segment of every field once (two threads when there are
//!    enough cases), recording per gram the cases and fields it occurs in, and
//!    shrinking each trigram's left and right context to what all its
//!    occurrences share.
//! 2. Merge the per-thread parts in case order and sort the grams.

use crate::normalize::segments;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Characters of context kept on each side of a trigram.
pub const CONTEXT: usize = 16;

/// Field flags of one gram in one case.
pub const TITLE: u8 = 1;
pub const SUMMARY: u8 = 2;
pub const REST: u8 = 4;

/// One case's searchable text, each field already normalized.
#[derive(Debug, Clone, Default)]
pub struct CaseText {
    pub title: String,
    pub summary: String,
    /// District, schemes, themes, partners and the body.
    pub rest: String,
}

/// What every occurrence of a trigram has beside it, nearest character first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    pub text: String,
    /// Every occurrence has its segment end right after `text`.
    pub closed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gram {
    pub text: String,
    /// Cases holding the gram, ascending, each with the fields
    /// (`TITLE | SUMMARY | REST`) holding it.
    pub postings: Postings,
    /// Trigrams only: the context before (read backwards) and after.
    pub left: Context,
    pub right: Context,
}

/// A gram's cases and their fields, delta-coded as they are scanned: one
/// varint of `gap << 3 | fields` per case, where `gap` counts the cases
/// skipped since the previous one (the first counts from case 0). Lists of
/// plain integers took most of the build's peak memory at 10,000 cases; this
/// takes about a quarter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Postings {
    bytes: Vec<u8>,
    len: u32,
    /// The last case pushed, when `len > 0`.
    last: u32,
}

impl Postings {
    /// Adds `case`, which comes after every case already in.
    pub fn push(&mut self, case: u32, fields: u8) {
        let gap = match self.len {
            0 => case,
            _ => case - self.last - 1,
        };
        write_varint(
            &mut self.bytes,
            (u64::from(gap) << 3) | u64::from(fields & 7),
        );
        self.last = case;
        self.len += 1;
    }

    /// Adds `later`, whose cases all come after these.
    fn append(&mut self, later: Postings) {
        if self.len == 0 {
            *self = later;
            return;
        }
        let Some((case, fields)) = later.iter().next() else {
            return;
        };
        // Only the first posting changes: it counted from case 0.
        let first_len = varint_len(&later.bytes);
        self.push(case, fields);
        self.bytes.extend_from_slice(&later.bytes[first_len..]);
        self.len += later.len - 1;
        self.last = later.last;
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `(case, fields)` in ascending case order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, u8)> + '_ {
        let mut at = 0;
        let mut next_case = 0u32;
        (0..self.len).map(move |_| {
            let mut value = 0u64;
            let mut shift = 0;
            loop {
                let byte = self.bytes[at];
                at += 1;
                value |= u64::from(byte & 0x7f) << shift;
                shift += 7;
                if byte < 0x80 {
                    break;
                }
            }
            let case = next_case + (value >> 3) as u32;
            next_case = case + 1;
            (case, (value & 7) as u8)
        })
    }

    /// The cases, ascending.
    pub fn cases(&self) -> Vec<u32> {
        self.iter().map(|(case, _)| case).collect()
    }

    /// Per case, its fields.
    pub fn fields(&self) -> Vec<u8> {
        self.iter().map(|(_, fields)| fields).collect()
    }
}

fn write_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Bytes of the varint at the start of `bytes`.
fn varint_len(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|&b| b < 0x80)
        .map_or(bytes.len(), |i| i + 1)
}

#[derive(Debug, Clone, Default)]
pub struct GramIndex {
    pub cases: usize,
    /// Sorted by text (code point order).
    pub grams: Vec<Gram>,
}

/// Past the last code point: marks "the segment ends here" in a context.
const END: u32 = 0x11_0000;
/// Fills the unused places of a packed 1- or 2-character gram.
const NONE: u64 = 0x1f_ffff;

/// A gram of up to three characters packed into one integer.
fn pack(chars: &[char]) -> u64 {
    let at = |i: usize| chars.get(i).map_or(NONE, |&c| c as u64);
    (at(0) << 42) | (at(1) << 21) | at(2)
}

fn unpack(key: u64) -> String {
    [key >> 42, (key >> 21) & NONE, key & NONE]
        .into_iter()
        .filter(|&c| c != NONE)
        .filter_map(|c| char::from_u32(c as u32))
        .collect()
}

/// Multiply-xorshift hashing of packed grams; the default SipHash costs more
/// than the rest of the scan. It only spreads a hash table's keys, and nothing
/// it makes is kept or published, so it is not `crate::hash`, whose FNV-1a
/// would take eight multiplications per gram where this takes one.
#[derive(Default)]
struct GramHasher(u64);

impl Hasher for GramHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

type GramMap<V> = HashMap<u64, V, BuildHasherDefault<GramHasher>>;

/// One gram's cases and contexts, once the scan is done.
#[derive(Default)]
struct Entry {
    postings: Postings,
    left: Kept,
    right: Kept,
}

/// A context shrunk to what every occurrence so far shares.
#[derive(Default, Clone, Copy)]
struct Kept {
    len: usize,
    chars: [u32; CONTEXT],
}

impl Kept {
    /// The context read from a segment: `element(j)` is `None` past the end
    /// marker.
    fn full(element: impl Fn(usize) -> Option<u32>) -> Kept {
        let mut kept = Kept::default();
        while kept.len < CONTEXT {
            match element(kept.len) {
                Some(c) => kept.chars[kept.len] = c,
                None => break,
            }
            kept.len += 1;
        }
        kept
    }

    fn keep_common(&mut self, element: impl Fn(usize) -> Option<u32>) {
        let mut j = 0;
        while j < self.len && element(j) == Some(self.chars[j]) {
            j += 1;
        }
        self.len = j;
    }

    fn as_slice(&self) -> &[u32] {
        &self.chars[..self.len]
    }
}

/// Context element `j` after position `end` (exclusive) of `chars`.
fn after(chars: &[char], end: usize, j: usize) -> Option<u32> {
    match chars.get(end + j) {
        Some(&c) => Some(c as u32),
        None => (end + j == chars.len()).then_some(END),
    }
}

/// Context element `j` before position `start`, nearest first.
fn before(chars: &[char], start: usize, j: usize) -> Option<u32> {
    if j < start {
        Some(chars[start - 1 - j] as u32)
    } else {
        (j == start).then_some(END)
    }
}

/// The grams seen while scanning. What every occurrence touches (the last
/// case seen and its fields so far, whether contexts are left to shrink) sits
/// in small arrays; a posting is pushed once per gram and case, to
/// [`Postings`] apart. A scan that pushed per occurrence into lists of
/// (case, fields) spent most of its time in cache misses.
struct Entries {
    last_case: Vec<u32>,
    last_fields: Vec<u8>,
    /// Both contexts are empty: nothing left to compare.
    settled: Vec<bool>,
    postings: Vec<Postings>,
    contexts: Vec<[Kept; 2]>,
    /// The slot of the gram without its last character, once looked up: a
    /// trigram's lookup then finds its bigram's and unigram's by index.
    prefix: Vec<u32>,
    single: Vec<u32>,
    map: GramMap<u32>,
}

const NO_ENTRY: u32 = u32::MAX;
const UNIGRAM_MASK: u64 = (NONE << 21) | NONE;

impl Entries {
    fn new() -> Self {
        Entries {
            last_case: Vec::new(),
            last_fields: Vec::new(),
            settled: Vec::new(),
            postings: Vec::new(),
            contexts: Vec::new(),
            prefix: Vec::new(),
            single: vec![NO_ENTRY; 0x1_0000],
            map: GramMap::default(),
        }
    }

    fn slot(&mut self, key: u64) -> usize {
        let c = (key >> 42) as usize;
        let next = self.postings.len() as u32;
        let slot = if key & UNIGRAM_MASK == UNIGRAM_MASK && c < 0x1_0000 {
            let slot = &mut self.single[c];
            if *slot == NO_ENTRY {
                *slot = next;
            }
            *slot
        } else {
            *self.map.entry(key).or_insert(next)
        };
        if slot == next {
            self.postings.push(Postings::default());
            self.contexts.push([Kept::default(); 2]);
            self.prefix.push(NO_ENTRY);
            self.last_case.push(u32::MAX);
            self.last_fields.push(0);
            self.settled.push(false);
        }
        slot as usize
    }

    /// The slot of `gram`'s prefix (all but its last character).
    fn prefix_of(&mut self, slot: usize, gram: &[char]) -> usize {
        if self.prefix[slot] == NO_ENTRY {
            let prefix = self.slot(pack(&gram[..gram.len() - 1]));
            self.prefix[slot] = prefix as u32;
        }
        self.prefix[slot] as usize
    }

    /// Records that `case` holds the gram in `slot`, in the field `flag`.
    fn add(&mut self, slot: usize, case: u32, flag: u8) {
        if self.last_case[slot] == case {
            self.last_fields[slot] |= flag;
            return;
        }
        self.flush(slot);
        self.last_case[slot] = case;
        self.last_fields[slot] = flag;
    }

    fn flush(&mut self, slot: usize) {
        if self.last_case[slot] != u32::MAX {
            self.postings[slot].push(self.last_case[slot], self.last_fields[slot]);
        }
    }

    fn into_grams(mut self) -> Vec<(u64, Entry)> {
        for slot in 0..self.postings.len() {
            self.flush(slot);
        }
        let keys: Vec<(u64, u32)> = self
            .single
            .iter()
            .enumerate()
            .filter(|(_, slot)| **slot != NO_ENTRY)
            .map(|(c, slot)| (((c as u64) << 42) | UNIGRAM_MASK, *slot))
            .chain(self.map)
            .collect();
        let mut postings = self.postings;
        keys.into_iter()
            .map(|(key, slot)| {
                let mut postings = std::mem::take(&mut postings[slot as usize]);
                postings.bytes.shrink_to_fit();
                let [left, right] = self.contexts[slot as usize];
                let entry = Entry {
                    postings,
                    left,
                    right,
                };
                (key, entry)
            })
            .collect()
    }
}

/// The grams of the cases `cases`, whose text `text_of` makes.
fn scan<'a>(
    cases: std::ops::Range<usize>,
    text_of: &(impl Fn(usize) -> Cow<'a, CaseText> + Sync),
) -> Vec<(u64, Entry)> {
    let mut grams = Entries::new();
    let mut chars: Vec<char> = Vec::new();
    for i in cases {
        let case = i as u32;
        let text = text_of(i);
        for (flag, field) in [
            (TITLE, &text.title),
            (SUMMARY, &text.summary),
            (REST, &text.rest),
        ] {
            for segment in segments(field) {
                chars.clear();
                chars.extend(segment.chars());
                for i in 0..chars.len() {
                    let len = 3.min(chars.len() - i);
                    let gram = &chars[i..i + len];
                    let slot = grams.slot(pack(gram));
                    let first_sight = grams.last_case[slot] == u32::MAX;
                    grams.add(slot, case, flag);
                    // The shorter grams at `i`, through their prefixes.
                    let mut shorter = slot;
                    for cut in (1..len).rev() {
                        shorter = grams.prefix_of(shorter, &gram[..cut + 1]);
                        grams.add(shorter, case, flag);
                    }
                    if len == 3 && !grams.settled[slot] {
                        let chars = &chars;
                        let [left, right] = &mut grams.contexts[slot];
                        if first_sight {
                            *left = Kept::full(|j| before(chars, i, j));
                            *right = Kept::full(|j| after(chars, i + 3, j));
                        } else {
                            left.keep_common(|j| before(chars, i, j));
                            right.keep_common(|j| after(chars, i + 3, j));
                        }
                        grams.settled[slot] = left.len == 0 && right.len == 0;
                    }
                }
            }
        }
    }
    grams.into_grams()
}

fn context(kept: &[u32]) -> Context {
    let closed = kept.last() == Some(&END);
    Context {
        text: kept
            .iter()
            .filter(|&&c| c != END)
            .filter_map(|&c| char::from_u32(c))
            .collect(),
        closed,
    }
}

/// Indexes `texts`; case `i` of the result is `texts[i]`.
pub fn build(texts: &[CaseText]) -> GramIndex {
    build_from(texts.len(), |i| Cow::Borrowed(&texts[i]))
}

/// Indexes `count` cases whose texts `text_of` makes as the scan reaches
/// them: the texts of all cases at once are most of the index's input
/// (45 MB at 10,000 cases), and none is needed once scanned.
pub fn build_from<'a>(
    count: usize,
    text_of: impl Fn(usize) -> Cow<'a, CaseText> + Sync,
) -> GramIndex {
    // One part per thread: each part holds its own copy of the common grams
    // until the merge, and two per thread took 10% more peak memory at
    // 10,000 cases for no measurable speed.
    let parts = rayon::current_num_threads().clamp(1, 8);
    let chunk = count.div_ceil(parts).max(256);
    let starts: Vec<usize> = (0..count).step_by(chunk).collect();
    let parts: Vec<Vec<(u64, Entry)>> = starts
        .into_par_iter()
        .map(|first| scan(first..(first + chunk).min(count), &text_of))
        .collect();
    let mut merged: GramMap<Entry> = GramMap::default();
    for part in parts {
        for (key, later) in part {
            match merged.get_mut(&key) {
                None => {
                    merged.insert(key, later);
                }
                Some(entry) => {
                    entry.postings.append(later.postings);
                    let (left, right) = (later.left, later.right);
                    entry.left.keep_common(|j| left.as_slice().get(j).copied());
                    entry
                        .right
                        .keep_common(|j| right.as_slice().get(j).copied());
                }
            }
        }
    }
    let mut grams: Vec<Gram> = merged
        .into_iter()
        .map(|(key, entry)| Gram {
            text: unpack(key),
            postings: entry.postings,
            left: context(entry.left.as_slice()),
            right: context(entry.right.as_slice()),
        })
        .collect();
    grams.par_sort_unstable_by(|a, b| a.text.cmp(&b.text));
    GramIndex {
        cases: count,
        grams,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(title: &str, summary: &str, rest: &str) -> CaseText {
        CaseText {
            title: title.into(),
            summary: summary.into(),
            rest: rest.into(),
        }
    }

    fn find<'a>(index: &'a GramIndex, text: &str) -> &'a Gram {
        index
            .grams
            .iter()
            .find(|g| g.text == text)
            .unwrap_or_else(|| panic!("no gram {text}"))
    }

    #[test]
    fn grams_record_cases_and_fields() {
        let index = build(&[
            text("子ども食堂", "", "子ども会"),
            text("", "子ども", ""),
            text("", "", "食堂"),
        ]);
        for (gram, cases, fields) in [
            ("子", vec![0, 1], vec![TITLE | REST, SUMMARY]),
            ("子ど", vec![0, 1], vec![TITLE | REST, SUMMARY]),
            ("ども食", vec![0], vec![TITLE]),
            ("食堂", vec![0, 2], vec![TITLE, REST]),
            ("も会", vec![0], vec![REST]),
        ] {
            let g = find(&index, gram);
            assert_eq!(
                (g.postings.cases(), g.postings.fields()),
                (cases, fields),
                "{gram}"
            );
        }
        assert!(index.grams.iter().all(|g| g.text.chars().count() <= 3));
        assert!(index.grams.windows(2).all(|w| w[0].text < w[1].text));
    }

    #[test]
    fn trigram_contexts_are_what_every_occurrence_shares() {
        let index = build(&[
            text("子ども食堂の会", "", "みんなの子ども食堂"),
            text("", "子ども会", "ボランティア ボランティア数"),
        ]);
        for (gram, left, left_closed, right, right_closed) in [
            // Both occurrences of ども食 sit in 子ども食堂.
            ("ども食", "子", false, "堂", false),
            ("子ども", "", false, "", false),
            // One ボラン starts its segment, the other too: closed on the left.
            ("ボラン", "", true, "ティア", false),
            ("ティア", "ンラボ", true, "", false),
            ("ンティ", "ラボ", true, "ア", false),
        ] {
            let g = find(&index, gram);
            assert_eq!(
                (
                    g.left.text.as_str(),
                    g.left.closed,
                    g.right.text.as_str(),
                    g.right.closed
                ),
                (left, left_closed, right, right_closed),
                "{gram}"
            );
        }
    }

    #[test]
    fn contexts_stop_at_whitespace_and_at_the_limit() {
        let long = "あ".repeat(CONTEXT + 5);
        let index = build(&[text(&format!("x{long}"), "abc def", "")]);
        let g = find(&index, "abc");
        assert_eq!((g.left.closed, g.right.closed), (true, true));
        let g = find(&index, "xああ");
        assert_eq!(g.right.text.chars().count(), CONTEXT);
        assert!(!g.right.closed);
    }

    #[test]
    fn postings_round_trip_and_append() {
        let cases = [0u32, 1, 2, 127, 128, 300, 16_384, 16_385, 2_000_000];
        let mut whole = Postings::default();
        let (mut front, mut back) = (Postings::default(), Postings::default());
        for (i, &case) in cases.iter().enumerate() {
            let fields = (i % 7 + 1) as u8;
            whole.push(case, fields);
            if i < 4 { &mut front } else { &mut back }.push(case, fields);
        }
        let expected: Vec<(u32, u8)> = cases
            .iter()
            .enumerate()
            .map(|(i, &c)| (c, (i % 7 + 1) as u8))
            .collect();
        assert_eq!(whole.iter().collect::<Vec<_>>(), expected);
        front.append(back);
        assert_eq!(front, whole);
        let mut empty = Postings::default();
        empty.append(whole.clone());
        assert_eq!(empty, whole);
        whole.append(Postings::default());
        assert_eq!(whole.len(), cases.len());
    }

    #[test]
    fn parts_merge_in_case_order() {
        let texts: Vec<CaseText> = (0..2000)
            .map(|i| text(if i % 3 == 0 { "防災" } else { "" }, "", "防災訓練"))
            .collect();
        let index = build(&texts);
        let g = find(&index, "防災");
        assert_eq!(g.postings.cases(), (0..2000).collect::<Vec<u32>>());
        assert_eq!(g.postings.fields()[..2], [TITLE | REST, REST]);
        assert_eq!(
            find(&index, "防災訓").right,
            Context {
                text: "練".into(),
                closed: true
            }
        );
    }
}
