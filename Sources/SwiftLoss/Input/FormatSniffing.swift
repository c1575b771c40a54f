/// Choosing a format and a delimiter from a path or from the bytes themselves.
enum FormatSniffing {
  /// `archive`: a zip or safetensors file (see ``TensorArchive``); `unsupported`: a recognised
  /// binary format swiftloss does not read, with the message that says so.
  enum Format: Equatable { case json, npy, text, archive, unsupported(String) }

  /// The lower-cased extension of the last path component, or "" when there is none.
  static func fileExtension(_ path: String) -> String {
    let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
    return String(name[name.index(after: dot)...]).lowercased()
  }

  /// `[`/`{` as the first non-blank byte (after a BOM) is JSON, the npy magic is `.npy`, else text.
  static func sniff(_ input: InputBytes) -> Format {
    let head = input.prefix(4096)
    if NPYReader.hasMagic(head) { return .npy }
    switch BinarySignatures.identify(head, count: input.count) {
    case .zip, .safetensors: return .archive
    case .unsupported(let message): return .unsupported(message)
    case nil: break
    }
    var k = head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    while k < head.count, [0x20, 0x09, 0x0A, 0x0D].contains(head[k]) { k += 1 }
    guard k < head.count else {
      // All blank so far: a long blank prefix is possible; look at the whole input.
      return input.withBytes { buffer -> Format in
        var j = k
        while j < buffer.count, [0x20, 0x09, 0x0A, 0x0D].contains(buffer[j]) { j += 1 }
        if j < buffer.count, buffer[j] == UInt8(ascii: "[") || buffer[j] == UInt8(ascii: "{") { return .json }
        return .text
      }
    }
    return head[k] == UInt8(ascii: "[") || head[k] == UInt8(ascii: "{") ? .json : .text
  }

  /// Bytes that cannot separate fields because they can be part of a number, a comment or a line.
  static func isValidDelimiter(_ byte: UInt8) -> Bool {
    if byte >= 0x80 || byte == 0x0A || byte == 0x0D || byte == 0 { return false }
    if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { return false }
    if (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) { return false }
    return ![UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "#")].contains(byte)
  }

  /// With no delimiter given: comma, unless the first data row has no comma, in which case a tab
  /// when it has one, else a space (runs of blanks).
  static func sniffDelimiter(_ input: InputBytes) -> UInt8 {
    input.withBytes { buffer -> UInt8 in
      guard let base = buffer.baseAddress else { return UInt8(ascii: ",") }
      var p = ByteScanner.hasBOM(buffer) ? 3 : 0
      while p < buffer.count {
        let lineEnd = ByteScanner.nextLine(base, from: p, end: buffer.count)
        var q = p
        while q < lineEnd && (base[q] == 0x20 || base[q] == 0x09 || base[q] == 0x0D) { q += 1 }
        if q < lineEnd && base[q] != 0x0A && base[q] != UInt8(ascii: "#") {
          let line = UnsafeBufferPointer(start: base + q, count: lineEnd - q)
          if line.contains(UInt8(ascii: ",")) { return UInt8(ascii: ",") }
          if line.contains(0x09) { return 0x09 }
          return line.contains(0x20) ? 0x20 : UInt8(ascii: ",")
        }
        p = lineEnd
      }
      return UInt8(ascii: ",")
    }
  }
}
