#if canImport(Glibc)
  import Glibc
#endif

extension TraceContext {
  /// `‖v‖_p` as `torch.linalg.vector_norm` defines it for every p.
  static func norm(_ v: [Double], p: Double) -> Double {
    if p == 2 { return sqrt(v.reduce(0) { $0 + $1 * $1 }) }
    if p == 1 { return v.reduce(0) { $0 + abs($1) } }
    if p == .infinity { return v.map(abs).max() ?? 0 }
    if p == -.infinity { return v.map(abs).min() ?? 0 }
    if p == 0 { return Double(v.filter { $0 != 0 }.count) }
    return pow(v.reduce(0) { $0 + pow(abs($1), p) }, 1 / p)
  }

  /// `F.pairwise_distance(u, v, p, eps) = ‖u − v + eps‖_p`.
  static func pairwise(_ u: [Double], _ v: [Double], p: Double, eps: Double) -> Double {
    norm(zip(u, v).map { $0 - $1 + eps }, p: p)
  }

  /// `1 − F.cosine_similarity(u, v, dim=-1)` (each vector divided by its norm clamped at 1e−8).
  static func cosineDistance(_ u: [Double], _ v: [Double]) -> Double {
    let nu = max(norm(u, p: 2), 1e-8), nv = max(norm(v, p: 2), 1e-8)
    return 1 - zip(u, v).reduce(0) { $0 + ($1.0 / nu) * ($1.1 / nv) }
  }

  // MARK: - triplet_margin_loss, triplet_margin_with_distance_loss

  /// `distanceFunction`: whether the loss takes `--distance-function` (triplet_margin_with_distance)
  /// or always uses the pairwise distance with `--p` and `--eps` (triplet_margin).
  mutating func triplet(distanceFunction: Bool) {
    guard let a = tensors[.anchor], let p = tensors[.positive], let n = tensors[.negative],
      let shape = Broadcasting.shape([a.shape, p.shape, n.shape]), let dims = shape.last, dims > 0
    else { return summary() }
    let av = Broadcasting.expand(a, to: shape), pv = Broadcasting.expand(p, to: shape),
      nv = Broadcasting.expand(n, to: shape)
    let rows = av.count / dims
    let margin = options[.margin], swap = options[.swap]
    let distanceName: String
    let distance: ([Double], [Double]) -> Double
    if !distanceFunction {
      let order = options[.p], eps = options[.eps]
      distanceName = "d(u, v) = ‖u − v + \(F.short(eps))‖_\(F.short(order))"
      distance = { Self.pairwise($0, $1, p: order, eps: eps) }
    } else {
      switch options[.distanceFunction] {
      case "cosine":
        distanceName = "d(u, v) = 1 − cosine_similarity(u, v)"
        distance = { Self.cosineDistance($0, $1) }
      case "l1":
        distanceName = "d(u, v) = ‖u − v + 1e-06‖_1"
        distance = { Self.pairwise($0, $1, p: 1, eps: 1e-6) }
      default:
        // nn.PairwiseDistance(p, eps) with --p and --eps (defaults 2 and 1e-6).
        let order = options[.p], eps = options[.eps]
        distanceName = "d(u, v) = ‖u − v + \(F.short(eps))‖_\(F.short(order))  (nn.PairwiseDistance(p, eps))"
        distance = { Self.pairwise($0, $1, p: order, eps: eps) }
      }
    }
    var operandLines: [String] = []
    var lines: [String] = []
    var losses: [Double] = []
    for r in 0..<rows {
      let range = (r * dims)..<((r + 1) * dims)
      let ar = Array(av[range]), pr = Array(pv[range]), nr = Array(nv[range])
      operandLines.append("sample \(r): a = \(F.vector(ar)), p = \(F.vector(pr)), n = \(F.vector(nr))")
      let dp = distance(ar, pr)
      var dn = distance(ar, nr)
      var line = "sample \(r): d(a, p) = \(F.short(dp)), d(a, n) = \(F.short(dn))"
      if swap {
        let dpn = distance(pr, nr)
        line += ", d(p, n) = \(F.short(dpn)) → d_neg = \(F.short(min(dn, dpn)))"
        dn = min(dn, dpn)
      }
      let z = margin + dp - dn
      let l = max(z, 0)
      losses.append(l)
      line +=
        "; margin + d_pos − d_neg = \(F.short(z)) → l = \(F.short(l))"
        + (z <= 0 ? " (already satisfied: no gradient)" : "")
      lines.append(line)
    }
    trace.step(
      "anchor, positive, negative (broadcast to \(Shape.describe(shape)); distances over the last dimension)",
      operandLines)
    trace.step(distanceName + "; l = max(0, margin + d(a, p) − d(a, n)), margin = \(F.short(margin))", lines)
    reduce(losses, meanDenominator: Double(rows), denominatorText: "N")
  }

  // MARK: - cosine_embedding_loss

  mutating func cosineEmbedding() {
    guard let x1 = tensors[.input1], let x2 = tensors[.input2], let y = tensors[.target],
      let shape = Broadcasting.shape([x1.shape, x2.shape]), let dims = shape.last, dims > 0
    else { return summary() }
    let u = Broadcasting.expand(x1, to: shape), v = Broadcasting.expand(x2, to: shape)
    let rows = u.count / dims
    guard y.count == rows || y.count == 1 else { return summary() }
    let eps = Double(Float(1e-12))
    let margin = options[.margin]
    var lines: [String] = []
    var losses: [Double] = []
    for r in 0..<rows {
      let a = Array(u[(r * dims)..<((r + 1) * dims)]), b = Array(v[(r * dims)..<((r + 1) * dims)])
      let s = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
      let sa = a.reduce(0) { $0 + $1 * $1 } + eps, sb = b.reduce(0) { $0 + $1 * $1 } + eps
      let cosine = s / sqrt(sa * sb)
      let target = y.storage[y.count == 1 ? 0 : r]
      let l: Double
      let why: String
      if target == 1 {
        l = 1 - cosine; why = "y = 1: 1 − cos"
      } else if target == -1 {
        l = max(0, cosine - margin); why = "y = −1: max(0, cos − margin)"
      } else {
        l = 0; why = "y not in {1, −1}: 0"
      }
      losses.append(l)
      lines.append(
        "sample \(r): x1·x2 = \(F.short(s)), ‖x1‖² + ε = \(F.short(sa)), ‖x2‖² + ε = \(F.short(sb)), cos = \(F.short(cosine)); \(why) = \(F.short(l))"
      )
    }
    trace.step(
      "inputs",
      [
        "input1 = \(F.vector(u))", "input2 = \(F.vector(v))",
        "target = \(F.vector(y.storage)), margin = \(F.short(margin))",
      ])
    trace.step("cos = x1·x2 / √((‖x1‖² + ε)·(‖x2‖² + ε)), ε = 1e−12", lines)
    reduce(losses, meanDenominator: Double(rows), denominatorText: "N")
  }
}

extension LossTraceStyle {
  /// triplet_margin_loss: the pairwise distances with `--p` and `--eps`, per triplet.
  public static let tripletMargin = LossTraceStyle { $0.triplet(distanceFunction: false) }
  /// triplet_margin_with_distance_loss: the distances of `--distance-function`, per triplet.
  public static let tripletMarginWithDistance = LossTraceStyle { $0.triplet(distanceFunction: true) }
  /// cosine_embedding_loss: the cosine of each pair and the branch its target picks.
  public static let cosineEmbedding = LossTraceStyle { $0.cosineEmbedding() }
}
