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
  @inline(__always) func derivatives(_ x: Double, _ y: Double, _ pw: Double) -> (input: Double, target: Double, parameter: Double) {
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
    summary: "binary cross-entropy of logits: sigmoid + BCE in one stable step, optional pos_weight",
    tensors: [
      TensorSpec(.input, gradient: true, help: "logits, any shape"),
      TensorSpec(.target, gradient: true, help: "targets, exactly the input's shape (not range-checked)"),
      TensorSpec(
        .weight, required: false, gradient: false,
        help: "weights broadcast to the input's shape (may not enlarge it); no gradient"),
      TensorSpec(
        .posWeight, required: false, gradient: false,
        help: "weight of positive examples, broadcast from the right: (C) for (N, C), (C, 1, 1) for (N, C, H, W); no gradient"),
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
    operands.weightGradientName = nil
    operands.parameter = call[optional: .posWeight]
    operands.parameterDefault = 1
    let kernel = BinaryCrossEntropyWithLogitsKernel(hasPosWeight: operands.parameter != nil)
    return try PointwiseLoss.compute(kernel, operands, reduction: call.reduction, outputs: call.outputs)
  }
}
