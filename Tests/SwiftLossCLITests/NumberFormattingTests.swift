import Foundation
import Testing

@testable import SwiftLossCLI

/// The byte-level shortest formatter must spell every double exactly as `Double.description`.
@Suite struct NumberFormattingTests {
  struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  func shortest(_ value: Double) -> String {
    NumberWriter(notation: .shortest, json: false).string(value)
  }

  func mismatches(_ values: [Double]) -> [String] {
    let writer = ShortestDouble()
    let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: ShortestDouble.maxLength)
    defer { buffer.deallocate() }
    var failures: [String] = []
    for value in values {
      let count = writer.write(value, to: buffer)
      let text = String(decoding: UnsafeBufferPointer(start: buffer, count: count), as: UTF8.self)
      if text != value.description { failures.append("\(value.bitPattern): \(text) != \(value.description)") }
    }
    return failures
  }

  @Test func randomBitPatternsMatchDescription() {
    var rng = SplitMix(state: 1)
    var values: [Double] = []
    while values.count < 150_000 {
      let value = Double(bitPattern: rng.next())
      if value.isFinite { values.append(value) }
    }
    let failures = mismatches(values)
    #expect(failures.isEmpty, "\(failures.count) mismatches, e.g. \(failures.prefix(5))")
  }

  @Test func typicalLossValuesMatchDescription() {
    var rng = SplitMix(state: 2)
    var values: [Double] = []
    for _ in 0..<100_000 {
      values.append(Double.random(in: -1...1, using: &rng))
      let scale = Double(sign: .plus, exponent: Int.random(in: -40...40, using: &rng), significand: 1)
      values.append(Double.random(in: 0...10, using: &rng) * scale)
      values.append(
        Double(Int.random(in: -100_000...100_000, using: &rng))
          / [1, 2, 4, 8, 10, 100, 1000][Int.random(in: 0..<7, using: &rng)])
    }
    let failures = mismatches(values)
    #expect(failures.isEmpty, "\(failures.count) mismatches, e.g. \(failures.prefix(5))")
  }

  @Test func boundariesMatchDescription() {
    var values: [Double] = [
      0, -0.0, 1, -1, 0.1, 0.2, 0.3, 100, 1e-4, 1e-5, 0.00012345, 9.999e-5, 0x1p53, (0x1p53 as Double).nextUp,
      (0x1p53 as Double).nextDown, 0x1p54, 9.9e15, 1e16, 1e22, 1e23, .leastNonzeroMagnitude, .leastNormalMagnitude,
      .greatestFiniteMagnitude, 123456789012345680, 2.5e-5, 1.5e-7, 4503599627370496.5,
    ]
    for e in -1074...1023 {
      let p = Double(sign: .plus, exponent: e, significand: 1)
      values += [p, p.nextUp, p.nextDown]
    }
    for e in -323...308 {
      let p = Double("1e\(e)")!
      values += [p, p.nextUp, p.nextDown, 5 * p]
    }
    for i in 0..<10_000 { values += [Double(i), Double(bitPattern: UInt64(i)), -Double(i) / 7] }
    let failures = mismatches(values)
    #expect(failures.isEmpty, "\(failures.count) mismatches, e.g. \(failures.prefix(5))")
  }

  @Test func nonFiniteSpellings() {
    let text = NumberWriter(notation: .shortest, json: false)
    let json = NumberWriter(notation: .shortest, json: true)
    #expect(text.string(.nan) == "nan")
    #expect(text.string(-.nan) == "nan")
    #expect(text.string(.infinity) == "inf")
    #expect(text.string(-.infinity) == "-inf")
    #expect(json.string(.nan) == "\"NaN\"")
    #expect(json.string(.infinity) == "\"Infinity\"")
    #expect(json.string(-.infinity) == "\"-Infinity\"")
    #expect(json.string(1e-5) == "1e-05")
    let fixed = NumberWriter(notation: .fixed(3), json: true)
    #expect(fixed.string(.nan) == "\"NaN\"")
  }

  @Test func fixedPrecisionIsPrintfF() {
    let writer = NumberWriter(notation: .fixed(4), json: false)
    #expect(writer.string(0.875) == "0.8750")
    #expect(writer.string(2.0 / 3.0) == "0.6667")
    #expect(writer.string(-1.5) == "-1.5000")
    #expect(writer.string(1e20) == "100000000000000000000.0000")
    #expect(NumberWriter(notation: .fixed(0), json: false).string(2.5) == "2")
    #expect(NumberWriter(notation: .fixed(2), json: false).string(1.005) == "1.00")  // 1.005 is 1.00499...
    let wide = NumberWriter(notation: .fixed(NumberWriter.maxPrecision), json: false)
    #expect(wide.string(-.greatestFiniteMagnitude).count == 1 + 309 + 1 + NumberWriter.maxPrecision)
  }

  @Test func shortestRoundTrips() {
    var rng = SplitMix(state: 3)
    for _ in 0..<10_000 {
      let value = Double(bitPattern: rng.next())
      guard value.isFinite else { continue }
      #expect(Double(shortest(value)) == value)
    }
  }
}
