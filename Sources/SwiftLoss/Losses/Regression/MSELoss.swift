/// `(x − y)²`; gradient `2(x − y)`, and `2(y − x)` for the target: derivatives.yaml computes the
/// target's as `mse_loss_backward(grad, target, self)`, the call swapped rather than the
/// result negated, so at `x == y` both gradients are `+0.0`. With a `weight`, `F.mse_loss` is
/// Python composite (`pow(x − y, 2)·w`) and autograd negates: the target's is then `−2(x − y)`.
struct SquaredErrorKernel: PointwiseKernel {
  var negatesForTarget = false
  @inline(__always) func loss(_ x: Double, _ y: Double) -> Double { let d = x - y; return d * d }
  @inline(__always) func derivatives(_ x: Double, _ y: Double) -> (input: Double, target: Double) {
    let g = 2 * (x - y)
    return (g, negatesForTarget ? -g : 2 * (y - x))
  }
}

extension LossDefinition {
  /// `torch.nn.MSELoss` / `F.mse_loss`: mean squared error.
  public static let mseLoss = LossDefinition(
    functionalName: "mse_loss", moduleName: "MSELoss", aliases: ["mse"],
    teaching: .mseLoss,
    summary: "mean squared error (x − y)²",
    tensors: RegressionLoss.tensors,
    options: [.reduction()],
    pointwiseKernel: { _ in AnyPointwiseKernel(SquaredErrorKernel()) }
  ) { call throws(LossError) in
    let kernel = SquaredErrorKernel(negatesForTarget: call[optional: .weight] != nil)
    return try RegressionLoss.compute(kernel, call, weightedMean: .dividesByWeightSum)
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `mse_loss` beyond its declaration.
  static let mseLoss = LossTeaching(
    explanation: LossExplanation(
      family: .regression,
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
    plot: .residual, trace: .residual(weightedMean: .dividesByWeightSum)
  )
}
