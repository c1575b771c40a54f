/// Reads PyTorch's zip archives (`torch.save` since PyTorch 1.6): `NAME/data.pkl` is unpickled by
/// the allow-list ``PickleMachine``, each storage is the entry `NAME/data/KEY`, in the byte order
/// of `NAME/byteorder` (little-endian when absent, as in older files).
///
/// Tensors are found in the unpickled value: the value itself, or the leaves of nested dicts
/// (`OrderedDict`s included), lists and tuples, keyed by their dict keys joined with `.` and list
/// or tuple items by index (a `state_dict` gives `head.weight`, `tail.0.0.weight`, ...). Other
/// leaves (numbers, strings, `None`) are skipped.
enum PyTorchArchiveReader {
  struct Directory {
    /// The archive's storages by key: the zip entry of `NAME/data/KEY`.
    var storageEntries: [String: ZipArchive.Entry]
    var bigEndian: Bool
    var tensors: [(key: String, view: PickleMachine.TensorView)]
  }

  /// The most containers and leaves visited while looking for tensors (a pickle can share one
  /// list many times over, or hold itself).
  static let maxVisits = 1 << 20
  static let maxDepth = 256

  /// The `data.pkl` entry's prefix (`NAME/`), if the archive is PyTorch's.
  static func prefix(of zip: ZipArchive) -> String? {
    for entry in zip.entries where entry.name.hasSuffix("/data.pkl") {
      let prefix = entry.name.dropLast("data.pkl".count)
      if !prefix.dropLast().contains("/") { return String(prefix) }
    }
    return nil
  }

  static func directory(_ zip: ZipArchive, prefix: String, in buffer: UnsafeBufferPointer<UInt8>) throws(InputError)
    -> Directory
  {
    let label = zip.label
    func fail(_ message: String) -> InputError { InputError(label: label, message: message) }
    if zip.entry(named: prefix + "constants.pkl") != nil
      || zip.entries.contains(where: { $0.name.hasPrefix(prefix + "code/") })
    {
      throw fail(
        "this is a TorchScript archive (torch.jit.save), not a torch.save file; save tensors or a state_dict "
          + "with torch.save")
    }
    guard let pickleEntry = zip.entry(named: prefix + "data.pkl") else { throw fail("not a PyTorch archive") }
    var bigEndian = false
    if let order = zip.entry(named: prefix + "byteorder") {
      let text = try zip.withContents(of: order, in: buffer) {
        (bytes: UnsafeBufferPointer<UInt8>) throws(InputError) -> String in
        String(decoding: bytes.prefix(16), as: UTF8.self)
      }
      switch text {
      case "little": bigEndian = false
      case "big": bigEndian = true
      default: throw fail("bad PyTorch archive: byteorder is \(ByteScanner.quoted(Array(text.utf8)))")
      }
    }
    var storageEntries: [String: ZipArchive.Entry] = [:]
    let dataPrefix = prefix + "data/"
    for entry in zip.entries where entry.name.hasPrefix(dataPrefix) {
      storageEntries[String(entry.name.dropFirst(dataPrefix.count))] = entry
    }
    // The tensors are taken from the unpickled value while it is alive (see `withValue`).
    let tensors = try zip.withContents(of: pickleEntry, in: buffer) {
      (bytes: UnsafeBufferPointer<UInt8>) throws(InputError) -> [(key: String, view: PickleMachine.TensorView)] in
      try PickleMachine.withValue(bytes, label: label) { (root: PickleMachine.Value) throws(InputError) in
        var tensors: [(key: String, view: PickleMachine.TensorView)] = []
        var visits = 0
        try collect(root, key: "", depth: 0, visits: &visits, into: &tensors, label: label)
        return tensors
      }
    }
    var seen = Set<String>()
    for (key, _) in tensors where !seen.insert(key).inserted {
      throw fail("two tensors in the file are both named \(ByteScanner.quoted(Array(key.utf8)))")
    }
    return Directory(storageEntries: storageEntries, bigEndian: bigEndian, tensors: tensors)
  }

  static func collect(
    _ value: PickleMachine.Value, key: String, depth: Int, visits: inout Int,
    into tensors: inout [(key: String, view: PickleMachine.TensorView)], label: String
  ) throws(InputError) {
    func fail(_ message: String) -> InputError { InputError(label: label, message: message) }
    visits += 1
    guard visits <= maxVisits, depth <= maxDepth else {
      throw fail("the pickled value is nested too deeply or shares itself too often")
    }
    func join(_ name: String) -> String { key.isEmpty ? name : key + "." + name }
    switch value {
    case .tensor(let view): tensors.append((key: key, view: view))
    case .dict(let dict):
      for (k, v) in dict.items {
        let name: String
        switch k {
        case .string(let s): name = s
        case .int(let n): name = String(n)
        case .bool(let b): name = b ? "True" : "False"
        default: throw fail("a dict in the file has a key that is not a string or an integer")
        }
        try collect(v, key: join(name), depth: depth + 1, visits: &visits, into: &tensors, label: label)
      }
    case .list(let list):
      for (index, item) in list.items.enumerated() {
        try collect(item, key: join(String(index)), depth: depth + 1, visits: &visits, into: &tensors, label: label)
      }
    case .tuple(let items):
      for (index, item) in items.enumerated() {
        try collect(item, key: join(String(index)), depth: depth + 1, visits: &visits, into: &tensors, label: label)
      }
    default: break
    }
  }

  static func shown(_ key: String) -> String { ByteScanner.quoted(Array(key.utf8), limit: 40) }

  /// The elements of one tensor, gathered from its storage by its strides.
  static func tensor(
    _ view: PickleMachine.TensorView, key: String, directory: Directory, zip: ZipArchive,
    in buffer: UnsafeBufferPointer<UInt8>
  ) throws(InputError) -> [Double] {
    let label = zip.label
    let shown = ByteScanner.quoted(Array(key.utf8))
    func fail(_ message: String) -> InputError { InputError(label: label, message: message) }
    guard let type = view.type else {
      throw fail(
        "tensor \(shown) has dtype \(view.typeName), which swiftloss does not read "
          + "(it reads float64/32/16, bfloat16, int64/32/16/8, uint8, bool)")
    }
    do { _ = try Shape.elementCount(view.shape) } catch { throw fail("tensor \(shown): \(error.message)") }
    guard let entry = directory.storageEntries[view.storage.key] else {
      throw fail(
        "bad PyTorch archive: the storage of tensor \(shown) (data/\(Self.shown(view.storage.key))) is missing")
    }
    return try zip.withContents(of: entry, in: buffer) {
      (bytes: UnsafeBufferPointer<UInt8>) throws(InputError) -> [Double] in
      // The storage's declared size, in bytes, must be in the entry; the view must lie in it.
      let storageElementSize = view.storage.type?.size ?? 1
      let (declared, overflow) = view.storage.count.multipliedReportingOverflow(by: storageElementSize)
      guard !overflow, declared <= bytes.count else {
        throw fail(
          "bad PyTorch archive: storage data/\(Self.shown(view.storage.key)) is shorter than its \(view.storage.count) elements"
        )
      }
      let available = declared / type.size
      guard let base = bytes.baseAddress ?? (available == 0 ? UnsafePointer(bitPattern: 1) : nil),
        let values = ArchiveElementType.gather(
          UnsafeRawPointer(base), storageCount: available, type: type, bigEndian: directory.bigEndian,
          offset: view.offset, shape: view.shape, strides: view.strides)
      else {
        throw fail(
          "bad PyTorch archive: tensor \(shown) of size \(Shape.describe(view.shape)), stride "
            + "\(Shape.describe(view.strides)) and offset \(view.offset) does not fit its storage of \(available) elements"
        )
      }
      return values
    }
  }
}
