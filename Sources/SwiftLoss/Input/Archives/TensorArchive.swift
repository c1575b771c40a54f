/// An archive of named tensors: NumPy `.npz`, `.safetensors`, or PyTorch's zip `.pt`/`.pth`.
///
/// Opening reads only the directory (the zip's, the safetensors header, or the unpickled
/// `data.pkl`); a tensor is converted when asked for, so `FILE#KEY` of a large archive converts
/// (and, for a compressed `.npz`, inflates) one entry only. Keys are in the order the file holds
/// them: `.npz` array names (`arr_0`, ... for positional arrays), safetensors tensor names, and for
/// PyTorch the dict keys of a (nested) dict, list or tuple joined with `.`, list and tuple items by
/// index (`head.weight`, `tail.0.0.weight`); a file holding a bare tensor (`torch.save(t)`) has the
/// one key `""`.
///
/// The format comes from the bytes (zip entries, the safetensors header length and `{`); the
/// extension is only a hint for the error when the bytes are not an archive. Every error is an
/// ``InputError`` of one bounded line.
public struct TensorArchive {
  public enum Format: String, Sendable, Equatable {
    case npz
    case safetensors
    case pytorch = "pt"
  }

  /// The archive's format.
  public let format: Format
  /// The file as the user named it.
  public let label: String
  /// The tensors' keys in file order.
  public var keys: [String] { entries.map(\.key) }

  private enum Source {
    case npy(ZipArchive.Entry)
    case safetensors(SafetensorsReader.Entry)
    case pytorch(PickleMachine.TensorView)
  }

  private let input: InputBytes
  private let entries: [(key: String, source: Source)]
  private let zip: ZipArchive?
  private let pytorch: PyTorchArchiveReader.Directory?

  /// Archive extensions (lower case): a file so named that is not an archive is reported as such.
  public static let extensions: Set<String> = ["npz", "safetensors", "pt", "pth"]

  /// Whether the bytes are an archive this type opens: a zip or a safetensors file. (A zip of
  /// another kind is then an error from ``open(_:label:path:)`` that says what it holds.)
  public static func recognises(_ input: InputBytes) -> Bool {
    switch BinarySignatures.identify(input.prefix(512), count: input.count) {
    case .zip, .safetensors: return true
    default: return false
    }
  }

  /// Reads the directory of the archive in `input`. `label` names the file in errors; `path`
  /// (its extension) is a hint for the message when the bytes are not an archive.
  public static func open(_ input: InputBytes, label: String, path: String) throws(InputError) -> TensorArchive {
    func fail(_ message: String) -> InputError { InputError(label: label, message: message) }
    let kind = BinarySignatures.identify(input.prefix(512), count: input.count)
    switch kind {
    case .zip:
      return try input.withBytes { (buffer: UnsafeBufferPointer<UInt8>) throws(InputError) -> TensorArchive in
        let zip = try ZipArchive.open(buffer, label: label)
        if let prefix = PyTorchArchiveReader.prefix(of: zip) {
          let directory = try PyTorchArchiveReader.directory(zip, prefix: prefix, in: buffer)
          return TensorArchive(
            format: .pytorch, label: label, input: input,
            entries: directory.tensors.map { (key: $0.key, source: .pytorch($0.view)) }, zip: zip, pytorch: directory)
        }
        if NPZReader.isNPZ(zip) {
          return TensorArchive(
            format: .npz, label: label, input: input,
            entries: NPZReader.directory(zip).map { (key: $0.key, source: .npy($0.entry)) }, zip: zip, pytorch: nil)
        }
        throw fail(otherZip(zip))
      }
    case .safetensors:
      let entries = try input.withBytes { (buffer: UnsafeBufferPointer<UInt8>) throws(InputError) in
        try SafetensorsReader.directory(buffer, label: label)
      }
      return TensorArchive(
        format: .safetensors, label: label, input: input,
        entries: entries.map { (key: $0.key, source: .safetensors($0)) }, zip: nil, pytorch: nil)
    case .unsupported(let message): throw fail(message)
    case nil:
      let ext = FormatSniffing.fileExtension(path)
      let what =
        ext == "npz"
        ? "an .npz" : ext == "safetensors" ? "a .safetensors" : ext == "pt" || ext == "pth" ? "a PyTorch" : "an archive"
      throw fail("not \(what) file (no zip or safetensors signature); \(BinarySignatures.readable)")
    }
  }

  /// Describes a zip archive that is neither an `.npz` nor a PyTorch file.
  private static func otherZip(_ zip: ZipArchive) -> String {
    let names = zip.entries.map(\.name)
    if names.contains("xl/workbook.xml") {
      return "an Excel workbook (.xlsx), which swiftloss does not read: export the sheet as CSV"
    }
    if names.contains("content.xml") && names.contains("mimetype") {
      return "an OpenDocument file, which swiftloss does not read: export the sheet as CSV"
    }
    let shown = names.prefix(3).map { ByteScanner.quoted(Array($0.utf8)) }.joined(separator: ", ")
    let more = names.count > 3 ? ", ..." : ""
    return "a zip archive that is neither an .npz (no .npy entries) nor a torch.save file (no data.pkl)"
      + (names.isEmpty ? " (it is empty)" : " (it holds \(shown)\(more))")
  }

  private init(
    format: Format, label: String, input: InputBytes, entries: [(key: String, source: Source)], zip: ZipArchive?,
    pytorch: PyTorchArchiveReader.Directory?
  ) {
    self.format = format
    self.label = label
    self.input = input
    self.entries = entries
    self.zip = zip
    self.pytorch = pytorch
  }

  // MARK: - Tensors

  /// The tensor under `key`; an unknown key is an error listing the first keys.
  public func tensor(_ key: String) throws(InputError) -> Tensor {
    guard let index = entries.firstIndex(where: { $0.key == key }) else {
      throw InputError(
        label: label,
        message: "no tensor \(ByteScanner.quoted(Array(key.utf8))) in the file; it holds \(Self.describe(keys))")
    }
    return try tensor(at: index)
  }

  /// Every tensor, in file order.
  public func tensors() throws(InputError) -> [(key: String, tensor: Tensor)] {
    var out: [(key: String, tensor: Tensor)] = []
    for index in entries.indices { out.append((key: entries[index].key, tensor: try tensor(at: index))) }
    return out
  }

  /// The archive's one tensor; with several (or none), an error listing the keys and the
  /// `FILE#KEY` syntax.
  public func onlyTensor() throws(InputError) -> Tensor {
    guard entries.count == 1 else {
      guard !entries.isEmpty else { throw InputError(label: label, message: "the file holds no tensors") }
      throw InputError(
        label: label,
        message: "the file holds \(entries.count) tensors (\(Self.describe(keys))): choose one as "
          + "\(label)#KEY, or give the file as --data \(label)")
    }
    return try tensor(at: 0)
  }

  /// Every tensor of the archive in `input`, in file order (see ``open(_:label:path:)``).
  public static func entries(of input: InputBytes, label: String, path: String) throws(InputError) -> [(
    key: String, tensor: Tensor
  )] {
    try open(input, label: label, path: path).tensors()
  }

  /// `FILE#KEY` as messages name an entry (`FILE` for the key ""); a key with control characters
  /// or of more than 200 bytes is shown quoted and bounded, so that a message stays one line.
  static func entryLabel(_ label: String, _ key: String) -> String {
    if key.isEmpty { return label }
    let plain = key.utf8.count <= 200 && key.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
    return label + "#" + (plain ? key : ByteScanner.quoted(Array(key.utf8), limit: 60))
  }

  /// Every tensor of the archive a source holds (`--data FILE`), in file order; a file that
  /// changes while it is read is that error (``InputSource/reading(_:)``).
  public static func entries(of source: InputSource) throws(InputError) -> [(key: String, tensor: Tensor)] {
    try source.reading { (source: InputSource) throws(InputError) in
      try open(source.bytes, label: source.label, path: source.path ?? source.label).tensors()
    }
  }

  /// The tensor `key` of the archive a source holds (`FILE#KEY`): only that entry is converted.
  public static func tensor(_ key: String, of source: InputSource) throws(InputError) -> Tensor {
    try source.reading { (source: InputSource) throws(InputError) in
      try open(source.bytes, label: source.label, path: source.path ?? source.label).tensor(key)
    }
  }

  /// The first keys, quoted, for messages (bounded whatever the archive holds).
  static func describe(_ keys: [String]) -> String {
    guard !keys.isEmpty else { return "no tensors" }
    let shown = keys.prefix(5).map { $0.isEmpty ? "the whole file" : ByteScanner.quoted(Array($0.utf8)) }
    return shown.joined(separator: ", ") + (keys.count > 5 ? ", ... (\(keys.count) in all)" : "")
  }

  private func tensor(at index: Int) throws(InputError) -> Tensor {
    let (key, source) = entries[index]
    let origin = TensorOrigin(label: Self.entryLabel(label, key))
    let (shape, storage) = try input.withBytes {
      (buffer: UnsafeBufferPointer<UInt8>) throws(InputError) -> ([Int], [Double]) in
      switch source {
      case .npy(let entry):
        guard let zip else { return ([], []) }
        let read = try NPZReader.tensor(entry, key: key, zip: zip, in: buffer)
        return (read.shape, read.storage)
      case .safetensors(let entry):
        return (entry.shape, SafetensorsReader.tensor(entry, in: buffer))
      case .pytorch(let view):
        guard let zip, let pytorch else { return ([], []) }
        return (view.shape, try PyTorchArchiveReader.tensor(view, key: key, directory: pytorch, zip: zip, in: buffer))
      }
    }
    do {
      return try Tensor(shape: shape, storage: storage, origin: origin)
    } catch {
      throw InputError(label: origin.label, message: error.message)
    }
  }
}
