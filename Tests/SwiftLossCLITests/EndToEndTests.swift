import Foundation
import SwiftLoss
import Testing

@testable import SwiftLossCLI

/// Whole runs through `SwiftLossCommand.run`, with test readers standing in for the real ones
/// (inline literals are read as JSON), so these exercise everything but the readers.
@Suite struct EndToEndTests {
  let mse = ["mse", "--input", "[1, 2, 3]", "--target", "[1, 3, 5]"]

  @Test func textOutput() {
    let result = run(mse)
    #expect(result.status == 0)
    #expect(result.stderr.isEmpty)
    #expect(
      result.stdout == """
        loss: 1.6666666666666667
        elementwise (shape [3]):
        [0.0, 1.0, 4.0]
        grad input (shape [3]):
        [                0.0, -0.6666666666666666, -1.3333333333333333]
        grad target (shape [3]):
        [               0.0, 0.6666666666666666, 1.3333333333333333]

        """)
  }

  @Test func showLossAloneIsTheBareNumber() {
    let result = run(mse + ["--show", "loss"])
    #expect(result.stdout == "1.6666666666666667\n")
    #expect(run(mse + ["--show", "loss", "--precision", "3"]).stdout == "1.667\n")
  }

  @Test func showSubsetsInAnyOrder() {
    let result = run(mse + ["--show", "grad,elementwise"])
    #expect(!result.stdout.contains("loss:"))
    #expect(result.stdout.hasPrefix("elementwise (shape [3]):\n"))
    #expect(result.stdout.contains("grad input"))
  }

  @Test func precisionIsFixedDigits() {
    let result = run(mse + ["--precision", "2"])
    #expect(result.stdout.hasPrefix("loss: 1.67\nelementwise (shape [3]):\n[0.00, 1.00, 4.00]\n"))
    #expect(result.stdout.contains("[ 0.00, -0.67, -1.33]"))
  }

  @Test func reductionNonePrintsTheTensorAsLoss() {
    let result = run(mse + ["--reduction", "none", "--show", "loss"])
    #expect(result.stdout == "[0.0, 1.0, 4.0]\n")
    let full = run(mse + ["--reduction", "none"])
    #expect(full.stdout.hasPrefix("loss (shape [3]):\n[0.0, 1.0, 4.0]\nelementwise (shape [3]):\n"))
  }

  @Test func jsonOutput() throws {
    let result = run(mse + ["--format", "json"])
    #expect(result.status == 0)
    #expect(
      result.stdout == """
        {
          "loss": "mse_loss",
          "module": "MSELoss",
          "options": {"reduction": "mean"},
          "value": 1.6666666666666667,
          "elementwise": {"shape": [3], "data": [0.0, 1.0, 4.0]},
          "gradients": {
            "input": {"shape": [3], "data": [0.0, -0.6666666666666666, -1.3333333333333333]},
            "target": {"shape": [3], "data": [0.0, 0.6666666666666666, 1.3333333333333333]}
          }
        }

        """)
    _ = try result.json()
    #expect(numbers(in: result.stdout).first == 5.0 / 3.0)
  }

  @Test func jsonKeysLeftOutByShowAreAbsent() throws {
    let json = try run(mse + ["--format", "json", "--show", "loss"]).json()
    #expect(Set(json.keys) == ["loss", "module", "options", "value"])
    let grads = try run(mse + ["--format=json", "--show=grad"]).json()
    #expect(Set(grads.keys) == ["loss", "module", "options", "gradients"])
  }

  @Test func jsonValueIsAnObjectForReductionNone() throws {
    let json = try run(mse + ["--format", "json", "--reduction", "none"]).json()
    let value = try #require(json["value"] as? [String: Any])
    #expect(value["shape"] as? [Int] == [3])
    #expect((value["data"] as? [Double])?.count == 3)
  }

  @Test func legacyFlagsMapAndWarn() throws {
    // (size_average, reduce) → reduction, as torch.nn._reduction.legacy_get_string.
    let table: [([String], String)] = [
      (["--size-average", "true"], "mean"), (["--size-average", "false"], "sum"),
      (["--reduce", "true"], "mean"), (["--reduce", "false"], "none"),
      (["--size-average", "false", "--reduce", "false"], "none"),
      (["--size-average", "false", "--reduce", "true"], "sum"),
      (["--size-average", "true", "--reduce", "false"], "none"),
    ]
    for (flags, reduction) in table {
      let result = run(mse + flags + ["--reduction", "mean", "--format", "json"])
      #expect(result.status == 0)
      #expect(
        result.stderr
          == "swiftloss: warning: size_average and reduce args will be deprecated, please use reduction='\(reduction)' instead.\n",
        "\(flags)")
      let options = try #require(try result.json()["options"] as? [String: Any])
      #expect(options["reduction"] as? String == reduction, "\(flags)")
    }
  }

  @Test func warningsFollowPyTorchsConstructionAndLegacyPaths() throws {
    // nn.NLLLoss2d warns when constructed (FutureWarning); nll_loss by any other name does not.
    let nll2d = run(["NLLLoss2d", "--input", "[[0.1, 0.2]]", "--target", "[1]", "--show", "loss"])
    #expect(nll2d.status == 0)
    #expect(nll2d.stderrLines.count == 1)
    #expect(nll2d.stderr.hasPrefix("swiftloss: warning: `NLLLoss2d` has been deprecated. Please use `NLLLoss` instead"))
    #expect(run(["nll", "--input", "[[0.1, 0.2]]", "--target", "[1]"]).stderr.isEmpty)
    // F.kl_div warns about 'mean' only when 'mean' is asked for by name, not via legacy flags.
    let klArguments = ["kl_div", "--input", "[-1, -2]", "--target", "[0.5, 0.5]", "--show", "loss"]
    #expect(run(klArguments).stderr.contains("reduction: 'mean' divides the total loss"))
    let legacy = run(klArguments + ["--size-average", "true"])
    #expect(legacy.stderrLines.count == 1)
    #expect(legacy.stderr.contains("size_average and reduce args will be deprecated"))
  }

  @Test func jsonOptionsIncludeDefaults() throws {
    let json = try run(["huber", "--input", "[1]", "--target", "[3]", "--format", "json"]).json()
    let options = try #require(json["options"] as? [String: Any])
    #expect(options["reduction"] as? String == "mean")
    #expect(options["delta"] as? Double == 1.0)
  }

  @Test func dataObjectWithFlagOverride() throws {
    let stdin = #"{"input": [1, 2, 3], "target": [9, 9, 9]}"#
    let result = run(["mse", "--data", "-", "--target", "[1, 3, 5]", "--show", "loss"], stdin: stdin)
    #expect(result.stdout == "1.6666666666666667\n")
    let file = run(["mse", "--data", "d.json", "--show", "loss"], files: ["d.json": #"{"input": [1], "target": [3]}"#])
    #expect(file.stdout == "4.0\n")
  }

  @Test func standardInputTensor() {
    let result = run(["mse", "--input", "-", "--target", "[1, 3, 5]", "--show", "loss"], stdin: "[1, 2, 3]")
    #expect(result.stdout == "1.6666666666666667\n")
  }

  /// A file named like a literal is ambiguous: a usage error naming both readings; `./3` is the file.
  @Test func fileThatIsAlsoALiteralIsAUsageError() {
    let ambiguous = run(["mse", "--input", "3", "--target", "0", "--show", "loss"], files: ["3": "[2, 2]"])
    expectError(ambiguous, status: 2, containing: ["--input 3 is both a file", "write ./3 to read the file"])
    let file = run(["mse", "--input", "./3", "--target", "0", "--show", "loss"], files: ["./3": "[2, 2]"])
    #expect(file.stdout == "4.0\n")
    let literal = run(["mse", "--input", "3", "--target", "0", "--show", "loss"])
    #expect(literal.stdout == "9.0\n")
  }

  @Test func reshape() {
    let result = run([
      "mse", "--input", "[1, 2, 3, 4]", "--target", "[[0, 0], [0, 0]]", "--shape", "input=2,-1", "--show",
      "elementwise",
    ])
    #expect(result.stdout == "elementwise (shape [2, 2]):\n[[ 1.0,  4.0],\n [ 9.0, 16.0]]\n")
  }

  @Test func nonFiniteValues() throws {
    let result = run(["mse", "--input", "[1e200, 1]", "--target", "[-1e200, 1]", "--format", "json"])
    #expect(result.status == 0)
    #expect(result.stdout.contains(#""value": "Infinity""#))
    _ = try result.json()
    let text = run(["mse", "--input", "[1e200, 1]", "--target", "[-1e200, 1]", "--show", "loss"])
    #expect(text.stdout == "inf\n")
  }

  @Test func versionAndHelp() {
    #expect(run(["--version"]).stdout == "swiftloss 0.1.0\n")
    let help = run(["--help"])
    #expect(help.status == 0)
    #expect(help.stderr.isEmpty)
    for definition in LossRegistry.all {
      #expect(help.stdout.contains(definition.functionalName))
    }
    for flag in GlobalOptions.flags { #expect(help.stdout.contains("--" + flag.name)) }
    #expect(run(["-h"]).stdout == help.stdout)
    #expect(run(["help"]).stdout == help.stdout)
  }

  @Test func perLossHelpComesFromTheRegistry() {
    for definition in LossRegistry.all {
      let help = run(["help", definition.functionalName])
      #expect(help.status == 0)
      for spec in definition.tensors {
        #expect(help.stdout.contains(spec.flag), "\(definition.functionalName) \(spec.flag)")
      }
      for spec in definition.options {
        #expect(help.stdout.contains(spec.flag))
        // A required option (--cutoffs) or one whose help says its default has no "(default: ...)".
        // Wrapped to 80 columns: compare with the line breaks as spaces.
        let saysDefault = spec.help.contains("(required)") || spec.help.contains("(default:")
        let flowing = help.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        #expect(saysDefault || flowing.contains("(default: \(HelpText.cliText(spec.defaultValue)))"))
      }
      #expect(help.stdout.contains("--size-average") == definition.acceptsLegacyReduction)
      #expect(run([definition.shortName, "--help"]).stdout == help.stdout)
      let explain = run(["explain", definition.moduleName])
      #expect(explain.status == 0)
      let flowingExplain = explain.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
      #expect(flowingExplain.contains(definition.summary.split(separator: " ").joined(separator: " ")))
    }
  }

  @Test func listJSONIsValidAndComplete() throws {
    let result = run(["list", "--format", "json"])
    let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    let losses = try #require(object?["losses"] as? [[String: Any]])
    #expect(losses.map { $0["name"] as? String } == LossRegistry.all.map(\.functionalName))
    let text = run(["list"]).stdout
    for definition in LossRegistry.all { #expect(text.contains(definition.functionalName)) }
  }

  @Test func warningsFromTheLossGoToStandardError() {
    // mse with a broadcast target warns as PyTorch does; the output still succeeds.
    let result = run(["mse", "--input", "[[1, 2], [3, 4]]", "--target", "[1, 2]", "--show", "loss"])
    #expect(result.status == 0)
    for line in result.stderrLines { #expect(line.hasPrefix("swiftloss: warning: ")) }
  }
}

/// The same runs with the real readers: they pass once `TensorReader` is implemented.
@Suite struct RealReaderEndToEndTests {
  @Test func inlineLiteralsThroughTheRealReaders() throws {
    let result = run(["mse", "--input", "[1, 2, 3]", "--target", "[1, 3, 5]", "--show", "loss"], realReaders: true)
    #expect(result.status == 0)
    #expect(result.stdout == "1.6666666666666667\n")
  }

  @Test func inlineNumberIsAZeroDimensionalTensor() throws {
    let result = run(["l1", "--input", "3", "--target", "1", "--format", "json"], realReaders: true)
    let json = try result.json()
    let elementwise = try #require(json["elementwise"] as? [String: Any])
    #expect(elementwise["shape"] as? [Int] == [])
    #expect(elementwise["data"] as? Double == 2)
  }

  @Test func binaryShowLossIsABareNumber() throws {
    let result = try runBinary(["mse", "--input", "[1, 2, 3]", "--target", "[1, 3, 5]", "--show", "loss"])
    #expect(result.status == 0)
    #expect(result.stdout == "1.6666666666666667\n")
  }
}
