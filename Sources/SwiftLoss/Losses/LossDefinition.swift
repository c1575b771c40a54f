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

  public init(_ name: String, required: Bool = true, gradient: Bool, aliases: [String] = [], help: String) {
    self.name = name
    self.isRequired = required
    self.hasGradient = gradient
    self.aliases = aliases
    self.help = help
  }

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

/// Everything a loss needs for one computation.
public struct LossArguments: Sendable {
  /// The tensors given, keyed by PyTorch argument name.
  public var tensors: [String: Tensor]
  public var options: LossOptions
  public var outputs: LossOutputs
  /// Whether the reduction came from the deprecated `size_average`/`reduce` flags: PyTorch's
  /// functionals then skip some warnings (kl_div's 'mean' warning).
  public var reductionFromLegacyFlags: Bool

  public init(
    tensors: [String: Tensor], options: LossOptions, outputs: LossOutputs = .all, reductionFromLegacyFlags: Bool = false
  ) {
    self.tensors = tensors
    self.options = options
    self.outputs = outputs
    self.reductionFromLegacyFlags = reductionFromLegacyFlags
  }

  public var reduction: Reduction { options.reduction }

  /// A required tensor (the front end has already checked presence against the registry).
  public func tensor(_ name: String) throws(LossError) -> Tensor {
    guard let tensor = tensors[name] else { throw LossError.usage("missing tensor --\(name.replacingUnderscores())") }
    return tensor
  }

  /// An optional tensor.
  public func optionalTensor(_ name: String) -> Tensor? { tensors[name] }
}

/// The result of one computation.
public struct LossResult: Sendable {
  /// The reduced loss; for `reduction=none` it is the elementwise tensor itself.
  public var value: Tensor
  /// The loss with `reduction='none'`, in PyTorch's 'none' shape.
  public var elementwise: Tensor
  /// d loss / d tensor for every tensor PyTorch differentiates, in registry order.
  public var gradients: [(name: String, gradient: Tensor)]
  /// PyTorch's warnings for this call, one line each (without the `swiftloss: warning:` prefix).
  public var warnings: [String]

  public init(value: Tensor, elementwise: Tensor, gradients: [(name: String, gradient: Tensor)], warnings: [String] = []) {
    self.value = value
    self.elementwise = elementwise
    self.gradients = gradients
    self.warnings = warnings
  }

  public func gradient(_ name: String) -> Tensor? { gradients.first { $0.name == name }?.gradient }
}

/// A loss in the registry: its names, its tensors and options, and how to compute it.
///
/// Each loss is one file that defines a `static let` of this type; ``LossRegistry/all`` lists them.
public struct LossDefinition: Sendable {
  /// PyTorch's functional name: `mse_loss` (the canonical name in output).
  public var functionalName: String
  /// PyTorch's module name: `MSELoss`.
  public var moduleName: String
  /// Further names from the contract (`mse`, `ce`, `NLLLoss2d`); the canonical and module names,
  /// with their `nn.`/`F.`/`torch.nn.` prefixes, resolve without being listed.
  public var aliases: [String]
  /// One line for `list` and help.
  public var summary: String
  public var tensors: [TensorSpec]
  public var options: [OptionSpec]
  /// Whether PyTorch accepts the deprecated `size_average`/`reduce` arguments for this loss.
  public var acceptsLegacyReduction: Bool
  /// For a loss of `input` and `target` element by element (and nothing else when only those two
  /// are given): its kernel under the given options, or nil when the options are invalid (the
  /// ordinary path then reports them). The engine uses it to compute the value alone without
  /// storing the tensors (``pairedValue(sources:options:outputs:readOptions:)``).
  public var pointwiseKernel: (@Sendable (LossOptions) -> AnyPointwiseKernel?)?
  /// Computes the loss. Throws `.data` for bad tensors and `.usage` for bad option values.
  public var compute: @Sendable (LossArguments) throws(LossError) -> LossResult

  public init(
    functionalName: String, moduleName: String, aliases: [String] = [], summary: String,
    tensors: [TensorSpec], options: [OptionSpec], acceptsLegacyReduction: Bool = true,
    pointwiseKernel: (@Sendable (LossOptions) -> AnyPointwiseKernel?)? = nil,
    compute: @escaping @Sendable (LossArguments) throws(LossError) -> LossResult
  ) {
    self.functionalName = functionalName
    self.moduleName = moduleName
    self.aliases = aliases
    self.summary = summary
    self.tensors = tensors
    self.options = options
    self.acceptsLegacyReduction = acceptsLegacyReduction
    self.pointwiseKernel = pointwiseKernel
    self.compute = compute
  }

  /// The short name users type most (`mse`), else the functional name.
  public var shortName: String { aliases.first ?? functionalName }

  public func tensorSpec(_ name: String) -> TensorSpec? { tensors.first { $0.name == name } }
  public func optionSpec(_ name: String) -> OptionSpec? { options.first { $0.name == name } }

  /// Resolves options and runs the computation: the one entry point for the CLI and the tests.
  public func run(
    tensors: [String: Tensor], options given: [String: OptionValue], outputs: LossOutputs = .all,
    reductionFromLegacyFlags: Bool = false
  ) throws(LossError) -> LossResult {
    let options = try LossOptions(specs: options, given: given)
    for spec in self.tensors where spec.isRequired && tensors[spec.name] == nil {
      throw LossError.usage("\(functionalName) needs \(spec.flag)")
    }
    try reserveMemory(tensors: tensors, outputs: outputs)
    return try compute(
      LossArguments(
        tensors: tensors, options: options, outputs: outputs, reductionFromLegacyFlags: reductionFromLegacyFlags))
  }

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
