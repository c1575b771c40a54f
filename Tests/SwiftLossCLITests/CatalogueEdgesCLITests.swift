import Foundation
import SwiftLoss
import Testing

@testable import SwiftLossCLI

/// Issue 15 on the command line: adaptive_log_softmax with its state_dict through --params, names
/// from other libraries, prefixes in any case, and the edges where the spelling or the source of a
/// tensor decides what PyTorch computes. Expected numbers were printed by torch 2.15 (float64).
@Suite struct CatalogueEdgesCLITests {
  static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("examples/adaptive").path

  static func close(_ a: Double?, _ b: Double) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= 1e-12 * max(1, abs(b))
  }

  @Test func adaptiveLogSoftmaxFromAStateDict() throws {
    let dir = Self.examples
    let arguments = [
      "AdaptiveLogSoftmaxWithLoss", "--input", "\(dir)/features.json", "--target", "\(dir)/targets.json",
      "--params", "\(dir)/state_dict.json", "--cutoffs", "3,6", "--div-value", "2", "--head-bias", "--format", "json",
    ]
    let result = run(arguments, realReaders: true)
    #expect(result.status == 0, "\(result.stderr)")
    let json = try result.json()
    // torch 2.15: m.load_state_dict(state_dict); output, loss = m(input, target) (examples/adaptive/make_example.py)
    #expect(Self.close(json["value"] as? Double, 2.399044984084237))
    let output = try #require((json["output"] as? [String: Any])?["data"] as? [Double])
    let elementwise = try #require((json["elementwise"] as? [String: Any])?["data"] as? [Double])
    #expect(output.count == 5 && zip(output, elementwise).allSatisfy { Self.close($0, -$1) })
    #expect(Self.close(output.first, -1.339662719810957))
    let gradients = try #require(json["gradients"] as? [String: Any])
    #expect(
      Set(gradients.keys) == [
        "input", "head.weight", "head.bias", "tail.0.0.weight", "tail.0.1.weight", "tail.1.0.weight", "tail.1.1.weight",
      ])
    #expect((json["options"] as? [String: Any])?["cutoffs"] as? [Int] == [3, 6])
    // --data is the same reader; both at once is a usage error.
    #expect(run(arguments.dropLast(2) + ["--show", "loss"], realReaders: true).status == 0)
    let both = run(arguments + ["--data", "\(dir)/state_dict.json"], realReaders: true)
    #expect(both.status == 2 && both.stderr.contains("given twice"))
  }

  @Test func adaptiveLogSoftmaxStateDictMismatches() {
    let dir = Self.examples
    let base = [
      "adaptive_log_softmax", "--input", "\(dir)/features.json", "--target", "\(dir)/targets.json",
      "--params", "\(dir)/state_dict.json", "--div-value", "2",
    ]
    // Without --head-bias the module has no head.bias: load_state_dict's unexpected key.
    let noBias = run(base + ["--cutoffs", "3,6"], realReaders: true)
    #expect(noBias.status == 2 && noBias.stderr.contains("Unexpected key(s) in state_dict: \"head.bias\""))
    let missing = run(base + ["--cutoffs", "3,6,7", "--head-bias"], realReaders: true)
    #expect(missing.status == 2 && missing.stderr.contains("Missing key(s) in state_dict: \"tail.2.0.weight\""))
    let unsorted = run(base + ["--cutoffs", "6,3", "--head-bias"], realReaders: true)
    #expect(
      unsorted.status == 2 && unsorted.stderr.contains("cutoffs should be a sequence of unique, positive integers"))
    let noCutoffs = run(base + ["--head-bias"], realReaders: true)
    #expect(noCutoffs.status == 2 && noCutoffs.stderr.contains("needs --cutoffs"))
    let wrongClasses = run(base + ["--cutoffs", "3,6", "--head-bias", "--n-classes", "9"], realReaders: true)
    #expect(wrongClasses.status == 1 && wrongClasses.stderr.contains("size mismatch for tail.1.1.weight"))
    // n_classes at Int's minimum is refused like any too small n_classes (its check once computed
    // n_classes - 1 and trapped on the overflow; found by the losses fuzz target).
    let minimumClasses = run(
      base + ["--cutoffs", "3,6", "--head-bias", "--n-classes", "-9223372036854775808"], realReaders: true)
    #expect(
      minimumClasses.status == 2
        && minimumClasses.stderr.contains("cutoffs should be a sequence of unique, positive integers"))
    let reduction = run(base + ["--cutoffs", "3,6", "--head-bias", "--reduction", "sum"], realReaders: true)
    #expect(reduction.status == 2)
    let badTarget = run(
      [
        "adaptive_log_softmax", "--input", "\(dir)/features.json", "--target", "[0, 1, 8, 2, 3]", "--params",
        "\(dir)/state_dict.json", "--cutoffs", "3,6", "--div-value", "2", "--head-bias",
      ], realReaders: true)
    #expect(
      badTarget.status == 1
        && badTarget.stderr.contains("Target values should be in [0, 7], but values in range [0, 8]"))
  }

  @Test func namesFromOtherLibrariesAreAnsweredNotAliased() {
    let cases: [(String, String)] = [
      ("log_loss", "binary_cross_entropy"), ("categorical_crossentropy", "cross_entropy"),
      ("sparse_categorical_crossentropy", "cross_entropy"), ("mae", "l1_loss"), ("mean_squared_error", "mse_loss"),
      ("rmse", "mse_loss"), ("hinge", "margin_ranking_loss"), ("kld", "kl_div"),
      ("keras.losses.KLDivergence", "kl_div"),
      ("binary_crossentropy", "binary_cross_entropy"), ("poisson", "poisson_nll_loss"),
      ("squared_hinge", "margin_ranking_loss"),
      ("cosine_similarity", "cosine_embedding_loss"), ("optax.softmax_cross_entropy", "cross_entropy"),
    ]
    for (name, pytorch) in cases {
      let result = run([name, "--input", "[0.5]", "--target", "[1]"])
      #expect(result.status == 2, "\(name)")
      #expect(result.stdout.isEmpty)
      #expect(result.stderr.hasPrefix("swiftloss: error: unknown loss '\(name)'"), "\(name): \(result.stderr)")
      #expect(result.stderr.contains("PyTorch computes it with \(pytorch)"), "\(name): \(result.stderr)")
    }
    #expect(run(["log_loss", "--input", "[0.5]", "--target", "[1]"]).stderr.contains("clips"))
    #expect(run(["categorical_crossentropy"]).stderr.contains("takes probabilities"))
    #expect(run(["rmse"]).stderr.contains("square root"))
    // explain and help answer the same way.
    #expect(run(["explain", "log_loss"]).status == 2)
  }

  @Test func prefixesInAnyCase() {
    for name in ["Torch.NN.L1Loss", "f.L1-LOSS", "NN.FUNCTIONAL.l1_loss", "TORCH.NN.FUNCTIONAL.L1_LOSS", "F.l1_loss"] {
      let result = run([name, "--input", "[1, 2]", "--target", "[0, 0]", "--show", "loss"])
      #expect(result.status == 0 && result.stdout == "1.5\n", "\(name): \(result.stderr)")
    }
  }

  @Test func klDivLegacyBatchmeanFollowsTheSpelling() throws {
    let tensors = ["--input", "[[-1, -2], [-0.5, -3]]", "--target", "[[0.2, 0.8], [0.5, 0.5]]"]
    // torch 2.15: F.kl_div(..., size_average=False, reduction='batchmean') and nn.KLDivLoss(the same).
    let functional = run(
      ["kl_div"] + tensors + ["--size-average", "false", "--reduction", "batchmean", "--show", "loss"])
    #expect(Self.close(Double(functional.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), 1.1782251979509335))
    let module = run(
      ["nn.KLDivLoss"] + tensors + ["--size-average", "false", "--reduction", "batchmean", "--show", "loss"])
    #expect(Self.close(Double(module.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), 2.356450395901867))
    // reduce=False with batchmean: the functional divides the elementwise tensor by the batch size.
    let none = try run(["F.kl_div"] + tensors + ["--reduce", "false", "--reduction", "batchmean", "--format", "json"])
      .json()
    let value = try #require((none["value"] as? [String: Any])?["data"] as? [[Double]])
    #expect(Self.close(value[0][1], 0.7107425794743162))
    let moduleNone = try run(
      ["KLDivLoss"] + tensors + ["--reduce", "false", "--reduction", "batchmean", "--format", "json"]
    ).json()
    let moduleValue = try #require((moduleNone["value"] as? [String: Any])?["data"] as? [[Double]])
    #expect(Self.close(moduleValue[0][1], 1.4214851589486324))
  }

  @Test func gaussianVarFromAFileIsATensor() throws {
    let tensors = ["gaussian_nll", "--input", "[0.5, 1.5]", "--target", "[0, 1]"]
    let bare = try run(tensors + ["--var", "0.5", "--format", "json"]).json()
    #expect((bare["gradients"] as? [String: Any])?["var"] == nil)
    let file = try run(tensors + ["--var", "var.json", "--format", "json"], files: ["var.json": "0.5"]).json()
    let gradient = try #require(((file["gradients"] as? [String: Any])?["var"] as? [String: Any]))
    #expect(gradient["shape"] as? [Int] == [])
    // torch 2.15: F.gaussian_nll_loss(input, target, torch.tensor(0.5, requires_grad=True)); var.grad
    #expect(Self.close(gradient["data"] as? Double, 0.5))
    #expect(Self.close(file["value"] as? Double, -0.09657359027997264))
  }

  @Test func tripletPairwiseTakesPAndEps() {
    let tensors = [
      "triplet_margin_with_distance", "--anchor", "[[1, 2, 3], [-1, 0.5, 2]]", "--positive", "[[0.5, 2, 2], [1, 1, 1]]",
      "--negative", "[[1, 1, 3], [-1, 0.4, 2.2]]", "--margin", "1.5",
    ]
    // torch 2.15: distance_function=nn.PairwiseDistance(p=3.0, eps=0.01)
    let result = run(tensors + ["--p", "3", "--eps", "0.01", "--show", "loss"])
    #expect(Self.close(Double(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), 2.4611547606245296))
    let cosine = run(tensors + ["--distance-function", "cosine", "--p", "3"])
    #expect(cosine.status == 2 && cosine.stderr.contains("nn.PairwiseDistance(p, eps)"))
    #expect(run(tensors + ["--distance-function", "l1", "--eps", "0.1"]).status == 2)
  }
}
