import SwiftLoss

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `--explain`, `--emit-python`, `--check-grad` on a computation: what is printed instead of the
/// results. The work is in the engine's `Teaching` code; this is the command-line side.
enum TeachingMode: String, CaseIterable {
  case explain
  case emitPython = "emit-python"
  case checkGrad = "check-grad"

  static let flags: [(name: String, help: String)] = [
    ("explain", "print the computation step by step with your numbers (at most \(LossTracer.elementLimit) elements)"),
    ("emit-python", "print a runnable PyTorch script making the same call, printing PyTorch's loss and gradients"),
    (
      "check-grad",
      "compare every gradient with central finite differences (at most \(GradientCheck.elementLimit) elements)"
    ),
    ("html", "with --explain: write the lesson page (formula, trace tables, plot, PyTorch code) as one HTML file"),
  ]

  /// Runs the mode on a resolved call.
  func text(request: ComputeRequest, call: LossCall, labels: [String: String], width: Int = TextLayout.defaultWidth)
    throws(CommandError) -> String
  {
    do {
      switch self {
      case .explain:
        let trace = try LossTracer.trace(call)
        guard request.html else { return trace.render(width: width) }
        let python = try python(request, call)
        return LessonPage.render(call.definition, call: LessonPage.Call(trace: trace, call: call, python: python))
      case .checkGrad:
        return try GradientCheck.run(call).render(width: width)
      case .emitPython:
        return try python(request, call)
      }
    } catch {
      throw CommandError.loss(error, of: call.definition, tensors: call.tensors, flags: labels)
    }
  }

  /// The `--emit-python` script of a call.
  private func python(_ request: ComputeRequest, _ call: LossCall) throws(LossError) -> String {
    try PythonEmitter.script(
      call, commandLine: "swiftloss " + request.commandLine.map(Self.shellQuote).joined(separator: " "))
  }

  static func shellQuote(_ word: String) -> String {
    let safe = word.unicodeScalars.allSatisfy { scalar in
      scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_./=:,+@%".unicodeScalars.contains(scalar)
    }
    if safe && !word.isEmpty { return word }
    return "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
  }
}

/// `swiftloss plot LOSS... [--range A:B] [--derivative] [--svg FILE] [--OPTION V1,V2,...]`.
struct PlotRequest {
  var losses: [LossDefinition] = []
  var range: ClosedRange<Double>?
  var derivative = false
  var svg: String?
  /// The whole plot's size in characters (axis labels included); nil: the terminal's.
  var width: Int?
  var height: Int?
  var color = ColorChoice.auto
  var options: [(name: String, values: [OptionValue])] = []
  /// Option flags as given, resolved once every loss is known.
  var pendingOptions: [(name: String, value: String, spelling: String)] = []

  static let flags: [(name: String, value: String, help: String)] = [
    ("range", "A:B", "the horizontal range (default: the loss's natural range, e.g. -3:3 for the error)"),
    ("derivative", "", "also plot the derivative (from the engine's gradient)"),
    ("svg", "FILE", "write a standalone SVG to FILE ('-' for standard output) instead of drawing in the terminal"),
    ("width", "N", "the plot's width in characters, axis labels included (default: the terminal's, else 80)"),
    ("height", "N", "the height of the loss panel in lines (default: to fit the terminal, else 16)"),
    ("color", "auto|always|never", "colour the curves (auto: only on a terminal, never with NO_COLOR or TERM=dumb)"),
  ]

  static func parse(_ arguments: [String]) throws(CommandError) -> PlotRequest {
    var request = PlotRequest()
    var scanner = ArgumentScanner(arguments)
    while let argument = scanner.next() {
      switch argument {
      case .operand(let name):
        request.losses.append(try Invocation.lookupLoss(name))
      case .terminator:
        continue
      case .shortHelp, .flag("help", _, _):
        throw CommandError.usage("usage: " + HelpText.plotUsage)
      case .flag("range", let inline, let spelling):
        let text = try scanner.value(for: spelling, inline: inline)
        do { request.range = try LossPlot.parseRange(text) } catch { throw CommandError.usage(error.description) }
      case .flag("derivative", let inline, _):
        request.derivative = inline.map { ArgumentScanner.boolean($0) ?? true } ?? true
      case .flag("svg", let inline, let spelling):
        request.svg = try scanner.value(for: spelling, inline: inline)
      case .flag(let name, let inline, let spelling) where name == "width" || name == "height":
        let text = try scanner.value(for: spelling, inline: inline)
        guard let value = Int(text), (name == "width" ? 24...400 : 4...200).contains(value) else {
          throw CommandError.usage(
            "invalid value '\(text)' for \(spelling): expected an integer (width 24-400, height 4-200)")
        }
        if name == "width" { request.width = value } else { request.height = value }
      case .flag("color", let inline, let spelling), .flag("colour", let inline, let spelling):
        let text = try scanner.value(for: spelling, inline: inline)
        guard let choice = ColorChoice(rawValue: text.lowercased()) else {
          throw CommandError.usage("invalid value '\(text)' for \(spelling): expected auto, always or never")
        }
        request.color = choice
      case .flag(let name, let inline, let spelling):
        request.pendingOptions.append((name, try scanner.value(for: spelling, inline: inline), spelling))
      }
    }
    guard !request.losses.isEmpty else {
      throw CommandError.usage("plot needs at least one loss, e.g. 'swiftloss plot huber mse l1'")
    }
    let sweeps = request.losses.flatMap { $0.teaching.plot?.sweeps ?? [] }
    for pending in request.pendingOptions {
      if let sweep = sweeps.first(where: { $0.name == pending.name }) {
        // A tensor held fixed in the plot (gaussian_nll's var), swept like a float option.
        let values: [OptionValue]
        do { values = try LossPlot.parseValues(pending.value, for: sweep.spec) } catch {
          throw CommandError.usage(error.description)
        }
        // A tensor's value, not an option's: NaN and infinities would only draw an empty plot.
        if let bad = values.first(where: { if case .double(let x) = $0 { !x.isFinite } else { false } }) {
          throw CommandError.usage("invalid value '\(bad)' for \(pending.spelling): expected a finite number")
        }
        request.options.append((pending.name, values))
        continue
      }
      guard let spec = request.losses.lazy.compactMap({ $0.optionSpec(flagName: pending.name) }).first,
        !spec.declares(.reduction)
      else {
        let options = Set(
          request.losses.flatMap { $0.options.filter { !$0.declares(.reduction) }.map(\.flag) }
            + sweeps.map { "--" + $0.name }
        )
        .sorted()
        throw CommandError.usage(
          "unknown option '\(pending.spelling)' for plot; it takes "
            + (PlotRequest.flags.map { "--" + $0.name } + options).joined(separator: ", "))
      }
      do { request.options.append((spec.name, try LossPlot.parseValues(pending.value, for: spec))) } catch {
        throw CommandError.usage(error.description)
      }
    }
    return request
  }

  func run(io: CommandIO) throws(CommandError) -> String {
    let columns = width ?? io.textWidth
    let data: PlotData
    do {
      data = try LossPlot.evaluate(
        losses, options: options, range: range, points: svg == nil ? 3 * columns : 481, derivative: derivative)
    } catch {
      throw CommandError.usage(error.description)
    }
    guard let svg else {
      let colored = color.enabled(isTerminal: io.standardOutputIsTerminal, environment: io.environment)
      return TerminalPlot.render(
        data, width: columns, height: height ?? Self.height(for: data, terminalRows: io.textHeight), color: colored)
    }
    let document = SVGPlot.render(data)
    if svg == "-" { return document }
    try Self.write(document, to: svg)
    return ""
  }

  /// The loss panel's height that fits the plot (two panels, axes, legend) in the terminal's
  /// rows; 16 when not on a terminal.
  static func height(for data: PlotData, terminalRows: Int?) -> Int {
    guard let rows = terminalRows else { return 16 }
    // Title, x axis and labels, a blank line, the legend; the derivative panel is 3/4 as high.
    let fixed = 4 + data.curves.count + (data.hasDerivative ? 4 : 0) + 1
    let available = rows - fixed
    return max(4, min(40, data.hasDerivative ? available * 4 / 7 : available))
  }

  /// The SVG, written atomically (``AtomicFile``).
  static func write(_ text: String, to path: String) throws(CommandError) {
    try AtomicFile.write(to: path, what: "the SVG") { sink throws(OutputError) in try sink.write(text) }
  }
}

/// `swiftloss completions bash|zsh|fish`.
enum CompletionsCommand {
  static func parse(_ arguments: [String]) throws(CommandError) -> Completions.Shell {
    let words = arguments.filter { $0 != "--" }
    guard words.count == 1, let shell = Completions.Shell(rawValue: words[0].lowercased()) else {
      throw CommandError.usage("usage: swiftloss completions bash|zsh|fish")
    }
    return shell
  }

  static var model: Completions.Model {
    var computeFlags: [Completions.Flag] = GlobalOptions.flags.map { flag in
      let value: Completions.Value
      switch flag.name {
      case "format": value = .words(OutputFormat.allCases.map(\.rawValue))
      case "decimal": value = .words([",", "."])
      case "data", "params", "output": value = .file
      case "dtype": value = .words(["float32", "bfloat16", "float16", "float64"])
      case "show": value = .words(["loss", "elementwise", "grad", "loss,elementwise", "loss,grad", "grad:input"])
      default: value = .text
      }
      return Completions.Flag("--" + flag.name, value, flag.help)
    }
    computeFlags += TeachingMode.flags.map { Completions.Flag("--" + $0.name, .none, $0.help) }
    let plotFlags = PlotRequest.flags.map { flag -> Completions.Flag in
      let value: Completions.Value
      switch flag.name {
      case "derivative": value = .none
      case "svg": value = .file
      case "color": value = .words(ColorChoice.allCases.map(\.rawValue))
      default: value = .text
      }
      return Completions.Flag("--" + flag.name, value, flag.help)
    }
    return Completions.Model(
      subcommands: [
        ("list", "every loss: names, aliases, tensors, summary"),
        ("explain", "formula, shapes, options, PyTorch equivalents, notes"),
        ("help", "usage; per-loss usage"), ("plot", "losses as curves of one number (error, margin, ...)"),
        ("batch", "one JSON request a line in, one JSON result a line out"),
        ("completions", "print a shell completion script"),
      ],
      computeFlags: computeFlags, plotFlags: plotFlags)
  }
}
