#!/usr/bin/env bash
# Runs inside a network namespace of its own (scripts/lib/fuzz.sh): loopback only, so whatever the fuzzer makes the
# server call (connection verification, tool calls) never leaves the machine.
# Usage: tests/fuzz/run.sh VENV SPOJKA_BINARY
set -euo pipefail
venv=$1 binary=$2
cd "$(dirname "$0")"
ip link set lo up
data=$(mktemp -d /tmp/spojka-fuzz.XXXXXX)
port=$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SPOJKA_DATA=$data SPOJKA_HOST=127.0.0.1 SPOJKA_PORT=$port SPOJKA_PASSWORD_COST=10 SPOJKA_LOG_LEVEL=warning \
  "$binary" serve >"$data/server.log" 2>&1 &
server=$!
stop() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data"; }
trap stop EXIT
base="http://127.0.0.1:$port"
eval "$("$venv/bin/python" seed.py "$base")"
status=0
"$venv/bin/schemathesis" --config-file schemathesis.toml run "$base/api/v1/openapi.json" \
  --phases examples,coverage,fuzzing --max-time "${SPOJKA_FUZZ_SECONDS:-180}" --no-color --report junit \
  --report-dir "$data/report" || status=$?
report=$(ls "$data"/report/junit*.xml 2>/dev/null | head -n 1)
if [ -n "$report" ]; then
  "$venv/bin/python" - "$report" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
tests = sum(int(s.get("tests", 0)) for s in suites)
failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
print(f"fuzz: {tests - failed - skipped} passed, {failed} failed, {skipped} skipped")
PY
fi
if [ "$status" -ne 0 ]; then
  echo "== server log (tail)"; tail -n 40 "$data/server.log"
fi
exit "$status"
