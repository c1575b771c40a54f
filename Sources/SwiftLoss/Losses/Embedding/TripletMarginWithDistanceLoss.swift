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
        "distance_function", .choice(["pairwise", "cosine", "l1"]), default: .string("pairwise"),
        help: "pairwise: F.pairwise_distance(x, y) (p = 2, eps = 1e-6); cosine: 1 − F.cosine_similarity(x, y, dim=-1); "
          + "l1: F.pairwise_distance(x, y, p=1)"),
      OptionSpec("margin", .double, default: .double(1), help: "the required gap between the two distances (> 0)"),
      OptionSpec("swap", .bool, default: .bool(false), help: "use min(d(a, n), d(p, n)) as the negative distance (distance swap)"),
    ],
    acceptsLegacyReduction: false
  ) { arguments throws(LossError) in
    let options = arguments.options
    let margin = options.double("margin")
    if margin <= 0 { throw LossError.usage("margin must be greater than 0, got \(NumberText.python(margin))") }
    let swap = options.bool("swap")
    switch options.string("distance_function") {
    case "cosine": return try TripletMargin.compute(CosineDistance(), arguments, margin: margin, swap: swap)
    case "l1": return try TripletMargin.compute(PairwiseDistance(p: 1), arguments, margin: margin, swap: swap)
    default: return try TripletMargin.compute(PairwiseDistance(), arguments, margin: margin, swap: swap)
    }
  }
}
