import SwiftLoss

/// Walks argv one argument at a time: `--name`, `--name=value`, `--name value`, `-h`, operands.
///
/// Flag names are normalised once here: `_` is read as `-` (`--ignore_index` is `--ignore-index`).
struct ArgumentScanner {
  /// One command-line argument, classified.
  enum Argument: Equatable {
    /// `--name` or `--name=value`; `name` without the dashes, normalised; `spelling` as typed
    /// (up to any `=`), for messages.
    case flag(name: String, inlineValue: String?, spelling: String)
    /// `-h`.
    case shortHelp
    /// Anything else, including `-` and negative numbers.
    case operand(String)
    /// `--`: everything after it is an operand.
    case terminator
  }

  private let arguments: [String]
  private(set) var position = 0
  private var afterTerminator = false

  init(_ arguments: [String]) {
    self.arguments = arguments
  }

  var isAtEnd: Bool { position >= arguments.count }

  /// The next argument, classified.
  mutating func next() -> Argument? {
    guard position < arguments.count else { return nil }
    let text = arguments[position]
    position += 1
    if afterTerminator { return .operand(text) }
    if text == "--" {
      afterTerminator = true
      return .terminator
    }
    if text == "-h" { return .shortHelp }
    if text == "-o" { return .flag(name: "output", inlineValue: nil, spelling: "-o") }  // --output
    guard text.hasPrefix("--"), text.count > 2 else { return .operand(text) }
    let body = text.dropFirst(2)
    if let equals = body.firstIndex(of: "=") {
      let name = String(body[..<equals])
      return .flag(
        name: Self.normalize(name), inlineValue: String(body[body.index(after: equals)...]), spelling: "--" + name)
    }
    return .flag(name: Self.normalize(String(body)), inlineValue: nil, spelling: text)
  }

  /// The value of a flag that takes one: the inline `=value`, else the next argument. A next
  /// argument that is itself a `--flag` is not taken (the value is missing).
  mutating func value(for spelling: String, inline: String?) throws(CommandError) -> String {
    if let inline { return inline }
    guard position < arguments.count, !looksLikeFlag(arguments[position]) else {
      throw CommandError.usage("\(spelling) needs a value")
    }
    position += 1
    return arguments[position - 1]
  }

  /// For boolean flags: takes the next argument only if it is a boolean word (`--full false`).
  mutating func optionalBooleanWord() -> Bool? {
    guard !afterTerminator, position < arguments.count, let value = Self.boolean(arguments[position]) else {
      return nil
    }
    position += 1
    return value
  }

  private func looksLikeFlag(_ text: String) -> Bool {
    !afterTerminator && text.hasPrefix("--") && text.count > 2
  }

  /// `true`/`false` in any case, `1`/`0`, `yes`/`no`, `on`/`off`.
  static func boolean(_ text: String) -> Bool? {
    switch text.lowercased() {
    case "true", "1", "yes", "on": return true
    case "false", "0", "no", "off": return false
    default: return nil
    }
  }

  /// `ignore_index` → `ignore-index`.
  static func normalize(_ name: String) -> String {
    name.replacingUnderscores()
  }
}
