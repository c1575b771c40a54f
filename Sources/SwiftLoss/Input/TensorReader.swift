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

/// How delimited text is split.
public struct ReadOptions: Sendable {
  /// Field separator; `nil` means by extension (tab for `.tsv`, else comma). A space means runs of
  /// blanks.
  public var delimiter: UInt8?
  /// Whether large delimited inputs may be parsed on several threads (for benchmarks and tests;
  /// the result is the same either way).
  package var parallel = true
  public init(delimiter: UInt8? = nil) { self.delimiter = delimiter }
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
      let fileFormat = source.path.map { format(of: input, path: $0, options: options) } ?? sniffedFormat(input, options)
      switch fileFormat {
      case .json: return try JSONTensorReader.read(input, label: label, parallel: options.parallel)
      case .npy: return try NPYReader.read(input, label: label)
      case .text(let delimiter): return try readText(input, label: label, delimiter: delimiter, parallel: options.parallel)
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

  /// A file's format, from its extension, else sniffed; for text, the delimiter given or implied
  /// by the extension (tab for `.tsv`/`.tab`), nil to sniff it from the data.
  enum FileFormat: Equatable { case json, npy, text(delimiter: UInt8?) }

  static func format(of input: InputBytes, path: String, options: ReadOptions) -> FileFormat {
    let ext = FormatSniffing.fileExtension(path)
    switch ext {
    case "json": return .json
    case "npy": return .npy
    case "csv", "txt", "tsv", "tab":
      return .text(delimiter: options.delimiter ?? ((ext == "tsv" || ext == "tab") ? 0x09 : nil))
    default:
      return sniffedFormat(input, options)
    }
  }

  /// Two delimited-text files of one shape, to be read together by a pointwise loss that wants
  /// only its value (see ``DelimitedTextPair``); nil for anything else, which is then read the
  /// ordinary way.
  public static func openTextPair(_ first: String, _ second: String, options: ReadOptions = ReadOptions()) -> DelimitedTextPair? {
    guard options.parallel else { return nil }
    return DelimitedTextPair.open(first, second, options: options)
  }

  /// Reads bytes whose format is sniffed (standard input, files of unknown type).
  public static func read(bytes: [UInt8], label: String, options: ReadOptions = ReadOptions()) throws(InputError) -> Tensor {
    try readSniffed(InputBytes(bytes), label: label, options: options)
  }

  /// An inline literal: a JSON number or array, or `{"shape", "data"}` (`3` is a 0-d tensor;
  /// `nan`, `inf`, `-Infinity`... in any case). `label` is the flag, e.g. `--target`.
  public static func parseLiteral(_ text: String, label: String) throws(InputError) -> Tensor {
    try JSONTensorReader.read(InputBytes(Array(text.utf8)), label: label)
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
      guard let sequential = try? JSONTensorReader.read(input, label: "fuzz.json", parallel: false) else { return false }
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
    case .text: return .text(delimiter: options.delimiter)
    }
  }

  static func readText(
    _ input: InputBytes, label: String, delimiter: UInt8?, parallel: Bool = true
  ) throws(InputError) -> Tensor {
    if let delimiter {
      guard FormatSniffing.isValidDelimiter(delimiter) else {
        throw InputError(label: label, message: "invalid delimiter \(ByteScanner.quoted([delimiter]))")
      }
      return try DelimitedTextReader.read(input, label: label, delimiter: delimiter, parallel: parallel)
    }
    return try DelimitedTextReader.read(
      input, label: label, delimiter: FormatSniffing.sniffDelimiter(input), parallel: parallel)
  }
}
