/// A small JSON parser for the headers of binary formats (safetensors): objects keep their keys in
/// document order, numbers that are integers stay exact. Bounded: nesting depth, and every read is
/// checked against the buffer. Not for tensor data (see ``JSONTensorReader``).
enum HeaderJSON {
  indirect enum Value: Equatable {
    case null
    case bool(Bool)
    /// An integer that fits in `Int`.
    case int(Int)
    case number(Double)
    case string(String)
    case array([Value])
    case object([(String, Value)])

    static func == (a: Value, b: Value) -> Bool {
      switch (a, b) {
      case (.null, .null): return true
      case (.bool(let x), .bool(let y)): return x == y
      case (.int(let x), .int(let y)): return x == y
      case (.number(let x), .number(let y)): return x == y
      case (.string(let x), .string(let y)): return x == y
      case (.array(let x), .array(let y)): return x == y
      case (.object(let x), .object(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0 == $1 }
      default: return false
      }
    }
  }

  static let maxDepth = 64

  /// Parses `bytes` as one JSON value (surrounding blanks allowed); errors are `label: context:
  /// message at byte N`.
  static func parse(_ bytes: UnsafeBufferPointer<UInt8>, label: String, context: String) throws(InputError) -> Value {
    var parser = Parser(bytes: bytes, label: label, context: context)
    let value = try parser.value(depth: 0)
    parser.skipBlanks()
    guard parser.p == bytes.count else { throw parser.error("unexpected text after the JSON value") }
    return value
  }

  private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    let label: String
    let context: String
    var p = 0

    func error(_ message: String) -> InputError {
      InputError(label: label, message: "\(context): \(message) at byte \(p)")
    }

    mutating func skipBlanks() {
      while p < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[p]) { p += 1 }
    }

    mutating func literal(_ word: String, _ value: Value) throws(InputError) -> Value {
      let w = Array(word.utf8)
      guard w.count <= bytes.count - p, Array(bytes[p..<(p + w.count)]) == w else { throw error("invalid JSON") }
      p += w.count
      return value
    }

    mutating func value(depth: Int) throws(InputError) -> Value {
      guard depth < HeaderJSON.maxDepth else { throw error("JSON nested too deeply") }
      skipBlanks()
      guard p < bytes.count else { throw error("unexpected end of JSON") }
      switch bytes[p] {
      case UInt8(ascii: "{"):
        p += 1
        var members: [(String, Value)] = []
        skipBlanks()
        if p < bytes.count, bytes[p] == UInt8(ascii: "}") { p += 1; return .object(members) }
        while true {
          skipBlanks()
          guard p < bytes.count, bytes[p] == UInt8(ascii: "\"") else { throw error("expected a JSON object key") }
          let key = try string()
          skipBlanks()
          guard p < bytes.count, bytes[p] == UInt8(ascii: ":") else { throw error("expected ':' in JSON") }
          p += 1
          members.append((key, try value(depth: depth + 1)))
          skipBlanks()
          guard p < bytes.count else { throw error("unexpected end of JSON") }
          if bytes[p] == UInt8(ascii: ",") { p += 1; continue }
          guard bytes[p] == UInt8(ascii: "}") else { throw error("expected ',' or '}' in JSON") }
          p += 1
          return .object(members)
        }
      case UInt8(ascii: "["):
        p += 1
        var items: [Value] = []
        skipBlanks()
        if p < bytes.count, bytes[p] == UInt8(ascii: "]") { p += 1; return .array(items) }
        while true {
          items.append(try value(depth: depth + 1))
          skipBlanks()
          guard p < bytes.count else { throw error("unexpected end of JSON") }
          if bytes[p] == UInt8(ascii: ",") { p += 1; continue }
          guard bytes[p] == UInt8(ascii: "]") else { throw error("expected ',' or ']' in JSON") }
          p += 1
          return .array(items)
        }
      case UInt8(ascii: "\""): return .string(try string())
      case UInt8(ascii: "t"): return try literal("true", .bool(true))
      case UInt8(ascii: "f"): return try literal("false", .bool(false))
      case UInt8(ascii: "n"): return try literal("null", .null)
      default: return try number()
      }
    }

    mutating func number() throws(InputError) -> Value {
      let start = p
      while p < bytes.count, let c = Optional(bytes[p]),
        (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || [0x2B, 0x2D, 0x2E, 0x45, 0x65].contains(c)
      {
        p += 1
      }
      guard p > start else { throw error("invalid JSON") }
      let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<p]), as: UTF8.self)
      if let integer = Int(text) { return .int(integer) }
      guard let double = Double(text) else { throw error("invalid JSON number") }
      return .number(double)
    }

    /// A string at `p` (which holds the opening quote), escapes decoded.
    mutating func string() throws(InputError) -> String {
      p += 1
      var out: [UInt8] = []
      while true {
        guard p < bytes.count else { throw error("unterminated JSON string") }
        let c = bytes[p]
        p += 1
        if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
        guard c == UInt8(ascii: "\\") else { out.append(c); continue }
        guard p < bytes.count else { throw error("unterminated JSON string") }
        let e = bytes[p]
        p += 1
        switch e {
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "u"):
          var scalar = try hex4()
          if (0xD800..<0xDC00).contains(scalar), p + 1 < bytes.count, bytes[p] == UInt8(ascii: "\\"),
            bytes[p + 1] == UInt8(ascii: "u")
          {
            p += 2
            let low = try hex4()
            if (0xDC00..<0xE000).contains(low) { scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00) }
          }
          out += Array(String(Character(Unicode.Scalar(UInt32(scalar)) ?? "\u{FFFD}")).utf8)
        default: out.append(e)  // \" \\ \/
        }
      }
    }

    mutating func hex4() throws(InputError) -> Int {
      guard bytes.count - p >= 4 else { throw error("bad JSON escape") }
      var value = 0
      for _ in 0..<4 {
        let c = bytes[p]
        p += 1
        let digit: Int
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(c) - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = Int(c) - 87
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = Int(c) - 55
        default: throw error("bad JSON escape")
        }
        value = value << 4 | digit
      }
      return value
    }
  }
}
