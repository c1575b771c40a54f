#!/usr/bin/env bash
# Builds the release CTC benchmark binary and times swiftloss's ctc_loss engine against
# torch.nn.functional.ctc_loss (forward + backward, CPU float64) on the same random case.
# Usage: bench/ctc-bench.sh [--repeat N] [--T 500 --N 32 --C 80 --S 100] [--seed S]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product swiftloss-ctc-bench
PY=${PYTHON:-.venv-torch/bin/python}
[ -x "$PY" ] || PY=.venv-torch/bin/python
exec "$PY" bench/ctc_bench.py "$@"
