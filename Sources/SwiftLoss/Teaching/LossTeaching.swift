/// What swiftloss teaches about one loss, declared beside the loss itself: a ``LossDefinition``
/// cannot be written without it, so a new loss compiles only once its teaching exists.
public struct LossTeaching: Sendable {
  /// The text of `swiftloss explain`, the lesson page and the trace's formula.
  public var explanation: LossExplanation

  public init(explanation: LossExplanation) {
    self.explanation = explanation
  }
}
