/// Shape arithmetic shared by every tensor operation: element counts that cannot overflow,
/// row-major strides, and PyTorch-style formatting.
public enum Shape {
  /// The largest element count swiftloss accepts for one tensor (2^40 elements, 8 TiB of float64):
  /// anything larger cannot be backed by memory and is reported rather than attempted.
  public static let maxElementCount = 1 << 40
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
        throw ShapeError("shape \(describe(dims)) has too many elements (more than \(maxElementCount))")
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
