import SwiftLoss

/// The `losses` target: every loss's compute path, straight through ``LossDefinition/run``, on
/// small tensors and options decoded from the bytes — values include NaN, ±inf, huge, tiny, signed
/// zeros and class-index-like integers; options include out-of-range values. Finds traps inside the
/// losses (indexing, integer conversion, shape arithmetic) that the command line makes hard to reach.
///
/// Layout: loss index, outputs, then per tensor (registry order) a presence byte, a rank and dims
/// (0...4, shared between tensors a third of the time so that shapes often agree), then values;
/// then per option a byte that leaves it at its default or picks a value.
///
/// Checks on every successful run: each gradient is for a tensor that was given and has its shape,
/// and with `reduction='none'` the value is the elementwise tensor.
enum LossesTarget {
  static let specialValues: [Double] = [
    0, 1, -1, 2, 3, 0.5, -0.5, 4, 5, -2, .nan, .infinity, -.infinity, 1e308, -1e308, .leastNonzeroMagnitude,
    -0.0, 1e-300, 100, -100, 0.999999, 1e-6, 9.007199254740993e15, 1e19, -1e19, .greatestFiniteMagnitude, 6, 7,
    -3, 1.5, 0.1, 10,
  ]
  static let intValues: [Int] = [-100, -1, 0, 1, 2, 3, 4, 5, Int.max, Int.min, 1 << 40, -7]

  struct Reader {
    var bytes: [UInt8]
    var position = 0
    mutating func byte() -> UInt8 {
      guard position < bytes.count else { return 0 }
      defer { position += 1 }
      return bytes[position]
    }
    mutating func double() -> Double {
      let b = byte()
      if b < 0xF0 { return LossesTarget.specialValues[Int(b) % LossesTarget.specialValues.count] }
      var bits: UInt64 = 0
      for _ in 0..<8 { bits = bits << 8 | UInt64(byte()) }
      return Double(bitPattern: bits)
    }
  }

  static func run(_ bytes: [UInt8]) {
    var reader = Reader(bytes: bytes)
    let definition = LossRegistry.all[Int(reader.byte()) % LossRegistry.all.count]
    var outputs = LossOutputs(rawValue: Int(reader.byte() % 8))
    if outputs.isEmpty { outputs = .all }
    var tensors: [String: Tensor] = [:]
    var previousShape: [Int] = [2, 3]
    for spec in definition.tensors {
      let control = reader.byte()
      if !spec.isRequired && control & 1 == 1 { continue }
      var shape: [Int]
      switch (control >> 1) % 3 {
      case 0: shape = previousShape
      case 1: shape = Array(previousShape.dropLast())
      default:
        let rank = Int(reader.byte() % 5)
        shape = (0..<rank).map { _ in Int(reader.byte() % 5) }
      }
      previousShape = shape
      let count = shape.reduce(1, *)
      var storage: [Double] = []
      storage.reserveCapacity(count)
      let fill = control >> 3
      for index in 0..<count {
        switch fill % 4 {
        case 0: storage.append(reader.double())
        case 1: storage.append(Double(index % 4))  // index-like, in range for small class counts
        case 2: storage.append(index == 0 ? reader.double() : Double((index * 7) % 5) - 1)
        default: storage.append(Double(reader.byte() % 8) - 2)
        }
      }
      guard let tensor = try? Tensor(shape: shape, storage: storage) else { continue }
      tensors[spec.name] = tensor
    }
    var options: [String: OptionValue] = [:]
    for spec in definition.options {
      let control = reader.byte()
      guard control & 1 == 1 else { continue }
      switch spec.kind {
      case .double:
        options[spec.name] =
          control & 2 == 0 ? .double(reader.double()) : .int(intValues[Int(reader.byte()) % intValues.count])
      case .int:
        options[spec.name] =
          control & 2 == 0 ? .int(intValues[Int(reader.byte()) % intValues.count]) : .double(reader.double())
      case .bool:
        options[spec.name] = .bool(control & 2 == 0)
      case .choice(let words):
        let pick = Int(reader.byte()) % (words.count + 1)
        options[spec.name] = .string(pick < words.count ? words[pick] : "batchmean")
      case .intList:
        options[spec.name] = .ints(
          (0..<Int(reader.byte() % 4)).map { _ in intValues[Int(reader.byte()) % intValues.count] })
      }
    }
    guard
      let result = try? definition.run(
        LossCall(definition, tensors: tensors, options: options, outputs: outputs))
    else { return }
    for (name, gradient) in result.gradients {
      guard let tensor = tensors[name] else {
        fatalError("\(definition.functionalName): gradient for absent tensor \(name)")
      }
      guard gradient.shape == tensor.shape else {
        fatalError(
          "\(definition.functionalName): gradient of \(name) has shape \(gradient.shape), tensor \(tensor.shape)")
      }
      guard gradient.storage.count == tensor.storage.count else { fatalError("gradient storage count") }
    }
    if outputs.contains(.value) && outputs.contains(.elementwise) {
      let resolved = try? LossOptions(specs: definition.options, given: options)
      if resolved?.reduction == Reduction.none && result.value.shape != result.elementwise.shape {
        fatalError(
          "\(definition.functionalName): reduction none value shape \(result.value.shape) vs elementwise \(result.elementwise.shape)"
        )
      }
    }
  }
}
