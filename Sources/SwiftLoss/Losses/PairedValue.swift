/// A pointwise kernel with its type erased, as a loss declares it (``LossDefinition/pointwiseKernel``):
/// the engine's value-only reading calls it through a closure specialised for the kernel's type.
public struct AnyPointwiseKernel: Sendable {
  fileprivate let sumOverPair: @Sendable (DelimitedTextPair) -> Double?

  public init<Kernel: PointwiseKernel>(_ kernel: Kernel) {
    sumOverPair = { pair in pair.sum(kernel) }
  }
}

extension LossDefinition {
  /// The value alone of a pointwise loss whose `input` and `target` are two large delimited-text
  /// sources of one shape, read together and never stored (``DelimitedTextPair``): the same bits
  /// as ``run(_:)`` with `outputs: .value` on the
  /// tensors they hold.
  ///
  /// Nil whenever this does not apply: a loss without a ``pointwiseKernel``, other tensors, other
  /// outputs, reduction `none`, invalid options, other formats or shapes, anything irregular in
  /// the files. The caller then reads the tensors from the same sources (their bytes are read once
  /// and kept) and runs the loss, which reports every error. Throws only when a source changed
  /// while it was read.
  public func pairedValue(
    sources: [String: InputSource], options: LossOptions, outputs: LossOutputs,
    readOptions: ReadOptions
  ) throws(InputError) -> LossResult? {
    guard outputs == .value, readOptions.parallel, pointwiseKernel != nil,
      sources.count == 2, let input = sources[TensorKey.input.name], let target = sources[TensorKey.target.name],
      let pair = DelimitedTextPair.open(input, target, options: readOptions)
    else { return nil }
    let result = value(of: pair, options: options)
    try input.checkUnchanged()
    try target.checkUnchanged()
    return result
  }

  /// The value over an open pair; nil without a kernel, with reduction `none` or invalid options,
  /// or when a row of the files is not plain.
  func value(of pair: DelimitedTextPair, options: LossOptions) -> LossResult? {
    guard let declared = pointwiseKernel, options.reduction == .mean || options.reduction == .sum,
      let kernel = declared(options),
      let total = kernel.sumOverPair(pair)
    else { return nil }
    return LossResult(
      value: options.reduction.reduce(sum: total, count: pair.count),
      elementwise: Tensor(validatedShape: [0], storage: []),
      gradients: [])
  }
}
