import Foundation

@testable import SwiftLoss

/// Small calls of every loss (all 23; those not registered yet are skipped by the tests), used to
/// check traces, emitted Python and gradient checks against the engine.
enum TeachingSamples {
  struct Call {
    var loss: String
    var tensors: [String: Tensor]
    var options: [String: OptionValue] = [:]
    /// PyTorch's backward passes through a clamp of the forward here (BCE's −100 log clamp), so the
    /// gradient may differ from finite differences away from a kink.
    var gradientFollowsClamp = false
    var label: String {
      loss + (options.isEmpty ? "" : " " + options.keys.sorted().map { "\($0)=\(options[$0]!)" }.joined(separator: ","))
    }
    /// A 0-d `var` in these samples stands for PyTorch's Python-float var (a bare inline number).
    var bareNumbers: Set<String> { tensors["var"]?.rank == 0 ? ["var"] : [] }
  }

  static func t(_ shape: [Int], _ values: [Double]) -> Tensor { Tensor(validatedShape: shape, storage: values) }
  static func v(_ values: [Double]) -> Tensor { t([values.count], values) }

  static func logSoftmax(_ shape: [Int], _ values: [Double], classDim: Int) -> Tensor {
    let layout = try! ClassLayout(shape: shape, classDim: classDim)
    return t(shape, LogSoftmax.forward(values, layout: layout))
  }

  static let x22 = t([2, 2], [0.5, -1.2, 2.0, 0.3])
  static let y22 = t([2, 2], [0.0, -1.0, 3.5, 0.3])
  static let w22 = t([2, 2], [1.0, 2.0, 0.5, 1.0])
  static let logits34 = t([3, 4], [1.0, 2.0, 0.5, -1.0, 0.1, 0.2, 0.3, 0.4, 3.0, -2.0, 0.0, 1.5])
  static let logProbs = logSoftmax([5, 2, 4], (0..<40).map { sin(Double($0) * 1.7) * 2 }, classDim: 2)

  /// Every call, per loss; reductions are added by `withReductions`.
  static let base: [Call] = [
    Call(loss: "l1_loss", tensors: ["input": x22, "target": y22]),
    Call(loss: "l1_loss", tensors: ["input": x22, "target": y22, "weight": w22]),
    Call(loss: "mse_loss", tensors: ["input": x22, "target": y22]),
    Call(loss: "mse_loss", tensors: ["input": x22, "target": y22, "weight": w22]),
    Call(loss: "smooth_l1_loss", tensors: ["input": x22, "target": y22], options: ["beta": .double(0.5)]),
    Call(loss: "huber_loss", tensors: ["input": x22, "target": y22, "weight": w22], options: ["delta": .double(0.7)]),
    Call(loss: "cross_entropy", tensors: ["input": logits34, "target": v([1, 0, 3])]),
    Call(
      loss: "cross_entropy", tensors: ["input": logits34, "target": v([1, -100, 3]), "weight": v([1, 2, 0.5, 3])]),
    Call(
      loss: "cross_entropy", tensors: ["input": logits34, "target": v([1, 2, 3]), "weight": v([1, 2, 0.5, 3])],
      options: ["label_smoothing": .double(0.2)]),
    Call(
      loss: "cross_entropy",
      tensors: ["input": logits34, "target": t([3, 4], [0.1, 0.6, 0.2, 0.1, 0, 0, 1, 0, 0.25, 0.25, 0.25, 0.25])]),
    Call(
      loss: "cross_entropy",
      tensors: [
        "input": t([2, 3, 2], [0.1, 1, -1, 2, 0.5, 0, 3, 0.2, -0.4, 1, 1, 1]), "target": t([2, 2], [0, 2, 1, 0]),
      ]),
    Call(
      loss: "nll_loss",
      tensors: [
        "input": logSoftmax([3, 3], [1, 2, 3, 0, 0, 1, -1, 2, 0.5], classDim: 1), "target": v([0, 2, 1]),
        "weight": v([0.5, 1, 2]),
      ]),
    Call(
      loss: "linear_cross_entropy",
      tensors: [
        "input": t([2, 3], [1, 2, 3, 0.5, -1, 2]),
        "linear_weight": t([4, 3], [0.1, 0.2, 0.3, -0.2, 0.1, 0, 0.3, -0.1, 0.2, 0, 0.5, -0.5]),
        "target": v([1, 3]), "linear_bias": v([0.1, 0, -0.1, 0.2]),
      ]),
    Call(
      loss: "linear_cross_entropy",
      tensors: [
        "input": t([2, 3], [1, 2, 3, 0.5, -1, 2]),
        "linear_weight": t([4, 3], [0.1, 0.2, 0.3, -0.2, 0.1, 0, 0.3, -0.1, 0.2, 0, 0.5, -0.5]),
        "target": v([1, -100]), "weight": v([1, 2, 0.5, 3]),
      ], options: ["label_smoothing": .double(0.2)]),
    Call(
      loss: "linear_cross_entropy",
      tensors: [
        "input": v([0.5, -1, 2]), "linear_weight": t([2, 3], [0.1, 0.2, 0.3, -0.2, 0.1, 0]),
        "target": v([0.25, 0.75]),
      ]),
    Call(
      loss: "linear_cross_entropy",
      tensors: [
        "input": t([2, 3], [1, 2, 3, 0.5, -1, 2]),
        "linear_weight": t([4, 3], [0.1, 0.2, 0.3, -0.2, 0.1, 0, 0.3, -0.1, 0.2, 0, 0.5, -0.5]),
        "target": t([2, 2], [0, 1, 1, 1]), "linear_bias": v([0.1, 0, -0.1, 0.2]),
      ], options: ["out_features": .ints([2])]),
    Call(
      loss: "binary_cross_entropy",
      tensors: ["input": v([0.2, 0.9, 0.5, 0.0]), "target": v([0, 1, 1, 1]), "weight": v([1, 2, 1, 0.5])],
      gradientFollowsClamp: true),
    Call(
      loss: "binary_cross_entropy_with_logits",
      tensors: ["input": v([-1.5, 0.3, 2.0, 40]), "target": v([0, 1, 1, 0.5])]),
    Call(
      loss: "binary_cross_entropy_with_logits",
      tensors: [
        "input": t([2, 2], [-1.5, 0.3, 2.0, -4]), "target": t([2, 2], [0, 1, 1, 1]), "pos_weight": v([3, 0.5]),
        "weight": v([1, 2]),
      ]),
    Call(loss: "soft_margin_loss", tensors: ["input": v([0.3, -2, 1.5]), "target": v([1, -1, -1])]),
    Call(
      loss: "multilabel_soft_margin_loss",
      tensors: [
        "input": t([2, 3], [0.5, -1, 2, 0, 1, -3]), "target": t([2, 3], [1, 0, 1, 0, 0, 1]), "weight": v([1, 2, 0.5]),
      ]),
    Call(
      loss: "kl_div",
      tensors: [
        "input": logSoftmax([2, 3], [1, 2, 3, 0.5, 0.5, -1], classDim: 1),
        "target": t([2, 3], [0.2, 0.3, 0.5, 0, 0.5, 0.5]),
      ]),
    Call(
      loss: "kl_div",
      tensors: [
        "input": logSoftmax([2, 3], [1, 2, 3, 0.5, 0.5, -1], classDim: 1),
        "target": t([2, 3], [-1, -2, -0.5, -3, -0.1, -1]),
      ],
      options: ["log_target": .bool(true)]),
    Call(loss: "poisson_nll_loss", tensors: ["input": v([0.5, 1.0, -0.3]), "target": v([1, 3, 0])]),
    Call(
      loss: "poisson_nll_loss", tensors: ["input": v([0.5, 1.0, 2.5]), "target": v([1, 3, 2])],
      options: ["log_input": .bool(false), "full": .bool(true)]),
    Call(loss: "gaussian_nll_loss", tensors: ["input": x22, "target": y22, "var": t([2, 2], [0.5, 1, 2, 0.1])]),
    Call(
      loss: "gaussian_nll_loss", tensors: ["input": x22, "target": y22, "var": Tensor(scalar: 0.5)],
      options: ["full": .bool(true)]),
    Call(
      loss: "margin_ranking_loss",
      tensors: ["input1": v([0.5, -0.2, 1]), "input2": v([0.1, 0.3, 1.5]), "target": v([1, -1, 1])],
      options: ["margin": .double(0.1)]),
    Call(loss: "hinge_embedding_loss", tensors: ["input": v([0.3, 1.5, 0.8]), "target": v([1, -1, -1])]),
    Call(
      loss: "multi_margin_loss",
      tensors: ["input": t([2, 3], [0.5, -1, 2, 0, 1, -3]), "target": v([2, 0]), "weight": v([1, 2, 0.5])],
      options: ["p": .double(2)]),
    Call(
      loss: "multilabel_margin_loss",
      tensors: [
        "input": t([2, 4], [0.1, 0.2, 0.4, 0.8, 1, -1, 0.5, 0]), "target": t([2, 4], [3, 0, -1, 1, 1, 2, 3, -1]),
      ]),
    Call(
      loss: "cosine_embedding_loss",
      tensors: [
        "input1": t([2, 3], [1, 2, 3, -1, 0.5, 2]), "input2": t([2, 3], [0.5, 2, 2, 1, 1, 1]), "target": v([1, -1]),
      ],
      options: ["margin": .double(0.2)]),
    Call(
      loss: "triplet_margin_loss",
      tensors: [
        "anchor": t([2, 3], [1, 2, 3, -1, 0.5, 2]), "positive": t([2, 3], [0.5, 2, 2, 1, 1, 1]),
        "negative": t([2, 3], [1, 1, 3, -1, 0.4, 2.2]),
      ]),
    Call(
      loss: "triplet_margin_loss",
      tensors: [
        "anchor": t([2, 3], [1, 2, 3, -1, 0.5, 2]), "positive": t([2, 3], [0.5, 2, 2, 1, 1, 1]),
        "negative": t([2, 3], [1, 1, 3, -1, 0.4, 2.2]),
      ],
      options: ["p": .double(1), "swap": .bool(true), "margin": .double(2)]),
    Call(
      loss: "triplet_margin_with_distance_loss",
      tensors: [
        "anchor": t([2, 3], [1, 2, 3, -1, 0.5, 2]), "positive": t([2, 3], [0.5, 2, 2, 1, 1, 1]),
        "negative": t([2, 3], [1, 1, 3, -1, 0.4, 2.2]),
      ],
      options: ["distance_function": .string("cosine"), "margin": .double(0.5)]),
    Call(
      loss: "triplet_margin_with_distance_loss",
      tensors: [
        "anchor": t([2, 3], [1, 2, 3, -1, 0.5, 2]), "positive": t([2, 3], [0.5, 2, 2, 1, 1, 1]),
        "negative": t([2, 3], [1, 1, 3, -1, 0.4, 2.2]),
      ],
      options: ["distance_function": .string("l1"), "swap": .bool(true)]),
    Call(
      loss: "ctc_loss",
      tensors: [
        "log_probs": logProbs, "targets": t([2, 2], [1, 2, 3, 3]), "input_lengths": v([5, 4]),
        "target_lengths": v([2, 2]),
      ]),
    Call(
      loss: "ctc_loss",
      tensors: [
        "log_probs": logProbs, "targets": v([1, 2, 3]), "input_lengths": v([5, 3]), "target_lengths": v([2, 1]),
      ],
      options: ["blank": .int(0)]),
    Call(
      loss: "triplet_margin_with_distance_loss",
      tensors: [
        "anchor": t([2, 3], [1, 2, 3, -1, 0.5, 2]), "positive": t([2, 3], [0.5, 2, 2, 1, 1, 1]),
        "negative": t([2, 3], [1, 1, 3, -1, 0.4, 2.2]),
      ],
      options: ["p": .double(3), "eps": .double(0.01), "margin": .double(1.5)]),
    // nn.AdaptiveLogSoftmaxWithLoss(4, 6, cutoffs=[2, 4], div_value=2.0, head_bias=True): targets in
    // the shortlist and in both clusters.
    Call(
      loss: "adaptive_log_softmax",
      tensors: [
        "input": t([3, 4], [0.5, -1, 2, 0.1, 1, 0.3, -0.7, 2, -1.5, 0.2, 0.9, -0.4]), "target": v([1, 3, 5]),
        "head.weight": t([4, 4], (0..<16).map { sin(Double($0)) * 0.5 }), "head.bias": v([0.1, -0.2, 0.3, 0]),
        "tail.0.0.weight": t([2, 4], (0..<8).map { cos(Double($0)) * 0.4 }),
        "tail.0.1.weight": t([2, 2], [0.3, -0.6, 0.2, 0.5]),
        "tail.1.0.weight": t([1, 4], [0.2, -0.1, 0.4, 0.3]), "tail.1.1.weight": t([2, 1], [0.7, -0.3]),
      ], options: ["cutoffs": .ints([2, 4]), "div_value": .double(2), "head_bias": .bool(true)]),
  ]

  /// `base` with every reduction the loss accepts.
  static var all: [Call] {
    base.flatMap { call -> [Call] in
      // AdaptiveLogSoftmaxWithLoss takes no reduction.
      if registered(call)?.optionSpec("reduction") == nil { return [call] }
      var reductions = ["mean", "sum", "none"]
      if call.loss == "kl_div" { reductions.append("batchmean") }
      return reductions.map { reduction in
        var copy = call
        copy.options["reduction"] = .string(reduction)
        return copy
      }
    }
  }

  static func registered(_ call: Call) -> LossDefinition? { LossRegistry.lookup(call.loss) }
}
