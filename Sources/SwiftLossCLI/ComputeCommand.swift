import SwiftLoss

/// Runs one loss computation: reads the tensors, resolves the options, computes, and renders.
struct ComputeCommand {
  let request: ComputeRequest
  let io: CommandIO

  /// What a successful run prints.
  struct Outcome {
    var output: ChunkedOutput
    /// Lines for standard error, without the `swiftloss: warning:` prefix.
    var warnings: [String]
  }

  func run() throws(CommandError) -> Outcome {
    let definition = request.definition
    let loss = definition.shortName
    let global = request.global

    // Usage checks first, before anything is read.
    if let mode = request.teaching, global.format == .json {
      throw CommandError.usage("--\(mode.rawValue) prints text; it cannot be combined with --format json", loss: loss)
    }
    var stdinUsers = request.tensorArguments.values.filter { $0.value == "-" }.map(\.flag).sorted()
    if global.data == "-" { stdinUsers.insert("--data", at: 0) }
    if stdinUsers.count > 1 {
      throw CommandError.usage(
        "only one input can read standard input, but \(stdinUsers.joined(separator: " and ")) "
          + (stdinUsers.count == 2 ? "both" : "all") + " use '-'")
    }
    var shapeTargets: [(spec: TensorSpec, dims: [Int], spelling: String)] = []
    for shape in global.shapes {
      guard let spec = definition.tensorSpec(flagName: shape.name) else {
        throw CommandError.usage(
          "--shape \(shape.spelling): \(definition.functionalName) has no tensor '\(shape.name)'; its tensors are "
            + definition.tensors.map(\.name).joined(separator: ", "), loss: loss)
      }
      shapeTargets.append((spec, shape.dims, shape.spelling))
    }
    if global.data == nil { try checkRequiredTensors(given: Set(request.tensorArguments.keys)) }

    let readOptions = ReadOptions(delimiter: global.delimiter)
    if shapeTargets.isEmpty, let outcome = try valueOfTextPair(readOptions) { return outcome }

    // Read.
    var tensors: [String: Tensor] = [:]
    var labels: [String: String] = [:]
    if let data = global.data {
      let bytes: [UInt8]
      let label = data == "-" ? "<stdin>" : data
      do {
        bytes = data == "-" ? try io.readStandardInput() : try io.tensors.readFileBytes(data)
      } catch {
        throw CommandError.input(error)
      }
      let entries: [(key: String, tensor: Tensor)]
      do { entries = try io.tensors.readObject(bytes, label) } catch { throw CommandError.input(error) }
      for entry in entries {
        guard let spec = definition.tensorSpec(flagName: entry.key) else {
          throw CommandError.usage(
            "--data \(label): \(definition.functionalName) has no tensor '\(entry.key)'; its tensors are "
              + definition.tensors.map(\.name).joined(separator: ", "), loss: loss)
        }
        if request.tensorArguments[spec.name] != nil { continue }  // the flag overrides
        tensors[spec.name] = entry.tensor
        labels[spec.name] = label
      }
      try checkRequiredTensors(given: Set(request.tensorArguments.keys).union(tensors.keys))
    }
    for spec in definition.tensors {
      guard let argument = request.tensorArguments[spec.name] else { continue }
      tensors[spec.name] = try readTensor(argument.value, flag: argument.flag, options: readOptions)
      labels[spec.name] = argument.value == "-" ? "<stdin>" : argument.flag
    }

    // Reshape.
    for target in shapeTargets {
      guard let tensor = tensors[target.spec.name] else {
        throw CommandError.usage("--shape \(target.spelling): \(target.spec.flag) was not given", loss: loss)
      }
      tensors[target.spec.name] = try Self.reshape(tensor, to: target.dims, spelling: target.spelling)
    }

    tensors = LowPrecision.roundInputs(tensors, dtype: global.dtype, integral: definition.integralTensors(tensors))
    return try finish(tensors: tensors, labels: labels)
  }

  /// The options as given, with PyTorch's legacy mapping of `size_average`/`reduce`, and the
  /// warnings PyTorch prints for how the loss was named and configured.
  func givenOptions() -> (options: [String: OptionValue], warnings: [String]) {
    var given = request.options
    var warnings: [String] = []
    if let typed = request.commandLine.first, LossRegistry.isDeprecatedNLLLoss2d(typed) {
      // PyTorch's FutureWarning on constructing nn.NLLLoss2d.
      warnings.append(
        "`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a drop-in replacement and see "
          + "https://pytorch.org/docs/main/nn.html#torch.nn.NLLLoss for more details.")
    }
    if request.sizeAverage != nil || request.reduce != nil {
      let reduction = Reduction.legacy(sizeAverage: request.sizeAverage, reduce: request.reduce)
      given["reduction"] = .string(reduction.rawValue)
      warnings.append("size_average and reduce args will be deprecated, please use reduction='\(reduction.rawValue)' instead.")
    }
    return (given, warnings)
  }

  /// The loss alone of a pointwise loss on two large delimited-text files, read together without
  /// storing them (``DelimitedTextPair``): the same output as the ordinary path, which is taken
  /// (returning nil) whenever this one does not apply or fails, and which reports every error.
  private func valueOfTextPair(_ readOptions: ReadOptions) throws(CommandError) -> Outcome? {
    let definition = request.definition
    guard definition.readsTextPairs, request.teaching == nil, request.global.data == nil,
      request.global.dtype == .float64,
      request.global.show.outputs == .value, Set(request.tensorArguments.keys) == ["input", "target"],
      let input = request.tensorArguments["input"]?.value, let target = request.tensorArguments["target"]?.value,
      input != "-", target != "-", io.tensors.fileExists(input), io.tensors.fileExists(target),
      let open = io.tensors.openTextPair, let pair = open(input, target, readOptions)
    else { return nil }
    let (given, warnings) = givenOptions()
    guard let resolved = try? LossOptions(specs: definition.options, given: given),
      let result = definition.value(of: pair, options: given)
    else { return nil }
    return try render(result, options: resolved, warnings: warnings + result.warnings)
  }

  func checkRequiredTensors(given: Set<String>) throws(CommandError) {
    let definition = request.definition
    let missing = definition.tensors.filter { $0.isRequired && !given.contains($0.name) }.map(\.flag)
    guard missing.isEmpty else {
      throw CommandError.usage(
        "\(definition.functionalName) needs \(missing.joined(separator: " and "))", loss: definition.shortName)
    }
  }

  /// A tensor flag's value: `-` (standard input), an existing file, an inline literal, or else a
  /// path (which the reader reports as missing).
  private func readTensor(_ value: String, flag: String, options: ReadOptions) throws(CommandError) -> Tensor {
    do {
      if value == "-" {
        let bytes = try io.readStandardInput()
        return try io.tensors.readBytes(bytes, "<stdin>", options)
      }
      if io.tensors.fileExists(value) { return try io.tensors.readFile(value, options) }
      let trimmed = value.trimmingSpaces()
      if trimmed.hasPrefix("[") || trimmed.hasPrefix("{") || OptionParsing.isNumber(trimmed) {
        return try io.tensors.parseLiteral(value, flag)
      }
      return try io.tensors.readFile(value, options)
    } catch {
      throw CommandError.input(error)
    }
  }

  /// `--shape`: the same elements with new dimensions; one `-1` is inferred.
  static func reshape(_ tensor: Tensor, to dims: [Int], spelling: String) throws(CommandError) -> Tensor {
    var dims = dims
    if let unknown = dims.firstIndex(of: -1) {
      var known = 1
      for (index, dim) in dims.enumerated() where index != unknown {
        let (product, overflow) = known.multipliedReportingOverflow(by: dim)
        guard !overflow else { throw CommandError.data("--shape \(spelling): the shape is too large") }
        known = product
      }
      guard known > 0, tensor.count % known == 0 else {
        throw CommandError.data(
          "--shape \(spelling): cannot reshape \(Shape.describe(tensor.shape)) (\(tensor.count) elements) to \(spelling.split(separator: "=", maxSplits: 1).last ?? "")")
      }
      dims[unknown] = tensor.count / known
    }
    do {
      return try tensor.reshaped(dims)
    } catch {
      throw CommandError.data("--shape \(spelling): \(error.message)")
    }
  }
}

/// What the renderers print: the loss, its resolved options and its results.
struct LossReport {
  var definition: LossDefinition
  var options: LossOptions
  var result: LossResult
  var show: ShowSet

  /// The effective reduction (after legacy flags).
  var reduction: Reduction { options.reduction }

  /// Whether the value is a tensor (`none`) rather than a number.
  var valueIsTensor: Bool { reduction == .none || result.value.rank > 0 }
}
