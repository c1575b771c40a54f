/// The named tensors of one source: a JSON object of tensors (`{"input": [...], ...}`) or an archive
/// (`.npz`, `.safetensors`, PyTorch `.pt`/`.pth`). What `--data FILE` gives, and what `FILE#KEY`
/// and `#KEY` pick from.
///
/// An archive converts a tensor only when it is asked for (a large `.pt` costs the tensors used);
/// each conversion is followed by the source's change check.
public struct NamedTensors {
  /// The source as the user named it.
  public let label: String
  /// The keys in the order the file holds them.
  public let keys: [String]
  private let lookup: (String) throws(InputError) -> Tensor

  /// The tensor named `key`; an error naming the keys the file holds when there is none.
  public func tensor(_ key: String) throws(InputError) -> Tensor { try lookup(key) }

  /// Reads a source's named tensors: an archive by its bytes, a JSON object by its extension or
  /// its first byte; anything else is an error saying what `--data` and `FILE#KEY` take.
  public static func read(_ source: InputSource, options: ReadOptions = ReadOptions()) throws(InputError)
    -> NamedTensors
  {
    let input = source.bytes, label = source.label
    let format =
      source.path.map { TensorReader.format(of: input, path: $0, options: options) }
      ?? TensorReader.sniffedFormat(input, options)
    switch format {
    case .archive:
      let archive = try source.reading { (source: InputSource) throws(InputError) in
        try TensorArchive.open(source.bytes, label: label, path: source.path ?? label)
      }
      return NamedTensors(label: label, keys: archive.keys) { (key: String) throws(InputError) -> Tensor in
        try source.reading { (_: InputSource) throws(InputError) in try archive.tensor(key) }
      }
    case .json:
      let entries = try TensorReader.readObject(source)
      return NamedTensors(label: label, keys: entries.map(\.key)) { (key: String) throws(InputError) -> Tensor in
        guard let entry = entries.first(where: { $0.key == key }) else {
          throw InputError(
            label: label,
            message: "no tensor \(ByteScanner.quoted(Array(key.utf8))) in the file; it holds "
              + TensorArchive.describe(entries.map(\.key)))
        }
        return entry.tensor
      }
    case .unsupported(let message):
      throw InputError(label: label, message: message)
    case .npy, .text:
      throw InputError(
        label: label,
        message: "expected named tensors: a JSON object ({\"input\": [...], ...}) or an archive "
          + "(.npz, .safetensors, .pt); this file holds one tensor")
    }
  }

  /// Named tensors already in memory (tests, substitute readers).
  public init(label: String, entries: [(key: String, tensor: Tensor)]) {
    self.init(label: label, keys: entries.map(\.key)) { (key: String) throws(InputError) -> Tensor in
      guard let entry = entries.first(where: { $0.key == key }) else {
        throw InputError(label: label, message: "no tensor \(ByteScanner.quoted(Array(key.utf8))) in the file")
      }
      return entry.tensor
    }
  }

  private init(label: String, keys: [String], lookup: @escaping (String) throws(InputError) -> Tensor) {
    self.label = label
    self.keys = keys
    self.lookup = lookup
  }
}
