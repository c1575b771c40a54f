#!/usr/bin/env python3
"""Writes head_module.pt: the state_dict of nn.LinearCrossEntropyLoss(5, 3, out_features=(2,),
bias=True) holding the flat linear.weight (6, 5) and linear.bias (6,) of head_module.json, as
torch.save writes it (PyTorch 2.15). Prints the module's loss on the file's input and target."""
import json
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
doc = json.load(open(os.path.join(HERE, "head_module.json")))
module = torch.nn.LinearCrossEntropyLoss(5, 3, out_features=(2,), bias=True, dtype=torch.float64)
with torch.no_grad():
    module.linear.weight.copy_(torch.tensor(doc["linear_weight"], dtype=torch.float64))
    module.linear.bias.copy_(torch.tensor(doc["linear_bias"], dtype=torch.float64))
torch.save(module.state_dict(), os.path.join(HERE, "head_module.pt"))
print(module(torch.tensor(doc["input"], dtype=torch.float64), torch.tensor(doc["target"])).item())
