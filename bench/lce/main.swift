import Foundation
import SwiftLoss

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
func cpuNow() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
let m = 512, n = 8192, k = 512
var a = (0..<(m * k)).map { _ in Double.random(in: -1...1) }
var b = (0..<(n * k)).map { _ in Double.random(in: -1...1) }
var c = [Double](repeating: 0, count: m * n)
for _ in 0..<3 {
  let w0 = now(), c0 = cpuNow()
  a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
    MatrixMultiply.multiply(m: m, n: n, k: k, .init(ap.baseAddress!, rowStride: k, columnStride: 1),
      .init(bp.baseAddress!, rowStride: 1, columnStride: k), into: cp.baseAddress!, cRowStride: n)
  }}}
  let w = now() - w0, cc = cpuNow() - c0
  print(String(format: "wall %.3f cpu %.3f  %.2f GFLOPS/cpu-s", w, cc, 2.0 * Double(m * n * k) / cc / 1e9))
}
var maxErr = 0.0
for _ in 0..<200 {
  let i = Int.random(in: 0..<m), j = Int.random(in: 0..<n)
  var s = 0.0
  for p in 0..<k { s += a[i * k + p] * b[j * k + p] }
  maxErr = max(maxErr, abs(s - c[i * n + j]))
}
print("max err", maxErr)
