import SwiftLoss

/// `--expect VALUE [--rtol R] [--atol A]`: the reduced loss against a value, as
/// `torch.testing.assert_close` compares them: `|actual − expected| ≤ atol + rtol·|expected|`,
/// with its default tolerances for the dtype. NaN matches NaN (a script that expects NaN says so),
/// an infinity matches only the same infinity.
struct ExpectCheck {
  var expected: Double
  var rtol: Double
  var atol: Double
  /// The loss is printed in the dtype's shortest spelling.
  var dtype: FloatDType

  init(expected: Double, rtol: Double?, atol: Double?, dtype: FloatDType) {
    self.expected = expected
    self.dtype = dtype
    self.rtol = rtol ?? dtype.defaultTolerances.rtol
    self.atol = atol ?? dtype.defaultTolerances.atol
  }

  func matches(_ actual: Double) -> Bool {
    if actual.isNaN || expected.isNaN { return actual.isNaN && expected.isNaN }
    if !actual.isFinite || !expected.isFinite { return actual == expected }
    return (actual - expected).magnitude <= atol + rtol * expected.magnitude
  }

  /// Throws the mismatch (exit status 3) when the loss differs; a usage error when there is no
  /// single reduced value to check.
  func check(_ report: LossReport) throws(CommandError) {
    guard !report.valueIsTensor, report.result.value.count == 1, let actual = report.result.value.storage.first else {
      throw CommandError.usage(
        "--expect checks the reduced loss, but with reduction '\(report.reduction.rawValue)' the loss is a tensor",
        loss: report.definition.shortName)
    }
    guard !matches(actual) else { return }
    throw CommandError.mismatch(message(actual: actual))
  }

  /// `expected 0.5, got 0.875 (abs diff 0.375, rel diff 0.75)`.
  func message(actual: Double) -> String {
    let numbers = NumberWriter(notation: .shortest, json: false)
    let loss = NumberWriter(notation: .shortest, json: false, dtype: dtype)
    let difference = (actual - expected).magnitude
    let relative = expected == 0 ? (difference == 0 ? 0 : .infinity) : difference / expected.magnitude
    return "expected \(numbers.string(expected)), got \(loss.string(actual)) "
      + "(abs diff \(numbers.string(difference)), rel diff \(numbers.string(relative)))"
  }
}
