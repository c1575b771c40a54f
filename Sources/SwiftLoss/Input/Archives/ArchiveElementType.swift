#if canImport(Glibc)
  import Glibc
#endif

/// The element types that archives of named tensors hold (safetensors, PyTorch `.pt`), and their
/// conversion to float64, the one element type of swiftloss.
///
/// Conversion is a bulk pass over raw bytes (any alignment, either byte order): a float64 file in
/// the host's byte order is one `memcpy`, everything else one branch-free loop per type. Large
/// tensors are converted on every core, in chunks fixed by size (see ``Parallel``).
enum ArchiveElementType: Sendable, Equatable, CaseIterable {
  case float64, float32, float16, bfloat16, int64, int32, int16, int8, uint8, bool

  /// Bytes per element.
  var size: Int {
    switch self {
    case .float64, .int64: return 8
    case .float32, .int32: return 4
    case .float16, .bfloat16, .int16: return 2
    case .int8, .uint8, .bool: return 1
    }
  }

  /// PyTorch's name for the type, for messages (`float32`, `bfloat16`, ...).
  var torchName: String {
    switch self {
    case .float64: return "float64"
    case .float32: return "float32"
    case .float16: return "float16"
    case .bfloat16: return "bfloat16"
    case .int64: return "int64"
    case .int32: return "int32"
    case .int16: return "int16"
    case .int8: return "int8"
    case .uint8: return "uint8"
    case .bool: return "bool"
    }
  }

  // MARK: - Contiguous data

  /// `count` elements stored back to back from `raw`, as float64. The caller has checked that
  /// `count * size` bytes are readable.
  static func decode(_ raw: UnsafeRawPointer, count: Int, type: ArchiveElementType, bigEndian: Bool) -> [Double] {
    guard count > 0 else { return [] }
    let source = UnsafeSharedReadBuffer(bytes: raw, count: count * type.size)
    return LargeArray.make(count: count) { out in
      let out = UnsafeSharedBuffer(start: out, count: count)
      // 2^18 elements (2 MiB of float64) a chunk: the copy is memory-bound, and a second core
      // helps as soon as the page faults of the fresh output dominate.
      Parallel.forRanges(count: count, minimumChunk: 1 << 18) { range in
        LargeArray.prefault(out.base + range.lowerBound, byteCount: range.count * 8)
        prefaultRead(source.base + range.lowerBound * type.size, byteCount: range.count * type.size)
        decode(source.base, range: range, into: out.base, type: type, bigEndian: bigEndian)
      }
    }
  }

  /// Maps the pages of a file mapping about to be read in one system call
  /// (`MADV_POPULATE_READ`, Linux 5.14+) rather than one page fault per 4 KiB page. Harmless on
  /// memory already mapped; does nothing elsewhere or on older kernels.
  static func prefaultRead(_ pointer: UnsafeRawPointer, byteCount: Int) {
    LargeArray.populate(pointer, byteCount: byteCount, advice: 22)  // MADV_POPULATE_READ
  }

  /// `count` elements starting at `raw`, `stride` elements apart, into `out[0..<count]`.
  static func decodeStrided(
    _ raw: UnsafeRawPointer, stride: Int, count: Int, into out: UnsafeMutablePointer<Double>,
    type: ArchiveElementType, bigEndian: Bool
  ) {
    let step = stride * type.size
    let swap = bigEndian && type.size > 1
    switch (type, swap) {
    case (.float64, false):
      for k in 0..<count { out[k] = raw.loadUnaligned(fromByteOffset: k * step, as: Double.self) }
    case (.float32, false):
      for k in 0..<count { out[k] = Double(raw.loadUnaligned(fromByteOffset: k * step, as: Float.self)) }
    default:
      for k in 0..<count { decode(raw + k * step, range: 0..<1, into: out + k, type: type, bigEndian: bigEndian) }
    }
  }

  /// Converts elements `range` of `raw` into the same indices of `out`.
  static func decode(
    _ raw: UnsafeRawPointer, range: Range<Int>, into out: UnsafeMutablePointer<Double>,
    type: ArchiveElementType, bigEndian: Bool
  ) {
    let lo = range.lowerBound, hi = range.upperBound
    let swap = bigEndian && type.size > 1
    switch (type, swap) {
    case (.float64, false):
      // A byte copy: the source may be unaligned.
      UnsafeMutableRawPointer(out + lo).copyMemory(from: raw + 8 * lo, byteCount: 8 * (hi - lo))
    case (.float64, true):
      for k in lo..<hi {
        out[k] = Double(bitPattern: raw.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self).byteSwapped)
      }
    case (.float32, false):
      for k in lo..<hi { out[k] = Double(Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self))) }
    case (.float32, true):
      for k in lo..<hi {
        out[k] = Double(Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self).byteSwapped))
      }
    case (.float16, _):
      for k in lo..<hi {
        let bits = raw.loadUnaligned(fromByteOffset: 2 * k, as: UInt16.self)
        out[k] = NPYReader.halfToDouble(swap ? bits.byteSwapped : bits)
      }
    case (.bfloat16, _):
      // bfloat16 is the top half of a float32: exact.
      for k in lo..<hi {
        let bits = raw.loadUnaligned(fromByteOffset: 2 * k, as: UInt16.self)
        out[k] = Double(Float(bitPattern: UInt32(swap ? bits.byteSwapped : bits) << 16))
      }
    case (.int64, _):
      for k in lo..<hi {
        let bits = raw.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self)
        out[k] = Double(Int64(bitPattern: swap ? bits.byteSwapped : bits))
      }
    case (.int32, _):
      for k in lo..<hi {
        let bits = raw.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self)
        out[k] = Double(Int32(bitPattern: swap ? bits.byteSwapped : bits))
      }
    case (.int16, _):
      for k in lo..<hi {
        let bits = raw.loadUnaligned(fromByteOffset: 2 * k, as: UInt16.self)
        out[k] = Double(Int16(bitPattern: swap ? bits.byteSwapped : bits))
      }
    case (.int8, _):
      for k in lo..<hi { out[k] = Double(Int8(bitPattern: raw.load(fromByteOffset: k, as: UInt8.self))) }
    case (.uint8, _):
      for k in lo..<hi { out[k] = Double(raw.load(fromByteOffset: k, as: UInt8.self)) }
    case (.bool, _):
      for k in lo..<hi { out[k] = raw.load(fromByteOffset: k, as: UInt8.self) != 0 ? 1 : 0 }
    }
  }

  // MARK: - Strided views

  /// The elements of a strided view of a storage of `storageCount` elements at `raw`, in
  /// row-major order of `shape`: element (i0, i1, ...) is storage element
  /// `offset + i0 * strides[0] + i1 * strides[1] + ...`.
  ///
  /// Returns nil when some element would fall outside the storage (or the arithmetic overflows):
  /// the caller reports it. A contiguous view is one bulk conversion; otherwise the last axis is
  /// gathered by its stride, row after row.
  static func gather(
    _ raw: UnsafeRawPointer, storageCount: Int, type: ArchiveElementType, bigEndian: Bool,
    offset: Int, shape: [Int], strides: [Int]
  ) -> [Double]? {
    guard shape.count == strides.count, offset >= 0 else { return nil }
    guard let count = Shape.elementCountIfValid(shape) else { return nil }
    if count == 0 { return offset <= storageCount ? [] : nil }
    // The furthest element: offset + sum((size - 1) * stride), all non-negative.
    var last = offset
    for (size, stride) in zip(shape, strides) {
      guard stride >= 0 else { return nil }
      let (step, o1) = (size - 1).multipliedReportingOverflow(by: stride)
      let (next, o2) = last.addingReportingOverflow(step)
      guard !o1, !o2 else { return nil }
      last = next
    }
    guard last < storageCount else { return nil }
    // Contiguous (row-major strides, size-1 axes excepted): one bulk conversion.
    var expected = 1
    var contiguous = true
    for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] != 1 {
      if strides[axis] != expected { contiguous = false; break }
      expected *= shape[axis]
    }
    let size = type.size
    if contiguous {
      return decode(raw + offset * size, count: count, type: type, bigEndian: bigEndian)
    }
    let rank = shape.count
    let inner = shape[rank - 1]
    let innerStride = strides[rank - 1]
    let rows = count / inner
    let source = UnsafeSharedReadBuffer(bytes: raw, count: storageCount * size)
    return LargeArray.make(count: count) { out in
      let out = UnsafeSharedBuffer(start: out, count: count)
      // Rows (runs of the last axis) on every core: each range of rows finds its first row's
      // storage position, then walks the outer multi-index.
      Parallel.forRanges(count: rows, minimumChunk: max(1, (1 << 16) / max(1, inner))) { range in
        var index = [Int](repeating: 0, count: max(0, rank - 1))
        var base = offset
        var remainder = range.lowerBound
        for axis in stride(from: rank - 2, through: 0, by: -1) {
          index[axis] = remainder % shape[axis]
          remainder /= shape[axis]
          base += index[axis] * strides[axis]
        }
        for row in range {
          let target = out.base + row * inner
          if innerStride == 1 {
            decode(source.base + base * size, range: 0..<inner, into: target, type: type, bigEndian: bigEndian)
          } else {
            decodeStrided(
              source.base + base * size, stride: innerStride, count: inner, into: target, type: type,
              bigEndian: bigEndian)
          }
          // Advance the outer multi-index (row-major), keeping `base` its storage position. (Wrapping
          // arithmetic: a size-1 axis may carry any stride, which is added and taken off again.)
          var axis = rank - 2
          while axis >= 0 {
            index[axis] += 1
            base &+= strides[axis]
            if index[axis] < shape[axis] { break }
            base &-= strides[axis] &* shape[axis]
            index[axis] = 0
            axis -= 1
          }
        }
      }
    }
  }
}
