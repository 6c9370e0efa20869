#!/usr/bin/env python3
"""Browser tests of the workflow designer: the real `spojka serve`, Debian's Chromium through Playwright, the Slack
replica. A workflow is built by mouse and keyboard, saved, run (nodes light up), inspected step by step; undo/redo,
validation errors on nodes and fields, history restore, a renamed and a force-deleted connection.

Usage: test_designer.py PATH_TO_SPOJKA_BINARY [SCREENSHOT_DIR]
"""
import json
import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, str(Path(__file__).parent))
from designer_journeys import DesignerJourneys  # noqa: E402
from harness import Server, static_checks  # noqa: E402
from test_console import CANARY, CANARY_2, PASSWORD, Run  # noqa: E402
from slack_replica import SlackReplica  # noqa: E402


class DesignerRun(DesignerJourneys, Run):
    def model(self):
        """The definition on the canvas, as the page holds it."""
        return json.loads(self.page.evaluate("document.querySelector('sp-designer-page').model.snapshot()"))

    def node(self, node_id):
        return self.page.locator(f'.dz-node[data-id="{node_id}"]')

    def node_button(self, node_id):
        return self.page.locator(f'.dz-node-main[data-id="{node_id}"]')

    def look_designer(self, name):
        """Screenshots (light and dark, desktop) and axe of the designer as it is."""
        self.page.wait_for_selector("sp-designer-page[data-ready]")
        self.look_dialog(name)
        html = self.page.content()
        self.check(CANARY not in html and CANARY_2 not in html, f"{name}: the canary is in the DOM")

    def journey(self):
        page = self.page
        page.goto(self.base + "/setup")
        page.get_by_label("Your name").fill("Ana Admin")
        page.get_by_label("Email").fill("ana@example.com")
        page.get_by_label("Workspace name").fill("Acme")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Create workspace").click()
        page.wait_for_url("**/connections")
        self.ws = self.api("/workspaces")["items"][0]["id"]
        status, conn = self.api_write("POST", f"/workspaces/{self.ws}/connections", {
            "connector": "slack", "name": "Slack - Team", "credentials": {"token": CANARY}, "serviceUrl": self.slack.url})
        self.check(status == 201, f"connection not created: {status} {conn}")
        self.connection = conn["id"]

        page.goto(self.base + "/workflows/new")
        page.wait_for_selector("sp-designer-page[data-ready]")
        expect(self.node("start")).to_be_visible()
        self.look_designer("designer-empty")
        self.build_by_mouse_and_keyboard()
        self.save_and_run()
        self.undo_redo()
        self.validation_on_nodes()
        self.history_restore()
        self.leave_guard()
        self.renamed_connection()
        self.deleted_connection()
        self.auto_layout_and_triggers()


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/spojka"
    shots = Path(sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="spojka-designer-shots-"))
    shots.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("Debian's chromium is not installed (apt-get install chromium)")
    slack = SlackReplica(good_tokens=[CANARY, CANARY_2])
    server = Server(binary)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            page = context.new_page()
            page.set_default_timeout(15000)
            run = DesignerRun(server.url, page, context, shots)
            run.slack, run.browser = slack, browser
            try:
                run.journey()
            except Exception as error:  # keep the evidence: a screenshot of where it stopped
                page.screenshot(path=str(shots / "designer-FAILED.png"), full_page=True)
                run.failures.append(f"designer journey stopped: {error}")
            run.secrets_and_errors()
            for problem in static_checks():
                run.check(False, problem)
            browser.close()
    finally:
        server.stop()
        slack.stop()
    print(f"designer screenshots: {shots} ({len(list(shots.glob('*.png')))} files)")
    if run.failures:
        print(f"{len(run.failures)} designer test failure(s):")
        for f in run.failures:
            print("  -", f)
        sys.exit(1)
    print("designer browser tests passed")


if __name__ == "__main__":
    main()
