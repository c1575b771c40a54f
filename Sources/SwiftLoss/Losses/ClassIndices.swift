/// Class-index targets, checked once for every loss that takes them (cross_entropy, nll_loss,
/// multi_margin_loss, multilabel_margin_loss, ctc_loss).
public enum ClassIndices {
  /// Converts `tensor` (stored as doubles) to integer class indices, requiring each to be integral
  /// and in `0..<classCount`, or equal to one of `allowed` (an `ignore_index`, the `-1` terminator).
  ///
  /// Errors are data errors that name the tensor and the flat index of the offending element, so
  /// the front end can report its file and position:
  /// `cross_entropy: target index 7 is out of range for 5 classes`.
  public static func check(
    _ tensor: Tensor, name: String, classCount: Int, allowed: Set<Int> = [], loss: String
  ) throws(LossError) -> [Int] {
    var indices = [Int](repeating: 0, count: tensor.count)
    for (position, value) in tensor.storage.enumerated() {
      indices[position] = try index(
        value, at: position, name: name, classCount: classCount, allowed: allowed, loss: loss)
    }
    return indices
  }

  /// Integral values that are not class indices (CTC lengths): each must be an integer in `range`.
  public static func integers(
    _ tensor: Tensor, name: String, loss: String
  ) throws(LossError) -> [Int] {
    var values = [Int](repeating: 0, count: tensor.count)
    for (position, value) in tensor.storage.enumerated() {
      guard let integer = Int(exactly: value) else {
        let shown = value.isNaN ? "nan" : NumberText.python(value)
        throw LossError.data("\(loss): \(name) must be integral, found \(shown)", tensor: name, index: position)
      }
      values[position] = integer
    }
    return values
  }
}

extension ClassIndices {
  /// One class index: the element at flat `position` of tensor `name`, checked exactly as ``check``
  /// checks each element (integral, in `0..<classCount` or one of `allowed`). For losses that use
  /// only some elements of a tensor as indices (CTC's padded targets beyond each target length).
  public static func index(
    _ value: Double, at position: Int, name: String, classCount: Int, allowed: Set<Int> = [], loss: String
  ) throws(LossError) -> Int {
    guard let index = Int(exactly: value) else {
      let shown = value.isNaN ? "nan" : NumberText.python(value)
      throw LossError.data(
        "\(loss): \(name) \(shown) is not an integral class index", tensor: name, index: position)
    }
    if !allowed.contains(index) && (index < 0 || index >= classCount) {
      throw LossError.data(
        "\(loss): \(name) index \(index) is out of range for \(classCount) classes", tensor: name, index: position)
    }
    return index
  }
}
