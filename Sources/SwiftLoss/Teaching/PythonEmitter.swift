/// `--emit-python`: a runnable PyTorch script that makes exactly the same call (float64 tensors
/// written with repr-exact floats, int64 indices and lengths, the same options and legacy flags,
/// `requires_grad` on exactly the tensors swiftloss reports gradients for) and prints PyTorch's
/// loss, elementwise loss and gradients in the order swiftloss prints them.
public enum PythonEmitter {
  /// The script. Runs the loss once first (to learn which tensors get gradients, and so that a call
  /// swiftloss rejects is reported instead of emitted).
  public static func script(_ call: LossCall, commandLine: String? = nil) throws(LossError) -> String {
    let definition = call.definition, tensors = call.tensors
    // The options as given: those the script writes (the legacy flags are written as themselves).
    let options = call.givenOptions
    let legacy = call.legacyFlags
    let result = try definition.run(call.with(tensors: tensors, outputs: [.value, .gradients]))
    if let script = definition.teaching.python.script { return try script(call, commandLine) }
    let differentiable = Set(result.gradients.map(\.name))
    let resolved = call.options
    let quirks = definition.teaching.python

    var lines = preamble(commandLine: commandLine, imports: ["torch", "torch.nn.functional as F"])

    // Tensors, in registry order.
    var callTensors: [String] = []
    var keywordTensors: [String] = []
    for spec in definition.tensors {
      guard let tensor = tensors[spec.name] else { continue }
      let integer = spec.isInteger(in: tensors)
      if let bare = quirks.bareNumberTensor, spec.key == bare && tensor.rank == 0 && call.isBareNumber(bare) {
        lines.append(
          "\(spec.name) = \(PythonText.float(tensor.storage[0]))  # a Python float, as PyTorch takes it (no gradient)")
      } else {
        lines.append(
          "\(spec.name) = " + literal(tensor, integer: integer, requiresGrad: differentiable.contains(spec.name)))
      }
      if spec.isRequired { callTensors.append(spec.name) } else { keywordTensors.append("\(spec.name)=\(spec.name)") }
    }
    lines.append("")
    if let arguments = quirks.arguments {
      let (renamed, chunking) = arguments(tensors, resolved)
      callTensors = callTensors.map { renamed[$0] ?? $0 }
      keywordTensors = keywordTensors.map { keyword in
        renamed.first { keyword == "\($0.key)=\($0.key)" }.map { "\($0.key)=\($0.value)" } ?? keyword
      }
      keywordTensors += chunking
    }

    // Options: those given, plus the reduction (unless the legacy flags decide it).
    var keywords: [String] = keywordTensors
    var noneKeywords: [String] = keywordTensors
    for spec in definition.options {
      guard let value = resolved.values[spec.name] else { continue }
      let given = options[spec.name] != nil
      if spec.declares(.reduction) {
        if legacy == nil { keywords.append("reduction=\(PythonText.option(value))") }
        continue
      }
      let pairwiseArguments = quirks.pairwiseDistanceOptions.contains { options[$0.name] != nil }
      if spec.declares(.distanceFunction) {
        if case .string(let word) = value, word != "pairwise" || given || pairwiseArguments {
          // --p/--eps: the distance function is nn.PairwiseDistance(p, eps) itself.
          let text =
            word == "pairwise" && pairwiseArguments
            ? "torch.nn.PairwiseDistance(p=\(PythonText.float(resolved[.p])), eps=\(PythonText.float(resolved[.eps])))"
            : PythonText.keyword(spec, value)
          keywords.append("distance_function=\(text)")
          noneKeywords.append("distance_function=\(text)")
        }
        continue
      }
      if quirks.isPairwiseDistanceOption(spec) {
        continue  // arguments of nn.PairwiseDistance, written into distance_function above
      }
      guard given else { continue }
      if quirks.unwrittenOptions.contains(where: { $0.name == spec.name }) { continue }
      let text: String
      if quirks.integralOptions.contains(where: { spec.declares($0) }), case .double(let p) = value, p == p.rounded(),
        abs(p) < 1e9
      {
        text = String(Int(p))
      } else {
        text = PythonText.option(value)
      }
      keywords.append("\(spec.name)=\(text)")
      noneKeywords.append("\(spec.name)=\(text)")
    }
    if let sizeAverage = legacy?.sizeAverage { keywords.append("size_average=\(sizeAverage ? "True" : "False")") }
    if let reduce = legacy?.reduce { keywords.append("reduce=\(reduce ? "True" : "False")") }
    let function = "F.\(definition.functionalName)"
    lines.append("loss = \(function)(\((callTensors + keywords).joined(separator: ", ")))")
    let moduleKeywords = keywords.filter { !callTensors.contains($0) }
    if let moduleForm = quirks.moduleForm {
      lines.append(moduleForm(tensors, resolved, moduleKeywords))
    } else {
      lines.append(
        "# module form: torch.nn.\(definition.moduleName)(\(moduleKeywords.joined(separator: ", ")))(\(callTensors.joined(separator: ", ")))"
      )
    }
    lines.append("with torch.no_grad():")
    lines.append(
      "    elementwise = \(function)(\((callTensors + noneKeywords + ["reduction='none'"]).joined(separator: ", ")))")
    lines.append("(loss if loss.dim() == 0 else loss.sum()).backward()")
    lines.append("")
    lines.append("print('loss:', loss.item() if loss.dim() == 0 else loss.tolist())")
    lines.append("print('elementwise:', elementwise.tolist())")
    for name in result.gradients.map(\.name) {
      lines.append("print('grad \(name):', \(name).grad.tolist())")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The script's first lines: the interpreter, the command that made it, the imports and float64
  /// as the default dtype.
  static func preamble(commandLine: String?, imports: [String]) -> [String] {
    var lines = ["#!/usr/bin/env python3"]
    if let commandLine { lines.append("# Generated by: \(commandLine.replacingNewlines())") }
    lines.append("# The same computation in PyTorch (float64), to compare with swiftloss's output.")
    lines += imports.map { "import " + $0 }
    return lines + ["", "torch.set_default_dtype(torch.float64)", ""]
  }

  static func tensorNamed(_ key: TensorKey, _ tensors: [String: Tensor]) throws(LossError) -> Tensor {
    guard let tensor = tensors[key] else { throw LossError.usage("missing tensor \(key.name)") }
    return tensor
  }

  /// `torch.tensor([[1.0, 2.5], [0.1, -3.0]], dtype=torch.float64, requires_grad=True)`.
  static func literal(_ tensor: Tensor, integer: Bool, requiresGrad: Bool) -> String {
    let dtype = integer ? "torch.int64" : "torch.float64"
    let suffix = ", dtype=\(dtype)" + (requiresGrad ? ", requires_grad=True" : "") + ")"
    if tensor.count == 0 {
      return "torch.empty(\(pythonTuple(tensor.shape))" + suffix
    }
    let element: (Double) -> String = { value in
      if integer, let n = Int(exactly: value) { return String(n) }
      return PythonText.float(value)
    }
    return "torch.tensor(" + nested(tensor.storage, tensor.shape, element) + suffix
  }

  static func nested(_ storage: [Double], _ shape: [Int], _ element: (Double) -> String) -> String {
    if shape.isEmpty { return storage.first.map(element) ?? "0.0" }
    var out = ""
    func emit(_ axis: Int, _ offset: Int, _ stride: Int) {
      if axis == shape.count { out += element(storage[offset]); return }
      let inner = stride / max(1, shape[axis])
      out += "["
      for i in 0..<shape[axis] {
        if i > 0 { out += ", " }
        emit(axis + 1, offset + i * inner, inner)
      }
      out += "]"
    }
    emit(0, 0, storage.count)
    return out
  }

  static func pythonTuple(_ shape: [Int]) -> String {
    if shape.count == 1 { return "(\(shape[0]),)" }
    return "(" + shape.map(String.init).joined(separator: ", ") + ")"
  }
}

extension String {
  func replacingNewlines() -> String {
    String(map { $0 == "\n" || $0 == "\r" ? " " : $0 })
  }
}
