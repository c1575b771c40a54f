import Foundation
import Testing

@testable import SwiftLoss
@testable import SwiftLossCLI

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Issue 18, the classroom: text that fits the terminal, characters every monospace and console
/// font has, plots that show every curve, and the lesson page (checked by an XML parser here and
/// by a real browser when one is installed).
@Suite struct ClassroomTests {
  typealias Run = TeachingCLITests.Run
  static func run(_ arguments: [String], columns: Int? = nil, environment: [String: String] = [:]) -> Run {
    var environment = environment
    if let columns { environment["COLUMNS"] = String(columns) }
    return TeachingCLITests.run(arguments, environment: environment)
  }

  /// Small real calls for --explain and --check-grad, one per kind of trace.
  static let calls: [[String]] = [
    [
      "mse", "--input", "[[0.5, -1.2], [2.0, 0.3]]", "--target", "[[0, -1], [3.5, 0.3]]", "--weight",
      "[[1, 2], [0.5, 1]]",
    ],
    ["huber", "--input", "[0.5, -1.2, 2.0]", "--target", "[0, -1, 3.5]", "--delta", "0.7"],
    [
      "ce", "--input", "[[1, 2, 0.5, -1], [0.1, 0.2, 0.3, 0.4], [3, -2, 0, 1.5]]", "--target", "[1, 0, 3]",
      "--label-smoothing", "0.2",
    ],
    ["ce", "--input", "[[1, 2, 0.5], [0.1, 0.2, 0.3]]", "--target", "[[0.2, 0.5, 0.3], [0, 1, 0]]"],
    ["nll", "--input", "[[-1.2, -0.4, -2.0], [-0.3, -1.5, -2.2]]", "--target", "[0, 2]"],
    ["bce", "--input", "[0.2, 0.9, 0.5]", "--target", "[0, 1, 1]"],
    ["bce_with_logits", "--input", "[-1.5, 0.3, 2.0]", "--target", "[0, 1, 1]", "--pos-weight", "[2]"],
    ["kl_div", "--input", "[[-1.2, -0.4, -2.0]]", "--target", "[[0.2, 0.5, 0.3]]", "--reduction", "batchmean"],
    ["poisson_nll", "--input", "[0.5, 1.0, -0.3]", "--target", "[1, 3, 0]"],
    ["gaussian_nll", "--input", "[0.5, 1.0]", "--target", "[0, 2]", "--var", "[0.5, 2]"],
    ["margin_ranking", "--input1", "[0.5, -0.2]", "--input2", "[0.1, 0.3]", "--target", "[1, -1]"],
    ["hinge_embedding", "--input", "[0.3, 1.5, 0.8]", "--target", "[1, -1, -1]"],
    ["multi_margin", "--input", "[[0.5, -1, 2], [0, 1, -3]]", "--target", "[2, 0]"],
    ["multilabel_margin", "--input", "[[0.1, 0.2, 0.4, 0.8]]", "--target", "[[3, 0, -1, 1]]"],
    ["cosine_embedding", "--input1", "[[1, 2, 3]]", "--input2", "[[0.5, 2, 2]]", "--target", "[-1]"],
    ["triplet_margin", "--anchor", "[[1, 2, 3]]", "--positive", "[[0.5, 2, 2]]", "--negative", "[[1, 1, 3]]"],
    [
      "ctc", "--log-probs", "[[[-1.2, -0.9, -1.3]], [[-1.0, -1.1, -1.2]], [[-0.7, -1.6, -1.1]]]", "--targets",
      "[[1, 2]]",
      "--input-lengths", "[3]", "--target-lengths", "[2]",
    ],
  ]

  /// Every text for people: --help, help LOSS, list, explain LOSS, --explain, --check-grad, plot.
  static var textCommands: [[String]] {
    var commands: [[String]] = [["--help"], ["list"]]
    for definition in LossRegistry.all {
      commands.append(["help", definition.shortName])
      commands.append(["explain", definition.shortName])
    }
    for call in calls {
      commands.append(call + ["--explain"])
      commands.append(call + ["--check-grad"])
    }
    commands += [
      ["plot", "huber", "smooth_l1", "mse", "l1", "--color", "never"],
      ["plot", "huber", "--derivative", "--color", "never"],
      ["plot", "gaussian_nll", "--var", "0.5,1,2", "--derivative"],
      ["plot", "poisson_nll", "--log-input", "true,false"],
      ["plot", "ce", "--label-smoothing", "0,0.1,0.3"], ["plot", "bce"],
      ["plot", "hinge_embedding", "--margin", "0.5,1,2"],
      ["plot", "ctc", "--frames", "1,3,10"],
    ]
    return commands
  }

  /// A line longer than the width must be one unbreakable token (after its indent).
  static func overlong(_ text: String, width: Int) -> [String] {
    text.split(separator: "\n").map(String.init).filter { line in
      line.count > width && line.split(whereSeparator: { $0 == " " }).count > 1
    }
  }

  @Test(arguments: [40, 80, 200])
  func everyTextFitsTheWidth(columns: Int) {
    for command in Self.textCommands {
      let run = Self.run(command, columns: columns)
      #expect(run.status == 0, "\(command): \(run.err)")
      #expect(!run.out.isEmpty)
      let lines = Self.overlong(run.out, width: columns)
      #expect(
        lines.isEmpty, "\(command.joined(separator: " ")) at \(columns) columns:\n\(lines.joined(separator: "\n"))")
    }
  }

  @Test func wideTextUsesTheRoomAndNarrowTablesBecomeLists() {
    // At 200 columns nothing is wrapped that fits (the notes of explain ce are long paragraphs).
    let wide = Self.run(["explain", "ce"], columns: 200).out
    #expect(wide.split(separator: "\n").contains { $0.count > 120 })
    // A trace table too wide for 40 columns is listed one row a line with its headers.
    let narrow = Self.run(Self.calls[0] + ["--explain"], columns: 40).out
    #expect(narrow.contains("[0, 0]: input = 0.5"), "\(narrow)")
    let normal = Self.run(Self.calls[0] + ["--explain"], columns: 80).out
    #expect(!normal.contains("[0, 0]: input = 0.5"))
  }

  @Test func widthComesFromColumnsThenTheTerminalThenEighty() {
    func io(_ environment: [String: String], terminal: Bool, size: TerminalSize?) -> CommandIO {
      CommandIO(
        readStandardInput: { () throws(InputError) in [] }, standardOutput: OutputSink { _ throws(OutputError) in },
        standardError: OutputSink { _ throws(OutputError) in }, environment: environment,
        standardOutputIsTerminal: terminal,
        terminalSize: size)
    }
    #expect(io([:], terminal: false, size: nil).textWidth == 80)
    #expect(io([:], terminal: false, size: TerminalSize(columns: 100, rows: 30)).textWidth == 80)
    #expect(io([:], terminal: true, size: TerminalSize(columns: 100, rows: 30)).textWidth == 100)
    #expect(io(["COLUMNS": "60"], terminal: true, size: TerminalSize(columns: 100, rows: 30)).textWidth == 60)
    #expect(io(["COLUMNS": "junk"], terminal: false, size: nil).textWidth == 80)
    #expect(Platform.variablesRead.contains("COLUMNS"))
  }

  @Test func onlyCharactersEveryFontHas() {
    var seen: [Character: String] = [:]
    for command in Self.textCommands {
      for columns in [40, 200] {
        for character in Self.run(command, columns: columns).out where !TextLayout.isAllowed(character) {
          seen[character] = command.joined(separator: " ")
        }
      }
    }
    let report = seen.map {
      "U+\(String($0.key.unicodeScalars.first!.value, radix: 16, uppercase: true)) '\($0.key)' in \($0.value)"
    }
    #expect(seen.isEmpty, "\(report.sorted().joined(separator: "\n"))")
    // The allow-list itself holds no subscript, no ℓ, no braille (none is in the console fonts).
    for forbidden: Character in ["\u{A700}", "ₙ", "ᵢ", "ℓ", "∂", "\u{2801}"] {
      #expect(!TextLayout.isAllowed(forbidden))
    }
  }

  @Test func textFromElsewhereIsMadeFontSafe() {
    #expect(
      TextLayout.fontSafe("ℓₙ = −w[yₙ]·xₙ,yₙ; ∂ℓᵢ/∂xᵢ; Σ\u{A700} w\u{A700}; t′")
        == "l_n = −w[y_n]·x_n,y_n; dl_i/dx_i; Σ_c w_c; t'")
    #expect(TextLayout.fontSafe("plain ascii") == "plain ascii")
    #expect(TextLayout.fontSafe("lsₙ\u{A700}").allSatisfy(TextLayout.isAllowed))
  }

  @Test func polish() {
    let ce = Self.run(["explain", "ce"]).out
    let names = ce.split(separator: "\n").first { $0.contains("names:") } ?? ""
    #expect(names.components(separatedBy: "cross_entropy").count == 2, "\(names)")
    // Defaults as typed on the command line, everywhere: mean, false, -100, 0.0.
    for command in [["explain", "ce"], ["help", "ce"], ["explain", "poisson_nll"], ["help", "poisson_nll"]] {
      let out = Self.run(command, columns: 200).out
      #expect(
        !out.contains("(default: '") && !out.contains("(default: True") && !out.contains("(default: False"),
        "\(command)")
    }
    #expect(Self.run(["help", "ce"], columns: 200).out.contains("(default: mean)"))
    #expect(Self.run(["explain", "poisson_nll"], columns: 200).out.contains("(default: true)"))
  }

  // MARK: - Plots

  @Test(arguments: [false, true])
  func everyCurveIsInTheGrid(color: Bool) {
    let run = Self.run([
      "plot", "huber", "smooth_l1", "mse", "l1", "--color", color ? "always" : "never", "--width", "60",
    ])
    #expect(run.status == 0)
    let lines = run.out.split(separator: "\n", omittingEmptySubsequences: false)
    let grid = lines.filter { $0.contains("┤") || $0.contains("│") }.joined(separator: "\n")
    // huber and smooth_l1 coincide (delta = beta = 1): the legend says so; every other curve shows.
    #expect(run.out.contains("smooth_l1 (the same curve as huber here)"), "\(run.out)")
    for (index, _) in ["huber", "smooth_l1", "mse", "l1"].enumerated() where index != 1 {
      if color {
        #expect(grid.contains("\u{1B}[\(TerminalPlot.palette[index])m"), "curve \(index)")
      } else {
        #expect(grid.contains(TerminalPlot.marker(index)), "curve \(index):\n\(grid)")
      }
    }
    #expect(lines.allSatisfy { $0.count <= 60 || color })
  }

  /// The cells of a terminal plot's panels (loss, then derivative), without the axis and labels.
  static func panels(_ text: String) -> [[Substring]] {
    var panels: [[Substring]] = [[]]
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("derivative") { panels.append([]) }
      guard let axis = line.firstIndex(where: { $0 == "│" || $0 == "┤" }) else { continue }
      panels[panels.count - 1].append(line[line.index(after: axis)...])
    }
    return panels
  }

  @Test func everyLossIsPlottedWithItsDerivativeInTheGrid() {
    for definition in LossRegistry.all {
      let run = Self.run([
        "plot", definition.shortName, "--derivative", "--color", "never", "--width", "70", "--height", "10",
      ])
      #expect(run.status == 0, "\(definition.shortName): \(run.err)")
      let panels = Self.panels(run.out)
      #expect(panels.count == 2, "\(definition.shortName):\n\(run.out)")
      // The curve crosses the whole width in both panels: nearly every column holds a stroke.
      for (index, panel) in panels.enumerated() {
        let width = panel.map(\.count).max() ?? 0
        let drawn = (0..<width).filter { column in
          panel.contains { row in
            column < row.count && "¯-_│".contains(row[row.index(row.startIndex, offsetBy: column)])
          }
        }
        #expect(width > 0 && drawn.count >= width * 9 / 10, "\(definition.shortName), panel \(index):\n\(run.out)")
      }
    }
    // Sweeps of the new probes: one curve each, each in the grid.
    for command in [
      ["plot", "kl_div", "--target", "0.25,0.5,1"], ["plot", "triplet_margin", "--margin", "0.5,1,2"],
      ["plot", "cosine_embedding", "--margin", "-0.5,0,0.5"], ["plot", "nll", "kl_div", "--target", "0.5"],
    ] {
      let run = Self.run(command + ["--color", "never", "--width", "70"])
      #expect(run.status == 0, "\(command): \(run.err)")
      let grid = Self.panels(run.out).joined().joined(separator: "\n")
      let count = run.out.split(separator: "\n").filter { $0.contains("] ") && $0.hasPrefix("  [") }.count
      #expect(count == (command[1] == "nll" ? 2 : 3), "\(command):\n\(run.out)")
      for index in 0..<count {
        #expect(grid.contains(TerminalPlot.marker(index)), "\(command), curve \(index):\n\(run.out)")
      }
    }
  }

  @Test func aSingleCurveWithoutColourHasNoMarks() {
    let out = Self.run(["plot", "huber", "--color", "never"]).out
    let grid = out.split(separator: "\n").filter { $0.contains("│") || $0.contains("┤") }.map {
      $0.drop { $0 != "│" && $0 != "┤" }
    }
    #expect(!grid.joined().contains("1"), "\(out)")
    #expect(out.contains("── huber"))
  }

  @Test func sweeps() {
    let gaussian = Self.run(["plot", "gaussian_nll", "--var", "0.5,1,2", "--color", "never"])
    #expect(gaussian.status == 0, "\(gaussian.err)")
    for v in ["var=0.5", "var=1", "var=2"] { #expect(gaussian.out.contains("gaussian_nll (\(v))")) }
    let poisson = Self.run([
      "plot", "poisson_nll", "--log-input", "true,false", "--full", "false,true", "--color", "never",
    ])
    #expect(poisson.status == 0, "\(poisson.err)")
    #expect(poisson.out.contains("poisson_nll (log_input=false, full=true)"))
    let ce = Self.run(["plot", "ce", "--label-smoothing", "0,0.1,0.3", "--color", "never"])
    #expect(ce.status == 0 && ce.out.contains("label_smoothing=0.3"))
    // CTC over the blank probability, one curve per number of frames; the engine's value against
    // the closed form: the label in one run of k of T frames, −log Σ_k (T − k + 1)(1 − b)^k b^(T − k).
    let ctc = Self.run(["plot", "ctc", "--frames", "1,3,10", "--color", "never"])
    #expect(ctc.status == 0 && ctc.out.contains("ctc (frames=10)"), "\(ctc.err)")
    let ctcData = try? LossPlot.evaluate(
      [LossRegistry.lookup("ctc")!], options: [("frames", [.double(3)])], range: 0.25...0.75, points: 3)
    let b = 0.5
    var probability = 0.0
    for k in 1...3 {
      let runs = Double(3 - k + 1)
      probability += runs * pow(1 - b, Double(k)) * pow(b, Double(3 - k))
    }
    let closed = -log(probability)
    #expect(abs((ctcData?.curves[0].ys[1] ?? 0) - closed) < 1e-12)
    // The curves are the engine's: gaussian_nll at x − y = 2 with var 2 is 0.5·(log 2 + 4/2).
    let data = try? LossPlot.evaluate(
      [LossRegistry.lookup("gaussian_nll")!], options: [("var", [.double(2)])], range: -2...2, points: 5)
    #expect(abs((data?.curves[0].ys[4] ?? 0) - 0.5 * (log(2.0) + 2)) < 1e-12)
  }

  @Test func widthAndHeightFollowTheTerminal() {
    let out = Self.run(["plot", "mse", "--color", "never"], columns: 50).out
    #expect(out.split(separator: "\n").allSatisfy { $0.count <= 50 })
    #expect(out.split(separator: "\n").contains { $0.count >= 45 })
    let sized = Self.run(["plot", "mse", "--color", "never", "--width", "100", "--height", "8"]).out
    #expect(sized.split(separator: "\n").filter { $0.contains("│") || $0.contains("┤") }.count == 8)
    #expect(sized.split(separator: "\n").contains { $0.count == 100 || $0.count == 99 })
  }

  // MARK: - The lesson page

  static func pages() -> [(name: String, html: String)] {
    var pages: [(String, String)] = LossRegistry.all.map {
      ("explain-" + $0.shortName, run(["explain", $0.shortName, "--html"]).out)
    }
    for call in calls { pages.append(("call-" + call[0], run(call + ["--explain", "--html"]).out)) }
    return pages
  }

  final class XMLErrors: NSObject, XMLParserDelegate, @unchecked Sendable {
    var errors: [String] = []
    var elements: [String: Int] = [:]
    var links: [String] = []
    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { errors.append("\(parseError)") }
    func parser(
      _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
      attributes: [String: String] = [:]
    ) {
      elements[elementName, default: 0] += 1
      for key in ["src", "href"] { if let value = attributes[key], !value.hasPrefix("#") { links.append(value) } }
    }
  }

  @Test func lessonPagesAreWellFormedSelfContainedAndComplete() {
    for (name, html) in Self.pages() {
      #expect(html.hasPrefix("<!DOCTYPE html>"), "\(name)")
      let delegate = XMLErrors()
      let parser = XMLParser(data: Data(html.utf8))
      parser.delegate = delegate
      #expect(parser.parse(), "\(name): \(delegate.errors)")
      #expect(delegate.errors.isEmpty, "\(name)")
      #expect(delegate.links.isEmpty, "\(name) loads \(delegate.links)")
      #expect(delegate.elements["script"] == nil)
      #expect((delegate.elements["math"] ?? 0) > 0, "\(name): no MathML")
      #expect(html.contains("prefers-color-scheme: dark") && html.contains("@media print"))
      if name.hasPrefix("call-") {
        #expect((delegate.elements["table"] ?? 0) >= 2 && (delegate.elements["h3"] ?? 0) >= 2, "\(name): the trace")
        #expect(html.contains("import torch"), "\(name): the PyTorch script")
      }
    }
    // Every loss's page plots the loss and its derivative (two panels, a curve in each).
    for (name, html) in Self.pages() {
      #expect(html.contains("<section id=\"plot\">") && html.contains("plot-area-1"), "\(name): no derivative panel")
      #expect(html.components(separatedBy: "<path d=\"M").count - 1 >= 2, "\(name): a panel without its curve")
    }
    // A plottable call marks its elements on the plot of the loss and of its derivative.
    let mse = Self.run(Self.calls[0] + ["--explain", "--html"]).out
    #expect(mse.components(separatedBy: "<circle").count - 1 >= 2 * 4 + 1)
    #expect(mse.contains("<svg") && mse.contains("your elements"))
  }

  @Test func htmlGoesWithExplainOnly() {
    let run = Self.run(["mse", "--input", "[1]", "--target", "[0]", "--html"])
    #expect(run.status == 2 && run.out.isEmpty && run.err.contains("--html goes with --explain"))
  }
}
