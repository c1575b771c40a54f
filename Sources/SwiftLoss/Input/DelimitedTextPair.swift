import Synchronization

/// Two delimited-text files of one shape, read together and never stored: for a pointwise loss of
/// which only the value is wanted, each thread parses the same rows of both files into buffers of
/// one ``Summation`` block and folds the elementwise loss into the block sums at once. Storing
/// the two tensors would cost more than the loss: their pages must be populated, written and read
/// back.
///
/// Only the common case is taken: both files are comma- or tab-separated text with the same
/// number of fields per row and of rows, and every line of their bodies is a row (no blank or
/// comment lines after the header), with no pandas index column, no quotes or booleans in the first
/// row, no decimal commas and no selected column (a quote or boolean further down makes ``sum(_:)``
/// decline). ``open(_:_:options:minimumBytes:units:)`` returns nil, and
/// ``sum(_:)`` returns nil, for anything else; the caller then reads the files the ordinary way,
/// which broadcasts and reports errors. The sum is bit-identical to summing the stored
/// elementwise loss: the same values, in the same blocks, added in the same order.
public final class DelimitedTextPair: @unchecked Sendable {
  /// The shape either file reads as.
  public let shape: [Int]
  /// The number of elements.
  public let count: Int

  private typealias Dialect = DelimitedTextReader.Dialect
  private let inputs: (first: InputBytes, second: InputBytes)
  private let dialects: (first: Dialect, second: Dialect)
  private let width: Int
  /// The work of one thread at a time: the same rows of both files, as byte ranges.
  private let units: [(rows: Range<Int>, first: Range<Int>, second: Range<Int>)]

  private init(
    shape: [Int], count: Int, inputs: (InputBytes, InputBytes), dialects: (Dialect, Dialect), width: Int,
    units: [(rows: Range<Int>, first: Range<Int>, second: Range<Int>)]
  ) {
    self.shape = shape
    self.count = count
    self.inputs = inputs
    self.dialects = dialects
    self.width = width
    self.units = units
  }

  deinit {
    inputs.first.releaseResidentPages()
    inputs.second.releaseResidentPages()
  }

  /// The widest row read this way: a thread's buffers hold a block plus a row.
  static let maximumWidth = 1 << 16

  /// The pair, when both sources are delimited text (by extension or sniffed) of at least
  /// `minimumBytes` with rows of the same width and as many lines; `units` fixes how many pieces
  /// the work is cut into (tests), else about a megabyte each. Their bytes are the sources' own,
  /// read once: when the pair declines, the ordinary readers take the same bytes.
  static func open(
    _ first: InputSource, _ second: InputSource, options: ReadOptions,
    minimumBytes: Int = DelimitedTextReader.parallelThreshold, units unitCount: Int? = nil
  ) -> DelimitedTextPair? {
    // Only plain numbers: decimal commas and a selected column take the ordinary path.
    guard !options.decimalComma, options.column == nil else { return nil }
    func side(_ source: InputSource) -> (InputBytes, Dialect)? {
      let input = source.bytes
      let format =
        source.path.map { TensorReader.format(of: input, path: $0, options: options) }
        ?? TensorReader.sniffedFormat(input, options)
      guard case .text(let given) = format else { return nil }
      let delimiter = given ?? FormatSniffing.sniffDelimiter(input)
      guard FormatSniffing.isValidDelimiter(delimiter), delimiter != 0x20 else { return nil }
      return (input, Dialect(delimiter: delimiter))
    }
    guard let (first, firstDialect) = side(first), let (second, secondDialect) = side(second) else {
      return nil
    }
    return make(first, firstDialect, second, secondDialect, minimumBytes: minimumBytes, units: unitCount)
  }

  /// ``open(_:_:options:minimumBytes:units:)`` of two paths (tests); nil when either cannot be read.
  static func open(
    _ first: String, _ second: String, options: ReadOptions,
    minimumBytes: Int = DelimitedTextReader.parallelThreshold, units unitCount: Int? = nil
  ) -> DelimitedTextPair? {
    guard let first = try? InputSource.open(path: first), let second = try? InputSource.open(path: second) else {
      return nil
    }
    return open(first, second, options: options, minimumBytes: minimumBytes, units: unitCount)
  }

  /// For the fuzzer: whether the pair of `first` and `second` (comma-separated, cut into `units`),
  /// when it gives a value, gives exactly the bits of reading both the ordinary way; the pair must
  /// decline whatever the ordinary readers refuse.
  package static func agreesWithOrdinaryReaders(_ first: [UInt8], _ second: [UInt8], units: Int) -> Bool {
    let dialect = Dialect(delimiter: UInt8(ascii: ","))
    guard let pair = make(InputBytes(first), dialect, InputBytes(second), dialect, minimumBytes: 0, units: units),
      let total = pair.sum(SquaredErrorKernel())
    else { return true }
    guard let input = try? DelimitedTextReader.read(InputBytes(first), label: "a.csv", delimiter: UInt8(ascii: ",")),
      let target = try? DelimitedTextReader.read(InputBytes(second), label: "b.csv", delimiter: UInt8(ascii: ",")),
      input.shape == pair.shape, target.shape == pair.shape,
      let ordinary = try? LossDefinition.mseLoss.run(
        LossCall(
          .mseLoss, tensors: [String: Tensor](keys: [.input: input, .target: target]),
          options: [OptionKey.reduction.name: Reduction.sum.optionValue], outputs: .value))
    else { return false }
    return total.bitPattern == ordinary.value.storage[0].bitPattern
  }

  private static func make(
    _ first: InputBytes, _ firstDialect: Dialect, _ second: InputBytes, _ secondDialect: Dialect,
    minimumBytes: Int, units unitCount: Int?
  ) -> DelimitedTextPair? {
    first.withBytes { (a: UnsafeBufferPointer<UInt8>) -> DelimitedTextPair? in
      second.withBytes { (b: UnsafeBufferPointer<UInt8>) -> DelimitedTextPair? in
        guard let baseA = a.baseAddress, let baseB = b.baseAddress,
          let bodyA = try? DelimitedTextReader.locateBody(a, label: "", dialect: firstDialect),
          let bodyB = try? DelimitedTextReader.locateBody(b, label: "", dialect: secondDialect),
          // A pandas index column is not data, and a first row of quotes or booleans is not plain.
          bodyA.indexColumns == 0, bodyB.indexColumns == 0, !bodyA.firstRowNeedsGeneral, !bodyB.firstRowNeedsGeneral,
          bodyA.width == bodyB.width, bodyA.width >= 1, bodyA.width <= maximumWidth,
          a.count - bodyA.bodyStart >= minimumBytes, b.count - bodyB.bodyStart >= minimumBytes,
          // Binary or zero-filled: the ordinary reader reports the first NUL without scanning on.
          !ByteScanner.sampledNUL(baseA, from: bodyA.bodyStart, to: a.count),
          !ByteScanner.sampledNUL(baseB, from: bodyB.bodyStart, to: b.count)
        else { return nil }
        let width = bodyA.width

        // Count the lines of both bodies, in chunks on all cores.
        let boundsA = DelimitedTextReader.chunkBounds(baseA, from: bodyA.bodyStart, to: a.count, chunks: unitCount)
        let boundsB = DelimitedTextReader.chunkBounds(baseB, from: bodyB.bodyStart, to: b.count, chunks: unitCount)
        let chunksA = boundsA.count - 1, chunksB = boundsB.count - 1
        let indexes = UnsafeMutableBufferPointer<LineIndex>.allocate(capacity: chunksA + chunksB)
        defer {
          _ = indexes.deinitialize()
          indexes.deallocate()
        }
        let shared = (indexes: UnsafeSharedBuffer(indexes), a: UnsafeSharedReadBuffer(a), b: UnsafeSharedReadBuffer(b))
        Parallel.perform(iterations: chunksA + chunksB) { k in
          let index =
            k < chunksA
            ? LineIndex(shared.a.base, from: boundsA[k], to: boundsA[k + 1])
            : LineIndex(shared.b.base, from: boundsB[k - chunksA], to: boundsB[k - chunksA + 1])
          shared.indexes.initializeElement(at: k, to: index)
        }
        let linesA = indexes[..<chunksA].map(\.lines), linesB = indexes[chunksA...].map(\.lines)
        let rows = linesA.reduce(0, +)
        guard rows == linesB.reduce(0, +) else { return nil }
        let (count, overflow) = rows.multipliedReportingOverflow(by: width)
        guard !overflow, count > 0, count <= Shape.maxElementCount else { return nil }

        // The units are the chunks of the first file; the same rows of the second are found from
        // its index.
        func offsetInSecond(ofRow row: Int) -> Int {
          var first = 0
          for k in 0..<chunksB {
            let lines = linesB[k]
            if row < first + lines { return indexes[chunksA + k].offset(ofLine: row - first, baseB) }
            first += lines
          }
          return b.count
        }
        var units: [(rows: Range<Int>, first: Range<Int>, second: Range<Int>)] = []
        var row = 0
        var secondStart = bodyB.bodyStart
        for k in 0..<chunksA {
          let next = row + linesA[k]
          let secondEnd = offsetInSecond(ofRow: next)
          units.append((row..<next, boundsA[k]..<boundsA[k + 1], secondStart..<secondEnd))
          row = next
          secondStart = secondEnd
        }
        let shape = rows == 1 ? [width] : (width == 1 ? [rows] : [rows, width])
        return DelimitedTextPair(
          shape: shape, count: count, inputs: (first, second), dialects: (firstDialect, secondDialect), width: width,
          units: units)
      }
    }
  }

  /// Σ `kernel.loss(x, y)` over the elements of the first file (`x`) and the second (`y`), summed
  /// as ``Summation`` sums the stored losses; nil when a row is not plain (the ordinary reader
  /// then takes over).
  func sum<Kernel: PointwiseKernel>(_ kernel: Kernel) -> Double? {
    let blockSize = Summation.blockSize
    let blocks = (count + blockSize - 1) / blockSize
    // A block cut by the boundary between two units gets its losses from both; it is summed once
    // both are done.
    var cutBlocks: [Int] = []
    for unit in units.dropFirst() {
      let start = unit.rows.lowerBound * width
      if start % blockSize != 0 && cutBlocks.last != start / blockSize { cutBlocks.append(start / blockSize) }
    }
    let blockSums = UnsafeMutableBufferPointer<Double>.allocate(capacity: blocks)
    let cutLosses = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, cutBlocks.count) * blockSize)
    defer {
      blockSums.deallocate()
      cutLosses.deallocate()
    }
    let failed = Atomic<Bool>(false)
    inputs.first.withBytes { (a: UnsafeBufferPointer<UInt8>) in
      inputs.second.withBytes { (b: UnsafeBufferPointer<UInt8>) in
        guard let baseA = a.baseAddress, let baseB = b.baseAddress else {
          failed.store(true, ordering: .relaxed)
          return
        }
        let shared = (
          a: UnsafeSharedReadBuffer(start: baseA, count: a.count),
          b: UnsafeSharedReadBuffer(start: baseB, count: b.count),
          blockSums: UnsafeSharedBuffer(blockSums), cutLosses: UnsafeSharedBuffer(cutLosses), cutBlocks: cutBlocks,
          units: units, ends: (a.count, b.count)
        )
        let mapped = (inputs.first.isMapped, inputs.second.isMapped)
        Parallel.perform(iterations: units.count) { k in
          let unit = shared.units[k]
          var first = RowStream(
            base: shared.a.base, cursor: unit.first.lowerBound, end: shared.ends.0, rows: unit.rows.count,
            width: width, dialect: dialects.first)
          var second = RowStream(
            base: shared.b.base, cursor: unit.second.lowerBound, end: shared.ends.1, rows: unit.rows.count,
            width: width, dialect: dialects.second)
          defer {
            first.free()
            second.free()
          }
          let end = unit.rows.upperBound * width
          var position = unit.rows.lowerBound * width
          while position < end {
            if failed.load(ordering: .relaxed) { return }
            let block = position / blockSize
            let blockStart = block * blockSize
            let blockEnd = min(count, blockStart + blockSize)
            let pieceEnd = min(end, blockEnd)
            let length = pieceEnd - position
            guard first.fill(length), second.fill(length) else {
              failed.store(true, ordering: .relaxed)
              return
            }
            let x = first.values, y = second.values
            for i in 0..<length { x[i] = kernel.loss(x[i], y[i]) }
            let losses = UnsafeBufferPointer(start: x, count: length)
            if position == blockStart && pieceEnd == blockEnd {
              shared.blockSums[block] = Summation.pairwise(losses)
            } else if let slot = shared.cutBlocks.firstIndex(of: block), let cut = shared.cutLosses.baseAddress {
              (cut + slot * blockSize + (position - blockStart)).update(from: x, count: length)
            } else {
              failed.store(true, ordering: .relaxed)
              return
            }
            first.consume(length)
            second.consume(length)
            position = pieceEnd
          }
          guard first.isDone(at: unit.first.upperBound), second.isDone(at: unit.second.upperBound) else {
            failed.store(true, ordering: .relaxed)
            return
          }
          if mapped.0 { InputBytes.dropPages(shared.a.base + unit.first.lowerBound, count: unit.first.count) }
          if mapped.1 { InputBytes.dropPages(shared.b.base + unit.second.lowerBound, count: unit.second.count) }
        }
      }
    }
    guard !failed.load(ordering: .relaxed) else { return nil }
    for (slot, block) in cutBlocks.enumerated() {
      let length = min(count, (block + 1) * blockSize) - block * blockSize
      blockSums[block] = Summation.pairwise(
        UnsafeBufferPointer(rebasing: cutLosses[(slot * blockSize)..<(slot * blockSize + length)]))
    }
    return Summation.total(ofBlockSums: UnsafeBufferPointer(blockSums))
  }
}

/// The rows of one file in one unit, parsed on demand into a buffer of a block plus a row.
private struct RowStream {
  let base: UnsafePointer<UInt8>
  var cursor: Int
  let end: Int
  var rowsLeft: Int
  let width: Int
  let dialect: DelimitedTextReader.Dialect
  /// The parsed values not yet consumed, from the start of the buffer.
  let values: UnsafeMutablePointer<Double>
  var stored = 0

  init(base: UnsafePointer<UInt8>, cursor: Int, end: Int, rows: Int, width: Int, dialect: DelimitedTextReader.Dialect) {
    self.base = base
    self.cursor = cursor
    self.end = end
    self.rowsLeft = rows
    self.width = width
    self.dialect = dialect
    values = .allocate(capacity: Summation.blockSize + width)
  }

  func free() { values.deallocate() }

  /// Parses whole rows until at least `count` values are stored; false when the unit has fewer or a
  /// line is not a row of `width` numbers.
  mutating func fill(_ count: Int) -> Bool {
    while stored < count {
      guard rowsLeft > 0 else { return false }
      let wanted = min(rowsLeft, (count - stored + width - 1) / width)
      var p = base + cursor
      let run = DelimitedTextReader.plainRows(
        &p, base + end, values + stored, room: wanted * width, width: width, delimiter: dialect.delimiter)
      stored += run.rows * width
      rowsLeft -= run.rows
      cursor = p - base
      guard run.rows < wanted else { continue }
      // A row the plain loop does not take (blanks around fields, the last line without a
      // newline): that one line the ordinary way.
      let lineStart = run.partial > 0 ? run.partialRowStart - base : cursor
      let lineEnd = ByteScanner.nextLine(base, from: lineStart, end: end)
      var line = DelimitedTextReader.parseChunk(
        base, from: lineStart, to: lineEnd, dialect,
        into: DoubleBuffer(slot: values + stored, capacity: width, limit: width))
      defer { line.values.free() }
      guard line.failure == nil, line.rows == 1, line.firstRowFields == width, line.values.count == width,
        line.values.base == values + stored
      else { return false }
      stored += width
      rowsLeft -= 1
      cursor = lineEnd
    }
    return true
  }

  /// Drops the first `count` values, keeping the rest at the start.
  mutating func consume(_ count: Int) {
    stored -= count
    if stored > 0 { values.update(from: values + count, count: stored) }
  }

  /// Whether every row of the unit was read and consumed and the cursor is at `unitEnd`.
  func isDone(at unitEnd: Int) -> Bool { rowsLeft == 0 && stored == 0 && cursor == unitEnd }
}
