/// The reductions shared by every loss: how an elementwise tensor becomes the loss value, and what
/// upstream gradient each element then receives.
extension Reduction {
  /// Reduces `elementwise` (shape `shape`) with this reduction. `mean` divides by `divisor`
  /// (default: the element count), `batchmean` by `batchSize`. Empty `mean` is NaN (0/0), as in PyTorch.
  public func apply(to elementwise: [Double], shape: [Int], divisor: Double? = nil, batchSize: Int = 1) -> Tensor {
    switch self {
    case .none: return Tensor(validatedShape: shape, storage: elementwise)
    case .sum: return Tensor(scalar: Summation.sum(elementwise))
    case .mean: return Tensor(scalar: Summation.sum(elementwise) / (divisor ?? Double(elementwise.count)))
    case .batchmean: return Tensor(scalar: Summation.sum(elementwise) / Double(batchSize))
    }
  }

  /// The value of a `sum`/`mean`/`batchmean` reduction whose elementwise sum (``Summation``) is
  /// `sum` over `count` elements: what ``apply(to:shape:divisor:batchSize:)`` gives, without the
  /// array. Not for `none`.
  public func reduce(sum: Double, count: Int, divisor: Double? = nil, batchSize: Int = 1) -> Tensor {
    switch self {
    case .none, .sum: return Tensor(scalar: sum)
    case .mean: return Tensor(scalar: sum / (divisor ?? Double(count)))
    case .batchmean: return Tensor(scalar: sum / Double(batchSize))
    }
  }

  /// d value / d elementwise[i] for a reduction over `count` elements: `1/count` for mean,
  /// `1/batchSize` for batchmean, else 1 (for `none`, the gradient of the sum of the elementwise loss).
  public func upstreamScale(count: Int, divisor: Double? = nil, batchSize: Int = 1) -> Double {
    switch self {
    case .none, .sum: return 1
    case .mean: return 1 / (divisor ?? Double(count))
    case .batchmean: return 1 / Double(batchSize)
    }
  }
}
