import Dispatch

/// Work split across cores for large tensors. Chunks are fixed by size, never by thread count, so
/// results (including the order of floating-point sums) are the same on any machine.
public enum Parallel {
  /// Below this many elements a loop runs on the calling thread: the dispatch cost would dominate.
  public static let threshold = 1 << 16
  /// The number of threads used for large inputs.
  public static let threadCount = max(1, min(ProcessInfoLite.activeProcessorCount, 8))

  /// Calls `body(range)` for consecutive ranges covering `0..<count`, concurrently when large.
  public static func forRanges(count: Int, minimumChunk: Int = threshold, _ body: @Sendable (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let chunks = count >= 2 * minimumChunk ? min(threadCount, count / minimumChunk) : 1
    if chunks <= 1 { body(0..<count); return }
    let size = (count + chunks - 1) / chunks
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
      let start = chunk * size
      body(start..<min(count, start + size))
    }
  }
}

/// The processor count, without importing Foundation into hot code.
enum ProcessInfoLite {
  static var activeProcessorCount: Int {
    #if canImport(Glibc)
    return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    #else
    return 1
    #endif
  }
}

#if canImport(Glibc)
import Glibc
#endif
