"""linear_cross_entropy (F.linear_cross_entropy, nn.LinearCrossEntropyLoss, PyTorch 2.15): every
shape form (1-D and 2-D input, K-dimensional out_features, the module's flat linear.weight with
out_features), with and without bias, class weights, ignore_index (also every target ignored),
label smoothing, probability targets, every reduction, the chunked path's options, and PyTorch's
errors.

Options are recorded under swiftloss's names; `call` maps them to PyTorch's arguments:
`out_features` means the module with its flat `linear.weight`/`linear.bias`, `chunked` and
`batch_chunk_size` mean `options=LinearCrossEntropyOptions(...)`.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from fixturelib import Case, idx, rand, randint, randn, seed_of, t

LOSS = "linear_cross_entropy"
N, IN, C = 3, 4, 5


def suffix(options):
    return "".join(f"_{k}{v}" for k, v in options.items()).replace(" ", "").replace(",", "x")


def chunk_options(opts):
    if not opts.get("chunked") and not opts.get("batch_chunk_size"):
        return None
    size = opts.get("batch_chunk_size") or None
    return nn.LinearCrossEntropyOptions(batch_chunk_size=size)


def kwargs_of(opts):
    kw = {k: opts[k] for k in ("ignore_index", "label_smoothing") if k in opts}
    kw["options"] = chunk_options(opts)
    return kw


def call_functional(opts):
    def call(ts, r):
        return F.linear_cross_entropy(
            ts["input"], ts["linear_weight"], ts["target"], linear_bias=ts.get("linear_bias"),
            weight=ts.get("weight"), reduction=r, **kwargs_of(opts))
    return call


def call_module(opts, classes):
    """nn.LinearCrossEntropyLoss with its flat linear.weight / linear.bias set to the tensors."""
    def call(ts, r):
        in_features = ts["linear_weight"].shape[-1]
        module = nn.LinearCrossEntropyLoss(
            in_features, classes, out_features=tuple(opts["out_features"]), bias="linear_bias" in ts,
            weight=ts.get("weight"), reduction=r, **kwargs_of(opts))
        params = {"linear.weight": ts["linear_weight"]}
        if "linear_bias" in ts:
            params["linear.bias"] = ts["linear_bias"]
        return torch.func.functional_call(module, params, (ts["input"], ts["target"]))
    return call


def grads_of(ts, probabilities):
    names = ["input", "linear_weight"]
    if probabilities:
        names.append("target")
    if "linear_bias" in ts:
        names.append("linear_bias")
    if probabilities and "weight" in ts:
        names.append("weight")
    return tuple(names)


def make(name, x, w, y, opts, bias=False, weighted=False, probabilities=False, module_classes=None, seed=0, **kw):
    out_shape = tuple(w.shape[1:-1])
    ts = {"input": x, "linear_weight": w, "target": y}
    if bias:
        ts["linear_bias"] = randn(w.shape[0], *out_shape, seed=seed + 5) * 0.5
    if weighted:
        ts["weight"] = rand(w.shape[0], seed=seed + 6) + 0.25
    if module_classes is not None:
        # The module's flat parameters: (C·d1⋯dk, in) and (C·d1⋯dk,).
        ts["linear_weight"] = w.reshape(-1, w.shape[-1])
        if bias:
            ts["linear_bias"] = ts["linear_bias"].reshape(-1)
        call = call_module(opts, module_classes)
    else:
        call = call_functional(opts)
    if "grads" not in kw:
        kw["grads"] = grads_of(ts, probabilities)
    return Case(name, LOSS, ts, call, opts, **kw)


def index_target(batch, out, seed, opts, classes=C):
    y = randint(0, classes, tuple(batch) + tuple(out), seed=seed + 1)
    if "ignore_index" in opts and y.numel() > 1:
        y.view(-1)[0] = opts["ignore_index"]
    return y


def prob_target(batch, out, seed, classes=C):
    return torch.softmax(randn(*batch, classes, *out, seed=seed + 2), dim=0 if not batch else 1)


# (input shape, out_features)
SHAPES = {
    "unbatched": ((IN,), ()),
    "batch": ((N, IN), ()),
    "batch1": ((1, IN), ()),
    "kdim1": ((N, IN), (2,)),
    "kdim2": ((2, IN), (2, 3)),
}

INDEX_OPTIONS = [
    {},
    {"ignore_index": 1},
    {"ignore_index": -1},
    {"ignore_index": -100},
    {"label_smoothing": 0.2},
    {"label_smoothing": 0.2, "ignore_index": 1},
    {"label_smoothing": 1.0},
    {"label_smoothing": -0.5},
]

PROB_OPTIONS = [{}, {"label_smoothing": 0.3}]


def cases():
    out = []
    for shape_name, (si, of) in SHAPES.items():
        batch = si[:-1]
        for opts in INDEX_OPTIONS:
            for bias, weighted in ((False, False), (True, False), (False, True), (True, True)):
                seed = seed_of(LOSS, shape_name, opts, bias, weighted)
                x = randn(*si, seed=seed)
                w = randn(C, *of, IN, seed=seed + 3) * 0.7
                y = index_target(batch, of, seed, opts)
                name = f"lce_{shape_name}{suffix(opts)}" + ("_bias" if bias else "") + ("_weight" if weighted else "")
                out.append(make(name, x, w, y, opts, bias, weighted, seed=seed))
        for opts in PROB_OPTIONS:
            for bias, weighted in ((False, False), (True, True)):
                seed = seed_of(LOSS, shape_name, "prob", opts, bias, weighted)
                x = randn(*si, seed=seed)
                w = randn(C, *of, IN, seed=seed + 3) * 0.7
                y = prob_target(batch, of, seed)
                name = f"lce_{shape_name}_prob{suffix(opts)}" + ("_bias" if bias else "") + ("_weight" if weighted else "")
                out.append(make(name, x, w, y, opts, bias, weighted, probabilities=True, seed=seed))

    # 1-D input with a (1,) target: PyTorch computes the value but its backward raises.
    seed = seed_of(LOSS, "unbatched_target1")
    out.append(make("lce_unbatched_target1", randn(IN, seed=seed), randn(C, IN, seed=seed + 3), idx([2]), {},
                    grads=()))

    # Every target ignored: mean is 0/0 = NaN, gradients zero.
    for shape_name, (si, of) in (("batch", ((N, IN), ())), ("batch1", ((1, IN), ())), ("kdim1", ((N, IN), (2,))),
                                 ("unbatched", ((IN,), ()))):
        seed = seed_of(LOSS, "all_ignored", shape_name)
        y = torch.full(tuple(si[:-1]) + of, 3, dtype=torch.int64)
        for bias in (False, True):
            out.append(make(f"lce_{shape_name}_all_ignored" + ("_bias" if bias else ""), randn(*si, seed=seed),
                            randn(C, *of, IN, seed=seed + 3), y, {"ignore_index": 3}, bias, weighted=True, seed=seed))

    # Empty batch, in_features 0, a bigger problem that crosses the kernel's blocks and tiles.
    seed = seed_of(LOSS, "empty")
    out.append(make("lce_empty_batch", randn(0, IN, seed=seed), randn(C, IN, seed=seed + 3),
                    idx([]).reshape(0), {}, bias=True, seed=seed))
    out.append(make("lce_zero_in_features_bias", torch.zeros(N, 0), torch.zeros(C, 0), idx([0, 4, 2]), {}, bias=True,
                    seed=seed))
    seed = seed_of(LOSS, "large")
    x = randn(6, 257, seed=seed)
    w = randn(37, 257, seed=seed + 3) * 0.1
    out.append(make("lce_blocks_6x257x37", x, w, randint(0, 37, (6,), seed=seed + 1), {"label_smoothing": 0.1},
                    bias=True, weighted=True, seed=seed, reductions=("mean",)))
    out.append(make("lce_blocks_prob_3x258x11", randn(3, 258, seed=seed + 7), randn(11, 258, seed=seed + 8) * 0.1,
                    torch.softmax(randn(3, 11, seed=seed + 9), 1), {}, bias=True, probabilities=True, seed=seed,
                    reductions=("sum",)))

    # The module's flat linear.weight / linear.bias read with out_features.
    for of in ((2,), (2, 3), ()):
        for bias in (False, True):
            for opts_extra, prob in (({}, False), ({"label_smoothing": 0.1, "ignore_index": 0}, False), ({}, True)):
                seed = seed_of(LOSS, "module", of, bias, opts_extra, prob)
                opts = {"out_features": list(of), **opts_extra}
                x = randn(N, IN, seed=seed)
                w = randn(C, *of, IN, seed=seed + 3) * 0.7
                y = prob_target((N,), of, seed) if prob else index_target((N,), of, seed, opts)
                name = f"lce_module_out{'x'.join(map(str, of)) or 'none'}" + suffix(opts_extra) + \
                    ("_prob" if prob else "") + ("_bias" if bias else "")
                out.append(make(name, x, w, y, opts, bias, weighted=prob, probabilities=prob, module_classes=C,
                                seed=seed))

    # The chunked path (options=LinearCrossEntropyOptions(...)): the same value; PyTorch warns where
    # it falls back to the reference path (label smoothing, K-dim, probability targets with a gradient).
    for opts, of, prob in (
        ({"chunked": True}, (), False),
        ({"batch_chunk_size": 2}, (), False),
        ({"batch_chunk_size": 1, "ignore_index": 2}, (), False),
        ({"chunked": True, "label_smoothing": 0.25}, (), False),
        ({"chunked": True}, (2,), False),
        ({"chunked": True}, (), True),
    ):
        for si in ((N, IN), (IN,)) if not of else ((N, IN),):
            seed = seed_of(LOSS, "chunked", opts, of, prob, si)
            batch = si[:-1]
            x = randn(*si, seed=seed)
            w = randn(C, *of, IN, seed=seed + 3) * 0.7
            y = prob_target(batch, of, seed) if prob else index_target(batch, of, seed, opts)
            name = f"lce_chunked{'_unbatched' if not batch else ''}{suffix(opts)}" + \
                (f"_kdim{len(of)}" if of else "") + ("_prob" if prob else "")
            out.append(make(name, x, w, y, opts, bias=True, weighted=True, probabilities=prob, seed=seed))

    # PyTorch's errors.
    seed = seed_of(LOSS, "errors")
    x2, w2 = randn(N, IN, seed=seed), randn(C, IN, seed=seed + 1)
    y2 = randint(0, C, (N,), seed=seed + 2)
    errors = [
        ("input_3d", {"input": randn(2, N, IN, seed=seed), "linear_weight": w2, "target": y2}, {}, "data"),
        ("input_0d", {"input": t(1.5), "linear_weight": w2, "target": y2}, {}, "data"),
        ("weight_1d", {"input": x2, "linear_weight": randn(IN, seed=seed), "target": y2}, {}, "data"),
        ("in_features", {"input": x2, "linear_weight": randn(C, IN + 1, seed=seed), "target": y2}, {}, "data"),
        ("bias_shape", {"input": x2, "linear_weight": w2, "target": y2, "linear_bias": randn(C + 1, seed=seed)}, {},
         "data"),
        ("bias_kdim_shape", {"input": x2, "linear_weight": randn(C, 2, IN, seed=seed), "target": idx([[0, 1]] * N),
                             "linear_bias": randn(C, seed=seed)}, {}, "data"),
        ("kdim_unbatched", {"input": randn(IN, seed=seed), "linear_weight": randn(C, 2, IN, seed=seed),
                            "target": idx([0, 1])}, {}, "data"),
        ("prob_ignore_index", {"input": x2, "linear_weight": w2, "target": prob_target((N,), (), seed)},
         {"ignore_index": -100}, "usage"),
        ("prob_ignore_index_unbatched", {"input": randn(IN, seed=seed), "linear_weight": w2,
                                         "target": prob_target((), (), seed)}, {"ignore_index": 3}, "usage"),
        ("label_smoothing_above_1", {"input": x2, "linear_weight": w2, "target": y2}, {"label_smoothing": 1.5},
         "usage"),
        ("target_out_of_range", {"input": x2, "linear_weight": w2, "target": idx([0, C, 1])}, {}, "data"),
        ("target_batch", {"input": x2, "linear_weight": w2, "target": idx([0, 1])}, {}, "data"),
        ("target_kdim_shape", {"input": x2, "linear_weight": randn(C, 2, IN, seed=seed),
                               "target": idx([[0, 1, 2]] * N)}, {}, "data"),
        ("class_weight_size", {"input": x2, "linear_weight": w2, "target": y2, "weight": rand(C + 1, seed=seed)}, {},
         "data"),
        ("batch_chunk_size_negative", {"input": x2, "linear_weight": w2, "target": y2}, {"batch_chunk_size": -2},
         "usage"),
        ("module_flat_not_divisible", {"input": x2, "linear_weight": randn(C * 2 + 1, IN, seed=seed),
                                       "target": idx([[0, 1]] * N)}, {"out_features": [2]}, "data"),
    ]
    for name, ts, opts, kind in errors:
        if "out_features" in opts:
            call = call_module(opts, C)
        else:
            call = call_functional(opts)
        out.append(Case(f"lce_error_{name}", LOSS, ts, call, opts, ("input",), ("mean",), error=kind))
    return out
