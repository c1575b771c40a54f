#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reading a stream (a pipe, a FIFO, a terminal, a device, standard input) once, front to back,
/// into memory that grows by doubling (`realloc`, which on Linux moves large blocks by remapping
/// pages, not by copying them).
///
/// A stream is refused as early as its bytes allow, not after it has been held whole:
/// - text and JSON never hold a NUL byte, so the first NUL in a stream that starts as text is an
///   error at its line and column (a stream of zeros from `/dev/zero` stops at its first block);
/// - a JSON stream is checked for syntax when it reaches 64 KiB, 1 MiB, 16 MiB, ... (each check
///   costs a sixteenth of what the stream has then cost to read): a broken token, a bracket too
///   many or nesting past the limit is an error there, unless it lies in the last 4 KiB, which
///   more bytes may still complete (delimited text is checked by its parser once it is whole:
///   what makes a text row wrong depends on the options that choose the delimiter);
/// - a `.npy` stream says its size in its header: one larger than the limit is refused there;
/// - anything past `limit` bytes is refused, and so is memory that cannot be had (`ulimit -v`):
///   `out of memory reading LABEL (N bytes)`.
enum StreamReading {
  /// The size of one `read(2)`.
  static let chunk = 1 << 16

  static func read(fd: Int32, label: String, limit: Int = InputBytes.maxStreamBytes) throws(InputError) -> InputBytes {
    // One byte past the limit is room enough to find that a stream exceeds it.
    let most = limit == Int.max ? limit : limit + 1
    var capacity = min(chunk, most)
    guard var buffer = malloc(capacity) else { throw outOfMemory(label, bytes: capacity) }
    var count = 0
    var kind: StreamKind?
    var nextSyntaxCheck = 1 << 16
    do throws(InputError) {
      while true {
        if count == capacity {
          guard capacity < most else { throw tooLarge(label, limit: limit) }
          let grown = capacity > most / 2 ? most : capacity * 2
          guard let moved = realloc(buffer, grown) else { throw outOfMemory(label, bytes: grown) }
          buffer = moved
          capacity = grown
        }
        let n = Glibc.read(fd, buffer + count, min(chunk, capacity - count))
        if n < 0 {
          let code = errno
          if code == EINTR { continue }
          if code == EAGAIN || code == EWOULDBLOCK {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, -1)
            continue
          }
          throw InputError(label: label, message: InputBytes.errnoMessage(code))
        }
        let bytes = UnsafeBufferPointer(start: buffer.assumingMemoryBound(to: UInt8.self), count: count + n)
        if kind == nil && (n == 0 || count + n >= StreamKind.headLength) {
          kind = StreamKind(head: bytes)
          if kind == .text || kind == .json { try refuseNUL(bytes, from: 0, label: label) }
        } else if kind == .text {
          try refuseNUL(bytes, from: count, label: label)
        }
        if kind == .json {
          try refuseNUL(bytes, from: count, label: label)
          if count + n >= nextSyntaxCheck {
            nextSyntaxCheck = nextSyntaxCheck > Int.max / 16 ? Int.max : nextSyntaxCheck * 16
            try refuseBrokenJSON(bytes, label: label)
          }
        }
        if case .npy(nil) = kind, let total = NPYReader.declaredSize(bytes) {
          guard total <= limit else { throw tooLarge(label, limit: limit) }
          kind = .npy(total: total)
        }
        if n == 0 { break }
        count += n
        guard count <= limit else { throw tooLarge(label, limit: limit) }
      }
    } catch {
      free(buffer)
      throw error
    }
    // Give back what the doubling over-reserved (a failed shrink keeps the larger block).
    if capacity - count > chunk, let shrunk = realloc(buffer, max(count, 1)) { buffer = shrunk }
    return InputBytes(taking: buffer, count: count)
  }

  /// What the first bytes of a stream say about the rest.
  enum StreamKind: Equatable {
    /// Text: a NUL byte is impossible.
    case text
    /// JSON (a first `[` or `{`): no NUL either, and its syntax can be checked as it comes.
    case json
    /// NumPy `.npy`, with the total size its header gives when it could be read.
    case npy(total: Int?)
    /// Any other binary format (zip, gzip, pickle, safetensors, ...): read as bytes.
    case binary

    static let headLength = 16

    init(head: UnsafeBufferPointer<UInt8>) {
      func starts(_ magic: [UInt8]) -> Bool { head.count >= magic.count && zip(head, magic).allSatisfy { $0 == $1 } }
      if NPYReader.hasMagic(Array(head.prefix(6))) {
        self = .npy(total: nil)
      } else if starts([0x50, 0x4B]) || starts([0x1F, 0x8B]) || starts([0x80]) || starts(Array("PAR1".utf8))
        || starts([0x89, 0x48, 0x44, 0x46]) || (head.count > 8 && head[8] == UInt8(ascii: "{") && head[7] == 0)
      {
        // zip (.npz, .pt), gzip, pickle, parquet, HDF5, safetensors (an 8-byte little-endian
        // header length, then `{`).
        self = .binary
      } else {
        var k = head.count >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF ? 3 : 0
        while k < head.count, [0x20, 0x09, 0x0A, 0x0D].contains(head[k]) { k += 1 }
        let json = k < head.count && (head[k] == UInt8(ascii: "[") || head[k] == UInt8(ascii: "{"))
        self = json ? .json : .text
      }
    }
  }

  /// The first NUL at or after `from`, as an error at its line and column.
  static func refuseNUL(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, label: String) throws(InputError) {
    guard let base = bytes.baseAddress, from < bytes.count, let hit = memchr(base + from, 0, bytes.count - from) else {
      return
    }
    let offset = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
    throw ByteScanner.error("a NUL byte: this is not text (binary data?)", at: offset, in: bytes, label: label)
  }

  /// The first syntax error of a JSON prefix, unless it is near the end (see above).
  static func refuseBrokenJSON(_ bytes: UnsafeBufferPointer<UInt8>, label: String) throws(InputError) {
    guard let error = JSONTensorReader.syntaxError(in: bytes, label: label), let line = error.line,
      let column = error.column
    else { return }
    let mendable = ByteScanner.position(of: max(0, bytes.count - 4096), in: bytes)
    if line < mendable.line || (line == mendable.line && column < mendable.column) { throw error }
  }

  static func outOfMemory(_ label: String, bytes: Int) -> InputError {
    InputError(label: "", message: "out of memory reading \(label) (\(bytes) bytes)")
  }

  static func tooLarge(_ label: String, limit: Int) -> InputError {
    InputError(label: label, message: "input larger than this machine's memory allows (more than \(limit) bytes)")
  }
}
