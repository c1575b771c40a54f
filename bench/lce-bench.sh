#!/usr/bin/env bash
# Builds the release linear_cross_entropy benchmark binary and times swiftloss's engine against
# torch.nn.functional.linear_cross_entropy (value + backward for input, linear_weight and
# linear_bias, CPU float64) on the same random case.
# Usage: bench/lce-bench.sh [--repeat N] [--N 512 --IN 512 --C 8192] [--seed S]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product swiftloss-lce-bench
PY=${PYTHON:-.venv-torch/bin/python}
[ -x "$PY" ] || PY=.venv-torch215/bin/python
exec "$PY" bench/lce_bench.py "$@"
