#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Byte-level helpers shared by the text readers: positions for messages, quoting of offending
/// text, the UTF-8 byte-order mark.
enum ByteScanner {
  /// Whether the bytes start with a UTF-8 byte-order mark.
  static func hasBOM(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
  }

  /// The 1-based line and byte column of `offset`. The columns of line 1 do not count a BOM.
  static func position(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
    let offset = max(0, min(offset, bytes.count))
    var line = 1
    var lineStart = 0
    guard let base = bytes.baseAddress else { return (1, 1) }
    var p = 0
    while p < offset {
      guard let hit = memchr(base + p, 0x0A, offset - p) else { break }
      let index = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
      line += 1
      lineStart = index + 1
      p = index + 1
    }
    var column = offset - lineStart + 1
    if line == 1 && hasBOM(bytes) && offset >= 3 { column -= 3 }
    return (line, column)
  }

  /// An error at `offset`, with its line and column.
  static func error(
    _ message: String, at offset: Int, in bytes: UnsafeBufferPointer<UInt8>, label: String
  ) -> InputError {
    let (line, column) = position(of: offset, in: bytes)
    return InputError(label: label, line: line, column: column, message: message)
  }

  /// The offset just past the next `\n` at or after `from`, or `end`.
  ///
  /// A NUL byte, which no text or JSON may hold, also ends a line (the offset past it is
  /// returned): the line that holds it then fails to parse right there. Without this, a line of
  /// gigabytes of NULs (a sparse or zero-filled file) would be scanned, and its pages brought in,
  /// to the end before the error. NULs are looked for only past ``lineWindow`` bytes without a
  /// newline, so ordinary lines cost one `memchr` as before.
  @inline(__always)
  static func nextLine(_ base: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
    guard from < end else { return end }
    let first = min(end - from, lineWindow)
    if let hit = memchr(base + from, 0x0A, first) { return UnsafeRawPointer(hit) - UnsafeRawPointer(base) + 1 }
    return first == end - from ? end : nextLongLine(base, from: from, end: end)
  }

  /// How far ``nextLine(_:from:end:)`` looks for a newline before it also looks for NULs.
  static let lineWindow = 1 << 16

  /// ``nextLine(_:from:end:)`` past its first window: window by window, a newline or a NUL.
  static func nextLongLine(_ base: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
    var p = from
    while p < end {
      let n = min(end - p, lineWindow)
      let newline = memchr(base + p, 0x0A, n)
      let nul = memchr(base + p, 0, newline.map { UnsafeRawPointer($0) - UnsafeRawPointer(base + p) } ?? n)
      if let stop = nul ?? newline { return UnsafeRawPointer(stop) - UnsafeRawPointer(base) + 1 }
      p += n
    }
    return end
  }

  /// Whether any of `samples` bytes spread evenly over `from..<to` is NUL: a cheap sign that a
  /// large "text" file is binary or zero-filled (a sparse file), which the readers then parse from
  /// the front, stopping at its first NUL, instead of counting and splitting it all first.
  static func sampledNUL(_ base: UnsafePointer<UInt8>, from: Int, to: Int, samples: Int = 64) -> Bool {
    guard to > from else { return false }
    let step = max(1, (to - from) / samples)
    var p = from
    while p < to {
      if base[p] == 0 { return true }
      p += step
    }
    return base[to - 1] == 0
  }

  /// The offset of the start of the line that holds `offset`, looking back at most `limit` bytes.
  static func lineStart(_ base: UnsafePointer<UInt8>, before offset: Int, limit: Int) -> Int {
    var p = offset
    while p > 0 && offset - p < limit && base[p - 1] != 0x0A { p -= 1 }
    return p
  }

  /// `"text"` for a message: escaped, and cut to about `limit` characters with `...`.
  static func quoted<C: Collection>(_ bytes: C, limit: Int = 40) -> String where C.Element == UInt8 {
    var out = "\""
    var shown = 0
    var truncated = false
    // Only the head is looked at: a field may be gigabytes long (memory stays bounded).
    let text = Array(bytes.prefix(limit * 4 + 4))
    var i = 0
    while i < text.count {
      if shown >= limit {
        truncated = true
        break
      }
      let byte = text[i]
      let length: Int
      switch byte {
      case 0x00..<0x80: length = 1
      case 0xC2...0xDF: length = 2
      case 0xE0...0xEF: length = 3
      case 0xF0...0xF4: length = 4
      default: length = 0
      }
      if length == 1 {
        switch byte {
        case UInt8(ascii: "\""): out += "\\\""
        case UInt8(ascii: "\\"): out += "\\\\"
        case UInt8(ascii: "\t"): out += "\\t"
        case UInt8(ascii: "\r"): out += "\\r"
        case UInt8(ascii: "\n"): out += "\\n"
        case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(byte))
        default: out += "\\u{" + String(byte, radix: 16) + "}"
        }
        i += 1
      } else if length > 1, i + length <= text.count,
        let scalar = String(validating: text[i..<(i + length)], as: UTF8.self)
      {
        out += scalar
        i += length
      } else {
        let hex = String(byte, radix: 16)
        out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
        i += 1
      }
      shown += 1
    }
    if i < text.count || text.count < bytes.count { truncated = true }
    out += truncated ? "...\"" : "\""
    return out
  }
}

/// A growable buffer of doubles in malloc'd memory: cheaper to append to than an `Array` in the
/// parsers' inner loops. The owner calls ``free()`` exactly once.
///
/// It never grows beyond `limit` values (``Shape/maxElementCount``): a huge input is refused
/// with ``memoryMessage`` instead of growing until the process is killed for lack of memory.
struct DoubleBuffer {
  private(set) var base: UnsafeMutablePointer<Double>?
  private(set) var count = 0
  private var capacity = 0
  private let limit: Int
  /// Whether an allocation failed or `limit` was reached (the buffer then holds fewer values than
  /// were appended).
  private(set) var failed = false
  /// Whether `base` is malloc'd by this buffer (else it is a caller's slot, never freed here).
  private var owned = true

  /// What a reader reports when ``failed``.
  static var memoryMessage: String {
    "too many numbers: this machine's memory allows at most \(Shape.maxElementCount) per tensor"
  }

  init(capacity: Int, limit: Int = Shape.maxElementCount) {
    self.limit = limit
    let capacity = min(max(16, capacity), max(limit, 1))
    base = malloc(capacity * MemoryLayout<Double>.stride)?.assumingMemoryBound(to: Double.self)
    self.capacity = base == nil ? 0 : capacity
    failed = base == nil
  }

  /// Appends go straight into `slot` (room for `capacity` values); should more come, the values
  /// move to a buffer of their own, so `base` then differs from `slot`.
  init(slot: UnsafeMutablePointer<Double>, capacity: Int, limit: Int = Shape.maxElementCount) {
    self.limit = limit
    base = slot
    self.capacity = capacity
    owned = false
  }

  @inline(__always)
  mutating func append(_ value: Double) {
    if count == capacity {
      grow()
      guard count < capacity else { return }
    }
    guard let base else { return }
    base[count] = value
    count += 1
  }

  @inline(never)
  private mutating func grow() {
    guard capacity < limit else {
      failed = true
      return
    }
    let newCapacity = min(max(16, capacity * 2), limit)
    if !owned {
      guard let moved = malloc(newCapacity * MemoryLayout<Double>.stride)?.assumingMemoryBound(to: Double.self) else {
        failed = true
        return
      }
      if let base, count > 0 { moved.update(from: base, count: count) }
      base = moved
      capacity = newCapacity
      owned = true
      return
    }
    guard let grown = realloc(base, newCapacity * MemoryLayout<Double>.stride) else {
      failed = true
      return
    }
    base = grown.assumingMemoryBound(to: Double.self)
    capacity = newCapacity
  }

  /// Room for appends without growing: where the next value goes and how many fit.
  var room: (next: UnsafeMutablePointer<Double>?, count: Int) {
    (base.map { $0 + count }, capacity - count)
  }

  /// Records that `n` values were written at ``room`` (`n ≤ room.count`).
  @inline(__always)
  mutating func commit(_ n: Int) { count &+= n }

  /// Grows (after committing what was written), so that at least one more value fits unless
  /// ``failed``.
  mutating func makeRoom() {
    if count == capacity { grow() }
  }

  /// Grows until `n` more values fit, unless ``failed``.
  mutating func makeRoom(atLeast n: Int) {
    while capacity - count < n && !failed { grow() }
  }

  func copy(into destination: UnsafeMutablePointer<Double>) {
    guard let base, count > 0 else { return }
    destination.update(from: base, count: count)
  }

  func toArray() -> [Double] {
    [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
      if let destination = buffer.baseAddress { copy(into: destination) }
      initialized = count
    }
  }

  mutating func free() {
    if owned { Glibc.free(base) }
    base = nil
    count = 0
    capacity = 0
  }
}
