#!/usr/bin/env python3
"""linear_cross_entropy benchmark: swiftloss's engine against torch.nn.functional.linear_cross_entropy,
value + backward (gradients of input, linear_weight and linear_bias), CPU float64, reduction='mean',
on the same random case.

Run from the repository root through bench/lce-bench.sh (which builds the release benchmark binary).
Case: N=512, in_features=512, C=8192; input and bias standard normal, linear_weight normal with
std 1/sqrt(in_features), targets uniform in [0, C). Both sides are timed in-process (no start-up, no
file reading), alternating, two batches of --repeat runs each: the median wall time and the median
process CPU time. swiftloss also reports its three matrix products alone (where the time goes).
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, ".build", "release", "swiftloss-lce-bench")


def make_case(N, IN, C, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(N, IN, generator=g, dtype=torch.float64)
    w = torch.randn(C, IN, generator=g, dtype=torch.float64) / IN ** 0.5
    b = torch.randn(C, generator=g, dtype=torch.float64)
    y = torch.randint(0, C, (N,), generator=g, dtype=torch.int64)
    return x, w, b, y


def time_torch(case, repeats):
    x0, w0, b0, y = case
    x, w, b = (t.detach().clone().requires_grad_() for t in (x0, w0, b0))
    seconds, cpu = [], []
    for _ in range(repeats):
        x.grad = w.grad = b.grad = None
        cpu_start = time.process_time()
        start = time.perf_counter()
        loss = F.linear_cross_entropy(x, w, y, linear_bias=b, reduction="mean")
        loss.backward()
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    # The three products alone, as the reference path runs them.
    products, products_cpu = [], []
    g = torch.randn(x0.shape[0], w0.shape[0], dtype=torch.float64)
    for _ in range(repeats):
        cpu_start = time.process_time()
        start = time.perf_counter()
        torch.mm(x0, w0.t()); torch.mm(g, w0); torch.mm(g.t(), x0)
        products.append(time.perf_counter() - start)
        products_cpu.append(time.process_time() - cpu_start)
    return seconds, cpu, loss.item(), (x.grad, w.grad, b.grad), statistics.median(products), statistics.median(products_cpu)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per side and batch (median reported; at least 3)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--N", type=int, default=512)
    parser.add_argument("--IN", type=int, default=512)
    parser.add_argument("--C", type=int, default=8192)
    args = parser.parse_args()
    repeats = max(3, args.repeat)
    N, IN, C = args.N, args.IN, args.C
    case = make_case(N, IN, C, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "lce_case.f64")
        grad_path = os.path.join(tmp, "lce_grad.f64")
        with open(path, "wb") as f:
            for tensor in case:
                f.write(tensor.to(torch.float64).contiguous().numpy().astype("<f8").tobytes())
        # Alternate the two sides so that both see the same machine load.
        swift_runs, torch_runs, swift_cpu, torch_cpu = [], [], [], []
        swift_products, swift_products_cpu, torch_products, torch_products_cpu = [], [], [], []
        swift = None
        for _ in range(2):
            out = subprocess.run([BENCH, path, str(N), str(IN), str(C), str(repeats), grad_path],
                                 check=True, capture_output=True, text=True)
            swift = json.loads(out.stdout)
            swift_runs += swift["seconds"]
            swift_cpu += swift["cpu_seconds"]
            swift_products.append(swift["products_seconds"])
            swift_products_cpu.append(swift["products_cpu_seconds"])
            seconds, cpu, torch_loss, torch_grads, p, pc = time_torch(case, repeats)
            torch_runs += seconds
            torch_cpu += cpu
            torch_products.append(p)
            torch_products_cpu.append(pc)
        flat = torch.from_numpy(np.fromfile(grad_path, dtype="<f8"))
        sizes = [N * IN, C * IN, C]
        swift_grads = torch.split(flat, sizes)
    sm, tm = statistics.median(swift_runs), statistics.median(torch_runs)
    sc, tc = statistics.median(swift_cpu), statistics.median(torch_cpu)
    print(f"linear_cross_entropy value + 3 gradients, N={N} in_features={IN} C={C} float64 CPU, "
          f"reduction='mean', median of {len(swift_runs)} runs each")
    print(f"  swiftloss engine ({swift['threads']} threads): {sm * 1e3:8.1f} ms wall ({sc * 1e3:.1f} ms CPU); "
          f"its 3 matrix products alone {min(swift_products) * 1e3:.1f} ms wall ({min(swift_products_cpu) * 1e3:.1f} ms CPU)")
    print(f"  torch {torch.__version__} ({torch.get_num_threads()} threads): {tm * 1e3:8.1f} ms wall ({tc * 1e3:.1f} ms CPU); "
          f"its 3 products (MKL) alone {min(torch_products) * 1e3:.1f} ms wall ({min(torch_products_cpu) * 1e3:.1f} ms CPU)")
    print(f"  swiftloss / torch: {sm / tm:.2f}x wall, {sc / tc:.2f}x CPU time")
    print(f"  loss: swiftloss {swift['loss']!r}, torch {torch_loss!r} (relative difference "
          f"{abs(swift['loss'] - torch_loss) / abs(torch_loss):.3g})")
    for name, s, t in zip(("input", "linear_weight", "linear_bias"), swift_grads, torch_grads):
        t = t.reshape(-1)
        largest = ((s - t).abs().max() / t.abs().max()).item()
        print(f"  grad {name}: largest difference {largest:.3g} of the largest element")


if __name__ == "__main__":
    main()
