#!/usr/bin/env python3
"""Regenerates the per-loss parts of man/swiftloss.1 and README.md from the registry.

    swift build -c release --product swiftloss && python3 man/generate-loss-docs.py

Reads `swiftloss list --format json` and rewrites the text between the GENERATED markers, so the
documentation lists exactly the losses, tensors, options and defaults the binary has.
(Tests/SwiftLossCLITests checks that the man page names every loss and option of the registry.)
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.environ.get("SWIFTLOSS", os.path.join(ROOT, ".build", "release", "swiftloss"))


def roff(text):
    """Escapes text for a man page line."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    if text.startswith((".", "'")):
        text = "\\&" + text
    # groff reads its input as Latin-1: spell every other character as a Unicode escape.
    text = text.replace("\u2016", "||")  # groff has no glyph for the double vertical bar
    return "".join(c if ord(c) < 128 else "\\[u%04X]" % ord(c) for c in text)


def default_text(option):
    value = option["default"]
    if "(required)" in option["help"]:
        return "required"
    if "(default:" in option["help"]:
        return option["help"].split("(default:", 1)[1].rstrip(")").strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def man_section(losses):
    lines = [".SH LOSS FUNCTIONS",
             "Each loss is listed by its functional name, with its module name and short names, its tensors",
             "(a gradient is printed for those marked",
             ".BR grad )",
             "and its options with their defaults.",
             "Every loss but adaptive_log_softmax takes",
             ".BR \\-\\-reduction ;",
             "those marked",
             ".B legacy",
             "also take",
             ".B \\-\\-size\\-average",
             "and",
             ".BR \\-\\-reduce ."]
    for loss in losses:
        names = ", ".join([loss["module"]] + loss["aliases"])
        lines.append(".SS %s" % roff(loss["name"]))
        lines.append("%s (%s)%s." % (roff(loss["summary"]), roff(names),
                                      "; legacy" if loss.get("legacy_reduction") else ""))
        lines.append(".RS")
        for tensor in loss["tensors"]:
            if tensor.get("state_dict"):  # a module's parameters, given by state_dict name in --params FILE
                lines.append(".TP")
                lines.append("\\fB%s\\fR (state_dict entries%s)" % (roff(tensor["name"]), ", grad" if tensor["gradient"] else ""))
                lines.append(roff(tensor["help"]))
                continue
            tags = []
            if not tensor["required"]:
                tags.append("optional")
            if tensor["gradient"]:
                tags.append("grad")
            aliases = "".join(", \\fB%s\\fR" % roff("--" + a.replace("_", "-")) for a in tensor["aliases"])
            lines.append(".TP")
            lines.append("\\fB%s\\fR%s%s" % (roff(tensor["flag"]), aliases, (" (%s)" % ", ".join(tags)) if tags else ""))
            lines.append(roff(tensor["help"]))
        for option in loss["options"]:
            if option["name"] == "reduction" and option.get("choices") == ["none", "mean", "sum"]:
                continue
            kind = option["type"]
            value = "|".join(option["choices"]) if kind == "choice" else {
                "float": "X", "int": "N", "bool": "", "int_list": "N1,N2,..."}.get(kind, "V")
            lines.append(".TP")
            lines.append("\\fB%s\\fR%s (default %s)" % (roff(option["flag"]), (" " + roff(value)) if value else "",
                                                       roff(default_text(option))))
            lines.append(roff(option["help"]))
        lines.append(".RE")
    return "\n".join(lines)


def readme_table(losses):
    rows = ["| loss | also | tensors | options (default) | summary |", "|---|---|---|---|---|"]
    for loss in losses:
        tensors = ", ".join(("`%s`" % t["name"]) + " (state_dict)" if t.get("state_dict") else
                            ("`%s`" % t["flag"]) + ("" if t["required"] else "?") for t in loss["tensors"])
        options = ", ".join("`%s` (%s)" % (o["flag"], default_text(o)) for o in loss["options"]
                            if o["name"] != "reduction")
        rows.append("| `%s` | %s | %s | %s | %s |" % (
            loss["name"], ", ".join("`%s`" % n for n in [loss["module"]] + loss["aliases"]), tensors,
            options or "–", loss["summary"].replace("|", "\\|")))
    rows.append("")
    rows.append("`?` marks an optional tensor; (state_dict) marks a module's parameters, given by their "
                "`state_dict` names with `--params FILE` (or `--data FILE`). Every loss but `adaptive_log_softmax` "
                "takes `--reduction none|mean|sum` (`kl_div` also `batchmean`).")
    return "\n".join(rows)


def replace_between(path, begin, end, body):
    with open(path) as f:
        text = f.read()
    start = text.index(begin) + len(begin)
    stop = text.index(end)
    text = text[:start] + "\n" + body + "\n" + text[stop:]
    with open(path, "w") as f:
        f.write(text)


def main():
    listing = json.loads(subprocess.run([BINARY, "list", "--format", "json"], check=True,
                                        capture_output=True, text=True).stdout)
    losses = listing["losses"]
    replace_between(os.path.join(ROOT, "man", "swiftloss.1"), '.\\" BEGIN GENERATED LOSS FUNCTIONS',
                    '.\\" END GENERATED LOSS FUNCTIONS', man_section(losses))
    replace_between(os.path.join(ROOT, "README.md"), "<!-- BEGIN GENERATED LOSS TABLE -->",
                    "<!-- END GENERATED LOSS TABLE -->", readme_table(losses))
    print("documented %d losses" % len(losses), file=sys.stderr)


if __name__ == "__main__":
    main()
