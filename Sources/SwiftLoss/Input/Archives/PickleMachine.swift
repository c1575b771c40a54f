/// An allow-list unpickler for the `data.pkl` of a PyTorch archive: it builds plain values,
/// containers and tensor descriptions, and never calls, imports or executes anything.
///
/// Modelled on PyTorch's own `torch/_weights_only_unpickler.py` (what `torch.load` uses with
/// `weights_only=True`): a `GLOBAL` may name only `collections.OrderedDict`, the tensor rebuild
/// functions of `torch._utils`, the legacy `torch.*Storage` types, `torch.<dtype>`,
/// `torch.device`, `torch.Size` and a few builtins, and `REDUCE` applies only those, as pure
/// functions of their arguments written here. Anything else (a pickled module, `os.system`) is an
/// error naming the global, raised when the `GLOBAL` is read, before anything else happens.
///
/// Opcodes: the binary ones of protocols 2 to 5 (what `torch.save` writes, protocol 2 by default);
/// the text opcodes of protocol 0, extension codes and out-of-band buffers are refused. Every read
/// is bounds-checked, counts are bounded, and memo or stack misuse is an error.
struct PickleMachine {
  /// Values the unpickler builds. Lists and dicts are references, as in Python: the pickle memo
  /// may hand out one list twice, and `APPEND` after `BINPUT` must reach the memoised one.
  indirect enum Value {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes
    case tuple([Value])
    case list(PickleList)
    case dict(PickleDict)
    case global(Global)
    case storage(Storage)
    case tensor(TensorView)
    case device(String)
    /// An allowed value that never holds tensors (a set, complex number, bytearray...).
    case opaque(String)
  }

  final class PickleList { var items: [Value] = [] }
  final class PickleDict {
    var items: [(key: Value, value: Value)] = []
    init(_ items: [(key: Value, value: Value)] = []) { self.items = items }
  }

  /// A storage named by a persistent id: `('storage', torch.FloatStorage, '0', 'cpu', 6)`.
  struct Storage {
    /// The element type, nil for a storage type swiftloss does not read (named by `typeName`).
    var type: ArchiveElementType?
    var typeName: String
    var key: String
    var count: Int
  }

  /// A tensor as `_rebuild_tensor_v2` describes it: a view of a storage.
  struct TensorView {
    var storage: Storage
    var offset: Int
    var shape: [Int]
    var strides: [Int]
    /// `_rebuild_tensor_v3`'s dtype, which overrides the storage's (an untyped storage).
    var type: ArchiveElementType?
    var typeName: String
  }

  /// The globals a pickle may name.
  enum Global: Equatable {
    case orderedDict, counter, set, frozenset, bytearray, complex, codecsEncode
    case rebuildTensorV2, rebuildTensorV3, rebuildParameter, rebuildParameterWithState, rebuildFromTypeV2
    /// A recognised tensor rebuild function for a tensor kind swiftloss does not read.
    case unsupportedRebuild(String)
    case storageType(ArchiveElementType?, String)
    case dtype(ArchiveElementType?, String)
    case device, size, tensorClass, parameterClass, getLayout
  }

  /// The most memo entries, stack items and container items, against absurd inputs.
  static let maxItems = 1 << 24
  /// The most nested `MARK`s.
  static let maxMarks = 1 << 16

  let bytes: UnsafeBufferPointer<UInt8>
  let label: String
  var p = 0
  var stack: [Value] = []
  var marks: [Int] = []
  var memo: [Int: Value] = [:]
  var storages: [String: Storage] = [:]
  /// Every list and dict built, emptied at the end so that a pickle's reference cycles (a list
  /// that holds itself) do not outlive it.
  var containers: [AnyObject] = []

  init(_ bytes: UnsafeBufferPointer<UInt8>, label: String) {
    self.bytes = bytes
    self.label = label
  }

  func fail(_ message: String) -> InputError { InputError(label: label, message: message) }

  /// Unpickles the whole stream and hands its value to `body`; the lists and dicts it holds are
  /// emptied when `body` returns (take what is needed inside).
  static func withValue<R>(
    _ bytes: UnsafeBufferPointer<UInt8>, label: String, _ body: (Value) throws(InputError) -> R
  ) throws(InputError) -> R {
    var machine = PickleMachine(bytes, label: label)
    defer { machine.releaseContainers() }
    return try body(try machine.run())
  }

  mutating func releaseContainers() {
    for container in containers {
      (container as? PickleList)?.items.removeAll()
      (container as? PickleDict)?.items.removeAll()
    }
    containers.removeAll()
    stack.removeAll()
    memo.removeAll()
  }

  mutating func newList(_ items: [Value] = []) -> PickleList {
    let list = PickleList()
    list.items = items
    containers.append(list)
    return list
  }

  mutating func newDict(_ items: [(key: Value, value: Value)] = []) -> PickleDict {
    let dict = PickleDict(items)
    containers.append(dict)
    return dict
  }

  // MARK: - Reading

  mutating func byte() throws(InputError) -> UInt8 {
    guard p < bytes.count else { throw fail("truncated pickle data at byte \(p)") }
    defer { p += 1 }
    return bytes[p]
  }

  mutating func take(_ n: Int) throws(InputError) -> UnsafeBufferPointer<UInt8> {
    guard n >= 0, n <= bytes.count - p else { throw fail("truncated pickle data at byte \(p)") }
    defer { p += n }
    return UnsafeBufferPointer(rebasing: bytes[p..<(p + n)])
  }

  /// An unsigned little-endian integer of `n` bytes (n <= 8), refused beyond `Int.max`.
  mutating func unsigned(_ n: Int) throws(InputError) -> Int {
    let raw = try take(n)
    var value: UInt64 = 0
    for (k, b) in raw.enumerated() { value |= UInt64(b) << (8 * UInt64(k)) }
    guard value <= UInt64(Int.max) else { throw fail("pickle length out of range") }
    return Int(value)
  }

  mutating func line() throws(InputError) -> String {
    let start = p
    while p < bytes.count && bytes[p] != 0x0A { p += 1 }
    guard p < bytes.count else { throw fail("truncated pickle data at byte \(start)") }
    defer { p += 1 }
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<p]), as: UTF8.self)
  }

  mutating func push(_ value: Value) throws(InputError) {
    guard stack.count < Self.maxItems else { throw fail("pickle stack too deep") }
    stack.append(value)
  }

  mutating func pop() throws(InputError) -> Value {
    guard let value = stack.popLast(), stack.count >= (marks.last ?? 0) else {
      throw fail("malformed pickle: stack underflow at byte \(p)")
    }
    return value
  }

  /// The items pushed since the last `MARK`, which is removed.
  mutating func popMark() throws(InputError) -> [Value] {
    guard let mark = marks.popLast(), mark <= stack.count else { throw fail("malformed pickle: no MARK at byte \(p)") }
    let items = Array(stack[mark...])
    stack.removeSubrange(mark...)
    return items
  }

  mutating func top() throws(InputError) -> Value {
    guard let value = stack.last, stack.count > (marks.last ?? 0) else {
      throw fail("malformed pickle: stack underflow at byte \(p)")
    }
    return value
  }

  // MARK: - The machine

  mutating func run() throws(InputError) -> Value {
    while true {
      let at = p
      let op = try byte()
      switch op {
      case 0x80:  // PROTO
        let version = try byte()
        guard version <= 5 else { throw fail("unsupported pickle protocol \(version)") }
      case 0x95: _ = try take(8)  // FRAME: a length hint only
      case UInt8(ascii: "."):  // STOP
        let value = try pop()
        return value
      case UInt8(ascii: "("):  // MARK
        guard marks.count < Self.maxMarks else { throw fail("pickle marks nested too deeply") }
        marks.append(stack.count)
      case UInt8(ascii: "0"): _ = try pop()  // POP
      case UInt8(ascii: "1"): _ = try popMark()  // POP_MARK
      case UInt8(ascii: "2"): try push(try top())  // DUP
      case UInt8(ascii: "N"): try push(.none)
      case 0x88: try push(.bool(true))
      case 0x89: try push(.bool(false))
      case UInt8(ascii: "J"):  // BININT: signed 32-bit
        let raw = try unsigned(4)
        try push(.int(Int(Int32(truncatingIfNeeded: raw))))
      case UInt8(ascii: "K"): try push(.int(try unsigned(1)))
      case UInt8(ascii: "M"): try push(.int(try unsigned(2)))
      case 0x8A: try push(.int(try long(length: try unsigned(1))))  // LONG1
      case 0x8B: try push(.int(try long(length: try unsigned(4))))  // LONG4
      case UInt8(ascii: "G"):  // BINFLOAT: big-endian float64
        let raw = try take(8)
        var bits: UInt64 = 0
        for b in raw { bits = bits << 8 | UInt64(b) }
        try push(.float(Double(bitPattern: bits)))
      case UInt8(ascii: "X"): try push(.string(try text(try unsigned(4))))  // BINUNICODE
      case 0x8C: try push(.string(try text(try unsigned(1))))  // SHORT_BINUNICODE
      case 0x8D: try push(.string(try text(try unsigned(8))))  // BINUNICODE8
      case UInt8(ascii: "T"): try push(.string(try text(try unsigned(4))))  // BINSTRING
      case UInt8(ascii: "U"): try push(.string(try text(try unsigned(1))))  // SHORT_BINSTRING
      case UInt8(ascii: "B"), 0x96:  // BINBYTES, BYTEARRAY8 (length 4 / 8)
        _ = try take(try unsigned(op == 0x96 ? 8 : 4))
        try push(.bytes)
      case UInt8(ascii: "C"):  // SHORT_BINBYTES
        _ = try take(try unsigned(1))
        try push(.bytes)
      case 0x8E:  // BINBYTES8
        _ = try take(try unsigned(8))
        try push(.bytes)
      case UInt8(ascii: ")"): try push(.tuple([]))
      case UInt8(ascii: "t"): try push(.tuple(try popMark()))
      case 0x85: try push(.tuple([try pop()]))
      case 0x86:
        let b = try pop(), a = try pop()
        try push(.tuple([a, b]))
      case 0x87:
        let c = try pop(), b = try pop(), a = try pop()
        try push(.tuple([a, b, c]))
      case UInt8(ascii: "]"): try push(.list(newList()))
      case UInt8(ascii: "l"):  // LIST
        let items = try popMark()
        try push(.list(newList(items)))
      case UInt8(ascii: "a"):  // APPEND
        let item = try pop()
        try append([item], at: at)
      case UInt8(ascii: "e"):  // APPENDS
        let items = try popMark()
        try append(items, at: at)
      case UInt8(ascii: "}"): try push(.dict(newDict()))
      case UInt8(ascii: "d"):  // DICT
        let items = try pairs(try popMark())
        try push(.dict(newDict(items)))
      case UInt8(ascii: "s"):  // SETITEM
        let value = try pop(), key = try pop()
        try setItems([(key, value)], at: at)
      case UInt8(ascii: "u"):  // SETITEMS
        let items = try popMark()
        try setItems(try pairs(items), at: at)
      case 0x8F: try push(.opaque("set"))  // EMPTY_SET
      case 0x90:  // ADDITEMS
        _ = try popMark()
        guard case .opaque = try top() else { throw fail("malformed pickle: ADDITEMS on a non-set at byte \(at)") }
      case 0x91:  // FROZENSET
        _ = try popMark()
        try push(.opaque("frozenset"))
      case UInt8(ascii: "h"): try push(try recall(try unsigned(1)))  // BINGET
      case UInt8(ascii: "j"): try push(try recall(try unsigned(4)))  // LONG_BINGET
      case UInt8(ascii: "q"): try remember(try unsigned(1))  // BINPUT
      case UInt8(ascii: "r"): try remember(try unsigned(4))  // LONG_BINPUT
      case 0x94: try remember(memo.count)  // MEMOIZE
      case UInt8(ascii: "c"):  // GLOBAL: module and name on two lines
        let module = try line()
        let name = try line()
        try push(.global(try Self.allowedGlobal(module: module, name: name, label: label)))
      case 0x93:  // STACK_GLOBAL
        let name = try pop(), module = try pop()
        guard case .string(let moduleName) = module, case .string(let globalName) = name else {
          throw fail("malformed pickle: STACK_GLOBAL without strings at byte \(at)")
        }
        try push(.global(try Self.allowedGlobal(module: moduleName, name: globalName, label: label)))
      case UInt8(ascii: "R"):  // REDUCE
        let arguments = try pop(), callable = try pop()
        guard case .tuple(let args) = arguments else {
          throw fail("malformed pickle: REDUCE without a tuple at byte \(at)")
        }
        guard case .global(let function) = callable else {
          throw fail("malformed pickle: REDUCE of a value that is not a function at byte \(at)")
        }
        try push(try apply(function, args))
      case 0x81:  // NEWOBJ: cls.__new__(cls, *args), allowed for the dict types only
        _ = try pop()
        let cls = try pop()
        guard case .global(let type) = cls, type == .orderedDict || type == .counter else {
          throw fail("pickle NEWOBJ of a class swiftloss does not build at byte \(at)")
        }
        try push(.dict(newDict()))
      case UInt8(ascii: "b"):  // BUILD: state for the object below (a state_dict's _metadata)
        _ = try pop()
        switch try top() {
        case .dict, .tensor, .opaque: break
        default: throw fail("malformed pickle: BUILD on a value that takes no state at byte \(at)")
        }
      case UInt8(ascii: "Q"):  // BINPERSID
        let id = try pop()
        try push(.storage(try persistentLoad(id)))
      case UInt8(ascii: "i"), UInt8(ascii: "o"), 0x92, 0x82, 0x83, 0x84:
        // INST, OBJ, NEWOBJ_EX, EXT1/2/4: instantiate arbitrary classes.
        if op == UInt8(ascii: "i") {
          let module = try line(), name = try line()
          throw Self.disallowed(module: module, name: name, label: label)
        }
        throw fail("the pickle creates an object (opcode \(Self.hex(op)) at byte \(at)); " + Self.advice)
      default:
        throw fail("unsupported pickle opcode \(Self.hex(op)) at byte \(at)")
      }
    }
  }

  static let advice =
    "swiftloss reads only tensors and dicts, lists and tuples of tensors: "
    + "save a tensor or model.state_dict() instead"

  static func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
  }

  static func disallowed(module: String, name: String, label: String) -> InputError {
    let qualified = ByteScanner.quoted(Array("\(module).\(name)".utf8), limit: 100)
    return InputError(
      label: label, message: "the pickle refers to \(qualified), which swiftloss never loads; " + advice)
  }

  mutating func text(_ length: Int) throws(InputError) -> String {
    String(decoding: try take(length), as: UTF8.self)
  }

  /// A little-endian two's-complement integer of `length` bytes (pickle's LONG1/LONG4).
  mutating func long(length: Int) throws(InputError) -> Int {
    let raw = try take(length)
    guard length > 0 else { return 0 }
    var digits = Array(raw)
    // Drop sign-extension bytes beyond 8.
    let negative = digits[length - 1] & 0x80 != 0
    while digits.count > 8, digits.last == (negative ? 0xFF : 0x00) { digits.removeLast() }
    guard digits.count <= 8 else { throw fail("pickle integer too large") }
    var bits: UInt64 = negative ? ~0 : 0
    for (k, b) in digits.enumerated() {
      bits &= ~(UInt64(0xFF) << (8 * UInt64(k)))
      bits |= UInt64(b) << (8 * UInt64(k))
    }
    let value = Int64(bitPattern: bits)
    // The sign must survive the truncation to 8 bytes.
    guard (value < 0) == negative else { throw fail("pickle integer too large") }
    return Int(value)
  }

  mutating func remember(_ index: Int) throws(InputError) {
    guard memo.count < Self.maxItems || memo[index] != nil else { throw fail("pickle memo too large") }
    memo[index] = try top()
  }

  func recall(_ index: Int) throws(InputError) -> Value {
    guard let value = memo[index] else { throw fail("malformed pickle: memo entry \(index) is not set at byte \(p)") }
    return value
  }

  func pairs(_ items: [Value]) throws(InputError) -> [(key: Value, value: Value)] {
    guard items.count % 2 == 0 else { throw fail("malformed pickle: odd number of dict items at byte \(p)") }
    return stride(from: 0, to: items.count, by: 2).map { (key: items[$0], value: items[$0 + 1]) }
  }

  mutating func append(_ items: [Value], at: Int) throws(InputError) {
    switch try top() {
    case .list(let list):
      guard list.items.count <= Self.maxItems - items.count else { throw fail("pickle list too long") }
      list.items += items
    case .opaque: break  // e.g. a set
    default: throw fail("malformed pickle: APPEND to a value that is not a list at byte \(at)")
    }
  }

  mutating func setItems(_ items: [(key: Value, value: Value)], at: Int) throws(InputError) {
    guard case .dict(let dict) = try top() else {
      throw fail("malformed pickle: SETITEM on a value that is not a dict at byte \(at)")
    }
    guard dict.items.count <= Self.maxItems - items.count else { throw fail("pickle dict too large") }
    dict.items += items
  }

  // MARK: - Globals and their application

  /// The legacy storage types and the dtype each holds (`UntypedStorage` holds bytes).
  static let storageTypes: [String: (type: ArchiveElementType?, dtype: String)] = [
    "DoubleStorage": (.float64, "float64"), "FloatStorage": (.float32, "float32"), "HalfStorage": (.float16, "float16"),
    "BFloat16Storage": (.bfloat16, "bfloat16"), "LongStorage": (.int64, "int64"), "IntStorage": (.int32, "int32"),
    "ShortStorage": (.int16, "int16"), "CharStorage": (.int8, "int8"), "ByteStorage": (.uint8, "uint8"),
    "BoolStorage": (.bool, "bool"), "ComplexDoubleStorage": (nil, "complex128"),
    "ComplexFloatStorage": (nil, "complex64"),
    "QInt8Storage": (nil, "qint8"), "QInt32Storage": (nil, "qint32"), "QUInt8Storage": (nil, "quint8"),
    "QUInt4x2Storage": (nil, "quint4x2"), "QUInt2x4Storage": (nil, "quint2x4"),
    "UntypedStorage": (nil, "untyped bytes"),
  ]

  static let dtypes: [String: ArchiveElementType] = [
    "float64": .float64, "double": .float64, "float32": .float32, "float": .float32, "float16": .float16,
    "half": .float16, "bfloat16": .bfloat16, "int64": .int64, "long": .int64, "int32": .int32, "int": .int32,
    "int16": .int16, "short": .int16, "int8": .int8, "uint8": .uint8, "bool": .bool,
  ]

  static let otherDtypes: Set<String> = [
    "complex64", "complex128", "cfloat", "cdouble", "complex32", "chalf", "uint16", "uint32", "uint64",
    "float8_e5m2", "float8_e4m3fn", "float8_e5m2fnuz", "float8_e4m3fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2",
    "qint8", "quint8", "qint32", "quint4x2", "quint2x4", "bits8", "bits16", "bits1x8", "bits2x4", "bits4x2",
    "uint1", "uint2", "uint3", "uint4", "uint5", "uint6", "uint7", "int1", "int2", "int3", "int4", "int5", "int6",
    "int7", "bcomplex32",
  ]

  static let unsupportedRebuilds: Set<String> = [
    "_rebuild_tensor", "_rebuild_qtensor", "_rebuild_sparse_tensor", "_rebuild_meta_tensor_no_storage",
    "_rebuild_wrapper_subclass", "_rebuild_device_tensor_from_numpy", "_rebuild_device_tensor_from_cpu_tensor",
    "_rebuild_nested_tensor", "_rebuild_xla_tensor", "_rebuild_mtia_tensor",
  ]

  /// The global `module.name` if it is on the allow list, else the error naming it.
  static func allowedGlobal(module: String, name: String, label: String) throws(InputError) -> Global {
    switch (module, name) {
    case ("collections", "OrderedDict"): return .orderedDict
    case ("collections", "Counter"): return .counter
    case ("builtins", "set"), ("__builtin__", "set"): return .set
    case ("builtins", "frozenset"), ("__builtin__", "frozenset"): return .frozenset
    case ("builtins", "bytearray"), ("__builtin__", "bytearray"): return .bytearray
    case ("builtins", "complex"), ("__builtin__", "complex"): return .complex
    case ("_codecs", "encode"): return .codecsEncode
    case ("torch._utils", "_rebuild_tensor_v2"): return .rebuildTensorV2
    case ("torch._utils", "_rebuild_tensor_v3"): return .rebuildTensorV3
    case ("torch._utils", "_rebuild_parameter"): return .rebuildParameter
    case ("torch._utils", "_rebuild_parameter_with_state"): return .rebuildParameterWithState
    case ("torch._tensor", "_rebuild_from_type_v2"): return .rebuildFromTypeV2
    case ("torch._utils", let function) where unsupportedRebuilds.contains(function):
      return .unsupportedRebuild("torch._utils.\(function)")
    case ("torch", "device"): return .device
    case ("torch", "Size"): return .size
    case ("torch", "Tensor"), ("torch._tensor", "Tensor"): return .tensorClass
    case ("torch.nn.parameter", "Parameter"): return .parameterClass
    case ("torch.serialization", "_get_layout"): return .getLayout
    case ("torch", let type) where storageTypes[type] != nil:
      let known = storageTypes[type]
      return .storageType(known?.type, known?.dtype ?? type)
    case ("torch.storage", "UntypedStorage"), ("torch.storage", "TypedStorage"):
      return .storageType(nil, "untyped bytes")
    case ("torch", let dtype) where dtypes[dtype] != nil: return .dtype(dtypes[dtype], dtype)
    case ("torch", let dtype) where otherDtypes.contains(dtype): return .dtype(nil, dtype)
    default: throw disallowed(module: module, name: name, label: label)
    }
  }

  /// `function(*args)` for an allowed function, computed here without calling anything.
  mutating func apply(_ function: Global, _ args: [Value]) throws(InputError) -> Value {
    switch function {
    case .orderedDict, .counter:
      // OrderedDict() or OrderedDict(iterable of pairs).
      let dict = newDict()
      if let first = args.first {
        switch first {
        case .list(let list):
          for item in list.items {
            guard case .tuple(let pair) = item, pair.count == 2 else {
              throw fail("malformed pickle: bad OrderedDict items")
            }
            dict.items.append((key: pair[0], value: pair[1]))
          }
        case .dict(let other): dict.items = other.items
        default: break
        }
      }
      return .dict(dict)
    case .set, .frozenset, .bytearray, .complex, .codecsEncode: return .opaque("\(function)")
    case .rebuildTensorV2, .rebuildTensorV3:
      return .tensor(try rebuildTensor(args, v3: function == .rebuildTensorV3))
    case .rebuildParameter, .rebuildParameterWithState, .rebuildFromTypeV2:
      // Parameter(data, ...) is its data; _rebuild_from_type_v2(func, type, args, state) is func(*args).
      if function == .rebuildFromTypeV2 {
        guard args.count >= 3, case .global(let inner) = args[0], case .tuple(let innerArgs) = args[2] else {
          throw fail("malformed pickle: bad _rebuild_from_type_v2 arguments")
        }
        if case .global(let type) = args[1], type != .tensorClass && type != .parameterClass {
          throw fail("the pickle holds a tensor subclass; " + Self.advice)
        }
        return try apply(inner, innerArgs)
      }
      guard let data = args.first, case .tensor = data else {
        throw fail("malformed pickle: a Parameter without a tensor")
      }
      return data
    case .unsupportedRebuild(let name):
      throw fail(
        "the file holds a tensor that \(name) rebuilds (sparse, quantized, meta or on a device); "
          + "swiftloss reads dense CPU tensors: save tensor.detach().cpu().to_dense() instead")
    case .device:
      if case .string(let name) = args.first { return .device(name) }
      return .device("?")
    case .size:
      if case .tuple(let dims) = args.first { return .tuple(dims) }
      return .tuple([])
    case .getLayout: return .opaque("layout")
    case .storageType, .dtype, .tensorClass, .parameterClass:
      throw fail("malformed pickle: a type applied as a function")
    }
  }

  /// `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks,
  /// metadata=None)`; v3 has a `dtype` after the hooks.
  func rebuildTensor(_ args: [Value], v3: Bool) throws(InputError) -> TensorView {
    guard args.count >= (v3 ? 7 : 6), case .storage(let storage) = args[0], case .int(let offset) = args[1] else {
      throw fail("malformed pickle: bad tensor arguments")
    }
    func ints(_ value: Value) throws(InputError) -> [Int] {
      guard case .tuple(let items) = value else { throw fail("malformed pickle: a tensor size that is not a tuple") }
      guard items.count <= Shape.maxRank else { throw fail("tensor with more than \(Shape.maxRank) dimensions") }
      var out: [Int] = []
      for item in items {
        guard case .int(let n) = item else { throw fail("malformed pickle: a tensor size that is not integers") }
        out.append(n)
      }
      return out
    }
    let shape = try ints(args[2])
    let strides = try ints(args[3])
    guard shape.count == strides.count else { throw fail("malformed pickle: tensor size and stride differ in rank") }
    var type = storage.type
    var typeName = storage.typeName
    if v3 {
      guard case .global(.dtype(let dtype, let name)) = args[6] else {
        throw fail("malformed pickle: bad tensor dtype")
      }
      type = dtype
      typeName = name
    }
    let metadataIndex = v3 ? 7 : 6
    if args.count > metadataIndex, case .dict(let metadata) = args[metadataIndex], !metadata.items.isEmpty {
      throw fail("the file holds a tensor with a lazy conjugate or negative bit; save tensor.resolve_neg() instead")
    }
    return TensorView(storage: storage, offset: offset, shape: shape, strides: strides, type: type, typeName: typeName)
  }

  /// `('storage', storage_type, key, location, numel)`, one storage object per key.
  mutating func persistentLoad(_ id: Value) throws(InputError) -> Storage {
    guard case .tuple(let parts) = id, parts.count == 5, case .string("storage") = parts[0],
      case .global(let storageType) = parts[1], case .string(let key) = parts[2], case .int(let count) = parts[4],
      count >= 0
    else { throw fail("malformed pickle: unknown persistent id") }
    if let known = storages[key] { return known }
    let storage: Storage
    switch storageType {
    case .storageType(let type, let name): storage = Storage(type: type, typeName: name, key: key, count: count)
    case .dtype(let type, let name): storage = Storage(type: type, typeName: name, key: key, count: count)
    default: throw fail("malformed pickle: a storage of an unknown type")
    }
    storages[key] = storage
    return storage
  }
}
