# Sourced by scripts/test and scripts/bench: a throwaway PostgreSQL on 127.0.0.1, initdb'd into a temporary directory
# (as the postgres user when run as root), installed with apt when missing. The caller runs stop_postgres on exit.
#   start_postgres PORT FSYNC     FSYNC is on or off; sets PGDATA and PG_URL (postgres://postgres:spojka@127.0.0.1:PORT/postgres)
PGDATA=""
run_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
start_postgres() {
  local port=$1 fsync=$2
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "== installing postgresql" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  PGDATA=$(mktemp -d /tmp/spojka-pg.XXXXXX)
  chown postgres "$PGDATA"
  echo "== starting PostgreSQL on 127.0.0.1:$port (fsync=$fsync)" >&2
  echo spojka > "$PGDATA.pw"; chown postgres "$PGDATA.pw"
  run_pg "$PGBIN/initdb -D $PGDATA --auth-local=trust --auth-host=scram-sha-256 --pwfile=$PGDATA.pw -U postgres" >/dev/null
  rm -f "$PGDATA.pw"
  run_pg "$PGBIN/pg_ctl -D $PGDATA -w -l $PGDATA/server.log -o '-c listen_addresses=127.0.0.1 -p $port -k $PGDATA -c fsync=$fsync -c max_connections=200' start" >/dev/null
  PG_URL="postgres://postgres:spojka@127.0.0.1:$port/postgres"
}
stop_postgres() {
  [ -n "$PGDATA" ] || return 0
  run_pg "$PGBIN/pg_ctl -D $PGDATA -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$PGDATA"
}
