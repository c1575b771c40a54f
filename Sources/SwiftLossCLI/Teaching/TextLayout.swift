import SwiftLoss

/// Text for people laid out to a width: words wrapped at spaces (never inside a word; a single
/// word longer than the width stays whole and overflows), two-column tables whose right column
/// wraps, and aligned tables that fall back to one line per row ("a: b = 1, c = 2") when they are
/// too wide. Every teaching text (`--help`, `help LOSS`, `list`, `explain`, `--explain`,
/// `--check-grad`, `plot`) goes through here; the front end supplies the width (the terminal's,
/// `COLUMNS`, or ``defaultWidth``).
///
/// Widths count characters: every character swiftloss prints for people is one column wide
/// (``allowedCharacters`` lists them; a test keeps the output inside that list).
enum TextLayout {
  /// The width when the output is not a terminal and `COLUMNS` is not set.
  static let defaultWidth = 80
  /// The narrowest width laid out; a smaller one is raised to it (a table needs some room).
  static let minimumWidth = 20

  /// The characters beyond printable ASCII that text for people may use: those that DejaVu Sans
  /// Mono and the Linux console's default Unicode fonts (console-setup's Uni2 set in its Fixed,
  /// Terminus and VGA faces) all have, as `Scripts/teaching-charset.py` computes from the font
  /// files. Not among them: subscripts (ₙ, ᵢ, ⱼ, U+A700), ℓ, ∂, ∑, ′, braille. So formulas write
  /// `l_n`, `dl/dx`, `Σ`, `'`, and the terminal plot draws with `¯ - _ │`.
  static let allowedCharacters: Set<Character> = Set(
    "§°±²³·¹½×÷¯ΓΔΘΛΞΠΣΦΨΩαβγδεζηθικλμνξπρστυφχψω–—‖‘’“”•…ⁿ←→∅∈−√∞≈≠≤≥─━│┃┌┐└┘├┤┬┴┼█░▒●")

  /// Whether `character` may appear in text for people: printable ASCII, a newline, or the list
  /// above.
  static func isAllowed(_ character: Character) -> Bool {
    guard let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1 else { return false }
    if scalar.value == 10 || (32...126).contains(scalar.value) { return true }
    return allowedCharacters.contains(character)
  }

  /// `text` with the characters outside the fonts spelled in ones inside them: subscripts as
  /// `_n` (`ℓₙ` → `l_n`, `w꜀` → `w_c`), `∂` as `d`, `∑` as `Σ`, primes as `'`, and `∀`, `∇`, `∉`,
  /// `⋯`, `↔`, `⇒` in words or ASCII. The teaching text is written this way already; this keeps
  /// text from elsewhere (a new loss's notes) inside the fonts too.
  static func fontSafe(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { $0.value > 126 }) else { return text }
    var out = ""
    var inSubscript = false
    for character in text {
      if let plain = subscripts[character] {
        if !inSubscript { out.append("_") }
        out += plain
        inSubscript = true
        continue
      }
      inSubscript = false
      if let spelled = spellings[character] { out += spelled } else { out.append(character) }
    }
    return out
  }

  static let subscripts: [Character: String] = [
    "ₙ": "n", "ᵢ": "i", "ⱼ": "j", "\u{A700}": "c", "ₚ": "p", "ₛ": "s", "ₜ": "t", "ₖ": "k", "ₘ": "m", "ₐ": "a",
    "ₑ": "e", "ₒ": "o", "ₓ": "x", "ₕ": "h", "ₗ": "l", "ᵣ": "r", "ᵤ": "u", "ᵥ": "v", "₋": "-", "₊": "+", "₀": "0",
    "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6", "₇": "7", "₈": "8", "₉": "9",
  ]
  static let spellings: [Character: String] = [
    "ℓ": "l", "∂": "d", "∑": "Σ", "′": "'", "″": "''", "‴": "'''", "∀": "for all ", "∇": "grad ", "∉": " not in ",
    "⋯": "...", "↔": "<->", "⇒": "=>", "ᵀ": "^T",
  ]

  /// The columns `text` takes (one per character; see the type's note).
  static func columns(_ text: some StringProtocol) -> Int { text.count }

  /// `text` wrapped to `width`: the first line starts with `firstPrefix`, the others with `prefix`.
  /// A run of spaces between two words on one line is kept (formulas space their parts apart).
  static func wrap(_ text: String, width: Int, firstPrefix: String = "", prefix: String = "") -> [String] {
    var lines: [String] = []
    var current = firstPrefix
    var currentWidth = columns(firstPrefix)
    var empty = true
    for (gap, word) in words(text) {
      let wordWidth = columns(word)
      // A label prefix ("names: ") with a first word too long to follow it: the label alone.
      if empty && currentWidth + wordWidth > width && current.contains(where: { $0 != " " }) {
        lines.append(current.trimmingTrailingSpaces())
        current = prefix
        currentWidth = columns(prefix)
      }
      if !empty && currentWidth + gap + wordWidth > width {
        lines.append(current)
        current = prefix
        currentWidth = columns(prefix)
        empty = true
      }
      if !empty { current += String(repeating: " ", count: gap) }
      current += word
      currentWidth += (empty ? 0 : gap) + wordWidth
      empty = false
    }
    if !empty || lines.isEmpty { lines.append(current.trimmingTrailingSpaces()) }
    return lines
  }

  /// The words of `text`, each with the number of spaces before it.
  static func words(_ text: String) -> [(gap: Int, word: Substring)] {
    var result: [(Int, Substring)] = []
    var index = text.startIndex
    while index < text.endIndex {
      var gap = 0
      while index < text.endIndex, text[index] == " " {
        gap += 1
        index = text.index(after: index)
      }
      guard index < text.endIndex else { break }
      let start = index
      while index < text.endIndex, text[index] != " " { index = text.index(after: index) }
      result.append((gap, text[start..<index]))
    }
    return result
  }

  /// One line made to fit: kept whole when it fits, else wrapped at spaces with its own indent
  /// for the first line and `hangingIndent` more for the rest.
  static func fit(_ line: String, width: Int, hangingIndent: Int = 2) -> [String] {
    if columns(line) <= width { return [line] }
    let indent = line.prefix { $0 == " " }.count
    let continuation = min(indent + hangingIndent, max(0, width / 2))
    return wrap(
      String(line.dropFirst(indent)), width: width, firstPrefix: String(repeating: " ", count: indent),
      prefix: String(repeating: " ", count: continuation))
  }

  /// Two aligned columns. The left column is as wide as its widest entry up to `maxLeft` (a wider
  /// entry puts its text on the next line); the right column wraps within the width. When less
  /// than `minimumRight` columns would be left for it, each row becomes the left entry on its own
  /// line with the text wrapped below it.
  static func columns(
    _ rows: [(String, String)], indent: Int, width: Int, maxLeft: Int = 30, minimumRight: Int = 24
  ) -> [String] {
    let pad = String(repeating: " ", count: indent)
    let leftWidth = min(maxLeft, rows.map { columns($0.0) }.max() ?? 0)
    let rightStart = indent + leftWidth + 2
    var lines: [String] = []
    guard width - rightStart >= minimumRight else {
      let below = String(repeating: " ", count: indent + 4)
      for (left, right) in rows {
        lines += fit(pad + left, width: width, hangingIndent: 4)
        if !right.isEmpty { lines += wrap(right, width: width, firstPrefix: below, prefix: below) }
      }
      return lines
    }
    let hanging = String(repeating: " ", count: rightStart)
    for (left, right) in rows {
      if columns(left) > leftWidth {
        lines += fit(pad + left, width: width, hangingIndent: 4)
        if !right.isEmpty { lines += wrap(right, width: width, firstPrefix: hanging, prefix: hanging) }
      } else {
        let first = pad + left + String(repeating: " ", count: leftWidth - columns(left) + 2)
        lines += wrap(right, width: width, firstPrefix: first, prefix: hanging)
      }
    }
    return lines
  }

  /// An aligned table (the first row is the header; cells right-aligned, two spaces apart), or,
  /// when it is wider than `width`, one line per data row: `first cell: header = cell, ...`.
  static func grid(_ table: [[String]], indent: Int, width: Int) -> [String] {
    guard let count = table.map(\.count).max(), count > 0 else { return [] }
    var widths = [Int](repeating: 0, count: count)
    for row in table { for (c, cell) in row.enumerated() { widths[c] = max(widths[c], columns(cell)) } }
    let pad = String(repeating: " ", count: indent)
    let total = indent + widths.reduce(0, +) + 2 * (count - 1)
    if total <= width {
      return table.map { row in
        let cells = row.enumerated().map { column, cell in
          String(repeating: " ", count: widths[column] - columns(cell)) + cell
        }
        return (pad + cells.joined(separator: "  ")).trimmingTrailingSpaces()
      }
    }
    guard let header = table.first else { return [] }
    var lines: [String] = []
    for row in table.dropFirst() {
      var parts: [String] = []
      for (c, cell) in row.enumerated().dropFirst() where !cell.isEmpty {
        let name = c < header.count ? header[c] : ""
        parts.append(name.isEmpty ? cell : "\(name) = \(cell)")
      }
      let head = row.first.map { $0.isEmpty ? "" : "\(header.first.map { $0 + " " } ?? "")\($0): " } ?? ""
      lines += fit(pad + head + parts.joined(separator: ", "), width: width, hangingIndent: 4)
    }
    return lines
  }

  /// Lines of teaching text laid out to `width`: runs of table rows become a table (or a list),
  /// every other line is fitted with a hanging indent.
  static func layout(_ lines: [String], width: Int) -> [String] {
    var out: [String] = []
    var index = 0
    while index < lines.count {
      let line = lines[index]
      guard TraceTable.isRow(line) else {
        out += fit(line, width: width)
        index += 1
        continue
      }
      let indent = line.prefix { $0 == " " }.count
      var table: [[String]] = []
      while index < lines.count, TraceTable.isRow(lines[index]) {
        table.append(TraceTable.cells(lines[index]))
        index += 1
      }
      out += grid(table, indent: indent, width: width)
    }
    return out
  }

  /// A whole text (lines joined by newlines) laid out to `width`.
  static func layout(text: String, width: Int) -> String {
    let lines = fontSafe(text).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let body = lines.last == "" ? Array(lines.dropLast()) : lines
    return layout(body, width: width).joined(separator: "\n") + "\n"
  }
}

extension String {
  /// The line without its trailing spaces (laid-out lines never end in blanks).
  func trimmingTrailingSpaces() -> String {
    var copy = self
    while copy.last == " " { copy.removeLast() }
    return copy
  }
}
