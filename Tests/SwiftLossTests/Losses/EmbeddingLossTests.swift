import Testing

@testable import SwiftLoss

/// What the PyTorch fixtures cannot express for the embedding and margin losses: names, error
/// wording and locations, the empty-batch choice, and the parallel path on large batches.
@Suite struct EmbeddingLossTests {
  func tensor(_ shape: [Int], _ values: [Double]) -> Tensor {
    Tensor(validatedShape: shape, storage: values)
  }

  func run(_ loss: String, _ tensors: [String: Tensor], _ options: [String: OptionValue] = [:]) throws -> LossResult {
    let definition = try #require(LossRegistry.lookup(loss))
    return try definition.run(tensors: tensors, options: options)
  }

  func error(_ loss: String, _ tensors: [String: Tensor], _ options: [String: OptionValue] = [:]) -> LossError? {
    lossError(loss, tensors, options)
  }

  @Test func namesResolve() {
    let expected = [
      "margin_ranking": "margin_ranking_loss", "MarginRankingLoss": "margin_ranking_loss",
      "hinge-embedding": "hinge_embedding_loss", "nn.HingeEmbeddingLoss": "hinge_embedding_loss",
      "multi_margin": "multi_margin_loss", "F.multi_margin_loss": "multi_margin_loss",
      "multilabel_margin": "multilabel_margin_loss", "MultiLabelMarginLoss": "multilabel_margin_loss",
      "cosine_embedding": "cosine_embedding_loss", "torch.nn.CosineEmbeddingLoss": "cosine_embedding_loss",
      "triplet_margin": "triplet_margin_loss", "TRIPLET-MARGIN": "triplet_margin_loss",
      "triplet_margin_with_distance": "triplet_margin_with_distance_loss",
      "TripletMarginWithDistanceLoss": "triplet_margin_with_distance_loss",
    ]
    for (name, functional) in expected {
      #expect(LossRegistry.lookup(name)?.functionalName == functional, "\(name)")
    }
    #expect(LossRegistry.lookup("triplet_margin")?.shortName == "triplet_margin")
    #expect(LossRegistry.lookup("triplet_margin_with_distance")?.acceptsLegacyReduction == false)
    #expect(LossRegistry.lookup("triplet_margin")?.acceptsLegacyReduction == true)
    let withDistance = LossRegistry.lookup("triplet_margin_with_distance")
    // nn.PairwiseDistance(p, eps) as the distance function (issue 15).
    #expect(withDistance?.optionSpec("p") != nil && withDistance?.optionSpec("eps") != nil)
    #expect(LossRegistry.lookup("multi_margin")?.tensorSpec("weight")?.hasGradient == false)
    #expect(LossRegistry.lookup("margin_ranking")?.tensorSpec("target")?.hasGradient == true)
  }

  @Test func optionErrorsAreUsageErrorsWithPyTorchWording() {
    let input = tensor([2, 3], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    let target = tensor([2], [0, 2])
    #expect(
      error("multi_margin", ["input": input, "target": target], ["p": .double(3)])
        == .usage("only p == 1 and p == 2 supported"))
    #expect(error("multi_margin", ["input": input, "target": target], ["p": .int(2)]) == nil)
    let triplet = ["anchor": input, "positive": input, "negative": input]
    #expect(
      error("triplet_margin", triplet, ["margin": .double(0)]) == .usage("margin must be greater than 0, got 0.0"))
    #expect(
      error("triplet_margin_with_distance", triplet, ["margin": .double(-1)])
        == .usage("margin must be greater than 0, got -1.0"))
    #expect(error("triplet_margin_with_distance", triplet, ["distance_function": .string("cosine")]) == nil)
    if case .usage? = error("triplet_margin_with_distance", triplet, ["distance_function": .string("l2")]) {
    } else {
      Issue.record("an unknown distance function should be a usage error")
    }
  }

  @Test func indexErrorsNameTensorAndElement() {
    let input = tensor([3, 4], (0..<12).map { Double($0) })
    let outOfRange = error("multi_margin", ["input": input, "target": tensor([3], [0, 4, 1])])
    #expect(
      outOfRange == .data("multi_margin_loss: target index 4 is out of range for 4 classes", tensor: "target", index: 1)
    )
    // The range check covers entries after the terminating −1, as in PyTorch.
    let tail = error(
      "multilabel_margin", ["input": input, "target": tensor([3, 4], [3, 0, -1, 4, 0, -1, 0, 0, -1, 0, 0, 0])])
    #expect(
      tail == .data("multilabel_margin_loss: target index 4 is out of range for 4 classes", tensor: "target", index: 3))
    let fractional = error(
      "multilabel_margin", ["input": input, "target": tensor([3, 4], [3, 0.5, -1, 0, 0, -1, 0, 0, -1, 0, 0, 0])])
    if case .data(_, "target", 1)? = fractional {
    } else {
      Issue.record("expected a data error at target[1], got \(String(describing: fractional))")
    }
  }

  @Test func shapeErrorsReadLikePyTorch() {
    let rank = error(
      "margin_ranking",
      ["input1": tensor([3], [1, 2, 3]), "input2": tensor([3], [1, 2, 3]), "target": tensor([1, 3], [1, 1, 1])])
    #expect(
      rank
        == .data(
          "margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: torch.Size([3]), "
            + "input2: torch.Size([3]), target: torch.Size([1, 3])"))
    let triplet = error(
      "triplet_margin",
      ["anchor": tensor([1, 2], [1, 2]), "positive": tensor([1, 2], [1, 2]), "negative": tensor([2], [1, 2])])
    #expect(
      triplet
        == .data(
          "The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: "
            + "anchor 2D, positive 2D, and negative 1D inputs"))
    let cosine = error(
      "cosine_embedding",
      ["input1": tensor([4], [1, 2, 3, 4]), "input2": tensor([4], [1, 2, 3, 4]), "target": tensor([1], [1])])
    #expect(cosine == .data("1D target tensor expects 2D input tensors, but found inputs with sizes [4] and [4]."))
    let weight = error(
      "multi_margin",
      ["input": tensor([1, 3], [1, 2, 3]), "target": tensor([1], [0]), "weight": tensor([4], [1, 1, 1, 1])])
    #expect(weight == .data("inconsistent weight size, expected 3 but got [4]"))
    let labels = error(
      "multilabel_margin",
      ["input": tensor([2, 4], Array(repeating: 0, count: 8)), "target": tensor([2, 2], [0, 1, 2, 3])])
    #expect(labels == .data("inconsistent target size: [2, 2] for input of size: [2, 4]"))
  }

  /// PyTorch returns uninitialised memory for an empty batch; swiftloss documents NaN and 0.
  @Test func emptyBatchIsNaNForMeanAndZeroForSum() throws {
    for (loss, target) in [("multi_margin", tensor([0], [])), ("multilabel_margin", tensor([0, 3], []))] {
      let tensors = ["input": tensor([0, 3], []), "target": target]
      #expect(try run(loss, tensors).value.storage[0].isNaN)
      #expect(try run(loss, tensors, ["reduction": .string("sum")]).value.storage == [0])
      let none = try run(loss, tensors, ["reduction": .string("none")])
      #expect(none.value.shape == [0] && none.gradient(.input)?.shape == [0, 3])
    }
    #expect(LossRegistry.lookup("multi_margin")?.optionSpec("reduction")?.help.contains("empty batch") == true)
  }

  /// Large batches take the parallel path; each row must equal the same row computed alone.
  @Test(arguments: ["triplet_margin", "triplet_margin_with_distance"])
  func largeBatchesMatchRowByRow(_ loss: String) throws {
    let rows = 8192, width = 24  // well above 2 · 2^16 elements: several chunks
    func values(_ seed: Int) -> [Double] {
      var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15
      return (0..<(rows * width)).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(Int64(bitPattern: state >> 11) % 2000) / 1000 - 1
      }
    }
    let a = values(1), p = values(2), n = values(3)
    let options: [String: OptionValue] =
      loss == "triplet_margin"
      ? ["swap": .bool(true), "p": .double(3), "reduction": .string("none")]
      : ["swap": .bool(true), "distance_function": .string("cosine"), "reduction": .string("none")]
    let all = try run(
      loss,
      [
        "anchor": tensor([rows, width], a), "positive": tensor([rows, width], p), "negative": tensor([rows, width], n),
      ],
      options)
    for r in stride(from: 0, to: rows, by: 1023) {
      let slice = (r * width)..<(r * width + width)
      let one = try run(
        loss,
        [
          "anchor": tensor([1, width], Array(a[slice])), "positive": tensor([1, width], Array(p[slice])),
          "negative": tensor([1, width], Array(n[slice])),
        ], options)
      #expect(one.elementwise.storage[0] == all.elementwise.storage[r])
      for name in ["anchor", "positive", "negative"] {
        #expect(
          one.gradient(TensorKey(name))?.storage == all.gradient(TensorKey(name)).map { Array($0.storage[slice]) })
      }
    }
  }
}

extension EmbeddingLossTests {
  /// Distances that are each small but broadcast to an impossibly large loss are a data error.
  @Test func hugeBroadcastIsAnErrorNotACrash() throws {
    let big = 1 << 21
    let anchor = tensor([1, 1, 1], [0])
    let positive = tensor([big, 1, 1], Array(repeating: 1, count: big))
    let negative = tensor([1, big, 1], Array(repeating: 2, count: big))
    if case .data? = error("triplet_margin", ["anchor": anchor, "positive": positive, "negative": negative]) {
    } else {
      Issue.record("expected a data error for a 2^42-element loss")
    }
    let row = tensor([1 << 21, 1], Array(repeating: 0, count: 1 << 21))
    let column = tensor([1, 1 << 21], Array(repeating: 0, count: 1 << 21))
    if case .data? = error("hinge_embedding", ["input": row, "target": column]) {
    } else {
      Issue.record("expected a data error for a 2^42-element broadcast")
    }
  }
}
