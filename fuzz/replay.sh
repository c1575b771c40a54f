#!/usr/bin/env bash
# Replays every committed fuzz input (fuzz/corpus/<target>/, which includes every crash reproducer
# found so far) through the ordinary build of `swiftloss-fuzz`: no libFuzzer, no sanitizer, seconds.
# Each target also checks its invariants (see fuzz/Sources/swiftloss-fuzz), so a regression traps
# and this script fails.
#
#   fuzz/replay.sh                      # debug build (already built by `swift build`)
#   fuzz/replay.sh --configuration release
set -euo pipefail
cd "$(dirname "$0")/.."
configuration=debug
if [ "${1:-}" = "--configuration" ]; then configuration="$2"; fi
swift build -c "$configuration" --product swiftloss-fuzz 2>&1 | tail -1
binary="$(swift build -c "$configuration" --show-bin-path)/swiftloss-fuzz"
for directory in fuzz/corpus/*/; do
  target=$(basename "$directory")
  FUZZ_TARGET=$target "$binary" "$directory"
done
