import SwiftLoss

/// `--format`.
enum OutputFormat: String, CaseIterable, Sendable {
  case text, json, csv, tsv

  /// csv and tsv print one tensor as a table.
  var isDelimited: Bool { self == .csv || self == .tsv }
}

/// `--show loss,elementwise,grad`: which results are printed (and computed).
struct ShowSet: OptionSet, Sendable {
  let rawValue: Int
  static let loss = ShowSet(rawValue: 1)
  static let elementwise = ShowSet(rawValue: 2)
  static let gradients = ShowSet(rawValue: 4)
  static let all: ShowSet = [.loss, .elementwise, .gradients]

  /// The words `--show` takes, with their synonyms.
  static let words: [(word: String, item: ShowSet)] = [
    ("loss", .loss), ("value", .loss), ("elementwise", .elementwise), ("grad", .gradients),
    ("grads", .gradients), ("gradient", .gradients), ("gradients", .gradients),
  ]

  static func parse(_ text: String) throws(CommandError) -> ShowSet {
    try parseSelection(text).show
  }

  /// `--show`, with `grad:NAME` items: the set, and the gradients named (nil: every gradient).
  static func parseSelection(_ text: String) throws(CommandError) -> (show: ShowSet, gradients: [String]?) {
    var result: ShowSet = []
    var named: [String] = []
    var allGradients = false
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      let word = part.trimmingSpaces()
      if let colon = word.firstIndex(of: ":"),
        words.contains(where: { $0.item == .gradients && $0.word == word[..<colon].lowercased() })
      {
        let name = String(word[word.index(after: colon)...]).trimmingSpaces().replacingOccurrencesOfDash()
        guard !name.isEmpty else {
          throw CommandError.usage("invalid value '\(part)' for --show: grad: needs a tensor name (grad:input)")
        }
        result.insert(.gradients)
        if !named.contains(name) { named.append(name) }
        continue
      }
      guard let item = words.first(where: { $0.word == word.lowercased() })?.item else {
        throw CommandError.usage(
          "invalid value '\(part)' for --show: expected a comma-separated list of loss, elementwise, grad, grad:NAME")
      }
      if item == .gradients { allGradients = true }
      result.insert(item)
    }
    return (result, allGradients || named.isEmpty ? nil : named)
  }

  /// What the loss needs to compute.
  var outputs: LossOutputs {
    var outputs: LossOutputs = []
    if contains(.loss) { outputs.insert(.value) }
    if contains(.elementwise) { outputs.insert(.elementwise) }
    if contains(.gradients) { outputs.insert(.gradients) }
    return outputs
  }
}

/// The flags every loss takes, whatever the loss: output and input handling.
struct GlobalOptions {
  var format: OutputFormat = .text
  var show: ShowSet = .all
  /// `--show grad:NAME`: the gradients to print, in order; nil for every gradient.
  var gradients: [String]?
  /// `-o/--output FILE`: written atomically instead of standard output.
  var output: String?
  /// `--expect VALUE [--rtol R] [--atol A]`.
  var expect: Double?
  var rtol: Double?
  var atol: Double?
  /// `--dtype`: inputs and results rounded to this type.
  var dtype: FloatDType = .float64
  var precision: Int?
  var delimiter: UInt8?
  /// `--decimal ,`: text files write numbers with a decimal comma.
  var decimalComma = false
  /// `--shape NAME=D1,D2,...`, in order given.
  var shapes: [(name: String, dims: [Int], spelling: String)] = []
  /// `--data FILE|-`.
  var data: String?

  /// The flags, without dashes, with the placeholder shown in help and a help line.
  static let flags: [(name: String, value: String, help: String)] = [
    ("format", "text|json|csv|tsv", "output format (default: text); csv, tsv: one tensor"),
    ("show", "loss,elementwise,grad", "what to print (default: all three); grad:NAME for one"),
    ("output", "FILE", "-o FILE: write to FILE atomically (all or nothing)"),
    ("expect", "VALUE", "check the loss: status 3 and a mismatch line if it differs"),
    ("rtol", "R", "relative tolerance of --expect (default: assert_close's)"),
    ("atol", "A", "absolute tolerance of --expect (default: assert_close's)"),
    ("dtype", "float32|bfloat16|float16", "inputs and results rounded to the dtype"),
    ("precision", "N", "N digits after the point (default: the shortest round-trip digits)"),
    ("delimiter", "C", "field separator of text files: one character, tab, space, comma, semicolon, pipe"),
    ("decimal", ",|.", "decimal separator of text files; ',' reads 1,5 and makes ';' the default delimiter"),
    ("shape", "NAME=D1,D2,...", "reshape tensor NAME after reading (repeatable; -1 infers one dimension)"),
    ("data", "FILE|-", "a JSON object of tensors keyed by name; tensor flags override its keys"),
    ("params", "FILE|-", "the same as --data: a module's parameters by state_dict name (head.weight, ...)"),
  ]

  static func isGlobal(_ name: String) -> Bool { flags.contains { $0.name == name } }

  /// Applies one global flag and its value.
  mutating func set(_ name: String, value: String, spelling: String) throws(CommandError) {
    switch name {
    case "format":
      guard let format = OutputFormat(rawValue: value.lowercased()) else {
        throw CommandError.usage("invalid value '\(value)' for --format: expected text, json, csv or tsv")
      }
      self.format = format
    case "show":
      (show, gradients) = try ShowSet.parseSelection(value)
    case "output":
      guard !value.isEmpty else { throw CommandError.usage("\(spelling) needs a file name") }
      guard output == nil else { throw CommandError.usage("--output given twice") }
      output = value
    case "expect", "rtol", "atol":
      guard let number = OptionParsing.strictDouble(value.trimmingSpaces()) else {
        throw CommandError.usage("invalid value '\(value)' for --\(name): expected a number")
      }
      if name == "expect" {
        expect = number
      } else {
        guard number >= 0, number.isFinite else {
          throw CommandError.usage("invalid value '\(value)' for --\(name): expected a number ≥ 0")
        }
        if name == "rtol" { rtol = number } else { atol = number }
      }
    case "dtype":
      var word = value.lowercased()
      if word.hasPrefix("torch.") { word.removeFirst(6) }
      let spellings: [String: FloatDType] = [
        "float64": .float64, "double": .float64, "float32": .float32, "float": .float32,
        "bfloat16": .bfloat16, "float16": .float16, "half": .float16,
      ]
      guard let dtype = spellings[word] else {
        throw CommandError.usage("invalid value '\(value)' for --dtype: expected float32, bfloat16, float16 or float64")
      }
      self.dtype = dtype
    case "precision":
      guard let digits = Int(value), (0...NumberWriter.maxPrecision).contains(digits) else {
        throw CommandError.usage(
          "invalid value '\(value)' for --precision: expected an integer from 0 to \(NumberWriter.maxPrecision)")
      }
      precision = digits
    case "delimiter":
      delimiter = try Self.parseDelimiter(value)
    case "decimal":
      switch value.trimmingSpaces().lowercased() {
      case ",", "comma": decimalComma = true
      case ".", "point", "period", "dot": decimalComma = false
      default: throw CommandError.usage("invalid value '\(value)' for --decimal: expected ',' or '.'")
      }
    case "shape":
      shapes.append(try Self.parseShape(value))
    case "data", "params":
      // One reader for both: --params names a state_dict, --data any tensors; either once.
      guard data == nil else { throw CommandError.usage("--data/--params given twice") }
      data = value
    default:
      throw CommandError.usage("unknown option '\(spelling)'")
    }
  }

  static func parseDelimiter(_ text: String) throws(CommandError) -> UInt8 {
    switch text.lowercased() {
    case "tab", "\\t", "\t": return UInt8(ascii: "\t")
    case "space", " ": return UInt8(ascii: " ")
    case "comma": return UInt8(ascii: ",")
    case "semicolon": return UInt8(ascii: ";")
    case "pipe": return UInt8(ascii: "|")
    default: break
    }
    let bytes = Array(text.utf8)
    guard bytes.count == 1, bytes[0] >= 0x20, bytes[0] < 0x7f else {
      throw CommandError.usage(
        "invalid value '\(text)' for --delimiter: expected one ASCII character, tab, space, comma, semicolon or pipe")
    }
    let byte = bytes[0]
    let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    let isLetter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    if isDigit || isLetter || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
      || byte == UInt8(ascii: "#") || byte == UInt8(ascii: "\"")
    {
      throw CommandError.usage("invalid value '\(text)' for --delimiter: it can be part of a number or comment")
    }
    return byte
  }

  /// `input=3,2`, `input=(3, 2)`, `input=` (0-d), `input=-1,2`.
  static func parseShape(_ text: String) throws(CommandError) -> (name: String, dims: [Int], spelling: String) {
    guard let equals = text.firstIndex(of: "=") else {
      throw CommandError.usage("invalid value '\(text)' for --shape: expected NAME=D1,D2,... (e.g. input=3,2)")
    }
    let name = String(text[..<equals]).trimmingSpaces()
    var body = String(text[text.index(after: equals)...]).trimmingSpaces()
    if body.hasPrefix("(") && body.hasSuffix(")") || body.hasPrefix("[") && body.hasSuffix("]") {
      body = String(body.dropFirst().dropLast())
    }
    var dims: [Int] = []
    let parts = body.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
    for (index, part) in parts.enumerated() {
      if part.isEmpty && (parts.count == 1 || index == parts.count - 1) { continue }  // `=` or `3,`
      guard let dim = Int(part), dim >= -1 else {
        throw CommandError.usage("invalid value '\(text)' for --shape: '\(part)' is not a dimension")
      }
      dims.append(dim)
    }
    guard !name.isEmpty else {
      throw CommandError.usage("invalid value '\(text)' for --shape: the tensor name is missing")
    }
    guard dims.filter({ $0 == -1 }).count <= 1 else {
      throw CommandError.usage("invalid value '\(text)' for --shape: only one dimension can be -1")
    }
    return (name, dims, text)
  }
}

extension StringProtocol {
  /// `log-probs` → `log_probs` (gradient keys are PyTorch's argument names).
  func replacingOccurrencesOfDash() -> String {
    String(String.UnicodeScalarView(unicodeScalars.map { $0 == "-" ? "_" : $0 }))
  }

  /// Without leading and trailing spaces and tabs.
  func trimmingSpaces() -> String {
    var slice = Substring(self)
    while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
    while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
    return String(slice)
  }
}
