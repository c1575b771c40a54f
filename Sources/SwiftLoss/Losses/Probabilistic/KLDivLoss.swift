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
    let legacyThenBatchmean = call.reductionFromLegacyFlags && !call.spelledAsModule
      && call.requestedReduction == .batchmean
    let dividesByBatch = reduction == .batchmean || legacyThenBatchmean
    guard dividesByBatch else {
      return try PointwiseLoss.compute(kernel, operands, reduction: reduction, outputs: call.outputs, warnings: warnings)
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
