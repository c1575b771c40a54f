import CZlib
import Foundation
import Testing

@testable import SwiftLoss

/// The archive fixtures (written by numpy, torch 2.15, safetensors... with
/// `Fixtures/archives/make_archives.py`) and what the libraries read back from them.
enum ArchiveFixtures {
  static let directory: URL? = Bundle.module.url(forResource: "Fixtures", withExtension: nil)?
    .appendingPathComponent("archives")

  static func path(_ name: String) -> String { directory?.appendingPathComponent(name).path ?? name }

  static func bytes(_ name: String) -> [UInt8] {
    (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path(name))))) ?? []
  }

  /// `expected.json`: file → key → {shape, values (float64 reprs), dtype}; `FILE#order` → keys.
  nonisolated(unsafe) static let expected: [String: Any] = {
    guard let data = try? Data(contentsOf: URL(fileURLWithPath: path("expected.json"))),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return [:] }
    return object
  }()

  static func entries(_ file: String) -> [String: (shape: [Int], values: [Double], dtype: String)] {
    guard let table = expected[file] as? [String: [String: Any]] else { return [:] }
    var out: [String: (shape: [Int], values: [Double], dtype: String)] = [:]
    for (key, entry) in table {
      let shape = (entry["shape"] as? [Int]) ?? []
      let values = ((entry["values"] as? [String]) ?? []).map { Double($0) ?? .signalingNaN }
      out[key] = (shape, values, (entry["dtype"] as? String) ?? "")
    }
    return out
  }

  static func order(_ file: String) -> [String]? { expected[file + "#order"] as? [String] }

  static let readable = [
    "stored.npz", "compressed.npz", "positional.npz", "single.npz", "dtypes.safetensors", "single.safetensors",
    "tensor.pt", "dtypes.pt", "views.pt", "nested.pt", "list.pt", "adaptive_state_dict.pt",
    "linear_state_dict.pt", "parameter.pt", "protocol4.pt", "big_endian.pt",
  ]
}

/// Same bits, NaN matching NaN.
private func sameValues(_ a: [Double], _ b: [Double]) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
}

private func open(_ name: String) throws(InputError) -> TensorArchive {
  let path = ArchiveFixtures.path(name)
  return try TensorArchive.open(try InputBytes.open(path: path), label: name, path: path)
}

private func message(_ body: () throws(InputError) -> Any) -> String {
  do {
    _ = try body()
    return "(no error)"
  } catch {
    return error.message
  }
}

@Suite struct TensorArchiveTests {
  @Test(
    "every tensor of every readable fixture: keys, order, shapes and values as the library wrote them",
    arguments: ArchiveFixtures.readable)
  func fixturesMatchTheLibraries(_ file: String) throws {
    let expected = ArchiveFixtures.entries(file)
    #expect(!expected.isEmpty, "expected.json has \(file)")
    let archive = try open(file)
    #expect(Set(archive.keys) == Set(expected.keys))
    if let order = ArchiveFixtures.order(file) { #expect(archive.keys == order) }
    for (key, tensor) in try archive.tensors() {
      guard let want = expected[key] else { continue }
      #expect(tensor.shape == want.shape, "\(file)#\(key) shape")
      #expect(sameValues(tensor.storage, want.values), "\(file)#\(key): \(tensor.storage) vs \(want.values)")
      #expect(tensor.origin?.label == (key.isEmpty ? file : "\(file)#\(key)"))
    }
  }

  @Test("formats: zip entries tell .npz from .pt; the header tells safetensors")
  func formats() throws {
    #expect(try open("stored.npz").format == .npz)
    #expect(try open("compressed.npz").format == .npz)
    #expect(try open("dtypes.safetensors").format == .safetensors)
    #expect(try open("views.pt").format == .pytorch)
    // npz keys in np.savez order (the zip order), safetensors in header order.
    #expect(try open("stored.npz").keys.prefix(3) == ["f8", "f4", "f2"])
    #expect(try open("positional.npz").keys == ["arr_0", "arr_1"])
  }

  @Test("a state_dict keys its tensors by module path")
  func stateDict() throws {
    let archive = try open("adaptive_state_dict.pt")
    #expect(
      archive.keys == ["head.weight", "tail.0.0.weight", "tail.0.1.weight", "tail.1.0.weight", "tail.1.1.weight"])
    #expect(try archive.tensor("head.weight").shape == [6, 8])
    #expect(try open("linear_state_dict.pt").keys == ["weight", "bias"])
    #expect(try open("nested.pt").keys == ["a.0", "a.1.0", "a.1.1.b", "c.d", "7"])
  }

  @Test("TensorReader.read(path:) gives an archive's one tensor, and names the keys when there are several")
  func readOneTensor() throws {
    let single = try TensorReader.read(path: ArchiveFixtures.path("single.npz"))
    #expect(single.shape == [3, 4])
    #expect(try TensorReader.read(path: ArchiveFixtures.path("tensor.pt")).shape == [3, 4])
    #expect(try TensorReader.read(path: ArchiveFixtures.path("parameter.pt")).storage == [0.5, -0.5])
    #expect(try TensorReader.read(path: ArchiveFixtures.path("single.safetensors")).storage == [0, 1, 2, 3, 4, 5])
    let path = ArchiveFixtures.path("linear_state_dict.pt")
    let text = message { () throws(InputError) in try TensorReader.read(path: path) }
    #expect(
      text
        == "the file holds 2 tensors (\"weight\", \"bias\"): choose one as \(path)#KEY, or give the file as --data \(path)"
    )
    let many = message { () throws(InputError) in try TensorReader.read(path: ArchiveFixtures.path("stored.npz")) }
    #expect(many.contains("\"f8\", \"f4\", \"f2\", \"f2\"") == false && many.contains("... (14 in all)"))
    // Standard input (sniffed bytes) too.
    let fromStdin = try TensorReader.read(bytes: ArchiveFixtures.bytes("single.safetensors"), label: "<stdin>")
    #expect(fromStdin.shape == [2, 3])
    #expect(try TensorReader.read(bytes: ArchiveFixtures.bytes("tensor.pt"), label: "<stdin>").shape == [3, 4])
  }

  @Test("an unknown key is an error listing the keys")
  func unknownKey() throws {
    let archive = try open("linear_state_dict.pt")
    #expect(
      message { () throws(InputError) in try archive.tensor("weights") }
        == "no tensor \"weights\" in the file; it holds \"weight\", \"bias\"")
  }

  @Test("a malicious .pt whose __reduce__ would run os.system: refused by name, and nothing ran")
  func maliciousPickle() throws {
    let marker = try #require(ArchiveFixtures.expected["marker"] as? String)
    try? FileManager.default.removeItem(atPath: marker)
    let text = message { () throws(InputError) in try open("malicious.pt") }
    #expect(text.contains("\"posix.system\""), "\(text)")
    #expect(text.contains("save a tensor or model.state_dict() instead"))
    // Every other route to the file as well.
    _ = try? TensorReader.read(path: ArchiveFixtures.path("malicious.pt"))
    _ = try? TensorReader.read(bytes: ArchiveFixtures.bytes("malicious.pt"), label: "<stdin>")
    #expect(!FileManager.default.fileExists(atPath: marker), "the payload ran")
  }

  @Test("recognised files that are not read say what they are")
  func unsupported() throws {
    func read(_ name: String) -> String {
      message { () throws(InputError) in try TensorReader.read(path: ArchiveFixtures.path(name)) }
    }
    #expect(read("module.pt").contains("\"torch.nn.modules.linear.Linear\""))
    #expect(read("module.pt").contains("state_dict()"))
    #expect(read("legacy.pt").hasPrefix("a PyTorch file in the legacy format"))
    #expect(read("plain.pickle").hasPrefix("a Python pickle"))
    #expect(read("other.zip").hasPrefix("a zip archive that is neither an .npz"))
    #expect(read("other.zip").contains("\"readme.txt\""))
    #expect(read("values.csv.gz").hasPrefix("a gzip-compressed file"))
    #expect(read("frame.parquet").hasPrefix("a Parquet file"))
    #expect(message { () throws(InputError) in try open("complex.pt").tensor("c") }.contains("dtype complex64"))
    #expect(message { () throws(InputError) in try open("uint16.pt").tensor("u") }.contains("dtype uint16"))
    // HDF5's signature (h5py is not installed where the fixtures are made).
    let hdf5: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 64)
    #expect(
      message { () throws(InputError) in try TensorReader.read(bytes: hdf5, label: "m.h5") }.hasPrefix("an HDF5 file"))
    // An archive extension on text is not parsed as text.
    let fake = try writeTemporary("fake.npz", "1,2,3\n")
    #expect(message { () throws(InputError) in try TensorReader.read(path: fake) }.hasPrefix("not an .npz file"))
  }

  @Test("a CRC-32 mismatch in a stored entry is an error")
  func crcMismatch() throws {
    var bytes = ArchiveFixtures.bytes("single.safetensors")
    #expect(!bytes.isEmpty)
    bytes = ArchiveFixtures.bytes("positional.npz")
    // The last byte of arr_0's data (arange(3.0)[2] == 2.0: its top byte 0x40).
    let zip = try InputBytes(bytes).withBytes { (b: UnsafeBufferPointer<UInt8>) throws(InputError) in
      try ZipArchive.open(b, label: "p.npz")
    }
    let entry = try #require(zip.entry(named: "arr_0.npy"))
    let dataEnd =
      entry.localHeaderOffset + 30 + Int(bytes[entry.localHeaderOffset + 26])
      + Int(bytes[entry.localHeaderOffset + 28]) + entry.compressedSize
    #expect(bytes[dataEnd - 1] == 0x40)
    bytes[dataEnd - 1] = 0x41
    let archive = try TensorArchive.open(InputBytes(bytes), label: "p.npz", path: "p.npz")
    #expect(
      message { () throws(InputError) in try archive.tensor("arr_0") }
        == "corrupt zip entry \"arr_0.npy\": CRC-32 mismatch")
  }

  @Test(
    "every truncation and many corruptions of every fixture: an error or a value, never a trap",
    arguments: ArchiveFixtures.readable + ["malicious.pt", "module.pt", "complex.pt", "uint16.pt"])
  func truncatedAndCorrupt(_ file: String) {
    let bytes = ArchiveFixtures.bytes(file)
    func attempt(_ candidate: [UInt8]) {
      let input = InputBytes(candidate)
      if let archive = try? TensorArchive.open(input, label: file, path: file) {
        _ = try? archive.tensors()
      }
      _ = try? TensorReader.read(bytes: candidate, label: file)
    }
    for length in 0..<bytes.count { attempt(Array(bytes.prefix(length))) }
    var random = SplitMix(seed: UInt64(bytes.count))
    for _ in 0..<400 {
      var corrupt = bytes
      for _ in 0..<Int.random(in: 1...4, using: &random) where !corrupt.isEmpty {
        let at = Int.random(in: 0..<corrupt.count, using: &random)
        corrupt[at] =
          [0x00, 0xFF, 0x7F, 0x80, UInt8.random(in: 0...255, using: &random)][Int.random(in: 0..<5, using: &random)]
      }
      attempt(corrupt)
    }
  }
}

@Suite struct ZipArchiveTests {
  /// `positional.npz` (np.savez, stored) recompressed by nothing: its central-directory entry for
  /// `name` with the sizes patched.
  private func patched(_ file: String, entry name: String, method: UInt16? = nil, uncompressed: UInt32) throws
    -> [UInt8]
  {
    var bytes = ArchiveFixtures.bytes(file)
    let needle = Array(name.utf8)
    // The central entry: signature PK\1\2, name at +46.
    var p = bytes.count - 22
    while p >= 0 {
      if bytes[p] == 0x50, bytes[p + 1] == 0x4B, bytes[p + 2] == 1, bytes[p + 3] == 2,
        p + 46 + needle.count <= bytes.count, Array(bytes[(p + 46)..<(p + 46 + needle.count)]) == needle
      {
        break
      }
      p -= 1
    }
    #expect(p >= 0)
    for k in 0..<4 { bytes[p + 24 + k] = UInt8(truncatingIfNeeded: uncompressed >> (8 * UInt32(k))) }
    return bytes
  }

  private func read(_ bytes: [UInt8], _ key: String) -> String {
    do {
      _ = try TensorArchive.open(InputBytes(bytes), label: "z.npz", path: "z.npz").tensor(key)
      return "(no error)"
    } catch {
      return error.message
    }
  }

  @Test("a DEFLATE entry never inflates beyond its declared size, and impossible sizes are refused up front")
  func decompressionBounds() throws {
    // single.npz is np.savez_compressed: logits.npy is DEFLATE; its true size is 128 + 96 bytes.
    #expect(read(try patched("single.npz", entry: "logits.npy", uncompressed: 224), "logits") == "(no error)")
    #expect(
      read(try patched("single.npz", entry: "logits.npy", uncompressed: 200), "logits")
        == "corrupt compressed data: larger than its declared 200 bytes")
    #expect(
      read(try patched("single.npz", entry: "logits.npy", uncompressed: 300), "logits")
        == "corrupt compressed data: 224 bytes where 300 were declared")
    #expect(
      read(try patched("single.npz", entry: "logits.npy", uncompressed: 0xFFFF_FFF0), "logits")
        .hasPrefix("bad zip entry \"logits.npy\": declared size 4294967280 is impossible"))
    #expect(
      read(try patched("positional.npz", entry: "arr_0.npy", uncompressed: 12), "arr_0")
        == "bad zip entry \"arr_0.npy\": stored sizes differ")
  }

  @Test("zip64 end records (PyTorch writes them) and CRC-32 on both cores agree with zlib on one")
  func zip64AndCRC() throws {
    let bytes = ArchiveFixtures.bytes("views.pt")
    // The zip64 end-of-central-directory record's signature is present.
    #expect(
      bytes.indices.dropLast(4).contains {
        bytes[$0] == 0x50 && bytes[$0 + 1] == 0x4B && bytes[$0 + 2] == 6 && bytes[$0 + 3] == 6
      })
    var state: UInt64 = 3
    let words = (0..<(5 << 20)).map { _ -> UInt64 in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state
    }
    let big = words.withUnsafeBytes { Array($0) }
    let parallel = big.withUnsafeBufferPointer { ZipArchive.crc32($0) }
    let single = big.withUnsafeBufferPointer { UInt32(truncatingIfNeeded: crc32Whole($0)) }
    #expect(parallel == single)
  }
}

private func crc32Whole(_ buffer: UnsafeBufferPointer<UInt8>) -> UInt {
  UInt(crc32_z(0, buffer.baseAddress, z_size_t(buffer.count)))
}

@Suite struct ArchiveElementTypeTests {
  @Test("large strided views (on both cores) gather what a plain index computation gives, every type")
  func largeViews() throws {
    var state: UInt64 = 9
    let storageCount = 700 * 600 + 5
    let words = (0..<storageCount).map { _ -> UInt64 in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state  // read below as raw bytes of every element type
    }
    let raw = words.withUnsafeBytes { Array($0) }
    for type in ArchiveElementType.allCases {
      for bigEndian in [false, true] {
        // A (700, 600) row-major matrix at offset 5, viewed transposed: shape (600, 700), strides (1, 600).
        let shape = [600, 700], strides = [1, 600], offset = 5
        let count = storageCount - offset
        let gathered = raw.withUnsafeBytes { buffer in
          ArchiveElementType.gather(
            buffer.baseAddress!, storageCount: storageCount * 8 / type.size, type: type, bigEndian: bigEndian,
            offset: offset, shape: shape, strides: strides)
        }
        let all = raw.withUnsafeBytes { buffer in
          ArchiveElementType.decode(
            buffer.baseAddress!, count: storageCount * 8 / type.size, type: type, bigEndian: bigEndian)
        }
        #expect(count == 700 * 600)
        var want: [Double] = []
        for i in 0..<600 { for j in 0..<700 { want.append(all[offset + i + j * 600]) } }
        let same = gathered.map { zip($0, want).allSatisfy { $0.bitPattern == $1.bitPattern } } ?? false
        #expect(same, "\(type) bigEndian \(bigEndian)")
        // One element past the storage is refused.
        let beyond = raw.withUnsafeBytes { buffer in
          ArchiveElementType.gather(
            buffer.baseAddress!, storageCount: 700 * 600 + 4, type: type, bigEndian: bigEndian,
            offset: offset, shape: shape, strides: strides)
        }
        #expect(beyond == nil)
      }
    }
    // The contiguous conversion of each type agrees with the element-by-element one.
    let bytes = raw.prefix(1 << 20).map { $0 }
    for type in ArchiveElementType.allCases {
      let n = bytes.count / type.size
      let bulk = bytes.withUnsafeBytes {
        ArchiveElementType.decode($0.baseAddress!, count: n, type: type, bigEndian: false)
      }
      var single = [Double](repeating: 0, count: n)
      bytes.withUnsafeBytes { buffer in
        single.withUnsafeMutableBufferPointer { out in
          for k in 0..<n {
            ArchiveElementType.decode(
              buffer.baseAddress! + k * type.size, range: 0..<1, into: out.baseAddress! + k, type: type,
              bigEndian: false)
          }
        }
      }
      #expect(zip(bulk, single).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }, "\(type)")
    }
  }
}

/// A zip built here byte by byte (CONSTRUCTED, no library writes zip64 sizes for small files): one
/// stored `.npy` entry whose central-directory sizes and offset are saturated and given in the
/// zip64 extra field, with zip64 end records, as writers do for entries beyond 4 GiB.
private func zip64Archive(npy: [UInt8], name: String) -> [UInt8] {
  func le(_ value: UInt64, _ bytes: Int) -> [UInt8] {
    (0..<bytes).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
  }
  let crc = npy.withUnsafeBufferPointer { ZipArchive.crc32($0) }
  let nameBytes = Array(name.utf8)
  var out: [UInt8] = []
  // Local header with a zip64 extra (sizes).
  let localExtra = le(1, 2) + le(16, 2) + le(UInt64(npy.count), 8) + le(UInt64(npy.count), 8)
  out += le(0x0403_4B50, 4) + le(45, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(UInt64(crc), 4)
  out += le(0xFFFF_FFFF, 4) + le(0xFFFF_FFFF, 4) + le(UInt64(nameBytes.count), 2) + le(UInt64(localExtra.count), 2)
  out += nameBytes + localExtra + npy
  let directoryOffset = out.count
  let centralExtra = le(1, 2) + le(24, 2) + le(UInt64(npy.count), 8) + le(UInt64(npy.count), 8) + le(0, 8)
  out += le(0x0201_4B50, 4) + le(45, 2) + le(45, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(UInt64(crc), 4)
  out += le(0xFFFF_FFFF, 4) + le(0xFFFF_FFFF, 4) + le(UInt64(nameBytes.count), 2) + le(UInt64(centralExtra.count), 2)
  out += le(0, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(0xFFFF_FFFF, 4) + nameBytes + centralExtra
  let directorySize = out.count - directoryOffset
  let zip64End = out.count
  out += le(0x0606_4B50, 4) + le(44, 8) + le(45, 2) + le(45, 2) + le(0, 4) + le(0, 4) + le(1, 8) + le(1, 8)
  out += le(UInt64(directorySize), 8) + le(UInt64(directoryOffset), 8)
  out += le(0x0706_4B50, 4) + le(0, 4) + le(UInt64(zip64End), 8) + le(1, 4)
  out += le(0x0605_4B50, 4) + le(0, 2) + le(0, 2) + le(0xFFFF, 2) + le(0xFFFF, 2) + le(0xFFFF_FFFF, 4)
  out += le(0xFFFF_FFFF, 4) + le(0, 2)
  return out
}

@Suite struct Zip64Tests {
  @Test("zip64 sizes and offsets in the extra fields and end records")
  func zip64Fields() throws {
    // The .npy of np.arange(6.0).reshape(2, 3), taken from the positional.npz fixture (arr_0 is arange(3.0)).
    let npz = ArchiveFixtures.bytes("stored.npz")
    let zip = try InputBytes(npz).withBytes { (b: UnsafeBufferPointer<UInt8>) throws(InputError) in
      try ZipArchive.open(b, label: "stored.npz")
    }
    let entry = try #require(zip.entry(named: "f8_big.npy"))
    let npy = try InputBytes(npz).withBytes { (b: UnsafeBufferPointer<UInt8>) throws(InputError) -> [UInt8] in
      try zip.withContents(of: entry, in: b) { (data: UnsafeBufferPointer<UInt8>) throws(InputError) in Array(data) }
    }
    let archive = try TensorArchive.open(
      InputBytes(zip64Archive(npy: npy, name: "big.npy")), label: "z.npz", path: "z.npz")
    #expect(archive.keys == ["big"])
    let tensor = try archive.tensor("big")
    #expect(tensor.shape == [2, 3] && tensor.storage == [0, 0.25, 0.5, 0.75, 1, 1.25])
  }
}
