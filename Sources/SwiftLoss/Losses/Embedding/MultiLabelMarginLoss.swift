extension LossDefinition {
  /// `torch.nn.MultiLabelMarginLoss` / `F.multilabel_margin_loss`: the multi-label hinge loss.
  public static let multilabelMarginLoss = LossDefinition(
    functionalName: "multilabel_margin_loss", moduleName: "MultiLabelMarginLoss", aliases: ["multilabel_margin"],
    teaching: .multilabelMarginLoss,
    summary: "multi-label hinge: Σ_{j listed} Σ_{i not listed} max(0, 1 − x_j + x_i) / C per sample",
    tensors: [
      TensorSpec(.input, gradient: true, help: "scores (C), (N, C), or a 0-d score (C = 1)"),
      TensorSpec(
        .target, gradient: false, integer: .always,
        help: "the input's shape: class indices per sample, ended by the first −1 (later entries ignored, "
          + "but every entry must lie in [−1, C−1])"),
    ],
    options: [MarginShapes.reduction]
  ) { call throws(LossError) in
    try MultiLabelMargin.compute(call)
  }
}

/// PyTorch's `LossMultiLabelMargin.cpp` kernel. Each target row lists class indices up to the first
/// −1; `J` is the set of listed classes (a duplicate is one member of `J` but is iterated again).
/// `L_n = Σ_{j in list} Σ_{i ∉ J} [z > 0]·z / C` with `z = 1 − x_j + x_i`; for each such term
/// `∂x_i += 1/C`, `∂x_j −= 1/C` (times `1/N` for mean). `'none'` is `(N)` for 2-D input and a
/// scalar for 0-d/1-d input.
enum MultiLabelMargin {
  static func compute(_ call: LossCall) throws(LossError) -> LossResult {
    let input = try call[.input], target = try call[.target]
    let (samples, classes) = try MarginShapes.samplesAndClasses(input)
    let consistent = input.rank <= 1 ? target.rank <= 1 && target.count == classes : target.shape == [samples, classes]
    guard consistent else {
      throw LossError.data(
        "inconsistent target size: \(Shape.describeList(target.shape)) for input of size: \(Shape.describeList(input.shape))"
      )
    }
    // Like PyTorch, every entry (also those after the terminating −1) must lie in [−1, C−1].
    let labels = try ClassIndices.check(
      target, name: "target", classCount: classes, allowed: [-1], loss: "multilabel_margin_loss")
    let reduction = call.reduction
    let wantsGradients = call.outputs.contains(.gradients)
    let step = reduction == .mean ? 1 / Double(samples * classes) : 1 / Double(classes)

    var losses = [Double](repeating: 0, count: samples)
    var gradient = [Double](repeating: 0, count: wantsGradients ? input.count : 0)
    withSharedMutableBuffers(&losses, &gradient) { out, grad in
      withSharedBuffers(input.storage, labels) { xs, ys in
        Parallel.forRanges(count: samples, minimumChunk: max(1, Parallel.threshold / classes)) { range in
          var isTarget = [Bool](repeating: false, count: classes)
          for n in range {
            let row = n * classes
            for i in 0..<classes { isTarget[i] = false }
            var listed = 0
            while listed < classes, ys[row + listed] >= 0 {
              isTarget[ys[row + listed]] = true
              listed += 1
            }
            var total = 0.0
            for k in 0..<listed {
              let j = ys[row + k]
              let target = xs[row + j]
              for i in 0..<classes where !isTarget[i] {
                let z = 1 - target + xs[row + i]
                if z > 0 {
                  total += z
                  if wantsGradients {
                    grad[row + j] -= step
                    grad[row + i] += step
                  }
                }
              }
            }
            out[n] = total / Double(classes)
          }
        }
      }
    }
    let shape = input.rank <= 1 ? [] : [samples]
    var gradients: [(name: String, gradient: Tensor)] = []
    if wantsGradients { gradients.append(.input, Tensor(validatedShape: input.shape, storage: gradient)) }
    return LossResult(
      value: reduction.apply(to: losses, shape: shape), elementwise: Tensor(validatedShape: shape, storage: losses),
      gradients: gradients)
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `multilabel_margin_loss` beyond its declaration.
  static let multilabelMarginLoss = LossTeaching(
    explanation: LossExplanation(
      family: .embedding,
      formula: [
        "J = the labels listed in y_n before the first −1",
        "l_n = (1/C)·Σ_{j∈J} Σ_{i not in J} max(0, 1 − x_nj + x_ni)",
        "mean = Σ_n l_n / N",
      ],
      shapes: [
        "input: (C) or (N, C); target: int64 of the input's shape: class indices, padded with −1",
        "reduction='none': (N) (a scalar for 1-D input)",
      ],
      notes: [
        "The target is a list of class indices terminated by −1, NOT a multi-hot vector: [3, 0, −1, 1] means labels {3, 0} (the 1 after −1 is ignored). multilabel_soft_margin_loss is the one that takes multi-hot targets (#15863, #36217).",
        "A multi-hot target [0, 1, 1, 0] passed here means labels {0, 1, 1, 0} — classes 0 and 1, not classes 1 and 2.",
        "The margin is fixed at 1. All target values, even after the −1, must be in [−1, C − 1].",
      ]),
    plot: .multilabelMarginLoss, trace: .perSample
  )
}

extension PlotProbe {
  static let multilabelMarginLoss = PlotProbe(
    kind: .margin, defaultRange: -4...4, setting: "2 classes, target class 0 with score t, other 0",
    tensors: { t, _ in
      var target: [Double] = []
      target.reserveCapacity(t.count * 2)
      for _ in t { target.append(0); target.append(-1) }
      return named([.input: pairs(t, second: 0), .target: Tensor(validatedShape: [t.count, 2], storage: target)])
    }, gradient: .input, stride: 2)
}
