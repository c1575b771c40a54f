import SwiftLoss

/// The second half of a computation, once the tensors are read: the call, the loss, the output.
/// Single calls and every request of `batch` go through here.
extension ComputeCommand {
  /// Evaluates the tensors read and renders the result: the call is made from the options
  /// `resolved` once (by ``resolveOptions()``; their error is reported here, with the tensors at
  /// hand), then the loss runs (or a teaching mode).
  /// `bareNumbers`: the tensors given as bare inline numbers (PyTorch's Python floats);
  /// `warnings`: those planning and reading gave (the legacy-flag ones included); nil: the
  /// legacy-flag ones.
  func evaluate(
    tensors: [String: Tensor], labels: [String: String], bareNumbers: Set<String> = [],
    warnings earlier: [String]? = nil,
    resolved: Result<LossCall.ResolvedOptions, LossError>, compact: Bool = false
  ) throws(CommandError) -> Outcome {
    let call = try makeCall(tensors: tensors, labels: labels, bareNumbers: bareNumbers, resolved: resolved)
    var warnings = earlier ?? namingWarnings(legacyReduction: call.reductionFromLegacyFlags ? call.reduction : nil)

    // --explain, --emit-python, --check-grad: text instead of the results.
    if let mode = request.teaching {
      let output = ChunkedOutput(numbers: NumberWriter(notation: .shortest, json: false))
      let text = try mode.text(request: request, call: call, labels: labels, width: io.textWidth)
      // The trace and the gradient check are text for people; the script and the page are not.
      output.append(mode == .emitPython || request.html ? text : SwiftLossCommand.fitted(text, io))
      return Outcome(output: output, warnings: warnings)
    }

    let result: LossResult
    do { result = try request.definition.run(call) } catch {
      throw CommandError.loss(error, of: request.definition, tensors: tensors, flags: labels)
    }
    warnings += result.warnings
    return try render(result, options: call.options, warnings: warnings, compact: compact)
  }

  /// The one ``LossCall`` of this request: the options as given with the legacy flags, how the
  /// loss was spelt (kl_div's legacy flags differ between module and functional), the outputs
  /// wanted and which tensors were bare inline numbers.
  func makeCall(
    tensors: [String: Tensor], labels: [String: String], bareNumbers: Set<String>,
    resolved: Result<LossCall.ResolvedOptions, LossError>
  ) throws(CommandError) -> LossCall {
    let definition = request.definition
    do throws(LossError) {
      return try LossCall(
        definition, tensors: tensors, given: request.options, resolved: try resolved.get(),
        outputs: request.global.show.outputs,
        spelledAsModule: request.spelledAsModule, bareNumbers: bareNumbers)
    } catch {
      throw CommandError.loss(error, of: request.definition, tensors: tensors, flags: labels)
    }
  }

  /// The options resolved from the command line (the legacy flags mapped), or why they are
  /// invalid: resolved once per computation (by the plan, by each line of `batch`), the error
  /// carried to ``evaluate(tensors:labels:bareNumbers:warnings:resolved:compact:)``, which reports it.
  func resolveOptions() -> Result<LossCall.ResolvedOptions, LossError> {
    Result { () throws(LossError) in
      try LossCall.resolveOptions(
        of: request.definition, request.options, sizeAverage: request.sizeAverage, reduce: request.reduce)
    }
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
