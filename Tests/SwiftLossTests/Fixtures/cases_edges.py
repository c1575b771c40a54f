"""The last edges of issue 15, as PyTorch 2.15 computes them:

- kl_div with the deprecated size_average/reduce and reduction='batchmean': F.kl_div reduces as the
  flags say and then divides by input.size(0); nn.KLDivLoss lets the flags replace 'batchmean'.
- gaussian_nll_loss with a 0-d *tensor* var (from a file or --data): broadcast like any var, with
  a gradient; a Python float var (a bare inline number) has none.
- triplet_margin_with_distance_loss with nn.PairwiseDistance(p, eps) as the distance function.
- signed zeros: the target gradients of mse/huber/smooth_l1 where input == target.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from fixturelib import Case, rand, randn, t

LEGACY = (
    {"size_average": None, "reduce": False},
    {"size_average": None, "reduce": True},
    {"size_average": True, "reduce": None},
    {"size_average": False, "reduce": None},
    {"size_average": False, "reduce": True},
    {"size_average": True, "reduce": False},
)


def legacy_name(flags):
    return "_".join(f"{k}{v}" for k, v in flags.items() if v is not None)


def kl_cases():
    out = []
    x = torch.log_softmax(randn(3, 4, seed=1501), -1)
    y = torch.softmax(randn(3, 4, seed=1502), -1)
    for flags in LEGACY:
        given = {k: v for k, v in flags.items() if v is not None}

        def functional(ts, r, given=given):
            return F.kl_div(ts["input"], ts["target"], reduction=r, **given)

        def module(ts, r, given=given):
            return nn.KLDivLoss(reduction=r, **given)(ts["input"], ts["target"])

        out.append(Case(f"kl_div_functional_batchmean_{legacy_name(flags)}", "kl_div", {"input": x, "target": y},
                        functional, {}, ("input", "target"), ("batchmean",), legacy=given, spelling="functional"))
        out.append(Case(f"kl_div_module_batchmean_{legacy_name(flags)}", "kl_div", {"input": x, "target": y},
                        module, {}, ("input", "target"), ("batchmean",), legacy=given, spelling="module"))
    # A 0-d input is not divided (input.dim() == 0).
    out.append(Case("kl_div_functional_batchmean_scalar_reduceFalse", "kl_div", {"input": t(-0.7), "target": t(0.4)},
                    lambda ts, r: F.kl_div(ts["input"], ts["target"], reduction=r, reduce=False), {},
                    ("input", "target"), ("batchmean",), legacy={"reduce": False}, spelling="functional"))
    # Without legacy flags, module and functional agree on batchmean.
    out.append(Case("kl_div_module_batchmean_plain", "kl_div", {"input": x, "target": y},
                    lambda ts, r: nn.KLDivLoss(reduction=r)(ts["input"], ts["target"]), {},
                    ("input", "target"), ("batchmean",), spelling="module"))
    return out


def gaussian_cases():
    out = []
    g3 = ("input", "target", "var")

    def call(ts, r):
        return F.gaussian_nll_loss(ts["input"], ts["target"], ts["var"], reduction=r)

    def call_float(ts, r):
        return F.gaussian_nll_loss(ts["input"], ts["target"], float(ts["var"]), reduction=r)

    for shape in ((), (5,)):
        ts = {"input": randn(*shape, seed=1510), "target": randn(*shape, seed=1511), "var": t(0.75)}
        name = "scalar" if not shape else "vector"
        out.append(Case(f"gaussian_nll_loss_tensor_var0d_{name}", "gaussian_nll_loss", ts, call, {}, g3))
        out.append(Case(f"gaussian_nll_loss_float_var_{name}_bare", "gaussian_nll_loss", ts, call_float, {},
                        ("input", "target"), bare_numbers=("var",)))
    # Below eps: clamped, the gradient passes through the clamp.
    ts = {"input": randn(4, seed=1512), "target": randn(4, seed=1513), "var": t(1e-9)}
    out.append(Case("gaussian_nll_loss_tensor_var0d_clamped", "gaussian_nll_loss", ts, call, {}, g3))
    # A 0-d tensor var with a 2-D input is PyTorch's "var is of incorrect size" (a float var is fine).
    ts = {"input": randn(2, 3, seed=1514), "target": randn(2, 3, seed=1515), "var": t(0.5)}
    out.append(Case("gaussian_nll_loss_tensor_var0d_matrix_error", "gaussian_nll_loss", ts, call, {}, g3,
                    ("mean",), error="data"))
    out.append(Case("gaussian_nll_loss_float_var_matrix_bare", "gaussian_nll_loss", ts, call_float, {},
                    ("input", "target"), bare_numbers=("var",)))
    return out


def triplet_cases():
    out = []
    a, p, n = randn(4, 5, seed=1520), randn(4, 5, seed=1521), randn(4, 5, seed=1522)
    for pp, eps in ((1.0, 1e-6), (3.0, 0.0), (1.5, 0.25), (2.0, 1e-3), (float("inf"), 1e-6)):
        def call(ts, r, pp=pp, eps=eps):
            return F.triplet_margin_with_distance_loss(
                ts["anchor"], ts["positive"], ts["negative"], distance_function=nn.PairwiseDistance(p=pp, eps=eps),
                margin=1.5, reduction=r)
        out.append(Case(f"triplet_margin_with_distance_loss_pairwise_p{pp}_eps{eps}", "triplet_margin_with_distance_loss",
                        {"anchor": a, "positive": p, "negative": n}, call,
                        {"distance_function": "pairwise", "p": pp, "eps": eps, "margin": 1.5},
                        ("anchor", "positive", "negative")))
    return out


def signed_zero_cases():
    """input == target: PyTorch's target gradient is +0.0 for mse/huber/smooth_l1 (the backward is
    called with the arguments swapped), -0.0 for l1 (autograd negates the input's)."""
    out = []
    x = t([0.5, -1.0, 2.0, 0.0, -0.0, 3.0])
    y = t([0.5, -1.0, 1.0, 0.0, 0.0, -0.0])
    calls = {
        "mse_loss": lambda ts, r: F.mse_loss(ts["input"], ts["target"], reduction=r),
        "l1_loss": lambda ts, r: F.l1_loss(ts["input"], ts["target"], reduction=r),
        "huber_loss": lambda ts, r: F.huber_loss(ts["input"], ts["target"], reduction=r, delta=0.5),
        "smooth_l1_loss": lambda ts, r: F.smooth_l1_loss(ts["input"], ts["target"], reduction=r, beta=0.5),
    }
    options = {"mse_loss": {}, "l1_loss": {}, "huber_loss": {"delta": 0.5}, "smooth_l1_loss": {"beta": 0.5}}
    for loss, call in calls.items():
        out.append(Case(f"{loss}_signed_zeros", loss, {"input": x, "target": y}, call, options[loss],
                        ("input", "target")))
    return out


def cases():
    return kl_cases() + gaussian_cases() + triplet_cases() + signed_zero_cases()
