/// `|x − y|`; gradient `sgn(x − y)`, 0 where `x == y` and also where `x − y` is NaN (PyTorch's
/// `sgn` returns 0 for both).
struct AbsoluteErrorKernel: PointwiseKernel {
  @inline(__always) func loss(_ x: Double, _ y: Double) -> Double { abs(x - y) }
  @inline(__always) func derivatives(_ x: Double, _ y: Double) -> (input: Double, target: Double) {
    let d = x - y
    let sign: Double = d > 0 ? 1 : (d < 0 ? -1 : 0)
    return (sign, -sign)
  }
}

extension LossDefinition {
  /// `torch.nn.L1Loss` / `F.l1_loss`: mean absolute error.
  public static let l1Loss = LossDefinition(
    functionalName: "l1_loss", moduleName: "L1Loss", aliases: ["l1"],
    summary: "mean absolute error |x − y|",
    tensors: RegressionLoss.tensors,
    options: [.reduction()],
    pointwiseKernel: { _ in AnyPointwiseKernel(AbsoluteErrorKernel()) }
  ) { call throws(LossError) in
    try RegressionLoss.compute(AbsoluteErrorKernel(), call, weightedMean: .dividesByWeightSum)
  }
}

/// The shape of every regression loss: `input`, `target` (broadcast with PyTorch's warning) and the
/// functional's optional `weight`, which must have exactly the input's size.
enum RegressionLoss {
  static let tensors = [
    TensorSpec(.input, gradient: true, help: "predictions, any shape"),
    TensorSpec(.target, gradient: true, help: "targets, the input's shape (broadcast with a warning otherwise)"),
    TensorSpec(.weight, required: false, gradient: true, help: "per-element weights, exactly the input's shape"),
  ]

  static func compute<Kernel: PointwiseKernel>(
    _ kernel: Kernel, _ call: LossCall, weightedMean: WeightedMean
  ) throws(LossError) -> LossResult {
    let input = try call[.input], target = try call[.target]
    var operands = PointwiseOperands(input: input, target: target, weight: call[optional: .weight])
    if let weight = operands.weight, weight.shape != input.shape {
      throw LossError.data(
        "Weights and input must have the same size (weight \(Shape.describe(weight.shape)), input \(Shape.describe(input.shape)))")
    }
    operands.weightedMean = weightedMean
    return try PointwiseLoss.compute(
      kernel, operands, reduction: call.reduction, outputs: call.outputs,
      warnings: PointwiseLoss.sizeMismatchWarning(input: input, target: target))
  }
}
