# Sourced by scripts/test: schemathesis (tests/fuzz) against the real `spojka serve` binary, seeded with an owner, a
# connection and a workflow, in a network namespace with loopback only. Fails on any 5xx, response-schema violation
# or undocumented content type. Bounded: SPOJKA_FUZZ_SECONDS (default 180) and 15 examples per operation and phase.
run_fuzz() {
  local venv="${SPOJKA_TEST_VENV:-/tmp/spojka-test-venv}"
  echo "== schemathesis against spojka serve (in $venv)" >&2
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r tests/fuzz/requirements.txt >&2
  # Root gets a network namespace directly; anyone else inside a user namespace of their own.
  local isolate=(unshare --net)
  [ "$(id -u)" = 0 ] || isolate=(unshare --user --map-root-user --net)
  "${isolate[@]}" bash tests/fuzz/run.sh "$venv" "$PWD/.build/debug/spojka"
}
