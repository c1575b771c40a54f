import SwiftLoss

#if canImport(Glibc)
  import Glibc
#endif

/// Whether to colour terminal output: `--color always|never|auto`; `auto` means only on a terminal,
/// never when `NO_COLOR` is set to a non-empty value or `TERM` is `dumb` (no-color.org). An
/// explicit `always` wins over the environment, as in jq and ripgrep.
enum ColorChoice: String, Sendable, CaseIterable {
  case auto, always, never

  func enabled(isTerminal: Bool, environment: [String: String]) -> Bool {
    switch self {
    case .always: return true
    case .never: return false
    case .auto:
      if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
      if environment["TERM"] == "dumb" { return false }
      return isTerminal
    }
  }
}

/// Axis arithmetic shared by the terminal and SVG plots.
enum PlotScale {
  /// The finite extent of `series`, padded a little, and always including 0.
  static func yRange(_ series: [[Double]]) -> ClosedRange<Double> {
    var low = 0.0, high = 0.0
    for values in series { for v in values where v.isFinite { low = min(low, v); high = max(high, v) } }
    if high - low < 1e-12 { return (low - 1)...(high + 1) }
    let pad = (high - low) * 0.04
    return (low == 0 ? 0 : low - pad)...(high + pad)
  }

  /// "Nice" tick positions (steps of 1, 2 or 5 × 10^k) inside `range`, about `target` of them.
  static func ticks(_ range: ClosedRange<Double>, target: Int) -> [Double] {
    let span = range.upperBound - range.lowerBound
    guard span > 0, span.isFinite else { return [range.lowerBound] }
    let raw = span / Double(max(1, target))
    let magnitude = pow(10, floor(log10(raw)))
    // The 1-2-5 step whose tick count is closest to the target.
    let candidates = [0.5, 1, 2, 5, 10, 20].map { $0 * magnitude }
    let step = candidates.min { abs(span / $0 - Double(target)) < abs(span / $1 - Double(target)) } ?? magnitude
    var ticks: [Double] = []
    var k = ceil(range.lowerBound / step)
    while k * step <= range.upperBound + step * 1e-9, ticks.count < 50 {
      let value = k * step
      ticks.append(abs(value) < step * 1e-9 ? 0 : value)
      k += 1
    }
    return ticks
  }

  /// A tick label: integers without a point, else up to 3 significant decimals.
  static func label(_ value: Double) -> String {
    // Huge (or non-finite) values in exponent notation: never through Int, never trimmed.
    guard abs(value) < 1e12 else { return TraceNumber.short(value) }
    if value == value.rounded() && abs(value) < 1e9 { return String(Int(value)) }
    var text = String(format3: value)
    while text.contains(".") && (text.hasSuffix("0") || text.hasSuffix(".")) { text.removeLast() }
    return text
  }
}

extension String {
  /// `value` with 3 digits after the point (no Foundation).
  init(format3 value: Double) {
    // Beyond Int's range (or non-finite), the value is shown in exponent notation instead.
    guard abs(value) < 1e12 else {
      self = TraceNumber.short(value)
      return
    }
    let scaled = (value * 1000).rounded()
    let negative = scaled < 0
    let magnitude = Int(abs(scaled))
    let whole = magnitude / 1000, fraction = magnitude % 1000
    let digits = String(fraction)
    self = (negative ? "-" : "") + String(whole) + "." + String(repeating: "0", count: 3 - digits.count) + digits
  }
}

/// The terminal plot, drawn only with characters every monospace and console font has: each cell
/// holds `¯`, `-` or `_` (three heights per line), steep parts are joined with `│`, then axes with
/// labels and a legend, all within `width` columns. Colour (ANSI) only when asked; without colour,
/// several curves carry their number at a few points (a single curve needs none). A curve that
/// coincides with an earlier one is named so in the legend, and every other curve keeps at least
/// one visible cell.
enum TerminalPlot {
  static let palette = ["34", "31", "32", "35", "33", "36", "94", "91"]

  /// - Parameters:
  ///   - width: the whole plot's width in columns, axis labels included.
  ///   - height: the loss panel's height in lines (the derivative panel is 3/4 of it).
  static func render(_ data: PlotData, width: Int = 80, height: Int = 16, color: Bool) -> String {
    let width = max(24, width)
    let xs = data.curves.first?.xs ?? []
    var panels: [(title: String, series: [[Double]], height: Int)] = [
      ("loss vs \(data.kind.label)", data.curves.map(\.ys), height)
    ]
    if data.hasDerivative {
      let variable = data.kind == .error ? "x" : "t"
      panels.append(
        ("derivative d loss / d \(variable)", data.curves.map { $0.derivative ?? [] }, max(4, height * 3 / 4)))
    }
    // One label width for both panels, so that their x axes line up.
    let labelWidth = panels.map { panel in
      let ticks = PlotScale.ticks(PlotScale.yRange(panel.series), target: max(2, panel.height / 3))
      return ticks.map { PlotScale.label($0).count }.max() ?? 0
    }.reduce(4, max)
    let area = max(8, width - labelWidth - 2)
    let distinct = data.curves.filter { $0.coincidesWith == nil }.count
    let marks = !color && distinct > 1
    var out: [String] = []
    for (index, panel) in panels.enumerated() {
      if index > 0 { out.append("") }
      out += TextLayout.fit(panel.title, width: width)
      out += self.panel(
        panel.series, xs: xs, range: data.range, width: area, height: panel.height, labelWidth: labelWidth,
        color: color, marks: marks, hidden: data.curves.map { $0.coincidesWith != nil })
    }
    out.append("")
    for (index, curve) in data.curves.enumerated() {
      let swatch: String
      if color {
        swatch = "\u{1B}[\(palette[index % palette.count])m━━\u{1B}[0m"
      } else {
        swatch = marks ? "[\(marker(index))]" : "──"
      }
      var text = curve.label
      if let other = curve.coincidesWith { text += " (the same curve as \(other) here)" }
      // The colour codes take no columns: wrap the text as if the swatch were two characters.
      let lines = TextLayout.wrap(
        text, width: width, firstPrefix: "  " + (color ? "--" : swatch) + " ", prefix: "       ")
      out += lines.enumerated().map { index, line in
        index == 0 && color ? "  " + swatch + String(line.dropFirst(4)) : line
      }
    }
    return out.joined(separator: "\n") + "\n"
  }

  /// The one-character mark of curve `index` inside the plot and in the legend: `1`…`9`, then
  /// `a`…`z`, then `*` (a multi-digit number would not fit one cell).
  static func marker(_ index: Int) -> Character {
    let marks = Array("123456789abcdefghijklmnopqrstuvwxyz")
    return index >= 0 && index < marks.count ? marks[index] : "*"
  }

  /// One chart: `height` lines of `width` cells after a y axis `labelWidth + 2` wide, then the x
  /// axis and its labels.
  static func panel(
    _ series: [[Double]], xs: [Double], range: ClosedRange<Double>, width: Int, height: Int, labelWidth: Int,
    color: Bool, marks: Bool, hidden: [Bool]
  ) -> [String] {
    let levels = height * 3
    let yRange = PlotScale.yRange(series)
    var glyphs = [[Character?]](repeating: [Character?](repeating: nil, count: width), count: height)
    var owner = [[Int]](repeating: [Int](repeating: -1, count: width), count: height)
    var cells: [[(row: Int, column: Int)]] = []
    func level(_ y: Double) -> Int? {
      guard y.isFinite else { return nil }
      let f = (yRange.upperBound - y) / (yRange.upperBound - yRange.lowerBound) * Double(levels - 1)
      return Int(max(0, min(Double(levels - 1), f.rounded())))
    }
    for (curveIndex, ys) in series.enumerated() {
      var mine: [(row: Int, column: Int)] = []
      // A curve that coincides with an earlier one is not drawn over it (the legend says so).
      if hidden[curveIndex] {
        cells.append(mine)
        continue
      }
      var previousRow: Int?
      for column in 0..<width where !ys.isEmpty {
        // The sample nearest this column.
        let sample = Int((Double(column) / Double(max(1, width - 1)) * Double(ys.count - 1)).rounded())
        guard sample < ys.count, let sub = level(ys[sample]) else { previousRow = nil; continue }
        let row = sub / 3
        let glyph: Character = sub % 3 == 0 ? "¯" : sub % 3 == 1 ? "-" : "_"
        func put(_ r: Int, _ g: Character) {
          glyphs[r][column] = g
          owner[r][column] = curveIndex
          mine.append((r, column))
        }
        // Join a steep step to the previous column with a vertical line.
        if let previous = previousRow, abs(previous - row) > 1 {
          for r in (min(previous, row) + 1)..<max(previous, row) { put(r, "│") }
        }
        put(row, glyph)
        previousRow = row
      }
      cells.append(mine)
    }
    // A distinct curve hidden everywhere under later ones gets back a few of its cells.
    for (curveIndex, mine) in cells.enumerated() where !hidden[curveIndex] && !mine.isEmpty {
      let owned = mine.filter { owner[$0.row][$0.column] == curveIndex }
      guard owned.isEmpty else { continue }
      for k in 1...3 {
        let cell = mine[mine.count * k / 4 < mine.count ? mine.count * k / 4 : mine.count - 1]
        owner[cell.row][cell.column] = curveIndex
      }
    }
    // Without colour, several curves carry their number at a few of their own cells, staggered.
    if marks {
      for (curveIndex, mine) in cells.enumerated() where !hidden[curveIndex] {
        let owned = mine.filter { owner[$0.row][$0.column] == curveIndex && glyphs[$0.row][$0.column] != "│" }
        guard !owned.isEmpty else { continue }
        let count = 3
        for k in 0..<count {
          let fraction = (Double(k) + 0.5 + 0.23 * Double(curveIndex % 4)) / Double(count)
          let cell = owned[min(owned.count - 1, Int(fraction * Double(owned.count)))]
          glyphs[cell.row][cell.column] = marker(curveIndex)
        }
      }
    }
    let yTicks = PlotScale.ticks(yRange, target: max(2, height / 3))
    var tickRows: [Int: String] = [:]
    for tick in yTicks {
      if let sub = level(tick) { tickRows[sub / 3] = PlotScale.label(tick) }
    }
    let zeroRow = level(0).map { $0 / 3 }
    var lines: [String] = []
    for cellY in 0..<height {
      var line = ""
      if let label = tickRows[cellY] {
        line += String(repeating: " ", count: max(0, labelWidth - label.count)) + label + " ┤"
      } else {
        line += String(repeating: " ", count: labelWidth) + " │"
      }
      for cellX in 0..<width {
        guard let glyph = glyphs[cellY][cellX] else {
          line += cellY == zeroRow ? "·" : " "
          continue
        }
        if color, owner[cellY][cellX] >= 0 {
          line += "\u{1B}[\(palette[owner[cellY][cellX] % palette.count])m" + String(glyph) + "\u{1B}[0m"
        } else {
          line.append(glyph)
        }
      }
      lines.append(line.trimmingTrailingSpaces())
    }
    // The x axis: a line with ticks, then labels under them, all inside the plot's width.
    let xTicks = PlotScale.ticks(range, target: max(2, width / 8))
    var axis = [Character](repeating: "─", count: width)
    var labelLine = [Character](repeating: " ", count: width)
    for tick in xTicks {
      let position = ((tick - range.lowerBound) / (range.upperBound - range.lowerBound) * Double(width - 1)).rounded()
      guard position >= 0, position < Double(width) else { continue }  // also false for NaN
      let cellX = Int(position)
      axis[cellX] = "┬"
      let text = Array(PlotScale.label(tick))
      guard text.count <= width else { continue }
      let start = max(0, min(width - text.count, cellX - text.count / 2))
      if labelLine[max(0, start - 1)..<min(labelLine.count, start + text.count + 1)].allSatisfy({ $0 == " " }) {
        for (offset, character) in text.enumerated() { labelLine[start + offset] = character }
      }
    }
    lines.append(String(repeating: " ", count: labelWidth) + " └" + String(axis))
    lines.append(String(repeating: " ", count: labelWidth + 2) + String(labelLine).trimmingTrailingSpaces())
    return lines
  }
}

/// A standalone SVG of the plot: white background, grid, axes with ticks and labels, one path per
/// curve (dashed in the derivative panel), a legend.
enum SVGPlot {
  static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]

  /// - Parameter standalone: with the XML declaration (an `.svg` file); without it for inline use
  ///   in an HTML page, where the page's stylesheet may recolour it (class names below).
  static func render(_ data: PlotData, title: String? = nil, standalone: Bool = true) -> String {
    // The legend's column is as wide as its longest label (about 7 px per character at 12 px).
    let longest = data.curves.map(\.label.count).max() ?? 0
    let right = max(200.0, 60 + 7.2 * Double(longest))
    let panelHeight = 340.0, left = 64.0, top = 44.0, bottom = 52.0, gap = 64.0
    let width = 560.0 + right
    let panels = data.hasDerivative ? 2 : 1
    let height = top + Double(panels) * panelHeight + Double(panels - 1) * gap + bottom
    let plotWidth = width - left - right
    var svg: [String] = []
    if standalone { svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>") }
    svg.append(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" "
        + "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">")
    let heading = title ?? ("loss vs " + data.kind.label)
    svg.append("  <title>\(escape(heading))</title>")
    svg.append(
      "  <rect x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"white\" class=\"background\"/>")
    svg.append("  <text x=\"\(n(left))\" y=\"24\" font-size=\"15\" font-weight=\"bold\">\(escape(heading))</text>")
    for panel in 0..<panels {
      let y0 = top + Double(panel) * (panelHeight + gap)
      let series = data.curves.map { panel == 0 ? $0.ys : ($0.derivative ?? []) }
      let yRange = PlotScale.yRange(series)
      let px = { (x: Double) in
        left + (x - data.range.lowerBound) / (data.range.upperBound - data.range.lowerBound) * plotWidth
      }
      let py = { (y: Double) in y0 + (yRange.upperBound - y) / (yRange.upperBound - yRange.lowerBound) * panelHeight }
      let clip = "plot-area-\(panel)"
      svg.append(
        "  <clipPath id=\"\(clip)\"><rect x=\"\(n(left))\" y=\"\(n(y0))\" width=\"\(n(plotWidth))\" height=\"\(n(panelHeight))\"/></clipPath>"
      )
      svg.append("  <g class=\"grid\" stroke=\"#e6e6e6\" stroke-width=\"1\">")
      let xTicks = PlotScale.ticks(data.range, target: 8), yTicks = PlotScale.ticks(yRange, target: 6)
      for tick in xTicks {
        svg.append(
          "    <line x1=\"\(n(px(tick)))\" y1=\"\(n(y0))\" x2=\"\(n(px(tick)))\" y2=\"\(n(y0 + panelHeight))\"/>")
      }
      for tick in yTicks {
        svg.append(
          "    <line x1=\"\(n(left))\" y1=\"\(n(py(tick)))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(py(tick)))\"/>")
      }
      svg.append("  </g>")
      svg.append("  <g class=\"axes\" stroke=\"#333333\" stroke-width=\"1\">")
      svg.append(
        "    <rect x=\"\(n(left))\" y=\"\(n(y0))\" width=\"\(n(plotWidth))\" height=\"\(n(panelHeight))\" fill=\"none\"/>"
      )
      if yRange.contains(0) {
        svg.append(
          "    <line x1=\"\(n(left))\" y1=\"\(n(py(0)))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(py(0)))\" stroke=\"#888888\"/>"
        )
      }
      if data.range.contains(0) {
        svg.append(
          "    <line x1=\"\(n(px(0)))\" y1=\"\(n(y0))\" x2=\"\(n(px(0)))\" y2=\"\(n(y0 + panelHeight))\" stroke=\"#888888\"/>"
        )
      }
      for tick in xTicks {
        svg.append(
          "    <line x1=\"\(n(px(tick)))\" y1=\"\(n(y0 + panelHeight))\" x2=\"\(n(px(tick)))\" y2=\"\(n(y0 + panelHeight + 5))\"/>"
        )
      }
      for tick in yTicks {
        svg.append("    <line x1=\"\(n(left - 5))\" y1=\"\(n(py(tick)))\" x2=\"\(n(left))\" y2=\"\(n(py(tick)))\"/>")
      }
      svg.append("  </g>")
      svg.append("  <g class=\"tick-labels\" fill=\"#333333\">")
      for tick in xTicks {
        svg.append(
          "    <text x=\"\(n(px(tick)))\" y=\"\(n(y0 + panelHeight + 18))\" text-anchor=\"middle\">\(escape(PlotScale.label(tick)))</text>"
        )
      }
      for tick in yTicks {
        svg.append(
          "    <text x=\"\(n(left - 8))\" y=\"\(n(py(tick) + 4))\" text-anchor=\"end\">\(escape(PlotScale.label(tick)))</text>"
        )
      }
      svg.append("  </g>")
      let yLabel = panel == 0 ? "loss" : "d loss / d " + (data.kind == .error ? "x" : "t")
      svg.append(
        "  <text x=\"16\" y=\"\(n(y0 + panelHeight / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(n(y0 + panelHeight / 2)))\">\(escape(yLabel))</text>"
      )
      svg.append(
        "  <text x=\"\(n(left + plotWidth / 2))\" y=\"\(n(y0 + panelHeight + 38))\" text-anchor=\"middle\">\(escape(data.kind.label))</text>"
      )
      svg.append(
        "  <g class=\"curves\" clip-path=\"url(#\(clip))\" fill=\"none\" stroke-linejoin=\"round\" stroke-linecap=\"round\">"
      )
      for (index, curve) in data.curves.enumerated() {
        let ys = series[index]
        var d = ""
        var penDown = false
        for (x, y) in zip(curve.xs, ys) {
          guard y.isFinite else { penDown = false; continue }
          // Points far outside the panel are pulled to its edge so the path stays small and clipped.
          let yy = min(y0 + panelHeight + 10, max(y0 - 10, py(y)))
          d += (d.isEmpty ? "" : " ") + (penDown ? "L" : "M") + n(px(x)) + " " + n(yy)
          penDown = true
        }
        let dash = panel == 1 || curve.coincidesWith != nil ? " stroke-dasharray=\"6 3\"" : ""
        // Earlier curves are drawn wider so that a curve hidden under a later one still shows.
        let width = 2 + 1.5 * Double(data.curves.count - 1 - index)
        svg.append(
          "    <path d=\"\(d)\" stroke=\"\(palette[index % palette.count])\" stroke-width=\"\(n(width))\"\(dash)><title>\(escape(curve.label))</title></path>"
        )
      }
      svg.append("  </g>")
      // The points of a real call: circles on the curve (and on its derivative).
      let marks = data.marks.compactMap { mark -> (Double, Double)? in
        let y = panel == 0 ? mark.y : mark.derivative
        guard let y, y.isFinite, yRange.contains(y), data.range.contains(mark.x) else { return nil }
        return (mark.x, y)
      }
      if !marks.isEmpty {
        svg.append("  <g class=\"marks\" fill=\"#d62728\" stroke=\"white\" stroke-width=\"1.5\">")
        for (x, y) in marks {
          svg.append(
            "    <circle cx=\"\(n(px(x)))\" cy=\"\(n(py(y)))\" r=\"6\"><title>\(escape("(\(TraceNumber.short(x)), \(TraceNumber.short(y)))"))</title></circle>"
          )
        }
        svg.append("  </g>")
      }
    }
    // Legend.
    svg.append("  <g class=\"legend\">")
    let legendX = left + plotWidth + 20
    for (index, curve) in data.curves.enumerated() {
      let y = top + 12 + Double(index) * 22
      svg.append(
        "    <line x1=\"\(n(legendX))\" y1=\"\(n(y))\" x2=\"\(n(legendX + 24))\" y2=\"\(n(y))\" stroke=\"\(palette[index % palette.count])\" stroke-width=\"3\"/>"
      )
      svg.append("    <text x=\"\(n(legendX + 32))\" y=\"\(n(y + 4))\">\(escape(curve.label))</text>")
      if let other = curve.coincidesWith {
        svg.append(
          "    <text x=\"\(n(legendX + 32))\" y=\"\(n(y + 18))\" font-size=\"10\">\(escape("= \(other) here"))</text>")
      }
    }
    if !data.marks.isEmpty {
      let y = top + 12 + Double(data.curves.count) * 22 + (data.curves.contains { $0.coincidesWith != nil } ? 14 : 0)
      svg.append("    <circle cx=\"\(n(legendX + 12))\" cy=\"\(n(y))\" r=\"6\" fill=\"#d62728\"/>")
      svg.append("    <text x=\"\(n(legendX + 32))\" y=\"\(n(y + 4))\">your elements</text>")
    }
    svg.append("  </g>")
    svg.append("</svg>")
    return svg.joined(separator: "\n") + "\n"
  }

  /// A coordinate with at most 2 decimals.
  static func n(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    guard abs(rounded) < 1e12 else { return rounded.isFinite ? NumberText.python(rounded) : "0" }
    if rounded == rounded.rounded() { return String(Int(rounded)) }
    var text = String(format3: rounded)
    while text.hasSuffix("0") { text.removeLast() }
    return text
  }

  static func escape(_ text: String) -> String {
    var out = ""
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(character)
      }
    }
    return out
  }
}
