import SwiftLoss

/// The second half of a computation, once the tensors are read: options, the loss, the output.
/// Single calls and every request of `batch` go through here.
extension ComputeCommand {
  /// Resolves the options, runs the loss (or a teaching mode) on `tensors` and renders the result.
  /// `bareNumbers`: the tensors given as bare inline numbers (PyTorch's Python floats);
  /// `warnings`: those reading gave (the legacy-flag ones included), else the legacy-flag ones.
  func finish(
    tensors: [String: Tensor], labels: [String: String], bareNumbers: Set<String> = [], warnings earlier: [String]? = nil,
    compact: Bool = false
  ) throws(CommandError) -> Outcome {
    let definition = request.definition
    let (given, legacyWarnings) = givenOptions()
    var warnings = earlier ?? legacyWarnings
    let resolved: LossOptions
    do { resolved = try LossOptions(specs: definition.options, given: given) } catch {
      throw CommandError.loss(error, tensors: tensors, flags: labels)
    }

    // --explain, --emit-python, --check-grad: text instead of the results.
    if let mode = request.teaching {
      let output = ChunkedOutput(numbers: NumberWriter(notation: .shortest, json: false))
      let text = try mode.text(
        request: request, tensors: tensors, given: given, labels: labels, bareNumbers: bareNumbers, width: io.textWidth)
      // The trace and the gradient check are text for people; the script and the page are not.
      output.append(mode == .emitPython || request.html ? text : SwiftLossCommand.fitted(text, io))
      return Outcome(output: output, warnings: warnings)
    }

    let result: LossResult
    do {
      // How the loss was spelt and the reduction asked for by name (kl_div's legacy flags differ
      // between module and functional), and which tensors were bare inline numbers.
      result = try definition.run(
        tensors: tensors, options: given, outputs: request.global.show.outputs,
        reductionFromLegacyFlags: request.sizeAverage != nil || request.reduce != nil,
        spelledAsModule: request.spelledAsModule, requestedReduction: request.requestedReduction,
        bareNumbers: bareNumbers)
    } catch {
      throw CommandError.loss(error, tensors: tensors, flags: labels)
    }
    warnings += result.warnings
    return try render(result, options: resolved, warnings: warnings, compact: compact)
  }

  /// The output `--format`, `--show`, `--dtype` and `--expect` ask for.
  func render(_ result: LossResult, options: LossOptions, warnings: [String], compact: Bool = false)
    throws(CommandError) -> Outcome
  {
    let output = try ResultOutput.render(
      result, definition: request.definition, options: options, global: request.global, compact: compact)
    return Outcome(output: output, warnings: warnings)
  }
}
