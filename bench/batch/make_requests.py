#!/usr/bin/env python3
"""Writes the request files of the batch benchmark (JSON Lines, one request a line).

    make_requests.py mse3 N > mse3.jsonl    3-element mse: value, elementwise, both gradients
    make_requests.py mixed N > mixed.jsonl  every loss, small random tensors, random options,
                                            random reductions, --show selections and dtypes

Plain Python (random, json): the same files for swiftloss and for torch_loop.py.
"""
import json
import math
import random
import sys


def vec(rng, n, lo=-2.0, hi=2.0):
    return [round(rng.uniform(lo, hi), 6) for _ in range(n)]


def mat(rng, n, m, lo=-2.0, hi=2.0):
    return [vec(rng, m, lo, hi) for _ in range(n)]


def log_softmax_rows(rows):
    out = []
    for r in rows:
        mx = max(r)
        s = math.log(sum(math.exp(v - mx) for v in r)) + mx
        out.append([round(v - s, 9) for v in r])
    return out


def probs(rng, n, c):
    rows = []
    for _ in range(n):
        w = [rng.random() + 0.01 for _ in range(c)]
        s = sum(w)
        rows.append([round(v / s, 9) for v in w])
    return rows


def reduction(rng, batchmean=False):
    choices = ["mean", "sum", "none"] + (["batchmean"] if batchmean else [])
    return rng.choice(choices)


def mixed_request(rng):
    n, c = rng.randint(1, 4), rng.randint(2, 5)
    loss = rng.choice([
        "l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss",
        "binary_cross_entropy", "binary_cross_entropy_with_logits", "soft_margin_loss",
        "multilabel_soft_margin_loss", "kl_div", "poisson_nll_loss", "gaussian_nll_loss", "ctc_loss",
        "margin_ranking_loss", "hinge_embedding_loss", "multi_margin_loss", "multilabel_margin_loss",
        "cosine_embedding_loss", "triplet_margin_loss", "triplet_margin_with_distance_loss"])
    r = {"loss": loss}
    k = n * c
    if loss in ("l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss"):
        r["input"], r["target"] = vec(rng, k), vec(rng, k)
        if loss == "smooth_l1_loss":
            r["beta"] = round(rng.uniform(0.1, 2), 3)
        if loss == "huber_loss":
            r["delta"] = round(rng.uniform(0.1, 2), 3)
        if loss != "smooth_l1_loss" and rng.random() < 0.3:
            r["weight"] = vec(rng, k, 0, 1)
    elif loss == "cross_entropy":
        r["input"] = mat(rng, n, c)
        if rng.random() < 0.5:
            r["target"] = [rng.randrange(c) for _ in range(n)]
            if rng.random() < 0.3:
                r["ignore_index"] = 0
        else:
            r["target"] = probs(rng, n, c)
        if rng.random() < 0.3:
            r["weight"] = vec(rng, c, 0.1, 1)
        r["label_smoothing"] = rng.choice([0.0, 0.1])
    elif loss == "nll_loss":
        r["input"] = log_softmax_rows(mat(rng, n, c))
        r["target"] = [rng.randrange(c) for _ in range(n)]
        if rng.random() < 0.3:
            r["weight"] = vec(rng, c, 0.1, 1)
    elif loss == "binary_cross_entropy":
        r["input"], r["target"] = vec(rng, k, 0.01, 0.99), vec(rng, k, 0, 1)
    elif loss == "binary_cross_entropy_with_logits":
        r["input"], r["target"] = vec(rng, k), vec(rng, k, 0, 1)
        if rng.random() < 0.3:
            r["input"], r["target"] = mat(rng, n, c), mat(rng, n, c, 0, 1)
            r["pos_weight"] = vec(rng, c, 0.5, 2)
    elif loss == "soft_margin_loss":
        r["input"], r["target"] = vec(rng, k), [rng.choice([-1, 1]) for _ in range(k)]
    elif loss == "multilabel_soft_margin_loss":
        r["input"], r["target"] = mat(rng, n, c), [[rng.choice([0, 1]) for _ in range(c)] for _ in range(n)]
    elif loss == "kl_div":
        r["input"] = log_softmax_rows(mat(rng, n, c))
        r["target"] = probs(rng, n, c)
        r["reduction"] = reduction(rng, batchmean=True)
        r["log_target"] = False
    elif loss == "poisson_nll_loss":
        r["log_input"] = rng.choice([True, False])
        r["input"] = vec(rng, k) if r["log_input"] else vec(rng, k, 0.1, 3)
        r["target"] = [rng.randrange(5) for _ in range(k)]
        r["full"] = rng.choice([True, False])
    elif loss == "gaussian_nll_loss":
        r["input"], r["target"], r["var"] = vec(rng, k), vec(rng, k), vec(rng, k, 0.1, 2)
        r["full"] = rng.choice([True, False])
    elif loss == "ctc_loss":
        t, s = rng.randint(4, 6), rng.randint(1, 2)
        r["log_probs"] = [log_softmax_rows(mat(rng, n, c)) for _ in range(t)]
        r["targets"] = [[rng.randrange(1, c) for _ in range(s)] for _ in range(n)]
        r["input_lengths"] = [t] * n
        r["target_lengths"] = [s] * n
        r["zero_infinity"] = rng.choice([True, False])
    elif loss == "margin_ranking_loss":
        r["input1"], r["input2"] = vec(rng, k), vec(rng, k)
        r["target"] = [rng.choice([-1, 1]) for _ in range(k)]
        r["margin"] = round(rng.uniform(0, 1), 3)
    elif loss == "hinge_embedding_loss":
        r["input"], r["target"] = vec(rng, k), [rng.choice([-1, 1]) for _ in range(k)]
        r["margin"] = round(rng.uniform(0.5, 2), 3)
    elif loss == "multi_margin_loss":
        r["input"], r["target"] = mat(rng, n, c), [rng.randrange(c) for _ in range(n)]
        r["p"] = rng.choice([1, 2])
        r["margin"] = round(rng.uniform(0.5, 2), 3)
    elif loss == "multilabel_margin_loss":
        r["input"] = mat(rng, n, c)
        rows = []
        for _ in range(n):
            labels = rng.sample(range(c), rng.randint(1, c - 1))
            rows.append(labels + [-1] * (c - len(labels)))
        r["target"] = rows
    elif loss == "cosine_embedding_loss":
        r["input1"], r["input2"] = mat(rng, n, c), mat(rng, n, c)
        r["target"] = [rng.choice([-1, 1]) for _ in range(n)]
        r["margin"] = round(rng.uniform(-0.5, 0.5), 3)
    elif loss == "triplet_margin_loss":
        r["anchor"], r["positive"], r["negative"] = mat(rng, n, c), mat(rng, n, c), mat(rng, n, c)
        r["margin"], r["p"], r["swap"] = round(rng.uniform(0.5, 2), 3), rng.choice([1, 2, 3]), rng.choice([True, False])
    elif loss == "triplet_margin_with_distance_loss":
        r["anchor"], r["positive"], r["negative"] = mat(rng, n, c), mat(rng, n, c), mat(rng, n, c)
        r["distance_function"] = rng.choice(["pairwise", "cosine", "l1"])
        r["margin"], r["swap"] = round(rng.uniform(0.5, 2), 3), rng.choice([True, False])
    r.setdefault("reduction", reduction(rng))
    r["show"] = rng.choice(["loss,elementwise,grad", "loss", "loss,grad", "elementwise"])
    if rng.random() < 0.1:
        r["dtype"] = rng.choice(["float32", "bfloat16", "float16"])
    if rng.random() < 0.1:
        r["precision"] = 6
    return r


def main():
    kind, count = sys.argv[1], int(sys.argv[2])
    rng = random.Random(20261204)
    out = sys.stdout
    for _ in range(count):
        if kind == "mse3":
            r = {"loss": "mse", "input": vec(rng, 3), "target": vec(rng, 3)}
        else:
            r = mixed_request(rng)
        out.write(json.dumps(r, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
