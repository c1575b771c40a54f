/// Which part of the course a loss belongs to (used to group `explain` content and the lesson).
public enum LossFamily: String, Sendable, CaseIterable {
  case regression, classification, probabilistic, embedding, sequence
}

/// The teaching text of one loss, keyed by its functional name: what `swiftloss explain LOSS` adds
/// to what the registry already says (names, tensors, options).
public struct LossExplanation: Sendable {
  public var functionalName: String
  public var family: LossFamily
  /// The formula in readable Unicode math, one line each (the per-element or per-sample loss,
  /// then the reductions that differ from a plain mean).
  public var formula: [String]
  /// Accepted shapes of the tensors and of the `reduction='none'` output.
  public var shapes: [String]
  /// The things that trip people up, one paragraph each (issue links where they help).
  public var notes: [String]
  /// Tensors PyTorch wants as int64 (class indices, lengths); `cross_entropy`'s target only when it
  /// does not have the input's shape (see ``isIntegerTensor(_:in:)``).
  public var integerTensors: [String]
  /// How PyTorch spells the call, when it is not `nn.Module(...)(...)` and `F.function(...)` (a module
  /// without a functional form: AdaptiveLogSoftmaxWithLoss).
  public var pythonSpellings: [String]?

  public init(
    _ functionalName: String, family: LossFamily, formula: [String], shapes: [String], notes: [String],
    integerTensors: [String] = [], pythonSpellings: [String]? = nil
  ) {
    self.pythonSpellings = pythonSpellings
    self.functionalName = functionalName
    self.family = family
    self.formula = formula
    self.shapes = shapes
    self.notes = notes
    self.integerTensors = integerTensors
  }

  /// Whether tensor `name` is an int64 tensor in PyTorch for this call.
  public func isIntegerTensor(_ name: String, in tensors: [String: Tensor]) -> Bool {
    if functionalName == "cross_entropy" && name == "target" {
      guard let input = tensors["input"], let target = tensors["target"] else { return true }
      return input.shape != target.shape
    }
    return integerTensors.contains(name)
  }
}

/// The teaching content of every loss, and `explain` rendered from it and the registry.
public enum Teaching {
  /// Every explanation, keyed by functional name (all 21 losses, whether or not registered yet).
  public static let explanations: [String: LossExplanation] = {
    var table: [String: LossExplanation] = [:]
    for explanation in regressionExplanations + classificationExplanations + probabilisticExplanations
      + embeddingExplanations + sequenceExplanations
    {
      table[explanation.functionalName] = explanation
    }
    return table
  }()

  public static func explanation(for definition: LossDefinition) -> LossExplanation? {
    explanations[definition.functionalName]
  }

  /// `swiftloss explain LOSS`: summary, formula, shapes, tensors, options (with defaults, from the
  /// registry), the PyTorch spellings, and the notes.
  public static func explain(_ definition: LossDefinition) -> String {
    let explanation = explanation(for: definition)
    var out: [String] = []
    if explanation?.pythonSpellings != nil {
      out.append("\(definition.functionalName) — torch.nn.\(definition.moduleName) (a module only)")
    } else {
      out.append("\(definition.functionalName) — torch.nn.\(definition.moduleName) / F.\(definition.functionalName)")
    }
    out.append("  " + definition.summary)
    var seen = Set<String>()
    let names = LossRegistry.names(of: definition).filter { seen.insert($0).inserted }
    out.append("  names: " + names.joined(separator: ", "))
    if let explanation {
      out.append("")
      out.append("formula:")
      out += explanation.formula.map { "  " + $0 }
      out.append("")
      out.append("shapes:")
      out += explanation.shapes.map { "  " + $0 }
    }
    out.append("")
    out.append("tensors:")
    out += TextTable.rows(definition.tensors.map { spec in
      var notes: [String] = []
      if !spec.isRequired { notes.append("optional") }
      notes.append(spec.hasGradient ? "gets a gradient" : "no gradient")
      if explanation?.integerTensors.contains(spec.name) == true { notes.append("integers") }
      var left = spec.flag
      if !spec.aliases.isEmpty { left += " (" + spec.aliases.map { "--" + $0.replacingUnderscores() }.joined(separator: ", ") + ")" }
      return (left, spec.help + " [" + notes.joined(separator: ", ") + "]")
    } + definition.tensorFamilies.map { family in
      (family.displayName, family.help + " [by state_dict name, " + (family.hasGradient ? "gets a gradient" : "no gradient") + "]")
    }, indent: 2)
    out.append("")
    out.append("options:")
    var optionRows = definition.options.map { spec in
      (spec.flag + " " + placeholder(spec.kind), spec.help + defaultNote(spec))
    }
    if definition.acceptsLegacyReduction {
      optionRows.append(("--size-average, --reduce", "deprecated PyTorch flags, mapped to a reduction (see below)"))
    }
    out += TextTable.rows(optionRows, indent: 2)
    out.append("")
    out.append("in PyTorch:")
    out += pythonSpellings(definition).map { "  " + $0 }
    if let explanation, !explanation.notes.isEmpty {
      out.append("")
      out.append("notes:")
      for note in explanation.notes {
        out += TextTable.wrap(note, width: 92, firstPrefix: "  • ", prefix: "    ")
      }
    }
    if definition.acceptsLegacyReduction {
      out += TextTable.wrap(
        "Legacy flags: size_average/reduce override reduction: reduce=False → 'none'; otherwise size_average=False → "
          + "'sum', else 'mean' (a missing flag counts as True). PyTorch warns that they are deprecated.",
        width: 92, firstPrefix: "  • ", prefix: "    ")
    } else if definition.optionSpec("reduction") == nil {
      out += TextTable.wrap(
        "\(definition.moduleName) takes no reduction and no size_average/reduce: the loss is always the mean.",
        width: 92, firstPrefix: "  • ", prefix: "    ")
    } else {
      out += TextTable.wrap(
        "\(definition.moduleName) takes no size_average/reduce (deprecated flags); use reduction.",
        width: 92, firstPrefix: "  • ", prefix: "    ")
    }
    out.append("")
    out.append("try:")
    out.append("  swiftloss \(definition.shortName) ... --explain       the computation step by step, with your numbers")
    out.append("  swiftloss \(definition.shortName) ... --emit-python   the same call as a runnable PyTorch script")
    out.append("  swiftloss \(definition.shortName) ... --check-grad    gradients against finite differences")
    if LossPlot.probe(for: definition) != nil {
      out.append("  swiftloss plot \(definition.shortName)                the loss as a curve in the terminal")
    }
    return out.joined(separator: "\n") + "\n"
  }

  /// `nn.MSELoss(reduction='mean')(input, target)` and `F.mse_loss(input, target, reduction='mean')`,
  /// with every option at its default.
  public static func pythonSpellings(_ definition: LossDefinition) -> [String] {
    if let spellings = explanation(for: definition)?.pythonSpellings { return spellings }
    let required = definition.tensors.filter(\.isRequired).map(\.name)
    let optionalTensors = definition.tensors.filter { !$0.isRequired }.map { "\($0.name)=\($0.name)" }
    // triplet_margin_with_distance's --p/--eps are nn.PairwiseDistance's, not keywords of the loss.
    let keywords = definition.options.filter { option in
      definition.functionalName != "triplet_margin_with_distance_loss" || (option.name != "p" && option.name != "eps")
    }.map { "\($0.name)=\(PythonText.keyword($0, $0.defaultValue))" }
    // Module: buffers (weight, pos_weight) are constructor arguments; other tensors are call arguments.
    let moduleArgs = optionalTensors + keywords
    let functionalArgs = required + optionalTensors + keywords
    return [
      "torch.nn.\(definition.moduleName)(\(moduleArgs.joined(separator: ", ")))(\(required.joined(separator: ", ")))",
      "torch.nn.functional.\(definition.functionalName)(\(functionalArgs.joined(separator: ", ")))",
    ]
  }

  /// ` (default: 'mean')`, unless the help already says what happens without the option.
  static func defaultNote(_ spec: OptionSpec) -> String {
    spec.help.contains("(required)") || spec.help.contains("(default:") ? "" : " (default: " + PythonText.option(spec.defaultValue) + ")"
  }

  static func placeholder(_ kind: OptionKind) -> String {
    switch kind {
    case .double: return "X"
    case .int: return "N"
    case .bool: return "[true|false]"
    case .choice(let words): return words.joined(separator: "|")
    case .intList: return "N1,N2,..."
    }
  }
}

/// Option values as Python spells them.
enum PythonText {
  /// `'mean'`, `1.0`, `True`, `-100`.
  static func option(_ value: OptionValue) -> String {
    switch value {
    case .string(let s): return "'\(s)'"
    case .double(let x): return float(x)
    default: return value.description
    }
  }

  /// A keyword argument's value for `spec` (the distance function is a callable in PyTorch).
  static func keyword(_ spec: OptionSpec, _ value: OptionValue) -> String {
    if spec.name == "distance_function", case .string(let word) = value {
      switch word {
      case "cosine": return "lambda x, y: 1.0 - F.cosine_similarity(x, y, dim=-1)"
      case "l1": return "lambda x, y: F.pairwise_distance(x, y, p=1)"
      default: return "None"
      }
    }
    return option(value)
  }

  /// A float literal Python reads back exactly: `0.1`, `1e-06`, `float('inf')`, `float('nan')`.
  static func float(_ x: Double) -> String {
    if x.isNaN { return "float('nan')" }
    if x.isInfinite { return x < 0 ? "float('-inf')" : "float('inf')" }
    return NumberText.python(x)
  }
}

/// Aligned two-column text and word wrapping for teaching output.
public enum TextTable {
  /// Two aligned columns; a left column wider than `maxWidth` puts its text on the next line.
  public static func rows(_ rows: [(String, String)], indent: Int, maxWidth: Int = 30) -> [String] {
    let width = min(maxWidth, rows.map { $0.0.count }.max() ?? 0)
    let pad = String(repeating: " ", count: indent)
    var lines: [String] = []
    for (left, right) in rows {
      if left.count > width {
        lines.append(pad + left)
        lines.append(pad + String(repeating: " ", count: width + 2) + right)
      } else {
        lines.append(pad + left + String(repeating: " ", count: width - left.count + 2) + right)
      }
    }
    return lines
  }

  static func wrap(_ text: String, width: Int, firstPrefix: String, prefix: String) -> [String] {
    var lines: [String] = []
    var current = firstPrefix
    var empty = true
    for word in text.split(separator: " ") {
      if !empty && current.count + 1 + word.count > width {
        lines.append(current)
        current = prefix
        empty = true
      }
      current += (empty ? "" : " ") + word
      empty = false
    }
    if !empty { lines.append(current) }
    return lines
  }
}
