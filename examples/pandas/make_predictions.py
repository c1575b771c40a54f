"""A model's predictions in a pandas DataFrame, saved as pandas saves them, and the loss PyTorch
computes from them: the files swiftloss reads in README.md.

    python3 make_predictions.py      # pandas, numpy; torch for the reference values
"""
import numpy as np
import pandas as pd

rng = np.random.default_rng(7)
df = pd.DataFrame({
    "city": ["Lyon", "Oslo", "Quito", "Lima", "Pune", "Kyiv", "Baku", "Riga"],
    "y_true": rng.normal(20, 5, size=8).round(2),
})
df["y_pred"] = (df["y_true"] + rng.normal(0, 2, size=8)).round(2)

df.to_csv("predictions.csv")                              # pandas' default: the index is written too
df[["y_pred"]].to_csv("y_pred.csv")                       # one column each, with the index
df[["y_true"]].to_csv("y_true.csv")
df.to_csv("predictions_eu.csv", sep=";", decimal=",")     # a European spreadsheet's format
with_gap = df.copy()
with_gap.loc[3, "y_pred"] = np.nan                         # a missing prediction: an empty field
with_gap.to_csv("predictions_missing.csv")

try:
    import torch
    mse = torch.nn.functional.mse_loss(torch.tensor(df["y_pred"].to_numpy()), torch.tensor(df["y_true"].to_numpy()))
    l1 = torch.nn.functional.l1_loss(torch.tensor(df["y_pred"].to_numpy()), torch.tensor(df["y_true"].to_numpy()))
    print("torch mse_loss:", mse.item())
    print("torch l1_loss: ", l1.item())
except ImportError:
    pass
