/// What swiftloss teaches about one loss, declared beside the loss itself: a ``LossDefinition``
/// cannot be written without it, so a new loss compiles only once its teaching exists, and no
/// part of the teaching code needs to know a loss by its name.
///
/// A pointwise loss usually gives its explanation and a plot probe and takes the defaults for
/// the rest:
/// ```
/// extension LossTeaching {
///   static let l1Loss = LossTeaching(
///     explanation: LossExplanation(...), plot: .residual, trace: .residual(weightedMean: .dividesByWeightSum))
/// }
/// ```
public struct LossTeaching: Sendable {
  /// The text of `swiftloss explain`, the lesson page and the trace's formula.
  public var explanation: LossExplanation
  /// The loss as a function of one number, for `swiftloss plot` and the lesson page. Every
  /// registered loss has one (a test checks it); `nil` is for a loss that is not a function of one
  /// number, which `plot` refuses.
  public var plot: PlotProbe?
  /// How `--explain` shows a computation step by step (``LossTraceStyle/elementwise`` for a loss
  /// computed element by element).
  public var trace: LossTraceStyle
  /// What `--emit-python` and `explain` write differently from the plain `F.name(tensors, options)`
  /// call (none for most losses).
  public var python: PythonQuirks
  /// Set when PyTorch's gradient is not the plain derivative of the loss, so that `--check-grad`
  /// says so and shows the error without PyTorch's extra term (ctc_loss).
  public var gradientAdjustment: GradientAdjustment?

  public init(
    explanation: LossExplanation, plot: PlotProbe?, trace: LossTraceStyle = .elementwise, python: PythonQuirks = .none,
    gradientAdjustment: GradientAdjustment? = nil
  ) {
    self.explanation = explanation
    self.plot = plot
    self.trace = trace
    self.python = python
    self.gradientAdjustment = gradientAdjustment
  }
}

/// How `--explain` traces one loss: the steps it shows between the operands and the reduction.
/// Each style is declared next to its step code (`LossTrace+*.swift`).
public struct LossTraceStyle: Sendable {
  /// Adds the steps of one computation to the trace.
  let steps: @Sendable (inout TraceContext) -> Void
  /// A regression loss of a residual `x − y`: the elementwise table shows the residual column.
  var showsResidual = false
  /// How `reduction='mean'` divides when a `weight` is given (the elementwise style only).
  var weightedMean: WeightedMean = .dividesByCount

  init(
    showsResidual: Bool = false, weightedMean: WeightedMean = .dividesByCount,
    steps: @escaping @Sendable (inout TraceContext) -> Void
  ) {
    self.steps = steps
    self.showsResidual = showsResidual
    self.weightedMean = weightedMean
  }

  /// A loss computed element by element: the broadcast operands, the formula and a table of the
  /// elements, then the reduction.
  public static let elementwise = LossTraceStyle { $0.pointwise() }

  /// A regression loss of the residual `x − y`; `weightedMean` is the one its `compute` passes to
  /// ``RegressionLoss`` (the trace's 'mean' must divide as the loss does).
  public static func residual(weightedMean: WeightedMean = .dividesByCount) -> LossTraceStyle {
    LossTraceStyle(showsResidual: true, weightedMean: weightedMean) { $0.pointwise() }
  }

  /// Losses with one value per sample over a class dimension (multi_margin, multilabel_margin,
  /// multilabel_soft_margin).
  public static let perSample = LossTraceStyle { $0.perSample() }
}

/// The places where PyTorch's spelling of a call differs from the plain
/// `F.name(tensors, keyword=value)` that `--emit-python` and `explain` write by default. Each is
/// off unless a loss sets it.
public struct PythonQuirks: Sendable {
  /// A 0-d tensor given as a bare number, which PyTorch takes as a Python float (gaussian_nll's
  /// `var`): written as `name = 0.5`, without a gradient.
  public var bareNumberTensor: TensorKey?
  /// Options that are the arguments of the loss's `distance_function` `nn.PairwiseDistance(p, eps)`
  /// rather than keywords of the loss (triplet_margin_with_distance's `p` and `eps`).
  public var pairwiseDistanceOptions: [OptionKey<Double>] = []
  /// Double options PyTorch wants as a Python int when their value is integral (multi_margin's `p`,
  /// which must be 1 or 2 as an int).
  public var integralOptions: [OptionKey<Double>] = []
  /// Options of swiftloss only, written into the call by ``arguments`` or not at all.
  public var unwrittenOptions: [AnyOptionKey] = []
  /// Tensors written as an expression instead of their name, and keyword arguments added to the
  /// call (linear_cross_entropy's reshaped module parameters and chunking options).
  var arguments: (@Sendable ([String: Tensor], LossOptions) -> (renamed: [String: String], keywords: [String]))?
  /// The `# module form:` comment, when the module is not built from the call's keywords
  /// (linear_cross_entropy's module owns its projection).
  var moduleForm: (@Sendable ([String: Tensor], LossOptions, _ keywords: [String]) -> String)?
  /// The whole script, for a module without a functional form whose call is not `F.name(...)`
  /// (AdaptiveLogSoftmaxWithLoss: built from its constructor's arguments, loaded with a
  /// `state_dict`); given the call and the command line that made it.
  var script: (@Sendable (LossCall, _ commandLine: String?) throws(LossError) -> String)?

  init(
    bareNumberTensor: TensorKey? = nil, pairwiseDistanceOptions: [OptionKey<Double>] = [],
    integralOptions: [OptionKey<Double>] = [], unwrittenOptions: [AnyOptionKey] = [],
    arguments: (@Sendable ([String: Tensor], LossOptions) -> (renamed: [String: String], keywords: [String]))? = nil,
    moduleForm: (@Sendable ([String: Tensor], LossOptions, _ keywords: [String]) -> String)? = nil,
    script: (@Sendable (LossCall, _ commandLine: String?) throws(LossError) -> String)? = nil
  ) {
    self.bareNumberTensor = bareNumberTensor
    self.pairwiseDistanceOptions = pairwiseDistanceOptions
    self.integralOptions = integralOptions
    self.unwrittenOptions = unwrittenOptions
    self.arguments = arguments
    self.moduleForm = moduleForm
    self.script = script
  }

  /// No quirk: the call is written as the registry declares it.
  public static let none = PythonQuirks()

  /// Whether `spec` is an argument of `nn.PairwiseDistance`, not of the loss.
  func isPairwiseDistanceOption(_ spec: OptionSpec) -> Bool {
    pairwiseDistanceOptions.contains { spec.declares($0) }
  }
}

/// A loss whose PyTorch gradient is not the plain derivative of its value: `--check-grad`
/// reports the error once the extra term is removed, with a note that says why.
public struct GradientAdjustment: Sendable {
  /// The tensor whose gradient carries the extra term.
  public var tensor: TensorKey
  /// The extra term for each element of that tensor, or nil when the call's tensors do not allow
  /// it to be computed.
  var extraTerm: @Sendable ([String: Tensor], Reduction) -> [Double]?
  /// The verdict column of the adjusted row: "after removing PyTorch's exp(log_probs) term".
  public var label: String
  /// Why the gradient differs, printed as a note under the table.
  public var note: String

  init(
    tensor: TensorKey, label: String, note: String,
    extraTerm: @escaping @Sendable ([String: Tensor], Reduction) -> [Double]?
  ) {
    self.tensor = tensor
    self.extraTerm = extraTerm
    self.label = label
    self.note = note
  }
}
