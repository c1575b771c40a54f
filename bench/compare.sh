#!/usr/bin/env bash
# Task (a) of bench/bench.sh (mse of two 10^7-number CSVs, --show loss) for two swiftloss binaries,
# in alternating rounds, and the same through a pipe (`--target <(cat b.csv)`), with polars alone
# for the ratio. Medians of wall and CPU (user+sys) per variant.
#
# Usage: bench/compare.sh BEFORE_BINARY AFTER_BINARY [ROUNDS]   (default 11 rounds)
#   PYTHON=/path/to/python (with polars) for the polars column; bench/bench.sh makes the data.
set -euo pipefail
cd "$(dirname "$0")/.."
before=$1
after=$2
rounds=${3:-11}
a=bench/data/mse_a.csv
b=bench/data/mse_b.csv
[ -f "$a" ] && [ -f "$b" ] || { echo "no bench/data: run bench/bench.sh --tasks a first" >&2; exit 1; }
PYTHON=${PYTHON:-python3}
exec "$PYTHON" - "$before" "$after" "$rounds" "$a" "$b" <<'EOF'
import os, statistics, subprocess, sys, time
before, after, rounds, a, b = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]

def run(command, shell=False):
    start = time.perf_counter()
    process = subprocess.Popen(command, shell=shell, executable="/bin/bash" if shell else None,
                               stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {command}")
    # A shell's children (cat) are counted by the shell's own rusage of its children: close enough.
    return wall, usage.ru_utime + usage.ru_stime

variants = {
    "before, files": [before, "mse", "--input", a, "--target", b, "--show", "loss"],
    "after, files": [after, "mse", "--input", a, "--target", b, "--show", "loss"],
    "before, target from a pipe": f'"{before}" mse --input {a} --target <(cat {b}) --show loss',
    "after, target from a pipe": f'"{after}" mse --input {a} --target <(cat {b}) --show loss',
}
try:
    import polars  # noqa: F401
    variants["polars alone (read both)"] = [sys.executable, "-c",
        "import polars as pl, sys; [pl.read_csv(p, has_header=False).to_numpy() for p in sys.argv[1:]]", a, b]
except ImportError:
    pass
times = {name: [] for name in variants}
for name, command in variants.items():  # one untimed warm-up each
    run(command, shell=isinstance(command, str))
for _ in range(rounds):
    for name, command in variants.items():
        times[name].append(run(command, shell=isinstance(command, str)))
print(f"{rounds} alternating rounds; load average {os.getloadavg()[0]:.2f}")
print("| variant | wall (median) | CPU (median) |")
print("|---|---:|---:|")
for name, samples in times.items():
    print(f"| {name} | {statistics.median(w for w, _ in samples):.3f} s | {statistics.median(c for _, c in samples):.3f} s |")
EOF
