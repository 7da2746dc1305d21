#!/usr/bin/env bash
# Proves the suite is green from a fresh clone every time and leaves the machine as it found it:
# clones the committed HEAD N times in a row (default 3), runs the README's test command in each,
# then looks for anything of the suite's still on the machine. Usage: npm run test:soak [-- N]
set -uo pipefail

runs="${1:-${SOAK_RUNS:-3}}"
repo="$(git rev-parse --show-toplevel)"
work="$(mktemp -d "${TMPDIR:-/tmp}/peer-call-soak.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Processes started under a clone carry npm's INIT_CWD=<clone>; nothing else on the machine does.
processes_of() {
  local clone="$1" pid
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    { tr '\0' '\n' <"/proc/$pid/environ" | grep -qx "INIT_CWD=$clone" && echo "process $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -c1-100)"; } 2>/dev/null
  done
}
temp_entries() { ls -A "${TMPDIR:-/tmp}" | grep -v "^$(basename "$work")\$" | sort; }

passed=0
failed=0
for n in $(seq 1 "$runs"); do
  clone="$work/clone-$n"
  git clone --quiet "$repo" "$clone"
  before_tmp="$(temp_entries)"
  started=$(date +%s)
  echo "== soak run $n/$runs: npm install && npm test in $clone"
  if (cd "$clone" && npm install --no-audit --no-fund >"$work/install-$n.log" 2>&1 && npm test >"$work/test-$n.log" 2>&1); then
    outcome=passed
  else
    outcome=FAILED
  fi
  seconds=$(($(date +%s) - started))
  # The runners' summary lines, without their colours.
  sed 's/\x1b\[[0-9;]*m//g' "$work/test-$n.log" | grep -E '^ *(Tests|Test Files) |^ *[0-9]+ (passed|failed|flaky|skipped)' | sed 's/^ */   /'

  left=()
  while IFS= read -r line; do [ -n "$line" ] && left+=("$line"); done < <(
    ip netns list 2>/dev/null | grep '^pcall-' | sed 's/^/network namespace /'
    ip -o link show type veth 2>/dev/null | awk -F': ' '{print "veth link " $2}'
    processes_of "$clone"
    comm -13 <(echo "$before_tmp") <(temp_entries) | sed "s|^|temp file ${TMPDIR:-/tmp}/|"
  )
  if [ "$outcome" = passed ] && [ ${#left[@]} -eq 0 ]; then
    passed=$((passed + 1))
    echo "   run $n: passed in ${seconds} s; nothing left behind"
  else
    failed=$((failed + 1))
    echo "   run $n: tests $outcome in ${seconds} s; left behind: ${#left[@]}"
    for line in "${left[@]}"; do echo "     - $line"; done
    [ "$outcome" = FAILED ] && { echo "   last lines of the test log:"; tail -40 "$work/test-$n.log" | sed 's/^/     /'; }
  fi
  rm -rf "$clone"
done
echo "soak: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
