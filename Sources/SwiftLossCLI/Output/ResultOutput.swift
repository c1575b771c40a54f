import SwiftLoss

/// From a computed result to the bytes printed: `--dtype` rounding, `--show grad:NAME`,
/// `--expect`, then the renderer of `--format`. The one output path of single calls and `batch`.
enum ResultOutput {
  static func render(
    _ result: LossResult, definition: LossDefinition, options: LossOptions, global: GlobalOptions,
    compact: Bool = false
  ) throws(CommandError) -> ChunkedOutput {
    var result = LowPrecision.roundResult(result, dtype: global.dtype)
    if let names = global.gradients, global.show.contains(.gradients) {
      result.gradients = try selectGradients(names, from: result.gradients, definition: definition)
    }
    let report = LossReport(definition: definition, options: options, result: result, show: global.show)
    if let expected = global.expect {
      try ExpectCheck(expected: expected, rtol: global.rtol, atol: global.atol, dtype: global.dtype).check(report)
    }
    let numbers = NumberWriter(
      notation: global.precision.map { .fixed($0) } ?? .shortest, json: global.format == .json, dtype: global.dtype)
    let output = ChunkedOutput(numbers: numbers)
    switch global.format {
    case .json:
      try JSONRenderer.render(report, dtype: global.dtype, compact: compact, into: output)
    case .text:
      try TextRenderer.render(report, numbers: numbers, into: output.text)
    case .csv, .tsv:
      try DelimitedRenderer.render(
        try selectedTensor(report), separator: UInt8(ascii: global.format == .csv ? "," : "\t"), into: output)
    }
    return output
  }

  /// `--show grad:NAME,...`: those gradients, in the order named.
  static func selectGradients(
    _ names: [String], from gradients: [(name: String, gradient: Tensor)], definition: LossDefinition
  ) throws(CommandError) -> [(name: String, gradient: Tensor)] {
    var selected: [(name: String, gradient: Tensor)] = []
    for name in names {
      guard let entry = gradients.first(where: { $0.name == name }) else {
        let known = gradients.map(\.name)
        throw CommandError.usage(
          "--show grad:\(name): \(definition.functionalName) gives no gradient '\(name)' here; "
            + (known.isEmpty ? "it gives none" : "its gradients are " + known.joined(separator: ", ")),
          loss: definition.shortName)
      }
      selected.append(entry)
    }
    return selected
  }

  /// The one tensor `--format csv|tsv` prints.
  static func selectedTensor(_ report: LossReport) throws(CommandError) -> Tensor {
    switch report.show {
    case .loss: return report.result.value
    case .elementwise: return report.result.elementwise
    case .gradients:
      if report.result.gradients.count == 1 { return report.result.gradients[0].gradient }
      let names = report.result.gradients.map { "grad:" + $0.name }.joined(separator: ", ")
      throw CommandError.usage(
        "--format csv and tsv print one tensor; choose one gradient with --show grad:NAME (\(names))",
        loss: report.definition.shortName)
    default:
      throw CommandError.usage(GlobalOptions.oneTensorMessage, loss: report.definition.shortName)
    }
  }
}

extension GlobalOptions {
  static let oneTensorMessage =
    "--format csv and tsv print one tensor: choose it with --show loss, --show elementwise or --show grad:NAME"

  /// Checks, before anything is read, that the output flags fit together.
  func checkOutputSelection(loss: String?, teaching: Bool) throws(CommandError) {
    if format.isDelimited {
      let single = show == .loss || show == .elementwise || show == .gradients && (gradients?.count ?? 1) == 1
      guard single else { throw CommandError.usage(Self.oneTensorMessage, loss: loss) }
      guard !teaching else {
        throw CommandError.usage(
          "teaching modes print text; they cannot be combined with --format \(format.rawValue)", loss: loss)
      }
    }
    if expect == nil, rtol != nil || atol != nil {
      throw CommandError.usage("--rtol and --atol set the tolerance of --expect, which is missing", loss: loss)
    }
    if expect != nil, teaching {
      throw CommandError.usage(
        "--expect checks a computed loss; it cannot be combined with a teaching mode", loss: loss)
    }
  }
}
