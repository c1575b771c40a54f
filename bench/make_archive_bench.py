"""Writes the archive benchmark files (see archive-bench.sh) and times Python's own loaders."""

import sys
import time
import zlib
from pathlib import Path

import numpy as np
import torch
from safetensors.numpy import load_file, save_file

out = Path(sys.argv[1])
n = 10**7
x = np.random.default_rng(14).standard_normal(n)
files = {
    "normals.npy": lambda p: np.save(p, x),
    "stored.npz": lambda p: np.savez(p, x=x),
    "compressed.npz": lambda p: np.savez_compressed(p, x=x),
    "normals.safetensors": lambda p: save_file({"x": x}, str(p)),
    "normals.pt": lambda p: torch.save(torch.from_numpy(x), p),
    "transposed.pt": lambda p: torch.save(torch.from_numpy(x).reshape(2000, 5000).t(), p),
}
for name, write in files.items():
    if not (out / name).exists():
        write(out / name)


def best(f, repeats=5):
    f()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


gb = n * 8 / 1e9
print(f"python reference, best of 5 (GB/s of float64 produced):")
print(f"  np.load .npy                 {gb / best(lambda: np.load(out / 'normals.npy')):6.2f}")
print(f"  np.load .npz compressed      {gb / best(lambda: np.load(out / 'compressed.npz')['x']):6.2f}")
print(f"  safetensors.numpy.load_file  {gb / best(lambda: load_file(str(out / 'normals.safetensors'))):6.2f}")
print(f"  torch.load .pt               {gb / best(lambda: torch.load(out / 'normals.pt')):6.2f}")
raw = x.tobytes()
compressed = zlib.compress(raw)
print(f"  zlib.decompress (level 6)    {gb / best(lambda: zlib.decompress(compressed)):6.2f}")
