import Foundation
import SwiftLoss
import Testing

@testable import SwiftLossCLI

@Suite struct CompletionTests {
  static let model = Completions.Model(
    subcommands: [
      ("list", "every loss"), ("explain", "explain a loss"), ("help", "usage"), ("plot", "plot losses"),
      ("completions", "shell completion"),
    ],
    computeFlags: [
      .init("--format", .words(["text", "json"]), "output format"), .init("--show", .text, "what to print"),
      .init("--data", .file, "a JSON object of tensors"), .init("--explain", .none, "trace the computation"),
    ],
    plotFlags: [
      .init("--range", .text, "A:B"), .init("--derivative", .none, "also the derivative"),
      .init("--svg", .file, "write an SVG"),
    ])

  @Test(arguments: Completions.Shell.allCases)
  func everyLossAndFlagIsThere(_ shell: Completions.Shell) {
    let script = Completions.script(shell, Self.model)
    for definition in LossRegistry.all {
      #expect(script.contains(definition.functionalName) && script.contains(definition.moduleName))
      for alias in definition.aliases { #expect(script.contains(alias)) }
      for tensor in definition.tensors {
        #expect(script.contains(shell == .fish ? "-l " + tensor.flag.dropFirst(2) : tensor.flag))
      }
      for option in definition.options {
        #expect(script.contains(shell == .fish ? "-l " + option.flag.dropFirst(2) : option.flag))
      }
    }
    #expect(script.contains("batchmean"))
  }

  @Test func bashScriptIsSyntacticallyValidAndCompletes() throws {
    let script = Completions.script(.bash, Self.model)
    let check = try runProgram("/bin/bash", ["-n"], input: script)
    #expect(check.status == 0, "\(check.output)")
    let probe =
      script + """

        COMP_WORDS=(swiftloss sm); COMP_CWORD=1; _swiftloss; printf '%s\\n' "${COMPREPLY[@]}"
        COMP_WORDS=(swiftloss kl --reduction ''); COMP_CWORD=3; _swiftloss; printf '%s\\n' "${COMPREPLY[@]}"
        COMP_WORDS=(swiftloss --format json Huber-Loss --de); COMP_CWORD=4; _swiftloss; printf '%s\\n' "${COMPREPLY[@]}"
        COMP_WORDS=(swiftloss plot hu); COMP_CWORD=2; _swiftloss; printf '%s\\n' "${COMPREPLY[@]}"
        """
    let run = try runProgram("/bin/bash", [], input: probe)
    #expect(run.status == 0, "\(run.output)")
    let lines = Set(run.output.split(separator: "\n").map(String.init))
    #expect(
      lines.contains("smooth_l1_loss") && lines.contains("batchmean") && lines.contains("--delta")
        && lines.contains("huber"))
  }

  @Test func zshAndFishParseWhenInstalled() throws {
    for (shell, path, flag) in [
      (Completions.Shell.zsh, "/usr/bin/zsh", "-n"), (.fish, "/usr/bin/fish", "--no-execute"),
    ]
    where FileManager.default.isExecutableFile(atPath: path) {
      let check = try runProgram(path, [flag], input: Completions.script(shell, Self.model))
      #expect(check.status == 0, "\(shell): \(check.output)")
    }
  }
}
