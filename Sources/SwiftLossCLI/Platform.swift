import SwiftLoss

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The few POSIX calls the front end needs, without Foundation (it adds milliseconds to startup).
enum Platform {
  /// `write(2)` until every byte is out: retries partial writes and `EINTR`, waits on `EAGAIN`.
  static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(OutputError) {
    guard var p = bytes.baseAddress else { return }
    var remaining = bytes.count
    while remaining > 0 {
      let n = write(fd, p, min(remaining, 1 << 30))
      if n > 0 {
        p += n
        remaining -= n
        continue
      }
      let code = n < 0 ? errno : EIO
      if code == EINTR { continue }
      if code == EAGAIN || code == EWOULDBLOCK {
        var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        _ = poll(&descriptor, 1, -1)
        continue
      }
      throw OutputError(code: code)
    }
  }

  /// `strerror`, e.g. "No space left on device".
  static func message(forErrno code: Int32) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
  }

  static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

  static func exists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0
  }

  /// The environment variables swiftloss reads (`NO_COLOR`, `TERM`, `COLUMNS`, `LINES`; add any
  /// new one here). Only these are copied: building a dictionary of the whole environment costs
  /// start-up time.
  static let variablesRead = ["NO_COLOR", "TERM", "COLUMNS", "LINES"]

  /// The size of the terminal on `fd` (`ioctl(TIOCGWINSZ)`), or nil when it is not a terminal or
  /// does not say.
  static func terminalSize(_ fd: Int32) -> TerminalSize? {
    var size = winsize()
    let status = withUnsafeMutablePointer(to: &size) { ioctl(fd, UInt(TIOCGWINSZ), $0) }
    guard status == 0, size.ws_col > 0 else { return nil }
    return TerminalSize(columns: Int(size.ws_col), rows: Int(size.ws_row))
  }

  static func environment() -> [String: String] {
    var result: [String: String] = [:]
    for name in variablesRead {
      if let value = getenv(name) { result[name] = String(cString: value) }
    }
    return result
  }

}
