import Foundation
import SwiftLoss
import Testing

@testable import SwiftLossCLI

/// The scripting outputs: `--show grad:NAME`, `--format csv|tsv` read back and compared with the
/// JSON numbers, `-o FILE` (atomic, also on a failing disk), `--expect` at its tolerance boundary,
/// `--dtype` spelling.
@Suite struct ScriptingTests {
  static let input = "[[0.5, -1.25, 2.0], [3.0, 0.125, -0.75]]"
  static let target = "[[1.0, 0.0, 2.5], [-1.0, 0.5, 0.25]]"

  /// The JSON output of the same call: the oracle the tables are compared with (both are swiftloss,
  /// so the test is that the table holds exactly the JSON numbers, in the right layout).
  func json(_ extra: [String]) throws -> [String: Any] {
    let result = run(
      ["mse", "--input", Self.input, "--target", Self.target, "--format", "json"] + extra, realReaders: true)
    #expect(result.status == 0, "\(result.stderr)")
    return try result.json()
  }

  /// A delimited table parsed as numpy.loadtxt would: rows of numbers.
  func table(_ text: String, separator: Character) -> [[Double]] {
    text.split(separator: "\n").map { $0.split(separator: separator).map { Double(String($0)) ?? .nan } }
  }

  func numbers(_ nested: Any) -> [Double] {
    if let array = nested as? [Any] { return array.flatMap(numbers) }
    if let number = nested as? NSNumber { return [number.doubleValue] }
    if let text = nested as? String { return [text == "NaN" ? .nan : text == "Infinity" ? .infinity : -.infinity] }
    return []
  }

  @Test func showOneGradientInJSONAndText() throws {
    let object = try json(["--show", "grad:target"])
    #expect(object["value"] == nil && object["elementwise"] == nil)
    let gradients = try #require(object["gradients"] as? [String: Any])
    #expect(Array(gradients.keys) == ["target"])
    let text = run(
      ["mse", "--input", Self.input, "--target", Self.target, "--show", "loss,grad:input"], realReaders: true)
    #expect(text.status == 0)
    #expect(text.stdout.contains("grad input") && !text.stdout.contains("grad target"))
  }

  @Test func unknownGradientNameIsAUsageError() {
    let result = run(
      ["mse", "--input", Self.input, "--target", Self.target, "--show", "grad:weight"], realReaders: true)
    expectError(result, status: 2, containing: ["grad:weight", "its gradients are input, target"])
  }

  @Test func csvOfEachTensorHoldsTheJSONNumbers() throws {
    let object = try json([])
    let elementwise = try #require(object["elementwise"] as? [String: Any])
    let gradients = try #require(object["gradients"] as? [String: Any])
    let cases: [(show: String, expected: Any)] = [
      ("elementwise", elementwise["data"] as Any),
      ("grad:input", (gradients["input"] as? [String: Any])?["data"] as Any),
      ("grad:target", (gradients["target"] as? [String: Any])?["data"] as Any),
    ]
    for (format, separator) in [("csv", Character(",")), ("tsv", Character("\t"))] {
      for (show, expected) in cases {
        let result = run(
          ["mse", "--input", Self.input, "--target", Self.target, "--format", format, "--show", show], realReaders: true
        )
        #expect(result.status == 0, "\(result.stderr)")
        let rows = table(result.stdout, separator: separator)
        #expect(rows.count == 2 && rows.allSatisfy { $0.count == 3 }, "\(show): \(result.stdout)")
        #expect(rows.flatMap { $0 } == numbers(expected), "\(format) \(show)")
      }
      let loss = run(
        ["mse", "--input", Self.input, "--target", Self.target, "--format", format, "--show", "loss"], realReaders: true
      )
      #expect(table(loss.stdout, separator: separator) == [[try #require(object["value"] as? Double)]])
    }
  }

  @Test func csvOfOneDimensionIsOneNumberALine() throws {
    let result = run(
      ["mse", "--input", "[1, 2, 3.5]", "--target", "[0, 0, 0]", "--format", "csv", "--show", "elementwise"],
      realReaders: true)
    #expect(result.stdout == "1.0\n4.0\n12.25\n")
  }

  @Test func csvOfRankThreeIsIndexRowsWithAHeader() throws {
    let input = "[[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]"
    let object = try run(
      ["l1", "--input", input, "--target", "0.5", "--format", "json", "--show", "grad:input"], realReaders: true
    ).json()
    let gradient = try #require((object["gradients"] as? [String: Any])?["input"] as? [String: Any])
    let result = run(
      ["l1", "--input", input, "--target", "0.5", "--format", "csv", "--show", "grad:input"], realReaders: true)
    var lines = result.stdout.split(separator: "\n")
    #expect(lines.removeFirst() == "i0,i1,i2,value")
    #expect(lines.count == 12)
    var index = 0
    for i0 in 0..<2 {
      for i1 in 0..<3 {
        for i2 in 0..<2 {
          let fields = lines[index].split(separator: ",")
          #expect(fields.prefix(3).map { Int($0) } == [i0, i1, i2])
          #expect(Double(String(fields[3])) == numbers(gradient["data"] as Any)[index])
          index += 1
        }
      }
    }
  }

  @Test func csvNeedsExactlyOneTensor() {
    for show in [nil, "loss,elementwise", "grad"] as [String?] {
      var arguments = ["mse", "--input", Self.input, "--target", Self.target, "--format", "csv"]
      if let show { arguments += ["--show", show] }
      expectError(run(arguments, realReaders: true), status: 2, containing: ["--show"])
    }
    // `grad` alone is fine when the loss gives one gradient.
    let single = run(
      ["nll", "--input", "[[-1.0, -2.0]]", "--target", "[1]", "--format", "csv", "--show", "grad"], realReaders: true)
    #expect(single.status == 0)
    #expect(single.stdout == "0.0,-1.0\n")
  }

  // MARK: - -o FILE

  func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "swiftloss-scripting-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  @Test func outputFileHoldsWhatStandardOutputWould() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/result.json"
    let plain = run(["mse", "--input", Self.input, "--target", Self.target, "--format", "json"], realReaders: true)
    for flag in ["-o", "--output"] {
      try? FileManager.default.removeItem(atPath: path)
      let written = run(
        ["mse", "--input", Self.input, "--target", Self.target, "--format", "json", flag, path], realReaders: true)
      #expect(written.status == 0 && written.stdout.isEmpty)
      #expect(try String(contentsOfFile: path, encoding: .utf8) == plain.stdout)
    }
    // Replacing an existing file; no temporary file is left beside it.
    try "old".write(toFile: path, atomically: false, encoding: .utf8)
    let again = run(
      ["mse", "--input", Self.input, "--target", Self.target, "--show", "loss", "-o", path], realReaders: true)
    let loss = run(["mse", "--input", Self.input, "--target", Self.target, "--show", "loss"], realReaders: true)
    #expect(again.status == 0)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == loss.stdout)
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["result.json"])
  }

  @Test func failedRunLeavesNoFileAndAnExistingOneIntact() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let fresh = directory + "/fresh.csv"
    let existing = directory + "/existing.csv"
    try "keep me\n".write(toFile: existing, atomically: false, encoding: .utf8)
    for path in [fresh, existing] {
      let failed = run(["mse", "--input", "[1, 2]", "--target", "[1, 2, 3]", "-o", path], realReaders: true)
      expectError(failed, status: 1)
    }
    #expect(!FileManager.default.fileExists(atPath: fresh))
    #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep me\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["existing.csv"])
  }

  /// A disk that fills up mid-write, made with the file-size limit (`ulimit -f`, SIGXFSZ ignored so
  /// that write(2) fails with EFBIG as on a full disk): the run fails with status 1, the old file
  /// stays, no temporary file remains. Then the same on a tiny tmpfs, where it can be mounted.
  @Test func writeFailureMidFileLeavesTheOldFileIntact() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/big.csv"
    try "old contents\n".write(toFile: path, atomically: false, encoding: .utf8)
    let binary = builtBinary.path
    // 20000 numbers: far more than the 512 bytes `ulimit -f 1` allows.
    let numbers = "'[" + Array(repeating: "0.1", count: 20000).joined(separator: ",") + "]'"
    let arguments = "mse --input \(numbers) --target 0 --reduction none --format csv --show elementwise"
    let script = "trap '' XFSZ; ulimit -f 1; exec '\(binary)' \(arguments) -o '\(path)'"
    let result = try runShell(script)
    #expect(result.status == 1, "\(result.stderr)")
    #expect(result.stderr.contains("swiftloss: error: \(path): cannot write the output: "), "\(result.stderr)")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "old contents\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["big.csv"])

    let mountPoint = directory + "/tiny"
    try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
    guard (try? runShell("mount -t tmpfs -o size=16k tmpfs '\(mountPoint)'"))?.status == 0 else {
      print("skipped the tmpfs part: a tmpfs cannot be mounted here (needs privileges)")
      return
    }
    defer { _ = try? runShell("umount '\(mountPoint)'") }
    let onTmpfs = mountPoint + "/big.csv"
    try "old contents\n".write(toFile: onTmpfs, atomically: false, encoding: .utf8)
    let full = try runShell("exec '\(binary)' \(arguments) -o '\(onTmpfs)'")
    #expect(full.status == 1)
    #expect(full.stderr.contains("No space left on device"), "\(full.stderr)")
    #expect(try String(contentsOfFile: onTmpfs, encoding: .utf8) == "old contents\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: mountPoint) == ["big.csv"])
  }

  @Test func outputToDevFullIsAWriteError() throws {
    guard FileManager.default.isWritableFile(atPath: "/dev/full") else {
      print("skipped: no /dev/full")
      return
    }
    let result = try runBinary(["mse", "--input", "[1, 2]", "--target", "[0, 0]", "-o", "/dev/full"])
    #expect(result.status == 1)
    #expect(result.stderr == "swiftloss: error: /dev/full: cannot write the output: No space left on device\n")
  }

  @Test func svgIsWrittenAtomicallyToo() throws {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/plot.svg"
    let result = run(["plot", "mse", "--svg", path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      try String(contentsOfFile: path, encoding: .utf8).hasPrefix("<svg")
        || (try String(contentsOfFile: path, encoding: .utf8)).contains("<svg"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["plot.svg"])
    let missing = run(["plot", "mse", "--svg", directory + "/no/such/dir/plot.svg"])
    expectError(missing, status: 1, containing: ["cannot write the SVG"])
  }

  // MARK: - --expect

  /// mse of [0, 0] against [1, 2] is exactly 2.5, so the boundaries below are exact in float64.
  func expect(_ extra: [String]) -> RunResult {
    run(["mse", "--input", "[0, 0]", "--target", "[1, 2]", "--show", "loss"] + extra, realReaders: true)
  }

  @Test func expectAtTheToleranceBoundary() {
    // |2.5 − 2| = 0.5: exactly at atol matches, a hair less does not.
    let at = expect(["--expect", "2", "--atol", "0.5", "--rtol", "0"])
    #expect(at.status == 0 && at.stdout == "2.5\n" && at.stderr.isEmpty)
    let outside = expect(["--expect", "2", "--atol", "0.49999999999999994", "--rtol", "0"])
    #expect(outside.status == 3)
    #expect(outside.stdout.isEmpty)
    #expect(outside.stderr == "swiftloss: mismatch: expected 2.0, got 2.5 (abs diff 0.5, rel diff 0.25)\n")
    // rtol·|expected| = 0.25·2 = 0.5.
    #expect(expect(["--expect", "2", "--rtol", "0.25", "--atol", "0"]).status == 0)
    #expect(expect(["--expect", "2", "--rtol", "0.24999999999999997", "--atol", "0"]).status == 3)
    // Defaults for float64: rtol 1e-7, atol 1e-7, so 2.5 ± 3.5e-7.
    #expect(expect(["--expect", "2.5000003"]).status == 0)
    #expect(expect(["--expect", "2.5000004"]).status == 3)
    // float32: rtol 1.3e-6, atol 1e-5: 2.5 ± 1.325e-5.
    #expect(expect(["--expect", "2.50001", "--dtype", "float32"]).status == 0)
    #expect(expect(["--expect", "2.50002", "--dtype", "float32"]).status == 3)
  }

  @Test func expectNeedsAReducedLossAndToleranceNeedsExpect() {
    expectError(expect(["--expect", "1", "--reduction", "none"]), status: 2, containing: ["reduction 'none'"])
    expectError(expect(["--rtol", "0.1"]), status: 2, containing: ["--expect"])
    expectError(expect(["--expect", "abc"]), status: 2, containing: ["--expect"])
    #expect(expect(["--expect", "nan"]).status == 3)
  }

  // MARK: - --dtype

  @Test func dtypePrintsTheShortestRoundTripOfTheDtype() throws {
    let float64 = try #require(
      Double(
        run(
          ["ce", "--input", "[[1.0, 2.5, 0.3], [0.1, 0.2, 3.0]]", "--target", "[1, 2]", "--show", "loss"],
          realReaders: true
        ).stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    let float32 = run(
      [
        "ce", "--input", "[[1.0, 2.5, 0.3], [0.1, 0.2, 3.0]]", "--target", "[1, 2]", "--show", "loss", "--dtype",
        "float32",
      ],
      realReaders: true)
    // Rounding the inputs to float32 moves the result by far less than a float32 ulp here.
    #expect(float32.stdout == Float(float64).description + "\n")
  }

  /// Every finite float16 prints as Swift's `Float16.description` prints it (an independent
  /// shortest round-trip implementation), and every bfloat16 prints as a decimal that reads back
  /// as itself with at most 4 significant digits (8 bits need no more), except whole numbers below
  /// 2^24, which print exactly as `description` prints them.
  @Test func sixteenBitSpellingsRoundTrip() {
    let numbers16 = NumberWriter(notation: .shortest, json: false, dtype: .float16)
    let numbersB16 = NumberWriter(notation: .shortest, json: false, dtype: .bfloat16)
    var failures: [String] = []
    for bits in UInt16.min...UInt16.max {
      #if arch(x86_64) || arch(arm64)
        let half = Float16(bitPattern: bits)
        if half.isFinite {
          let text = numbers16.string(Double(half))
          if text != half.description && failures.count < 10 { failures.append("float16 \(half.description): \(text)") }
        }
      #endif
      let brain = Double(Float(bitPattern: UInt32(bits) << 16))
      if brain.isFinite {
        let text = numbersB16.string(brain)
        let back = Double(text).map(FloatDType.bfloat16.roundResult)
        let whole = brain.rounded() == brain && abs(brain) < 0x1p24
        if back != brain || (whole ? text != Float(brain).description : significantDigits(text) > 4),
          failures.count < 10
        {
          failures.append("bfloat16 \(brain): \(text)")
        }
      }
    }
    #expect(failures.isEmpty, "\(failures)")
  }

  /// `1.25e-05` → 3, `10000.0` → 1.
  func significantDigits(_ text: String) -> Int {
    let mantissa = text.split(separator: "e").first.map(String.init) ?? text
    var digits = mantissa.filter(\.isNumber)
    while digits.hasPrefix("0") { digits.removeFirst() }
    while digits.hasSuffix("0") { digits.removeLast() }
    return max(digits.count, 1)
  }

  @Test func badDtypeIsAUsageError() {
    expectError(expect(["--dtype", "int8"]), status: 2, containing: ["--dtype"])
  }
}

/// Runs `/bin/sh -c script`.
func runShell(_ script: String) throws -> (status: Int32, stdout: String, stderr: String) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/bin/sh")
  process.arguments = ["-c", script]
  let outPipe = Pipe()
  let errPipe = Pipe()
  process.standardOutput = outPipe
  process.standardError = errPipe
  try process.run()
  let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
  let errData = errPipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}
