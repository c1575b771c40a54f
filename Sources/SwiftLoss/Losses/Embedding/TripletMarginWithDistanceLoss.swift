extension LossDefinition {
  /// `torch.nn.TripletMarginWithDistanceLoss` / `F.triplet_margin_with_distance_loss` with one of
  /// three distance functions.
  public static let tripletMarginWithDistanceLoss = LossDefinition(
    functionalName: "triplet_margin_with_distance_loss", moduleName: "TripletMarginWithDistanceLoss",
    aliases: ["triplet_margin_with_distance"],
    teaching: .tripletMarginWithDistanceLoss,
    summary: "max(0, margin + d(a, p) − d(a, n)) with d = pairwise (L2), cosine (1 − cos) or l1 distance",
    tensors: TripletMargin.tensors,
    options: [
      .reduction(),
      OptionSpec(
        .distanceFunction, choices: ["pairwise", "cosine", "l1"], default: "pairwise",
        help: "pairwise: nn.PairwiseDistance(p, eps) (--p, --eps); cosine: 1 − F.cosine_similarity(x, y, dim=-1); "
          + "l1: F.pairwise_distance(x, y, p=1)"),
      OptionSpec(.p, default: 2, help: "the pairwise distance's norm order (pairwise only)"),
      OptionSpec(
        .eps, default: 1e-6,
        help: "added to every component of the difference before the norm (pairwise only)"),
      OptionSpec(.margin, default: 1, help: "the required gap between the two distances (> 0)"),
      OptionSpec(.swap, default: false, help: "use min(d(a, n), d(p, n)) as the negative distance (distance swap)"),
    ],
    acceptsLegacyReduction: false
  ) { call throws(LossError) in
    let options = call.options
    let margin = options[.margin]
    if margin <= 0 { throw LossError.usage("margin must be greater than 0, got \(NumberText.python(margin))") }
    let swap = options[.swap]
    let function = options[.distanceFunction]
    // --p and --eps are nn.PairwiseDistance's call: the other distances take neither.
    if function != "pairwise", let given = [OptionKey<Double>.p, .eps].first(where: options.isGiven)?.name {
      throw LossError.usage(
        "--\(given) is an argument of nn.PairwiseDistance(p, eps), used by --distance-function pairwise; "
          + "the \(function) distance takes no --p or --eps")
    }
    switch function {
    case "cosine": return try TripletMargin.compute(CosineDistance(), call, margin: margin, swap: swap)
    case "l1": return try TripletMargin.compute(PairwiseDistance(p: 1), call, margin: margin, swap: swap)
    default:
      let distance = PairwiseDistance(p: options[.p], eps: options[.eps])
      return try TripletMargin.compute(distance, call, margin: margin, swap: swap)
    }
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `triplet_margin_with_distance_loss` beyond its declaration.
  static let tripletMarginWithDistanceLoss = LossTeaching(
    explanation: LossExplanation(
      family: .embedding,
      formula: [
        "dp_n = d(a_n, p_n),  dn_n = d(a_n, n_n)   (swap: dn_n = min(dn_n, d(p_n, n_n)))",
        "l_n = max(0, margin + dp_n − dn_n)",
        "d: pairwise = ‖u − v + 1e−6‖_2;  cosine = 1 − cos(u, v);  l1 = ‖u − v + 1e−6‖_1",
      ],
      shapes: [
        "anchor, positive, negative: the same number of dimensions, broadcast",
        "reduction='none': the distance's output shape (the shape without the last dimension)",
      ],
      notes: [
        "In PyTorch distance_function is any callable; swiftloss offers the three common ones. The default (None) is nn.PairwiseDistance(), identical to triplet_margin_loss's defaults.",
        "margin must be > 0 (\"expected margin to be greater than 0\"). Keyword-only; no size_average/reduce.",
        "The cosine distance uses F.cosine_similarity (eps 1e−8 on the norms), not cosine_embedding_loss's formula.",
      ]),
    plot: .tripletMarginWithDistanceLoss, trace: .tripletMarginWithDistance, python: .tripletMarginWithDistanceLoss
  )
}

extension PlotProbe {
  static let tripletMarginWithDistanceLoss = PlotProbe.triplet(
    setting: "1 feature: anchor 0, positive 1, negative −t, pairwise distance",
    options: [OptionSetting(.distanceFunction, "pairwise")])
}

extension PythonQuirks {
  /// `--p` and `--eps` configure the default distance, `nn.PairwiseDistance(p, eps)`: PyTorch's
  /// loss has no such keywords.
  static let tripletMarginWithDistanceLoss = PythonQuirks(pairwiseDistanceOptions: [.p, .eps])
}
