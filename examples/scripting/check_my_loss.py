#!/usr/bin/env python3
"""Checks a hand-written loss against swiftloss (PyTorch's semantics) on many random cases.

The two losses below are written in plain Python, as one might write them for a framework of one's
own: mean squared error and cross-entropy with class-index targets and label smoothing, each with
its gradient. The script sends every case to ONE `swiftloss batch` process (one JSON request a line)
and compares the value and the input gradient of each answer with its own.

    python3 examples/scripting/check_my_loss.py [--cases N] [--swiftloss PATH] [--bug]

--bug plants a classic mistake (label smoothing spread over the C - 1 wrong classes instead of all
C classes) to show what a disagreement looks like. Exit status 0 when everything agrees.
"""
import argparse
import json
import math
import random
import subprocess
import sys


def my_mse(x, y):
    n = len(x)
    value = sum((a - b) ** 2 for a, b in zip(x, y)) / n
    grad = [2 * (a - b) / n for a, b in zip(x, y)]
    return value, grad


def my_cross_entropy(logits, targets, smoothing, bug=False):
    """Mean over the batch of -sum_c q_c log softmax(x)_c, q = (1 - s) onehot + s / C."""
    n, c = len(logits), len(logits[0])
    value, grad = 0.0, []
    for row, t in zip(logits, targets):
        m = max(row)
        lse = m + math.log(sum(math.exp(v - m) for v in row))
        spread = smoothing / (c - 1 if bug else c)
        q = [spread + (1 - smoothing if k == t else 0.0) for k in range(c)]
        if bug:
            q[t] -= spread
        value += -sum(qk * (v - lse) for qk, v in zip(q, row))
        softmax = [math.exp(v - lse) for v in row]
        grad.append([(p - qk) / n for p, qk in zip(softmax, q)])
    return value / n, grad


def close(a, b, tol=1e-9):
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def flat(x):
    return [v for row in x for v in row] if x and isinstance(x[0], list) else list(x)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--swiftloss", default="swiftloss")
    parser.add_argument("--bug", action="store_true")
    args = parser.parse_args()
    rng = random.Random(17)

    cases, requests = [], []
    for i in range(args.cases):
        if i % 2 == 0:
            x = [rng.uniform(-3, 3) for _ in range(rng.randint(1, 8))]
            y = [rng.uniform(-3, 3) for _ in x]
            cases.append(("mse", my_mse(x, y)))
            requests.append({"loss": "mse", "input": x, "target": y, "show": "loss,grad:input"})
        else:
            n, c = rng.randint(1, 4), rng.randint(2, 6)
            logits = [[rng.gauss(0, 2) for _ in range(c)] for _ in range(n)]
            targets = [rng.randrange(c) for _ in range(n)]
            s = rng.choice([0.0, 0.1, 0.3])
            cases.append(("cross_entropy", my_cross_entropy(logits, targets, s, args.bug)))
            requests.append({"loss": "cross_entropy", "input": logits, "target": targets, "label_smoothing": s,
                             "show": "loss,grad:input"})

    # One process for all the cases: requests in on stdin, one result a line out, in order.
    stdin = "".join(json.dumps(r) + "\n" for r in requests)
    done = subprocess.run([args.swiftloss, "batch"], input=stdin, capture_output=True, text=True)
    answers = done.stdout.splitlines()
    assert len(answers) == len(requests), done.stderr

    failures = 0
    for number, ((loss, (value, grad)), line) in enumerate(zip(cases, answers), start=1):
        answer = json.loads(line)
        if "error" in answer:
            print(f"case {number}: swiftloss: {answer['error']}")
            failures += 1
            continue
        theirs = flat(answer["gradients"]["input"]["data"])
        if not close(value, answer["value"]) or not all(close(a, b) for a, b in zip(flat(grad), theirs)):
            failures += 1
            if failures <= 3:
                print(f"case {number} ({loss}): mine {value!r}, PyTorch's semantics {answer['value']!r}")
    print(f"{len(cases) - failures} of {len(cases)} cases agree with swiftloss")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
