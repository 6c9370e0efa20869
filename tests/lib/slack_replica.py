"""A tiny Slack Web API replica for the Python test suites (console, MCP): checks the bearer token like Slack does."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SlackReplica:
    """auth.test, chat.postMessage and conversations.list; `not_authed`/`invalid_auth` for a missing or unknown token.

    `seen` records (path, token) of every call. GET /cross-site-form?target=URL serves a page of another origin that
    posts a form to URL (the console's CSRF test).
    """

    def __init__(self, good_tokens):
        self.good_tokens = set(good_tokens)
        self.seen = []
        replica = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send(self, status, content_type, data):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def answer(self, body):
                self.send(200, "application/json; charset=utf-8", json.dumps(body).encode())

            def cross_site_form(self):
                target = self.path.split("target=", 1)[1]
                page = ("<!doctype html><html lang=en><title>Elsewhere</title><form id=f method=POST enctype=text/plain action='"
                        + target + "'><input name='{\"name\":\"Evil\",\"x\":\"' value='\"}'></form>"
                        "<script>document.getElementById('f').submit()</script></html>").encode()
                self.send(200, "text/html; charset=utf-8", page)

            def handle_call(self):
                if self.command == "GET" and self.path.startswith("/cross-site-form"):
                    return self.cross_site_form()
                length = int(self.headers.get("Content-Length") or 0)
                payload = self.rfile.read(length)
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                path = self.path.split("?", 1)[0].rstrip("/")
                replica.seen.append((path, token))
                if token not in replica.good_tokens:
                    return self.answer({"ok": False, "error": "invalid_auth" if token else "not_authed"})
                if path == "/auth.test":
                    return self.answer({"ok": True, "url": "https://acme.slack.example/", "team": "Acme Slack", "user": "spojka-bot",
                                        "team_id": "T0ACME", "user_id": "U0BOT", "bot_id": "B0BOT"})
                if path == "/chat.postMessage":
                    body = json.loads(payload or b"{}")
                    return self.answer({"ok": True, "channel": body.get("channel"), "ts": "1700000000.000100",
                                        "message": {"text": body.get("text"), "user": "U0BOT", "ts": "1700000000.000100"}})
                if path == "/conversations.list":
                    return self.answer({"ok": True, "channels": [{"id": "C0GENERAL", "name": "general", "is_private": False}],
                                        "response_metadata": {"next_cursor": ""}})
                return self.answer({"ok": False, "error": "unknown_method"})

            do_GET = handle_call
            do_POST = handle_call

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
