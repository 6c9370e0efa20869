#!/usr/bin/env python3
"""Browser tests of the workflow designer: the real `spojka serve`, Debian's Chromium through Playwright, the Slack
replica. A workflow is built by mouse and keyboard, saved, run (nodes light up), inspected step by step; undo/redo,
validation errors on nodes and fields, history restore, a renamed and a force-deleted connection.

Usage: test_designer.py PATH_TO_SPOJKA_BINARY [SCREENSHOT_DIR]
"""
import json
import sys
from pathlib import Path

from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).parent))
from designer_journeys import DesignerJourneys  # noqa: E402
from test_console import CANARY, CANARY_2, PASSWORD, Run, main  # noqa: E402


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
        # Set up through the API with a browser session (the set-up page has its own test in test_console.py).
        answer = page.request.post(self.base + "/api/v1/setup?session=cookie", headers={"Content-Type": "application/json"}, data=json.dumps(
            {"email": "ana@example.com", "name": "Ana Admin", "workspace": "Acme", "password": PASSWORD}))
        self.check(answer.status == 201, f"set-up refused: {answer.status} {answer.text()}")
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
        self.waiting_run()



if __name__ == "__main__":
    main(DesignerRun, "designer")
