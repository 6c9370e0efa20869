#!/usr/bin/env python3
"""W1 on Prefect 3.9.1: a @flow whose three steps are @tasks, against Prefect's ephemeral API server
(a uvicorn subprocess on SQLite that the first flow call starts; PREFECT_HOME in a temp dir unless set).

The credential comes from the environment (W1_CONNECTOR_TOKEN) like the other peers; with
`--secret block` it is instead loaded in the task from a Prefect Secret block (Prefect's own secret
store, one API read per run), saved once at startup.
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

a = w.args(default_n=30, default_timeout=300,
           extra=lambda ap: ap.add_argument("--secret", choices=["env", "block"],
                                            default=os.environ.get("PREFECT_W1_SECRET", "env")))

# Offline and self-contained, also when run by hand (run_peers.sh sets the same).
_own_home = None
if not os.environ.get("PREFECT_HOME"):
    _own_home = tempfile.mkdtemp(prefix="w1-prefect-home-")
    os.environ["PREFECT_HOME"] = _own_home
for k, v in {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
             "PREFECT_SERVER_UI_ENABLED": "false", "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
             "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
             # console only: flow/task run logs still go to the API at INFO, as by default
             "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
             "PREFECT_LOGGING_HANDLERS_CONSOLE_FLOW_RUNS_LEVEL": "WARNING",
             "PREFECT_LOGGING_HANDLERS_CONSOLE_TASK_RUNS_LEVEL": "WARNING"}.items():
    os.environ.setdefault(k, v)
os.environ.pop("PREFECT_API_URL", None)  # ephemeral server, never a remote/cloud API

T0 = time.perf_counter()
from importlib.metadata import version as _v  # noqa: E402

from prefect import flow, task  # noqa: E402

SECRET_BLOCK = "w1-connector-token"
base = {"engine": f"prefect-{_v('prefect')}", "workload": "W1",
        "persistence": "sqlite (ephemeral API server)", "secret_source": a.secret}
wd = w.Watchdog(base, a.timeout)


def _token_from_block():
    from prefect.blocks.system import Secret
    return Secret.load(SECRET_BLOCK).get()


@task
def t_transform(payload: dict) -> dict:
    return w.transform(payload)


@task
def t_call(data: dict) -> dict:
    if a.secret == "block":
        os.environ[w.TOKEN_ENV] = _token_from_block()  # read from the store on every call
    return w.call_connector(data)


@task
def t_respond(data: dict, conn: dict) -> dict:
    return w.respond(data, conn)


@flow(name="w1")
def w1(payload: dict) -> dict:
    data = t_transform(payload)
    conn = t_call(data)
    return t_respond(data, conn)


def run(n):
    r = w1(w.make_payload(n))
    w.check(r, n)
    return r


try:
    if a.secret == "block":
        from prefect.blocks.system import Secret
        Secret(value=os.environ[w.TOKEN_ENV]).save(SECRET_BLOCK, overwrite=True)
        os.environ.pop(w.TOKEN_ENV)  # from here on the token lives only in the block
    run(0)  # first run starts the ephemeral server: part of startup
    startup_s = time.perf_counter() - T0
    w.log("prefect", f"first run (incl. ephemeral server start) after {startup_s:.2f}s; "
                     f"warm-up {a.warmup}, N={a.n}, M={a.m}, C={a.concurrency}")
    lat, seq_el = w.warm_and_sequential("prefect", run, a, wd)

    # concurrent: C threads, each calling the (sync) flow; each call is its own flow run.
    wd.phase = "concurrent"
    extra = {}
    with ThreadPoolExecutor(max_workers=a.concurrency) as ex:
        t0 = time.perf_counter()
        futs = [ex.submit(run, 100000 + i) for i in range(a.m)]
        errs = []
        for f in futs:
            try:
                f.result()
            except Exception as e:  # noqa: BLE001
                errs.append(repr(e)[:200])
        conc_el = time.perf_counter() - t0
    if errs:
        extra = {"concurrent_errors": len(errs), "note": f"concurrent runs failed: {errs[0]}"}
        conc_n, conc_el = a.m - len(errs), (conc_el if len(errs) < a.m else None)
    else:
        conc_n = a.m
    w.log("prefect", f"concurrent done: {a.m} runs in {conc_el}s, {len(errs)} failed")
    wd.cancel()
    if errs:
        line = w.result_line(base, lat, seq_el, conc_n, None, a.concurrency,
                             startup_s=round(startup_s, 2), **extra)
    else:
        line = w.result_line(base, lat, seq_el, conc_n, conc_el, a.concurrency, startup_s=round(startup_s, 2))
    print(line, flush=True)
finally:
    if _own_home:
        shutil.rmtree(_own_home, ignore_errors=True)
