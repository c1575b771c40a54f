extension LossDefinition {
  /// `torch.nn.MarginRankingLoss` / `F.margin_ranking_loss`: `max(0, −y·(x1 − x2) + margin)`.
  public static let marginRankingLoss = LossDefinition(
    functionalName: "margin_ranking_loss", moduleName: "MarginRankingLoss", aliases: ["margin_ranking"],
    teaching: .marginRankingLoss,
    summary: "max(0, −y·(x1 − x2) + margin): input1 should rank above input2 where y = 1, below where y = −1",
    tensors: [
      TensorSpec(
        .input1, gradient: true,
        help: "first scores, any shape; input1, input2 and target need the same rank, then broadcast"),
      TensorSpec(.input2, gradient: true, help: "second scores, the same rank as input1"),
      TensorSpec(
        .target, gradient: true, help: "1 (input1 should be higher) or −1 (lower); other values are used as given"),
    ],
    options: [
      .reduction(),
      OptionSpec(.margin, default: 0, help: "the required gap between the two scores (any real)"),
    ]
  ) { call throws(LossError) in
    try MarginRanking.compute(call)
  }
}

/// `z = −y·(x1 − x2) + margin`, `l = clamp_min(z, 0)`; autograd through PyTorch's composite:
/// with `a = [z > 0]` (clamp_min gives no gradient at z = 0 since PyTorch 2.14, none for NaN),
/// `∂x1 = −y·a`, `∂x2 = y·a`, `∂y = −(x1 − x2)·a`.
enum MarginRanking {
  static func compute(_ call: LossCall) throws(LossError) -> LossResult {
    let x1 = try call[.input1], x2 = try call[.input2], y = try call[.target]
    let margin = call.options[.margin]
    guard x1.rank == x2.rank, x1.rank == y.rank else {
      throw LossError.data(
        "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
          + "input1: \(Shape.describeTorchSize(x1.shape)), input2: \(Shape.describeTorchSize(x2.shape)), "
          + "target: \(Shape.describeTorchSize(y.shape))")
    }
    // PyTorch evaluates −target · (input1 − input2): the difference broadcasts first.
    let shape: [Int]
    do {
      let difference = try Broadcasting.shape(x1.shape, x2.shape)
      shape = try Broadcasting.shape(y.shape, difference)
      _ = try Shape.elementCount(shape)
    } catch { throw .shape(error) }
    let count = Shape.elementCountIfValid(shape) ?? 0
    let a = Broadcasting.expand(x1, to: shape), b = Broadcasting.expand(x2, to: shape)
    let t = Broadcasting.expand(y, to: shape)
    let reduction = call.reduction
    let wantsGradients = call.outputs.contains(.gradients)
    let scale = reduction.upstreamScale(count: count)

    var loss = [Double](repeating: 0, count: count)
    var g1 = [Double](repeating: 0, count: wantsGradients ? count : 0)
    var g2 = g1, gy = g1
    withSharedMutableBuffers(&loss, &g1, &g2, &gy) { out, d1, d2, dy in
      withSharedBuffers(a, b, t) { ab, bb, tb in
        Parallel.forRanges(count: count) { range in
          for i in range {
            let difference = ab[i] - bb[i]
            let negated = -tb[i]
            let z = negated * difference + margin
            out[i] = z.isNaN ? z : (z < 0 ? 0 : z)
            if wantsGradients {
              let gz = z > 0 ? scale : 0
              let gDifference = gz * negated
              d1[i] = gDifference
              d2[i] = -gDifference
              dy[i] = -(gz * difference)
            }
          }
        }
      }
    }
    var gradients: [(name: String, gradient: Tensor)] = []
    if wantsGradients {
      gradients.append(
        .input1, Tensor(validatedShape: x1.shape, storage: Broadcasting.sumReduce(g1, from: shape, to: x1.shape)))
      gradients.append(
        .input2, Tensor(validatedShape: x2.shape, storage: Broadcasting.sumReduce(g2, from: shape, to: x2.shape)))
      gradients.append(
        .target, Tensor(validatedShape: y.shape, storage: Broadcasting.sumReduce(gy, from: shape, to: y.shape)))
    }
    return LossResult(
      value: reduction.apply(to: loss, shape: shape), elementwise: Tensor(validatedShape: shape, storage: loss),
      gradients: gradients)
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `margin_ranking_loss` beyond its declaration.
  static let marginRankingLoss = LossTeaching(
    explanation: LossExplanation(
      family: .embedding,
      formula: [
        "l_i = max(0, −y_i·(x1_i − x2_i) + margin)       y_i = 1: x1 should rank higher; −1: lower",
        "dl_i/dx1_i = −y_i where the hinge is active (> 0), else 0",
      ],
      shapes: [
        "input1, input2, target: the same number of dimensions, then broadcast",
        "reduction='none': the broadcast shape",
      ],
      notes: [
        "The three tensors need the same rank, but sizes broadcast: (N) with (1) is accepted and probably not what you meant (#42884).",
        "margin defaults to 0, which only asks for the right order; a positive margin asks for a gap.",
        "At the kink (exactly at the margin) the gradient is 0 (PyTorch's clamp_min subgradient). The target gets a gradient too (it is a plain tensor op).",
      ]),
    plot: .marginRankingLoss
  )
}

extension PlotProbe {
  static let marginRankingLoss = PlotProbe(
    kind: .margin, defaultRange: -4...4, setting: "x1 = t, x2 = 0, target 1",
    tensors: { t, _ in named([.input1: column(t), .input2: filled(0, t.count), .target: filled(1, t.count)]) },
    gradient: .input1,
    position: { tensors in
      guard let x1 = tensors[.input1], let x2 = tensors[.input2], let y = tensors[.target],
        x1.shape == x2.shape, x1.shape == y.shape
      else { return nil }
      return (0..<x1.count).map { y.storage[$0] * (x1.storage[$0] - x2.storage[$0]) }
    })
}
