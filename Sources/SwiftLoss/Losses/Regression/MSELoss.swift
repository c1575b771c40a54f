/// `(x − y)²`; gradient `2(x − y)`.
struct SquaredErrorKernel: PointwiseKernel {
  @inline(__always) func loss(_ x: Double, _ y: Double) -> Double { let d = x - y; return d * d }
  @inline(__always) func derivatives(_ x: Double, _ y: Double) -> (input: Double, target: Double) {
    let g = 2 * (x - y)
    return (g, -g)
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
  ) { arguments throws(LossError) in
    try RegressionLoss.compute(SquaredErrorKernel(), arguments, weightedMean: .dividesByWeightSum)
  }
}
