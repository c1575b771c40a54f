import SwiftLoss
import SwiftLossCLI

/// The `args` target: a whole command line through ``SwiftLossCommand/run(arguments:io:)``.
///
/// The input is split on NUL bytes into argv (without the program name). When the last argument
/// starts with `<<`, the rest of it is standard input; otherwise standard input is a small fixed
/// matrix. No file is ever touched: every path reads as a missing file, while inline literals,
/// standard input and `--data -` go through the real readers (and `plot --svg` only to `-`), so the parser, option validation,
/// literal parsing, every loss's compute path and both renderers are exercised.
///
/// Checks the contract on every run: status 0, 1 or 2; on an error, exactly one line on standard
/// error starting `swiftloss: error: ` and nothing on standard output.
enum ArgsTarget {
  static let defaultStandardInput = Array("[[0.5, -1], [2, 3]]\n".utf8)

  static func run(_ bytes: [UInt8]) {
    var arguments = bytes.split(separator: 0, omittingEmptySubsequences: false).map {
      String(decoding: $0, as: UTF8.self)
    }
    if bytes.isEmpty { arguments = [] }
    // `plot --svg FILE` is the one thing that writes a file: never let the fuzzer pick a path to
    // overwrite (SVG rendering to standard output, `--svg -`, is still exercised).
    if let svg = arguments.firstIndex(where: { $0.lowercased().contains("svg") }) {
      let next = svg + 1 < arguments.count ? arguments[svg + 1] : ""
      guard arguments[svg].lowercased().hasSuffix("=-") || (!arguments[svg].contains("=") && next == "-") else {
        return
      }
      if arguments[(svg + 1)...].contains(where: { $0.lowercased().contains("svg") }) { return }
    }
    var standardInput = defaultStandardInput
    if let last = arguments.last, last.hasPrefix("<<") {
      standardInput = Array(last.utf8.dropFirst(2))
      arguments.removeLast()
    }
    final class Counter: @unchecked Sendable {
      var stdoutBytes = 0
      var stderr: [UInt8] = []
      var stdinReads = 0
    }
    let counter = Counter()
    let source = TensorSource(
      fileExists: { _ in false },
      open: { path throws(InputError) in throw InputError(label: path, message: "No such file or directory") },
      read: { source, options throws(InputError) in try TensorReader.read(source, options: options) },
      parseLiteral: { text, label throws(InputError) in try TensorReader.parseLiteral(text, label: label) },
      readNamed: { source, options throws(InputError) in try NamedTensors.read(source, options: options) }
    )
    let io = CommandIO(
      readStandardInput: { () throws(InputError) in
        counter.stdinReads += 1
        return standardInput
      },
      standardOutput: OutputSink { buffer throws(OutputError) in counter.stdoutBytes += buffer.count },
      standardError: OutputSink { buffer throws(OutputError) in counter.stderr.append(contentsOf: buffer) },
      tensors: source
    )
    let status = SwiftLossCommand.run(arguments: arguments, io: io)
    // The contract, checked on every input: a violation is a finding like a crash.
    guard status == 0 || status == 1 || status == 2 else { fatalError("exit status \(status)") }
    guard counter.stdinReads <= 1 else { fatalError("standard input read \(counter.stdinReads) times") }
    if status != 0 {
      let errorPrefix = Array("swiftloss: error: ".utf8)
      guard counter.stdoutBytes == 0 else { fatalError("output on standard output with status \(status)") }
      guard counter.stderr.starts(with: errorPrefix) else { fatalError("error does not start with the prefix") }
      guard counter.stderr.last == 0x0A, counter.stderr.filter({ $0 == 0x0A }).count == 1 else {
        fatalError("error is not exactly one line: \(String(decoding: counter.stderr, as: UTF8.self))")
      }
    } else {
      // Warnings only on success: each line is a warning.
      for line in counter.stderr.split(separator: 0x0A) where !line.starts(with: Array("swiftloss: warning: ".utf8)) {
        fatalError("stray standard-error line: \(String(decoding: line, as: UTF8.self))")
      }
    }
  }
}
