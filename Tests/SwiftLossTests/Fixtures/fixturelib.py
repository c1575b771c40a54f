"""Shared machinery for the PyTorch fixtures: run a loss in float64 with autograd and write what
PyTorch computed (value per reduction, the reduction='none' tensor, every gradient) as JSON.

A family module (cases_<family>.py) defines `cases()` returning a list of `Case`s; make_fixtures.py
writes pytorch/<family>.json. Tests never need PyTorch: they read the JSON.
"""
import json
import math
import warnings
import zlib

import torch

torch.set_default_dtype(torch.float64)


def encode_number(x):
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def encode_option(v):
    """Options keep their Python type, which JSON alone would blur (1 vs 1.0 vs True)."""
    if isinstance(v, bool):
        return {"type": "bool", "value": v}
    if isinstance(v, int):
        return {"type": "int", "value": v}
    if isinstance(v, float):
        return {"type": "double", "value": encode_number(v)}
    if isinstance(v, (list, tuple)) and all(isinstance(x, int) and not isinstance(x, bool) for x in v):
        return {"type": "ints", "value": list(v)}
    return {"type": "string", "value": str(v)}


def encode_tensor(t):
    t = t.detach()
    return {
        "shape": list(t.shape),
        "dtype": str(t.dtype).replace("torch.", ""),
        "data": [encode_number(v) for v in t.reshape(-1).tolist()],
    }


class Case:
    """One call of a loss on fixed tensors and options, for several reductions.

    - loss: the swiftloss registry name (PyTorch's functional name).
    - tensors: name -> torch tensor (float64, or int64 for class indices).
    - options: name -> value, as PyTorch keyword arguments (the reduction is added per run).
    - call(tensors, reduction) -> loss tensor: how PyTorch is invoked.
    - grads: names of tensors PyTorch differentiates (requires_grad=True).
    - reductions: which reductions to record ('none' is always recorded as the elementwise tensor).
    - error: if set, PyTorch must raise for every reduction; the value is the expected exit kind
      ('data' or 'usage') of swiftloss, and PyTorch's message is recorded.
    - torch_accepts: for an error swiftloss raises where PyTorch does not (by the contract, e.g. CTC
      labels equal to blank or out of range, which PyTorch silently uses or reads out of bounds):
      why PyTorch accepts it. PyTorch is then not run, and this text is recorded as its message.
    - bare_numbers: tensors that PyTorch receives as Python floats (gaussian_nll's `var`), which
      swiftloss gets as bare inline numbers; every other 0-d tensor is a tensor.
    - legacy: the deprecated {"size_average": b, "reduce": b} arguments given with every reduction,
      and spelling "module" or "functional": how the loss was named (kl_div with batchmean differs).
    A call may return a dict {"loss", "elementwise", further results...} instead of a tensor (a
    module without a reduction argument, AdaptiveLogSoftmaxWithLoss); the further results are
    recorded per reduction under "extra".
    """

    def __init__(self, name, loss, tensors, call, options=None, grads=("input",),
                 reductions=("mean", "sum", "none"), error=None, torch_accepts=None, bare_numbers=(),
                 legacy=None, spelling=None):
        self.name = name
        self.loss = loss
        self.tensors = tensors
        self.call = call
        self.options = options or {}
        self.grads = tuple(grads)
        self.reductions = tuple(reductions)
        self.error = error
        self.torch_accepts = torch_accepts
        self.bare_numbers = tuple(bare_numbers)
        self.legacy = legacy
        self.spelling = spelling
        assert torch_accepts is None or error, "torch_accepts describes an error case"

    def run(self):
        record = {
            "name": self.name,
            "loss": self.loss,
            "options": {k: encode_option(v) for k, v in self.options.items()},
            "tensors": {k: encode_tensor(v) for k, v in self.tensors.items()},
        }
        if self.bare_numbers:
            record["bare_numbers"] = list(self.bare_numbers)
        if self.legacy is not None:
            record["legacy"] = self.legacy
        if self.spelling is not None:
            record["spelling"] = self.spelling
        if self.error and self.torch_accepts:
            record["error"] = {"kind": self.error, "torch": f"(PyTorch accepts this: {self.torch_accepts})"}
            record["reductions"] = list(self.reductions)
            return record
        if self.error:
            try:
                self._evaluate(self.reductions[0])
            except Exception as exc:  # noqa: BLE001 - recording PyTorch's own error
                record["error"] = {"kind": self.error, "torch": f"{type(exc).__name__}: {exc}"}
                record["reductions"] = list(self.reductions)
                return record
            raise AssertionError(f"{self.name}: PyTorch did not raise")
        results = {}
        for reduction in self.reductions:
            value, grads, caught = self._evaluate(reduction)
            extra = {}
            if isinstance(value, dict):  # a module with further results: {"loss", "elementwise", "output"}
                extra = {k: encode_tensor(v) for k, v in value.items() if k not in ("loss", "elementwise")}
                value = value["loss"]
            entry = {"value": encode_tensor(value),
                     "gradients": {k: encode_tensor(g) for k, g in grads.items()}}
            if extra:
                entry["extra"] = extra
            if caught:
                entry["warnings"] = caught
            results[reduction] = entry
        if self.legacy is not None:
            pass  # the 'none' call would take the legacy flags too; the elementwise is another fixture's
        elif "none" not in results:
            value, _, _ = self._evaluate("none", need_grads=False)
            if isinstance(value, dict):
                value = value["elementwise"]
            record["elementwise"] = encode_tensor(value)
        else:
            record["elementwise"] = results["none"]["value"]
        record["results"] = results
        return record

    def _evaluate(self, reduction, need_grads=True):
        leaves = {}
        for k, v in self.tensors.items():
            t = v.detach().clone()
            if k in self.grads and need_grads:
                t.requires_grad_(True)
            leaves[k] = t
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = self.call(leaves, reduction)
        grads = {}
        if need_grads and self.grads:
            wanted = [leaves[k] for k in self.grads]
            loss = out["loss"] if isinstance(out, dict) else out
            total = loss.sum() if loss.dim() > 0 else loss
            got = torch.autograd.grad(total, wanted, allow_unused=True)
            for k, g in zip(self.grads, got):
                grads[k] = g if g is not None else torch.zeros_like(leaves[k])
        return out, grads, [str(w.message) for w in caught]


def t(values, dtype=torch.float64):
    return torch.tensor(values, dtype=dtype)


def idx(values):
    return torch.tensor(values, dtype=torch.int64)


def seed_of(*parts):
    """A stable seed from any values (Python's hash() of str is salted per process)."""
    return zlib.crc32(repr(parts).encode()) % 100_000


def randn(*shape, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(tuple(shape), generator=g, dtype=torch.float64)


def rand(*shape, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(tuple(shape), generator=g, dtype=torch.float64)


def randint(low, high, shape, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(low, high, shape, generator=g, dtype=torch.int64)
