/// Reads NumPy `.npy` files, format versions 1.0, 2.0 and 3.0.
///
/// Layout: the magic `\x93NUMPY`, major and minor version bytes, a little-endian header length
/// (`UInt16` in 1.0, `UInt32` in 2.0/3.0), a Python dict literal with exactly the keys `descr`,
/// `fortran_order` and `shape` (any order and spacing), then the raw data.
///
/// Supported `descr`: float64/32/16 (`f8`, `f4`, `f2`), int64/32/16/8, uint64/32/16/8 and bool
/// (`b1`), little- (`<`), big- (`>`) or native-endian (`=`); `|` for one-byte types. C or Fortran
/// order, any rank. Object, complex, string and structured dtypes are refused. The data size is
/// checked against the file size before anything is allocated. Errors carry no line or column.
enum NPYReader {
  /// The largest header accepted, in bytes.
  static let maxHeaderLength = 1_000_000
  static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

  enum Kind { case float, signed, unsigned, bool }

  struct DType {
    var kind: Kind
    var size: Int
    var bigEndian: Bool
  }

  struct Header {
    var dtype: DType
    var fortranOrder: Bool
    var shape: [Int]
  }

  static func hasMagic(_ prefix: [UInt8]) -> Bool {
    prefix.count >= 6 && Array(prefix[0..<6]) == magic
  }

  /// The whole size (header and data) that the header at the start of `head` declares; nil while
  /// `head` does not yet hold the whole header, or when it is malformed (the reader then says how).
  static func declaredSize(_ head: UnsafeBufferPointer<UInt8>) -> Int? {
    guard head.count >= 12, hasMagic(Array(head.prefix(6))) else { return nil }
    let major = Int(head[6])
    let headerStart = major == 1 ? 10 : 12
    let headerLength =
      major == 1
      ? Int(head[8]) | Int(head[9]) << 8 : Int(head[8]) | Int(head[9]) << 8 | Int(head[10]) << 16 | Int(head[11]) << 24
    guard headerLength <= maxHeaderLength, head.count >= headerStart + headerLength,
      let header = try? parseHeader(Array(head[headerStart..<(headerStart + headerLength)]), label: ""),
      let count = try? Shape.elementCount(header.shape)
    else { return nil }
    return headerStart + headerLength + count * header.dtype.size
  }

  static func read(_ input: InputBytes, label: String) throws(InputError) -> Tensor {
    let (shape, storage) = try input.withBytes {
      (buffer: UnsafeBufferPointer<UInt8>) throws(InputError) -> ([Int], [Double]) in
      try parse(buffer, label: label)
    }
    do {
      return try Tensor(shape: shape, storage: storage, origin: TensorOrigin(label: label))
    } catch {
      throw InputError(label: label, message: error.message)
    }
  }

  static func parse(_ buffer: UnsafeBufferPointer<UInt8>, label: String) throws(InputError) -> ([Int], [Double]) {
    func fail(_ message: String) -> InputError { InputError(label: label, message: message) }
    guard buffer.count >= 10 else {
      throw fail("truncated .npy header: expected at least 10 bytes, found \(buffer.count)")
    }
    guard Array(buffer[0..<6]) == magic else { throw fail("not a .npy file (bad magic bytes)") }
    let major = Int(buffer[6])
    let minor = Int(buffer[7])
    guard (1...3).contains(major), minor == 0 else { throw fail("unsupported .npy format version \(major).\(minor)") }
    let headerStart: Int
    let headerLength: Int
    if major == 1 {
      headerStart = 10
      headerLength = Int(buffer[8]) | Int(buffer[9]) << 8
    } else {
      guard buffer.count >= 12 else {
        throw fail("truncated .npy header: expected at least 12 bytes, found \(buffer.count)")
      }
      headerStart = 12
      headerLength = Int(buffer[8]) | Int(buffer[9]) << 8 | Int(buffer[10]) << 16 | Int(buffer[11]) << 24
    }
    guard headerLength <= maxHeaderLength else {
      throw fail(".npy header length \(headerLength) exceeds the limit of \(maxHeaderLength) bytes")
    }
    let dataStart = headerStart + headerLength
    guard buffer.count >= dataStart else {
      throw fail("truncated .npy header: expected \(dataStart) bytes, found \(buffer.count)")
    }
    let header = try parseHeader(Array(buffer[headerStart..<dataStart]), label: label)
    let count: Int
    do {
      count = try Shape.elementCount(header.shape)
    } catch {
      throw fail(error.message)
    }
    let needed = count * header.dtype.size  // count <= 2^40 and size <= 8: no overflow
    let available = buffer.count - dataStart
    guard available >= needed else {
      throw fail(
        "truncated .npy data: expected \(needed) bytes for shape \(Shape.describe(header.shape)), found \(available)")
    }
    guard let base = buffer.baseAddress else { throw fail("truncated .npy data") }
    let raw = UnsafeRawPointer(base + dataStart)
    // Fortran order needs a second array while it is reordered.
    try LargeArray.reserve(doubles: header.fortranOrder ? 2 * count : count, reading: label)
    var storage = convert(raw, count: count, dtype: header.dtype)
    if header.fortranOrder && header.shape.count > 1 {
      storage = fromFortranOrder(storage, shape: header.shape)
    }
    return (header.shape, storage)
  }

  // MARK: - Data

  static func convert(_ raw: UnsafeRawPointer, count: Int, dtype: DType) -> [Double] {
    // The types archives share go through their bulk conversion (a memcpy for float64 in the
    // host's order, on both cores when large); unsigned 16/32/64 stay here.
    if let shared = archiveType(dtype) {
      return ArchiveElementType.decode(raw, count: count, type: shared, bigEndian: dtype.bigEndian)
    }
    return [Double](unsafeUninitializedCapacity: count) { out, initialized in
      let swap = dtype.bigEndian
      switch (dtype.kind, dtype.size) {
      case (.float, 8):
        for k in 0..<count {
          let bits = raw.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self)
          out[k] = Double(bitPattern: swap ? bits.byteSwapped : bits)
        }
      case (.float, 4):
        for k in 0..<count {
          let bits = raw.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self)
          out[k] = Double(Float(bitPattern: swap ? bits.byteSwapped : bits))
        }
      case (.float, _):
        for k in 0..<count {
          let bits = raw.loadUnaligned(fromByteOffset: 2 * k, as: UInt16.self)
          out[k] = halfToDouble(swap ? bits.byteSwapped : bits)
        }
      case (.signed, 8):
        for k in 0..<count {
          let bits = raw.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self)
          out[k] = Double(Int64(bitPattern: swap ? bits.byteSwapped : bits))
        }
      case (.signed, 4):
        for k in 0..<count {
          let bits = raw.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self)
          out[k] = Double(Int32(bitPattern: swap ? bits.byteSwapped : bits))
        }
      case (.signed, 2):
        for k in 0..<count {
          let bits = raw.loadUnaligned(fromByteOffset: 2 * k, as: UInt16.self)
          out[k] = Double(Int16(bitPattern: swap ? bits.byteSwapped : bits))
        }
      case (.signed, _):
        for k in 0..<count { out[k] = Double(Int8(bitPattern: raw.load(fromByteOffset: k, as: UInt8.self))) }
      case (.unsigned, 8):
        for k in 0..<count {
          let bits = raw.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self)
          out[k] = Double(swap ? bits.byteSwapped : bits)
        }
      case (.unsigned, 4):
        for k in 0..<count {
          let bits = raw.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self)
          out[k] = Double(swap ? bits.byteSwapped : bits)
        }
      case (.unsigned, 2):
        for k in 0..<count {
          let bits = raw.loadUnaligned(fromByteOffset: 2 * k, as: UInt16.self)
          out[k] = Double(swap ? bits.byteSwapped : bits)
        }
      case (.unsigned, _):
        for k in 0..<count { out[k] = Double(raw.load(fromByteOffset: k, as: UInt8.self)) }
      case (.bool, _):
        for k in 0..<count { out[k] = raw.load(fromByteOffset: k, as: UInt8.self) != 0 ? 1 : 0 }
      }
      initialized = count
    }
  }

  static func archiveType(_ dtype: DType) -> ArchiveElementType? {
    switch (dtype.kind, dtype.size) {
    case (.float, 8): return .float64
    case (.float, 4): return .float32
    case (.float, 2): return .float16
    case (.signed, 8): return .int64
    case (.signed, 4): return .int32
    case (.signed, 2): return .int16
    case (.signed, 1): return .int8
    case (.unsigned, 1): return .uint8
    case (.bool, _): return .bool
    default: return nil
    }
  }

  /// IEEE 754 binary16 to binary64, exactly (written out rather than relying on `Float16`, which
  /// is unavailable on some platforms).
  static func halfToDouble(_ bits: UInt16) -> Double {
    let negative = bits & 0x8000 != 0
    let exponent = Int((bits >> 10) & 0x1F)
    let fraction = Int(bits & 0x3FF)
    let magnitude: Double
    switch exponent {
    case 0: magnitude = Double(fraction) * 0x1p-24
    case 31: magnitude = fraction == 0 ? .infinity : .nan
    default: magnitude = Double(sign: .plus, exponent: exponent - 25, significand: Double(1024 + fraction))
    }
    return negative ? -magnitude : magnitude
  }

  /// Column-major data of `shape` rearranged to row-major.
  static func fromFortranOrder(_ source: [Double], shape: [Int]) -> [Double] {
    let count = source.count
    guard count > 0 else { return source }
    let rank = shape.count
    // Column-major strides.
    var strides = [Int](repeating: 1, count: rank)
    for axis in 1..<rank { strides[axis] = strides[axis - 1] * shape[axis - 1] }
    var index = [Int](repeating: 0, count: rank)
    var offset = 0
    return [Double](unsafeUninitializedCapacity: count) { out, initialized in
      for k in 0..<count {
        out[k] = source[offset]
        // Advance the row-major multi-index, last axis fastest.
        var axis = rank - 1
        while axis >= 0 {
          index[axis] += 1
          offset += strides[axis]
          if index[axis] < shape[axis] { break }
          offset -= strides[axis] * shape[axis]
          index[axis] = 0
          axis -= 1
        }
      }
      initialized = count
    }
  }

  // MARK: - Header

  /// A tiny parser for the header's Python literal.
  private struct HeaderParser {
    let text: [UInt8]
    var p = 0
    let label: String

    func fail(_ message: String) -> InputError { InputError(label: label, message: "bad .npy header: \(message)") }

    mutating func skipSpace() {
      while p < text.count && (text[p] == 0x20 || text[p] == 0x0A || text[p] == 0x09 || text[p] == 0x0D) { p += 1 }
    }

    mutating func expect(_ byte: UInt8) throws(InputError) {
      skipSpace()
      guard p < text.count, text[p] == byte else {
        throw fail("expected '\(String(UnicodeScalar(byte)))'")
      }
      p += 1
    }

    mutating func consume(_ byte: UInt8) -> Bool {
      skipSpace()
      if p < text.count && text[p] == byte {
        p += 1
        return true
      }
      return false
    }

    mutating func string() throws(InputError) -> String {
      skipSpace()
      guard p < text.count, text[p] == UInt8(ascii: "'") || text[p] == UInt8(ascii: "\"") else {
        throw fail("expected a string")
      }
      let quote = text[p]
      p += 1
      let start = p
      while p < text.count && text[p] != quote { p += 1 }
      guard p < text.count else { throw fail("unterminated string") }
      let value = String(decoding: text[start..<p], as: UTF8.self)
      p += 1
      return value
    }

    mutating func bool() throws(InputError) -> Bool {
      skipSpace()
      for (word, value) in [("True", true), ("False", false)] {
        let bytes = Array(word.utf8)
        if p + bytes.count <= text.count && Array(text[p..<(p + bytes.count)]) == bytes {
          p += bytes.count
          return value
        }
      }
      throw fail("fortran_order must be True or False")
    }

    mutating func tuple() throws(InputError) -> [Int] {
      try expect(UInt8(ascii: "("))
      var dims: [Int] = []
      while true {
        if consume(UInt8(ascii: ")")) { return dims }
        skipSpace()
        let start = p
        var value = 0
        while p < text.count, text[p] >= UInt8(ascii: "0"), text[p] <= UInt8(ascii: "9") {
          let (scaled, o1) = value.multipliedReportingOverflow(by: 10)
          let (next, o2) = scaled.addingReportingOverflow(Int(text[p] - UInt8(ascii: "0")))
          guard !o1, !o2 else { throw fail("dimension too large") }
          value = next
          p += 1
        }
        guard p > start else { throw fail("shape must be a tuple of non-negative integers") }
        if p < text.count && (text[p] == UInt8(ascii: "L") || text[p] == UInt8(ascii: "l")) { p += 1 }
        guard dims.count < Shape.maxRank else { throw fail("more than \(Shape.maxRank) dimensions") }
        dims.append(value)
        if consume(UInt8(ascii: ",")) { continue }
        try expect(UInt8(ascii: ")"))
        return dims
      }
    }
  }

  static func parseHeader(_ text: [UInt8], label: String) throws(InputError) -> Header {
    var parser = HeaderParser(text: text, label: label)
    var descr: String?
    var fortran: Bool?
    var shape: [Int]?
    try parser.expect(UInt8(ascii: "{"))
    while !parser.consume(UInt8(ascii: "}")) {
      let key = try parser.string()
      try parser.expect(UInt8(ascii: ":"))
      switch key {
      case "descr":
        parser.skipSpace()
        if parser.p < text.count && text[parser.p] == UInt8(ascii: "[") {
          throw InputError(label: label, message: "structured .npy dtypes are not supported")
        }
        descr = try parser.string()
      case "fortran_order": fortran = try parser.bool()
      case "shape": shape = try parser.tuple()
      default: throw parser.fail("unexpected key '\(key)'")
      }
      if !parser.consume(UInt8(ascii: ",")) {
        try parser.expect(UInt8(ascii: "}"))
        break
      }
    }
    parser.skipSpace()
    guard parser.p == text.count else { throw parser.fail("unexpected text after the dictionary") }
    guard let descr else { throw parser.fail("missing 'descr'") }
    guard let fortran else { throw parser.fail("missing 'fortran_order'") }
    guard let shape else { throw parser.fail("missing 'shape'") }
    return Header(dtype: try dtype(descr, label: label), fortranOrder: fortran, shape: shape)
  }

  static func dtype(_ descr: String, label: String) throws(InputError) -> DType {
    let bytes = Array(descr.utf8)
    func unsupported(_ what: String) -> InputError {
      InputError(label: label, message: "\(what) .npy dtype '\(descr)' is not supported")
    }
    guard bytes.count >= 2 else { throw unsupported("unknown") }
    var bigEndian = false
    var rest = bytes[...]
    switch bytes[0] {
    case UInt8(ascii: "<"), UInt8(ascii: "|"): rest = bytes.dropFirst()
    case UInt8(ascii: "="): rest = bytes.dropFirst()  // native: little-endian on supported hosts
    case UInt8(ascii: ">"):
      bigEndian = true
      rest = bytes.dropFirst()
    default: break
    }
    guard let kindByte = rest.first else { throw unsupported("unknown") }
    let size = Int(String(decoding: rest.dropFirst(), as: UTF8.self)) ?? -1
    let kind: Kind
    switch kindByte {
    case UInt8(ascii: "f"):
      guard [2, 4, 8].contains(size) else { throw unsupported("the") }
      kind = .float
    case UInt8(ascii: "i"):
      guard [1, 2, 4, 8].contains(size) else { throw unsupported("the") }
      kind = .signed
    case UInt8(ascii: "u"):
      guard [1, 2, 4, 8].contains(size) else { throw unsupported("the") }
      kind = .unsigned
    case UInt8(ascii: "b"):
      guard size == 1 else { throw unsupported("the") }
      kind = .bool
    case UInt8(ascii: "c"): throw unsupported("complex")
    case UInt8(ascii: "O"): throw unsupported("object")
    case UInt8(ascii: "U"), UInt8(ascii: "S"), UInt8(ascii: "a"): throw unsupported("string")
    default: throw unsupported("the")
    }
    return DType(kind: kind, size: size, bigEndian: bigEndian && size > 1)
  }
}
