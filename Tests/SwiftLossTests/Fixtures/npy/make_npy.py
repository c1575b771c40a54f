#!/usr/bin/env python3
"""Writes the .npy fixtures read by NPYReaderTests (run from this directory with numpy installed).

Each array's expected values are listed in NPYReaderTests.swift.
"""
import numpy as np
from numpy.lib import format as npformat

base = np.arange(12, dtype=np.float64).reshape(3, 4) / 4 - 1  # -1.0 ... 1.75

np.save("f8_c_3x4.npy", base)
np.save("f4_be_3x4.npy", base.astype(">f4"))
np.save("f2_specials.npy", np.array([0.5, -2.0, np.inf, -np.inf, np.nan, 6.1035156e-05, 5.9604645e-08, 65504.0], dtype="<f2"))
np.save("i8_fortran_2x3x2.npy", np.asfortranarray(np.arange(12, dtype=np.int64).reshape(2, 3, 2) - 6))
np.save("i2_be.npy", np.array([-32768, -1, 0, 32767], dtype=">i2"))
np.save("u1.npy", np.array([0, 1, 255], dtype=np.uint8))
np.save("b1.npy", np.array([[True, False], [False, True]]))
np.save("scalar.npy", np.float64(2.5))
np.save("empty_0x3.npy", np.zeros((0, 3)))
with open("f8_v2.npy", "wb") as f:
    npformat.write_array(f, np.array([1.0, 2.0, 3.0]), version=(2, 0))
with open("i4_v3.npy", "wb") as f:
    npformat.write_array(f, np.array([[1, -2], [3, -4]], dtype="<i4"), version=(3, 0))
np.save("c16.npy", np.array([1 + 2j]))
np.save("object.npy", np.array([1, "a"], dtype=object), allow_pickle=True)
