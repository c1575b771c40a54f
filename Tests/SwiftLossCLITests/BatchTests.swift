import Foundation
import SwiftLoss
import Testing

@testable import SwiftLossCLI

/// `swiftloss batch`: every PyTorch fixture case as a request gives the very object a single call
/// with `--format json` prints (numbers identical), in order, with malformed lines in the middle
/// reported as `{"error", "line"}` lines that do not stop the stream.
@Suite struct BatchTests {
  /// One fixture case and reduction: the request line and the equivalent command line.
  struct Call {
    var name: String
    var request: String
    /// The command line, without `--data FILE`: the tensors go in a `--data` file holding
    /// ``data``, read as batch reads its values (0-d tensors stay tensors; state_dict names work).
    var arguments: [String]
    var data: String
    var fails: Bool
  }

  /// The fixture files of the engine tests, read from the source tree.
  static let calls: [Call] = {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("SwiftLossTests/Fixtures/pytorch")
    guard let files = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
    var calls: [Call] = []
    for file in files.sorted() where file.hasSuffix(".json") {
      guard let data = try? Data(contentsOf: directory.appendingPathComponent(file)),
        let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
        let cases = document["cases"] as? [[String: Any]]
      else { continue }
      for fixture in cases {
        guard let name = fixture["name"] as? String, let loss = fixture["loss"] as? String else { continue }
        let reductions =
          (fixture["results"] as? [String: Any]).map { Array($0.keys).sorted() }
          ?? (fixture["reductions"] as? [String] ?? ["mean"])
        for reduction in reductions {
          if let call = makeCall(name: name, loss: loss, fixture: fixture, reduction: reduction) { calls.append(call) }
        }
      }
    }
    return calls
  }()

  static func makeCall(name: String, loss: String, fixture: [String: Any], reduction: String) -> Call? {
    var members = ["\"loss\": \"\(loss)\"", "\"reduction\": \"\(reduction)\""]
    var arguments = [loss, "--format", "json", "--reduction", reduction]
    var data: [String] = []
    for (key, value) in (fixture["tensors"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
      guard let tensor = value as? [String: Any], let shape = tensor["shape"] as? [Int],
        let values = tensor["data"] as? [Any]
      else { return nil }
      let integer = (tensor["dtype"] as? String)?.hasPrefix("int") ?? false
      let numbers = values.map { item -> String in
        if let text = item as? String { return "\"\(text)\"" }
        return literal(item, integer: integer)
      }
      let object =
        "{\"shape\": [\(shape.map(String.init).joined(separator: ", "))], "
        + "\"data\": [\(numbers.joined(separator: ", "))]}"
      members.append("\"\(key)\": \(object)")
      data.append("\"\(key)\": \(object)")
    }
    for (key, value) in (fixture["options"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
      guard let typed = value as? [String: Any], let type = typed["type"] as? String, let raw = typed["value"] else {
        return nil
      }
      let text: String
      if let list = raw as? [Any] {  // cutoffs
        let items = list.map { literal($0, integer: true) }
        members.append("\"\(key)\": [\(items.joined(separator: ", "))]")
        arguments += ["--" + key.replacingOccurrences(of: "_", with: "-"), items.joined(separator: ",")]
        continue
      }
      switch type {
      case "bool": text = (raw as? Bool ?? false) ? "true" : "false"
      case "string": text = "\"\(raw)\""
      default: text = (raw as? String).map { "\"\($0)\"" } ?? literal(raw, integer: type == "int")
      }
      members.append("\"\(key)\": \(text)")
      arguments += ["--" + key.replacingOccurrences(of: "_", with: "-"), text.replacingOccurrences(of: "\"", with: "")]
    }
    return Call(
      name: "\(name) \(reduction)", request: "{" + members.joined(separator: ", ") + "}", arguments: arguments,
      data: "{" + data.joined(separator: ", ") + "}", fails: fixture["error"] != nil)
  }

  /// A JSON number as Foundation read it, printed back exactly (shortest round trip).
  static func literal(_ value: Any, integer: Bool) -> String {
    if integer, let number = value as? NSNumber { return "\(number.int64Value)" }
    if let decimal = value as? NSDecimalNumber, let double = Double(decimal.stringValue) { return "\(double)" }
    if let number = value as? NSNumber { return "\(number.doubleValue)" }
    return "null"
  }

  func temporaryFile(_ text: String) throws -> String {
    let path = NSTemporaryDirectory() + "swiftloss-batch-\(UUID().uuidString).jsonl"
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    return path
  }

  @Test func fixturesAreFound() {
    #expect(Self.calls.count > 1000)
  }

  @Test func everyFixtureCaseGivesWhatASingleCallGives() throws {
    let calls = Self.calls
    let path = try temporaryFile(calls.map(\.request).joined(separator: "\n") + "\n")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let batch = run(["batch", path], realReaders: true)
    let lines = batch.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    try #require(lines.count == calls.count, "one result line per request")
    var failures = 0
    for (index, (call, line)) in zip(calls, lines).enumerated() {
      let result = try #require(
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "line \(index + 1) is not JSON")
      let dataPath = try temporaryFile(call.data)
      defer { try? FileManager.default.removeItem(atPath: dataPath) }
      let single = run(call.arguments + ["--data", dataPath], realReaders: true)
      if single.status != 0 {
        #expect(result["error"] != nil && (result["line"] as? Int) == index + 1, "\(call.name): \(line)")
        // (Cases PyTorch runs with a Python float for a tensor, a bare number on the command line,
        // fail with the 0-d tensor that --data and batch read: both fail alike.)
        failures += 1
        continue
      }
      let expected = try single.json()
      #expect(NSDictionary(dictionary: result).isEqual(to: expected), "\(call.name):\n\(line)\n\(single.stdout)")
    }
    #expect(batch.status == (failures > 0 ? 1 : 0))
  }

  @Test func malformedLinesInTheMiddleAreReportedAndTheStreamGoesOn() throws {
    let good = [
      #"{"loss": "mse", "input": [1, 2, 3], "target": [1.5, 2, 5]}"#,
      #"{"loss": "ce", "input": [[1, 2, 0.5]], "target": [2], "label_smoothing": 0.1, "show": ["loss", "grad:input"]}"#,
      #"{"loss": "smooth_l1", "input": [0.5, 3], "target": [0, 0], "beta": 2.0, "reduction": "none", "show": "elementwise"}"#,
    ]
    let lines = [
      good[0],
      #"{"loss": "mse", "input": [1, 2"#,
      good[1],
      #"{"loss": "nope", "input": [1]}"#,
      "",
      #"[1, 2, 3]"#,
      #"{"loss": "mse", "input": [1, 2], "target": [1, 2], "margin": 1}"#,
      #"{"loss": "mse", "input": [1, 2], "target": [1, 2, 3]}"#,
      #"{"loss": "mse", "input": [1, 2], "target": [1, 2], "expect": 1}"#,
      good[2],
    ]
    let path = try temporaryFile(lines.joined(separator: "\n"))  // no final newline
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = run(["batch", path], realReaders: true)
    #expect(result.status == 1)
    let output = result.stdout.split(separator: "\n").map(String.init)
    try #require(output.count == 9, "\(output)")  // the empty line 5 is no request
    let cleanPath = try temporaryFile(good.joined(separator: "\n") + "\n")
    defer { try? FileManager.default.removeItem(atPath: cleanPath) }
    let clean = run(["batch", cleanPath], realReaders: true).stdout.split(separator: "\n").map(String.init)
    #expect([output[0], output[2], output[8]] == clean)
    func error(_ text: String) -> (message: String, line: Int)? {
      guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
        let message = object["error"] as? String, let line = object["line"] as? Int, object.count == 2
      else { return nil }
      return (message, line)
    }
    let errors = [output[1], output[3], output[4], output[5], output[6], output[7]].compactMap(error)
    #expect(errors.map(\.line) == [2, 4, 6, 7, 8, 9])
    #expect(errors[0].message.hasPrefix("column "))
    #expect(errors[1].message.contains("unknown loss 'nope'"))
    #expect(errors[2].message.contains("expected a json object"))
    #expect(errors[3].message.contains("does not take --margin"))
    #expect(errors[5].message.hasPrefix("mismatch: expected 1.0, got 0.0"))
  }

  /// A line over 256 KiB runs alone (all cores, as a single call), between small ones.
  @Test func aLargeRequestBetweenSmallOnes() throws {
    let input = (0..<40000).map { String(Double($0 % 97) / 7) }.joined(separator: ", ")
    let target = (0..<40000).map { String(Double($0 % 13) / 3) }.joined(separator: ", ")
    let large = "{\"loss\": \"huber\", \"input\": [\(input)], \"target\": [\(target)], \"delta\": 0.5}"
    let small = #"{"loss": "mse", "input": [1, 2], "target": [0, 0], "show": "loss"}"#
    let path = try temporaryFile([small, large, small].joined(separator: "\n") + "\n")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let lines = run(["batch", path], realReaders: true).stdout.split(separator: "\n").map(String.init)
    try #require(lines.count == 3)
    #expect(lines[0] == lines[2])
    let data = try temporaryFile("{\"input\": [\(input)], \"target\": [\(target)]}")
    defer { try? FileManager.default.removeItem(atPath: data) }
    let single = try run(["huber", "--data", data, "--delta", "0.5", "--format", "json"], realReaders: true).json()
    let batch = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
    #expect(NSDictionary(dictionary: batch).isEqual(to: single))
  }

  @Test func onlyMismatchesGiveStatusThree() throws {
    let path = try temporaryFile(#"{"loss": "mse", "input": [0, 0], "target": [1, 2], "expect": 2.4}"# + "\n")
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect(run(["batch", path], realReaders: true).status == 3)
  }

  @Test func dtypeAndPrecisionInARequest() throws {
    let request =
      #"{"loss": "ce", "input": [[1.0, 2.5, 0.3], [0.1, 0.2, 3.0]], "target": [1, 2], "dtype": "float32", "show": "loss"}"#
    let path = try temporaryFile(request + "\n")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let batch = try #require(
      try JSONSerialization.jsonObject(with: Data(run(["batch", path], realReaders: true).stdout.utf8))
        as? [String: Any])
    let single = try run(
      [
        "ce", "--input", "[[1.0, 2.5, 0.3], [0.1, 0.2, 3.0]]", "--target", "[1, 2]", "--dtype", "float32", "--show",
        "loss",
        "--format", "json",
      ], realReaders: true
    ).json()
    #expect(NSDictionary(dictionary: batch).isEqual(to: single))
    #expect(batch["dtype"] as? String == "float32")
  }

  /// A program that writes one request and waits for its answer gets it before sending the next.
  @Test func answersEachLineBeforeTheInputEnds() throws {
    let process = Process()
    process.executableURL = builtBinary
    process.arguments = ["batch"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    defer { if process.isRunning { process.terminate() } }
    input.fileHandleForWriting.write(
      Data((#"{"loss": "mse", "input": [3], "target": [1], "show": "loss"}"# + "\n").utf8))
    var received = Data()
    let deadline = Date().addingTimeInterval(20)
    while !received.contains(UInt8(ascii: "\n")) && Date() < deadline {
      received.append(output.fileHandleForReading.availableData)
    }
    #expect(String(decoding: received, as: UTF8.self).contains("\"value\": 4.0"))
    try input.fileHandleForWriting.close()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
  }
}
