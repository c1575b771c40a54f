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
    teaching: .softMarginLoss,
    summary: "two-class logistic loss log(1 + exp(−y·x)) for targets ±1",
    tensors: [
      TensorSpec(.input, gradient: true, help: "scores, any shape"),
      TensorSpec(
        .target, gradient: false,
        help:
          "labels (±1 intended, any real accepted), broadcast to the input's shape (may not enlarge it); no gradient"),
    ],
    options: [.reduction()],
    pointwiseKernel: { _ in AnyPointwiseKernel(SoftMarginKernel()) }
  ) { call throws(LossError) in
    let input = try call[.input], target = try call[.target]
    // ATen writes into an input-shaped output in place: the target may broadcast but not enlarge.
    let shape: [Int]
    do throws(ShapeError) { shape = try Broadcasting.shape(input.shape, target.shape) } catch {
      throw .data("soft_margin_loss: \(error.message)", tensor: "target")
    }
    guard shape == input.shape else {
      throw LossError.data(
        "soft_margin_loss: output with shape \(Shape.describeList(input.shape)) doesn't match the broadcast shape \(Shape.describeList(shape))",
        tensor: "target")
    }
    var operands = PointwiseOperands(input: input, target: target)
    operands.targetGradient = nil
    return try PointwiseLoss.compute(SoftMarginKernel(), operands, reduction: call.reduction, outputs: call.outputs)
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `soft_margin_loss` beyond its declaration.
  static let softMarginLoss = LossTeaching(
    explanation: LossExplanation(
      family: .classification,
      formula: [
        "l_i = log(1 + exp(−y_i·x_i))      y_i ∈ {−1, +1}",
        "dl_i/dx_i = −y_i·e/(1 + e),  e = exp(−y_i·x_i)",
      ],
      shapes: [
        "input: any shape; target: broadcastable with the input, values ±1 (not checked)",
        "reduction='none': the broadcast shape",
      ],
      notes: [
        "This is logistic regression's loss for ±1 labels: soft_margin_loss(x, 2y − 1) = binary_cross_entropy_with_logits(x, y) for y ∈ {0, 1}.",
        "PyTorch computes log1p(exp(−y·x)) directly, so −y·x above ≈ 709.8 overflows to inf (and NaN gradients), unlike BCEWithLogits.",
        "The target gets no gradient (PyTorch raises if it requires one).",
      ]),
    plot: .softMarginLoss
  )
}

extension PlotProbe {
  static let softMarginLoss = PlotProbe(
    kind: .margin, defaultRange: -4...4, setting: "target 1",
    tensors: { t, _ in named([.input: column(t), .target: filled(1, t.count)]) }, gradient: .input,
    position: { difference($0[.input], $0[.target]) { x, y in x * y } })
}
