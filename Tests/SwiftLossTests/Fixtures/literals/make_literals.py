"""What PyTorch 2.15 and numpy print for tensors and arrays (repr, and numpy's str), with the
values and shapes they hold, for PythonLiteralTests. Run with the project's torch venv:
  .venv-torch215/bin/python make_literals.py
"""
import json
import os

import numpy as np
import torch

os.chdir(os.path.dirname(os.path.abspath(__file__)))
cases = []


def add(text, values, shape):
    flat = np.asarray(values, dtype=np.float64).reshape(-1)
    cases.append({"text": text, "shape": list(shape), "values": [repr(float(v)) for v in flat]})


def tensor_case(t):
    add(repr(t), t.detach().to(torch.float64).numpy(), t.shape)


def array_case(a, text=None):
    add(text if text is not None else repr(a), np.asarray(a, dtype=np.float64), np.shape(a))


# Values with at most four decimals, which torch prints exactly (it prints four).
torch.manual_seed(0)
tensor_case(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
tensor_case(torch.randn(3, 4, dtype=torch.float64).round(decimals=4))
tensor_case(torch.randn(2, 3, dtype=torch.float64).round(decimals=4).requires_grad_())
x = torch.tensor([1.0, 2.0, 0.5, 0.0], requires_grad=True)
tensor_case(torch.nn.functional.mse_loss(x, torch.zeros(4)))          # grad_fn=<MseLossBackward0>
tensor_case(torch.tensor(3.0))
tensor_case(torch.tensor([1, 2, 3]))
tensor_case(torch.tensor([True, False, True]))
tensor_case(torch.tensor([1e-5, 1.0, 1e5], dtype=torch.float64))                           # scientific notation
tensor_case(torch.tensor([float("nan"), float("inf"), -float("inf")]))
tensor_case(torch.empty(0, 3))                                        # size=(0, 3)
tensor_case(torch.randn(2, 2, 2, dtype=torch.float64).round(decimals=4))
tensor_case(torch.tensor([1.5, 2.5], dtype=torch.float16))
tensor_case(torch.arange(12).reshape(3, 4).to(torch.int32))
array_case(np.array([1, 2], dtype=np.int64))
array_case(np.array([[0.5, -1.25], [3.0, 4.0]]))
array_case(np.array([1.5, 2.5], dtype=np.float32))
array_case(np.zeros((0, 3)))
array_case(np.array(2.5))
array_case(np.float64(1.5))
array_case(np.int64(7))
array_case(np.array([[1.0, 2.0], [3.0, 4.0]]), text=str(np.array([[1.0, 2.0], [3.0, 4.0]])))  # print form
array_case(np.array([np.nan, np.inf]))

summarised = {"torch": repr(torch.arange(2000.0)), "numpy": repr(np.arange(2000))}
with open("printed.json", "w") as f:
    json.dump({"cases": cases, "summarised": summarised, "torch": torch.__version__, "numpy": np.__version__}, f, indent=1)
    f.write("\n")
for case in cases:
    print(case["text"])
