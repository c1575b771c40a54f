#!/usr/bin/env bash
# swiftloss batch against PyTorch in a Python loop doing the same requests.
#
# Usage: bench/batch/batch-bench.sh [N_MSE] [N_MIXED]     (defaults 200000 and 50000)
#   PYTHON=/path/to/python (with torch) overrides the interpreter.
# Writes the request files to bench/data/ (mse3.jsonl: 3-element mse with value, elementwise and
# both gradients; mixed.jsonl: every loss, small random tensors, random options, reductions, --show
# selections, dtypes and precisions), then times, each once after one untimed run:
#   swiftloss batch FILE > /dev/null        (wall time; CPU time = user + sys of all threads)
#   torch_loop.py FILE                      (parse, compute with backward, serialise, per request)
#   torch_loop.py FILE --compute-only       (torch's own work alone: the fairest case for torch)
set -euo pipefail
cd "$(dirname "$0")/../.."
N_MSE=${1:-200000}
N_MIXED=${2:-50000}
PYTHON=${PYTHON:-.venv-torch215/bin/python}
swift build -c release --product swiftloss
BIN=$(swift build -c release --show-bin-path)/swiftloss
mkdir -p bench/data
python3 bench/batch/make_requests.py mse3 "$N_MSE" > bench/data/mse3.jsonl
python3 bench/batch/make_requests.py mixed "$N_MIXED" > bench/data/mixed.jsonl
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for name in mse3 mixed; do
  file=bench/data/$name.jsonl
  n=$(wc -l < "$file")
  "$BIN" batch "$file" > /dev/null 2>&1 || true
  TIMEFORMAT='%R %U %S'
  read -r wall user sys < <({ time "$BIN" batch "$file" > /dev/null 2>/dev/null; } 2>&1)
  python3 -c "import sys; n,w,u,s=map(float,sys.argv[1:]); print(f'{sys.argv[0] if False else \"\"}swiftloss batch $name: {n:.0f} requests, {w:.2f} s wall = {n/w:,.0f}/s; CPU {u+s:.2f} s = {n/(u+s):,.0f}/s per core')" "$n" "$wall" "$user" "$sys"
  echo "torch loop $name (parse + compute + json.dumps): $("$PYTHON" bench/batch/torch_loop.py "$file")/s"
  echo "torch loop $name (compute only): $("$PYTHON" bench/batch/torch_loop.py "$file" --compute-only)/s"
done
