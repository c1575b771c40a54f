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
  /// Instead of `input` and `target` tensors: two files a pointwise loss reads itself (only for a
  /// definition that ``LossDefinition/readsTextPairs``, only for the value).
  package var textPair: DelimitedTextPair?

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
  /// Whether `compute` can take its `input` and `target` as a ``DelimitedTextPair`` (see
  /// ``value(of:options:)``).
  public var readsTextPairs: Bool
  /// Computes the loss. Throws `.data` for bad tensors and `.usage` for bad option values.
  public var compute: @Sendable (LossArguments) throws(LossError) -> LossResult

  public init(
    functionalName: String, moduleName: String, aliases: [String] = [], summary: String,
    tensors: [TensorSpec], options: [OptionSpec], acceptsLegacyReduction: Bool = true, readsTextPairs: Bool = false,
    compute: @escaping @Sendable (LossArguments) throws(LossError) -> LossResult
  ) {
    self.functionalName = functionalName
    self.moduleName = moduleName
    self.aliases = aliases
    self.summary = summary
    self.tensors = tensors
    self.options = options
    self.acceptsLegacyReduction = acceptsLegacyReduction
    self.readsTextPairs = readsTextPairs
    self.compute = compute
  }

  /// The short name users type most (`mse`), else the functional name.
  public var shortName: String { aliases.first ?? functionalName }

  public func tensorSpec(_ name: String) -> TensorSpec? { tensors.first { $0.name == name } }
  public func optionSpec(_ name: String) -> OptionSpec? { options.first { $0.name == name } }

  /// The value alone, for `input` and `target` given as two delimited-text files read together
  /// (``TensorReader/openTextPair(_:_:options:)``): bit-identical to ``run(tensors:options:outputs:reductionFromLegacyFlags:)``
  /// with `outputs: .value` on the tensors the files hold. Nil when this loss cannot read a pair, the
  /// reduction is `none`, or anything fails (options, files): the ordinary path, run then, reports it.
  public func value(of pair: DelimitedTextPair, options given: [String: OptionValue]) -> LossResult? {
    guard readsTextPairs, let options = try? LossOptions(specs: options, given: given),
      options.reduction == .mean || options.reduction == .sum
    else { return nil }
    var arguments = LossArguments(tensors: [:], options: options, outputs: .value)
    arguments.textPair = pair
    return try? compute(arguments)
  }

  /// Resolves options and runs the computation: the one entry point for the CLI and the tests.
  public func run(
    tensors: [String: Tensor], options given: [String: OptionValue], outputs: LossOutputs = .all,
    reductionFromLegacyFlags: Bool = false
  ) throws(LossError) -> LossResult {
    let options = try LossOptions(specs: options, given: given)
    for spec in self.tensors where spec.isRequired && tensors[spec.name] == nil {
      throw LossError.usage("\(functionalName) needs \(spec.flag)")
    }
    return try compute(
      LossArguments(
        tensors: tensors, options: options, outputs: outputs, reductionFromLegacyFlags: reductionFromLegacyFlags))
  }
}
