"""nn.AdaptiveLogSoftmaxWithLoss (PyTorch 2.15) in float64: value = the module's loss, elementwise =
-output, "output" as a further result, gradients for the input and every parameter by its
state_dict name. The parameters are the module's own (seeded init), recorded as tensors.

Every option at non-default values and the edges: all targets in the head, a cluster no target
falls in (PyTorch leaves its .grad None; recorded as zeros, which swiftloss reports), a single
cluster, div_value 1, unbatched input, an empty batch, and the constructor and forward errors.
"""
import warnings

import torch
import torch.nn as nn

from fixturelib import Case, randn, idx


def make(name, in_features, n_classes, cutoffs, targets, div_value=4.0, head_bias=False, batch=None, seed=0,
         unbatched=False, options_extra=None, error=None, input_override=None, params_override=None,
         construct=None):
    torch.manual_seed(seed)
    construct = construct or dict(in_features=in_features, n_classes=n_classes, cutoffs=cutoffs)
    module = None
    try:
        module = nn.AdaptiveLogSoftmaxWithLoss(
            **construct, div_value=div_value, head_bias=head_bias).double()
        params = {k: v.detach().clone() for k, v in module.state_dict().items()}
    except Exception:  # noqa: BLE001 - a constructor error case: parameters of a valid module
        params = {}
    if params_override is not None:
        params.update(params_override)
    n = len(targets) if not unbatched else None
    x = input_override if input_override is not None else (
        randn(in_features, seed=seed + 1) if unbatched else randn(n, in_features, seed=seed + 1) * 2)
    target = idx(targets[0]) if unbatched else idx(targets)
    tensors = {"input": x, "target": target, **params}
    options = {"cutoffs": list(cutoffs)}
    if div_value != 4.0:
        options["div_value"] = div_value
    if head_bias:
        options["head_bias"] = True
    options.update(options_extra or {})
    names = ["input"] + [k for k in params]

    def call(ts, r):
        with warnings.catch_warnings():  # "Initializing zero-element tensors is a no-op": construction, not the loss
            warnings.simplefilter("ignore")
            m = nn.AdaptiveLogSoftmaxWithLoss(**construct, div_value=div_value, head_bias=head_bias).double()
        # Load the leaves themselves so that autograd reaches them.
        for key, value in ts.items():
            if key in ("input", "target"):
                continue
            owner = m
            *path, leaf = key.split(".")
            for part in path:
                owner = getattr(owner, part) if not part.isdigit() else owner[int(part)]
            delattr(owner, leaf)
            setattr(owner, leaf, value)
        out = m(ts["input"], ts["target"])
        return {"loss": out.loss, "elementwise": -out.output, "output": out.output}

    return Case(name, "adaptive_log_softmax", tensors, call, options, names, ("mean",), error=error)


def cases():
    out = []
    # Every target bucket used, batched, defaults.
    out.append(make("adaptive_basic", 8, 10, [3, 6], [0, 4, 7, 9, 2, 5, 1, 8], seed=1))
    # Non-default options: head bias, div_value 2, three clusters.
    out.append(make("adaptive_head_bias_div2", 16, 20, [4, 8, 14], [0, 5, 9, 15, 19, 3, 12, 7, 17, 1],
                    div_value=2.0, head_bias=True, seed=2))
    out.append(make("adaptive_div1", 6, 9, [2, 5], [0, 3, 6, 8, 1, 4], div_value=1.0, seed=3))
    out.append(make("adaptive_div_fractional", 10, 12, [5, 9], [0, 6, 10, 11, 2], div_value=1.5, head_bias=True, seed=4))
    # Hidden size 0: in_features // div_value**2 == 0 for the second cluster.
    out.append(make("adaptive_hidden_zero", 4, 10, [3, 6], [0, 4, 7, 9], div_value=4.0, seed=5))
    # All targets in the head (every cluster unused).
    out.append(make("adaptive_all_in_head", 8, 10, [4, 7], [0, 1, 2, 3, 3], head_bias=True, seed=6))
    # A cluster no target falls in.
    out.append(make("adaptive_cluster_unused", 8, 12, [3, 6, 9], [0, 4, 10, 11, 2], seed=7))
    # A single cluster; a single sample in a cluster; a single-class cluster.
    out.append(make("adaptive_single_cluster", 8, 6, [4], [0, 4, 5, 3], seed=8))
    out.append(make("adaptive_single_row_cluster", 8, 10, [3, 6], [0, 1, 7], seed=9))
    out.append(make("adaptive_one_class_cluster", 8, 5, [3, 4], [4, 3, 0], seed=10))
    # Unbatched input: (in_features) with a 0-d target, in the head and in a cluster.
    out.append(make("adaptive_unbatched_head", 8, 10, [3, 6], [1], unbatched=True, seed=11))
    out.append(make("adaptive_unbatched_cluster", 8, 10, [3, 6], [8], unbatched=True, head_bias=True, seed=12))
    out.append(make("adaptive_batch_of_one", 8, 10, [3, 6], [5], seed=13))
    # --n-classes given and agreeing.
    out.append(make("adaptive_n_classes_given", 8, 10, [3, 6], [0, 4, 9], options_extra={"n_classes": 10}, seed=14))
    # Large logits: log_softmax's stability.
    x = randn(4, 8, seed=15) * 200
    out.append(make("adaptive_large_inputs", 8, 10, [3, 6], [0, 4, 7, 9], input_override=x, seed=15))
    # An empty batch: the mean of nothing is NaN.
    out.append(make("adaptive_empty_batch", 8, 10, [3, 6], [], input_override=randn(0, 8, seed=16), seed=16))

    # Forward errors (RuntimeError: data).
    out.append(make("adaptive_error_target_high", 8, 10, [3, 6], [0, 10, 2], seed=20, error="data"))
    out.append(make("adaptive_error_target_negative", 8, 10, [3, 6], [0, -1, 2], seed=21, error="data"))
    out.append(make("adaptive_error_batch_mismatch", 8, 10, [3, 6], [0, 1, 2], input_override=randn(4, 8, seed=22),
                    seed=22, error="data"))
    out.append(make("adaptive_error_3d_input", 8, 10, [3, 6], [0, 1], input_override=randn(2, 3, 8, seed=23),
                    seed=23, error="data"))
    out.append(make("adaptive_error_0d_target_2d_input", 8, 10, [3, 6], [1], unbatched=True,
                    input_override=randn(1, 8, seed=24), seed=24, error="data"))
    out.append(make("adaptive_error_width", 8, 10, [3, 6], [0, 4], input_override=randn(2, 7, seed=25),
                    seed=25, error="data"))
    c = make("adaptive_error_2d_target", 8, 10, [3, 6], [0, 1], seed=26, error="data")
    c.tensors["target"] = idx([[0, 1]])
    out.append(c)
    # Constructor errors (ValueError: usage), with the parameters of a valid module.
    good = dict(in_features=8, n_classes=10, cutoffs=[3, 6])
    out.append(make("adaptive_error_cutoffs_unsorted", 8, 10, [6, 3], [0], seed=30, error="usage",
                    construct=dict(in_features=8, n_classes=10, cutoffs=[6, 3])))
    out.append(make("adaptive_error_cutoffs_duplicate", 8, 10, [3, 3], [0], seed=31, error="usage",
                    construct=dict(in_features=8, n_classes=10, cutoffs=[3, 3])))
    out.append(make("adaptive_error_cutoffs_zero", 8, 10, [0, 6], [0], seed=32, error="usage",
                    construct=dict(in_features=8, n_classes=10, cutoffs=[0, 6])))
    out.append(make("adaptive_error_cutoffs_empty", 8, 10, [], [0], seed=33, error="usage",
                    construct=dict(in_features=8, n_classes=10, cutoffs=[])))
    out.append(make("adaptive_error_cutoff_too_large", 8, 10, [3, 10], [0], seed=34, error="usage",
                    options_extra={"n_classes": 10}, construct=dict(in_features=8, n_classes=10, cutoffs=[3, 10])))
    del good
    return out
