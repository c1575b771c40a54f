import Foundation
import Testing

@testable import SwiftLoss

/// What the PyTorch fixtures cannot express for ctc_loss: which tensor and element an error names,
/// the parallel path's independence from the batch split, skipped gradients, and the memory guard.
@Suite struct CTCLossTests {
  static let definition = LossDefinition.ctcLoss

  /// log_probs (T, N, C) = log_softmax of a fixed pseudo-random pattern.
  static func logProbs(_ t: Int, _ n: Int, _ c: Int, seed: Int = 1) -> Tensor {
    var values = [Double](repeating: 0, count: t * n * c)
    var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15
    for i in values.indices {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      values[i] = Double(Int64(bitPattern: state >> 11) % 4000) / 1000
    }
    for row in 0..<(t * n) {
      let slice = values[(row * c)..<(row * c + c)]
      let m = slice.max() ?? 0
      let logSum = log(slice.reduce(0) { $0 + exp($1 - m) }) + m
      for k in 0..<c { values[row * c + k] -= logSum }
    }
    return Tensor(validatedShape: [t, n, c], storage: values)
  }

  static func tensor(_ values: [Double], _ shape: [Int]) -> Tensor {
    Tensor(validatedShape: shape, storage: values)
  }

  func run(
    _ logProbs: Tensor, _ targets: Tensor, _ inputLengths: [Double], _ targetLengths: [Double],
    options: [String: OptionValue] = [:], outputs: LossOutputs = .all
  ) throws(LossError) -> LossResult {
    try Self.definition.run(
      tensors: [
        "log_probs": logProbs, "targets": targets,
        "input_lengths": Self.tensor(inputLengths, [inputLengths.count]),
        "target_lengths": Self.tensor(targetLengths, [targetLengths.count]),
      ], options: options, outputs: outputs)
  }

  func expectDataError(
    tensor: String?, index: Int?, containing text: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws(LossError) -> LossResult
  ) {
    do {
      _ = try body()
      Issue.record("expected a data error about \(tensor ?? "memory")", sourceLocation: sourceLocation)
    } catch {
      guard case .data(let message, let name, let position) = error else {
        Issue.record("expected a data error, got \(error)", sourceLocation: sourceLocation)
        return
      }
      #expect(name == tensor, "\(message)", sourceLocation: sourceLocation)
      #expect(position == index, "\(message)", sourceLocation: sourceLocation)
      #expect(message.contains(text), "\(message)", sourceLocation: sourceLocation)
    }
  }

  @Test func labelEqualToBlankNamesTheElement() {
    let lp = Self.logProbs(5, 2, 4)
    expectDataError(tensor: "targets", index: 4, containing: "equals blank") { () throws(LossError) in
      try run(lp, Self.tensor([1, 2, 3, 1, 0, 0], [2, 3]), [5, 5], [3, 2])
    }
    expectDataError(tensor: "targets", index: 1, containing: "equals blank") { () throws(LossError) in
      try run(lp, Self.tensor([1, 3, 2, 1, 1], [5]), [5, 5], [3, 2], options: ["blank": .int(3)])
    }
  }

  @Test func labelOutOfRangeOrFractionalNamesTheElement() {
    let lp = Self.logProbs(5, 2, 4)
    expectDataError(tensor: "targets", index: 5, containing: "out of range for 4 classes") { () throws(LossError) in
      try run(lp, Self.tensor([1, 2, 3, 1, 1, 4], [2, 3]), [5, 5], [3, 3])
    }
    expectDataError(tensor: "targets", index: 3, containing: "-1") { () throws(LossError) in
      try run(lp, Self.tensor([1, 2, 3, -1, 1, 1], [2, 3]), [5, 5], [3, 3])
    }
    expectDataError(tensor: "targets", index: 1, containing: "2.5") { () throws(LossError) in
      try run(lp, Self.tensor([1, 2.5, 3, 1, 1], [5]), [5, 5], [3, 2])
    }
  }

  @Test func lengthErrorsNameTheElement() {
    let lp = Self.logProbs(5, 2, 4)
    let targets = Self.tensor([1, 2, 3, 1, 1, 0], [2, 3])
    expectDataError(tensor: "input_lengths", index: 1, containing: "at most 5, but got value 6") {
      () throws(LossError) in try run(lp, targets, [5, 6], [3, 2])
    }
    expectDataError(tensor: "input_lengths", index: 0, containing: "at least 0") { () throws(LossError) in
      try run(lp, targets, [-1, 5], [3, 2])
    }
    expectDataError(tensor: "target_lengths", index: 1, containing: "at least 0") { () throws(LossError) in
      try run(lp, targets, [5, 5], [3, -2])
    }
    expectDataError(tensor: "input_lengths", index: 1, containing: "must be integral") { () throws(LossError) in
      try run(lp, targets, [5, 4.5], [3, 2])
    }
    expectDataError(tensor: "targets", index: nil, containing: "size at least 4 at dimension 1") {
      () throws(LossError) in try run(lp, targets, [5, 5], [4, 2])
    }
    expectDataError(tensor: "targets", index: nil, containing: "size 5 at dimension 0") { () throws(LossError) in
      try run(lp, Self.tensor([1, 2, 3, 1], [4]), [5, 5], [3, 2])
    }
    expectDataError(tensor: "input_lengths", index: nil, containing: "batch_size") { () throws(LossError) in
      try run(lp, targets, [5], [3, 2])
    }
  }

  @Test func blankOutsideTheClassesIsAUsageError() {
    let lp = Self.logProbs(5, 2, 4)
    for blank in [-1, 4, Int.max] {
      #expect(throws: LossError.usage("ctc_loss: blank must be in label range [0, 4), got blank=\(blank)")) {
        try run(lp, Self.tensor([1, 2, 3, 1, 1, 0], [2, 3]), [5, 5], [3, 2], options: ["blank": .int(blank)])
      }
    }
  }

  @Test func paddingBeyondTargetLengthsIsIgnored() throws {
    let lp = Self.logProbs(6, 2, 4)
    let clean = try run(lp, Self.tensor([1, 2, 0, 3, 0, 0], [2, 3]), [6, 5], [2, 1])
    let messy = try run(lp, Self.tensor([1, 2, .nan, 3, 99, -7.5], [2, 3]), [6, 5], [2, 1])
    #expect(clean.elementwise.storage == messy.elementwise.storage)
    #expect(clean.gradient(.logProbs)?.storage == messy.gradient(.logProbs)?.storage)
  }

  @Test func unbatchedNoneIsAScalar() throws {
    let lp = try Self.logProbs(7, 1, 5).reshaped([7, 5])
    let result = try Self.definition.run(
      tensors: [
        "log_probs": lp, "targets": Self.tensor([1, 3, 3], [3]), "input_lengths": Tensor(scalar: 7),
        "target_lengths": Tensor(scalar: 3),
      ], options: ["reduction": .string("none")])
    #expect(result.value.shape == [])
    #expect(result.elementwise.shape == [])
    #expect(result.gradient(.logProbs)?.shape == [7, 5])
  }

  @Test func skippingGradientsKeepsTheValues() throws {
    let lp = Self.logProbs(8, 3, 5)
    let targets = Self.tensor([1, 2, 3, 4, 4, 1, 2, 0, 0], [3, 3])
    let all = try run(lp, targets, [8, 7, 4], [3, 3, 1])
    let valueOnly = try run(lp, targets, [8, 7, 4], [3, 3, 1], outputs: [.value, .elementwise])
    #expect(valueOnly.gradients.isEmpty)
    #expect(all.value.storage == valueOnly.value.storage)
    #expect(all.elementwise.storage == valueOnly.elementwise.storage)
  }

  /// A batch large enough for several workers gives, bit for bit, what each sample gives alone.
  @Test func parallelBatchEqualsSamplesAlone() throws {
    let (t, n, c, width) = (40, 24, 7, 12)
    let lp = Self.logProbs(t, n, c, seed: 7)
    var labels = [Double](repeating: 0, count: n * width)
    var inputLengths = [Double](), targetLengths = [Double]()
    for b in 0..<n {
      for i in 0..<width { labels[b * width + i] = Double(1 + (b * 5 + i * 3) % (c - 1)) }
      inputLengths.append(Double(t - b % 9))
      targetLengths.append(Double((b * 7) % (width + 1)))
    }
    let batch = try run(
      lp, Self.tensor(labels, [n, width]), inputLengths, targetLengths, options: ["reduction": .string("sum")])
    let gradient = try #require(batch.gradient(.logProbs)).storage
    for b in 0..<n {
      var single = [Double](repeating: 0, count: t * c)
      for step in 0..<t {
        for k in 0..<c { single[step * c + k] = lp.storage[(step * n + b) * c + k] }
      }
      let alone = try run(
        Self.tensor(single, [t, 1, c]), Self.tensor(Array(labels[(b * width)..<(b * width + width)]), [1, width]),
        [inputLengths[b]], [targetLengths[b]], options: ["reduction": .string("sum")])
      #expect(alone.elementwise.storage[0].bitPattern == batch.elementwise.storage[b].bitPattern, "sample \(b)")
      let aloneGradient = try #require(alone.gradient(.logProbs)).storage
      for step in 0..<t {
        for k in 0..<c where aloneGradient[step * c + k].bitPattern != gradient[(step * n + b) * c + k].bitPattern {
          Issue.record("sample \(b): gradient differs at t=\(step), c=\(k)")
        }
      }
    }
  }

  /// A NaN log-probability reached from a state whose other predecessors are −∞: PyTorch's log-sum-exp
  /// takes its maximum −∞ as 0 and the NaN spreads (PyTorch 2.15: `F.ctc_loss` of these numbers with
  /// targets [1, 1] is nan, with [1] nan, with [2, 1] 2.132883947808533); it is not an impossible −∞.
  @Test func nanNextToImpossibleStatesSpreadsAsInPyTorch() throws {
    let lp = Self.tensor([-1.2, .nan, -1.3, -1.0, -1.1, -1.2, -0.7, -1.6, -1.1], [3, 3])
    for (labels, expected) in [([1.0, 1], Double.nan), ([1], .nan), ([2, 1], 2.132883947808533)] {
      let result = try run(
        lp, Self.tensor(labels, [labels.count]), [3], [Double(labels.count)], options: ["reduction": .string("none")])
      let value = result.elementwise.storage[0]
      #expect(value.isNaN == expected.isNaN && (expected.isNaN || value == expected), "\(labels): \(value)")
    }
    // The trace's α table is the kernel's: the NaN spreads into the third state from t = 1.
    let table = try #require(
      CTCAlignment.alphaTable(
        CTCLoss.validatedLattice(
          logProbs: lp, targets: Self.tensor([1, 1], [2]), inputLengths: Self.tensor([3], [1]),
          targetLengths: Self.tensor([2], [1]),
          blank: 0),
        sample: 0, logProbs: lp.storage))
    #expect(table.alpha[1][2].isNaN && table.alpha[0][2] == -.infinity && table.nll.isNaN)
  }

  /// A lattice far beyond memory is a data error, not a crash.
  @Test func hugeLatticeIsADataError() {
    let t = 200_000
    let lp = Self.tensor([Double](repeating: -log(2.0), count: t * 2), [t, 1, 2])
    let labels = Self.tensor([Double](repeating: 1, count: t / 2), [1, t / 2])
    expectDataError(tensor: nil, index: nil, containing: "memory") { () throws(LossError) in
      try run(lp, labels, [Double(t)], [Double(t / 2)])
    }
  }
}
