/// The general path of the delimited-text reader: files that are not rows of plain numbers —
/// a pandas index column, quoted fields, booleans, decimal commas — and a selected column. The
/// plain path is tried first for files whose header does not call for this one, and hands over
/// when it meets a quote or a boolean; the values, and the first error in file order, are the
/// same either way.
extension DelimitedTextReader {
  /// How the rows of one file are read, decided from its header (or first row) and the options.
  struct Plan: Sendable {
    var dialect: Dialect
    /// Leading fields of every row that are an index (pandas' unnamed index), not data.
    var indexColumns = 0
    /// The one field read (0-based, index columns counted), when a column is selected.
    var selected: Int?
    /// Fields of a row, index columns included.
    var width: Int

    /// Values stored per row.
    var valuesPerRow: Int { selected != nil ? 1 : max(0, width - indexColumns) }
  }

  /// Resolves a column selector against the header: the 0-based field, or an error that lists the
  /// columns there are.
  static func resolve(
    _ selector: ColumnSelector, body: Body, _ buffer: UnsafeBufferPointer<UInt8>, label: String
  ) throws(InputError) -> Int {
    let names = body.names
    let line = body.header.map { ByteScanner.position(of: $0.start, in: buffer).line }
    func columnList() -> String {
      guard let names else { return "\(body.width) unnamed column\(body.width == 1 ? "" : "s") (no header)" }
      let shown = names.prefix(12).enumerated().map { k, name in
        k < body.indexColumns ? "#\(k + 1) (index)" : "#\(k + 1) \"\(name)\""
      }
      return shown.joined(separator: ", ") + (names.count > 12 ? ", ... (\(names.count) columns)" : "")
    }
    switch selector {
    case .number(let number):
      guard number >= 1 && number <= body.width else {
        throw InputError(
          label: label, line: line,
          message: "no column #\(number): the columns are \(columnList())")
      }
      guard number > body.indexColumns else {
        throw InputError(
          label: label, line: line,
          message: "column #\(number) is the index pandas wrote (an empty header field), not data; the columns are "
            + columnList())
      }
      return number - 1
    case .name(let name):
      guard let names else {
        throw InputError(
          label: label,
          message:
            "no column named \"\(name)\": the file has no header row; select a column by number (#1 to #\(body.width))")
      }
      let matches = names.indices.filter { $0 >= body.indexColumns && names[$0] == name }
      guard let first = matches.first else {
        throw InputError(
          label: label, line: line, message: "no column named \"\(name)\": the columns are \(columnList())")
      }
      guard matches.count == 1 else {
        throw InputError(
          label: label, line: line,
          message: "\(matches.count) columns are named \"\(name)\"; select one by number: "
            + matches.map { "#\($0 + 1)" }.joined(separator: ", "))
      }
      return first
    }
  }

  /// Parses the body on the general path (in concurrent chunks when large).
  static func parseGeneral(
    _ buffer: UnsafeBufferPointer<UInt8>, label: String, plan: Plan, body: Body, parallel: Bool, mapped: Bool
  ) throws(InputError) -> ([Double], [Int], Layout) {
    guard let base = buffer.baseAddress else { throw InputError(label: label, message: "no numbers") }
    let count = buffer.count
    let bodyLength = count - body.bodyStart
    // Binary-looking input (a NUL among spread samples) is parsed from the front only (see parsePlain).
    let binaryLooking = bodyLength > parallelThreshold && ByteScanner.sampledNUL(base, from: body.bodyStart, to: count)
    let split = parallel && bodyLength > parallelThreshold && bodyLength / 2 < Shape.maxElementCount && !binaryLooking
    let bounds = split ? chunkBounds(base, from: body.bodyStart, to: count) : [body.bodyStart, count]
    let chunkCount = bounds.count - 1
    let perRow = max(1, plan.valuesPerRow)
    let rowBytes = max(2, body.rowBytes)
    func capacity(_ k: Int) -> Int { (bounds[k + 1] - bounds[k]) / rowBytes * perRow + perRow + 16 }
    var results: [ChunkResult]
    if chunkCount == 1 {
      results = [parseGeneralChunk(base, from: body.bodyStart, to: count, plan, capacity: capacity(0))]
    } else {
      let parsed = UnsafeMutableBufferPointer<ChunkResult>.allocate(capacity: chunkCount)
      let shared = (bytes: UnsafeSharedReadBuffer(start: base, count: count), parsed: UnsafeSharedBuffer(parsed))
      let capacities = (0..<chunkCount).map(capacity)
      Parallel.perform(iterations: chunkCount) { k in
        let result = parseGeneralChunk(
          shared.bytes.base, from: bounds[k], to: bounds[k + 1], plan, capacity: capacities[k])
        shared.parsed.initializeElement(at: k, to: result)
        if mapped {
          InputBytes.dropPages(shared.bytes.base + bounds[k], count: bounds[k + 1] - bounds[k])
        }
      }
      results = Array(parsed)
      parsed.deinitialize()
      parsed.deallocate()
    }
    defer { for k in results.indices { results[k].values.free() } }
    let (total, rows, _) = try stitch(results, header: body.header, buffer, label, plan.dialect)
    let (expectedTotal, overflow) = rows.multipliedReportingOverflow(by: plan.valuesPerRow)
    guard !overflow, total == expectedTotal, plan.valuesPerRow > 0 else {
      throw InputError(label: label, message: "no data columns (only the index pandas wrote)")
    }
    try LargeArray.reserve(doubles: total, reading: label)
    var offsets: [Int] = []
    var running = 0
    for result in results {
      offsets.append(running)
      running += result.values.count
    }
    let storage = [Double](unsafeUninitializedCapacity: total) { destination, initialized in
      if let target = destination.baseAddress {
        for (k, result) in results.enumerated() { result.values.copy(into: target + offsets[k]) }
      }
      initialized = total
    }
    let columns = plan.valuesPerRow
    let shape = plan.selected != nil || columns == 1 ? [rows] : (rows == 1 ? [columns] : [rows, columns])
    let layout = Layout(
      dialect: plan.dialect, bodyStart: body.bodyStart, columns: columns, firstField: plan.indexColumns,
      selected: plan.selected)
    return (storage, shape, layout)
  }

  /// Parses the whole lines in `from..<to` on the general path: every field quote-aware, index
  /// fields and unselected fields skipped unread. `firstRowFields` counts all fields of a row.
  static func parseGeneralChunk(
    _ base: UnsafePointer<UInt8>, from: Int, to: Int, _ plan: Plan, capacity: Int
  ) -> ChunkResult {
    var result = ChunkResult(values: DoubleBuffer(capacity: capacity))
    let dialect = plan.dialect
    let delimiter = dialect.delimiter
    let plainDelimiter = !dialect.spaceMode && !dialect.decimalComma
    let perRow = plan.valuesPerRow
    var expected = -1
    var rows = 0
    var failure: Failure?
    var p = from
    lines: while p < to {
      // The common rows in loops of their own, once the width is known.
      if plainDelimiter && expected > 0 {
        if let selected = plan.selected {
          rows &+= selectedColumnRows(
            base, &p, to, &result.values, field: selected, width: expected, delimiter: delimiter)
        } else if plan.indexColumns > 0 {
          rows &+= indexedRows(
            base, &p, to, &result.values, skip: plan.indexColumns, width: perRow, delimiter: delimiter)
        }
        if p >= to { break }
      }
      let lineStart = p
      while p < to && dialect.isBlank(base[p]) { p += 1 }
      if p == to { break }
      if base[p] == 0x0A {
        p += 1
        continue
      }
      if base[p] == UInt8(ascii: "#") {
        if isMissingMarkerLine(base, at: p, end: to, dialect) {
          failure = .field(p)
          break lines
        }
        p = ByteScanner.nextLine(base, from: p, end: to)
        continue
      }
      var fields = 0
      while true {
        let fieldStart = p
        let (field, next) = scanField(base, at: p, end: to, dialect)
        if field.unterminated {
          failure = .field(fieldStart)
          break lines
        }
        if fields >= plan.indexColumns && (plan.selected == nil || plan.selected == fields) {
          var value = 0.0
          guard !field.escaped, convert(base, field.content, dialect, &value) == .ok else {
            failure = .field(fieldStart)
            break lines
          }
          result.values.append(value)
        }
        fields &+= 1
        p = next
        let afterField = p
        while p < to && dialect.isBlank(base[p]) { p += 1 }
        if p == to { break }
        let byte = base[p]
        if byte == 0x0A {
          p += 1
          break
        }
        if dialect.spaceMode && p > afterField { continue }
        if !dialect.spaceMode && byte == delimiter {
          p += 1
          while p < to && dialect.isBlank(base[p]) { p += 1 }
          continue
        }
        // Text after a closing quote (`"1"x`).
        failure = .field(fieldStart)
        break lines
      }
      if expected < 0 {
        expected = fields
        result.firstRowFields = fields
        result.firstRowStart = lineStart
      } else if fields != expected {
        failure = .ragged(row: lineStart, found: fields)
        break lines
      }
      rows &+= 1
    }
    result.rows = rows
    result.failure = failure
    if failure == nil && result.values.failed { result.failure = .memory }
    return result
  }

  /// Rows whose field `field` (0-based) is a plain number and whose other fields hold no quote,
  /// `width` fields to a row: that number stored, the other fields skipped by a byte scan. Stops
  /// (at the start of the row) at anything else — a blank or comment line, a quote, blanks around
  /// the number, a ragged row — which the general loop then reads. Returns the rows stored.
  @inline(never)
  static func selectedColumnRows(
    _ base: UnsafePointer<UInt8>, _ position: inout Int, _ end: Int, _ values: inout DoubleBuffer,
    field: Int, width: Int, delimiter: UInt8
  ) -> Int {
    var p = position
    var rows = 0
    let endPointer = base + end
    rowLoop: while p < end {
      let first = base[p]
      if first == 0x0A || first == UInt8(ascii: "#") || first == 0x20 || first == 0x09 || first == 0x0D { break }
      var q = p
      var skipped = 0
      while skipped < field {
        guard q < end else { break rowLoop }
        let byte = base[q]
        if byte == delimiter {
          skipped &+= 1
        } else if byte == 0x0A || byte == UInt8(ascii: "\"") {
          break rowLoop
        }
        q &+= 1
      }
      var cursor = base + q
      var value = 0.0
      guard q < end, FloatParser.scanInline(&cursor, endPointer, &value) == .ok else { break }
      q = cursor - base
      var fields = field + 1
      if q < end {
        let next = base[q]
        if next == 0x0D {
          guard q + 1 < end, base[q + 1] == 0x0A else { break }
        } else if next != delimiter && next != 0x0A {
          break
        }
      }
      while q < end {
        let byte = base[q]
        q &+= 1
        if byte == delimiter {
          fields &+= 1
        } else if byte == 0x0A {
          break
        } else if byte == UInt8(ascii: "\"") {
          break rowLoop
        }
      }
      guard fields == width else { break }
      values.append(value)
      guard !values.failed else { break }
      rows &+= 1
      p = q
    }
    position = p
    return rows
  }

  /// Rows of `skip` index fields (any unquoted text) and then `width` plain numbers: the index
  /// skipped by a byte scan, the numbers read by ``plainRows(_:_:_:room:width:delimiter:)``. Stops
  /// at the start of any other row. Returns the rows stored.
  @inline(never)
  static func indexedRows(
    _ base: UnsafePointer<UInt8>, _ position: inout Int, _ end: Int, _ values: inout DoubleBuffer,
    skip: Int, width: Int, delimiter: UInt8
  ) -> Int {
    var rows = 0
    while position < end {
      let first = base[position]
      if first == 0x0A || first == UInt8(ascii: "#") || first == 0x20 || first == 0x09 || first == 0x0D { break }
      var q = position
      var skipped = 0
      while skipped < skip && q < end {
        let byte = base[q]
        if byte == delimiter {
          skipped &+= 1
        } else if byte == 0x0A || byte == UInt8(ascii: "\"") {
          return rows
        }
        q &+= 1
      }
      guard skipped == skip, q < end else { return rows }
      var (next, room) = values.room
      if room < width {
        values.makeRoom(atLeast: width)
        (next, room) = values.room
      }
      guard let output = next, room >= width else { return rows }
      var cursor = base + q
      let run = plainRows(&cursor, base + end, output, room: width, width: width, delimiter: delimiter)
      guard run.rows == 1 else { return rows }
      values.commit(width)
      rows &+= 1
      position = cursor - base
    }
    return rows
  }
}
