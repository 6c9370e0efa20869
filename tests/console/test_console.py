#!/usr/bin/env python3
"""Browser tests of the Spojka console: the real `spojka serve` binary, Debian's Chromium driven by Playwright,
a Slack replica, axe-core for accessibility, and screenshots of every page (light/dark, desktop/phone).

Usage: test_console.py PATH_TO_SPOJKA_BINARY [SCREENSHOT_DIR]
"""
import json
import sys
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "lib"))
from harness import Server, Watch, command_line, report, static_checks  # noqa: E402
from journeys import MoreJourneys  # noqa: E402
from slack_replica import SlackReplica  # noqa: E402

CANARY = "xoxb-canary-5e1f0c9a7d3b4411"
CANARY_2 = "xoxb-canary-second-88c0e2f1a9"
BAD_TOKEN = "xoxb-wrong-token-0000"
PASSWORD = "a long passphrase 1"
VIEWPORTS = [(1280, 800), (390, 844)]


class Run(MoreJourneys):
    def __init__(self, base, page, context, shots):
        self.base, self.page, self.context, self.shots = base, page, context, shots
        self.watch = Watch(page)
        self.axe = Axe()
        self.failures = []
        self.pages_seen = []

    def check(self, condition, message):
        if not condition:
            self.failures.append(message)
            print("FAIL:", message)

    def look_dialog(self, name):
        """Screenshots of an open dialog (desktop and phone, light and dark) and axe on it."""
        for scheme in ("light", "dark"):
            self.page.emulate_media(color_scheme=scheme)
            for width, height in VIEWPORTS:
                self.page.set_viewport_size({"width": width, "height": height})
                self.page.screenshot(path=str(self.shots / f"{name}-{scheme}-{width}x{height}.png"))
            self.page.set_viewport_size({"width": 1280, "height": 800})
            for v in self.axe.run(self.page).response["violations"]:
                if v["impact"] in ("serious", "critical"):
                    self.check(False, f"{name} ({scheme}): axe {v['impact']} {v['id']}: {v['help']}")
        self.page.emulate_media(color_scheme="light")
        self.pages_seen.append(name)

    def settle(self):
        self.page.wait_for_load_state("networkidle")
        self.page.wait_for_selector("h1")

    def look(self, name):
        """Screenshots in both themes and sizes, axe in both themes, and the canary check of the DOM."""
        self.settle()
        html = self.page.content()
        self.check(CANARY not in html and CANARY_2 not in html, f"{name}: the canary is in the DOM")
        self.pages_seen.append(name)
        for scheme in ("light", "dark"):
            self.page.emulate_media(color_scheme=scheme)
            for width, height in VIEWPORTS:
                self.page.set_viewport_size({"width": width, "height": height})
                self.page.screenshot(path=str(self.shots / f"{name}-{scheme}-{width}x{height}.png"), full_page=True)
            self.page.set_viewport_size({"width": 1280, "height": 800})
            results = self.axe.run(self.page)
            for v in results.response["violations"]:
                if v["impact"] in ("serious", "critical"):
                    targets = [n["target"] for n in v["nodes"]][:3]
                    self.check(False, f"{name} ({scheme}): axe {v['impact']} {v['id']}: {v['help']} at {targets}")
        self.page.emulate_media(color_scheme="light")

    def api(self, path):
        answer = self.page.request.get(self.base + "/api/v1" + path)
        return answer.json()

    def api_write(self, method, path, body):
        """A write through the browser's session, with its CSRF proof (like the console's own client)."""
        csrf = self.api("/session")["csrfToken"]
        answer = self.page.request.fetch(self.base + "/api/v1" + path, method=method, data=json.dumps(body),
                                         headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
        return answer.status, answer.json() if answer.status != 204 else None

    def tool_call(self, ws, connection):
        return self.api_write("POST", f"/workspaces/{ws}/tool-calls", {"connector": "slack", "tool": "auth_test", "connection": connection})

    def journey(self):
        page = self.page
        # 1. An empty instance shows the set-up page.
        page.goto(self.base + "/")
        page.wait_for_url("**/setup")
        self.look("setup")
        page.get_by_label("Your name").fill("Ana Admin")
        page.get_by_label("Email").fill("ana@example.com")
        page.get_by_label("Workspace name").fill("Acme")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Create workspace").click()
        page.wait_for_url("**/connections")
        expect(page.get_by_role("heading", name="No connections yet")).to_be_visible()
        self.look("connections-empty")
        ws = self.api("/workspaces")["items"][0]["id"]

        # 2. Add connection (Slack) with a bad token: the replica's reason is shown and nothing is stored.
        page.get_by_role("main").get_by_role("link", name="Add connection").first.click()
        page.wait_for_url("**/connections/new")
        self.look("add-connection-picker")
        page.get_by_label("Search connectors").fill("slack")
        page.get_by_role("link", name="Slack").first.click()
        page.wait_for_url("**/connections/new?connector=slack")
        page.get_by_label("Name").fill("Slack - Acme")
        page.locator("summary", has_text="Advanced: service URL").click()
        page.get_by_label("Service URL").fill(self.slack.url)
        page.get_by_label("Token").fill(BAD_TOKEN)
        page.get_by_role("button", name="Save and verify").click()
        alert = page.locator(".alert")
        expect(alert).to_contain_text("did not accept")
        expect(alert).to_contain_text("invalid_auth")
        self.check(page.get_by_label("Name").input_value() == "Slack - Acme", "the typed name was kept")
        self.check(self.api(f"/workspaces/{ws}/connections")["items"] == [], "a refused connection was stored")
        self.look("add-connection-refused")

        # 3. The good token: Active, with the account shown.
        page.get_by_label("Token").fill(CANARY)
        page.get_by_role("button", name="Save and verify").click()
        page.wait_for_url("**/connections/conn_*")
        expect(page.locator(".status-panel .badge")).to_have_text("Active")
        expect(page.locator("#connection-account")).to_have_text("Acme Slack")
        expect(page.locator("#credential-fields")).to_contain_text("token")
        self.look("connection")
        page.get_by_role("tab", name="Activity").click()
        expect(page.get_by_role("tabpanel")).to_contain_text("created")

        # 4. Rename in place.
        page.get_by_role("button", name="Rename").click()
        page.get_by_label("Name").fill("Slack - Acme HQ")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_role("heading", name="Slack - Acme HQ")).to_be_visible()
        connection_url = page.url
        connection_id = connection_url.rsplit("/", 1)[1]

        # 4b. Rotate to a bad token: refused, and the old one still works through a tool call.
        page.get_by_role("button", name="Rotate credentials").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_label("Token").fill(BAD_TOKEN)
        dialog.get_by_role("button", name="Verify and rotate").click()
        expect(dialog.locator(".alert")).to_contain_text("old credentials are kept")
        expect(dialog.locator(".alert")).to_contain_text("invalid_auth")
        self.look_dialog("rotate-refused")
        dialog.get_by_role("button", name="Cancel").click()
        status, answer = self.tool_call(ws, connection_id)
        self.check(status == 200 and answer["output"]["team"] == "Acme Slack", f"the old credential stopped working: {status} {answer}")
        # 4c. Rotate to a good one; the old token is then refused by the service, the new one works.
        page.get_by_role("button", name="Rotate credentials").click()
        page.get_by_role("dialog").get_by_label("Token").fill(CANARY_2)
        page.get_by_role("dialog").get_by_role("button", name="Verify and rotate").click()
        expect(page.locator(".form-status")).to_contain_text("Credentials rotated")
        self.slack.good_tokens.discard(CANARY)
        status, answer = self.tool_call(ws, connection_id)
        self.check(status == 200, f"the rotated credential does not work: {status} {answer}")

        # 4d. A workflow created through the API appears under Usage.
        status, workflow = self.api_write("POST", f"/workspaces/{ws}/workflows", {
            "name": "Team check", "nodes": [
                {"id": "start", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "who", "type": "connector", "outputVariable": "who",
                 "config": {"connector": "slack", "tool": "auth_test", "connection": connection_id, "arguments": {}}},
                {"id": "reply", "type": "response", "config": {"status": 200, "body": "{{ who.team }}"}}],
            "edges": [{"from": "start", "to": "who"}, {"from": "who", "to": "reply"}]})
        self.check(status == 201, f"workflow not created: {status} {workflow}")
        page.reload()
        expect(page.get_by_role("tabpanel")).to_contain_text("Team check")
        self.look("connection-in-use")

        # 5. The other pages, for screenshots and axe.
        page.goto(self.base + "/connections")
        expect(page.get_by_role("link", name="Slack - Acme HQ")).to_be_visible()
        expect(page.locator("tbody .badge")).to_have_text("Active")
        self.look("connections")
        # A search with a space reaches the server as a space (not '+'), and finds the connection.
        page.get_by_label("Search connections by name").fill("acme hq")
        page.wait_for_url("**q=acme*")
        expect(page.get_by_role("link", name="Slack - Acme HQ")).to_be_visible()
        page.goto(self.base + "/connections")
        for name, path in [("connectors", "/connectors"), ("connector-slack", "/connectors/slack"),
                           ("add-connection-form", "/connections/new?connector=slack"),
                           ("members", "/settings/members"), ("tokens", "/settings/tokens"),
                           ("oauth-apps", "/settings/oauth-apps"), ("audit", "/settings/audit"),
                           ("account", "/settings/account"), ("workflows", "/workflows"), ("not-found", "/no/such/page")]:
            page.goto(self.base + path)
            self.look(name)

        # 6. Delete is blocked while the workflow uses it: the workflow is listed; a forced delete needs the typed name.
        page.goto(connection_url)
        page.get_by_role("button", name="Delete").click()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_contain_text("1 workflow uses this connection")
        expect(dialog).to_contain_text("Team check")
        dialog.get_by_label("Type the connection's name").fill("Slack - Acme")
        dialog.get_by_role("button", name="Delete and break these workflows").click()
        expect(dialog.get_by_text("The typed name does not match.")).to_be_visible()
        self.look_dialog("delete-in-use")
        dialog.get_by_label("Type the connection's name").fill("Slack - Acme HQ")
        dialog.get_by_role("button", name="Delete and break these workflows").click()
        page.wait_for_url("**/connections")
        expect(page.get_by_role("heading", name="No connections yet")).to_be_visible()
        self.check(self.api(f"/workspaces/{ws}/connections")["items"] == [], "the deleted connection is still listed")
        broken = self.api(f"/workspaces/{ws}/workflows/{workflow['id']}").get("broken") or []
        self.check(any("who" in json.dumps(b) for b in broken), f"the workflow does not report the broken node: {broken}")

        # 6b. Add connection with the keyboard alone.
        page.goto(self.base + "/connections/new?connector=slack")
        page.wait_for_selector("h1")
        page.keyboard.press("End")
        page.keyboard.type("Keyboard")
        page.keyboard.press("Tab")  # environment
        page.keyboard.press("Tab")  # token
        page.keyboard.type(CANARY_2)
        page.keyboard.press("Tab")  # advanced
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")  # service URL
        page.keyboard.type(self.slack.url)
        page.keyboard.press("Enter")  # submits the form
        page.wait_for_url("**/connections/conn_*")
        expect(page.get_by_role("heading", name="Slack - Keyboard")).to_be_visible()

        # 6b'. Save without verifying (offline set-up): stored as not verified; Verify now shows the service's reason.
        page.goto(self.base + "/connections/new?connector=slack")
        page.get_by_label("Name").fill("Slack - Offline")
        page.locator("summary", has_text="Advanced: service URL").click()
        page.get_by_label("Service URL").fill(self.slack.url)
        page.get_by_label("Token").fill(BAD_TOKEN)
        page.get_by_role("button", name="Save without verifying").click()
        page.wait_for_url("**/connections/conn_*")
        expect(page.locator(".status-panel sp-status-badge")).to_contain_text("not verified")
        page.get_by_role("button", name="Verify now").click()
        expect(page.locator(".status-panel sp-status-badge")).to_contain_text("invalid_auth")
        self.look("connection-error")

        # 6c. A viewer and a member (invited, accepting the link in other browsers): the viewer sees no write controls;
        # the member may add connections but not change one someone else owns.
        for role in ("viewer", "member"):
            context, other = self.join(ws, role)
            other.wait_for_url("**/connections")
            expect(other.get_by_role("link", name="Slack - Keyboard")).to_be_visible()
            can_add = other.get_by_role("link", name="Add connection").count() > 0
            self.check(can_add == (role == "member"), f"a {role} {'does not see' if role == 'member' else 'sees'} Add connection")
            other.get_by_role("link", name="Slack - Keyboard").click()
            expect(other.get_by_role("heading", name="Slack - Keyboard")).to_be_visible()
            for button in ("Delete", "Rename", "Rotate credentials", "Verify now"):
                self.check(other.get_by_role("button", name=button).count() == 0, f"a {role} sees {button} on another's connection")
            if role == "viewer":  # the server refuses; the page says so instead of breaking
                other.goto(self.base + "/settings/audit")
                expect(other.get_by_role("alert")).to_contain_text("Only admins and owners")
            context.close()

        # 6d. A form posted from another origin with the session cookie is refused.
        before = len(self.api("/workspaces")["items"])
        other = self.context.new_page()
        other.goto(f"{self.slack.url}/cross-site-form?target={self.base}/api/v1/workspaces")
        other.wait_for_load_state("networkidle")
        self.check("forbidden" in other.content(), "the cross-site form was not refused")
        other.close()
        self.check(len(self.api("/workspaces")["items"]) == before, "the cross-site form created a workspace")

        # 6e. An OAuth connection through the Authlib provider: register the app, Connect, consent, Active; Reconnect keeps the ID.
        self.oauth_journey(ws)

        # 6f. Create a workspace from the switcher; the console switches to it (empty Connections).
        page.goto(self.base + "/connections")
        page.get_by_label("Workspace").select_option(label="+ Create workspace…")
        dialog = page.get_by_role("dialog")
        dialog.get_by_label("Name").fill("Second team")
        self.look_dialog("create-workspace")
        dialog.get_by_role("button", name="Create").click()
        expect(page.locator("#workspace-switcher option:checked")).to_have_text("Second team")
        expect(page.get_by_role("heading", name="No connections yet")).to_be_visible()
        self.check(len(self.api("/workspaces")["items"]) == 2, "the new workspace was not created")

        # 7. Sign out; the session cookie no longer works; sign in again.
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/sign-in")
        self.check(page.request.get(self.base + "/api/v1/session").status == 401, "the session survived sign-out")
        self.look("sign-in")
        page.goto(self.base + "/invitations/accept?token=inv_not_a_real_one")
        page.get_by_label("Your name").fill("Bo")
        page.get_by_label("Choose a password").fill("another long one")
        page.get_by_role("button", name="Join the workspace").click()
        expect(page.get_by_role("heading", name="Invitation not valid")).to_be_visible()
        self.check("inv_not_a_real_one" not in page.url, "the invitation token stayed in the address bar")
        self.look("invitation-invalid")
        page.goto(self.base + "/sign-in")
        page.get_by_label("Email").fill("ana@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/connections")

    def secrets_and_errors(self):
        for url, body in self.watch.bodies:
            self.check(CANARY not in body and CANARY_2 not in body, f"the canary is in a response body: {url}")
        storage = self.page.evaluate("JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])")
        self.check(CANARY not in storage and CANARY_2 not in storage, "the canary is in web storage")
        for cookie in self.context.cookies():
            self.check(CANARY not in cookie["value"] and CANARY_2 not in cookie["value"], f"the canary is in cookie {cookie['name']}")
            self.check(cookie["name"] == "spojka_session", f"unexpected cookie {cookie['name']}")
            self.check(cookie["httpOnly"] and cookie["sameSite"] == "Strict", "the session cookie is not HttpOnly and SameSite=Strict")
        for kind, text in self.watch.console:
            self.check(CANARY not in text and CANARY_2 not in text, "the canary is in the browser console")
        for problem in self.watch.problems():
            self.check(False, problem)


def main(run_class=Run, label="console"):
    """Runs `run_class(...).journey()` against a fresh server and Slack replica; exits non-zero on any failure."""
    binary, shots, chromium = command_line()
    slack = SlackReplica(good_tokens=[CANARY, CANARY_2])
    server = Server(binary)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            page.set_default_timeout(15000)
            run = run_class(server.url, page, context, shots)
            run.slack, run.server = slack, server
            run.browser = browser
            run.port = server.port
            try:
                run.journey()
            except Exception as error:  # keep the evidence: a screenshot of where it stopped
                page.screenshot(path=str(shots / f"FAILED-{label}.png"), full_page=True)
                run.failures.append(f"journey stopped: {error}")
            run.secrets_and_errors()
            for problem in static_checks():
                run.check(False, problem)
            browser.close()
    finally:
        server.stop()
        slack.stop()
    print(f"{label} screenshots: {shots} ({len(list(shots.glob('*.png')))} files, pages: {', '.join(run.pages_seen)})")
    report(run.failures, f"{label} browser tests")


if __name__ == "__main__":
    main()
