/// What the horizontal axis of a loss plot means.
public enum PlotAxisKind: String, Sendable {
  /// The prediction error `x − y` of a regression loss (target 0).
  case error
  /// The signed score of the true class: a logit with target 1, or the margin `y·f(x)`.
  case margin
  /// The predicted probability of the true class (target 1).
  case probability
  /// A distance between a dissimilar pair (target −1).
  case distance

  public var label: String {
    switch self {
    case .error: return "prediction error x − y"
    case .margin: return "margin (logit or score of the true class)"
    case .probability: return "predicted probability of the true class"
    case .distance: return "distance x of a dissimilar pair (target −1)"
    }
  }
}

/// How to evaluate one registry loss as a function of one number: the tensors for a batch of
/// points (one point per sample, evaluated with `reduction='none'`) and where the derivative is.
public struct PlotProbe: Sendable {
  public var kind: PlotAxisKind
  public var defaultRange: ClosedRange<Double>
  /// What is held fixed, for the legend and the SVG caption: "target 0", "target 1, second logit 0".
  public var setting: String
  /// The tensors for points `t`.
  var tensors: @Sendable ([Double]) -> [String: Tensor]
  /// The name of the tensor whose gradient is the derivative, and the stride and offset of the
  /// plotted variable in it (cross_entropy's true logit is every second element).
  var gradientName: String
  var stride: Int = 1
}

/// One curve: a loss (with its options) evaluated on a grid, and optionally its derivative.
public struct PlotCurve: Sendable {
  public var label: String
  public var xs: [Double]
  public var ys: [Double]
  public var derivative: [Double]?
}

/// Curves of one or more losses over a common axis.
public struct PlotData: Sendable {
  public var kind: PlotAxisKind
  public var range: ClosedRange<Double>
  public var curves: [PlotCurve]
  public var hasDerivative: Bool { curves.contains { $0.derivative != nil } }
}

/// `swiftloss plot`: losses as functions of the error or margin, computed by the registry losses
/// themselves (every point is one sample of a `reduction='none'` call), never by a re-implemented
/// formula.
public enum LossPlot {
  static func column(_ values: [Double]) -> Tensor { Tensor(validatedShape: [values.count], storage: values) }
  static func filled(_ value: Double, _ count: Int) -> Tensor { Tensor(repeating: value, shape: [count]) }
  static func pairs(_ values: [Double], second: Double) -> Tensor {
    var storage: [Double] = []
    storage.reserveCapacity(values.count * 2)
    for v in values { storage.append(v); storage.append(second) }
    return Tensor(validatedShape: [values.count, 2], storage: storage)
  }

  /// The probe of a loss, or `nil` when a one-variable curve would not mean much (the loss depends
  /// on whole vectors or sequences).
  public static func probe(for definition: LossDefinition) -> PlotProbe? {
    probe(named: definition.functionalName)
  }

  static func probe(named name: String) -> PlotProbe? {
    switch name {
    case "l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss":
      return PlotProbe(kind: .error, defaultRange: -3...3, setting: "target 0",
        tensors: { t in ["input": column(t), "target": filled(0, t.count)] }, gradientName: "input")
    case "gaussian_nll_loss":
      return PlotProbe(kind: .error, defaultRange: -3...3, setting: "target 0, var 1",
        tensors: { t in ["input": column(t), "target": filled(0, t.count), "var": filled(1, t.count)] },
        gradientName: "input")
    case "binary_cross_entropy_with_logits", "soft_margin_loss":
      return PlotProbe(kind: .margin, defaultRange: -4...4, setting: "target 1",
        tensors: { t in ["input": column(t), "target": filled(1, t.count)] }, gradientName: "input")
    case "multilabel_soft_margin_loss":
      return PlotProbe(kind: .margin, defaultRange: -4...4, setting: "one class, target 1",
        tensors: { t in
          ["input": Tensor(validatedShape: [t.count, 1], storage: t), "target": Tensor(repeating: 1, shape: [t.count, 1])]
        }, gradientName: "input")
    case "cross_entropy":
      return PlotProbe(kind: .margin, defaultRange: -4...4, setting: "2 classes, true logit t, other 0",
        tensors: { t in ["input": pairs(t, second: 0), "target": filled(0, t.count)] }, gradientName: "input", stride: 2)
    case "multi_margin_loss":
      return PlotProbe(kind: .margin, defaultRange: -4...4, setting: "2 classes, true score t, other 0",
        tensors: { t in ["input": pairs(t, second: 0), "target": filled(0, t.count)] }, gradientName: "input", stride: 2)
    case "margin_ranking_loss":
      return PlotProbe(kind: .margin, defaultRange: -4...4, setting: "x1 = t, x2 = 0, target 1",
        tensors: { t in ["input1": column(t), "input2": filled(0, t.count), "target": filled(1, t.count)] },
        gradientName: "input1")
    case "binary_cross_entropy":
      return PlotProbe(kind: .probability, defaultRange: 0.01...1, setting: "target 1",
        tensors: { t in ["input": column(t), "target": filled(1, t.count)] }, gradientName: "input")
    case "hinge_embedding_loss":
      return PlotProbe(kind: .distance, defaultRange: 0...3, setting: "target −1",
        tensors: { t in ["input": column(t), "target": filled(-1, t.count)] }, gradientName: "input")
    default:
      return nil
    }
  }

  /// The names of the losses that can be plotted, in registry order.
  public static var plottable: [LossDefinition] { LossRegistry.all.filter { probe(for: $0) != nil } }

  /// Parses `--OPTION v1,v2,...` for plotting: one curve per value.
  public static func parseValues(_ text: String, for spec: OptionSpec) throws(LossError) -> [OptionValue] {
    var values: [OptionValue] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      let word = String(part).trimmingCharacters(in: " ")
      let value: OptionValue?
      switch spec.kind {
      case .double: value = Double(word).map(OptionValue.double)
      case .int: value = Int(word).map(OptionValue.int)
      case .bool:
        switch word.lowercased() {
        case "true", "1", "yes": value = .bool(true)
        case "false", "0", "no": value = .bool(false)
        default: value = nil
        }
      case .choice(let words): value = words.contains(word) ? .string(word) : nil
      case .intList: value = nil  // not a plotted loss's option
      }
      guard let value else {
        throw LossError.usage("invalid value '\(word)' for \(spec.flag): expected \(spec.kind.noun) (or a comma-separated list)")
      }
      values.append(value)
    }
    return values
  }

  /// Evaluates `losses` on `points` equally spaced points of `range` (the probe's default range
  /// when `nil`). `options[name]` lists values of an option: each loss that takes it gets one curve
  /// per value (per combination when several are given). Usage errors: a loss that cannot be
  /// plotted, losses with different axes, an option no plotted loss takes, an empty range.
  public static func evaluate(
    _ losses: [LossDefinition], options: [(name: String, values: [OptionValue])] = [], range: ClosedRange<Double>? = nil,
    points: Int = 241, derivative: Bool = false
  ) throws(LossError) -> PlotData {
    guard !losses.isEmpty else { throw LossError.usage("plot needs at least one loss, e.g. 'swiftloss plot huber mse'") }
    var probes: [(LossDefinition, PlotProbe)] = []
    for definition in losses {
      guard let probe = probe(for: definition) else {
        let names = plottable.map(\.shortName).joined(separator: ", ")
        throw LossError.usage(
          "plot: \(definition.functionalName) is not a function of one number (it depends on whole vectors or sequences); "
            + "losses that can be plotted: \(names)")
      }
      probes.append((definition, probe))
    }
    let kind = probes[0].1.kind
    if let other = probes.first(where: { $0.1.kind != kind }) {
      throw LossError.usage(
        "plot: \(probes[0].0.functionalName) is plotted against the \(kind.label) but \(other.0.functionalName) against the "
          + "\(other.1.kind.label); plot them separately")
    }
    for option in options where !losses.contains(where: { $0.optionSpec(option.name) != nil }) {
      throw LossError.usage("plot: none of \(losses.map(\.functionalName).joined(separator: ", ")) takes --\(option.name.replacingUnderscores())")
    }
    let range = range ?? probes[0].1.defaultRange
    guard range.lowerBound < range.upperBound, range.lowerBound.isFinite, range.upperBound.isFinite else {
      throw LossError.usage("plot: the range must be A:B with finite A < B")
    }
    let count = max(2, points)
    let xs = (0..<count).map { range.lowerBound + (range.upperBound - range.lowerBound) * Double($0) / Double(count - 1) }
    var curves: [PlotCurve] = []
    for (definition, probe) in probes {
      let taken = options.filter { definition.optionSpec($0.name) != nil }
      // Every combination of the given values.
      var combinations: [[(String, OptionValue)]] = [[]]
      for option in taken {
        combinations = combinations.flatMap { prefix in option.values.map { prefix + [(option.name, $0)] } }
      }
      for combination in combinations {
        var given: [String: OptionValue] = ["reduction": .string("none")]
        for (name, value) in combination { given[name] = value }
        let result = try definition.run(
          tensors: probe.tensors(xs), options: given, outputs: derivative ? [.elementwise, .gradients] : [.elementwise])
        var label = definition.shortName
        if !combination.isEmpty {
          label += " (" + combination.map { "\($0.0)=\(PythonText.option($0.1))" }.joined(separator: ", ") + ")"
        }
        var slope: [Double]?
        if derivative, let gradient = result.gradient(probe.gradientName) {
          slope = (0..<count).map { i in
            let index = i * probe.stride
            return index < gradient.count ? gradient.storage[index] : .nan
          }
        }
        let ys = result.elementwise.count == count ? result.elementwise.storage : [Double](repeating: .nan, count: count)
        curves.append(PlotCurve(label: label, xs: xs, ys: ys, derivative: slope))
      }
    }
    return PlotData(kind: kind, range: range, curves: curves)
  }

  /// `-3:3`, `-3..3`, `0.01:1`.
  public static func parseRange(_ text: String) throws(LossError) -> ClosedRange<Double> {
    let separators: [String] = [":", ".."]
    for separator in separators {
      // Split at the separator that follows the first number (a leading '-' belongs to it).
      let characters = Array(text)
      var index = 1
      while index < characters.count {
        let rest = String(characters[index...])
        if rest.hasPrefix(separator) {
          let low = String(characters[..<index]), high = String(rest.dropFirst(separator.count))
          if let a = Double(low.trimmingCharacters(in: " ")), let b = Double(high.trimmingCharacters(in: " ")),
            a.isFinite, b.isFinite, a < b, (b - a).isFinite
          {
            return a...b
          }
          break
        }
        index += 1
      }
    }
    throw LossError.usage("invalid value '\(text)' for --range: expected A:B with A < B, e.g. -3:3")
  }
}

extension String {
  /// Without leading and trailing characters from `set`.
  func trimmingCharacters(in set: Character) -> String {
    var slice = Substring(self)
    while slice.first == set { slice.removeFirst() }
    while slice.last == set { slice.removeLast() }
    return String(slice)
  }
}
