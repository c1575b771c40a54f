/// Tensor and option declarations shared by the classification losses.
enum ClassificationTensors {
  static func indexTargets(input: String) -> [TensorSpec] {
    [
      TensorSpec(.input, gradient: true, help: input),
      TensorSpec(
        .target, gradient: false, integer: .always,
        help: "class indices: () or (1) for 1-D input (PyTorch gives no gradient with (1)), (N) or (N, d1, ..., dk); "
          + "integers in [0, C) or ignore_index"),
      TensorSpec(.weight, required: false, gradient: false, help: "per-class weights (C); no gradient"),
    ]
  }

  static let ignoreIndex = OptionSpec(
    .ignoreIndex, default: -100,
    help: "target value that contributes nothing (not to the mean's denominator either); any integer")
}
