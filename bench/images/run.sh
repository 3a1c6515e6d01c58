#!/usr/bin/env bash
# Image bytes of case pages before and after responsive images, and the build
# time images add, cold and with the cache.
#
#   bench/images/run.sh
#
# Two sites, each built with the release binary:
#   sample  the repository's own sample site as it is (its two images are
#           small placeholder gradients);
#   photos  the sample site plus one case holding real photographs and PNG
#           artwork from Debian's mate-backgrounds package (fetched with
#           `apt-get download` when missing; set PHOTOS_DIR to use another
#           folder of JPEG and PNG files).
# For each site: the build's `images` stage with an empty cache (cold) and
# with the cache of the build before (warm), median of RUNS (default 3); then
# bytes.py reads every case page's images and reports what a browser downloads
# before (the original files) and after (the candidate it picks from srcset,
# WebP first when offered) on a 375px phone at 3x and a 1280px desktop at 1x.
# Needs: python3, /usr/bin/time, and apt-get for the photos.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${BENCH_DIR:-/tmp/casebook-bench-images}
runs=${RUNS:-3}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release --quiet --bin casebook
casebook=$CARGO_TARGET_DIR/release/casebook
rm -rf "$work" && mkdir -p "$work"

photos=${PHOTOS_DIR:-}
if [ -z "$photos" ]; then
  photos=$work/mate/usr/share/backgrounds/mate
  (cd "$work" && apt-get download mate-backgrounds >/dev/null 2>&1 && dpkg -x mate-backgrounds_*.deb mate)
fi

# The sample site, and the sample site with a case of photographs.
copy_site() {
  mkdir -p "$1"
  cp -r casebook.yaml content "$1/"
  [ -d themes ] && cp -r themes "$1/"
}
copy_site "$work/sample"
copy_site "$work/photos"
bundle=$work/photos/content/cases/bench-photos
mkdir -p "$bundle"
images=""
for file in "$photos"/nature/*.jpg "$photos"/abstract/Spring.png "$photos"/abstract/Waves.png; do
  [ -f "$file" ] || continue
  name=$(basename "$file" | tr 'A-Z' 'a-z')
  cp "$file" "$bundle/$name"
  images+="  - { src: $name, alt: $name }"$'\n'
done
cat > "$bundle/index.md" <<CASE
---
title: 写真の多い事例
summary: 画像のベンチマーク用
district: 横浜市南区
published: 2020-04-01
status: completed
images:
$images---
本文
CASE

stage_ms() { "$casebook" build --root "$1" --timings 2>&1 | awk '$1 == "images" {print $2}'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for site in sample photos; do
  root=$work/$site
  # A site that does not build would time nothing: say why and stop.
  "$casebook" check --root "$root" >/dev/null 2>&1 || { "$casebook" check --root "$root"; exit 1; }
  cold=$(for _ in $(seq "$runs"); do rm -rf "$root/.casebook-cache"; stage_ms "$root"; done | median)
  warm=$(for _ in $(seq "$runs"); do stage_ms "$root"; done | median)
  # CPU time is steadier than wall time on a shared machine.
  rm -rf "$root/.casebook-cache"
  cold_cpu=$( { /usr/bin/time -f "%U %S" "$casebook" build --root "$root" 2>&1 >/dev/null; } | tail -1 | awk '{print $1 + $2}')
  warm_cpu=$( { /usr/bin/time -f "%U %S" "$casebook" build --root "$root" 2>&1 >/dev/null; } | tail -1 | awk '{print $1 + $2}')
  total=$(du -sb "$root/.casebook-cache" | cut -f1)
  count=$(ls "$root"/content/cases/*/ 2>/dev/null | grep -ciE '\.(jpe?g|png)$' || true)
  echo "== $site: $count source images"
  echo "images stage: cold ${cold} ms, warm ${warm} ms (median of $runs); cache $((total / 1024)) KiB"
  echo "whole build, CPU seconds (user + sys): cold ${cold_cpu}, warm ${warm_cpu}; load average $(cut -d' ' -f1 /proc/loadavg)"
  python3 bench/images/bytes.py "$root"
done
