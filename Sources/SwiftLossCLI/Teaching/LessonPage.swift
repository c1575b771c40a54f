import SwiftLoss

/// `swiftloss explain LOSS --html` and `swiftloss LOSS ... --explain --html`: one self-contained
/// lesson page (no network, no script): the formula in MathML, shapes, tensors and options, the
/// step-by-step trace of a call as tables, the SVG plot of the loss and its derivative with the
/// call's elements on it, the notes, and the PyTorch code.
///
/// The page is polyglot markup (well-formed XML as well as HTML), so that it can be checked with
/// an XML parser and loaded as XHTML, where a browser reports any MathML/SVG parse error. It has a
/// light and a dark scheme (prefers-color-scheme), large type for a projector, and a print
/// stylesheet.
enum LessonPage {
  /// A real computation to show.
  struct Call: Sendable {
    var trace: LossTrace
    var tensors: [String: Tensor]
    var options: [String: OptionValue]
    /// The `--emit-python` script of the call.
    var python: String

    init(trace: LossTrace, tensors: [String: Tensor], options: [String: OptionValue], python: String) {
      self.trace = trace
      self.tensors = tensors
      self.options = options
      self.python = python
    }

    /// The page of a resolved call: its tensors, and its options as given with the reduction the
    /// legacy flags decided in place of a typed one.
    init(trace: LossTrace, call: LossCall, python: String) {
      var options = call.givenOptions
      if call.reductionFromLegacyFlags { options[OptionKey<Reduction>.reduction.name] = call.reduction.optionValue }
      self.init(trace: trace, tensors: call.tensors, options: options, python: python)
    }
  }

  static func render(_ definition: LossDefinition, call: Call? = nil) -> String {
    let explanation: LossExplanation? = definition.teaching.explanation
    var body: [String] = []
    body.append("<header>")
    body.append("<p class=\"family\">\(e(explanation?.family.rawValue ?? "loss")) · swiftloss lesson</p>")
    body.append("<h1>\(e(definition.functionalName))</h1>")
    body.append(
      "<p class=\"spelling\"><code>torch.nn.\(e(definition.moduleName))</code> · "
        + "<code>torch.nn.functional.\(e(definition.functionalName))</code></p>")
    body.append("<p class=\"summary\">\(e(definition.summary))</p>")
    let names = LossRegistry.names(of: definition).map { "<code>\(e($0))</code>" }
    body.append("<p class=\"names\">names: " + names.joined(separator: ", ") + "</p>")
    body.append("</header>")

    if let explanation {
      body.append("<section id=\"formula\"><h2>Formula</h2>")
      body += explanation.formula.map(MathML.block)
      body.append("</section>")
      body.append("<section id=\"shapes\"><h2>Shapes</h2><ul>")
      body += explanation.shapes.map { "<li>\(e($0))</li>" }
      body.append("</ul></section>")
    }
    body.append("<section id=\"tensors\"><h2>Tensors and options</h2>")
    body.append(
      table(["tensor", "what it is"], Teaching.tensorRows(definition).map { [$0.0, $0.1] }, codeColumns: [0]))
    body.append(
      table(["option", "what it does"], Teaching.optionRows(definition).map { [$0.0, $0.1] }, codeColumns: [0]))
    body.append("</section>")

    if let call {
      body.append("<section id=\"trace\"><h2>Your numbers, step by step</h2>")
      for (index, step) in call.trace.steps.enumerated() {
        body.append("<h3>\(index + 1). \(e(step.title))</h3>")
        body += stepBody(step.lines, formulas: Set(explanation?.formula ?? []))
      }
      if let value = call.trace.value {
        body.append("<p class=\"result\">loss = <strong>\(e(NumberText.python(value)))</strong></p>")
      }
      body.append("</section>")
    }

    if let plot = LossPlot.lesson(definition, tensors: call?.tensors, options: call?.options ?? [:]) {
      body.append("<section id=\"plot\"><h2>The loss and its derivative</h2>")
      body.append("<figure class=\"plot\">")
      body.append(SVGPlot.render(plot, title: "\(definition.shortName): loss vs \(plot.kind.label)", standalone: false))
      var caption =
        "The loss as a function of the \(plot.kind.label), "
        + (definition.teaching.plot?.setting ?? "")
      caption +=
        plot.marks.isEmpty
        ? "." : "; the dots are your elements at their place on the curve (weights not applied)."
      body.append("<figcaption>\(e(caption))</figcaption>")
      body.append("</figure></section>")
    }

    body.append("<section id=\"notes\"><h2>Notes</h2><ul>")
    body += Teaching.notes(definition).map { "<li>\(e($0))</li>" }
    body.append("</ul></section>")

    body.append("<section id=\"pytorch\"><h2>In PyTorch</h2>")
    if let call {
      body.append("<p>This script makes the same call and prints PyTorch's loss and gradients:</p>")
      body.append("<pre><code>\(e(call.python))</code></pre>")
    } else {
      body.append(
        "<pre><code>import torch\nimport torch.nn.functional as F\n\n"
          + e(Teaching.pythonSpellings(definition).joined(separator: "\n")) + "</code></pre>")
      body.append(
        "<p>With your own tensors: <code>swiftloss \(e(definition.shortName)) ... --explain --html</code> "
          + "traces them here, and <code>--emit-python</code> writes the script.</p>")
    }
    body.append("</section>")

    var page = "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
    page += "<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
    page += "<meta name=\"color-scheme\" content=\"light dark\"/>\n"
    page += "<title>\(e(definition.functionalName)): a swiftloss lesson</title>\n"
    page += "<style>\n\(stylesheet)</style>\n</head>\n<body>\n<main>\n"
    page += body.joined(separator: "\n")
    page += "\n</main>\n</body>\n</html>\n"
    return page
  }

  /// A trace step's lines: runs of table rows as a table (header first), runs of `label: text`
  /// lines as a two-column table, the loss's formula lines in MathML, other lines as paragraphs.
  static func stepBody(_ lines: [String], formulas: Set<String> = []) -> [String] {
    var out: [String] = []
    var index = 0
    while index < lines.count {
      let line = lines[index]
      if TraceTable.isRow(line) {
        var rows: [[String]] = []
        while index < lines.count, TraceTable.isRow(lines[index]) {
          rows.append(TraceTable.cells(lines[index]))
          index += 1
        }
        out.append(table(rows.first ?? [], Array(rows.dropFirst()), numeric: true))
        continue
      }
      if formulas.contains(line) {
        out.append(MathML.block(line))
        index += 1
        continue
      }
      if let label = rowLabel(line) {
        var rows: [[String]] = []
        while index < lines.count, !TraceTable.isRow(lines[index]), let label = rowLabel(lines[index]) {
          rows.append([label, String(lines[index].dropFirst(label.count + 1)).trimmingCharacters(in: " ")])
          index += 1
        }
        _ = label
        out.append(table([], rows, codeColumns: [0]))
        continue
      }
      out.append("<p class=\"step\">\(e(line.trimmingCharacters(in: " ")))</p>")
      index += 1
    }
    return out
  }

  /// The label of a `label: text` trace line (`r0`, `sample 1`, `[0, 1]`), if it is one.
  static func rowLabel(_ line: String) -> String? {
    guard let colon = line.firstIndex(of: ":") else { return nil }
    let label = String(line[..<colon])
    guard !label.isEmpty, label.count <= 16, !label.contains(" = "), label.first != " " else { return nil }
    return label
  }

  static func table(
    _ header: [String], _ rows: [[String]], codeColumns: Set<Int> = [], numeric: Bool = false
  ) -> String {
    var html = "<table" + (numeric ? " class=\"numbers\"" : "") + ">"
    if !header.isEmpty { html += "<thead><tr>" + header.map { "<th>\(e($0))</th>" }.joined() + "</tr></thead>" }
    html += "<tbody>"
    for row in rows {
      html +=
        "<tr>"
        + row.enumerated().map { column, cell in
          codeColumns.contains(column) ? "<td><code>\(e(cell))</code></td>" : "<td>\(e(cell))</td>"
        }.joined() + "</tr>"
    }
    return html + "</tbody></table>"
  }

  static func e(_ text: String) -> String { SVGPlot.escape(text) }

  /// Light and dark schemes, projector-sized type, and print rules; no external resources.
  static let stylesheet = """
    :root { color-scheme: light dark; --bg: #ffffff; --fg: #1b1b1b; --muted: #5a5a5a; --rule: #d0d0d0;
      --code: #f3f3f0; --accent: #1d5fa8; }
    @media (prefers-color-scheme: dark) {
      :root { --bg: #15181c; --fg: #ececec; --muted: #a8a8a8; --rule: #3c4148; --code: #20252b; --accent: #8cbcf5; }
    }
    html { background: var(--bg); color: var(--fg); }
    body { margin: 0; font: 20px/1.55 "DejaVu Sans", "Noto Sans", "Liberation Sans", system-ui, sans-serif; }
    main { max-width: 62rem; margin: 0 auto; padding: 1.5rem 2rem 3rem; }
    h1 { font-size: 2.4rem; margin: 0.2rem 0; color: var(--accent); }
    h2 { font-size: 1.5rem; border-bottom: 2px solid var(--rule); padding-bottom: 0.2rem; margin-top: 2.2rem; }
    h3 { font-size: 1.15rem; margin: 1.4rem 0 0.4rem; }
    .family { text-transform: uppercase; letter-spacing: 0.08em; color: var(--muted); margin: 0; font-size: 0.85rem; }
    .summary { font-size: 1.2rem; }
    code, pre { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 0.9em; }
    pre { background: var(--code); padding: 1rem; overflow-x: auto; border-radius: 4px; line-height: 1.4; }
    math[display="block"] { margin: 0.5rem 0; font-size: 1.15em; }
    table { border-collapse: collapse; margin: 0.6rem 0; }
    th, td { border-bottom: 1px solid var(--rule); padding: 0.25rem 0.8rem; vertical-align: top; text-align: left; }
    th { color: var(--muted); font-weight: 600; }
    td code { white-space: nowrap; }
    table.numbers td, table.numbers th { text-align: right; font-variant-numeric: tabular-nums; }
    .step { margin: 0.3rem 0; white-space: pre-wrap; }
    .result { font-size: 1.3rem; }
    figure.plot { margin: 1rem 0; }
    figure.plot svg { max-width: 100%; height: auto; }
    figure.plot svg .background { fill: var(--bg); }
    figure.plot svg text { fill: var(--fg); }
    figure.plot svg .grid { stroke: var(--rule); }
    figure.plot svg .axes { stroke: var(--muted); }
    figcaption { color: var(--muted); font-size: 0.9rem; }
    @media print {
      :root { --bg: #ffffff; --fg: #000000; --muted: #333333; --rule: #999999; --code: #f2f2f2; --accent: #000000; }
      body { font-size: 11pt; }
      main { max-width: none; padding: 0; }
      h2 { break-after: avoid; }
      table, figure, pre, math { break-inside: avoid; }
      pre { white-space: pre-wrap; }
    }

    """
}
