//! `time SITE_ROOT [RUNS]`: times the search stage (`casebook::search::files`)
//! on a site apart from the rest of the build, and measures the peak memory it
//! allocates with a counting allocator; prints JSON.
//!
//! `verify PUBLIC_SEARCH_DIR [QUERIES]`: reads a written index back with
//! `casebook::search::query` and compares it, query by query, with a brute
//! force scan of the same text: every substring of a sample of cases (1 to
//! 12 characters and whole segments), plus each with a character appended.

use casebook::diagnostics::Diagnostics;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// CPU seconds (user + system) this process has used, from /proc/self/stat.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of stat(5); 11 and 12 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("time") => time(args),
        Some("verify") => verify(args),
        _ => eprintln!(
            "usage: casebook-search-bench time SITE_ROOT [RUNS] | verify SEARCH_DIR [QUERIES]"
        ),
    }
}

fn verify(mut args: impl Iterator<Item = String>) {
    use casebook::normalize::{Variants, normalize, query_words, segments};
    use casebook::search::query::IndexReader;
    use std::collections::BTreeSet;
    let dir = std::path::PathBuf::from(args.next().expect("SEARCH_DIR"));
    let wanted: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let reader = IndexReader::open(&dir).expect("index");
    let cases = reader.manifest()["cases"].as_u64().unwrap_or(0) as u32;
    let groups: Vec<Vec<String>> =
        serde_json::from_value(reader.manifest()["variants"].clone()).unwrap_or_default();
    let variants = Variants::new(&groups);
    let fields: Vec<[String; 3]> = (0..cases)
        .map(|i| {
            reader
                .case_text(i)
                .expect("case text")
                .map(|f| normalize(&f))
        })
        .collect();
    // A fixed pseudo-random walk over the cases, so runs are comparable.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let mut queries: BTreeSet<String> = BTreeSet::new();
    while queries.len() < wanted {
        let field = &fields[next(fields.len())][next(3)];
        let segs: Vec<&str> = segments(field).collect();
        if segs.is_empty() {
            continue;
        }
        let chars: Vec<char> = segs[next(segs.len())].chars().collect();
        let len = match next(14) {
            0 => chars.len(),
            n => n.min(chars.len()),
        };
        let start = next(chars.len() - len + 1);
        let query: String = chars[start..start + len].iter().collect();
        if next(4) == 0 {
            queries.insert(format!("{query}{}", ['の', 'ア', '区', 'x'][next(4)]));
        }
        queries.insert(query);
    }
    let (mut misses, mut false_hits, mut checked) = (0usize, 0usize, 0usize);
    let start = Instant::now();
    for query in &queries {
        let found: BTreeSet<u32> = reader
            .search(query)
            .expect("search")
            .iter()
            .map(|h| h.case)
            .collect();
        let words = query_words(query);
        let truth: BTreeSet<u32> = (0..cases)
            .filter(|&c| {
                words.iter().all(|w| {
                    variants
                        .expand(w)
                        .iter()
                        .any(|form| fields[c as usize].iter().any(|f| f.contains(form.as_str())))
                })
            })
            .collect();
        let missed = truth.difference(&found).count();
        let extra = found.difference(&truth).count();
        if missed + extra > 0 && misses + false_hits < 20 {
            eprintln!("{query:?}: {missed} missed, {extra} false hits");
        }
        misses += missed;
        false_hits += extra;
        checked += 1;
    }
    println!(
        "{{\"queries\": {checked}, \"misses\": {misses}, \"false_hits\": {false_hits}, \"seconds\": {:.1}}}",
        start.elapsed().as_secs_f64()
    );
}

fn time(mut args: impl Iterator<Item = String>) {
    let root = std::path::PathBuf::from(args.next().expect("usage: time SITE_ROOT [RUNS]"));
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let mut diagnostics = Diagnostics::new();
    let config = casebook::config::load(&root, &mut diagnostics).expect("casebook.yaml");
    let content = casebook::content::load(
        &root,
        &config.language,
        casebook::content::LoadOptions {
            drafts: false,
            ..Default::default()
        },
        None,
        &mut diagnostics,
    );
    let site = casebook::model::build(config, content, &mut diagnostics);
    let bodies = casebook::bodies::render_bodies(&site, None, None, &mut diagnostics);
    let mut times = Vec::new();
    let mut cpu = Vec::new();
    let mut peak = 0;
    let mut files = 0;
    let mut bytes = 0;
    for _ in 0..runs {
        let base = CURRENT.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let start = Instant::now();
        let cpu_start = cpu_seconds();
        let out = casebook::search::files(&site, &bodies.cases);
        times.push(start.elapsed().as_secs_f64());
        cpu.push(cpu_seconds() - cpu_start);
        peak = PEAK.load(Ordering::Relaxed) - base;
        files = out.len();
        bytes = out
            .iter()
            .map(|f| f.bytes().map_or(0, |b| b.len()))
            .sum::<usize>();
    }
    times.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    println!(
        "{{\"cases\": {}, \"seconds_median\": {:.3}, \"seconds_all\": {:?}, \"cpu_seconds_median\": {:.2}, \"peak_bytes\": {}, \"files\": {}, \"bytes\": {}}}",
        site.cases.len(),
        times[times.len() / 2],
        times,
        cpu[cpu.len() / 2],
        peak,
        files,
        bytes
    );
}
