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

/// How tensor arguments become sources and tensors; by default the engine's source layer
/// (``InputSource``) and ``TensorReader``. Tests substitute in-memory files and readers.
public struct TensorSource {
  /// Whether anything exists at `path` (a `stat`, which opens nothing): such a value is a path.
  public var fileExists: (_ path: String) -> Bool
  /// Opens `path` and takes its bytes, once (``InputSource/open(path:label:)``).
  public var open: (_ path: String) throws(InputError) -> InputSource
  /// A tensor from a source (format by extension, else sniffed).
  public var read: (_ source: InputSource, _ options: ReadOptions) throws(InputError) -> Tensor
  /// An inline literal: a JSON array, a number.
  public var parseLiteral: (_ text: String, _ label: String) throws(InputError) -> Tensor
  /// Named tensors: a JSON object or an archive (`--data`, `FILE#KEY`).
  public var readNamed: (_ source: InputSource, _ options: ReadOptions) throws(InputError) -> NamedTensors
  /// Whether a pointwise loss may read `input` and `target` together for its value alone
  /// (``LossDefinition/pairedValue(sources:options:outputs:readOptions:)``).
  public var readsPairs: Bool

  public init(
    fileExists: @escaping (String) -> Bool,
    open: @escaping (String) throws(InputError) -> InputSource,
    read: @escaping (InputSource, ReadOptions) throws(InputError) -> Tensor,
    parseLiteral: @escaping (String, String) throws(InputError) -> Tensor,
    readNamed: @escaping (InputSource, ReadOptions) throws(InputError) -> NamedTensors,
    readsPairs: Bool = true
  ) {
    self.fileExists = fileExists
    self.open = open
    self.read = read
    self.parseLiteral = parseLiteral
    self.readNamed = readNamed
    self.readsPairs = readsPairs
  }

  /// The engine's readers and the real file system.
  public static var standard: TensorSource {
    TensorSource(
      fileExists: { path in Platform.exists(path) },
      open: { path throws(InputError) in try InputSource.open(path: path) },
      read: { source, options throws(InputError) in try TensorReader.read(source, options: options) },
      parseLiteral: { text, label throws(InputError) in try TensorReader.parseLiteral(text, label: label) },
      readNamed: { source, options throws(InputError) in try NamedTensors.read(source, options: options) }
    )
  }
}

extension TensorSource {
  /// `PATH#SELECTOR`: a column of a delimited-text file (`#name`, or `#N` counted as `cut -f`
  /// counts), or an entry of a JSON object or an archive by its key.
  func readSelected(_ source: InputSource, _ selector: String, _ options: ReadOptions) throws(InputError) -> Tensor {
    guard TensorReader.isDelimitedText(source, options: options) else {
      return try readNamed(source, options).tensor(selector)
    }
    var options = options
    options.column = Int(selector).map { .number($0) } ?? .name(selector)
    return try read(source, options)
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
  /// Standard input as a source, taken at most once per run.
  public var standardInput: () throws(InputError) -> InputSource
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
    standardInput: @escaping () throws(InputError) -> InputSource,
    standardOutput: OutputSink, standardError: OutputSink, environment: [String: String] = [:],
    standardInputIsTerminal: Bool = false, standardOutputIsTerminal: Bool = false,
    standardErrorIsTerminal: Bool = false, tensors: TensorSource = .standard, terminalSize: TerminalSize? = nil
  ) {
    self.terminalSize = terminalSize
    self.standardInput = standardInput
    self.standardOutput = standardOutput
    self.standardError = standardError
    self.environment = environment
    self.standardInputIsTerminal = standardInputIsTerminal
    self.standardOutputIsTerminal = standardOutputIsTerminal
    self.standardErrorIsTerminal = standardErrorIsTerminal
    self.tensors = tensors
  }

  /// Standard input given as bytes (tests, the fuzzer).
  public init(
    readStandardInput: @escaping () throws(InputError) -> [UInt8],
    standardOutput: OutputSink, standardError: OutputSink, environment: [String: String] = [:],
    standardInputIsTerminal: Bool = false, standardOutputIsTerminal: Bool = false,
    standardErrorIsTerminal: Bool = false, tensors: TensorSource = .standard, terminalSize: TerminalSize? = nil
  ) {
    self.init(
      standardInput: { () throws(InputError) in InputSource(bytes: try readStandardInput(), label: "<stdin>") },
      standardOutput: standardOutput, standardError: standardError, environment: environment,
      standardInputIsTerminal: standardInputIsTerminal, standardOutputIsTerminal: standardOutputIsTerminal,
      standardErrorIsTerminal: standardErrorIsTerminal, tensors: tensors, terminalSize: terminalSize)
  }

  /// The process's own streams and environment.
  public static var standard: CommandIO {
    CommandIO(
      standardInput: { () throws(InputError) in try InputSource.standardInput() },
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
