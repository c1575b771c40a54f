import Foundation
import SwiftLoss
import Testing

/// The manual page and README cannot drift from the registry: every loss, tensor flag and option
/// the binary knows must be documented (regenerate with `man/generate-loss-docs.py`).
@Suite struct DocumentationTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  static func read(_ path: String) throws -> String {
    try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
  }

  /// How a flag or name is spelt in roff source: hyphens escaped.
  static func roff(_ text: String) -> String { text.replacingOccurrences(of: "-", with: "\\-") }

  @Test func manPageDocumentsEveryLossTensorAndOption() throws {
    let page = try Self.read("man/swiftloss.1")
    for loss in LossRegistry.all {
      #expect(
        page.contains(".SS \(Self.roff(loss.functionalName))"), "man page lacks a section for \(loss.functionalName)")
      for name in [loss.moduleName] + loss.aliases {
        #expect(page.contains(Self.roff(name)), "man page lacks the name \(name)")
      }
      for tensor in loss.tensors {
        #expect(page.contains(Self.roff(tensor.flag)), "man page lacks \(tensor.flag) of \(loss.functionalName)")
      }
      for option in loss.options {
        #expect(page.contains(Self.roff(option.flag)), "man page lacks \(option.flag) of \(loss.functionalName)")
      }
    }
  }

  @Test func readmeListsEveryLoss() throws {
    let readme = try Self.read("README.md")
    for loss in LossRegistry.all {
      #expect(readme.contains("| `\(loss.functionalName)` |"), "README's loss table lacks \(loss.functionalName)")
    }
  }

  @Test func manPageHasTheRequiredSections() throws {
    let page = try Self.read("man/swiftloss.1")
    for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "EXAMPLES", "SEE ALSO"] {
      #expect(page.contains(".SH \(section)"), "man page lacks \(section)")
    }
  }
}
