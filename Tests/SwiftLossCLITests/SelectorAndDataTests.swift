import Foundation
import Testing

/// Issue 14's wiring: `--data FILE` for archives, `FILE#KEY`, `#KEY` values and ignored entries,
/// on the files `examples/pytorch/make_batch.py` wrote with `torch.save` and the float64 values
/// PyTorch computed from them (`examples/pytorch/expected.json`, written by the same script).
@Suite struct SelectorAndDataTests {
  static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples/pytorch").path

  /// `"name": value` lines, each number read with `Double(String)` (Foundation's JSON parser on
  /// Linux does not round every decimal correctly).
  static let expected: [String: Double] = {
    guard let text = try? String(contentsOfFile: examples + "/expected.json", encoding: .utf8) else { return [:] }
    var values: [String: Double] = [:]
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: ":")
      guard parts.count == 2 else { continue }
      let name = parts[0].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
      values[name] = Double(parts[1].trimmingCharacters(in: CharacterSet(charactersIn: " ,")))
    }
    return values
  }()

  static func value(_ arguments: [String]) throws -> Double? {
    let result = try runBinary(arguments + ["--show", "loss"])
    #expect(result.status == 0, "\(arguments): \(result.stderr)")
    return Double(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
  }

  @Test func archiveEntriesByKey() throws {
    let batch = Self.examples + "/batch.pt", logits = Self.examples + "/logits.pt"
    let mean = try #require(Self.expected["cross_entropy_mean"]), sum = try #require(Self.expected["cross_entropy_sum"])
    #expect(try Self.value(["ce", "--data", batch, "--input", "#logits", "--target", "#labels"]) == mean)
    #expect(
      try Self.value(["ce", "--input", batch + "#logits", "--target", batch + "#labels", "--reduction", "sum"]) == sum)
    // A file holding one tensor needs no key.
    #expect(try Self.value(["ce", "--input", logits, "--target", batch + "#labels"]) == mean)
    // Standard input as the archive.
    let piped = try SourceLayerTests.bash(
      "\"$0\" ce --data - --input '#logits' --target '#labels' --show loss < \"$1\"", batch, "")
    #expect(Double(piped.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) == mean, "\(piped.stderr)")
  }

  @Test func stateDictThroughData() throws {
    let adaptive = Self.examples + "/adaptive.pt"
    let loss = try #require(Self.expected["adaptive_log_softmax_loss"])
    #expect(try Self.value(["adaptive_log_softmax", "--data", adaptive, "--cutoffs", "4,8"]) == loss)
    #expect(
      try Self.value(["adaptive_log_softmax", "--params", adaptive, "--input", adaptive + "#input", "--cutoffs", "4,8"])
        == loss)
  }

  @Test func keysThatAreMissingOrUnusedAreNamed() throws {
    let batch = Self.examples + "/batch.pt"
    let missing = try runBinary(["ce", "--input", batch + "#nope", "--target", batch + "#labels"])
    #expect(missing.status == 1 && missing.stdout.isEmpty)
    #expect(
      missing.stderr.contains("no tensor \"nope\"") && missing.stderr.contains("\"logits\", \"labels\""),
      "\(missing.stderr)")
    let noData = try runBinary(["ce", "--input", "#logits", "--target", "[0]"])
    #expect(noData.status == 2 && noData.stderr.contains("no --data was given"), "\(noData.stderr)")
    // Entries the loss does not take are ignored, with one note naming them.
    let directory = NSTemporaryDirectory() + "swiftloss-data-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/batch.json"
    try #"{"input": [1, 2], "target": [0, 0], "lables": [1, 1]}"#.write(toFile: path, atomically: true, encoding: .utf8)
    let noted = try runBinary(["mse", "--data", path, "--show", "loss"])
    #expect(noted.status == 0 && noted.stdout == "2.5\n")
    #expect(
      noted.stderr.hasPrefix(
        "swiftloss: warning: --data \(path): ignored 1 entry that mse_loss does not take: 'lables'"),
      "\(noted.stderr)")
    #expect(noted.stderr.split(separator: "\n").count == 1)
    // A name holding `#` is tried whole first; PATH#KEY only when the whole is no file.
    let hashed = directory + "/a#b.csv"
    try "1\n2\n".write(toFile: hashed, atomically: true, encoding: .utf8)
    #expect(try Self.value(["mse", "--input", hashed, "--target", "[0, 0]"]) == 2.5)
    let absent = try runBinary(["mse", "--input", directory + "/none.csv#y", "--target", "0"])
    #expect(absent.status == 1 && absent.stderr.contains("none.csv#y: no such file or directory"), "\(absent.stderr)")
  }
}
