import Testing

@testable import SwiftLoss

/// linear_cross_entropy beyond the value comparisons of ``PyTorchFixtureTests``: the sign of every
/// zero PyTorch gives, the module's flat parameters, and the matrix-multiply kernel against the
/// textbook triple loop on sizes that cross every block and tile edge.
@Suite struct LinearCrossEntropyTests {
  static let fixtures = PyTorchFixture.load(family: "linear_cross_entropy")

  @Test func fixturesArePresent() {
    #expect(Self.fixtures.count >= 200, "the committed linear_cross_entropy fixtures were not found")
  }

  /// `0.0` and `-0.0` are the same number to the value comparison; here they must match PyTorch's too.
  @Test(arguments: fixtures.filter { $0.errorKind == nil })
  func zerosHavePyTorchsSign(_ fixture: PyTorchFixture) throws {
    let definition = try #require(LossRegistry.lookup("F.linear_cross_entropy"))
    func check(_ actual: Tensor, _ expected: Tensor, _ what: String) {
      for (i, (a, e)) in zip(actual.storage, expected.storage).enumerated() where e == 0 && a == 0 {
        #expect(a.sign == e.sign, "\(what) element \(i): \(a) vs PyTorch's \(e)")
      }
    }
    for (reduction, expected) in fixture.results {
      var options = fixture.options
      options["reduction"] = .string(reduction)
      let result = try definition.run(tensors: fixture.tensors, options: options)
      check(result.value, expected.value, "\(reduction) value")
      for (name, gradient) in expected.gradients {
        if let actual = result.gradient(TensorKey(name)) { check(actual, gradient, "\(reduction) gradient \(name)") }
      }
    }
  }

  @Test func moduleNamesResolve() {
    for name in [
      "LinearCrossEntropyLoss", "nn.LinearCrossEntropyLoss", "torch.nn.functional.linear_cross_entropy",
      "F.linear_cross_entropy", "linear-cross-entropy",
    ] {
      #expect(LossRegistry.lookup(name)?.functionalName == "linear_cross_entropy", "\(name)")
    }
  }

  /// The flat `(C·d, in)` weight with `out_features` gives what the `(C, d, in)` weight gives,
  /// and its gradient comes back in the flat shape it was given in.
  @Test func flatModuleWeightEqualsKDimensionalWeight() throws {
    let definition = LossDefinition.linearCrossEntropy
    let input = try Tensor(shape: [2, 3], storage: [0.5, -1, 2, 1, 0, -0.5])
    let weight = try Tensor(shape: [3, 2, 3], storage: (0..<18).map { Double($0 % 7) * 0.25 - 0.7 })
    let bias = try Tensor(shape: [3, 2], storage: [0.1, -0.2, 0.3, 0, 0.05, -0.1])
    let target = try Tensor(shape: [2, 2], storage: [0, 2, 1, 1])
    let kdim = try definition.run(
      tensors: ["input": input, "linear_weight": weight, "linear_bias": bias, "target": target], options: [:])
    let flat = try definition.run(
      tensors: [
        "input": input, "linear_weight": try weight.reshaped([6, 3]), "linear_bias": try bias.reshaped([6]),
        "target": target,
      ],
      options: ["out_features": .ints([2])])
    #expect(flat.value.storage == kdim.value.storage)
    #expect(flat.gradient(.linearWeight)?.shape == [6, 3])
    #expect(flat.gradient(.linearWeight)?.storage == kdim.gradient(.linearWeight)?.storage)
    #expect(flat.gradient(.linearBias)?.shape == [6])
    #expect(flat.gradient(.input)?.storage == kdim.gradient(.input)?.storage)
  }

  @Test func probabilityTargetsWithAnExplicitIgnoreIndexAreAUsageError() throws {
    let tensors: [String: Tensor] = [
      "input": try Tensor(shape: [2], storage: [1, 2]),
      "linear_weight": try Tensor(shape: [2, 2], storage: [1, 0, 0, 1]),
      "target": try Tensor(shape: [2], storage: [0.25, 0.75]),
    ]
    #expect(
      throws: LossError.usage(
        "linear_cross_entropy: ignore_index cannot be specified when target contains probabilities")
    ) {
      try LossDefinition.linearCrossEntropy.run(tensors: tensors, options: ["ignore_index": .int(-100)])
    }
    #expect(throws: Never.self) { try LossDefinition.linearCrossEntropy.run(tensors: tensors, options: [:]) }
  }

  /// `C = A·B` for operands in all four stride layouts, against the triple loop summed in the same
  /// order inside each `k` block (so agreement is to rounding of the block sums).
  @Test(arguments: [
    (1, 1, 1), (3, 5, 7), (4, 4, 256), (5, 9, 257), (131, 7, 300), (7, 1031, 9), (130, 129, 513), (0, 3, 2), (3, 2, 0),
  ])
  func matrixMultiplyMatchesTheTripleLoop(_ size: (Int, Int, Int)) {
    let (m, n, k) = size
    var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> Double {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(Int64(bitPattern: seed >> 11) % 2001 - 1000) / 997
    }
    let a = (0..<(m * k)).map { _ in next() }, b = (0..<(k * n)).map { _ in next() }
    for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
      var c = [Double](repeating: .nan, count: m * n)
      // A stored transposed: element (i, p) at p·m + i.
      var stored = a
      if transposeA { for i in 0..<m { for p in 0..<k { stored[p * m + i] = a[i * k + p] } } }
      stored.withUnsafeBufferPointer { ap in
        b.withUnsafeBufferPointer { bp in
          c.withUnsafeMutableBufferPointer { cp in
            guard let cBase = cp.baseAddress else { return }
            let aBase = ap.baseAddress ?? UnsafePointer(cBase), bBase = bp.baseAddress ?? UnsafePointer(cBase)
            // The same logical matrices stored row-major or transposed.
            let aOperand =
              transposeA
              ? MatrixMultiply.Operand(aBase, rowStride: 1, columnStride: m)
              : MatrixMultiply.Operand(aBase, rowStride: k, columnStride: 1)
            let bOperand =
              transposeB
              ? MatrixMultiply.Operand(bBase, rowStride: 1, columnStride: k)
              : MatrixMultiply.Operand(bBase, rowStride: n, columnStride: 1)
            MatrixMultiply.multiply(m: m, n: n, k: k, aOperand, bOperand, into: cBase, cRowStride: n)
          }
        }
      }
      var worst = 0.0
      for i in 0..<m {
        for j in 0..<n {
          var sum = 0.0, scale = 0.0
          for p in 0..<k {
            let bValue = transposeB ? b[j * k + p] : b[p * n + j]
            sum += a[i * k + p] * bValue
            scale += abs(a[i * k + p] * bValue)
          }
          worst = max(worst, abs(sum - c[i * n + j]) / max(scale, 1e-300))
        }
      }
      #expect(
        worst < 1e-14, "\(m)x\(n)x\(k) transposeA \(transposeA) transposeB \(transposeB): worst relative error \(worst)"
      )
      #expect(!c.contains { $0.isNaN }, "every element of C is written")
    }
  }
}
