#!/usr/bin/env python3
"""The Python/PyTorch loop that does what `swiftloss batch` does, for the benchmark.

    torch_loop.py FILE [--compute-only]

For each request line: json.loads, float64 tensors (int64 for class indices), the loss with the
request's reduction, the reduction='none' tensor, backward for the gradients, and a json.dumps of
the result. With --compute-only the requests are parsed before the clock starts and nothing is
serialised: only torch's own work is timed (the fairest case for torch). Prints requests/s.
"""
import json
import sys
import time
import warnings

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
warnings.simplefilter("ignore")
INDEX = {("cross_entropy", "target"), ("nll_loss", "target"), ("multi_margin_loss", "target"),
         ("multilabel_margin_loss", "target"), ("ctc_loss", "targets"), ("ctc_loss", "input_lengths"),
         ("ctc_loss", "target_lengths")}
NAMES = {"mse": "mse_loss"}
TENSORS = ("input", "target", "weight", "pos_weight", "var", "log_probs", "targets", "input_lengths",
           "target_lengths", "input1", "input2", "anchor", "positive", "negative")
GRADS = {"input", "log_probs", "input1", "input2", "anchor", "positive", "negative"}
SKIP = {"loss", "show", "dtype", "precision", "reduction"}


def call(loss, ts, opts, reduction):
    if loss == "ctc_loss":
        return F.ctc_loss(ts["log_probs"], ts["targets"], ts["input_lengths"], ts["target_lengths"],
                          reduction=reduction, **opts)
    if loss in ("margin_ranking_loss", "cosine_embedding_loss"):
        return getattr(F, loss)(ts["input1"], ts["input2"], ts["target"], reduction=reduction, **opts)
    if loss.startswith("triplet"):
        if loss == "triplet_margin_with_distance_loss":
            kind = opts.pop("distance_function", "pairwise")
            opts["distance_function"] = {"pairwise": None, "l1": lambda a, b: F.pairwise_distance(a, b, p=1),
                                         "cosine": lambda a, b: 1 - F.cosine_similarity(a, b)}[kind]
        return getattr(F, loss)(ts["anchor"], ts["positive"], ts["negative"], reduction=reduction, **opts)
    if loss == "gaussian_nll_loss":
        return F.gaussian_nll_loss(ts["input"], ts["target"], ts["var"], reduction=reduction, **opts)
    extra = {k: ts[k] for k in ("weight", "pos_weight") if k in ts}
    return getattr(F, loss)(ts["input"], ts["target"], reduction=reduction, **extra, **opts)


def run(request):
    loss = NAMES.get(request["loss"], request["loss"])
    ts = {}
    for k in TENSORS:
        if k in request:
            index = (loss, k) in INDEX and not (loss == "cross_entropy" and isinstance(request[k][0], list))
            dtype = torch.int64 if index else torch.float64
            ts[k] = torch.tensor(request[k], dtype=dtype, requires_grad=(k in GRADS) and dtype == torch.float64)
    opts = {k: v for k, v in request.items() if k not in SKIP and k not in TENSORS}
    reduction = request.get("reduction", "mean")
    value = call(loss, dict(ts), dict(opts), reduction)
    elementwise = call(loss, dict(ts), dict(opts), "none") if reduction != "none" else value
    wanted = [t for t in ts.values() if t.requires_grad]
    total = value.sum() if value.dim() > 0 else value
    grads = torch.autograd.grad(total, wanted, allow_unused=True) if wanted else []
    return {"loss": loss, "value": value.tolist(), "elementwise": elementwise.tolist(),
            "gradients": [g.tolist() if g is not None else None for g in grads]}


def main():
    path = sys.argv[1]
    compute_only = "--compute-only" in sys.argv
    with open(path) as f:
        lines = f.readlines()
    if compute_only:
        requests = [json.loads(line) for line in lines]
        start = time.perf_counter()
        for request in requests:
            run(request)
    else:
        start = time.perf_counter()
        out = []
        for line in lines:
            out.append(json.dumps(run(json.loads(line))))
    elapsed = time.perf_counter() - start
    print(f"{len(lines) / elapsed:.0f}")


if __name__ == "__main__":
    main()
