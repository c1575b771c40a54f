import Testing

@testable import SwiftLoss

/// What the PyTorch fixtures cannot express: error wording and locations, names, warnings text.
@Suite struct ClassificationLossTests {
  func tensor(_ shape: [Int], _ values: [Double]) -> Tensor {
    Tensor(validatedShape: shape, storage: values)
  }

  func error(_ loss: String, _ tensors: [String: Tensor], _ options: [String: OptionValue] = [:]) -> LossError? {
    lossError(loss, tensors, options)
  }

  @Test func namesResolve() {
    let expected = [
      "ce": "cross_entropy", "cross_entropy": "cross_entropy", "nn.CrossEntropyLoss": "cross_entropy",
      "nll": "nll_loss", "NLLLoss2d": "nll_loss", "torch.nn.NLLLoss2d": "nll_loss", "F.nll_loss": "nll_loss",
      "bce": "binary_cross_entropy", "BCELoss": "binary_cross_entropy",
      "bce-with-logits": "binary_cross_entropy_with_logits", "BCEWithLogitsLoss": "binary_cross_entropy_with_logits",
      "soft_margin": "soft_margin_loss", "multilabel-soft-margin": "multilabel_soft_margin_loss",
      "kl": "kl_div", "KLDivLoss": "kl_div", "poisson_nll": "poisson_nll_loss", "GaussianNLLLoss": "gaussian_nll_loss",
      "gaussian_nll": "gaussian_nll_loss",
    ]
    for (name, functional) in expected {
      #expect(LossRegistry.lookup(name)?.functionalName == functional, "\(name)")
    }
    #expect(LossRegistry.lookup("ce")?.shortName == "ce")
    #expect(LossRegistry.lookup("gaussian_nll")?.acceptsLegacyReduction == false)
    #expect(LossRegistry.lookup("kl")?.acceptsLegacyReduction == true)
  }

  @Test func classIndexErrorsNameTensorAndElement() {
    let input = tensor([4, 5], (0..<20).map { Double($0) / 10 })
    let bad = error("ce", ["input": input, "target": tensor([4], [0, 1, 7, 2])])
    #expect(bad == .data("cross_entropy: target index 7 is out of range for 5 classes", tensor: "target", index: 2))
    let fractional = error("nll", ["input": input, "target": tensor([4], [0, 1, 2, 2.5])])
    if case .data(_, let name, let index)? = fractional {
      #expect(name == "target" && index == 3)
    } else {
      Issue.record("expected a data error, got \(String(describing: fractional))")
    }
    let negative = error("ce", ["input": input, "target": tensor([4], [0, -1, 2, 2])])
    if case .data(let message, "target", 1)? = negative {
      #expect(message.contains("-1"))
    } else {
      Issue.record("expected a data error at target[1], got \(String(describing: negative))")
    }
  }

  @Test func shapeErrorsNameBothShapes() {
    let batch = error(
      "ce", ["input": tensor([4, 5], [Double](repeating: 0, count: 20)), "target": tensor([3], [0, 1, 2])])
    #expect(batch?.description.contains("Expected input batch_size (4) to match target batch_size (3).") == true)
    let kdim = error(
      "nll",
      [
        "input": tensor([2, 3, 4], [Double](repeating: 0, count: 24)),
        "target": tensor([2, 3], [Double](repeating: 0, count: 6)),
      ])
    #expect(kdim?.description.contains("Expected target size [2, 4], got [2, 3]") == true)
    let bce = error("bce", ["input": tensor([2], [0.5, 0.5]), "target": tensor([1, 2], [0.5, 0.5])])
    #expect(
      bce?.description.contains("torch.Size([1, 2])") == true && bce?.description.contains("torch.Size([2])") == true)
  }

  @Test func rangeErrorsNameTensorAndElement() {
    let input = error("bce", ["input": tensor([3], [0.5, 0.2, 1.5]), "target": tensor([3], [0.5, 0.5, 0.5])])
    #expect(
      input
        == .data(
          "binary_cross_entropy: all elements of input should be between 0 and 1 (found 1.5)", tensor: "input", index: 2
        ))
    let target = error("bce", ["input": tensor([3], [0.5, 0.2, 0.5]), "target": tensor([3], [0.5, .nan, 0.5])])
    if case .data(let message, "target", 1)? = target {
      #expect(message.contains("all elements of target should be between 0 and 1"))
    } else {
      Issue.record("expected a data error at target[1], got \(String(describing: target))")
    }
    let variance = error(
      "gaussian_nll",
      ["input": tensor([3], [0, 0, 0]), "target": tensor([3], [0, 0, 0]), "var": tensor([3], [1, -1, 1])])
    #expect(variance == .data("gaussian_nll_loss: var has negative entry/entries", tensor: "var", index: 1))
  }

  @Test func optionErrorsAreUsage() {
    let logits = tensor([2, 3], [0, 1, 2, 3, 4, 5])
    #expect(
      error("ce", ["input": logits, "target": tensor([2], [0, 1])], ["label_smoothing": .double(1.5)])
        == .usage("cross_entropy: label_smoothing must be between 0.0 and 1.0. Got: 1.5"))
    #expect(
      error("ce", ["input": logits, "target": tensor([2, 3], [0, 0, 1, 1, 0, 0])], ["ignore_index": .int(1)])
        == .usage("cross_entropy: ignore_index is not supported for floating point target"))
    if case .usage? = error("kl", ["input": logits, "target": logits], ["reduction": .string("batchmeans")]) {
    } else {
      Issue.record("an unknown reduction must be a usage error")
    }
  }

  @Test func klDivMeanWarnsWithPyTorchText() throws {
    let definition = try #require(LossRegistry.lookup("kl_div"))
    let tensors = ["input": tensor([2], [-0.5, -1]), "target": tensor([2], [0.4, 0.6])]
    let mean = try definition.run(tensors: tensors, options: [:])
    #expect(
      mean.warnings == [
        "reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed to behave the same as 'batchmean' in the next major release."
      ])
    let batchmean = try definition.run(tensors: tensors, options: ["reduction": .string("batchmean")])
    #expect(batchmean.warnings.isEmpty)
  }

  @Test func gaussianBareNumberVarHasNoGradient() throws {
    let definition = try #require(LossRegistry.lookup("gaussian_nll"))
    let result = try definition.run(
      tensors: [
        "input": tensor([2, 2], [0, 1, 2, 3]), "target": tensor([2, 2], [1, 1, 1, 1]), "var": Tensor(scalar: 0.5),
      ],
      options: [:], bareNumbers: ["var"])
    #expect(result.gradients.map(\.name) == ["input", "target"])
    // The same 0-d var as a tensor (from a file): PyTorch's "var is of incorrect size" for a 2-D input.
    #expect(throws: LossError.self) {
      try definition.run(
        tensors: [
          "input": tensor([2, 2], [0, 1, 2, 3]), "target": tensor([2, 2], [1, 1, 1, 1]), "var": Tensor(scalar: 0.5),
        ],
        options: [:])
    }
    let withTensor = try definition.run(
      tensors: [
        "input": tensor([2, 2], [0, 1, 2, 3]), "target": tensor([2, 2], [1, 1, 1, 1]), "var": tensor([2], [0.5, 0.5]),
      ],
      options: [:])
    #expect(withTensor.gradient(.var)?.shape == [2])
  }

  @Test func unbatchedTargetOfSizeOneHasNoGradient() throws {
    let definition = try #require(LossRegistry.lookup("nll"))
    let result = try definition.run(
      tensors: ["input": tensor([3], [-1, -2, -3]), "target": tensor([1], [2])], options: [:])
    #expect(result.value.storage == [3])
    #expect(result.gradients.isEmpty)
  }

  @Test func hugeOrEmptyShapesAreErrorsNotCrashes() throws {
    // Empty class dimension with rows too many to hold: PyTorch's 'none' output could not exist.
    let empty = try Tensor(shape: [1 << 40, 0, 1 << 40], storage: [])
    if case .data? = error("ce", ["input": empty, "target": empty]) {} else { Issue.record("expected a data error") }
    // A broadcast of two valid shapes that is too large.
    let column = Tensor(repeating: 0.5, shape: [1 << 21, 1]), row = Tensor(repeating: 0.5, shape: [1, 1 << 21])
    if case .data? = error("kl_div", ["input": column, "target": row]) {
    } else {
      Issue.record("expected a data error")
    }
    // Zero classes: every index is out of range, all-ignored targets give NaN.
    let noClasses = Tensor(repeating: 0, shape: [2, 0])
    if case .data? = error("nll", ["input": noClasses, "target": tensor([2], [0, 0])]) {
    } else {
      Issue.record("expected a data error")
    }
    let ignored = try #require(LossRegistry.lookup("ce")).run(
      tensors: ["input": noClasses, "target": tensor([2], [-100, -100])], options: [:])
    #expect(ignored.value.storage[0].isNaN)
  }

  @Test func largeBatchIsDeterministicAcrossChunks() throws {
    // Exercise the parallel log_softmax paths (rows × classes above the parallel threshold).
    let rows = 600, classes = 300
    let logits = (0..<(rows * classes)).map { Double(($0 * 7919) % 1000) / 100 - 5 }
    let targets = (0..<rows).map { Double(($0 * 31) % classes) }
    let definition = try #require(LossRegistry.lookup("ce"))
    let result = try definition.run(
      tensors: ["input": tensor([rows, classes], logits), "target": tensor([rows], targets)], options: [:])
    var expected = 0.0
    for row in 0..<rows {
      let slice = logits[(row * classes)..<((row + 1) * classes)]
      let m = slice.max() ?? 0
      let lse = m + log(slice.reduce(0) { $0 + exp($1 - m) })
      expected += lse - logits[row * classes + Int(targets[row])]
    }
    expected /= Double(rows)
    #expect(abs(result.value.storage[0] - expected) <= 1e-12 * abs(expected))
    let gradient = try #require(result.gradient(.input))
    for row in [0, 299, 599] {
      let sum = gradient.storage[(row * classes)..<((row + 1) * classes)].reduce(0, +)
      #expect(abs(sum) < 1e-15)
    }
  }
}

#if canImport(Glibc)
  import Glibc
#endif
