#if canImport(Glibc)
import Glibc
#endif

extension TraceContext {
  /// `log Σ exp(a_i)` as PyTorch's CTC kernel computes it (max 0 when every term is −inf).
  static func logSumExp(_ terms: [Double]) -> Double {
    var m = terms.max() ?? -.infinity
    if m == -.infinity { m = 0 }
    return log(terms.reduce(0) { $0 + exp($1 - m) }) + m
  }

  mutating func ctc() {
    guard let lp = tensors[.logProbs], let targets = tensors[.targets], let inputLengths = tensors[.inputLengths],
      let targetLengths = tensors[.targetLengths], lp.rank == 2 || lp.rank == 3
    else { return summary() }
    let batched = lp.rank == 3
    let T = lp.shape[0], N = batched ? lp.shape[1] : 1, C = lp.shape[lp.rank - 1]
    guard inputLengths.count == N, targetLengths.count == N, T > 0, C > 0 else { return summary() }
    let blank = options[.blank], zeroInfinity = options[.zeroInfinity]
    func emission(_ t: Int, _ b: Int, _ c: Int) -> Double { lp.storage[(t * N + b) * C + c] }

    var losses: [Double] = []
    var lengths: [Int] = []
    var offset = 0
    for b in 0..<N {
      guard let Tb = Int(exactly: inputLengths.storage[b]), let L = Int(exactly: targetLengths.storage[b]), Tb >= 0, Tb <= T, L >= 0
      else { return summary() }
      var labels: [Int] = []
      if targets.rank == 2 {
        let S = targets.shape[1]
        guard L <= S else { return summary() }
        labels = (0..<L).compactMap { Int(exactly: targets.storage[b * S + $0]) }
      } else {
        let start = batched ? offset : 0
        guard start + L <= targets.count else { return summary() }
        labels = (start..<(start + L)).compactMap { Int(exactly: targets.storage[$0]) }
        offset += L
      }
      guard labels.count == L, labels.allSatisfy({ $0 >= 0 && $0 < C }) else { return summary() }
      lengths.append(L)
      var extended = [blank]
      for label in labels { extended += [label, blank] }
      let S = extended.count
      var lines = ["target \(labels) (L = \(L)), input length T = \(Tb)",
                   "l' = \(extended)  (a blank before, between and after the labels; \(S) states)"]
      var nll: Double
      if Tb == 0 {
        nll = L == 0 ? 0 : .infinity
        lines.append("no frames: nll = \(L == 0 ? "0" : "inf")")
      } else {
        var alpha = [[Double]](repeating: [Double](repeating: -.infinity, count: S), count: Tb)
        alpha[0][0] = emission(0, b, blank)
        if S > 1 { alpha[0][1] = emission(0, b, extended[1]) }
        for t in 1..<max(1, Tb) where Tb > 1 {
          for s in 0..<S {
            var terms = [alpha[t - 1][s]]
            if s > 0 { terms.append(alpha[t - 1][s - 1]) }
            if s > 1 && extended[s] != extended[s - 2] { terms.append(alpha[t - 1][s - 2]) }
            alpha[t][s] = Self.logSumExp(terms) + emission(t, b, extended[s])
          }
        }
        if Tb * S <= 120 {
          lines.append("α (log space; rows t, columns the states of l'):")
          var table: [[String]] = [["t"] + extended.map { $0 == blank ? "∅" : String($0) }]
          for t in 0..<Tb { table.append([String(t)] + alpha[t].map(F.short)) }
          lines += Self.align(table).map { "  " + $0 }
        } else {
          lines.append("α table: \(Tb) × \(S) (too large to show)")
        }
        let last = alpha[Tb - 1]
        nll = L > 0 ? -Self.logSumExp([last[S - 1], last[S - 2]]) : -last[0]
        lines.append("nll = −log(exp α[T−1][last blank] + exp α[T−1][last label]) = \(F.short(nll))"
          + (nll.isFinite ? "  (p(target) = \(F.short(exp(-nll))))" : "  (no alignment fits: the input is too short)"))
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
      finish(value: value, elementwise: losses, lines: [
        "each nll divided by its target length (at least 1): \(F.vector(scaled))",
        "mean over the \(N) sample\(N == 1 ? "" : "s") = \(F.short(value))",
      ])
    default:
      finish(value: total, elementwise: losses, lines: ["Σ nll = \(F.short(total))"])
    }
  }
}
