import SwiftLoss

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A document assembled from literal text and tensor data. Small tensors are formatted as they are
/// added; large ones are split into element ranges that are formatted on all cores, a few at a
/// time, and written in order, so memory stays bounded whatever the tensor size.
final class ChunkedOutput {
  /// Tensors with more elements than this are formatted in parallel chunks of this size.
  static let chunkSize = 1 << 18

  /// How a range of elements is spelt: nested JSON-style arrays, or delimited rows (csv, tsv).
  enum Layout {
    case nested
    case delimited(separator: UInt8)
  }

  private enum Piece {
    case bytes(OutputBuffer)
    case elements(storage: [Double], shape: [Int], range: Range<Int>, layout: Layout)
  }

  private var pieces: [Piece] = []
  private var current = OutputBuffer(capacity: 4096)
  let numbers: NumberWriter

  init(numbers: NumberWriter) {
    self.numbers = numbers
  }

  /// The buffer literal text goes into.
  var text: OutputBuffer { current }

  /// The whole document, when nothing was deferred to parallel formatting.
  var singleBuffer: UnsafeRawBufferPointer? { pieces.isEmpty ? current.bytes : nil }

  func append(_ literal: StaticString) { current.append(literal) }
  func append(_ string: String) { current.append(string) }

  /// A tensor's data as nested arrays (a bare number for 0-d).
  func appendNested(_ tensor: Tensor) throws(CommandError) {
    guard tensor.count > Self.chunkSize, tensor.rank > 0 else {
      try NestedArrayWriter.write(tensor, numbers: numbers, into: current)
      return
    }
    NestedArrayWriter.open(rank: tensor.rank, into: current)
    pieces.append(.bytes(current))
    var start = 0
    while start < tensor.count {
      let end = min(tensor.count, start + Self.chunkSize)
      pieces.append(.elements(storage: tensor.storage, shape: tensor.shape, range: start..<end, layout: .nested))
      start = end
    }
    current = OutputBuffer(capacity: 4096)
    NestedArrayWriter.close(rank: tensor.rank, into: current)
  }

  /// A tensor's elements as delimited rows (``DelimitedRenderer``), in parallel chunks when large.
  func appendDelimited(_ tensor: Tensor, separator: UInt8) {
    guard tensor.count > Self.chunkSize else {
      tensor.storage.withUnsafeBufferPointer { storage in
        DelimitedRenderer.writeElements(
          storage, shape: tensor.shape, range: 0..<tensor.count, separator: separator, numbers: numbers, into: current)
      }
      return
    }
    pieces.append(.bytes(current))
    var start = 0
    while start < tensor.count {
      let end = min(tensor.count, start + Self.chunkSize)
      pieces.append(
        .elements(
          storage: tensor.storage, shape: tensor.shape, range: start..<end, layout: .delimited(separator: separator)))
      start = end
    }
    current = OutputBuffer(capacity: 4096)
  }

  /// Formats what is deferred and writes everything to `sink`, in order.
  ///
  /// Element ranges are formatted in waves of a few per core; while a wave is formatted, the
  /// previous one is written (one more work item of the same parallel loop), so writing overlaps
  /// formatting. Two sets of buffers alternate between the waves.
  func write(to sink: OutputSink) throws(OutputError) {
    pieces.append(.bytes(current))
    current = OutputBuffer(capacity: 64)
    let threads = max(1, Parallel.threadCount)
    let wave = 2 * threads
    // The buffers of two waves, asked for before the first byte goes out: memory that runs out
    // is then an error with nothing written (a buffer that fails later still stops the output).
    let hasElements = pieces.contains { if case .elements = $0 { return true } else { return false } }
    if hasElements && !LargeArray.canAllocate(bytes: 2 * wave * Self.chunkSize * 24) { throw OutputError(code: ENOMEM) }
    if pieces.contains(where: { if case .bytes(let buffer) = $0 { return buffer.failed } else { return false } }) {
      throw OutputError(code: ENOMEM)
    }
    var pools: [[OutputBuffer]] = [[], []]
    var which = 0
    // The wave formatted last, waiting to be written: its pieces and its buffers.
    var pending: (pieces: Range<Int>, buffers: [OutputBuffer])?
    var index = 0
    let pieces = self.pieces
    let numbers = self.numbers
    nonisolated(unsafe) let sink = sink
    func writeOut(_ range: Range<Int>, _ buffers: [OutputBuffer]) throws(OutputError) {
      var job = 0
      for position in range {
        switch pieces[position] {
        case .bytes(let buffer):
          try sink.write(buffer.bytes)
        case .elements:
          guard !buffers[job].failed else { throw OutputError(code: ENOMEM) }
          try sink.write(buffers[job].bytes)
          job += 1
        }
      }
    }
    while index < pieces.count || pending != nil {
      // The next run of pieces holding at most `wave` element ranges.
      var end = index
      var jobs: [(piece: Int, storage: [Double], shape: [Int], range: Range<Int>, layout: Layout)] = []
      while end < pieces.count {
        if case .elements(let storage, let shape, let range, let layout) = pieces[end] {
          if jobs.count == wave { break }
          jobs.append((end, storage, shape, range, layout))
        }
        end += 1
      }
      while pools[which].count < jobs.count { pools[which].append(OutputBuffer(capacity: Self.chunkSize * 24)) }
      let buffers = pools[which]
      for buffer in buffers { buffer.removeAll() }
      let work = jobs
      let previous = pending
      nonisolated(unsafe) var failure: OutputError?
      let extra = previous == nil ? 0 : 1
      let formatAndWrite = { (item: Int) in
        if let previous, item == 0 {
          do throws(OutputError) { try writeOut(previous.pieces, previous.buffers) } catch { failure = error }
          return
        }
        let job = item - extra
        Self.format(work[job], numbers: numbers, into: buffers[job])
      }
      nonisolated(unsafe) let body = formatAndWrite
      let items = work.count + extra
      if items == 1 {
        body(0)
      } else if items > 1 {
        Parallel.perform(iterations: items) { body($0) }
      }
      if let failure { throw failure }
      pending = index < end ? (index..<end, buffers) : nil
      which = 1 - which
      index = end
    }
    self.pieces.removeAll()
  }

  private static func format(
    _ job: (piece: Int, storage: [Double], shape: [Int], range: Range<Int>, layout: Layout), numbers: NumberWriter,
    into buffer: OutputBuffer
  ) {
    job.storage.withUnsafeBufferPointer { storage in
      switch job.layout {
      case .nested:
        NestedArrayWriter.writeElements(storage, shape: job.shape, range: job.range, numbers: numbers, into: buffer)
      case .delimited(let separator):
        DelimitedRenderer.writeElements(
          storage, shape: job.shape, range: job.range, separator: separator, numbers: numbers, into: buffer)
      }
    }
  }
}
