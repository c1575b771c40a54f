import Foundation
import Testing

/// Every command shown in `examples/**/README.md` runs against the built binary, so the lessons
/// cannot rot: a command succeeds, or fails with a usage/data status where its comment says it
/// demonstrates an error.
@Suite struct ExamplesTests {
  struct ExampleCommand: CustomTestStringConvertible, Sendable {
    var file: String
    var command: String
    var expectsError: Bool
    var testDescription: String { "\(file): \(command.prefix(90))" }
  }

  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// Shell commands in ```sh blocks that invoke swiftloss, with continuation lines joined.
  static let commands: [ExampleCommand] = {
    let examples = root.appendingPathComponent("examples")
    guard let walker = FileManager.default.enumerator(atPath: examples.path) else { return [] }
    var found: [ExampleCommand] = []
    for case let relative as String in walker where relative.hasSuffix("README.md") {
      guard let text = try? String(contentsOf: examples.appendingPathComponent(relative), encoding: .utf8) else {
        continue
      }
      var inBlock = false
      var lastComment = ""
      var pending = ""
      for rawLine in text.components(separatedBy: "\n") {
        let line = rawLine.trimmingCharacters(in: .whitespaces)
        if line.hasPrefix("```") {
          inBlock = !inBlock && (line == "```sh" || line == "```bash" || line == "```console")
          lastComment = ""
          pending = ""
          continue
        }
        guard inBlock else { continue }
        if line.hasPrefix("#") { lastComment = line; continue }
        var command = line.hasPrefix("$ ") ? String(line.dropFirst(2)) : line
        if !pending.isEmpty { command = pending + " " + command }
        if command.hasSuffix("\\") || command.hasSuffix("|") {
          pending = command.hasSuffix("\\") ? String(command.dropLast()) : command
          continue
        }
        pending = ""
        guard command.contains("swiftloss "), !command.contains("python3"), !command.contains("fpath"),
          !command.contains("~/"), !command.contains("completions bash >")
        else { continue }
        let errorNote =
          lastComment.lowercased() + " " + (command.components(separatedBy: " # ").dropFirst().first ?? "")
        found.append(
          ExampleCommand(
            file: "examples/" + relative, command: command,
            expectsError: errorNote.contains("error") || errorNote.contains("exit status 1")
              || errorNote.contains("exit status 2")))
      }
    }
    return found
  }()

  @Test func examplesHaveCommands() {
    #expect(Self.commands.count >= 30, "found only \(Self.commands.count) example commands")
  }

  @Test(arguments: commands)
  func exampleCommandRuns(_ example: ExampleCommand) throws {
    let binary = "'" + builtBinary.path + "'"
    var shellCommand = example.command
      .replacingOccurrences(of: "swift run -c release swiftloss", with: binary)
      .replacingOccurrences(of: "swift run swiftloss", with: binary)
      .replacingOccurrences(of: "| swiftloss ", with: "| \(binary) ")
    // The lesson in examples/README.md uses an installed `swiftloss`.
    if shellCommand.hasPrefix("swiftloss ") { shellCommand = binary + shellCommand.dropFirst("swiftloss".count) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", shellCommand + " > /dev/null 2> /dev/null"]
    process.currentDirectoryURL = Self.root
    try process.run()
    process.waitUntilExit()
    let status = process.terminationStatus
    #expect(process.terminationReason == .exit, "crashed: \(example.command)")
    if example.expectsError {
      #expect(status == 1 || status == 2, "expected a usage or data error (\(status)): \(example.command)")
    } else {
      #expect(status == 0, "exit status \(status): \(example.command)")
    }
  }
}
