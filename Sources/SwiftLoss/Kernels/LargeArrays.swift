#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Big result arrays without the cost of zero-filling them first.
public enum LargeArray {
  /// `arrays` arrays of `count` doubles each, filled by `body`, which gets their base addresses
  /// (in order) and must write every element of every array. One loop can so fill several results.
  public static func make(
    count: Int, arrays: Int, _ body: ([UnsafeMutablePointer<Double>]) -> Void
  ) -> [[Double]] {
    guard count > 0, arrays > 0 else { return [[Double]](repeating: [], count: max(0, arrays)) }
    var made: [[Double]] = []
    func nest(_ pointers: [UnsafeMutablePointer<Double>]) {
      if pointers.count == arrays {
        body(pointers)
        return
      }
      let array = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
        guard let base = buffer.baseAddress else { return }
        nest(pointers + [base])
        initialized = count
      }
      made.append(array)
    }
    nest([])
    return made.reversed()
  }

  /// One array of `count` doubles, filled by `body`, which must write every element.
  public static func make(count: Int, _ body: (UnsafeMutablePointer<Double>) -> Void) -> [Double] {
    make(count: count, arrays: 1) { body($0[0]) }[0]
  }
}
