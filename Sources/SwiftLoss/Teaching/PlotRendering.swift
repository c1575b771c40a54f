#if canImport(Glibc)
import Glibc
#endif

/// Whether to colour terminal output: `--color always|never|auto`; `auto` means only on a terminal,
/// never when `NO_COLOR` is set to a non-empty value or `TERM` is `dumb` (no-color.org). An
/// explicit `always` wins over the environment, as in jq and ripgrep.
public enum ColorChoice: String, Sendable, CaseIterable {
  case auto, always, never

  public func enabled(isTerminal: Bool, environment: [String: String]) -> Bool {
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

/// The terminal plot: braille dots (2×4 per character cell), a y axis with labels, an x axis with
/// labels, and a legend. Colour (ANSI) only when asked; without colour each curve carries its
/// number at a few points so overlaid curves stay distinguishable.
public enum TerminalPlot {
  static let palette = ["34", "31", "32", "35", "33", "36", "94", "91"]

  public static func render(_ data: PlotData, width: Int = 64, height: Int = 16, color: Bool) -> String {
    var out: [String] = []
    out.append("loss vs \(data.kind.label)")
    out += panel(data.curves.map(\.ys), xs: data.curves.first?.xs ?? [], range: data.range, width: width, height: height, color: color)
    if data.hasDerivative {
      out.append("")
      out.append("derivative d loss / d \(data.kind == .error ? "x" : "t")")
      out += panel(data.curves.map { $0.derivative ?? [] }, xs: data.curves.first?.xs ?? [], range: data.range,
        width: width, height: max(6, height * 3 / 4), color: color)
    }
    out.append("")
    for (index, curve) in data.curves.enumerated() {
      let swatch = color ? "\u{1B}[\(palette[index % palette.count])m━━\u{1B}[0m" : "[\(marker(index))]"
      out.append("  \(swatch) \(curve.label)")
    }
    return out.joined(separator: "\n") + "\n"
  }

  /// The one-character mark of curve `index` inside the plot and in the legend: `1`…`9`, then
  /// `a`…`z`, then `*` (a multi-digit number would not fit one cell).
  static func marker(_ index: Int) -> Character {
    let marks = Array("123456789abcdefghijklmnopqrstuvwxyz")
    return index >= 0 && index < marks.count ? marks[index] : "*"
  }

  /// One chart. The curves are sampled at every dot column (`2·width` columns).
  static func panel(_ series: [[Double]], xs: [Double], range: ClosedRange<Double>, width: Int, height: Int, color: Bool) -> [String] {
    let dotsX = width * 2, dotsY = height * 4
    let yRange = PlotScale.yRange(series)
    var bits = [[UInt8]](repeating: [UInt8](repeating: 0, count: width), count: height)
    var owner = [[Int]](repeating: [Int](repeating: -1, count: width), count: height)
    var labels = [[Character?]](repeating: [Character?](repeating: nil, count: width), count: height)
    func dotRow(_ y: Double) -> Int? {
      guard y.isFinite else { return nil }
      let f = (yRange.upperBound - y) / (yRange.upperBound - yRange.lowerBound) * Double(dotsY - 1)
      return Int(max(0, min(Double(dotsY - 1), f.rounded())))
    }
    for (curveIndex, ys) in series.enumerated() where !ys.isEmpty {
      var previous: Int?
      for column in 0..<dotsX {
        // The sample nearest this dot column.
        let sample = Int((Double(column) / Double(dotsX - 1) * Double(ys.count - 1)).rounded())
        guard sample < ys.count, let row = dotRow(ys[sample]) else { previous = nil; continue }
        let from = previous.map { min($0, row) } ?? row, to = previous.map { max($0, row) } ?? row
        // Fill the vertical gap to the previous sample (steep parts stay connected).
        let span = previous.map { abs($0 - row) } ?? 0
        for r in from...to where span <= 1 || r != (previous ?? row) || from == to {
          let cellX = column / 2, cellY = r / 4
          let bit: UInt8
          switch (column % 2, r % 4) {
          case (0, 3): bit = 0x40
          case (1, 3): bit = 0x80
          case (0, let k): bit = UInt8(1 << k)
          default: bit = UInt8(8 << (r % 4))
          }
          bits[cellY][cellX] |= bit
          owner[cellY][cellX] = curveIndex
        }
        previous = row
      }
      if !color {
        // The curve's number at a few staggered columns.
        let stride = max(4, width / 4)
        var cellX = (curveIndex * 3 + stride / 2) % stride
        while cellX < width {
          let sample = Int((Double(cellX * 2) / Double(dotsX - 1) * Double(ys.count - 1)).rounded())
          if sample < ys.count, let row = dotRow(ys[sample]) { labels[row / 4][cellX] = marker(curveIndex) }
          cellX += stride
        }
      }
    }
    let yTicks = PlotScale.ticks(yRange, target: max(2, height / 3))
    var tickRows: [Int: String] = [:]
    for tick in yTicks {
      if let row = dotRow(tick) { tickRows[row / 4] = PlotScale.label(tick) }
    }
    let zeroRow = dotRow(0).map { $0 / 4 }
    let labelWidth = max(4, tickRows.values.map(\.count).max() ?? 0)
    var lines: [String] = []
    for cellY in 0..<height {
      var line = ""
      if let label = tickRows[cellY] {
        line += String(repeating: " ", count: labelWidth - label.count) + label + " ┤"
      } else {
        line += String(repeating: " ", count: labelWidth) + " │"
      }
      for cellX in 0..<width {
        if let label = labels[cellY][cellX] { line.append(label); continue }
        let b = bits[cellY][cellX]
        if b == 0 {
          line += cellY == zeroRow ? "·" : " "
          continue
        }
        let glyph = String(UnicodeScalar(0x2800 + UInt32(b)).map(Character.init) ?? " ")
        if color, owner[cellY][cellX] >= 0 {
          line += "\u{1B}[\(palette[owner[cellY][cellX] % palette.count])m" + glyph + "\u{1B}[0m"
        } else {
          line += glyph
        }
      }
      lines.append(line)
    }
    // The x axis: a line with ticks, then labels under them.
    let xTicks = PlotScale.ticks(range, target: max(2, width / 8))
    var axis = [Character](repeating: "─", count: width)
    var labelLine = [Character](repeating: " ", count: width + 8)
    for tick in xTicks {
      let position = ((tick - range.lowerBound) / (range.upperBound - range.lowerBound) * Double(width - 1)).rounded()
      guard position >= 0, position < Double(width) else { continue }  // also false for NaN
      let cellX = Int(position)
      axis[cellX] = "┬"
      let text = Array(PlotScale.label(tick))
      let start = max(0, min(width + 8 - text.count, cellX - text.count / 2))
      if labelLine[max(0, start - 1)..<min(labelLine.count, start + text.count + 1)].allSatisfy({ $0 == " " }) {
        for (offset, character) in text.enumerated() { labelLine[start + offset] = character }
      }
    }
    lines.append(String(repeating: " ", count: labelWidth) + " └" + String(axis))
    lines.append(String(repeating: " ", count: labelWidth + 2) + String(labelLine).trimmingTrailingSpaces())
    return lines
  }
}

extension String {
  func trimmingTrailingSpaces() -> String {
    var copy = self
    while copy.last == " " { copy.removeLast() }
    return copy
  }
}

/// A standalone SVG of the plot: white background, grid, axes with ticks and labels, one path per
/// curve (dashed in the derivative panel), a legend.
public enum SVGPlot {
  static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]

  public static func render(_ data: PlotData, title: String? = nil) -> String {
    // The legend's column is as wide as its longest label (about 7 px per character at 12 px).
    let longest = data.curves.map(\.label.count).max() ?? 0
    let right = max(200.0, 60 + 7.2 * Double(longest))
    let panelHeight = 340.0, left = 64.0, top = 44.0, bottom = 52.0, gap = 64.0
    let width = 560.0 + right
    let panels = data.hasDerivative ? 2 : 1
    let height = top + Double(panels) * panelHeight + Double(panels - 1) * gap + bottom
    let plotWidth = width - left - right
    var svg: [String] = []
    svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
    svg.append(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" "
        + "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">")
    let heading = title ?? ("loss vs " + data.kind.label)
    svg.append("  <title>\(escape(heading))</title>")
    svg.append("  <rect x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"white\"/>")
    svg.append("  <text x=\"\(n(left))\" y=\"24\" font-size=\"15\" font-weight=\"bold\">\(escape(heading))</text>")
    for panel in 0..<panels {
      let y0 = top + Double(panel) * (panelHeight + gap)
      let series = data.curves.map { panel == 0 ? $0.ys : ($0.derivative ?? []) }
      let yRange = PlotScale.yRange(series)
      let px = { (x: Double) in left + (x - data.range.lowerBound) / (data.range.upperBound - data.range.lowerBound) * plotWidth }
      let py = { (y: Double) in y0 + (yRange.upperBound - y) / (yRange.upperBound - yRange.lowerBound) * panelHeight }
      let clip = "plot-area-\(panel)"
      svg.append("  <clipPath id=\"\(clip)\"><rect x=\"\(n(left))\" y=\"\(n(y0))\" width=\"\(n(plotWidth))\" height=\"\(n(panelHeight))\"/></clipPath>")
      svg.append("  <g class=\"grid\" stroke=\"#e6e6e6\" stroke-width=\"1\">")
      let xTicks = PlotScale.ticks(data.range, target: 8), yTicks = PlotScale.ticks(yRange, target: 6)
      for tick in xTicks { svg.append("    <line x1=\"\(n(px(tick)))\" y1=\"\(n(y0))\" x2=\"\(n(px(tick)))\" y2=\"\(n(y0 + panelHeight))\"/>") }
      for tick in yTicks { svg.append("    <line x1=\"\(n(left))\" y1=\"\(n(py(tick)))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(py(tick)))\"/>") }
      svg.append("  </g>")
      svg.append("  <g class=\"axes\" stroke=\"#333333\" stroke-width=\"1\">")
      svg.append("    <rect x=\"\(n(left))\" y=\"\(n(y0))\" width=\"\(n(plotWidth))\" height=\"\(n(panelHeight))\" fill=\"none\"/>")
      if yRange.contains(0) {
        svg.append("    <line x1=\"\(n(left))\" y1=\"\(n(py(0)))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(py(0)))\" stroke=\"#888888\"/>")
      }
      if data.range.contains(0) {
        svg.append("    <line x1=\"\(n(px(0)))\" y1=\"\(n(y0))\" x2=\"\(n(px(0)))\" y2=\"\(n(y0 + panelHeight))\" stroke=\"#888888\"/>")
      }
      for tick in xTicks {
        svg.append("    <line x1=\"\(n(px(tick)))\" y1=\"\(n(y0 + panelHeight))\" x2=\"\(n(px(tick)))\" y2=\"\(n(y0 + panelHeight + 5))\"/>")
      }
      for tick in yTicks { svg.append("    <line x1=\"\(n(left - 5))\" y1=\"\(n(py(tick)))\" x2=\"\(n(left))\" y2=\"\(n(py(tick)))\"/>") }
      svg.append("  </g>")
      svg.append("  <g class=\"tick-labels\" fill=\"#333333\">")
      for tick in xTicks {
        svg.append("    <text x=\"\(n(px(tick)))\" y=\"\(n(y0 + panelHeight + 18))\" text-anchor=\"middle\">\(escape(PlotScale.label(tick)))</text>")
      }
      for tick in yTicks {
        svg.append("    <text x=\"\(n(left - 8))\" y=\"\(n(py(tick) + 4))\" text-anchor=\"end\">\(escape(PlotScale.label(tick)))</text>")
      }
      svg.append("  </g>")
      let yLabel = panel == 0 ? "loss" : "d loss / d " + (data.kind == .error ? "x" : "t")
      svg.append(
        "  <text x=\"16\" y=\"\(n(y0 + panelHeight / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(n(y0 + panelHeight / 2)))\">\(escape(yLabel))</text>")
      svg.append(
        "  <text x=\"\(n(left + plotWidth / 2))\" y=\"\(n(y0 + panelHeight + 38))\" text-anchor=\"middle\">\(escape(data.kind.label))</text>")
      svg.append("  <g class=\"curves\" clip-path=\"url(#\(clip))\" fill=\"none\" stroke-linejoin=\"round\" stroke-linecap=\"round\">")
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
        let dash = panel == 1 ? " stroke-dasharray=\"6 3\"" : ""
        // Earlier curves are drawn wider so that a curve hidden under a later one still shows.
        let width = 2 + 1.5 * Double(data.curves.count - 1 - index)
        svg.append(
          "    <path d=\"\(d)\" stroke=\"\(palette[index % palette.count])\" stroke-width=\"\(n(width))\"\(dash)><title>\(escape(curve.label))</title></path>")
      }
      svg.append("  </g>")
    }
    // Legend.
    svg.append("  <g class=\"legend\">")
    let legendX = left + plotWidth + 20
    for (index, curve) in data.curves.enumerated() {
      let y = top + 12 + Double(index) * 22
      svg.append(
        "    <line x1=\"\(n(legendX))\" y1=\"\(n(y))\" x2=\"\(n(legendX + 24))\" y2=\"\(n(y))\" stroke=\"\(palette[index % palette.count])\" stroke-width=\"3\"/>")
      svg.append("    <text x=\"\(n(legendX + 32))\" y=\"\(n(y + 4))\">\(escape(curve.label))</text>")
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
