/// A dense float64 tensor: a shape and contiguous row-major storage.
///
/// Every value swiftloss reads is converted to `Double` on the way in; integer class indices are
/// stored as exact doubles (all integers up to 2^53 are exact) and checked for integrality where a
/// loss needs an index. `origin` says where the values came from so that a loss can report a bad
/// element by file and position without the engine knowing about files.
public struct Tensor: Sendable {
  /// The extent of each dimension; `[]` is a 0-d (scalar) tensor holding one element.
  public var shape: [Int]
  /// Row-major elements; `storage.count == shape.product`.
  public var storage: [Double]
  /// Where the values were read from, for error messages; `nil` for computed tensors.
  public var origin: TensorOrigin?

  /// Creates a tensor, checking that the element count matches the shape.
  public init(shape: [Int], storage: [Double], origin: TensorOrigin? = nil) throws(ShapeError) {
    let count = try Shape.elementCount(shape)
    guard count == storage.count else {
      throw ShapeError("shape \(Shape.describe(shape)) needs \(count) elements, got \(storage.count)")
    }
    self.shape = shape
    self.storage = storage
    self.origin = origin
  }

  /// Creates a tensor whose shape is already known to match `storage` (engine-internal results).
  public init(validatedShape shape: [Int], storage: [Double]) {
    precondition(Shape.elementCountIfValid(shape) == storage.count, "tensor storage does not match its shape")
    self.shape = shape
    self.storage = storage
    self.origin = nil
  }

  /// A 0-d tensor.
  public init(scalar: Double) {
    self.shape = []
    self.storage = [scalar]
    self.origin = nil
  }

  /// A tensor of `shape` filled with `value`.
  public init(repeating value: Double, shape: [Int]) {
    self.shape = shape
    self.storage = [Double](repeating: value, count: Shape.elementCountIfValid(shape) ?? 0)
    self.origin = nil
  }

  /// The number of elements.
  @inlinable public var count: Int { storage.count }
  /// The number of dimensions.
  @inlinable public var rank: Int { shape.count }

  /// The same elements viewed with another shape of equal element count.
  public func reshaped(_ newShape: [Int]) throws(ShapeError) -> Tensor {
    let count = try Shape.elementCount(newShape)
    guard count == storage.count else {
      throw ShapeError(
        "cannot reshape \(Shape.describe(shape)) (\(storage.count) elements) to \(Shape.describe(newShape)) (\(count) elements)"
      )
    }
    var copy = self
    copy.shape = newShape
    return copy
  }

  /// The size of dimension `dim`, which may be negative (counted from the end) as in PyTorch.
  public func size(_ dim: Int) -> Int {
    shape[dim < 0 ? shape.count + dim : dim]
  }
}

/// Where a tensor came from: a label for messages (a path, `<stdin>`, `<inline>`, a JSON key) and an
/// optional way to find the `file:line:col` of the element at a flat index.
public struct TensorOrigin: Sendable {
  /// How the source is named in messages: a path as the user gave it, `<stdin>` or `<inline>`.
  public var label: String
  /// Returns the 1-based line and column of the element at a flat (row-major) index, if known.
  /// Called only on error paths, so it may re-scan the source.
  public var locate: (@Sendable (Int) -> (line: Int, column: Int)?)?

  public init(label: String, locate: (@Sendable (Int) -> (line: Int, column: Int)?)? = nil) {
    self.label = label
    self.locate = locate
  }

  /// `label:line:col` for an element where the position is known, else the label alone.
  public func describe(elementAt index: Int) -> String {
    if let position = locate?(index) { return "\(label):\(position.line):\(position.column)" }
    return label
  }
}
