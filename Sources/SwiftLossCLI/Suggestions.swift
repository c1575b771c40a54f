import SwiftLoss

/// "Did you mean" for flags, by edit distance over the flags that could have been meant.
enum Suggestions {
  /// `'a'`, `'a' or 'b'`, `'a', 'b' or 'c'`.
  static func phrase(_ names: [String]) -> String {
    let quoted = names.map { "'\($0)'" }
    guard quoted.count > 1 else { return quoted.first ?? "" }
    return quoted.dropLast().joined(separator: ", ") + " or " + quoted[quoted.count - 1]
  }

  /// The flags (without dashes) nearest to `name`, closest first, at most two.
  static func nearest(_ name: String, among candidates: [String]) -> [String] {
    var scored: [(String, Int)] = []
    for candidate in candidates {
      let distance = Self.distance(name, candidate)
      let limit = max(2, min(candidate.count, name.count) / 3)
      if distance <= limit || (name.count >= 3 && candidate.hasPrefix(name)) {
        scored.append((candidate, distance))
      }
    }
    guard let best = scored.map(\.1).min() else { return [] }
    var seen = Set<String>()
    return scored.filter { $0.1 == best }.map(\.0).filter { seen.insert($0).inserted }.prefix(2).map { $0 }
  }

  /// Optimal-string-alignment distance: Levenshtein plus adjacent transpositions (`detla` is one
  /// edit from `delta`).
  static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a.utf8), b = Array(b.utf8)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
        }
      }
    }
    return d[a.count][b.count]
  }

  /// Every tensor and option flag of every registered loss (without dashes).
  static var registryFlags: Set<String> {
    var flags = Set<String>()
    for definition in LossRegistry.all {
      for spec in definition.tensors {
        flags.insert(spec.name.replacingUnderscores())
        for alias in spec.aliases { flags.insert(alias.replacingUnderscores()) }
      }
      for spec in definition.options { flags.insert(spec.name.replacingUnderscores()) }
    }
    flags.insert("size-average")
    flags.insert("reduce")
    return flags
  }

  /// The error for a flag `definition` does not take: "does not take" when another loss takes it,
  /// else "unknown option" with the nearest flags of this loss and the global flags.
  static func unknownFlag(spelling: String, name: String, definition: LossDefinition) -> CommandError {
    let loss = definition.shortName
    let takes = "it takes " + definition.flagList.joined(separator: ", ")
    let bare = name.hasPrefix("no-") ? String(name.dropFirst(3)) : name
    if registryFlags.contains(bare) {
      return .usage("\(definition.functionalName) does not take --\(bare); \(takes)", loss: loss)
    }
    var candidates = definition.tensors.flatMap {
      [$0.name.replacingUnderscores()] + $0.aliases.map { $0.replacingUnderscores() }
    }
    candidates += definition.options.map { $0.name.replacingUnderscores() }
    candidates += definition.options.filter { $0.kind == .bool }.map { "no-" + $0.name.replacingUnderscores() }
    if definition.acceptsLegacyReduction { candidates += ["size-average", "reduce"] }
    candidates += GlobalOptions.flags.map(\.name) + ["help"]
    let nearest = nearest(name, among: candidates)
    if nearest.isEmpty {
      return .usage("unknown option '\(spelling)' for \(definition.functionalName); \(takes)", loss: loss)
    }
    return .usage(
      "unknown option '\(spelling)' for \(definition.functionalName); did you mean \(phrase(nearest.map { "--" + $0 }))?",
      loss: loss)
  }
}
