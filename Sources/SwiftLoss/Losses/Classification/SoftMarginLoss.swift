#if canImport(Glibc)
import Glibc
#endif

/// `log1p(exp(−y·x))`, computed as ATen does (`exp((−x)·y)`, then `log1p`): not overflow-safe, so
/// `−y·x > ~709.78` gives `inf` and a NaN gradient, exactly as PyTorch.
struct SoftMarginKernel: PointwiseKernel {
  @inline(__always) func loss(_ x: Double, _ y: Double) -> Double { log1p(exp(-x * y)) }
  @inline(__always) func derivatives(_ x: Double, _ y: Double) -> (input: Double, target: Double) {
    let z = exp(-x * y)
    return (-(y * z) / (z + 1), 0)
  }
}

extension LossDefinition {
  /// `torch.nn.SoftMarginLoss` / `F.soft_margin_loss`.
  public static let softMarginLoss = LossDefinition(
    functionalName: "soft_margin_loss", moduleName: "SoftMarginLoss", aliases: ["soft_margin"],
    summary: "two-class logistic loss log(1 + exp(−y·x)) for targets ±1",
    tensors: [
      TensorSpec(.input, gradient: true, help: "scores, any shape"),
      TensorSpec(
        .target, gradient: false,
        help: "labels (±1 intended, any real accepted), broadcast to the input's shape (may not enlarge it); no gradient"),
    ],
    options: [.reduction()],
    pointwiseKernel: { _ in AnyPointwiseKernel(SoftMarginKernel()) }
  ) { call throws(LossError) in
    let input = try call[.input], target = try call[.target]
    // ATen writes into an input-shaped output in place: the target may broadcast but not enlarge.
    let shape: [Int]
    do throws(ShapeError) { shape = try Broadcasting.shape(input.shape, target.shape) } catch { throw .data("soft_margin_loss: \(error.message)", tensor: "target") }
    guard shape == input.shape else {
      throw LossError.data(
        "soft_margin_loss: output with shape \(Shape.describeList(input.shape)) doesn't match the broadcast shape \(Shape.describeList(shape))",
        tensor: "target")
    }
    var operands = PointwiseOperands(input: input, target: target)
    operands.targetGradientName = nil
    return try PointwiseLoss.compute(SoftMarginKernel(), operands, reduction: call.reduction, outputs: call.outputs)
  }
}
