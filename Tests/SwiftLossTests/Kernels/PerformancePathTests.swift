import Testing

@testable import SwiftLoss

/// The fast paths give the same bits as the plain ones on inputs large enough to use them.
@Suite struct PerformancePathTests {
  static func values(_ n: Int, seed: UInt64) -> [Double] {
    var state = seed
    return (0..<n).map { _ in
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 3e5
    }
  }

  @Test func generatedSumEqualsArraySum() {
    for n in [0, 1, 7, 4096, 4097, 70_000, 1_000_003] {
      let xs = Self.values(n, seed: UInt64(n) + 1)
      let copy = xs
      let generated = Summation.sum(count: n) { range, out in
        for i in range { out[i - range.lowerBound] = copy[i] * copy[i] }
      }
      #expect(generated.bitPattern == Summation.sum(xs.map { $0 * $0 }).bitPattern, "n = \(n)")
    }
  }

  @Test func valueOnlyLossEqualsFullLoss() throws {
    let n = 300_001
    let input = try Tensor(shape: [n], storage: Self.values(n, seed: 3))
    let target = try Tensor(shape: [n], storage: Self.values(n, seed: 4))
    let weight = try Tensor(shape: [n], storage: Self.values(n, seed: 5).map { abs($0) })
    for loss in [LossDefinition.mseLoss, .l1Loss, .huberLoss, .smoothL1Loss] {
      for reduction in ["mean", "sum"] {
        var tensors = ["input": input, "target": target]
        if loss.tensorSpec("weight") != nil { tensors["weight"] = weight }
        let options: [String: OptionValue] = ["reduction": .string(reduction)]
        let full = try loss.run(tensors: tensors, options: options)
        let value = try loss.run(tensors: tensors, options: options, outputs: .value)
        #expect(
          value.value.storage[0].bitPattern == full.value.storage[0].bitPattern, "\(loss.functionalName) \(reduction)")
        let gradients = try loss.run(tensors: tensors, options: options, outputs: .gradients)
        for (name, gradient) in full.gradients {
          #expect(gradients.gradient(TensorKey(name))?.storage == gradient.storage, "\(loss.functionalName) \(name)")
        }
      }
    }
  }

  /// Parallel chunks parse into slots sized by counting delimiters and newlines; blank lines,
  /// comments and a missing final newline leave gaps that are closed up.
  /// Wide rows (≥ 8 fields) are bounded by lines × width instead.
  @Test(arguments: [6, 12])
  func slottedParallelParseMatchesSerialParse(columns: Int) throws {
    var text = "# header comment, with, commas\n"
    let rows = 600_000 / columns
    let numbers = Self.values(rows * columns, seed: 9)
    for row in 0..<rows {
      if row % 997 == 0 { text += "\n" }
      if row % 1499 == 0 { text += "# a comment, here\n" }
      text += numbers[(row * columns)..<(row * columns + columns)].map { "\($0)" }.joined(separator: ",")
      text += row == rows - 1 ? "" : (row % 2 == 0 ? "\r\n" : "\n")
    }
    let bytes = Array(text.utf8)
    #expect(bytes.count > 2 * DelimitedTextReader.parallelThreshold)
    var serial = ReadOptions()
    serial.parallel = false
    let a = try TensorReader.read(bytes: bytes, label: "x", options: ReadOptions())
    let b = try TensorReader.read(bytes: bytes, label: "x", options: serial)
    #expect(a.shape == [rows, columns])
    #expect(a.shape == b.shape)
    #expect(a.storage == b.storage)
    #expect(a.storage == numbers)
  }

  /// A row wider than the first overflows its slot: still the ragged-row error, on its line.
  @Test func widerRowInALargeFileIsReported() throws {
    var lines: [String] = []
    for row in 0..<60_000 {
      let width = row == 45_000 ? 30 : 10
      lines.append((0..<width).map { "\(Double(row * 10 + $0) / 7)" }.joined(separator: ","))
    }
    let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
    #expect(bytes.count > 2 * DelimitedTextReader.parallelThreshold)
    for parallel in [true, false] {
      var options = ReadOptions()
      options.parallel = parallel
      #expect(throws: InputError.self) { try TensorReader.read(bytes: bytes, label: "w.csv", options: options) }
      do {
        _ = try TensorReader.read(bytes: bytes, label: "w.csv", options: options)
      } catch {
        #expect(error.line == 45_001, "\(error)")
        #expect(error.message.contains("expected 10 fields"), "\(error)")
      }
    }
  }
}
