"""The console tests' harness: the real `spojka serve` on a free port, what the browser saw, static checks."""
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "lib"))
from spojka_server import Server  # noqa: E402,F401  (the console suites start the server from here)


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


def command_line():
    """(spojka binary, screenshot folder, chromium path) of a browser suite's command line; exits without chromium."""
    binary = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/spojka"
    shots = Path(sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="spojka-console-shots-"))
    shots.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("Debian's chromium is not installed (apt-get install chromium)")
    return binary, shots, chromium


def report(failures, suite):
    """Prints the failures of `suite` and exits 1, or says it passed."""
    if failures:
        print(f"{len(failures)} {suite} failure(s):")
        for failure in failures:
            print("  -", failure)
        sys.exit(1)
    print(f"{suite} passed")
