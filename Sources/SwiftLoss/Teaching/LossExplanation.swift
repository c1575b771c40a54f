/// Which part of the course a loss belongs to (used to group `explain` content and the lesson).
public enum LossFamily: String, Sendable, CaseIterable {
  case regression, classification, probabilistic, embedding, sequence
}

/// The teaching text of one loss: what `swiftloss explain LOSS` adds to what the registry already
/// says (names, tensors, options). Each loss declares its own in its ``LossTeaching``.
public struct LossExplanation: Sendable {
  public var family: LossFamily
  /// The formula in readable Unicode math, one line each (the per-element or per-sample loss,
  /// then the reductions that differ from a plain mean).
  public var formula: [String]
  /// Accepted shapes of the tensors and of the `reduction='none'` output.
  public var shapes: [String]
  /// The things that trip people up, one paragraph each (issue links where they help).
  public var notes: [String]
  /// How PyTorch spells the call, when it is not `nn.Module(...)(...)` and `F.function(...)` (a module
  /// without a functional form: AdaptiveLogSoftmaxWithLoss).
  public var pythonSpellings: [String]?

  public init(
    family: LossFamily, formula: [String], shapes: [String], notes: [String], pythonSpellings: [String]? = nil
  ) {
    self.family = family
    self.formula = formula
    self.shapes = shapes
    self.notes = notes
    self.pythonSpellings = pythonSpellings
  }
}

/// The teaching content of every loss, as `explain` and the lesson page show it (the front end lays it out).
public enum Teaching {
  /// `mse_loss — torch.nn.MSELoss / F.mse_loss`, or `(a module only)` for a loss without a
  /// functional form.
  public static func title(_ definition: LossDefinition) -> String {
    if definition.teaching.explanation.pythonSpellings != nil {
      return "\(definition.functionalName) — torch.nn.\(definition.moduleName) (a module only)"
    }
    return "\(definition.functionalName) — torch.nn.\(definition.moduleName) / F.\(definition.functionalName)"
  }

  /// The tensors of a loss as (flag, what it is) rows, with the families of named parameters.
  public static func tensorRows(_ definition: LossDefinition) -> [(String, String)] {
    definition.tensors.map { spec in
      var notes: [String] = []
      if !spec.isRequired { notes.append("optional") }
      notes.append(spec.hasGradient ? "gets a gradient" : "no gradient")
      if spec.integer != nil { notes.append("integers") }
      var left = spec.flag
      if !spec.aliases.isEmpty {
        left += " (" + spec.aliases.map { "--" + $0.replacingUnderscores() }.joined(separator: ", ") + ")"
      }
      return (left, spec.help + " [" + notes.joined(separator: ", ") + "]")
    }
      + definition.tensorFamilies.map { family in
        (
          family.displayName,
          family.help + " [by state_dict name, " + (family.hasGradient ? "gets a gradient" : "no gradient") + "]"
        )
      }
  }

  /// The options of a loss as (flag and value, what it does and its default) rows.
  public static func optionRows(_ definition: LossDefinition) -> [(String, String)] {
    var rows = definition.options.map { spec in
      (spec.flag + " " + placeholder(spec.kind), spec.help + defaultNote(spec))
    }
    if definition.acceptsLegacyReduction {
      rows.append(("--size-average, --reduce", "deprecated PyTorch flags, mapped to a reduction (see the notes)"))
    }
    return rows
  }

  /// The teaching notes of a loss, with the one on the deprecated size_average/reduce flags.
  public static func notes(_ definition: LossDefinition) -> [String] {
    var notes = definition.teaching.explanation.notes
    if definition.acceptsLegacyReduction {
      notes.append(
        "Legacy flags: size_average/reduce override reduction: reduce=False → 'none'; otherwise size_average=False → "
          + "'sum', else 'mean' (a missing flag counts as True). PyTorch warns that they are deprecated.")
    } else if !definition.options.contains(where: { $0.declares(.reduction) }) {
      notes.append(
        "\(definition.moduleName) takes no reduction and no size_average/reduce: the loss is always the mean.")
    } else {
      notes.append("\(definition.moduleName) takes no size_average/reduce (deprecated flags); use reduction.")
    }
    return notes
  }

  /// The commands to try next, as (command, what it shows) rows: the end of `explain`.
  public static func tryRows(_ definition: LossDefinition) -> [(String, String)] {
    let name = definition.shortName
    var rows = [
      ("swiftloss \(name) ... --explain", "the computation step by step, with your numbers"),
      ("swiftloss \(name) ... --explain --html", "the same as a lesson page (HTML) with the formula and a plot"),
      ("swiftloss \(name) ... --emit-python", "the same call as a runnable PyTorch script"),
      ("swiftloss \(name) ... --check-grad", "gradients against finite differences"),
      ("swiftloss explain \(name) --html", "this explanation as a lesson page (HTML)"),
    ]
    if definition.teaching.plot != nil {
      rows.append(("swiftloss plot \(name)", "the loss as a curve in the terminal"))
    }
    return rows
  }

  /// An option value as it is typed on the command line and shown as a default: `mean`, `1.0`,
  /// `false`, `-100`, `10,20` (Python spellings only inside Python code).
  public static func optionText(_ value: OptionValue) -> String {
    switch value {
    case .double(let x): return NumberText.python(x)
    case .int(let n): return String(n)
    case .bool(let b): return b ? "true" : "false"
    case .string(let s): return s
    case .ints(let values): return values.isEmpty ? "none (required)" : values.map(String.init).joined(separator: ",")
    }
  }

  /// `nn.MSELoss(reduction='mean')(input, target)` and `F.mse_loss(input, target, reduction='mean')`,
  /// with every option at its default.
  public static func pythonSpellings(_ definition: LossDefinition) -> [String] {
    if let spellings = definition.teaching.explanation.pythonSpellings { return spellings }
    let required = definition.tensors.filter(\.isRequired).map(\.name)
    let optionalTensors = definition.tensors.filter { !$0.isRequired }.map { "\($0.name)=\($0.name)" }
    // Options of the distance function (triplet_margin_with_distance's nn.PairwiseDistance(p, eps))
    // are not keywords of the loss.
    let python = definition.teaching.python
    let keywords = definition.options.filter { !python.isPairwiseDistanceOption($0) }.map {
      "\($0.name)=\(PythonText.keyword($0, $0.defaultValue))"
    }
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
    spec.help.contains("(required)") || spec.help.contains("(default:")
      ? "" : " (default: " + optionText(spec.defaultValue) + ")"
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
    if spec.declares(.distanceFunction), case .string(let word) = value {
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
