#!/usr/bin/env bash
# Reader benchmarks: generates a 10^7-number CSV (random normals, Python repr; ~190 MB) and the
# same numbers as a JSON array, builds release, and reports MB/s for single-threaded and parallel
# delimited parsing, JSON parsing, and the float parser's exactness against strtod.
#
# Usage: bench/parse-bench.sh [ROWS] [COLS]   (default 1000000 x 10)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
COLS=${2:-10}
DATA=bench/data
mkdir -p "$DATA"
CSV="$DATA/normals-${ROWS}x${COLS}.csv"
JSON="$DATA/normals-${ROWS}x${COLS}.json"
if [[ ! -s "$CSV" || ! -s "$JSON" ]]; then
  echo "generating $CSV and $JSON ..."
  python3 - "$CSV" "$JSON" "$ROWS" "$COLS" <<'PY'
import random, sys
csv_path, json_path, rows, cols = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(12345)
with open(csv_path, "w") as c, open(json_path, "w") as j:
    j.write("[")
    for r in range(rows):
        row = [repr(rng.gauss(0.0, 1.0)) for _ in range(cols)]
        c.write(",".join(row) + "\n")
        j.write(("," if r else "") + "[" + ", ".join(row) + "]")
    j.write("]\n")
PY
fi
swift build -c release --product swiftloss-bench >/dev/null
BIN=$(swift build -c release --show-bin-path)/swiftloss-bench
ls -l "$CSV" "$JSON" | awk '{print $5, $9}'
"$BIN" csv "$CSV" --single
"$BIN" csv "$CSV"
"$BIN" json "$JSON"
"$BIN" float 1000000
