import Foundation
import Testing

@testable import SwiftLoss

private func hex(_ text: String) -> [UInt8] {
  var bytes: [UInt8] = []
  var index = text.startIndex
  while index < text.endIndex {
    let next = text.index(index, offsetBy: 2)
    bytes.append(UInt8(text[index..<next], radix: 16) ?? 0)
    index = next
  }
  return bytes
}

/// The unpickled value, given to `body` while its lists and dicts are alive.
private func inspect<R>(_ bytes: [UInt8], _ body: (PickleMachine.Value) -> R) throws(InputError) -> R {
  try InputBytes(bytes).withBytes { (buffer: UnsafeBufferPointer<UInt8>) throws(InputError) in
    try PickleMachine.withValue(buffer, label: "data.pkl") { (value: PickleMachine.Value) throws(InputError) in
      body(value)
    }
  }
}

private func load(_ bytes: [UInt8]) throws(InputError) {
  try inspect(bytes) { value in
    var tensors: [(key: String, view: PickleMachine.TensorView)] = []
    var visits = 0
    try? PyTorchArchiveReader.collect(value, key: "", depth: 0, visits: &visits, into: &tensors, label: "x.pt")
  }
}

private func message(_ bytes: [UInt8]) -> String {
  do {
    _ = try load(bytes)
    return "(no error)"
  } catch {
    return error.message
  }
}

/// The `data.pkl` of a fixture `.pt`.
private func dataPickle(_ file: String) throws -> [UInt8] {
  let bytes = ArchiveFixtures.bytes(file)
  return try InputBytes(bytes).withBytes { (buffer: UnsafeBufferPointer<UInt8>) throws(InputError) -> [UInt8] in
    let zip = try ZipArchive.open(buffer, label: file)
    guard let prefix = PyTorchArchiveReader.prefix(of: zip), let entry = zip.entry(named: prefix + "data.pkl") else {
      throw InputError(label: file, message: "no data.pkl")
    }
    return try zip.withContents(of: entry, in: buffer) { (b: UnsafeBufferPointer<UInt8>) throws(InputError) in Array(b)
    }
  }
}

@Suite struct PickleMachineTests {
  // The byte strings below are Python's `pickle.dumps(..., protocol=2)` of the value in the comment.

  @Test("a list shared through the memo is one list, filled after it was memoised")
  func sharedReferences() throws {
    // x = [1]; {'a': x, 'b': x}
    let shared = try inspect(hex("80027d71002858010000006171015d71024b016158010000006271036802752e")) { value -> Bool in
      guard case .dict(let dict) = value, dict.items.count == 2, case .list(let a) = dict.items[0].value,
        case .list(let b) = dict.items[1].value
      else { return false }
      return a === b && b.items.count == 1
    }
    #expect(shared)
  }

  @Test("integers of every width, floats, booleans, None and UTF-8 strings")
  func scalars() throws {
    // (-1, -129, 2**63-1, -2**63, 2**64, 1.5, True, None, 'é'): 2**64 does not fit an Int.
    let bytes = hex(
      "8002284affffffff4a7fffffff8a08ffffffffffffff7f8a0800000000000000808a09000000000000000001473ff8000000000000884e5802000000c3a971007471012e"
    )
    #expect(message(bytes) == "pickle integer too large")
    // The same without 2**64 (its LONG1 opcode and 10 bytes removed).
    let fitting = hex(
      "8002284affffffff4a7fffffff8a08ffffffffffffff7f8a080000000000000080473ff8000000000000884e5802000000c3a971007471012e"
    )
    let right = try inspect(fitting) { value -> Bool in
      guard case .tuple(let items) = value, items.count == 8, case .int(-1) = items[0], case .int(-129) = items[1],
        case .int(Int.max) = items[2], case .int(Int.min) = items[3], case .float(1.5) = items[4],
        case .bool(true) = items[5], case .none = items[6], case .string("é") = items[7]
      else { return false }
      return true
    }
    #expect(right)
  }

  @Test("a list that holds itself is an error, not an endless walk")
  func cycle() throws {
    // L = []; L.append(L)
    let text = try inspect(hex("80025d71006800612e")) { value -> String in
      var tensors: [(key: String, view: PickleMachine.TensorView)] = []
      var visits = 0
      do throws(InputError) {
        try PyTorchArchiveReader.collect(value, key: "", depth: 0, visits: &visits, into: &tensors, label: "x.pt")
        return "(no error)"
      } catch {
        return error.message
      }
    }
    #expect(text == "the pickled value is nested too deeply or shares itself too often")
  }

  @Test("globals off the allow list are refused by name; object-building opcodes are refused")
  func refusals() {
    #expect(message([0x80, 0x02] + Array("cos\nsystem\n".utf8)).contains("\"os.system\""))
    #expect(message([0x80, 0x02] + Array("cbuiltins\neval\n".utf8)).contains("\"builtins.eval\""))
    #expect(message([0x80, 0x02] + Array("(ios\nsystem\n".utf8)).contains("\"os.system\""))
    #expect(message([0x80, 0x02, 0x82, 0x01]).contains("creates an object"))
    #expect(message([0x80, 0x02, UInt8(ascii: "I")]).hasPrefix("unsupported pickle opcode 0x49"))
    #expect(message([0x80, 0x02, UInt8(ascii: ".")]) == "malformed pickle: stack underflow at byte 3")
    #expect(message([0x80, 0x02, UInt8(ascii: "h"), 3]) == "malformed pickle: memo entry 3 is not set at byte 3")
    #expect(message([0x80, 0x02, UInt8(ascii: "X"), 0xFF, 0xFF, 0xFF, 0x7F]) == "truncated pickle data at byte 7")
  }

  @Test(
    "every prefix and many corruptions of torch's own data.pkl files: an error or a value, never a trap",
    arguments: [
      "dtypes.pt", "views.pt", "nested.pt", "adaptive_state_dict.pt", "protocol4.pt", "malicious.pt", "module.pt",
    ])
  func corruptPickles(_ file: String) throws {
    let bytes = try dataPickle(file)
    #expect(bytes.count > 100)
    for length in 0..<bytes.count { _ = try? load(Array(bytes.prefix(length))) }
    var random = SplitMix(seed: 7)
    for _ in 0..<3000 {
      var corrupt = bytes
      let at = Int.random(in: 0..<corrupt.count, using: &random)
      corrupt[at] = UInt8.random(in: 0...255, using: &random)
      try? load(corrupt)
    }
  }
}
