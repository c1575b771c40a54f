import Foundation
import Testing

/// Runs the built `swiftloss` binary (write errors need a real file descriptor).
@Suite struct BinaryTests {
  @Test func writeErrorOnDevFullIsStatusOneWithAMessage() throws {
    guard FileManager.default.isWritableFile(atPath: "/dev/full") else { return }
    for arguments in [["--version"], ["--help"], ["list", "--format", "json"]] {
      let result = try runBinary(arguments, stdoutPath: "/dev/full")
      #expect(result.status == 1, "\(arguments)")
      #expect(result.stderr == "swiftloss: error: write error: No space left on device\n", "\(arguments)")
    }
  }

  @Test func usageErrorFromTheBinary() throws {
    let result = try runBinary(["msee"])
    #expect(result.status == 2)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr == "swiftloss: error: unknown loss 'msee'; did you mean 'mse'?\n")
  }

  @Test func versionFromTheBinary() throws {
    let result = try runBinary(["--version"])
    #expect(result.status == 0)
    #expect(result.stdout == "swiftloss 0.1.0\n")
  }
}
