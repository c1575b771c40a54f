/// A problem in an input, located where possible: `label:line:col: message`.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file as the user named it, `<stdin>`, or the flag of an inline literal.
  public var label: String
  /// 1-based line and column; `nil` when the problem has no position (missing file, ...).
  public var line: Int?
  public var column: Int?
  public var message: String

  public init(label: String, line: Int? = nil, column: Int? = nil, message: String) {
    self.label = label
    self.line = line
    self.column = column
    self.message = message
  }

  public var description: String {
    if label.isEmpty { return message }
    if let line, let column { return "\(label):\(line):\(column): \(message)" }
    if let line { return "\(label):\(line): \(message)" }
    return "\(label): \(message)"
  }
}

/// One column of a delimited-text file: `PATH#name` or `PATH#N`.
public enum ColumnSelector: Sendable, Equatable {
  /// By its header name (exact).
  case name(String)
  /// By its 1-based number, counted as `cut -f` counts: every field, a pandas index included.
  case number(Int)
}

/// How delimited text is split.
public struct ReadOptions: Sendable {
  /// Field separator; `nil` means by extension (tab for `.tsv`, else comma; `;` with
  /// ``decimalComma``). A space means runs of blanks.
  public var delimiter: UInt8?
  /// `--decimal ,`: numbers are written with a decimal comma (`1,5`).
  public var decimalComma = false
  /// Read only this column of a delimited-text file, as a 1-D tensor (ignored by other formats).
  public var column: ColumnSelector?
  /// Whether large delimited inputs may be parsed on several threads (for benchmarks and tests;
  /// the result is the same either way).
  package var parallel = true
  public init(delimiter: UInt8? = nil, decimalComma: Bool = false, column: ColumnSelector? = nil) {
    self.delimiter = delimiter
    self.decimalComma = decimalComma
    self.column = column
  }

  /// The delimiter when none is given and the extension names none: `;` with decimal commas.
  var defaultDelimiter: UInt8? { delimiter ?? (decimalComma ? UInt8(ascii: ";") : nil) }
}

/// The entry points for reading tensors from files, standard input and inline literals.
///
/// Formats (see ``DelimitedTextReader``, ``JSONTensorReader``, ``NPYReader``):
/// - by extension: `.json` is JSON, `.npy` is NumPy, `.csv`/`.txt`/`.tsv`/`.tab` are delimited
///   text (tab for `.tsv`/`.tab`); any other extension is sniffed like standard input;
/// - sniffing: a first non-blank byte `[` or `{` means JSON, the `\x93NUMPY` magic means `.npy`,
///   anything else is delimited text (so `3.5` on standard input is a tensor of shape `(1,)`).
///
/// With no explicit delimiter and no `.tsv` extension, text whose first data row holds no comma
/// is split on tabs when it has one, else on runs of blanks (numpy `savetxt` output); otherwise
/// on commas.
///
/// Every tensor returned carries a ``TensorOrigin`` whose `locate` finds an element's line and
/// column again (nil for `.npy`).
public enum TensorReader {
  /// Reads the file at `path` (opened and read once; see ``InputSource``). The label in errors and
  /// origins is `path` as given.
  public static func read(path: String, options: ReadOptions = ReadOptions()) throws(InputError) -> Tensor {
    try read(InputSource.open(path: path), options: options)
  }

  /// Reads a source: the format from its path's extension, else sniffed. A regular file is checked
  /// for changes after the parse (``InputSource/checkUnchanged()``).
  public static func read(_ source: InputSource, options: ReadOptions = ReadOptions()) throws(InputError) -> Tensor {
    defer { source.bytes.releaseResidentPages() }
    return try source.reading { (source: InputSource) throws(InputError) -> Tensor in
      let input = source.bytes, label = source.label
      let fileFormat =
        source.path.map { format(of: input, path: $0, options: options) } ?? sniffedFormat(input, options)
      switch fileFormat {
      case .json: return try JSONTensorReader.read(input, label: label, parallel: options.parallel)
      case .npy: return try NPYReader.read(input, label: label)
      case .text(let delimiter): return try readText(input, label: label, delimiter: delimiter, options: options)
      case .archive: return try TensorArchive.open(input, label: label, path: source.path ?? label).onlyTensor()
      case .unsupported(let message): throw InputError(label: label, message: message)
      }
    }
  }

  /// `{"input": <tensor>, "target": <tensor>, ...}` from a source (`--data`): the named tensors in
  /// document order.
  public static func readObject(_ source: InputSource) throws(InputError) -> [(key: String, tensor: Tensor)] {
    try source.reading { (source: InputSource) throws(InputError) in
      try JSONTensorReader.readObject(source.bytes, label: source.label)
    }
  }

  /// Whether a source reads as delimited text (by its extension, else sniffed): `PATH#SELECTOR`
  /// then selects a column, where for other formats it names an entry.
  public static func isDelimitedText(_ source: InputSource, options: ReadOptions = ReadOptions()) -> Bool {
    let input = source.bytes
    let fileFormat = source.path.map { format(of: input, path: $0, options: options) } ?? sniffedFormat(input, options)
    if case .text = fileFormat { return true }
    return false
  }

  /// A file's format, from its extension, else sniffed; for text, the delimiter given or implied
  /// by the extension (tab for `.tsv`/`.tab`), nil to sniff it from the data.
  enum FileFormat: Equatable { case json, npy, text(delimiter: UInt8?), archive, unsupported(String) }

  static func format(of input: InputBytes, path: String, options: ReadOptions) -> FileFormat {
    let ext = FormatSniffing.fileExtension(path)
    switch ext {
    case "json": return .json
    case "npy": return .npy
    case "npz", "safetensors", "pt", "pth":
      // By the bytes (a legacy .pt is reported as such); never read as text.
      switch FormatSniffing.sniff(input) {
      case .unsupported(let message): return .unsupported(message)
      case .npy: return .npy
      default: return .archive
      }
    case "csv", "txt", "tsv", "tab":
      return .text(delimiter: options.delimiter ?? ((ext == "tsv" || ext == "tab") ? 0x09 : options.defaultDelimiter))
    default:
      return sniffedFormat(input, options)
    }
  }

  /// Two delimited-text files of one shape, to be read together by a pointwise loss that wants
  /// only its value (see ``DelimitedTextPair``); nil for anything else, which is then read the
  /// ordinary way.
  public static func openTextPair(_ first: String, _ second: String, options: ReadOptions = ReadOptions())
    -> DelimitedTextPair?
  {
    guard options.parallel else { return nil }
    return DelimitedTextPair.open(first, second, options: options)
  }

  /// Reads bytes whose format is sniffed (standard input, files of unknown type).
  public static func read(bytes: [UInt8], label: String, options: ReadOptions = ReadOptions()) throws(InputError)
    -> Tensor
  {
    try readSniffed(InputBytes(bytes), label: label, options: options)
  }

  /// An inline literal: a JSON number or array, or `{"shape", "data"}` (`3` is a 0-d tensor;
  /// `nan`, `inf`, `-Infinity`... in any case), or what Python prints for a tensor or array (see
  /// ``PythonLiteral``: `tensor([1., 2.], requires_grad=True)`, `array([1, 2], dtype=int64)`,
  /// `np.float64(1.5)`, numpy's `[1. 2.]`). `label` is the flag, e.g. `--target`. A number beyond
  /// the double range (`1e309`) is the error "number out of range".
  public static func parseLiteral(_ text: String, label: String) throws(InputError) -> Tensor {
    if PythonLiteral.looksLikePrintedTensor(text), let tensor = try PythonLiteral.parse(text, label: label) {
      return tensor
    }
    do {
      return try JSONTensorReader.read(InputBytes(Array(text.utf8)), label: label)
    } catch {
      // numpy's print form (`[1. 2.]`, no commas) is not JSON.
      if PythonLiteral.trimmed(text).hasPrefix("["), let tensor = try? PythonLiteral.parse(text, label: label) {
        return tensor
      }
      throw error
    }
  }

  /// Whether a command-line value reads as an inline literal rather than a path: a JSON array or
  /// object (`[`, `{`), a number in any spelling the literal reader takes — `3`, `-1.5e-3`, `nan`,
  /// `-Infinity`, and `1e309`, which is then the error "number out of range" — or a printed
  /// tensor (`tensor(...)`, `array(...)`, `np.float64(...)`). The text is not checked further:
  /// ``parseLiteral(_:label:)`` reports what is wrong with it.
  public static func looksLikeLiteral(_ text: String) -> Bool {
    let trimmed = PythonLiteral.trimmed(text)
    guard let first = trimmed.first else { return false }
    if first == "[" || first == "{" { return true }
    if PythonLiteral.looksLikePrintedTensor(trimmed) { return true }
    let bytes = Array(trimmed.utf8)
    return bytes.withUnsafeBufferPointer { buffer -> Bool in
      guard let base = buffer.baseAddress else { return false }
      var cursor = base
      var value = 0.0
      let status = FloatParser.scan(&cursor, base + buffer.count, &value)
      return status != .invalid && cursor == base + buffer.count
    }
  }

  /// `{"input": <tensor>, "target": <tensor>, ...}`: the named tensors in document order.
  /// Duplicate keys and a document that is not an object are errors.
  public static func readObject(bytes: [UInt8], label: String) throws(InputError) -> [(key: String, tensor: Tensor)] {
    try JSONTensorReader.readObject(InputBytes(bytes), label: label)
  }

  /// For the fuzzer: whether the parallel parse of a JSON array (cut into chunks however small
  /// `bytes` is), when it accepts `bytes`, gives exactly the sequential parser's shape and bits.
  package static func jsonParallelAgreesWithSequential(_ bytes: [UInt8]) -> Bool {
    let input = InputBytes(bytes)
    return input.withBytes { (buffer: UnsafeBufferPointer<UInt8>) -> Bool in
      guard let base = buffer.baseAddress else { return true }
      var start = ByteScanner.hasBOM(buffer) ? 3 : 0
      while start < buffer.count && [0x20, 0x0A, 0x0D, 0x09].contains(base[start]) { start += 1 }
      guard start < buffer.count, base[start] == UInt8(ascii: "["),
        let parallel = JSONTensorReader.parallelArray(buffer, base: base, label: "fuzz.json", start: start)
      else { return true }
      guard let sequential = try? JSONTensorReader.read(input, label: "fuzz.json", parallel: false) else {
        return false
      }
      return sequential.shape == parallel.shape && sequential.storage.count == parallel.storage.count
        && zip(sequential.storage, parallel.storage).allSatisfy { $0.bitPattern == $1.bitPattern }
    }
  }

  // MARK: - Dispatch

  static func readSniffed(_ input: InputBytes, label: String, options: ReadOptions) throws(InputError) -> Tensor {
    try read(InputSource(bytes: input, label: label), options: options)
  }

  static func sniffedFormat(_ input: InputBytes, _ options: ReadOptions) -> FileFormat {
    switch FormatSniffing.sniff(input) {
    case .json: return .json
    case .npy: return .npy
    case .text: return .text(delimiter: options.defaultDelimiter)
    case .archive: return .archive
    case .unsupported(let message): return .unsupported(message)
    }
  }

  static func readText(
    _ input: InputBytes, label: String, delimiter: UInt8?, options: ReadOptions
  ) throws(InputError) -> Tensor {
    if let delimiter {
      guard FormatSniffing.isValidDelimiter(delimiter) else {
        throw InputError(label: label, message: "invalid delimiter \(ByteScanner.quoted([delimiter]))")
      }
      if options.decimalComma && delimiter == UInt8(ascii: ",") {
        throw InputError(label: label, message: "with --decimal , the delimiter cannot be a comma (use ';')")
      }
    }
    return try DelimitedTextReader.read(
      input, label: label, delimiter: delimiter ?? FormatSniffing.sniffDelimiter(input), parallel: options.parallel,
      decimalComma: options.decimalComma, column: options.column)
  }
}
