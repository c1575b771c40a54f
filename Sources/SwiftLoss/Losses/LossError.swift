/// Why a loss could not be computed. The front end maps `.usage` to exit status 2 and `.data` to 1.
public enum LossError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A bad option value or combination (PyTorch raises on the option): exit status 2.
  case usage(String)
  /// Bad tensor data or shapes: exit status 1. `tensor` and `index` (flat, row-major) point at the
  /// offending element when there is one, so the front end can name its file and position.
  case data(String, tensor: String? = nil, index: Int? = nil)

  public var description: String {
    switch self {
    case .usage(let message): return message
    case .data(let message, _, _): return message
    }
  }

  /// A shape error from the tensor layer, as a data error.
  public static func shape(_ error: ShapeError) -> LossError { .data(error.message) }
}
