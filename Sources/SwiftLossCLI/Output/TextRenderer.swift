import SwiftLoss

/// The default, human-readable output:
///
/// ```
/// loss: 0.875
/// elementwise (shape [3, 2]):
/// [[0.25,  1.0],
///  [ 0.0,  4.0],
///  [ 0.5,  1.5]]
/// grad input (shape [3, 2]):
/// [[...]]
/// ```
///
/// `--show loss` alone prints the bare value, so `$(swiftloss ... --show loss)` is the number.
enum TextRenderer {
  static func render(_ report: LossReport, numbers: NumberWriter, into out: OutputBuffer) throws(CommandError) {
    let result = report.result
    if report.show == .loss {
      out.append(TensorText.render(result.value, numbers: numbers))
      out.append(UInt8(ascii: "\n"))
      return
    }
    if report.show.contains(.loss) {
      if report.valueIsTensor {
        section("loss", result.value, numbers: numbers, into: out)
      } else {
        out.append("loss: ")
        out.append(TensorText.render(result.value, numbers: numbers))
        out.append(UInt8(ascii: "\n"))
      }
    }
    if report.show.contains(.elementwise) {
      section("elementwise", result.elementwise, numbers: numbers, into: out)
    }
    if report.show.contains(.gradients) {
      for (name, gradient) in result.gradients {
        section("grad \(name)", gradient, numbers: numbers, into: out)
      }
    }
  }

  /// `title (shape [3, 2]):` and the tensor on the following lines (on the same line for 0-d).
  static func section(_ title: String, _ tensor: Tensor, numbers: NumberWriter, into out: OutputBuffer) {
    out.append("\(title) (shape \(Shape.describeList(tensor.shape))):")
    out.append(UInt8(ascii: tensor.rank == 0 ? " " : "\n"))
    out.append(TensorText.render(tensor, numbers: numbers))
    out.append(UInt8(ascii: "\n"))
  }
}

/// A tensor as PyTorch prints one (`torch._tensor_str`), without the `tensor(...)` wrapper:
/// nested brackets, every element right-aligned to the widest, rows wrapped at 80 columns, and
/// more than 1000 elements summarised to the first and last 3 along each dimension with `...`.
enum TensorText {
  static let threshold = 1000
  static let edgeItems = 3
  static let lineWidth = 80

  static func render(_ tensor: Tensor, numbers: NumberWriter) -> String {
    if tensor.rank == 0 { return numbers.string(tensor.storage.first ?? .nan) }
    if tensor.count == 0 { return "[]" }
    let layout = Layout(tensor: tensor, numbers: numbers)
    return layout.render(axis: 0, offset: 0, indent: 0)
  }

  private struct Layout {
    let shape: [Int]
    let strides: [Int]
    let summarize: Bool
    let text: [Int: String]
    let width: Int

    init(tensor: Tensor, numbers: NumberWriter) {
      shape = tensor.shape
      strides = Shape.strides(tensor.shape)
      summarize = tensor.count > TensorText.threshold
      var text: [Int: String] = [:]
      var width = 0
      Self.visit(axis: 0, offset: 0, shape: shape, strides: strides, summarize: summarize) { index in
        let string = numbers.string(tensor.storage[index])
        width = max(width, string.utf8.count)
        text[index] = string
      }
      self.text = text
      self.width = width
    }

    /// The indices along one axis that are shown: all, or the edges with `nil` for the `...`.
    static func shown(_ size: Int, summarize: Bool) -> [Int?] {
      if summarize && size > 2 * TensorText.edgeItems {
        return Array(0..<TensorText.edgeItems) + [nil] + Array((size - TensorText.edgeItems)..<size)
      }
      return Array(0..<size)
    }

    static func visit(axis: Int, offset: Int, shape: [Int], strides: [Int], summarize: Bool, _ body: (Int) -> Void) {
      for index in shown(shape[axis], summarize: summarize) {
        guard let index else { continue }
        let position = offset + index * strides[axis]
        if axis == shape.count - 1 {
          body(position)
        } else {
          visit(axis: axis + 1, offset: position, shape: shape, strides: strides, summarize: summarize, body)
        }
      }
    }

    func render(axis: Int, offset: Int, indent: Int) -> String {
      let indices = Self.shown(shape[axis], summarize: summarize)
      if axis == shape.count - 1 {
        let items = indices.map { index -> String in
          guard let index else { return " ..." }
          let string = text[offset + index * strides[axis]] ?? ""
          return String(repeating: " ", count: width - string.utf8.count) + string
        }
        let perLine = max(1, (TensorText.lineWidth - indent) / (width + 2))
        var lines: [String] = []
        var start = 0
        while start < items.count {
          lines.append(items[start..<min(items.count, start + perLine)].joined(separator: ", "))
          start += perLine
        }
        return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
      }
      let slices = indices.map { index -> String in
        guard let index else { return "..." }
        return render(axis: axis + 1, offset: offset + index * strides[axis], indent: indent + 1)
      }
      let rank = shape.count - axis
      let separator = "," + String(repeating: "\n", count: rank - 1) + String(repeating: " ", count: indent + 1)
      return "[" + slices.joined(separator: separator) + "]"
    }
  }
}
