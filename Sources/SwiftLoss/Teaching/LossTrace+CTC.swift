#if canImport(Glibc)
  import Glibc
#endif

extension TraceContext {
  /// The kernel's own steps: the lattice the loss checked, each sample's extended labels and its α
  /// table from ``CTCAlignment`` (computed over the whole lattice, so that the table has every
  /// state).
  mutating func ctc() {
    guard let lp = tensors[.logProbs], let targets = tensors[.targets], let inputLengths = tensors[.inputLengths],
      let targetLengths = tensors[.targetLengths],
      let lattice = try? CTCLoss.validatedLattice(
        logProbs: lp, targets: targets, inputLengths: inputLengths, targetLengths: targetLengths,
        blank: options[.blank])
    else { return summary() }
    // T, N, C, S, L: the shape names of PyTorch's CTC docs.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    let N = lattice.batch
    let blank = lattice.blank, zeroInfinity = options[.zeroInfinity]

    var losses: [Double] = []
    var lengths: [Int] = []
    for b in 0..<N {
      // swift-format-ignore: AlwaysUseLowerCamelCase
      let Tb = lattice.inputLengths[b], L = lattice.targetLengths[b]
      let labels = Array(lattice.labels[lattice.labelStarts[b]..<(lattice.labelStarts[b] + L)])
      lengths.append(L)
      let extended = CTCAlignment.extendedLabels(lattice, sample: b)
      // swift-format-ignore: AlwaysUseLowerCamelCase
      let S = extended.count
      var lines = [
        "target \(labels) (L = \(L)), input length T = \(Tb)",
        "l' = \(extended)  (a blank before, between and after the labels; \(S) states)",
      ]
      var nll: Double
      if Tb == 0 {
        nll = L == 0 ? 0 : .infinity
        lines.append("no frames: nll = \(L == 0 ? "0" : "inf")")
      } else {
        guard let (alpha, value) = CTCAlignment.alphaTable(lattice, sample: b, logProbs: lp.storage) else {
          return summary()
        }
        if Tb * S <= 120 {
          lines.append("α (log space; rows t, columns the states of l'):")
          var table: [[String]] = [["t"] + extended.map { $0 == blank ? "∅" : String($0) }]
          for t in 0..<Tb { table.append([String(t)] + alpha[t].map(F.short)) }
          lines += Self.align(table).map { "  " + $0 }
        } else {
          lines.append("α table: \(Tb) × \(S) (too large to show)")
        }
        nll = value
        lines.append(
          "nll = −log(exp α[T−1][last blank] + exp α[T−1][last label]) = \(F.short(nll))"
            + (nll.isFinite ? "  (p(target) = \(F.short(exp(-nll))))" : "  (no alignment fits: the input is too short)")
        )
      }
      if zeroInfinity && nll == .infinity {
        nll = 0
        lines.append("zero_infinity: the infinite loss becomes 0")
      }
      losses.append(nll)
      trace.step("sample \(b)", lines)
    }
    let total = Summation.sum(losses)
    switch reduction {
    case .mean:
      let scaled = zip(losses, lengths).map { $0 / Double(max($1, 1)) }
      let value = Summation.sum(scaled) / Double(N)
      finish(
        value: value, elementwise: losses,
        lines: [
          "each nll divided by its target length (at least 1): \(F.vector(scaled))",
          "mean over the \(N) sample\(N == 1 ? "" : "s") = \(F.short(value))",
        ])
    default:
      finish(value: total, elementwise: losses, lines: ["Σ nll = \(F.short(total))"])
    }
  }
}

extension LossTraceStyle {
  /// ctc_loss: the kernel's α table of each sample and the normalisation by target length.
  public static let ctc = LossTraceStyle { $0.ctc() }
}
