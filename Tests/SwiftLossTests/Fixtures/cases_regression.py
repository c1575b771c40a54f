"""Regression losses: l1_loss, mse_loss, smooth_l1_loss, huber_loss."""
import torch.nn.functional as F

from fixturelib import Case, randn, seed_of, t

NAN, INF = float("nan"), float("inf")


def call_l1(ts, r, **o):
    return F.l1_loss(ts["input"], ts["target"], reduction=r, weight=ts.get("weight"))


def call_mse(ts, r, **o):
    return F.mse_loss(ts["input"], ts["target"], reduction=r, weight=ts.get("weight"))


def call_smooth(beta):
    return lambda ts, r: F.smooth_l1_loss(ts["input"], ts["target"], reduction=r, beta=beta)


def call_huber(delta):
    return lambda ts, r: F.huber_loss(ts["input"], ts["target"], reduction=r, delta=delta, weight=ts.get("weight"))


# Shapes: (input, target) pairs covering same shape, 0-d, K-dim and PyTorch broadcasting.
SHAPES = {
    "scalar": ((), ()),
    "vector": ((5,), (5,)),
    "matrix": ((3, 4), (3, 4)),
    "3d": ((2, 3, 4), (2, 3, 4)),
    "bcast_col": ((3, 1), (3, 4)),
    "bcast_row": ((4,), (3, 4)),
    "bcast_scalar_target": ((2, 3), ()),
    "bcast_both": ((2, 1, 3), (4, 1)),
}

# Exact kinks and special values: x == y, |x − y| == 1 (default beta/delta), 0.5, 2, NaN, ±inf.
KINK_INPUT = [0.0, 1.0, -1.0, 2.5, 0.5, -0.5, 3.0, NAN, INF, -INF, 1.0, 2.0]
KINK_TARGET = [0.0, 0.0, 0.0, 0.5, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, INF, -INF]


def family(loss, make_call, options, grads=("input", "target")):
    cases = []
    for shape_name, (si, st) in SHAPES.items():
        seed = seed_of(loss, shape_name, options)
        ts = {"input": randn(*si, seed=seed) * 2, "target": randn(*st, seed=seed + 1) * 2}
        cases.append(Case(f"{loss}{suffix(options)}_{shape_name}", loss, ts, make_call, options, grads))
    ts = {"input": t(KINK_INPUT), "target": t(KINK_TARGET)}
    cases.append(Case(f"{loss}{suffix(options)}_kinks_nonfinite", loss, ts, make_call, options, grads))
    ts = {"input": t([]), "target": t([])}
    cases.append(Case(f"{loss}{suffix(options)}_empty", loss, ts, make_call, options, grads))
    return cases


def suffix(options):
    return "".join(f"_{k}{v}" for k, v in options.items())


def weighted(loss, make_call, options):
    cases = []
    ts = {"input": randn(3, 4, seed=11), "target": randn(3, 4, seed=12), "weight": randn(3, 4, seed=13).abs()}
    cases.append(Case(f"{loss}{suffix(options)}_weight", loss, ts, make_call, options, ("input", "target", "weight")))
    ts = {"input": randn(3, 1, seed=14), "target": randn(3, 4, seed=15), "weight": t([[0.5], [2.0], [1.5]])}
    cases.append(Case(f"{loss}{suffix(options)}_weight_bcast", loss, ts, make_call, options,
                      ("input", "target", "weight")))
    ts = {"input": t([1.0, 2.0, 3.0]), "target": t([1.0, 0.0, 5.0]), "weight": t([0.0, -1.0, 2.0])}
    cases.append(Case(f"{loss}{suffix(options)}_weight_kinks", loss, ts, make_call, options,
                      ("input", "target", "weight")))
    ts = {"input": randn(3, 4, seed=16), "target": randn(3, 4, seed=17), "weight": randn(4, seed=18)}
    cases.append(Case(f"{loss}{suffix(options)}_weight_wrong_size", loss, ts, make_call, options,
                      ("input",), error="data"))
    return cases


def cases():
    out = []
    out += family("l1_loss", call_l1, {})
    out += weighted("l1_loss", call_l1, {})
    out += family("mse_loss", call_mse, {})
    out += weighted("mse_loss", call_mse, {})
    for beta in (1.0, 0.5, 0.0, 2.0):
        opts = {} if beta == 1.0 else {"beta": beta}
        out += family("smooth_l1_loss", call_smooth(beta), opts)
    for delta in (1.0, 0.5, 2.0):
        opts = {} if delta == 1.0 else {"delta": delta}
        out += family("huber_loss", call_huber(delta), opts)
    out += weighted("huber_loss", call_huber(1.0), {})
    out += weighted("huber_loss", call_huber(0.5), {"delta": 0.5})
    # Errors PyTorch raises on option values and shapes.
    ts = {"input": randn(3, seed=1), "target": randn(3, seed=2)}
    out.append(Case("smooth_l1_loss_negative_beta", "smooth_l1_loss", ts, call_smooth(-0.5), {"beta": -0.5},
                    error="usage"))
    out.append(Case("huber_loss_zero_delta", "huber_loss", ts, call_huber(0.0), {"delta": 0.0}, error="usage"))
    out.append(Case("huber_loss_negative_delta", "huber_loss", ts, call_huber(-1.0), {"delta": -1.0}, error="usage"))
    ts = {"input": randn(3, seed=1), "target": randn(4, seed=2)}
    for loss, call in (("l1_loss", call_l1), ("mse_loss", call_mse), ("smooth_l1_loss", call_smooth(1.0)),
                       ("huber_loss", call_huber(1.0))):
        out.append(Case(f"{loss}_not_broadcastable", loss, ts, call, {}, error="data"))
    return out
