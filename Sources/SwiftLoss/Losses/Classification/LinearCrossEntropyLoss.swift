extension LossDefinition {
  /// `torch.nn.LinearCrossEntropyLoss` / `F.linear_cross_entropy` (PyTorch 2.15): the linear
  /// projection of an LLM head fused with cross entropy. Its reference definition, which this follows:
  ///
  /// ```
  /// C, *out_features, in_features = linear_weight.shape
  /// logits = linear(input, linear_weight.reshape(-1, in_features), linear_bias.reshape(-1))
  /// logits = logits.reshape(*input.shape[:-1], C, *out_features)
  /// loss = cross_entropy(logits, target, weight, ignore_index, reduction, label_smoothing)
  /// ```
  ///
  /// The projection and the two gradient products run on ``MatrixMultiply``; everything after the
  /// logits is ``CrossEntropy/evaluate(input:target:weight:ignoreIndex:labelSmoothing:_:loss:)``.
  public static let linearCrossEntropy = LossDefinition(
    functionalName: "linear_cross_entropy", moduleName: "LinearCrossEntropyLoss",
    teaching: .linearCrossEntropy,
    summary: "cross_entropy of the logits input · linear_weight^T + linear_bias (an LLM head, fused)",
    tensors: [
      TensorSpec(.input, gradient: true, help: "features (in_features) or (N, in_features)"),
      TensorSpec(
        .linearWeight, gradient: true,
        help: "projection weight (C, in_features) or (C, d1, ..., dk, in_features); the module's flat "
          + "linear.weight (C·d1·…·dk, in_features) with --out-features"),
      TensorSpec(
        .target, gradient: true,
        // Class indices unless the target has the logits' shape (probabilities).
        integer: .when { tensors in
          guard let input = tensors[.input], let target = tensors[.target], let weight = tensors[.linearWeight] else {
            return true
          }
          return !LinearCrossEntropy.looksLikeProbabilities(target: target, input: input, linearWeight: weight)
        },
        help: "class indices ((), (N) or (N, d1, ..., dk)), or class probabilities of the logits' shape "
          + "((C), (N, C) or (N, C, d1, ..., dk)); only probabilities get a gradient"),
      TensorSpec(
        .linearBias, required: false, gradient: true,
        help: "projection bias (C) or (C, d1, ..., dk); the module's flat linear.bias with --out-features"),
      TensorSpec(
        .weight, required: false, gradient: true,
        help: "per-class weights (C); differentiable only with probability targets"),
    ],
    options: [
      .reduction(),
      OptionSpec(
        .ignoreIndex, default: -100,
        help: "target value that contributes nothing; PyTorch's None means -100, and giving it with "
          + "probability targets is an error"),
      OptionSpec(
        .labelSmoothing, default: 0.0,
        help: "mixes ε/C into every class (0 ≤ ε ≤ 1; negative means 0)"),
      OptionSpec(
        .outFeatures, default: [],
        help: "the module's out_features (d1, ..., dk): reads a flat linear.weight/linear.bias as (C, d1, ..., dk, ...)"
      ),
      OptionSpec(
        .chunked, default: false,
        help: "options=LinearCrossEntropyOptions(): PyTorch's memory-saving chunked path; the same float64 "
          + "result, and PyTorch's warning where it falls back"),
      OptionSpec(
        .batchChunkSize, default: 0,
        help: "LinearCrossEntropyOptions(batch_chunk_size=N), implies --chunked; 0 means None"),
    ],
    acceptsLegacyReduction: false
  ) { call throws(LossError) in
    try LinearCrossEntropy.compute(call)
  }
}

enum LinearCrossEntropy {
  static let loss = "linear_cross_entropy"

  static func compute(_ call: LossCall) throws(LossError) -> LossResult {
    let input = try call[.input], target = try call[.target]
    var linearWeight = try call[.linearWeight]
    var linearBias = call[optional: .linearBias]
    let options = call.options
    let outFeatures = options[.outFeatures]
    if !outFeatures.isEmpty {
      (linearWeight, linearBias) = try moduleParameters(linearWeight, linearBias, outFeatures: outFeatures)
    }
    // F.linear_cross_entropy's checks, in its order and words.
    guard input.rank == 1 || input.rank == 2 else {
      throw LossError.data("\(loss): expected input with dimensionality 1 or 2, got \(input.rank)", tensor: "input")
    }
    guard linearWeight.rank >= 2 else {
      throw LossError.data(
        "\(loss): expected linear_weight with dimensionality at least 2, got \(linearWeight.rank)",
        tensor: "linear_weight")
    }
    let inFeatures = input.shape[input.rank - 1]
    guard inFeatures == linearWeight.shape[linearWeight.rank - 1] else {
      throw LossError.data(
        "\(loss): expected equal input and linear_weight last dimensions (in_features), got \(inFeatures) and "
          + "\(linearWeight.shape[linearWeight.rank - 1]), respectively", tensor: "linear_weight")
    }
    let classes = linearWeight.shape[0]
    let out = Array(linearWeight.shape[1..<(linearWeight.rank - 1)])
    if let linearBias, linearBias.shape != [classes] + out {
      throw LossError.data(
        "\(loss): expected linear_bias shape \(Shape.describe([classes] + out)), got \(Shape.describe(linearBias.shape))",
        tensor: "linear_bias")
    }
    if !out.isEmpty && input.rank == 1 {
      throw LossError.data(
        "\(loss): K-dimensional loss defined by linear_weight shape \(Shape.describe(linearWeight.shape)) requires "
          + "batched input, (N, \(inFeatures)), got unbatched input with shape \(Shape.describe(input.shape))",
        tensor: "input")
    }
    let batch = Array(input.shape.dropLast())
    let logitsShape = batch + [classes] + out
    do throws(ShapeError) { _ = try Shape.elementCount(logitsShape) } catch {
      throw LossError.data("\(loss): the logits \(error.message)", tensor: "linear_weight")
    }
    let probabilities = target.shape == logitsShape
    if probabilities && options.isGiven(.ignoreIndex) {
      throw LossError.usage("\(loss): ignore_index cannot be specified when target contains probabilities")
    }
    let batchChunkSize = options[.batchChunkSize]
    guard batchChunkSize >= 0 else {
      throw LossError.usage("\(loss): batch_chunk_size must be positive int or None, got \(batchChunkSize)")
    }
    var warnings: [String] = []
    if options[.chunked] || batchChunkSize > 0 {
      if let warning = chunkedFallback(
        call.reduction, options[.labelSmoothing], probabilities: probabilities, out: out, bias: linearBias)
      {
        warnings.append(warning)
      }
    }

    let rows = batch.first ?? 1
    let features = (try? Shape.elementCount([classes] + out)) ?? 0
    let logits = project(
      input.storage, linearWeight.storage, linearBias?.storage, rows: rows, features: features, k: inFeatures)
    var result = try CrossEntropy.evaluate(
      input: Tensor(validatedShape: logitsShape, storage: logits), target: target, weight: call[optional: .weight],
      ignoreIndex: options[.ignoreIndex], labelSmoothing: options[.labelSmoothing], call, loss: loss)
    result.warnings = warnings + result.warnings
    guard let dLogits = result.gradient(.input) else { return result }
    // The chain rule through the projection: dX = G·W, dW = Gᵀ·X, db = Σ_rows G.
    var gradients: [(name: String, gradient: Tensor)] = []
    let (dInput, dWeight) = backProject(
      dLogits.storage, input.storage, linearWeight.storage, rows: rows, features: features, k: inFeatures)
    gradients.append(.input, Tensor(validatedShape: input.shape, storage: dInput))
    let flatWeight = call[optional: .linearWeight]?.shape ?? linearWeight.shape
    gradients.append(.linearWeight, Tensor(validatedShape: flatWeight, storage: dWeight))
    if let gradient = result.gradient(.target) { gradients.append(.target, gradient) }
    if let bias = call[optional: .linearBias] {
      gradients.append(
        (
          "linear_bias",
          Tensor(validatedShape: bias.shape, storage: columnSums(dLogits.storage, rows: rows, features: features))
        ))
    }
    if let gradient = result.gradient(.weight) { gradients.append(.weight, gradient) }
    result.gradients = gradients
    return result
  }

  /// Whether `target` holds class probabilities, judged from the tensors alone (without
  /// `out_features`): of the logits' shape, or for a flat module weight `(C·d, in)`, of a shape
  /// `(N, C, d1, ...)` whose trailing extents multiply to its rows (index targets `(N, d1, ...)`
  /// multiply to `d` only).
  static func looksLikeProbabilities(target: Tensor, input: Tensor, linearWeight: Tensor) -> Bool {
    guard input.rank >= 1, linearWeight.rank >= 2 else { return false }
    let classesAndOut = Array(linearWeight.shape.dropLast())
    if target.shape == Array(input.shape.dropLast()) + classesAndOut { return true }
    guard linearWeight.rank == 2, input.rank == 2, target.rank >= 3, target.shape[0] == input.shape[0] else {
      return false
    }
    return target.shape.dropFirst().reduce(1, *) == linearWeight.shape[0]
  }

  /// The module's flat `linear.weight` `(C·d1·…·dk, in)` and `linear.bias` `(C·d1·…·dk)` seen as
  /// `(C, d1, ..., dk, in)` and `(C, d1, ..., dk)`, as `LinearCrossEntropyLoss.forward` reshapes
  /// them (parameters already in that shape are taken as they are).
  static func moduleParameters(
    _ weight: Tensor, _ bias: Tensor?, outFeatures: [Int]
  ) throws(LossError) -> (Tensor, Tensor?) {
    let perClass = outFeatures.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
    func view(_ tensor: Tensor, name: String, trailing: [Int]) throws(LossError) -> Tensor {
      if tensor.rank == outFeatures.count + 1 + trailing.count,
        Array(tensor.shape[1...(outFeatures.count)]) == outFeatures
      {
        return tensor
      }
      let leading = tensor.rank == 1 + trailing.count ? tensor.shape[0] : -1
      guard leading >= 0, perClass > 0, leading % perClass == 0 else {
        let wanted =
          "[" + (["C"] + outFeatures.map(String.init) + trailing.map(String.init)).joined(separator: ", ") + "]"
        let flat = name == TensorKey.linearWeight.name ? "linear.weight" : "linear.bias"
        throw LossError.data(
          "\(loss): shape '\(wanted)' is invalid for input of size \(tensor.count) (\(name) of shape "
            + "\(Shape.describeList(tensor.shape)) read as the module's flat \(flat) with out_features "
            + "\(Shape.describe(outFeatures)) needs C·\(perClass) rows)", tensor: name)
      }
      do throws(ShapeError) {
        return try tensor.reshaped([leading / perClass] + outFeatures + trailing)
      } catch { throw LossError.shape(error) }
    }
    let inFeatures = weight.shape.last ?? 0
    let viewedWeight = try view(weight, name: "linear_weight", trailing: weight.rank >= 2 ? [inFeatures] : [])
    var viewedBias: Tensor? = nil
    if let bias { viewedBias = try view(bias, name: "linear_bias", trailing: []) }
    return (viewedWeight, viewedBias)
  }

  /// PyTorch's warning when `options` are given but the chunked path does not apply (it then runs
  /// the reference path, whose result this is either way). swiftloss differentiates probability
  /// targets, i.e. their `requires_grad` is true, which is one of the cases that falls back.
  static func chunkedFallback(
    _ reduction: Reduction, _ smoothing: Double, probabilities: Bool, out: [Int], bias: Tensor?
  ) -> String? {
    guard smoothing != 0 || probabilities || !out.isEmpty else { return nil }
    let outText = out.count == 1 ? "(\(out[0]),)" : "(" + out.map(String.init).joined(separator: ", ") + ")"
    let biasText = bias.map { Shape.describe($0.shape) } ?? "None"
    return "linear_cross_entropy: ``options`` ignored; chunked path needs reduction in {'mean','sum','none'}, "
      + "label_smoothing == 0, target.dtype == int64 (or a probability target with dtype matching input and "
      + "requires_grad == False), out_features == (). Got reduction='\(reduction.rawValue)', "
      + "label_smoothing=\(NumberText.python(smoothing)), target.dtype=\(probabilities ? "torch.float64" : "torch.int64"), "
      + "out_features=\(outText), tracing=False, target.requires_grad=\(probabilities ? "True" : "False"), "
      + "linear_bias.shape=\(biasText)."
  }

  /// `logits[rows × features] = X[rows × k] · Wᵀ + b`.
  static func project(_ x: [Double], _ w: [Double], _ b: [Double]?, rows: Int, features: Int, k: Int) -> [Double] {
    let count = rows * features
    guard count > 0 else { return [] }
    var logits = LargeArray.make(count: count) { out in
      x.withUnsafeBufferPointer { xs in
        w.withUnsafeBufferPointer { ws in
          guard let xBase = xs.baseAddress ?? (k == 0 ? UnsafePointer(out) : nil),
            let wBase = ws.baseAddress ?? (k == 0 ? UnsafePointer(out) : nil)
          else { return }
          MatrixMultiply.multiply(
            m: rows, n: features, k: k, .init(xBase, rowStride: k, columnStride: 1),
            .init(wBase, rowStride: 1, columnStride: k), into: out, cRowStride: features)
        }
      }
    }
    if let b {
      logits.withUnsafeMutableBufferPointer { ls in
        for row in 0..<rows {
          let base = row * features
          for j in 0..<features { ls[base + j] += b[j] }
        }
      }
    }
    return logits
  }

  /// `dX[rows × k] = G · W` and `dW[features × k] = Gᵀ · X`.
  static func backProject(
    _ g: [Double], _ x: [Double], _ w: [Double], rows: Int, features: Int, k: Int
  ) -> ([Double], [Double]) {
    var dx = [Double](repeating: 0, count: rows * k)
    var dw = [Double](repeating: 0, count: features * k)
    guard rows > 0, features > 0, k > 0 else { return (dx, dw) }
    g.withUnsafeBufferPointer { gs in
      x.withUnsafeBufferPointer { xs in
        w.withUnsafeBufferPointer { ws in
          guard let gBase = gs.baseAddress, let xBase = xs.baseAddress, let wBase = ws.baseAddress else { return }
          let gradient = MatrixMultiply.Operand(gBase, rowStride: features, columnStride: 1)
          dx.withUnsafeMutableBufferPointer { out in
            guard let base = out.baseAddress else { return }
            MatrixMultiply.multiply(
              m: rows, n: k, k: features, gradient, .init(wBase, rowStride: k, columnStride: 1), into: base,
              cRowStride: k)
          }
          dw.withUnsafeMutableBufferPointer { out in
            guard let base = out.baseAddress else { return }
            MatrixMultiply.multiply(
              m: features, n: k, k: rows, gradient.transposed, .init(xBase, rowStride: k, columnStride: 1),
              into: base, cRowStride: k)
          }
        }
      }
    }
    return (dx, dw)
  }

  /// `db[j] = Σ_row G[row, j]`, rows added in order.
  static func columnSums(_ g: [Double], rows: Int, features: Int) -> [Double] {
    var sums = [Double](repeating: 0, count: features)
    g.withUnsafeBufferPointer { gs in
      sums.withUnsafeMutableBufferPointer { out in
        for row in 0..<rows {
          let base = row * features
          for j in 0..<features { out[j] += gs[base + j] }
        }
      }
    }
    return sums
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `linear_cross_entropy` beyond its declaration.
  static let linearCrossEntropy = LossTeaching(
    explanation: LossExplanation(
      family: .classification,
      formula: [
        "projection:  zₙ = W·xₙ + b   (z = input·Wᵀ + b over W viewed as (C·d1·…·dk, in_features)),",
        "  laid out as logits (N, C, d1, …, dk) — or (C) for a 1-D input",
        "then exactly cross_entropy(z, target, weight, ignore_index, reduction, label_smoothing):",
        "  ℓₙ = −w[yₙ]·log_softmax(zₙ)[yₙ]  (index targets; mean ÷ Σ w[yₙ]),  or −Σ꜀ w꜀·t′ₙ꜀·log_softmax(zₙ)꜀",
        "gradients through the projection, with G = ∂loss/∂z (N × C·d1·…·dk):",
        "  ∂/∂input = G·W,   ∂/∂linear_weight = Gᵀ·input,   ∂/∂linear_bias = Σₙ Gₙ",
      ],
      shapes: [
        "input: (in_features) or (N, in_features) — no (B, T, in_features): flatten sequences to (N, in_features)",
        "linear_weight: (C, in_features) or (C, d1, …, dk, in_features) (k ≥ 1 needs a batched input)",
        "  the module stores it flat: linear.weight (C·d1·…·dk, in_features), read with --out-features d1,…,dk",
        "linear_bias: (C) or (C, d1, …, dk) (module: linear.bias (C·d1·…·dk)); weight: (C)",
        "target: class indices (), (N) or (N, d1, …, dk) — or probabilities of the logits' shape (C), (N, C), (N, C, d1, …, dk)",
        "reduction='none': (), (N) or (N, d1, …, dk)",
      ],
      notes: [
        "This is the LLM head's loss: a vocabulary projection and cross entropy in one call. PyTorch 2.15's reference path (options=None) materialises the logits exactly as linear + cross_entropy would; options=LinearCrossEntropyOptions(...) chunks the batch to save memory and computes the same loss (swiftloss: --chunked, --batch-chunk-size N, which change nothing in float64 except PyTorch's fallback warning).",
        "ignore_index defaults to None, which means −100 for index targets; giving it at all (even −100) with probability targets is an error, where cross_entropy would accept −100.",
        "Probability targets are recognised by shape, as in cross_entropy: a target of exactly the logits' shape (*batch, C, *out_features).",
        "nn.LinearCrossEntropyLoss(in_features, num_classes, out_features=(d1, …), bias=True) keeps a flat nn.Linear: its state_dict has linear.weight (C·d1·…·dk, in_features) and linear.bias (C·d1·…·dk); forward reshapes them to (C, d1, …, dk, in_features) and (C, d1, …, dk). Give those tensors with --out-features d1,…,dk; the gradients come back in the shape given.",
        "The module checks label_smoothing ∈ [0, 1] in its constructor (a negative value is an error there); the functional, which swiftloss follows, treats a negative value as 0.",
        "The module's weight (class weights) is a buffer: it gets a gradient in swiftloss only where the functional gives one (probability targets), as in cross_entropy.",
      ]),
    plot: .linearCrossEntropy, trace: .linearCrossEntropy, python: .linearCrossEntropy
  )
}

extension PlotProbe {
  /// One feature projected by W = [[1], [0]]: the logits (t, 0) of cross_entropy's curve.
  static let linearCrossEntropy = PlotProbe(
    kind: .margin, defaultRange: -4...4, setting: "input t, linear_weight [[1], [0]], target 0",
    tensors: { t, _ in
      named([
        .input: Tensor(validatedShape: [t.count, 1], storage: t),
        .linearWeight: Tensor(validatedShape: [2, 1], storage: [1, 0]),
        .target: filled(0, t.count),
      ])
    }, gradient: .input, options: [OptionSetting(.outFeatures, [])])
}

extension PythonQuirks {
  /// The chunking options are `options=LinearCrossEntropyOptions(...)`, `out_features` reshapes the
  /// flat module parameters, and the module form owns the projection.
  static let linearCrossEntropy = PythonQuirks(
    unwrittenOptions: [AnyOptionKey(.outFeatures), AnyOptionKey(.chunked), AnyOptionKey(.batchChunkSize)],
    arguments: { tensors, options in LinearCrossEntropy.pythonArguments(tensors, options) },
    moduleForm: { tensors, options, keywords in
      LinearCrossEntropy.pythonModuleForm(tensors, options, keywords: keywords)
    })
}

extension LinearCrossEntropy {
  /// linear_cross_entropy's arguments that are not plain tensors: the flat module parameters
  /// reshaped as `LinearCrossEntropyLoss.forward` reshapes them (the gradient still reaches the
  /// flat tensor), and `options=LinearCrossEntropyOptions(...)` for the chunked path.
  static func pythonArguments(
    _ tensors: [String: Tensor], _ options: LossOptions
  ) -> (renamed: [String: String], keywords: [String]) {
    var renamed: [String: String] = [:]
    let outFeatures = options[.outFeatures]
    if !outFeatures.isEmpty, let weight = tensors[.linearWeight], weight.rank == 2 {
      let perClass = max(1, outFeatures.reduce(1, *))
      let dims = outFeatures.map(String.init).joined(separator: ", ")
      renamed[TensorKey.linearWeight.name] =
        "linear_weight.reshape(\(weight.shape[0] / perClass), \(dims), \(weight.shape[1]))"
      if let bias = tensors[.linearBias], bias.rank == 1 {
        renamed[TensorKey.linearBias.name] = "linear_bias.reshape(\(bias.shape[0] / perClass), \(dims))"
      }
    }
    var keywords: [String] = []
    let size = options[.batchChunkSize]
    if options[.chunked] || size > 0 {
      keywords.append("options=torch.nn.LinearCrossEntropyOptions(\(size > 0 ? "batch_chunk_size=\(size)" : ""))")
    }
    return (renamed, keywords)
  }

  /// The module takes `in_features` and `num_classes` and owns the projection as a flat `nn.Linear`.
  static func pythonModuleForm(_ tensors: [String: Tensor], _ options: LossOptions, keywords: [String]) -> String {
    guard let weight = tensors[.linearWeight], weight.rank >= 2 else {
      return "# module form: torch.nn.LinearCrossEntropyLoss"
    }
    let outFeatures = options[.outFeatures]
    let out = outFeatures.isEmpty ? Array(weight.shape.dropFirst().dropLast()) : outFeatures
    let perClass = max(1, out.reduce(1, *))
    let classes = outFeatures.isEmpty ? weight.shape[0] : weight.shape[0] / perClass
    var arguments = ["\(weight.shape[weight.rank - 1])", "\(classes)"]
    if !out.isEmpty { arguments.append("out_features=\(Shape.describe(out))") }
    if tensors[.linearBias] != nil { arguments.append("bias=True") }
    arguments += keywords.filter { !$0.hasPrefix("linear_bias=") }
    return "# module form: m = torch.nn.LinearCrossEntropyLoss(\(arguments.joined(separator: ", "))); "
      + "m.linear.weight (and .bias) hold the projection, flat: (C·d1·…·dk, in_features); loss = m(input, target)"
  }
}
