/// `|x − y|`; gradient `sgn(x − y)`, 0 where `x == y` and also where `x − y` is NaN (PyTorch's
/// `sgn` returns 0 for both).
struct AbsoluteErrorKernel: PointwiseKernel {
  @inline(__always) func loss(_ x: Double, _ y: Double) -> Double { abs(x - y) }
  @inline(__always) func derivatives(_ x: Double, _ y: Double) -> (input: Double, target: Double) {
    let d = x - y
    let sign: Double = d > 0 ? 1 : (d < 0 ? -1 : 0)
    return (sign, -sign)
  }
}

extension LossDefinition {
  /// `torch.nn.L1Loss` / `F.l1_loss`: mean absolute error.
  public static let l1Loss = LossDefinition(
    functionalName: "l1_loss", moduleName: "L1Loss", aliases: ["l1"],
    teaching: .l1Loss,
    summary: "mean absolute error |x − y|",
    tensors: RegressionLoss.tensors,
    options: [.reduction()],
    pointwiseKernel: { _ in AnyPointwiseKernel(AbsoluteErrorKernel()) }
  ) { call throws(LossError) in
    try RegressionLoss.compute(AbsoluteErrorKernel(), call, weightedMean: .dividesByWeightSum)
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `l1_loss` beyond its declaration.
  static let l1Loss = LossTeaching(
    explanation: LossExplanation(
      family: .regression,
      formula: [
        "l_i = |x_i − y_i|",
        "mean = Σ_i l_i / n     sum = Σ_i l_i     (with weight: l_i = w_i·|x_i − y_i|, mean = Σ w_i|x_i − y_i| / Σ w_i)",
        "dl_i/dx_i = sgn(x_i − y_i)   (0 where x_i = y_i)",
      ],
      shapes: [
        "input: any shape; target: the same shape (another broadcastable shape works, with a warning)",
        "weight (functional only): exactly the input's shape",
        "reduction='none': the broadcast shape",
      ],
      notes: [
        "At x_i = y_i the loss has a kink; PyTorch's subgradient there is 0 (sgn(0) = 0), so a perfect prediction gets no push either way.",
        "A target of shape (N, 1) against an input of shape (N) silently broadcasts to (N, N): PyTorch only warns (issue #16045). Check your shapes.",
        "The gradient has the same size (1/n under 'mean') for small and large errors: L1 is robust to outliers but converges slowly near the optimum.",
        "With a functional weight, 'mean' divides by Σ w (a weighted average), unlike huber_loss, which divides by n.",
      ]),
    plot: .residual, trace: .residual(weightedMean: .dividesByWeightSum)
  )
}
