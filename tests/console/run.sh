#!/usr/bin/env bash
# The console's browser tests: Debian's chromium (installed when missing; Playwright's own browser download is never
# used), Playwright and axe-core from PyPI in the test venv, the real `spojka serve` binary and a Slack replica.
# Usage: tests/console/run.sh [SPOJKA_BINARY] — prints the folder with the screenshots.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv="${SPOJKA_TEST_VENV:-/tmp/spojka-test-venv}"
binary="${1:-.build/debug/spojka}"
if ! command -v chromium >/dev/null; then
  echo "== installing chromium (Debian)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r tests/console/requirements.txt >&2
# The OAuth journey needs the Authlib test provider: ./scripts/test already runs it; alone, start it here.
if [ -z "${SPOJKA_TEST_OAUTH_URL:-}" ]; then
  . scripts/lib/oauth-provider.sh
  start_oauth_provider
  trap 'kill "$OAUTH_PID" 2>/dev/null || true' EXIT
fi
shots="${SPOJKA_CONSOLE_SHOTS:-$(mktemp -d /tmp/spojka-console-shots.XXXXXX)}"
echo "== console browser tests (Chromium $(chromium --version 2>/dev/null | awk '{print $2}'))" >&2
"$venv/bin/python" tests/console/test_console.py "$binary" "$shots"
"$venv/bin/python" tests/console/test_executions.py "$binary" "$shots"
"$venv/bin/python" tests/console/test_designer.py "$binary" "$shots"
"$venv/bin/python" tests/console/test_agents.py "$binary" "$shots"
