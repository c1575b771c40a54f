import Foundation
import SwiftLoss
import Testing

@testable import SwiftLossCLI

/// Collects what a run writes to one stream.
final class Capture: @unchecked Sendable {
  var bytes: [UInt8] = []
  var text: String { String(decoding: bytes, as: UTF8.self) }
  var lines: [Substring] { text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() }
  var sink: OutputSink {
    OutputSink { buffer throws(OutputError) in self.bytes.append(contentsOf: buffer) }
  }
}

/// The result of an in-process run.
struct RunResult {
  var status: Int32
  var stdout: String
  var stderr: String
  var stderrLines: [Substring]

  /// The output parsed as JSON.
  func json() throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8), options: [.fragmentsAllowed])
    return try #require(object as? [String: Any])
  }
}

/// Test readers that need no real reader: inline literals are JSON (via `JSONSerialization`),
/// files come from `files` (JSON text too).
enum FakeReaders {
  static func tensor(fromJSON text: String, label: String) throws(InputError) -> Tensor {
    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
      throw InputError(label: label, line: 1, column: 1, message: "invalid JSON")
    }
    return try tensor(fromObject: object, label: label)
  }

  static func tensor(fromObject object: Any, label: String) throws(InputError) -> Tensor {
    var shape: [Int] = []
    var probe: Any = object
    while let array = probe as? [Any] {
      shape.append(array.count)
      guard let first = array.first else { break }
      probe = first
    }
    var storage: [Double] = []
    func flatten(_ value: Any) {
      if let array = value as? [Any] {
        array.forEach(flatten)
      } else if let number = value as? NSNumber {
        storage.append(number.doubleValue)
      }
    }
    flatten(object)
    do {
      return try Tensor(
        shape: shape, storage: storage,
        origin: TensorOrigin(label: label, locate: { index in (line: 1, column: 2 + index) }))
    } catch {
      throw InputError(label: label, message: error.message)
    }
  }

  static func source(files: [String: String] = [:]) -> TensorSource {
    TensorSource(
      fileExists: { files[$0] != nil },
      open: { path throws(InputError) in
        guard let text = files[path] else { throw InputError(label: path, message: "No such file or directory") }
        return InputSource(bytes: Array(text.utf8), label: path, path: path)
      },
      read: { source, _ throws(InputError) in
        try source.bytes.withBytes { (bytes: UnsafeBufferPointer<UInt8>) throws(InputError) in
          try tensor(fromJSON: String(decoding: bytes, as: UTF8.self), label: source.label)
        }
      },
      parseLiteral: { text, label throws(InputError) in try tensor(fromJSON: text, label: label) },
      readNamed: { source, _ throws(InputError) in
        let bytes = source.bytes.withBytes { Array($0) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
          throw InputError(label: source.label, line: 1, column: 1, message: "expected a JSON object")
        }
        var result: [(key: String, tensor: Tensor)] = []
        for key in object.keys.sorted() {
          result.append((key, try tensor(fromObject: object[key]!, label: source.label)))
        }
        return NamedTensors(label: source.label, entries: result)
      }
    )
  }
}

/// Runs the command in-process with fake readers (or the real ones when `realReaders`).
func run(
  _ arguments: [String], stdin: String = "", files: [String: String] = [:], realReaders: Bool = false
) -> RunResult {
  let out = Capture(), err = Capture()
  let io = CommandIO(
    readStandardInput: { () throws(InputError) in Array(stdin.utf8) },
    standardOutput: out.sink, standardError: err.sink,
    tensors: realReaders ? .standard : FakeReaders.source(files: files))
  let status = SwiftLossCommand.run(arguments: arguments, io: io)
  return RunResult(status: status, stdout: out.text, stderr: err.text, stderrLines: err.lines)
}

/// Checks the error contract: the status, nothing on stdout, exactly one `swiftloss: error:` line.
func expectError(
  _ result: RunResult, status: Int32, containing fragments: [String] = [],
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(result.status == status, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
  #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
  #expect(result.stderrLines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
  #expect(result.stderr.hasPrefix("swiftloss: error: "), sourceLocation: sourceLocation)
  #expect(result.stderr.hasSuffix("\n"), sourceLocation: sourceLocation)
  for fragment in fragments {
    #expect(result.stderr.contains(fragment), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
  }
}

/// The built `swiftloss` binary, next to the test bundle.
var builtBinary: URL {
  Bundle.main.bundleURL.appendingPathComponent("swiftloss")
}

/// Runs the built binary with stdout redirected to `stdoutPath` (or captured).
func runBinary(_ arguments: [String], stdoutPath: String? = nil) throws -> (
  status: Int32, stdout: String, stderr: String
) {
  let process = Process()
  process.executableURL = builtBinary
  process.arguments = arguments
  let errPipe = Pipe()
  process.standardError = errPipe
  var outPipe: Pipe?
  if let stdoutPath {
    process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
  } else {
    outPipe = Pipe()
    process.standardOutput = outPipe
  }
  try process.run()
  let outData = outPipe?.fileHandleForReading.readDataToEndOfFile() ?? Data()
  let errData = errPipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// Runs `executable` with `input` on its standard input: its status and its output (stdout and
/// stderr together).
func runProgram(_ executable: String, _ arguments: [String], input: String) throws -> (status: Int32, output: String) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  let stdin = Pipe(), stdout = Pipe()
  process.standardInput = stdin
  process.standardOutput = stdout
  process.standardError = stdout
  try process.run()
  stdin.fileHandleForWriting.write(Data(input.utf8))
  try stdin.fileHandleForWriting.close()
  let data = stdout.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
