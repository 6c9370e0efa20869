#!/usr/bin/env python3
"""W1 on DBOS 3.4.0: an in-process durable workflow whose three steps are @DBOS.step()s.

System database: SQLite in a fresh temp dir (DBOS's default local setup); DBOS_SYSTEM_DATABASE_URL
overrides it (e.g. a PostgreSQL URL). Needs W1_REPLICA_URL and W1_CONNECTOR_TOKEN (see w1_common).
Prints one JSON line on stdout.
"""
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import w1_common as w  # noqa: E402

a = w.args(default_n=200, default_timeout=180)
T0 = time.perf_counter()
from importlib.metadata import version as _v  # noqa: E402
from dbos import DBOS, DBOSConfig  # noqa: E402

tmpdir = tempfile.mkdtemp(prefix="w1-dbos-")
url = os.environ.get("DBOS_SYSTEM_DATABASE_URL") or "sqlite:///" + os.path.join(tmpdir, "dbos_w1.sqlite")
backend = url.split(":", 1)[0]
base = {"engine": f"dbos-py-{_v('dbos')}", "workload": "W1",
        "persistence": backend}
wd = w.Watchdog(base, a.timeout)

cfg: DBOSConfig = {"name": "w1bench", "system_database_url": url,
                   "log_level": "WARNING", "console_log_level": "WARNING"}
DBOS(config=cfg)


@DBOS.step()
def s_transform(payload: dict) -> dict:
    return w.transform(payload)


@DBOS.step()
def s_call(data: dict) -> dict:
    return w.call_connector(data)


@DBOS.step()
def s_respond(data: dict, conn: dict) -> dict:
    return w.respond(data, conn)


@DBOS.workflow()
def w1(payload: dict) -> dict:
    data = s_transform(payload)
    conn = s_call(data)
    return s_respond(data, conn)


def run(n):
    r = w1(w.make_payload(n))
    w.check(r, n)
    return r


try:
    DBOS.launch()
    run(0)  # first run: part of startup
    startup_s = time.perf_counter() - T0
    w.log("dbos", f"launched on {backend} in {startup_s:.2f}s; warm-up {a.warmup}, N={a.n}, M={a.m}, C={a.concurrency}")
    lat, seq_el = w.warm_and_sequential("dbos", run, a, wd)

    # concurrent: C client threads, each calling the workflow synchronously (DBOS runs a workflow
    # in the calling thread), M runs in total; wall time from the first start to the last finish.
    wd.phase = "concurrent"
    with ThreadPoolExecutor(max_workers=a.concurrency) as ex:
        t0 = time.perf_counter()
        list(ex.map(run, range(100000, 100000 + a.m)))
        conc_el = time.perf_counter() - t0
    w.log("dbos", f"concurrent done: {a.m} runs in {conc_el:.2f}s")
    wd.cancel()
    print(w.result_line(base, lat, seq_el, a.m, conc_el, a.concurrency, startup_s=round(startup_s, 2)), flush=True)
finally:
    try:
        DBOS.destroy()
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
