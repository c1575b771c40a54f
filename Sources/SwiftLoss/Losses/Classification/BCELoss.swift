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
    teaching: .binaryCrossEntropy,
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
      do throws(ShapeError) { expanded = try Broadcasting.shape(target.shape, weight.shape) } catch {
        throw .data("binary_cross_entropy: \(error.message)", tensor: "weight")
      }
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
    operands.weightGradient = nil
    return try PointwiseLoss.compute(
      BinaryCrossEntropyKernel(), operands, reduction: call.reduction, outputs: call.outputs)
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `binary_cross_entropy` beyond its declaration.
  static let binaryCrossEntropy = LossTeaching(
    explanation: LossExplanation(
      family: .classification,
      formula: [
        "l_i = −w_i·[ y_i·max(log x_i, −100) + (1 − y_i)·max(log(1 − x_i), −100) ]",
        "dl_i/dx_i = w_i·(x_i − y_i) / max((1 − x_i)·x_i, 1e−12)",
      ],
      shapes: [
        "input: probabilities in [0, 1], any shape; target: exactly the input's shape, values in [0, 1]",
        "weight: broadcast to the input's shape (it may not enlarge it); reduction='none': the input's shape",
      ],
      notes: [
        "BCELoss takes probabilities (after a sigmoid). If your model outputs logits, use binary_cross_entropy_with_logits: it is the numerically stable form of Sigmoid + BCELoss.",
        "The logs are clamped at −100, so a confident wrong prediction costs at most 100 and never inf (undocumented until PR #33160, issue #31453). The gradient is not the derivative of that clamped value: it uses (x − y)/max(x(1 − x), 1e−12) and can reach ±1e12.",
        "Inputs outside [0, 1] (including NaN) are an error, and so are targets outside [0, 1].",
        "Targets must be floating point in PyTorch (\"Found dtype Long but expected Float\", #45373).",
      ]),
    plot: .binaryCrossEntropy, trace: .binaryCrossEntropy
  )
}

extension PlotProbe {
  static let binaryCrossEntropy = PlotProbe(
    kind: .probability, defaultRange: 0.01...1, setting: "target 1",
    tensors: { t, _ in named([.input: column(t), .target: filled(1, t.count)]) }, gradient: .input,
    position: { binary($0[.input], $0[.target]) { x, y in y == 1 ? x : 1 - x } })
}
