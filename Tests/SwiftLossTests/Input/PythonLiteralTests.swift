import Foundation
import Testing

@testable import SwiftLoss

/// What PyTorch 2.15 and numpy print (Fixtures/literals/make_literals.py wrote the texts and the
/// values they hold), pasted as inline literals.
@Suite struct PythonLiteralTests {
  static func printed() throws -> [String: Any] {
    guard let directory = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
      throw InputError(label: "printed.json", message: "fixtures missing")
    }
    let url = directory.appendingPathComponent("literals").appendingPathComponent("printed.json")
    return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
  }

  @Test("every printed tensor and array reads as the values it holds")
  func printedForms() throws {
    let cases = try #require(try Self.printed()["cases"] as? [[String: Any]])
    #expect(cases.count == 22)
    for entry in cases {
      let text = try #require(entry["text"] as? String)
      let shape = try #require(entry["shape"] as? [Int])
      let values = (entry["values"] as? [String] ?? []).compactMap(Double.init)
      #expect(TensorReader.looksLikeLiteral(text), "\(text)")
      let tensor = try TensorReader.parseLiteral(text, label: "--input")
      #expect(tensor.shape == shape, "\(text)")
      #expect(tensor.storage.count == values.count, "\(text)")
      for (got, want) in zip(tensor.storage, values) {
        // torch rounds to four decimals in binary; the text says the decimal: within an ulp or two.
        let same = got.isNaN ? want.isNaN : (got == want || abs(got - want) <= 1e-15 * max(1, abs(want)))
        #expect(same, "\(text): \(got) vs \(want)")
      }
    }
  }

  @Test("a summarised print is refused with what to do; out-of-range numbers say so")
  func refusals() throws {
    let summarised = try #require(try Self.printed()["summarised"] as? [String: String])
    for text in summarised.values {
      #expect(
        message(text).hasPrefix("the tensor was printed summarised ('...' stands for elements left out)"), "\(text)")
    }
    expectInputError(line: 1, column: 1, "number out of range: \"1e309\"") { () throws(InputError) in
      try TensorReader.parseLiteral("1e309", label: "--target")
    }
    expectInputError(line: 1, column: 9, "number out of range: \"-1e309\"") { () throws(InputError) in
      try TensorReader.parseLiteral("tensor([-1e309, 1.])", label: "--target")
    }
    expectInputError(prefix: "array(...) has dtype='<U1', not a number type") { () throws(InputError) in
      try TensorReader.parseLiteral("array(['a'], dtype='<U1')", label: "--target")
    }
    #expect(message("tensor([[1., 2.], [3.]])").hasPrefix("the lists are not rectangular"))
    expectInputError(prefix: "float64(...) holds one number, not a list") { () throws(InputError) in
      try TensorReader.parseLiteral("np.float64([1.5])", label: "--target")
    }
  }

  func message(_ text: String) -> String {
    do {
      _ = try TensorReader.parseLiteral(text, label: "--input")
      return "no error"
    } catch {
      return error.message
    }
  }

  @Test("literal or path: JSON, numbers in every spelling, printed forms; not paths")
  func literalDetection() {
    for literal in [
      "[1, 2]", " {\"shape\": [1], \"data\": [1]}", "3", "-1.5e-3", "nan", "-Infinity", "inf", "1e309",
      "tensor(3.)", "torch.tensor([1., 2.])", "array([1, 2], dtype=int64)", "np.float64(1.5)",
      "numpy.array([[1]])", "[1. 2.]",
    ] {
      #expect(TensorReader.looksLikeLiteral(literal), "\(literal)")
    }
    for path in [
      "preds.csv", "0.csv", "./0", "data/x.npy", "tensor", "tensor.pt", "model(1).csv", "", "1e5x", "-",
      "nanny.csv", "array",
    ] {
      #expect(!TensorReader.looksLikeLiteral(path), "\(path)")
    }
  }
}
