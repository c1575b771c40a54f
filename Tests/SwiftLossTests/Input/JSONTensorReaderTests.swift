import Foundation
import Testing

@testable import SwiftLoss

private func json(_ s: String, label: String = "t.json") throws(InputError) -> Tensor {
  try TensorReader.read(bytes: Array(s.utf8), label: label)
}

@Suite struct JSONTensorReaderTests {
  @Test("numbers, nested arrays of any rank, empty arrays")
  func forms() throws {
    let scalar = try TensorReader.parseLiteral("3", label: "--target")
    #expect(scalar.shape == [])
    #expect(scalar.storage == [3])
    let vector = try TensorReader.parseLiteral("[1, 0, 4]", label: "--target")
    #expect(vector.shape == [3])
    #expect(vector.storage == [1, 0, 4])
    let cube = try json("[[[1,2],[3,4]],[[5,6],[7,8]],[[9,10],[11,12]]]")
    #expect(cube.shape == [3, 2, 2])
    #expect(cube.storage == (1...12).map(Double.init))
    #expect(try json("[]").shape == [0])
    #expect(try json("[[],[]]").shape == [2, 0])
    #expect(try json(" \n[ [ ] ]\n").shape == [1, 0])
    #expect(try json("[[[]]]").shape == [1, 1, 0])
    let rows = try json("[[1.5e3, -2], [0.25, 1E-2]]")
    #expect(rows.storage == [1500, -2, 0.25, 0.01])
  }

  @Test("shape/data objects with flat or nested data, in any key order")
  func shapeData() throws {
    let flat = try json(#"{"shape": [2, 3], "data": [1, 2, 3, 4, 5, 6]}"#)
    #expect(flat.shape == [2, 3])
    #expect(flat.storage == [1, 2, 3, 4, 5, 6])
    let nested = try json(#"{"data": [[1, 2, 3], [4, 5, 6]], "name": "x", "shape": [3, 2]}"#)
    #expect(nested.shape == [3, 2])
    let scalar = try json(#"{"shape": [], "data": 7}"#)
    #expect(scalar.shape == [])
    #expect(scalar.storage == [7])
    let empty = try json(#"{"shape": [0, 4], "data": []}"#)
    #expect(empty.shape == [0, 4])
    expectInputError(line: 1, column: 27, "data has 5 elements but shape (2, 3) needs 6") { () throws(InputError) in
      try json(#"{"shape": [2, 3], "data": [1, 2, 3, 4, 5]}"#)
    }
    expectInputError(line: 1, column: 15, "shape entries must be non-negative integers, found \"-1\"") {
      () throws(InputError) in try json(#"{"shape": [2, -1], "data": []}"#)
    }
    expectInputError(line: 1, column: 1, "tensor object has no \"data\" key") { () throws(InputError) in
      try json(#"{"shape": [2]}"#)
    }
    expectInputError(line: 1, column: 15, "duplicate key \"data\"") { () throws(InputError) in
      try json(#"{"data": [1], "data": [2]}"#)
    }
    expectInputError(
      prefix: "shape (1000000000000, 1000000000000) has too many elements", line: 1, column: 11
    ) { () throws(InputError) in
      try json(#"{"shape": [1000000000000, 1000000000000], "data": []}"#)
    }
  }

  @Test("non-finite values as bare tokens and strings; true/false are 1/0")
  func specials() throws {
    let t = try json(#"[NaN, Infinity, -Infinity, "NaN", "Infinity", "-Infinity", "nan", "inf", "-inf", nan, -INF]"#)
    #expect(t.storage[0].isNaN && t.storage[3].isNaN && t.storage[6].isNaN && t.storage[9].isNaN)
    #expect(t.storage[1] == .infinity && t.storage[4] == .infinity && t.storage[7] == .infinity)
    #expect(t.storage[2] == -.infinity && t.storage[5] == -.infinity && t.storage[8] == -.infinity)
    #expect(t.storage[10] == -.infinity)
    #expect(try json("[true, false]").storage == [1, 0])
    #expect(try TensorReader.parseLiteral("-inf", label: "--var").storage == [-.infinity])
  }

  @Test("errors carry line and column")
  func errors() {
    expectInputError(line: 2, column: 3, "expected 3 elements at depth 2 (as in the first row), found 2") {
      () throws(InputError) in try json("[[1,2,3],\n  [4,5]]")
    }
    expectInputError(line: 1, column: 10, "expected 2 elements at depth 2 (as in the first row), found 3") {
      () throws(InputError) in try json("[[1, 2], [3, 4, 5]]")
    }
    expectInputError(line: 1, column: 10, "expected an array at depth 2, found \"3\"") { () throws(InputError) in
      try json("[[1, 2], 3]")
    }
    expectInputError(line: 1, column: 5, "expected a number at depth 2, found an array") { () throws(InputError) in
      try json("[1, [2]]")
    }
    expectInputError(line: 1, column: 5, "expected a number, found \"null\"") { () throws(InputError) in
      try json("[1, null]")
    }
    expectInputError(line: 1, column: 5, "expected a number, found string \"abc\"") { () throws(InputError) in
      try json(#"[1, "abc"]"#)
    }
    expectInputError(line: 1, column: 4, "number out of range: \"1e400\"") { () throws(InputError) in
      try json("[0,1e400]")
    }
    expectInputError(line: 1, column: 4, "expected a number, found ']'") { () throws(InputError) in
      try json("[1,]")
    }
    expectInputError(line: 1, column: 4, "expected ',' or ']', found \"2\"") { () throws(InputError) in
      try json("[1 2]")
    }
    expectInputError(line: 1, column: 7, "unexpected end of input") { () throws(InputError) in
      try json("[1, 2,")
    }
    expectInputError(line: 2, column: 1, "unexpected text after the json value: \"x\"") { () throws(InputError) in
      try json("[1]\nx")
    }
    expectInputError(line: 1, column: 2, "expected a number, found \"0x10\"") { () throws(InputError) in
      try json("[0x10]")
    }
    expectInputError(line: 1, column: 5, "expected 0 elements at depth 2 (as in the first row), found 1") {
      () throws(InputError) in try json("[[],[1]]").storage
    }
  }

  @Test("deep nesting is an error, quickly and without recursion")
  func deepNesting() {
    let deep = String(repeating: "[", count: 100_000) + "1" + String(repeating: "]", count: 100_000)
    expectInputError(line: 1, column: 65, "arrays nested deeper than 64 levels") { () throws(InputError) in
      try json(deep)
    }
    let ok = String(repeating: "[", count: 64) + "1" + String(repeating: "]", count: 64)
    #expect((try? json(ok))?.shape == [Int](repeating: 1, count: 64))
    let deepObject = #"{"x": "# + String(repeating: "[", count: 100_000) + "]}"
    expectInputError(line: 1, column: 71, "arrays nested deeper than 64 levels") { () throws(InputError) in
      try TensorReader.readObject(bytes: Array(deepObject.utf8), label: "d.json")
    }
  }

  @Test("readObject returns named tensors in document order")
  func object() throws {
    let text = #"{"input": [[1, 2], [3, 4]], "target": [0, 1], "weight": {"shape": [2], "data": [1, 2]}, "var": 0.5}"#
    let pairs = try TensorReader.readObject(bytes: Array(text.utf8), label: "d.json")
    #expect(pairs.map(\.key) == ["input", "target", "weight", "var"])
    #expect(pairs[0].tensor.shape == [2, 2])
    #expect(pairs[2].tensor.storage == [1, 2])
    #expect(pairs[3].tensor.shape == [])
    #expect(pairs[1].tensor.origin?.locate?(1).map { [$0.line, $0.column] } == [1, 43])
    expectInputError(line: 1, column: 16, "duplicate key \"input\"") { () throws(InputError) in
      try TensorReader.readObject(bytes: Array(#"{"input": [1], "input": [2]}"#.utf8), label: "d.json")
    }
    expectInputError(line: 1, column: 1, "expected a json object of named tensors, found an array") {
      () throws(InputError) in try TensorReader.readObject(bytes: Array("[1, 2]".utf8), label: "d.json")
    }
    #expect(try TensorReader.readObject(bytes: Array(" {} ".utf8), label: "d.json").isEmpty)
  }

  @Test("a duplicate key is found among many (the object walk moves from a list to a set at 16 keys)")
  func duplicateAmongManyKeys() throws {
    let keys = (0..<20).map { "\"k\($0)\": [\($0)]" }
    let many = try TensorReader.readObject(
      bytes: Array(("{" + keys.joined(separator: ", ") + "}").utf8), label: "d.json")
    #expect(many.map(\.key) == (0..<20).map { "k\($0)" })
    for duplicate in [3, 15, 16, 19] {
      let text = "{" + keys.joined(separator: ", ") + ", \"k\(duplicate)\": [0]}"
      let column = text.utf8.count - "\"k\(duplicate)\": [0]}".utf8.count + 1
      expectInputError(line: 1, column: column, "duplicate key \"k\(duplicate)\"") { () throws(InputError) in
        try TensorReader.readObject(bytes: Array(text.utf8), label: "d.json")
      }
    }
  }

  @Test("origins locate nested elements")
  func locate() throws {
    let t = try json("[[1, 2],\n [3,   4]]")
    #expect(t.origin?.locate?(0).map { [$0.line, $0.column] } == [1, 3])
    #expect(t.origin?.locate?(3).map { [$0.line, $0.column] } == [2, 8])
    let s = try json("{\"shape\": [2], \"data\":\n [5, 6]}")
    #expect(s.origin?.describe(elementAt: 1) == "t.json:2:6")
  }

  @Test("files with a .json extension and sniffed standard input")
  func files() throws {
    let path = try writeTemporary("x.json", "[[1, 2], [3, 4]]")
    #expect(try TensorReader.read(path: path).shape == [2, 2])
    let unknown = try writeTemporary("x.data", "  {\"data\": [1, 2]}")
    #expect(try TensorReader.read(path: unknown).shape == [2])
    // Standard input: a bare number is text, shape (1,).
    #expect(try TensorReader.read(bytes: Array("3.5\n".utf8), label: "<stdin>").shape == [1])
  }
}

@Suite struct JSONParallelTests {
  @Test("rows of plain numbers (the fast loop) in any layout match strtod, in parallel and not")
  func plainRows() throws {
    var rng = SplitMix(seed: 77)
    var rows: [String] = []
    var expected: [Double] = []
    for row in 0..<50_000 {
      let fields = (0..<6).map { _ in mixedNumberField(&rng) }
      expected += fields.map(\.value)
      // Separators with and without blanks and newlines between and inside rows.
      let separator = [", ", ",", " ,\n  "][row % 3]
      rows.append("[" + fields.map(\.text).joined(separator: separator) + "]")
    }
    let text =
      "["
      + rows.enumerated().map { $0.offset % 5 == 0 ? $0.element : " " + $0.element }
      .joined(separator: ",\n") + "]\n"
    #expect(text.utf8.count > DelimitedTextReader.parallelThreshold)
    let input = InputBytes(Array(text.utf8))
    let parallel = input.withBytes { buffer in
      buffer.baseAddress.flatMap { JSONTensorReader.parallelArray(buffer, base: $0, label: "plain.json", start: 0) }
    }
    #expect(parallel?.shape == [50_000, 6])
    #expect(sameBits(parallel?.storage ?? [], expected))
    let sequential = try JSONTensorReader.read(input, label: "plain.json", parallel: false)
    #expect(sameBits(sequential.storage, expected))

    // A ragged row and a nested row among plain rows: the parallel path declines, the
    // sequential parser reports them.
    var ragged = rows
    ragged[40_000] = "[0.5, 0.25]"
    let raggedText = "[" + ragged.joined(separator: ",\n") + "]"
    // The row's line: one more than the newlines before it (rows hold newlines of their own).
    let line = 1 + ragged[0..<40_000].reduce(0) { $0 + $1.filter { $0 == "\n" }.count } + 40_000
    expectInputError(line: line, column: 1, "expected 6 elements at depth 2 (as in the first row), found 2") {
      () throws(InputError) in try JSONTensorReader.read(InputBytes(Array(raggedText.utf8)), label: "r.json")
    }
    var nested = rows
    nested[40_000] = "[0.5, [0.25], 0.5, 0.5, 0.5, 0.5]"
    #expect(throws: InputError.self) {
      try JSONTensorReader.read(InputBytes(Array(("[" + nested.joined(separator: ",\n") + "]").utf8)), label: "n.json")
    }
  }

  @Test("large arrays parsed in parallel equal the sequential parse; errors come from the sequential parser")
  func parallel() throws {
    var rng = SplitMix(seed: 5)
    var rows: [String] = []
    for _ in 0..<60_000 {
      rows.append(
        "[" + (0..<5).map { _ in Double(bitPattern: rng.next() >> 2).description }.joined(separator: ", ") + "]")
    }
    let text = "[" + rows.joined(separator: ",\n") + "]\n"
    #expect(text.utf8.count > DelimitedTextReader.parallelThreshold)
    let input = InputBytes(Array(text.utf8))
    let parallel = input.withBytes { buffer in
      buffer.baseAddress.flatMap { JSONTensorReader.parallelArray(buffer, base: $0, label: "big.json", start: 0) }
    }
    #expect(parallel?.shape == [60_000, 5])
    let a = try JSONTensorReader.read(input, label: "big.json")
    let b = try JSONTensorReader.read(input, label: "big.json", parallel: false)
    #expect(a.shape == [60_000, 5])
    #expect(sameBits(a.storage, b.storage))
    #expect(sameBits(parallel?.storage ?? [], b.storage))

    // A comma after the closing bracket (found by fuzzing the parallel path against the
    // sequential one): an error, the same one either way.
    let trailing = InputBytes(Array((String(text.dropLast()) + ",\n").utf8))
    var messages: [String] = []
    for parallel in [true, false] {
      do {
        _ = try JSONTensorReader.read(trailing, label: "big.json", parallel: parallel)
      } catch {
        messages.append(error.description)
      }
    }
    #expect(messages.count == 2 && messages[0] == messages[1], "\(messages)")

    var bad = rows
    bad[50_000] = "[1, 2, 3, 4]"
    let badInput = InputBytes(Array(("[" + bad.joined(separator: ",\n") + "]").utf8))
    expectInputError(line: 50_001, column: 1, "expected 5 elements at depth 2 (as in the first row), found 4") {
      () throws(InputError) in try JSONTensorReader.read(badInput, label: "big.json")
    }
    let flat = "[" + (0..<700_000).map { String($0 % 1000) }.joined(separator: ",") + "]"
    let flatTensor = try JSONTensorReader.read(InputBytes(Array(flat.utf8)), label: "flat.json")
    #expect(flatTensor.shape == [700_000])
    #expect(flatTensor.storage[699_999] == 999)
  }
}
