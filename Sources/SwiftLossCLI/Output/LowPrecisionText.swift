import SwiftLoss

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The shortest decimal that reads back as the same float32, bfloat16 or float16 (`1.8912575`
/// for the float32 nearest 1.891257519054833), laid out as Swift's `description` lays out numbers;
/// whole numbers below 2^24 are printed exactly, as `description` prints them.
enum LowPrecisionText {
  /// Writes finite `value` (already a value of `dtype`) at `p`, which has room for
  /// ``ShortestDouble/maxLength`` bytes; returns the length.
  static func write(_ value: Double, dtype: FloatDType, shortest: ShortestDouble, to p: UnsafeMutablePointer<UInt8>)
    -> Int
  {
    switch dtype {
    case .float64:
      return shortest.write(value, to: p)
    case .float32:
      // Float's own description is the shortest float32 round trip (SwiftDtoa); short strings
      // are stored inline, so this allocates nothing.
      var text = Float(value).description
      return text.withUTF8 { bytes in
        let n = min(bytes.count, ShortestDouble.maxLength)
        if let source = bytes.baseAddress { p.update(from: source, count: n) }
        return n
      }
    case .bfloat16, .float16:
      // At most 5 significant digits: try 1, 2, ... and take the first decimal (the nearest of
      // that many digits, or its neighbour on the other side) that rounds back to `value`. That
      // decimal is short enough that float64's shortest spelling of it is the decimal itself.
      guard value.isFinite, value != 0 else { return shortest.write(value, to: p) }
      // Whole numbers below 2^24 print exactly (4112.0, not 4110.0), as Swift's Float16 and Float
      // descriptions, numpy and PyTorch print them.
      if value.rounded() == value && value.magnitude < 0x1p24 { return shortest.write(value, to: p) }
      for digits in 1...9 {
        for candidate in candidates(value, digits: digits) where dtype.roundResult(candidate) == value {
          return shortest.write(candidate, to: p)
        }
      }
      return shortest.write(value, to: p)
    }
  }

  /// The decimals of `digits` significant digits nearest `value`: the correctly rounded one, and
  /// the one a unit in its last digit towards `value` on the other side.
  private static func candidates(_ value: Double, digits: Int) -> [Double] {
    var buffer = [CChar](repeating: 0, count: 48)
    let n = withVaList([Int32(digits - 1), value]) { arguments in
      buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, 48, "%.*e", arguments) }
    }
    guard n > 0 else { return [] }
    let nearest = buffer.withUnsafeBufferPointer { strtod($0.baseAddress!, nil) }
    guard let e = buffer.firstIndex(of: CChar(UInt8(ascii: "e"))),
      let exponent = Int(
        String(decoding: buffer[(e + 1)...].prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    else { return [nearest] }
    // One unit in the last digit, 10^(exponent - digits + 1), as a decimal string read by strtod.
    let unitText = "1e\(exponent - digits + 1)"
    let unit = strtod(unitText, nil)
    let other = nearest < value ? nearest + unit : nearest - unit
    // Re-read the neighbour from its decimal text so that it is the float64 nearest that decimal.
    var otherBuffer = [CChar](repeating: 0, count: 48)
    let m = withVaList([Int32(digits - 1), other]) { arguments in
      otherBuffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, 48, "%.*e", arguments) }
    }
    guard m > 0 else { return [nearest] }
    return [nearest, otherBuffer.withUnsafeBufferPointer { strtod($0.baseAddress!, nil) }]
  }
}
