import Dispatch
import SwiftLoss

/// A document assembled from literal text and tensor data. Small tensors are formatted as they are
/// added; large ones are split into element ranges that are formatted on all cores, a few at a
/// time, and written in order, so memory stays bounded whatever the tensor size.
final class ChunkedOutput {
  /// Tensors with more elements than this are formatted in parallel chunks of this size.
  static let chunkSize = 1 << 18

  private enum Piece {
    case bytes(OutputBuffer)
    case elements(storage: [Double], shape: [Int], range: Range<Int>)
  }

  private var pieces: [Piece] = []
  private var current = OutputBuffer(capacity: 4096)
  let numbers: NumberWriter

  init(numbers: NumberWriter) {
    self.numbers = numbers
  }

  /// The buffer literal text goes into.
  var text: OutputBuffer { current }

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
      pieces.append(.elements(storage: tensor.storage, shape: tensor.shape, range: start..<end))
      start = end
    }
    current = OutputBuffer(capacity: 4096)
    NestedArrayWriter.close(rank: tensor.rank, into: current)
  }

  /// Formats what is deferred and writes everything to `sink`, in order.
  func write(to sink: OutputSink) throws(OutputError) {
    pieces.append(.bytes(current))
    current = OutputBuffer(capacity: 64)
    let threads = max(1, Parallel.threadCount)
    let wave = 2 * threads
    var pool: [OutputBuffer] = []
    var index = 0
    while index < pieces.count {
      // The next run of pieces holding at most `wave` element ranges.
      var end = index
      var jobs: [(piece: Int, storage: [Double], shape: [Int], range: Range<Int>)] = []
      while end < pieces.count {
        if case .elements(let storage, let shape, let range) = pieces[end] {
          if jobs.count == wave { break }
          jobs.append((end, storage, shape, range))
        }
        end += 1
      }
      while pool.count < jobs.count { pool.append(OutputBuffer(capacity: Self.chunkSize * 24)) }
      let buffers = pool
      for buffer in buffers { buffer.removeAll() }
      let numbers = self.numbers
      let work = jobs
      if work.count == 1 {
        Self.format(work[0], numbers: numbers, into: buffers[0])
      } else if !work.isEmpty {
        DispatchQueue.concurrentPerform(iterations: work.count) { job in
          Self.format(work[job], numbers: numbers, into: buffers[job])
        }
      }
      var job = 0
      for position in index..<end {
        switch pieces[position] {
        case .bytes(let buffer):
          try sink.write(buffer.bytes)
        case .elements:
          try sink.write(buffers[job].bytes)
          job += 1
        }
      }
      index = end
    }
    pieces.removeAll()
  }

  private static func format(
    _ job: (piece: Int, storage: [Double], shape: [Int], range: Range<Int>), numbers: NumberWriter,
    into buffer: OutputBuffer
  ) {
    job.storage.withUnsafeBufferPointer { storage in
      NestedArrayWriter.writeElements(storage, shape: job.shape, range: job.range, numbers: numbers, into: buffer)
    }
  }
}
