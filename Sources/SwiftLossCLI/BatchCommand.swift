import SwiftLoss

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `swiftloss batch [FILE|-]`: one JSON request a line in, one JSON result a line out, in order.
///
/// A request is an object with `loss` and, keyed as `--data` keys them, its tensors (inline
/// arrays, numbers or `{"shape", "data"}` objects) and options (`"reduction": "sum"`,
/// `"label_smoothing": 0.1`, `"size_average": false`), and the output settings `show`,
/// `precision`, `dtype`, `expect`, `rtol`, `atol`. Every request goes through the path of a single
/// call (``ComputeCommand/evaluate(tensors:labels:bareNumbers:warnings:resolved:compact:)``), so a result is the object
/// `--format json` prints, on one line. A bad request gives `{"error": "...", "line": N}` and the
/// stream goes on.
///
/// Speed: input is read in blocks; the complete lines of a block are parsed, computed and
/// formatted in contiguous groups on every core, each group into its own buffer, and the buffers
/// are written in order. A line of more than ``largeLine`` bytes is run alone, as a single call
/// runs (its loss and its output formatting use every core). Nothing waits for more input than
/// the read in progress, so a program that writes one request and waits for its result works.
struct BatchCommand {
  /// The input path; nil or `-` is standard input.
  var source: String?

  /// Lines longer than this are run one at a time with all cores, not grouped with others.
  static let largeLine = 1 << 18
  /// The read size; a block holds whole lines plus a partial last one carried to the next block.
  static let blockSize = 1 << 20

  static func parse(_ arguments: [String]) throws(CommandError) -> BatchCommand {
    var scanner = ArgumentScanner(arguments)
    var command = BatchCommand()
    while let argument = scanner.next() {
      switch argument {
      case .operand(let path):
        guard command.source == nil else { throw CommandError.usage("batch reads one input; unexpected '\(path)'") }
        command.source = path
      case .terminator:
        continue
      case .shortHelp, .flag("help", _, _):
        throw CommandError.usage("usage: swiftloss batch [FILE|-] (one JSON request a line; see 'man swiftloss')")
      case .flag(_, _, let spelling):
        throw CommandError.usage(
          "unknown option '\(spelling)' for batch; options go inside each request "
            + "({\"loss\": \"mse\", \"reduction\": \"sum\", ...})")
      }
    }
    return command
  }

  /// Runs every request; returns 0, 1 when any request failed, else 3 when any `expect` did not
  /// match.
  func run(io: CommandIO) throws(CommandError) -> Int32 {
    let label = source == nil || source == "-" ? "<stdin>" : source!
    let fd: Int32
    if source == nil || source == "-" {
      fd = 0
    } else {
      fd = open(label, O_RDONLY | O_CLOEXEC)
      guard fd >= 0 else {
        throw CommandError.input(InputError(label: label, message: Platform.message(forErrno: errno)))
      }
      var info = stat()
      if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
        close(fd)
        throw CommandError.input(InputError(label: label, message: Platform.message(forErrno: EISDIR)))
      }
    }
    defer { if fd != 0 { close(fd) } }

    var runner = BatchRunner(io: io)
    var pending: [UInt8] = []  // the unfinished last line of the previous block
    var block = [UInt8](repeating: 0, count: Self.blockSize)
    var skippingLongLine = false
    while true {
      let n = block.withUnsafeMutableBytes { read(fd, $0.baseAddress, Self.blockSize) }
      if n < 0 {
        if errno == EINTR { continue }
        throw CommandError.input(InputError(label: label, message: Platform.message(forErrno: errno)))
      }
      if n == 0 { break }
      // Whole lines: from the start of `pending + block` to the last newline of this block.
      guard let lastNewline = block[..<n].lastIndex(of: 0x0A) else {
        if !skippingLongLine { pending.append(contentsOf: block[..<n]) }
        if pending.count > InputBytes.maxStreamBytes {
          try runner.fail(
            line: runner.nextLine, message: "the request is longer than \(InputBytes.maxStreamBytes) bytes")
          pending = []
          skippingLongLine = true
        }
        continue
      }
      if skippingLongLine {
        // The rest of the over-long line ends here; the lines after it run.
        skippingLongLine = false
        pending = []
        let firstNewline = block[..<n].firstIndex(of: 0x0A) ?? lastNewline
        try runner.runLines(block, range: (firstNewline + 1)..<(lastNewline + 1))
      } else if pending.isEmpty {
        try runner.runLines(block, range: 0..<(lastNewline + 1))
      } else {
        pending.append(contentsOf: block[..<(lastNewline + 1)])
        try runner.runLines(pending, range: 0..<pending.count)
      }
      pending = Array(block[(lastNewline + 1)..<n])
    }
    if !pending.isEmpty && !skippingLongLine {
      pending.append(0x0A)
      try runner.runLines(pending, range: 0..<pending.count)
    }
    return runner.failed ? 1 : runner.mismatched ? 3 : 0
  }
}

/// Runs the lines of each block and writes their results; counts lines across blocks.
struct BatchRunner {
  let io: CommandIO
  /// The 1-based number of the next line.
  var nextLine = 1
  var failed = false
  var mismatched = false

  init(io: CommandIO) {
    self.io = io
  }

  /// An error line for `line` (a request too long to hold).
  mutating func fail(line: Int, message: String) throws(CommandError) {
    let buffer = OutputBuffer(capacity: 256)
    BatchRequest.writeError(message, line: line, into: buffer)
    failed = true
    nextLine += 1
    do { try io.standardOutput.write(buffer.bytes) } catch { throw CommandError.write(error) }
  }

  /// Every line in `bytes[range]`, which ends with a newline.
  mutating func runLines(_ bytes: [UInt8], range: Range<Int>) throws(CommandError) {
    guard !range.isEmpty else { return }
    // The lines, as (start, end without the newline).
    var lines: [Range<Int>] = []
    bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      var start = range.lowerBound
      while start < range.upperBound {
        let end = Self.nextLineEnd(base, from: start, end: range.upperBound)
        lines.append(start..<end)
        start = end + 1
      }
    }
    let firstLine = nextLine
    nextLine += lines.count
    // Groups of small lines run in parallel; a large line runs alone.
    var index = 0
    while index < lines.count {
      if lines[index].count > BatchCommand.largeLine {
        try runLarge(bytes, lines[index], line: firstLine + index)
        index += 1
        continue
      }
      var end = index
      while end < lines.count && lines[end].count <= BatchCommand.largeLine { end += 1 }
      try runGroup(bytes, lines[index..<end], firstLine: firstLine + index)
      index = end
    }
  }

  private mutating func runLarge(_ bytes: [UInt8], _ range: Range<Int>, line: Int) throws(CommandError) {
    var context = BatchRequest.Context(io: io)
    let errors = OutputBuffer(capacity: 256)
    let outcome = bytes.withUnsafeBufferPointer { buffer in
      BatchRequest.run(UnsafeBufferPointer(rebasing: buffer[range]), line: line, context: &context, warnings: errors)
    }
    do {
      try io.standardError.write(errors.bytes)
      switch outcome {
      case .success(let output):
        try output.write(to: io.standardOutput)
      case .failure(let message, let mismatch):
        if mismatch { mismatched = true } else { failed = true }
        let buffer = OutputBuffer(capacity: 256)
        BatchRequest.writeError(message, line: line, into: buffer)
        try io.standardOutput.write(buffer.bytes)
      case nil:
        break
      }
    } catch {
      throw CommandError.write(error)
    }
  }

  /// Small lines: in contiguous groups, on every core when there are enough of them.
  private mutating func runGroup(_ bytes: [UInt8], _ lines: ArraySlice<Range<Int>>, firstLine: Int)
    throws(CommandError)
  {
    let threads = max(1, Parallel.threadCount)
    let groups = lines.count >= 32 && threads > 1 ? min(threads * 8, lines.count / 16) : 1
    let outputs = (0..<groups).map { _ in OutputBuffer(capacity: 4096) }
    let warnings = (0..<groups).map { _ in OutputBuffer(capacity: 64) }
    let status = UnsafeMutableBufferPointer<(failed: Bool, mismatched: Bool)>.allocate(capacity: groups)
    status.initialize(repeating: (false, false))
    defer { status.deallocate() }
    let lineList = Array(lines)
    let size = (lineList.count + groups - 1) / groups
    let io = self.io
    bytes.withSharedBuffer { buffer in
      let status = UnsafeSharedBuffer(status)
      let work = { (group: Int) in
        var context = BatchRequest.Context(io: io)
        let out = outputs[group]
        let lower = group * size
        let upper = min(lineList.count, lower + size)
        guard lower < upper else { return }
        for k in lower..<upper {
          let line = firstLine + k
          let outcome = BatchRequest.run(
            buffer.reading(lineList[k]), line: line, context: &context, warnings: warnings[group]
          )
          switch outcome {
          case .success(let output):
            output.appendAll(to: out)
          case .failure(let message, let mismatch):
            if mismatch { status[group].mismatched = true } else { status[group].failed = true }
            BatchRequest.writeError(message, line: line, into: out)
          case nil:
            break
          }
        }
      }
      nonisolated(unsafe) let body = work
      if groups == 1 {
        body(0)
      } else {
        Parallel.perform(iterations: groups) { body($0) }
      }
    }
    for group in 0..<groups {
      if status[group].failed { failed = true }
      if status[group].mismatched { mismatched = true }
    }
    do throws(OutputError) {
      for group in 0..<groups {
        // A buffer that could not grow dropped its bytes: out of memory, never a partial line.
        if outputs[group].failed || warnings[group].failed { throw OutputError(code: ENOMEM) }
        if warnings[group].count > 0 { try io.standardError.write(warnings[group].bytes) }
        try io.standardOutput.write(outputs[group].bytes)
      }
    } catch {
      throw CommandError.write(error)
    }
  }
}

extension BatchRunner {
  /// The offset of the next `\n` at or after `from`, or `end` (lines of a batch).
  @inline(__always)
  static func nextLineEnd(_ base: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
    guard from < end, let hit = memchr(base + from, 0x0A, end - from) else { return end }
    return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
  }
}
