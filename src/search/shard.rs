//! Shard: the gram index, the cases' facet values and their text → the files
//! under `search/`, cut so that one query downloads only what it needs.
//!
//! | file | holds | the client fetches it |
//! |---|---|---|
//! | `manifest.bin` | JSON: file boundaries, facet values, variants, version | once |
//! | `facets.bin` | per case: district, fiscal year, status; per scheme and theme: its cases | to filter and count |
//! | `g/N.bin` | the grams whose first two characters fall in file N's range | per query word |
//! | `d/N.bin` | per case of a block (JSON): path, title, summary, district, year, status | for the results shown |
//! | `t/N.bin` | per case of a block (JSON): the rest of its text | for excerpts, and to verify |
//!
//! Every file is gzip (the client inflates it with `DecompressionStream`);
//! none is named `.gz`, so no server adds a `Content-Encoding` of its own.
//!
//! A gram file is a run of entries: the gram (varint byte length, UTF-8), the
//! byte length of the rest of the entry (so a reader skips to the gram it
//! wants and decodes only that), its case set, then the ranks within that set of the cases holding it in their
//! title and in their summary; a trigram's case set is written as ranks within
//! its two-character prefix's set (written just before it, in the same file),
//! and two contexts follow it (varint `bytes * 2 + closed`, UTF-8).
//! A set is a tag byte, its kind in the low three bits: 0 empty, 1 every
//! member of the universe, 2 the members Rice-coded, 3 the non-members
//! Rice-coded, 4 a bitmap (least significant bit first). Rice coding (the
//! parameter `b` in the tag's high bits): the count, then per member the gap
//! from the previous one (the first member itself, then difference − 1) as
//! `gap >> b` in unary (ones, then a zero) and `b` low bits, least significant
//! bit first, padded to a byte. It takes about `2 + log2(mean gap)` bits a
//! member, half of what a varint list takes for the mid-sized sets of
//! common grams.

use super::index::{Context, Gram, GramIndex, SUMMARY, TITLE};
use rayon::prelude::*;
use std::io::Write as _;

pub const SET_EMPTY: u8 = 0;
pub const SET_FULL: u8 = 1;
pub const SET_RICE: u8 = 2;
pub const SET_RICE_COMPLEMENT: u8 = 3;
pub const SET_BITMAP: u8 = 4;

pub fn write_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn varint_len(n: u64) -> usize {
    (64 - (n | 1).leading_zeros() as usize).div_ceil(7)
}

/// The gaps of an ascending list: the first member, then each difference − 1.
fn gaps(members: impl Iterator<Item = u32>) -> impl Iterator<Item = u32> {
    let mut previous = None::<u32>;
    members.map(move |m| {
        let gap = previous.map_or(m, |p| m - p - 1);
        previous = Some(m);
        gap
    })
}

/// Bits written least significant first.
struct BitWriter<'a> {
    out: &'a mut Vec<u8>,
    /// Bits not yet written out, the next at bit 0; fewer than 8 between calls.
    pending: u64,
    used: u32,
}

impl BitWriter<'_> {
    /// The `count` (at most 32) low bits of `value`.
    fn bits(&mut self, value: u32, count: u32) {
        debug_assert!(count <= 32);
        let low = (value as u64) & ((1u64 << count) - 1);
        self.pending |= low << self.used;
        self.used += count;
        while self.used >= 8 {
            self.out.push(self.pending as u8);
            self.pending >>= 8;
            self.used -= 8;
        }
    }

    /// `count` one bits, then a zero: a number in unary.
    fn unary(&mut self, mut count: u32) {
        while count >= 32 {
            self.bits(u32::MAX, 32);
            count -= 32;
        }
        self.bits((1 << count) - 1, count + 1);
    }

    fn finish(self) {
        if self.used > 0 {
            self.out.push(self.pending as u8);
        }
    }
}

/// Bits of the gaps Rice-coded with parameter `b`: the quotient `gap >> b`
/// in unary (ones, then a zero), then the `b` low bits.
fn rice_bits(gaps: &[u32], b: u32) -> u64 {
    gaps.iter().map(|&g| (g >> b) as u64 + 1 + b as u64).sum()
}

/// The Rice parameter with the fewest bits for these gaps, and that count.
fn best_rice(gaps: &[u32]) -> (u32, u64) {
    let total: u64 = gaps.iter().map(|&g| g as u64).sum();
    let mean = (total / (gaps.len() as u64).max(1)).max(1);
    let guess = 63 - mean.leading_zeros();
    (guess.saturating_sub(1)..=(guess + 1).min(24))
        .map(|b| (b, rice_bits(gaps, b)))
        .min_by_key(|&(_, bits)| bits)
        .unwrap_or((0, rice_bits(gaps, 0)))
}

fn write_rice(out: &mut Vec<u8>, kind: u8, b: u32, gaps: &[u32]) {
    out.push(kind | (b as u8) << 3);
    write_varint(out, gaps.len() as u64);
    let mut bits = BitWriter {
        out,
        pending: 0,
        used: 0,
    };
    for &g in gaps {
        bits.unary(g >> b);
        bits.bits(g, b);
    }
    bits.finish();
}

/// Writes a sorted subset of `0..universe` in its smallest form: a tag byte
/// (kind in the low 3 bits, the Rice parameter above), then the data.
pub fn write_set(out: &mut Vec<u8>, members: &[u32], universe: u32) {
    if members.is_empty() {
        out.push(SET_EMPTY);
        return;
    }
    if members.len() == universe as usize {
        out.push(SET_FULL);
        return;
    }
    let header = |count: usize| 1 + varint_len(count as u64);
    let member_gaps: Vec<u32> = gaps(members.iter().copied()).collect();
    let (b, bits) = best_rice(&member_gaps);
    let rice = header(members.len()) + bits.div_ceil(8) as usize;
    let missing = universe as usize - members.len();
    // Only a set of more than half the universe can have a shorter complement.
    let non_members: Vec<u32> = if missing < members.len() {
        let mut next = members.iter().copied().peekable();
        let non = (0..universe).filter(|&i| {
            if next.peek() == Some(&i) {
                next.next();
                false
            } else {
                true
            }
        });
        gaps(non).collect()
    } else {
        Vec::new()
    };
    let (b_not, complement) = if missing < members.len() {
        let (b, bits) = best_rice(&non_members);
        (b, header(missing) + bits.div_ceil(8) as usize)
    } else {
        (0, usize::MAX)
    };
    let bitmap = 1 + (universe as usize).div_ceil(8);
    if rice <= complement && rice <= bitmap {
        write_rice(out, SET_RICE, b, &member_gaps);
    } else if complement <= bitmap {
        write_rice(out, SET_RICE_COMPLEMENT, b_not, &non_members);
    } else {
        out.push(SET_BITMAP);
        let start = out.len();
        out.resize(start + bitmap - 1, 0);
        for &m in members {
            out[start + (m as usize >> 3)] |= 1 << (m & 7);
        }
    }
}

fn write_text(out: &mut Vec<u8>, text: &str) {
    write_varint(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

fn write_context(out: &mut Vec<u8>, context: &Context) {
    write_varint(out, (context.text.len() as u64) * 2 + context.closed as u64);
    out.extend_from_slice(context.text.as_bytes());
}

/// The ranks of `subset` within `set` (both ascending; `subset ⊆ set`).
/// Each member is found by galloping from the last one found: a trigram's
/// cases are often a few among its bigram's thousands, and a plain walk made
/// this a tenth of the search stage.
fn ranks(subset: &[u32], set: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(subset.len());
    let mut j = 0;
    for &m in subset {
        let mut step = 1;
        while j + step < set.len() && set[j + step] <= m {
            j += step;
            step *= 2;
        }
        let end = (j + step + 1).min(set.len());
        j += set[j..end].partition_point(|&c| c < m);
        out.push(j as u32);
    }
    out
}

/// The key that places a gram in a file: its first two characters.
pub fn file_key(gram: &str) -> &str {
    match gram.char_indices().nth(2) {
        Some((end, _)) => &gram[..end],
        None => gram,
    }
}

/// `prefix`: a trigram's bigram's cases, which its own are ranks within.
fn encode_gram(entry: &mut Vec<u8>, gram: &Gram, prefix: Option<&[u32]>, cases: u32) {
    write_text(entry, &gram.text);
    // The rest goes behind its length, so a reader can skip to the gram it wants.
    let mut body = Vec::new();
    let out = &mut body;
    let own = gram.postings.cases();
    match prefix {
        Some(prefix) => write_set(out, &ranks(&own, prefix), prefix.len() as u32),
        None => write_set(out, &own, cases),
    }
    let fields = gram.postings.fields();
    for flag in [TITLE, SUMMARY] {
        let within: Vec<u32> = (0..own.len() as u32)
            .filter(|&i| fields[i as usize] & flag != 0)
            .collect();
        write_set(out, &within, own.len() as u32);
    }
    if prefix.is_some() {
        write_context(out, &gram.left);
        write_context(out, &gram.right);
    }
    write_varint(entry, body.len() as u64);
    entry.extend(body);
}

/// The gram files, uncompressed, each with its first key. A file holds whole
/// keys and grows past `target` bytes only when one key alone does.
pub fn gram_files(index: &GramIndex, target: usize) -> Vec<(String, Vec<u8>)> {
    // The grams of one key are contiguous (sorted by text); each key's group
    // is encoded on its own, in parallel, then groups are packed in order.
    let mut starts = Vec::new();
    for (i, gram) in index.grams.iter().enumerate() {
        if i == 0 || file_key(&index.grams[i - 1].text) != file_key(&gram.text) {
            starts.push(i);
        }
    }
    starts.push(index.grams.len());
    let groups: Vec<(&str, Vec<u8>)> = starts
        .par_windows(2)
        .map(|range| {
            let grams = &index.grams[range[0]..range[1]];
            let key = file_key(&grams[0].text);
            let bigram = grams
                .iter()
                .find(|g| g.text == key)
                .map(|g| g.postings.cases());
            let mut group = Vec::new();
            for gram in grams {
                let prefix = bigram.as_deref().filter(|_| gram.text.chars().count() == 3);
                encode_gram(&mut group, gram, prefix, index.cases as u32);
            }
            (key, group)
        })
        .collect();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (key, group) in groups {
        match files.last_mut() {
            Some((_, bytes)) if bytes.len() + group.len() <= target => bytes.extend(group),
            _ => files.push((key.to_string(), group)),
        }
    }
    files
}

/// Gzip with a fixed header, so two builds write the same bytes.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    gzip_at(bytes, 6)
}

/// Gram files: rice-coded case sets, which deflate hardly shrinks. Level 2
/// leaves them within 0.3% of level 6's size (10,000 cases: 4.70 MB against
/// 4.69 MB, from 5.4 MB) at a fraction of the time; level 1 (fixed Huffman
/// codes only) made them 5% larger.
pub fn gzip_grams(bytes: &[u8]) -> Vec<u8> {
    gzip_at(bytes, 2)
}

fn gzip_at(bytes: &[u8], level: u32) -> Vec<u8> {
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::new(level));
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_take_seven_bits_a_byte() {
        for (n, bytes) in [
            (0u64, vec![0u8]),
            (127, vec![127]),
            (128, vec![0x80, 1]),
            (300, vec![0xac, 2]),
        ] {
            let mut out = Vec::new();
            write_varint(&mut out, n);
            assert_eq!(out, bytes, "{n}");
            assert_eq!(varint_len(n), bytes.len(), "{n}");
        }
    }

    #[test]
    fn sets_take_their_smallest_form() {
        for (members, universe, expected) in [
            (vec![], 10, vec![SET_EMPTY]),
            (vec![0, 1, 2], 3, vec![SET_FULL]),
            // Gaps 3, 1, 4 with b = 1, least significant bit first:
            // 10·1 | 0·1 | 110·0 → 0b0111_0101, then 0.
            (
                vec![3, 5, 10],
                1000,
                vec![SET_RICE | 1 << 3, 3, 0b0111_0101, 0],
            ),
            // The one non-member, 7, with b = 2: 10·11 → 0b1101.
            (
                (0..999).filter(|&i| i != 7).collect(),
                999,
                vec![SET_RICE_COMPLEMENT | 2 << 3, 1, 0b1101],
            ),
            (
                (0..16).filter(|i| i % 2 == 0).collect(),
                16,
                vec![SET_BITMAP, 0x55, 0x55],
            ),
        ] {
            let mut out = Vec::new();
            write_set(&mut out, &members, universe);
            assert_eq!(out, expected, "{members:?}");
        }
    }

    #[test]
    fn ranks_are_positions_within_the_set() {
        let set: Vec<u32> = (0..1000).map(|i| i * 3 + 1).collect();
        for subset in [
            vec![],
            vec![1],
            vec![2998],
            vec![1, 4, 7],
            vec![1, 2998],
            (0..1000).map(|i| i * 3 + 1).collect(),
            (0..1000).step_by(37).map(|i| i * 3 + 1).collect(),
            vec![301, 304, 2500, 2503, 2998],
        ] {
            let expected: Vec<u32> = subset
                .iter()
                .map(|m| set.iter().position(|c| c == m).unwrap() as u32)
                .collect();
            assert_eq!(ranks(&subset, &set), expected, "{subset:?}");
        }
    }

    #[test]
    fn file_keys_are_the_first_two_characters() {
        for (gram, key) in [
            ("子", "子"),
            ("子ど", "子ど"),
            ("子ども", "子ど"),
            ("npo", "np"),
        ] {
            assert_eq!(file_key(gram), key);
        }
    }

    #[test]
    fn gzip_is_deterministic() {
        assert_eq!(gzip(b"abc"), gzip(b"abc"));
        assert_eq!(&gzip(b"abc")[..4], &[0x1f, 0x8b, 8, 0]);
    }
}
