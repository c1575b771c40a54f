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
///
/// Built from an ``OptionKey``: the kind follows from the key's type (a word option lists its
/// words), and the default has the key's type.
public struct OptionSpec: Sendable {
  /// PyTorch's keyword name, with underscores (`ignore_index`); the flag is `--ignore-index`.
  public let name: String
  public let kind: OptionKind
  public let defaultValue: OptionValue
  /// One line: what the option means.
  public let help: String

  /// A number, integer, boolean or integer-list option.
  public init<Value: PlainOptionValueType>(_ key: OptionKey<Value>, default defaultValue: Value, help: String) {
    self.init(key.name, Value.kind, default: defaultValue.optionValue, help: help)
  }

  /// A word option: one of `choices`.
  public init(_ key: OptionKey<String>, choices: [String], default defaultValue: String, help: String) {
    self.init(key.name, .choice(choices), default: .string(defaultValue), help: help)
  }

  /// A spec by name and kind, for tests of the parsing and rendering machinery alone; a loss
  /// declares its options from keys.
  init(_ name: String, _ kind: OptionKind, default defaultValue: OptionValue, help: String) {
    self.name = name
    self.kind = kind
    self.defaultValue = defaultValue
    self.help = help
  }

  /// `--ignore-index`.
  public var flag: String { "--" + name.replacingUnderscores() }

  /// Whether this is the spec of `key`.
  public func declares<Value>(_ key: OptionKey<Value>) -> Bool { name == key.name }

  public static func reduction(
    allowing choices: [Reduction] = [.none, .mean, .sum],
    help: String? = nil
  ) -> OptionSpec {
    OptionSpec(
      OptionKey<Reduction>.reduction.name, .choice(choices.map(\.rawValue)), default: Reduction.mean.optionValue,
      help: help ?? "how the elementwise losses are combined: " + choices.map(\.rawValue).joined(separator: ", "))
  }
}

/// The resolved options of one computation: every declared option has a value (given or default).
public struct LossOptions: Sendable {
  public private(set) var values: [String: OptionValue]
  /// The options given rather than defaulted (AdaptiveLogSoftmaxWithLoss infers `n_classes`
  /// when it is not given).
  private var givenNames: Set<String>

  /// Resolves `given` against `specs`: unknown names, and values of the wrong kind, are usage errors.
  public init(specs: [OptionSpec], given: [String: OptionValue]) throws(LossError) {
    var values: [String: OptionValue] = [:]
    for spec in specs { values[spec.name] = spec.defaultValue }
    for (name, value) in given {
      guard let spec = specs.first(where: { $0.name == name }) else {
        throw LossError.usage("unknown option '\(name)'")
      }
      values[name] = try Self.coerce(value, to: spec)
    }
    self.values = values
    self.givenNames = Set(given.keys)
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

  /// The value of a declared option. Every declared option has a value of its key's type (the spec
  /// is built from the key and values are coerced to its kind); reading an option the loss does
  /// not declare is a programming error.
  public subscript<Value>(key: OptionKey<Value>) -> Value {
    guard let value = values[key.name].flatMap(Value.init(resolved:)) else {
      preconditionFailure("option \(key.name) is read but not declared by this loss")
    }
    return value
  }

  /// Whether the user gave `key` (rather than it taking its default).
  public func isGiven<Value>(_ key: OptionKey<Value>) -> Bool { givenNames.contains(key.name) }

  /// The `reduction` option; `mean` for a loss without one (AdaptiveLogSoftmaxWithLoss's mean loss).
  public var reduction: Reduction {
    values[OptionKey<Reduction>.reduction.name].flatMap(Reduction.init(resolved:)) ?? .mean
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
