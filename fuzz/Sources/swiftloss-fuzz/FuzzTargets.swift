import SwiftLoss
import SwiftLossCLI

#if canImport(Glibc)
  import Glibc
#endif

/// The fuzzing targets: each takes arbitrary bytes and must return without trapping, whatever the
/// bytes are. `FUZZ_TARGET` picks one: `delimited`, `json`, `npy`, `object`, `literal`, `sniff`,
/// `pair` (two files read together for a loss value), `args` (a whole command line, see
/// ``ArgsTarget``), `losses` (every loss's compute path on decoded tensors and options, see
/// ``LossesTarget``), or the archive readers: `pickle` (the allow-list unpickler of `.pt` files),
/// `zip` (the zip reader, then the archive it holds), `safetensors` and `npz`.
enum FuzzTargets {
  static func run(_ target: String, _ bytes: [UInt8]) {
    switch target {
    case "delimited":
      // The first byte picks the delimiter so that the fuzzer explores the dialects too.
      let delimiters: [UInt8?] = [nil, UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: " "), UInt8(ascii: ";")]
      let delimiter = bytes.first.map { delimiters[Int($0) % delimiters.count] } ?? nil
      let body = Array(bytes.dropFirst())
      _ = try? TensorReader.read(
        bytes: body, label: "fuzz.csv", options: ReadOptions(delimiter: delimiter ?? UInt8(ascii: ",")))
      // The general path as well: the rest of the first byte asks for decimal commas and a
      // selected column (by number or by the name "a").
      let variant = Int(bytes.first ?? 0) / delimiters.count
      var general = ReadOptions(delimiter: delimiter == UInt8(ascii: ",") ? nil : delimiter)
      general.decimalComma = variant & 1 != 0
      general.column = variant & 2 != 0 ? .number(variant / 8 % 4 + 1) : (variant & 4 != 0 ? .name("a") : nil)
      _ = try? TensorReader.read(bytes: body, label: "fuzz.csv", options: general)
    case "json":
      _ = try? TensorReader.read(bytes: [UInt8(ascii: "[")] + bytes, label: "fuzz.json")
      _ = try? TensorReader.read(bytes: bytes, label: "fuzz.json")
      // The parallel path (with its fast loop) must agree with the sequential parser.
      for document in [[UInt8(ascii: "[")] + bytes, bytes]
      where !TensorReader.jsonParallelAgreesWithSequential(document) {
        preconditionFailure("the parallel JSON parse disagrees with the sequential one")
      }
    case "pair":
      // Two comma-separated files, split at the first 0xFF byte (else the same bytes twice); the
      // first byte cuts the work into 1–8 units. Reading them as a pair must give the ordinary
      // readers' value, or decline.
      let units = Int(bytes.first ?? 0) % 8 + 1
      let body = Array(bytes.dropFirst())
      let split = body.firstIndex(of: 0xFF)
      let first = split.map { Array(body[..<$0]) } ?? body
      let second = split.map { Array(body[($0 + 1)...]) } ?? body
      if !DelimitedTextPair.agreesWithOrdinaryReaders(first, second, units: units) {
        preconditionFailure("reading two files as a pair disagrees with reading them one by one")
      }
    case "npy":
      _ = try? TensorReader.read(bytes: [0x93] + Array("NUMPY".utf8) + bytes, label: "fuzz.npy")
    case "object":
      _ = try? TensorReader.readObject(bytes: bytes, label: "fuzz.json")
    case "literal":
      _ = try? TensorReader.parseLiteral(String(decoding: bytes, as: UTF8.self), label: "--input")
    case "pickle":
      ArchiveFuzzing.pickle(bytes)
    case "zip":
      ArchiveFuzzing.zip(bytes)
    case "safetensors":
      ArchiveFuzzing.archive(bytes, label: "fuzz.safetensors")
    case "npz":
      ArchiveFuzzing.archive(bytes, label: "fuzz.npz")
    case "args":
      ArgsTarget.run(bytes)
    case "losses":
      LossesTarget.run(bytes)
    default:
      _ = try? TensorReader.read(bytes: bytes, label: "<stdin>")
    }
  }

  static var selected: String {
    if let value = getenv("FUZZ_TARGET") { return String(cString: value) }
    return "sniff"
  }
}

#if FUZZING
  /// libFuzzer's per-input callback (the build of fuzz/fuzz.sh uses `-sanitize=fuzzer`).
  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzTargets.run(FuzzTargets.selected, bytes)
    return 0
  }

  // LibFuzzer's C entry point keeps its name.
  // swift-format-ignore: AlwaysUseLowerCamelCase
  @_silgen_name("LLVMFuzzerRunDriver")
  func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
  ) -> CInt

  /// SwiftPM links an executable target's entry point under this name; hand control to libFuzzer.
  @_cdecl("swiftloss_fuzz_main")
  public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) }
  }
#else
  /// Without libFuzzer: replays the files named on the command line (a corpus or a crash) through
  /// the selected target, so a finding reproduces in an ordinary build.
  @main enum FuzzReplay {
    static func main() {
      let target = FuzzTargets.selected
      var count = 0
      for path in CommandLine.arguments.dropFirst() {
        for file in files(at: path) {
          guard let input = try? InputBytes.open(path: file) else { continue }
          let bytes = input.withBytes { Array($0) }
          FuzzTargets.run(target, bytes)
          count += 1
        }
      }
      print("replayed \(count) inputs through \(target)")
    }

    static func files(at path: String) -> [String] {
      guard let directory = opendir(path) else { return [path] }
      defer { closedir(directory) }
      var names: [String] = []
      while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name != "." && name != ".." { names.append(path + "/" + name) }
      }
      return names.sorted()
    }
  }
#endif

#if canImport(Glibc)
  import Glibc
#endif
