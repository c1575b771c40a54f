#!/usr/bin/env bash
# Fuzzes the readers (and the argument parser) with libFuzzer and reports executions and crashes.
#
#   fuzz/fuzz.sh                 # every target, 10^6 executions each (the issue's bar)
#   fuzz/fuzz.sh --runs 20000    # a short bounded pass (CI)
#   fuzz/fuzz.sh --targets "json npy" --runs 100000
#   fuzz/fuzz.sh --update-corpus  # also merge new coverage into fuzz/corpus/<target> (-merge=1)
#   fuzz/fuzz.sh --max-time 600   # stop each target after 600 s even if --runs is not reached
#
# Builds the `swiftloss-fuzz` product with -sanitize=fuzzer,address into .build-fuzz, starts each
# target from its committed seed corpus in fuzz/corpus/<target> (new inputs go to a scratch copy, so
# the committed corpus only changes by hand), and writes crash reproducers to fuzz/findings/.
# Exit status 1 if any target crashed. Replay a finding in an ordinary build with
#   FUZZ_TARGET=json swift run swiftloss-fuzz fuzz/findings/json/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."

runs=1000000
targets="delimited json npy object literal sniff pair args losses pickle zip safetensors npz"
max_len=4096
update=0
max_time=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --targets) targets="$2"; shift 2 ;;
    --max-len) max_len="$2"; shift 2 ;;
    --update-corpus) update=1; shift ;;
    --max-time) max_time="$2"; shift 2 ;;
    *) echo "usage: fuzz/fuzz.sh [--runs N] [--targets \"t1 t2\"] [--max-len N] [--update-corpus] [--max-time S]" >&2; exit 2 ;;
  esac
done

swift build -c release --product swiftloss-fuzz --scratch-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING 2>&1 | tail -1
binary=.build-fuzz/release/swiftloss-fuzz
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
printf '%-10s %12s %8s %8s %s\n' target executions seconds crashes result
for target in $targets; do
  [ -d "fuzz/corpus/$target" ] || continue
  mkdir -p "$scratch/$target" "fuzz/findings/$target"
  cp -r "fuzz/corpus/$target/." "$scratch/$target/"
  log="$scratch/$target.log"
  start=$(date +%s)
  set +e
  FUZZ_TARGET=$target "$binary" "$scratch/$target" -runs="$runs" -max_total_time="$max_time" -max_len="$max_len" -rss_limit_mb=4096 \
    -timeout=10 -artifact_prefix="fuzz/findings/$target/" -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  seconds=$(( $(date +%s) - start ))
  executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  crashes=$(find "fuzz/findings/$target" -type f -newer "$scratch/$target" 2>/dev/null | wc -l)
  if [ "$rc" -ne 0 ]; then
    result="FAILED (exit $rc): $(grep -m1 -E 'ERROR|Fatal|deadly' "$log" || true)"
    status=1
  else
    result=ok
  fi
  printf '%-10s %12s %8s %8s %s\n' "$target" "$executions" "$seconds" "$crashes" "$result"
  if [ "$update" = 1 ] && [ "$rc" -eq 0 ]; then
    FUZZ_TARGET=$target "$binary" -merge=1 -max_len="$max_len" "fuzz/corpus/$target" "$scratch/$target" >"$log.merge" 2>&1 || true
  fi
done
exit $status
