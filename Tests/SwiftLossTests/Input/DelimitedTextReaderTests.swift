import Foundation
import Testing

@testable import SwiftLoss

private func text(_ s: String, label: String = "data.csv", delimiter: UInt8? = nil) throws(InputError) -> Tensor {
  try TensorReader.read(bytes: Array(s.utf8), label: label, options: ReadOptions(delimiter: delimiter))
}

@Suite struct DelimitedTextReaderTests {
  @Test("rows and columns give (rows, cols); one row or column is 1-D; one value is (1,)")
  func shapes() throws {
    let grid = try text("1,2,3\n4,5,6\n")
    #expect(grid.shape == [2, 3])
    #expect(grid.storage == [1, 2, 3, 4, 5, 6])
    #expect(try text("1,2,3").shape == [3])
    #expect(try text("1\n2\n3\n").shape == [3])
    let single = try text("3.5")
    #expect(single.shape == [1])
    #expect(single.storage == [3.5])
  }

  @Test("CRLF, BOM, comments, blank lines, spaces around fields")
  func dialect() throws {
    let t = try text("\u{FEFF}# a comment\r\n\r\n  1 , 2\r\n   \r\n\t# indented comment\n3,4 \r\n\n")
    #expect(t.shape == [2, 2])
    #expect(t.storage == [1, 2, 3, 4])
  }

  @Test("a non-numeric first row is a header, also after comments")
  func header() throws {
    let t = try text("# made by hand\nx, y\n1,2\n3,4\n")
    #expect(t.shape == [2, 2])
    #expect(t.storage == [1, 2, 3, 4])
    #expect(try text("value\n1\n2\n").shape == [2])
  }

  @Test("a first row mixing numbers and text is an error, not a header")
  func mixedFirstRow() {
    expectInputError(label: "data.csv", line: 1, column: 3, "expected a number, found \"abc\"") {
      () throws(InputError) in
      try text("1,abc\n2,3\n")
    }
  }

  @Test("a malformed number in the first row is an error, not a header (no data row dropped silently)")
  func malformedFirstNumberIsNotAHeader() throws {
    expectInputError(label: "data.csv", line: 1, column: 1, "expected a number, found \"1.5.3\"") {
      () throws(InputError) in
      try text("1.5.3\n2\n3\n")
    }
    expectInputError(label: "data.csv", line: 1, column: 3, "expected a number, found \"-.5x\"") {
      () throws(InputError) in
      try text("2,-.5x\n2,3\n")
    }
    // Names that do not start like numbers are still a header.
    #expect(try text("x1,.y,-z,+\n1,2,3,4\n").shape == [4])
  }

  @Test("tsv, explicit delimiters and space-separated text")
  func delimiters() throws {
    let path = try writeTemporary("t.tsv", "a\tb\n1\t2\n 3 \t 4\n")
    let tsv = try TensorReader.read(path: path)
    #expect(tsv.shape == [2, 2])
    #expect(tsv.storage == [1, 2, 3, 4])
    let semicolon = try text("1;2\n3;4\n", delimiter: UInt8(ascii: ";"))
    #expect(semicolon.storage == [1, 2, 3, 4])
    let spaces = try text("  1   2\t 3  \n4 5 6\n", delimiter: 0x20)
    #expect(spaces.shape == [2, 3])
    #expect(spaces.storage == [1, 2, 3, 4, 5, 6])
    // Without a delimiter, a first row with no comma is split on blanks (numpy savetxt).
    let savetxt = try text("1.000000000000000000e+00 2.000000000000000000e+00\n3 4\n")
    #expect(savetxt.storage == [1, 2, 3, 4])
    expectInputError(label: "x.csv", line: nil, column: nil, "invalid delimiter \"1\"") { () throws(InputError) in
      try text("1,2", label: "x.csv", delimiter: UInt8(ascii: "1"))
    }
  }

  @Test("nan and inf spellings")
  func specials() throws {
    let t = try text("nan,NaN,-inf,+Infinity,INF,-nan\n")
    #expect(t.storage[0].isNaN && t.storage[1].isNaN && t.storage[5].isNaN)
    #expect(t.storage[2] == -.infinity && t.storage[3] == .infinity && t.storage[4] == .infinity)
  }

  @Test("ragged rows name the line and both counts")
  func ragged() {
    expectInputError(label: "data.csv", line: 4, column: 1, "expected 3 fields (as on line 1), found 2") {
      () throws(InputError) in try text("1,2,3\n4,5,6\n\n7,8\n")
    }
    expectInputError(label: "data.csv", line: 3, column: 1, "expected 2 fields (as on line 2), found 3") {
      () throws(InputError) in try text("# c\n1,2\n3,4,5\n")
    }
    expectInputError(label: "data.csv", line: 2, column: 1, "expected 2 fields (as on line 1), found 1") {
      () throws(InputError) in try text("a,b\n1\n")
    }
  }

  @Test("bad fields: text, empty, glued, hex, out of range")
  func badFields() {
    expectInputError(label: "data.csv", line: 3, column: 5, "expected a number, found \"abc\"") {
      () throws(InputError) in try text("1,2,3\n4,5,6\n7,8,abc\n")
    }
    expectInputError(prefix: "missing value: an empty field", line: 2, column: 3) { () throws(InputError) in
      try text("1,2\n3,,4\n")
    }
    expectInputError(prefix: "missing value: an empty field", line: 1, column: 5) { () throws(InputError) in
      try text("1,2,\n")
    }
    expectInputError(line: 2, column: 4, "expected a number, found \"2.5x\"") { () throws(InputError) in
      try text("1,2\n3, 2.5x\n")
    }
    expectInputError(line: 2, column: 1, "expected a number, found \"0x10\"") { () throws(InputError) in
      try text("1\n0x10\n")
    }
    expectInputError(line: 2, column: 1, "expected a number, found \"1_000\"") { () throws(InputError) in
      try text("1\n1_000\n")
    }
    expectInputError(line: 2, column: 3, "number out of range: \"-1e400\"") { () throws(InputError) in
      try text("1,2\n3,-1e400\n")
    }
    let long = String(repeating: "z", count: 100)
    expectInputError(line: 2, column: 1, "expected a number, found \"\(String(repeating: "z", count: 40))...\"") {
      () throws(InputError) in try text("1\n\(long)\n")
    }
  }

  @Test("empty, blank-only and header-only input")
  func empty() {
    expectInputError(label: "data.csv", line: nil, column: nil, "no numbers") { () throws(InputError) in try text("") }
    expectInputError(line: nil, column: nil, "no numbers") { () throws(InputError) in try text("\n  \n# only\n") }
    expectInputError(line: 2, column: nil, "no numbers after the header") { () throws(InputError) in
      try text("# c\na,b\n")
    }
  }

  @Test("binary garbage and invalid UTF-8 give a clean error")
  func garbage() {
    var bytes: [UInt8] = Array("1,2\n".utf8)
    bytes += [0xFF, 0xFE, 0x00, 0x01, 0x2C, 0x80, 0x0A]
    expectInputError(line: 2, column: 1, "expected a number, found \"\\xff\\xfe\\u{0}\\u{1}\"") {
      () throws(InputError) in
      try TensorReader.read(bytes: bytes, label: "data.csv", options: ReadOptions(delimiter: UInt8(ascii: ",")))
    }
    var rng = SplitMix(seed: 7)
    for _ in 0..<200 {
      let random = (0..<Int(rng.next() % 300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
      _ = try? TensorReader.read(bytes: random, label: "random")
    }
  }

  @Test("origins locate elements by line and column")
  func locate() throws {
    let t = try text("# c\nx,y\n1, 2\n\n3,  4\n")
    #expect(t.origin?.label == "data.csv")
    #expect(t.origin?.locate?(0).map { [$0.line, $0.column] } == [3, 1])
    #expect(t.origin?.locate?(1).map { [$0.line, $0.column] } == [3, 4])
    #expect(t.origin?.locate?(3).map { [$0.line, $0.column] } == [5, 5])
    #expect(t.origin?.describe(elementAt: 2) == "data.csv:5:1")
  }

  @Test("missing files, directories and unreadable files")
  func fileErrors() throws {
    expectInputError(label: "/nonexistent/a.csv", line: nil, column: nil, "no such file or directory") {
      () throws(InputError) in try TensorReader.read(path: "/nonexistent/a.csv")
    }
    let directory = try temporaryDirectory().path
    expectInputError(label: directory, line: nil, column: nil, "is a directory") { () throws(InputError) in
      try TensorReader.read(path: directory)
    }
    let path = try writeTemporary("secret.csv", "1,2\n")
    chmod(path, 0)
    defer { chmod(path, 0o644) }
    if getuid() != 0 {
      expectInputError(label: path, line: nil, column: nil, "permission denied") { () throws(InputError) in
        try TensorReader.read(path: path)
      }
    }
  }

  @Test("rows of plain numbers (the fast loop) mixed with other forms and line endings match strtod")
  func plainRows() throws {
    var rng = SplitMix(seed: 2026)
    var lines: [String] = []
    var expected: [Double] = []
    for row in 0..<40_000 {
      let fields = (0..<12).map { _ in mixedNumberField(&rng) }
      expected += fields.map(\.value)
      var line = fields.map(\.text).joined(separator: ",")
      // Irregular rows between plain ones: CRLF, blanks around a field, a comment, a blank line.
      switch row % 97 {
      case 5: line += "\r"
      case 11: line = " " + line.replacingOccurrences(of: ",", with: " , ")
      case 23: line = "# note\n\n" + line
      default: break
      }
      lines.append(line)
    }
    let body = lines.joined(separator: "\n") + "\n"
    #expect(body.utf8.count > DelimitedTextReader.parallelThreshold)
    let path = try writeTemporary("plain.csv", body)
    var single = ReadOptions()
    single.parallel = false
    for options in [ReadOptions(), single] {
      let tensor = try TensorReader.read(path: path, options: options)
      #expect(tensor.shape == [40_000, 12])
      #expect(sameBits(tensor.storage, expected))
    }

    // Errors inside plain rows: a short row, a long row, a number run into text.
    let index = 30_000
    let physicalLine = 1 + index + 2 * (0..<index).filter { $0 % 97 == 23 }.count
    let rest = String(repeating: ",0.5", count: 10)
    for (text, column, message) in [
      ("0.5,0.25", 1, "expected 12 fields (as on line 1), found 2"),
      (lines[0] + ",0.5", 1, "expected 12 fields (as on line 1), found 13"),
      ("0.5,1.5x" + rest, 5, "expected a number, found \"1.5x\""),
    ] {
      var bad = lines
      bad[index] = text
      let badPath = try writeTemporary("plain-bad.csv", bad.joined(separator: "\n") + "\n")
      for options in [ReadOptions(), single] {
        expectInputError(line: physicalLine, column: column, message) { () throws(InputError) in
          try TensorReader.read(path: badPath, options: options)
        }
      }
    }
  }

  @Test("a large file parsed in parallel equals the single-threaded result, errors on the right line")
  func parallel() throws {
    var rng = SplitMix(seed: 99)
    var lines: [String] = ["# generated", "a,b,c,d"]
    for _ in 0..<120_000 {
      let row = (0..<4).map { _ in Double(bitPattern: rng.next() >> 2).description }
      lines.append(row.joined(separator: ","))
    }
    let body = lines.joined(separator: "\n") + "\n"
    #expect(body.utf8.count > DelimitedTextReader.parallelThreshold)
    let path = try writeTemporary("big.csv", body)
    var single = ReadOptions()
    single.parallel = false
    let a = try TensorReader.read(path: path)
    let b = try TensorReader.read(path: path, options: single)
    #expect(a.shape == [120_000, 4])
    #expect(sameBits(a.storage, b.storage))

    // Errors far into the file (in a later chunk) report the global line; the first one wins.
    var bad = lines
    bad[100_001] = "1,2,3"
    bad[110_001] = "1,2,x,4"
    let badPath = try writeTemporary("bad.csv", bad.joined(separator: "\n") + "\n")
    for options in [ReadOptions(), single] {
      expectInputError(line: 100_002, column: 1, "expected 4 fields (as on line 2), found 3") { () throws(InputError) in
        try TensorReader.read(path: badPath, options: options)
      }
    }
    bad[90_001] = "1,2,3,nope"
    let worse = try writeTemporary("worse.csv", bad.joined(separator: "\n") + "\n")
    expectInputError(line: 90_002, column: 7, "expected a number, found \"nope\"") { () throws(InputError) in
      try TensorReader.read(path: worse)
    }
  }
}
