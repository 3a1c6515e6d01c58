#!/usr/bin/env bash
# Import speed: `casebook import` on a generated 10,000-row workbook.
#
#   bench/import.sh [ROWS]        default: 10000
#   RUNS=20 bench/import.sh       runs per command (default 10)
#
# Generates a workbook with examples/import_workbook.rs (--rows: made-up
# cases, every tenth in two rows; dates as date cells, 和暦 and R2.4.1 text;
# amounts in 万円; years as H30, 令和元年度, R2) and a site with the scheme
# and ward they name, then times with hyperfine:
#   1. `casebook import --dry-run` (read, map, parse, group, check; no writes)
#   2. a real import into a site without cases: each run gets a fresh copy
#      of the site (made outside the timing, reached through a symlink), and
#      nothing is deleted until the end. Deleting a run's 9,000 files before
#      the next one made ext4 skip the freed inodes one by one and spend
#      seconds of system time creating the next run's (see build.sh).
# Target: under 2 s for 10,000 rows. Needs Debian's hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000}
runs=${RUNS:-10}
command -v hyperfine >/dev/null || { echo "missing hyperfine (apt-get install hyperfine)"; exit 2; }
cargo build --release --quiet --bin casebook
target=${CARGO_TARGET_DIR:-$PWD/target}
casebook=$target/release/casebook

work=$(mktemp -d "${TMPDIR:-/tmp}/casebook-import-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
site=$work/site
mkdir -p "$site/content/funding" "$site/content/districts"
cp examples/import/site/casebook.yaml "$site/"
cp examples/import/site/content/funding/machi-fushin.md "$site/content/funding/"
cp examples/import/site/content/districts/minami.md "$site/content/districts/"
cp examples/import/map.yaml "$work/map.yaml"
cargo run --release --quiet --example import_workbook -- --rows "$rows" "$work/book.xlsx"
echo "workbook: $rows rows, $(du -h "$work/book.xlsx" | cut -f1)"

hyperfine --runs "$runs" --warmup 1 --export-json "$work/dry-run.json" \
  --command-name "import --dry-run ($rows rows)" \
  "$casebook import $work/book.xlsx --map $work/map.yaml --root $site --dry-run"
fresh="run=\$(mktemp -d $work/run.XXXXXX) && cp -r $site/. \$run/ && ln -sfn \$run $work/current"
hyperfine --runs "$runs" --warmup 1 --export-json "$work/import.json" \
  --prepare "$fresh" \
  --command-name "import ($rows rows)" \
  "$casebook import $work/book.xlsx --map $work/map.yaml --root $work/current"

python3 - "$work/dry-run.json" "$work/import.json" <<'EOF'
import json, sys
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        cpu = r["user"] + r["system"]
        print(f"{r['command']}: median {r['median']:.3f} s wall; mean CPU {cpu:.3f} s (user+system)")
EOF
echo "cases written: $(ls "$work/current/content/cases" | wc -l)"
