/// Every loss swiftloss computes, keyed by PyTorch name. Adding a loss is its file (kernel,
/// declaration and teaching), one line here, its PyTorch fixture cases and the regenerated docs
/// (see CONTRIBUTING.md).
public enum LossRegistry {
  public static let all: [LossDefinition] = [
    .l1Loss,
    .mseLoss,
    .smoothL1Loss,
    .huberLoss,
    .crossEntropy,
    .linearCrossEntropy,
    .nllLoss,
    .binaryCrossEntropy,
    .binaryCrossEntropyWithLogits,
    .softMarginLoss,
    .multilabelSoftMarginLoss,
    .klDiv,
    .poissonNLLLoss,
    .gaussianNLLLoss,
    .ctcLoss,
    .marginRankingLoss,
    .hingeEmbeddingLoss,
    .multiMarginLoss,
    .multilabelMarginLoss,
    .cosineEmbeddingLoss,
    .tripletMarginLoss,
    .tripletMarginWithDistanceLoss,
    .adaptiveLogSoftmax,
  ]

  /// Finds a loss by any of its names: `MSELoss`, `nn.MSELoss`, `torch.nn.MSELoss`, `mse_loss`,
  /// `F.mse_loss`, `torch.nn.functional.mse_loss`, `mse`. Case is ignored and `-` equals `_`.
  public static func lookup(_ name: String) -> LossDefinition? {
    let key = normalize(stripPrefix(name))
    return all.first { definition in names(of: definition).contains { normalize($0) == key } }
  }

  /// Every name a loss answers to (without the module prefixes), for lookup, suggestions and completion.
  public static func names(of definition: LossDefinition) -> [String] {
    var seen = Set<String>()
    // An alias may repeat the functional name (cross_entropy): each name once, in this order.
    return ([definition.functionalName, definition.moduleName] + definition.aliases).filter { seen.insert($0).inserted }
  }

  /// The nearest known names to a misspelt one, closest first (at most three).
  public static func suggestions(for name: String) -> [String] {
    let key = normalize(stripPrefix(name))
    var scored: [(String, Int)] = []
    for definition in all {
      for candidate in names(of: definition) {
        let distance = EditDistance.between(key, normalize(candidate))
        let threshold = max(2, candidate.count / 3)
        if distance <= threshold || normalize(candidate).hasPrefix(key) && key.count >= 2 {
          scored.append((candidate, distance))
        }
      }
    }
    var seen = Set<String>()
    return scored.sorted { $0.1 < $1.1 }.map(\.0).filter { seen.insert($0).inserted }.prefix(3).map { $0 }
  }

  /// Whether `name` is the deprecated module name `NLLLoss2d` (PyTorch warns when it is constructed).
  public static func isDeprecatedNLLLoss2d(_ name: String) -> Bool {
    normalize(stripPrefix(name)) == "nllloss2d"
  }

  /// Whether `name` spells `definition`'s module (`KLDivLoss`, `nn.KLDivLoss`), not its functional.
  public static func isModuleSpelling(_ name: String, of definition: LossDefinition) -> Bool {
    normalize(stripPrefix(name)) == normalize(definition.moduleName)
  }

  /// The name without a module prefix, the prefix matched in any case (`Torch.NN.L1Loss`, `f.l1-loss`).
  static func stripPrefix(_ name: String) -> String {
    let lowered = name.lowercased()
    for prefix in ["torch.nn.functional.", "torch.nn.", "nn.functional.", "nn.", "f."] where lowered.hasPrefix(prefix) {
      return String(name.dropFirst(prefix.count))
    }
    return name
  }

  static func normalize(_ name: String) -> String {
    name.lowercased().replacingUnderscores()
  }
}
