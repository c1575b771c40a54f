import CZlib

/// The directory of a zip archive (`.npz`, PyTorch's `.pt`), read from bytes held in memory.
///
/// Reads the end-of-central-directory record (and its zip64 form, which PyTorch always writes and
/// numpy writes for large arrays), then every central-directory entry; an entry's data is found
/// through its local header. Entries are stored or DEFLATE-compressed (inflated by the system's
/// zlib); their CRC-32 is checked. Every length and offset is checked against the buffer with
/// overflow-safe arithmetic, and an entry never inflates to more than its declared size (itself
/// bounded by the compressed size times DEFLATE's largest ratio and by ``maxEntryBytes``): a
/// malicious archive is an error, never a trap or a runaway allocation.
struct ZipArchive {
  struct Entry {
    var name: String
    var flags: Int
    var method: Int
    var crc32: UInt32
    var compressedSize: Int
    var uncompressedSize: Int
    var localHeaderOffset: Int

    /// The name for messages: quoted, escaped and bounded (names are arbitrary bytes).
    var shownName: String { ByteScanner.quoted(Array(name.utf8), limit: 60) }
  }

  /// The entries in central-directory order (the order they were written).
  var entries: [Entry]
  let label: String

  /// The most bytes one entry may inflate to: what the largest tensor takes in float64, twice.
  static let maxEntryBytes: Int = {
    let (bytes, overflow) = Shape.maxElementCount.multipliedReportingOverflow(by: 16)
    return overflow ? Int.max : bytes
  }()
  /// DEFLATE cannot expand more than about 1032 : 1; a declared size beyond it is a lie.
  static let maxDeflateRatio = 1032

  static let localHeaderSignature: UInt32 = 0x0403_4B50
  static let centralHeaderSignature: UInt32 = 0x0201_4B50
  static let endSignature: UInt32 = 0x0605_4B50
  static let zip64EndSignature: UInt32 = 0x0606_4B50
  static let zip64LocatorSignature: UInt32 = 0x0706_4B50

  /// Whether bytes start like a zip archive (a local header, or the end record of an empty one).
  static func hasMagic(_ prefix: [UInt8]) -> Bool {
    prefix.count >= 4 && prefix[0] == 0x50 && prefix[1] == 0x4B
      && ((prefix[2] == 3 && prefix[3] == 4) || (prefix[2] == 5 && prefix[3] == 6))
  }

  func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

  // MARK: - Directory

  static func open(_ buffer: UnsafeBufferPointer<UInt8>, label: String) throws(InputError) -> ZipArchive {
    let bytes = LittleEndianReader(buffer: buffer, label: label, what: "zip archive")
    let end = try findEndRecord(bytes)
    var entryCount = try bytes.u16(end + 10)
    var directorySize = try bytes.u32(end + 12)
    var directoryOffset = try bytes.u32(end + 16)
    // zip64: a locator just before the end record points at the zip64 end record.
    if end >= 20, try bytes.u32(end - 20) == zip64LocatorSignature {
      let record = try bytes.u64(end - 20 + 8)
      guard try bytes.u32(record) == zip64EndSignature else { throw bytes.fail("bad zip64 end record") }
      entryCount = try bytes.u64(record + 32)
      directorySize = try bytes.u64(record + 40)
      directoryOffset = try bytes.u64(record + 48)
    }
    let (directoryEnd, overflow) = directoryOffset.addingReportingOverflow(directorySize)
    guard !overflow, directoryEnd <= buffer.count else {
      throw bytes.fail("truncated zip archive: the central directory lies beyond the end of the file")
    }
    // 46 bytes is the smallest entry: a count beyond it is a lie, refused before reserving.
    guard entryCount <= directorySize / 46 else {
      throw bytes.fail("bad zip archive: \(entryCount) entries do not fit")
    }
    var entries: [Entry] = []
    entries.reserveCapacity(entryCount)
    var p = directoryOffset
    for _ in 0..<entryCount {
      guard try bytes.u32(p) == centralHeaderSignature else { throw bytes.fail("bad zip central directory entry") }
      let flags = try bytes.u16(p + 8)
      let method = try bytes.u16(p + 10)
      let crc = UInt32(try bytes.u32(p + 16))
      var compressed = try bytes.u32(p + 20)
      var uncompressed = try bytes.u32(p + 24)
      let nameLength = try bytes.u16(p + 28)
      let extraLength = try bytes.u16(p + 30)
      let commentLength = try bytes.u16(p + 32)
      var localOffset = try bytes.u32(p + 42)
      let name = try bytes.slice(p + 46, count: nameLength)
      let extraStart = p + 46 + nameLength
      _ = try bytes.slice(extraStart, count: extraLength)
      // The zip64 extra field holds, in this order, each 32-bit field that is saturated.
      if uncompressed == 0xFFFF_FFFF || compressed == 0xFFFF_FFFF || localOffset == 0xFFFF_FFFF {
        var q = extraStart
        var found = false
        while q + 4 <= extraStart + extraLength {
          let id = try bytes.u16(q), size = try bytes.u16(q + 2)
          if id == 1 {
            var r = q + 4
            let fieldEnd = q + 4 + size
            func next() throws(InputError) -> Int {
              guard r + 8 <= fieldEnd else { throw bytes.fail("bad zip64 extra field") }
              defer { r += 8 }
              return try bytes.u64(r)
            }
            if uncompressed == 0xFFFF_FFFF { uncompressed = try next() }
            if compressed == 0xFFFF_FFFF { compressed = try next() }
            if localOffset == 0xFFFF_FFFF { localOffset = try next() }
            found = true
            break
          }
          q += 4 + size
        }
        guard found else { throw bytes.fail("bad zip archive: missing zip64 sizes") }
      }
      entries.append(
        Entry(
          name: String(decoding: name, as: UTF8.self), flags: flags, method: method, crc32: crc,
          compressedSize: compressed, uncompressedSize: uncompressed, localHeaderOffset: localOffset))
      p = extraStart + extraLength + commentLength
      guard p <= directoryEnd else { throw bytes.fail("bad zip archive: the central directory overruns its size") }
    }
    return ZipArchive(entries: entries, label: label)
  }

  /// The offset of the end-of-central-directory record: the last one in the final 64 KiB whose
  /// comment ends at the end of the file (or fits inside it).
  private static func findEndRecord(_ bytes: LittleEndianReader) throws(InputError) -> Int {
    let count = bytes.buffer.count
    guard count >= 22 else { throw bytes.fail("truncated zip archive (\(count) bytes)") }
    var p = count - 22
    let lowest = max(0, count - 22 - 65_535)
    while p >= lowest {
      if try bytes.u32(p) == endSignature, p + 22 + (try bytes.u16(p + 20)) <= count { return p }
      p -= 1
    }
    throw bytes.fail("truncated or corrupt zip archive: no end of central directory record")
  }

  // MARK: - Entry data

  /// The bytes of `entry`, inflated if compressed and checked against its CRC-32 (unless
  /// `checkCRC` is false or the archive recorded no CRC for it, which PyTorch's writer may do;
  /// `torch.load` does not check it either). Stored entries are handed over without a copy.
  func withContents<R>(
    of entry: Entry, in buffer: UnsafeBufferPointer<UInt8>,
    _ body: (UnsafeBufferPointer<UInt8>) throws(InputError) -> R
  ) throws(InputError) -> R {
    let bytes = LittleEndianReader(buffer: buffer, label: label, what: "zip entry \(entry.shownName)")
    guard entry.flags & 1 == 0 else { throw bytes.fail("encrypted zip entry \(entry.shownName) is not supported") }
    let start = try dataStart(of: entry, bytes)
    let data = try bytes.slice(start, count: entry.compressedSize)
    guard entry.uncompressedSize <= Self.maxEntryBytes else {
      throw bytes.fail("zip entry \(entry.shownName) is too large (\(entry.uncompressedSize) bytes)")
    }
    switch entry.method {
    case 0:
      guard entry.compressedSize == entry.uncompressedSize else {
        throw bytes.fail("bad zip entry \(entry.shownName): stored sizes differ")
      }
      try checkCRC(entry, data, bytes)
      return try body(data)
    case 8:
      // A declared size beyond DEFLATE's largest ratio is refused before anything is allocated.
      let (limit, overflow) = entry.compressedSize.multipliedReportingOverflow(by: Self.maxDeflateRatio)
      guard overflow || entry.uncompressedSize <= limit + 64 else {
        throw bytes.fail("bad zip entry \(entry.shownName): declared size \(entry.uncompressedSize) is impossible")
      }
      let inflated = try Self.inflate(data, expected: entry.uncompressedSize, bytes)
      return try inflated.withUnsafeBufferPointer { (out: UnsafeBufferPointer<UInt8>) throws(InputError) -> R in
        try checkCRC(entry, out, bytes)
        return try body(out)
      }
    default:
      let names = [12: "bzip2", 14: "LZMA", 93: "Zstandard", 95: "xz"]
      let method = names[entry.method].map { "\($0) (method \(entry.method))" } ?? "method \(entry.method)"
      throw bytes.fail(
        "zip entry \(entry.shownName) is compressed with \(method); only stored and DEFLATE are supported")
    }
  }

  /// Where an entry's data starts: after its local header's name and extra field (which PyTorch
  /// uses to align data to 64 bytes, so the central directory's lengths do not tell).
  private func dataStart(of entry: Entry, _ bytes: LittleEndianReader) throws(InputError) -> Int {
    let p = entry.localHeaderOffset
    guard try bytes.u32(p) == Self.localHeaderSignature else {
      throw bytes.fail("bad zip archive: no local header for \(entry.shownName)")
    }
    return p + 30 + (try bytes.u16(p + 26)) + (try bytes.u16(p + 28))
  }

  private func checkCRC(_ entry: Entry, _ data: UnsafeBufferPointer<UInt8>, _ bytes: LittleEndianReader)
    throws(InputError)
  {
    guard entry.crc32 != 0 || data.isEmpty else { return }
    guard Self.crc32(data) == entry.crc32 else {
      throw bytes.fail("corrupt zip entry \(entry.shownName): CRC-32 mismatch")
    }
  }

  /// zlib's CRC-32, on both cores for large data (the halves combined with `crc32_combine`).
  static func crc32(_ data: UnsafeBufferPointer<UInt8>) -> UInt32 {
    guard let base = data.baseAddress, !data.isEmpty else { return 0 }
    let chunk = 1 << 24
    let count = data.count
    guard count >= 2 * chunk else { return UInt32(truncatingIfNeeded: crc32_z(0, base, z_size_t(count))) }
    let parts = (count + chunk - 1) / chunk
    var crcs = [UInt](repeating: 0, count: parts)
    let source = UnsafeSharedReadBuffer(data)
    crcs.withSharedMutableBuffer { results in
      Parallel.forRanges(count: parts, minimumChunk: 1) { range in
        for part in range {
          let start = part * chunk
          let length = min(chunk, count - start)
          results[part] = UInt(crc32_z(0, source.base + start, z_size_t(length)))
        }
      }
    }
    var crc = uLong(crcs[0])
    for part in 1..<parts {
      let length = min(chunk, count - part * chunk)
      crc = crc32_combine(crc, uLong(crcs[part]), off_t(length))
    }
    return UInt32(truncatingIfNeeded: crc)
  }

  /// Raw DEFLATE data inflated into exactly `expected` bytes: a stream that ends early, runs on,
  /// or is corrupt is an error.
  static func inflate(
    _ data: UnsafeBufferPointer<UInt8>, expected: Int, _ bytes: LittleEndianReader
  ) throws(InputError) -> [UInt8] {
    var stream = z_stream()
    guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw bytes.fail("cannot start zlib")
    }
    defer { inflateEnd(&stream) }
    // One spare byte past `expected`: output landing there means the data runs on. zlib writes
    // every byte counted as produced; the rest is never read.
    var produced = 0
    var status = Z_OK
    let output = [UInt8](unsafeUninitializedCapacity: expected + 1) { out, initialized in
      var consumed = 0
      while status == Z_OK {
        let inChunk = min(data.count - consumed, Int(UInt32.max))
        let outChunk = min(out.count - produced, Int(UInt32.max))
        stream.next_in = UnsafeMutablePointer(mutating: data.baseAddress.map { $0 + consumed })
        stream.avail_in = uInt(inChunk)
        stream.next_out = out.baseAddress.map { $0 + produced }
        stream.avail_out = uInt(outChunk)
        status = CZlib.inflate(&stream, Z_NO_FLUSH)
        consumed += inChunk - Int(stream.avail_in)
        produced += outChunk - Int(stream.avail_out)
        if status == Z_OK && (produced == out.count || (consumed == data.count && stream.avail_out != 0)) { break }
      }
      initialized = produced
    }
    guard status == Z_STREAM_END else {
      if produced > expected { throw bytes.fail("corrupt compressed data: larger than its declared \(expected) bytes") }
      if status == Z_DATA_ERROR { throw bytes.fail("corrupt compressed data") }
      throw bytes.fail("truncated compressed data")
    }
    guard produced == expected else {
      throw bytes.fail("corrupt compressed data: \(produced) bytes where \(expected) were declared")
    }
    return output
  }
}

/// Bounds-checked little-endian reads from a buffer; every failure is an ``InputError``.
struct LittleEndianReader {
  let buffer: UnsafeBufferPointer<UInt8>
  let label: String
  let what: String

  func fail(_ message: String) -> InputError { InputError(label: label, message: message) }

  private func check(_ offset: Int, _ count: Int) throws(InputError) {
    guard offset >= 0, count >= 0, offset <= buffer.count, count <= buffer.count - offset else {
      throw fail("truncated \(what): needs bytes up to offset \(offset) + \(count), the file has \(buffer.count)")
    }
  }

  func u16(_ offset: Int) throws(InputError) -> Int {
    try check(offset, 2)
    return Int(buffer[offset]) | Int(buffer[offset + 1]) << 8
  }

  func u32(_ offset: Int) throws(InputError) -> Int {
    try check(offset, 4)
    return u16Unchecked(offset) | u16Unchecked(offset + 2) << 16
  }

  /// A 64-bit field; values beyond `Int.max` (never a valid size or offset) are errors.
  func u64(_ offset: Int) throws(InputError) -> Int {
    try check(offset, 8)
    let high = u16Unchecked(offset + 4) | u16Unchecked(offset + 6) << 16
    guard high < 0x8000_0000 else { throw fail("bad \(what): a 64-bit size or offset is out of range") }
    return u16Unchecked(offset) | u16Unchecked(offset + 2) << 16 | high << 32
  }

  func slice(_ offset: Int, count: Int) throws(InputError) -> UnsafeBufferPointer<UInt8> {
    try check(offset, count)
    return UnsafeBufferPointer(rebasing: buffer[offset..<(offset + count)])
  }

  private func u16Unchecked(_ offset: Int) -> Int { Int(buffer[offset]) | Int(buffer[offset + 1]) << 8 }
}
