import Foundation
import Testing

/// The catalogue of malformed invocations (issue 7), each run against the real `swiftloss` binary in
/// a subprocess: the contract's exit status (1 data, 2 usage), nothing on standard output, exactly
/// one standard-error line starting `swiftloss: error: `, the file and `line:col` where there is a
/// position, and no crash (a signal is a failure).
///
/// The input files are generated once in a temporary directory, which is the subprocesses' working
/// directory, so messages name them by their plain names (`ragged.csv:2:1`).
@Suite struct MalformedInvocationTests {
  @Test(arguments: MalformedCatalogue.cases)
  func malformedInvocationFailsCleanly(_ invocation: MalformedCatalogue.Case) throws {
    let result = try MalformedCatalogue.run(invocation.arguments, stdin: invocation.stdin)
    #expect(!result.signalled, "crashed with signal \(result.status): \(result.stderr)")
    #expect(result.status == invocation.status, "stderr: \(result.stderr)")
    #expect(result.stdout.isEmpty, "stdout: \(result.stdout.prefix(200))")
    let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == 2 && lines[1].isEmpty, "not exactly one line: \(result.stderr.prefix(500))")
    #expect(result.stderr.hasPrefix("swiftloss: error: "), "stderr: \(result.stderr.prefix(500))")
    if let place = invocation.place {
      #expect(MalformedCatalogue.starts(result.stderr, at: place), "expected at \(place): \(result.stderr.prefix(500))")
    }
    for fragment in invocation.mentions {
      #expect(result.stderr.contains(fragment), "expected '\(fragment)' in: \(result.stderr.prefix(500))")
    }
    #expect(result.seconds < 20, "took \(result.seconds) s")
  }

  @Test func catalogueIsLargeEnough() {
    #expect(MalformedCatalogue.cases.count >= 60)
    #expect(Set(MalformedCatalogue.cases.map(\.name)).count == MalformedCatalogue.cases.count)
  }

  /// Controls for the catalogue's large files: the 10 MB line that is fine succeeds.
  @Test func tenMegabyteLineThatIsFineSucceeds() throws {
    let result = try MalformedCatalogue.run(["mse", "--input", "long_ok.csv", "--target", "1.5", "--show", "loss"])
    #expect(!result.signalled)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.stdout == "0.0\n")
  }

  /// Resource bounds: a broadcast of (10^5, 1) with (1, 10^5) is refused at once, not attempted.
  @Test func hugeBroadcastIsADataErrorQuickly() throws {
    let result = try MalformedCatalogue.run(["mse", "--input", "column.npy", "--target", "row.npy"])
    #expect(!result.signalled)
    #expect(result.status == 1)
    #expect(result.stdout.isEmpty)
    #expect(
      result.stderr.hasPrefix("swiftloss: error: ") && result.stderr.contains("too many elements"), "\(result.stderr)")
    #expect(result.seconds < 5)
  }
}

enum MalformedCatalogue {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var arguments: [String]
    var status: Int32
    /// What the message must start with after `swiftloss: error: `: `file:line:col`, or the file;
    /// `file:*` means the file with some `line:col`.
    var place: String?
    var mentions: [String]
    var stdin: [UInt8]?
    var testDescription: String { name }
  }

  static func data(
    _ name: String, _ arguments: [String], at place: String? = nil, _ mentions: String..., stdin: String? = nil
  ) -> Case {
    Case(
      name: name, arguments: arguments, status: 1, place: place, mentions: mentions, stdin: stdin.map { Array($0.utf8) }
    )
  }

  static func usage(_ name: String, _ arguments: [String], _ mentions: String..., stdin: String? = nil) -> Case {
    Case(
      name: name, arguments: arguments, status: 2, place: nil, mentions: mentions, stdin: stdin.map { Array($0.utf8) })
  }

  static let matrix = "[[1,2],[3,4]]"
  static let longLineFields = 2_500_000  // "1.5," × 2.5 M: a 10 MB line

  static let cases: [Case] = [
    // MARK: Delimited text
    data(
      "ragged CSV", ["mse", "--input", "ragged.csv", "--target", "ok.csv"], at: "ragged.csv:2:1", "expected 3 fields",
      "found 2"),
    data(
      "ragged TSV", ["mse", "--input", "ragged.tsv", "--target", "1"], at: "ragged.tsv:3:1", "expected 2 fields",
      "found 3"),
    data(
      "ragged CSV on stdin", ["mse", "--input", "-", "--target", "1"], at: "<stdin>:2:1", "expected 2 fields",
      stdin: "1,2\n3\n"),
    data("non-numeric field", ["mse", "--input", "nonnum.csv", "--target", "ok.csv"], at: "nonnum.csv:2:3", "abc"),
    data(
      "non-numeric field with a semicolon delimiter",
      ["mse", "--input", "semi.txt", "--target", "1", "--delimiter", ";"], at: "semi.txt:1:5", "x2"),
    data("number out of range", ["mse", "--input", "overflow.csv", "--target", "1"], at: "overflow.csv:2:3", "1e400"),
    data("empty file", ["mse", "--input", "empty.csv", "--target", "1"], at: "empty.csv", "no numbers"),
    data("header-only file", ["mse", "--input", "header.csv", "--target", "1"], at: "header.csv:1"),
    data("comments and blank lines only", ["mse", "--input", "comments.csv", "--target", "1"], at: "comments.csv"),
    data("binary garbage as CSV", ["mse", "--input", "garbage.csv", "--target", "1"], at: "garbage.csv:*"),
    data("binary garbage, sniffed", ["mse", "--input", "garbage.bin", "--target", "1"], at: "garbage.bin:*"),
    data(
      "invalid UTF-8 in a field", ["mse", "--input", "badutf8.csv", "--target", "ok.csv"], at: "badutf8.csv:2:3",
      "\\xff"),
    data("NUL byte in a field", ["mse", "--input", "nul.csv", "--target", "1"], at: "nul.csv:2:3"),
    data(
      "10 MB line with a bad last field", ["mse", "--input", "long_bad.csv", "--target", "1"],
      at: "long_bad.csv:1:\(4 * longLineFields + 1)", "\"x\""),
    data(
      "huge bad field is quoted briefly", ["mse", "--input", "hugefield.csv", "--target", "1"], at: "hugefield.csv:1:3"),
    // MARK: JSON
    data(
      "non-rectangular JSON", ["mse", "--input", "ragged.json", "--target", "1"], at: "ragged.json:1:8",
      "expected 2 elements"),
    data(
      "unbalanced JSON", ["mse", "--input", "unbalanced.json", "--target", "1"], at: "unbalanced.json:1:13",
      "unexpected end of input"),
    data(
      "10^5-deep nesting", ["mse", "--input", "deep.json", "--target", "1"], at: "deep.json:1:65",
      "nested deeper than 64"),
    data(
      "10^5-deep nesting on stdin", ["mse", "--input", "-", "--target", "1"], at: "<stdin>:1:65",
      stdin: String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)),
    data(
      "array mixed with a number", ["mse", "--input", "mixed.json", "--target", "1"], at: "mixed.json:1:8",
      "expected an array"),
    data("string element", ["mse", "--input", "string.json", "--target", "1"], at: "string.json:1:4", "abc"),
    data("text after the value", ["mse", "--input", "trailing.json", "--target", "1"], at: "trailing.json:1:8"),
    data("empty JSON file", ["mse", "--input", "empty.json", "--target", "1"], at: "empty.json"),
    data("invalid UTF-8 in JSON", ["mse", "--input", "badutf8.json", "--target", "1"], at: "badutf8.json:1:4"),
    data(
      "tensor object without data", ["mse", "--input", "nodata.json", "--target", "1"], at: "nodata.json:1:1",
      "\"data\""),
    data(
      "shape and data disagree", ["mse", "--input", "shapedata.json", "--target", "1"], at: "shapedata.json:1:23",
      "needs 4"),
    data(
      "absurd JSON shape", ["mse", "--input", "absurd.json", "--target", "1"], at: "absurd.json:1:11",
      "too many elements"),
    data("unterminated inline literal", ["mse", "--input", "[1,2", "--target", "1"], at: "--input:1:5"),
    data("--data that is not an object", ["mse", "--data", "array.json"], at: "array.json:1:1", "object"),
    data(
      "--data with a duplicate key", ["mse", "--data", "duplicate.json"], at: "duplicate.json:1:14", "duplicate key"),
    // MARK: NumPy
    data(
      "truncated .npy header", ["mse", "--input", "truncated_header.npy", "--target", "1"], at: "truncated_header.npy",
      "truncated .npy header"),
    data(
      "truncated .npy data", ["mse", "--input", "truncated_data.npy", "--target", "1"], at: "truncated_data.npy",
      "truncated .npy data"),
    data(
      "absurd .npy dimensions", ["mse", "--input", "absurd.npy", "--target", "1"], at: "absurd.npy", "too many elements"
    ),
    data(".npy with object dtype", ["mse", "--input", "object.npy", "--target", "1"], at: "object.npy", "'|O'"),
    data(".npy with complex dtype", ["mse", "--input", "complex.npy", "--target", "1"], at: "complex.npy", "<c16"),
    data(".npy with an unknown version", ["mse", "--input", "version.npy", "--target", "1"], at: "version.npy"),
    data(".npy header that is not a dict", ["mse", "--input", "badheader.npy", "--target", "1"], at: "badheader.npy"),
    // MARK: Shapes
    data(
      "mse shapes that do not broadcast", ["mse", "--input", "ok.csv", "--target", "[1,2,3]"], "size of tensor a (2)",
      "tensor b (3)"),
    data(
      "cross_entropy batch mismatch", ["ce", "--input", "ok.csv", "--target", "[[0,1]]"], "batch_size (2)",
      "batch_size (1)"),
    data("nll batch mismatch", ["nll", "--input", "[[1,2,3]]", "--target", "[0,1]"], "batch_size"),
    data(
      "margin_ranking shapes", ["margin_ranking", "--input1", "[1,2]", "--input2", "[1,2,3]", "--target", "[1]"],
      "size of tensor"),
    data(
      "triplet_margin shapes",
      ["triplet_margin", "--anchor", "[[1,2]]", "--positive", "[[1,2,3]]", "--negative", "[[1,2]]"], "size of tensor"),
    data(
      "cosine_embedding shapes",
      ["cosine_embedding", "--input1", "[[1,2]]", "--input2", "[[1,2,3]]", "--target", "[1]"], "size of tensor"),
    data(
      "multilabel_margin target shape", ["multilabel_margin", "--input", "[[1,2,3]]", "--target", "[[1,2]]"],
      "inconsistent target size"),
    data(
      "gaussian_nll var shape", ["gaussian_nll", "--input", matrix, "--target", matrix, "--var", "[1,2,3]"],
      "var is of incorrect size"),
    // MARK: Values
    data(
      "class index out of range (file row)", ["ce", "--input", "logits.csv", "--target", "targets.csv"],
      at: "targets.csv:3:1", "index 7", "3 classes"),
    data(
      "negative class index", ["ce", "--input", "logits.csv", "--target", "negative_targets.csv"],
      at: "negative_targets.csv:2:1", "-1"),
    data(
      "fractional class index", ["ce", "--input", "logits.csv", "--target", "fraction_targets.json"],
      at: "fraction_targets.json:1:5", "1.5", "integral"),
    data("nll index out of range", ["nll", "--input", "logits.csv", "--target", "[0,3,1]"], at: "--target:1:4", "3"),
    data(
      "multi_margin index out of range", ["multi_margin", "--input", "[[1,2,3]]", "--target", "[3]"], at: "--target:1:2"
    ),
    data(
      "ctc input length beyond the frames",
      [
        "ctc", "--log-probs", "[[[-1,-1]]]", "--targets", "[[1,1]]", "--input-lengths", "[5]", "--target-lengths",
        "[2]",
      ],
      at: "--input-lengths:1:2", "at most 1"),
    data(
      "ctc target length beyond the targets",
      [
        "ctc", "--log-probs", "[[[-1,-1]],[[-1,-1]]]", "--targets", "[[1,1]]", "--input-lengths", "[2]",
        "--target-lengths", "[3]",
      ],
      "at least 3"),
    data(
      "ctc negative target length",
      [
        "ctc", "--log-probs", "[[[-1,-1]],[[-1,-1]]]", "--targets", "[[1]]", "--input-lengths", "[2]",
        "--target-lengths", "[-1]",
      ],
      at: "--target-lengths:1:2", "at least 0"),
    data(
      "ctc lengths for another batch size",
      [
        "ctc", "--log-probs", "[[[-1,-1]],[[-1,-1]]]", "--targets", "[[1,1]]", "--input-lengths", "[2,2]",
        "--target-lengths", "[2]",
      ],
      "batch_size"),
    data(
      "ctc blank in the targets",
      [
        "ctc", "--log-probs", "[[[-1,-1]],[[-1,-1]]]", "--targets", "[[1,0]]", "--input-lengths", "[2]",
        "--target-lengths", "[2]",
      ],
      at: "--targets:1:5", "blank"),
    data(
      "gaussian_nll negative var (file position)",
      ["gaussian_nll", "--input", "ok.csv", "--target", "ok.csv", "--var", "var.csv"], at: "var.csv:2:1", "negative"),
    data(
      "bce input above 1", ["bce", "--input", "probabilities.csv", "--target", "[0,1,0]"], at: "probabilities.csv:1:5",
      "between 0 and 1"),
    data(
      "bce input below 0", ["bce", "--input", "[0.5,-0.25]", "--target", "[0,1]"], at: "--input:1:6", "between 0 and 1"),
    // MARK: Option values
    usage(
      "multi_margin --p 3", ["multi_margin", "--input", "[[1,2,3]]", "--target", "[0]", "--p", "3"], "p == 1 and p == 2"
    ),
    usage(
      "triplet_margin --margin 0",
      ["triplet_margin", "--anchor", matrix, "--positive", matrix, "--negative", matrix, "--margin", "0"],
      "margin must be greater than 0"),
    usage(
      "triplet_margin_with_distance --margin -1",
      [
        "triplet_margin_with_distance", "--anchor", matrix, "--positive", matrix, "--negative", matrix, "--margin",
        "-1",
      ], "greater than 0"),
    usage(
      "--reduction foo", ["mse", "--input", "1", "--target", "1", "--reduction", "foo"], "'foo'", "none, mean, sum"),
    usage("batchmean for mse", ["mse", "--input", "1", "--target", "1", "--reduction", "batchmean"], "'batchmean'"),
    usage("huber --delta -1", ["huber", "--input", "1", "--target", "1", "--delta", "-1"], "delta"),
    usage("smooth_l1 --beta -1", ["smooth_l1", "--input", "1", "--target", "1", "--beta", "-1"], "beta"),
    usage(
      "--ignore-index 1.5", ["ce", "--input", matrix, "--target", "[0,1]", "--ignore-index", "1.5"], "'1.5'",
      "--ignore-index"),
    usage(
      "--label-smoothing 1.5", ["ce", "--input", matrix, "--target", "[0,1]", "--label-smoothing", "1.5"],
      "label_smoothing"),
    usage(
      "--margin abc", ["margin_ranking", "--input1", "1", "--input2", "1", "--target", "1", "--margin", "abc"], "'abc'"),
    usage("--full=maybe", ["gaussian_nll", "--input", "1", "--target", "1", "--var", "1", "--full=maybe"], "'maybe'"),
    usage("--precision -1", ["mse", "--input", "1", "--target", "1", "--precision", "-1"], "--precision"),
    usage("--format xml", ["mse", "--input", "1", "--target", "1", "--format", "xml"], "'xml'"),
    usage("--show foo", ["mse", "--input", "1", "--target", "1", "--show", "foo"], "--show"),
    usage(
      "--delimiter of two characters", ["mse", "--input", "ok.csv", "--target", "1", "--delimiter", "ab"], "--delimiter"
    ),
    // MARK: Names and flags
    usage("no arguments", [], "no loss given"),
    usage("unknown loss with a suggestion", ["msee", "--input", "1"], "unknown loss 'msee'", "did you mean 'mse'"),
    usage("unknown loss without a suggestion", ["qqqqqqqqqqqqq"], "unknown loss", "swiftloss list"),
    usage(
      "unknown option with a suggestion",
      ["margin_ranking", "--input1", "1", "--input2", "1", "--target", "1", "--marign", "1"], "'--marign'",
      "did you mean '--margin'"),
    usage(
      "option the loss does not take", ["mse", "--input", "1", "--target", "1", "--beta", "3"], "does not take --beta",
      "--reduction"),
    usage(
      "legacy flag the loss does not take", ["huber", "--input", "1", "--target", "1", "--size-average", "false"],
      "--size-average"),
    usage("missing tensor", ["mse", "--input", "1"], "needs --target"),
    usage("flag without its value", ["mse", "--input", "1", "--target"], "--target needs a value"),
    usage("tensor given twice", ["mse", "--input", "1", "--target", "1", "--input", "2"], "given twice"),
    usage("stray operand", ["mse", "--input", "1", "--target", "1", "extra"], "'extra'"),
    usage(
      "two tensors from stdin", ["mse", "--input", "-", "--target", "-"], "--input and --target both use '-'",
      stdin: "1\n"),
    usage(
      "stdin for --data and a tensor", ["mse", "--data", "-", "--input", "-", "--target", "1"],
      "--data and --input both use", stdin: "{}"),
    usage(
      "--data without a required tensor, an unknown key instead", ["mse", "--data", "unknown_key.json"],
      "needs --target", "'label'"),
    usage(
      "--shape of a tensor the loss lacks", ["mse", "--input", "1", "--target", "1", "--shape", "anchor=1"], "anchor"),
    usage("--shape that is not a shape", ["mse", "--input", "1", "--target", "1", "--shape", "input=a"], "'a'"),
    data("missing file", ["mse", "--input", "missing.csv", "--target", "1"], at: "missing.csv", "no such file"),
    data("directory as file", ["mse", "--input", "directory.csv", "--target", "1"], at: "directory.csv", "directory"),
    data("--data file missing", ["mse", "--data", "missing.json"], at: "missing.json"),
    // MARK: Resource bounds
    data(
      "--shape whose product overflows",
      ["mse", "--input", "[1,2]", "--target", "[1]", "--shape", "input=99999999999,99999999999"], "too many elements"),
    data(
      "--shape count mismatch", ["mse", "--input", "[1,2]", "--target", "[1,2]", "--shape", "input=3"], "2 elements",
      "3 elements"),
    data(
      "--shape with 65 dimensions",
      [
        "mse", "--input", "[1]", "--target", "[1]", "--shape",
        "input=" + Array(repeating: "1", count: 65).joined(separator: ","),
      ],
      "65 dimensions", "64"),
    data(
      "broadcast of (10^5, 1) with (1, 10^5)", ["mse", "--input", "column.npy", "--target", "row.npy"],
      "broadcasting input (100000, 1) with target (1, 100000)", "too many elements"),
  ]

  // MARK: - Running

  /// Whether `stderr` is `swiftloss: error: PLACE: ...`; a place `file:*` matches any `file:L:C`.
  static func starts(_ stderr: String, at place: String) -> Bool {
    let prefix = "swiftloss: error: "
    guard place.hasSuffix(":*") else { return stderr.hasPrefix(prefix + place + ": ") }
    let label = prefix + place.dropLast()
    guard stderr.hasPrefix(label) else { return false }
    let parts = stderr.dropFirst(label.count).split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
    return parts.count == 3 && Int(parts[0]) != nil && Int(parts[1]) != nil && parts[2].hasPrefix(" ")
  }

  /// The test process must survive writing to a subprocess that exited without reading its input.
  static let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

  struct Result {
    var status: Int32
    var signalled: Bool
    var stdout: String
    var stderr: String
    var seconds: Double
  }

  static func run(_ arguments: [String], stdin: [UInt8]? = nil) throws -> Result {
    _ = ignoreSIGPIPE
    let process = Process()
    process.executableURL = Bundle.main.bundleURL.appendingPathComponent("swiftloss")
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let outPipe = Pipe(), errPipe = Pipe()
    process.standardOutput = outPipe
    process.standardError = errPipe
    let inPipe = Pipe()
    process.standardInput = stdin == nil ? FileHandle.nullDevice : inPipe
    let start = Date()
    try process.run()
    if let stdin {
      // Write from another thread: a large stdin must not block reading the outputs.
      let writer = inPipe.fileHandleForWriting
      DispatchQueue.global().async {
        try? writer.write(contentsOf: Data(stdin))
        try? writer.close()
      }
    }
    // A watchdog: a hang ends in a signal, which the test reports.
    DispatchQueue.global().asyncAfter(deadline: .now() + 60) { if process.isRunning { process.terminate() } }
    final class Box: @unchecked Sendable { var data = Data() }
    let errBox = Box()
    let errDone = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
      errBox.data = errPipe.fileHandleForReading.readDataToEndOfFile()
      errDone.signal()
    }
    let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
    errDone.wait()
    let errData = errBox.data
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
      stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self),
      seconds: Date().timeIntervalSince(start))
  }

  // MARK: - Files

  /// The working directory of the subprocesses, with every input file of the catalogue.
  static let directory: String = {
    let path = NSTemporaryDirectory() + "swiftloss-malformed-\(getpid())"
    try? FileManager.default.removeItem(atPath: path)
    // About 25 MB of files: removed when the test process exits.
    atexit {
      try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "swiftloss-malformed-\(getpid())")
    }
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    func write(_ name: String, _ bytes: [UInt8]) {
      _ = FileManager.default.createFile(atPath: path + "/" + name, contents: Data(bytes))
    }
    func write(_ name: String, _ text: String) { write(name, Array(text.utf8)) }

    write("ok.csv", "1,2\n3,4\n")
    write("ragged.csv", "1,2,3\n4,5\n")
    write("ragged.tsv", "1\t2\n3\t4\n5\t6\t7\n")
    write("nonnum.csv", "1,2\n3,abc\n")
    write("semi.txt", "1;2;x2\n")
    write("overflow.csv", "1,2\n3,1e400\n")
    write("empty.csv", "")
    write("header.csv", "a,b,c\n")
    write("comments.csv", "# only a comment\n\n# and another\n")
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var garbage: [UInt8] = []
    for _ in 0..<4096 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      garbage.append(UInt8(truncatingIfNeeded: state >> 33))
    }
    garbage[0] = 0xC3  // not a digit, not JSON, not the .npy magic
    write("garbage.csv", garbage)
    write("garbage.bin", garbage)
    write("badutf8.csv", [UInt8]("1,2\n3,".utf8) + [0xFF, 0xFE, 0x0A])
    write("nul.csv", [UInt8]("1,2\n3,".utf8) + [0x00, 0x0A])
    var longLine = [UInt8](repeating: 0, count: 0)
    longLine.reserveCapacity(4 * longLineFields + 4)
    for _ in 0..<longLineFields { longLine += [0x31, 0x2E, 0x35, 0x2C] }  // "1.5,"
    var longOK = longLine
    longOK.removeLast()
    write("long_ok.csv", longOK + [0x0A])
    write("long_bad.csv", longLine + [UInt8(ascii: "x"), 0x0A])
    write("hugefield.csv", "1," + String(repeating: "x", count: 1_000_000) + "\n")

    write("ragged.json", "[[1,2],[3]]")
    write("unbalanced.json", "[[1,2],[3,4]")
    write("deep.json", String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))
    write("mixed.json", "[[1,2],3]")
    write("string.json", "[1,\"abc\"]")
    write("trailing.json", "[1, 2] x")
    write("empty.json", "")
    write("badutf8.json", [UInt8]("[1,".utf8) + [0xFF, UInt8(ascii: "]")])
    write("nodata.json", "{\"foo\": 1}")
    write("shapedata.json", "{\"shape\":[2,2],\"data\":[1,2,3]}")
    write("absurd.json", "{\"shape\": [1e6,1e6,1e6], \"data\": []}")
    write("array.json", "[1,2]")
    write("duplicate.json", "{\"input\":[1],\"input\":[2],\"target\":[1]}")
    write("unknown_key.json", "{\"input\":[1],\"label\":[1]}")

    func npy(_ header: String, version: UInt8 = 1, data: [UInt8] = []) -> [UInt8] {
      var text = Array(header.utf8)
      while (10 + text.count + 1) % 64 != 0 { text.append(0x20) }
      text.append(0x0A)
      return [0x93] + Array("NUMPY".utf8) + [version, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text + data
    }
    func float64s(_ values: [Double]) -> [UInt8] {
      values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }
    let good = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", data: float64s([1, 2, 3, 4]))
    write("truncated_header.npy", Array(good.prefix(20)))
    write("truncated_data.npy", Array(good.dropLast(5)))
    write(
      "absurd.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999, 99999999999, 99999999999), }"))
    write(
      "object.npy",
      npy("{'descr': '|O', 'fortran_order': False, 'shape': (3,), }", data: Array(repeating: 0, count: 24)))
    write(
      "complex.npy",
      npy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", data: Array(repeating: 0, count: 16)))
    write(
      "version.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", version: 9, data: float64s([1])))
    write("badheader.npy", npy("[1, 2, 3]", data: float64s([1])))
    write(
      "column.npy",
      npy(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 1), }",
        data: float64s(Array(repeating: 0, count: 100_000))))
    write(
      "row.npy",
      npy(
        "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 100000), }",
        data: float64s(Array(repeating: 0, count: 100_000))))

    write("logits.csv", "1,2,3\n4,5,6\n7,8,9\n")
    write("targets.csv", "0\n1\n7\n")
    write("negative_targets.csv", "0\n-1\n2\n")
    write("fraction_targets.json", "[0, 1.5, 2]")
    write("var.csv", "1,2\n-3,4\n")
    write("probabilities.csv", "0.5,1.5,0.25\n")
    try? FileManager.default.createDirectory(atPath: path + "/directory.csv", withIntermediateDirectories: true)
    return path
  }()
}
