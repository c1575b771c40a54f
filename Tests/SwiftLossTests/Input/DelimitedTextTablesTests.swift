import Foundation
import Testing

@testable import SwiftLoss

/// Files written by pandas 3.1, numpy.savetxt and Python's csv module (R and Excel quoting), read
/// back as pandas reads them (Fixtures/tables/make_tables.py wrote both the files and
/// expected.json from pandas' own read-back).
private func table(_ name: String) throws -> String {
  guard let directory = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
    throw InputError(label: name, message: "fixtures missing")
  }
  return directory.appendingPathComponent("tables").appendingPathComponent(name).path
}

private func expectations() throws -> [String: [String: Any]] {
  let data = try Data(contentsOf: URL(fileURLWithPath: try table("expected.json")))
  return try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]] ?? [:]
}

private func values(_ entry: [String: Any]) -> [Double] {
  (entry["values"] as? [String] ?? []).compactMap(Double.init)
}

private func text(_ s: String, _ options: ReadOptions = ReadOptions()) throws(InputError) -> Tensor {
  try TensorReader.read(bytes: Array(s.utf8), label: "data.csv", options: options)
}

@Suite struct DelimitedTextTablesTests {
  @Test("every table reads as pandas reads it back: index dropped, quotes, booleans, decimal commas")
  func pandasReadBack() throws {
    let expected = try expectations()
    let withValues = expected.filter { $0.value["shape"] != nil }
    #expect(withValues.count == 10)
    for (name, entry) in withValues {
      let options = ReadOptions(decimalComma: name.contains("decimal_comma"))
      for parallel in [true, false] {
        var read = options
        read.parallel = parallel
        let tensor = try TensorReader.read(path: try table(name), options: read)
        #expect(tensor.shape == entry["shape"] as? [Int], "\(name)")
        #expect(tensor.storage.map(\.bitPattern) == values(entry).map(\.bitPattern), "\(name)")
      }
    }
  }

  @Test("a column by name or number (cut -f numbering, the index counted), as pandas reads it")
  func columnSelection() throws {
    let expected = try expectations()
    let indexed = try table("pandas_index.csv")
    let entry = try #require(expected["pandas_index.csv"])
    let columns = try #require(entry["columns"] as? [String])
    let all = values(entry)
    for (k, name) in columns.enumerated() {
      let column = stride(from: k, to: all.count, by: columns.count).map { all[$0] }
      let byName = try TensorReader.read(path: indexed, options: ReadOptions(column: .name(name)))
      let byNumber = try TensorReader.read(path: indexed, options: ReadOptions(column: .number(k + 2)))
      #expect(byName.shape == [column.count] && byName.storage == column, "\(name)")
      #expect(byNumber.storage == column)
    }
    // A string index and a text column around the selected one (a quoted "b, c" among them).
    let labelled = try #require(expected["pandas_text_index.csv"])
    let scores = values(labelled)
    for selector in [ColumnSelector.name("score"), .number(3)] {
      let tensor = try TensorReader.read(
        path: try table("pandas_text_index.csv"), options: ReadOptions(column: selector))
      #expect(tensor.shape == [3] && tensor.storage == scores)
    }
    // Quoted names, decimal commas, a header holding the delimiter inside quotes.
    let excel = try #require(expected["excel_quoted.csv"])
    let mass = try TensorReader.read(path: try table("excel_quoted.csv"), options: ReadOptions(column: .name("mass")))
    #expect(mass.storage == stride(from: 1, to: 6, by: 2).map { values(excel)[$0] })
    let size = try TensorReader.read(
      path: try table("excel_quoted.csv"), options: ReadOptions(column: .name("size, \"cm\"")))
    #expect(size.storage == stride(from: 0, to: 6, by: 2).map { values(excel)[$0] })
    let euro = try #require(expected["pandas_semicolon_decimal_comma.csv"])
    let weight = try TensorReader.read(
      path: try table("pandas_semicolon_decimal_comma.csv"),
      options: ReadOptions(decimalComma: true, column: .name("weight, kg")))
    #expect(weight.storage == stride(from: 2, to: 15, by: 3).map { values(euro)[$0] })
  }

  @Test("selector errors list the columns; the index column is not data")
  func selectionErrors() throws {
    let path = try table("pandas_index.csv")
    let columns = "the columns are #1 (index), #2 \"y_pred\", #3 \"y_true\", #4 \"weight, kg\""
    expectInputError(label: path, line: 1, column: nil, "no column named \"y\": " + columns) { () throws(InputError) in
      try TensorReader.read(path: path, options: ReadOptions(column: .name("y")))
    }
    expectInputError(label: path, line: 1, column: nil, "no column #5: " + columns) { () throws(InputError) in
      try TensorReader.read(path: path, options: ReadOptions(column: .number(5)))
    }
    expectInputError(
      label: path, line: 1, column: nil,
      "column #1 is the index pandas wrote (an empty header field), not data; " + columns
    ) { () throws(InputError) in
      try TensorReader.read(path: path, options: ReadOptions(column: .number(1)))
    }
    expectInputError(
      line: nil, column: nil, "no column named \"a\": the file has no header row; select a column by number (#1 to #2)"
    ) { () throws(InputError) in try text("1,2\n3,4\n", ReadOptions(column: .name("a"))) }
    expectInputError(line: 1, column: nil, "2 columns are named \"a\"; select one by number: #1, #2") {
      () throws(InputError) in try text("a,a\n1,2\n", ReadOptions(column: .name("a")))
    }
    // Without a header, a number selects as cut -f does; the other columns need not be numbers.
    #expect(try text("1,2\n3,y\n", ReadOptions(column: .number(1))).storage == [1, 3])
    // A ragged row is still an error when a column is selected.
    expectInputError(line: 3, column: 1, "expected 2 fields (as on line 1), found 3") { () throws(InputError) in
      try text("a,b\n1,2\n3,4,5\n", ReadOptions(column: .name("b")))
    }
  }

  @Test("missing values are errors at file:line:col, never a header, never skipped")
  func missingValues() throws {
    let expected = try expectations()
    for name in ["pandas_nan.csv", "pandas_none_one_column.csv"] {
      let place = try #require(expected[name]?["missing"] as? [Int])
      let path = try table(name)
      expectInputError(prefix: "missing value: an empty field", line: place[0], column: place[1]) {
        () throws(InputError) in
        try TensorReader.read(path: path)
      }
    }
    for marker in ["NA", "N/A", "NULL", "None", "null", "?", "n/a", "<NA>"] {
      // A one-column file whose first value is missing: not a header (no row lost).
      expectInputError(
        line: 1, column: 1,
        "missing value \"\(marker)\" (drop or fill missing values first, e.g. df.dropna() or df.fillna(0))"
      ) {
        () throws(InputError) in try text("\(marker)\n1\n2\n")
      }
      expectInputError(prefix: "missing value \"\(marker)\"", line: 3, column: 3) { () throws(InputError) in
        try text("a,b\n1,2\n3,\(marker)\n")
      }
    }
    expectInputError(prefix: "missing value \"#N/A\"", line: 2, column: 1) { () throws(InputError) in
      try text("1\n#N/A\n2\n")
    }
    expectInputError(prefix: "missing value: an empty field", line: 2, column: 3) { () throws(InputError) in
      try text(",a,b\n0,,2\n")
    }
    // `nan` is a number, not a missing value.
    #expect(try text("a\nnan\n1\n").storage[0].isNaN)
  }

  @Test("quotes, booleans and decimal commas, in every form pandas, R and Excel write")
  func fieldForms() throws {
    #expect(try text("\"1.5\",\" 2 \"\n\"3\",4\n").storage == [1.5, 2, 3, 4])
    #expect(try text("True,false,TRUE,False\n").storage == [1, 0, 1, 0])
    #expect(try text("x;y\n1,5;-2,25e1\n", ReadOptions(decimalComma: true)).storage == [1.5, -22.5])
    #expect(try text("1,5\t2\n", ReadOptions(delimiter: 0x09, decimalComma: true)).storage == [1.5, 2])
    expectInputError(
      line: 2, column: 1,
      "expected a number, found \"1.5\" (with --decimal , a number has a decimal comma, and no point)"
    ) { () throws(InputError) in try text("x;y\n1.5;2\n", ReadOptions(decimalComma: true)) }
    expectInputError(prefix: "a quoted field has no closing quote on its line", line: 2, column: 3) {
      () throws(InputError) in try text("a,b\n1,\"2\n")
    }
    expectInputError(line: 1, column: 1, #"expected a number, found "a\"\"b""#) { () throws(InputError) in
      try text("\"a\"\"b\",1\n")
    }
  }

  @Test("a field holding another likely delimiter suggests --delimiter (and --decimal ,)")
  func delimiterHints() {
    expectInputError(line: 1, column: 1, "expected a number, found \"1;2\" (is the delimiter ';'? try --delimiter ';')")
    {
      () throws(InputError) in try text("1;2\n3;4\n")
    }
    expectInputError(line: 1, column: 1, "expected a number, found \"1|2\" (is the delimiter '|'? try --delimiter '|')")
    {
      () throws(InputError) in try text("1|2\n")
    }
    expectInputError(
      line: 2, column: 1,
      "expected a number, found \"0;1\" (is the delimiter ';'? try --delimiter ';', with --decimal , if commas are decimal points)"
    ) { () throws(InputError) in try text(";a;b\n0;1,5;2,5\n") }
    expectInputError(line: 1, column: 1, "expected a number, found \"1,5\" (decimal commas? try --decimal ,)") {
      () throws(InputError) in try text("1,5;2\n", ReadOptions(delimiter: UInt8(ascii: ";")))
    }
  }

  /// Large files (parallel chunks): the general path, the selected-column and indexed-row loops
  /// and the single-threaded reader agree, value for value.
  @Test("large indexed, quoted and selected files: parallel equals one thread")
  func largeFilesAgree() throws {
    var rng = SplitMix(seed: 7)
    var lines = [",a,b,c"]
    var columns: [[Double]] = [[], [], []]
    for row in 0..<120_000 {
      var fields = [row % 1000 == 0 ? "\"\(row)\"" : String(row)]
      for k in 0..<3 {
        let value = ((Double(rng.next() >> 11) * 0x1p-53) - 0.5) * 100
        columns[k].append(value)
        fields.append(row % 777 == 5 && k == 1 ? "\"\(value)\"" : (row % 555 == 3 ? " \(value) " : "\(value)"))
      }
      lines.append(fields.joined(separator: ","))
    }
    let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
    #expect(bytes.count > DelimitedTextReader.parallelThreshold)
    for parallel in [true, false] {
      var options = ReadOptions()
      options.parallel = parallel
      let whole = try TensorReader.read(bytes: bytes, label: "big.csv", options: options)
      #expect(whole.shape == [120_000, 3])
      #expect(whole.storage == (0..<120_000).flatMap { r in (0..<3).map { columns[$0][r] } })
      for (k, name) in ["a", "b", "c"].enumerated() {
        options.column = .name(name)
        #expect(try TensorReader.read(bytes: bytes, label: "big.csv", options: options).storage == columns[k])
        options.column = nil
      }
    }
    // An error in a late chunk is reported at its line, whichever path found it.
    var broken = lines
    broken[100_001] = "100000,1,NA,3"
    let brokenBytes = Array((broken.joined(separator: "\n") + "\n").utf8)
    for column in [nil, ColumnSelector.name("b")] {
      expectInputError(prefix: "missing value \"NA\"", line: 100_002, column: 10) { () throws(InputError) in
        try TensorReader.read(bytes: brokenBytes, label: "big.csv", options: ReadOptions(column: column))
      }
    }
  }

  /// The value-only pair reader must never read a pandas index as data: it declines, and the
  /// ordinary reader drops the index.
  @Test("DelimitedTextPair declines index columns, quotes, booleans, decimal commas and selections")
  func pairDeclines() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tables-pair-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    func write(_ name: String, _ text: String) throws -> String {
      let path = directory.appendingPathComponent(name).path
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      return path
    }
    let rows = (0..<2000).map { "\($0),\(Double($0) / 8),\(Double($0) / 4)" }
    let indexed = try write("indexed.csv", ",a,b\n" + rows.joined(separator: "\n") + "\n")
    let plain = try write("plain.csv", "a,b,c\n" + rows.joined(separator: "\n") + "\n")
    let quoted = try write(
      "quoted.csv",
      "a,b,c\n" + rows.map { "\"" + $0.replacingOccurrences(of: ",", with: "\",\"") + "\"" }.joined(separator: "\n")
        + "\n")
    let booleans = try write(
      "booleans.csv", "a,b,c\n" + (0..<2000).map { _ in "True,False,True" }.joined(separator: "\n") + "\n")
    let options = ReadOptions()
    func open(_ first: String, _ second: String, options: ReadOptions, minimumBytes: Int) -> DelimitedTextPair? {
      guard let a = try? InputSource.open(path: first), let b = try? InputSource.open(path: second) else { return nil }
      return DelimitedTextPair.open(a, b, options: options, minimumBytes: minimumBytes)
    }
    // The control: two plain files of one shape are taken.
    #expect(open(plain, plain, options: options, minimumBytes: 0) != nil)
    #expect(open(indexed, indexed, options: options, minimumBytes: 0) == nil)
    #expect(open(indexed, plain, options: options, minimumBytes: 0) == nil)
    #expect(open(plain, indexed, options: options, minimumBytes: 0) == nil)
    #expect(open(plain, plain, options: ReadOptions(column: .number(2)), minimumBytes: 0) == nil)
    #expect(open(plain, plain, options: ReadOptions(decimalComma: true), minimumBytes: 0) == nil)
    for path in [quoted, booleans] {
      // Opened (the header is plain) or not, the sum declines at the first quoted/boolean row.
      if let pair = open(path, plain, options: options, minimumBytes: 0) {
        #expect(LossDefinition.mseLoss.value(of: pair, options: ["reduction": .string("sum")]) == nil)
      }
    }
    // The ordinary reader: the index is not data.
    let tensor = try TensorReader.read(path: indexed)
    #expect(tensor.shape == [2000, 2])
    #expect(tensor.storage[0..<4] == [0, 0, 0.125, 0.25])
  }

  @Test("the README's bug: mse of two df.to_csv files (with their index) is torch's value")
  func readmeRegression() throws {
    let entry = try #require(try expectations()["readme_mse"])
    let inputName = try #require(entry["input"] as? String), targetName = try #require(entry["target"] as? String)
    let input = try TensorReader.read(path: try table(inputName))
    let target = try TensorReader.read(path: try table(targetName))
    #expect(input.shape == [5] && target.shape == [5])
    let result = try LossDefinition.mseLoss.run(
      tensors: ["input": input, "target": target], options: [:], outputs: .value)
    let loss = try #require(entry["loss"] as? String)
    let torch = try #require(Double(loss))
    #expect(result.value.storage[0] == torch)
  }
}
