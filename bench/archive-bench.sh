#!/usr/bin/env bash
# Archive reader benchmarks: writes 10^7 float64 standard normals (80 MB) as .npy (np.save),
# .npz stored (np.savez) and compressed (np.savez_compressed), .safetensors (safetensors.numpy)
# and .pt (torch.save, a bare tensor and a non-contiguous transposed view), builds release, and
# reports GB/s of float64 produced (median of 7 reads after one untimed read; warm page cache).
# For reference it prints what Python's own loaders and zlib's inflate take on this machine.
#
# Usage: bench/archive-bench.sh [PYTHON]   (a Python with numpy, torch and safetensors;
#        default .venv-torch215/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${1:-.venv-torch215/bin/python}
DATA=bench/data/archives
mkdir -p "$DATA"
"$PYTHON" bench/make_archive_bench.py "$DATA"
swift build -c release --product swiftloss-bench >/dev/null
BIN=$(swift build -c release --show-bin-path)/swiftloss-bench
"$BIN" archive "$DATA/normals.npy"
"$BIN" archive "$DATA/normals.safetensors" x
"$BIN" archive "$DATA/normals.pt"
"$BIN" archive "$DATA/transposed.pt"
"$BIN" archive "$DATA/stored.npz" x
"$BIN" archive "$DATA/compressed.npz" x
