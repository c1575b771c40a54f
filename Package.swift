// swift-tools-version: 6.2
import PackageDescription

let package = Package(
  name: "swiftloss",
  // (Linux is the target; on macOS the engine's `Atomic` needs macOS 15.)
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "swiftloss", targets: ["swiftloss"]),
    .library(name: "SwiftLoss", targets: ["SwiftLoss"]),
  ],
  targets: [
    // MARK: - Engine, front end, executable
    // The system zlib, for the DEFLATE entries of .npz archives (a C library, not a package).
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
    .target(name: "SwiftLoss", dependencies: ["CZlib"]),
    .target(name: "SwiftLossCLI", dependencies: ["SwiftLoss"]),
    .executableTarget(
      name: "swiftloss",
      dependencies: ["SwiftLossCLI"],
      linkerSettings: [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))]
    ),
    // MARK: - Benchmarks (release builds; see bench/*.sh)
    .executableTarget(name: "swiftloss-bench", dependencies: ["SwiftLoss"], path: "bench/Sources/swiftloss-bench"),
    .executableTarget(name: "swiftloss-ctc-bench", dependencies: ["SwiftLoss"], path: "bench/ctc"),
    .executableTarget(name: "swiftloss-lce-bench", dependencies: ["SwiftLoss"], path: "bench/lce"),
    // MARK: - Fuzzing (fuzz/fuzz.sh builds it with -sanitize=fuzzer; otherwise it replays a corpus)
    .executableTarget(
      name: "swiftloss-fuzz", dependencies: ["SwiftLoss", "SwiftLossCLI"], path: "fuzz/Sources/swiftloss-fuzz"),
    // MARK: - Tests
    .testTarget(
      name: "SwiftLossTests",
      // The teaching tests read the traces and reports as the front end lays them out.
      dependencies: ["SwiftLoss", "SwiftLossCLI"],
      resources: [.copy("Fixtures")]
    ),
    .testTarget(
      name: "SwiftLossCLITests",
      dependencies: ["SwiftLossCLI", "swiftloss", "SwiftLoss"]
    ),
  ],
  swiftLanguageModes: [.v6]
)
