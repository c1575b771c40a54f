/// PyTorch broadcasting, written once: shapes are aligned at the right; each pair of sizes must be
/// equal or contain a 1, and the result takes the larger.
public enum Broadcasting {
  /// The broadcast shape of `shapes`, or `nil` when they are incompatible.
  public static func shape(_ shapes: [[Int]]) -> [Int]? {
    let rank = shapes.map(\.count).max() ?? 0
    var result = [Int](repeating: 1, count: rank)
    for dims in shapes {
      let offset = rank - dims.count
      for (axis, size) in dims.enumerated() {
        let current = result[offset + axis]
        if current == size || size == 1 { continue }
        if current == 1 { result[offset + axis] = size } else { return nil }
      }
    }
    return result
  }

  /// The broadcast shape, or PyTorch's error message naming the first incompatible dimension.
  public static func shape(_ a: [Int], _ b: [Int]) throws(ShapeError) -> [Int] {
    let rank = max(a.count, b.count)
    var result = [Int](repeating: 1, count: rank)
    for axis in 0..<rank {
      let i = axis - (rank - a.count), j = axis - (rank - b.count)
      let x = i >= 0 ? a[i] : 1, y = j >= 0 ? b[j] : 1
      if x == y || y == 1 {
        result[axis] = x
      } else if x == 1 {
        result[axis] = y
      } else {
        throw ShapeError(
          "The size of tensor a (\(x)) must match the size of tensor b (\(y)) at non-singleton dimension \(axis)")
      }
    }
    return result
  }

  /// `tensor`'s elements laid out over `shape` (which must be a broadcast of `tensor.shape`).
  /// Returns the storage unchanged when no expansion is needed.
  public static func expand(_ tensor: Tensor, to shape: [Int]) -> [Double] {
    if tensor.shape == shape { return tensor.storage }
    let total = Shape.elementCountIfValid(shape) ?? 0
    if tensor.count == 1 { return [Double](repeating: tensor.storage[0], count: total) }
    let sourceStrides = alignedStrides(of: tensor.shape, to: shape)
    var result = [Double](repeating: 0, count: total)
    guard total > 0 else { return result }
    tensor.storage.withUnsafeBufferPointer { source in
      result.withUnsafeMutableBufferPointer { out in
        forEachIndex(shape: shape, strides: sourceStrides) { flat, offset in out[flat] = source[offset] }
      }
    }
    return result
  }

  /// Sums `values` (laid out over `shape`) down to `target`, the inverse of ``expand(_:to:)``:
  /// the gradient of a broadcast operand is the sum over the dimensions it was broadcast along.
  public static func sumReduce(_ values: [Double], from shape: [Int], to target: [Int]) -> [Double] {
    if shape == target { return values }
    let targetCount = Shape.elementCountIfValid(target) ?? 0
    var result = [Double](repeating: 0, count: targetCount)
    guard !values.isEmpty, targetCount > 0 else { return result }
    let targetStrides = alignedStrides(of: target, to: shape)
    values.withUnsafeBufferPointer { source in
      result.withUnsafeMutableBufferPointer { out in
        forEachIndex(shape: shape, strides: targetStrides) { flat, offset in out[offset] += source[flat] }
      }
    }
    return result
  }

  /// Strides of `dims` viewed inside the larger `shape`: 0 along broadcast (size-1 or missing) axes.
  static func alignedStrides(of dims: [Int], to shape: [Int]) -> [Int] {
    let own = Shape.strides(dims)
    let offset = shape.count - dims.count
    return (0..<shape.count).map { axis in
      let i = axis - offset
      return i >= 0 && dims[i] != 1 ? own[i] : 0
    }
  }

  /// Calls `body(flatIndex, offset)` for every element of `shape` in row-major order, where `offset`
  /// is the position under `strides`. The innermost axis runs as a plain loop.
  static func forEachIndex(shape: [Int], strides: [Int], _ body: (Int, Int) -> Void) {
    let rank = shape.count
    if rank == 0 { body(0, 0); return }
    let inner = shape[rank - 1], innerStride = strides[rank - 1]
    var index = [Int](repeating: 0, count: rank)
    var flat = 0, base = 0
    let total = shape.reduce(1, *)
    while flat < total {
      var offset = base
      for _ in 0..<inner {
        body(flat, offset)
        flat += 1
        offset += innerStride
      }
      // Advance the outer axes like an odometer.
      var axis = rank - 2
      while axis >= 0 {
        index[axis] += 1
        base += strides[axis]
        if index[axis] < shape[axis] { break }
        base -= strides[axis] * shape[axis]
        index[axis] = 0
        axis -= 1
      }
    }
  }
}
