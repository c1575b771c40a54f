import Foundation
import Testing

@testable import SwiftLoss
@testable import SwiftLossCLI

/// The lesson pages in a real browser: headless Chromium (Debian's `chromium`, which `.ci/run`
/// installs when it is missing) loads every loss's page once, as XHTML (the page is polyglot
/// markup, so the browser's strict XML parser reads it: a `parsererror` element in the dumped DOM
/// would show any malformed MathML or SVG), dumps the DOM and takes a screenshot in the same run.
/// The page must log nothing to the console, and the screenshot must have the window's size and
/// far more content than a blank page's. One page is also loaded as HTML, as a user opens it.
/// Skipped, with a message, when no chromium is installed.
@Suite(.serialized) struct LessonPageBrowserTests {
  /// Debian's binary itself when present (its /usr/bin/chromium wrapper script only adds start-up time).
  static let browser: String? = [
    "/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
  ].first { FileManager.default.isExecutableFile(atPath: $0) }
  static let window = (width: 1200, height: 1800)

  /// Runs the browser headless on `url`; returns (stdout, stderr).
  static func browse(_ arguments: [String], profile: URL) throws -> (out: String, err: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: browser ?? "/usr/bin/chromium")
    process.arguments =
      [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
        "--user-data-dir=" + profile.path,
      ] + arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read both pipes while it runs (a full pipe would stall it).
    let errors = LockedResults(count: 1)
    let handle = err.fileHandleForReading
    let reader = Thread {
      errors.set(0, .success(("", String(decoding: handle.readDataToEndOfFile(), as: UTF8.self))))
    }
    reader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !reader.isFinished { usleep(1000) }
    let errText = (try? errors.get(0)?.get().err) ?? ""
    return (String(decoding: outData, as: UTF8.self), errText)
  }

  /// Width and height from a PNG's IHDR chunk.
  static func pngSize(_ data: Data) -> (width: Int, height: Int)? {
    let bytes = [UInt8](data)
    guard bytes.count > 24, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
      String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR"
    else { return nil }
    func be(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
    return (be(16), be(20))
  }

  /// One page per registered loss: the call's trace where the classroom tests have a call for
  /// the loss, else `explain LOSS --html`.
  static func pages() -> [(name: String, html: String)] {
    LossRegistry.all.map { definition in
      if let call = ClassroomTests.calls.first(where: {
        LossRegistry.lookup($0[0])?.functionalName == definition.functionalName
      }) {
        return (definition.shortName, ClassroomTests.run(call + ["--explain", "--html"]).out)
      }
      return (definition.shortName, ClassroomTests.run(["explain", definition.shortName, "--html"]).out)
    }
  }

  @Test(.enabled(if: browser != nil, "chromium is not installed (apt-get install chromium; .ci/run installs it)"))
  func everyLessonPageLoadsCleanlyInChromium() throws {
    let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
      "swiftloss-lessons-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let blank = directory.appendingPathComponent("blank.html")
    try Data("<!DOCTYPE html><html><body></body></html>".utf8).write(to: blank)
    let pages = Self.pages()
    for page in pages {
      try Data(page.html.utf8).write(to: directory.appendingPathComponent(page.name + ".html"))
      try Data(page.html.utf8).write(to: directory.appendingPathComponent(page.name + ".xhtml"))
    }
    let size = "--window-size=\(Self.window.width),\(Self.window.height)"
    func screenshot(_ name: String) -> String { "--screenshot=" + directory.appendingPathComponent(name + ".png").path }
    // One run per page; several run at once (the browser mostly waits).
    var jobs: [(name: String, arguments: [String])] = [("blank", [screenshot("blank"), size, blank.absoluteString])]
    for page in pages {
      let file = directory.appendingPathComponent(page.name + ".xhtml").absoluteString
      jobs.append((page.name, ["--enable-logging=stderr", "--v=0", "--dump-dom", screenshot(page.name), size, file]))
    }
    if let first = pages.first {
      let file = directory.appendingPathComponent(first.name + ".html").absoluteString
      jobs.append(
        (first.name + ".html", ["--enable-logging=stderr", "--v=0", screenshot(first.name + ".html"), size, file]))
    }
    let results = LockedResults(count: jobs.count)
    let arguments = jobs.map(\.arguments)
    let workers = 8
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      for index in stride(from: worker, to: arguments.count, by: workers) {
        let profile = directory.appendingPathComponent("profile-\(index)")
        results.set(index, Result { try Self.browse(arguments[index], profile: profile) })
      }
    }
    let blankBytes = try Data(contentsOf: directory.appendingPathComponent("blank.png")).count
    for (index, job) in jobs.enumerated() where job.name != "blank" {
      let output = try #require(try results.get(index)?.get(), "\(job.name) did not run")
      if !job.name.hasSuffix(".html") {
        #expect(output.out.contains("<math") && output.out.contains("</html>"), "\(job.name): no DOM")
        #expect(
          !output.out.contains("parsererror"),
          "\(job.name): the browser's XML parser failed:\n\(output.out.prefix(2000))")
      }
      let console = output.err.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }
      #expect(console.isEmpty, "\(job.name): console messages:\n\(console.joined(separator: "\n"))")
      let png = try Data(contentsOf: directory.appendingPathComponent(job.name + ".png"))
      let dimensions = try #require(Self.pngSize(png), "\(job.name): not a PNG")
      #expect(
        dimensions.width == Self.window.width && dimensions.height == Self.window.height, "\(job.name): \(dimensions)")
      // A blank page compresses to almost nothing; text, tables and a plot do not.
      #expect(png.count > 8 * blankBytes, "\(job.name): \(png.count) bytes against a blank page's \(blankBytes)")
    }
  }

  final class LockedResults: @unchecked Sendable {
    private var results: [Result<(out: String, err: String), Error>?]
    private let lock = NSLock()
    init(count: Int) { results = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ result: Result<(out: String, err: String), Error>) {
      lock.withLock { results[index] = result }
    }
    func get(_ index: Int) -> Result<(out: String, err: String), Error>? { lock.withLock { results[index] } }
  }
}
