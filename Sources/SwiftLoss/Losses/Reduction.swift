/// PyTorch's `reduction` argument.
public enum Reduction: String, Sendable, CaseIterable {
  case none, mean, sum
  /// `kl_div` only: the sum divided by the batch size (`input.size(0)`).
  case batchmean

  /// PyTorch's legacy `size_average`/`reduce` pair mapped as `torch.nn._reduction.legacy_get_string`:
  /// a missing flag counts as true; `reduce=false` wins; otherwise `size_average` picks mean or sum.
  public static func legacy(sizeAverage: Bool?, reduce: Bool?) -> Reduction {
    if reduce == false { return .none }
    return (sizeAverage ?? true) ? .mean : .sum
  }
}
