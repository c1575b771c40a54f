"""Writes the adaptive_log_softmax example: a small nn.AdaptiveLogSoftmaxWithLoss state_dict as JSON
(rounded to 4 decimals so that people can read it), a batch of features and targets.

    /path/to/venv-with-torch/bin/python examples/adaptive/make_example.py
"""
import json
import os

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(15)
module = nn.AdaptiveLogSoftmaxWithLoss(in_features=4, n_classes=8, cutoffs=[3, 6], div_value=2.0, head_bias=True)
state = {k: [[round(v, 4) for v in row] for row in t.tolist()] if t.dim() == 2 else [round(v, 4) for v in t.tolist()]
         for k, t in module.state_dict().items()}
with open(os.path.join(HERE, "state_dict.json"), "w") as f:
    f.write("{\n" + ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in state.items()) + "\n}\n")
features = torch.randn(5, 4)
with open(os.path.join(HERE, "features.json"), "w") as f:
    json.dump([[round(v, 4) for v in row] for row in features.tolist()], f)
    f.write("\n")
with open(os.path.join(HERE, "targets.json"), "w") as f:
    json.dump([0, 4, 7, 2, 5], f)
    f.write("\n")
