#if canImport(Glibc)
  import Glibc
#endif

/// Gaussian NLL: `0.5·(log v + (x − y)²/v)` (+ `0.5·log 2π` with `full`), `v = max(var, eps)`.
/// The clamp is applied without gradient tracking in PyTorch, so `∂var = 0.5·(1/v − (x − y)²/v²)`
/// is evaluated at the clamped `v` and passes straight through the clamp.
struct GaussianNLLKernel: ParameterizedPointwiseKernel {
  var full: Bool
  var eps: Double
  static let halfLogTwoPi = 0.5 * log(2 * Double.pi)

  @inline(__always) func clamped(_ variance: Double) -> Double {
    variance.isNaN ? variance : (variance < eps ? eps : variance)
  }

  @inline(__always) func loss(_ x: Double, _ y: Double, _ variance: Double) -> Double {
    let v = clamped(variance), d = x - y
    let l = 0.5 * (log(v) + d * d / v)
    return full ? l + Self.halfLogTwoPi : l
  }

  @inline(__always) func derivatives(_ x: Double, _ y: Double, _ variance: Double) -> (
    input: Double, target: Double, parameter: Double
  ) {
    let v = clamped(variance), d = x - y
    let dx = 0.5 / v * 2 * d
    return (dx, -dx, 0.5 / v - 0.5 * (d * d / v / v))
  }
}

extension LossDefinition {
  /// `torch.nn.GaussianNLLLoss` / `F.gaussian_nll_loss`.
  public static let gaussianNLLLoss = LossDefinition(
    functionalName: "gaussian_nll_loss", moduleName: "GaussianNLLLoss", aliases: ["gaussian_nll"],
    teaching: .gaussianNLLLoss,
    summary: "negative log-likelihood of a Gaussian target with mean input and variance var",
    tensors: [
      TensorSpec(.input, gradient: true, help: "means, any shape"),
      TensorSpec(.target, gradient: true, help: "samples, broadcast with the input"),
      TensorSpec(
        .var, gradient: true,
        help: "variances ≥ 0: the input's shape, one dimension of size 1, or the input's shape without its last "
          + "dimension; a bare inline number is PyTorch's float var (broadcast to the input, no gradient), a 0-d "
          + "tensor from a file a tensor var"),
    ],
    options: [
      .reduction(),
      OptionSpec(.full, default: false, help: "add the constant 0.5·log(2π)"),
      OptionSpec(
        .eps, default: 1e-6, help: "var is clamped to at least eps (the clamp does not affect the var gradient)"),
    ],
    acceptsLegacyReduction: false
  ) { call throws(LossError) in
    let input = try call[.input], target = try call[.target]
    let variance = try call[.var]
    var parameter = variance
    var parameterGradient: TensorKey? = .var
    if let negative = variance.storage.firstIndex(where: { $0 < 0 }) {
      throw LossError.data("gaussian_nll_loss: var has negative entry/entries", tensor: "var", index: negative)
    }
    if variance.rank == 0 && call.isBareNumber(.var) {
      // A bare inline number is PyTorch's Python-float var: var·ones_like(input), no gradient. A 0-d
      // tensor from a file or --data is a tensor var: the checks below, and its gradient.
      parameter = Tensor(repeating: variance.storage[0], shape: input.shape)
      parameterGradient = nil
    } else if variance.shape != input.shape {
      if Array(input.shape.dropLast()) == variance.shape && !input.shape.isEmpty {
        parameter.shape = variance.shape + [1]
      } else if input.rank == variance.rank
        && zip(input.shape, variance.shape).reduce(0, { $0 + ($1.0 != $1.1 ? $1.1 : 0) }) == 1
      {
        // One mismatching dimension where var has size 1: broadcast (homoscedastic along it).
      } else {
        throw LossError.data(
          "gaussian_nll_loss: var is of incorrect size (var \(Shape.describeList(variance.shape)), input \(Shape.describeList(input.shape)))",
          tensor: "var")
      }
    }
    var operands = PointwiseOperands(input: input, target: target)
    operands.parameter = parameter
    operands.parameterGradient = parameterGradient
    let kernel = GaussianNLLKernel(full: call.options[.full], eps: call.options[.eps])
    var result = try PointwiseLoss.compute(kernel, operands, reduction: call.reduction, outputs: call.outputs)
    // The var gradient was summed to the unsqueezed shape; give it var's own shape.
    if let index = result.gradients.firstIndex(where: { $0.name == TensorKey.var.name }) {
      result.gradients[index].gradient.shape = variance.shape
    }
    return result
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `gaussian_nll_loss` beyond its declaration.
  static let gaussianNLLLoss = LossTeaching(
    explanation: LossExplanation(
      family: .probabilistic,
      formula: [
        "v_i = max(var_i, eps)           (clamp without gradient: d/dvar passes straight through)",
        "l_i = 0.5·(log v_i + (x_i − y_i)²/v_i)  [+ 0.5·log(2π) if full]",
        "dl_i/dx_i = (x_i − y_i)/v_i,   dl_i/dvar_i = 0.5·(1/v_i − (x_i − y_i)²/v_i²)",
      ],
      shapes: [
        "input: any shape; target: broadcast with the input",
        "var: the input's shape, or one dimension of size 1, or the input's shape without the last dimension; a bare number is a float var",
        "reduction='none': the broadcast shape",
      ],
      notes: [
        "var is a variance, not a standard deviation; it must be ≥ 0 (negative entries are an error). Learn log-variance and exponentiate if your model can output negatives.",
        "Only one broadcast dimension is allowed for var (#147521, #176244): a (N, 1) var with (N, D) input is fine, (1, 1) is not.",
        "A bare number for --var is PyTorch's Python float var: no gradient. A 1-element tensor gets one.",
        "GaussianNLLLoss is keyword-only and takes no size_average/reduce.",
      ]),
    plot: .gaussianNLLLoss, trace: .residual(), python: .gaussianNLLLoss
  )
}

extension PlotProbe {
  static let gaussianNLLLoss = PlotProbe(
    kind: .error, defaultRange: -3...3, setting: "target 0",
    tensors: { t, p in
      named([.input: column(t), .target: filled(0, t.count), .var: filled(p[.tensor(.var)] ?? 1, t.count)])
    },
    gradient: .input, sweeps: [PlotSweep(.tensor(.var), default: 1, help: "the variance held fixed (default 1)")],
    position: { difference($0[.input], $0[.target]) { x, y in x - y } })
}

extension PythonQuirks {
  /// A bare-number `--var 0.5` is PyTorch's Python-float var, which gets no gradient.
  static let gaussianNLLLoss = PythonQuirks(bareNumberTensor: .var)
}
