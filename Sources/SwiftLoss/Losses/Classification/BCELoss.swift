#if canImport(Glibc)
import Glibc
#endif

/// BCE on probabilities, as ATen's scalar kernel: `(y − 1)·max(log1p(−x), −100) − y·max(log x, −100)`.
/// Gradients: `(x − y) / max((1 − x)·x, ε)` with ATen's float constant `ε = Float32(1e-12)`, and
/// `−logit(x)` for the target (unclamped: ±inf at x = 0, 1).
struct BinaryCrossEntropyKernel: PointwiseKernel {
  static let epsilon = Double(Float(1e-12))
  @inline(__always) func loss(_ x: Double, _ y: Double) -> Double {
    (y - 1) * max(log1p(-x), -100) - y * max(log(x), -100)
  }
  @inline(__always) func derivatives(_ x: Double, _ y: Double) -> (input: Double, target: Double) {
    ((x - y) / max((1 - x) * x, Self.epsilon), -log(x / (1 - x)))
  }
}

extension LossDefinition {
  /// `torch.nn.BCELoss` / `F.binary_cross_entropy`.
  public static let binaryCrossEntropy = LossDefinition(
    functionalName: "binary_cross_entropy", moduleName: "BCELoss", aliases: ["bce"],
    summary: "binary cross-entropy of probabilities in [0, 1] (logs clamped at −100)",
    tensors: [
      TensorSpec(.input, gradient: true, help: "probabilities in [0, 1], any shape"),
      TensorSpec(.target, gradient: true, help: "targets in [0, 1], exactly the input's shape"),
      TensorSpec(
        .weight, required: false, gradient: false,
        help: "weights broadcast to the target's shape (may not enlarge it); no gradient"),
    ],
    options: [.reduction()]
  ) { call throws(LossError) in
    let input = try call[.input], target = try call[.target]
    let weight = call[optional: .weight]
    guard target.shape == input.shape else {
      throw LossError.data(
        "binary_cross_entropy: Using a target size (\(Shape.describeTorchSize(target.shape))) that is different to the input size (\(Shape.describeTorchSize(input.shape))) is deprecated. Please ensure they have the same size.",
        tensor: "target")
    }
    if let weight {
      let expanded: [Int]
      do throws(ShapeError) { expanded = try Broadcasting.shape(target.shape, weight.shape) } catch { throw .data("binary_cross_entropy: \(error.message)", tensor: "weight") }
      guard expanded == input.shape else {
        throw LossError.data(
          "binary_cross_entropy: output with shape \(Shape.describeList(input.shape)) doesn't match the broadcast shape \(Shape.describeList(expanded))",
          tensor: "weight")
      }
    }
    // ATen checks each element in turn, the input before the target; NaN fails both checks.
    for i in 0..<input.count {
      let x = input.storage[i], y = target.storage[i]
      guard x >= 0 && x <= 1 else {
        throw LossError.data(
          "binary_cross_entropy: all elements of input should be between 0 and 1 (found \(NumberText.python(x)))",
          tensor: "input", index: i)
      }
      guard y >= 0 && y <= 1 else {
        throw LossError.data(
          "binary_cross_entropy: all elements of target should be between 0 and 1 (found \(NumberText.python(y)))",
          tensor: "target", index: i)
      }
    }
    var operands = PointwiseOperands(input: input, target: target, weight: weight)
    operands.weightGradientName = nil
    return try PointwiseLoss.compute(
      BinaryCrossEntropyKernel(), operands, reduction: call.reduction, outputs: call.outputs)
  }
}
