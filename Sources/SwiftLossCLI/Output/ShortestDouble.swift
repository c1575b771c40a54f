/// Shortest round-trip printing of `Double`, byte for byte the spelling of Swift's
/// `Double.description` (`0.1`, `100.0`, `1e-05`, `9.007199254740994e+15`, `-0.0`), written
/// straight into a caller's buffer.
///
/// The digits come from Ryu (Ulf Adams, "Ryū: fast float-to-string conversion", PLDI 2018): the
/// shortest decimal inside the rounding interval, the closest to the exact value among those,
/// ties to even. That is the same digit string SwiftDtoa (behind `description`) chooses; the tests
/// compare the two on random bit patterns. The layout follows `description`: plain decimal when
/// `|x| ≤ 2^53` and `x ≥ 1e-4` in magnitude (exactly: the decimal point is at most three zeros
/// to the left of the first digit), otherwise `d.ddde±XX` with at least two exponent digits.
///
/// `description` costs about 60 ns because it builds a `String`; this costs about 20–30 ns.
struct ShortestDouble: @unchecked Sendable {
  /// The longest spelling: `-2.2250738585072014e-308` is 24 bytes.
  static let maxLength = 32

  private let inverseSplit: UnsafePointer<UInt64>
  private let split: UnsafePointer<UInt64>
  private let digitPairs: UnsafePointer<UInt8>

  init() {
    inverseSplit = Tables.shared.inverseSplit
    split = Tables.shared.split
    digitPairs = Tables.shared.digitPairs
  }

  /// Immortal copies of the tables, so hot loops index raw pointers.
  private struct Tables: @unchecked Sendable {
    let inverseSplit: UnsafePointer<UInt64>
    let split: UnsafePointer<UInt64>
    let digitPairs: UnsafePointer<UInt8>

    static let shared: Tables = {
      func copy<T>(_ array: [T]) -> UnsafePointer<T> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: array.count)
        p.initialize(from: array, count: array.count)
        return UnsafePointer(p)
      }
      var pairs: [UInt8] = []
      for i in 0..<100 {
        pairs.append(UInt8(ascii: "0") + UInt8(i / 10))
        pairs.append(UInt8(ascii: "0") + UInt8(i % 10))
      }
      return Tables(
        inverseSplit: copy(RyuTables.pow5InvSplit), split: copy(RyuTables.pow5Split), digitPairs: copy(pairs))
    }()
  }

  // MARK: - Writing

  /// Writes `value` as `description` spells it (NaN as `nan`, whatever its sign or payload), and
  /// returns the number of bytes; `p` must have room for ``maxLength`` bytes.
  @inline(__always)
  func write(_ value: Double, to p: UnsafeMutablePointer<UInt8>) -> Int {
    let bits = value.bitPattern
    let negative = bits >> 63 != 0
    let ieeeExponent = UInt32(truncatingIfNeeded: (bits >> 52) & 0x7ff)
    let ieeeMantissa = bits & ((1 << 52) - 1)
    var pos = 0
    if ieeeExponent == 0x7ff {
      if ieeeMantissa != 0 { return Self.copy("nan", to: p) }
      return Self.copy(negative ? "-inf" : "inf", to: p)
    }
    if negative {
      p[0] = UInt8(ascii: "-")
      pos = 1
    }
    if ieeeExponent == 0 && ieeeMantissa == 0 {
      return pos + Self.copy("0.0", to: p + pos)
    }
    let (output, e10) = decimal(mantissa: ieeeMantissa, exponent: ieeeExponent)
    let n = Self.decimalLength17(output)
    // value = 0.DDD × 10^point
    let point = n + Int(e10)
    if point >= -3 && value.magnitude <= 0x1p53 {
      if point <= 0 {
        // 0.000ddd: "0." and three zeros are stored at once, the digits overwrite the extra zeros.
        UnsafeMutableRawPointer(p + pos).storeBytes(of: 0x3030_3030_2E30 as UInt64, as: UInt64.self)
        pos += 2 - point
        Self.writeDigits(output, count: n, at: p + pos)
        return pos + n
      }
      if point < n {
        Self.writeDigits(output, count: n, at: p + pos + 1)
        for i in 0..<point { p[pos + i] = p[pos + 1 + i] }
        p[pos + point] = UInt8(ascii: ".")
        return pos + n + 1
      }
      Self.writeDigits(output, count: n, at: p + pos)
      pos += n
      if point > n {
        (p + pos).update(repeating: UInt8(ascii: "0"), count: point - n)
        pos += point - n
      }
      p[pos] = UInt8(ascii: ".")
      p[pos + 1] = UInt8(ascii: "0")
      return pos + 2
    }
    // d.ddde±XX
    Self.writeDigits(output, count: n, at: p + pos + 1)
    p[pos] = p[pos + 1]
    if n > 1 {
      p[pos + 1] = UInt8(ascii: ".")
      pos += n + 1
    } else {
      pos += 1
    }
    p[pos] = UInt8(ascii: "e")
    var exponent = point - 1
    if exponent < 0 {
      p[pos + 1] = UInt8(ascii: "-")
      exponent = -exponent
    } else {
      p[pos + 1] = UInt8(ascii: "+")
    }
    pos += 2
    if exponent >= 100 {
      p[pos] = UInt8(ascii: "0") + UInt8(exponent / 100)
      pos += 1
      exponent %= 100
    }
    p[pos] = digitPairs[2 * exponent]
    p[pos + 1] = digitPairs[2 * exponent + 1]
    return pos + 2
  }

  @inline(__always)
  private static func copy(_ text: StaticString, to p: UnsafeMutablePointer<UInt8>) -> Int {
    p.update(from: text.utf8Start, count: text.utf8CodeUnitCount)
    return text.utf8CodeUnitCount
  }

  /// Writes the `count` (1...17) decimal digits of `value` at `p`, eight at a time. The digits
  /// are left-aligned to 17 and all 17 bytes are stored: up to 16 bytes after the last digit are
  /// overwritten with `0`s, which the caller's room (``maxLength``) allows and later bytes replace.
  @inline(__always)
  static func writeDigits(_ value: UInt64, count: Int, at p: UnsafeMutablePointer<UInt8>) {
    let aligned = value &* powerOfTen(17 &- count)
    let first = aligned / 10_000_000_000_000_000
    let rest = aligned &- first &* 10_000_000_000_000_000
    let high = rest / 100_000_000
    let low = rest &- high &* 100_000_000
    p[0] = UInt8(truncatingIfNeeded: first) &+ UInt8(ascii: "0")
    let raw = UnsafeMutableRawPointer(p + 1)
    raw.storeBytes(of: eightDigits(UInt32(truncatingIfNeeded: high)).littleEndian, as: UInt64.self)
    raw.storeBytes(of: eightDigits(UInt32(truncatingIfNeeded: low)).littleEndian, toByteOffset: 8, as: UInt64.self)
  }

  /// The eight ASCII digits of `v < 10^8` (with leading zeros), first digit in the low byte.
  @inline(__always)
  static func eightDigits(_ v: UInt32) -> UInt64 {
    let merged = UInt64(v / 10000) | (UInt64(v % 10000) << 32)
    let hundreds = ((merged &* 10486) >> 20) & 0x0000_007F_0000_007F
    let pairs = hundreds | ((merged &- hundreds &* 100) << 16)
    let tens = ((pairs &* 103) >> 10) & 0x000F_000F_000F_000F
    let digits = tens | ((pairs &- tens &* 10) << 8)
    return digits &+ 0x3030_3030_3030_3030
  }

  /// 10^n for 0 ≤ n ≤ 17 (a switch the compiler turns into a table).
  @inline(__always)
  static func powerOfTen(_ n: Int) -> UInt64 {
    switch n {
    case 0: return 1
    case 1: return 10
    case 2: return 100
    case 3: return 1000
    case 4: return 10000
    case 5: return 100_000
    case 6: return 1_000_000
    case 7: return 10_000_000
    case 8: return 100_000_000
    case 9: return 1_000_000_000
    case 10: return 10_000_000_000
    case 11: return 100_000_000_000
    case 12: return 1_000_000_000_000
    case 13: return 10_000_000_000_000
    case 14: return 100_000_000_000_000
    case 15: return 1_000_000_000_000_000
    case 16: return 10_000_000_000_000_000
    default: return 100_000_000_000_000_000
    }
  }

  // MARK: - Ryu

  /// The shortest digits `output` and exponent `e10` with `value = output × 10^e10`, for a
  /// finite non-zero double given by its raw fields.
  @inline(__always)
  func decimal(mantissa ieeeMantissa: UInt64, exponent ieeeExponent: UInt32) -> (UInt64, Int32) {
    let e2: Int32
    let m2: UInt64
    if ieeeExponent == 0 {
      e2 = 1 - 1023 - 52 - 2
      m2 = ieeeMantissa
    } else {
      e2 = Int32(ieeeExponent) - 1023 - 52 - 2
      m2 = (1 << 52) | ieeeMantissa
    }
    let acceptBounds = m2 & 1 == 0
    let mv = 4 &* m2
    let mmShift: UInt64 = (ieeeMantissa != 0 || ieeeExponent <= 1) ? 1 : 0
    var vr: UInt64, vp: UInt64, vm: UInt64
    let e10: Int32
    var vmIsTrailingZeros = false
    var vrIsTrailingZeros = false
    if e2 >= 0 {
      let q = Self.log10Pow2(e2) - (e2 > 3 ? 1 : 0)
      e10 = q
      let k = 125 + Self.pow5bits(q) - 1
      let i = -e2 + q + k
      let lo = inverseSplit[2 * Int(q)], hi = inverseSplit[2 * Int(q) + 1]
      vr = Self.mulShift64(mv, lo, hi, i)
      vp = Self.mulShift64(mv &+ 2, lo, hi, i)
      vm = Self.mulShift64(mv &- 1 &- mmShift, lo, hi, i)
      if q <= 21 {
        if mv % 5 == 0 {
          vrIsTrailingZeros = Self.multipleOfPowerOf5(mv, q)
        } else if acceptBounds {
          vmIsTrailingZeros = Self.multipleOfPowerOf5(mv &- 1 &- mmShift, q)
        } else if Self.multipleOfPowerOf5(mv &+ 2, q) {
          vp &-= 1
        }
      }
    } else {
      let q = Self.log10Pow5(-e2) - (-e2 > 1 ? 1 : 0)
      e10 = q + e2
      let i = -e2 - q
      let k = Self.pow5bits(i) - 125
      let j = q - k
      let lo = split[2 * Int(i)], hi = split[2 * Int(i) + 1]
      vr = Self.mulShift64(mv, lo, hi, j)
      vp = Self.mulShift64(mv &+ 2, lo, hi, j)
      vm = Self.mulShift64(mv &- 1 &- mmShift, lo, hi, j)
      if q <= 1 {
        vrIsTrailingZeros = true
        if acceptBounds {
          vmIsTrailingZeros = mmShift == 1
        } else {
          vp &-= 1
        }
      } else if q < 63 {
        vrIsTrailingZeros = mv & ((1 << UInt64(q)) - 1) == 0
      }
    }

    var removed: Int32 = 0
    var lastRemovedDigit: UInt64 = 0
    let output: UInt64
    if vmIsTrailingZeros || vrIsTrailingZeros {
      // The general case: values with few significant digits. Four digits at a time first: the
      // same as four single steps (if vp/10^4 > vm/10^4 then every single step would continue).
      while true {
        let vpDiv = vp / 10000, vmDiv = vm / 10000
        if vpDiv <= vmDiv { break }
        let vrDiv = vr / 10000
        let vrMod = vr &- 10000 &* vrDiv
        vmIsTrailingZeros = vmIsTrailingZeros && vm &- 10000 &* vmDiv == 0
        vrIsTrailingZeros = vrIsTrailingZeros && lastRemovedDigit == 0 && vrMod % 1000 == 0
        lastRemovedDigit = vrMod / 1000
        vr = vrDiv
        vp = vpDiv
        vm = vmDiv
        removed += 4
      }
      while true {
        let vpDiv10 = vp / 10, vmDiv10 = vm / 10
        if vpDiv10 <= vmDiv10 { break }
        let vmMod10 = vm &- 10 &* vmDiv10
        let vrDiv10 = vr / 10
        let vrMod10 = vr &- 10 &* vrDiv10
        vmIsTrailingZeros = vmIsTrailingZeros && vmMod10 == 0
        vrIsTrailingZeros = vrIsTrailingZeros && lastRemovedDigit == 0
        lastRemovedDigit = vrMod10
        vr = vrDiv10
        vp = vpDiv10
        vm = vmDiv10
        removed += 1
      }
      if vmIsTrailingZeros {
        while true {
          let vmDiv10 = vm / 10
          let vmMod10 = vm &- 10 &* vmDiv10
          if vmMod10 != 0 { break }
          let vpDiv10 = vp / 10, vrDiv10 = vr / 10
          let vrMod10 = vr &- 10 &* vrDiv10
          vrIsTrailingZeros = vrIsTrailingZeros && lastRemovedDigit == 0
          lastRemovedDigit = vrMod10
          vr = vrDiv10
          vp = vpDiv10
          vm = vmDiv10
          removed += 1
        }
      }
      if vrIsTrailingZeros && lastRemovedDigit == 5 && vr % 2 == 0 {
        lastRemovedDigit = 4  // exactly halfway: round to even
      }
      let roundUp = (vr == vm && (!acceptBounds || !vmIsTrailingZeros)) || lastRemovedDigit >= 5
      output = vr &+ (roundUp ? 1 : 0)
    } else {
      // The common case.
      var roundUp = false
      let vpDiv100 = vp / 100, vmDiv100 = vm / 100
      if vpDiv100 > vmDiv100 {
        let vrDiv100 = vr / 100
        let vrMod100 = vr &- 100 &* vrDiv100
        roundUp = vrMod100 >= 50
        vr = vrDiv100
        vp = vpDiv100
        vm = vmDiv100
        removed += 2
      }
      while true {
        let vpDiv10 = vp / 10, vmDiv10 = vm / 10
        if vpDiv10 <= vmDiv10 { break }
        let vrDiv10 = vr / 10
        let vrMod10 = vr &- 10 &* vrDiv10
        roundUp = vrMod10 >= 5
        vr = vrDiv10
        vp = vpDiv10
        vm = vmDiv10
        removed += 1
      }
      output = vr &+ ((vr == vm || roundUp) ? 1 : 0)
    }
    return (output, e10 + removed)
  }

  /// The number of decimal digits of `1 ≤ v < 10^17`, without branches: a guess from the bit
  /// length (`⌊log10 2^bits⌋`), corrected by one comparison.
  @inline(__always)
  static func decimalLength17(_ v: UInt64) -> Int {
    let bits = 64 - (v | 1).leadingZeroBitCount
    let guess = (bits &* 1233) >> 12  // ⌊log10(2^bits)⌋, ≤ the digit count
    return guess &+ (v >= powerOfTen(guess) ? 1 : 0)
  }

  /// `ceil(log2(5^e))` for `0 ≤ e ≤ 3528` (1 for `e = 0`).
  @inline(__always)
  static func pow5bits(_ e: Int32) -> Int32 {
    Int32(truncatingIfNeeded: ((UInt32(truncatingIfNeeded: e) &* 1_217_359) >> 19) &+ 1)
  }

  /// `floor(log10(2^e))` for `0 ≤ e ≤ 1650`.
  @inline(__always)
  static func log10Pow2(_ e: Int32) -> Int32 {
    Int32(truncatingIfNeeded: (UInt32(truncatingIfNeeded: e) &* 78913) >> 18)
  }

  /// `floor(log10(5^e))` for `0 ≤ e ≤ 2620`.
  @inline(__always)
  static func log10Pow5(_ e: Int32) -> Int32 {
    Int32(truncatingIfNeeded: (UInt32(truncatingIfNeeded: e) &* 732_923) >> 20)
  }

  @inline(__always)
  static func multipleOfPowerOf5(_ value: UInt64, _ p: Int32) -> Bool {
    var value = value
    var count: Int32 = 0
    while value != 0 {
      let q = value / 5
      if value &- 5 &* q != 0 { break }
      value = q
      count += 1
    }
    return count >= p
  }

  /// `((m × mul) >> j)` with `mul` a 128-bit multiplier and `64 < j < 128`.
  @inline(__always)
  static func mulShift64(_ m: UInt64, _ mulLo: UInt64, _ mulHi: UInt64, _ j: Int32) -> UInt64 {
    let b0 = m.multipliedFullWidth(by: mulLo)
    let b2 = m.multipliedFullWidth(by: mulHi)
    let (lo, carry) = b2.low.addingReportingOverflow(b0.high)
    let hi = b2.high &+ (carry ? 1 : 0)
    let dist = UInt64(truncatingIfNeeded: j - 64)
    return (hi &<< (64 &- dist)) | (lo &>> dist)
  }
}
