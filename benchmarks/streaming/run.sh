#!/usr/bin/env bash
# The streaming benchmark of BENCHMARKS.md: 100,000 small PNGs, trained in memory and streamed
# from disk with the same heap; reports decode/index rates, training samples/s and peak RSS.
# Usage: benchmarks/streaming/run.sh [folder] [heap]   (default /tmp/png100k, 1g)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
dir="${1:-/tmp/png100k}"
heap="${2:-1g}"
[ -d "$dir" ] || python3 benchmarks/streaming/make_folder.py "$dir" 100000 32
mvn -q -B package -DskipTests
for mode in memory streamed; do
  budget=$([ "$mode" = memory ] && echo 1024 || echo 64)
  log="/tmp/streaming-$mode.log"
  /usr/bin/time -v java "-Xmx$heap" -jar target/bottleneck.jar train --device cpu --data "$dir" --model convae \
      --epochs 1 --no-progress --out "/tmp/streaming-$mode" --memory-budget "$budget" > "$log" 2>&1
  echo "== $mode (--memory-budget $budget MiB, -Xmx$heap)"
  grep -E "^(decoding|indexing) images|^epoch|^test|Maximum resident|Elapsed" "$log"
done
