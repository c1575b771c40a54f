/// Elements that the chunks of one parallel region share: a buffer pointer that the `@Sendable`
/// closures of ``Parallel/forRanges(count:minimumChunk:_:)`` and ``Parallel/perform(iterations:_:)``
/// may capture, where a buffer pointer itself may not. The unsafe handling lives here, once, as
/// swift-collections keeps its own in `_UnsafeDequeHandle`.
///
/// It is sound under one invariant, which every caller keeps: **the memory outlives the parallel
/// region** (the handle is used only inside the `withShared…` call that made it, or before the
/// allocation it views is freed), **and writes from different chunks never overlap** (a chunk
/// writes only the elements of its own range or iteration, and reads none another chunk writes).
/// A handle on memory that must not be written (an array passed without `inout`, a source's
/// bytes) is an ``UnsafeSharedReadBuffer``, which has no setter.
///
/// `package`, not internal, for the front end's `batch`, which shares its request bytes the same way.
package struct UnsafeSharedBuffer<Element>: @unchecked Sendable {
  /// The elements viewed.
  package let buffer: UnsafeMutableBufferPointer<Element>

  @inline(__always) package init(_ buffer: UnsafeMutableBufferPointer<Element>) {
    self.buffer = buffer
  }

  /// `count` elements from `start`.
  @inline(__always) init(start: UnsafeMutablePointer<Element>, count: Int) {
    buffer = UnsafeMutableBufferPointer(start: start, count: count)
  }

  var count: Int { buffer.count }

  /// The first element's address, nil for an empty buffer that has none.
  var baseAddress: UnsafeMutablePointer<Element>? { buffer.baseAddress }

  /// The first element's address; only for a handle made from a start pointer or a non-empty
  /// buffer (the pointer arithmetic of the readers and decoders).
  @inline(__always) var base: UnsafeMutablePointer<Element> {
    assert(buffer.baseAddress != nil, "the base address of an empty buffer")
    return buffer.baseAddress.unsafelyUnwrapped
  }

  @inline(__always) package subscript(i: Int) -> Element {
    get { buffer[i] }
    nonmutating set { buffer[i] = newValue }
  }

  /// The elements of `range`, to read.
  @inline(__always) package func reading(_ range: Range<Int>) -> UnsafeBufferPointer<Element> {
    UnsafeBufferPointer(rebasing: buffer[range])
  }

  /// The elements of `range`, to write.
  @inline(__always) func writing(_ range: Range<Int>) -> UnsafeMutableBufferPointer<Element> {
    UnsafeMutableBufferPointer(rebasing: buffer[range])
  }

  /// Initializes element `i` of uninitialized memory.
  @inline(__always) func initializeElement(at i: Int, to value: Element) {
    buffer.initializeElement(at: i, to: value)
  }
}

/// The read-only counterpart of ``UnsafeSharedBuffer``, under the same invariant: elements the
/// chunks of one parallel region read and none writes (an array passed without `inout`, a
/// source's bytes). It has no setter, so a write into memory it views does not compile.
package struct UnsafeSharedReadBuffer<Element>: @unchecked Sendable {
  /// The elements viewed.
  package let buffer: UnsafeBufferPointer<Element>

  @inline(__always) package init(_ buffer: UnsafeBufferPointer<Element>) {
    self.buffer = buffer
  }

  /// `count` elements from `start`.
  @inline(__always) init(start: UnsafePointer<Element>, count: Int) {
    buffer = UnsafeBufferPointer(start: start, count: count)
  }

  var count: Int { buffer.count }

  /// The first element's address, nil for an empty buffer that has none.
  var baseAddress: UnsafePointer<Element>? { buffer.baseAddress }

  /// The first element's address; only for a handle made from a start pointer or a non-empty
  /// buffer (the pointer arithmetic of the readers and decoders).
  @inline(__always) var base: UnsafePointer<Element> {
    assert(buffer.baseAddress != nil, "the base address of an empty buffer")
    return buffer.baseAddress.unsafelyUnwrapped
  }

  @inline(__always) package subscript(i: Int) -> Element { buffer[i] }

  /// The elements of `range`, to read.
  @inline(__always) package func reading(_ range: Range<Int>) -> UnsafeBufferPointer<Element> {
    UnsafeBufferPointer(rebasing: buffer[range])
  }
}

extension UnsafeSharedReadBuffer where Element == UInt8 {
  /// `count` bytes from `start` (the archive decoders' raw storage).
  @inline(__always) init(bytes start: UnsafeRawPointer, count: Int) {
    self.init(start: start.assumingMemoryBound(to: UInt8.self), count: count)
  }
}

extension Array {
  /// Calls `body` with an ``UnsafeSharedReadBuffer`` on the elements.
  @inline(__always) package func withSharedBuffer<R>(
    _ body: (UnsafeSharedReadBuffer<Element>) throws -> R
  ) rethrows -> R {
    try withUnsafeBufferPointer { try body(UnsafeSharedReadBuffer($0)) }
  }

  /// Calls `body` with an ``UnsafeSharedBuffer`` through which chunks write their own elements.
  @inline(__always) mutating func withSharedMutableBuffer<R>(
    _ body: (UnsafeSharedBuffer<Element>) throws -> R
  ) rethrows -> R {
    try withUnsafeMutableBufferPointer { try body(UnsafeSharedBuffer($0)) }
  }
}

/// ``UnsafeSharedReadBuffer``s on two arrays.
@inline(__always) func withSharedBuffers<A, B, R>(
  _ a: [A], _ b: [B], _ body: (UnsafeSharedReadBuffer<A>, UnsafeSharedReadBuffer<B>) throws -> R
) rethrows -> R {
  try a.withSharedBuffer { a in try b.withSharedBuffer { b in try body(a, b) } }
}

/// ``UnsafeSharedReadBuffer``s on three arrays.
@inline(__always) func withSharedBuffers<A, B, C, R>(
  _ a: [A], _ b: [B], _ c: [C],
  _ body: (UnsafeSharedReadBuffer<A>, UnsafeSharedReadBuffer<B>, UnsafeSharedReadBuffer<C>) throws -> R
) rethrows -> R {
  try withSharedBuffers(a, b) { a, b in try c.withSharedBuffer { c in try body(a, b, c) } }
}

/// ``UnsafeSharedReadBuffer``s on four arrays.
@inline(__always) func withSharedBuffers<A, B, C, D, R>(
  _ a: [A], _ b: [B], _ c: [C], _ d: [D],
  _ body: (
    UnsafeSharedReadBuffer<A>, UnsafeSharedReadBuffer<B>, UnsafeSharedReadBuffer<C>, UnsafeSharedReadBuffer<D>
  ) throws -> R
) rethrows -> R {
  try withSharedBuffers(a, b, c) { a, b, c in try d.withSharedBuffer { d in try body(a, b, c, d) } }
}

/// Writable ``UnsafeSharedBuffer``s on two arrays.
@inline(__always) func withSharedMutableBuffers<A, B, R>(
  _ a: inout [A], _ b: inout [B], _ body: (UnsafeSharedBuffer<A>, UnsafeSharedBuffer<B>) throws -> R
) rethrows -> R {
  try a.withSharedMutableBuffer { a in try b.withSharedMutableBuffer { b in try body(a, b) } }
}

/// Writable ``UnsafeSharedBuffer``s on three arrays.
@inline(__always) func withSharedMutableBuffers<A, B, C, R>(
  _ a: inout [A], _ b: inout [B], _ c: inout [C],
  _ body: (UnsafeSharedBuffer<A>, UnsafeSharedBuffer<B>, UnsafeSharedBuffer<C>) throws -> R
) rethrows -> R {
  try withSharedMutableBuffers(&a, &b) { a, b in try c.withSharedMutableBuffer { c in try body(a, b, c) } }
}

/// Writable ``UnsafeSharedBuffer``s on four arrays.
@inline(__always) func withSharedMutableBuffers<A, B, C, D, R>(
  _ a: inout [A], _ b: inout [B], _ c: inout [C], _ d: inout [D],
  _ body: (UnsafeSharedBuffer<A>, UnsafeSharedBuffer<B>, UnsafeSharedBuffer<C>, UnsafeSharedBuffer<D>) throws -> R
) rethrows -> R {
  try withSharedMutableBuffers(&a, &b, &c) { a, b, c in try d.withSharedMutableBuffer { d in try body(a, b, c, d) } }
}
