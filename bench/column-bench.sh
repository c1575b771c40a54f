#!/usr/bin/env bash
# Column selection against reading the whole file: a wide CSV written by pandas (10^5 rows of an
# index and 100 columns of standard normals, `df.to_csv()` with its index, ~190 MB), read whole and
# one column at a time (`PATH#name` / `PATH#N` in the CLI), on all cores and on one; and the same
# numbers without the index (`index=False`, the plain path) for the whole-file baseline.
#
# Usage: bench/column-bench.sh [ROWS] [COLS]   (default 100000 x 100)
# PYTHON=/path/to/python with pandas and numpy (default: python3).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-100000}
COLS=${2:-100}
PYTHON=${PYTHON:-python3}
DATA=bench/data
mkdir -p "$DATA"
INDEXED="$DATA/pandas-index-${ROWS}x${COLS}.csv"
PLAIN="$DATA/pandas-noindex-${ROWS}x${COLS}.csv"
if [[ ! -s "$INDEXED" || ! -s "$PLAIN" ]]; then
  echo "generating $INDEXED and $PLAIN ..."
  "$PYTHON" - "$INDEXED" "$PLAIN" "$ROWS" "$COLS" <<'PY'
import sys
import numpy as np
import pandas as pd
indexed, plain, rows, cols = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
frame = pd.DataFrame(np.random.default_rng(12345).normal(size=(rows, cols)), columns=[f"c{k}" for k in range(cols)])
frame.to_csv(indexed)
frame.to_csv(plain, index=False)
PY
fi
swift build -c release --product swiftloss-bench >/dev/null
BIN=$(swift build -c release --show-bin-path)/swiftloss-bench
ls -l "$INDEXED" "$PLAIN" | awk '{print $5, $9}'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$BIN" csv "$PLAIN"
"$BIN" csv "$INDEXED"
"$BIN" csv "$INDEXED" --column c0
"$BIN" csv "$INDEXED" --column "c$((COLS / 2))"
"$BIN" csv "$INDEXED" --column "#$((COLS + 1))"
"$BIN" csv "$PLAIN" --single
"$BIN" csv "$INDEXED" --single
"$BIN" csv "$INDEXED" --column "c$((COLS / 2))" --single
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
