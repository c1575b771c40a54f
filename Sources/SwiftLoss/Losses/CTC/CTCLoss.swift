#if canImport(Glibc)
  import Glibc
#endif

extension LossDefinition {
  /// `torch.nn.CTCLoss` / `F.ctc_loss`: the connectionist temporal classification loss.
  ///
  /// Per sample b, `−log Σ_alignments Π_t exp(log_probs[t, b, π_t])` over every alignment π of
  /// `input_lengths[b]` frames that collapses (merge repeats, drop blanks) to the first
  /// `target_lengths[b]` labels of `targets`. `mean` divides each loss by its target length
  /// (clamped to at least 1) and averages over the batch.
  ///
  /// - Note: The gradient is PyTorch's `exp(log_probs) − posterior occupancy`, not the partial
  ///   derivative (which lacks the `exp(log_probs)` term): it is the gradient w.r.t. logits once
  ///   chained through `log_softmax` (pytorch-losses.md §2.21).
  /// - Note: Unlike PyTorch, labels equal to `blank` or outside `[0, C)` are data errors.
  public static let ctcLoss = LossDefinition(
    functionalName: "ctc_loss", moduleName: "CTCLoss", aliases: ["ctc"],
    teaching: .ctcLoss,
    summary: "connectionist temporal classification: −log of the probability of the target over all alignments",
    tensors: [
      TensorSpec(
        .logProbs, gradient: true, aliases: [.input],
        help: "(T, N, C) or unbatched (T, C) log-probabilities over C classes (e.g. log_softmax outputs)"),
      TensorSpec(
        .targets, gradient: false, aliases: [.target], integer: .always,
        help: "labels in [0, C) other than blank: padded (N, S) or concatenated (sum of target_lengths,)"),
      TensorSpec(.inputLengths, gradient: false, integer: .always, help: "(N,) frames used per sample, each in [0, T]"),
      TensorSpec(.targetLengths, gradient: false, integer: .always, help: "(N,) labels per sample, each ≥ 0"),
    ],
    options: [
      .reduction(
        help: "none: per-sample losses; sum; mean: each loss divided by its target length (at least 1), then averaged"),
      OptionSpec(.blank, default: 0, help: "the blank label, in [0, C)"),
      OptionSpec(
        .zeroInfinity, default: false,
        help: "replace infinite losses (no alignment fits the input length) and their gradients by 0"),
    ],
    acceptsLegacyReduction: false
  ) { call throws(LossError) in
    try CTCLoss.compute(call)
  }
}

/// Validation, reduction and gradient scaling for ``LossDefinition/ctcLoss``; the recursion is
/// ``CTCAlignment``.
enum CTCLoss {
  static let name = "ctc_loss"

  static func compute(_ call: LossCall) throws(LossError) -> LossResult {
    let logProbs = try call[.logProbs]
    let targets = try call[.targets]
    let inputLengthsTensor = try call[.inputLengths]
    let targetLengthsTensor = try call[.targetLengths]
    let options = call.options
    let blank = options[.blank]
    let zeroInfinity = options[.zeroInfinity]
    let reduction = call.reduction

    let lattice = try validatedLattice(
      logProbs: logProbs, targets: targets, inputLengths: inputLengthsTensor, targetLengths: targetLengthsTensor,
      blank: blank)
    let batched = logProbs.rank == 3, batch = lattice.batch, targetLengths = lattice.targetLengths
    // The upstream gradient each sample's loss receives: d(mean)/d(nll_b) = (1/N) / max(L_b, 1),
    // in PyTorch's order (mean backward, then the division by the clamped target length).
    let scales: [Double]? =
      call.outputs.contains(.gradients)
      ? targetLengths.map { length in
        reduction == .mean ? (1.0 / Double(batch)) / Double(max(length, 1)) : 1.0
      } : nil
    let (nll, gradient) = try CTCAlignment.compute(
      lattice, logProbs: logProbs.storage, zeroInfinity: zeroInfinity, gradientScales: scales)

    let losses = zeroInfinity ? nll.map { $0 == .infinity ? 0 : $0 } : nll
    let elementwiseShape = batched ? [batch] : []
    let value: Tensor
    switch reduction {
    case .mean:
      var perLength = losses
      for b in 0..<batch { perLength[b] = losses[b] / Double(max(targetLengths[b], 1)) }
      value = Reduction.mean.apply(to: perLength, shape: [batch])
    case .sum:
      value = Reduction.sum.apply(to: losses, shape: [batch])
    default:
      value = Tensor(validatedShape: elementwiseShape, storage: losses)
    }
    var gradients: [(name: String, gradient: Tensor)] = []
    if let gradient {
      gradients.append(.logProbs, Tensor(validatedShape: logProbs.shape, storage: gradient))
    }
    return LossResult(
      value: value, elementwise: Tensor(validatedShape: elementwiseShape, storage: losses), gradients: gradients)
  }

  /// The checks PyTorch makes of the tensors, in its order, and the labels each sample uses: the
  /// lattice the recursion runs on (the `--explain` trace reads the same one).
  static func validatedLattice(
    logProbs: Tensor, targets: Tensor, inputLengths inputLengthsTensor: Tensor,
    targetLengths targetLengthsTensor: Tensor, blank: Int
  ) throws(LossError) -> CTCLattice {
    // Lengths are integral first (PyTorch checks their dtype before anything else).
    let inputLengths = try ClassIndices.integers(inputLengthsTensor, name: "input_lengths", loss: name)
    let targetLengths = try ClassIndices.integers(targetLengthsTensor, name: "target_lengths", loss: name)

    guard logProbs.count > 0 else {
      throw LossError.data(
        "\(name): log_probs tensor must not be empty (got shape \(Shape.describe(logProbs.shape)))", tensor: "log_probs"
      )
    }
    let batched: Bool
    switch logProbs.rank {
    case 3: batched = true
    case 2: batched = false
    default:
      throw LossError.data(
        "\(name): expected log_probs of shape (T, N, C) or unbatched (T, C), but got a \(logProbs.rank)-dimensional "
          + "tensor of shape \(Shape.describe(logProbs.shape))", tensor: "log_probs")
    }
    let time = logProbs.shape[0]
    let batch = batched ? logProbs.shape[1] : 1
    let classes = logProbs.shape[logProbs.rank - 1]
    guard targets.rank == 1 || targets.rank == 2 else {
      throw LossError.data(
        "\(name): Expected 1 to 2 dimensions, but got \(targets.rank)-dimensional tensor for argument #2 'targets' "
          + "(shape \(Shape.describe(targets.shape)))", tensor: "targets")
    }
    guard blank >= 0, blank < classes else {
      throw LossError.usage("\(name): blank must be in label range [0, \(classes)), got blank=\(blank)")
    }
    guard inputLengths.count == batch else {
      throw LossError.data(
        "\(name): input_lengths must be of size batch_size (\(batch)), got \(inputLengths.count) length(s)",
        tensor: "input_lengths")
    }
    guard targetLengths.count == batch else {
      throw LossError.data(
        "\(name): target_lengths must be of size batch_size (\(batch)), got \(targetLengths.count) length(s)",
        tensor: "target_lengths")
    }
    for (b, length) in targetLengths.enumerated() where length < 0 {
      throw LossError.data(
        "\(name): Expected target_lengths to have value at least 0, but got value \(length) (sample \(b))",
        tensor: "target_lengths", index: b)
    }

    // Where each sample's labels start in `targets`, and the stride between them.
    var starts = [Int](repeating: 0, count: batch)
    if targets.rank == 1 {
      var position = 0
      for b in 0..<batch {
        starts[b] = position
        let (next, overflow) = position.addingReportingOverflow(targetLengths[b])
        position = overflow ? Int.max : next
      }
      guard position == targets.count else {
        let total = position == Int.max ? "more than \(Int.max)" : String(position)
        throw LossError.data(
          "\(name): concatenated targets must hold sum(target_lengths) = \(total) labels: Expected tensor to have "
            + "size \(total) at dimension 0, but got size \(targets.count) for argument #2 'targets'",
          tensor: "targets")
      }
    } else {
      guard targets.shape[0] == batch else {
        throw LossError.data(
          "\(name): padded targets must have one row per sample: Expected tensor to have size \(batch) at "
            + "dimension 0, but got size \(targets.shape[0]) for argument #2 'targets' "
            + "(shape \(Shape.describe(targets.shape)))", tensor: "targets")
      }
      let width = targets.shape[1]
      let longest = targetLengths.max() ?? 0
      guard width >= longest else {
        throw LossError.data(
          "\(name): Expected tensor to have size at least \(longest) at dimension 1, but got size \(width) for "
            + "argument #2 'targets' (shape \(Shape.describe(targets.shape)), max target_lengths \(longest))",
          tensor: "targets")
      }
      for b in 0..<batch { starts[b] = b * width }
    }
    for (b, length) in inputLengths.enumerated() {
      guard length >= 0 else {
        throw LossError.data(
          "\(name): Expected input_lengths to have value at least 0, but got value \(length) (sample \(b))",
          tensor: "input_lengths", index: b)
      }
      guard length <= time else {
        throw LossError.data(
          "\(name): Expected input_lengths to have value at most \(time), but got value \(length) (sample \(b); "
            + "log_probs has \(time) frames)", tensor: "input_lengths", index: b)
      }
    }

    // The labels each sample uses (padding beyond target_lengths[b] is ignored, as in PyTorch).
    var labels = [Int]()
    var labelStarts = [Int](repeating: 0, count: batch)
    for b in 0..<batch {
      labelStarts[b] = labels.count
      for i in 0..<targetLengths[b] {
        let position = starts[b] + i
        let label = try ClassIndices.index(
          targets.storage[position], at: position, name: "targets", classCount: classes, loss: name)
        guard label != blank else {
          throw LossError.data(
            "\(name): targets label \(label) (sample \(b), position \(i)) equals blank; a target cannot contain "
              + "the blank label", tensor: "targets", index: position)
        }
        labels.append(label)
      }
    }

    return CTCLattice(
      time: time, batch: batch, classes: classes, blank: blank, inputLengths: inputLengths,
      targetLengths: targetLengths, labelStarts: labelStarts, labels: labels)
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `ctc_loss` beyond its declaration.
  static let ctcLoss = LossTeaching(
    explanation: LossExplanation(
      family: .sequence,
      formula: [
        "l' = (blank, l_1, blank, l_2, …, l_L, blank)   (the target with blanks around every label)",
        "α_0(0) = lp[0, blank],  α_0(1) = lp[0, l_1]",
        "α_t(s) = LSE(α_{t−1}(s), α_{t−1}(s−1), α_{t−1}(s−2) if l'_s ≠ l'_{s−2}) + lp[t, l'_s]",
        "nll_b = −LSE(α_{T−1}(2L), α_{T−1}(2L−1))      = −log Σ over alignments Π exp(lp)",
        "mean = (1/N)·Σ_b nll_b / max(L_b, 1)      sum = Σ_b nll_b",
      ],
      shapes: [
        "log_probs: (T, N, C) or unbatched (T, C): log-probabilities over C classes (log_softmax output)",
        "targets: padded (N, S) or concatenated (Σ target_lengths); input_lengths, target_lengths: (N)",
        "reduction='none': (N) (a scalar when unbatched)",
      ],
      notes: [
        "log_probs must be log-probabilities (log_softmax over C). Raw logits give wrong, even negative, losses, and PyTorch does not check (gwx314/STARS#9).",
        "PyTorch's gradient is not the plain partial derivative dnll/dlog_probs: it is exp(log_probs) − posterior, which is the gradient with respect to the logits once chained through log_softmax (#52241, #82545). For normalised log_probs this is what training needs; --check-grad shows the difference exp(log_probs).",
        "'mean' divides each sample's loss by its target length before averaging over the batch.",
        "If an input is too short for its target (T < L + number of repeated adjacent labels), the loss is inf and the gradient NaN: use zero_infinity=True (#14335).",
        "The time dimension comes first: (T, N, C), not (N, T, C). Lengths are integers; labels must not equal blank (swiftloss rejects them; PyTorch silently uses them).",
      ]),
    plot: .ctcLoss, trace: .ctc, gradientAdjustment: .ctcLoss
  )
}

extension PlotProbe {
  /// One sample per point: `frames` frames of two classes (blank 0, label 1), the blank with
  /// probability b in each, the target the single label 1. The alignments are the label in one
  /// run of k frames: loss = −log Σ_k (frames − k + 1)·(1 − b)^k·b^(frames − k).
  static let ctcLoss = PlotProbe(
    kind: .blank, defaultRange: 0.01...0.99, setting: "one label, 2 classes",
    tensors: { b, p in
      // Clamped as a Double first: a sweep value beyond Int's range must not trap the conversion.
      let requested = (p[.frames] ?? 3).rounded()
      let frames = requested.isFinite ? Int(max(1, min(50, requested))) : 3
      var storage: [Double] = []
      storage.reserveCapacity(frames * b.count * 2)
      for _ in 0..<frames { for blank in b { storage.append(log(blank)); storage.append(log1p(-blank)) } }
      return named([
        .logProbs: Tensor(validatedShape: [frames, b.count, 2], storage: storage),
        .targets: Tensor(repeating: 1, shape: [b.count, 1]),
        .inputLengths: filled(Double(frames), b.count), .targetLengths: filled(1, b.count),
      ])
    }, gradient: .logProbs,
    // Frame f holds (log b, log(1 − b)): d/db = Σ_f g[f, 0]/b − g[f, 1]/(1 − b). PyTorch's
    // gradient exceeds the plain partial by exp(log_probs), whose part here sums to 0.
    slope: { b, gradient in
      let frames = b.isEmpty ? 0 : gradient.count / (2 * b.count)
      return b.indices.map { i in
        var sum = 0.0
        for f in 0..<frames {
          let at = (f * b.count + i) * 2
          sum += gradient.storage[at] / b[i] - gradient.storage[at + 1] / (1 - b[i])
        }
        return sum
      }
    }, options: [OptionSetting(.blank, 0)],
    sweeps: [PlotSweep(.frames, default: 3, help: "the number of frames (input length), 1 to 50 (default 3)")])
}

extension GradientAdjustment {
  /// PyTorch's log_probs gradient carries exp(log_probs)·g beside −posterior·g (pytorch/pytorch#52241).
  static let ctcLoss = GradientAdjustment(
    tensor: .logProbs, label: "after removing PyTorch's exp(log_probs) term",
    note:
      "ctc_loss: PyTorch's log_probs gradient is exp(log_probs)·g − posterior·g, not the partial derivative dloss/dlog_probs "
      + "(which lacks the exp(log_probs) term). It is the gradient with respect to the logits once chained through log_softmax "
      + "(pytorch/pytorch#52241). swiftloss reports PyTorch's value, so a difference here is expected; the second line shows the "
      + "error with that term removed."
  ) { tensors, reduction in
    guard let scale = CTCLoss.expScale(tensors, reduction), let logProbs = tensors[.logProbs] else { return nil }
    return zip(scale, logProbs.storage).map { $0 * exp($1) }
  }
}

extension CTCLoss {
  /// For ctc_loss: the upstream scale g_b of every log_probs element (0 beyond the input length),
  /// so that PyTorch's extra term is exp(log_probs)·scale.
  static func expScale(_ tensors: [String: Tensor], _ reduction: Reduction) -> [Double]? {
    guard let lp = tensors[.logProbs], let inputLengths = tensors[.inputLengths],
      let targetLengths = tensors[.targetLengths],
      lp.rank == 2 || lp.rank == 3
    else { return nil }
    // T, N, C, S, L: the shape names of PyTorch's CTC docs.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    let T = lp.shape[0], N = lp.rank == 3 ? lp.shape[1] : 1, C = lp.shape[lp.rank - 1]
    guard inputLengths.count == N, targetLengths.count == N else { return nil }
    var scale = [Double](repeating: 0, count: lp.count)
    for b in 0..<N {
      // swift-format-ignore: AlwaysUseLowerCamelCase
      let Tb = Int(exactly: inputLengths.storage[b]) ?? 0, L = Int(exactly: targetLengths.storage[b]) ?? 0
      let g = reduction == .mean ? 1 / (Double(N) * Double(max(L, 1))) : 1
      for t in 0..<min(Tb, T) { for c in 0..<C { scale[(t * N + b) * C + c] = g } }
    }
    return scale
  }
}
