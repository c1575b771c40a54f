"""Writes batch.pt, logits.pt and adaptive.pt with torch.save, as a training script would.

  batch.pt     {"logits": (4, 3) float32, "labels": (4,) int64}: a classification batch
  logits.pt    the logits alone (a bare tensor: no key needed)
  adaptive.pt  nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4, 8]).state_dict(), with its input and
               target under "input" and "target"

Run: python3 make_batch.py   (needs torch; the files are committed, so swiftloss users need not)

What PyTorch computes from them, for comparison with swiftloss (printed when run):
  F.cross_entropy(logits, labels)
"""
from pathlib import Path

import torch
import torch.nn.functional as F

here = Path(__file__).resolve().parent
torch.manual_seed(14)
logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 1.5, 0.3], [-0.4, 0.2, 2.2], [1.0, 1.0, 1.0]])
labels = torch.tensor([0, 1, 2, 1])
torch.save({"logits": logits, "labels": labels}, here / "batch.pt")
torch.save(logits, here / "logits.pt")

module = torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4, 8])
x = torch.randn(5, 8)
y = torch.tensor([0, 3, 5, 9, 7])
torch.save({**module.state_dict(), "input": x, "target": y}, here / "adaptive.pt")

print("cross_entropy(logits, labels) =", F.cross_entropy(logits, labels).item())
print("adaptive_log_softmax loss =", module(x, y).loss.item())

# float64 on the saved values (swiftloss computes in float64 on what the files hold): the values
# the tests of `--data`, `#KEY` and `FILE#KEY` compare with.
import json  # noqa: E402

double = module.double()
expected = {
    "cross_entropy_mean": F.cross_entropy(logits.double(), labels).item(),
    "cross_entropy_sum": F.cross_entropy(logits.double(), labels, reduction="sum").item(),
    "adaptive_log_softmax_loss": double(x.double(), y).loss.item(),
}
(here / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
