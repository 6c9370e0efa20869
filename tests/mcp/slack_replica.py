"""A tiny Slack Web API replica for the MCP tests: checks the bearer token like Slack does and remembers what it saw."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SlackReplica:
    """auth.test, chat.postMessage and conversations.list; `invalid_auth` for any token not in `good_tokens`."""

    def __init__(self, good_tokens):
        self.good_tokens = set(good_tokens)
        self.seen = []  # (path, token) of every request
        replica = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, body):
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def handle_call(self):
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
