/// What Python prints for a tensor or an array, pasted as an inline literal:
/// `tensor([[1., 2.], [3., 4.]], dtype=torch.float64, requires_grad=True)` (one line or as the
/// REPL wraps it), `tensor(3.)`, `tensor([], size=(0, 3))`, `array([1, 2], dtype=int64)`,
/// `array([], shape=(0, 3), dtype=float64)`, `np.float64(1.5)`, and numpy's `print` form
/// `[[1. 2.] [3. 4.]]`. Elements are numbers in ``FloatParser`` syntax (`1.`, `nan`, `inf`,
/// `1.0000e-05`) or `True`/`False`. The keywords `device`, `requires_grad`, `grad_fn`, `layout`
/// are accepted and ignored; `dtype` must be numeric; a summarised print (`...`) is refused, since
/// the elements it leaves out are not in the text.
enum PythonLiteral {
  /// The callables whose printed form is read: the name before `(`, without a `torch.`, `np.` or
  /// `numpy.` prefix.
  static let tensorCallables: Set<String> = ["tensor", "array", "asarray", "parameter"]
  static let scalarCallables: Set<String> = [
    "float64", "float32", "float16", "double", "single", "half", "longdouble", "int64", "int32", "int16", "int8",
    "uint64", "uint32", "uint16", "uint8", "bool_", "bool", "intp", "uintp", "float_", "int_",
  ]

  /// The callable's name when `text` is `name(...)` with a name Python prints for a tensor, an
  /// array or a numpy scalar; nil otherwise.
  static func callable(_ bytes: [UInt8]) -> (name: String, open: Int)? {
    var k = 0
    while k < bytes.count, isIdentifier(bytes[k]) || bytes[k] == UInt8(ascii: ".") { k += 1 }
    guard k > 0, k < bytes.count, bytes[k] == UInt8(ascii: "("), bytes.last == UInt8(ascii: ")") else { return nil }
    var name = String(decoding: bytes[..<k], as: UTF8.self)
    for prefix in ["torch.nn.", "torch.", "numpy.", "np.", "nn."] where name.hasPrefix(prefix) {
      name.removeFirst(prefix.count)
      break
    }
    guard tensorCallables.contains(name) || scalarCallables.contains(name) else { return nil }
    return (name, k)
  }

  static func isIdentifier(_ byte: UInt8) -> Bool {
    (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || byte == UInt8(ascii: "_")
      || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
  }

  /// Whether `text` has the shape of one of the printed forms (its elements are not checked).
  static func looksLikePrintedTensor(_ text: some StringProtocol) -> Bool {
    callable(Array(trimmed(text).utf8)) != nil
  }

  static func trimmed(_ text: some StringProtocol) -> Substring {
    var rest = Substring(text)
    while let first = rest.first, first.isWhitespace { rest.removeFirst() }
    while let last = rest.last, last.isWhitespace { rest.removeLast() }
    return rest
  }

  /// The tensor `text` prints, or nil when it is not one of the printed forms.
  static func parse(_ text: String, label: String) throws(InputError) -> Tensor? {
    let bytes = Array(trimmed(text).utf8)
    if let (name, open) = callable(bytes) {
      var parser = Parser(bytes: bytes, position: open + 1, end: bytes.count - 1, label: label)
      // A dtype that is not a number type (strings, objects, complex) is the error, not the elements.
      if let dtype = dtypeText(bytes), !isNumericDType(dtype) {
        throw InputError(label: label, message: "\(name)(...) has dtype=\(dtype), not a number type")
      }
      let value = try parser.value(depth: 0)
      var dims: [Int]?
      while true {
        parser.skipBlanks()
        guard parser.position < parser.end else { break }
        guard parser.bytes[parser.position] == UInt8(ascii: ",") else {
          throw parser.error("expected ',' or ')' after the elements")
        }
        parser.position += 1
        parser.skipBlanks()
        guard parser.position < parser.end else { break }  // a trailing comma
        let (key, argument) = try parser.keyword()
        switch key {
        case "dtype":
          guard isNumericDType(argument) else {
            throw InputError(label: label, message: "\(name)(...) has dtype=\(argument), not a number type")
          }
        case "size", "shape":
          dims = try parser.dimensions(argument)
        case "device", "requires_grad", "grad_fn", "layout", "names", "grad", "is_leaf":
          break
        default:
          throw InputError(label: label, message: "\(name)(...): unexpected keyword '\(key)'")
        }
      }
      if scalarCallables.contains(name), !value.shape.isEmpty {
        throw InputError(label: label, message: "\(name)(...) holds one number, not a list")
      }
      return try makeTensor(value, dims: dims, label: label)
    }
    guard bytes.first == UInt8(ascii: "[") else { return nil }
    var parser = Parser(bytes: bytes, position: 0, end: bytes.count, label: label)
    let value = try parser.value(depth: 0)
    parser.skipBlanks()
    guard parser.position == parser.end else { throw parser.error("unexpected text after the elements") }
    return try makeTensor(value, dims: nil, label: label)
  }

  static func makeTensor(_ value: (shape: [Int], storage: [Double]), dims: [Int]?, label: String) throws(InputError)
    -> Tensor
  {
    var shape = value.shape
    if let dims {
      guard Shape.elementCountIfValid(dims) == value.storage.count else {
        throw InputError(
          label: label, message: "size=\(Shape.describe(dims)) does not hold \(value.storage.count) elements")
      }
      shape = dims
    }
    do {
      return try Tensor(shape: shape, storage: value.storage, origin: TensorOrigin(label: label))
    } catch {
      throw InputError(label: label, message: error.message)
    }
  }

  /// The text after the last `dtype=`, up to a comma or the closing parenthesis.
  static func dtypeText(_ bytes: [UInt8]) -> String? {
    let key = Array("dtype=".utf8)
    guard bytes.count > key.count else { return nil }
    var found: Int?
    for k in 0...(bytes.count - key.count) where bytes[k..<(k + key.count)].elementsEqual(key) { found = k + key.count }
    guard let start = found else { return nil }
    var end = start
    while end < bytes.count - 1 && bytes[end] != UInt8(ascii: ",") { end += 1 }
    return String(trimmed(String(decoding: bytes[start..<end], as: UTF8.self)))
  }

  static func isNumericDType(_ text: String) -> Bool {
    var name = text.lowercased()
    name.removeAll { $0 == "'" || $0 == "\"" }
    for prefix in ["torch.", "numpy.", "np."] where name.hasPrefix(prefix) { name.removeFirst(prefix.count) }
    if name.contains("complex") || name.contains("str") || name.contains("<u") || name == "object" || name == "o" {
      return false
    }
    return [
      "float", "int", "bool", "double", "half", "long", "short", "single", "<f", ">f", "<i", ">i", "|b", "|u", "f8",
      "f4", "i8", "i4",
    ]
    .contains { name.contains($0) }
  }

  /// A cursor over the bytes between the parentheses (or of a bare list).
  struct Parser {
    let bytes: [UInt8]
    var position: Int
    let end: Int
    let label: String

    func error(_ message: String) -> InputError {
      // Columns in the literal as typed (1-based, counting bytes).
      InputError(label: label, line: 1, column: position + 1, message: message)
    }

    mutating func skipBlanks() {
      while position < end, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    /// A number or a nested list: its shape and elements (row-major).
    mutating func value(depth: Int) throws(InputError) -> (shape: [Int], storage: [Double]) {
      skipBlanks()
      guard position < end else { throw error("expected a number or '['") }
      if bytes[position] == UInt8(ascii: "[") {
        guard depth < 64 else { throw error("lists nested too deeply") }
        position += 1
        var children: [(shape: [Int], storage: [Double])] = []
        while true {
          skipBlanks()
          guard position < end else { throw error("expected ']'") }
          if bytes[position] == UInt8(ascii: "]") {
            position += 1
            break
          }
          if !children.isEmpty && bytes[position] == UInt8(ascii: ",") {
            position += 1
            skipBlanks()
          }
          if position + 2 < end && bytes[position] == UInt8(ascii: ".") && bytes[position + 1] == UInt8(ascii: ".")
            && bytes[position + 2] == UInt8(ascii: ".")
          {
            throw error(
              "the tensor was printed summarised ('...' stands for elements left out); print it whole with "
                + "torch.set_printoptions(profile='full') or np.set_printoptions(threshold=sys.maxsize), or save it to a file"
            )
          }
          let child = try value(depth: depth + 1)
          if let first = children.first, first.shape != child.shape {
            throw error(
              "the lists are not rectangular: \(Shape.describe(child.shape)) after \(Shape.describe(first.shape))")
          }
          children.append(child)
        }
        let shape = [children.count] + (children.first?.shape ?? [])
        return (shape, children.flatMap(\.storage))
      }
      let start = position
      while position < end, isIdentifier(bytes[position]) || [0x2B, 0x2D, 0x2E].contains(bytes[position]) {
        position += 1
      }
      let token = bytes[start..<position]
      guard !token.isEmpty else {
        position = start
        throw error("expected a number, found " + ByteScanner.quoted(bytes[start..<min(end, start + 20)]))
      }
      let text = String(decoding: token, as: UTF8.self)
      switch text {
      case "True": return ([], [1])
      case "False": return ([], [0])
      default: break
      }
      var value = 0.0
      let status = token.withUnsafeBufferPointer { buffer -> FloatParser.Status in
        guard let base = buffer.baseAddress else { return .invalid }
        var cursor = base
        let status = FloatParser.scan(&cursor, base + buffer.count, &value)
        return status == .ok && cursor != base + buffer.count ? .invalid : status
      }
      switch status {
      case .ok: return ([], [value])
      case .outOfRange:
        position = start
        throw error("number out of range: \"\(text)\"")
      case .invalid:
        position = start
        throw error("expected a number, found \"\(text)\"")
      }
    }

    /// `key=value` up to the next top-level comma or the end; the value's text.
    mutating func keyword() throws(InputError) -> (key: String, value: String) {
      let start = position
      while position < end, isIdentifier(bytes[position]) { position += 1 }
      let key = String(decoding: bytes[start..<position], as: UTF8.self)
      skipBlanks()
      guard !key.isEmpty, position < end, bytes[position] == UInt8(ascii: "=") else {
        position = start
        throw error("expected a keyword argument (dtype=, device=, requires_grad=, ...)")
      }
      position += 1
      skipBlanks()
      let valueStart = position
      var depth = 0
      var quote: UInt8?
      while position < end {
        let byte = bytes[position]
        if let open = quote {
          if byte == open { quote = nil }
        } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
          quote = byte
        } else if [UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "<")].contains(byte) {
          depth += 1
        } else if [UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: ">")].contains(byte) {
          depth -= 1
        } else if byte == UInt8(ascii: ",") && depth == 0 {
          break
        }
        position += 1
      }
      var valueEnd = position
      while valueEnd > valueStart, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[valueEnd - 1]) { valueEnd -= 1 }
      return (key, String(decoding: bytes[valueStart..<valueEnd], as: UTF8.self))
    }

    /// `(0, 3)`, `torch.Size([0, 3])`, `(3,)`.
    func dimensions(_ text: String) throws(InputError) -> [Int] {
      var body = Substring(text)
      if body.hasPrefix("torch.Size(") { body = body.dropFirst("torch.Size(".count).dropLast() }
      let inner = body.filter { !"()[] ".contains($0) }
      var dims: [Int] = []
      for part in inner.split(separator: ",") {
        guard let dim = Int(part), dim >= 0 else {
          throw InputError(label: label, message: "size=\(text) is not a shape")
        }
        dims.append(dim)
      }
      return dims
    }
  }
}
