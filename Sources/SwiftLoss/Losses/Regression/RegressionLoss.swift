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
        "Weights and input must have the same size (weight \(Shape.describe(weight.shape)), input \(Shape.describe(input.shape)))"
      )
    }
    operands.weightedMean = weightedMean
    return try PointwiseLoss.compute(
      kernel, operands, reduction: call.reduction, outputs: call.outputs,
      warnings: PointwiseLoss.sizeMismatchWarning(input: input, target: target))
  }
}
