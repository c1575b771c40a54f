#!/usr/bin/env python3
"""Which non-ASCII characters text for people may use: those in DejaVu Sans Mono AND in the
Linux console's default Unicode fonts (console-setup's Uni2 set in the Fixed, Terminus and VGA
faces). Prints the intersection restricted to the candidates below (what swiftloss's teaching
text uses or might); TextLayout.allowedCharacters in Sources/SwiftLoss/Teaching/TextLayout.swift
is this list.

    apt-get install fonts-dejavu-core console-setup-linux fontconfig
    python3 Scripts/teaching-charset.py
"""
import gzip, os, struct, subprocess, sys

CANDIDATES = ("§°±²³·¹½×÷¯ΓΔΘΛΞΠΣΦΨΩαβγδεζηθικλμνξπρστυφχψω–—‖‘’“”•…′″‴ⁿ₀₁₂ₙᵢⱼ\ua700ₚₛₜ"
              "ℓ←→↔⇒∀∂∅∇∈∉∑−√∞≈≠≤≥⋯─━│┃┌┐└┘├┤┬┴┼█░▒●⠁⣿")
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
CONSOLE = ["Uni2-Fixed16.psf.gz", "Uni2-Terminus16.psf.gz", "Uni2-VGA16.psf.gz"]


def psf_unicode(path):
    """The code points a PSF1/PSF2 console font maps (its Unicode table)."""
    data = gzip.open(path).read()
    points = set()
    if data[:2] == b"\x36\x04":
        mode, size = data[2], data[3]
        count = 512 if mode & 1 else 256
        table = data[4 + count * size:]
        for i in range(0, len(table) - 1, 2):
            value = struct.unpack("<H", table[i:i + 2])[0]
            if value not in (0xFFFF, 0xFFFE):
                points.add(value)
    elif data[:4] == b"\x72\xb5\x4a\x86":
        header, flags, count, char_size = struct.unpack("<IIII", data[8:24])
        table = data[header + count * char_size:]
        points = {ord(c) for c in table.decode("utf-8", "replace") if c not in "\xff\ufffd"}
    return points


def ttf_unicode(path):
    out = subprocess.run(["fc-query", "--format=%{charset}", path], capture_output=True, text=True, check=True).stdout
    points = set()
    for part in out.split():
        low, _, high = part.partition("-")
        points.update(range(int(low, 16), int(high or low, 16) + 1))
    return points


def main():
    fonts = {"DejaVuSansMono": ttf_unicode(DEJAVU)}
    for name in CONSOLE:
        fonts[name] = psf_unicode(os.path.join("/usr/share/consolefonts", name))
    allowed = [c for c in CANDIDATES if all(ord(c) in points for points in fonts.values())]
    refused = [c for c in CANDIDATES if c not in allowed]
    print("allowed:", "".join(allowed))
    print("refused:", " ".join(f"{c} U+{ord(c):04X} (not in {', '.join(n for n, p in fonts.items() if ord(c) not in p)})"
                               for c in refused))


if __name__ == "__main__":
    sys.exit(main())
