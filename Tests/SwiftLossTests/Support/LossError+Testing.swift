@testable import SwiftLoss

/// The error `loss` raises on these tensors and options, or `nil` when it computes (or the name
/// is unknown): for tests that pin PyTorch's error kinds and messages.
func lossError(_ loss: String, _ tensors: [String: Tensor], _ options: [String: OptionValue] = [:]) -> LossError? {
  guard let definition = LossRegistry.lookup(loss) else { return nil }
  do {
    _ = try definition.run(tensors: tensors, options: options)
    return nil
  } catch {
    return error
  }
}
