#if canImport(Glibc)
  import Glibc
#endif

/// `torch.nn.AdaptiveLogSoftmaxWithLoss` (Grave et al., "Efficient softmax approximation for GPUs"):
/// the classes are split by `cutoffs` into a shortlist, scored by the head, and clusters, each a
/// low-rank projection `tail.I.1.weight · tail.I.0.weight` scored only for the rows whose target
/// falls in it. The head has one extra column per cluster: a target `t` in cluster `I` has
/// `output = log_softmax(head(x))[shortlist + I] + log_softmax(tail_I(x))[t − cutoffs[I]]`, a
/// shortlist target `output = log_softmax(head(x))[t]`; `loss = mean(−output)`.
///
/// The parameters are a ``TensorFamily``: their number follows `cutoffs` and `head_bias`, and they
/// are given under their `state_dict` names. `in_features` is the head weight's width and `n_classes`
/// follows from the last cluster's size (or `--n-classes`, which is then checked).
enum AdaptiveLogSoftmax {
  static let loss = "adaptive_log_softmax"

  /// The module's sizes, as its constructor derives them.
  struct Layout {
    var inFeatures: Int
    var nClasses: Int
    /// `cutoffs + [n_classes]`.
    var bounds: [Int]
    var hiddenSizes: [Int]
    var hasHeadBias: Bool
    var shortlist: Int { bounds[0] }
    var clusters: Int { bounds.count - 1 }
    var headSize: Int { shortlist + clusters }
    func outputSize(_ cluster: Int) -> Int { bounds[cluster + 1] - bounds[cluster] }

    /// Every parameter's `state_dict` name and the shape the module gives it.
    var parameterShapes: [(name: String, shape: [Int])] {
      var shapes: [(name: String, shape: [Int])] = [(TensorKey.headWeight.name, [headSize, inFeatures])]
      if hasHeadBias { shapes.append((TensorKey.headBias.name, [headSize])) }
      for i in 0..<clusters {
        shapes.append((TensorKey.tailWeight(cluster: i, layer: 0).name, [hiddenSizes[i], inFeatures]))
        shapes.append((TensorKey.tailWeight(cluster: i, layer: 1).name, [outputSize(i), hiddenSizes[i]]))
      }
      return shapes
    }
  }

  /// The constructor's ValueError on cutoffs (also the check for `--n-classes` when given).
  static func checkCutoffs(_ cutoffs: [Int], nClasses: Int?) throws(LossError) {
    guard !cutoffs.isEmpty else { throw LossError.usage("cutoffs should be a sequence of length larger than 0") }
    let sortedUnique = zip(cutoffs, cutoffs.dropFirst()).allSatisfy { $0 < $1 }
    let maximum = cutoffs.max() ?? 0, minimum = cutoffs.min() ?? 0
    if !sortedUnique || minimum <= 0 || nClasses.map({ maximum >= $0 }) == true {
      throw LossError.usage(
        "cutoffs should be a sequence of unique, positive integers sorted in an increasing order, where each value "
          + "is between 1 and n_classes-1 (cutoffs \(OptionValue.ints(cutoffs))"
          + (nClasses.map { ", n_classes \($0)" } ?? "") + ")")
    }
  }

  /// `int(in_features // div_value ** (i + 1))`, with Python's float floor division and its errors.
  static func hiddenSize(inFeatures: Int, divValue: Double, cluster: Int) throws(LossError) -> Int {
    let divisor = pow(divValue, Double(cluster + 1))
    guard divisor != 0 else {
      throw LossError.usage("float floor division by zero (div_value \(NumberText.python(divValue)))")
    }
    let quotient = pythonFloorDivide(Double(inFeatures), divisor)
    if quotient.isNaN {
      throw LossError.usage("cannot convert float NaN to integer (div_value \(NumberText.python(divValue)))")
    }
    guard let size = Int(exactly: quotient) else {
      throw LossError.usage("cannot convert float infinity to integer (div_value \(NumberText.python(divValue)))")
    }
    if size < 0 {
      throw LossError.usage(
        "Trying to create tensor with negative dimension \(size): [\(size), \(inFeatures)] "
          + "(div_value \(NumberText.python(divValue)))")
    }
    return size
  }

  /// CPython's `float.__floordiv__` (floatobject.c `_float_div_mod`).
  static func pythonFloorDivide(_ vx: Double, _ wx: Double) -> Double {
    var mod = fmod(vx, wx)
    var div = (vx - mod) / wx
    if mod != 0 {
      if (wx < 0) != (mod < 0) {
        mod += wx
        div -= 1
      }
    }
    guard div != 0 else { return Double(sign: (vx / wx).sign, exponent: 0, significand: 0) }
    var floorDiv = div.rounded(.down)
    if div - floorDiv > 0.5 { floorDiv += 1 }
    return floorDiv
  }

  static func layout(_ call: LossCall, input: Tensor) throws(LossError) -> Layout {
    let options = call.options
    let cutoffs = options[.cutoffs]
    let head = try call[.headWeight]
    let inFeatures = head.rank == 2 ? head.shape[1] : (input.shape.last ?? 0)
    let nClasses: Int
    if options.isGiven(.nClasses) {
      nClasses = options[.nClasses]
    } else {
      let last = try call[.tailWeight(cluster: cutoffs.count - 1, layer: 1)]
      nClasses = (cutoffs.last ?? 0) + (last.shape.first ?? 0)
    }
    try checkCutoffs(cutoffs, nClasses: nClasses)
    var hidden: [Int] = []
    for i in cutoffs.indices {
      hidden.append(try hiddenSize(inFeatures: inFeatures, divValue: options[.divValue], cluster: i))
    }
    return Layout(
      inFeatures: inFeatures, nClasses: nClasses, bounds: cutoffs + [nClasses], hiddenSizes: hidden,
      hasHeadBias: options[.headBias])
  }

  /// `load_state_dict`'s size check, every mismatch on one line.
  static func checkParameterShapes(_ layout: Layout, _ call: LossCall) throws(LossError) {
    var mismatches: [String] = []
    for (name, shape) in layout.parameterShapes {
      guard let given = call[optional: TensorKey(name)], given.shape != shape else { continue }
      mismatches.append(
        "size mismatch for \(name): copying a param with shape \(Shape.describeTorchSize(given.shape)) from checkpoint, "
          + "the shape in current model is \(Shape.describeTorchSize(shape)).")
    }
    guard mismatches.isEmpty else {
      throw LossError.data(
        "Error(s) in loading state_dict for AdaptiveLogSoftmaxWithLoss: " + mismatches.joined(separator: " "))
    }
  }

  /// Everything the forward pass computes, for the backward pass and the `--explain` trace.
  struct Forward {
    var layout: Layout
    var batch: Int
    var isBatched: Bool
    /// `(batch, in_features)`, the input as a batch.
    var x: [Double]
    var targets: [Int]
    /// `log_softmax(head(x))`, `(batch, head_size)`.
    var headLogProb: [Double]
    /// The head column each row's output takes: its target, or `shortlist + I` for cluster I.
    var headColumn: [Int]
    /// Per cluster: its rows, the hidden projection `(rows, hsz)` and `log_softmax` of the cluster
    /// scores `(rows, osz)`.
    var clusterRows: [[Int]]
    var hidden: [[Double]]
    var clusterLogProb: [[Double]]
    /// The target's log-probability per row.
    var output: [Double]
  }

  static func forward(_ call: LossCall) throws(LossError) -> Forward {
    let input = try call[.input], target = try call[.target]
    switch target.rank {
    case 1:
      guard input.rank >= 1, input.shape[0] == target.shape[0] else {
        if input.rank == 0 {
          throw LossError.data(
            "1D target tensor expects 2D input tensors, but found inputs with size \(Shape.describeTorchSize(input.shape))",
            tensor: "input")
        }
        throw LossError.data(
          "Input and target should have the same size in the batch dimension. (input \(Shape.describeList(input.shape)), "
            + "target \(Shape.describeList(target.shape)))", tensor: "target")
      }
      guard input.rank == 2 else {
        throw LossError.data(
          "1D target tensor expects 2D input tensors, but found inputs with size \(Shape.describeTorchSize(input.shape))",
          tensor: "input")
      }
    case 0:
      guard input.rank == 1 else {
        throw LossError.data(
          "0D target tensor expects 1D input tensors, but found inputs with size \(Shape.describeTorchSize(input.shape))",
          tensor: "input")
      }
    default:
      throw LossError.data("0D or 1D target tensor expected, multi-target not supported", tensor: "target")
    }
    let layout = try layout(call, input: input)
    try checkParameterShapes(layout, call)
    let isBatched = target.rank == 1
    let batch = isBatched ? target.shape[0] : 1
    let width = input.shape.last ?? 0
    let targets = try ClassIndices.integers(target, name: "target", loss: loss)

    // Rows by bucket, as the module's loop over `[0] + cutoffs` assigns them.
    var bucketRows = [[Int]](repeating: [], count: layout.clusters + 1)
    var outOfRange: Int?
    for (row, t) in targets.enumerated() {
      if t < 0 || t >= layout.nClasses {
        outOfRange = outOfRange ?? row
        continue
      }
      var bucket = 0
      while bucket < layout.clusters && t >= layout.bounds[bucket] { bucket += 1 }
      bucketRows[bucket].append(row)
    }
    // PyTorch runs the clusters before it checks the range, and the head after it.
    if width != layout.inFeatures, let cluster = (0..<layout.clusters).first(where: { !bucketRows[$0 + 1].isEmpty }) {
      throw LossError.data(
        "mat1 and mat2 shapes cannot be multiplied (\(bucketRows[cluster + 1].count)x\(width) and "
          + "\(layout.inFeatures)x\(layout.hiddenSizes[cluster]))", tensor: "input")
    }
    if let row = outOfRange {
      let low = targets.min() ?? 0, high = targets.max() ?? 0
      throw LossError.data(
        "Target values should be in [0, \(layout.nClasses - 1)], but values in range [\(low), \(high)] were found.",
        tensor: "target", index: row)
    }
    if width != layout.inFeatures {
      throw LossError.data(
        "mat1 and mat2 shapes cannot be multiplied (\(batch)x\(width) and \(layout.inFeatures)x\(layout.headSize))",
        tensor: "input")
    }

    let x = input.storage
    let features = layout.inFeatures
    var headScores = Dense.project(
      x, rows: batch, features: features, weight: try call[.headWeight].storage,
      outputs: layout.headSize)
    if let bias = call[optional: .headBias] {
      for row in 0..<batch { for c in 0..<layout.headSize { headScores[row * layout.headSize + c] += bias.storage[c] } }
    }
    let headLogProb = LogSoftmax.forward(
      headScores, layout: ClassLayout(outer: batch, classes: layout.headSize, inner: 1))
    var headColumn = targets
    var output = [Double](repeating: 0, count: batch)
    var hidden: [[Double]] = [], clusterLogProb: [[Double]] = []
    for i in 0..<layout.clusters {
      let rows = bucketRows[i + 1]
      let hsz = layout.hiddenSizes[i], osz = layout.outputSize(i)
      var subset = [Double](repeating: 0, count: rows.count * features)
      for (k, row) in rows.enumerated() {
        for f in 0..<features { subset[k * features + f] = x[row * features + f] }
      }
      let z1 = Dense.project(
        subset, rows: rows.count, features: features,
        weight: try call[.tailWeight(cluster: i, layer: 0)].storage, outputs: hsz)
      let z2 = Dense.project(
        z1, rows: rows.count, features: hsz,
        weight: try call[.tailWeight(cluster: i, layer: 1)].storage, outputs: osz)
      let logProb = LogSoftmax.forward(z2, layout: ClassLayout(outer: rows.count, classes: osz, inner: 1))
      for (k, row) in rows.enumerated() {
        output[row] = logProb[k * osz + targets[row] - layout.bounds[i]]
        headColumn[row] = layout.shortlist + i
      }
      hidden.append(z1)
      clusterLogProb.append(logProb)
    }
    // `output += head_logprob.gather(...)`: the shortlist rows add to the zeros they start from.
    for row in 0..<batch { output[row] += headLogProb[row * layout.headSize + headColumn[row]] }
    return Forward(
      layout: layout, batch: batch, isBatched: isBatched, x: x, targets: targets, headLogProb: headLogProb,
      headColumn: headColumn, clusterRows: Array(bucketRows.dropFirst()), hidden: hidden,
      clusterLogProb: clusterLogProb, output: output)
  }

  static func compute(_ call: LossCall) throws(LossError) -> LossResult {
    let forward = try forward(call)
    let batch = forward.batch
    let outputShape = forward.isBatched ? [batch] : []
    let negated = forward.output.map { -$0 }
    let value = Summation.sum(negated) / Double(batch)
    var result = LossResult(
      value: Tensor(scalar: value), elementwise: Tensor(validatedShape: outputShape, storage: negated), gradients: [])
    result.extraOutputs = [("output", Tensor(validatedShape: outputShape, storage: forward.output))]
    if call.outputs.contains(.gradients) { result.gradients = gradients(forward, call) }
    return result
  }

  /// The backward pass of `mean(−output)`: every row's output receives `−1/N`.
  static func gradients(_ forward: Forward, _ call: LossCall) -> [(name: String, gradient: Tensor)] {
    let layout = forward.layout, batch = forward.batch, features = layout.inFeatures
    let upstream = -(1 / Double(batch))
    let parameters = call.tensors
    var dx = [Double](repeating: 0, count: batch * features)
    var gradients: [(name: String, gradient: Tensor)] = []

    // Head: the gathered column gets the upstream, then log_softmax's and the linear layer's backward.
    var dHead = [Double](repeating: 0, count: batch * layout.headSize)
    for row in 0..<batch { dHead[row * layout.headSize + forward.headColumn[row]] = upstream }
    LogSoftmax.backward(
      &dHead, output: forward.headLogProb, layout: ClassLayout(outer: batch, classes: layout.headSize, inner: 1))
    let headWeight = parameters[.headWeight]?.storage ?? []
    Dense.inputGradient(
      &dx, upstream: dHead, rows: batch, outputs: layout.headSize, weight: headWeight, features: features)
    // The head's product is dx itself (its −0.0s kept); every cluster in the graph adds a whole
    // (N, in_features) index_add into zeros, +0.0 on the rows it does not own.
    var headGradients: [(name: String, gradient: Tensor)] = []
    headGradients.append(
      .headWeight,
      Tensor(
        validatedShape: [layout.headSize, features],
        storage: Dense.weightGradient(
          upstream: dHead, rows: batch, outputs: layout.headSize, input: forward.x, features: features)))
    if layout.hasHeadBias {
      var db = [Double](repeating: 0, count: layout.headSize)
      for row in 0..<batch { for c in 0..<layout.headSize { db[c] += dHead[row * layout.headSize + c] } }
      headGradients.append(.headBias, Tensor(validatedShape: [layout.headSize], storage: db))
    }

    var tailGradients: [(name: String, gradient: Tensor)] = []
    for i in 0..<layout.clusters {
      let rows = forward.clusterRows[i], hsz = layout.hiddenSizes[i], osz = layout.outputSize(i)
      let first = parameters[.tailWeight(cluster: i, layer: 0)]?.storage ?? [],
        second = parameters[.tailWeight(cluster: i, layer: 1)]?.storage ?? []
      var dScores = [Double](repeating: 0, count: rows.count * osz)
      for (k, row) in rows.enumerated() { dScores[k * osz + forward.targets[row] - layout.bounds[i]] = upstream }
      LogSoftmax.backward(
        &dScores, output: forward.clusterLogProb[i], layout: ClassLayout(outer: rows.count, classes: osz, inner: 1))
      // A cluster no target falls in takes no part in the graph: PyTorch leaves its .grad None; zeros here.
      let dSecond = Dense.weightGradient(
        upstream: dScores, rows: rows.count, outputs: osz, input: forward.hidden[i], features: hsz)
      var dHidden = [Double](repeating: 0, count: rows.count * hsz)
      Dense.inputGradient(&dHidden, upstream: dScores, rows: rows.count, outputs: osz, weight: second, features: hsz)
      var subset = [Double](repeating: 0, count: rows.count * features)
      for (k, row) in rows.enumerated() {
        for f in 0..<features { subset[k * features + f] = forward.x[row * features + f] }
      }
      let dFirst = Dense.weightGradient(
        upstream: dHidden, rows: rows.count, outputs: hsz, input: subset, features: features)
      var dSubset = [Double](repeating: 0, count: rows.count * features)
      Dense.inputGradient(
        &dSubset, upstream: dHidden, rows: rows.count, outputs: hsz, weight: first, features: features)
      if !rows.isEmpty {
        var scattered = [Double](repeating: 0, count: batch * features)
        for (k, row) in rows.enumerated() {
          for f in 0..<features { scattered[row * features + f] += dSubset[k * features + f] }
        }
        for j in dx.indices { dx[j] += scattered[j] }
      }
      tailGradients.append(.tailWeight(cluster: i, layer: 0), Tensor(validatedShape: [hsz, features], storage: dFirst))
      tailGradients.append(.tailWeight(cluster: i, layer: 1), Tensor(validatedShape: [osz, hsz], storage: dSecond))
    }
    let inputShape = forward.isBatched ? [batch, features] : [features]
    gradients.append(.input, Tensor(validatedShape: inputShape, storage: dx))
    return gradients + headGradients + tailGradients
  }
}

/// Row-major dense products of a linear layer without bias, `y = x·Wᵀ`, and their backward.
///
/// Each dot product starts from its first term, not from `+0.0`, as torch 2.15's matrix products do:
/// a sum of one term `−0.0` stays `−0.0` (a one-row cluster's weight gradient shows it).
enum Dense {
  /// `x (rows, features) · Wᵀ` with `W (outputs, features)`: `(rows, outputs)`.
  static func project(_ x: [Double], rows: Int, features: Int, weight: [Double], outputs: Int) -> [Double] {
    var y = [Double](repeating: 0, count: rows * outputs)
    for r in 0..<rows {
      for o in 0..<outputs {
        var sum = features > 0 ? x[r * features] * weight[o * features] : 0
        for f in 1..<max(features, 1) { sum += x[r * features + f] * weight[o * features + f] }
        y[r * outputs + o] = sum
      }
    }
    return y
  }

  /// `dx = dy (rows, outputs) · W (outputs, features)` (overwriting `dx`).
  static func inputGradient(
    _ dx: inout [Double], upstream dy: [Double], rows: Int, outputs: Int, weight: [Double], features: Int
  ) {
    for r in 0..<rows {
      for f in 0..<features {
        var sum = outputs > 0 ? dy[r * outputs] * weight[f] : 0
        for o in 1..<max(outputs, 1) { sum += dy[r * outputs + o] * weight[o * features + f] }
        dx[r * features + f] = sum
      }
    }
  }

  /// `dW = dyᵀ (outputs, rows) · x (rows, features)`.
  static func weightGradient(upstream dy: [Double], rows: Int, outputs: Int, input x: [Double], features: Int)
    -> [Double]
  {
    var dw = [Double](repeating: 0, count: outputs * features)
    for o in 0..<outputs {
      for f in 0..<features {
        var sum = rows > 0 ? dy[o] * x[f] : 0
        for r in 1..<max(rows, 1) { sum += dy[r * outputs + o] * x[r * features + f] }
        dw[o * features + f] = sum
      }
    }
    return dw
  }
}

extension LossDefinition {
  /// `torch.nn.AdaptiveLogSoftmaxWithLoss` (a module only; value = its `loss`, elementwise = `-output`).
  public static let adaptiveLogSoftmax = LossDefinition(
    functionalName: "adaptive_log_softmax", moduleName: "AdaptiveLogSoftmaxWithLoss",
    aliases: ["adaptive_log_softmax", "adaptive_log_softmax_with_loss"],
    teaching: .adaptiveLogSoftmax,
    summary: "adaptive softmax: a head over the frequent classes and clusters, low-rank clusters for the rest",
    tensors: [
      TensorSpec(.input, gradient: true, help: "features (N, in_features), or (in_features) with a 0-d target"),
      TensorSpec(.target, gradient: false, integer: .always, help: "class indices in [0, n_classes) (N), or 0-d"),
    ],
    tensorFamilies: [
      TensorFamily(["head.weight"], gradient: true, help: "the head's weight (cutoffs[0] + clusters, in_features)") {
        _ in 1
      },
      TensorFamily(
        ["head.bias"], gradient: true, help: "the head's bias (cutoffs[0] + clusters), only with --head-bias"
      ) {
        $0[.headBias] ? 1 : 0
      },
      TensorFamily(
        ["tail.{I}.0.weight", "tail.{I}.1.weight"], gradient: true,
        help: "cluster I's two projections, (in_features // div_value^(I+1), in_features) and "
          + "(cutoffs[I+1] − cutoffs[I], that size); one pair per cutoff"
      ) { $0[.cutoffs].count },
    ],
    options: [
      OptionSpec(
        .cutoffs, default: [],
        help: "increasing class cutoffs between 1 and n_classes−1: the shortlist is [0, cutoffs[0]) (required)"),
      OptionSpec(.divValue, default: 4.0, help: "cluster I's hidden size is in_features // div_value^(I+1)"),
      OptionSpec(.headBias, default: false, help: "the head has a bias (head.bias)"),
      OptionSpec(
        .nClasses, default: 0,
        help: "the number of classes, checked against the parameters (default: from the last cluster's size)"),
    ],
    acceptsLegacyReduction: false,
    checkOptions: { options throws(LossError) in
      guard options.isGiven(.cutoffs) else {
        throw LossError.usage(
          "adaptive_log_softmax needs --cutoffs N1,N2,... (AdaptiveLogSoftmaxWithLoss.__init__() missing 1 required "
            + "positional argument: 'cutoffs')")
      }
      try AdaptiveLogSoftmax.checkCutoffs(
        options[.cutoffs], nClasses: options.isGiven(.nClasses) ? options[.nClasses] : nil)
    }
  ) { call throws(LossError) in
    try AdaptiveLogSoftmax.compute(call)
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `adaptive_log_softmax` beyond its declaration.
  static let adaptiveLogSoftmax = LossTeaching(
    explanation: LossExplanation(
      family: .classification,
      formula: [
        "shortlist = cutoffs[0];  cluster I holds classes [cutoffs[I], cutoffs[I+1]) (cutoffs + [n_classes])",
        "head:  hₙ = log_softmax(W_h·xₙ (+ b_h)) over shortlist + clusters columns",
        "cluster I:  cₙ = log_softmax(tail.I.1.weight · tail.I.0.weight · xₙ) over its classes",
        "outputₙ = hₙ[yₙ] for a shortlist target;  hₙ[shortlist + I] + cₙ[yₙ − cutoffs[I]] in cluster I",
        "loss = mean over n of −outputₙ   (the module's loss; elementwise = −output)",
        "hidden size of cluster I: in_features // div_value^(I+1);  its output size: cutoffs[I+1] − cutoffs[I]",
      ],
      shapes: [
        "input: (N, in_features) with target (N), or (in_features) with a 0-d target",
        "head.weight: (cutoffs[0] + clusters, in_features); head.bias: (cutoffs[0] + clusters) with --head-bias",
        "tail.I.0.weight: (in_features // div_value^(I+1), in_features); tail.I.1.weight: (cluster size, that)",
        "output and elementwise: (N), or () unbatched; the loss is a number",
      ],
      notes: [
        "The parameters come from a state_dict: give them with --params FILE (or --data) under their state_dict names; which ones exist follows --cutoffs and --head-bias, as load_state_dict checks (missing and unexpected keys are errors).",
        "in_features is the head weight's width and n_classes = the last cutoff + the last cluster's size; --n-classes checks it.",
        "Only the clusters some target falls in are computed: a cluster no target uses takes no part in the graph (PyTorch leaves its .grad None; swiftloss reports zeros).",
        "There is no reduction argument: the loss is always the mean of −output. The module also has log_prob() and predict(), which swiftloss does not compute.",
        "Targets are int64 class indices in [0, n_classes − 1]; anything else is PyTorch's 'Target values should be in [0, n_classes − 1]' error.",
      ],
      pythonSpellings: [
        "m = torch.nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value=4.0, head_bias=False)",
        "m.load_state_dict(state_dict);  output, loss = m(input, target)   (a module only: no functional form)",
      ]),
    plot: .adaptiveLogSoftmax, trace: .adaptiveLogSoftmax,
    python: PythonQuirks(script: { call, commandLine throws(LossError) in
      try AdaptiveLogSoftmax.pythonScript(call, commandLine: commandLine)
    })
  )
}

extension PlotProbe {
  /// One feature, one shortlist class and one cluster: the head's logits are (t, 0), and a
  /// target in the shortlist makes the loss two-class cross_entropy over the head (a module:
  /// no reduction option; its elementwise loss is −output).
  static let adaptiveLogSoftmax = PlotProbe(
    kind: .margin, defaultRange: -4...4,
    setting:
      "1 feature t, cutoffs [1], div_value 1, head.weight [[1], [0]], tail weights [[1]] and [[0]], target 0",
    tensors: { t, _ in
      named([
        .input: Tensor(validatedShape: [t.count, 1], storage: t), .target: filled(0, t.count),
        .headWeight: Tensor(validatedShape: [2, 1], storage: [1, 0]),
        .tailWeight(cluster: 0, layer: 0): Tensor(validatedShape: [1, 1], storage: [1]),
        .tailWeight(cluster: 0, layer: 1): Tensor(validatedShape: [1, 1], storage: [0]),
      ])
    }, gradient: .input,
    // The module's gradient is that of its loss, the mean over the points.
    slope: { t, gradient in gradient.storage.map { $0 * Double(t.count) } },
    options: [
      OptionSetting(.cutoffs, [1]), OptionSetting(.divValue, 1), OptionSetting(.headBias, false),
      OptionSetting(.nClasses, 2),
    ])
}

extension AdaptiveLogSoftmax {
  /// A module built from its constructor's arguments and loaded with the given `state_dict`
  /// (AdaptiveLogSoftmaxWithLoss): its `loss`, `-output`, `output` and every parameter's gradient.
  static func pythonScript(_ call: LossCall, commandLine: String?) throws(LossError) -> String {
    let definition = call.definition, tensors = call.tensors, resolved = call.options
    let forward = try AdaptiveLogSoftmax.forward(call.with(tensors: tensors, outputs: .value))
    let layout = forward.layout
    var lines = PythonEmitter.preamble(commandLine: commandLine, imports: ["torch"])
    lines.append(
      "input = "
        + PythonEmitter.literal(try PythonEmitter.tensorNamed(.input, tensors), integer: false, requiresGrad: true))
    lines.append(
      "target = "
        + PythonEmitter.literal(try PythonEmitter.tensorNamed(.target, tensors), integer: true, requiresGrad: false))
    lines.append("state_dict = {")
    for spec in definition.tensorSpecs(for: resolved)
    where !definition.tensors.contains(where: { $0.name == spec.name }) {
      lines.append(
        "    '\(spec.name)': "
          + PythonEmitter.literal(
            try PythonEmitter.tensorNamed(spec.key, tensors), integer: false, requiresGrad: false) + ","
      )
    }
    lines.append("}")
    lines.append("")
    let cutoffs = "[" + resolved[.cutoffs].map(String.init).joined(separator: ", ") + "]"
    lines.append(
      "m = torch.nn.\(definition.moduleName)(\(layout.inFeatures), \(layout.nClasses), cutoffs=\(cutoffs), "
        + "div_value=\(PythonText.float(resolved[.divValue])), "
        + "head_bias=\(layout.hasHeadBias ? "True" : "False"))")
    lines.append("m.load_state_dict(state_dict)")
    lines.append("output, loss = m(input, target)")
    lines.append("loss.backward()")
    lines.append("")
    lines.append("print('loss:', loss.item())")
    lines.append("print('elementwise:', (-output).tolist())")
    lines.append("print('output:', output.tolist())")
    lines.append("print('grad input:', input.grad.tolist())")
    lines.append("# A cluster no target falls in has no gradient in PyTorch (None); swiftloss prints zeros.")
    lines.append("for name, parameter in m.named_parameters():")
    lines.append("    grad = parameter.grad if parameter.grad is not None else torch.zeros_like(parameter)")
    lines.append("    print(f'grad {name}:', grad.tolist())")
    return lines.joined(separator: "\n") + "\n"
  }
}
