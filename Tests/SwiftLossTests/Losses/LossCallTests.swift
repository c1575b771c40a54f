import Testing

@testable import SwiftLoss

/// One resolved call: the legacy `size_average`/`reduce` mapping of `torch.nn._reduction.legacy_get_string`,
/// how the reduction was given, the presence checks and the keyed accessors.
@Suite struct LossCallTests {
  let tensors = ["input": Tensor(scalar: 1), "target": Tensor(scalar: 3)]

  @Test func legacyFlagsDecideTheReduction() throws {
    let mse = LossDefinition.mseLoss
    let noReduce = try LossCall(mse, tensors: tensors, options: [:], sizeAverage: true, reduce: false)
    #expect(noReduce.reduction == .none)
    let summed = try LossCall(mse, tensors: tensors, options: ["reduction": .string("none")], sizeAverage: false)
    #expect(summed.reduction == .sum)
    #expect(summed.reductionSource == .legacy(sizeAverage: false, reduce: nil, requested: Reduction.none))
    #expect(summed.reductionFromLegacyFlags && summed.requestedReduction == Reduction.none)
    #expect(summed.givenOptions["reduction"] == .string("none"))
    let averaged = try LossCall(mse, tensors: tensors, options: [:], reduce: true)
    #expect(averaged.reduction == .mean && averaged.legacyFlags?.reduce == true)
  }

  @Test func reductionGivenOrDefaulted() throws {
    let explicit = try LossCall(.mseLoss, tensors: tensors, options: ["reduction": .string("sum")])
    #expect(explicit.reductionSource == .explicit && explicit.options[.reduction] == .sum)
    let defaulted = try LossCall(.huberLoss, tensors: tensors, options: [:])
    #expect(defaulted.reductionSource == .byDefault && defaulted.options[.delta] == 1)
    #expect(!defaulted.options.isGiven(.delta))
  }

  @Test func requiredTensorsAreCheckedOnce() throws {
    #expect(throws: LossError.usage("ctc_loss needs --targets and --input-lengths and --target-lengths")) {
      try LossCall(.ctcLoss, tensors: ["log_probs": Tensor(scalar: 0)], options: [:])
    }
    let call = try LossCall(.mseLoss, tensors: tensors, options: [:])
    #expect(try call[.input].storage == [1])
    #expect(call[optional: .weight] == nil)
    #expect(throws: LossError.usage("missing tensor --weight")) { try call[.weight] }
  }
}
