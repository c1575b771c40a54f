#if canImport(Glibc)
  import Glibc
#endif

extension LossDefinition {
  /// `torch.nn.NLLLoss` / `F.nll_loss` (and the deprecated `nn.NLLLoss2d`, which behaves identically).
  public static let nllLoss = LossDefinition(
    functionalName: "nll_loss", moduleName: "NLLLoss", aliases: ["nll", "NLLLoss2d"],
    teaching: .nllLoss,
    summary: "negative log-likelihood of class indices: −weight[y]·input[n, y] (input = log-probabilities)",
    tensors: ClassificationTensors.indexTargets(
      input: "log-probabilities (C), (N, C) or (N, C, d1, ..., dk); used as given, not normalised"),
    options: [
      .reduction(),
      ClassificationTensors.ignoreIndex,
    ]
  ) { call throws(LossError) in
    let input = try call[.input], target = try call[.target]
    let problem = try IndexTargets.resolve(
      input: input, target: target, weight: call[optional: .weight],
      ignoreIndex: call.options[.ignoreIndex], loss: "nll_loss")
    let reduction = call.reduction
    let rows = IndexTargets.rowLosses(input.storage, problem)
    let totalWeight = reduction == .mean ? problem.totalWeight() : 1
    let value = IndexTargets.reduce(rows, problem, reduction, totalWeight: totalWeight)
    var gradients: [(name: String, gradient: Tensor)] = []
    if call.outputs.contains(.gradients) && problem.hasGradient {
      let layout = problem.layout
      let scale = IndexTargets.upstream(reduction, totalWeight: totalWeight)
      var dx = [Double](repeating: 0, count: input.count)
      for row in 0..<layout.rows where !problem.isIgnored(row) {
        let y = problem.targets[row]
        dx[layout.start(ofRow: row) + y * layout.inner] = problem.weight(ofClass: y) * -scale
      }
      gradients.append(.input, Tensor(validatedShape: input.shape, storage: dx))
    }
    return LossResult(
      value: value, elementwise: Tensor(validatedShape: problem.outputShape, storage: rows), gradients: gradients)
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `nll_loss` beyond its declaration.
  static let nllLoss = LossTeaching(
    explanation: LossExplanation(
      family: .classification,
      formula: [
        "l_n = −w[y_n]·x_n,y_n   (0 where y_n = ignore_index)",
        "mean = Σ_n l_n / Σ_n w[y_n]  over non-ignored n;  sum = Σ_n l_n",
        "dl/dx_n,y_n = −w[y_n] (÷ Σ w[y_n] under 'mean'); every other entry gets 0",
      ],
      shapes: [
        "input: log-probabilities (C), (N, C) or (N, C, d1, …, dk)",
        "target: class indices (), (N) or (N, d1, …, dk); weight: (C)",
        "reduction='none': (), (N) or (N, d1, …, dk)",
      ],
      notes: [
        "NLLLoss does not take a log: the input should already be log-probabilities (log_softmax output). Feeding probabilities or raw logits gives a number, just the wrong one — PyTorch does not check.",
        "cross_entropy(x, y) = nll_loss(log_softmax(x, dim=1), y).",
        "The weighted mean divides by Σ w[y_n] of the non-ignored targets (#25571); all targets ignored → NaN (#70348).",
        "NLLLoss2d is a deprecated alias with identical behaviour.",
        "Targets must be int64 in PyTorch; the weight gets no gradient (PyTorch raises if it requires one).",
      ]),
    plot: .nllLoss, trace: .nll
  )
}

extension PlotProbe {
  /// Two classes with log-probabilities (t, log(1 − eᵗ)); nll reads the true class's alone.
  static let nllLoss = PlotProbe(
    kind: .logProbability, defaultRange: -4...0,
    setting: "2 classes, log-probabilities (t, log(1 − eᵗ)), target 0",
    tensors: { t, _ in
      var storage: [Double] = []
      storage.reserveCapacity(t.count * 2)
      for v in t { storage.append(v); storage.append(log1p(-exp(v))) }
      return named([.input: Tensor(validatedShape: [t.count, 2], storage: storage), .target: filled(0, t.count)])
    }, gradient: .input, stride: 2,
    position: { trueClassLogProbabilities($0[.input], $0[.target]) })
}
