"""Embedding and margin losses: margin_ranking_loss, hinge_embedding_loss, multi_margin_loss,
multilabel_margin_loss, cosine_embedding_loss, triplet_margin_loss, triplet_margin_with_distance_loss.

Kinks are built from small integers and dyadic numbers so that the hinge argument is exactly 0
(margin + dp − dn == 0, cos == margin, z == 0) and swap ties are exact (d(a, n) == d(p, n)).
PyTorch's clamp_min passes the gradient at exactly 0 (where(self >= min, grad, 0)); the
multi-class margin kernels use a strict z > 0.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

from fixturelib import Case, idx, randint, randn, seed_of, t

NAN, INF = float("nan"), float("inf")
REDUCTIONS = ("mean", "sum", "none")


def suffix(options):
    parts = []
    for k, v in options.items():
        if isinstance(v, bool):
            parts.append(f"_{k}" if v else f"_no{k}")
        else:
            parts.append(f"_{k}{v}")
    return "".join(parts)


def signs(*shape, seed):
    """Random ±1 targets."""
    return torch.where(randn(*shape, seed=seed) >= 0, 1.0, -1.0)


# --------------------------------------------------------------------------------------------
# margin_ranking_loss

def call_ranking(margin):
    def call(ts, r):
        if margin is None:
            return F.margin_ranking_loss(ts["input1"], ts["input2"], ts["target"], reduction=r)
        return F.margin_ranking_loss(ts["input1"], ts["input2"], ts["target"], margin=margin, reduction=r)
    return call


RANKING_SHAPES = {
    "scalar": ((), (), ()),
    "vector": ((6,), (6,), (6,)),
    "matrix": ((3, 4), (3, 4), (3, 4)),
    "3d": ((2, 3, 2), (2, 3, 2), (2, 3, 2)),
    "bcast_input2": ((5,), (1,), (5,)),
    "bcast_target": ((5,), (5,), (1,)),
    "bcast_outer": ((3, 1), (1, 4), (3, 4)),
    "bcast_all": ((3, 1), (1, 4), (1, 1)),
}


def ranking_cases():
    out = []
    loss = "margin_ranking_loss"
    grads = ("input1", "input2", "target")
    for margin in (None, 0.5, -0.5, 2.0):
        opts = {} if margin is None else {"margin": margin}
        for shape_name, (s1, s2, st) in RANKING_SHAPES.items():
            seed = seed_of(loss, shape_name, margin)
            ts = {"input1": randn(*s1, seed=seed), "input2": randn(*s2, seed=seed + 1),
                  "target": signs(*st, seed=seed + 2)}
            out.append(Case(f"{loss}{suffix(opts)}_{shape_name}", loss, ts, call_ranking(margin), opts, grads))
    # Exact kinks z = −y·(x1 − x2) + margin = 0 for margin 1, targets ±1, plus unusual targets.
    ts = {"input1": t([2.0, 1.0, 3.0, 0.5, 1.0, 2.0, 0.0, 4.0]),
          "input2": t([1.0, 2.0, 2.0, 0.5, 1.0, 1.0, 0.0, 2.0]),
          "target": t([1.0, -1.0, 1.0, 1.0, 0.0, 2.0, 0.5, -0.5])}
    out.append(Case(f"{loss}_margin1.0_kinks", loss, ts, call_ranking(1.0), {"margin": 1.0}, grads))
    ts = {"input1": t([1.0, 1.0, -1.0, 2.0]), "input2": t([1.0, 0.0, -1.0, 3.0]), "target": t([1.0, -1.0, -1.0, 1.0])}
    out.append(Case(f"{loss}_margin0_kinks", loss, ts, call_ranking(None), {}, grads))
    ts = {"input1": t([NAN, 1.0, INF, -INF, 1.0, INF]), "input2": t([0.0, NAN, 0.0, 0.0, INF, INF]),
          "target": t([1.0, 1.0, 1.0, 1.0, -1.0, 1.0])}
    out.append(Case(f"{loss}_nonfinite", loss, ts, call_ranking(0.5), {"margin": 0.5}, grads))
    ts = {"input1": t([1.0, 2.0]), "input2": t([0.0, 3.0]), "target": t([NAN, 1.0])}
    out.append(Case(f"{loss}_nan_target", loss, ts, call_ranking(None), {}, grads))
    ts = {"input1": t([]), "input2": t([]), "target": t([])}
    out.append(Case(f"{loss}_empty", loss, ts, call_ranking(None), {}, grads))
    # Errors: ranks differ (PyTorch checks ndim before broadcasting), sizes not broadcastable.
    ts = {"input1": randn(3, seed=1), "input2": randn(3, seed=2), "target": signs(1, 3, seed=3)}
    out.append(Case(f"{loss}_rank_mismatch", loss, ts, call_ranking(None), {}, grads, error="data"))
    ts = {"input1": randn(3, 1, seed=1), "input2": randn(3, seed=2), "target": signs(3, seed=3)}
    out.append(Case(f"{loss}_rank_mismatch_inputs", loss, ts, call_ranking(None), {}, grads, error="data"))
    ts = {"input1": randn(3, seed=1), "input2": randn(4, seed=2), "target": signs(3, seed=3)}
    out.append(Case(f"{loss}_not_broadcastable", loss, ts, call_ranking(None), {}, grads, error="data"))
    ts = {"input1": randn(3, seed=1), "input2": randn(3, seed=2), "target": signs(2, seed=3)}
    out.append(Case(f"{loss}_target_not_broadcastable", loss, ts, call_ranking(None), {}, grads, error="data"))
    return out


# --------------------------------------------------------------------------------------------
# hinge_embedding_loss

def call_hinge(margin):
    def call(ts, r):
        if margin is None:
            return F.hinge_embedding_loss(ts["input"], ts["target"], reduction=r)
        return F.hinge_embedding_loss(ts["input"], ts["target"], margin=margin, reduction=r)
    return call


HINGE_SHAPES = {
    "scalar": ((), ()),
    "vector": ((6,), (6,)),
    "matrix": ((3, 4), (3, 4)),
    "3d": ((2, 3, 2), (2, 3, 2)),
    "bcast_target": ((3, 4), (4,)),
    "bcast_input": ((3, 1), (3, 4)),
    "bcast_both": ((2, 1, 3), (4, 1)),
}


def hinge_cases():
    out = []
    loss = "hinge_embedding_loss"
    for margin in (None, 0.5, 2.0, -1.0):
        opts = {} if margin is None else {"margin": margin}
        m = 1.0 if margin is None else margin
        for shape_name, (si, st) in HINGE_SHAPES.items():
            seed = seed_of(loss, shape_name, margin)
            ts = {"input": randn(*si, seed=seed).abs() * 1.5, "target": signs(*st, seed=seed + 1)}
            out.append(Case(f"{loss}{suffix(opts)}_{shape_name}", loss, ts, call_hinge(margin), opts))
        # Kinks x == margin for every target kind; targets other than ±1 (0, 2, 0.5, NaN) add both terms.
        ts = {"input": t([m, m, m, m, 0.0, 0.25, 3.0, -1.0, m, 0.5]),
              "target": t([-1.0, 1.0, 0.0, 2.0, -1.0, 0.0, 2.0, 0.5, NAN, -2.0])}
        out.append(Case(f"{loss}{suffix(opts)}_kinks_targets", loss, ts, call_hinge(margin), opts))
    ts = {"input": t([NAN, NAN, NAN, INF, INF, -INF, -INF, 0.5]),
          "target": t([-1.0, 1.0, 0.0, -1.0, 1.0, -1.0, 0.0, INF])}
    out.append(Case(f"{loss}_nonfinite", loss, ts, call_hinge(None), {}))
    ts = {"input": t([]), "target": t([])}
    out.append(Case(f"{loss}_empty", loss, ts, call_hinge(None), {}))
    ts = {"input": randn(3, seed=1), "target": signs(4, seed=2)}
    out.append(Case(f"{loss}_not_broadcastable", loss, ts, call_hinge(None), {}, error="data"))
    return out


# --------------------------------------------------------------------------------------------
# multi_margin_loss

def call_multi(p, margin):
    def call(ts, r):
        kwargs = {}
        if p is not None:
            kwargs["p"] = p
        if margin is not None:
            kwargs["margin"] = margin
        return F.multi_margin_loss(ts["input"], ts["target"], weight=ts.get("weight"), reduction=r, **kwargs)
    return call


def multi_options(p, margin):
    opts = {}
    if p is not None:
        opts["p"] = p
    if margin is not None:
        opts["margin"] = margin
    return opts


def multi_margin_cases():
    out = []
    loss = "multi_margin_loss"
    for p in (None, 2.0, 2):
        for margin in (None, 0.5, 0.0, -0.5, 2.0):
            if p == 2 and isinstance(p, int) and margin not in (None, 0.5):
                continue
            opts = multi_options(p, margin)
            call = call_multi(p, margin)
            name = f"{loss}{suffix(opts)}"
            if isinstance(p, int):
                name += "_int"
            seed = seed_of(loss, p, margin, type(p).__name__)
            ts = {"input": randn(5, 4, seed=seed), "target": randint(0, 4, (5,), seed=seed + 1)}
            out.append(Case(f"{name}_batch", loss, ts, call, opts))
            ts["weight"] = randn(4, seed=seed + 2).abs() + 0.25
            out.append(Case(f"{name}_batch_weight", loss, ts, call, opts))
            if isinstance(p, int):
                continue
            ts = {"input": randn(4, seed=seed + 3), "target": idx(2)}
            out.append(Case(f"{name}_vector_target0d", loss, ts, call, opts))
            ts = {"input": randn(4, seed=seed + 3), "target": idx([1]), "weight": t([0.5, 2.0, 1.0, 3.0])}
            out.append(Case(f"{name}_vector_target1_weight", loss, ts, call, opts))
            ts = {"input": t(0.7), "target": idx(0)}
            out.append(Case(f"{name}_scalar", loss, ts, call, opts))
    # Remaining shape forms: () with (1); (1, C) with a 0-d target; a 1-class batch.
    ts = {"input": t(-0.3), "target": idx([0]), "weight": t([2.0])}
    out.append(Case(f"{loss}_scalar_target1_weight", loss, ts, call_multi(None, None), {}))
    ts = {"input": randn(1, 4, seed=41), "target": idx(3)}
    out.append(Case(f"{loss}_row_target0d", loss, ts, call_multi(None, None), {}))
    ts = {"input": randn(3, 1, seed=42), "target": idx([0, 0, 0])}
    out.append(Case(f"{loss}_one_class", loss, ts, call_multi(None, None), {}))
    ts = {"input": randn(64, 10, seed=43), "target": randint(0, 10, (64,), seed=44), "weight": randn(10, seed=45).abs()}
    out.append(Case(f"{loss}_p2.0_larger_weight", loss, ts, call_multi(2.0, None), {"p": 2.0}))
    # Exact ties z = margin − x_y + x_i = 0 (no gradient: the kernel tests z > 0), and NaN/inf scores.
    ts = {"input": t([[1.0, 2.0, 0.0, 2.0], [0.5, 0.5, -0.5, 1.5], [3.0, 2.0, 2.0, 2.0]]), "target": idx([1, 3, 0])}
    for p in (None, 2.0):
        opts = multi_options(p, None)
        out.append(Case(f"{loss}{suffix(opts)}_ties", loss, ts, call_multi(p, None), opts))
    ts = {"input": t([[1.0, 2.0, 1.5, 0.0], [0.0, 0.0, 0.0, 0.0]]), "target": idx([1, 2])}
    out.append(Case(f"{loss}_margin0.5_ties", loss, ts, call_multi(None, 0.5), {"margin": 0.5}))
    out.append(Case(f"{loss}_margin0.0_ties", loss, ts, call_multi(None, 0.0), {"margin": 0.0}))
    ts = {"input": t([[NAN, 2.0, 3.0], [1.0, NAN, 3.0], [1.0, INF, 3.0], [-INF, 0.0, 1.0]]), "target": idx([1, 1, 0, 2])}
    for p in (None, 2.0):
        opts = multi_options(p, None)
        out.append(Case(f"{loss}{suffix(opts)}_nonfinite", loss, ts, call_multi(p, None), opts))
    # Empty batch: PyTorch's 'none' is an empty vector; its mean/sum are uninitialised memory.
    ts = {"input": torch.zeros(0, 3), "target": idx([])}
    out.append(Case(f"{loss}_empty_batch", loss, ts, call_multi(None, None), {}, reductions=("none",)))
    # Errors.
    base = {"input": randn(3, 4, seed=50), "target": idx([0, 3, 1])}
    for p in (3.0, 1.5, 0.0, -1.0):
        out.append(Case(f"{loss}_p{p}_unsupported", loss, base, call_multi(p, None), {"p": p}, error="usage"))
    out.append(Case(f"{loss}_weight_2d", loss, dict(base, weight=torch.ones(1, 4)), call_multi(None, None), {},
                    error="data"))
    out.append(Case(f"{loss}_weight_0d", loss, dict(base, weight=t(2.0)), call_multi(None, None), {}, error="data"))
    out.append(Case(f"{loss}_weight_length", loss, dict(base, weight=torch.ones(3)), call_multi(None, None), {},
                    error="data"))
    out.append(Case(f"{loss}_target_out_of_range", loss, dict(base, target=idx([0, 4, 1])), call_multi(None, None),
                    {}, error="data"))
    out.append(Case(f"{loss}_target_negative", loss, dict(base, target=idx([0, -1, 1])), call_multi(None, None),
                    {}, error="data"))
    out.append(Case(f"{loss}_target_batch_mismatch", loss, dict(base, target=idx([0, 1])), call_multi(None, None),
                    {}, error="data"))
    out.append(Case(f"{loss}_target_2d", loss, dict(base, target=idx([[0], [1], [2]])), call_multi(None, None),
                    {}, error="data"))
    out.append(Case(f"{loss}_input_3d", loss, {"input": randn(2, 3, 4, seed=51), "target": idx([0, 1])},
                    call_multi(None, None), {}, error="data"))
    out.append(Case(f"{loss}_no_classes", loss, {"input": torch.zeros(2, 0), "target": idx([0, 0])},
                    call_multi(None, None), {}, error="data"))
    out.append(Case(f"{loss}_vector_target_length", loss, {"input": randn(4, seed=52), "target": idx([1, 1])},
                    call_multi(None, None), {}, error="data"))
    return out


# --------------------------------------------------------------------------------------------
# multilabel_margin_loss

def call_multilabel(ts, r):
    return F.multilabel_margin_loss(ts["input"], ts["target"], reduction=r)


def multilabel_cases():
    out = []
    loss = "multilabel_margin_loss"
    ts = {"input": t([[0.1, 0.2, 0.4, 0.8]]), "target": idx([[3, 0, -1, 1]])}
    out.append(Case(f"{loss}_doc_example", loss, ts, call_multilabel))
    ts = {"input": t([0.1, 0.2, 0.4, 0.8]), "target": idx([3, 0, -1, 1])}
    out.append(Case(f"{loss}_vector", loss, ts, call_multilabel))
    for n, c in ((3, 5), (6, 4), (2, 7), (1, 3)):
        seed = seed_of(loss, n, c)
        x = randn(n, c, seed=seed)
        rows = []
        g = torch.Generator().manual_seed(seed + 1)
        for i in range(n):
            perm = torch.randperm(c, generator=g).tolist()
            k = i % (c + 1)  # number of labels, from 0 to C
            row = perm[:k] + ([-1] if k < c else [])
            tail = torch.randint(-1, c, (c - len(row),), generator=g).tolist()
            rows.append(row + tail)
        ts = {"input": x, "target": idx(rows)}
        out.append(Case(f"{loss}_batch_{n}x{c}", loss, ts, call_multilabel))
    # Duplicated labels (iterated twice, counted once as targets), no −1 (all labels), all −1.
    ts = {"input": t([[0.1, 0.2, 0.4, 0.8], [1.0, 0.0, 1.0, 2.0], [0.3, -0.2, 0.5, 0.1], [0.0, 1.0, 2.0, 3.0]]),
          "target": idx([[3, 3, 0, -1], [0, -1, 3, 2], [0, 1, 2, 3], [-1, 0, 1, 2]])}
    out.append(Case(f"{loss}_duplicates_terminators", loss, ts, call_multilabel))
    ts = {"input": t([[1.0, 0.0, 0.0, 2.0]]), "target": idx([[0, 1, 2, 3]])}
    out.append(Case(f"{loss}_all_labels", loss, ts, call_multilabel))
    # Exact ties z = 1 − x_j + x_i = 0.
    ts = {"input": t([[0.0, 1.0, 0.0, 2.0], [2.0, 1.0, 1.0, 0.5]]), "target": idx([[1, -1, 0, 0], [0, 3, -1, 2]])}
    out.append(Case(f"{loss}_ties", loss, ts, call_multilabel))
    # Non-finite scores: NaN terms vanish (NaN > 0 is false), infinities propagate.
    ts = {"input": t([[NAN, 1.0, 0.0, 2.0], [1.0, NAN, 0.0, 2.0], [INF, 0.0, 1.0, -INF]]),
          "target": idx([[1, -1, 0, 0], [1, -1, 0, 0], [2, 0, -1, 3]])}
    out.append(Case(f"{loss}_nonfinite", loss, ts, call_multilabel))
    # 0-d and one-class forms (C = 1).
    out.append(Case(f"{loss}_scalar", loss, {"input": t(1.5), "target": idx(0)}, call_multilabel))
    out.append(Case(f"{loss}_scalar_terminator", loss, {"input": t(1.5), "target": idx(-1)}, call_multilabel))
    out.append(Case(f"{loss}_scalar_target1", loss, {"input": t(-0.5), "target": idx([0])}, call_multilabel))
    out.append(Case(f"{loss}_one_class_target0d", loss, {"input": t([0.25]), "target": idx(0)}, call_multilabel))
    ts = {"input": randn(3, 1, seed=61), "target": idx([[0], [-1], [0]])}
    out.append(Case(f"{loss}_one_class_batch", loss, ts, call_multilabel))
    ts = {"input": randn(40, 12, seed=62), "target": randint(-1, 12, (40, 12), seed=63)}
    out.append(Case(f"{loss}_larger", loss, ts, call_multilabel))
    ts = {"input": torch.zeros(0, 3), "target": torch.zeros(0, 3, dtype=torch.int64)}
    out.append(Case(f"{loss}_empty_batch", loss, ts, call_multilabel, reductions=("none",)))
    # Errors: the range check covers the ignored tail too.
    ts = {"input": randn(2, 4, seed=64), "target": idx([[3, 0, -1, 4], [0, -1, 0, 0]])}
    out.append(Case(f"{loss}_tail_out_of_range", loss, ts, call_multilabel, error="data"))
    ts = {"input": randn(2, 4, seed=64), "target": idx([[3, 0, -1, -2], [0, -1, 0, 0]])}
    out.append(Case(f"{loss}_tail_below_minus_one", loss, ts, call_multilabel, error="data"))
    ts = {"input": randn(2, 4, seed=64), "target": idx([[4, -1, 0, 0], [0, -1, 0, 0]])}
    out.append(Case(f"{loss}_label_out_of_range", loss, ts, call_multilabel, error="data"))
    ts = {"input": randn(2, 4, seed=64), "target": idx([[3, 0], [1, -1]])}
    out.append(Case(f"{loss}_target_shape", loss, ts, call_multilabel, error="data"))
    ts = {"input": randn(4, seed=64), "target": idx([[3, 0, -1, 1]])}
    out.append(Case(f"{loss}_vector_target_2d", loss, ts, call_multilabel, error="data"))
    ts = {"input": torch.ones(1, 2, 3), "target": torch.zeros(1, 2, 3, dtype=torch.int64)}
    out.append(Case(f"{loss}_input_3d", loss, ts, call_multilabel, error="data"))
    ts = {"input": torch.ones(2, 0), "target": torch.zeros(2, 0, dtype=torch.int64)}
    out.append(Case(f"{loss}_no_classes", loss, ts, call_multilabel, error="data"))
    return out


# --------------------------------------------------------------------------------------------
# cosine_embedding_loss

def call_cosine(margin):
    def call(ts, r):
        if margin is None:
            return F.cosine_embedding_loss(ts["input1"], ts["input2"], ts["target"], reduction=r)
        return F.cosine_embedding_loss(ts["input1"], ts["input2"], ts["target"], margin=margin, reduction=r)
    return call


COSINE_SHAPES = {
    "batch": ((5, 3), (5, 3), (5,)),
    "single": ((4,), (4,), ()),
    "bcast_input1": ((1, 3), (4, 3), (4,)),
    "bcast_target": ((4, 3), (4, 3), (1,)),
    "bcast_rows_up": ((1, 3), (1, 3), (4,)),
    "bcast_width": ((3, 1), (3, 4), (3,)),
}


def cosine_cases():
    out = []
    loss = "cosine_embedding_loss"
    grads = ("input1", "input2")
    for margin in (None, 0.5, -0.5, 0.25):
        opts = {} if margin is None else {"margin": margin}
        for shape_name, (s1, s2, st) in COSINE_SHAPES.items():
            seed = seed_of(loss, shape_name, margin)
            ts = {"input1": randn(*s1, seed=seed), "input2": randn(*s2, seed=seed + 1),
                  "target": signs(*st, seed=seed + 2)}
            if shape_name == "bcast_width":
                # A width-1 input1 makes cos depend on it only through EPSILON: keep it small enough
                # (|x1|² ~ EPSILON) that the gradient is real rather than cancellation noise.
                ts["input1"] = ts["input1"] * 1e-6
            out.append(Case(f"{loss}{suffix(opts)}_{shape_name}", loss, ts, call_cosine(margin), opts, grads))
    # Exact kinks: with squared norms ≥ 2^14 the Float32(1e-12) EPSILON vanishes, so cos is exact.
    big = 64.0
    ts = {"input1": t([[big, big, big, big], [big, big, big, big], [big, 0, 0, 0], [big, big, big, big]]),
          "input2": t([[big, big, big, -big], [big, big, -big, -big], [0, big, 0, 0], [big, big, big, big]]),
          "target": t([-1.0, -1.0, -1.0, 1.0])}
    out.append(Case(f"{loss}_margin0.5_kinks", loss, ts, call_cosine(0.5), {"margin": 0.5}, grads))
    out.append(Case(f"{loss}_margin0_kinks", loss, ts, call_cosine(None), {}, grads))
    single = {"input1": t([big, big, big, big]), "input2": t([big, big, big, -big]), "target": t(-1.0)}
    out.append(Case(f"{loss}_margin0.5_single_kink", loss, single, call_cosine(0.5), {"margin": 0.5}, grads))
    # Targets other than ±1 give 0; zero vectors give large finite gradients; NaN/inf rows.
    ts = {"input1": t([[0.0, 0, 0], [1, 1, 1], [1, 1, 1], [2, 0, 0], [0, 0, 0], [1, 2, 3]]),
          "input2": t([[1.0, 1, 1], [1, 1, 1], [1, 1, -1], [1, 0, 0], [0, 0, 0], [-1, 0, 2]]),
          "target": t([1.0, 1.0, -1.0, 0.0, -1.0, 2.0])}
    out.append(Case(f"{loss}_zero_vectors_targets", loss, ts, call_cosine(None), {}, grads))
    ts = {"input1": t([[NAN, 1, 1], [1, 1, 1], [INF, 0, 1], [1, 2, 3]]),
          "input2": t([[1.0, 1, 1], [1, NAN, 1], [1, 0, 0], [1, 2, 3]]),
          "target": t([-1.0, 1.0, 1.0, 0.0])}
    out.append(Case(f"{loss}_nonfinite", loss, ts, call_cosine(None), {}, grads))
    ts = {"input1": t([[1.0, 2.0]]), "input2": t([[3.0, -1.0]]), "target": t([NAN])}
    out.append(Case(f"{loss}_nan_target", loss, ts, call_cosine(None), {}, grads))
    ts = {"input1": torch.zeros(0, 3), "input2": torch.zeros(0, 3), "target": t([])}
    out.append(Case(f"{loss}_empty_batch", loss, ts, call_cosine(None), {}, grads))
    ts = {"input1": torch.zeros(2, 0), "input2": torch.zeros(2, 0), "target": t([1.0, -1.0])}
    out.append(Case(f"{loss}_empty_vectors", loss, ts, call_cosine(None), {}, grads))
    ts = {"input1": randn(64, 16, seed=71), "input2": randn(64, 16, seed=72), "target": signs(64, seed=73)}
    out.append(Case(f"{loss}_margin0.25_larger", loss, ts, call_cosine(0.25), {"margin": 0.25}, grads))
    # Errors.
    ts = {"input1": randn(2, 3, seed=74), "input2": randn(2, 3, seed=75), "target": torch.ones(2, 1)}
    out.append(Case(f"{loss}_target_2d", loss, ts, call_cosine(None), {}, grads, error="data"))
    ts = {"input1": randn(4, seed=74), "input2": randn(4, seed=75), "target": t([-1.0])}
    out.append(Case(f"{loss}_target_1d_inputs_1d", loss, ts, call_cosine(None), {}, grads, error="data"))
    ts = {"input1": randn(2, 3, seed=74), "input2": randn(2, 3, seed=75), "target": t(-1.0)}
    out.append(Case(f"{loss}_target_0d_inputs_2d", loss, ts, call_cosine(None), {}, grads, error="data"))
    ts = {"input1": randn(3, seed=74), "input2": randn(2, 3, seed=75), "target": t([1.0, 1.0])}
    out.append(Case(f"{loss}_input_ranks_differ", loss, ts, call_cosine(None), {}, grads, error="data"))
    ts = {"input1": randn(2, 3, seed=74), "input2": randn(3, 3, seed=75), "target": t([1.0, 1.0])}
    out.append(Case(f"{loss}_inputs_not_broadcastable", loss, ts, call_cosine(None), {}, grads, error="data"))
    ts = {"input1": randn(2, 3, seed=74), "input2": randn(2, 3, seed=75), "target": t([1.0, 1.0, 1.0])}
    out.append(Case(f"{loss}_target_not_broadcastable", loss, ts, call_cosine(None), {}, grads, error="data"))
    ts = {"input1": t(1.0), "input2": t(1.0), "target": t(1.0)}
    out.append(Case(f"{loss}_scalar_inputs", loss, ts, call_cosine(None), {}, grads, error="data"))
    return out


# --------------------------------------------------------------------------------------------
# triplet_margin_loss

TRIPLET_GRADS = ("anchor", "positive", "negative")


def call_triplet(**kw):
    def call(ts, r):
        return F.triplet_margin_loss(ts["anchor"], ts["positive"], ts["negative"], reduction=r, **kw)
    return call


TRIPLET_SHAPES = {
    "batch": ((4, 3), (4, 3), (4, 3)),
    "single": ((5,), (5,), (5,)),
    "3d": ((2, 3, 4), (2, 3, 4), (2, 3, 4)),
    "scalar": ((), (), ()),
    "bcast": ((2, 1), (1, 3), (2, 3)),
    "bcast_rows": ((1, 4), (3, 4), (3, 4)),
    "bcast_batch": ((2, 1, 3), (1, 4, 3), (2, 4, 1)),
    "wide": ((3, 11), (3, 11), (3, 11)),
}


# (p, margin, rows of (anchor, positive, negative)): the last row is off the kink.
TRIPLET_KINKS = [
    (2.0, 1.0, [([0.0, 0.0], [1.0, 0.0], [2.0, 0.0]), ([1.0, 1.0], [1.0, 2.0], [1.0, 3.0]),
                ([0.0, 0.0], [3.0, 4.0], [0.0, 6.0]), ([0.0, 0.0], [0.0, 0.0], [3.0, 0.0])]),
    (1.0, 1.0, [([0.0, 0.0], [1.0, 0.0], [2.0, 0.0]), ([1.0, 1.0], [2.0, 2.0], [1.0, 4.0]),
                ([0.0, 0.0], [3.0, 4.0], [0.0, 8.0]), ([0.0, 0.0], [0.0, 0.0], [3.0, 0.0])]),
    (INF, 1.0, [([0.0, 0.0], [1.0, 0.0], [2.0, 0.0]), ([0.0, 0.0], [3.0, 4.0], [5.0, 0.0]),
                ([1.0, 1.0], [0.0, -1.0], [4.0, 4.0]), ([0.0, 0.0], [0.0, 0.0], [0.5, 0.0])]),
    (3.0, 1.0, [([0.0, 0.0], [1.0, 0.0], [2.0, 0.0]), ([1.0, 1.0], [1.0, 0.0], [1.0, 3.0]),
                ([1.0, 1.0], [0.0, 0.0], [1.0, 1.0])]),
    (0.5, 3.0, [([0.0, 0.0], [1.0, 0.0], [4.0, 0.0]), ([0.0, 0.0], [0.0, -1.0], [0.0, 4.0]),
                ([0.0, 0.0], [1.0, 1.0], [1.0, 1.0])]),
]


def triplet_inputs(shapes, seed, scale=1.0):
    sa, sp, sn = shapes
    return {"anchor": randn(*sa, seed=seed) * scale, "positive": randn(*sp, seed=seed + 1) * scale,
            "negative": randn(*sn, seed=seed + 2) * scale}


def triplet_cases():
    out = []
    loss = "triplet_margin_loss"
    # Every shape form with defaults and with swap.
    for swap in (False, True):
        opts = {"swap": True} if swap else {}
        for shape_name, shapes in TRIPLET_SHAPES.items():
            ts = triplet_inputs(shapes, seed_of(loss, shape_name, swap))
            out.append(Case(f"{loss}{suffix(opts)}_{shape_name}", loss, ts, call_triplet(**opts), opts, TRIPLET_GRADS))
    # Every p (incl. 1, 3, inf, 0.5, fractional, negative, 0, −inf), with and without eps and swap.
    for p in (1.0, 3.0, INF, 0.5, 1.5, 2.5, -1.0, 0.0, -INF):
        for swap in (False, True):
            opts = {"p": p}
            if swap:
                opts["swap"] = True
            shapes = TRIPLET_SHAPES["batch"] if not swap else TRIPLET_SHAPES["3d"]
            ts = triplet_inputs(shapes, seed_of(loss, p, swap))
            out.append(Case(f"{loss}{suffix(opts)}_{'batch' if not swap else '3d'}", loss, ts, call_triplet(**opts),
                            opts, TRIPLET_GRADS))
    for margin, eps in ((0.5, 0.0), (2.0, 0.1), (3.0, 1e-6), (0.25, -0.5)):
        opts = {"margin": margin, "eps": eps}
        ts = triplet_inputs(((6, 5),) * 3, seed_of(loss, margin, eps))
        out.append(Case(f"{loss}{suffix(opts)}", loss, ts, call_triplet(**opts), opts, TRIPLET_GRADS))
        opts = dict(opts, swap=True)
        out.append(Case(f"{loss}{suffix(opts)}", loss, ts, call_triplet(**opts), opts, TRIPLET_GRADS))
    # Exact hinge kinks with eps = 0: margin + dp − dn == 0 on every row but the last.
    for p, margin, rows in TRIPLET_KINKS:
        opts = {"p": p, "eps": 0.0, "margin": margin}
        ts = {"anchor": t([r[0] for r in rows]), "positive": t([r[1] for r in rows]),
              "negative": t([r[2] for r in rows])}
        z = margin + F.pairwise_distance(ts["anchor"], ts["positive"], p=p, eps=0.0) \
            - F.pairwise_distance(ts["anchor"], ts["negative"], p=p, eps=0.0)
        assert (z[:-1] == 0).all(), (p, z)
        out.append(Case(f"{loss}{suffix(opts)}_kinks", loss, ts, call_triplet(**opts), opts, TRIPLET_GRADS))
    # Swap ties: d(a, n) == d(p, n) exactly, with a ≠ p (the gradient splits ½–½).
    ties = {"anchor": t([[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]]), "positive": t([[2.0, 0.0], [0.0, 2.0], [1.0, 1.0]]),
            "negative": t([[1.0, 1.0], [1.0, 1.0], [3.0, 1.0]])}
    for p in (2.0, 1.0, INF, 3.0):
        opts = {"p": p, "eps": 0.0, "swap": True}
        assert (F.pairwise_distance(ties["anchor"], ties["negative"], p=p, eps=0.0)
                == F.pairwise_distance(ties["positive"], ties["negative"], p=p, eps=0.0)).all()
        out.append(Case(f"{loss}{suffix(opts)}_swap_ties", loss, ties, call_triplet(**opts), opts, TRIPLET_GRADS))
    # Swap ties with the default eps (permuted differences give identical sums).
    ts = {"anchor": t([[0.0, 0.0], [2.0, 2.0]]), "positive": t([[1.0, -1.0], [1.0, 3.0]]),
          "negative": t([[-1.0, -2.0], [0.0, 1.0]])}
    assert (F.pairwise_distance(ts["anchor"], ts["negative"]) == F.pairwise_distance(ts["positive"], ts["negative"])).all()
    out.append(Case(f"{loss}_swap_tie_default_eps", loss, ts, call_triplet(swap=True), {"swap": True}, TRIPLET_GRADS))
    # Zero distances (a == p, eps = 0): the norm backward masks 0/0 to 0 (not NaN) for every p.
    zero = {"anchor": t([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]), "positive": t([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]),
            "negative": t([[1.0, 2.0, 3.5], [0.0, 0.0, 0.0]])}
    for p in (2.0, 1.0, 3.0, 1.5, 0.5, INF):
        opts = {"p": p, "eps": 0.0}
        out.append(Case(f"{loss}{suffix(opts)}_zero_distance", loss, zero, call_triplet(**opts), opts, TRIPLET_GRADS))
        opts = {"p": p, "eps": 0.0, "swap": True}
        out.append(Case(f"{loss}{suffix(opts)}_zero_distance", loss, zero, call_triplet(**opts), opts, TRIPLET_GRADS))
    # Non-finite inputs.
    nonfinite = {"anchor": t([[NAN, 0.0], [1.0, 2.0], [INF, 0.0], [0.0, 0.0]]),
                 "positive": t([[0.0, 0.0], [1.0, 2.0], [0.0, 0.0], [0.0, 1.0]]),
                 "negative": t([[1.0, 1.0], [NAN, 0.0], [1.0, 0.0], [INF, 0.0]])}
    for p in (2.0, 1.0, INF, 3.0):
        for swap in (False, True):
            opts = {"p": p}
            if swap:
                opts["swap"] = True
            out.append(Case(f"{loss}{suffix(opts)}_nonfinite", loss, nonfinite, call_triplet(**opts), opts,
                            TRIPLET_GRADS))
    # Empty batch and empty vectors.
    empty = {"anchor": torch.zeros(0, 3), "positive": torch.zeros(0, 3), "negative": torch.zeros(0, 3)}
    out.append(Case(f"{loss}_empty_batch", loss, empty, call_triplet(), {}, TRIPLET_GRADS))
    empty = {"anchor": torch.zeros(2, 0), "positive": torch.zeros(2, 0), "negative": torch.zeros(2, 0)}
    out.append(Case(f"{loss}_empty_vectors", loss, empty, call_triplet(), {}, TRIPLET_GRADS))
    # Errors.
    ts = triplet_inputs(((2, 3),) * 3, 81)
    for margin in (0.0, -1.0):
        out.append(Case(f"{loss}_margin{margin}", loss, ts, call_triplet(margin=margin), {"margin": margin},
                        TRIPLET_GRADS, error="usage"))
    ts = triplet_inputs(((2, 3), (2, 3), (3,)), 82)
    out.append(Case(f"{loss}_rank_mismatch", loss, ts, call_triplet(), {}, TRIPLET_GRADS, error="data"))
    ts = triplet_inputs(((2, 3), (2, 4), (2, 3)), 83)
    out.append(Case(f"{loss}_not_broadcastable", loss, ts, call_triplet(), {}, TRIPLET_GRADS, error="data"))
    ts = triplet_inputs(((2, 3), (2, 3), (4, 3)), 84)
    out.append(Case(f"{loss}_negative_not_broadcastable", loss, ts, call_triplet(), {}, TRIPLET_GRADS, error="data"))
    return out


# --------------------------------------------------------------------------------------------
# triplet_margin_with_distance_loss

def cosine_distance(x, y):
    return 1.0 - F.cosine_similarity(x, y, dim=-1)


def l1_distance(x, y):
    return F.pairwise_distance(x, y, p=1)


DISTANCES = {"pairwise": None, "cosine": cosine_distance, "l1": l1_distance}


def call_with_distance(distance, **kw):
    fn = DISTANCES[distance]

    def call(ts, r):
        return F.triplet_margin_with_distance_loss(ts["anchor"], ts["positive"], ts["negative"],
                                                   distance_function=fn, reduction=r, **kw)
    return call


def with_distance_options(distance, **kw):
    opts = {} if distance == "pairwise" else {"distance_function": distance}
    opts.update(kw)
    return opts


def pairwise_d1_margin(a, p, n):
    """A margin that makes margin + d(a, p) − d(a, n) exactly 0 for 1-wide rows (default eps)."""
    dp = F.pairwise_distance(t([[a]]), t([[p]])).item()
    dn = F.pairwise_distance(t([[a]]), t([[n]])).item()
    margin = dn - dp
    assert margin > 0 and (margin + dp) - dn == 0.0, (a, p, n, margin)
    return margin


def with_distance_cases():
    out = []
    loss = "triplet_margin_with_distance_loss"
    for distance in ("pairwise", "cosine", "l1"):
        for swap in (False, True):
            for shape_name, shapes in TRIPLET_SHAPES.items():
                opts = with_distance_options(distance, **({"swap": True} if swap else {}))
                ts = triplet_inputs(shapes, seed_of(loss, distance, shape_name, swap))
                if distance == "cosine" and shape_name in ("bcast", "bcast_batch"):
                    # A width-1 operand is scale-invariant under cosine (its gradient is rounding
                    # noise) unless its norm is below eps = 1e-8, where the clamp makes it real.
                    key = "anchor" if shape_name == "bcast" else "negative"
                    ts[key] = ts[key] * 1e-9
                out.append(Case(f"{loss}_{distance}{suffix({'swap': True} if swap else {})}_{shape_name}", loss, ts,
                                call_with_distance(distance, swap=swap), opts, TRIPLET_GRADS))
        for margin in (0.5, 2.0):
            opts = with_distance_options(distance, margin=margin)
            ts = triplet_inputs(((5, 4),) * 3, seed_of(loss, distance, margin))
            out.append(Case(f"{loss}_{distance}_margin{margin}", loss, ts, call_with_distance(distance, margin=margin),
                            opts, TRIPLET_GRADS))
            opts = with_distance_options(distance, margin=margin, swap=True)
            out.append(Case(f"{loss}_{distance}_margin{margin}_swap", loss, ts,
                            call_with_distance(distance, margin=margin, swap=True), opts, TRIPLET_GRADS))
    # Cosine kinks and swap ties from ±1 vectors (norm 2, every cosine a multiple of 1/4).
    ts = {"anchor": t([[1.0, 1, 1, 1], [1, 1, 1, 1], [1, -1, 1, -1]]),
          "positive": t([[1.0, 1, 1, -1], [1, 1, -1, -1], [1, -1, 1, 1]]),
          "negative": t([[1.0, 1, -1, -1], [-1, -1, 1, 1], [-1, -1, 1, 1]])}
    for swap in (False, True):
        opts = with_distance_options("cosine", margin=0.5, swap=swap)
        out.append(Case(f"{loss}_cosine_margin0.5{suffix({'swap': swap})}_kinks", loss, ts,
                        call_with_distance("cosine", margin=0.5, swap=swap), opts, TRIPLET_GRADS))
    ties = {"anchor": t([[1.0, 1, 1, 1], [1, 1, 1, 1]]), "positive": t([[1.0, 1, -1, 1], [-1, 1, 1, 1]]),
            "negative": t([[2.0, 0, 0, 0], [0, 0, 0, 2]])}
    assert (cosine_distance(ties["anchor"], ties["negative"]) == cosine_distance(ties["positive"], ties["negative"])).all()
    opts = with_distance_options("cosine", swap=True)
    out.append(Case(f"{loss}_cosine_swap_ties", loss, ties, call_with_distance("cosine", swap=True), opts,
                    TRIPLET_GRADS))
    # Cosine: zero vectors (norms clamped to eps = 1e-8, gradients finite) and tiny vectors.
    ts = {"anchor": t([[0.0, 0.0, 0.0], [1e-9, 0.0, 0.0], [3e-9, 4e-9, 0.0]]),
          "positive": t([[1.0, 2.0, 2.0], [1e-9, 0.0, 0.0], [1.0, 2.0, 0.0]]),
          "negative": t([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [-1.0, 0.0, 0.0]])}
    for swap in (False, True):
        opts = with_distance_options("cosine", swap=swap)
        out.append(Case(f"{loss}_cosine{suffix({'swap': swap})}_zero_vectors", loss, ts,
                        call_with_distance("cosine", swap=swap), opts, TRIPLET_GRADS))
    # Pairwise / l1 kinks with default eps on 1-wide rows (the norm is |v| exactly).
    margin = pairwise_d1_margin(0.0, 0.5, 1.5)
    ts = {"anchor": t([[0.0]]), "positive": t([[0.5]]), "negative": t([[1.5]])}
    for distance in ("pairwise", "l1"):
        opts = with_distance_options(distance, margin=margin)
        out.append(Case(f"{loss}_{distance}_kink_eps", loss, ts, call_with_distance(distance, margin=margin), opts,
                        TRIPLET_GRADS))
    # Pairwise / l1 swap ties: permuted differences.
    ts = {"anchor": t([[0.0, 0.0], [2.0, 2.0]]), "positive": t([[1.0, -1.0], [1.0, 3.0]]),
          "negative": t([[-1.0, -2.0], [0.0, 1.0]])}
    for distance in ("pairwise", "l1"):
        opts = with_distance_options(distance, swap=True)
        out.append(Case(f"{loss}_{distance}_swap_ties", loss, ts, call_with_distance(distance, swap=True), opts,
                        TRIPLET_GRADS))
    # Non-finite inputs.
    nonfinite = {"anchor": t([[NAN, 0.0], [1.0, 2.0], [INF, 0.0], [0.0, 0.0]]),
                 "positive": t([[0.0, 0.0], [1.0, 2.0], [0.0, 0.0], [0.0, 1.0]]),
                 "negative": t([[1.0, 1.0], [NAN, 0.0], [1.0, 0.0], [INF, 0.0]])}
    for distance in ("pairwise", "cosine", "l1"):
        for swap in (False, True):
            opts = with_distance_options(distance, swap=swap)
            out.append(Case(f"{loss}_{distance}{suffix({'swap': swap})}_nonfinite", loss, nonfinite,
                            call_with_distance(distance, swap=swap), opts, TRIPLET_GRADS))
    for distance in ("pairwise", "cosine", "l1"):
        empty = {"anchor": torch.zeros(0, 3), "positive": torch.zeros(0, 3), "negative": torch.zeros(0, 3)}
        out.append(Case(f"{loss}_{distance}_empty_batch", loss, empty, call_with_distance(distance),
                        with_distance_options(distance), TRIPLET_GRADS))
        empty = {"anchor": torch.zeros(2, 0), "positive": torch.zeros(2, 0), "negative": torch.zeros(2, 0)}
        out.append(Case(f"{loss}_{distance}_empty_vectors", loss, empty, call_with_distance(distance),
                        with_distance_options(distance), TRIPLET_GRADS))
    # Errors.
    ts = triplet_inputs(((2, 3),) * 3, 91)
    for margin in (0.0, -1.0):
        out.append(Case(f"{loss}_margin{margin}", loss, ts, call_with_distance("pairwise", margin=margin),
                        {"margin": margin}, TRIPLET_GRADS, error="usage"))
    out.append(Case(f"{loss}_cosine_margin0.0", loss, ts, call_with_distance("cosine", margin=0.0),
                    {"distance_function": "cosine", "margin": 0.0}, TRIPLET_GRADS, error="usage"))
    ts = triplet_inputs(((2, 3), (3,), (2, 3)), 92)
    out.append(Case(f"{loss}_rank_mismatch", loss, ts, call_with_distance("pairwise"), {}, TRIPLET_GRADS,
                    error="data"))
    ts = triplet_inputs(((2, 3), (2, 3), (2, 4)), 93)
    for distance in ("pairwise", "cosine"):
        out.append(Case(f"{loss}_{distance}_not_broadcastable", loss, ts, call_with_distance(distance),
                        with_distance_options(distance), TRIPLET_GRADS, error="data"))
    return out


# --------------------------------------------------------------------------------------------
# examples/embedding: the files the README's commands use

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "examples", "embedding")


def example_cases():
    out = []
    triplet = {name: torch.tensor(np.loadtxt(os.path.join(EXAMPLES, f"{name}.csv"), delimiter=",", skiprows=1))
               for name in ("anchor", "positive", "negative")}
    for opts in ({}, {"eps": 0.0}, {"swap": True}, {"p": 1.0}):
        out.append(Case(f"example_triplet_margin{suffix(opts)}", "triplet_margin_loss", triplet, call_triplet(**opts),
                        opts, TRIPLET_GRADS))
    for distance in ("pairwise", "cosine"):
        out.append(Case(f"example_triplet_margin_with_distance_{distance}", "triplet_margin_with_distance_loss",
                        triplet, call_with_distance(distance), with_distance_options(distance), TRIPLET_GRADS))
    with open(os.path.join(EXAMPLES, "pairs.json")) as f:
        pairs = {k: torch.tensor(v, dtype=torch.float64) for k, v in json.load(f).items()}
    for margin in (None, 0.2):
        opts = {} if margin is None else {"margin": margin}
        out.append(Case(f"example_cosine_embedding{suffix(opts)}", "cosine_embedding_loss", pairs,
                        call_cosine(margin), opts, ("input1", "input2")))
    return out


def cases():
    return (ranking_cases() + hinge_cases() + multi_margin_cases() + multilabel_cases() + cosine_cases()
            + triplet_cases() + with_distance_cases() + example_cases())
