#if canImport(Glibc)
  import Glibc
#endif

extension TraceContext {
  /// The engine's numbers without intermediate steps (a shape the specific trace does not cover).
  mutating func summary() {
    trace.step("operands", definition.tensors.map(\.key).filter { tensors[$0] != nil }.map(describe))
    trace.step("per element (from the engine)", ["l = \(F.vector(result.elementwise.storage))"])
    trace.elementwise = result.elementwise.storage
    trace.value = reduction == .none ? nil : result.value.storage.first
    trace.step(
      "reduction (\(reduction.rawValue))",
      ["loss = " + (trace.value.map(NumberText.python) ?? F.vector(result.value.storage))])
  }

  /// Ends a trace whose reduction is not a plain mean of `elementwise`.
  mutating func finish(value: Double?, elementwise: [Double], lines: [String]) {
    trace.elementwise = elementwise
    trace.value = reduction == .none ? nil : value
    var lines = lines
    if reduction == .none {
      lines = ["reduction='none': the result is the elementwise loss", "loss = \(F.vector(elementwise))"]
    } else if let value {
      lines.append("loss = \(NumberText.python(value))")
    }
    trace.step("reduction (\(reduction.rawValue))", lines)
  }

  func rowLabel(_ row: Int, _ layout: ClassLayout, _ inputShape: [Int]) -> String {
    if inputShape.count <= 1 { return "row" }
    if inputShape.count == 2 { return "n=\(row)" }
    var shape = inputShape
    shape.remove(at: 1)
    return Self.index(row, shape)
  }

  func classRow(_ values: [Double], _ layout: ClassLayout, _ row: Int) -> [Double] {
    let base = layout.start(ofRow: row)
    return (0..<layout.classes).map { values[base + $0 * layout.inner] }
  }

  // MARK: - cross_entropy

  mutating func crossEntropy() {
    guard let input = tensors[.input], let target = tensors[.target],
      let layout = try? ClassLayout(shape: input.shape), layout.rows > 0
    else { return summary() }
    let classes = layout.classes, rows = layout.rows
    let weight = tensors[.weight]?.storage
    let requested = options[.labelSmoothing]
    let epsilon = requested > 0 ? requested : 0
    let probabilities = input.shape == target.shape
    guard probabilities || target.count == rows else { return summary() }
    let ls = LogSoftmax.forward(input.storage, layout: layout)

    var lines: [String] = []
    for r in 0..<rows {
      let x = classRow(input.storage, layout, r)
      let t =
        probabilities ? "t = " + F.vector(classRow(target.storage, layout, r)) : "y = \(F.short(target.storage[r]))"
      lines.append("\(rowLabel(r, layout, input.shape)): x = \(F.vector(x)), \(t)")
    }
    if let weight { lines.append("weight = \(F.vector(weight))") }
    trace.step("logits (\(classes) classes, \(probabilities ? "class-probability" : "class-index") targets)", lines)

    var shiftLines: [String] = [], lseLines: [String] = [], lsLines: [String] = []
    for r in 0..<rows {
      let x = classRow(input.storage, layout, r)
      let (m, sum) = LogSoftmax.shiftAndSum(x)
      let shifted = x.map { $0 - m }
      let label = rowLabel(r, layout, input.shape)
      shiftLines.append("\(label): m = \(F.short(m)), x − m = \(F.vector(shifted))")
      lseLines.append(
        "\(label): Σ exp(x − m) = \(F.short(sum)), log Σ = \(F.short(log(sum)))  (log-sum-exp = m + log Σ = \(F.short(m + log(sum))))"
      )
      let row = classRow(ls, layout, r)
      lsLines.append("\(label): log_softmax = \(F.vector(row)), softmax = \(F.vector(row.map { exp($0) }))")
    }
    trace.step("shift by the row maximum m (so that no exp overflows)", shiftLines)
    trace.step("log-sum-exp of the shifted logits", lseLines)
    trace.step("log_softmax = (x − m) − log Σ exp(x − m)", lsLines)

    if probabilities {
      var pickLines: [String] = []
      var losses: [Double] = []
      for r in 0..<rows {
        let t = classRow(target.storage, layout, r), row = classRow(ls, layout, r)
        var terms: [Double] = []
        for c in 0..<classes {
          let tc = epsilon > 0 ? t[c] * (1 - epsilon) + epsilon / Double(classes) : t[c]
          terms.append(row[c] * tc * (weight?[c] ?? 1))
        }
        let l = -Summation.sum(terms)
        losses.append(l)
        pickLines.append(
          "\(rowLabel(r, layout, input.shape)): l = −Σ_c \(weight == nil ? "" : "w_c·")t'_c·log_softmax_c = \(F.short(l))"
        )
      }
      if epsilon > 0 { pickLines.insert("t' = t·(1 − ε) + ε/C with ε = \(F.short(epsilon))", at: 0) }
      trace.step("weigh the log-probabilities by the target probabilities", pickLines)
      let total = Summation.sum(losses)
      let value: Double? = reduction == .sum ? total : total / Double(rows)
      finish(
        value: value, elementwise: losses,
        lines: reduction == .sum
          ? ["Σ l = \(F.short(total))"]
          : [
            "mean = Σ l / \(rows) rows = \(F.short(total)) / \(rows) (probability targets: not divided by the weights)"
          ])
      return
    }

    let ignoreIndex = options[.ignoreIndex]
    var nll: [Double] = [], smooth: [Double] = [], weights: [Double] = []
    var pickLines: [String] = []
    for r in 0..<rows {
      let label = rowLabel(r, layout, input.shape)
      guard let y = Int(exactly: target.storage[r]), y != ignoreIndex, y >= 0, y < classes else {
        nll.append(0); smooth.append(0)
        pickLines.append("\(label): y = ignore_index → l = 0, not counted")
        continue
      }
      let row = classRow(ls, layout, r)
      let w = weight?[y] ?? 1
      weights.append(w)
      let l = -w * row[y]
      nll.append(l)
      if epsilon > 0 {
        smooth.append(-Summation.sum((0..<classes).map { row[$0] * (weight?[$0] ?? 1) }))
      } else {
        smooth.append(0)
      }
      pickLines.append(
        "\(label): log_softmax[y=\(y)] = \(F.short(row[y]))" + (weight == nil ? "" : ", w[y] = \(F.short(w))")
          + ", l = \(F.short(l))")
    }
    trace.step("pick the target class's entry: l = −" + (weight == nil ? "" : "w[y]·") + "log_softmax[y]", pickLines)
    let weightSum = Summation.sum(weights)
    if epsilon > 0 {
      let c = Double(classes)
      trace.step(
        "label smoothing ε = \(F.short(epsilon)): smooth = −Σ_c " + (weight == nil ? "" : "w_c·") + "log_softmax_c",
        (0..<rows).map { "\(rowLabel($0, layout, input.shape)): smooth = \(F.short(smooth[$0]))" })
      let elementwise = (0..<rows).map { (1 - epsilon) * nll[$0] + smooth[$0] * (epsilon / c) }
      let nllRed = reduction == .mean ? Summation.sum(nll) / weightSum : Summation.sum(nll)
      let smoothRed = reduction == .mean ? Summation.sum(smooth) / weightSum : Summation.sum(smooth)
      let value = (1 - epsilon) * nllRed + smoothRed * (epsilon / c)
      finish(
        value: value, elementwise: elementwise,
        lines: [
          "nll = \(reduction == .mean ? "Σ l / Σ w[y]" : "Σ l") = \(F.short(nllRed)), smooth = \(reduction == .mean ? "Σ smooth / Σ w[y]" : "Σ smooth") = \(F.short(smoothRed))",
          "(1 − ε)·nll + smooth·(ε/C) = \(F.short(1 - epsilon))·\(F.short(nllRed)) + \(F.short(smoothRed))·\(F.short(epsilon / c))",
        ])
      return
    }
    let total = Summation.sum(nll)
    let value = reduction == .mean ? total / weightSum : total
    finish(
      value: value, elementwise: nll,
      lines: reduction == .mean
        ? [
          "Σ l = \(F.short(total)), Σ w[y] over counted rows = \(F.short(weightSum))"
            + (weight == nil ? " (the number of non-ignored targets)" : ""),
          "mean = Σ l / Σ w[y] = \(F.short(total)) / \(F.short(weightSum))"
            + (weightSum == 0 ? " = NaN (every target ignored)" : ""),
        ]
        : ["Σ l = \(F.short(total))"])
  }

  // MARK: - nll_loss

  mutating func nll() {
    guard let input = tensors[.input], let target = tensors[.target],
      let layout = try? ClassLayout(shape: input.shape), layout.rows > 0,
      input.rank >= 2 || target.count >= 1
    else { return summary() }
    let rows = input.rank >= 2 ? layout.rows : 1
    guard input.rank < 2 || target.count == rows else { return summary() }
    let weight = tensors[.weight]?.storage
    let ignoreIndex = options[.ignoreIndex]
    var lines: [String] = []
    var losses: [Double] = [], weights: [Double] = []
    for r in 0..<rows {
      let row = classRow(input.storage, layout, r)
      let label = rowLabel(r, layout, input.shape)
      guard let y = Int(exactly: target.storage[r]), y != ignoreIndex, y >= 0, y < layout.classes else {
        losses.append(0)
        lines.append("\(label): input = \(F.vector(row)), y = ignore_index → l = 0, not counted")
        continue
      }
      let w = weight?[y] ?? 1
      weights.append(w)
      losses.append(-w * row[y])
      lines.append(
        "\(label): input = \(F.vector(row)), y = \(y) → input[y] = \(F.short(row[y]))"
          + (weight == nil ? "" : ", w[y] = \(F.short(w))") + ", l = \(F.short(-w * row[y]))")
    }
    trace.step(
      "pick −" + (weight == nil ? "" : "w[y]·")
        + "input[y] (the input is taken to be log-probabilities; no log is taken)", lines)
    let total = Summation.sum(losses), weightSum = Summation.sum(weights)
    finish(
      value: reduction == .mean ? total / weightSum : total, elementwise: input.rank >= 2 ? losses : [losses[0]],
      lines: reduction == .mean
        ? [
          "mean = Σ l / Σ w[y] = \(F.short(total)) / \(F.short(weightSum))"
            + (weight == nil ? " (non-ignored targets)" : "")
        ]
        : ["Σ l = \(F.short(total))"])
  }

  // MARK: - Binary

  mutating func bce() {
    guard let x = tensors[.input], let y = tensors[.target], x.shape == y.shape else { return summary() }
    let w = tensors[.weight].map { Broadcasting.expand($0, to: x.shape) }
    var table: [[String]] = [
      ["index", "x", "y", "max(log x, −100)", "max(log(1 − x), −100)"] + (w == nil ? [] : ["w"]) + ["l"]
    ]
    var losses: [Double] = []
    for i in 0..<x.count {
      let a = x.storage[i], b = y.storage[i]
      let logX = max(log(a), -100), log1mX = max(log1p(-a), -100)
      var l = (b - 1) * log1mX - b * logX
      if let w { l *= w[i] }
      losses.append(l)
      table.append(
        [Self.index(i, x.shape), F.short(a), F.short(b), F.short(logX), F.short(log1mX)]
          + (w.map { [F.short($0[i])] } ?? []) + [F.short(l)])
    }
    trace.step(
      "inputs are probabilities; the logs are clamped at −100",
      ["l = −" + (w == nil ? "" : "w·") + "[y·log x + (1 − y)·log(1 − x)]"] + Self.align(table))
    reduce(losses, meanDenominator: Double(losses.count), denominatorText: "n")
  }

  mutating func bceWithLogits() {
    guard let x = tensors[.input], let y = tensors[.target], x.shape == y.shape else { return summary() }
    let w = tensors[.weight].map { Broadcasting.expand($0, to: x.shape) }
    let pw = tensors[.posWeight].map { Broadcasting.expand($0, to: x.shape) }
    var table: [[String]] = [
      ["index", "x", "y", "σ(x)", "log σ(x)"] + (pw == nil ? [] : ["pos_weight", "1 + (pw − 1)·y"])
        + (w == nil ? [] : ["w"]) + ["l"]
    ]
    var losses: [Double] = []
    for i in 0..<x.count {
      let a = x.storage[i], b = y.storage[i]
      let logSigmoid = LogSigmoid.value(a)
      var l: Double
      var row = [Self.index(i, x.shape), F.short(a), F.short(b), F.short(LogSigmoid.sigmoid(a)), F.short(logSigmoid)]
      if let pw {
        let lw = (pw[i] - 1) * b + 1
        l = (1 - b) * a - logSigmoid * lw
        row += [F.short(pw[i]), F.short(lw)]
      } else {
        l = (1 - b) * a - logSigmoid
      }
      if let w { l *= w[i]; row.append(F.short(w[i])) }
      row.append(F.short(l))
      losses.append(l)
      table.append(row)
    }
    trace.step(
      "log σ(x) = min(0, x) − log1p(exp(−|x|)), stable for any x (σ itself is never logged)",
      ["l = " + (w == nil ? "" : "w·") + "[(1 − y)·x − " + (pw == nil ? "" : "(1 + (pw − 1)·y)·") + "log σ(x)]"]
        + Self.align(table))
    reduce(losses, meanDenominator: Double(losses.count), denominatorText: "n")
  }

  // MARK: - kl_div

  mutating func klDiv() {
    guard let x = tensors[.input], let y = tensors[.target], let shape = Broadcasting.shape([x.shape, y.shape]) else {
      return summary()
    }
    let xs = Broadcasting.expand(x, to: shape), ys = Broadcasting.expand(y, to: shape)
    let logTarget = options[.logTarget]
    var losses: [Double] = []
    var table: [[String]]
    if logTarget {
      table = [["index", "x = log q", "y = log p", "exp(y)", "y − x", "l = exp(y)·(y − x)"]]
      for i in 0..<xs.count {
        let l = exp(ys[i]) * (ys[i] - xs[i])
        losses.append(l)
        table.append([
          Self.index(i, shape), F.short(xs[i]), F.short(ys[i]), F.short(exp(ys[i])), F.short(ys[i] - xs[i]), F.short(l),
        ])
      }
    } else {
      table = [["index", "x = log q", "y = p", "y·log y", "y·x", "l = y·log y − y·x"]]
      for i in 0..<xs.count {
        let b = ys[i]
        let xlogy = b.isNaN ? b : (b == 0 ? 0 : b * log(b))
        let l = xlogy - b * xs[i]
        losses.append(l)
        table.append([Self.index(i, shape), F.short(xs[i]), F.short(b), F.short(xlogy), F.short(b * xs[i]), F.short(l)])
      }
    }
    trace.step("pointwise KL terms (input must be log-probabilities, target probabilities)", Self.align(table))
    if reduction == .mean {
      trace.step(
        "note",
        ["'mean' divides by every element (batch × classes), not by the batch: 'batchmean' is the KL divergence"])
    }
    reduce(losses, meanDenominator: Double(losses.count), denominatorText: "n", batch: x.rank == 0 ? 1 : x.shape[0])
  }
}

extension LossTraceStyle {
  /// cross_entropy: the kernel's log-softmax per row, the true class's term, weights and smoothing.
  public static let crossEntropy = LossTraceStyle { $0.crossEntropy() }
  /// nll_loss: the log-probability picked at each target class, with its weight.
  public static let nll = LossTraceStyle { $0.nll() }
  /// binary_cross_entropy: the clamped logs of each probability.
  public static let binaryCrossEntropy = LossTraceStyle { $0.bce() }
  /// binary_cross_entropy_with_logits: the stable form with log-sigmoids and pos_weight.
  public static let binaryCrossEntropyWithLogits = LossTraceStyle { $0.bceWithLogits() }
  /// kl_div: the pointwise terms y·(log y − x) (or with log targets) and batchmean.
  public static let klDiv = LossTraceStyle { $0.klDiv() }
}
