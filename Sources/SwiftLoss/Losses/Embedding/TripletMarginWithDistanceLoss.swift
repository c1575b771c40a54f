extension LossDefinition {
  /// `torch.nn.TripletMarginWithDistanceLoss` / `F.triplet_margin_with_distance_loss` with one of
  /// three distance functions.
  public static let tripletMarginWithDistanceLoss = LossDefinition(
    functionalName: "triplet_margin_with_distance_loss", moduleName: "TripletMarginWithDistanceLoss",
    aliases: ["triplet_margin_with_distance"],
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
