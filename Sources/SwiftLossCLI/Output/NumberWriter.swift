import SwiftLoss

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How numbers are spelt in output: shortest round-trip (the default) or `--precision N` fixed
/// digits after the point, with the non-finite spellings of the output format.
struct NumberWriter: @unchecked Sendable {
  enum Notation: Equatable, Sendable {
    /// Swift's `Double.description` digits.
    case shortest
    /// `%.Nf`.
    case fixed(Int)
  }

  /// The most digits after the point `--precision` accepts.
  static let maxPrecision = 100

  let notation: Notation
  /// JSON spells non-finite numbers as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`; text as
  /// `nan`, `inf`, `-inf`.
  let json: Bool
  /// Room one number may need.
  let maxLength: Int
  /// `--dtype`: shortest notation then spells the shortest decimal that round-trips in this dtype
  /// (values are already rounded to it).
  let dtype: FloatDType
  private let shortest = ShortestDouble()

  init(notation: Notation, json: Bool, dtype: FloatDType = .float64) {
    self.notation = notation
    self.json = json
    self.dtype = dtype
    switch notation {
    case .shortest: maxLength = ShortestDouble.maxLength
    case .fixed(let digits): maxLength = 320 + digits
    }
  }

  /// Writes `value` at `p` (room for ``maxLength`` bytes) and returns the length.
  @inline(__always)
  func write(_ value: Double, to p: UnsafeMutablePointer<UInt8>) -> Int {
    if !value.isFinite {
      if json {
        if value.isNaN { return Self.copy("\"NaN\"", to: p) }
        return Self.copy(value < 0 ? "\"-Infinity\"" : "\"Infinity\"", to: p)
      }
      if value.isNaN { return Self.copy("nan", to: p) }
      return Self.copy(value < 0 ? "-inf" : "inf", to: p)
    }
    switch notation {
    case .shortest:
      if dtype != .float64 { return LowPrecisionText.write(value, dtype: dtype, shortest: shortest, to: p) }
      return shortest.write(value, to: p)
    case .fixed(let digits): return Self.writeFixed(value, digits: digits, to: p, room: maxLength)
    }
  }

  @inline(__always)
  func append(_ value: Double, to buffer: OutputBuffer) {
    let p = buffer.reserve(maxLength)
    buffer.advance(by: write(value, to: p))
  }

  /// The spelling as a `String` (for text layout and tests).
  func string(_ value: Double) -> String {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxLength) { buffer in
      let n = write(value, to: buffer.baseAddress!)
      return String(decoding: UnsafeBufferPointer(start: buffer.baseAddress!, count: n), as: UTF8.self)
    }
  }

  @inline(__always)
  private static func copy(_ text: StaticString, to p: UnsafeMutablePointer<UInt8>) -> Int {
    p.update(from: text.utf8Start, count: text.utf8CodeUnitCount)
    return text.utf8CodeUnitCount
  }

  /// `%.Nf` through the C library, which rounds the exact binary value correctly; never uses the
  /// locale's decimal separator (swiftloss never calls `setlocale`, so it is the C locale's `.`).
  private static func writeFixed(_ value: Double, digits: Int, to p: UnsafeMutablePointer<UInt8>, room: Int) -> Int {
    let n = withVaList([Int32(digits), value]) { arguments in
      p.withMemoryRebound(to: CChar.self, capacity: room) { vsnprintf($0, room, "%.*f", arguments) }
    }
    return Int(max(0, min(n, Int32(room - 1))))
  }
}
