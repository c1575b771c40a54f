import Testing

@testable import SwiftLoss

/// Every case PyTorch computed (Fixtures/pytorch/*.json) run through the registry: the value for
/// each reduction, the reduction='none' tensor, every gradient PyTorch gives and its warnings.
@Suite struct PyTorchFixtureTests {
  static let fixtures = PyTorchFixture.load()

  @Test func fixturesArePresent() {
    #expect(Self.fixtures.count >= 100, "the committed PyTorch fixtures were not found")
  }

  @Test(arguments: fixtures)
  func matchesPyTorch(_ fixture: PyTorchFixture) throws {
    let definition = try #require(LossRegistry.lookup(fixture.loss), "no loss named \(fixture.loss)")
    if let kind = fixture.errorKind {
      for reduction in fixture.errorReductions {
        do {
          let result = try fixture.run(definition, reduction: reduction)
          Issue.record(
            "expected a \(kind) error like PyTorch's \(fixture.torchError ?? ""), got \(result.value.storage)")
        } catch {
          switch (kind, error) {
          case ("usage", .usage), ("data", .data): break
          default: Issue.record("expected a \(kind) error (PyTorch: \(fixture.torchError ?? "")), got \(error)")
          }
        }
      }
      return
    }
    for (reduction, expected) in fixture.results {
      let result = try fixture.run(definition, reduction: reduction)
      check(result.value, expected.value, "\(reduction) value")
      for (name, tensor) in expected.extra {
        guard let actual = result.extraOutputs.first(where: { $0.name == name })?.tensor else {
          Issue.record("\(reduction): no result \(name)")
          continue
        }
        check(actual, tensor, "\(reduction) \(name)")
      }
      if let elementwise = fixture.elementwise { check(result.elementwise, elementwise, "elementwise") }
      for (name, gradient) in expected.gradients {
        guard let actual = result.gradient(TensorKey(name)) else {
          Issue.record("\(reduction): no gradient for \(name)")
          continue
        }
        check(actual, gradient, "\(reduction) gradient \(name)")
      }
      let extra = Set(result.gradients.map(\.name)).subtracting(expected.gradients.keys)
      #expect(extra.isEmpty, "\(reduction): gradients PyTorch does not give: \(extra.sorted())")
      // The legacy-flag deprecation warning is the front end's (ComputeCommand), not the engine's.
      let warnings = expected.warnings.filter { !$0.hasPrefix("size_average and reduce args will be deprecated") }
      #expect(
        result.warnings.count == warnings.count,
        "\(reduction): warnings \(result.warnings) vs PyTorch's \(expected.warnings)")
    }
  }

  /// Asking for fewer results (the CLI's `--show`) lets a loss skip work, but never changes a bit
  /// of what is still computed: the value alone is summed in the same blocks as the full path.
  @Test(arguments: fixtures)
  func partialOutputsAreBitIdentical(_ fixture: PyTorchFixture) throws {
    guard fixture.errorKind == nil, let definition = LossRegistry.lookup(fixture.loss) else { return }
    func same(_ a: Tensor, _ b: Tensor) -> Bool {
      a.shape == b.shape
        && zip(a.storage, b.storage).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }
    for (reduction, _) in fixture.results {
      let full = try fixture.run(definition, reduction: reduction)
      for outputs: LossOutputs in [.value, [.value, .gradients], [.value, .elementwise], .gradients] {
        let partial = try fixture.run(definition, reduction: reduction, outputs: outputs)
        if outputs.contains(.value) {
          #expect(
            same(partial.value, full.value),
            "\(reduction) \(outputs.rawValue): value \(partial.value.storage) vs \(full.value.storage)")
        }
        if outputs.contains(.elementwise) {
          #expect(same(partial.elementwise, full.elementwise), "\(reduction) \(outputs.rawValue): elementwise differs")
        }
        if outputs.contains(.gradients) {
          #expect(partial.gradients.map(\.name) == full.gradients.map(\.name), "\(reduction): gradient names")
          for (name, gradient) in full.gradients {
            guard let other = partial.gradient(TensorKey(name)) else { continue }
            #expect(same(other, gradient), "\(reduction) \(outputs.rawValue): gradient \(name) differs")
          }
        }
      }
    }
  }

  func check(_ actual: Tensor, _ expected: Tensor, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(
      actual.shape == expected.shape, "\(what): shape \(actual.shape) vs PyTorch's \(expected.shape)",
      sourceLocation: sourceLocation)
    if let problem = Closeness.mismatch(expected: expected.storage, actual: actual.storage, signedZeros: true) {
      Issue.record("\(what): \(problem)", sourceLocation: sourceLocation)
    }
  }
}
