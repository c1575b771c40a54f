#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Big result arrays without the cost of zero-filling them first.
public enum LargeArray {
  /// Whether `bytes` of memory can be had now: an anonymous mapping of that size, as `malloc`
  /// makes for a large block, unmapped at once (no page is touched). Swift traps when an array
  /// cannot be allocated; asking first turns a machine's limit (`ulimit -v`, the kernel's
  /// overcommit check) into an error. (A `malloc`/`free` pair would not do: the optimiser may
  /// remove it and assume success.)
  public static func canAllocate(bytes: Int) -> Bool {
    guard bytes > 1 << 20 else { return true }
    // Slack for the array header and what the caller allocates beside it.
    let (asked, overflow) = bytes.addingReportingOverflow(1 << 20)
    guard !overflow, let probe = mmap(nil, asked, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
      probe != MAP_FAILED
    else { return false }
    munmap(probe, asked)
    return true
  }

  /// Throws `out of memory reading LABEL (N bytes)` unless `count` doubles can be allocated.
  static func reserve(doubles count: Int, reading label: String) throws(InputError) {
    let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Double>.stride)
    guard !overflow, canAllocate(bytes: bytes) else {
      throw InputError(label: "", message: "out of memory reading \(label) (\(overflow ? Int.max : bytes) bytes)")
    }
  }

  /// `arrays` arrays of `count` doubles each, filled by `body`, which gets their base addresses
  /// (in order) and must write every element of every array. One loop can so fill several results.
  public static func make(
    count: Int, arrays: Int, _ body: ([UnsafeMutablePointer<Double>]) -> Void
  ) -> [[Double]] {
    guard count > 0, arrays > 0 else { return [[Double]](repeating: [], count: max(0, arrays)) }
    var made: [[Double]] = []
    func nest(_ pointers: [UnsafeMutablePointer<Double>]) {
      if pointers.count == arrays {
        body(pointers)
        return
      }
      let array = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
        guard let base = buffer.baseAddress else { return }
        nest(pointers + [base])
        initialized = count
      }
      made.append(array)
    }
    nest([])
    return made.reversed()
  }

  /// One array of `count` doubles, filled by `body`, which must write every element.
  public static func make(count: Int, _ body: (UnsafeMutablePointer<Double>) -> Void) -> [Double] {
    make(count: count, arrays: 1) { body($0[0]) }[0]
  }

  /// Maps the pages of fresh memory about to be written, `[pointer, pointer + byteCount)`, in one
  /// system call (`MADV_POPULATE_WRITE`, Linux 5.14+) rather than one page fault per 4 KiB page.
  /// Called by each thread for its own part, so the work is spread like the writing. Only whole
  /// pages inside the range are touched; elsewhere (and on older kernels) it does nothing.
  public static func prefault(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
    populate(UnsafeRawPointer(pointer), byteCount: byteCount, advice: 23)  // MADV_POPULATE_WRITE
  }

  /// `madvise(advice)` over the whole pages inside `[pointer, pointer + byteCount)`, for ranges of
  /// a megabyte or more (the populate advices: 22 read, 23 write).
  static func populate(_ pointer: UnsafeRawPointer, byteCount: Int, advice: Int32) {
    #if os(Linux)
      guard byteCount >= 1 << 20 else { return }
      let page = 4096
      let start = (Int(bitPattern: pointer) + page - 1) & ~(page - 1)
      let end = (Int(bitPattern: pointer) + byteCount) & ~(page - 1)
      guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
      _ = madvise(aligned, end - start, advice)
    #endif
  }
}
