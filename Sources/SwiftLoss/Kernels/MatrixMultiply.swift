/// `C = A·B` in float64 without BLAS: the projection of `linear_cross_entropy` and its two gradient
/// products (`dX = G·W`, `dW = Gᵀ·X`), up to 512 × 8192 × 512.
///
/// The classic blocked scheme (Goto/BLIS): the `k` dimension is cut into blocks of ``kBlock``;
/// for each block, a panel of `B` (``nBlock`` columns) and of `A` (``mBlock`` rows) is copied
/// ("packed") into contiguous buffers laid out in the order the micro-kernel reads them, so its
/// loads stream from L1/L2 whatever the strides of the operands (a transposed operand is just
/// other strides). The micro-kernel keeps a ``rowsPerTile`` × ``columnsPerTile`` tile of `C` in
/// eight `SIMD2<Double>` registers for the whole `k` block: per step, two vectors of `B`, four of
/// `A` (packed as pairs, so each load is a broadcast), a multiply and an add per accumulator.
///
/// Work is split over the output (column or row ranges of `C`, whichever repacks the smaller
/// operand), never over `k`: every element of `C` is summed in the same order — `k` blocks in
/// turn, each from its first to its last index — however many cores share the work, so results
/// are bit-identical on any machine. Zero-padding fills partial tiles; padded lanes are computed
/// and dropped.
public enum MatrixMultiply {
  /// A matrix operand: element `(i, j)` is at `base[i·rowStride + j·columnStride]`.
  public struct Operand: @unchecked Sendable {
    public var base: UnsafePointer<Double>
    public var rowStride: Int
    public var columnStride: Int

    public init(_ base: UnsafePointer<Double>, rowStride: Int, columnStride: Int) {
      self.base = base
      self.rowStride = rowStride
      self.columnStride = columnStride
    }

    /// The transpose, without moving anything.
    public var transposed: Operand { Operand(base, rowStride: columnStride, columnStride: rowStride) }

    @inline(__always) func at(_ i: Int, _ j: Int) -> Double { base[i &* rowStride &+ j &* columnStride] }
  }

  /// Rows of `C` held in registers by the micro-kernel.
  static let rowsPerTile = 4
  /// Columns of `C` held in registers by the micro-kernel (two `SIMD2<Double>` per row).
  static let columnsPerTile = 4
  /// The `k` block: a packed `A` tile and `B` tile (4 × 256 doubles each, 8 KiB) stay in L1.
  static let kBlock = 256
  /// Rows of `A` packed at once: 128 × 256 doubles (256 KiB) stay in L2.
  static let mBlock = 128
  /// Columns of `B` packed at once: 256 × 1024 doubles (2 MiB) stay in L3.
  static let nBlock = 1024
  /// Below this many multiply-adds the product runs on the calling thread.
  static let parallelThreshold = 1 << 18

  /// `C[m × n] = A[m × k] · B[k × n]`, `C` row-major with `cRowStride` (≥ n) between rows. With
  /// `k = 0`, `C` is all zeros; with `k = 1`, each element is the single product.
  public static func multiply(
    m: Int, n: Int, k: Int, _ a: Operand, _ b: Operand, into c: UnsafeMutablePointer<Double>, cRowStride: Int
  ) {
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
      for i in 0..<m { (c + i * cRowStride).update(repeating: 0, count: n) }
      return
    }
    guard k > 1 else {
      // An outer product: each element is one product, never added to a zero, so its sign is the
      // product's (a `-0.0` stays), as in PyTorch's `ger`/`mm` with one inner index.
      for i in 0..<m {
        let x = a.at(i, 0), row = c + i * cRowStride
        for j in 0..<n { row[j] = x * b.at(0, j) }
      }
      return
    }
    let work = m.multipliedReportingOverflow(by: n).partialValue.multipliedReportingOverflow(by: k).partialValue
    let threads = Parallel.threadCount
    // Split the output where the operand every part repacks is the smaller one: column ranges all
    // pack the whole of A (m·k), row ranges all of B (k·n). Parts are a few per thread so a core
    // slowed by other work does not hold up the end.
    let splitColumns = m <= n
    let extent = splitColumns ? n : m
    let unit = splitColumns ? columnsPerTile : rowsPerTile
    let tiles = (extent + unit - 1) / unit
    let parts = work < parallelThreshold || threads == 1 ? 1 : min(tiles, 4 * threads)
    let tilesPerPart = (tiles + parts - 1) / parts
    // The parts write disjoint column or row ranges of C.
    let output = UnsafeSharedBuffer(start: c, count: (m - 1) * cRowStride + n)
    let run: @Sendable (Int) -> Void = { part in
      let lower = part * tilesPerPart * unit, upper = min(extent, (part + 1) * tilesPerPart * unit)
      guard lower < upper else { return }
      if splitColumns {
        let columns = Operand(b.base + lower * b.columnStride, rowStride: b.rowStride, columnStride: b.columnStride)
        blocked(m: m, n: upper - lower, k: k, a, columns, output.base + lower, cRowStride)
      } else {
        let rows = Operand(a.base + lower * a.rowStride, rowStride: a.rowStride, columnStride: a.columnStride)
        blocked(m: upper - lower, n: n, k: k, rows, b, output.base + lower * cRowStride, cRowStride)
      }
    }
    if parts == 1 { run(0) } else { Parallel.perform(iterations: parts, run) }
  }

  /// One thread's product: the blocked loops over packed panels.
  static func blocked(
    m: Int, n: Int, k: Int, _ a: Operand, _ b: Operand, _ c: UnsafeMutablePointer<Double>, _ ldc: Int
  ) {
    let mr = rowsPerTile, nr = columnsPerTile
    let nPanel = min(n, nBlock), mPanel = min(m, mBlock), kPanel = min(k, kBlock)
    let packedB = UnsafeMutablePointer<Double>.allocate(capacity: roundUp(nPanel, nr) * kPanel)
    let packedA = UnsafeMutablePointer<Double>.allocate(capacity: 2 * roundUp(mPanel, mr) * kPanel)
    defer {
      packedB.deallocate()
      packedA.deallocate()
    }
    var j0 = 0
    while j0 < n {
      let nc = min(nBlock, n - j0)
      var p0 = 0
      while p0 < k {
        let kc = min(kBlock, k - p0)
        packB(b, rows: p0, kc, columns: j0, nc, into: packedB)
        var i0 = 0
        while i0 < m {
          let mc = min(mBlock, m - i0)
          packA(a, rows: i0, mc, columns: p0, kc, into: packedA)
          var jr = 0
          while jr < nc {
            let bTile = packedB + jr * kc
            let columns = min(nr, nc - jr)
            var ir = 0
            while ir < mc {
              let target = c + (i0 + ir) * ldc + j0 + jr
              tile(
                kc: kc, packedA + 2 * ir * kc, bTile, target, ldc, rows: min(mr, mc - ir), columns: columns,
                accumulate: p0 > 0)
              ir += mr
            }
            jr += nr
          }
          i0 += mc
        }
        p0 += kc
      }
      j0 += nc
    }
  }

  @inline(__always) static func roundUp(_ x: Int, _ step: Int) -> Int { (x + step - 1) / step * step }

  /// Copies `B[rows p0 ..< p0+kc, columns j0 ..< j0+nc]` as tiles of `columnsPerTile` columns:
  /// tile `t`, step `p` holds `B[p0+p, j0+t·nr ..< j0+t·nr+nr]` (zeros past the last column).
  static func packB(
    _ b: Operand, rows p0: Int, _ kc: Int, columns j0: Int, _ nc: Int, into out: UnsafeMutablePointer<Double>
  ) {
    let nr = columnsPerTile
    var jr = 0
    while jr < nc {
      let tile = out + jr * kc, width = min(nr, nc - jr)
      if width == nr && b.columnStride == 1 {
        for p in 0..<kc {
          let source = b.base + (p0 + p) * b.rowStride + j0 + jr
          for j in 0..<nr { tile[p * nr + j] = source[j] }
        }
      } else {
        for j in 0..<nr {
          if j < width {
            let source = b.base + (j0 + jr + j) * b.columnStride + p0 * b.rowStride
            for p in 0..<kc { tile[p * nr + j] = source[p * b.rowStride] }
          } else {
            for p in 0..<kc { tile[p * nr + j] = 0 }
          }
        }
      }
      jr += nr
    }
  }

  /// Copies `A[rows i0 ..< i0+mc, columns p0 ..< p0+kc]` as tiles of `rowsPerTile` rows, each value
  /// twice: tile `t`, step `p` holds `A[i, p0+p]` for the tile's rows `i`, each as a pair (zeros
  /// past the last row). The pair is the broadcast the micro-kernel multiplies by, loaded as it is:
  /// baseline x86-64 (SSE2) has no load-and-broadcast, and a shuffle would compete with the
  /// multiplies and adds for the floating-point ports.
  static func packA(
    _ a: Operand, rows i0: Int, _ mc: Int, columns p0: Int, _ kc: Int, into out: UnsafeMutablePointer<Double>
  ) {
    let mr = rowsPerTile
    var ir = 0
    while ir < mc {
      let tile = out + 2 * ir * kc, height = min(mr, mc - ir)
      if height == mr && a.rowStride == 1 {
        for p in 0..<kc {
          let source = a.base + (p0 + p) * a.columnStride + i0 + ir
          for i in 0..<mr {
            tile[2 * (p * mr + i)] = source[i]
            tile[2 * (p * mr + i) + 1] = source[i]
          }
        }
      } else {
        for i in 0..<mr {
          if i < height {
            let source = a.base + (i0 + ir + i) * a.rowStride + p0 * a.columnStride
            for p in 0..<kc {
              let value = source[p * a.columnStride]
              tile[2 * (p * mr + i)] = value
              tile[2 * (p * mr + i) + 1] = value
            }
          } else {
            for p in 0..<kc {
              tile[2 * (p * mr + i)] = 0
              tile[2 * (p * mr + i) + 1] = 0
            }
          }
        }
      }
      ir += mr
    }
  }

  /// The micro-kernel: a 4 × 4 tile of `C` from one packed `A` tile (values in pairs) and one packed `B` tile,
  /// stored (`accumulate` false, the first `k` block) or added to `C`. Only `rows` × `columns` of
  /// the tile are written.
  @inline(__always)
  static func tile(
    kc: Int, _ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>, _ c: UnsafeMutablePointer<Double>,
    _ ldc: Int, rows: Int, columns: Int, accumulate: Bool
  ) {
    // Eight pairs of accumulators: row r, columns 0-1 and 2-3.
    var c00 = SIMD2<Double>(), c01 = SIMD2<Double>(), c10 = SIMD2<Double>(), c11 = SIMD2<Double>()
    var c20 = SIMD2<Double>(), c21 = SIMD2<Double>(), c30 = SIMD2<Double>(), c31 = SIMD2<Double>()
    let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b)
    for p in 0..<kc {
      let b0 = rawB.loadUnaligned(fromByteOffset: p &* 32, as: SIMD2<Double>.self)
      let b1 = rawB.loadUnaligned(fromByteOffset: p &* 32 &+ 16, as: SIMD2<Double>.self)
      let a0 = rawA.loadUnaligned(fromByteOffset: p &* 64, as: SIMD2<Double>.self)
      let a1 = rawA.loadUnaligned(fromByteOffset: p &* 64 &+ 16, as: SIMD2<Double>.self)
      let a2 = rawA.loadUnaligned(fromByteOffset: p &* 64 &+ 32, as: SIMD2<Double>.self)
      let a3 = rawA.loadUnaligned(fromByteOffset: p &* 64 &+ 48, as: SIMD2<Double>.self)
      // Separate multiply and add: without a known FMA, `addingProduct` would call `fma` per lane.
      c00 += b0 * a0
      c01 += b1 * a0
      c10 += b0 * a1
      c11 += b1 * a1
      c20 += b0 * a2
      c21 += b1 * a2
      c30 += b0 * a3
      c31 += b1 * a3
    }
    let c0 = SIMD4(lowHalf: c00, highHalf: c01), c1 = SIMD4(lowHalf: c10, highHalf: c11)
    let c2 = SIMD4(lowHalf: c20, highHalf: c21), c3 = SIMD4(lowHalf: c30, highHalf: c31)
    if rows == 4 && columns == 4 {
      store(c0, c, accumulate)
      store(c1, c + ldc, accumulate)
      store(c2, c + 2 * ldc, accumulate)
      store(c3, c + 3 * ldc, accumulate)
      return
    }
    let sums = [c0, c1, c2, c3]
    for i in 0..<rows {
      for j in 0..<columns {
        let target = c + i * ldc + j
        target.pointee = accumulate ? target.pointee + sums[i][j] : sums[i][j]
      }
    }
  }

  @inline(__always) static func store(_ v: SIMD4<Double>, _ c: UnsafeMutablePointer<Double>, _ accumulate: Bool) {
    let raw = UnsafeMutableRawPointer(c)
    if accumulate {
      raw.storeBytes(of: raw.loadUnaligned(as: SIMD4<Double>.self) + v, as: SIMD4<Double>.self)
    } else {
      raw.storeBytes(of: v, as: SIMD4<Double>.self)
    }
  }
}
