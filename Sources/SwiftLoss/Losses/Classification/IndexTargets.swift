/// The class-index target path shared by `nll_loss` and `cross_entropy`: PyTorch's `nll_loss_nd`
/// shape rules, the checked indices, and the weighted NLL reduction with its gradient.
///
/// Input `(C)`, `(N, C)` or `(N, C, d1, ..., dk)`; target `()`/`(1)`, `(N)` or `(N, d1, ..., dk)`.
/// Each row `(n, d…)` has one target class `y`; `l = −w_y·x[n, y, d…]` (0 where `y` is the ignore
/// index); `mean = Σ l / W` with `W = Σ w_y` over the rows not ignored (their count without weight).
struct IndexTargetProblem {
  /// The input around its class dimension.
  var layout: ClassLayout
  /// The `reduction='none'` shape: `()`, `(N)` or `(N, d1, ..., dk)`.
  var outputShape: [Int]
  /// One class per row (`layout.rows` of them); `ignoreIndex` marks an ignored row.
  var targets: [Int]
  var ignoreIndex: Int
  /// Per-class weights (length C), if given.
  var weight: [Double]?
  /// 1-D input with a 1-D target of size 1: PyTorch computes the value, but its backward raises
  /// ("size mismatch (got input: [C], target: [1])"), so no gradient exists to report.
  var hasGradient = true

  @inline(__always) func isIgnored(_ row: Int) -> Bool { targets[row] == ignoreIndex }
  @inline(__always) func weight(ofClass c: Int) -> Double { weight?[c] ?? 1 }

  /// `W`: the summed weight of the rows not ignored (their count without a weight).
  func totalWeight() -> Double {
    var taken = [Double]()
    taken.reserveCapacity(targets.count)
    for row in targets.indices where !isIgnored(row) { taken.append(weight(ofClass: targets[row])) }
    return Summation.sum(taken)
  }
}

enum IndexTargets {
  /// Checks shapes, weight and indices as `nll_loss_nd` does, with PyTorch's messages.
  static func resolve(
    input: Tensor, target: Tensor, weight: Tensor?, ignoreIndex: Int, loss: String
  ) throws(LossError) -> IndexTargetProblem {
    let inputShape = input.shape, targetShape = target.shape
    let classLayout: ClassLayout?
    do throws(ShapeError) { classLayout = try ClassLayout(shape: inputShape) } catch {
      throw .data("\(loss): \(error.message)", tensor: "input")
    }
    guard let layout = classLayout else {
      throw LossError.data("\(loss): Expected 1 or more dimensions (got 0)", tensor: "input")
    }
    let classes = layout.classes
    if inputShape.count != 1 {
      let targetBatch = targetShape.first ?? 0
      guard inputShape[0] == targetBatch else {
        throw LossError.data(
          "\(loss): Expected input batch_size (\(inputShape[0])) to match target batch_size (\(targetBatch)).",
          tensor: "target")
      }
    }
    let outputShape: [Int]
    switch inputShape.count {
    case 1, 2:
      guard targetShape.count <= 1 else {
        throw LossError.data("\(loss): 0D or 1D target tensor expected, multi-target not supported", tensor: "target")
      }
      if inputShape.count == 1 {
        if targetShape.count == 1 && targetShape[0] != 1 {
          throw LossError.data(
            "\(loss): For 1D input, 1D target must have size 1, but got target size: \(targetShape[0])",
            tensor: "target")
        }
        outputShape = []
      } else {
        guard targetShape.count == 1 else {
          throw LossError.data("\(loss): 0D or 1D target tensor expected, multi-target not supported", tensor: "target")
        }
        outputShape = [inputShape[0]]
      }
    default:
      let expected = [inputShape[0]] + inputShape[2...]
      if inputShape.count == 4 && targetShape.count != 3 {
        throw LossError.data(
          "\(loss): only batches of spatial targets supported (3D tensors) but got targets of dimension: \(targetShape.count)",
          tensor: "target")
      }
      guard targetShape == expected else {
        if inputShape.count == 4 {
          throw LossError.data(
            "\(loss): size mismatch (got input: \(Shape.describeList(inputShape)) , target: \(Shape.describeList(targetShape)))",
            tensor: "target")
        }
        throw LossError.data(
          "\(loss): Expected target size \(Shape.describeList(expected)), got \(Shape.describeList(targetShape))",
          tensor: "target")
      }
      outputShape = targetShape
    }
    if let weight {
      // nll_loss (1-D/2-D input) wants a 1-D weight of C elements; nll_loss2d (K-dim) only counts them.
      let ok = inputShape.count <= 2 ? (weight.rank == 1 && weight.count == classes) : weight.count == classes
      guard ok else {
        if inputShape.count <= 2 {
          throw LossError.data(
            "\(loss): weight tensor should be defined either for all \(classes) classes or no classes but got weight tensor of shape: \(Shape.describeList(weight.shape))",
            tensor: "weight")
        }
        throw LossError.data(
          "\(loss): weight tensor should be defined either for all or no classes (got weight of shape \(Shape.describeList(weight.shape)) for \(classes) classes)",
          tensor: "weight")
      }
    }
    let targets = try ClassIndices.check(
      target, name: "target", classCount: classes, allowed: [ignoreIndex], loss: loss)
    return IndexTargetProblem(
      layout: layout, outputShape: outputShape, targets: targets, ignoreIndex: ignoreIndex,
      weight: weight?.storage, hasGradient: !(inputShape.count == 1 && targetShape.count == 1))
  }

  /// The NLL of `logp` (laid out like the input): per-row losses `−w_y·logp[row, y]` (0 when ignored).
  static func rowLosses(_ logp: [Double], _ problem: IndexTargetProblem) -> [Double] {
    let layout = problem.layout
    var losses = [Double](repeating: 0, count: layout.rows)
    logp.withUnsafeBufferPointer { lp in
      for row in 0..<layout.rows where !problem.isIgnored(row) {
        let y = problem.targets[row]
        losses[row] = -lp[layout.start(ofRow: row) + y * layout.inner] * problem.weight(ofClass: y)
      }
    }
    return losses
  }

  /// Reduces per-row values: `none` keeps them (in the output shape), `sum` adds, `mean` divides by `W`.
  static func reduce(_ rows: [Double], _ problem: IndexTargetProblem, _ reduction: Reduction, totalWeight: Double)
    -> Tensor
  {
    reduction.apply(to: rows, shape: problem.outputShape, divisor: totalWeight)
  }

  /// d loss / d (row's loss) for each reduction: PyTorch's `−(g / W)` factor comes out as `1/W`.
  static func upstream(_ reduction: Reduction, totalWeight: Double) -> Double {
    reduction == .mean ? 1 / totalWeight : 1
  }
}
