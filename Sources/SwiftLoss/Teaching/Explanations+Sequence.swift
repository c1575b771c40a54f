extension Teaching {
  static let sequenceExplanations: [LossExplanation] = [
    LossExplanation(
      "ctc_loss", family: .sequence,
      formula: [
        "l' = (blank, l_1, blank, l_2, …, l_L, blank)   (the target with blanks around every label)",
        "α_0(0) = lp[0, blank],  α_0(1) = lp[0, l_1]",
        "α_t(s) = LSE(α_{t−1}(s), α_{t−1}(s−1), α_{t−1}(s−2) if l'_s ≠ l'_{s−2}) + lp[t, l'_s]",
        "nll_b = −LSE(α_{T−1}(2L), α_{T−1}(2L−1))      = −log Σ over alignments Π exp(lp)",
        "mean = (1/N)·Σ_b nll_b / max(L_b, 1)      sum = Σ_b nll_b",
      ],
      shapes: [
        "log_probs: (T, N, C) or unbatched (T, C): log-probabilities over C classes (log_softmax output)",
        "targets: padded (N, S) or concatenated (Σ target_lengths); input_lengths, target_lengths: (N)",
        "reduction='none': (N) (a scalar when unbatched)",
      ],
      notes: [
        "log_probs must be log-probabilities (log_softmax over C). Raw logits give wrong, even negative, losses, and PyTorch does not check (gwx314/STARS#9).",
        "PyTorch's gradient is not the plain partial derivative dnll/dlog_probs: it is exp(log_probs) − posterior, which is the gradient with respect to the logits once chained through log_softmax (#52241, #82545). For normalised log_probs this is what training needs; --check-grad shows the difference exp(log_probs).",
        "'mean' divides each sample's loss by its target length before averaging over the batch.",
        "If an input is too short for its target (T < L + number of repeated adjacent labels), the loss is inf and the gradient NaN: use zero_infinity=True (#14335).",
        "The time dimension comes first: (T, N, C), not (N, T, C). Lengths are integers; labels must not equal blank (swiftloss rejects them; PyTorch silently uses them).",
      ],
      integerTensors: ["targets", "input_lengths", "target_lengths"]),
  ]
}
