"""Writes the archive fixtures of Tests/SwiftLossTests/Input/TensorArchiveTests.swift.

Every file here is written by the real library (numpy, torch 2.15, safetensors, polars, gzip,
pickle), except the two marked CONSTRUCTED (a big-endian .pt, which torch cannot write on a
little-endian machine, built by byte-swapping a torch-written one). `expected.json` holds, for
each file and key, the shape and the values as torch/numpy hold them (float64 reprs, so that NaN,
infinities and -0.0 survive), taken from the library after writing, never typed by hand.

Run from anywhere:  .venv-torch215/bin/python make_archives.py
"""

import gzip
import io
import json
import os
import pickle
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np
import torch
from safetensors.numpy import save_file as save_numpy_safetensors
from safetensors.torch import save_file as save_torch_safetensors

HERE = Path(__file__).resolve().parent
MARKER = "/tmp/swiftloss-archive-test-marker-never-created"
expected = {}


def values(array):
    flat = np.asarray(array, dtype=np.float64).reshape(-1)
    return [repr(float(x)) for x in flat]


def record(file, key, array, dtype):
    expected.setdefault(file, {})[key] = {
        "shape": list(np.shape(array)),
        "values": values(array),
        "dtype": dtype,
    }


def torch_record(file, key, tensor):
    record(file, key, tensor.detach().to(torch.float64).numpy(), str(tensor.dtype).replace("torch.", ""))


rng = np.random.default_rng(14)
specials = np.array([np.nan, np.inf, -np.inf, -0.0, 1e-300, 65504.0, -1.5])

# ---- .npz: every dtype numpy writes, both byte orders, Fortran order, 0-d and empty ----
npz_arrays = OrderedDict(
    f8=np.concatenate([rng.standard_normal(5), specials]),
    f4=rng.standard_normal((2, 3)).astype(np.float32),
    f2=np.array([0.5, -2.0, 65504.0, 6e-8, np.inf], dtype=np.float16),
    i8=np.array([-(2**53), -1, 0, 2**53], dtype=np.int64),
    i4=np.array([[-(2**31), 7], [2**31 - 1, 0]], dtype=np.int32),
    i2=np.array([-32768, 32767], dtype=np.int16),
    i1=np.array([-128, 5, 127], dtype=np.int8),
    u1=np.array([0, 200, 255], dtype=np.uint8),
    b1=np.array([True, False, True]),
    f8_big=np.arange(6, dtype=">f8").reshape(2, 3) / 4,
    i4_big=np.array([-3, 1 << 20], dtype=">i4"),
    fortran=np.asfortranarray(np.arange(24, dtype=np.float64).reshape(2, 3, 4)),
    scalar=np.array(2.5),
    empty=np.zeros((0, 3)),
)
for name, writer in [("stored.npz", np.savez), ("compressed.npz", np.savez_compressed)]:
    writer(HERE / name, **npz_arrays)
    with np.load(HERE / name) as loaded:
        for key in loaded.files:
            record(name, key, loaded[key], str(loaded[key].dtype))
np.savez(HERE / "positional.npz", np.arange(3.0), np.ones((2, 2), dtype=np.float32))
with np.load(HERE / "positional.npz") as loaded:
    for key in loaded.files:
        record("positional.npz", key, loaded[key], str(loaded[key].dtype))
np.savez_compressed(HERE / "single.npz", logits=rng.standard_normal((3, 4)))
with np.load(HERE / "single.npz") as loaded:
    record("single.npz", "logits", loaded["logits"], "float64")

# ---- .safetensors: all ten dtypes (torch writes BF16), 0-d and empty, with metadata ----
st = OrderedDict(
    f64=torch.tensor([1.5, -0.0, float("inf"), float("nan"), 1e-310], dtype=torch.float64),
    f32=torch.randn(2, 3, generator=torch.Generator().manual_seed(1)),
    f16=torch.tensor([0.1, -65504.0, 6e-8], dtype=torch.float16),
    bf16=torch.tensor([[3.140625, -1e30], [1e-30, 0.0]], dtype=torch.bfloat16),
    i64=torch.tensor([-(2**62), 3], dtype=torch.int64),
    i32=torch.tensor([-(2**31), 2**31 - 1], dtype=torch.int32),
    i16=torch.tensor([-32768, 12], dtype=torch.int16),
    i8=torch.tensor([-128, 127], dtype=torch.int8),
    u8=torch.tensor([0, 255], dtype=torch.uint8),
    bool=torch.tensor([True, False]),
    scalar=torch.tensor(7.25, dtype=torch.float64),
    empty=torch.zeros(0, 4),
)
save_torch_safetensors(st, HERE / "dtypes.safetensors", metadata={"format": "pt", "note": "swiftloss fixture"})
from safetensors import safe_open

with safe_open(HERE / "dtypes.safetensors", framework="pt") as f:
    expected["dtypes.safetensors"] = {}
    for key in f.keys():
        torch_record("dtypes.safetensors", key, f.get_tensor(key))
    # The header's order, which the reader keeps.
    header_length = int.from_bytes((HERE / "dtypes.safetensors").read_bytes()[:8], "little")
    header = json.loads((HERE / "dtypes.safetensors").read_bytes()[8 : 8 + header_length])
    expected["dtypes.safetensors#order"] = [k for k in header if k != "__metadata__"]
save_numpy_safetensors({"weight": np.arange(6, dtype=np.float64).reshape(2, 3)}, str(HERE / "single.safetensors"))
record("single.safetensors", "weight", np.arange(6, dtype=np.float64).reshape(2, 3), "float64")

# ---- PyTorch .pt ----
def save_pt(name, obj, **kwargs):
    torch.save(obj, HERE / name, **kwargs)
    # (torch's weights-only unpickler has no protocol-4 opcodes; this file is our own.)
    loaded = torch.load(HERE / name, weights_only="pickle_protocol" not in kwargs)
    expected[name] = {}
    for key, tensor in flatten(loaded, ""):
        torch_record(name, key, tensor)
    expected[name + "#order"] = [key for key, _ in flatten(loaded, "")]


def flatten(value, prefix):
    """(key, tensor) pairs in the reader's order: dict keys joined with '.', items by index."""
    join = lambda k: f"{prefix}.{k}" if prefix else str(k)
    if isinstance(value, torch.Tensor):
        yield prefix, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from flatten(v, join(k))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from flatten(v, join(i))


save_pt("tensor.pt", torch.randn(3, 4, generator=torch.Generator().manual_seed(2)))
save_pt(
    "dtypes.pt",
    {
        "float64": torch.tensor([1.5, float("nan"), float("-inf"), -0.0], dtype=torch.float64),
        "float32": torch.tensor([[0.1, -2.0], [3.0, 1e38]], dtype=torch.float32),
        "float16": torch.tensor([0.1, 65504.0, -6e-8], dtype=torch.float16),
        "bfloat16": torch.tensor([3.140625, -1e30, 1e-30], dtype=torch.bfloat16),
        "int64": torch.tensor([-(2**53), 2**53], dtype=torch.int64),
        "int32": torch.tensor([-(2**31), 2**31 - 1], dtype=torch.int32),
        "int16": torch.tensor([-32768, 32767], dtype=torch.int16),
        "int8": torch.tensor([-128, 127], dtype=torch.int8),
        "uint8": torch.tensor([0, 255], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True]),
    },
)
base = torch.arange(24, dtype=torch.float64).reshape(4, 6)
save_pt(
    "views.pt",
    {
        "transposed": base.t(),
        "sliced": base[1:3, 2:5],  # storage offset 8, strides (6, 1)
        "strided": base[::2, 1::3],  # strides (12, 3)
        "expanded": torch.tensor([1.0, 2.0, 3.0]).expand(2, 3),  # stride 0
        "column": base[:, 5],  # offset 5, stride 6
        "permuted": torch.arange(24, dtype=torch.float32).reshape(2, 3, 4).permute(2, 0, 1),
        "scalar_view": base[2, 3],  # 0-d with offset 15
        "scalar": torch.tensor(3.5),
        "empty": torch.zeros(0, 3),
        "empty_view": base[4:, :],
        "base": base,
    },
)
save_pt(
    "nested.pt",
    {
        "a": [torch.tensor([1.0]), (torch.tensor([2.0, 3.0]), {"b": torch.tensor([[4.0]])})],
        "c": OrderedDict(d=torch.tensor([5, 6], dtype=torch.int64)),
        "epoch": 3,
        "name": "skipped",
        "none": None,
        7: torch.tensor([7.0]),
    },
)
save_pt("list.pt", [torch.tensor([1.0, 2.0]), torch.tensor([[3]], dtype=torch.int32)])
torch.manual_seed(0)
adaptive = torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4, 8])
save_pt("adaptive_state_dict.pt", adaptive.state_dict())
save_pt("linear_state_dict.pt", torch.nn.Linear(3, 2).state_dict())
save_pt("parameter.pt", torch.nn.Parameter(torch.tensor([[0.5, -0.5]])))
save_pt("protocol4.pt", {"x": torch.tensor([1.0, 2.0]), "y": torch.tensor([3], dtype=torch.int8)}, pickle_protocol=4)

# CONSTRUCTED: views.pt's storages byte-swapped and its byteorder entry set to "big".
# Each storage is swapped by its own width, read from the pickle without building anything.
with zipfile.ZipFile(HERE / "views.pt") as source:
    prefix = source.namelist()[0].split("/")[0]
    widths = {}

    class StorageTypes(pickle.Unpickler):
        def find_class(self, module, name):
            if module == "torch" and name.endswith("Storage"):
                return name
            return lambda *args, **kwargs: None

        def persistent_load(self, pid):
            widths[pid[2]] = {"DoubleStorage": 8, "FloatStorage": 4}[pid[1]]
            return None

    StorageTypes(io.BytesIO(source.read(f"{prefix}/data.pkl"))).load()
    with zipfile.ZipFile(HERE / "big_endian.pt", "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == f"{prefix}/byteorder":
                data = b"big"
            elif info.filename.startswith(f"{prefix}/data/"):
                key = info.filename.split("/")[-1]
                data = np.frombuffer(data, dtype=f"<f{widths[key]}").astype(f">f{widths[key]}").tobytes()
            target.writestr(info, data)
expected["big_endian.pt"] = expected["views.pt"]
expected["big_endian.pt#order"] = expected["views.pt#order"]

# ---- Files that must be refused ----
class Malicious:
    """Its __reduce__ asks the unpickler to run a shell command that creates MARKER."""

    def __reduce__(self):
        return (os.system, (f"touch {MARKER}",))


torch.save({"weight": torch.tensor([1.0]), "payload": Malicious()}, HERE / "malicious.pt")
assert not os.path.exists(MARKER)
torch.save(torch.nn.Linear(2, 2), HERE / "module.pt")
torch.save(torch.tensor([1.0, 2.0]), HERE / "legacy.pt", _use_new_zipfile_serialization=False)
torch.save({"c": torch.tensor([1 + 2j])}, HERE / "complex.pt")
torch.save({"u": torch.tensor([1, 2], dtype=torch.uint16)}, HERE / "uint16.pt")
(HERE / "plain.pickle").write_bytes(pickle.dumps({"a": [1.0, 2.0]}, protocol=4))
with zipfile.ZipFile(HERE / "other.zip", "w") as z:
    z.writestr("readme.txt", "not tensors")
(HERE / "values.csv.gz").write_bytes(gzip.compress(b"1.5,2.5\n3.5,4.5\n", mtime=0))
try:
    import polars as pl

    pl.DataFrame({"y": [1.0, 2.0]}).write_parquet(HERE / "frame.parquet")
except ImportError:  # pragma: no cover
    pass

expected["marker"] = MARKER
(HERE / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
print("wrote", len(list(HERE.iterdir())), "files to", HERE)
