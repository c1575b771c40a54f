import Foundation
import Testing

@testable import SwiftLoss

/// A small deterministic generator (SplitMix64) so failures reproduce.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// glibc `strtod` on a whole string: the bits, whether it consumed everything, and ERANGE overflow.
func strtodReference(_ text: String) -> (value: Double, consumed: Bool, overflow: Bool) {
  text.withCString { pointer in
    var end: UnsafeMutablePointer<CChar>?
    errno = 0
    let value = strtod(pointer, &end)
    let overflow = errno == ERANGE && value.isInfinite
    let consumed = end.map { $0 - UnsafeMutablePointer(mutating: pointer) == strlen(pointer) } ?? false
    return (value, consumed, overflow)
  }
}

/// One directory for this test process's temporary files, removed when the process exits.
enum ReaderTestFiles {
  static let root: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftloss-readers-\(getpid())")
    atexit { try? FileManager.default.removeItem(at: ReaderTestFiles.root) }
    return url
  }()
}

/// A fresh temporary directory for one test (inside ``ReaderTestFiles/root``).
func temporaryDirectory() throws -> URL {
  let url = ReaderTestFiles.root.appendingPathComponent(UUID().uuidString)
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Writes `bytes` to a temporary file named `name` and returns its path.
func writeTemporary(_ name: String, _ bytes: [UInt8]) throws -> String {
  let url = try temporaryDirectory().appendingPathComponent(name)
  try Data(bytes).write(to: url)
  return url.path
}

func writeTemporary(_ name: String, _ text: String) throws -> String {
  try writeTemporary(name, Array(text.utf8))
}

/// Expects `body` to throw an ``InputError`` with exactly this line, column and message.
func expectInputError(
  label: String? = nil, line: Int?, column: Int?, _ message: String,
  sourceLocation: Testing.SourceLocation = #_sourceLocation,
  _ body: () throws(InputError) -> Any
) {
  do {
    _ = try body()
    Issue.record("expected an error \"\(message)\", got a value", sourceLocation: sourceLocation)
  } catch {
    if let label { #expect(error.label == label, sourceLocation: sourceLocation) }
    #expect(error.line == line, "line of \(error)", sourceLocation: sourceLocation)
    #expect(error.column == column, "column of \(error)", sourceLocation: sourceLocation)
    #expect(error.message == message, sourceLocation: sourceLocation)
  }
}

/// Expects an error whose message starts with `prefix` (for messages naming system details).
func expectInputError(
  prefix: String, line: Int? = nil, column: Int? = nil,
  sourceLocation: Testing.SourceLocation = #_sourceLocation,
  _ body: () throws(InputError) -> Any
) {
  do {
    _ = try body()
    Issue.record("expected an error \"\(prefix)...\", got a value", sourceLocation: sourceLocation)
  } catch {
    #expect(error.message.hasPrefix(prefix), "message: \(error.message)", sourceLocation: sourceLocation)
    #expect(error.line == line, "line of \(error)", sourceLocation: sourceLocation)
    #expect(error.column == column, "column of \(error)", sourceLocation: sourceLocation)
  }
}

/// Bitwise equality that treats NaNs by their bits.
func sameBits(_ a: [Double], _ b: [Double]) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}

/// Fields of the forms machine-written files hold, most of them plain decimals (the readers' fast
/// loops) and some not (exponents, long mantissas, integers, signed zeros): the text, and its
/// value by `strtod` as the independent reference.
func mixedNumberField(_ rng: inout SplitMix) -> (text: String, value: Double) {
  let text: String
  switch rng.next() % 16 {
  case 0: text = String(format: "%.6e", Double(Int64(bitPattern: rng.next() >> 1)) * 0x1p-70)
  case 1: text = String(Int(rng.next() % 2_000_000) - 1_000_000)
  case 2: text = rng.next() % 2 == 0 ? "-0.0" : "0"
  case 3: text = "0." + (0..<(18 + Int(rng.next() % 4))).map { _ in String(rng.next() % 10) }.joined()
  case 4: text = (Double(rng.next() >> 11) * 0x1p-53 * 1e-5).description
  default:
    // Like Python's repr of a normal sample: shortest digits, mostly `-0.123...` or `1.23...`.
    let value = (Double(rng.next() >> 11) * 0x1p-53 - 0.5) * Double(1 << (rng.next() % 6))
    text = value.description
  }
  return (text, strtodReference(text).value)
}
