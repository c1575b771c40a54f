// swiftloss-ctc-bench: times swiftloss's ctc_loss engine (value, elementwise and the log_probs
// gradient, reduction='mean') on one case written by bench/ctc_bench.py.
//
// Usage: swiftloss-ctc-bench CASE.f64 T N C S REPEATS [GRADIENT.f64]
// CASE.f64 is raw little-endian float64: log_probs (T·N·C), targets (N·S), input_lengths (N),
// target_lengths (N). Prints one JSON line (every run's wall and process CPU seconds, the loss);
// writes the last run's gradient as raw float64 to GRADIENT.f64 when given.
import Foundation
import SwiftLoss

func fail(_ message: String, status: Int32) -> Never {
  FileHandle.standardError.write(Data("swiftloss-ctc-bench: \(message)\n".utf8))
  exit(status)
}

let arguments = CommandLine.arguments
guard arguments.count >= 7, let t = Int(arguments[2]), let n = Int(arguments[3]), let c = Int(arguments[4]),
  let s = Int(arguments[5]), let repeats = Int(arguments[6]), repeats > 0
else { fail("usage: swiftloss-ctc-bench CASE.f64 T N C S REPEATS [GRADIENT.f64]", status: 2) }
guard let data = FileManager.default.contents(atPath: arguments[1]), data.count == 8 * (t * n * c + n * s + 2 * n)
else { fail("cannot read \(arguments[1]) as a \(t)x\(n)x\(c) case with S=\(s)", status: 1) }

let values: [Double] = data.withUnsafeBytes { raw in
  (0..<(data.count / 8)).map {
    Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)))
  }
}
var tensors: [String: Tensor] = [:]
var offset = 0
for (name, shape) in [("log_probs", [t, n, c]), ("targets", [n, s]), ("input_lengths", [n]), ("target_lengths", [n])] {
  let count = shape.reduce(1, *)
  do { tensors[name] = try Tensor(shape: shape, storage: Array(values[offset..<offset + count])) } catch {
    fail("\(error)", status: 1)
  }
  offset += count
}

func processCPUSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

var seconds: [Double] = []
var cpuSeconds: [Double] = []
var result: LossResult?
for _ in 0..<repeats {
  let cpuStart = processCPUSeconds()
  let start = DispatchTime.now().uptimeNanoseconds
  do {
    result = try LossDefinition.ctcLoss.run(
      LossCall(.ctcLoss, tensors: tensors, options: ["reduction": .string("mean")]))
  } catch { fail("\(error)", status: 1) }
  seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
  cpuSeconds.append(processCPUSeconds() - cpuStart)
}
if arguments.count > 7, let gradient = result?.gradient(.logProbs)?.storage {
  let bytes = gradient.withUnsafeBufferPointer { Data(buffer: $0) }
  guard FileManager.default.createFile(atPath: arguments[7], contents: bytes) else {
    fail("cannot write \(arguments[7])", status: 1)
  }
}
let loss = result?.value.storage.first ?? .nan
print(
  "{\"seconds\": [\(seconds.map { String($0) }.joined(separator: ", "))], "
    + "\"cpu_seconds\": [\(cpuSeconds.map { String($0) }.joined(separator: ", "))], \"loss\": \(loss), "
    + "\"threads\": \(Parallel.threadCount)}")
