import Foundation
import SwiftLoss
import Testing

@testable import SwiftLossCLI

/// Text and JSON layouts from constructed results: no readers involved.
/// Every number in a JSON document that has a fraction or exponent (shapes hold plain integers),
/// parsed with Swift's exact `Double(String)`.
func numbers(in document: String) -> [Double] {
  var result: [Double] = []
  var token: [UInt8] = []
  func flush() {
    if token.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") }),
      let value = Double(String(decoding: token, as: UTF8.self))
    {
      result.append(value)
    }
    token.removeAll(keepingCapacity: true)
  }
  for byte in document.utf8 {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "-"),
      UInt8(ascii: "+"):
      token.append(byte)
    default:
      flush()
    }
  }
  flush()
  return result
}

@Suite struct RenderingTests {
  let shortest = NumberWriter(notation: .shortest, json: false)

  func tensor(_ shape: [Int], _ storage: [Double]) -> Tensor {
    Tensor(validatedShape: shape, storage: storage)
  }

  func report(
    value: Tensor, elementwise: Tensor, gradients: [(String, Tensor)], reduction: String = "mean", show: ShowSet = .all
  )
    throws -> LossReport
  {
    let definition = try #require(LossRegistry.lookup("mse"))
    let options = try LossOptions(specs: definition.options, given: ["reduction": .string(reduction)])
    let result = LossResult(
      value: value, elementwise: elementwise, gradients: gradients.map { (name: $0.0, gradient: $0.1) })
    return LossReport(definition: definition, options: options, result: result, show: show)
  }

  func text(_ report: LossReport, numbers: NumberWriter? = nil) throws -> String {
    let buffer = OutputBuffer()
    try TextRenderer.render(report, numbers: numbers ?? shortest, into: buffer)
    return String(decoding: buffer.array, as: UTF8.self)
  }

  func json(_ report: LossReport, numbers: NumberWriter = NumberWriter(notation: .shortest, json: true)) throws
    -> String
  {
    let output = ChunkedOutput(numbers: numbers)
    try JSONRenderer.render(report, into: output)
    let capture = Capture()
    try output.write(to: capture.sink)
    return capture.text
  }

  @Test func contractExample() throws {
    let elementwise = tensor([3, 2], [0.25, 1.0, 0.0, 4.0, 0.5, 1.5])
    let r = try report(
      value: Tensor(scalar: 0.875), elementwise: elementwise,
      gradients: [("input", elementwise), ("target", elementwise)])
    let text = try self.text(r)
    #expect(
      text == """
        loss: 0.875
        elementwise (shape [3, 2]):
        [[0.25,  1.0],
         [ 0.0,  4.0],
         [ 0.5,  1.5]]
        grad input (shape [3, 2]):
        [[0.25,  1.0],
         [ 0.0,  4.0],
         [ 0.5,  1.5]]
        grad target (shape [3, 2]):
        [[0.25,  1.0],
         [ 0.0,  4.0],
         [ 0.5,  1.5]]

        """)
    let document = try json(r)
    #expect(document.contains(#""elementwise": {"shape": [3, 2], "data": [[0.25, 1.0], [0.0, 4.0], [0.5, 1.5]]}"#))
    let object = try #require(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])
    #expect(object["loss"] as? String == "mse_loss")
    #expect(object["module"] as? String == "MSELoss")
    #expect(object["value"] as? Double == 0.875)
    let gradients = try #require(object["gradients"] as? [String: Any])
    #expect(Set(gradients.keys) == ["input", "target"])
  }

  @Test func zeroDimensionalTensors() throws {
    let r = try report(
      value: Tensor(scalar: 2), elementwise: Tensor(scalar: 2), gradients: [("input", Tensor(scalar: -1))])
    #expect(try text(r) == "loss: 2.0\nelementwise (shape []): 2.0\ngrad input (shape []): -1.0\n")
    let object = try JSONSerialization.jsonObject(with: Data(try json(r).utf8)) as? [String: Any]
    let elementwise = try #require(object?["elementwise"] as? [String: Any])
    #expect(elementwise["shape"] as? [Int] == [])
    #expect(elementwise["data"] as? Double == 2)
  }

  @Test func emptyTensors() throws {
    let empty = tensor([0], [])
    let r = try report(value: Tensor(scalar: .nan), elementwise: empty, gradients: [("input", tensor([2, 0], []))])
    #expect(try text(r) == "loss: nan\nelementwise (shape [0]):\n[]\ngrad input (shape [2, 0]):\n[]\n")
    let document = try json(r)
    #expect(document.contains(#""value": "NaN""#))
    #expect(document.contains(#""elementwise": {"shape": [0], "data": []}"#))
    #expect(document.contains(#""input": {"shape": [2, 0], "data": [[], []]}"#))
    _ = try JSONSerialization.jsonObject(with: Data(document.utf8))
  }

  @Test func rankThreeLayout() throws {
    let t = tensor([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8])
    #expect(TensorText.render(t, numbers: shortest) == "[[[1.0, 2.0],\n  [3.0, 4.0]],\n\n [[5.0, 6.0],\n  [7.0, 8.0]]]")
    let buffer = OutputBuffer()
    try NestedArrayWriter.write(t, numbers: NumberWriter(notation: .shortest, json: true), into: buffer)
    #expect(String(decoding: buffer.array, as: UTF8.self) == "[[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]]")
  }

  @Test func rightAlignedColumnsAndNonFinite() {
    let t = tensor([2, 2], [-1, .nan, 100.5, .infinity])
    #expect(TensorText.render(t, numbers: shortest) == "[[ -1.0,   nan],\n [100.5,   inf]]")
  }

  @Test func longRowsWrapAt80Columns() {
    let t = tensor([30], (0..<30).map { Double($0) + 0.5 })
    let text = TensorText.render(t, numbers: shortest)
    let lines = text.split(separator: "\n")
    #expect(lines.count > 1)
    for line in lines { #expect(line.count <= 80) }
    #expect(lines[1].hasPrefix(" "))  // continuation lines are indented under the first element
    #expect(text.hasPrefix("[ 0.5,  1.5,"))
  }

  @Test func largeTensorsAreSummarisedInText() {
    let t = tensor([1001], (0..<1001).map(Double.init))
    #expect(TensorText.render(t, numbers: shortest) == "[   0.0,    1.0,    2.0,  ...,  998.0,  999.0, 1000.0]")
    let m = tensor([100, 100], (0..<10_000).map(Double.init))
    let text = TensorText.render(m, numbers: shortest)
    #expect(
      text == """
        [[   0.0,    1.0,    2.0,  ...,   97.0,   98.0,   99.0],
         [ 100.0,  101.0,  102.0,  ...,  197.0,  198.0,  199.0],
         [ 200.0,  201.0,  202.0,  ...,  297.0,  298.0,  299.0],
         ...,
         [9700.0, 9701.0, 9702.0,  ..., 9797.0, 9798.0, 9799.0],
         [9800.0, 9801.0, 9802.0,  ..., 9897.0, 9898.0, 9899.0],
         [9900.0, 9901.0, 9902.0,  ..., 9997.0, 9998.0, 9999.0]]
        """)
    // Exactly 1000 elements is not summarised.
    #expect(!TensorText.render(tensor([1000], [Double](repeating: 1, count: 1000)), numbers: shortest).contains("..."))
  }

  @Test func reductionNoneValueIsATensor() throws {
    let e = tensor([2], [1, 2])
    let r = try report(value: e, elementwise: e, gradients: [], reduction: "none")
    #expect(try text(r) == "loss (shape [2]):\n[1.0, 2.0]\nelementwise (shape [2]):\n[1.0, 2.0]\n")
    let document = try json(r)
    #expect(document.contains(#""value": {"shape": [2], "data": [1.0, 2.0]}"#))
    #expect(document.contains(#""gradients": {}"#))
  }

  @Test func showSubsets() throws {
    let e = tensor([2], [1, 2])
    let r = try report(value: Tensor(scalar: 1.5), elementwise: e, gradients: [("input", e)], show: .loss)
    #expect(try text(r) == "1.5\n")
    let document = try json(r)
    #expect(!document.contains("elementwise"))
    #expect(!document.contains("gradients"))
    let g = try report(value: Tensor(scalar: 1.5), elementwise: e, gradients: [("input", e)], show: [.gradients])
    #expect(try text(g) == "grad input (shape [2]):\n[1.0, 2.0]\n")
  }

  @Test func largeJSONIsChunkedInOrderAndNeverSummarised() throws {
    let count = ChunkedOutput.chunkSize * 2 + 12345
    var rng = NumberFormattingTests.SplitMix(state: 9)
    let storage = (0..<count).map { _ in Double.random(in: -1...1, using: &rng) }
    let big = tensor([count / 5, 5], Array(storage.prefix(count / 5 * 5)))
    let r = try report(
      value: Tensor(scalar: 0.5), elementwise: big, gradients: [("input", big), ("target", tensor([count], storage))])
    let document = try json(r)
    // Valid JSON with the right structure (JSONSerialization on Linux does not parse doubles
    // exactly, so the values are compared through Swift's own parser).
    let object = try #require(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])
    let elementwise = try #require(object["elementwise"] as? [String: Any])
    let rows = try #require(elementwise["data"] as? [[Any]])
    #expect(rows.count == count / 5)
    #expect(rows.allSatisfy { $0.count == 5 })
    let target = try #require((object["gradients"] as? [String: Any])?["target"] as? [String: Any])
    #expect((target["data"] as? [Any])?.count == count)
    let values = numbers(in: document)
    // value, elementwise, input, target, in order (shapes are skipped as they hold integers only).
    let expected = [0.5] + big.storage + big.storage + storage
    let equal = values == expected
    #expect(equal, "\(values.count) numbers, expected \(expected.count)")
    // The chunked document equals one written serially.
    let serial = OutputBuffer()
    try NestedArrayWriter.write(big, numbers: NumberWriter(notation: .shortest, json: true), into: serial)
    let bytes = Array(document.utf8)
    let marker = Array(#""elementwise": {"shape": [\#(count / 5), 5], "data": "#.utf8)
    let start = try #require(
      (0...(bytes.count - marker.count)).first {
        bytes[$0] == marker[0] && Array(bytes[$0..<($0 + marker.count)]) == marker
      })
    let same = Array(bytes[(start + marker.count)...].prefix(serial.count)) == serial.array
    #expect(same)
  }

  @Test func jsonOptionValueTypes() {
    let specs = [
      .reduction(allowing: [.mean]),
      OptionSpec(.margin, default: 1, help: ""),
      OptionSpec(OptionKey<Int>("p"), default: 2, help: ""),
      OptionSpec(.swap, default: false, help: ""),
      OptionSpec(.eps, default: 1e-6, help: ""),
    ]
    let values: [String: OptionValue] = [
      "reduction": .string("mean"), "margin": .double(.infinity), "p": .int(2), "swap": .bool(false),
      "eps": .double(1e-6),
    ]
    #expect(
      JSONText.options(specs, values: values)
        == #"{"reduction": "mean", "margin": "Infinity", "p": 2, "swap": false, "eps": 1e-06}"#)
    #expect(JSONText.string("a\"b\\c\n\u{1}") == #""a\"b\\c\n\u0001""#)
  }
}
