import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A read-only mapping of a regular file that survives the file shrinking under it.
///
/// Reading a page of a mapping past the file's current end raises `SIGBUS`. A guard handler,
/// installed with the first mapping, recognises faults inside a registered mapping, maps zero
/// pages over the rest of it (so the reader goes on, reading zeros) and marks it cut; the reader's
/// owner then reports `file changed while it was read` instead of anything computed from the
/// zeros (``InputSource/checkUnchanged()``). A fault anywhere else goes to the handler that was
/// there before (the runtime's crash report, or the default action).
final class FileMapping: @unchecked Sendable {
  let base: UnsafeMutableRawPointer
  let count: Int
  private let slot: Int

  private init(base: UnsafeMutableRawPointer, count: Int, slot: Int) {
    self.base = base
    self.count = count
    self.slot = slot
  }

  /// Maps `count` bytes of `fd`; nil when the file cannot be mapped (the caller reads it instead).
  static func map(fd: Int32, count: Int) -> FileMapping? {
    guard count > 0, let slot = MappingGuard.reserveSlot() else { return nil }
    guard let base = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
      MappingGuard.release(slot)
      return nil
    }
    MappingGuard.register(slot, start: base, count: count)
    // Advice values are not flags: one call each.
    _ = madvise(base, count, MADV_SEQUENTIAL)
    _ = madvise(base, count, MADV_WILLNEED)
    return FileMapping(base: base, count: count, slot: slot)
  }

  /// Whether a page of the mapping was found missing (the file shrank) while it was read.
  var wasCut: Bool { MappingGuard.wasCut(slot) }

  deinit {
    munmap(base, count)
    MappingGuard.release(slot)
  }
}

/// The table of guarded mappings and the `SIGBUS` handler that reads it.
///
/// The handler may run on any thread at any moment, so the table is plain memory of fixed size,
/// allocated before the handler is installed, and the handler only reads it, writes one flag and
/// calls `mmap` and `sigaction` (system calls).
enum MappingGuard {
  static let capacity = 256
  private static let fields = 3  // start, end, cut flag

  /// Slot `k` is `table[3k] ..< table[3k + 1]`, cut when `table[3k + 2] != 0`; a free slot has
  /// start 0.
  nonisolated(unsafe) private static let table: UnsafeMutablePointer<Int> = {
    let table = UnsafeMutablePointer<Int>.allocate(capacity: capacity * fields)
    table.initialize(repeating: 0, count: capacity * fields)
    return table
  }()
  /// The handler that was installed before ours, restored for faults that are not ours.
  nonisolated(unsafe) private static let previous: UnsafeMutablePointer<sigaction> = {
    let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 1)
    previous.initialize(to: sigaction())
    return previous
  }()
  private static let state = Mutex<(installed: Bool, used: [Bool])>((false, [Bool](repeating: false, count: capacity)))

  static func reserveSlot() -> Int? {
    _ = table
    _ = previous
    return state.withLock { state -> Int? in
      if !state.installed {
        var action = sigaction()
        action.__sigaction_handler.sa_sigaction = handleBusError
        action.sa_flags = SA_SIGINFO | SA_NODEFER
        sigemptyset(&action.sa_mask)
        guard sigaction(SIGBUS, &action, previous) == 0 else { return nil }
        state.installed = true
      }
      guard let free = state.used.firstIndex(of: false) else { return nil }
      state.used[free] = true
      return free
    }
  }

  static func register(_ slot: Int, start: UnsafeMutableRawPointer, count: Int) {
    let row = table + slot * fields
    row[2] = 0
    row[1] = Int(bitPattern: start) + count
    row[0] = Int(bitPattern: start)
  }

  static func wasCut(_ slot: Int) -> Bool { table[slot * fields + 2] != 0 }

  static func release(_ slot: Int) {
    let row = table + slot * fields
    row[0] = 0
    row[1] = 0
    row[2] = 0
    state.withLock { $0.used[slot] = false }
  }

  /// The `SIGBUS` handler (see ``FileMapping``).
  private static let handleBusError:
    @convention(c) (Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?)
      -> Void = { _, info, _ in
        if let info, let address = info.pointee._sifields._sigfault.si_addr {
          let fault = Int(bitPattern: address)
          let page = 4096
          for slot in 0..<MappingGuard.capacity {
            let row = MappingGuard.table + slot * MappingGuard.fields
            let start = row[0], end = row[1]
            guard start != 0, fault >= start, fault < end else { continue }
            row[2] = 1
            let first = fault & ~(page - 1)
            let last = (end + page - 1) & ~(page - 1)
            _ = mmap(
              UnsafeMutableRawPointer(bitPattern: first), last - first, PROT_READ,
              MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0)
            return
          }
        }
        // Not ours: the previous handler takes the fault when the instruction repeats it.
        sigaction(SIGBUS, MappingGuard.previous, nil)
      }
}
