/// `−(y·logσ(x) + (1 − y)·logσ(−x))` per element (stable for any finite x).
struct MultiLabelSoftMarginKernel: PointwiseKernel {
  @inline(__always) func loss(_ x: Double, _ y: Double) -> Double {
    -(y * LogSigmoid.value(x) + (1 - y) * LogSigmoid.value(-x))
  }
  /// Autograd's chain through `−(y·logσ(x) + (1 − y)·logσ(−x))` term by term (upstream `v = −1`
  /// after the negation), summed as autograd sums them, so that zeros carry PyTorch's sign.
  @inline(__always) func derivatives(_ x: Double, _ y: Double) -> (input: Double, target: Double) {
    derivatives(x, y, upstream: 1)
  }
  @inline(__always) func derivatives(_ x: Double, _ y: Double, upstream u: Double) -> (input: Double, target: Double) {
    let v = -u
    let input = (v * y) * LogSigmoid.derivative(x) + -((v * (1 - y)) * LogSigmoid.derivative(-x))
    let target = v * LogSigmoid.value(x) + -(v * LogSigmoid.value(-x))
    return (input, target)
  }
}

extension LossDefinition {
  /// `torch.nn.MultiLabelSoftMarginLoss` / `F.multilabel_soft_margin_loss` (pure Python in PyTorch):
  /// the elementwise loss (times `weight`) summed over the class dimension and divided by C.
  public static let multilabelSoftMarginLoss = LossDefinition(
    functionalName: "multilabel_soft_margin_loss", moduleName: "MultiLabelSoftMarginLoss",
    aliases: ["multilabel_soft_margin"],
    teaching: .multilabelSoftMarginLoss,
    summary: "multi-label one-versus-all logistic loss on multi-hot targets, averaged over classes",
    tensors: [
      TensorSpec(.input, gradient: true, help: "logits (C) or (N, C); the last dimension is the class dimension"),
      TensorSpec(
        .target, gradient: true, help: "multi-hot targets (0/1 intended, any real accepted), broadcast with the input"),
      TensorSpec(
        .weight, required: false, gradient: true,
        help: "weights broadcast with the elementwise loss, e.g. (C) or (N, C)"),
    ],
    options: [.reduction()]
  ) { call throws(LossError) in
    let input = try call[.input], target = try call[.target]
    let weight = call[optional: .weight]
    guard let classes = input.shape.last else {
      throw LossError.data(
        "multilabel_soft_margin_loss: Dimension specified as -1 but tensor has no dimensions", tensor: "input")
    }
    // PyTorch broadcasts input, target and weight freely (out-of-place ops); expand the operands
    // when the weight enlarges the loss, and sum their gradients back afterwards.
    let pairShape: [Int], shape: [Int]
    do throws(ShapeError) {
      pairShape = try Broadcasting.shape(input.shape, target.shape)
      if let weight { shape = try Broadcasting.shape(pairShape, weight.shape) } else { shape = pairShape }
      _ = try Shape.elementCount(shape)
    } catch { throw .data("multilabel_soft_margin_loss: \(error.message)") }
    var operands = PointwiseOperands(input: input, target: target, weight: weight)
    if shape != pairShape {
      operands.input = Tensor(validatedShape: shape, storage: Broadcasting.expand(input, to: shape))
      operands.target = Tensor(validatedShape: shape, storage: Broadcasting.expand(target, to: shape))
    }
    let elementwise = try PointwiseLoss.compute(
      MultiLabelSoftMarginKernel(), operands, reduction: .none, outputs: call.outputs)

    // Sum over the class dimension (input.dim() − 1, counted in the broadcast shape), then ÷ C.
    let layout: ClassLayout
    do throws(ShapeError) { layout = try ClassLayout(shape: shape, classDim: input.rank - 1) } catch {
      throw .data("multilabel_soft_margin_loss: \(error.message)")
    }
    var perSample = [Double](repeating: 0, count: layout.rows)
    var terms = [Double](repeating: 0, count: layout.rows > 0 ? layout.classes : 0)
    elementwise.elementwise.storage.withUnsafeBufferPointer { values in
      for row in 0..<layout.rows {
        let base = layout.start(ofRow: row)
        for c in 0..<layout.classes { terms[c] = values[base + c * layout.inner] }
        perSample[row] = Summation.sum(terms) / Double(classes)
      }
    }
    var outputShape = shape
    outputShape.remove(at: input.rank - 1)
    let reduction = call.reduction
    let value = reduction.apply(to: perSample, shape: outputShape)
    let factor = reduction.upstreamScale(count: perSample.count) / Double(classes)
    var gradients: [(name: String, gradient: Tensor)] = []
    for (name, gradient) in elementwise.gradients {
      let original =
        name == TensorKey.input.name ? input.shape : name == TensorKey.target.name ? target.shape : gradient.shape
      let reduced = Broadcasting.sumReduce(gradient.storage, from: gradient.shape, to: original)
      gradients.append((name, Tensor(validatedShape: original, storage: reduced.map { $0 * factor })))
    }
    return LossResult(
      value: value, elementwise: Tensor(validatedShape: outputShape, storage: perSample), gradients: gradients)
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `multilabel_soft_margin_loss` beyond its declaration.
  static let multilabelSoftMarginLoss = LossTeaching(
    explanation: LossExplanation(
      family: .classification,
      formula: [
        "l_n = −(1/C)·Σ_c w_c·[ y_nc·log σ(x_nc) + (1 − y_nc)·log σ(−x_nc) ]",
        "mean = Σ_n l_n / N   (each l_n is already averaged over the C classes)",
      ],
      shapes: [
        "input: (C) or (N, C) (last dimension = classes); target: multi-hot 0/1 of the input's shape",
        "weight: broadcast with the elementwise loss, e.g. (C); reduction='none': the input's shape without its last dimension",
      ],
      notes: [
        "Targets are multi-hot vectors (1 where the label applies, 0 elsewhere). MultiLabelMarginLoss, with a similar name, wants the opposite: lists of class indices padded with −1 (#15863, #92000).",
        "It equals binary_cross_entropy_with_logits(x, y, weight, reduction='none').mean(dim=−1) followed by the reduction.",
        "Stable for any logits (uses log σ).",
      ]),
    plot: .multilabelSoftMarginLoss, trace: .perSample
  )
}

extension PlotProbe {
  static let multilabelSoftMarginLoss = PlotProbe(
    kind: .margin, defaultRange: -4...4, setting: "one class, target 1",
    tensors: { t, _ in
      named([
        .input: Tensor(validatedShape: [t.count, 1], storage: t), .target: Tensor(repeating: 1, shape: [t.count, 1]),
      ])
    }, gradient: .input)
}
