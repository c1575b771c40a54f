#if canImport(Glibc)
  import Glibc
#endif

/// KL divergence pointwise, as ATen's composite: `xlogy(y, y) − y·x`, or `exp(y)·(y − x)` with
/// `log_target`. Gradients follow autograd through those ops, so the target gradient is NaN at
/// `y = 0` and `y < 0` (xlogy's backward `y/y`, `log y`), as in PyTorch.
struct KLDivKernel: PointwiseKernel {
  var logTarget: Bool
  @inline(__always) func loss(_ x: Double, _ y: Double) -> Double {
    if logTarget { return exp(y) * (y - x) }
    let xlogy = y.isNaN ? y : (y == 0 ? 0 : y * log(y))
    return xlogy - y * x
  }
  @inline(__always) func derivatives(_ x: Double, _ y: Double) -> (input: Double, target: Double) {
    if logTarget {
      let e = exp(y)
      return (-e, (y - x) * e + e)
    }
    return (-y, log(y) + y / y - x)
  }
}

extension LossDefinition {
  /// `torch.nn.KLDivLoss` / `F.kl_div`.
  public static let klDiv = LossDefinition(
    functionalName: "kl_div", moduleName: "KLDivLoss", aliases: ["kl_div", "kl"],
    teaching: .klDiv,
    summary: "Kullback-Leibler divergence of log-probabilities (input) from probabilities (target)",
    tensors: [
      TensorSpec(.input, gradient: true, help: "log-probabilities, any shape (not checked)"),
      TensorSpec(
        .target, gradient: true,
        help: "probabilities (log-probabilities with --log-target), broadcast with the input"),
    ],
    options: [
      .reduction(allowing: [.none, .mean, .sum, .batchmean]),
      OptionSpec(
        .logTarget, default: false,
        help: "the target is given as log-probabilities"),
    ]
  ) { call throws(LossError) in
    let input = try call[.input], target = try call[.target]
    let reduction = call.reduction
    var warnings: [String] = []
    // PyTorch warns only when 'mean' was asked for by name, not when legacy flags produced it; the
    // module turns its legacy flags into the name 'mean' before it calls F.kl_div, which then warns.
    if reduction == .mean && (!call.reductionFromLegacyFlags || call.spelledAsModule) {
      warnings.append(
        "reduction: 'mean' divides the total loss by both the batch size and the support size."
          + "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
          + "'mean' will be changed to behave the same as 'batchmean' in the next major release.")
    }
    let kernel = KLDivKernel(logTarget: call.options[.logTarget])
    let operands = PointwiseOperands(input: input, target: target)
    // F.kl_div with legacy flags and reduction='batchmean' reduces as the flags say, then divides
    // by the batch size all the same (the module's flags replace 'batchmean' outright).
    let legacyThenBatchmean =
      call.reductionFromLegacyFlags && !call.spelledAsModule
      && call.requestedReduction == .batchmean
    let dividesByBatch = reduction == .batchmean || legacyThenBatchmean
    guard dividesByBatch else {
      return try PointwiseLoss.compute(
        kernel, operands, reduction: reduction, outputs: call.outputs, warnings: warnings)
    }
    // 'batchmean' is PyTorch's sum divided by input.size(0) (not divided for a 0-d input).
    let reduced: Reduction = reduction == .batchmean ? .sum : reduction
    var outputs = call.outputs
    if reduced == .none { outputs.insert(.elementwise) }
    var result = try PointwiseLoss.compute(kernel, operands, reduction: reduced, outputs: outputs)
    let batch = Double(input.rank == 0 ? 1 : input.shape[0])
    result.value = Tensor(validatedShape: result.value.shape, storage: result.value.storage.map { $0 / batch })
    result.gradients = result.gradients.map { entry in
      (entry.name, Tensor(validatedShape: entry.gradient.shape, storage: entry.gradient.storage.map { $0 / batch }))
    }
    return result
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `kl_div` beyond its declaration.
  static let klDiv = LossTeaching(
    explanation: LossExplanation(
      family: .probabilistic,
      formula: [
        "l_i = y_i·log y_i − y_i·x_i          (x = log q, y = p; y_i = 0 contributes 0)",
        "log_target:  l_i = exp(y_i)·(y_i − x_i)   (y = log p)",
        "batchmean = Σ_i l_i / input.size(0)  = KL(p ‖ q) per sample     mean = Σ_i l_i / n",
        "dl_i/dx_i = −y_i  (−exp(y_i) with log_target)",
      ],
      shapes: [
        "input: log-probabilities, any shape; target: probabilities, broadcast with the input",
        "reduction='none': the broadcast shape",
      ],
      notes: [
        "The input must be log-probabilities (log_softmax output) and the target probabilities: kl_div(input, target) is KL(target ‖ exp(input)), the argument order opposite to the usual KL(P ‖ Q) notation (#57459). Passing probabilities as input gives wrong, even negative, values (#60928).",
        "reduction='mean' divides by the number of elements (batch × classes), which is not the KL divergence; use reduction='batchmean' for the mathematical definition (#2259). PyTorch warns about 'mean'.",
        "log_target=True takes the target as log-probabilities too, which avoids log(0) for sparse targets.",
        "The target's gradient is NaN where the target is 0 (the derivative of y·log y), as in PyTorch.",
        "The legacy size_average/reduce flags cannot select 'batchmean'.",
      ]),
    plot: .klDiv, trace: .klDiv
  )
}

extension PlotProbe {
  /// One element: the input log-probability t of a class with target probability y (1: the true
  /// class of a one-hot target, where kl_div is nll_loss).
  static let klDiv = PlotProbe(
    kind: .logProbability, defaultRange: -4...0, setting: "one element, target y = 1",
    tensors: { t, p in named([.input: column(t), .target: filled(p[.tensor(.target)] ?? 1, t.count)]) },
    gradient: .input,
    sweeps: [
      PlotSweep(
        .tensor(.target), default: 1,
        help: "the target held fixed (a probability, or a log-probability with --log-target; default 1)")
    ],
    position: { tensors in
      guard let x = tensors[.input], let y = tensors[.target], let first = y.storage.first,
        y.storage.allSatisfy({ $0 == first })
      else { return nil }
      return x.storage
    })
}
