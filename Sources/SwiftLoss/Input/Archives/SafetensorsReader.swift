/// Reads `.safetensors` files (Hugging Face's format).
///
/// Layout: an 8-byte little-endian header length N, N bytes of JSON
/// (`{"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}`, with an
/// optional `"__metadata__"` object of strings, which is ignored), then the data, little-endian,
/// row-major. Offsets are relative to the end of the header. Checked as the safetensors library
/// checks them: each range inside the data, of exactly the size its dtype and shape need, no two
/// overlapping.
enum SafetensorsReader {
  struct Entry {
    var key: String
    var type: ArchiveElementType
    var shape: [Int]
    /// Absolute byte range in the file.
    var range: Range<Int>
  }

  /// The largest header accepted (the safetensors library's own limit).
  static let maxHeaderLength = 100_000_000

  static let dtypes: [String: ArchiveElementType] = [
    "F64": .float64, "F32": .float32, "F16": .float16, "BF16": .bfloat16, "I64": .int64, "I32": .int32,
    "I16": .int16, "I8": .int8, "U8": .uint8, "BOOL": .bool,
  ]

  /// Whether bytes look like safetensors: a plausible header length followed by `{`.
  static func hasMagic(_ prefix: [UInt8], count: Int) -> Bool {
    guard prefix.count >= 10 else { return false }
    var length: UInt64 = 0
    for k in 0..<8 { length |= UInt64(prefix[k]) << (8 * UInt64(k)) }
    return prefix[8] == UInt8(ascii: "{") && length >= 2 && length <= UInt64(count - 8)
  }

  /// The entries in header order.
  static func directory(_ buffer: UnsafeBufferPointer<UInt8>, label: String) throws(InputError) -> [Entry] {
    func fail(_ message: String) -> InputError { InputError(label: label, message: message) }
    let bytes = LittleEndianReader(buffer: buffer, label: label, what: ".safetensors header")
    let headerLength = try bytes.u64(0)
    guard headerLength <= maxHeaderLength else {
      throw fail(".safetensors header length \(headerLength) exceeds the limit of \(maxHeaderLength) bytes")
    }
    let header = try bytes.slice(8, count: headerLength)
    let dataStart = 8 + headerLength
    let dataCount = buffer.count - dataStart
    let json = try HeaderJSON.parse(header, label: label, context: "bad .safetensors header")
    guard case .object(let members) = json else { throw fail("bad .safetensors header: not a JSON object") }
    var entries: [Entry] = []
    var seen = Set<String>()
    for (key, value) in members where key != "__metadata__" {
      func bad(_ what: String) -> InputError {
        fail("bad .safetensors header: tensor \(ByteScanner.quoted(Array(key.utf8))) \(what)")
      }
      guard seen.insert(key).inserted else { throw bad("appears twice") }
      guard case .object(let fields) = value else { throw bad("is not an object") }
      func field(_ name: String) -> HeaderJSON.Value? { fields.first { $0.0 == name }?.1 }
      guard case .string(let dtypeName) = field("dtype") else { throw bad("has no dtype") }
      guard let type = dtypes[dtypeName] else {
        throw fail(
          "tensor \(ByteScanner.quoted(Array(key.utf8))) has dtype \(ByteScanner.quoted(Array(dtypeName.utf8))), "
            + "which swiftloss does not read (it reads F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)")
      }
      guard case .array(let dims) = field("shape"), dims.count <= Shape.maxRank else { throw bad("has no valid shape") }
      var shape: [Int] = []
      for dim in dims {
        guard case .int(let n) = dim, n >= 0 else { throw bad("has a shape that is not non-negative integers") }
        shape.append(n)
      }
      guard case .array(let offsets) = field("data_offsets"), offsets.count == 2,
        case .int(let begin) = offsets[0], case .int(let end) = offsets[1], begin >= 0, begin <= end
      else { throw bad("has no valid data_offsets") }
      guard end <= dataCount else {
        throw bad("lies beyond the end of the file (data_offsets [\(begin), \(end)], \(dataCount) data bytes)")
      }
      let count: Int
      do { count = try Shape.elementCount(shape) } catch {
        throw bad("has shape \(Shape.describe(shape)): \(error.message)")
      }
      guard end - begin == count * type.size else {
        throw bad(
          "has \(end - begin) bytes for shape \(Shape.describe(shape)) of \(dtypeName) (\(count * type.size) needed)")
      }
      entries.append(Entry(key: key, type: type, shape: shape, range: (dataStart + begin)..<(dataStart + end)))
    }
    // No two tensors may share bytes.
    let sorted = entries.filter { !$0.range.isEmpty }.sorted { $0.range.lowerBound < $1.range.lowerBound }
    for (a, b) in zip(sorted, sorted.dropFirst()) where b.range.lowerBound < a.range.upperBound {
      throw fail(
        "bad .safetensors header: tensors \(ByteScanner.quoted(Array(a.key.utf8))) and "
          + "\(ByteScanner.quoted(Array(b.key.utf8))) overlap")
    }
    return entries
  }

  static func tensor(_ entry: Entry, in buffer: UnsafeBufferPointer<UInt8>) -> [Double] {
    // `directory` checked the range against the buffer.
    guard let base = buffer.baseAddress else { return [] }
    let count = entry.range.count / entry.type.size
    return ArchiveElementType.decode(
      UnsafeRawPointer(base + entry.range.lowerBound), count: count, type: entry.type, bigEndian: false)
  }
}
