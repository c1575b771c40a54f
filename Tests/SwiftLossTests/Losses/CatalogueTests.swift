import Testing

@testable import SwiftLoss

/// The registry's shapes added by issue 15: parameter families, foreign names, prefixes.
@Suite struct CatalogueTests {
  @Test func familiesExpandInStateDictOrder() throws {
    let definition = try #require(LossRegistry.lookup("AdaptiveLogSoftmaxWithLoss"))
    let options = try LossOptions(
      specs: definition.options, given: ["cutoffs": .ints([2, 5, 9]), "head_bias": .bool(true)])
    #expect(
      definition.tensorSpecs(for: options).map(\.name) == [
        "input", "target", "head.weight", "head.bias", "tail.0.0.weight", "tail.0.1.weight", "tail.1.0.weight",
        "tail.1.1.weight", "tail.2.0.weight", "tail.2.1.weight",
      ])
    let noBias = try LossOptions(specs: definition.options, given: ["cutoffs": .ints([2])])
    #expect(!definition.tensorSpecs(for: noBias).map(\.name).contains("head.bias"))
    let tail = try #require(definition.tensorFamilies.last)
    #expect(tail.contains("tail.12.1.weight") && tail.contains("tail.0.0.weight"))
    #expect(!tail.contains("tail.01.0.weight") && !tail.contains("tail..0.weight") && !tail.contains("tail.x.0.weight"))
    #expect(definition.tensorSpec("tail.3.0.weight")?.hasGradient == true)
  }

  @Test func stateDictKeysAreCheckedAsLoadStateDictDoes() throws {
    let definition = try #require(LossRegistry.lookup("adaptive_log_softmax"))
    let tensors: [String: Tensor] = [
      "input": Tensor(validatedShape: [1, 4], storage: [1, 2, 3, 4]), "target": Tensor(scalar: 0),
      "head.weight": Tensor(repeating: 0.1, shape: [3, 4]), "tail.0.0.weight": Tensor(repeating: 0.1, shape: [1, 4]),
      "tail.0.1.weight": Tensor(repeating: 0.1, shape: [2, 1]),
      "tail.10.0.weight": Tensor(repeating: 0.1, shape: [1, 4]),
      "tail.2.0.weight": Tensor(repeating: 0.1, shape: [1, 4]),
    ]
    #expect(
      throws: LossError.usage(
        "Error(s) in loading state_dict for AdaptiveLogSoftmaxWithLoss: Unexpected key(s) in state_dict: "
          + "\"tail.2.0.weight\", \"tail.10.0.weight\". Missing key(s) in state_dict: \"tail.1.0.weight\", \"tail.1.1.weight\". "
          + "(give every parameter by its state_dict name with --data/--params; the options decide which exist)")
    ) {
      try definition.run(tensors: tensors, options: ["cutoffs": .ints([2, 3])])
    }
  }

  @Test func pythonFloorDivisionAsCPython() {
    // in_features // div_value ** (i + 1), as Python computes it (values checked in CPython 3.11).
    #expect(AdaptiveLogSoftmax.pythonFloorDivide(8, 4) == 2)
    #expect(AdaptiveLogSoftmax.pythonFloorDivide(10, 1.5 * 1.5) == 4)
    #expect(AdaptiveLogSoftmax.pythonFloorDivide(8, -3) == -3)
    #expect(AdaptiveLogSoftmax.pythonFloorDivide(1, 0.1) == 9)
    #expect(throws: LossError.self) { try AdaptiveLogSoftmax.hiddenSize(inFeatures: 8, divValue: 0, cluster: 0) }
    #expect(throws: LossError.self) { try AdaptiveLogSoftmax.hiddenSize(inFeatures: 8, divValue: -2, cluster: 0) }
    #expect(throws: LossError.self) { try AdaptiveLogSoftmax.hiddenSize(inFeatures: 8, divValue: .nan, cluster: 0) }
  }

  @Test func foreignNamesNeverShadowOrMissThePyTorchLoss() {
    for entry in ForeignLossNames.all {
      for name in entry.names {
        #expect(LossRegistry.lookup(name) == nil, "\(name) is a registry name; the foreign entry would be dead")
        #expect(ForeignLossNames.lookup(name)?.names == entry.names)
      }
      let loss = String(entry.pytorch.prefix { $0 != " " })
      #expect(LossRegistry.lookup(loss) != nil, "\(entry.names[0]): \(loss) is not a registered loss")
    }
    #expect(
      ForeignLossNames.lookup("tf.keras.losses.CategoricalCrossentropy")?.pytorch.hasPrefix("cross_entropy") == true)
    #expect(ForeignLossNames.lookup("sklearn.metrics.log_loss") != nil)
    #expect(ForeignLossNames.lookup("mse") == nil)
  }

  @Test func prefixesMatchInAnyCase() {
    for name in ["Torch.NN.L1Loss", "f.L1-LOSS", "NN.l1loss", "torch.NN.Functional.l1_loss", "nn.functional.L1_Loss"] {
      #expect(LossRegistry.lookup(name)?.functionalName == "l1_loss", "\(name)")
    }
    let kl = LossRegistry.klDivDefinition
    #expect(LossRegistry.isModuleSpelling("torch.nn.KLDivLoss", of: kl))
    #expect(LossRegistry.isModuleSpelling("NN.kldivloss", of: kl))
    #expect(!LossRegistry.isModuleSpelling("F.kl_div", of: kl) && !LossRegistry.isModuleSpelling("kl", of: kl))
  }
}

extension LossRegistry {
  static var klDivDefinition: LossDefinition { LossDefinition.klDiv }
}
