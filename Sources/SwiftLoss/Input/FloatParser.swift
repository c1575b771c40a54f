#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A correctly rounded decimal-to-`Double` parser working on bytes, bit-identical to glibc
/// `strtod` for the syntax it accepts.
///
/// Accepted syntax: an optional sign, then either digits with an optional `.` and fraction (at
/// least one digit in all; `.5` and `5.` are fine) and an optional exponent `e`/`E` with optional
/// sign and at least one digit, or one of `nan`, `inf`, `infinity` in any case. Hexadecimal
/// floats, `_` separators, decimal commas and empty input are not numbers.
///
/// Algorithm: plain decimals (`-0.123…`, what most writers produce) take a straight-line path,
/// ``scanPlain(_:_:_:)``. Other numbers: Clinger's exact fast path for small mantissas and
/// exponents, then the Eisel–Lemire algorithm with a 128-bit table of powers of five
/// (``PowersOfFive``), and for the rare inputs it cannot decide (more than 19 significant digits
/// near a halfway point) an exact fallback through `strtod` on a canonical, locale-independent
/// copy (`digits` `e` `exponent`, no decimal point).
///
/// A finite-looking number whose value rounds beyond the double range (`1e400`) is reported as
/// ``Status/outOfRange`` rather than turned into infinity; underflow gives subnormals or zero, as
/// `strtod` does.
public enum FloatParser {
  /// The outcome of parsing at a position.
  public enum Status: Sendable, Equatable {
    /// A number was read; the cursor is after it.
    case ok
    /// No number starts here; the cursor is unchanged.
    case invalid
    /// The text is a number but its magnitude exceeds the double range; the cursor is after it.
    case outOfRange
  }

  /// Parses a whole byte string, which must be exactly one number (no surrounding spaces).
  public static func parse<Bytes: Collection>(_ bytes: Bytes) -> Double? where Bytes.Element == UInt8 {
    var array = Array(bytes)
    return array.withUnsafeMutableBufferPointer { buffer -> Double? in
      guard let base = buffer.baseAddress, buffer.count > 0 else { return nil }
      var cursor = UnsafePointer(base)
      let end = cursor + buffer.count
      var value = 0.0
      guard scan(&cursor, end, &value) == .ok, cursor == end else { return nil }
      return value
    }
  }

  /// Parses a number starting at `cursor` (which must be `< end` or equal to it), stopping at the
  /// first byte that cannot continue it. On `.ok` and `.outOfRange` the cursor moves past the
  /// number; on `.invalid` it does not move.
  public static func scan(
    _ cursor: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ value: inout Double
  ) -> Status {
    scanInline(&cursor, end, &value)
  }

  /// ``scan(_:_:_:)``, inlined into the readers' loops.
  @_transparent
  static func scanInline(
    _ cursor: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ value: inout Double
  ) -> Status {
    if scanPlain(&cursor, end, &value) { return .ok }
    return scanGeneral(&cursor, end, &value)
  }

  /// Everything but the plain fast path: for loops that have tried ``scanPlain(_:_:_:)`` already
  /// and meet other numbers rarely.
  @inline(never)
  static func scanOther(
    _ cursor: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ value: inout Double
  ) -> Status {
    scanGeneral(&cursor, end, &value)
  }

  /// The general path: any number in the syntax above.
  @inline(__always)
  static func scanGeneral(
    _ cursor: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ value: inout Double
  ) -> Status {
    var p = cursor
    let start = p
    guard p < end else { return .invalid }
    // Branch-free sign: random signs would otherwise mispredict half the time.
    let first = p.pointee
    // The sign bit by arithmetic (`first ^ '-'` is 0 only for '-'): a comparison here lets the
    // compiler duplicate the rest of the parser per sign, a branch random data mispredicts.
    let sign = (UInt64(truncatingIfNeeded: first ^ UInt8(ascii: "-")) &- 1) & (1 << 63)
    let negative = sign != 0
    // '+' is 0x2B and '-' 0x2D: one test for either, no short-circuit branch.
    p += (first &- UInt8(ascii: "+")) & 0xFD == 0 ? 1 : 0
    let integerStart = p
    var mantissa: UInt64 = 0
    digitRun(&p, end, &mantissa)
    let integerEnd = p
    var digitCount = integerEnd - integerStart
    var fractionStart = p
    var fractionEnd = p
    if p < end && p.pointee == UInt8(ascii: ".") {
      p += 1
      fractionStart = p
      digitRun(&p, end, &mantissa)
      fractionEnd = p
      digitCount += fractionEnd - fractionStart
    }
    if digitCount == 0 {
      return scanSpecial(&cursor, from: integerStart, end, negative: negative, &value)
    }
    var exponent = -(fractionEnd - fractionStart)
    var explicitExponent = 0
    if p < end && (p.pointee | 0x20) == UInt8(ascii: "e") {
      var q = p + 1
      var exponentNegative = false
      if q < end && (q.pointee == UInt8(ascii: "-") || q.pointee == UInt8(ascii: "+")) {
        exponentNegative = q.pointee == UInt8(ascii: "-")
        q += 1
      }
      if q < end && q.pointee &- UInt8(ascii: "0") < 10 {
        while q < end {
          let digit = q.pointee &- UInt8(ascii: "0")
          guard digit < 10 else { break }
          if explicitExponent < 0x1000_0000 { explicitExponent = explicitExponent * 10 + Int(digit) }
          q += 1
        }
        if exponentNegative { explicitExponent = -explicitExponent }
        exponent += explicitExponent
        p = q
      }
      // Otherwise the `e` is not part of the number: the caller sees it as trailing text.
    }
    cursor = p
    if digitCount > 19 {
      return slowDigits(
        start: start, integerStart: integerStart, integerEnd: integerEnd, fractionStart: fractionStart,
        fractionEnd: fractionEnd, explicitExponent: explicitExponent, negative: negative, &value)
    }
    if mantissa == 0 {
      value = Double(bitPattern: sign)
      return .ok
    }
    // Clinger's fast path: both the mantissa and the power of ten are exact doubles.
    if exponent >= -22 && exponent <= 22 && mantissa <= 1 << 53 {
      var d = Double(mantissa)
      if exponent < 0 { d /= exactPowerOfTen(-exponent) } else { d *= exactPowerOfTen(exponent) }
      value = Double(bitPattern: d.bitPattern | sign)
      return .ok
    }
    let (bits, decided) = eiselLemire(exponent, mantissa)
    if !decided {
      return fallback(
        start: start, integerStart: integerStart, integerEnd: integerEnd,
        fractionStart: fractionStart, fractionEnd: fractionEnd,
        explicitExponent: explicitExponent, negative: negative, &value)
    }
    return finish(bits, sign: sign, &value)
  }

  // MARK: - The plain-decimal fast path

  /// Reads the shape almost every machine-written number has, `[-]D.DDD` or `[-]D` with 1–7
  /// integer digits, at most 24 fraction digits and 19 significant ones, and no exponent, in a
  /// straight line: one word for the integer digits, three for the fraction, the digit values of
  /// all four converted whatever their lengths (no branch on how many digits there are, beyond a
  /// one-digit integer part), then Eisel–Lemire. The value `mantissa × 10^-fractionDigits` is the general path's exactly, and
  /// both round it correctly, so the result is bit-identical; anything else (a `+`, an exponent,
  /// more digits, fewer than 40 bytes before `end`) returns `false` with the cursor unmoved, and
  /// the general path takes over.
  @_transparent
  static func scanPlain(
    _ cursor: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ value: inout Double
  ) -> Bool {
    let start = cursor
    // Loads reach at most 1 (sign) + 8 (integer word, or 7 digits and '.') + 24 bytes ahead.
    guard end - start >= 40 else { return false }
    let sign = (UInt64(truncatingIfNeeded: start.pointee ^ UInt8(ascii: "-")) &- 1) & (1 << 63)
    let p = start + Int(truncatingIfNeeded: sign >> 63)
    let word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
    let integerDigits = firstNonDigit(word)
    // 1...7 integer digits: none is `.5`, `+1`, `nan`; eight or more go the general way.
    guard UInt(bitPattern: integerDigits &- 1) < 7 else { return false }
    // One integer digit is the common case (`-0.37`, `1.25`): no word conversion for it.
    let integerValue =
      integerDigits == 1
      ? (word & 0xFF) &- 0x30 : UInt64(digitValues(leading: integerDigits, of: word &- asciiZeros))
    var mantissa = integerValue
    var fractionDigits = 0
    var numberEnd = p + integerDigits
    if numberEnd.pointee == UInt8(ascii: ".") {
      let fraction = numberEnd + 1
      let first = UnsafeRawPointer(fraction).loadUnaligned(as: UInt64.self)
      let second = UnsafeRawPointer(fraction).loadUnaligned(fromByteOffset: 8, as: UInt64.self)
      let third = UnsafeRawPointer(fraction).loadUnaligned(fromByteOffset: 16, as: UInt64.self)
      // The digits each word contributes: the run stops at the first non-digit of the three.
      let inFirst = firstNonDigit(first)
      let inSecond = inFirst == 8 ? firstNonDigit(second) : 0
      let inThird = inFirst == 8 && inSecond == 8 ? firstNonDigit(third) : 0
      fractionDigits = inFirst + inSecond + inThird
      guard fractionDigits > 0 else { return false }
      // More than 19 digits fit when the integer part is zero and the fraction starts with zeros
      // (`0.0012301533574825742`, frequent in shortest-digit output): at most 19 significant.
      // (24 means that the run goes on past the three words.)
      if integerDigits + fractionDigits > 19 {
        guard fractionDigits < 24 && integerValue == 0 && fractionDigits - leadingZeros(first &- asciiZeros) <= 19
        else { return false }
      }
      var fractionValue = UInt64(digitValues(leading: inFirst, of: first &- asciiZeros))
      fractionValue =
        fractionValue &* wordPowersOfTen[inSecond]
        &+ UInt64(digitValues(leading: inSecond, of: second &- asciiZeros))
      fractionValue =
        fractionValue &* wordPowersOfTen[inThird]
        &+ UInt64(digitValues(leading: inThird, of: third &- asciiZeros))
      // (With more than 19 digits the integer part is zero, and so is its term.)
      mantissa = integerValue &* wordPowersOfTen[min(fractionDigits, 19)] &+ fractionValue
      numberEnd = fraction + fractionDigits
    }
    // An exponent follows: the general path reads it.
    guard numberEnd.pointee | 0x20 != UInt8(ascii: "e") else { return false }
    // Eisel–Lemire for every nonzero mantissa: a Clinger branch would mispredict on data whose
    // digit counts vary, and both give the one correctly rounded result.
    let bits = mantissa == 0 ? 0 : eiselLemireNormal(-fractionDigits, mantissa)
    value = Double(bitPattern: bits | sign)
    cursor = numberEnd
    return true
  }

  @inline(__always) static var asciiZeros: UInt64 { 0x3030_3030_3030_3030 }

  /// The number of leading zero digits (0–8) in a word of digit values.
  @inline(__always)
  static func leadingZeros(_ values: UInt64) -> Int {
    // A byte's high bit is set by adding 0x7F exactly when it is nonzero (bytes are 0–9 here).
    (((values &+ 0x7F7F_7F7F_7F7F_7F7F) | values) & 0x8080_8080_8080_8080).trailingZeroBitCount >> 3
  }

  /// The index (0–8) of the first byte of `word` (in memory order) that is not an ASCII digit;
  /// 8 when all are digits. Bytes after the first non-digit may be misjudged (borrows), which is
  /// why only the first one is asked for.
  @inline(__always)
  static func firstNonDigit(_ word: UInt64) -> Int {
    let nonDigits = ((word &+ 0x4646_4646_4646_4646) | (word &- asciiZeros)) & 0x8080_8080_8080_8080
    return nonDigits.trailingZeroBitCount >> 3
  }

  /// The value of the first `count` (0–8) digits of `values`, a word of digit values (each byte
  /// 0–9 up to `count`): shifting the rest out leaves zeros in front, which do not count.
  @inline(__always)
  static func digitValues(leading count: Int, of values: UInt64) -> UInt32 {
    // A shift by 64 − 8·count in two halves, each below 64: no test for count 0.
    let half = UInt64(truncatingIfNeeded: 32 &- 4 &* count)
    return eightDigitValues((values &<< half) &<< half)
  }

  /// 10^0 … 10^19, in memory: an indexed load, where a `switch` over a small range compiles to
  /// an indirect jump that random digit counts mispredict.
  /// (A literal, so that it is laid out statically, with no lazy initialisation to check.)
  static let wordPowersOfTen: [UInt64] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
    10_000_000_000_000,
    100_000_000_000_000,
    1_000_000_000_000_000,
    10_000_000_000_000_000,
    100_000_000_000_000_000,
    1_000_000_000_000_000_000,
    10_000_000_000_000_000_000,
  ]

  // MARK: - Pieces

  /// Reads a run of digits into `mantissa` (wrapping past 19 digits; the caller then re-reads
  /// them), eight at a time: a word of eight digits, then the partial word that ends the run.
  /// The partial word is read without branching on its length, so runs of 16, 17 or 18 digits
  /// take the same path.
  @inline(__always)
  static func digitRun(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, _ mantissa: inout UInt64) {
    while end - p >= 8 {
      let word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
      let length = firstNonDigit(word)
      if length == 8 {
        mantissa = mantissa &* 100_000_000 &+ UInt64(eightDigits(word))
        p += 8
        continue
      }
      mantissa = mantissa &* wordPowersOfTen[length] &+ UInt64(digitValues(leading: length, of: word &- asciiZeros))
      p += length
      return
    }
    while p < end {
      let digit = p.pointee &- UInt8(ascii: "0")
      guard digit < 10 else { break }
      mantissa = mantissa &* 10 &+ UInt64(digit)
      p += 1
    }
  }

  /// The value of eight ASCII digits loaded little-endian (first digit in the low byte).
  @inline(__always)
  static func eightDigits(_ word: UInt64) -> UInt32 {
    eightDigitValues(word &- asciiZeros)
  }

  /// The value of eight digit values (bytes 0–9, first digit in the low byte).
  @inline(__always)
  static func eightDigitValues(_ values: UInt64) -> UInt32 {
    let mask: UInt64 = 0x0000_00FF_0000_00FF
    let mul1: UInt64 = 0x000F_4240_0000_0064  // 100 + (1000000 << 32)
    let mul2: UInt64 = 0x0000_2710_0000_0001  // 1 + (10000 << 32)
    var v = values
    v = (v &* 10) &+ (v >> 8)
    v = (((v & mask) &* mul1) &+ (((v >> 16) & mask) &* mul2)) >> 32
    return UInt32(truncatingIfNeeded: v)
  }

  @inline(__always)
  static func exactPowerOfTen(_ e: Int) -> Double {
    switch e {
    case 0: return 1e0
    case 1: return 1e1
    case 2: return 1e2
    case 3: return 1e3
    case 4: return 1e4
    case 5: return 1e5
    case 6: return 1e6
    case 7: return 1e7
    case 8: return 1e8
    case 9: return 1e9
    case 10: return 1e10
    case 11: return 1e11
    case 12: return 1e12
    case 13: return 1e13
    case 14: return 1e14
    case 15: return 1e15
    case 16: return 1e16
    case 17: return 1e17
    case 18: return 1e18
    case 19: return 1e19
    case 20: return 1e20
    case 21: return 1e21
    default: return 1e22
    }
  }

  @inline(__always)
  static func finish(_ bits: UInt64, _ negative: Bool, _ value: inout Double) -> Status {
    finish(bits, sign: negative ? 1 << 63 : 0, &value)
  }

  @inline(__always)
  static func finish(_ bits: UInt64, sign: UInt64, _ value: inout Double) -> Status {
    guard bits & (0x7FF << 52) != 0x7FF << 52 else { return .outOfRange }
    value = Double(bitPattern: bits | sign)
    return .ok
  }

  /// `nan`, `inf`, `infinity` (any case) at `p`; the sign has been read already.
  @inline(never)
  static func scanSpecial(
    _ cursor: inout UnsafePointer<UInt8>, from p: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>,
    negative: Bool, _ value: inout Double
  ) -> Status {
    func matches(_ word: StaticString, at q: UnsafePointer<UInt8>) -> Bool {
      let count = word.utf8CodeUnitCount
      guard end - q >= count else { return false }
      let letters = word.utf8Start
      for k in 0..<count where (q[k] | 0x20) != letters[k] { return false }
      return true
    }
    if matches("nan", at: p) {
      value = negative ? -Double.nan : Double.nan
      cursor = p + 3
      return .ok
    }
    if matches("inf", at: p) {
      value = negative ? -Double.infinity : Double.infinity
      cursor = matches("inity", at: p + 3) ? p + 8 : p + 3
      return .ok
    }
    return .invalid
  }

  /// The Eisel–Lemire algorithm (as in fast_float): the bits of `w × 10^q` correctly rounded, or
  /// `decided == false` when the 128-bit product cannot settle the rounding.
  @inline(__always)
  static func eiselLemire(_ q: Int, _ w: UInt64) -> (bits: UInt64, decided: Bool) {
    if w == 0 || q < PowersOfFive.smallestExponent { return (0, true) }
    if q > PowersOfFive.largestExponent { return (0x7FF << 52, true) }
    let leadingZeros = w.leadingZeroBitCount
    let normalized = w << UInt64(leadingZeros)
    let index = 2 * (q - PowersOfFive.smallestExponent)
    let table = PowersOfFive.table
    var (high, low) = normalized.multipliedFullWidth(by: table[index])
    // 55 bits of precision are needed: 52 explicit + hidden + 2 for rounding.
    let precisionMask: UInt64 = 0xFFFF_FFFF_FFFF_FFFF >> 55
    if high & precisionMask == precisionMask {
      let (secondHigh, _) = normalized.multipliedFullWidth(by: table[index + 1])
      let (sum, carry) = low.addingReportingOverflow(secondHigh)
      low = sum
      if carry { high &+= 1 }
      if low == 0xFFFF_FFFF_FFFF_FFFF && (q < -27 || q > 55) { return (0, false) }
    }
    let upperBit = Int(high >> 63)
    let shift = UInt64(upperBit + 64 - 52 - 3)
    var mantissa = high >> shift
    var power2 = (((152_170 + 65_536) * q) >> 16) + 63 + upperBit - leadingZeros + 1023
    if power2 <= 0 {
      // Subnormal (or zero).
      if -power2 + 1 >= 64 { return (0, true) }
      mantissa >>= UInt64(-power2 + 1)
      mantissa += mantissa & 1
      mantissa >>= 1
      power2 = mantissa < (1 << 52) ? 0 : 1
      return (mantissa | (UInt64(power2) << 52), true)
    }
    // A product exactly halfway between two doubles: round to even.
    if low <= 1 && q >= -4 && q <= 23 && mantissa & 3 == 1 {
      if mantissa << shift == high { mantissa &= ~1 }
    }
    mantissa += mantissa & 1
    mantissa >>= 1
    if mantissa >= 2 << 52 {
      mantissa = 1 << 52
      power2 += 1
    }
    mantissa &= ~(1 << 52)
    if power2 >= 0x7FF { return (0x7FF << 52, true) }
    return (mantissa | (UInt64(power2) << 52), true)
  }

  /// ``eiselLemire(_:_:)`` for `0 < w < 10^19` and `-24 ≤ q ≤ 0`, the plain fast path's range,
  /// with the same arithmetic and so the same bits. There the result is always a normal double
  /// and the 128-bit product always decides (the undecided case needs q < -27 or q > 55), so the
  /// range checks, the subnormal and overflow branches and the undecided outcome fall away.
  @inline(__always)
  static func eiselLemireNormal(_ q: Int, _ w: UInt64) -> UInt64 {
    let leadingZeros = w.leadingZeroBitCount
    let normalized = w &<< UInt64(leadingZeros)
    let index = 2 * (q - PowersOfFive.smallestExponent)
    let table = PowersOfFive.table
    var (high, low) = normalized.multipliedFullWidth(by: table[index])
    if high & 0x1FF == 0x1FF {
      let (secondHigh, _) = normalized.multipliedFullWidth(by: table[index + 1])
      let (sum, carry) = low.addingReportingOverflow(secondHigh)
      low = sum
      if carry { high &+= 1 }
    }
    let upperBit = Int(high >> 63)
    let shift = UInt64(upperBit + 9)
    var mantissa = high >> shift
    var power2 = (((152_170 + 65_536) * q) >> 16) + 63 + upperBit - leadingZeros + 1023
    // A product exactly halfway between two doubles: round to even.
    if low <= 1 && q >= -4 && mantissa & 3 == 1 && mantissa << shift == high { mantissa &= ~1 }
    mantissa += mantissa & 1
    mantissa >>= 1
    if mantissa >= 2 << 52 {
      mantissa = 1 << 52
      power2 += 1
    }
    return (mantissa & ~(1 << 52)) | (UInt64(truncatingIfNeeded: power2) << 52)
  }

  /// More than 19 significant digits: Eisel–Lemire on the first 19 digits and on that plus one
  /// unit; when both round alike that is the answer, otherwise the exact fallback.
  @inline(never)
  static func slowDigits(
    start: UnsafePointer<UInt8>, integerStart: UnsafePointer<UInt8>, integerEnd: UnsafePointer<UInt8>,
    fractionStart: UnsafePointer<UInt8>, fractionEnd: UnsafePointer<UInt8>, explicitExponent: Int,
    negative: Bool, _ value: inout Double
  ) -> Status {
    // Significant digits, skipping leading zeros.
    var significant = (integerEnd - integerStart) + (fractionEnd - fractionStart)
    var p = integerStart
    while p < integerEnd && p.pointee == UInt8(ascii: "0") {
      significant -= 1
      p += 1
    }
    if p == integerEnd {
      var f = fractionStart
      while f < fractionEnd && f.pointee == UInt8(ascii: "0") {
        significant -= 1
        f += 1
      }
    }
    let minimal19: UInt64 = 1_000_000_000_000_000_000
    var mantissa: UInt64 = 0
    var exponent: Int
    var q = integerStart
    while mantissa < minimal19 && q < integerEnd {
      mantissa = mantissa * 10 + UInt64(q.pointee &- UInt8(ascii: "0"))
      q += 1
    }
    if mantissa >= minimal19 {
      exponent = (integerEnd - q) + explicitExponent
    } else {
      q = fractionStart
      while mantissa < minimal19 && q < fractionEnd {
        mantissa = mantissa * 10 + UInt64(q.pointee &- UInt8(ascii: "0"))
        q += 1
      }
      exponent = (fractionStart - q) + explicitExponent
    }
    if mantissa == 0 {
      value = negative ? -0.0 : 0.0
      return .ok
    }
    if significant <= 19 {
      // Leading zeros only: the mantissa is exact.
      if exponent >= -22 && exponent <= 22 && mantissa <= 1 << 53 {
        var d = Double(mantissa)
        if exponent < 0 { d /= exactPowerOfTen(-exponent) } else { d *= exactPowerOfTen(exponent) }
        value = negative ? -d : d
        return .ok
      }
      let (bits, decided) = eiselLemire(exponent, mantissa)
      if decided { return finish(bits, negative, &value) }
    } else {
      let (lowBits, lowDecided) = eiselLemire(exponent, mantissa)
      let (highBits, highDecided) = eiselLemire(exponent, mantissa + 1)
      if lowDecided && highDecided && lowBits == highBits { return finish(lowBits, negative, &value) }
    }
    return fallback(
      start: start, integerStart: integerStart, integerEnd: integerEnd,
      fractionStart: fractionStart, fractionEnd: fractionEnd,
      explicitExponent: explicitExponent, negative: negative, &value)
  }

  /// The exact path: `strtod` on `[-]DIGITSeEXP` (no decimal point, so no locale dependence).
  @inline(never)
  static func fallback(
    start: UnsafePointer<UInt8>, integerStart: UnsafePointer<UInt8>, integerEnd: UnsafePointer<UInt8>,
    fractionStart: UnsafePointer<UInt8>, fractionEnd: UnsafePointer<UInt8>, explicitExponent: Int,
    negative: Bool, _ value: inout Double
  ) -> Status {
    var text: [UInt8] = []
    text.reserveCapacity((integerEnd - integerStart) + (fractionEnd - fractionStart) + 24)
    if negative { text.append(UInt8(ascii: "-")) }
    var leading = true
    var p = integerStart
    while p < integerEnd {
      if !(leading && p.pointee == UInt8(ascii: "0")) {
        leading = false
        text.append(p.pointee)
      }
      p += 1
    }
    p = fractionStart
    while p < fractionEnd {
      if !(leading && p.pointee == UInt8(ascii: "0")) {
        leading = false
        text.append(p.pointee)
      }
      p += 1
    }
    if leading { text.append(UInt8(ascii: "0")) }
    let exponent = explicitExponent - (fractionEnd - fractionStart)
    text.append(UInt8(ascii: "e"))
    text.append(contentsOf: String(exponent).utf8)
    text.append(0)
    let result = text.withUnsafeBufferPointer { buffer -> Double in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        guard let base = chars.baseAddress else { return .nan }
        return strtod(base, nil)
      }
    }
    guard result.isFinite else { return .outOfRange }
    value = result
    return .ok
  }
}
