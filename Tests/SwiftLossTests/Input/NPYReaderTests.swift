import Foundation
import Testing

@testable import SwiftLoss

/// A `.npy` file built by the recipe of conventions.md §3c (byte-identical to `np.save` for
/// version 1.0), with any header dict text and version.
private func npy(
  descr: String = "<f8", fortran: Bool = false, shape: [Int], payload: [UInt8], version: UInt8 = 1,
  dict: String? = nil
) -> [UInt8] {
  let tuple =
    shape.isEmpty
    ? "()" : shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
  var header = dict ?? "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(tuple), }"
  if dict == nil, let axis = fortran ? shape.last : shape.first {
    header += String(repeating: " ", count: max(0, 21 - String(axis).count))
  }
  let prefix = version == 1 ? 10 : 12
  header += String(repeating: " ", count: 64 - ((prefix + header.utf8.count + 1) % 64)) + "\n"
  var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
  let length = header.utf8.count
  bytes += [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF)]
  if version > 1 { bytes += [UInt8(length >> 16 & 0xFF), UInt8(length >> 24 & 0xFF)] }
  return bytes + Array(header.utf8) + payload
}

private func littleEndian<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
  values.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } }
}

private func bigEndian<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
  values.flatMap { value in withUnsafeBytes(of: value.bigEndian) { Array($0) } }
}

private func read(_ bytes: [UInt8], label: String = "t.npy") throws(InputError) -> Tensor {
  try TensorReader.read(bytes: bytes, label: label)
}

private func fixture(_ name: String) throws -> String {
  guard let directory = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
    throw InputError(label: name, message: "fixtures missing")
  }
  return directory.appendingPathComponent("npy").appendingPathComponent(name).path
}

@Suite struct NPYReaderTests {
  @Test("the Swift writer matches np.save byte for byte")
  func recipeMatchesNumpy() throws {
    let values = (0..<12).map { Double($0) / 4 - 1 }
    let ours = npy(shape: [3, 4], payload: littleEndian(values.map(\.bitPattern)))
    let theirs = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try fixture("f8_c_3x4.npy"))))
    #expect(ours == theirs)
  }

  @Test("dtypes, byte orders, Fortran order and versions written from Swift")
  func swiftWritten() throws {
    let f8 = try read(npy(shape: [2, 2], payload: littleEndian([1.5, -2, 0.25, 8].map { $0.bitPattern })))
    #expect(f8.shape == [2, 2] && f8.storage == [1.5, -2, 0.25, 8])
    let f4be = try read(npy(descr: ">f4", shape: [3], payload: bigEndian([Float(0.1), 2, -3].map(\.bitPattern))))
    #expect(f4be.storage == [Double(Float(0.1)), 2, -3])
    let f2 = try read(npy(descr: "<f2", shape: [4], payload: littleEndian([UInt16(0x3C00), 0xC000, 0x0001, 0x7BFF])))
    #expect(f2.storage == [1, -2, 0x1p-24, 65504])
    let i8 = try read(npy(descr: "<i8", shape: [3], payload: littleEndian([Int64.min, -1, 1 << 53])))
    #expect(i8.storage == [-0x1p63, -1, 0x1p53])
    let i4be = try read(npy(descr: ">i4", shape: [2], payload: bigEndian([Int32(-7), 70000])))
    #expect(i4be.storage == [-7, 70000])
    let i1 = try read(npy(descr: "|i1", shape: [3], payload: [0x80, 0xFF, 0x7F]))
    #expect(i1.storage == [-128, -1, 127])
    let u8 = try read(npy(descr: "<u8", shape: [1], payload: littleEndian([UInt64.max])))
    #expect(u8.storage == [0x1p64])
    let u2 = try read(npy(descr: "<u2", shape: [1], payload: littleEndian([UInt16(65535)])))
    #expect(u2.storage == [65535])
    let native = try read(npy(descr: "=i2", shape: [1], payload: littleEndian([Int16(-300)])))
    #expect(native.storage == [-300])
    let bool = try read(npy(descr: "|b1", shape: [3], payload: [1, 0, 1]))
    #expect(bool.storage == [1, 0, 1])
    // Fortran order: stored column-major, read row-major.
    let fortran = try read(
      npy(descr: "<i2", fortran: true, shape: [2, 3], payload: littleEndian([Int16(1), 4, 2, 5, 3, 6])))
    #expect(fortran.shape == [2, 3] && fortran.storage == [1, 2, 3, 4, 5, 6])
    let v2 = try read(npy(shape: [1], payload: littleEndian([(3.0).bitPattern]), version: 2))
    #expect(v2.storage == [3])
    let scalar = try read(npy(shape: [], payload: littleEndian([(4.0).bitPattern])))
    #expect(scalar.shape == [] && scalar.storage == [4])
    let reordered = try read(
      npy(shape: [], payload: [1, 0], dict: "{ 'shape' :(2,),'fortran_order':False ,  'descr':'<i1'}"))
    #expect(reordered.storage == [1, 0])
    #expect(reordered.origin?.label == "t.npy")
    #expect(reordered.origin?.locate?(0) == nil)
  }

  @Test("fixtures written by numpy")
  func numpyFixtures() throws {
    let grid = (0..<12).map { Double($0) / 4 - 1 }
    let f8 = try TensorReader.read(path: try fixture("f8_c_3x4.npy"))
    #expect(f8.shape == [3, 4] && f8.storage == grid)
    let f4 = try TensorReader.read(path: try fixture("f4_be_3x4.npy"))
    #expect(f4.shape == [3, 4] && f4.storage == grid)
    let f2 = try TensorReader.read(path: try fixture("f2_specials.npy")).storage
    #expect(f2[0] == 0.5 && f2[1] == -2 && f2[2] == .infinity && f2[3] == -.infinity && f2[4].isNaN)
    #expect(f2[5] == 0x1p-14 && f2[6] == 0x1p-24 && f2[7] == 65504)
    let i8 = try TensorReader.read(path: try fixture("i8_fortran_2x3x2.npy"))
    #expect(i8.shape == [2, 3, 2] && i8.storage == (0..<12).map { Double($0 - 6) })
    #expect(try TensorReader.read(path: try fixture("i2_be.npy")).storage == [-32768, -1, 0, 32767])
    #expect(try TensorReader.read(path: try fixture("u1.npy")).storage == [0, 1, 255])
    let b1 = try TensorReader.read(path: try fixture("b1.npy"))
    #expect(b1.shape == [2, 2] && b1.storage == [1, 0, 0, 1])
    let scalar = try TensorReader.read(path: try fixture("scalar.npy"))
    #expect(scalar.shape == [] && scalar.storage == [2.5])
    let empty = try TensorReader.read(path: try fixture("empty_0x3.npy"))
    #expect(empty.shape == [0, 3] && empty.storage.isEmpty)
    #expect(try TensorReader.read(path: try fixture("f8_v2.npy")).storage == [1, 2, 3])
    let v3 = try TensorReader.read(path: try fixture("i4_v3.npy"))
    #expect(v3.shape == [2, 2] && v3.storage == [1, -2, 3, -4])
    let complexPath = try fixture("c16.npy")
    expectInputError(label: complexPath, line: nil, column: nil, "complex .npy dtype '<c16' is not supported") {
      () throws(InputError) in try TensorReader.read(path: complexPath)
    }
    let objectPath = try fixture("object.npy")
    expectInputError(label: objectPath, line: nil, column: nil, "object .npy dtype '|O' is not supported") {
      () throws(InputError) in try TensorReader.read(path: objectPath)
    }
  }

  @Test("malformed files give clear errors")
  func errors() {
    let good = npy(shape: [2], payload: littleEndian([(1.0).bitPattern, (2.0).bitPattern]))
    expectInputError(line: nil, column: nil, "truncated .npy data: expected 16 bytes for shape (2,), found 12") {
      () throws(InputError) in try read(Array(good.dropLast(4)))
    }
    expectInputError(line: nil, column: nil, "truncated .npy header: expected 128 bytes, found 60") {
      () throws(InputError) in try read(Array(good.prefix(60)))
    }
    expectInputError(line: nil, column: nil, "truncated .npy header: expected at least 10 bytes, found 8") {
      () throws(InputError) in try read(Array(good.prefix(8)))
    }
    var huge = Array(good.prefix(8)) + [0, 0]
    huge[6] = 2
    huge += [0x10, 0x00] + [UInt8](repeating: 0x20, count: 8)
    expectInputError(line: nil, column: nil, ".npy header length 1048576 exceeds the limit of 1000000 bytes") {
      () throws(InputError) in try read(huge)
    }
    var version = good
    version[6] = 4
    expectInputError(line: nil, column: nil, "unsupported .npy format version 4.0") { () throws(InputError) in
      try read(version)
    }
    expectInputError(
      line: nil, column: nil,
      "shape (1000000000000, 1000000000000) has too many elements: this machine's memory allows at most \(Shape.maxElementCount) per tensor"
    ) { () throws(InputError) in
      try read(npy(shape: [1_000_000_000_000, 1_000_000_000_000], payload: []))
    }
    expectInputError(
      line: nil, column: nil, "truncated .npy data: expected 800000000 bytes for shape (100000000,), found 0"
    ) {
      () throws(InputError) in try read(npy(shape: [100_000_000], payload: []))
    }
    expectInputError(line: nil, column: nil, "bad .npy header: unexpected key 'extra'") { () throws(InputError) in
      try read(npy(shape: [], payload: [], dict: "{'descr': '<f8', 'fortran_order': False, 'shape': (), 'extra': 1}"))
    }
    expectInputError(line: nil, column: nil, "bad .npy header: fortran_order must be True or False") {
      () throws(InputError) in
      try read(npy(shape: [], payload: [], dict: "{'descr': '<f8', 'fortran_order': false, 'shape': ()}"))
    }
    expectInputError(line: nil, column: nil, "bad .npy header: missing 'shape'") { () throws(InputError) in
      try read(npy(shape: [], payload: [], dict: "{'descr': '<f8', 'fortran_order': False}"))
    }
    expectInputError(line: nil, column: nil, "structured .npy dtypes are not supported") { () throws(InputError) in
      try read(npy(shape: [], payload: [], dict: "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': ()}"))
    }
    expectInputError(
      line: nil, column: nil, "the .npy dtype '<U3' is not supported".replacingOccurrences(of: "the", with: "string")
    ) {
      () throws(InputError) in try read(npy(descr: "<U3", shape: [1], payload: []))
    }
    expectInputError(line: nil, column: nil, "the .npy dtype '<f16' is not supported") { () throws(InputError) in
      try read(npy(descr: "<f16", shape: [1], payload: []))
    }
    var rng = SplitMix(seed: 3)
    for _ in 0..<300 {
      var bytes = good
      for _ in 0..<4 { bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next()) }
      _ = try? read(bytes)
      _ = try? read(Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count)))))
    }
  }

  @Test("float16 conversion is exact for every bit pattern")
  func halfConversion() {
    for bits in 0...UInt16.max {
      let ours = NPYReader.halfToDouble(bits)
      let reference = Double(Float16(bitPattern: bits))
      #expect(ours.isNaN ? reference.isNaN : ours.bitPattern == reference.bitPattern)
    }
  }
}
