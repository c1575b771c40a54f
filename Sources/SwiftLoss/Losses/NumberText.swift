/// Formatting of single numbers in the spellings users compare against.
public enum NumberText {
  /// Python's `repr(float)`: shortest round-trip digits, `1.0`, `1e-06`, `inf`, `nan`.
  public static func python(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    let text = value.description
    // Swift switches to exponent form at 2^53, Python at 1e16; print integers below 1e16 in full.
    if abs(value) < 1e16, abs(value) >= 0x1p53, value == value.rounded() {
      return String(Int64(value)) + ".0"
    }
    return text
  }
}
