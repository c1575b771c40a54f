#if canImport(Glibc)
  import Glibc
#endif

/// Shape arithmetic shared by every tensor operation: element counts that cannot overflow,
/// row-major strides, and PyTorch-style formatting.
public enum Shape {
  /// The largest element count swiftloss accepts for one tensor: an eighth of physical memory in
  /// float64 (a loss holds several tensors of the broadcast size at once). Anything larger is
  /// reported as an error rather than attempted, so that an absurd header or a broadcast of two
  /// long vectors never ends in an out-of-memory kill.
  public static let maxElementCount: Int = {
    #if canImport(Glibc)
      let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
      if pages > 0, pageSize > 0 {
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: pageSize)
        if !overflow { return max(1 << 20, bytes / 8 / 8) }
      }
    #endif
    return 1 << 32
  }()
  /// The largest rank accepted, as in PyTorch (which caps at 64 dimensions).
  public static let maxRank = 64

  /// The product of `dims`, or an error when a dimension is negative, the rank exceeds
  /// ``maxRank``, or the product overflows or exceeds ``maxElementCount``.
  public static func elementCount(_ dims: [Int]) throws(ShapeError) -> Int {
    guard dims.count <= maxRank else {
      throw ShapeError("\(dims.count) dimensions exceed the limit of \(maxRank)")
    }
    var product = 1
    for dim in dims {
      guard dim >= 0 else { throw ShapeError("negative dimension \(dim) in shape \(describe(dims))") }
      let (next, overflow) = product.multipliedReportingOverflow(by: dim)
      guard !overflow, next <= maxElementCount else {
        if dims.contains(0) { return 0 }
        throw ShapeError(
          "shape \(describe(dims)) has too many elements: this machine's memory allows at most \(maxElementCount) per tensor"
        )
      }
      product = next
    }
    return product
  }

  /// ``elementCount(_:)`` for shapes already validated, or `nil`.
  public static func elementCountIfValid(_ dims: [Int]) -> Int? {
    try? elementCount(dims)
  }

  /// Row-major strides (in elements) for `dims`.
  public static func strides(_ dims: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: dims.count)
    var running = 1
    for axis in stride(from: dims.count - 1, through: 0, by: -1) {
      strides[axis] = running
      running &*= dims[axis]
    }
    return strides
  }

  /// `(2, 3)` style, as users write shapes: `()` for a scalar, `(3,)` for one dimension.
  public static func describe(_ dims: [Int]) -> String {
    if dims.count == 1 { return "(\(dims[0]),)" }
    return "(" + dims.map(String.init).joined(separator: ", ") + ")"
  }

  /// `[2, 3]`, as PyTorch prints sizes inside its messages.
  public static func describeList(_ dims: [Int]) -> String {
    "[" + dims.map(String.init).joined(separator: ", ") + "]"
  }

  /// `torch.Size([2, 3])`, as PyTorch prints sizes in its warnings.
  public static func describeTorchSize(_ dims: [Int]) -> String {
    "torch.Size(\(describeList(dims)))"
  }
}

/// A shape that is invalid, too large, or incompatible with another.
public struct ShapeError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
