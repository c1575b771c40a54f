import SwiftLoss

/// A failed write to standard output or error: the `errno` of `write(2)`.
public struct OutputError: Error, Sendable, Equatable {
  public var code: Int32
  public init(code: Int32) { self.code = code }
}

/// Where output bytes go. The real one writes to a file descriptor with `write(2)`; tests collect
/// the bytes.
public struct OutputSink {
  public var write: (UnsafeRawBufferPointer) throws(OutputError) -> Void

  public init(write: @escaping (UnsafeRawBufferPointer) throws(OutputError) -> Void) {
    self.write = write
  }

  /// Writes everything with `write(2)`, retrying partial writes and `EINTR`.
  public static func fileDescriptor(_ fd: Int32) -> OutputSink {
    OutputSink { bytes throws(OutputError) in try Platform.writeAll(fd, bytes) }
  }

  func write(_ text: String) throws(OutputError) {
    var text = text
    let result: OutputError? = text.withUTF8 { bytes in
      do throws(OutputError) {
        try write(UnsafeRawBufferPointer(bytes))
        return nil
      } catch {
        return error
      }
    }
    if let result { throw result }
  }
}

/// How tensors are read; by default the engine's ``TensorReader``. Tests may substitute readers.
public struct TensorSource {
  /// A file by path (format by extension).
  public var readFile: (_ path: String, _ options: ReadOptions) throws(InputError) -> Tensor
  /// Bytes already read (standard input), format sniffed.
  public var readBytes: (_ bytes: [UInt8], _ label: String, _ options: ReadOptions) throws(InputError) -> Tensor
  /// An inline literal: a JSON array, a number.
  public var parseLiteral: (_ text: String, _ label: String) throws(InputError) -> Tensor
  /// A JSON object of tensors (`--data`).
  public var readObject: (_ bytes: [UInt8], _ label: String) throws(InputError) -> [(key: String, tensor: Tensor)]
  /// The whole of a file, for `--data FILE`.
  public var readFileBytes: (_ path: String) throws(InputError) -> [UInt8]
  /// Whether a file (or anything else) exists at `path`: such a value is a path, never a literal.
  public var fileExists: (_ path: String) -> Bool
  /// `input` and `target` files that a pointwise loss may read together, for its value alone
  /// (``TensorReader/openTextPair(_:_:options:)``); nil to always read tensors one by one.
  public var openTextPair: ((_ input: String, _ target: String, _ options: ReadOptions) -> DelimitedTextPair?)?

  public init(
    readFile: @escaping (String, ReadOptions) throws(InputError) -> Tensor,
    readBytes: @escaping ([UInt8], String, ReadOptions) throws(InputError) -> Tensor,
    parseLiteral: @escaping (String, String) throws(InputError) -> Tensor,
    readObject: @escaping ([UInt8], String) throws(InputError) -> [(key: String, tensor: Tensor)],
    readFileBytes: @escaping (String) throws(InputError) -> [UInt8],
    fileExists: @escaping (String) -> Bool,
    openTextPair: ((String, String, ReadOptions) -> DelimitedTextPair?)? = nil
  ) {
    self.openTextPair = openTextPair
    self.readFile = readFile
    self.readBytes = readBytes
    self.parseLiteral = parseLiteral
    self.readObject = readObject
    self.readFileBytes = readFileBytes
    self.fileExists = fileExists
  }

  /// The engine's readers and the real file system.
  public static var standard: TensorSource {
    TensorSource(
      readFile: { path, options throws(InputError) in try TensorReader.read(path: path, options: options) },
      readBytes: { bytes, label, options throws(InputError) in
        try TensorReader.read(bytes: bytes, label: label, options: options)
      },
      parseLiteral: { text, label throws(InputError) in try TensorReader.parseLiteral(text, label: label) },
      readObject: { bytes, label throws(InputError) in try TensorReader.readObject(bytes: bytes, label: label) },
      readFileBytes: { path throws(InputError) in try Platform.readFile(path) },
      fileExists: { path in Platform.exists(path) },
      openTextPair: { input, target, options in TensorReader.openTextPair(input, target, options: options) }
    )
  }
}

/// A terminal's size in character cells.
public struct TerminalSize: Sendable, Equatable {
  public var columns: Int
  public var rows: Int
  public init(columns: Int, rows: Int) {
    self.columns = columns
    self.rows = rows
  }
}

/// Everything a run touches outside the process: standard streams, environment, files.
public struct CommandIO {
  /// Reads all of standard input (called at most once per run).
  public var readStandardInput: () throws(InputError) -> [UInt8]
  public var standardOutput: OutputSink
  public var standardError: OutputSink
  public var environment: [String: String]
  public var standardInputIsTerminal: Bool
  public var standardOutputIsTerminal: Bool
  public var standardErrorIsTerminal: Bool
  public var tensors: TensorSource
  /// The size of the terminal standard output goes to (nil when it is not a terminal).
  public var terminalSize: TerminalSize?

  public init(
    readStandardInput: @escaping () throws(InputError) -> [UInt8],
    standardOutput: OutputSink, standardError: OutputSink, environment: [String: String] = [:],
    standardInputIsTerminal: Bool = false, standardOutputIsTerminal: Bool = false,
    standardErrorIsTerminal: Bool = false, tensors: TensorSource = .standard, terminalSize: TerminalSize? = nil
  ) {
    self.terminalSize = terminalSize
    self.readStandardInput = readStandardInput
    self.standardOutput = standardOutput
    self.standardError = standardError
    self.environment = environment
    self.standardInputIsTerminal = standardInputIsTerminal
    self.standardOutputIsTerminal = standardOutputIsTerminal
    self.standardErrorIsTerminal = standardErrorIsTerminal
    self.tensors = tensors
  }

  /// The process's own streams and environment.
  public static var standard: CommandIO {
    CommandIO(
      readStandardInput: { () throws(InputError) in try TensorReader.readStandardInput() },
      standardOutput: .fileDescriptor(1),
      standardError: .fileDescriptor(2),
      environment: Platform.environment(),
      standardInputIsTerminal: Platform.isTerminal(0),
      standardOutputIsTerminal: Platform.isTerminal(1),
      standardErrorIsTerminal: Platform.isTerminal(2),
      terminalSize: Platform.terminalSize(1)
    )
  }

  /// The width text for people is laid out to: `COLUMNS` when it is a positive number, else the
  /// terminal's width when standard output is one, else 80 (never below the layout's minimum).
  var textWidth: Int {
    if let text = environment["COLUMNS"], let columns = Int(text.filter { $0 != " " }), columns > 0 {
      return min(1000, max(TextLayout.minimumWidth, columns))
    }
    if standardOutputIsTerminal, let size = terminalSize { return max(TextLayout.minimumWidth, size.columns) }
    return TextLayout.defaultWidth
  }

  /// The terminal's height for plots: `LINES` when it is a positive number, else the terminal's,
  /// else nil (not a terminal).
  var textHeight: Int? {
    if let text = environment["LINES"], let rows = Int(text.filter { $0 != " " }), rows > 0 { return rows }
    if standardOutputIsTerminal, let size = terminalSize, size.rows > 0 { return size.rows }
    return nil
  }
}
