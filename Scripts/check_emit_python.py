#!/usr/bin/env python3
"""Checks --emit-python end to end: for one call of every loss (on the example files), runs the
emitted PyTorch script and compares PyTorch's loss, elementwise loss and gradients with
swiftloss's --format json output (1e-10 relative).

usage: Scripts/check_emit_python.py [SWIFTLOSS] [PYTHON_WITH_TORCH]   (run from the repository root)
"""
import json, math, os, subprocess, sys
B = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/swiftloss"
PY = sys.argv[2] if len(sys.argv) > 2 else "python3"
ROOT = os.getcwd()
calls = [
  ["soft_margin", "--input", "[0.3, -2, 1.5]", "--target", "[1, -1, -1]", "--reduction", "none"],
  ["multilabel_soft_margin", "--input", "[[0.5, -1, 2], [0, 1, -3]]", "--target", "[[1, 0, 1], [0, 0, 1]]", "--weight", "[1, 2, 0.5]"],
  ["mse", "--input", "examples/regression/input.csv", "--target", "examples/regression/target.csv"],
  ["huber", "--input", "examples/regression/input.csv", "--target", "examples/regression/target.csv", "--delta", "0.5", "--reduction", "sum"],
  ["smooth_l1", "--input", "examples/regression/input.csv", "--target", "examples/regression/target.csv", "--beta", "0.3", "--reduce", "false"],
  ["ce", "--input", "examples/classification/logits.csv", "--target", "examples/classification/targets.csv", "--weight", "examples/classification/class_weights.json", "--label-smoothing", "0.1"],
  ["ce", "--input", "examples/classification/logits.csv", "--target", "examples/classification/probs.csv"],
  ["linear_cross_entropy", "--input", "examples/classification/features.csv", "--linear-weight", "examples/classification/head_weight.csv", "--target", "examples/classification/targets.csv", "--linear-bias", "examples/classification/head_bias.json", "--label-smoothing", "0.1", "--weight", "examples/classification/class_weights.json"],
  ["LinearCrossEntropyLoss", "--input", "[0.5, -1, 2]", "--linear-weight", "[[0.1, 0.2, 0.3], [-0.2, 0.1, 0.0]]", "--target", "[0.25, 0.75]", "--weight", "[1, 2]", "--reduction", "sum"],
  ["F.linear_cross_entropy", "--data", "examples/classification/head_module.json", "--out-features", "2", "--chunked", "--ignore-index", "1", "--reduction", "none"],
  ["nll", "--input", "examples/classification/logits.csv", "--target", "examples/classification/targets.csv", "--ignore-index", "0"],
  ["bce_with_logits", "--data", "examples/classification/binary_logits.json", "--pos-weight", "[2.0]"],
  ["bce", "--data", "examples/classification/binary_probs.json", "--size-average", "false"],
  ["kl_div", "--input", "[[-1.2, -0.5, -1.8], [-0.1, -3.0, -2.5]]", "--target", "[[0.2, 0.5, 0.3], [0.9, 0.0, 0.1]]", "--reduction", "batchmean"],
  ["gaussian_nll", "--input", "[1.0, 2.0, 3.0]", "--target", "[1.5, 1.0, 3.5]", "--var", "0.5", "--full"],
  ["poisson_nll", "--input", "[0.5, 1.2, 3.0]", "--target", "[1, 2, 4]", "--no-log-input"],
  ["triplet_margin", "--anchor", "examples/embedding/anchor.csv", "--positive", "examples/embedding/positive.csv", "--negative", "examples/embedding/negative.csv", "--swap"],
  ["triplet_margin_with_distance", "--anchor", "examples/embedding/anchor.csv", "--positive", "examples/embedding/positive.csv", "--negative", "examples/embedding/negative.csv", "--distance-function", "cosine", "--margin", "0.5"],
  ["cosine_embedding", "--data", "examples/embedding/pairs.json", "--margin", "0.1"],
  ["multi_margin", "--input", "examples/classification/logits.csv", "--target", "examples/classification/targets.csv", "--p", "2", "--margin", "0.5"],
  ["multilabel_margin", "--input", "[[0.1, 0.2, 0.4, 0.8], [1, -1, 0.5, 0]]", "--target", "[[3, 0, -1, 1], [1, 2, 3, -1]]"],
  ["margin_ranking", "--input1", "[0.5, -0.2, 1]", "--input2", "[0.1, 0.3, 1.5]", "--target", "[1, -1, 1]", "--margin", "0.2"],
  ["hinge_embedding", "--input", "[0.3, 1.5, 0.8]", "--target", "[1, -1, -1]", "--size-average", "false"],
  ["ctc", "--log-probs", "examples/ctc/log_probs.json", "--targets", "examples/ctc/targets.json", "--input-lengths", "[12, 10]", "--target-lengths", "[3, 2]"],
  ["ctc", "--log-probs", "examples/ctc/utterance1.csv", "--targets", "[1, 3, 2]", "--input-lengths", "12", "--target-lengths", "3", "--reduction", "sum"],
]
def flat(x):
    if isinstance(x, list):
        for v in x: yield from flat(v)
    else:
        yield float(x) if not isinstance(x, str) else float(x.replace("Infinity","inf"))
def close(a, b):
    a, b = list(flat(a)), list(flat(b))
    if len(a) != len(b): return False
    for x, y in zip(a, b):
        if math.isnan(x) or math.isnan(y):
            if not (math.isnan(x) and math.isnan(y)): return False
        elif math.isinf(x) or math.isinf(y):
            if x != y: return False
        elif abs(x - y) > 1e-10 * max(abs(x), abs(y)) + 1e-13: return False
    return True
bad = 0
for call in calls:
    ours = json.loads(subprocess.run([B] + call + ["--format", "json"], capture_output=True, text=True, cwd=ROOT).stdout)
    script = subprocess.run([B] + call + ["--emit-python"], capture_output=True, text=True, cwd=ROOT).stdout
    out = subprocess.run([PY, "-W", "ignore", "-"], input=script, capture_output=True, text=True).stdout
    torch = {}
    for line in out.splitlines():
        key, _, value = line.partition(": ")
        torch[key] = eval(value, {"nan": float("nan"), "inf": float("inf")})
    value = ours["value"]["data"] if isinstance(ours["value"], dict) else ours["value"]
    ok = close(torch["loss"], value) and close(torch["elementwise"], ours["elementwise"]["data"])
    for name, grad in ours["gradients"].items():
        ok = ok and close(torch["grad " + name], grad["data"])
    ok = ok and set(k[5:] for k in torch if k.startswith("grad ")) == set(ours["gradients"])
    print(("OK  " if ok else "BAD ") + " ".join(call[:1]) + f"  loss={value if not isinstance(value, list) else '[...]'} grads={sorted(ours['gradients'])}")
    bad += not ok
print("mismatches:", bad)
sys.exit(1 if bad else 0)
