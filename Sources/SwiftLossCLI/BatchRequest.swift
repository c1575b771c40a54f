import SwiftLoss

/// One line of `swiftloss batch`: parsed with the engine's byte-level JSON reader, turned into the
/// ``ComputeRequest`` the same flags would give, and run through the single-call path.
enum BatchRequest {
  enum Outcome {
    case success(ChunkedOutput)
    /// The error message; `mismatch` for an `expect` that did not match.
    case failure(String, mismatch: Bool)
  }

  /// What a request key means for a loss.
  enum Key {
    case loss
    case tensor(TensorSpec)
    case option(OptionSpec)
    /// `size_average` or `reduce`.
    case legacy(String)
    /// An output setting: `show`, `precision`, `dtype`, `expect`, `rtol`, `atol`, `format`.
    case global(String)
  }

  /// Per-thread caches: loss names and request keys, resolved once.
  struct Context {
    let io: CommandIO
    var losses: [String: LossDefinition] = [:]
    /// Functional name → key spelling → meaning.
    var keys: [String: [String: Key]] = [:]
    /// The table of the loss of the previous request (requests often repeat a loss).
    var lastKeys: (loss: String, table: [String: Key])?

    init(io: CommandIO) {
      self.io = io
    }

    mutating func definition(_ name: String) throws(CommandError) -> LossDefinition {
      if let definition = losses[name] { return definition }
      let definition = try Invocation.lookupLoss(name)
      losses[name] = definition
      return definition
    }

    mutating func key(_ key: String, of definition: LossDefinition) -> Key? {
      if let last = lastKeys, last.loss == definition.functionalName {
        return last.table[key] ?? Self.slowKey(key, definition)
      }
      if let table = keys[definition.functionalName] {
        lastKeys = (definition.functionalName, table)
        return table[key] ?? Self.slowKey(key, definition)
      }
      var table: [String: Key] = ["loss": .loss]
      func add(_ name: String, _ meaning: Key) {
        table[name] = meaning
        table[name.replacingUnderscores()] = meaning
      }
      for spec in definition.tensors {
        add(spec.name, .tensor(spec))
        for alias in spec.aliases { add(alias, .tensor(spec)) }
      }
      for spec in definition.options { add(spec.name, .option(spec)) }
      if definition.acceptsLegacyReduction {
        add("size_average", .legacy("size_average"))
        add("reduce", .legacy("reduce"))
      }
      for name in BatchRequest.globalKeys { table[name] = .global(name) }
      keys[definition.functionalName] = table
      return table[key] ?? Self.slowKey(key, definition)
    }

    /// Keys spelt with a different case of `-`/`_` mix, as flags are matched.
    private static func slowKey(_ key: String, _ definition: LossDefinition) -> Key? {
      let name = ArgumentScanner.normalize(key)
      if let spec = definition.tensorSpec(flagName: name) { return .tensor(spec) }
      if let spec = definition.optionSpec(flagName: name) { return .option(spec) }
      return nil
    }
  }

  /// The output settings a request may carry.
  static let globalKeys = ["show", "precision", "dtype", "expect", "rtol", "atol", "format"]

  /// Runs one request; never throws: every problem is a failure with its message. A blank line
  /// is no request and gives nothing (nil).
  static func run(
    _ bytes: UnsafeBufferPointer<UInt8>, line: Int, context: inout Context, warnings: OutputBuffer
  ) -> Outcome? {
    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
    do throws(CommandError) {
      let outcome = try compute(bytes, context: &context)
      for warning in outcome.warnings {
        warnings.append(Diagnostics.warning("line \(line): " + warning))
      }
      return .success(outcome.output)
    } catch {
      switch error {
      case .usage(let message, _): return .failure(message, mismatch: false)
      case .data(let message): return .failure(message, mismatch: false)
      case .input(let error):
        if let column = error.column { return .failure("column \(column): \(error.message)", mismatch: false) }
        return .failure(error.description, mismatch: false)
      case .write(let error): return .failure("write error: " + Platform.message(forErrno: error.code), mismatch: false)
      case .mismatch(let message): return .failure("mismatch: " + message, mismatch: true)
      }
    }
  }

  private static func compute(_ bytes: UnsafeBufferPointer<UInt8>, context: inout Context) throws(CommandError)
    -> ComputeCommand.Outcome
  {
    let members: [(key: String, value: RequestValue)]
    do { members = try JSONRequestReader.readObject(bytes, label: "request") } catch { throw CommandError.input(error) }
    guard let lossMember = members.first(where: { $0.key == "loss" }) else {
      throw CommandError.usage("the request has no \"loss\"")
    }
    guard case .string(let lossName) = lossMember.value else {
      throw CommandError.usage("\"loss\" must be a loss name string, such as \"mse\"")
    }
    let definition = try context.definition(lossName)
    var request = ComputeRequest(definition: definition)
    request.commandLine = [lossName]
    request.lossName = lossName
    request.global.format = .json
    var tensors: [String: Tensor] = [:]
    for (key, value) in members {
      guard let meaning = context.key(key, of: definition) else {
        if ["output", "data", "shape", "delimiter"].contains(key) {
          throw CommandError.usage(
            "\"\(key)\" is not available in batch: tensors are given inline, results go to standard output")
        }
        throw Suggestions.unknownFlag(spelling: key, name: ArgumentScanner.normalize(key), definition: definition)
      }
      switch meaning {
      case .loss:
        continue
      case .tensor(let spec):
        guard tensors[spec.name] == nil else {
          throw CommandError.usage("\(spec.name) given twice", loss: definition.shortName)
        }
        tensors[spec.name] = try tensor(value, key: key)
      case .option(let spec):
        if let option = try option(value, spec: spec, key: key) { request.options[spec.name] = option }
      case .legacy(let name):
        switch value {
        case .null: continue
        case .bool(let flag): if name == "size_average" { request.sizeAverage = flag } else { request.reduce = flag }
        default: throw CommandError.usage("invalid value for \"\(key)\": expected true or false")
        }
      case .global(let name):
        try setGlobal(name, value, key: key, global: &request.global)
      }
    }
    let command = ComputeCommand(request: request, io: context.io)
    if definition.tensors.contains(where: { $0.isRequired && tensors[$0.name] == nil }) {
      try command.checkRequiredTensors(given: Set(tensors.keys))  // the message
    }
    try request.global.checkOutputSelection(loss: definition.shortName, teaching: false)
    tensors = LowPrecision.roundInputs(
      tensors, dtype: request.global.dtype, integral: definition.integralTensors(tensors))
    // Errors name a tensor by its PyTorch name, which is its key.
    return try command.evaluate(tensors: tensors, labels: [:], resolved: command.resolveOptions(), compact: true)
  }

  private static func tensor(_ value: RequestValue, key: String) throws(CommandError) -> Tensor {
    switch value {
    case .tensor(let shape, let storage):
      do { return try Tensor(shape: shape, storage: storage) } catch {
        throw CommandError.data("\"\(key)\": \(error.message)")
      }
    case .number(let number, _): return Tensor(scalar: number)
    case .bool(let flag): return Tensor(scalar: flag ? 1 : 0)
    case .string, .strings, .null:
      throw CommandError.data(
        "\"\(key)\": expected a tensor (a nested array of numbers, a number, or {\"shape\": [...], \"data\": [...]})")
    }
  }

  private static func option(_ value: RequestValue, spec: OptionSpec, key: String) throws(CommandError) -> OptionValue?
  {
    switch (spec.kind, value) {
    case (_, .null): return nil
    case (.double, .number(let number, _)): return .double(number)
    case (.int, .number(let number, let text)):
      if let integer = Int(text) { return .int(integer) }
      if number.rounded() == number, number.magnitude <= 0x1p53 { return .int(Int(number)) }
      return try OptionParsing.value(text, for: spec)
    case (.bool, .bool(let flag)): return .bool(flag)
    case (.intList, .tensor(let shape, let storage)) where shape.count == 1:
      // "cutoffs": [2, 4]: the same text the flag takes, so the same checks apply.
      let text = storage.map { $0.rounded() == $0 && $0.magnitude < 0x1p53 ? String(Int($0)) : String($0) }
      return try OptionParsing.value(text.joined(separator: ","), for: spec)
    case (_, .string(let text)): return try OptionParsing.value(text, for: spec)
    case (_, .number(_, let text)): return try OptionParsing.value(text, for: spec)
    case (_, .bool(let flag)): return try OptionParsing.value(flag ? "true" : "false", for: spec)
    default:
      throw CommandError.usage("invalid value for \"\(key)\": expected \(HelpText.placeholder(spec.kind))")
    }
  }

  private static func setGlobal(_ name: String, _ value: RequestValue, key: String, global: inout GlobalOptions)
    throws(CommandError)
  {
    let text: String
    switch value {
    case .string(let string): text = string
    case .number(_, let spelling): text = spelling
    case .strings(let items) where name == "show": text = items.joined(separator: ",")
    case .null: return
    default: throw CommandError.usage("invalid value for \"\(key)\"")
    }
    if name == "format" {
      guard text == "json" else {
        throw CommandError.usage("batch prints json; \"format\": \"\(text)\" is not available")
      }
      return
    }
    try global.set(name, value: text, spelling: "\"\(key)\"")
  }

  /// `{"error": "...", "line": N}` and a newline.
  static func writeError(_ message: String, line: Int, into buffer: OutputBuffer) {
    buffer.append("{\"error\": ")
    buffer.append(JSONText.string(message))
    buffer.append(", \"line\": ")
    buffer.append(int: line)
    buffer.append("}\n")
  }
}

extension ChunkedOutput {
  /// Everything, formatted, appended to `buffer` (a batch result among others).
  func appendAll(to buffer: OutputBuffer) {
    if let bytes = singleBuffer {
      buffer.append(bytes)
      return
    }
    try? write(to: OutputSink { bytes throws(OutputError) in buffer.append(bytes) })
  }
}
