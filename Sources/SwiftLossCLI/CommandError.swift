import SwiftLoss

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Every way a run can fail. ``Diagnostics`` turns each into its one-line message and exit status.
enum CommandError: Error, Equatable {
  /// Bad command line: unknown loss or option, bad option value, missing tensor. Exit status 2.
  /// `loss` is the short name for the `(see 'swiftloss help LOSS')` hint, when there is one.
  case usage(String, loss: String? = nil)
  /// Bad data: shapes, values, reshapes. Exit status 1.
  case data(String)
  /// A file, standard input or literal that could not be read or parsed. Exit status 1.
  case input(InputError)
  /// Standard output could not be written. Exit status 1.
  case write(OutputError)
  /// `--expect` found another value: `expected V, got W (...)`. Exit status 3.
  case mismatch(String)

  /// A loss's error, with a bad element located in its file when the loss names one.
  static func loss(
    _ error: LossError, of definition: LossDefinition, tensors: [String: Tensor], flags: [String: String]
  ) -> CommandError {
    switch error {
    case .usage(let message):
      return .usage(message)
    case .data(let message, let tensor, let index):
      let swapped = TensorNaming.swapHint(message, of: definition, tensors: tensors)
      if let named = TensorNaming.broadcastMessage(message, tensors: tensors, flags: flags) {
        return .data(named + swapped)
      }
      guard let tensor else { return .data(message + swapped) }
      if !swapped.isEmpty { return .data(message + swapped) }
      let label = tensors[tensor]?.origin?.label ?? flags[tensor] ?? tensor
      guard let index else { return .data("\(message) (\(label))") }
      if let origin = tensors[tensor]?.origin {
        let place = origin.describe(elementAt: index)
        if place != origin.label { return .data("\(place): \(message)") }
      }
      return .data("\(message) (\(label), element \(index))")
    }
  }
}

/// The one place errors become text and exit statuses.
enum Diagnostics {
  static let program = "swiftloss"

  static func describe(_ error: CommandError) -> (message: String, status: Int32) {
    switch error {
    case .usage(let message, let loss):
      let hint = loss.map { " (see '\(program) help \($0)')" } ?? ""
      return (line("error", message + hint), 2)
    case .data(let message):
      return (line("error", message), 1)
    case .input(let error):
      return (line("error", error.description), 1)
    case .write(let error) where error.code == ENOMEM:
      return (line("error", "out of memory writing the output"), 1)
    case .write(let error):
      return (line("error", "write error: " + Platform.message(forErrno: error.code)), 1)
    case .mismatch(let message):
      return (line("mismatch", message), 3)
    }
  }

  /// Messages echo what was typed, so a huge argument would make a huge line: past
  /// `longestMessage` characters the middle gives way to a marker that says how much is left out.
  static let longestMessage = 1000

  static func shortened(_ message: String) -> String {
    let scalars = Array(message.unicodeScalars)
    guard scalars.count > longestMessage else { return message }
    let head = 600, tail = 300
    var text = String.UnicodeScalarView(scalars[..<head])
    text.append(contentsOf: " … [\(scalars.count - head - tail) characters left out] … ".unicodeScalars)
    text.append(contentsOf: scalars[(scalars.count - tail)...])
    return String(text)
  }

  /// `swiftloss: warning: ...`.
  static func warning(_ message: String) -> String {
    line("warning", message)
  }

  /// `swiftloss: KIND: message` plus a newline; control characters in the message are escaped so
  /// that it stays one line.
  static func line(_ kind: String, _ message: String) -> String {
    var text = "\(program): \(kind): "
    for scalar in shortened(message).unicodeScalars {
      switch scalar {
      case "\n": text += "\\n"
      case "\r": text += "\\r"
      case "\t": text += "\\t"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7f {
          text += "\\u{" + String(scalar.value, radix: 16) + "}"
        } else {
          text.unicodeScalars.append(scalar)
        }
      }
    }
    return text + "\n"
  }
}
