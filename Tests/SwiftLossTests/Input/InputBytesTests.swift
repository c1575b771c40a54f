import Foundation
import Testing

@testable import SwiftLoss

@Suite struct InputBytesTests {
  @Test("descriptors are read to the end with read(2), as standard input is")
  func pipes() throws {
    var fds: [Int32] = [0, 0]
    #expect(pipe(&fds) == 0)
    // Any byte but NUL, which no text holds (see the next test).
    let payload = [UInt8]((0..<300_000).map { UInt8(truncatingIfNeeded: 1 + $0 % 250) })
    let writer = fds[1]
    let thread = Thread {
      payload.withUnsafeBytes { raw in
        guard let base = raw.baseAddress else { return }
        var offset = 0
        while offset < raw.count {
          let n = write(writer, base + offset, raw.count - offset)
          if n <= 0 { break }
          offset += n
        }
      }
      close(writer)
    }
    thread.start()
    let bytes = try InputBytes.readAll(fd: fds[0], label: "<stdin>")
    close(fds[0])
    #expect(bytes == payload)
  }

  @Test("a text stream is refused at its first NUL, not held whole; a binary one is read with its NULs")
  func nulBytes() throws {
    func readPipe(_ payload: [UInt8]) throws(InputError) -> [UInt8] {
      var fds: [Int32] = [0, 0]
      _ = pipe(&fds)
      defer { close(fds[0]) }
      let writer = fds[1]
      let thread = Thread {
        // Write until the reader stops reading (it closes its end: EPIPE, ignored by Foundation's
        // test runner as SIGPIPE is), at most 64 MiB.
        payload.withUnsafeBytes { raw in
          guard let base = raw.baseAddress else { return }
          var sent = 0
          while sent < 64 << 20 {
            let n = write(writer, base, raw.count)
            if n <= 0 { break }
            sent += n
          }
        }
        close(writer)
      }
      thread.start()
      return try InputBytes.readAll(fd: fds[0], label: "<stdin>", limit: 1 << 30)
    }
    signal(SIGPIPE, SIG_IGN)
    expectInputError(label: "<stdin>", line: 3, column: 2, "a NUL byte: this is not text (binary data?)") {
      () throws(InputError) in _ = try readPipe(Array("1,2\n3,4\n5".utf8) + [0] + [UInt8](repeating: 0, count: 1 << 16))
    }
    expectInputError(label: "<stdin>", line: 1, column: 1, "a NUL byte: this is not text (binary data?)") {
      () throws(InputError) in _ = try readPipe([UInt8](repeating: 0, count: 1 << 16))
    }
    // A .npy stream holds NULs in its header: read whole.
    let header = Array("{'descr': '<i1', 'fortran_order': False, 'shape': (2,)}\n".utf8)
    var fds: [Int32] = [0, 0]
    #expect(pipe(&fds) == 0)
    let npy = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count), 0] + header + [0, 6]
    #expect(npy.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) } == npy.count)
    close(fds[1])
    #expect(try InputBytes.readAll(fd: fds[0], label: "<stdin>") == npy)
    close(fds[0])
  }

  @Test("a FIFO path is read, not mapped")
  func fifo() throws {
    let path = try temporaryDirectory().appendingPathComponent("fifo.csv").path
    #expect(mkfifo(path, 0o600) == 0)
    let thread = Thread {
      let fd = open(path, O_WRONLY)
      let text = Array("1,2\n3,4\n".utf8)
      _ = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      close(fd)
    }
    thread.start()
    let tensor = try TensorReader.read(path: path)
    #expect(tensor.shape == [2, 2])
  }

  @Test("format by extension, sniffing for unknown extensions")
  func sniffing() throws {
    #expect(FormatSniffing.fileExtension("dir.v2/data.TSV") == "tsv")
    #expect(FormatSniffing.fileExtension("dir.v2/data") == "")
    #expect(FormatSniffing.fileExtension(".hidden") == "")
    let header = Array("{'descr': '<i1', 'fortran_order': False, 'shape': (2,)}\n".utf8)
    let npyPath = try writeTemporary(
      "array.bin", [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count), 0] + header + [5, 6])
    #expect(try TensorReader.read(path: npyPath).storage == [5, 6])
    let textPath = try writeTemporary("numbers.dat", "1 2\n3 4\n")
    #expect(try TensorReader.read(path: textPath).shape == [2, 2])
    let emptyPath = try writeTemporary("empty.csv", "")
    expectInputError(label: emptyPath, line: nil, column: nil, "no numbers") { () throws(InputError) in
      try TensorReader.read(path: emptyPath)
    }
    expectInputError(label: "<stdin>", line: nil, column: nil, "no json value") { () throws(InputError) in
      try TensorReader.parseLiteral("", label: "<stdin>")
    }
  }

  @Test("an endless or oversized stream is refused at the limit, not read until memory runs out")
  func streamLimit() throws {
    var fds: [Int32] = [0, 0]
    #expect(pipe(&fds) == 0)
    let payload = [UInt8](repeating: UInt8(ascii: "1"), count: 5000)
    #expect(payload.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) } == 5000)
    close(fds[1])
    defer { close(fds[0]) }
    do {
      _ = try InputBytes.readAll(fd: fds[0], label: "<stdin>", limit: 4096)
      Issue.record("expected an error")
    } catch {
      #expect(error.description == "<stdin>: input larger than this machine's memory allows (more than 4096 bytes)")
    }
    #expect(InputBytes.maxStreamBytes >= 16 << 20)
  }

  @Test("a value buffer stops at its limit and reports it")
  func valueLimit() {
    var values = DoubleBuffer(capacity: 4, limit: 100)
    defer { values.free() }
    for i in 0..<100 { values.append(Double(i)) }
    #expect(!values.failed && values.count == 100)
    values.append(100)
    #expect(values.failed && values.count == 100)
    #expect(DoubleBuffer.memoryMessage.contains("at most \(Shape.maxElementCount) per tensor"))
  }

  @Test("a file whose size reads as 0 but has content (/proc) is read, not taken for empty")
  func zeroSizeFiles() throws {
    let path = "/proc/sys/kernel/pid_max"
    guard FileManager.default.fileExists(atPath: path) else { return }
    let tensor = try TensorReader.read(path: path)
    #expect(tensor.shape == [1])
    #expect((tensor.storage.first ?? 0) > 0)
    let empty = NSTemporaryDirectory() + "swiftloss-empty-\(getpid()).csv"
    #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
    defer { try? FileManager.default.removeItem(atPath: empty) }
    #expect(throws: InputError(label: empty, message: "no numbers")) { try TensorReader.read(path: empty) }
  }
}
