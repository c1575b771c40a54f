#if canImport(Glibc)
  import Glibc
#endif

extension LossDefinition {
  /// `torch.nn.CosineEmbeddingLoss` / `F.cosine_embedding_loss`.
  public static let cosineEmbeddingLoss = LossDefinition(
    functionalName: "cosine_embedding_loss", moduleName: "CosineEmbeddingLoss", aliases: ["cosine_embedding"],
    teaching: .cosineEmbeddingLoss,
    summary: "1 − cos(x1, x2) where y = 1, max(0, cos(x1, x2) − margin) where y = −1, 0 for other targets",
    tensors: [
      TensorSpec(.input1, gradient: true, help: "embeddings (N, D), or one embedding (D) with a 0-d target"),
      TensorSpec(.input2, gradient: true, help: "embeddings broadcastable with input1, the same rank"),
      TensorSpec(.target, gradient: false, help: "(N) or 0-d: 1 (similar) or −1 (dissimilar); other values give 0"),
    ],
    options: [
      .reduction(),
      OptionSpec(.margin, default: 0, help: "the similarity above which a dissimilar pair is penalised (−1 to 1)"),
    ]
  ) { call throws(LossError) in
    try CosineEmbedding.compute(call)
  }
}

/// PyTorch's composite `cosine_embedding_loss` (`Loss.cpp`), not `F.cosine_similarity`:
///
/// ```
/// S = Σ_d x1·x2,  A = Σ_d x1·x1 + EPS,  B = Σ_d x2·x2 + EPS,  EPS = Float32(1e-12)
/// cos = S / sqrt(A·B)
/// l = where(y == 1, 1 − cos, 0) + where(y == −1, clamp_min(cos − margin, 0), 0)
/// ```
///
/// `S` is over the broadcast of the two inputs; `A` and `B` over each input as given (so a
/// broadcast size-1 last dimension counts once in its own norm, as in PyTorch). The gradient
/// follows autograd through the same graph (div, sqrt, mul, sums), including clamp_min's
/// zero gradient at `cos = margin` (PyTorch ≥ 2.14) and `0·NaN = NaN` for rows with NaN; the target gets none.
enum CosineEmbedding {
  /// `constexpr float EPSILON = 1e-12` in ATen's Loss.cpp, used in float64 too.
  static let epsilon = Double(Float(1e-12))

  static func compute(_ call: LossCall) throws(LossError) -> LossResult {
    let x1 = try call[.input1], x2 = try call[.input2], y = try call[.target]
    let margin = call.options[.margin]
    switch y.rank {
    case 1 where x1.rank != 2 || x2.rank != 2:
      throw LossError.data(
        "1D target tensor expects 2D input tensors, but found inputs with sizes "
          + "\(Shape.describeList(x1.shape)) and \(Shape.describeList(x2.shape)).")
    case 0 where x1.rank != 1 || x2.rank != 1:
      throw LossError.data(
        "0D target tensor expects 1D input tensors, but found inputs with sizes "
          + "\(Shape.describeList(x1.shape)) and \(Shape.describeList(x2.shape)).")
    case 0, 1: break
    default: throw LossError.data("0D or 1D target tensor expected, multi-target not supported")
    }
    // Rows: the leading dimension (one row for 1-D inputs); width: the last dimension.
    let pairShape: [Int], outputShape: [Int]
    do throws(ShapeError) {
      pairShape = try Broadcasting.shape(x1.shape, x2.shape)
      _ = try Shape.elementCount(pairShape)
      // PyTorch broadcasts the target against the cosines in `where(target == 1, ...)`.
      outputShape = try Broadcasting.shape(y.shape, Array(pairShape.dropLast()))
    } catch { throw .shape(error) }
    let rowCount = pairShape.count == 2 ? pairShape[0] : 1, width = pairShape.last ?? 1
    let rows1 = x1.rank == 2 ? x1.shape[0] : 1, width1 = x1.shape.last ?? 1
    let rows2 = x2.rank == 2 ? x2.shape[0] : 1, width2 = x2.shape.last ?? 1
    let a = Broadcasting.expand(x1, to: pairShape), b = Broadcasting.expand(x2, to: pairShape)
    let chunk = max(1, Parallel.threshold / max(width, 1))

    // Per row: S over the broadcast pair, A and B over each input's own rows.
    let squares1 = rowSquares(x1.storage, rows: rows1, width: width1)
    let squares2 = rowSquares(x2.storage, rows: rows2, width: width2)
    var products = [Double](repeating: 0, count: rowCount)
    var denominators = [Double](repeating: 0, count: rowCount)
    var cosines = [Double](repeating: 0, count: rowCount)
    withSharedMutableBuffers(&products, &denominators, &cosines) { productsOut, denominatorsOut, cosinesOut in
      withSharedBuffers(a, b) { ab, bb in
        Parallel.forRanges(count: rowCount, minimumChunk: chunk) { range in
          for r in range {
            var total = 0.0
            for d in 0..<width { total += ab[r * width + d] * bb[r * width + d] }
            let denominator = (squares1[rows1 == 1 ? 0 : r] * squares2[rows2 == 1 ? 0 : r]).squareRoot()
            productsOut[r] = total
            denominatorsOut[r] = denominator
            cosinesOut[r] = total / denominator
          }
        }
      }
    }

    let cosineShape = Array(pairShape.dropLast())
    let cosineTensor = Tensor(validatedShape: cosineShape, storage: cosines)
    let cos = Broadcasting.expand(cosineTensor, to: outputShape), t = Broadcasting.expand(y, to: outputShape)
    let count = cos.count
    var losses = [Double](repeating: 0, count: count)
    for i in 0..<count {
      let positive = t[i] == 1 ? 1 - cos[i] : 0
      let shifted = cos[i] - margin
      let negative = t[i] == -1 ? (shifted.isNaN ? shifted : (shifted < 0 ? 0 : shifted)) : 0
      losses[i] = positive + negative
    }
    let reduction = call.reduction
    var gradients: [(name: String, gradient: Tensor)] = []
    if call.outputs.contains(.gradients) {
      let scale = reduction.upstreamScale(count: count)
      var gradCos = [Double](repeating: 0, count: count)
      for i in 0..<count {
        let throughPositive = t[i] == 1 ? -scale : 0
        let throughNegative = t[i] == -1 && cos[i] - margin > 0 ? scale : 0
        gradCos[i] = throughPositive + throughNegative
      }
      let perRow = Broadcasting.sumReduce(gradCos, from: outputShape, to: cosineShape)
      let products = products, denominators = denominators
      // cos = S / denominator, denominator = sqrt(A·B): the gradient reaching A·B, per row.
      var gSquaresProduct = [Double](repeating: 0, count: rowCount)
      var g1 = [Double](repeating: 0, count: a.count), g2 = g1
      withSharedMutableBuffers(&g1, &g2, &gSquaresProduct) { g1Out, g2Out, gspOut in
        withSharedBuffers(a, b) { ab, bb in
          Parallel.forRanges(count: rowCount, minimumChunk: chunk) { range in
            for r in range {
              let g = perRow[r], denominator = denominators[r]
              let gProduct = g / denominator
              let gDenominator = -g * ((products[r] / denominator) / denominator)
              gspOut[r] = gDenominator / (2 * denominator)
              for d in 0..<width {
                g1Out[r * width + d] = gProduct * bb[r * width + d]
                g2Out[r * width + d] = gProduct * ab[r * width + d]
              }
            }
          }
        }
      }
      // mul's backward per row; a broadcast operand's is summed (ATen's sum starts at +0.0), an
      // unbroadcast one's is the product itself (so a −0.0 keeps its sign, as in PyTorch).
      var gSquares1 = [Double](repeating: rows1 == rowCount ? -0.0 : 0, count: rows1)
      var gSquares2 = [Double](repeating: rows2 == rowCount ? -0.0 : 0, count: rows2)
      for r in 0..<rowCount {
        let r1 = rows1 == 1 ? 0 : r, r2 = rows2 == 1 ? 0 : r
        gSquares1[r1] += gSquaresProduct[r] * squares2[r2]
        gSquares2[r2] += gSquaresProduct[r] * squares1[r1]
      }
      var d1 = Broadcasting.sumReduce(g1, from: pairShape, to: x1.shape)
      var d2 = Broadcasting.sumReduce(g2, from: pairShape, to: x2.shape)
      addSquaresGradient(gSquares1, x1.storage, width: width1, into: &d1)
      addSquaresGradient(gSquares2, x2.storage, width: width2, into: &d2)
      gradients.append(.input1, Tensor(validatedShape: x1.shape, storage: d1))
      gradients.append(.input2, Tensor(validatedShape: x2.shape, storage: d2))
    }
    return LossResult(
      value: reduction.apply(to: losses, shape: outputShape),
      elementwise: Tensor(validatedShape: outputShape, storage: losses), gradients: gradients)
  }

  /// `Σ_d x·x + EPS` for each row.
  static func rowSquares(_ values: [Double], rows: Int, width: Int) -> [Double] {
    var result = [Double](repeating: 0, count: rows)
    result.withSharedMutableBuffer { out in
      values.withSharedBuffer { xs in
        Parallel.forRanges(count: rows, minimumChunk: max(1, Parallel.threshold / max(width, 1))) { range in
          for r in range {
            var total = 0.0
            for d in 0..<width { total += xs[r * width + d] * xs[r * width + d] }
            out[r] = total + epsilon
          }
        }
      }
    }
    return result
  }

  /// The gradient of `Σ_d x·x` (autograd's `g·x + g·x` for `x * x`) added row by row.
  static func addSquaresGradient(_ perRow: [Double], _ values: [Double], width: Int, into gradient: inout [Double]) {
    gradient.withSharedMutableBuffer { out in
      values.withSharedBuffer { xs in
        Parallel.forRanges(count: perRow.count, minimumChunk: max(1, Parallel.threshold / max(width, 1))) { range in
          for r in range {
            let g = perRow[r]
            for d in 0..<width {
              let i = r * width + d
              out[i] += g * xs[i] + g * xs[i]
            }
          }
        }
      }
    }
  }
}

extension LossTeaching {
  /// What `explain`, the lesson page and the traces say of `cosine_embedding_loss` beyond its declaration.
  static let cosineEmbeddingLoss = LossTeaching(
    explanation: LossExplanation(
      family: .embedding,
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
    plot: .cosineEmbeddingLoss, trace: .cosineEmbedding
  )
}

extension PlotProbe {
  /// input1 = (1, 0), input2 = (cos θ, sin θ): d/dθ = −sin θ·g[0] + cos θ·g[1].
  static let cosineEmbeddingLoss = PlotProbe(
    kind: .angle, defaultRange: 0...Double.pi, setting: "input1 (1, 0), input2 (cos θ, sin θ), target −1",
    tensors: { theta, _ in
      var second: [Double] = []
      second.reserveCapacity(theta.count * 2)
      for v in theta { second.append(cos(v)); second.append(sin(v)) }
      return named([
        .input1: pairs([Double](repeating: 1, count: theta.count), second: 0),
        .input2: Tensor(validatedShape: [theta.count, 2], storage: second), .target: filled(-1, theta.count),
      ])
    }, gradient: .input2,
    slope: { theta, gradient in
      theta.indices.map { i in
        -sin(theta[i]) * gradient.storage[2 * i] + cos(theta[i]) * gradient.storage[2 * i + 1]
      }
    },
    position: { dissimilarAngles($0[.input1], $0[.input2], $0[.target]) })
}
