"""Classification losses: cross_entropy, nll_loss, binary_cross_entropy,
binary_cross_entropy_with_logits, soft_margin_loss, multilabel_soft_margin_loss."""
import math

import torch
import torch.nn.functional as F

from fixturelib import Case, idx, rand, randint, randn, seed_of, t

NAN, INF = float("nan"), float("inf")


def suffix(options):
    return "".join(f"_{k}{v}" for k, v in options.items())


# ---------------------------------------------------------------------------------------------
# cross_entropy / nll_loss

def call_ce(opts):
    def call(ts, r):
        return F.cross_entropy(ts["input"], ts["target"], weight=ts.get("weight"), reduction=r, **opts)
    return call


def call_nll(opts):
    def call(ts, r):
        return F.nll_loss(ts["input"], ts["target"], weight=ts.get("weight"), reduction=r, **opts)
    return call


# (input shape, target shape) for index targets; C = 5 or 3.
INDEX_SHAPES = {
    "unbatched": ((5,), ()),
    "unbatched_target1": ((5,), (1,)),
    "batch": ((4, 5), (4,)),
    "batch1": ((1, 5), (1,)),
    "kdim3": ((2, 3, 4), (2, 4)),
    "kdim4": ((2, 3, 2, 3), (2, 2, 3)),
    "kdim5": ((2, 3, 2, 1, 2), (2, 2, 1, 2)),
}


def index_cases(loss, make_call, logits_scale):
    out = []
    option_sets = [
        {},
        {"ignore_index": 1},
        {"ignore_index": -1},
    ]
    if loss == "cross_entropy":
        option_sets += [
            {"label_smoothing": 0.2},
            {"label_smoothing": 0.2, "ignore_index": 1},
            {"label_smoothing": 1.0},
            {"label_smoothing": -0.5},
        ]
    for shape_name, (si, st) in INDEX_SHAPES.items():
        classes = si[0] if len(si) == 1 else si[1]
        for opts in option_sets:
            for weighted in (False, True):
                seed = seed_of(loss, shape_name, opts, weighted)
                x = randn(*si, seed=seed) * logits_scale
                if loss == "nll_loss":
                    x = torch.log_softmax(x, 0 if len(si) == 1 else 1)
                y = randint(0, classes, st, seed=seed + 1)
                if "ignore_index" in opts and y.numel() > 1:
                    y.view(-1)[0] = opts["ignore_index"]
                ts = {"input": x, "target": y}
                name = f"{loss}_{shape_name}{suffix(opts)}"
                if weighted:
                    ts["weight"] = rand(classes, seed=seed + 2) + 0.25
                    name += "_weight"
                if shape_name == "unbatched_target1":
                    # PyTorch computes the value but its backward raises "size mismatch (got input:
                    # [5], target: [1])", so it gives no gradient; with label smoothing the forward
                    # raises too ("output with shape [] doesn't match the broadcast shape [1]").
                    error = "data" if opts.get("label_smoothing", 0) > 0 else None
                    out.append(Case(name, loss, ts, make_call(opts), opts, () if not error else ("input",),
                                    error=error))
                    continue
                out.append(Case(name, loss, ts, make_call(opts), opts, ("input",)))
    return out


def index_edges(loss, make_call):
    out = []
    ce = loss == "cross_entropy"

    def add(name, ts, opts=None, grads=("input",), reductions=("mean", "sum", "none")):
        opts = opts or {}
        out.append(Case(f"{loss}_{name}", loss, ts, make_call(opts), opts, grads, reductions))

    # Every target ignored: mean is 0/0 = NaN, the gradient is zero.
    add("all_ignored", {"input": randn(3, 4, seed=1), "target": idx([-100, -100, -100])})
    add("all_ignored_weight", {"input": randn(3, 4, seed=2), "target": idx([2, 2, 2]),
                                "weight": t([1.0, 2.0, 3.0, 4.0])}, {"ignore_index": 2})
    add("all_ignored_kdim", {"input": randn(2, 3, 2, seed=3), "target": idx([[1, 1], [1, 1]])},
        {"ignore_index": 1})
    add("unbatched_ignored", {"input": randn(4, seed=4), "target": idx(-100)})
    # Empty batch: mean NaN, sum 0.
    add("empty_batch", {"input": randn(0, 4, seed=5), "target": idx([])})
    add("empty_kdim", {"input": randn(2, 3, 0, seed=6), "target": torch.zeros(2, 0, dtype=torch.int64)})
    # Zero / negative class weights.
    add("zero_weights", {"input": randn(3, 4, seed=7), "target": idx([0, 1, 2]), "weight": t([0.0, 0.0, 0.0, 1.0])})
    add("negative_weight", {"input": randn(3, 4, seed=8), "target": idx([0, 1, 3]),
                            "weight": t([1.0, -0.5, 2.0, 0.5])})
    # Out-of-range (not in [0, C)) ignore_index values are fine when no target uses another bad value.
    add("ignore_index_large", {"input": randn(3, 4, seed=9), "target": idx([0, 7, 3])}, {"ignore_index": 7})
    # K-dim with a (C, 1) weight: nll_loss2d only counts the elements.
    add("kdim_weight_2d", {"input": randn(2, 3, 4, seed=10), "target": randint(0, 3, (2, 4), seed=11),
                           "weight": t([[0.5], [1.0], [2.0]])})
    # Non-finite logits.
    add("huge_logits", {"input": t([[1000.0, 0.0, -1000.0], [-1000.0, 1000.0, 0.0], [0.0, 0.0, 0.0]]),
                        "target": idx([0, 2, 1])})
    add("neg_inf_other_class", {"input": t([[-INF, 0.0, 1.0], [2.0, -INF, 0.5]]), "target": idx([2, 0])})
    add("neg_inf_target_class", {"input": t([[-INF, 0.0, 1.0], [2.0, 1.0, 0.5]]), "target": idx([0, 1])})
    add("nan_input", {"input": t([[NAN, 0.0, 1.0], [2.0, 1.0, 0.5], [0.1, NAN, 0.3]]), "target": idx([0, 1, -100])})
    add("inf_input", {"input": t([[INF, 0.0, 1.0], [2.0, 1.0, 0.5]]), "target": idx([1, 0])})
    if ce:
        add("huge_logits_smoothing", {"input": t([[1000.0, 0.0, -1000.0], [0.0, 0.0, 0.0]]), "target": idx([0, 1])},
            {"label_smoothing": 0.1})
        add("all_ignored_smoothing", {"input": randn(3, 4, seed=12), "target": idx([-100, -100, -100])},
            {"label_smoothing": 0.3})
        add("all_ignored_smoothing_weight", {"input": randn(3, 4, seed=13), "target": idx([-100, -100, -100]),
                                             "weight": t([1.0, 2.0, 3.0, 4.0])}, {"label_smoothing": 0.3})
        add("zero_weights_smoothing", {"input": randn(3, 4, seed=14), "target": idx([0, 1, 2]),
                                       "weight": t([0.0, 0.0, 0.0, 1.0])}, {"label_smoothing": 0.3})
        add("kdim_weight_2d_smoothing", {"input": randn(2, 3, 4, seed=15), "target": randint(0, 3, (2, 4), seed=16),
                                         "weight": t([[0.5], [1.0], [2.0]])}, {"label_smoothing": 0.3},
            reductions=("sum", "none"))
        add("large_c", {"input": randn(6, 300, seed=17) * 3, "target": randint(0, 300, (6,), seed=18)})
        add("large_c_smoothing", {"input": randn(6, 300, seed=19) * 3, "target": randint(0, 300, (6,), seed=20)},
            {"label_smoothing": 0.05})
    else:
        add("raw_logits_not_normalised", {"input": randn(3, 4, seed=21) * 5, "target": idx([3, 0, 1])})
    return out


def index_errors(loss, make_call):
    out = []

    def err(name, ts, kind="data", opts=None, reductions=("mean", "sum", "none")):
        opts = opts or {}
        out.append(Case(f"{loss}_error_{name}", loss, ts, make_call(opts), opts, ("input",), reductions, error=kind))

    x = randn(4, 5, seed=30)
    err("target_out_of_range", {"input": x, "target": idx([0, 5, 1, 2])})
    err("target_negative", {"input": x, "target": idx([0, -1, 1, 2])})
    err("target_fractional", {"input": x, "target": t([0.0, 1.5, 1.0, 2.0])})
    err("batch_mismatch", {"input": x, "target": idx([0, 1, 2])})
    err("target_2d_for_2d_input", {"input": x, "target": idx([[0, 1, 2, 3]] * 4)})
    err("weight_wrong_size", {"input": x, "target": idx([0, 1, 2, 3]), "weight": t([1.0, 2.0, 3.0, 4.0])})
    err("weight_2d", {"input": x, "target": idx([0, 1, 2, 3]), "weight": t([[1.0] * 5])})
    err("kdim_target_mismatch", {"input": randn(2, 3, 4, seed=31), "target": idx([[0, 1, 2], [0, 1, 2]])})
    err("kdim4_target_mismatch", {"input": randn(2, 3, 4, 5, seed=32), "target": torch.zeros(2, 4, 4, dtype=torch.int64)})
    err("kdim4_target_dims", {"input": randn(2, 3, 4, 5, seed=33), "target": torch.zeros(2, 4, dtype=torch.int64)})
    err("kdim_target_out_of_range", {"input": randn(2, 3, 4, seed=34), "target": idx([[0, 1, 2, 3], [0, 0, 0, 0]])})
    err("kdim_weight_wrong_size", {"input": randn(2, 3, 4, seed=35), "target": idx([[0, 1, 2, 0], [0, 0, 0, 0]]),
                                   "weight": t([1.0, 2.0])})
    err("unbatched_target_size3", {"input": randn(5, seed=36), "target": idx([0, 1, 2])})
    err("unbatched_target_out_of_range", {"input": randn(5, seed=37), "target": idx(5)})
    err("ignore_index_other_negative", {"input": x, "target": idx([0, -100, 1, 2])}, opts={"ignore_index": -1})
    if loss == "nll_loss":
        err("scalar_input", {"input": t(0.5), "target": idx(0)})
    else:
        err("label_smoothing_too_large", {"input": x, "target": idx([0, 1, 2, 3])}, "usage", {"label_smoothing": 1.5})
        err("scalar_input", {"input": t(0.5), "target": t(0.0)})
        err("prob_ignore_index_set", {"input": x, "target": rand(4, 5, seed=38)}, "usage", {"ignore_index": 0})
        err("prob_label_smoothing_too_large", {"input": x, "target": rand(4, 5, seed=39)}, "usage",
            {"label_smoothing": 2.0})
        err("prob_weight_wrong_size", {"input": x, "target": rand(4, 5, seed=40), "weight": t([1.0, 2.0])})
        err("prob_weight_2d", {"input": x, "target": rand(4, 5, seed=41), "weight": t([[1.0] * 5])})
        err("kdim_weight_2d_smoothing_mean", {"input": randn(2, 3, 4, seed=42),
                                              "target": idx([[0, 1, 2, 0], [0, 0, 0, 0]]),
                                              "weight": t([[0.5], [1.0], [2.0]])}, opts={"label_smoothing": 0.3},
            reductions=("mean",))
    return out


PROB_SHAPES = {"unbatched": (5,), "batch": (4, 5), "kdim3": (2, 3, 4), "kdim4": (2, 3, 2, 2)}


def prob_cases():
    out = []
    for shape_name, shape in PROB_SHAPES.items():
        classes = shape[0] if len(shape) == 1 else shape[1]
        for opts in ({}, {"label_smoothing": 0.3}, {"label_smoothing": 1.0}):
            for weighted in (False, True):
                seed = seed_of("ce_prob", shape_name, opts, weighted)
                x = randn(*shape, seed=seed) * 2
                p = torch.softmax(randn(*shape, seed=seed + 1), 0 if len(shape) == 1 else 1)
                ts = {"input": x, "target": p}
                grads = ("input", "target")
                name = f"cross_entropy_prob_{shape_name}{suffix(opts)}"
                if weighted:
                    ts["weight"] = rand(classes, seed=seed + 2) + 0.25
                    grads = ("input", "target", "weight")
                    name += "_weight"
                out.append(Case(name, "cross_entropy", ts, call_ce(opts), opts, grads))
    g3 = ("input", "target", "weight")

    def add(name, ts, opts=None, grads=("input", "target")):
        opts = opts or {}
        out.append(Case(f"cross_entropy_prob_{name}", "cross_entropy", ts, call_ce(opts), opts, grads))

    add("unnormalised_targets", {"input": randn(3, 4, seed=50), "target": randn(3, 4, seed=51)})
    add("neg_inf_logit_zero_prob", {"input": t([[-INF, 0.0, 1.0], [0.5, 0.0, 1.0]]),
                                    "target": t([[0.0, 0.5, 0.5], [0.2, 0.3, 0.5]])})
    add("huge_logits", {"input": t([[1000.0, -1000.0, 0.0]]), "target": t([[0.25, 0.25, 0.5]])}, {"label_smoothing": 0.1})
    add("empty_batch", {"input": randn(0, 3, seed=52), "target": randn(0, 3, seed=53)})
    add("negative_smoothing", {"input": randn(3, 4, seed=54), "target": rand(3, 4, seed=55)}, {"label_smoothing": -0.5})
    add("negative_weight", {"input": randn(3, 4, seed=56), "target": rand(3, 4, seed=57),
                            "weight": t([1.0, -1.0, 0.0, 2.0])}, {}, g3)
    add("one_hot_equals_index", {"input": randn(3, 4, seed=58), "target": F.one_hot(idx([1, 3, 0]), 4).double()})
    return out


# ---------------------------------------------------------------------------------------------
# binary_cross_entropy / binary_cross_entropy_with_logits

def call_bce(ts, r):
    return F.binary_cross_entropy(ts["input"], ts["target"], weight=ts.get("weight"), reduction=r)


def call_bcel(ts, r):
    return F.binary_cross_entropy_with_logits(ts["input"], ts["target"], weight=ts.get("weight"), reduction=r,
                                              pos_weight=ts.get("pos_weight"))


ELEMENT_SHAPES = {"scalar": (), "vector": (5,), "matrix": (3, 4), "3d": (2, 3, 4)}


def bce_cases():
    out = []
    for shape_name, shape in ELEMENT_SHAPES.items():
        seed = seed_of("bce", shape_name)
        ts = {"input": rand(*shape, seed=seed) * 0.98 + 0.01, "target": rand(*shape, seed=seed + 1)}
        out.append(Case(f"binary_cross_entropy_{shape_name}", "binary_cross_entropy", ts, call_bce, {},
                        ("input", "target")))
        ts = dict(ts, target=(rand(*shape, seed=seed + 2) > 0.5).double())
        out.append(Case(f"binary_cross_entropy_{shape_name}_hard_targets", "binary_cross_entropy", ts, call_bce, {},
                        ("input", "target")))
    weights = {
        "same_shape": (3, 4),
        "row": (4,),
        "column": (3, 1),
        "scalar": (),
    }
    for wname, wshape in weights.items():
        seed = seed_of("bce_w", wname)
        ts = {"input": rand(3, 4, seed=seed) * 0.98 + 0.01, "target": rand(3, 4, seed=seed + 1),
              "weight": rand(*wshape, seed=seed + 2) * 2}
        out.append(Case(f"binary_cross_entropy_weight_{wname}", "binary_cross_entropy", ts, call_bce, {},
                        ("input", "target")))
    # log clamps at −100, x exactly 0 and 1, tiny x, the gradient's epsilon.
    edge_x = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1e-50, math.exp(-99), 1 - 1e-16, 0.5, 1e-300, 0.25]
    edge_y = [1.0, 0.0, 0.5, 1.0, 0.0, 0.5, 1.0, 1.0, 0.0, 0.5, 0.0, 0.25]
    out.append(Case("binary_cross_entropy_edges", "binary_cross_entropy", {"input": t(edge_x), "target": t(edge_y)},
                    call_bce, {}, ("input", "target")))
    out.append(Case("binary_cross_entropy_edges_weight", "binary_cross_entropy",
                    {"input": t(edge_x), "target": t(edge_y), "weight": t([0.0, 2.0] * 6)},
                    call_bce, {}, ("input", "target")))
    out.append(Case("binary_cross_entropy_empty", "binary_cross_entropy", {"input": t([]), "target": t([])},
                    call_bce, {}, ("input", "target")))
    # Errors.
    def err(name, ts):
        out.append(Case(f"binary_cross_entropy_error_{name}", "binary_cross_entropy", ts, call_bce, {},
                        ("input",), error="data"))
    err("input_above_1", {"input": t([0.5, 1.5]), "target": t([0.5, 0.5])})
    err("input_negative", {"input": t([0.5, -0.1]), "target": t([0.5, 0.5])})
    err("input_nan", {"input": t([0.5, NAN]), "target": t([0.5, 0.5])})
    err("target_above_1", {"input": t([0.5, 0.5]), "target": t([0.5, 2.0])})
    err("target_nan", {"input": t([0.5, 0.5]), "target": t([NAN, 0.5])})
    err("target_size", {"input": t([0.5, 0.5]), "target": t([[0.5, 0.5]])})
    err("target_size_broadcastable", {"input": rand(3, 1, seed=60), "target": rand(3, 4, seed=61)})
    err("weight_enlarges", {"input": rand(3, 4, seed=62), "target": rand(3, 4, seed=63), "weight": rand(2, 3, 4, seed=64)})
    err("weight_not_broadcastable", {"input": rand(3, 4, seed=65), "target": rand(3, 4, seed=66), "weight": rand(5, seed=67)})
    return out


def bcel_cases():
    out = []
    g = ("input", "target")
    for shape_name, shape in ELEMENT_SHAPES.items():
        seed = seed_of("bcel", shape_name)
        ts = {"input": randn(*shape, seed=seed) * 3, "target": rand(*shape, seed=seed + 1)}
        out.append(Case(f"binary_cross_entropy_with_logits_{shape_name}", "binary_cross_entropy_with_logits", ts,
                        call_bcel, {}, g))
        if shape:
            ts = dict(ts, weight=rand(*shape, seed=seed + 2) * 2)
            out.append(Case(f"binary_cross_entropy_with_logits_{shape_name}_weight",
                            "binary_cross_entropy_with_logits", ts, call_bcel, {}, g))
    pos = {
        "matrix_per_class": ((3, 4), (4,)),
        "scalar_pos_weight": ((3, 4), ()),
        "4d_per_channel": ((2, 3, 2, 2), (3, 1, 1)),
        "4d_per_channel_keepdim": ((2, 3, 2, 2), (1, 3, 1, 1)),
        "4d_full": ((2, 3, 2, 2), (3, 2, 2)),
        "4d_last_dim": ((2, 3, 2, 2), (2,)),
        "vector": ((5,), (5,)),
    }
    for pname, (shape, pshape) in pos.items():
        seed = seed_of("bcel_pw", pname)
        ts = {"input": randn(*shape, seed=seed) * 3, "target": rand(*shape, seed=seed + 1),
              "pos_weight": rand(*pshape, seed=seed + 2) * 3}
        out.append(Case(f"binary_cross_entropy_with_logits_pos_weight_{pname}", "binary_cross_entropy_with_logits",
                        ts, call_bcel, {}, g))
        ts = dict(ts, weight=rand(shape[-1], seed=seed + 3) + 0.5)
        out.append(Case(f"binary_cross_entropy_with_logits_pos_weight_{pname}_weight",
                        "binary_cross_entropy_with_logits", ts, call_bcel, {}, g))
    edge_x = [1000.0, -1000.0, 1000.0, -1000.0, 0.0, 30.0, -30.0, 700.0, -745.0, 1e-300]
    edge_y = [0.0, 1.0, 1.0, 0.0, 0.5, 2.0, -1.0, 0.25, 0.75, 1.0]
    out.append(Case("binary_cross_entropy_with_logits_edges", "binary_cross_entropy_with_logits",
                    {"input": t(edge_x), "target": t(edge_y)}, call_bcel, {}, g))
    out.append(Case("binary_cross_entropy_with_logits_edges_pos_weight", "binary_cross_entropy_with_logits",
                    {"input": t(edge_x), "target": t(edge_y), "pos_weight": t(2.5)}, call_bcel, {}, g))
    out.append(Case("binary_cross_entropy_with_logits_infinite", "binary_cross_entropy_with_logits",
                    {"input": t([INF, -INF, INF, -INF, NAN]), "target": t([1.0, 0.0, 0.0, 1.0, 0.5])}, call_bcel, {}, g))
    out.append(Case("binary_cross_entropy_with_logits_empty", "binary_cross_entropy_with_logits",
                    {"input": t([]), "target": t([])}, call_bcel, {}, g))
    out.append(Case("binary_cross_entropy_with_logits_zero_pos_weight", "binary_cross_entropy_with_logits",
                    {"input": randn(3, 2, seed=70), "target": rand(3, 2, seed=71), "pos_weight": t([0.0, -1.0])},
                    call_bcel, {}, g))

    def err(name, ts):
        out.append(Case(f"binary_cross_entropy_with_logits_error_{name}", "binary_cross_entropy_with_logits", ts,
                        call_bcel, {}, ("input",), error="data"))
    err("target_size", {"input": randn(4, seed=72), "target": rand(4, 1, seed=73)})
    err("pos_weight_not_broadcastable", {"input": randn(3, 4, seed=74), "target": rand(3, 4, seed=75),
                                         "pos_weight": rand(3, seed=76)})
    err("pos_weight_enlarges", {"input": randn(4, seed=77), "target": rand(4, seed=78), "pos_weight": rand(2, 4, seed=79)})
    err("weight_enlarges", {"input": randn(4, seed=80), "target": rand(4, seed=81), "weight": rand(2, 4, seed=82)})
    return out


# ---------------------------------------------------------------------------------------------
# soft_margin_loss / multilabel_soft_margin_loss

def call_sm(ts, r):
    return F.soft_margin_loss(ts["input"], ts["target"], reduction=r)


def call_mlsm(ts, r):
    return F.multilabel_soft_margin_loss(ts["input"], ts["target"], weight=ts.get("weight"), reduction=r)


def sign(x):
    return torch.where(x >= 0, 1.0, -1.0).double()


def soft_margin_cases():
    out = []
    shapes = {"scalar": ((), ()), "vector": ((5,), (5,)), "matrix": ((3, 4), (3, 4)), "3d": ((2, 3, 4), (2, 3, 4)),
              "bcast_row": ((3, 4), (4,)), "bcast_scalar": ((3, 4), ())}
    for shape_name, (si, st) in shapes.items():
        seed = seed_of("soft_margin", shape_name)
        ts = {"input": randn(*si, seed=seed) * 2, "target": sign(randn(*st, seed=seed + 1))}
        out.append(Case(f"soft_margin_loss_{shape_name}", "soft_margin_loss", ts, call_sm, {}, ("input",)))
    out.append(Case("soft_margin_loss_edges", "soft_margin_loss",
                    {"input": t([1000.0, -1000.0, 1000.0, 0.0, 2.0, 3.0, NAN, INF, 700.0]),
                     "target": t([1.0, 1.0, -1.0, 1.0, 0.5, 0.0, 1.0, 1.0, -1.0])}, call_sm, {}, ("input",)))
    out.append(Case("soft_margin_loss_empty", "soft_margin_loss", {"input": t([]), "target": t([])}, call_sm, {},
                    ("input",)))
    out.append(Case("soft_margin_loss_error_target_enlarges", "soft_margin_loss",
                    {"input": randn(4, seed=90), "target": sign(randn(3, 4, seed=91))}, call_sm, {}, ("input",),
                    error="data"))
    out.append(Case("soft_margin_loss_error_not_broadcastable", "soft_margin_loss",
                    {"input": randn(3, 4, seed=92), "target": sign(randn(3, seed=93))}, call_sm, {}, ("input",),
                    error="data"))
    return out


def multilabel_soft_margin_cases():
    out = []
    g2, g3 = ("input", "target"), ("input", "target", "weight")
    shapes = {
        "vector": ((5,), (5,), None),
        "matrix": ((3, 4), (3, 4), None),
        "3d": ((2, 3, 4), (2, 3, 4), None),
        "matrix_weight_classes": ((3, 4), (3, 4), (4,)),
        "matrix_weight_full": ((3, 4), (3, 4), (3, 4)),
        "matrix_weight_column": ((3, 4), (3, 4), (3, 1)),
        "vector_weight": ((5,), (5,), (5,)),
        "3d_weight": ((2, 3, 4), (2, 3, 4), (4,)),
        "target_bcast_row": ((3, 4), (4,), None),
        "input_bcast_row": ((4,), (3, 4), None),
        "weight_enlarges": ((4,), (4,), (3, 4)),
        "matrix_weight_scalar": ((3, 4), (3, 4), ()),
    }
    for shape_name, (si, st, sw) in shapes.items():
        seed = seed_of("mlsm", shape_name)
        ts = {"input": randn(*si, seed=seed) * 2, "target": (rand(*st, seed=seed + 1) > 0.5).double()}
        grads = g2
        if sw is not None:
            ts["weight"] = rand(*sw, seed=seed + 2) * 2
            grads = g3
        out.append(Case(f"multilabel_soft_margin_loss_{shape_name}", "multilabel_soft_margin_loss", ts, call_mlsm, {},
                        grads))
    out.append(Case("multilabel_soft_margin_loss_soft_targets", "multilabel_soft_margin_loss",
                    {"input": randn(3, 4, seed=100), "target": rand(3, 4, seed=101) * 3 - 1}, call_mlsm, {}, g2))
    out.append(Case("multilabel_soft_margin_loss_edges", "multilabel_soft_margin_loss",
                    {"input": t([[1000.0, -1000.0, 0.0, 30.0], [-1000.0, 1000.0, -30.0, NAN]]),
                     "target": t([[1.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.5, 1.0]]),
                     "weight": t([1.0, 0.5, 0.0, 2.0])}, call_mlsm, {}, g3))
    out.append(Case("multilabel_soft_margin_loss_empty_batch", "multilabel_soft_margin_loss",
                    {"input": randn(0, 4, seed=102), "target": rand(0, 4, seed=103)}, call_mlsm, {}, g2))
    out.append(Case("multilabel_soft_margin_loss_zero_classes", "multilabel_soft_margin_loss",
                    {"input": randn(3, 0, seed=104), "target": rand(3, 0, seed=105)}, call_mlsm, {}, g2))
    out.append(Case("multilabel_soft_margin_loss_error_scalar_input", "multilabel_soft_margin_loss",
                    {"input": t(0.5), "target": t(1.0)}, call_mlsm, {}, ("input",), error="data"))
    out.append(Case("multilabel_soft_margin_loss_error_weight_batch", "multilabel_soft_margin_loss",
                    {"input": randn(3, 4, seed=106), "target": rand(3, 4, seed=107), "weight": rand(3, seed=108)},
                    call_mlsm, {}, ("input",), error="data"))
    out.append(Case("multilabel_soft_margin_loss_error_target_shape", "multilabel_soft_margin_loss",
                    {"input": randn(3, 4, seed=109), "target": rand(3, 5, seed=110)},
                    call_mlsm, {}, ("input",), error="data"))
    return out


def cases():
    out = []
    out += index_cases("cross_entropy", call_ce, 2.0)
    out += index_edges("cross_entropy", call_ce)
    out += index_errors("cross_entropy", call_ce)
    out += prob_cases()
    out += index_cases("nll_loss", call_nll, 2.0)
    out += index_edges("nll_loss", call_nll)
    out += index_errors("nll_loss", call_nll)
    out += bce_cases()
    out += bcel_cases()
    out += soft_margin_cases()
    out += multilabel_soft_margin_cases()
    return out
