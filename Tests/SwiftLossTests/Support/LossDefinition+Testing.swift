@testable import SwiftLoss

/// Conveniences of the tests alone: each goes through the one path a computation takes, a
/// resolved ``LossCall`` (``LossDefinition/run(_:)``).
extension LossDefinition {
  /// Resolves a call from options as given, as
  /// ``LossCall/init(_:tensors:options:sizeAverage:reduce:outputs:spelledAsModule:bareNumbers:)`` does,
  /// and runs it.
  func run(
    tensors: [String: Tensor], options given: [String: OptionValue], sizeAverage: Bool? = nil, reduce: Bool? = nil,
    outputs: LossOutputs = .all, spelledAsModule: Bool = false, bareNumbers: Set<String> = []
  ) throws(LossError) -> LossResult {
    try run(
      LossCall(
        self, tensors: tensors, options: given, sizeAverage: sizeAverage, reduce: reduce, outputs: outputs,
        spelledAsModule: spelledAsModule, bareNumbers: bareNumbers))
  }

  /// The value over an open pair for options as given (resolved as a call resolves them); nil
  /// when they are invalid.
  func value(of pair: DelimitedTextPair, options given: [String: OptionValue]) -> LossResult? {
    guard let options = try? LossCall.resolveOptions(of: self, given).options else { return nil }
    return value(of: pair, options: options)
  }
}
