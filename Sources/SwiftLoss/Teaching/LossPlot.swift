#if canImport(Glibc)
  import Glibc
#endif

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
  /// The input itself, the target held fixed (poisson_nll: the log-rate or the rate).
  case input
  /// The probability of the blank in every frame (ctc_loss with one label).
  case blank
  /// The log-probability given for the true class (nll_loss; kl_div's input where the target is 1).
  case logProbability
  /// The anchor–negative distance of a triplet, the anchor–positive distance held at 1.
  case negativeDistance
  /// The angle between the two embeddings of a dissimilar pair (cosine_embedding_loss, target −1).
  case angle

  public var label: String {
    switch self {
    case .error: return "prediction error x − y"
    case .margin: return "margin (logit or score of the true class)"
    case .probability: return "predicted probability of the true class"
    case .distance: return "distance x of a dissimilar pair (target −1)"
    case .input: return "input x (target y = 2)"
    case .blank: return "probability of the blank in every frame"
    case .logProbability: return "log-probability of the true class"
    case .negativeDistance: return "anchor–negative distance (anchor–positive 1)"
    case .angle: return "angle between a dissimilar pair (radians, target −1)"
    }
  }
}

/// A number a plot may sweep like an option (`plot gaussian_nll --var 0.5,1,2`): a tensor a probe
/// holds fixed, or ctc_loss's frame count.
public struct PlotParameter: Sendable, Hashable {
  /// The flag's name (`var`, `frames`).
  public let name: String

  init(_ name: String) { self.name = name }

  /// A tensor held fixed at one value in every element.
  static func tensor(_ key: TensorKey) -> PlotParameter { PlotParameter(key.name) }

  /// ctc_loss's number of frames (the input length).
  static let frames = PlotParameter("frames")
}

/// A swept parameter of a probe, with its default and its help.
public struct PlotSweep: Sendable {
  public var parameter: PlotParameter
  public var defaultValue: Double
  public var help: String
  public var name: String { parameter.name }

  init(_ parameter: PlotParameter, default defaultValue: Double, help: String) {
    self.parameter = parameter
    self.defaultValue = defaultValue
    self.help = help
  }

  /// The spec its values are parsed with (a number per curve).
  public var spec: OptionSpec { OptionSpec(OptionKey<Double>(name), default: defaultValue, help: help) }
}

/// How to evaluate one registry loss as a function of one number: the tensors for a batch of
/// points (one point per sample, evaluated with `reduction='none'`) and where the derivative is.
public struct PlotProbe: Sendable {
  public var kind: PlotAxisKind
  public var defaultRange: ClosedRange<Double>
  /// What is held fixed, for the legend and the SVG caption: "target 0", "target 1, second logit 0".
  public var setting: String
  /// The tensors for points `t`, given the values of the ``sweeps`` (each at its default when not
  /// swept).
  var tensors: @Sendable ([Double], [PlotParameter: Double]) -> [String: Tensor]
  /// The tensor whose gradient is the derivative, and the stride and offset of the plotted
  /// variable in it (cross_entropy's true logit is every second element).
  var gradient: TensorKey
  var stride: Int = 1
  /// The derivative at the points from that tensor's gradient, when the plotted variable is not
  /// one element of it (chain rule: ctc_loss's blank probability enters every frame).
  var slope: (@Sendable ([Double], Tensor) -> [Double])? = nil
  /// Options the probe's tensors need, held fixed (adaptive_log_softmax's cutoffs); a plot's or a
  /// call's values for them are not applied.
  var options: [OptionSetting] = []
  /// Tensors held fixed that a plot may sweep like an option (`plot gaussian_nll --var 0.5,1,2`),
  /// with their defaults.
  public var sweeps: [PlotSweep] = []
  /// Where the elements of a real call sit on the horizontal axis (nil when they do not lie on
  /// this curve, e.g. cross_entropy's probability targets).
  var position: (@Sendable ([String: Tensor]) -> [Double]?)? = nil

  /// Whether the probe holds the option `name` fixed.
  func fixes(_ name: String) -> Bool { options.contains { $0.name == name } }
}

/// One curve: a loss (with its options) evaluated on a grid, and optionally its derivative.
public struct PlotCurve: Sendable {
  public var label: String
  public var xs: [Double]
  public var ys: [Double]
  public var derivative: [Double]?
  /// The label of an earlier curve this one coincides with on the plotted range (huber and
  /// smooth_l1 at delta = beta = 1): the legend says so, since one would hide the other.
  public var coincidesWith: String?
}

/// A point of a real call on the plot: one element at its place on the axis, on the curve.
public struct PlotMark: Sendable {
  public var x: Double
  public var y: Double
  public var derivative: Double?
}

/// Curves of one or more losses over a common axis.
public struct PlotData: Sendable {
  public var kind: PlotAxisKind
  public var range: ClosedRange<Double>
  public var curves: [PlotCurve]
  /// The elements of a real call (the lesson page marks them on its plot).
  public var marks: [PlotMark] = []
  public var hasDerivative: Bool { curves.contains { $0.derivative != nil } }
}

/// The shapes of probe several losses share, and the helpers the probes declared in the loss
/// files build their tensors and positions with.
extension PlotProbe {
  /// The regression losses of a residual (l1, mse, smooth_l1, huber): the loss of the error
  /// `x − y` against target 0.
  static let residual = PlotProbe(
    kind: .error, defaultRange: -3...3, setting: "target 0",
    tensors: { t, _ in named([.input: column(t), .target: filled(0, t.count)]) }, gradient: .input,
    position: { difference($0[.input], $0[.target]) { x, y in x - y } })

  /// The triplet losses: one feature, anchor 0, positive 1, negative −t, so d(a, n) = t (+ eps) and
  /// the swap's d(p, n) = 1 + t is never the smaller; d/dt = −g(negative).
  static func triplet(setting: String, options: [OptionSetting] = []) -> PlotProbe {
    PlotProbe(
      kind: .negativeDistance, defaultRange: 0...3, setting: setting,
      tensors: { t, _ in
        named([
          .anchor: Tensor(repeating: 0, shape: [t.count, 1]), .positive: Tensor(repeating: 1, shape: [t.count, 1]),
          .negative: Tensor(validatedShape: [t.count, 1], storage: t.map { -$0 }),
        ])
      }, gradient: .negative, slope: { t, gradient in t.indices.map { -gradient.storage[$0] } },
      options: options)
  }

  /// A probe's tensors, by key.
  static func named(_ tensors: KeyValuePairs<TensorKey, Tensor>) -> [String: Tensor] {
    [String: Tensor](keys: tensors)
  }

  static func column(_ values: [Double]) -> Tensor { Tensor(validatedShape: [values.count], storage: values) }
  static func filled(_ value: Double, _ count: Int) -> Tensor { Tensor(repeating: value, shape: [count]) }
  static func pairs(_ values: [Double], second: Double) -> Tensor {
    var storage: [Double] = []
    storage.reserveCapacity(values.count * 2)
    for v in values { storage.append(v); storage.append(second) }
    return Tensor(validatedShape: [values.count, 2], storage: storage)
  }

  /// `f(x, y)` elementwise over the broadcast of two tensors.
  static func difference(_ x: Tensor?, _ y: Tensor?, _ f: (Double, Double) -> Double) -> [Double]? {
    guard let x, let y, let shape = Broadcasting.shape([x.shape, y.shape]) else { return nil }
    let xs = Broadcasting.expand(x, to: shape), ys = Broadcasting.expand(y, to: shape)
    return zip(xs, ys).map(f)
  }

  /// `f(x, y)` for 0/1 targets of the input's shape (other targets are not on a target-1 curve).
  static func binary(_ x: Tensor?, _ y: Tensor?, _ f: (Double, Double) -> Double) -> [Double]? {
    guard let x, let y, x.shape == y.shape, y.storage.allSatisfy({ $0 == 0 || $0 == 1 }) else { return nil }
    return zip(x.storage, y.storage).map(f)
  }

  /// For class-index targets: `x[y] − log Σ_{j≠y} exp(x[j])`, where cross_entropy equals the
  /// two-class curve `log(1 + exp(−t))` exactly.
  static func trueClassMargins(_ input: Tensor?, _ target: Tensor?) -> [Double]? {
    guard let input, let target, input.rank == 1 || input.rank == 2, let classes = input.shape.last, classes >= 2 else {
      return nil
    }
    let rows = input.rank == 1 ? 1 : input.shape[0]
    guard target.count == rows, target.shape != input.shape else { return nil }
    var margins: [Double] = []
    for r in 0..<rows {
      guard let y = Int(exactly: target.storage[r]), y >= 0, y < classes else { continue }
      let row = Array(input.storage[(r * classes)..<((r + 1) * classes)])
      let others = row.enumerated().filter { $0.offset != y }.map(\.element)
      let m = others.max() ?? 0
      margins.append(row[y] - (m + log(Summation.sum(others.map { exp($0 - m) }))))
    }
    return margins
  }

  /// For class-index targets of a 1-D or 2-D input: the input at the true class of each sample
  /// (nll_loss's curve is linear in it, whatever the other classes hold).
  static func trueClassLogProbabilities(_ input: Tensor?, _ target: Tensor?) -> [Double]? {
    guard let input, let target, input.rank == 1 || input.rank == 2, let classes = input.shape.last else { return nil }
    let rows = input.rank == 1 ? 1 : input.shape[0]
    guard target.count == rows, target.shape != input.shape else { return nil }
    return (0..<rows).compactMap { r in
      guard let y = Int(exactly: target.storage[r]), y >= 0, y < classes else { return nil }
      return input.storage[r * classes + y]
    }
  }

  /// The angles between the pairs of rows with target −1 (the pairs on cosine_embedding_loss's
  /// curve), for (N, D) inputs of one shape.
  static func dissimilarAngles(_ x1: Tensor?, _ x2: Tensor?, _ target: Tensor?) -> [Double]? {
    guard let x1, let x2, let target, x1.rank == 2, x1.shape == x2.shape, target.count == x1.shape[0] else {
      return nil
    }
    let width = x1.shape[1]
    return (0..<target.count).filter { target.storage[$0] == -1 }.map { r in
      let a = x1.storage[(r * width)..<((r + 1) * width)], b = x2.storage[(r * width)..<((r + 1) * width)]
      let dot = Summation.sum(zip(a, b).map { $0 * $1 })
      let norms = (Summation.sum(a.map { $0 * $0 }) * Summation.sum(b.map { $0 * $0 })).squareRoot()
      return acos(max(-1, min(1, dot / norms)))
    }
  }
}

/// `swiftloss plot`: losses as functions of the error or margin, computed by the registry losses
/// themselves (every point is one sample of a `reduction='none'` call), never by a re-implemented
/// formula.
public enum LossPlot {
  /// The names of the losses that can be plotted, in registry order.
  public static var plottable: [LossDefinition] { LossRegistry.all.filter { $0.teaching.plot != nil } }

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
        throw LossError.usage(
          "invalid value '\(word)' for \(spec.flag): expected \(spec.kind.noun) (or a comma-separated list)")
      }
      values.append(value)
    }
    return values
  }

  /// Evaluates `losses` on `points` equally spaced points of `range` (the probe's default range
  /// when `nil`). `options[name]` lists values of an option (or of a swept tensor such as
  /// gaussian_nll's `var`): each loss that takes it gets one curve per value (per combination when
  /// several are given). Usage errors: a loss that cannot be plotted, losses with different axes,
  /// an option no plotted loss takes, an empty range.
  public static func evaluate(
    _ losses: [LossDefinition], options: [(name: String, values: [OptionValue])] = [],
    range: ClosedRange<Double>? = nil,
    points: Int = 241, derivative: Bool = false
  ) throws(LossError) -> PlotData {
    guard !losses.isEmpty else {
      throw LossError.usage("plot needs at least one loss, e.g. 'swiftloss plot huber mse'")
    }
    var probes: [(LossDefinition, PlotProbe)] = []
    for definition in losses {
      guard let probe = definition.teaching.plot else {
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
    for option in options where !probes.contains(where: { takes($0.0, $0.1, option.name) }) {
      throw LossError.usage(
        "plot: none of \(losses.map(\.functionalName).joined(separator: ", ")) takes --\(option.name.replacingUnderscores())"
      )
    }
    let range = range ?? probes[0].1.defaultRange
    guard range.lowerBound < range.upperBound, range.lowerBound.isFinite, range.upperBound.isFinite else {
      throw LossError.usage("plot: the range must be A:B with finite A < B")
    }
    let count = max(2, points)
    let xs = (0..<count).map {
      range.lowerBound + (range.upperBound - range.lowerBound) * Double($0) / Double(count - 1)
    }
    var curves: [PlotCurve] = []
    for (definition, probe) in probes {
      let taken = options.filter { takes(definition, probe, $0.name) }
      // Every combination of the given values.
      var combinations: [[(String, OptionValue)]] = [[]]
      for option in taken {
        combinations = combinations.flatMap { prefix in option.values.map { prefix + [(option.name, $0)] } }
      }
      for combination in combinations {
        var label = definition.shortName
        if !combination.isEmpty { label += " (" + settingsText(combination, probe) + ")" }
        var curve = try self.curve(definition, probe, at: xs, settings: combination, derivative: derivative)
        curve.label = label
        curves.append(curve)
      }
    }
    // A curve identical to an earlier one would vanish under it: the legend names the pair.
    for index in curves.indices {
      if let earlier = curves[..<index].first(where: { coincide($0.ys, curves[index].ys) }) {
        curves[index].coincidesWith = earlier.label
      }
    }
    return PlotData(kind: kind, range: range, curves: curves)
  }

  /// `delta=0.5, full=true`; a swept tensor's value as a plain number (`var=2`, `frames=3`).
  static func settingsText(_ settings: [(String, OptionValue)], _ probe: PlotProbe) -> String {
    settings.map { name, value in
      if probe.sweeps.contains(where: { $0.name == name }), case .double(let x) = value {
        return "\(name)=\(TraceNumber.short(x))"
      }
      return "\(name)=\(Teaching.optionText(value))"
    }.joined(separator: ", ")
  }

  static func takes(_ definition: LossDefinition, _ probe: PlotProbe, _ name: String) -> Bool {
    definition.optionSpec(name) != nil && !probe.fixes(name) || probe.sweeps.contains { $0.name == name }
  }

  /// One loss evaluated at `xs` with `settings` (options and swept tensors).
  static func curve(
    _ definition: LossDefinition, _ probe: PlotProbe, at xs: [Double], settings: [(String, OptionValue)],
    derivative: Bool
  ) throws(LossError) -> PlotCurve {
    var given = Dictionary(uniqueKeysWithValues: probe.options.map { ($0.name, $0.value) })
    if definition.options.contains(where: { $0.declares(.reduction) }) {
      given[OptionKey.reduction.name] = Reduction.none.optionValue
    }
    var parameters: [PlotParameter: Double] = [:]
    for sweep in probe.sweeps { parameters[sweep.parameter] = sweep.defaultValue }
    for (name, value) in settings {
      if let sweep = probe.sweeps.first(where: { $0.name == name }) {
        if case .double(let x) = value { parameters[sweep.parameter] = x }
      } else if !probe.fixes(name) {
        given[name] = value
      }
    }
    let count = xs.count
    let result = try definition.run(
      LossCall(
        definition, tensors: probe.tensors(xs, parameters), options: given,
        outputs: derivative ? [.elementwise, .gradients] : [.elementwise]))
    var slope: [Double]?
    if derivative, let gradient = result.gradient(probe.gradient) {
      slope =
        probe.slope?(xs, gradient)
        ?? (0..<count).map { i in
          let index = i * probe.stride
          return index < gradient.count ? gradient.storage[index] : .nan
        }
    }
    let ys = result.elementwise.count == count ? result.elementwise.storage : [Double](repeating: .nan, count: count)
    return PlotCurve(label: definition.shortName, xs: xs, ys: ys, derivative: slope)
  }

  /// Whether two sampled curves are the same (to rounding, NaN where the other is NaN).
  static func coincide(_ a: [Double], _ b: [Double]) -> Bool {
    guard a.count == b.count, !a.isEmpty else { return false }
    var scale = 0.0
    for v in a where v.isFinite { scale = max(scale, abs(v)) }
    for (x, y) in zip(a, b) {
      if x.isNaN || y.isNaN { if x.isNaN != y.isNaN { return false } else { continue } }
      if x == y { continue }
      if !(abs(x - y) <= 1e-9 * max(1, scale)) { return false }
    }
    return true
  }

  /// The plot of one loss for its lesson page: the loss and its derivative with the options of
  /// the call (a swept tensor at the call's value when it holds one value), and the call's
  /// elements marked on the curve where they lie on it. `nil` for a loss without a probe.
  public static func lesson(
    _ definition: LossDefinition, tensors: [String: Tensor]? = nil, options: [String: OptionValue] = [:],
    points: Int = 241
  ) -> PlotData? {
    guard let probe = definition.teaching.plot else { return nil }
    var settings: [(String, OptionValue)] = []
    for spec in definition.options where !spec.declares(.reduction) && !probe.fixes(spec.name) {
      if let value = options[spec.name] { settings.append((spec.name, value)) }
    }
    for sweep in probe.sweeps {
      if let tensor = tensors?[sweep.name], let first = tensor.storage.first,
        tensor.storage.allSatisfy({ $0 == first })
      {
        settings.append((sweep.name, .double(first)))
      }
    }
    let positions = (tensors.flatMap { given in probe.position.flatMap { $0(given) } } ?? []).filter(\.isFinite)
    var range = probe.defaultRange
    if let low = positions.min(), let high = positions.max() {
      // Widen the range to show every element, with a margin.
      let span = max(high, range.upperBound) - min(low, range.lowerBound)
      let lower = low < range.lowerBound ? low - 0.05 * span : range.lowerBound
      let upper = high > range.upperBound ? high + 0.05 * span : range.upperBound
      if probe.kind == .probability {
        range = max(0.001, lower)...min(1, upper)
      } else {
        range = lower...upper
      }
    }
    let count = max(2, points)
    let span = range.upperBound - range.lowerBound
    let xs = (0..<count).map { range.lowerBound + span * Double($0) / Double(count - 1) }
    guard var curve = try? self.curve(definition, probe, at: xs, settings: settings, derivative: true) else {
      return nil
    }
    if !settings.isEmpty { curve.label += " (" + settingsText(settings, probe) + ")" }
    var data = PlotData(kind: probe.kind, range: range, curves: [curve])
    let inRange = positions.filter { range.contains($0) }
    if !inRange.isEmpty,
      let at = try? self.curve(definition, probe, at: inRange, settings: settings, derivative: true)
    {
      data.marks = (0..<inRange.count).map { PlotMark(x: inRange[$0], y: at.ys[$0], derivative: at.derivative?[$0]) }
    }
    return data
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
  package func trimmingCharacters(in set: Character) -> String {
    var slice = Substring(self)
    while slice.first == set { slice.removeFirst() }
    while slice.last == set { slice.removeLast() }
    return String(slice)
  }
}
