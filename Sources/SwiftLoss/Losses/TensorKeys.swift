/// A tensor argument of a loss, by PyTorch's name.
///
/// Each name the registry uses is declared once, below; a loss's ``TensorSpec``s are built from
/// the keys and the loss reads its tensors back as `call[.input]`. A member of a
/// ``TensorFamily`` (`tail.0.0.weight`) is a key made from its name at run time.
public struct TensorKey: Sendable, Hashable, CustomStringConvertible {
  /// PyTorch's argument name (`log_probs`) or `state_dict` key (`head.weight`).
  public let name: String

  /// A key from a name known only at run time (a family member, a fixture's tensor); the
  /// registry's own names are the static members below.
  package init(_ name: String) {
    self.name = name
  }

  public var description: String { name }

  // MARK: - Every tensor of the registry

  public static let input = TensorKey("input")
  public static let target = TensorKey("target")
  public static let weight = TensorKey("weight")
  public static let posWeight = TensorKey("pos_weight")
  public static let `var` = TensorKey("var")
  public static let input1 = TensorKey("input1")
  public static let input2 = TensorKey("input2")
  public static let anchor = TensorKey("anchor")
  public static let positive = TensorKey("positive")
  public static let negative = TensorKey("negative")
  public static let logProbs = TensorKey("log_probs")
  public static let targets = TensorKey("targets")
  public static let inputLengths = TensorKey("input_lengths")
  public static let targetLengths = TensorKey("target_lengths")
  public static let linearWeight = TensorKey("linear_weight")
  public static let linearBias = TensorKey("linear_bias")
  /// AdaptiveLogSoftmaxWithLoss's fixed parameters (the tail's are made from their names).
  public static let headWeight = TensorKey("head.weight")
  public static let headBias = TensorKey("head.bias")

  /// A projection of AdaptiveLogSoftmaxWithLoss's tail: `tail.{cluster}.{layer}.weight`, layer 0
  /// down to the cluster's hidden size, layer 1 up to its classes.
  public static func tailWeight(cluster: Int, layer: Int) -> TensorKey {
    TensorKey("tail.\(cluster).\(layer).weight")
  }
}

extension Dictionary where Key == String, Value == Tensor {
  /// Tensors keyed by PyTorch name, from their keys: `[String: Tensor](keys: [.input: x, .target: y])`.
  init(keys tensors: KeyValuePairs<TensorKey, Tensor>) {
    self.init(uniqueKeysWithValues: tensors.map { ($0.key.name, $0.value) })
  }

  /// The tensor of `key`, in a dictionary keyed by PyTorch name.
  public subscript(key: TensorKey) -> Tensor? {
    get { self[key.name] }
    set { self[key.name] = newValue }
  }
}
