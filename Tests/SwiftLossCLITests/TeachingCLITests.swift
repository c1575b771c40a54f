import Foundation
import Testing

@testable import SwiftLoss
@testable import SwiftLossCLI

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The teaching features through the command line: explain, list, --explain, --emit-python,
/// --check-grad, plot, completions.
@Suite struct TeachingCLITests {
  final class Capture: @unchecked Sendable {
    var out: [UInt8] = []
    var err: [UInt8] = []
  }

  struct Run {
    var status: Int32
    var out: String
    var err: String
  }

  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static func run(_ arguments: [String], environment: [String: String] = [:], terminal: Bool = false) -> Run {
    let capture = Capture()
    let io = CommandIO(
      readStandardInput: { () throws(InputError) in [] },
      standardOutput: OutputSink { bytes throws(OutputError) in capture.out += bytes },
      standardError: OutputSink { bytes throws(OutputError) in capture.err += bytes },
      environment: environment, standardOutputIsTerminal: terminal)
    let status = SwiftLossCommand.run(arguments: arguments, io: io)
    return Run(
      status: status, out: String(decoding: capture.out, as: UTF8.self),
      err: String(decoding: capture.err, as: UTF8.self))
  }

  @Test func explainEveryLoss() {
    for definition in LossRegistry.all {
      let run = Self.run(["explain", definition.shortName])
      #expect(run.status == 0 && run.err.isEmpty)
      let moduleOnly = !definition.tensorFamilies.isEmpty  // AdaptiveLogSoftmaxWithLoss: no functional form
      #expect(run.out.contains("formula:"))
      #expect(run.out.contains(moduleOnly ? "no functional form" : "torch.nn.functional.\(definition.functionalName)("))
    }
  }

  @Test func listIsCompleteInTextAndJSON() throws {
    let text = Self.run(["list"], environment: ["COLUMNS": "1000"])
    #expect(text.status == 0)
    for definition in LossRegistry.all {
      #expect(text.out.contains(definition.functionalName) && text.out.contains(definition.summary))
      for alias in definition.aliases { #expect(text.out.contains(alias)) }
    }
    let json = Self.run(["list", "--format", "json"])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
    #expect((object["losses"] as? [Any])?.count == LossRegistry.all.count)
  }

  @Test func explainFlagTracesTheComputation() {
    let run = Self.run([
      "mse", "--input", "[[2.5, 0.0], [3.0, 2.0]]", "--target", "[[3.0, -0.5], [1.0, 2.5]]", "--explain",
    ])
    #expect(run.status == 0)
    #expect(run.out.contains("per element") && run.out.contains("mean = Σ l / n = 4.75 / 4 = 1.1875"))
    let ce = Self.run(["ce", "--input", "[[1, 2, 0.5], [0.1, 0.2, 0.3]]", "--target", "[1, 2]", "--explain"])
    #expect(ce.status == 0 && ce.out.contains("log-sum-exp") && ce.out.contains("log_softmax"))
  }

  @Test func explainFlagRefusesLargeInputs() {
    let values = "[" + (0..<150).map(String.init).joined(separator: ", ") + "]"
    let run = Self.run(["mse", "--input", values, "--target", values, "--explain"])
    #expect(run.status == 2 && run.out.isEmpty)
    #expect(
      run.err.hasPrefix("swiftloss: error: --explain traces small inputs only") && run.err.contains("--show loss"))
  }

  @Test func teachingFlagsAreTextOnlyAndExclusive() {
    let json = Self.run(["mse", "--input", "[1]", "--target", "[2]", "--explain", "--format", "json"])
    #expect(json.status == 2 && json.err.contains("cannot be combined with --format json"))
    let both = Self.run(["mse", "--input", "[1]", "--target", "[2]", "--explain", "--check-grad"])
    #expect(both.status == 2 && both.err.contains("cannot be combined"))
  }

  @Test func emitPythonIsAValidScriptWithTheExactTensors() throws {
    let run = Self.run([
      "ce", "--input", "[[0.1, 0.2, 0.30000000000000004]]", "--target", "[2]", "--weight", "[1, 2, 3]",
      "--label-smoothing", "0.1", "--size-average", "false",
    ])
    #expect(run.status == 0)
    let script = Self.run([
      "ce", "--input", "[[0.1, 0.2, 0.30000000000000004]]", "--target", "[2]", "--weight", "[1, 2, 3]",
      "--label-smoothing", "0.1", "--size-average", "false", "--emit-python",
    ])
    #expect(script.status == 0)
    #expect(
      script.out.contains(
        "input = torch.tensor([[0.1, 0.2, 0.30000000000000004]], dtype=torch.float64, requires_grad=True)"))
    #expect(script.out.contains("target = torch.tensor([2], dtype=torch.int64)"))
    #expect(
      script.out.contains("F.cross_entropy(input, target, weight=weight, label_smoothing=0.1, size_average=False)"))
    #expect(script.err.contains("deprecated"))
    if FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") {
      let check = try runProgram(
        "/usr/bin/python3", ["-c", "import ast,sys; ast.parse(sys.stdin.read())"], input: script.out)
      #expect(check.status == 0, "\(check.output)")
    }
  }

  @Test func checkGradReports() {
    let run = Self.run(["huber", "--input", "[0.5, -2, 3]", "--target", "[0, 0, 1]", "--check-grad"])
    #expect(run.status == 0 && run.out.contains("input") && run.out.contains("agrees"))
    let big = "[" + (0..<600).map(String.init).joined(separator: ", ") + "]"
    let refused = Self.run(["mse", "--input", big, "--target", "0", "--check-grad"])
    #expect(refused.status == 2 && refused.err.contains("--check-grad checks small inputs only"))
  }

  /// Regression (found by the args fuzzer): a 10th curve's mark was "10", which trapped when made a
  /// Character. Marks are one cell each: 1–9, then a–z, then `*`.
  @Test func plotWithMoreThanNineCurvesHasOneCharacterMarks() {
    let deltas = (1...40).map { String(Double($0) / 10) }.joined(separator: ",")
    let plot = Self.run(["plot", "huber", "--delta", deltas, "--color", "never"])
    #expect(plot.status == 0)
    #expect(plot.out.contains("[9] huber (delta=0.9)") && plot.out.contains("[a] huber (delta=1.0)"))
    #expect(plot.out.contains("[*] huber (delta=4.0)"))
  }

  @Test func plotInTheTerminalWithColourOnlyWhereAllowed() {
    let plain = Self.run(["plot", "huber", "mse", "--range", "-2:2"])
    #expect(plain.status == 0 && !plain.out.contains("\u{1B}[") && plain.out.contains("[1] huber"))
    let tty = Self.run(["plot", "huber", "mse"], terminal: true)
    #expect(tty.out.contains("\u{1B}[34m"))
    #expect(!Self.run(["plot", "huber"], environment: ["NO_COLOR": "1"], terminal: true).out.contains("\u{1B}["))
    #expect(!Self.run(["plot", "huber"], environment: ["TERM": "dumb"], terminal: true).out.contains("\u{1B}["))
    #expect(Self.run(["plot", "huber"], environment: ["NO_COLOR": ""], terminal: true).out.contains("\u{1B}["))
    #expect(Self.run(["plot", "huber", "--color", "always"], environment: ["NO_COLOR": "1"]).out.contains("\u{1B}["))
    let values = Self.run(["plot", "huber", "--delta", "0.5,2", "--derivative"])
    #expect(values.status == 0 && values.out.contains("huber (delta=0.5)") && values.out.contains("derivative"))
  }

  @Test func plotRefusesClearly() {
    // Every registered loss has a probe now (kl_div over the log-probability of the true class);
    // the library's PlotTests check the refusal of a loss without one.
    let kl = Self.run(["plot", "kl_div"])
    #expect(kl.status == 0 && kl.err.isEmpty && kl.out.contains("kl_div"))
    #expect(Self.run(["plot", "mse", "bce_with_logits"]).status == 2)
    #expect(Self.run(["plot", "mse", "--delta", "1"]).status == 2)
    #expect(Self.run(["plot", "mse", "--range", "3:1"]).status == 2)
    #expect(Self.run(["plot"]).status == 2)
  }

  /// A swept tensor value is a number the probe builds tensors from: NaN and infinities are usage
  /// errors, and a frame count beyond Int's range is clamped rather than trapping the conversion.
  @Test func plotSweepValuesAreCheckedNotTrapped() {
    for value in ["nan", "inf", "-inf"] {
      let result = Self.run(["plot", "ctc", "--frames", value])
      #expect(result.status == 2 && result.out.isEmpty && result.err.contains("expected a finite number"), "\(value)")
    }
    #expect(Self.run(["plot", "gaussian_nll", "--var", "nan"]).status == 2)
    for value in ["1e30", "-1e30", "0"] {
      let result = Self.run(["plot", "ctc", "--frames", value, "--width", "60", "--height", "8"])
      #expect(result.status == 0 && result.out.contains("ctc"), "\(value): \(result.err)")
    }
  }

  @Test func plotWritesAnSVGWithOnePathPerCurve() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("swiftloss-plot-\(getpid()).svg").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let run = Self.run(["plot", "huber", "smooth_l1", "mse", "l1", "--range", "-3:3", "--svg", path])
    #expect(run.status == 0 && run.out.isEmpty)
    let document = try XMLDocument(contentsOf: URL(fileURLWithPath: path))
    #expect(try document.nodes(forXPath: "//*[local-name()='path']").count == 4)
    #expect(document.rootElement()?.name == "svg")
    let stdout = Self.run(["plot", "bce_with_logits", "--svg", "-"])
    #expect(stdout.out.hasPrefix("<?xml"))
  }

  @Test func committedExamplePlotIsWhatTheCommandMakes() throws {
    let committed = Self.root.appendingPathComponent("examples/plot-regression.svg")
    let text = try String(contentsOf: committed, encoding: .utf8)
    let run = Self.run(["plot", "huber", "smooth_l1", "mse", "l1", "--range", "-3:3", "--svg", "-"])
    #expect(
      run.out == text,
      "regenerate with: swiftloss plot huber smooth_l1 mse l1 --range -3:3 --svg examples/plot-regression.svg")
  }

  @Test(arguments: ["bash", "zsh", "fish"])
  func completionsKnowEveryLoss(_ shell: String) throws {
    let run = Self.run(["completions", shell])
    #expect(run.status == 0)
    for definition in LossRegistry.all {
      for name in LossRegistry.names(of: definition) { #expect(run.out.contains(name)) }
    }
    for flag in ["--explain", "--emit-python", "--check-grad", "--derivative", "--svg", "--format"] {
      #expect(run.out.contains(shell == "fish" ? "-l " + flag.dropFirst(2) : flag))
    }
    if shell == "bash" {
      let check = try runProgram("/bin/bash", ["-n"], input: run.out)
      #expect(check.status == 0, "\(check.output)")
    }
    #expect(Self.run(["completions", "tcsh"]).status == 2)
  }

  @Test func helpMentionsTheTeachingFeatures() {
    let help = Self.run(["--help"]).out
    for text in [
      "plot LOSS...", "completions bash|zsh|fish", "--explain", "--emit-python", "--check-grad", "--derivative",
    ] {
      #expect(help.contains(text), "\(text)")
    }
    #expect(Self.run(["help", "huber"]).out.contains("swiftloss plot huber"))
  }
}
