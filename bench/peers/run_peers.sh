#!/usr/bin/env bash
# Runs the W1 workload on the PyPI-installable peers (DBOS, Temporal, Prefect) and prints one JSON
# line per peer on stdout; progress goes to stderr. Everything listens on / talks to 127.0.0.1 only.
#
# Knobs (environment):
#   PEERS="dbos temporal prefect"   which peers, in order
#   N, M                            sequential / concurrent run counts for every peer
#   N_DBOS N_TEMPORAL N_PREFECT     per-peer overrides (same for M_*); defaults N=200/200/30, M=max(N,2*C)
#   C                               concurrency of the concurrent phase (default 16)
#   WARMUP                          warm-up runs, excluded (default 5)
#   TEMPORAL_DB="sqlite"            "sqlite", "memory" or "sqlite memory" (one dev server per mode)
#   DBOS_TIMEOUT TEMPORAL_TIMEOUT PREFECT_TIMEOUT   seconds per peer script (defaults 180/240/300)
#   PREFECT_W1_SECRET=env|block     where Prefect's task reads the token (default env)
#   PEERS_VENV                      venv path (default /tmp/spojka-peers-venv), created if missing
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${PEERS_VENV:-/tmp/spojka-peers-venv}"
PY="$VENV/bin/python"
PEERS="${PEERS:-dbos temporal prefect}"
TEMPORAL_DB="${TEMPORAL_DB:-sqlite}"

say() { printf '[run_peers] %s\n' "$*" >&2; }

# ---- venv ---------------------------------------------------------------------------------------
REQ="$HERE/requirements.txt"
STAMP="$VENV/.w1-requirements.sha256"
want_sha="$(sha256sum "$REQ" | cut -d' ' -f1)"
if [[ ! -x "$PY" || ! -f "$STAMP" || "$(cat "$STAMP")" != "$want_sha" ]]; then
  say "installing peers into $VENV (pip, pinned: $(grep -v '^#' "$REQ" | xargs))"
  [[ -x "$PY" ]] || python3 -m venv "$VENV"
  "$PY" -m pip install -q -r "$REQ" >&2
  echo "$want_sha" > "$STAMP"
fi

# ---- temp dir, processes, cleanup ---------------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/spojka-peers.XXXXXX")"
REPLICA_PID=""
TEMPORAL_PID=""
CHILD_PID=""

stop_pid() {  # stop_pid PID NAME: TERM, wait up to 10 s, then KILL
  local pid="$1" name="$2" i
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then say "$name did not stop on TERM; killing"; kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$CHILD_PID" "peer script"
  stop_pid "$TEMPORAL_PID" "temporal server"
  stop_pid "$REPLICA_PID" "replica"
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_port_file() {  # wait_port_file FILE PID SECONDS
  local f="$1" pid="$2" t="$3" i
  for i in $(seq $((t * 10))); do
    [[ -s "$f" ]] && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# ---- offline settings ---------------------------------------------------------------------------
export DO_NOT_TRACK=1
export PREFECT_SERVER_ANALYTICS_ENABLED=false
export PREFECT_SERVER_UI_ENABLED=false
export PREFECT_UI_ENABLED=false
export PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT=false
export PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY=false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS=120
export PREFECT_HOME="$WORK/prefect-home"       # fresh SQLite database, nothing from ~/.prefect
unset PREFECT_API_URL PREFECT_API_KEY PREFECT_PROFILE || true
export PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
mkdir -p "$WORK/tmp"; export TMPDIR="$WORK/tmp"   # peers' own temp files (DBOS database, ...) die with $WORK
export no_proxy="127.0.0.1,localhost" NO_PROXY="127.0.0.1,localhost"

# ---- replica (the third-party API) --------------------------------------------------------------
"$PY" "$HERE/replica.py" --port 0 --port-file "$WORK/replica.port" 2>>"$WORK/replica.log" &
REPLICA_PID=$!
wait_port_file "$WORK/replica.port" "$REPLICA_PID" 10 || { say "replica did not start"; cat "$WORK/replica.log" >&2; exit 1; }
export W1_REPLICA_URL="http://127.0.0.1:$(cat "$WORK/replica.port")"
# The injected credential: the peers' steps read it from this environment variable at call time.
export W1_CONNECTOR_TOKEN="sk_test_bench"
say "replica on $W1_REPLICA_URL"

# ---- helpers ------------------------------------------------------------------------------------
FAILED=0

run_peer() {  # run_peer NAME SCRIPT TIMEOUT [extra args...]; prints the peer's JSON line on stdout
  local name="$1" script="$2" tmo="$3"; shift 3
  local upper n m rc=0
  upper="$(echo "$name" | tr '[:lower:]' '[:upper:]')"
  n="$(eval echo "\${N_${upper}:-\${N:-}}")"
  m="$(eval echo "\${M_${upper}:-\${M:-}}")"
  local args=(--timeout "$tmo")
  [[ -n "$n" ]] && args+=(--n "$n")
  [[ -n "$m" ]] && args+=(--m "$m")
  say "running $name (timeout ${tmo}s)"
  local t0=$SECONDS
  # in the background + wait, so that a TERM/INT to this script runs the trap at once
  N= M= timeout -k 10 "$((tmo + 30))" "$PY" "$HERE/$script" "${args[@]}" "$@" >"$WORK/$name.out" &
  CHILD_PID=$!
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=""
  local line
  line="$(grep '^{' "$WORK/$name.out" | tail -1 || true)"
  if [[ -z "$line" ]]; then
    line="{\"engine\":\"$name\",\"workload\":\"W1\",\"error\":\"exit $rc without a result\"}"
  fi
  [[ $rc -eq 0 ]] || FAILED=1
  say "$name finished in $((SECONDS - t0))s (exit $rc)"
  printf '%s\n' "$line"
}

start_temporal() {  # start_temporal MODE (sqlite|memory)
  local mode="$1" port http_port metrics_port dbargs=() i t0
  port="$(free_port)"; http_port="$(free_port)"; metrics_port="$(free_port)"
  [[ "$mode" == sqlite ]] && dbargs=(--db-filename "$WORK/temporal-$mode.db")
  t0="$("$PY" -c 'import time; print(time.time())')"
  "$VENV/bin/temporal" server start-dev --ip 127.0.0.1 --port "$port" --http-port "$http_port" \
    --metrics-port "$metrics_port" --headless --log-level warn "${dbargs[@]}" \
    >"$WORK/temporal-$mode.log" 2>&1 &
  TEMPORAL_PID=$!
  for i in $(seq 600); do
    if "$VENV/bin/temporal" operator cluster health --address "127.0.0.1:$port" >/dev/null 2>&1; then
      export TEMPORAL_ADDRESS="127.0.0.1:$port" TEMPORAL_PERSISTENCE="$mode"
      say "temporal dev server ($mode) on 127.0.0.1:$port serving after $("$PY" -c "import time; print(round(time.time()-$t0, 2))")s"
      return 0
    fi
    kill -0 "$TEMPORAL_PID" 2>/dev/null || break
    sleep 0.1
  done
  say "temporal dev server ($mode) did not become healthy"; tail -20 "$WORK/temporal-$mode.log" >&2
  return 1
}

# ---- peers --------------------------------------------------------------------------------------
for peer in $PEERS; do
  case "$peer" in
    dbos)
      run_peer dbos w1_dbos.py "${DBOS_TIMEOUT:-180}" ;;
    temporal)
      for mode in $TEMPORAL_DB; do
        if start_temporal "$mode"; then
          run_peer temporal w1_temporal.py "${TEMPORAL_TIMEOUT:-240}"
        else
          FAILED=1
          echo "{\"engine\":\"temporal\",\"workload\":\"W1\",\"persistence\":\"$mode\",\"error\":\"dev server did not start\"}"
        fi
        stop_pid "$TEMPORAL_PID" "temporal server"; TEMPORAL_PID=""
      done ;;
    prefect)
      run_peer prefect w1_prefect.py "${PREFECT_TIMEOUT:-300}" ;;
    *)
      say "unknown peer '$peer' (dbos, temporal, prefect)"; FAILED=1 ;;
  esac
done

exit "$FAILED"
