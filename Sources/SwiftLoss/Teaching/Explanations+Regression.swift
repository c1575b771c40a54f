extension Teaching {
  static let regressionExplanations: [LossExplanation] = [
    LossExplanation(
      "l1_loss", family: .regression,
      formula: [
        "ℓᵢ = |xᵢ − yᵢ|",
        "mean = Σᵢ ℓᵢ / n     sum = Σᵢ ℓᵢ     (with weight: ℓᵢ = wᵢ·|xᵢ − yᵢ|, mean = Σ wᵢ|xᵢ − yᵢ| / Σ wᵢ)",
        "∂ℓᵢ/∂xᵢ = sgn(xᵢ − yᵢ)   (0 where xᵢ = yᵢ)",
      ],
      shapes: [
        "input: any shape; target: the same shape (another broadcastable shape works, with a warning)",
        "weight (functional only): exactly the input's shape",
        "reduction='none': the broadcast shape",
      ],
      notes: [
        "At xᵢ = yᵢ the loss has a kink; PyTorch's subgradient there is 0 (sgn(0) = 0), so a perfect prediction gets no push either way.",
        "A target of shape (N, 1) against an input of shape (N) silently broadcasts to (N, N): PyTorch only warns (issue #16045). Check your shapes.",
        "The gradient has the same size (1/n under 'mean') for small and large errors: L1 is robust to outliers but converges slowly near the optimum.",
        "With a functional weight, 'mean' divides by Σ w (a weighted average), unlike huber_loss, which divides by n.",
      ]),
    LossExplanation(
      "mse_loss", family: .regression,
      formula: [
        "ℓᵢ = (xᵢ − yᵢ)²",
        "mean = Σᵢ ℓᵢ / n     sum = Σᵢ ℓᵢ     (with weight: mean = Σ wᵢ(xᵢ − yᵢ)² / Σ wᵢ)",
        "∂ℓᵢ/∂xᵢ = 2·(xᵢ − yᵢ)   (÷ n under 'mean')",
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
        "zᵢ = |xᵢ − yᵢ|",
        "ℓᵢ = 0.5·zᵢ²/β   if zᵢ < β",
        "ℓᵢ = zᵢ − 0.5·β   otherwise",
        "∂ℓᵢ/∂xᵢ = (xᵢ − yᵢ)/β inside, sgn(xᵢ − yᵢ) outside   (gradient at most 1 in size)",
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
        "zᵢ = |xᵢ − yᵢ|",
        "ℓᵢ = 0.5·zᵢ²         if zᵢ < δ",
        "ℓᵢ = δ·(zᵢ − 0.5·δ)   otherwise",
        "∂ℓᵢ/∂xᵢ = xᵢ − yᵢ inside, δ·sgn(xᵢ − yᵢ) outside   (gradient clipped at δ)",
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
        "With a functional weight, 'mean' is Σ wᵢℓᵢ / n (weights do not change the denominator), unlike l1_loss/mse_loss.",
      ]),
  ]
}
