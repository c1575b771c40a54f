import Foundation
import Testing

@testable import SwiftLoss

/// Decimal digits of an unsigned big integer, base 10^9 limbs (least significant first).
private struct BigDecimal {
  var limbs: [UInt64]
  init(_ value: UInt64) {
    limbs = value == 0 ? [0] : []
    var v = value
    while v > 0 {
      limbs.append(v % 1_000_000_000)
      v /= 1_000_000_000
    }
  }
  mutating func multiply(by factor: UInt64) {
    var carry: UInt64 = 0
    for k in limbs.indices {
      let product = limbs[k] * factor + carry
      limbs[k] = product % 1_000_000_000
      carry = product / 1_000_000_000
    }
    while carry > 0 {
      limbs.append(carry % 1_000_000_000)
      carry /= 1_000_000_000
    }
  }
  mutating func add(_ value: UInt64) {
    var carry = value
    var k = 0
    while carry > 0 {
      if k == limbs.count { limbs.append(0) }
      let sum = limbs[k] + carry
      limbs[k] = sum % 1_000_000_000
      carry = sum / 1_000_000_000
      k += 1
    }
  }
  /// Subtracts 1 (the value must be positive).
  mutating func decrement() {
    var k = 0
    while limbs[k] == 0 {
      limbs[k] = 999_999_999
      k += 1
    }
    limbs[k] -= 1
  }
  var text: String {
    var out = String(limbs.last ?? 0)
    for limb in limbs.dropLast().reversed() {
      let s = String(limb)
      out += String(repeating: "0", count: 9 - s.count) + s
    }
    return out
  }
}

/// The exact decimal form of `odd × 2^k`, as `digits e exponent`, and the neighbours just below
/// and above it (one unit in an extra decimal place).
private func exactDecimals(_ odd: UInt64, _ k: Int) -> [String] {
  var digits = BigDecimal(odd)
  var exponent = 0
  if k >= 0 {
    for _ in 0..<k { digits.multiply(by: 2) }
  } else {
    for _ in 0..<(-k) { digits.multiply(by: 5) }
    exponent = k
  }
  var below = digits
  below.multiply(by: 10)
  below.decrement()
  var above = digits
  above.multiply(by: 10)
  above.add(1)
  return [
    "\(digits.text)e\(exponent)", "\(below.text)e\(exponent - 1)", "\(above.text)e\(exponent - 1)",
  ]
}

/// Random and adversarial decimal strings.
private func corpus(count: Int, seed: UInt64) -> [String] {
  var rng = SplitMix(seed: seed)
  var out: [String] = [
    "0", "-0", "+0", "0.0", "0e999999", "0e-999999", "-0e999999", "0.000000000000000000000000000e400",
    "1", "1.", ".5", "+.5", "-.5e-3", "1e0", "1E+2", "1e-2", "123456789012345678901234567890",
    "1e-400", "-1e-400", "2.4703282292062327e-324", "2.4703282292062328e-324", "4.9406564584124654e-324",
    "2.2250738585072011e-308", "2.2250738585072012e-308", "2.2250738585072014e-308",
    "1.7976931348623157e308", "1.7976931348623158e308", "1.797693134862315807e308",
    "9007199254740993", "9007199254740992.5", "9007199254740993.0000000000000000001",
    // More than 19 digits, but leading zeros: the fast path's limit is 19 significant digits.
    "0.0012301533574825742", "-0.00012301533574825742", "00.0012301533574825742", "0.000000000000000000000",
    "0.00001234567890123456789", "0.000000001234567890123456", "-0.00000012345678901234567891",
    "0.0000000000000000000000001", "0.12345678901234567890",
    // Plain decimals whose first 128-bit product is inconclusive (the second product decides).
    "-0.2590949159568047", "92094.27271836", "0.1588262443149316", "900.7199254741452",
    "0.1", "0.2", "0.3", "3.141592653589793238462643383279", "2.718281828459045235360287471352",
    "7.2057594037927933e16", "1.00000000000000011102230246251565404236316680908203125",
    "1.00000000000000011102230246251565404236316680908203124",
    "1.00000000000000011102230246251565404236316680908203126",
    "0.00000000000000000000000000000000000000000000000000000000000000000000000001",
    "100000000000000000000000000000000000000000000000000000000000000000000000000e-90",
    "179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368",
  ]
  // Shortest and fixed-precision forms of random doubles over the whole exponent range.
  for _ in 0..<(count / 4) {
    let bits = rng.next() & 0x7FEF_FFFF_FFFF_FFFF | (rng.next() & 0x8000_0000_0000_0000)
    let value = Double(bitPattern: bits)
    guard value.isFinite else { continue }
    out.append(value.description)
    let precision = Int(rng.next() % 25) + 1
    out.append(String(format: "%.\(precision)g", value))
  }
  // Subnormals.
  for _ in 0..<(count / 16) {
    let value = Double(bitPattern: rng.next() & 0x000F_FFFF_FFFF_FFFF)
    out.append(String(format: "%.\(Int(rng.next() % 25) + 1)e", value))
  }
  // Random digit strings: 1–25 digits, a point anywhere, exponents from -360 to 330.
  for _ in 0..<(count / 4) {
    let length = Int(rng.next() % 25) + 1
    var digits = (0..<length).map { _ in Character(String(rng.next() % 10)) }
    if rng.next() % 3 != 0 { digits.insert(".", at: Int(rng.next() % UInt64(length + 1))) }
    var text = (rng.next() % 2 == 0 ? "" : "-") + String(digits)
    if rng.next() % 4 != 0 { text += "e\(Int(rng.next() % 691) - 360)" }
    out.append(text)
  }
  // Halfway points between adjacent doubles (normal and subnormal), and their neighbours.
  for n in 0..<(count / 40) {
    let mantissa: UInt64
    let exponent: Int
    if n % 4 == 0 {
      mantissa = rng.next() & 0x000F_FFFF_FFFF_FFFF
      exponent = -1074
    } else {
      mantissa = (rng.next() & 0x000F_FFFF_FFFF_FFFF) | 0x0010_0000_0000_0000
      exponent = n % 4 == 1 ? Int(rng.next() % 200) - 100 : Int(rng.next() % 2098) - 1074
    }
    out += exactDecimals(2 * mantissa + 1, exponent - 1)
  }
  // Plain decimals, the fast path's shape: 1–8 integer digits, 0–21 fraction digits.
  for _ in 0..<(count / 8) {
    let integer = (0..<(Int(rng.next() % 8) + 1)).map { _ in String(rng.next() % 10) }.joined()
    let fraction = (0..<Int(rng.next() % 22)).map { _ in String(rng.next() % 10) }.joined()
    out.append((rng.next() % 2 == 0 ? "-" : "") + integer + (fraction.isEmpty ? "" : "." + fraction))
  }
  // Fractions with leading zeros and 10–21 more digits (19 significant digits or more).
  for _ in 0..<(count / 16) {
    let zeros = String(repeating: "0", count: Int(rng.next() % 7))
    let digits = (0..<(10 + Int(rng.next() % 12))).map { _ in String(rng.next() % 10) }.joined()
    out.append((rng.next() % 2 == 0 ? "-" : "") + "0." + zeros + digits)
  }
  // Shortest forms of doubles from 1e-20 to 1e20 (plain decimals from 1e-4 to 1e16).
  for _ in 0..<(count / 8) {
    let magnitude = Double(sign: .plus, exponent: Int(rng.next() % 133) - 66, significand: 1)
    out.append((magnitude * (1 + Double(rng.next() >> 11) * 0x1p-53)).description)
  }
  // Near 2^53 and 10^19, where Clinger's range and the 19-digit limit end.
  for n in 0..<(count / 40) {
    let base: UInt64 = n % 2 == 0 ? 9_007_199_254_740_992 : 9_999_999_999_999_999_999
    let digits = String(base &- rng.next() % 1000 &+ 500)
    let point = Int(rng.next() % UInt64(min(digits.count, 8))) + 1
    out.append(String(digits.prefix(point)) + "." + String(digits.dropFirst(point)))
  }
  // 17–25 digit mantissas near powers of ten, and huge/small exponents.
  for _ in 0..<(count / 8) {
    let length = 17 + Int(rng.next() % 9)
    let digits = (0..<length).map { _ in String(rng.next() % 10) }.joined()
    let exponent = Int(rng.next() % 700) - 350 - length
    out.append("\(digits)e\(exponent)")
    out.append("0.\(digits)e\(Int(rng.next() % 20) + 300)")
  }
  return out
}

@Suite struct FloatParserTests {
  @Test("agrees bit for bit with strtod on random and adversarial strings")
  func exactness() {
    let strings = corpus(count: 24_000, seed: 0x5EED)
    #expect(strings.count >= 20_000)
    var mismatches: [String] = []
    for text in strings {
      let reference = strtodReference(text)
      #expect(reference.consumed, "strtod did not consume \(text)")
      let parsed = FloatParser.parse(Array(text.utf8))
      var cursor = 0
      let status = Array(text.utf8).withUnsafeBufferPointer { buffer -> FloatParser.Status in
        guard let base = buffer.baseAddress else { return .invalid }
        var p = base
        var value = 0.0
        let status = FloatParser.scan(&p, base + buffer.count, &value)
        cursor = p - base
        return status
      }
      // Inside a longer buffer, as in a file: the plain fast path (which reads ahead) takes over.
      var embedded = 0.0
      var embeddedCursor = 0
      let embeddedStatus = Array((text + "," + String(repeating: "9", count: 48)).utf8).withUnsafeBufferPointer {
        buffer -> FloatParser.Status in
        guard let base = buffer.baseAddress else { return .invalid }
        var p = base
        let status = FloatParser.scan(&p, base + buffer.count, &embedded)
        embeddedCursor = p - base
        return status
      }
      if reference.overflow {
        if status != .outOfRange || cursor != text.utf8.count { mismatches.append("\(text): expected out of range") }
        if embeddedStatus != .outOfRange { mismatches.append("\(text): expected out of range in a buffer") }
      } else if parsed?.bitPattern != reference.value.bitPattern {
        mismatches.append("\(text): \(String(describing: parsed)) != \(reference.value)")
      } else if embeddedStatus != .ok || embeddedCursor != text.utf8.count
        || embedded.bitPattern != reference.value.bitPattern
      {
        mismatches.append("\(text): \(embedded) (ending at \(embeddedCursor)) in a buffer != \(reference.value)")
      }
    }
    #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(5))")
  }

  @Test(
    "accepts nan and inf spellings in any case with a sign",
    arguments: [
      ("nan", Double.nan), ("NaN", .nan), ("-nan", -.nan), ("+NAN", .nan), ("inf", .infinity), ("-inf", -.infinity),
      ("+inf", .infinity), ("Infinity", .infinity), ("-INFINITY", -.infinity), ("iNfInItY", .infinity),
    ])
  func specials(text: String, expected: Double) {
    let value = FloatParser.parse(Array(text.utf8))
    #expect(value?.bitPattern == expected.bitPattern)
  }

  @Test(
    "rejects what is not a decimal number",
    arguments: [
      "", "-", "+", ".", "e5", "1e", "1e+", "0x10", "0x1p3", "1_000", "1,5", " 1", "1 ", "nan(1)", "infin", "--1",
      "1.2.3", "in", "na", "1d0", "١",
    ])
  func rejects(text: String) {
    #expect(FloatParser.parse(Array(text.utf8)) == nil)
  }

  @Test(
    "numbers beyond the double range are out of range, not infinite",
    arguments: [
      "1e400", "-1e400", "1.8e308", "1e99999999999999999999", "179769313486231580793728971405304e276",
    ])
  func outOfRange(text: String) {
    let bytes = Array(text.utf8)
    bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      var p = base
      var value = 0.0
      #expect(FloatParser.scan(&p, base + buffer.count, &value) == .outOfRange)
      #expect(p == base + buffer.count)
    }
  }

  @Test("stops at the end of the number")
  func prefix() {
    let bytes = Array("12.5e3,7".utf8)
    bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      var p = base
      var value = 0.0
      #expect(FloatParser.scan(&p, base + buffer.count, &value) == .ok)
      #expect(value == 12500)
      #expect(p - base == 6)
      // "1e" leaves the "e" unread.
      let other = Array("1ex".utf8)
      other.withUnsafeBufferPointer { b in
        guard let start = b.baseAddress else { return }
        var q = start
        #expect(FloatParser.scan(&q, start + b.count, &value) == .ok)
        #expect(q - start == 1)
      }
    }
  }
}
