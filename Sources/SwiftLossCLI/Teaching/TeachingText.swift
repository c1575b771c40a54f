import SwiftLoss

// The teaching texts for people, laid out to a width: the engine gives the steps, rows and notes,
// the front end decides how they fit the screen.

extension LossTrace {
  /// The trace as text laid out to `width` (tables that do not fit become one line per row).
  func render(width: Int = TextLayout.defaultWidth) -> String {
    let width = max(TextLayout.minimumWidth, width)
    var out = ["how \(loss) computes this:"]
    for (index, step) in steps.enumerated() {
      out.append("")
      out += TextLayout.fit("\(index + 1). \(step.title)", width: width, hangingIndent: 3)
      out += TextLayout.layout(step.lines.map { "   " + $0 }, width: width)
    }
    return out.joined(separator: "\n") + "\n"
  }
}

extension GradientCheckReport {
  func render(width: Int = TextLayout.defaultWidth) -> String {
    let width = max(TextLayout.minimumWidth, width)
    var lines = ["gradient check for \(loss): central differences, h = 1e-6·max(1, |x|)"]
    var rows: [[String]] = [["tensor", "elements", "max abs error", "max rel error", "verdict"]]
    for entry in entries {
      var verdict =
        entry.agrees ? "agrees" : entry.mismatches == 1 ? "1 element differs" : "\(entry.mismatches) elements differ"
      if !entry.agrees && entry.kinks == entry.mismatches {
        verdict += " (all at kinks/clamps: PyTorch's subgradient)"
      } else if entry.kinks > 0 {
        verdict += " (\(entry.kinks) at kinks/clamps)"
      }
      rows.append([
        entry.name, String(entry.count), TraceNumber.short(entry.maxAbsoluteError),
        TraceNumber.short(entry.maxRelativeError), verdict,
      ])
      if let adjusted = entry.adjustedMaxAbsoluteError {
        rows.append(["", "", TraceNumber.short(adjusted), "", entry.adjustmentLabel ?? ""])
      }
    }
    lines = TextLayout.fit(lines[0], width: width) + TextLayout.grid(rows, indent: 2, width: width)
    for note in notes { lines += TextLayout.wrap(note, width: width, firstPrefix: "  note: ", prefix: "        ") }
    return lines.joined(separator: "\n") + "\n"
  }
}

extension Teaching {
  /// `swiftloss explain LOSS`: summary, formula, shapes, tensors, options (with defaults, from the
  /// registry), the PyTorch spellings, and the notes, laid out to `width` columns.
  static func explain(_ definition: LossDefinition, width: Int = TextLayout.defaultWidth) -> String {
    let width = max(TextLayout.minimumWidth, width)
    let explanation = definition.teaching.explanation
    var out: [String] = []
    out += TextLayout.fit(title(definition), width: width)
    out += TextLayout.wrap(definition.summary, width: width, firstPrefix: "  ", prefix: "  ")
    out += TextLayout.wrap(
      LossRegistry.names(of: definition).joined(separator: ", "), width: width, firstPrefix: "  names: ", prefix: "    "
    )
    out.append("")
    out.append("formula:")
    for line in explanation.formula { out += TextLayout.fit("  " + line, width: width, hangingIndent: 4) }
    out.append("")
    out.append("shapes:")
    for line in explanation.shapes { out += TextLayout.fit("  " + line, width: width, hangingIndent: 4) }
    out.append("")
    out.append("tensors:")
    out += TextLayout.columns(tensorRows(definition), indent: 2, width: width)
    out.append("")
    out.append("options:")
    out += TextLayout.columns(optionRows(definition), indent: 2, width: width)
    out.append("")
    out.append("in PyTorch:")
    for line in pythonSpellings(definition) { out += TextLayout.fit("  " + line, width: width, hangingIndent: 4) }
    out.append("")
    out.append("notes:")
    for note in notes(definition) { out += TextLayout.wrap(note, width: width, firstPrefix: "  • ", prefix: "    ") }
    out.append("")
    out.append("try:")
    out += TextLayout.columns(tryRows(definition), indent: 2, width: width)
    return out.joined(separator: "\n") + "\n"
  }
}
