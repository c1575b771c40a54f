/// Tensors whose names and number follow from the options: a module's parameters under their
/// `state_dict` names (`tail.0.0.weight`, `tail.0.1.weight`, `tail.1.0.weight`, ... for each
/// cluster of AdaptiveLogSoftmaxWithLoss; `head.bias` only with `head_bias`).
///
/// A registry entry lists its fixed tensors as ``TensorSpec``s and its parameter families as these;
/// ``LossDefinition/tensorSpecs(for:)`` expands the families for resolved options into ordinary
/// specs (in `state_dict` order), and ``LossCall/init(_:tensors:options:sizeAverage:reduce:outputs:spelledAsModule:bareNumbers:)``
/// checks the given names against them as `Module.load_state_dict` does (missing and unexpected keys).
public struct TensorFamily: Sendable {
  /// The names of one member, with `{I}` where the member's index goes (`tail.{I}.0.weight`,
  /// `tail.{I}.1.weight`); without `{I}`, a family of at most one member (`head.bias`).
  public var patterns: [String]
  public var hasGradient: Bool
  /// One line: the shapes and meaning, for help and `explain`.
  public var help: String
  /// How many members the options ask for.
  public var count: @Sendable (LossOptions) -> Int

  public init(
    _ patterns: [String], gradient: Bool, help: String, count: @escaping @Sendable (LossOptions) -> Int
  ) {
    self.patterns = patterns
    self.hasGradient = gradient
    self.help = help
    self.count = count
  }

  static let placeholder = "{I}"

  /// The family as people read it: `tail.I.0.weight, tail.I.1.weight`.
  public var displayName: String {
    patterns.map { $0.replacing(Self.placeholder, with: "I") }.joined(separator: ", ")
  }

  /// The members' names for resolved options, member by member.
  public func names(for options: LossOptions) -> [String] {
    let count = self.count(options)
    guard count > 0 else { return [] }
    return (0..<count).flatMap { index in
      patterns.map { $0.replacing(Self.placeholder, with: String(index)) }
    }.reduce(into: [String]()) { names, name in if !names.contains(name) { names.append(name) } }
  }

  /// Whether `name` has one of the family's forms, for any index (`tail.7.0.weight`).
  public func contains(_ name: String) -> Bool {
    patterns.contains { pattern in
      guard let slot = pattern.firstRange(of: Self.placeholder) else { return name == pattern }
      let head = pattern[..<slot.lowerBound], tail = pattern[slot.upperBound...]
      guard name.count > head.count + tail.count, name.hasPrefix(head), name.hasSuffix(tail) else { return false }
      let index = name.dropFirst(head.count).dropLast(tail.count)
      return index.allSatisfy { $0 >= "0" && $0 <= "9" } && (index == "0" || index.first != "0")
    }
  }

  /// A member as an ordinary tensor spec (required: the options asked for it).
  func spec(_ name: String) -> TensorSpec {
    TensorSpec(TensorKey(name), gradient: hasGradient, help: help)
  }
}
