#!/usr/bin/env bash
# Build speed and memory: casebook against Hugo on the same generated cases.
#
#   bench/build.sh [N ...]        default: 1000 10000 100000
#
# For each N it generates the seeded corpus with ../shared/bench/gen_corpus.py
# (--flavor plain for casebook, --flavor hugo for the equivalent Hugo site),
# then, in one run, times both builds alternately with hyperfine (median), takes
# peak memory with /usr/bin/time -v, counts output files and bytes, and times
# the floor (read the input, write the same bytes, no processing).
# Needs: hyperfine, hugo (Debian packages), python3.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-1000 10000 100000}")
[ $# -eq 0 ] && sizes=(1000 10000 100000)
work=${BENCH_DIR:-/tmp/casebook-bench}
gen=${GEN_CORPUS:-../shared/bench/gen_corpus.py}
runs=${RUNS:-5}
mkdir -p "$work"

for tool in hyperfine hugo /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install hyperfine hugo time)"; exit 2; }
done
cargo build --release --quiet --bin casebook --example floor
target=${CARGO_TARGET_DIR:-$PWD/target}
casebook=$target/release/casebook
floor=$target/release/examples/floor

peak_mib() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk '/Maximum resident/ {printf "%d", $6/1024}'; }
files_and_mb() { echo "$(find "$1" -type f | wc -l) files, $(du -sm --apparent-size "$1" | cut -f1) MB"; }

printf '| N | casebook (median) | Hugo (median) | casebook/Hugo | casebook peak | Hugo peak | casebook output | Hugo output | floor |\n'
printf '|---:|---:|---:|---:|---:|---:|---|---|---:|\n'
for n in "${sizes[@]}"; do
  plain=$work/plain-$n hugo_site=$work/hugo-$n
  [ -f "$plain/casebook.yaml" ] || python3 "$gen" --flavor plain --n "$n" --out "$plain" >/dev/null
  [ -f "$hugo_site/hugo.yaml" ] || python3 "$gen" --flavor hugo --n "$n" --out "$hugo_site" >/dev/null
  json=$work/hyperfine-$n.json
  # Every run starts from an empty output folder, as a publishing job does
  # on a fresh checkout (and neither tool gains from files it wrote before).
  hyperfine --style none --warmup 1 --runs "$runs" --export-json "$json" \
    --prepare "rm -rf $work/out-casebook-$n $work/out-hugo-$n" \
    -n casebook "$casebook build --root $plain --output $work/out-casebook-$n" \
    -n hugo "hugo --quiet --source $hugo_site --destination $work/out-hugo-$n --cleanDestinationDir" >/dev/null
  read -r cb hg < <(python3 -c "import json,sys; r={x['command']:x['median'] for x in json.load(open('$json'))['results']}; print(r['casebook'], r['hugo'])")
  rm -rf "$work/out-casebook-$n" "$work/out-hugo-$n"
  cb_mem=$(peak_mib "$casebook" build --root "$plain" --output "$work/out-casebook-$n")
  hg_mem=$(peak_mib hugo --quiet --source "$hugo_site" --destination "$work/out-hugo-$n" --cleanDestinationDir)
  floor_s=$( { /usr/bin/time -f %e "$floor" "$plain" "$work/out-casebook-$n" "$work/floor-$n" 2>&1 >/dev/null; } | tail -1)
  printf '| %s | %.2f s | %.2f s | %.2f× | %s MiB | %s MiB | %s | %s | %s s |\n' \
    "$n" "$cb" "$hg" "$(python3 -c "print($cb/$hg)")" "$cb_mem" "$hg_mem" \
    "$(files_and_mb "$work/out-casebook-$n")" "$(files_and_mb "$work/out-hugo-$n")" "$floor_s"
done
