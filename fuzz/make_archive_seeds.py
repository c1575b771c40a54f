#!/usr/bin/env python3
"""Seeds the archive fuzz targets from the committed archive fixtures (written by numpy, torch
and safetensors; see Tests/SwiftLossTests/Fixtures/archives/make_archives.py):

  fuzz/corpus/zip          every .npz and .pt fixture, and the other zip
  fuzz/corpus/npz          the .npz fixtures
  fuzz/corpus/safetensors  the .safetensors fixtures
  fuzz/corpus/pickle       the data.pkl of every .pt fixture, and a plain protocol-4 pickle

Files are named by their SHA-1, like libFuzzer's own corpus entries.
Run from the repository root: python3 fuzz/make_archive_seeds.py
"""
import hashlib
import zipfile
from pathlib import Path

fixtures = Path("Tests/SwiftLossTests/Fixtures/archives")
corpus = Path("fuzz/corpus")


def seed(target, data):
    directory = corpus / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)


for path in sorted(fixtures.iterdir()):
    data = path.read_bytes()
    if path.suffix in (".npz", ".pt", ".zip"):
        seed("zip", data)
    if path.suffix == ".npz":
        seed("npz", data)
    if path.suffix == ".safetensors":
        seed("safetensors", data)
    if path.suffix == ".pt" and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith("/data.pkl"):
                    seed("pickle", archive.read(name))
    if path.suffix == ".pickle":
        seed("pickle", data)
