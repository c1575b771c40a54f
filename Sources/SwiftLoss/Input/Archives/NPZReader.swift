/// Reads NumPy `.npz` archives (`np.savez`, stored, and `np.savez_compressed`, DEFLATE): a zip
/// whose entries `NAME.npy` are `.npy` files, read by ``NPYReader``; the key is `NAME`
/// (`arr_0`, `arr_1`, ... for positional arrays). Entries not ending in `.npy` are skipped, as
/// `numpy.load` lists only the arrays.
enum NPZReader {
  /// The arrays' keys and zip entries, in the order they were written.
  static func directory(_ zip: ZipArchive) -> [(key: String, entry: ZipArchive.Entry)] {
    zip.entries.filter { $0.name.hasSuffix(".npy") }.map { (key: String($0.name.dropLast(4)), entry: $0) }
  }

  /// Whether a zip archive is an `.npz`: it has at least one `.npy` entry.
  static func isNPZ(_ zip: ZipArchive) -> Bool { zip.entries.contains { $0.name.hasSuffix(".npy") } }

  static func tensor(
    _ entry: ZipArchive.Entry, key: String, zip: ZipArchive, in buffer: UnsafeBufferPointer<UInt8>
  ) throws(InputError) -> (shape: [Int], storage: [Double]) {
    let label = TensorArchive.entryLabel(zip.label, key)
    return try zip.withContents(of: entry, in: buffer) {
      (bytes: UnsafeBufferPointer<UInt8>) throws(InputError) -> (shape: [Int], storage: [Double]) in
      guard NPYReader.hasMagic(Array(bytes.prefix(6))) else {
        throw InputError(label: label, message: "not a .npy array (an object saved with pickle?)")
      }
      let (shape, storage) = try NPYReader.parse(bytes, label: label)
      return (shape: shape, storage: storage)
    }
  }
}
