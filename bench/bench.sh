#!/usr/bin/env bash
# Builds swiftloss in release and runs the end-to-end benchmark against numpy/pandas/polars + torch.
# Usage: bench/bench.sh [--repeat N] [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product swiftloss
if [ ! -x .venv-torch/bin/python ]; then
  python3 -m venv .venv-torch
  .venv-torch/bin/pip install 'torch==2.13.0+cpu' numpy pandas polars
fi
.venv-torch/bin/python -c 'import pandas, polars' 2>/dev/null || .venv-torch/bin/pip install pandas polars
exec .venv-torch/bin/python bench/bench.py "$@"
