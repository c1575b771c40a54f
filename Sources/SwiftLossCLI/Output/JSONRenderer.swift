import SwiftLoss

/// `--format json`: one JSON document, as the contract shows it.
///
/// ```json
/// {
///   "loss": "mse_loss",
///   "module": "MSELoss",
///   "options": {"reduction": "mean"},
///   "value": 0.875,
///   "elementwise": {"shape": [3, 2], "data": [[0.25, 1.0], [0.0, 4.0], [0.5, 1.5]]},
///   "gradients": {
///     "input": {"shape": [3, 2], "data": [[...], [...], [...]]}
///   }
/// }
/// ```
///
/// Keys `--show` leaves out are absent. Non-finite numbers are the strings `"NaN"`, `"Infinity"`,
/// `"-Infinity"`. Data is never summarised.
enum JSONRenderer {
  /// `compact` puts the whole object on one line (a `batch` result); `dtype` other than float64
  /// adds a `"dtype"` member after the options.
  static func render(
    _ report: LossReport, dtype: FloatDType = .float64, compact: Bool = false, into out: ChunkedOutput
  ) throws(CommandError) {
    let definition = report.definition
    // Before each member: a newline and two spaces, or nothing on one line.
    let member: StaticString = compact ? ", " : ",\n  "
    out.append(compact ? "{\"loss\": " : "{\n  \"loss\": ")
    out.text.appendJSONString(definition.functionalName)
    out.append(member)
    out.append("\"module\": ")
    out.text.appendJSONString(definition.moduleName)
    out.append(member)
    out.append("\"options\": ")
    JSONText.writeOptions(definition.options, values: report.options.values, into: out.text)
    if dtype != .float64 {
      out.append(member)
      out.append("\"dtype\": \"")
      out.append(dtype.rawValue)
      out.append("\"")
    }
    if report.show.contains(.loss) {
      out.append(member)
      out.append("\"value\": ")
      if report.valueIsTensor {
        try tensorObject(report.result.value, into: out)
      } else {
        try out.appendNested(report.result.value)
      }
    }
    if report.show.contains(.elementwise) {
      out.append(member)
      out.append("\"elementwise\": ")
      try tensorObject(report.result.elementwise, into: out)
      // A module's further results (AdaptiveLogSoftmaxWithLoss's "output"), beside the elementwise.
      for extra in report.result.extraOutputs {
        out.append(",\n  ")
        out.append(JSONText.string(extra.name))
        out.append(": ")
        try tensorObject(extra.tensor, into: out)
      }
    }
    if report.show.contains(.gradients) {
      out.append(member)
      out.append("\"gradients\": {")
      for (index, entry) in report.result.gradients.enumerated() {
        out.append(compact ? (index == 0 ? "" : ", ") : (index == 0 ? "\n    " : ",\n    "))
        out.text.appendJSONString(entry.name)
        out.append(": ")
        try tensorObject(entry.gradient, into: out)
      }
      out.append(report.result.gradients.isEmpty || compact ? "}" : "\n  }")
    }
    out.append(compact ? "}\n" : "\n}\n")
  }

  /// `{"shape": [3, 2], "data": [[...], ...]}`.
  static func tensorObject(_ tensor: Tensor, into out: ChunkedOutput) throws(CommandError) {
    out.append("{\"shape\": [")
    for (index, dim) in tensor.shape.enumerated() {
      if index > 0 { out.append(", ") }
      out.text.append(int: dim)
    }
    out.append("], \"data\": ")
    try out.appendNested(tensor)
    out.append("}")
  }
}

/// Small JSON values: strings, option objects, numbers outside tensors.
enum JSONText {
  /// A JSON string literal with the required escapes.
  static func string(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          result.unicodeScalars.append(scalar)
        }
      }
    }
    return result + "\""
  }

  /// A number in shortest round-trip form (strings for non-finite).
  static func number(_ value: Double) -> String {
    NumberWriter(notation: .shortest, json: true).string(value)
  }

  static func value(_ value: OptionValue) -> String {
    switch value {
    case .double(let x): return number(x)
    case .int(let n): return String(n)
    case .bool(let b): return b ? "true" : "false"
    case .string(let s): return string(s)
    case .ints(let list): return "[" + list.map(String.init).joined(separator: ", ") + "]"
    }
  }

  /// ``options(_:values:)`` written straight into `buffer` (no `String` per member).
  static func writeOptions(_ specs: [OptionSpec], values: [String: OptionValue], into buffer: OutputBuffer) {
    buffer.append(UInt8(ascii: "{"))
    var first = true
    for spec in specs {
      guard let value = values[spec.name] else { continue }
      // As in options(_:values:): a derived default is shown only when given.
      if value == spec.defaultValue && spec.help.contains("(default:") { continue }
      if !first { buffer.append(", ") }
      first = false
      buffer.appendJSONString(spec.name)
      buffer.append(": ")
      switch value {
      case .double(let x): shortestJSON.append(x, to: buffer)
      case .int(let n): buffer.append(int: n)
      case .bool(let b): buffer.append(b ? "true" : "false")
      case .string(let s): buffer.appendJSONString(s)
      case .ints(let list):
        buffer.append(UInt8(ascii: "["))
        for (index, n) in list.enumerated() {
          if index > 0 { buffer.append(", ") }
          buffer.append(int: n)
        }
        buffer.append(UInt8(ascii: "]"))
      }
    }
    buffer.append(UInt8(ascii: "}"))
  }

  private static let shortestJSON = NumberWriter(notation: .shortest, json: true)

  /// `{"reduction": "mean", "delta": 1.0}`, in declaration order.
  static func options(_ specs: [OptionSpec], values: [String: OptionValue]) -> String {
    let members = specs.compactMap { spec -> String? in
      guard let value = values[spec.name] else { return nil }
      // An option whose default is derived (adaptive_log_softmax's n_classes, "(default: from the
      // last cluster's size)") has no value to show unless it was given.
      if spec.help.contains("(default:") && value == spec.defaultValue { return nil }
      return string(spec.name) + ": " + self.value(value)
    }
    return "{" + members.joined(separator: ", ") + "}"
  }
}

extension OutputBuffer {
  /// A JSON string literal; plain ASCII (every name swiftloss prints) is copied as it is.
  func appendJSONString(_ text: String) {
    var text = text
    let plain = text.withUTF8 { bytes -> Bool in
      for byte in bytes where byte < 0x20 || byte >= 0x80 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
        return false
      }
      append(UInt8(ascii: "\""))
      append(UnsafeRawBufferPointer(bytes))
      append(UInt8(ascii: "\""))
      return true
    }
    if !plain { append(JSONText.string(text)) }
  }
}
