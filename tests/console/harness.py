"""The console tests' harness: the real `spojka serve` on a free port, what the browser saw, static checks."""
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`spojka serve` on a free port with a temporary data directory."""

    def __init__(self, binary):
        self.data = tempfile.mkdtemp(prefix="spojka-console-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, SPOJKA_DATA=self.data, SPOJKA_PORT=str(self.port), SPOJKA_HOST="127.0.0.1",
                   SPOJKA_ALLOW_PRIVATE_NETWORK="1", SPOJKA_PASSWORD_COST="10", SPOJKA_LOG_LEVEL="warning",
                   SPOJKA_HTTP_ATTEMPTS="1")
        env.pop("SPOJKA_DATABASE_URL", None)
        self.log = open(Path(self.data) / "server.log", "w")
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

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        shutil.rmtree(self.data, ignore_errors=True)


class Watch:
    """Everything the browser saw: console lines, page errors, CSP violations and API response bodies."""

    def __init__(self, page):
        self.console, self.errors, self.bodies = [], [], []
        page.on("console", lambda m: self.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("response", self.response)
        page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                             "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));")

    def response(self, response):
        try:
            self.bodies.append((response.url, response.body().decode("utf-8", "replace")))
        except Exception:  # redirects and aborted loads have no body
            pass

    def problems(self):
        out = [f"page error: {e}" for e in self.errors]
        for kind, text in self.console:
            if "Content Security Policy" in text or "CSP violation" in text:
                out.append(f"CSP: {text}")
            elif kind == "error" and "Failed to load resource" not in text:
                out.append(f"console error: {text}")
        return out


def static_checks():
    """Data goes in as text: no HTML-parsing sinks in the console's code, no inline script or style in its HTML."""
    problems = []
    web = Path(__file__).resolve().parents[2] / "Sources/SpojkaConsole/Web"
    for path in web.rglob("*.js"):
        text = path.read_text()
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "localStorage.setItem('spojka.token"):
            if sink in text:
                problems.append(f"{path.relative_to(web)} uses {sink}")
    for path in web.rglob("*.html"):
        text = path.read_text()
        if "<script>" in text or "style=" in text or "<style" in text or "javascript:" in text:
            problems.append(f"{path.relative_to(web)} has inline script or style")
    return problems
