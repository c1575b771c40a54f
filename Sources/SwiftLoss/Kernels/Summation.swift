/// Deterministic, accurate summation shared by every reduction.
///
/// Blocks of ``blockSize`` elements are summed pairwise (error O(log n · ε), like ATen's cascade
/// sum), block sums are combined pairwise in index order. The blocks do not depend on the thread
/// count, so a sum is bit-identical whether one or two cores computed it.
public enum Summation {
  static let blockSize = 1 << 12

  /// Σ values.
  public static func sum(_ values: [Double]) -> Double {
    values.withUnsafeBufferPointer { sum($0) }
  }

  public static func sum(_ values: UnsafeBufferPointer<Double>) -> Double {
    let n = values.count
    if n <= blockSize { return pairwise(values) }
    let blocks = (n + blockSize - 1) / blockSize
    var partial = [Double](repeating: 0, count: blocks)
    let values = UnsafeSharedReadBuffer(values)
    partial.withSharedMutableBuffer { out in
      Parallel.forRanges(count: blocks, minimumChunk: 16) { range in
        for block in range {
          let start = block * blockSize
          let end = min(n, start + blockSize)
          out[block] = pairwise(values.reading(start..<end))
        }
      }
    }
    return partial.withUnsafeBufferPointer { total(ofBlockSums: $0) }
  }

  /// Σ of `count` values that are generated rather than stored: `fill(range, buffer)` writes the
  /// values of `range` (at most ``blockSize`` of them) to `buffer`. Bit-identical to
  /// ``sum(_:)-(UnsafeBufferPointer<Double>)`` over the materialised values, without the array.
  public static func sum(count n: Int, _ fill: @Sendable (Range<Int>, UnsafeMutablePointer<Double>) -> Void) -> Double {
    guard n > 0 else { return 0 }
    if n <= blockSize {
      return withUnsafeTemporaryAllocation(of: Double.self, capacity: n) { buffer in
        guard let base = buffer.baseAddress else { return 0 }
        fill(0..<n, base)
        return pairwise(UnsafeBufferPointer(buffer))
      }
    }
    let blocks = (n + blockSize - 1) / blockSize
    var partial = [Double](repeating: 0, count: blocks)
    partial.withSharedMutableBuffer { out in
      Parallel.forRanges(count: blocks, minimumChunk: 16) { range in
        withUnsafeTemporaryAllocation(of: Double.self, capacity: blockSize) { buffer in
          guard let base = buffer.baseAddress else { return }
          for block in range {
            let start = block * blockSize
            let end = min(n, start + blockSize)
            fill(start..<end, base)
            out[block] = pairwise(UnsafeBufferPointer(rebasing: buffer[0..<(end - start)]))
          }
        }
      }
    }
    return partial.withUnsafeBufferPointer { total(ofBlockSums: $0) }
  }

  /// The sum of all values from their block sums (block `k` summed ``pairwise(_:)`` over elements
  /// `k · blockSize ..< (k + 1) · blockSize`): what ``sum(_:)-(UnsafeBufferPointer<Double>)``
  /// returns for those values.
  static func total(ofBlockSums sums: UnsafeBufferPointer<Double>) -> Double {
    sums.count == 1 ? sums[0] : pairwise(sums)
  }

  /// Pairwise sum: recursion down to runs of 8 summed left to right.
  static func pairwise(_ values: UnsafeBufferPointer<Double>) -> Double {
    let n = values.count
    if n <= 8 {
      var total = 0.0
      for value in values { total += value }
      return n == 0 ? 0 : total
    }
    let half = n / 2
    return pairwise(UnsafeBufferPointer(rebasing: values[..<half]))
      + pairwise(UnsafeBufferPointer(rebasing: values[half...]))
  }
}
