/// A hand-written, byte-level JSON reader for tensors, with `line:column` errors.
///
/// A tensor is one of:
/// - a number (a 0-d tensor);
/// - a rectangular nested array of numbers, any rank (`[]` is `(0,)`, `[[],[]]` is `(2, 0)`);
/// - an object `{"shape": [...], "data": ...}` whose `data` is a number or an array (flat or nested)
///   with the element count the shape needs. Other keys are ignored; `shape` may be left out, in
///   which case the data's own shape is used.
///
/// Numbers use ``FloatParser`` syntax, which is a superset of JSON's (`+1`, `.5`, `1.` are
/// accepted too). Non-finite values may be the bare tokens `NaN`, `Infinity`, `-Infinity` (any
/// case, also `nan`, `inf`) or the same spellings as strings (`"NaN"`, `"-inf"`). `true` and
/// `false` are read as 1 and 0 (handy for masks and binary targets); `null` is an error.
/// Numbers beyond the double range are errors. Arrays nest at most ``maxDepth`` levels; nesting is
/// tracked with an explicit stack, so hostile input cannot overflow the call stack.
struct JSONTensorReader {
  /// The deepest nesting accepted (PyTorch's rank limit).
  static let maxDepth = 64

  let base: UnsafePointer<UInt8>
  let buffer: UnsafeBufferPointer<UInt8>
  let count: Int
  let label: String
  /// The read position.
  var p: Int
  /// When locating: the flat index of the leaf wanted, and where it was found.
  var targetLeaf = Int.max
  var targetOffset = -1

  init(_ buffer: UnsafeBufferPointer<UInt8>, base: UnsafePointer<UInt8>, label: String, at offset: Int = 0) {
    self.buffer = buffer
    self.base = base
    self.count = buffer.count
    self.label = label
    self.p = offset
  }

  // MARK: - Entry points

  /// Reads a whole document holding one tensor.
  static func read(_ input: InputBytes, label: String, parallel: Bool = true) throws(InputError) -> Tensor {
    let start = try input.withBytes { (buffer: UnsafeBufferPointer<UInt8>) throws(InputError) -> Int in
      guard buffer.baseAddress != nil else { throw InputError(label: label, message: "no json value") }
      return ByteScanner.hasBOM(buffer) ? 3 : 0
    }
    return try input.withBytes { (buffer: UnsafeBufferPointer<UInt8>) throws(InputError) -> Tensor in
      guard let base = buffer.baseAddress else { throw InputError(label: label, message: "no json value") }
      var reader = JSONTensorReader(buffer, base: base, label: label, at: start)
      reader.skipSpace()
      guard reader.p < reader.count else { throw InputError(label: label, message: "no json value") }
      let valueStart = reader.p
      if parallel, reader.count - valueStart > DelimitedTextReader.parallelThreshold,
        (reader.count - valueStart) / 2 < Shape.maxElementCount,  // bounded memory, as for text
        base[valueStart] == UInt8(ascii: "["),
        !ByteScanner.sampledNUL(base, from: valueStart, to: reader.count),  // as for text
        let (shape, storage) = parallelArray(buffer, base: base, label: label, start: valueStart)
      {
        return try makeTensor(shape: shape, storage: storage, input: input, label: label, valueStart: valueStart)
      }
      let (shape, storage) = try reader.readTensor()
      try reader.expectEnd()
      return try makeTensor(shape: shape, storage: storage, input: input, label: label, valueStart: valueStart)
    }
  }

  /// Reads `{"name": tensor, ...}` into pairs in document order.
  static func readObject(_ input: InputBytes, label: String) throws(InputError) -> [(key: String, tensor: Tensor)] {
    try input.withBytes { (buffer: UnsafeBufferPointer<UInt8>) throws(InputError) -> [(key: String, tensor: Tensor)] in
      guard let base = buffer.baseAddress else { throw InputError(label: label, message: "no json value") }
      var reader = JSONTensorReader(buffer, base: base, label: label, at: ByteScanner.hasBOM(buffer) ? 3 : 0)
      let members = try reader.readObjectMembers(empty: "no json value", expected: "a json object of named tensors") {
        (reader: inout JSONTensorReader) throws(InputError) -> Tensor in
        let valueStart = reader.p
        let (shape, storage) = try reader.readTensor()
        return try makeTensor(shape: shape, storage: storage, input: input, label: label, valueStart: valueStart)
      }
      return members.map { (key: $0.key, tensor: $0.value) }
    }
  }

  /// Reads the JSON object that is the whole input, from the current position: `{`, members
  /// `"key": value` separated by commas, `}`, then only white space; a duplicate key is an error.
  /// `readValue` reads each value (the reader at its first byte). The one object loop of the tool,
  /// for files of named tensors and for `batch` requests, so that both word their errors alike;
  /// `empty` is the message for an input of white space only, `expected` what a value other than
  /// an object is said not to be.
  mutating func readObjectMembers<Value>(
    empty: String, expected: String, _ readValue: (inout JSONTensorReader) throws(InputError) -> Value
  ) throws(InputError) -> [(key: String, value: Value)] {
    skipSpace()
    guard p < count else { throw InputError(label: label, message: empty) }
    guard base[p] == UInt8(ascii: "{") else { throw error("expected \(expected), found \(token())", at: p) }
    p += 1
    var members: [(key: String, value: Value)] = []
    // A request's few keys are found fastest in the list; a file of many tensors moves to a set.
    var seen: Set<String> = []
    var first = true
    while true {
      skipSpace()
      if first, peek == UInt8(ascii: "}") {
        p += 1
        break
      }
      first = false
      let keyStart = p
      let key = try readPlainKey()
      if members.count < 16 ? members.contains(where: { $0.key == key }) : !seen.insert(key).inserted {
        throw error("duplicate key \(ByteScanner.quoted(Array(key.utf8)))", at: keyStart)
      }
      if members.count == 15 { seen = Set(members.map(\.key) + [key]) }
      skipSpace()
      members.append((key, try readValue(&self)))
      skipSpace()
      guard let separator = peek else { throw error("unexpected end of input", at: p) }
      p += 1
      if separator == UInt8(ascii: "}") { break }
      guard separator == UInt8(ascii: ",") else {
        throw error("expected ',' or '}', found \(token(at: p - 1))", at: p - 1)
      }
    }
    try expectEnd()
    return members
  }

  static func makeTensor(
    shape: [Int], storage: [Double], input: InputBytes, label: String, valueStart: Int
  ) throws(InputError) -> Tensor {
    let origin = TensorOrigin(label: label) { index in
      input.withBytes { buffer -> (line: Int, column: Int)? in
        guard let base = buffer.baseAddress else { return nil }
        var reader = JSONTensorReader(buffer, base: base, label: label, at: valueStart)
        reader.targetLeaf = index
        guard (try? reader.readTensor()) != nil, reader.targetOffset >= 0 else { return nil }
        return ByteScanner.position(of: reader.targetOffset, in: buffer)
      }
    }
    do {
      return try Tensor(shape: shape, storage: storage, origin: origin)
    } catch {
      throw InputError(label: label, message: error.message)
    }
  }

  // MARK: - Values

  /// A tensor value at the current position: a shape/data object, an array or a number.
  mutating func readTensor() throws(InputError) -> (shape: [Int], storage: [Double]) {
    skipSpace()
    if peek == UInt8(ascii: "{") { return try readShapeDataObject() }
    var values = DoubleBuffer(capacity: min(count - p, 1 << 20) / 8)
    defer { values.free() }
    let shape = try readArray(into: &values)
    guard !values.failed else { throw InputError(label: label, message: DoubleBuffer.memoryMessage) }
    try LargeArray.reserve(doubles: values.count, reading: label)
    return (shape, values.toArray())
  }

  /// `{"shape": [...], "data": ...}`.
  mutating func readShapeDataObject() throws(InputError) -> (shape: [Int], storage: [Double]) {
    let objectStart = p
    p += 1
    var shape: [Int]?
    var shapeStart = 0
    var data: (shape: [Int], storage: [Double])?
    var dataStart = 0
    var first = true
    while true {
      skipSpace()
      if first, peek == UInt8(ascii: "}") {
        p += 1
        break
      }
      first = false
      let keyStart = p
      let key = try readKey()
      skipSpace()
      switch key {
      case "shape":
        guard shape == nil else { throw error("duplicate key \"shape\"", at: keyStart) }
        shapeStart = p
        shape = try readShape()
      case "data":
        guard data == nil else { throw error("duplicate key \"data\"", at: keyStart) }
        dataStart = p
        var values = DoubleBuffer(capacity: min(count - p, 1 << 20) / 8)
        defer { values.free() }
        let dataShape = try readArray(into: &values)
        guard !values.failed else { throw InputError(label: label, message: DoubleBuffer.memoryMessage) }
        try LargeArray.reserve(doubles: values.count, reading: label)
        data = (dataShape, values.toArray())
      default:
        try skipValue()
      }
      skipSpace()
      guard let separator = peek else { throw error("unexpected end of input", at: p) }
      p += 1
      if separator == UInt8(ascii: "}") { break }
      guard separator == UInt8(ascii: ",") else {
        throw error("expected ',' or '}', found \(token(at: p - 1))", at: p - 1)
      }
    }
    guard let data else { throw error("tensor object has no \"data\" key", at: objectStart) }
    guard let shape else { return data }
    let needed: Int
    do {
      needed = try Shape.elementCount(shape)
    } catch {
      throw self.error(error.message, at: shapeStart)
    }
    guard needed == data.storage.count else {
      throw error(
        "data has \(data.storage.count) element\(data.storage.count == 1 ? "" : "s") but shape \(Shape.describe(shape)) needs \(needed)",
        at: dataStart)
    }
    return (shape, data.storage)
  }

  /// `[d0, d1, ...]` of non-negative integers.
  mutating func readShape() throws(InputError) -> [Int] {
    guard peek == UInt8(ascii: "[") else { throw error("expected a shape like [2, 3], found \(token())", at: p) }
    p += 1
    var dims: [Int] = []
    skipSpace()
    if peek == UInt8(ascii: "]") {
      p += 1
      return dims
    }
    while true {
      skipSpace()
      let start = p
      guard let value = try readNumber(), value >= 0, value < 0x1p62, value == value.rounded() else {
        throw error("shape entries must be non-negative integers, found \(token(at: start))", at: start)
      }
      guard dims.count < Shape.maxRank else {
        throw error("shape has more than \(Shape.maxRank) dimensions", at: start)
      }
      dims.append(Int(value))
      skipSpace()
      guard let separator = peek else { throw error("unexpected end of input", at: p) }
      p += 1
      if separator == UInt8(ascii: "]") { return dims }
      guard separator == UInt8(ascii: ",") else {
        throw error("expected ',' or ']', found \(token(at: p - 1))", at: p - 1)
      }
    }
  }

  /// A number or a rectangular nested array of numbers; returns the shape.
  mutating func readArray(into values: inout DoubleBuffer) throws(InputError) -> [Int] {
    skipSpace()
    guard p < count else { throw error("unexpected end of input", at: p) }
    if base[p] != UInt8(ascii: "[") {
      try readScalar(into: &values)
      return []
    }
    var dims = [Int](repeating: -1, count: JSONTensorReader.maxDepth + 1)
    var rank = -1
    var counts: [Int] = [0]
    var starts: [Int] = [p]
    p += 1
    var expectValue = true
    var allowClose = true
    while true {
      skipSpace()
      guard p < count else { throw error("unexpected end of input", at: p) }
      let byte = base[p]
      if expectValue {
        if byte == UInt8(ascii: "[") {
          let depth = counts.count
          guard depth < JSONTensorReader.maxDepth else {
            throw error("arrays nested deeper than \(JSONTensorReader.maxDepth) levels", at: p)
          }
          if rank >= 0 && depth >= rank {
            throw error("expected a number at depth \(depth + 1), found an array", at: p)
          }
          counts[counts.count - 1] += 1
          counts.append(0)
          starts.append(p)
          p += 1
          allowClose = true
          continue
        }
        if byte == UInt8(ascii: "]") && allowClose {
          if try closeArray(&dims, &rank, &counts, &starts) { break }
          expectValue = false
          continue
        }
        let depth = counts.count
        if rank < 0 {
          rank = depth
        } else if rank != depth {
          throw error("expected an array at depth \(depth + 1), found \(token())", at: p)
        }
        try readScalar(into: &values)
        counts[counts.count - 1] += 1
        expectValue = false
      } else {
        if byte == UInt8(ascii: ",") {
          p += 1
          expectValue = true
          allowClose = false
          continue
        }
        if byte == UInt8(ascii: "]") {
          if try closeArray(&dims, &rank, &counts, &starts) { break }
          continue
        }
        throw error("expected ',' or ']', found \(token())", at: p)
      }
    }
    guard rank >= 0 else { return [0] }
    return Array(dims[0..<rank])
  }

  /// Closes the innermost array; returns whether it was the outermost.
  @inline(__always)
  private mutating func closeArray(
    _ dims: inout [Int], _ rank: inout Int, _ counts: inout [Int], _ starts: inout [Int]
  ) throws(InputError) -> Bool {
    let depth = counts.count - 1
    let n = counts.removeLast()
    let start = starts.removeLast()
    p += 1
    if n == 0 {
      if rank < 0 {
        rank = depth + 1
      } else if rank != depth + 1 {
        throw error("expected an array of rank \(rank - depth), found an empty array", at: start)
      }
    }
    if dims[depth] < 0 {
      dims[depth] = n
    } else if dims[depth] != n {
      let want = dims[depth]
      throw error(
        "expected \(want) element\(want == 1 ? "" : "s") at depth \(depth + 1) (as in the first row), found \(n)",
        at: start)
    }
    return counts.isEmpty
  }

  /// One element: a number, `NaN`/`Infinity` token or string, `true`/`false`.
  @inline(__always)
  mutating func readScalar(into values: inout DoubleBuffer) throws(InputError) {
    if values.count == targetLeaf { targetOffset = p }
    if let value = fastNumber() {
      values.append(value)
      return
    }
    let start = p
    if let value = try readNumber() {
      values.append(value)
      return
    }
    throw error("expected a number, found \(token(at: start))", at: start)
  }

  /// The common case, inlined: a plain number followed by a delimiter. `nil` (and `p` unchanged)
  /// for anything else, which ``readNumber()`` then handles.
  @inline(__always)
  mutating func fastNumber() -> Double? {
    var cursor = base + p
    var value = 0.0
    guard FloatParser.scanInline(&cursor, base + count, &value) == .ok else { return nil }
    let q = cursor - base
    guard q == count || JSONTensorReader.isTerminator(base[q]) else { return nil }
    p = q
    return value
  }

  /// A number at `p` (any of the spellings a tensor element may take), or `nil` when the token
  /// is not one; errors for numbers out of range and for numbers run into other text.
  mutating func readNumber() throws(InputError) -> Double? {
    guard p < count else { throw error("unexpected end of input", at: p) }
    let start = p
    var cursor = base + p
    var value = 0.0
    switch FloatParser.scanInline(&cursor, base + count, &value) {
    case .ok:
      p = cursor - base
      guard p == count || JSONTensorReader.isTerminator(base[p]) else { return nil }
      return value
    case .outOfRange:
      p = cursor - base
      throw error("number out of range: \(token(at: start))", at: start)
    case .invalid:
      break
    }
    switch base[p] {
    case UInt8(ascii: "\""):
      // "NaN", "Infinity", "-Infinity" and friends.
      guard let end = stringEnd(from: p) else { return nil }
      var inner = base + p + 1
      let innerEnd = base + end - 1
      guard FloatParser.scanInline(&inner, innerEnd, &value) == .ok, inner == innerEnd, !value.isFinite else {
        return nil
      }
      p = end
      return value
    case UInt8(ascii: "t"):
      guard matches("true") else { return nil }
      p += 4
      return 1
    case UInt8(ascii: "f"):
      guard matches("false") else { return nil }
      p += 5
      return 0
    default:
      return nil
    }
  }

  // MARK: - Strings, keys, skipping

  /// A key string followed by `:`.
  mutating func readKey() throws(InputError) -> String {
    guard peek == UInt8(ascii: "\"") else {
      throw error(p < count ? "expected a key string, found \(token())" : "unexpected end of input", at: p)
    }
    let key = try readString()
    skipSpace()
    guard peek == UInt8(ascii: ":") else {
      throw error(p < count ? "expected ':', found \(token())" : "unexpected end of input", at: p)
    }
    p += 1
    return key
  }

  /// A key and its `:`; keys without escapes (all of them, in practice) are made from the bytes
  /// in place, which for short keys allocates nothing.
  mutating func readPlainKey() throws(InputError) -> String {
    guard peek == UInt8(ascii: "\"") else { return try readKey() }
    var q = p + 1
    while q < count, base[q] != UInt8(ascii: "\""), base[q] != UInt8(ascii: "\\"), base[q] >= 0x20, base[q] < 0x80 {
      q += 1
    }
    guard q < count, base[q] == UInt8(ascii: "\"") else { return try readKey() }
    let key = String(decoding: UnsafeBufferPointer(rebasing: buffer[(p + 1)..<q]), as: UTF8.self)
    p = q + 1
    skipSpace()
    guard peek == UInt8(ascii: ":") else {
      throw error(p < count ? "expected ':', found \(token())" : "unexpected end of input", at: p)
    }
    p += 1
    return key
  }

  /// A string at `p` (which is `"`), with escapes decoded.
  mutating func readString() throws(InputError) -> String {
    let start = p
    p += 1
    var bytes: [UInt8] = []
    while true {
      guard p < count else { throw error("unterminated string", at: start) }
      let byte = base[p]
      if byte == UInt8(ascii: "\"") {
        p += 1
        break
      }
      if byte < 0x20 { throw error("control character in string", at: p) }
      if byte != UInt8(ascii: "\\") {
        bytes.append(byte)
        p += 1
        continue
      }
      guard p + 1 < count else { throw error("unterminated string", at: start) }
      let escape = base[p + 1]
      switch escape {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escape)
      case UInt8(ascii: "b"): bytes.append(0x08)
      case UInt8(ascii: "f"): bytes.append(0x0C)
      case UInt8(ascii: "n"): bytes.append(0x0A)
      case UInt8(ascii: "r"): bytes.append(0x0D)
      case UInt8(ascii: "t"): bytes.append(0x09)
      case UInt8(ascii: "u"):
        guard var code = hex4(at: p + 2) else { throw error("invalid \\u escape", at: p) }
        var length = 6
        if code >= 0xD800 && code < 0xDC00, p + 11 < count, base[p + 6] == UInt8(ascii: "\\"),
          base[p + 7] == UInt8(ascii: "u"), let low = hex4(at: p + 8), low >= 0xDC00 && low < 0xE000
        {
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          length = 12
        }
        let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
        bytes.append(contentsOf: String(scalar).utf8)
        p += length
        continue
      default:
        throw error("invalid escape in string", at: p)
      }
      p += 2
    }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw error("invalid utf-8 in string", at: start)
    }
    return text
  }

  private func hex4(at offset: Int) -> UInt32? {
    guard offset + 4 <= count else { return nil }
    var value: UInt32 = 0
    for k in 0..<4 {
      let byte = base[offset + k]
      let digit: UInt32
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
      default: return nil
      }
      value = value * 16 + digit
    }
    return value
  }

  /// The offset just past the closing quote of the string starting at `from`, if it closes.
  private func stringEnd(from: Int) -> Int? {
    var q = from + 1
    while q < count {
      let byte = base[q]
      if byte == UInt8(ascii: "\"") { return q + 1 }
      if byte == UInt8(ascii: "\\") { q += 1 }
      q += 1
    }
    return nil
  }

  /// Skips any JSON value (for ignored keys), iteratively.
  /// The first syntax error of the JSON value at the start of `buffer` (after a BOM and blanks),
  /// or nil when it is well formed so far: for checking a stream as it arrives.
  static func syntaxError(in buffer: UnsafeBufferPointer<UInt8>, label: String) -> InputError? {
    guard let base = buffer.baseAddress else { return nil }
    var reader = JSONTensorReader(buffer, base: base, label: label, at: ByteScanner.hasBOM(buffer) ? 3 : 0)
    do {
      try reader.skipValue()
      return nil
    } catch {
      return error
    }
  }

  mutating func skipValue() throws(InputError) {
    var depth = 0
    repeat {
      skipSpace()
      guard p < count else { throw error("unexpected end of input", at: p) }
      let byte = base[p]
      switch byte {
      case UInt8(ascii: "["), UInt8(ascii: "{"):
        depth += 1
        guard depth <= JSONTensorReader.maxDepth else {
          throw error("values nested deeper than \(JSONTensorReader.maxDepth) levels", at: p)
        }
        p += 1
      case UInt8(ascii: "]"), UInt8(ascii: "}"):
        guard depth > 0 else { throw error("unexpected \(token())", at: p) }
        depth -= 1
        p += 1
      case UInt8(ascii: ","), UInt8(ascii: ":"):
        guard depth > 0 else { throw error("unexpected \(token())", at: p) }
        p += 1
      case UInt8(ascii: "\""):
        _ = try readString()
      default:
        let start = p
        if matches("null") {
          p += 4
        } else if try readNumber() == nil {
          throw error("unexpected \(token(at: start))", at: start)
        }
      }
    } while depth > 0
  }

  // MARK: - Low level

  var peek: UInt8? { p < count ? base[p] : nil }

  @inline(__always)
  mutating func skipSpace() {
    while p < count {
      let byte = base[p]
      guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
      p += 1
    }
  }

  @inline(__always)
  static func isTerminator(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") || byte == 0x20
      || byte == 0x0A || byte == 0x0D || byte == 0x09
  }

  private func matches(_ word: StaticString) -> Bool {
    let n = word.utf8CodeUnitCount
    guard count - p >= n else { return false }
    for k in 0..<n where base[p + k] != word.utf8Start[k] { return false }
    return p + n == count || JSONTensorReader.isTerminator(base[p + n]) || base[p + n] == UInt8(ascii: ":")
  }

  mutating func expectEnd() throws(InputError) {
    skipSpace()
    guard p >= count else { throw error("unexpected text after the json value: \(token())", at: p) }
  }

  /// The token at `offset` for a message: a string, or the text up to the next delimiter.
  func token(at offset: Int? = nil) -> String {
    let start = offset ?? p
    guard start < count else { return "end of input" }
    let first = base[start]
    if first == UInt8(ascii: "[") { return "an array" }
    if first == UInt8(ascii: "{") { return "an object" }
    if first == UInt8(ascii: "\""), let end = stringEnd(from: start) {
      return "string " + ByteScanner.quoted(buffer[(start + 1)..<(end - 1)])
    }
    if JSONTensorReader.isTerminator(first) || first == UInt8(ascii: ":") {
      return "'" + String(UnicodeScalar(first)) + "'"
    }
    var end = start
    while end < count && !JSONTensorReader.isTerminator(base[end]) && base[end] != UInt8(ascii: ":")
      && end - start < 64
    {
      end += 1
    }
    return ByteScanner.quoted(buffer[start..<end])
  }

  func error(_ message: String, at offset: Int) -> InputError {
    ByteScanner.error(message, at: offset, in: buffer, label: label)
  }
}
