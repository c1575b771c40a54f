/// A speculative parallel parse of a large top-level JSON array.
///
/// The document is cut just after commas into chunks. Each chunk is tokenized concurrently into
/// its numbers and a compact list of structural events (array open, array close, runs of
/// numbers); the events are then replayed in order to check rectangularity and find the shape.
/// A comma inside a string could mislead the cut, but the only strings a tensor array may hold
/// are non-finite spellings without commas, so any such document fails a chunk.
///
/// Whenever anything is irregular the result is `nil` and the caller runs the sequential parser,
/// which produces the exact first error and position: the parallel path never decides an error.
extension JSONTensorReader {
  /// Events: `-1` opens an array, `-2` closes one, a positive value is a run of that many numbers;
  /// ``repeatedRows`` is followed by a count and a width: that many times a run of `width` numbers,
  /// a close and an open (rows of one width, the bulk of a matrix).
  private struct ChunkTokens {
    var values: DoubleBuffer
    var events: [Int32] = []
    var failed = false
  }

  private static let repeatedRows: Int32 = -3

  static func parallelArray(
    _ buffer: UnsafeBufferPointer<UInt8>, base: UnsafePointer<UInt8>, label: String, start: Int
  ) -> (shape: [Int], storage: [Double])? {
    let count = buffer.count
    let length = count - start
    let threads = max(2, Parallel.threadCount)
    let chunkCount = max(threads, min(length / (1 << 20), threads * 16))
    let step = length / chunkCount
    var bounds = [start]
    for k in 1..<chunkCount {
      var q = max(bounds[bounds.count - 1], start + k * step)
      while q < count && base[q] != UInt8(ascii: ",") { q += 1 }
      if q + 1 < count && q + 1 > bounds[bounds.count - 1] { bounds.append(q + 1) }
    }
    bounds.append(count)
    let n = bounds.count - 1
    let slots = UnsafeMutableBufferPointer<ChunkTokens>.allocate(capacity: n)
    let shared = (
      bytes: UnsafeSharedReadBuffer(buffer), start: UnsafeSharedReadBuffer(start: base, count: count),
      slots: UnsafeSharedBuffer(slots)
    )
    Parallel.perform(iterations: n) { k in
      let tokens = tokenize(
        shared.bytes.reading(0..<count), base: shared.start.base, label: label, from: bounds[k], to: bounds[k + 1])
      shared.slots.initializeElement(at: k, to: tokens)
    }
    var chunks = Array(slots)
    slots.deinitialize()
    slots.deallocate()
    defer { for k in chunks.indices { chunks[k].values.free() } }
    guard !chunks.contains(where: { $0.failed || $0.values.failed }) else { return nil }
    guard let shape = replay(chunks.map(\.events)) else { return nil }
    // Commas leave no event: one after the closing bracket (`[1, 2],`) would otherwise pass.
    var last = count - 1
    while last > start && [0x20, 0x0A, 0x0D, 0x09].contains(base[last]) { last -= 1 }
    guard base[last] == UInt8(ascii: "]") else { return nil }

    var offsets: [Int] = []
    var total = 0
    for chunk in chunks {
      offsets.append(total)
      total += chunk.values.count
    }
    // No room for the tensor: the sequential parser, run next, says so.
    guard LargeArray.canAllocate(bytes: total * MemoryLayout<Double>.stride) else { return nil }
    let storage = [Double](unsafeUninitializedCapacity: total) { destination, initialized in
      if let target = destination.baseAddress {
        let target = UnsafeSharedBuffer(start: target, count: total)
        chunks.withSharedBuffer { chunks in
          Parallel.perform(iterations: chunks.count) { k in
            chunks[k].values.copy(into: target.base + offsets[k])
          }
        }
      }
      initialized = total
    }
    return (shape, storage)
  }

  /// Numbers and structure of `from..<to`, which starts at the document's `[` or just after a comma.
  private static func tokenize(
    _ buffer: UnsafeBufferPointer<UInt8>, base: UnsafePointer<UInt8>, label: String, from: Int, to: Int
  ) -> ChunkTokens {
    var tokens = ChunkTokens(values: DoubleBuffer(capacity: (to - from) / 12))
    var reader = JSONTensorReader(buffer, base: base, label: label, at: from)
    var expectValue = true
    var allowClose = false
    var run: Int32 = 0
    while true {
      reader.skipSpace()
      guard reader.p < to else { break }
      let byte = base[reader.p]
      switch byte {
      case UInt8(ascii: "["):
        guard expectValue else { tokens.failed = true; return tokens }
        if run > 0 { tokens.events.append(run); run = 0 }
        tokens.events.append(-1)
        reader.p += 1
        allowClose = true
      case UInt8(ascii: "]"):
        guard !expectValue || allowClose else { tokens.failed = true; return tokens }
        if run > 0 { tokens.events.append(run); run = 0 }
        tokens.events.append(-2)
        reader.p += 1
        expectValue = false
      case UInt8(ascii: ","):
        guard !expectValue else { tokens.failed = true; return tokens }
        reader.p += 1
        expectValue = true
        allowClose = false
      default:
        guard expectValue, let value = reader.fastNumber() ?? (try? reader.readNumber()) else {
          tokens.failed = true
          return tokens
        }
        tokens.values.append(value)
        if run == Int32.max { tokens.events.append(run); run = 0 }
        run += 1
        expectValue = false
        // The rest of a run of plain numbers (`, 1.5, -0.25 ...`), the bulk of a tensor, in a
        // loop of its own; anything else is left to the loop above.
        // A row boundary, `], [`, is taken in stride (after a number it is always well formed).
        // Values go through a cursor kept in registers; whole rows of one width become a single
        // `repeatedRows` event rather than three events each.
        var cursor = base + reader.p
        let end = base + to
        var (next, room) = tokens.values.room
        var written = 0
        var rowStartedHere = false
        var repeated: (count: Int32, width: Int32) = (0, 0)
        @inline(__always) func flushRepeated() {
          guard repeated.count > 0 else { return }
          tokens.events.append(contentsOf: [Self.repeatedRows, repeated.count, repeated.width])
          repeated.count = 0
        }
        @inline(__always) func skipSpace(_ q: inout UnsafePointer<UInt8>) {
          while q < end && (q.pointee == 0x20 || q.pointee == 0x0A || q.pointee == 0x0D || q.pointee == 0x09) { q += 1 }
        }
        while cursor < end, room > 0, let output = next {
          var q = cursor
          var newRow = false
          // The common separators first: `,` then at most one space.
          if q < end && q.pointee == UInt8(ascii: ",") {
            q += 1
            if q < end && q.pointee == 0x20 { q += 1 }
            skipSpace(&q)
          } else {
            skipSpace(&q)
            if q < end && q.pointee == UInt8(ascii: "]") {
              q += 1
              skipSpace(&q)
              guard q < end && q.pointee == UInt8(ascii: ",") else { break }
              q += 1
              skipSpace(&q)
              guard q < end && q.pointee == UInt8(ascii: "[") else { break }
              newRow = true
            } else if !(q < end && q.pointee == UInt8(ascii: ",")) {
              break
            }
            q += 1
            skipSpace(&q)
          }
          var number = 0.0
          // In bounds: a plain number takes at most 33 of the 40 bytes it needs before `end`.
          // Whatever follows it is the next iteration's or the general loop's to judge: anything
          // but a separator fails the chunk there.
          guard FloatParser.scanPlain(&q, end, &number) else { break }
          if newRow {
            if rowStartedHere && run == repeated.width && repeated.count < Int32.max {
              repeated.count += 1
            } else if rowStartedHere {
              flushRepeated()
              repeated = (1, run)
            } else {
              flushRepeated()
              if run > 0 { tokens.events.append(run) }
              tokens.events.append(-2)
              tokens.events.append(-1)
            }
            rowStartedHere = true
            run = 0
          }
          output.pointee = number
          next = output + 1
          room &-= 1
          written &+= 1
          if run == Int32.max {
            flushRepeated()
            tokens.events.append(run)
            run = 0
            rowStartedHere = false
          }
          run += 1
          cursor = q
        }
        flushRepeated()
        tokens.values.commit(written)
        reader.p = cursor - base
      }
    }
    if run > 0 { tokens.events.append(run) }
    return tokens
  }

  /// Checks the structure as the sequential parser does; the shape, or `nil` if anything is off.
  private static func replay(_ chunks: [[Int32]]) -> [Int]? {
    var dims = [Int](repeating: -1, count: maxDepth + 1)
    var rank = -1
    var counts: [Int] = []
    var closed = false
    func apply(_ event: Int32) -> Bool {
      guard !closed else { return false }
      if event > 0 {
        let depth = counts.count
        guard depth > 0 else { return false }
        if rank < 0 { rank = depth } else if rank != depth { return false }
        counts[depth - 1] += Int(event)
      } else if event == -1 {
        let depth = counts.count
        guard depth < maxDepth else { return false }
        if rank >= 0 && depth >= rank { return false }
        if depth > 0 { counts[depth - 1] += 1 }
        counts.append(0)
      } else {
        guard let n = counts.popLast() else { return false }
        let depth = counts.count
        if n == 0 {
          if rank < 0 { rank = depth + 1 } else if rank != depth + 1 { return false }
        }
        if dims[depth] < 0 { dims[depth] = n } else if dims[depth] != n { return false }
        closed = counts.isEmpty
      }
      return true
    }
    for events in chunks {
      var i = 0
      while i < events.count {
        let event = events[i]
        if event == repeatedRows {
          guard i + 2 < events.count else { return nil }
          for _ in 0..<events[i + 1] {
            guard apply(events[i + 2]), apply(-2), apply(-1) else { return nil }
          }
          i += 3
        } else {
          guard apply(event) else { return nil }
          i += 1
        }
      }
    }
    guard closed, rank >= 0 else { return nil }
    return Array(dims[0..<rank])
  }
}
