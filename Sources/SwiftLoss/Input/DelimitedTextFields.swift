/// The field-level rules of delimited text as pandas, numpy, R and spreadsheets write it, off the
/// hot loops: RFC 4180 quoting, booleans, missing-value markers, decimal commas. The fast loops
/// (``DelimitedTextReader/plainRows(_:_:_:room:width:delimiter:)``) read plain numbers only;
/// everything here runs for headers, for the general path (``DelimitedTextReader/parseGeneralChunk``)
/// and for messages.
extension DelimitedTextReader {
  /// One field of a record, as byte offsets into the buffer.
  struct TextField {
    /// Where the field starts (its opening quote, for a quoted field), blanks skipped.
    var start: Int
    /// The text without quotes and surrounding blanks.
    var content: Range<Int>
    var quoted = false
    /// A quoted field holding `""` (an escaped quote): its content is not a number.
    var escaped = false
    /// A quoted field without its closing quote on the same line.
    var unterminated = false
  }

  /// The fields of the line `from..<to` (a trailing newline is ignored), quote-aware: a field in
  /// double quotes may hold the delimiter; `""` inside quotes is one quote.
  static func splitRecord(_ base: UnsafePointer<UInt8>, from: Int, to: Int, _ dialect: Dialect) -> [TextField] {
    var fields: [TextField] = []
    forEachField(base, from: from, to: to, dialect) { field in
      fields.append(field)
      return true
    }
    return fields
  }

  /// Calls `body` with each field of the line `from..<to` in turn (see ``splitRecord``) until it
  /// returns false.
  static func forEachField(
    _ base: UnsafePointer<UInt8>, from: Int, to: Int, _ dialect: Dialect, _ body: (TextField) -> Bool
  ) {
    var end = to
    if end > from && base[end - 1] == 0x0A { end -= 1 }
    var p = from
    while p < end && dialect.isBlank(base[p]) { p += 1 }
    if dialect.spaceMode && p == end { return }
    while true {
      let scanned = scanField(base, at: p, end: end, dialect)
      guard body(scanned.field) else { return }
      p = scanned.next
      while p < end && dialect.isBlank(base[p]) { p += 1 }
      if p >= end { return }
      if dialect.spaceMode { continue }
      // Text glued to a closing quote (`"1"x`) belongs to that field for counting.
      while p < end && base[p] != dialect.delimiter { p += 1 }
      if p >= end { return }
      p += 1
      while p < end && dialect.isBlank(base[p]) { p += 1 }
      if p >= end {
        _ = body(TextField(start: p, content: p..<p))
        return
      }
    }
  }

  /// The field at `p` (blanks before it already skipped), up to the delimiter (or a blank, in
  /// space mode), the line end or `end`; `next` is the offset just after it (its closing quote, or
  /// the last byte of its text).
  @inline(__always)
  static func scanField(
    _ base: UnsafePointer<UInt8>, at start: Int, end: Int, _ dialect: Dialect
  ) -> (field: TextField, next: Int) {
    var p = start
    if p < end && base[p] == UInt8(ascii: "\"") {
      p += 1
      var escaped = false
      while p < end {
        let byte = base[p]
        if byte == UInt8(ascii: "\"") {
          if p + 1 < end && base[p + 1] == UInt8(ascii: "\"") {
            escaped = true
            p += 2
            continue
          }
          var low = start + 1, high = p
          while low < high && dialect.isBlank(base[low]) { low += 1 }
          while high > low && dialect.isBlank(base[high - 1]) { high -= 1 }
          return (TextField(start: start, content: low..<high, quoted: true, escaped: escaped), p + 1)
        }
        if byte == 0x0A { break }
        p += 1
      }
      return (TextField(start: start, content: (start + 1)..<p, quoted: true, escaped: escaped, unterminated: true), p)
    }
    while p < end {
      let byte = base[p]
      if byte == 0x0A { break }
      if dialect.spaceMode ? dialect.isBlank(byte) : byte == dialect.delimiter { break }
      p += 1
    }
    var stop = p
    while stop > start && dialect.isBlank(base[stop - 1]) { stop -= 1 }
    return (TextField(start: start, content: start..<stop), p)
  }

  /// What a field holds, for the header rule and for messages.
  enum FieldKind: Equatable {
    /// A number (or `True`/`False`), as the general path reads it.
    case number
    /// A missing-value marker or an empty field.
    case missing
    /// Text that starts like a number (`1.5.3`, `-2x`): a malformed number, never a column name.
    case malformedNumber
    case text
  }

  static func kind(of field: TextField, _ base: UnsafePointer<UInt8>, _ dialect: Dialect) -> FieldKind {
    var value = 0.0
    if !field.escaped && !field.unterminated && convert(base, field.content, dialect, &value) == .ok { return .number }
    if isMissingMarker(base, field.content) { return .missing }
    return startsLikeNumber(base, field.content) ? .malformedNumber : .text
  }

  /// Reads a field's text (no quotes, blanks trimmed) as a number: ``FloatParser`` syntax, with
  /// a decimal comma instead of the point when the dialect says so, or `True`/`False` in any case.
  @inline(__always)
  static func convert(
    _ base: UnsafePointer<UInt8>, _ content: Range<Int>, _ dialect: Dialect, _ value: inout Double
  ) -> FloatParser.Status {
    guard !content.isEmpty else { return .invalid }
    var status = FloatParser.Status.invalid
    if dialect.decimalComma {
      status = convertDecimalComma(base, content, &value)
    } else {
      var cursor = base + content.lowerBound
      let end = base + content.upperBound
      status = FloatParser.scanInline(&cursor, end, &value)
      if status == .ok && cursor != end { status = .invalid }
    }
    if status == .invalid, let truth = boolean(base, content) {
      value = truth ? 1 : 0
      return .ok
    }
    return status
  }

  /// `1,5` as 1.5: the field copied with its one comma made a point. A field that holds a point
  /// is not a decimal-comma number (it could be a thousands separator).
  static func convertDecimalComma(
    _ base: UnsafePointer<UInt8>, _ content: Range<Int>, _ value: inout Double
  ) -> FloatParser.Status {
    let count = content.count
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { copy -> FloatParser.Status in
      guard let target = copy.baseAddress else { return .invalid }
      var commas = 0
      for k in 0..<count {
        let byte = base[content.lowerBound + k]
        if byte == UInt8(ascii: ".") { return .invalid }
        if byte == UInt8(ascii: ",") { commas += 1 }
        target[k] = byte == UInt8(ascii: ",") ? UInt8(ascii: ".") : byte
      }
      guard commas <= 1 else { return .invalid }
      var cursor = UnsafePointer(target)
      let end = cursor + count
      let status = FloatParser.scanInline(&cursor, end, &value)
      return status == .ok && cursor != end ? .invalid : status
    }
  }

  /// `True`/`False` in any case (what pandas writes for booleans): true, false, or nil.
  static func boolean(_ base: UnsafePointer<UInt8>, _ content: Range<Int>) -> Bool? {
    if matches(base, content, "true") { return true }
    if matches(base, content, "false") { return false }
    return nil
  }

  /// What pandas, R, SQL exports and spreadsheets write for a missing value, compared in any case
  /// (an empty field too: pandas writes NaN that way). `nan` is not here: it is a number.
  static let missingMarkers = ["na", "n/a", "null", "none", "?", "-", "<na>", "#n/a", "#na", "nat", "#n/a n/a"]

  static func isMissingMarker(_ base: UnsafePointer<UInt8>, _ content: Range<Int>) -> Bool {
    content.isEmpty || missingMarkers.contains { matches(base, content, $0) }
  }

  /// Whether the line at `p` (its first non-blank byte, a `#`) is a spreadsheet's `#N/A`, which
  /// is a missing value and not a comment.
  static func isMissingMarkerLine(_ base: UnsafePointer<UInt8>, at p: Int, end: Int, _ dialect: Dialect) -> Bool {
    let field = scanField(base, at: p, end: end, dialect).field
    return field.content.count <= 8 && isMissingMarker(base, field.content) && !field.content.isEmpty
  }

  /// Whether the bytes equal `word` (lower-case ASCII) in any case.
  static func matches(_ base: UnsafePointer<UInt8>, _ content: Range<Int>, _ word: String) -> Bool {
    let letters = Array(word.utf8)
    guard content.count == letters.count else { return false }
    for k in 0..<content.count {
      var byte = base[content.lowerBound + k]
      if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { byte |= 0x20 }
      if byte != letters[k] { return false }
    }
    return true
  }

  /// A header field that names a pandas index rather than a data column: empty (`df.to_csv()`,
  /// R's `write.csv` writes `""`), or `Unnamed: 0`, which pandas makes of that empty name when
  /// such a file is read and saved again.
  static func isIndexName(_ base: UnsafePointer<UInt8>, _ field: TextField) -> Bool {
    if field.content.isEmpty { return true }
    let name = String(
      decoding: UnsafeBufferPointer(start: base + field.content.lowerBound, count: field.content.count),
      as: UTF8.self
    ).lowercased()
    guard name.hasPrefix("unnamed:") else { return false }
    let number = name.dropFirst("unnamed:".count).drop { $0 == " " }
    return !number.isEmpty && number.allSatisfy { $0 >= "0" && $0 <= "9" }
  }

  /// A header field's text, its `""` escapes undone.
  static func text(of field: TextField, _ base: UnsafePointer<UInt8>) -> String {
    // A name is for matching and messages: its first 1000 bytes (a header field may be huge).
    let bytes = UnsafeBufferPointer(start: base + field.content.lowerBound, count: min(field.content.count, 1000))
    let text = String(decoding: bytes, as: UTF8.self)
    return field.escaped ? text.replacing("\"\"", with: "\"") : text
  }

  /// The hint for a field that holds a likely delimiter other than the one in use, e.g.
  /// ` (is the delimiter ';'? try --delimiter ';')`; "" when there is none.
  static func delimiterHint(_ bytes: some Collection<UInt8>, _ dialect: Dialect, lineHasComma: Bool) -> String {
    for (byte, shown, option) in [
      (UInt8(ascii: ";"), "';'", "--delimiter ';'"), (UInt8(ascii: "|"), "'|'", "--delimiter '|'"),
      (UInt8(0x09), "a tab", "--delimiter tab"),
    ] where byte != dialect.delimiter && bytes.contains(byte) {
      let decimal =
        byte == UInt8(ascii: ";") && lineHasComma && !dialect.decimalComma
        ? ", with --decimal , if commas are decimal points" : ""
      return " (is the delimiter \(shown)? try \(option)\(decimal))"
    }
    return ""
  }
}
