"""The real `spojka serve` binary on a free loopback port with a temporary data directory (SQLite), for Python suites."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`spojka serve` with private networks allowed (loopback replicas), a cheap password cost and one HTTP attempt."""

    def __init__(self, binary, prefix="spojka-test-", log_level="warning"):
        self.data = tempfile.mkdtemp(prefix=prefix)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, SPOJKA_DATA=self.data, SPOJKA_PORT=str(self.port), SPOJKA_HOST="127.0.0.1",
                   SPOJKA_ALLOW_PRIVATE_NETWORK="1", SPOJKA_PASSWORD_COST="10", SPOJKA_LOG_LEVEL=log_level,
                   SPOJKA_HTTP_ATTEMPTS="1")
        env.pop("SPOJKA_DATABASE_URL", None)
        self.log_path = Path(self.data) / "server.log"
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([binary, "serve"], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(600):
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("spojka serve did not start")

    def api(self, method, path, token, body=None):
        """(status, JSON body) of an API request."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + "/api/v1" + path, data=data, method=method,
                                         headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                text = r.read()
                return r.status, json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            text = e.read()
            return e.code, json.loads(text) if text else None

    def logs(self):
        self.log.flush()
        return self.log_path.read_text()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        shutil.rmtree(self.data, ignore_errors=True)
