#if canImport(Glibc)
  import Glibc
#endif

/// The p-norm of one vector, `‖v‖_p = (Σ |v_i|^p)^(1/p)`, and its gradient, computed as PyTorch's CPU
/// `torch.linalg.vector_norm(v, p, dim=-1)` computes them (the norm inside `pairwise_distance`,
/// `triplet_margin_loss` and `cosine_similarity`).
///
/// Forward, per PyTorch's reduction ops: `p = 0` counts the non-zero entries (NaN counts);
/// `p = 1` is `Σ|v|`; `p = 2` is `sqrt(Σ v²)`, summed in four interleaved lanes combined in order
/// plus a fused multiply-add tail (the AVX2 kernel's order, which reproduces torch bit for bit);
/// `p = ±∞` is the largest/smallest `|v|` (NaN propagates); any other `p` is `(Σ |v|^p)^(1/p)`
/// with `pow`, which also covers negative `p`. An empty vector has norm 0 (`∞` for `p < 0`).
///
/// Backward is `norm_backward` of `torch/csrc/autograd/FunctionsManual.cpp`, branch for branch:
/// - `p = 0`: no gradient (zeros);
/// - `p = 1`: `sgn(v)·g` (`sgn(0) = sgn(NaN) = 0`);
/// - `p = 2`: `(v/r)·g`, with `v/r` replaced by 0 when `r = 0` (a zero vector gets 0, not NaN);
/// - `p = ±∞`: `sgn(v)·(g/k)` on the `k` entries where `|v| = r` (or `|v|` is NaN), 0 elsewhere;
/// - `p < 1`: `sgn(v)·|v|^(p−1)·g·r^(1−p)`, 0 where `v = 0`;
/// - `1 < p < 2`: `sgn(v)·|v|^(p−1)·g/r^(p−1)`, 0 when `r = 0`;
/// - `p > 2`: `v·|v|^(p−2)·g/r^(p−1)`, 0 when `r = 0`.
///
/// Nothing is skipped when `g = 0`: as in autograd, `0·NaN` stays NaN, so a NaN or infinite entry
/// poisons its row's gradient exactly as it does in PyTorch.
public struct VectorNorm: Sendable {
  enum Forward: Sendable { case count, one, two, maximum, minimum, general }
  enum Backward: Sendable { case none, one, two, extremum, belowOne, belowTwo, aboveTwo }

  /// The order `p` (any real, or ±∞).
  public let p: Double
  let forward: Forward
  let backward: Backward

  public init(p: Double) {
    self.p = p
    switch p {
    case 0: forward = .count; backward = .none
    case 1: forward = .one; backward = .one
    case 2: forward = .two; backward = .two
    case .infinity: forward = .maximum; backward = .extremum
    case -.infinity: forward = .minimum; backward = .extremum
    default:
      forward = .general
      // PyTorch tests `p < 1`, then `p < 2`, else the `p > 2` branch (NaN lands there too).
      backward = p < 1 ? .belowOne : (p < 2 ? .belowTwo : .aboveTwo)
    }
  }

  /// Whether this norm has a gradient at all (`p = 0` has none: PyTorch returns an undefined gradient).
  public var isDifferentiable: Bool { backward != .none }

  /// `‖v‖_p` for `v_i = element(i)`, `i ∈ 0..<count`.
  @inline(__always)
  public func norm(count: Int, _ element: (Int) -> Double) -> Double {
    switch forward {
    case .count:
      var total = 0.0
      for i in 0..<count where element(i) != 0 { total += 1 }
      return total
    case .one:
      var total = 0.0
      for i in 0..<count { total += abs(element(i)) }
      return total
    case .two:
      // Four lanes over the leading multiple of 4 (plain multiply and add), combined lane 0 first,
      // then the remaining entries with a fused multiply-add.
      let bulk = count - count % 4
      var lane0 = 0.0, lane1 = 0.0, lane2 = 0.0, lane3 = 0.0
      var i = 0
      while i < bulk {
        let a = element(i), b = element(i + 1), c = element(i + 2), d = element(i + 3)
        lane0 = lane0 + a * a
        lane1 = lane1 + b * b
        lane2 = lane2 + c * c
        lane3 = lane3 + d * d
        i += 4
      }
      var total = ((lane0 + lane1) + lane2) + lane3
      while i < count {
        let a = element(i)
        total = total.addingProduct(a, a)
        i += 1
      }
      return total.squareRoot()
    case .maximum:
      var result = 0.0
      for i in 0..<count {
        let a = abs(element(i))
        if a.isNaN || a > result { result = a }
        if result.isNaN { break }
      }
      return result
    case .minimum:
      var result = Double.infinity
      for i in 0..<count {
        let a = abs(element(i))
        if a.isNaN || a < result { result = a }
        if result.isNaN { break }
      }
      return result
    case .general:
      var total = 0.0
      for i in 0..<count { total += pow(abs(element(i)), p) }
      return pow(total, 1 / p)
    }
  }

  /// Calls `body(i, g·∂r/∂v_i)` for every entry, where `r = norm(count:element)` was computed
  /// from the same entries. Does nothing when the norm has no gradient (`p = 0`).
  @inline(__always)
  public func gradient(
    count: Int, norm r: Double, upstream g: Double, _ element: (Int) -> Double, _ body: (Int, Double) -> Void
  ) {
    switch backward {
    case .none:
      return
    case .one:
      for i in 0..<count { body(i, Self.sgn(element(i)) * g) }
    case .two:
      for i in 0..<count { body(i, g * (r == 0 ? 0 : element(i) / r)) }
    case .extremum:
      var hits = 0.0
      for i in 0..<count {
        let a = abs(element(i))
        if a == r || a.isNaN { hits += 1 }
      }
      let share = g / hits
      for i in 0..<count {
        let v = element(i), a = abs(v)
        body(i, Self.sgn(v) * (share * (a == r || a.isNaN ? 1 : 0)))
      }
    case .belowOne:
      let factor = Self.power(r, 1 - p)
      for i in 0..<count {
        let v = element(i)
        let scaled = Self.sgn(v) * (v == 0 ? 0 : Self.power(abs(v), p - 1))
        body(i, scaled * g * factor)
      }
    case .belowTwo:
      let scale = r == 0 ? 0 : g / Self.power(r, p - 1)
      for i in 0..<count {
        let v = element(i)
        body(i, Self.sgn(v) * Self.power(abs(v), p - 1) * scale)
      }
    case .aboveTwo:
      let scale = r == 0 ? 0 : g / Self.power(r, p - 1)
      for i in 0..<count {
        let v = element(i)
        body(i, v * Self.power(abs(v), p - 2) * scale)
      }
    }
  }

  /// PyTorch's `sgn` of a real number: −1, 0 or 1; 0 for NaN.
  @inline(__always) static func sgn(_ x: Double) -> Double { x > 0 ? 1 : (x < 0 ? -1 : 0) }

  /// `x^e` as PyTorch's tensor-scalar `pow` computes it: the exponents 0.5, −0.5, −1, 2, 3 and −2 are
  /// `sqrt`, `1/sqrt`, `1/x`, `x·x`, `x·x·x` and `1/(x·x)`; others call `pow`.
  @inline(__always) static func power(_ x: Double, _ e: Double) -> Double {
    switch e {
    case 0.5: return x.squareRoot()
    case -0.5: return 1 / x.squareRoot()
    case -1: return 1 / x
    case 2: return x * x
    case 3: return x * x * x
    case -2: return 1 / (x * x)
    default: return pow(x, e)
    }
  }
}
