/// PyTorch's composite `hinge_embedding_loss`:
/// `l = where(y ≠ 1, clamp_min(margin − x, 0), 0) + where(y ≠ −1, x, 0)`.
/// So `y = 1 → x`, `y = −1 → max(0, margin − x)`, and any other `y` (0, 2, NaN) adds both terms.
/// Gradient: `−[y ≠ 1]·[margin − x > 0] + [y ≠ −1]` (clamp_min gives no gradient at the kink
/// since PyTorch 2.14, and none for NaN); the target gets none.
struct HingeEmbeddingKernel: PointwiseKernel {
  var margin: Double
  @inline(__always) func loss(_ x: Double, _ y: Double) -> Double {
    let z = margin - x
    let clamped = z.isNaN ? z : (z < 0 ? 0 : z)
    return (y != 1 ? clamped : 0) + (y != -1 ? x : 0)
  }
  @inline(__always) func derivatives(_ x: Double, _ y: Double) -> (input: Double, target: Double) {
    let throughMargin: Double = y != 1 && margin - x > 0 ? -1 : 0
    let throughSelf: Double = y != -1 ? 1 : 0
    return (throughMargin + throughSelf, 0)
  }
}

extension LossDefinition {
  /// `torch.nn.HingeEmbeddingLoss` / `F.hinge_embedding_loss`.
  public static let hingeEmbeddingLoss = LossDefinition(
    functionalName: "hinge_embedding_loss", moduleName: "HingeEmbeddingLoss", aliases: ["hinge_embedding"],
    teaching: .hingeEmbeddingLoss,
    summary: "x where y = 1, max(0, margin − x) where y = −1 (other targets add both terms, as in PyTorch)",
    tensors: [
      TensorSpec(.input, gradient: true, help: "distances or scores, any shape (broadcast with target)"),
      TensorSpec(.target, gradient: false, help: "1 (similar) or −1 (dissimilar); any other value adds both terms"),
    ],
    options: [
      .reduction(),
      OptionSpec(.margin, default: 1.0, help: "the hinge for y = −1: max(0, margin − x)"),
    ],
    pointwiseKernel: { options in AnyPointwiseKernel(HingeEmbeddingKernel(margin: options[.margin])) }
  ) { call throws(LossError) in
    let kernel = HingeEmbeddingKernel(margin: call.options[.margin])
    var operands = PointwiseOperands(input: try call[.input], target: try call[.target])
    // Reject a broadcast too large to allocate before the shared mechanism expands the operands.
    do throws(ShapeError) {
      let shape = try Broadcasting.shape(operands.input.shape, operands.target.shape)
      _ = try Shape.elementCount(shape)
    } catch { throw .shape(error) }
    operands.targetGradient = nil
    return try PointwiseLoss.compute(kernel, operands, reduction: call.reduction, outputs: call.outputs)
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `hinge_embedding_loss` beyond its declaration.
  static let hingeEmbeddingLoss = LossTeaching(
    explanation: LossExplanation(
      family: .embedding,
      formula: [
        "l_i = x_i                      if y_i = 1",
        "l_i = max(0, margin − x_i)     if y_i = −1",
        "(any other y_i adds both terms: max(0, margin − x_i) + x_i)",
      ],
      shapes: [
        "input: distances, any shape; target: ±1, broadcast with the input", "reduction='none': the broadcast shape",
      ],
      notes: [
        "The input is usually a distance (e.g. L1 between two embeddings): similar pairs (y = 1) are pulled to 0, dissimilar pairs (y = −1) pushed beyond margin.",
        "Targets other than ±1 are not rejected: they get both terms.",
        "The target gets no gradient; at x = margin (y = −1) the gradient is 0.",
      ]),
    plot: .hingeEmbeddingLoss
  )
}

extension PlotProbe {
  static let hingeEmbeddingLoss = PlotProbe(
    kind: .distance, defaultRange: 0...3, setting: "target −1",
    tensors: { t, _ in named([.input: column(t), .target: filled(-1, t.count)]) }, gradient: .input,
    position: { tensors in
      guard let x = tensors[.input], let y = tensors[.target], x.shape == y.shape else { return nil }
      return (0..<x.count).filter { y.storage[$0] == -1 }.map { x.storage[$0] }
    })
}
