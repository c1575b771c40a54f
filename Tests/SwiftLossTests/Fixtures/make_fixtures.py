#!/usr/bin/env python3
"""Writes pytorch/<family>.json from cases_<family>.py using PyTorch (float64, CPU).

Usage (from the repository root):
    python3 -m venv .venv-torch && .venv-torch/bin/pip install 'torch==2.15.0' numpy
    .venv-torch/bin/python Tests/SwiftLossTests/Fixtures/make_fixtures.py [family ...]
With no family, every cases_*.py beside this script is run.
"""
import glob
import importlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import torch  # noqa: E402


def main(argv):
    families = argv or sorted(
        os.path.basename(p)[len("cases_"):-3] for p in glob.glob(os.path.join(HERE, "cases_*.py")))
    os.makedirs(os.path.join(HERE, "pytorch"), exist_ok=True)
    for family in families:
        module = importlib.import_module(f"cases_{family}")
        records = [case.run() for case in module.cases()]
        names = [r["name"] for r in records]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise SystemExit(f"{family}: duplicate case names {sorted(dupes)}")
        doc = {"generator": "make_fixtures.py", "torch": torch.__version__, "family": family, "cases": records}
        path = os.path.join(HERE, "pytorch", f"{family}.json")
        with open(path, "w") as f:
            json.dump(doc, f, indent=None, separators=(",", ":"), allow_nan=False)
            f.write("\n")
        print(f"{path}: {len(records)} cases")


if __name__ == "__main__":
    main(sys.argv[1:])
