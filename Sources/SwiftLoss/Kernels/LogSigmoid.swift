#if canImport(Glibc)
  import Glibc
#endif

/// `log σ(x)` and `σ(x)` as ATen computes them (used by BCEWithLogits and MultiLabelSoftMargin).
///
/// ```
/// log σ(x) = min(0, x) − log1p(exp(−|x|))
/// ```
/// Exact for every finite `x` (no overflow at ±1000, no `softplus` threshold); `±inf` give
/// `0` / `−inf`, NaN gives NaN.
public enum LogSigmoid {
  @inline(__always) public static func value(_ x: Double) -> Double {
    min(0, x) - log1p(exp(-abs(x)))
  }

  /// d log σ(x) / dx = σ(−x), in ATen's form `[x < 0] − s·z/(1 + z)` with `z = exp(−|x|)`,
  /// `s = +1` for `x < 0` else `−1`.
  @inline(__always) public static func derivative(_ x: Double) -> Double {
    let z = exp(-abs(x))
    return x < 0 ? 1 - z / (1 + z) : z / (1 + z)
  }

  /// `σ(x) = 1 / (1 + exp(−x))` (ATen's `sigmoid`): 0 at `−inf`, 1 at `+inf`.
  @inline(__always) public static func sigmoid(_ x: Double) -> Double {
    1 / (1 + exp(-x))
  }
}
