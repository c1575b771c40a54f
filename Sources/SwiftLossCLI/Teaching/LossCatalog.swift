import SwiftLoss

/// `swiftloss list`: every loss grouped by family, with its names, tensors and summary.
enum LossCatalog {
  /// The family a loss is listed under (its teaching content's family; every loss declares one).
  static func family(of definition: LossDefinition) -> String {
    definition.teaching.explanation.family.rawValue
  }

  /// One line per loss (name, aliases, tensors), its summary on the next; families as headings.
  /// Optional tensors are in brackets; a `*` marks tensors that get a gradient.
  static func text(_ losses: [LossDefinition] = LossRegistry.all, width: Int = TextLayout.defaultWidth) -> String {
    let width = max(TextLayout.minimumWidth, width)
    var families: [String] = []
    for definition in losses where !families.contains(family(of: definition)) {
      families.append(family(of: definition))
    }
    let rows = losses.map { definition -> (name: String, aliases: String, tensors: String) in
      let aliases = ([definition.moduleName] + definition.aliases.filter { $0 != definition.functionalName }).joined(
        separator: ", ")
      let tensors =
        definition.tensors.map { spec in
          let name = spec.name + (spec.hasGradient ? "*" : "")
          return spec.isRequired ? name : "[\(name)]"
        }.joined(separator: " ")
        + definition.tensorFamilies.map { family in
          " "
            + family.patterns.map { $0.replacing("{I}", with: "I") + (family.hasGradient ? "*" : "") }.joined(
              separator: " ")
        }.joined()
      return (definition.functionalName, aliases, tensors)
    }
    let nameWidth = max(4, rows.map(\.name.count).max() ?? 0)
    var lines: [String] = []
    func pad(_ text: String, _ width: Int) -> String {
      text + String(repeating: " ", count: max(0, width - text.count))
    }
    lines += TextLayout.fit(
      pad("NAME", nameWidth) + "  TENSORS (* = gets a gradient, [optional])", width: width, hangingIndent: 4)
    lines += TextLayout.fit("    OTHER NAMES — SUMMARY", width: width)
    for family in families {
      lines.append("")
      lines.append(family + ":")
      for (definition, row) in zip(losses, rows) where self.family(of: definition) == family {
        lines += TextLayout.wrap(
          row.tensors, width: width, firstPrefix: pad(row.name, nameWidth) + "  ",
          prefix: String(repeating: " ", count: min(nameWidth + 2, width / 2)))
        lines += TextLayout.wrap(
          row.aliases + " — " + definition.summary, width: width, firstPrefix: "    ", prefix: "    ")
      }
    }
    lines.append("")
    lines += TextLayout.wrap(
      "\(losses.count) losses. 'swiftloss explain LOSS' for the formula and notes, 'swiftloss help LOSS' for its flags.",
      width: width)
    return lines.joined(separator: "\n") + "\n"
  }
}
