import SwiftLoss

/// `--format csv|tsv`: one tensor as a table that `numpy.loadtxt(f, delimiter=",", ndmin=...)`
/// and `pandas.read_csv(f, header=None)` read back with its shape:
///
/// - 0-d: the number alone on one line;
/// - 1-D: one number a line (a column);
/// - 2-D: one row a line, the columns separated;
/// - rank 3 and more: a header `i0,i1,...,value` and one `i0,i1,...,value` row per element, in
///   row-major order (pandas: `read_csv(f).pivot`/`set_index`, numpy: reshape the last column).
///
/// Non-finite numbers are `nan`, `inf`, `-inf`, which both readers take.
enum DelimitedRenderer {
  static func render(_ tensor: Tensor, separator: UInt8, into out: ChunkedOutput) throws(CommandError) {
    if tensor.rank >= 3 {
      for axis in 0..<tensor.rank {
        out.append("i\(axis)")
        out.text.append(separator)
      }
      out.append("value\n")
    }
    out.appendDelimited(tensor, separator: separator)
  }

  /// Elements `range` of the tensor, each on its line (or row, for 2-D); ranges can be written
  /// independently, so large tensors are formatted in parallel chunks.
  static func writeElements(
    _ storage: UnsafeBufferPointer<Double>, shape: [Int], range: Range<Int>, separator: UInt8, numbers: NumberWriter,
    into buffer: OutputBuffer
  ) {
    guard !range.isEmpty else { return }
    let rank = shape.count
    if rank <= 1 {
      for i in range {
        let p = buffer.reserve(numbers.maxLength + 1)
        var n = numbers.write(storage[i], to: p)
        p[n] = UInt8(ascii: "\n")
        n += 1
        buffer.advance(by: n)
      }
      return
    }
    if rank == 2 {
      let columns = shape[1]
      guard columns > 0 else { return }
      for i in range {
        let p = buffer.reserve(numbers.maxLength + 1)
        var n = numbers.write(storage[i], to: p)
        p[n] = (i + 1) % columns == 0 ? UInt8(ascii: "\n") : separator
        n += 1
        buffer.advance(by: n)
      }
      return
    }
    // Rank ≥ 3: the index of element range.lowerBound, then counted up like an odometer.
    var index = [Int](repeating: 0, count: rank)
    var rest = range.lowerBound
    for axis in stride(from: rank - 1, through: 0, by: -1) where shape[axis] > 0 {
      index[axis] = rest % shape[axis]
      rest /= shape[axis]
    }
    for i in range {
      for axis in 0..<rank {
        buffer.append(int: index[axis])
        buffer.append(separator)
      }
      let p = buffer.reserve(numbers.maxLength + 1)
      var n = numbers.write(storage[i], to: p)
      p[n] = UInt8(ascii: "\n")
      n += 1
      buffer.advance(by: n)
      var axis = rank - 1
      while axis >= 0 {
        index[axis] += 1
        if index[axis] < shape[axis] { break }
        index[axis] = 0
        axis -= 1
      }
    }
  }
}
