#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads delimited text (CSV, TSV, whitespace-separated) into a 1-D or 2-D tensor.
///
/// Rules:
/// - Fields are separated by `delimiter`; a space delimiter means runs of spaces and tabs, with
///   leading and trailing blanks ignored. Spaces (and tabs, unless tab is the delimiter) around a
///   field are ignored; `\r` before `\n` is ignored, so CRLF files read as LF files.
/// - A UTF-8 byte-order mark is skipped. Lines that are blank or whose first non-blank byte is
///   `#` are skipped.
/// - The first remaining row is a header, and is skipped, when every field is text: not a number,
///   boolean or missing-value marker, nor anything that starts like a number (`1.5.3` is a
///   malformed number, not a column name); a row mixing numbers and text is reported as bad data,
///   not silently dropped. Leading empty or `Unnamed: N` header fields mark pandas' index columns,
///   which are not data (see ``locateBody(_:label:dialect:)``). The header's field count must match
///   the data rows.
/// - Fields may be double-quoted (RFC 4180); `True`/`False` are 1/0; missing values (an empty
///   field, `NA`, `None`, ...) are errors; `--decimal ,` reads decimal commas. These, an index
///   column and a selected column are read on the general path (``parseGeneral``); plain rows of
///   numbers stay on the fast loops.
/// - Every row has the same number of fields; every field is a number in ``FloatParser`` syntax.
/// - Shape: one row gives `(columns,)`, one column `(rows,)`, otherwise `(rows, columns)`.
///
/// Inputs above ``parallelThreshold`` bytes are split at line boundaries into chunks parsed
/// concurrently; the values, and the first error in file order, do not depend on the split.
enum DelimitedTextReader {
  /// Inputs larger than this many bytes are parsed in concurrent chunks.
  static let parallelThreshold = 4 << 20

  /// How fields are separated.
  struct Dialect: Sendable {
    var delimiter: UInt8
    /// `--decimal ,`: numbers are written with a decimal comma (general path only).
    var decimalComma = false
    /// A space delimiter: runs of blanks separate fields.
    var spaceMode: Bool { delimiter == 0x20 }
    /// Whether a tab is ignorable whitespace (it is, unless it is the delimiter).
    var tabIsBlank: Bool { delimiter != 0x09 }

    @inline(__always)
    func isBlank(_ byte: UInt8) -> Bool {
      byte == 0x20 || byte == 0x0D || (byte == 0x09 && tabIsBlank)
    }
  }

  /// The first problem in a chunk, by byte offset; turned into a message only when reported.
  enum Failure: Sendable {
    /// The field starting at this offset is empty, not a number, or out of range.
    case field(Int)
    /// The row starting at this offset has `found` fields.
    case ragged(row: Int, found: Int)
    /// A buffer could not be allocated.
    case memory
  }

  struct ChunkResult {
    var values: DoubleBuffer
    var rows = 0
    var firstRowFields = -1
    var firstRowStart = 0
    var failure: Failure?
  }

  /// Everything `locate` needs to find an element again.
  struct Layout: Sendable {
    var dialect: Dialect
    var bodyStart: Int
    var columns: Int
    /// The field of a row that holds column 0 (after index fields).
    var firstField = 0
    /// The field read when a column is selected.
    var selected: Int?
  }

  /// Where the rows start and what the header says (see ``locateBody(_:label:dialect:)``).
  struct Body {
    var bodyStart: Int
    var header: (start: Int, fields: Int)?
    /// Fields of a row, index columns included (the header's, or the first row's).
    var width: Int
    /// Leading index fields (an empty or `Unnamed: N` header field).
    var indexColumns = 0
    /// The header's field texts, when there is a header.
    var names: [String]?
    /// The first row is data that the plain path cannot read (quotes, booleans).
    var firstRowNeedsGeneral = false
    /// The length of the first row in bytes, to size buffers.
    var rowBytes = 0
  }

  // MARK: - Entry point

  static func read(
    _ input: InputBytes, label: String, delimiter: UInt8, parallel: Bool = true, decimalComma: Bool = false,
    column: ColumnSelector? = nil
  ) throws(InputError) -> Tensor {
    let dialect = Dialect(delimiter: delimiter, decimalComma: decimalComma)
    let (storage, shape, layout) = try input.withBytes {
      (buffer: UnsafeBufferPointer<UInt8>) throws(InputError) -> ([Double], [Int], Layout) in
      try parse(buffer, label: label, dialect: dialect, parallel: parallel, mapped: input.isMapped, column: column)
    }
    let origin = TensorOrigin(label: label) { index in
      input.withBytes { buffer in locate(index, in: buffer, layout: layout) }
    }
    do {
      return try Tensor(shape: shape, storage: storage, origin: origin)
    } catch {
      throw InputError(label: label, message: error.message)
    }
  }

  static func parse(
    _ buffer: UnsafeBufferPointer<UInt8>, label: String, dialect: Dialect, parallel: Bool, mapped: Bool = false,
    column: ColumnSelector? = nil
  ) throws(InputError) -> ([Double], [Int], Layout) {
    let body = try locateBody(buffer, label: label, dialect: dialect)
    var plan = Plan(dialect: dialect, indexColumns: body.indexColumns, width: body.width)
    if let column { plan.selected = try resolve(column, body: body, buffer, label: label) }
    let general = dialect.decimalComma || plan.indexColumns > 0 || plan.selected != nil || body.firstRowNeedsGeneral
    if !general,
      let plain = try parsePlain(buffer, label: label, dialect: dialect, body: body, parallel: parallel, mapped: mapped)
    {
      return plain
    }
    return try parseGeneral(buffer, label: label, plan: plan, body: body, parallel: parallel, mapped: mapped)
  }

  /// The plain path: rows of numbers, no quotes or booleans; nil when a field calls for the
  /// general path (a quote or a boolean where a number was expected).
  static func parsePlain(
    _ buffer: UnsafeBufferPointer<UInt8>, label: String, dialect: Dialect, body: Body, parallel: Bool, mapped: Bool
  ) throws(InputError) -> ([Double], [Int], Layout)? {
    guard let base = buffer.baseAddress, buffer.count > 0 else {
      throw InputError(label: label, message: "no numbers")
    }
    let count = buffer.count
    let (bodyStart, header, width) = (body.bodyStart, body.header, body.width)

    // The body, in chunks.
    let bodyLength = count - bodyStart
    // Parallel chunks each hold their own values: only when the body cannot hold more numbers
    // (one per two bytes at most) than one tensor may have, so that memory stays bounded.
    // A NUL among evenly spread samples: binary or zero-filled, parsed from the front only, so
    // that the error at its first NUL costs no scan of the rest (see ByteScanner.sampledNUL).
    let binaryLooking = bodyLength > parallelThreshold && ByteScanner.sampledNUL(base, from: bodyStart, to: count)
    let split = parallel && bodyLength > parallelThreshold && bodyLength / 2 < Shape.maxElementCount && !binaryLooking
    let bounds = split ? chunkBounds(base, from: bodyStart, to: count) : [bodyStart, count]
    let chunkCount = bounds.count - 1

    // Every number but the last is followed by a delimiter or a newline, so counting those bounds
    // each chunk's numbers: the chunks parse straight into their slots of the result, which for a
    // plain file (no blank lines, comments or short last chunk) are already contiguous. Runs of
    // blanks (space mode) have no such bound; those chunks go to buffers of their own.
    // With wide rows, lines × the first row's field count is as good a bound and much cheaper
    // to count (memchr); a chunk whose rows are wider overflows its slot into a buffer of its
    // own, and is then reported as ragged anyway.
    var slots: [Int]? = nil
    if !dialect.spaceMode && !binaryLooking && (chunkCount > 1 || bodyLength >= 1 << 16) {
      slots = countFieldEnds(base, bounds: bounds, delimiter: dialect.delimiter, rowWidth: width)
    }
    // More slots than a tensor may hold: the buffers, which stop at that bound, report it.
    if let counted = slots, counted.reduce(0, +) > Shape.maxElementCount { slots = nil }
    let capacity = slots?.reduce(0, +) ?? 0
    try LargeArray.reserve(doubles: capacity, reading: label)
    var results: [ChunkResult] = []
    var storage = [Double](unsafeUninitializedCapacity: capacity) { destination, initialized in
      initialized = 0
      var offsets: [Int] = []
      var running = 0
      for slot in slots ?? [] {
        offsets.append(running)
        running += slot
      }
      let target = destination.baseAddress
      func buffer(_ k: Int) -> DoubleBuffer? {
        guard let target, let slots else { return nil }
        return DoubleBuffer(slot: target + offsets[k], capacity: slots[k])
      }
      if chunkCount == 1 {
        results = [parseChunk(base, from: bodyStart, to: count, dialect, into: buffer(0))]
      } else {
        let parsed = UnsafeMutableBufferPointer<ChunkResult>.allocate(capacity: chunkCount)
        let shared = (bytes: UnsafeSharedReadBuffer(start: base, count: count), parsed: UnsafeSharedBuffer(parsed))
        (0..<chunkCount).map(buffer).withSharedBuffer { buffers in
          Parallel.perform(iterations: chunkCount) { k in
            if let buffer = buffers[k], let slot = buffer.base {
              LargeArray.prefault(slot, byteCount: buffer.room.count * MemoryLayout<Double>.stride)
            }
            let result = parseChunk(shared.bytes.base, from: bounds[k], to: bounds[k + 1], dialect, into: buffers[k])
            shared.parsed.initializeElement(at: k, to: result)
            if mapped {
              InputBytes.dropPages(shared.bytes.base + bounds[k], count: bounds[k + 1] - bounds[k])
            }
          }
        }
        results = Array(parsed)
        parsed.deinitialize()
        parsed.deallocate()
      }
      // Errors are reported below, from the buffers.
      guard let target, !results.contains(where: { $0.failure != nil || $0.values.failed }) else { return }
      let total = results.reduce(0) { $0 + $1.values.count }
      guard total <= capacity else { return }
      // Close the gaps left by slots that were not filled, in order (memmove: ranges overlap).
      var position = 0
      for result in results where result.values.count > 0 {
        if let source = result.values.base, source != target + position {
          memmove(target + position, source, result.values.count * MemoryLayout<Double>.stride)
        }
        position += result.values.count
      }
      initialized = total
    }
    defer { for k in results.indices { results[k].values.free() } }
    for result in results {
      if case .field(let offset) = result.failure, callsForGeneralPath(offset, buffer, dialect) { return nil }
    }
    let (total, rows, columns) = try stitch(results, header: header, buffer, label, dialect)
    if storage.count != total {
      // No slots (space mode, small inputs), or more numbers than slots: gather the buffers.
      try LargeArray.reserve(doubles: total, reading: label)
      storage = [Double](unsafeUninitializedCapacity: total) { destination, initialized in
        if let target = destination.baseAddress {
          var offsets: [Int] = []
          var running = 0
          for result in results {
            offsets.append(running)
            running += result.values.count
          }
          if results.count == 1 {
            results[0].values.copy(into: target)
          } else {
            let target = UnsafeSharedBuffer(start: target, count: total)
            results.withSharedBuffer { results in
              Parallel.perform(iterations: results.count) { k in
                results[k].values.copy(into: target.base + offsets[k])
              }
            }
          }
        }
        initialized = total
      }
    }
    let shape: [Int]
    if rows == 1 {
      shape = [columns]
    } else if columns == 1 {
      shape = [rows]
    } else {
      shape = [rows, columns]
    }
    return (storage, shape, Layout(dialect: dialect, bodyStart: bodyStart, columns: columns))
  }

  /// `from..<to` (from a line start) cut at line starts into about a megabyte per chunk, at least
  /// two and at most 16 per thread (`chunks` overrides the count): the bounds, `from` first and
  /// `to` last. A line longer than a chunk makes fewer chunks.
  static func chunkBounds(_ base: UnsafePointer<UInt8>, from: Int, to: Int, chunks: Int? = nil) -> [Int] {
    let length = to - from
    let threads = max(2, Parallel.threadCount)
    let chunkCount = chunks ?? max(threads, min(length / (1 << 20), threads * 16))
    var bounds = [from]
    let step = length / max(chunkCount, 1)
    for k in 1..<max(chunkCount, 1) {
      let target = max(bounds[bounds.count - 1], from + k * step)
      let split = ByteScanner.nextLine(base, from: target, end: to)
      if split < to && split > bounds[bounds.count - 1] { bounds.append(split) }
    }
    bounds.append(to)
    return bounds
  }

  /// Where the rows start: after a byte-order mark, leading blank and comment lines and the header
  /// (see the rules above), with what the header says: the field count of a row (the header's, or
  /// the first data row's), the index columns, the names.
  ///
  /// The first row is a header when every field is text: not a number, `True`/`False` or quoted
  /// number, not a missing-value marker, and nothing that starts like a number (`1.5.3` is a
  /// malformed number, not a column name: treating its row as a header would drop a data row
  /// silently). Leading empty or `Unnamed: N` fields are pandas' index; a row that starts with
  /// one is a header whatever follows it (pandas names the columns of an unnamed Series or array
  /// `0`, `1`, ...), since as data it would hold a missing value.
  static func locateBody(
    _ buffer: UnsafeBufferPointer<UInt8>, label: String, dialect: Dialect
  ) throws(InputError) -> Body {
    guard let base = buffer.baseAddress, buffer.count > 0 else {
      throw InputError(label: label, message: "no numbers")
    }
    let count = buffer.count
    let start = ByteScanner.hasBOM(buffer) ? 3 : 0

    // The first data row, which may be a header.
    var rowStart = start
    var firstRow: (start: Int, end: Int)?
    while rowStart < count {
      let lineEnd = ByteScanner.nextLine(base, from: rowStart, end: count)
      var p = rowStart
      while p < lineEnd && dialect.isBlank(base[p]) { p += 1 }
      if p < lineEnd && base[p] == UInt8(ascii: "#") && isMissingMarkerLine(base, at: p, end: lineEnd, dialect) {
        throw describe(.field(p), buffer, label, dialect, expected: nil, reference: 0)
      }
      if p < lineEnd && base[p] != 0x0A && base[p] != UInt8(ascii: "#") {
        firstRow = (rowStart, lineEnd)
        break
      }
      rowStart = lineEnd
    }
    guard let firstRow else { throw InputError(label: label, message: "no numbers") }
    let rowBytes = firstRow.end - firstRow.start

    // A row of plain numbers is data for the plain path; the probe stops at the first other field.
    var plainUpTo = firstRow.start
    if !dialect.decimalComma {
      let probe = parseChunk(base, from: firstRow.start, to: firstRow.end, dialect)
      var probeValues = probe.values
      probeValues.free()
      switch probe.failure {
      case nil: return Body(bodyStart: firstRow.start, width: max(probe.firstRowFields, 0), rowBytes: rowBytes)
      case .field(let offset): plainUpTo = offset
      default: break
      }
    }
    // Each field classified once, stopping as soon as the row is known (a long data row with a bad
    // last field costs no more than its fields).
    var fieldCount = 0
    var indexColumns = 0
    var firstNumber: Int?
    var firstMissing: Int?, firstNonText: Int?, firstNonNumber: Int?
    var names: [String] = []
    var lastIsEmpty = false
    forEachField(base, from: firstRow.start, to: firstRow.end, dialect) { field in
      defer { fieldCount += 1 }
      if fieldCount == 0 || firstNumber != nil {
        // A row that starts with a number is data: the fields the probe read are numbers.
        if fieldCount == 0 && field.start < plainUpTo { firstNumber = 0 }
        if firstNumber != nil {
          if field.start >= plainUpTo && kind(of: field, base, dialect) != .number {
            firstNonNumber = fieldCount
            return false
          }
          return true
        }
      }
      let fieldKind = kind(of: field, base, dialect)
      if fieldCount == 0 && fieldKind == .number {
        firstNumber = 0
        return true
      }
      if fieldKind != .number && firstNonNumber == nil { firstNonNumber = fieldCount }
      if fieldCount == indexColumns && fieldKind != .number && isIndexName(base, field) {
        indexColumns += 1
      } else {
        if fieldKind == .missing && firstMissing == nil { firstMissing = fieldCount }
        if fieldKind != .text && firstNonText == nil { firstNonText = fieldCount }
      }
      names.append(text(of: field, base))
      lastIsEmpty = field.content.isEmpty
      return true
    }
    if firstNumber != nil {
      guard let bad = firstNonNumber else {
        return Body(bodyStart: firstRow.start, width: fieldCount, firstRowNeedsGeneral: true, rowBytes: rowBytes)
      }
      throw describe(.field(fieldStart(bad)), buffer, label, dialect, expected: nil, reference: 0)
    }
    // Every field an index name: the last one is a column (its name empty).
    if indexColumns == fieldCount {
      indexColumns -= 1
      if firstMissing == nil && lastIsEmpty { firstMissing = fieldCount - 1 }
    }
    let isHeader = indexColumns > 0 ? firstMissing == nil : firstNonText == nil
    guard isHeader else {
      let bad = firstMissing ?? firstNonNumber ?? firstNonText ?? 0
      throw describe(.field(fieldStart(bad)), buffer, label, dialect, expected: nil, reference: 0)
    }
    return Body(
      bodyStart: firstRow.end, header: (firstRow.start, fieldCount), width: fieldCount, indexColumns: indexColumns,
      names: names, rowBytes: rowBytes)

    func fieldStart(_ index: Int) -> Int {
      var k = 0
      var start = firstRow.start
      forEachField(base, from: firstRow.start, to: firstRow.end, dialect) { field in
        start = field.start
        k += 1
        return k <= index
      }
      return start
    }
  }

  /// Checks the chunks in file order (field counts, the first failure) and returns the number of
  /// values, rows and columns.
  static func stitch(
    _ results: [ChunkResult], header: (start: Int, fields: Int)?, _ buffer: UnsafeBufferPointer<UInt8>,
    _ label: String, _ dialect: Dialect
  ) throws(InputError) -> (total: Int, rows: Int, columns: Int) {
    var expected = header?.fields
    var reference = header?.start ?? 0
    var total = 0
    var rows = 0
    for result in results {
      if result.firstRowFields >= 0 {
        if let expected, result.firstRowFields != expected {
          throw describe(
            .ragged(row: result.firstRowStart, found: result.firstRowFields), buffer, label, dialect,
            expected: expected, reference: reference)
        }
        if expected == nil {
          expected = result.firstRowFields
          reference = result.firstRowStart
        }
      }
      if let failure = result.failure {
        throw describe(failure, buffer, label, dialect, expected: expected, reference: reference)
      }
      if result.values.failed {
        throw InputError(label: label, message: DoubleBuffer.memoryMessage)
      }
      total += result.values.count
      rows += result.rows
    }
    guard rows > 0, let columns = expected else {
      if let header {
        let line = ByteScanner.position(of: header.start, in: buffer).line
        throw InputError(label: label, line: line, message: "no numbers after the header")
      }
      throw InputError(label: label, message: "no numbers")
    }
    return (total, rows, columns)
  }

  /// For each chunk `bounds[k]..<bounds[k+1]`, an upper bound of the numbers it holds (see
  /// ``countFieldEnds(_:from:to:delimiter:)``), counted on all cores.
  static func countFieldEnds(_ base: UnsafePointer<UInt8>, bounds: [Int], delimiter: UInt8, rowWidth: Int) -> [Int] {
    let chunkCount = bounds.count - 1
    let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: chunkCount)
    defer { counts.deallocate() }
    let shared = (
      bytes: UnsafeSharedReadBuffer(start: base, count: bounds[chunkCount]), counts: UnsafeSharedBuffer(counts)
    )
    let count = { @Sendable (k: Int) in
      let from = bounds[k], to = bounds[k + 1]
      // A number and what ends it take two bytes: never more than (bytes + 1) / 2 numbers, however
      // blank lines multiply by the width.
      let most = (to - from + 1) / 2
      if rowWidth >= 8 {
        let (bound, overflow) = countLines(shared.bytes.base, from: from, to: to).multipliedReportingOverflow(
          by: rowWidth)
        shared.counts[k] = overflow ? most : min(most, bound)
      } else {
        shared.counts[k] = min(most, countFieldEnds(shared.bytes.base, from: from, to: to, delimiter: delimiter))
      }
    }
    if chunkCount == 1 {
      count(0)
    } else {
      Parallel.perform(iterations: chunkCount, count)
    }
    return Array(counts)
  }

  /// The lines in `from..<to`: newlines, plus one for a last line without one.
  static func countLines(_ base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
    guard to > from else { return 0 }
    var lines = 0
    var p = from
    while p < to, let hit = memchr(base + p, 0x0A, to - p) {
      lines += 1
      p = UnsafeRawPointer(hit) - UnsafeRawPointer(base) + 1
    }
    return base[to - 1] == 0x0A ? lines : lines + 1
  }

  /// The delimiters and newlines in `from..<to`, plus one if the range does not end with a
  /// newline: every number is followed by one of them or by the end, so this bounds the count of
  /// numbers (and equals it for a file of plain rows).
  @inline(never)
  static func countFieldEnds(_ base: UnsafePointer<UInt8>, from: Int, to: Int, delimiter: UInt8) -> Int {
    guard to > from else { return 0 }
    var p = UnsafeRawPointer(base + from)
    let end = UnsafeRawPointer(base + to)
    // SWAR: a byte of `x` is zero exactly when the high bit of `~(((x & 0x7F..) + 0x7F..) | x)` is set.
    let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    let delimiters = UInt64(delimiter) &* 0x0101_0101_0101_0101
    let newlines: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
    @inline(__always) func matches(_ word: UInt64) -> Int {
      let a = word ^ delimiters, b = word ^ newlines
      let zeroA = ~(((a & low7) &+ low7) | a), zeroB = ~(((b & low7) &+ low7) | b)
      return ((zeroA | zeroB) & ~low7).nonzeroBitCount
    }
    var total = 0
    while end - p >= 32 {
      total +=
        matches(p.loadUnaligned(as: UInt64.self)) + matches(p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        + matches(p.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        + matches(p.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
      p += 32
    }
    while p < end {
      let byte = p.load(as: UInt8.self)
      if byte == delimiter || byte == 0x0A { total += 1 }
      p += 1
    }
    if base[to - 1] != 0x0A { total += 1 }
    return total
  }

  // MARK: - The hot loop

  /// Parses the whole lines in `from..<to` (which starts at a line start).
  @inline(never)
  static func parseChunk(
    _ base: UnsafePointer<UInt8>, from: Int, to: Int, _ dialect: Dialect, into values: DoubleBuffer? = nil
  ) -> ChunkResult {
    var result = ChunkResult(values: values ?? DoubleBuffer(capacity: (to - from) / 12))
    // The output cursor and the room left live in registers; the buffer is synced on growth.
    var (next, room) = result.values.room
    var written = 0
    let end = base + to
    var p = base + from
    let delimiter = dialect.delimiter
    let spaceMode = dialect.spaceMode
    var expected = -1
    var rows = 0
    var failure: Failure?
    lines: while p < end {
      var lineStart = p
      var fields = 0
      // The bulk of a file goes through `plainRows`; the rest of a row it stops in, from the
      // number where it stopped, continues below.
      if !spaceMode && expected > 0 && room >= expected, let output = next {
        let run = plainRows(&p, end, output, room: room, width: expected, delimiter: delimiter)
        next = output + run.stored
        room &-= run.stored
        written &+= run.stored
        rows &+= run.rows
        if run.partial > 0 {
          fields = run.partial
          lineStart = run.partialRowStart
        } else if run.rows > 0 {
          continue lines
        }
      }
      if fields == 0 {
        lineStart = p
        while p < end && dialect.isBlank(p.pointee) { p += 1 }
        if p == end { break }
        let byte = p.pointee
        if byte == 0x0A {
          p += 1
          continue
        }
        if byte == UInt8(ascii: "#") {
          // A spreadsheet's `#N/A` is a missing value, not a comment.
          if isMissingMarkerLine(base, at: p - base, end: to, dialect) {
            failure = .field(p - base)
            break lines
          }
          p = base + ByteScanner.nextLine(base, from: p - base, end: to)
          continue
        }
      }
      while true {
        var fieldStart = p
        var value = 0.0
        let status = FloatParser.scanInline(&p, end, &value)
        if status != .ok {
          // Blanks before a field (after a delimiter) are skipped here, off the fast path.
          guard status == .invalid else {
            failure = .field(fieldStart - base)
            break lines
          }
          var q = p
          while q < end && dialect.isBlank(q.pointee) { q += 1 }
          fieldStart = q
          guard q > p else {
            failure = .field(fieldStart - base)
            break lines
          }
          p = q
          guard FloatParser.scanInline(&p, end, &value) == .ok else {
            failure = .field(fieldStart - base)
            break lines
          }
        }
        if room == 0 {
          result.values.commit(written)
          written = 0
          result.values.makeRoom()
          (next, room) = result.values.room
        }
        if let out = next, room > 0 {
          out.pointee = value
          next = out + 1
          room &-= 1
          written &+= 1
        }
        fields &+= 1
        // The common case: the delimiter or the newline right after the number.
        if p < end {
          let byte = p.pointee
          if byte == delimiter && !spaceMode {
            p += 1
            continue
          }
          if byte == 0x0A {
            p += 1
            break
          }
        }
        let afterNumber = p
        while p < end && dialect.isBlank(p.pointee) { p += 1 }
        if p == end { break }
        let byte = p.pointee
        if byte == 0x0A {
          p += 1
          break
        }
        if spaceMode {
          if p > afterNumber { continue }
        } else if byte == delimiter {
          p += 1
          continue
        }
        failure = .field(fieldStart - base)
        break lines
      }
      if expected < 0 {
        expected = fields
        result.firstRowFields = fields
        result.firstRowStart = lineStart - base
      } else if fields != expected {
        failure = .ragged(row: lineStart - base, found: fields)
        break lines
      }
      rows &+= 1
    }
    result.values.commit(written)
    result.rows = rows
    result.failure = failure
    if failure == nil && result.values.failed { result.failure = .memory }
    return result
  }

  /// Rows of plain numbers (``FloatParser/scanPlain(_:_:_:)``), `width` to a row, separated by
  /// `delimiter` and ended by a newline or CRLF, stored at `output` while `room` holds a whole
  /// row: the bulk of a machine-written file, in a loop small enough to keep its state in
  /// registers. It stops at the first row that is anything else, after that row's leading plain
  /// numbers (`partial` of them, stored too); `p` is then where the general loop goes on.
  @inline(never)
  static func plainRows(
    _ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ output: UnsafeMutablePointer<Double>,
    room: Int, width: Int, delimiter: UInt8
  ) -> (stored: Int, rows: Int, partial: Int, partialRowStart: UnsafePointer<UInt8>) {
    var cursor = p
    var row = output
    let last = output + room
    var rows = 0
    while last - row >= width {
      let rowStart = cursor
      var fields = 0
      var complete = false
      while true {
        let numberStart = cursor
        var value = 0.0
        if !FloatParser.scanPlain(&cursor, end, &value) {
          // Another form (`1e-05`, long mantissas): read here, so that the rest of the row stays
          // in this loop; what is not a number goes to the general loop.
          guard FloatParser.scanOther(&cursor, end, &value) == .ok, end - cursor >= 2 else {
            cursor = numberStart
            break
          }
        }
        row[fields] = value
        fields &+= 1
        // In bounds: a plain number takes at most 33 of the 40 bytes it needs before `end`, and
        // other numbers are checked above.
        let byte = cursor.pointee
        if byte == delimiter && fields < width {
          cursor += 1
          continue
        }
        if fields == width {
          if byte == 0x0A {
            cursor += 1
            complete = true
            break
          }
          if byte == 0x0D && cursor[1] == 0x0A {
            cursor += 2
            complete = true
            break
          }
        }
        // Not a plain ending: the general loop reads this number again.
        cursor = numberStart
        fields &-= 1
        break
      }
      guard complete else {
        p = cursor
        return (row - output + fields, rows, fields, rowStart)
      }
      row += width
      rows &+= 1
    }
    p = cursor
    return (row - output, rows, 0, cursor)
  }

  // MARK: - Slow paths: fields, messages, positions

  /// The fields of one line `from..<to` as byte ranges, blanks trimmed.
  static func splitFields(_ base: UnsafePointer<UInt8>, from: Int, to: Int, _ dialect: Dialect) -> [Range<Int>] {
    var end = to
    if end > from && base[end - 1] == 0x0A { end -= 1 }
    var fields: [Range<Int>] = []
    var p = from
    while p < end && dialect.isBlank(base[p]) { p += 1 }
    if dialect.spaceMode {
      while p < end {
        let start = p
        while p < end && !dialect.isBlank(base[p]) { p += 1 }
        fields.append(start..<p)
        while p < end && dialect.isBlank(base[p]) { p += 1 }
      }
      return fields
    }
    while true {
      let start = p
      while p < end && base[p] != dialect.delimiter { p += 1 }
      var stop = p
      while stop > start && dialect.isBlank(base[stop - 1]) { stop -= 1 }
      fields.append(start..<stop)
      if p >= end { break }
      p += 1
      while p < end && dialect.isBlank(base[p]) { p += 1 }
    }
    return fields
  }

  /// The field that starts at `offset`: up to the delimiter (or blank, in space mode) or line end,
  /// or its closing quote. A message shows the field's first bytes only: never scan further than
  /// 4 KiB (a field may be gigabytes); a quoted field cut there is not called unterminated.
  static func field(at offset: Int, _ buffer: UnsafeBufferPointer<UInt8>, _ dialect: Dialect) -> TextField {
    guard let base = buffer.baseAddress, offset < buffer.count else {
      return TextField(start: offset, content: offset..<offset)
    }
    let end = min(buffer.count, offset + 4096)
    var field = scanField(base, at: offset, end: end, dialect).field
    if field.unterminated && end < buffer.count && field.content.upperBound == end { field.unterminated = false }
    return field
  }

  /// Whether the field at `offset`, where the plain path stopped, is one the general path reads:
  /// quoted, or a boolean.
  static func callsForGeneralPath(_ offset: Int, _ buffer: UnsafeBufferPointer<UInt8>, _ dialect: Dialect) -> Bool {
    guard let base = buffer.baseAddress else { return false }
    var p = offset
    while p < buffer.count && p < offset + 4096 && dialect.isBlank(base[p]) { p += 1 }
    guard p < buffer.count else { return false }
    if base[p] == UInt8(ascii: "\"") { return true }
    return boolean(base, field(at: p, buffer, dialect).content) != nil
  }

  /// Whether a field begins as a decimal number does: a digit, or a sign or point followed by one.
  static func startsLikeNumber(_ base: UnsafePointer<UInt8>, _ field: Range<Int>) -> Bool {
    func isDigit(_ p: Int) -> Bool { p < field.upperBound && base[p] >= 0x30 && base[p] <= 0x39 }
    var p = field.lowerBound
    if p < field.upperBound && (base[p] == UInt8(ascii: "+") || base[p] == UInt8(ascii: "-")) { p += 1 }
    if p < field.upperBound && base[p] == UInt8(ascii: ".") { p += 1 }
    return isDigit(p)
  }

  static func classify(_ base: UnsafePointer<UInt8>, _ field: Range<Int>) -> FloatParser.Status {
    guard !field.isEmpty else { return .invalid }
    var cursor = base + field.lowerBound
    let end = base + field.upperBound
    var value = 0.0
    let status = FloatParser.scanInline(&cursor, end, &value)
    if status == .ok && cursor != end { return .invalid }
    return status
  }

  static func describe(
    _ failure: Failure, _ buffer: UnsafeBufferPointer<UInt8>, _ label: String, _ dialect: Dialect,
    expected: Int?, reference: Int
  ) -> InputError {
    switch failure {
    case .memory:
      return InputError(label: label, message: DoubleBuffer.memoryMessage)
    case .ragged(let row, let found):
      let referenceLine = ByteScanner.position(of: reference, in: buffer).line
      let want = expected ?? 0
      var hint = ""
      if let base = buffer.baseAddress {
        let line = UnsafeBufferPointer(
          start: base + row, count: ByteScanner.nextLine(base, from: row, end: min(buffer.count, row + 4096)) - row)
        hint = delimiterHint(line, dialect, lineHasComma: line.contains(UInt8(ascii: ",")))
      }
      return ByteScanner.error(
        "expected \(want) field\(want == 1 ? "" : "s") (as on line \(referenceLine)), found \(found)" + hint,
        at: row, in: buffer, label: label)
    case .field(let offset):
      let field = field(at: offset, buffer, dialect)
      guard let base = buffer.baseAddress else {
        return ByteScanner.error("expected a number, found an empty field", at: offset, in: buffer, label: label)
      }
      let content = buffer[field.content]
      let text = ByteScanner.quoted(content)
      func error(_ message: String) -> InputError { ByteScanner.error(message, at: offset, in: buffer, label: label) }
      if field.unterminated {
        return error(
          "a quoted field has no closing quote on its line: "
            + ByteScanner.quoted(buffer[field.start..<field.content.upperBound]))
      }
      if field.content.isEmpty {
        return error(
          "missing value: an empty field (pandas writes NaN so; drop or fill missing values first, or write them "
            + "with to_csv(na_rep='nan') to read NaN)")
      }
      if isMissingMarker(base, field.content) {
        return error("missing value \(text) (drop or fill missing values first, e.g. df.dropna() or df.fillna(0))")
      }
      var value = 0.0
      if !field.escaped && convert(base, field.content, dialect, &value) == .outOfRange {
        return error("number out of range: \(text)")
      }
      // The line around the field (a bounded window of it) for the hints.
      let lineStart = max(ByteScanner.lineStart(base, before: offset, limit: 4096), 0)
      let lineEnd = ByteScanner.nextLine(base, from: offset, end: min(buffer.count, offset + 4096))
      let line = UnsafeBufferPointer(start: base + lineStart, count: lineEnd - lineStart)
      var hint = delimiterHint(content, dialect, lineHasComma: line.contains(UInt8(ascii: ",")))
      if hint.isEmpty && dialect.decimalComma && content.contains(UInt8(ascii: ".")) {
        hint = " (with --decimal , a number has a decimal comma, and no point)"
      } else if hint.isEmpty && !dialect.decimalComma && dialect.delimiter != UInt8(ascii: ",")
        && content.contains(UInt8(ascii: ",")) && startsLikeNumber(base, field.content)
      {
        hint = " (decimal commas? try --decimal ,)"
      }
      return error("expected a number, found \(text)" + hint)
    }
  }

  /// The position of element `index` (row-major), found by re-scanning the text.
  static func locate(_ index: Int, in buffer: UnsafeBufferPointer<UInt8>, layout: Layout) -> (line: Int, column: Int)? {
    guard let base = buffer.baseAddress, index >= 0, layout.columns > 0 else { return nil }
    let row = index / layout.columns
    let column = index % layout.columns
    var p = layout.bodyStart
    var dataRow = 0
    while p < buffer.count {
      let lineEnd = ByteScanner.nextLine(base, from: p, end: buffer.count)
      var q = p
      while q < lineEnd && layout.dialect.isBlank(base[q]) { q += 1 }
      if q < lineEnd && base[q] != 0x0A && base[q] != UInt8(ascii: "#") {
        if dataRow == row {
          let fields = splitRecord(base, from: p, to: lineEnd, layout.dialect)
          let field = layout.selected ?? (layout.firstField + column)
          guard field < fields.count else { return nil }
          return ByteScanner.position(of: fields[field].start, in: buffer)
        }
        dataRow += 1
      }
      p = lineEnd
    }
    return nil
  }
}
