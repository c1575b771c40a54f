import Foundation
import SwiftLoss
import Testing

@testable import SwiftLossCLI

/// `--show loss` of a pointwise loss on two large delimited files reads them together
/// (``DelimitedTextPair``); what it prints, warns and reports must be exactly what reading the
/// tensors one by one gives.
@Suite struct TextPairTests {
  /// Two temporary CSV files just above the size at which the pair is used.
  static let files: (input: String, target: String, directory: URL) = {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftloss-pair-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    func write(_ name: String, seed: UInt64) -> String {
      var state = seed
      var text = ""
      // 4.3 MB: 21,000 rows of 16 numbers like "-1.2345678901".
      for _ in 0..<21_000 {
        var fields: [String] = []
        for _ in 0..<16 {
          state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
          let integer = Int(state >> 61) - 4
          let fraction = String(state >> 20 % 10_000_000_000 + 10_000_000_000).dropFirst()
          fields.append("\(integer).\(fraction)")
        }
        text += fields.joined(separator: ",") + "\n"
      }
      let path = directory.appendingPathComponent(name).path
      _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
      return path
    }
    return (write("input.csv", seed: 1), write("target.csv", seed: 2), directory)
  }()

  /// Runs `arguments` with the real readers, with and without the pair; also whether the run with
  /// the pair read any tensor one by one.
  static func runBoth(_ arguments: [String]) -> (paired: RunResult, ordinary: RunResult, pairedReadFiles: Bool) {
    func run(pairs: Bool) -> (RunResult, Bool) {
      let out = Capture(), err = Capture()
      nonisolated(unsafe) var readFiles = false
      var tensors = TensorSource.standard
      let read = tensors.read
      tensors.read = { source, options throws(InputError) in
        readFiles = true
        return try read(source, options)
      }
      tensors.readsPairs = pairs
      let io = CommandIO(
        readStandardInput: { () throws(InputError) in [] }, standardOutput: out.sink, standardError: err.sink,
        tensors: tensors)
      let status = SwiftLossCommand.run(arguments: arguments, io: io)
      return (RunResult(status: status, stdout: out.text, stderr: err.text, stderrLines: err.lines), readFiles)
    }
    let (paired, readFiles) = run(pairs: true)
    let (ordinary, _) = run(pairs: false)
    return (paired, ordinary, readFiles)
  }

  @Test(arguments: [
    ["mse"], ["mse", "--format", "json"], ["MSELoss", "--reduction", "sum", "--precision", "6"],
    ["l1", "--size-average", "false"], ["F.smooth_l1_loss", "--beta", "0"], ["smooth_l1", "--beta", "0.25"],
    ["huber", "--delta", "0.5", "--format", "json"], ["soft_margin"], ["hinge_embedding", "--margin", "0.3"],
    ["poisson_nll", "--log-input", "false", "--full", "--eps", "0.01"], ["BCEWithLogitsLoss", "--reduction", "sum"],
  ])
  func sameOutputAsReadingTheTensors(_ command: [String]) {
    let files = Self.files
    let (paired, ordinary, readFiles) = Self.runBoth(
      command + ["--input", files.input, "--target", files.target, "--show", "loss"])
    #expect(!readFiles, "the pair was not used")
    #expect(paired.status == 0, "\(paired.stderr)")
    #expect(paired.stdout == ordinary.stdout)
    #expect(paired.stderr == ordinary.stderr)
    #expect(!paired.stdout.isEmpty)
  }

  /// Anything more than the value, or a loss or option the pair does not take: the tensors are read.
  @Test(arguments: [
    ["mse", "--show", "loss,grad"], ["mse", "--reduction", "none", "--show", "loss"], ["bce", "--show", "loss"],
    ["kl_div", "--show", "loss"], ["kl_div", "--reduction", "sum", "--show", "loss"],
    ["mse", "--show", "loss", "--shape", "input=-1"],
  ])
  func otherRunsReadTheTensors(_ command: [String]) {
    let files = Self.files
    let (paired, ordinary, readFiles) = Self.runBoth(command + ["--input", files.input, "--target", files.target])
    #expect(readFiles)
    #expect(paired.status == ordinary.status)
    #expect(paired.stdout == ordinary.stdout)
    #expect(paired.stderr == ordinary.stderr)
  }

  /// Errors found while reading the pair come from the ordinary readers: the same line and status.
  @Test func errorsAreTheOrdinaryOnes() throws {
    let files = Self.files
    var text = try String(contentsOfFile: files.target, encoding: .utf8)
    let lines = text.split(separator: "\n")
    let line = 15_000
    let bad = "1,2,3,oops" + String(repeating: ",0", count: 12)
    text = (lines[..<line] + [Substring(bad)] + lines[(line + 1)...]).joined(separator: "\n") + "\n"
    let broken = files.directory.appendingPathComponent("broken.csv").path
    _ = FileManager.default.createFile(atPath: broken, contents: Data(text.utf8))
    let (paired, ordinary, _) = Self.runBoth(["mse", "--input", files.input, "--target", broken, "--show", "loss"])
    expectError(
      paired, status: ordinary.status, containing: ["broken.csv:\(line + 1):7: expected a number, found \"oops"])
    #expect(paired.stderr == ordinary.stderr)

    let (badOption, ordinaryBadOption, _) = Self.runBoth(
      ["huber", "--delta", "-1", "--input", files.input, "--target", files.target, "--show", "loss"])
    expectError(badOption, status: ordinaryBadOption.status, containing: ["delta"])
    #expect(badOption.stderr == ordinaryBadOption.stderr)
  }
}
