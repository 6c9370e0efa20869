#!/usr/bin/env python3
"""Browser tests of the console's Workflows list, Executions, a run's page and the Approvals inbox: the real
`spojka serve`, Debian's Chromium through Playwright, a Slack replica, axe-core, screenshots in both themes.

Usage: test_executions.py PATH_TO_SPOJKA_BINARY [SCREENSHOT_DIR]
"""
import hashlib
import hmac
import json
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).parent))
from test_console import CANARY, CANARY_2, PASSWORD, Run, main  # noqa: E402

HOOK_SECRET = "whsec_" + CANARY.removeprefix("xoxb-")  # a second canary: the webhook signing secret


class ExecutionsRun(Run):
    """The journey of this suite; `look`, `check`, `api_write` and the canary checks come from the console suite."""

    def secrets_and_errors(self):
        super().secrets_and_errors()
        for url, body in self.watch.bodies:
            self.check(HOOK_SECRET not in body, f"the signing secret is in a response body: {url}")
        self.check(HOOK_SECRET not in self.page.content(), "the signing secret is in the DOM")

    def wait_run(self, ws, run_id, statuses):
        for _ in range(300):
            run = self.api(f"/workspaces/{ws}/runs/{run_id}")
            if run["status"] in statuses:
                return run
            time.sleep(0.1)
        raise AssertionError(f"run {run_id} never reached {statuses}: {run['status']}")

    def start(self, ws, workflow, body):
        status, answer = self.api_write("POST", f"/workspaces/{ws}/workflows/{workflow}/runs", body)
        self.check(status in (200, 202), f"run not started: {status} {answer}")
        return answer.get("id") or answer.get("runId")

    def row(self, name):
        return self.page.locator("tbody tr", has=self.page.get_by_role("link", name=name, exact=True))

    def arrange(self):
        """Set-up through the API (the same calls a script makes): connections and four workflows."""
        status, _ = self.server.api("POST", "/setup", None, {"email": "ana@example.com", "name": "Ana Admin", "workspace": "Acme", "password": PASSWORD})
        self.check(status in (200, 201), f"set-up refused: {status}")
        page = self.page
        page.goto(self.base + "/sign-in")
        page.get_by_label("Email").fill("ana@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/connections")
        ws = self.api("/workspaces")["items"][0]["id"]

        def connection(name, token):
            status, c = self.api_write("POST", f"/workspaces/{ws}/connections", {
                "connector": "slack", "name": name, "credentials": {"token": token}, "serviceUrl": self.slack.url})
            self.check(status == 201, f"connection {name}: {status} {c}")
            return c["id"]
        slack, doomed = connection("Slack - Acme", CANARY), connection("Slack - old", CANARY_2)
        status, hook_conn = self.api_write("POST", f"/workspaces/{ws}/connections?verify=false", {
            "connector": "webhook", "name": "Orders hook", "credentials": {"secret": HOOK_SECRET}, "settings": {"scheme": "spojka"}})
        self.check(status == 201, f"webhook connection: {status}")
        manual = {"id": "start", "type": "trigger", "config": {"kind": "manual"}}

        def send(conn):
            return {"id": "post", "type": "connector", "outputVariable": "posted", "config": {
                "connector": "slack", "tool": "send_message", "connection": conn,
                "arguments": {"channel": "C0GENERAL", "text": "Order {{ input.order }} shipped"}}}
        reply = {"id": "reply", "type": "response", "config": {"status": 200, "body": {"ts": "{{ posted.ts }}"}}}
        flows = {
            "Notify Slack": ([manual, send(slack), reply], [("start", "post"), ("post", "reply")]),
            "Old Slack": ([manual, send(doomed), reply], [("start", "post"), ("post", "reply")]),
            "Orders hook": ([{"id": "hook", "type": "trigger", "config": {"kind": "webhook", "signing": hook_conn["id"], "mode": "async"}},
                             {"id": "shape", "type": "transform", "config": {"template": {"order": "{{ input.body.id }}"}}}], [("hook", "shape")]),
            "Refund approval": ([manual, {"id": "ask", "type": "human", "outputVariable": "decision", "config": {
                "message": "Refund {{ input.amount }} EUR?", "approvers": {"roles": ["admin"]}, "timeoutMinutes": 60}},
                {"id": "done", "type": "response", "config": {"body": {"decision": "{{ decision.decision }}"}}}], [("start", "ask"), ("ask", "done")]),
        }
        ids = {}
        for name, (nodes, edges) in flows.items():
            status, saved = self.api_write("POST", f"/workspaces/{ws}/workflows",
                                           {"name": name, "nodes": nodes, "edges": [{"from": a, "to": b} for a, b in edges]})
            self.check(status == 201, f"workflow {name}: {status} {saved}")
            ids[name] = saved["id"]
            if name == "Orders hook":
                self.hook_url = saved["webhookUrl"]
        return ws, ids, doomed

    def journey(self):
        page = self.page
        ws, ids, doomed = self.arrange()
        # The list: trigger kinds, no broken badge yet; then a forced delete breaks "Old Slack" visibly.
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Workflows").click()
        page.wait_for_url("**/workflows")
        expect(self.row("Orders hook")).to_contain_text("Webhook")
        expect(self.row("Notify Slack")).to_contain_text("Manual")
        expect(page.locator(".badge.broken")).to_have_count(0)
        csrf = self.api("/session")["csrfToken"]
        status = page.request.delete(self.base + f"/api/v1/workspaces/{ws}/connections/{doomed}?force=true", headers={"X-CSRF-Token": csrf}).status
        self.check(status == 204, f"forced delete: {status}")
        page.reload()
        expect(self.row("Old Slack").locator(".badge.broken")).to_have_text("Broken")
        expect(page.locator(".badge.broken")).to_have_count(1)
        self.look("workflows")

        # Enable switch, export (no secret), duplicate, delete (confirmed), import.
        switch = page.get_by_role("switch", name="Enabled: Orders hook")
        switch.uncheck()
        expect(page.get_by_role("status")).to_contain_text("Orders hook is disabled")
        self.check(self.api(f"/workspaces/{ws}/workflows/{ids['Orders hook']}")["enabled"] is False, "the switch did not disable the workflow")
        switch.check()
        expect(page.get_by_role("status")).to_contain_text("Orders hook is enabled")
        with page.expect_download() as download:
            page.get_by_role("button", name="Export Notify Slack").click()
        exported = Path(download.value.path()).read_text()
        definition = json.loads(exported)
        self.check(definition["nodes"][1]["config"]["connection"].startswith("conn_"), "the export lacks the connection ID")
        self.check(CANARY not in exported and HOOK_SECRET not in exported, "the export holds a secret")
        page.get_by_role("button", name="Duplicate Notify Slack").click()
        expect(page.get_by_role("link", name="Copy of Notify Slack", exact=True)).to_be_visible()
        page.get_by_role("button", name="Delete Copy of Notify Slack").click()
        self.look_dialog("workflow-delete-dialog")
        page.get_by_role("dialog").get_by_role("button", name="Delete workflow").click()
        expect(page.get_by_role("link", name="Copy of Notify Slack", exact=True)).to_have_count(0)
        page.get_by_role("button", name="Import").click()
        page.get_by_label("Or paste the definition").fill("{not json")
        page.get_by_role("dialog").get_by_role("button", name="Import").click()
        expect(page.get_by_role("dialog")).to_contain_text("not valid JSON")
        definition["name"] = "Imported Slack"
        page.get_by_label("Or paste the definition").fill(json.dumps(definition))
        self.look_dialog("workflow-import-dialog")
        page.get_by_role("dialog").get_by_role("button", name="Import").click()
        expect(page.get_by_role("link", name="Imported Slack", exact=True)).to_be_visible()

        # Create opens the designer's address with a minimal workflow.
        page.get_by_role("button", name="Create workflow").click()
        page.get_by_role("dialog").get_by_label("Name").fill("Fresh start")
        page.get_by_role("dialog").get_by_role("button", name="Create").click()
        page.wait_for_url("**/workflows/wf_*")
        fresh = page.url.rsplit("/", 1)[1]
        self.check(self.api(f"/workspaces/{ws}/workflows/{fresh}")["name"] == "Fresh start", "Create did not save the workflow")

        # Runs: a connector run, a webhook run sent by the test, two waiting approvals.
        notify = self.start(ws, ids["Notify Slack"], {"input": {"order": 41}, "wait": True, "timeoutSeconds": 30})
        hooked = self.send_webhook()
        self.wait_run(ws, hooked, {"completed"})
        first = self.start(ws, ids["Refund approval"], {"input": {"amount": 12}})
        second = self.start(ws, ids["Refund approval"], {"input": {"amount": 99}})
        for run_id in (first, second):
            self.wait_run(ws, run_id, {"waiting"})

        # Approvals inbox: approve one with a comment (the run completes), reject the other (it fails as documented).
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Approvals").click()
        page.wait_for_url("**/approvals")
        expect(page.locator("li.approval")).to_have_count(2)
        expect(page.locator(f"li[data-run='{first}']")).to_contain_text("Refund 12 EUR?")
        self.look("approvals")
        card = page.locator(f"li[data-run='{first}']")
        card.get_by_label("Comment").fill("fine by me")
        card.get_by_role("button", name="Approve").click()
        expect(card).to_contain_text("Approved")
        done = self.wait_run(ws, first, {"completed", "failed"})
        self.check(done["status"] == "completed" and done["output"] == {"decision": "approve"}, f"approved run: {done['status']} {done.get('output')}")
        card = page.locator(f"li[data-run='{second}']")
        card.get_by_label("Comment").fill("too much")
        card.get_by_role("button", name="Reject").click()
        expect(card).to_contain_text("Rejected")
        rejected = self.wait_run(ws, second, {"completed", "failed"})
        self.check(rejected["status"] == "failed" and rejected["error"]["code"] == "approval_rejected"
                   and "too much" in rejected["error"]["message"], f"rejected run: {rejected['status']} {rejected.get('error')}")
        page.reload()
        expect(page.get_by_role("heading", name="Nothing to decide")).to_be_visible()
        self.look("approvals-empty")

        # Executions: the list with filters; the webhook run appears under the Webhook filter.
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Executions").click()
        page.wait_for_url("**/executions")
        expect(page.locator(f"tr[data-run='{notify}']")).to_contain_text("Notify Slack")
        expect(page.locator(f"tr[data-run='{hooked}']")).to_contain_text("webhook")
        self.look("executions")
        page.get_by_label("Trigger").select_option("webhook")
        page.wait_for_url("**/executions?trigger=webhook")
        expect(page.locator("tbody tr")).to_have_count(1)
        expect(page.locator(f"tr[data-run='{hooked}']")).to_contain_text("Orders hook")
        page.get_by_label("Status").select_option("failed")
        expect(page.get_by_text("No run matches these filters.")).to_be_visible()
        page.goto(self.base + f"/executions?status=failed")
        expect(page.locator(f"tr[data-run='{second}']")).to_be_visible()
        page.locator(f"tr[data-run='{second}']").get_by_role("link").click()
        page.wait_for_url(f"**/executions/{second}")
        expect(page.locator(".run-error")).to_contain_text("approval_rejected")
        self.look("run-rejected")

        # A run's page: the step timeline with the connector step's input and output (scrubbed, no credential).
        page.goto(self.base + f"/executions/{notify}")
        expect(page.locator("#run-status")).to_contain_text("Completed")
        step = page.locator("li[data-step='post']")
        step.locator("summary").click()
        expect(step.get_by_label("Input of post")).to_contain_text("Order 41 shipped")
        expect(step.get_by_label("Output of post")).to_contain_text("1700000000.000100")
        expect(page.locator("li.step")).to_have_count(3)
        self.look("run")

        # A waiting run: its page offers the approval form and Cancel; cancelling ends it.
        third = self.start(ws, ids["Refund approval"], {"input": {"amount": 7}})
        self.wait_run(ws, third, {"waiting"})
        page.goto(self.base + f"/executions/{third}")
        expect(page.get_by_role("region", name="Approval at ask")).to_contain_text("Refund 7 EUR?")
        self.look("run-waiting")
        page.get_by_role("button", name="Cancel run").click()
        page.get_by_role("dialog").get_by_role("button", name="Cancel the run").click()
        expect(page.locator("#run-status")).to_contain_text("Cancelled")
        self.check(self.api(f"/workspaces/{ws}/runs/{third}")["status"] == "cancelled", "the run was not cancelled")
        # The list again, now with each workflow's newest run.
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Workflows").click()
        expect(self.row("Refund approval")).to_contain_text("Cancelled")
        expect(self.row("Notify Slack")).to_contain_text("Completed")
        self.look("workflows-with-runs")
        fourth = self.start(ws, ids["Refund approval"], {"input": {"amount": 3}})
        self.wait_run(ws, fourth, {"waiting"})
        self.viewer_sees_no_write_controls(ws, fourth)

    def viewer_sees_no_write_controls(self, ws, run_id):
        """A viewer reads the lists but gets no write control; the server refuses the write anyway."""
        context, page = self.join(ws, "viewer")
        page.wait_for_url("**/connections")
        page.goto(self.base + "/workflows")
        expect(page.get_by_role("switch", name="Enabled: Notify Slack")).to_be_disabled()
        for name in ("Create workflow", "Import", "Duplicate Notify Slack", "Delete Notify Slack"):
            expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
        expect(page.get_by_role("button", name="Export Notify Slack")).to_be_visible()
        page.goto(self.base + "/approvals")
        expect(page.get_by_role("heading", name="Nothing to decide")).to_be_visible()
        page.goto(self.base + f"/executions/{run_id}")
        expect(page.get_by_role("region", name="Approval at ask")).to_contain_text("You are not one of its approvers")
        expect(page.get_by_role("button", name="Cancel run")).to_have_count(0)
        expect(page.get_by_role("button", name="Approve")).to_have_count(0)
        context.close()

    def send_webhook(self):
        body = json.dumps({"id": 7001}).encode()
        stamp = str(int(time.time()))
        signature = hmac.new(HOOK_SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        request = urllib.request.Request(self.hook_url, data=body, method="POST", headers={
            "Content-Type": "application/json", "X-Spojka-Timestamp": stamp, "X-Spojka-Signature": "v1=" + signature})
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read())["runId"]


if __name__ == "__main__":
    main(ExecutionsRun, "executions")
