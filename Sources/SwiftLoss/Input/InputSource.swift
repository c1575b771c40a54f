#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One tensor argument's bytes, opened and read exactly once, whoever reads them (the ordinary
/// readers, the paired value-only reading, `--data`): the one source layer of the contract
/// ("Sources and selectors").
///
/// - A **regular file** is mapped (``FileMapping``), so it can be parsed in parallel without a
///   copy. Its descriptor stays open so that ``checkUnchanged()`` can tell, after the parse,
///   whether the file shrank (the mapping's guard saw it) or was written (its size or time of
///   change moved): then the error is `FILE: file changed while it was read`, whatever was
///   computed from it.
/// - A **stream** (pipe, FIFO, `/dev/stdin`, `/dev/fd/N` of `<(...)`, a character device, `-`)
///   is read once, front to back, into memory (``StreamReading``), and never opened again.
/// - **In-memory** bytes: inline literals and tests.
public final class InputSource: @unchecked Sendable {
  public enum Kind: Sendable, Equatable { case regularFile, stream, inMemory }

  public let kind: Kind
  /// The name in messages: the path as given, `<stdin>`, or the flag of an inline literal.
  public let label: String
  /// The path whose extension tells the format; nil for standard input and literals (sniffed).
  public let path: String?
  public let bytes: InputBytes
  /// A regular file's descriptor and what `fstat` said when it was opened.
  private let file: (descriptor: Int32, size: Int, changed: timespec)?

  private init(kind: Kind, label: String, path: String?, bytes: InputBytes, file: (Int32, Int, timespec)? = nil) {
    self.kind = kind
    self.label = label
    self.path = path
    self.bytes = bytes
    self.file = file
  }

  /// Bytes already in memory (an inline literal, a test's file).
  public convenience init(bytes: [UInt8], label: String, path: String? = nil) {
    self.init(kind: .inMemory, label: label, path: path, bytes: InputBytes(bytes))
  }

  /// Bytes already wrapped (the readers' own entry points for bytes).
  convenience init(bytes: InputBytes, label: String, path: String? = nil) {
    self.init(kind: .inMemory, label: label, path: path, bytes: bytes)
  }

  deinit {
    if let file { close(file.descriptor) }
  }

  /// Opens `path` and takes its bytes: mapped for a regular file, read to the end for anything
  /// else. Errors use the C library's wording (`a.csv: no such file or directory`).
  public static func open(path: String, label: String? = nil) throws(InputError) -> InputSource {
    let label = label ?? path
    let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw InputError(label: label, message: InputBytes.errnoMessage(errno)) }
    return try adopt(fd, label: label, path: path)
  }

  /// Standard input, `-`: mapped when it is a regular file read from its start (`< file.csv`),
  /// else read as a stream.
  public static func standardInput() throws(InputError) -> InputSource {
    let fd = dup(0)
    guard fd >= 0 else { throw InputError(label: "<stdin>", message: InputBytes.errnoMessage(errno)) }
    return try adopt(fd, label: "<stdin>", path: nil)
  }

  /// Takes ownership of an open descriptor.
  private static func adopt(_ fd: Int32, label: String, path: String?) throws(InputError) -> InputSource {
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      let code = errno
      close(fd)
      throw InputError(label: label, message: InputBytes.errnoMessage(code))
    }
    let type = info.st_mode & S_IFMT
    if type == S_IFDIR {
      close(fd)
      throw InputError(label: label, message: InputBytes.errnoMessage(EISDIR))
    }
    // Size 0 may be an empty file or one whose size is unknown (/proc): read it as a stream.
    // A descriptor not at its start (standard input after a `read`) is read from where it is.
    if type == S_IFREG && info.st_size > 0 && lseek(fd, 0, SEEK_CUR) <= 0 {
      let size = Int(info.st_size)
      if let mapping = FileMapping.map(fd: fd, count: size) {
        return InputSource(
          kind: .regularFile, label: label, path: path, bytes: InputBytes(mapping: mapping),
          file: (fd, size, info.st_ctim))
      }
      if errno == ENOMEM {
        close(fd)
        throw StreamReading.outOfMemory(label, bytes: size)
      }
    }
    defer { close(fd) }
    return InputSource(kind: .stream, label: label, path: path, bytes: try StreamReading.read(fd: fd, label: label))
  }

  /// Throws `file changed while it was read` when the file shrank under its mapping or was
  /// written since it was opened; call it after the bytes are parsed (and before reporting an
  /// error found in them, which a change may have caused).
  public func checkUnchanged() throws(InputError) {
    guard let file else { return }
    var info = stat()
    let changed =
      bytes.mappingWasCut || fstat(file.descriptor, &info) != 0 || Int(info.st_size) != file.size
      || info.st_ctim.tv_sec != file.changed.tv_sec || info.st_ctim.tv_nsec != file.changed.tv_nsec
    if changed { throw InputError(label: label, message: "file changed while it was read") }
  }

  /// Runs `read` on the source, then ``checkUnchanged()``: a change found there replaces the
  /// result, or the error the changed bytes led to.
  public func reading<R>(_ read: (InputSource) throws(InputError) -> R) throws(InputError) -> R {
    let result: Result<R, InputError>
    do throws(InputError) { result = .success(try read(self)) } catch { result = .failure(error) }
    try checkUnchanged()
    return try result.get()
  }
}
