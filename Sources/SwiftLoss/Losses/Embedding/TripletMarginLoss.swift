extension LossDefinition {
  /// `torch.nn.TripletMarginLoss` / `F.triplet_margin_loss`.
  public static let tripletMarginLoss = LossDefinition(
    functionalName: "triplet_margin_loss", moduleName: "TripletMarginLoss", aliases: ["triplet_margin"],
    teaching: .tripletMarginLoss,
    summary: "max(0, margin + d(a, p) − d(a, n)) with d(x, y) = ‖x − y + eps‖_p over the last dimension",
    tensors: TripletMargin.tensors,
    options: [
      .reduction(),
      OptionSpec(.margin, default: 1, help: "the required gap between the two distances (> 0)"),
      OptionSpec(
        .p, default: 2, help: "the norm's order: any real, inf or -inf (0 counts non-zeros and has no gradient)"),
      OptionSpec(.eps, default: 1e-6, help: "added to every component of the difference before the norm"),
      OptionSpec(.swap, default: false, help: "use min(d(a, n), d(p, n)) as the negative distance (distance swap)"),
    ]
  ) { call throws(LossError) in
    let options = call.options
    let margin = options[.margin]
    // `margin <= 0` as in PyTorch: a NaN margin passes and gives NaN losses.
    if margin <= 0 { throw LossError.usage("margin must be greater than 0, got \(NumberText.python(margin))") }
    let distance = PairwiseDistance(p: options[.p], eps: options[.eps])
    return try TripletMargin.compute(distance, call, margin: margin, swap: options[.swap])
  }
}

/// The triplet loss shared by `triplet_margin_loss` and `triplet_margin_with_distance_loss`
/// (PyTorch's `_triplet_margin_with_distance_loss` with a distance function):
///
/// ```
/// dp = d(a, p),  dn = d(a, n),  swap: dn = minimum(dn, d(p, n))
/// l  = clamp_min(margin + dp − dn, 0)
/// ```
///
/// The three tensors need the same rank; each distance broadcasts its own pair, and the loss is
/// the broadcast of the distances. Gradients follow autograd: clamp_min passes the gradient where
/// `z > 0` (not at `z = 0` since PyTorch 2.14, and not for NaN); `minimum` gives each side `g/2` on a tie and
/// the smaller side `g` otherwise (both sides `g` when one is NaN); the distances' own backward
/// runs for every row, so `0·NaN` stays NaN as in PyTorch.
enum TripletMargin {
  static let tensors = [
    TensorSpec(
      .anchor, gradient: true, help: "anchors (D), (N, D) or (N, ..., D); distances are over the last dimension"),
    TensorSpec(.positive, gradient: true, help: "positives, the same rank as anchor (broadcast)"),
    TensorSpec(.negative, gradient: true, help: "negatives, the same rank as anchor (broadcast)"),
  ]

  static func compute<Distance: RowDistance>(
    _ distance: Distance, _ call: LossCall, margin: Double, swap: Bool
  ) throws(LossError) -> LossResult {
    let anchor = try call[.anchor], positive = try call[.positive]
    let negative = try call[.negative]
    guard anchor.rank == positive.rank, positive.rank == negative.rank else {
      throw LossError.data(
        "The anchor, positive, and negative tensors are expected to have the same number of dimensions, "
          + "but got: anchor \(anchor.rank)D, positive \(positive.rank)D, and negative \(negative.rank)D inputs")
    }
    let ap: PairedRows, an: PairedRows, pn: PairedRows?
    let shape: [Int]
    do throws(ShapeError) {
      ap = try PairedRows(anchor, positive)
      an = try PairedRows(anchor, negative)
      pn = swap ? try PairedRows(positive, negative) : nil
      // minimum(dn, ds) broadcasts first, then margin + dp − dn.
      let negativeShape =
        try pn.map { pair throws(ShapeError) in try Broadcasting.shape(an.outputShape, pair.outputShape) }
        ?? an.outputShape
      shape = try Broadcasting.shape(ap.outputShape, negativeShape)
      _ = try Shape.elementCount(shape)
    } catch { throw .shape(error) }

    let dp = ap.distances(distance), dn = an.distances(distance), ds = pn?.distances(distance)
    let positives = Broadcasting.expand(Tensor(validatedShape: ap.outputShape, storage: dp), to: shape)
    let negatives = Broadcasting.expand(Tensor(validatedShape: an.outputShape, storage: dn), to: shape)
    let swapped = pn.map { pair in
      Broadcasting.expand(Tensor(validatedShape: pair.outputShape, storage: ds ?? []), to: shape)
    }
    let count = positives.count
    var losses = [Double](repeating: 0, count: count)
    var hinge = [Double](repeating: 0, count: count)
    for i in 0..<count {
      var negativeDistance = negatives[i]
      if let swapped {
        let other = swapped[i]
        negativeDistance = negativeDistance.isNaN || other.isNaN ? .nan : min(negativeDistance, other)
      }
      let z = margin + positives[i] - negativeDistance
      hinge[i] = z
      losses[i] = z.isNaN ? z : (z < 0 ? 0 : z)
    }
    let reduction = call.reduction
    var gradients: [(name: String, gradient: Tensor)] = []
    if call.outputs.contains(.gradients) {
      let scale = reduction.upstreamScale(count: count)
      var gPositive = [Double](repeating: 0, count: count)
      var gNegative = gPositive
      var gSwapped = [Double](repeating: 0, count: swap ? count : 0)
      for i in 0..<count {
        let g = hinge[i] > 0 ? scale : 0
        gPositive[i] = g
        let gMinimum = -g
        if let swapped {
          // torch.minimum backward: where(a == b, g/2, g), masked where the other side is smaller.
          let a = negatives[i], b = swapped[i]
          let shared = a == b ? gMinimum / 2 : gMinimum
          gNegative[i] = a > b ? 0 : shared
          gSwapped[i] = a < b ? 0 : shared
        } else {
          gNegative[i] = gMinimum
        }
      }
      var ga: [Double]?, gp: [Double]?, gn: [Double]?
      ap.addGradients(
        distance, distances: dp, upstream: Broadcasting.sumReduce(gPositive, from: shape, to: ap.outputShape),
        dx: &ga, dy: &gp)
      an.addGradients(
        distance, distances: dn, upstream: Broadcasting.sumReduce(gNegative, from: shape, to: an.outputShape),
        dx: &ga, dy: &gn)
      if let pn, let ds {
        pn.addGradients(
          distance, distances: ds, upstream: Broadcasting.sumReduce(gSwapped, from: shape, to: pn.outputShape),
          dx: &gp, dy: &gn)
      }
      gradients.append(
        .anchor, Tensor(validatedShape: anchor.shape, storage: ga ?? [Double](repeating: 0, count: anchor.count)))
      gradients.append(
        .positive, Tensor(validatedShape: positive.shape, storage: gp ?? [Double](repeating: 0, count: positive.count)))
      gradients.append(
        .negative, Tensor(validatedShape: negative.shape, storage: gn ?? [Double](repeating: 0, count: negative.count)))
    }
    return LossResult(
      value: reduction.apply(to: losses, shape: shape), elementwise: Tensor(validatedShape: shape, storage: losses),
      gradients: gradients)
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `triplet_margin_loss` beyond its declaration.
  static let tripletMarginLoss = LossTeaching(
    explanation: LossExplanation(
      family: .embedding,
      formula: [
        "d(u, v) = ‖u − v + eps‖_p   (over the last dimension; eps is added to every component)",
        "dp_n = d(a_n, p_n),  dn_n = d(a_n, n_n)   (swap: dn_n = min(dn_n, d(p_n, n_n)))",
        "l_n = max(0, margin + dp_n − dn_n)",
      ],
      shapes: [
        "anchor, positive, negative: the same number of dimensions, broadcast; (D), (N, D) or (N, …, D)",
        "reduction='none': the shape without the last dimension",
      ],
      notes: [
        "eps = 1e−6 is added to the difference before the norm (PR #105115), so d(u, u) = eps·D^(1/p), not 0, and d is not symmetric.",
        "margin must be > 0. Triplets already satisfying the margin contribute 0 and no gradient (at exactly the margin too).",
        "swap (distance swap, Balntas et al.) uses the harder of the two negative distances; on a tie both get half the gradient.",
      ]),
    plot: .tripletMarginLoss, trace: .tripletMargin
  )
}

extension PlotProbe {
  static let tripletMarginLoss = PlotProbe.triplet(
    setting: "1 feature: anchor 0, positive 1, negative −t")
}
