import SwiftLoss

/// `--help`, `help LOSS`: everything comes from the registry, so new losses appear on their own.
enum HelpText {
  static func general(width: Int = TextLayout.defaultWidth) -> String {
    let width = max(TextLayout.minimumWidth, width)
    var lines: [String] = []
    func paragraph(_ text: String) { lines += TextLayout.wrap(text, width: width, firstPrefix: "  ", prefix: "  ") }
    lines += TextLayout.wrap(
      "swiftloss \(Invocation.versionNumber): PyTorch's loss functions, their elementwise values and gradients, in float64",
      width: width)
    lines.append("")
    lines.append("usage:")
    lines += TextLayout.columns(
      [
        ("swiftloss LOSS [TENSORS] [OPTIONS]", "compute one loss"),
        ("swiftloss list [--format json]", "every loss: names, aliases, tensors, options"),
        ("swiftloss explain LOSS [--html]", "formula, shapes, options, PyTorch equivalents (--html: a lesson page)"),
        ("swiftloss help [LOSS]", "usage; per-loss usage"),
        ("swiftloss " + plotUsage, "losses as curves of one number (error, margin, ...)"),
        ("swiftloss batch [FILE|-]", "JSON requests in, one JSON result a line out"),
        ("swiftloss completions bash|zsh|fish", "print a shell completion script"),
        ("swiftloss --help | -h | --version", ""),
      ], indent: 2, width: width, maxLeft: 38)
    lines.append("")
    lines.append("tensors:")
    paragraph(
      "Each tensor is a flag named after PyTorch's argument, hyphenated (--input, --target, --weight, --log-probs, ...; "
        + "see 'swiftloss help LOSS'). A value is a file (.csv, .tsv, .txt, .json, .npy), '-' for standard input "
        + "(one tensor at most), or an inline literal: --target '[1, 0, 4]', --target 3, or as Python prints it: "
        + "'tensor([1., 2.])', 'array([1, 2])', 'np.float64(1.5)'. FILE#name or FILE#N picks one CSV column "
        + "(N counted as cut -f counts). CSV as pandas, R and Excel write it: an empty first header field (pandas' "
        + "index) marks a column that is not data; \"quoted\" fields and True/False are read; missing values (empty, "
        + "NA, None, ...) are errors; --decimal , reads 1,5 (the delimiter is then ';'). Archives of named tensors "
        + "(.npz, .safetensors, .pt/.pth from torch.save, read without executing anything): FILE#KEY picks one tensor "
        + "(model.pt#head.weight). Pipes, FIFOs, <(...) and /dev/stdin are read once, like files; a file that changes "
        + "while it is read is an error.")
    lines.append("")
    lines.append("options:")
    paragraph(
      "A loss's options are PyTorch's keyword arguments, hyphenated (--ignore-index N; _ works too). Values: --opt V "
        + "or --opt=V; booleans --full, --full=false, --full false, --no-full. --size-average / --reduce (deprecated) "
        + "where PyTorch accepts them.")
    lines.append("")
    lines.append("teaching (instead of the results of a computation):")
    lines += table(TeachingMode.flags.map { ("--" + $0.name, $0.help) }, indent: 2, width: width)
    lines.append("")
    lines.append("plot options:")
    lines += table(
      PlotRequest.flags.map { ("--" + $0.name + ($0.value.isEmpty ? "" : " " + $0.value), $0.help) }
        + [
          (
            "--OPTION V1,V2,...",
            "a loss option (--delta, --beta, --margin, ...), gaussian_nll's --var or ctc's --frames: one curve per value"
          )
        ],
      indent: 2, width: width)
    lines.append("")
    lines.append("global options:")
    let flags =
      GlobalOptions.flags.map { ("--\($0.name) \($0.value)", $0.help) }
      + [("--help, -h", "usage (with a loss: that loss's usage)"), ("--version", "print the version")]
    lines += table(flags, indent: 2, width: width)
    lines.append("")
    lines.append("losses:")
    lines += table(
      LossRegistry.all.map { definition in
        let names = ([definition.moduleName] + definition.aliases.filter { $0 != definition.functionalName }).joined(
          separator: ", ")
        return ("\(definition.functionalName) (\(names))", definition.summary)
      }, indent: 2, width: width)
    lines.append("")
    lines += TextLayout.wrap(
      "output: the loss, the elementwise loss (reduction='none') and the gradients of every tensor PyTorch "
        + "differentiates; numbers print as the shortest decimal that round-trips. Text for people fits the terminal "
        + "(COLUMNS overrides its width; 80 columns when not a terminal).", width: width)
    lines += TextLayout.wrap(
      "--format csv|tsv prints one tensor (--show loss, elementwise or grad:NAME) for numpy and pandas. "
        + "batch: {\"loss\": \"mse\", \"input\": [...], \"target\": [...], \"reduction\": \"sum\"} a line; "
        + "results in order, the objects --format json prints; bad lines give {\"error\", \"line\"}.", width: width)
    lines += TextLayout.wrap(
      "exit status: 0 success, 1 bad data (file, parse, shape, value), 2 usage error, 3 --expect mismatch.",
      width: width)
    return lines.joined(separator: "\n") + "\n"
  }

  static func loss(_ definition: LossDefinition, width: Int = TextLayout.defaultWidth) -> String {
    let width = max(TextLayout.minimumWidth, width)
    var lines: [String] = []
    lines += TextLayout.wrap(usageLine(definition), width: width, firstPrefix: "usage: ", prefix: "         ")
    lines.append("")
    lines += TextLayout.wrap(
      definition.summary, width: width, firstPrefix: "\(definition.functionalName): ", prefix: "  ")
    let moduleOnly = definition.teaching.explanation.pythonSpellings != nil
    lines += TextLayout.wrap(
      LossRegistry.names(of: definition).joined(separator: ", ") + " (also torch.nn.\(definition.moduleName)"
        + (moduleOnly ? ")" : ", F.\(definition.functionalName))"),
      width: width, firstPrefix: "names: ", prefix: "  ")
    lines.append("")
    lines.append("tensors:")
    lines += table(definition.tensors.map(tensorRow), indent: 2, width: width)
    if !definition.tensorFamilies.isEmpty {
      // A module's parameters, given by state_dict name in --params FILE (or --data FILE).
      lines += TextLayout.wrap(
        "parameters (by state_dict name, in --params FILE or --data FILE; each has a gradient):", width: width)
      lines += table(definition.tensorFamilies.map { ($0.displayName, $0.help) }, indent: 2, width: width)
    }
    lines.append("")
    lines.append("options:")
    var rows = definition.options.map(optionRow)
    if definition.acceptsLegacyReduction {
      rows.append(("--size-average true|false", "deprecated: with --reduce, picks the reduction as PyTorch does"))
      rows.append(("--reduce true|false", "deprecated: false means reduction none"))
    }
    lines += table(rows, indent: 2, width: width)
    lines.append("")
    lines += TextLayout.wrap(
      TeachingMode.flags.map { "--" + $0.name }.joined(separator: ", ")
        + (definition.teaching.plot != nil ? "; swiftloss plot \(definition.shortName)" : "")
        + "; swiftloss explain \(definition.shortName)", width: width, firstPrefix: "teaching: ", prefix: "  ")
    lines += TextLayout.wrap(
      GlobalOptions.flags.map { "--" + $0.name }.joined(separator: ", ") + " (see 'swiftloss --help')",
      width: width, firstPrefix: "global options: ", prefix: "  ")
    return lines.joined(separator: "\n") + "\n"
  }

  /// `plot LOSS... [...]`.
  static let plotUsage = "plot LOSS... [--range A:B] [--derivative] [--svg FILE] [--OPTION V1,V2,...]"

  /// `swiftloss mse_loss --input T --target T [--weight T] [OPTIONS]`.
  static func usageLine(_ definition: LossDefinition) -> String {
    var parts = ["swiftloss", definition.functionalName]
    for spec in definition.tensors {
      parts.append(spec.isRequired ? "\(spec.flag) T" : "[\(spec.flag) T]")
    }
    if !definition.tensorFamilies.isEmpty { parts.append("--params FILE") }
    parts.append("[OPTIONS]")
    return parts.joined(separator: " ")
  }

  static func tensorRow(_ spec: TensorSpec) -> (String, String) {
    var left = "\(spec.flag) T"
    if !spec.aliases.isEmpty {
      left += " (or " + spec.aliases.map { "--" + $0.replacingUnderscores() }.joined(separator: ", ") + ")"
    }
    var notes: [String] = []
    if !spec.isRequired { notes.append("optional") }
    if spec.hasGradient { notes.append("has a gradient") }
    return (left, spec.help + (notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")"))
  }

  static func optionRow(_ spec: OptionSpec) -> (String, String) {
    let saysDefault = spec.help.contains("(required)") || spec.help.contains("(default:")
    return (
      "\(spec.flag) \(placeholder(spec.kind))",
      spec.help + (saysDefault ? "" : " (default: \(cliText(spec.defaultValue)))")
    )
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

  /// An option value as typed on the command line (as `explain` shows defaults too).
  static func cliText(_ value: OptionValue) -> String { Teaching.optionText(value) }

  /// Two aligned columns; a left column too wide puts its text on the next line.
  static func table(_ rows: [(String, String)], indent: Int, width: Int) -> [String] {
    TextLayout.columns(rows, indent: indent, width: width, maxLeft: 34)
  }
}

/// `list --format json` (the text table is the engine's `LossCatalog`).
enum ListText {
  static func json() -> String {
    let losses = LossRegistry.all.map { definition -> String in
      let tensors = definition.tensors.map { spec in
        "{\"name\": \(JSONText.string(spec.name)), \"flag\": \(JSONText.string(spec.flag)), "
          + "\"required\": \(spec.isRequired), \"gradient\": \(spec.hasGradient), "
          + "\"aliases\": [\(spec.aliases.map(JSONText.string).joined(separator: ", "))], "
          + "\"help\": \(JSONText.string(spec.help))}"
      }
      let options = definition.options.map { spec in
        var member = "{\"name\": \(JSONText.string(spec.name)), \"flag\": \(JSONText.string(spec.flag)), "
        switch spec.kind {
        case .double: member += "\"type\": \"float\", "
        case .int: member += "\"type\": \"int\", "
        case .bool: member += "\"type\": \"bool\", "
        case .intList: member += "\"type\": \"int_list\", "
        case .choice(let words):
          member += "\"type\": \"choice\", \"choices\": [\(words.map(JSONText.string).joined(separator: ", "))], "
        }
        return member + "\"default\": \(JSONText.value(spec.defaultValue)), \"help\": \(JSONText.string(spec.help))}"
      }
      // A family is listed once by its pattern (`tail.{I}.0.weight`), given by state_dict name.
      let families = definition.tensorFamilies.map { family in
        "{\"name\": \(JSONText.string(family.displayName)), \"state_dict\": true, "
          + "\"gradient\": \(family.hasGradient), \"help\": \(JSONText.string(family.help))}"
      }
      return "    {\"name\": \(JSONText.string(definition.functionalName)), "
        + "\"module\": \(JSONText.string(definition.moduleName)), "
        + "\"aliases\": [\(definition.aliases.map(JSONText.string).joined(separator: ", "))], "
        + "\"family\": \(JSONText.string(LossCatalog.family(of: definition))), "
        + "\"summary\": \(JSONText.string(definition.summary)),\n"
        + "     \"tensors\": [\((tensors + families).joined(separator: ", "))],\n"
        + "     \"options\": [\(options.joined(separator: ", "))],\n"
        + "     \"legacy_reduction\": \(definition.acceptsLegacyReduction)}"
    }
    return "{\n  \"version\": \(JSONText.string(Invocation.versionNumber)),\n  \"losses\": [\n"
      + losses.joined(separator: ",\n") + "\n  ]\n}\n"
  }
}
