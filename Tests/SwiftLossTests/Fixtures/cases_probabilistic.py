"""Probabilistic losses: kl_div, poisson_nll_loss, gaussian_nll_loss."""
import math

import torch
import torch.nn.functional as F

from fixturelib import Case, rand, randn, seed_of, t

NAN, INF = float("nan"), float("inf")
G2 = ("input", "target")


def suffix(options):
    return "".join(f"_{k}{v}" for k, v in options.items())


SHAPES = {
    "scalar": ((), ()),
    "vector": ((5,), (5,)),
    "matrix": ((3, 4), (3, 4)),
    "3d": ((2, 3, 4), (2, 3, 4)),
    "bcast_input_row": ((4,), (3, 4)),
    "bcast_target_col": ((3, 4), (3, 1)),
    "bcast_scalar_target": ((2, 3), ()),
}


# ---------------------------------------------------------------------------------------------
# kl_div

KL_REDUCTIONS = ("mean", "sum", "none", "batchmean")


def call_kl(opts):
    return lambda ts, r: F.kl_div(ts["input"], ts["target"], reduction=r, **opts)


def kl_cases():
    out = []
    for opts in ({}, {"log_target": True}):
        for shape_name, (si, st) in SHAPES.items():
            seed = seed_of("kl", shape_name, opts)
            x = torch.log_softmax(randn(*si, seed=seed), -1) if si else randn(seed=seed).abs().neg()
            p = rand(*st, seed=seed + 1) + 0.05
            y = p.log() if opts else p
            out.append(Case(f"kl_div_{shape_name}{suffix(opts)}", "kl_div", {"input": x, "target": y}, call_kl(opts),
                            opts, G2, KL_REDUCTIONS))
        out.append(Case(f"kl_div_empty{suffix(opts)}", "kl_div", {"input": randn(0, 3, seed=1), "target": rand(0, 3, seed=2)},
                        call_kl(opts), opts, G2, KL_REDUCTIONS))
    # Zero, negative, NaN and infinite targets and inputs, as PyTorch handles them.
    x = t([-INF, 1.0, 1.0, 0.3, 0.2, 0.1, -0.5, INF, -2.0])
    y = t([0.0, 0.0, -1.0, 0.5, NAN, INF, 1.0, 0.0, 1e-300])
    out.append(Case("kl_div_edges", "kl_div", {"input": x, "target": y}, call_kl({}), {}, G2, KL_REDUCTIONS))
    yl = t([-INF, 0.0, -1.0, 0.5, INF, 1.0, NAN, -700.0, 5.0])
    out.append(Case("kl_div_edges_log_target", "kl_div", {"input": x, "target": yl}, call_kl({"log_target": True}),
                    {"log_target": True}, G2, KL_REDUCTIONS))
    out.append(Case("kl_div_raw_scores_not_checked", "kl_div", {"input": randn(3, 4, seed=3) * 3, "target": randn(3, 4, seed=4)},
                    call_kl({}), {}, G2, KL_REDUCTIONS))
    out.append(Case("kl_div_error_not_broadcastable", "kl_div", {"input": randn(3, 4, seed=5), "target": rand(3, seed=6)},
                    call_kl({}), {}, ("input",), ("sum",), error="data"))
    return out


# ---------------------------------------------------------------------------------------------
# poisson_nll_loss

def call_poisson(opts):
    return lambda ts, r: F.poisson_nll_loss(ts["input"], ts["target"], reduction=r, **opts)


POISSON_OPTIONS = [
    {},
    {"full": True},
    {"log_input": False},
    {"log_input": False, "full": True},
    {"log_input": False, "eps": 1e-3},
    {"log_input": False, "full": True, "eps": 0.5},
]


def poisson_cases():
    out = []
    for opts in POISSON_OPTIONS:
        for shape_name, (si, st) in SHAPES.items():
            seed = seed_of("poisson", shape_name, opts)
            x = randn(*si, seed=seed)
            if opts.get("log_input") is False:
                x = x.abs() + 0.1
            y = torch.floor(rand(*st, seed=seed + 1) * 6)
            out.append(Case(f"poisson_nll_loss_{shape_name}{suffix(opts)}", "poisson_nll_loss", {"input": x, "target": y},
                            call_poisson(opts), opts, G2))
        # Targets around the Stirling mask (≤ 1 masked), zero and negative targets, NaN.
        y = t([0.0, 0.5, 1.0, 1.0000001, 1.5, 3.0, 10.0, -1.0, NAN, 100.0])
        x = t([0.5, 0.2, 1.0, 0.3, 2.0, 0.0, 1.5, 0.7, 0.4, 4.0])
        out.append(Case(f"poisson_nll_loss_targets{suffix(opts)}", "poisson_nll_loss", {"input": x, "target": y},
                        call_poisson(opts), opts, G2))
        out.append(Case(f"poisson_nll_loss_empty{suffix(opts)}", "poisson_nll_loss", {"input": t([]), "target": t([])},
                        call_poisson(opts), opts, G2))
    # Rates at and below zero with log_input=False: log(x + eps) of 0 and negatives.
    opts = {"log_input": False}
    out.append(Case("poisson_nll_loss_nonpositive_rates", "poisson_nll_loss",
                    {"input": t([0.0, -1e-8, -0.5, 1e-9, INF]), "target": t([1.0, 2.0, 1.0, 0.0, 1.0])},
                    call_poisson(opts), opts, G2))
    out.append(Case("poisson_nll_loss_large_log_rates", "poisson_nll_loss",
                    {"input": t([700.0, -700.0, 710.0, -INF]), "target": t([1.0, 2.0, 0.0, 0.0])},
                    call_poisson({}), {}, G2))
    return out


# ---------------------------------------------------------------------------------------------
# gaussian_nll_loss

def call_gauss(opts):
    return lambda ts, r: F.gaussian_nll_loss(ts["input"], ts["target"], ts["var"], reduction=r, **opts)


def call_gauss_float(opts):
    # `var` travels as a 0-d tensor in the JSON; PyTorch receives it as a Python float.
    return lambda ts, r: F.gaussian_nll_loss(ts["input"], ts["target"], float(ts["var"]), reduction=r, **opts)


GAUSS_SHAPES = {
    "same": ((4, 3), (4, 3), (4, 3)),
    "var_last_dim_1": ((4, 3), (4, 3), (4, 1)),
    "var_one_dim_fewer": ((4, 3), (4, 3), (4,)),
    "var_first_dim_1": ((4, 3), (4, 3), (1, 3)),
    "3d_var_middle_1": ((2, 3, 4), (2, 3, 4), (2, 1, 4)),
    "3d_var_one_dim_fewer": ((2, 3, 4), (2, 3, 4), (2, 3)),
    "vector": ((5,), (5,), (5,)),
    "vector_var_1": ((5,), (5,), (1,)),
    "target_bcast": ((4, 1), (4, 3), (4, 1)),
    "empty_batch_var_1": ((0, 3), (0, 3), (1, 3)),
}

GAUSS_OPTIONS = [{}, {"full": True}, {"eps": 0.1}, {"full": True, "eps": 1e-3}]


def gaussian_cases():
    out = []
    g3 = ("input", "target", "var")
    for opts in GAUSS_OPTIONS:
        for shape_name, (si, st, sv) in GAUSS_SHAPES.items():
            seed = seed_of("gauss", shape_name, opts)
            ts = {"input": randn(*si, seed=seed), "target": randn(*st, seed=seed + 1),
                  "var": rand(*sv, seed=seed + 2) * 2 + 0.05}
            out.append(Case(f"gaussian_nll_loss_{shape_name}{suffix(opts)}", "gaussian_nll_loss", ts, call_gauss(opts),
                            opts, g3))
        for var in (0.5, 0.0, 2.0):
            ts = {"input": randn(3, 4, seed=7), "target": randn(3, 4, seed=8), "var": t(var)}
            out.append(Case(f"gaussian_nll_loss_float_var{var}{suffix(opts)}", "gaussian_nll_loss", ts,
                            call_gauss_float(opts), opts, G2, bare_numbers=("var",)))
        ts = {"input": randn(5, seed=9), "target": randn(5, seed=10), "var": t(0.25)}
        out.append(Case(f"gaussian_nll_loss_float_var_vector{suffix(opts)}", "gaussian_nll_loss", ts,
                        call_gauss_float(opts), opts, G2, bare_numbers=("var",)))
        # A 0-d input: with a bare-number var only input and target get gradients.
        ts = {"input": randn(seed=11), "target": randn(seed=12), "var": t(0.75)}
        out.append(Case(f"gaussian_nll_loss_float_var_scalar{suffix(opts)}", "gaussian_nll_loss", ts,
                        call_gauss_float(opts), opts, G2, bare_numbers=("var",)))
    # The eps clamp: var below eps is raised to eps, but its gradient passes straight through.
    ts = {"input": t([0.5, 1.0, -1.0, 2.0, 0.0, NAN]), "target": t([0.0, 1.0, 0.5, -1.0, 0.0, 0.0]),
          "var": t([0.0, 1e-8, 1e-6, 0.5, 0.0, 1.0])}
    out.append(Case("gaussian_nll_loss_clamp", "gaussian_nll_loss", ts, call_gauss({}), {}, g3))
    out.append(Case("gaussian_nll_loss_clamp_eps", "gaussian_nll_loss", ts, call_gauss({"eps": 0.2}), {"eps": 0.2}, g3))
    ts = {"input": t([0.5, 1.0]), "target": t([0.0, 1.0]), "var": t([NAN, INF])}
    out.append(Case("gaussian_nll_loss_nan_inf_var", "gaussian_nll_loss", ts, call_gauss({}), {}, g3))

    def err(name, ts, call=call_gauss({}), bare=()):
        out.append(Case(f"gaussian_nll_loss_error_{name}", "gaussian_nll_loss", ts, call, {}, ("input",), error="data",
                        bare_numbers=bare))
    err("negative_var", {"input": randn(4, 3, seed=11), "target": randn(4, 3, seed=12),
                         "var": t([[1.0, 1.0, -0.5]] * 4)})
    err("negative_float_var", {"input": randn(4, 3, seed=13), "target": randn(4, 3, seed=14), "var": t(-1.0)},
        call_gauss_float({}), bare=("var",))
    err("var_1_1", {"input": randn(4, 3, seed=15), "target": randn(4, 3, seed=16), "var": rand(1, 1, seed=17)})
    err("var_last_dim_only", {"input": randn(4, 3, seed=18), "target": randn(4, 3, seed=19), "var": rand(3, seed=20)})
    err("var_two_unit_dims", {"input": randn(2, 3, 4, seed=21), "target": randn(2, 3, 4, seed=22),
                              "var": rand(2, 1, 1, seed=23)})
    err("var_wrong_size", {"input": randn(4, 3, seed=24), "target": randn(4, 3, seed=25), "var": rand(4, 2, seed=26)})
    err("target_not_broadcastable", {"input": randn(4, 3, seed=27), "target": randn(4, 2, seed=28),
                                     "var": rand(4, 3, seed=29)})
    return out


def cases():
    return kl_cases() + poisson_cases() + gaussian_cases()
