import SwiftLoss

/// Runs one loss computation: plans it (usage checks, the options resolved once), reads the
/// tensors, evaluates the resolved ``LossCall`` and renders the result.
struct ComputeCommand {
  let request: ComputeRequest
  let io: CommandIO

  /// What a successful run prints.
  struct Outcome {
    var output: ChunkedOutput
    /// Lines for standard error, without the `swiftloss: warning:` prefix.
    var warnings: [String]
  }

  /// What the command line asks for, checked before anything is read.
  struct Plan {
    var shapeTargets: [(spec: TensorSpec, dims: [Int], spelling: String)]
    /// Every tensor flag, classified once: a path (file or stream) is opened and read exactly once,
    /// whichever reading then uses its bytes.
    var arguments: [(spec: TensorSpec, flag: String, value: TensorArgument)]
    var readOptions: ReadOptions
    /// The options resolved once (the legacy flags mapped), or why they are invalid, which the
    /// evaluation then reports with the tensors at hand.
    var resolved: Result<LossCall.ResolvedOptions, LossError>
    var warnings: [String]
  }

  /// Plan → read → evaluate → render.
  func run() throws(CommandError) -> Outcome {
    let plan = try makePlan()
    var opened: [String: InputSource] = [:]
    if let paired = try pairedValue(plan, opened: &opened) { return paired }
    let (tensors, labels, readWarnings) = try read(plan, opened: opened)
    return try evaluate(
      tensors: tensors, labels: labels, bareNumbers: bareNumberTensors, warnings: plan.warnings + readWarnings,
      resolved: plan.resolved)
  }

  /// Usage checks first, before anything is read.
  func makePlan() throws(CommandError) -> Plan {
    let definition = request.definition
    let loss = definition.shortName
    let global = request.global

    if let mode = request.teaching, global.format == .json {
      throw CommandError.usage("--\(mode.rawValue) prints text; it cannot be combined with --format json", loss: loss)
    }
    if request.html && request.teaching != .explain {
      throw CommandError.usage(
        "--html goes with --explain (the lesson page of the computation), or 'swiftloss explain LOSS --html'",
        loss: loss)
    }
    var stdinUsers = request.tensorArguments.values.filter { $0.value == "-" }.map(\.flag).sorted()
    if global.data == "-" { stdinUsers.insert("--data", at: 0) }
    if stdinUsers.count > 1 {
      throw CommandError.usage(
        "only one input can read standard input, but \(stdinUsers.joined(separator: " and ")) "
          + (stdinUsers.count == 2 ? "both" : "all") + " use '-'")
    }
    if global.decimalComma && global.delimiter == UInt8(ascii: ",") {
      throw CommandError.usage("--decimal , needs another delimiter than the comma (it defaults to ';')")
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

    let resolved = resolveOptions()
    var arguments: [(spec: TensorSpec, flag: String, value: TensorArgument)] = []
    for spec in definition.tensors {
      guard let argument = request.tensorArguments[spec.name] else { continue }
      arguments.append((spec, argument.flag, try classify(argument.value, flag: argument.flag)))
    }
    if global.data == nil, let entry = arguments.first(where: { $0.value.isDataEntry }) {
      throw CommandError.usage(
        "\(entry.flag) \(request.tensorArguments[entry.spec.name]?.value ?? ""): a #KEY value takes the entry KEY of "
          + "--data FILE, and no --data was given", loss: loss)
    }
    return Plan(
      shapeTargets: shapeTargets, arguments: arguments,
      readOptions: ReadOptions(delimiter: global.delimiter, decimalComma: global.decimalComma), resolved: resolved,
      warnings: namingWarnings(legacyReduction: legacyReduction(try? resolved.get())))
  }

  /// The value alone of a pointwise loss on two large text files: the engine reads them together
  /// when it can, storing neither; otherwise it declines (nil) and the tensors are read as usual.
  /// The sources it opened are kept in `opened` for that reading.
  private func pairedValue(_ plan: Plan, opened: inout [String: InputSource]) throws(CommandError) -> Outcome? {
    let global = request.global
    guard plan.shapeTargets.isEmpty, request.teaching == nil, global.data == nil, global.show.outputs == .value,
      global.dtype == .float64, io.tensors.readsPairs, plan.arguments.allSatisfy({ $0.value.isWholeFile }),
      let options = (try? plan.resolved.get())?.options
    else { return nil }
    for argument in plan.arguments { opened[argument.spec.name] = try open(argument.value) }
    let paired: LossResult?
    do {
      paired = try request.definition.pairedValue(
        sources: opened, options: options, outputs: global.show.outputs, readOptions: plan.readOptions)
    } catch {
      throw CommandError.input(error)
    }
    guard let paired else { return nil }
    return try render(paired, options: options, warnings: plan.warnings + paired.warnings)
  }

  /// Reads every tensor (from `--data`, files, streams and inline values) and applies `--shape`
  /// and `--dtype`.
  private func read(_ plan: Plan, opened: [String: InputSource]) throws(CommandError)
    -> (tensors: [String: Tensor], labels: [String: String], warnings: [String])
  {
    let definition = request.definition
    let global = request.global
    let readOptions = plan.readOptions
    var opened = opened
    var warnings: [String] = []
    var tensors: [String: Tensor] = [:]
    var labels: [String: String] = [:]
    var data: NamedTensors?
    if let path = global.data {
      let source = try open(path == "-" ? .standardInput : .path(path, selector: nil))
      do { data = try io.tensors.readNamed(source, readOptions) } catch { throw CommandError.input(error) }
    }
    if let data {
      // Entries named like the loss's tensors are those tensors (a flag overrides its entry);
      // entries taken by a `#KEY` value are used there; any other is ignored, with one note.
      let picked = Set(plan.arguments.compactMap { $0.value.dataKey })
      var ignored: [String] = []
      for key in data.keys {
        guard let spec = definition.tensorSpec(flagName: key) else {
          if !picked.contains(key) { ignored.append(key) }
          continue
        }
        if request.tensorArguments[spec.name] != nil { continue }
        do { tensors[spec.name] = try data.tensor(key) } catch { throw CommandError.input(error) }
        labels[spec.name] = data.label
      }
      let shown = ignored.prefix(8).map { "'\($0)'" }.joined(separator: ", ") + (ignored.count > 8 ? ", ..." : "")
      try checkRequiredTensors(
        given: Set(request.tensorArguments.keys).union(tensors.keys),
        hint: ignored.isEmpty ? "" : " (--data \(data.label) holds \(shown): take one with --FLAG '#KEY')")
      if !ignored.isEmpty {
        warnings.append(
          "--data \(data.label): ignored \(ignored.count) \(ignored.count == 1 ? "entry" : "entries") that "
            + "\(definition.functionalName) does not take: \(shown) (its tensors are "
            + definition.tensors.map(\.name).joined(separator: ", ") + "; pick an entry with --FLAG '#KEY')")
      }
    }
    for argument in plan.arguments {
      let name = argument.spec.name
      switch argument.value {
      case .literal(let text):
        do { tensors[name] = try io.tensors.parseLiteral(text, argument.flag) } catch {
          throw CommandError.input(error)
        }
      case .dataEntry(let key):
        guard let data else { continue }  // refused by the plan
        do { tensors[name] = try data.tensor(key) } catch { throw CommandError.input(error) }
      case .path(_, let selector?):
        let source = try open(argument.value)
        do {
          tensors[name] = try io.tensors.readSelected(source, selector, readOptions)
        } catch {
          throw CommandError.input(error)
        }
      case .path, .standardInput:
        let source: InputSource
        if let taken = opened.removeValue(forKey: name) { source = taken } else { source = try open(argument.value) }
        do { tensors[name] = try io.tensors.read(source, readOptions) } catch { throw CommandError.input(error) }
      }
      labels[name] = argument.value == .standardInput ? "<stdin>" : argument.flag
    }

    // Reshape.
    for target in plan.shapeTargets {
      guard let tensor = tensors[target.spec.name] else {
        throw CommandError.usage(
          "--shape \(target.spelling): \(target.spec.flag) was not given", loss: definition.shortName)
      }
      tensors[target.spec.name] = try Self.reshape(tensor, to: target.dims, spelling: target.spelling)
    }

    tensors = LowPrecision.roundInputs(tensors, dtype: global.dtype, integral: definition.integralTensors(tensors))
    return (tensors, labels, warnings)
  }

  /// The reduction the legacy flags decided, from resolved options.
  private func legacyReduction(_ resolved: LossCall.ResolvedOptions?)
    -> Reduction?
  {
    guard let resolved, case .legacy = resolved.reductionSource else { return nil }
    return resolved.options.reduction
  }

  /// The warnings PyTorch prints for how the loss was named and configured: nn.NLLLoss2d, and the
  /// deprecated `size_average`/`reduce` (naming the reduction they mapped to).
  func namingWarnings(legacyReduction: Reduction?) -> [String] {
    var warnings: [String] = []
    if let typed = request.commandLine.first, LossRegistry.isDeprecatedNLLLoss2d(typed) {
      // PyTorch's FutureWarning on constructing nn.NLLLoss2d.
      warnings.append(
        "`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a drop-in replacement and see "
          + "https://pytorch.org/docs/main/nn.html#torch.nn.NLLLoss for more details.")
    }
    if let reduction = legacyReduction {
      warnings.append(
        "size_average and reduce args will be deprecated, please use reduction='\(reduction.rawValue)' instead.")
    }
    return warnings
  }

  /// The tensors given as a bare inline number (`--var 0.5`, not a file named `0.5`): PyTorch's
  /// Python floats (issue 15).
  var bareNumberTensors: Set<String> {
    Set(
      request.tensorArguments.compactMap { name, argument in
        (try? classify(argument.value, flag: argument.flag))?.isBareNumber == true ? name : nil
      })
  }

  /// The required tensors, checked as the engine checks a call (before reading when there is no
  /// `--data`, whose entries may supply them).
  func checkRequiredTensors(given: Set<String>, hint: String = "") throws(CommandError) {
    do { try request.definition.checkRequiredTensors(given: given, hint: hint) } catch {
      throw CommandError.usage(error.description, loss: request.definition.shortName)
    }
  }

  /// What a tensor flag's value is, decided once and before anything is read.
  enum TensorArgument: Equatable {
    /// `-`.
    case standardInput
    /// A path: a regular file or a stream (pipe, FIFO, device, `/dev/stdin`), and for
    /// `PATH#SELECTOR` the column or entry it selects.
    case path(String, selector: String?)
    /// An inline literal: a JSON array or object, a number, a tensor as Python prints it.
    case literal(String)
    /// `#KEY`: the entry KEY of `--data`.
    case dataEntry(String)

    /// A whole file or stream (no selector): what the paired value-only reading takes.
    var isWholeFile: Bool {
      if case .path(_, nil) = self { return true }
      return false
    }
    var isDataEntry: Bool { dataKey != nil }
    var dataKey: String? {
      if case .dataEntry(let key) = self { return key }
      return nil
    }
    /// A bare inline number (`--var 0.5`): PyTorch's Python float where a loss takes one.
    var isBareNumber: Bool {
      if case .literal(let text) = self { return OptionParsing.isNumber(text.trimmingSpaces()) }
      return false
    }
  }

  /// `-` is standard input; `#KEY` is an entry of `--data`; a value naming an existing file is a
  /// path, unless it is also a valid inline literal (a file named `0` or `[1,2]`), which is a usage
  /// error naming both readings (`./0` means the file); a literal is a literal; `PATH#SELECTOR`
  /// whose PATH exists selects from it (the whole string is tried as a path first); anything else
  /// is a path, which the reader reports as missing.
  func classify(_ value: String, flag: String) throws(CommandError) -> TensorArgument {
    if value == "-" { return .standardInput }
    if value.hasPrefix("#") && value.count > 1 && !io.tensors.fileExists(value) {
      return .dataEntry(String(value.dropFirst()))
    }
    let literal = TensorReader.looksLikeLiteral(value)
    if io.tensors.fileExists(value) {
      if literal && !value.hasPrefix("./") && !value.hasPrefix("/") {
        throw CommandError.usage(
          "\(flag) \(value) is both a file in this directory and an inline value; "
            + "write ./\(value) to read the file, or rename the file to use the value",
          loss: request.definition.shortName)
      }
      return .path(value, selector: nil)
    }
    if literal { return .literal(value) }
    if let hash = value.lastIndex(of: "#"), hash != value.startIndex {
      let path = String(value[..<hash]), selector = String(value[value.index(after: hash)...])
      if !selector.isEmpty && io.tensors.fileExists(path) { return .path(path, selector: selector) }
    }
    return .path(value, selector: nil)
  }

  /// The source of a path or of standard input, opened and read once.
  private func open(_ argument: TensorArgument) throws(CommandError) -> InputSource {
    do {
      switch argument {
      case .standardInput: return try io.standardInput()
      case .path(let path, _): return try io.tensors.open(path)
      case .literal(let text), .dataEntry(let text): return InputSource(bytes: Array(text.utf8), label: text)
      }
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
          "--shape \(spelling): cannot reshape \(Shape.describe(tensor.shape)) (\(tensor.count) elements) to \(spelling.split(separator: "=", maxSplits: 1).last ?? "")"
        )
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
