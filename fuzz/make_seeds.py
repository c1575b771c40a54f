#!/usr/bin/env python3
"""Writes the seed corpora of the `args` and `losses` fuzz targets (fuzz/corpus/args, fuzz/corpus/losses).

args: one realistic command line per loss and option (NUL-separated argv; a last argument starting
`<<` is standard input). losses: byte layouts for LossesTarget (see LossesTarget.swift).
Run from the repository root: python3 fuzz/make_seeds.py
"""
import os

M = "[[1.5,-0.5,2],[0.25,3,-1]]"
T = "[[1,0,2],[0.5,1,-2]]"
P = "[[0.2,0.9,0.5],[0.01,0.7,1]]"
args = {
    "l1": ["l1", "--input", M, "--target", T],
    "l1_sum_json": ["l1", "--input", M, "--target", T, "--reduction", "sum", "--format", "json"],
    "mse_none": ["mse", "--input", M, "--target", T, "--reduction", "none", "--show", "loss,grad"],
    "mse_weight": ["mse_loss", "--input", "[1,2,3]", "--target", "[1,nan,inf]", "--weight", "[1,2,0.5]"],
    "mse_broadcast": ["MSELoss", "--input", "[[1],[2]]", "--target", "[1,2,3]"],
    "mse_stdin": ["mse", "--input", "-", "--target", T.replace("-2", "2")[:-1] + "]", "<<1,2,3\n4,5,6\n"],
    "mse_shape": ["mse", "--input", "[1,2,3,4,5,6]", "--target", "[6,5,4,3,2,1]", "--shape", "input=2,3", "--shape", "target=-1,3"],
    "mse_data": ["mse", "--data", "-", "<<{\"input\": [1,2], \"target\": [0,1]}"],
    "mse_precision": ["--format", "json", "mse", "--input", "3", "--target", "1", "--precision", "3"],
    "mse_legacy": ["mse", "--input", M, "--target", T, "--size-average", "false"],
    "smooth_l1": ["smooth_l1", "--input", M, "--target", T, "--beta", "0.5"],
    "smooth_l1_zero": ["smooth_l1", "--input", M, "--target", T, "--beta", "0", "--reduction=none"],
    "huber": ["huber", "--input", M, "--target", T, "--delta", "2.5"],
    "ce": ["ce", "--input", "[[1,2],[3,4]]", "--target", "[1,0]", "--label-smoothing", "0.1"],
    "ce_probs": ["cross_entropy", "--input", M, "--target", P, "--weight", "[1,2,0.5]"],
    "ce_ignore": ["ce", "--input", M, "--target", "[2,-100]", "--ignore-index", "-100", "--reduction", "sum"],
    "ce_kdim": ["ce", "--input", "[[[1,2],[3,4]],[[0,1],[2,0]]]", "--target", "[[0,1],[1,0]]"],
    "ce_unbatched": ["ce", "--input", "[1,2,3]", "--target", "2"],
    "nll": ["nll", "--input", "[[-1.2,-0.5,-2],[-0.1,-3,-1]]", "--target", "[0,2]", "--weight", "[1,1,2]", "--ignore-index", "1"],
    "nll2d": ["NLLLoss2d", "--input", "[[[[-1,-2],[-0.5,-1]],[[-0.3,-0.2],[-1,-4]]]]", "--target", "[[[0,1],[1,0]]]"],
    "bce": ["bce", "--input", P, "--target", "[[0,1,1],[0,0,1]]", "--weight", "[1,2,3]"],
    "bce_edge": ["bce", "--input", "[0,1,0.5]", "--target", "[0,1,0.3]", "--reduction", "none"],
    "bce_logits": ["bce_with_logits", "--input", M, "--target", "[[0,1,1],[0,0,1]]", "--pos-weight", "[1,2,3]"],
    "soft_margin": ["soft_margin", "--input", M, "--target", "[[1,-1,1],[-1,-1,1]]"],
    "multilabel_soft_margin": ["multilabel_soft_margin", "--input", M, "--target", "[[1,0,1],[0,0,1]]", "--weight", "[1,2,1]"],
    "kl": ["kl", "--input", "[[-1,-2,-0.5],[-0.1,-3,-1]]", "--target", P, "--reduction", "batchmean"],
    "kl_log": ["kl_div", "--input", "[[-1,-2,-0.5]]", "--target", "[[-1,-0.5,-3]]", "--log-target"],
    "poisson": ["poisson_nll", "--input", M, "--target", "[[1,0,2],[3,1,0]]", "--full", "--eps", "1e-8"],
    "poisson_nolog": ["poisson_nll", "--input", P, "--target", "[[1,0,2],[3,1,0]]", "--no-log-input"],
    "gaussian": ["gaussian_nll", "--input", M, "--target", T, "--var", "[[1,2,0.5],[0.1,1,3]]", "--full"],
    "gaussian_scalar": ["gaussian_nll", "--input", M, "--target", T, "--var", "0.5", "--eps", "1e-3"],
    "gaussian_homo": ["gaussian_nll", "--input", M, "--target", T, "--var", "[1,2]"],
    "ctc": ["ctc", "--log-probs", "[[[-1.2,-0.9,-1.3]],[[-1,-1.1,-1.2]],[[-0.9,-1.5,-1.0]]]", "--targets", "[[1,2]]",
            "--input-lengths", "[3]", "--target-lengths", "[2]"],
    "ctc_inf": ["ctc", "--input", "[[[-1.2,-0.9,-1.3]],[[-1,-1.1,-1.2]]]", "--target", "[[1,1]]",
                "--input-lengths", "[2]", "--target-lengths", "[2]", "--zero-infinity", "--blank", "0"],
    "ctc_concat": ["ctc", "--log-probs", "[[[-1.2,-0.9,-1.3],[-1,-1,-1.2]],[[-1,-1.1,-1.2],[-1,-1,-1]]]", "--targets", "[1,2,1]",
                   "--input-lengths", "[2,2]", "--target-lengths", "[2,1]", "--reduction", "sum"],
    "margin_ranking": ["margin_ranking", "--input1", "[1,2,3]", "--input2", "[2,2,1]", "--target", "[1,-1,1]", "--margin", "0.5"],
    "hinge": ["hinge_embedding", "--input", M, "--target", "[[1,-1,1],[-1,-1,1]]", "--margin", "2"],
    "multi_margin": ["multi_margin", "--input", M, "--target", "[2,0]", "--p", "2", "--margin", "0.5", "--weight", "[1,2,3]"],
    "multilabel_margin": ["multilabel_margin", "--input", M, "--target", "[[2,0,-1],[1,-1,0]]"],
    "cosine": ["cosine_embedding", "--input1", M, "--input2", T, "--target", "[1,-1]", "--margin", "0.2"],
    "triplet": ["triplet_margin", "--anchor", M, "--positive", T, "--negative", P, "--p", "1", "--swap", "--eps", "1e-6"],
    "triplet_dist": ["triplet_margin_with_distance", "--anchor", M, "--positive", T, "--negative", P,
                     "--distance-function", "cosine", "--margin", "2"],
    "triplet_dist_l1": ["triplet_margin_with_distance", "--anchor", "[1,2]", "--positive", "[0,1]", "--negative", "[3,3]",
                        "--distance-function", "l1", "--swap"],
    "help": ["help", "ce"],
    "explain": ["explain", "ctc"],
    "list": ["list", "--format", "json"],
    "version": ["--version"],
    "empty": ["mse", "--input", "[]", "--target", "[]"],
    "nonfinite": ["mse", "--input", "[NaN,Infinity,-Infinity]", "--target", "[\"NaN\",1,2]", "--format", "json"],
    "bad_option": ["multi_margin", "--input", M, "--target", "[2,0]", "--p", "3"],
    "unknown_loss": ["msee", "--input", "1"],
}

losses = {
    # loss index, outputs, then per tensor control byte(s), values; then options.
    "mse": [1, 7, 0, 1, 2, 3, 4, 10, 11, 0, 5, 6, 7, 8, 9, 12, 1],
    "ce_indices": [4, 7, 4, 2, 3, 3, 0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 13, 1, 15, 1, 1, 1, 3, 1, 3, 1, 2, 1, 0],
    "nll": [5, 7, 0, 0, 1, 2, 3, 4, 5, 1, 1, 1, 0],
    "ctc": [13, 7, 4, 3, 3, 1, 3, 0, 1, 2, 3, 4, 5, 6, 7, 8, 4, 2, 1, 2, 1, 2, 4, 1, 1, 3, 4, 1, 1, 2, 1, 0, 1],
    "multi_margin": [16, 7, 4, 2, 2, 3, 0, 1, 2, 3, 4, 5, 10, 2, 1, 1, 1, 1, 3, 1, 1, 5],
    "triplet": [19, 7, 4, 2, 2, 3, 0, 1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 10, 11, 0, 12, 13, 14, 15, 16, 17],
    "gaussian": [12, 7, 4, 2, 2, 3, 0, 1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 10, 11, 2, 1, 3],
}
for i in range(21):
    losses.setdefault(f"loss{i:02d}", [i, 7] + [4, 2, 2, 3] + list(range(6)) + [0] + list(range(6, 12)) + [0] + list(range(12, 18)) + [1, 1, 1, 2, 1, 3])

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
for name, argv in args.items():
    with open(os.path.join(root, "args", name), "wb") as f:
        f.write(b"\0".join(a.encode() for a in argv))
for name, data in losses.items():
    with open(os.path.join(root, "losses", name), "wb") as f:
        f.write(bytes(b % 256 for b in data))
print(f"{len(args)} args seeds, {len(losses)} losses seeds")

# Commands that came later (plot, completions, teaching flags).
more = {
    "plot": ["plot", "mse", "huber", "--range", "-2:2", "--delta", "0.5,1"],
    "plot_svg": ["plot", "bce_with_logits", "--derivative", "--svg", "-"],
    "completions": ["completions", "zsh"],
    "explain_flag": ["ce", "--input", "[[1,2],[3,4]]", "--target", "[1,0]", "--explain"],
    "emit_python": ["ctc", "--log-probs", "[[[-1.2,-0.9,-1.3]],[[-1,-1.1,-1.2]]]", "--targets", "[[1]]",
                    "--input-lengths", "[2]", "--target-lengths", "[1]", "--emit-python"],
    "check_grad": ["triplet_margin", "--anchor", M, "--positive", T, "--negative", P, "--check-grad"],
}
for name, argv in more.items():
    with open(os.path.join(root, "args", name), "wb") as f:
        f.write(b"\0".join(a.encode() for a in argv))
