import SwiftLoss

/// Strict parsing of option values: `--margin abc`, `--ignore-index 2.5` and `--margin 0x10` are
/// usage errors that name the flag.
enum OptionParsing {
  /// A decimal or exponent float, or `nan`, `inf`, `infinity` in any case with an optional sign.
  /// No spaces, no hex, no `_`, and no overflow (`1e400` is refused, not read as infinity).
  static func strictDouble(_ text: String) -> Double? {
    var body = Substring(text)
    if let first = body.first, first == "+" || first == "-" { body = body.dropFirst() }
    switch body.lowercased() {
    case "nan": return .nan
    case "inf", "infinity": return text.hasPrefix("-") ? -.infinity : .infinity
    default: break
    }
    guard !body.isEmpty,
      body.utf8.allSatisfy({
        ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: ".")
          || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-")
      }),
      let value = Double(text), value.isFinite
    else { return nil }
    return value
  }

  /// Whether an operand reads as an inline number literal (`--target 3`).
  static func isNumber(_ text: String) -> Bool {
    strictDouble(text.trimmingSpaces()) != nil
  }

  /// The value of `spec` from its text.
  static func value(_ text: String, for spec: OptionSpec) throws(CommandError) -> OptionValue {
    switch spec.kind {
    case .double:
      guard let value = strictDouble(text) else {
        throw CommandError.usage("invalid value '\(text)' for \(spec.flag): expected a number")
      }
      return .double(value)
    case .int:
      guard let value = Int(text) else {
        throw CommandError.usage("invalid value '\(text)' for \(spec.flag): expected an integer")
      }
      return .int(value)
    case .bool:
      guard let value = ArgumentScanner.boolean(text) else {
        throw CommandError.usage("invalid value '\(text)' for \(spec.flag): expected true or false")
      }
      return .bool(value)
    case .intList:
      // `4,8`, `[4, 8]`, `(4, 8)`; an empty list is PyTorch's error, not ours.
      var body = text.trimmingSpaces()
      if body.hasPrefix("[") && body.hasSuffix("]") || body.hasPrefix("(") && body.hasSuffix(")") {
        body = String(body.dropFirst().dropLast())
      }
      var list: [Int] = []
      let parts = body.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingSpaces() })
      for (index, part) in parts.enumerated() {
        if part.isEmpty && body.trimmingSpaces().isEmpty { break }
        // A trailing comma, as Python writes a 1-tuple: `(2,)` (out_features).
        if part.isEmpty && index == parts.count - 1 && index > 0 { break }
        guard let value = Int(part) else {
          throw CommandError.usage(
            "invalid value '\(text)' for \(spec.flag): '\(part)' is not an integer (expected N1,N2,...)")
        }
        list.append(value)
      }
      return .ints(list)
    case .choice(let words):
      guard words.contains(text) else {
        throw CommandError.usage(
          "invalid value '\(text)' for \(spec.flag): expected one of \(words.joined(separator: ", "))")
      }
      return .string(text)
    }
  }
}
