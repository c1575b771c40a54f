import Foundation
import Testing

@testable import SwiftLoss

/// Two files read together for a loss value (``DelimitedTextPair``) give the bits of reading both
/// tensors and computing the loss the ordinary way (itself checked against PyTorch), or decline.
@Suite struct DelimitedTextPairTests {
  /// How a generated file is written.
  struct Layout {
    var header = false
    var crlf = false
    var finalNewline = true
    var delimiter = ","
    /// Every how many fields one is written in another form (exponent, integer, blanks around it).
    var oddEvery = 0
  }

  static func text(rows: Int, width: Int, seed: UInt64, layout: Layout) -> String {
    var rng = SplitMix(seed: seed)
    var lines: [String] = []
    if layout.header { lines.append((0..<width).map { "c\($0)" }.joined(separator: layout.delimiter)) }
    var field = 0
    for _ in 0..<rows {
      var fields: [String] = []
      for _ in 0..<width {
        field += 1
        if layout.oddEvery > 0 && field % layout.oddEvery == 0 {
          let text = mixedNumberField(&rng).text
          fields.append(rng.next() % 3 == 0 ? " \(text) " : text)
        } else {
          fields.append(((Double(rng.next() >> 11) * 0x1p-53 - 0.5) * 4).description)
        }
      }
      lines.append(fields.joined(separator: layout.delimiter))
    }
    let newline = layout.crlf ? "\r\n" : "\n"
    return lines.joined(separator: newline) + (layout.finalNewline ? newline : "")
  }

  static let losses: [(LossDefinition, [String: OptionValue])] = [
    (.mseLoss, [:]), (.l1Loss, [:]), (.smoothL1Loss, ["beta": .double(0.37)]), (.smoothL1Loss, ["beta": .double(0)]),
    (.huberLoss, ["delta": .double(0.61)]), (.softMarginLoss, [:]), (.hingeEmbeddingLoss, ["margin": .double(0.7)]),
    (.poissonNLLLoss, [:]), (.poissonNLLLoss, ["log_input": .bool(false), "full": .bool(true), "eps": .double(1e-3)]),
    (.binaryCrossEntropyWithLogits, [:]),
  ]

  @Test(arguments: [
    (rows: 700, width: 100), (rows: 9000, width: 1), (rows: 1, width: 5000), (rows: 333, width: 37),
    (rows: 50, width: 4096), (rows: 3, width: 3),
  ])
  func sameBitsAsTheOrdinaryPath(rows: Int, width: Int) throws {
    let layouts = [
      Layout(), Layout(header: true, crlf: true), Layout(finalNewline: false, oddEvery: 7),
      Layout(delimiter: "\t", oddEvery: 50),
    ]
    for (k, layout) in layouts.enumerated() {
      let seed = UInt64(rows * 10_000 + width * 10 + k)
      let ext = layout.delimiter == "\t" ? "tsv" : "csv"
      let first = try writeTemporary("a.\(ext)", Self.text(rows: rows, width: width, seed: seed, layout: layout))
      // The target file has its own layout details: a header, CRLF, no final newline.
      var other = layout
      other.header.toggle()
      other.crlf.toggle()
      let second = try writeTemporary("b.\(ext)", Self.text(rows: rows, width: width, seed: seed + 1, layout: other))
      let tensors = ["input": try TensorReader.read(path: first), "target": try TensorReader.read(path: second)]
      for units in [1, 2, 3, 7, 32] {
        let pair = try #require(
          DelimitedTextPair.open(first, second, options: ReadOptions(), minimumBytes: 0, units: units))
        #expect(pair.shape == tensors["input"]?.shape)
        // Every loss and reduction with one cut; the other cuts with one.
        for (loss, options) in units == 3 ? Self.losses : [(.mseLoss, [:])] {
          for reduction in units == 3 ? ["mean", "sum"] : ["sum"] {
            var options = options
            options["reduction"] = .string(reduction)
            let ordinary = try loss.run(tensors: tensors, options: options, outputs: .value).value.storage[0]
            let value = loss.value(of: pair, options: options)?.value.storage[0]
            #expect(
              value?.bitPattern == ordinary.bitPattern,
              "\(rows)×\(width) layout \(k) units \(units) \(loss.functionalName) \(reduction): \(String(describing: value)) vs \(ordinary)"
            )
          }
        }
      }
    }
  }

  /// Non-finite and extreme numbers, in any spelling the reader takes, read as the ordinary reader
  /// reads them: the sums agree bit for bit, NaN and infinity included.
  @Test(arguments: [
    ["4.9e-324", "-0.0", "1e-310", "2.5E+3"], ["1e308", "-1.7976931348623157e308"], ["nan", "-Infinity", "inf"],
  ])
  func nonFiniteAndExtremeValues(_ specials: [String]) throws {
    var lines = Self.text(rows: 300, width: 9, seed: 11, layout: Layout()).split(separator: "\n").map {
      $0.split(separator: ",").map(String.init)
    }
    for (k, special) in specials.enumerated() { lines[37 * k + 5][k % 9] = special }
    let first = try writeTemporary("a.csv", lines.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n")
    let second = try writeTemporary("b.csv", Self.text(rows: 300, width: 9, seed: 12, layout: Layout()))
    let tensors = ["input": try TensorReader.read(path: first), "target": try TensorReader.read(path: second)]
    for units in [1, 3] {
      let pair = try #require(
        DelimitedTextPair.open(first, second, options: ReadOptions(), minimumBytes: 0, units: units))
      for (loss, options) in Self.losses {
        let ordinary = try loss.run(tensors: tensors, options: options, outputs: .value).value.storage[0]
        let value = loss.value(of: pair, options: options)?.value.storage[0]
        #expect(
          value?.bitPattern == ordinary.bitPattern,
          "\(specials) \(loss.functionalName): \(String(describing: value)) vs \(ordinary)")
      }
    }
  }

  /// The fixtures PyTorch produced for the losses that read pairs, written as CSV files and read as
  /// a pair: PyTorch's value for every case with two same-shaped tensors and nothing else.
  @Test func pytorchFixturesThroughCSVFiles() throws {
    var checked = 0
    let fixtures = ["regression", "classification", "embedding", "probabilistic"].flatMap {
      PyTorchFixture.load(family: $0)
    }
    for fixture in fixtures where fixture.errorKind == nil {
      guard let input = fixture.tensors["input"], let target = fixture.tensors["target"], fixture.tensors.count == 2,
        input.shape == target.shape, input.rank <= 2, input.count > 0,
        let definition = LossRegistry.lookup(fixture.loss), definition.pointwiseKernel != nil
      else { continue }
      func csv(_ tensor: Tensor) -> String {
        let width = tensor.rank == 2 ? tensor.shape[1] : 1
        return stride(from: 0, to: tensor.count, by: width).map { start in
          tensor.storage[start..<(start + width)].map(\.description).joined(separator: ",")
        }.joined(separator: "\n") + "\n"
      }
      let first = try writeTemporary("input.csv", csv(input)), second = try writeTemporary("target.csv", csv(target))
      let pair = try #require(DelimitedTextPair.open(first, second, options: ReadOptions(), minimumBytes: 0, units: 2))
      for (reduction, expected) in fixture.results where reduction != "none" {
        var options = fixture.options
        options["reduction"] = .string(reduction)
        let value = try #require(definition.value(of: pair, options: options), "\(fixture.name) \(reduction)")
        #expect(
          Closeness.mismatch(expected: expected.value.storage, actual: value.value.storage) == nil,
          "\(fixture.name) \(reduction)")
        checked += 1
      }
    }
    #expect(checked >= 40)
  }

  @Test func largeFilesOpenWithTheDefaultThreshold() throws {
    let layout = Layout()
    let first = try writeTemporary("a.csv", Self.text(rows: 30_000, width: 20, seed: 1, layout: layout))
    let second = try writeTemporary("b.csv", Self.text(rows: 30_000, width: 20, seed: 2, layout: layout))
    let pair = try #require(TensorReader.openTextPair(first, second))
    #expect(pair.shape == [30_000, 20])
    let ordinary = try LossDefinition.mseLoss.run(
      tensors: ["input": TensorReader.read(path: first), "target": TensorReader.read(path: second)], options: [:],
      outputs: .value)
    #expect(
      LossDefinition.mseLoss.value(of: pair, options: [:])?.value.storage[0].bitPattern
        == ordinary.value.storage[0].bitPattern)
    // Below the threshold, and when parallel reading is off, the files are read one by one.
    let small = try writeTemporary("c.csv", "1,2\n3,4\n")
    #expect(TensorReader.openTextPair(small, small) == nil)
    var serial = ReadOptions()
    serial.parallel = false
    #expect(TensorReader.openTextPair(first, second, options: serial) == nil)
  }

  /// Files the pair does not take: `open` declines them before reading any number.
  @Test func declinesOtherShapesAndFormats() throws {
    let rows = Self.text(rows: 100, width: 4, seed: 9, layout: Layout())
    let a = try writeTemporary("a.csv", rows)
    let cases: [(String, String)] = [
      ("wider.csv", Self.text(rows: 100, width: 5, seed: 9, layout: Layout())),
      ("fewer.csv", Self.text(rows: 99, width: 4, seed: 9, layout: Layout())),
      ("one-row.csv", Self.text(rows: 1, width: 4, seed: 9, layout: Layout())),
      ("spaces.txt", Self.text(rows: 100, width: 4, seed: 9, layout: Layout(delimiter: " "))),
      ("data.json", "[" + (0..<100).map { _ in "[1, 2, 3, 4]" }.joined(separator: ",") + "]"),
      ("empty.csv", ""),
    ]
    for (name, text) in cases {
      let b = try writeTemporary(name, text)
      #expect(DelimitedTextPair.open(a, b, options: ReadOptions(), minimumBytes: 0, units: 3) == nil, "\(name)")
      #expect(DelimitedTextPair.open(b, a, options: ReadOptions(), minimumBytes: 0, units: 3) == nil, "\(name)")
    }
    #expect(DelimitedTextPair.open(a, "/nonexistent/b.csv", options: ReadOptions(), minimumBytes: 0) == nil)
  }

  /// Files whose lines are not all rows, or whose numbers are bad: the value declines (the ordinary
  /// reader then reports the error or skips the lines), wherever the line falls among the units.
  @Test func declinesLinesThatAreNotRows() throws {
    let lines = Self.text(rows: 400, width: 6, seed: 5, layout: Layout()).split(separator: "\n").map(String.init)
    let a = try writeTemporary("a.csv", lines.joined(separator: "\n") + "\n")
    for position in [0, 1, 150, 399] {
      for replacement in ["", "# a comment", "1,2,3", "1,2,3,4,5,6,7", "1,2,x,4,5,6", "1,2,,4,5,6", "1;2;3;4;5;6"] {
        var edited = lines
        edited[position] = replacement
        let b = try writeTemporary("b.csv", edited.joined(separator: "\n") + "\n")
        for units in [1, 4] {
          let pair = DelimitedTextPair.open(a, b, options: ReadOptions(), minimumBytes: 0, units: units)
          #expect(
            pair.flatMap { LossDefinition.mseLoss.value(of: $0, options: [:]) } == nil,
            "line \(position + 1) '\(replacement)' units \(units)")
        }
      }
    }
    // A blank last line is a line, not a row.
    let b = try writeTemporary("b.csv", lines.dropLast().joined(separator: "\n") + "\n\n")
    let pair = DelimitedTextPair.open(a, b, options: ReadOptions(), minimumBytes: 0, units: 2)
    #expect(pair.flatMap { LossDefinition.mseLoss.value(of: $0, options: [:]) } == nil)
  }

  @Test func declinesLossesAndReductionsItCannotStream() throws {
    let a = try writeTemporary("a.csv", Self.text(rows: 50, width: 4, seed: 1, layout: Layout()))
    let b = try writeTemporary("b.csv", Self.text(rows: 50, width: 4, seed: 2, layout: Layout()))
    let pair = try #require(DelimitedTextPair.open(a, b, options: ReadOptions(), minimumBytes: 0))
    #expect(LossDefinition.mseLoss.value(of: pair, options: ["reduction": .string("none")]) == nil)
    #expect(LossDefinition.smoothL1Loss.value(of: pair, options: ["beta": .double(-1)]) == nil)
    #expect(LossDefinition.huberLoss.value(of: pair, options: ["delta": .double(0)]) == nil)
    // Losses that check values, warn or use the batch size: read the ordinary way.
    #expect(LossDefinition.binaryCrossEntropy.value(of: pair, options: [:]) == nil)
    #expect(LossDefinition.klDiv.value(of: pair, options: ["reduction": .string("sum")]) == nil)
    #expect(LossDefinition.gaussianNLLLoss.value(of: pair, options: [:]) == nil)
    #expect(LossDefinition.mseLoss.value(of: pair, options: [:]) != nil)
  }
}
