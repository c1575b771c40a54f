import Foundation
import Testing

@testable import SwiftLossCLI

/// Delimited text as pandas writes it, Python literals and shape errors, through the whole command
/// with the real readers.
@Suite struct TablesAndLiteralsCLITests {
  /// Fixtures/tables of the engine tests (written by pandas; see make_tables.py there).
  static func table(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("SwiftLossTests/Fixtures/tables").appendingPathComponent(name).path
  }

  static func temporaryFile(_ name: String, _ text: String) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftloss-tables-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let path = directory.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test("the README's bug: two df.to_csv files give torch's mse, not the index's")
  func readmeRegression() throws {
    let expected =
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: Self.table("expected.json")))) as? [String: Any]
    let entry = try #require(expected?["readme_mse"] as? [String: String])
    let result = run(
      ["mse", "--input", Self.table("readme_p.csv"), "--target", Self.table("readme_y.csv"), "--show", "loss"],
      realReaders: true)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == (entry["loss"] ?? "") + "\n")
  }

  @Test("a shape mismatch names the flags and files, then PyTorch's words")
  func shapeMismatchNamesTheTensors() throws {
    let path = try Self.temporaryFile("ypred.csv", "1\n2\n3\n4\n5\n6\n")
    let result = run(["mse", "--input", path, "--target", "[1,2,3]"], realReaders: true)
    expectError(result, status: 1)
    #expect(
      result.stderr == "swiftloss: error: --input \(path) (6) and --target (3): The size of tensor a (6) must "
        + "match the size of tensor b (3) at non-singleton dimension 0\n")
    let ranking = run(
      ["margin_ranking", "--input1", "[1,2]", "--input2", "[1,2,3]", "--target", "[1,1]"], realReaders: true)
    expectError(ranking, status: 1, containing: ["--input1 (2) and --input2 (3): The size of tensor a (2)"])
  }

  @Test("class indices given as --input and logits as --target: the message says they look swapped")
  func swappedArguments() {
    let logits = "[[0.1,2.0,0.3],[1.2,0.1,0.5],[0.3,0.2,2.2]]"
    for loss in ["ce", "nll", "multi_margin"] {
      let result = run([loss, "--input", "[0,2,1]", "--target", logits], realReaders: true)
      expectError(result, status: 1, containing: ["(--input and --target look swapped)"])
      // The right way round is not flagged.
      #expect(run([loss, "--input", logits, "--target", "[0,2,1]", "--show", "loss"], realReaders: true).status == 0)
    }
    // Wrong shapes that are no swap say nothing of one.
    let other = run(["ce", "--input", "[[0.1,2.0,0.3],[1.2,0.1,0.5]]", "--target", "[0,2,1]"], realReaders: true)
    expectError(other, status: 1)
    #expect(!other.stderr.contains("swapped"))
  }

  @Test("file:line:col for missing values, and the delimiter hint")
  func dataErrors() throws {
    let nan = run(["mse", "--input", Self.table("pandas_nan.csv"), "--target", "0"], realReaders: true)
    expectError(nan, status: 1, containing: ["pandas_nan.csv:3:1: missing value: an empty field"])
    let na = try Self.temporaryFile("na.csv", "NA\n1\n2\n")
    expectError(
      run(["mse", "--input", na, "--target", "0"], realReaders: true), status: 1,
      containing: ["na.csv:1:1: missing value \"NA\""])
    let semi = try Self.temporaryFile("semi.csv", "1;2\n3;4\n")
    let hinted = run(["mse", "--input", semi, "--target", "0"], realReaders: true)
    expectError(
      hinted, status: 1,
      containing: [
        "semi.csv:1:1: expected a number, found \"1;2\" (is the delimiter ';'? try --delimiter ';')"
      ])
    let fixed = run(
      ["mse", "--input", semi, "--target", "[1,2]", "--delimiter", ";", "--show", "loss"], realReaders: true)
    #expect(fixed.stdout == "2.0\n", "\(fixed.stderr)")
  }

  @Test("--decimal , reads a European file; it cannot be combined with a comma delimiter")
  func decimalComma() {
    let euro = Self.table("pandas_semicolon_decimal_comma.csv")
    // The same frame written both ways: the same numbers.
    let european = run(
      ["mse", "--input", euro, "--target", "0.5", "--decimal", ",", "--show", "elementwise"], realReaders: true)
    let english = run(
      ["mse", "--input", Self.table("pandas_index.csv"), "--target", "0.5", "--show", "elementwise"],
      realReaders: true)
    #expect(european.status == 0, "\(european.stderr)")
    #expect(european.stdout == english.stdout && english.stdout.contains("shape [5, 3]"))
    expectError(
      run(["mse", "--input", euro, "--target", "0"], realReaders: true), status: 1,
      containing: ["try --delimiter ';', with --decimal , if commas are decimal points"])
    expectError(
      run(["mse", "--input", euro, "--target", "0", "--decimal", ",", "--delimiter", ","], realReaders: true),
      status: 2, containing: ["--decimal , needs another delimiter"])
    expectError(
      run(["mse", "--input", euro, "--target", "0", "--decimal", ";"], realReaders: true), status: 2,
      containing: ["invalid value ';' for --decimal"])
  }

  @Test("tensors pasted from a Python session")
  func pythonLiterals() {
    let result = run(
      [
        "mse", "--input", "tensor([[1., 2.],\n        [3., 4.]], requires_grad=True)",
        "--target", "array([[1, 2], [3, 6]], dtype=int64)", "--show", "loss",
      ], realReaders: true)
    #expect(result.stdout == "1.0\n", "\(result.stderr)")
    #expect(
      run(
        [
          "mse", "--input", "tensor(0.5000, grad_fn=<MseLossBackward0>)", "--target", "np.float64(1.5)",
          "--show", "loss",
        ], realReaders: true
      ).stdout == "1.0\n")
    expectError(
      run(["mse", "--input", "1e309", "--target", "0"], realReaders: true), status: 1,
      containing: ["--input:1:1: number out of range: \"1e309\""])
    expectError(
      run(["mse", "--input", "tensor([0.1, 0.2, ..., 0.9])", "--target", "0"], realReaders: true), status: 1,
      containing: ["printed summarised"])
  }
}
