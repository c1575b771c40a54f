/// One tensor argument of a loss, as declared in the registry.
public struct TensorSpec: Sendable {
  /// PyTorch's argument name (`input`, `log_probs`, `pos_weight`); the flag is `--log-probs`.
  public var name: String
  public var isRequired: Bool
  /// Whether `loss.backward()` gives this tensor a gradient (when it is given at all).
  public var hasGradient: Bool
  /// Other flag names accepted for this tensor (`input` for ctc's `log_probs`).
  public var aliases: [String]
  /// One line: the expected shape and meaning.
  public var help: String
  /// When PyTorch takes this tensor as int64 (class indices, lengths); nil for a float64 tensor.
  /// `--dtype` leaves an int64 tensor alone, `explain` marks it "integers" and `--emit-python`
  /// writes it with `dtype=torch.int64`.
  public var integer: IntegerRule?

  public init(
    _ key: TensorKey, required: Bool = true, gradient: Bool, aliases: [TensorKey] = [], integer: IntegerRule? = nil,
    help: String
  ) {
    self.name = key.name
    self.isRequired = required
    self.hasGradient = gradient
    self.aliases = aliases.map(\.name)
    self.integer = integer
    self.help = help
  }

  /// When a tensor is int64 in PyTorch.
  public enum IntegerRule: Sendable {
    /// In every call (nll_loss's target, ctc_loss's lengths).
    case always
    /// When its shape differs from the input's: class indices, where a tensor of the input's shape
    /// holds class probabilities (cross_entropy's target).
    case unlessShapedLikeInput
    /// When `test` says so for the call's tensors (linear_cross_entropy's target, whose
    /// probabilities have the logits' shape, not the input's).
    case when(@Sendable ([String: Tensor]) -> Bool)
  }

  /// Whether this tensor is int64 in PyTorch for a call with `tensors`.
  public func isInteger(in tensors: [String: Tensor]) -> Bool {
    switch integer {
    case nil: return false
    case .always: return true
    case .unlessShapedLikeInput:
      guard let input = tensors[.input], let target = tensors[name] else { return true }
      return input.shape != target.shape
    case .when(let test): return test(tensors)
    }
  }

  public var key: TensorKey { TensorKey(name) }

  /// `--log-probs`.
  public var flag: String { "--" + name.replacingUnderscores() }
}

/// Which results a caller wants; a loss may skip work for results nobody asked for.
public struct LossOutputs: OptionSet, Sendable {
  public let rawValue: Int
  public init(rawValue: Int) { self.rawValue = rawValue }
  public static let value = LossOutputs(rawValue: 1)
  public static let elementwise = LossOutputs(rawValue: 2)
  public static let gradients = LossOutputs(rawValue: 4)
  public static let all: LossOutputs = [.value, .elementwise, .gradients]
}

/// The result of one computation.
public struct LossResult: Sendable {
  /// The reduced loss; for `reduction=none` it is the elementwise tensor itself.
  public var value: Tensor
  /// The loss with `reduction='none'`, in PyTorch's 'none' shape.
  public var elementwise: Tensor
  /// d loss / d tensor for every tensor PyTorch differentiates, in registry order.
  public var gradients: [(name: String, gradient: Tensor)]
  /// Further tensors the module returns beside its loss, by name (AdaptiveLogSoftmaxWithLoss's
  /// `output`, the per-sample log-probability of the target).
  public var extraOutputs: [(name: String, tensor: Tensor)] = []
  /// PyTorch's warnings for this call, one line each (without the `swiftloss: warning:` prefix).
  public var warnings: [String]

  public init(
    value: Tensor, elementwise: Tensor, gradients: [(name: String, gradient: Tensor)], warnings: [String] = []
  ) {
    self.value = value
    self.elementwise = elementwise
    self.gradients = gradients
    self.warnings = warnings
  }

  /// The gradient of a tensor the loss declares, when it has one.
  public func gradient(_ key: TensorKey) -> Tensor? { gradients.first { $0.name == key.name }?.gradient }
}

extension Array where Element == (name: String, gradient: Tensor) {
  /// Appends the gradient of the tensor `key`.
  public mutating func append(_ key: TensorKey, _ gradient: Tensor) { append((key.name, gradient)) }
}

/// A loss in the registry: its names, its tensors and options, and how to compute it.
///
/// Each loss is one file that defines a `static let` of this type; ``LossRegistry/all`` lists them.
public struct LossDefinition: Sendable {
  /// The declaration itself, behind one reference (see ``storage``).
  struct Fields: Sendable {
    var functionalName: String
    var moduleName: String
    var aliases: [String]
    var teaching: LossTeaching
    var summary: String
    var tensors: [TensorSpec]
    var tensorFamilies: [TensorFamily]
    var options: [OptionSpec]
    var acceptsLegacyReduction: Bool
    var checkOptions: (@Sendable (LossOptions) throws(LossError) -> Void)?
    var pointwiseKernel: (@Sendable (LossOptions) -> AnyPointwiseKernel?)?
    var compute: @Sendable (LossCall) throws(LossError) -> LossResult
  }

  /// Shared, copied on write: a definition travels with every ``LossCall`` (each line of `batch`
  /// makes one), and one reference is one retain where the fields (names, specs, closures, the
  /// teaching) would be dozens.
  final class Storage: @unchecked Sendable {
    // Mutated only through `update`, when this instance is the sole owner.
    var fields: Fields
    init(_ fields: Fields) { self.fields = fields }
  }

  private var storage: Storage

  private mutating func update(_ change: (inout Fields) -> Void) {
    if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.fields) }
    change(&storage.fields)
  }

  /// PyTorch's functional name: `mse_loss` (the canonical name in output).
  public internal(set) var functionalName: String {
    get { storage.fields.functionalName }
    set { update { $0.functionalName = newValue } }
  }

  /// PyTorch's module name: `MSELoss`.
  public internal(set) var moduleName: String {
    get { storage.fields.moduleName }
    set { update { $0.moduleName = newValue } }
  }

  /// Further names from the contract (`mse`, `ce`, `NLLLoss2d`); the canonical and module names,
  /// with their `nn.`/`F.`/`torch.nn.` prefixes, resolve without being listed.
  public internal(set) var aliases: [String] {
    get { storage.fields.aliases }
    set { update { $0.aliases = newValue } }
  }

  /// What `explain`, the lesson page, `plot`, the traces and `--emit-python` show of this loss.
  public internal(set) var teaching: LossTeaching {
    get { storage.fields.teaching }
    set { update { $0.teaching = newValue } }
  }

  /// One line for `list` and help.
  public internal(set) var summary: String {
    get { storage.fields.summary }
    set { update { $0.summary = newValue } }
  }

  public internal(set) var tensors: [TensorSpec] {
    get { storage.fields.tensors }
    set { update { $0.tensors = newValue } }
  }

  /// Parameters whose number follows from the options (a module's `state_dict` entries), after
  /// ``tensors``; see ``tensorSpecs(for:)``.
  public internal(set) var tensorFamilies: [TensorFamily] {
    get { storage.fields.tensorFamilies }
    set { update { $0.tensorFamilies = newValue } }
  }

  public internal(set) var options: [OptionSpec] {
    get { storage.fields.options }
    set { update { $0.options = newValue } }
  }

  /// Whether PyTorch accepts the deprecated `size_average`/`reduce` arguments for this loss.
  public internal(set) var acceptsLegacyReduction: Bool {
    get { storage.fields.acceptsLegacyReduction }
    set { update { $0.acceptsLegacyReduction = newValue } }
  }

  /// PyTorch's constructor checks of the options alone (AdaptiveLogSoftmaxWithLoss's cutoffs), run
  /// before any tensor is looked at.
  public internal(set) var checkOptions: (@Sendable (LossOptions) throws(LossError) -> Void)? {
    get { storage.fields.checkOptions }
    set { update { $0.checkOptions = newValue } }
  }

  /// For a loss of `input` and `target` element by element (and nothing else when only those two
  /// are given): its kernel under the given options, or nil when the options are invalid (the
  /// ordinary path then reports them). The engine uses it to compute the value alone without
  /// storing the tensors (``pairedValue(sources:options:outputs:readOptions:)``).
  public internal(set) var pointwiseKernel: (@Sendable (LossOptions) -> AnyPointwiseKernel?)? {
    get { storage.fields.pointwiseKernel }
    set { update { $0.pointwiseKernel = newValue } }
  }

  /// Computes the loss. Throws `.data` for bad tensors and `.usage` for bad option values.
  public internal(set) var compute: @Sendable (LossCall) throws(LossError) -> LossResult {
    get { storage.fields.compute }
    set { update { $0.compute = newValue } }
  }

  public init(
    functionalName: String, moduleName: String, aliases: [String] = [], teaching: LossTeaching, summary: String,
    tensors: [TensorSpec], tensorFamilies: [TensorFamily] = [], options: [OptionSpec],
    acceptsLegacyReduction: Bool = true, pointwiseKernel: (@Sendable (LossOptions) -> AnyPointwiseKernel?)? = nil,
    checkOptions: (@Sendable (LossOptions) throws(LossError) -> Void)? = nil,
    compute: @escaping @Sendable (LossCall) throws(LossError) -> LossResult
  ) {
    storage = Storage(
      Fields(
        functionalName: functionalName,
        moduleName: moduleName,
        aliases: aliases,
        teaching: teaching,
        summary: summary,
        tensors: tensors,
        tensorFamilies: tensorFamilies,
        options: options,
        acceptsLegacyReduction: acceptsLegacyReduction,
        checkOptions: checkOptions,
        pointwiseKernel: pointwiseKernel,
        compute: compute))
  }

  /// The short name users type most (`mse`), else the functional name.
  public var shortName: String { aliases.first ?? functionalName }

  public func tensorSpec(_ name: String) -> TensorSpec? {
    tensors.first { $0.name == name } ?? tensorFamilies.first { $0.contains(name) }?.spec(name)
  }

  /// The fixed tensors and, after them, the members of every family for these options: every
  /// tensor one computation takes, in the order gradients are reported.
  public func tensorSpecs(for options: LossOptions) -> [TensorSpec] {
    tensors + tensorFamilies.flatMap { family in family.names(for: options).map(family.spec) }
  }
  public func optionSpec(_ name: String) -> OptionSpec? { options.first { $0.name == name } }

  /// Runs a resolved call: the one entry point for the front end, teaching and the tests.
  public func run(_ call: LossCall) throws(LossError) -> LossResult {
    try reserveMemory(tensors: call.tensors, outputs: call.outputs)
    return try compute(call)
  }

  /// The required tensors missing from `given` (names, flags or `--data` keys resolved to names),
  /// worded once for every caller: `ctc_loss needs --input-lengths and --target-lengths`.
  public func checkRequiredTensors(given: Set<String>, hint: String = "") throws(LossError) {
    let missing = tensors.filter { $0.isRequired && !given.contains($0.name) }.map(\.flag)
    guard missing.isEmpty else {
      throw LossError.usage("\(functionalName) needs \(missing.joined(separator: " and "))\(hint)")
    }
  }

  /// The family members given against those the options ask for, worded as `load_state_dict`
  /// words a mismatch (on one line).
  func checkFamilies(_ tensors: [String: Tensor], _ options: LossOptions) throws(LossError) {
    guard !tensorFamilies.isEmpty else { return }
    let expected = tensorFamilies.flatMap { $0.names(for: options) }
    let missing = expected.filter { tensors[$0] == nil }
    let unexpected = tensors.keys.filter { name in
      !expected.contains(name) && tensorFamilies.contains { $0.contains(name) }
    }.sorted { $0.compare(numerically: $1) }
    guard !missing.isEmpty || !unexpected.isEmpty else { return }
    func list(_ names: [String]) -> String { names.map { "\"\($0)\"" }.joined(separator: ", ") }
    var parts: [String] = []
    if !unexpected.isEmpty { parts.append("Unexpected key(s) in state_dict: \(list(unexpected)).") }
    if !missing.isEmpty { parts.append("Missing key(s) in state_dict: \(list(missing)).") }
    throw LossError.usage(
      "Error(s) in loading state_dict for \(moduleName): " + parts.joined(separator: " ")
        + " (give every parameter by its state_dict name with --data/--params; the options decide which exist)")
  }
}

extension String {
  /// `tail.2.0.weight` before `tail.10.0.weight`: runs of digits compare as numbers.
  func compare(numerically other: String) -> Bool {
    var a = Array(utf8)[...], b = Array(other.utf8)[...]
    func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    while let x = a.first, let y = b.first {
      if isDigit(x) && isDigit(y) {
        let da = a.prefix(while: isDigit), db = b.prefix(while: isDigit)
        let na = da.drop { $0 == 48 }, nb = db.drop { $0 == 48 }
        if na.count != nb.count { return na.count < nb.count }
        if !na.elementsEqual(nb) { return na.lexicographicallyPrecedes(nb) }
        a = a.dropFirst(da.count)
        b = b.dropFirst(db.count)
      } else {
        if x != y { return x < y }
        a = a.dropFirst()
        b = b.dropFirst()
      }
    }
    return a.isEmpty && !b.isEmpty
  }
}

extension LossDefinition {
  /// Asks for the memory a computation on `tensors` may need before any of it is allocated (see
  /// ``LargeArray/canAllocate(bytes:)``): the broadcast copies of the operands, the elementwise
  /// loss, one gradient per tensor and two temporaries, each as large as the largest tensor. An
  /// estimate, generous for most losses; what it refuses is reported as
  /// `out of memory computing LOSS (N bytes)` instead of a trap.
  func reserveMemory(tensors: [String: Tensor], outputs: LossOutputs) throws(LossError) {
    let largest = tensors.values.map(\.count).max() ?? 0
    let arrays = 2 * tensors.count + 3
    let (bytes, overflow) = largest.multipliedReportingOverflow(by: arrays * MemoryLayout<Double>.stride)
    guard overflow || !LargeArray.canAllocate(bytes: bytes) else { return }
    throw LossError.data("out of memory computing \(functionalName) (\(overflow ? Int.max : bytes) bytes)")
  }
}
