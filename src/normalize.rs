//! The one definition of searchable text, shared with the JS client
//! (`themes/default/static/js/search-core.js`, same names, same steps). The
//! search index is written with it and `casebook.yaml`'s `search.variants`
//! are checked with it, so it reads no stage's data.
//!
//! 1. `normalize`: NFKC, lowercase, NFKC again (lowercasing can leave a
//!    string that is not NFKC, e.g. `İ`). Full-width ＮＰＯ becomes `npo`,
//!    half-width ｶﾞ becomes ガ, ㍻ becomes 平成.
//! 2. `segments`: split on Unicode `White_Space`; a query word never holds
//!    whitespace, so nothing is matched across it.
//! 3. `expand`: the forms of a query word under the variant table
//!    (空家 → 空家, 空き家), leftmost-longest, so either form finds both.
//!
//! The JS client uses the browser's `String.prototype.normalize`; the two agree
//! on every character both Unicode versions assign, by Unicode's normalization
//! stability policy. `tests/fixtures/search/vectors.json` checks both sides.

use unicode_normalization::UnicodeNormalization;

/// Orthographic variants common in municipal writing; the first form of each
/// group is how the site writes it. `search.variants` in casebook.yaml
/// replaces this list.
pub const DEFAULT_VARIANTS: &[&[&str]] = &[
    &["空き家", "空家"],
    &["空き店舗", "空店舗"],
    &["空き地", "空地"],
    &["子ども", "こども", "子供"],
    &["まちづくり", "街づくり", "町づくり"],
    &["障がい", "障害", "障碍"],
    &["取り組み", "取組み", "取組"],
    &["話し合い", "話合い"],
    &["申し込み", "申込み", "申込"],
    &["問い合わせ", "問合せ", "問い合せ"],
    &["一人暮らし", "ひとり暮らし", "独り暮らし"],
    &["コミュニティ", "コミュニティー"],
    &["ふれあい", "触れ合い", "ふれ合い"],
    &["つながり", "繋がり"],
    &["にぎわい", "賑わい"],
    &["いきいき", "生き生き", "イキイキ"],
];

/// At most this many forms of one query word are searched.
pub const MAX_FORMS: usize = 16;

/// NFKC, lowercase, NFKC.
pub fn normalize(text: &str) -> String {
    let once = nfkc(text);
    match lowercase(&once) {
        Some(lower) => nfkc(&lower),
        None => once,
    }
}

/// Characters NFKC leaves as they are and that never compose with the
/// character before them (NFKC_QC=Yes, combining class 0, never the second of
/// a composition pair): text can be cut before one and normalized piece by
/// piece. Kana, kanji, printable ASCII and line breaks, most of a
/// Japanese case.
fn stable(c: char) -> bool {
    matches!(c,
        ' '..='~'
            | '\t'
            | '\n'
            | '\r'
            | '\u{3001}'..='\u{3002}'
            | '\u{300c}'..='\u{300f}'
            | '\u{3041}'..='\u{3096}'
            | '\u{30a1}'..='\u{30fc}'
            | '\u{4e00}'..='\u{9fff}')
}

/// NFKC, copying runs of `stable` characters and normalizing only the rest,
/// each piece with the character before it (a base its marks compose with).
fn nfkc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut previous = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if stable(c) {
            previous = i;
            continue;
        }
        let start = if i > copied { previous.max(copied) } else { i };
        let mut end = text.len();
        while let Some(&(j, next)) = chars.peek() {
            if stable(next) {
                end = j;
                break;
            }
            chars.next();
        }
        out.push_str(&text[copied..start]);
        out.extend(text[start..end].nfkc());
        copied = end;
        previous = end;
    }
    out.push_str(&text[copied..]);
    out
}

/// `str::to_lowercase` (and JS `toLowerCase`), or `None` when nothing changes.
/// Kana and kanji have no case, so most Japanese text is skipped a character
/// at a time without a table lookup.
fn lowercase(text: &str) -> Option<String> {
    let uncased =
        |c: char| matches!(c, '\u{3000}'..='\u{9fff}') || (c.is_ascii() && !c.is_ascii_uppercase());
    let first = text.find(|c: char| !uncased(c) && c.to_lowercase().ne(std::iter::once(c)))?;
    // Σ lowercases by its position in a word; leave that to the standard library.
    if text[first..].contains('Σ') {
        return Some(text.to_lowercase());
    }
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        if uncased(c) {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
    }
    Some(out)
}

/// Unicode `White_Space` (the same list as `isSeparator` in the JS client).
pub fn is_separator(c: char) -> bool {
    matches!(
        c,
        '\u{9}'..='\u{d}'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// The whitespace-free runs of an already normalized text.
pub fn segments(normalized: &str) -> impl Iterator<Item = &str> {
    normalized.split(is_separator).filter(|s| !s.is_empty())
}

/// The words of a query, normalized, without repeats, in the order typed.
pub fn query_words(query: &str) -> Vec<String> {
    let normalized = normalize(query);
    let mut words: Vec<String> = Vec::new();
    for word in segments(&normalized) {
        if !words.iter().any(|w| w == word) {
            words.push(word.to_string());
        }
    }
    words
}

/// Variant groups, normalized, each with at least two distinct forms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Variants {
    pub groups: Vec<Vec<String>>,
}

impl Variants {
    /// Normalizes every form; a form normalized to whitespace-bearing text
    /// keeps its whitespace out (a query word never holds any).
    pub fn new<S: AsRef<str>>(groups: &[Vec<S>]) -> Variants {
        let mut out: Vec<Vec<String>> = Vec::new();
        for group in groups {
            let mut forms: Vec<String> = Vec::new();
            for form in group {
                let form: String = normalize(form.as_ref())
                    .chars()
                    .filter(|&c| !is_separator(c))
                    .collect();
                if !form.is_empty() && !forms.contains(&form) {
                    forms.push(form);
                }
            }
            if forms.len() >= 2 {
                out.push(forms);
            }
        }
        Variants { groups: out }
    }

    pub fn defaults() -> Variants {
        let groups: Vec<Vec<&str>> = DEFAULT_VARIANTS.iter().map(|g| g.to_vec()).collect();
        Variants::new(&groups)
    }

    /// The forms of `word` (normalized): each leftmost-longest variant in it
    /// replaced by every form of its group. `word` itself comes first.
    pub fn expand(&self, word: &str) -> Vec<String> {
        let chars: Vec<char> = word.chars().collect();
        // (start, length in chars, group) of each variant found.
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let mut best: Option<(usize, usize)> = None;
            for (g, group) in self.groups.iter().enumerate() {
                for form in group {
                    let len = form.chars().count();
                    let fits = i + len <= chars.len()
                        && form.chars().zip(&chars[i..]).all(|(a, &b)| a == b);
                    if fits && best.is_none_or(|(l, _)| len > l) {
                        best = Some((len, g));
                    }
                }
            }
            match best {
                Some((len, g)) => {
                    found.push((i, len, g));
                    i += len;
                }
                None => i += 1,
            }
        }
        let mut forms = vec![String::new()];
        let mut at = 0;
        for &(start, len, g) in &found {
            let before: String = chars[at..start].iter().collect();
            let own: String = chars[start..start + len].iter().collect();
            let mut alternatives = vec![own.clone()];
            if forms.len() * self.groups[g].len() <= MAX_FORMS {
                alternatives.extend(self.groups[g].iter().filter(|f| **f != own).cloned());
            }
            forms = forms
                .iter()
                .flat_map(|f| {
                    alternatives
                        .iter()
                        .map(|a| format!("{f}{before}{a}"))
                        .collect::<Vec<_>>()
                })
                .collect();
            at = start + len;
        }
        let rest: String = chars[at..].iter().collect();
        let mut unique: Vec<String> = Vec::new();
        for form in forms {
            let form = format!("{form}{rest}");
            if !unique.contains(&form) {
                unique.push(form);
            }
        }
        unique
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_width_case_and_composition() {
        for (input, expected) in [
            ("ＮＰＯ", "npo"),
            ("ＷＯＲＫＳＨＯＰ", "workshop"),
            ("ﾎﾞﾗﾝﾃｨｱ", "ボランティア"),
            ("か\u{3099}", "が"),
            ("㍻", "平成"),
            ("①", "1"),
            ("Straße", "straße"),
            ("İ", "i\u{307}"),
            ("空き家", "空き家"),
            ("👍🏽", "👍🏽"),
            ("\u{3000}", " "),
            ("ΟΔΟΣ Σ", "οδος σ"),
            ("Cafe\u{301}の（ＮＰＯ）", "caféの(npo)"),
            ("ｶﾞｷﾞ子ども", "ガギ子ども"),
            ("か\u{3099}か\u{3099}", "がが"),
            ("ＡＢＣ・ΣΑ", "abc・σα"),
        ] {
            assert_eq!(normalize(input), expected, "{input}");
        }
    }

    /// The piecewise NFKC equals NFKC of the whole, on strings mixing stable
    /// characters with marks, width variants, Hangul jamo and compatibility forms.
    #[test]
    fn piecewise_nfkc_equals_nfkc() {
        let pool: Vec<char> = "aEz 0\n、。「」あかはアカハー・子供空ﾞﾟ\u{3099}\u{309a}\u{301}\u{323}ｶﾊＡ１㍻①ﬁ가\u{1100}\u{1161}\u{11a8}é\u{fa19}\u{2126}"
            .chars()
            .collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let len = (seed % 9) as usize;
            let text: String = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    pool[(seed % pool.len() as u64) as usize]
                })
                .collect();
            let whole: String = text.nfkc().collect();
            assert_eq!(nfkc(&text), whole, "{text:?}");
            seed = seed.wrapping_add(1);
        }
    }

    /// What `stable` promises, for every character it names: NFKC keeps it,
    /// and it never joins the character before it.
    #[test]
    fn stable_characters_stay_and_stand_alone() {
        let before = "aアカ\u{3099}ﾊ가\u{1100}\u{1161}é\n".chars();
        let stable_chars = (0..=0x10_ffff_u32)
            .filter_map(char::from_u32)
            .filter(|&c| stable(c));
        for c in stable_chars {
            assert_eq!(c.to_string().nfkc().collect::<String>(), c.to_string());
            for b in before.clone() {
                let pair: String = [b, c].into_iter().nfkc().collect();
                let alone: String = b.to_string().nfkc().chain([c]).collect();
                assert_eq!(pair, alone, "{b:?} {c:?}");
            }
        }
    }

    #[test]
    fn query_words_split_on_any_whitespace() {
        for (query, words) in [
            ("子育て　防災", vec!["子育て", "防災"]),
            ("  ＮＰＯ\tＮＰＯ ", vec!["npo"]),
            ("", vec![]),
            ("a\u{a0}b", vec!["a", "b"]),
        ] {
            assert_eq!(query_words(query), words, "{query:?}");
        }
    }

    #[test]
    fn expand_replaces_leftmost_longest_variants() {
        let variants = Variants::defaults();
        for (word, forms) in [
            ("空家", vec!["空家", "空き家"]),
            ("空き家活用", vec!["空き家活用", "空家活用"]),
            ("子供食堂", vec!["子供食堂", "子ども食堂", "こども食堂"]),
            ("家", vec!["家"]),
            ("取組み", vec!["取組み", "取り組み", "取組"]),
            (
                "空家と子供",
                vec![
                    "空家と子供",
                    "空家と子ども",
                    "空家とこども",
                    "空き家と子供",
                    "空き家と子ども",
                    "空き家とこども",
                ],
            ),
            ("まちづくり", vec!["まちづくり", "街づくり", "町づくり"]),
        ] {
            assert_eq!(variants.expand(word), forms, "{word}");
        }
    }

    /// The vectors the JS client is tested on too (tests/browser/search.spec.mjs).
    #[test]
    fn shared_vectors_agree() {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../tests/fixtures/search/vectors.json"))
                .expect("vectors.json is JSON");
        let text = |v: &serde_json::Value| v.as_str().expect("a string").to_string();
        let list = |v: &serde_json::Value| -> Vec<String> {
            v.as_array().expect("a list").iter().map(text).collect()
        };
        for v in vectors["normalize"].as_array().expect("normalize vectors") {
            assert_eq!(
                normalize(&text(&v["input"])),
                text(&v["normalized"]),
                "{}",
                v["name"]
            );
        }
        for v in vectors["words"].as_array().expect("word vectors") {
            assert_eq!(
                query_words(&text(&v["query"])),
                list(&v["words"]),
                "{}",
                v["name"]
            );
        }
        let variants = Variants::defaults();
        for v in vectors["expand"].as_array().expect("expand vectors") {
            assert_eq!(
                variants.expand(&text(&v["word"])),
                list(&v["forms"]),
                "{}",
                v["word"]
            );
        }
    }

    #[test]
    fn variant_forms_are_normalized_and_deduplicated() {
        let variants = Variants::new(&[vec!["ＡＢＣ", "abc", "ａｂｃ"], vec!["x", "Ｙ", "y"]]);
        assert_eq!(variants.groups, [["x", "y"]]);
    }
}
