/// The value of one loss option, as PyTorch receives it.
public enum OptionValue: Sendable, Equatable, CustomStringConvertible {
  case double(Double)
  case int(Int)
  case bool(Bool)
  case string(String)
  /// A list of integers (`cutoffs`), as a Python list.
  case ints([Int])

  public var description: String {
    switch self {
    case .double(let value): return NumberText.python(value)
    case .int(let value): return String(value)
    case .bool(let value): return value ? "True" : "False"
    case .string(let value): return value
    case .ints(let values): return "[" + values.map(String.init).joined(separator: ", ") + "]"
    }
  }
}

/// The kind of value an option takes; it drives parsing, validation, help and completions.
public enum OptionKind: Sendable, Equatable {
  case double
  case int
  case bool
  /// One of a fixed set of words (`reduction`, `distance_function`).
  case choice([String])
  /// Integers separated by commas on the command line (`--cutoffs 4,8`).
  case intList
}

/// One keyword argument of a loss, as declared in the registry.
public struct OptionSpec: Sendable {
  /// PyTorch's keyword name, with underscores (`ignore_index`); the flag is `--ignore-index`.
  public var name: String
  public var kind: OptionKind
  public var defaultValue: OptionValue
  /// One line: what the option means.
  public var help: String

  public init(_ name: String, _ kind: OptionKind, default defaultValue: OptionValue, help: String) {
    self.name = name
    self.kind = kind
    self.defaultValue = defaultValue
    self.help = help
  }

  /// `--ignore-index`.
  public var flag: String { "--" + name.replacingUnderscores() }

  public static func reduction(allowing choices: [Reduction] = [.none, .mean, .sum]) -> OptionSpec {
    OptionSpec(
      "reduction", .choice(choices.map(\.rawValue)), default: .string("mean"),
      help: "how the elementwise losses are combined: " + choices.map(\.rawValue).joined(separator: ", "))
  }
}

/// The resolved options of one computation: every declared option has a value (given or default).
public struct LossOptions: Sendable {
  public private(set) var values: [String: OptionValue]
  /// The options the user set explicitly, in the order given (for `--emit-python` and JSON output).
  public private(set) var explicitNames: [String]

  /// Resolves `given` against `specs`: unknown names, and values of the wrong kind, are usage errors.
  public init(specs: [OptionSpec], given: [String: OptionValue], order: [String]? = nil) throws(LossError) {
    var values: [String: OptionValue] = [:]
    for spec in specs { values[spec.name] = spec.defaultValue }
    for (name, value) in given {
      guard let spec = specs.first(where: { $0.name == name }) else {
        throw LossError.usage("unknown option '\(name)'")
      }
      values[name] = try Self.coerce(value, to: spec)
    }
    self.values = values
    self.explicitNames = order ?? given.keys.sorted()
  }

  static func coerce(_ value: OptionValue, to spec: OptionSpec) throws(LossError) -> OptionValue {
    switch (spec.kind, value) {
    case (.double, .double), (.int, .int), (.bool, .bool), (.intList, .ints): return value
    case (.intList, .int(let n)): return .ints([n])
    case (.double, .int(let n)): return .double(Double(n))
    case (.int, .double(let x)) where x == x.rounded() && abs(x) < 9.0e15: return .int(Int(x))
    case (.choice(let choices), .string(let word)):
      guard choices.contains(word) else {
        throw LossError.usage(
          "invalid value '\(word)' for \(spec.flag): expected one of \(choices.joined(separator: ", "))")
      }
      return value
    default:
      throw LossError.usage("invalid value '\(value)' for \(spec.flag): expected \(spec.kind.noun)")
    }
  }

  public func double(_ name: String) -> Double {
    switch values[name] {
    case .double(let x): return x
    case .int(let n): return Double(n)
    default: preconditionFailure("option \(name) is not declared as a number")
    }
  }

  public func int(_ name: String) -> Int {
    guard case .int(let n) = values[name] else { preconditionFailure("option \(name) is not declared as an int") }
    return n
  }

  public func bool(_ name: String) -> Bool {
    guard case .bool(let b) = values[name] else { preconditionFailure("option \(name) is not declared as a bool") }
    return b
  }

  public func string(_ name: String) -> String {
    guard case .string(let s) = values[name] else { preconditionFailure("option \(name) is not declared as a word") }
    return s
  }

  public func ints(_ name: String) -> [Int] {
    guard case .ints(let list) = values[name] else { preconditionFailure("option \(name) is not declared as a list") }
    return list
  }

  /// Whether the user gave `name` (rather than it taking its default).
  public func isExplicit(_ name: String) -> Bool { explicitNames.contains(name) }

  /// The `reduction` option; `mean` for a loss without one (AdaptiveLogSoftmaxWithLoss's mean loss).
  public var reduction: Reduction {
    guard case .string(let word) = values["reduction"] else { return .mean }
    return Reduction(rawValue: word) ?? .mean
  }

  /// Replaces the reduction (used when legacy flags decide it).
  public mutating func setReduction(_ reduction: Reduction) {
    values["reduction"] = .string(reduction.rawValue)
    if !explicitNames.contains("reduction") { explicitNames.append("reduction") }
  }
}

extension OptionKind {
  /// "a number", "an integer", ... for messages.
  public var noun: String {
    switch self {
    case .double: return "a number"
    case .int: return "an integer"
    case .bool: return "true or false"
    case .choice(let words): return "one of " + words.joined(separator: ", ")
    case .intList: return "integers separated by commas"
    }
  }
}

extension String {
  /// `ignore_index` → `ignore-index`.
  public func replacingUnderscores() -> String {
    String(decoding: utf8.map { $0 == UInt8(ascii: "_") ? UInt8(ascii: "-") : $0 }, as: UTF8.self)
  }
}
