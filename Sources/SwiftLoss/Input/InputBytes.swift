#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The bytes of one input, kept alive for as long as a tensor's origin may need to re-scan them:
/// a guarded read-only mapping of a regular file (``FileMapping``), a buffer a stream was read
/// into, or an owned array (literals, tests).
///
/// Immutable after creation, hence `Sendable`.
public final class InputBytes: @unchecked Sendable {
  private enum Storage {
    case mapped(FileMapping)
    /// malloc'd memory, freed with the bytes.
    case allocated(UnsafeMutableRawPointer, count: Int)
    case array([UInt8])
  }

  private let storage: Storage

  /// Wraps an array without copying it.
  public init(_ array: [UInt8]) { storage = .array(array) }

  init(mapping: FileMapping) { storage = .mapped(mapping) }

  /// Takes ownership of malloc'd memory (freed when the bytes are).
  init(taking pointer: UnsafeMutableRawPointer, count: Int) { storage = .allocated(pointer, count: count) }

  deinit {
    if case .allocated(let pointer, _) = storage { free(pointer) }
  }

  /// The number of bytes.
  public var count: Int {
    switch storage {
    case .mapped(let mapping): return mapping.count
    case .allocated(_, let count): return count
    case .array(let array): return array.count
    }
  }

  /// Calls `body` with the bytes (the pointer is valid only inside `body`).
  public func withBytes<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
    switch storage {
    case .mapped(let mapping):
      return try body(
        UnsafeBufferPointer(start: mapping.base.assumingMemoryBound(to: UInt8.self), count: mapping.count))
    case .allocated(let pointer, let count):
      return try body(UnsafeBufferPointer(start: pointer.assumingMemoryBound(to: UInt8.self), count: count))
    case .array(let array):
      // `withUnsafeBufferPointer` is not typed-throws; route the error through a Result.
      let result: Result<R, E> = array.withUnsafeBufferPointer { buffer in
        do throws(E) { return .success(try body(buffer)) } catch { return .failure(error) }
      }
      return try result.get()
    }
  }

  /// Drops a mapped file's pages from the process once it is parsed (`MADV_DONTNEED`): memory use
  /// then counts the tensor, not the text. The mapping stays valid; a later look (an error's
  /// position) reads the page cache again. Does nothing for other bytes.
  public func releaseResidentPages() {
    guard case .mapped(let mapping) = storage else { return }
    _ = madvise(mapping.base, mapping.count, Int32(MADV_DONTNEED))
  }

  /// Whether the bytes are a file mapping (whose parsed pages ``dropPages(_:count:)`` may release).
  public var isMapped: Bool {
    if case .mapped = storage { return true }
    return false
  }

  /// Whether the bytes are a mapping whose file shrank while it was read (see ``FileMapping``).
  var mappingWasCut: Bool {
    if case .mapped(let mapping) = storage { return mapping.wasCut }
    return false
  }

  /// Releases the whole pages inside `[start, start + count)` of a file mapping (`MADV_DONTNEED`):
  /// a reader calls it for each part it has parsed, on the thread that parsed it, so that the
  /// release is spread over the cores rather than done at the end on one. The mapping stays
  /// valid; a later look reads the page cache again. Never call it on memory that is not a
  /// read-only file mapping: anonymous pages would read back as zeros.
  static func dropPages(_ start: UnsafeRawPointer, count: Int) {
    let page = 4096
    let first = (Int(bitPattern: start) + page - 1) & ~(page - 1)
    let last = (Int(bitPattern: start) + count) & ~(page - 1)
    guard last > first, let aligned = UnsafeMutableRawPointer(bitPattern: first) else { return }
    _ = madvise(aligned, last - first, Int32(MADV_DONTNEED))
  }

  /// The first `n` bytes (fewer if the input is shorter), for sniffing.
  func prefix(_ n: Int) -> [UInt8] {
    withBytes { (buffer: UnsafeBufferPointer<UInt8>) -> [UInt8] in Array(buffer.prefix(n)) }
  }

  // MARK: - Opening files

  /// Opens and reads `path` once (see ``InputSource/open(path:label:)``): a regular file is
  /// mapped, anything else read to its end. Errors use the C library's wording, e.g.
  /// `a.csv: no such file or directory`.
  public static func open(path: String, label: String? = nil) throws(InputError) -> InputBytes {
    try InputSource.open(path: path, label: label ?? path).bytes
  }

  /// The most bytes read from a pipe, device or standard input: a quarter of physical memory
  /// (16 bytes per element of the largest tensor). An endless stream (`/dev/zero`, `yes |`) is
  /// refused with a clear error instead of growing until the process is killed.
  public static let maxStreamBytes: Int = {
    let (bytes, overflow) = Shape.maxElementCount.multipliedReportingOverflow(by: 16)
    return overflow ? Int.max : bytes
  }()

  /// Reads a descriptor to its end (pipes, terminals, devices), at most `limit` bytes; see
  /// ``StreamReading``.
  public static func readAll(fd: Int32, label: String, limit: Int = maxStreamBytes) throws(InputError) -> [UInt8] {
    let bytes = try StreamReading.read(fd: fd, label: label, limit: limit)
    return bytes.withBytes { Array($0) }
  }

  /// `strerror` text with a lower-case first letter ("no such file or directory").
  static func errnoMessage(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    let message = String(cString: text)
    guard let first = message.first else { return "error \(code)" }
    return first.lowercased() + message.dropFirst()
  }
}
