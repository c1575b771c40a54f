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
    summary: "mean squared error (x − y)²",
    tensors: RegressionLoss.tensors,
    options: [.reduction()],
    pointwiseKernel: { _ in AnyPointwiseKernel(SquaredErrorKernel()) }
  ) { call throws(LossError) in
    let kernel = SquaredErrorKernel(negatesForTarget: call[optional: .weight] != nil)
    return try RegressionLoss.compute(kernel, call, weightedMean: .dividesByWeightSum)
  }
}
