import Foundation
import Testing

@testable import SwiftLoss

/// One run of Fixtures/make_dtype_fixtures.py: a float64 fixture case computed by PyTorch in
/// float32, bfloat16 or float16, with how far PyTorch's kernel itself is from the correctly
/// rounded value (`stray`, in ulps, per output).
struct DTypeFixture: CustomTestStringConvertible, Sendable {
  struct Expected: Sendable {
    var value: Tensor
    var gradients: [String: Tensor]
    /// "value" or "grad:NAME" → PyTorch's largest distance from the correctly rounded value.
    var stray: [String: Double]
  }

  var family: String
  var name: String
  var loss: String
  var dtype: FloatDType
  var results: [(reduction: String, expected: Expected)]

  var testDescription: String { "\(family)/\(name) \(dtype.rawValue)" }

  static func load() -> [DTypeFixture] {
    guard
      let directory = Bundle.module.url(forResource: "Fixtures", withExtension: nil)?
        .appendingPathComponent("pytorch").appendingPathComponent("dtype"),
      let files = try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
    else { return [] }
    var fixtures: [DTypeFixture] = []
    for file in files.sorted(by: { $0.lastPathComponent < $1.lastPathComponent }) where file.pathExtension == "json" {
      let family = file.deletingPathExtension().lastPathComponent
      guard let data = try? Data(contentsOf: file),
        let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
        let cases = document["cases"] as? [[String: Any]]
      else { continue }
      for json in cases {
        guard let name = json["name"] as? String, let loss = json["loss"] as? String,
          let dtype = (json["dtype"] as? String).flatMap(FloatDType.init(rawValue:))
        else { continue }
        var results: [(String, Expected)] = []
        for (reduction, entry) in json["results"] as? [String: Any] ?? [:] {
          guard let entry = entry as? [String: Any], let value = entry["value"].flatMap(PyTorchFixture.tensor) else {
            continue
          }
          let gradients = (entry["gradients"] as? [String: Any] ?? [:]).compactMapValues(PyTorchFixture.tensor)
          let stray = (entry["stray"] as? [String: Any] ?? [:]).mapValues(PyTorchFixture.number)
          results.append((reduction, Expected(value: value, gradients: gradients, stray: stray)))
        }
        fixtures.append(
          DTypeFixture(family: family, name: name, loss: loss, dtype: dtype, results: results.sorted { $0.0 < $1.0 }))
      }
    }
    return fixtures
  }
}

/// `--dtype` against PyTorch 2.15's float32, bfloat16 and float16 CPU kernels on every fixture case
/// they take: inputs rounded as `tensor.to(dtype)` rounds them, the float64 result rounded once.
/// Every number must be within 2 ulps of the dtype of PyTorch's, or — where PyTorch's own kernel is
/// further than that from the correctly rounded value (its `stray`) — no further from PyTorch than
/// PyTorch is from the correctly rounded value, plus 2.
@Suite struct LowPrecisionFixtureTests {
  static let runs = DTypeFixture.load()
  static let inputs: [String: PyTorchFixture] = Dictionary(
    PyTorchFixture.load().map { ("\($0.family)/\($0.name)", $0) }, uniquingKeysWith: { first, _ in first })

  /// Ulps of the dtype between `ours` and PyTorch's `theirs`, at `theirs`. Differences below the
  /// float64 noise of the tensor (1e-12 of its largest magnitude: cancellations that leave 1e-17 in
  /// one float64 computation and 0 in another) count as none.
  static func ulps(_ ours: Double, _ theirs: Double, dtype: FloatDType, scale: Double) -> Double {
    if ours.isNaN || theirs.isNaN { return ours.isNaN && theirs.isNaN ? 0 : .infinity }
    if ours.isInfinite || theirs.isInfinite { return ours == theirs ? 0 : .infinity }
    let difference = abs(ours - theirs)
    if difference <= 1e-12 * scale { return 0 }
    return difference / dtype.ulp(at: theirs)
  }

  struct Row {
    var values = 0
    var worst = 0.0
    var torchStray = 0.0
    var beyondTwo = 0
    /// The same for the loss values (reduced and elementwise) alone, without the gradients.
    var lossValues = 0
    var lossWorst = 0.0
    var lossBeyondTwo = 0
  }

  @Test func fixturesArePresent() {
    #expect(Self.runs.count >= 1000, "the committed dtype fixtures were not found")
    for dtype in [FloatDType.float32, .bfloat16, .float16] {
      #expect(Self.runs.contains { $0.dtype == dtype }, "no \(dtype) fixtures")
    }
  }

  @Test func agreesWithPyTorchWithinTwoUlps() throws {
    var table: [String: Row] = [:]
    for run in Self.runs {
      let base = try #require(Self.inputs["\(run.family)/\(run.name)"], "no float64 fixture \(run.name)")
      let definition = try #require(LossRegistry.lookup(run.loss))
      var rounded = base  // the case as the command line runs it (legacy flags, bare numbers), inputs rounded
      rounded.tensors = LowPrecision.roundInputs(
        base.tensors, dtype: run.dtype, integral: definition.integralTensors(base.tensors))
      for (reduction, expected) in run.results {
        let result = LowPrecision.roundResult(try rounded.run(definition, reduction: reduction), dtype: run.dtype)
        var pairs: [(String, Tensor, Tensor)] = [("value", result.value, expected.value)]
        for (name, gradient) in expected.gradients {
          let ours = try #require(
            result.gradient(TensorKey(name)), "\(run.testDescription) \(reduction): no gradient \(name)")
          pairs.append(("grad:" + name, ours, gradient))
        }
        for (output, ours, theirs) in pairs {
          #expect(ours.shape == theirs.shape, "\(run.testDescription) \(reduction) \(output): shape")
          let stray = expected.stray[output] ?? 0
          let scale = theirs.storage.lazy.filter(\.isFinite).map(abs).max() ?? 0
          let key = "\(run.loss) \(run.dtype.rawValue)"
          var row = table[key] ?? Row()
          row.torchStray = max(row.torchStray, stray)
          for (index, (a, b)) in zip(ours.storage, theirs.storage).enumerated() {
            let distance = Self.ulps(a, b, dtype: run.dtype, scale: scale)
            row.values += 1
            row.worst = max(row.worst, distance)
            if distance > 2 { row.beyondTwo += 1 }
            if output == "value" {
              row.lossValues += 1
              row.lossWorst = max(row.lossWorst, distance)
              if distance > 2 { row.lossBeyondTwo += 1 }
            }
            if distance > 2 + stray {
              let place = "\(run.testDescription) \(reduction) \(output)[\(index)]"
              Issue.record(
                Comment(rawValue: "\(place): swiftloss \(a), PyTorch \(b): \(distance) ulps (PyTorch strays \(stray))"))
            }
          }
          table[key] = row
        }
      }
    }
    // The agreement table for the README: worst distance per loss and dtype.
    var lines = [
      "| loss | dtype | loss values | max ulps | > 2 ulps | all numbers (with gradients) | max ulps | > 2 ulps "
        + "| PyTorch's max stray (ulps) |",
      "|---|---|---|---|---|---|---|---|---|",
    ]
    for key in table.keys.sorted() {
      guard let row = table[key] else { continue }
      let parts = key.split(separator: " ")
      func text(_ x: Double) -> String { x.isInfinite ? "inf" : String(format: "%.3g", x) }
      guard row.values > 0 else { continue }
      lines.append(
        "| \(parts[0]) | \(parts[1]) | \(row.lossValues) | \(text(row.lossWorst)) | \(row.lossBeyondTwo) | \(row.values) "
          + "| \(text(row.worst)) | \(row.beyondTwo) | \(text(row.torchStray)) |")
    }
    print(lines.joined(separator: "\n"))
  }

  /// `torch.tensor(1 + 2**-8 + 2**-30, dtype=torch.bfloat16)` is 1.0 in PyTorch 2.15 (it rounds through
  /// float32), and the same for float16 with 1 + 2**-11 + 2**-40; a direct rounding would round up.
  @Test func inputsRoundThroughFloat32AsPyTorchDoes() {
    #expect(FloatDType.bfloat16.roundInput(1 + 0x1p-8 + 0x1p-30) == 1.0)
    #expect(FloatDType.float16.roundInput(1 + 0x1p-11 + 0x1p-40) == 1.0)
    #expect(FloatDType.bfloat16.roundResult(1 + 0x1p-8 + 0x1p-30) == 1 + 0x1p-7)
    #expect(FloatDType.float16.roundResult(1 + 0x1p-11 + 0x1p-40) == 1 + 0x1p-10)
  }

  /// The 16-bit rounding against Swift's own `Float16` conversion (correctly rounded), on a sweep
  /// of doubles around every binade, subnormals and the overflow threshold included.
  @Test func float16RoundingMatchesSwiftFloat16() {
    #if arch(x86_64) || arch(arm64)
      var x = 0x1p-26
      var failures: [String] = []
      while x < 70000 {
        for value in [x, x.nextUp, x.nextDown, x * 1.000244140625, x * 1.0004882812500001, -x] {
          let expected = Double(Float16(value))
          let actual = FloatDType.float16.roundResult(value)
          if actual != expected && failures.count < 5 { failures.append("\(value): \(actual) vs \(expected)") }
        }
        x *= 1.0009765625 + 0x1p-30
      }
      #expect(failures.isEmpty, "\(failures)")
    #endif
  }
}
