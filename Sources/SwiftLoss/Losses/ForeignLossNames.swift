/// Names other libraries (scikit-learn, Keras / TensorFlow, JAX's optax) give to losses PyTorch
/// computes. swiftloss never aliases them silently: a foreign name is an unknown loss whose error
/// names the PyTorch loss that computes the same thing and, where the two differ, how.
public struct ForeignLossName: Sendable {
  /// The spellings, as the other libraries write them (matched like loss names: any case, `-` = `_`).
  public var names: [String]
  /// Where the name comes from: `Keras`, `scikit-learn`, `optax`, ...
  public var library: String
  /// The swiftloss name of the PyTorch loss that computes it (a registry name), with any flags it needs.
  public var pytorch: String
  /// One line on how the semantics differ; nil when the two compute the same thing.
  public var difference: String?

  public init(_ names: [String], library: String, pytorch: String, difference: String? = nil) {
    self.names = names
    self.library = library
    self.pytorch = pytorch
    self.difference = difference
  }

  /// The usage error's text after `unknown loss 'NAME'`.
  public var explanation: String {
    ", a name from \(library); PyTorch computes it with \(pytorch)" + (difference.map { ". Difference: \($0)" } ?? "")
  }
}

public enum ForeignLossNames {
  /// Library prefixes stripped before matching (`keras.losses.`, `tf.keras.losses.`, `optax.`).
  static let prefixes = [
    "tf.keras.losses.", "keras.losses.", "tf.keras.metrics.", "keras.metrics.", "tf.losses.", "tf.nn.", "tf.",
    "sklearn.metrics.", "optax.losses.", "optax.", "losses.", "metrics.",
  ]

  public static let all: [ForeignLossName] = [
    ForeignLossName(
      ["mae", "mean_absolute_error", "MeanAbsoluteError", "absolute_error"], library: "Keras/scikit-learn",
      pytorch: "l1_loss (l1)"),
    ForeignLossName(
      ["mean_squared_error", "MeanSquaredError", "squared_error"], library: "Keras/scikit-learn/optax",
      pytorch: "mse_loss (mse)",
      difference: "optax's squared_error is elementwise: use --reduction none"),
    ForeignLossName(
      ["rmse", "root_mean_squared_error", "RootMeanSquaredError"], library: "Keras/scikit-learn",
      pytorch: "mse_loss (mse)", difference: "rmse is the square root of mse_loss's mean; take the root of the value"),
    ForeignLossName(
      ["msle", "mean_squared_logarithmic_error", "MeanSquaredLogarithmicError"], library: "Keras/scikit-learn",
      pytorch: "mse_loss (mse)", difference: "on log1p(input) and log1p(target); PyTorch has no log-error loss"),
    ForeignLossName(
      ["l2_loss"], library: "optax/TensorFlow", pytorch: "mse_loss (mse)",
      difference: "optax.l2_loss is 0.5·(x − y)² elementwise, half of mse_loss with --reduction none; "
        + "tf.nn.l2_loss is sum(t²)/2 of one tensor"),
    ForeignLossName(
      ["log_loss", "logloss", "logistic_loss"], library: "scikit-learn", pytorch: "binary_cross_entropy (bce)",
      difference: "sklearn's log_loss takes probabilities and clips them to [eps, 1 − eps], eps the dtype's epsilon; "
        + "binary_cross_entropy clamps each log at −100 instead; for several classes take nll_loss of their log"),
    ForeignLossName(
      ["binary_crossentropy", "BinaryCrossentropy", "binary_cross_entropy_loss"], library: "Keras",
      pytorch: "binary_cross_entropy (bce)",
      difference: "Keras takes probabilities clipped to [1e-7, 1 − 1e-7] and averages over the last axis; "
        + "with from_logits=True it is binary_cross_entropy_with_logits"),
    ForeignLossName(
      ["sigmoid_cross_entropy_with_logits", "sigmoid_binary_cross_entropy", "sigmoid_cross_entropy"],
      library: "TensorFlow/optax", pytorch: "binary_cross_entropy_with_logits (bce_with_logits)",
      difference: "elementwise there: use --reduction none"),
    ForeignLossName(
      ["categorical_crossentropy", "CategoricalCrossentropy"], library: "Keras", pytorch: "cross_entropy (ce)",
      difference: "Keras takes probabilities (from_logits=False) and one-hot or probability targets; cross_entropy "
        + "takes logits: give it the logits with the probability targets, or nll_loss the log of the probabilities"),
    ForeignLossName(
      ["sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"], library: "Keras",
      pytorch: "cross_entropy (ce)",
      difference: "Keras takes probabilities unless from_logits=True; cross_entropy takes logits and class indices "
        + "(Keras's from_logits=True), nll_loss the log of probabilities"),
    ForeignLossName(
      ["softmax_cross_entropy", "softmax_cross_entropy_with_logits"], library: "optax/TensorFlow",
      pytorch: "cross_entropy (ce)", difference: "with probability targets; elementwise there: use --reduction none"),
    ForeignLossName(
      ["sparse_softmax_cross_entropy_with_logits", "softmax_cross_entropy_with_integer_labels"],
      library: "TensorFlow/optax", pytorch: "cross_entropy (ce)",
      difference: "with class-index targets; elementwise there: use --reduction none"),
    ForeignLossName(
      ["hinge", "Hinge", "hinge_loss"], library: "Keras/scikit-learn/optax", pytorch: "margin_ranking_loss --input2 0",
      difference: "max(0, 1 − y·x) with labels in {−1, 1} (Keras turns 0/1 into −1/1), nothing squared; "
        + "hinge_embedding_loss is another loss; the multi-class hinge is multi_margin_loss"),
    ForeignLossName(
      ["squared_hinge", "SquaredHinge"], library: "Keras", pytorch: "margin_ranking_loss --input2 0 --reduction none",
      difference: "PyTorch has no squared binary hinge: square the elementwise max(0, 1 − y·x) yourself "
        + "(multi_margin_loss --p 2 is the multi-class squared hinge)"),
    ForeignLossName(
      ["categorical_hinge", "CategoricalHinge"], library: "Keras", pytorch: "multi_margin_loss (multi_margin)",
      difference: "Keras takes max(0, 1 + max over wrong classes − true score) with one-hot targets; multi_margin_loss "
        + "sums over every wrong class and divides by the class count"),
    ForeignLossName(
      ["kld", "kl_divergence", "kullback_leibler_divergence", "KLDivergence", "kl_divergence_loss"],
      library: "Keras/optax", pytorch: "kl_div --reduction batchmean",
      difference: "Keras takes probabilities for both (clipped to [1e-7, 1]) and sums over the last axis; kl_div's "
        + "input is log-probabilities: give log(y_pred)"),
    ForeignLossName(
      ["poisson", "Poisson", "poisson_loss"], library: "Keras", pytorch: "poisson_nll_loss --log-input false",
      difference: "Keras: mean(y_pred − y_true·log(y_pred + 1e-7)); poisson_nll_loss adds eps 1e-8 inside the log"),
    ForeignLossName(
      ["cosine_similarity", "CosineSimilarity", "cosine_distance", "cosine_proximity"],
      library: "Keras/optax", pytorch: "cosine_embedding_loss --target 1",
      difference: "Keras's loss is −cos(y_true, y_pred) and optax's cosine_distance 1 − cos; cosine_embedding_loss "
        + "with target 1 gives 1 − cos (F.cosine_similarity is not a loss)"),
    ForeignLossName(
      ["log_cosh", "logcosh", "LogCosh"], library: "Keras/optax", pytorch: "huber_loss (huber)",
      difference:
        "PyTorch has no log-cosh loss; huber_loss and smooth_l1_loss are likewise quadratic near 0, linear far"),
    ForeignLossName(
      ["mape", "mean_absolute_percentage_error", "MeanAbsolutePercentageError"], library: "Keras/scikit-learn",
      pytorch: "l1_loss (l1)",
      difference: "PyTorch has no percentage error: 100·|y − x|/|y| is l1_loss weighted by 100/|y|"),
    ForeignLossName(
      ["binary_focal_crossentropy", "sigmoid_focal_loss", "focal_loss"], library: "Keras/torchvision/optax",
      pytorch: "binary_cross_entropy_with_logits (bce_with_logits)",
      difference: "focal loss is not in torch.nn (torchvision.ops.sigmoid_focal_loss); with gamma 0 and no alpha it is "
        + "binary_cross_entropy_with_logits"),
  ]

  /// The foreign name `name` spells, if any.
  public static func lookup(_ name: String) -> ForeignLossName? {
    var bare = name
    let lowered = name.lowercased()
    for prefix in prefixes where lowered.hasPrefix(prefix) {
      bare = String(name.dropFirst(prefix.count))
      break
    }
    let key = LossRegistry.normalize(bare)
    return all.first { entry in entry.names.contains { LossRegistry.normalize($0) == key } }
  }
}
