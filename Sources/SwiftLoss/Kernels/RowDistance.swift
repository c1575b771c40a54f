/// A distance between two vectors of equal length (one row of each operand), with its gradient:
/// `pairwise_distance` (``PairwiseDistance``) and `1 − cosine_similarity` (``CosineDistance``).
public protocol RowDistance: Sendable {
  /// `d(x, y)`; `x.count == y.count`.
  func distance(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>) -> Double
  /// Adds `g·∂d/∂x` to `dx` and `g·∂d/∂y` to `dy`, where `d = distance(x, y)`.
  func addGradient(
    _ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>, distance d: Double, upstream g: Double,
    dx: UnsafeMutableBufferPointer<Double>, dy: UnsafeMutableBufferPointer<Double>)
}

/// Two tensors compared row by row along their last dimension, as PyTorch's distance functions
/// do: the operands are broadcast together (same rank required by the callers), and the distance
/// of each pair of rows gives one element of a tensor shaped like the broadcast shape without its
/// last dimension. A 0-d pair is one row of length 1 whose distance is 0-d.
public struct PairedRows: Sendable {
  /// The broadcast shape of the two operands.
  public let pairShape: [Int]
  /// The shape of the distances: `pairShape` without its last dimension.
  public let outputShape: [Int]
  /// Row length (the last dimension; 1 for a 0-d pair).
  public let width: Int
  /// Number of rows (the element count of `outputShape`).
  public let rows: Int
  let xShape: [Int], yShape: [Int]
  let xs: [Double], ys: [Double]

  /// Broadcasts `x` and `y`; throws PyTorch's broadcasting error when they are incompatible.
  public init(_ x: Tensor, _ y: Tensor) throws(ShapeError) {
    let shape = try Broadcasting.shape(x.shape, y.shape)
    _ = try Shape.elementCount(shape)
    pairShape = shape
    outputShape = shape.isEmpty ? [] : Array(shape.dropLast())
    width = shape.last ?? 1
    rows = try Shape.elementCount(outputShape)
    xShape = x.shape
    yShape = y.shape
    xs = Broadcasting.expand(x, to: shape)
    ys = Broadcasting.expand(y, to: shape)
  }

  /// `d(x_r, y_r)` for every row `r`, in row-major order of ``outputShape``.
  public func distances<Distance: RowDistance>(_ distance: Distance) -> [Double] {
    var result = [Double](repeating: 0, count: rows)
    let width = self.width
    result.withSharedMutableBuffer { out in
      withSharedBuffers(xs, ys) { xb, yb in
        Parallel.forRanges(count: rows, minimumChunk: Self.chunk(width)) { range in
          for r in range {
            out[r] = distance.distance(xb.reading(Self.row(r, width)), yb.reading(Self.row(r, width)))
          }
        }
      }
    }
    return result
  }

  /// Adds `upstream[r]·∂d_r/∂x` to `dx` (shaped like the `x` operand) and `upstream[r]·∂d_r/∂y` to
  /// `dy` (shaped like `y`); gradients along broadcast dimensions are summed back.
  ///
  /// As autograd accumulates: a tensor's first contribution is its gradient as computed (`nil`
  /// before it), later ones are added, so the sign of a zero is PyTorch's (`−0.0` from the
  /// distance's backward survives unless another contribution is added to it).
  public func addGradients<Distance: RowDistance>(
    _ distance: Distance, distances: [Double], upstream: [Double], dx: inout [Double]?, dy: inout [Double]?
  ) {
    let count = Shape.elementCountIfValid(pairShape) ?? 0
    // −0.0, so that a kernel adding its one contribution per element leaves that contribution's sign.
    var px = [Double](repeating: -0.0, count: count), py = [Double](repeating: -0.0, count: count)
    accumulate(distance, distances: distances, upstream: upstream, dx: &px, dy: &py)
    // sum_to_size: ATen's sum starts from +0.0; without broadcasting the gradient is passed as is.
    Self.accumulate(xShape == pairShape ? px : Broadcasting.sumReduce(px, from: pairShape, to: xShape), into: &dx)
    Self.accumulate(yShape == pairShape ? py : Broadcasting.sumReduce(py, from: pairShape, to: yShape), into: &dy)
  }

  /// The row-wise gradient into buffers shaped like ``pairShape``.
  func accumulate<Distance: RowDistance>(
    _ distance: Distance, distances: [Double], upstream: [Double], dx: inout [Double], dy: inout [Double]
  ) {
    let width = self.width
    withSharedMutableBuffers(&dx, &dy) { gx, gy in
      withSharedBuffers(xs, ys, distances, upstream) { xb, yb, db, ub in
        Parallel.forRanges(count: rows, minimumChunk: Self.chunk(width)) { range in
          for r in range {
            let row = Self.row(r, width)
            distance.addGradient(
              xb.reading(row), yb.reading(row), distance: db[r], upstream: ub[r],
              dx: gx.writing(row), dy: gy.writing(row))
          }
        }
      }
    }
  }

  /// Rows per parallel chunk: about 2^16 elements.
  static func chunk(_ width: Int) -> Int { max(1, Parallel.threshold / max(width, 1)) }

  /// The elements of row `r`.
  @inline(__always)
  static func row(_ r: Int, _ width: Int) -> Range<Int> { (r * width)..<(r * width + width) }

  static func accumulate(_ values: [Double], into target: inout [Double]?) {
    guard var sum = target else {
      target = values
      return
    }
    for i in sum.indices { sum[i] += values[i] }
    target = sum
  }
}
