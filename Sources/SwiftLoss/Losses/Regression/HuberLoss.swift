/// Huber: `0.5·z²` if `z = |x − y| < δ`, else `δ·(z − 0.5·δ)`; gradient `d` or `δ·sign(d)`.
struct HuberKernel: PointwiseKernel {
  var delta: Double
  @inline(__always) func loss(_ x: Double, _ y: Double) -> Double {
    let z = abs(x - y)
    return z < delta ? 0.5 * z * z : delta * (z - 0.5 * delta)
  }
  /// The target's gradient is the input's with the call swapped (derivatives.yaml:
  /// `huber_loss_backward(grad, target, self)`), which keeps PyTorch's `+0.0` at `x == y`.
  @inline(__always) func derivatives(_ x: Double, _ y: Double) -> (input: Double, target: Double) {
    (slope(x - y), slope(y - x))
  }
  @inline(__always) func slope(_ d: Double) -> Double {
    d <= -delta ? -delta : (d >= delta ? delta : d)
  }
}

extension LossDefinition {
  /// `torch.nn.HuberLoss` / `F.huber_loss`.
  public static let huberLoss = LossDefinition(
    functionalName: "huber_loss", moduleName: "HuberLoss", aliases: ["huber"],
    teaching: .huberLoss,
    summary: "quadratic below delta, linear above (= delta · smooth_l1 with beta = delta)",
    tensors: RegressionLoss.tensors,
    options: [
      .reduction(),
      OptionSpec(.delta, default: 1.0, help: "where the loss turns from quadratic to linear (> 0)"),
    ],
    acceptsLegacyReduction: false,
    pointwiseKernel: { options in
      let delta = options[.delta]
      return delta > 0 ? AnyPointwiseKernel(HuberKernel(delta: delta)) : nil
    }
  ) { call throws(LossError) in
    let delta = call.options[.delta]
    guard delta > 0 else { throw LossError.usage("huber_loss does not support non-positive values for delta.") }
    return try RegressionLoss.compute(HuberKernel(delta: delta), call, weightedMean: .dividesByCount)
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `huber_loss` beyond its declaration.
  static let huberLoss = LossTeaching(
    explanation: LossExplanation(
      family: .regression,
      formula: [
        "z_i = |x_i − y_i|",
        "l_i = 0.5·z_i²         if z_i < δ",
        "l_i = δ·(z_i − 0.5·δ)   otherwise",
        "dl_i/dx_i = x_i − y_i inside, δ·sgn(x_i − y_i) outside   (gradient clipped at δ)",
      ],
      shapes: [
        "input: any shape; target: the same shape (broadcast with a warning otherwise)",
        "weight (functional only): exactly the input's shape",
        "reduction='none': the broadcast shape",
      ],
      notes: [
        "huber_loss(δ) = δ · smooth_l1_loss(β = δ): the quadratic part is not divided by δ, so the linear part has slope δ (issue #48595).",
        "δ ≤ 0 is an error (\"huber_loss does not support non-positive values for delta.\").",
        "HuberLoss has no size_average/reduce (it was added after they were deprecated).",
        "With a functional weight, 'mean' is Σ w_il_i / n (weights do not change the denominator), unlike l1_loss/mse_loss.",
      ]),
    plot: .residual, trace: .residual()
  )
}
