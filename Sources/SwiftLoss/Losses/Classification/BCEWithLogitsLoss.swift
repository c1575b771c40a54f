/// BCE on logits through `log σ` (stable for any finite x):
/// `l = (1 − y)·x − lw·logσ(x)`, `lw = (pos_weight − 1)·y + 1` (1 without pos_weight).
/// The parameter operand is `pos_weight`.
struct BinaryCrossEntropyWithLogitsKernel: ParameterizedPointwiseKernel {
  var hasPosWeight: Bool
  @inline(__always) func loss(_ x: Double, _ y: Double, _ pw: Double) -> Double {
    let logSigmoid = LogSigmoid.value(x)
    if hasPosWeight { return (1 - y) * x - logSigmoid * ((pw - 1) * y + 1) }
    return (1 - y) * x - logSigmoid
  }
  @inline(__always) func derivatives(_ x: Double, _ y: Double, _ pw: Double) -> (
    input: Double, target: Double, parameter: Double
  ) {
    let s = LogSigmoid.sigmoid(x)
    if hasPosWeight {
      let t = pw * y
      return ((t + 1 - y) * s - t, LogSigmoid.value(-x) - LogSigmoid.value(x) * pw, 0)
    }
    return (s - y, -x, 0)
  }
}

extension LossDefinition {
  /// `torch.nn.BCEWithLogitsLoss` / `F.binary_cross_entropy_with_logits`.
  public static let binaryCrossEntropyWithLogits = LossDefinition(
    functionalName: "binary_cross_entropy_with_logits", moduleName: "BCEWithLogitsLoss", aliases: ["bce_with_logits"],
    teaching: .binaryCrossEntropyWithLogits,
    summary: "binary cross-entropy of logits: sigmoid + BCE in one stable step, optional pos_weight",
    tensors: [
      TensorSpec(.input, gradient: true, help: "logits, any shape"),
      TensorSpec(.target, gradient: true, help: "targets, exactly the input's shape (not range-checked)"),
      TensorSpec(
        .weight, required: false, gradient: false,
        help: "weights broadcast to the input's shape (may not enlarge it); no gradient"),
      TensorSpec(
        .posWeight, required: false, gradient: false,
        help:
          "weight of positive examples, broadcast from the right: (C) for (N, C), (C, 1, 1) for (N, C, H, W); no gradient"
      ),
    ],
    options: [.reduction()],
    // Of input and target alone: neither weight nor pos_weight.
    pointwiseKernel: { _ in
      AnyPointwiseKernel(FixedParameter(kernel: BinaryCrossEntropyWithLogitsKernel(hasPosWeight: false), parameter: 1))
    }
  ) { call throws(LossError) in
    let input = try call[.input], target = try call[.target]
    guard target.shape == input.shape else {
      throw LossError.data(
        "binary_cross_entropy_with_logits: Target size (\(Shape.describeTorchSize(target.shape))) must be the same as input size (\(Shape.describeTorchSize(input.shape)))",
        tensor: "target")
    }
    var operands = PointwiseOperands(input: input, target: target, weight: call[optional: .weight])
    operands.weightGradient = nil
    operands.parameter = call[optional: .posWeight]
    operands.parameterDefault = 1
    let kernel = BinaryCrossEntropyWithLogitsKernel(hasPosWeight: operands.parameter != nil)
    return try PointwiseLoss.compute(kernel, operands, reduction: call.reduction, outputs: call.outputs)
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `binary_cross_entropy_with_logits` beyond its declaration.
  static let binaryCrossEntropyWithLogits = LossTeaching(
    explanation: LossExplanation(
      family: .classification,
      formula: [
        "log σ(x) = min(0, x) − log1p(exp(−|x|))      (stable for any x)",
        "l_i = w_i·[ (1 − y_i)·x_i − (1 + (p_i − 1)·y_i)·log σ(x_i) ]     p = pos_weight (1 if absent)",
        "    = −w_i·[ p·y_i·log σ(x_i) + (1 − y_i)·log σ(−x_i) ]",
        "dl_i/dx_i = w_i·[ (p·y_i + 1 − y_i)·σ(x_i) − p·y_i ]   (= w_i·(σ(x_i) − y_i) without pos_weight)",
      ],
      shapes: [
        "input: logits, any shape; target: exactly the input's shape (not range-checked)",
        "weight, pos_weight: broadcast from the right to the input's shape (may not enlarge it)",
        "reduction='none': the input's shape",
      ],
      notes: [
        "BCEWithLogits is the stable form of Sigmoid followed by BCELoss: it never forms σ(x) and then its log, so x = ±1000 is fine, while BCELoss(sigmoid(x)) hits the −100 clamp (#24933).",
        "pos_weight broadcasts from the right like any tensor: for (N, C) use (C); for (N, C, H, W) per-class weights need shape (C, 1, 1) — a (C) pos_weight would align with W (#27936, #65702).",
        "Weights do not change the 'mean' denominator: mean = Σ w_il_i / n.",
        "x = ±inf gives NaN (0·inf), unlike the finite extremes (#102894).",
      ]),
    plot: .binaryCrossEntropyWithLogits, trace: .binaryCrossEntropyWithLogits
  )
}

extension PlotProbe {
  static let binaryCrossEntropyWithLogits = PlotProbe(
    kind: .margin, defaultRange: -4...4, setting: "target 1",
    tensors: { t, _ in named([.input: column(t), .target: filled(1, t.count)]) }, gradient: .input,
    position: { binary($0[.input], $0[.target]) { x, y in y == 1 ? x : -x } })
}
