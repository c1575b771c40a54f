#!/usr/bin/env python3
"""Writes pytorch/dtype/<family>.json: the cases of cases_<family>.py run by PyTorch in float32,
bfloat16 and float16 on the CPU, for `--dtype`.

For every case that make_fixtures.py records without an error, and every dtype whose CPU kernels
take it, the floating tensors are converted with `tensor.to(dtype)` (int64 class indices stay),
the loss runs in that dtype for each reduction, and PyTorch's value, reduction='none' tensor and
gradients are recorded (as the shortest float32 decimal of each number, which is exact for all
three dtypes). The inputs are not repeated: tests take them from pytorch/<family>.json by name.

Beside PyTorch's numbers, each result records `stray`: per output, the largest distance in ulps of
the dtype between PyTorch's low-precision kernel and the correctly rounded value, i.e. float64
arithmetic (PyTorch's own, on the same rounded inputs) rounded once to the dtype. That is where
PyTorch's kernel itself is off (float32 accumulation, the CTC recursion, overflow inside the
kernel); swiftloss --dtype gives the correctly rounded value, so tests allow it that far from
PyTorch and no further.

Usage (from the repository root, with PyTorch 2.15):
    .venv-torch215/bin/python Tests/SwiftLossTests/Fixtures/make_dtype_fixtures.py [family ...]
"""
import glob
import importlib
import json
import math
import os
import sys
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import torch  # noqa: E402

import fixturelib  # noqa: E402,F401  (sets the float64 default the cases are written for)

DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
BITS = {"float32": (24, -126, 127), "bfloat16": (8, -126, 127), "float16": (11, -14, 15)}


def round_direct(x, dtype):
    """x rounded once, to nearest even, from float64 to the dtype (numpy does it directly for
    float32 and float16; bfloat16 by the same arithmetic as swiftloss's LowPrecision)."""
    if dtype == "float32":
        return float(np.float32(x))
    if dtype == "float16":
        return float(np.float16(x))
    if not math.isfinite(x) or x == 0:
        return x
    bits, emin, emax = BITS[dtype]
    if abs(x) >= 2.0 ** (emax + 1):
        return math.copysign(math.inf, x)
    e = max(math.frexp(x)[1] - 1, emin)
    quantum = 2.0 ** (e + 1 - bits)
    magic = quantum * 1.5 * 2.0 ** 52
    r = (x + magic) - magic
    largest = 2.0 ** emax * (2 - 2.0 ** (1 - bits))
    if abs(r) > largest:
        return math.copysign(math.inf, x)
    return math.copysign(r, x)


def ulp(x, dtype):
    bits, emin, _ = BITS[dtype]
    m = abs(x)
    if not math.isfinite(m):
        return math.inf
    e = emin if m == 0 else max(math.frexp(m)[1] - 1, emin)
    return 2.0 ** (e - (bits - 1))


def ulps(a, b, dtype):
    if math.isnan(a) or math.isnan(b):
        return 0.0 if math.isnan(a) and math.isnan(b) else math.inf
    if math.isinf(a) or math.isinf(b):
        return 0.0 if a == b else math.inf
    return abs(a - b) / ulp(b, dtype)


def encode(x):
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return float(str(np.float32(x)))


def flat(t):
    return [float(v) for v in t.detach().double().reshape(-1).tolist()]


def encode_tensor(t):
    return {"shape": list(t.shape), "data": [encode(v) for v in flat(t)]}


def stray(low, reference, dtype):
    """In ulps of the dtype at PyTorch's value, the unit the tests measure swiftloss in."""
    worst = 0.0
    for a, b in zip(flat(low), reference):
        worst = max(worst, ulps(round_direct(b, dtype), a, dtype))
    return "Infinity" if math.isinf(worst) else worst


def evaluate(case, tensors, reduction):
    leaves = {}
    for k, v in tensors.items():
        x = v.detach().clone()
        if k in case.grads and x.is_floating_point():
            x.requires_grad_(True)
        leaves[k] = x
    out = case.call(leaves, reduction)
    if isinstance(out, dict):  # a module's result (adaptive_log_softmax): its loss
        out = out["loss"]
    grads = {}
    wanted = [k for k in case.grads if leaves[k].requires_grad]
    if wanted:
        total = out.sum() if out.dim() > 0 else out
        got = torch.autograd.grad(total, [leaves[k] for k in wanted], allow_unused=True)
        for k, g in zip(wanted, got):
            grads[k] = g if g is not None else torch.zeros_like(leaves[k])
    return out, grads


def run(case, name):
    dtype = DTYPES[name]
    low = {k: (v.to(dtype) if v.is_floating_point() else v) for k, v in case.tensors.items()}
    for k, v in case.tensors.items():
        if v.is_floating_point():
            # tensor.to() rounds as torch.tensor(list, dtype=) does (through float32).
            torch.testing.assert_close(low[k].reshape(-1), torch.tensor(v.reshape(-1).tolist(), dtype=dtype),
                                       rtol=0, atol=0, equal_nan=True)
    rounded = {k: (v.double() if v.is_floating_point() else v) for k, v in low.items()}
    results = {}
    # A module's result (adaptive_log_softmax: a dict, no reduction) has its one value only.
    module_result = isinstance(case.call({k: v.detach().clone() for k, v in low.items()}, case.reductions[0]), dict)
    extra = ("none",) if not module_result and "none" not in case.reductions else ()
    for reduction in case.reductions + extra:
        value, grads = evaluate(case, low, reduction)
        if value.dtype != dtype or any(g.dtype != dtype for g in grads.values()):
            raise TypeError(f"computed in {value.dtype}, not {dtype}")
        ref_value, ref_grads = evaluate(case, rounded, reduction)
        entry = {"value": encode_tensor(value), "gradients": {k: encode_tensor(g) for k, g in grads.items()},
                 "stray": {"value": stray(value, flat(ref_value), name)}}
        for k, g in grads.items():
            entry["stray"]["grad:" + k] = stray(g, flat(ref_grads[k]), name)
        results[reduction] = entry
    return results


def main(argv):
    families = argv or sorted(
        os.path.basename(p)[len("cases_"):-3] for p in glob.glob(os.path.join(HERE, "cases_*.py")))
    os.makedirs(os.path.join(HERE, "pytorch", "dtype"), exist_ok=True)
    warnings.simplefilter("ignore")
    for family in families:
        module = importlib.import_module(f"cases_{family}")
        records, skipped = [], {}
        for case in module.cases():
            if case.error:
                continue
            for name in DTYPES:
                try:
                    results = run(case, name)
                except Exception as exc:  # noqa: BLE001 - a kernel PyTorch has not for this dtype
                    reason = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
                    skipped.setdefault(name, {}).setdefault(reason, []).append(case.name)
                    continue
                records.append({"name": case.name, "loss": case.loss, "dtype": name, "results": results})
        doc = {"generator": "make_dtype_fixtures.py", "torch": torch.__version__, "family": family,
               "skipped": skipped, "cases": records}
        path = os.path.join(HERE, "pytorch", "dtype", f"{family}.json")
        with open(path, "w") as f:
            json.dump(doc, f, indent=None, separators=(",", ":"), allow_nan=False)
            f.write("\n")
        print(f"{path}: {len(records)} case runs; skipped {sum(len(v) for r in skipped.values() for v in r.values())}")


if __name__ == "__main__":
    main(sys.argv[1:])
