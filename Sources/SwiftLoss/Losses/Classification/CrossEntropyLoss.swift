extension LossDefinition {
  /// `torch.nn.CrossEntropyLoss` / `F.cross_entropy`: `log_softmax` over the class dimension, then
  /// one of PyTorch's three paths, chosen exactly as PyTorch chooses them:
  /// 1. target has the input's shape → class-probability targets;
  /// 2. else `label_smoothing > 0` → index targets with smoothing;
  /// 3. else → `nll_loss(log_softmax(input), target)`.
  public static let crossEntropy = LossDefinition(
    functionalName: "cross_entropy", moduleName: "CrossEntropyLoss", aliases: ["ce", "cross_entropy"],
    teaching: .crossEntropy,
    summary: "softmax cross-entropy of logits with class indices or class probabilities",
    tensors: [
      TensorSpec(
        .input, gradient: true, help: "logits (C), (N, C) or (N, C, d1, ..., dk); class dimension 0 for 1-D, else 1"),
      TensorSpec(
        .target, gradient: true, integer: .unlessShapedLikeInput,
        help: "class indices ((), (N) or (N, d1, ..., dk)), or class probabilities of the input's shape "
          + "(chosen by shape, as PyTorch does); only probabilities get a gradient"),
      TensorSpec(
        .weight, required: false, gradient: true,
        help: "per-class weights (C); differentiable only with probability targets"),
    ],
    options: [
      .reduction(),
      ClassificationTensors.ignoreIndex,
      OptionSpec(
        .labelSmoothing, default: 0.0,
        help: "mixes ε/C into every class (0 ≤ ε ≤ 1; negative means 0)"),
    ]
  ) { call throws(LossError) in
    try CrossEntropy.evaluate(
      input: try call[.input], target: try call[.target],
      weight: call[optional: .weight], ignoreIndex: call.options[.ignoreIndex],
      labelSmoothing: call.options[.labelSmoothing], call, loss: "cross_entropy")
  }
}

enum CrossEntropy {
  /// `cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)` on logits in
  /// hand: PyTorch's checks and its choice of path. `loss` names the caller in messages
  /// (`linear_cross_entropy` runs it on its projected logits). The gradients are those of `input`,
  /// and for probability targets of `target` and `weight`.
  static func evaluate(
    input: Tensor, target: Tensor, weight: Tensor?, ignoreIndex: Int, labelSmoothing: Double,
    _ call: LossCall, loss: String
  ) throws(LossError) -> LossResult {
    let requested = labelSmoothing
    // PyTorch takes the smoothing branch only for ε > 0 (so negative or NaN means none).
    let smoothing = requested > 0 ? requested : 0
    if input.shape == target.shape {
      guard ignoreIndex < 0 else {
        throw LossError.usage("\(loss): ignore_index is not supported for floating point target")
      }
      let classLayout: ClassLayout?
      do throws(ShapeError) { classLayout = try ClassLayout(shape: input.shape) } catch {
        throw .data("\(loss): \(error.message)", tensor: "input")
      }
      guard let layout = classLayout else {
        throw LossError.data("\(loss): Dimension specified as 1 but tensor has no dimensions", tensor: "input")
      }
      if let weight, weight.rank != 1 || weight.count != layout.classes {
        throw LossError.data(
          "\(loss): weight tensor should be defined either for all \(layout.classes) classes or no classes but got weight tensor of shape: \(Shape.describeList(weight.shape))",
          tensor: "weight")
      }
      guard smoothing <= 1 else {
        throw LossError.usage(
          "\(loss): label_smoothing must be between 0.0 and 1.0. Got: \(NumberText.python(smoothing))")
      }
      return CrossEntropy.probabilities(input, target, weight, layout: layout, smoothing: smoothing, call)
    }
    guard smoothing <= 1 else {
      throw LossError.usage(
        "\(loss): label_smoothing must be between 0.0 and 1.0. Got: \(NumberText.python(smoothing))")
    }
    let problem = try IndexTargets.resolve(
      input: input, target: target, weight: weight, ignoreIndex: ignoreIndex, loss: loss)
    if smoothing > 0 && !problem.hasGradient {
      // PyTorch fills the 0-d smoothing loss with a (1)-shaped ignore mask in place.
      throw LossError.data(
        "\(loss): output with shape [] doesn't match the broadcast shape [1] (label_smoothing with a 1-D input needs a 0-d target)",
        tensor: "target")
    }
    if smoothing > 0, let weight, weight.rank != 1, call.reduction == .mean {
      // PyTorch's weighted smoothing mean gathers the weight with the targets: it needs a 1-D weight.
      throw LossError.data(
        "\(loss): Index tensor must have the same number of dimensions as input tensor (weight of shape \(Shape.describeList(weight.shape)) with label_smoothing)",
        tensor: "weight")
    }
    return CrossEntropy.indices(input, problem, smoothing: smoothing, call)
  }

  /// Paths 2 and 3: `(1 − ε)·nll + smooth·(ε/C)` with `smooth_n = −Σ_c w_c·ls[n, c]` (0 if ignored),
  /// both reduced with the NLL's `W`.
  static func indices(_ input: Tensor, _ problem: IndexTargetProblem, smoothing: Double, _ call: LossCall) -> LossResult
  {
    let layout = problem.layout, reduction = call.reduction
    let classes = layout.classes, inner = layout.inner
    let ls = LogSoftmax.forward(input.storage, layout: layout)
    let nll = IndexTargets.rowLosses(ls, problem)
    let totalWeight = reduction == .mean ? problem.totalWeight() : 1
    var value = IndexTargets.reduce(nll, problem, reduction, totalWeight: totalWeight)
    var elementwise = nll
    let perClass = smoothing / Double(classes)
    if smoothing > 0 {
      var smooth = [Double](repeating: 0, count: layout.rows)
      let w = problem.weight ?? [Double](repeating: 1, count: classes)
      let targets = problem.targets, ignoreIndex = problem.ignoreIndex
      smooth.withSharedMutableBuffer { out in
        ls.withSharedBuffer { lp in
          Parallel.forRanges(count: layout.rows, minimumChunk: LogSoftmax.rowsPerChunk(layout)) { range in
            var terms = [Double](repeating: 0, count: classes)
            for row in range where targets[row] != ignoreIndex {
              let base = layout.start(ofRow: row)
              for c in 0..<classes { terms[c] = lp[base + c * inner] * w[c] }
              out[row] = -Summation.sum(terms)
            }
          }
        }
      }
      let smoothValue = IndexTargets.reduce(smooth, problem, reduction, totalWeight: totalWeight)
      for row in 0..<layout.rows { elementwise[row] = (1 - smoothing) * nll[row] + smooth[row] * perClass }
      if reduction == .none {
        value = Tensor(validatedShape: problem.outputShape, storage: elementwise)
      } else {
        value = Tensor(scalar: (1 - smoothing) * value.storage[0] + smoothValue.storage[0] * perClass)
      }
    }
    var gradients: [(name: String, gradient: Tensor)] = []
    if call.outputs.contains(.gradients) && problem.hasGradient {
      let scale = IndexTargets.upstream(reduction, totalWeight: totalWeight)
      var dls = [Double](repeating: 0, count: input.count)
      for row in 0..<layout.rows where !problem.isIgnored(row) {
        let base = layout.start(ofRow: row), y = problem.targets[row]
        if smoothing > 0 {
          let smoothScale = perClass * scale
          for c in 0..<classes { dls[base + c * inner] = -smoothScale * problem.weight(ofClass: c) }
        }
        // nll_loss's backward writes −w[y]·grad into zeros (a zero weight gives −0.0, as in PyTorch).
        let picked = problem.weight(ofClass: y) * -((1 - smoothing) * scale)
        if smoothing > 0 { dls[base + y * inner] += picked } else { dls[base + y * inner] = picked }
      }
      LogSoftmax.backward(&dls, output: ls, layout: layout)
      gradients.append(.input, Tensor(validatedShape: input.shape, storage: dls))
    }
    return LossResult(
      value: value, elementwise: Tensor(validatedShape: problem.outputShape, storage: elementwise), gradients: gradients
    )
  }

  /// Path 1: `l = −Σ_c ls_c·t'_c·w_c` with `t' = t·(1 − ε) + ε/C`; `mean` divides by the number of
  /// rows (N·d1⋯dk), not by the weights.
  static func probabilities(
    _ input: Tensor, _ target: Tensor, _ weight: Tensor?, layout: ClassLayout, smoothing: Double,
    _ call: LossCall
  ) -> LossResult {
    let reduction = call.reduction
    let classes = layout.classes, inner = layout.inner, rows = layout.rows
    let ls = LogSoftmax.forward(input.storage, layout: layout)
    let perClass = smoothing / Double(classes)
    @Sendable @inline(__always) func smoothed(_ t: Double) -> Double {
      smoothing > 0 ? t * (1 - smoothing) + perClass : t
    }
    let w = weight?.storage ?? [Double](repeating: 1, count: classes)
    var losses = [Double](repeating: 0, count: rows)
    losses.withSharedMutableBuffer { out in
      withSharedBuffers(ls, target.storage) { lp, tp in
        Parallel.forRanges(count: rows, minimumChunk: LogSoftmax.rowsPerChunk(layout)) { range in
          var terms = [Double](repeating: 0, count: classes)
          for row in range {
            let base = layout.start(ofRow: row)
            for c in 0..<classes {
              let i = base + c * inner
              terms[c] = lp[i] * smoothed(tp[i]) * w[c]
            }
            out[row] = -Summation.sum(terms)
          }
        }
      }
    }
    let outputShape = input.rank == 1 ? [] : [input.shape[0]] + input.shape[2...]
    var value = reduction.apply(to: losses, shape: outputShape, divisor: Double(rows))
    // PyTorch's 'sum' is −(ls·t·w).sum(): the negation outside, so an empty batch sums to −0.0.
    if reduction == .sum { value = Tensor(scalar: -Summation.sum(losses.map { -$0 })) }
    if reduction == .mean && input.count == 0 { value = Tensor(scalar: .nan) }
    var gradients: [(name: String, gradient: Tensor)] = []
    if call.outputs.contains(.gradients) {
      let scale = reduction == .mean ? 1 / Double(rows) : 1
      var dls = [Double](repeating: 0, count: input.count)
      var dt = [Double](repeating: 0, count: input.count)
      let wantsWeight = weight != nil
      var dw = [Double](repeating: 0, count: wantsWeight ? input.count : 0)
      let targetScale = smoothing > 0 ? 1 - smoothing : 1
      withSharedMutableBuffers(&dls, &dt, &dw) { gx, gt, gw in
        withSharedBuffers(ls, target.storage) { lp, tp in
          Parallel.forRanges(count: input.count) { range in
            for i in range {
              let c = (i / inner) % classes
              let t = smoothed(tp[i])
              gx[i] = -scale * w[c] * t
              gt[i] = -scale * w[c] * lp[i] * targetScale
              if wantsWeight { gw[i] = -scale * lp[i] * t }
            }
          }
        }
      }
      LogSoftmax.backward(&dls, output: ls, layout: layout)
      gradients.append(.input, Tensor(validatedShape: input.shape, storage: dls))
      gradients.append(.target, Tensor(validatedShape: target.shape, storage: dt))
      if let weight {
        // Sum over every dimension but the class dimension.
        var perClassSum = [Double](repeating: 0, count: classes)
        var column = [Double](repeating: 0, count: rows)
        for c in 0..<classes {
          for row in 0..<rows { column[row] = dw[layout.start(ofRow: row) + c * inner] }
          perClassSum[c] = Summation.sum(column)
        }
        gradients.append(.weight, Tensor(validatedShape: weight.shape, storage: perClassSum))
      }
    }
    return LossResult(
      value: value, elementwise: Tensor(validatedShape: outputShape, storage: losses), gradients: gradients)
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `cross_entropy` beyond its declaration.
  static let crossEntropy = LossTeaching(
    explanation: LossExplanation(
      family: .classification,
      formula: [
        "log_softmax:  m_n = max_j x_nj,  ls_nc = (x_nc − m_n) − log Σ_j exp(x_nj − m_n)",
        "index targets:  l_n = −w[y_n]·ls_n,y_n   (0 where y_n = ignore_index)",
        "  mean = Σ_n l_n / Σ_n w[y_n]  over non-ignored n   (a weighted mean, not ÷ N)",
        "label smoothing ε:  loss = (1 − ε)·nll + (ε/C)·Σ_n(−Σ_c w_c·ls_nc) / Σ_n w[y_n]",
        "probability targets t:  l_n = −Σ_c w_c·t'_nc·ls_nc,  t' = (1 − ε)·t + ε/C;  mean = Σ_n l_n / N",
        "dl_n/dx_n = w[y_n]·(softmax(x_n) − onehot(y_n))",
      ],
      shapes: [
        "input: logits (C), (N, C) or (N, C, d1, …, dk); the class dimension is 0 for 1-D, else 1",
        "target: class indices (), (N) or (N, d1, …, dk) — or probabilities of exactly the input's shape",
        "weight: (C); reduction='none': (), (N) or (N, d1, …, dk)",
      ],
      notes: [
        "CrossEntropyLoss = log_softmax + NLLLoss. It expects raw logits: applying softmax (or log_softmax) first computes a \"double softmax\" that still trains, badly (e.g. huggingface/transformers#7827).",
        "Index or probability targets are chosen by shape: a target of the input's shape is read as probabilities. A 1-D input (C) with a 1-D index target of length C therefore hits the probability path and fails.",
        "With class weights, 'mean' divides by Σ w[y_n], not by N: reduction='none' followed by .mean() gives a different number, and a batch of one class makes the weights cancel (#25571, #40560).",
        "If every target equals ignore_index, 'mean' is 0/0 = NaN (the gradient is zero) (#70348, #75181).",
        "ignore_index only removes the NLL term of the ignored positions: an in-range ignore_index class still sits in every row's softmax denominator and shapes the other probabilities (#63004), and −inf logits on ignored rows can still inject NaN gradients (#11551).",
        "Label smoothing gives ε/C to every class, including the true one (so the true class gets 1 − ε + ε/C); with weights the smoothing term is weighted by w_c but normalised by Σ w[y_n] (#104776, #148884).",
        "Index targets must be int64 in PyTorch (\"expected scalar type Long but found Float\"); swiftloss accepts any integral numbers.",
      ]),
    plot: .crossEntropy, trace: .crossEntropy
  )
}

extension PlotProbe {
  static let crossEntropy = PlotProbe(
    kind: .margin, defaultRange: -4...4, setting: "2 classes, true logit t, other 0",
    tensors: { t, _ in named([.input: pairs(t, second: 0), .target: filled(0, t.count)]) }, gradient: .input, stride: 2,
    position: { trueClassMargins($0[.input], $0[.target]) })
}
