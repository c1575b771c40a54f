import Foundation
import SwiftLoss
import Testing

@testable import SwiftLossCLI

/// linear_cross_entropy through the command line: its tensor flags, `--out-features` in the ways it
/// is written, and PyTorch's errors with their exit statuses. Expected numbers are PyTorch 2.15's
/// (`F.linear_cross_entropy` on the same literals, float64).
@Suite struct LinearCrossEntropyCLITests {
  let head = [
    "--input", "[[1, 2, 3], [0.5, -1, 2]]",
    "--linear-weight", "[[0.1, 0.2, 0.3], [-0.2, 0.1, 0.0], [0.3, -0.1, 0.2], [0.0, 0.5, -0.5]]",
    "--target", "[1, 3]", "--linear-bias", "[0.1, 0, -0.1, 0.2]",
  ]

  @Test func everySpellingComputesPyTorchsValue() {
    for name in [
      "linear_cross_entropy", "LinearCrossEntropyLoss", "F.linear_cross_entropy", "torch.nn.LinearCrossEntropyLoss",
    ] {
      let result = run([name] + head + ["--show", "loss"])
      #expect(result.status == 0, "\(name): \(result.stderr)")
      #expect(result.stdout == "2.450918729947821\n", "\(name)")
    }
  }

  @Test func gradientsAreKeyedByPyTorchsArgumentNames() {
    let result = run(["linear_cross_entropy"] + head + ["--format", "json"])
    #expect(result.status == 0)
    for key in ["\"input\"", "\"linear_weight\"", "\"linear_bias\""] { #expect(result.stdout.contains(key)) }
    #expect(result.stdout.contains("0.4686944511183867"))  // d loss / d linear_bias[0]
  }

  @Test func outFeaturesIsATupleInAnyWriting() {
    // The (4, 3) weight as the flat linear.weight of 2 classes × out_features (2,).
    let flat = [
      "linear_cross_entropy", "--input", "[[1, 2, 3], [0.5, -1, 2]]",
      "--linear-weight", "[[0.1, 0.2, 0.3], [-0.2, 0.1, 0.0], [0.3, -0.1, 0.2], [0.0, 0.5, -0.5]]",
      "--target", "[[0, 1], [1, 1]]", "--show", "loss",
    ]
    let values = ["2", "(2,)", "[2]", "2,"].map { run(flat + ["--out-features", $0]) }
    for value in values { #expect(value.status == 0, "\(value.stderr)") }
    #expect(Set(values.map(\.stdout)).count == 1)
    #expect(run(flat + ["--out-features", "two"]).status == 2)
    #expect(run(flat).status == 1, "without --out-features the (2, 2) target does not fit 4 classes")
  }

  @Test func pytorchsErrorsAndTheirStatuses() {
    let probabilities = run([
      "linear_cross_entropy", "--input", "[1, 2]", "--linear-weight", "[[1, 0], [0, 1]]",
      "--target", "[0.25, 0.75]", "--ignore-index", "-100",
    ])
    #expect(probabilities.status == 2)
    #expect(probabilities.stderr.contains("ignore_index cannot be specified when target contains probabilities"))
    let features = run(["linear_cross_entropy", "--input", "[1, 2]", "--linear-weight", "[[1, 2, 3]]", "--target", "0"])
    #expect(features.status == 1)
    #expect(
      features.stderr.contains(
        "expected equal input and linear_weight last dimensions (in_features), got 2 and 3, respectively"))
    let option = run([
      "linear_cross_entropy", "--input", "[1, 2]", "--linear-weight", "[[1, 2]]", "--target", "0",
      "--delta", "1",
    ])
    #expect(option.status == 2)
  }
}
