import SwiftLoss
import Testing

@testable import SwiftLossCLI

/// Every error: its exit status, exactly one `swiftloss: error:` line, nothing on stdout.
@Suite struct ErrorMessageTests {
  @Test func unknownLossSuggestsTheNearestName() {
    let result = run(["msee", "--input", "[1]", "--target", "[1]"])
    expectError(result, status: 2)
    #expect(result.stderr == "swiftloss: error: unknown loss 'msee'; did you mean 'mse'?\n")
  }

  @Test func aHugeArgumentGivesAShortLineThatSaysWhatIsLeftOut() {
    let value = "x" + String(repeating: "9", count: 100_000) + "y"
    let result = run(["huber", "--input", "[1]", "--target", "[1]", "--delta", value])
    expectError(
      result, status: 2,
      containing: [
        "invalid value 'x999", "999y' for --delta: expected a number",
        "[99149 characters left out]",
      ])
    #expect(result.stderr.count < 1100)
  }

  @Test func unknownLossWithoutSuggestion() {
    expectError(run(["zzzzzzzzzz"]), status: 2, containing: ["unknown loss 'zzzzzzzzzz'", "swiftloss list"])
  }

  @Test func misspeltOptionSuggestsTheFlag() {
    let result = run(["huber", "--input", "[1]", "--target", "[1]", "--detla", "2"])
    expectError(
      result, status: 2,
      containing: ["unknown option '--detla'", "did you mean '--delta'?", "(see 'swiftloss help huber')"])
  }

  @Test func misspeltGlobalFlagSuggestsIt() {
    expectError(run(["mse", "--fromat", "json"]), status: 2, containing: ["did you mean '--format'?"])
    expectError(run(["mse", "--inptu", "[1]"]), status: 2, containing: ["did you mean '--input'?"])
  }

  @Test func optionOfAnotherLossListsWhatThisOneTakes() {
    expectError(
      run(["mse", "--input", "[1]", "--target", "[1]", "--delta", "2"]), status: 2,
      containing: ["mse_loss does not take --delta", "it takes --input, --target, --weight, --reduction"])
  }

  @Test func unknownOptionWithoutSuggestionListsWhatTheLossTakes() {
    expectError(run(["mse", "--frobnicate-widgets", "2"]), status: 2, containing: ["it takes --input, --target"])
  }

  @Test func missingRequiredTensor() {
    expectError(run(["mse", "--input", "[1]"]), status: 2, containing: ["mse_loss needs --target"])
    expectError(run(["mse"]), status: 2, containing: ["mse_loss needs --input and --target"])
  }

  @Test func twoTensorsOnStandardInput() {
    expectError(run(["mse", "--input", "-", "--target", "-"]), status: 2, containing: ["standard input"])
    expectError(run(["mse", "--data", "-", "--target", "-"]), status: 2, containing: ["--data and --target"])
  }

  @Test func badOptionValues() {
    expectError(
      run(["huber", "--input", "[1]", "--target", "[1]", "--delta", "abc"]), status: 2, containing: ["--delta"])
    expectError(
      run(["mse", "--input", "[1]", "--target", "[1]", "--reduction", "avg"]), status: 2, containing: ["--reduction"])
    expectError(run(["mse", "--format", "xml"]), status: 2, containing: ["--format"])
  }

  @Test func optionValueRejectedByTheLossIsAUsageError() {
    // huber_loss raises on delta <= 0.
    expectError(run(["huber", "--input", "[1]", "--target", "[2]", "--delta", "0"]), status: 2, containing: ["delta"])
  }

  @Test func strayOperand() {
    expectError(run(["mse", "a.csv", "b.csv"]), status: 2, containing: ["unexpected argument 'a.csv'"])
  }

  @Test func optionBeforeLoss() {
    expectError(run(["--input", "a", "mse"]), status: 2, containing: ["the loss name comes first"])
  }

  @Test func tensorGivenTwice() {
    expectError(
      run(["mse", "--input", "[1]", "--input", "[2]", "--target", "[1]"]), status: 2, containing: ["given twice"])
  }

  @Test func unreadableFileIsADataError() {
    expectError(run(["mse", "--input", "missing.csv", "--target", "[1]"]), status: 1, containing: ["missing.csv"])
  }

  @Test func parseErrorIsADataErrorWithItsLocation() {
    let result = run(["mse", "--input", "[1, oops]", "--target", "[1]"])
    expectError(result, status: 1, containing: ["--input:1:1:"])
  }

  @Test func shapeMismatchIsADataError() {
    expectError(run(["mse", "--input", "[1, 2, 3]", "--target", "[1, 2]"]), status: 1)
  }

  @Test func reshapeCountMismatchIsADataError() {
    expectError(
      run(["mse", "--input", "[1, 2, 3]", "--target", "[1, 2, 3]", "--shape", "input=2,2"]), status: 1,
      containing: ["--shape input=2,2"])
  }

  @Test func reshapeOfAnUnknownTensorIsAUsageError() {
    expectError(
      run(["mse", "--input", "[1]", "--target", "[1]", "--shape", "bogus=1"]), status: 2, containing: ["bogus"])
    expectError(
      run(["mse", "--input", "[1]", "--target", "[1]", "--shape", "weight=1"]), status: 2,
      containing: ["--weight was not given"])
  }

  /// Entries the loss does not take are ignored with one warning naming them (a typo shows);
  /// when a required tensor is then missing, the error names the entries it could have been.
  @Test func unknownKeyInDataIsNamed() {
    let result = run(["mse", "--data", "-", "--show", "loss"], stdin: #"{"input": [1], "target": [2], "bogus": [3]}"#)
    #expect(result.status == 0 && result.stdout == "1.0\n")
    #expect(
      result.stderrLines.count == 1 && result.stderr.contains("ignored 1 entry that mse_loss does not take: 'bogus'"))
    let missing = run(["mse", "--data", "-"], stdin: #"{"input": [1], "targte": [2]}"#)
    expectError(missing, status: 2, containing: ["needs --target", "holds 'targte'", "--FLAG '#KEY'"])
  }

  @Test func dataStillNeedsTheRequiredTensors() {
    expectError(run(["mse", "--data", "-"], stdin: #"{"input": [1]}"#), status: 2, containing: ["needs --target"])
  }

  @Test func lossDataErrorsAreLocatedInTheirFile() {
    let error = LossError.data("bad value", tensor: "target", index: 2)
    let tensor = try! Tensor(
      shape: [3], storage: [0, 1, 2], origin: TensorOrigin(label: "t.csv", locate: { _ in (line: 3, column: 5) }))
    let located = CommandError.loss(error, of: .mseLoss, tensors: ["target": tensor], flags: [:])
    #expect(Diagnostics.describe(located).message == "swiftloss: error: t.csv:3:5: bad value\n")
    let unlocated = try! Tensor(shape: [3], storage: [0, 1, 2], origin: TensorOrigin(label: "t.npy"))
    let plain = CommandError.loss(error, of: .mseLoss, tensors: ["target": unlocated], flags: [:])
    #expect(Diagnostics.describe(plain).message == "swiftloss: error: bad value (t.npy, element 2)\n")
    #expect(Diagnostics.describe(plain).status == 1)
    #expect(Diagnostics.describe(.loss(.usage("bad p"), of: .mseLoss, tensors: [:], flags: [:])).status == 2)
  }

  @Test func inputErrorsKeepTheirPosition() {
    let error = CommandError.input(
      InputError(label: "target.csv", line: 3, column: 5, message: "expected a number, found \"abc\""))
    #expect(
      Diagnostics.describe(error).message == "swiftloss: error: target.csv:3:5: expected a number, found \"abc\"\n")
    #expect(Diagnostics.describe(error).status == 1)
  }

  @Test func messagesStayOnOneLine() {
    let (message, _) = Diagnostics.describe(.data("two\nlines\r\u{1}"))
    #expect(message == "swiftloss: error: two\\nlines\\r\\u{1}\n")
  }

  @Test func writeErrorMessage() {
    let (message, status) = Diagnostics.describe(.write(OutputError(code: 28)))
    #expect(message == "swiftloss: error: write error: No space left on device\n")
    #expect(status == 1)
  }

  @Test func failingStandardOutputGivesStatusOne() {
    let err = Capture()
    let io = CommandIO(
      readStandardInput: { () throws(InputError) in [] },
      standardOutput: OutputSink { _ throws(OutputError) in throw OutputError(code: 32) },
      standardError: err.sink, tensors: FakeReaders.source())
    #expect(SwiftLossCommand.run(arguments: ["--version"], io: io) == 1)
    #expect(err.text == "swiftloss: error: write error: Broken pipe\n")
  }

  @Test("class indices as --input and features as --target: the losses of a linear layer say they look swapped too")
  func swappedArgumentsOfTheLinearLosses() {
    let features =
      "[[-0.18,0.63,-0.86,0.09],[0.43,0.10,-1.06,1.10],[0.24,1.24,1.39,-0.95],[-0.51,0.78,0.24,-0.38],"
      + "[1.60,-0.12,-0.20,0.74]]"
    let dir = CatalogueEdgesCLITests.examples
    let module = ["--params", "\(dir)/state_dict.json", "--cutoffs", "3,6", "--div-value", "2", "--head-bias"]
    let adaptive = run(
      ["adaptive_log_softmax", "--input", "[0,4,7,2,5]", "--target", features] + module, realReaders: true)
    expectError(adaptive, status: 1, containing: ["(--input and --target look swapped)"])
    #expect(
      run(
        ["adaptive_log_softmax", "--input", features, "--target", "[0,4,7,2,5]", "--show", "loss"] + module,
        realReaders: true
      ).status == 0)

    let weight = ["--linear-weight", "[[0.5,0.1,0.2,0.3],[0.2,0.3,0.4,0.1],[0.1,0.9,0.0,0.2]]"]
    let linear = run(
      ["linear_cross_entropy", "--input", "[0,2,1,2,0]", "--target", features] + weight, realReaders: true)
    expectError(linear, status: 1, containing: ["(--input and --target look swapped)"])
    #expect(
      run(
        ["linear_cross_entropy", "--input", features, "--target", "[0,2,1,2,0]", "--show", "loss"] + weight,
        realReaders: true
      ).status == 0)
  }
}
