// INTERFACE STUB — to be replaced by the real readers (owned by the readers work).

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
  public init(delimiter: UInt8? = nil) { self.delimiter = delimiter }
}

/// The entry points for reading tensors from files, standard input and inline literals.
public enum TensorReader {
  public static func read(path: String, options: ReadOptions = ReadOptions()) throws(InputError) -> Tensor {
    throw InputError(label: path, message: "not implemented")
  }
  public static func read(bytes: [UInt8], label: String, options: ReadOptions = ReadOptions()) throws(InputError) -> Tensor {
    throw InputError(label: label, message: "not implemented")
  }
  public static func parseLiteral(_ text: String, label: String) throws(InputError) -> Tensor {
    throw InputError(label: label, message: "not implemented")
  }
  public static func readObject(bytes: [UInt8], label: String) throws(InputError) -> [(key: String, tensor: Tensor)] {
    throw InputError(label: label, message: "not implemented")
  }
  public static func readStandardInput() throws(InputError) -> [UInt8] {
    throw InputError(label: "<stdin>", message: "not implemented")
  }
}
