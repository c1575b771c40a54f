import Foundation

@testable import SwiftLoss

/// Tolerance-based comparison of float64 results against PyTorch.
///
/// Two numbers agree when both are NaN, both are the same infinity, or
/// `|a − b| ≤ relative · max(|a|, |b|) + absolute`. The absolute floor is relative to the largest
/// magnitude in the expected tensor: a gradient entry that PyTorch computes as 1e-17 through a
/// different order of operations is zero at the tensor's scale.
enum Closeness {
  static let relative = 1e-10
  static let absoluteAtScale = 1e-13

  /// `nil` when every element agrees, else a description of the first disagreement.
  /// With `signedZeros`, a zero must also carry the sign of the expected zero (PyTorch's `-0.0`
  /// and `0.0` print differently, so swiftloss must give the same one).
  static func mismatch(
    expected: [Double], actual: [Double], relative: Double = relative, signedZeros: Bool = false
  ) -> String? {
    guard expected.count == actual.count else { return "expected \(expected.count) elements, got \(actual.count)" }
    let scale = expected.lazy.filter(\.isFinite).map(abs).max() ?? 0
    let absolute = absoluteAtScale * max(scale, 1e-300)
    for (i, (e, a)) in zip(expected, actual).enumerated() where !agree(e, a, relative: relative, absolute: absolute) {
      let ulps = (e.isFinite && a.isFinite && e != 0) ? String(format: " (%.3g relative)", abs(a - e) / abs(e)) : ""
      return "element \(i): expected \(e), got \(a)\(ulps)"
    }
    if signedZeros {
      for (i, (e, a)) in zip(expected, actual).enumerated() where e == 0 && a == 0 && e.sign != a.sign {
        return "element \(i): expected \(e), got \(a) (the sign of zero differs)"
      }
    }
    return nil
  }

  static func agree(_ e: Double, _ a: Double, relative: Double, absolute: Double) -> Bool {
    if e.isNaN || a.isNaN { return e.isNaN && a.isNaN }
    if e.isInfinite || a.isInfinite { return e == a }
    return abs(e - a) <= relative * max(abs(e), abs(a)) + absolute
  }
}
