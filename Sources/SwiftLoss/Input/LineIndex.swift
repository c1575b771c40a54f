#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The lines of a byte range, with the start of every ``stride``-th one recorded: a line found
/// by its number is then at most `stride - 1` newlines away from a known start. The range starts
/// at a line start; a last line without a newline counts.
struct LineIndex {
  static let stride = 64

  let start: Int
  let end: Int
  private(set) var lines = 0
  /// `marks[j]` is where line `j · stride` starts.
  private var marks: [Int]

  init(_ base: UnsafePointer<UInt8>, from: Int, to: Int) {
    start = from
    end = to
    marks = [from]
    guard to > from else { return }
    var newlines = 0
    var p = from
    while p < to, let hit = memchr(base + p, 0x0A, to - p) {
      newlines += 1
      p = UnsafeRawPointer(hit) - UnsafeRawPointer(base) + 1
      if newlines % Self.stride == 0 && p < to { marks.append(p) }
    }
    lines = base[to - 1] == 0x0A ? newlines : newlines + 1
  }

  /// Where line `line` (0-based, `0...lines`) starts; `end` for `lines`.
  func offset(ofLine line: Int, _ base: UnsafePointer<UInt8>) -> Int {
    guard line < lines else { return end }
    var p = marks[line / Self.stride]
    for _ in 0..<(line % Self.stride) { p = ByteScanner.nextLine(base, from: p, end: end) }
    return p
  }
}
