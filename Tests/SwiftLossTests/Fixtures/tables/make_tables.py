"""Delimited-text files as pandas 3.1, numpy and Python's csv module (R / Excel style quoting)
write them, and what pandas reads back from each, for DelimitedTextTablesTests.

Run with the project's torch venv:  .venv-torch215/bin/python make_tables.py
Writes *.csv / *.txt here and expected.json: for each file, the values pandas' own read-back
gives (`pd.read_csv` with the writer's options, index column dropped, booleans as 0/1), the
shape swiftloss should give, and for files with missing values the 1-based line and column of
the first one. Also the README regression (df.to_csv with its index, mse) with torch's value.
"""
import csv
import json
import os

import numpy as np
import pandas as pd
import torch

here = os.path.dirname(os.path.abspath(__file__))
os.chdir(here)
expected = {}


def record(name, frame, shape=None, **extra):
    values = frame.astype("float64").to_numpy()
    if shape is None:
        rows, cols = values.shape
        shape = [cols] if rows == 1 else ([rows] if cols == 1 else [rows, cols])
    expected[name] = {"shape": shape, "values": [repr(float(v)) for v in values.reshape(-1)], **extra}


rng = np.random.default_rng(20261204)
frame = pd.DataFrame({
    "y_pred": rng.normal(size=5).round(6),
    "y_true": rng.normal(size=5).round(6),
    "weight, kg": rng.uniform(0, 2, size=5).round(4),   # a header name with a comma in it
})

# 1. df.to_csv default: an index column under an empty header field.
frame.to_csv("pandas_index.csv")
back = pd.read_csv("pandas_index.csv", index_col=0)
record("pandas_index.csv", back, columns=list(back.columns))

# 2. index=False.
frame.to_csv("pandas_noindex.csv", index=False)
record("pandas_noindex.csv", pd.read_csv("pandas_noindex.csv"))

# 3. QUOTE_ALL (every field quoted, the index too).
frame.to_csv("pandas_quote_all.csv", quoting=csv.QUOTE_ALL)
record("pandas_quote_all.csv", pd.read_csv("pandas_quote_all.csv", index_col=0))

# 4. European: sep=';', decimal=','.
frame.to_csv("pandas_semicolon_decimal_comma.csv", sep=";", decimal=",")
record("pandas_semicolon_decimal_comma.csv",
       pd.read_csv("pandas_semicolon_decimal_comma.csv", sep=";", decimal=",", index_col=0))

# 5. Booleans (True/False), no index.
flags = pd.DataFrame({"hit": [True, False, True, True], "miss": [False, False, True, False]})
flags.to_csv("pandas_booleans.csv", index=False)
record("pandas_booleans.csv", pd.read_csv("pandas_booleans.csv"))

# 6. An unnamed Series with its index: header ",0".
pd.Series(rng.normal(size=4).round(5)).to_csv("pandas_series.csv")
record("pandas_series.csv", pd.read_csv("pandas_series.csv", index_col=0))

# 7. NaN and None: pandas writes empty fields (a lone column: "").
pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": [4.0, 5.0, 6.0]}).to_csv("pandas_nan.csv", index=False)
expected["pandas_nan.csv"] = {"missing": [3, 1]}
pd.DataFrame({"a": [1.5, None, 2.5]}).to_csv("pandas_none_one_column.csv", index=False)
expected["pandas_none_one_column.csv"] = {"missing": [3, 1]}
back = pd.read_csv("pandas_nan.csv")
assert back.isna().any().any()

# 8. A string index (not numbers at all) and a text column, selected around.
labelled = pd.DataFrame({"name": ["a", "b, c", "d"], "score": [0.5, 1.25, -2.0]},
                        index=pd.Index(["r1", "r2", "r3"]))
labelled.to_csv("pandas_text_index.csv")
back = pd.read_csv("pandas_text_index.csv", index_col=0)
expected["pandas_text_index.csv"] = {"column": "score", "number": 3,
                                     "values": [repr(float(v)) for v in back["score"]]}

# 9. numpy.savetxt: default (space, %.18e), and delimiter=',' with a header line ('# ' prefixed).
matrix = rng.normal(size=(3, 4))
np.savetxt("numpy_savetxt.txt", matrix)
record("numpy_savetxt.txt", pd.DataFrame(np.loadtxt("numpy_savetxt.txt")))
np.savetxt("numpy_savetxt_header.csv", matrix, delimiter=",", header="a,b,c,d")
record("numpy_savetxt_header.csv", pd.read_csv("numpy_savetxt_header.csv", comment="#", header=None))

# 10. R write.csv style: quoted header with a "" row-name column, quoted row names, numbers bare;
#     Excel style: QUOTE_MINIMAL with a quoted header holding a comma and a doubled quote.
with open("r_write_csv.csv", "w", newline="") as f:
    w = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    w.writerow(["", "x", "y"])
    for k in range(3):
        w.writerow([str(k + 1), float(matrix[k, 0]), float(matrix[k, 1])])
record("r_write_csv.csv", pd.read_csv("r_write_csv.csv", index_col=0))
with open("excel_quoted.csv", "w", newline="") as f:
    w = csv.writer(f, dialect="excel")   # QUOTE_MINIMAL, CRLF line ends
    w.writerow(['size, "cm"', "mass"])
    for k in range(3):
        w.writerow([repr(float(matrix[k, 2])), repr(float(matrix[k, 3]))])
back = pd.read_csv("excel_quoted.csv")
record("excel_quoted.csv", back, columns=list(back.columns))

# 11. The README's reported bug: mse of df.to_csv("p.csv") (with its index) against a target.
preds = pd.DataFrame({"p": [2.5, 0.0, 2.0, 8.0, -1.5]})
target = pd.DataFrame({"t": [3.0, -0.5, 2.0, 7.0, 1.0]})
preds.to_csv("readme_p.csv")
target.to_csv("readme_y.csv")
loss = torch.nn.functional.mse_loss(
    torch.tensor(pd.read_csv("readme_p.csv", index_col=0)["p"].to_numpy()),
    torch.tensor(pd.read_csv("readme_y.csv", index_col=0)["t"].to_numpy()))
expected["readme_mse"] = {"input": "readme_p.csv", "target": "readme_y.csv", "loss": repr(loss.item())}

with open("expected.json", "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
    f.write("\n")
print("pandas", pd.__version__, "numpy", np.__version__, "torch", torch.__version__)
