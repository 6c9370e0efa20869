# Sourced by scripts/test and scripts/bench: starts the Authlib OAuth 2.0 test provider (tests/oauth-server)
# from a venv on 127.0.0.1 and exports SPOJKA_TEST_OAUTH_URL. The caller stops "$OAUTH_PID" on exit.
start_oauth_provider() {
  local venv="${SPOJKA_TEST_VENV:-/tmp/spojka-test-venv}" portfile
  echo "== OAuth test provider (Authlib) in $venv" >&2
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r tests/oauth-server/requirements.txt >&2
  portfile=$(mktemp /tmp/spojka-oauth.XXXXXX)
  rm -f "$portfile"
  "$venv/bin/python" tests/oauth-server/server.py --port 0 --port-file "$portfile" --access-token-lifetime 3600 --quiet &
  OAUTH_PID=$!
  for _ in $(seq 300); do [ -s "$portfile" ] && break; sleep 0.1; done
  [ -s "$portfile" ] || { echo "the OAuth test provider did not start" >&2; return 1; }
  export SPOJKA_TEST_OAUTH_URL="http://127.0.0.1:$(cat "$portfile")"
  rm -f "$portfile"
}
