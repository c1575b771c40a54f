/// The tables inside teaching lines (a trace's elementwise table, its per-sample rows): cells
/// joined by a separator no number or label contains, so that whoever lays the lines out (the
/// terminal text, the lesson page) can align them as a table or list them row by row.
public enum TraceTable {
  /// Separates the cells of a table row inside a teaching line.
  static let cellSeparator: Character = "\u{1F}"

  /// A table as lines for a teaching text that is laid out later: cells joined by the cell
  /// separator, so that the terminal text or the lesson page can align it or list it.
  public static func rows(_ table: [[String]]) -> [String] {
    table.map { $0.joined(separator: String(cellSeparator)) }
  }

  /// Whether a line is a row made by ``rows(_:)``.
  public static func isRow(_ line: String) -> Bool { line.contains(cellSeparator) }

  /// The cells of a table row (without the line's indent).
  public static func cells(_ line: String) -> [String] {
    line.drop { $0 == " " }.split(separator: cellSeparator, omittingEmptySubsequences: false).map(String.init)
  }
}
