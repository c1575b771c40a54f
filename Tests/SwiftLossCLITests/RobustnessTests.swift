import Foundation
import Testing

/// Issue 7: output errors are never silent, and NaN/inf inputs reach the output exactly as PyTorch
/// gives them (never dropped), through every reader.
@Suite struct RobustnessTests {
  // MARK: - Output errors

  @Test func computeOutputToDevFullIsAWriteError() throws {
    guard FileManager.default.isWritableFile(atPath: "/dev/full") else { return }
    for format in ["text", "json"] {
      let result = try runBinary(
        ["mse", "--input", "[1,2,3]", "--target", "[1,2,4]", "--format", format], stdoutPath: "/dev/full")
      #expect(result.status == 1, "\(format)")
      #expect(result.stderr == "swiftloss: error: write error: No space left on device\n", "\(format)")
    }
    // A large output (several chunks) fails on its first write too, never silently.
    let large = "[" + Array(repeating: "0.5", count: 200_000).joined(separator: ",") + "]"
    let directory = NSTemporaryDirectory() + "swiftloss-robust-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try large.write(toFile: directory + "/large.json", atomically: true, encoding: .utf8)
    let result = try runBinary(
      ["mse", "--input", directory + "/large.json", "--target", "1", "--format", "json"], stdoutPath: "/dev/full")
    #expect(result.status == 1)
    #expect(result.stderr.hasSuffix("swiftloss: error: write error: No space left on device\n"))
    #expect(
      result.stderr.split(separator: "\n").allSatisfy {
        $0.hasPrefix("swiftloss: warning: ") || $0.hasPrefix("swiftloss: error: ")
      })
  }

  /// A closed pipe (`swiftloss ... | head -c1`): with SIGPIPE at its default the process ends by
  /// SIGPIPE like other Unix filters (status 141 in a shell), silently; where the parent ignores
  /// SIGPIPE (the ignored disposition is inherited), the write fails with EPIPE and swiftloss exits 1
  /// with `write error: Broken pipe`. Either way it never reports success.
  @Test func closedPipeEndsTheProcessOrIsAWriteError() throws {
    _ = MalformedCatalogue.ignoreSIGPIPE
    let large = "[" + Array(repeating: "0.25", count: 100_000).joined(separator: ",") + "]"
    let directory = NSTemporaryDirectory() + "swiftloss-pipe-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try large.write(toFile: directory + "/large.json", atomically: true, encoding: .utf8)

    let process = Process()
    process.executableURL = builtBinary
    process.arguments = ["mse", "--input", directory + "/large.json", "--target", "1", "--format", "json"]
    let outPipe = Pipe(), errPipe = Pipe()
    try outPipe.fileHandleForReading.close()  // no reader: the first write gets EPIPE / SIGPIPE
    process.standardOutput = outPipe
    process.standardError = errPipe
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let stderr = String(decoding: errPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let errorLines = stderr.split(separator: "\n").filter { !$0.hasPrefix("swiftloss: warning: ") }
    if process.terminationReason == .uncaughtSignal {
      #expect(process.terminationStatus == SIGPIPE)
      #expect(errorLines.isEmpty, "\(stderr)")
    } else {
      #expect(process.terminationStatus == 1)
      #expect(errorLines == ["swiftloss: error: write error: Broken pipe"], "\(stderr)")
    }
  }

  @Test func closedStandardOutputIsAWriteError() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "exec \"$0\" --version >&-", builtBinary.path]
    let errPipe = Pipe()
    process.standardError = errPipe
    try process.run()
    let stderr = String(decoding: errPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == 1)
    #expect(stderr == "swiftloss: error: write error: Bad file descriptor\n")
  }

  // MARK: - Fuzzer findings

  /// args fuzzer: `plot` with a range of ~1e77 trapped converting tick labels to Int
  /// (PlotRendering `String(format3:)`); fuzz/corpus/args/crash-plot-huge-range.
  @Test func plotWithAHugeRangeDoesNotTrap() throws {
    let range = "-" + String(repeating: "8", count: 77) + ":12"
    for extra in [[], ["--svg", "-"], ["--derivative"]] {
      let result = run(["plot", "mse", "huber", "--range", range, "--delta", "5.5,1"] + extra)
      #expect(result.status == 0, "\(extra): \(result.stderr)")
      #expect(result.stdout.contains("e+76"), "\(extra)")
    }
    let tiny = run(["plot", "l1", "--range", "1e-300:2e-300"])
    #expect(tiny.status == 0, "\(tiny.stderr)")
    // A range whose width overflows is a usage error, like any other bad range.
    expectError(run(["plot", "mse", "--range", "-1e308:1e308"]), status: 2, containing: ["--range"])
  }

  /// Corpus replay (debug build): with 10 or more curves the curve number `10` was made a
  /// `Character`, which traps in debug builds (and is malformed in release ones).
  @Test func plotWithTenOrMoreCurvesDoesNotTrap() {
    let result = run(["plot", "l1", "mse", "huber", "--delta", "0.5,1,2,3,4,5,6,7,8,9,10"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("[9] huber (delta=6.0)") && result.stdout.contains("[d] huber (delta=10.0)"))
  }

  // MARK: - NaN and inf propagate

  /// Expected values from PyTorch 2.15 (Scripts/nonfinite_expectations.py),
  /// as the JSON output spells them.
  struct Expectation: Sendable, CustomTestStringConvertible {
    var name: String
    var arguments: [String]
    var files: [String: [UInt8]]
    var loss: JSONNumber
    var elementwise: [JSONNumber]
    var gradInput: [JSONNumber]
    var testDescription: String { name }
  }

  /// A JSON output number; finite values compare to 1e-12 relative (the engine's tolerance
  /// against PyTorch), non-finite ones exactly.
  enum JSONNumber: Sendable, Equatable, CustomStringConvertible {
    case value(Double)
    case nan, inf, minusInf

    static func == (a: JSONNumber, b: JSONNumber) -> Bool {
      switch (a, b) {
      case (.value(let x), .value(let y)): return x == y || abs(x - y) <= 1e-12 * max(abs(x), abs(y))
      case (.nan, .nan), (.inf, .inf), (.minusInf, .minusInf): return true
      default: return false
      }
    }

    init?(_ any: Any) {
      switch any {
      case let text as String:
        switch text {
        case "NaN": self = .nan
        case "Infinity": self = .inf
        case "-Infinity": self = .minusInf
        default: return nil
        }
      case let number as NSNumber: self = .value(number.doubleValue)
      default: return nil
      }
    }

    var description: String {
      switch self {
      case .value(let x): return "\(x)"
      case .nan: return "NaN"
      case .inf: return "Infinity"
      case .minusInf: return "-Infinity"
      }
    }
  }

  static func npy(_ values: [Double], shape: [Int]) -> [UInt8] {
    let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    var header = Array("{'descr': '<f8', 'fortran_order': False, 'shape': \(dims), }".utf8)
    while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
    header.append(0x0A)
    let data = values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header + data
  }

  static let expectations: [Expectation] = [
    Expectation(
      name: "mse, CSV", arguments: ["mse", "--input", "input.csv", "--target", "target.csv"],
      files: ["input.csv": Array("1,nan,inf,2\n".utf8), "target.csv": Array("1\n2\nInfinity\n-inf\n".utf8)],
      loss: .nan, elementwise: [.value(0), .nan, .nan, .inf], gradInput: [.value(0), .nan, .nan, .inf]),
    Expectation(
      name: "l1 sum, JSON",
      arguments: ["l1", "--input", "input.json", "--target", "[[0,1],[0.5,0]]", "--reduction", "sum"],
      files: ["input.json": Array("[[Infinity, 1], [0.5, \"-Infinity\"]]".utf8)],
      loss: .inf, elementwise: [.inf, .value(0), .value(0), .inf],
      gradInput: [.value(1), .value(0), .value(0), .value(-1)]),
    Expectation(
      name: "huber, npy", arguments: ["huber", "--input", "input.npy", "--target", "[0,0,0]"],
      files: ["input.npy": npy([.infinity, 0.5, .nan], shape: [3])],
      loss: .nan, elementwise: [.inf, .value(0.125), .nan],
      gradInput: [.value(0.3333333333333333), .value(0.16666666666666666), .nan]),
    Expectation(
      name: "bce_with_logits, npy", arguments: ["bce_with_logits", "--input", "input.npy", "--target", "[0,1,0.5]"],
      files: ["input.npy": npy([-.infinity, .infinity, 0], shape: [3])],
      loss: .nan, elementwise: [.nan, .nan, .value(0.6931471805599453)], gradInput: [.value(0), .value(0), .value(0)]),
    Expectation(
      name: "cross_entropy, JSON", arguments: ["ce", "--input", "input.json", "--target", "[0,2]"],
      files: ["input.json": Array("[[1, NaN, 0], [1, 2, 3]]".utf8)],
      loss: .nan, elementwise: [.nan, .value(0.4076059644443804)],
      gradInput: [
        .nan, .nan, .nan, .value(0.04501528658519022), .value(0.12236423552739882), .value(-0.1673795221125891),
      ]),
    Expectation(
      name: "kl_div sum, CSV",
      arguments: ["kl", "--input", "input.csv", "--target", "target.csv", "--reduction", "sum"],
      files: ["input.csv": Array("-inf,-1,0\n".utf8), "target.csv": Array("0,0.5,inf\n".utf8)],
      loss: .nan, elementwise: [.nan, .value(0.15342640972002736), .nan],
      gradInput: [.value(-0.0), .value(-0.5), .minusInf]),
  ]

  @Test(arguments: expectations)
  func nonFiniteValuesReachTheOutput(_ expectation: Expectation) throws {
    let directory = NSTemporaryDirectory() + "swiftloss-nonfinite-\(getpid())-\(abs(expectation.name.hashValue))"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    for (name, bytes) in expectation.files {
      #expect(FileManager.default.createFile(atPath: directory + "/" + name, contents: Data(bytes)))
    }
    let arguments = expectation.arguments.map { expectation.files[$0] != nil ? directory + "/" + $0 : $0 }

    // JSON: every number equal to PyTorch's, NaN and infinities as strings.
    let json = run(arguments + ["--format", "json"], realReaders: true)
    #expect(json.status == 0, "\(json.stderr)")
    let object = try json.json()
    #expect(JSONNumber(object["value"] as Any) == expectation.loss)
    let elementwise = try #require(object["elementwise"] as? [String: Any])
    #expect(Self.flatten(elementwise["data"]) == expectation.elementwise)
    let gradients = try #require(object["gradients"] as? [String: Any])
    let input = try #require(gradients["input"] as? [String: Any])
    #expect(Self.flatten(input["data"]) == expectation.gradInput)

    // Text: the same non-finite values as nan/inf.
    let text = run(arguments, realReaders: true)
    #expect(text.status == 0, "\(text.stderr)")
    let loss = run(arguments + ["--show", "loss"], realReaders: true)
    switch expectation.loss {
    case .nan: #expect(loss.stdout == "nan\n")
    case .inf: #expect(loss.stdout == "inf\n")
    case .minusInf: #expect(loss.stdout == "-inf\n")
    case .value: break
    }
    let textNaNs = text.stdout.components(separatedBy: "nan").count - 1
    let expectedNaNs = ([expectation.loss] + expectation.elementwise + expectation.gradInput).filter { $0 == .nan }
      .count
    #expect(textNaNs >= expectedNaNs, "\(text.stdout)")
    if expectation.elementwise.contains(.inf) { #expect(text.stdout.contains("inf")) }
  }

  static func flatten(_ any: Any?) -> [JSONNumber]? {
    guard let any else { return nil }
    if let array = any as? [Any] {
      var result: [JSONNumber] = []
      for element in array {
        guard let inner = flatten(element) else { return nil }
        result += inner
      }
      return result
    }
    return JSONNumber(any).map { [$0] }
  }
}
