/// Entry points for the fuzz targets of fuzz/Sources/swiftloss-fuzz: each takes arbitrary bytes,
/// must return without trapping, and checks what must hold whatever the bytes are.
package enum ArchiveFuzzing {
  /// The allow-list unpickler alone (a zip's CRC would stop most mutations before it), then the
  /// walk that finds the tensors in what it built.
  package static func pickle(_ bytes: [UInt8]) {
    let input = InputBytes(bytes)
    input.withBytes { (buffer: UnsafeBufferPointer<UInt8>) in
      _ = try? PickleMachine.withValue(buffer, label: "fuzz.pkl") { (value: PickleMachine.Value) throws(InputError) in
        var tensors: [(key: String, view: PickleMachine.TensorView)] = []
        var visits = 0
        try PyTorchArchiveReader.collect(value, key: "", depth: 0, visits: &visits, into: &tensors, label: "fuzz.pt")
      }
    }
  }

  /// The zip reader: the directory, then every entry's contents (inflated and CRC-checked), then
  /// the archive as swiftloss reads it (every tensor). An error message must be one line.
  package static func zip(_ bytes: [UInt8]) {
    let input = InputBytes(bytes)
    input.withBytes { (buffer: UnsafeBufferPointer<UInt8>) in
      guard let zip = try? ZipArchive.open(buffer, label: "fuzz.zip") else { return }
      for entry in zip.entries.prefix(64) {
        _ = try? zip.withContents(of: entry, in: buffer) { (data: UnsafeBufferPointer<UInt8>) throws(InputError) in
          data.count
        }
      }
    }
    archive(bytes, label: "fuzz.zip")
  }

  /// Any bytes as an archive (sniffed: `.npz`, `.pt`, `.safetensors`), every tensor read.
  package static func archive(_ bytes: [UInt8], label: String) {
    do {
      let archive = try TensorArchive.open(InputBytes(bytes), label: label, path: label)
      _ = try archive.tensors()
    } catch {
      let line = error.description
      guard !line.contains("\n"), line.utf8.count < 2000 else {
        preconditionFailure("an error is not one bounded line: \(line)")
      }
    }
  }
}
