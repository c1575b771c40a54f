#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A growable byte buffer that output is formatted into: numbers are written straight into its
/// storage, with no `String` per number.
///
/// Used by one thread at a time; parallel formatting gives every chunk its own buffer.
final class OutputBuffer: @unchecked Sendable {
  private(set) var base: UnsafeMutablePointer<UInt8>
  private(set) var count = 0
  private(set) var capacity: Int
  /// Whether memory ran out: what was written is lost, later writes go to ``scratch`` and are
  /// dropped, and the owner reports `out of memory` instead of writing the buffer.
  private(set) var failed = false

  /// Where the bytes of a failed buffer go (never read): as large as the largest single
  /// ``reserve(_:)`` the writers make (a block of about a megabyte). Allocated at start-up
  /// (``prepare()``), when memory is still there; it costs no page until it is written.
  nonisolated(unsafe) private static let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchSize)
  private static let scratchSize = 4 << 20

  /// Allocates ``scratch`` (call once, early).
  static func prepare() { _ = scratch }

  init(capacity: Int = 256) {
    self.capacity = max(capacity, 64)
    if let memory = malloc(self.capacity) {
      base = memory.assumingMemoryBound(to: UInt8.self)
    } else {
      base = Self.scratch
      self.capacity = Self.scratchSize
      failed = true
    }
  }

  deinit {
    if !failed { free(base) }
  }

  /// Makes room for `extra` more bytes and returns where they go; commit them with ``advance(by:)``.
  @inline(__always)
  func reserve(_ extra: Int) -> UnsafeMutablePointer<UInt8> {
    if count + extra > capacity { grow(to: count + extra) }
    return base + count
  }

  /// Drops everything from now on (see ``failed``).
  private func fail() {
    if !failed { free(base) }
    failed = true
    base = Self.scratch
    capacity = Self.scratchSize
    count = 0
  }

  @inline(__always)
  func advance(by written: Int) { count += written }

  private func grow(to needed: Int) {
    if failed {
      count = 0  // bytes are dropped: start the scratch over
      return
    }
    var newCapacity = capacity
    while newCapacity < needed { newCapacity = newCapacity < (1 << 30) ? newCapacity * 2 : newCapacity + (1 << 30) }
    guard let memory = realloc(base, newCapacity) else {
      fail()
      return
    }
    base = memory.assumingMemoryBound(to: UInt8.self)
    capacity = newCapacity
  }

  @inline(__always)
  func append(_ byte: UInt8) {
    let p = reserve(1)
    p.pointee = byte
    count += 1
  }

  func append(_ byte: UInt8, repeating times: Int) {
    guard times > 0, !failed || times <= Self.scratchSize else { return }
    let p = reserve(times)
    p.update(repeating: byte, count: times)
    count += times
  }

  func append(_ text: StaticString) {
    let n = text.utf8CodeUnitCount
    let p = reserve(n)
    p.update(from: text.utf8Start, count: n)
    count += n
  }

  func append(_ text: String) {
    var text = text
    text.withUTF8 { bytes in append(UnsafeRawBufferPointer(bytes)) }
  }

  func append(_ bytes: UnsafeRawBufferPointer) {
    guard let source = bytes.baseAddress, bytes.count > 0 else { return }
    if failed && bytes.count > Self.scratchSize { return }
    let p = reserve(bytes.count)
    UnsafeMutableRawPointer(p).copyMemory(from: source, byteCount: bytes.count)
    count += bytes.count
  }

  func append(_ other: OutputBuffer) {
    append(other.bytes)
  }

  /// A decimal integer.
  func append(int value: Int) {
    append(String(value))
  }

  /// The bytes written so far (valid until the next append).
  var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

  /// A copy, for tests and small outputs.
  var array: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

  /// Forgets the contents, keeping the storage.
  func removeAll() { count = 0 }
}
