#!/usr/bin/env python3
"""Loopback replica of a third-party API for the W1 peer benchmarks.

POST /v1/echo
  - requires `Authorization: Bearer sk_test_bench` (401 JSON otherwise)
  - requires a JSON object body (400 JSON otherwise)
  - answers 200 {"ok": true, "received": <body>}
GET /healthz -> 200 {"ok": true}

Binds 127.0.0.1 only. `--port 0` picks a free port; `--port-file F` writes the chosen port to F
(atomically) once the socket listens. Stops on SIGTERM/SIGINT.
"""
import argparse
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = os.environ.get("REPLICA_TOKEN", "sk_test_bench")
EXPECTED_AUTH = "Bearer " + TOKEN


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like a real API
    server_version = "spojka-replica/1"

    def log_message(self, fmt, *args):  # quiet: benchmarks make thousands of calls
        pass

    def _send(self, status, obj):
        data = json.dumps(obj, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/healthz":
            self._send(200, {"ok": True})
        else:
            self._send(404, {"ok": False, "error": "not_found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        if self.path != "/v1/echo":
            self._send(404, {"ok": False, "error": "not_found"})
            return
        if self.headers.get("Authorization") != EXPECTED_AUTH:
            self._send(401, {"ok": False, "error": "unauthorized"})
            return
        try:
            body = json.loads(raw)
        except ValueError:
            self._send(400, {"ok": False, "error": "invalid_json"})
            return
        if not isinstance(body, dict):
            self._send(400, {"ok": False, "error": "body_must_be_object"})
            return
        self._send(200, {"ok": True, "received": body})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    a = ap.parse_args()
    srv = Server(("127.0.0.1", a.port), Handler)
    port = srv.server_address[1]
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.replace(tmp, a.port_file)
    print(f"replica listening on 127.0.0.1:{port}", file=sys.stderr, flush=True)

    def stop(*_):
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        srv.serve_forever(poll_interval=0.2)
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()
