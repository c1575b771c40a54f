import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 13: every tensor argument goes through one source layer. Streams are read once (the
/// value-only path included), a file that changes while it is read is an error and never a
/// signal, the machine's limits are errors, and bad input costs bounded memory. These run the
/// real binary: the behaviour is the process's.
@Suite(.serialized) struct SourceLayerTests {
  /// The losses whose value the engine may read as a pair of text files, with their options.
  static let pointwiseLosses: [[String]] = [
    ["mse"], ["l1"], ["smooth_l1", "--beta", "0.5"], ["huber", "--delta", "0.7"], ["soft_margin"],
    ["hinge_embedding", "--margin", "0.3"], ["poisson_nll", "--log-input", "false", "--full"], ["bce_with_logits"],
  ]

  /// Two CSV files large enough for the paired reading (over 4 MiB each), and a small pair.
  static let files: (large: (String, String), small: (String, String), directory: String) = {
    let directory = NSTemporaryDirectory() + "swiftloss-sources-\(getpid())"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    func write(_ name: String, rows: Int, seed: UInt64) -> String {
      var state = seed
      var text = ""
      text.reserveCapacity(rows * 120)
      for _ in 0..<rows {
        var fields: [String] = []
        for _ in 0..<8 {
          state = state &* 6364136223846793005 &+ 1442695040888963407
          fields.append(String(Double(state >> 11) / Double(1 << 53) * 3 + 0.01))
        }
        text += fields.joined(separator: ",") + "\n"
      }
      let path = directory + "/" + name
      _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
      return path
    }
    return (
      (write("input.csv", rows: 40_000, seed: 1), write("target.csv", rows: 40_000, seed: 2)),
      (write("small-input.csv", rows: 3, seed: 3), write("small-target.csv", rows: 3, seed: 4)), directory
    )
  }()

  /// Runs `script` with bash, `$0` the binary and `$1`, `$2` the arguments.
  static func bash(_ script: String, _ first: String, _ second: String) throws -> (
    status: Int32, stdout: String, stderr: String
  ) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = ["-c", script, builtBinary.path, first, second]
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
  }

  /// `<(...)`, `/dev/stdin`, `-` and a FIFO give the value the file path gives, for every loss the
  /// value-only reading covers, on large files (paired) and small ones (read one by one).
  @Test(arguments: pointwiseLosses)
  func streamsGiveTheFileValue(_ loss: [String]) throws {
    guard FileManager.default.isExecutableFile(atPath: "/bin/bash") else { return }
    let command = "\"$0\" " + loss.joined(separator: " ")
    for (input, target) in [Self.files.large, Self.files.small] {
      let file = try Self.bash(command + " --input \"$1\" --target \"$2\" --show loss", input, target)
      #expect(file.status == 0, "\(loss): \(file.stderr)")
      #expect(Double(file.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) != nil, "\(loss): \(file.stdout)")
      let scripts = [
        command + " --input <(cat \"$1\") --target <(cat \"$2\") --show loss",
        command + " --input \"$1\" --target /dev/stdin --show loss < <(cat \"$2\")",
        "cat \"$2\" | " + command + " --input \"$1\" --target - --show loss",
        "cat \"$1\" | " + command + " --input - --target \"$2\" --show loss",
        // A FIFO: the writer runs beside the reader; the FIFO is opened once.
        "f=$(mktemp -u); mkfifo \"$f\"; (cat \"$2\" > \"$f\" &); " + command
          + " --input \"$1\" --target \"$f\" --show loss; s=$?; rm -f \"$f\"; exit $s",
        // Standard input redirected from the file itself (mapped, not streamed).
        command + " --input - --target \"$2\" --show loss < \"$1\"",
      ]
      for script in scripts {
        let streamed = try Self.bash(script, input, target)
        #expect(streamed.status == 0 && streamed.stdout == file.stdout, "\(loss) \(script): \(streamed.stderr)")
      }
    }
  }

  /// A file truncated at several moments of a large read: the right value, or
  /// `file changed while it was read` with status 1 and nothing on standard output; never a signal.
  @Test func fileTruncatedWhileReadIsAnErrorNotASignal() throws {
    let directory = Self.files.directory
    let source = Self.files.large.0
    let original = try Data(contentsOf: URL(fileURLWithPath: source))
    // A larger file: the same rows eight times (about 12 MB), so that the read takes a while.
    var big = Data()
    for _ in 0..<8 { big.append(original) }
    let path = directory + "/changing.csv"
    var outcomes: [String: Int] = [:]
    for (round, delay) in [0, 1, 2, 4, 8, 15, 30, 60].enumerated() {
      for cut in [0, big.count / 3] {
        _ = FileManager.default.createFile(atPath: path, contents: big)
        let expected = try runBinary(["mse", "--input", path, "--target", "0.5", "--show", "loss"])
        let process = Process()
        process.executableURL = builtBinary
        process.arguments = ["mse", "--input", path, "--target", "0.5", "--format", round % 2 == 0 ? "json" : "text"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        usleep(useconds_t(delay * 1000))
        #expect(truncate(path, off_t(cut)) == 0)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit, "signal \(process.terminationStatus) at \(delay) ms, cut \(cut)")
        if process.terminationStatus == 0 {
          outcomes["finished first", default: 0] += 1
          #expect(expected.status == 0 && !stdout.isEmpty)
        } else if stderr == "swiftloss: error: \(path): file changed while it was read\n" {
          outcomes["changed", default: 0] += 1
          #expect(process.terminationStatus == 1)
          #expect(stdout.isEmpty)
        } else {
          // Cut before it was opened: what the cut file gives.
          outcomes["cut before the read", default: 0] += 1
          let cutFile = try runBinary(process.arguments ?? [])
          #expect(
            process.terminationStatus == cutFile.status && stderr == cutFile.stderr && stdout.isEmpty,
            "at \(delay) ms: \(stderr)")
        }
      }
    }
    #expect(outcomes["changed", default: 0] > 0, "\(outcomes)")
  }

  /// Runs the binary under `prlimit` limits; nil when prlimit is not installed or cannot set them.
  static func limited(_ limits: [String], _ arguments: [String]) throws -> (
    status: Int32, signaled: Bool, stdout: String, stderr: String
  )? {
    let prlimit = ["/usr/bin/prlimit", "/bin/prlimit"].first { FileManager.default.isExecutableFile(atPath: $0) }
    guard let prlimit else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: prlimit)
    process.arguments = limits + ["--", builtBinary.path] + arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, process.terminationReason == .uncaughtSignal, stdout, stderr)
  }

  /// Address space, descriptors and processes limited: a result or one error line, never a
  /// signal, a trap or a hang.
  @Test func machineLimitsAreErrorsNotCrashes() throws {
    let (input, target) = Self.files.large
    let arguments = ["mse", "--input", input, "--target", target]
    guard let unlimited = try Self.limited([], arguments + ["--show", "loss"]), unlimited.status == 0 else {
      print("skipped: prlimit is not available")
      return
    }
    var sawMemoryError = false
    for megabytes in [40, 60, 80, 100, 120, 160, 240, 400] {
      for show in ["loss", "loss,elementwise,grad"] {
        guard let run = try Self.limited(["--as=\(megabytes << 20)"], arguments + ["--show", show, "--format", "json"])
        else { continue }
        #expect(!run.signaled, "signal at \(megabytes) MiB (\(show)): \(run.stderr.prefix(300))")
        #expect(!run.stderr.contains("Fatal error"), "\(megabytes) MiB: \(run.stderr.prefix(300))")
        if run.status != 0 {
          #expect(run.status == 1, "\(megabytes) MiB: \(run.stderr.prefix(300))")
          #expect(run.stdout.isEmpty)
          #expect(run.stderr.hasPrefix("swiftloss: error: ") && run.stderr.split(separator: "\n").count == 1)
          if run.stderr.contains("out of memory") { sawMemoryError = true }
        }
      }
    }
    #expect(sawMemoryError)
    // Descriptors: three for the standard streams and one more; then one process (no thread can
    // be started): the value, or one error line.
    for limits in [["--nofile=4"], ["--nofile=5"], ["--nproc=1"], ["--nproc=1", "--nofile=5"]] {
      guard let run = try Self.limited(limits, arguments + ["--show", "loss"]) else { continue }
      #expect(!run.signaled, "\(limits): \(run.stderr)")
      if run.status == 0 {
        #expect(run.stdout == unlimited.stdout, "\(limits)")
      } else {
        #expect(
          run.status == 1 && run.stderr.hasPrefix("swiftloss: error: ") && run.stdout.isEmpty,
          "\(limits): \(run.stderr)")
      }
    }
  }

  /// Peak resident memory of a child that runs `arguments`, in KiB, with its exit status.
  static func peakMemory(_ arguments: [String]) -> (status: Int32, kilobytes: Int, stderr: String) {
    var pid: pid_t = 0
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    let errPath = NSTemporaryDirectory() + "swiftloss-rss-\(getpid()).err"
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let argv = ([builtBinary.path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    guard posix_spawn(&pid, builtBinary.path, &actions, nil, argv, environ) == 0 else { return (-1, 0, "") }
    var status: Int32 = 0
    var usage = rusage()
    _ = wait4(pid, &status, 0, &usage)
    let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
    return ((status >> 8) & 0xff, usage.ru_maxrss, stderr)
  }

  /// A sparse multi-gigabyte file whose row is followed by NUL bytes (a hole), and one with a bad
  /// row after a hole: the error comes from the first bytes of the offending field, in bounded
  /// memory, without scanning (or holding) the gigabytes.
  @Test func sparseFilesReportInBoundedMemory() throws {
    let directory = Self.files.directory
    let cases: [(name: String, head: String, expected: String)] = [
      ("row-then-nul.csv", "1,2,3\n", ":2:1: expected a number, found \"\\u{0}"),
      ("row-no-newline.csv", "1,2,3", ":1:5: expected a number, found \"3\\u{0}"),
      ("nul.json", "[1, 2, 3", ":1:8: expected a number, found \"3\\u{0}"),
    ]
    // What the binary itself takes (a debug build maps more than a release one).
    let baseline = Self.peakMemory(["mse", "--input", "[1, 2, 3]", "--target", "[1, 2, 3]"]).kilobytes
    for item in cases {
      let path = directory + "/" + item.name
      _ = FileManager.default.createFile(atPath: path, contents: Data(item.head.utf8))
      #expect(truncate(path, 3 << 30) == 0)  // 3 GiB, a hole after the head
      defer { unlink(path) }
      let run = Self.peakMemory(["mse", "--input", path, "--target", "[1, 2, 3]"])
      #expect(run.status == 1, "\(item.name): \(run.stderr)")
      #expect(run.stderr.hasPrefix("swiftloss: error: \(path)\(item.expected)"), "\(item.name): \(run.stderr)")
      #expect(run.stderr.count < 400, "\(item.name): \(run.stderr.count) characters")
      #expect(run.kilobytes < baseline + 16 << 10, "\(item.name): peak RSS \(run.kilobytes) KiB, \(baseline) KiB alone")
    }
    // A JSON stream with a broken token or runaway nesting is refused as it comes (at 64 KiB),
    // not held to the memory bound; delimited text is refused at its first NUL.
    for (script, expected) in [
      (
        "yes '[' 2>/dev/null | \"$0\" mse --input - --target 1",
        "swiftloss: error: <stdin>:65:1: values nested deeper than 64 levels\n"
      ),
      (
        "yes '[1, 2, abc,' 2>/dev/null | \"$0\" mse --input - --target 1",
        "swiftloss: error: <stdin>:1:8: unexpected \"abc\"\n"
      ),
    ] {
      let run = try Self.bash(script, "", "")
      #expect(run.status == 1 && run.stderr == expected, "\(script): \(run.stderr)")
    }
    // A stream of NULs is refused at its first block, not held whole.
    let stream = try Self.bash(
      "head -c 2000000000 /dev/zero 2>/dev/null | \"$0\" mse --input - --target \"[1]\"", "", "")
    #expect(stream.status == 1)
    #expect(stream.stderr == "swiftloss: error: <stdin>:1:1: a NUL byte: this is not text (binary data?)\n")
  }
}
