// swiftloss-lce-bench: times swiftloss's linear_cross_entropy engine (value, elementwise and the
// gradients of input, linear_weight and linear_bias, reduction='mean') on one case written by
// bench/lce_bench.py, and each of its parts.
//
// Usage: swiftloss-lce-bench CASE.f64 N IN C REPEATS [GRADIENTS.f64]
// CASE.f64 is raw little-endian float64: input (N·IN), linear_weight (C·IN), linear_bias (C),
// target (N). Prints one JSON line: every run's wall and process CPU seconds, the loss, and the
// median wall/CPU seconds of the three matrix products alone; writes the last run's gradients
// (input, linear_weight, linear_bias, in that order) as raw float64 to GRADIENTS.f64 when given.
import Foundation
import SwiftLoss

func fail(_ message: String, status: Int32) -> Never {
  FileHandle.standardError.write(Data("swiftloss-lce-bench: \(message)\n".utf8))
  exit(status)
}

let arguments = CommandLine.arguments
guard arguments.count >= 6, let n = Int(arguments[2]), let inFeatures = Int(arguments[3]), let c = Int(arguments[4]),
  let repeats = Int(arguments[5]), repeats > 0
else { fail("usage: swiftloss-lce-bench CASE.f64 N IN C REPEATS [GRADIENTS.f64]", status: 2) }
guard let data = FileManager.default.contents(atPath: arguments[1]),
  data.count == 8 * (n * inFeatures + c * inFeatures + c + n)
else { fail("cannot read \(arguments[1]) as an N=\(n), in=\(inFeatures), C=\(c) case", status: 1) }

let values: [Double] = data.withUnsafeBytes { raw in
  (0..<(data.count / 8)).map {
    Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)))
  }
}
var tensors: [String: Tensor] = [:]
var offset = 0
for (name, shape) in [
  ("input", [n, inFeatures]), ("linear_weight", [c, inFeatures]), ("linear_bias", [c]), ("target", [n]),
] {
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
func wallSeconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

var seconds: [Double] = []
var cpuSeconds: [Double] = []
var result: LossResult?
for _ in 0..<repeats {
  let cpuStart = processCPUSeconds(), start = wallSeconds()
  do {
    result = try LossDefinition.linearCrossEntropy.run(
      LossCall(.linearCrossEntropy, tensors: tensors, options: ["reduction": .string("mean")]))
  } catch { fail("\(error)", status: 1) }
  seconds.append(wallSeconds() - start)
  cpuSeconds.append(processCPUSeconds() - cpuStart)
}

// The three products alone, as the loss runs them: logits = X·Wᵀ, dX = G·W, dW = Gᵀ·X.
var productSeconds: [Double] = [], productCPU: [Double] = []
let x = tensors["input"]!.storage, w = tensors["linear_weight"]!.storage
var logits = [Double](repeating: 0, count: n * c), dx = [Double](repeating: 0, count: n * inFeatures)
var dw = [Double](repeating: 0, count: c * inFeatures)
for _ in 0..<repeats {
  let cpuStart = processCPUSeconds(), start = wallSeconds()
  x.withUnsafeBufferPointer { xs in
    w.withUnsafeBufferPointer { ws in
      logits.withUnsafeMutableBufferPointer { ls in
        MatrixMultiply.multiply(
          m: n, n: c, k: inFeatures, .init(xs.baseAddress!, rowStride: inFeatures, columnStride: 1),
          .init(ws.baseAddress!, rowStride: 1, columnStride: inFeatures), into: ls.baseAddress!, cRowStride: c)
        let g = MatrixMultiply.Operand(UnsafePointer(ls.baseAddress!), rowStride: c, columnStride: 1)
        dx.withUnsafeMutableBufferPointer { out in
          MatrixMultiply.multiply(
            m: n, n: inFeatures, k: c, g, .init(ws.baseAddress!, rowStride: inFeatures, columnStride: 1),
            into: out.baseAddress!, cRowStride: inFeatures)
        }
        dw.withUnsafeMutableBufferPointer { out in
          MatrixMultiply.multiply(
            m: c, n: inFeatures, k: n, g.transposed, .init(xs.baseAddress!, rowStride: inFeatures, columnStride: 1),
            into: out.baseAddress!, cRowStride: inFeatures)
        }
      }
    }
  }
  productSeconds.append(wallSeconds() - start)
  productCPU.append(processCPUSeconds() - cpuStart)
}
func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

if arguments.count > 6, let result {
  var bytes = Data()
  for key in [TensorKey.input, .linearWeight, .linearBias] {
    guard let gradient = result.gradient(key)?.storage else { fail("no gradient for \(key)", status: 1) }
    bytes.append(gradient.withUnsafeBufferPointer { Data(buffer: $0) })
  }
  guard FileManager.default.createFile(atPath: arguments[6], contents: bytes) else {
    fail("cannot write \(arguments[6])", status: 1)
  }
}
let loss = result?.value.storage.first ?? .nan
print(
  "{\"seconds\": [\(seconds.map { String($0) }.joined(separator: ", "))], "
    + "\"cpu_seconds\": [\(cpuSeconds.map { String($0) }.joined(separator: ", "))], \"loss\": \(loss), "
    + "\"products_seconds\": \(median(productSeconds)), \"products_cpu_seconds\": \(median(productCPU)), "
    + "\"threads\": \(Parallel.threadCount)}")
