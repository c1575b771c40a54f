#!/usr/bin/env python3
"""PyTorch's values for NonFiniteEndToEndTests.swift: NaN/inf inputs that must reach the output.

Run with PyTorch 2.15 (.venv-torch215/bin/python) from anywhere; prints the expected
values (loss, elementwise, grad input) as the JSON output spells them, which the test hard-codes.
"""
import json
import math

import torch
import torch.nn.functional as F

nan, inf = float("nan"), float("inf")


def spell(x):
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def case(name, fn, inputs, **kw):
    tensors = {k: torch.tensor(v, dtype=torch.float64, requires_grad=(k == "input")) for k, v in inputs.items()}
    if "target_int" in kw:
        tensors["target"] = torch.tensor(kw.pop("target_int"))
    loss = fn(**tensors, **kw)
    none = fn(**{k: t.detach() for k, t in tensors.items()}, reduction="none", **{k: v for k, v in kw.items() if k != "reduction"})
    loss.backward()
    print(json.dumps({
        "name": name,
        "loss": spell(loss),
        "elementwise": [spell(v) for v in none.flatten().tolist()],
        "grad_input": [spell(v) for v in tensors["input"].grad.flatten().tolist()],
    }))


case("mse_csv", F.mse_loss, {"input": [1.0, nan, inf, 2.0], "target": [1.0, 2.0, inf, -inf]})
case("l1_json", F.l1_loss, {"input": [[inf, 1.0], [0.5, -inf]], "target": [[0.0, 1.0], [0.5, 0.0]]}, reduction="sum")
case("huber_npy", F.huber_loss, {"input": [inf, 0.5, nan], "target": [0.0, 0.0, 0.0]})
case("bce_logits_npy", F.binary_cross_entropy_with_logits, {"input": [-inf, inf, 0.0], "target": [0.0, 1.0, 0.5]})
case("ce_json", F.cross_entropy, {"input": [[1.0, nan, 0.0], [1.0, 2.0, 3.0]]}, target_int=[0, 2])
case("kl_csv", F.kl_div, {"input": [-inf, -1.0, 0.0], "target": [0.0, 0.5, inf]}, reduction="sum")
