/// `--dtype`: the floating types PyTorch computes losses in, besides float64.
///
/// swiftloss computes in float64 whatever the dtype. The dtype decides how inputs are rounded on
/// the way in (as `torch.tensor(x, dtype=...)` rounds them) and how results are rounded on the way
/// out (correctly rounded, once, from the float64 result): what exact arithmetic on the rounded
/// inputs gives, which is what PyTorch's low-precision CPU kernels aim at.
public enum FloatDType: String, CaseIterable, Sendable {
  case float64, float32, bfloat16, float16

  /// Bits of precision, the implicit bit included.
  public var significandBits: Int {
    switch self {
    case .float64: return 53
    case .float32: return 24
    case .bfloat16: return 8
    case .float16: return 11
    }
  }

  /// `torch.testing.assert_close`'s default tolerances for the dtype (`_DTYPE_PRECISIONS` in
  /// torch/testing/_comparison.py of PyTorch 2.15).
  public var defaultTolerances: (rtol: Double, atol: Double) {
    switch self {
    case .float64: return (1e-7, 1e-7)
    case .float32: return (1.3e-6, 1e-5)
    case .bfloat16: return (1.6e-2, 1e-5)
    case .float16: return (1e-3, 1e-5)
    }
  }

  /// An input element as `torch.tensor(x, dtype=self)` stores it. PyTorch converts a Python float
  /// to float32 first and float32 to the 16-bit types (c10's `BFloat16(float)` and `Half(float)`),
  /// so the 16-bit types round twice; `torch.tensor(1 + 2**-8 + 2**-30, dtype=torch.bfloat16)` is
  /// 1.0, not the nearer 1.0078125.
  @inline(__always)
  public func roundInput(_ x: Double) -> Double {
    switch self {
    case .float64: return x
    case .float32: return Double(Float(x))
    case .bfloat16:
      return LowPrecision.roundToSignificand(Double(Float(x)), bits: 8, minExponent: -126, maxExponent: 127)
    case .float16: return Double(Float16Bits.round(Double(Float(x))))
    }
  }

  /// A result rounded once, to nearest even, from float64.
  @inline(__always)
  public func roundResult(_ x: Double) -> Double {
    switch self {
    case .float64: return x
    case .float32: return Double(Float(x))
    case .bfloat16: return LowPrecision.roundToSignificand(x, bits: 8, minExponent: -126, maxExponent: 127)
    case .float16: return Double(Float16Bits.round(x))
    }
  }

  /// The spacing of the dtype's numbers at `x` (the ulp of `x` rounded to the dtype), for
  /// measuring agreement. Subnormals have the spacing of the smallest normal binade.
  public func ulp(at x: Double) -> Double {
    let (minExponent, _) = LowPrecision.exponentRange(self)
    let magnitude = Swift.abs(roundResult(x))
    guard magnitude.isFinite else { return .infinity }
    let exponent = magnitude == 0 ? minExponent : max(Int(magnitude.exponent), minExponent)
    return Double(sign: .plus, exponent: exponent - (significandBits - 1), significand: 1)
  }
}

/// Rounding of float64 values to narrower binary formats.
public enum LowPrecision {
  static func exponentRange(_ dtype: FloatDType) -> (min: Int, max: Int) {
    switch dtype {
    case .float64: return (-1022, 1023)
    case .float32, .bfloat16: return (-126, 127)
    case .float16: return (-14, 15)
    }
  }

  /// `x` rounded to nearest even with `bits` bits of precision and the exponent range given
  /// (gradual underflow below `minExponent`, infinity above the largest finite value).
  @inline(__always)
  static func roundToSignificand(_ x: Double, bits: Int, minExponent: Int, maxExponent: Int) -> Double {
    guard x.isFinite, x != 0 else { return x }
    if Swift.abs(x) >= Double(sign: .plus, exponent: maxExponent + 1, significand: 1) {
      return x < 0 ? -.infinity : .infinity
    }
    let exponent = max(Int(x.exponent), minExponent)
    // Adding and subtracting 1.5·2^(e+53-bits) rounds to a multiple of 2^(e+1-bits) in float64's own
    // round-to-nearest-even, exact otherwise (every step is a float64 operation on values of that
    // scale).
    let quantum = Double(sign: .plus, exponent: exponent + 1 - bits, significand: 1)
    let magic = quantum * 0x1.8p52
    let rounded = (x + magic) - magic
    let largest = Double(
      sign: .plus, exponent: maxExponent, significand: 2 - Double(sign: .plus, exponent: 1 - bits, significand: 1))
    if Swift.abs(rounded) > largest { return rounded < 0 ? -.infinity : .infinity }
    return Double(signOf: x, magnitudeOf: rounded)  // -tiny rounds to -0.0
  }

  /// Every floating input of a loss rounded to `dtype`; tensors that PyTorch takes as int64 (class
  /// indices, CTC targets and lengths) keep their values.
  public static func roundInputs(
    _ tensors: [String: Tensor], dtype: FloatDType, integral: Set<String>
  ) -> [String: Tensor] {
    guard dtype != .float64 else { return tensors }
    var result = tensors
    for (name, tensor) in tensors where !integral.contains(name) {
      var copy = tensor
      copy.storage = tensor.storage.map(dtype.roundInput)
      result[name] = copy
    }
    return result
  }

  /// Every number of a result rounded to `dtype`.
  public static func roundResult(_ result: LossResult, dtype: FloatDType) -> LossResult {
    guard dtype != .float64 else { return result }
    func round(_ tensor: Tensor) -> Tensor {
      var copy = tensor
      copy.storage = tensor.storage.map(dtype.roundResult)
      return copy
    }
    return LossResult(
      value: round(result.value), elementwise: round(result.elementwise),
      gradients: result.gradients.map { ($0.name, round($0.gradient)) }, warnings: result.warnings)
  }
}

/// Float16 rounding without the `Float16` type (unavailable on some platforms).
enum Float16Bits {
  @inline(__always)
  static func round(_ x: Double) -> Double {
    LowPrecision.roundToSignificand(x, bits: 11, minExponent: -14, maxExponent: 15)
  }
}

extension LossDefinition {
  /// The tensors PyTorch takes as int64 for this loss and these tensors (class indices, CTC
  /// targets and lengths, as each ``TensorSpec`` declares): `--dtype` leaves them alone.
  public func integralTensors(_ tensors: [String: Tensor]) -> Set<String> {
    Set(self.tensors.filter { $0.isInteger(in: tensors) }.map(\.name))
  }
}
