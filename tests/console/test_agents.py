"""The console's agent pages in a real browser: a remote MCP connection's discovered tools and its tool policy on the
connection page, and the API tokens page's scope editor (the scope shown in the list, and exactly what an agent with
the new token then sees at /mcp through the official Python client). Screenshots, axe, no canary, no CSP problems."""
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "mcp"))
from harness import Server, Watch, command_line, report, static_checks  # noqa: E402
from remote_mcp_server import RemoteMCP  # noqa: E402
from test_mcp import tool_names  # noqa: E402

CANARY = "mcp-console-canary-3f9a0c7e51"
PASSWORD = "a long passphrase 1"


class Run:
    def __init__(self, server, page, shots):
        self.server, self.page, self.shots = server, page, shots
        self.watch, self.axe, self.failures = Watch(page), Axe(), []

    def check(self, condition, message):
        if not condition:
            self.failures.append(message)
            print("FAIL:", message)

    def look(self, name):
        self.page.wait_for_load_state("networkidle")
        self.check(CANARY not in self.page.content(), f"{name}: the canary is in the DOM")
        for scheme in ("light", "dark"):
            self.page.emulate_media(color_scheme=scheme)
            for width, height in [(1280, 800), (390, 844)]:
                self.page.set_viewport_size({"width": width, "height": height})
                self.page.screenshot(path=str(self.shots / f"agents-{name}-{scheme}-{width}x{height}.png"), full_page=True)
            self.page.set_viewport_size({"width": 1280, "height": 800})
            for v in self.axe.run(self.page).response["violations"]:
                if v["impact"] in ("serious", "critical"):
                    self.check(False, f"{name} ({scheme}): axe {v['impact']} {v['id']}: {v['help']}")
        self.page.emulate_media(color_scheme="light")

    def journey(self, remote):
        server, page = self.server, self.page
        status, setup = server.api("POST", "/setup", None, {"email": "ana@example.com", "name": "Ana", "workspace": "Acme", "password": PASSWORD})
        self.check(status == 201, f"setup: {status}")
        token, ws = setup["token"], setup["workspace"]["id"]
        status, conn = server.api("POST", f"/workspaces/{ws}/connections", token, {
            "connector": "mcp", "name": "Weather", "serviceUrl": remote.url, "credentials": {"token": CANARY}})
        self.check(status == 201, f"mcp connection: {status} {conn}")

        page.goto(server.url + "/sign-in")
        page.get_by_label("Email").fill("ana@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/connections")

        # The connection page: the discovered tools, and the tool policy (untick `add`, read-only stays off).
        page.goto(server.url + f"/connections/{conn['id']}")
        tools = page.locator("#connection-tools")
        expect(tools.locator("summary")).to_have_text("Discovered tools (3)")
        expect(tools).to_contain_text("The weather forecast of a city.")
        self.look("connection-discovered-tools")
        tools.get_by_label("add").uncheck()
        tools.get_by_role("button", name="Save tool policy").click()
        expect(page.locator(".form-status")).to_contain_text("Tool policy saved")
        _, read = server.api("GET", f"/workspaces/{ws}/connections/{conn['id']}", token)
        self.check(read["toolPolicy"] == {"allowedTools": ["forecast", "shout"], "readOnly": False}, f"policy: {read['toolPolicy']}")
        _, events = server.api("GET", f"/workspaces/{ws}/connections/{conn['id']}/events", token)
        self.check("tool_policy_changed" in [e["type"] for e in events["items"]], "the policy change is not an event")

        # The tokens page: a scoped token for the one connection, `shout` left out, read-only off.
        page.goto(server.url + "/settings/tokens")
        page.get_by_label("Name").fill("Weather agent")
        page.get_by_label("Limit this token to agents (MCP)").check()
        page.get_by_label("Chosen connections").check()
        page.get_by_label("Weather (mcp, weather)").check()
        page.locator("summary", has_text="Tools of Weather").click()
        page.get_by_label("shout").uncheck()
        page.get_by_label("Offer utility connectors (JSON, Text, Math…)").check()
        self.look("tokens-scope-editor")
        page.get_by_role("button", name="Create token").click()
        secret = page.locator("input.one-time")
        expect(secret).to_be_visible()
        agent = secret.input_value()
        expect(page.get_by_role("table")).to_contain_text("Agents (MCP) only · Acme · 1 connection · tool allow-lists on 1 · utilities")
        self.look("tokens-scoped")
        _, listed = server.api("GET", "/tokens", token)
        scope = next(t["scope"] for t in listed["items"] if t["name"] == "Weather agent")
        self.check(scope == {"workspace": ws, "connections": [conn["id"]], "tools": {conn["id"]: ["add", "forecast"]},
                             "readOnly": False, "includeUtilities": True}, f"scope: {scope}")
        # What the agent sees: the scope's allow-list ∩ the connection's policy, plus the utilities.
        # (The MCP client runs its own event loop: in a thread, beside Playwright's.)
        with ThreadPoolExecutor(1) as pool:
            names = pool.submit(tool_names, server, agent).result()
        self.check([n for n in names if n.startswith("weather__")] == ["weather__forecast"], f"agent tools: {names[:5]}")
        self.check(any(n.startswith("json__") for n in names), "utilities are not offered")

    def secrets_and_errors(self):
        for url, body in self.watch.bodies:
            self.check(CANARY not in body, f"the canary is in a response body: {url}")
        for problem in self.watch.problems():
            self.check(False, problem)


def main():
    binary, shots, chromium = command_line()
    remote = RemoteMCP(CANARY)
    server = Server(binary)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            page.set_default_timeout(15000)
            run = Run(server, page, shots)
            try:
                run.journey(remote)
            except Exception as error:  # the evidence: where it stopped
                page.screenshot(path=str(shots / "agents-FAILED.png"), full_page=True)
                run.failures.append(f"agents journey stopped: {error}")
            run.secrets_and_errors()
            run.failures += [f"static check: {p}" for p in static_checks()]
            browser.close()
        run.check(CANARY not in server.logs(), "the canary is in the server log")
    finally:
        server.stop()
        remote.stop()
    report(run.failures, "agents console tests")


if __name__ == "__main__":
    main()
