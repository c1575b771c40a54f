#if canImport(Glibc)
  import Glibc
#endif

/// `--check-grad`: every reported gradient against central finite differences of the loss.
public struct GradientCheckReport: Sendable {
  public struct Entry: Sendable {
    public var name: String
    public var count: Int
    public var maxAbsoluteError: Double
    public var maxRelativeError: Double
    /// Elements where the two disagree (beyond the tolerance).
    public var mismatches: Int
    /// Of those, elements at a kink or clamp (the one-sided differences disagree): PyTorch's
    /// subgradient there is a convention, not a derivative.
    public var kinks: Int
    /// For a tensor whose PyTorch gradient carries an extra term (ctc_loss's log_probs): the
    /// largest error once that term is removed.
    public var adjustedMaxAbsoluteError: Double?
    /// What the adjusted row says was removed (the loss's ``GradientAdjustment/label``).
    public var adjustmentLabel: String?
    public var agrees: Bool { mismatches == 0 }
  }

  public var loss: String
  public var entries: [Entry]
  public var notes: [String]

}

public enum GradientCheck {
  /// The most differentiable elements checked (each costs two loss evaluations).
  public static let elementLimit = 500

  public static func run(_ call: LossCall) throws(LossError) -> GradientCheckReport {
    let definition = call.definition, tensors = call.tensors
    // The tensors that can get a gradient (a module's parameters too), counted before anything is computed.
    let resolved = call.options
    let total = definition.tensorSpecs(for: resolved).filter(\.hasGradient).reduce(0) {
      $0 + (tensors[$1.name]?.count ?? 0)
    }
    guard total <= elementLimit else {
      throw LossError.usage(
        "--check-grad checks small inputs only (at most \(elementLimit) differentiable elements; this call has \(total)); "
          + "check a slice of the data")
    }
    let result = try definition.run(call.with(tensors: tensors, outputs: [.value, .gradients]))
    func f(_ changed: [String: Tensor]) -> Double {
      guard let value = try? definition.run(call.with(tensors: changed, outputs: .value)).value
      else { return .nan }
      return value.rank == 0 ? value.storage[0] : Summation.sum(value.storage)
    }
    let base = f(tensors)
    var entries: [GradientCheckReport.Entry] = []
    var notes: [String] = []
    for (name, gradient) in result.gradients {
      guard let tensor = tensors[name], gradient.count == tensor.count else { continue }
      let adjustment = definition.teaching.gradientAdjustment.flatMap { $0.tensor.name == name ? $0 : nil }
      let extraTerm = adjustment?.extraTerm(tensors, call.reduction)
      var entry = GradientCheckReport.Entry(
        name: name, count: tensor.count, maxAbsoluteError: 0, maxRelativeError: 0, mismatches: 0, kinks: 0,
        adjustedMaxAbsoluteError: extraTerm == nil ? nil : 0,
        adjustmentLabel: extraTerm == nil ? nil : adjustment?.label)
      for i in 0..<tensor.count {
        let x = tensor.storage[i]
        let h = 1e-6 * max(1, abs(x))
        var plus = tensors, minus = tensors
        plus[name]?.storage[i] = x + h
        minus[name]?.storage[i] = x - h
        let xp = x + h, xm = x - h
        let fp = f(plus), fm = f(minus)
        let numeric = (fp - fm) / (xp - xm)
        let analytic = gradient.storage[i]
        let error = abs(analytic - numeric)
        let scale = max(abs(analytic), abs(numeric))
        let relative = scale == 0 ? 0 : error / scale
        if error.isNaN {
          if !(analytic.isNaN && numeric.isNaN) { entry.mismatches += 1 }
        } else {
          entry.maxAbsoluteError = max(entry.maxAbsoluteError, error)
          entry.maxRelativeError = max(entry.maxRelativeError, relative)
          // Truncation error ~h²·f''', rounding error ~ε·|f|/h.
          let tolerance = 1e-6 * max(1, scale) + 1e-14 * max(1, abs(base)) / h
          if error > tolerance {
            entry.mismatches += 1
            let forward = (fp - base) / (xp - x), backward = (base - fm) / (x - xm)
            if abs(forward - backward) > 1e-4 * max(1, abs(forward), abs(backward)) || !fp.isFinite || !fm.isFinite {
              entry.kinks += 1
            }
          }
        }
        if let extraTerm {
          let adjusted = abs(analytic - extraTerm[i] - numeric)
          entry.adjustedMaxAbsoluteError = max(
            entry.adjustedMaxAbsoluteError ?? 0, adjusted.isNaN ? .infinity : adjusted)
        }
      }
      entries.append(entry)
    }
    if let adjustment = definition.teaching.gradientAdjustment { notes.append(adjustment.note) }
    if entries.contains(where: { $0.kinks > 0 }) {
      notes.append(
        "At a kink (|x − y| = 0, a hinge exactly at its margin, a tie, a clamp) the loss has no derivative; PyTorch picks a "
          + "subgradient (usually 0) and swiftloss reports the same, while the finite difference averages the two sides."
      )
    }
    if entries.contains(where: { $0.mismatches > $0.kinks }) && definition.teaching.gradientAdjustment == nil {
      notes.append(
        "Some elements differ away from a kink: where PyTorch's backward is not the derivative of its forward (BCE's −100 log "
          + "clamp, GaussianNLL's var clamp that the gradient passes through, NaN targets) swiftloss follows PyTorch.")
    }
    if entries.isEmpty { notes.append("\(definition.functionalName) reports no gradients for this call.") }
    return GradientCheckReport(loss: definition.functionalName, entries: entries, notes: notes)
  }
}
