extension Teaching {
  static let probabilisticExplanations: [LossExplanation] = [
    LossExplanation(
      "kl_div", family: .probabilistic,
      formula: [
        "l_i = y_i·log y_i − y_i·x_i          (x = log q, y = p; y_i = 0 contributes 0)",
        "log_target:  l_i = exp(y_i)·(y_i − x_i)   (y = log p)",
        "batchmean = Σ_i l_i / input.size(0)  = KL(p ‖ q) per sample     mean = Σ_i l_i / n",
        "dl_i/dx_i = −y_i  (−exp(y_i) with log_target)",
      ],
      shapes: [
        "input: log-probabilities, any shape; target: probabilities, broadcast with the input",
        "reduction='none': the broadcast shape",
      ],
      notes: [
        "The input must be log-probabilities (log_softmax output) and the target probabilities: kl_div(input, target) is KL(target ‖ exp(input)), the argument order opposite to the usual KL(P ‖ Q) notation (#57459). Passing probabilities as input gives wrong, even negative, values (#60928).",
        "reduction='mean' divides by the number of elements (batch × classes), which is not the KL divergence; use reduction='batchmean' for the mathematical definition (#2259). PyTorch warns about 'mean'.",
        "log_target=True takes the target as log-probabilities too, which avoids log(0) for sparse targets.",
        "The target's gradient is NaN where the target is 0 (the derivative of y·log y), as in PyTorch.",
        "The legacy size_average/reduce flags cannot select 'batchmean'.",
      ]),
    LossExplanation(
      "poisson_nll_loss", family: .probabilistic,
      formula: [
        "log_input=True:   l_i = exp(x_i) − y_i·x_i          (x = log rate)",
        "log_input=False:  l_i = x_i − y_i·log(x_i + eps)    (x = rate)",
        "full=True adds Stirling's term  y_i·log y_i − y_i + 0.5·log(2π·y_i)  where y_i > 1",
      ],
      shapes: [
        "input: any shape; target: counts, broadcast with the input (silently)",
        "reduction='none': the broadcast shape",
      ],
      notes: [
        "log_input defaults to True: the input is the log of the rate, and the loss uses exp(input). Passing rates without --no-log-input is a common mistake.",
        "The constant log(y!) is dropped unless full=True (so the loss is not the full negative log-likelihood and can be negative); full only adds the Stirling approximation for y > 1.",
        "The first argument is called log_input in the module's forward, but it is the same tensor as input.",
      ]),
    LossExplanation(
      "gaussian_nll_loss", family: .probabilistic,
      formula: [
        "v_i = max(var_i, eps)           (clamp without gradient: d/dvar passes straight through)",
        "l_i = 0.5·(log v_i + (x_i − y_i)²/v_i)  [+ 0.5·log(2π) if full]",
        "dl_i/dx_i = (x_i − y_i)/v_i,   dl_i/dvar_i = 0.5·(1/v_i − (x_i − y_i)²/v_i²)",
      ],
      shapes: [
        "input: any shape; target: broadcast with the input",
        "var: the input's shape, or one dimension of size 1, or the input's shape without the last dimension; a bare number is a float var",
        "reduction='none': the broadcast shape",
      ],
      notes: [
        "var is a variance, not a standard deviation; it must be ≥ 0 (negative entries are an error). Learn log-variance and exponentiate if your model can output negatives.",
        "Only one broadcast dimension is allowed for var (#147521, #176244): a (N, 1) var with (N, D) input is fine, (1, 1) is not.",
        "A bare number for --var is PyTorch's Python float var: no gradient. A 1-element tensor gets one.",
        "GaussianNLLLoss is keyword-only and takes no size_average/reduce.",
      ]),
  ]
}
