import SwiftLoss

/// Shape errors that name the tensors by their flags and files: PyTorch says "tensor a" and
/// "tensor b"; the user gave `--input ypred.csv` and `--target '[1,2,3]'`.
enum TensorNaming {
  /// `--input ypred.csv`, or `--target` for an inline literal.
  static func label(_ name: String, tensors: [String: Tensor], flags: [String: String]) -> String {
    let flag = "--" + name.replacingUnderscores()
    let source = tensors[name]?.origin?.label ?? flags[name] ?? flag
    return source == flag || source.isEmpty ? flag : "\(flag) \(source)"
  }

  /// `(6)`, `(2, 3)`, `()`: a shape as the messages show sizes.
  static func shape(_ dims: [Int]) -> String {
    "(" + dims.map(String.init).joined(separator: ", ") + ")"
  }

  /// The order in which pairs are tried: PyTorch's argument order, then the rest by name.
  static let argumentOrder = [
    "input", "input1", "input2", "anchor", "positive", "negative", "log_probs", "target", "targets", "var", "weight",
    "pos_weight", "input_lengths", "target_lengths",
  ]

  /// For PyTorch's broadcasting message ("The size of tensor a (6) must match the size of tensor b
  /// (3) at non-singleton dimension 0"), the first pair of given tensors whose shapes make exactly
  /// that message, named: `--input ypred.csv (6) and --target (3): ` + the message. Nil when the
  /// message is another or no pair makes it.
  static func broadcastMessage(_ message: String, tensors: [String: Tensor], flags: [String: String]) -> String? {
    guard let start = message.firstRange(of: "The size of tensor a (")?.lowerBound else { return nil }
    let core = String(message[start...])
    let names = tensors.keys.sorted { a, b in
      let i = argumentOrder.firstIndex(of: a) ?? argumentOrder.count,
        j = argumentOrder.firstIndex(of: b) ?? argumentOrder.count
      return i != j ? i < j : a < b
    }
    for (k, first) in names.enumerated() {
      for second in names[(k + 1)...] {
        guard let a = tensors[first], let b = tensors[second] else { continue }
        for (x, y, nx, ny) in [(a, b, first, second), (b, a, second, first)] {
          do throws(ShapeError) {
            _ = try Broadcasting.shape(x.shape, y.shape)
          } catch {
            if error.message == core {
              return "\(label(nx, tensors: tensors, flags: flags)) \(shape(x.shape)) and "
                + "\(label(ny, tensors: tensors, flags: flags)) \(shape(y.shape)): \(message)"
            }
          }
        }
      }
    }
    return nil
  }

  /// ` (--input and --target look swapped)` when the error is from a loss whose target can hold
  /// class indices (its declaration says the target may be int64) and the shapes say so: `--input`
  /// holds integral values only, and `--target` has one more dimension and a fractional value (the
  /// logits, or probabilities).
  static func swapHint(_ message: String, of definition: LossDefinition, tensors: [String: Tensor]) -> String {
    let indexTargets = definition.tensorSpec(TensorKey.target.name)?.integer != nil
    guard indexTargets || message.contains("must match the size"),
      let input = tensors[.input], let target = tensors[.target],
      target.shape.count == input.shape.count + 1, input.count > 0,
      input.storage.allSatisfy({ $0 == $0.rounded() && $0 >= 0 }),
      target.storage.contains(where: { $0.isFinite && $0 != $0.rounded() })
    else { return "" }
    return " (--input and --target look swapped)"
  }
}
