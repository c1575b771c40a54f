import Foundation
import Testing

@testable import SwiftLoss

/// One case written by `Fixtures/make_fixtures.py`: tensors, options and what PyTorch computed.
struct PyTorchFixture: CustomTestStringConvertible, Sendable {
  struct Expected: Sendable {
    var value: Tensor
    var gradients: [String: Tensor]
    var warnings: [String]
    /// Further results of a module (AdaptiveLogSoftmaxWithLoss's `output`).
    var extra: [String: Tensor] = [:]
  }

  var family: String
  var name: String
  var loss: String
  var options: [String: OptionValue]
  var tensors: [String: Tensor]
  var elementwise: Tensor?
  /// Reduction → PyTorch's value and gradients.
  var results: [(reduction: String, expected: Expected)]
  /// For cases where PyTorch raises: the exit kind swiftloss must give ("data" or "usage").
  var errorKind: String?
  var errorReductions: [String]
  var torchError: String?
  /// Tensors PyTorch received as Python floats (bare inline numbers on the command line).
  var bareNumbers: Set<String>
  /// The deprecated `size_average`/`reduce` arguments, and whether the loss was spelt as its module.
  var legacySizeAverage: Bool?
  var legacyReduce: Bool?
  var spelledAsModule: Bool

  var testDescription: String { "\(family)/\(name)" }

  /// Every case of every `Fixtures/pytorch/*.json` file, or only those of `family`.
  static func load(family: String? = nil) -> [PyTorchFixture] {
    guard
      let directory = Bundle.module.url(forResource: "Fixtures", withExtension: nil)?
        .appendingPathComponent("pytorch"),
      let files = try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
    else { return [] }
    var fixtures: [PyTorchFixture] = []
    for file in files.sorted(by: { $0.lastPathComponent < $1.lastPathComponent }) where file.pathExtension == "json" {
      let fileFamily = file.deletingPathExtension().lastPathComponent
      if let family, family != fileFamily { continue }
      guard let data = try? Data(contentsOf: file),
        let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
        let cases = document["cases"] as? [[String: Any]]
      else { continue }
      fixtures += cases.compactMap { PyTorchFixture(family: fileFamily, json: $0) }
    }
    return fixtures
  }

  init?(family: String, json: [String: Any]) {
    guard let name = json["name"] as? String, let loss = json["loss"] as? String else { return nil }
    self.family = family
    self.name = name
    self.loss = loss
    self.options = (json["options"] as? [String: Any] ?? [:]).compactMapValues(Self.option)
    self.tensors = (json["tensors"] as? [String: Any] ?? [:]).compactMapValues(Self.tensor)
    self.elementwise = json["elementwise"].flatMap(Self.tensor)
    var results: [(String, Expected)] = []
    for (reduction, entry) in json["results"] as? [String: Any] ?? [:] {
      guard let entry = entry as? [String: Any], let value = entry["value"].flatMap(Self.tensor) else { continue }
      let gradients = (entry["gradients"] as? [String: Any] ?? [:]).compactMapValues(Self.tensor)
      let extra = (entry["extra"] as? [String: Any] ?? [:]).compactMapValues(Self.tensor)
      results.append(
        (
          reduction,
          Expected(value: value, gradients: gradients, warnings: entry["warnings"] as? [String] ?? [], extra: extra)
        ))
    }
    self.results = results.sorted { $0.0 < $1.0 }
    let error = json["error"] as? [String: Any]
    self.errorKind = error?["kind"] as? String
    self.torchError = error?["torch"] as? String
    self.errorReductions = json["reductions"] as? [String] ?? []
    self.bareNumbers = Set(json["bare_numbers"] as? [String] ?? [])
    let legacy = json["legacy"] as? [String: Any]
    self.legacySizeAverage = (legacy?["size_average"] as? NSNumber)?.boolValue
    self.legacyReduce = (legacy?["reduce"] as? NSNumber)?.boolValue
    self.spelledAsModule = json["spelling"] as? String == "module"
  }

  /// Runs the case's loss for one reduction as the command line would: the reduction and the legacy
  /// flags as given (the call maps them), the bare numbers marked.
  func run(_ definition: LossDefinition, reduction: String, outputs: LossOutputs = .all) throws(LossError) -> LossResult
  {
    var options = self.options
    if definition.optionSpec("reduction") != nil { options["reduction"] = .string(reduction) }
    return try definition.run(
      tensors: tensors, options: options, sizeAverage: legacySizeAverage, reduce: legacyReduce, outputs: outputs,
      spelledAsModule: spelledAsModule, bareNumbers: bareNumbers)
  }

  static func option(_ value: Any) -> OptionValue? {
    guard let typed = value as? [String: Any], let type = typed["type"] as? String, let raw = typed["value"] else {
      return nil
    }
    switch type {
    case "bool": return (raw as? NSNumber).map { .bool($0.boolValue) }
    case "int": return (raw as? NSNumber).map { .int($0.intValue) }
    case "double": return .double(number(raw))
    case "ints": return (raw as? [NSNumber]).map { .ints($0.map(\.intValue)) }
    default: return (raw as? String).map { .string($0) }
    }
  }

  static func tensor(_ value: Any) -> Tensor? {
    guard let object = value as? [String: Any], let shape = object["shape"] as? [Int],
      let data = object["data"] as? [Any]
    else { return nil }
    let storage = data.map(number)
    return try? Tensor(shape: shape, storage: storage)
  }

  static func number(_ value: Any) -> Double {
    switch value {
    case let text as String:
      switch text {
      case "NaN": return .nan
      case "Infinity": return .infinity
      case "-Infinity": return -.infinity
      default: return .nan
      }
    // Foundation on Linux parses long decimals (17 significant digits) as NSDecimalNumber, whose
    // doubleValue can be off by an ulp or more; its decimal text converts exactly.
    case let decimal as NSDecimalNumber: return Double(decimal.stringValue) ?? decimal.doubleValue
    case let number as NSNumber: return number.doubleValue
    default: return .nan
    }
  }
}
