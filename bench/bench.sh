#!/usr/bin/env bash
# Builds swiftloss in release and runs the end-to-end benchmark against numpy/pandas/polars + torch,
# then the reader checks: CSV parsing MB/s (one thread and all cores) and the float parser's
# exactness against strtod on 10^6 strings.
#
# Usage: bench/bench.sh [--repeat N] [--python-repeat N] [--quick]
#   PYTHON=/path/to/python bench/bench.sh ...   uses that interpreter (with torch, numpy, pandas,
#   polars) instead of creating .venv-torch.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product swiftloss
swift build -c release --product swiftloss-bench
BIN=$(swift build -c release --show-bin-path)
PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
  if [ ! -x .venv-torch/bin/python ]; then
    python3 -m venv .venv-torch
    .venv-torch/bin/pip install 'torch==2.13.0+cpu' numpy pandas polars
  fi
  PYTHON=.venv-torch/bin/python
fi
"$PYTHON" -c 'import torch, numpy, pandas, polars' 2>/dev/null || "$PYTHON" -m pip install pandas polars
"$PYTHON" bench/bench.py "$@"
echo
echo "Readers (bench/data/mse_a.csv):"
"$BIN/swiftloss-bench" csv bench/data/mse_a.csv --single
"$BIN/swiftloss-bench" csv bench/data/mse_a.csv
"$BIN/swiftloss-bench" float 1000000
