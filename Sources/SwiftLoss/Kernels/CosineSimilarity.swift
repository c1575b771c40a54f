/// PyTorch's `F.cosine_similarity(x, y, dim=-1, eps)` for one pair of rows, and its gradient.
///
/// PyTorch (ATen `cosine_similarity`, 2.x) normalises each vector by its own clamped norm and then
/// takes the dot product:
///
/// ```
/// n_x = max(‖x‖₂, eps),  n_y = max(‖y‖₂, eps)
/// s   = Σ_i (x_i / n_x) · (y_i / n_y)
/// ```
///
/// The clamp runs under `no_grad` on a copy of the norm, so autograd passes the gradient straight
/// through it to the unclamped norm, whose own backward gives 0 for a zero vector:
///
/// ```
/// ∂s/∂x_i = (y_i/n_y)/n_x + [‖x‖ ≠ 0]·(x_i/‖x‖)·(−Σ_j (y_j/n_y)·(x_j/n_x)/n_x)
/// ```
///
/// A zero vector therefore has similarity 0 and a large finite gradient (`1/eps` scale), never NaN.
/// The norms are ``VectorNorm``'s p = 2. This is not the formula of `cosine_embedding_loss`, which
/// adds `EPSILON` to the squared norms instead.
public struct CosineSimilarity: Sendable {
  public var eps: Double
  static let norm = VectorNorm(p: 2)

  /// `F.cosine_similarity`'s default `eps` is `1e-8`.
  public init(eps: Double = 1e-8) { self.eps = eps }

  @inline(__always) func clamped(_ r: Double) -> Double { r < eps ? eps : r }

  /// `s(x, y)`.
  @inline(__always)
  public func similarity(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>) -> Double {
    let nx = clamped(Self.norm.norm(count: x.count) { x[$0] })
    let ny = clamped(Self.norm.norm(count: y.count) { y[$0] })
    var total = 0.0
    for i in 0..<x.count { total += (x[i] / nx) * (y[i] / ny) }
    return total
  }

  /// Adds `g·∂s/∂x` to `dx` and `g·∂s/∂y` to `dy`.
  @inline(__always)
  public func addGradient(
    _ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>, upstream g: Double,
    dx: UnsafeMutableBufferPointer<Double>, dy: UnsafeMutableBufferPointer<Double>
  ) {
    let count = x.count
    let rx = Self.norm.norm(count: count) { x[$0] }, ry = Self.norm.norm(count: count) { y[$0] }
    let nx = clamped(rx), ny = clamped(ry)
    // Gradients reaching the (clamped) norms through the divisions x/n_x and y/n_y.
    var gnx = 0.0, gny = 0.0
    for i in 0..<count {
      let u = x[i] / nx, v = y[i] / ny
      let gu = g * v, gv = g * u
      dx[i] += gu / nx
      dy[i] += gv / ny
      gnx += -gu * (u / nx)
      gny += -gv * (v / ny)
    }
    Self.norm.gradient(count: count, norm: rx, upstream: gnx, { x[$0] }) { i, value in dx[i] += value }
    Self.norm.gradient(count: count, norm: ry, upstream: gny, { y[$0] }) { i, value in dy[i] += value }
  }
}

/// `1 − F.cosine_similarity(x, y, dim=-1)`: the `cosine` distance of
/// `triplet_margin_with_distance_loss`.
public struct CosineDistance: RowDistance {
  public var similarity = CosineSimilarity()

  public init() {}

  @inline(__always)
  public func distance(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>) -> Double {
    1 - similarity.similarity(x, y)
  }

  @inline(__always)
  public func addGradient(
    _ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>, distance d: Double, upstream g: Double,
    dx: UnsafeMutableBufferPointer<Double>, dy: UnsafeMutableBufferPointer<Double>
  ) {
    similarity.addGradient(x, y, upstream: -g, dx: dx, dy: dy)
  }
}
