import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Work split across cores for large tensors. Chunks are fixed by size, never by thread count, so
/// results (including the order of floating-point sums) are the same on any machine.
///
/// Threads are started with `pthread_create` for each parallel region and joined at its end, not
/// taken from libdispatch: libdispatch needs file descriptors to start and retries forever when no
/// thread can be created, where a region here simply runs its iterations on the threads it got
/// (at least the calling one). Starting two threads costs tens of microseconds, and a run has a
/// handful of regions.
public enum Parallel {
  /// Below this many elements a loop runs on the calling thread: the thread cost would dominate.
  public static let threshold = 1 << 16
  /// The number of threads used for large inputs: the CPUs this process may run on
  /// (`sched_getaffinity`, so `taskset` and container limits count), at most 8.
  public static let threadCount = max(1, min(usableProcessorCount(), 8))

  /// Calls `body(range)` for consecutive ranges covering `0..<count`, concurrently when large.
  public static func forRanges(count: Int, minimumChunk: Int = threshold, _ body: @Sendable (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let chunks = count >= 2 * minimumChunk ? min(threadCount, count / minimumChunk) : 1
    if chunks <= 1 {
      body(0..<count)
      return
    }
    let size = (count + chunks - 1) / chunks
    perform(iterations: chunks) { chunk in
      let start = chunk * size
      body(start..<min(count, start + size))
    }
  }

  /// Calls `body(k)` once for every `k` in `0..<iterations`, on up to ``threadCount`` threads (the
  /// calling thread included), each taking the next unclaimed iteration; returns when all are done.
  /// When a thread cannot be started (no memory for its stack, a process limit), the threads already
  /// running, at least the calling one, do the rest.
  public static func perform(iterations: Int, _ body: (Int) -> Void) {
    let workers = min(threadCount, iterations)
    guard workers > 1 else {
      for k in 0..<max(0, iterations) { body(k) }
      return
    }
    withoutActuallyEscaping(body) { body in
      let job = Job(iterations: iterations, body: body)
      var threads: [pthread_t] = []
      threads.reserveCapacity(workers - 1)
      for _ in 1..<workers {
        let context = Unmanaged.passRetained(job).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(
          &thread, nil,
          { context in
            guard let context else { return nil }
            Unmanaged<Job>.fromOpaque(context).takeRetainedValue().run()
            return nil
          }, context)
        guard status == 0 else {
          Unmanaged<Job>.fromOpaque(context).release()
          break
        }
        threads.append(thread)
      }
      job.run()
      for thread in threads { pthread_join(thread, nil) }
    }
  }

  /// One parallel region: the iterations handed out in order to whichever thread asks next.
  private final class Job: @unchecked Sendable {
    let iterations: Int
    let body: (Int) -> Void
    let next = Atomic<Int>(0)

    init(iterations: Int, body: @escaping (Int) -> Void) {
      self.iterations = iterations
      self.body = body
    }

    func run() {
      while true {
        let k = next.wrappingAdd(1, ordering: .relaxed).oldValue
        guard k < iterations else { return }
        body(k)
      }
    }
  }

  /// The CPUs in this process's affinity mask, else the online CPUs.
  static func usableProcessorCount() -> Int {
    let online = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    #if os(Linux)
      // `sched_getaffinity` is declared only under _GNU_SOURCE, which the Glibc module does not
      // import: look it up by name (it is in every glibc).
      typealias GetAffinity = @convention(c) (pid_t, Int, UnsafeMutableRawPointer?) -> Int32
      guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_getaffinity") else { return online }
      let getAffinity = unsafeBitCast(symbol, to: GetAffinity.self)
      var mask = [UInt8](repeating: 0, count: 1024)  // room for 8192 CPUs
      let count = mask.withUnsafeMutableBytes { bytes -> Int in
        guard getAffinity(0, bytes.count, bytes.baseAddress) == 0 else { return 0 }
        return bytes.reduce(0) { $0 + $1.nonzeroBitCount }
      }
      return count > 0 ? count : online
    #else
      return online
    #endif
  }
}
