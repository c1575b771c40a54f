#if canImport(Glibc)
  import Glibc
#endif

/// A validated batch of CTC problems over `log_probs` of shape (T, N, C), row-major.
struct CTCLattice: Sendable {
  /// T: frames in `log_probs`.
  var time: Int
  /// N: samples.
  var batch: Int
  /// C: classes.
  var classes: Int
  var blank: Int
  /// `input_lengths[b]`, each in `0...time`.
  var inputLengths: [Int]
  /// `target_lengths[b]`, each ≥ 0.
  var targetLengths: [Int]
  /// Sample b's labels are `labels[labelStarts[b] ..< labelStarts[b] + targetLengths[b]]`, each in
  /// `0..<classes` and never `blank`.
  var labelStarts: [Int]
  var labels: [Int]
}

/// The CTC forward-backward (α/β) recursion in log space, reproducing PyTorch's CPU kernel
/// (`aten/src/ATen/native/LossCTC.cpp`) bit for bit.
///
/// For sample b with labels `l` (length L), the extended sequence is `l' = (blank, l1, blank, …,
/// lL, blank)` of length S' = 2L + 1, and with `lp = log_probs[:, b, :]`, `Tb = input_lengths[b]`:
/// ```
/// α_0(0) = lp[0, blank]    α_0(1) = lp[0, l1]    other α_0(s) = −∞
/// α_t(s) = LSE(α_{t−1}(s), α_{t−1}(s−1), α_{t−1}(s−2) if l'_s ≠ l'_{s−2}) + lp[t, l'_s]
/// nll    = −LSE(α_{Tb−1}(S'−1), α_{Tb−1}(S'−2))          (−α_{Tb−1}(0) when L = 0)
/// β mirrors α from the end; γ_t(c) = LSE_{s: l'_s = c} (α_t(s) + β_t(s)), log-added in
/// descending s as PyTorch does, and PyTorch's gradient is
/// grad[t, b, c] = (exp(lp[t, c]) − exp(γ_t(c) + nll − lp[t, c])) · g_b    for t < Tb, else 0.
/// ```
/// `LSE` is PyTorch's `log(Σ exp(x_i − m)) + m` with `m = max x_i` (0 when all are −∞), evaluated
/// with the same libm `exp`/`log` calls in the same order; the only shortcuts taken are exact ones
/// (`exp(0) = 1` for the maximum, `exp(−∞) = 0`, `log(1) = 0`).
///
/// Speed: samples run in parallel (each independent, so the result does not depend on the split);
/// α and β live in flat per-worker buffers holding only the band of states that can lie on a
/// complete alignment, `max(0, S' − 2(Tb − t)) ≤ s < min(S', 2t + 2)` (outside it α + β is exactly
/// −∞ and PyTorch's log-adds of it change nothing); the γ log-adds of four frames are interleaved,
/// since each frame's blank-class accumulation is a chain of dependent exp/log calls. When a
/// sample's `log_probs` hold NaN or +∞ (which PyTorch lets spread through unreachable states) the
/// whole lattice is computed, as PyTorch does.
enum CTCAlignment {
  /// Per-sample negative log-likelihoods, and PyTorch's gradient w.r.t. `log_probs` (shape
  /// (T, N, C)) when `gradientScales` (the upstream gradient g_b of each sample) is given.
  /// With `zeroInfinity`, samples whose nll is +∞ get a zero gradient (their nll is returned as is).
  static func compute(
    _ lattice: CTCLattice, logProbs: [Double], zeroInfinity: Bool, gradientScales: [Double]?
  ) throws(LossError) -> (nll: [Double], gradient: [Double]?) {
    let n = lattice.batch
    // Plan each sample: which states are stored, and how much scratch that needs.
    var plans = [SamplePlan](repeating: SamplePlan(), count: n)
    var maxArea = 0, maxStates = 0, totalArea = 0
    logProbs.withUnsafeBufferPointer { lp in
      for b in 0..<n {
        plans[b] = SamplePlan(lattice, sample: b, logProbs: lp)
        maxArea = max(maxArea, plans[b].area)
        maxStates = max(maxStates, plans[b].states)
        totalArea = plans[b].area > Int.max - totalArea ? Int.max : totalArea + plans[b].area
      }
    }
    let workers = totalArea < 1 << 14 ? 1 : min(Parallel.threadCount, n)
    let perWorker = Scratch.bytes(area: maxArea, states: maxStates, time: lattice.time)
    guard let perWorker, perWorker <= Scratch.budget / max(1, workers) else {
      throw LossError.data(
        "ctc_loss: the alignment lattice (\(lattice.time) frames × \(maxStates) states) needs more memory "
          + "than is available (DefaultCPUAllocator: not enough memory)")
    }

    var nll = [Double](repeating: 0, count: n)
    var gradient = gradientScales.map { _ in [Double](repeating: 0, count: logProbs.count) }
    var failed = [Bool](repeating: false, count: n)
    let planList = plans
    logProbs.withUnsafeBufferPointer { lp in
      nll.withUnsafeMutableBufferPointer { nllOut in
        failed.withUnsafeMutableBufferPointer { failedOut in
          withOptionalMutableBuffer(&gradient) { gradOut in
            nonisolated(unsafe) let lp = lp, nllOut = nllOut, failedOut = failedOut, gradOut = gradOut
            Parallel.forRanges(count: n, minimumChunk: workers == 1 ? n : 1) { range in
              let chunkPlans = planList[range]
              let area = chunkPlans.map(\.area).max() ?? 0
              let states = chunkPlans.map(\.states).max() ?? 0
              guard let scratch = Scratch(area: area, states: states, time: lattice.time) else {
                for b in range { failedOut[b] = true }
                return
              }
              defer { scratch.release() }
              for b in range {
                let plan = planList[b]
                let value = forward(lattice, plan, sample: b, logProbs: lp.baseAddress, scratch: scratch)
                nllOut[b] = value
                guard let gradOut, let gradientScales else { continue }
                if zeroInfinity && value == .infinity { continue }  // the slice stays zero
                backward(
                  lattice, plan, sample: b, nll: value, scale: gradientScales[b], logProbs: lp.baseAddress,
                  gradient: gradOut.baseAddress, scratch: scratch)
              }
            }
          }
        }
      }
    }
    if failed.contains(true) {
      throw LossError.data("ctc_loss: not enough memory for the alignment lattice")
    }
    return (nll, gradient)
  }

  /// Sample b's α table as ``forward`` computes it, for the `--explain` trace: row t holds α_t(s)
  /// for every state s of l' (log space), the states off the band included (the recursion runs
  /// over the whole lattice), and the nll. `nil` for a sample without frames, or when the memory
  /// is not there.
  static func alphaTable(
    _ lattice: CTCLattice, sample b: Int, logProbs: [Double]
  ) -> (alpha: [[Double]], nll: Double)? {
    logProbs.withUnsafeBufferPointer { lp in
      let plan = SamplePlan(lattice, sample: b, logProbs: lp, band: false)
      guard plan.frames > 0, let scratch = Scratch(area: plan.area, states: plan.states, time: lattice.time) else {
        return nil
      }
      defer { scratch.release() }
      let nll = forward(lattice, plan, sample: b, logProbs: lp.baseAddress, scratch: scratch)
      let alpha = (0..<plan.frames).map { t in
        (0..<plan.states).map { s in alphaAt(plan, scratch.alpha, scratch.alphaOffsets, t: t, s: s) }
      }
      return (alpha, nll)
    }
  }

  /// Sample b's extended labels `l' = (blank, l1, blank, …, lL, blank)`, as ``fillExtended(_:sample:into:)``
  /// writes them for the recursion.
  static func extendedLabels(_ lattice: CTCLattice, sample b: Int) -> [Int] {
    let count = 2 * lattice.targetLengths[b] + 1
    return [Int](unsafeUninitializedCapacity: count) { buffer, initialized in
      guard let base = buffer.baseAddress else { return }
      fillExtended(lattice, sample: b, into: base)
      initialized = count
    }
  }

  // MARK: - Planning and scratch memory

  /// Which states of a sample's lattice are stored.
  struct SamplePlan: Sendable {
    /// Tb, L and S' = 2L + 1.
    var frames = 0, labelCount = 0, states = 0
    /// Whether only the band of states on complete alignments is computed (finite or −∞ log_probs).
    var banded = true
    /// Whether no alignment fits (L > Tb with banding): nll = +∞ without running the recursion.
    var impossible = false
    /// Doubles of α storage: each stored row plus two −∞ sentinels.
    var area = 0

    init() {}

    /// - Parameter band: `false` stores the whole lattice whatever the values (the trace's table).
    init(_ lattice: CTCLattice, sample b: Int, logProbs: UnsafeBufferPointer<Double>, band: Bool = true) {
      frames = lattice.inputLengths[b]
      labelCount = lattice.targetLengths[b]
      states = 2 * labelCount + 1
      // NaN or +∞ anywhere in the used frames: PyTorch's full lattice spreads it; do the same.
      let c = lattice.classes, rowStride = lattice.batch * c
      scan: for t in 0..<frames {
        let start = t * rowStride + b * c
        for value in logProbs[start..<start + c] where !(value < .infinity) {
          banded = false
          break scan
        }
      }
      if !band { banded = false }
      if frames == 0 { return }
      if banded && labelCount > frames {
        impossible = true
        return
      }
      var total = 0
      for t in 0..<frames {
        let width = hi(t) - lo(t) + 2
        let (sum, overflow) = total.addingReportingOverflow(width)
        if overflow { area = Int.max; return }
        total = sum
      }
      area = total
    }

    /// First stored state at frame t.
    @inline(__always) func lo(_ t: Int) -> Int { banded ? max(0, states - 2 * (frames - t)) : 0 }
    /// One past the last stored state at frame t.
    @inline(__always) func hi(_ t: Int) -> Int { banded ? min(states, 2 * t + 2) : states }
  }

  /// One worker's buffers: α and β (banded rows with −∞ sentinels), their row offsets, and the
  /// extended labels.
  struct Scratch: @unchecked Sendable {
    let alpha: UnsafeMutablePointer<Double>
    let alphaOffsets: UnsafeMutablePointer<Int>
    let beta: UnsafeMutablePointer<Double>
    let betaOffsets: UnsafeMutablePointer<Int>
    let extended: UnsafeMutablePointer<Int>
    /// Five Ints per interleaved frame for the γ pass.
    let lanes: UnsafeMutablePointer<Int>

    /// At most a quarter of physical memory for all workers together.
    static let budget: Int = {
      #if canImport(Glibc)
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0, size > 0 {
          let (bytes, overflow) = pages.multipliedReportingOverflow(by: size)
          return overflow ? Int.max / 4 : bytes / 4
        }
      #endif
      return 1 << 32
    }()

    /// β rows have two more (lower) sentinels than α rows.
    static func betaArea(area: Int, time: Int) -> Int? {
      let (extra, overflow) = time.multipliedReportingOverflow(by: 2)
      let total = area.addingReportingOverflow(extra)
      return overflow || total.overflow ? nil : total.partialValue
    }

    /// Bytes of one worker's scratch, `nil` on overflow.
    static func bytes(area: Int, states: Int, time: Int) -> Int? {
      guard let betaArea = betaArea(area: area, time: time) else { return nil }
      var total = 0
      for count in [area, betaArea, time, time, states] {
        let (sum, overflow) = total.addingReportingOverflow(count)
        if overflow { return nil }
        total = sum
      }
      let bytes = total.multipliedReportingOverflow(by: 8)
      return bytes.overflow ? nil : bytes.partialValue
    }

    init?(area: Int, states: Int, time: Int) {
      guard let betaArea = Self.betaArea(area: area, time: time) else { return nil }
      let alpha = Self.allocate(Double.self, max(1, area))
      let alphaOffsets = Self.allocate(Int.self, max(1, time))
      let beta = Self.allocate(Double.self, max(1, betaArea))
      let betaOffsets = Self.allocate(Int.self, max(1, time))
      let extended = Self.allocate(Int.self, max(1, states))
      let lanes = Self.allocate(Int.self, 5 * CTCAlignment.interleavedFrames)
      guard let alpha, let alphaOffsets, let beta, let betaOffsets, let extended, let lanes else {
        free(alpha)
        free(alphaOffsets)
        free(beta)
        free(betaOffsets)
        free(extended)
        free(lanes)
        return nil
      }
      self.alpha = alpha
      self.alphaOffsets = alphaOffsets
      self.beta = beta
      self.betaOffsets = betaOffsets
      self.extended = extended
      self.lanes = lanes
    }

    /// `malloc`, so that a failed allocation is an error instead of a trap.
    static func allocate<T>(_: T.Type, _ count: Int) -> UnsafeMutablePointer<T>? {
      let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
      guard !overflow, let raw = malloc(bytes) else { return nil }
      return raw.bindMemory(to: T.self, capacity: count)
    }

    func release() {
      free(alpha)
      free(alphaOffsets)
      free(beta)
      free(betaOffsets)
      free(extended)
      free(lanes)
    }
  }

  // MARK: - The recursion

  /// Fills the extended labels and α; returns the sample's negative log-likelihood.
  static func forward(
    _ lattice: CTCLattice, _ plan: SamplePlan, sample b: Int, logProbs: UnsafePointer<Double>?,
    scratch: Scratch
  ) -> Double {
    let frames = plan.frames, count = plan.labelCount, states = plan.states
    if frames == 0 {
      let logLikelihood = count == 0 ? 0.0 : -Double.infinity
      return -logLikelihood
    }
    if plan.impossible { return .infinity }
    guard let logProbs else { return .nan }
    let blank = lattice.blank, rowStride = lattice.batch * lattice.classes
    let lprime = scratch.extended, alpha = scratch.alpha, offsets = scratch.alphaOffsets
    fillExtended(lattice, sample: b, into: lprime)

    // t = 0.
    var row = logProbs + b * lattice.classes
    var low = plan.lo(0), high = plan.hi(0)
    var base = -low  // α_t(s) is alpha[base + s]
    offsets[0] = 0
    for s in low..<high {
      alpha[base + s] = s == 0 ? row[blank] : (s == 1 ? row[lprime[1]] : -.infinity)
    }
    alpha[base + high] = -.infinity
    alpha[base + high + 1] = -.infinity
    var offset = high - low + 2

    for t in 1..<max(1, frames) {
      row += rowStride
      let previous = base
      low = plan.lo(t)
      high = plan.hi(t)
      base = offset - low
      offsets[t] = offset
      for s in low..<high {
        let la1 = alpha[previous + s]
        let la2 = s > 0 ? alpha[previous + s - 1] : -.infinity
        let value =
          s > 1 && lprime[s - 2] != lprime[s]
          ? logSumExp(la1, la2, alpha[previous + s - 2]) : logSumExp(la1, la2)
        alpha[base + s] = value + row[lprime[s]]
      }
      alpha[base + high] = -.infinity
      alpha[base + high + 1] = -.infinity
      offset += high - low + 2
    }

    // The likelihood is the sum of the last two α (the last one when the target is empty).
    let last = frames - 1
    if count == 0 { return -alphaAt(plan, alpha, offsets, t: last, s: 0) }
    let l1 = alphaAt(plan, alpha, offsets, t: last, s: states - 1)
    let l2 = alphaAt(plan, alpha, offsets, t: last, s: states - 2)
    var m = l1 < l2 ? l2 : l1
    if m == -.infinity { m = 0 }
    let logLikelihood = log(exp(l1 - m) + exp(l2 - m)) + m
    return -logLikelihood
  }

  /// How many frames' γ accumulations are interleaved: each frame's log-adds into the blank
  /// class form a chain of dependent exp/log calls, and independent chains overlap in the CPU.
  static let interleavedFrames = 4

  /// β, γ and PyTorch's gradient for one sample, written into rows (t, b, ·) of `gradient`.
  static func backward(
    _ lattice: CTCLattice, _ plan: SamplePlan, sample b: Int, nll: Double, scale: Double,
    logProbs: UnsafePointer<Double>?, gradient: UnsafeMutablePointer<Double>?, scratch: Scratch
  ) {
    let frames = plan.frames, states = plan.states, c = lattice.classes
    guard frames > 0, let logProbs, let gradient else { return }
    let rowStride = lattice.batch * c, blank = lattice.blank
    let first = b * c
    // γ starts as the log of an empty sum.
    for t in 0..<frames {
      (gradient + first + t * rowStride).update(repeating: -.infinity, count: c)
    }
    if !plan.impossible {
      let lprime = scratch.extended, alpha = scratch.alpha, alphaOffsets = scratch.alphaOffsets
      let beta = scratch.beta, betaOffsets = scratch.betaOffsets
      // β row t holds states lo(t)..<hi(t) at beta[betaOffsets[t] + s − lo(t)], with two −∞
      // sentinels on each side.
      var offset = 0
      @inline(__always) func startRow(_ t: Int) -> Int {
        let low = plan.lo(t), high = plan.hi(t)
        betaOffsets[t] = offset + 2 - low
        let base = betaOffsets[t]
        beta[base + low - 2] = -.infinity
        beta[base + low - 1] = -.infinity
        beta[base + high] = -.infinity
        beta[base + high + 1] = -.infinity
        offset += high - low + 4
        return base
      }
      // The last frame: β is the two end states, and γ there is assigned, not log-added.
      let last = frames - 1
      var row = logProbs + first + last * rowStride
      var base = startRow(last)
      for s in plan.lo(last)..<plan.hi(last) {
        beta[base + s] = s == states - 1 ? row[blank] : (s == states - 2 ? row[lprime[s]] : -.infinity)
      }
      let grow = gradient + first + last * rowStride
      grow[blank] = alphaAt(plan, alpha, alphaOffsets, t: last, s: states - 1) + row[blank]
      if states > 1 {
        let label = lprime[states - 2]
        grow[label] = alphaAt(plan, alpha, alphaOffsets, t: last, s: states - 2) + row[label]
      }
      // β for the earlier frames.
      var t = last - 1
      while t >= 0 {
        row -= rowStride
        let next = base
        base = startRow(t)
        var s = plan.hi(t) - 1
        let low = plan.lo(t)
        while s >= low {
          let label = lprime[s]
          let lb1 = beta[next + s]
          let lb2 = s < states - 1 ? beta[next + s + 1] : -.infinity
          let value =
            s < states - 2 && lprime[s + 2] != label ? logSumExp(lb1, lb2, beta[next + s + 2]) : logSumExp(lb1, lb2)
          beta[base + s] = value + row[label]
          s -= 1
        }
        t -= 1
      }
      // γ_t(c): log-adds in descending s for each frame, several frames interleaved.
      var top = last - 1
      while top >= 0 {
        let count = min(interleavedFrames, top + 1)
        // Per interleaved frame k: band, α and β row bases, gradient row.
        let lo = scratch.lanes, hi = lo + interleavedFrames, alphaBase = hi + interleavedFrames
        let betaBase = alphaBase + interleavedFrames, gradientRow = betaBase + interleavedFrames
        var sHigh = 0, sLow = Int.max
        for k in 0..<count {
          let t = top - k
          lo[k] = plan.lo(t)
          hi[k] = plan.hi(t)
          alphaBase[k] = alphaOffsets[t] - lo[k]
          betaBase[k] = betaOffsets[t]
          gradientRow[k] = first + t * rowStride
          sHigh = max(sHigh, hi[k])
          sLow = min(sLow, lo[k])
        }
        var s = sHigh - 1
        while s >= sLow {
          let label = lprime[s]
          for k in 0..<count where s >= lo[k] && s < hi[k] {
            logAdd(&gradient[gradientRow[k] + label], alpha[alphaBase[k] + s] + beta[betaBase[k] + s])
          }
          s -= 1
        }
        top -= count
      }
    }
    // grad = (exp(lp) − exp(γ + nll − lp)) · g for t < Tb (later frames stay zero).
    for t in 0..<frames {
      let row = logProbs + first + t * rowStride
      let grow = gradient + first + t * rowStride
      for k in 0..<c {
        let lp = row[k]
        let exponent = grow[k] + nll - lp
        let occupancy = exponent == -.infinity ? 0 : exp(exponent)
        grow[k] = (exp(lp) - occupancy) * scale
      }
    }
  }

  /// `l' = (blank, l1, blank, l2, …, lL, blank)`.
  @inline(__always)
  static func fillExtended(_ lattice: CTCLattice, sample b: Int, into lprime: UnsafeMutablePointer<Int>) {
    let start = lattice.labelStarts[b], count = lattice.targetLengths[b]
    lattice.labels.withUnsafeBufferPointer { labels in
      for i in 0..<count {
        lprime[2 * i] = lattice.blank
        lprime[2 * i + 1] = labels[start + i]
      }
    }
    lprime[2 * count] = lattice.blank
  }

  /// α_t(s), −∞ outside the stored band.
  @inline(__always)
  static func alphaAt(
    _ plan: SamplePlan, _ alpha: UnsafeMutablePointer<Double>, _ offsets: UnsafeMutablePointer<Int>, t: Int, s: Int
  ) -> Double {
    let low = plan.lo(t)
    guard s >= low, s < plan.hi(t) else { return -.infinity }
    return alpha[offsets[t] + s - low]
  }

  /// PyTorch's `log(exp(a − m) + exp(b − m) + exp(c − m)) + m`, `m = max(a, b, c)` (0 if that is −∞),
  /// bit for bit. When `m` is finite the maximum's term is exp(0) = 1 exactly, so only the other
  /// two need `exp` (chosen without branches); the sum keeps PyTorch's order `(e_a + e_b) + e_c`.
  @inline(__always)
  static func logSumExp(_ a: Double, _ b: Double, _ c: Double) -> Double {
    var m = a
    if b > m { m = b }
    if c > m { m = c }
    if m.isFinite {
      let aIsMax = a == m, bIsMax = !aIsMax && b == m
      let x = aIsMax ? b : a
      let y = aIsMax || bIsMax ? c : b
      let ex = exp(x - m), ey = exp(y - m)
      // a max: (1 + e_b) + e_c; b max: (e_a + 1) + e_c; c max: (e_a + e_b) + 1.
      let first = aIsMax || bIsMax ? 1 + ex : ex + ey
      let sum = first + (aIsMax || bIsMax ? ey : 1)
      return log(sum) + m
    }
    // log(exp(a) + exp(b) + exp(c)) + 0: −∞, or NaN when a term is NaN (no NaN is ever the maximum
    // after the first, as in PyTorch's comparisons).
    if m == -.infinity { return a + b + c }
    return log(exp(a - m) + exp(b - m) + exp(c - m)) + m
  }

  /// ``logSumExp(_:_:_:)`` with `c = −∞` (PyTorch's third term is then exp(−∞) = 0, and adding +0
  /// changes no positive sum): one `exp`.
  @inline(__always)
  static func logSumExp(_ a: Double, _ b: Double) -> Double {
    var m = a
    if b > m { m = b }
    if m.isFinite {
      let other = a == m ? b : a
      return log(1 + exp(other - m)) + m
    }
    if m == -.infinity { return a + b }  // −∞, or NaN when b is NaN
    return log(exp(a - m) + exp(b - m) + exp(-.infinity - m)) + m
  }

  /// PyTorch's γ accumulation `acc "log+=" x`: assignment onto −∞, else
  /// `log(exp(acc − m) + exp(x − m)) + m` with `m = std::max(acc, x)`, bit for bit (one `exp` when
  /// `m` is finite: the maximum's term is 1).
  @inline(__always)
  static func logAdd(_ acc: inout Double, _ x: Double) {
    let current = acc
    if current == -.infinity {
      acc = x
      return
    }
    let m = current < x ? x : current
    if m.isFinite {
      let other = current == m ? x : current
      acc = log(1 + exp(other - m)) + m
    } else {
      acc = log(exp(current - m) + exp(x - m)) + m
    }
  }
}

/// Runs `body` with the mutable buffer of `array` if there is one.
@inline(__always)
private func withOptionalMutableBuffer<R>(
  _ array: inout [Double]?, _ body: (UnsafeMutableBufferPointer<Double>?) -> R
) -> R {
  guard var values = array else { return body(nil) }
  array = nil
  defer { array = values }
  return values.withUnsafeMutableBufferPointer { body($0) }
}
