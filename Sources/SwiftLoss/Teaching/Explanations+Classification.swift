extension Teaching {
  static let classificationExplanations: [LossExplanation] = [
    LossExplanation(
      "cross_entropy", family: .classification,
      formula: [
        "log_softmax:  mₙ = maxⱼ xₙⱼ,  lsₙ꜀ = (xₙ꜀ − mₙ) − log Σⱼ exp(xₙⱼ − mₙ)",
        "index targets:  ℓₙ = −w[yₙ]·lsₙ,yₙ   (0 where yₙ = ignore_index)",
        "  mean = Σₙ ℓₙ / Σₙ w[yₙ]  over non-ignored n   (a weighted mean, not ÷ N)",
        "label smoothing ε:  loss = (1 − ε)·nll + (ε/C)·Σₙ(−Σ꜀ w꜀·lsₙ꜀) / Σₙ w[yₙ]",
        "probability targets t:  ℓₙ = −Σ꜀ w꜀·t′ₙ꜀·lsₙ꜀,  t′ = (1 − ε)·t + ε/C;  mean = Σₙ ℓₙ / N",
        "∂ℓₙ/∂xₙ = w[yₙ]·(softmax(xₙ) − onehot(yₙ))",
      ],
      shapes: [
        "input: logits (C), (N, C) or (N, C, d1, …, dk); the class dimension is 0 for 1-D, else 1",
        "target: class indices (), (N) or (N, d1, …, dk) — or probabilities of exactly the input's shape",
        "weight: (C); reduction='none': (), (N) or (N, d1, …, dk)",
      ],
      notes: [
        "CrossEntropyLoss = log_softmax + NLLLoss. It expects raw logits: applying softmax (or log_softmax) first computes a \"double softmax\" that still trains, badly (e.g. huggingface/transformers#7827).",
        "Index or probability targets are chosen by shape: a target of the input's shape is read as probabilities. A 1-D input (C) with a 1-D index target of length C therefore hits the probability path and fails.",
        "With class weights, 'mean' divides by Σ w[yₙ], not by N: reduction='none' followed by .mean() gives a different number, and a batch of one class makes the weights cancel (#25571, #40560).",
        "If every target equals ignore_index, 'mean' is 0/0 = NaN (the gradient is zero) (#70348, #75181).",
        "ignore_index only removes the NLL term of the ignored positions: an in-range ignore_index class still sits in every row's softmax denominator and shapes the other probabilities (#63004), and −inf logits on ignored rows can still inject NaN gradients (#11551).",
        "Label smoothing gives ε/C to every class, including the true one (so the true class gets 1 − ε + ε/C); with weights the smoothing term is weighted by w꜀ but normalised by Σ w[yₙ] (#104776, #148884).",
        "Index targets must be int64 in PyTorch (\"expected scalar type Long but found Float\"); swiftloss accepts any integral numbers.",
      ],
      integerTensors: ["target"]),
    LossExplanation(
      "nll_loss", family: .classification,
      formula: [
        "ℓₙ = −w[yₙ]·xₙ,yₙ   (0 where yₙ = ignore_index)",
        "mean = Σₙ ℓₙ / Σₙ w[yₙ]  over non-ignored n;  sum = Σₙ ℓₙ",
        "∂ℓ/∂xₙ,yₙ = −w[yₙ] (÷ Σ w[yₙ] under 'mean'); every other entry gets 0",
      ],
      shapes: [
        "input: log-probabilities (C), (N, C) or (N, C, d1, …, dk)",
        "target: class indices (), (N) or (N, d1, …, dk); weight: (C)",
        "reduction='none': (), (N) or (N, d1, …, dk)",
      ],
      notes: [
        "NLLLoss does not take a log: the input should already be log-probabilities (log_softmax output). Feeding probabilities or raw logits gives a number, just the wrong one — PyTorch does not check.",
        "cross_entropy(x, y) = nll_loss(log_softmax(x, dim=1), y).",
        "The weighted mean divides by Σ w[yₙ] of the non-ignored targets (#25571); all targets ignored → NaN (#70348).",
        "NLLLoss2d is a deprecated alias with identical behaviour.",
        "Targets must be int64 in PyTorch; the weight gets no gradient (PyTorch raises if it requires one).",
      ],
      integerTensors: ["target"]),
    LossExplanation(
      "binary_cross_entropy", family: .classification,
      formula: [
        "ℓᵢ = −wᵢ·[ yᵢ·max(log xᵢ, −100) + (1 − yᵢ)·max(log(1 − xᵢ), −100) ]",
        "∂ℓᵢ/∂xᵢ = wᵢ·(xᵢ − yᵢ) / max((1 − xᵢ)·xᵢ, 1e−12)",
      ],
      shapes: [
        "input: probabilities in [0, 1], any shape; target: exactly the input's shape, values in [0, 1]",
        "weight: broadcast to the input's shape (it may not enlarge it); reduction='none': the input's shape",
      ],
      notes: [
        "BCELoss takes probabilities (after a sigmoid). If your model outputs logits, use binary_cross_entropy_with_logits: it is the numerically stable form of Sigmoid + BCELoss.",
        "The logs are clamped at −100, so a confident wrong prediction costs at most 100 and never inf (undocumented until PR #33160, issue #31453). The gradient is not the derivative of that clamped value: it uses (x − y)/max(x(1 − x), 1e−12) and can reach ±1e12.",
        "Inputs outside [0, 1] (including NaN) are an error, and so are targets outside [0, 1].",
        "Targets must be floating point in PyTorch (\"Found dtype Long but expected Float\", #45373).",
      ]),
    LossExplanation(
      "binary_cross_entropy_with_logits", family: .classification,
      formula: [
        "log σ(x) = min(0, x) − log1p(exp(−|x|))      (stable for any x)",
        "ℓᵢ = wᵢ·[ (1 − yᵢ)·xᵢ − (1 + (pᵢ − 1)·yᵢ)·log σ(xᵢ) ]     p = pos_weight (1 if absent)",
        "    = −wᵢ·[ p·yᵢ·log σ(xᵢ) + (1 − yᵢ)·log σ(−xᵢ) ]",
        "∂ℓᵢ/∂xᵢ = wᵢ·[ (p·yᵢ + 1 − yᵢ)·σ(xᵢ) − p·yᵢ ]   (= wᵢ·(σ(xᵢ) − yᵢ) without pos_weight)",
      ],
      shapes: [
        "input: logits, any shape; target: exactly the input's shape (not range-checked)",
        "weight, pos_weight: broadcast from the right to the input's shape (may not enlarge it)",
        "reduction='none': the input's shape",
      ],
      notes: [
        "BCEWithLogits is the stable form of Sigmoid followed by BCELoss: it never forms σ(x) and then its log, so x = ±1000 is fine, while BCELoss(sigmoid(x)) hits the −100 clamp (#24933).",
        "pos_weight broadcasts from the right like any tensor: for (N, C) use (C); for (N, C, H, W) per-class weights need shape (C, 1, 1) — a (C) pos_weight would align with W (#27936, #65702).",
        "Weights do not change the 'mean' denominator: mean = Σ wᵢℓᵢ / n.",
        "x = ±inf gives NaN (0·inf), unlike the finite extremes (#102894).",
      ]),
    LossExplanation(
      "soft_margin_loss", family: .classification,
      formula: [
        "ℓᵢ = log(1 + exp(−yᵢ·xᵢ))      yᵢ ∈ {−1, +1}",
        "∂ℓᵢ/∂xᵢ = −yᵢ·e/(1 + e),  e = exp(−yᵢ·xᵢ)",
      ],
      shapes: [
        "input: any shape; target: broadcastable with the input, values ±1 (not checked)",
        "reduction='none': the broadcast shape",
      ],
      notes: [
        "This is logistic regression's loss for ±1 labels: soft_margin_loss(x, 2y − 1) = binary_cross_entropy_with_logits(x, y) for y ∈ {0, 1}.",
        "PyTorch computes log1p(exp(−y·x)) directly, so −y·x above ≈ 709.8 overflows to inf (and NaN gradients), unlike BCEWithLogits.",
        "The target gets no gradient (PyTorch raises if it requires one).",
      ]),
    LossExplanation(
      "multilabel_soft_margin_loss", family: .classification,
      formula: [
        "ℓₙ = −(1/C)·Σ꜀ w꜀·[ yₙ꜀·log σ(xₙ꜀) + (1 − yₙ꜀)·log σ(−xₙ꜀) ]",
        "mean = Σₙ ℓₙ / N   (each ℓₙ is already averaged over the C classes)",
      ],
      shapes: [
        "input: (C) or (N, C) (last dimension = classes); target: multi-hot 0/1 of the input's shape",
        "weight: broadcast with the elementwise loss, e.g. (C); reduction='none': the input's shape without its last dimension",
      ],
      notes: [
        "Targets are multi-hot vectors (1 where the label applies, 0 elsewhere). MultiLabelMarginLoss, with a similar name, wants the opposite: lists of class indices padded with −1 (#15863, #92000).",
        "It equals binary_cross_entropy_with_logits(x, y, weight, reduction='none').mean(dim=−1) followed by the reduction.",
        "Stable for any logits (uses log σ).",
      ]),
    LossExplanation(
      "adaptive_log_softmax", family: .classification,
      formula: [
        "shortlist = cutoffs[0];  cluster I holds classes [cutoffs[I], cutoffs[I+1]) (cutoffs + [n_classes])",
        "head:  hₙ = log_softmax(W_h·xₙ (+ b_h)) over shortlist + clusters columns",
        "cluster I:  cₙ = log_softmax(tail.I.1.weight · tail.I.0.weight · xₙ) over its classes",
        "outputₙ = hₙ[yₙ] for a shortlist target;  hₙ[shortlist + I] + cₙ[yₙ − cutoffs[I]] in cluster I",
        "loss = mean over n of −outputₙ   (the module's loss; elementwise = −output)",
        "hidden size of cluster I: in_features // div_value^(I+1);  its output size: cutoffs[I+1] − cutoffs[I]",
      ],
      shapes: [
        "input: (N, in_features) with target (N), or (in_features) with a 0-d target",
        "head.weight: (cutoffs[0] + clusters, in_features); head.bias: (cutoffs[0] + clusters) with --head-bias",
        "tail.I.0.weight: (in_features // div_value^(I+1), in_features); tail.I.1.weight: (cluster size, that)",
        "output and elementwise: (N), or () unbatched; the loss is a number",
      ],
      notes: [
        "The parameters come from a state_dict: give them with --params FILE (or --data) under their state_dict names; which ones exist follows --cutoffs and --head-bias, as load_state_dict checks (missing and unexpected keys are errors).",
        "in_features is the head weight's width and n_classes = the last cutoff + the last cluster's size; --n-classes checks it.",
        "Only the clusters some target falls in are computed: a cluster no target uses takes no part in the graph (PyTorch leaves its .grad None; swiftloss reports zeros).",
        "There is no reduction argument: the loss is always the mean of −output. The module also has log_prob() and predict(), which swiftloss does not compute.",
        "Targets are int64 class indices in [0, n_classes − 1]; anything else is PyTorch's 'Target values should be in [0, n_classes − 1]' error.",
      ],
      integerTensors: ["target"],
      pythonSpellings: [
        "m = torch.nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value=4.0, head_bias=False)",
        "m.load_state_dict(state_dict);  output, loss = m(input, target)   (a module only: no functional form)",
      ]),
  ]
}
