#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of one input, kept alive for as long as a tensor's origin may need to re-scan them:
/// a read-only memory mapping of a regular file, or an owned array (pipes, standard input,
/// literals, and files that cannot be mapped).
///
/// Immutable after creation, hence `Sendable`.
public final class InputBytes: @unchecked Sendable {
  private let mapping: UnsafeMutableRawPointer?
  private let mappedCount: Int
  private let array: [UInt8]

  /// Wraps an array without copying it.
  public init(_ array: [UInt8]) {
    self.array = array
    self.mapping = nil
    self.mappedCount = 0
  }

  private init(mapping: UnsafeMutableRawPointer, count: Int) {
    self.array = []
    self.mapping = mapping
    self.mappedCount = count
  }

  deinit {
    if let mapping { munmap(mapping, mappedCount) }
  }

  /// The number of bytes.
  public var count: Int { mapping == nil ? array.count : mappedCount }

  /// Calls `body` with the bytes (the pointer is valid only inside `body`).
  public func withBytes<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
    if let mapping {
      return try body(UnsafeBufferPointer(start: mapping.assumingMemoryBound(to: UInt8.self), count: mappedCount))
    }
    // `withUnsafeBufferPointer` is not typed-throws; route the error through a Result.
    let result: Result<R, E> = array.withUnsafeBufferPointer { buffer in
      do throws(E) { return .success(try body(buffer)) } catch { return .failure(error) }
    }
    return try result.get()
  }

  /// Drops a mapped file's pages from the process once it is parsed (`MADV_DONTNEED`): memory use
  /// then counts the tensor, not the text. The mapping stays valid; a later look (an error's
  /// position) reads the page cache again. Does nothing for owned bytes.
  public func releaseResidentPages() {
    guard let mapping, mappedCount > 0 else { return }
    _ = madvise(mapping, mappedCount, Int32(MADV_DONTNEED))
  }

  /// Whether the bytes are a file mapping (whose parsed pages ``dropPages(_:count:)`` may release).
  public var isMapped: Bool { mapping != nil }

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

  /// Opens `path`: regular files are memory-mapped, anything else (a FIFO, `/dev/stdin`) is read.
  /// Errors use the C library's wording, e.g. `a.csv: no such file or directory`.
  public static func open(path: String, label: String? = nil) throws(InputError) -> InputBytes {
    let label = label ?? path
    let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw InputError(label: label, message: errnoMessage(errno)) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw InputError(label: label, message: errnoMessage(errno)) }
    let type = info.st_mode & S_IFMT
    if type == S_IFDIR { throw InputError(label: label, message: errnoMessage(EISDIR)) }
    if type == S_IFREG {
      let size = Int(info.st_size)
      // Size 0 may be an empty file or one whose size is unknown (/proc): read it.
      if size == 0 { return InputBytes(try readAll(fd: fd, label: label)) }
      if let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED {
        // Advice values are not flags: one call each.
        _ = madvise(base, size, MADV_SEQUENTIAL)
        _ = madvise(base, size, MADV_WILLNEED)
        return InputBytes(mapping: base, count: size)
      }
    }
    return InputBytes(try readAll(fd: fd, label: label))
  }

  /// The most bytes read from a pipe, device or standard input: a quarter of physical memory
  /// (16 bytes per element of the largest tensor). An endless stream (`/dev/zero`, `yes |`) is
  /// refused with a clear error instead of growing until the process is killed.
  public static let maxStreamBytes: Int = {
    let (bytes, overflow) = Shape.maxElementCount.multipliedReportingOverflow(by: 16)
    return overflow ? Int.max : bytes
  }()

  /// Reads a descriptor to its end with `read(2)` (works on pipes and terminals), at most `limit`
  /// bytes.
  public static func readAll(fd: Int32, label: String, limit: Int = maxStreamBytes) throws(InputError) -> [UInt8] {
    var result: [UInt8] = []
    let chunk = 1 << 16
    var buffer = [UInt8](repeating: 0, count: chunk)
    while true {
      let n = buffer.withUnsafeMutableBytes { raw in Glibc.read(fd, raw.baseAddress, chunk) }
      if n > 0 {
        guard n <= limit - result.count else {
          throw InputError(label: label, message: "input larger than this machine's memory allows (more than \(limit) bytes)")
        }
        result.append(contentsOf: buffer[0..<n])
      } else if n == 0 {
        return result
      } else {
        let code = errno
        if code == EINTR || code == EAGAIN { continue }
        throw InputError(label: label, message: errnoMessage(code))
      }
    }
  }

  /// `strerror` text with a lower-case first letter ("no such file or directory").
  static func errnoMessage(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    let message = String(cString: text)
    guard let first = message.first else { return "error \(code)" }
    return first.lowercased() + message.dropFirst()
  }
}
