#!/usr/bin/env bash
# Build speed and memory: casebook against Hugo on the same generated cases.
#
#   bench/build.sh [N ...]        default: 1000 10000 100000
#   RUNS=5 bench/build.sh 10000   runs per tool (default 3)
#
# For each N it generates the seeded corpus with bench/gen_corpus.py
# (--flavor plain for casebook, --flavor hugo for the equivalent Hugo site),
# then runs `casebook build`, `hugo` and the floor (read the input, write the
# same files with the same sizes, no processing) in turn, RUNS times, each
# timed with /usr/bin/time (wall time and peak memory), and prints the median
# wall time of each, the casebook/Hugo ratio from the same run, the median
# peak memory, the output's size and file count, and CPU time.
#
# Every run writes into a new, empty folder, as a publishing job on a fresh
# checkout does, and nothing is deleted while runs are timed: on a file system
# without a journal (this machine's ext4), creating files within minutes of
# deleting many others makes the kernel skip the recently freed inodes one by
# one, which tripled some runs. The folders are deleted once a size is done,
# and the next size waits SETTLE seconds (default 65) before it starts.
# Disk needed at 100,000 cases with RUNS=3: about 24 GB under BENCH_DIR.
#
# Needs: hugo, time (Debian packages), python3.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ $# -eq 0 ] && sizes=(1000 10000 100000)
work=${BENCH_DIR:-/tmp/casebook-bench}
gen=${GEN_CORPUS:-bench/gen_corpus.py}
runs=${RUNS:-3}
settle=${SETTLE:-65}
mkdir -p "$work"

for tool in hugo /usr/bin/time python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install hugo time python3)"; exit 2; }
done
cargo build --release --quiet --bin casebook --example floor
target=${CARGO_TARGET_DIR:-$PWD/target}
casebook=$target/release/casebook
floor=$target/release/examples/floor

# Appends "wall_s peak_kib user_s sys_s" of one run to $log. The files of
# the run before are flushed to disk first, so no run pays for another's.
timed() {
  local log=$1
  shift
  sync
  /usr/bin/time -o "$log.one" -f '%e %M %U %S' "$@" >/dev/null 2>"$log.err" ||
    { cat "$log.err" >&2; exit 1; }
  cat "$log.one" >>"$log"
}
files_and_mb() { echo "$(find "$1" -type f | wc -l) $(du -sm --apparent-size "$1" | cut -f1)"; }

printf '| N | casebook (median) | Hugo (median) | casebook/Hugo | casebook peak | Hugo peak | casebook output | Hugo output | floor (median) | casebook/floor | casebook CPU (user+sys) | Hugo CPU |\n'
printf '|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|\n'
for n in "${sizes[@]}"; do
  plain=$work/plain-$n hugo_site=$work/hugo-$n
  [ -f "$plain/casebook.yaml" ] || python3 "$gen" --flavor plain --n "$n" --out "$plain" >/dev/null
  [ -f "$hugo_site/hugo.yaml" ] || python3 "$gen" --flavor hugo --n "$n" --out "$hugo_site" >/dev/null
  # Both tools read their input from memory, as they do on a second build.
  find "$plain/content" "$hugo_site/content" "$hugo_site/layouts" -type f -exec cat {} + >/dev/null
  runs_dir=$work/runs-$n
  rm -rf "$runs_dir"
  mkdir -p "$runs_dir"
  sync
  sleep "$settle"
  for r in $(seq "$runs"); do
    timed "$runs_dir/casebook.log" "$casebook" build --root "$plain" --output "$runs_dir/casebook-$r"
    timed "$runs_dir/hugo.log" hugo --quiet --source "$hugo_site" --destination "$runs_dir/hugo-$r"
    timed "$runs_dir/floor.log" "$floor" "$plain" "$runs_dir/casebook-1" "$runs_dir/floor-$r"
  done
  python3 - "$n" "$runs_dir" "$(files_and_mb "$runs_dir/casebook-1")" "$(files_and_mb "$runs_dir/hugo-1")" <<'EOF'
import statistics, sys
n, runs, cb_out, hg_out = sys.argv[1:]
def output(counts):
    files, mb = map(int, counts.split())
    return f"{files:,} files, {mb:,} MB"
cb_out, hg_out = output(cb_out), output(hg_out)
def read(tool):
    rows = [list(map(float, line.split())) for line in open(f"{runs}/{tool}.log")]
    return {
        "wall": statistics.median(r[0] for r in rows),
        "peak": statistics.median(r[1] for r in rows) / 1024,
        "peaks": ", ".join(f"{r[1] / 1024:.0f}" for r in rows),
        "cpu": statistics.median(r[2] + r[3] for r in rows),
        "all": ", ".join(f"{r[0]:.2f}" for r in rows),
    }
cb, hg, fl = read("casebook"), read("hugo"), read("floor")
# /usr/bin/time counts wall time in hundredths: a tiny corpus can take "0.00 s".
def ratio(a, b, digits):
    return f"{a / b:.{digits}f}×" if b > 0 else "– (under 0.01 s)"
print(f"| {int(n):,} | {cb['wall']:.2f} s | {hg['wall']:.2f} s | {ratio(cb['wall'], hg['wall'], 2)} "
      f"| {cb['peak']:,.0f} MiB | {hg['peak']:,.0f} MiB | {cb_out} | {hg_out} "
      f"| {fl['wall']:.2f} s | {ratio(cb['wall'], fl['wall'], 1)} | {cb['cpu']:.1f} s | {hg['cpu']:.1f} s |", flush=True)
print(f"  {int(n):,} runs, wall s: casebook {cb['all']}; hugo {hg['all']}; floor {fl['all']}", file=sys.stderr)
print(f"  {int(n):,} runs, peak MiB: casebook {cb['peaks']}; hugo {hg['peaks']}", file=sys.stderr)
EOF
  rm -rf "$runs_dir"
done
