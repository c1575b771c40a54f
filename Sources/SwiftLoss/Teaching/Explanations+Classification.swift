extension Teaching {
  static let classificationExplanations: [LossExplanation] = [
    LossExplanation(
      "cross_entropy", family: .classification,
      formula: [
        "log_softmax:  m_n = max_j x_nj,  ls_nc = (x_nc − m_n) − log Σ_j exp(x_nj − m_n)",
        "index targets:  l_n = −w[y_n]·ls_n,y_n   (0 where y_n = ignore_index)",
        "  mean = Σ_n l_n / Σ_n w[y_n]  over non-ignored n   (a weighted mean, not ÷ N)",
        "label smoothing ε:  loss = (1 − ε)·nll + (ε/C)·Σ_n(−Σ_c w_c·ls_nc) / Σ_n w[y_n]",
        "probability targets t:  l_n = −Σ_c w_c·t'_nc·ls_nc,  t' = (1 − ε)·t + ε/C;  mean = Σ_n l_n / N",
        "dl_n/dx_n = w[y_n]·(softmax(x_n) − onehot(y_n))",
      ],
      shapes: [
        "input: logits (C), (N, C) or (N, C, d1, …, dk); the class dimension is 0 for 1-D, else 1",
        "target: class indices (), (N) or (N, d1, …, dk) — or probabilities of exactly the input's shape",
        "weight: (C); reduction='none': (), (N) or (N, d1, …, dk)",
      ],
      notes: [
        "CrossEntropyLoss = log_softmax + NLLLoss. It expects raw logits: applying softmax (or log_softmax) first computes a \"double softmax\" that still trains, badly (e.g. huggingface/transformers#7827).",
        "Index or probability targets are chosen by shape: a target of the input's shape is read as probabilities. A 1-D input (C) with a 1-D index target of length C therefore hits the probability path and fails.",
        "With class weights, 'mean' divides by Σ w[y_n], not by N: reduction='none' followed by .mean() gives a different number, and a batch of one class makes the weights cancel (#25571, #40560).",
        "If every target equals ignore_index, 'mean' is 0/0 = NaN (the gradient is zero) (#70348, #75181).",
        "ignore_index only removes the NLL term of the ignored positions: an in-range ignore_index class still sits in every row's softmax denominator and shapes the other probabilities (#63004), and −inf logits on ignored rows can still inject NaN gradients (#11551).",
        "Label smoothing gives ε/C to every class, including the true one (so the true class gets 1 − ε + ε/C); with weights the smoothing term is weighted by w_c but normalised by Σ w[y_n] (#104776, #148884).",
        "Index targets must be int64 in PyTorch (\"expected scalar type Long but found Float\"); swiftloss accepts any integral numbers.",
      ],
      integerTensors: ["target"]),
    LossExplanation(
      "linear_cross_entropy", family: .classification,
      formula: [
        "projection:  zₙ = W·xₙ + b   (z = input·Wᵀ + b over W viewed as (C·d1·…·dk, in_features)),",
        "  laid out as logits (N, C, d1, …, dk) — or (C) for a 1-D input",
        "then exactly cross_entropy(z, target, weight, ignore_index, reduction, label_smoothing):",
        "  ℓₙ = −w[yₙ]·log_softmax(zₙ)[yₙ]  (index targets; mean ÷ Σ w[yₙ]),  or −Σ꜀ w꜀·t′ₙ꜀·log_softmax(zₙ)꜀",
        "gradients through the projection, with G = ∂loss/∂z (N × C·d1·…·dk):",
        "  ∂/∂input = G·W,   ∂/∂linear_weight = Gᵀ·input,   ∂/∂linear_bias = Σₙ Gₙ",
      ],
      shapes: [
        "input: (in_features) or (N, in_features) — no (B, T, in_features): flatten sequences to (N, in_features)",
        "linear_weight: (C, in_features) or (C, d1, …, dk, in_features) (k ≥ 1 needs a batched input)",
        "  the module stores it flat: linear.weight (C·d1·…·dk, in_features), read with --out-features d1,…,dk",
        "linear_bias: (C) or (C, d1, …, dk) (module: linear.bias (C·d1·…·dk)); weight: (C)",
        "target: class indices (), (N) or (N, d1, …, dk) — or probabilities of the logits' shape (C), (N, C), (N, C, d1, …, dk)",
        "reduction='none': (), (N) or (N, d1, …, dk)",
      ],
      notes: [
        "This is the LLM head's loss: a vocabulary projection and cross entropy in one call. PyTorch 2.15's reference path (options=None) materialises the logits exactly as linear + cross_entropy would; options=LinearCrossEntropyOptions(...) chunks the batch to save memory and computes the same loss (swiftloss: --chunked, --batch-chunk-size N, which change nothing in float64 except PyTorch's fallback warning).",
        "ignore_index defaults to None, which means −100 for index targets; giving it at all (even −100) with probability targets is an error, where cross_entropy would accept −100.",
        "Probability targets are recognised by shape, as in cross_entropy: a target of exactly the logits' shape (*batch, C, *out_features).",
        "nn.LinearCrossEntropyLoss(in_features, num_classes, out_features=(d1, …), bias=True) keeps a flat nn.Linear: its state_dict has linear.weight (C·d1·…·dk, in_features) and linear.bias (C·d1·…·dk); forward reshapes them to (C, d1, …, dk, in_features) and (C, d1, …, dk). Give those tensors with --out-features d1,…,dk; the gradients come back in the shape given.",
        "The module checks label_smoothing ∈ [0, 1] in its constructor (a negative value is an error there); the functional, which swiftloss follows, treats a negative value as 0.",
        "The module's weight (class weights) is a buffer: it gets a gradient in swiftloss only where the functional gives one (probability targets), as in cross_entropy.",
      ],
      integerTensors: ["target"]),
    LossExplanation(
      "nll_loss", family: .classification,
      formula: [
        "l_n = −w[y_n]·x_n,y_n   (0 where y_n = ignore_index)",
        "mean = Σ_n l_n / Σ_n w[y_n]  over non-ignored n;  sum = Σ_n l_n",
        "dl/dx_n,y_n = −w[y_n] (÷ Σ w[y_n] under 'mean'); every other entry gets 0",
      ],
      shapes: [
        "input: log-probabilities (C), (N, C) or (N, C, d1, …, dk)",
        "target: class indices (), (N) or (N, d1, …, dk); weight: (C)",
        "reduction='none': (), (N) or (N, d1, …, dk)",
      ],
      notes: [
        "NLLLoss does not take a log: the input should already be log-probabilities (log_softmax output). Feeding probabilities or raw logits gives a number, just the wrong one — PyTorch does not check.",
        "cross_entropy(x, y) = nll_loss(log_softmax(x, dim=1), y).",
        "The weighted mean divides by Σ w[y_n] of the non-ignored targets (#25571); all targets ignored → NaN (#70348).",
        "NLLLoss2d is a deprecated alias with identical behaviour.",
        "Targets must be int64 in PyTorch; the weight gets no gradient (PyTorch raises if it requires one).",
      ],
      integerTensors: ["target"]),
    LossExplanation(
      "binary_cross_entropy", family: .classification,
      formula: [
        "l_i = −w_i·[ y_i·max(log x_i, −100) + (1 − y_i)·max(log(1 − x_i), −100) ]",
        "dl_i/dx_i = w_i·(x_i − y_i) / max((1 − x_i)·x_i, 1e−12)",
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
        "l_i = w_i·[ (1 − y_i)·x_i − (1 + (p_i − 1)·y_i)·log σ(x_i) ]     p = pos_weight (1 if absent)",
        "    = −w_i·[ p·y_i·log σ(x_i) + (1 − y_i)·log σ(−x_i) ]",
        "dl_i/dx_i = w_i·[ (p·y_i + 1 − y_i)·σ(x_i) − p·y_i ]   (= w_i·(σ(x_i) − y_i) without pos_weight)",
      ],
      shapes: [
        "input: logits, any shape; target: exactly the input's shape (not range-checked)",
        "weight, pos_weight: broadcast from the right to the input's shape (may not enlarge it)",
        "reduction='none': the input's shape",
      ],
      notes: [
        "BCEWithLogits is the stable form of Sigmoid followed by BCELoss: it never forms σ(x) and then its log, so x = ±1000 is fine, while BCELoss(sigmoid(x)) hits the −100 clamp (#24933).",
        "pos_weight broadcasts from the right like any tensor: for (N, C) use (C); for (N, C, H, W) per-class weights need shape (C, 1, 1) — a (C) pos_weight would align with W (#27936, #65702).",
        "Weights do not change the 'mean' denominator: mean = Σ w_il_i / n.",
        "x = ±inf gives NaN (0·inf), unlike the finite extremes (#102894).",
      ]),
    LossExplanation(
      "soft_margin_loss", family: .classification,
      formula: [
        "l_i = log(1 + exp(−y_i·x_i))      y_i ∈ {−1, +1}",
        "dl_i/dx_i = −y_i·e/(1 + e),  e = exp(−y_i·x_i)",
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
        "l_n = −(1/C)·Σ_c w_c·[ y_nc·log σ(x_nc) + (1 − y_nc)·log σ(−x_nc) ]",
        "mean = Σ_n l_n / N   (each l_n is already averaged over the C classes)",
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
