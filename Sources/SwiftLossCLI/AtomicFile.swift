#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `-o FILE` and `plot --svg FILE`: the output goes to a temporary file beside FILE, which is
/// flushed to disk (`fsync`) and renamed over FILE only when everything was written. A run that
/// fails leaves no file behind and an existing FILE as it was. A FILE that exists and is not a
/// regular file (`/dev/stdout`, a FIFO) is written directly: it cannot be replaced.
enum AtomicFile {
  /// Writes what `body` sends to its sink into `path`. `what` names the output in messages.
  static func write(
    to path: String, what: String = "the output", _ body: (OutputSink) throws(OutputError) -> Void
  ) throws(CommandError) {
    func failure(_ code: Int32) -> CommandError {
      CommandError.data("\(path): cannot write \(what): \(Platform.message(forErrno: code))")
    }
    var existing = stat()
    let exists = stat(path, &existing) == 0
    if exists && (existing.st_mode & S_IFMT) != S_IFREG && (existing.st_mode & S_IFMT) != S_IFDIR {
      let fd = open(path, O_WRONLY | O_CLOEXEC)
      guard fd >= 0 else { throw failure(errno) }
      defer { close(fd) }
      do { try body(.fileDescriptor(fd)) } catch { throw failure(error.code) }
      return
    }
    if exists && (existing.st_mode & S_IFMT) == S_IFDIR { throw failure(EISDIR) }

    let slash = path.lastIndex(of: "/")
    let directory = slash.map { path[...$0] }.map(String.init) ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    var template = Array((directory + "." + name + ".swiftloss-XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { throw failure(errno) }
    let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    var closed = false
    func discard() {
      if !closed { close(fd) }
      unlink(temporary)
    }
    // mkstemp makes the file 0600; the result gets FILE's mode, or what creat(2) would give.
    let mode: mode_t
    if exists {
      mode = existing.st_mode & 0o7777
    } else {
      let mask = umask(0o022)
      umask(mask)
      mode = 0o666 & ~mask
    }
    _ = fchmod(fd, mode)
    do { try body(.fileDescriptor(fd)) } catch {
      discard()
      throw failure(error.code)
    }
    if fsync(fd) != 0 && errno != EINVAL && errno != EROFS {  // EINVAL: a file system without fsync
      let code = errno
      discard()
      throw failure(code)
    }
    closed = true
    if close(fd) != 0 {
      let code = errno
      discard()
      throw failure(code)
    }
    guard rename(temporary, path) == 0 else {
      let code = errno
      discard()
      throw failure(code)
    }
    // The rename itself reaches the disk with the directory.
    let directoryFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
    if directoryFD >= 0 {
      _ = fsync(directoryFD)
      close(directoryFD)
    }
  }
}
