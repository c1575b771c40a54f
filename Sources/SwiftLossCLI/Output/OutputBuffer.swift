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

  init(capacity: Int = 256) {
    self.capacity = max(capacity, 64)
    guard let memory = malloc(self.capacity) else { fatalError("out of memory") }
    base = memory.assumingMemoryBound(to: UInt8.self)
  }

  deinit { free(base) }

  /// Makes room for `extra` more bytes and returns where they go; commit them with ``advance(by:)``.
  @inline(__always)
  func reserve(_ extra: Int) -> UnsafeMutablePointer<UInt8> {
    if count + extra > capacity { grow(to: count + extra) }
    return base + count
  }

  @inline(__always)
  func advance(by written: Int) { count += written }

  private func grow(to needed: Int) {
    var newCapacity = capacity
    while newCapacity < needed { newCapacity = newCapacity < (1 << 30) ? newCapacity * 2 : newCapacity + (1 << 30) }
    guard let memory = realloc(base, newCapacity) else { fatalError("out of memory") }
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
    guard times > 0 else { return }
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
