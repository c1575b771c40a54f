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
