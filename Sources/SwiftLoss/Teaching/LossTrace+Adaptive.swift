extension TraceContext {
  // MARK: - adaptive_log_softmax

  /// The head's log-softmax, each cluster's (for the rows whose target falls in it), the entries
  /// picked for each row, and the mean of −output: the engine's own forward pass, shown.
  mutating func adaptive() {
    guard let forward = try? AdaptiveLogSoftmax.forward(call.with(tensors: tensors, outputs: .value)) else {
      return summary()
    }
    let layout = forward.layout, batch = forward.batch
    var operands = [TensorKey.input, .target].map(describe)
    operands += layout.parameterShapes.map { "\($0.name) \(Shape.describe($0.shape))" }
    operands.append(
      "in_features = \(layout.inFeatures), n_classes = \(layout.nClasses), cutoffs + [n_classes] = "
        + "\(OptionValue.ints(layout.bounds)), shortlist = [0, \(layout.shortlist)), \(layout.clusters) cluster(s)")
    trace.step("operands", operands)

    let label: (Int) -> String = { forward.isBatched ? "n=\($0)" : "row" }
    var headLines = [
      "scores = x·head.weightᵀ" + (layout.hasHeadBias ? " + head.bias" : "")
        + ", \(layout.headSize) columns: \(layout.shortlist) shortlist classes, then one per cluster"
    ]
    for row in 0..<batch {
      let values = Array(forward.headLogProb[(row * layout.headSize)..<((row + 1) * layout.headSize)])
      headLines.append("\(label(row)): log_softmax = \(F.vector(values))")
    }
    trace.step("head: log_softmax over the shortlist and the clusters", headLines)

    for i in 0..<layout.clusters {
      let rows = forward.clusterRows[i], low = layout.bounds[i], high = layout.bounds[i + 1]
      let title = "cluster \(i): classes [\(low), \(high)), hidden size \(layout.hiddenSizes[i])"
      guard !rows.isEmpty else {
        trace.step(title, ["no target falls in it: not computed (PyTorch skips it; its weights' gradients are zero)"])
        continue
      }
      var lines = ["scores = (x·tail.\(i).0.weightᵀ)·tail.\(i).1.weightᵀ for the rows whose target is in the cluster"]
      let osz = layout.outputSize(i)
      for (k, row) in rows.enumerated() {
        let values = Array(forward.clusterLogProb[i][(k * osz)..<((k + 1) * osz)])
        lines.append("\(label(row)): log_softmax = \(F.vector(values))")
      }
      trace.step(title + ": log_softmax", lines)
    }

    var picked: [String] = []
    for row in 0..<batch {
      let t = forward.targets[row], column = forward.headColumn[row]
      let head = forward.headLogProb[row * layout.headSize + column]
      if column == t && t < layout.shortlist {
        picked.append("\(label(row)): y = \(t) in the shortlist: output = head[\(t)] = \(F.short(forward.output[row]))")
      } else {
        let cluster = column - layout.shortlist
        let local = forward.output[row] - head
        picked.append(
          "\(label(row)): y = \(t) in cluster \(cluster): output = head[\(column)] + cluster[\(t) − \(layout.bounds[cluster])] = "
            + "\(F.short(head)) + \(F.short(local)) = \(F.short(forward.output[row]))")
      }
    }
    trace.step("picked entries: the target's log-probability", picked)
    let negated = forward.output.map { -$0 }
    trace.elementwise = negated
    let total = Summation.sum(negated)
    trace.value = total / Double(batch)
    trace.step(
      "loss = mean(−output) (the module takes no reduction)",
      [
        "−output = \(F.vector(negated))",
        "Σ = \(F.short(total)), mean = Σ / \(batch) = \(NumberText.python(total / Double(batch)))",
        "loss = \(NumberText.python(total / Double(batch)))",
      ])
  }
}

extension LossTraceStyle {
  /// adaptive_log_softmax: the head and cluster log-probabilities of each target.
  public static let adaptiveLogSoftmax = LossTraceStyle { $0.adaptive() }
}
