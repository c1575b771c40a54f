import SwiftLoss

/// What the command line asks for.
enum Invocation {
  case compute(ComputeRequest)
  case list(OutputFormat)
  /// `explain LOSS [--html]`.
  case explain(LossDefinition, html: Bool)
  case help(LossDefinition?)
  case plot(PlotRequest)
  case completions(Completions.Shell)
  case batch(BatchCommand)
  case version

  static let versionNumber = "0.1.0"

  /// Reads argv (without the program name). Global flags may come before the command
  /// (`swiftloss --format json mse ...`) or anywhere after it.
  static func parse(_ arguments: [String]) throws(CommandError) -> Invocation {
    // Skip leading global flags to find the command.
    var index = 0
    while index < arguments.count, arguments[index].hasPrefix("--") || arguments[index] == "-o" {
      if arguments[index] == "-o" {
        index += 2
        continue
      }
      let body = arguments[index].dropFirst(2)
      let name = ArgumentScanner.normalize(String(body.prefix { $0 != "=" }))
      guard GlobalOptions.isGlobal(name) else { break }
      index += body.contains("=") ? 1 : 2
    }
    guard index < arguments.count else {
      if arguments.isEmpty {
        throw CommandError.usage("no loss given; usage: swiftloss LOSS [TENSORS] [OPTIONS] (see 'swiftloss --help')")
      }
      throw CommandError.usage("no loss given after the options (see 'swiftloss --help')")
    }
    let command = arguments[index]
    let rest = Array(arguments[..<index]) + Array(arguments[(index + 1)...])
    switch command {
    case "--help", "-h":
      return .help(nil)
    case "--version":
      return .version
    case "help":
      return .help(try parseLossOperand(rest, command: "help", required: false).definition)
    case "explain":
      let (definition, html) = try parseLossOperand(rest, command: "explain", required: true, takesHTML: true)
      guard let definition else {
        throw CommandError.usage("explain needs a loss name, e.g. 'swiftloss explain mse'")
      }
      return .explain(definition, html: html)
    case "list":
      return .list(try parseList(rest))
    case "plot":
      return .plot(try PlotRequest.parse(rest))
    case "completions":
      return .completions(try CompletionsCommand.parse(rest))
    case "batch":
      return .batch(try BatchCommand.parse(rest))
    default:
      if command.hasPrefix("-") && command != "-" {
        throw CommandError.usage("unknown option '\(command)'; the loss name comes first (see 'swiftloss --help')")
      }
      let definition = try lookupLoss(command)
      return try ComputeRequest.parse(
        definition: definition, arguments: rest, commandLine: arguments, lossName: command)
    }
  }

  /// A loss by any of its names, or a usage error suggesting the nearest names.
  static func lookupLoss(_ name: String) throws(CommandError) -> LossDefinition {
    if let definition = LossRegistry.lookup(name) { return definition }
    // Another library's name (`log_loss`, `categorical_crossentropy`): the PyTorch loss, never an alias.
    if let foreign = ForeignLossNames.lookup(name) {
      throw CommandError.usage("unknown loss '\(name)'" + foreign.explanation)
    }
    let suggestions = LossRegistry.suggestions(for: name)
    if suggestions.isEmpty {
      throw CommandError.usage("unknown loss '\(name)' (see 'swiftloss list')")
    }
    throw CommandError.usage("unknown loss '\(name)'; did you mean \(Suggestions.phrase(suggestions))?")
  }

  /// `help [LOSS]`, `explain LOSS [--html]`: one optional loss operand and nothing else.
  private static func parseLossOperand(_ arguments: [String], command: String, required: Bool, takesHTML: Bool = false)
    throws(CommandError) -> (definition: LossDefinition?, html: Bool)
  {
    var scanner = ArgumentScanner(arguments)
    var definition: LossDefinition?
    var html = false
    while let argument = scanner.next() {
      switch argument {
      case .operand(let name):
        guard definition == nil else { throw CommandError.usage("unexpected argument '\(name)' for \(command)") }
        definition = try lookupLoss(name)
      case .shortHelp, .flag("help", _, _):
        continue
      case .terminator:
        continue
      case .flag("html", let inline, _) where takesHTML:
        html = inline.map { ArgumentScanner.boolean($0) ?? true } ?? true
      case .flag(_, _, let spelling):
        throw CommandError.usage("unknown option '\(spelling)' for \(command)" + (takesHTML ? "; it takes --html" : ""))
      }
    }
    return (definition, html)
  }

  /// `list [--format text|json]`.
  private static func parseList(_ arguments: [String]) throws(CommandError) -> OutputFormat {
    var scanner = ArgumentScanner(arguments)
    var global = GlobalOptions()
    while let argument = scanner.next() {
      switch argument {
      case .flag("format", let inline, let spelling):
        try global.set("format", value: try scanner.value(for: spelling, inline: inline), spelling: spelling)
      case .flag(_, _, let spelling):
        throw CommandError.usage("unknown option '\(spelling)' for list; it takes --format text|json")
      case .operand(let text):
        throw CommandError.usage("unexpected argument '\(text)' for list")
      case .shortHelp, .terminator:
        continue
      }
    }
    guard global.format == .text || global.format == .json else {
      throw CommandError.usage("list prints text or json, not \(global.format.rawValue)")
    }
    return global.format
  }
}

/// One loss computation, as the command line gives it (nothing read yet).
struct ComputeRequest {
  var definition: LossDefinition
  /// Tensor flag values by PyTorch tensor name, with the flag as typed.
  var tensorArguments: [String: (value: String, flag: String)] = [:]
  /// Options given, by PyTorch keyword.
  var options: [String: OptionValue] = [:]
  /// The deprecated `size_average` / `reduce` arguments, when given.
  var sizeAverage: Bool?
  var reduce: Bool?
  var global = GlobalOptions()
  /// `--explain`, `--emit-python` or `--check-grad`: print that instead of the results.
  var teaching: TeachingMode?
  /// `--html` (with `--explain`): the trace as a lesson page.
  var html = false
  /// The arguments as given (for the comment at the top of `--emit-python`).
  var commandLine: [String] = []
  /// The loss name as typed (`KLDivLoss`, `F.kl_div`): a module spelling follows the module.
  var lossName = ""

  init(definition: LossDefinition) {
    self.definition = definition
  }

  /// Whether the loss was typed as its module (`nn.KLDivLoss`): where module and functional treat
  /// legacy flags differently, the module spelling follows the module.
  var spelledAsModule: Bool { LossRegistry.isModuleSpelling(lossName, of: definition) }

  /// Parses the flags after the loss name; `--help` anywhere gives the loss's help.
  static func parse(
    definition: LossDefinition, arguments: [String], commandLine: [String] = [], lossName: String? = nil
  ) throws(CommandError) -> Invocation {
    var request = ComputeRequest(definition: definition)
    request.commandLine = commandLine
    request.lossName = lossName ?? commandLine.first ?? definition.functionalName
    var scanner = ArgumentScanner(arguments)
    let loss = definition.shortName
    while let argument = scanner.next() {
      switch argument {
      case .shortHelp, .flag("help", _, _):
        return .help(definition)
      case .terminator:
        continue
      case .operand(let text):
        throw CommandError.usage(
          "unexpected argument '\(text)'; tensors are given with flags such as \(definition.tensors.first?.flag ?? "--input") FILE",
          loss: loss)
      case .flag(let name, let inline, let spelling):
        try request.apply(name: name, inline: inline, spelling: spelling, scanner: &scanner)
      }
    }
    try request.global.checkOutputSelection(loss: loss, teaching: request.teaching != nil)
    return .compute(request)
  }

  private mutating func apply(name: String, inline: String?, spelling: String, scanner: inout ArgumentScanner)
    throws(CommandError)
  {
    let loss = definition.shortName
    if name == "html" {
      html = inline.map { ArgumentScanner.boolean($0) ?? true } ?? true
      return
    }
    if let mode = TeachingMode(rawValue: name) {
      if let inline, ArgumentScanner.boolean(inline) == false { return }
      if let other = teaching, other != mode {
        throw CommandError.usage(
          "--\(other.rawValue) and --\(mode.rawValue) cannot be combined; choose one", loss: loss)
      }
      teaching = mode
      return
    }
    if GlobalOptions.isGlobal(name) {
      try global.set(name, value: try scanner.value(for: spelling, inline: inline), spelling: spelling)
      return
    }
    if let spec = definition.tensorSpec(flagName: name) {
      let value = try scanner.value(for: spelling, inline: inline)
      if let earlier = tensorArguments[spec.name] {
        throw CommandError.usage("\(spec.name) given twice (\(earlier.flag) and \(spelling))", loss: loss)
      }
      tensorArguments[spec.name] = (value, spelling)
      return
    }
    if let spec = definition.optionSpec(flagName: name) {
      if spec.kind == .bool {
        options[spec.name] = .bool(try Self.boolean(inline: inline, spelling: spelling, scanner: &scanner))
      } else {
        options[spec.name] = try OptionParsing.value(try scanner.value(for: spelling, inline: inline), for: spec)
      }
      return
    }
    if name.hasPrefix("no-"), let spec = definition.optionSpec(flagName: String(name.dropFirst(3))), spec.kind == .bool
    {
      guard inline == nil else { throw CommandError.usage("\(spelling) takes no value", loss: loss) }
      options[spec.name] = .bool(false)
      return
    }
    let legacyName = name.hasPrefix("no-") ? String(name.dropFirst(3)) : name
    if legacyName == "size-average" || legacyName == "reduce" {
      guard definition.acceptsLegacyReduction else {
        throw CommandError.usage(
          "\(definition.functionalName) does not take --\(legacyName) (PyTorch's \(definition.moduleName) has no size_average/reduce); use --reduction",
          loss: loss)
      }
      let value: Bool
      if legacyName != name {
        guard inline == nil else { throw CommandError.usage("\(spelling) takes no value", loss: loss) }
        value = false
      } else {
        value = try Self.boolean(inline: inline, spelling: spelling, scanner: &scanner)
      }
      if legacyName == "size-average" { sizeAverage = value } else { reduce = value }
      return
    }
    throw Suggestions.unknownFlag(spelling: spelling, name: name, definition: definition)
  }

  /// `--full`, `--full=false`, `--full false`.
  private static func boolean(inline: String?, spelling: String, scanner: inout ArgumentScanner) throws(CommandError)
    -> Bool
  {
    if let inline {
      guard let value = ArgumentScanner.boolean(inline) else {
        throw CommandError.usage("invalid value '\(inline)' for \(spelling): expected true or false")
      }
      return value
    }
    return scanner.optionalBooleanWord() ?? true
  }
}

extension LossDefinition {
  /// The tensor a flag (without dashes, normalised) or a `--data`/`--shape` key names: its PyTorch
  /// name or an alias, with `-` or `_`.
  /// A parameter of a ``TensorFamily`` is named exactly by its `state_dict` key (`head.weight`).
  func tensorSpec(flagName name: String) -> TensorSpec? {
    let key = name.replacingUnderscores()
    let fixed = tensors.first { spec in
      spec.name.replacingUnderscores() == key || spec.aliases.contains { $0.replacingUnderscores() == key }
    }
    return fixed ?? tensorFamilies.first { $0.contains(name) }.flatMap { _ in tensorSpec(name) }
  }

  /// The option a flag (without dashes, normalised) names.
  func optionSpec(flagName name: String) -> OptionSpec? {
    let key = name.replacingUnderscores()
    return options.first { $0.name.replacingUnderscores() == key }
  }

  /// Every flag this loss takes, for messages: tensors, then options.
  var flagList: [String] {
    tensors.map(\.flag) + options.map(\.flag)
  }
}
