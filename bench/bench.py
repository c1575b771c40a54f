#!/usr/bin/env python3
"""End-to-end benchmark: swiftloss against Python pipelines (numpy / pandas / polars + torch).

Run from the repository root:  bench/bench.sh  (builds release, installs the Python side into
.venv-torch if needed -- or uses $PYTHON -- then runs this).  Every timing is a whole process, as a
user in a shell pipeline sees it (start-up, import, read, compute, write), median of --repeat runs
after one untimed run, warm cache.  Wall time depends on what else runs on the machine; CPU time
(user + sys of the process and its threads) much less, so both are reported, with the peak RSS.

Tasks:
  (a) mse on two 10^7-number CSVs, loss only
  (b) (a) with elementwise and gradients written as JSON to a file
  (c) cross_entropy on a 10^5 x 100 logits CSV with index targets, gradients to JSON
  (d) a 3-number inline case (start-up), run 100 times
plus "polars alone": polars reading the two CSVs of (a) and numpy's mean, without torch.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "bench", "data")
SWIFTLOSS = os.path.join(ROOT, ".build", "release", "swiftloss")
PY = sys.executable


def generate(rows, cols, seed):
    import numpy as np
    os.makedirs(DATA, exist_ok=True)
    paths = {}
    rng = np.random.default_rng(seed)
    for name in ("a", "b"):
        path = os.path.join(DATA, f"mse_{name}.csv")
        paths[name] = path
        if not os.path.exists(path):
            x = rng.standard_normal((rows, cols))
            with open(path, "w") as f:
                for row in x:
                    f.write(",".join(repr(float(v)) for v in row))
                    f.write("\n")
    logits = os.path.join(DATA, "ce_logits.csv")
    labels = os.path.join(DATA, "ce_targets.csv")
    if not os.path.exists(logits):
        x = rng.standard_normal((100_000, 100)) * 3
        with open(logits, "w") as f:
            for row in x:
                f.write(",".join(repr(float(v)) for v in row))
                f.write("\n")
        y = rng.integers(0, 100, 100_000)
        with open(labels, "w") as f:
            f.write("\n".join(str(int(v)) for v in y))
            f.write("\n")
    paths["logits"], paths["labels"] = logits, labels
    return paths


PYTHON_READERS = {
    "numpy.loadtxt": "import numpy as np\ndef read(p):\n    return np.loadtxt(p, delimiter=',', ndmin=1)\n",
    "pandas.read_csv": "import pandas as pd\ndef read(p):\n    return pd.read_csv(p, header=None, engine='c').to_numpy()\n",
    "polars.read_csv": "import polars as pl\ndef read(p):\n    return pl.read_csv(p, has_header=False).to_numpy()\n",
}

WRITE_JSON = """
import json, math
def enc(v):
    return v if math.isfinite(v) else ("NaN" if v != v else ("Infinity" if v > 0 else "-Infinity"))
def tensor(t):
    return {"shape": list(t.shape), "data": t.tolist()}
"""


def python_script(reader, task, paths, out):
    if task == "alone":
        # The reader by itself, no torch: read both files, mean squared difference in numpy.
        body = PYTHON_READERS[reader] + (f"x = read({paths['a']!r}); y = read({paths['b']!r})\n"
                                         "print(repr(float(((x - y) ** 2).mean())))\n")
        return [PY, "-c", body]
    # polars hands out read-only arrays; torch.from_numpy warns about that on every run.
    body = (PYTHON_READERS[reader] + "import warnings\nwarnings.filterwarnings('ignore', 'The given NumPy array is not writable')\n"
            "import torch\nimport torch.nn.functional as F\n" + WRITE_JSON)
    if task == "a":
        body += (f"x = torch.from_numpy(read({paths['a']!r})); y = torch.from_numpy(read({paths['b']!r}))\n"
                 "print(repr(F.mse_loss(x, y).item()))\n")
    elif task == "b":
        body += (f"x = torch.from_numpy(read({paths['a']!r})).requires_grad_(); "
                 f"y = torch.from_numpy(read({paths['b']!r})).requires_grad_()\n"
                 "loss = F.mse_loss(x, y); loss.backward()\n"
                 "none = F.mse_loss(x.detach(), y.detach(), reduction='none')\n"
                 f"with open({out!r}, 'w') as f:\n"
                 "    json.dump({'loss': 'mse_loss', 'value': loss.item(), 'elementwise': tensor(none),"
                 " 'gradients': {'input': tensor(x.grad), 'target': tensor(y.grad)}}, f)\n")
    elif task == "c":
        body += (f"x = torch.from_numpy(read({paths['logits']!r})).requires_grad_(); "
                 f"y = torch.from_numpy(read({paths['labels']!r})).reshape(-1).long()\n"
                 "loss = F.cross_entropy(x, y); loss.backward()\n"
                 "none = F.cross_entropy(x.detach(), y, reduction='none')\n"
                 f"with open({out!r}, 'w') as f:\n"
                 "    json.dump({'loss': 'cross_entropy', 'value': loss.item(), 'elementwise': tensor(none),"
                 " 'gradients': {'input': tensor(x.grad)}}, f)\n")
    return [PY, "-c", body]


def swift_command(task, paths, out):
    if task == "a":
        return [SWIFTLOSS, "mse", "--input", paths["a"], "--target", paths["b"], "--show", "loss"]
    if task == "b":
        return [SWIFTLOSS, "mse", "--input", paths["a"], "--target", paths["b"], "--format", "json"], out
    if task == "c":
        return [SWIFTLOSS, "ce", "--input", paths["logits"], "--target", paths["labels"], "--format", "json"], out
    if task == "d":
        return [SWIFTLOSS, "mse", "--input", "[1, 2, 3]", "--target", "[1.5, 2, 2]", "--show", "loss"]


def run_once(command, stdout_path=None):
    """Runs a process; returns (wall seconds, CPU seconds user+sys, peak RSS in MB)."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    finally:
        if stdout_path:
            out.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)[:200]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def timed(command, repeat, stdout_path=None, loops=1):
    """Median over `repeat` of (wall, CPU) per call, each the mean over `loops` calls; max RSS.
    With more than one repeat, one untimed run first: the first run after a build or another
    tool's run is often slower on a VM (caches, CPU boost), for every tool alike."""
    if repeat > 1:
        run_once(command, stdout_path)
    walls, cpus, rss = [], [], 0.0
    for _ in range(repeat):
        wall = cpu = 0.0
        for _ in range(loops):
            w, c, r = run_once(command, stdout_path)
            wall, cpu, rss = wall + w, cpu + c, max(rss, r)
        walls.append(wall / loops)
        cpus.append(cpu / loops)
    return statistics.median(walls), statistics.median(cpus), rss


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cols", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="skip the slow numpy.loadtxt runs")
    parser.add_argument("--tasks", default="abcd", help="which tasks to run, e.g. 'ad' (default abcd)")
    parser.add_argument("--python-repeat", type=int, default=1,
                        help="repeats for the slow Python runs of tasks b and c (default 1)")
    args = parser.parse_args()
    paths = generate(args.rows, args.cols, seed=7)
    size_a = os.path.getsize(paths["a"]) + os.path.getsize(paths["b"])
    size_c = os.path.getsize(paths["logits"]) + os.path.getsize(paths["labels"])
    out = os.path.join(DATA, "out.json")
    rows = []
    load_before = f"{os.getloadavg()[0]:.2f}"

    def add(task, tool, timing, megabytes):
        wall, cpu, rss = timing
        rows.append((task, tool, wall, cpu, rss, megabytes / wall if megabytes else None))
        print(f"{task:4} {tool:36} {wall:8.3f} s wall {cpu:8.3f} s CPU {rss:7.0f} MB", flush=True)

    readers = [r for r in PYTHON_READERS if not (args.quick and r == "numpy.loadtxt")]
    for task, size in (("a", size_a), ("b", size_a), ("c", size_c)):
        if task not in args.tasks:
            continue
        cmd = swift_command(task, paths, out)
        if isinstance(cmd, tuple):
            add(task, "swiftloss", timed(cmd[0], args.repeat, cmd[1]), size / 1e6)
        else:
            add(task, "swiftloss", timed(cmd, args.repeat), size / 1e6)
        for reader in readers:
            repeat = args.repeat if task == "a" else max(1, min(args.repeat, args.python_repeat))
            add(task, f"{reader} + torch", timed(python_script(reader, task, paths, out), repeat), size / 1e6)
        if task == "a":
            add("a", "polars.read_csv alone (no torch)",
                timed(python_script("polars.read_csv", "alone", paths, out), args.repeat), size / 1e6)
    if "d" in args.tasks:
        add("d", "swiftloss (per call, 100 calls)", timed(swift_command("d", paths, out), args.repeat, loops=100), 0)
        add("d", "python -c 'import torch' (per call)", timed([PY, "-c", "import torch"], args.repeat), 0)

    print()
    print(f"Machine: {machine()}; load average before the run: {load_before}, after: {os.getloadavg()[0]:.2f}")
    print()
    print("| task | tool | wall (median) | CPU user+sys | peak RSS | MB/s (wall) | swiftloss speed-up: wall | CPU |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    ours = {task: (wall, cpu) for task, tool, wall, cpu, _, _ in rows if tool.startswith("swiftloss")}
    for task, tool, wall, cpu, rss, rate in rows:
        rate_text = f"{rate:.0f}" if rate else "–"
        print(f"| {task} | {tool} | {seconds_text(wall)} | {seconds_text(cpu)} | {rss:.0f} MB | {rate_text} | "
              f"{wall / ours[task][0]:.1f}× | {cpu / ours[task][1]:.1f}× |")


def seconds_text(seconds):
    return f"{seconds * 1000:.2f} ms" if seconds < 0.1 else f"{seconds:.3f} s"


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} × {model}"


if __name__ == "__main__":
    main()
