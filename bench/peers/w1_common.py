"""Shared pieces of the W1 peer drivers (w1_dbos.py, w1_temporal.py, w1_prefect.py).

W1 = webhook payload -> step 1 transform -> step 2 connector call (HTTP POST to the loopback replica
with a credential injected from the environment) -> step 3 response. The step bodies live here so
that the three engines run exactly the same Python work; only the durability wrapper differs.
"""
import argparse
import http.client
import json
import math
import os
import sys
import threading
import time
import urllib.parse

TOKEN_ENV = "W1_CONNECTOR_TOKEN"   # the "secret store": read at call time, never a literal in a step
URL_ENV = "W1_REPLICA_URL"         # e.g. http://127.0.0.1:PORT


def log(tag, msg):
    print(f"[{tag}] {msg}", file=sys.stderr, flush=True)


def make_payload(n):
    """A webhook-like request as the trigger would hand it to the workflow."""
    return {
        "body": {
            "order": {
                "id": n,
                "total": 12.5,
                "items": [
                    {"sku": "A-1", "qty": 1, "price": 2.5},
                    {"sku": "B-2", "qty": 2, "price": 3.0},
                    {"sku": "C-3", "qty": 1, "price": 4.0},
                ],
            }
        },
        "headers": {
            "content-type": "application/json",
            "user-agent": "w1-bench",
            "x-request-id": f"req-{n}",
        },
    }


# ---- step bodies -------------------------------------------------------------------------------

def transform(payload):
    order = payload["body"]["order"]
    return {"orderId": order["id"], "amount": int(round(order["total"] * 100)), "count": len(order["items"])}


_tls = threading.local()


def _conn():
    """One keep-alive connection per thread (what a pooled HTTP client gives a real connector)."""
    c = getattr(_tls, "conn", None)
    if c is None:
        u = urllib.parse.urlsplit(os.environ[URL_ENV])
        if u.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise RuntimeError(f"replica must be on loopback, got {u.hostname}")
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        _tls.conn = c
    return c


def call_connector(data):
    """POST data to the replica with the credential taken from the environment at call time."""
    token = os.environ.get(TOKEN_ENV)
    if not token:
        raise RuntimeError(f"{TOKEN_ENV} is not set")
    body = json.dumps(data).encode()
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    for attempt in (1, 2):
        c = _conn()
        try:
            c.request("POST", "/v1/echo", body=body, headers=headers)
            r = c.getresponse()
            raw = r.read()
            break
        except (http.client.HTTPException, OSError):
            c.close()
            _tls.conn = None
            if attempt == 2:
                raise
    if r.status != 200:
        raise RuntimeError(f"replica answered {r.status}: {raw[:200]!r}")
    return {"status": r.status, "json": json.loads(raw)}


def respond(data, conn_result):
    return {"status": 200, "body": {"orderId": data["orderId"], "echo": conn_result["json"]["received"]}}


def check(result, n):
    """Each run's output must be the full, correct answer: a benchmark of broken runs is worthless."""
    want = transform(make_payload(n))
    if result != {"status": 200, "body": {"orderId": n, "echo": want}}:
        raise AssertionError(f"run {n}: unexpected result {result!r}")


# ---- measurement ------------------------------------------------------------------------------

def pct(sorted_vals, p):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_vals:
        return None
    k = max(1, math.ceil(p / 100.0 * len(sorted_vals)))
    return sorted_vals[k - 1]


def args(default_n, default_timeout, extra=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=int(os.environ.get("N") or default_n),
                    help="sequential runs (env N)")
    ap.add_argument("--m", type=int, default=int(os.environ.get("M") or 0) or None,
                    help="concurrent runs (env M; default max(N, 2*C))")
    ap.add_argument("--concurrency", "-c", type=int, default=int(os.environ.get("C") or 16))
    ap.add_argument("--warmup", type=int, default=int(os.environ.get("WARMUP") or 5))
    ap.add_argument("--timeout", type=float, default=float(os.environ.get("PEER_TIMEOUT") or default_timeout),
                    help="seconds for the whole script (startup + warm-up + both phases)")
    if extra:
        extra(ap)
    a = ap.parse_args()
    if a.m is None:
        a.m = max(a.n, 2 * a.concurrency)
    return a


class Watchdog:
    """Bounds a peer run by time: prints an error JSON line and exits 124 when the deadline passes."""

    def __init__(self, base, timeout):
        self.base, self.timeout, self.phase = base, timeout, "startup"
        self.t = threading.Timer(timeout, self._fire)
        self.t.daemon = True
        self.t.start()

    def _fire(self):
        out = dict(self.base, error=f"timeout after {self.timeout:.0f}s in phase {self.phase}")
        print(json.dumps(out), flush=True)
        os._exit(124)

    def cancel(self):
        self.t.cancel()


def result_line(base, seq_lat, seq_elapsed, conc_n, conc_elapsed, concurrency, **extra):
    seq_lat = sorted(seq_lat)
    out = dict(base)
    out.update(
        sequential_p50_ms=round(pct(seq_lat, 50) * 1e3, 2),
        sequential_p99_ms=round(pct(seq_lat, 99) * 1e3, 2),
        seq_runs_per_s=round(len(seq_lat) / seq_elapsed, 2),
        concurrent_runs_per_s=(round(conc_n / conc_elapsed, 2) if conc_elapsed else None),
        concurrency=concurrency,
        n=len(seq_lat),
        m=conc_n,
    )
    out.update(extra)
    return json.dumps(out)


def warm_and_sequential(tag, run, a, wd):
    """Warm-up runs, then N sequential runs; returns the latencies and the elapsed seconds."""
    wd.phase = "warmup"
    for i in range(a.warmup):
        run(1 + i)
    wd.phase = "sequential"
    lat = []
    t0 = time.perf_counter()
    for i in range(a.n):
        s = time.perf_counter()
        run(1000 + i)
        lat.append(time.perf_counter() - s)
    seq_el = time.perf_counter() - t0
    log(tag, f"sequential done: {a.n} runs in {seq_el:.2f}s")
    return lat, seq_el
