/// A loss defined element by element on the broadcast of `input` and `target`:
/// `l_i = f(x_i, y_i)` with derivatives `∂f/∂x`, `∂f/∂y`.
///
/// L1, MSE, SmoothL1, Huber, KLDiv, PoissonNLL, SoftMargin, BCE, BCEWithLogits, HingeEmbedding
/// implement only their kernel; broadcasting, weighting, reduction and the un-broadcasting of
/// gradients are done once, here.
public protocol PointwiseKernel: Sendable {
  /// `f(x, y)`.
  func loss(_ x: Double, _ y: Double) -> Double
  /// `(∂f/∂x, ∂f/∂y)` at `(x, y)`, with PyTorch's subgradient at kinks.
  func derivatives(_ x: Double, _ y: Double) -> (input: Double, target: Double)
  /// The gradients for an upstream gradient `u` (the reduction's scale times the weight). The
  /// default multiplies the derivatives by `u`; a kernel whose autograd chain takes `u` in first
  /// overrides it, so that a zero carries PyTorch's sign (a zero weight is `+0.0` upstream).
  func derivatives(_ x: Double, _ y: Double, upstream u: Double) -> (input: Double, target: Double)
}

extension PointwiseKernel {
  @inline(__always) public func derivatives(_ x: Double, _ y: Double, upstream u: Double) -> (
    input: Double, target: Double
  ) {
    let d = derivatives(x, y)
    return (d.input * u, d.target * u)
  }
}

/// A pointwise loss with a third per-element operand `p` (BCEWithLogits's `pos_weight`,
/// GaussianNLL's `var`): `l_i = f(x_i, y_i, p_i)`. The operand broadcasts to the loss shape like
/// `weight` (it may not enlarge it) and its gradient, when reported, is summed back to its shape.
public protocol ParameterizedPointwiseKernel: Sendable {
  /// `f(x, y, p)`.
  func loss(_ x: Double, _ y: Double, _ p: Double) -> Double
  /// `(∂f/∂x, ∂f/∂y, ∂f/∂p)` at `(x, y, p)`.
  func derivatives(_ x: Double, _ y: Double, _ p: Double) -> (input: Double, target: Double, parameter: Double)
  /// The gradients for an upstream gradient `u`; see ``PointwiseKernel/derivatives(_:_:upstream:)``.
  func derivatives(_ x: Double, _ y: Double, _ p: Double, upstream u: Double)
    -> (input: Double, target: Double, parameter: Double)
}

extension ParameterizedPointwiseKernel {
  @inline(__always) public func derivatives(_ x: Double, _ y: Double, _ p: Double, upstream u: Double)
    -> (input: Double, target: Double, parameter: Double)
  {
    let d = derivatives(x, y, p)
    return (d.input * u, d.target * u, d.parameter * u)
  }
}

/// A two-operand kernel seen as a parameterized one that ignores `p`.
struct IgnoringParameter<Kernel: PointwiseKernel>: ParameterizedPointwiseKernel {
  var kernel: Kernel
  @inline(__always) func loss(_ x: Double, _ y: Double, _ p: Double) -> Double { kernel.loss(x, y) }
  @inline(__always) func derivatives(_ x: Double, _ y: Double, _ p: Double) -> (
    input: Double, target: Double, parameter: Double
  ) {
    let d = kernel.derivatives(x, y)
    return (d.input, d.target, 0)
  }
  @inline(__always) func derivatives(_ x: Double, _ y: Double, _ p: Double, upstream u: Double)
    -> (input: Double, target: Double, parameter: Double)
  {
    let d = kernel.derivatives(x, y, upstream: u)
    return (d.input, d.target, 0)
  }
}

/// A kernel with a third operand seen as a two-operand one, the operand fixed (its default, when
/// no tensor is given).
struct FixedParameter<Kernel: ParameterizedPointwiseKernel>: PointwiseKernel {
  var kernel: Kernel
  var parameter: Double
  @inline(__always) func loss(_ x: Double, _ y: Double) -> Double { kernel.loss(x, y, parameter) }
  @inline(__always) func derivatives(_ x: Double, _ y: Double) -> (input: Double, target: Double) {
    let d = kernel.derivatives(x, y, parameter)
    return (d.input, d.target)
  }
}

/// How a `weight` tensor enters the `mean` reduction.
public enum WeightedMean: Sendable {
  /// `Σ w·l / Σ w` (functional `l1_loss`, `mse_loss` with `weight`).
  case dividesByWeightSum
  /// `Σ w·l / numel`: weights do not change the denominator (`huber_loss`, BCE, BCEWithLogits).
  case dividesByCount
}

/// The tensors of a pointwise loss and the names under which their gradients are reported.
public struct PointwiseOperands {
  public var input: Tensor
  public var target: Tensor
  public var weight: Tensor?
  public var inputGradient = TensorKey.input
  /// `nil` when PyTorch gives the target no gradient.
  public var targetGradient: TensorKey? = .target
  /// `nil` when PyTorch gives the weight no gradient.
  public var weightGradient: TensorKey? = .weight
  public var weightedMean = WeightedMean.dividesByCount
  /// The third operand of a ``ParameterizedPointwiseKernel`` (`pos_weight`, `var`); when `nil`
  /// the kernel receives `parameterDefault`.
  public var parameter: Tensor?
  public var parameterDefault = 0.0
  /// `nil` when PyTorch gives the parameter no gradient.
  public var parameterGradient: TensorKey?

  public init(input: Tensor, target: Tensor, weight: Tensor? = nil) {
    self.input = input
    self.target = target
    self.weight = weight
  }
}

public enum PointwiseLoss {
  /// Computes value, elementwise loss and gradients of `kernel` over `operands`.
  /// Throws PyTorch's broadcasting error when the shapes are incompatible.
  public static func compute<Kernel: PointwiseKernel>(
    _ kernel: Kernel, _ operands: PointwiseOperands, reduction: Reduction, outputs: LossOutputs,
    warnings: [String] = []
  ) throws(LossError) -> LossResult {
    var operands = operands
    operands.parameter = nil
    operands.parameterGradient = nil
    return try compute(
      IgnoringParameter(kernel: kernel), operands, reduction: reduction, outputs: outputs, warnings: warnings)
  }

  /// ``compute(_:_:reduction:outputs:warnings:)`` for a kernel with a third operand
  /// (`operands.parameter`), which broadcasts like `weight` without enlarging the loss.
  public static func compute<Kernel: ParameterizedPointwiseKernel>(
    _ kernel: Kernel, _ operands: PointwiseOperands, reduction: Reduction, outputs: LossOutputs,
    warnings: [String] = []
  ) throws(LossError) -> LossResult {
    let input = operands.input, target = operands.target
    let shape: [Int]
    do { shape = try Broadcasting.shape(input.shape, target.shape) } catch { throw .shape(error) }
    do {
      _ = try Shape.elementCount(shape)  // a broadcast of valid shapes can still be too large
    } catch {
      throw .data(
        "broadcasting input \(Shape.describe(input.shape)) with target \(Shape.describe(target.shape)): \(error.message)"
      )
    }
    for operand in [operands.weight, operands.parameter] {
      guard let operand else { continue }
      let operandShape: [Int]
      do { operandShape = try Broadcasting.shape(shape, operand.shape) } catch { throw .shape(error) }
      guard operandShape == shape else {
        throw .data(
          "output with shape \(Shape.describeList(shape)) doesn't match the broadcast shape \(Shape.describeList(operandShape))"
        )
      }
    }
    let count = Shape.elementCountIfValid(shape) ?? 0
    let x = Broadcasting.expand(input, to: shape)
    let y = Broadcasting.expand(target, to: shape)
    let w = operands.weight.map { Broadcasting.expand($0, to: shape) }
    // The parameter is expanded only when given (no per-element copy of the default).
    let p = operands.parameter.map { Broadcasting.expand($0, to: shape) } ?? []
    let hasParameter = operands.parameter != nil, parameterDefault = operands.parameterDefault

    let divisor: Double? = {
      guard let weight = operands.weight, operands.weightedMean == .dividesByWeightSum else { return nil }
      return Summation.sum(weight.storage)
    }()
    let hasWeight = w != nil
    let ws = w ?? []
    let wantsGradients = outputs.contains(.gradients)
    // `none` returns the elementwise loss as its value.
    let wantsElementwise = outputs.contains(.elementwise) || reduction == .none
    let wantsTarget = wantsGradients && operands.targetGradient != nil
    let wantsParameter = wantsGradients && operands.parameter != nil && operands.parameterGradient != nil
    let wantsWeight = wantsGradients && operands.weight != nil && operands.weightGradient != nil
    let scale = reduction.upstreamScale(count: count, divisor: divisor)

    // One pass computes every requested array: the (weighted) elementwise loss, the gradients
    // over the broadcast shape, and for the weight's gradient the unweighted loss times the scale.
    let slots = (
      elementwise: wantsElementwise, dx: wantsGradients, dy: wantsTarget, dp: wantsParameter, dw: wantsWeight
    )
    let order = [slots.elementwise, slots.dx, slots.dy, slots.dp, slots.dw]
    let arrays = LargeArray.make(count: count, arrays: order.filter { $0 }.count) { pointers in
      var next = 0
      func pointer(_ wanted: Bool) -> UnsafeMutablePointer<Double>? {
        guard wanted else { return nil }
        defer { next += 1 }
        return pointers[next]
      }
      func shared(_ wanted: Bool) -> UnsafeSharedBuffer<Double>? {
        pointer(wanted).map { UnsafeSharedBuffer(start: $0, count: count) }
      }
      let out = (
        e: shared(slots.elementwise), gx: shared(slots.dx), gy: shared(slots.dy), gp: shared(slots.dp),
        gw: shared(slots.dw)
      )
      withSharedBuffers(x, y, p, ws) { xs, ys, ps, wv in
        Parallel.forRanges(count: count) { range in
          for output in [out.e, out.gx, out.gy, out.gp, out.gw] {
            guard let output else { continue }
            LargeArray.prefault(output.base + range.lowerBound, byteCount: range.count * MemoryLayout<Double>.stride)
          }
          for i in range {
            let parameter = hasParameter ? ps[i] : parameterDefault
            let weight = hasWeight ? wv[i] : 1
            if out.e != nil || out.gw != nil {
              let raw = kernel.loss(xs[i], ys[i], parameter)
              if let e = out.e { e[i] = hasWeight ? raw * weight : raw }
              if let gw = out.gw { gw[i] = raw * scale }
            }
            if let gx = out.gx {
              let s = hasWeight ? scale * weight : scale
              let d = kernel.derivatives(xs[i], ys[i], parameter, upstream: s)
              gx[i] = d.input
              if let gy = out.gy { gy[i] = d.target }
              if let gp = out.gp { gp[i] = d.parameter }
            }
          }
        }
      }
    }
    var taken = 0
    func take(_ wanted: Bool) -> [Double] {
      guard wanted else { return [] }
      defer { taken += 1 }
      return arrays[taken]
    }
    let elementwise = take(slots.elementwise), dx = take(slots.dx), dy = take(slots.dy), dp = take(slots.dp)
    let dw = take(slots.dw)

    let value: Tensor
    if wantsElementwise {
      value = reduction.apply(to: elementwise, shape: shape, divisor: divisor)
    } else {
      // The value alone: losses are summed block by block as they are computed (the same blocks,
      // hence the same bits, as summing the elementwise array).
      let total = withSharedBuffers(x, y, p, ws) { xs, ys, ps, wv in
        Summation.sum(count: count) { range, out in
          var o = out
          for i in range {
            let raw = kernel.loss(xs[i], ys[i], hasParameter ? ps[i] : parameterDefault)
            o.pointee = hasWeight ? raw * wv[i] : raw
            o += 1
          }
        }
      }
      value = reduction.reduce(sum: total, count: count, divisor: divisor)
    }
    var gradients: [(name: String, gradient: Tensor)] = []

    if wantsGradients {
      gradients.append(operands.inputGradient, reduceGradient(dx, from: shape, to: input.shape))
      if let key = operands.targetGradient {
        gradients.append(key, reduceGradient(dy, from: shape, to: target.shape))
      }
      if wantsParameter, let parameter = operands.parameter, let key = operands.parameterGradient {
        gradients.append(key, reduceGradient(dp, from: shape, to: parameter.shape))
      }
      if wantsWeight, let weight = operands.weight, let key = operands.weightGradient {
        // d/dw of the weighted reduction; for Σw·l/Σw also the quotient rule's second term.
        if reduction == .mean, operands.weightedMean == .dividesByWeightSum, let divisor {
          // ∂(Σw·l/Σw)/∂w_j = l_j/Σw − loss/Σw, the second term once per weight element.
          let correction = value.storage[0] / divisor
          var reduced = Broadcasting.sumReduce(dw, from: shape, to: weight.shape)
          for j in reduced.indices { reduced[j] -= correction }
          gradients.append(key, Tensor(validatedShape: weight.shape, storage: reduced))
        } else {
          gradients.append(key, reduceGradient(dw, from: shape, to: weight.shape))
        }
      }
    }
    // Without `.elementwise` requested the elementwise tensor is left empty.
    let elementwiseShape = wantsElementwise ? shape : [0]
    return LossResult(
      value: value, elementwise: Tensor(validatedShape: elementwiseShape, storage: elementwise), gradients: gradients,
      warnings: warnings)
  }

  /// A gradient over the broadcast shape summed back to its operand's shape.
  static func reduceGradient(_ values: [Double], from shape: [Int], to target: [Int]) -> Tensor {
    Tensor(validatedShape: target, storage: Broadcasting.sumReduce(values, from: shape, to: target))
  }

  /// PyTorch's warning when a regression loss broadcasts target against input.
  public static func sizeMismatchWarning(input: Tensor, target: Tensor) -> [String] {
    guard input.shape != target.shape else { return [] }
    return [
      "Using a target size (\(Shape.describeTorchSize(target.shape))) that is different to the input size "
        + "(\(Shape.describeTorchSize(input.shape))). This will likely lead to incorrect results due to "
        + "broadcasting. Please ensure they have the same size."
    ]
  }
}
