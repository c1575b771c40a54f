#if canImport(Glibc)
  import Glibc
#endif

/// `--explain` on a computation: the loss computed again step by step with the user's numbers.
public struct LossTrace: Sendable {
  public struct Step: Sendable {
    public var title: String
    public var lines: [String]
  }

  public var loss: String
  public var steps: [Step] = []
  /// The reduced value the trace arrives at (`nil` for `reduction='none'`).
  public var value: Double?
  /// The elementwise (`reduction='none'`) values the trace shows, flat.
  public var elementwise: [Double] = []

  mutating func step(_ title: String, _ lines: [String]) { steps.append(Step(title: title, lines: lines)) }

}

/// Number formatting for traces: 6 significant digits (the final loss is printed in full).
public enum TraceNumber {
  public static func short(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "−inf" : "inf" }
    if x == 0 { return x.sign == .minus ? "-0" : "0" }
    let e = floor(log10(abs(x)))
    if e >= -5 && e <= 14 {
      let digits = 5 - Int(e)
      let rounded: Double
      if digits >= 0 {
        let scale = pow(10, Double(digits))
        rounded = (x * scale).rounded() / scale
      } else {
        let scale = pow(10, Double(-digits))
        rounded = (x / scale).rounded() * scale
      }
      var text = NumberText.python(rounded)
      if text.hasSuffix(".0") { text.removeLast(2) }
      return text
    }
    var exponent = e
    var mantissa = ((x / pow(10, exponent)) * 1e5).rounded() / 1e5
    if abs(mantissa) >= 10 { mantissa /= 10; exponent += 1 }
    var m = NumberText.python(mantissa)
    if m.hasSuffix(".0") { m.removeLast(2) }
    return m + "e" + (exponent < 0 ? "-" : "+") + String(Int(abs(exponent)))
  }

  public static func vector(_ xs: some Collection<Double>) -> String {
    "[" + xs.map(short).joined(separator: ", ") + "]"
  }
}

/// Builds ``LossTrace``s. Each loss family shows its own intermediate quantities; every trace ends
/// with the reduction, and its numbers are those of the engine (see the tests).
public enum LossTracer {
  /// The most elements (over all tensors of the call) a trace will show.
  public static let elementLimit = 200

  /// Traces one computation. Throws `.usage` above ``elementLimit`` and whatever the loss throws.
  public static func trace(_ call: LossCall) throws(LossError) -> LossTrace {
    let definition = call.definition, tensors = call.tensors
    let total = tensors.values.reduce(0) { $0 + $1.count }
    guard total <= elementLimit else {
      throw LossError.usage(
        "--explain traces small inputs only (at most \(elementLimit) elements; this call has \(total)); "
          + "use --show loss, or explain a slice of the data")
    }
    let result = try definition.run(call.with(tensors: tensors, outputs: .all))
    var context = TraceContext(call: call, result: result)
    definition.teaching.trace.steps(&context)
    return context.trace
  }
}

struct TraceContext {
  /// The call traced; its definition, tensors and options are read through the shorthands below.
  let call: LossCall
  let result: LossResult
  var trace: LossTrace

  init(call: LossCall, result: LossResult) {
    self.call = call
    self.result = result
    self.trace = LossTrace(loss: call.definition.functionalName)
  }

  var definition: LossDefinition { call.definition }
  var tensors: [String: Tensor] { call.tensors }
  var options: LossOptions { call.options }

  var reduction: Reduction { options.reduction }
  typealias F = TraceNumber

  func describe(_ key: TensorKey) -> String { describe(key.name) }

  func describe(_ name: String) -> String {
    guard let t = tensors[name] else { return "\(name): (not given)" }
    if t.count <= 12 { return "\(name) \(Shape.describe(t.shape)) = \(F.vector(t.storage))" }
    return "\(name) \(Shape.describe(t.shape))"
  }

  /// "(1, 2)" style multi-index of a flat index.
  static func index(_ flat: Int, _ shape: [Int]) -> String {
    if shape.isEmpty { return "()" }
    var rest = flat
    var parts = [Int](repeating: 0, count: shape.count)
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
      let size = max(1, shape[axis])
      parts[axis] = rest % size
      rest /= size
    }
    return "[" + parts.map(String.init).joined(separator: ", ") + "]"
  }

  /// The final step: the reduction of `values` (the elementwise loss) with `denominator` for mean.
  mutating func reduce(_ values: [Double], meanDenominator: Double, denominatorText: String, batch: Int? = nil) {
    trace.elementwise = values
    let total = Summation.sum(values)
    var lines: [String] = []
    switch reduction {
    case .none:
      lines.append("reduction='none': the result is the elementwise loss")
      lines.append("loss = \(F.vector(values))")
      trace.value = nil
      trace.step("reduction", lines)
      return
    case .sum:
      trace.value = total
      lines.append("Σ l = \(NumberText.python(total))")
    case .mean:
      let value = total / meanDenominator
      trace.value = value
      lines.append("Σ l = \(F.short(total))")
      lines.append(
        "mean = Σ l / \(denominatorText) = \(F.short(total)) / \(F.short(meanDenominator)) = \(NumberText.python(value))"
      )
    case .batchmean:
      let size = Double(batch ?? 1)
      let value = total / size
      trace.value = value
      lines.append("Σ l = \(F.short(total))")
      lines.append(
        "batchmean = Σ l / input.size(0) = \(F.short(total)) / \(F.short(size)) = \(NumberText.python(value))")
    }
    if let value = trace.value { lines.append("loss = \(NumberText.python(value))") }
    trace.step("reduction (\(reduction.rawValue))", lines)
  }

  // MARK: - Generic

  /// Elementwise losses: the broadcast operands, the per-element formula and values, the reduction.
  mutating func pointwise() {
    let names = definition.tensors.map(\.name).filter { tensors[$0] != nil }
    let shape = result.elementwise.shape
    var columns: [(String, [Double])] = []
    var separate: [String] = []
    for name in names {
      guard var t = tensors[name] else { continue }
      // gaussian_nll_loss's var of the input's shape without its last dimension is unsqueezed.
      if name == TensorKey.var.name, let input = tensors[.input], t.rank > 0, t.shape == Array(input.shape.dropLast()) {
        t = Tensor(validatedShape: t.shape + [1], storage: t.storage)
      }
      if let common = Broadcasting.shape([t.shape, shape]), common == shape {
        columns.append((name, Broadcasting.expand(t, to: shape)))
      } else {
        separate.append(name)
      }
    }
    var lines = names.map(describe)
    if names.compactMap({ tensors[$0]?.shape }).contains(where: { $0 != shape }) {
      lines.append("broadcast to \(Shape.describe(shape))")
    }
    trace.step("operands", lines)
    let formula = definition.teaching.explanation.formula.filter { !($0.hasPrefix("dl") && $0.contains("/d")) }
    let regression = definition.teaching.trace.showsResidual
    var rows: [String] = formula
    let settings = definition.options.filter { !$0.declares(.reduction) }.map {
      "\($0.name) = \(options.values[$0.name].map(PythonText.option) ?? "?")"
    }
    if !settings.isEmpty { rows.append("with " + settings.joined(separator: ", ")) }
    let elementwise = result.elementwise.storage
    var header = ["index"] + columns.map(\.0)
    if regression { header.append("x − y") }
    header.append("l")
    var table: [[String]] = [header]
    for i in 0..<elementwise.count {
      var row = [Self.index(i, shape)] + columns.map { F.short($0.1[i]) }
      if regression, let x = columns.first(where: { $0.0 == TensorKey.input.name })?.1,
        let y = columns.first(where: { $0.0 == TensorKey.target.name })?.1
      {
        row.append(F.short(x[i] - y[i]))
      }
      row.append(F.short(elementwise[i]))
      table.append(row)
    }
    rows += Self.align(table)
    if !separate.isEmpty {
      rows.append(
        "(\(separate.joined(separator: ", ")) enter as described in 'swiftloss explain \(definition.shortName)')")
    }
    trace.step("per element", rows)
    // Weighted means.
    let weightedMean = definition.teaching.trace.weightedMean
    if reduction == .mean, weightedMean == .dividesByWeightSum, let weight = tensors[.weight] {
      let w = Broadcasting.expand(weight, to: shape)
      reduce(elementwise, meanDenominator: Summation.sum(w), denominatorText: "Σ w")
    } else {
      reduce(
        elementwise, meanDenominator: Double(elementwise.count), denominatorText: "n",
        batch: tensors[.input].flatMap { $0.shape.first })
    }
  }

  /// Losses with one value per sample (multi_margin, multilabel_margin, multilabel_soft_margin).
  mutating func perSample() {
    guard let input = tensors[.input] else { return pointwise() }
    let classes = input.shape.last ?? 1
    let rows = max(1, input.count / max(1, classes))
    trace.step("operands", definition.tensors.map(\.key).filter { tensors[$0] != nil }.map(describe))
    var lines = definition.teaching.explanation.formula
    let elementwise = result.elementwise.storage
    for n in 0..<min(rows, elementwise.count) {
      let scores = input.storage[(n * classes)..<min(input.count, (n + 1) * classes)]
      var line = "sample \(n): x = \(F.vector(scores))"
      if let target = tensors[.target] {
        if target.count == input.count {
          line += ", y = " + F.vector(target.storage[(n * classes)..<((n + 1) * classes)])
        } else if n < target.count {
          line += ", y = \(F.short(target.storage[n]))"
        }
      }
      lines.append(line + "  →  l = \(F.short(elementwise[n]))")
    }
    trace.step("per sample (each already averaged over the \(classes) classes)", lines)
    reduce(elementwise, meanDenominator: Double(elementwise.count), denominatorText: "N")
  }

  /// A table (header first) as trace lines; ``LossTrace/render(width:)`` aligns it or lists it.
  static func align(_ table: [[String]]) -> [String] { TraceTable.rows(table) }
}
