/// Recognising binary files by their first bytes: the archives swiftloss reads (zip, safetensors)
/// and formats it recognises but does not read, which are then reported by name with what to do,
/// rather than as a parse error at line 1.
enum BinarySignatures {
  enum Kind: Equatable {
    /// A zip archive: `.npz` or PyTorch, told apart by its entries (see ``TensorArchive``).
    case zip
    case safetensors
    /// A recognised format swiftloss does not read; the message says what it is and what to do.
    case unsupported(String)
  }

  static let readable = "swiftloss reads .npy, .npz, .safetensors, .pt, JSON and delimited text"

  /// The legacy `torch.save` format starts with a pickled magic number: PROTO 2, LONG1 of 10 bytes.
  static let legacyTorchMagic: [UInt8] = [
    0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19,
  ]

  static let legacyTorchMessage =
    "a PyTorch file in the legacy format (before PyTorch 1.6, or _use_new_zipfile_serialization=False), "
    + "which swiftloss does not read: load it with torch.load and save it again with a recent torch.save"

  /// What `head` (the first bytes of an input of `count` bytes) is, or nil for anything else
  /// (text, JSON, `.npy`).
  static func identify(_ head: [UInt8], count: Int) -> Kind? {
    func starts(_ magic: [UInt8]) -> Bool { head.starts(with: magic) }
    if ZipArchive.hasMagic(head) { return .zip }
    if SafetensorsReader.hasMagic(head, count: count) { return .safetensors }
    if starts(legacyTorchMagic) { return .unsupported(legacyTorchMessage) }
    if head.count >= 2, head[0] == 0x80, (2...5).contains(head[1]) {
      return .unsupported(
        "a Python pickle, which swiftloss does not unpickle (only the tensors inside a torch.save archive): "
          + "save the tensors with torch.save, np.savez or safetensors")
    }
    if starts([0x1F, 0x8B]) {
      return .unsupported("a gzip-compressed file: decompress it first (gunzip -c FILE | swiftloss ... -)")
    }
    if starts(Array("BZh".utf8)), head.count > 3, (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(head[3]) {
      return .unsupported("a bzip2-compressed file: decompress it first (bunzip2)")
    }
    if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) {
      return .unsupported("an xz-compressed file: decompress it first (unxz)")
    }
    if starts([0x28, 0xB5, 0x2F, 0xFD]) {
      return .unsupported("a Zstandard-compressed file: decompress it first (zstd -d)")
    }
    if starts(Array("PAR1".utf8)) {
      return .unsupported(
        "a Parquet file, which swiftloss does not read: export the columns with DataFrame.to_csv or np.save; "
          + readable)
    }
    if starts([0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]) {
      return .unsupported(
        "an HDF5 file (.h5, .hdf5, Keras), which swiftloss does not read: save the tensors as .npz or .safetensors")
    }
    if starts(Array("ARROW1".utf8)) {
      return .unsupported("an Arrow/Feather file, which swiftloss does not read: export the columns as CSV or .npy")
    }
    if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
      return .unsupported("an Excel workbook (.xls), which swiftloss does not read: export the sheet as CSV")
    }
    if head.count >= 262, Array(head[257..<262]) == Array("ustar".utf8) {
      return .unsupported(
        "a tar archive (perhaps a PyTorch file of before 0.4), which swiftloss does not read; " + readable)
    }
    return nil
  }
}
