extension Teaching {
  static let regressionExplanations: [LossExplanation] = [
    LossExplanation(
      "l1_loss", family: .regression,
      formula: [
        "l_i = |x_i − y_i|",
        "mean = Σ_i l_i / n     sum = Σ_i l_i     (with weight: l_i = w_i·|x_i − y_i|, mean = Σ w_i|x_i − y_i| / Σ w_i)",
        "dl_i/dx_i = sgn(x_i − y_i)   (0 where x_i = y_i)",
      ],
      shapes: [
        "input: any shape; target: the same shape (another broadcastable shape works, with a warning)",
        "weight (functional only): exactly the input's shape",
        "reduction='none': the broadcast shape",
      ],
      notes: [
        "At x_i = y_i the loss has a kink; PyTorch's subgradient there is 0 (sgn(0) = 0), so a perfect prediction gets no push either way.",
        "A target of shape (N, 1) against an input of shape (N) silently broadcasts to (N, N): PyTorch only warns (issue #16045). Check your shapes.",
        "The gradient has the same size (1/n under 'mean') for small and large errors: L1 is robust to outliers but converges slowly near the optimum.",
        "With a functional weight, 'mean' divides by Σ w (a weighted average), unlike huber_loss, which divides by n.",
      ]),
    LossExplanation(
      "mse_loss", family: .regression,
      formula: [
        "l_i = (x_i − y_i)²",
        "mean = Σ_i l_i / n     sum = Σ_i l_i     (with weight: mean = Σ w_i(x_i − y_i)² / Σ w_i)",
        "dl_i/dx_i = 2·(x_i − y_i)   (÷ n under 'mean')",
      ],
      shapes: [
        "input: any shape; target: the same shape (another broadcastable shape works, with a warning)",
        "weight (functional only): exactly the input's shape",
        "reduction='none': the broadcast shape",
      ],
      notes: [
        "MSELoss is the mean of the squares, not the root: take the square root yourself for RMSE (and note that √ of a mean of batches is not the mean of per-batch √s).",
        "A target of shape (N, 1) against an input of shape (N) silently broadcasts to (N, N): PyTorch only warns (issue #16045).",
        "Large errors dominate: one outlier with error 10 weighs as much as 100 errors of 1. Use huber_loss or smooth_l1_loss to cap the gradient.",
      ]),
    LossExplanation(
      "smooth_l1_loss", family: .regression,
      formula: [
        "z_i = |x_i − y_i|",
        "l_i = 0.5·z_i²/β   if z_i < β",
        "l_i = z_i − 0.5·β   otherwise",
        "dl_i/dx_i = (x_i − y_i)/β inside, sgn(x_i − y_i) outside   (gradient at most 1 in size)",
      ],
      shapes: [
        "input: any shape; target: the same shape (broadcast with a warning otherwise)",
        "reduction='none': the broadcast shape",
      ],
      notes: [
        "SmoothL1 with beta and Huber with delta are not the same function: huber_loss(δ) = δ · smooth_l1_loss(β = δ). SmoothL1's linear part has slope 1 whatever β is; Huber's has slope δ (issue #48595).",
        "As β → 0 SmoothL1 becomes L1 (PyTorch routes β = 0 to l1_loss exactly); as δ → 0 Huber goes to 0, not to L1.",
        "β < 0 is an error in PyTorch (\"smooth_l1_loss does not support negative values for beta.\").",
        "With the default β = 1 SmoothL1 and Huber coincide — which hides the difference until someone changes the parameter.",
      ]),
    LossExplanation(
      "huber_loss", family: .regression,
      formula: [
        "z_i = |x_i − y_i|",
        "l_i = 0.5·z_i²         if z_i < δ",
        "l_i = δ·(z_i − 0.5·δ)   otherwise",
        "dl_i/dx_i = x_i − y_i inside, δ·sgn(x_i − y_i) outside   (gradient clipped at δ)",
      ],
      shapes: [
        "input: any shape; target: the same shape (broadcast with a warning otherwise)",
        "weight (functional only): exactly the input's shape",
        "reduction='none': the broadcast shape",
      ],
      notes: [
        "huber_loss(δ) = δ · smooth_l1_loss(β = δ): the quadratic part is not divided by δ, so the linear part has slope δ (issue #48595).",
        "δ ≤ 0 is an error (\"huber_loss does not support non-positive values for delta.\").",
        "HuberLoss has no size_average/reduce (it was added after they were deprecated).",
        "With a functional weight, 'mean' is Σ w_il_i / n (weights do not change the denominator), unlike l1_loss/mse_loss.",
      ]),
  ]
}
