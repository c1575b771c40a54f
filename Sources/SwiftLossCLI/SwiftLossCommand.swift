import SwiftLoss

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The `swiftloss` command, callable in-process: `run` takes argv and the I/O to use and returns
/// the exit status; it never exits or traps on bad input.
public enum SwiftLossCommand {
  /// Runs the command with the process's arguments and streams, and exits with its status.
  public static func main() -> Never {
    OutputBuffer.prepare()
    exit(run(arguments: Array(CommandLine.arguments.dropFirst()), io: .standard))
  }

  /// Runs `swiftloss` with `arguments` (without the program name). Output goes to
  /// `io.standardOutput` only on success; errors are one line on `io.standardError`.
  /// - Returns: 0 on success, 1 for bad data or a write error, 2 for a usage error.
  public static func run(arguments: [String], io: CommandIO) -> Int32 {
    do throws(CommandError) {
      switch try Invocation.parse(arguments) {
      case .version:
        try emit("swiftloss \(Invocation.versionNumber)\n", io: io)
      case .help(let definition):
        let width = io.textWidth
        try emit(
          fitted(definition.map { HelpText.loss($0, width: width) } ?? HelpText.general(width: width), io), io: io)
      case .explain(let definition, let html):
        try emit(
          html ? LessonPage.render(definition) : fitted(Teaching.explain(definition, width: io.textWidth), io), io: io)
      case .list(let format):
        try emit(format == .json ? ListText.json() : fitted(LossCatalog.text(width: io.textWidth), io), io: io)
      case .plot(let request):
        try emit(try request.run(io: io), io: io)
      case .completions(let shell):
        try emit(Completions.script(shell, CompletionsCommand.model), io: io)
      case .compute(let request):
        let outcome = try ComputeCommand(request: request, io: io).run()
        for warning in outcome.warnings {
          try? io.standardError.write(Diagnostics.warning(warning))
        }
        if let path = request.global.output, path != "-" {
          try AtomicFile.write(to: path) { sink throws(OutputError) in try outcome.output.write(to: sink) }
        } else {
          do { try outcome.output.write(to: io.standardOutput) } catch { throw CommandError.write(error) }
        }
      case .batch(let command):
        return try command.run(io: io)
      }
      return 0
    } catch {
      let (message, status) = Diagnostics.describe(error)
      try? io.standardError.write(message)
      return status
    }
  }

  /// Text for people, every line made to fit the output's width (the texts are laid out to it
  /// already; this catches any line that is not).
  static func fitted(_ text: String, _ io: CommandIO) -> String { TextLayout.layout(text: text, width: io.textWidth) }

  private static func emit(_ text: String, io: CommandIO) throws(CommandError) {
    do { try io.standardOutput.write(text) } catch { throw CommandError.write(error) }
  }
}
