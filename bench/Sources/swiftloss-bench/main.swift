// Benchmarks for the tensor readers (release builds only): see bench/parse-bench.sh.
//
//   swiftloss-bench csv FILE [--single] [--column NAME|#N] [--decimal]
//                                          delimited text, parallel (default) or one thread; one
//                                          column by header name or 1-based number; decimal commas
//   swiftloss-bench json FILE             a JSON array
//   swiftloss-bench float N               N random/adversarial strings vs strtod, and MB/s
//   swiftloss-bench archive FILE [KEY]    .npy/.npz/.safetensors/.pt: one tensor (KEY, or the only
//                                         one), GB/s of the float64 it gives (see archive-bench.sh)
import Dispatch
import Foundation
import SwiftLoss

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
func cpuNow() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

func fileSize(_ path: String) -> Double {
  let attributes = try? FileManager.default.attributesOfItem(atPath: path)
  return Double((attributes?[.size] as? NSNumber)?.int64Value ?? 0)
}

func report(_ name: String, bytes: Double, times: [Double], cpu: [Double] = [], extra: String = "") {
  let best = times.min() ?? 0
  let median = times.sorted()[times.count / 2]
  var line = name.padding(toLength: 30, withPad: " ", startingAt: 0)
  line += String(format: "%7.0f MB/s best %7.0f MB/s median (%.3f s)", bytes / best / 1e6, bytes / median / 1e6, best)
  if let cpuBest = cpu.min() { line += String(format: "  %6.0f MB per CPU-s", bytes / cpuBest / 1e6) }
  print(line + "  " + extra)
}

func benchRead(_ name: String, path: String, options: ReadOptions, repeats: Int = 5) {
  var times: [Double] = []
  var cpu: [Double] = []
  var shape: [Int] = []
  var checksum = 0.0
  for _ in 0..<repeats {
    let start = now()
    let cpuStart = cpuNow()
    do {
      let tensor = try TensorReader.read(path: path, options: options)
      times.append(now() - start)
      cpu.append(cpuNow() - cpuStart)
      shape = tensor.shape
      checksum = tensor.storage.reduce(0, +)
    } catch {
      print("error: \(error)")
      exit(1)
    }
  }
  report(name, bytes: fileSize(path), times: times, cpu: cpu, extra: "shape \(shape) sum \(checksum)")
}

struct SplitMix {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

func benchFloat(count: Int) {
  var rng = SplitMix(state: 42)
  var text: [UInt8] = []
  var offsets: [Int] = []
  for n in 0..<count {
    let s: String
    switch n % 8 {
    case 0, 1:
      // Like Python repr of a standard normal.
      let u1 = Double(rng.next() >> 11 | 1) * 0x1p-53
      let u2 = Double(rng.next() >> 11) * 0x1p-53
      s = (sqrt(-2 * log(u1)) * cos(2 * Double.pi * u2)).description
    case 2:
      let bits = rng.next() & 0x7FEF_FFFF_FFFF_FFFF
      s = String(format: "%.\(Int(rng.next() % 25) + 1)g", Double(bitPattern: bits))
    case 3:
      let digits = (0..<(Int(rng.next() % 25) + 1)).map { _ in String(rng.next() % 10) }.joined()
      s = "\(digits)e\(Int(rng.next() % 680) - 350)"
    case 4:
      s = String(format: "%.17e", Double(bitPattern: rng.next() & 0x000F_FFFF_FFFF_FFFF))
    case 5 where n % 16 == 5:
      // Fractions with leading zeros and 10–21 more digits (19 significant digits or more).
      let zeros = String(repeating: "0", count: Int(rng.next() % 7))
      let digits = (0..<(10 + Int(rng.next() % 12))).map { _ in String(rng.next() % 10) }.joined()
      s = (rng.next() % 2 == 0 ? "-" : "") + "0." + zeros + digits
    case 5:
      // Plain decimals the fast path reads: 1–8 integer digits, 0–21 fraction digits.
      let integer = (0..<(Int(rng.next() % 8) + 1)).map { _ in String(rng.next() % 10) }.joined()
      let fraction = (0..<Int(rng.next() % 22)).map { _ in String(rng.next() % 10) }.joined()
      s = (rng.next() % 2 == 0 ? "-" : "") + integer + (fraction.isEmpty && rng.next() % 2 == 0 ? "" : "." + fraction)
    case 6:
      // Shortest forms of doubles from 1e-20 to 1e20 (plain decimals between 1e-4 and 1e16).
      let magnitude = Double(sign: .plus, exponent: Int(rng.next() % 133) - 66, significand: 1)
      s = (magnitude * (1 + Double(rng.next() >> 11) * 0x1p-53)).description
    default:
      // Near 2^53 and 10^19, where Clinger and the 19-digit limit change hands.
      let base: UInt64 = rng.next() % 2 == 0 ? 9_007_199_254_740_992 : 9_999_999_999_999_999_999
      let digits = String(base &- rng.next() % 1000 &+ 500)
      let point = Int(rng.next() % UInt64(min(digits.count, 8))) + 1
      s = String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
    }
    offsets.append(text.count)
    text.append(contentsOf: s.utf8)
    text.append(0)
  }
  offsets.append(text.count)
  var values = [Double](repeating: 0, count: count)
  var times: [Double] = []
  var cpu: [Double] = []
  for _ in 0..<5 {
    let start = now()
    let cpuStart = cpuNow()
    text.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      // The whole buffer as the bound: the fast path, which wants 40 bytes ahead, takes all but
      // the last strings; each string ends at its NUL.
      let end = base + buffer.count
      for k in 0..<count {
        var p = base + offsets[k]
        var v = 0.0
        if FloatParser.scan(&p, end, &v) == .ok && p == base + offsets[k + 1] - 1 {
          values[k] = v
        } else {
          values[k] = .infinity
        }
      }
    }
    times.append(now() - start)
    cpu.append(cpuNow() - cpuStart)
  }
  // Each string bounded by its own end: the general path only.
  var bounded = [Double](repeating: 0, count: count)
  text.withUnsafeBufferPointer { buffer in
    guard let base = buffer.baseAddress else { return }
    for k in 0..<count {
      var p = base + offsets[k]
      var v = 0.0
      if FloatParser.scan(&p, base + offsets[k + 1] - 1, &v) == .ok { bounded[k] = v } else { bounded[k] = .infinity }
    }
  }
  var mismatches = 0
  var outOfRange = 0
  text.withUnsafeBufferPointer { buffer in
    buffer.withMemoryRebound(to: CChar.self) { chars in
      guard let base = chars.baseAddress else { return }
      for k in 0..<count {
        let reference = strtod(base + offsets[k], nil)
        if reference.isInfinite { outOfRange += 1 }
        for parsed in [values[k], bounded[k]]
        where reference.isInfinite ? !parsed.isInfinite : parsed.bitPattern != reference.bitPattern {
          mismatches += 1
          if mismatches < 5 { print("mismatch: \(String(cString: base + offsets[k])) \(parsed) \(reference)") }
        }
      }
    }
  }
  report(
    "float parser (\(count) strings)", bytes: Double(text.count), times: times, cpu: cpu,
    extra: "mismatches vs strtod: \(mismatches) (out of range: \(outOfRange))")
  if mismatches > 0 { exit(1) }
}

/// Reads one tensor of an archive (or a `.npy`) `repeats` times, after one untimed read, and
/// reports GB/s of the tensor's float64 bytes (for an uncompressed file, about its size).
func benchArchive(path: String, key: String?, repeats: Int = 7) {
  var times: [Double] = []
  var cpu: [Double] = []
  var shape: [Int] = []
  var checksum = 0.0
  var elements = 0
  for run in 0...repeats {
    let start = now()
    let cpuStart = cpuNow()
    do {
      let tensor: Tensor
      if let key {
        let input = try InputBytes.open(path: path)
        tensor = try TensorArchive.open(input, label: path, path: path).tensor(key)
      } else {
        tensor = try TensorReader.read(path: path)
      }
      if run > 0 {
        times.append(now() - start)
        cpu.append(cpuNow() - cpuStart)
      }
      shape = tensor.shape
      elements = tensor.count
      checksum = tensor.storage.reduce(0, +)
    } catch {
      print("error: \(error)")
      exit(1)
    }
  }
  let bytes = Double(elements * 8)
  let best = times.min() ?? 0
  let median = times.sorted()[times.count / 2]
  let name = (path.split(separator: "/").last.map(String.init) ?? path) + (key.map { "#" + $0 } ?? "")
  print(
    name.padding(toLength: 34, withPad: " ", startingAt: 0)
      + String(
        format: "%6.2f GB/s best %6.2f GB/s median (%.4f s, %.2f CPU-s)", bytes / best / 1e9, bytes / median / 1e9,
        best, cpu.min() ?? 0)
      + "  file \(Int(fileSize(path))) B, shape \(shape), sum \(checksum)")
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
  print(
    "usage: swiftloss-bench csv FILE [--single] [--column NAME|#N] [--decimal] | json FILE | float N | archive FILE [KEY]"
  )
  exit(2)
}
switch arguments[1] {
case "csv":
  var options = ReadOptions()
  let single = arguments.contains("--single")
  options.parallel = !single
  options.decimalComma = arguments.contains("--decimal")
  var name = single ? "csv, 1 thread" : "csv, parallel"
  if let k = arguments.firstIndex(of: "--column"), k + 1 < arguments.count {
    let selector = arguments[k + 1]
    if selector.hasPrefix("#"), let number = Int(selector.dropFirst()) {
      options.column = .number(number)
    } else {
      options.column = .name(selector)
    }
    name += ", column \(selector)"
  }
  benchRead(name, path: arguments[2], options: options)
case "json":
  benchRead("json array", path: arguments[2], options: ReadOptions())
case "archive":
  benchArchive(path: arguments[2], key: arguments.count > 3 ? arguments[3] : nil)
case "float":
  benchFloat(count: Int(arguments[2]) ?? 1_000_000)
default:
  print("unknown mode \(arguments[1])")
  exit(2)
}
