/// PyTorch's `F.pairwise_distance(x, y, p, eps) = ‖x − y + eps‖_p` over the last dimension.
///
/// `eps` is added to every component of the difference before the norm (so the distance is not
/// symmetric: `d([1,0],[0,0]) = 1.000001`, `d([0,0],[1,0]) = 0.999999`), in PyTorch's order
/// `(x − y) + eps`. The norm and its gradient are ``VectorNorm``'s; `∂d/∂y = −∂d/∂x`.
public struct PairwiseDistance: RowDistance {
  public var norm: VectorNorm
  public var eps: Double

  /// `F.pairwise_distance`'s defaults are `p = 2`, `eps = 1e-6`.
  public init(p: Double = 2, eps: Double = 1e-6) {
    self.norm = VectorNorm(p: p)
    self.eps = eps
  }

  @inline(__always)
  public func distance(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>) -> Double {
    let eps = self.eps
    return norm.norm(count: x.count) { i in (x[i] - y[i]) + eps }
  }

  @inline(__always)
  public func addGradient(
    _ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>, distance d: Double, upstream g: Double,
    dx: UnsafeMutableBufferPointer<Double>, dy: UnsafeMutableBufferPointer<Double>
  ) {
    let eps = self.eps
    // p = 0: norm_backward is undefined, autograd adds nothing and reports zeros.
    if norm.backward == .none {
      for i in 0..<x.count { dx[i] = 0; dy[i] = 0 }
      return
    }
    // x − y's backward: v for x, −v (negated, not 0 − v) for y; the buffers start at −0.0.
    norm.gradient(count: x.count, norm: d, upstream: g, { i in (x[i] - y[i]) + eps }) { i, v in
      dx[i] += v
      dy[i] += -v
    }
  }
}
