import SwiftLoss

/// Writes a row-major tensor as nested arrays, `[[1.0, 2.0], [3.0, 4.0]]`, the layout both
/// `data` in JSON and `tolist()` use. Ranges of elements can be written independently (and so in
/// parallel): each element carries the brackets and separator that come before it.
enum NestedArrayWriter {
  /// The most `[]` leaves an empty tensor may print (a shape like `(10^9, 10^9, 0)` would otherwise
  /// print forever).
  static let maxEmptyLeaves = 1 << 24

  /// The whole tensor: a bare number for 0-d, nested brackets otherwise.
  static func write(_ tensor: Tensor, numbers: NumberWriter, into buffer: OutputBuffer) throws(CommandError) {
    if tensor.shape.isEmpty {
      numbers.append(tensor.storage.first ?? .nan, to: buffer)
      return
    }
    if tensor.count == 0 {
      try writeEmpty(shape: tensor.shape, into: buffer)
      return
    }
    open(rank: tensor.rank, into: buffer)
    tensor.storage.withUnsafeBufferPointer { storage in
      writeElements(storage, shape: tensor.shape, range: 0..<tensor.count, numbers: numbers, into: buffer)
    }
    close(rank: tensor.rank, into: buffer)
  }

  static func open(rank: Int, into buffer: OutputBuffer) {
    buffer.append(UInt8(ascii: "["), repeating: rank)
  }

  static func close(rank: Int, into buffer: OutputBuffer) {
    buffer.append(UInt8(ascii: "]"), repeating: rank)
  }

  /// Elements `range` of a non-empty tensor of rank ≥ 1, each preceded by what separates it from
  /// the previous element (`, ` or `], [` ...), except element 0. The caller writes the
  /// ``open(rank:into:)`` and ``close(rank:into:)`` brackets around the whole.
  static func writeElements(
    _ storage: UnsafeBufferPointer<Double>, shape: [Int], range: Range<Int>, numbers: NumberWriter,
    into buffer: OutputBuffer
  ) {
    guard !range.isEmpty, let last = shape.last, last > 0 else { return }
    let rank = shape.count
    // blocks[m] = product of the last m dimensions, m in 1..<rank.
    var blocks = [Int](repeating: 1, count: rank)
    var running = 1
    for m in 1..<max(rank, 1) {
      running &*= shape[rank - m]
      blocks[m] = running
    }
    let room = numbers.maxLength + 2 * rank + 2
    // Room for a block of elements is reserved at once, and the block is written through a local
    // pointer: no per-element bookkeeping on the buffer object.
    let block = max(1, min(4096, (1 << 20) / room))
    var column = range.lowerBound % last
    var i = range.lowerBound
    blocks.withUnsafeBufferPointer { blocks in
      while i < range.upperBound {
        let blockEnd = min(range.upperBound, i + block)
        let start = buffer.reserve((blockEnd - i) * room)
        var p = start
        while i < blockEnd {
          if i > 0 {
            if column == 0 && rank > 1 {
              var k = 1
              while k < rank - 1 && i % blocks[k + 1] == 0 { k += 1 }
              for _ in 0..<k { p.pointee = UInt8(ascii: "]"); p += 1 }
              p[0] = UInt8(ascii: ","); p[1] = UInt8(ascii: " "); p += 2
              for _ in 0..<k { p.pointee = UInt8(ascii: "["); p += 1 }
            } else {
              p[0] = UInt8(ascii: ","); p[1] = UInt8(ascii: " "); p += 2
            }
          }
          p += numbers.write(storage[i], to: p)
          column += 1
          if column == last { column = 0 }
          i += 1
        }
        buffer.advance(by: p - start)
      }
    }
  }

  /// `[]`, `[[], []]`, ... for a shape with a zero dimension.
  static func writeEmpty(shape: [Int], into buffer: OutputBuffer) throws(CommandError) {
    var leaves = 1
    for dim in shape {
      if dim == 0 { break }
      let (product, overflow) = leaves.multipliedReportingOverflow(by: dim)
      guard !overflow, product <= maxEmptyLeaves else {
        throw CommandError.data("cannot print an empty tensor of shape \(Shape.describe(shape)): too many empty rows")
      }
      leaves = product
    }
    func emit(_ axis: Int) {
      if shape[axis] == 0 {
        buffer.append("[]")
        return
      }
      buffer.append(UInt8(ascii: "["))
      for index in 0..<shape[axis] {
        if index > 0 { buffer.append(", ") }
        emit(axis + 1)
      }
      buffer.append(UInt8(ascii: "]"))
    }
    emit(0)
  }
}
