/// A loss option's PyTorch keyword together with the Swift type of its value.
///
/// Each option is declared once, below, as a static member; the ``OptionSpec`` of a loss is built
/// from the key (its kind follows from `Value`), and the loss reads it back as `options[.delta]`.
/// A misspelt key does not compile, and a value of the wrong type cannot be asked for.
public struct OptionKey<Value: OptionValueType>: Sendable, Hashable {
  /// PyTorch's keyword (`ignore_index`); the flag is `--ignore-index`.
  public let name: String

  package init(_ name: String) {
    self.name = name
  }
}

/// An option's key of any value type, for a list of options of several types.
public struct AnyOptionKey: Sendable, Hashable {
  /// PyTorch's keyword.
  public let name: String

  public init<Value>(_ key: OptionKey<Value>) { self.name = key.name }
}

/// An option's key with a value of its type: an option held fixed (a plot probe's cutoffs).
public struct OptionSetting: Sendable {
  /// PyTorch's keyword.
  public let name: String
  public let value: OptionValue

  public init<Value>(_ key: OptionKey<Value>, _ value: Value) {
    self.name = key.name
    self.value = value.optionValue
  }
}

/// A Swift type an option's value can have, and how it is read from a resolved ``OptionValue``.
public protocol OptionValueType: Sendable {
  /// The value of a resolved option of this type (nil: the value is of another kind).
  init?(resolved value: OptionValue)
  /// The value as options carry it.
  var optionValue: OptionValue { get }
}

/// A type whose options all take values of one ``OptionKind`` (not a choice among words, whose
/// words each spec lists).
public protocol PlainOptionValueType: OptionValueType {
  static var kind: OptionKind { get }
}

extension Double: PlainOptionValueType {
  public static var kind: OptionKind { .double }
  public init?(resolved value: OptionValue) {
    switch value {
    case .double(let x): self = x
    case .int(let n): self = Double(n)
    default: return nil
    }
  }
  public var optionValue: OptionValue { .double(self) }
}

extension Int: PlainOptionValueType {
  public static var kind: OptionKind { .int }
  public init?(resolved value: OptionValue) {
    guard case .int(let n) = value else { return nil }
    self = n
  }
  public var optionValue: OptionValue { .int(self) }
}

extension Bool: PlainOptionValueType {
  public static var kind: OptionKind { .bool }
  public init?(resolved value: OptionValue) {
    guard case .bool(let flag) = value else { return nil }
    self = flag
  }
  public var optionValue: OptionValue { .bool(self) }
}

extension Array: OptionValueType, PlainOptionValueType where Element == Int {
  public static var kind: OptionKind { .intList }
  public init?(resolved value: OptionValue) {
    guard case .ints(let list) = value else { return nil }
    self = list
  }
  public var optionValue: OptionValue { .ints(self) }
}

/// A word option (`distance_function`): one of the words its spec lists.
extension String: OptionValueType {
  public init?(resolved value: OptionValue) {
    guard case .string(let word) = value else { return nil }
    self = word
  }
  public var optionValue: OptionValue { .string(self) }
}

/// `reduction`, read as the enum.
extension Reduction: OptionValueType {
  public init?(resolved value: OptionValue) {
    guard case .string(let word) = value, let reduction = Reduction(rawValue: word) else { return nil }
    self = reduction
  }
  public var optionValue: OptionValue { .string(rawValue) }
}

// MARK: - Every option of the registry

extension OptionKey where Value == Reduction {
  public static let reduction = OptionKey("reduction")
}

extension OptionKey where Value == String {
  /// triplet_margin_with_distance_loss: `pairwise`, `cosine` or `l1`.
  public static let distanceFunction = OptionKey("distance_function")
}

extension OptionKey where Value == Double {
  public static let beta = OptionKey("beta")
  public static let delta = OptionKey("delta")
  public static let divValue = OptionKey("div_value")
  public static let eps = OptionKey("eps")
  public static let labelSmoothing = OptionKey("label_smoothing")
  public static let margin = OptionKey("margin")
  public static let p = OptionKey("p")
}

extension OptionKey where Value == Int {
  public static let batchChunkSize = OptionKey("batch_chunk_size")
  public static let blank = OptionKey("blank")
  public static let ignoreIndex = OptionKey("ignore_index")
  public static let nClasses = OptionKey("n_classes")
}

extension OptionKey where Value == Bool {
  public static let chunked = OptionKey("chunked")
  public static let full = OptionKey("full")
  public static let headBias = OptionKey("head_bias")
  public static let logInput = OptionKey("log_input")
  public static let logTarget = OptionKey("log_target")
  public static let swap = OptionKey("swap")
  public static let zeroInfinity = OptionKey("zero_infinity")
}

extension OptionKey where Value == [Int] {
  public static let cutoffs = OptionKey("cutoffs")
  public static let outFeatures = OptionKey("out_features")
}
