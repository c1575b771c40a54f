/// One member of a `batch` request object, as the JSON reader found it; the front end decides
/// from the key whether it is a tensor, an option or an output setting.
public enum RequestValue: Sendable {
  case string(String)
  /// A bare number, with its text (options are parsed from the text as on the command line; a
  /// tensor key takes it as a 0-d tensor).
  case number(Double, text: String)
  case bool(Bool)
  case null
  /// An array of numbers (any rank) or a `{"shape": [...], "data": [...]}` object.
  case tensor(shape: [Int], storage: [Double])
  /// An array of strings (`"show": ["loss", "grad:input"]`).
  case strings([String])
}

/// Reads one JSON Lines request, `{"loss": "ce", "input": [[...]], "reduction": "sum"}`, with
/// the byte-level tensor reader: no Foundation, no intermediate JSON tree.
public enum JSONRequestReader {
  /// The members of the object in `bytes`, in order. Errors carry the column (line 1) of the
  /// problem; a duplicate key is an error.
  public static func readObject(_ bytes: UnsafeBufferPointer<UInt8>, label: String) throws(InputError)
    -> [(key: String, value: RequestValue)]
  {
    guard let base = bytes.baseAddress else { throw InputError(label: label, message: "empty request") }
    var reader = JSONTensorReader(bytes, base: base, label: label)
    return try reader.readObjectMembers(empty: "empty request", expected: "a json object") {
      (reader: inout JSONTensorReader) throws(InputError) -> RequestValue in try reader.readRequestValue()
    }
  }
}

extension JSONTensorReader {
  /// A string, number, boolean, null, array of strings, or tensor.
  mutating func readRequestValue() throws(InputError) -> RequestValue {
    guard let byte = peek else { throw error("unexpected end of input", at: p) }
    let start = p
    switch byte {
    case UInt8(ascii: "\""):
      // "NaN", "Infinity": a number spelt as a string, as tensors may spell it.
      if let value = try readNumber() {
        return .number(
          value, text: String(decoding: UnsafeBufferPointer(rebasing: buffer[(start + 1)..<(p - 1)]), as: UTF8.self))
      }
      p = start
      var q = p + 1
      while q < count, base[q] != UInt8(ascii: "\""), base[q] != UInt8(ascii: "\\"), base[q] >= 0x20, base[q] < 0x80 {
        q += 1
      }
      if q < count, base[q] == UInt8(ascii: "\"") {  // no escapes: the bytes as they are
        let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[(p + 1)..<q]), as: UTF8.self)
        p = q + 1
        return .string(text)
      }
      return .string(try readString())
    case UInt8(ascii: "t"), UInt8(ascii: "f"):
      if let value = try readNumber() { return .bool(value != 0) }
    case UInt8(ascii: "n"):
      if count - p >= 4, base[p + 1] == UInt8(ascii: "u"), base[p + 2] == UInt8(ascii: "l"),
        base[p + 3] == UInt8(ascii: "l")
      {
        p += 4
        return .null
      }
    case UInt8(ascii: "["):
      var q = p + 1
      while q < count, base[q] == 0x20 || base[q] == 0x09 { q += 1 }
      if q < count, base[q] == UInt8(ascii: "\"") {
        var items: [String] = []
        p = q
        while true {
          skipSpace()
          items.append(try readString())
          skipSpace()
          guard let separator = peek else { throw error("unexpected end of input", at: p) }
          p += 1
          if separator == UInt8(ascii: "]") { return .strings(items) }
          guard separator == UInt8(ascii: ",") else {
            throw error("expected ',' or ']', found \(token(at: p - 1))", at: p - 1)
          }
          skipSpace()
          guard peek == UInt8(ascii: "\"") else { throw error("expected a string, found \(token())", at: p) }
        }
      }
      let (shape, storage) = try readTensor()
      return .tensor(shape: shape, storage: storage)
    case UInt8(ascii: "{"):
      let (shape, storage) = try readTensor()
      return .tensor(shape: shape, storage: storage)
    default:
      if let value = try readNumber() {
        return .number(value, text: String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<p]), as: UTF8.self))
      }
    }
    throw error("expected a value, found \(token(at: start))", at: start)
  }
}
