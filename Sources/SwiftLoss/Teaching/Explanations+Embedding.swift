extension Teaching {
  static let embeddingExplanations: [LossExplanation] = [
    LossExplanation(
      "margin_ranking_loss", family: .embedding,
      formula: [
        "l_i = max(0, −y_i·(x1_i − x2_i) + margin)       y_i = 1: x1 should rank higher; −1: lower",
        "dl_i/dx1_i = −y_i where the hinge is active (> 0), else 0",
      ],
      shapes: [
        "input1, input2, target: the same number of dimensions, then broadcast",
        "reduction='none': the broadcast shape",
      ],
      notes: [
        "The three tensors need the same rank, but sizes broadcast: (N) with (1) is accepted and probably not what you meant (#42884).",
        "margin defaults to 0, which only asks for the right order; a positive margin asks for a gap.",
        "At the kink (exactly at the margin) the gradient is 0 (PyTorch's clamp_min subgradient). The target gets a gradient too (it is a plain tensor op).",
      ]),
    LossExplanation(
      "hinge_embedding_loss", family: .embedding,
      formula: [
        "l_i = x_i                      if y_i = 1",
        "l_i = max(0, margin − x_i)     if y_i = −1",
        "(any other y_i adds both terms: max(0, margin − x_i) + x_i)",
      ],
      shapes: ["input: distances, any shape; target: ±1, broadcast with the input", "reduction='none': the broadcast shape"],
      notes: [
        "The input is usually a distance (e.g. L1 between two embeddings): similar pairs (y = 1) are pulled to 0, dissimilar pairs (y = −1) pushed beyond margin.",
        "Targets other than ±1 are not rejected: they get both terms.",
        "The target gets no gradient; at x = margin (y = −1) the gradient is 0.",
      ]),
    LossExplanation(
      "multi_margin_loss", family: .embedding,
      formula: [
        "z_ni = margin − x_n,y_n + x_ni      for every class i ≠ y_n",
        "l_n = (1/C)·Σ_{i≠y_n} w[y_n]·max(0, z_ni)^p      p ∈ {1, 2}",
        "mean = Σ_n l_n / N",
      ],
      shapes: [
        "input: (C) or (N, C) scores; target: class indices () or (N); weight: (C)",
        "reduction='none': (N) (a scalar for a single sample)",
      ],
      notes: [
        "This is the multi-class SVM (Weston–Watkins) hinge, divided by C (including the target class in the count).",
        "The weight of the target class scales all of that sample's terms (not the weight of class i).",
        "p must be 1 or 2 (\"only p == 1 and p == 2 supported\"). Targets are int64 class indices.",
        "Ties (z_ni = 0) give no gradient.",
      ],
      integerTensors: ["target"]),
    LossExplanation(
      "multilabel_margin_loss", family: .embedding,
      formula: [
        "J = the labels listed in y_n before the first −1",
        "l_n = (1/C)·Σ_{j∈J} Σ_{i not in J} max(0, 1 − x_nj + x_ni)",
        "mean = Σ_n l_n / N",
      ],
      shapes: [
        "input: (C) or (N, C); target: int64 of the input's shape: class indices, padded with −1",
        "reduction='none': (N) (a scalar for 1-D input)",
      ],
      notes: [
        "The target is a list of class indices terminated by −1, NOT a multi-hot vector: [3, 0, −1, 1] means labels {3, 0} (the 1 after −1 is ignored). multilabel_soft_margin_loss is the one that takes multi-hot targets (#15863, #36217).",
        "A multi-hot target [0, 1, 1, 0] passed here means labels {0, 1, 1, 0} — classes 0 and 1, not classes 1 and 2.",
        "The margin is fixed at 1. All target values, even after the −1, must be in [−1, C − 1].",
      ],
      integerTensors: ["target"]),
    LossExplanation(
      "cosine_embedding_loss", family: .embedding,
      formula: [
        "cos_n = Σ x1·x2 / √((Σ x1² + ε)·(Σ x2² + ε))      ε = 1e−12 (float32 constant)",
        "l_n = 1 − cos_n                 if y_n = 1",
        "l_n = max(0, cos_n − margin)    if y_n = −1   (other y_n: 0)",
      ],
      shapes: [
        "input1, input2: (N, D) with target (N), or (D) with a 0-d target",
        "reduction='none': (N) (a scalar for 1-D inputs)",
      ],
      notes: [
        "ε is added to the squared norms (not to the norms, as in F.cosine_similarity), so results differ slightly from 1 − cosine_similarity.",
        "Targets other than ±1 contribute 0. The target gets no gradient.",
        "margin is in cosine units (−1 to 1); 0 to 0.5 is typical. A zero vector gives a finite but huge gradient.",
      ]),
    LossExplanation(
      "triplet_margin_loss", family: .embedding,
      formula: [
        "d(u, v) = ‖u − v + eps‖_p   (over the last dimension; eps is added to every component)",
        "dp_n = d(a_n, p_n),  dn_n = d(a_n, n_n)   (swap: dn_n = min(dn_n, d(p_n, n_n)))",
        "l_n = max(0, margin + dp_n − dn_n)",
      ],
      shapes: [
        "anchor, positive, negative: the same number of dimensions, broadcast; (D), (N, D) or (N, …, D)",
        "reduction='none': the shape without the last dimension",
      ],
      notes: [
        "eps = 1e−6 is added to the difference before the norm (PR #105115), so d(u, u) = eps·D^(1/p), not 0, and d is not symmetric.",
        "margin must be > 0. Triplets already satisfying the margin contribute 0 and no gradient (at exactly the margin too).",
        "swap (distance swap, Balntas et al.) uses the harder of the two negative distances; on a tie both get half the gradient.",
      ]),
    LossExplanation(
      "triplet_margin_with_distance_loss", family: .embedding,
      formula: [
        "dp_n = d(a_n, p_n),  dn_n = d(a_n, n_n)   (swap: dn_n = min(dn_n, d(p_n, n_n)))",
        "l_n = max(0, margin + dp_n − dn_n)",
        "d: pairwise = ‖u − v + 1e−6‖_2;  cosine = 1 − cos(u, v);  l1 = ‖u − v + 1e−6‖_1",
      ],
      shapes: [
        "anchor, positive, negative: the same number of dimensions, broadcast",
        "reduction='none': the distance's output shape (the shape without the last dimension)",
      ],
      notes: [
        "In PyTorch distance_function is any callable; swiftloss offers the three common ones. The default (None) is nn.PairwiseDistance(), identical to triplet_margin_loss's defaults.",
        "margin must be > 0 (\"expected margin to be greater than 0\"). Keyword-only; no size_average/reduce.",
        "The cosine distance uses F.cosine_similarity (eps 1e−8 on the norms), not cosine_embedding_loss's formula.",
      ]),
  ]
}
