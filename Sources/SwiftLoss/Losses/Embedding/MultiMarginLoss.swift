extension LossDefinition {
  /// `torch.nn.MultiMarginLoss` / `F.multi_margin_loss`: the multi-class hinge loss.
  public static let multiMarginLoss = LossDefinition(
    functionalName: "multi_margin_loss", moduleName: "MultiMarginLoss", aliases: ["multi_margin"],
    teaching: .multiMarginLoss,
    summary: "multi-class hinge: Σ_{i≠y} w_y·max(0, margin − x_y + x_i)^p / C per sample",
    tensors: [
      TensorSpec(.input, gradient: true, help: "scores (C), (N, C), or a 0-d score (C = 1)"),
      TensorSpec(
        .target, gradient: false, integer: .always,
        help: "class indices in [0, C): () or (1) for one sample, (N) for a batch"),
      TensorSpec(
        .weight, required: false, gradient: false,
        help: "per-class weights, 1-D of length C (the target class's weight scales its terms)"),
    ],
    options: [
      MarginShapes.reduction,
      OptionSpec(.p, default: 1, help: "1 or 2: the power of each hinge term"),
      OptionSpec(.margin, default: 1, help: "the margin by which the target score should win (any real)"),
    ]
  ) { call throws(LossError) in
    try MultiMargin.compute(call)
  }
}

/// PyTorch's `LossMultiMargin.cpp` kernel. For sample n with target `y` and `z_i = margin − x_y + x_i`:
/// `L_n = Σ_{i ≠ y, z_i > 0} w_y·z_i^p / C`; gradient `∂x_i = w_y·(1 or 2·z_i)/C` for those i and
/// `∂x_y = −Σ_i ∂x_i`, times `1/N` for mean. `z_i = 0` contributes nothing (the kernel tests
/// `z > 0`); NaN scores make their terms vanish (NaN > 0 is false).
enum MultiMargin {
  static func compute(_ call: LossCall) throws(LossError) -> LossResult {
    let input = try call[.input], target = try call[.target]
    let weight = call[optional: .weight]
    let p = call.options[.p], margin = call.options[.margin]
    guard p == 1 || p == 2 else { throw LossError.usage("only p == 1 and p == 2 supported") }
    if let weight, weight.rank != 1 { throw LossError.data("weight must be one-dimensional") }
    let (samples, classes) = try MarginShapes.samplesAndClasses(input)
    guard target.rank <= 1, target.count == samples else {
      throw LossError.data(
        "multi_margin_loss: target tensor should be 1-D with size equal to the number of input samples "
          + "(batch size). Expected target size [\(samples)], but got \(Shape.describeList(target.shape)). "
          + "Input has shape \(Shape.describeList(input.shape)).")
    }
    if let weight, weight.count != classes {
      throw LossError.data("inconsistent weight size, expected \(classes) but got \(Shape.describeList(weight.shape))")
    }
    let labels = try ClassIndices.check(target, name: "target", classCount: classes, loss: "multi_margin_loss")
    let reduction = call.reduction
    let wantsGradients = call.outputs.contains(.gradients)
    let squared = p == 2
    // PyTorch's per-term gradient step: 1/(N·C) for mean, else 1/C.
    let step = reduction == .mean ? 1 / Double(samples * classes) : 1 / Double(classes)

    var losses = [Double](repeating: 0, count: samples)
    var gradient = [Double](repeating: 0, count: wantsGradients ? input.count : 0)
    withSharedMutableBuffers(&losses, &gradient) { out, grad in
      withSharedBuffers(input.storage, labels) { xs, ys in
        let weights = weight?.storage
        Parallel.forRanges(count: samples, minimumChunk: max(1, Parallel.threshold / classes)) { range in
          for n in range {
            let row = n * classes, y = ys[n]
            let scale = weights?[y] ?? 1
            let target = xs[row + y]
            var total = 0.0, targetGradient = 0.0
            for i in 0..<classes where i != y {
              let z = margin - target + xs[row + i]
              if z > 0 {
                var h = squared ? z * z : z
                if weights != nil { h *= scale }
                total += h
                if wantsGradients {
                  var g = squared ? 2 * step * z : step
                  if weights != nil { g *= scale }
                  targetGradient -= g
                  grad[row + i] = g
                }
              }
            }
            out[n] = total / Double(classes)
            if wantsGradients { grad[row + y] = targetGradient }
          }
        }
      }
    }
    let shape = target.rank == 0 ? [] : [samples]
    var gradients: [(name: String, gradient: Tensor)] = []
    if wantsGradients { gradients.append(.input, Tensor(validatedShape: input.shape, storage: gradient)) }
    return LossResult(
      value: reduction.apply(to: losses, shape: shape), elementwise: Tensor(validatedShape: shape, storage: losses),
      gradients: gradients)
  }
}

/// The input shapes of the multi-class margin losses (`LossMulti.h`): `()`, non-empty `(C)`, or
/// `(N, C)` with `C > 0` (N may be 0).
enum MarginShapes {
  /// The reduction option, documenting the choice made for an empty batch.
  static let reduction: OptionSpec = {
    let plain = OptionSpec.reduction()
    return OptionSpec.reduction(
      help: plain.help
        + " (an empty batch, N = 0, gives NaN for mean and 0 for sum; PyTorch returns uninitialised memory)")
  }()

  static func samplesAndClasses(_ input: Tensor) throws(LossError) -> (samples: Int, classes: Int) {
    switch input.rank {
    case 0: return (1, 1)
    case 1 where input.shape[0] != 0: return (1, input.shape[0])
    case 2 where input.shape[1] != 0: return (input.shape[0], input.shape[1])
    default:
      throw LossError.data(
        "Expected non-empty vector or matrix with optional 0-dim batch size, but got: \(Shape.describeList(input.shape))"
      )
    }
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `multi_margin_loss` beyond its declaration.
  static let multiMarginLoss = LossTeaching(
    explanation: LossExplanation(
      family: .embedding,
      formula: [
        "z_ni = margin − x_n,y_n + x_ni      for every class i ≠ y_n",
        "l_n = (1/C)·Σ_{i≠y_n} w[y_n]·max(0, z_ni)^p      p ∈ {1, 2}",
        "mean = Σ_n l_n / N",
      ],
      shapes: [
        "input: (C) or (N, C) scores; target: class indices () or (N); weight: (C)",
        "reduction='none': (N) (a scalar for a single sample)",
      ],
      notes: [
        "This is the multi-class SVM (Weston–Watkins) hinge, divided by C (including the target class in the count).",
        "The weight of the target class scales all of that sample's terms (not the weight of class i).",
        "p must be 1 or 2 (\"only p == 1 and p == 2 supported\"). Targets are int64 class indices.",
        "Ties (z_ni = 0) give no gradient.",
      ]),
    plot: .multiMarginLoss, trace: .perSample, python: .multiMarginLoss
  )
}

extension PlotProbe {
  static let multiMarginLoss = PlotProbe(
    kind: .margin, defaultRange: -4...4, setting: "2 classes, true score t, other 0",
    tensors: { t, _ in named([.input: pairs(t, second: 0), .target: filled(0, t.count)]) }, gradient: .input, stride: 2)
}

extension PythonQuirks {
  /// PyTorch checks `p == 1 or p == 2` on a Python int: `p=2`, not `p=2.0`.
  static let multiMarginLoss = PythonQuirks(integralOptions: [.p])
}
