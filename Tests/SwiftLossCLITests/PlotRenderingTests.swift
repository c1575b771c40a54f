import Foundation
import Testing

@testable import SwiftLoss
@testable import SwiftLossCLI

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The terminal and SVG renderings of a plot (front end), from the engine's plot data.
@Suite struct PlotRenderingTests {
  @Test func terminalPlotHasAxesLegendAndColourOnlyWhenAsked() throws {
    let losses = ["huber", "mse"].compactMap(LossRegistry.lookup)
    let data = try LossPlot.evaluate(losses, points: 128)
    let plain = TerminalPlot.render(data, width: 64, height: 12, color: false)
    #expect(!plain.contains("\u{1B}["))
    #expect(plain.contains("└") && plain.contains("┤"))
    #expect(plain.contains("[1] huber") && plain.contains("[2] mse"))
    // Drawn with characters every font has (no braille): the heights of a cell are ¯ - _.
    #expect(plain.contains("¯") && plain.contains("_"))
    #expect(!plain.unicodeScalars.contains { $0.value >= 0x2800 && $0.value <= 0x28FF })
    let coloured = TerminalPlot.render(data, width: 64, height: 12, color: true)
    #expect(coloured.contains("\u{1B}[34m"))
  }

  @Test func colourPolicy() {
    #expect(ColorChoice.auto.enabled(isTerminal: true, environment: [:]))
    #expect(!ColorChoice.auto.enabled(isTerminal: false, environment: [:]))
    #expect(!ColorChoice.auto.enabled(isTerminal: true, environment: ["NO_COLOR": "1"]))
    #expect(ColorChoice.auto.enabled(isTerminal: true, environment: ["NO_COLOR": ""]))
    #expect(!ColorChoice.auto.enabled(isTerminal: true, environment: ["TERM": "dumb"]))
    #expect(ColorChoice.always.enabled(isTerminal: false, environment: ["NO_COLOR": "1"]))
    #expect(!ColorChoice.never.enabled(isTerminal: true, environment: [:]))
  }

  @Test func svgIsWellFormedWithOnePathPerCurve() throws {
    let losses = ["huber", "smooth_l1", "mse", "l1"].compactMap(LossRegistry.lookup)
    let data = try LossPlot.evaluate(losses, range: -3...3)
    let svg = SVGPlot.render(data)
    let document = try XMLDocument(data: Data(svg.utf8))
    let paths = try document.nodes(forXPath: "//*[local-name()='path']")
    #expect(paths.count == 4)
    #expect(svg.contains("huber") && svg.contains("prediction error x − y"))
    let withDerivative = SVGPlot.render(try LossPlot.evaluate(losses, derivative: true))
    let derivativeDocument = try XMLDocument(data: Data(withDerivative.utf8))
    #expect(try derivativeDocument.nodes(forXPath: "//*[local-name()='path']").count == 8)
  }
}
