#!/usr/bin/env python3
"""CTC benchmark: swiftloss's ctc_loss engine against torch.nn.functional.ctc_loss, forward + backward,
CPU float64, reduction='mean', on the same random case.

Run from the repository root through bench/ctc-bench.sh (which builds the release benchmark binary).
Case: T=500, N=32, C=80, S=100; log_probs = log_softmax of standard normals; target lengths uniform in
[50, 100], input lengths uniform in [400, 500], labels uniform in [1, C) (blank 0). Both sides are
timed in-process (no start-up, no file reading), alternating, two batches of --repeat runs each: the
median wall time, and the median process CPU time (less sensitive to other load on the machine).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, ".build", "release", "swiftloss-ctc-bench")


def make_case(T, N, C, S, seed):
    g = torch.Generator().manual_seed(seed)
    log_probs = torch.randn(T, N, C, generator=g, dtype=torch.float64).log_softmax(2)
    targets = torch.randint(1, C, (N, S), generator=g, dtype=torch.int64)
    input_lengths = torch.randint(400 * T // 500, T + 1, (N,), generator=g, dtype=torch.int64)
    target_lengths = torch.randint(S // 2, S + 1, (N,), generator=g, dtype=torch.int64)
    return log_probs, targets, input_lengths, target_lengths


def time_torch(case, repeats):
    log_probs, targets, input_lengths, target_lengths = case
    x = log_probs.detach().clone().requires_grad_()
    seconds, cpu = [], []
    for _ in range(repeats):
        x.grad = None
        cpu_start = time.process_time()
        start = time.perf_counter()
        loss = F.ctc_loss(x, targets, input_lengths, target_lengths, reduction="mean")
        loss.backward()
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    return seconds, cpu, loss.item(), x.grad


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per side (median reported; at least 5)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--T", type=int, default=500)
    parser.add_argument("--N", type=int, default=32)
    parser.add_argument("--C", type=int, default=80)
    parser.add_argument("--S", type=int, default=100)
    args = parser.parse_args()
    repeats = max(5, args.repeat)
    T, N, C, S = args.T, args.N, args.C, args.S
    case = make_case(T, N, C, S, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "ctc_case.f64")
        grad_path = os.path.join(tmp, "ctc_grad.f64")
        with open(path, "wb") as f:
            for tensor in case:
                f.write(tensor.to(torch.float64).contiguous().numpy().astype("<f8").tobytes())
        # Alternate the two sides so that both see the same machine load.
        swift_runs, torch_runs, swift_cpu, torch_cpu = [], [], [], []
        swift = None
        for _ in range(2):
            out = subprocess.run([BENCH, path, str(T), str(N), str(C), str(S), str(repeats), grad_path],
                                 check=True, capture_output=True, text=True)
            swift = json.loads(out.stdout)
            swift_runs += swift["seconds"]
            swift_cpu += swift["cpu_seconds"]
            seconds, cpu, torch_loss, torch_grad = time_torch(case, repeats)
            torch_runs += seconds
            torch_cpu += cpu
        swift_grad = torch.from_numpy(np.fromfile(grad_path, dtype="<f8")).reshape(T, N, C)
    swift_median = statistics.median(swift_runs)
    torch_median = statistics.median(torch_runs)
    print(f"ctc_loss forward+backward, T={T} N={N} C={C} S={S} float64 CPU, reduction='mean', "
          f"median of {len(swift_runs)} runs each")
    swift_cpu_median, torch_cpu_median = statistics.median(swift_cpu), statistics.median(torch_cpu)
    print(f"  swiftloss engine ({swift['threads']} threads): {swift_median * 1e3:8.2f} ms wall "
          f"({swift_cpu_median * 1e3:.2f} ms CPU)")
    print(f"  torch {torch.__version__} ({torch.get_num_threads()} threads): {torch_median * 1e3:8.2f} ms wall "
          f"({torch_cpu_median * 1e3:.2f} ms CPU)")
    print(f"  ratio torch / swiftloss: {torch_median / swift_median:.2f}x wall, "
          f"{torch_cpu_median / swift_cpu_median:.2f}x CPU time")
    same_loss = swift["loss"] == torch_loss
    differing = int((swift_grad.view(torch.int64) != torch_grad.view(torch.int64)).sum())
    largest = ((swift_grad - torch_grad).abs() / torch_grad.abs().clamp_min(1e-300)).max().item()
    print(f"  loss: swiftloss {swift['loss']!r}, torch {torch_loss!r} ({'identical' if same_loss else 'DIFFERENT'})")
    print(f"  gradient: {differing} of {torch_grad.numel()} elements differ from torch's bits "
          f"(largest relative difference {largest:.3g})")


if __name__ == "__main__":
    main()
