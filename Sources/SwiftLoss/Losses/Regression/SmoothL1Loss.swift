/// SmoothL1: `0.5·z²/β` if `z = |x − y| < β`, else `z − 0.5·β`; gradient `d/β` or `sign(d)`.
struct SmoothL1Kernel: PointwiseKernel {
  var beta: Double
  @inline(__always) func loss(_ x: Double, _ y: Double) -> Double {
    let z = abs(x - y)
    return z < beta ? 0.5 * z * z / beta : z - 0.5 * beta
  }
  /// The target's gradient is the input's with the call swapped (derivatives.yaml:
  /// `smooth_l1_loss_backward(grad, target, self)`), which keeps PyTorch's `+0.0` at `x == y`.
  @inline(__always) func derivatives(_ x: Double, _ y: Double) -> (input: Double, target: Double) {
    (slope(x - y), slope(y - x))
  }
  @inline(__always) func slope(_ d: Double) -> Double {
    d <= -beta ? -1 : (d >= beta ? 1 : d / beta)
  }
}

extension LossDefinition {
  /// `torch.nn.SmoothL1Loss` / `F.smooth_l1_loss`.
  public static let smoothL1Loss = LossDefinition(
    functionalName: "smooth_l1_loss", moduleName: "SmoothL1Loss", aliases: ["smooth_l1"],
    teaching: .smoothL1Loss,
    summary: "quadratic below beta (scaled by 1/beta), linear above; beta = 0 is exactly l1_loss",
    tensors: Array(RegressionLoss.tensors.prefix(2)),
    options: [
      .reduction(),
      OptionSpec(.beta, default: 1.0, help: "where the loss turns from quadratic to linear (≥ 0)"),
    ],
    pointwiseKernel: { options in
      let beta = options[.beta]
      guard beta >= 0 else { return nil }
      return beta == 0 ? AnyPointwiseKernel(AbsoluteErrorKernel()) : AnyPointwiseKernel(SmoothL1Kernel(beta: beta))
    }
  ) { call throws(LossError) in
    let beta = call.options[.beta]
    guard beta >= 0 else { throw LossError.usage("smooth_l1_loss does not support negative values for beta.") }
    // PyTorch routes beta == 0 to l1_loss in Python: the same values and sgn subgradient.
    if beta == 0 { return try RegressionLoss.compute(AbsoluteErrorKernel(), call, weightedMean: .dividesByCount) }
    return try RegressionLoss.compute(SmoothL1Kernel(beta: beta), call, weightedMean: .dividesByCount)
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `smooth_l1_loss` beyond its declaration.
  static let smoothL1Loss = LossTeaching(
    explanation: LossExplanation(
      family: .regression,
      formula: [
        "z_i = |x_i − y_i|",
        "l_i = 0.5·z_i²/β   if z_i < β",
        "l_i = z_i − 0.5·β   otherwise",
        "dl_i/dx_i = (x_i − y_i)/β inside, sgn(x_i − y_i) outside   (gradient at most 1 in size)",
      ],
      shapes: [
        "input: any shape; target: the same shape (broadcast with a warning otherwise)",
        "reduction='none': the broadcast shape",
      ],
      notes: [
        "SmoothL1 with beta and Huber with delta are not the same function: huber_loss(δ) = δ · smooth_l1_loss(β = δ). SmoothL1's linear part has slope 1 whatever β is; Huber's has slope δ (issue #48595).",
        "As β → 0 SmoothL1 becomes L1 (PyTorch routes β = 0 to l1_loss exactly); as δ → 0 Huber goes to 0, not to L1.",
        "β < 0 is an error in PyTorch (\"smooth_l1_loss does not support negative values for beta.\").",
        "With the default β = 1 SmoothL1 and Huber coincide — which hides the difference until someone changes the parameter.",
      ]),
    plot: .residual, trace: .residual()
  )
}
