#!/usr/bin/env bash
# casebook's search against Pagefind on generated corpora, side by side.
#
#   bench/search/run.sh [N ...]        default: 1000 10000
#
# For each N: generate the corpus (bench/gen_corpus.py, plain
# flavour), build it with casebook (release), time the search stage alone
# (indexer/, median of 3, with its peak allocated memory), index a copy of the
# same built HTML with Pagefind 1.6 (its ward marked for filtering), compute
# the substring ground truth (truth.py), then measure both in headless
# Chromium (measure.mjs). Results: $BENCH_DIR/results-N.json and a Markdown
# table on stdout (report.mjs). BENCH_DIR defaults to /tmp/casebook-search-bench.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=${BENCH_DIR:-/tmp/casebook-search-bench}
gen=${GEN_CORPUS:-$repo/bench/gen_corpus.py}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}
casebook=$CARGO_TARGET_DIR/release/casebook
indexer=$CARGO_TARGET_DIR/release/casebook-search-bench
pagefind=$here/node_modules/@pagefind/linux-x64/bin/pagefind_extended
mkdir -p "$work"

echo "== building casebook and the indexer timer (release)" >&2
cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
cargo build --release --quiet --manifest-path "$here/indexer/Cargo.toml"
[ -d "$repo/node_modules/playwright-core" ] || (cd "$repo" && npm ci --no-audit --no-fund)
[ -x "$pagefind" ] || (cd "$here" && npm ci --no-audit --no-fund)

sizes() { # files and bytes under a folder
  printf '{"files": %s, "bytes": %s}' "$(find "$1" -type f | wc -l)" "$(find "$1" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')"
}

[ $# -gt 0 ] || set -- 1000 10000
for n in "$@"; do
  site=$work/site-$n
  echo "== N=$n: corpus" >&2
  python3 "$gen" --flavor plain --n "$n" --out "$site" --force >&2
  echo "== N=$n: casebook build" >&2
  /usr/bin/time -f '{"seconds": %e, "peak_kib": %M}' -o "$work/build-$n.json" \
    "$casebook" build --root "$site" --base-url "http://127.0.0.1/machizukuri/jirei/" >&2
  echo "== N=$n: search stage alone" >&2
  "$indexer" time "$site" 3 > "$work/stage-$n.json"
  # The index files, without the /search/ page itself.
  mkdir -p "$work/index-$n" && rm -rf "$work/index-$n"/* && cp -r "$site/public/search/." "$work/index-$n/" && rm -f "$work/index-$n/index.html"
  sizes "$work/index-$n" > "$work/disk-casebook-$n.json"

  echo "== N=$n: Pagefind" >&2
  rm -rf "$site/pf-public" && cp -al "$site/public" "$site/pf-public"
  python3 "$here/pagefind_filters.py" "$site/pf-public"
  /usr/bin/time -f '{"seconds": %e, "peak_kib": %M}' -o "$work/pagefind-$n.json" \
    "$pagefind" --site "$site/pf-public" >&2
  sizes "$site/pf-public/pagefind" > "$work/disk-pagefind-$n.json"

  echo "== N=$n: ground truth and browser measurements" >&2
  python3 "$here/truth.py" "$site" "$here/queries.json" "$site/public/search/manifest.bin" > "$work/truth-$n.json"
  node "$here/measure.mjs" "$site/public" "$site/pf-public" "$work/truth-$n.json" > "$work/browser-$n.json"
  node -e '
    const [work, n] = process.argv.slice(1);
    const read = (f) => JSON.parse(require("fs").readFileSync(`${work}/${f}-${n}.json`, "utf8"));
    const out = { n: Number(n), build: read("build"), stage: read("stage"), pagefind: read("pagefind"),
      disk: { casebook: read("disk-casebook"), pagefind: read("disk-pagefind") }, browser: read("browser") };
    require("fs").writeFileSync(`${work}/results-${n}.json`, JSON.stringify(out, null, 1));
  ' "$work" "$n"
done
node "$here/report.mjs" "$work"/results-*.json
