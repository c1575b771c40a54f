extension TraceContext {
  // MARK: - linear_cross_entropy

  /// The projection to logits, then cross_entropy's own trace on them.
  mutating func linearCrossEntropy() {
    guard let input = tensors[.input], var weight = tensors[.linearWeight], let target = tensors[.target] else {
      return summary()
    }
    var bias = tensors[.linearBias]
    let outFeatures = options[.outFeatures]
    if !outFeatures.isEmpty {
      guard let viewed = try? LinearCrossEntropy.moduleParameters(weight, bias, outFeatures: outFeatures) else {
        return summary()
      }
      (weight, bias) = viewed
    }
    guard weight.rank >= 2, input.rank >= 1 else { return summary() }
    let inFeatures = input.shape[input.rank - 1], classes = weight.shape[0]
    let out = Array(weight.shape[1..<(weight.rank - 1)])
    let rows = input.rank == 2 ? input.shape[0] : 1
    let features = weight.count / max(1, inFeatures)
    let logitsShape = Array(input.shape.dropLast()) + [classes] + out
    let logits = LinearCrossEntropy.project(
      input.storage, weight.storage, bias?.storage, rows: rows, features: features, k: inFeatures)
    guard let logitsTensor = try? Tensor(shape: logitsShape, storage: logits) else { return summary() }

    var lines = [
      describe(.input),
      "linear_weight \(Shape.describe(weight.shape))"
        + (outFeatures.isEmpty
          ? "" : " (the flat module weight viewed with out_features \(Shape.describe(outFeatures)))"),
    ]
    if let bias { lines.append("linear_bias \(Shape.describe(bias.shape)) = \(F.vector(bias.storage))") }
    lines.append(
      "z = input · linear_weightᵀ\(bias == nil ? "" : " + linear_bias")  over W as (\(features), \(inFeatures))")
    for r in 0..<rows {
      let row = Array(logits[(r * features)..<((r + 1) * features)])
      lines.append((input.rank == 2 ? "n=\(r)" : "row") + ": z = \(F.vector(row))")
    }
    lines.append("logits laid out as \(Shape.describe(logitsShape)): cross_entropy takes it from here")
    trace.step(
      "projection to logits (\(classes) classes\(out.isEmpty ? "" : ", out_features \(Shape.describe(out))"))", lines)

    // cross_entropy's trace on the logits, with the options it shares.
    var given: [String: OptionValue] = [OptionKey.reduction.name: reduction.optionValue]
    given[OptionKey.ignoreIndex.name] = options[.ignoreIndex].optionValue
    given[OptionKey.labelSmoothing.name] = options[.labelSmoothing].optionValue
    var inner = [String: Tensor](keys: [.input: logitsTensor, .target: target])
    inner[.weight] = tensors[.weight]
    guard let inner = try? LossCall(.crossEntropy, tensors: inner, options: given) else { return summary() }
    var context = TraceContext(call: inner, result: result)
    context.crossEntropy()
    trace.steps += context.trace.steps
    trace.value = context.trace.value
    trace.elementwise = context.trace.elementwise
  }
}

extension LossTraceStyle {
  /// linear_cross_entropy: the projection to logits, then cross_entropy's steps.
  public static let linearCrossEntropy = LossTraceStyle { $0.linearCrossEntropy() }
}
