/// One computation, resolved once: the loss, its tensors, its options with their defaults, the
/// results wanted, and how the reduction was given.
///
/// The front end builds it once (a single call, each line of `batch`) after reading the tensors;
/// ``LossDefinition/run(_:)``, the tracer, the Python emitter and the gradient check all take it,
/// so the deprecated `size_average`/`reduce` mapping, the constructor checks of the options and the
/// presence of the required tensors are decided here and nowhere else.
public struct LossCall: Sendable {
  /// How the reduction of a call was given; PyTorch's functionals treat the legacy flags apart.
  public enum ReductionSource: Sendable, Equatable {
    /// Not given: the loss's default.
    case byDefault
    /// `--reduction WORD`.
    case explicit
    /// The deprecated `size_average`/`reduce` flags decided it (mapped as
    /// `torch.nn._reduction.legacy_get_string`); `requested` is a `--reduction` typed beside
    /// them, which `F.kl_div` still reads ('batchmean').
    case legacy(sizeAverage: Bool?, reduce: Bool?, requested: Reduction?)
  }

  /// A call's options before its tensors are read, and how its reduction was given.
  public typealias ResolvedOptions = (options: LossOptions, reductionSource: ReductionSource)

  public let definition: LossDefinition
  /// The tensors given, keyed by PyTorch argument name (a module's parameters by `state_dict` key).
  public private(set) var tensors: [String: Tensor]
  /// Every declared option, given or default, the legacy flags applied to `reduction`.
  public let options: LossOptions
  /// The options as the user gave them, before the legacy mapping (the Python emitter writes
  /// exactly these).
  public let givenOptions: [String: OptionValue]
  public private(set) var outputs: LossOutputs
  public let reductionSource: ReductionSource
  /// Whether the loss was named as its module (`nn.KLDivLoss`) rather than its functional: where the
  /// two differ (legacy flags with kl_div), a module spelling follows the module.
  public let spelledAsModule: Bool
  /// The tensors given as a bare inline number (`--var 0.5`): PyTorch's Python floats, which
  /// broadcast and take no gradient (gaussian_nll's `var`); a 0-d tensor from a file is a tensor.
  public let bareNumbers: Set<String>

  /// Resolves a call: the legacy flags mapped onto `reduction`, every option resolved against the
  /// loss's specs, the loss's constructor checks, the required tensors and a module's parameter
  /// family checked. Throws `.usage` for each.
  public init(
    _ definition: LossDefinition, tensors: [String: Tensor], options given: [String: OptionValue],
    sizeAverage: Bool? = nil, reduce: Bool? = nil, outputs: LossOutputs = .all, spelledAsModule: Bool = false,
    bareNumbers: Set<String> = []
  ) throws(LossError) {
    try self.init(
      definition, tensors: tensors, given: given,
      resolved: try Self.resolveOptions(of: definition, given, sizeAverage: sizeAverage, reduce: reduce),
      outputs: outputs, spelledAsModule: spelledAsModule, bareNumbers: bareNumbers)
  }

  /// A call whose options were resolved before the tensors were read (by ``resolveOptions(of:_:sizeAverage:reduce:)``,
  /// once): the remaining checks.
  public init(
    _ definition: LossDefinition, tensors: [String: Tensor], given: [String: OptionValue],
    resolved: ResolvedOptions, outputs: LossOutputs = .all,
    spelledAsModule: Bool = false, bareNumbers: Set<String> = []
  ) throws(LossError) {
    let (options, source) = resolved
    try definition.checkOptions?(options)
    try definition.checkRequiredTensors(given: Set(tensors.keys))
    try definition.checkFamilies(tensors, options)
    self.definition = definition
    self.tensors = tensors
    self.options = options
    self.givenOptions = given
    self.outputs = outputs
    self.reductionSource = source
    self.spelledAsModule = spelledAsModule
    self.bareNumbers = bareNumbers
  }

  /// The options of a call, before any tensor is read (the value-only paired reading needs them):
  /// PyTorch's `legacy_get_string` mapping of `size_average`/`reduce`, then each option coerced to
  /// its spec's kind.
  public static func resolveOptions(
    of definition: LossDefinition, _ given: [String: OptionValue], sizeAverage: Bool? = nil, reduce: Bool? = nil
  ) throws(LossError) -> ResolvedOptions {
    let reductionName = OptionKey<Reduction>.reduction.name
    guard sizeAverage != nil || reduce != nil else {
      let source: ReductionSource = given[reductionName] == nil ? .byDefault : .explicit
      return (try LossOptions(specs: definition.options, given: given), source)
    }
    var effective = given
    effective[reductionName] = Reduction.legacy(sizeAverage: sizeAverage, reduce: reduce).optionValue
    let requested = given[reductionName].flatMap(Reduction.init(resolved:))
    return (
      try LossOptions(specs: definition.options, given: effective),
      .legacy(sizeAverage: sizeAverage, reduce: reduce, requested: requested)
    )
  }

  /// The effective reduction (after the legacy flags).
  public var reduction: Reduction { options.reduction }

  /// Whether the reduction came from the deprecated `size_average`/`reduce` flags: PyTorch's
  /// functionals then skip some warnings (kl_div's 'mean' warning).
  public var reductionFromLegacyFlags: Bool {
    if case .legacy = reductionSource { return true }
    return false
  }

  /// The reduction asked for by name when legacy flags decided ``reduction``: `F.kl_div(...,
  /// reduce=..., reduction='batchmean')` reduces by the flags and still divides by the batch size.
  public var requestedReduction: Reduction? {
    switch reductionSource {
    case .legacy(_, _, let requested): return requested
    case .explicit: return options.reduction
    case .byDefault: return nil
    }
  }

  /// The deprecated flags as given (nil when neither was).
  public var legacyFlags: (sizeAverage: Bool?, reduce: Bool?)? {
    guard case .legacy(let sizeAverage, let reduce, _) = reductionSource else { return nil }
    return (sizeAverage, reduce)
  }

  /// A required tensor (the call was checked against the registry when it was resolved).
  public subscript(key: TensorKey) -> Tensor {
    get throws(LossError) {
      guard let tensor = tensors[key.name] else {
        throw LossError.usage("missing tensor --\(key.name.replacingUnderscores())")
      }
      return tensor
    }
  }

  /// An optional tensor: nil when it was not given.
  public subscript(optional key: TensorKey) -> Tensor? { tensors[key.name] }

  /// Whether `key` was given as a bare inline number (a Python float).
  public func isBareNumber(_ key: TensorKey) -> Bool { bareNumbers.contains(key.name) }

  /// The same call on other tensors (the gradient check's perturbed copies, a loss's inner call),
  /// checked as a new call is: a required tensor or a parameter missing is a `.usage` error.
  public func with(tensors: [String: Tensor], outputs: LossOutputs? = nil) throws(LossError) -> LossCall {
    try definition.checkRequiredTensors(given: Set(tensors.keys))
    try definition.checkFamilies(tensors, options)
    var call = self
    call.tensors = tensors
    if let outputs { call.outputs = outputs }
    return call
  }
}
