#if canImport(Glibc)
  import Glibc
#endif

/// A tensor seen as `(outer, classes, inner)` around its class dimension: element `(o, c, j)` is at
/// flat index `(o·classes + c)·inner + j`. A "row" is the `classes` elements of one `(o, j)`.
public struct ClassLayout: Sendable, Equatable {
  public var outer: Int
  public var classes: Int
  public var inner: Int

  public init(outer: Int, classes: Int, inner: Int) {
    self.outer = outer
    self.classes = classes
    self.inner = inner
  }

  /// PyTorch's class dimension: 0 for a 1-D tensor `(C)`, else 1 (`(N, C, d1, ..., dk)`).
  /// `nil` for a 0-d tensor, which has no class dimension.
  public init?(shape: [Int]) throws(ShapeError) {
    guard !shape.isEmpty else { return nil }
    try self.init(shape: shape, classDim: shape.count == 1 ? 0 : 1)
  }

  /// The layout around an arbitrary dimension `classDim` of `shape`. Throws when the rows (the
  /// shape without its class dimension) are too many to hold, which an empty class dimension
  /// allows; rows of an empty tensor are 0 however large the other dimensions are.
  public init(shape: [Int], classDim: Int) throws(ShapeError) {
    var others = shape
    others.remove(at: classDim)
    classes = shape[classDim]
    if others.contains(0) {
      outer = 0
      inner = 0
    } else {
      _ = try Shape.elementCount(others)
      outer = shape[..<classDim].reduce(1, *)
      inner = shape[(classDim + 1)...].reduce(1, *)
    }
  }

  /// The number of rows, `outer·inner` (0 for an empty tensor).
  public var rows: Int { outer * inner }

  /// The flat index of class 0 of row `row` (rows are numbered `o·inner + j`), and the stride
  /// between classes.
  @inline(__always) public func start(ofRow row: Int) -> Int {
    let o = row / inner, j = row - o * inner
    return o * classes * inner + j
  }
}

/// `log_softmax` along the class dimension, as ATen computes it, and its backward.
///
/// ```
/// m = max_c x_c
/// out_c = (x_c − m) − log Σ_j exp(x_j − m)
/// ```
/// Stable for any finite logits (the largest term of the sum is exactly 1). A row containing `+inf`
/// or NaN gives NaN; `−inf` logits give `−inf` (probability 0). The backward is
/// `dx_c = g_c − exp(out_c)·Σ_j g_j`, so that `exp(out)` (not a separately computed softmax) is
/// what the gradient sees, as in PyTorch.
public enum LogSoftmax {
  /// Rows per parallel chunk: enough elements that the dispatch cost is negligible.
  static func rowsPerChunk(_ layout: ClassLayout) -> Int {
    max(1, Parallel.threshold / max(1, layout.classes))
  }

  /// `log_softmax(x)` over the class dimension of `layout`; `x.count == layout.rows · classes`.
  public static func forward(_ x: [Double], layout: ClassLayout) -> [Double] {
    let classes = layout.classes, inner = layout.inner
    var out = [Double](repeating: 0, count: x.count)
    guard classes > 0 else { return out }
    x.withUnsafeBufferPointer { xs in
      out.withUnsafeMutableBufferPointer { os in
        nonisolated(unsafe) let xs = xs, os = os
        Parallel.forRanges(count: layout.rows, minimumChunk: rowsPerChunk(layout)) { rows in
          var terms = [Double](repeating: 0, count: classes)
          terms.withUnsafeMutableBufferPointer { buffer in
            for row in rows {
              let base = layout.start(ofRow: row)
              let (m, sum) = shiftAndSum(xs, base: base, classes: classes, inner: inner, terms: buffer)
              let logSum = log(sum)
              for c in 0..<classes { os[base + c * inner] = (xs[base + c * inner] - m) - logSum }
            }
          }
        }
      }
    }
    return out
  }

  /// The first steps of one row, as ``forward(_:layout:)`` takes them: the row's maximum `m` and
  /// `Σ_c exp(x_c − m)` (the terms left in `terms`, which holds `classes` elements).
  @inline(__always)
  static func shiftAndSum(
    _ xs: UnsafeBufferPointer<Double>, base: Int, classes: Int, inner: Int, terms: UnsafeMutableBufferPointer<Double>
  ) -> (max: Double, sum: Double) {
    var m = -Double.infinity
    for c in 0..<classes {
      let v = xs[base + c * inner]
      // NaN propagates like ATen's max (a NaN maximum makes the whole row NaN).
      if v > m || v.isNaN { m = v }
      if m.isNaN { break }
    }
    // An all −inf row: x − m would be NaN; ATen gives −inf − (−inf) = NaN too, so keep it.
    for c in 0..<classes { terms[c] = exp(xs[base + c * inner] - m) }
    return (m, Summation.sum(UnsafeBufferPointer(terms)))
  }

  /// ``shiftAndSum(_:base:classes:inner:terms:)`` of one row given alone, for the `--explain`
  /// trace: the maximum `m` and `Σ_c exp(x_c − m)` the kernel computes for it.
  static func shiftAndSum(_ row: [Double]) -> (max: Double, sum: Double) {
    var terms = [Double](repeating: 0, count: row.count)
    return row.withUnsafeBufferPointer { xs in
      terms.withUnsafeMutableBufferPointer { shiftAndSum(xs, base: 0, classes: row.count, inner: 1, terms: $0) }
    }
  }

  /// Replaces `gradient` (d loss / d out, same layout) by d loss / d x, given `output` = log_softmax(x):
  /// `dx_c = g_c − exp(out_c)·Σ_j g_j` per row.
  public static func backward(_ gradient: inout [Double], output: [Double], layout: ClassLayout) {
    let classes = layout.classes, inner = layout.inner
    guard classes > 0 else { return }
    output.withUnsafeBufferPointer { outs in
      gradient.withUnsafeMutableBufferPointer { gs in
        nonisolated(unsafe) let outs = outs, gs = gs
        Parallel.forRanges(count: layout.rows, minimumChunk: rowsPerChunk(layout)) { rows in
          var terms = [Double](repeating: 0, count: classes)
          terms.withUnsafeMutableBufferPointer { buffer in
            for row in rows {
              let base = layout.start(ofRow: row)
              for c in 0..<classes { buffer[c] = gs[base + c * inner] }
              let total = Summation.sum(UnsafeBufferPointer(buffer))
              for c in 0..<classes {
                let i = base + c * inner
                gs[i] = gs[i] - exp(outs[i]) * total
              }
            }
          }
        }
      }
    }
  }
}
