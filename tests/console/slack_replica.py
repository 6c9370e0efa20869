"""A tiny Slack Web API replica for the console's browser tests: auth.test checks the bearer token like Slack does."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SlackReplica:
    """Answers POST /auth.test: ok with the team for `good_tokens`, `invalid_auth` for any other token."""

    def __init__(self, good_tokens):
        self.good_tokens = set(good_tokens)
        replica = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                # A page of another origin (same site: 127.0.0.1) that posts a form to the console's API.
                if self.path.startswith("/cross-site-form"):
                    target = self.path.split("target=", 1)[1]
                    page = ("<!doctype html><html lang=en><title>Elsewhere</title><form id=f method=POST enctype=text/plain action='"
                            + target + "'><input name='{\"name\":\"Evil\",\"x\":\"' value='\"}'></form>"
                            "<script>document.getElementById('f').submit()</script></html>").encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(page)))
                    self.end_headers()
                    self.wfile.write(page)
                    return
                self.send_response(404)
                self.end_headers()

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                if self.path.rstrip("/") != "/auth.test":
                    body = {"ok": False, "error": "unknown_method"}
                elif token in replica.good_tokens:
                    body = {"ok": True, "url": "https://acme.slack.example/", "team": "Acme Slack", "user": "spojka-bot",
                            "team_id": "T0ACME", "user_id": "U0BOT", "bot_id": "B0BOT"}
                elif not token:
                    body = {"ok": False, "error": "not_authed"}
                else:
                    body = {"ok": False, "error": "invalid_auth"}
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
