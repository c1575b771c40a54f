#if canImport(Glibc)
  import Glibc
#endif

/// Poisson NLL: `exp(x) − y·x` (log_input) or `x − y·log(x + eps)`; `full` adds Stirling's term
/// `y·log y − y + 0.5·log(2π·y)` where `y > 1` (masked to 0 elsewhere; its gradient through the
/// mask is NaN for `y ≤ 0`, as in PyTorch).
struct PoissonNLLKernel: PointwiseKernel {
  var logInput: Bool
  var full: Bool
  var eps: Double
  static let twoPi = 2 * Double.pi

  init(_ options: LossOptions) {
    logInput = options[.logInput]
    full = options[.full]
    eps = options[.eps]
  }

  @inline(__always) func loss(_ x: Double, _ y: Double) -> Double {
    var l = logInput ? exp(x) - y * x : x - y * log(x + eps)
    if full {
      let stirling = y * log(y) - y + 0.5 * log(Self.twoPi * y)
      l += y <= 1 ? 0 : stirling
    }
    return l
  }

  @inline(__always) func derivatives(_ x: Double, _ y: Double) -> (input: Double, target: Double) {
    let dx = logInput ? exp(x) - y : 1 - y / (x + eps)
    var dy = logInput ? -x : -log(x + eps)
    if full {
      if y > 1 {
        dy += log(y) + y / y - 1 + 0.5 / (Self.twoPi * y) * Self.twoPi
      } else if !(y > 0) {
        dy = .nan  // 0·log(y), 0·y/y through the mask: NaN for y ≤ 0 (and NaN y)
      }
    }
    return (dx, dy)
  }
}

extension LossDefinition {
  /// `torch.nn.PoissonNLLLoss` / `F.poisson_nll_loss`.
  public static let poissonNLLLoss = LossDefinition(
    functionalName: "poisson_nll_loss", moduleName: "PoissonNLLLoss", aliases: ["poisson_nll"],
    teaching: .poissonNLLLoss,
    summary: "negative log-likelihood of a Poisson target with rate exp(input) (or input)",
    tensors: [
      TensorSpec(.input, gradient: true, help: "log-rates (rates with --no-log-input), any shape"),
      TensorSpec(.target, gradient: true, help: "counts, broadcast with the input (not checked)"),
    ],
    options: [
      .reduction(),
      OptionSpec(
        .logInput, default: true, help: "the input is the log of the rate: exp(x) − y·x; false: x − y·log(x + eps)"),
      OptionSpec(.full, default: false, help: "add Stirling's approximation y·log y − y + ½·log(2πy) where y > 1"),
      OptionSpec(.eps, default: 1e-8, help: "added to the rate inside the log when log_input is false"),
    ],
    pointwiseKernel: { options in AnyPointwiseKernel(PoissonNLLKernel(options)) }
  ) { call throws(LossError) in
    let kernel = PoissonNLLKernel(call.options)
    let input = try call[.input], target = try call[.target]
    return try PointwiseLoss.compute(
      kernel, PointwiseOperands(input: input, target: target), reduction: call.reduction, outputs: call.outputs)
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `poisson_nll_loss` beyond its declaration.
  static let poissonNLLLoss = LossTeaching(
    explanation: LossExplanation(
      family: .probabilistic,
      formula: [
        "log_input=True:   l_i = exp(x_i) − y_i·x_i          (x = log rate)",
        "log_input=False:  l_i = x_i − y_i·log(x_i + eps)    (x = rate)",
        "full=True adds Stirling's term  y_i·log y_i − y_i + 0.5·log(2π·y_i)  where y_i > 1",
      ],
      shapes: [
        "input: any shape; target: counts, broadcast with the input (silently)",
        "reduction='none': the broadcast shape",
      ],
      notes: [
        "log_input defaults to True: the input is the log of the rate, and the loss uses exp(input). Passing rates without --no-log-input is a common mistake.",
        "The constant log(y!) is dropped unless full=True (so the loss is not the full negative log-likelihood and can be negative); full only adds the Stirling approximation for y > 1.",
        "The first argument is called log_input in the module's forward, but it is the same tensor as input.",
      ]),
    plot: .poissonNLLLoss
  )
}

extension PlotProbe {
  static let poissonNLLLoss = PlotProbe(
    kind: .input, defaultRange: 0.05...4, setting: "target 2",
    tensors: { t, _ in named([.input: column(t), .target: filled(2, t.count)]) }, gradient: .input)
}
